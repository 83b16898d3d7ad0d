/* hf-schedule-json.h — schedules as JSON, for the CLI and the HTTP API
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-schedule.h"

G_BEGIN_DECLS

/* {"id", "miner", "address", "group", "days", "time", "state", "created"}
 * with the text forms of hf-schedule.h (a target's other key is null). */
JsonNode   *hf_schedule_to_json   (const HfSchedule  *schedule);
JsonNode   *hf_schedules_to_json  (GPtrArray         *schedules);

/* A schedule from what a client sent: {"address" (or "miner") | "group",
 * "days", "time", "state"}, every field checked; the target address in
 * *@address (the caller finds the miner), the group in schedule->group.
 * NULL with HF_ERROR_INVALID saying what is wrong. */
HfSchedule *hf_schedule_from_json (JsonNode          *node,
                                   char             **address,
                                   GError           **error);

G_END_DECLS
