/* test-alerts.c — what deserves a notification, from a polled simulated fleet
 * SPDX-License-Identifier: MIT
 *
 * The app turns HfAlerts::alert into a GNotification; here the alerts
 * themselves are checked against hashfleet-sim: offline, back online, hot,
 * hashing slowly for long enough, and the cool-down that keeps a flapping
 * miner quiet.
 */
#include <string.h>

#include "hf-alerts.h"
#include "hf-driver.h"
#include "hf-identify.h"
#include "hf-test-utils.h"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18940\ncgminer-port=14940\nstatic=true\nrestart-seconds=3\n"
  "[miner 127.0.54.2]\nprofile=gamma\nhostname=hot-bitaxe\n"     /* chip 58.5 °C */
  "[miner 127.0.54.3]\nprofile=supra\nhostname=cool-bitaxe\n"    /* chip 55 °C */
  "[miner 127.0.54.4]\nprofile=nano3s\n";

typedef struct
{
  HfMiner     *miner;
  HfAlertKind  kind;
  char        *title;
} Alert;

static GPtrArray *alerts;

static void
alert_free (gpointer data)
{
  Alert *a = data;
  g_object_unref (a->miner);
  g_free (a->title);
  g_free (a);
}

static void
alert_cb (HfAlerts   *self,
          HfMiner    *miner,
          int         kind,
          const char *title,
          const char *body)
{
  Alert *a = g_new0 (Alert, 1);

  a->miner = g_object_ref (miner);
  a->kind = kind;
  a->title = g_strdup (title);
  g_test_message ("alert %d: %s — %s", kind, title, body);
  g_ptr_array_add (alerts, a);
}

static guint
count (const char  *address,
       HfAlertKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < alerts->len; i++)
    {
      Alert *a = g_ptr_array_index (alerts, i);
      n += a->kind == kind && g_str_equal (hf_miner_get_address (a->miner), address);
    }
  return n;
}

typedef struct { gboolean done; HfMiner *miner; gboolean ok; } Wait;

static void
identified_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->miner = hf_identify_finish (result, NULL);
  w->done = TRUE;
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = g_task_propagate_boolean (G_TASK (result), NULL);
  w->done = TRUE;
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
}

static gboolean
wait_alert (const char  *address,
            HfAlertKind  kind,
            guint        n,
            guint        ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (count (address, kind) < n && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  return count (address, kind) >= n;
}

static void
test_alerts (void)
{
  HfTestSim *sim = hf_test_sim_start (fleet_config);
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = NULL;
  g_autoptr(HfAlerts) watch = NULL;
  const char *addresses[] = { "127.0.54.2", "127.0.54.3", "127.0.54.4" };
  HfMiner *gamma = NULL, *nano = NULL;

  alerts = g_ptr_array_new_with_free_func (alert_free);
  config->http_port = 18940;
  config->cgminer_port = 14940;
  config->timeout_ms = 1000;
  fleet = hf_fleet_new (config);
  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      Wait w = { 0 };
      hf_identify_async (addresses[i], config, NULL, identified_cb, &w);
      hf_test_wait_for (&w.done, 10000);
      g_assert_nonnull (w.miner);
      hf_fleet_add (fleet, w.miner);
      g_object_unref (w.miner);
    }
  gamma = hf_fleet_lookup_address (fleet, "127.0.54.2");
  nano = hf_fleet_lookup_address (fleet, "127.0.54.4");

  watch = hf_alerts_new (fleet);
  hf_alerts_set_hot_c (watch, 57);
  /* An Avalon has its own threshold: at 78 °C, below its 80, it is fine. */
  hf_alerts_set_family_hot_c (watch, HF_FAMILY_AVALON, 80);
  hf_alerts_set_low_for (watch, 2);
  hf_alerts_set_cooldown (watch, 3600);
  g_signal_connect (watch, "alert", G_CALLBACK (alert_cb), NULL);
  hf_fleet_set_poll_interval (fleet, 1);
  hf_fleet_set_offline_after (fleet, 1);
  hf_fleet_poll_now (fleet);
  hf_fleet_start (fleet);

  /* Hot: the Gamma (58.5 °C) once, on the way up; the Supra (55 °C) never,
   * nor the Nano (78 °C, under its family's 80). */
  g_assert_true (wait_alert ("127.0.54.2", HF_ALERT_HOT, 1, 5000));
  run_for (2500);
  g_assert_cmpuint (count ("127.0.54.2", HF_ALERT_HOT), ==, 1);
  g_assert_cmpuint (count ("127.0.54.3", HF_ALERT_HOT), ==, 0);
  g_assert_cmpuint (count ("127.0.54.4", HF_ALERT_HOT), ==, 0);
  for (guint i = 0; i < alerts->len; i++)
    {
      Alert *a = g_ptr_array_index (alerts, i);
      if (a->miner == gamma && a->kind == HF_ALERT_HOT)
        g_assert_cmpstr (a->title, ==, "hot-bitaxe is running hot");
    }

  /* Slow: the Avalon in soft-off hashes 0; after the low period, an alert. */
  {
    Wait w = { 0 };
    hf_driver_action_async (hf_driver_for_family (HF_FAMILY_AVALON), nano, HF_ACTION_PAUSE,
                            config, NULL, done_cb, &w);
    hf_test_wait_for (&w.done, 5000);
    g_assert_true (w.ok);
  }
  g_assert_true (wait_alert ("127.0.54.4", HF_ALERT_LOW_HASHRATE, 1, 8000));

  /* Offline and back: a restart takes the Gamma away for 3 s. */
  {
    Wait w = { 0 };
    hf_driver_restart_async (hf_driver_for_family (HF_FAMILY_AXEOS), gamma, config, NULL,
                             done_cb, &w);
    hf_test_wait_for (&w.done, 5000);
    g_assert_true (w.ok);
  }
  g_assert_true (wait_alert ("127.0.54.2", HF_ALERT_OFFLINE, 1, 8000));
  g_assert_true (wait_alert ("127.0.54.2", HF_ALERT_BACK_ONLINE, 1, 15000));

  /* Flapping: a second restart within the cool-down stays quiet. */
  {
    Wait w = { 0 };
    hf_driver_restart_async (hf_driver_for_family (HF_FAMILY_AXEOS), gamma, config, NULL,
                             done_cb, &w);
    hf_test_wait_for (&w.done, 5000);
  }
  run_for (9000);
  g_assert_true (hf_miner_get_online (gamma));
  g_assert_cmpuint (count ("127.0.54.2", HF_ALERT_OFFLINE), ==, 1);
  g_assert_cmpuint (count ("127.0.54.2", HF_ALERT_BACK_ONLINE), ==, 1);
  g_assert_cmpuint (count ("127.0.54.3", HF_ALERT_OFFLINE), ==, 0);

  hf_fleet_stop (fleet);
  g_clear_object (&watch);
  g_clear_object (&fleet);
  g_clear_pointer (&alerts, g_ptr_array_unref);
  hf_test_sim_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/alerts/fleet", test_alerts);
  return g_test_run ();
}
