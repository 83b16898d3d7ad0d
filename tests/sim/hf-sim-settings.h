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
 * frequency and voltage (hashrate, errors, power and temperatures follow
 * them through the physical model), fan, hostname, pool,
 * and a paused miner's hashrate of 0.  Takes @info_json. */
char     *sim_axeos_apply_overrides (SimFleet *fleet,
                                     SimMiner *miner,
                                     char     *info_json);

/* What writes did to the hashrate: 0 when paused, the work mode's share. */
double    sim_miner_rate_factor     (SimMiner *miner);
/* Avalon `ascset` PARAMETER: work mode, fan, target temperature, LED,
 * soft off/on.  Returns the reply, or NULL when the option is unknown. */
char     *sim_avalon_ascset         (SimMiner   *miner,
                                     const char *parameter);
/* An Avalon estats reply with what writes changed in its MM ID0 string.
 * Takes @reply. */
char     *sim_avalon_apply_overrides (SimMiner *miner,
                                      char     *reply);

/* Antminer web CGI: the configuration get_miner_conf.cgi answers (with
 * what set_miner_conf.cgi changed), and taking a new one whole.  FALSE
 * when it is not a configuration (the firmware then answers M001). */
char     *sim_antminer_conf         (SimMiner   *miner);
gboolean  sim_antminer_set_conf     (SimMiner   *miner,
                                     const char *body,
                                     gsize       len);

G_END_DECLS
