/* hf-store-profiles.h — named pool profiles, kept in the store
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-miner-settings.h"
#include "hf-store.h"

G_BEGIN_DECLS

/* A profile is the pool part of an HfMinerSettings (pool_url, pool_user,
 * pool_password and the fallback ones), under a name. */
gboolean         hf_store_save_pool_profile   (HfStore                *store,
                                               const char             *name,
                                               const HfMinerSettings  *pools,
                                               GError                **error);
/* NULL with HF_ERROR_INVALID when there is no such profile. */
HfMinerSettings *hf_store_load_pool_profile   (HfStore                *store,
                                               const char             *name,
                                               GError                **error);
/* The names, sorted. */
GStrv            hf_store_list_pool_profiles  (HfStore                *store,
                                               GError                **error);
gboolean         hf_store_delete_pool_profile (HfStore                *store,
                                               const char             *name,
                                               GError                **error);
/* The same two on the store's writer, in turn with its other changes;
 * both finish with hf_store_pool_profile_finish(). */
void             hf_store_save_pool_profile_async   (HfStore                *store,
                                                     const char             *name,
                                                     const HfMinerSettings  *pools,
                                                     GAsyncReadyCallback     callback,
                                                     gpointer                user_data);
void             hf_store_delete_pool_profile_async (HfStore                *store,
                                                     const char             *name,
                                                     GAsyncReadyCallback     callback,
                                                     gpointer                user_data);
gboolean         hf_store_pool_profile_finish       (HfStore                *store,
                                                     GAsyncResult           *result,
                                                     GError                **error);

G_END_DECLS
