/* test-tuner.c — the guarded auto-tune against the simulator's physical model
 * SPDX-License-Identifier: MIT
 *
 * The simulator runs with static=true and thermal-tau=1, so a step's
 * readings are the model's steady state within a second or two, and the
 * best pair for each objective is known from --physics-table.  Miners on
 * 127.0.61.x, ports 18612/14612.
 */
#include <math.h>
#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>

#include "hf-api-server.h"
#include "hf-core.h"
#include "hf-json.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18612
#define CGMINER_PORT 14612

static const char *sim_config =
  "[fleet]\nhttp-port=18612\ncgminer-port=14612\nstatic=true\nthermal-tau=1\n"
  "restart-seconds=1\n"
  "[miner 127.0.61.2]\nprofile=gamma\n"
  "[miner 127.0.61.3]\nprofile=gamma\n"
  "[miner 127.0.61.4]\nprofile=gamma\n"
  "[miner 127.0.61.5]\nprofile=gamma\n"
  "[miner 127.0.61.6]\nprofile=gamma\n"
  "[miner 127.0.61.7]\nprofile=gamma\n"
  "[miner 127.0.61.8]\nprofile=gamma\n"
  "[miner 127.0.61.9]\nprofile=gamma\n"
  /* No defaults said, and an option no Gamma runs among the rest. */
  "[miner 127.0.61.10]\nprofile=gamma\nasic-json={\"ASICModel\":\"BM1370\",\"asicCount\":1,"
  "\"frequencyOptions\":[525,9000,400,525,490],\"voltageOptions\":[1000,1060,1100,1150,1200]}\n"
  /* Its options end below what it runs. */
  "[miner 127.0.61.11]\nprofile=gamma\nasic-json={\"ASICModel\":\"BM1370\",\"asicCount\":1,"
  "\"defaultFrequency\":425,\"defaultVoltage\":1100,\"frequencyOptions\":[400,425,450],"
  "\"voltageOptions\":[1000,1100]}\n"
  /* Takes a settings write with "ok" and keeps its own. */
  "[miner 127.0.61.12]\nprofile=gamma\nignore-writes=true\n";

/* ---- helpers ------------------------------------------------------------ */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  HfMiner  *miner;
  HfTune   *tune;
  GError   *error;
} Wait;

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->ok = hf_session_load_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->miner = hf_session_add_finish (HF_SESSION (source), result, NULL, &w->error);
  w->done = TRUE;
}

static void
polled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;
  g_autoptr(HfReading) r = hf_session_poll_finish (HF_SESSION (source), result, &w->error);

  w->ok = r != NULL;
  w->done = TRUE;
}

static void
shut_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->ok = hf_session_shutdown_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
last_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->tune = hf_tuner_last_finish (HF_TUNER (source), result, &w->error);
  w->done = TRUE;
}

static gboolean
flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static HfConfig *
config_new (void)
{
  HfConfig *config = hf_config_new ();

  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  return config;
}

static HfSession *
session_new (const char *db)
{
  g_autoptr(HfConfig) config = config_new ();
  HfSession *session = hf_session_new (db, config);
  Wait w = { 0 };

  hf_session_set_poll_interval (session, 1);
  hf_session_load_async (session, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  return session;
}

static HfMiner *
add (HfSession  *session,
     const char *ip)
{
  Wait w = { 0 };
  Wait p = { 0 };

  hf_session_add_async (session, ip, 0, 0, NULL, added_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  hf_session_poll_async (session, w.miner, NULL, polled_cb, &p);
  hf_test_wait_for (&p.done, 10000);
  g_assert_no_error (p.error);
  return w.miner;
}

static const HfReading *
poll_now (HfSession *session,
          HfMiner   *miner)
{
  Wait p = { 0 };

  hf_session_poll_async (session, miner, NULL, polled_cb, &p);
  hf_test_wait_for (&p.done, 10000);
  g_assert_no_error (p.error);
  return hf_miner_get_reading (miner);
}

static void
shutdown_session (HfSession *session)
{
  Wait w = { 0 };

  hf_session_shutdown_async (session, 20000, shut_cb, &w);
  hf_test_wait_for (&w.done, 30000);
}

static void
params (HfTuneParams    *p,
        HfTuneObjective  objective,
        double           watts,
        gboolean         overclock)
{
  hf_tune_params_init (p);
  p->objective = objective;
  p->target_watts = watts;
  p->settle_s = 2;
  p->samples = 2;
  p->allow_overclock = overclock;
}

static gboolean
tune_over (HfTune *tune)
{
  return hf_tune_get_state (tune) != HF_TUNE_RUNNING;
}

static gboolean
all_over_cb (gpointer user_data)
{
  GPtrArray *tunes = user_data;

  for (guint i = 0; i < tunes->len; i++)
    if (!tune_over (tunes->pdata[i]))
      return FALSE;
  return TRUE;
}

static void
wait_over (GPtrArray *tunes,
           guint      timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (!all_over_cb (tunes))
    {
      if (g_get_monotonic_time () > end)
        g_error ("tunes still running after %u s", timeout_s);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Readings past a limit, per step of each miner's tune. */
typedef struct
{
  HfTune     *tune;
  GHashTable *past;      /* step n → count */
} Watch;

static void
reading_cb (HfFleet   *fleet,
            HfMiner   *miner,
            HfReading *r,
            GPtrArray *watches)
{
  for (guint i = 0; i < watches->len; i++)
    {
      Watch *w = watches->pdata[i];
      const HfTuneParams *p = hf_tune_get_params (w->tune);
      const HfTuneStep *s = hf_tune_get_current (w->tune);
      gboolean past;

      if (hf_tune_get_miner (w->tune) != miner || s == NULL)
        continue;
      past = (hf_reading_known (r->chip_temp_c) && r->chip_temp_c > p->max_chip_temp_c)
             || (hf_reading_known (r->vr_temp_c) && r->vr_temp_c > p->max_vr_temp_c)
             || (p->max_power_w > 0 && hf_reading_known (r->power_w)
                 && r->power_w > p->max_power_w);
      if (past)
        {
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (w->past, GUINT_TO_POINTER (s->n)));

          g_hash_table_insert (w->past, GUINT_TO_POINTER (s->n), GUINT_TO_POINTER (n + 1));
        }
    }
}

/* The model's steady state of every option pair of @ip. */
static GPtrArray *
physics_table (const char *ip)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "hf-test-tuner-sim.ini", NULL);
  const char *sim = g_getenv ("HF_SIM");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  int status = 0;

  g_assert_nonnull (sim);
  g_assert_true (g_file_set_contents (path, sim_config, -1, &error));
  {
    const char *argv[] = { sim, "--config", path, "--physics-table", ip, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 NULL, &status, &error));
  }
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] == '{')
      {
        JsonObject *o = hf_json_parse_object (lines[i], strlen (lines[i]), &error);

        g_assert_no_error (error);
        g_ptr_array_add (rows, o);
      }
  g_assert_cmpuint (rows->len, >, 10);
  return rows;
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_objective_parse (void)
{
  static const char *bad[] = {
    "", "Efficiency", "watts", "watts:", "watts:0", "watts:-5", "watts:1e3", "watts:10001",
    "watts:nan", "watts:inf", "watts:0x10", "watts:1.2.3", "watts: 5", "hashrate ", NULL,
  };
  HfTuneObjective o;
  double w;
  g_autofree char *text = NULL;

  g_assert_true (hf_tune_objective_parse ("efficiency", &o, &w, NULL));
  g_assert_cmpint (o, ==, HF_TUNE_EFFICIENCY);
  g_assert_true (hf_tune_objective_parse ("hashrate", &o, &w, NULL));
  g_assert_cmpint (o, ==, HF_TUNE_HASHRATE);
  g_assert_true (hf_tune_objective_parse ("watts:17.5", &o, &w, NULL));
  g_assert_cmpint (o, ==, HF_TUNE_WATTS);
  g_assert_cmpfloat (w, ==, 17.5);
  text = hf_tune_objective_to_string (o, w);
  g_assert_cmpstr (text, ==, "watts:17.5");
  g_assert_true (hf_tune_objective_parse ("watts:10000", &o, &w, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (hf_tune_objective_parse (bad[i], &o, &w, &error));
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
    }
}

static void
test_params_json (void)
{
  static const char *bad[] = {
    "{\"settle\":0}", "{\"settle\":3601}", "{\"settle\":2.5}", "{\"samples\":101}",
    "{\"max_temp\":29}", "{\"max_temp\":111}", "{\"max_temp\":\"60\"}", "{\"max_power\":0}",
    "{\"max_power\":10001}", "{\"max_errors\":-1}", "{\"overclock\":1}", "{\"objective\":5}",
    "{\"objective\":\"fast\"}", "{\"pad\":1}", "{\"max_vr_temp\":null}",
  };
  HfTuneParams p;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) o = hf_json_parse_object (bad[i], strlen (bad[i]), NULL);

      g_assert_nonnull (o);
      if (hf_tune_params_from_json (o, &p, &error))
        g_error ("%s taken", bad[i]);
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
    }
  {
    const char *good = "{\"objective\":\"watts:20\",\"max_temp\":70,\"max_vr_temp\":90,"
                       "\"max_power\":25.5,\"max_errors\":2,\"settle\":30,\"samples\":3,"
                       "\"overclock\":true}";
    g_autoptr(JsonObject) o = hf_json_parse_object (good, strlen (good), NULL);

    g_assert_true (hf_tune_params_from_json (o, &p, NULL));
    g_assert_cmpint (p.objective, ==, HF_TUNE_WATTS);
    g_assert_cmpfloat (p.target_watts, ==, 20);
    g_assert_cmpfloat (p.max_chip_temp_c, ==, 70);
    g_assert_cmpfloat (p.max_power_w, ==, 25.5);
    g_assert_cmpuint (p.settle_s, ==, 30);
    g_assert_cmpuint (p.samples, ==, 3);
    g_assert_true (p.allow_overclock);
  }
}

typedef struct
{
  const char      *ip;
  HfTuneObjective  objective;
  double           watts;
  gboolean         overclock;
} Case;

/* The best pair the model has for @c within the limits of @p. */
static double
best_of (GPtrArray          *table,
         const Case         *c,
         const HfTuneParams *p,
         const HfMinerOptions *options)
{
  double best = c->objective == HF_TUNE_EFFICIENCY ? INFINITY : 0;

  for (guint i = 0; i < table->len; i++)
    {
      JsonObject *o = table->pdata[i];
      double f = json_object_get_double_member (o, "frequency");
      double v = json_object_get_double_member (o, "voltage");
      double h = json_object_get_double_member (o, "hashrate_ghs");
      double w = json_object_get_double_member (o, "power_w");

      if (!c->overclock && (f > options->default_frequency || v > options->default_voltage))
        continue;
      if (json_object_get_double_member (o, "chip_temp_c") > p->max_chip_temp_c
          || json_object_get_double_member (o, "vr_temp_c") > p->max_vr_temp_c
          || json_object_get_double_member (o, "error_percent") > p->max_error_percent)
        continue;
      if (c->objective == HF_TUNE_WATTS && w > c->watts)
        continue;
      if (c->objective == HF_TUNE_EFFICIENCY)
        best = MIN (best, w / (h / 1000.0));
      else
        best = MAX (best, h);
    }
  return best;
}

static void
options_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HfMinerOptions **out = user_data;

  *out = hf_session_options_finish (HF_SESSION (source), result, NULL);
  g_assert_nonnull (*out);
}

static void
test_objectives (void)
{
  static const Case cases[] = {
    { "127.0.61.2", HF_TUNE_EFFICIENCY, 0, FALSE },
    { "127.0.61.3", HF_TUNE_HASHRATE, 0, TRUE },
    { "127.0.61.4", HF_TUNE_WATTS, 17, TRUE },
  };
  g_autofree char *dir = g_dir_make_tmp ("hf-test-tuner-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  HfTestSim *sim = hf_test_sim_start_for (sim_config, 400);
  g_autoptr(HfSession) session = session_new (db);
  g_autoptr(GPtrArray) tunes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) watches = g_ptr_array_new ();
  g_autoptr(GPtrArray) table = physics_table ("127.0.61.2");
  HfTuner *tuner = hf_session_get_tuner (session);
  HfMinerOptions *options = NULL;
  gint64 started = g_get_monotonic_time ();
  gulong handler;

  handler = g_signal_connect (hf_session_get_fleet (session), "reading", G_CALLBACK (reading_cb),
                              watches);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HfMiner *miner = add (session, cases[i].ip);
      HfTuneParams p;
      g_autoptr(GError) error = NULL;
      HfTune *tune;
      Watch *w = g_new0 (Watch, 1);

      if (options == NULL)
        {
          hf_session_options_async (session, miner, NULL, options_cb, &options);
          while (options == NULL)
            g_main_context_iteration (NULL, TRUE);
        }
      params (&p, cases[i].objective, cases[i].watts, cases[i].overclock);
      tune = hf_tuner_start (tuner, miner, &p, &error);
      g_assert_no_error (error);
      g_assert_true (hf_tuner_is_tuning (tuner, miner));
      /* One tune per miner. */
      {
        g_autoptr(GError) again = NULL;

        g_assert_null (hf_tuner_start (tuner, miner, &p, &again));
        g_assert_error (again, G_IO_ERROR, G_IO_ERROR_PENDING);
      }
      g_ptr_array_add (tunes, g_object_ref (tune));
      w->tune = tune;
      w->past = g_hash_table_new (NULL, NULL);
      g_ptr_array_add (watches, w);
    }
  wait_over (tunes, 360);
  g_test_message ("three tunes side by side took %.0f s",
                  (g_get_monotonic_time () - started) / 1e6);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HfTune *tune = tunes->pdata[i];
      Watch *w = watches->pdata[i];
      const HfTuneStep *win = hf_tune_get_winner (tune);
      double best = best_of (table, &cases[i], hf_tune_get_params (tune), options);
      GHashTableIter iter;
      gpointer n, count;
      const char *patch;
      g_autofree char *want = NULL;

      g_assert_cmpint (hf_tune_get_state (tune), ==, HF_TUNE_DONE);
      g_assert_nonnull (win);
      g_assert_cmpint (win->outcome, ==, HF_TUNE_STEP_CLEAN);
      if (cases[i].objective == HF_TUNE_EFFICIENCY)
        {
          g_test_message ("%s efficiency: winner %.3f J/TH, best %.3f", cases[i].ip,
                          win->efficiency_jth, best);
          g_assert_cmpfloat (win->efficiency_jth, <=, best * 1.03);
          /* Never above the defaults without the confirmation. */
          for (guint s = 0; s < hf_tune_get_steps (tune)->len; s++)
            {
              const HfTuneStep *step = hf_tune_get_steps (tune)->pdata[s];

              g_assert_cmpuint (step->frequency_mhz, <=, options->default_frequency);
              g_assert_cmpuint (step->core_voltage_mv, <=, options->default_voltage);
            }
        }
      else
        {
          g_test_message ("%s %s: winner %.1f GH/s (%.2f W), best %.1f", cases[i].ip,
                          cases[i].objective == HF_TUNE_WATTS ? "watts:17" : "hashrate",
                          win->hashrate_ghs, win->power_w, best);
          g_assert_cmpfloat (win->hashrate_ghs, >=, best * 0.97);
          if (cases[i].objective == HF_TUNE_WATTS)
            g_assert_cmpfloat (win->power_w, <=, cases[i].watts);
        }
      /* No step saw more than one reading past a limit. */
      g_hash_table_iter_init (&iter, w->past);
      while (g_hash_table_iter_next (&iter, &n, &count))
        if (GPOINTER_TO_UINT (count) > 1)
          g_error ("%s step %u: %u readings past a limit", cases[i].ip, GPOINTER_TO_UINT (n),
                   GPOINTER_TO_UINT (count));
      /* The winner is what the miner runs. */
      patch = hf_test_sim_last_event (sim, "patch", cases[i].ip);
      g_assert_nonnull (patch);
      want = g_strdup_printf ("\\\"frequency\\\":%u,\\\"coreVoltage\\\":%u", win->frequency_mhz,
                              win->core_voltage_mv);
      if (strstr (patch, want) == NULL)
        g_error ("%s: last write %s, winner %s", cases[i].ip, patch, want);
      g_assert_false (hf_tuner_is_tuning (tuner, hf_tune_get_miner (tune)));
    }
  /* The hashrate sweep ran into the chip limit (600 MHz at 1200 mV). */
  {
    GPtrArray *steps = hf_tune_get_steps (tunes->pdata[1]);
    const HfTuneStep *last = steps->pdata[steps->len - 1];

    g_assert_cmpint (last->outcome, ==, HF_TUNE_STEP_LIMIT);
    g_assert_nonnull (strstr (last->why, "chip"));
  }

  /* Kept in the store: every step and the winner, per miner. */
  hf_test_flush_store (NULL, hf_session_get_store (session));
  {
    Wait w = { 0 };
    HfTune *first = tunes->pdata[0];

    hf_tuner_last_async (tuner, hf_tune_get_miner (first), NULL, last_cb, &w);
    hf_test_wait_for (&w.done, 10000);
    g_assert_no_error (w.error);
    g_assert_nonnull (w.tune);
    g_assert_cmpint (hf_tune_get_id (w.tune), ==, hf_tune_get_id (first));
    g_assert_cmpint (hf_tune_get_state (w.tune), ==, HF_TUNE_DONE);
    g_assert_cmpuint (hf_tune_get_steps (w.tune)->len, ==, hf_tune_get_steps (first)->len);
    g_assert_nonnull (hf_tune_get_winner (w.tune));
    g_assert_cmpuint (hf_tune_get_winner (w.tune)->frequency_mhz, ==,
                      hf_tune_get_winner (first)->frequency_mhz);
    g_clear_object (&w.tune);
  }

  g_signal_handler_disconnect (hf_session_get_fleet (session), handler);
  for (guint i = 0; i < watches->len; i++)
    {
      Watch *w = watches->pdata[i];

      g_hash_table_unref (w->past);
      g_free (w);
    }
  hf_miner_options_free (options);
  shutdown_session (session);
  hf_test_sim_stop (sim);
}

/* Cancel as step @n starts, or (@mid) while it settles. */
typedef struct
{
  HfTuner *tuner;
  guint    n;
  gboolean mid;
  guint    timer;
  HfTune  *tune;
} Canceller;

static gboolean
cancel_later_cb (gpointer user_data)
{
  Canceller *c = user_data;

  c->timer = 0;
  hf_tuner_cancel (c->tuner, c->tune);
  return G_SOURCE_REMOVE;
}

static void
step_started_cb (HfTune           *tune,
                 const HfTuneStep *step,
                 Canceller        *c)
{
  if (step->n != c->n)
    return;
  c->tune = tune;
  if (c->mid)
    c->timer = g_timeout_add (4500, cancel_later_cb, c);
  else
    hf_tuner_cancel (c->tuner, tune);
}

static void
test_cancel (void)
{
  static const struct { const char *ip; guint n; gboolean mid; } cases[] = {
    { "127.0.61.5", 1, FALSE }, { "127.0.61.6", 2, TRUE }, { "127.0.61.7", 3, FALSE },
  };
  g_autofree char *dir = g_dir_make_tmp ("hf-test-tuner-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  HfTestSim *sim = hf_test_sim_start_for (sim_config, 300);
  g_autoptr(HfSession) session = session_new (db);
  g_autoptr(GPtrArray) tunes = g_ptr_array_new_with_free_func (g_object_unref);
  Canceller cancellers[G_N_ELEMENTS (cases)] = { 0 };
  HfTuner *tuner = hf_session_get_tuner (session);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HfMiner *miner = add (session, cases[i].ip);
      HfTuneParams p;
      g_autoptr(GError) error = NULL;
      HfTune *tune;

      params (&p, HF_TUNE_EFFICIENCY, 0, FALSE);
      tune = hf_tuner_start (tuner, miner, &p, &error);
      g_assert_no_error (error);
      cancellers[i].tuner = tuner;
      cancellers[i].n = cases[i].n;
      cancellers[i].mid = cases[i].mid;
      g_signal_connect (tune, "step-started", G_CALLBACK (step_started_cb), &cancellers[i]);
      g_ptr_array_add (tunes, g_object_ref (tune));
    }
  wait_over (tunes, 240);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HfTune *tune = tunes->pdata[i];
      guint f = 0, v = 0;
      const HfReading *r;

      g_signal_handlers_disconnect_by_data (tune, &cancellers[i]);
      g_assert_cmpint (hf_tune_get_state (tune), ==, HF_TUNE_CANCELLED);
      g_assert_null (hf_tune_get_winner (tune));
      hf_tune_get_original (tune, &f, &v, NULL);
      g_assert_cmpuint (f, >, 0);
      /* The miner runs its settings from before, and says so. */
      r = poll_now (session, hf_tune_get_miner (tune));
      g_assert_cmpfloat (r->frequency_mhz, ==, f);
      g_assert_cmpfloat (r->core_voltage_set_mv, ==, v);
      if (cases[i].n > 1)
        {
          g_autofree char *want = g_strdup_printf ("\\\"frequency\\\":%u,\\\"coreVoltage\\\":%u",
                                                   f, v);
          const char *patch = hf_test_sim_last_event (sim, "patch", cases[i].ip);

          g_assert_nonnull (patch);
          g_assert_nonnull (strstr (patch, want));
        }
      g_assert_false (hf_tuner_is_tuning (tuner, hf_tune_get_miner (tune)));
    }
  shutdown_session (session);
  hf_test_sim_stop (sim);
}

/* A firmware that does not say its defaults and lists an absurd option:
 * without --overclock nothing above what the miner ran is written, and the
 * firmware is never told to overclock; one whose options end below what
 * the miner runs is not tuned at all (its settings could not go back). */
static void
test_hostile_options (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-tuner-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  HfTestSim *sim = hf_test_sim_start_for (sim_config, 300);
  g_autoptr(HfSession) session = session_new (db);
  g_autoptr(GPtrArray) tunes = g_ptr_array_new_with_free_func (g_object_unref);
  HfTuner *tuner = hf_session_get_tuner (session);
  HfMiner *odd = add (session, "127.0.61.10");
  HfMiner *low = add (session, "127.0.61.11");
  g_autoptr(GError) error = NULL;
  HfTuneParams p;
  HfTune *tune;
  GPtrArray *steps;
  const char *patch;

  params (&p, HF_TUNE_HASHRATE, 0, FALSE);
  p.settle_s = 1;
  p.samples = 1;
  tune = hf_tuner_start (tuner, odd, &p, &error);
  g_assert_no_error (error);
  g_ptr_array_add (tunes, g_object_ref (tune));
  tune = hf_tuner_start (tuner, low, &p, &error);
  g_assert_no_error (error);
  g_ptr_array_add (tunes, g_object_ref (tune));
  wait_over (tunes, 240);

  tune = tunes->pdata[0];
  steps = hf_tune_get_steps (tune);
  g_assert_cmpuint (steps->len, >=, 2);
  for (guint i = 0; i < steps->len; i++)
    {
      const HfTuneStep *s = steps->pdata[i];

      g_assert_cmpuint (s->frequency_mhz, <=, 525);
      g_assert_cmpuint (s->core_voltage_mv, <=, 1150);
    }
  g_assert_cmpint (hf_tune_get_state (tune), ==, HF_TUNE_DONE);
  g_assert_cmpuint (hf_tune_get_winner (tune)->frequency_mhz, ==, 525);
  patch = hf_test_sim_last_event (sim, "patch", "127.0.61.10");
  g_assert_nonnull (patch);
  g_assert_null (strstr (patch, "9000"));
  g_assert_null (strstr (patch, "overclockEnabled\\\":1"));

  tune = tunes->pdata[1];
  g_assert_cmpint (hf_tune_get_state (tune), ==, HF_TUNE_FAILED);
  g_assert_nonnull (strstr (hf_tune_get_message (tune), "above the model's highest options"));
  g_assert_cmpuint (hf_tune_get_steps (tune)->len, ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", "127.0.61.11", 0, 0), ==, 0);
  shutdown_session (session);
  hf_test_sim_stop (sim);
}

/* A tune cut short whose miner does not take its settings back: tried
 * again after a minute (then 2, 4 …), not at every reading — each try is a
 * restart of the miner. */
static void
test_restore_backoff (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-tuner-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  HfTestSim *sim = hf_test_sim_start_for (sim_config, 300);
  g_autoptr(HfSession) session = session_new (db);
  HfMiner *miner = add (session, "127.0.61.12");
  g_autoptr(HfStoreTune) row = hf_store_tune_new ();
  g_autoptr(GError) error = NULL;
  guint patches;
  gint64 end;

  row->started = g_get_real_time () / G_USEC_PER_SEC;
  row->state = g_strdup ("running");
  row->objective = g_strdup ("efficiency");
  row->params = g_strdup ("{}");
  row->orig_frequency = 490;
  row->orig_voltage = 1060;
  row->orig_work_mode = -1;
  g_assert_cmpint (hf_store_begin_tune (hf_session_get_store (session), miner, row, &error), >,
                   0);
  g_assert_no_error (error);
  shutdown_session (session);
  g_clear_object (&session);

  patches = hf_test_sim_events (sim, "patch", "127.0.61.12", 0, 0);
  session = session_new (db);
  hf_session_start (session);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", "127.0.61.12", patches + 1, 15000), ==,
                    patches + 1);
  /* Its restart and check, then 20 s of readings every second. */
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", "127.0.61.12", 0, 0), ==, patches + 1);
  shutdown_session (session);
  hf_test_sim_stop (sim);
}

static void
test_kill (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-tuner-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  HfTestSim *sim = hf_test_sim_start_for (sim_config, 300);
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfSession) session = NULL;
  g_autofree char *http = g_strdup_printf ("%u", HTTP_PORT);
  g_autofree char *cgminer = g_strdup_printf ("%u", CGMINER_PORT);
  const char *ip = "127.0.61.8";
  guint orig_f, orig_v;
  HfMiner *miner;
  gint64 end;

  /* What it runs before. */
  {
    g_autoptr(HfSession) probe = session_new (NULL);
    const HfReading *r = hf_miner_get_reading (add (probe, ip));

    orig_f = (guint) r->frequency_mhz;
    orig_v = (guint) r->core_voltage_set_mv;
    shutdown_session (probe);
  }
  cli = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                          &error, g_getenv ("HF_CLI"), "tune", ip, "--db", db, "--http-port",
                          http, "--cgminer-port", cgminer, "--settle", "2", "--samples", "2",
                          NULL);
  g_assert_no_error (error);
  /* Mid-tune: its second step written. */
  hf_test_sim_events (sim, "patch", ip, 2, 60000);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", ip, 2, 0), >=, 2);
  g_subprocess_send_signal (cli, SIGKILL);
  g_subprocess_wait (cli, NULL, NULL);
  {
    const char *patch = hf_test_sim_last_event (sim, "patch", ip);
    g_autofree char *orig = g_strdup_printf ("\\\"frequency\\\":%u,\\\"coreVoltage\\\":%u",
                                             orig_f, orig_v);

    /* Killed on other settings than its own. */
    g_assert_null (strstr (patch, orig));
  }

  /* The next start on the same store puts them back once the miner answers
   * (it may be restarting from the killed tune's last write). */
  run_for (4000);
  session = session_new (db);
  miner = add (session, ip);
  /* Once the store said which tune was cut short. */
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!hf_tuner_is_tuning (hf_session_get_tuner (session), miner))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (hf_tuner_is_tuning (hf_session_get_tuner (session), miner))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
  {
    const HfReading *r = poll_now (session, miner);
    Wait w = { 0 };

    g_assert_cmpfloat (r->frequency_mhz, ==, orig_f);
    g_assert_cmpfloat (r->core_voltage_set_mv, ==, orig_v);
    hf_test_flush_store (NULL, hf_session_get_store (session));
    /* Marked: the tune is over, cut short. */
    hf_tuner_last_async (hf_session_get_tuner (session), miner, NULL, last_cb, &w);
    hf_test_wait_for (&w.done, 10000);
    g_assert_no_error (w.error);
    g_assert_nonnull (w.tune);
    g_assert_cmpint (hf_tune_get_state (w.tune), ==, HF_TUNE_FAILED);
    g_assert_nonnull (strstr (hf_tune_get_message (w.tune), "put back"));
    g_assert_cmpuint (hf_tune_get_steps (w.tune)->len, >=, 1);
    g_clear_object (&w.tune);
  }
  shutdown_session (session);
  hf_test_sim_stop (sim);
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
  guint     status;
} Answer;

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Answer *a = user_data;
  g_autoptr(GError) error = NULL;

  a->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  a->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source),
                                                                              result));
  a->done = TRUE;
}

static JsonObject *
request (SoupSession *client,
         guint16      port,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body,
         guint       *status)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  Answer a = { 0 };
  JsonObject *o;

  if (token != NULL)
    {
      g_autofree char *header = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    header);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (client, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &a);
  hf_test_wait_for (&a.done, 15000);
  *status = a.status;
  o = hf_json_parse_object (g_bytes_get_data (a.body, NULL), g_bytes_get_size (a.body), NULL);
  g_bytes_unref (a.body);
  g_assert_nonnull (o);
  return o;
}

static void
test_api (void)
{
  HfTestSim *sim = hf_test_sim_start_for (sim_config, 300);
  g_autoptr(SoupSession) client = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(HfApiServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-test-tuner-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autoptr(HfSession) session = session_new (db);
  const char *token = "tune-test-token-0123456789";
  const char *path = "/api/miner/127.0.61.9/tune";
  g_autofree char *get = NULL;
  gint64 id;
  guint status;
  guint16 port;
  gint64 end;

  add (session, "127.0.61.9");
  server = hf_api_server_new (session);
  hf_api_server_set_token (server, token);
  g_assert_true (hf_api_server_listen (server, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  port = hf_api_server_get_port (server);

  {
    g_autoptr(JsonObject) o = request (client, port, "POST", path, NULL, "{}", &status);

    g_assert_cmpuint (status, ==, 401);
  }
  {
    g_autoptr(JsonObject) o = request (client, port, "POST", path, token, "{\"settle\":0}",
                                       &status);

    g_assert_cmpuint (status, ==, 400);
  }
  {
    g_autoptr(JsonObject) o = request (client, port, "POST", "/api/miner/127.0.61.99/tune",
                                       token, "{}", &status);

    g_assert_cmpuint (status, ==, 404);
  }
  {
    g_autoptr(JsonObject) o = request (client, port, "POST", path, token,
                                       "{\"objective\":\"efficiency\",\"settle\":2,"
                                       "\"samples\":2,\"max_temp\":65}", &status);

    g_assert_cmpuint (status, ==, 202);
    id = json_object_get_int_member (o, "id");
    g_assert_cmpint (id, >, 0);
  }
  {
    g_autoptr(JsonObject) o = request (client, port, "POST", path, token, "{}", &status);

    g_assert_cmpuint (status, ==, 409);
  }
  get = g_strdup_printf ("/api/tune/%" G_GINT64_FORMAT, id);
  {
    g_autoptr(JsonObject) o = request (client, port, "GET", get, token, NULL, &status);

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "running");
    g_assert_cmpstr (json_object_get_string_member (o, "ip"), ==, "127.0.61.9");
    g_assert_true (json_object_has_member (o, "progress"));
  }
  {
    g_autoptr(JsonObject) o = request (client, port, "GET", "/api/tune/99999", token, NULL,
                                       &status);

    g_assert_cmpuint (status, ==, 404);
  }
  {
    g_autoptr(JsonObject) o = request (client, port, "GET", "/api/tune/x1", token, NULL, &status);

    g_assert_cmpuint (status, ==, 400);
  }
  end = g_get_monotonic_time () + 200 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(JsonObject) o = request (client, port, "GET", get, token, NULL, &status);
      JsonObject *progress = json_object_get_object_member (o, "progress");

      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpint (json_object_get_int_member (progress, "done"), <=,
                       json_object_get_int_member (progress, "total"));
      if (!g_str_equal (json_object_get_string_member (o, "state"), "running"))
        {
          JsonObject *winner = json_object_get_object_member (o, "winner");

          g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "done");
          g_assert_nonnull (winner);
          g_assert_cmpstr (json_object_get_string_member (winner, "outcome"), ==, "clean");
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "steps")),
                            >=, 2);
          break;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      run_for (1000);
    }
  g_clear_object (&server);
  shutdown_session (session);
  hf_test_sim_stop (sim);
}

static void
test_cli (void)
{
  HfTestSim *sim = hf_test_sim_start_for (sim_config, 300);
  g_autofree char *dir = g_dir_make_tmp ("hf-test-tuner-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autofree char *http = g_strdup_printf ("%u", HTTP_PORT);
  g_autofree char *cgminer = g_strdup_printf ("%u", CGMINER_PORT);
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;
  int status;

  {
    const char *args[] = { "tune", "127.0.61.2", "--settle", "0", NULL };
    g_autofree char *o = NULL, *e = NULL;

    g_assert_cmpint (hf_test_run_cli (args, &o, &e), ==, 2);
    g_assert_nonnull (strstr (e, "--settle"));
  }
  {
    const char *args[] = { "tune", "127.0.61.2", "--objective", "watts:-1", NULL };
    g_autofree char *o = NULL, *e = NULL;

    g_assert_cmpint (hf_test_run_cli (args, &o, &e), ==, 2);
  }
  {
    /* Nothing answers there: no winner, non-zero. */
    const char *args[] = { "tune", "127.0.61.250", "--db", db, "--http-port", http,
                           "--cgminer-port", cgminer, "--timeout", "500", NULL };
    g_autofree char *o = NULL, *e = NULL;

    g_assert_cmpint (hf_test_run_cli (args, &o, &e), ==, 1);
  }
  {
    const char *args[] = { "tune", "127.0.61.3", "--db", db, "--http-port", http,
                           "--cgminer-port", cgminer, "--settle", "1", "--samples", "1",
                           "--json", NULL };

    status = hf_test_run_cli (args, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) o = hf_json_parse_object (lines[i], strlen (lines[i]), NULL);

      g_assert_nonnull (o);
      g_assert_cmpstr (json_object_get_string_member (o, "ip"), ==, "127.0.61.3");
      if (lines[i + 1] != NULL)
        {
          g_assert_true (json_object_has_member (o, "step"));
          n++;
        }
      else
        {
          g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "done");
          g_assert_nonnull (json_object_get_object_member (o, "winner"));
        }
    }
  g_assert_cmpuint (n, >=, 2);
  /* The table: a header, a line per step, the winner last. */
  {
    const char *args[] = { "tune", "127.0.61.4", "--db", db, "--http-port", http,
                           "--cgminer-port", cgminer, "--settle", "1", "--samples", "1",
                           "--objective", "hashrate", NULL };
    g_autofree char *o = NULL, *e = NULL;
    g_auto(GStrv) rows = NULL;
    guint last;

    g_assert_cmpint (hf_test_run_cli (args, &o, &e), ==, 0);
    rows = g_strsplit (g_strstrip (o), "\n", -1);
    last = g_strv_length (rows) - 1;
    g_assert_true (g_str_has_prefix (rows[0], "ADDRESS"));
    g_assert_cmpuint (last, >=, 3);
    g_assert_nonnull (strstr (rows[last], "winner:"));
    g_assert_nonnull (strstr (rows[1], "clean") != NULL ? rows[1] : strstr (rows[1], "errors"));
  }
  hf_test_sim_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/tuner/objective-parse", test_objective_parse);
  g_test_add_func ("/tuner/params-json", test_params_json);
  g_test_add_func ("/tuner/objectives", test_objectives);
  g_test_add_func ("/tuner/cancel", test_cancel);
  g_test_add_func ("/tuner/hostile-options", test_hostile_options);
  g_test_add_func ("/tuner/restore-backoff", test_restore_backoff);
  g_test_add_func ("/tuner/kill", test_kill);
  g_test_add_func ("/tuner/api", test_api);
  g_test_add_func ("/tuner/cli", test_cli);

  return g_test_run ();
}
