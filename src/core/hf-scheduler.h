/* hf-scheduler.h — keeping scheduled miners in the state their schedule says
 * SPDX-License-Identifier: MIT
 *
 * A schedule is a state the session keeps enforcing, not an event: on
 * every poll cycle, when a miner comes back, at once after loading and
 * starting, and when the clock passes a switch (a timer that looks at the
 * wall clock at least once a minute, so a sleep does not make it late),
 * each scheduled miner's reading is compared with its desired state and,
 * where they differ, the session is asked to pause, resume or apply.
 * At most one write per miner a minute; after a failure, retries back off
 * (1, 2, 4 … 15 minutes) and the failure is said once (g_message and
 * ::write-failed), not every cycle.
 *
 * "Override until the next switch" leaves a miner alone until its
 * schedule next switches; it is kept in the store's notes, so a restart
 * keeps it.
 */
#pragma once

#include <gio/gio.h>

#include "hf-schedule.h"
#include "hf-session.h"

G_BEGIN_DECLS

#ifndef HF_MINER_VETO_FUNC_DEFINED
#define HF_MINER_VETO_FUNC_DEFINED
typedef gboolean (*HfMinerVetoFunc) (HfMiner  *miner,
                                     gpointer  user_data);
#endif

/* Wall-clock µs, as g_get_real_time() gives them (tests drive their own). */
typedef gint64 (*HfSchedulerClock) (gpointer user_data);

/* At most one write to a miner in this many seconds; backoff cap. */
#define HF_SCHEDULER_WRITE_EVERY_S  60
#define HF_SCHEDULER_MAX_BACKOFF_S  (15 * 60)
/* Schedules changed by another process (the CLI) are read again this often. */
#define HF_SCHEDULER_RELOAD_S       60

#define HF_TYPE_SCHEDULER (hf_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (HfScheduler, hf_scheduler, HF, SCHEDULER, GObject)

/* The session makes its own (hf_session_get_scheduler()). */
HfScheduler *hf_scheduler_new             (HfSession        *session);

void         hf_scheduler_set_clock       (HfScheduler      *self,
                                           HfSchedulerClock  clock,
                                           gpointer          user_data);
/* The local time zone schedules are in (NULL: this machine's). */
void         hf_scheduler_set_time_zone   (HfScheduler      *self,
                                           GTimeZone        *tz);
/* While @func returns TRUE for a miner, nothing is written to it (the
 * power budget curtails it). */
void         hf_scheduler_set_hold_func   (HfScheduler      *self,
                                           HfMinerVetoFunc   func,
                                           gpointer          user_data,
                                           GDestroyNotify    destroy);

/* The store to read schedules from and keep overrides in (the session
 * sets it once loaded); the schedules are read then, off the main loop. */
void         hf_scheduler_set_store       (HfScheduler      *self,
                                           HfStore          *store);
/* Read the schedules again (after a change made elsewhere). */
void         hf_scheduler_reload          (HfScheduler      *self);
gboolean     hf_scheduler_get_loaded      (HfScheduler      *self);
/* Enforce from now on (the session starts and stops it with polling). */
void         hf_scheduler_start           (HfScheduler      *self);
void         hf_scheduler_stop            (HfScheduler      *self);
/* Compare every scheduled miner with its state now and act where they
 * differ (what a cycle, a switch and a miner's return do). */
void         hf_scheduler_check           (HfScheduler      *self);

/* The schedules (HfSchedule*, oldest first; the scheduler's own). */
GPtrArray   *hf_scheduler_get_schedules   (HfScheduler      *self);
/* What @miner should be doing now, or NULL: no schedule in force. */
const HfScheduleState *hf_scheduler_get_desired (HfScheduler *self,
                                                 HfMiner     *miner);
/* When @miner's desired state next changes and to what (*@after NULL:
 * left alone from then); FALSE when it has no schedule or never changes. */
gboolean     hf_scheduler_get_next_change (HfScheduler            *self,
                                           HfMiner                *miner,
                                           gint64                 *when,
                                           const HfScheduleState **after);

/* Leave @miner alone until its schedule's next switch (FALSE: it has no
 * schedule); resume enforcing it at once. */
gboolean     hf_scheduler_override        (HfScheduler      *self,
                                           HfMiner          *miner);
void         hf_scheduler_resume          (HfScheduler      *self,
                                           HfMiner          *miner);
/* Whether @miner is overridden now, and until when (unix seconds;
 * G_MAXINT64: until resumed). */
gboolean     hf_scheduler_get_override    (HfScheduler      *self,
                                           HfMiner          *miner,
                                           gint64           *until);

/* Keep @schedule (for @miner, else for schedule->group); reloads and
 * enforces once kept.  A preset is checked against @miner's model's
 * options first (HF_ERROR_INVALID if not among them). */
void         hf_scheduler_add_async       (HfScheduler         *self,
                                           const HfSchedule    *schedule,
                                           HfMiner             *miner,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gint64       hf_scheduler_add_finish      (HfScheduler         *self,
                                           GAsyncResult        *result,
                                           GError             **error);
void         hf_scheduler_remove_async    (HfScheduler         *self,
                                           gint64               id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean     hf_scheduler_remove_finish   (HfScheduler         *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/* For tests: writes asked of the session so far. */
guint        hf_scheduler_get_writes      (HfScheduler      *self);

G_END_DECLS
