/* hf-guard-json.h — thermal guards as JSON, for the CLI and the HTTP API
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-thermal-guardian.h"

G_BEGIN_DECLS

/* {"id", "miner", "address", "group", "chip_limit_c", "vr_limit_c",
 * "cool_min"} (a target's other keys are null). */
JsonNode *hf_guard_to_json   (const HfGuard *guard);
JsonNode *hf_guards_to_json  (GPtrArray     *guards);

/* A guard from what a client sent: {"address" | "group", "chip_limit_c",
 * "vr_limit_c", "cool_min" (each optional: the defaults), "remove" (true:
 * the target's guard goes)}; every member checked, no other member
 * taken.  The target address in *@address (the caller finds the miner),
 * the group in guard->group; *@remove says which change.  NULL with
 * HF_ERROR_INVALID saying what is wrong. */
HfGuard  *hf_guard_from_json (JsonNode      *node,
                              char         **address,
                              gboolean      *remove,
                              GError       **error);

G_END_DECLS
