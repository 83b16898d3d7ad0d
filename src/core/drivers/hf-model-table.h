/* hf-model-table.h — what we know of models that don't report everything
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-types.h"

G_BEGIN_DECLS

/* Nominal efficiency (J/TH) of @model, for estimating the power of miners
 * whose firmware reports none; NAN when the model is not in the table. */
double hf_model_efficiency   (HfFamily    family,
                              const char *model);
/* Power in W estimated from @hashrate_ghs, or NAN. */
double hf_model_estimate_power (HfFamily    family,
                                const char *model,
                                double      hashrate_ghs);

G_END_DECLS
