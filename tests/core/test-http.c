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

  status = g_test_run ();
  soup_server_disconnect (web.server);
  g_object_unref (web.server);
  g_free (web.info);
  g_free (web.asic);
  return status;
}
