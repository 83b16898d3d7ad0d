/* hf-thermal-guardian.h — stepping a hot miner down, and back up once cool
 * SPDX-License-Identifier: MIT
 *
 * Opt-in per miner or per group.  On a reading whose chip or VR
 * temperature is past the miner's limit, the guardian steps the miner
 * down one option: the next lower frequency among the model's own
 * (AxeOS, NerdOS), or the next lower work mode (Avalon).  Once every
 * reading has stayed under the limits minus a margin for cool_min
 * minutes, it steps back up one option, until the miner is where it was.
 * A step up that gets hot again waits a whole cool period before the
 * next try, so it never swings faster than that.  Each step is kept in
 * the miner's history (the store's events) and raised as an alert.  The
 * settings a miner had before its first step down are in the store, so a
 * restart neither forgets nor repeats them.  A miner that tunes is left
 * to the tuner's own limits.
 */
#pragma once

#include <gio/gio.h>

#include "hf-miner.h"
#include "hf-reading.h"

G_BEGIN_DECLS

typedef struct _HfSession HfSession;
typedef struct _HfStore HfStore;

#define HF_GUARDIAN_DEFAULT_CHIP_C    70.0
#define HF_GUARDIAN_DEFAULT_VR_C      85.0
#define HF_GUARDIAN_DEFAULT_COOL_MIN  10
/* A reading counts as cool below the limit minus this. */
#define HF_GUARDIAN_MARGIN_C          3.0
/* What a guard may say (anything else is refused: a typing error). */
#define HF_GUARDIAN_MIN_LIMIT_C       30.0
#define HF_GUARDIAN_MAX_LIMIT_C       110.0
#define HF_GUARDIAN_MAX_COOL_MIN      1440
/* At most one write to a miner in this many seconds; backoff cap. */
#define HF_GUARDIAN_WRITE_EVERY_S     60
#define HF_GUARDIAN_MAX_BACKOFF_S     (15 * 60)
/* Guards changed by another process (the CLI) are read again this often. */
#define HF_GUARDIAN_RELOAD_S          60

/* The kinds of event a step is in the store's events (hf-store-events.h). */
#define HF_EVENT_THERMAL_STEP_DOWN    "thermal-step-down"
#define HF_EVENT_THERMAL_STEP_UP      "thermal-step-up"

#ifndef HF_MINER_VETO_FUNC_DEFINED
#define HF_MINER_VETO_FUNC_DEFINED
typedef gboolean (*HfMinerVetoFunc) (HfMiner  *miner,
                                     gpointer  user_data);
#endif

/* Who a guard is for: one miner (@miner_key) or one group (@group). */
typedef struct
{
  gint64  id;
  char   *miner_key;            /* hf_miner key (MAC/serial, else address), or NULL */
  char   *address;              /* the miner's address (listing only), or NULL */
  char   *group;                /* group name, or NULL */
  double  chip_limit_c;
  double  vr_limit_c;
  guint   cool_min;
} HfGuard;

/* A new guard has the default limits and cool period. */
HfGuard *hf_guard_new  (void);
HfGuard *hf_guard_copy (const HfGuard *guard);
void     hf_guard_free (HfGuard       *guard);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfGuard, hf_guard_free)
/* Why @guard's limits or cool period are out of bounds, or NULL. */
char    *hf_guard_check (const HfGuard *guard);

/* ---- the rules, without a miner (what the guardian decides on) --------- */

typedef enum
{
  HF_GUARDIAN_HOLD,             /* nothing to do now */
  HF_GUARDIAN_STEP_DOWN,
  HF_GUARDIAN_STEP_UP,
} HfGuardianVerdict;

/* What the guardian keeps of one miner between readings (times in µs of
 * its clock; 0: never). */
typedef struct
{
  guint   steps;                /* options stepped down now */
  gint64  cool_since;           /* the first of the cool readings in a row */
  gint64  last_step;            /* the last step done */
  gint64  last_write;           /* the last write asked for */
  gint64  retry_at;             /* after a failed write: not before */
  guint   failures;             /* in a row */
} HfGuardianTrack;

/* The chip temperature a reading is judged by (chip_temp_c, else
 * temperature_c; NAN when neither). */
double            hf_guardian_chip_c (const HfReading *reading);

/* One reading's verdict: @chip_c and @vr_c (NAN: not reported) against
 * @guard; @can_go_lower: an option below the current one exists.  Hot
 * (past a limit) steps down; cool (every sensor under its limit minus
 * HF_GUARDIAN_MARGIN_C) for the whole cool period since the last step
 * and since the last reading that was not cool steps up while stepped
 * down; never two writes within HF_GUARDIAN_WRITE_EVERY_S, nor before
 * @track->retry_at.  Updates @track->cool_since; *@why (may be NULL) says
 * what made a step ("chip 72 °C over 70 °C"). */
HfGuardianVerdict hf_guardian_decide (HfGuardianTrack *track,
                                      const HfGuard   *guard,
                                      double           chip_c,
                                      double           vr_c,
                                      gboolean         can_go_lower,
                                      gint64           now,
                                      char           **why);

#define HF_TYPE_THERMAL_GUARDIAN (hf_thermal_guardian_get_type ())
G_DECLARE_FINAL_TYPE (HfThermalGuardian, hf_thermal_guardian, HF, THERMAL_GUARDIAN, GObject)

/* The session makes its own (hf_session_get_guardian()). */
HfThermalGuardian *hf_thermal_guardian_new (HfSession *session);

/* The guard in force for @miner (its own, else its group's), or NULL. */
const HfGuard *hf_thermal_guardian_get_guard   (HfThermalGuardian *self,
                                                HfMiner           *miner);
/* How many options @miner is stepped down now (0: where it was). */
guint          hf_thermal_guardian_get_steps   (HfThermalGuardian *self,
                                                HfMiner           *miner);
/* Every guard (HfGuard*, the guardian's own). */
GPtrArray     *hf_thermal_guardian_get_guards  (HfThermalGuardian *self);

/* Add or replace the guard of @guard's miner or group; remove one by id.
 * Saved in the store; ::changed when done. */
void      hf_thermal_guardian_set_async    (HfThermalGuardian  *self,
                                            const HfGuard      *guard,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean  hf_thermal_guardian_set_finish   (HfThermalGuardian  *self,
                                            GAsyncResult       *result,
                                            GError            **error);
void      hf_thermal_guardian_remove_async (HfThermalGuardian  *self,
                                            gint64              id,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean  hf_thermal_guardian_remove_finish (HfThermalGuardian *self,
                                             GAsyncResult      *result,
                                             GError           **error);

/* Look at @miner's new reading (the session calls it for every reading). */
void      hf_thermal_guardian_check        (HfThermalGuardian  *self,
                                            HfMiner            *miner);

/* The store to read guards and states from and keep them in (the session
 * sets it once loaded); read then, off the main loop.  Without one (NULL)
 * there are no guards, and setting one fails (HF_ERROR_STORE). */
void      hf_thermal_guardian_set_store    (HfThermalGuardian  *self,
                                            HfStore            *store);
/* Read the guards again (after a change made elsewhere); a loaded
 * guardian does so by itself every HF_GUARDIAN_RELOAD_S. */
void      hf_thermal_guardian_reload       (HfThermalGuardian  *self);
gboolean  hf_thermal_guardian_get_loaded   (HfThermalGuardian  *self);

/* Act only while the session polls (it turns this on with polling): a
 * command that reads a miner once writes nothing to it.  Off at first. */
void      hf_thermal_guardian_set_active   (HfThermalGuardian  *self,
                                            gboolean            active);

/* Miners @func returns TRUE for are left alone (a tune in progress). */
void      hf_thermal_guardian_set_skip_func (HfThermalGuardian *self,
                                             HfMinerVetoFunc    func,
                                             gpointer           user_data,
                                             GDestroyNotify     destroy);

/* For tests: writes asked of the session so far. */
guint     hf_thermal_guardian_get_writes   (HfThermalGuardian  *self);

/* Signals: ::stepped (HfMiner*, int direction -1 down / +1 up, const char
 * *what "490 MHz → 450 MHz: chip 72.4 °C over 70 °C"), ::changed (the
 * guards, or a miner's steps), ::write-failed (HfMiner*, const char
 * *message: said once until a write works again). */

/* Tests drive time: wall-clock µs (default g_get_real_time). */
typedef gint64 (*HfGuardianClock) (gpointer user_data);
void      hf_thermal_guardian_set_clock    (HfThermalGuardian  *self,
                                            HfGuardianClock     clock,
                                            gpointer            user_data);

G_END_DECLS
