/* test-vnish-e2e.c — the VNish driver against the simulator's vnish miners
 * SPDX-License-Identifier: MIT
 *
 * Identify (the cgminer `version` that names VNish, then /api/v1/info),
 * every reading field, restart, pause/resume, find-miner, a preset and a
 * power limit checked through the next reading, the login: a wrong
 * password, too many of them, a token the miner stops taking (one new
 * login, no more), and neither password nor token in Hashfleet's log.
 * The simulator runs with --static on 127.0.93.x.
 */
#include <math.h>
#include <string.h>

#include "hf-driver.h"
#include "hf-error.h"
#include "hf-identify.h"
#include "hf-test-utils.h"

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-6 * MAX (1.0, fabs ((double) (b))))

static const char fleet_config[] =
  "[fleet]\nhttp-port=18993\ncgminer-port=14993\nstatic=true\nrestart-seconds=1\n"
  "[miner 127.0.93.2]\nprofile=vnish\n"
  "[miner 127.0.93.3]\nprofile=vnish\nhr-measure=TH/s\nsummary-auth=true\ntoken-uses=2\n"
  "[miner 127.0.93.4]\nprofile=vnish\nweb-password=not-the-factory-one\nlockout=2\n"
  "[miner 127.0.93.5]\nprofile=vnish\nfailure=Failed to parse miner configuration\n"
  "[miner 127.0.93.6]\nprofile=vnish\npause-err=CGMiner err: failed-to-activate-pause-mode\n"
  "[miner 127.0.93.7]\nprofile=vnish\nfallback=true\n"
  "[miner 127.0.93.8]\nprofile=vnish\ntoken-length=900\n";

static HfTestSim *sim;
static HfConfig *config;
static GString *logged;           /* everything Hashfleet logged */
static GPtrArray *tokens;         /* every token the simulator gave */

typedef struct
{
  gboolean   done;
  gboolean   ok;
  GError    *error;
  HfMiner   *miner;
  HfReading *reading;
} Wait;

static GLogWriterOutput
writer_cb (GLogLevelFlags   level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].value != NULL)
      {
        if (fields[i].length < 0)
          g_string_append (logged, fields[i].value);
        else
          g_string_append_len (logged, fields[i].value, fields[i].length);
        g_string_append_c (logged, '\n');
      }
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
remember_token (const char *ip)
{
  const char *line = hf_test_sim_last_event (sim, "unlock", ip);
  const char *at = line ? strstr (line, "\"detail\":\"") : NULL;

  g_assert_nonnull (at);
  at += strlen ("\"detail\":\"");
  g_ptr_array_add (tokens, g_strndup (at, strcspn (at, "\"")));
}

static void
identified_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->miner = hf_identify_finish (result, &w->error);
  w->done = TRUE;
}

static void
bool_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = g_task_propagate_boolean (G_TASK (result), &w->error);
  w->done = TRUE;
}

static void
polled_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->reading = hf_driver_poll_finish (HF_DRIVER (source), result, &w->error);
  w->done = TRUE;
}

static HfMiner *
identify (const char *address)
{
  Wait w = { 0 };

  hf_identify_async (address, config, NULL, identified_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  g_assert_cmpint (hf_miner_get_family (w.miner), ==, HF_FAMILY_VNISH);
  return w.miner;
}

static HfReading *
poll_error (HfMiner  *miner,
            GError  **error)
{
  Wait w = { 0 };

  hf_driver_poll_async (hf_driver_for_family (HF_FAMILY_VNISH), miner, config, NULL, polled_cb,
                        &w);
  hf_test_wait_for (&w.done, 10000);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.reading;
}

static HfReading *
poll (HfMiner *miner)
{
  g_autoptr(GError) error = NULL;
  HfReading *r = poll_error (miner, &error);

  g_assert_no_error (error);
  return r;
}

static GError *
apply (HfMiner               *miner,
       const HfMinerSettings *st)
{
  Wait w = { 0 };

  hf_driver_apply_async (hf_driver_for_family (HF_FAMILY_VNISH), miner, st, config, NULL,
                         bool_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_true (w.ok == (w.error == NULL));
  return w.error;
}

static GError *
act (HfMiner       *miner,
     HfMinerAction  action)
{
  Wait w = { 0 };

  hf_driver_action_async (hf_driver_for_family (HF_FAMILY_VNISH), miner, action, config, NULL,
                          bool_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  return w.error;
}

static GError *
restart (HfMiner *miner)
{
  Wait w = { 0 };

  hf_driver_restart_async (hf_driver_for_family (HF_FAMILY_VNISH), miner, config, NULL, bool_cb,
                           &w);
  hf_test_wait_for (&w.done, 10000);
  return w.error;
}

static void
test_identify (void)
{
  g_autoptr(HfMiner) miner = identify ("127.0.93.2");

  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19j Pro");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "VNish 1.2.6");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "02:48:46:00:5D:02");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "vnish-1");
  g_assert_cmpstr (hf_miner_get_serial (miner), ==, "HF00005D020000");
  g_assert_cmpuint (hf_miner_get_http_port (miner), ==, 18993);
  g_assert_cmpuint (hf_driver_get_capabilities (hf_driver_for_family (HF_FAMILY_VNISH), miner), ==,
                    HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_PRESET
                    | HF_CAP_POWER_LIMIT);
}

static void
test_read (void)
{
  g_autoptr(HfMiner) miner = identify ("127.0.93.2");
  g_autoptr(HfReading) r = poll (miner);

  assert_near (r->hashrate_ghs, 104000);
  assert_near (r->hashrate_avg_ghs, 104000);
  assert_near (r->expected_hashrate_ghs, 104000);
  assert_near (r->chip_temp_c, 68);
  assert_near (r->board_temp_c, 60);
  assert_near (r->temperature_c, 68);
  assert_near (r->power_w, 3250);
  g_assert_false (r->power_estimated);
  assert_near (r->fan_rpm, 4920);
  assert_near (r->fan_percent, 60);
  g_assert_cmpint (r->fan_auto, ==, 1);
  assert_near (r->frequency_mhz, 500);        /* 495, 500, 505 */
  assert_near (r->core_voltage_mv, 13400);
  /* Booted an hour before the simulator started; the firmware says minutes. */
  g_assert_cmpfloat (r->uptime_s, >=, 3600);
  g_assert_cmpfloat (r->uptime_s, <, 3600 + 300);
  assert_near (fmod (r->uptime_s, 60), 0);
  assert_near (r->accepted, 1250);            /* the DevFee pool's 40 not counted */
  assert_near (r->rejected, 4);
  assert_near (r->hardware_errors, 37);
  assert_near (r->error_percent, 0.02);
  assert_near (r->best_difficulty, 123456789);
  assert_near (r->best_session_difficulty, 123456789);
  assert_near (r->found_blocks, 0);
  assert_near (r->pool_difficulty, 131000);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://btc.global.luxor.tech:700");
  g_assert_cmpstr (r->pool_user, ==, "hashfleet.worker");
  g_assert_false (r->fallback_pool);
  g_assert_false (r->paused);
  g_assert_null (r->fault);
  g_assert_cmpstr (r->preset, ==, "3250");
  assert_near (r->power_limit_w, 3250);
}

static void
test_read_states (void)
{
  g_autoptr(HfMiner) failed = identify ("127.0.93.5");
  g_autoptr(HfMiner) fallback = identify ("127.0.93.7");
  g_autoptr(HfReading) a = poll (failed);
  g_autoptr(HfReading) b = poll (fallback);

  g_assert_cmpstr (a->fault, ==, "Failed to parse miner configuration (failure 1002)");
  assert_near (a->hashrate_ghs, 0);
  g_assert_true (b->fallback_pool);
  g_assert_cmpstr (b->pool_url, ==, "stratum+tcp://stratum.braiins.com:3333");
}

/* TH/s units, a summary that needs a token, and a token that lasts two
 * requests: one new login per refusal, never a loop. */
static void
test_token (void)
{
  g_autoptr(HfMiner) miner = identify ("127.0.93.3");
  g_autoptr(HfReading) r = NULL;
  g_autoptr(HfReading) again = NULL;
  guint unauthorized;

  r = poll (miner);
  assert_near (r->hashrate_ghs, 104000);      /* 104.0 TH/s */
  assert_near (r->expected_hashrate_ghs, 104000);
  g_assert_cmpuint (hf_test_sim_events (sim, "unlock", "127.0.93.3", 1, 2000), ==, 1);
  remember_token ("127.0.93.3");
  unauthorized = hf_test_sim_events (sim, "unauthorized", "127.0.93.3", 1, 2000);
  g_assert_cmpuint (unauthorized, ==, 1);     /* the summary without a token */

  /* The token served summary and perf-summary: the next summary is
   * refused, and the driver logs in once more. */
  again = poll (miner);
  assert_near (again->hashrate_ghs, 104000);
  g_assert_cmpuint (hf_test_sim_events (sim, "token-expired", "127.0.93.3", 1, 2000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "unlock", "127.0.93.3", 2, 2000), ==, 2);
  remember_token ("127.0.93.3");
  g_assert_cmpuint (hf_test_sim_events (sim, "unauthorized", "127.0.93.3", 0, 0), ==,
                    unauthorized + 1);
}

static void
test_wrong_password (void)
{
  g_autoptr(HfMiner) miner = identify ("127.0.93.4");
  g_autoptr(GError) error = restart (miner);
  g_autoptr(GError) locked = NULL;
  g_autoptr(GError) still = NULL;

  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "wrong VNish password"));
  g_assert_nonnull (strstr (error->message, "127.0.93.4"));
  /* lockout=2: the second wrong one is refused as too many. */
  locked = act (miner, HF_ACTION_PAUSE);
  g_assert_error (locked, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (locked->message, "too many attempts, wait"));
  still = restart (miner);
  g_assert_nonnull (strstr (still->message, "too many attempts"));
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.93.4", 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.93.4", 0, 0), ==, 0);
  /* Each try sent one login, no more. */
  g_assert_cmpuint (hf_test_sim_events (sim, "unlock-refused", "127.0.93.4", 0, 0), ==, 2);
  g_assert_cmpuint (hf_test_sim_events (sim, "unlock-locked-out", "127.0.93.4", 0, 0), ==, 1);
}

static void
test_pause_identify (void)
{
  g_autoptr(HfMiner) miner = identify ("127.0.93.2");
  g_autoptr(HfMiner) stubborn = identify ("127.0.93.6");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refused = NULL;
  g_autoptr(HfReading) paused = NULL;
  g_autoptr(HfReading) resumed = NULL;

  error = act (miner, HF_ACTION_PAUSE);
  g_assert_no_error (error);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.93.2", 1, 2000), ==, 1);
  remember_token ("127.0.93.2");
  paused = poll (miner);
  g_assert_true (paused->paused);
  assert_near (paused->hashrate_ghs, 0);
  error = act (miner, HF_ACTION_RESUME);
  g_assert_no_error (error);
  resumed = poll (miner);
  g_assert_false (resumed->paused);
  assert_near (resumed->hashrate_ghs, 104000);
  error = act (miner, HF_ACTION_IDENTIFY);
  g_assert_no_error (error);
  g_assert_cmpuint (hf_test_sim_events (sim, "identify", "127.0.93.2", 1, 2000), ==, 1);
  /* One login served all three writes. */
  g_assert_cmpuint (hf_test_sim_events (sim, "unlock", "127.0.93.2", 0, 0), ==, 1);

  /* A 200 that says {"err": …} is a failure, with the firmware's words. */
  refused = act (stubborn, HF_ACTION_PAUSE);
  g_assert_error (refused, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_nonnull (strstr (refused->message, "failed-to-activate-pause-mode"));
  remember_token ("127.0.93.6");
}

static void
test_preset (void)
{
  g_autoptr(HfMiner) miner = identify ("127.0.93.2");
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(HfMinerSettings) bad = hf_miner_settings_new ();
  g_autoptr(HfMinerSettings) untuned = hf_miner_settings_new ();
  g_autoptr(HfMinerSettings) other = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) r = NULL;
  g_autofree char *wrong = NULL;
  guint settings_before = hf_test_sim_events (sim, "settings", "127.0.93.2", 0, 0);

  /* Refused before anything is sent, naming the tuned ones. */
  bad->preset = g_strdup ("9999");
  error = apply (miner, bad);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "2650, 2950, 3250"));
  g_clear_error (&error);
  untuned->preset = g_strdup ("3550");
  error = apply (miner, untuned);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not tuned"));
  g_clear_error (&error);
  other->frequency_mhz = 600;
  error = apply (miner, other);
  g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_cmpuint (hf_test_sim_events (sim, "settings", "127.0.93.2", 0, 0), ==, settings_before);

  st->preset = g_strdup ("2950");
  error = apply (miner, st);
  g_assert_no_error (error);
  g_assert_cmpuint (hf_test_sim_events (sim, "mining-restart", "127.0.93.2", 1, 2000), ==, 1);
  r = poll (miner);
  g_assert_cmpstr (r->preset, ==, "2950");
  assert_near (r->power_limit_w, 2950);
  wrong = hf_miner_settings_mismatch (st, r);
  g_assert_null (wrong);
}

static void
test_power_limit (void)
{
  g_autoptr(HfMiner) miner = identify ("127.0.93.7");
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(HfMinerSettings) low = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) r = NULL;
  g_autofree char *wrong = NULL;
  gsize logged_before = logged->len;

  /* Nothing tuned is this low. */
  low->power_limit_w = 2000;
  error = apply (miner, low);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "at most 2000 W"));
  g_clear_error (&error);

  /* 2700 W is no preset: refused unsent, naming the nearest below. */
  st->power_limit_w = 2700;
  error = apply (miner, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nearest below is 2650 W"));
  g_assert_null (hf_test_sim_last_event (sim, "settings", "127.0.93.7"));
  g_clear_error (&error);

  /* 2650 W is a tuned preset: applied, and the next reading shows it. */
  st->power_limit_w = 2650;
  error = apply (miner, st);
  g_assert_no_error (error);
  remember_token ("127.0.93.7");
  g_assert_nonnull (strstr (hf_test_sim_last_event (sim, "settings", "127.0.93.7"), "2650"));
  g_assert_nonnull (strstr (logged->str + logged_before, "VNish preset 2650"));
  r = poll (miner);
  g_assert_cmpstr (r->preset, ==, "2650");
  assert_near (r->power_limit_w, 2650);
  wrong = hf_miner_settings_mismatch (st, r);
  g_assert_null (wrong);

  /* 3550 W is listed but untuned: refused. */
  st->power_limit_w = 3550;
  error = apply (miner, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  st->power_limit_w = 3250;
  error = apply (miner, st);
  g_assert_no_error (error);
  g_clear_pointer (&r, hf_reading_free);
  r = poll (miner);
  g_assert_cmpstr (r->preset, ==, "3250");
}

static void
test_restart (void)
{
  g_autoptr(HfMiner) miner = identify ("127.0.93.2");
  g_autoptr(GError) error = restart (miner);
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  guint unlocks = hf_test_sim_events (sim, "unlock", "127.0.93.2", 0, 0);
  g_autoptr(GError) later = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.93.2", 1, 2000), ==, 1);
  /* Back after a second, without the token: a write logs in again. */
  g_usleep (1500 * 1000);
  later = act (miner, HF_ACTION_IDENTIFY);
  g_assert_no_error (later);
  g_assert_cmpuint (hf_test_sim_events (sim, "unlock", "127.0.93.2", unlocks + 1, 2000), ==,
                    unlocks + 1);
  remember_token ("127.0.93.2");
}

/* Last: what every test above logged. */
static void
test_secrets_not_logged (void)
{
  /* The capture works: the driver's own debug lines are in it. */
  g_assert_nonnull (strstr (logged->str, "logged in to VNish"));
  g_assert_cmpuint (tokens->len, >=, 5);
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = g_ptr_array_index (tokens, i);

      g_assert_cmpuint (strlen (token), ==, 32);
      g_assert_null (strstr (logged->str, token));
    }
  g_assert_null (strstr (logged->str, "\"pw\""));
  g_assert_null (strstr (logged->str, "Bearer"));
  /* No request but the login carried the password. */
  for (guint i = 2; i <= 7; i++)
    {
      g_autofree char *ip = g_strdup_printf ("127.0.93.%u", i);
      g_assert_cmpuint (hf_test_sim_events (sim, "password-seen", ip, 0, 0), ==, 0);
    }
}

/* hashfleet-cli set --preset / --power-limit against a VNish miner: a
 * preset applied and read back, a power limit that is no preset refused
 * with the firmware's tuned ones named, nothing sent for it. */
static void
test_cli_set (void)
{
  const char *preset_args[] = { "--http-port", "18993", "--cgminer-port", "14993", "--preset",
                                "2950", "set", "127.0.93.6", NULL };
  const char *limit_args[] = { "--http-port", "18993", "--cgminer-port", "14993",
                               "--power-limit", "3000", "set", "127.0.93.6", NULL };
  const char *bad_args[] = { "--preset", "2950,reboot", "set", "127.0.93.6", NULL };
  /* This test logs everything; the CLI's stdout is its answer alone. */
  const char *quiet[] = { "G_MESSAGES_DEBUG=", NULL };
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL, *err3 = NULL;
  guint settings_before;

  g_assert_cmpint (hf_test_run_cli_env (preset_args, quiet, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "127.0.93.6: applied\n");
  g_assert_cmpuint (hf_test_sim_events (sim, "settings", "127.0.93.6", 1, 3000), >=, 1);
  g_assert_nonnull (strstr (hf_test_sim_last_event (sim, "settings", "127.0.93.6"), "2950"));

  settings_before = hf_test_sim_events (sim, "settings", "127.0.93.6", 0, 0);
  g_assert_cmpint (hf_test_run_cli_env (limit_args, quiet, &out2, &err2), !=, 0);
  g_assert_nonnull (strstr (out2, "127.0.93.6: not applied: VNish runs tuned presets only, "
                            "and 3000 W is none of them: the nearest below is 2950 W"));
  g_assert_cmpuint (hf_test_sim_events (sim, "settings", "127.0.93.6", 0, 0), ==,
                    settings_before);

  /* A name that would be a second parameter is refused before anything. */
  g_assert_cmpint (hf_test_run_cli_env (bad_args, quiet, NULL, &err3), ==, 2);
  g_assert_nonnull (strstr (err3, "--preset"));
}

/* A token longer than a device's names (a JWT) is sent whole: a write
 * with it is taken (it was cut at 256 characters and every write failed). */
static void
test_long_token (void)
{
  g_autoptr(HfMiner) miner = identify ("127.0.93.8");
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;

  st->preset = g_strdup ("2950");
  error = apply (miner, st);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (strstr (hf_test_sim_last_event (sim, "unlock", "127.0.93.8"),
                                    "\"detail\":\"") + strlen ("\"detail\":\"")),
                    >, 900);
  g_assert_cmpuint (hf_test_sim_events (sim, "settings", "127.0.93.8", 1, 3000), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  hf_test_init (&argc, &argv);
  logged = g_string_new (NULL);
  tokens = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (writer_cb, NULL, NULL);
  sim = hf_test_sim_start (fleet_config);
  config = hf_config_new ();
  config->http_port = 18993;
  config->cgminer_port = 14993;
  config->timeout_ms = 5000;
  g_free (config->vnish_password);
  config->vnish_password = g_strdup ("admin");

  g_test_add_func ("/vnish/identify", test_identify);
  g_test_add_func ("/vnish/read", test_read);
  g_test_add_func ("/vnish/read-states", test_read_states);
  g_test_add_func ("/vnish/token", test_token);
  g_test_add_func ("/vnish/wrong-password", test_wrong_password);
  g_test_add_func ("/vnish/pause-identify", test_pause_identify);
  g_test_add_func ("/vnish/preset", test_preset);
  g_test_add_func ("/vnish/power-limit", test_power_limit);
  g_test_add_func ("/vnish/cli-set", test_cli_set);
  g_test_add_func ("/vnish/long-token", test_long_token);
  g_test_add_func ("/vnish/restart", test_restart);
  g_test_add_func ("/vnish/secrets-not-logged", test_secrets_not_logged);
  status = g_test_run ();

  hf_config_unref (config);
  hf_test_sim_stop (sim);
  g_ptr_array_unref (tokens);
  g_string_free (logged, TRUE);
  return status;
}
