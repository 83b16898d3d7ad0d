/* hf-miner-json.h — a miner as the JSON object scripts read
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* One line of JSON text (no trailing newline) in the stable script
 * interface — keys are never renamed: ip, family, model, firmware,
 * hostname, mac, online, hashrate_ghs, expected_hashrate_ghs,
 * temperature_c, power_w, power_estimated, fan_rpm, fan_percent,
 * frequency_mhz, uptime_s, accepted, rejected, pool_url, error.  Unknown
 * values are null.  @miner may be NULL (nothing identified at @address). */
char     *hf_miner_to_json_line   (HfMiner    *miner,
                                   const char *address,
                                   const char *error);

G_END_DECLS
