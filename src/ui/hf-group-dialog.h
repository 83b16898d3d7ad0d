/* hf-group-dialog.h — asking for a group's name (a new group, a rename)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-core.h"

G_BEGIN_DECLS

/* Called with the name chosen (checked: one hf_groups_check_name() takes,
 * not another group's). */
typedef void (*HfGroupNameFunc) (const char *name,
                                 gpointer    user_data);

/* A dialog over @parent asking for a name: @heading, the entry holding
 * @current (NULL: empty), and @apply_label on the button that calls
 * @func; the button is enabled only for a name the group may have. */
GtkWidget *hf_group_name_dialog_new (GtkWindow      *parent,
                                     HfGroups       *groups,
                                     const char     *heading,
                                     const char     *current,
                                     const char     *apply_label,
                                     HfGroupNameFunc func,
                                     gpointer        user_data,
                                     GDestroyNotify  destroy);

G_END_DECLS
