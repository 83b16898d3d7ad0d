/* hf-guardian-group.h — the thermal guardian of a miner or a group
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-core.h"
#include "hf-thermal-guardian.h"

G_BEGIN_DECLS

#define HF_TYPE_GUARDIAN_GROUP (hf_guardian_group_get_type ())
G_DECLARE_FINAL_TYPE (HfGuardianGroup, hf_guardian_group, HF, GUARDIAN_GROUP, AdwPreferencesGroup)

/* The guard of @miner, or (@miner NULL) of the group @group, through
 * @session's guardian: a switch, the chip and VR limits and the cool
 * period; a change is saved as it is made. */
GtkWidget *hf_guardian_group_new        (HfSession       *session,
                                         HfMiner         *miner,
                                         const char      *group);
/* The same in a small window over @parent (the group menu's). */
GtkWidget *hf_guardian_group_window_new (GtkWindow       *parent,
                                         HfSession       *session,
                                         const char      *group);
/* As if the user set the switch and the values (for tests); the save
 * happens as from the widgets. */
void       hf_guardian_group_set        (HfGuardianGroup *self,
                                         gboolean         on,
                                         double           chip_c,
                                         double           vr_c,
                                         guint            cool_min);
gboolean   hf_guardian_group_get_active (HfGuardianGroup *self);
/* The last error shown, or NULL; whether no save is on its way. */
const char *hf_guardian_group_get_error (HfGuardianGroup *self);
gboolean   hf_guardian_group_get_idle   (HfGuardianGroup *self);

G_END_DECLS
