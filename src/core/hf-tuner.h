/* hf-tuner.h — guarded auto-tune: the best settings a miner's chip can run
 * SPDX-License-Identifier: MIT
 *
 * A tune sweeps a miner's own options, one step at a time: for AxeOS and
 * NerdOS miners each frequency the model lists (never above its highest,
 * never above its default without allow_overclock) and, for each, the
 * lowest core voltage among the model's options that runs clean; for an
 * Avalon, its work modes.  A step is written through the session (the
 * same write and check as Settings), left to settle, then measured over a
 * number of readings.  Every reading of a step, settling ones too, is
 * held against the limits: one past a limit ends the step at once and
 * the tune steps back to the last clean settings.  The winner is the
 * clean step best for the objective; it is applied at the end and kept
 * in the store with every step, per miner and chip model.
 *
 * The miner's settings from before the tune are in the store from the
 * first write on: cancel and failure put them back at once, and a tune
 * still running when Hashfleet died puts them back at the next start
 * (hf_tuner_restore_async(), which the session calls once loaded).
 *
 * One tune per miner at a time; several miners tune side by side.  While
 * a miner tunes the scheduler, the power budget and the thermal guardian
 * leave it alone (hf_tuner_is_tuning()).
 */
#pragma once

#include <gio/gio.h>

#include "hf-miner.h"

G_BEGIN_DECLS

typedef struct _HfSession HfSession;
typedef struct _HfStore HfStore;

typedef enum
{
  HF_TUNE_EFFICIENCY,       /* lowest J/TH */
  HF_TUNE_HASHRATE,         /* most hashrate */
  HF_TUNE_WATTS,            /* most hashrate at or under target_watts */
} HfTuneObjective;

/* Defaults (hf_tune_params_init()). */
#define HF_TUNE_DEFAULT_SETTLE_S       120
#define HF_TUNE_DEFAULT_SAMPLES        5
#define HF_TUNE_DEFAULT_MAX_CHIP_C     65.0
#define HF_TUNE_DEFAULT_MAX_VR_C       80.0
#define HF_TUNE_DEFAULT_MAX_ERROR_PCT  1.0
/* A step runs clean when its hashrate is at least this share of what the
 * frequency should give (and its error rate within the limit). */
#define HF_TUNE_CLEAN_SHARE            0.95

typedef struct
{
  HfTuneObjective objective;
  double   target_watts;           /* HF_TUNE_WATTS */
  double   max_chip_temp_c;
  double   max_vr_temp_c;
  double   max_power_w;            /* 0: no power limit */
  double   max_error_percent;
  guint    settle_s;
  guint    samples;                /* readings measured after settling */
  gboolean allow_overclock;        /* the same confirmation as Settings */
} HfTuneParams;

void      hf_tune_params_init       (HfTuneParams       *params);
/* "efficiency", "hashrate", "watts:N" */
gboolean  hf_tune_objective_parse   (const char         *text,
                                     HfTuneObjective    *objective,
                                     double             *target_watts,
                                     GError            **error);
char     *hf_tune_objective_to_string (HfTuneObjective   objective,
                                       double            target_watts);

typedef enum
{
  HF_TUNE_STEP_CLEAN,       /* measured, within every limit */
  HF_TUNE_STEP_ERRORS,      /* too many errors / too little hashrate */
  HF_TUNE_STEP_LIMIT,       /* a reading passed a limit: stepped back */
  HF_TUNE_STEP_FAILED,      /* the write or a reading failed */
} HfTuneStepOutcome;

typedef struct
{
  guint    n;                      /* 1, 2, … */
  guint    frequency_mhz;          /* AxeOS; 0 for an Avalon */
  guint    core_voltage_mv;
  int      work_mode;              /* Avalon; -1 otherwise */
  /* Averages over the measured readings (NAN: not reported / none). */
  double   hashrate_ghs;
  double   expected_ghs;
  double   power_w;
  double   chip_temp_c;            /* the highest seen */
  double   vr_temp_c;              /* the highest seen */
  double   error_percent;
  double   efficiency_jth;
  HfTuneStepOutcome outcome;
  char    *why;                    /* for anything but CLEAN: which limit, what failed */
  gint64   time;                   /* unix seconds the step ended */
} HfTuneStep;

HfTuneStep *hf_tune_step_copy (const HfTuneStep *step);
void        hf_tune_step_free (HfTuneStep       *step);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfTuneStep, hf_tune_step_free)

typedef enum
{
  HF_TUNE_RUNNING,
  HF_TUNE_DONE,             /* a winner was applied */
  HF_TUNE_NO_WINNER,        /* no step ran clean: original settings back */
  HF_TUNE_CANCELLED,        /* original settings back */
  HF_TUNE_FAILED,           /* original settings back (or said why not) */
} HfTuneState;

/* One tune of one miner. */
#define HF_TYPE_TUNE (hf_tune_get_type ())
G_DECLARE_FINAL_TYPE (HfTune, hf_tune, HF, TUNE, GObject)

gint64              hf_tune_get_id        (HfTune *self);   /* the store's; 0 until saved */
HfMiner            *hf_tune_get_miner     (HfTune *self);
const HfTuneParams *hf_tune_get_params    (HfTune *self);
HfTuneState         hf_tune_get_state     (HfTune *self);
/* The steps so far (HfTuneStep*, in order; the tune's own). */
GPtrArray          *hf_tune_get_steps     (HfTune *self);
/* The step being tried now, or NULL (between steps, or finished). */
const HfTuneStep   *hf_tune_get_current   (HfTune *self);
/* The winner once finished, else NULL. */
const HfTuneStep   *hf_tune_get_winner    (HfTune *self);
/* Steps done and the most there can be (for a progress bar). */
void                hf_tune_get_progress  (HfTune *self,
                                           guint  *done,
                                           guint  *total);
/* What went wrong, for FAILED (and why NO_WINNER). */
const char         *hf_tune_get_message   (HfTune *self);
/* The settings it started from. */
void                hf_tune_get_original  (HfTune *self,
                                           guint  *frequency_mhz,
                                           guint  *core_voltage_mv,
                                           int    *work_mode);
/* Signals: ::step-started, ::step-finished (HfTuneStep*), ::finished. */

#define HF_TYPE_TUNER (hf_tuner_get_type ())
G_DECLARE_FINAL_TYPE (HfTuner, hf_tuner, HF, TUNER, GObject)

/* The session makes its own (hf_session_get_tuner()). */
HfTuner    *hf_tuner_new              (HfSession          *session);

/* Start tuning @miner (AxeOS, NerdOS or Avalon).  Fails at once when it
 * already tunes, is offline, or its family cannot be tuned; the options
 * are read and the original settings saved before the first write. */
HfTune     *hf_tuner_start            (HfTuner            *self,
                                       HfMiner            *miner,
                                       const HfTuneParams *params,
                                       GError            **error);
/* Stop and put the original settings back (::finished says when). */
void        hf_tuner_cancel           (HfTuner            *self,
                                       HfTune             *tune);
/* Running and finished tunes of this session, newest last (HfTune). */
GListModel *hf_tuner_get_tunes        (HfTuner            *self);
HfTune     *hf_tuner_lookup           (HfTuner            *self,
                                       gint64              id);
gboolean    hf_tuner_is_tuning        (HfTuner            *self,
                                       HfMiner            *miner);

/* Put back the settings of tunes a previous run left running (the
 * session calls it once loaded; a miner offline then is restored when it
 * is back). */
void        hf_tuner_restore_async    (HfTuner            *self,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean    hf_tuner_restore_finish   (HfTuner            *self,
                                       GAsyncResult       *result,
                                       GError            **error);

/* The last finished tune of @miner kept in the store (steps and winner),
 * for "start from it" and for Details: an HfTune not running, or NULL. */
void        hf_tuner_last_async       (HfTuner            *self,
                                       HfMiner            *miner,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
HfTune     *hf_tuner_last_finish      (HfTuner            *self,
                                       GAsyncResult       *result,
                                       GError            **error);

/* Stop every tune, putting original settings back (at shutdown). */
void        hf_tuner_stop             (HfTuner            *self);
/* The same, finishing once every write of original settings or a winner
 * in flight is over (the session's shutdown waits for it). */
void        hf_tuner_stop_async       (HfTuner            *self,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean    hf_tuner_stop_finish      (HfTuner            *self,
                                       GAsyncResult       *result,
                                       GError            **error);

/* Tests drive time: wall-clock µs (default g_get_real_time). */
typedef gint64 (*HfTunerClock) (gpointer user_data);
void        hf_tuner_set_clock        (HfTuner            *self,
                                       HfTunerClock        clock,
                                       gpointer            user_data);

G_END_DECLS
