/* hf-whatsminer-v3-parse.h — Whatsminer API v3 replies
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* Identity from a get.device.info reply: model "Whatsminer <miner.type>"
 * (the firmware's own type, as the v2 driver names it), firmware
 * "Whatsminer <fwversion> (API <api>)", MAC, hostname, serial.
 * HF_ERROR_NOT_A_MINER when the reply has no miner type. */
gboolean    hf_whatsminer_v3_parse_identity (JsonObject  *device_info_reply,
                                             HfMiner     *miner,
                                             GError     **error);
/* The salt in a get.device.info reply (param "salt"), or NULL; at most 64
 * printable characters. */
char       *hf_whatsminer_v3_parse_salt     (JsonObject  *device_info_reply);
/* A reading from get.miner.status "summary+pools+edevs"; @setting_reply
 * (get.miner.setting, for the power mode) and @info_reply
 * (get.device.info "miner", for whether the miner service runs) may be
 * NULL.  HF_ERROR_PROTOCOL when the status has no summary. */
HfReading  *hf_whatsminer_v3_parse_reading  (JsonObject  *status_reply,
                                             JsonObject  *setting_reply,
                                             JsonObject  *info_reply,
                                             GError     **error);

G_END_DECLS
