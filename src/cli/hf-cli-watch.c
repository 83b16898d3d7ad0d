/* hf-cli-watch.c — hashfleet-cli watch: headless monitoring
 * SPDX-License-Identifier: MIT
 *
 * Identify the given addresses (or scan targets), put the miners in an
 * HfFleet and let it poll: a line of fleet totals per cycle for people,
 * or a JSON line per reading for scripts.  --stats adds a line per cycle
 * on stderr with what the cycle cost (wall, CPU, RSS, main-loop stall).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hf-cli.h"

typedef struct
{
  HfCli         *cli;
  HfFleet       *fleet;
  HfCliStats    *stats;
  guint          cycles;
  gboolean       ok;
  HfStore       *store;
} Watch;

static void
record_failed_cb (HfRecorder   *recorder,
                  const GError *error,
                  Watch        *watch)
{
  /* Disk full, read-only…: said once; polling goes on, writing is retried. */
  g_printerr ("hashfleet-cli watch: cannot record readings: %s\n", error->message);
}

static void
record_recovered_cb (HfRecorder *recorder,
                     Watch      *watch)
{
  g_printerr ("hashfleet-cli watch: recording again\n");
}

static void
reading_cb (HfFleet   *fleet,
            HfMiner   *miner,
            HfReading *reading,
            Watch     *watch)
{
  if (watch->cli->json)
    {
      g_autofree char *line = hf_miner_to_json_line (miner, NULL, NULL);
      g_print ("%s\n", line);
    }
}

static void
print_totals (Watch *watch)
{
  HfFleet *f = watch->fleet;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M:%S");
  g_autofree char *hashrate = hf_format_hashrate (hf_fleet_get_hashrate_ghs (f));
  g_autofree char *power = hf_format_value (hf_fleet_get_power_w (f), 0, "W");
  g_autofree char *eff = hf_format_value (hf_fleet_get_efficiency_j_th (f), 1, "J/TH");
  g_autofree char *hot = hf_format_value (hf_fleet_get_hottest_c (f), 1, "°C");

  g_print ("%s  %u/%u online  %s  %s%s  %s  hottest %s\n", time,
           hf_fleet_get_online_count (f), hf_fleet_get_total_count (f), hashrate, power,
           hf_fleet_get_power_estimated (f) ? " (est.)" : "", eff, hot);
}

static void
cycle_finished_cb (HfFleet *fleet,
                   guint    polled,
                   guint    answered,
                   guint    elapsed_ms,
                   Watch   *watch)
{
  HfCli *cli = watch->cli;

  watch->cycles++;
  if (watch->stats != NULL)
    hf_cli_stats_print (watch->stats, watch->cycles, polled, answered, elapsed_ms);
  if (!cli->json)
    print_totals (watch);
  /* Failed miners say why, once per cycle, on stderr. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (fleet)) && polled != answered; i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (G_LIST_MODEL (fleet), i);
      if (hf_miner_get_error (miner) != NULL && !cli->stats)
        g_printerr ("%s: %s\n", hf_miner_get_address (miner), hf_miner_get_error (miner));
    }
  fflush (stdout);

  if (cli->count > 0 && watch->cycles >= cli->count)
    g_main_loop_quit (cli->loop);
}

static void
start_polling (Watch *watch)
{
  if (hf_fleet_get_total_count (watch->fleet) == 0)
    {
      g_printerr ("hashfleet-cli watch: no miner to watch\n");
      watch->ok = FALSE;
      g_main_loop_quit (watch->cli->loop);
      return;
    }
  hf_fleet_poll_now (watch->fleet);
  hf_fleet_start (watch->fleet);
}

/* --scan: find the miners first. */

static void
scan_found_cb (HfScanner *scanner,
               HfMiner   *miner,
               Watch     *watch)
{
  hf_fleet_add (watch->fleet, miner);
  if (watch->store != NULL)
    hf_store_save_miner (watch->store, miner, NULL);
}

static void
scanned_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Watch *watch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfScanSummary) summary = hf_scanner_scan_finish (HF_SCANNER (source), result,
                                                             &error);

  if (summary == NULL)
    {
      g_printerr ("hashfleet-cli watch: %s\n", error->message);
      watch->ok = FALSE;
      g_main_loop_quit (watch->cli->loop);
      return;
    }
  g_printerr ("found %u miner%s in %.2f s\n", summary->found, summary->found == 1 ? "" : "s",
              summary->elapsed_ms / 1000.0);
  start_polling (watch);
}

int
hf_cli_watch (HfCli  *cli,
              char  **args)
{
  g_autoptr(HfFleet) fleet = hf_fleet_new (cli->config);
  g_autoptr(HfScanner) scanner = NULL;
  g_autoptr(HfStore) store = hf_cli_open_store (cli, FALSE);
  g_autoptr(HfRecorder) recorder = NULL;
  Watch watch = { cli, fleet, NULL, 0, TRUE, store };

  hf_fleet_set_poll_interval (fleet, cli->interval_s > 0 ? cli->interval_s
                                                         : HF_FLEET_DEFAULT_INTERVAL_S);
  if (cli->concurrency > 0)
    hf_fleet_set_max_in_flight (fleet, cli->concurrency);
  /* The recorder connects first: a cycle's write starts before it is
   * printed (and is waited for before exiting). */
  if (store != NULL)
    {
      recorder = hf_recorder_new (fleet, store);
      g_signal_connect (recorder, "failed", G_CALLBACK (record_failed_cb), &watch);
      g_signal_connect (recorder, "recovered", G_CALLBACK (record_recovered_cb), &watch);
    }
  g_signal_connect (fleet, "reading", G_CALLBACK (reading_cb), &watch);
  g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), &watch);

  if (cli->scan)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) ranges = args[0] != NULL
        ? hf_targets_parse ((const char * const *) args, cli->force, &error)
        : hf_targets_default (&error);

      if (ranges == NULL)
        {
          g_printerr ("hashfleet-cli watch: %s\n", error->message);
          return 2;
        }
      cli->loop = g_main_loop_new (NULL, FALSE);
      scanner = hf_scanner_new (cli->config);
      g_signal_connect (scanner, "miner-found", G_CALLBACK (scan_found_cb), &watch);
      hf_scanner_scan_async (scanner, ranges, cli->cancellable, scanned_cb, &watch);
    }
  else if (args[0] == NULL)
    {
      /* No addresses: the stored fleet, shown stale until its first poll. */
      g_autoptr(GPtrArray) stored = store ? hf_store_load_fleet (store, NULL) : NULL;

      if (stored == NULL || stored->len == 0)
        {
          g_printerr ("hashfleet-cli watch: no stored miners; give ADDRESSes, or --scan "
                      "[TARGET…]\n");
          return 2;
        }
      for (guint i = 0; i < stored->len; i++)
        hf_fleet_add (fleet, g_ptr_array_index (stored, i));
      cli->loop = g_main_loop_new (NULL, FALSE);
      g_idle_add_once ((GSourceOnceFunc) start_polling, &watch);
    }
  else
    {
      /* Identify every address first (64 at a time); those that fail are
       * reported and left out. */
      hf_cli_run_jobs (cli, args, hf_cli_job_done_ok);
      for (guint i = 0; i < cli->jobs->len; i++)
        {
          HfCliJob *job = g_ptr_array_index (cli->jobs, i);

          if (job->miner != NULL)
            hf_fleet_add (fleet, job->miner);
          else
            g_printerr ("hashfleet-cli watch: %s: %s\n", job->address, job->error->message);
        }
      g_clear_pointer (&cli->loop, g_main_loop_unref);
      cli->loop = g_main_loop_new (NULL, FALSE);
      g_idle_add_once ((GSourceOnceFunc) start_polling, &watch);
    }

  if (cli->stats)
    watch.stats = hf_cli_stats_new (fleet);
  g_main_loop_run (cli->loop);
  g_clear_pointer (&watch.stats, hf_cli_stats_free);
  hf_fleet_stop (fleet);
  if (recorder != NULL)
    hf_recorder_wait_written (recorder, 10000);
  return watch.ok ? 0 : 1;
}
