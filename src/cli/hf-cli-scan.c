/* hf-cli-scan.c — hashfleet-cli scan: find the miners in address ranges
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>

#include "hf-cli.h"

typedef struct
{
  HfCli         *cli;
  guint          pending_polls;
  gboolean       scan_done;
  gboolean       ok;
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

typedef struct
{
  Scan    *scan;
  HfMiner *miner;
} Pending;

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree Pending *p = user_data;
  g_autoptr(HfMiner) miner = p->miner;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) reading = hf_session_poll_finish (HF_SESSION (source), result, &error);

  print_miner (p->scan, miner, NULL, error ? error->message : NULL);
  p->scan->pending_polls--;
  maybe_quit (p->scan);
}

/* Found and saved by the session (`watch` without addresses polls these). */
static void
found_cb (HfSession *session,
          HfMiner   *miner,
          gboolean   is_new,
          Scan      *scan)
{
  Pending *p;

  /* AxeOS identification already carries a reading; the cgminer families
   * get one poll so the line has the same values as `status`. */
  if (hf_miner_get_reading (miner) != NULL)
    {
      print_miner (scan, miner, NULL, NULL);
      return;
    }
  scan->pending_polls++;
  p = g_new0 (Pending, 1);
  p->scan = scan;
  p->miner = g_object_ref (miner);
  hf_session_poll_async (session, miner, scan->cli->cancellable, polled_cb, p);
}

static void
unidentified_cb (HfSession  *session,
                 const char *address,
                 const char *reason,
                 Scan       *scan)
{
  g_printerr ("unidentified at %s: %s\n", address, reason);
  if (scan->cli->json)
    print_miner (scan, NULL, address, reason);
}

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Scan *scan = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDiscoverResult) found = hf_session_discover_finish (HF_SESSION (source), result,
                                                                  &error);
  HfScanSummary *summary = found ? found->summary : NULL;

  scan->scan_done = TRUE;
  scan->ok = summary != NULL;
  if (summary == NULL)
    g_printerr ("hashfleet-cli scan: %s\n", error->message);
  else if (scan->cli->json)
    g_printerr ("{\"scanned\":%" G_GUINT64_FORMAT ",\"answered\":%u,\"found\":%u,"
                "\"new\":%u,\"unidentified\":%u,\"elapsed_ms\":%u,\"sockets_peak\":%u,"
                "\"max_stall_ms\":%.1f,\"max_busy_ms\":%.1f}\n",
                summary->scanned, summary->answered, summary->found, found->added,
                summary->unidentified, summary->elapsed_ms, summary->sockets_peak,
                hf_loop_monitor_take_max_stall (scan->monitor),
                hf_loop_monitor_take_max_busy (scan->monitor));
  else
    g_printerr ("scanned %" G_GUINT64_FORMAT " addresses in %.2f s: %u miner%s found (%u new), "
                "%u unidentified\n", summary->scanned, summary->elapsed_ms / 1000.0,
                summary->found, summary->found == 1 ? "" : "s", found->added,
                summary->unidentified);
  maybe_quit (scan);
}

int
hf_cli_scan (HfCli  *cli,
             char  **targets)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autofree char *described = NULL;
  g_autoptr(HfLoopMonitor) monitor = hf_loop_monitor_new ();
  Scan scan = { cli, 0, FALSE, FALSE, FALSE, monitor };
  HfSession *session;
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

  session = hf_cli_session (cli, TRUE);
  concurrency = hf_scanner_clamp_concurrency (cli->concurrency > 0
                                              ? cli->concurrency
                                              : HF_SCANNER_DEFAULT_CONCURRENCY);
  hf_session_set_scan_options (session, cli->connect_timeout_ms, concurrency);
  described = hf_targets_describe (ranges);
  g_printerr ("scanning %s (%" G_GUINT64_FORMAT " addresses, %u sockets at a time)\n",
              described, hf_targets_count (ranges), concurrency);

  g_signal_connect (session, "discover-found", G_CALLBACK (found_cb), &scan);
  g_signal_connect (session, "discover-unidentified", G_CALLBACK (unidentified_cb), &scan);
  hf_session_discover_async (session, ranges, cli->cancellable, discovered_cb, &scan);
  g_main_loop_run (cli->loop);
  g_signal_handlers_disconnect_by_data (session, &scan);

  return scan.ok ? 0 : 1;
}
