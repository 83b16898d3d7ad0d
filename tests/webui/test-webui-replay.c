/* test-webui-replay.c — the AxeOS web UI's requests, played back against
 * the simulator
 * SPDX-License-Identifier: MIT
 *
 * tests/webui/axeos-ui-replay.json is what the firmware's own web UI (run
 * in Chromium by tests/webui/check-axeos-ui.sh, which needs npm and a
 * browser) asked hashfleet-sim, in order, and what the UI got: the status,
 * the CORS and content headers, the shape of each JSON answer (every
 * member with its type), what the miner did (the simulator's event lines),
 * and the first messages of the /api/ws/live websocket.  Played back here
 * without a browser, each exchange must get the same status and headers,
 * every member the UI read with the same type, and the same actions, so
 * an answer that loses a field, a CORS header that goes missing or an
 * OPTIONS that is refused fails this test as it would fail the UI.
 *
 * The recording talks to 127.0.0.x on port 80 in a namespace of its own;
 * this plays it on 127.0.24.x and an unprivileged port.
 */
#include <string.h>

#include <libsoup/soup.h>

#include "hf-test-utils.h"

#define HTTP_PORT    18390
#define CGMINER_PORT 14390
#define RECORDED_NET "127.0.0."
#define REPLAY_NET   "127.0.24."

static HfTestSim *sim;
static SoupSession *session;
static JsonObject *replay;

static char *
replace_all (const char *text,
             const char *from,
             const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

/* The recorded addresses, in Origin headers too, on the replay's network. */
static char *
on_replay_net (const char *text)
{
  return replace_all (text, RECORDED_NET, REPLAY_NET);
}

static const char *
type_of (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "string";
    case G_TYPE_BOOLEAN:
      return "boolean";
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      return "number";       /* JSON has one number type, as the UI sees it */
    default:
      return "?";
    }
}

/* Every member @shape names is in @value with the recorded type; arrays
 * by their first element's shape, which every element must have.  A
 * recorded null says nothing about the type.  Mismatches go to @why. */
static void
match_shape (JsonNode   *shape,
             JsonNode   *value,
             const char *where,
             GString    *why)
{
  if (JSON_NODE_HOLDS_VALUE (shape))
    {
      const char *want = json_node_get_string (shape);

      if (g_strcmp0 (want, "null") != 0 && g_strcmp0 (want, type_of (value)) != 0)
        g_string_append_printf (why, "%s is %s, not %s; ", where, type_of (value), want);
    }
  else if (JSON_NODE_HOLDS_OBJECT (shape))
    {
      JsonObject *want = json_node_get_object (shape);
      g_autoptr(GList) members = json_object_get_members (want);

      if (!JSON_NODE_HOLDS_OBJECT (value))
        {
          g_string_append_printf (why, "%s is %s, not an object; ", where, type_of (value));
          return;
        }
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *got = json_object_get_member (json_node_get_object (value), l->data);
          g_autofree char *inner = g_strdup_printf ("%s.%s", where, (char *) l->data);

          if (got == NULL)
            g_string_append_printf (why, "%s is missing; ", inner);
          else
            match_shape (json_object_get_member (want, l->data), got, inner, why);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (shape))
    {
      JsonArray *want = json_node_get_array (shape);

      if (!JSON_NODE_HOLDS_ARRAY (value))
        {
          g_string_append_printf (why, "%s is %s, not an array; ", where, type_of (value));
          return;
        }
      if (json_array_get_length (want) == 0)
        return;
      for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
        {
          g_autofree char *inner = g_strdup_printf ("%s[%u]", where, i);

          match_shape (json_array_get_element (want, 0),
                       json_array_get_element (json_node_get_array (value), i), inner, why);
        }
    }
}

static void
assert_shape (JsonNode   *shape,
              const char *text,
              const char *what)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) why = g_string_new (NULL);

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("%s: not JSON (%s): %.200s", what, error->message, text);
  match_shape (shape, json_parser_get_root (parser), "answer", why);
  if (why->len > 0)
    g_error ("%s: the answer is not what the UI read: %s", what, why->str);
}

static char *
url_of (JsonObject *exchange)
{
  g_autofree char *ip = on_replay_net (json_object_get_string_member (exchange, "ip"));
  const char *query = json_object_get_string_member_with_default (exchange, "query", NULL);

  return g_strdup_printf ("http://%s:%d%s%s%s", ip, HTTP_PORT,
                          json_object_get_string_member (exchange, "path"),
                          query ? "?" : "", query ? query : "");
}

/* The miner is back from a restart once it answers again. */
static void
wait_until_back (const char *ip)
{
  g_autofree char *url = g_strdup_printf ("http://%s:%d/api/system/info", ip, HTTP_PORT);
  gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      if (body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
        return;
      g_usleep (100 * 1000);
    }
  g_error ("%s did not come back from its restart", ip);
}

static void
play_exchange (JsonObject *exchange,
               guint       index)
{
  const char *method = json_object_get_string_member (exchange, "method");
  g_autofree char *url = url_of (exchange);
  g_autofree char *what = g_strdup_printf ("#%u %s %s", index, method, url);
  g_autofree char *ip = on_replay_net (json_object_get_string_member (exchange, "ip"));
  JsonObject *headers = json_object_get_object_member (exchange, "request_headers");
  JsonObject *want_headers = json_object_get_object_member (exchange, "response_headers");
  JsonArray *events = json_object_get_array_member (exchange, "events");
  JsonArray *later = json_object_get_array_member (exchange, "later_events");
  const char *body = json_object_get_string_member_with_default (exchange, "request_body", NULL);
  JsonNode *shape = json_object_get_member (exchange, "shape");
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GList) names = json_object_get_members (headers);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint *before = g_new0 (guint, json_array_get_length (events) + 1);
  g_autofree guint *later_before = g_new0 (guint, json_array_get_length (later) + 1);
  g_autofree char *text = NULL;

  g_test_message ("%s", what);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *value = on_replay_net (json_object_get_string_member (headers, l->data));

      if (g_str_equal (l->data, "content-type") && body != NULL)
        continue;       /* set with the body */
      soup_message_headers_replace (soup_message_get_request_headers (msg), l->data, value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      const char *type = json_object_get_string_member_with_default (headers, "content-type",
                                                                     NULL);

      soup_message_set_request_body_from_bytes (msg, type, bytes);
    }
  /* Counts from every line the simulator printed so far. */
  if (json_array_get_length (events) + json_array_get_length (later) > 0)
    hf_test_sim_events (sim, "", NULL, G_MAXUINT, 100);
  for (guint i = 0; i < json_array_get_length (events); i++)
    before[i] = hf_test_sim_events (sim, json_array_get_string_element (events, i), ip, 0, 0);
  for (guint i = 0; i < json_array_get_length (later); i++)
    later_before[i] = hf_test_sim_events (sim, json_array_get_string_element (later, i), ip,
                                          0, 0);

  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));

  if (soup_message_get_status (msg) != (guint) json_object_get_int_member (exchange, "status"))
    g_error ("%s: status %u, the UI got %" G_GINT64_FORMAT " (%.200s)", what,
             soup_message_get_status (msg), json_object_get_int_member (exchange, "status"),
             text);

  /* The headers the browser reads: CORS, and what the answer is. */
  {
    g_autoptr(GList) want = json_object_get_members (want_headers);

    for (GList *l = want; l != NULL; l = l->next)
      {
        g_autofree char *expected = on_replay_net (
          json_object_get_string_member (want_headers, l->data));
        const char *got = soup_message_headers_get_one (
          soup_message_get_response_headers (msg), l->data);

        if (g_strcmp0 (got, expected) != 0)
          g_error ("%s: %s is %s, the UI got %s", what, (char *) l->data,
                   got ? got : "missing", expected);
      }
  }

  if (shape != NULL && !JSON_NODE_HOLDS_NULL (shape))
    assert_shape (shape, text, what);

  /* What the miner did for it, as the simulator says. */
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      const char *event = json_array_get_string_element (events, i);

      if (hf_test_sim_events (sim, event, ip, before[i] + 1, 2000) <= before[i])
        g_error ("%s: the simulator printed no \"%s\" for it", what, event);
    }
  /* And what it did only after answering: a restart (the firmware
   * answers, then restarts a second later). */
  for (guint i = 0; i < json_array_get_length (later); i++)
    {
      const char *event = json_array_get_string_element (later, i);

      if (hf_test_sim_events (sim, event, ip, later_before[i] + 1, 300) > later_before[i])
        g_error ("%s: \"%s\" came with the answer, not after it", what, event);
      if (hf_test_sim_events (sim, event, ip, later_before[i] + 1, 5000) <= later_before[i])
        g_error ("%s: the simulator printed no \"%s\" after it", what, event);
      if (g_str_equal (event, "restart"))
        wait_until_back (ip);
    }
}

static void
test_exchanges (void)
{
  JsonArray *exchanges = json_object_get_array_member (replay, "exchanges");
  gboolean options = FALSE;

  g_assert_cmpuint (json_array_get_length (exchanges), >, 10);
  for (guint i = 0; i < json_array_get_length (exchanges); i++)
    {
      JsonObject *exchange = json_array_get_object_element (exchanges, i);

      options |= g_str_equal (json_object_get_string_member (exchange, "method"), "OPTIONS");
      play_exchange (exchange, i);
    }
  /* The Swarm page's POSTs to other miners are preflighted. */
  g_assert_true (options);
}

typedef struct
{
  gboolean                 done;
  GError                  *error;
  SoupWebsocketConnection *connection;
  GPtrArray               *messages;
} Live;

static void
live_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Live *live = user_data;

  live->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                            &live->error);
  live->done = TRUE;
}

static void
live_message_cb (SoupWebsocketConnection *connection,
                 int                      type,
                 GBytes                  *message,
                 gpointer                 user_data)
{
  Live *live = user_data;

  g_ptr_array_add (live->messages, g_strndup (g_bytes_get_data (message, NULL),
                                              g_bytes_get_size (message)));
  live->done = live->messages->len >= 2;
}

/* Opens the live socket as the dashboard does and checks its first two
 * messages against the recording; returns it open. */
static SoupWebsocketConnection *
open_live (JsonObject *socket,
           const char *ip)
{
  g_autofree char *origin = on_replay_net (json_object_get_string_member (socket, "origin"));
  g_autofree char *url = g_strdup_printf ("ws://%s:%d%s", ip, HTTP_PORT,
                                          json_object_get_string_member (socket, "path"));
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  JsonNode *updates = json_object_get_member (socket, "updates");
  Live live = { FALSE, NULL, NULL, messages };

  g_test_message ("websocket %s", url);
  /* The session offers permessage-deflate, as a browser does (main()). */
  soup_session_websocket_connect_async (session, msg, origin, NULL, G_PRIORITY_DEFAULT,
                                        NULL, live_connected_cb, &live);
  hf_test_wait_for (&live.done, 5000);
  g_assert_no_error (live.error);
  live.done = FALSE;
  g_signal_connect (live.connection, "message", G_CALLBACK (live_message_cb), &live);
  /* The whole state first, then what changed, every half second. */
  hf_test_wait_for (&live.done, 10000);
  g_signal_handlers_disconnect_by_data (live.connection, &live);
  assert_shape (json_object_get_member (socket, "first"), messages->pdata[0],
                "the live socket's first message");
  if (updates != NULL && !JSON_NODE_HOLDS_NULL (updates))
    assert_shape (updates, messages->pdata[1], "the live socket's updates");
  return live.connection;
}

static void
closed_cb (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_live (void)
{
  JsonArray *sockets = json_object_get_array_member (replay, "websocket");

  g_assert_cmpuint (json_array_get_length (sockets), >, 0);
  for (guint i = 0; i < json_array_get_length (sockets); i++)
    {
      JsonObject *socket = json_array_get_object_element (sockets, i);
      g_autofree char *ip = on_replay_net (json_object_get_string_member (socket, "ip"));
      g_autofree char *origin = on_replay_net (json_object_get_string_member (socket, "origin"));
      g_autofree char *restart = g_strdup_printf ("http://%s:%d/api/system/restart", ip,
                                                  HTTP_PORT);
      g_autoptr(SoupWebsocketConnection) connection = open_live (socket, ip);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", restart);
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GError) error = NULL;
      gboolean closed = FALSE;

      /* The dashboard keeps its socket over a restart and opens a new one
       * once the miner is back: the reboot ends the connection. */
      g_signal_connect (connection, "closed", G_CALLBACK (closed_cb), &closed);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Origin", origin);
      answer = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
      hf_test_wait_for (&closed, 10000);
      g_signal_handlers_disconnect_by_data (connection, &closed);
      /* It tries again while the miner reboots, and fails. */
      {
        g_autofree char *url = g_strdup_printf ("ws://%s:%d%s", ip, HTTP_PORT,
                                                json_object_get_string_member (socket, "path"));
        g_autoptr(SoupMessage) retry = soup_message_new ("GET", url);
        Live live = { FALSE, NULL, NULL, NULL };

        soup_session_websocket_connect_async (session, retry, origin, NULL,
                                              G_PRIORITY_DEFAULT, NULL, live_connected_cb, &live);
        hf_test_wait_for (&live.done, 5000);
        g_assert_null (live.connection);
        g_clear_error (&live.error);
      }
      wait_until_back (ip);
      g_clear_object (&connection);

      connection = open_live (socket, ip);
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  int status;

  hf_test_init (&argc, &argv);

  path = g_test_build_filename (G_TEST_DIST, "webui", "axeos-ui-replay.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  replay = json_node_get_object (json_parser_get_root (parser));

  /* The recorded fleet, moved to this test's addresses and ports. */
  {
    g_autofree char *moved = on_replay_net (json_object_get_string_member (replay, "config"));
    g_autofree char *port = replace_all (moved, "http-port=80\n",
                                         "http-port=" G_STRINGIFY (HTTP_PORT) "\n");

    config = replace_all (port, "cgminer-port=4028\n",
                          "cgminer-port=" G_STRINGIFY (CGMINER_PORT) "\n");
    g_assert_nonnull (strstr (config, "http-port=" G_STRINGIFY (HTTP_PORT)));
  }
  sim = hf_test_sim_start (config);
  session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", 5, NULL);
  if (!soup_session_has_feature (session, SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER))
    soup_session_add_feature_by_type (session, SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER);

  g_test_add_func ("/webui-replay/exchanges", test_exchanges);
  g_test_add_func ("/webui-replay/live", test_live);
  status = g_test_run ();

  g_clear_object (&session);
  hf_test_sim_stop (sim);
  return status;
}
