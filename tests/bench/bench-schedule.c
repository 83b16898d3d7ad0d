/* bench-schedule.c — what evaluating schedules for a fleet costs per cycle
 * SPDX-License-Identifier: MIT
 *
 * Usage: bench-schedule
 *
 * 1000 miners in 10 groups (Europe/Berlin), each with a schedule of its
 * own (8 distinct ranges among them, some overnight), and 10 group
 * schedules.  Prints, on the calling thread:
 *  - building the plan (schedules indexed, 1000 miners resolved);
 *  - a poll cycle: bring the plan to now and ask each of the 1000 miners
 *    what it should do (median of 10 000 cycles; target ≤ 1 ms);
 *  - the worst cycle of a week walked an hour at a time (cycles where
 *    ranges switch and are worked out again).
 */
#include <stdio.h>
#include <stdlib.h>

#include "hf-core.h"

#define MINERS 1000
#define GROUPS 10
#define CYCLES 10000

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (void)
{
  static const char *const ranges[] = {
    "22:00-06:00", "08:00-18:00", "00:00-07:00", "17:00-21:00",
    "23:30-05:30", "12:00-13:00", "06:00-22:00", "19:00-07:00",
  };
  static const char *const days[] = { "daily", "mon-fri", "sat,sun", "mon,wed,fri" };
  static const char *const states[] = { "paused", "mining", "mode:0", "preset:525/1150" };
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr(GPtrArray) schedules = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_schedule_free);
  g_autoptr(HfSchedulePlan) plan = NULL;
  char **keys = g_new0 (char *, MINERS);
  double *cycle_ms = g_new (double, CYCLES);
  gint64 start, now = 1781000000;   /* a Tuesday in June 2026 */
  guint desired = 0;
  double worst = 0, build_ms;

  if (tz == NULL)
    {
      fprintf (stderr, "bench-schedule: no Europe/Berlin time zone data\n");
      return 1;
    }
  for (guint i = 0; i < MINERS + GROUPS; i++)
    {
      HfSchedule *s = hf_schedule_new ();

      if (i < MINERS)
        s->miner = g_strdup_printf ("aa:bb:cc:00:%02x:%02x", i / 256, i % 256);
      else
        s->group = g_strdup_printf ("group %u", i - MINERS);
      hf_schedule_parse_days (days[i % G_N_ELEMENTS (days)], &s->days, NULL);
      hf_schedule_parse_time_range (ranges[i % G_N_ELEMENTS (ranges)], &s->start_min,
                                    &s->end_min, NULL);
      hf_schedule_parse_state (states[i % G_N_ELEMENTS (states)], &s->state, NULL);
      s->id = i + 1;
      s->created = 1000 + i;
      g_ptr_array_add (schedules, s);
    }

  start = g_get_monotonic_time ();
  plan = hf_schedule_plan_new (schedules, tz);
  for (guint i = 0; i < MINERS; i++)
    {
      g_autofree char *group = g_strdup_printf ("group %u", i % GROUPS);
      const char *groups[] = { group, NULL };

      keys[i] = g_strdup_printf ("aa:bb:cc:00:%02x:%02x", i / 256, i % 256);
      hf_schedule_plan_add_target (plan, keys[i], NULL, groups);
    }
  build_ms = (g_get_monotonic_time () - start) / 1000.0;

  /* A cycle every 15 s, as the fleet polls. */
  for (guint c = 0; c < CYCLES; c++)
    {
      start = g_get_monotonic_time ();
      hf_schedule_plan_update (plan, now + c * 15);
      for (guint i = 0; i < MINERS; i++)
        desired += hf_schedule_plan_get_desired (plan, hf_schedule_plan_lookup (plan, keys[i]),
                                                 NULL) != NULL;
      cycle_ms[c] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (cycle_ms, CYCLES, sizeof *cycle_ms, compare_double);

  /* A week an hour at a time: most of these cross a switch. */
  for (guint h = 0; h < 7 * 24; h++)
    {
      double ms;

      start = g_get_monotonic_time ();
      hf_schedule_plan_update (plan, now + CYCLES * 15 + h * 3600);
      for (guint i = 0; i < MINERS; i++)
        desired += hf_schedule_plan_get_desired (plan, hf_schedule_plan_lookup (plan, keys[i]),
                                                 NULL) != NULL;
      ms = (g_get_monotonic_time () - start) / 1000.0;
      worst = MAX (worst, ms);
    }

  printf ("schedules: %u (%u for miners, %u for groups), miners: %u\n", schedules->len, MINERS,
          GROUPS, MINERS);
  printf ("plan built in %.2f ms\n", build_ms);
  printf ("cycle (update + 1000 miners asked): median %.3f ms, p99 %.3f ms, max %.3f ms "
          "(target ≤ 1 ms)\n", cycle_ms[CYCLES / 2], cycle_ms[CYCLES * 99 / 100],
          cycle_ms[CYCLES - 1]);
  printf ("worst cycle of a week walked hourly (ranges switching): %.3f ms\n", worst);
  printf ("(%u answers)\n", desired);
  for (guint i = 0; i < MINERS; i++)
    g_free (keys[i]);
  g_free (keys);
  g_free (cycle_ms);
  return 0;
}
