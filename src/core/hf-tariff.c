/* hf-tariff.c
 * SPDX-License-Identifier: MIT
 *
 * The week is 10080 minutes from Monday 00:00 on the local clock; each
 * period marks the minutes it covers, so a price is one table lookup and
 * an overlap is found where two periods mark the same minute.  The
 * minutes where the table changes are kept in order: splitting a span of
 * time walks from one to the next, converting each to UTC with the offset
 * in force, and cuts at every change of offset too (GTimeZone's
 * intervals), so a day with 23 or 25 hours comes out as the clock had it.
 */
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-tariff.h"

#define MINUTES_PER_DAY  1440
#define MINUTES_PER_WEEK (7 * MINUTES_PER_DAY)
#define SECONDS_PER_WEEK (7 * 86400)
#define ALL_DAYS         0x7f

typedef struct
{
  guint8  days;       /* bit 0 Monday … bit 6 Sunday */
  guint16 from;       /* minutes after midnight, 0–1439 */
  guint16 to;         /* 1–1440; at or before @from: past midnight */
  double  price;
  guint   clause;     /* where it was written, for errors */
} Period;

struct _HfTariff
{
  gatomicrefcount ref;
  char   *currency;
  double  default_price;
  GArray *periods;    /* Period */
  gint8   week[MINUTES_PER_WEEK];   /* index into periods, or -1 */
  GArray *changes;    /* guint: minutes of the week where week[] changes */
};

G_DEFINE_BOXED_TYPE (HfTariff, hf_tariff, hf_tariff_ref, hf_tariff_unref)

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static HfTariff *
tariff_new (const char *currency,
            double      default_price)
{
  HfTariff *self = g_new0 (HfTariff, 1);

  g_atomic_ref_count_init (&self->ref);
  self->currency = g_strdup (currency);
  self->default_price = default_price;
  self->periods = g_array_new (FALSE, FALSE, sizeof (Period));
  self->changes = g_array_new (FALSE, FALSE, sizeof (guint));
  memset (self->week, -1, sizeof self->week);
  return self;
}

HfTariff *
hf_tariff_ref (HfTariff *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
hf_tariff_unref (HfTariff *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  g_free (self->currency);
  g_array_unref (self->periods);
  g_array_unref (self->changes);
  g_free (self);
}

/* "Mon 08:00" for minute @m of the week. */
static char *
describe_minute (guint m)
{
  return g_strdup_printf ("%c%s %02u:%02u", g_ascii_toupper (day_names[m / MINUTES_PER_DAY][0]),
                          day_names[m / MINUTES_PER_DAY] + 1, (m % MINUTES_PER_DAY) / 60,
                          m % 60);
}

/* Mark @p's minutes as period @index; FALSE (with @error) where another
 * period has one already. */
static gboolean
mark_period (HfTariff      *self,
             const Period  *p,
             guint          index,
             const char    *what,
             GError       **error)
{
  for (guint d = 0; d < 7; d++)
    {
      guint start, length;

      if (!(p->days & (1u << d)))
        continue;
      start = d * MINUTES_PER_DAY + p->from;
      length = p->to > p->from ? (guint) (p->to - p->from)
                               : (guint) (MINUTES_PER_DAY - p->from + p->to);
      for (guint i = 0; i < length; i++)
        {
          guint m = (start + i) % MINUTES_PER_WEEK;

          if (self->week[m] >= 0)
            {
              const Period *other = &g_array_index (self->periods, Period, self->week[m]);
              g_autofree char *when = describe_minute (m);

              g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "tariff: %s %u and %u overlap "
                           "(both cover %s)", what, other->clause, p->clause, when);
              return FALSE;
            }
          self->week[m] = (gint8) index;
        }
    }
  return TRUE;
}

static gboolean
add_period (HfTariff      *self,
            const Period  *p,
            const char    *what,
            GError       **error)
{
  if (self->periods->len >= HF_TARIFF_MAX_PERIODS)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "tariff: more than %d periods",
                   HF_TARIFF_MAX_PERIODS);
      return FALSE;
    }
  if (!mark_period (self, p, self->periods->len, what, error))
    return FALSE;
  g_array_append_val (self->periods, *p);
  return TRUE;
}

/* The minutes where the price's period changes, once all are marked. */
static void
find_changes (HfTariff *self)
{
  for (guint m = 0; m < MINUTES_PER_WEEK; m++)
    if (self->week[m] != self->week[(m + MINUTES_PER_WEEK - 1) % MINUTES_PER_WEEK])
      g_array_append_val (self->changes, m);
}

/* ---- text ---------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF (4, 5)
clause_error (GError     **error,
              guint        clause,
              const char  *text,
              const char  *format,
              ...)
{
  g_autofree char *why = NULL;
  g_autofree char *shown = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  if (g_utf8_strlen (text, -1) > 60)
    {
      g_autofree char *head = g_utf8_substring (text, 0, 57);
      shown = g_strconcat (head, "…", NULL);
    }
  else
    shown = g_strdup (text);
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "tariff: clause %u (“%s”): %s", clause, shown,
               why);
  return FALSE;
}

/* A decimal number with '.', at most ten decimals, no exponent. */
static gboolean
parse_price (const char *token,
             double     *price)
{
  const char *p = token;
  guint digits = 0, decimals = 0;

  if (*p == '-' || *p == '+')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    digits++;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      decimals++;
  if (*p != '\0' || digits == 0 || (strchr (token, '.') != NULL && decimals == 0)
      || decimals > 10 || digits > 7)
    return FALSE;
  *price = g_ascii_strtod (token, NULL);
  return isfinite (*price) && fabs (*price) <= HF_TARIFF_MAX_PRICE;
}

static const char *
price_hint (const char *token)
{
  return strchr (token, ',') != NULL ? " (write decimals with '.', like 0.30)"
                                     : " (a number like 0.30)";
}

static gboolean
valid_currency (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > HF_TARIFF_MAX_CURRENCY || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalpha (c) && g_unichar_type (c) != G_UNICODE_CURRENCY_SYMBOL)
        return FALSE;
    }
  return TRUE;
}

static int
parse_day (const char *name)
{
  for (guint d = 0; d < 7; d++)
    if (g_ascii_strcasecmp (name, day_names[d]) == 0)
      return (int) d;
  return -1;
}

/* "mon-fri,sun" → a bit set of days. */
static gboolean
parse_days (const char  *token,
            guint8      *days,
            guint        clause,
            const char  *text,
            GError     **error)
{
  g_auto(GStrv) items = g_strsplit (token, ",", -1);

  *days = 0;
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (items[i], "-", -1);
      guint n = g_strv_length (ends);
      int first = n >= 1 ? parse_day (ends[0]) : -1;
      int last = n == 2 ? parse_day (ends[1]) : first;

      if (n == 0 || n > 2 || first < 0 || last < 0)
        {
          const char *bad = n >= 1 && first < 0 ? ends[0] : n == 2 && last < 0 ? ends[1]
                            : items[i];
          return clause_error (error, clause, text, "“%s” is not a weekday (mon, tue, wed, "
                               "thu, fri, sat, sun; ranges like mon-fri)", bad);
        }
      for (int d = first;; d = (d + 1) % 7)
        {
          if (*days & (1u << d))
            return clause_error (error, clause, text, "%s is named twice", day_names[d]);
          *days |= (guint8) (1u << d);
          if (d == last)
            break;
        }
    }
  return TRUE;
}

/* "07:30" → 450; "24:00" (only when @end) → 1440. */
static gboolean
parse_clock (const char *text,
             gboolean    end,
             guint16    *minutes)
{
  guint h = 0, m = 0, hd = 0;
  const char *p = text;

  for (; g_ascii_isdigit (*p) && hd < 2; p++, hd++)
    h = h * 10 + (guint) (*p - '0');
  if (hd == 0 || *p != ':' || !g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]) || p[3] != '\0')
    return FALSE;
  m = (guint) (p[1] - '0') * 10 + (guint) (p[2] - '0');
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end)))
    return FALSE;
  *minutes = (guint16) (h * 60 + m);
  return TRUE;
}

static gboolean
parse_range (const char  *item,
             guint16     *from,
             guint16     *to,
             guint        clause,
             const char  *text,
             GError     **error)
{
  g_auto(GStrv) ends = g_strsplit (item, "-", -1);

  if (g_strv_length (ends) != 2)
    return clause_error (error, clause, text, "“%s” is not a time range (HH:MM-HH:MM)", item);
  if (!parse_clock (ends[0], FALSE, from))
    return clause_error (error, clause, text, "“%s” is not a time of day (HH:MM, 00:00 to "
                         "23:59)", ends[0]);
  if (!parse_clock (ends[1], TRUE, to))
    return clause_error (error, clause, text, "“%s” is not a time of day (HH:MM, 00:00 to "
                         "24:00)", ends[1]);
  if (*from == *to || (*from == 0 && *to == MINUTES_PER_DAY))
    {
      if (*from == 0 && *to == MINUTES_PER_DAY)
        return TRUE;    /* 00:00-24:00: all day */
      return clause_error (error, clause, text, "%s is empty (it starts where it ends)", item);
    }
  return TRUE;
}

/* The words of @clause, split on white space; ", " is taken as ",". */
static GStrv
clause_tokens (const char *clause)
{
  g_autoptr(GRegex) comma = g_regex_new ("\\s*,\\s*", 0, 0, NULL);
  g_autofree char *joined = g_regex_replace_literal (comma, clause, -1, 0, ",", 0, NULL);
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit_set (joined, " \t\r\n", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (words, parts[i]);
  return g_strv_builder_end (words);
}

static gboolean
parse_head (const char  *text,
            char       **currency,
            double      *price,
            GError     **error)
{
  g_auto(GStrv) tokens = clause_tokens (text);
  guint n = g_strv_length (tokens);

  if (n == 2 && parse_price (tokens[0], price) && valid_currency (tokens[1]))
    *currency = g_strdup (tokens[1]);
  else if (n == 2 && parse_price (tokens[1], price) && valid_currency (tokens[0]))
    *currency = g_strdup (tokens[0]);
  else if (n == 2 && !valid_currency (tokens[0]) && !valid_currency (tokens[1]))
    return clause_error (error, 1, text, "no currency: name one with letters or a symbol (EUR, "
                         "€, sats), at most %d bytes", HF_TARIFF_MAX_CURRENCY);
  else if (n == 2)
    return clause_error (error, 1, text, "“%s” is not a price%s",
                         valid_currency (tokens[0]) ? tokens[1] : tokens[0],
                         price_hint (valid_currency (tokens[0]) ? tokens[1] : tokens[0]));
  else
    return clause_error (error, 1, text, "the first clause is the currency and the price "
                         "outside every period, like “EUR 0.30” or “0.25 EUR”");
  return TRUE;
}

static gboolean
parse_period (HfTariff    *self,
              const char  *text,
              guint        clause,
              GError     **error)
{
  g_auto(GStrv) tokens = clause_tokens (text);
  guint n = g_strv_length (tokens);
  const char *days_token = NULL, *ranges_token = NULL;
  Period p = { ALL_DAYS, 0, MINUTES_PER_DAY, 0, clause };

  /* The currency may be said again after the price. */
  if (n >= 2 && g_str_equal (tokens[n - 1], self->currency))
    n--;
  if (n == 0)
    return clause_error (error, clause, text, "no price");
  if (!parse_price (tokens[n - 1], &p.price))
    return clause_error (error, clause, text, "it must end with its price per kWh, not “%s”%s",
                         tokens[n - 1], price_hint (tokens[n - 1]));
  if (n == 1)
    return clause_error (error, clause, text, "a period names weekdays, time ranges or both "
                         "before its price (like “mon-fri 07:00-22:00 0.32”)");
  for (guint i = 0; i + 1 < n; i++)
    {
      gboolean is_time = g_ascii_isdigit (tokens[i][0]);
      const char **slot = is_time ? &ranges_token : &days_token;

      if (*slot != NULL)
        return clause_error (error, clause, text, "“%s”: give %s once (a list with ',')",
                             tokens[i], is_time ? "the time ranges" : "the weekdays");
      if (i > 0 && !is_time && ranges_token != NULL)
        return clause_error (error, clause, text, "weekdays come before the time ranges");
      *slot = tokens[i];
    }

  if (days_token != NULL && !parse_days (days_token, &p.days, clause, text, error))
    return FALSE;
  if (ranges_token == NULL)
    return add_period (self, &p, "clauses", error);
  {
    g_auto(GStrv) ranges = g_strsplit (ranges_token, ",", -1);

    for (guint i = 0; ranges[i] != NULL; i++)
      {
        if (!parse_range (ranges[i], &p.from, &p.to, clause, text, error)
            || !add_period (self, &p, "clauses", error))
          return FALSE;
      }
  }
  return TRUE;
}

HfTariff *
hf_tariff_parse (const char  *text,
                 GError     **error)
{
  g_autoptr(HfTariff) self = NULL;
  g_autofree char *currency = NULL;
  g_auto(GStrv) clauses = NULL;
  double price = 0;
  guint n;

  g_return_val_if_fail (text != NULL, NULL);

  if (strlen (text) > HF_TARIFF_MAX_TEXT || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "tariff: not UTF-8 text of at most %d "
                   "bytes", HF_TARIFF_MAX_TEXT);
      return NULL;
    }
  clauses = g_strsplit (text, ";", -1);
  n = g_strv_length (clauses);
  for (guint i = 0; i < n; i++)
    g_strstrip (clauses[i]);
  /* A ';' may end the text. */
  if (n > 1 && clauses[n - 1][0] == '\0')
    n--;
  if (n == 0 || clauses[0][0] == '\0')
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "tariff: empty; give the "
                           "currency and a price per kWh, like “EUR 0.30”");
      return NULL;
    }
  if (!parse_head (clauses[0], &currency, &price, error))
    return NULL;
  self = tariff_new (currency, price);
  for (guint i = 1; i < n; i++)
    {
      if (clauses[i][0] == '\0')
        {
          clause_error (error, i + 1, "", "empty (two ';' in a row)");
          return NULL;
        }
      if (!parse_period (self, clauses[i], i + 1, error))
        return NULL;
    }
  find_changes (self);
  return g_steal_pointer (&self);
}

HfTariff *
hf_tariff_new_flat (const char *currency,
                    double      price)
{
  HfTariff *self;

  g_return_val_if_fail (currency != NULL && valid_currency (currency), NULL);
  g_return_val_if_fail (isfinite (price), NULL);

  self = tariff_new (currency, price);
  return self;
}

HfTariff *
hf_tariff_new_from_key_file (GKeyFile    *key_file,
                             const char  *group,
                             const char  *key,
                             GError     **error)
{
  g_autofree char *text = NULL;
  HfTariff *tariff;

  g_return_val_if_fail (key_file != NULL && group != NULL && key != NULL, NULL);

  text = g_key_file_get_string (key_file, group, key, error);
  if (text == NULL)
    return NULL;
  tariff = hf_tariff_parse (text, error);
  if (tariff == NULL)
    g_prefix_error (error, "[%s] %s: ", group, key);
  return tariff;
}

/* Ten decimals at most, no trailing zeros: 0.3, 0.2512, 12. */
static void
append_price (GString *out,
              double   price)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *end;

  g_ascii_formatd (buf, sizeof buf, "%.10f", price);
  end = buf + strlen (buf);
  while (end > buf && end[-1] == '0')
    *--end = '\0';
  if (end > buf && end[-1] == '.')
    *--end = '\0';
  g_string_append (out, g_str_equal (buf, "-0") ? "0" : buf);
}

static void
append_days (GString *out,
             guint8   days)
{
  gboolean first = TRUE;

  for (guint d = 0; d < 7;)
    {
      guint end = d;

      if (!(days & (1u << d)))
        {
          d++;
          continue;
        }
      while (end + 1 < 7 && (days & (1u << (end + 1))))
        end++;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      if (end == d)
        g_string_append (out, day_names[d]);
      else
        g_string_append_printf (out, "%s%c%s", day_names[d], end == d + 1 ? ',' : '-',
                                day_names[end]);
      d = end + 1;
    }
}

static char *
format_clock (guint minutes)
{
  return g_strdup_printf ("%02u:%02u", minutes / 60, minutes % 60);
}

char *
hf_tariff_to_string (const HfTariff *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (self->currency);
  g_string_append_c (out, ' ');
  append_price (out, self->default_price);
  for (guint i = 0; i < self->periods->len; i++)
    {
      const Period *p = &g_array_index (self->periods, Period, i);

      g_string_append (out, "; ");
      if (p->days != ALL_DAYS)
        {
          append_days (out, p->days);
          g_string_append_c (out, ' ');
        }
      /* A period of every day, all day, still names its hours. */
      if (!(p->from == 0 && p->to == MINUTES_PER_DAY) || p->days == ALL_DAYS)
        {
          g_autofree char *from = format_clock (p->from);
          g_autofree char *to = format_clock (p->to);

          g_string_append_printf (out, "%s-%s ", from, to);
        }
      append_price (out, p->price);
    }
  return g_string_free (out, FALSE);
}

/* ---- JSON ---------------------------------------------------------------- */

JsonNode *
hf_tariff_to_json (const HfTariff *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "currency");
  json_builder_add_string_value (b, self->currency);
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, self->default_price);
  json_builder_set_member_name (b, "periods");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->periods->len; i++)
    {
      const Period *p = &g_array_index (self->periods, Period, i);
      g_autofree char *from = format_clock (p->from);
      g_autofree char *to = format_clock (p->to);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "days");
      json_builder_begin_array (b);
      for (guint d = 0; d < 7; d++)
        if (p->days & (1u << d))
          json_builder_add_string_value (b, day_names[d]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "from");
      json_builder_add_string_value (b, from);
      json_builder_set_member_name (b, "to");
      json_builder_add_string_value (b, to);
      json_builder_set_member_name (b, "price");
      json_builder_add_double_value (b, p->price);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
json_error (GError     **error,
            const char  *what)
{
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "tariff: %s", what);
  return FALSE;
}

/* Only the members in @known (NULL-terminated) may be there. */
static gboolean
only_members (JsonObject  *obj,
              const char  *const *known,
              const char  *where,
              GError     **error)
{
  g_autoptr(GList) names = json_object_get_members (obj);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "tariff: %s has an unknown member "
                     "“%s”", where, (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

static gboolean
json_price (JsonObject  *obj,
            double      *price,
            const char  *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "price");
  g_autofree char *why = NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && (json_node_get_value_type (node) == G_TYPE_DOUBLE
          || json_node_get_value_type (node) == G_TYPE_INT64))
    {
      *price = json_node_get_double (node);
      if (isfinite (*price) && fabs (*price) <= HF_TARIFF_MAX_PRICE)
        {
          char text[G_ASCII_DTOSTR_BUF_SIZE];

          /* As the text form keeps it: ten decimals at most, the double
           * the same text parses to (scaling by 1e10 and back is not:
           * 333333.3333333301 came back one bit off). */
          *price = g_ascii_strtod (g_ascii_formatd (text, sizeof text, "%.10f", *price), NULL);
          return TRUE;
        }
    }
  why = g_strdup_printf ("%s needs a “price”, a number of at most %g either side of 0", where,
                         HF_TARIFF_MAX_PRICE);
  return json_error (error, why);
}

static gboolean
json_period (HfTariff    *self,
             JsonNode    *node,
             guint        index,
             GError     **error)
{
  static const char *const known[] = { "days", "from", "to", "price", NULL };
  g_autofree char *where = g_strdup_printf ("period %u", index);
  Period p = { ALL_DAYS, 0, MINUTES_PER_DAY, 0, index };
  JsonObject *obj;
  JsonNode *days, *from, *to;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *why = g_strdup_printf ("%s is not an object", where);
      return json_error (error, why);
    }
  obj = json_node_get_object (node);
  if (!only_members (obj, known, where, error) || !json_price (obj, &p.price, where, error))
    return FALSE;

  days = json_object_get_member (obj, "days");
  if (days != NULL)
    {
      JsonArray *list = JSON_NODE_HOLDS_ARRAY (days) ? json_node_get_array (days) : NULL;

      p.days = 0;
      for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
        {
          JsonNode *item = json_array_get_element (list, i);
          int d = JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING
                  ? parse_day (json_node_get_string (item)) : -1;

          if (d < 0 || (p.days & (1u << d)))
            {
              list = NULL;
              break;
            }
          p.days |= (guint8) (1u << d);
        }
      if (list == NULL || p.days == 0)
        {
          g_autofree char *why = g_strdup_printf ("%s: “days” is a list of weekdays (\"mon\" … "
                                                  "\"sun\"), each once", where);
          return json_error (error, why);
        }
    }

  from = json_object_get_member (obj, "from");
  to = json_object_get_member (obj, "to");
  if ((from == NULL) != (to == NULL))
    {
      g_autofree char *why = g_strdup_printf ("%s: give both “from” and “to”, or neither", where);
      return json_error (error, why);
    }
  if (from != NULL)
    {
      const char *f = JSON_NODE_HOLDS_VALUE (from)
                      && json_node_get_value_type (from) == G_TYPE_STRING
                      ? json_node_get_string (from) : "";
      const char *t = JSON_NODE_HOLDS_VALUE (to) && json_node_get_value_type (to) == G_TYPE_STRING
                      ? json_node_get_string (to) : "";

      if (!parse_clock (f, FALSE, &p.from) || !parse_clock (t, TRUE, &p.to)
          || (p.from == p.to))
        {
          g_autofree char *why = g_strdup_printf ("%s: “from” and “to” are different times of "
                                                  "day, \"HH:MM\" (“to” up to \"24:00\")", where);
          return json_error (error, why);
        }
    }
  return add_period (self, &p, "periods", error);
}

HfTariff *
hf_tariff_new_from_json (JsonNode  *node,
                         GError   **error)
{
  static const char *const known[] = { "currency", "price", "periods", NULL };
  g_autoptr(HfTariff) self = NULL;
  JsonObject *obj;
  JsonNode *periods;
  const char *currency;
  double price;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      json_error (error, "not a JSON object");
      return NULL;
    }
  obj = json_node_get_object (node);
  if (!only_members (obj, known, "the tariff", error))
    return NULL;
  {
    JsonNode *name = json_object_get_member (obj, "currency");

    currency = name != NULL && JSON_NODE_HOLDS_VALUE (name)
               && json_node_get_value_type (name) == G_TYPE_STRING
               ? json_node_get_string (name) : NULL;
  }
  if (currency == NULL || !valid_currency (currency))
    {
      json_error (error, "“currency” is a name of letters or a symbol (EUR, €, sats), at most "
                  G_STRINGIFY (HF_TARIFF_MAX_CURRENCY) " bytes");
      return NULL;
    }
  if (!json_price (obj, &price, "the tariff", error))
    return NULL;
  self = tariff_new (currency, price);
  periods = json_object_get_member (obj, "periods");
  if (periods != NULL && !JSON_NODE_HOLDS_NULL (periods))
    {
      JsonArray *list;

      if (!JSON_NODE_HOLDS_ARRAY (periods))
        {
          json_error (error, "“periods” is a list");
          return NULL;
        }
      list = json_node_get_array (periods);
      for (guint i = 0; i < json_array_get_length (list); i++)
        if (!json_period (self, json_array_get_element (list, i), i + 1, error))
          return NULL;
    }
  find_changes (self);
  return g_steal_pointer (&self);
}

/* ---- questions ----------------------------------------------------------- */

gboolean
hf_tariff_equal (const HfTariff *a,
                 const HfTariff *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || !g_str_equal (a->currency, b->currency)
      || a->default_price != b->default_price || a->periods->len != b->periods->len)
    return FALSE;
  for (guint i = 0; i < a->periods->len; i++)
    {
      const Period *p = &g_array_index (a->periods, Period, i);
      const Period *q = &g_array_index (b->periods, Period, i);

      if (p->days != q->days || p->from != q->from || p->to != q->to || p->price != q->price)
        return FALSE;
    }
  return TRUE;
}

const char *
hf_tariff_get_currency (const HfTariff *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->currency;
}

double
hf_tariff_get_default_price (const HfTariff *self)
{
  g_return_val_if_fail (self != NULL, NAN);
  return self->default_price;
}

gboolean
hf_tariff_is_flat (const HfTariff *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return self->changes->len == 0;
}

/* The UTC offset interval of @zone at @time. */
static int
interval_at (GTimeZone *zone,
             gint64     time)
{
  return g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, time);
}

/* Seconds since Monday 00:00 of @time's week on @zone's clock, with the
 * offset interval in force. */
static gint64
second_of_week (GTimeZone *zone,
                gint64     time,
                int       *interval)
{
  gint64 local, days;

  *interval = interval_at (zone, time);
  local = time + g_time_zone_get_offset (zone, *interval);
  /* 1970-01-01 was a Thursday: day 3 of a week from Monday. */
  days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  return (((days + 3) % 7 + 7) % 7) * 86400 + (local - days * 86400);
}

static double
price_of (const HfTariff *self,
          gint64          sow)
{
  int index = self->week[sow / 60];

  return index < 0 ? self->default_price
                   : g_array_index (self->periods, Period, index).price;
}

double
hf_tariff_price_at (const HfTariff *self,
                    GTimeZone      *zone,
                    gint64          time)
{
  g_autoptr(GTimeZone) local = NULL;
  int interval;

  g_return_val_if_fail (self != NULL, NAN);

  if (self->changes->len == 0)
    return self->default_price;
  if (zone == NULL)
    zone = local = g_time_zone_new_local ();
  return price_of (self, second_of_week (zone, time, &interval));
}

/* The first time after @time where the period may change: the next
 * change of the week's table on the clock in force at @time, or the
 * change of UTC offset before it. */
static gint64
next_change (const HfTariff *self,
             GTimeZone      *zone,
             gint64          time)
{
  int interval;
  gint64 sow = second_of_week (zone, time, &interval);
  gint64 next = -1, candidate, lo, hi;

  for (guint i = 0; i < self->changes->len; i++)
    {
      gint64 s = (gint64) g_array_index (self->changes, guint, i) * 60;

      if (s > sow)
        {
          next = s;
          break;
        }
    }
  if (next < 0)
    next = (gint64) g_array_index (self->changes, guint, 0) * 60 + SECONDS_PER_WEEK;
  candidate = time + (next - sow);
  if (interval_at (zone, candidate) == interval)
    return candidate;
  /* The clock changes first: find the first second on the new offset. */
  lo = time;
  hi = candidate;
  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (interval_at (zone, mid) == interval)
        lo = mid;
      else
        hi = mid;
    }
  return hi;
}

GArray *
hf_tariff_split (const HfTariff *self,
                 GTimeZone      *zone,
                 gint64          from,
                 gint64          to)
{
  g_autoptr(GTimeZone) local = NULL;
  GArray *spans;

  g_return_val_if_fail (self != NULL, NULL);

  spans = g_array_new (FALSE, FALSE, sizeof (HfTariffSpan));
  if (from >= to)
    return spans;
  if (self->changes->len == 0)
    {
      HfTariffSpan span = { from, to, self->default_price };

      g_array_append_val (spans, span);
      return spans;
    }
  if (zone == NULL)
    zone = local = g_time_zone_new_local ();
  for (gint64 t = from; t < to;)
    {
      int interval;
      double price = price_of (self, second_of_week (zone, t, &interval));
      gint64 end = MIN (next_change (self, zone, t), to);

      if (spans->len > 0 && g_array_index (spans, HfTariffSpan, spans->len - 1).price == price)
        g_array_index (spans, HfTariffSpan, spans->len - 1).end = end;
      else
        {
          HfTariffSpan span = { t, end, price };
          g_array_append_val (spans, span);
        }
      t = end;
    }
  return spans;
}
