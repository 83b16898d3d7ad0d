/* test-framing.c — the cgminer client over real loopback sockets
 * SPDX-License-Identifier: MIT
 *
 * An in-process GSocketService on 127.0.0.1 (a free port) plays each kind
 * of peer: split writes, with and without NUL, endless, silent, garbage.
 */
#include <string.h>

#include "hf-cgminer-client.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-process.h"
#include "hf-test-utils.h"

typedef enum
{
  PEER_SPLIT,         /* the reply in 7 pieces, 15 ms apart, then NUL and close */
  PEER_NO_NUL,        /* reply, close, no NUL */
  PEER_NUL_NO_CLOSE,  /* reply + NUL, connection left open */
  PEER_ENDLESS,       /* writes forever */
  PEER_HANG,          /* reads the request, never answers */
  PEER_GARBAGE,
  PEER_DAEMON_DOWN,
  PEER_SLOW_OK,       /* answers after 30 ms; counts concurrent connections */
} PeerMode;

typedef struct
{
  GSocketService *service;
  guint16         port;
  PeerMode        mode;
  guint           open;
  guint           max_open;
  GPtrArray      *held;     /* connections a hanging peer keeps */
  gboolean        dead;     /* freed by the test; goes when the last connection does */
} Peer;

static const char reply_text[] =
  "{\"STATUS\":[{\"STATUS\":\"S\",\"When\":1,\"Code\":11,\"Msg\":\"Summary\"}],"
  "\"SUMMARY\":[{\"Elapsed\":42,\"MHS 5s\":1234567.0,\"Accepted\":7}],\"id\":1}";

typedef struct
{
  Peer              *peer;
  GSocketConnection *conn;
  guint              piece;
  guint8             buf[1024];
} PeerConn;

static void
peer_destroy (Peer *peer)
{
  g_ptr_array_unref (peer->held);
  g_free (peer);
}

static void
peer_conn_free (PeerConn *pc)
{
  Peer *peer = pc->peer;

  g_io_stream_close (G_IO_STREAM (pc->conn), NULL, NULL);
  g_object_unref (pc->conn);
  g_free (pc);
  if (--peer->open == 0 && peer->dead)
    peer_destroy (peer);
}

static GOutputStream *
out_of (PeerConn *pc)
{
  return g_io_stream_get_output_stream (G_IO_STREAM (pc->conn));
}

static gboolean send_piece (gpointer data);

static void
wrote_piece_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  PeerConn *pc = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      peer_conn_free (pc);
      return;
    }
  if (pc->peer->mode == PEER_ENDLESS)
    {
      send_piece (pc);
      return;
    }
  if (++pc->piece <= 7)
    g_timeout_add (15, send_piece, pc);
  else
    peer_conn_free (pc);
}

static gboolean
send_piece (gpointer data)
{
  PeerConn *pc = data;
  static char block[8192];
  gsize len = sizeof reply_text;      /* includes the NUL */
  gsize chunk = (len + 6) / 7;
  gsize start = (pc->piece - 1) * chunk;

  if (pc->peer->mode == PEER_ENDLESS)
    {
      memset (block, ' ', sizeof block);
      block[0] = '{';
      g_output_stream_write_all_async (out_of (pc), block, sizeof block, G_PRIORITY_DEFAULT,
                                       NULL, wrote_piece_cb, pc);
      return G_SOURCE_REMOVE;
    }
  if (start >= len)
    {
      peer_conn_free (pc);
      return G_SOURCE_REMOVE;
    }
  g_output_stream_write_all_async (out_of (pc), reply_text + start, MIN (chunk, len - start),
                                   G_PRIORITY_DEFAULT, NULL, wrote_piece_cb, pc);
  return G_SOURCE_REMOVE;
}

static void
wrote_all_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  PeerConn *pc = data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  if (pc->peer->mode == PEER_NUL_NO_CLOSE)
    {
      /* Keep it open: the client must stop at the NUL by itself. */
      g_ptr_array_add (pc->peer->held, g_object_ref (pc->conn));
    }
  peer_conn_free (pc);
}

static gboolean
answer_cb (gpointer data)
{
  PeerConn *pc = data;
  const char *text = reply_text;
  gsize len = sizeof reply_text;
  static const char garbage[] = "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03GET / HTTP";
  static const char down[] = "Socket connect failed: Connection refused\n";

  switch (pc->peer->mode)
    {
    case PEER_SPLIT:
    case PEER_ENDLESS:
      pc->piece = 1;
      send_piece (pc);
      return G_SOURCE_REMOVE;
    case PEER_NO_NUL:
      len = strlen (reply_text);
      break;
    case PEER_GARBAGE:
      text = garbage;
      len = sizeof garbage - 1;
      break;
    case PEER_DAEMON_DOWN:
      text = down;
      len = strlen (down);
      break;
    default:
      break;
    }
  g_output_stream_write_all_async (out_of (pc), text, len, G_PRIORITY_DEFAULT, NULL,
                                   wrote_all_cb, pc);
  return G_SOURCE_REMOVE;
}

static void
read_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  PeerConn *pc = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      peer_conn_free (pc);
      return;
    }
  if (memchr (pc->buf, '}', (gsize) n) == NULL)
    {
      g_input_stream_read_async (G_INPUT_STREAM (source), pc->buf, sizeof pc->buf,
                                 G_PRIORITY_DEFAULT, NULL, read_cb, pc);
      return;
    }
  if (pc->peer->mode == PEER_HANG)
    {
      /* Read on, so a client that gives up closes us; never answer. */
      g_input_stream_read_async (G_INPUT_STREAM (source), pc->buf, sizeof pc->buf,
                                 G_PRIORITY_DEFAULT, NULL, read_cb, pc);
      return;
    }
  if (pc->peer->mode == PEER_SLOW_OK)
    g_timeout_add (30, answer_cb, pc);
  else
    answer_cb (pc);
}

static gboolean
incoming_cb (GSocketService *service, GSocketConnection *conn, GObject *src, gpointer data)
{
  Peer *peer = data;
  PeerConn *pc = g_new0 (PeerConn, 1);

  pc->peer = peer;
  pc->conn = g_object_ref (conn);
  peer->open++;
  peer->max_open = MAX (peer->max_open, peer->open);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (conn)), pc->buf,
                             sizeof pc->buf, G_PRIORITY_DEFAULT, NULL, read_cb, pc);
  return TRUE;
}

static Peer *
peer_new (PeerMode mode)
{
  Peer *peer = g_new0 (Peer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  peer->mode = mode;
  peer->held = g_ptr_array_new_with_free_func (g_object_unref);
  peer->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (peer->service), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  peer->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (peer->service, "incoming", G_CALLBACK (incoming_cb), peer);
  g_socket_service_start (peer->service);
  return peer;
}

static void
peer_free (Peer *peer)
{
  g_socket_service_stop (peer->service);
  g_socket_listener_close (G_SOCKET_LISTENER (peer->service));
  g_object_unref (peer->service);
  g_ptr_array_set_size (peer->held, 0);
  peer->dead = TRUE;
  if (peer->open == 0)
    peer_destroy (peer);
}

typedef struct
{
  gboolean    done;
  JsonObject *reply;
  GError     *error;
  gint64      elapsed_us;
  gint64      started;
} Result;

static void
request_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Result *res = data;

  res->reply = hf_cgminer_request_finish (result, &res->error);
  res->elapsed_us = g_get_monotonic_time () - res->started;
  res->done = TRUE;
}

static void
run_request (Peer         *peer,
             HfConfig     *config,
             GCancellable *cancellable,
             HfCgminerFlags flags,
             Result       *res)
{
  memset (res, 0, sizeof *res);
  res->started = g_get_monotonic_time ();
  hf_cgminer_command_async ("127.0.0.1", peer->port, "summary", NULL, flags, config,
                            hf_config_deadline (config), cancellable, request_cb, res);
}

static void
result_clear (Result *res)
{
  g_clear_pointer (&res->reply, json_object_unref);
  g_clear_error (&res->error);
}

static void
assert_summary (JsonObject *reply)
{
  g_assert_nonnull (reply);
  g_assert_cmpfloat (hf_json_number (hf_json_array_object (reply, "SUMMARY", 0), "Elapsed"),
                     ==, 42);
}

static void
test_split_reads (void)
{
  Peer *peer = peer_new (PEER_SPLIT);
  g_autoptr(HfConfig) config = hf_config_new ();
  Result res;

  run_request (peer, config, NULL, HF_CGMINER_NONE, &res);
  hf_test_wait_for (&res.done, 5000);
  g_assert_no_error (res.error);
  assert_summary (res.reply);
  /* Seven pieces 15 ms apart: it did wait for all of them. */
  g_assert_cmpint (res.elapsed_us, >=, 80 * 1000);
  result_clear (&res);
  peer_free (peer);
}

static void
test_no_nul (void)
{
  Peer *peer = peer_new (PEER_NO_NUL);
  g_autoptr(HfConfig) config = hf_config_new ();
  Result res;

  run_request (peer, config, NULL, HF_CGMINER_NONE, &res);
  hf_test_wait_for (&res.done, 5000);
  g_assert_no_error (res.error);
  assert_summary (res.reply);
  result_clear (&res);
  peer_free (peer);
}

static void
test_nul_without_close (void)
{
  Peer *peer = peer_new (PEER_NUL_NO_CLOSE);
  g_autoptr(HfConfig) config = hf_config_new ();
  Result res;

  config->timeout_ms = 2000;
  run_request (peer, config, NULL, HF_CGMINER_NONE, &res);
  hf_test_wait_for (&res.done, 5000);
  g_assert_no_error (res.error);
  assert_summary (res.reply);
  /* Finished at the NUL, long before the deadline. */
  g_assert_cmpint (res.elapsed_us, <, 1000 * 1000);
  result_clear (&res);
  peer_free (peer);
}

static void
test_oversize (void)
{
  Peer *peer = peer_new (PEER_ENDLESS);
  g_autoptr(HfConfig) config = hf_config_new ();
  gsize rss_before, rss_after = 0;
  Result res;

  config->max_reply_bytes = 1024 * 1024;
  /* Warm up once, then measure: memory must not grow with each endless reply. */
  run_request (peer, config, NULL, HF_CGMINER_NONE, &res);
  hf_test_wait_for (&res.done, 10000);
  g_assert_error (res.error, HF_ERROR, HF_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (res.error->message, "larger than 1048576 bytes"));
  result_clear (&res);

  rss_before = hf_process_rss_kib ();
  for (guint i = 0; i < 20; i++)
    {
      run_request (peer, config, NULL, HF_CGMINER_NONE, &res);
      hf_test_wait_for (&res.done, 10000);
      g_assert_error (res.error, HF_ERROR, HF_ERROR_TOO_LARGE);
      result_clear (&res);
    }
  rss_after = hf_process_rss_kib ();
  g_test_message ("RSS before %" G_GSIZE_FORMAT " KiB, after 20 endless replies %"
                  G_GSIZE_FORMAT " KiB", rss_before, rss_after);
  /* 20 × 1 MiB read and dropped: less than 4 MiB of growth in all.
   * (AddressSanitizer keeps freed memory in quarantine: there, the
   * sanitizer checks the memory, not RSS.) */
#ifndef __SANITIZE_ADDRESS__
  g_assert_cmpuint (rss_after, <, rss_before + 4096);
#endif
  peer_free (peer);
}

static void
test_hang_times_out (void)
{
  Peer *peer = peer_new (PEER_HANG);
  g_autoptr(HfConfig) config = hf_config_new ();
  Result res;

  config->timeout_ms = 500;
  run_request (peer, config, NULL, HF_CGMINER_NONE, &res);
  hf_test_wait_for (&res.done, 5000);
  g_assert_error (res.error, HF_ERROR, HF_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (res.error->message, "reading the reply"));
  g_test_message ("hung peer: error after %" G_GINT64_FORMAT " ms (deadline 500 ms)",
                  res.elapsed_us / 1000);
  /* Within the deadline + 10 %, and not early. */
  g_assert_cmpint (res.elapsed_us, >=, 490 * 1000);
  g_assert_cmpint (res.elapsed_us, <=, 550 * 1000);
  result_clear (&res);
  peer_free (peer);
}

static void
test_cancel (void)
{
  Peer *peer = peer_new (PEER_HANG);
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result res;
  gint64 cancelled_at;

  run_request (peer, config, cancellable, HF_CGMINER_NONE, &res);
  /* Let it connect and wait, then cancel. */
  while (peer->open == 0)
    g_main_context_iteration (NULL, TRUE);
  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  hf_test_wait_for (&res.done, 2000);
  g_assert_error (res.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (res.started + res.elapsed_us - cancelled_at, <, 100 * 1000);
  result_clear (&res);
  peer_free (peer);
}

static void
test_garbage (void)
{
  Peer *peer = peer_new (PEER_GARBAGE);
  g_autoptr(HfConfig) config = hf_config_new ();
  Result res;

  run_request (peer, config, NULL, HF_CGMINER_NONE, &res);
  hf_test_wait_for (&res.done, 5000);
  g_assert_error (res.error, HF_ERROR, HF_ERROR_PARSE);
  g_assert_nonnull (strstr (res.error->message, "not JSON"));
  result_clear (&res);
  peer_free (peer);
}

static void
test_daemon_down (void)
{
  Peer *peer = peer_new (PEER_DAEMON_DOWN);
  g_autoptr(HfConfig) config = hf_config_new ();
  Result res;

  run_request (peer, config, NULL, HF_CGMINER_NONE, &res);
  hf_test_wait_for (&res.done, 5000);
  g_assert_error (res.error, HF_ERROR, HF_ERROR_DAEMON_DOWN);
  result_clear (&res);
  peer_free (peer);
}

static void
test_refused (void)
{
  Peer *peer = peer_new (PEER_HANG);
  g_autoptr(HfConfig) config = hf_config_new ();
  guint16 port = peer->port;
  Result res;

  peer_free (peer);        /* nothing listens there now */
  memset (&res, 0, sizeof res);
  res.started = g_get_monotonic_time ();
  hf_cgminer_command_async ("127.0.0.1", port, "summary", NULL, HF_CGMINER_NONE, config,
                            hf_config_deadline (config), NULL, request_cb, &res);
  hf_test_wait_for (&res.done, 5000);
  /* Refused, told by its code (the message is in the user's language). */
  g_assert_error (res.error, HF_ERROR, HF_ERROR_REFUSED);
  g_assert_true (hf_error_is_connect (res.error));
  result_clear (&res);
}

static void
wait_all (Result *res,
          guint   n)
{
  gboolean all;

  do
    {
      g_main_context_iteration (NULL, TRUE);
      all = TRUE;
      for (guint i = 0; i < n; i++)
        all = all && res[i].done;
    }
  while (!all);
}

/* HF_CGMINER_EXCLUSIVE: never two connections at once to one host:port. */
static void
test_exclusive (void)
{
  Peer *peer = peer_new (PEER_SLOW_OK);
  g_autoptr(HfConfig) config = hf_config_new ();
  Result res[5];

  for (guint i = 0; i < G_N_ELEMENTS (res); i++)
    run_request (peer, config, NULL, HF_CGMINER_EXCLUSIVE, &res[i]);
  wait_all (res, G_N_ELEMENTS (res));
  for (guint i = 0; i < G_N_ELEMENTS (res); i++)
    {
      g_assert_no_error (res[i].error);
      assert_summary (res[i].reply);
      result_clear (&res[i]);
    }
  g_assert_cmpuint (peer->max_open, ==, 1);

  /* The same five without the flag do overlap: the check can fail. */
  peer->max_open = 0;
  for (guint i = 0; i < G_N_ELEMENTS (res); i++)
    run_request (peer, config, NULL, HF_CGMINER_NONE, &res[i]);
  wait_all (res, G_N_ELEMENTS (res));
  for (guint i = 0; i < G_N_ELEMENTS (res); i++)
    result_clear (&res[i]);
  g_assert_cmpuint (peer->max_open, >, 1);
  peer_free (peer);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/framing/split-reads", test_split_reads);
  g_test_add_func ("/framing/no-nul", test_no_nul);
  g_test_add_func ("/framing/nul-without-close", test_nul_without_close);
  g_test_add_func ("/framing/oversize", test_oversize);
  g_test_add_func ("/framing/hang-times-out", test_hang_times_out);
  g_test_add_func ("/framing/cancel", test_cancel);
  g_test_add_func ("/framing/garbage", test_garbage);
  g_test_add_func ("/framing/daemon-down", test_daemon_down);
  g_test_add_func ("/framing/refused", test_refused);
  g_test_add_func ("/framing/exclusive", test_exclusive);

  return g_test_run ();
}
