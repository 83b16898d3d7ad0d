/* hf-settings-rollout.h — one change to one or many miners, checked
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-application.h"
#include "hf-core.h"

G_BEGIN_DECLS

/* The first miner's write: accepted (@error NULL) or refused. */
typedef void (*HfRolloutFirstFunc) (const GError *error,
                                    gpointer      user_data);

/* Writes @settings to the first of @miners, waits until its next reading
 * shows the change, then writes it to the rest at once; each is checked
 * the same way ("applied", "applied after restart", "not applied (…)").
 * When the first does not take it the rest are left alone.  @first is
 * called once the first write was answered; the outcome goes to @window
 * (a toast for one miner, a list for several). */
void  hf_settings_rollout_start (HfApplication         *app,
                                 GtkWindow             *window,
                                 GPtrArray             *miners,
                                 const HfMinerSettings *settings,
                                 gboolean               restart,
                                 HfRolloutFirstFunc     first,
                                 gpointer               user_data);

/* The list of outcomes shown after a rollout to several miners. */
GtkWindow *hf_settings_rollout_get_last_results (void);

G_END_DECLS
