/* hf-store-guardian.h — thermal guards and each guarded miner's steps, kept in the store
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-miner.h"
#include "hf-store.h"
#include "hf-thermal-guardian.h"

G_BEGIN_DECLS

/**
 * HfGuardianState:
 * @miner_key: the miner's identity (MAC/serial, else address)
 * @address: its address (listing only)
 * @steps: options stepped down now (a row with 0 is not kept)
 * @orig_frequency: its frequency (MHz) before the first step down, or 0
 * @orig_work_mode: its work mode before the first step down, or -1
 * @changed: unix seconds of the last step
 */
typedef struct
{
  char   *miner_key;
  char   *address;
  guint   steps;
  guint   orig_frequency;
  int     orig_work_mode;
  gint64  changed;
} HfGuardianState;

HfGuardianState *hf_guardian_state_new  (void);
void             hf_guardian_state_free (HfGuardianState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfGuardianState, hf_guardian_state_free)

/* Keep @guard for @miner (saved first if the store does not know it), else
 * for the group guard->group names, which must exist; one guard per miner
 * or group: an existing one is replaced (it keeps its id).  Its id, or 0
 * with @error. */
gint64      hf_store_set_guard            (HfStore          *store,
                                           const HfGuard    *guard,
                                           HfMiner          *miner,
                                           GError          **error);
/* HF_ERROR_INVALID when there is no guard @id. */
gboolean    hf_store_remove_guard         (HfStore          *store,
                                           gint64            id,
                                           GError          **error);
/* Every guard (HfGuard*), oldest first, with its miner's key and address,
 * or its group's name. */
GPtrArray  *hf_store_list_guards          (HfStore          *store,
                                           GError          **error);
/* Keep @state as @miner's (saved first if the store does not know it);
 * state->steps 0 forgets the row. */
gboolean    hf_store_set_guardian_state   (HfStore                *store,
                                           HfMiner                *miner,
                                           const HfGuardianState  *state,
                                           GError                **error);
/* Every miner stepped down (HfGuardianState*). */
GPtrArray  *hf_store_list_guardian_states (HfStore          *store,
                                           GError          **error);

/* The same changes on the store's writer, in turn with its other changes. */
void        hf_store_set_guard_async      (HfStore             *store,
                                           const HfGuard       *guard,
                                           HfMiner             *miner,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gint64      hf_store_set_guard_finish     (HfStore             *store,
                                           GAsyncResult        *result,
                                           GError             **error);
void        hf_store_remove_guard_async   (HfStore             *store,
                                           gint64               id,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    hf_store_remove_guard_finish  (HfStore             *store,
                                           GAsyncResult        *result,
                                           GError             **error);
void        hf_store_set_guardian_state_async  (HfStore               *store,
                                                HfMiner               *miner,
                                                const HfGuardianState *state,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data);
gboolean    hf_store_set_guardian_state_finish (HfStore               *store,
                                                GAsyncResult          *result,
                                                GError               **error);

/* What a guardian reads at once, off the main thread. */
typedef struct
{
  GPtrArray *guards;            /* HfGuard* */
  GPtrArray *states;            /* HfGuardianState* */
} HfStoreGuardianData;

void        hf_store_guardian_data_free   (HfStoreGuardianData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfStoreGuardianData, hf_store_guardian_data_free)

void        hf_store_load_guardian_async  (HfStore             *store,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
HfStoreGuardianData *hf_store_load_guardian_finish (HfStore       *store,
                                                    GAsyncResult  *result,
                                                    GError       **error);

G_END_DECLS
