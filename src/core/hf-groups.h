/* hf-groups.h — named groups of miners, in memory
 * SPDX-License-Identifier: MIT
 *
 * The session's groups ("garage", "heaters"): restored from the store
 * with the fleet, changed through the session (hf_session_change_group_async,
 * which saves them), read by every face.  A member is known by its key —
 * the miner's identity (hf_miner_get_identity_key: MAC, else serial), else
 * its address — and a miner is in a group when its identity or its address
 * is one of the group's keys (an address first, until the miner's MAC is
 * learned).  Names compare case-insensitively.
 */
#pragma once

#include <glib-object.h>

#include "hf-fleet.h"
#include "hf-miner.h"

G_BEGIN_DECLS

/* A group's name: 1–HF_GROUP_NAME_MAX characters. */
#define HF_GROUP_NAME_MAX 64

#define HF_TYPE_GROUPS (hf_groups_get_type ())
G_DECLARE_FINAL_TYPE (HfGroups, hf_groups, HF, GROUPS, GObject)

HfGroups   *hf_groups_new          (void);

/* Whether @name may name a group: valid UTF-8, 1–64 characters, no
 * control characters, no space at either end.  HF_ERROR_INVALID if not. */
gboolean    hf_groups_check_name   (const char  *name,
                                    GError     **error);

/* The names, sorted (case-insensitively). */
GStrv       hf_groups_list         (HfGroups    *self);
/* The group's name as it was given (any case matches), or NULL. */
const char *hf_groups_lookup       (HfGroups    *self,
                                    const char  *name);
/* The members' keys, or NULL when there is no such group. */
GStrv       hf_groups_get_keys     (HfGroups    *self,
                                    const char  *name);
/* The miners of @fleet in the group, in the fleet's order (a new array
 * holding references), or NULL when there is no such group. */
GPtrArray  *hf_groups_get_members  (HfGroups    *self,
                                    const char  *name,
                                    HfFleet     *fleet);
/* The groups @miner is in, sorted (empty if none). */
GStrv       hf_groups_of_miner     (HfGroups    *self,
                                    HfMiner     *miner);
gboolean    hf_groups_contains     (HfGroups    *self,
                                    const char  *name,
                                    HfMiner     *miner);

/* ---- changes (the session's: it saves them) ------------------------------ */

/* Replace every group: @names[i] has the members @keys[i] (NULL-terminated
 * arrays of the same length).  Emits ::changed. */
void        hf_groups_load         (HfGroups           *self,
                                    const char * const *names,
                                    GStrv              *keys);
/* Each change is checked first (a name taken, no such group: FALSE with
 * HF_ERROR_INVALID, nothing changed); a change emits ::changed. */
gboolean    hf_groups_create       (HfGroups    *self,
                                    const char  *name,
                                    GError     **error);
gboolean    hf_groups_rename       (HfGroups    *self,
                                    const char  *name,
                                    const char  *new_name,
                                    GError     **error);
gboolean    hf_groups_delete       (HfGroups    *self,
                                    const char  *name,
                                    GError     **error);
/* @miners join (@add) or leave the group. */
gboolean    hf_groups_add          (HfGroups    *self,
                                    const char  *name,
                                    HfMiner    **miners,
                                    guint        n,
                                    gboolean     add,
                                    GError     **error);
/* The group (created if need be) has exactly @miners. */
gboolean    hf_groups_set          (HfGroups    *self,
                                    const char  *name,
                                    HfMiner    **miners,
                                    guint        n,
                                    GError     **error);
/* @miner leaves every group (it left the fleet). */
void        hf_groups_forget_miner (HfGroups    *self,
                                    HfMiner     *miner);

G_END_DECLS
