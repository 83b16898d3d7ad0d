/* hf-cli-scan.c — hashfleet-cli scan: find the miners in address ranges
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>

#include "hf-cli.h"

typedef struct
{
  HfCli         *cli;
  HfStore       *store;
  guint          pending_polls;
  gboolean       scan_done;
  gboolean       header_printed;
  HfLoopMonitor *monitor;
} Scan;

static void
print_miner (Scan       *scan,
             HfMiner    *miner,
             const char *address,
             const char *error)
{
  if (scan->cli->json)
    {
      g_autofree char *line = hf_miner_to_json_line (miner, address, error);
      g_print ("%s\n", line);
    }
  else if (miner != NULL)
    {
      const HfReading *r = hf_miner_get_reading (miner);
      g_autofree char *hashrate = hf_format_hashrate (r ? r->hashrate_ghs : NAN);

      if (!scan->header_printed)
        {
          g_print ("%-15s %-10s %-22s %-12s %s\n", "ADDRESS", "FAMILY", "MODEL", "HASHRATE",
                   "MAC");
          scan->header_printed = TRUE;
        }
      g_print ("%-15s %-10s %-22s %-12s %s\n", hf_miner_get_address (miner),
               hf_family_to_string (hf_miner_get_family (miner)),
               hf_miner_get_model (miner) ? hf_miner_get_model (miner) : "—", hashrate,
               hf_miner_get_mac (miner) ? hf_miner_get_mac (miner) : "—");
    }
  fflush (stdout);
}

static void
maybe_quit (Scan *scan)
{
  if (scan->scan_done && scan->pending_polls == 0)
    g_main_loop_quit (scan->cli->loop);
}

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HfMiner) miner = user_data;
  Scan *scan = g_object_get_data (G_OBJECT (miner), "hf-cli-scan");
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) reading = hf_driver_poll_finish (HF_DRIVER (source), result, &error);

  if (reading != NULL)
    hf_miner_set_reading (miner, reading);
  print_miner (scan, miner, NULL, error ? error->message : NULL);
  scan->pending_polls--;
  maybe_quit (scan);
}

static void
miner_found_cb (HfScanner *scanner,
                HfMiner   *miner,
                Scan      *scan)
{
  /* Found is recorded: `watch` without addresses polls these. */
  if (scan->store != NULL)
    hf_store_save_miner (scan->store, miner, NULL);
  /* AxeOS identification already carries a reading; the cgminer families
   * get one poll so the line has the same values as `status`. */
  if (hf_miner_get_reading (miner) != NULL)
    {
      print_miner (scan, miner, NULL, NULL);
      return;
    }
  scan->pending_polls++;
  g_object_set_data (G_OBJECT (miner), "hf-cli-scan", scan);
  hf_driver_poll_async (hf_driver_for_family (hf_miner_get_family (miner)), miner,
                        scan->cli->config, scan->cli->cancellable, polled_cb,
                        g_object_ref (miner));
}

static void
unidentified_cb (HfScanner  *scanner,
                 const char *address,
                 const char *reason,
                 Scan       *scan)
{
  g_printerr ("unidentified at %s: %s\n", address, reason);
  if (scan->cli->json)
    print_miner (scan, NULL, address, reason);
}

static void
scanned_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Scan *scan = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfScanSummary) summary = hf_scanner_scan_finish (HF_SCANNER (source), result,
                                                             &error);

  scan->scan_done = TRUE;
  if (summary == NULL)
    g_printerr ("hashfleet-cli scan: %s\n", error->message);
  else if (scan->cli->json)
    g_printerr ("{\"scanned\":%" G_GUINT64_FORMAT ",\"answered\":%u,\"found\":%u,"
                "\"unidentified\":%u,\"elapsed_ms\":%u,\"sockets_peak\":%u,"
                "\"max_stall_ms\":%.1f,\"max_busy_ms\":%.1f}\n",
                summary->scanned, summary->answered, summary->found, summary->unidentified,
                summary->elapsed_ms, summary->sockets_peak,
                hf_loop_monitor_take_max_stall (scan->monitor),
                hf_loop_monitor_take_max_busy (scan->monitor));
  else
    g_printerr ("scanned %" G_GUINT64_FORMAT " addresses in %.2f s: %u miner%s found, "
                "%u unidentified\n", summary->scanned, summary->elapsed_ms / 1000.0,
                summary->found, summary->found == 1 ? "" : "s", summary->unidentified);
  g_object_set_data (source, "hf-cli-ok", GINT_TO_POINTER (summary != NULL));
  maybe_quit (scan);
}

int
hf_cli_scan (HfCli  *cli,
             char  **targets)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autoptr(HfScanner) scanner = NULL;
  g_autofree char *described = NULL;
  g_autoptr(HfLoopMonitor) monitor = hf_loop_monitor_new ();
  g_autoptr(HfStore) store = NULL;
  Scan scan = { cli, NULL, 0, FALSE, FALSE, monitor };
  guint concurrency;

  if (targets[0] != NULL)
    ranges = hf_targets_parse ((const char * const *) targets, cli->force, &error);
  else
    ranges = hf_targets_default (&error);
  if (ranges == NULL)
    {
      g_printerr ("hashfleet-cli scan: %s\n", error->message);
      return 2;
    }

  scan.store = store = hf_cli_open_store (cli, FALSE);
  scanner = hf_scanner_new (cli->config);
  if (cli->connect_timeout_ms > 0)
    hf_scanner_set_connect_timeout (scanner, cli->connect_timeout_ms);
  concurrency = hf_scanner_set_concurrency (scanner, cli->concurrency > 0
                                            ? cli->concurrency
                                            : HF_SCANNER_DEFAULT_CONCURRENCY);
  described = hf_targets_describe (ranges);
  g_printerr ("scanning %s (%" G_GUINT64_FORMAT " addresses, %u sockets at a time)\n",
              described, hf_targets_count (ranges), concurrency);

  g_signal_connect (scanner, "miner-found", G_CALLBACK (miner_found_cb), &scan);
  g_signal_connect (scanner, "unidentified", G_CALLBACK (unidentified_cb), &scan);
  cli->loop = g_main_loop_new (NULL, FALSE);
  hf_scanner_scan_async (scanner, ranges, cli->cancellable, scanned_cb, &scan);
  g_main_loop_run (cli->loop);

  return g_object_get_data (G_OBJECT (scanner), "hf-cli-ok") ? 0 : 1;
}
