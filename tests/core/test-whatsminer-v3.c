/* test-whatsminer-v3.c — the Whatsminer API v3: envelope, frames, parsers, client, driver
 * SPDX-License-Identifier: MIT
 *
 * MicroBT publishes no worked token example (password, salt, ts → token):
 * the expected values below were computed independently when this test
 * was written, with Python's hashlib/base64 for the token and OpenSSL's
 * `enc -aes-256-ecb` (PKCS#7 padding) for the envelope:
 *   sha256("set.system.reboot" "super" "uhCiDyVj" "1773869570")
 *     = 648c56a9…, token "ZIxWqUqH"
 *   sha256("set.miner.pools" "super" "uhCiDyVj" "1773869570")
 *     = 68d4a0f8…, token "aNSg+F95"
 * (the salt and time are those of the real M60S get.device.info reply).
 *
 * The parsers run against every real v3 reply in ../shared/fixtures/real
 * (HF_REAL_FIXTURES); the client against raw loopback servers of this
 * test (127.0.97.x); the driver end to end against hashfleet-sim's
 * whatsminer-v3 profile (127.0.96.x).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hf-driver.h"
#include "hf-error.h"
#include "hf-fleet.h"
#include "hf-identify.h"
#include "hf-json.h"
#include "hf-test-utils.h"
#include "hf-whatsminer-v3.h"
#include "hf-whatsminer-v3-auth.h"
#include "hf-whatsminer-v3-client.h"
#include "hf-whatsminer-v3-parse.h"
#include "hf-whatsminer-v3-reply.h"

#define SALT "uhCiDyVj"
#define TS   1773869570
#define POOLS_PLAIN "[{\"pool\":\"stratum+tcp://pool.example:3333\",\"worker\":\"w1\",\"passwd\":\"x\"}]"
#define POOLS_ENC "WysQOswF6YuPuWfuegJevPBsjggYWgNpjWGLWkXiUgW/f1++pgL+jW2b55x8NjQ6" \
                  "D8fr07eq+yIH5FRgeJpwaYgmGBQ3EpWKZJ4xmXGd+Vw="
#define BLOCK_ENC "1YEB5MiPYULA60o8s480F62OGNwEYQ2tr3N2uOUJ7Go="

#define WM3_PORT "14633"
#define CG_PORT  "14628"
#define HTTP_PORT "18680"

static const char *real_dir;

static void
test_token (void)
{
  guint8 d[HF_WHATSMINER_V3_DIGEST_SIZE];
  g_autofree char *hex = NULL;
  g_autofree char *t1 = NULL;
  g_autofree char *t2 = NULL;
  GString *s = g_string_new (NULL);

  hf_whatsminer_v3_digest ("set.system.reboot", "super", SALT, TS, d);
  for (guint i = 0; i < sizeof d; i++)
    g_string_append_printf (s, "%02x", d[i]);
  hex = g_string_free (s, FALSE);
  g_assert_cmpstr (hex, ==, "648c56a94a876ab7357c10f39a9777d5008257b76e5e0974d714de53bf5f1b7b");
  t1 = hf_whatsminer_v3_token (d);
  g_assert_cmpstr (t1, ==, "ZIxWqUqH");
  hf_whatsminer_v3_digest ("set.miner.pools", "super", SALT, TS, d);
  t2 = hf_whatsminer_v3_token (d);
  g_assert_cmpstr (t2, ==, "aNSg+F95");
}

static void
test_envelope (void)
{
  guint8 d[HF_WHATSMINER_V3_DIGEST_SIZE];
  guint8 other[HF_WHATSMINER_V3_DIGEST_SIZE];
  g_autoptr(GError) error = NULL;
  g_autofree char *enc = NULL;
  g_autofree char *block = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *bad = NULL;

  hf_whatsminer_v3_digest ("set.miner.pools", "super", SALT, TS, d);
  enc = hf_whatsminer_v3_encrypt (d, POOLS_PLAIN);
  g_assert_cmpstr (enc, ==, POOLS_ENC);
  /* Exactly one block of text: a whole block of padding after it. */
  block = hf_whatsminer_v3_encrypt (d, "0123456789abcdef");
  g_assert_cmpstr (block, ==, BLOCK_ENC);

  plain = hf_whatsminer_v3_decrypt (d, POOLS_ENC, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, POOLS_PLAIN);

  hf_whatsminer_v3_digest ("set.miner.pools", "wrong", SALT, TS, other);
  bad = hf_whatsminer_v3_decrypt (other, POOLS_ENC, &error);
  g_assert_null (bad);
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_null (hf_whatsminer_v3_decrypt (d, "not base64!", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_PARSE);
}

static void
test_build_write (void)
{
  g_autoptr(JsonNode) param = json_from_string (POOLS_PLAIN, NULL);
  g_autofree char *text = hf_whatsminer_v3_build_write ("set.miner.pools", param, TRUE, "super",
                                                        SALT, TS);
  g_autoptr(JsonObject) o = hf_json_parse_object (text, strlen (text), NULL);

  g_assert_nonnull (o);
  g_assert_cmpstr (hf_json_string (o, "cmd"), ==, "set.miner.pools");
  g_assert_cmpstr (hf_json_string (o, "token"), ==, "aNSg+F95");
  g_assert_cmpstr (hf_json_string (o, "account"), ==, "super");
  g_assert_cmpint (json_object_get_int_member (o, "ts"), ==, TS);
  g_assert_cmpstr (hf_json_string (o, "param"), ==, POOLS_ENC);
  /* The password never travels. */
  g_assert_null (strstr (text, "\"super\",\"x") );
}

/* ---- frames ---- */

static void
test_frames (void)
{
  HfWhatsminerV3Frame f;
  g_autoptr(GError) error = NULL;
  const guint8 wire[] = { 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, '{', '}' };
  const guint8 big[] = { 0x01, 0x00, 0x10, 0x00 };   /* 1 MiB + 1 */
  gboolean complete = FALSE;

  /* Two heartbeats, then {} — fed one byte at a time, asked for no more
   * than the frame holds. */
  hf_whatsminer_v3_frame_init (&f, 1024 * 1024);
  for (gsize i = 0; i < sizeof wire; i++)
    {
      g_assert_cmpuint (hf_whatsminer_v3_frame_want (&f, 4096), >=, 1);
      g_assert_true (hf_whatsminer_v3_frame_feed (&f, wire + i, 1, &complete, &error));
      g_assert_true (complete == (i == sizeof wire - 1));
    }
  g_assert_cmpuint (f.heartbeats, ==, 2);
  g_assert_cmpuint (f.body->len, ==, 2);
  g_assert_cmpuint (hf_whatsminer_v3_frame_want (&f, 4096), ==, 0);
  hf_whatsminer_v3_frame_clear (&f);

  /* Nothing but heartbeats: refused after HF_WHATSMINER_V3_MAX_HEARTBEATS. */
  hf_whatsminer_v3_frame_init (&f, 1024 * 1024);
  {
    guint8 zeros[4 * (HF_WHATSMINER_V3_MAX_HEARTBEATS + 1)] = { 0 };

    g_assert_true (hf_whatsminer_v3_frame_feed (&f, zeros, sizeof zeros - 4, &complete, &error));
    g_assert_false (complete);
    g_assert_false (hf_whatsminer_v3_frame_feed (&f, zeros, 4, &complete, &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  hf_whatsminer_v3_frame_clear (&f);

  /* Over the cap: refused from the header. */
  hf_whatsminer_v3_frame_init (&f, 1024 * 1024);
  g_assert_false (hf_whatsminer_v3_frame_feed (&f, big, 4, &complete, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_TOO_LARGE);
  g_assert_cmpuint (f.body->len, ==, 0);
  hf_whatsminer_v3_frame_clear (&f);
}

static void
test_reply_codes (void)
{
  static const struct { const char *json; int code; } cases[] = {
    { "{\"code\":-4,\"msg\":\"no permission\"}", HF_ERROR_AUTH },
    { "{\"code\":-2,\"msg\":\"invalid command\"}", HF_ERROR_PROTOCOL },
    { "{\"code\":-3,\"msg\":\"invalid json\"}", HF_ERROR_PROTOCOL },
    { "{\"code\":-1,\"msg\":\"fail\"}", HF_ERROR_REJECTED },
    { "{\"code\":\"0\",\"msg\":{}}", HF_ERROR_PROTOCOL },
    { "{\"msg\":{}}", HF_ERROR_PROTOCOL },
    { "{\"code\":0,", HF_ERROR_PARSE },
    { "[0]", HF_ERROR_PROTOCOL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) o = hf_whatsminer_v3_parse_reply (cases[i].json,
                                                              strlen (cases[i].json), &error);
      g_assert_null (o);
      g_assert_error (error, HF_ERROR, cases[i].code);
      if (i == 0)
        {
          g_assert_nonnull (strstr (error->message, "WhatsMinerTool"));
          g_assert_nonnull (strstr (error->message, "change its default password"));
        }
    }
}

/* ---- the real replies ---- */

static JsonObject *
real_reply (const char *name)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  if (real_dir == NULL || !g_file_test (real_dir, G_FILE_TEST_IS_DIR))
    return NULL;
  path = g_build_filename (real_dir, name, NULL);
  if (!g_file_get_contents (path, &text, &len, NULL))
    return NULL;
  o = hf_whatsminer_v3_parse_reply (text, len, &error);
  g_assert_no_error (error);
  return o;
}

static void
test_real_device_info (void)
{
  g_autoptr(JsonObject) reply = real_reply ("whatsminer-api3.0.2-m60s_get-device-info.json");
  g_autoptr(HfMiner) miner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *salt = NULL;

  if (reply == NULL)
    {
      g_test_skip ("no captured samples (set HF_REAL_FIXTURES)");
      return;
    }
  miner = hf_miner_new ("192.0.2.1", HF_FAMILY_UNKNOWN);
  g_assert_true (hf_whatsminer_v3_parse_identity (reply, miner, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_WHATSMINER);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Whatsminer M60S_VK40");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "Whatsminer 20251209.16.Rel2 (API 3.0.2)");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "CE:02:01:00:8C:36");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "WhatsMiner");
  g_assert_cmpstr (hf_miner_get_serial (miner), ==, "BTM3CS40HD24083100000000000000000");
  salt = hf_whatsminer_v3_parse_salt (reply);
  g_assert_cmpstr (salt, ==, "uhCiDyVj");
}

static void
test_real_status (void)
{
  g_autoptr(JsonObject) reply =
    real_reply ("whatsminer-api3_get-miner-status-summary_vendor-doc-example.json");
  g_autoptr(JsonObject) info = real_reply ("whatsminer-api3.0.2-m60s_get-device-info.json");
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  if (reply == NULL || info == NULL)
    {
      g_test_skip ("no captured samples (set HF_REAL_FIXTURES)");
      return;
    }
  r = hf_whatsminer_v3_parse_reading (reply, NULL, info, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (r->hashrate_ghs, 101847.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (r->hashrate_avg_ghs, 101847.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (r->expected_hashrate_ghs, 101366.0, 1e-6);
  g_assert_cmpfloat (r->power_w, ==, 3268);
  g_assert_false (r->power_estimated);
  g_assert_cmpfloat (r->power_limit_w, ==, 3500);
  g_assert_cmpfloat_with_epsilon (r->chip_temp_c, 100.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->board_temp_c, 72.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->temperature_c, 100.3, 1e-9);
  g_assert_cmpfloat (r->fan_rpm, ==, 5070);
  g_assert_cmpfloat (r->uptime_s, ==, 1074);
  g_assert_cmpfloat (r->frequency_mhz, ==, 788);
  g_assert_false (r->paused);             /* "working":"true" */
  g_assert_null (r->pool_url);            /* param "summary" alone: no pools */
  g_assert_null (r->preset);
}

static void
test_parse_edges (void)
{
  const char *json = "{\"code\":0,\"msg\":{\"summary\":{\"hash-realtime\":0,\"power-limit\":0,"
                     "\"factory-hash\":-0.003,\"board-temperature\":[\"60.5\",61],\"elapsed\":\"9\"},"
                     "\"pools\":[{\"id\":1,\"url\":\"stratum+tcp://a:1\",\"account\":\"u1\",\"status\":\"dead\","
                     "\"stratum-active\":false},{\"id\":2,\"url\":\"stratum+tcp://b:2\",\"account\":\"u2\","
                     "\"status\":\"alive\",\"stratum-active\":true}]}}";
  const char *setting = "{\"code\":0,\"msg\":{\"power-mode\":\"low\"}}";
  const char *info = "{\"code\":0,\"msg\":{\"miner\":{\"working\":\"false\"}}}";
  g_autoptr(JsonObject) a = hf_whatsminer_v3_parse_reply (json, strlen (json), NULL);
  g_autoptr(JsonObject) b = hf_whatsminer_v3_parse_reply (setting, strlen (setting), NULL);
  g_autoptr(JsonObject) c = hf_whatsminer_v3_parse_reply (info, strlen (info), NULL);
  g_autoptr(HfReading) r = hf_whatsminer_v3_parse_reading (a, b, c, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) empty = hf_whatsminer_v3_parse_reply ("{\"code\":0,\"msg\":{}}", 19, NULL);

  g_assert_nonnull (r);
  g_assert_cmpfloat (r->hashrate_ghs, ==, 0);
  g_assert_true (isnan (r->power_limit_w));          /* 0: none */
  g_assert_true (isnan (r->expected_hashrate_ghs));  /* the negative placeholder */
  g_assert_cmpfloat (r->board_temp_c, ==, 61);
  g_assert_cmpfloat (r->uptime_s, ==, 9);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://b:2");
  g_assert_cmpstr (r->pool_user, ==, "u2");
  g_assert_true (r->fallback_pool);
  g_assert_cmpstr (r->preset, ==, "low");
  g_assert_true (r->paused);
  g_assert_null (hf_whatsminer_v3_parse_reading (empty, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_PROTOCOL);
}

/* ---- the client against raw servers ---- */

typedef struct
{
  GBytes   *answer;     /* written after the request frame arrives */
  gboolean  hold;       /* then keep the connection open */
  gsize     read_after; /* bytes the client sent (request frame) */
} RawServer;

static gboolean
raw_incoming_cb (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source,
                 gpointer           user_data)
{
  RawServer *rs = user_data;
  guint8 header[4];
  gsize n = 0;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  guint32 len;
  g_autofree guint8 *body = NULL;

  /* Small and local: blocking reads are fine in the test's server. */
  g_input_stream_read_all (in, header, 4, &n, NULL, NULL);
  len = header[0] | header[1] << 8 | header[2] << 16 | (guint32) header[3] << 24;
  body = g_malloc (len + 1);
  g_input_stream_read_all (in, body, len, &n, NULL, NULL);
  rs->read_after = n;
  g_output_stream_write_all (out, g_bytes_get_data (rs->answer, NULL),
                             g_bytes_get_size (rs->answer), NULL, NULL, NULL);
  if (rs->hold)
    g_object_set_data_full (G_OBJECT (service), "held", g_object_ref (connection),
                            g_object_unref);
  else
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

typedef struct
{
  gboolean    done;
  JsonObject *reply;
  GError     *error;
} Wait;

static void
request_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->reply = hf_whatsminer_v3_request_finish (result, &w->error);
  w->done = TRUE;
}

static void
raw_request (const char *ip,
             guint16     port,
             GBytes     *answer,
             gboolean    hold,
             Wait       *w,
             gint64     *elapsed_ms)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string (ip, port);
  g_autoptr(HfConfig) config = hf_config_new ();
  RawServer rs = { answer, hold, 0 };
  gint64 start;

  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, NULL, NULL));
  g_signal_connect (service, "incoming", G_CALLBACK (raw_incoming_cb), &rs);
  g_socket_service_start (service);
  config->timeout_ms = 3000;
  start = g_get_monotonic_time ();
  hf_whatsminer_v3_request_async (ip, port, "{\"cmd\":\"get.device.info\"}", config,
                                  hf_config_deadline (config), NULL, request_cb, w);
  hf_test_wait_for (&w->done, 5000);
  *elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpuint (rs.read_after, ==, strlen ("{\"cmd\":\"get.device.info\"}"));
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

static GBytes *
frames (const char *first, ...)
{
  GByteArray *a = g_byte_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *f = first; f != NULL; f = va_arg (ap, const char *))
    {
      g_autoptr(GBytes) b = hf_whatsminer_v3_frame_encode (f, strlen (f));
      g_byte_array_append (a, g_bytes_get_data (b, NULL), (guint) g_bytes_get_size (b));
    }
  va_end (ap);
  return g_byte_array_free_to_bytes (a);
}

static void
test_client_heartbeats (void)
{
  /* Two heartbeats, the reply, and the connection kept open: the reply
   * ends the request, not the close. */
  g_autoptr(GBytes) answer = frames ("", "", "{\"code\":0,\"msg\":{\"salt\":\"abcdefgh\"}}", NULL);
  Wait w = { 0 };
  gint64 ms;

  raw_request ("127.0.97.2", 14690, answer, TRUE, &w, &ms);
  g_assert_no_error (w.error);
  g_assert_cmpstr (hf_json_string (hf_whatsminer_v3_msg (w.reply), "salt"), ==, "abcdefgh");
  g_assert_cmpint (ms, <, 1500);
  json_object_unref (w.reply);
}

static void
test_client_oversize (void)
{
  /* A header announcing 16 MiB, no body, the connection held open: refused
   * at once from the header, not at the deadline. */
  static const guint8 header[] = { 0x00, 0x00, 0x00, 0x01 };
  g_autoptr(GBytes) answer = g_bytes_new_static (header, sizeof header);
  Wait w = { 0 };
  gint64 ms;

  raw_request ("127.0.97.3", 14691, answer, TRUE, &w, &ms);
  g_assert_null (w.reply);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_TOO_LARGE);
  g_assert_cmpint (ms, <, 1500);
  g_clear_error (&w.error);
}

static void
test_client_errors (void)
{
  static const struct { const char *frame; int code; } cases[] = {
    { "{\"code\":-4,\"when\":1,\"msg\":\"no permission\",\"desc\":\"set.system.reboot\"}", HF_ERROR_AUTH },
    { "{\"code\":0,\"msg\":", HF_ERROR_PARSE },
    { "{\"code\":-2,\"msg\":\"invalid command\"}", HF_ERROR_PROTOCOL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) answer = frames (cases[i].frame, NULL);
      Wait w = { 0 };
      gint64 ms;

      raw_request ("127.0.97.4", (guint16) (14692 + i), answer, FALSE, &w, &ms);
      g_assert_null (w.reply);
      g_assert_error (w.error, HF_ERROR, cases[i].code);
      g_assert_nonnull (strstr (w.error->message, "127.0.97.4:"));
      g_clear_error (&w.error);
    }
  {
    /* Half a frame, then the close. */
    static const guint8 cut[] = { 10, 0, 0, 0, '{', '"' };
    g_autoptr(GBytes) answer = g_bytes_new_static (cut, sizeof cut);
    Wait w = { 0 };
    gint64 ms;

    raw_request ("127.0.97.4", 14699, answer, FALSE, &w, &ms);
    g_assert_error (w.error, HF_ERROR, HF_ERROR_PARSE);
    g_clear_error (&w.error);
  }
}

/* A device that floods empty frames (zero bytes) after the request, faster
 * than they can be read, from a thread with a blocking socket, until the
 * client hangs up or 3 s have passed. */
typedef struct
{
  GSocket  *listener;
  gint64    sent;
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *f = data;
  g_autoptr(GSocket) peer = g_socket_accept (f->listener, NULL, NULL);
  g_autofree char *zeros = g_malloc0 (64 * 1024);
  guint8 header[4];
  char body[256];
  gint64 stop = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  guint32 len;

  g_assert_nonnull (peer);
  g_assert_cmpint (g_socket_receive (peer, (char *) header, 4, NULL, NULL), ==, 4);
  len = header[0] | header[1] << 8 | header[2] << 16 | (guint32) header[3] << 24;
  g_assert_cmpuint (len, <, sizeof body);
  g_assert_cmpint (g_socket_receive (peer, body, len, NULL, NULL), ==, len);
  while (g_get_monotonic_time () < stop)
    {
      gssize n = g_socket_send (peer, zeros, 64 * 1024, NULL, NULL);

      if (n <= 0)
        break;
      f->sent += n;
    }
  g_socket_close (peer, NULL);
  return NULL;
}

typedef struct
{
  gint64 last;
  gint64 max_gap;
} Ticks;

static gboolean
tick_cb (gpointer data)
{
  Ticks *t = data;
  gint64 now = g_get_monotonic_time ();

  t->max_gap = MAX (t->max_gap, now - t->last);
  t->last = now;
  return G_SOURCE_CONTINUE;
}

static void
test_client_heartbeat_flood (void)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.113.2",
                                                                             14700);
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(GThread) thread = NULL;
  Flood f = { 0 };
  Ticks t = { 0 };
  Wait w = { 0 };
  guint tick;
  gint64 start, ms;

  f.listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                             NULL);
  g_assert_true (g_socket_bind (f.listener, address, TRUE, NULL));
  g_assert_true (g_socket_listen (f.listener, NULL));
  thread = g_thread_new ("flood", flood_thread, &f);

  config->timeout_ms = 1000;
  start = t.last = g_get_monotonic_time ();
  tick = g_timeout_add (50, tick_cb, &t);
  hf_whatsminer_v3_request_async ("127.0.113.2", 14700, "{\"cmd\":\"get.device.info\"}",
                                  config, hf_config_deadline (config), NULL, request_cb, &w);
  hf_test_wait_for (&w.done, 6000);
  ms = (g_get_monotonic_time () - start) / 1000;
  tick_cb (&t);   /* the gap up to now counts too */
  g_source_remove (tick);
  g_thread_join (g_steal_pointer (&thread));
  g_socket_close (f.listener, NULL);
  g_clear_object (&f.listener);

  g_test_message ("flood: %s after %" G_GINT64_FORMAT " ms, %" G_GINT64_FORMAT " bytes sent, "
                  "largest gap between ticks %" G_GINT64_FORMAT " ms",
                  w.error ? w.error->message : "no error", ms, f.sent, t.max_gap / 1000);
  g_assert_null (w.reply);
  g_assert_true (g_error_matches (w.error, HF_ERROR, HF_ERROR_TIMEOUT)
                 || g_error_matches (w.error, HF_ERROR, HF_ERROR_PROTOCOL));
  g_assert_cmpint (ms, <, config->timeout_ms + 500);
  g_assert_cmpint (t.max_gap / 1000, <, 200);
  g_clear_error (&w.error);
}

/* ---- end to end against the simulator ---- */

static const char fleet[] =
  "[fleet]\nhttp-port=" HTTP_PORT "\ncgminer-port=" CG_PORT "\nwhatsminer-v3-port=" WM3_PORT "\n"
  "static=true\nrestart-seconds=1\n"
  "[miner 127.0.96.2]\nprofile=whatsminer-v3\nsuper-password=s3cret\n"
  "[miner 127.0.96.3]\nprofile=whatsminer-v3\napi-writes=false\n"
  "[miner 127.0.96.4]\nprofile=m30s\n"
  "[miner 127.0.113.3]\nprofile=whatsminer-v3\n"
  "[miner 127.0.113.4]\nprofile=s19pro\n"
  "[miner 127.0.113.5]\nprofile=m30s\n"
  "[miner 127.0.113.6]\nprofile=s19pro\n";

static HfTestSim *sim;

static HfConfig *
sim_config (const char *password)
{
  HfConfig *config = hf_config_new ();

  config->http_port = atoi (HTTP_PORT);
  config->cgminer_port = atoi (CG_PORT);
  config->whatsminer_v3_port = atoi (WM3_PORT);
  config->timeout_ms = 4000;
  g_free (config->whatsminer_super_password);
  config->whatsminer_super_password = g_strdup (password);
  return config;
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Done;

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Done *d = user_data;

  d->result = g_object_ref (result);
  d->done = TRUE;
}

static HfMiner *
identify (const char *ip, HfConfig *config, GError **error)
{
  Done d = { 0 };
  HfMiner *miner;

  hf_identify_async (ip, config, NULL, done_cb, &d);
  hf_test_wait_for (&d.done, 8000);
  miner = hf_identify_finish (d.result, error);
  g_object_unref (d.result);
  return miner;
}

static HfReading *
poll_miner (HfMiner *miner, HfConfig *config, GError **error)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (miner));
  Done d = { 0 };
  HfReading *r;

  hf_driver_poll_async (driver, miner, config, NULL, done_cb, &d);
  hf_test_wait_for (&d.done, 8000);
  r = hf_driver_poll_finish (driver, d.result, error);
  g_object_unref (d.result);
  return r;
}

static gboolean
write_op (HfMiner *miner, HfConfig *config, int op, const HfMinerSettings *st, GError **error)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (miner));
  Done d = { 0 };
  gboolean ok;

  if (op < 0)
    hf_driver_restart_async (driver, miner, config, NULL, done_cb, &d);
  else if (st != NULL)
    hf_driver_apply_async (driver, miner, st, config, NULL, done_cb, &d);
  else
    hf_driver_action_async (driver, miner, (HfMinerAction) op, config, NULL, done_cb, &d);
  hf_test_wait_for (&d.done, 8000);
  ok = op < 0 ? hf_driver_restart_finish (driver, d.result, error)
              : st != NULL ? hf_driver_apply_finish (driver, d.result, error)
                           : hf_driver_action_finish (driver, d.result, error);
  g_object_unref (d.result);
  return ok;
}

/* Poll until the miner answers again (after a restart), up to 10 s. */
static HfReading *
poll_until_back (HfMiner *miner, HfConfig *config)
{
  for (int i = 0; i < 40; i++)
    {
      g_autoptr(GError) error = NULL;
      HfReading *r = poll_miner (miner, config, &error);

      if (r != NULL)
        return r;
      g_usleep (250 * 1000);
    }
  g_assert_not_reached ();
}

static void
test_e2e (void)
{
  g_autoptr(HfConfig) config = sim_config ("s3cret");
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = identify ("127.0.96.2", config, &error);
  g_autoptr(HfReading) r = NULL;
  g_autoptr(HfMinerSettings) st = NULL;
  g_autofree char *mismatch = NULL;
  HfCapabilities caps;

  /* Answers v2 on the cgminer port and v3: one miner, reached by v3. */
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_WHATSMINER);
  g_assert_cmpuint (hf_miner_get_api_version (miner), ==, HF_WHATSMINER_API_V3);
  g_assert_cmpuint (hf_miner_get_cgminer_port (miner), ==, atoi (WM3_PORT));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Whatsminer M60S_VK40");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "Whatsminer 20251209.16.Rel2 (API 3.0.2)");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "02:48:46:00:60:02");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "whatsminer-v3-1");
  caps = hf_driver_get_capabilities (hf_driver_for_family (HF_FAMILY_WHATSMINER), miner);
  g_assert_cmpuint (caps, ==, HF_WHATSMINER_V3_CAPABILITIES);

  r = poll_miner (miner, config, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (r->hashrate_ghs, 186000, 1e-6);
  g_assert_cmpfloat_with_epsilon (r->expected_hashrate_ghs, 184000, 1e-6);
  g_assert_cmpfloat (r->power_w, ==, 3344);
  g_assert_false (r->power_estimated);
  g_assert_cmpfloat (r->power_limit_w, ==, 3500);
  g_assert_cmpfloat (r->chip_temp_c, ==, 84.5);
  g_assert_cmpfloat (r->board_temp_c, ==, 70);
  g_assert_cmpfloat (r->fan_rpm, ==, 5070);
  g_assert_cmpfloat (r->frequency_mhz, ==, 600);
  g_assert_cmpstr (r->preset, ==, "normal");
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://pool.example:3333");
  g_assert_cmpstr (r->pool_user, ==, "worker.m60");
  g_assert_false (r->fallback_pool);
  g_assert_false (r->paused);
  g_clear_pointer (&r, hf_reading_free);

  /* Identify (LED), pause, resume. */
  g_assert_true (write_op (miner, config, HF_ACTION_IDENTIFY, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hf_test_sim_events (sim, "led", "127.0.96.2", 1, 2000), ==, 1);
  g_assert_true (write_op (miner, config, HF_ACTION_PAUSE, NULL, &error));
  g_assert_no_error (error);
  r = poll_miner (miner, config, &error);
  g_assert_no_error (error);
  g_assert_true (r->paused);
  g_assert_cmpfloat (r->hashrate_ghs, ==, 0);
  g_clear_pointer (&r, hf_reading_free);
  g_assert_true (write_op (miner, config, HF_ACTION_RESUME, NULL, &error));
  g_assert_no_error (error);
  r = poll_miner (miner, config, &error);
  g_assert_false (r->paused);
  g_clear_pointer (&r, hf_reading_free);

  /* Pools (encrypted) and power mode, verified by the next reading. */
  st = hf_miner_settings_new ();
  st->pool_url = g_strdup ("stratum+tcp://solo.example:3333");
  st->pool_user = g_strdup ("bc1qexample.m60");
  st->preset = g_strdup ("low");
  g_assert_true (write_op (miner, config, 0, st, &error));
  g_assert_no_error (error);
  r = poll_miner (miner, config, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://solo.example:3333");
  g_assert_cmpstr (r->pool_user, ==, "bc1qexample.m60");
  g_assert_cmpstr (r->preset, ==, "low");
  mismatch = hf_miner_settings_mismatch (st, r);
  g_assert_null (mismatch);
  g_clear_pointer (&r, hf_reading_free);
  g_clear_pointer (&st, hf_miner_settings_free);

  /* A preset the firmware has not: refused before anything is sent. */
  st = hf_miner_settings_new ();
  st->preset = g_strdup ("turbo");
  g_assert_false (write_op (miner, config, 0, st, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&st, hf_miner_settings_free);

  /* Power limit: the miner restarts to apply it; verified once it is back. */
  st = hf_miner_settings_new ();
  st->power_limit_w = 3100;
  g_assert_true (write_op (miner, config, 0, st, &error));
  g_assert_no_error (error);
  r = poll_until_back (miner, config);
  g_assert_cmpfloat (r->power_limit_w, ==, 3100);
  mismatch = hf_miner_settings_mismatch (st, r);
  g_assert_null (mismatch);
  g_clear_pointer (&r, hf_reading_free);

  /* Restart: set.system.reboot. */
  g_assert_true (write_op (miner, config, -1, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.96.2", 1, 2000), >=, 1);
  r = poll_until_back (miner, config);
  g_assert_cmpfloat (r->uptime_s, <, 60);
  g_clear_pointer (&r, hf_reading_free);
}

static void
test_e2e_refused (void)
{
  g_autoptr(HfConfig) config = sim_config ("s3cret");
  g_autoptr(HfConfig) wrong = sim_config ("not-it");
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) locked = identify ("127.0.96.3", config, &error);
  g_autoptr(HfMiner) miner = NULL;
  guint before, services;

  /* API writes off: -4, in words, after one fresh salt. */
  g_assert_no_error (error);
  g_assert_false (write_op (locked, config, HF_ACTION_PAUSE, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "WhatsMinerTool"));
  g_assert_nonnull (strstr (error->message, "127.0.96.3"));
  g_assert_cmpuint (hf_test_sim_events (sim, "wm3-refused", "127.0.96.3", 2, 2000), ==, 2);
  g_clear_error (&error);

  /* The wrong password: refused by the token check, the miner unchanged. */
  miner = identify ("127.0.96.2", wrong, &error);
  g_assert_no_error (error);
  before = hf_test_sim_events (sim, "wm3-refused", "127.0.96.2", 0, 0);
  services = hf_test_sim_events (sim, "service", "127.0.96.2", 0, 0);
  g_assert_false (write_op (miner, wrong, HF_ACTION_PAUSE, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_cmpuint (hf_test_sim_events (sim, "wm3-refused", "127.0.96.2", before + 2, 2000), ==,
                    before + 2);
  g_assert_cmpuint (hf_test_sim_events (sim, "service", "127.0.96.2", 0, 0), ==, services);
}

static void
test_e2e_v2_only (void)
{
  g_autoptr(HfConfig) config = sim_config ("s3cret");
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = identify ("127.0.96.4", config, &error);

  /* No v3 port: the v2 driver as before. */
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_WHATSMINER);
  g_assert_cmpuint (hf_miner_get_api_version (miner), ==, 0);
  g_assert_cmpuint (hf_miner_get_cgminer_port (miner), ==, atoi (CG_PORT));
}

/* A stand-in for a device's v3 port, on its own threads: answers every
 * request with @answer (NULL: accepts into the backlog and never answers). */
typedef struct
{
  GSocketService *service;   /* answering */
  GSocket        *silent;    /* silent */
  GBytes         *answer;
} V3Port;

static gboolean
v3_port_run_cb (GThreadedSocketService *service,
                GSocketConnection      *connection,
                GObject                *source,
                gpointer                user_data)
{
  V3Port *v = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  guint8 header[4];
  char body[512];
  gsize n = 0;
  guint32 len;

  if (!g_input_stream_read_all (in, header, 4, &n, NULL, NULL) || n < 4)
    return TRUE;
  len = header[0] | header[1] << 8 | header[2] << 16 | (guint32) header[3] << 24;
  if (len > sizeof body || !g_input_stream_read_all (in, body, len, &n, NULL, NULL))
    return TRUE;
  g_output_stream_write_all (out, g_bytes_get_data (v->answer, NULL),
                             g_bytes_get_size (v->answer), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
v3_port_start (V3Port *v, const char *ip, guint16 port, GBytes *answer)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string (ip, port);

  memset (v, 0, sizeof *v);
  if (answer == NULL)
    {
      v->silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, NULL);
      g_assert_true (g_socket_bind (v->silent, address, TRUE, NULL));
      g_assert_true (g_socket_listen (v->silent, NULL));
      return;
    }
  v->answer = g_bytes_ref (answer);
  v->service = g_threaded_socket_service_new (4);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (v->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, NULL, NULL));
  g_signal_connect (v->service, "run", G_CALLBACK (v3_port_run_cb), v);
  g_socket_service_start (v->service);
}

static void
v3_port_stop (V3Port *v)
{
  if (v->service != NULL)
    {
      g_socket_service_stop (v->service);
      g_socket_listener_close (G_SOCKET_LISTENER (v->service));
      g_clear_object (&v->service);
    }
  if (v->silent != NULL)
    {
      g_socket_close (v->silent, NULL);
      g_clear_object (&v->silent);
    }
  g_clear_pointer (&v->answer, g_bytes_unref);
}

static void
test_rescan_keeps_v3 (void)
{
  /* A v3 miner in the fleet; a rescan while its v3 port refuses (busy,
   * restarting) finds it on v2: it stays on v3.  Once the v3 port answers
   * and is not v3, it is moved to v2. */
  g_autoptr(HfConfig) config = sim_config ("s3cret");
  g_autoptr(HfConfig) refusing = sim_config ("s3cret");
  g_autoptr(HfConfig) other = sim_config ("s3cret");
  g_autoptr(HfFleet) f = hf_fleet_new (config);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = identify ("127.0.113.3", config, &error);
  g_autoptr(HfMiner) again = NULL;
  g_autoptr(HfMiner) downgraded = NULL;
  g_autoptr(GBytes) not_v3 = frames ("HTTP/1.0 400 Bad Request", NULL);
  V3Port v;

  g_assert_no_error (error);
  g_assert_cmpuint (hf_miner_get_api_version (miner), ==, HF_WHATSMINER_API_V3);
  g_assert_true (hf_fleet_add (f, miner) == miner);

  /* Nothing listens on this v3 port: refused. */
  refusing->whatsminer_v3_port = 14640;
  again = identify ("127.0.113.3", refusing, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hf_miner_get_api_version (again), ==, 0);
  g_assert_cmpstr (hf_miner_get_mac (again), ==, hf_miner_get_mac (miner));
  g_assert_true (hf_fleet_add (f, again) == miner);
  g_assert_cmpuint (hf_miner_get_api_version (miner), ==, HF_WHATSMINER_API_V3);
  g_assert_cmpuint (hf_miner_get_cgminer_port (miner), ==, atoi (WM3_PORT));

  /* The v3 port answers, and not as v3: a definitive answer. */
  v3_port_start (&v, "127.0.113.3", 14641, not_v3);
  other->whatsminer_v3_port = 14641;
  downgraded = identify ("127.0.113.3", other, &error);
  v3_port_stop (&v);
  g_assert_no_error (error);
  g_assert_true (hf_fleet_add (f, downgraded) == miner);
  g_assert_cmpuint (hf_miner_get_api_version (miner), ==, 0);
  g_assert_cmpuint (hf_miner_get_cgminer_port (miner), ==, atoi (CG_PORT));
}

#define DEVICE_INFO_V3 \
  "{\"code\":0,\"msg\":{\"salt\":\"abcdefgh\",\"miner\":{\"type\":\"M60S_VK40\"}," \
  "\"system\":{\"fwversion\":\"20251209.16.Rel2\",\"api\":\"3.0.2\"}," \
  "\"network\":{\"mac\":\"02:48:46:00:11:34\",\"hostname\":\"stray\"}}}"

static void
test_other_family_beats_v3 (void)
{
  /* An Antminer on the cgminer port, and something answering as a v3
   * Whatsminer on the v3 port of the same address: the Antminer. */
  g_autoptr(HfConfig) config = sim_config ("s3cret");
  g_autoptr(GBytes) info = frames (DEVICE_INFO_V3, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = NULL;
  V3Port v;

  v3_port_start (&v, "127.0.113.4", atoi (WM3_PORT), info);
  miner = identify ("127.0.113.4", config, &error);
  v3_port_stop (&v);
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_ANTMINER);
  g_assert_cmpuint (hf_miner_get_api_version (miner), ==, 0);
  g_assert_cmpuint (hf_miner_get_cgminer_port (miner), ==, atoi (CG_PORT));
}

static HfMiner *
identify_timed (const char *ip, HfConfig *config, gint64 *ms, GError **error)
{
  gint64 start = g_get_monotonic_time ();
  HfMiner *miner = identify (ip, config, error);

  *ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("identify %s: %" G_GINT64_FORMAT " ms", ip, *ms);
  return miner;
}

static void
test_silent_v3_port (void)
{
  /* A v3 port that accepts and never answers, with the deadline at 4 s. */
  g_autoptr(HfConfig) config = sim_config ("s3cret");
  g_autoptr(HfConfig) quick = sim_config ("s3cret");
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) m30s = NULL;
  g_autoptr(HfMiner) s19 = NULL;
  g_autoptr(HfMiner) none = NULL;
  V3Port v5, v6, v7;
  gint64 ms;

  v3_port_start (&v5, "127.0.113.5", atoi (WM3_PORT), NULL);
  v3_port_start (&v6, "127.0.113.6", atoi (WM3_PORT), NULL);
  v3_port_start (&v7, "127.0.113.7", atoi (WM3_PORT), NULL);

  /* A Whatsminer on v2: a short grace for v3, then v2. */
  m30s = identify_timed ("127.0.113.5", config, &ms, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (m30s), ==, HF_FAMILY_WHATSMINER);
  g_assert_cmpuint (hf_miner_get_api_version (m30s), ==, 0);
  g_assert_false (hf_miner_get_api_version_confirmed (m30s));
  g_assert_cmpint (ms, <, 1500);

  /* An Antminer: the v3 port cannot change the answer, no wait for it. */
  s19 = identify_timed ("127.0.113.6", config, &ms, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (s19), ==, HF_FAMILY_ANTMINER);
  g_assert_cmpint (ms, <, 500);

  /* Nothing else there: one deadline, not more. */
  quick->timeout_ms = 1000;
  none = identify_timed ("127.0.113.7", quick, &ms, &error);
  g_assert_null (none);
  g_assert_error (error, HF_ERROR, HF_ERROR_TIMEOUT);
  g_assert_cmpint (ms, >=, 900);
  g_assert_cmpint (ms, <, 1500);

  v3_port_stop (&v5);
  v3_port_stop (&v6);
  v3_port_stop (&v7);
}

static void
test_refused_address (void)
{
  /* Nothing listens at 127.0.98.2: all three probes are refused, and the
   * answer is a connect error well within one deadline.  (A silent
   * address, whose SYNs are dropped, needs a firewall: bench-scan.py.) */
  g_autoptr(HfConfig) config = sim_config ("s3cret");
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(HfMiner) miner = identify ("127.0.98.2", config, &error);

  g_assert_null (miner);
  g_assert_true (hf_error_is_connect (error));
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, config->timeout_ms);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  real_dir = g_getenv ("HF_REAL_FIXTURES");

  g_test_add_func ("/whatsminer-v3/token", test_token);
  g_test_add_func ("/whatsminer-v3/envelope", test_envelope);
  g_test_add_func ("/whatsminer-v3/build-write", test_build_write);
  g_test_add_func ("/whatsminer-v3/frames", test_frames);
  g_test_add_func ("/whatsminer-v3/reply-codes", test_reply_codes);
  g_test_add_func ("/whatsminer-v3/real/device-info", test_real_device_info);
  g_test_add_func ("/whatsminer-v3/real/status", test_real_status);
  g_test_add_func ("/whatsminer-v3/parse-edges", test_parse_edges);
  g_test_add_func ("/whatsminer-v3/client/heartbeats", test_client_heartbeats);
  g_test_add_func ("/whatsminer-v3/client/oversize", test_client_oversize);
  g_test_add_func ("/whatsminer-v3/client/errors", test_client_errors);
  g_test_add_func ("/whatsminer-v3/client/heartbeat-flood", test_client_heartbeat_flood);
  g_test_add_func ("/whatsminer-v3/e2e", test_e2e);
  g_test_add_func ("/whatsminer-v3/e2e-refused", test_e2e_refused);
  g_test_add_func ("/whatsminer-v3/e2e-v2-only", test_e2e_v2_only);
  g_test_add_func ("/whatsminer-v3/refused-address", test_refused_address);
  g_test_add_func ("/whatsminer-v3/rescan-keeps-v3", test_rescan_keeps_v3);
  g_test_add_func ("/whatsminer-v3/other-family-beats-v3", test_other_family_beats_v3);
  g_test_add_func ("/whatsminer-v3/silent-v3-port", test_silent_v3_port);

  sim = hf_test_sim_start (fleet);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
