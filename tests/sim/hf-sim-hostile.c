/* hf-sim-hostile.c
 * SPDX-License-Identifier: MIT
 *
 * The hostile fleet's reply forms.  Each takes the reply a healthy miner of
 * the same profile would send, so the only thing wrong is the one thing the
 * fault names.
 */
#include <string.h>
#include <sys/socket.h>

#include <json-glib/json-glib.h>

#include "hf-sim-hostile.h"

/* Far past HF_MAX_JSON_DEPTH, and past json-glib's own recursion. */
#define DEEP_LEVELS 100000
/* Nesting hidden from a guard that only knows double-quoted strings:
 * json-glib reads comments and single quotes, so this is what reaches it. */
#define HIDDEN_LEVELS 200000
#define HUGE_BYTES  (10 * 1024 * 1024)

gboolean
sim_hostile_rewrites (SimFault fault)
{
  return fault == SIM_FAULT_BAD_UTF8 || fault == SIM_FAULT_BAD_NUMBERS
         || fault == SIM_FAULT_WRONG_TYPES || fault == SIM_FAULT_DEEP
         || fault == SIM_FAULT_DEEP_COMMENT || fault == SIM_FAULT_DEEP_QUOTE
         || fault == SIM_FAULT_HUGE_JSON;
}

/* Numbers no sensor reads: negative, huge, the largest double, and -0. */
static const double absurd[] = { -1.0, 1e300, -1e300, 1.7976931348623157e308, -2147483648.0 };

static JsonNode *rewrite (JsonNode *node, SimFault fault, guint *n);

static JsonNode *
wrong_type (JsonNode *node,
            guint    *n)
{
  JsonNode *out = json_node_new (JSON_NODE_VALUE);

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonArray *a = json_array_new ();
      json_array_add_int_element (a, 1);
      json_node_free (out);
      out = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (out, a);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    json_node_set_string (out, "not an array");
  else if (JSON_NODE_HOLDS_NULL (node))
    json_node_set_boolean (out, TRUE);
  else
    switch (json_node_get_value_type (node))
      {
      case G_TYPE_STRING:
        json_node_set_double (out, 42.5);
        break;
      case G_TYPE_BOOLEAN:
        json_node_free (out);
        out = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (out, json_object_new ());
        break;
      default:      /* numbers */
        json_node_set_string (out, (*n)++ % 2 ? "12.5 TH/s?" : "fast");
        break;
      }
  return out;
}

static JsonNode *
rewrite (JsonNode *node,
         SimFault  fault,
         guint    *n)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *in = json_node_get_object (node);
      JsonObject *obj = json_object_new ();
      g_autoptr(GList) members = json_object_get_members (in);
      JsonNode *out = json_node_new (JSON_NODE_OBJECT);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *child = json_object_get_member (in, l->data);
          json_object_set_member (obj, l->data,
                                  fault == SIM_FAULT_WRONG_TYPES ? wrong_type (child, n)
                                                                 : rewrite (child, fault, n));
        }
      json_node_take_object (out, obj);
      return out;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *in = json_node_get_array (node);
      JsonArray *arr = json_array_new ();
      JsonNode *out = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < json_array_get_length (in); i++)
        json_array_add_element (arr, rewrite (json_array_get_element (in, i), fault, n));
      json_node_take_array (out, arr);
      return out;
    }
  if (fault == SIM_FAULT_BAD_NUMBERS && JSON_NODE_HOLDS_VALUE (node)
      && (json_node_get_value_type (node) == G_TYPE_INT64
          || json_node_get_value_type (node) == G_TYPE_DOUBLE))
    {
      JsonNode *out = json_node_new (JSON_NODE_VALUE);
      json_node_set_double (out, absurd[(*n)++ % G_N_ELEMENTS (absurd)]);
      return out;
    }
  return json_node_copy (node);
}

GBytes *
sim_hostile_body (SimFault    fault,
                  const char *json)
{
  switch (fault)
    {
    case SIM_FAULT_BAD_UTF8:
      {
        /* Bytes that are no UTF-8 at the end of every string value longer
         * than a status letter, as old firmware writes Latin-1 names. */
        GString *s = g_string_new (NULL);
        const char *p = json;

        while (*p != '\0')
          {
            const char *end;

            g_string_append_c (s, *p);
            if (p[0] != ':' || p[1] != '"' || (end = strchr (p + 2, '"')) == NULL)
              {
                p++;
                continue;
              }
            g_string_append_len (s, p + 1, end - (p + 1));
            if (end - (p + 2) > 3)
              g_string_append (s, "\xff\xfe\xc3\x28\xed\xa0\x80");
            p = end;
          }
        return g_string_free_to_bytes (s);
      }
    case SIM_FAULT_BAD_NUMBERS:
    case SIM_FAULT_WRONG_TYPES:
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        g_autoptr(JsonGenerator) generator = json_generator_new ();
        g_autoptr(JsonNode) out = NULL;
        guint n = 0;
        char *text;

        if (!json_parser_load_from_data (parser, json, -1, NULL))
          return g_bytes_new (json, strlen (json));
        out = rewrite (json_parser_get_root (parser), fault, &n);
        json_generator_set_root (generator, out);
        text = json_generator_to_data (generator, NULL);
        return g_bytes_new_take (text, strlen (text));
      }
    case SIM_FAULT_DEEP:
      {
        GString *s = g_string_new ("{\"STATUS\":");
        for (guint i = 0; i < DEEP_LEVELS; i++)
          g_string_append_c (s, '[');
        for (guint i = 0; i < DEEP_LEVELS; i++)
          g_string_append_c (s, ']');
        g_string_append_c (s, '}');
        return g_string_free_to_bytes (s);
      }
    case SIM_FAULT_DEEP_COMMENT:
    case SIM_FAULT_DEEP_QUOTE:
      {
        /* The real reply, so it identifies as the miner it is, with one
         * more member whose nesting a naive guard cannot see. */
        GString *s = g_string_new (NULL);
        gsize len = strlen (json);

        while (len > 0 && json[len - 1] != '}')
          len--;
        g_string_append_len (s, json, len > 0 ? (gssize) len - 1 : 0);
        g_string_append (s, fault == SIM_FAULT_DEEP_COMMENT ? ",\"a\":/*\"*/"
                                                            : ",\"b\":'\"',\"c\":");
        for (guint i = 0; i < HIDDEN_LEVELS; i++)
          g_string_append_c (s, '[');
        for (guint i = 0; i < HIDDEN_LEVELS; i++)
          g_string_append_c (s, ']');
        g_string_append_c (s, '}');
        return g_string_free_to_bytes (s);
      }
    case SIM_FAULT_HUGE_JSON:
      {
        /* The real reply, padded to 10 MB with a valid array. */
        GString *s = g_string_sized_new (HUGE_BYTES + 64);
        gsize len = strlen (json);

        while (len > 0 && json[len - 1] != '}')
          len--;
        g_string_append_len (s, json, len > 0 ? (gssize) len - 1 : 0);
        g_string_append (s, len > 1 ? ",\"padding\":[0" : "{\"padding\":[0");
        while (s->len < HUGE_BYTES)
          g_string_append (s, ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0");
        g_string_append (s, "]}");
        return g_string_free_to_bytes (s);
      }
    default:
      return g_bytes_new (json, strlen (json));
    }
}

void
sim_hostile_reset (GSocket *socket)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (socket, NULL);
}

typedef struct
{
  GIOStream *stream;
  GBytes    *data;
  gsize      sent;
} Trickle;

static gboolean
trickle_cb (gpointer user_data)
{
  Trickle *t = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (t->stream);
  const guint8 *bytes = g_bytes_get_data (t->data, NULL);
  g_autoptr(GError) error = NULL;
  gssize n;

  if (G_IS_POLLABLE_OUTPUT_STREAM (out))
    n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (out),
                                                    bytes + t->sent, 1, NULL, &error);
  else
    n = g_output_stream_write (out, bytes + t->sent, 1, NULL, &error);
  if (n > 0)
    t->sent++;
  if ((n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
      || t->sent >= g_bytes_get_size (t->data))
    {
      /* The peer gave up (as it should), or the reply is out. */
      g_io_stream_close (t->stream, NULL, NULL);
      g_object_unref (t->stream);
      g_bytes_unref (t->data);
      g_free (t);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
sim_hostile_trickle (GIOStream *stream,
                     GBytes    *data)
{
  Trickle *t = g_new0 (Trickle, 1);

  t->stream = stream;
  t->data = g_bytes_ref (data);
  g_timeout_add_seconds (1, trickle_cb, t);
}
