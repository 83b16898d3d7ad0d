/* test-socket-mux.c — HfSocketMuxWatch on real descriptors (socket pairs)
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hf-socket-mux.h"
#include "hf-test-utils.h"

typedef struct
{
  int               calls;
  GIOCondition      condition;
  gboolean          timed_out;
  gint64            at;
  int               order;         /* the how-many-th watch to fire */
  gboolean          fired;
  HfSocketMuxWatch *cancel_other;  /* cancelled by this watch's function */
  gpointer         *other_slot;
} Seen;

static int fired_so_far;

static void
seen_cb (GIOCondition condition,
         gboolean     timed_out,
         gpointer     user_data)
{
  Seen *seen = user_data;

  seen->calls++;
  seen->condition = condition;
  seen->timed_out = timed_out;
  seen->at = g_get_monotonic_time ();
  seen->order = ++fired_so_far;
  seen->fired = TRUE;
  if (seen->cancel_other != NULL)
    {
      hf_socket_mux_watch_cancel (seen->cancel_other);
      *seen->other_slot = NULL;
    }
}

static void
pair (int fds[2])
{
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), ==, 0);
}

/* Iterate the default context for @ms. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_readable (void)
{
  int fds[2];
  Seen seen = { 0, };
  gint64 now = g_get_monotonic_time ();

  pair (fds);
  hf_socket_mux_watch (NULL, fds[0], G_IO_IN, now + 5 * G_USEC_PER_SEC, seen_cb, &seen);
  spin (20);
  g_assert_cmpint (seen.calls, ==, 0);          /* nothing to read yet */
  g_assert_cmpint (write (fds[1], "x", 1), ==, 1);
  hf_test_wait_for (&seen.fired, 2000);
  g_assert_cmpint (seen.calls, ==, 1);
  g_assert_false (seen.timed_out);
  g_assert_true (seen.condition & G_IO_IN);
  /* One shot: still readable, not called again. */
  spin (20);
  g_assert_cmpint (seen.calls, ==, 1);
  close (fds[0]);
  close (fds[1]);
}

static void
test_writable_and_hangup (void)
{
  int fds[2];
  Seen out = { 0, }, hup = { 0, };
  gint64 far = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  pair (fds);
  hf_socket_mux_watch (NULL, fds[0], G_IO_OUT, far, seen_cb, &out);
  hf_test_wait_for (&out.fired, 2000);
  g_assert_true (out.condition & G_IO_OUT);
  g_assert_false (out.timed_out);

  hf_socket_mux_watch (NULL, fds[0], G_IO_IN, far, seen_cb, &hup);
  close (fds[1]);
  hf_test_wait_for (&hup.fired, 2000);
  g_assert_true (hup.condition & (G_IO_HUP | G_IO_IN));
  close (fds[0]);
}

/* Deadlines fire in their order, not in the order they were set, and not
 * before their time. */
static void
test_deadlines (void)
{
  int p[2], q[2];
  Seen a = { 0, }, b = { 0, }, c = { 0, };
  gint64 start = g_get_monotonic_time ();

  pair (p);
  pair (q);
  fired_so_far = 0;
  hf_socket_mux_watch (NULL, p[0], G_IO_IN, start + 90 * 1000, seen_cb, &a);
  hf_socket_mux_watch (NULL, p[1], G_IO_IN, start + 30 * 1000, seen_cb, &b);
  hf_socket_mux_watch (NULL, q[0], G_IO_IN, start + 60 * 1000, seen_cb, &c);
  hf_test_wait_for (&a.fired, 2000);
  g_assert_true (a.timed_out && b.timed_out && c.timed_out);
  g_assert_cmpint (b.order, ==, 1);
  g_assert_cmpint (c.order, ==, 2);
  g_assert_cmpint (a.order, ==, 3);
  g_assert_cmpint (b.at - start, >=, 30 * 1000);
  g_assert_cmpint (c.at - start, >=, 60 * 1000);
  g_assert_cmpint (a.at - start, >=, 90 * 1000);
  close (p[0]);
  close (p[1]);
  close (q[0]);
  close (q[1]);
}

static void
test_cancel_and_expire (void)
{
  int fds[2];
  Seen cancelled = { 0, }, expired = { 0, };
  gint64 far = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  HfSocketMuxWatch *w;
  gint64 asked;

  pair (fds);
  w = hf_socket_mux_watch (NULL, fds[0], G_IO_IN, g_get_monotonic_time () + 20 * 1000,
                           seen_cb, &cancelled);
  hf_socket_mux_watch_cancel (w);
  g_assert_cmpint (write (fds[1], "x", 1), ==, 1);
  spin (60);                                     /* past its deadline, and readable */
  g_assert_cmpint (cancelled.calls, ==, 0);

  /* Expired: called at the next dispatch as timed out (the fd is still
   * readable, which a watch for G_IO_OUT ignores). */
  w = hf_socket_mux_watch (NULL, fds[1], G_IO_IN, far, seen_cb, &expired);
  spin (20);
  g_assert_cmpint (expired.calls, ==, 0);
  asked = g_get_monotonic_time ();
  hf_socket_mux_watch_expire (w);
  hf_test_wait_for (&expired.fired, 2000);
  g_assert_true (expired.timed_out);
  g_assert_cmpint (expired.at - asked, <, 100 * 1000);
  close (fds[0]);
  close (fds[1]);
}

/* Two watches ready in the same dispatch; whichever runs first cancels the
 * other, which must then not run. */
static void
test_cancel_from_callback (void)
{
  int p[2], q[2];
  Seen one = { 0, }, two = { 0, };
  gint64 far = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gpointer w1, w2;

  pair (p);
  pair (q);
  w1 = hf_socket_mux_watch (NULL, p[0], G_IO_IN, far, seen_cb, &one);
  w2 = hf_socket_mux_watch (NULL, q[0], G_IO_IN, far, seen_cb, &two);
  one.cancel_other = w2;
  one.other_slot = &w2;
  two.cancel_other = w1;
  two.other_slot = &w1;
  g_assert_cmpint (write (p[1], "x", 1), ==, 1);
  g_assert_cmpint (write (q[1], "x", 1), ==, 1);
  spin (50);
  g_assert_cmpint (one.calls + two.calls, ==, 1);
  close (p[0]);
  close (p[1]);
  close (q[0]);
  close (q[1]);
}

#ifdef __linux__
static int slow_calls;

static void
slow_cb (GIOCondition condition,
         gboolean     timed_out,
         gpointer     user_data)
{
  gint64 until = g_get_monotonic_time () + 200;
  Seen *seen = user_data;

  seen->calls++;
  seen->timed_out = timed_out;
  slow_calls++;
  while (g_get_monotonic_time () < until)
    ;
}

static gboolean
count_idle_cb (gpointer user_data)
{
  (*(int *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* A hundred ready sockets and a hundred expired deadlines, each costing
 * 200 µs to handle (40 ms in all), are not handled in one dispatch: the
 * socket mux stops after its budget, other sources of its priority get their
 * turn, and every watch still fires once. */
static void
test_dispatch_budget (void)
{
  enum { N = 100 };
  int fds[N][2];
  Seen seen[2 * N];
  int idle_runs = 0, iterations = 0;
  gint64 now = g_get_monotonic_time ();
  guint idle;

  memset (seen, 0, sizeof seen);
  slow_calls = 0;
  for (int i = 0; i < N; i++)
    {
      pair (fds[i]);
      g_assert_cmpint (write (fds[i][1], "x", 1), ==, 1);
      hf_socket_mux_watch (NULL, fds[i][0], G_IO_IN, now + 10 * G_USEC_PER_SEC, slow_cb, &seen[i]);
      hf_socket_mux_watch (NULL, -1, 0, now, slow_cb, &seen[N + i]);
    }
  idle = g_idle_add_full (G_PRIORITY_DEFAULT, count_idle_cb, &idle_runs, NULL);
  while (slow_calls < 2 * N && iterations < 100000)
    {
      int before = slow_calls;

      g_main_context_iteration (NULL, TRUE);
      if (slow_calls > before)
        {
          iterations++;
          /* At most the budget (3 ms) and the one call that crosses it. */
          g_assert_cmpint (slow_calls - before, <=, 3000 / 200 + 1);
        }
    }
  g_source_remove (idle);
  g_assert_cmpint (slow_calls, ==, 2 * N);
  for (int i = 0; i < 2 * N; i++)
    {
      g_assert_cmpint (seen[i].calls, ==, 1);
      g_assert_cmpint (seen[i].timed_out, ==, i >= N);
    }
  g_assert_cmpint (iterations, >=, 2 * N / (3000 / 200 + 1));
  g_assert_cmpint (idle_runs, >=, iterations - 1);
  for (int i = 0; i < N; i++)
    {
      close (fds[i][0]);
      close (fds[i][1]);
    }
}
#endif

int
main (int argc, char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/socket-mux/readable", test_readable);
  g_test_add_func ("/socket-mux/writable-and-hangup", test_writable_and_hangup);
  g_test_add_func ("/socket-mux/deadlines", test_deadlines);
  g_test_add_func ("/socket-mux/cancel-and-expire", test_cancel_and_expire);
  g_test_add_func ("/socket-mux/cancel-from-callback", test_cancel_from_callback);
#ifdef __linux__
  g_test_add_func ("/socket-mux/dispatch-budget", test_dispatch_budget);
#endif
  return g_test_run ();
}
