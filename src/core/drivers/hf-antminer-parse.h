/* hf-antminer-parse.h — Antminer stock firmware (bmminer/cgminer) replies
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* TRUE when a `version` (or `stats`) reply's Type names an Antminer on
 * stock firmware — not LuxOS, Braiins or VNish, which keep the name. */
gboolean   hf_antminer_reply_is_stock   (JsonObject  *reply);
gboolean   hf_antminer_parse_identity   (JsonObject  *version_reply,
                                         JsonObject  *system_info,
                                         HfMiner     *miner,
                                         GError     **error);
/* Fill what the web CGI's get_system_info.cgi knows (MAC, hostname,
 * serial, firmware) into @miner; values it lacks are left alone. */
void       hf_antminer_parse_system_info (JsonObject  *system_info,
                                          HfMiner     *miner);
/* TRUE when the web CGI's get_miner_conf.cgi says the miner sleeps
 * (miner-mode or bitmain-work-mode 1, as a number or a string). */
gboolean   hf_antminer_conf_sleeping     (JsonObject  *conf);
/* @summary_reply and @pools_reply may be NULL.  Power is estimated from the
 * model's nominal efficiency (stock firmware reports none). */
HfReading *hf_antminer_parse_reading    (JsonObject  *stats_reply,
                                         JsonObject  *summary_reply,
                                         JsonObject  *pools_reply,
                                         const char  *model,
                                         GError     **error);

G_END_DECLS
