/* hf-background.h — may Hashfleet run with no window? (the Background portal)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Ask org.freedesktop.portal.Background (RequestBackground) to let the
 * app run with its window closed, saying @reason to the user.  Inside
 * Flatpak a sandboxed app without that permission may be stopped once its
 * window is gone; on a plain desktop there may be no portal at all. */
void      hf_background_request_async  (const char          *reason,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* TRUE when the portal allowed it, or when there is no portal to ask (no
 * session bus, no portal service, a portal without the Background
 * interface): the app proceeds.  FALSE and G_IO_ERROR_PERMISSION_DENIED
 * when the portal or the user said no; G_IO_ERROR_CANCELLED when
 * cancelled. */
gboolean  hf_background_request_finish (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
