/* hf-store-schedules.h — schedules, kept in the store
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-miner.h"
#include "hf-schedule.h"
#include "hf-store.h"

G_BEGIN_DECLS

/* Keep @schedule (its id and created are filled in here when 0): for
 * @miner (saved first if the store does not know it) when given, else for
 * the group schedule->group names, which must exist.  The new row's id,
 * or 0 with @error. */
gint64      hf_store_add_schedule      (HfStore           *store,
                                        const HfSchedule  *schedule,
                                        HfMiner           *miner,
                                        GError           **error);
/* HF_ERROR_INVALID when there is no schedule @id. */
gboolean    hf_store_remove_schedule   (HfStore           *store,
                                        gint64             id,
                                        GError           **error);
/* Every schedule (HfSchedule*), oldest first, with its target's miner key
 * and address, or group name.  A row whose state no longer parses is left
 * out. */
GPtrArray  *hf_store_list_schedules    (HfStore           *store,
                                        GError           **error);

/* The same two on the store's writer, in turn with its other changes. */
void        hf_store_add_schedule_async     (HfStore             *store,
                                             const HfSchedule    *schedule,
                                             HfMiner             *miner,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* The new schedule's id, or 0 with @error. */
gint64      hf_store_add_schedule_finish    (HfStore             *store,
                                             GAsyncResult        *result,
                                             GError             **error);
void        hf_store_remove_schedule_async  (HfStore             *store,
                                             gint64               id,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean    hf_store_remove_schedule_finish (HfStore             *store,
                                             GAsyncResult        *result,
                                             GError             **error);

/* What a scheduler reads at once, off the main thread: every schedule,
 * the notes (hf_store_load_meta()) under a prefix, and the pool profiles
 * the schedules name (name → HfMinerSettings*; a missing one is absent). */
typedef struct
{
  GPtrArray  *schedules;
  GHashTable *notes;
  GHashTable *profiles;
} HfStoreScheduleData;

void        hf_store_schedule_data_free     (HfStoreScheduleData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfStoreScheduleData, hf_store_schedule_data_free)

void        hf_store_load_schedules_async   (HfStore             *store,
                                             const char          *notes_prefix,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
HfStoreScheduleData *hf_store_load_schedules_finish (HfStore       *store,
                                                     GAsyncResult  *result,
                                                     GError       **error);

G_END_DECLS
