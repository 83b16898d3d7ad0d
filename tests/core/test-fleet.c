/* test-fleet.c — HfFleet: totals, offline and back, identity, the poller
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "hf-driver.h"
#include "hf-error.h"
#include "hf-fleet.h"
#include "hf-identify.h"
#include "hf-test-utils.h"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18580\ncgminer-port=14580\nstatic=true\nrestart-seconds=2\n"
  "[miner 127.0.26.2]\nprofile=gamma\n"
  "[miner 127.0.26.3]\nprofile=s19pro\n"
  "[miner 127.0.26.4]\nprofile=m30s\n"
  "[miner 127.0.26.5]\nprofile=nano3s\n"
  "[miner 127.0.26.9]\nprofile=gamma\nfault=hang\n"
  "[miner 127.0.26.10]\nprofile=gamma\nfault=slow\n";

static HfTestSim *sim;

static HfConfig *
config_new (void)
{
  HfConfig *config = hf_config_new ();

  config->http_port = 18580;
  config->cgminer_port = 14580;
  config->timeout_ms = 1000;
  return config;
}

typedef struct
{
  gboolean done;
  HfMiner *miner;
} Ident;

static void
identified_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Ident *id = data;

  id->miner = hf_identify_finish (result, NULL);
  id->done = TRUE;
}

static HfMiner *
identify (const char *ip)
{
  g_autoptr(HfConfig) config = config_new ();
  Ident id = { 0, };

  hf_identify_async (ip, config, NULL, identified_cb, &id);
  hf_test_wait_for (&id.done, 5000);
  g_assert_nonnull (id.miner);
  return id.miner;
}

typedef struct
{
  guint cycles;
  guint polled;
  guint answered;
  guint elapsed_ms;
  guint offline;
  guint online;
  guint readings;
} Counts;

static void
cycle_cb (HfFleet *fleet, guint polled, guint answered, guint elapsed, Counts *c)
{
  c->cycles++;
  c->polled = polled;
  c->answered = answered;
  c->elapsed_ms = elapsed;
}

static void offline_cb (HfFleet *f, HfMiner *m, Counts *c) { c->offline++; }
static void online_cb (HfFleet *f, HfMiner *m, Counts *c) { c->online++; }
static void reading_cb (HfFleet *f, HfMiner *m, HfReading *r, Counts *c) { c->readings++; }

static HfFleet *
fleet_of (const char * const *ips,
          Counts             *counts)
{
  g_autoptr(HfConfig) config = config_new ();
  HfFleet *fleet = hf_fleet_new (config);

  for (guint i = 0; ips[i] != NULL; i++)
    {
      g_autoptr(HfMiner) miner = identify (ips[i]);
      hf_fleet_add (fleet, miner);
    }
  g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_cb), counts);
  g_signal_connect (fleet, "miner-offline", G_CALLBACK (offline_cb), counts);
  g_signal_connect (fleet, "miner-online", G_CALLBACK (online_cb), counts);
  g_signal_connect (fleet, "reading", G_CALLBACK (reading_cb), counts);
  return fleet;
}

static void
run_cycle (HfFleet *fleet,
           Counts  *counts)
{
  guint before = counts->cycles;

  g_assert_true (hf_fleet_poll_now (fleet));
  while (counts->cycles == before)
    g_main_context_iteration (NULL, TRUE);
  /* let the coalesced totals run */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-6 * MAX (1.0, fabs ((double) (b))))

static void
count_notify (guint *n)
{
  (*n)++;
}

static void
test_totals (void)
{
  const char *ips[] = { "127.0.26.2", "127.0.26.3", "127.0.26.4", "127.0.26.5", NULL };
  Counts counts = { 0, };
  g_autoptr(HfFleet) fleet = fleet_of (ips, &counts);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 4);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fleet)) == HF_TYPE_MINER);
  run_cycle (fleet, &counts);

  g_assert_cmpuint (counts.polled, ==, 4);
  g_assert_cmpuint (counts.answered, ==, 4);
  g_assert_cmpuint (counts.readings, ==, 4);
  /* The simulator's static values: Gamma 1100, S19 Pro 109500, M30S+
   * 100000, Nano3s 6000 GH/s; power 17.8 + 29.5 × 109.5 (est.) + 3400 + 140. */
  assert_near (hf_fleet_get_hashrate_ghs (fleet), 1100 + 109500 + 100000 + 6000);
  assert_near (hf_fleet_get_power_w (fleet), 17.8 + 29.5 * 109.5 + 3400 + 140);
  g_assert_true (hf_fleet_get_power_estimated (fleet));
  assert_near (hf_fleet_get_efficiency_j_th (fleet),
               (17.8 + 29.5 * 109.5 + 3400 + 140) / ((1100 + 109500 + 100000 + 6000) / 1000.0));
  assert_near (hf_fleet_get_hottest_c (fleet), 82.5);
  assert_near (hf_fleet_get_average_temperature_c (fleet), (58.5 + 76 + 82.5 + 78) / 4);
  g_assert_cmpuint (hf_fleet_get_online_count (fleet), ==, 4);
  g_assert_cmpuint (hf_fleet_get_offline_count (fleet), ==, 0);
  g_assert_cmpuint (hf_fleet_get_total_count (fleet), ==, 4);

  /* A second cycle with the same (static) numbers notifies nothing. */
  {
    guint notified = 0;
    gulong id = g_signal_connect_swapped (fleet, "notify::hashrate-ghs",
                                          G_CALLBACK (count_notify), &notified);
    run_cycle (fleet, &counts);
    g_signal_handler_disconnect (fleet, id);
    g_assert_cmpuint (counts.cycles, ==, 2);
    g_assert_cmpuint (notified, ==, 0);
  }
}

/* Shares no miner reports are unknown in the totals, not 0 (the header
 * says "—" then): each miner's share sums start unknown. */
static void
test_unknown_shares (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfMiner) m = hf_miner_new ("127.0.26.90", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) r = hf_reading_new ();
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  r->timestamp = g_get_real_time ();
  r->hashrate_ghs = 1000;
  hf_miner_set_reading (m, r);
  hf_miner_set_online (m, TRUE);
  hf_fleet_add (fleet, m);
  /* The totals are coalesced in an idle. */
  while (isnan (hf_fleet_get_hashrate_ghs (fleet)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  assert_near (hf_fleet_get_hashrate_ghs (fleet), 1000);
  g_assert_true (isnan (hf_fleet_get_accepted (fleet)));
  g_assert_true (isnan (hf_fleet_get_rejected (fleet)));
}

/* A Whatsminer known on API v3, found again by a rescan on v2 because its
 * v3 port was busy or slow this time: it stays on v3.  Only a confirmed
 * answer (the v3 port answered, and not as v3) moves it back. */
static HfMiner *
whatsminer_at (const char *ip, guint api_version, guint16 port, gboolean confirmed)
{
  HfMiner *m = hf_miner_new (ip, HF_FAMILY_WHATSMINER);

  hf_miner_set_mac (m, "02:48:46:00:11:30");
  hf_miner_set_api_version (m, api_version);
  hf_miner_set_cgminer_port (m, port);
  hf_miner_set_api_version_confirmed (m, confirmed);
  return m;
}

static void
test_v3_not_lowered (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfMiner) v3 = whatsminer_at ("127.0.113.30", 3, 4433, TRUE);
  g_autoptr(HfMiner) again = whatsminer_at ("127.0.113.30", 0, 4028, FALSE);
  g_autoptr(HfMiner) moved = whatsminer_at ("127.0.113.31", 0, 4028, FALSE);
  g_autoptr(HfMiner) really = whatsminer_at ("127.0.113.31", 0, 4028, TRUE);

  g_assert_true (hf_fleet_add (fleet, v3) == v3);
  g_assert_true (hf_fleet_add (fleet, again) == v3);
  g_assert_cmpuint (hf_miner_get_api_version (v3), ==, 3);
  g_assert_cmpuint (hf_miner_get_cgminer_port (v3), ==, 4433);
  /* Moved by DHCP, v3 port silent: the new address, still v3. */
  g_assert_true (hf_fleet_add (fleet, moved) == v3);
  g_assert_cmpstr (hf_miner_get_address (v3), ==, "127.0.113.31");
  g_assert_cmpuint (hf_miner_get_api_version (v3), ==, 3);
  g_assert_cmpuint (hf_miner_get_cgminer_port (v3), ==, 4433);
  /* The v3 port answered and is not v3 (firmware downgraded): v2 now. */
  g_assert_true (hf_fleet_add (fleet, really) == v3);
  g_assert_cmpuint (hf_miner_get_api_version (v3), ==, 0);
  g_assert_cmpuint (hf_miner_get_cgminer_port (v3), ==, 4028);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 1);
}

static void
restarted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  *(gboolean *) data = hf_driver_restart_finish (HF_DRIVER (source), result, NULL);
}

static void
test_offline_and_back (void)
{
  const char *ips[] = { "127.0.26.2", "127.0.26.4", NULL };
  Counts counts = { 0, };
  g_autoptr(HfFleet) fleet = fleet_of (ips, &counts);
  g_autoptr(HfConfig) config = config_new ();
  HfMiner *gamma = hf_fleet_lookup_address (fleet, "127.0.26.2");
  HfMiner *s9 = hf_fleet_lookup_address (fleet, "127.0.26.4");
  gboolean restarted = FALSE;
  double all, shares, before_reboot;
  guint cycles;

  run_cycle (fleet, &counts);
  all = hf_fleet_get_hashrate_ghs (fleet);
  assert_near (all, 1100 + 100000);
  shares = hf_fleet_get_accepted (fleet);
  g_assert_cmpfloat (shares, >, 0);

  /* Reboot the Gamma: the simulator drops it for 2 s. */
  hf_driver_restart_async (hf_driver_for_family (HF_FAMILY_AXEOS), gamma, config, NULL,
                           restarted_cb, &restarted);
  hf_test_wait_for (&restarted, 5000);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.26.2", 1, 2000), ==, 1);

  /* Two misses: still online (it may be a blip). */
  run_cycle (fleet, &counts);
  run_cycle (fleet, &counts);
  g_assert_true (hf_miner_get_online (gamma));
  g_assert_cmpuint (counts.offline, ==, 0);
  g_assert_nonnull (hf_miner_get_error (gamma));

  /* The third: offline, out of the totals, last reading kept. */
  run_cycle (fleet, &counts);
  g_assert_false (hf_miner_get_online (gamma));
  g_assert_cmpuint (counts.offline, ==, 1);
  g_assert_cmpuint (hf_fleet_get_online_count (fleet), ==, 1);
  g_assert_cmpuint (hf_fleet_get_offline_count (fleet), ==, 1);
  assert_near (hf_fleet_get_hashrate_ghs (fleet), 100000);
  g_assert_nonnull (hf_miner_get_reading (gamma));
  g_assert_cmpint (hf_miner_get_last_seen (gamma), >, 0);
  /* Its shares were accepted all the same: the total keeps them, its
   * last count beside the other's newest. */
  before_reboot = hf_miner_get_reading (gamma)->accepted;
  g_assert_cmpfloat (before_reboot, >, 0);
  assert_near (hf_fleet_get_accepted (fleet),
               before_reboot + hf_miner_get_reading (s9)->accepted);
  shares = hf_fleet_get_accepted (fleet);

  /* Back after the reboot: online again within a few cycles of backoff. */
  g_usleep (2200 * 1000);
  for (cycles = 0; cycles < 4 && !hf_miner_get_online (gamma); cycles++)
    run_cycle (fleet, &counts);
  g_assert_true (hf_miner_get_online (gamma));
  g_assert_cmpuint (counts.online, ==, 1);
  g_assert_null (hf_miner_get_error (gamma));
  assert_near (hf_fleet_get_hashrate_ghs (fleet), all);
  g_assert_cmpuint (hf_fleet_get_online_count (fleet), ==, 2);
  /* Back with its counters from 0 again: they add to the total, to the
   * count it had before the reboot. */
  g_assert_cmpfloat (hf_miner_get_reading (gamma)->accepted, <, before_reboot);
  assert_near (hf_fleet_get_accepted (fleet),
               before_reboot + hf_miner_get_reading (gamma)->accepted
               + hf_miner_get_reading (s9)->accepted);
}

static void
test_identity_survives_new_address (void)
{
  g_autoptr(HfConfig) config = config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfMiner) first = hf_miner_new ("127.0.26.40", HF_FAMILY_AXEOS);
  g_autoptr(HfMiner) moved = hf_miner_new ("127.0.26.41", HF_FAMILY_AXEOS);
  g_autoptr(HfMiner) other = hf_miner_new ("127.0.26.40", HF_FAMILY_AXEOS);
  HfMiner *kept;

  hf_miner_set_mac (first, "02:00:00:00:00:AA");
  hf_miner_set_hostname (first, "bitaxe-1");
  hf_fleet_add (fleet, first);

  /* DHCP moved it: same MAC, new address, one miner. */
  hf_miner_set_mac (moved, "02:00:00:00:00:AA");
  hf_miner_set_firmware (moved, "v2.9.1");
  kept = hf_fleet_add (fleet, moved);
  g_assert_true (kept == first);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 1);
  g_assert_cmpstr (hf_miner_get_address (first), ==, "127.0.26.41");
  g_assert_cmpstr (hf_miner_get_firmware (first), ==, "v2.9.1");
  g_assert_cmpstr (hf_miner_get_hostname (first), ==, "bitaxe-1");

  /* Another device now at the old address is another miner. */
  hf_miner_set_mac (other, "02:00:00:00:00:BB");
  g_assert_true (hf_fleet_add (fleet, other) == other);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 2);

  g_assert_true (hf_fleet_remove (fleet, other));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 1);
  g_assert_false (hf_fleet_remove (fleet, other));
}

static void
test_no_overlap_with_hung_miner (void)
{
  const char *ips[] = { "127.0.26.2", NULL };
  Counts counts = { 0, };
  g_autoptr(HfFleet) fleet = fleet_of (ips, &counts);
  g_autoptr(HfMiner) hung = hf_miner_new ("127.0.26.9", HF_FAMILY_AXEOS);
  gint64 start;

  hf_miner_set_http_port (hung, 18580);
  hf_fleet_add (fleet, hung);
  start = g_get_monotonic_time ();
  g_assert_true (hf_fleet_poll_now (fleet));
  /* A cycle in progress: another does not start. */
  g_assert_false (hf_fleet_poll_now (fleet));
  g_assert_true (hf_fleet_get_cycle_running (fleet));
  while (counts.cycles == 0)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("cycle with a hung miner: %u ms (deadline 1000 ms)", counts.elapsed_ms);
  /* Bounded by the per-miner deadline + 0.5 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <=, 1500 * 1000);
  g_assert_cmpuint (counts.polled, ==, 2);
  g_assert_cmpuint (counts.answered, ==, 1);
  g_assert_true (hf_fleet_poll_now (fleet));
  hf_fleet_stop (fleet);
  g_assert_false (hf_fleet_get_cycle_running (fleet));
}

typedef struct
{
  gboolean   done;
  HfReading *reading;
  GError    *error;
} Polled;

static void
polled_miner_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Polled *p = data;

  p->reading = hf_fleet_poll_miner_finish (HF_FLEET (source), result, &p->error);
  p->done = TRUE;
}

/* One miner polled on demand: the answer always comes from a poll that
 * started after the call, so a poll already in flight is waited out and
 * followed by another; callers asking together share one poll. */
static void
test_poll_miner (void)
{
  const char *ips[] = { "127.0.26.2", NULL };
  Counts counts = { 0, };
  g_autoptr(HfFleet) fleet = fleet_of (ips, &counts);
  g_autoptr(HfMiner) slow = hf_miner_new ("127.0.26.10", HF_FAMILY_AXEOS);
  Polled a = { 0, }, b = { 0, }, c = { 0, }, d = { 0, };

  /* The slow miner answers after 2.5 s: 1 s deadline, so a miss. */
  hf_miner_set_http_port (slow, 18580);
  hf_fleet_add (fleet, slow);
  g_assert_cmpuint (hf_miner_get_capabilities (slow), &, HF_CAP_FREQUENCY);

  /* The first caller starts a poll; two asking while it runs share the
   * next one: three callers, two polls. */
  {
    g_autoptr(HfMiner) m = g_list_model_get_item (G_LIST_MODEL (fleet), 0);
    Polled e = { 0, };

    hf_fleet_poll_miner_async (fleet, m, NULL, polled_miner_cb, &a);
    hf_fleet_poll_miner_async (fleet, m, NULL, polled_miner_cb, &b);
    hf_fleet_poll_miner_async (fleet, m, NULL, polled_miner_cb, &e);
    hf_test_wait_for (&a.done, 3000);
    hf_test_wait_for (&b.done, 3000);
    hf_test_wait_for (&e.done, 3000);
    g_assert_no_error (a.error);
    g_assert_no_error (b.error);
    g_assert_no_error (e.error);
    g_assert_nonnull (a.reading);
    assert_near (a.reading->hashrate_ghs, b.reading->hashrate_ghs);
    g_assert_cmpuint (counts.readings, ==, 2);
    g_assert_cmpuint (counts.cycles, ==, 0);
    g_assert_true (hf_miner_get_online (m));
    g_clear_pointer (&a.reading, hf_reading_free);
    g_clear_pointer (&b.reading, hf_reading_free);
    g_clear_pointer (&e.reading, hf_reading_free);
  }

  /* A cycle's poll of the miner in flight: asked now, answered by a poll
   * started after it ends (two readings of it), and the cycle still ends
   * having polled both miners. */
  {
    g_autoptr(HfMiner) m = g_list_model_get_item (G_LIST_MODEL (fleet), 0);

    counts.readings = 0;
    g_assert_true (hf_fleet_poll_now (fleet));
    hf_fleet_poll_miner_async (fleet, m, NULL, polled_miner_cb, &c);
    hf_test_wait_for (&c.done, 3000);
    g_assert_no_error (c.error);
    g_assert_cmpuint (counts.readings, ==, 2);
  }
  while (counts.cycles == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (counts.polled, ==, 2);
  g_assert_cmpuint (counts.answered, ==, 1);
  g_clear_pointer (&c.reading, hf_reading_free);

  /* A miner that does not answer: its error, and a miss counted. */
  hf_fleet_poll_miner_async (fleet, slow, NULL, polled_miner_cb, &d);
  hf_test_wait_for (&d.done, 3000);
  g_assert_error (d.error, HF_ERROR, HF_ERROR_TIMEOUT);
  g_assert_nonnull (hf_miner_get_error (slow));
  g_clear_error (&d.error);

  /* Stopping the fleet answers whoever waits; so does a removal. */
  d.done = FALSE;
  hf_fleet_poll_miner_async (fleet, slow, NULL, polled_miner_cb, &d);
  hf_fleet_stop (fleet);
  hf_test_wait_for (&d.done, 1000);
  g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&d.error);
  d.done = FALSE;
  hf_fleet_poll_miner_async (fleet, slow, NULL, polled_miner_cb, &d);
  hf_fleet_remove (fleet, slow);
  hf_test_wait_for (&d.done, 1000);
  g_assert_error (d.error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&d.error);
}

typedef struct { HfFleet *fleet; guint answers; gboolean done; } Stopper;

static void
stop_in_answer_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Stopper *s = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) r = hf_fleet_poll_miner_finish (HF_FLEET (source), result, &error);

  s->answers++;
  s->done = TRUE;
  /* What a session's dispose does when its last ref goes in here. */
  hf_fleet_stop (s->fleet);
}

static void
test_stop_in_answer (void)
{
  const char *ips[] = { "127.0.26.2", NULL };
  Counts counts = { 0, };
  g_autoptr(HfFleet) fleet = fleet_of (ips, &counts);
  g_autoptr(HfMiner) m = g_list_model_get_item (G_LIST_MODEL (fleet), 0);
  Stopper s = { fleet, 0, FALSE };
  Stopper t = { fleet, 0, FALSE };

  hf_fleet_poll_miner_async (fleet, m, NULL, stop_in_answer_cb, &s);
  hf_fleet_poll_miner_async (fleet, m, NULL, stop_in_answer_cb, &t);
  hf_test_wait_for (&s.done, 3000);
  for (int i = 0; i < 50; i++) g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (s.answers, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  sim = hf_test_sim_start (fleet_config);

  g_test_add_func ("/fleet/totals", test_totals);
  g_test_add_func ("/fleet/unknown-shares", test_unknown_shares);
  g_test_add_func ("/fleet/offline-and-back", test_offline_and_back);
  g_test_add_func ("/fleet/identity-survives-new-address", test_identity_survives_new_address);
  g_test_add_func ("/fleet/v3-not-lowered", test_v3_not_lowered);
  g_test_add_func ("/fleet/no-overlap-with-hung-miner", test_no_overlap_with_hung_miner);
  g_test_add_func ("/fleet/poll-miner", test_poll_miner);
  g_test_add_func ("/fleet/stop-in-answer", test_stop_in_answer);

  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
