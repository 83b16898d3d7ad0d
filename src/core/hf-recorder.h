/* hf-recorder.h — write a fleet's poll cycles into the store
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-fleet.h"
#include "hf-store.h"

G_BEGIN_DECLS

#define HF_TYPE_RECORDER (hf_recorder_get_type ())

G_DECLARE_FINAL_TYPE (HfRecorder, hf_recorder, HF, RECORDER, GObject)

/* From now on every reading of @fleet is kept and written to @store at the
 * end of its cycle, in one transaction on a worker thread
 * (hf_store_add_readings_async); history upkeep (roll-ups, retention)
 * then runs on a worker thread with its own connection
 * (hf_store_maintain_async), one at a time, keeping a reference to the
 * recorder until it is done.  A failed write (disk full,
 * read-only) is reported once through ::failed and retried next cycle;
 * ::recovered says when writing works again. */
HfRecorder *hf_recorder_new          (HfFleet    *fleet,
                                      HfStore    *store);
HfStore    *hf_recorder_get_store    (HfRecorder *self);
/* Cycles written so far. */
guint       hf_recorder_get_cycles   (HfRecorder *self);
/* Before quitting: finishes once every cycle queued for writing is in the
 * store, with the last error if one could not be written. */
void        hf_recorder_flush_async  (HfRecorder          *self,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean    hf_recorder_flush_finish (HfRecorder          *self,
                                      GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
