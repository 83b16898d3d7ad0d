/* test-api.c — the HTTP API and /metrics against the simulator's fleet
 * SPDX-License-Identifier: MIT
 *
 * A real HfApiServer on 127.0.0.1 (a free port), a real fleet polling
 * hashfleet-sim on 127.0.52.x, a real store; requests through libsoup.
 */
#include <math.h>
#include <string.h>

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
  HfStore     *store;
  HfFleet     *fleet;
  HfRecorder  *recorder;
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
identified_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  IdentifyWait *w = user_data;
  g_autoptr(GError) error = NULL;

  w->miner = hf_identify_finish (result, &error);
  g_assert_no_error (error);
  w->done = TRUE;
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
  f->store = hf_store_open (db, &error);
  g_assert_no_error (error);

  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  config->timeout_ms = 3000;
  f->fleet = hf_fleet_new (config);
  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      IdentifyWait w = { 0 };

      hf_identify_async (addresses[i], config, NULL, identified_cb, &w);
      hf_test_wait_for (&w.done, 10000);
      g_assert_nonnull (w.miner);
      g_assert_cmpint (hf_miner_get_family (w.miner), ==, families[i]);
      g_assert_true (hf_store_save_miner (f->store, hf_fleet_add (f->fleet, w.miner), NULL));
      g_object_unref (w.miner);
    }
  g_signal_connect (f->fleet, "cycle-finished", G_CALLBACK (cycle_cb), NULL);
  f->recorder = hf_recorder_new (f->fleet, f->store);

  f->server = hf_api_server_new (f->fleet, f->store, config);
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
  g_clear_object (&f->recorder);
  g_clear_object (&f->fleet);
  g_clear_object (&f->store);
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

static void
test_metrics (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *text = NULL, *out = NULL, *err = NULL;
  g_autoptr(GSubprocess) checker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "check-metrics.py", NULL);
  guint status;

  text = request (f, "GET", "/metrics", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_test_message ("%s", text);

  /* Strictly valid exposition format… */
  checker = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, "python3", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (checker, text, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("check-metrics: %s", out);
  g_assert_true (g_subprocess_get_if_exited (checker));
  g_assert_cmpint (g_subprocess_get_exit_status (checker), ==, 0);

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

  /* History: the readings recorded so far, as a JSON array. */
  poll_cycle (f);
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
  stored = hf_store_load_fleet (f->store, NULL);
  g_assert_cmpuint (stored->len, ==, 2);
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
  hf_recorder_wait_written (f->recorder, 5000);
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
      g_usleep (50000);
    }
  /* The new miner joined the fleet and the store. */
  g_assert_nonnull (hf_fleet_lookup_address (f->fleet, "127.0.52.20"));
  g_assert_cmpuint (hf_fleet_get_total_count (f->fleet), ==, 4);
  b = request (f, "GET", "/api/discover/999", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
}

static void
test_listen_and_tokens (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfApiServer) server = hf_api_server_new (fleet, NULL, config);
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
  g_test_add ("/api/reads", Fixture, TOKEN, fixture_setup, test_reads, fixture_teardown);
  g_test_add ("/api/metrics", Fixture, TOKEN, fixture_setup, test_metrics, fixture_teardown);
  g_test_add ("/api/writes-need-token", Fixture, NULL, fixture_setup, test_writes_need_token,
              fixture_teardown);
  g_test_add ("/api/wrong-token", Fixture, TOKEN, fixture_setup, test_wrong_token,
              fixture_teardown);
  g_test_add ("/api/restart-remove-history", Fixture, TOKEN, fixture_setup,
              test_restart_remove_history, fixture_teardown);
  g_test_add ("/api/discover", Fixture, TOKEN, fixture_setup, test_discover, fixture_teardown);
  g_test_add ("/api/history-defaults", Fixture, TOKEN, fixture_setup, test_history_defaults,
              fixture_teardown);
  return g_test_run ();
}
