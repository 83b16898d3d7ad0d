/* hf-socket-mux.h — many sockets and timers, one GSource: the epoll multiplexer
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * HfSocketMuxWatch:
 *
 * A one-shot wait for a file descriptor to become ready for @condition,
 * or for @deadline_us (g_get_monotonic_time()) to pass, on a main context.
 *
 * GLib 2.74 wakes its main loop (a write to its eventfd, and one more
 * pass over every source) each time a source with a descriptor is
 * attached or destroyed and each time a ready time changes: a request
 * with a source per wait cost about nine of those, and every pass walks
 * every source in flight.  On Linux all watches of a context share one
 * GSource holding an epoll set and a timerfd for the earliest deadline, so
 * adding and ending a watch touches neither GLib nor the other watches.
 * One dispatch handles ready watches for about 3 ms and leaves the rest
 * to the next, so that hundreds of replies or expired deadlines at once
 * do not hold the main loop.  Elsewhere each watch is a GSource of its
 * own.
 */
typedef struct _HfSocketMuxWatch HfSocketMuxWatch;

/* @condition: what became ready (0 when @timed_out). */
typedef void (*HfSocketMuxFunc) (GIOCondition condition,
                                 gboolean     timed_out,
                                 gpointer     user_data);

/* Dispatched on @context (NULL: the global default).  The watch ends when
 * @func is called or on hf_socket_mux_watch_cancel(), whichever comes first;
 * main context thread only.  One watch per descriptor at a time (a second
 * one is reported ready at once); @fd -1 makes a plain timer. */
HfSocketMuxWatch *hf_socket_mux_watch        (GMainContext     *context,
                                              int               fd,
                                              GIOCondition      condition,
                                              gint64            deadline_us,
                                              HfSocketMuxFunc   func,
                                              gpointer          user_data);
/* End @watch without calling its function.  Before closing its fd. */
void              hf_socket_mux_watch_cancel (HfSocketMuxWatch *watch);
/* Call @watch's function as timed out at the next dispatch (for
 * cancellation: the function then sees the cancelled state). */
void              hf_socket_mux_watch_expire (HfSocketMuxWatch *watch);

G_END_DECLS
