/* test-alerts.c — what deserves a notification, from a polled simulated fleet
 * SPDX-License-Identifier: MIT
 *
 * The app turns HfAlerts::alert into a GNotification; here the alerts
 * themselves are checked against hashfleet-sim (offline, back online, hot,
 * paused behind Hashfleet's back, and the cool-down that keeps a flapping
 * miner quiet), and every rule against synthetic readings on a clock the
 * test turns (/alerts/rules/…): thresholds, cool-downs, quiet hours, the
 * daily summary, and what a restart keeps.
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

  /* Paused behind Hashfleet's back: the Avalon in soft-off says so once
   * (hashing 0 is its pause, not a slow hashrate). */
  {
    Wait w = { 0 };
    hf_driver_action_async (hf_driver_for_family (HF_FAMILY_AVALON), nano, HF_ACTION_PAUSE,
                            config, NULL, done_cb, &w);
    hf_test_wait_for (&w.done, 5000);
    g_assert_true (w.ok);
  }
  g_assert_true (wait_alert ("127.0.54.4", HF_ALERT_PAUSED, 1, 8000));
  run_for (2500);
  g_assert_cmpuint (count ("127.0.54.4", HF_ALERT_PAUSED), ==, 1);
  g_assert_cmpuint (count ("127.0.54.4", HF_ALERT_LOW_HASHRATE), ==, 0);

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

/* ---- the rules, on synthetic readings and the test's own clock ---------- */

typedef struct
{
  HfFleet    *fleet;
  HfAlerts   *alerts;
  gint64      now;          /* wall µs */
  GHashTable *remembered;   /* what ::remember said: key → gint64* */
  GPtrArray  *said;         /* Said* */
} Rig;

typedef struct
{
  char        *address;     /* NULL: about the fleet */
  HfAlertKind  kind;
  char        *title;
  char        *body;
} Said;

static void
said_free (gpointer data)
{
  Said *s = data;
  g_free (s->address);
  g_free (s->title);
  g_free (s->body);
  g_free (s);
}

static gint64
rig_clock (gpointer data)
{
  return ((Rig *) data)->now;
}

static void
rig_alert_cb (HfAlerts   *source,
              HfMiner    *miner,
              int         kind,
              const char *title,
              const char *body,
              Rig        *rig)
{
  Said *s = g_new0 (Said, 1);

  s->address = miner != NULL ? g_strdup (hf_miner_get_address (miner)) : NULL;
  s->kind = kind;
  s->title = g_strdup (title);
  s->body = g_strdup (body);
  g_test_message ("said %s: %s — %s", hf_alert_kind_to_string (kind), title, body);
  g_ptr_array_add (rig->said, s);
}

static void
rig_remember_cb (HfAlerts   *source,
                 const char *key,
                 gint64      value,
                 Rig        *rig)
{
  g_hash_table_insert (rig->remembered, g_strdup (key), g_memdup2 (&value, sizeof value));
}

/* 2026-12-03 09:00 UTC, the rig's clock runs in UTC. */
#define RIG_START_US (G_GINT64_CONSTANT (1796288400) * G_USEC_PER_SEC)

static Rig *
rig_new (GHashTable *remembered)
{
  Rig *rig = g_new0 (Rig, 1);
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  HfAlertRules rules;

  rig->fleet = hf_fleet_new (config);
  rig->alerts = hf_alerts_new (rig->fleet);
  rig->now = RIG_START_US;
  rig->remembered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rig->said = g_ptr_array_new_with_free_func (said_free);
  hf_alerts_set_clock (rig->alerts, rig_clock, rig, utc);
  hf_alert_rules_init (&rules);
  hf_alerts_set_rules (rig->alerts, &rules);
  hf_alerts_load (rig->alerts, remembered);
  g_signal_connect (rig->alerts, "alert", G_CALLBACK (rig_alert_cb), rig);
  g_signal_connect (rig->alerts, "remember", G_CALLBACK (rig_remember_cb), rig);
  return rig;
}

static void
rig_free (Rig *rig)
{
  g_object_unref (rig->alerts);
  g_object_unref (rig->fleet);
  g_hash_table_unref (rig->remembered);
  g_ptr_array_unref (rig->said);
  g_free (rig);
}

static HfMiner *
rig_miner (Rig        *rig,
           const char *address,
           HfFamily    family)
{
  g_autoptr(HfMiner) miner = hf_miner_new (address, family);
  g_autofree char *mac = g_strdup_printf ("02:00:00:00:00:%02x",
                                          (guint) (g_str_hash (address) & 0xff));

  hf_miner_set_mac (miner, mac);
  hf_miner_set_hostname (miner, address);
  return hf_fleet_add (rig->fleet, miner);
}

/* A Bitaxe at work: 500 of 500 GH/s, 55 °C chip, 50 °C regulator, fan
 * running, 15 W measured. */
static HfReading *
good_reading (double accepted)
{
  HfReading *r = hf_reading_new ();

  r->timestamp = 0;
  r->hashrate_ghs = 500;
  r->expected_hashrate_ghs = 500;
  r->chip_temp_c = r->temperature_c = 55;
  r->vr_temp_c = 50;
  r->fan_rpm = 3000;
  r->power_w = 15;
  r->accepted = accepted;
  r->best_difficulty = 1000;
  return r;
}

static void
rig_read (Rig       *rig,
          HfMiner   *miner,
          HfReading *r,
          HfState    state)
{
  gboolean was_offline = !hf_miner_get_online (miner);

  r->timestamp = rig->now;
  hf_miner_set_reading (miner, r);
  hf_miner_set_error (miner, NULL);
  hf_miner_set_online (miner, TRUE);
  hf_miner_set_state (miner, state, rig->now);
  g_signal_emit_by_name (rig->fleet, "reading", miner, r);
  if (was_offline)
    g_signal_emit_by_name (rig->fleet, "miner-online", miner);
}

static void
rig_offline (Rig     *rig,
             HfMiner *miner,
             gint64   last_answer)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out");

  hf_miner_set_online (miner, FALSE);
  hf_miner_set_failure (miner, error);
  hf_miner_set_state (miner, HF_STATE_OFFLINE, last_answer);
  g_signal_emit_by_name (rig->fleet, "miner-offline", miner);
}

static void
rig_advance (Rig   *rig,
             guint  seconds)
{
  rig->now += (gint64) seconds * G_USEC_PER_SEC;
  hf_alerts_tick (rig->alerts);
}

static guint
rig_count (Rig         *rig,
           const char  *address,
           HfAlertKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < rig->said->len; i++)
    {
      Said *s = g_ptr_array_index (rig->said, i);
      n += s->kind == kind && g_strcmp0 (s->address, address) == 0;
    }
  return n;
}

static Said *
rig_last (Rig *rig)
{
  g_assert_cmpuint (rig->said->len, >, 0);
  return g_ptr_array_index (rig->said, rig->said->len - 1);
}

static void
test_rules_temperatures (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *axe = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfMiner *ant = rig_miner (rig, "127.0.0.3", HF_FAMILY_ANTMINER);
  HfAlertRules rules = *hf_alerts_get_rules (rig->alerts);

  rules.family_hot_c[HF_FAMILY_ANTMINER] = 85;
  rules.cooldown_s = 600;
  hf_alerts_set_rules (rig->alerts, &rules);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(HfReading) r = good_reading (i);
      g_autoptr(HfReading) a = good_reading (i);

      r->chip_temp_c = r->temperature_c = 76;   /* above 75 */
      a->chip_temp_c = a->temperature_c = 80;   /* under the Antminer's 85 */
      rig_read (rig, axe, r, HF_STATE_HASHING);
      rig_read (rig, ant, a, HF_STATE_HASHING);
      rig_advance (rig, 15);
    }
  /* Once on the way up, not on every hot reading. */
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_HOT), ==, 1);
  g_assert_cmpstr (rig_last (rig)->body, ==, "76.0 °C, above the 75 °C alert threshold.");
  g_assert_cmpuint (rig_count (rig, "127.0.0.3", HF_ALERT_HOT), ==, 0);

  /* Cools, heats again within the cool-down: quiet; after it: said. */
  {
    g_autoptr(HfReading) cool = good_reading (10);
    g_autoptr(HfReading) hot = good_reading (11);

    rig_read (rig, axe, cool, HF_STATE_HASHING);
    rig_advance (rig, 60);
    hot->chip_temp_c = hot->temperature_c = 77;
    rig_read (rig, axe, hot, HF_STATE_HASHING);
    g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_HOT), ==, 1);
    rig_read (rig, axe, cool, HF_STATE_HASHING);
    rig_advance (rig, 600);
    rig_read (rig, axe, hot, HF_STATE_HASHING);
    g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_HOT), ==, 2);
  }

  /* The regulator has its own threshold (90 °C). */
  {
    g_autoptr(HfReading) r = good_reading (20);

    r->vr_temp_c = 89;
    rig_read (rig, axe, r, HF_STATE_HASHING);
    g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_BOARD_HOT), ==, 0);
    r->vr_temp_c = 96;
    rig_read (rig, axe, r, HF_STATE_HASHING);
    rig_read (rig, axe, r, HF_STATE_HASHING);
    g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_BOARD_HOT), ==, 1);
    g_assert_nonnull (strstr (rig_last (rig)->body, "96.0 °C"));
  }

  /* A rule turned off says nothing. */
  {
    const char *off[] = { "hot", NULL };
    g_autoptr(HfReading) cool = good_reading (30);
    g_autoptr(HfReading) hot = good_reading (31);

    g_assert_true (hf_alert_rules_set_off (&rules, off, NULL));
    hf_alerts_set_rules (rig->alerts, &rules);
    rig_advance (rig, 3600);
    rig_read (rig, axe, cool, HF_STATE_HASHING);
    hot->chip_temp_c = hot->temperature_c = 90;
    rig_read (rig, axe, hot, HF_STATE_HASHING);
    g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_HOT), ==, 2);
  }
  rig_free (rig);
}

static void
test_rules_work (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfMiner *n = rig_miner (rig, "127.0.0.4", HF_FAMILY_AVALON);
  double accepted = 0;

  /* 70 % of the expected hashrate: said after 10 minutes, not before. */
  for (guint i = 0; i <= 40; i++)
    {
      g_autoptr(HfReading) r = good_reading (accepted++);

      r->hashrate_ghs = 350;
      rig_read (rig, m, r, HF_STATE_HASHING);
      if (i == 39)
        g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_LOW_HASHRATE), ==, 0);
      rig_advance (rig, 15);
    }
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_LOW_HASHRATE), ==, 1);
  g_assert_cmpstr (rig_last (rig)->body, ==, "70 % of its expected hashrate for 10 minutes.");

  /* Not hashing: once, on the way in. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(HfReading) r = good_reading (accepted);

      r->hashrate_ghs = 0;
      rig_read (rig, m, r, HF_STATE_NOT_HASHING);
      rig_advance (rig, 15);
    }
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_NOT_HASHING), ==, 1);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_LOW_HASHRATE), ==, 1);

  /* Paused by somebody else: said, and not as slow; paused by Hashfleet:
   * nothing. */
  {
    g_autoptr(HfReading) r = good_reading (0);
    g_autoptr(HfReading) work = good_reading (1);

    r->hashrate_ghs = 0;
    r->paused = TRUE;
    rig_read (rig, n, work, HF_STATE_HASHING);
    rig_read (rig, n, r, HF_STATE_PAUSED);
    g_assert_cmpuint (rig_count (rig, "127.0.0.4", HF_ALERT_PAUSED), ==, 1);
    g_assert_cmpstr (rig_last (rig)->title, ==, "127.0.0.4 is paused");
    rig_advance (rig, 3600);
    rig_read (rig, n, work, HF_STATE_HASHING);
    hf_alerts_expect_paused (rig->alerts, n, TRUE);
    rig_read (rig, n, r, HF_STATE_PAUSED);
    rig_advance (rig, 900);
    rig_read (rig, n, r, HF_STATE_PAUSED);
    g_assert_cmpuint (rig_count (rig, "127.0.0.4", HF_ALERT_PAUSED), ==, 1);
    g_assert_cmpuint (rig_count (rig, "127.0.0.4", HF_ALERT_LOW_HASHRATE), ==, 0);
    g_assert_cmpuint (rig_count (rig, "127.0.0.4", HF_ALERT_NO_SHARES), ==, 0);
  }
  rig_free (rig);
}

static void
test_rules_shares_pool_fan (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);

  /* Accepted stuck at 7 for 30 minutes: said once per stall, however
   * long it lasts; a share accepted ends the stall. */
  for (guint i = 0; i <= 4 * 60 * 2; i++)
    {
      g_autoptr(HfReading) r = good_reading (7);

      rig_read (rig, m, r, HF_STATE_HASHING);
      if (i == 119)
        g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_NO_SHARES), ==, 0);
      rig_advance (rig, 15);
    }
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_NO_SHARES), ==, 1);
  g_assert_cmpstr (rig_last (rig)->body, ==, "No share accepted by the pool for 30 minutes.");

  /* The fallback pool, on the way there. */
  {
    g_autoptr(HfReading) r = good_reading (8);

    r->fallback_pool = TRUE;
    r->pool_url = g_strdup ("stratum+tcp://backup.pool.test:3333");
    rig_read (rig, m, r, HF_STATE_FALLBACK_POOL);
    rig_read (rig, m, r, HF_STATE_FALLBACK_POOL);
    g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_POOL_SWITCHED), ==, 1);
    g_assert_nonnull (strstr (rig_last (rig)->body, "backup.pool.test"));
  }

  /* A fan at 0 rpm while hashing; not while paused. */
  {
    g_autoptr(HfReading) r = good_reading (9);
    g_autoptr(HfReading) p = good_reading (9);

    r->fan_rpm = 0;
    rig_read (rig, m, r, HF_STATE_HASHING);
    rig_read (rig, m, r, HF_STATE_HASHING);
    g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_FAN_STOPPED), ==, 1);
    rig_advance (rig, 7200);
    p->fan_rpm = 0;
    p->hashrate_ghs = 0;
    p->paused = TRUE;
    hf_alerts_expect_paused (rig->alerts, m, TRUE);
    rig_read (rig, m, p, HF_STATE_PAUSED);
    rig_read (rig, m, p, HF_STATE_PAUSED);
    g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_FAN_STOPPED), ==, 1);
  }
  rig_free (rig);
}

static void
test_rules_best (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *a = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfMiner *b = rig_miner (rig, "127.0.0.3", HF_FAMILY_AXEOS);
  HfMiner *c = rig_miner (rig, "127.0.0.4", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) r = good_reading (1);
  HfAlertRules rules = *hf_alerts_get_rules (rig->alerts);

  rules.cooldown_s = 0;
  hf_alerts_set_rules (rig->alerts, &rules);

  /* First readings are where each miner starts: no news. */
  rig_read (rig, a, r, HF_STATE_HASHING);
  r->best_difficulty = 5000;
  rig_read (rig, b, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig->said->len, ==, 0);

  /* A's own best, not the fleet's. */
  r->best_difficulty = 2000;
  rig_read (rig, a, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_BEST_DIFFICULTY), ==, 1);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_FLEET_BEST_DIFFICULTY), ==, 0);
  /* Lower again (a cgminer restarted): no news; the same: none either. */
  r->best_difficulty = 1500;
  rig_read (rig, a, r, HF_STATE_HASHING);
  r->best_difficulty = 2000;
  rig_read (rig, a, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig->said->len, ==, 1);

  /* Above B's 5000: the fleet's best, said once (not also as A's). */
  r->best_difficulty = 6000;
  rig_read (rig, a, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_FLEET_BEST_DIFFICULTY), ==, 1);
  g_assert_cmpuint (rig->said->len, ==, 2);

  /* A miner joining with a great past moves the record without a word. */
  r->best_difficulty = 1e9;
  rig_read (rig, c, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig->said->len, ==, 2);
  r->best_difficulty = 7000;
  rig_read (rig, a, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_BEST_DIFFICULTY), ==, 2);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_FLEET_BEST_DIFFICULTY), ==, 1);
  rig_free (rig);
}

static void
test_rules_offline_after (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfMiner *brief = rig_miner (rig, "127.0.0.3", HF_FAMILY_AXEOS);
  HfAlertRules rules = *hf_alerts_get_rules (rig->alerts);
  g_autoptr(HfReading) r = good_reading (1);
  gint64 last_answer;

  rules.offline_after_s = 5 * 60;
  hf_alerts_set_rules (rig->alerts, &rules);
  rig_read (rig, m, r, HF_STATE_HASHING);
  rig_read (rig, brief, r, HF_STATE_HASHING);
  last_answer = rig->now;
  rig_advance (rig, 45);
  rig_offline (rig, m, last_answer);
  rig_offline (rig, brief, last_answer);
  for (guint i = 0; i < 16; i++)    /* to 4 min 45 s of silence */
    rig_advance (rig, 15);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_OFFLINE), ==, 0);
  /* Back after less than five minutes: neither offline nor back. */
  rig_read (rig, brief, r, HF_STATE_HASHING);
  rig_advance (rig, 15);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_OFFLINE), ==, 1);
  g_assert_cmpstr (rig_last (rig)->body, ==, "127.0.0.2 has not answered for 5m 0s: timed out");
  for (guint i = 0; i < 40; i++)
    rig_advance (rig, 15);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_OFFLINE), ==, 1);
  rig_read (rig, m, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_BACK_ONLINE), ==, 1);
  g_assert_cmpuint (rig_count (rig, "127.0.0.3", HF_ALERT_OFFLINE), ==, 0);
  g_assert_cmpuint (rig_count (rig, "127.0.0.3", HF_ALERT_BACK_ONLINE), ==, 0);
  rig_free (rig);
}

static void
test_rules_quiet_hours (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfAlertRules rules = *hf_alerts_get_rules (rig->alerts);
  g_autoptr(HfReading) hot = good_reading (1);
  g_autoptr(HfReading) cool = good_reading (2);
  g_autoptr(GError) error = NULL;

  g_assert_false (hf_alert_rules_parse_quiet (&rules, "25:00-07:00", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_true (hf_alert_rules_parse_quiet (&rules, "22:00-07:00", NULL));
  hf_alerts_set_rules (rig->alerts, &rules);
  hot->chip_temp_c = hot->temperature_c = 80;

  /* 09:00 → 23:00: inside the quiet hours, held. */
  rig->now += (gint64) 14 * 3600 * G_USEC_PER_SEC;
  rig_read (rig, m, hot, HF_STATE_HASHING);
  rig_read (rig, m, cool, HF_STATE_HASHING);
  rig_advance (rig, 600);
  rig_read (rig, m, hot, HF_STATE_HASHING);   /* within the cool-down */
  g_assert_cmpuint (rig->said->len, ==, 0);
  /* 06:59: still quiet; 07:00: one digest. */
  rig_advance (rig, 8 * 3600 - 600 - 60);
  g_assert_cmpuint (rig->said->len, ==, 0);
  rig_advance (rig, 60);
  g_assert_cmpuint (rig->said->len, ==, 1);
  g_assert_cmpint (rig_last (rig)->kind, ==, HF_ALERT_QUIET_DIGEST);
  g_assert_null (rig_last (rig)->address);
  g_assert_cmpstr (rig_last (rig)->title, ==, "1 alert in the quiet hours");
  g_assert_cmpstr (rig_last (rig)->body, ==, "127.0.0.2 is running hot");
  rig_advance (rig, 60);
  g_assert_cmpuint (rig->said->len, ==, 1);
  /* In the day: at once. */
  rig_read (rig, m, cool, HF_STATE_HASHING);
  rig_read (rig, m, hot, HF_STATE_HASHING);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_HOT), ==, 1);

  /* A night of 25 alerts: 20 lines, then how many more. */
  rig_advance (rig, 16 * 3600);   /* 23:02 */
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *address = g_strdup_printf ("127.0.1.%u", i + 1);
      HfMiner *other = rig_miner (rig, address, HF_FAMILY_AXEOS);

      rig_read (rig, other, hot, HF_STATE_HASHING);
    }
  rig_advance (rig, 8 * 3600);    /* 07:02 */
  g_assert_cmpint (rig_last (rig)->kind, ==, HF_ALERT_QUIET_DIGEST);
  g_assert_cmpstr (rig_last (rig)->title, ==, "25 alerts in the quiet hours");
  {
    g_auto(GStrv) lines = g_strsplit (rig_last (rig)->body, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 21);
    g_assert_cmpstr (lines[0], ==, "127.0.1.1 is running hot");
    g_assert_cmpstr (lines[20], ==, "and 5 more");
  }
  rig_free (rig);
}

static void
test_rules_summary (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *a = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfMiner *b = rig_miner (rig, "127.0.0.3", HF_FAMILY_AXEOS);
  HfAlertRules rules = *hf_alerts_get_rules (rig->alerts);
  g_autoptr(HfReading) r = good_reading (1);
  Said *summary = NULL;

  g_assert_true (hf_alert_rules_parse_summary (&rules, "08:00", NULL));
  hf_alerts_set_rules (rig->alerts, &rules);
  r->power_w = 100;
  rig_read (rig, a, r, HF_STATE_HASHING);
  rig_read (rig, b, r, HF_STATE_HASHING);
  /* 09:00 to 08:00 the next day, a tick a minute; B is offline for the
   * last 11.5 hours.  A: 23 h × 100 W, B: 11.5 h × 100 W = 3.45 kWh;
   * uptime 34.5 of 46 miner-hours = 75 %; hashrate 500 GH/s while both
   * answer, 250 on average over B's outage: 750 GH/s on average. */
  hf_alerts_tick (rig->alerts);
  for (guint minute = 1; minute <= 23 * 60; minute++)
    {
      if (minute == 690)
        rig_offline (rig, b, rig->now);
      rig_advance (rig, 60);
    }
  g_assert_cmpuint (rig_count (rig, "127.0.0.3", HF_ALERT_OFFLINE), ==, 1);
  g_assert_cmpuint (rig_count (rig, NULL, HF_ALERT_DAILY_SUMMARY), ==, 1);
  summary = rig_last (rig);
  g_assert_cmpstr (summary->title, ==, "Hashfleet daily summary");
  g_assert_cmpstr (summary->body, ==,
                   "Average hashrate 750 GH/s, uptime 75.0 %, energy 3.45 kWh.\n"
                   "1 × Miner offline");
  /* Once a day. */
  for (guint minute = 0; minute < 120; minute++)
    rig_advance (rig, 60);
  g_assert_cmpuint (rig_count (rig, NULL, HF_ALERT_DAILY_SUMMARY), ==, 1);
  rig_free (rig);
}

/* What was said survives a restart: cool-downs, the best difficulty, a
 * pause Hashfleet asked for, an offline whose return is news, and the
 * day of the last summary. */
static void
test_rules_restart (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfMiner *p = rig_miner (rig, "127.0.0.3", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) r = good_reading (1);
  g_autoptr(HfReading) paused = good_reading (1);
  g_autoptr(GHashTable) kept = NULL;
  gint64 now;

  r->chip_temp_c = r->temperature_c = 80;
  rig_read (rig, m, r, HF_STATE_HASHING);
  r->chip_temp_c = r->temperature_c = 55;
  r->best_difficulty = 2000;
  rig_read (rig, m, r, HF_STATE_HASHING);
  rig_read (rig, p, r, HF_STATE_HASHING);
  hf_alerts_expect_paused (rig->alerts, p, TRUE);
  rig_offline (rig, m, rig->now);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_HOT), ==, 1);
  /* Alone in its fleet until then: its best is the fleet's. */
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_FLEET_BEST_DIFFICULTY), ==, 1);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_OFFLINE), ==, 1);
  kept = g_hash_table_ref (rig->remembered);
  now = rig->now;
  rig_free (rig);

  /* Ten minutes later, a new run over what was kept. */
  rig = rig_new (kept);
  rig->now = now + (gint64) 600 * G_USEC_PER_SEC;
  m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  p = rig_miner (rig, "127.0.0.3", HF_FAMILY_AXEOS);
  r->chip_temp_c = r->temperature_c = 80;
  r->best_difficulty = 1800;
  rig_read (rig, m, r, HF_STATE_HASHING);
  /* Back: news, since its offline was said. */
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_BACK_ONLINE), ==, 1);
  /* Hot again within the cool-down of the first run; best below its
   * record: nothing. */
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_HOT), ==, 0);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_FLEET_BEST_DIFFICULTY), ==, 0);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_BEST_DIFFICULTY), ==, 0);
  /* Still paused as Hashfleet asked before the restart: no surprise. */
  paused->paused = TRUE;
  paused->hashrate_ghs = 0;
  rig_read (rig, p, paused, HF_STATE_PAUSED);
  g_assert_cmpuint (rig_count (rig, "127.0.0.3", HF_ALERT_PAUSED), ==, 0);
  /* Above the kept record, past the cool-down: news. */
  rig->now += (gint64) 3600 * G_USEC_PER_SEC;
  r->best_difficulty = 2500;
  rig_read (rig, m, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_FLEET_BEST_DIFFICULTY), ==, 1);
  rig_free (rig);
}

static void
test_rules_names (void)
{
  HfAlertRules rules;
  const char *bad[] = { "hot", "lava", NULL };
  g_autoptr(GError) error = NULL;
  HfAlertKind kind;

  hf_alert_rules_init (&rules);
  for (guint k = 0; k < HF_N_ALERT_KINDS; k++)
    {
      g_assert_true (hf_alert_kind_from_string (hf_alert_kind_to_string (k), &kind));
      g_assert_cmpint (kind, ==, k);
      g_assert_cmpstr (hf_alert_kind_label (k), !=, "");
    }
  g_assert_false (hf_alert_rules_set_off (&rules, bad, &error));
  g_assert_cmpstr (error->message, ==, "“lava” names no alert rule");
  g_assert_cmpuint (rules.off, ==, 0);
  g_assert_false (hf_alert_rules_parse_summary (&rules, "8am", NULL));
  g_assert_true (hf_alert_rules_parse_summary (&rules, "", NULL));
  g_assert_cmpint (rules.summary_min, ==, -1);
}

/* ---- what a review found (each failed before its fix) ------------------- */

static HfReading *
reading_with (double accepted,
              double best)
{
  HfReading *r = good_reading (accepted);

  r->best_difficulty = best;
  return r;
}

/* A miner whose "offline" was said, found answering by the first poll
 * after a restart (the fleet calls it no return): its return is said, and
 * its next outage is said too. */
static void
test_review_return_after_restart (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) r = good_reading (1);
  g_autoptr(GHashTable) kept = NULL;
  gint64 now;

  rig_read (rig, m, r, HF_STATE_HASHING);
  rig_offline (rig, m, rig->now);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_OFFLINE), ==, 1);
  kept = g_hash_table_ref (rig->remembered);
  now = rig->now;
  rig_free (rig);

  rig = rig_new (kept);
  rig->now = now + (gint64) 3 * 3600 * G_USEC_PER_SEC;
  m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  hf_miner_set_online (m, TRUE);          /* no "miner-online" from the fleet */
  rig_read (rig, m, r, HF_STATE_HASHING);
  rig_read (rig, m, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_BACK_ONLINE), ==, 1);
  rig_advance (rig, 3600);
  rig_offline (rig, m, rig->now);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_OFFLINE), ==, 1);
  rig_free (rig);
}

/* "Back online" answers a said "offline" whatever its own cool-down. */
static void
test_review_back_online_cooldown (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) r = good_reading (1);
  HfAlertRules rules = *hf_alerts_get_rules (rig->alerts);

  rules.cooldown_s = 3600;
  hf_alerts_set_rules (rig->alerts, &rules);
  rig_read (rig, m, r, HF_STATE_HASHING);
  rig_offline (rig, m, rig->now);                 /* t0: said */
  rig->now += (gint64) 59 * 60 * G_USEC_PER_SEC;
  rig_read (rig, m, r, HF_STATE_HASHING);         /* t0 + 59 min: back, said */
  rig->now += (gint64) 60 * G_USEC_PER_SEC;
  rig_offline (rig, m, rig->now);                 /* t0 + 60 min: said again */
  rig->now += (gint64) 60 * G_USEC_PER_SEC;
  rig_read (rig, m, r, HF_STATE_HASHING);         /* 2 min after the last back */
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_OFFLINE), ==, 2);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_BACK_ONLINE), ==, 2);
  g_assert_cmpint (rig_last (rig)->kind, ==, HF_ALERT_BACK_ONLINE);
  rig_free (rig);
}

/* What still stands after a restart is not said again (past every
 * cool-down), and a best difficulty with a fraction is no new record. */
static void
test_review_standing_and_best_restart (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) base = reading_with (1, 1000);
  g_autoptr(HfReading) r = reading_with (2, 1070000000.5);
  g_autoptr(GHashTable) kept = NULL;
  gint64 now;

  r->fallback_pool = TRUE;
  r->chip_temp_c = r->temperature_c = 80;
  rig_read (rig, m, base, HF_STATE_HASHING);
  rig_read (rig, m, r, HF_STATE_FALLBACK_POOL);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_POOL_SWITCHED), ==, 1);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_HOT), ==, 1);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_FLEET_BEST_DIFFICULTY), ==, 1);
  kept = g_hash_table_ref (rig->remembered);
  now = rig->now;
  rig_free (rig);

  rig = rig_new (kept);
  rig->now = now + (gint64) 2 * 3600 * G_USEC_PER_SEC;
  m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  rig_read (rig, m, r, HF_STATE_FALLBACK_POOL);
  g_assert_cmpuint (rig->said->len, ==, 0);
  rig_free (rig);
}

/* No accepted share is counted only while hashing: a resume after a long
 * pause starts the clock again. */
static void
test_review_no_shares_after_pause (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) r = good_reading (5);
  g_autoptr(HfReading) p = good_reading (5);

  p->paused = TRUE;
  p->hashrate_ghs = 0;
  hf_alerts_expect_paused (rig->alerts, m, TRUE);
  rig_read (rig, m, r, HF_STATE_HASHING);
  for (guint i = 0; i < 120; i++)
    {
      rig_read (rig, m, p, HF_STATE_PAUSED);
      rig_advance (rig, 60);
    }
  rig_read (rig, m, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_NO_SHARES), ==, 0);
  for (guint i = 0; i < 31; i++)
    {
      rig_advance (rig, 60);
      rig_read (rig, m, r, HF_STATE_HASHING);
    }
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_NO_SHARES), ==, 1);
  g_assert_cmpstr (rig_last (rig)->body, ==, "No share accepted by the pool for 30 minutes.");
  rig_free (rig);
}

/* The summary's average is over the time watched: three days closed are
 * not three days at 0 H/s. */
static void
test_review_summary_watched (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfAlertRules rules = *hf_alerts_get_rules (rig->alerts);
  g_autoptr(HfReading) r = good_reading (1);

  g_assert_true (hf_alert_rules_parse_summary (&rules, "08:00", NULL));
  hf_alerts_set_rules (rig->alerts, &rules);
  rig_read (rig, m, r, HF_STATE_HASHING);
  hf_alerts_tick (rig->alerts);
  for (guint i = 0; i < 120; i++)           /* 09:00 to 11:00 */
    rig_advance (rig, 60);
  rig_advance (rig, 3 * 24 * 3600);         /* three days later */
  g_assert_cmpuint (rig_count (rig, NULL, HF_ALERT_DAILY_SUMMARY), ==, 1);
  g_assert_true (g_str_has_prefix (rig_last (rig)->body,
                                   "Average hashrate 500 GH/s, uptime 100.0 %, energy 0.03 kWh."));
  rig_free (rig);
}

/* A miner that says its MAC only later keeps what was said about it. */
static void
test_review_mac_learned (void)
{
  Rig *rig = rig_new (NULL);
  g_autoptr(HfMiner) bare = hf_miner_new ("127.0.0.9", HF_FAMILY_AXEOS);
  HfMiner *m = hf_fleet_add (rig->fleet, bare);
  g_autoptr(HfReading) r = good_reading (1);

  rig_read (rig, m, r, HF_STATE_HASHING);
  rig_offline (rig, m, rig->now);
  g_assert_cmpuint (rig_count (rig, "127.0.0.9", HF_ALERT_OFFLINE), ==, 1);
  hf_miner_set_mac (m, "02:00:00:00:00:99");
  rig_read (rig, m, r, HF_STATE_HASHING);
  g_assert_cmpuint (rig_count (rig, "127.0.0.9", HF_ALERT_BACK_ONLINE), ==, 1);
  rig_free (rig);
}

/* A pause Hashfleet asked for ends when the miner hashes again (resumed
 * on its own page): a later pause is news. */
static void
test_review_pause_forgotten (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) r = good_reading (1);
  g_autoptr(HfReading) p = good_reading (1);

  p->paused = TRUE;
  rig_read (rig, m, r, HF_STATE_HASHING);
  hf_alerts_expect_paused (rig->alerts, m, TRUE);
  rig_read (rig, m, r, HF_STATE_HASHING);   /* the pause not in effect yet */
  rig_read (rig, m, p, HF_STATE_PAUSED);
  rig_read (rig, m, r, HF_STATE_HASHING);   /* resumed elsewhere */
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_PAUSED), ==, 0);
  rig_read (rig, m, p, HF_STATE_PAUSED);
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_PAUSED), ==, 1);
  rig_free (rig);
}

/* Slow is said once a spell, however long it lasts; with no cool-down a
 * flapping miner's night is counted, not kept whole. */
static void
test_review_slow_once_and_held_cap (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfAlertRules rules = *hf_alerts_get_rules (rig->alerts);
  g_autoptr(HfReading) slow = good_reading (1);
  g_autoptr(HfReading) hot = good_reading (1);
  g_autoptr(HfReading) cool = good_reading (1);

  slow->hashrate_ghs = 300;
  for (guint i = 0; i < 3 * 60; i++)        /* three hours slow */
    {
      slow->accepted = i;
      rig_read (rig, m, slow, HF_STATE_HASHING);
      rig_advance (rig, 60);
    }
  g_assert_cmpuint (rig_count (rig, "127.0.0.2", HF_ALERT_LOW_HASHRATE), ==, 1);

  rules.cooldown_s = 0;
  g_assert_true (hf_alert_rules_parse_quiet (&rules, "00:00-23:59", NULL));
  hf_alerts_set_rules (rig->alerts, &rules);
  hot->chip_temp_c = hot->temperature_c = 90;
  for (guint i = 0; i < 1000; i++)
    {
      rig_read (rig, m, hot, HF_STATE_HASHING);
      rig_read (rig, m, cool, HF_STATE_HASHING);
    }
  rules.quiet_start_min = rules.quiet_end_min = 0;
  hf_alerts_set_rules (rig->alerts, &rules);
  rig_advance (rig, 60);
  g_assert_cmpint (rig_last (rig)->kind, ==, HF_ALERT_QUIET_DIGEST);
  g_assert_cmpstr (rig_last (rig)->title, ==, "1000 alerts in the quiet hours");
  g_assert_true (g_str_has_suffix (rig_last (rig)->body, "\nand 980 more"));
  rig_free (rig);
}

/* A restart in the quiet hours keeps what was held: the digest still
 * tells of the outage. */
static void
test_review_quiet_restart (void)
{
  Rig *rig = rig_new (NULL);
  HfMiner *m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  HfAlertRules rules = *hf_alerts_get_rules (rig->alerts);
  g_autoptr(HfReading) r = good_reading (1);
  g_autoptr(GHashTable) kept = NULL;
  gint64 now;

  g_assert_true (hf_alert_rules_parse_quiet (&rules, "22:00-07:00", NULL));
  hf_alerts_set_rules (rig->alerts, &rules);
  rig->now += (gint64) 14 * 3600 * G_USEC_PER_SEC;      /* 23:00 */
  rig_read (rig, m, r, HF_STATE_HASHING);
  rig_offline (rig, m, rig->now);
  g_assert_cmpuint (rig->said->len, ==, 0);
  kept = g_hash_table_ref (rig->remembered);
  now = rig->now;
  rig_free (rig);

  rig = rig_new (kept);                                  /* 03:00 */
  hf_alerts_set_rules (rig->alerts, &rules);
  rig->now = now + (gint64) 4 * 3600 * G_USEC_PER_SEC;
  m = rig_miner (rig, "127.0.0.2", HF_FAMILY_AXEOS);
  rig_offline (rig, m, now);
  rig_advance (rig, 4 * 3600);                           /* 07:00 */
  g_assert_cmpuint (rig->said->len, ==, 1);
  g_assert_cmpstr (rig_last (rig)->title, ==, "1 alert in the quiet hours");
  g_assert_cmpstr (rig_last (rig)->body, ==, "Miner offline: 127.0.0.2");
  rig_free (rig);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/alerts/fleet", test_alerts);
  g_test_add_func ("/alerts/rules/temperatures", test_rules_temperatures);
  g_test_add_func ("/alerts/rules/work", test_rules_work);
  g_test_add_func ("/alerts/rules/shares-pool-fan", test_rules_shares_pool_fan);
  g_test_add_func ("/alerts/rules/best-difficulty", test_rules_best);
  g_test_add_func ("/alerts/rules/offline-after", test_rules_offline_after);
  g_test_add_func ("/alerts/rules/quiet-hours", test_rules_quiet_hours);
  g_test_add_func ("/alerts/rules/daily-summary", test_rules_summary);
  g_test_add_func ("/alerts/rules/restart", test_rules_restart);
  g_test_add_func ("/alerts/rules/names", test_rules_names);
  g_test_add_func ("/alerts/review/return-after-restart", test_review_return_after_restart);
  g_test_add_func ("/alerts/review/back-online-cooldown", test_review_back_online_cooldown);
  g_test_add_func ("/alerts/review/standing-and-best-restart", test_review_standing_and_best_restart);
  g_test_add_func ("/alerts/review/no-shares-after-pause", test_review_no_shares_after_pause);
  g_test_add_func ("/alerts/review/summary-watched", test_review_summary_watched);
  g_test_add_func ("/alerts/review/mac-learned", test_review_mac_learned);
  g_test_add_func ("/alerts/review/pause-forgotten", test_review_pause_forgotten);
  g_test_add_func ("/alerts/review/slow-once-and-held-cap", test_review_slow_once_and_held_cap);
  g_test_add_func ("/alerts/review/quiet-restart", test_review_quiet_restart);
  return g_test_run ();
}
