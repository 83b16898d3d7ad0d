/* hf-details-window.h — one miner (or the fleet) in full, with history
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-core.h"

G_BEGIN_DECLS

#define HF_TYPE_DETAILS_WINDOW (hf_details_window_get_type ())

G_DECLARE_FINAL_TYPE (HfDetailsWindow, hf_details_window, HF, DETAILS_WINDOW, AdwWindow)

/* @miner NULL: the fleet's totals.  @store NULL: no charts. */
GtkWidget *hf_details_window_new        (HfMiner         *miner,
                                         HfStore         *store);
/* Energy today and this month from @meter (its :today and :month), and
 * the cost chart at its tariff's prices (NULL: no energy shown). */
void       hf_details_window_set_energy_meter (HfDetailsWindow *self,
                                               HfEnergyMeter   *meter);
/* Show and edit the miner's schedules through @session (once). */
void       hf_details_window_set_session (HfDetailsWindow *self,
                                          HfSession       *session);
/* Its thermal guardian's rows (an AxeOS or Avalon miner, once a session
 * is given), else NULL. */
GtkWidget *hf_details_window_get_guardian_group (HfDetailsWindow *self);
/* Show the last @seconds (3600, 86400, 7 × 86400, 30 × 86400). */
void       hf_details_window_set_range  (HfDetailsWindow *self,
                                         gint64           seconds);
/* The value row titled @title shows (for tests). */
const char *hf_details_window_get_value (HfDetailsWindow *self,
                                         const char      *title);
GtkWidget  *hf_details_window_get_chart (HfDetailsWindow *self,
                                         guint            index);
/* The cost (or, without a tariff, energy) chart, and the efficiency
 * chart of a miner's 30 days (NULL for the fleet), for tests. */
GtkWidget  *hf_details_window_get_cost_chart       (HfDetailsWindow *self);
GtkWidget  *hf_details_window_get_efficiency_chart (HfDetailsWindow *self);
/* Whether the slices and the 30 days are in (for tests). */
gboolean    hf_details_window_get_energy_loaded    (HfDetailsWindow *self);

G_END_DECLS
