/* hf-alert-rules-group.h — Preferences' group of alert rules
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-settings.h"

G_BEGIN_DECLS

#define HF_TYPE_ALERT_RULES_GROUP (hf_alert_rules_group_get_type ())

G_DECLARE_FINAL_TYPE (HfAlertRulesGroup, hf_alert_rules_group, HF, ALERT_RULES_GROUP,
                      AdwPreferencesGroup)

/* Show and edit the alert rules of @settings (each change is saved at
 * once; the quiet hours and the summary's time when applied and valid). */
void hf_alert_rules_group_set_settings (HfAlertRulesGroup *self,
                                        HfSettings        *settings);

G_END_DECLS
