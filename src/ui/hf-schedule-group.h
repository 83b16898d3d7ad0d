/* hf-schedule-group.h — a miner's schedules, in its details window
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-core.h"

G_BEGIN_DECLS

#define HF_TYPE_SCHEDULE_GROUP (hf_schedule_group_get_type ())

G_DECLARE_FINAL_TYPE (HfScheduleGroup, hf_schedule_group, HF, SCHEDULE_GROUP, AdwPreferencesGroup)

/* The schedules that apply to @miner (its own, removable here, and its
 * groups'), and a row to add one for it, through @session's scheduler. */
GtkWidget *hf_schedule_group_new (HfSession *session,
                                  HfMiner   *miner);

G_END_DECLS
