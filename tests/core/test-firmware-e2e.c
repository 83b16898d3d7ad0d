/* test-firmware-e2e.c — Braiins OS and LuxOS drivers against hashfleet-sim
 * SPDX-License-Identifier: MIT
 *
 * The simulator runs with --static so that each profile reports exactly
 * its numbers (tests/sim/hf-sim-fleet.c, hf-sim-braiins.c,
 * hf-sim-luxos.c).  It listens on 127.0.91.x and 127.0.127.x only.  The drivers are
 * driven directly (identify, poll, restart, pause, resume, identify,
 * settings) with the config's Braiins user and password; a LuxOS write's
 * session is checked through the simulator's event lines.
 */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-driver.h"
#include "hf-error.h"
#include "hf-identify.h"
#include "hf-miner-settings.h"
#include "hf-test-utils.h"

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-6 * MAX (1.0, fabs ((double) (b))))

#define BOSMINER   "127.0.91.2"
#define BOSER_REST "127.0.91.3"
#define LUXOS      "127.0.91.4"
#define LUX_REFUSE "127.0.91.5"
#define LUX_HELD   "127.0.91.6"
#define BOSER_PW   "127.0.91.7"
#define LUX_SLOW   "127.0.127.2"
#define LUX_NUMBER "127.0.127.3"
#define LUX_COMMA  "127.0.127.4"
#define BOSER_401  "127.0.127.5"
#define LUX_ESC    "127.0.127.6"
#define LUX_TURNS  "127.0.127.7"

static const char fleet[] =
  "[fleet]\nhttp-port=18391\ncgminer-port=14391\nstatic=true\nrestart-seconds=1\n"
  "[miner " BOSMINER "]\nprofile=braiins\n"
  "[miner " BOSER_REST "]\nprofile=braiins-rest\n"
  "[miner " LUXOS "]\nprofile=luxos\n"
  "[miner " LUX_REFUSE "]\nprofile=luxos\nluxos-refuse=curtail\n"
  "[miner " LUX_HELD "]\nprofile=luxos\nluxos-session=held\n"
  "[miner " BOSER_PW "]\nprofile=braiins-rest\nweb-password=other\n"
  "[miner " LUX_SLOW "]\nprofile=luxos\nluxos-logon-delay-ms=1500\n"
  "[miner " LUX_NUMBER "]\nprofile=luxos\nluxos-session-id=number\n"
  "[miner " LUX_COMMA "]\nprofile=luxos\nluxos-session-id=comma\n"
  "[miner " BOSER_401 "]\nprofile=braiins-rest\nbraiins-token=refused\nhashrate=0\n"
  "[miner " LUX_TURNS "]\nprofile=luxos\n"
  "[miner " LUX_ESC "]\nprofile=luxos\n"
  "luxos-extra-profile=\\\\u001b[2J\\\\u001b]0;pwned\\\\u0007evil\\\\u202e\n";

static HfTestSim *sim;

static HfConfig *
test_config (void)
{
  HfConfig *config = hf_config_new ();

  config->http_port = 18391;
  config->cgminer_port = 14391;
  config->timeout_ms = 4000;
  g_free (config->braiins_user);
  config->braiins_user = g_strdup ("root");
  g_free (config->braiins_password);
  config->braiins_password = g_strdup ("root");
  return config;
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  w->done = TRUE;
}

static HfMiner *
identify (const char     *ip,
          const HfConfig *config)
{
  Wait w = { 0 };
  g_autoptr(GError) error = NULL;
  HfMiner *miner;

  hf_identify_async (ip, config, NULL, done_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  miner = hf_identify_finish (w.result, &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  return miner;
}

static HfReading *
poll_miner (HfMiner        *miner,
      const HfConfig *config)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (miner));
  Wait w = { 0 };
  g_autoptr(GError) error = NULL;
  HfReading *r;

  hf_driver_poll_async (driver, miner, config, NULL, done_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  r = hf_driver_poll_finish (driver, w.result, &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  return r;
}

/* An action (-1: restart) or, with @settings, a settings write. */
static gboolean
write_op (HfMiner                *miner,
          const HfConfig         *config,
          int                     action,
          const HfMinerSettings  *settings,
          GError                **error)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (miner));
  Wait w = { 0 };
  gboolean ok;

  if (settings != NULL)
    hf_driver_apply_async (driver, miner, settings, config, NULL, done_cb, &w);
  else if (action < 0)
    hf_driver_restart_async (driver, miner, config, NULL, done_cb, &w);
  else
    hf_driver_action_async (driver, miner, action, config, NULL, done_cb, &w);
  hf_test_wait_for (&w.done, 15000);
  if (settings != NULL)
    ok = hf_driver_apply_finish (driver, w.result, error);
  else if (action < 0)
    ok = hf_driver_restart_finish (driver, w.result, error);
  else
    ok = hf_driver_action_finish (driver, w.result, error);
  g_object_unref (w.result);
  return ok;
}

/* The detail of the simulator's last @event for @ip, once it printed at
 * least @at_least of them (its lines come in on their own time). */
static const char *
last_event (const char *event,
            const char *ip,
            guint       at_least)
{
  g_assert_cmpuint (hf_test_sim_events (sim, event, ip, at_least, 5000), >=, at_least);
  return hf_test_sim_last_event (sim, event, ip);
}

/* The "detail" of that event line. */
static char *
last_detail (const char *event,
             const char *ip,
             guint       at_least)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *line = last_event (event, ip, at_least);

  g_assert_nonnull (line);
  g_assert_true (json_parser_load_from_data (parser, line, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "detail"));
}

/* Every LuxOS session the miner opened is closed. */
static void
assert_sessions_closed (const char *ip,
                        guint       expected)
{
  guint logons = hf_test_sim_events (sim, "luxos-logon", ip, expected, 3000);
  guint logoffs = hf_test_sim_events (sim, "luxos-logoff", ip, logons, 3000);

  g_assert_cmpuint (logons, ==, expected);
  g_assert_cmpuint (logoffs, ==, logons);
}

static void
wait_until_back (HfMiner        *miner,
                 const HfConfig *config)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (miner));

  for (guint i = 0; i < 50; i++)
    {
      Wait w = { 0 };
      g_autoptr(HfReading) r = NULL;

      g_usleep (200 * 1000);
      hf_driver_poll_async (driver, miner, config, NULL, done_cb, &w);
      hf_test_wait_for (&w.done, 10000);
      r = hf_driver_poll_finish (driver, w.result, NULL);
      g_object_unref (w.result);
      if (r != NULL)
        return;
    }
  g_assert_not_reached ();
}

/* ---- Braiins OS: bosminer, no REST API ------------------------------------ */

static void
test_bosminer_read (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (BOSMINER, config);
  g_autoptr(HfReading) r = NULL;
  HfDriver *driver;

  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_BRAIINS);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19j Pro");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "Braiins OS+ 0.6.0-fe72abe5");

  r = poll_miner (miner, config);
  assert_near (r->hashrate_ghs, 100000);
  assert_near (r->expected_hashrate_ghs, 104000);
  assert_near (r->chip_temp_c, 71.5);
  assert_near (r->board_temp_c, 58);
  assert_near (r->fan_rpm, 4800);
  assert_near (r->fan_percent, 60);
  assert_near (r->power_w, 3050);
  g_assert_false (r->power_estimated);
  assert_near (r->power_limit_w, 3100);
  g_assert_null (r->preset);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://pool.example.org:3333");
  g_assert_false (r->paused);

  /* No REST API answered: pause (4028) only. */
  driver = hf_driver_for_family (HF_FAMILY_BRAIINS);
  g_assert_cmpuint (hf_driver_get_capabilities (driver, miner), ==, HF_CAP_PAUSE);
}

static void
test_bosminer_writes (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (BOSMINER, config);
  g_autoptr(HfReading) paused = NULL, back = NULL;
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (write_op (miner, config, HF_ACTION_PAUSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (last_event ("pause", BOSMINER, 1), "cgminer"));
  paused = poll_miner (miner, config);
  assert_near (paused->hashrate_ghs, 0);
  assert_near (paused->power_w, 0);
  g_assert_true (paused->paused);

  g_assert_true (write_op (miner, config, HF_ACTION_RESUME, NULL, &error));
  g_assert_no_error (error);
  back = poll_miner (miner, config);
  assert_near (back->hashrate_ghs, 100000);
  g_assert_false (back->paused);

  /* No reboot on bosminer's 4028 and no REST API: said plainly. */
  g_assert_false (write_op (miner, config, -1, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "no REST API"));
  g_assert_nonnull (strstr (error->message, "no reboot"));
  g_clear_error (&error);

  /* A power target needs the REST API. */
  st->power_limit_w = 2500;
  g_assert_false (write_op (miner, config, 0, st, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
  g_assert_cmpuint (hf_test_sim_events (sim, "power-target", BOSMINER, 1, 500), ==, 0);
}

/* ---- Braiins OS+ 25.07: BOSer with the REST API ---------------------------- */

static void
test_rest_read (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (BOSER_REST, config);
  g_autoptr(HfReading) r = NULL;
  HfCapabilities caps;

  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_BRAIINS);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19 XP");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==,
                   "Braiins OS+ 2025-08-06-0-3881c51d-25.07-plus");
  caps = hf_driver_get_capabilities (hf_driver_for_family (HF_FAMILY_BRAIINS), miner);
  g_assert_cmpuint (caps, ==, HF_CAP_RESTART | HF_CAP_PAUSE | HF_CAP_IDENTIFY | HF_CAP_POWER_LIMIT);

  r = poll_miner (miner, config);
  assert_near (r->hashrate_ghs, 140000);
  assert_near (r->expected_hashrate_ghs, 142000);
  assert_near (r->chip_temp_c, 70.5);
  assert_near (r->board_temp_c, 55.5);
  assert_near (r->fan_rpm, 5904);
  assert_near (r->fan_percent, 100);
  assert_near (r->power_w, 3137);
  assert_near (r->power_limit_w, 3100);
}

static void
test_rest_power_limit (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (BOSER_REST, config);
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mismatch = NULL;

  st->power_limit_w = 2800;
  g_assert_true (write_op (miner, config, 0, st, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (last_event ("power-target", BOSER_REST, 1), "2800"));
  r = poll_miner (miner, config);
  assert_near (r->power_limit_w, 2800);
  assert_near (r->power_w, 2800);
  mismatch = hf_miner_settings_mismatch (st, r);
  g_assert_null (mismatch);

  /* Anything else is not written here. */
  st->power_limit_w = 0;
  st->frequency_mhz = 500;
  g_assert_false (write_op (miner, config, 0, st, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
}

static void
test_rest_actions (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (BOSER_REST, config);
  g_autoptr(HfReading) paused = NULL, back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (write_op (miner, config, HF_ACTION_PAUSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (last_event ("pause", BOSER_REST, 1), "rest"));
  /* BOSer says so itself (miner/details status 3). */
  paused = poll_miner (miner, config);
  assert_near (paused->hashrate_ghs, 0);
  g_assert_true (paused->paused);
  g_assert_true (write_op (miner, config, HF_ACTION_RESUME, NULL, &error));
  g_assert_no_error (error);
  back = poll_miner (miner, config);
  g_assert_false (back->paused);
  assert_near (back->hashrate_ghs, 140000);

  g_assert_true (write_op (miner, config, HF_ACTION_IDENTIFY, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (last_event ("identify", BOSER_REST, 1));

  g_assert_true (write_op (miner, config, -1, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (last_event ("reboot", BOSER_REST, 1), "rest"));
  /* Back from the reboot, its token is gone: the driver logs in again. */
  wait_until_back (miner, config);
  g_assert_true (write_op (miner, config, HF_ACTION_IDENTIFY, NULL, &error));
  g_assert_no_error (error);
}

static void
test_rest_wrong_password (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (BOSER_PW, config);
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;

  /* 4028 alone: BOSer's own version, and no power limit to offer. */
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "Braiins OS (BOSer 0.1.0-45f356ea)");
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19 XP");
  g_assert_cmpuint (hf_driver_get_capabilities (hf_driver_for_family (HF_FAMILY_BRAIINS), miner)
                    & (HF_CAP_POWER_LIMIT | HF_CAP_RESTART | HF_CAP_PAUSE), ==, 0);
  st->power_limit_w = 2800;
  g_assert_false (write_op (miner, config, 0, st, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "user and password"));
  g_assert_cmpuint (hf_test_sim_events (sim, "power-target", BOSER_PW, 1, 500), ==, 0);
}

static void
test_rest_token_refused (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (BOSER_401, config);
  HfCapabilities caps;

  /* The device answers 401 even to the token it has just given: the
   * password is not sent again at every poll (the miner at 0 H/s would
   * have each poll ask whether it is paused). */
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(HfReading) r = poll_miner (miner, config);

      assert_near (r->hashrate_ghs, 0);
    }
  g_assert_cmpuint (hf_test_sim_events (sim, "braiins-login", BOSER_401, 2, 1500), ==, 1);
  /* And nothing that needs the REST API is offered. */
  caps = hf_driver_get_capabilities (hf_driver_for_family (HF_FAMILY_BRAIINS), miner);
  g_assert_cmpuint (caps & (HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_POWER_LIMIT), ==, 0);
}

/* ---- LuxOS --------------------------------------------------------------- */

static void
test_luxos_read (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (LUXOS, config);
  g_autoptr(HfReading) r = NULL;

  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_LUXOS);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19k Pro");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "LuxOS 2025.4.8.220305-57b389c7");
  g_assert_cmpuint (hf_driver_get_capabilities (hf_driver_for_family (HF_FAMILY_LUXOS), miner),
                    ==, HF_CAP_RESTART | HF_CAP_PAUSE | HF_CAP_IDENTIFY | HF_CAP_PRESET);

  r = poll_miner (miner, config);
  assert_near (r->hashrate_ghs, 60000);
  assert_near (r->expected_hashrate_ghs, 61954.2);
  assert_near (r->chip_temp_c, 66);
  assert_near (r->board_temp_c, 52);
  assert_near (r->fan_rpm, 2340);
  assert_near (r->fan_percent, 20);
  assert_near (r->power_w, 1051);
  g_assert_false (r->power_estimated);
  assert_near (r->power_limit_w, 1188);
  g_assert_cmpstr (r->preset, ==, "290MHz");
  assert_near (r->frequency_mhz, 290);
  g_assert_false (r->paused);
  /* Reading takes no session. */
  g_assert_cmpuint (hf_test_sim_events (sim, "luxos-logon", LUXOS, 1, 500), ==, 0);
}

static void
test_luxos_writes (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (LUXOS, config);
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(HfReading) paused = NULL, set = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mismatch = NULL;
  guint before = hf_test_sim_events (sim, "luxos-logon", LUXOS, 0, 0);

  g_assert_true (write_op (miner, config, HF_ACTION_PAUSE, NULL, &error));
  g_assert_no_error (error);
  paused = poll_miner (miner, config);
  g_assert_true (paused->paused);
  assert_near (paused->power_w, 0);
  g_assert_true (write_op (miner, config, HF_ACTION_RESUME, NULL, &error));
  g_assert_no_error (error);
  assert_sessions_closed (LUXOS, before + 2);

  /* Identify toggles the red LED: blink, then back to auto. */
  g_assert_true (write_op (miner, config, HF_ACTION_IDENTIFY, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (last_event ("identify", LUXOS, 1), "blink"));
  g_assert_true (write_op (miner, config, HF_ACTION_IDENTIFY, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (last_event ("identify", LUXOS, 2), "auto"));
  assert_sessions_closed (LUXOS, before + 4);

  /* A profile: written, read back as the preset, its watts the limit. */
  st->preset = g_strdup ("240MHz");
  g_assert_true (write_op (miner, config, 0, st, &error));
  g_assert_no_error (error);
  set = poll_miner (miner, config);
  g_assert_cmpstr (set->preset, ==, "240MHz");
  assert_near (set->power_limit_w, 978);
  mismatch = hf_miner_settings_mismatch (st, set);
  g_assert_null (mismatch);
  assert_sessions_closed (LUXOS, before + 5);

  /* A profile the miner does not list: refused before any session. */
  g_free (st->preset);
  st->preset = g_strdup ("999MHz");
  g_assert_false (write_op (miner, config, 0, st, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "240MHz"));
  g_clear_error (&error);
  assert_sessions_closed (LUXOS, before + 5);

  /* A power limit is a profile's business on LuxOS. */
  g_clear_pointer (&st->preset, g_free);
  st->power_limit_w = 1000;
  g_assert_false (write_op (miner, config, 0, st, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Reboot: the session ends with it. */
  g_assert_true (write_op (miner, config, -1, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (last_event ("reboot", LUXOS, 1), "luxos"));
  g_assert_cmpuint (hf_test_sim_events (sim, "luxos-logon", LUXOS, before + 6, 3000), ==, before + 6);
  wait_until_back (miner, config);
  /* A write after it: the miner holds no session of ours. */
  st->power_limit_w = 0;
  st->preset = g_strdup ("290MHz");
  g_assert_true (write_op (miner, config, 0, st, &error));
  g_assert_no_error (error);
}

static void
test_luxos_error_closes_session (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (LUX_REFUSE, config);
  g_autoptr(GError) error = NULL;

  /* The miner refuses curtail after the logon: the session is still
   * closed. */
  g_assert_false (write_op (miner, config, HF_ACTION_PAUSE, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "curtail"));
  g_assert_cmpuint (hf_test_sim_events (sim, "luxos-refused", LUX_REFUSE, 1, 3000), ==, 1);
  assert_sessions_closed (LUX_REFUSE, 1);

  /* And the next write finds the session free. */
  g_clear_error (&error);
  g_assert_true (write_op (miner, config, HF_ACTION_IDENTIFY, NULL, &error));
  g_assert_no_error (error);
  assert_sessions_closed (LUX_REFUSE, 2);
}

static void
test_luxos_session_held (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (LUX_HELD, config);
  g_autoptr(GError) error = NULL;

  g_assert_false (write_op (miner, config, HF_ACTION_PAUSE, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "another tool holds the LuxOS session"));
  /* Nothing opened, nothing closed, nothing forced. */
  g_assert_cmpuint (hf_test_sim_events (sim, "luxos-logon-refused", LUX_HELD, 1, 3000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "luxos-logoff", LUX_HELD, 1, 500), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", LUX_HELD, 1, 500), ==, 0);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_luxos_cancel_during_logon (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (LUX_SLOW, config);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  HfDriver *driver = hf_driver_for_family (HF_FAMILY_LUXOS);
  Wait w = { 0 };
  g_autofree char *sid = NULL;
  g_autofree char *logoff = NULL;

  /* Cancelled while the miner takes its time to answer the logon: it
   * opened a session all the same, and that session is closed. */
  hf_driver_action_async (driver, miner, HF_ACTION_PAUSE, config, cancellable, done_cb, &w);
  g_timeout_add (300, cancel_cb, cancellable);
  hf_test_wait_for (&w.done, 15000);
  g_assert_false (hf_driver_action_finish (driver, w.result, &error));
  g_object_unref (w.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  sid = last_detail ("luxos-logon", LUX_SLOW, 1);
  logoff = last_detail ("luxos-logoff", LUX_SLOW, 1);
  g_assert_cmpstr (logoff, ==, sid);
  assert_sessions_closed (LUX_SLOW, 1);
  /* The command itself did not go out. */
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", LUX_SLOW, 1, 500), ==, 0);

  /* Cancelled before the logon: nothing opened. */
  g_clear_error (&error);
  w = (Wait) { 0 };
  hf_driver_action_async (driver, miner, HF_ACTION_PAUSE, config, cancellable, done_cb, &w);
  hf_test_wait_for (&w.done, 15000);
  g_assert_false (hf_driver_action_finish (driver, w.result, &error));
  g_object_unref (w.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (hf_test_sim_events (sim, "luxos-logon", LUX_SLOW, 2, 2000), ==, 1);
}

static void
test_luxos_odd_session_id (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) number = identify (LUX_NUMBER, config);
  g_autoptr(HfMiner) comma = identify (LUX_COMMA, config);
  g_autoptr(GError) error = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *logoff = NULL;

  /* A number: nothing written with it, but logged off with its digits. */
  g_assert_false (write_op (number, config, HF_ACTION_PAUSE, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "logged off"));
  sid = last_detail ("luxos-logon", LUX_NUMBER, 1);
  logoff = last_detail ("luxos-logoff", LUX_NUMBER, 1);
  g_assert_cmpstr (logoff, ==, sid);
  assert_sessions_closed (LUX_NUMBER, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", LUX_NUMBER, 1, 500), ==, 0);

  /* One that cannot go back as a parameter: the user is told the
   * session stays open and where to end it. */
  g_clear_error (&error);
  g_assert_false (write_op (comma, config, HF_ACTION_PAUSE, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "stays open"));
  g_assert_nonnull (strstr (error->message, "Luxor web UI"));
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", LUX_COMMA, 1, 500), ==, 0);
}

static void
test_luxos_profile_names_cleaned (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (LUX_ESC, config);
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  g_autoptr(GError) error = NULL;

  /* The miner's profile names end up in the message: its escape
   * sequences, bell and bidi override do not. */
  st->preset = g_strdup ("999MHz");
  g_assert_false (write_op (miner, config, 0, st, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "[2J ]0;pwned evil"));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_null (strchr (error->message, '\x07'));
  g_assert_null (strstr (error->message, "\u202e"));
}

static void
test_luxos_writes_take_turns (void)
{
  g_autoptr(HfConfig) config = test_config ();
  g_autoptr(HfMiner) miner = identify (LUX_TURNS, config);
  g_autoptr(HfReading) r = NULL;
  HfDriver *driver = hf_driver_for_family (HF_FAMILY_LUXOS);
  Wait pause = { 0 }, resume = { 0 }, blink = { 0 };
  g_autoptr(GError) pause_error = NULL, resume_error = NULL, blink_error = NULL;

  /* Three writes at once: LuxOS takes one session at a time, so they go
   * one after the other instead of refusing each other with 402. */
  hf_driver_action_async (driver, miner, HF_ACTION_PAUSE, config, NULL, done_cb, &pause);
  hf_driver_action_async (driver, miner, HF_ACTION_RESUME, config, NULL, done_cb, &resume);
  hf_driver_action_async (driver, miner, HF_ACTION_IDENTIFY, config, NULL, done_cb, &blink);
  hf_test_wait_for (&pause.done, 15000);
  hf_test_wait_for (&resume.done, 15000);
  hf_test_wait_for (&blink.done, 15000);
  g_assert_true (hf_driver_action_finish (driver, pause.result, &pause_error));
  g_assert_true (hf_driver_action_finish (driver, resume.result, &resume_error));
  g_assert_true (hf_driver_action_finish (driver, blink.result, &blink_error));
  g_object_unref (pause.result);
  g_object_unref (resume.result);
  g_object_unref (blink.result);
  g_assert_no_error (pause_error);
  g_assert_no_error (resume_error);
  g_assert_no_error (blink_error);
  assert_sessions_closed (LUX_TURNS, 3);
  g_assert_cmpuint (hf_test_sim_events (sim, "luxos-logon-refused", LUX_TURNS, 1, 500), ==, 0);
  /* In the order they were asked for: paused, then resumed. */
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", LUX_TURNS, 1, 1000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "resume", LUX_TURNS, 1, 1000), ==, 1);
  r = poll_miner (miner, config);
  g_assert_false (r->paused);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  sim = hf_test_sim_start (fleet);

  g_test_add_func ("/firmware-e2e/braiins/bosminer-read", test_bosminer_read);
  g_test_add_func ("/firmware-e2e/braiins/bosminer-writes", test_bosminer_writes);
  g_test_add_func ("/firmware-e2e/braiins/rest-read", test_rest_read);
  g_test_add_func ("/firmware-e2e/braiins/rest-power-limit", test_rest_power_limit);
  g_test_add_func ("/firmware-e2e/braiins/rest-actions", test_rest_actions);
  g_test_add_func ("/firmware-e2e/braiins/rest-wrong-password", test_rest_wrong_password);
  g_test_add_func ("/firmware-e2e/braiins/rest-token-refused", test_rest_token_refused);
  g_test_add_func ("/firmware-e2e/luxos/read", test_luxos_read);
  g_test_add_func ("/firmware-e2e/luxos/writes", test_luxos_writes);
  g_test_add_func ("/firmware-e2e/luxos/error-closes-session", test_luxos_error_closes_session);
  g_test_add_func ("/firmware-e2e/luxos/session-held", test_luxos_session_held);
  g_test_add_func ("/firmware-e2e/luxos/cancel-during-logon", test_luxos_cancel_during_logon);
  g_test_add_func ("/firmware-e2e/luxos/odd-session-id", test_luxos_odd_session_id);
  g_test_add_func ("/firmware-e2e/luxos/profile-names-cleaned", test_luxos_profile_names_cleaned);
  g_test_add_func ("/firmware-e2e/luxos/writes-take-turns", test_luxos_writes_take_turns);

  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
