/* hf-vnish-parse.h — VNish / AnthillOS xminer-api (/api/v1/…) replies
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* Does a cgminer `version` (or `stats`) reply come from VNish?  The
 * firmware names itself ("VNISH", "Vnish 1.2.0") in it. */
gboolean   hf_vnish_reply_is_vnish   (JsonObject  *reply);

/* "Antminer S19J Pro" → "Antminer S19j Pro": Bitmain writes a model's
 * letter after the number in lower case (S19j, S19k Pro, S9i). */
char      *hf_vnish_model_name       (const char  *miner);

/* Fill @miner's identity from GET /api/v1/info.  A reply whose fw_name is
 * not Vnish is HF_ERROR_NOT_A_MINER. */
gboolean   hf_vnish_parse_identity   (JsonObject  *info,
                                      HfMiner     *miner,
                                      GError     **error);

/* GH/s per unit of info.hr_measure ("GH/s" 1, "TH/s" 1000, "MH/s" 0.001);
 * GH/s when @info does not say, NAN for a unit that is not a hashrate. */
double     hf_vnish_hashrate_scale   (JsonObject  *info);

/* "27 days, 12:24", "1 day, 0:05", "0:06" (info.system.uptime) in
 * seconds; NAN when it is none of these. */
double     hf_vnish_parse_uptime     (const char  *text);

/* The watts of a preset: its name when it is a number ("3250"), else the
 * number before "watt"/"W" in its pretty text ("3250 watt ~ 110 TH"); NAN
 * when neither says. */
double     hf_vnish_preset_watts     (const char  *name,
                                      const char  *pretty);

/* A reading from GET /api/v1/summary, with @info (GET /api/v1/info, may
 * be NULL: hashrate in GH/s, no uptime), @status (GET /api/v1/status, may
 * be NULL: the fault text of a failure) and @perf (GET
 * /api/v1/perf-summary, may be NULL: the preset).  A summary without its
 * "miner" object is HF_ERROR_PROTOCOL. */
HfReading *hf_vnish_parse_reading    (JsonObject  *summary,
                                      JsonObject  *info,
                                      JsonObject  *status,
                                      JsonObject  *perf,
                                      GError     **error);

typedef struct
{
  char     *name;      /* what the settings take: "3250" */
  char     *pretty;    /* "3250 watt ~ 110 TH", or NULL */
  gboolean  tuned;     /* status "tuned" */
  double    watts;     /* hf_vnish_preset_watts(), NAN unknown */
} HfVnishPreset;

/* GET /api/v1/autotune/presets (an array, or an object holding one under
 * "presets"): a GPtrArray of HfVnishPreset, at most 64; NULL with
 * HF_ERROR_PROTOCOL when @root is neither. */
GPtrArray *hf_vnish_parse_presets    (JsonNode    *root,
                                      GError     **error);

/* The tuned preset of highest watts at most @watts, or NULL. */
const HfVnishPreset *hf_vnish_preset_for_watts (GPtrArray *presets,
                                                double     watts);

/* The text of a write's {"err": …} answer (a 200 that failed), or NULL. */
char      *hf_vnish_reply_error      (JsonObject  *reply);

G_END_DECLS
