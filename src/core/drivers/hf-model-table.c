/* hf-model-table.c
 * SPDX-License-Identifier: MIT
 *
 * Manufacturer nominal figures (stock settings).  The longest matching
 * model prefix wins, so "Antminer S19 Pro" is not taken for "Antminer S19".
 */
#include <math.h>
#include <string.h>

#include "hf-model-table.h"

static const struct {
  HfFamily    family;
  const char *model;
  double      j_per_th;
} table[] = {
  { HF_FAMILY_ANTMINER, "Antminer S9", 98.0 },
  { HF_FAMILY_ANTMINER, "Antminer S9i", 94.0 },
  { HF_FAMILY_ANTMINER, "Antminer S9j", 94.0 },
  { HF_FAMILY_ANTMINER, "Antminer T9", 120.0 },
  { HF_FAMILY_ANTMINER, "Antminer S11", 75.0 },
  { HF_FAMILY_ANTMINER, "Antminer S15", 57.0 },
  { HF_FAMILY_ANTMINER, "Antminer S17", 45.0 },
  { HF_FAMILY_ANTMINER, "Antminer S17 Pro", 40.0 },
  { HF_FAMILY_ANTMINER, "Antminer S17+", 40.0 },
  { HF_FAMILY_ANTMINER, "Antminer T17", 55.0 },
  { HF_FAMILY_ANTMINER, "Antminer S19", 34.5 },
  { HF_FAMILY_ANTMINER, "Antminer S19 Pro", 29.5 },
  { HF_FAMILY_ANTMINER, "Antminer S19j", 34.5 },
  { HF_FAMILY_ANTMINER, "Antminer S19j Pro", 29.5 },
  { HF_FAMILY_ANTMINER, "Antminer S19 XP", 21.5 },
  { HF_FAMILY_ANTMINER, "Antminer S19k Pro", 23.0 },
  { HF_FAMILY_ANTMINER, "Antminer T19", 37.5 },
  { HF_FAMILY_ANTMINER, "Antminer S21", 17.5 },
  { HF_FAMILY_ANTMINER, "Antminer S21 Pro", 15.0 },
  { HF_FAMILY_ANTMINER, "Antminer S21+", 16.5 },
  { HF_FAMILY_ANTMINER, "Antminer T21", 19.0 },
  { HF_FAMILY_AVALON, "Avalon Nano3", 35.0 },
  { HF_FAMILY_AVALON, "Avalon Nano 3", 35.0 },
  { HF_FAMILY_AVALON, "Avalon Nano3s", 23.3 },
  { HF_FAMILY_AVALON, "Avalon Nano 3s", 23.3 },
  { HF_FAMILY_AVALON, "Avalon Mini3", 21.3 },
  { HF_FAMILY_AVALON, "Avalon Mini 3", 21.3 },
  { HF_FAMILY_AVALON, "Avalon Q", 18.6 },
  { HF_FAMILY_AVALON, "AvalonMiner 1246", 38.0 },
  { HF_FAMILY_AVALON, "AvalonMiner 1366", 25.0 },
  { HF_FAMILY_AVALON, "AvalonMiner 15-194", 18.5 },
};

double
hf_model_efficiency (HfFamily    family,
                     const char *model)
{
  double best = NAN;
  gsize best_len = 0;

  if (model == NULL)
    return NAN;
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      gsize len = strlen (table[i].model);

      if (table[i].family != family || len <= best_len)
        continue;
      /* A prefix match must end at a word boundary: "S19" ≠ "S19j". */
      if (g_ascii_strncasecmp (model, table[i].model, len) == 0
          && (model[len] == '\0' || model[len] == ' ' || model[len] == '('
              || model[len] == '-' || model[len] == '_'))
        {
          best = table[i].j_per_th;
          best_len = len;
        }
    }
  return best;
}

double
hf_model_estimate_power (HfFamily    family,
                         const char *model,
                         double      hashrate_ghs)
{
  double efficiency = hf_model_efficiency (family, model);

  if (isnan (efficiency) || isnan (hashrate_ghs) || hashrate_ghs < 0)
    return NAN;
  return efficiency * hashrate_ghs / 1000.0;
}
