/* hf-miner-json.h — a miner as the JSON object scripts read
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* One line of JSON text (no trailing newline) in the stable script
 * interface — keys are never renamed: ip, family, model, firmware,
 * hostname, mac, online, state, state_since, hashrate_ghs,
 * expected_hashrate_ghs, temperature_c, chip2_temp_c, vr_temp_c, power_w,
 * power_estimated, fan_rpm, fan_percent, frequency_mhz, uptime_s,
 * accepted, rejected, best_difficulty, best_session_difficulty,
 * pool_difficulty, network_difficulty, found_blocks, blocks_found,
 * pool_url, fault, error.  Unknown values are null.  state is the
 * miner's (hf_state_to_string()), "offline" whenever online is false
 * (unless it is restarting); state_since is unix seconds (for offline, the
 * last answer).  @miner may be NULL (nothing identified at @address). */
char     *hf_miner_to_json_line   (HfMiner    *miner,
                                   const char *address,
                                   const char *error);

G_END_DECLS
