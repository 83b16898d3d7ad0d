/* hf-avalon-parse.h — Canaan Avalon (cgminer 4.11 API) replies
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* TRUE when a `version` reply names an Avalon (PROD/MODEL). */
gboolean   hf_avalon_reply_is_avalon  (JsonObject  *version_reply);
gboolean   hf_avalon_parse_identity   (JsonObject  *version_reply,
                                       HfMiner     *miner,
                                       GError     **error);
/* The MM status string of an `estats`/`stats` reply ("MM ID0" or
 * "MM ID0:Summary"), or NULL. */
const char *hf_avalon_mm_string       (JsonObject  *stats_reply);
/* @stats_reply and @pools_reply may be NULL. */
HfReading *hf_avalon_parse_reading    (JsonObject  *summary_reply,
                                       JsonObject  *stats_reply,
                                       JsonObject  *pools_reply,
                                       const char  *model,
                                       GError     **error);

G_END_DECLS
