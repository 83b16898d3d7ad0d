/* hf-whatsminer-v3-client.c
 * SPDX-License-Identifier: MIT
 *
 * One connection per request, as hf-cgminer-client.c does it: a bare
 * non-blocking GSocket, one HfSocketMuxWatch at a time, each phase
 * (connect, write, read) with its deadline; cancelling ends the wait at
 * once.  The reader reads in chunks until it has the frame's header, then
 * no more than the length it announced — refused before a byte of it is
 * read when it is over the cap.  Heartbeats (empty frames) are capped, the
 * deadline is checked between reads, and each turn of the main loop reads
 * at most READ_BUDGET_BYTES: a peer that floods cannot hold the loop.
 */

#include <string.h>

#include "hf-error.h"
#include "hf-limits.h"
#include "hf-socket-mux.h"
#include "hf-whatsminer-v3-client.h"
#include "hf-whatsminer-v3-reply.h"

/* Read at most this much per turn of the main loop. */
#define READ_BUDGET_BYTES (4 * HF_READ_CHUNK_BYTES)

typedef enum
{
  PHASE_CONNECT,
  PHASE_WRITE,
  PHASE_READ,
} Phase;

static const char *const phase_names[] = {
  [PHASE_CONNECT] = "connecting to",
  [PHASE_WRITE] = "sending the request to",
  [PHASE_READ] = "reading the reply from",
};

typedef struct
{
  char                *host;
  guint16              port;
  char                *peer;
  GBytes              *request;
  gsize                written;
  guint                connect_ms;
  gint64               deadline_us;
  GSocket             *socket;
  HfSocketMuxWatch    *watch;
  GCancellable        *cancellable;
  gulong               cancel_handler;
  Phase                phase;
  gint64               phase_end;
  gint64               phase_ms;
  HfWhatsminerV3Frame  frame;
  guint8              *chunk;
} Request;

static void step (GTask *task);

static void
close_socket (Request *r)
{
  if (r->cancel_handler != 0)
    {
      g_cancellable_disconnect (r->cancellable, r->cancel_handler);
      r->cancel_handler = 0;
    }
  g_clear_pointer (&r->watch, hf_socket_mux_watch_cancel);
  if (r->socket != NULL)
    {
      g_socket_close (r->socket, NULL);
      g_clear_object (&r->socket);
    }
}

static void
request_free (gpointer data)
{
  Request *r = data;

  close_socket (r);
  g_free (r->host);
  g_free (r->peer);
  g_clear_pointer (&r->request, g_bytes_unref);
  hf_whatsminer_v3_frame_clear (&r->frame);
  g_free (r->chunk);
  g_clear_object (&r->cancellable);
  g_free (r);
}

static void
request_fail (GTask  *task,
              GError *error)
{
  Request *r = g_task_get_task_data (task);

  close_socket (r);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
request_done (GTask *task)
{
  Request *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  close_socket (r);
  reply = hf_whatsminer_v3_parse_reply ((const char *) r->frame.body->data, r->frame.body->len,
                                        &error);
  if (reply == NULL)
    {
      g_prefix_error (&error, "%s: ", r->peer);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_object_unref);
  g_object_unref (task);
}

static void
socket_ready_cb (GIOCondition condition,
                 gboolean     timed_out,
                 gpointer     user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);

  r->watch = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      close_socket (r);
      g_object_unref (task);
      return;
    }
  if (timed_out && g_get_monotonic_time () >= r->phase_end)
    {
      request_fail (task, g_error_new (HF_ERROR, HF_ERROR_TIMEOUT, "%s %s timed out after %"
                                       G_GINT64_FORMAT " ms", phase_names[r->phase], r->peer,
                                       r->phase_ms));
      return;
    }
  step (task);
}

static gboolean
expire_cb (gpointer user_data)
{
  Request *r = g_task_get_task_data (G_TASK (user_data));

  if (r->watch != NULL)
    hf_socket_mux_watch_expire (r->watch);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  GMainContext *context = g_task_get_context (task);

  if (g_main_context_is_owner (context))
    expire_cb (task);
  else
    g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, expire_cb, g_object_ref (task),
                                g_object_unref);
}

static void
wait_for (GTask        *task,
          GIOCondition  condition)
{
  Request *r = g_task_get_task_data (task);

  r->watch = hf_socket_mux_watch (g_task_get_context (task), g_socket_get_fd (r->socket),
                                  condition, g_cancellable_is_cancelled (r->cancellable)
                                             ? 0 : r->phase_end,
                                  socket_ready_cb, task);
}

static void
begin_phase (Request *r,
             Phase    phase)
{
  gint64 now = g_get_monotonic_time ();

  r->phase = phase;
  r->phase_end = r->deadline_us;
  if (phase == PHASE_CONNECT)
    r->phase_end = MIN (r->phase_end, now + (gint64) r->connect_ms * 1000);
  r->phase_ms = MAX (0, (r->phase_end - now) / 1000);
}

static void
step (GTask *task)
{
  Request *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (r->phase == PHASE_CONNECT)
    {
      if (!g_socket_check_connect_result (r->socket, &error))
        {
          request_fail (task, hf_error_new_connect (r->peer, error));
          return;
        }
      begin_phase (r, PHASE_WRITE);
    }

  if (r->phase == PHASE_WRITE)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (r->request, &len);

      while (r->written < len)
        {
          gssize n = g_socket_send (r->socket, data + r->written, len - r->written, NULL, &error);
          if (n < 0)
            {
              if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                {
                  wait_for (task, G_IO_OUT);
                  return;
                }
              request_fail (task, hf_error_new_connect (r->peer, error));
              return;
            }
          r->written += (gsize) n;
        }
      begin_phase (r, PHASE_READ);
    }

  for (gsize budget = 0;;)
    {
      gsize want = hf_whatsminer_v3_frame_want (&r->frame, HF_READ_CHUNK_BYTES);
      gboolean complete = FALSE;
      gssize n;

      /* A peer that sends faster than we read never lets the socket run
       * dry: the deadline is checked here too, and after a budget of bytes
       * the main loop gets its turn (the watch fires again at once). */
      if (g_get_monotonic_time () >= r->phase_end)
        {
          request_fail (task, g_error_new (HF_ERROR, HF_ERROR_TIMEOUT, "%s %s timed out after %"
                                           G_GINT64_FORMAT " ms", phase_names[r->phase],
                                           r->peer, r->phase_ms));
          return;
        }
      if (budget >= READ_BUDGET_BYTES)
        {
          wait_for (task, G_IO_IN);
          return;
        }
      n = g_socket_receive (r->socket, (char *) r->chunk, want, NULL, &error);

      if (n < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              wait_for (task, G_IO_IN);
              return;
            }
          request_fail (task, hf_error_new_connect (r->peer, error));
          return;
        }
      if (n == 0)
        {
          if (r->frame.header_have == 0 && r->frame.body->len == 0)
            request_fail (task, g_error_new (HF_ERROR, HF_ERROR_CONNECT,
                                             "%s closed the connection without answering",
                                             r->peer));
          else
            request_fail (task, g_error_new (HF_ERROR, HF_ERROR_PARSE,
                                             "%s closed the connection in the middle of a "
                                             "reply frame", r->peer));
          return;
        }
      budget += (gsize) n;
      if (!hf_whatsminer_v3_frame_feed (&r->frame, r->chunk, (gsize) n, &complete, &error))
        {
          g_prefix_error (&error, "%s: ", r->peer);
          request_fail (task, g_steal_pointer (&error));
          return;
        }
      if (complete)
        {
          request_done (task);
          return;
        }
    }
}

static void
connect_to (GTask        *task,
            GInetAddress *inet)
{
  Request *r = g_task_get_task_data (task);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, r->port);
  g_autoptr(GError) error = NULL;

  begin_phase (r, PHASE_CONNECT);
  r->socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                            G_SOCKET_PROTOCOL_TCP, &error);
  if (r->socket == NULL)
    {
      request_fail (task, hf_error_new_connect (r->peer, error));
      return;
    }
  g_socket_set_blocking (r->socket, FALSE);
  if (g_socket_connect (r->socket, address, NULL, &error))
    {
      step (task);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    {
      wait_for (task, G_IO_OUT);
      return;
    }
  request_fail (task, hf_error_new_connect (r->peer, error));
}

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (addresses == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        request_fail (task, g_steal_pointer (&error));
      else
        request_fail (task, hf_error_new_connect (r->peer, error));
      return;
    }
  connect_to (task, addresses->data);
  g_resolver_free_addresses (addresses);
}

void
hf_whatsminer_v3_request_async (const char          *host,
                                guint16              port,
                                const char          *request,
                                const HfConfig      *config,
                                gint64               deadline_us,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GInetAddress) inet = NULL;
  GTask *task;
  Request *r;

  g_return_if_fail (host != NULL);
  g_return_if_fail (request != NULL);
  g_return_if_fail (config != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_whatsminer_v3_request_async);
  g_task_set_name (task, "hf_whatsminer_v3_request");

  r = g_new0 (Request, 1);
  r->host = g_strdup (host);
  r->port = port;
  r->peer = strchr (host, ':') ? g_strdup_printf ("[%s]:%u", host, port)
                               : g_strdup_printf ("%s:%u", host, port);
  r->request = hf_whatsminer_v3_frame_encode (request, strlen (request));
  r->connect_ms = config->connect_timeout_ms;
  r->deadline_us = deadline_us;
  hf_whatsminer_v3_frame_init (&r->frame, config->max_reply_bytes);
  r->chunk = g_malloc (HF_READ_CHUNK_BYTES);
  g_task_set_task_data (task, r, request_free);
  if (cancellable != NULL)
    {
      r->cancellable = g_object_ref (cancellable);
      r->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), task,
                                                 NULL);
    }

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  inet = g_inet_address_new_from_string (host);
  if (inet != NULL)
    connect_to (task, inet);
  else
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      g_resolver_lookup_by_name_async (resolver, host, cancellable, resolved_cb, task);
    }
}

JsonObject *
hf_whatsminer_v3_request_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
