/* hf-socket-mux.c
 * SPDX-License-Identifier: MIT
 *
 * See hf-socket-mux.h for why.  On Linux: one GSource per main context watches
 * an epoll set with every watched descriptor plus a timerfd armed for the
 * earliest deadline; a dispatch takes what epoll reports ready, then every
 * watch whose deadline passed.  Watches are found through their id (the
 * epoll event's data), so one that ended earlier in the same dispatch is
 * simply not found.
 */
#include "hf-socket-mux.h"

#ifdef __linux__

#include <errno.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define TIMER_ID   0
/* The work of one dispatch: with hundreds of requests in flight, a few
 * hundred ready sockets or expired deadlines handled in one go (each
 * reply parsed, each failure reported) would hold the main loop for tens
 * of milliseconds.  What is left after this much waits for the next
 * dispatch: the epoll set is level-triggered and the timer is re-armed. */
#define DISPATCH_BUDGET_US 3000

typedef struct
{
  GSource     source;
  int         epfd;
  int         timerfd;
  GHashTable *watches;       /* id → HfSocketMuxWatch */
  GSequence  *by_deadline;   /* HfSocketMuxWatch, earliest first */
  gint64      armed;         /* what the timerfd is set for; 0: nothing */
  guint64     next_id;
} SocketMux;

struct _HfSocketMuxWatch
{
  SocketMux       *mux;
  guint64          id;
  int              fd;
  gint64           deadline_us;
  GSequenceIter   *iter;
  HfSocketMuxFunc  func;
  gpointer         user_data;
};

G_LOCK_DEFINE_STATIC (muxes);
static GHashTable *muxes;  /* GMainContext → SocketMux, for the process's life */

static int
by_deadline (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const HfSocketMuxWatch *x = a, *y = b;

  if (x->deadline_us != y->deadline_us)
    return x->deadline_us < y->deadline_us ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static void
arm (SocketMux *p)
{
  GSequenceIter *first = g_sequence_get_begin_iter (p->by_deadline);
  gint64 deadline = g_sequence_iter_is_end (first)
                    ? 0 : ((HfSocketMuxWatch *) g_sequence_get (first))->deadline_us;
  struct itimerspec spec = { { 0, 0 }, { 0, 0 } };

  if (deadline == p->armed)
    return;
  p->armed = deadline;
  if (deadline != 0)
    {
      /* Absolute CLOCK_MONOTONIC, as g_get_monotonic_time(); a time in
       * the past (but not zero, which disarms) fires at once. */
      spec.it_value.tv_sec = deadline / G_USEC_PER_SEC;
      spec.it_value.tv_nsec = (deadline % G_USEC_PER_SEC) * 1000;
    }
  timerfd_settime (p->timerfd, TFD_TIMER_ABSTIME, &spec, NULL);
}

/* Take @w out of the socket mux; the caller calls or drops its function. */
static void
watch_end (HfSocketMuxWatch *w)
{
  SocketMux *p = w->mux;

  if (w->fd >= 0)
    epoll_ctl (p->epfd, EPOLL_CTL_DEL, w->fd, NULL);
  g_sequence_remove (w->iter);
  g_hash_table_remove (p->watches, &w->id);
}

static void
watch_fire (HfSocketMuxWatch *w,
            GIOCondition   condition,
            gboolean       timed_out)
{
  HfSocketMuxFunc func = w->func;
  gpointer user_data = w->user_data;

  watch_end (w);
  g_free (w);
  func (condition, timed_out, user_data);
}

static GIOCondition
to_condition (guint32 events)
{
  return ((events & EPOLLIN) ? G_IO_IN : 0) | ((events & EPOLLOUT) ? G_IO_OUT : 0)
         | ((events & EPOLLPRI) ? G_IO_PRI : 0) | ((events & EPOLLERR) ? G_IO_ERR : 0)
         | ((events & EPOLLHUP) ? G_IO_HUP : 0);
}

static gboolean
mux_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  SocketMux *p = (SocketMux *) source;
  struct epoll_event events[MAX_EVENTS];
  int n = epoll_wait (p->epfd, events, MAX_EVENTS, 0);
  gint64 start = g_get_monotonic_time ();
  gint64 now = start;

  for (int i = 0; i < n && now - start < DISPATCH_BUDGET_US; i++)
    {
      HfSocketMuxWatch *w;

      if (events[i].data.u64 == TIMER_ID)
        {
          guint64 expirations;

          if (read (p->timerfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
            g_debug ("socket mux timer: %s", g_strerror (errno));
          /* Read: it fires again only when armed again. */
          p->armed = 0;
          continue;
        }
      w = g_hash_table_lookup (p->watches, &events[i].data.u64);
      if (w != NULL)
        {
          watch_fire (w, to_condition (events[i].events), FALSE);
          now = g_get_monotonic_time ();
        }
    }

  for (;;)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (p->by_deadline);
      HfSocketMuxWatch *w;

      if (g_sequence_iter_is_end (first))
        break;
      w = g_sequence_get (first);
      if (w->deadline_us > now)
        break;
      if (now - start >= DISPATCH_BUDGET_US)
        {
          /* Expired ones left: the timer, set in the past, fires at once. */
          p->armed = 0;
          break;
        }
      watch_fire (w, 0, TRUE);
      now = g_get_monotonic_time ();
    }
  arm (p);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs mux_funcs = {
  NULL, NULL, mux_dispatch, NULL, NULL, NULL,
};

static SocketMux *
mux_for (GMainContext *context)
{
  SocketMux *p;

  if (context == NULL)
    context = g_main_context_default ();

  G_LOCK (muxes);
  if (muxes == NULL)
    muxes = g_hash_table_new (NULL, NULL);
  p = g_hash_table_lookup (muxes, context);
  if (p == NULL)
    {
      struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TIMER_ID };

      p = (SocketMux *) g_source_new (&mux_funcs, sizeof (SocketMux));
      g_source_set_name ((GSource *) p, "hf-socket-mux");
      p->epfd = epoll_create1 (EPOLL_CLOEXEC);
      p->timerfd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
      if (p->epfd < 0 || p->timerfd < 0)
        g_error ("cannot create the socket mux's epoll set or timer: %s", g_strerror (errno));
      epoll_ctl (p->epfd, EPOLL_CTL_ADD, p->timerfd, &ev);
      p->watches = g_hash_table_new (g_int64_hash, g_int64_equal);
      p->by_deadline = g_sequence_new (NULL);
      p->next_id = TIMER_ID + 1;
      g_source_add_unix_fd ((GSource *) p, p->epfd, G_IO_IN);
      g_source_attach ((GSource *) p, context);
      /* The table keeps the context (and so the source) alive. */
      g_hash_table_insert (muxes, g_main_context_ref (context), p);
    }
  G_UNLOCK (muxes);
  return p;
}

HfSocketMuxWatch *
hf_socket_mux_watch (GMainContext    *context,
                     int              fd,
                     GIOCondition     condition,
                     gint64           deadline_us,
                     HfSocketMuxFunc  func,
                     gpointer         user_data)
{
  SocketMux *p = mux_for (context);
  HfSocketMuxWatch *w = g_new0 (HfSocketMuxWatch, 1);
  struct epoll_event ev = { 0, };

  g_return_val_if_fail (func != NULL, NULL);

  w->mux = p;
  w->id = p->next_id++;
  w->fd = fd;
  /* 0 means "nothing armed" below: the earliest time is 1. */
  w->deadline_us = MAX (deadline_us, 1);
  w->func = func;
  w->user_data = user_data;
  ev.events = ((condition & G_IO_IN) ? EPOLLIN : 0) | ((condition & G_IO_OUT) ? EPOLLOUT : 0)
              | ((condition & G_IO_PRI) ? EPOLLPRI : 0);
  ev.data.u64 = w->id;
  if (fd >= 0 && epoll_ctl (p->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
    {
      /* Not pollable (never for a socket): report it ready; the caller's
       * next I/O call says what is wrong. */
      g_debug ("socket mux: cannot watch fd %d: %s", fd, g_strerror (errno));
      w->deadline_us = 1;
    }
  g_hash_table_insert (p->watches, &w->id, w);
  w->iter = g_sequence_insert_sorted (p->by_deadline, w, by_deadline, NULL);
  arm (p);
  return w;
}

void
hf_socket_mux_watch_cancel (HfSocketMuxWatch *watch)
{
  SocketMux *p;

  if (watch == NULL)
    return;
  p = watch->mux;
  watch_end (watch);
  g_free (watch);
  arm (p);
}

void
hf_socket_mux_watch_expire (HfSocketMuxWatch *watch)
{
  g_return_if_fail (watch != NULL);

  watch->deadline_us = 1;
  g_sequence_sort_changed (watch->iter, by_deadline, NULL);
  arm (watch->mux);
}

#else  /* !__linux__: a GSource per watch */

#include <glib-unix.h>

struct _HfSocketMuxWatch
{
  GSource          source;
  HfSocketMuxFunc  func;
  gpointer         user_data;
  gpointer         tag;
};

static gboolean
watch_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  HfSocketMuxWatch *w = (HfSocketMuxWatch *) source;
  GIOCondition condition = w->tag != NULL ? g_source_query_unix_fd (source, w->tag) : 0;
  gboolean timed_out = condition == 0;

  g_source_destroy (source);
  w->func (condition, timed_out, w->user_data);
  g_source_unref (source);
  return G_SOURCE_REMOVE;
}

static GSourceFuncs watch_funcs = {
  NULL, NULL, watch_dispatch, NULL, NULL, NULL,
};

HfSocketMuxWatch *
hf_socket_mux_watch (GMainContext    *context,
                     int              fd,
                     GIOCondition     condition,
                     gint64           deadline_us,
                     HfSocketMuxFunc  func,
                     gpointer         user_data)
{
  HfSocketMuxWatch *w = (HfSocketMuxWatch *) g_source_new (&watch_funcs, sizeof (HfSocketMuxWatch));

  w->func = func;
  w->user_data = user_data;
  if (fd >= 0)
    w->tag = g_source_add_unix_fd ((GSource *) w, fd, condition);
  g_source_set_ready_time ((GSource *) w, deadline_us);
  g_source_attach ((GSource *) w, context);
  return w;
}

void
hf_socket_mux_watch_cancel (HfSocketMuxWatch *watch)
{
  if (watch == NULL)
    return;
  g_source_destroy ((GSource *) watch);
  g_source_unref ((GSource *) watch);
}

void
hf_socket_mux_watch_expire (HfSocketMuxWatch *watch)
{
  g_source_set_ready_time ((GSource *) watch, 0);
}

#endif
