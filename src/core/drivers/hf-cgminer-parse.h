/* hf-cgminer-parse.h — report sections every cgminer-style family shares
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-reading.h"

G_BEGIN_DECLS

/* The hashrate in GH/s of @window ("5s", "1m", "av" …) in a section whose
 * keys carry their unit ("MHS 5s", "GHS av", "KHS 1m", "THS 5s"). */
double   hf_cgminer_section_hashrate (JsonObject  *section,
                                      const char  *window);
/* Fill hashrate, average, uptime, shares, hardware errors and best share
 * from a SUMMARY section (what the miner reports, nothing else). */
void     hf_cgminer_read_summary     (JsonObject  *summary,
                                      HfReading   *reading);
/* Best shares and the found-blocks counter from a SUMMARY section. */
void     hf_cgminer_read_luck        (JsonObject  *summary,
                                      HfReading   *reading);
/* The active pool (Stratum Active, else the alive one with the lowest
 * priority, else the first) of a `pools` reply: its URL, user and
 * difficulty, and whether it is a fallback (active, and not the pool of
 * highest priority). */
void     hf_cgminer_read_pools       (JsonObject  *pools_reply,
                                      HfReading   *reading);
/* A generic cgminer reading: a `summary` reply and an optional `pools`. */
HfReading *hf_cgminer_parse_reading  (JsonObject  *summary_reply,
                                      JsonObject  *pools_reply,
                                      GError     **error);

G_END_DECLS
