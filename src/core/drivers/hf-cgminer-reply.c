/* hf-cgminer-reply.c
 * SPDX-License-Identifier: MIT
 *
 * The clean-up is one pass over the reply that knows whether it is inside a
 * string, so a fix never touches text inside a value (a pool password may
 * well contain "}{").  It keeps a stack of open brackets, which is also what
 * lets it close a truncated reply at its last complete element.
 */

#include <string.h>

#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-limits.h"

typedef struct
{
  char  type;   /* '{' or '[' as it will be closed */
  gsize pos;    /* where its opener sits in the output */
} Open;

typedef struct
{
  GString *out;
  Open     stack[HF_MAX_JSON_DEPTH];
  guint    depth;
  /* The last point where everything before was complete (just before a
   * separating comma), and the brackets open there. */
  gsize    cut_len;
  char     cut_stack[HF_MAX_JSON_DEPTH];
  guint    cut_depth;
  gboolean have_cut;
} Cleaner;

static char
last_significant (GString *s)
{
  for (gssize i = (gssize) s->len - 1; i >= 0; i--)
    if (!g_ascii_isspace (s->str[i]))
      return s->str[i];
  return '\0';
}

static gsize
skip_space (const char *p,
            gsize       i,
            gsize       len)
{
  while (i < len && (g_ascii_isspace (p[i]) || p[i] == '\0'))
    i++;
  return i;
}

char *
hf_cgminer_clean (const char  *data,
                  gsize        len,
                  gsize       *out_len,
                  GError     **error)
{
  Cleaner c = { 0, };
  gboolean in_string = FALSE;
  gboolean done = FALSE;
  gsize i;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  /* Trailing NUL (the standard terminator), newline and blanks. */
  while (len > 0 && (data[len - 1] == '\0' || g_ascii_isspace (data[len - 1])))
    len--;
  i = skip_space (data, 0, len);
  if (i == len)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE, "empty reply");
      return NULL;
    }
  if (len - i >= 21 && strncmp (data + i, "Socket connect failed", 21) == 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_DAEMON_DOWN,
                           "the miner's API is up but its mining daemon is not "
                           "(\"Socket connect failed\")");
      return NULL;
    }
  if (data[i] != '{' && data[i] != '[' && data[i] != ',')
    {
      g_set_error (error, HF_ERROR, HF_ERROR_PARSE,
                   "reply is not JSON (starts with byte 0x%02x)", (guchar) data[i]);
      return NULL;
    }

  c.out = g_string_sized_new (len + 16);

  /* Avalon: some replies lose their opening brace and start with a comma. */
  if (data[i] == ',')
    {
      g_string_append_c (c.out, '{');
      c.stack[c.depth++] = (Open) { '{', 0 };
      i++;
    }

  for (; i < len && !done; i++)
    {
      char ch = data[i];

      if (in_string)
        {
          if (ch == '\\' && i + 1 < len)
            {
              g_string_append_c (c.out, ch);
              g_string_append_c (c.out, data[++i]);
            }
          else if (ch == '"')
            {
              gsize j = skip_space (data, i + 1, len);

              g_string_append_c (c.out, ch);
              in_string = FALSE;
              /* btminer (2023-01 firmware): `"value""key"` lost its comma. */
              if (j < len && data[j] == '"')
                g_string_append_c (c.out, ',');
            }
          else if ((guchar) ch < 0x20)
            g_string_append_c (c.out, ' ');   /* raw newline/tab inside a string */
          else
            g_string_append_c (c.out, ch);
          continue;
        }

      switch (ch)
        {
        case '"':
          in_string = TRUE;
          g_string_append_c (c.out, ch);
          break;

        case '{':
        case '[':
          {
            char prev = last_significant (c.out);

            if (c.depth == G_N_ELEMENTS (c.stack))
              {
                g_set_error (error, HF_ERROR, HF_ERROR_PARSE,
                             "JSON nested deeper than %d levels", HF_MAX_JSON_DEPTH);
                g_string_free (c.out, TRUE);
                return NULL;
              }
            /* bmminer STATS: `…}{…` is two array elements without a comma. */
            if (c.depth > 0 && (prev == '}' || prev == ']'))
              g_string_append_c (c.out, ',');
            c.stack[c.depth++] = (Open) { ch, c.out->len };
            g_string_append_c (c.out, ch);
          }
          break;

        case '}':
        case ']':
          if (c.depth == 0)
            {
              g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE,
                                   "reply has an unmatched closing bracket");
              g_string_free (c.out, TRUE);
              return NULL;
            }
          /* Close with what was opened (see ':' below for why they differ). */
          c.depth--;
          g_string_append_c (c.out, c.stack[c.depth].type == '{' ? '}' : ']');
          if (c.depth == 0)
            done = TRUE;
          break;

        case ',':
          {
            gsize j = skip_space (data, i + 1, len);
            char prev = last_significant (c.out);

            /* btminer `,}`, bmminer `[,{`, and doubled commas. */
            if (j < len && (data[j] == '}' || data[j] == ']'))
              break;
            if (prev == '[' || prev == '{' || prev == ',')
              break;
            c.cut_len = c.out->len;
            c.cut_depth = c.depth;
            for (guint k = 0; k < c.depth; k++)
              c.cut_stack[k] = c.stack[k].type;
            c.have_cut = TRUE;
            g_string_append_c (c.out, ch);
          }
          break;

        case ':':
          /* btminer API 2.0.4 writes "error_code":["k":"v"] — a dict in list
           * brackets.  A colon directly inside '[' means it is an object. */
          if (c.depth > 0 && c.stack[c.depth - 1].type == '[')
            {
              c.stack[c.depth - 1].type = '{';
              c.out->str[c.stack[c.depth - 1].pos] = '{';
            }
          g_string_append_c (c.out, ch);
          break;

        default:
          if (g_ascii_isalpha (ch) || (ch == '-' && i + 1 < len && g_ascii_isalpha (data[i + 1])))
            {
              gsize start = ch == '-' ? i + 1 : i;
              gsize end = start;
              g_autofree char *word = NULL;

              while (end < len && g_ascii_isalpha (data[end]))
                end++;
              word = g_ascii_strdown (data + start, (gssize) (end - start));
              /* Avalon writes bare inf/nan; a reading we do not have. */
              if (g_str_equal (word, "inf") || g_str_equal (word, "infinity")
                  || g_str_equal (word, "nan"))
                g_string_append (c.out, "null");
              else
                g_string_append_len (c.out, data + i, (gssize) (end - i));
              i = end - 1;
            }
          else if ((guchar) ch < 0x20)
            g_string_append_c (c.out, ' ');
          else
            g_string_append_c (c.out, ch);
          break;
        }
    }

  if (done)
    {
      i = skip_space (data, i, len);
      if (i < len)
        {
          g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE,
                               "reply has data after the end of its JSON");
          g_string_free (c.out, TRUE);
          return NULL;
        }
    }
  else
    {
      /* Truncated (btminer with hundreds of error codes overflows its own
       * buffer): keep every complete element and close what was open. */
      if (!c.have_cut || c.cut_depth == 0)
        {
          g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE, "reply is truncated");
          g_string_free (c.out, TRUE);
          return NULL;
        }
      g_debug ("closing a truncated reply at byte %" G_GSIZE_FORMAT, c.cut_len);
      g_string_truncate (c.out, c.cut_len);
      for (guint k = c.cut_depth; k > 0; k--)
        g_string_append_c (c.out, c.cut_stack[k - 1] == '{' ? '}' : ']');
    }

  if (out_len != NULL)
    *out_len = c.out->len;
  return g_string_free (c.out, FALSE);
}

JsonObject *
hf_cgminer_parse_reply (const char  *data,
                        gsize        len,
                        GError     **error)
{
  g_autofree char *clean = NULL;
  gsize clean_len = 0;

  clean = hf_cgminer_clean (data, len, &clean_len, error);
  if (clean == NULL)
    return NULL;
  return hf_json_parse_object (clean, clean_len, error);
}

gboolean
hf_cgminer_check_status (JsonObject  *reply,
                         GError     **error)
{
  JsonNode *status_node;
  JsonObject *status_obj = NULL;
  const char *status = NULL;
  const char *msg = NULL;
  double code;

  g_return_val_if_fail (reply != NULL, FALSE);

  status_node = json_object_get_member (reply, "STATUS");
  if (status_node == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL, "reply has no STATUS");
      return FALSE;
    }
  if (JSON_NODE_HOLDS_ARRAY (status_node))
    {
      status_obj = hf_json_array_object (reply, "STATUS", 0);
      status = hf_json_string (status_obj, "STATUS");
      msg = hf_json_string (status_obj, "Msg");
    }
  else if (JSON_NODE_HOLDS_VALUE (status_node))
    {
      /* btminer's get_* and status replies: "STATUS":"S", "Msg":{…} or "Msg":"…". */
      status_obj = reply;
      status = hf_json_string (reply, "STATUS");
      msg = hf_json_string (reply, "Msg");
    }
  if (status == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL, "reply has a malformed STATUS");
      return FALSE;
    }
  if (g_str_equal (status, "S") || g_str_equal (status, "I") || g_str_equal (status, "W")
      || g_str_equal (status, "RESTART"))
    return TRUE;
  /* E(rror) and F(atal) are refusals; anything else is not a STATUS. */
  if (!g_str_equal (status, "E") && !g_str_equal (status, "F"))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL, "reply has a malformed STATUS");
      return FALSE;
    }

  code = hf_json_number (status_obj, "Code");
  if (code == code)
    g_set_error (error, HF_ERROR, HF_ERROR_REJECTED, "miner answered %s%s%s (code %.0f)",
                 status, msg ? ": " : "", msg ? msg : "", code);
  else
    g_set_error (error, HF_ERROR, HF_ERROR_REJECTED, "miner answered %s%s%s",
                 status, msg ? ": " : "", msg ? msg : "");
  return FALSE;
}

JsonObject *
hf_cgminer_section (JsonObject *reply,
                    const char *section,
                    guint       index)
{
  JsonNode *node = hf_json_member_nocase (reply, section);
  JsonArray *array;
  JsonNode *element;

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return index == 0 ? json_node_get_object (node) : NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (index >= json_array_get_length (array))
    return NULL;
  element = json_array_get_element (array, index);
  return JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
}

JsonObject *
hf_cgminer_multi_part (JsonObject *reply,
                       const char *command)
{
  JsonNode *node = hf_json_member_nocase (reply, command);
  JsonObject *part = NULL;

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    part = json_node_get_object (node);
  else if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (node), 0);
      if (JSON_NODE_HOLDS_OBJECT (first))
        part = json_node_get_object (first);
    }
  /* A sub-reply is a whole reply with its own STATUS; a plain report section
   * that happens to share the name (e.g. "summary" vs "SUMMARY") is not. */
  if (part != NULL && json_object_has_member (part, "STATUS"))
    return part;
  return NULL;
}
