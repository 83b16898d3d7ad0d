/* hf-store-groups.h — named groups of miners in the store
 * SPDX-License-Identifier: MIT
 *
 * A group has a name (unique, compared case-insensitively) and members,
 * miners of the store.  Forgetting a miner drops its memberships;
 * deleting a group drops its memberships (and schedules), never a miner.
 */
#pragma once

#include "hf-store.h"

G_BEGIN_DECLS

/**
 * HfStoreGroup:
 * @name: as the user wrote it
 * @keys: each member's key: its identity (MAC, else serial), else its
 *   address
 * @addresses: each member's address, in the order of @keys
 */
typedef struct
{
  char  *name;
  GStrv  keys;
  GStrv  addresses;
} HfStoreGroup;

void          hf_store_group_free          (HfStoreGroup *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfStoreGroup, hf_store_group_free)

/* What hf_store_change_group() does. */
typedef enum
{
  HF_GROUP_CHANGE_CREATE,       /* @name, no members */
  HF_GROUP_CHANGE_RENAME,       /* @name to @new_name */
  HF_GROUP_CHANGE_DELETE,       /* @name */
  HF_GROUP_CHANGE_ADD,          /* @miners join @name */
  HF_GROUP_CHANGE_REMOVE,       /* @miners leave @name */
  HF_GROUP_CHANGE_SET,          /* @name (created if need be) has exactly @miners */
} HfGroupChange;

/* Every group, sorted by name (HfStoreGroup*); NULL with @error. */
GPtrArray    *hf_store_load_groups         (HfStore        *self,
                                            GError        **error);
/* One change, in one transaction.  A miner not in the store yet is saved
 * first.  Unknown groups, a name taken and a rename onto another group are
 * HF_ERROR_INVALID. */
gboolean      hf_store_change_group        (HfStore        *self,
                                            HfGroupChange   change,
                                            const char     *name,
                                            const char     *new_name,
                                            HfMiner       **miners,
                                            guint           n,
                                            GError        **error);
/* The same on the store's writer, in turn with its other _async changes
 * (the miners are copied first). */
void          hf_store_change_group_async  (HfStore            *self,
                                            HfGroupChange       change,
                                            const char         *name,
                                            const char         *new_name,
                                            HfMiner           **miners,
                                            guint               n,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean      hf_store_change_group_finish (HfStore        *self,
                                            GAsyncResult   *result,
                                            GError        **error);

G_END_DECLS
