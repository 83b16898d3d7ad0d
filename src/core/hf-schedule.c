/* hf-schedule.c
 * SPDX-License-Identifier: MIT
 *
 * Wall-clock arithmetic is done on "local seconds" (seconds since
 * 1970-01-01 00:00 of the local calendar, as if it were UTC), turned into
 * instants by hf_schedule_wall_time().  A plan shares the work of ranges
 * that are alike (most schedules of a fleet use a few ranges) and only
 * recomputes a range when its own switch has passed.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hf-error.h"
#include "hf-schedule.h"

#define DAY_S 86400

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
static const char *const long_day_names[7] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
};

/* ---- the values ----------------------------------------------------------- */

HfSchedule *
hf_schedule_new (void)
{
  HfSchedule *self = g_new0 (HfSchedule, 1);

  self->days = HF_SCHEDULE_ALL_DAYS;
  return self;
}

void
hf_schedule_state_clear (HfScheduleState *state)
{
  g_clear_pointer (&state->pool, g_free);
  memset (state, 0, sizeof *state);
}

void
hf_schedule_state_copy (const HfScheduleState *from,
                        HfScheduleState       *to)
{
  *to = *from;
  to->pool = g_strdup (from->pool);
}

gboolean
hf_schedule_state_equal (const HfScheduleState *a,
                         const HfScheduleState *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || a->kind != b->kind)
    return FALSE;
  switch (a->kind)
    {
    case HF_SCHEDULE_MODE:
      return a->work_mode == b->work_mode;
    case HF_SCHEDULE_PRESET:
      return a->frequency_mhz == b->frequency_mhz && a->core_voltage_mv == b->core_voltage_mv;
    case HF_SCHEDULE_POOL:
      return g_strcmp0 (a->pool, b->pool) == 0;
    case HF_SCHEDULE_MINING:
    case HF_SCHEDULE_PAUSED:
    default:
      return TRUE;
    }
}

HfSchedule *
hf_schedule_copy (const HfSchedule *self)
{
  HfSchedule *copy = g_new0 (HfSchedule, 1);

  *copy = *self;
  copy->miner = g_strdup (self->miner);
  copy->address = g_strdup (self->address);
  copy->group = g_strdup (self->group);
  hf_schedule_state_copy (&self->state, &copy->state);
  return copy;
}

void
hf_schedule_free (HfSchedule *self)
{
  if (self == NULL)
    return;
  g_free (self->miner);
  g_free (self->address);
  g_free (self->group);
  hf_schedule_state_clear (&self->state);
  g_free (self);
}

/* ---- text forms ------------------------------------------------------------ */

static gboolean
invalid (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, message);
  return FALSE;
}

static int
day_index (const char *word)
{
  for (int i = 0; i < 7; i++)
    if (g_ascii_strcasecmp (word, day_names[i]) == 0
        || g_ascii_strcasecmp (word, long_day_names[i]) == 0)
      return i;
  return -1;
}

gboolean
hf_schedule_parse_days (const char  *text,
                        guint8      *days,
                        GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint8 mask = 0;

  if (text == NULL || *text == '\0' || strlen (text) > 100)
    return invalid (error, "days: use mon-fri, sat,sun or daily");
  parts = g_strsplit (text, ",", 8);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *word = g_strstrip (g_strdup (parts[i]));
      char *dash = strchr (word, '-');
      int from, to;

      if (g_ascii_strcasecmp (word, "daily") == 0 || g_ascii_strcasecmp (word, "every day") == 0)
        {
          mask |= HF_SCHEDULE_ALL_DAYS;
          continue;
        }
      if (g_ascii_strcasecmp (word, "weekdays") == 0)
        {
          mask |= 0x1f;
          continue;
        }
      if (g_ascii_strcasecmp (word, "weekends") == 0 || g_ascii_strcasecmp (word, "weekend") == 0)
        {
          mask |= 0x60;
          continue;
        }
      if (dash != NULL)
        *dash = '\0';
      from = day_index (word);
      to = dash != NULL ? day_index (dash + 1) : from;
      if (from < 0 || to < 0)
        return invalid (error, "days: “%s” is not a day (mon … sun, mon-fri, daily)",
                        parts[i]);
      /* "fri-mon" runs over the weekend. */
      for (int d = from;; d = (d + 1) % 7)
        {
          mask |= 1u << d;
          if (d == to)
            break;
        }
    }
  if (mask == 0)
    return invalid (error, "days: no day given");
  *days = mask;
  return TRUE;
}

char *
hf_schedule_days_to_string (guint8 days)
{
  GString *text = g_string_new (NULL);

  days &= HF_SCHEDULE_ALL_DAYS;
  if (days == HF_SCHEDULE_ALL_DAYS)
    return g_string_free (g_string_append (text, "daily"), FALSE);
  for (int d = 0; d < 7;)
    {
      int end = d;

      if (!(days & (1u << d)))
        {
          d++;
          continue;
        }
      while (end + 1 < 7 && (days & (1u << (end + 1))))
        end++;
      if (text->len > 0)
        g_string_append_c (text, ',');
      if (end - d >= 2)
        g_string_append_printf (text, "%s-%s", day_names[d], day_names[end]);
      else
        for (int k = d; k <= end; k++)
          g_string_append_printf (text, "%s%s", k > d ? "," : "", day_names[k]);
      d = end + 1;
    }
  return g_string_free (text, FALSE);
}

static gboolean
parse_clock (const char *text,
             gboolean    is_end,
             guint16    *minute)
{
  size_t len = strlen (text);
  guint h, m;

  /* H:MM or HH:MM, digits only. */
  if ((len != 4 && len != 5) || text[len - 3] != ':')
    return FALSE;
  for (size_t i = 0; i < len; i++)
    if (i != len - 3 && !g_ascii_isdigit (text[i]))
      return FALSE;
  h = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (text + len - 2, NULL, 10);
  if (m > 59)
    return FALSE;
  if (h == 24 && m == 0 && is_end)
    h = 0;              /* "22:00-24:00": until midnight */
  else if (h > 23)
    return FALSE;
  *minute = h * 60 + m;
  return TRUE;
}

gboolean
hf_schedule_parse_time_range (const char  *text,
                              guint16     *start_min,
                              guint16     *end_min,
                              GError     **error)
{
  g_autofree char *copy = NULL;
  char *dash;

  if (text == NULL || strlen (text) > 20)
    return invalid (error, "time: use HH:MM-HH:MM, for instance 22:00-06:00");
  copy = g_strstrip (g_strdup (text));
  dash = strchr (copy, '-');
  if (dash == NULL)
    return invalid (error, "time: use HH:MM-HH:MM, for instance 22:00-06:00");
  *dash = '\0';
  g_strstrip (copy);
  g_strstrip (dash + 1);
  if (!parse_clock (copy, FALSE, start_min) || !parse_clock (dash + 1, TRUE, end_min))
    return invalid (error, "time: “%s” is not HH:MM-HH:MM (00:00 … 23:59, the end may be 24:00)",
                    text);
  return TRUE;
}

char *
hf_schedule_time_range_to_string (guint16 start_min,
                                  guint16 end_min)
{
  return g_strdup_printf ("%02u:%02u-%02u:%02u", start_min / 60u, start_min % 60u,
                          end_min / 60u, end_min % 60u);
}

static gboolean
parse_uint (const char *text,
            guint       max,
            guint      *value)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &v, NULL))
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

static gboolean
name_is_clean (const char *name)
{
  if (*name == '\0' || strlen (name) > HF_SCHEDULE_NAME_MAX || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

gboolean
hf_schedule_parse_state (const char       *text,
                         HfScheduleState  *state,
                         GError          **error)
{
  HfScheduleState st = { 0 };
  guint value;

  if (text == NULL || strlen (text) > 8 + HF_SCHEDULE_NAME_MAX)
    return invalid (error, "state: use mining, paused, mode:N, preset:MHZ/MV or pool:NAME");
  if (g_ascii_strcasecmp (text, "mining") == 0)
    st.kind = HF_SCHEDULE_MINING;
  else if (g_ascii_strcasecmp (text, "paused") == 0)
    st.kind = HF_SCHEDULE_PAUSED;
  else if (g_ascii_strncasecmp (text, "mode:", 5) == 0)
    {
      const char *mode = text + 5;

      st.kind = HF_SCHEDULE_MODE;
      if (g_ascii_strcasecmp (mode, "eco") == 0)
        st.work_mode = 0;
      else if (g_ascii_strcasecmp (mode, "standard") == 0)
        st.work_mode = 1;
      else if (g_ascii_strcasecmp (mode, "super") == 0)
        st.work_mode = 2;
      else if (parse_uint (mode, 2, &value))
        st.work_mode = (int) value;
      else
        return invalid (error, "state: the work mode is 0 (eco), 1 (standard) or 2 (super), not “%s”",
                        mode);
    }
  else if (g_ascii_strncasecmp (text, "preset:", 7) == 0)
    {
      g_auto(GStrv) parts = g_strsplit (text + 7, "/", 3);

      st.kind = HF_SCHEDULE_PRESET;
      if (g_strv_length (parts) != 2 || !parse_uint (parts[0], 10000, &st.frequency_mhz)
          || !parse_uint (parts[1], 5000, &st.core_voltage_mv) || st.frequency_mhz == 0
          || st.core_voltage_mv == 0)
        return invalid (error, "state: a preset is preset:MHZ/MV, for instance preset:525/1150");
    }
  else if (g_ascii_strncasecmp (text, "pool:", 5) == 0)
    {
      st.kind = HF_SCHEDULE_POOL;
      if (!name_is_clean (text + 5))
        return invalid (error, "state: pool:NAME names a pool profile (1–%d characters)",
                        HF_SCHEDULE_NAME_MAX);
      st.pool = g_strdup (text + 5);
    }
  else
    return invalid (error, "state: “%s” is not mining, paused, mode:N, preset:MHZ/MV or pool:NAME",
                    text);
  *state = st;
  return TRUE;
}

char *
hf_schedule_state_to_string (const HfScheduleState *state)
{
  switch (state->kind)
    {
    case HF_SCHEDULE_PAUSED:
      return g_strdup ("paused");
    case HF_SCHEDULE_MODE:
      return g_strdup_printf ("mode:%d", state->work_mode);
    case HF_SCHEDULE_PRESET:
      return g_strdup_printf ("preset:%u/%u", state->frequency_mhz, state->core_voltage_mv);
    case HF_SCHEDULE_POOL:
      return g_strdup_printf ("pool:%s", state->pool);
    case HF_SCHEDULE_MINING:
    default:
      return g_strdup ("mining");
    }
}

char *
hf_schedule_state_describe (const HfScheduleState *state)
{
  switch (state->kind)
    {
    case HF_SCHEDULE_PAUSED:
      return g_strdup (_("Paused"));
    case HF_SCHEDULE_MODE:
      return g_strdup_printf (_("Work mode %s"), state->work_mode == 0 ? _("eco")
                              : state->work_mode == 1 ? _("standard") : _("super"));
    case HF_SCHEDULE_PRESET:
      return g_strdup_printf (_("%u MHz / %u mV"), state->frequency_mhz, state->core_voltage_mv);
    case HF_SCHEDULE_POOL:
      return g_strdup_printf (_("Pool %s"), state->pool);
    case HF_SCHEDULE_MINING:
    default:
      return g_strdup (_("Mining"));
    }
}

/* ---- wall-clock arithmetic --------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), and back. */
static gint64
days_from_civil (int y,
                 int m,
                 int d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static inline gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - (a % b != 0 && ((a < 0) != (b < 0)));
}

static inline gint32
offset_at (GTimeZone *tz,
           gint64     instant)
{
  return g_time_zone_get_offset (tz, g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL,
                                                                instant));
}

/* The first instant whose local time is at or after @local (local
 * seconds): the first of two when the time happens twice, the end of the
 * gap when it does not happen.  Offsets change at most once within a day
 * either side (every time zone's changes are weeks apart). */
static gint64
instant_of_local (GTimeZone *tz,
                  gint64     local)
{
  gint32 before = offset_at (tz, local - DAY_S);
  gint32 after = offset_at (tz, local + DAY_S);
  gint64 best = G_MAXINT64;
  gint64 lo, hi;

  if (offset_at (tz, local - before) == before)
    best = local - before;
  if (after != before && offset_at (tz, local - after) == after)
    best = MIN (best, local - after);
  if (best != G_MAXINT64)
    return best;

  /* In a gap: the transition, the first instant whose local time is past
   * @local. */
  lo = local - MAX (before, after);
  hi = local - MIN (before, after);
  while (lo < hi)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (mid + offset_at (tz, mid) >= local)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

gint64
hf_schedule_wall_time (GTimeZone *tz,
                       int        year,
                       int        month,
                       int        day,
                       guint      minute)
{
  return instant_of_local (tz, days_from_civil (year, month, day) * DAY_S + (gint64) minute * 60);
}

/* The local day (days since 1970-01-01) @instant falls on. */
static gint64
local_day (GTimeZone *tz,
           gint64     instant)
{
  return floor_div (instant + offset_at (tz, instant), DAY_S);
}

/* Monday 0 … Sunday 6; 1970-01-01 was a Thursday. */
static inline int
weekday_of (gint64 day)
{
  return (int) (((day + 3) % 7 + 7) % 7);
}

typedef struct
{
  guint8  days;
  guint16 start_min;
  guint16 end_min;
} Range;

/* The same as hf_schedule_in_force() for a range. */
static gboolean
range_in_force (const Range *range,
                GTimeZone   *tz,
                gint64       now,
                gint64      *next)
{
  gint64 today = local_day (tz, now);
  gint64 until = G_MININT64;
  gint64 next_start = G_MAXINT64;
  gboolean in_force = FALSE;

  /* Ranges that started yesterday may still run; the next one starts
   * within a week. */
  for (gint64 day = today - 1; day <= today + 8; day++)
    {
      gint64 start, end;

      if (!(range->days & (1u << weekday_of (day))))
        continue;
      start = instant_of_local (tz, day * DAY_S + range->start_min * 60);
      end = instant_of_local (tz, (day + (range->end_min <= range->start_min)) * DAY_S
                                  + range->end_min * 60);
      if (end <= start)
        continue;       /* wholly inside a skipped hour: it does not happen */
      if (in_force)
        {
          if (start > until)
            break;
          until = MAX (until, end);   /* ranges that meet run on */
        }
      else if (start <= now && now < end)
        {
          in_force = TRUE;
          until = end;
        }
      else if (start > now)
        {
          next_start = start;
          break;
        }
    }
  if (next != NULL)
    {
      if (in_force)
        /* Still running a week on: it never ends (daily 00:00-24:00).  A
         * week, not the eight days looked at: those may be an hour short
         * across a change to summer time, and a weekly pattern that ends
         * runs six days and an hour at most. */
        *next = until >= now + 7 * DAY_S ? G_MAXINT64 : until;
      else
        *next = next_start;
    }
  return in_force;
}

gboolean
hf_schedule_in_force (const HfSchedule *schedule,
                      GTimeZone        *tz,
                      gint64            now,
                      gint64           *next)
{
  Range range = { schedule->days, schedule->start_min, schedule->end_min };

  g_return_val_if_fail (schedule != NULL && tz != NULL, FALSE);
  return range_in_force (&range, tz, now, next);
}

/* ---- plans ------------------------------------------------------------------ */

typedef struct
{
  Range    range;
  gboolean active;
  gint64   next;        /* when @active changes */
} PlanRange;

typedef struct
{
  guint first;          /* into plan->order */
  guint n;
} Slot;

struct _HfSchedulePlan
{
  GTimeZone  *tz;
  GPtrArray  *schedules;    /* HfSchedule* */
  guint      *range_of;     /* schedule → its range in @ranges */
  GArray     *ranges;       /* PlanRange, one per distinct range */
  GHashTable *by_miner;     /* miner key → GArray of schedule indices */
  GHashTable *by_group;     /* casefolded group name → GArray of schedule indices */
  GHashTable *slots;        /* target key → slot + 1 */
  GArray     *slot_list;    /* Slot */
  GArray     *order;        /* schedule indices, each slot's in priority order */
  gint64      now;
  gint64      next_switch;
  gboolean    updated;
};

static void
index_add (GHashTable *index,
           char       *key,
           guint       i)
{
  GArray *list = g_hash_table_lookup (index, key);

  if (list == NULL)
    {
      list = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (index, key, list);
    }
  else
    g_free (key);
  g_array_append_val (list, i);
}

HfSchedulePlan *
hf_schedule_plan_new (GPtrArray *schedules,
                      GTimeZone *tz)
{
  HfSchedulePlan *plan = g_new0 (HfSchedulePlan, 1);
  g_autoptr(GHashTable) distinct = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint n = schedules != NULL ? schedules->len : 0;

  g_return_val_if_fail (tz != NULL, NULL);

  plan->tz = g_time_zone_ref (tz);
  plan->schedules = g_ptr_array_new_full (n, (GDestroyNotify) hf_schedule_free);
  plan->range_of = g_new0 (guint, MAX (n, 1));
  plan->ranges = g_array_new (FALSE, FALSE, sizeof (PlanRange));
  plan->by_miner = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_array_unref);
  plan->by_group = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_array_unref);
  plan->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  plan->slot_list = g_array_new (FALSE, FALSE, sizeof (Slot));
  plan->order = g_array_new (FALSE, FALSE, sizeof (guint));
  plan->next_switch = G_MAXINT64;

  for (guint i = 0; i < n; i++)
    {
      HfSchedule *s = hf_schedule_copy (g_ptr_array_index (schedules, i));
      guint key = (guint) s->days << 22 | (guint) s->start_min << 11 | s->end_min;
      gpointer found;

      g_ptr_array_add (plan->schedules, s);
      found = g_hash_table_lookup (distinct, GUINT_TO_POINTER (key + 1));
      if (found == NULL)
        {
          PlanRange r = { { s->days, s->start_min, s->end_min }, FALSE, G_MININT64 };

          g_array_append_val (plan->ranges, r);
          found = GUINT_TO_POINTER (plan->ranges->len);
          g_hash_table_insert (distinct, GUINT_TO_POINTER (key + 1), found);
        }
      plan->range_of[i] = GPOINTER_TO_UINT (found) - 1;
      if (s->miner != NULL)
        index_add (plan->by_miner, g_strdup (s->miner), i);
      if (s->address != NULL && g_strcmp0 (s->address, s->miner) != 0)
        index_add (plan->by_miner, g_strdup (s->address), i);
      if (s->group != NULL)
        index_add (plan->by_group, g_utf8_casefold (s->group, -1), i);
    }
  return plan;
}

void
hf_schedule_plan_free (HfSchedulePlan *plan)
{
  if (plan == NULL)
    return;
  g_time_zone_unref (plan->tz);
  g_ptr_array_unref (plan->schedules);
  g_free (plan->range_of);
  g_array_unref (plan->ranges);
  g_hash_table_unref (plan->by_miner);
  g_hash_table_unref (plan->by_group);
  g_hash_table_unref (plan->slots);
  g_array_unref (plan->slot_list);
  g_array_unref (plan->order);
  g_free (plan);
}

guint
hf_schedule_plan_get_n_schedules (HfSchedulePlan *plan)
{
  return plan->schedules->len;
}

const HfSchedule *
hf_schedule_plan_get_schedule (HfSchedulePlan *plan,
                               guint           index)
{
  g_return_val_if_fail (index < plan->schedules->len, NULL);
  return g_ptr_array_index (plan->schedules, index);
}

/* Which of two schedules wins where both are in force: the miner's own
 * over a group's, then the one created last. */
static int
compare_priority (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  HfSchedulePlan *plan = user_data;
  const HfSchedule *x = g_ptr_array_index (plan->schedules, *(const guint *) a);
  const HfSchedule *y = g_ptr_array_index (plan->schedules, *(const guint *) b);

  if ((x->miner != NULL) != (y->miner != NULL))
    return x->miner != NULL ? -1 : 1;
  if (x->created != y->created)
    return x->created > y->created ? -1 : 1;
  if (x->id != y->id)
    return x->id > y->id ? -1 : 1;
  return 0;
}

static void
append_unique (GArray       *list,
               const GArray *from)
{
  for (guint i = 0; from != NULL && i < from->len; i++)
    {
      guint s = g_array_index (from, guint, i);
      gboolean seen = FALSE;

      for (guint k = 0; k < list->len && !seen; k++)
        seen = g_array_index (list, guint, k) == s;
      if (!seen)
        g_array_append_val (list, s);
    }
}

guint
hf_schedule_plan_add_target (HfSchedulePlan     *plan,
                             const char         *key,
                             const char         *address,
                             const char * const *groups)
{
  g_autoptr(GArray) mine = g_array_new (FALSE, FALSE, sizeof (guint));
  Slot slot;
  gpointer known;

  g_return_val_if_fail (key != NULL, 0);

  known = g_hash_table_lookup (plan->slots, key);
  if (known != NULL)
    return GPOINTER_TO_UINT (known) - 1;
  append_unique (mine, g_hash_table_lookup (plan->by_miner, key));
  if (address != NULL)
    append_unique (mine, g_hash_table_lookup (plan->by_miner, address));
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      g_autofree char *folded = g_utf8_casefold (groups[i], -1);

      append_unique (mine, g_hash_table_lookup (plan->by_group, folded));
    }
  g_array_sort_with_data (mine, compare_priority, plan);
  slot.first = plan->order->len;
  slot.n = mine->len;
  g_array_append_vals (plan->order, mine->data, mine->len);
  g_array_append_val (plan->slot_list, slot);
  g_hash_table_insert (plan->slots, g_strdup (key), GUINT_TO_POINTER (plan->slot_list->len));
  return plan->slot_list->len - 1;
}

int
hf_schedule_plan_lookup (HfSchedulePlan *plan,
                         const char     *key)
{
  gpointer known = key != NULL ? g_hash_table_lookup (plan->slots, key) : NULL;
  guint slot;

  if (known == NULL)
    return -1;
  slot = GPOINTER_TO_UINT (known) - 1;
  return g_array_index (plan->slot_list, Slot, slot).n > 0 ? (int) slot : -1;
}

void
hf_schedule_plan_update (HfSchedulePlan *plan,
                         gint64          now)
{
  gint64 next = G_MAXINT64;

  /* Nothing switched since the last update (and the clock did not go
   * back): every answer stands. */
  if (plan->updated && now >= plan->now && now < plan->next_switch)
    {
      plan->now = now;
      return;
    }
  for (guint i = 0; i < plan->ranges->len; i++)
    {
      PlanRange *r = &g_array_index (plan->ranges, PlanRange, i);

      if (!plan->updated || now < plan->now || now >= r->next)
        r->active = range_in_force (&r->range, plan->tz, now, &r->next);
      next = MIN (next, r->next);
    }
  plan->now = now;
  plan->next_switch = next;
  plan->updated = TRUE;
}

gint64
hf_schedule_plan_get_next_switch (HfSchedulePlan *plan)
{
  return plan->next_switch;
}

const HfScheduleState *
hf_schedule_plan_get_desired (HfSchedulePlan    *plan,
                              int                target,
                              const HfSchedule **schedule)
{
  const Slot *slot;
  const guint *order;

  if (schedule != NULL)
    *schedule = NULL;
  if (target < 0 || (guint) target >= plan->slot_list->len || !plan->updated)
    return NULL;
  slot = &g_array_index (plan->slot_list, Slot, target);
  order = &g_array_index (plan->order, guint, slot->first);
  for (guint i = 0; i < slot->n; i++)
    if (g_array_index (plan->ranges, PlanRange, plan->range_of[order[i]]).active)
      {
        const HfSchedule *s = g_ptr_array_index (plan->schedules, order[i]);

        if (schedule != NULL)
          *schedule = s;
        return &s->state;
      }
  return NULL;
}

/* What @slot should do at @when, and when any of its schedules next
 * switches after it (*@next). */
static const HfScheduleState *
desired_at (HfSchedulePlan *plan,
            const Slot     *slot,
            gint64          when,
            gint64         *next)
{
  const HfScheduleState *state = NULL;

  *next = G_MAXINT64;
  for (guint i = 0; i < slot->n; i++)
    {
      guint s = g_array_index (plan->order, guint, slot->first + i);
      const PlanRange *r = &g_array_index (plan->ranges, PlanRange, plan->range_of[s]);
      gint64 until;

      if (range_in_force (&r->range, plan->tz, when, &until) && state == NULL)
        state = &((const HfSchedule *) g_ptr_array_index (plan->schedules, s))->state;
      *next = MIN (*next, until);
    }
  return state;
}

gint64
hf_schedule_plan_next_change (HfSchedulePlan         *plan,
                              int                     target,
                              gint64                  now,
                              const HfScheduleState **after)
{
  const Slot *slot;
  const HfScheduleState *current;
  gint64 when;

  if (after != NULL)
    *after = NULL;
  if (target < 0 || (guint) target >= plan->slot_list->len)
    return G_MAXINT64;
  slot = &g_array_index (plan->slot_list, Slot, target);
  current = desired_at (plan, slot, now, &when);
  /* A switch of one schedule may change nothing (another one wins):
   * look on, a bounded number of switches. */
  for (guint k = 0; k < 64 && when != G_MAXINT64; k++)
    {
      gint64 next;
      const HfScheduleState *state = desired_at (plan, slot, when, &next);

      if (!hf_schedule_state_equal (state, current))
        {
          if (after != NULL)
            *after = state;
          return when;
        }
      when = next;
    }
  return G_MAXINT64;
}
