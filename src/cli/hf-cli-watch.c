/* hf-cli-watch.c — hashfleet-cli watch: headless monitoring
 * SPDX-License-Identifier: MIT
 *
 * Add the given addresses (or the miners found in scan targets, or the
 * stored fleet) to the command's session and let it poll and record: a
 * line of fleet totals per cycle for people, or a JSON line per reading
 * for scripts.  --stats adds a line per cycle on stderr with what the
 * cycle cost (wall, CPU, RSS, open files, main-loop stall).  Alerts go to
 * the --notify channels as serve sends them.  It runs until --count
 * cycles or an interrupt.
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
} Watch;

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
  g_autoptr(GString) luck = g_string_new (NULL);

  /* Luck, where the miners say enough for it: the best share, the time a
   * block takes on average at this hashrate, blocks found. */
  if (hf_reading_known (hf_fleet_get_best_difficulty (f)))
    {
      g_autofree char *best = hf_format_difficulty (hf_fleet_get_best_difficulty (f));
      g_string_append_printf (luck, "  best %s", best);
    }
  if (hf_reading_known (hf_fleet_get_expected_block_seconds (f)))
    {
      g_autofree char *expected = hf_format_expected (hf_fleet_get_expected_block_seconds (f));
      g_string_append_printf (luck, "  block every ~%s (%.2g %%/day)", expected,
                              hf_fleet_get_block_chance_per_day (f) * 100);
    }
  if (hf_fleet_get_blocks_found (f) > 0)
    g_string_append_printf (luck, "  %u block%s found", hf_fleet_get_blocks_found (f),
                            hf_fleet_get_blocks_found (f) == 1 ? "" : "s");

  g_print ("%s  %u hashing, %u/%u online  %s  %s%s  %s  hottest %s%s\n", time,
           hf_fleet_get_hashing_count (f), hf_fleet_get_online_count (f),
           hf_fleet_get_total_count (f), hashrate, power,
           hf_fleet_get_power_estimated (f) ? " (est.)" : "", eff, hot, luck->str);
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
  hf_session_start (watch->cli->session);
}

/* --scan: find the miners first (the session adds and saves them). */

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Watch *watch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDiscoverResult) found = hf_session_discover_finish (HF_SESSION (source), result,
                                                                  &error);
  HfScanSummary *summary = found ? found->summary : NULL;

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

static void
interrupted_cb (GCancellable *cancellable,
                GMainLoop    *loop)
{
  g_main_loop_quit (loop);
}

int
hf_cli_watch (HfCli  *cli,
              char  **args)
{
  Watch watch = { cli, NULL, NULL, 0, TRUE };
  HfSession *session;
  gulong interrupted;

  /* Without addresses, the stored fleet; with, only those (recorded). */
  cli->restore = args[0] == NULL && !cli->scan;
  session = hf_cli_session (cli, TRUE);
  watch.fleet = hf_session_get_fleet (session);
  hf_cli_notify_setup (cli, hf_session_get_notifier (session), "watch");
  /* The session's recorder connected first: a cycle's write starts before
   * it is printed (and is waited for before exiting). */
  g_signal_connect (watch.fleet, "reading", G_CALLBACK (reading_cb), &watch);
  g_signal_connect (watch.fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), &watch);

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
      hf_session_discover_async (session, ranges, cli->cancellable, discovered_cb, &watch);
    }
  else if (args[0] == NULL)
    {
      /* The stored fleet, shown stale until its first poll. */
      if (hf_fleet_get_total_count (watch.fleet) == 0)
        {
          g_printerr ("hashfleet-cli watch: no stored miners; give ADDRESSes, or --scan "
                      "[TARGET…]\n");
          return 2;
        }
      g_idle_add_once ((GSourceOnceFunc) start_polling, &watch);
    }
  else
    {
      /* Add every address first (64 at a time); those that fail are
       * reported and left out. */
      hf_cli_run_jobs (cli, args, hf_cli_job_done_ok);
      for (guint i = 0; i < cli->jobs->len; i++)
        {
          HfCliJob *job = g_ptr_array_index (cli->jobs, i);

          if (job->miner == NULL)
            g_printerr ("hashfleet-cli watch: %s: %s\n", job->address, job->error->message);
        }
      g_idle_add_once ((GSourceOnceFunc) start_polling, &watch);
    }

  if (cli->stats)
    watch.stats = hf_cli_stats_new (watch.fleet);
  interrupted = g_cancellable_connect (cli->cancellable, G_CALLBACK (interrupted_cb), cli->loop,
                                       NULL);
  if (!g_cancellable_is_cancelled (cli->cancellable))
    g_main_loop_run (cli->loop);
  g_cancellable_disconnect (cli->cancellable, interrupted);
  g_clear_pointer (&watch.stats, hf_cli_stats_free);
  g_signal_handlers_disconnect_by_data (watch.fleet, &watch);
  /* The last cycle's alerts still go out (a moment). */
  hf_cli_notify_finish (cli, "watch");
  return watch.ok ? 0 : 1;
}
