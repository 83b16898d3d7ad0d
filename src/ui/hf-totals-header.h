/* hf-totals-header.h — the fleet's totals above the miners
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "hf-core.h"

G_BEGIN_DECLS

#define HF_TYPE_TOTALS_HEADER (hf_totals_header_get_type ())

G_DECLARE_FINAL_TYPE (HfTotalsHeader, hf_totals_header, HF, TOTALS_HEADER, GtkWidget)

GtkWidget *hf_totals_header_new       (void);
void       hf_totals_header_set_fleet (HfTotalsHeader *self,
                                       HfFleet        *fleet);
/* Show the totals of @miners (some of the fleet's, such as a group's,
 * named @group), or with NULL of the whole fleet again. */
void       hf_totals_header_set_miners (HfTotalsHeader *self,
                                        GListModel     *miners,
                                        const char     *group);
/* Today's and this month's energy and cost from @meter's :today and
 * :month (NULL: none shown), of the miners shown. */
void       hf_totals_header_set_energy_meter (HfTotalsHeader *self,
                                              HfEnergyMeter  *meter);
/* The text shown for a figure: "hashrate", "power", "efficiency",
 * "miners", "hottest", "shares", "group" (which group), "energy" (kWh
 * today), "energy-cost" (today's cost, and whether part is estimated),
 * "energy-month", or "compact" (the one line a narrow window shows), for
 * tests and accessibility. */
const char *hf_totals_header_get_text (HfTotalsHeader *self,
                                       const char     *figure);
/* Whether the header is too narrow for its figures side by side, and
 * shows them on one line. */
gboolean    hf_totals_header_get_compact (HfTotalsHeader *self);

G_END_DECLS
