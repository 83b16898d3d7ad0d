/* fuzz-http.c — any bytes as a miner's whole HTTP answer (status line,
 * headers, body), through libsoup and Hashfleet's capped body reading, then
 * parsed as an AxeOS reply
 * SPDX-License-Identifier: MIT
 *
 * A thread serves the current input on a loopback socket to every
 * connection; each execution is one real hf_http_request_async() to it.
 * An odd first byte sends credentials, so answers with 401 challenges go
 * through the authentication handler too (Digest answered, others refused).
 */
#include <stdint.h>
#include <string.h>

#include "hf-axeos-parse.h"
#include "hf-config.h"
#include "hf-http.h"
#include "hf-json.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static GMutex lock;
static GBytes *answer;
static guint16 port;
static HfConfig *config;

static gpointer
serve (gpointer data)
{
  GSocket *listener = data;

  for (;;)
    {
      g_autoptr(GSocket) peer = g_socket_accept (listener, NULL, NULL);
      g_autoptr(GBytes) reply = NULL;
      char request[8192];
      gsize got = 0;

      if (peer == NULL)
        continue;
      g_socket_set_timeout (peer, 2);
      /* The request's head, so the client is not reset mid-send. */
      while (got < sizeof request - 1)
        {
          gssize n = g_socket_receive (peer, request + got, sizeof request - 1 - got, NULL, NULL);
          if (n <= 0)
            break;
          got += (gsize) n;
          request[got] = '\0';
          if (strstr (request, "\r\n\r\n") != NULL)
            break;
        }
      g_mutex_lock (&lock);
      reply = answer ? g_bytes_ref (answer) : g_bytes_new_static ("", 0);
      g_mutex_unlock (&lock);
      {
        const char *p = g_bytes_get_data (reply, NULL);
        gsize left = g_bytes_get_size (reply);

        while (left > 0)
          {
            gssize n = g_socket_send (peer, p, left, NULL, NULL);
            if (n <= 0)
              break;
            p += n;
            left -= (gsize) n;
          }
      }
      g_socket_shutdown (peer, FALSE, TRUE, NULL);
      g_socket_close (peer, NULL);
    }
  return NULL;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  GSocket *listener;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  if (listener == NULL || !g_socket_bind (listener, any, TRUE, NULL)
      || !g_socket_listen (listener, NULL))
    g_error ("cannot listen on loopback");
  bound = g_socket_get_local_address (listener, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_thread_unref (g_thread_new ("fuzz-http-server", serve, listener));

  config = hf_config_new ();
  config->max_reply_bytes = 64 * 1024;     /* small cap: the over-cap paths are hit */
  config->connect_timeout_ms = 1000;
  return 0;
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GBytes **body = user_data;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  *body = hf_http_request_finish (result, &status, &error);
  if (*body == NULL)
    *body = g_bytes_new_static ("", 0);    /* an error: done */
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) info = NULL;
  gboolean auth = size > 0 && (data[0] & 1);

  g_mutex_lock (&lock);
  g_clear_pointer (&answer, g_bytes_unref);
  answer = g_bytes_new (data, size);
  g_mutex_unlock (&lock);

  hf_http_request_async ("GET", "127.0.0.1", port, "/api/system/info", NULL,
                         auth ? "root" : NULL, auth ? "root" : NULL, config,
                         g_get_monotonic_time () + 2 * G_USEC_PER_SEC, NULL, done_cb, &body);
  while (body == NULL)
    g_main_context_iteration (NULL, TRUE);

  info = hf_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  if (info != NULL)
    {
      g_autoptr(HfMiner) miner = hf_miner_new ("127.0.0.1", HF_FAMILY_AXEOS);

      hf_axeos_parse_identity (info, info, miner, NULL);
      hf_reading_free (hf_axeos_parse_reading (info, NULL));
    }
  return 0;
}
