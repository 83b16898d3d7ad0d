/* hf-loop-monitor.c
 * SPDX-License-Identifier: MIT
 */
#include <time.h>

#include "hf-loop-monitor.h"

#define TICK_MS 10

struct _HfLoopMonitor
{
  GSource *source;
  gint64   last;
  gint64   last_cpu;
  gint64   max_gap;
  gint64   max_busy;
};

/* CPU time of the calling thread (µs). */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
tick_cb (gpointer user_data)
{
  HfLoopMonitor *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (self->last != 0)
    {
      self->max_gap = MAX (self->max_gap, now - self->last);
      self->max_busy = MAX (self->max_busy, cpu - self->last_cpu);
    }
  self->last = now;
  self->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

HfLoopMonitor *
hf_loop_monitor_new (void)
{
  HfLoopMonitor *self = g_new0 (HfLoopMonitor, 1);

  self->source = g_timeout_source_new (TICK_MS);
  g_source_set_callback (self->source, tick_cb, self, NULL);
  g_source_attach (self->source, g_main_context_get_thread_default ());
  self->last = g_get_monotonic_time ();
  self->last_cpu = thread_cpu_us ();
  return self;
}

void
hf_loop_monitor_free (HfLoopMonitor *self)
{
  if (self == NULL)
    return;
  g_source_destroy (self->source);
  g_source_unref (self->source);
  g_free (self);
}

double
hf_loop_monitor_take_max_stall (HfLoopMonitor *self)
{
  double stall = MAX (0, self->max_gap - TICK_MS * 1000) / 1000.0;

  self->max_gap = 0;
  return stall;
}

double
hf_loop_monitor_take_max_busy (HfLoopMonitor *self)
{
  double busy = self->max_busy / 1000.0;

  self->max_busy = 0;
  return busy;
}
