/* hf-cgminer-client.c
 * SPDX-License-Identifier: MIT
 *
 * cgminer answers one request per connection: write the JSON, read until
 * the server closes (or sends its terminating NUL), then parse.
 *
 * The request runs on a bare non-blocking GSocket with one HfSocketMuxWatch
 * at a time (hf-socket-mux.h): it waits for the fd until the current phase's
 * deadline (connect, write, read); cancelling makes it expire at once.
 * GSocketClient and the stream API cost four or five GSources per
 * request, and with a hundred requests in flight the main loop spent a
 * third of its time walking them; a GSource per wait still woke the loop
 * about nine times per request.  Nothing here blocks.
 */

#include <string.h>

#include "hf-json.h"
#include "hf-cgminer-client.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-limits.h"
#include "hf-socket-mux.h"

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
  char              *host;
  guint16            port;
  char              *peer;
  char              *request;
  gsize              written;
  HfCgminerFlags     flags;
  gsize              max_bytes;
  guint              connect_ms;
  gint64             deadline_us;
  GSocket           *socket;
  HfSocketMuxWatch  *watch;        /* the one wait of this request */
  GCancellable      *cancellable;
  gulong             cancel_handler;
  Phase              phase;
  gint64             phase_end;
  gint64             phase_ms;
  GByteArray        *reply;
  guint8            *chunk;
  char              *exclusive_key;
  /* Where the reply's top-level object stands, scanned as bytes arrive. */
  int                depth;
  gboolean           in_string;
  gboolean           escaped;
  gboolean           root_seen;
  gboolean           root_is_object;
  gboolean           complete;
} Request;

/* host:port → GQueue of GTasks waiting for their turn (HF_CGMINER_EXCLUSIVE).
 * The core runs on one main context, so a plain table is enough. */
static GHashTable *exclusive_queues;

static void request_start (GTask *task);
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
  g_free (r->request);
  g_clear_pointer (&r->reply, g_byte_array_unref);
  g_free (r->chunk);
  g_free (r->exclusive_key);
  g_clear_object (&r->cancellable);
  g_free (r);
}

static gboolean
start_next_cb (gpointer data)
{
  request_start (G_TASK (data));
  return G_SOURCE_REMOVE;
}

/* Hand the host:port to the next waiting request, if any. */
static void
exclusive_release (Request *r)
{
  GQueue *queue;
  GTask *next;

  if (r->exclusive_key == NULL || exclusive_queues == NULL)
    return;
  queue = g_hash_table_lookup (exclusive_queues, r->exclusive_key);
  if (queue == NULL)
    return;
  next = g_queue_pop_head (queue);
  if (next == NULL)
    {
      g_hash_table_remove (exclusive_queues, r->exclusive_key);
      return;
    }
  /* The queued reference passes to the request it starts. */
  g_idle_add (start_next_cb, next);
}

static void
request_fail (GTask  *task,
              GError *error)
{
  Request *r = g_task_get_task_data (task);

  close_socket (r);
  exclusive_release (r);
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
  exclusive_release (r);

  /* Accepted and closed without a byte: a miner that is rebooting, or an
   * API that refuses us — nothing answered. */
  if (r->reply->len == 0)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_CONNECT,
                               "%s closed the connection without answering", r->peer);
      g_object_unref (task);
      return;
    }

  reply = hf_cgminer_parse_reply ((const char *) r->reply->data, r->reply->len, &error);
  if (reply != NULL && !(r->flags & HF_CGMINER_NO_STATUS_CHECK)
      && json_object_has_member (reply, "STATUS")
      && !hf_cgminer_check_status (reply, &error))
    g_clear_pointer (&reply, json_object_unref);

  if (reply == NULL)
    {
      g_prefix_error (&error, "%s: ", r->peer);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_object_unref);
  g_object_unref (task);
}

/* Follow the bytes of @data as JSON text.  A reply that starts with '{'
 * is complete when that object closes: a peer that keeps the connection
 * open afterwards (no NUL, no close) need not cost the whole deadline.
 * Replies that do not start with '{' (Avalon's leading ',') end at NUL or
 * EOF as usual. */
static void
scan_reply (Request      *r,
            const guint8 *data,
            gsize         len)
{
  for (gsize i = 0; i < len && !r->complete; i++)
    {
      guint8 c = data[i];

      if (r->in_string)
        {
          if (r->escaped)
            r->escaped = FALSE;
          else if (c == '\\')
            r->escaped = TRUE;
          else if (c == '"')
            r->in_string = FALSE;
          continue;
        }
      if (!r->root_seen && !g_ascii_isspace (c))
        {
          r->root_seen = TRUE;
          r->root_is_object = c == '{';
        }
      if (c == '"')
        r->in_string = TRUE;
      else if (c == '{' || c == '[')
        r->depth++;
      else if (c == '}' || c == ']')
        {
          r->depth--;
          if (r->depth == 0 && r->root_is_object)
            r->complete = TRUE;
        }
    }
}

static void
socket_ready_cb (GIOCondition condition,
                 gboolean     timed_out,
                 gpointer     user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);

  r->watch = NULL;   /* it ended by calling this */

  if (g_task_return_error_if_cancelled (task))
    {
      close_socket (r);
      exclusive_release (r);
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

/* Cancelled: the wait, if any, ends at once and socket_ready_cb returns
 * the cancellation.  On the main context's thread directly; from another
 * thread through the context. */
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

/* Wait for @condition on the socket until the current phase's end. */
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

/* Advance as far as the socket allows without blocking, then wait. */
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
      gsize len = strlen (r->request);

      while (r->written < len)
        {
          gssize n = g_socket_send (r->socket, r->request + r->written, len - r->written,
                                    NULL, &error);
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

  for (;;)
    {
      gssize n = g_socket_receive (r->socket, (char *) r->chunk, HF_READ_CHUNK_BYTES, NULL,
                                   &error);
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
          request_done (task);
          return;
        }
      if (r->reply->len + (gsize) n > r->max_bytes)
        {
          request_fail (task, g_error_new (HF_ERROR, HF_ERROR_TOO_LARGE,
                                           "%s: reply larger than %" G_GSIZE_FORMAT " bytes",
                                           r->peer, r->max_bytes));
          return;
        }
      scan_reply (r, r->chunk, (gsize) n);
      g_byte_array_append (r->reply, r->chunk, (guint) n);
      /* cgminer ends its reply with a NUL and then closes; don't wait for
       * the close when the terminator, or the end of the object, is here. */
      if (memchr (r->chunk, '\0', (gsize) n) != NULL || r->complete)
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

static void
request_start (GTask *task)
{
  Request *r = g_task_get_task_data (task);
  g_autoptr(GInetAddress) inet = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      exclusive_release (r);
      g_object_unref (task);
      return;
    }

  /* Miners are addressed by IP; a host name (rare) is resolved first. */
  inet = g_inet_address_new_from_string (r->host);
  if (inet != NULL)
    connect_to (task, inet);
  else
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      g_resolver_lookup_by_name_async (resolver, r->host, g_task_get_cancellable (task),
                                       resolved_cb, task);
    }
}

void
hf_cgminer_request_async (const char          *host,
                          guint16              port,
                          const char          *request,
                          HfCgminerFlags       flags,
                          const HfConfig      *config,
                          gint64               deadline_us,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  Request *r;

  g_return_if_fail (host != NULL);
  g_return_if_fail (request != NULL);
  g_return_if_fail (config != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_cgminer_request_async);
  g_task_set_name (task, "hf_cgminer_request");

  r = g_new0 (Request, 1);
  r->host = g_strdup (host);
  r->port = port;
  r->peer = strchr (host, ':') ? g_strdup_printf ("[%s]:%u", host, port)
                               : g_strdup_printf ("%s:%u", host, port);
  r->request = g_strdup (request);
  r->flags = flags;
  r->max_bytes = config->max_reply_bytes;
  r->connect_ms = config->connect_timeout_ms;
  r->deadline_us = deadline_us;
  r->reply = g_byte_array_new ();
  r->chunk = g_malloc (HF_READ_CHUNK_BYTES);
  g_task_set_task_data (task, r, request_free);
  if (cancellable != NULL)
    {
      r->cancellable = g_object_ref (cancellable);
      r->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), task,
                                                 NULL);
    }

  if (flags & HF_CGMINER_EXCLUSIVE)
    {
      GQueue *queue;

      if (exclusive_queues == NULL)
        exclusive_queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) g_queue_free);
      r->exclusive_key = g_strdup (r->peer);
      queue = g_hash_table_lookup (exclusive_queues, r->exclusive_key);
      if (queue != NULL)
        {
          g_debug ("%s busy, queueing %s", r->peer, request);
          g_queue_push_tail (queue, task);
          return;
        }
      g_hash_table_insert (exclusive_queues, g_strdup (r->exclusive_key), g_queue_new ());
    }

  request_start (task);
}

JsonObject *
hf_cgminer_request_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
hf_cgminer_build_request (const char *command,
                          const char *parameter)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "command");
  json_builder_add_string_value (builder, command);
  if (parameter != NULL)
    {
      json_builder_set_member_name (builder, "parameter");
      json_builder_add_string_value (builder, parameter);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

void
hf_cgminer_command_async (const char          *host,
                          guint16              port,
                          const char          *command,
                          const char          *parameter,
                          HfCgminerFlags       flags,
                          const HfConfig      *config,
                          gint64               deadline_us,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autofree char *request = hf_cgminer_build_request (command, parameter);

  hf_cgminer_request_async (host, port, request, flags, config, deadline_us,
                            cancellable, callback, user_data);
}

typedef struct
{
  char           *host;
  guint16         port;
  GStrv           commands;
  guint           next;
  HfCgminerFlags  flags;
  HfConfig       *config;
  gint64          deadline_us;
  GPtrArray      *replies;
} Batch;

static void
batch_free (gpointer data)
{
  Batch *b = data;

  g_free (b->host);
  g_strfreev (b->commands);
  hf_config_unref (b->config);
  g_ptr_array_unref (b->replies);
  g_free (b);
}

static void batch_step (GTask *task);

static void
batch_reply_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Batch *b = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  JsonObject *reply;
  gboolean optional = b->commands[b->next][0] == '?';

  reply = hf_cgminer_request_finish (result, &error);
  if (reply == NULL && (!optional || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                        || g_error_matches (error, HF_ERROR, HF_ERROR_TIMEOUT)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reply == NULL)
    g_debug ("optional command %s failed: %s", b->commands[b->next], error->message);
  g_ptr_array_add (b->replies, reply);
  b->next++;
  batch_step (g_steal_pointer (&task));
}

static void
batch_step (GTask *task)
{
  Batch *b = g_task_get_task_data (task);
  const char *entry;
  g_auto(GStrv) parts = NULL;
  g_autofree char *request = NULL;

  if (b->commands[b->next] == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_ref (b->replies),
                             (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  entry = b->commands[b->next];
  if (entry[0] == '?')
    entry++;
  parts = g_strsplit (entry[0] == '@' ? entry + 1 : entry, "|", 2);
  if (entry[0] == '@')
    request = g_strdup_printf ("{\"cmd\":\"%s\"}", parts[0]);
  else
    request = hf_cgminer_build_request (parts[0], parts[1]);
  hf_cgminer_request_async (b->host, b->port, request, b->flags, b->config, b->deadline_us,
                            g_task_get_cancellable (task), batch_reply_cb, task);
}

void
hf_cgminer_commands_async (const char          *host,
                           guint16              port,
                           const char * const  *commands,
                           HfCgminerFlags       flags,
                           const HfConfig      *config,
                           gint64               deadline_us,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  Batch *b;

  g_return_if_fail (host != NULL && commands != NULL && config != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_cgminer_commands_async);
  g_task_set_name (task, "hf_cgminer_commands");
  b = g_new0 (Batch, 1);
  b->host = g_strdup (host);
  b->port = port;
  b->commands = g_strdupv ((GStrv) commands);
  b->flags = flags;
  b->config = hf_config_copy (config);
  b->deadline_us = deadline_us;
  b->replies = g_ptr_array_new_with_free_func (hf_json_object_unref0);
  g_task_set_task_data (task, b, batch_free);
  batch_step (task);
}

GPtrArray *
hf_cgminer_commands_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
