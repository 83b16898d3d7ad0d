/* hf-thermal-guardian.c
 * SPDX-License-Identifier: MIT
 *
 * The rules (hf_guardian_decide) judge one reading against a guard and
 * what the guardian keeps of the miner; the rest finds the guard in
 * force, the option below or above the current one, and asks the session
 * to write it.  The current option is read from each reading, not
 * counted: a step the miner did not take, or a change made by hand, is
 * seen as it is.  What a miner had before its first step down is kept in
 * the store before the write (a crash between the two is found out by the
 * next reading), and forgotten once it is back there.
 *
 * Per-miner notes are kept by the miner's identity key (else its
 * address), as the scheduler keeps them.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "hf-alerts.h"
#include "hf-error.h"
#include "hf-groups.h"
#include "hf-session.h"
#include "hf-store-events.h"
#include "hf-store-guardian.h"
#include "hf-thermal-guardian.h"

#define MIN_US ((gint64) 60 * G_USEC_PER_SEC)

typedef enum
{
  KNOB_NONE,
  KNOB_FREQUENCY,               /* AxeOS, NerdOS: the model's frequencies */
  KNOB_WORK_MODE,               /* Avalon: its work modes */
} Knob;

typedef struct
{
  HfGuardianTrack track;
  guint           orig_frequency;   /* before the first step down; 0: none */
  int             orig_work_mode;   /* -1: none */
  gboolean        in_flight;
  gboolean        said;             /* the last failure was said */
  GArray         *frequencies;      /* the model's, ascending (guint); NULL: not known yet */
  guint           default_frequency; /* the model's; 0: not said */
  gboolean        asking;           /* the options are on their way */
  gint64          ask_again;        /* a failed ask: not before (clock µs) */
  gboolean        noted;            /* "cannot step this one" was said */
} Note;

struct _HfThermalGuardian
{
  GObject          parent_instance;

  HfSession       *session;         /* owns us */
  HfFleet         *fleet;
  HfGroups        *groups;
  HfStore         *store;
  GPtrArray       *guards;          /* HfGuard*, oldest first */
  GHashTable      *notes;           /* key (owned) → Note* */
  HfGuardianClock  clock;
  gpointer         clock_data;
  HfMinerVetoFunc  skip;
  gpointer         skip_data;
  GDestroyNotify   skip_destroy;

  gboolean         active;          /* the session polls */
  gboolean         loaded;
  gboolean         loading;
  gboolean         load_again;
  gboolean         states_read;     /* the kept states are read once, at the first load */
  gint64           loaded_at;       /* clock µs */
  GCancellable    *cancellable;     /* cancelled at dispose */
  guint            writes;
};

enum {
  SIGNAL_STEPPED,
  SIGNAL_CHANGED,
  SIGNAL_WRITE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfThermalGuardian, hf_thermal_guardian, G_TYPE_OBJECT)

/* ---- guards ---------------------------------------------------------------------- */

HfGuard *
hf_guard_new (void)
{
  HfGuard *guard = g_new0 (HfGuard, 1);

  guard->chip_limit_c = HF_GUARDIAN_DEFAULT_CHIP_C;
  guard->vr_limit_c = HF_GUARDIAN_DEFAULT_VR_C;
  guard->cool_min = HF_GUARDIAN_DEFAULT_COOL_MIN;
  return guard;
}

HfGuard *
hf_guard_copy (const HfGuard *guard)
{
  HfGuard *copy;

  g_return_val_if_fail (guard != NULL, NULL);

  copy = g_memdup2 (guard, sizeof *guard);
  copy->miner_key = g_strdup (guard->miner_key);
  copy->address = g_strdup (guard->address);
  copy->group = g_strdup (guard->group);
  return copy;
}

void
hf_guard_free (HfGuard *guard)
{
  if (guard == NULL)
    return;
  g_free (guard->miner_key);
  g_free (guard->address);
  g_free (guard->group);
  g_free (guard);
}

char *
hf_guard_check (const HfGuard *guard)
{
  g_return_val_if_fail (guard != NULL, NULL);

  if (!(guard->chip_limit_c >= HF_GUARDIAN_MIN_LIMIT_C && guard->chip_limit_c <= HF_GUARDIAN_MAX_LIMIT_C))
    return g_strdup_printf ("the chip limit is between %.0f and %.0f °C", HF_GUARDIAN_MIN_LIMIT_C,
                            HF_GUARDIAN_MAX_LIMIT_C);
  if (!(guard->vr_limit_c >= HF_GUARDIAN_MIN_LIMIT_C && guard->vr_limit_c <= HF_GUARDIAN_MAX_LIMIT_C))
    return g_strdup_printf ("the VR limit is between %.0f and %.0f °C", HF_GUARDIAN_MIN_LIMIT_C,
                            HF_GUARDIAN_MAX_LIMIT_C);
  if (guard->cool_min < 1 || guard->cool_min > HF_GUARDIAN_MAX_COOL_MIN)
    return g_strdup_printf ("the cool period is between 1 and %d minutes", HF_GUARDIAN_MAX_COOL_MIN);
  return NULL;
}

/* ---- the rules ------------------------------------------------------------------- */

double
hf_guardian_chip_c (const HfReading *reading)
{
  g_return_val_if_fail (reading != NULL, NAN);

  if (isfinite (reading->chip_temp_c))
    return reading->chip_temp_c;
  return isfinite (reading->temperature_c) ? reading->temperature_c : NAN;
}

HfGuardianVerdict
hf_guardian_decide (HfGuardianTrack *track,
                    const HfGuard   *guard,
                    double           chip_c,
                    double           vr_c,
                    gboolean         can_go_lower,
                    gint64           now,
                    char           **why)
{
  gboolean chip_hot = isfinite (chip_c) && chip_c > guard->chip_limit_c;
  gboolean vr_hot = isfinite (vr_c) && vr_c > guard->vr_limit_c;
  /* Cool: every sensor there is under its limit less the margin (no
   * sensor at all is not cool: nothing is known). */
  gboolean cool = (isfinite (chip_c) || isfinite (vr_c))
                  && (!isfinite (chip_c) || chip_c < guard->chip_limit_c - HF_GUARDIAN_MARGIN_C)
                  && (!isfinite (vr_c) || vr_c < guard->vr_limit_c - HF_GUARDIAN_MARGIN_C);
  gboolean paced;

  g_return_val_if_fail (track != NULL && guard != NULL, HF_GUARDIAN_HOLD);

  if (!cool)
    track->cool_since = 0;
  else if (track->cool_since == 0)
    track->cool_since = now;
  /* A clock that went back does not hold writes for ever. */
  paced = track->last_write == 0 || now < track->last_write
          || now - track->last_write >= (gint64) HF_GUARDIAN_WRITE_EVERY_S * G_USEC_PER_SEC;
  if (!paced || (track->failures > 0 && now < track->retry_at))
    return HF_GUARDIAN_HOLD;
  if (chip_hot || vr_hot)
    {
      if (!can_go_lower)
        return HF_GUARDIAN_HOLD;
      if (why != NULL)
        *why = chip_hot ? g_strdup_printf (_("chip %.1f °C over %g °C"), chip_c, guard->chip_limit_c)
                        : g_strdup_printf (_("VR %.1f °C over %g °C"), vr_c, guard->vr_limit_c);
      return HF_GUARDIAN_STEP_DOWN;
    }
  if (track->steps > 0 && cool)
    {
      gint64 since = MAX (track->cool_since, track->last_step);

      if (now - since >= (gint64) guard->cool_min * MIN_US)
        {
          if (why != NULL)
            *why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "cool for %u minute",
                                                 "cool for %u minutes", guard->cool_min),
                                    guard->cool_min);
          return HF_GUARDIAN_STEP_UP;
        }
    }
  return HF_GUARDIAN_HOLD;
}

/* ---- helpers --------------------------------------------------------------------- */

static gint64
now_us (HfThermalGuardian *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();
}

static const char *
key_of (HfMiner *miner)
{
  const char *key = hf_miner_get_identity_key (miner);

  return key != NULL ? key : hf_miner_get_address (miner);
}

static void
note_free (gpointer data)
{
  Note *note = data;

  g_clear_pointer (&note->frequencies, g_array_unref);
  g_free (note);
}

static Note *
note_new (void)
{
  Note *note = g_new0 (Note, 1);

  note->orig_work_mode = -1;
  return note;
}

static Note *
lookup_note (HfThermalGuardian *self,
             HfMiner           *miner)
{
  Note *note = g_hash_table_lookup (self->notes, key_of (miner));

  /* Kept under its address before its MAC was known. */
  if (note == NULL && hf_miner_get_identity_key (miner) != NULL)
    note = g_hash_table_lookup (self->notes, hf_miner_get_address (miner));
  return note;
}

static Note *
note_for (HfThermalGuardian *self,
          HfMiner           *miner)
{
  Note *note = lookup_note (self, miner);

  if (note == NULL)
    {
      note = note_new ();
      g_hash_table_insert (self->notes, g_strdup (key_of (miner)), note);
    }
  return note;
}

static gboolean
has_original (const Note *note)
{
  return note->orig_frequency > 0 || note->orig_work_mode >= 0;
}

static const HfGuard *
find_guard (HfThermalGuardian *self,
            HfMiner           *miner)
{
  const char *key = key_of (miner), *address = hf_miner_get_address (miner);
  g_auto(GStrv) groups = NULL;

  for (guint i = 0; i < self->guards->len; i++)
    {
      const HfGuard *guard = g_ptr_array_index (self->guards, i);

      if (guard->miner_key != NULL
          && (g_str_equal (guard->miner_key, key) || g_str_equal (guard->miner_key, address)))
        return guard;
    }
  groups = hf_groups_of_miner (self->groups, miner);
  for (guint i = 0; groups != NULL && i < self->guards->len; i++)
    {
      const HfGuard *guard = g_ptr_array_index (self->guards, i);

      if (guard->group == NULL)
        continue;
      for (guint g = 0; groups[g] != NULL; g++)
        if (g_ascii_strcasecmp (groups[g], guard->group) == 0)
          return guard;
    }
  return NULL;
}

static Knob
knob_of (HfMiner         *miner,
         const HfReading *reading)
{
  HfCapabilities caps = hf_miner_get_capabilities (miner);

  if ((caps & HF_CAP_FREQUENCY) && reading->frequency_mhz > 0)
    return KNOB_FREQUENCY;
  if ((caps & HF_CAP_WORK_MODE) && reading->work_mode >= 0)
    return KNOB_WORK_MODE;
  return KNOB_NONE;
}

static guint
current_frequency (const HfReading *reading)
{
  return (guint) lround (reading->frequency_mhz);
}

/* The option just below @mhz (0: none). */
static guint
frequency_below (GArray *options,
                 guint   mhz)
{
  guint below = 0;

  for (guint i = 0; i < options->len; i++)
    if (g_array_index (options, guint, i) < mhz)
      below = g_array_index (options, guint, i);
  return below;
}

/* The option just above @mhz, never above @cap (0: none). */
static guint
frequency_above (GArray *options,
                 guint   mhz,
                 guint   cap)
{
  for (guint i = 0; i < options->len; i++)
    {
      guint o = g_array_index (options, guint, i);

      if (o > mhz)
        return o <= cap ? o : (mhz < cap ? cap : 0);
    }
  return mhz < cap ? cap : 0;
}

/* Options between the reading and where the miner was. */
static guint
steps_of (const Note      *note,
          Knob             knob,
          const HfReading *reading)
{
  if (knob == KNOB_FREQUENCY && note->orig_frequency > 0 && note->frequencies != NULL)
    {
      guint mhz = current_frequency (reading), n = 0;

      for (guint i = 0; i < note->frequencies->len; i++)
        {
          guint o = g_array_index (note->frequencies, guint, i);

          if (o > mhz && o <= note->orig_frequency)
            n++;
        }
      /* Where it was is not among the options (set by hand): still one. */
      if (n == 0 && mhz < note->orig_frequency)
        n = 1;
      return n;
    }
  if (knob == KNOB_WORK_MODE && note->orig_work_mode >= 0)
    return reading->work_mode < note->orig_work_mode
           ? (guint) (note->orig_work_mode - reading->work_mode) : 0;
  return 0;
}

static char *
describe (Knob  knob,
          guint value)
{
  if (knob == KNOB_WORK_MODE)
    return g_strdup_printf (_("work mode %u"), value);
  return g_strdup_printf (_("%u MHz"), value);
}

/* ---- the store ------------------------------------------------------------------- */

static void
state_kept_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_store_set_guardian_state_finish (HF_STORE (source), result, &error))
    g_message ("a guarded miner's state is not kept: %s", error->message);
}

static void
keep_state (HfThermalGuardian *self,
            HfMiner           *miner,
            const Note        *note,
            guint              steps)
{
  g_autoptr(HfGuardianState) state = NULL;

  if (self->store == NULL)
    return;
  state = hf_guardian_state_new ();
  state->steps = steps;
  state->orig_frequency = note->orig_frequency;
  state->orig_work_mode = note->orig_work_mode;
  state->changed = now_us (self) / G_USEC_PER_SEC;
  hf_store_set_guardian_state_async (self->store, miner, state, state_kept_cb, NULL);
}

static void
event_kept_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_store_add_event_finish (HF_STORE (source), result, &error))
    g_warning ("cannot record a thermal step: %s", error->message);
}

/* ---- writing --------------------------------------------------------------------- */

typedef struct
{
  HfThermalGuardian *self;
  HfMiner           *miner;
  Knob               knob;
  int                direction;     /* -1 down, +1 up */
  guint              from, to;
  guint              steps_before, steps_after;
  char              *why;
  double             chip_c, vr_c, limit_c;
  const char        *sensor;        /* "chip", "vr", or NULL (up) */
  guint              cool_min;
} Step;

static void
step_free (Step *step)
{
  g_object_unref (step->self);
  g_object_unref (step->miner);
  g_free (step->why);
  g_free (step);
}

static char *
detail_json (const Step *step,
             const char *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "direction");
  json_builder_add_string_value (b, step->direction < 0 ? "down" : "up");
  json_builder_set_member_name (b, "from");
  json_builder_add_int_value (b, step->from);
  json_builder_set_member_name (b, "to");
  json_builder_add_int_value (b, step->to);
  json_builder_set_member_name (b, "unit");
  json_builder_add_string_value (b, step->knob == KNOB_WORK_MODE ? "work mode" : "MHz");
  if (step->sensor != NULL)
    {
      json_builder_set_member_name (b, "sensor");
      json_builder_add_string_value (b, step->sensor);
      json_builder_set_member_name (b, "temperature_c");
      json_builder_add_double_value (b, g_str_equal (step->sensor, "vr") ? step->vr_c : step->chip_c);
      json_builder_set_member_name (b, "limit_c");
      json_builder_add_double_value (b, step->limit_c);
    }
  else if (step->cool_min > 0)
    {
      json_builder_set_member_name (b, "cool_min");
      json_builder_add_int_value (b, step->cool_min);
    }
  if (isfinite (step->chip_c))
    {
      json_builder_set_member_name (b, "chip_c");
      json_builder_add_double_value (b, step->chip_c);
    }
  if (isfinite (step->vr_c))
    {
      json_builder_set_member_name (b, "vr_c");
      json_builder_add_double_value (b, step->vr_c);
    }
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, step->steps_after);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* A step done: history, alert, signal. */
static void
stepped (Step *step)
{
  HfThermalGuardian *self = step->self;
  g_autofree char *from = describe (step->knob, step->from);
  g_autofree char *to = describe (step->knob, step->to);
  g_autofree char *what = g_strdup_printf ("%s → %s: %s", from, to, step->why);
  g_autofree char *title = NULL;
  HfAlerts *alerts = hf_session_get_alerts (self->session);

  g_debug ("%s: %s", hf_miner_get_display_name (step->miner), what);
  if (self->store != NULL)
    {
      g_autoptr(HfStoreEvent) event = hf_store_event_new (step->direction < 0
                                                          ? HF_EVENT_THERMAL_STEP_DOWN
                                                          : HF_EVENT_THERMAL_STEP_UP);

      event->time = now_us (self) / G_USEC_PER_SEC;
      event->count = step->steps_after;
      event->counter = step->to;
      event->detail = detail_json (step, what);
      hf_store_add_event_async (self->store, step->miner, event, event_kept_cb, NULL);
    }
  title = step->direction < 0
          ? g_strdup_printf (_("%s stepped down for heat"), hf_miner_get_display_name (step->miner))
          : g_strdup_printf (_("%s stepped back up"), hf_miner_get_display_name (step->miner));
  if (alerts != NULL)
    hf_alerts_raise (alerts, step->miner, HF_ALERT_THERMAL_STEP, title, what);
  g_signal_emit (self, signals[SIGNAL_STEPPED], 0, step->miner, step->direction, what);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Step *step = user_data;
  HfThermalGuardian *self = step->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *failure = NULL;
  HfApplyOutcome outcome;
  Note *note;

  outcome = hf_session_apply_finish (HF_SESSION (source), result, &detail, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session == NULL)
    {
      step_free (step);
      return;
    }
  note = note_for (self, step->miner);
  note->in_flight = FALSE;
  if (error != NULL)
    failure = g_strdup (error->message);
  else if (outcome == HF_APPLY_NOT_APPLIED)
    failure = hf_apply_outcome_describe (outcome, detail);
  if (failure != NULL)
    {
      gint64 now = now_us (self);

      note->track.failures++;
      note->track.retry_at = now + MIN ((gint64) HF_GUARDIAN_WRITE_EVERY_S * G_USEC_PER_SEC
                                        << MIN (note->track.failures - 1, 8),
                                        (gint64) HF_GUARDIAN_MAX_BACKOFF_S * G_USEC_PER_SEC);
      /* What was kept ahead of the write goes back to what is. */
      if (step->direction < 0)
        {
          keep_state (self, step->miner, note, step->steps_before);
          if (step->steps_before == 0)
            {
              note->orig_frequency = 0;
              note->orig_work_mode = -1;
            }
        }
      if (!note->said)
        {
          g_autofree char *from = describe (step->knob, step->from);
          g_autofree char *to = describe (step->knob, step->to);
          g_autofree char *message = g_strdup_printf ("%s: cannot step it from %s to %s: %s",
                                                      hf_miner_get_display_name (step->miner),
                                                      from, to, failure);

          note->said = TRUE;
          g_message ("%s (retrying with backoff)", message);
          g_signal_emit (self, signals[SIGNAL_WRITE_FAILED], 0, step->miner, message);
        }
      step_free (step);
      return;
    }
  note->track.failures = 0;
  note->track.retry_at = 0;
  note->said = FALSE;
  note->track.last_step = now_us (self);
  note->track.cool_since = 0;
  note->track.steps = step->steps_after;
  if (step->direction > 0)
    keep_state (self, step->miner, note, step->steps_after);
  if (step->steps_after == 0)
    {
      note->orig_frequency = 0;
      note->orig_work_mode = -1;
    }
  stepped (step);
  step_free (step);
}

static void
write_step (HfThermalGuardian *self,
            HfMiner           *miner,
            Note              *note,
            Step              *step)
{
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  HfApplyFlags flags;

  step->self = g_object_ref (self);
  step->miner = g_object_ref (miner);
  if (step->knob == KNOB_WORK_MODE)
    st->work_mode = (int) step->to;
  else
    st->frequency_mhz = step->to;     /* the voltage stays */
  /* Never above where the miner was.  The firmware is told of an
   * overclock only for what needs one: a value above the model's default
   * or off its list (where the miner was, as it had been confirmed). */
  if (step->knob == KNOB_FREQUENCY && note->frequencies != NULL)
    {
      gboolean listed = FALSE;

      for (guint i = 0; i < note->frequencies->len && !listed; i++)
        listed = g_array_index (note->frequencies, guint, i) == step->to;
      st->allow_overclock = !listed || (note->default_frequency > 0
                                        && step->to > note->default_frequency);
    }
  flags = hf_miner_settings_needs_restart (st) ? HF_APPLY_RESTART : HF_APPLY_NONE;
  /* The settings before the first step are kept ahead of the write. */
  if (step->direction < 0)
    keep_state (self, miner, note, step->steps_after);
  note->in_flight = TRUE;
  note->track.last_write = now_us (self);
  self->writes++;
  g_debug ("%s: stepping %s from %u to %u", hf_miner_get_display_name (miner),
           step->direction < 0 ? "down" : "up", step->from, step->to);
  hf_session_apply_async (self->session, miner, st, flags, self->cancellable, applied_cb, step);
}

/* ---- the model's options --------------------------------------------------------- */

typedef struct
{
  HfThermalGuardian *self;
  HfMiner           *miner;
} Ask;

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static void
options_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Ask *ask = user_data;
  HfThermalGuardian *self = ask->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMinerOptions) options = hf_session_options_finish (HF_SESSION (source), result, &error);
  Note *note;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session == NULL)
    goto out;
  note = note_for (self, ask->miner);
  note->asking = FALSE;
  if (options == NULL)
    {
      g_debug ("%s: no options: %s", hf_miner_get_display_name (ask->miner), error->message);
      note->ask_again = now_us (self) + MIN_US;
      goto out;
    }
  g_clear_pointer (&note->frequencies, g_array_unref);
  note->frequencies = g_array_new (FALSE, FALSE, sizeof (guint));
  if (options->frequencies != NULL)
    g_array_append_vals (note->frequencies, options->frequencies->data, options->frequencies->len);
  g_array_sort (note->frequencies, compare_guint);
  note->default_frequency = options->default_frequency;
  hf_thermal_guardian_check (self, ask->miner);
out:
  g_object_unref (ask->self);
  g_object_unref (ask->miner);
  g_free (ask);
}

static void
ask_options (HfThermalGuardian *self,
             HfMiner           *miner,
             Note              *note)
{
  Ask *ask;

  if (note->asking || now_us (self) < note->ask_again)
    return;
  note->asking = TRUE;
  ask = g_new0 (Ask, 1);
  ask->self = g_object_ref (self);
  ask->miner = g_object_ref (miner);
  hf_session_options_async (self->session, miner, self->cancellable, options_cb, ask);
}

/* ---- checking -------------------------------------------------------------------- */

static void reload_if_due (HfThermalGuardian *self);

/* Stepped down with no guard any more (removed): back where it was, at once. */
static void
restore_unguarded (HfThermalGuardian *self,
                   HfMiner           *miner,
                   Note              *note,
                   Knob               knob,
                   const HfReading   *reading)
{
  gint64 now = now_us (self);
  Step *step;

  if (note->in_flight || !has_original (note)
      || (note->track.last_write != 0 && now >= note->track.last_write
          && now - note->track.last_write < (gint64) HF_GUARDIAN_WRITE_EVERY_S * G_USEC_PER_SEC)
      || (note->track.failures > 0 && now < note->track.retry_at))
    return;
  step = g_new0 (Step, 1);
  step->knob = knob;
  step->direction = +1;
  step->from = knob == KNOB_WORK_MODE ? (guint) reading->work_mode : current_frequency (reading);
  step->to = knob == KNOB_WORK_MODE ? (guint) note->orig_work_mode : note->orig_frequency;
  step->steps_before = note->track.steps;
  step->steps_after = 0;
  step->why = g_strdup (_("its guard was removed"));
  step->chip_c = hf_guardian_chip_c (reading);
  step->vr_c = reading->vr_temp_c;
  write_step (self, miner, note, step);
}

void
hf_thermal_guardian_check (HfThermalGuardian *self,
                           HfMiner           *miner)
{
  const HfReading *reading;
  const HfGuard *guard;
  g_autofree char *why = NULL;
  HfGuardianVerdict verdict;
  Note *note;
  Knob knob;
  guint steps, current, lower, higher = 0;
  double chip_c, vr_c;
  gint64 now;

  g_return_if_fail (HF_IS_THERMAL_GUARDIAN (self));
  g_return_if_fail (HF_IS_MINER (miner));

  if (!self->loaded || !self->active || self->session == NULL)
    return;
  reload_if_due (self);
  reading = hf_miner_get_reading (miner);
  if (!hf_miner_get_online (miner) || hf_miner_get_restarting (miner) || reading == NULL)
    return;
  if (self->skip != NULL && self->skip (miner, self->skip_data))
    return;
  guard = find_guard (self, miner);
  note = lookup_note (self, miner);
  if (guard == NULL && (note == NULL || !has_original (note)))
    return;
  note = note_for (self, miner);
  if (note->in_flight)
    return;
  knob = knob_of (miner, reading);
  if (knob == KNOB_NONE)
    {
      if (!note->noted)
        g_debug ("%s: neither its frequency nor its work mode can be changed: not guarded",
                 hf_miner_get_display_name (miner));
      note->noted = TRUE;
      return;
    }
  if (knob == KNOB_FREQUENCY && note->frequencies == NULL)
    {
      ask_options (self, miner, note);      /* checked again once they are here */
      return;
    }
  if (knob == KNOB_FREQUENCY && note->frequencies->len == 0)
    {
      if (!note->noted)
        g_message ("%s: its firmware lists no frequencies: the guardian cannot step it",
                   hf_miner_get_display_name (miner));
      note->noted = TRUE;
      return;
    }

  /* Where it is now, against where it was. */
  steps = steps_of (note, knob, reading);
  if (has_original (note) && steps == 0)
    {
      /* Back where it was (or above it, by hand): nothing to remember. */
      note->orig_frequency = 0;
      note->orig_work_mode = -1;
      if (note->track.steps > 0)
        {
          note->track.steps = 0;
          keep_state (self, miner, note, 0);
          g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
        }
    }
  else if (steps != note->track.steps)
    {
      note->track.steps = steps;
      keep_state (self, miner, note, steps);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    }
  if (guard == NULL)
    {
      restore_unguarded (self, miner, note, knob, reading);
      return;
    }

  if (knob == KNOB_FREQUENCY)
    {
      current = current_frequency (reading);
      lower = frequency_below (note->frequencies, current);
      if (has_original (note))
        higher = frequency_above (note->frequencies, current, note->orig_frequency);
    }
  else
    {
      current = (guint) reading->work_mode;
      lower = current;            /* "none" below is current == 0 */
      if (has_original (note) && (int) current < note->orig_work_mode)
        higher = current + 1;
    }
  chip_c = hf_guardian_chip_c (reading);
  vr_c = reading->vr_temp_c;
  now = now_us (self);
  verdict = hf_guardian_decide (&note->track, guard, chip_c, vr_c,
                                knob == KNOB_FREQUENCY ? lower > 0 : current > 0, now, &why);
  if (verdict == HF_GUARDIAN_HOLD || (verdict == HF_GUARDIAN_STEP_UP && higher == 0))
    return;

  {
    Step *step = g_new0 (Step, 1);
    gboolean chip_hot = isfinite (chip_c) && chip_c > guard->chip_limit_c;

    step->knob = knob;
    step->from = current;
    step->chip_c = chip_c;
    step->vr_c = vr_c;
    step->why = g_steal_pointer (&why);
    step->steps_before = steps;
    if (verdict == HF_GUARDIAN_STEP_DOWN)
      {
        if (!has_original (note))
          {
            /* Where it goes back to: what it ran, but never above the
             * model's highest option (a reading is the miner's word). */
            if (knob == KNOB_FREQUENCY)
              note->orig_frequency = note->frequencies->len > 0
                                     ? MIN (current, g_array_index (note->frequencies, guint,
                                                                    note->frequencies->len - 1))
                                     : current;
            else
              note->orig_work_mode = (int) current;
          }
        step->direction = -1;
        step->to = knob == KNOB_FREQUENCY ? lower : current - 1;
        step->steps_after = steps + 1;
        step->sensor = chip_hot ? "chip" : "vr";
        step->limit_c = chip_hot ? guard->chip_limit_c : guard->vr_limit_c;
      }
    else
      {
        step->direction = +1;
        step->to = higher;
        step->steps_after = steps > 0 ? steps - 1 : 0;
        step->cool_min = guard->cool_min;
      }
    write_step (self, miner, note, step);
  }
}

/* ---- loading ------------------------------------------------------------------------ */

static gboolean
same_guards (GPtrArray *a,
             GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const HfGuard *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      if (x->id != y->id || x->chip_limit_c != y->chip_limit_c || x->vr_limit_c != y->vr_limit_c
          || x->cool_min != y->cool_min || g_strcmp0 (x->miner_key, y->miner_key) != 0
          || g_strcmp0 (x->group, y->group) != 0 || g_strcmp0 (x->address, y->address) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HfThermalGuardian) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStoreGuardianData) data = NULL;
  gboolean changed = FALSE;

  data = hf_store_load_guardian_finish (HF_STORE (source), result, &error);
  self->loading = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loaded_at = now_us (self);
  if (data == NULL)
    g_warning ("cannot read the thermal guards: %s", error->message);
  else
    {
      if (!same_guards (self->guards, data->guards))
        {
          g_ptr_array_unref (self->guards);
          self->guards = g_steal_pointer (&data->guards);
          changed = TRUE;
          g_debug ("%u thermal guards", self->guards->len);
        }
      for (guint i = 0; !self->states_read && i < data->states->len; i++)
        {
          HfGuardianState *state = g_ptr_array_index (data->states, i);
          Note *note = g_hash_table_lookup (self->notes, state->miner_key);

          if (note == NULL)
            {
              note = note_new ();
              g_hash_table_insert (self->notes, g_strdup (state->miner_key), note);
            }
          note->track.steps = state->steps;
          note->orig_frequency = state->orig_frequency;
          note->orig_work_mode = state->orig_work_mode;
          /* The cool period counts from the last step, as before. */
          note->track.last_step = state->changed * G_USEC_PER_SEC;
          note->track.last_write = state->changed * G_USEC_PER_SEC;
          changed = TRUE;
        }
      self->states_read = TRUE;
    }
  self->loaded = TRUE;
  if (changed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  if (self->load_again)
    {
      self->load_again = FALSE;
      hf_thermal_guardian_reload (self);
    }
}

void
hf_thermal_guardian_reload (HfThermalGuardian *self)
{
  g_return_if_fail (HF_IS_THERMAL_GUARDIAN (self));

  if (self->store == NULL)
    return;
  if (self->loading)
    {
      self->load_again = TRUE;
      return;
    }
  self->loading = TRUE;
  hf_store_load_guardian_async (self->store, self->cancellable, loaded_cb, g_object_ref (self));
}

static void
reload_if_due (HfThermalGuardian *self)
{
  gint64 now = now_us (self);

  if (self->store != NULL && !self->loading
      && (now - self->loaded_at >= (gint64) HF_GUARDIAN_RELOAD_S * G_USEC_PER_SEC
          || now < self->loaded_at))
    hf_thermal_guardian_reload (self);
}

void
hf_thermal_guardian_set_store (HfThermalGuardian *self,
                               HfStore           *store)
{
  g_return_if_fail (HF_IS_THERMAL_GUARDIAN (self));

  g_set_object (&self->store, store);
  if (store == NULL)
    {
      self->loaded = TRUE;      /* no guards without a store */
      return;
    }
  hf_thermal_guardian_reload (self);
}

gboolean
hf_thermal_guardian_get_loaded (HfThermalGuardian *self)
{
  g_return_val_if_fail (HF_IS_THERMAL_GUARDIAN (self), FALSE);
  return self->loaded;
}

/* ---- changes ------------------------------------------------------------------------ */

static HfMiner *
find_miner (HfThermalGuardian *self,
            const HfGuard     *guard)
{
  GListModel *model = G_LIST_MODEL (self->fleet);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (model, i);

      if (g_strcmp0 (key_of (miner), guard->miner_key) == 0
          || g_strcmp0 (hf_miner_get_address (miner), guard->miner_key) == 0
          || (guard->address != NULL && g_strcmp0 (hf_miner_get_address (miner), guard->address) == 0))
        return g_steal_pointer (&miner);
    }
  return NULL;
}

/* The guard kept, in memory at once (a read of the list right after the
 * change sees it), then read again from the store. */
static void
guard_kept_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfThermalGuardian *self = g_task_get_source_object (task);
  HfGuard *guard = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id = hf_store_set_guard_finish (HF_STORE (source), result, &error);

  if (id == 0)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = self->guards->len; i > 0; i--)
    {
      HfGuard *g = g_ptr_array_index (self->guards, i - 1);

      if (g->id == id)
        g_ptr_array_remove_index (self->guards, i - 1);
    }
  guard->id = id;
  g_ptr_array_add (self->guards, hf_guard_copy (guard));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  hf_thermal_guardian_reload (self);
  g_task_return_boolean (task, TRUE);
}

void
hf_thermal_guardian_set_async (HfThermalGuardian  *self,
                               const HfGuard      *guard,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HfMiner) miner = NULL;
  g_autofree char *bad = NULL;
  HfGuard *copy;

  g_return_if_fail (HF_IS_THERMAL_GUARDIAN (self));
  g_return_if_fail (guard != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_thermal_guardian_set_async);
  if (self->store == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_STORE, "thermal guards are kept in the "
                               "store, and this session has none");
      return;
    }
  if ((guard->miner_key == NULL) == (guard->group == NULL))
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                               "a guard is for one miner or one group");
      return;
    }
  bad = hf_guard_check (guard);
  if (bad != NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID, "%s", bad);
      return;
    }
  if (guard->group != NULL && hf_groups_lookup (self->groups, guard->group) == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID, "there is no group “%s”",
                               guard->group);
      return;
    }
  if (guard->miner_key != NULL && (miner = find_miner (self, guard)) == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID, "%s is not in the fleet",
                               guard->miner_key);
      return;
    }
  copy = hf_guard_copy (guard);
  if (miner != NULL)
    {
      g_free (copy->miner_key);
      copy->miner_key = g_strdup (key_of (miner));
      g_free (copy->address);
      copy->address = g_strdup (hf_miner_get_address (miner));
    }
  else
    {
      g_free (copy->group);
      copy->group = g_strdup (hf_groups_lookup (self->groups, guard->group));
    }
  g_task_set_task_data (task, copy, (GDestroyNotify) hf_guard_free);
  hf_store_set_guard_async (self->store, copy, miner, guard_kept_cb, g_steal_pointer (&task));
}

gboolean
hf_thermal_guardian_set_finish (HfThermalGuardian  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
guard_removed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfThermalGuardian *self = g_task_get_source_object (task);
  gint64 id = *(gint64 *) g_task_get_task_data (task);
  GError *error = NULL;

  if (!hf_store_remove_guard_finish (HF_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = self->guards->len; i > 0; i--)
    if (((HfGuard *) g_ptr_array_index (self->guards, i - 1))->id == id)
      g_ptr_array_remove_index (self->guards, i - 1);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  hf_thermal_guardian_reload (self);
  g_task_return_boolean (task, TRUE);
}

void
hf_thermal_guardian_remove_async (HfThermalGuardian  *self,
                                  gint64              id,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HF_IS_THERMAL_GUARDIAN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_thermal_guardian_remove_async);
  if (self->store == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_STORE, "thermal guards are kept in the "
                               "store, and this session has none");
      return;
    }
  g_task_set_task_data (task, g_memdup2 (&id, sizeof id), g_free);
  hf_store_remove_guard_async (self->store, id, guard_removed_cb, g_steal_pointer (&task));
}

gboolean
hf_thermal_guardian_remove_finish (HfThermalGuardian  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reading -------------------------------------------------------------------------- */

const HfGuard *
hf_thermal_guardian_get_guard (HfThermalGuardian *self,
                               HfMiner           *miner)
{
  g_return_val_if_fail (HF_IS_THERMAL_GUARDIAN (self), NULL);
  g_return_val_if_fail (HF_IS_MINER (miner), NULL);
  return find_guard (self, miner);
}

guint
hf_thermal_guardian_get_steps (HfThermalGuardian *self,
                               HfMiner           *miner)
{
  Note *note;

  g_return_val_if_fail (HF_IS_THERMAL_GUARDIAN (self), 0);
  g_return_val_if_fail (HF_IS_MINER (miner), 0);

  note = lookup_note (self, miner);
  return note != NULL && has_original (note) ? note->track.steps : 0;
}

GPtrArray *
hf_thermal_guardian_get_guards (HfThermalGuardian *self)
{
  g_return_val_if_fail (HF_IS_THERMAL_GUARDIAN (self), NULL);
  return self->guards;
}

guint
hf_thermal_guardian_get_writes (HfThermalGuardian *self)
{
  g_return_val_if_fail (HF_IS_THERMAL_GUARDIAN (self), 0);
  return self->writes;
}

void
hf_thermal_guardian_set_clock (HfThermalGuardian *self,
                               HfGuardianClock    clock,
                               gpointer           user_data)
{
  g_return_if_fail (HF_IS_THERMAL_GUARDIAN (self));
  self->clock = clock;
  self->clock_data = user_data;
}

void
hf_thermal_guardian_set_active (HfThermalGuardian *self,
                                gboolean           active)
{
  g_return_if_fail (HF_IS_THERMAL_GUARDIAN (self));
  self->active = active;
}

void
hf_thermal_guardian_set_skip_func (HfThermalGuardian *self,
                                   HfMinerVetoFunc    func,
                                   gpointer           user_data,
                                   GDestroyNotify     destroy)
{
  g_return_if_fail (HF_IS_THERMAL_GUARDIAN (self));
  if (self->skip_destroy != NULL)
    self->skip_destroy (self->skip_data);
  self->skip = func;
  self->skip_data = user_data;
  self->skip_destroy = destroy;
}

/* ---- GObject ---------------------------------------------------------------------------- */

/* A group renamed or deleted: its guard follows at the next read. */
static void
groups_changed_cb (HfThermalGuardian *self)
{
  hf_thermal_guardian_reload (self);
}

static void
hf_thermal_guardian_dispose (GObject *object)
{
  HfThermalGuardian *self = HF_THERMAL_GUARDIAN (object);

  g_cancellable_cancel (self->cancellable);
  if (self->groups != NULL)
    g_signal_handlers_disconnect_by_data (self->groups, self);
  g_clear_object (&self->groups);
  g_clear_object (&self->fleet);
  g_clear_object (&self->store);
  hf_thermal_guardian_set_skip_func (self, NULL, NULL, NULL);
  self->session = NULL;

  G_OBJECT_CLASS (hf_thermal_guardian_parent_class)->dispose (object);
}

static void
hf_thermal_guardian_finalize (GObject *object)
{
  HfThermalGuardian *self = HF_THERMAL_GUARDIAN (object);

  g_ptr_array_unref (self->guards);
  g_hash_table_unref (self->notes);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hf_thermal_guardian_parent_class)->finalize (object);
}

static void
hf_thermal_guardian_class_init (HfThermalGuardianClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_thermal_guardian_dispose;
  object_class->finalize = hf_thermal_guardian_finalize;

  /**
   * HfThermalGuardian::stepped:
   * @miner: the miner stepped
   * @direction: -1 down, +1 up
   * @what: "490 MHz → 450 MHz: chip 72.4 °C over 70 °C"
   */
  signals[SIGNAL_STEPPED] =
    g_signal_new ("stepped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, HF_TYPE_MINER, G_TYPE_INT, G_TYPE_STRING);
  /**
   * HfThermalGuardian::changed:
   *
   * The guards, or how far a miner is stepped down.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HfThermalGuardian::write-failed:
   * @miner: a miner a step could not be written to
   * @message: why (said once until a write works again)
   */
  signals[SIGNAL_WRITE_FAILED] =
    g_signal_new ("write-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HF_TYPE_MINER, G_TYPE_STRING);
}

static void
hf_thermal_guardian_init (HfThermalGuardian *self)
{
  self->guards = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_guard_free);
  self->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, note_free);
  self->cancellable = g_cancellable_new ();
}

HfThermalGuardian *
hf_thermal_guardian_new (HfSession *session)
{
  HfThermalGuardian *self;

  g_return_val_if_fail (HF_IS_SESSION (session), NULL);

  self = g_object_new (HF_TYPE_THERMAL_GUARDIAN, NULL);
  self->session = session;
  self->fleet = g_object_ref (hf_session_get_fleet (session));
  self->groups = g_object_ref (hf_session_get_groups (session));
  g_signal_connect_swapped (self->groups, "changed", G_CALLBACK (groups_changed_cb), self);
  return self;
}
