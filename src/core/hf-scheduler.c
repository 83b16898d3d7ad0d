/* hf-scheduler.c
 * SPDX-License-Identifier: MIT
 *
 * The plan (hf-schedule.c) answers what each miner should do; this file
 * compares that with the miner's reading and asks the session to act,
 * with the pace rules: one write per miner a minute, a backoff after a
 * failure, a write that was accepted but did not show counted as one.
 * Per-miner notes are kept by the miner's identity key (else its
 * address), as HfAlerts keeps them, so a miner that changes address
 * keeps its override.
 */
#include <string.h>

#include "hf-error.h"
#include "hf-groups.h"
#include "hf-scheduler.h"
#include "hf-store-profiles.h"
#include "hf-store-schedules.h"

#define OVERRIDE_PREFIX "schedule-override:"

/* The timer looks at the wall clock at least this often: after a sleep
 * (when the monotonic clock stood still) a switch is at most this late. */
#define WAKE_EVERY_MS 60000

typedef struct
{
  HfScheduleState desired;        /* what the writes below were for */
  gboolean        has_desired;
  gint64          last_write;     /* unix seconds of the last write asked for */
  gint64          retry_at;       /* after a failure: not before */
  guint           failures;       /* in a row */
  gboolean        said;           /* the failure was said */
  gboolean        unconfirmed;    /* accepted; the next reading should show it */
  gboolean        in_flight;
  gint64          override_until; /* 0: none */
  guint           override_writes; /* on their way to the store */
  guint           epoch;          /* bumped when writes on their way stop counting */
} MinerNote;

struct _HfScheduler
{
  GObject          parent_instance;

  HfSession       *session;       /* owns us */
  HfFleet         *fleet;
  HfGroups        *groups;
  HfStore         *store;
  GTimeZone       *tz;
  HfSchedulerClock clock;
  gpointer         clock_data;
  HfMinerVetoFunc  hold;
  gpointer         hold_data;
  GDestroyNotify   hold_destroy;

  GPtrArray       *schedules;     /* HfSchedule* */
  GHashTable      *profiles;      /* pool profile name → HfMinerSettings* */
  GHashTable      *notes;         /* miner key → MinerNote* */
  HfSchedulePlan  *plan;          /* NULL: to be built from the schedules and the fleet */
  gint64           switch_seen;   /* the plan's next switch when last told */

  gboolean         started;
  gboolean         loaded;
  gboolean         loading;
  gboolean         load_again;
  gint64           loaded_at;     /* unix seconds */
  guint            timer;
  GCancellable    *cancellable;   /* cancelled at dispose */
  GCancellable    *writing;       /* the writes on their way, cancelled at stop */
  guint            writes;
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_WRITE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfScheduler, hf_scheduler, G_TYPE_OBJECT)

static void arm_timer (HfScheduler *self);

/* ---- helpers ------------------------------------------------------------------ */

static gint64
now_s (HfScheduler *self)
{
  gint64 us = self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();

  return us / G_USEC_PER_SEC;
}

static const char *
key_of (HfMiner *miner)
{
  const char *key = hf_miner_get_identity_key (miner);

  return key != NULL ? key : hf_miner_get_address (miner);
}

static MinerNote *
note_for (HfScheduler *self,
          HfMiner     *miner)
{
  const char *key = key_of (miner);
  MinerNote *note = g_hash_table_lookup (self->notes, key);

  if (note == NULL)
    {
      note = g_new0 (MinerNote, 1);
      g_hash_table_insert (self->notes, g_strdup (key), note);
    }
  return note;
}

static void
note_free (gpointer data)
{
  MinerNote *note = data;

  hf_schedule_state_clear (&note->desired);
  g_free (note);
}

typedef struct
{
  HfScheduler *self;
  char        *key;
} Noted;

static void
noted_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Noted *noted = user_data;
  MinerNote *note = g_hash_table_lookup (noted->self->notes, noted->key);

  if (note != NULL && note->override_writes > 0)
    note->override_writes--;
  if (!hf_store_set_meta_finish (HF_STORE (source), result, &error))
    g_debug ("an override is not kept: %s", error->message);
  g_object_unref (noted->self);
  g_free (noted->key);
  g_free (noted);
}

static void
keep_override (HfScheduler *self,
               HfMiner     *miner,
               gint64       until)
{
  g_autofree char *key = NULL;
  MinerNote *note = note_for (self, miner);
  Noted *noted;

  if (self->store == NULL)
    return;
  key = g_strconcat (OVERRIDE_PREFIX, key_of (miner), NULL);
  noted = g_new0 (Noted, 1);
  noted->self = g_object_ref (self);
  noted->key = g_strdup (key_of (miner));
  note->override_writes++;
  hf_store_set_meta_async (self->store, key, until, noted_cb, noted);
}

/* @miner's slot in @plan: under its key, or under its address when the
 * plan was made before its MAC was known (the key was the address then). */
static int
lookup_miner (HfSchedulePlan *plan,
              HfMiner        *miner)
{
  int target = hf_schedule_plan_lookup (plan, key_of (miner));

  if (target < 0 && hf_miner_get_identity_key (miner) != NULL)
    target = hf_schedule_plan_lookup (plan, hf_miner_get_address (miner));
  return target;
}

/* The plan over the schedules and the fleet as they are now. */
static HfSchedulePlan *
ensure_plan (HfScheduler *self)
{
  guint n;

  if (self->plan != NULL)
    return self->plan;
  self->plan = hf_schedule_plan_new (self->schedules, self->tz);
  /* Without schedules no miner has a slot to find. */
  n = self->schedules->len > 0 ? g_list_model_get_n_items (G_LIST_MODEL (self->fleet)) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (G_LIST_MODEL (self->fleet), i);
      g_auto(GStrv) groups = hf_groups_of_miner (self->groups, miner);

      hf_schedule_plan_add_target (self->plan, key_of (miner), hf_miner_get_address (miner),
                                   (const char * const *) groups);
    }
  self->switch_seen = G_MININT64;
  return self->plan;
}

static void
invalidate_plan (HfScheduler *self)
{
  g_clear_pointer (&self->plan, hf_schedule_plan_free);
}

/* ---- comparing ----------------------------------------------------------------- */

static HfMinerSettings *
settings_for (HfScheduler           *self,
              const HfScheduleState *state)
{
  HfMinerSettings *st;

  switch (state->kind)
    {
    case HF_SCHEDULE_MODE:
      st = hf_miner_settings_new ();
      st->work_mode = state->work_mode;
      return st;
    case HF_SCHEDULE_PRESET:
      st = hf_miner_settings_new ();
      st->frequency_mhz = state->frequency_mhz;
      st->core_voltage_mv = state->core_voltage_mv;
      return st;
    case HF_SCHEDULE_POOL:
      {
        HfMinerSettings *profile = g_hash_table_lookup (self->profiles, state->pool);

        return profile != NULL ? hf_miner_settings_copy (profile) : NULL;
      }
    case HF_SCHEDULE_MINING:
    case HF_SCHEDULE_PAUSED:
    default:
      return NULL;
    }
}

/* Whether @reading shows @state. */
static gboolean
reading_shows (HfScheduler           *self,
               const HfScheduleState *state,
               const HfReading       *reading)
{
  g_autoptr(HfMinerSettings) want = NULL;
  g_autofree char *mismatch = NULL;

  switch (state->kind)
    {
    case HF_SCHEDULE_MINING:
      return !reading->paused;
    case HF_SCHEDULE_PAUSED:
      return reading->paused;
    case HF_SCHEDULE_MODE:
      return reading->work_mode == state->work_mode;
    case HF_SCHEDULE_PRESET:
    case HF_SCHEDULE_POOL:
    default:
      want = settings_for (self, state);
      if (want == NULL)
        return TRUE;          /* no such profile: nothing to compare (said at the write) */
      /* Passwords do not show in a reading. */
      g_clear_pointer (&want->pool_password, g_free);
      g_clear_pointer (&want->fallback_pool_password, g_free);
      mismatch = hf_miner_settings_mismatch (want, reading);
      return mismatch == NULL;
    }
}

/* ---- writing ------------------------------------------------------------------- */

typedef struct
{
  HfScheduler *self;
  HfMiner     *miner;
  HfScheduleState state;
  guint        epoch;           /* the note's, when asked */
} Write;

/* A new state, or a person took over or gave back: the failures and the
 * writes on their way so far do not count against what comes next (the
 * minute between writes still does). */
static void
start_afresh (MinerNote *note)
{
  note->failures = 0;
  note->retry_at = 0;
  note->said = FALSE;
  note->unconfirmed = FALSE;
  note->epoch++;
}

static void
write_free (Write *w)
{
  g_object_unref (w->self);
  g_object_unref (w->miner);
  hf_schedule_state_clear (&w->state);
  g_free (w);
}

static void
write_done (Write        *w,
            const GError *error,
            const char   *why)
{
  HfScheduler *self = w->self;
  MinerNote *note = note_for (self, w->miner);

  note->in_flight = FALSE;
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Overridden or resumed by hand meanwhile: this outcome is history. */
  if (w->epoch != note->epoch)
    return;
  /* The state changed meanwhile: this outcome is about the old one. */
  if (!note->has_desired || !hf_schedule_state_equal (&note->desired, &w->state))
    return;
  if (error == NULL && why == NULL)
    {
      note->unconfirmed = TRUE;
      return;
    }
  note->failures++;
  note->retry_at = now_s (self) + MIN ((gint64) HF_SCHEDULER_WRITE_EVERY_S << MIN (note->failures - 1, 8),
                                       HF_SCHEDULER_MAX_BACKOFF_S);
  if (!note->said)
    {
      g_autofree char *state = hf_schedule_state_to_string (&w->state);
      g_autofree char *message = g_strdup_printf ("%s: cannot bring it to its scheduled state %s: %s",
                                                  hf_miner_get_display_name (w->miner), state,
                                                  error != NULL ? error->message : why);

      note->said = TRUE;
      g_message ("%s (retrying with backoff)", message);
      g_signal_emit (self, signals[SIGNAL_WRITE_FAILED], 0, w->miner, message);
    }
}

static void
acted_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Write *w = user_data;
  g_autoptr(GError) error = NULL;

  hf_session_act_finish (HF_SESSION (source), result, &error);
  write_done (w, error, NULL);
  write_free (w);
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Write *w = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *why = NULL;
  HfApplyOutcome outcome;

  outcome = hf_session_apply_finish (HF_SESSION (source), result, &detail, &error);
  if (error == NULL && outcome == HF_APPLY_NOT_APPLIED)
    why = hf_apply_outcome_describe (outcome, detail);
  write_done (w, error, why);
  write_free (w);
}

static gboolean
among (GArray *values,
       guint   value)
{
  if (values == NULL || values->len == 0)
    return TRUE;          /* the firmware does not say: the write checks */
  for (guint i = 0; i < values->len; i++)
    if (g_array_index (values, guint, i) == value)
      return TRUE;
  return FALSE;
}

static char *
preset_refusal (const HfMinerOptions  *options,
                const HfScheduleState *state)
{
  if (!among (options->frequencies, state->frequency_mhz))
    return g_strdup_printf ("%u MHz is not among the model's frequencies", state->frequency_mhz);
  if (!among (options->voltages, state->core_voltage_mv))
    return g_strdup_printf ("%u mV is not among the model's core voltages",
                            state->core_voltage_mv);
  return NULL;
}

static void
apply (Write *w)
{
  g_autoptr(HfMinerSettings) st = settings_for (w->self, &w->state);
  HfApplyFlags flags;

  if (st == NULL)
    {
      g_autofree char *why = g_strdup_printf ("there is no pool profile “%s”", w->state.pool);

      write_done (w, NULL, why);
      write_free (w);
      return;
    }
  /* A preset is one of the model's own values (checked before). */
  st->allow_overclock = w->state.kind == HF_SCHEDULE_PRESET;
  flags = hf_miner_settings_needs_restart (st) ? HF_APPLY_RESTART : HF_APPLY_NONE;
  hf_session_apply_async (w->self->session, w->miner, st, flags, w->self->writing,
                          applied_cb, w);
}

static void
options_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Write *w = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMinerOptions) options = NULL;
  g_autofree char *why = NULL;

  options = hf_session_options_finish (HF_SESSION (source), result, &error);
  if (options != NULL)
    why = preset_refusal (options, &w->state);
  if (options == NULL || why != NULL)
    {
      write_done (w, error, why);
      write_free (w);
      return;
    }
  apply (w);
}

static void
write_state (HfScheduler           *self,
             HfMiner               *miner,
             MinerNote             *note,
             const HfScheduleState *state,
             gint64                 now)
{
  Write *w = g_new0 (Write, 1);

  w->self = g_object_ref (self);
  w->miner = g_object_ref (miner);
  hf_schedule_state_copy (state, &w->state);
  w->epoch = note->epoch;
  note->in_flight = TRUE;
  note->unconfirmed = FALSE;
  note->last_write = now;
  self->writes++;
  g_debug ("%s: bringing it to %s", hf_miner_get_display_name (miner),
           state->kind == HF_SCHEDULE_PAUSED ? "paused" : "its scheduled state");
  switch (state->kind)
    {
    case HF_SCHEDULE_MINING:
    case HF_SCHEDULE_PAUSED:
      hf_session_act_async (self->session, miner,
                            state->kind == HF_SCHEDULE_PAUSED ? HF_ACTION_PAUSE : HF_ACTION_RESUME,
                            self->writing, acted_cb, w);
      break;
    case HF_SCHEDULE_PRESET:
      hf_session_options_async (self->session, miner, self->writing, options_cb, w);
      break;
    case HF_SCHEDULE_MODE:
    case HF_SCHEDULE_POOL:
    default:
      apply (w);
      break;
    }
}

/* One scheduled miner: leave it, or write. */
static void
enforce (HfScheduler           *self,
         HfMiner               *miner,
         const HfScheduleState *desired,
         gint64                 now)
{
  MinerNote *note = note_for (self, miner);
  const HfReading *reading;

  /* A new state starts afresh: its first write is not held back by the
   * failures of the last one (but still by the minute). */
  if (!note->has_desired || !hf_schedule_state_equal (&note->desired, desired))
    {
      hf_schedule_state_clear (&note->desired);
      hf_schedule_state_copy (desired, &note->desired);
      note->has_desired = TRUE;
      start_afresh (note);
    }
  if (note->in_flight)
    return;
  if (note->override_until != 0)
    {
      if (now < note->override_until)
        return;
      note->override_until = 0;
      start_afresh (note);
      keep_override (self, miner, 0);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    }
  if (self->hold != NULL && self->hold (miner, self->hold_data))
    return;
  reading = hf_miner_get_reading (miner);
  if (!hf_miner_get_online (miner) || hf_miner_get_restarting (miner) || reading == NULL)
    return;             /* brought to its state when it is back */
  if (reading_shows (self, desired, reading))
    {
      note->failures = 0;
      note->retry_at = 0;
      note->said = FALSE;
      note->unconfirmed = FALSE;
      return;
    }
  if (now - note->last_write < HF_SCHEDULER_WRITE_EVERY_S && note->last_write != 0)
    return;
  if (note->unconfirmed)
    {
      /* Accepted a minute ago, and still not so: that is a failure too. */
      Write w = { self, miner, *desired, note->epoch };

      note->unconfirmed = FALSE;
      write_done (&w, NULL, "the miner accepted the change but does not show it");
    }
  if (note->failures > 0 && now < note->retry_at)
    return;
  write_state (self, miner, note, desired, now);
}

void
hf_scheduler_check (HfScheduler *self)
{
  HfSchedulePlan *plan;
  gint64 now;
  guint n;

  g_return_if_fail (HF_IS_SCHEDULER (self));

  if (!self->loaded)
    return;
  now = now_s (self);
  plan = ensure_plan (self);
  hf_schedule_plan_update (plan, now);
  if (hf_schedule_plan_get_next_switch (plan) != self->switch_seen)
    {
      /* A switch passed (or the plan is new): what the cards say changes. */
      self->switch_seen = hf_schedule_plan_get_next_switch (plan);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    }
  if (self->started && hf_schedule_plan_get_n_schedules (plan) > 0)
    {
      n = g_list_model_get_n_items (G_LIST_MODEL (self->fleet));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HfMiner) miner = g_list_model_get_item (G_LIST_MODEL (self->fleet), i);
          int target = lookup_miner (plan, miner);
          const HfScheduleState *desired;

          if (target < 0)
            continue;
          desired = hf_schedule_plan_get_desired (plan, target, NULL);
          if (desired != NULL)
            enforce (self, miner, desired, now);
        }
    }
  if (self->started && self->store != NULL && !self->loading
      && (now - self->loaded_at >= HF_SCHEDULER_RELOAD_S || now < self->loaded_at))
    hf_scheduler_reload (self);
  arm_timer (self);
}

/* ---- the timer ------------------------------------------------------------------ */

static gboolean
timer_cb (gpointer user_data)
{
  HfScheduler *self = user_data;

  self->timer = 0;
  hf_scheduler_check (self);
  return G_SOURCE_REMOVE;
}

/* Wake at the next switch, or within a minute, whichever is first: the
 * wall clock is looked at again then. */
static void
arm_timer (HfScheduler *self)
{
  gint64 next, now, delay_ms;

  g_clear_handle_id (&self->timer, g_source_remove);
  if (!self->started || self->plan == NULL)
    return;
  now = now_s (self);
  next = hf_schedule_plan_get_next_switch (self->plan);
  delay_ms = next == G_MAXINT64 ? WAKE_EVERY_MS : CLAMP ((next - now) * 1000 + 50, 50, WAKE_EVERY_MS);
  self->timer = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) delay_ms, timer_cb, self, NULL);
}

/* ---- loading -------------------------------------------------------------------- */

/* Whether two lists hold the same schedules (a reload that found no
 * change keeps the plan). */
static gboolean
same_schedules (GPtrArray *a,
                GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const HfSchedule *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      if (x->id != y->id || x->days != y->days || x->start_min != y->start_min
          || x->end_min != y->end_min || x->created != y->created
          || g_strcmp0 (x->miner, y->miner) != 0 || g_strcmp0 (x->address, y->address) != 0
          || g_strcmp0 (x->group, y->group) != 0 || !hf_schedule_state_equal (&x->state, &y->state))
        return FALSE;
    }
  return TRUE;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HfScheduler) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStoreScheduleData) data = NULL;
  GHashTableIter iter;
  gpointer key, value;

  data = hf_store_load_schedules_finish (HF_STORE (source), result, &error);
  self->loading = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loaded_at = now_s (self);
  if (data == NULL)
    g_warning ("cannot read the schedules: %s", error->message);
  else
    {
      gboolean changed = !same_schedules (self->schedules, data->schedules);

      g_ptr_array_unref (self->schedules);
      self->schedules = g_steal_pointer (&data->schedules);
      g_hash_table_unref (self->profiles);
      self->profiles = g_steal_pointer (&data->profiles);
      g_hash_table_iter_init (&iter, data->notes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const char *who = (const char *) key + strlen (OVERRIDE_PREFIX);
          MinerNote *note = g_hash_table_lookup (self->notes, who);

          if (note == NULL)
            {
              note = g_new0 (MinerNote, 1);
              g_hash_table_insert (self->notes, g_strdup (who), note);
            }
          /* One of ours on its way wins over what was read before it. */
          if (note->override_writes == 0)
            note->override_until = *(gint64 *) value;
        }
      if (changed)
        {
          invalidate_plan (self);
          g_debug ("%u schedules", self->schedules->len);
        }
    }
  self->loaded = TRUE;
  if (self->load_again)
    {
      self->load_again = FALSE;
      hf_scheduler_reload (self);
      return;
    }
  hf_scheduler_check (self);
}

void
hf_scheduler_reload (HfScheduler *self)
{
  g_return_if_fail (HF_IS_SCHEDULER (self));

  if (self->store == NULL)
    return;
  if (self->loading)
    {
      self->load_again = TRUE;
      return;
    }
  self->loading = TRUE;
  hf_store_load_schedules_async (self->store, OVERRIDE_PREFIX, self->cancellable, loaded_cb,
                                 g_object_ref (self));
}

void
hf_scheduler_set_store (HfScheduler *self,
                        HfStore     *store)
{
  g_return_if_fail (HF_IS_SCHEDULER (self));

  g_set_object (&self->store, store);
  if (store == NULL)
    {
      self->loaded = TRUE;      /* no schedules without a store */
      return;
    }
  hf_scheduler_reload (self);
}

gboolean
hf_scheduler_get_loaded (HfScheduler *self)
{
  g_return_val_if_fail (HF_IS_SCHEDULER (self), FALSE);
  return self->loaded;
}

void
hf_scheduler_start (HfScheduler *self)
{
  g_return_if_fail (HF_IS_SCHEDULER (self));

  self->started = TRUE;
  hf_scheduler_check (self);
}

void
hf_scheduler_stop (HfScheduler *self)
{
  g_return_if_fail (HF_IS_SCHEDULER (self));

  self->started = FALSE;
  g_clear_handle_id (&self->timer, g_source_remove);
  /* Writes on their way end (cancelled); the next start writes afresh. */
  g_cancellable_cancel (self->writing);
  g_clear_object (&self->writing);
  self->writing = g_cancellable_new ();
}

/* ---- changes ---------------------------------------------------------------------- */

typedef struct
{
  HfSchedule *schedule;
  HfMiner    *miner;
} Add;

static void
add_free (Add *add)
{
  hf_schedule_free (add->schedule);
  g_clear_object (&add->miner);
  g_free (add);
}

static void
kept_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfScheduler *self = g_task_get_source_object (task);
  GError *error = NULL;
  gint64 id = hf_store_add_schedule_finish (HF_STORE (source), result, &error);

  if (id == 0)
    {
      g_task_return_error (task, error);
      return;
    }
  hf_scheduler_reload (self);
  g_task_return_int (task, (gssize) id);
}

static void
keep_schedule (GTask *task)
{
  HfScheduler *self = g_task_get_source_object (task);
  Add *add = g_task_get_task_data (task);

  hf_store_add_schedule_async (self->store, add->schedule, add->miner, kept_cb, task);
}

static void
add_options_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Add *add = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(HfMinerOptions) options = hf_session_options_finish (HF_SESSION (source), result,
                                                                 &error);
  g_autofree char *why = NULL;

  if (options == NULL)
    {
      g_prefix_error (&error, "cannot check the preset against the model's options: ");
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  why = preset_refusal (options, &add->schedule->state);
  if (why != NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID, "%s", why);
      g_object_unref (task);
      return;
    }
  keep_schedule (task);
}

void
hf_scheduler_add_async (HfScheduler         *self,
                        const HfSchedule    *schedule,
                        HfMiner             *miner,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  Add *add;

  g_return_if_fail (HF_IS_SCHEDULER (self));
  g_return_if_fail (schedule != NULL);
  g_return_if_fail (miner == NULL || HF_IS_MINER (miner));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_scheduler_add_async);
  if (self->store == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_STORE, "schedules are kept in the store, "
                               "and this session has none");
      g_object_unref (task);
      return;
    }
  if ((miner == NULL) == (schedule->group == NULL))
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                               "a schedule is for one miner or one group");
      g_object_unref (task);
      return;
    }
  add = g_new0 (Add, 1);
  add->schedule = hf_schedule_copy (schedule);
  add->miner = miner != NULL ? g_object_ref (miner) : NULL;
  g_task_set_task_data (task, add, (GDestroyNotify) add_free);
  if (miner != NULL && schedule->state.kind == HF_SCHEDULE_PRESET)
    hf_session_options_async (self->session, miner, cancellable, add_options_cb, task);
  else
    keep_schedule (task);
}

gint64
hf_scheduler_add_finish (HfScheduler   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? id : 0;
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfScheduler *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!hf_store_remove_schedule_finish (HF_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  hf_scheduler_reload (self);
  g_task_return_boolean (task, TRUE);
}

void
hf_scheduler_remove_async (HfScheduler         *self,
                           gint64               id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HF_IS_SCHEDULER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_scheduler_remove_async);
  if (self->store == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_STORE, "schedules are kept in the store, "
                               "and this session has none");
      g_object_unref (task);
      return;
    }
  hf_store_remove_schedule_async (self->store, id, removed_cb, task);
}

gboolean
hf_scheduler_remove_finish (HfScheduler   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reading ------------------------------------------------------------------------- */

GPtrArray *
hf_scheduler_get_schedules (HfScheduler *self)
{
  g_return_val_if_fail (HF_IS_SCHEDULER (self), NULL);
  return self->schedules;
}

const HfScheduleState *
hf_scheduler_get_desired (HfScheduler *self,
                          HfMiner     *miner)
{
  HfSchedulePlan *plan;

  g_return_val_if_fail (HF_IS_SCHEDULER (self), NULL);
  g_return_val_if_fail (HF_IS_MINER (miner), NULL);

  if (self->schedules->len == 0)
    return NULL;
  plan = ensure_plan (self);
  hf_schedule_plan_update (plan, now_s (self));
  return hf_schedule_plan_get_desired (plan, lookup_miner (plan, miner),
                                       NULL);
}

gboolean
hf_scheduler_get_next_change (HfScheduler            *self,
                              HfMiner                *miner,
                              gint64                 *when,
                              const HfScheduleState **after)
{
  HfSchedulePlan *plan;
  int target;
  gint64 next;

  g_return_val_if_fail (HF_IS_SCHEDULER (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  if (self->schedules->len == 0)
    return FALSE;
  plan = ensure_plan (self);
  target = lookup_miner (plan, miner);
  if (target < 0)
    return FALSE;
  next = hf_schedule_plan_next_change (plan, target, now_s (self), after);
  if (when != NULL)
    *when = next;
  return next != G_MAXINT64;
}

gboolean
hf_scheduler_override (HfScheduler *self,
                       HfMiner     *miner)
{
  HfSchedulePlan *plan;
  MinerNote *note;
  int target;
  gint64 now;

  g_return_val_if_fail (HF_IS_SCHEDULER (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  plan = ensure_plan (self);
  target = lookup_miner (plan, miner);
  if (target < 0)
    return FALSE;
  now = now_s (self);
  note = note_for (self, miner);
  note->override_until = hf_schedule_plan_next_change (plan, target, now, NULL);
  start_afresh (note);
  keep_override (self, miner, note->override_until);
  g_debug ("%s: left alone until %" G_GINT64_FORMAT, hf_miner_get_display_name (miner),
           note->override_until);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

void
hf_scheduler_resume (HfScheduler *self,
                     HfMiner     *miner)
{
  MinerNote *note;

  g_return_if_fail (HF_IS_SCHEDULER (self));
  g_return_if_fail (HF_IS_MINER (miner));

  note = note_for (self, miner);
  if (note->override_until == 0)
    return;
  note->override_until = 0;
  start_afresh (note);
  keep_override (self, miner, 0);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  hf_scheduler_check (self);
}

gboolean
hf_scheduler_get_override (HfScheduler *self,
                           HfMiner     *miner,
                           gint64      *until)
{
  MinerNote *note;

  g_return_val_if_fail (HF_IS_SCHEDULER (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  note = g_hash_table_lookup (self->notes, key_of (miner));
  if (note == NULL || note->override_until == 0 || now_s (self) >= note->override_until)
    return FALSE;
  if (until != NULL)
    *until = note->override_until;
  return TRUE;
}

guint
hf_scheduler_get_writes (HfScheduler *self)
{
  g_return_val_if_fail (HF_IS_SCHEDULER (self), 0);
  return self->writes;
}

/* ---- settings ---------------------------------------------------------------------------- */

void
hf_scheduler_set_clock (HfScheduler      *self,
                        HfSchedulerClock  clock,
                        gpointer          user_data)
{
  g_return_if_fail (HF_IS_SCHEDULER (self));
  self->clock = clock;
  self->clock_data = user_data;
  invalidate_plan (self);
}

void
hf_scheduler_set_time_zone (HfScheduler *self,
                            GTimeZone   *tz)
{
  g_return_if_fail (HF_IS_SCHEDULER (self));
  g_time_zone_unref (self->tz);
  self->tz = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  invalidate_plan (self);
}

void
hf_scheduler_set_hold_func (HfScheduler     *self,
                            HfMinerVetoFunc  func,
                            gpointer         user_data,
                            GDestroyNotify   destroy)
{
  g_return_if_fail (HF_IS_SCHEDULER (self));
  if (self->hold_destroy != NULL)
    self->hold_destroy (self->hold_data);
  self->hold = func;
  self->hold_data = user_data;
  self->hold_destroy = destroy;
}

/* ---- the fleet ------------------------------------------------------------------------------ */

static void
fleet_changed_cb (GListModel  *model,
                  guint        position,
                  guint        removed,
                  guint        added,
                  HfScheduler *self)
{
  invalidate_plan (self);
}

/* A miner joined or left a group, a group was renamed or deleted: its
 * schedules now cover other miners. */
static void
groups_changed_cb (HfScheduler *self)
{
  invalidate_plan (self);
  /* A group gone takes its schedules with it now, not at the next read
   * of the store (the session reads them again once the change is saved). */
  for (guint i = self->schedules->len; i > 0; i--)
    {
      HfSchedule *s = g_ptr_array_index (self->schedules, i - 1);

      if (s->group != NULL && hf_groups_lookup (self->groups, s->group) == NULL)
        g_ptr_array_remove_index (self->schedules, i - 1);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
cycle_finished_cb (HfFleet     *fleet,
                   guint        polled,
                   guint        answered,
                   guint        elapsed_ms,
                   HfScheduler *self)
{
  hf_scheduler_check (self);
}

/* A reading that shows the state written confirms the write, even if
 * the miner is changed again by hand before the next cycle. */
static void
reading_cb (HfFleet         *fleet,
            HfMiner         *miner,
            const HfReading *reading,
            HfScheduler     *self)
{
  MinerNote *note;

  if (g_hash_table_size (self->notes) == 0)
    return;
  note = g_hash_table_lookup (self->notes, key_of (miner));
  if (note != NULL && note->unconfirmed && note->has_desired
      && reading_shows (self, &note->desired, reading))
    note->unconfirmed = FALSE;
}

static void
miner_online_cb (HfFleet     *fleet,
                 HfMiner     *miner,
                 HfScheduler *self)
{
  hf_scheduler_check (self);
}

/* ---- GObject ---------------------------------------------------------------------------------- */

static void
hf_scheduler_dispose (GObject *object)
{
  HfScheduler *self = HF_SCHEDULER (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->writing);
  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  g_clear_object (&self->fleet);
  if (self->groups != NULL)
    g_signal_handlers_disconnect_by_data (self->groups, self);
  g_clear_object (&self->groups);
  g_clear_object (&self->store);
  hf_scheduler_set_hold_func (self, NULL, NULL, NULL);
  self->session = NULL;

  G_OBJECT_CLASS (hf_scheduler_parent_class)->dispose (object);
}

static void
hf_scheduler_finalize (GObject *object)
{
  HfScheduler *self = HF_SCHEDULER (object);

  g_clear_pointer (&self->plan, hf_schedule_plan_free);
  g_ptr_array_unref (self->schedules);
  g_hash_table_unref (self->profiles);
  g_hash_table_unref (self->notes);
  g_time_zone_unref (self->tz);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->writing);

  G_OBJECT_CLASS (hf_scheduler_parent_class)->finalize (object);
}

static void
hf_scheduler_class_init (HfSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_scheduler_dispose;
  object_class->finalize = hf_scheduler_finalize;

  /**
   * HfScheduler::changed:
   *
   * The schedules, an override or the next switch changed: what a card
   * says of its miner's schedule may differ now.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HfScheduler::write-failed:
   * @miner: a miner that could not be brought to its scheduled state
   * @message: why (said once until it works again or the state changes)
   */
  signals[SIGNAL_WRITE_FAILED] =
    g_signal_new ("write-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HF_TYPE_MINER, G_TYPE_STRING);
}

static void
hf_scheduler_init (HfScheduler *self)
{
  self->tz = g_time_zone_new_local ();
  self->schedules = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_schedule_free);
  self->profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) hf_miner_settings_free);
  self->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, note_free);
  self->cancellable = g_cancellable_new ();
  self->writing = g_cancellable_new ();
}

HfScheduler *
hf_scheduler_new (HfSession *session)
{
  HfScheduler *self;

  g_return_val_if_fail (HF_IS_SESSION (session), NULL);

  self = g_object_new (HF_TYPE_SCHEDULER, NULL);
  self->session = session;
  self->fleet = g_object_ref (hf_session_get_fleet (session));
  self->groups = g_object_ref (hf_session_get_groups (session));
  g_signal_connect_swapped (self->groups, "changed", G_CALLBACK (groups_changed_cb), self);
  g_signal_connect (self->fleet, "items-changed", G_CALLBACK (fleet_changed_cb), self);
  g_signal_connect (self->fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
  g_signal_connect (self->fleet, "miner-online", G_CALLBACK (miner_online_cb), self);
  g_signal_connect (self->fleet, "reading", G_CALLBACK (reading_cb), self);
  return self;
}
