/* hf-tuner.c
 * SPDX-License-Identifier: MIT
 *
 * A tune is a chain of steps on the main loop.  Each step writes its
 * settings through hf_session_apply_async() (the write, the restart AxeOS
 * needs and the check in a later reading, as Settings does), then
 * settles and measures: every reading of the miner the fleet brings
 * (its own polls, and the ones the tune asks for when none came for a
 * tick) is held against the limits, and the first one past a limit ends
 * the step.  The sweep climbs frequency from the lowest option; at each
 * frequency it starts from the voltage the previous frequency ran clean
 * at and climbs voltage until a step runs clean.  It stops at a frequency
 * with no clean voltage, a limit, a failed step, the last option, or
 * (watts:N) a clean step over N watts.
 *
 * The tune's row is in the store before the first write, with the
 * settings it started from, and is marked over only once the winner (or
 * those settings) are on the miner again.  Rows still 'running' at the
 * next start are put back by hf_tuner_restore_async(): at once for a
 * miner that answers, else on its next reading.
 */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-error.h"
#include "hf-session.h"
#include "hf-store-tunes.h"
#include "hf-tuner.h"

/* How long a step waits for its readings beyond settle + samples ticks. */
#define STEP_GRACE_S          90
/* Polls in a row that may fail within a step before it fails. */
#define MAX_POLL_FAILURES     3

typedef enum
{
  PHASE_PREPARE,
  PHASE_WRITE,
  PHASE_SETTLE,
  PHASE_MEASURE,
  PHASE_FINISHING,     /* writing the winner or the original settings */
  PHASE_OVER,
} Phase;

struct _HfTune
{
  GObject       parent_instance;

  HfTuner      *tuner;            /* borrowed: the tuner keeps its tunes */
  HfMiner      *miner;
  HfTuneParams  params;
  gint64        id;
  HfTuneState   state;
  GPtrArray    *steps;            /* HfTuneStep* */
  HfTuneStep   *current;
  HfTuneStep   *winner;
  char         *message;
  char         *model;
  guint         orig_frequency;
  guint         orig_voltage;
  int           orig_work_mode;
  gboolean      avalon;
  gboolean      from_store;
  guint         default_frequency;   /* the model's, 0: unknown */
  guint         default_voltage;
  gboolean      orig_overclock;      /* the original settings are above the defaults */
  gboolean      waiting;             /* for the tuner to know the tunes cut short */       /* read back by hf_tuner_last_async() */

  /* The sweep. */
  GArray       *frequencies;      /* guint; an Avalon's work modes */
  GArray       *voltages;         /* guint; { 0 } for an Avalon */
  guint         fi;
  guint         vi;
  guint         applied_frequency;
  guint         applied_voltage;
  int           applied_work_mode;
  guint         total;
  Phase         phase;
  gboolean      cancelling;
  GCancellable *cancellable;      /* the step in flight */

  /* The step in flight: its readings. */
  gint64        settle_until;     /* monotonic µs */
  gint64        step_deadline;    /* monotonic µs */
  gint64        last_reading;     /* monotonic µs */
  gint64        last_timestamp;   /* the reading's own, to count each once */
  guint         tick;
  guint         poll_failures;
  gboolean      polling;
  guint         n;
  double        sum_hash, sum_expected, sum_power, sum_error;
  guint         n_hash, n_expected, n_power, n_error;
};

enum { PROP_0, PROP_ID, PROP_STATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_STEP_STARTED, SIGNAL_STEP_FINISHED, SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfTune, hf_tune, G_TYPE_OBJECT)

/* A tune Hashfleet died in, whose original settings go back once its
 * miner answers. */
typedef struct
{
  HfStoreTune *row;
  gboolean     writing;
  guint        failures;     /* writes that did not take, in a row */
  gint64       retry_at;     /* monotonic µs: not before (backoff) */
} Pending;

/* A restore that does not take is tried again after a minute, then 2, 4 …
 * up to an hour: never a restart a reading. */
#define PENDING_RETRY_S      60
#define PENDING_RETRY_MAX_S  3600
/* The most distinct frequencies or voltages a sweep takes from a model. */
#define MAX_OPTIONS          64
/* Finished tunes of this session kept for the app and the API. */
#define KEEP_FINISHED        32

struct _HfTuner
{
  GObject       parent_instance;

  HfSession    *session;          /* borrowed: the session owns the tuner */
  GListStore   *tunes;            /* HfTune, newest last */
  GPtrArray    *pending;          /* Pending* */
  GCancellable *cancellable;      /* cancelled at dispose */
  gulong        reading_handler;
  gint64        next_local_id;    /* ids without a store: from -1 down */
  gboolean      restoring;        /* reading the tunes a previous run left running */
  guint         writes;           /* original settings or winners being written */
  GPtrArray    *idle_waiters;     /* GTask*: hf_tuner_stop_async() */
  HfTunerClock  clock;
  gpointer      clock_data;
};

G_DEFINE_FINAL_TYPE (HfTuner, hf_tuner, G_TYPE_OBJECT)

static void next_step        (HfTune *tune);
static void keep_pending     (HfTune *tune);
static void end_step         (HfTune *tune, HfTuneStepOutcome outcome, char *why);
static void end_sweep        (HfTune *tune);
static void tuner_write_done (HfTuner *self);

/* ---- parameters ------------------------------------------------------------ */

void
hf_tune_params_init (HfTuneParams *params)
{
  g_return_if_fail (params != NULL);

  memset (params, 0, sizeof *params);
  params->objective = HF_TUNE_EFFICIENCY;
  params->max_chip_temp_c = HF_TUNE_DEFAULT_MAX_CHIP_C;
  params->max_vr_temp_c = HF_TUNE_DEFAULT_MAX_VR_C;
  params->max_error_percent = HF_TUNE_DEFAULT_MAX_ERROR_PCT;
  params->settle_s = HF_TUNE_DEFAULT_SETTLE_S;
  params->samples = HF_TUNE_DEFAULT_SAMPLES;
}

gboolean
hf_tune_objective_parse (const char       *text,
                         HfTuneObjective  *objective,
                         double           *target_watts,
                         GError          **error)
{
  g_return_val_if_fail (objective != NULL && target_watts != NULL, FALSE);

  *target_watts = 0;
  if (g_strcmp0 (text, "efficiency") == 0)
    *objective = HF_TUNE_EFFICIENCY;
  else if (g_strcmp0 (text, "hashrate") == 0)
    *objective = HF_TUNE_HASHRATE;
  else if (text != NULL && g_str_has_prefix (text, "watts:"))
    {
      const char *number = text + strlen ("watts:");
      char *end = NULL;
      double w;

      /* Digits and one point only: no sign, exponent, hex, inf or nan. */
      if (*number == '\0' || strspn (number, "0123456789.") != strlen (number)
          || strchr (number, '.') != strrchr (number, '.'))
        goto bad;
      w = g_ascii_strtod (number, &end);
      if (end == number || *end != '\0' || !(w >= 1.0 && w <= 10000.0))
        goto bad;
      *objective = HF_TUNE_WATTS;
      *target_watts = w;
    }
  else
    goto bad;
  return TRUE;

bad:
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
               "the objective is efficiency, hashrate or watts:N (N from 1 to 10000 W), "
               "not “%.40s”", text != NULL ? text : "");
  return FALSE;
}

char *
hf_tune_objective_to_string (HfTuneObjective objective,
                             double          target_watts)
{
  switch (objective)
    {
    case HF_TUNE_HASHRATE:
      return g_strdup ("hashrate");
    case HF_TUNE_WATTS:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup_printf ("watts:%s", g_ascii_formatd (buf, sizeof buf, "%g",
                                                             target_watts));
      }
    case HF_TUNE_EFFICIENCY:
    default:
      return g_strdup ("efficiency");
    }
}

static char *
params_json (const HfTuneParams *p,
             gboolean            restore_overclock)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
  char c[G_ASCII_DTOSTR_BUF_SIZE], d[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("{\"max_chip_temp_c\":%s,\"max_vr_temp_c\":%s,\"max_power_w\":%s,"
                          "\"max_error_percent\":%s,\"settle_s\":%u,\"samples\":%u,"
                          "\"overclock\":%s,\"restore_overclock\":%s}",
                          g_ascii_formatd (a, sizeof a, "%g", p->max_chip_temp_c),
                          g_ascii_formatd (b, sizeof b, "%g", p->max_vr_temp_c),
                          g_ascii_formatd (c, sizeof c, "%g", p->max_power_w),
                          g_ascii_formatd (d, sizeof d, "%g", p->max_error_percent),
                          p->settle_s, p->samples, p->allow_overclock ? "true" : "false",
                          restore_overclock ? "true" : "false");
}

/* ---- steps ----------------------------------------------------------------- */

static HfTuneStep *
step_new (void)
{
  HfTuneStep *s = g_new0 (HfTuneStep, 1);

  s->work_mode = -1;
  s->hashrate_ghs = s->expected_ghs = s->power_w = NAN;
  s->chip_temp_c = s->vr_temp_c = s->error_percent = s->efficiency_jth = NAN;
  return s;
}

HfTuneStep *
hf_tune_step_copy (const HfTuneStep *step)
{
  HfTuneStep *copy;

  g_return_val_if_fail (step != NULL, NULL);

  copy = g_memdup2 (step, sizeof *step);
  copy->why = g_strdup (step->why);
  return copy;
}

void
hf_tune_step_free (HfTuneStep *step)
{
  if (step == NULL)
    return;
  g_free (step->why);
  g_free (step);
}

static const char *
state_text (HfTuneState state)
{
  switch (state)
    {
    case HF_TUNE_RUNNING: return "running";
    case HF_TUNE_DONE: return "done";
    case HF_TUNE_NO_WINNER: return "no-winner";
    case HF_TUNE_CANCELLED: return "cancelled";
    case HF_TUNE_FAILED:
    default: return "failed";
    }
}

static HfTuneState
state_parse (const char *text)
{
  if (g_strcmp0 (text, "running") == 0)
    return HF_TUNE_RUNNING;
  if (g_strcmp0 (text, "done") == 0)
    return HF_TUNE_DONE;
  if (g_strcmp0 (text, "no-winner") == 0)
    return HF_TUNE_NO_WINNER;
  if (g_strcmp0 (text, "cancelled") == 0)
    return HF_TUNE_CANCELLED;
  return HF_TUNE_FAILED;
}

/* ---- HfTune -------------------------------------------------------------- */

static gint64
tuner_now_s (HfTuner *self)
{
  gint64 us = self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();

  return us / G_USEC_PER_SEC;
}

static void
set_state (HfTune      *tune,
           HfTuneState  state)
{
  if (tune->state == state)
    return;
  tune->state = state;
  g_object_notify_by_pspec (G_OBJECT (tune), properties[PROP_STATE]);
}

static void
stop_watching (HfTune *tune)
{
  g_clear_handle_id (&tune->tick, g_source_remove);
}

static void
hf_tune_dispose (GObject *object)
{
  HfTune *tune = HF_TUNE (object);

  stop_watching (tune);
  if (tune->cancellable != NULL)
    g_cancellable_cancel (tune->cancellable);
  g_clear_object (&tune->cancellable);
  g_clear_object (&tune->miner);
  g_clear_object (&tune->tuner);

  G_OBJECT_CLASS (hf_tune_parent_class)->dispose (object);
}

static void
hf_tune_finalize (GObject *object)
{
  HfTune *tune = HF_TUNE (object);

  g_clear_pointer (&tune->steps, g_ptr_array_unref);
  g_clear_pointer (&tune->current, hf_tune_step_free);
  g_clear_pointer (&tune->winner, hf_tune_step_free);
  g_clear_pointer (&tune->frequencies, g_array_unref);
  g_clear_pointer (&tune->voltages, g_array_unref);
  g_free (tune->message);
  g_free (tune->model);

  G_OBJECT_CLASS (hf_tune_parent_class)->finalize (object);
}

static void
hf_tune_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  HfTune *tune = HF_TUNE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, tune->id);
      break;
    case PROP_STATE:
      g_value_set_int (value, tune->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_tune_class_init (HfTuneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = hf_tune_dispose;
  object_class->finalize = hf_tune_finalize;
  object_class->get_property = hf_tune_get_property;

  /* The store's id once the tune is saved (negative without a store). */
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, ro);
  /* HfTuneState. */
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, HF_TUNE_FAILED,
                                             HF_TUNE_RUNNING, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HfTune::step-started:
   * @step: the step now tried (the tune's own, valid during emission)
   */
  signals[SIGNAL_STEP_STARTED] =
    g_signal_new ("step-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * HfTune::step-finished:
   * @step: the step measured (the tune's own, kept in its steps)
   */
  signals[SIGNAL_STEP_FINISHED] =
    g_signal_new ("step-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * HfTune::finished:
   *
   * The tune is over (see its state): the winner or the original settings
   * are on the miner, or its message says why not.
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hf_tune_init (HfTune *tune)
{
  tune->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_tune_step_free);
  tune->orig_work_mode = -1;
  tune->applied_work_mode = -1;
  tune->state = HF_TUNE_RUNNING;
}

gint64
hf_tune_get_id (HfTune *self)
{
  g_return_val_if_fail (HF_IS_TUNE (self), 0);
  return self->id;
}

HfMiner *
hf_tune_get_miner (HfTune *self)
{
  g_return_val_if_fail (HF_IS_TUNE (self), NULL);
  return self->miner;
}

const HfTuneParams *
hf_tune_get_params (HfTune *self)
{
  g_return_val_if_fail (HF_IS_TUNE (self), NULL);
  return &self->params;
}

HfTuneState
hf_tune_get_state (HfTune *self)
{
  g_return_val_if_fail (HF_IS_TUNE (self), HF_TUNE_FAILED);
  return self->state;
}

GPtrArray *
hf_tune_get_steps (HfTune *self)
{
  g_return_val_if_fail (HF_IS_TUNE (self), NULL);
  return self->steps;
}

const HfTuneStep *
hf_tune_get_current (HfTune *self)
{
  g_return_val_if_fail (HF_IS_TUNE (self), NULL);
  return self->current;
}

const HfTuneStep *
hf_tune_get_winner (HfTune *self)
{
  g_return_val_if_fail (HF_IS_TUNE (self), NULL);
  return self->state == HF_TUNE_RUNNING ? NULL : self->winner;
}

void
hf_tune_get_progress (HfTune *self,
                      guint  *done,
                      guint  *total)
{
  g_return_if_fail (HF_IS_TUNE (self));

  if (done != NULL)
    *done = self->steps->len;
  if (total != NULL)
    *total = self->state == HF_TUNE_RUNNING ? MAX (self->total, self->steps->len)
                                            : self->steps->len;
}

const char *
hf_tune_get_message (HfTune *self)
{
  g_return_val_if_fail (HF_IS_TUNE (self), NULL);
  return self->message;
}

void
hf_tune_get_original (HfTune *self,
                      guint  *frequency_mhz,
                      guint  *core_voltage_mv,
                      int    *work_mode)
{
  g_return_if_fail (HF_IS_TUNE (self));

  if (frequency_mhz != NULL)
    *frequency_mhz = self->orig_frequency;
  if (core_voltage_mv != NULL)
    *core_voltage_mv = self->orig_voltage;
  if (work_mode != NULL)
    *work_mode = self->orig_work_mode;
}

/* ---- writing settings --------------------------------------------------------- */

static HfMinerSettings *
settings_for (guint     frequency,
              guint     voltage,
              int       work_mode,
              gboolean  allow_overclock)
{
  HfMinerSettings *s = hf_miner_settings_new ();

  s->frequency_mhz = frequency;
  s->core_voltage_mv = voltage;
  s->work_mode = work_mode;
  s->allow_overclock = allow_overclock;
  return s;
}

/* What a sweep without allow_overclock stays at or under: the model's
 * default, or, where the firmware does not say it, what the miner ran
 * when the tune began (it was confirmed then). */
static guint
ceiling (guint default_value,
         guint original)
{
  return default_value > 0 ? default_value : original;
}

/* Whether writing @frequency and @voltage needs the overclocking
 * confirmation (the firmware is then told so too): above the ceiling. */
static gboolean
needs_overclock (HfTune *tune,
                 guint   frequency,
                 guint   voltage)
{
  if (tune->avalon)
    return FALSE;
  return frequency > ceiling (tune->default_frequency, tune->orig_frequency)
         || voltage > ceiling (tune->default_voltage, tune->orig_voltage);
}

/* Write through the session as Settings does: the restart AxeOS needs,
 * then the check in a later reading.  @callback gets the apply's result. */
static void
write_settings (HfTuner             *self,
                HfMiner             *miner,
                HfMinerSettings     *settings,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  HfApplyFlags flags = hf_miner_settings_needs_restart (settings) ? HF_APPLY_RESTART
                                                                  : HF_APPLY_NONE;

  g_debug ("%s: writing %u MHz %u mV mode %d", hf_miner_get_address (miner),
           settings->frequency_mhz, settings->core_voltage_mv, settings->work_mode);
  hf_session_apply_async (self->session, miner, settings, flags, cancellable, callback,
                          user_data);
}

/* The apply's result as an error message, or NULL when it shows. */
static char *
apply_problem (HfSession    *session,
               GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  HfApplyOutcome outcome = hf_session_apply_finish (session, result, &detail, &error);

  if (error != NULL)
    return g_strdup (error->message);
  if (outcome == HF_APPLY_APPLIED || outcome == HF_APPLY_APPLIED_AFTER_RESTART)
    return NULL;
  return hf_apply_outcome_describe (outcome, detail);
}

/* ---- the end of a tune ------------------------------------------------------------ */

static void
store_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_store_tune_change_finish (HF_STORE (source), result, &error))
    g_warning ("a tune is not kept: %s", error->message);
}

static void
finish (HfTune      *tune,
        HfTuneState  state,
        gboolean     settings_back,
        char        *message)
{
  HfTuner *self = tune->tuner;
  HfStore *store = hf_session_get_store (self->session);

  g_debug ("%s: tune over (%s): %s", hf_miner_get_address (tune->miner), state_text (state),
           message ? message : "");
  stop_watching (tune);
  tune->phase = PHASE_OVER;
  g_clear_pointer (&tune->current, hf_tune_step_free);
  g_free (tune->message);
  tune->message = message;
  if (state != HF_TUNE_DONE)
    g_clear_pointer (&tune->winner, hf_tune_step_free);
  /* A row stays 'running' until the miner has settings Hashfleet chose
   * again: the next start puts the original ones back. */
  if (store != NULL && tune->id > 0 && settings_back)
    {
      g_autoptr(HfStoreTune) row = hf_store_tune_new ();

      row->id = tune->id;
      row->state = g_strdup (state_text (state));
      row->finished = tuner_now_s (self);
      row->message = g_strdup (message);
      if (tune->winner != NULL)
        {
          row->win_frequency = tune->winner->frequency_mhz > 0 ? (int) tune->winner->frequency_mhz : -1;
          row->win_voltage = tune->winner->core_voltage_mv > 0 ? (int) tune->winner->core_voltage_mv : -1;
          row->win_work_mode = tune->winner->work_mode;
        }
      hf_store_end_tune_async (store, row, store_done_cb, NULL);
    }
  set_state (tune, state);
  g_signal_emit (tune, signals[SIGNAL_FINISHED], 0);
}

typedef struct
{
  HfTune      *tune;
  HfTuneState  state;
  char        *message;      /* what is said when the write works */
} Ending;

static void
ending_free (Ending *e)
{
  g_object_unref (e->tune);
  g_free (e->message);
  g_free (e);
}

static void
original_back_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Ending *e = user_data;
  HfTuner *self = e->tune->tuner;
  g_autofree char *problem = apply_problem (HF_SESSION (source), result);

  if (self->session == NULL)
    {
      /* The tuner ended meanwhile: the row says 'running', the next
       * start puts them back. */
      ending_free (e);
      return;
    }
  if (problem == NULL)
    {
      e->tune->applied_frequency = e->tune->orig_frequency;
      e->tune->applied_voltage = e->tune->orig_voltage;
      e->tune->applied_work_mode = e->tune->orig_work_mode;
      finish (e->tune, e->state, TRUE, g_steal_pointer (&e->message));
    }
  else
    {
      finish (e->tune, HF_TUNE_FAILED, FALSE,
              g_strdup_printf ("%s%sthe original settings could not be put back (%s); "
                               "Hashfleet tries again when the miner answers, and at its "
                               "next start", e->message ? e->message : "",
                               e->message ? "; " : "", problem));
      keep_pending (e->tune);
    }
  ending_free (e);
  tuner_write_done (self);
}

static gboolean
original_on (HfTune *tune)
{
  return tune->applied_frequency == tune->orig_frequency
         && tune->applied_voltage == tune->orig_voltage
         && tune->applied_work_mode == tune->orig_work_mode;
}

/* Put the original settings back, then end as @state with @message. */
static void
restore_and_finish (HfTune      *tune,
                    HfTuneState  state,
                    char        *message)
{
  HfTuner *self = tune->tuner;
  g_autoptr(HfMinerSettings) settings = NULL;
  Ending *e;

  g_clear_pointer (&tune->winner, hf_tune_step_free);
  tune->phase = PHASE_FINISHING;
  stop_watching (tune);
  if (tune->id == 0 || original_on (tune))
    {
      /* Nothing was written (or it is back already). */
      finish (tune, state, TRUE, message);
      return;
    }
  e = g_new0 (Ending, 1);
  e->tune = g_object_ref (tune);
  e->state = state;
  e->message = message;
  /* The miner ran these before: confirmed as they were. */
  settings = settings_for (tune->orig_frequency, tune->orig_voltage, tune->orig_work_mode,
                           tune->orig_overclock);
  self->writes++;
  write_settings (self, tune->miner, settings, self->cancellable, original_back_cb, e);
}

static void
winner_on_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Ending *e = user_data;
  HfTune *tune = e->tune;
  HfTuner *self = tune->tuner;
  g_autofree char *problem = apply_problem (HF_SESSION (source), result);

  if (self->session == NULL)
    {
      ending_free (e);
      return;
    }
  if (problem == NULL)
    {
      tune->applied_frequency = tune->winner->frequency_mhz;
      tune->applied_voltage = tune->winner->core_voltage_mv;
      tune->applied_work_mode = tune->winner->work_mode;
      finish (tune, HF_TUNE_DONE, TRUE, g_steal_pointer (&e->message));
    }
  else
    restore_and_finish (tune, HF_TUNE_FAILED,
                        g_strdup_printf ("the winner could not be applied (%s)", problem));
  ending_free (e);
  tuner_write_done (self);
}

static gboolean
better (const HfTuneParams *p,
        const HfTuneStep   *a,
        const HfTuneStep   *b)
{
  if (b == NULL)
    return TRUE;
  switch (p->objective)
    {
    case HF_TUNE_EFFICIENCY:
      if (isnan (b->efficiency_jth))
        return !isnan (a->efficiency_jth);
      return a->efficiency_jth < b->efficiency_jth;
    case HF_TUNE_HASHRATE:
    case HF_TUNE_WATTS:
    default:
      return a->hashrate_ghs > b->hashrate_ghs;
    }
}

static gboolean
eligible (const HfTuneParams *p,
          const HfTuneStep   *s)
{
  if (s->outcome != HF_TUNE_STEP_CLEAN || isnan (s->hashrate_ghs))
    return FALSE;
  if (p->objective == HF_TUNE_WATTS)
    return !isnan (s->power_w) && s->power_w <= p->target_watts;
  if (p->objective == HF_TUNE_EFFICIENCY)
    return !isnan (s->efficiency_jth);
  return TRUE;
}

static void
end_sweep (HfTune *tune)
{
  HfTuner *self = tune->tuner;
  const HfTuneStep *best = NULL;
  g_autoptr(HfMinerSettings) settings = NULL;
  Ending *e;

  stop_watching (tune);
  g_clear_pointer (&tune->current, hf_tune_step_free);
  for (guint i = 0; i < tune->steps->len; i++)
    {
      const HfTuneStep *s = tune->steps->pdata[i];

      if (eligible (&tune->params, s) && better (&tune->params, s, best))
        best = s;
    }
  if (best == NULL)
    {
      restore_and_finish (tune, HF_TUNE_NO_WINNER,
                          g_strdup (tune->params.objective == HF_TUNE_WATTS
                                    ? "no step ran clean within the power target"
                                    : "no step ran clean"));
      return;
    }
  tune->winner = hf_tune_step_copy (best);
  tune->phase = PHASE_FINISHING;
  e = g_new0 (Ending, 1);
  e->tune = g_object_ref (tune);
  e->message = g_strdup_printf ("winner: step %u", best->n);
  settings = settings_for (best->frequency_mhz, best->core_voltage_mv, best->work_mode,
                           needs_overclock (tune, best->frequency_mhz, best->core_voltage_mv));
  /* Written even when it is on already: the check confirms it. */
  self->writes++;
  write_settings (self, tune->miner, settings, self->cancellable, winner_on_cb, e);
}

/* ---- a step ------------------------------------------------------------------- */

static void
step_reset (HfTune *tune)
{
  tune->n = 0;
  tune->sum_hash = tune->sum_expected = tune->sum_power = tune->sum_error = 0;
  tune->n_hash = tune->n_expected = tune->n_power = tune->n_error = 0;
  tune->poll_failures = 0;
  tune->last_timestamp = 0;
}

static void
step_saved (HfTune     *tune,
            HfTuneStep *step)
{
  HfStore *store = hf_session_get_store (tune->tuner->session);

  if (store != NULL && tune->id > 0)
    hf_store_add_tune_step_async (store, tune->id, step, store_done_cb, NULL);
}

static void
end_step (HfTune            *tune,
          HfTuneStepOutcome  outcome,
          char              *why)
{
  HfTuneStep *step = g_steal_pointer (&tune->current);
  gboolean go_on = FALSE;

  g_assert (step != NULL);
  stop_watching (tune);
  if (tune->cancellable != NULL)
    g_cancellable_cancel (tune->cancellable);
  g_clear_object (&tune->cancellable);

  step->outcome = outcome;
  g_free (step->why);
  step->why = why;
  step->time = tuner_now_s (tune->tuner);
  if (tune->n_hash > 0)
    step->hashrate_ghs = tune->sum_hash / tune->n_hash;
  if (tune->n_expected > 0)
    step->expected_ghs = tune->sum_expected / tune->n_expected;
  if (tune->n_power > 0)
    step->power_w = tune->sum_power / tune->n_power;
  if (tune->n_error > 0)
    step->error_percent = tune->sum_error / tune->n_error;
  if (!isnan (step->power_w) && step->hashrate_ghs > 0)
    step->efficiency_jth = step->power_w / (step->hashrate_ghs / 1000.0);
  g_ptr_array_add (tune->steps, step);
  g_debug ("%s: step %u (%u MHz %u mV mode %d): %d %s", hf_miner_get_address (tune->miner),
           step->n, step->frequency_mhz, step->core_voltage_mv, step->work_mode, outcome,
           why ? why : "");
  step_saved (tune, step);
  g_signal_emit (tune, signals[SIGNAL_STEP_FINISHED], 0, step);
  if (tune->phase == PHASE_OVER || tune->phase == PHASE_FINISHING)
    return;   /* a handler cancelled it */

  switch (outcome)
    {
    case HF_TUNE_STEP_CLEAN:
      /* The next frequency starts from the voltage this one ran clean at. */
      tune->fi++;
      go_on = tune->fi < tune->frequencies->len;
      /* More frequency only draws more power. */
      if (tune->params.objective == HF_TUNE_WATTS && !isnan (step->power_w)
          && step->power_w > tune->params.target_watts)
        go_on = FALSE;
      break;
    case HF_TUNE_STEP_ERRORS:
      tune->vi++;
      go_on = tune->vi < tune->voltages->len;
      break;
    case HF_TUNE_STEP_LIMIT:
    case HF_TUNE_STEP_FAILED:
    default:
      go_on = FALSE;
      break;
    }
  if (tune->cancelling)
    return;
  if (go_on)
    next_step (tune);
  else
    end_sweep (tune);
}

static char *
past_limit (const HfTuneParams *p,
            const HfReading    *r)
{
  if (hf_reading_known (r->chip_temp_c) && r->chip_temp_c > p->max_chip_temp_c)
    return g_strdup_printf ("chip %.1f °C over %.0f °C", r->chip_temp_c, p->max_chip_temp_c);
  if (hf_reading_known (r->vr_temp_c) && r->vr_temp_c > p->max_vr_temp_c)
    return g_strdup_printf ("VR %.1f °C over %.0f °C", r->vr_temp_c, p->max_vr_temp_c);
  if (p->max_power_w > 0 && hf_reading_known (r->power_w) && r->power_w > p->max_power_w)
    return g_strdup_printf ("power %.1f W over %.0f W", r->power_w, p->max_power_w);
  return NULL;
}

static void
measure_done (HfTune *tune)
{
  HfTuneStep *step = tune->current;
  double hash = tune->n_hash > 0 ? tune->sum_hash / tune->n_hash : NAN;
  double expected = tune->n_expected > 0 ? tune->sum_expected / tune->n_expected : NAN;
  double errors = tune->n_error > 0 ? tune->sum_error / tune->n_error : NAN;

  g_assert (step != NULL);
  if (isnan (hash))
    {
      end_step (tune, HF_TUNE_STEP_FAILED, g_strdup ("no hashrate in its readings"));
      return;
    }
  if (!isnan (errors) && errors > tune->params.max_error_percent)
    {
      end_step (tune, HF_TUNE_STEP_ERRORS,
                g_strdup_printf ("errors %.2f %% over %.2f %%", errors,
                                 tune->params.max_error_percent));
      return;
    }
  /* A work mode is the firmware's own preset, each with a hashrate of its
   * own, while the expected hashrate it reports is its standard mode's:
   * only a frequency step is held to it. */
  if (step->work_mode < 0 && !isnan (expected) && expected > 0
      && hash < HF_TUNE_CLEAN_SHARE * expected)
    {
      end_step (tune, HF_TUNE_STEP_ERRORS,
                g_strdup_printf ("hashrate %.0f %% of expected", 100.0 * hash / expected));
      return;
    }
  end_step (tune, HF_TUNE_STEP_CLEAN, NULL);
}

/* A reading of the tune's miner, from any poll. */
static void
tune_reading (HfTune          *tune,
              const HfReading *r)
{
  g_autofree char *limit = NULL;
  HfTuneStep *step = tune->current;
  gint64 now = g_get_monotonic_time ();

  if (step == NULL || (tune->phase != PHASE_WRITE && tune->phase != PHASE_SETTLE
                       && tune->phase != PHASE_MEASURE))
    return;
  if (r->timestamp != 0 && r->timestamp == tune->last_timestamp)
    return;
  tune->last_timestamp = r->timestamp;
  tune->last_reading = now;
  tune->poll_failures = 0;
  /* Every reading once the step's settings are written, settling ones too. */
  step->chip_temp_c = hf_max_known (step->chip_temp_c, r->chip_temp_c);
  step->vr_temp_c = hf_max_known (step->vr_temp_c, r->vr_temp_c);
  if ((limit = past_limit (&tune->params, r)) != NULL)
    {
      if (hf_reading_known (r->power_w))
        tune->sum_power = r->power_w, tune->n_power = 1;
      if (hf_reading_known (r->hashrate_ghs))
        tune->sum_hash = r->hashrate_ghs, tune->n_hash = 1;
      if (hf_reading_known (r->error_percent))
        tune->sum_error = r->error_percent, tune->n_error = 1;
      end_step (tune, HF_TUNE_STEP_LIMIT, g_steal_pointer (&limit));
      return;
    }
  /* Errors past the limit are no danger but no clean step either: the
   * step ends at once and the next tries more voltage. */
  if (hf_reading_known (r->error_percent) && r->error_percent > tune->params.max_error_percent)
    {
      tune->sum_error = r->error_percent, tune->n_error = 1;
      if (hf_reading_known (r->hashrate_ghs))
        tune->sum_hash = r->hashrate_ghs, tune->n_hash = 1;
      if (hf_reading_known (r->power_w))
        tune->sum_power = r->power_w, tune->n_power = 1;
      end_step (tune, HF_TUNE_STEP_ERRORS,
                g_strdup_printf ("errors %.2f %% over %.2f %%", r->error_percent,
                                 tune->params.max_error_percent));
      return;
    }
  if (tune->phase == PHASE_SETTLE && now >= tune->settle_until)
    tune->phase = PHASE_MEASURE;
  if (tune->phase != PHASE_MEASURE)
    return;
  tune->n++;
  if (hf_reading_known (r->hashrate_ghs))
    tune->sum_hash += r->hashrate_ghs, tune->n_hash++;
  if (hf_reading_known (r->expected_hashrate_ghs))
    tune->sum_expected += r->expected_hashrate_ghs, tune->n_expected++;
  if (hf_reading_known (r->power_w))
    tune->sum_power += r->power_w, tune->n_power++;
  if (hf_reading_known (r->error_percent))
    tune->sum_error += r->error_percent, tune->n_error++;
  if (tune->n >= tune->params.samples)
    measure_done (tune);
}

static guint
tick_s (HfTune *tune)
{
  return CLAMP (hf_session_get_poll_interval (tune->tuner->session), 1, 10);
}

static void
tick_polled_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HfTune) tune = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) reading = hf_session_poll_finish (HF_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || tune->tuner->session == NULL)
    return;
  tune->polling = FALSE;
  if (reading != NULL || tune->current == NULL)
    return;   /* the fleet's ::reading brought it */
  if (++tune->poll_failures >= MAX_POLL_FAILURES)
    end_step (tune, HF_TUNE_STEP_FAILED,
              g_strdup_printf ("the miner stopped answering (%s)", error->message));
}

static gboolean
tick_cb (gpointer user_data)
{
  HfTune *tune = user_data;
  gint64 now = g_get_monotonic_time ();

  if (tune->current == NULL)
    {
      tune->tick = 0;
      return G_SOURCE_REMOVE;
    }
  if (now > tune->step_deadline)
    {
      tune->tick = 0;
      end_step (tune, HF_TUNE_STEP_FAILED, g_strdup ("no readings came in time"));
      return G_SOURCE_REMOVE;
    }
  /* The fleet's own polls count; the tune asks only when none came. */
  if (!tune->polling && now - tune->last_reading >= (gint64) tick_s (tune) * G_USEC_PER_SEC - 100000)
    {
      tune->polling = TRUE;
      hf_session_poll_async (tune->tuner->session, tune->miner, tune->cancellable,
                             tick_polled_cb, g_object_ref (tune));
    }
  return G_SOURCE_CONTINUE;
}

static void
step_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HfTune) tune = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  HfApplyOutcome outcome = hf_session_apply_finish (HF_SESSION (source), result, &detail, &error);
  HfTuneStep *step = tune->current;
  gint64 now;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || step == NULL
      || tune->phase != PHASE_WRITE || tune->tuner->session == NULL)
    return;
  /* Written (or refused after it was sent): the miner may run anything
   * from here on. */
  tune->applied_frequency = step->frequency_mhz;
  tune->applied_voltage = step->core_voltage_mv;
  tune->applied_work_mode = step->work_mode;
  if (error != NULL)
    {
      end_step (tune, HF_TUNE_STEP_FAILED, g_strdup (error->message));
      return;
    }
  if (outcome != HF_APPLY_APPLIED && outcome != HF_APPLY_APPLIED_AFTER_RESTART)
    {
      end_step (tune, HF_TUNE_STEP_FAILED, hf_apply_outcome_describe (outcome, detail));
      return;
    }
  now = g_get_monotonic_time ();
  tune->phase = PHASE_SETTLE;
  tune->settle_until = now + (gint64) tune->params.settle_s * G_USEC_PER_SEC;
  tune->step_deadline = tune->settle_until
                        + ((gint64) tune->params.samples * 3 * tick_s (tune) + STEP_GRACE_S)
                          * G_USEC_PER_SEC;
  tune->last_reading = now;
  tune->polling = FALSE;
  tune->tick = g_timeout_add_seconds (tick_s (tune), tick_cb, tune);
}

static void
next_step (HfTune *tune)
{
  HfTuner *self = tune->tuner;
  g_autoptr(HfMinerSettings) settings = NULL;
  HfTuneStep *step = step_new ();
  guint value = g_array_index (tune->frequencies, guint, tune->fi);

  step->n = tune->steps->len + 1;
  if (tune->avalon)
    step->work_mode = (int) value;
  else
    {
      step->frequency_mhz = value;
      step->core_voltage_mv = g_array_index (tune->voltages, guint, tune->vi);
    }
  tune->current = step;
  /* At most: every frequency left once, and every voltage left once more. */
  tune->total = tune->steps->len + (tune->frequencies->len - tune->fi)
                + (tune->voltages->len - tune->vi) - 1;
  step_reset (tune);
  /* From the write on, the miner may run anything until a reading says. */
  tune->applied_frequency = tune->applied_voltage = 0;
  tune->applied_work_mode = -2;
  tune->phase = PHASE_WRITE;
  g_clear_object (&tune->cancellable);
  tune->cancellable = g_cancellable_new ();
  g_signal_emit (tune, signals[SIGNAL_STEP_STARTED], 0, step);
  if (tune->current == NULL || tune->cancelling)
    return;
  settings = settings_for (step->frequency_mhz, step->core_voltage_mv, step->work_mode,
                           needs_overclock (tune, step->frequency_mhz, step->core_voltage_mv));
  write_settings (self, tune->miner, settings, tune->cancellable, step_written_cb,
                  g_object_ref (tune));
}

/* ---- starting ------------------------------------------------------------------- */

static void
begun_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HfTune) tune = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = hf_store_begin_tune_finish (HF_STORE (source), result, &error);

  if (tune->tuner->session == NULL || tune->phase != PHASE_PREPARE)
    return;
  if (id == 0)
    {
      /* No record of the original settings: nothing is written. */
      finish (tune, HF_TUNE_FAILED, TRUE,
              g_strdup_printf ("the original settings cannot be kept (%s)", error->message));
      return;
    }
  tune->id = id;
  g_object_notify_by_pspec (G_OBJECT (tune), properties[PROP_ID]);
  if (tune->cancelling)
    {
      finish (tune, HF_TUNE_CANCELLED, TRUE, g_strdup ("cancelled before the first step"));
      return;
    }
  next_step (tune);
}

static int
cmp_uint (gconstpointer a,
          gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* The options the sweep may use, low to high: never above the highest,
 * above the default only with allow_overclock. */
static GArray *
usable (GArray   *options,
        guint     top,
        gboolean  allow_overclock)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; options != NULL && i < options->len; i++)
    {
      guint v = g_array_index (options, guint, i);

      if (v == 0 || (!allow_overclock && v > top))
        continue;
      g_array_append_val (out, v);
    }
  g_array_sort (out, cmp_uint);
  /* Sorted: duplicates are neighbours. */
  for (guint i = 1; i < out->len;)
    if (g_array_index (out, guint, i) == g_array_index (out, guint, i - 1))
      g_array_remove_index (out, i);
    else
      i++;
  return out;
}

static guint
highest (GArray *options)
{
  guint top = 0;

  for (guint i = 0; options != NULL && i < options->len; i++)
    top = MAX (top, g_array_index (options, guint, i));
  return top;
}

static void
save_and_sweep (HfTune *tune)
{
  HfTuner *self = tune->tuner;
  HfStore *store = hf_session_get_store (self->session);
  g_autoptr(HfStoreTune) row = NULL;

  tune->total = tune->frequencies->len + tune->voltages->len - 1;
  if (store == NULL)
    {
      /* Without a store nothing outlives the process: the id is this
       * session's own. */
      tune->id = self->next_local_id--;
      g_object_notify_by_pspec (G_OBJECT (tune), properties[PROP_ID]);
      next_step (tune);
      return;
    }
  row = hf_store_tune_new ();
  row->model = g_strdup (tune->model);
  row->started = tuner_now_s (self);
  row->objective = hf_tune_objective_to_string (tune->params.objective,
                                                tune->params.target_watts);
  row->params = params_json (&tune->params, tune->orig_overclock);
  row->orig_frequency = tune->avalon ? -1 : (int) tune->orig_frequency;
  row->orig_voltage = tune->avalon ? -1 : (int) tune->orig_voltage;
  row->orig_work_mode = tune->orig_work_mode;
  hf_store_begin_tune_async (store, tune->miner, row, begun_cb, g_object_ref (tune));
}

static gboolean
listed (GArray *options,
        guint   value)
{
  for (guint i = 0; options != NULL && i < options->len; i++)
    if (g_array_index (options, guint, i) == value)
      return TRUE;
  return FALSE;
}

static void
options_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HfTune) tune = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMinerOptions) options = hf_session_options_finish (HF_SESSION (source), result,
                                                                 &error);
  gboolean oc = tune->params.allow_overclock;
  guint top_f, top_v;

  if (tune->tuner->session == NULL || tune->phase != PHASE_PREPARE)
    return;
  if (tune->cancelling)
    {
      finish (tune, HF_TUNE_CANCELLED, TRUE, g_strdup ("cancelled before the first step"));
      return;
    }
  if (options == NULL)
    {
      finish (tune, HF_TUNE_FAILED, TRUE,
              g_strdup_printf ("its options cannot be read (%s)", error->message));
      return;
    }
  tune->default_frequency = options->default_frequency;
  tune->default_voltage = options->default_voltage;
  /* What it runs now is what goes back: never something the model does
   * not go up to (a reading is the miner's word, not the model's). */
  top_f = highest (options->frequencies);
  top_v = highest (options->voltages);
  if (top_f > 0 && top_v > 0 && (tune->orig_frequency > top_f || tune->orig_voltage > top_v))
    {
      finish (tune, HF_TUNE_FAILED, TRUE,
              g_strdup_printf ("it runs %u MHz / %u mV, above the model's highest options "
                               "(%u MHz / %u mV): set it within them first",
                               tune->orig_frequency, tune->orig_voltage, top_f, top_v));
      return;
    }
  /* Settings outside the model's lists were confirmed as an overclock too. */
  tune->orig_overclock = (tune->default_frequency > 0
                          && tune->orig_frequency > tune->default_frequency)
                         || (tune->default_voltage > 0
                             && tune->orig_voltage > tune->default_voltage)
                         || !listed (options->frequencies, tune->orig_frequency)
                         || !listed (options->voltages, tune->orig_voltage);
  tune->frequencies = usable (options->frequencies,
                              ceiling (options->default_frequency, tune->orig_frequency), oc);
  tune->voltages = usable (options->voltages,
                           ceiling (options->default_voltage, tune->orig_voltage), oc);
  if (tune->frequencies->len > MAX_OPTIONS || tune->voltages->len > MAX_OPTIONS)
    {
      finish (tune, HF_TUNE_FAILED, TRUE,
              g_strdup_printf ("the firmware lists %u frequencies and %u voltages; at most %u "
                               "of each are tuned", tune->frequencies->len,
                               tune->voltages->len, MAX_OPTIONS));
      return;
    }
  if (tune->frequencies->len == 0 || tune->voltages->len == 0)
    {
      finish (tune, HF_TUNE_FAILED, TRUE,
              g_strdup (options->frequencies->len == 0 || options->voltages->len == 0
                        ? "the firmware does not list its frequency and voltage options"
                        : "no option at or below the model's defaults"));
      return;
    }
  save_and_sweep (tune);
}

/* ---- HfTuner ------------------------------------------------------------------- */

static void
kick_off (HfTune *tune)
{
  HfTuner *self = tune->tuner;

  tune->waiting = FALSE;
  if (tune->cancelling)
    {
      finish (tune, HF_TUNE_CANCELLED, TRUE, g_strdup ("cancelled before the first step"));
      return;
    }
  if (tune->avalon)
    {
      /* Eco, standard, super; super is beyond the default. */
      guint modes[] = { 0, 1, 2 };

      tune->frequencies = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_vals (tune->frequencies, modes, tune->params.allow_overclock ? 3 : 2);
      tune->voltages = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (tune->voltages, modes[0]);
      save_and_sweep (tune);
    }
  else
    hf_session_options_async (self->session, tune->miner, self->cancellable, options_cb,
                              g_object_ref (tune));
}

static HfTune *
running_tune (HfTuner *self,
              HfMiner *miner)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tunes));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfTune) tune = g_list_model_get_item (G_LIST_MODEL (self->tunes), i);

      if (tune->miner == miner && tune->state == HF_TUNE_RUNNING)
        return tune;
    }
  return NULL;
}

static gboolean
pending_matches (Pending *p,
                 HfMiner *miner)
{
  const char *key = hf_miner_get_identity_key (miner);

  /* A device now at the address that is not the one tuned never gets
   * its settings; one not identified yet waits until it is. */
  if (p->row->miner_key != NULL)
    return key != NULL && g_strcmp0 (p->row->miner_key, key) == 0;
  return g_strcmp0 (p->row->address, hf_miner_get_address (miner)) == 0;
}

static Pending *
pending_for (HfTuner *self,
             HfMiner *miner)
{
  for (guint i = 0; i < self->pending->len; i++)
    if (pending_matches (self->pending->pdata[i], miner))
      return self->pending->pdata[i];
  return NULL;
}

static void
pending_free (Pending *p)
{
  hf_store_tune_free (p->row);
  g_free (p);
}

static void
tuner_write_done (HfTuner *self)
{
  g_assert (self->writes > 0);
  self->writes--;
  if (self->writes > 0)
    return;
  while (self->idle_waiters->len > 0)
    {
      g_autoptr(GTask) task = g_ptr_array_steal_index (self->idle_waiters, 0);

      g_task_return_boolean (task, TRUE);
    }
}

/* A tune whose original settings could not be put back: tried again on
 * the miner's next reading (its row stays 'running' meanwhile). */
static void
keep_pending (HfTune *tune)
{
  HfTuner *self = tune->tuner;
  Pending *p;

  if (tune->avalon ? tune->orig_work_mode < 0 : tune->orig_frequency == 0)
    return;
  p = g_new0 (Pending, 1);
  p->row = hf_store_tune_new ();
  p->row->id = tune->id;
  p->row->miner_key = g_strdup (hf_miner_get_identity_key (tune->miner));
  p->row->address = g_strdup (hf_miner_get_address (tune->miner));
  p->row->orig_frequency = tune->avalon ? -1 : (int) tune->orig_frequency;
  p->row->orig_voltage = tune->avalon ? -1 : (int) tune->orig_voltage;
  p->row->orig_work_mode = tune->orig_work_mode;
  p->row->params = params_json (&tune->params, tune->orig_overclock);
  p->row->message = g_strdup ("the original settings were put back once the miner answered "
                              "again");
  g_ptr_array_add (self->pending, p);
}

typedef struct
{
  HfTuner *tuner;
  Pending *pending;
} PendingWrite;

static void
pending_back_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PendingWrite *w = user_data;
  HfTuner *self = w->tuner;
  g_autofree char *problem = apply_problem (HF_SESSION (source), result);
  Pending *p = w->pending;

  g_free (w);
  if (self->session == NULL)
    {
      g_object_unref (self);
      return;
    }
  if (!g_ptr_array_find (self->pending, p, NULL))
    {
      tuner_write_done (self);
      g_object_unref (self);
      return;
    }
  p->writing = FALSE;
  if (problem == NULL)
    {
      HfStore *store = hf_session_get_store (self->session);
      HfStoreTune *row = p->row;

      g_debug ("%s: the original settings of tune %" G_GINT64_FORMAT " are back",
               row->address, row->id);
      g_free (row->state);
      row->state = g_strdup ("failed");
      if (row->message == NULL)
        row->message = g_strdup ("cut short when Hashfleet stopped; the original settings "
                                 "were put back at its next start");
      row->finished = tuner_now_s (self);
      if (store != NULL)
        hf_store_end_tune_async (store, row, store_done_cb, NULL);
      g_ptr_array_remove (self->pending, p);
    }
  else
    {
      guint wait_s = MIN ((guint) PENDING_RETRY_S << MIN (p->failures, 6u), PENDING_RETRY_MAX_S);

      p->failures++;
      p->retry_at = g_get_monotonic_time () + (gint64) wait_s * G_USEC_PER_SEC;
      g_message ("%s: the settings from before a tune are not back yet (%s); tried again in "
                 "%u s", p->row->address, problem, wait_s);
    }
  tuner_write_done (self);
  g_object_unref (self);
}

/* Whether the row's original settings were above the model's defaults
 * (kept with its parameters; when unknown, confirmed as the miner ran
 * them). */
static gboolean
restore_overclock (HfStoreTune *row)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (row->orig_work_mode >= 0 && row->orig_frequency < 0)
    return FALSE;
  if (row->params != NULL && json_parser_load_from_data (parser, row->params, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return json_object_get_boolean_member_with_default (
      json_node_get_object (json_parser_get_root (parser)), "restore_overclock", TRUE);
  return TRUE;
}

static void
pending_write (HfTuner *self,
               HfMiner *miner,
               Pending *p)
{
  g_autoptr(HfMinerSettings) settings = NULL;
  PendingWrite *w;

  if (p->writing || g_get_monotonic_time () < p->retry_at)
    return;
  p->writing = TRUE;
  settings = settings_for (p->row->orig_frequency > 0 ? (guint) p->row->orig_frequency : 0,
                           p->row->orig_voltage > 0 ? (guint) p->row->orig_voltage : 0,
                           p->row->orig_work_mode, restore_overclock (p->row));
  if (hf_miner_settings_is_empty (settings))
    {
      p->writing = FALSE;
      g_ptr_array_remove (self->pending, p);
      return;
    }
  w = g_new0 (PendingWrite, 1);
  w->tuner = g_object_ref (self);
  w->pending = p;
  self->writes++;
  write_settings (self, miner, settings, self->cancellable, pending_back_cb, w);
}

static void
fleet_reading_cb (HfFleet   *fleet,
                  HfMiner   *miner,
                  HfReading *reading,
                  HfTuner   *self)
{
  HfTune *tune;
  Pending *p;

  if ((p = pending_for (self, miner)) != NULL)
    pending_write (self, miner, p);
  if ((tune = running_tune (self, miner)) != NULL)
    {
      g_object_ref (tune);
      tune_reading (tune, reading);
      g_object_unref (tune);
    }
}

static void
hf_tuner_dispose (GObject *object)
{
  HfTuner *self = HF_TUNER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL && self->reading_handler != 0)
    g_signal_handler_disconnect (hf_session_get_fleet (self->session), self->reading_handler);
  self->reading_handler = 0;
  if (self->tunes != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tunes));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HfTune) tune = g_list_model_get_item (G_LIST_MODEL (self->tunes), i);

          stop_watching (tune);
          if (tune->cancellable != NULL)
            g_cancellable_cancel (tune->cancellable);
        }
    }
  g_clear_object (&self->tunes);
  while (self->idle_waiters != NULL && self->idle_waiters->len > 0)
    {
      g_autoptr(GTask) task = g_ptr_array_steal_index (self->idle_waiters, 0);

      g_task_return_boolean (task, TRUE);
    }
  self->session = NULL;

  G_OBJECT_CLASS (hf_tuner_parent_class)->dispose (object);
}

static void
hf_tuner_finalize (GObject *object)
{
  HfTuner *self = HF_TUNER (object);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->idle_waiters, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hf_tuner_parent_class)->finalize (object);
}

static void
hf_tuner_class_init (HfTunerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_tuner_dispose;
  object_class->finalize = hf_tuner_finalize;
}

static void
hf_tuner_init (HfTuner *self)
{
  self->tunes = g_list_store_new (HF_TYPE_TUNE);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  self->idle_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->next_local_id = -1;
}

HfTuner *
hf_tuner_new (HfSession *session)
{
  HfTuner *self;

  g_return_val_if_fail (HF_IS_SESSION (session), NULL);

  self = g_object_new (HF_TYPE_TUNER, NULL);
  self->session = session;
  self->reading_handler = g_signal_connect (hf_session_get_fleet (session), "reading",
                                            G_CALLBACK (fleet_reading_cb), self);
  return self;
}

/* Keep the newest KEEP_FINISHED finished tunes (running ones all). */
static void
prune_finished (HfTuner *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tunes));
  guint finished = 0;

  for (guint i = n; i-- > 0;)
    {
      g_autoptr(HfTune) tune = g_list_model_get_item (G_LIST_MODEL (self->tunes), i);

      if (tune->state == HF_TUNE_RUNNING || tune->phase != PHASE_OVER)
        continue;
      if (++finished > KEEP_FINISHED - 1)
        g_list_store_remove (self->tunes, i);
    }
}

HfTune *
hf_tuner_start (HfTuner             *self,
                HfMiner             *miner,
                const HfTuneParams  *params,
                GError             **error)
{
  g_autoptr(HfTune) tune = NULL;
  const HfReading *r;
  HfFamily family;

  g_return_val_if_fail (HF_IS_TUNER (self), NULL);
  g_return_val_if_fail (HF_IS_MINER (miner), NULL);
  g_return_val_if_fail (params != NULL, NULL);

  family = hf_miner_get_family (miner);
  r = hf_miner_get_reading (miner);
  if (self->session == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "the session has ended");
      return NULL;
    }
  if (running_tune (self, miner) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING, "%s is tuning already",
                   hf_miner_get_address (miner));
      return NULL;
    }
  if (pending_for (self, miner) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                   "%s: the settings from before a tune Hashfleet stopped in are being put "
                   "back; try again once they are", hf_miner_get_address (miner));
      return NULL;
    }
  if (family != HF_FAMILY_AXEOS && family != HF_FAMILY_AVALON)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED,
                   "%s: only AxeOS, NerdOS and Avalon miners can be tuned",
                   hf_miner_get_address (miner));
      return NULL;
    }
  if (!hf_miner_get_online (miner) || r == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s is offline",
                   hf_miner_get_address (miner));
      return NULL;
    }
  if (params->settle_s < 1 || params->settle_s > 3600 || params->samples < 1
      || params->samples > 100 || !(params->max_chip_temp_c > 0)
      || !(params->max_vr_temp_c > 0) || !(params->max_error_percent >= 0)
      || !(params->max_power_w >= 0)
      || (params->objective == HF_TUNE_WATTS && !(params->target_watts > 0)))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "the tune's parameters are out "
                           "of range");
      return NULL;
    }

  tune = g_object_new (HF_TYPE_TUNE, NULL);
  tune->tuner = g_object_ref (self);
  tune->miner = g_object_ref (miner);
  tune->params = *params;
  tune->model = g_strdup (hf_miner_get_model (miner));
  tune->avalon = family == HF_FAMILY_AVALON;
  tune->phase = PHASE_PREPARE;
  if (tune->avalon)
    {
      if (r->work_mode < 0)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED, "%s reports no work mode",
                       hf_miner_get_address (miner));
          return NULL;
        }
      tune->orig_work_mode = r->work_mode;
      tune->applied_work_mode = r->work_mode;
    }
  else
    {
      double v = hf_reading_known (r->core_voltage_set_mv) ? r->core_voltage_set_mv
                                                           : r->core_voltage_mv;

      if (!hf_reading_known (r->frequency_mhz) || !hf_reading_known (v)
          || r->frequency_mhz < 1 || v < 1)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED,
                       "%s reports no frequency or core voltage to start from",
                       hf_miner_get_address (miner));
          return NULL;
        }
      tune->orig_frequency = (guint) lround (r->frequency_mhz);
      tune->orig_voltage = (guint) lround (v);
      tune->applied_frequency = tune->orig_frequency;
      tune->applied_voltage = tune->orig_voltage;
    }
  prune_finished (self);
  g_list_store_append (self->tunes, tune);
  /* The tunes cut short are not known yet: one of them may be this
   * miner's, whose settings now are not its own. */
  if (self->restoring)
    tune->waiting = TRUE;
  else
    kick_off (tune);
  return tune;
}

void
hf_tuner_cancel (HfTuner *self,
                 HfTune  *tune)
{
  g_return_if_fail (HF_IS_TUNER (self));
  g_return_if_fail (HF_IS_TUNE (tune));

  if (tune->state != HF_TUNE_RUNNING || tune->cancelling || tune->phase == PHASE_FINISHING
      || tune->phase == PHASE_OVER)
    return;
  tune->cancelling = TRUE;
  if (tune->phase == PHASE_PREPARE)
    return;   /* options_cb or begun_cb ends it */
  if (tune->current != NULL)
    end_step (tune, HF_TUNE_STEP_FAILED, g_strdup ("cancelled"));
  restore_and_finish (tune, HF_TUNE_CANCELLED, g_strdup ("cancelled; the original settings "
                                                         "are back"));
}

GListModel *
hf_tuner_get_tunes (HfTuner *self)
{
  g_return_val_if_fail (HF_IS_TUNER (self), NULL);
  return G_LIST_MODEL (self->tunes);
}

HfTune *
hf_tuner_lookup (HfTuner *self,
                 gint64   id)
{
  guint n;

  g_return_val_if_fail (HF_IS_TUNER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->tunes));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfTune) tune = g_list_model_get_item (G_LIST_MODEL (self->tunes), i);

      if (tune->id == id && id != 0)
        return tune;
    }
  return NULL;
}

gboolean
hf_tuner_is_tuning (HfTuner *self,
                    HfMiner *miner)
{
  g_return_val_if_fail (HF_IS_TUNER (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  return running_tune (self, miner) != NULL || pending_for (self, miner) != NULL;
}

/* Tunes started while the tunes cut short were read: on their way now,
 * unless their miner's settings from before have to go back first. */
static void
kick_waiting (HfTuner *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tunes));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfTune) tune = g_list_model_get_item (G_LIST_MODEL (self->tunes), i);

      if (!tune->waiting)
        continue;
      tune->waiting = FALSE;
      if (pending_for (self, tune->miner) != NULL)
        finish (tune, HF_TUNE_FAILED, TRUE,
                g_strdup ("the settings from before a tune Hashfleet stopped in are being put "
                          "back first; try again once they are"));
      else
        kick_off (tune);
    }
}

static void
running_listed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfTuner *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) rows = hf_store_list_running_tunes_finish (HF_STORE (source), result,
                                                                  &error);

  self->restoring = FALSE;
  if (rows == NULL)
    {
      if (self->session != NULL)
        kick_waiting (self);
      g_task_return_error (task, error);
      return;
    }
  if (self->session == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      Pending *p = g_new0 (Pending, 1);
      HfFleet *fleet = hf_session_get_fleet (self->session);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (fleet));

      p->row = g_steal_pointer (&rows->pdata[i]);
      g_ptr_array_add (self->pending, p);
      g_debug ("tune %" G_GINT64_FORMAT " of %s was cut short: its original settings go back",
               p->row->id, p->row->address);
      /* A miner that answers now gets them at once; others on their next
       * reading (a stored fleet starts offline until polled). */
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(HfMiner) miner = g_list_model_get_item (G_LIST_MODEL (fleet), j);

          if (pending_matches (p, miner) && hf_miner_get_online (miner)
              && !hf_miner_get_restarting (miner))
            {
              pending_write (self, miner, p);
              break;
            }
        }
    }
  kick_waiting (self);
  g_task_return_boolean (task, TRUE);
}

void
hf_tuner_restore_async (HfTuner             *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HfStore *store;

  g_return_if_fail (HF_IS_TUNER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_tuner_restore_async);
  g_task_set_name (task, "hf_tuner_restore");
  store = self->session != NULL ? hf_session_get_store (self->session) : NULL;
  if (store == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* No tune starts before the ones cut short are known: it would keep
   * their settings as its original ones. */
  self->restoring = TRUE;
  hf_store_list_running_tunes_async (store, cancellable, running_listed_cb,
                                     g_steal_pointer (&task));
}

gboolean
hf_tuner_restore_finish (HfTuner       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
last_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfTuner *self = g_task_get_source_object (task);
  HfMiner *miner = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(HfStoreTune) row = hf_store_load_last_tune_finish (HF_STORE (source), result,
                                                               &error);
  g_autoptr(HfTune) tune = NULL;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (row == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  tune = g_object_new (HF_TYPE_TUNE, NULL);
  tune->tuner = g_object_ref (self);
  tune->from_store = TRUE;
  tune->miner = g_object_ref (miner);
  tune->id = row->id;
  tune->state = state_parse (row->state);
  tune->phase = PHASE_OVER;
  tune->message = g_strdup (row->message);
  tune->model = g_strdup (row->model);
  hf_tune_params_init (&tune->params);
  hf_tune_objective_parse (row->objective, &tune->params.objective,
                           &tune->params.target_watts, NULL);
  if (row->params != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, row->params, -1, NULL)
          && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *o = json_node_get_object (json_parser_get_root (parser));

          tune->params.max_chip_temp_c = json_object_get_double_member_with_default (
            o, "max_chip_temp_c", tune->params.max_chip_temp_c);
          tune->params.max_vr_temp_c = json_object_get_double_member_with_default (
            o, "max_vr_temp_c", tune->params.max_vr_temp_c);
          tune->params.max_power_w = json_object_get_double_member_with_default (
            o, "max_power_w", 0);
          tune->params.max_error_percent = json_object_get_double_member_with_default (
            o, "max_error_percent", tune->params.max_error_percent);
          tune->params.settle_s = (guint) CLAMP (json_object_get_int_member_with_default (
            o, "settle_s", tune->params.settle_s), 1, 3600);
          tune->params.samples = (guint) CLAMP (json_object_get_int_member_with_default (
            o, "samples", tune->params.samples), 1, 100);
          tune->params.allow_overclock = json_object_get_boolean_member_with_default (
            o, "overclock", FALSE);
        }
    }
  tune->orig_frequency = row->orig_frequency > 0 ? (guint) row->orig_frequency : 0;
  tune->orig_voltage = row->orig_voltage > 0 ? (guint) row->orig_voltage : 0;
  tune->orig_work_mode = row->orig_work_mode;
  for (guint i = 0; row->steps != NULL && i < row->steps->len; i++)
    {
      HfTuneStep *s = row->steps->pdata[i];

      g_ptr_array_add (tune->steps, hf_tune_step_copy (s));
      if (tune->state == HF_TUNE_DONE && tune->winner == NULL
          && (row->win_frequency < 0 || (int) s->frequency_mhz == row->win_frequency)
          && (row->win_voltage < 0 || (int) s->core_voltage_mv == row->win_voltage)
          && s->work_mode == row->win_work_mode && s->outcome == HF_TUNE_STEP_CLEAN)
        tune->winner = hf_tune_step_copy (s);
    }
  g_task_return_pointer (task, g_steal_pointer (&tune), g_object_unref);
}

void
hf_tuner_last_async (HfTuner             *self,
                     HfMiner             *miner,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HfStore *store;

  g_return_if_fail (HF_IS_TUNER (self));
  g_return_if_fail (HF_IS_MINER (miner));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_tuner_last_async);
  g_task_set_name (task, "hf_tuner_last");
  g_task_set_task_data (task, g_object_ref (miner), g_object_unref);
  store = self->session != NULL ? hf_session_get_store (self->session) : NULL;
  if (store == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  hf_store_load_last_tune_async (store, hf_miner_get_identity_key (miner),
                                 hf_miner_get_address (miner), cancellable, last_loaded_cb,
                                 g_steal_pointer (&task));
}

HfTune *
hf_tuner_last_finish (HfTuner       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hf_tuner_stop (HfTuner *self)
{
  guint n;

  g_return_if_fail (HF_IS_TUNER (self));

  if (self->tunes == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->tunes));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfTune) tune = g_list_model_get_item (G_LIST_MODEL (self->tunes), i);

      hf_tuner_cancel (self, tune);
    }
}

void
hf_tuner_stop_async (HfTuner             *self,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HF_IS_TUNER (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, hf_tuner_stop_async);
  hf_tuner_stop (self);
  if (self->writes == 0)
    g_task_return_boolean (task, TRUE);
  else
    g_ptr_array_add (self->idle_waiters, g_steal_pointer (&task));
}

gboolean
hf_tuner_stop_finish (HfTuner       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hf_tuner_set_clock (HfTuner      *self,
                    HfTunerClock  clock,
                    gpointer      user_data)
{
  g_return_if_fail (HF_IS_TUNER (self));

  self->clock = clock;
  self->clock_data = user_data;
}
