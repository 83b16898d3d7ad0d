/* test-api.c — the HTTP API and /metrics against the simulator's fleet
 * SPDX-License-Identifier: MIT
 *
 * A real HfApiServer on 127.0.0.1 (a free port), a real fleet polling
 * hashfleet-sim on 127.0.52.x, a real store; requests through libsoup,
 * or on raw sockets where a hostile client is played (any Host, a body
 * that never comes, headers a byte at a time, hundreds of connections),
 * and hashfleet-cli serve itself.
 */
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <libsoup/soup.h>

#include "hf-api-server.h"
#include "hf-fleet.h"
#include "hf-identify.h"
#include "hf-json.h"
#include "hf-recorder.h"
#include "hf-store.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18960
#define CGMINER_PORT 14960
#define TOKEN        "test-token-0123456789"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18960\ncgminer-port=14960\nstatic=true\nrestart-seconds=1\n"
  "[miner 127.0.52.2]\nprofile=gamma\nhostname=bitaxe-\"quoted\"\\\\name\n"
  "[miner 127.0.52.3]\nprofile=s19pro\n"
  "[miner 127.0.52.4]\nprofile=nano3s\n"
  "[miner 127.0.52.20]\nprofile=supra\n";      /* found by discover */

typedef struct
{
  HfTestSim   *sim;
  char        *dir;
  HfSession   *hf;           /* the session the server is handed */
  HfStore     *store;        /* its store, borrowed */
  HfFleet     *fleet;        /* its fleet, borrowed */
  HfApiServer *server;
  SoupSession *session;
  guint16      port;
} Fixture;

typedef struct
{
  gboolean  done;
  GBytes   *body;
  guint     status;
} Answer;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Answer *a = user_data;
  g_autoptr(GError) error = NULL;

  a->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  a->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source),
                                                                              result));
  a->done = TRUE;
}

/* @method @path with @token (NULL: none) and @body (NULL: none); returns
 * the body as a string, @status the HTTP status. */
static char *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *token,
         const char *body,
         guint      *status)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", f->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  Answer a = { 0 };

  if (token != NULL)
    {
      g_autofree char *header = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    header);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &a);
  hf_test_wait_for (&a.done, 10000);
  *status = a.status;
  return g_strndup (g_bytes_get_data (a.body, NULL), g_bytes_get_size (a.body));
}

/* Raw clients: what libsoup's client would not send (a Host of our
 * choosing, a body that never comes, one byte at a time), each run on a
 * worker thread with blocking sockets while the main loop serves. */

typedef struct
{
  guint16     port;
  const char *request;        /* sent on each connection */
  gsize       request_len;    /* 0: strlen (request) */
  guint       connections;    /* one request on each, in turn */
  gboolean    keep_open;      /* keep each one open after its answer */
  GPtrArray  *kept;           /* GSocketConnection */
  GPtrArray  *answers;        /* char *, what each connection received */
} Exchange;

static GSocketConnection *
raw_connect (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", port);
  GSocketConnection *connection;

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, host, port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);
  return connection;
}

static gboolean
raw_send (GSocket    *socket,
          const char *data,
          gsize       len)
{
  while (len > 0)
    {
      gssize n = g_socket_send (socket, data, len, NULL, NULL);
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Whether @answer holds a whole HTTP answer: its head, and as much body as
 * its Content-Length says. */
static gboolean
answer_complete (GString *answer)
{
  const char *end = strstr (answer->str, "\r\n\r\n");
  gsize head, length = 0;

  if (end == NULL)
    return FALSE;
  head = (gsize) (end - answer->str) + 4;
  for (const char *line = answer->str; line < end; line = strstr (line, "\r\n") + 2)
    if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
      length = strtoul (line + 15, NULL, 10);
  return answer->len >= head + length;
}

/* Everything the server sends until it closes, or until a whole answer
 * came (a server that keeps the connection open), or 10 s passed. */
static char *
raw_receive (GSocket *socket)
{
  GString *answer = g_string_new (NULL);
  char buffer[16384];

  while (!answer_complete (answer))
    {
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        break;
      g_string_append_len (answer, buffer, n);
    }
  return g_string_free (answer, FALSE);
}

static void
exchange_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Exchange *x = data;
  gsize len = x->request_len ? x->request_len : strlen (x->request);

  for (guint i = 0; i < MAX (x->connections, 1); i++)
    {
      g_autoptr(GSocketConnection) connection = raw_connect (x->port);
      GSocket *socket = g_socket_connection_get_socket (connection);

      raw_send (socket, x->request, len);
      g_ptr_array_add (x->answers, raw_receive (socket));
      if (x->keep_open)
        g_ptr_array_add (x->kept, g_steal_pointer (&connection));
      else
        g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

static void
thread_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Run @func on a worker thread with @data while the main loop serves. */
static void
run_client (GTaskThreadFunc func,
            gpointer        data)
{
  gboolean done = FALSE;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, thread_done_cb, &done);

  g_task_set_task_data (task, data, NULL);
  g_task_run_in_thread (task, func);
  hf_test_wait_for (&done, 120000);
}

static void
exchange_init (Exchange   *x,
               guint16     port,
               const char *request)
{
  memset (x, 0, sizeof *x);
  x->port = port;
  x->request = request;
  x->connections = 1;
  x->kept = g_ptr_array_new_with_free_func (g_object_unref);
  x->answers = g_ptr_array_new_with_free_func (g_free);
}

static void
exchange_clear (Exchange *x)
{
  g_clear_pointer (&x->kept, g_ptr_array_unref);
  g_clear_pointer (&x->answers, g_ptr_array_unref);
}

/* One request on its own connection; returns the whole answer. */
static char *
raw_request (guint16     port,
             const char *text)
{
  Exchange x;
  char *answer;

  exchange_init (&x, port, text);
  run_client (exchange_thread, &x);
  answer = g_strdup (g_ptr_array_index (x.answers, 0));
  exchange_clear (&x);
  return answer;
}

static guint
answer_status (const char *answer)
{
  guint status = 0;

  if (sscanf (answer, "HTTP/1.%*c %u", &status) != 1)
    return 0;
  return status;
}

static const char *
answer_body (const char *answer)
{
  const char *end = strstr (answer, "\r\n\r\n");

  return end != NULL ? end + 4 : "";
}

/* Let the server see what its clients did (closes, timeouts). */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* The sockets of this process whose local port is @port, the listening
 * one aside: the server's side of its connections. */
static guint
count_server_sockets (guint16 port)
{
  g_autoptr(GHashTable) inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
  const char *name;
  guint count = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:["))
        g_hash_table_add (inodes, g_strndup (target + 8, strlen (target) - 9));
    }
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (tables[t], &text, NULL, NULL))
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          g_autoptr(GPtrArray) f = g_ptr_array_new ();
          const char *colon;

          for (guint k = 0; fields[k] != NULL; k++)
            if (fields[k][0] != '\0')
              g_ptr_array_add (f, fields[k]);
          /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
          if (f->len < 10 || (colon = strrchr (g_ptr_array_index (f, 1), ':')) == NULL)
            continue;
          if (strtoul (colon + 1, NULL, 16) == port
              && !g_str_equal (g_ptr_array_index (f, 3), "0A")
              && g_hash_table_contains (inodes, g_ptr_array_index (f, 9)))
            count++;
        }
    }
  return count;
}

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint count = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    count++;
  return count;
}

/* A server with an empty fleet on 127.0.0.1, no store. */
static HfApiServer *
bare_server (const char *token,
             guint16    *port)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfSession) session = hf_session_new (NULL, config);
  g_autoptr(GError) error = NULL;
  HfApiServer *server = hf_api_server_new (session);

  hf_api_server_set_token (server, token);
  g_assert_true (hf_api_server_listen (server, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  *port = hf_api_server_get_port (server);
  return server;
}

static gboolean cycle_done;

static void
cycle_cb (HfFleet *fleet, guint polled, guint answered, guint ms, gpointer data)
{
  cycle_done = TRUE;
}

static void
poll_cycle (Fixture *f)
{
  cycle_done = FALSE;
  g_assert_true (hf_fleet_poll_now (f->fleet));
  hf_test_wait_for (&cycle_done, 10000);
}

typedef struct
{
  gboolean  done;
  HfMiner  *miner;
} IdentifyWait;

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  IdentifyWait *w = user_data;
  g_autoptr(GError) error = NULL;

  w->miner = hf_session_add_finish (HF_SESSION (source), result, NULL, &error);
  g_assert_no_error (error);
  w->done = TRUE;
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_loop_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Every cycle recorded so far is in the store. */
static void
flush_history (Fixture *f)
{
  gboolean done = FALSE;

  hf_session_flush_async (f->hf, 5000, done_cb, &done);
  hf_test_wait_for (&done, 6000);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autofree char *db = NULL;
  const char *addresses[] = { "127.0.52.2", "127.0.52.3", "127.0.52.4" };
  const HfFamily families[] = { HF_FAMILY_AXEOS, HF_FAMILY_ANTMINER, HF_FAMILY_AVALON };

  f->sim = hf_test_sim_start (fleet_config);
  f->dir = g_dir_make_tmp ("hf-test-api-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (f->dir, "fleet.db", NULL);
  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  config->timeout_ms = 3000;
  f->hf = hf_session_new (db, config);
  {
    gboolean loaded = FALSE;

    hf_session_load_async (f->hf, NULL, done_cb, &loaded);
    hf_test_wait_for (&loaded, 5000);
    g_assert_true (hf_session_get_loaded (f->hf));
  }
  f->store = hf_session_get_store (f->hf);
  f->fleet = hf_session_get_fleet (f->hf);
  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      IdentifyWait w = { 0 };

      hf_session_add_async (f->hf, addresses[i], 0, 0, NULL, added_cb, &w);
      hf_test_wait_for (&w.done, 10000);
      g_assert_nonnull (w.miner);
      g_assert_cmpint (hf_miner_get_family (w.miner), ==, families[i]);
      g_object_unref (w.miner);
    }
  g_signal_connect (f->fleet, "cycle-finished", G_CALLBACK (cycle_cb), NULL);

  f->server = hf_api_server_new (f->hf);
  if (data != NULL)
    hf_api_server_set_token (f->server, data);
  g_assert_true (hf_api_server_listen (f->server, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  f->port = hf_api_server_get_port (f->server);
  g_assert_cmpuint (f->port, >, 0);
  /* No proxy: the desktop's settings do not exist in a test. */
  f->session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  poll_cycle (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->server);
  {
    gboolean done = FALSE;

    hf_session_shutdown_async (f->hf, 5000, done_cb, &done);
    hf_test_wait_for (&done, 6000);
  }
  g_clear_object (&f->hf);
  hf_test_sim_stop (f->sim);
  g_free (f->dir);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = hf_json_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  return node;
}

static void
test_reads (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *miners = NULL, *stats = NULL;
  g_autoptr(JsonNode) m = NULL, s = NULL;
  JsonObject *stats_obj;
  guint status;
  double sum = 0;

  miners = request (f, "GET", "/api/miners", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  m = parse (miners);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (m));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (m)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *o = json_array_get_object_element (json_node_get_array (m), i);
      g_assert_true (json_object_get_boolean_member (o, "online"));
      sum += json_object_get_double_member (o, "hashrate_ghs");
      if (g_str_equal (json_object_get_string_member (o, "ip"), "127.0.52.3"))
        {
          g_assert_cmpstr (json_object_get_string_member (o, "family"), ==, "antminer");
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "hashrate_ghs"),
                                          109500, 1e-6);
        }
    }

  stats = request (f, "GET", "/api/stats", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  s = parse (stats);
  stats_obj = json_node_get_object (s);
  g_assert_cmpint (json_object_get_int_member (stats_obj, "online"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (stats_obj, "total"), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stats_obj, "hashrate_ghs"),
                                  sum, 1e-6);
}

/* @text is strictly valid exposition format (tests/check-metrics.py,
 * which runs promtool too). */
static void
check_metrics (const char *text)
{
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) checker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "check-metrics.py", NULL);

  checker = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, "python3", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (checker, text, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("check-metrics: %s", out);
  g_assert_true (g_subprocess_get_if_exited (checker));
  g_assert_cmpint (g_subprocess_get_exit_status (checker), ==, 0);
}

static void
test_metrics (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *text = NULL;
  guint status;

  text = request (f, "GET", "/metrics", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_test_message ("%s", text);

  /* Strictly valid exposition format… */
  check_metrics (text);

  /* …with the values and labels of the fleet, escaped. */
  g_assert_nonnull (strstr (text, "hashfleet_miner_hashrate_hashes_per_second{address=\"127.0.52.3\","
                                  "hostname=\"s19pro-2\",model=\"Antminer S19 Pro\","
                                  "family=\"antminer\"} 109500000000000\n"));
  g_assert_nonnull (strstr (text, "hostname=\"bitaxe-\\\"quoted\\\"\\\\name\""));
  g_assert_nonnull (strstr (text, "hashfleet_miner_power_watts{address=\"127.0.52.3\","));
  g_assert_nonnull (strstr (text, "estimated=\"true\"} "));
  g_assert_nonnull (strstr (text, "hashfleet_fleet_miners{state=\"online\"} 3\n"));
  g_assert_nonnull (strstr (text, "hashfleet_poll_cycles_total 1\n"));
}

/* A JSON object member as a number, or NAN for null. */
static double
number (JsonObject *o,
        const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  g_assert_nonnull (node);
  return JSON_NODE_HOLDS_NULL (node) ? NAN : json_node_get_double (node);
}

/* Energy: a miner's over a range (known by hand), the fleet's today and
 * this month in the stats, counters in the metrics. */
static void
test_energy (Fixture       *f,
             gconstpointer  data)
{
  /* Monday 2025-01-06 00:00 UTC, a day of 100 W recorded for 127.0.52.3. */
  const gint64 monday = 1736121600;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *g = NULL;
  g_autofree char *stats = NULL, *metrics = NULL, *path = NULL, *priced_path = NULL;
  g_autoptr(JsonNode) day = NULL, priced = NULL, today = NULL, s = NULL;
  g_autoptr(HfTariff) tariff = hf_tariff_parse ("EUR 0.25", NULL);
  HfMiner *s19 = hf_fleet_lookup_address (f->fleet, "127.0.52.3");
  JsonObject *o;
  guint status;

  {
    g_autoptr(HfMiner) copy = hf_miner_new ("127.0.52.3", hf_miner_get_family (s19));
    g_autoptr(GError) error = NULL;

    hf_miner_update_identity (copy, s19);
    for (gint64 t = monday; t <= monday + 86400; t += 15)
      {
        g_autoptr(HfReading) r = hf_reading_new ();

        r->timestamp = t * G_USEC_PER_SEC;
        r->power_w = 100;
        hf_miner_set_reading (copy, r);
        g_assert_true (hf_store_add_readings (f->store, &copy, 1, &error));
      }
  }

  path = g_strdup_printf ("/api/miner/127.0.52.3/energy?since=%" G_GINT64_FORMAT
                          "&until=%" G_GINT64_FORMAT, monday, monday + 86400);
  a = request (f, "GET", path, TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  day = parse (a);
  o = json_node_get_object (day);
  g_assert_cmpstr (json_object_get_string_member (o, "address"), ==, "127.0.52.3");
  g_assert_cmpint (json_object_get_int_member (o, "since"), ==, monday);
  g_assert_cmpfloat_with_epsilon (number (o, "kwh"), 2.4, 1e-9);
  g_assert_cmpfloat_with_epsilon (number (o, "kwh_measured"), 2.4, 1e-9);
  g_assert_cmpfloat_with_epsilon (number (o, "covered_s"), 86400, 1e-6);
  g_assert_cmpfloat_with_epsilon (number (o, "coverage"), 1, 1e-12);
  g_assert_cmpint (json_object_get_int_member (o, "gap_limit_s"), ==, 60);
  g_assert_true (isnan (number (o, "cost")));
  g_assert_true (json_object_get_null_member (o, "currency"));

  /* A tariff of its own. */
  priced_path = g_strdup_printf ("%s&tariff=EUR%%200.30%%3B%%2007:00-22:00%%200.40", path);
  b = request (f, "GET", priced_path, TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  priced = parse (b);
  o = json_node_get_object (priced);
  g_assert_cmpstr (json_object_get_string_member (o, "currency"), ==, "EUR");
  g_assert_cmpstr (json_object_get_string_member (o, "tariff"), ==, "EUR 0.3; 07:00-22:00 0.4");
  /* 15 h at 0.40 and 9 h at 0.30 on this machine's clock: the hours move
   * with its zone, the sum of the prices does not drop below 9 × 0.30. */
  g_assert_cmpfloat (number (o, "cost"), >=, 2.4 * 0.30 - 1e-9);
  g_assert_cmpfloat (number (o, "cost"), <=, 2.4 * 0.40 + 1e-9);

  /* Refusals. */
  c = request (f, "GET", "/api/miner/127.0.52.3/energy?tariff=EUR%200%2C30", TOKEN, NULL,
               &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (c, "write decimals with '.'"));
  d = request (f, "GET", "/api/miner/127.0.52.3/energy?since=yesterday", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  e = request (f, "GET", "/api/miner/127.0.52.3/energy?since=2000&until=1000", TOKEN, NULL,
               &status);
  g_assert_cmpuint (status, ==, 400);
  g_free (e);
  e = request (f, "GET", "/api/miner/127.0.52.99/energy", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 404);

  /* Today so far by default. */
  g = request (f, "GET", "/api/miner/127.0.52.3/energy", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  today = parse (g);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now),
                                                           g_date_time_get_month (now),
                                                           g_date_time_get_day_of_month (now),
                                                           0, 0, 0);

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (today), "since"), ==,
                     g_date_time_to_unix (midnight));
  }

  /* The stats: today's and this month's, once the session computed them
   * at the tariff's prices. */
  {
    HfEnergyMeter *meter = hf_session_get_energy_meter (f->hf);
    gint64 deadline;

    poll_cycle (f);
    hf_session_set_tariff (f->hf, tariff);
    /* A refresh begun before the tariff may report first: wait for the
     * one at its prices. */
    deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (hf_energy_meter_get_today (meter) == NULL
           || hf_energy_report_get_tariff (hf_energy_meter_get_today (meter)) == NULL)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, TRUE);
      }
  }
  stats = request (f, "GET", "/api/stats", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  s = parse (stats);
  o = json_node_get_object (s);
  g_assert_cmpstr (json_object_get_string_member (o, "currency"), ==, "EUR");
  g_assert_cmpfloat (number (o, "energy_today_kwh"), >=, 0);
  g_assert_cmpfloat (number (o, "energy_month_kwh"), >=, number (o, "energy_today_kwh"));
  g_assert_cmpfloat_with_epsilon (number (o, "energy_today_cost"),
                                  number (o, "energy_today_kwh") * 0.25, 1e-12);
  g_assert_false (isnan (number (o, "energy_month_kwh_estimated")));

  /* The metrics: counters of what each miner drew since the start (two
   * cycles at least, seconds apart), the fleet's today and this month. */
  metrics = request (f, "GET", "/metrics", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_test_message ("%s", metrics);
  check_metrics (metrics);
  {
    g_auto(GStrv) lines = g_strsplit (metrics, "\n", -1);
    double drawn = 0;
    guint series = 0;

    for (guint i = 0; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], "hashfleet_energy_kwh_total{address=\"127.0.52.3\""))
        {
          series++;
          drawn += g_ascii_strtod (strrchr (lines[i], ' ') + 1, NULL);
        }
    g_assert_cmpuint (series, ==, 2);
    g_assert_cmpfloat (drawn, >, 0);
  }
  g_assert_nonnull (strstr (metrics, "# TYPE hashfleet_energy_kwh_total counter\n"));
  g_assert_nonnull (strstr (metrics, "hashfleet_fleet_energy_kwh{period=\"today\"} "));
  g_assert_nonnull (strstr (metrics, "hashfleet_fleet_energy_cost{period=\"month\","
                                     "currency=\"EUR\"} "));
}

static void
test_writes_need_token (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  guint status;

  /* No token configured: reads work, writes are refused. */
  a = request (f, "GET", "/api/stats", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  b = request (f, "POST", "/api/miner/127.0.52.2/restart", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 403);
  g_assert_nonnull (strstr (b, "\"error\""));
  c = request (f, "DELETE", "/api/miner/127.0.52.2", "guess", NULL, &status);
  g_assert_cmpuint (status, ==, 403);
  d = request (f, "POST", "/api/discover", NULL, "{}", &status);
  g_assert_cmpuint (status, ==, 403);
  g_assert_nonnull (hf_fleet_lookup_address (f->fleet, "127.0.52.2"));
  g_assert_cmpuint (hf_test_sim_events (f->sim, "restart", "127.0.52.2", 1, 300), ==, 0);
}

static void
test_wrong_token (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  guint status;

  a = request (f, "GET", "/api/stats", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  b = request (f, "GET", "/metrics", TOKEN "x", NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  c = request (f, "POST", "/api/miner/127.0.52.2/restart", "test-token-012345678", NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpuint (hf_test_sim_events (f->sim, "restart", "127.0.52.2", 1, 300), ==, 0);
}

static void
test_restart_remove_history (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *h = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  guint status;

  /* Restart reaches the simulated miner; a second one is rate-limited. */
  a = request (f, "POST", "/api/miner/127.0.52.2/restart", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (hf_test_sim_events (f->sim, "restart", "127.0.52.2", 1, 3000), ==, 1);
  b = request (f, "POST", "/api/miner/127.0.52.2/restart", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 429);
  c = request (f, "POST", "/api/miner/127.0.52.99/restart", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 404);

  /* History: the readings recorded so far, as a JSON array (once the
   * store's worker has written them). */
  poll_cycle (f);
  flush_history (f);
  h = request (f, "GET", "/api/miner/127.0.52.3/history?since=0&resolution=raw", TOKEN, NULL,
               &status);
  g_assert_cmpuint (status, ==, 200);
  rows = parse (h);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (rows));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (rows)), >=, 1);
  g_assert_cmpfloat_with_epsilon (
    json_object_get_double_member (json_array_get_object_element (json_node_get_array (rows), 0),
                                   "hashrate_ghs"), 109500, 1e-6);
  d = request (f, "GET", "/api/miner/127.0.52.3/history?since=yesterday", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 400);

  /* Remove: gone from the fleet and the store. */
  e = request (f, "DELETE", "/api/miner/127.0.52.4?keep_history=false", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_null (hf_fleet_lookup_address (f->fleet, "127.0.52.4"));
  flush_history (f);
  stored = hf_store_load_fleet (f->store, NULL);
  g_assert_cmpuint (stored->len, ==, 2);
}

/* GET @path with @host as Host (NULL: none, HTTP/1.0) and @token. */
static char *
get_with_host (Fixture    *f,
               const char *path,
               const char *host,
               const char *token)
{
  g_autofree char *auth = token ? g_strdup_printf ("Authorization: Bearer %s\r\n", token)
                                : g_strdup ("");
  g_autofree char *text = host ? g_strdup_printf ("GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n",
                                                  path, host, auth)
                               : g_strdup_printf ("GET %s HTTP/1.0\r\n%s\r\n", path, auth);

  return raw_request (f->port, text);
}

/* Without a token, only requests for localhost or a loopback address are
 * answered: a page on any-site.example whose name resolves to 127.0.0.1
 * must not read the fleet. */
static void
test_host_rule (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *with_port = g_strdup_printf ("127.0.0.1:%u", f->port);
  const char *allowed[] = { "127.0.0.1", with_port, "localhost", "LocalHost:8080", "127.8.9.10",
                            "[::1]", "[::1]:8080", NULL };
  const char *refused[] = { "any-site.example", "any-site.example:8080", "127.0.0.1.nip.io",
                            "localhost.any-site.example", "127.0.0.1@any-site.example",
                            "192.0.2.1", "[::ffff:127.0.0.1]", "", NULL };
  g_autofree char *none = NULL;

  for (guint i = 0; allowed[i] != NULL; i++)
    {
      g_autofree char *answer = get_with_host (f, "/api/miners", allowed[i], NULL);
      g_autoptr(JsonNode) node = NULL;

      g_test_message ("Host: %s: %u", allowed[i], answer_status (answer));
      g_assert_cmpuint (answer_status (answer), ==, 200);
      node = parse (answer_body (answer));
      g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 3);
    }
  for (guint i = 0; refused[i] != NULL; i++)
    {
      g_autofree char *answer = get_with_host (f, "/api/miners", refused[i], NULL);
      g_autoptr(JsonNode) node = NULL;

      g_test_message ("Host: %s: %u", refused[i], answer_status (answer));
      g_assert_true (answer_status (answer) == 421 || answer_status (answer) == 400);
      g_assert_null (strstr (answer, "127.0.52."));
      if (answer_status (answer) == 421)
        {
          node = parse (answer_body (answer));
          g_assert_nonnull (json_object_get_string_member (json_node_get_object (node), "error"));
        }
    }
  /* HTTP/1.0 without Host: addressed to the loopback address it came to. */
  none = get_with_host (f, "/api/stats", NULL, NULL);
  g_assert_cmpuint (answer_status (none), ==, 200);
}

/* With a token, the right token is enough from any Host. */
static void
test_host_with_token (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *good = get_with_host (f, "/api/miners", "any-site.example", TOKEN);
  g_autofree char *bad = get_with_host (f, "/api/miners", "any-site.example", NULL);
  g_autoptr(JsonNode) node = parse (answer_body (good));

  g_assert_cmpuint (answer_status (good), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 3);
  g_assert_cmpuint (answer_status (bad), ==, 401);
  g_assert_null (strstr (bad, "127.0.52."));
}

/* The rows of @path's answer (a JSON array), asserting a 200. */
static JsonArray *
history_rows (Fixture    *f,
              const char *path)
{
  guint status;
  g_autofree char *text = request (f, "GET", path, TOKEN, NULL, &status);
  g_autoptr(JsonNode) node = NULL;

  g_test_message ("%s: %u %s", path, status, text);
  g_assert_cmpuint (status, ==, 200);
  node = parse (text);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

static char *
local_date (int days_from_today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, days_from_today);

  return g_date_time_format (day, "%Y-%m-%d");
}

/* No parameters, resolution=auto and plain dates, as the README shows
 * them, all answer with the readings recorded. */
static void
test_history_defaults (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonArray) raw = NULL, plain = NULL, automatic = NULL, dated = NULL;
  g_autoptr(JsonArray) future = NULL, past = NULL;
  g_autofree char *yesterday = local_date (-1), *tomorrow = local_date (1);
  g_autofree char *since_yesterday = NULL, *since_tomorrow = NULL, *until_yesterday = NULL;
  guint n;

  poll_cycle (f);
  flush_history (f);
  raw = history_rows (f, "/api/miner/127.0.52.3/history?since=0&resolution=raw");
  n = json_array_get_length (raw);
  g_assert_cmpuint (n, >=, 1);

  /* The last 24 h at the finest resolution kept: the raw readings. */
  plain = history_rows (f, "/api/miner/127.0.52.3/history");
  automatic = history_rows (f, "/api/miner/127.0.52.3/history?resolution=auto");
  since_yesterday = g_strdup_printf ("/api/miner/127.0.52.3/history?since=%s", yesterday);
  dated = history_rows (f, since_yesterday);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *want = json_array_get_object_element (raw, i);
      JsonArray *got[] = { plain, automatic, dated };

      for (guint k = 0; k < G_N_ELEMENTS (got); k++)
        {
          JsonObject *row;

          g_assert_cmpuint (json_array_get_length (got[k]), ==, n);
          row = json_array_get_object_element (got[k], i);
          g_assert_cmpint (json_object_get_int_member (row, "time"), ==,
                           json_object_get_int_member (want, "time"));
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "hashrate_ghs"),
                                          109500, 1e-6);
        }
    }

  /* A plain date is that day's local midnight: nothing recorded after
   * tomorrow's, nothing before yesterday's. */
  since_tomorrow = g_strdup_printf ("/api/miner/127.0.52.3/history?since=%s", tomorrow);
  future = history_rows (f, since_tomorrow);
  g_assert_cmpuint (json_array_get_length (future), ==, 0);
  until_yesterday = g_strdup_printf ("/api/miner/127.0.52.3/history?since=0&until=%s",
                                     yesterday);
  past = history_rows (f, until_yesterday);
  g_assert_cmpuint (json_array_get_length (past), ==, 0);
}

static void
test_discover (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *a = NULL, *b = NULL, *bad = NULL, *big = NULL, *c = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) job = NULL;
  g_autoptr(GString) huge = g_string_new ("{\"subnet\":\"");
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint status;

  bad = request (f, "POST", "/api/discover", TOKEN, "{\"subnet\":\"127.0.52.0/33\"}", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (bad, "127.0.52.0/33"));
  while (huge->len < 20000)
    g_string_append (huge, "127.0.52.1,");
  g_string_append (huge, "\"}");
  big = request (f, "POST", "/api/discover", TOKEN, huge->str, &status);
  g_assert_cmpuint (status, ==, 413);

  a = request (f, "POST", "/api/discover", TOKEN, "{\"subnet\":\"127.0.52.1-127.0.52.30\"}",
               &status);
  g_assert_cmpuint (status, ==, 202);
  job = parse (a);
  path = g_strdup_printf ("/api/discover/%s",
                          json_object_get_string_member (json_node_get_object (job), "id"));
  /* One at a time, and not again within 10 s. */
  c = request (f, "POST", "/api/discover", TOKEN, "{\"subnet\":\"127.0.52.1\"}", &status);
  g_assert_true (status == 409 || status == 429);

  for (;;)
    {
      g_autofree char *poll = request (f, "GET", path, TOKEN, NULL, &status);
      g_autoptr(JsonNode) node = parse (poll);
      JsonObject *o = json_node_get_object (node);

      g_assert_cmpuint (status, ==, 200);
      if (!json_object_get_boolean_member (o, "running"))
        {
          JsonArray *found = json_object_get_array_member (o, "found");
          g_assert_cmpuint (json_array_get_length (found), ==, 4);
          g_assert_cmpint (json_object_get_int_member (o, "done"), ==, 30);
          break;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      /* The session adds found miners from a timer: let the loop run. */
      run_loop_for (50);
    }
  /* The new miner joined the fleet and the store. */
  g_assert_nonnull (hf_fleet_lookup_address (f->fleet, "127.0.52.20"));
  g_assert_cmpuint (hf_fleet_get_total_count (f->fleet), ==, 4);
  b = request (f, "GET", "/api/discover/999", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
}

/* Keep-alive connections, closed by the client or kept open, do not
 * leave a socket behind each on the server. */
static void
test_connections_bounded (void)
{
  guint16 port;
  g_autoptr(HfApiServer) server = bare_server (NULL, &port);
  const char *get = "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  guint fds_before = count_fds ();
  Exchange x;

  /* 300 clients that close after their answer. */
  exchange_init (&x, port, get);
  x.connections = 300;
  run_client (exchange_thread, &x);
  for (guint i = 0; i < x.answers->len; i++)
    g_assert_cmpuint (answer_status (g_ptr_array_index (x.answers, i)), ==, 200);
  exchange_clear (&x);
  spin (300);
  g_test_message ("closed by the clients: %u server sockets, %u fds (%u before)",
                  count_server_sockets (port), count_fds (), fds_before);
  g_assert_cmpuint (count_server_sockets (port), <=, 2);
  g_assert_cmpuint (count_fds (), <=, fds_before + 4);

  /* 300 clients that keep their connection open. */
  exchange_init (&x, port, get);
  x.connections = 300;
  x.keep_open = TRUE;
  run_client (exchange_thread, &x);
  g_assert_cmpuint (x.kept->len, ==, 300);
  for (guint i = 0; i < x.answers->len; i++)
    g_assert_cmpuint (answer_status (g_ptr_array_index (x.answers, i)), ==, 200);
  spin (300);
  g_test_message ("kept open by the clients: %u server sockets", count_server_sockets (port));
  g_assert_cmpuint (count_server_sockets (port), <=, HF_API_MAX_CONNECTIONS);
  exchange_clear (&x);
  spin (300);
  g_assert_cmpuint (count_server_sockets (port), <=, 2);
  g_assert_cmpuint (count_fds (), <=, fds_before + 4);
}

/* libsoup 3.2's own listener leaked a GSocket (344 bytes) for every
 * connection it accepted: the server accepts them itself.  Heap in use
 * after a thousand connections, against before (glibc's count: exact,
 * where RSS moves with the allocator's pages). */
static void
test_memory_per_connection (void)
{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  guint16 port;
  g_autoptr(HfApiServer) server = bare_server (NULL, &port);
  const char *get = "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  Exchange x;
  size_t before, after;

  /* Caches, the first answers, the thread pool: in place first. */
  exchange_init (&x, port, get);
  x.connections = 200;
  run_client (exchange_thread, &x);
  exchange_clear (&x);
  spin (300);
  before = mallinfo2 ().uordblks;

  exchange_init (&x, port, get);
  x.connections = 1000;
  run_client (exchange_thread, &x);
  for (guint i = 0; i < x.answers->len; i++)
    g_assert_cmpuint (answer_status (g_ptr_array_index (x.answers, i)), ==, 200);
  exchange_clear (&x);
  spin (300);
  after = mallinfo2 ().uordblks;
  g_test_message ("heap in use: %zu bytes before 1000 connections, %zu after (%+zd)", before,
                  after, (gssize) after - (gssize) before);
  /* A leak of 344 bytes each would be 344 000. */
  g_assert_cmpint ((gssize) after - (gssize) before, <, 64 * 1024);
#else
  g_test_skip ("needs glibc's heap counters (not under ASan)");
#endif
}

static guint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 6, NULL, 10);
}

/* @head, then a chunk of @body at a time, as long as the server takes
 * them; then whatever answer came. */
typedef struct
{
  guint16     port;
  const char *head;
  guint64     body;       /* bytes to send after the head */
  guint64     sent;       /* of them, before the server stopped taking them */
  gint64      answered_ms;
  char       *answer;
} Upload;

static void
upload_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  Upload *u = data;
  g_autoptr(GSocketConnection) connection = raw_connect (u->port);
  GSocket *socket = g_socket_connection_get_socket (connection);
  static char chunk[65536 + 16];
  gsize len = (gsize) g_snprintf (chunk, sizeof chunk, "%x\r\n", 65536);
  gint64 start = g_get_monotonic_time ();

  memset (chunk + len, 'x', 65536);
  memcpy (chunk + len + 65536, "\r\n", 2);
  len += 65536 + 2;
  g_assert_true (raw_send (socket, u->head, strlen (u->head)));
  while (u->sent < u->body && raw_send (socket, chunk, len))
    u->sent += 65536;
  u->answer = raw_receive (socket);
  u->answered_ms = (g_get_monotonic_time () - start) / 1000;
  g_task_return_boolean (task, TRUE);
}

/* What the server answered @head (sent alone) with, asserting it came
 * within 2 s: without waiting for a body that never comes. */
static guint
answer_to_head (guint16     port,
                const char *head)
{
  Upload u = { port, head, 0, 0, 0, NULL };
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  run_client (upload_thread, &u);
  answer = u.answer;
  status = answer_status (answer);
  g_test_message ("%.*s: %u after %" G_GINT64_FORMAT " ms", (int) strcspn (head, "\r"), head,
                  status, u.answered_ms);
  g_assert_cmpint (u.answered_ms, <, 2000);
  node = parse (answer_body (answer));
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (node), "error"));
  return status;
}

/* Refusals come from the headers: a body that would follow is not read
 * first, chunked or announced, with a token or without. */
static void
test_refused_before_body (void)
{
  guint16 port;
  g_autoptr(HfApiServer) server = bare_server (TOKEN, &port);
  Upload upload = { port, NULL, 64 << 20, 0, 0, NULL };
  g_autofree char *chunked = NULL;
  guint64 rss_before;

#define POST "POST /api/discover HTTP/1.1\r\nHost: 127.0.0.1\r\n"
#define AUTH "Authorization: Bearer " TOKEN "\r\n"
  g_assert_cmpuint (answer_to_head (port, POST "Content-Length: 67108864\r\n\r\n"), ==, 401);
  g_assert_cmpuint (answer_to_head (port, POST "Transfer-Encoding: chunked\r\n\r\n"), ==, 401);
  g_assert_cmpuint (answer_to_head (port, POST AUTH "Content-Length: 67108864\r\n\r\n"), ==, 413);
  g_assert_cmpuint (answer_to_head (port, POST AUTH "Transfer-Encoding: chunked\r\n\r\n"), ==,
                    411);
  g_assert_cmpuint (answer_to_head (port, POST AUTH "\r\n"), ==, 411);
  g_assert_cmpuint (answer_to_head (port, POST "Content-Length: 67108864\r\n"
                                          "Expect: 100-continue\r\n\r\n"), ==, 401);

  /* 64 MiB sent chunked as fast as the server takes it: it stops taking
   * it after its answer, and does not grow. */
  chunked = g_strdup (POST AUTH "Transfer-Encoding: chunked\r\n\r\n");
  upload.head = chunked;
  rss_before = rss_kib ();
  run_client (upload_thread, &upload);
  g_test_message ("64 MiB chunked: %" G_GUINT64_FORMAT " KiB taken, RSS %" G_GUINT64_FORMAT
                  " to %" G_GUINT64_FORMAT " KiB, answered %u", upload.sent / 1024, rss_before,
                  rss_kib (), answer_status (upload.answer));
  g_assert_cmpuint (upload.sent, <, 16 << 20);
  g_assert_cmpuint (rss_kib (), <, rss_before + 8 * 1024);
  g_assert_true (answer_status (upload.answer) == 411 || answer_status (upload.answer) == 0);
  g_free (upload.answer);
  /* The connections taken from libsoup to answer are closed too. */
  spin (500);
  g_assert_cmpuint (count_server_sockets (port), ==, 0);
#undef POST
#undef AUTH
}

typedef struct
{
  guint16  port;
  guint    max_ms;
  gboolean trickle;       /* send a header byte every 100 ms */
  gint64   closed_after;  /* ms; -1: still open after max_ms */
} Slow;

static void
slow_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  Slow *s = data;
  g_autoptr(GSocketConnection) connection = raw_connect (s->port);
  GSocket *socket = g_socket_connection_get_socket (connection);
  const char *head = "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  gint64 start = g_get_monotonic_time ();

  s->closed_after = -1;
  for (guint i = 0; g_get_monotonic_time () - start < s->max_ms * 1000; i++)
    {
      char byte = i < strlen (head) ? head[i] : 'a';
      char buffer[256];

      if (s->trickle && g_socket_send (socket, &byte, 1, NULL, NULL) != 1)
        {
          s->closed_after = (g_get_monotonic_time () - start) / 1000;
          break;
        }
      if (g_socket_condition_timed_wait (socket, G_IO_IN, 100000, NULL, NULL)
          && g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) <= 0)
        {
          s->closed_after = (g_get_monotonic_time () - start) / 1000;
          break;
        }
    }
  g_task_return_boolean (task, TRUE);
}

/* A client that sends nothing, or its headers a byte at a time, is
 * dropped after the idle limit. */
static void
test_idle_and_slow_dropped (void)
{
  guint16 port;
  g_autoptr(HfApiServer) server = bare_server (NULL, &port);
  Slow idle = { port, 6000, FALSE, 0 }, slow = { port, 6000, TRUE, 0 };
  g_autofree char *answer = NULL;

  hf_api_server_set_idle_timeout (server, 1000);
  run_client (slow_thread, &idle);
  g_test_message ("an idle client was dropped after %" G_GINT64_FORMAT " ms", idle.closed_after);
  g_assert_cmpint (idle.closed_after, >=, 900);
  g_assert_cmpint (idle.closed_after, <=, 4000);
  run_client (slow_thread, &slow);
  g_test_message ("a slow client was dropped after %" G_GINT64_FORMAT " ms", slow.closed_after);
  g_assert_cmpint (slow.closed_after, >=, 900);
  g_assert_cmpint (slow.closed_after, <=, 4000);
  spin (100);
  g_assert_cmpuint (count_server_sockets (port), ==, 0);

  /* A whole request still has its answer. */
  answer = raw_request (port, "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  g_assert_cmpuint (answer_status (answer), ==, 200);
}

typedef struct
{
  guint16    port;
  guint      n;
  GPtrArray *connections;   /* GSocketConnection */
  guint      closed;        /* by the server */
} Crowd;

static void
crowd_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  Crowd *c = data;
  g_autofree gboolean *closed = g_new0 (gboolean, c->n);
  gint64 end;

  for (guint i = 0; i < c->n; i++)
    g_ptr_array_add (c->connections, raw_connect (c->port));
  /* The server closes those beyond its cap at once. */
  end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      for (guint i = 0; i < c->n; i++)
        {
          GSocket *socket = g_socket_connection_get_socket (g_ptr_array_index (c->connections, i));
          char buffer[64];

          if (!closed[i] && g_socket_condition_check (socket, G_IO_IN)
              && g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) <= 0)
            {
              closed[i] = TRUE;
              c->closed++;
            }
        }
      g_usleep (20000);
    }
  g_task_return_boolean (task, TRUE);
}

/* 100 idle connections at once: the server keeps no more than its cap,
 * and serves again once they are gone. */
static void
test_connection_cap (void)
{
  guint16 port;
  g_autoptr(HfApiServer) server = bare_server (NULL, &port);
  Crowd crowd = { port, 100, g_ptr_array_new_with_free_func (g_object_unref), 0 };
  g_autofree char *answer = NULL;
  guint open;

  /* The listener's backlog has 100 connects take seconds: none of them
   * may go for being idle meanwhile. */
  hf_api_server_set_idle_timeout (server, 60000);
  run_client (crowd_thread, &crowd);
  open = count_server_sockets (port);
  g_test_message ("100 idle clients: %u server sockets, %u closed at once", open, crowd.closed);
  g_assert_cmpuint (open, <=, HF_API_MAX_CONNECTIONS);
  g_assert_cmpuint (crowd.closed, >=, 100 - HF_API_MAX_CONNECTIONS);
  g_ptr_array_unref (crowd.connections);
  spin (300);
  g_assert_cmpuint (count_server_sockets (port), ==, 0);
  answer = raw_request (port, "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  g_assert_cmpuint (answer_status (answer), ==, 200);
}

/* The value of header @name in @answer, or NULL. */
static char *
answer_header (const char *answer,
               const char *name)
{
  const char *end = strstr (answer, "\r\n\r\n");
  gsize len = strlen (name);

  for (const char *line = answer; end != NULL && line < end; line = strstr (line, "\r\n") + 2)
    if (g_ascii_strncasecmp (line, name, len) == 0 && line[len] == ':')
      return g_strstrip (g_strndup (line + len + 1, strcspn (line + len + 1, "\r")));
  return NULL;
}

static char *
get_stats_with (guint16     port,
                const char *token)
{
  g_autofree char *text = NULL;

  if (token == NULL)
    return raw_request (port, "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  text = g_strdup_printf ("GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\n\r\n", token);
  return raw_request (port, text);
}

/* After five wrong tokens in the window, a client is answered 429 with
 * Retry-After, even with the right token; once the window has passed,
 * the right token works again.  A missing token is not a guess. */
static void
test_token_rate_limit (void)
{
  guint16 port;
  g_autoptr(HfApiServer) server = bare_server (TOKEN, &port);
  g_autofree char *limited = NULL, *right_too = NULL, *later = NULL, *retry = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 start;

  hf_api_server_set_auth_window (server, 4000);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *none = get_stats_with (port, NULL);
      g_assert_cmpuint (answer_status (none), ==, 401);
    }
  start = g_get_monotonic_time ();
  for (guint i = 0; i < HF_API_MAX_AUTH_FAILURES; i++)
    {
      g_autofree char *guess = g_strdup_printf ("guess-number-%u-of-many", i);
      g_autofree char *wrong = get_stats_with (port, guess);
      g_assert_cmpuint (answer_status (wrong), ==, 401);
    }
  limited = get_stats_with (port, "one-guess-too-many-0000");
  g_assert_cmpuint (answer_status (limited), ==, 429);
  retry = answer_header (limited, "Retry-After");
  g_assert_nonnull (retry);
  g_assert_cmpint (atoi (retry), >=, 1);
  g_assert_cmpint (atoi (retry), <=, 4);
  node = parse (answer_body (limited));
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (node), "error"));
  right_too = get_stats_with (port, TOKEN);
  g_assert_cmpuint (answer_status (right_too), ==, 429);
  g_assert_null (strstr (right_too, "hashrate_ghs"));

  /* The window (4 s here, from the first wrong token) passes. */
  spin ((guint) MAX (0, 4100 - (g_get_monotonic_time () - start) / 1000));
  later = get_stats_with (port, TOKEN);
  g_assert_cmpuint (answer_status (later), ==, 200);
  g_assert_nonnull (strstr (later, "hashrate_ghs"));
}

/* A failed assertion ends the test at once: the server must not outlive
 * it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* hashfleet-cli serve with the API's token in its environment. */
static GSubprocess *
start_serve (const char *token,
             const char *listen)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "HASHFLEET_API_TOKEN", token, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HF_CLI"), "serve",
                                         "--listen", listen, NULL);
  g_assert_no_error (error);
  return process;
}

static GAsyncResult *exited_result;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  exited_result = g_object_ref (result);
  *(gboolean *) user_data = TRUE;
}

/* hashfleet-cli serve refuses a short token beyond loopback, and with a
 * long one serves the API. */
static void
test_cli_serve (void)
{
  g_autoptr(GSubprocess) refused = start_serve ("only-11-chr", "0.0.0.0:0");
  g_autoptr(GSubprocess) serve = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL, *line = NULL, *stats = NULL, *bad = NULL;
  const char *port_text;
  gboolean exited = FALSE;
  guint16 port;

  g_subprocess_communicate_utf8_async (refused, NULL, NULL, communicated_cb, &exited);
  hf_test_wait_for (&exited, 10000);
  g_subprocess_communicate_utf8_finish (refused, exited_result, NULL, &message, &error);
  g_clear_object (&exited_result);
  g_assert_no_error (error);
  g_test_message ("%s", message);
  g_assert_cmpint (g_subprocess_get_exit_status (refused), ==, 2);
  g_assert_nonnull (strstr (message, "at least 16 characters"));

  serve = start_serve (TOKEN, "127.0.0.1:0");
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (serve));
  /* Its first lines may say where it records, then where it serves. */
  do
    {
      g_free (line);
      line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_test_message ("%s", line);
    }
  while ((port_text = strstr (line, "(port ")) == NULL);
  port = (guint16) atoi (port_text + 6);
  g_assert_cmpuint (port, >, 0);
  stats = get_stats_with (port, TOKEN);
  g_assert_cmpuint (answer_status (stats), ==, 200);
  g_assert_nonnull (strstr (stats, "\"total\":0"));
  bad = get_stats_with (port, "not-the-token-at-all");
  g_assert_cmpuint (answer_status (bad), ==, 401);
  g_subprocess_send_signal (serve, SIGINT);
  exited = FALSE;
  g_subprocess_wait_async (serve, NULL, communicated_cb, &exited);
  hf_test_wait_for (&exited, 10000);
  g_subprocess_wait_finish (serve, exited_result, &error);
  g_clear_object (&exited_result);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (serve));
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
}

static void
test_listen_and_tokens (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfSession) session = hf_session_new (NULL, config);
  g_autoptr(HfApiServer) server = hf_api_server_new (session);
  g_autoptr(GError) error = NULL;
  g_autofree char *t1 = hf_api_token_generate ();
  g_autofree char *t2 = hf_api_token_generate ();

  /* Anything but loopback needs a token: refused before binding. */
  g_assert_false (hf_api_server_listen (server, "0.0.0.0:0", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "token"));
  g_clear_error (&error);
  g_assert_false (hf_api_server_listen (server, "localhost:8080", &error));
  g_assert_nonnull (strstr (error->message, "IP address"));
  g_clear_error (&error);

  /* Beyond loopback, a token of 16 characters at least. */
  hf_api_server_set_token (server, "fifteen-chars-0");
  g_assert_false (hf_api_server_listen (server, "0.0.0.0:0", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "at least 16 characters"));
  g_clear_error (&error);
  /* (192.0.2.1 is on no interface here: binding fails, but not for the
   * token.) */
  hf_api_server_set_token (server, "sixteen-chars-00");
  g_assert_false (hf_api_server_listen (server, "192.0.2.1:0", &error));
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED));
  g_assert_null (strstr (error->message, "token"));
  g_clear_error (&error);
  /* On loopback any token will do. */
  hf_api_server_set_token (server, "short");
  g_assert_true (hf_api_server_listen (server, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  hf_api_server_disconnect (server);

  /* Tokens: 32 random bytes, URL-safe, compared exactly. */
  g_assert_cmpuint (strlen (t1), ==, 43);
  g_assert_cmpstr (t1, !=, t2);
  g_assert_null (strpbrk (t1, "+/="));
  g_assert_true (hf_api_token_equal (t1, t1));
  g_assert_false (hf_api_token_equal (t1, t2));
  g_assert_false (hf_api_token_equal ("abc", "abcd"));
  g_assert_false (hf_api_token_equal ("abcd", "abc"));
  g_assert_false (hf_api_token_equal ("abc", ""));
  g_assert_false (hf_api_token_equal ("", ""));
  g_assert_false (hf_api_token_equal ("abc", NULL));
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/api/listen-and-tokens", test_listen_and_tokens);
  g_test_add_func ("/api/connections-bounded", test_connections_bounded);
  g_test_add_func ("/api/memory-per-connection", test_memory_per_connection);
  g_test_add_func ("/api/idle-and-slow-dropped", test_idle_and_slow_dropped);
  g_test_add_func ("/api/connection-cap", test_connection_cap);
  g_test_add_func ("/api/refused-before-body", test_refused_before_body);
  g_test_add_func ("/api/token-rate-limit", test_token_rate_limit);
  g_test_add_func ("/api/cli-serve", test_cli_serve);
  g_test_add ("/api/reads", Fixture, TOKEN, fixture_setup, test_reads, fixture_teardown);
  g_test_add ("/api/metrics", Fixture, TOKEN, fixture_setup, test_metrics, fixture_teardown);
  g_test_add ("/api/energy", Fixture, TOKEN, fixture_setup, test_energy, fixture_teardown);
  g_test_add ("/api/writes-need-token", Fixture, NULL, fixture_setup, test_writes_need_token,
              fixture_teardown);
  g_test_add ("/api/wrong-token", Fixture, TOKEN, fixture_setup, test_wrong_token,
              fixture_teardown);
  g_test_add ("/api/restart-remove-history", Fixture, TOKEN, fixture_setup,
              test_restart_remove_history, fixture_teardown);
  g_test_add ("/api/discover", Fixture, TOKEN, fixture_setup, test_discover, fixture_teardown);
  g_test_add ("/api/history-defaults", Fixture, TOKEN, fixture_setup, test_history_defaults,
              fixture_teardown);
  g_test_add ("/api/host-rule", Fixture, NULL, fixture_setup, test_host_rule, fixture_teardown);
  g_test_add ("/api/host-with-token", Fixture, TOKEN, fixture_setup, test_host_with_token,
              fixture_teardown);
  return g_test_run ();
}
