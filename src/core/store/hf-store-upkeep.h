/* hf-store-upkeep.h — roll-ups and retention of the stored history
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-store.h"

G_BEGIN_DECLS

/* One bounded step of upkeep as of @now (unix seconds), on the store's own
 * connection: roll up at most 5 minutes of raw readings into 5-minute
 * buckets, or one hour of those into hourly ones, or prune one slice of
 * expired rows.  Returns TRUE while more work is left.  For tests and
 * tools; the app and the CLI use hf_store_maintain_async(). */
gboolean hf_store_maintain_step   (HfStore              *self,
                                   gint64                now,
                                   GError              **error);

/* All the upkeep due as of @now, on a worker thread with its own SQLite
 * connection: the same steps, each its own short transaction, with a pause
 * after each so the main thread's writes get in between (they wait at most
 * for the step in progress).  Cancelling stops after the current step. */
void     hf_store_maintain_async  (HfStore              *self,
                                   gint64                now,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
/* @steps: how many steps ran. */
gboolean hf_store_maintain_finish (HfStore              *self,
                                   GAsyncResult         *result,
                                   guint                *steps,
                                   GError              **error);

G_END_DECLS
