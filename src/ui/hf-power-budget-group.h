/* hf-power-budget-group.h — Preferences' Power Budget group
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-core.h"

G_BEGIN_DECLS

#define HF_TYPE_POWER_BUDGET_GROUP (hf_power_budget_group_get_type ())

G_DECLARE_FINAL_TYPE (HfPowerBudgetGroup, hf_power_budget_group, HF, POWER_BUDGET_GROUP,
                      AdwPreferencesGroup)

/* Show and set @budget (the session's): a number of watts, 0 for none,
 * applied a moment after the last change, and what it curtailed. */
GtkWidget *hf_power_budget_group_new (HfPowerBudget *budget);

G_END_DECLS
