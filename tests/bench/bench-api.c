/* bench-api.c — the HTTP API under load while polling 500 simulated miners
 * SPDX-License-Identifier: MIT
 *
 *   HF_SIM=build/tests/sim/hashfleet-sim build/tests/bench/bench-api
 *
 * Starts hashfleet-sim with 500 miners on 127.0.80.x–127.0.81.x (loopback
 * only, answering after 50–150 ms), polls them every 5 s, and serves the
 * API on 127.0.0.1.  A client thread sends 200 requests a second for 10 s
 * (/metrics, /api/miners and /api/stats in turn, without waiting for
 * answers; each on its own connection, body read to the end); prints how many were answered, the latency percentiles, and
 * the server's longest main-loop stall.
 */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <string.h>

#include "hf-api-server.h"
#include "hf-core.h"

#define N_MINERS  500
#define RATE      200
#define SECONDS   10
#define HTTP_PORT 18870
#define CGMINER_PORT 14870

typedef struct
{
  guint16  port;
  GArray  *latencies_us;     /* gint64 */
  guint    sent;
  guint    answered;
  guint    failed;
  gboolean done;
} Load;

/* The client is plain GIO (one connection per request, "Connection:
 * close", the body read in 64 KiB blocks and dropped) so that what is
 * measured is the server, not an HTTP client library's buffering. */
typedef struct
{
  Load              *load;
  gint64             sent_at;
  char              *request;
  GSocketConnection *connection;
  guint8             buffer[65536];
  gsize              received;
} Request;

static void
request_done (Request  *r,
              gboolean  ok)
{
  /* "HTTP/1.1 200" and a body: answered. */
  if (ok && r->received > 0)
    {
      gint64 us = g_get_monotonic_time () - r->sent_at;
      r->load->answered++;
      g_array_append_val (r->load->latencies_us, us);
    }
  else
    r->load->failed++;
  g_clear_object (&r->connection);
  g_free (r->request);
  g_free (r);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Request *r = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n < 0)
    {
      request_done (r, FALSE);
      return;
    }
  if (n == 0)
    {
      request_done (r, TRUE);
      return;
    }
  if (r->received == 0 && (n < 12 || memcmp (r->buffer, "HTTP/1.1 200", 12) != 0))
    {
      request_done (r, FALSE);
      return;
    }
  r->received += (gsize) n;
  g_input_stream_read_async (G_INPUT_STREAM (source), r->buffer, sizeof r->buffer,
                             G_PRIORITY_DEFAULT, NULL, read_cb, r);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Request *r = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      request_done (r, FALSE);
      return;
    }
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (r->connection)),
                             r->buffer, sizeof r->buffer, G_PRIORITY_DEFAULT, NULL, read_cb, r);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *r = user_data;

  r->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, NULL);
  if (r->connection == NULL)
    {
      request_done (r, FALSE);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (r->connection)),
                                   r->request, strlen (r->request), G_PRIORITY_DEFAULT, NULL,
                                   written_cb, r);
}

static gpointer
client_thread (gpointer data)
{
  Load *load = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketAddress) server = NULL;
  static const char *paths[] = { "/metrics", "/api/miners", "/api/stats" };
  gint64 start, next;

  g_main_context_push_thread_default (context);
  client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (client, FALSE);
  server = g_inet_socket_address_new_from_string ("127.0.0.1", load->port);
  start = next = g_get_monotonic_time ();
  while (load->sent < RATE * SECONDS)
    {
      gint64 now = g_get_monotonic_time ();

      if (now >= next)
        {
          Request *r = g_new0 (Request, 1);

          r->load = load;
          r->sent_at = now;
          r->request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        "Connection: close\r\n\r\n",
                                        paths[load->sent % G_N_ELEMENTS (paths)]);
          g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (server), NULL,
                                         connected_cb, r);
          load->sent++;
          next = start + (gint64) load->sent * G_USEC_PER_SEC / RATE;
        }
      while (g_main_context_iteration (context, FALSE))
        ;
      if (g_get_monotonic_time () < next)
        g_usleep (100);
    }
  /* Let the last answers in (2 s at most). */
  for (gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
       load->answered + load->failed < load->sent && g_get_monotonic_time () < end;)
    g_main_context_iteration (context, FALSE), g_usleep (100);
  g_main_context_pop_thread_default (context);
  load->done = TRUE;
  return NULL;
}

static int
compare (gconstpointer a,
         gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GString) config_text = g_string_new (NULL);
  g_autofree char *config_path = NULL;
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfSession) session = NULL;
  HfFleet *fleet;
  g_autoptr(HfApiServer) server = NULL;
  g_autoptr(HfLoopMonitor) monitor = NULL;
  Load load = { 0 };
  GThread *client;
  double stall;
  int fd;

  if (g_getenv ("HF_SIM") == NULL)
    g_error ("set HF_SIM to the hashfleet-sim binary");
  hf_process_raise_fd_limit ();

  /* Half AxeOS over HTTP, half Antminer over the cgminer API. */
  g_string_append_printf (config_text, "[fleet]\nhttp-port=%d\ncgminer-port=%d\nstatic=true\n"
                          "latency=50-150\n", HTTP_PORT, CGMINER_PORT);
  fd = g_file_open_tmp ("hf-bench-api-XXXXXX.ini", &config_path, &error);
  g_assert_no_error (error);
  close (fd);
  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  session = hf_session_new (NULL, config);
  fleet = hf_session_get_fleet (session);
  for (guint i = 0; i < N_MINERS; i++)
    {
      g_autofree char *ip = g_strdup_printf ("127.0.%u.%u", 80 + (i + 1) / 256, (i + 1) % 256);
      gboolean axeos = i % 2 == 0;
      g_autoptr(HfMiner) m = hf_miner_new (ip, axeos ? HF_FAMILY_AXEOS : HF_FAMILY_ANTMINER);

      g_string_append_printf (config_text, "[miner %s]\nprofile=%s\n", ip, axeos ? "gamma" : "s19pro");
      hf_miner_set_http_port (m, HTTP_PORT);
      hf_miner_set_cgminer_port (m, CGMINER_PORT);
      hf_fleet_add (fleet, m);
    }
  g_file_set_contents (config_path, config_text->str, -1, &error);
  g_assert_no_error (error);
  sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("HF_SIM"),
                          "--config", config_path, "--ttl", "120", NULL);
  g_assert_no_error (error);
  g_usleep (G_USEC_PER_SEC);

  hf_session_set_poll_interval (session, g_getenv ("HF_BENCH_NO_POLL") ? 3600 : 5);
  hf_session_start (session);
  server = hf_api_server_new (session);
  if (!hf_api_server_listen (server, "127.0.0.1:0", &error))
    g_error ("%s", error->message);
  load.port = hf_api_server_get_port (server);
  load.latencies_us = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* The first cycle, so that the answers carry a fleet. */
  while (hf_fleet_get_online_count (fleet) < N_MINERS / 2)
    g_main_context_iteration (NULL, TRUE);

  monitor = hf_loop_monitor_new ();
  client = g_thread_new ("load", client_thread, &load);
  while (!load.done)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (client);
  stall = hf_loop_monitor_take_max_stall (monitor);

  g_array_sort (load.latencies_us, compare);
  {
    guint n = load.latencies_us->len;
    double p50 = n ? g_array_index (load.latencies_us, gint64, n / 2) / 1000.0 : NAN;
    double p99 = n ? g_array_index (load.latencies_us, gint64, MIN (n - 1, n * 99 / 100)) / 1000.0 : NAN;
    double max = n ? g_array_index (load.latencies_us, gint64, n - 1) / 1000.0 : NAN;

    g_print ("%u requests at %u/s for %u s while polling %u miners (%u online): "
             "%u answered (%.2f %%), %u failed; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
             "longest main-loop stall %.1f ms\n",
             load.sent, RATE, SECONDS, N_MINERS, hf_fleet_get_online_count (fleet),
             load.answered, 100.0 * load.answered / MAX (load.sent, 1), load.failed, p50, p99,
             max, stall);
  }
  g_subprocess_force_exit (sim);
  g_unlink (config_path);
  return 0;
}
