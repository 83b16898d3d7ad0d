/* hf-deadline.c
 * SPDX-License-Identifier: MIT
 */
#include "hf-deadline.h"
#include "hf-error.h"
#include "hf-socket-mux.h"

struct _HfDeadline
{
  GCancellable     *cancellable;
  GCancellable     *caller;
  gulong            caller_handler;
  gint64            deadline_us;
  HfSocketMuxWatch *timer;     /* the phase's: a timer of the socket mux, not a GSource */
  gint64            phase_started;
  char             *phase;
  char             *peer;
  guint             phase_ms;
  gboolean          expired;
};

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  HfDeadline *self = user_data;

  g_cancellable_cancel (self->cancellable);
}

static void
phase_expired_cb (GIOCondition condition,
                  gboolean     timed_out,
                  gpointer     user_data)
{
  HfDeadline *self = user_data;

  self->timer = NULL;
  self->expired = TRUE;
  g_cancellable_cancel (self->cancellable);
}

HfDeadline *
hf_deadline_new (GCancellable *caller,
                 gint64        deadline_us)
{
  HfDeadline *self = g_new0 (HfDeadline, 1);

  self->cancellable = g_cancellable_new ();
  self->deadline_us = deadline_us;
  if (caller != NULL)
    {
      self->caller = g_object_ref (caller);
      self->caller_handler = g_cancellable_connect (caller, G_CALLBACK (caller_cancelled_cb),
                                                    self, NULL);
    }
  return self;
}

void
hf_deadline_free (HfDeadline *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->timer, hf_socket_mux_watch_cancel);
  if (self->caller != NULL)
    {
      g_cancellable_disconnect (self->caller, self->caller_handler);
      g_object_unref (self->caller);
    }
  g_object_unref (self->cancellable);
  g_free (self->phase);
  g_free (self->peer);
  g_free (self);
}

GCancellable *
hf_deadline_get_cancellable (HfDeadline *self)
{
  return self->cancellable;
}

void
hf_deadline_begin (HfDeadline *self,
                   const char *phase,
                   const char *peer,
                   guint       cap_ms)
{
  gint64 left_ms;
  guint ms;

  g_clear_pointer (&self->timer, hf_socket_mux_watch_cancel);
  g_free (self->phase);
  self->phase = g_strdup (phase);
  if (peer != NULL)
    {
      g_free (self->peer);
      self->peer = g_strdup (peer);
    }

  left_ms = (self->deadline_us - g_get_monotonic_time ()) / 1000;
  if (left_ms < 0)
    left_ms = 0;
  ms = cap_ms > 0 && cap_ms < left_ms ? cap_ms : (guint) MIN (left_ms, G_MAXUINT);
  self->phase_ms = ms;
  self->phase_started = g_get_monotonic_time ();
  self->timer = hf_socket_mux_watch (NULL, -1, 0, self->phase_started + (gint64) ms * 1000,
                                     phase_expired_cb, self);
}

void
hf_deadline_end (HfDeadline *self)
{
  g_clear_pointer (&self->timer, hf_socket_mux_watch_cancel);
}

gboolean
hf_deadline_expired (HfDeadline *self)
{
  return self->expired;
}

GError *
hf_deadline_propagate (HfDeadline *self,
                       GError     *error)
{
  hf_deadline_end (self);

  if (self->expired
      && (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      g_clear_error (&error);
      return g_error_new (HF_ERROR, HF_ERROR_TIMEOUT, "%s%s%s timed out after %u ms",
                          self->phase ? self->phase : "request",
                          self->peer ? " " : "", self->peer ? self->peer : "",
                          self->phase_ms);
    }
  return error;
}
