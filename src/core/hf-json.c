/* hf-json.c
 * SPDX-License-Identifier: MIT
 */

#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-json.h"
#include "hf-limits.h"

/* json-glib 1.6 reads more than JSON (single-quoted strings and keys, the
 * comment forms of its GScanner) and recurses once per nesting level with
 * no limit.  Anything a guard misreads can hide nesting from it, so the
 * guard is a whole RFC 8259 validator: only strict JSON no deeper than
 * @max_depth reaches json-glib.  One pass, no recursion, no allocation.
 *
 * The one leniency: raw control bytes inside a string (firmware writes
 * raw tabs into names).  They cannot change the structure. */

typedef enum
{
  WANT_VALUE,           /* a value must follow */
  WANT_VALUE_OR_CLOSE,  /* just after '[' */
  WANT_KEY,             /* after ',' in an object */
  WANT_KEY_OR_CLOSE,    /* just after '{' */
  WANT_COLON,
  WANT_COMMA_OR_CLOSE,  /* after a value inside a container */
  WANT_END,             /* after the top-level value */
} Expect;

static gsize
skip_space (const char *data,
            gsize       len,
            gsize       i)
{
  while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
    i++;
  return i;
}

/* The end of the string whose '"' is at @i, or 0 if it is not one. */
static gsize
scan_string (const char *data,
             gsize       len,
             gsize       i)
{
  for (i++; i < len; i++)
    {
      char c = data[i];

      if (c == '"')
        return i + 1;
      if (c != '\\')
        continue;
      if (++i >= len)
        return 0;
      switch (data[i])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          break;
        case 'u':
          for (guint k = 1; k <= 4; k++)
            if (i + k >= len || !g_ascii_isxdigit (data[i + k]))
              return 0;
          i += 4;
          break;
        default:
          return 0;
        }
    }
  return 0;
}

static gsize
scan_digits (const char *data,
             gsize       len,
             gsize       i)
{
  while (i < len && g_ascii_isdigit (data[i]))
    i++;
  return i;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, or 0 if none. */
static gsize
scan_number (const char *data,
             gsize       len,
             gsize       i)
{
  gsize j;

  if (data[i] == '-')
    i++;
  if (i >= len || !g_ascii_isdigit (data[i]))
    return 0;
  i = data[i] == '0' ? i + 1 : scan_digits (data, len, i);
  if (i < len && data[i] == '.')
    {
      j = scan_digits (data, len, i + 1);
      if (j == i + 1)
        return 0;
      i = j;
    }
  if (i < len && (data[i] == 'e' || data[i] == 'E'))
    {
      i++;
      if (i < len && (data[i] == '+' || data[i] == '-'))
        i++;
      j = scan_digits (data, len, i);
      if (j == i)
        return 0;
      i = j;
    }
  /* "01", "1x": the token must end here. */
  if (i < len && (g_ascii_isalnum (data[i]) || data[i] == '.'))
    return 0;
  return i;
}

static gsize
scan_literal (const char *data,
              gsize       len,
              gsize       i)
{
  static const char *literals[] = { "true", "false", "null" };

  for (guint k = 0; k < G_N_ELEMENTS (literals); k++)
    {
      gsize n = strlen (literals[k]);

      if (len - i >= n && memcmp (data + i, literals[k], n) == 0
          && (i + n == len || !g_ascii_isalnum (data[i + n])))
        return i + n;
    }
  return 0;
}

static gboolean
check_strict (const char  *data,
              gsize        len,
              guint        max_depth,
              GError     **error)
{
  /* One bit per open container: set for an object. */
  guint64 objects[(HF_MAX_JSON_DEPTH + 63) / 64] = { 0, };
  guint depth = 0;
  Expect expect = WANT_VALUE;
  gsize i = 0;

  g_assert (max_depth <= HF_MAX_JSON_DEPTH);

  for (i = skip_space (data, len, 0); i < len; i = skip_space (data, len, i))
    {
      char c = data[i];
      gsize next = 0;
      gboolean in_object = depth > 0 && (objects[(depth - 1) / 64] >> ((depth - 1) % 64)) & 1;

      switch (expect)
        {
        case WANT_VALUE_OR_CLOSE:
          if (c == ']')
            goto close;
          G_GNUC_FALLTHROUGH;
        case WANT_VALUE:
          if (c == '{' || c == '[')
            {
              if (depth == max_depth)
                {
                  g_set_error (error, HF_ERROR, HF_ERROR_PARSE,
                               "JSON nested deeper than %u levels", max_depth);
                  return FALSE;
                }
              if (c == '{')
                objects[depth / 64] |= G_GUINT64_CONSTANT (1) << (depth % 64);
              else
                objects[depth / 64] &= ~(G_GUINT64_CONSTANT (1) << (depth % 64));
              depth++;
              expect = c == '{' ? WANT_KEY_OR_CLOSE : WANT_VALUE_OR_CLOSE;
              i++;
              continue;
            }
          if (c == '"')
            next = scan_string (data, len, i);
          else if (c == '-' || g_ascii_isdigit (c))
            next = scan_number (data, len, i);
          else if (c == 't' || c == 'f' || c == 'n')
            next = scan_literal (data, len, i);
          if (next == 0)
            goto bad;
          i = next;
          expect = depth == 0 ? WANT_END : WANT_COMMA_OR_CLOSE;
          continue;

        case WANT_KEY_OR_CLOSE:
          if (c == '}')
            goto close;
          G_GNUC_FALLTHROUGH;
        case WANT_KEY:
          if (c != '"' || (next = scan_string (data, len, i)) == 0)
            goto bad;
          i = next;
          expect = WANT_COLON;
          continue;

        case WANT_COLON:
          if (c != ':')
            goto bad;
          i++;
          expect = WANT_VALUE;
          continue;

        case WANT_COMMA_OR_CLOSE:
          if (c == ',')
            {
              i++;
              expect = in_object ? WANT_KEY : WANT_VALUE;
              continue;
            }
          if (c == (in_object ? '}' : ']'))
            goto close;
          goto bad;

        case WANT_END:
          g_set_error (error, HF_ERROR, HF_ERROR_PARSE,
                       "not strict JSON: trailing data at byte %" G_GSIZE_FORMAT, i);
          return FALSE;

        default:
          g_assert_not_reached ();
        }

    close:
      if (c != (in_object ? '}' : ']'))
        goto bad;
      depth--;
      i++;
      expect = depth == 0 ? WANT_END : WANT_COMMA_OR_CLOSE;
      continue;

    bad:
      if (g_ascii_isprint (c))
        g_set_error (error, HF_ERROR, HF_ERROR_PARSE,
                     "not strict JSON at byte %" G_GSIZE_FORMAT ": unexpected '%c'", i, c);
      else
        g_set_error (error, HF_ERROR, HF_ERROR_PARSE,
                     "not strict JSON at byte %" G_GSIZE_FORMAT ": unexpected byte 0x%02x",
                     i, (guint) (guchar) c);
      return FALSE;
    }

  if (expect != WANT_END)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_PARSE,
                   "not strict JSON: %s", i == 0 || (depth == 0 && expect == WANT_VALUE)
                                          ? "no value" : "ends inside a value");
      return FALSE;
    }
  return TRUE;
}

JsonNode *
hf_json_parse (const char  *data,
               gsize        len,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *valid = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len == 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE, "empty reply");
      return NULL;
    }
  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE, "reply contains NUL bytes");
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      /* Old firmware writes Latin-1 hostnames and SSIDs; keep the reply. */
      valid = g_utf8_make_valid (data, len);
      data = valid;
      len = strlen (valid);
    }
  if (!check_strict (data, len, HF_MAX_JSON_DEPTH, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_PARSE, "invalid JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE, "empty JSON document");
      return NULL;
    }
  return root;
}

JsonObject *
hf_json_parse_object (const char  *data,
                      gsize        len,
                      GError     **error)
{
  g_autoptr(JsonNode) root = hf_json_parse (data, len, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL, "reply is not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

double
hf_parse_number (const char *text)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return NAN;
  while (g_ascii_isspace (*text))
    text++;
  /* strtod also reads "inf", "nan" and hex: none of those is a reading. */
  if (!(g_ascii_isdigit (*text) || ((*text == '-' || *text == '+' || *text == '.')
                                    && (g_ascii_isdigit (text[1]) || text[1] == '.'))))
    return NAN;
  /* Decimal only: strtod would also read "0x1p3". */
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c) && strchr ("+-.eE% \t\r\n", *c) == NULL)
      return NAN;
  value = g_ascii_strtod (text, &end);
  if (end == text || !isfinite (value))
    return NAN;
  while (g_ascii_isspace (*end))
    end++;
  if (*end == '%')
    end++;
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0')
    return NAN;
  return value;
}

double
hf_parse_si_number (const char *text)
{
  static const struct { char suffix; double factor; } si[] = {
    { 'k', 1e3 }, { 'K', 1e3 }, { 'M', 1e6 }, { 'G', 1e9 },
    { 'T', 1e12 }, { 'P', 1e15 }, { 'E', 1e18 },
  };
  g_autofree char *copy = NULL;
  gsize len;

  if (text == NULL)
    return NAN;
  copy = g_strstrip (g_strdup (text));
  len = strlen (copy);
  if (len == 0)
    return NAN;
  for (guint i = 0; i < G_N_ELEMENTS (si); i++)
    if (copy[len - 1] == si[i].suffix)
      {
        double v;

        copy[len - 1] = '\0';
        v = hf_parse_number (copy);
        return isnan (v) ? NAN : v * si[i].factor;
      }
  return hf_parse_number (copy);
}

static double
node_number (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    case G_TYPE_DOUBLE:
      {
        double v = json_node_get_double (node);
        return isfinite (v) ? v : NAN;
      }
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? 1.0 : 0.0;
    case G_TYPE_STRING:
      return hf_parse_number (json_node_get_string (node));
    default:
      return NAN;
    }
}

double
hf_json_number (JsonObject *obj,
                const char *key)
{
  if (obj == NULL)
    return NAN;
  return node_number (json_object_get_member (obj, key));
}

double
hf_json_si_number (JsonObject *obj,
                   const char *key)
{
  JsonNode *node;

  if (obj == NULL)
    return NAN;
  node = json_object_get_member (obj, key);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING)
    return hf_parse_si_number (json_node_get_string (node));
  return node_number (node);
}

const char *
hf_json_string (JsonObject *obj,
                const char *key)
{
  JsonNode *node;

  if (obj == NULL)
    return NULL;
  node = json_object_get_member (obj, key);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

char *
hf_json_clean_text (const char *text,
                    glong       max_chars)
{
  g_autofree char *valid = NULL;
  g_autofree char *copy = NULL;
  const char *s = text;
  GString *clean;
  glong n = 0;

  if (s == NULL)
    return NULL;
  if (!g_utf8_validate (s, -1, NULL))
    s = valid = g_utf8_make_valid (s, -1);
  /* A device's words go to terminals, logs and the window: its control
   * characters (escape sequences, line breaks that forge a line, C1) and
   * invisible format characters (bidi overrides) become spaces. */
  clean = g_string_sized_new (MIN (strlen (s), 4 * (gsize) max_chars));
  for (const char *p = s; *p != '\0' && n < max_chars; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        g_string_append_c (clean, ' ');
      else
        g_string_append_unichar (clean, c);
    }
  copy = g_string_free (clean, FALSE);
  g_strstrip (copy);
  if (copy[0] == '\0')
    return NULL;
  return g_steal_pointer (&copy);
}

char *
hf_json_dup_string (JsonObject *obj,
                    const char *key)
{
  return hf_json_clean_text (hf_json_string (obj, key), HF_MAX_FIELD_CHARS);
}

JsonObject *
hf_json_object (JsonObject *obj,
                const char *key)
{
  JsonNode *node;

  if (obj == NULL)
    return NULL;
  node = json_object_get_member (obj, key);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
hf_json_array (JsonObject *obj,
               const char *key)
{
  JsonNode *node;

  if (obj == NULL)
    return NULL;
  node = json_object_get_member (obj, key);
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
hf_json_array_object (JsonObject *obj,
                      const char *key,
                      guint       index)
{
  JsonArray *array = hf_json_array (obj, key);
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return NULL;
  node = json_array_get_element (array, index);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonNode *
hf_json_member_nocase (JsonObject *obj,
                       const char *key)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (obj == NULL)
    return NULL;
  if ((node = json_object_get_member (obj, key)) != NULL)
    return node;
  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &name, &node))
    if (g_ascii_strcasecmp (name, key) == 0)
      return node;
  return NULL;
}

void
hf_json_object_unref0 (gpointer object)
{
  if (object != NULL)
    json_object_unref (object);
}

void
hf_json_builder_add_number (JsonBuilder *builder,
                            const char  *name,
                            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
