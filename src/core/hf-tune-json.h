/* hf-tune-json.h — tunes as the HTTP API speaks them
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-tuner.h"

G_BEGIN_DECLS

/* The parameters of POST /api/miner/<ip>/tune: an object with any of
 * objective ("efficiency", "hashrate", "watts:N"), max_temp and
 * max_vr_temp (30–110 °C), max_power (1–10000 W), max_errors (0–100 %),
 * settle (1–3600 s), samples (1–100) and overclock (a boolean); the rest
 * default.  Anything else, a wrong type or a value out of range is
 * HF_ERROR_INVALID. */
gboolean  hf_tune_params_from_json (JsonObject         *object,
                                    HfTuneParams       *params,
                                    GError            **error);
/* A step as an object (n, frequency_mhz, core_voltage_mv, work_mode, the
 * measured averages, outcome, why, time), or "null" for NULL. */
char     *hf_tune_step_to_json     (const HfTuneStep   *step);
/* GET /api/tune/<id>: id, ip, state, objective, params, progress,
 * current, steps, winner, original, message. */
char     *hf_tune_to_json          (HfTune             *tune);
const char *hf_tune_state_to_string (HfTuneState        state);
const char *hf_tune_outcome_to_string (HfTuneStepOutcome outcome);

G_END_DECLS
