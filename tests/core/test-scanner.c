/* test-scanner.c — HfScanner on loopback: finds exactly the miners
 * SPDX-License-Identifier: MIT
 *
 * Miners and decoys come from hashfleet-sim on 127.0.23.x.  "Silent hosts"
 * (a connect that neither succeeds nor fails, like a powered-off machine on
 * a LAN) are listeners on 127.0.25.x whose accept queue is full: Linux then
 * drops new SYNs, so the connect stays pending until our deadline.
 */
#include <dirent.h>
#include <string.h>
#include <sys/resource.h>

#include "hf-error.h"
#include "hf-scanner.h"
#include "hf-targets.h"
#include "hf-test-utils.h"

#define HTTP_PORT 18380
#define CG_PORT   14380
#define SILENT_PORT 18480
#define N_SILENT 20

static const char fleet[] =
  "[fleet]\nhttp-port=18380\ncgminer-port=14380\nstatic=true\nslow-ms=1500\n"
  "[miner 127.0.23.2]\nprofile=gamma\n"
  "[miner 127.0.23.3]\nprofile=s19pro\n"
  "[miner 127.0.23.4]\nprofile=m30s\n"
  "[miner 127.0.23.5]\nprofile=nano3s\n"
  "[miner 127.0.23.6]\nprofile=cgminer\n"
  "[miner 127.0.23.7]\nprofile=supra\nfault=slow\n"
  "[miner 127.0.23.10]\nprofile=decoy-http\n"
  "[miner 127.0.23.11]\nprofile=decoy-json\n"
  "[miner 127.0.23.12]\nprofile=decoy-echo\n"
  "[miner 127.0.23.13]\nprofile=decoy-hang\n"
  "[miner 127.0.23.14]\nprofile=gamma\nfault=garbage\n";

typedef struct
{
  GHashTable    *found;          /* ip → family name */
  GHashTable    *unidentified;   /* ip → reason */
  guint64        last_done;
  guint64        last_total;
  HfScanSummary *summary;
  GError        *error;
  gboolean       done;
  gint64         finished_at;
} Run;

static void
found_cb (HfScanner *scanner, HfMiner *miner, Run *run)
{
  g_hash_table_insert (run->found, g_strdup (hf_miner_get_address (miner)),
                       g_strdup (hf_family_to_string (hf_miner_get_family (miner))));
}

static void
unidentified_cb (HfScanner *scanner, const char *ip, const char *reason, Run *run)
{
  g_hash_table_insert (run->unidentified, g_strdup (ip), g_strdup (reason));
}

static void
progress_cb (HfScanner *scanner, guint64 done, guint64 total, Run *run)
{
  g_assert_cmpuint (done, >, run->last_done);     /* monotonic */
  run->last_done = done;
  run->last_total = total;
}

static void
scanned_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;

  run->summary = hf_scanner_scan_finish (HF_SCANNER (source), result, &run->error);
  run->finished_at = g_get_monotonic_time ();
  run->done = TRUE;
}

static void
run_init (Run *run)
{
  memset (run, 0, sizeof *run);
  run->found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run->unidentified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
run_clear (Run *run)
{
  g_hash_table_unref (run->found);
  g_hash_table_unref (run->unidentified);
  g_clear_pointer (&run->summary, hf_scan_summary_free);
  g_clear_error (&run->error);
}

static HfScanner *
new_scanner (guint16 http_port,
             guint16 cg_port,
             Run    *run)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  HfScanner *scanner;

  config->http_port = http_port;
  config->cgminer_port = cg_port;
  config->timeout_ms = 4000;
  scanner = hf_scanner_new (config);
  g_signal_connect (scanner, "miner-found", G_CALLBACK (found_cb), run);
  g_signal_connect (scanner, "unidentified", G_CALLBACK (unidentified_cb), run);
  g_signal_connect (scanner, "progress", G_CALLBACK (progress_cb), run);
  return scanner;
}

static GArray *
targets (const char *spec)
{
  const char *specs[] = { spec, NULL };
  g_autoptr(GError) error = NULL;
  GArray *r = hf_targets_parse (specs, FALSE, &error);

  g_assert_no_error (error);
  return r;
}

static void
test_finds_exactly_the_miners (void)
{
  HfTestSim *sim = hf_test_sim_start (fleet);
  g_autoptr(HfScanner) scanner = NULL;
  g_autoptr(GArray) ranges = targets ("127.0.23.1-40");
  const struct { const char *ip, *family; } want[] = {
    { "127.0.23.2", "axeos" }, { "127.0.23.3", "antminer" }, { "127.0.23.4", "whatsminer" },
    { "127.0.23.5", "avalon" }, { "127.0.23.6", "cgminer" }, { "127.0.23.7", "axeos" },
  };
  Run run;

  run_init (&run);
  scanner = new_scanner (HTTP_PORT, CG_PORT, &run);
  hf_scanner_scan_async (scanner, ranges, NULL, scanned_cb, &run);
  hf_test_wait_for (&run.done, 20000);
  g_assert_no_error (run.error);

  /* Every miner, with its family — the slow one too — and nothing else:
   * no router, no JSON API, no echo service, no garbage server. */
  g_assert_cmpuint (g_hash_table_size (run.found), ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpstr (g_hash_table_lookup (run.found, want[i].ip), ==, want[i].family);

  /* The server that accepts on a miner port and never answers is reported,
   * not dropped. */
  g_assert_cmpuint (g_hash_table_size (run.unidentified), ==, 1);
  g_assert_nonnull (g_hash_table_lookup (run.unidentified, "127.0.23.13"));

  g_assert_cmpuint (run.summary->scanned, ==, 40);
  g_assert_cmpuint (run.summary->total, ==, 40);
  g_assert_cmpuint (run.summary->found, ==, 6);
  g_assert_cmpuint (run.summary->unidentified, ==, 1);
  g_assert_cmpuint (run.summary->answered, ==, 11);
  g_assert_cmpuint (run.last_done, ==, 40);
  g_assert_cmpuint (run.last_total, ==, 40);

  run_clear (&run);
  hf_test_sim_stop (sim);
}

/* Listeners on 127.0.25.1…N whose accept queue is full. */
typedef struct
{
  GPtrArray *listeners;
  GPtrArray *fillers;
} Silent;

static Silent *
silent_hosts_new (void)
{
  Silent *s = g_new0 (Silent, 1);

  s->listeners = g_ptr_array_new_with_free_func (g_object_unref);
  s->fillers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 1; i <= N_SILENT; i++)
    {
      g_autofree char *ip = g_strdup_printf ("127.0.25.%u", i);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string (ip, SILENT_PORT);
      g_autoptr(GError) error = NULL;
      GSocket *listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                        G_SOCKET_PROTOCOL_TCP, &error);

      g_assert_no_error (error);
      g_socket_set_listen_backlog (listener, 0);
      g_assert_true (g_socket_bind (listener, address, TRUE, &error));
      g_assert_true (g_socket_listen (listener, &error));
      g_ptr_array_add (s->listeners, listener);
      /* Fill the queue (backlog 0 holds one); the next SYN is dropped. */
      for (guint k = 0; k < 2; k++)
        {
          GSocket *filler = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
          g_socket_set_blocking (filler, FALSE);
          g_socket_connect (filler, address, NULL, NULL);
          g_ptr_array_add (s->fillers, filler);
        }
    }
  g_usleep (50 * 1000);
  return s;
}

static void
silent_hosts_free (Silent *s)
{
  g_ptr_array_unref (s->fillers);
  g_ptr_array_unref (s->listeners);
  g_free (s);
}

static guint
open_fds (void)
{
  DIR *dir = opendir ("/proc/self/fd");
  guint n = 0;

  while (dir != NULL && readdir (dir) != NULL)
    n++;
  if (dir != NULL)
    closedir (dir);
  return n;
}

static void
test_silent_hosts_take_one_deadline (void)
{
  Silent *silent = silent_hosts_new ();
  g_autoptr(HfScanner) scanner = NULL;
  g_autoptr(GArray) ranges = targets ("127.0.25.1-20");
  Run run;

  run_init (&run);
  scanner = new_scanner (SILENT_PORT, SILENT_PORT + 1, &run);
  hf_scanner_set_connect_timeout (scanner, 300);
  hf_scanner_scan_async (scanner, ranges, NULL, scanned_cb, &run);
  hf_test_wait_for (&run.done, 10000);
  g_assert_no_error (run.error);
  g_test_message ("20 silent hosts, 300 ms deadline: %u ms, sockets peak %u",
                  run.summary->elapsed_ms, run.summary->sockets_peak);
  /* All at once: about one deadline, not twenty. */
  g_assert_cmpuint (run.summary->elapsed_ms, >=, 290);
  g_assert_cmpuint (run.summary->elapsed_ms, <, 600);
  g_assert_cmpuint (run.summary->found, ==, 0);
  g_assert_cmpuint (run.summary->scanned, ==, 20);
  run_clear (&run);

  /* Bounded: at most 8 sockets at a time.  The second port refuses at
   * once, so up to 8 silent probes overlap: ceil (20 / 8) = 3 deadlines. */
  run_init (&run);
  g_clear_object (&scanner);
  scanner = new_scanner (SILENT_PORT, SILENT_PORT + 1, &run);
  hf_scanner_set_connect_timeout (scanner, 300);
  g_assert_cmpuint (hf_scanner_set_concurrency (scanner, 8), ==, 8);
  hf_scanner_scan_async (scanner, ranges, NULL, scanned_cb, &run);
  hf_test_wait_for (&run.done, 10000);
  g_test_message ("concurrency 8: %u ms, sockets peak %u", run.summary->elapsed_ms,
                  run.summary->sockets_peak);
  g_assert_cmpuint (run.summary->sockets_peak, <=, 8);
  g_assert_cmpuint (run.summary->elapsed_ms, >=, 3 * 290);
  run_clear (&run);
  silent_hosts_free (silent);
}

static void
test_cancel_within_100ms (void)
{
  Silent *silent = silent_hosts_new ();
  g_autoptr(HfScanner) scanner = NULL;
  g_autoptr(GArray) ranges = targets ("127.0.25.1-20");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint fds_before = open_fds ();
  gint64 cancelled_at;
  Run run;

  run_init (&run);
  scanner = new_scanner (SILENT_PORT, SILENT_PORT + 1, &run);
  hf_scanner_set_connect_timeout (scanner, 5000);
  hf_scanner_scan_async (scanner, ranges, cancellable, scanned_cb, &run);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (open_fds (), >=, fds_before + 20);   /* the probes are open */

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (open_fds (), ==, fds_before);         /* closed at once */
  hf_test_wait_for (&run.done, 2000);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (run.finished_at - cancelled_at, <, 100 * 1000);
  run_clear (&run);
  silent_hosts_free (silent);
}

static void
test_concurrency_respects_file_limit (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfScanner) scanner = hf_scanner_new (config);
  struct rlimit saved, low;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  low = saved;
  low.rlim_cur = 300;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);
  g_assert_cmpuint (hf_scanner_set_concurrency (scanner, 512), <=, 300 - 128);
  g_assert_cmpuint (hf_scanner_set_concurrency (scanner, 100), ==, 100);
  setrlimit (RLIMIT_NOFILE, &saved);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/scanner/finds-exactly-the-miners", test_finds_exactly_the_miners);
  g_test_add_func ("/scanner/silent-hosts-take-one-deadline", test_silent_hosts_take_one_deadline);
  g_test_add_func ("/scanner/cancel-within-100ms", test_cancel_within_100ms);
  g_test_add_func ("/scanner/concurrency-respects-file-limit", test_concurrency_respects_file_limit);

  return g_test_run ();
}
