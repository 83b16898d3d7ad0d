/* hf-tariff-group.h — Preferences' Energy group: what a kWh costs
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-settings.h"

G_BEGIN_DECLS

#define HF_TYPE_TARIFF_GROUP (hf_tariff_group_get_type ())

G_DECLARE_FINAL_TYPE (HfTariffGroup, hf_tariff_group, HF, TARIFF_GROUP, AdwPreferencesGroup)

/* Show and edit the tariff of @settings: the currency, the price per kWh,
 * and time-of-use periods (weekdays, a time range and a price each).
 * Every change that makes a valid tariff is saved at once; one that does
 * not is shown (the field in red, the reason under the group) and never
 * saved. */
void          hf_tariff_group_set_settings  (HfTariffGroup *self,
                                             HfSettings    *settings);

/* What the Add and Remove buttons do (for tests too). */
void          hf_tariff_group_add_period    (HfTariffGroup *self);
void          hf_tariff_group_remove_period (HfTariffGroup *self,
                                             guint          index);
guint         hf_tariff_group_get_n_periods (HfTariffGroup *self);
/* A field, for tests: "currency" and "price" with @period -1; "from",
 * "to" and "price" of period @period. */
GtkEditable  *hf_tariff_group_get_field     (HfTariffGroup *self,
                                             int            period,
                                             const char    *name);
/* Period @period's toggle of @day (0 Monday … 6 Sunday). */
GtkToggleButton *hf_tariff_group_get_day    (HfTariffGroup *self,
                                             guint          period,
                                             guint          day);
/* Why the tariff as written is not saved, or NULL. */
const char   *hf_tariff_group_get_error     (HfTariffGroup *self);

G_END_DECLS
