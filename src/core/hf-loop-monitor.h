/* hf-loop-monitor.h — how long the main loop went without dispatching
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A 10 ms timer on the thread-default main context that records the
 * longest gap between two of its dispatches.  The stall is that gap minus
 * the 10 ms: how long the loop was held by something else. */
typedef struct _HfLoopMonitor HfLoopMonitor;

HfLoopMonitor *hf_loop_monitor_new            (void);
void           hf_loop_monitor_free           (HfLoopMonitor *self);
/* The longest stall (ms) since the last call, and start over. */
double         hf_loop_monitor_take_max_stall (HfLoopMonitor *self);
/* The most CPU time (ms) the loop's thread used between two ticks since
 * the last call, and start over: the part of a stall that was the
 * thread's own work.  A stall much longer than this was the thread waiting
 * for a CPU (on a busy machine, a woken thread may wait tens of ms). */
double         hf_loop_monitor_take_max_busy  (HfLoopMonitor *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfLoopMonitor, hf_loop_monitor_free)

G_END_DECLS
