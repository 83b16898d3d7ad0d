/* hf-cgminer-client.c
 * SPDX-License-Identifier: MIT
 *
 * cgminer answers one request per connection: write the JSON, read until
 * the server closes (or sends its terminating NUL), then parse.  Everything
 * is async on the thread-default main context; nothing here blocks.
 */

#include <string.h>

#include "hf-cgminer-client.h"
#include "hf-cgminer-reply.h"
#include "hf-deadline.h"
#include "hf-error.h"
#include "hf-limits.h"

typedef struct
{
  char              *host;
  guint16            port;
  char              *peer;
  char              *request;
  HfCgminerFlags     flags;
  gsize              max_bytes;
  guint              connect_ms;
  gint64             deadline_us;
  HfDeadline        *deadline;
  GSocketConnection *connection;
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

static void
request_free (gpointer data)
{
  Request *r = data;

  g_free (r->host);
  g_free (r->peer);
  g_free (r->request);
  g_clear_pointer (&r->deadline, hf_deadline_free);
  if (r->connection != NULL)
    g_io_stream_close (G_IO_STREAM (r->connection), NULL, NULL);
  g_clear_object (&r->connection);
  g_clear_pointer (&r->reply, g_byte_array_unref);
  g_free (r->chunk);
  g_free (r->exclusive_key);
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

  error = hf_deadline_propagate (r->deadline, error);
  if (r->connection != NULL)
    g_io_stream_close (G_IO_STREAM (r->connection), NULL, NULL);
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

  hf_deadline_end (r->deadline);
  g_io_stream_close (G_IO_STREAM (r->connection), NULL, NULL);
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

static void read_next (GTask *task);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      request_fail (task, error);
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

  /* cgminer ends its reply with a NUL and then closes; don't wait for the
   * close when the terminator, or the end of the object, is already here. */
  if (memchr (r->chunk, '\0', (gsize) n) != NULL || r->complete)
    {
      request_done (task);
      return;
    }
  read_next (task);
}

static void
read_next (GTask *task)
{
  Request *r = g_task_get_task_data (task);
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (r->connection));

  g_input_stream_read_async (in, r->chunk, HF_READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                             hf_deadline_get_cancellable (r->deadline), read_cb, task);
}

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      request_fail (task, error);
      return;
    }
  hf_deadline_begin (r->deadline, "reading the reply from", NULL, 0);
  read_next (task);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);
  GError *error = NULL;
  GOutputStream *out;

  r->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (r->connection == NULL)
    {
      if (!hf_deadline_expired (r->deadline)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GError *wrapped = g_error_new (HF_ERROR, HF_ERROR_CONNECT, "%s: %s",
                                         r->peer, error->message);
          g_error_free (error);
          error = wrapped;
        }
      request_fail (task, error);
      return;
    }

  hf_deadline_begin (r->deadline, "sending the request to", NULL, 0);
  out = g_io_stream_get_output_stream (G_IO_STREAM (r->connection));
  g_output_stream_write_all_async (out, r->request, strlen (r->request), G_PRIORITY_DEFAULT,
                                   hf_deadline_get_cancellable (r->deadline), write_cb, task);
}

static void
request_start (GTask *task)
{
  Request *r = g_task_get_task_data (task);
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GInetAddress) inet = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      exclusive_release (r);
      g_object_unref (task);
      return;
    }

  r->deadline = hf_deadline_new (g_task_get_cancellable (task), r->deadline_us);
  hf_deadline_begin (r->deadline, "connecting to", r->peer, r->connect_ms);

  inet = g_inet_address_new_from_string (r->host);
  if (inet != NULL)
    connectable = G_SOCKET_CONNECTABLE (g_inet_socket_address_new (inet, r->port));
  else
    connectable = g_network_address_new (r->host, r->port);

  client = g_socket_client_new ();
  /* Miners are on the LAN: a desktop proxy setting must not reroute them. */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_async (client, connectable,
                                 hf_deadline_get_cancellable (r->deadline), connect_cb, task);
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
json_object_unref0 (gpointer data)
{
  if (data != NULL)
    json_object_unref (data);
}

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
  b->replies = g_ptr_array_new_with_free_func (json_object_unref0);
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
