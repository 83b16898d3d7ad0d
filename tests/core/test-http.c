/* test-http.c — the AxeOS driver and the HTTP helper against a real server
 * SPDX-License-Identifier: MIT
 *
 * An in-process SoupServer on 127.0.0.1 (a free port) plays a Bitaxe, a
 * router, a JSON API that is not a miner, and the hostile cases.
 */
#include <string.h>

#include <libsoup/soup.h>

#include "hf-driver.h"
#include "hf-error.h"
#include "hf-http.h"
#include "hf-test-utils.h"

typedef enum
{
  WEB_AXEOS,
  WEB_JSON_DECOY,
  WEB_ROUTER,
  WEB_REDIRECT,
  WEB_ENDLESS,
  WEB_BIG_LENGTH,
  WEB_HANG,
} WebMode;

static struct
{
  SoupServer *server;
  guint16     port;
  WebMode     mode;
  guint       info_requests;
  guint       restarts;
  guint       origins;
  char       *info;
  char       *asic;
} web;

static void
chunk_cb (SoupServerMessage *msg, gpointer data)
{
  static char block[32768];

  memset (block, ' ', sizeof block);
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                            block, sizeof block);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_one (request, "Origin") != NULL)
    web.origins++;

  if (g_str_equal (path, "/cgi-bin/get_system_info.cgi"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"macaddr\":\"02:00:00:00:00:01\"}", 30);
      return;
    }
  if (g_str_equal (path, "/api/system/restart"))
    {
      web.restarts++;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"message\":\"System will restart shortly.\"}", 42);
      return;
    }
  if (g_str_equal (path, "/api/system/asic") && web.mode == WEB_AXEOS)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        web.asic, strlen (web.asic));
      return;
    }
  if (!g_str_equal (path, "/api/system/info"))
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  web.info_requests++;
  switch (web.mode)
    {
    case WEB_AXEOS:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        web.info, strlen (web.info));
      break;
    case WEB_JSON_DECOY:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"status\":\"ok\",\"version\":\"2\"}", 29);
      break;
    case WEB_ROUTER:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html><body>Router login</body></html>", 38);
      break;
    case WEB_REDIRECT:
      soup_server_message_set_redirect (msg, 301, "/api/system/info");
      break;
    case WEB_ENDLESS:
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (chunk_cb), NULL);
      chunk_cb (msg, NULL);
      break;
    case WEB_BIG_LENGTH:
      {
        gsize len = 3 * 1024 * 1024;
        char *body = g_malloc (len);
        memset (body, ' ', len);
        body[0] = '{';
        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, len);
      }
      break;
    case WEB_HANG:
      soup_server_message_pause (msg);
      break;
    }
}

static char *
digest_cb (SoupAuthDomain *domain, SoupServerMessage *msg, const char *username, gpointer data)
{
  if (!g_str_equal (username, "root"))
    return NULL;
  return soup_auth_domain_digest_encode_password (username, "antMiner Configuration", "s3cret");
}

static gboolean
digest_filter_cb (SoupAuthDomain *domain, SoupServerMessage *msg, gpointer data)
{
  return g_str_has_prefix (g_uri_get_path (soup_server_message_get_uri (msg)), "/cgi-bin");
}

static HfConfig *
config_for_web (guint timeout_ms)
{
  HfConfig *config = hf_config_new ();

  config->http_port = web.port;
  config->timeout_ms = timeout_ms;
  return config;
}

typedef struct
{
  gboolean   done;
  GObject   *object;
  gpointer   pointer;
  gboolean   ok;
  GError    *error;
  gint64     started;
  gint64     elapsed_us;
} Wait;

static void
identify_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->object = (GObject *) hf_driver_identify_finish (HF_DRIVER (source), result, &w->error);
  w->elapsed_us = g_get_monotonic_time () - w->started;
  w->done = TRUE;
}

static HfMiner *
identify (WebMode   mode,
          guint     timeout_ms,
          GError  **error,
          gint64   *elapsed_us)
{
  g_autoptr(HfConfig) config = config_for_web (timeout_ms);
  Wait w = { 0, };

  web.mode = mode;
  w.started = g_get_monotonic_time ();
  hf_driver_identify_async (hf_driver_for_family (HF_FAMILY_AXEOS), "127.0.0.1", config, NULL,
                            identify_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  if (elapsed_us != NULL)
    *elapsed_us = w.elapsed_us;
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return (HfMiner *) w.object;
}

static void
test_identify_axeos (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = identify (WEB_AXEOS, 5000, &error, NULL);
  const HfReading *r;

  g_assert_no_error (error);
  g_assert_nonnull (miner);
  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_AXEOS);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Bitaxe Supra");   /* from /asic */
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "AA:BB:CC:00:11:22");
  g_assert_cmpuint (hf_miner_get_http_port (miner), ==, web.port);
  r = hf_miner_get_reading (miner);
  g_assert_nonnull (r);
  g_assert_cmpfloat (r->hashrate_ghs, ==, 1203.7);
  /* AxeOS refuses cross-origin requests; Hashfleet never sends Origin. */
  g_assert_cmpuint (web.origins, ==, 0);
}

static void
poll_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->pointer = hf_driver_poll_finish (HF_DRIVER (source), result, &w->error);
  w->done = TRUE;
}

static void
restart_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->ok = hf_driver_restart_finish (HF_DRIVER (source), result, &w->error);
  w->done = TRUE;
}

static void
test_poll_and_restart (void)
{
  g_autoptr(HfConfig) config = config_for_web (5000);
  g_autoptr(HfMiner) miner = hf_miner_new ("127.0.0.1", HF_FAMILY_AXEOS);
  HfDriver *driver = hf_driver_for_family (HF_FAMILY_AXEOS);
  Wait w = { 0, };
  guint restarts = web.restarts;

  web.mode = WEB_AXEOS;
  hf_miner_set_http_port (miner, web.port);
  hf_driver_poll_async (driver, miner, config, NULL, poll_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  g_assert_cmpfloat (((HfReading *) w.pointer)->power_w, ==, 18.25);
  hf_reading_free (w.pointer);
  /* The poll also keeps the identity fresh. */
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "v2.10.1");

  memset (&w, 0, sizeof w);
  hf_driver_restart_async (driver, miner, config, NULL, restart_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_cmpuint (web.restarts, ==, restarts + 1);
  g_assert_cmpuint (web.origins, ==, 0);
}

static void
test_not_a_miner (void)
{
  const WebMode modes[] = { WEB_JSON_DECOY, WEB_ROUTER, WEB_REDIRECT };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GError) error = NULL;
      guint before = web.info_requests;
      g_autoptr(HfMiner) miner = identify (modes[i], 5000, &error, NULL);

      g_assert_null (miner);
      g_assert_error (error, HF_ERROR, HF_ERROR_NOT_A_MINER);
      g_assert_nonnull (strstr (error->message, "web server but not a miner"));
      /* A redirect is not followed (one request, not a loop). */
      g_assert_cmpuint (web.info_requests, ==, before + 1);
    }
}

static void
test_oversize (void)
{
  const WebMode modes[] = { WEB_ENDLESS, WEB_BIG_LENGTH };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfMiner) miner = identify (modes[i], 5000, &error, NULL);

      g_assert_null (miner);
      g_assert_error (error, HF_ERROR, HF_ERROR_TOO_LARGE);
      /* Endless: cut while reading; too large a Content-Length: refused unread. */
      g_assert_true (strstr (error->message, "larger than 1048576 bytes") != NULL
                     || strstr (error->message, "over the 1048576-byte cap") != NULL);
    }
}

static void
test_hang (void)
{
  g_autoptr(GError) error = NULL;
  gint64 elapsed = 0;
  g_autoptr(HfMiner) miner = identify (WEB_HANG, 600, &error, &elapsed);

  g_assert_null (miner);
  g_assert_error (error, HF_ERROR, HF_ERROR_TIMEOUT);
  g_test_message ("hung web server: error after %" G_GINT64_FORMAT " ms (deadline 600 ms)",
                  elapsed / 1000);
  g_assert_cmpint (elapsed, >=, 590 * 1000);
  g_assert_cmpint (elapsed, <=, 660 * 1000);
}

static void
http_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->pointer = hf_http_request_finish (result, NULL, &w->error);
  w->done = TRUE;
}

/* A device whose reason phrase carries an escape sequence and a bell:
 * a raw socket on 127.0.128.2 (a server library would not send it), served
 * from a thread of its own. */
static gboolean
hostile_reason_cb (GThreadedSocketService *service,
                   GSocketConnection      *connection,
                   GObject                *source,
                   gpointer                user_data)
{
  static const char answer[] = "HTTP/1.0 500 \x1b[2J\x1b]0;pwned\x07Oops\r\n"
                               "Content-Length: 0\r\n\r\n";
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  char request[4096];

  /* The request fits in one read; then the answer, and close. */
  g_input_stream_read (in, request, sizeof request, NULL, NULL);
  g_output_stream_write_all (out, answer, sizeof answer - 1, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
test_reason_phrase_cleaned (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(GSocketService) service = g_threaded_socket_service_new (2);
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string ("127.0.128.2");
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (inet, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  Wait w = { 0, };
  guint16 port;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (service, "run", G_CALLBACK (hostile_reason_cb), NULL);
  g_socket_service_start (service);

  hf_http_request_async ("GET", "127.0.128.2", port, "/api/system/info", NULL, NULL, NULL,
                         config, hf_config_deadline (config), NULL, http_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_null (w.pointer);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_PROTOCOL);
  g_test_message ("%s", w.error->message);
  g_assert_nonnull (strstr (w.error->message, "HTTP 500"));
  g_assert_nonnull (strstr (w.error->message, "Oops"));
  g_assert_null (strchr (w.error->message, '\x1b'));
  g_assert_null (strchr (w.error->message, '\x07'));
  g_clear_error (&w.error);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

/* A header value with a line break (a device's token, say) is refused
 * through the callback: nothing is sent and the caller never waits on. */
static void
test_header_line_break (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  Wait w = { 0, };

  hf_http_request_header_async ("GET", "127.0.128.3", 9, "/api/v1/miner/details", NULL,
                                "Authorization", "a\r\nb", config, hf_config_deadline (config),
                                NULL, http_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_null (w.pointer);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&w.error);

  w = (Wait) { 0, };
  hf_http_request_bearer_async ("GET", "127.0.128.3", 9, "/api/v1/summary", NULL, "t\nX-Evil: 1",
                                config, hf_config_deadline (config), NULL, http_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&w.error);
}

static void
test_digest (void)
{
  g_autoptr(HfConfig) config = config_for_web (5000);
  Wait w = { 0, };

  hf_http_request_async ("GET", "127.0.0.1", web.port, "/cgi-bin/get_system_info.cgi", NULL,
                         "root", "s3cret", config, hf_config_deadline (config), NULL,
                         http_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  g_assert_nonnull (w.pointer);
  g_assert_cmpuint (g_bytes_get_size (w.pointer), ==, 30);
  g_bytes_unref (w.pointer);

  memset (&w, 0, sizeof w);
  hf_http_request_async ("GET", "127.0.0.1", web.port, "/cgi-bin/get_system_info.cgi", NULL,
                         "root", "wrong", config, hf_config_deadline (config), NULL,
                         http_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_null (w.pointer);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (w.error->message, "401"));
  g_clear_error (&w.error);
}

/* A device that claims to be an Antminer but asks for HTTP Basic, or for
 * proxy credentials.  It would take the right password (so a client that
 * sent it would succeed), and it keeps what each request held, to prove
 * that nothing of the password reached it. */
typedef enum
{
  TRAP_BASIC,            /* WWW-Authenticate: Basic only */
  TRAP_BASIC_AND_DIGEST, /* both challenges */
  TRAP_PROXY_BASIC,      /* 407 Proxy-Authenticate: Basic */
  TRAP_PROXY_DIGEST,     /* 407 Proxy-Authenticate: Digest */
} TrapMode;

static struct
{
  SoupServer *server;
  guint16     port;
  guint       requests;
  guint       answered;          /* requests that got past authentication */
  guint       authorizations;    /* Authorization or Proxy-Authorization headers */
  guint       basic;             /* of which Basic */
  guint       password_seen;     /* requests holding the password in any form */
} trap;

static void
trap_handler_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  static const char conf[] = "{\"pools\":[{\"url\":\"stratum+tcp://pool.example.org:3333\","
                             "\"user\":\"w\",\"pass\":\"x\"}],\"bitmain-fan-ctrl\":false,"
                             "\"bitmain-fan-pwm\":\"100\"}";
  const char *body = g_str_equal (path, "/cgi-bin/get_miner_conf.cgi") ? conf
                     : g_str_equal (path, "/cgi-bin/get_system_info.cgi")
                     ? "{\"macaddr\":\"02:00:00:00:00:09\"}" : "{\"stats\":\"success\"}";

  trap.answered++;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

/* Everything a request carried, as one text: method, URI, headers, body. */
static void
trap_request_read_cb (SoupServer        *server,
                      SoupServerMessage *msg,
                      gpointer           data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autofree char *uri = g_uri_to_string (soup_server_message_get_uri (msg));
  g_autofree char *pair = g_base64_encode ((const guchar *) "root:s3cret", 11);
  g_autofree char *alone = g_base64_encode ((const guchar *) "s3cret", 6);
  g_autoptr(GString) all = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  trap.requests++;
  g_string_append_printf (all, "%s %s\n", soup_server_message_get_method (msg), uri);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_string_append_printf (all, "%s: %s\n", name, value);
      if (g_ascii_strcasecmp (name, "Authorization") == 0
          || g_ascii_strcasecmp (name, "Proxy-Authorization") == 0)
        {
          trap.authorizations++;
          if (g_ascii_strncasecmp (value, "Basic", 5) == 0)
            trap.basic++;
        }
    }
  if (body->data != NULL)
    g_string_append_len (all, body->data, (gssize) body->length);
  if (strstr (all->str, "s3cret") != NULL || strstr (all->str, pair) != NULL
      || strstr (all->str, alone) != NULL)
    trap.password_seen++;
}

static gboolean
trap_basic_cb (SoupAuthDomain *domain, SoupServerMessage *msg, const char *username,
               const char *password, gpointer data)
{
  return g_str_equal (username, "root") && g_str_equal (password, "s3cret");
}

static void
trap_start (TrapMode mode)
{
  g_autoptr(GError) error = NULL;
  gboolean proxy = mode == TRAP_PROXY_BASIC || mode == TRAP_PROXY_DIGEST;
  GSList *uris;

  memset (&trap, 0, sizeof trap);
  trap.server = soup_server_new (NULL, NULL);
  if (mode != TRAP_PROXY_DIGEST)
    {
      g_autoptr(SoupAuthDomain) basic = soup_auth_domain_basic_new ("realm", "antMiner Configuration",
                                                                    "proxy", proxy, NULL);
      soup_auth_domain_add_path (basic, "/");
      soup_auth_domain_basic_set_auth_callback (basic, trap_basic_cb, NULL, NULL);
      soup_server_add_auth_domain (trap.server, basic);
    }
  if (mode == TRAP_BASIC_AND_DIGEST || mode == TRAP_PROXY_DIGEST)
    {
      g_autoptr(SoupAuthDomain) digest = soup_auth_domain_digest_new ("realm", "antMiner Configuration",
                                                                      "proxy", proxy, NULL);
      soup_auth_domain_add_path (digest, "/");
      soup_auth_domain_digest_set_auth_callback (digest, digest_cb, NULL, NULL);
      soup_server_add_auth_domain (trap.server, digest);
    }
  soup_server_add_handler (trap.server, NULL, trap_handler_cb, NULL, NULL);
  g_signal_connect (trap.server, "request-read", G_CALLBACK (trap_request_read_cb), NULL);
  soup_server_listen_local (trap.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (trap.server);
  trap.port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
trap_stop (void)
{
  soup_server_disconnect (trap.server);
  g_clear_object (&trap.server);
}

static void
apply_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->ok = hf_driver_apply_finish (HF_DRIVER (source), result, &w->error);
  w->done = TRUE;
}

static void
action_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->ok = hf_driver_action_finish (HF_DRIVER (source), result, &w->error);
  w->done = TRUE;
}

typedef enum
{
  OP_SYSTEM_INFO,   /* what identification reads for the MAC */
  OP_RESTART,
  OP_READ_SETTINGS, /* apply: reads get_miner_conf.cgi first */
  OP_WRITE_SETTINGS,
  OP_BLINK,
  OP_PAUSE,
  N_OPS
} TrapOp;

/* One Antminer operation against the trap; its error, if any. */
static GError *
trap_run (TrapOp op)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfMiner) miner = hf_miner_new ("127.0.0.1", HF_FAMILY_ANTMINER);
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  static const char conf_text[] = "{\"pools\":[],\"bitmain-fan-ctrl\":false}";
  g_autoptr(GBytes) conf = g_bytes_new_static (conf_text, sizeof conf_text - 1);
  HfDriver *driver = hf_driver_for_family (HF_FAMILY_ANTMINER);
  Wait w = { 0, };

  config->http_port = trap.port;
  g_free (config->antminer_password);
  config->antminer_password = g_strdup ("s3cret");
  hf_miner_set_http_port (miner, trap.port);
  st->fan_percent = 50;
  switch (op)
    {
    case OP_SYSTEM_INFO:
    case OP_WRITE_SETTINGS:
      hf_http_request_async (op == OP_SYSTEM_INFO ? "GET" : "POST", "127.0.0.1", trap.port,
                             op == OP_SYSTEM_INFO ? "/cgi-bin/get_system_info.cgi"
                                                  : "/cgi-bin/set_miner_conf.cgi",
                             op == OP_SYSTEM_INFO ? NULL : conf, config->antminer_user,
                             config->antminer_password, config, hf_config_deadline (config),
                             NULL, http_cb, &w);
      break;
    case OP_RESTART:
      hf_driver_restart_async (driver, miner, config, NULL, restart_cb, &w);
      break;
    case OP_READ_SETTINGS:
      hf_driver_apply_async (driver, miner, st, config, NULL, apply_cb, &w);
      break;
    case OP_BLINK:
    case OP_PAUSE:
      hf_driver_action_async (driver, miner, op == OP_BLINK ? HF_ACTION_IDENTIFY : HF_ACTION_PAUSE,
                              config, NULL, action_cb, &w);
      break;
    default:
      g_assert_not_reached ();
    }
  hf_test_wait_for (&w.done, 10000);
  if (w.pointer != NULL)
    g_bytes_unref (w.pointer);
  return w.error;
}

static void
test_basic_refused (void)
{
  trap_start (TRAP_BASIC);
  for (TrapOp op = 0; op < N_OPS; op++)
    {
      g_autoptr(GError) error = trap_run (op);

      /* One request each, and it reached the device. */
      g_assert_cmpuint (trap.requests, ==, (guint) op + 1);
      g_assert_nonnull (error);
      g_test_message ("operation %d: %s", op, error->message);
      g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
      g_assert_nonnull (strstr (error->message, "asked for HTTP Basic authentication"));
      g_assert_nonnull (strstr (error->message, "only sends passwords with HTTP Digest"));
      g_assert_nonnull (strstr (error->message, "127.0.0.1"));
    }
  /* Never past the challenge, never a header with credentials. */
  g_assert_cmpuint (trap.answered, ==, 0);
  g_assert_cmpuint (trap.authorizations, ==, 0);
  g_assert_cmpuint (trap.password_seen, ==, 0);
  trap_stop ();
}

static void
test_digest_preferred (void)
{
  g_autoptr(GError) error = NULL;

  /* Offered both, Digest is taken: the password never travels. */
  trap_start (TRAP_BASIC_AND_DIGEST);
  error = trap_run (OP_SYSTEM_INFO);
  g_assert_no_error (error);
  g_assert_cmpuint (trap.answered, ==, 1);
  g_assert_cmpuint (trap.authorizations, ==, 1);
  g_assert_cmpuint (trap.basic, ==, 0);
  g_assert_cmpuint (trap.password_seen, ==, 0);
  trap_stop ();
}

static void
test_proxy_auth_refused (void)
{
  const TrapMode modes[] = { TRAP_PROXY_BASIC, TRAP_PROXY_DIGEST };

  /* A miner is reached directly: a 407 gets no credentials of any kind. */
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(GError) error = NULL;

      trap_start (modes[i]);
      error = trap_run (OP_RESTART);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "407"));
      g_assert_cmpuint (trap.requests, ==, 1);
      g_assert_cmpuint (trap.answered, ==, 0);
      g_assert_cmpuint (trap.authorizations, ==, 0);
      g_assert_cmpuint (trap.password_seen, ==, 0);
      trap_stop ();
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupAuthDomain) digest = NULL;
  GSList *uris;
  int status;

  hf_test_init (&argc, &argv);

  web.info = hf_test_fixture ("axeos-info-current.json", NULL);
  web.asic = hf_test_fixture ("axeos-asic-supra.json", NULL);
  web.server = soup_server_new (NULL, NULL);
  digest = soup_auth_domain_digest_new ("realm", "antMiner Configuration", NULL);
  soup_auth_domain_add_path (digest, "/");
  soup_auth_domain_set_filter (digest, digest_filter_cb, NULL, NULL);
  soup_auth_domain_digest_set_auth_callback (digest, digest_cb, NULL, NULL);
  soup_server_add_auth_domain (web.server, digest);
  soup_server_add_handler (web.server, NULL, handler_cb, NULL, NULL);
  soup_server_listen_local (web.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (web.server);
  web.port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_test_add_func ("/http/identify-axeos", test_identify_axeos);
  g_test_add_func ("/http/poll-and-restart", test_poll_and_restart);
  g_test_add_func ("/http/not-a-miner", test_not_a_miner);
  g_test_add_func ("/http/oversize", test_oversize);
  g_test_add_func ("/http/hang", test_hang);
  g_test_add_func ("/http/digest", test_digest);
  g_test_add_func ("/http/reason-phrase-cleaned", test_reason_phrase_cleaned);
  g_test_add_func ("/http/header-line-break", test_header_line_break);
  g_test_add_func ("/http/basic-refused", test_basic_refused);
  g_test_add_func ("/http/digest-preferred", test_digest_preferred);
  g_test_add_func ("/http/proxy-auth-refused", test_proxy_auth_refused);

  status = g_test_run ();
  soup_server_disconnect (web.server);
  g_object_unref (web.server);
  g_free (web.info);
  g_free (web.asic);
  return status;
}
