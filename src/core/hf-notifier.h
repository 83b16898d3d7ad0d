/* hf-notifier.h — every notification channel, fed without ever waiting
 * SPDX-License-Identifier: MIT
 *
 * The session hands each alert and found block to its notifier, which
 * sends it to every channel (hf-notify-url.h) on its own: one delivery at
 * a time per channel, each attempt with a deadline, retried with
 * exponential backoff, a bounded queue per channel.  A channel that hangs
 * or fails holds up only itself, never polling or the other channels.
 */
#pragma once

#include <gio/gio.h>

#include "hf-notification.h"
#include "hf-notify-url.h"

G_BEGIN_DECLS

#define HF_NOTIFIER_DEFAULT_TIMEOUT_MS  10000   /* per attempt */
#define HF_NOTIFIER_DEFAULT_ATTEMPTS    4       /* the first and three retries */
#define HF_NOTIFIER_DEFAULT_BACKOFF_MS  2000    /* 2 s, 4 s, 8 s between them */
/* No two attempts are further apart than this. */
#define HF_NOTIFIER_MAX_BACKOFF_MS      (60 * 60 * 1000)
#define HF_NOTIFIER_DEFAULT_MAX_QUEUED  32      /* per channel; the oldest goes */

#define HF_TYPE_NOTIFIER (hf_notifier_get_type ())
G_DECLARE_FINAL_TYPE (HfNotifier, hf_notifier, HF, NOTIFIER, GObject)

HfNotifier *hf_notifier_new              (void);

/* Send to @url too (kept). */
void        hf_notifier_add_url          (HfNotifier           *self,
                                          HfNotifyUrl          *url);
/* Parse each of @urls and use them instead of the channels so far; on a
 * malformed one, nothing changes and the error names its position.  A
 * channel whose URL is in @urls again keeps what it has queued or in
 * flight; a channel left out is dropped with its own. */
gboolean    hf_notifier_set_urls         (HfNotifier           *self,
                                          const char * const   *urls,
                                          GError              **error);
/* Drop every channel (what is queued or in flight is abandoned). */
void        hf_notifier_clear            (HfNotifier           *self);
guint       hf_notifier_get_n_channels   (HfNotifier           *self);

/* Deadline of one attempt, attempts in all, and the wait before the
 * first retry (doubled each time); 0 keeps a value as it is. */
void        hf_notifier_set_timing       (HfNotifier           *self,
                                          guint                 timeout_ms,
                                          guint                 attempts,
                                          guint                 backoff_ms);
void        hf_notifier_set_max_queued   (HfNotifier           *self,
                                          guint                 max_queued);

/* Queue @notification on every channel and return at once; how it went
 * is told by ::delivered and ::failed (whose handlers may change the
 * channels, even while a call here is dropping an old notification). */
void        hf_notifier_notify           (HfNotifier           *self,
                                          HfNotification       *notification);

/* The same, finishing when every channel delivered it or gave up; an
 * error (HF_ERROR_CONNECT) names the channels that failed, masked. */
void        hf_notifier_send_async       (HfNotifier           *self,
                                          HfNotification       *notification,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean    hf_notifier_send_finish      (HfNotifier           *self,
                                          GAsyncResult         *result,
                                          GError              **error);
/* "Send test notification": hf_notification_new_test() to every channel. */
void        hf_notifier_send_test_async  (HfNotifier           *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean    hf_notifier_send_test_finish (HfNotifier           *self,
                                          GAsyncResult         *result,
                                          GError              **error);

/* Notifications queued or in flight, on every channel. */
guint       hf_notifier_get_n_pending    (HfNotifier           *self);

/* Before the program ends: finish once nothing is queued or in flight
 * (delivered, or given up), TRUE; or when @timeout_ms passed, FALSE with
 * HF_ERROR_TIMEOUT saying how many were left (they are dropped with the
 * notifier); or when @cancellable is cancelled. */
void        hf_notifier_drain_async      (HfNotifier           *self,
                                          guint                 timeout_ms,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean    hf_notifier_drain_finish     (HfNotifier           *self,
                                          GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
