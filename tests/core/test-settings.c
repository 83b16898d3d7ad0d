/* test-settings.c — miner settings, identify and pause against the simulator
 * SPDX-License-Identifier: MIT
 *
 * Each write is checked through the next reading; values a model does not
 * take are refused before anything is sent (the simulator logs every
 * PATCH it gets, so "nothing sent" is counted, not assumed).
 */
#include <math.h>
#include <string.h>

#include "hf-driver.h"
#include "hf-error.h"
#include "hf-identify.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18950
#define CGMINER_PORT 14950

static const char fleet_config[] =
  "[fleet]\nhttp-port=18950\ncgminer-port=14950\nstatic=true\nrestart-seconds=1\n"
  "[miner 127.0.53.2]\nprofile=gamma\n"
  "[miner 127.0.53.3]\nprofile=supra\n"         /* AxeOS 2.4: no /api/system/asic */
  "[miner 127.0.53.4]\nprofile=s19pro\n"
  "[miner 127.0.53.5]\nprofile=nano3s\n"
  "[miner 127.0.53.6]\nprofile=m30s\n"
  "[miner 127.0.53.7]\nprofile=cgminer\n";

static HfTestSim *sim;
static HfConfig *config;

typedef struct
{
  gboolean   done;
  gboolean   ok;
  GError    *error;
  HfMiner   *miner;
  HfReading *reading;
} Wait;

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
  return w.miner;
}

static HfReading *
poll (HfMiner *miner)
{
  Wait w = { 0 };

  hf_driver_poll_async (hf_driver_for_family (hf_miner_get_family (miner)), miner, config, NULL,
                        polled_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  return w.reading;
}

/* Apply @st; returns the error (NULL when accepted). */
static GError *
apply (HfMiner               *miner,
       const HfMinerSettings *st)
{
  Wait w = { 0 };

  hf_driver_apply_async (hf_driver_for_family (hf_miner_get_family (miner)), miner, st, config,
                         NULL, bool_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_true (w.ok == (w.error == NULL));
  return w.error;
}

static GError *
act (HfMiner       *miner,
     HfMinerAction  action)
{
  Wait w = { 0 };

  hf_driver_action_async (hf_driver_for_family (hf_miner_get_family (miner)), miner, action,
                          config, NULL, bool_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  return w.error;
}

static void
test_frequency_and_bounds (void)
{
  g_autoptr(HfMiner) gamma = identify ("127.0.53.2");
  g_autoptr(HfMiner) supra = identify ("127.0.53.3");
  g_autoptr(HfReading) before = poll (gamma);
  g_autoptr(HfReading) after = NULL;
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;
  guint patches = hf_test_sim_events (sim, "patch", "127.0.53.2", 0, 0);

  /* Not one of the Gamma's frequencies: refused, naming them, nothing sent. */
  st->frequency_mhz = 560;
  error = apply (gamma, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "400, 490, 525, 550, 600, 625 MHz"));
  g_clear_error (&error);
  /* Above the default: refused without the overclocking confirmation. */
  st->frequency_mhz = 600;
  error = apply (gamma, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "default 525 MHz"));
  g_clear_error (&error);
  st->frequency_mhz = 525;
  st->core_voltage_mv = 1500;
  error = apply (gamma, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "core voltage 1500 mV"));
  g_clear_error (&error);
  /* (Given 300 ms to show up, were there any.) */
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", "127.0.53.2", patches + 1, 300), ==, patches);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch-refused", "127.0.53.2", 1, 0), ==, 0);

  /* A listed, lower frequency: written, and the next reading shows it;
   * the hashrate follows. */
  st->frequency_mhz = 490;
  st->core_voltage_mv = 0;
  g_assert_no_error (apply (gamma, st));
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", "127.0.53.2", patches + 1, 3000), ==,
                    patches + 1);
  after = poll (gamma);
  g_assert_cmpfloat_with_epsilon (after->frequency_mhz, 490, 0.5);
  g_assert_cmpfloat_with_epsilon (after->hashrate_ghs,
                                  before->hashrate_ghs * 490 / before->frequency_mhz, 1.0);

  /* Old firmware lists no options: only with the confirmation. */
  st->frequency_mhz = 500;
  error = apply (supra, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "overclocking"));
  g_clear_error (&error);
  st->allow_overclock = TRUE;
  g_assert_no_error (apply (supra, st));
  g_clear_pointer (&after, hf_reading_free);
  after = poll (supra);
  g_assert_cmpfloat_with_epsilon (after->frequency_mhz, 500, 0.5);
}

static void
test_fan_pool_hostname (void)
{
  g_autoptr(HfMiner) gamma = identify ("127.0.53.2");
  g_autoptr(HfReading) r = NULL;
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;

  st->fan_percent = 65;
  st->pool_url = g_strdup ("stratum+tcp://solo.example.org:4444");
  st->pool_user = g_strdup ("bc1qhashfleet.w7");
  st->pool_password = g_strdup ("x");
  st->hostname = g_strdup ("garage-gamma");
  g_assert_no_error (apply (gamma, st));
  r = poll (gamma);
  g_assert_cmpfloat_with_epsilon (r->fan_percent, 65, 0.5);
  g_assert_nonnull (r->pool_url);
  g_assert_nonnull (strstr (r->pool_url, "solo.example.org:4444"));
  g_assert_cmpstr (hf_miner_get_hostname (gamma), ==, "garage-gamma");

  /* Bounds checked here first. */
  hf_miner_settings_free (g_steal_pointer (&st));
  st = hf_miner_settings_new ();
  st->hostname = g_strdup ("not a hostname");
  error = apply (gamma, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  g_free (st->hostname);
  st->hostname = NULL;
  st->pool_url = g_strdup ("http://pool.example.org");
  error = apply (gamma, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "stratum+tcp://"));
}

static void
test_pause_identify_unsupported (void)
{
  g_autoptr(HfMiner) gamma = identify ("127.0.53.2");
  g_autoptr(HfMiner) other = identify ("127.0.53.7");
  g_autoptr(HfReading) paused = NULL, resumed = NULL;
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;
  HfCapabilities caps = hf_driver_get_capabilities (hf_driver_for_family (HF_FAMILY_AXEOS), gamma);

  g_assert_true (caps & HF_CAP_PAUSE);
  g_assert_true (caps & HF_CAP_FREQUENCY);
  g_assert_false (caps & HF_CAP_WORK_MODE);

  g_assert_no_error (act (gamma, HF_ACTION_PAUSE));
  paused = poll (gamma);
  g_assert_cmpfloat (paused->hashrate_ghs, ==, 0);
  g_assert_no_error (act (gamma, HF_ACTION_RESUME));
  resumed = poll (gamma);
  g_assert_cmpfloat (resumed->hashrate_ghs, >, 100);
  g_assert_no_error (act (gamma, HF_ACTION_IDENTIFY));
  g_assert_cmpuint (hf_test_sim_events (sim, "identify", "127.0.53.2", 1, 3000), ==, 1);

  /* A family without writes (a plain cgminer) says so, and sends nothing. */
  st->fan_percent = 50;
  error = apply (other, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  error = act (other, HF_ACTION_IDENTIFY);
  g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
}

static void
test_avalon (void)
{
  g_autoptr(HfMiner) nano = identify ("127.0.53.5");
  g_autoptr(HfReading) before = poll (nano), after = NULL, paused = NULL;
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;
  HfCapabilities caps = hf_driver_get_capabilities (hf_driver_for_family (HF_FAMILY_AVALON), nano);

  g_assert_true (caps & HF_CAP_WORK_MODE);
  g_assert_false (caps & HF_CAP_FREQUENCY);
  g_assert_cmpint (before->work_mode, ==, 1);

  /* Eco mode and a fixed fan: both show in the next reading, the
   * hashrate drops with the mode. */
  st->work_mode = 0;
  st->fan_percent = 70;
  g_assert_no_error (apply (nano, st));
  after = poll (nano);
  g_assert_cmpint (after->work_mode, ==, 0);
  g_assert_cmpfloat_with_epsilon (after->fan_percent, 70, 0.5);
  g_assert_cmpfloat (after->hashrate_ghs, <, before->hashrate_ghs * 0.9);
  g_assert_null (hf_miner_settings_mismatch (st, after));

  /* What it does not take is refused here. */
  hf_miner_settings_free (g_steal_pointer (&st));
  st = hf_miner_settings_new ();
  st->fan_percent = 10;
  error = apply (nano, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  st->fan_percent = -1;
  st->frequency_mhz = 500;
  error = apply (nano, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Soft off and on. */
  g_assert_no_error (act (nano, HF_ACTION_PAUSE));
  paused = poll (nano);
  g_assert_cmpfloat (paused->hashrate_ghs, ==, 0);
  g_assert_no_error (act (nano, HF_ACTION_RESUME));
  g_assert_no_error (act (nano, HF_ACTION_IDENTIFY));
  g_assert_cmpuint (hf_test_sim_events (sim, "identify", "127.0.53.5", 1, 3000), ==, 1);
}

static void
test_antminer (void)
{
  g_autoptr(HfMiner) s19 = identify ("127.0.53.4");
  g_autoptr(HfReading) r = NULL, paused = NULL;
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfConfig) wrong = hf_config_copy (config);
  guint confs = hf_test_sim_events (sim, "set-conf", "127.0.53.4", 0, 0);
  Wait w = { 0 };

  /* Pools and fan through the web CGI (Digest): the new pool is the one
   * the cgminer API then reports. */
  st->pool_url = g_strdup ("stratum+tcp://solo.example.org:3333");
  st->pool_user = g_strdup ("bc1q.s19");
  st->fan_percent = 80;
  g_assert_no_error (apply (s19, st));
  r = poll (s19);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://solo.example.org:3333");
  g_assert_cmpstr (r->pool_user, ==, "bc1q.s19");
  g_assert_null (hf_miner_settings_mismatch (st, r));

  /* Sleep and wake (miner-mode 1 and 0), blink. */
  g_assert_no_error (act (s19, HF_ACTION_PAUSE));
  paused = poll (s19);
  g_assert_cmpfloat (paused->hashrate_ghs, ==, 0);
  g_assert_no_error (act (s19, HF_ACTION_RESUME));
  g_assert_no_error (act (s19, HF_ACTION_IDENTIFY));
  g_assert_cmpuint (hf_test_sim_events (sim, "identify", "127.0.53.4", 1, 3000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "set-conf", "127.0.53.4", confs + 3, 3000), ==,
                    confs + 3);

  /* A wrong web password: a clear refusal, no configuration written. */
  g_free (wrong->antminer_password);
  wrong->antminer_password = g_strdup ("wrong");
  hf_driver_apply_async (hf_driver_for_family (HF_FAMILY_ANTMINER), s19, st, wrong, NULL,
                         bool_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_AUTH);
  g_clear_error (&w.error);
  g_assert_cmpuint (hf_test_sim_events (sim, "set-conf", "127.0.53.4", confs + 4, 300), ==,
                    confs + 3);
}

static void
test_whatsminer (void)
{
  g_autoptr(HfMiner) m30 = identify ("127.0.53.6");
  g_autoptr(HfReading) r = NULL, paused = NULL;
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfConfig) wrong = hf_config_copy (config);
  Wait w = { 0 };

  /* Pools through the privileged API (token, md5-crypt, AES). */
  st->pool_url = g_strdup ("stratum+tcp://solo.example.org:3333");
  st->pool_user = g_strdup ("bc1q.m30");
  g_assert_no_error (apply (m30, st));
  g_assert_cmpuint (hf_test_sim_events (sim, "update-pools", "127.0.53.6", 1, 3000), ==, 1);
  r = poll (m30);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://solo.example.org:3333");
  g_assert_null (hf_miner_settings_mismatch (st, r));

  g_assert_no_error (act (m30, HF_ACTION_PAUSE));
  paused = poll (m30);
  g_assert_cmpfloat (paused->hashrate_ghs, ==, 0);
  g_assert_no_error (act (m30, HF_ACTION_RESUME));
  g_assert_no_error (act (m30, HF_ACTION_IDENTIFY));
  g_assert_cmpuint (hf_test_sim_events (sim, "identify", "127.0.53.6", 1, 3000), ==, 1);

  /* Only pools; and a wrong password says where to look. */
  hf_miner_settings_free (g_steal_pointer (&st));
  st = hf_miner_settings_new ();
  st->fan_percent = 50;
  error = apply (m30, st);
  g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
  g_free (wrong->whatsminer_password);
  wrong->whatsminer_password = g_strdup ("wrong");
  hf_driver_action_async (hf_driver_for_family (HF_FAMILY_WHATSMINER), m30, HF_ACTION_IDENTIFY,
                          wrong, NULL, bool_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_nonnull (w.error);
  g_assert_nonnull (strstr (w.error->message, "password"));
  g_clear_error (&w.error);
}

static void
test_cli (void)
{
  const char *ok[] = { "--http-port", "18950", "--cgminer-port", "14950", "set", "127.0.53.2",
                       "--frequency", "525", "--fan", "auto", "--target-temp", "60", NULL };
  const char *refused[] = { "--http-port", "18950", "--cgminer-port", "14950", "set",
                            "127.0.53.2", "127.0.53.4", "--frequency", "560", NULL };
  const char *restart[] = { "--http-port", "18950", "--cgminer-port", "14950", "set",
                            "127.0.53.2", "--frequency", "490", "--restart", NULL };
  g_autofree char *out1 = NULL, *out2 = NULL, *out3 = NULL;

  g_assert_cmpint (hf_test_run_cli (ok, &out1, NULL), ==, 0);
  g_assert_cmpstr (out1, ==, "127.0.53.2: applied\n");
  g_assert_cmpint (hf_test_run_cli (refused, &out2, NULL), ==, 1);
  g_assert_nonnull (strstr (out2, "127.0.53.2: not applied: frequency 560 MHz is not one of 400, "
                                  "490, 525, 550, 600, 625 MHz\n"));
  g_assert_nonnull (strstr (out2, "127.0.53.4: not applied: Antminer (stock firmware): setting "
                                  "the frequency is not supported here"));
  {
    /* A named pool profile, kept in the store, written to a miner. */
    g_autofree char *dir = g_dir_make_tmp ("hf-test-profiles-XXXXXX", NULL);
    g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
    const char *add[] = { "--db", db, "pools", "add", "solo", "--pool",
                          "stratum+tcp://solo.example.org:4333", "--pool-user", "bc1q.w5", NULL };
    const char *list[] = { "--db", db, "pools", NULL };
    const char *use[] = { "--db", db, "--http-port", "18950", "--cgminer-port", "14950", "set",
                          "127.0.53.2", "--profile", "solo", NULL };
    const char *missing[] = { "--db", db, "set", "127.0.53.2", "--profile", "nope", NULL };
    g_autofree char *o1 = NULL, *o2 = NULL, *o3 = NULL, *e4 = NULL;

    g_assert_cmpint (hf_test_run_cli (add, &o1, NULL), ==, 0);
    g_assert_cmpint (hf_test_run_cli (list, &o2, NULL), ==, 0);
    g_assert_cmpstr (o2, ==, "solo\tstratum+tcp://solo.example.org:4333\tbc1q.w5\n");
    g_assert_cmpint (hf_test_run_cli (use, &o3, NULL), ==, 0);
    g_assert_cmpstr (o3, ==, "127.0.53.2: applied\n");
    g_assert_cmpint (hf_test_run_cli (missing, NULL, &e4), ==, 2);
    g_assert_nonnull (strstr (e4, "no pool profile “nope”"));
  }
  g_assert_cmpint (hf_test_run_cli (restart, &out3, NULL), ==, 0);
  {
    const char *mode[] = { "--http-port", "18950", "--cgminer-port", "14950", "set", "127.0.53.5",
                           "--work-mode", "super", NULL };
    g_autofree char *out4 = NULL;

    g_assert_cmpint (hf_test_run_cli (mode, &out4, NULL), ==, 0);
    g_assert_cmpstr (out4, ==, "127.0.53.5: applied\n");
  }
  g_assert_cmpstr (out3, ==, "127.0.53.2: applied after restart\n");
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.53.2", 1, 3000), >=, 1);
}

/* What each family's driver is and can do, through the driver itself: the
 * family it serves, its capabilities, the operations it does not have, and
 * that every task it finishes comes from it (callers chain on
 * HF_DRIVER (source), as `set --restart` does). */

typedef enum { OP_IDENTIFY, OP_POLL, OP_OPTIONS, OP_APPLY, OP_ACTION, OP_RESTART } DriverOp;

typedef struct
{
  DriverOp   op;
  gboolean   done;
  GObject   *source;
  GError    *error;
  HfMiner   *miner;
  HfReading *reading;
  gboolean   ok;
} DriverWait;

/* Finishes @w->op with the driver's own finish function. */
static void
driver_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  DriverWait *w = data;
  HfDriver *driver = HF_DRIVER (source);

  w->source = source;
  switch (w->op)
    {
    case OP_IDENTIFY:
      w->miner = hf_driver_identify_finish (driver, result, &w->error);
      break;
    case OP_POLL:
      w->reading = hf_driver_poll_finish (driver, result, &w->error);
      break;
    case OP_OPTIONS:
      {
        g_autoptr(HfMinerOptions) options = hf_driver_options_finish (driver, result, &w->error);
        w->ok = options != NULL;
      }
      break;
    case OP_APPLY:
      w->ok = hf_driver_apply_finish (driver, result, &w->error);
      break;
    case OP_ACTION:
      w->ok = hf_driver_action_finish (driver, result, &w->error);
      break;
    case OP_RESTART:
      w->ok = hf_driver_restart_finish (driver, result, &w->error);
      break;
    }
  w->done = TRUE;
}

/* Waits for @w and checks that @driver finished it; returns its error. */
static GError *
driver_wait (DriverWait *w,
             HfDriver   *driver)
{
  hf_test_wait_for (&w->done, 10000);
  g_assert_true (w->source == (GObject *) driver);
  return w->error;
}

static void
test_every_family_driver (void)
{
  static const struct
  {
    HfFamily        family;
    const char     *address;
    const char     *name;
    HfCapabilities  capabilities;
  } families[] = {
    { HF_FAMILY_AXEOS, "127.0.53.2", "AxeOS",
      HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_FREQUENCY | HF_CAP_CORE_VOLTAGE
      | HF_CAP_FAN | HF_CAP_POOLS | HF_CAP_HOSTNAME },
    { HF_FAMILY_ANTMINER, "127.0.53.4", "Antminer",
      HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_FAN | HF_CAP_POOLS },
    { HF_FAMILY_AVALON, "127.0.53.5", "Avalon",
      HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_FAN | HF_CAP_WORK_MODE },
    { HF_FAMILY_WHATSMINER, "127.0.53.6", "Whatsminer",
      HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_POOLS },
    { HF_FAMILY_CGMINER, "127.0.53.7", "cgminer", HF_CAP_RESTART },
  };

  g_assert_null (hf_driver_for_family (HF_FAMILY_UNKNOWN));
  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      HfDriver *driver = hf_driver_for_family (families[i].family);
      const char *address = families[i].address;
      guint restarts = hf_test_sim_events (sim, "restart", address, 0, 0);
      g_autoptr(HfMiner) miner = NULL;
      g_autoptr(HfReading) reading = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *no_options = NULL;
      DriverWait w = { OP_IDENTIFY };

      g_test_message ("%s at %s", families[i].name, address);
      g_assert_true (HF_IS_DRIVER (driver));
      /* One driver per family, whoever asks. */
      g_assert_true (hf_driver_for_family (families[i].family) == driver);
      g_assert_cmpint (hf_driver_get_family (driver), ==, families[i].family);

      hf_driver_identify_async (driver, address, config, NULL, driver_done_cb, &w);
      g_assert_no_error (driver_wait (&w, driver));
      miner = g_steal_pointer (&w.miner);
      g_assert_cmpint (hf_miner_get_family (miner), ==, families[i].family);
      g_assert_cmpstr (hf_miner_get_address (miner), ==, address);
      g_assert_cmpuint (hf_driver_get_capabilities (driver, miner), ==,
                        families[i].capabilities);

      w = (DriverWait) { OP_POLL };
      hf_driver_poll_async (driver, miner, config, NULL, driver_done_cb, &w);
      g_assert_no_error (driver_wait (&w, driver));
      reading = g_steal_pointer (&w.reading);
      g_assert_cmpfloat (reading->hashrate_ghs, >, 0);

      /* Only AxeOS lists the values its model takes. */
      w = (DriverWait) { OP_OPTIONS };
      hf_driver_options_async (driver, miner, config, NULL, driver_done_cb, &w);
      error = driver_wait (&w, driver);
      if (families[i].family == HF_FAMILY_AXEOS)
        {
          g_assert_no_error (error);
          g_assert_true (w.ok);
        }
      else
        {
          no_options = g_strdup_printf ("%s: %s miners cannot list their settings here yet",
                                        address, families[i].name);
          g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
          g_assert_cmpstr (error->message, ==, no_options);
          g_clear_error (&error);
        }

      if (families[i].family == HF_FAMILY_CGMINER)
        {
          g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
          static const struct
          {
            HfMinerAction  action;
            const char    *message;
          } refused[] = {
            { HF_ACTION_IDENTIFY, "127.0.53.7: cgminer miners cannot identify here yet" },
            { HF_ACTION_PAUSE, "127.0.53.7: cgminer miners cannot pause or resume here yet" },
            { HF_ACTION_RESUME, "127.0.53.7: cgminer miners cannot pause or resume here yet" },
          };

          st->fan_percent = 50;
          w = (DriverWait) { OP_APPLY };
          hf_driver_apply_async (driver, miner, st, config, NULL, driver_done_cb, &w);
          error = driver_wait (&w, driver);
          g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
          g_assert_cmpstr (error->message, ==,
                           "127.0.53.7: cgminer miners cannot change settings here yet");
          g_assert_false (w.ok);
          g_clear_error (&error);
          for (guint j = 0; j < G_N_ELEMENTS (refused); j++)
            {
              w = (DriverWait) { OP_ACTION };
              hf_driver_action_async (driver, miner, refused[j].action, config, NULL,
                                      driver_done_cb, &w);
              error = driver_wait (&w, driver);
              g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
              g_assert_cmpstr (error->message, ==, refused[j].message);
              g_clear_error (&error);
            }
        }

      /* Last: the miner is away for the simulated reboot. */
      w = (DriverWait) { OP_RESTART };
      hf_driver_restart_async (driver, miner, config, NULL, driver_done_cb, &w);
      g_assert_no_error (driver_wait (&w, driver));
      g_assert_true (w.ok);
      g_assert_cmpuint (hf_test_sim_events (sim, "restart", address, restarts + 1, 3000), ==,
                        restarts + 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  sim = hf_test_sim_start (fleet_config);
  config = hf_config_new ();
  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  config->timeout_ms = 3000;
  g_test_add_func ("/settings/frequency-and-bounds", test_frequency_and_bounds);
  g_test_add_func ("/settings/fan-pool-hostname", test_fan_pool_hostname);
  g_test_add_func ("/settings/pause-identify-unsupported", test_pause_identify_unsupported);
  g_test_add_func ("/settings/avalon", test_avalon);
  g_test_add_func ("/settings/antminer", test_antminer);
  g_test_add_func ("/settings/whatsminer", test_whatsminer);
  g_test_add_func ("/settings/cli", test_cli);
  g_test_add_func ("/settings/every-family-driver", test_every_family_driver);
  status = g_test_run ();
  hf_config_unref (config);
  hf_test_sim_stop (sim);
  return status;
}
