/* hf-miner-settings-dialog.h — one miner's settings, from that miner
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-application.h"
#include "hf-core.h"

G_BEGIN_DECLS

#define HF_TYPE_MINER_SETTINGS_DIALOG (hf_miner_settings_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HfMinerSettingsDialog, hf_miner_settings_dialog, HF, MINER_SETTINGS_DIALOG,
                      AdwWindow)

GtkWidget       *hf_miner_settings_dialog_new        (GtkWindow             *parent,
                                                      HfApplication         *app,
                                                      HfMiner               *miner);
/* The same change to every miner of @miners, shown with the first one's
 * values and choices; it goes to the first, then (once its next reading
 * shows it) to the rest, with a list of outcomes. */
GtkWidget       *hf_miner_settings_dialog_new_for_miners (GtkWindow     *parent,
                                                          HfApplication *app,
                                                          GPtrArray     *miners);
HfMiner         *hf_miner_settings_dialog_get_miner  (HfMinerSettingsDialog *self);
/* TRUE while it asks the miner what it takes (or writes). */
gboolean         hf_miner_settings_dialog_get_loading (HfMinerSettingsDialog *self);
/* For tests: whether Apply can be pressed (something changed); what the
 * dialog offers (every miner's capabilities in common); whether it
 * offers to restart; the Performance group's explanation. */
gboolean         hf_miner_settings_dialog_get_can_apply (HfMinerSettingsDialog *self);
HfCapabilities   hf_miner_settings_dialog_get_offered   (HfMinerSettingsDialog *self);
gboolean         hf_miner_settings_dialog_get_offers_restart (HfMinerSettingsDialog *self);
const char      *hf_miner_settings_dialog_get_performance_text (HfMinerSettingsDialog *self);
/* What Apply would write: only the fields changed. */
HfMinerSettings *hf_miner_settings_dialog_get_changes (HfMinerSettingsDialog *self);
void             hf_miner_settings_dialog_apply      (HfMinerSettingsDialog *self);

/* For tests. */
guint            hf_miner_settings_dialog_get_frequency      (HfMinerSettingsDialog *self);
guint            hf_miner_settings_dialog_get_n_frequencies  (HfMinerSettingsDialog *self);
gboolean         hf_miner_settings_dialog_select_frequency   (HfMinerSettingsDialog *self,
                                                              guint                  mhz);
const char      *hf_miner_settings_dialog_get_pool           (HfMinerSettingsDialog *self);
gboolean         hf_miner_settings_dialog_choose_profile     (HfMinerSettingsDialog *self,
                                                              const char            *name);

G_END_DECLS
