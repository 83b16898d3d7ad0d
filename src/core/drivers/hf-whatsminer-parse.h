/* hf-whatsminer-parse.h — btminer API v1/v2 replies
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* TRUE when a `devdetails`/`version` reply comes from btminer. */
gboolean   hf_whatsminer_reply_is_btminer  (JsonObject  *reply);
/* The object in a btminer "Msg" reply ({"STATUS":"S","Msg":{…}}), or NULL. */
JsonObject *hf_whatsminer_msg              (JsonObject  *reply);
/* Identity from `devdetails` (model), `get_version` (firmware),
 * `get_miner_info` (hostname, MAC) and `summary` (MAC, firmware); any of
 * the last three may be NULL. */
gboolean   hf_whatsminer_parse_identity    (JsonObject  *devdetails_reply,
                                            JsonObject  *version_reply,
                                            JsonObject  *miner_info_reply,
                                            JsonObject  *summary_reply,
                                            HfMiner     *miner,
                                            GError     **error);
HfReading *hf_whatsminer_parse_reading     (JsonObject  *summary_reply,
                                            JsonObject  *pools_reply,
                                            GError     **error);
/* TRUE when a btminer v2 `status` reply says it is powered off
 * (Msg.btmineroff "true": `power_off` stopped hashing on purpose). */
gboolean   hf_whatsminer_parse_powered_off (JsonObject  *status_reply);

G_END_DECLS
