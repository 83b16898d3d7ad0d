/* test-hostile.c — the hostile fleet: every fault at once, beside healthy miners
 * SPDX-License-Identifier: MIT
 *
 * hashfleet-sim serves healthy miners on 127.0.50.2-5 and, on an AxeOS
 * device and on an Antminer each, every way a device can misbehave: hang
 * after accepting, trickle a byte a second, an endless body, 10 MB of valid
 * JSON, garbage, invalid UTF-8, absurd numbers, every field of the wrong
 * type, JSON nested 100 000 deep, half a reply, a TCP reset, a redirect to
 * itself.  One HfFleet polls them all for 100 cycles, back to back (1 s
 * deadline), and the
 * test asserts what the hostile-input issue promises: the healthy miners'
 * readings arrive every cycle, each failing miner has its own clear error,
 * the absurd numbers never reach the totals, file descriptors and memory
 * stay flat, and the main loop never stalls.
 */
#include <math.h>
#include <string.h>

#include "hf-fleet.h"
#include "hf-loop-monitor.h"
#include "hf-process.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18980
#define CGMINER_PORT 14980
#define CYCLES       100
#ifdef __SANITIZE_ADDRESS__
/* Instrumented code (the simulator's too, which builds a 10 MB reply per
 * request on the same thread that answers the healthy miners) is slower
 * and keeps freed memory in quarantine: the deadline and the stall bound
 * are looser there, and memory is checked by the sanitizer. */
#define DEADLINE_MS  3000
#define MAX_STALL_MS 60.0
#else
#define DEADLINE_MS  1000
#define MAX_STALL_MS 20.0
#endif

typedef struct
{
  const char *ip;
  const char *profile;
  const char *fault;          /* NULL: healthy */
  /* What its error must say (NULL: no error, the reply is read as far as
   * it makes sense). */
  const char *error;
} Device;

static const Device devices[] = {
  { "127.0.50.2", "gamma", NULL, NULL },
  { "127.0.50.3", "s19pro", NULL, NULL },
  { "127.0.50.4", "supra", NULL, NULL },
  { "127.0.50.5", "s9", NULL, NULL },
  /* AxeOS, over HTTP */
  { "127.0.50.10", "gamma", "hang", "timed out" },
  { "127.0.50.11", "gamma", "trickle", "timed out" },
  { "127.0.50.12", "gamma", "oversize", "larger than" },
  { "127.0.50.13", "gamma", "huge-json", "cap" },
  { "127.0.50.14", "gamma", "garbage", "JSON" },
  { "127.0.50.15", "gamma", "bad-utf8", NULL },
  { "127.0.50.16", "gamma", "bad-numbers", NULL },
  { "127.0.50.17", "gamma", "wrong-types", "ASICModel" },
  { "127.0.50.18", "gamma", "deep", "nested deeper" },
  { "127.0.50.19", "gamma", "truncated", "JSON" },
  { "127.0.50.20", "gamma", "reset", "reset" },
  { "127.0.50.21", "gamma", "redirect", "HTTP 302" },
  /* Nesting hidden behind a comment or a single-quoted string, which
   * json-glib reads and a guard that knows only '"' does not. */
  { "127.0.50.22", "gamma", "deep-comment", "not strict JSON" },
  { "127.0.50.23", "gamma", "deep-quote", "not strict JSON" },
  /* Antminer, on the cgminer API */
  { "127.0.50.30", "s19pro", "hang", "timed out" },
  { "127.0.50.31", "s19pro", "trickle", "timed out" },
  { "127.0.50.32", "s19pro", "oversize", "larger than" },
  { "127.0.50.33", "s19pro", "huge-json", "larger than" },
  { "127.0.50.34", "s19pro", "garbage", "JSON" },
  { "127.0.50.35", "s19pro", "bad-utf8", NULL },
  { "127.0.50.36", "s19pro", "bad-numbers", NULL },
  { "127.0.50.37", "s19pro", "wrong-types", "STATUS" },
  { "127.0.50.38", "s19pro", "deep", "nested deeper" },
  /* Half a cgminer reply is closed at its last complete element (btminer
   * overflows its own buffer that way), so what arrived is read. */
  { "127.0.50.39", "s19pro", "truncated", NULL },
  { "127.0.50.40", "s19pro", "reset", "reset" },
  /* The cgminer clean-up takes the hidden part for a string cut short and
   * reads the reply before it; json-glib never sees the nesting. */
  { "127.0.50.41", "s19pro", "deep-comment", NULL },
  { "127.0.50.42", "s19pro", "deep-quote", NULL },
};

#define N_HEALTHY 4

typedef struct
{
  HfFleet       *fleet;
  HfMiner       *miners[G_N_ELEMENTS (devices)];
  gint64         last_seen[N_HEALTHY];
  guint          cycles;
  gboolean       done;
  /* Open descriptors, fewest seen in cycles 10–19 and in the last ten:
   * sockets of a cycle just over may still be closing at its end, a leak
   * grows every cycle. */
  guint          fds_early;
  guint          fds_late;
  gsize          rss_at_10;
  HfLoopMonitor *monitor;
  double         max_stall;
} Run;

static guint
open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
poll_again_cb (gpointer user_data)
{
  Run *run = user_data;

  g_assert_true (hf_fleet_poll_now (run->fleet));
  return G_SOURCE_REMOVE;
}

static void
cycle_cb (HfFleet *fleet,
          guint    polled,
          guint    answered,
          guint    elapsed_ms,
          Run     *run)
{
  run->cycles++;
  run->max_stall = MAX (run->max_stall, hf_loop_monitor_take_max_stall (run->monitor));

  /* Every healthy miner has a new reading, every cycle. */
  for (guint i = 0; i < N_HEALTHY; i++)
    {
      gint64 seen = hf_miner_get_last_seen (run->miners[i]);

      if (seen <= run->last_seen[i])
        g_error ("cycle %u: healthy %s has no new reading (error: %s)", run->cycles,
                 devices[i].ip, hf_miner_get_error (run->miners[i]));
      run->last_seen[i] = seen;
    }
  g_assert_cmpuint (answered, >=, N_HEALTHY);
  /* A hostile miner may take the whole deadline, never more. */
  g_assert_cmpuint (elapsed_ms, <, DEADLINE_MS + 1000);

  if (run->cycles == 10)
    run->rss_at_10 = hf_process_rss_kib ();
  if (run->cycles >= 10 && run->cycles < 20)
    run->fds_early = MIN (run->fds_early, open_fds ());
  if (run->cycles > CYCLES - 10)
    run->fds_late = MIN (run->fds_late, open_fds ());
  if (run->cycles == CYCLES)
    run->done = TRUE;
  else
    g_idle_add (poll_again_cb, run);
}

static void
test_hostile_fleet (void)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(HfConfig) hf_config = hf_config_new ();
  HfTestSim *sim;
  Run run = { .fds_early = G_MAXUINT, .fds_late = G_MAXUINT };
  gsize rss_at_end;
  double healthy_ghs = 0;

  g_string_append_printf (config, "[fleet]\nhttp-port=%d\ncgminer-port=%d\nstatic=true\n",
                          HTTP_PORT, CGMINER_PORT);
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      g_string_append_printf (config, "[miner %s]\nprofile=%s\n", devices[i].ip,
                              devices[i].profile);
      if (devices[i].fault != NULL)
        g_string_append_printf (config, "fault=%s\n", devices[i].fault);
    }
  sim = hf_test_sim_start (config->str);

  hf_config->http_port = HTTP_PORT;
  hf_config->cgminer_port = CGMINER_PORT;
  hf_config->timeout_ms = DEADLINE_MS;
  hf_config->connect_timeout_ms = DEADLINE_MS;
  run.fleet = hf_fleet_new (hf_config);
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      HfFamily family = g_str_equal (devices[i].profile, "gamma")
                        || g_str_equal (devices[i].profile, "supra")
                        ? HF_FAMILY_AXEOS : HF_FAMILY_ANTMINER;
      g_autoptr(HfMiner) miner = hf_miner_new (devices[i].ip, family);

      hf_miner_set_http_port (miner, HTTP_PORT);
      hf_miner_set_cgminer_port (miner, CGMINER_PORT);
      run.miners[i] = hf_fleet_add (run.fleet, miner);
    }
  g_signal_connect (run.fleet, "cycle-finished", G_CALLBACK (cycle_cb), &run);

  run.monitor = hf_loop_monitor_new ();
  g_assert_true (hf_fleet_poll_now (run.fleet));
  hf_test_wait_for (&run.done, CYCLES * (DEADLINE_MS + 1500));
  hf_loop_monitor_free (run.monitor);

  /* Each misbehaving miner has its own, clear error; the readable ones
   * (invalid UTF-8, absurd numbers) are read, their nonsense dropped. */
  for (guint i = N_HEALTHY; i < G_N_ELEMENTS (devices); i++)
    {
      const char *error = hf_miner_get_error (run.miners[i]);

      g_test_message ("%-12s %-7s %-12s %s", devices[i].ip, devices[i].profile,
                      devices[i].fault, error ? error : "(reads)");
      if (devices[i].error == NULL)
        {
          g_assert_null (error);
          g_assert_true (hf_miner_get_online (run.miners[i]));
        }
      else
        {
          g_assert_nonnull (error);
          if (strstr (error, devices[i].error) == NULL)
            g_error ("%s (%s): error \"%s\" does not say \"%s\"", devices[i].ip,
                     devices[i].fault, error, devices[i].error);
          g_assert_false (hf_miner_get_online (run.miners[i]));
        }
    }
  /* Absurd numbers never reach the totals: the fleet's hashrate is the
   * healthy miners' plus what the UTF-8 ones report, nothing like 1e300. */
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    if (hf_miner_get_online (run.miners[i]) && !isnan (hf_miner_get_hashrate_ghs (run.miners[i])))
      healthy_ghs += hf_miner_get_hashrate_ghs (run.miners[i]);
  g_assert_true (isfinite (hf_fleet_get_hashrate_ghs (run.fleet)));
  g_assert_cmpfloat_with_epsilon (hf_fleet_get_hashrate_ghs (run.fleet), healthy_ghs, 1e-6);
  g_assert_cmpfloat (hf_fleet_get_hashrate_ghs (run.fleet), <, 2e6);   /* 2 PH/s */
  g_assert_true (isnan (hf_miner_get_hashrate_ghs (run.miners[N_HEALTHY + 6]))
                 || hf_miner_get_hashrate_ghs (run.miners[N_HEALTHY + 6]) < 1e7);

  /* Nothing leaks across 90 cycles of it. */
  rss_at_end = hf_process_rss_kib ();
  g_test_message ("%u cycles; fds %u in cycles 10-19, %u in the last ten; RSS %zu KiB at cycle "
                  "10, %zu KiB at the end; longest stall %.1f ms", run.cycles, run.fds_early,
                  run.fds_late, run.rss_at_10, rss_at_end, run.max_stall);
  g_assert_cmpuint (run.fds_late, <=, run.fds_early + 2);
#ifndef __SANITIZE_ADDRESS__
  g_assert_cmpuint (rss_at_end, <, run.rss_at_10 + 8 * 1024);
#endif
  g_assert_cmpfloat (run.max_stall, <=, MAX_STALL_MS);

  g_object_unref (run.fleet);
  hf_test_sim_stop (sim);
}

/* The same hidden nesting through the commands a user runs: each ends
 * with its own error, never a signal. */
static void
test_hidden_nesting_cli (void)
{
  g_autofree char *http = g_strdup_printf ("%d", HTTP_PORT + 1);
  g_autofree char *cgminer = g_strdup_printf ("%d", CGMINER_PORT + 1);
  HfTestSim *sim;
  g_autofree char *config = g_strdup_printf (
    "[fleet]\nhttp-port=%d\ncgminer-port=%d\nstatic=true\n"
    "[miner 127.0.51.2]\nprofile=gamma\nfault=deep-comment\n"
    "[miner 127.0.51.3]\nprofile=gamma\nfault=deep-quote\n"
    "[miner 127.0.51.4]\nprofile=s19pro\nfault=deep-comment\n"
    "[miner 127.0.51.5]\nprofile=s19pro\nfault=deep-quote\n",
    HTTP_PORT + 1, CGMINER_PORT + 1);

  sim = hf_test_sim_start (config);
  {
    const char *args[] = { "status", "--http-port", http, "--cgminer-port", cgminer,
                           "127.0.51.2", "127.0.51.3", NULL };
    g_autofree char *out = NULL, *err = NULL;

    int status = hf_test_run_cli (args, &out, &err);

    g_test_message ("status: %d\n%s%s", status, out, err);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "127.0.51.2 is a web server but not a miner (not strict JSON"));
    g_assert_nonnull (strstr (err, "127.0.51.3 is a web server but not a miner (not strict JSON"));
  }
  {
    const char *args[] = { "scan", "--no-store", "--http-port", http, "--cgminer-port", cgminer,
                           "--json", "127.0.51.2-5", NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = hf_test_run_cli (args, &out, &err);

    g_test_message ("scan: %d\n%s%s", status, out, err);
    g_assert_cmpint (status, >=, 0);
    /* The Antminers are read as far as their reply is JSON; the AxeOS
     * devices are not identified. */
    g_assert_nonnull (strstr (out, "\"ip\":\"127.0.51.4\""));
    g_assert_nonnull (strstr (out, "\"ip\":\"127.0.51.5\""));
    g_assert_null (strstr (out, "\"ip\":\"127.0.51.2\""));
  }
  {
    const char *args[] = { "watch", "--no-store", "--http-port", http, "--cgminer-port", cgminer,
                           "--interval", "1", "--count", "2", "--json",
                           "127.0.51.2", "127.0.51.4", NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = hf_test_run_cli (args, &out, &err);

    g_test_message ("watch: %d\n%s%s", status, out, err);
    g_assert_cmpint (status, >=, 0);
    g_assert_nonnull (strstr (out, "\"ip\":\"127.0.51.4\""));
  }
  hf_test_sim_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/hostile/fleet", test_hostile_fleet);
  g_test_add_func ("/hostile/hidden-nesting-cli", test_hidden_nesting_cli);
  return g_test_run ();
}
