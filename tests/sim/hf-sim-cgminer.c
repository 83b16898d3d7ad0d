/* hf-sim-cgminer.c
 * SPDX-License-Identifier: MIT
 *
 * One GSocketService listens on every miner's address; the address a
 * connection arrived on says which miner it talks to.
 */
#include <string.h>
#include <sys/socket.h>

#include <json-glib/json-glib.h>

#include "hf-limits.h"
#include "hf-sim-cgminer.h"
#include "hf-sim-hostile.h"
#include "hf-sim-replies.h"

typedef struct
{
  SimFleet          *fleet;
  SimMiner          *miner;
  GSocketConnection *connection;
  GByteArray        *request;
  guint8             chunk[4096];
  GBytes            *reply;
  gboolean           restart_after;
  gboolean           echo;
  gboolean           counted;
  guint              timer;
} Conn;

static void
conn_close (Conn *c)
{
  g_clear_handle_id (&c->timer, g_source_remove);
  if (c->counted)
    {
      c->miner->connections--;
      c->miner->open_conns = g_list_remove (c->miner->open_conns, c->connection);
    }
  if (c->connection != NULL)       /* NULL: handed to sim_hostile_trickle() */
    {
      g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);
      g_object_unref (c->connection);
    }
  g_byte_array_unref (c->request);
  g_clear_pointer (&c->reply, g_bytes_unref);
  g_free (c);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Conn *c = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  if (c->restart_after)
    sim_miner_restart (c->fleet, c->miner);
  conn_close (c);
}

static void
endless_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Conn *c = user_data;
  static const char filler[] = "{\"STATUS\":[{\"STATUS\":\"S\",\"Msg\":\"";

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      conn_close (c);
      return;
    }
  if (c->reply == NULL)
    {
      /* One 64 KiB block, written again and again until the client leaves. */
      GString *s = g_string_new (filler);
      while (s->len < 65536)
        g_string_append (s, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
      c->reply = g_string_free_to_bytes (s);
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (c->connection)),
                                   g_bytes_get_data (c->reply, NULL),
                                   g_bytes_get_size (c->reply), G_PRIORITY_DEFAULT, NULL,
                                   endless_cb, c);
}

static gboolean
respond_cb (gpointer user_data)
{
  Conn *c = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (c->connection));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  GString *wire;
  gsize len;

  c->timer = 0;
  switch (sim_miner_fault (c->fleet, c->miner))
    {
    case SIM_FAULT_GARBAGE:
      {
        guint8 junk[512];
        for (guint i = 0; i < sizeof junk; i++)
          junk[i] = (guint8) g_random_int_range (1, 256);
        /* Random, but never the start of a JSON value: garbage, not a cut reply. */
        junk[0] = '~';
        c->reply = g_bytes_new (junk, sizeof junk);
        g_output_stream_write_all_async (out, g_bytes_get_data (c->reply, NULL), sizeof junk,
                                         G_PRIORITY_DEFAULT, NULL, written_cb, c);
        return G_SOURCE_REMOVE;
      }
    case SIM_FAULT_OVERSIZE:
      g_output_stream_write_all_async (out, "", 0, G_PRIORITY_DEFAULT, NULL, endless_cb, c);
      return G_SOURCE_REMOVE;
    case SIM_FAULT_RESET:
      sim_hostile_reset (g_socket_connection_get_socket (c->connection));
      conn_close (c);
      return G_SOURCE_REMOVE;
    default:
      break;
    }

  if (!json_parser_load_from_data (parser, (const char *) c->request->data,
                                   (gssize) c->request->len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    text = g_strdup ("STATUS=E,When=0,Code=14,Msg=Invalid command,Description=cgminer|");
  else
    text = sim_cgminer_reply (c->fleet, c->miner,
                              json_node_get_object (json_parser_get_root (parser)),
                              &c->restart_after);

  wire = g_string_new (NULL);
  if (sim_hostile_rewrites (sim_miner_fault (c->fleet, c->miner)))
    {
      g_autoptr(GBytes) hostile = sim_hostile_body (sim_miner_fault (c->fleet, c->miner), text);
      g_string_append_len (wire, g_bytes_get_data (hostile, NULL),
                           (gssize) g_bytes_get_size (hostile));
      g_string_append_len (wire, "", 1);
    }
  else if (sim_miner_fault (c->fleet, c->miner) == SIM_FAULT_QUIRK)
    {
      g_autofree char *quirky = sim_quirkify (c->miner, text);
      g_string_append (wire, quirky);
      g_string_append_c (wire, '\n');       /* newline instead of NUL */
    }
  else
    {
      g_string_append (wire, text);
      g_string_append_len (wire, "", 1);     /* cgminer's terminating NUL */
    }
  if (sim_miner_fault (c->fleet, c->miner) == SIM_FAULT_TRUNCATED)
    g_string_truncate (wire, wire->len / 2);

  len = wire->len;
  c->reply = g_string_free_to_bytes (wire);
  if (sim_miner_fault (c->fleet, c->miner) == SIM_FAULT_TRICKLE)
    {
      sim_hostile_trickle (G_IO_STREAM (g_steal_pointer (&c->connection)), c->reply);
      conn_close (c);
      return G_SOURCE_REMOVE;
    }
  g_output_stream_write_all_async (out, g_bytes_get_data (c->reply, NULL), len,
                                   G_PRIORITY_DEFAULT, NULL, written_cb, c);
  return G_SOURCE_REMOVE;
}

static gboolean
request_complete (GByteArray *request)
{
  gsize len = request->len;

  while (len > 0 && (request->data[len - 1] == '\0' || g_ascii_isspace (request->data[len - 1])))
    len--;
  if (len == 0 || request->data[len - 1] != '}')
    return FALSE;
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    return json_parser_load_from_data (parser, (const char *) request->data, (gssize) len, NULL);
  }
}

static void read_more (Conn *c);

/* A LuxOS logon that answers late (luxos-logon-delay-ms). */
static guint
extra_delay_ms (Conn *c)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (c->miner->lux_logon_delay_ms == 0)
    return 0;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *) c->request->data,
                                   (gssize) c->request->len, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                "command", NULL), "logon") == 0)
    return c->miner->lux_logon_delay_ms;
  return 0;
}

static void
echo_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Conn *c = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      conn_close (c);
      return;
    }
  read_more (c);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Conn *c = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);
  gboolean complete;

  if (n <= 0)
    {
      conn_close (c);
      return;
    }
  if (c->echo)
    {
      GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (c->connection));
      g_clear_pointer (&c->reply, g_bytes_unref);
      c->reply = g_bytes_new (c->chunk, (gsize) n);
      g_output_stream_write_all_async (out, g_bytes_get_data (c->reply, NULL), (gsize) n,
                                       G_PRIORITY_DEFAULT, NULL, echo_written_cb, c);
      return;
    }

  g_byte_array_append (c->request, c->chunk, (guint) n);
  if (c->request->len > HF_MAX_REQUEST_BYTES)
    {
      conn_close (c);
      return;
    }
  complete = request_complete (c->request);
  if (complete && c->miner->password[0] != '\0'
      && g_strstr_len ((const char *) c->request->data, (gssize) c->request->len,
                       c->miner->password) != NULL)
    {
      /* The privileged API must only ever get a token derived from it. */
      sim_event ("password-seen", c->miner, "cgminer");
    }
  if (sim_miner_fault (c->fleet, c->miner) == SIM_FAULT_HANG || c->miner->profile->id == SIM_DECOY_HANG
      || !complete)
    {
      /* A hung miner reads on (so a client close is noticed) and never answers. */
      read_more (c);
      return;
    }
  c->timer = g_timeout_add (sim_miner_delay_ms (c->fleet, c->miner) + extra_delay_ms (c),
                            respond_cb, c);
}

static void
read_more (Conn *c)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (c->connection));

  g_input_stream_read_async (in, c->chunk, sizeof c->chunk, G_PRIORITY_DEFAULT, NULL,
                             read_cb, c);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  SimFleet *fleet = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autofree char *ip = NULL;
  SimMiner *miner;
  Conn *c;

  if (local == NULL)
    return TRUE;
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
  miner = sim_fleet_lookup (fleet, ip);
  if (miner == NULL || sim_miner_restarting (miner))
    {
      /* Rebooting: the connection drops at once. */
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  c = g_new0 (Conn, 1);
  c->fleet = fleet;
  c->miner = miner;
  c->connection = g_object_ref (connection);
  c->request = g_byte_array_new ();
  c->echo = miner->profile->id == SIM_DECOY_ECHO;
  if (miner->profile->kind == SIM_KIND_AVALON)
    {
      guint live = 0;

      /* The firmware dislikes concurrent connections: say so when it
       * happens.  A connection whose client has already closed it (its
       * end-of-stream not read yet here) does not count. */
      for (GList *l = miner->open_conns; l != NULL; l = l->next)
        {
          int fd = g_socket_get_fd (g_socket_connection_get_socket (l->data));
          char byte;
          ssize_t n = recv (fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);

          if (n != 0)
            live++;
        }
      if (live > 0)
        sim_event ("concurrent", miner, NULL);
      c->counted = TRUE;
      miner->connections++;
      miner->open_conns = g_list_prepend (miner->open_conns, connection);
    }
  read_more (c);
  return TRUE;
}

GPtrArray *
sim_cgminer_server_start (SimFleet  *fleet,
                          GError   **error)
{
  g_autoptr(GPtrArray) services = g_ptr_array_new_with_free_func (g_object_unref);

  /* One service per miner: a GSocketService over many addresses re-arms an
   * accept source on every one of them after each connection, which makes
   * a 1000-miner fleet thirty times slower per request. */
  for (guint i = 0; i < fleet->miners->len; i++)
    {
      SimMiner *m = g_ptr_array_index (fleet->miners, i);
      g_autoptr(GSocketAddress) address = NULL;
      g_autoptr(GSocketService) service = NULL;

      if (!m->profile->cgminer || m->fault == SIM_FAULT_REFUSE)
        continue;
      service = g_socket_service_new ();
      address = g_inet_socket_address_new_from_string (m->ip, fleet->cgminer_port);
      if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                          G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                          NULL, error))
        {
          g_prefix_error (error, "%s:%u: ", m->ip, fleet->cgminer_port);
          return NULL;
        }
      g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), fleet);
      g_socket_service_start (service);
      g_ptr_array_add (services, g_steal_pointer (&service));
    }
  return g_steal_pointer (&services);
}

void
sim_cgminer_server_stop (GPtrArray *services)
{
  for (guint i = 0; i < services->len; i++)
    {
      GSocketService *service = g_ptr_array_index (services, i);

      g_socket_service_stop (service);
      g_socket_listener_close (G_SOCKET_LISTENER (service));
    }
  g_ptr_array_unref (services);
}
