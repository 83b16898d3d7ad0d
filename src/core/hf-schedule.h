/* hf-schedule.h — what state a miner should be in, by weekday and local time
 * SPDX-License-Identifier: MIT
 *
 * A schedule is a target (one miner, or a group by name), a set of
 * weekdays, a local time range [start, end) in minutes after midnight (an
 * end at or before the start runs past midnight into the next day: the
 * weekdays are the days a range *starts*), and a desired state.  Outside
 * every range a miner has no desired state and is left alone.
 *
 * Times are wall-clock times in a GTimeZone.  A range that starts or ends
 * at a time a daylight-saving change skips switches at the first instant
 * after the gap; a time that happens twice switches once, the first time.
 *
 * Text forms (CLI, API, the store): days "mon-fri", "sat,sun", "daily",
 * "weekdays", "weekends"; times "22:00-06:00"; states "mining", "paused",
 * "mode:N" (an Avalon work mode), "preset:FREQ/MV" (AxeOS frequency in MHz
 * and core voltage in mV, from the model's options) and "pool:NAME" (a
 * pool profile in the store).
 *
 * Evaluation is pure: HfSchedulePlan takes the schedules, the time zone
 * and an instant from its caller, works out once per switch which ranges
 * are in force, and then answers per miner without allocating.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HF_SCHEDULE_ALL_DAYS 0x7f

/* Longest pool profile or group name a schedule keeps. */
#define HF_SCHEDULE_NAME_MAX 64

typedef enum
{
  HF_SCHEDULE_MINING,
  HF_SCHEDULE_PAUSED,
  HF_SCHEDULE_MODE,           /* work_mode */
  HF_SCHEDULE_PRESET,         /* frequency_mhz, core_voltage_mv */
  HF_SCHEDULE_POOL,           /* pool: a pool profile's name */
} HfScheduleKind;

typedef struct
{
  HfScheduleKind kind;
  int            work_mode;
  guint          frequency_mhz;
  guint          core_voltage_mv;
  char          *pool;
} HfScheduleState;

typedef struct
{
  gint64          id;           /* the store's row id (0: not stored yet) */
  /* The target: a miner (its identity key, else its address, as
   * hf_miner_get_identity_key() gives it) or a group, by name. */
  char           *miner;
  char           *address;      /* the miner's address, to show */
  char           *group;
  guint8          days;         /* bit 0 Monday … bit 6 Sunday */
  guint16         start_min;    /* 0 … 1439 */
  guint16         end_min;      /* 0 … 1439; ≤ start_min: the next day */
  HfScheduleState state;
  gint64          created;      /* unix seconds; a later one wins an overlap */
} HfSchedule;

HfSchedule *hf_schedule_new               (void);
HfSchedule *hf_schedule_copy              (const HfSchedule *self);
void        hf_schedule_free              (HfSchedule       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfSchedule, hf_schedule_free)

void        hf_schedule_state_clear       (HfScheduleState       *state);
void        hf_schedule_state_copy        (const HfScheduleState *from,
                                           HfScheduleState       *to);
gboolean    hf_schedule_state_equal       (const HfScheduleState *a,
                                           const HfScheduleState *b);

/* Parsing and printing the text forms; parsing fails with HF_ERROR_INVALID
 * and says what is wrong. */
gboolean    hf_schedule_parse_days        (const char       *text,
                                           guint8           *days,
                                           GError          **error);
char       *hf_schedule_days_to_string    (guint8            days);
gboolean    hf_schedule_parse_time_range  (const char       *text,
                                           guint16          *start_min,
                                           guint16          *end_min,
                                           GError          **error);
char       *hf_schedule_time_range_to_string (guint16         start_min,
                                              guint16         end_min);
gboolean    hf_schedule_parse_state       (const char       *text,
                                           HfScheduleState  *state,
                                           GError          **error);
char       *hf_schedule_state_to_string   (const HfScheduleState *state);
/* "Mining", "Paused", "Work mode eco", "525 MHz / 1150 mV", "Pool main". */
char       *hf_schedule_state_describe    (const HfScheduleState *state);

/* Whether @schedule is in force at @now (unix seconds) in @tz.  *@next
 * (may be NULL) is when that changes: the end of the range in force
 * (ranges that meet run on), else the start of the next one; G_MAXINT64
 * when it never changes. */
gboolean    hf_schedule_in_force          (const HfSchedule *schedule,
                                           GTimeZone        *tz,
                                           gint64            now,
                                           gint64           *next);

/* The instant a local wall time (@minute after midnight of the local day
 * @year-@month-@day) happens in @tz: the first of two, or the first
 * instant after a gap it falls in. */
gint64      hf_schedule_wall_time         (GTimeZone        *tz,
                                           int               year,
                                           int               month,
                                           int               day,
                                           guint             minute);

/* ---- evaluation for a fleet ------------------------------------------------ */

typedef struct _HfSchedulePlan HfSchedulePlan;

/* A plan over @schedules (HfSchedule*, copied) in @tz.  Targets are
 * resolved with hf_schedule_plan_add_target(): the caller says, for each
 * miner it knows by @key, which schedules apply (its own, and its groups'). */
HfSchedulePlan *hf_schedule_plan_new        (GPtrArray       *schedules,
                                             GTimeZone       *tz);
void            hf_schedule_plan_free       (HfSchedulePlan  *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfSchedulePlan, hf_schedule_plan_free)

guint           hf_schedule_plan_get_n_schedules (HfSchedulePlan *plan);
const HfSchedule *hf_schedule_plan_get_schedule  (HfSchedulePlan *plan,
                                                  guint           index);
/* Map @key (a miner's identity key or address) to the schedules that
 * apply to it: those for the miner @key and @address name, and those of
 * the groups in @groups (NULL-terminated, may be NULL).  Returns the
 * target's slot for the calls below.  Call before the first
 * hf_schedule_plan_update(). */
guint           hf_schedule_plan_add_target (HfSchedulePlan  *plan,
                                             const char      *key,
                                             const char      *address,
                                             const char * const *groups);
/* The slot of @key, or -1 when no schedule applies to it. */
int             hf_schedule_plan_lookup     (HfSchedulePlan  *plan,
                                             const char      *key);
/* Bring the plan to @now: which ranges are in force.  Cheap until the
 * next switch (nothing is recomputed), at a switch one pass over the
 * schedules (not the miners). */
void            hf_schedule_plan_update     (HfSchedulePlan  *plan,
                                             gint64           now);
/* The earliest next switch of any schedule, G_MAXINT64 if none. */
gint64          hf_schedule_plan_get_next_switch (HfSchedulePlan *plan);
/* What slot @target should be doing now (the schedule for the miner wins
 * over a group's, else the latest created), or NULL: no schedule in
 * force, leave it alone.  *@schedule (may be NULL) is the one that won.
 * No allocation. */
const HfScheduleState *hf_schedule_plan_get_desired (HfSchedulePlan    *plan,
                                                     int                target,
                                                     const HfSchedule **schedule);
/* When @target's desired state next changes after @now, and to what
 * (*@after, NULL: left alone); G_MAXINT64 when it never does.  Not for
 * every cycle: it evaluates the schedules at the candidate switches. */
gint64          hf_schedule_plan_next_change (HfSchedulePlan         *plan,
                                              int                     target,
                                              gint64                  now,
                                              const HfScheduleState **after);

G_END_DECLS
