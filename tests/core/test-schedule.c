/* test-schedule.c — schedules evaluated on an injected clock
 * SPDX-License-Identifier: MIT
 *
 * The text forms; wall times across Europe/Berlin's daylight-saving
 * changes (last Sunday of March and of October 2026); a week walked
 * minute by minute across each change, where every switch must happen
 * exactly once, at the instant the plan announced; overnight ranges;
 * overlaps (the miner's own schedule over a group's, else the latest).
 */
#include "hf-error.h"
#include "hf-schedule.h"
#include "hf-test-utils.h"

static GTimeZone *berlin;

/* UTC instant of a date and time. */
static gint64
utc (int y, int mo, int d, int h, int mi)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, 0);
  return g_date_time_to_unix (dt);
}

static HfSchedule *
schedule (gint64 id, const char *miner, const char *group, const char *days, const char *time,
          const char *state, gint64 created)
{
  HfSchedule *s = hf_schedule_new ();
  g_autoptr(GError) error = NULL;

  s->id = id;
  s->miner = g_strdup (miner);
  s->group = g_strdup (group);
  s->created = created;
  g_assert_true (hf_schedule_parse_days (days, &s->days, &error));
  g_assert_true (hf_schedule_parse_time_range (time, &s->start_min, &s->end_min, &error));
  g_assert_true (hf_schedule_parse_state (state, &s->state, &error));
  g_assert_no_error (error);
  return s;
}

static void
test_text (void)
{
  guint8 days = 0;
  guint16 start = 0, end = 0;
  HfScheduleState st = { 0 };
  g_autoptr(GError) error = NULL;
  const char *bad_days[] = { "", "funday", "mon-", "mon,,fri", "-fri" };
  const char *bad_times[] = { "22:00", "2200-0600", "25:00-01:00", "22:60-06:00", "24:00-06:00",
                              " 1:00-2:00x", "+1:00-02:00" };
  const char *bad_states[] = { "sleep", "mode:3", "mode:", "preset:525", "preset:0/1150",
                               "preset:525/1150/3", "pool:", "pool:a\nb", "" };
  g_autofree char *ps = g_strnfill (65, 'p');
  g_autofree char *long_pool = g_strconcat ("pool:", ps, NULL);
  struct { const char *in; guint8 mask; const char *out; } days_cases[] = {
    { "mon-fri", 0x1f, "mon-fri" }, { "sat,sun", 0x60, "sat,sun" }, { "daily", 0x7f, "daily" },
    { "Weekdays", 0x1f, "mon-fri" }, { "fri-mon", 0x71, "mon,fri-sun" },
    { "mon,wed,fri", 0x15, "mon,wed,fri" }, { "Tuesday", 0x02, "tue" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (days_cases); i++)
    {
      g_autofree char *text = NULL;

      g_assert_true (hf_schedule_parse_days (days_cases[i].in, &days, &error));
      g_assert_cmphex (days, ==, days_cases[i].mask);
      text = hf_schedule_days_to_string (days);
      g_assert_cmpstr (text, ==, days_cases[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_days); i++)
    {
      g_assert_false (hf_schedule_parse_days (bad_days[i], &days, &error));
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
      g_clear_error (&error);
    }

  g_assert_true (hf_schedule_parse_time_range ("22:00-06:00", &start, &end, &error));
  g_assert_cmpuint (start, ==, 1320);
  g_assert_cmpuint (end, ==, 360);
  g_assert_true (hf_schedule_parse_time_range ("9:30-24:00", &start, &end, &error));
  g_assert_cmpuint (start, ==, 570);
  g_assert_cmpuint (end, ==, 0);
  {
    g_autofree char *text = hf_schedule_time_range_to_string (start, end);
    g_assert_cmpstr (text, ==, "09:30-00:00");
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_times); i++)
    {
      g_assert_false (hf_schedule_parse_time_range (bad_times[i], &start, &end, &error));
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
      g_clear_error (&error);
    }

  {
    const char *good[] = { "mining", "paused", "mode:2", "preset:525/1150", "pool:night" };

    for (guint i = 0; i < G_N_ELEMENTS (good); i++)
      {
        g_autofree char *text = NULL;

        g_assert_true (hf_schedule_parse_state (good[i], &st, &error));
        g_assert_no_error (error);
        text = hf_schedule_state_to_string (&st);
        g_assert_cmpstr (text, ==, good[i]);
        hf_schedule_state_clear (&st);
      }
    g_assert_true (hf_schedule_parse_state ("mode:eco", &st, &error));
    g_assert_cmpint (st.kind, ==, HF_SCHEDULE_MODE);
    g_assert_cmpint (st.work_mode, ==, 0);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_states); i++)
    {
      g_assert_false (hf_schedule_parse_state (bad_states[i], &st, &error));
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_false (hf_schedule_parse_state (long_pool, &st, &error));
  g_clear_error (&error);
}

/* Wall times that do not exist, or exist twice. */
static void
test_wall_time (void)
{
  /* A winter evening: CET, UTC+1. */
  g_assert_cmpint (hf_schedule_wall_time (berlin, 2026, 3, 28, 22 * 60), ==, utc (2026, 3, 28, 21, 0));
  /* 02:30 on 29 March does not happen: the first instant after the gap
   * is 03:00 CEST, 01:00 UTC. */
  g_assert_cmpint (hf_schedule_wall_time (berlin, 2026, 3, 29, 2 * 60 + 30), ==,
                   utc (2026, 3, 29, 1, 0));
  g_assert_cmpint (hf_schedule_wall_time (berlin, 2026, 3, 29, 3 * 60), ==, utc (2026, 3, 29, 1, 0));
  g_assert_cmpint (hf_schedule_wall_time (berlin, 2026, 3, 29, 1 * 60 + 59), ==,
                   utc (2026, 3, 29, 0, 59));
  /* 02:30 on 25 October happens twice: the first, CEST, 00:30 UTC. */
  g_assert_cmpint (hf_schedule_wall_time (berlin, 2026, 10, 25, 2 * 60 + 30), ==,
                   utc (2026, 10, 25, 0, 30));
  g_assert_cmpint (hf_schedule_wall_time (berlin, 2026, 10, 25, 3 * 60), ==, utc (2026, 10, 25, 2, 0));
  /* And UTC itself has no gaps. */
  {
    g_autoptr(GTimeZone) z = g_time_zone_new_utc ();
    g_assert_cmpint (hf_schedule_wall_time (z, 2026, 3, 29, 150), ==, utc (2026, 3, 29, 2, 30));
  }
}

/* Walk @plan's @target from @from to @to a minute at a time: the instants
 * where its desired state changed, as "UNIX=STATE" words. */
static char *
walk (HfSchedulePlan *plan,
      int             target,
      gint64          from,
      gint64          to)
{
  GString *out = g_string_new (NULL);
  const HfScheduleState *prev = NULL;
  gint64 announced = G_MAXINT64;

  for (gint64 t = from; t <= to; t += 60)
    {
      const HfScheduleState *cur;

      hf_schedule_plan_update (plan, t);
      cur = hf_schedule_plan_get_desired (plan, target, NULL);
      if (t != from && !hf_schedule_state_equal (cur, prev))
        {
          g_autofree char *state = cur != NULL ? hf_schedule_state_to_string (cur)
                                               : g_strdup ("none");
          g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
          g_autofree char *when = g_date_time_format (dt, "%d %H:%M");

          /* Every change happens at a switch the plan announced. */
          g_assert_cmpint (t, ==, announced);
          g_string_append_printf (out, "%s%s=%s", out->len ? " " : "", when, state);
        }
      prev = cur;
      announced = hf_schedule_plan_get_next_switch (plan);
    }
  return g_string_free (out, FALSE);
}

static HfSchedulePlan *
plan_of (HfSchedule **list,
         guint        n)
{
  g_autoptr(GPtrArray) schedules = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (schedules, list[i]);
  return hf_schedule_plan_new (schedules, berlin);
}

/* The week of the spring change: nights paused, and a range that starts
 * in the skipped hour. */
static void
test_spring_week (void)
{
  HfSchedule *list[] = {
    schedule (1, "m1", NULL, "daily", "22:00-06:00", "paused", 100),
    schedule (2, "m1", NULL, "sun", "02:30-04:00", "mode:0", 200),
  };
  g_autoptr(HfSchedulePlan) plan = plan_of (list, G_N_ELEMENTS (list));
  int m1 = hf_schedule_plan_add_target (plan, "m1", "127.0.0.9", NULL);
  g_autofree char *changes = NULL;

  /* Monday 23 March 00:00 CET to Monday 30 March 12:00 CEST, all in UTC. */
  changes = walk (plan, m1, utc (2026, 3, 22, 23, 0), utc (2026, 3, 30, 10, 0));
  g_assert_cmpstr (changes, ==,
                   "23 05:00=none 23 21:00=paused "
                   "24 05:00=none 24 21:00=paused "
                   "25 05:00=none 25 21:00=paused "
                   "26 05:00=none 26 21:00=paused "
                   "27 05:00=none 27 21:00=paused "
                   "28 05:00=none 28 21:00=paused "
                   /* Sunday: 02:30 does not happen, mode 0 from 03:00 CEST
                    * (01:00 UTC) to 04:00 CEST; the night ends at 06:00 CEST. */
                   "29 01:00=mode:0 29 02:00=paused 29 04:00=none 29 20:00=paused "
                   "30 04:00=none");
  for (guint i = 0; i < G_N_ELEMENTS (list); i++)
    hf_schedule_free (list[i]);
}

/* The week of the autumn change: 02:00-03:00 happens twice, and each
 * switch in it happens once, the first time. */
static void
test_autumn_week (void)
{
  HfSchedule *list[] = {
    schedule (1, "m1", NULL, "daily", "22:00-06:00", "paused", 100),
    schedule (2, "m1", NULL, "sun", "02:30-04:00", "mode:0", 200),
    schedule (3, "m2", NULL, "sat", "23:00-02:30", "preset:490/1100", 100),
  };
  g_autoptr(HfSchedulePlan) plan = plan_of (list, G_N_ELEMENTS (list));
  int m1 = hf_schedule_plan_add_target (plan, "m1", NULL, NULL);
  int m2 = hf_schedule_plan_add_target (plan, "m2", NULL, NULL);
  g_autofree char *changes1 = NULL;
  g_autofree char *changes2 = NULL;

  /* Monday 19 October 00:00 CEST to Monday 26 October 12:00 CET. */
  changes1 = walk (plan, m1, utc (2026, 10, 18, 22, 0), utc (2026, 10, 26, 11, 0));
  g_assert_cmpstr (changes1, ==,
                   "19 04:00=none 19 20:00=paused "
                   "20 04:00=none 20 20:00=paused "
                   "21 04:00=none 21 20:00=paused "
                   "22 04:00=none 22 20:00=paused "
                   "23 04:00=none 23 20:00=paused "
                   "24 04:00=none 24 20:00=paused "
                   /* The first 02:30 (CEST) to 04:00 CET; the night ends
                    * at 06:00 CET and starts again at 22:00 CET. */
                   "25 00:30=mode:0 25 03:00=paused 25 05:00=none 25 21:00=paused "
                   "26 05:00=none");
  changes2 = walk (plan, m2, utc (2026, 10, 18, 22, 0), utc (2026, 10, 26, 11, 0));
  /* Saturday 23:00 CEST to the first 02:30: it does not come back when
   * 02:00-03:00 happens again. */
  g_assert_cmpstr (changes2, ==, "24 21:00=preset:490/1100 25 00:30=none");

  /* The next change from the plan, for a card. */
  {
    const HfScheduleState *after = NULL;
    gint64 when = hf_schedule_plan_next_change (plan, m1, utc (2026, 10, 24, 12, 0), &after);

    g_assert_cmpint (when, ==, utc (2026, 10, 24, 20, 0));
    g_assert_nonnull (after);
    g_assert_cmpint (after->kind, ==, HF_SCHEDULE_PAUSED);
  }
  for (guint i = 0; i < G_N_ELEMENTS (list); i++)
    hf_schedule_free (list[i]);
}

/* Overnight ranges on some days, and what wins where ranges overlap. */
static void
test_overlaps (void)
{
  const char *garage[] = { "Garage", NULL };
  const char *both[] = { "garage", "heaters", NULL };
  HfSchedule *list[] = {
    /* The miner's own, oldest of all. */
    schedule (1, "m3", NULL, "mon-fri", "09:00-17:00", "paused", 10),
    /* Two group schedules: the later one wins where both run. */
    schedule (2, NULL, "garage", "daily", "00:00-24:00", "mining", 20),
    schedule (3, NULL, "HEATERS", "daily", "18:00-08:00", "mode:2", 30),
    /* Friday night only, into Saturday. */
    schedule (4, "m5", NULL, "fri", "23:00-01:00", "paused", 40),
  };
  g_autoptr(HfSchedulePlan) plan = plan_of (list, G_N_ELEMENTS (list));
  int m3 = hf_schedule_plan_add_target (plan, "m3", NULL, garage);
  int m4 = hf_schedule_plan_add_target (plan, "m4", NULL, both);
  int m5 = hf_schedule_plan_add_target (plan, "m5", NULL, NULL);
  const HfSchedule *won = NULL;
  const HfScheduleState *st;
  gint64 next;

  g_assert_cmpint (hf_schedule_plan_lookup (plan, "nobody"), ==, -1);
  g_assert_cmpint (hf_schedule_plan_add_target (plan, "nobody", NULL, NULL), >=, 0);
  g_assert_cmpint (hf_schedule_plan_lookup (plan, "nobody"), ==, -1);

  /* Wednesday 17 June 2026, 10:00 CEST: m3's own schedule wins over its
   * group's; m4 has only the garage's. */
  hf_schedule_plan_update (plan, utc (2026, 6, 17, 8, 0));
  st = hf_schedule_plan_get_desired (plan, m3, &won);
  g_assert_cmpint (st->kind, ==, HF_SCHEDULE_PAUSED);
  g_assert_cmpint (won->id, ==, 1);
  st = hf_schedule_plan_get_desired (plan, m4, &won);
  g_assert_cmpint (st->kind, ==, HF_SCHEDULE_MINING);
  g_assert_null (hf_schedule_plan_get_desired (plan, m5, NULL));

  /* 20:00: the heaters' schedule (created later) wins for m4. */
  hf_schedule_plan_update (plan, utc (2026, 6, 17, 18, 0));
  st = hf_schedule_plan_get_desired (plan, m4, &won);
  g_assert_cmpint (won->id, ==, 3);
  g_assert_cmpint (st->work_mode, ==, 2);
  st = hf_schedule_plan_get_desired (plan, m3, &won);
  g_assert_cmpint (won->id, ==, 2);

  /* Friday 19 June 23:30 and Saturday 00:30: m5 paused; 01:00 not. */
  hf_schedule_plan_update (plan, utc (2026, 6, 19, 21, 30));
  g_assert_nonnull (hf_schedule_plan_get_desired (plan, m5, NULL));
  hf_schedule_plan_update (plan, utc (2026, 6, 19, 22, 30));
  g_assert_nonnull (hf_schedule_plan_get_desired (plan, m5, NULL));
  hf_schedule_plan_update (plan, utc (2026, 6, 19, 23, 0));
  g_assert_null (hf_schedule_plan_get_desired (plan, m5, NULL));
  /* Thursday night is not Friday's. */
  hf_schedule_plan_update (plan, utc (2026, 6, 18, 21, 30));
  g_assert_null (hf_schedule_plan_get_desired (plan, m5, NULL));

  /* Always-on: no switch ever. */
  g_assert_false (hf_schedule_in_force (list[3], berlin, utc (2026, 6, 17, 8, 0), &next));
  g_assert_cmpint (next, ==, utc (2026, 6, 19, 21, 0));
  g_assert_true (hf_schedule_in_force (list[1], berlin, utc (2026, 6, 17, 8, 0), &next));
  g_assert_cmpint (next, ==, G_MAXINT64);

  /* The clock going back (a corrected clock) is answered afresh. */
  hf_schedule_plan_update (plan, utc (2026, 6, 17, 8, 0));
  st = hf_schedule_plan_get_desired (plan, m4, &won);
  g_assert_cmpint (won->id, ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (list); i++)
    hf_schedule_free (list[i]);
}

/* A range that runs all day every day never switches, also on evenings a
 * week before the clocks go forward (the week ahead is an hour short). */
static void
test_always (void)
{
  g_autoptr(HfSchedule) s = schedule (1, "m", NULL, "daily", "00:00-00:00", "paused", 1);

  /* 2026-03-21 23:30 in Berlin (22:30 UTC) to 2026-03-22 00:30: the
   * clocks go forward on the 29th. */
  for (gint64 t = utc (2026, 3, 21, 21, 0); t < utc (2026, 3, 22, 0, 0); t += 600)
    {
      gint64 next = 0;

      g_assert_true (hf_schedule_in_force (s, berlin, t, &next));
      g_assert_cmpint (next, ==, G_MAXINT64);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  if (berlin == NULL)
    {
      g_test_skip ("no Europe/Berlin in this system's time zone data");
      return 77;
    }

  g_test_add_func ("/schedule/text", test_text);
  g_test_add_func ("/schedule/wall-time", test_wall_time);
  g_test_add_func ("/schedule/spring-week", test_spring_week);
  g_test_add_func ("/schedule/autumn-week", test_autumn_week);
  g_test_add_func ("/schedule/overlaps", test_overlaps);
  g_test_add_func ("/schedule/always", test_always);

  status = g_test_run ();
  g_time_zone_unref (berlin);
  return status;
}
