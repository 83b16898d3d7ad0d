/* hf-axeos-parse.h — AxeOS / NerdOS /api/system replies
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* Fill @miner's identity from /api/system/info (and /api/system/asic when
 * the firmware has it).  A reply without ASICModel is HF_ERROR_NOT_A_MINER:
 * plenty of web servers answer JSON. */
gboolean   hf_axeos_parse_identity (JsonObject  *info,
                                    JsonObject  *asic,
                                    HfMiner     *miner,
                                    GError     **error);
/* The model name for people: "Bitaxe Supra", "NerdQAxe++", … */
char      *hf_axeos_model_name     (JsonObject  *info,
                                    JsonObject  *asic);
HfReading *hf_axeos_parse_reading  (JsonObject  *info,
                                    GError     **error);

G_END_DECLS
