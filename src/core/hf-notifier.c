/* hf-notifier.c
 * SPDX-License-Identifier: MIT
 *
 * Each channel has its own SoupSession and queue, so that a receiver that
 * hangs ties up only its own connections.  An attempt ends at its deadline
 * (its cancellable is cancelled by a timer); a network error, a timeout, a
 * 5xx, 408 or 429 is tried again after the backoff, any other answer is
 * final.  Only the masked URL is ever logged.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "hf-error.h"
#include "hf-notifier.h"
#include "hf-notify-request.h"

typedef struct _Batch Batch;

typedef struct
{
  HfNotification *notification;
  Batch          *batch;        /* NULL for hf_notifier_notify() */
  guint           attempt;      /* attempts made */
} Delivery;

/* Reference-counted: an attempt in flight keeps its channel alive after
 * the notifier dropped it (@closed then). */
typedef struct
{
  HfNotifier   *notifier;       /* borrowed; NULL once closed */
  HfNotifyUrl  *url;
  SoupSession  *session;
  GQueue        queue;          /* Delivery*, waiting */
  Delivery     *current;
  SoupMessage  *message;        /* of the attempt in flight */
  GCancellable *cancellable;    /* of the attempt in flight */
  guint         deadline_source;
  guint         retry_source;
  gboolean      timed_out;
  gboolean      closed;
} Channel;

struct _Batch
{
  GTask  *task;                 /* NULL once returned */
  guint   pending;
  GString *failures;
  gulong  cancelled_id;
};

/* hf_notifier_drain_async(): its task, its deadline, its cancellation. */
typedef struct
{
  GTask        *task;
  GSource      *timeout;
  GSource      *cancelled;
} Drain;

struct _HfNotifier
{
  GObject       parent_instance;

  GPtrArray    *channels;       /* Channel* */
  GPtrArray    *drains;         /* Drain*, waiting for every channel to be idle */
  guint         timeout_ms;
  guint         attempts;
  guint         backoff_ms;
  guint         max_queued;
};

enum {
  SIGNAL_DELIVERED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfNotifier, hf_notifier, G_TYPE_OBJECT)

static void start_next (Channel *ch);
static void check_drained (HfNotifier *self);

/* ---- batches ------------------------------------------------------------- */

static void
batch_return (Batch *batch)
{
  g_autoptr(GTask) task = g_steal_pointer (&batch->task);
  GCancellable *cancellable;

  if (task == NULL)
    return;
  cancellable = g_task_get_cancellable (task);
  if (cancellable != NULL && batch->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, batch->cancelled_id);
  batch->cancelled_id = 0;
  if (g_task_return_error_if_cancelled (task))
    return;
  if (batch->failures->len > 0)
    g_task_return_new_error (task, HF_ERROR, HF_ERROR_CONNECT, "%s", batch->failures->str);
  else
    g_task_return_boolean (task, TRUE);
}

static Batch *
batch_ref (Batch *batch)
{
  return g_rc_box_acquire (batch);
}

static void
batch_clear (gpointer data)
{
  Batch *batch = data;

  g_assert (batch->task == NULL);
  g_string_free (batch->failures, TRUE);
}

static void
batch_unref (Batch *batch)
{
  g_rc_box_release_full (batch, batch_clear);
}

static gboolean
batch_return_cb (gpointer data)
{
  batch_return (data);
  return G_SOURCE_REMOVE;
}

static void
batch_cancelled_cb (GCancellable *cancellable,
                    Batch        *batch)
{
  /* Inside g_cancellable_cancel(): return from an idle, not from here
   * (disconnecting now would deadlock). */
  g_idle_add_full (G_PRIORITY_DEFAULT, batch_return_cb, batch_ref (batch),
                   (GDestroyNotify) batch_unref);
}

/* ---- channels ------------------------------------------------------------ */

static Channel *
channel_ref (Channel *ch)
{
  return g_rc_box_acquire (ch);
}

static void
delivery_free (Delivery *d)
{
  g_clear_pointer (&d->notification, hf_notification_unref);
  g_clear_pointer (&d->batch, batch_unref);
  g_free (d);
}

static void
channel_clear (gpointer data)
{
  Channel *ch = data;

  g_assert (ch->current == NULL && g_queue_is_empty (&ch->queue));
  g_clear_object (&ch->session);
  g_clear_object (&ch->url);
  g_clear_object (&ch->message);
  g_clear_object (&ch->cancellable);
}

static void
channel_unref (Channel *ch)
{
  g_rc_box_release_full (ch, channel_clear);
}

/* @d is over: said once, its batch told, the next one started. */
static void
finish (Channel      *ch,
        Delivery     *d,
        const GError *error)
{
  const char *masked = hf_notify_url_get_masked (ch->url);

  if (error == NULL)
    g_debug ("notify %s: %s delivered (attempt %u)", masked, d->notification->event, d->attempt);
  else
    g_debug ("notify %s: %s not delivered: %s", masked, d->notification->event, error->message);

  if (ch->notifier != NULL)
    {
      if (error == NULL)
        g_signal_emit (ch->notifier, signals[SIGNAL_DELIVERED], 0, masked, d->notification);
      else
        g_signal_emit (ch->notifier, signals[SIGNAL_FAILED], 0, masked, d->notification, error);
    }
  if (d->batch != NULL)
    {
      if (error != NULL)
        g_string_append_printf (d->batch->failures, "%s%s: %s",
                                d->batch->failures->len > 0 ? "; " : "", masked, error->message);
      if (--d->batch->pending == 0)
        batch_return (d->batch);
    }
  delivery_free (d);
}

static void attempt (Channel *ch);

static gboolean
retry_cb (gpointer data)
{
  Channel *ch = data;

  ch->retry_source = 0;
  attempt (ch);
  return G_SOURCE_REMOVE;
}

static gboolean
deadline_cb (gpointer data)
{
  Channel *ch = data;

  ch->deadline_source = 0;
  ch->timed_out = TRUE;
  g_cancellable_cancel (ch->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
retryable (guint status)
{
  return status >= 500 || status == SOUP_STATUS_REQUEST_TIMEOUT
         || status == 429 /* Too Many Requests */;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Channel *ch = user_data;
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = g_steal_pointer (&ch->message);
  Delivery *d = ch->current;
  gboolean again = FALSE;
  HfNotifier *self = ch->notifier;

  /* The status is the answer; the body is never read (a receiver could
   * send it slowly, or without end): closing it drops the connection. */
  body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (body != NULL)
    g_input_stream_close_async (body, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_handle_id (&ch->deadline_source, g_source_remove);
  g_clear_object (&ch->cancellable);

  if (ch->closed)
    {
      /* Dropped while in flight: close_channel() left the delivery to us. */
      ch->current = NULL;
      if (d != NULL)
        {
          g_autoptr(GError) gone = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                        "the channel was removed");
          finish (ch, d, gone);
        }
      channel_unref (ch);
      return;
    }

  if (error != NULL && ch->timed_out)
    {
      g_clear_error (&error);
      error = g_error_new (HF_ERROR, HF_ERROR_TIMEOUT, "no answer within %u ms",
                           self->timeout_ms);
      again = TRUE;
    }
  else if (error != NULL)
    again = TRUE;
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      guint status = soup_message_get_status (msg);

      /* The standard words for the code, not the receiver's own (any
       * length, any bytes, printed on a terminal). */
      error = g_error_new (HF_ERROR, HF_ERROR_PROTOCOL, "HTTP %u %s", status,
                           soup_status_get_phrase (status));
      again = retryable (status);
    }

  if (error != NULL && again && d->attempt < self->attempts)
    {
      /* Doubling from the backoff, in 64 bits and at most an hour apart,
       * however many attempts are allowed. */
      guint wait_ms = (guint) MIN ((guint64) self->backoff_ms << MIN (d->attempt - 1, 16u),
                                   (guint64) HF_NOTIFIER_MAX_BACKOFF_MS);

      g_debug ("notify %s: attempt %u failed (%s); again in %u ms",
               hf_notify_url_get_masked (ch->url), d->attempt, error->message, wait_ms);
      ch->retry_source = g_timeout_add (wait_ms, retry_cb, ch);
    }
  else
    {
      ch->current = NULL;
      finish (ch, d, error);
      start_next (ch);
    }
  channel_unref (ch);
}

static void
attempt (Channel *ch)
{
  Delivery *d = ch->current;
  HfNotifier *self = ch->notifier;

  g_assert (d != NULL && ch->message == NULL);

  d->attempt++;
  ch->message = hf_notify_request_new (ch->url, d->notification);
  if (ch->message == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (HF_ERROR, HF_ERROR_INVALID,
                                                     "cannot make the request");
      ch->current = NULL;
      finish (ch, d, error);
      start_next (ch);
      return;
    }
  ch->timed_out = FALSE;
  ch->cancellable = g_cancellable_new ();
  ch->deadline_source = g_timeout_add (self->timeout_ms, deadline_cb, ch);
  soup_session_send_async (ch->session, ch->message, G_PRIORITY_DEFAULT,
                           ch->cancellable, sent_cb, channel_ref (ch));
}

static void
start_next (Channel *ch)
{
  if (ch->closed || ch->current != NULL)
    return;
  if (g_queue_is_empty (&ch->queue))
    {
      /* Idle: maybe the last one a drain waits for. */
      check_drained (ch->notifier);
      return;
    }
  ch->current = g_queue_pop_head (&ch->queue);
  attempt (ch);
}

static void
enqueue (HfNotifier     *self,
         Channel        *ch,
         HfNotification *notification,
         Batch          *batch)
{
  Delivery *d = g_new0 (Delivery, 1);

  d->notification = hf_notification_ref (notification);
  d->batch = batch ? batch_ref (batch) : NULL;
  /* The oldest waiting one goes.  Saying so runs the ::failed handlers,
   * which may drop this channel (or notify again): look again after. */
  while (!ch->closed && g_queue_get_length (&ch->queue) >= self->max_queued)
    {
      g_autoptr(GError) error = g_error_new (HF_ERROR, HF_ERROR_TOO_LARGE,
                                             "dropped: %u notifications were already waiting",
                                             self->max_queued);
      finish (ch, g_queue_pop_head (&ch->queue), error);
    }
  if (ch->closed)
    {
      g_autoptr(GError) gone = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    "the channel was removed");
      finish (ch, d, gone);
      return;
    }
  g_queue_push_tail (&ch->queue, d);
  start_next (ch);
}

/* The channels as they are now, each with a reference: a signal handler
 * or a callback run from the loop over them may change the list. */
static GPtrArray *
snapshot_channels (HfNotifier *self)
{
  GPtrArray *snapshot = g_ptr_array_new_full (self->channels->len,
                                              (GDestroyNotify) channel_unref);

  for (guint i = 0; i < self->channels->len; i++)
    g_ptr_array_add (snapshot, channel_ref (g_ptr_array_index (self->channels, i)));
  return snapshot;
}

/* Put @next in place of the channels, then let go of the old ones that
 * @next does not hold: whatever their closing runs (a batch's callback)
 * sees the new list, whole. */
static void
replace_channels (HfNotifier *self,
                  GPtrArray  *next)
{
  GPtrArray *old = self->channels;

  self->channels = next;
  g_ptr_array_unref (old);
  check_drained (self);
}

/* The notifier lets go of @ch: waiting deliveries are abandoned; one in
 * flight is cancelled and abandoned by its callback. */
static void
close_channel (gpointer data)
{
  Channel *ch = data;
  g_autoptr(GError) gone = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                "the channel was removed");
  Delivery *d;

  ch->closed = TRUE;
  ch->notifier = NULL;
  g_clear_handle_id (&ch->retry_source, g_source_remove);
  g_clear_handle_id (&ch->deadline_source, g_source_remove);
  while ((d = g_queue_pop_head (&ch->queue)) != NULL)
    finish (ch, d, gone);
  if (ch->message == NULL && ch->current != NULL)
    {
      /* Between attempts: nothing will call back. */
      d = g_steal_pointer (&ch->current);
      finish (ch, d, gone);
    }
  if (ch->cancellable != NULL)
    g_cancellable_cancel (ch->cancellable);
  channel_unref (ch);
}

static gboolean
endpoint_is_loopback (HfNotifyUrl *url)
{
  g_autofree char *endpoint = hf_notify_url_get_endpoint (url);
  g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : NULL;
  g_autoptr(GInetAddress) address = host ? g_inet_address_new_from_string (host) : NULL;

  explicit_bzero (endpoint, strlen (endpoint));
  if (host == NULL)
    return FALSE;
  if (address != NULL)
    return g_inet_address_get_is_loopback (address);
  return g_ascii_strcasecmp (host, "localhost") == 0;
}

/* ---- draining ------------------------------------------------------------ */

static guint
count_pending (HfNotifier *self)
{
  guint n = 0;

  for (guint i = 0; i < self->channels->len; i++)
    {
      Channel *ch = g_ptr_array_index (self->channels, i);

      n += g_queue_get_length (&ch->queue) + (ch->current != NULL ? 1 : 0);
    }
  return n;
}

static void
drain_free (Drain *drain)
{
  if (drain->timeout != NULL)
    g_source_destroy (drain->timeout);
  g_clear_pointer (&drain->timeout, g_source_unref);
  if (drain->cancelled != NULL)
    g_source_destroy (drain->cancelled);
  g_clear_pointer (&drain->cancelled, g_source_unref);
  g_clear_object (&drain->task);
  g_free (drain);
}

/* @drain is over: out of the list first (its callback may drain again). */
static void
drain_return (HfNotifier *self,
              Drain      *drain,
              GError     *error)   /* taken; NULL: drained */
{
  g_autoptr(GTask) task = g_steal_pointer (&drain->task);

  g_ptr_array_remove_fast (self->drains, drain);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
check_drained (HfNotifier *self)
{
  if (self == NULL || self->drains == NULL || self->drains->len == 0
      || count_pending (self) > 0)
    return;
  while (self->drains->len > 0)
    drain_return (self, g_ptr_array_index (self->drains, 0), NULL);
}

static gboolean
drain_timeout_cb (gpointer data)
{
  Drain *drain = data;
  HfNotifier *self = g_task_get_source_object (drain->task);
  guint pending = count_pending (self);

  drain_return (self, drain,
                g_error_new (HF_ERROR, HF_ERROR_TIMEOUT, "%u notification%s not sent in time",
                             pending, pending == 1 ? "" : "s"));
  return G_SOURCE_REMOVE;
}

static gboolean
drain_cancelled_cb (GCancellable *cancellable,
                    gpointer      data)
{
  Drain *drain = data;
  HfNotifier *self = g_task_get_source_object (drain->task);
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  drain_return (self, drain, error);
  return G_SOURCE_REMOVE;
}

/* ---- GObject ------------------------------------------------------------- */

static void
hf_notifier_dispose (GObject *object)
{
  HfNotifier *self = HF_NOTIFIER (object);

  /* Still a list (an empty one) for whatever is called from here on. */
  replace_channels (self, g_ptr_array_new_with_free_func (close_channel));
  g_assert (self->drains->len == 0);   /* each holds a reference */

  G_OBJECT_CLASS (hf_notifier_parent_class)->dispose (object);
}

static void
hf_notifier_finalize (GObject *object)
{
  HfNotifier *self = HF_NOTIFIER (object);

  g_ptr_array_unref (self->channels);
  g_ptr_array_unref (self->drains);

  G_OBJECT_CLASS (hf_notifier_parent_class)->finalize (object);
}

static void
hf_notifier_class_init (HfNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_notifier_dispose;
  object_class->finalize = hf_notifier_finalize;

  /**
   * HfNotifier::delivered:
   * @channel: the channel's masked URL
   * @notification: what it delivered
   */
  signals[SIGNAL_DELIVERED] =
    g_signal_new ("delivered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, HF_TYPE_NOTIFICATION);
  /**
   * HfNotifier::failed:
   * @channel: the channel's masked URL
   * @notification: what it could not deliver (every attempt failed)
   * @error: the last attempt's error
   */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, HF_TYPE_NOTIFICATION,
                  G_TYPE_ERROR);
}

static void
hf_notifier_init (HfNotifier *self)
{
  self->channels = g_ptr_array_new_with_free_func (close_channel);
  self->drains = g_ptr_array_new_with_free_func ((GDestroyNotify) drain_free);
  self->timeout_ms = HF_NOTIFIER_DEFAULT_TIMEOUT_MS;
  self->attempts = HF_NOTIFIER_DEFAULT_ATTEMPTS;
  self->backoff_ms = HF_NOTIFIER_DEFAULT_BACKOFF_MS;
  self->max_queued = HF_NOTIFIER_DEFAULT_MAX_QUEUED;
}

/* ---- public API ---------------------------------------------------------- */

HfNotifier *
hf_notifier_new (void)
{
  return g_object_new (HF_TYPE_NOTIFIER, NULL);
}

static Channel *
channel_new (HfNotifier  *self,
             HfNotifyUrl *url)
{
  Channel *ch = g_rc_box_new0 (Channel);

  ch->notifier = self;
  ch->url = g_object_ref (url);
  /* Its own session: a receiver that hangs holds only these connections.
   * The system's proxy is for the services out there, never for a
   * receiver on this machine. */
  if (endpoint_is_loopback (url))
    ch->session = soup_session_new_with_options ("user-agent", "Hashfleet/" PACKAGE_VERSION,
                                                 "proxy-resolver", NULL, NULL);
  else
    ch->session = soup_session_new_with_options ("user-agent", "Hashfleet/" PACKAGE_VERSION,
                                                 NULL);
  g_queue_init (&ch->queue);
  g_debug ("notify: channel %s", hf_notify_url_get_masked (url));
  return ch;
}

void
hf_notifier_add_url (HfNotifier  *self,
                     HfNotifyUrl *url)
{
  g_return_if_fail (HF_IS_NOTIFIER (self));
  g_return_if_fail (HF_IS_NOTIFY_URL (url));

  g_ptr_array_add (self->channels, channel_new (self, url));
}

gboolean
hf_notifier_set_urls (HfNotifier          *self,
                      const char * const  *urls,
                      GError             **error)
{
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *next;

  g_return_val_if_fail (HF_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (urls != NULL, FALSE);

  for (guint i = 0; urls[i] != NULL; i++)
    {
      HfNotifyUrl *url = hf_notify_url_parse (urls[i], error);

      if (url == NULL)
        {
          g_prefix_error (error, "notification URL %u: ", i + 1);
          return FALSE;
        }
      g_ptr_array_add (parsed, url);
    }

  /* A channel whose URL stays keeps its queue and what it has in flight;
   * the others go, the new ones start empty. */
  next = g_ptr_array_new_full (parsed->len, close_channel);
  for (guint i = 0; i < parsed->len; i++)
    {
      HfNotifyUrl *url = g_ptr_array_index (parsed, i);
      Channel *ch = NULL;

      for (guint j = 0; j < self->channels->len && ch == NULL; j++)
        {
          Channel *old = g_ptr_array_index (self->channels, j);

          if (hf_notify_url_equal (old->url, url))
            ch = g_ptr_array_steal_index (self->channels, j);
        }
      g_ptr_array_add (next, ch != NULL ? ch : channel_new (self, url));
    }
  replace_channels (self, next);
  return TRUE;
}

void
hf_notifier_clear (HfNotifier *self)
{
  g_return_if_fail (HF_IS_NOTIFIER (self));
  replace_channels (self, g_ptr_array_new_with_free_func (close_channel));
}

guint
hf_notifier_get_n_channels (HfNotifier *self)
{
  g_return_val_if_fail (HF_IS_NOTIFIER (self), 0);
  return self->channels->len;
}

void
hf_notifier_set_timing (HfNotifier *self,
                        guint       timeout_ms,
                        guint       attempts,
                        guint       backoff_ms)
{
  g_return_if_fail (HF_IS_NOTIFIER (self));

  if (timeout_ms > 0)
    self->timeout_ms = timeout_ms;
  if (attempts > 0)
    self->attempts = attempts;
  if (backoff_ms > 0)
    self->backoff_ms = backoff_ms;
}

void
hf_notifier_set_max_queued (HfNotifier *self,
                            guint       max_queued)
{
  g_return_if_fail (HF_IS_NOTIFIER (self));
  self->max_queued = MAX (max_queued, 1u);
}

void
hf_notifier_notify (HfNotifier     *self,
                    HfNotification *notification)
{
  g_autoptr(HfNotifier) alive = NULL;
  g_autoptr(GPtrArray) channels = NULL;

  g_return_if_fail (HF_IS_NOTIFIER (self));
  g_return_if_fail (notification != NULL);

  /* A ::failed handler (the queue's oldest dropped) may change the
   * channels, or let go of the notifier. */
  alive = g_object_ref (self);
  channels = snapshot_channels (self);
  for (guint i = 0; i < channels->len; i++)
    enqueue (self, g_ptr_array_index (channels, i), notification, NULL);
}

void
hf_notifier_send_async (HfNotifier          *self,
                        HfNotification      *notification,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HfNotifier) alive = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  Batch *batch;

  g_return_if_fail (HF_IS_NOTIFIER (self));
  g_return_if_fail (notification != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_notifier_send_async);
  g_task_set_name (task, "hf_notifier_send_async");
  if (self->channels->len == 0)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID, "%s",
                               "no notification channel is set");
      return;
    }

  alive = g_object_ref (self);
  channels = snapshot_channels (self);
  batch = g_rc_box_new0 (Batch);
  batch->task = g_steal_pointer (&task);
  batch->failures = g_string_new (NULL);
  batch->pending = channels->len;
  if (cancellable != NULL)
    batch->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (batch_cancelled_cb),
                                                 batch, NULL);
  for (guint i = 0; i < channels->len; i++)
    enqueue (self, g_ptr_array_index (channels, i), notification, batch);
  batch_unref (batch);
}

gboolean
hf_notifier_send_finish (HfNotifier    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (HF_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hf_notifier_send_test_async (HfNotifier          *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(HfNotification) test = hf_notification_new_test ();

  g_return_if_fail (HF_IS_NOTIFIER (self));
  hf_notifier_send_async (self, test, cancellable, callback, user_data);
}

gboolean
hf_notifier_send_test_finish (HfNotifier    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return hf_notifier_send_finish (self, result, error);
}

guint
hf_notifier_get_n_pending (HfNotifier *self)
{
  g_return_val_if_fail (HF_IS_NOTIFIER (self), 0);
  return count_pending (self);
}

void
hf_notifier_drain_async (HfNotifier          *self,
                         guint                timeout_ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GMainContext *context = g_main_context_get_thread_default ();
  Drain *drain;

  g_return_if_fail (HF_IS_NOTIFIER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_notifier_drain_async);
  g_task_set_name (task, "hf_notifier_drain_async");
  if (g_task_return_error_if_cancelled (task))
    return;
  if (count_pending (self) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  drain = g_new0 (Drain, 1);
  drain->task = g_steal_pointer (&task);
  drain->timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (drain->timeout, drain_timeout_cb, drain, NULL);
  g_source_attach (drain->timeout, context);
  if (cancellable != NULL)
    {
      drain->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (drain->cancelled, G_SOURCE_FUNC (drain_cancelled_cb), drain, NULL);
      g_source_attach (drain->cancelled, context);
    }
  g_ptr_array_add (self->drains, drain);
}

gboolean
hf_notifier_drain_finish (HfNotifier    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (HF_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
