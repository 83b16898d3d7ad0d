/* hf-notify-channels.h — the app's notification channels, kept in the keyring
 * SPDX-License-Identifier: MIT
 *
 * The list of channel URLs (Preferences → Automation) as the keyring keeps
 * it, plus what was added or removed in this run.  The keyring's answer
 * may come late (it waits for the user to unlock it): an edit made before
 * works at once and waits for the list, and is then merged into it and
 * saved; the saved list is never replaced by the edit alone, and the
 * edit is never lost to the list that comes.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HF_TYPE_NOTIFY_CHANNELS (hf_notify_channels_get_type ())
G_DECLARE_FINAL_TYPE (HfNotifyChannels, hf_notify_channels, HF, NOTIFY_CHANNELS, GObject)

/* Every keyring call is cancelled with @cancellable (the app's end). */
HfNotifyChannels *hf_notify_channels_new          (GCancellable       *cancellable);

/* The URLs, one a line, NULL for none (property "urls", notified when
 * it changes): the keyring's list with this run's edits. */
const char       *hf_notify_channels_get_urls     (HfNotifyChannels   *self);
/* The keyring's list came (property "loaded"); FALSE while it is being
 * looked up or when the keyring could not be read. */
gboolean          hf_notify_channels_get_loaded   (HfNotifyChannels   *self);

/* Look the list up in the keyring (again); edits not yet saved are kept
 * on top of what it says. */
void              hf_notify_channels_load         (HfNotifyChannels   *self);

/* Add @url (unless the list has it) or remove it (every line that is the
 * same channel): at once in "urls", then in the keyring once its list
 * came.  Finishes when the keyring kept it; the error says why not (the
 * channels then work until the app ends). */
void              hf_notify_channels_add_async    (HfNotifyChannels   *self,
                                                   const char         *url,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
void              hf_notify_channels_remove_async (HfNotifyChannels   *self,
                                                   const char         *url,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean          hf_notify_channels_edit_finish  (HfNotifyChannels   *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);

/* @url is the same channel as one of the list's. */
gboolean          hf_notify_channels_has          (HfNotifyChannels   *self,
                                                   const char         *url);

G_END_DECLS
