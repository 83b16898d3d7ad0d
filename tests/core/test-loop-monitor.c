/* test-loop-monitor.c — HfLoopMonitor: stalls, and the work within them
 * SPDX-License-Identifier: MIT
 */
#include <time.h>

#include "hf-loop-monitor.h"
#include "hf-test-utils.h"

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  g_assert_cmpint (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts), ==, 0);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* 40 ms of this thread's CPU (however long that takes on a busy
 * machine), or 40 ms asleep. */
static gboolean
hold_cb (gpointer user_data)
{
  gboolean spin = GPOINTER_TO_INT (user_data);
  gint64 until = thread_cpu_us () + 40 * 1000;

  if (spin)
    while (thread_cpu_us () < until)
      ;
  else
    g_usleep (40 * 1000);
  return G_SOURCE_REMOVE;
}

/* Let the monitor tick a few times, then hold the loop 40 ms from a
 * dispatch: by working (spin), or by waiting (sleep). */
static void
run (HfLoopMonitor *monitor,
     gboolean       spin)
{
  gint64 end = g_get_monotonic_time () + 50 * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  hf_loop_monitor_take_max_stall (monitor);
  hf_loop_monitor_take_max_busy (monitor);
  g_timeout_add (5, hold_cb, GINT_TO_POINTER (spin));
  end = g_get_monotonic_time () + 150 * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_work_and_waiting (void)
{
  g_autoptr(HfLoopMonitor) monitor = hf_loop_monitor_new ();
  double stall, busy;

  run (monitor, TRUE);
  stall = hf_loop_monitor_take_max_stall (monitor);
  busy = hf_loop_monitor_take_max_busy (monitor);
  g_test_message ("spinning: stall %.1f ms, busy %.1f ms", stall, busy);
  g_assert_cmpfloat (stall, >=, 25);
  g_assert_cmpfloat (busy, >=, 40);

  run (monitor, FALSE);
  stall = hf_loop_monitor_take_max_stall (monitor);
  busy = hf_loop_monitor_take_max_busy (monitor);
  g_test_message ("sleeping: stall %.1f ms, busy %.1f ms", stall, busy);
  g_assert_cmpfloat (stall, >=, 25);
  g_assert_cmpfloat (busy, <, 15);

  /* Taken: nothing left until the loop runs again. */
  g_assert_cmpfloat (hf_loop_monitor_take_max_stall (monitor), ==, 0);
  g_assert_cmpfloat (hf_loop_monitor_take_max_busy (monitor), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/loop-monitor/work-and-waiting", test_work_and_waiting);
  return g_test_run ();
}
