/* test-settings-applier.c — the settings applied to a session, MQTT against
 * a real mosquitto broker, and serve's key file
 * SPDX-License-Identifier: MIT
 *
 * The same HfSettingsApplier runs the app's session and serve --config's:
 * each key reaches the session when set and when changed; MQTT waits for
 * its password, publishes while mqtt-enabled is on (states follow the
 * simulator's readings) and stops ("offline", nothing more) when it goes
 * off.
 */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>

#include "hf-core.h"
#include "hf-test-broker.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18840
#define CGMINER_PORT 14840
#define MINER        "127.0.84.2"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18840\ncgminer-port=14840\nstatic=true\n"
  "[miner 127.0.84.2]\nprofile=gamma\n";       /* 58.5 °C */

static HfTestSim *sim;

typedef struct
{
  gboolean  done;
  gboolean  known;
  GError   *error;
  HfMiner  *miner;
} Wait;

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  g_assert_true (hf_session_load_finish (HF_SESSION (source), result, &w->error));
  w->done = TRUE;
}

static void
added_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->miner = hf_session_add_finish (HF_SESSION (source), result, &w->known, &w->error);
  w->done = TRUE;
}

static void
ended_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_assert_true (hf_session_shutdown_finish (HF_SESSION (source), result, NULL));
  *(gboolean *) data = TRUE;
}

/* Settings of the app's schema on a backend of their own. */
static HfSettings *
settings_new (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend ("io.github.hashfleet.Hashfleet",
                                                               backend);
  return hf_settings_new (settings);
}

/* A session without a store, with the simulated miner in its fleet. */
static HfSession *
session_new (HfMiner **miner)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  HfSession *session;
  Wait w = { 0 };

  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  session = hf_session_new (NULL, config);
  hf_session_load_async (session, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  if (miner != NULL)
    {
      Wait a = { 0 };

      hf_session_add_async (session, MINER, 0, 0, NULL, added_cb, &a);
      hf_test_wait_for (&a.done, 5000);
      g_assert_no_error (a.error);
      *miner = a.miner;
    }
  return session;
}

static void
session_end (HfSession *session)
{
  gboolean done = FALSE;

  hf_session_shutdown_async (session, 5000, ended_cb, &done);
  hf_test_wait_for (&done, 6000);
}

static void
alert_cb (HfAlerts *alerts, HfMiner *miner, int kind, const char *title, const char *body,
          guint *hot)
{
  if (kind == HF_ALERT_HOT)
    (*hot)++;
}

static gboolean
polled_once (HfMiner *miner)
{
  return hf_miner_get_reading (miner) != NULL;
}

/* Each key reaches the session at once and when it changes. */
static void
test_apply (void)
{
  g_autoptr(HfSettings) settings = settings_new ();
  g_autoptr(HfSettingsApplier) applier = NULL;
  g_autoptr(HfSession) session = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *described = NULL;
  const char *subnets[] = { "127.0.84.0/30", NULL };
  HfMiner *miner = NULL;
  guint timeout_ms, concurrency, hot = 0;
  gint64 end;

  hf_settings_set_poll_interval (settings, 40);
  hf_settings_set_scan_timeout (settings, 700);
  hf_settings_set_antminer_user (settings, "admin");
  session = session_new (&miner);
  g_assert_cmpuint (hf_session_get_poll_interval (session), !=, 40);
  applier = hf_settings_applier_new (settings, session);

  /* What the settings held before. */
  g_assert_cmpuint (hf_session_get_poll_interval (session), ==, 40);
  hf_session_get_scan_options (session, &timeout_ms, &concurrency);
  g_assert_cmpuint (timeout_ms, ==, 700);
  g_assert_cmpuint (concurrency, ==, 512);
  g_assert_cmpstr (hf_session_get_config (session)->antminer_user, ==, "admin");
  /* Other parts of the config stay. */
  g_assert_cmpuint (hf_session_get_config (session)->http_port, ==, HTTP_PORT);

  /* Changes, as Preferences makes them. */
  hf_settings_set_poll_interval (settings, 90);
  g_assert_cmpuint (hf_session_get_poll_interval (session), ==, 90);
  hf_settings_set_scan_concurrency (settings, 32);
  hf_session_get_scan_options (session, &timeout_ms, &concurrency);
  g_assert_cmpuint (concurrency, ==, 32);
  hf_settings_set_antminer_user (settings, "root");
  g_assert_cmpstr (hf_session_get_config (session)->antminer_user, ==, "root");
  hf_settings_set_subnets (settings, subnets);
  ranges = hf_session_get_discover_targets (session, &error);
  g_assert_no_error (error);
  described = hf_targets_describe (ranges);
  g_assert_cmpstr (described, ==, "127.0.84.0/30");

  /* The simulated Bitaxe runs at 58.5 °C: hot only once the threshold
   * the settings give is below that. */
  g_signal_connect (hf_session_get_alerts (session), "alert", G_CALLBACK (alert_cb), &hot);
  hf_session_refresh (session);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!polled_once (miner) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (polled_once (miner));
  g_assert_cmpuint (hot, ==, 0);
  hf_settings_set_temperature_alert (settings, 45);
  while (hf_fleet_get_cycle_running (hf_session_get_fleet (session)))
    g_main_context_iteration (NULL, TRUE);
  hf_session_refresh (session);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (hot == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (hot, ==, 1);
  g_signal_handlers_disconnect_by_data (hf_session_get_alerts (session), &hot);

  /* MQTT off: nothing started, nothing to say. */
  g_assert_null (hf_settings_applier_get_mqtt (applier));
  g_assert_null (hf_session_get_mqtt (session));
  g_clear_object (&applier);
  session_end (session);
}

static void
changed_cb (HfSettingsApplier *applier,
            guint             *n)
{
  (*n)++;
}

static gboolean
connected (HfSettingsApplier *applier)
{
  HfMqtt *mqtt = hf_settings_applier_get_mqtt (applier);

  return mqtt != NULL && hf_mqtt_get_connected (mqtt);
}

static void
wait_connected (HfSettingsApplier *applier)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!connected (applier) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (connected (applier));
}

/* On: online, configs, states that follow readings; off: "offline" and
 * nothing after it. */
static void
test_mqtt (void)
{
  HfTestBroker *broker = hf_test_broker_start ();
  HfTestSubscriber *sub = hf_test_subscriber_new (hf_test_broker_get_port (broker));
  g_autoptr(HfSettings) settings = settings_new ();
  g_autoptr(HfSettingsApplier) applier = NULL;
  g_autoptr(HfSession) session = NULL;
  g_autofree char *url = g_strdup_printf ("mqtt://127.0.0.1:%u",
                                          hf_test_broker_get_port (broker));
  g_autofree char *id = NULL;
  g_autofree char *state_topic = NULL;
  g_autofree char *config_prefix = NULL;
  HfMiner *miner = NULL;
  guint changes = 0, mark, states;

  session = session_new (&miner);
  id = g_ascii_strdown (hf_miner_get_mac (miner), -1);
  g_strdelimit (id, ":", '_');
  {
    /* hashfleet/<MAC without colons>/state */
    g_auto(GStrv) parts = g_strsplit (id, "_", -1);
    g_autofree char *joined = g_strjoinv ("", parts);
    state_topic = g_strdup_printf ("hashfleet/%s/state", joined);
    config_prefix = g_strdup_printf ("hf-test/binary_sensor/hashfleet_%s/", joined);
  }

  hf_settings_set_mqtt_url (settings, url);
  hf_settings_set_mqtt_prefix (settings, "hf-test");
  hf_settings_set_mqtt_enabled (settings, TRUE);
  applier = hf_settings_applier_new (settings, session);
  g_signal_connect (applier, "mqtt-changed", G_CALLBACK (changed_cb), &changes);

  /* No password yet (the keyring answers later): nothing starts. */
  g_assert_null (hf_settings_applier_get_mqtt (applier));
  g_assert_null (hf_settings_applier_get_mqtt_error (applier));
  hf_settings_applier_set_mqtt_password (applier, NULL);
  g_assert_nonnull (hf_settings_applier_get_mqtt (applier));
  g_assert_true (hf_session_get_mqtt (session) == hf_settings_applier_get_mqtt (applier));
  wait_connected (applier);
  g_assert_cmpuint (changes, >=, 2);   /* started, connected */
  g_assert_true (hf_test_subscriber_wait (sub, 0, "hashfleet/status", "online", 1, 5000));
  g_assert_true (hf_test_subscriber_wait (sub, 0, config_prefix, NULL, 1, 5000));

  /* States follow the readings. */
  mark = hf_test_subscriber_count (sub);
  hf_session_refresh (session);
  g_assert_true (hf_test_subscriber_wait (sub, mark, state_topic, NULL, 1, 5000));
  while (hf_fleet_get_cycle_running (hf_session_get_fleet (session)))
    g_main_context_iteration (NULL, TRUE);
  hf_session_refresh (session);
  g_assert_true (hf_test_subscriber_wait (sub, mark, state_topic, NULL, 2, 5000));

  /* Off: "offline", and readings no longer go out. */
  mark = hf_test_subscriber_count (sub);
  changes = 0;
  hf_settings_set_mqtt_enabled (settings, FALSE);
  g_assert_null (hf_settings_applier_get_mqtt (applier));
  g_assert_null (hf_session_get_mqtt (session));
  g_assert_cmpuint (changes, >=, 1);
  g_assert_true (hf_test_subscriber_wait (sub, mark, "hashfleet/status", "offline", 1, 5000));
  while (hf_fleet_get_cycle_running (hf_session_get_fleet (session)))
    g_main_context_iteration (NULL, TRUE);
  hf_session_refresh (session);
  while (hf_fleet_get_cycle_running (hf_session_get_fleet (session))
         || hf_miner_get_reading (miner) == NULL)
    g_main_context_iteration (NULL, TRUE);
  states = hf_test_subscriber_matches (sub, mark, state_topic, NULL);
  g_usleep (500000);
  g_assert_cmpuint (hf_test_subscriber_matches (sub, mark, state_topic, NULL), ==, states);
  g_assert_cmpuint (states, ==, 0);

  /* On again: online again. */
  mark = hf_test_subscriber_count (sub);
  hf_settings_set_mqtt_enabled (settings, TRUE);
  wait_connected (applier);
  g_assert_true (hf_test_subscriber_wait (sub, mark, "hashfleet/status", "online", 1, 5000));

  /* A URL that is not one: said, nothing running. */
  hf_settings_set_mqtt_url (settings, "http://127.0.0.1/");
  g_assert_null (hf_settings_applier_get_mqtt (applier));
  g_assert_nonnull (strstr (hf_settings_applier_get_mqtt_error (applier),
                            "not an MQTT broker URL"));
  hf_settings_set_mqtt_url (settings, "");
  g_assert_cmpstr (hf_settings_applier_get_mqtt_error (applier), ==, "no broker URL is set");

  /* A broker that is not there: tried, and why it failed is said. */
  {
    g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_autofree char *closed = NULL;
    gint64 end;
    HfMqtt *mqtt;

    /* A port bound but not listening refuses connections. */
    g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
    bound = g_socket_get_local_address (socket, NULL);
    closed = g_strdup_printf ("mqtt://127.0.0.1:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    hf_settings_set_mqtt_url (settings, closed);
    mqtt = hf_settings_applier_get_mqtt (applier);
    g_assert_nonnull (mqtt);
    end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (hf_mqtt_get_problem (mqtt) == NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE), g_usleep (1000);
    g_test_message ("problem: %s", hf_mqtt_get_problem (mqtt));
    g_assert_nonnull (hf_mqtt_get_problem (mqtt));
    g_assert_false (hf_mqtt_get_connected (mqtt));
  }

  g_clear_object (&applier);
  session_end (session);
  hf_test_subscriber_free (sub);
  hf_test_broker_stop (broker);
}

/* serve's key file: values as gsettings prints them, a bare string too;
 * the applier then runs a session from it as from the app's settings. */
static void
test_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-settings-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "serve.conf", NULL);
  g_autoptr(HfSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) subnets = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *url = NULL;
  const char *text =
    "# comment\n[hashfleet]\nsubnets=['192.168.1.0/24', '10.0.0.5']\npoll-interval=30\n"
    "api-enabled=true\napi-listen=0.0.0.0:8080\nmqtt-url='mqtt://ha@broker.lan'\n"
    "temperature-alert-antminer=90.5\ntariff=EUR 0.30; mon-fri 07:00-22:00 0.32\n";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  settings = hf_settings_file_load (path, &error);
  g_assert_no_error (error);
  subnets = hf_settings_get_subnets (settings);
  g_assert_cmpuint (g_strv_length (subnets), ==, 2);
  g_assert_cmpstr (subnets[1], ==, "10.0.0.5");
  g_assert_cmpuint (hf_settings_get_poll_interval (settings), ==, 30);
  g_assert_true (hf_settings_get_api_enabled (settings));
  listen = hf_settings_get_api_listen (settings);
  g_assert_cmpstr (listen, ==, "0.0.0.0:8080");
  url = hf_settings_get_mqtt_url (settings);
  g_assert_cmpstr (url, ==, "mqtt://ha@broker.lan");
  g_assert_cmpfloat (hf_settings_get_hot_c (settings, HF_FAMILY_ANTMINER), ==, 90.5);
  {
    g_autoptr(HfTariff) tariff = hf_settings_get_tariff (settings, &error);

    g_assert_no_error (error);
    g_assert_nonnull (tariff);
    g_assert_cmpstr (hf_tariff_get_currency (tariff), ==, "EUR");
    g_assert_false (hf_tariff_is_flat (tariff));
  }
  /* Keys not in the file: their defaults. */
  g_assert_cmpuint (hf_settings_get_scan_timeout (settings), ==, 1000);
  g_assert_false (hf_settings_get_mqtt_enabled (settings));

  /* Set in memory: the file stays as it was. */
  hf_settings_set_poll_interval (settings, 60);
  g_assert_cmpuint (hf_settings_get_poll_interval (settings), ==, 60);
  {
    g_autofree char *after = NULL;
    g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
    g_assert_cmpstr (after, ==, text);
  }

  /* Refused, naming the key. */
  g_assert_true (g_file_set_contents (path, "[hashfleet]\nscan-timeout=50\n", -1, NULL));
  g_clear_object (&settings);
  settings = hf_settings_file_load (path, &error);
  g_assert_null (settings);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "scan-timeout=50: must be from 100 to 10000"));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "[hashfleet]\nnotifications=yes\n", -1, NULL));
  settings = hf_settings_file_load (path, &error);
  g_assert_null (settings);
  g_assert_nonnull (strstr (error->message, "notifications=yes: not true or false"));
  g_clear_error (&error);
  /* A tariff that does not parse: refused, saying where. */
  g_assert_true (g_file_set_contents (path, "[hashfleet]\ntariff='EUR 0.30; mon-fri 07:00-25:00 0.32'\n",
                                      -1, NULL));
  settings = hf_settings_file_load (path, &error);
  g_assert_null (settings);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "serve.conf: tariff: clause 2"));
  g_assert_nonnull (strstr (error->message, "“25:00” is not a time of day"));
  g_clear_error (&error);
  {
    /* Larger than any settings file: refused unread. */
    g_autofree char *big = g_strnfill (HF_SETTINGS_FILE_MAX + 1, '#');
    g_assert_true (g_file_set_contents (path, big, -1, NULL));
    settings = hf_settings_file_load (path, &error);
    g_assert_null (settings);
    g_assert_nonnull (strstr (error->message, "is larger than"));
    g_clear_error (&error);
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* The tariff key reaches the session's energy meter: set, changed, a text
 * that does not parse (no tariff, with a warning), and emptied. */
static void
test_tariff (void)
{
  g_autoptr(HfSettings) settings = settings_new ();
  g_autoptr(HfSession) session = session_new (NULL);
  g_autoptr(HfSettingsApplier) applier = NULL;
  g_autoptr(HfTariff) flat = hf_tariff_parse ("EUR 0.30", NULL);
  g_autoptr(HfTariff) tou = hf_tariff_parse ("CHF 0.27; mon-fri 22:00-06:00 0.19", NULL);
  GSettings *gsettings = hf_settings_get_gsettings (settings);
  g_autofree char *stored = NULL;

  /* Before: none. */
  applier = hf_settings_applier_new (settings, session);
  g_assert_null (hf_session_get_tariff (session));

  /* Set through HfSettings: the canonical text is kept and applied. */
  hf_settings_set_tariff (settings, flat);
  stored = g_settings_get_string (gsettings, HF_SETTINGS_KEY_TARIFF);
  g_assert_cmpstr (stored, ==, "EUR 0.3");
  g_assert_nonnull (hf_session_get_tariff (session));
  g_assert_true (hf_tariff_equal (hf_session_get_tariff (session), flat));
  g_assert_true (hf_tariff_equal (hf_energy_meter_get_tariff (hf_session_get_energy_meter (session)),
                                  flat));

  /* Written as the key's text by anyone (dconf, a key file). */
  g_settings_set_string (gsettings, HF_SETTINGS_KEY_TARIFF, "CHF 0.27; mon-fri 22:00-06:00 0.19");
  g_assert_true (hf_tariff_equal (hf_session_get_tariff (session), tou));
  g_assert_cmpfloat (hf_tariff_get_default_price (hf_session_get_tariff (session)), ==, 0.27);

  /* Not a tariff: none, said. */
  g_test_expect_message ("hf-core", G_LOG_LEVEL_WARNING, "*tariff*");
  g_settings_set_string (gsettings, HF_SETTINGS_KEY_TARIFF, "CHF 0,27");
  g_test_assert_expected_messages ();
  g_assert_null (hf_session_get_tariff (session));

  hf_settings_set_tariff (settings, tou);
  g_assert_true (hf_tariff_equal (hf_session_get_tariff (session), tou));
  hf_settings_set_tariff (settings, NULL);
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (gsettings, HF_SETTINGS_KEY_TARIFF);
  g_assert_cmpstr (stored, ==, "");
  g_assert_null (hf_session_get_tariff (session));

  /* A new applier over settings with a tariff applies it at once. */
  hf_settings_set_tariff (settings, flat);
  g_clear_object (&applier);
  hf_session_set_tariff (session, NULL);
  applier = hf_settings_applier_new (settings, session);
  g_assert_true (hf_tariff_equal (hf_session_get_tariff (session), flat));
  session_end (session);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  sim = hf_test_sim_start (fleet_config);
  g_test_add_func ("/settings-applier/apply", test_apply);
  g_test_add_func ("/settings-applier/mqtt", test_mqtt);
  g_test_add_func ("/settings-applier/file", test_file);
  g_test_add_func ("/settings-applier/tariff", test_tariff);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
