/* hf-sim-settings.h — the writes a simulated miner accepts, and their effect
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

/* PATCH /api/system: check @body the way the firmware does (the types and
 * bounds of the AxeOS Settings schema) and apply it.  FALSE with
 * @error_text (a JSON object) when it refuses; nothing is changed then. */
gboolean  sim_axeos_patch      (SimMiner    *miner,
                                const char  *body,
                                gsize        len,
                                char       **error_text);
/* @info_json (an /api/system/info reply) with what writes changed: the
 * frequency (hashrate and power follow it), voltage, fan, hostname, pool,
 * and a paused miner's hashrate of 0.  Takes @info_json. */
char     *sim_axeos_apply_overrides (SimMiner *miner,
                                     char     *info_json);

G_END_DECLS
