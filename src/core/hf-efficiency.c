/* hf-efficiency.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>

#include "hf-efficiency.h"
#include "hf-energy.h"

/* A point's power and hashrate (TH/s), if both are known and it hashed. */
static gboolean
usable (const HfSeriesPoint *p,
        double              *w,
        double              *ths)
{
  if (!isfinite (p->power_w) || !isfinite (p->hashrate_ghs) || p->hashrate_ghs <= 0
      || p->power_w < 0)
    return FALSE;
  *w = p->power_w;
  *ths = p->hashrate_ghs / 1000;
  return TRUE;
}

GArray *
hf_efficiency_daily (const GArray *points,
                     GTimeZone    *zone,
                     gint64        since,
                     gint64        until)
{
  GArray *days = g_array_new (FALSE, TRUE, sizeof (HfEfficiencyDay));
  g_autoptr(GArray) sums = g_array_new (FALSE, TRUE, 2 * sizeof (double));
  gint64 start, end;
  guint p = 0;

  g_return_val_if_fail (points != NULL, days);

  hf_energy_period_bounds (HF_ENERGY_DAY, zone, since, &start, &end);
  while (start < until)
    {
      HfEfficiencyDay d = { start, NAN, 0 };
      double watts = 0, ths = 0;

      for (; p < points->len && g_array_index (points, HfSeriesPoint, p).time < end; p++)
        {
          const HfSeriesPoint *pt = &g_array_index (points, HfSeriesPoint, p);
          double w, t;

          if (pt->time < start || !usable (pt, &w, &t))
            continue;
          watts += w;
          ths += t;
          d.hours++;
        }
      if (d.hours > 0)
        d.j_th = watts / ths;
      g_array_append_val (days, d);
      /* The next day from its own midnight (23 or 25 hours when the
       * clock changes). */
      hf_energy_period_bounds (HF_ENERGY_DAY, zone, end, &start, &end);
    }
  return days;
}

gboolean
hf_efficiency_drift (const GArray      *points,
                     gint64             now,
                     HfEfficiencyDrift *drift)
{
  gint64 recent_from = now - HF_EFFICIENCY_RECENT_S;
  gint64 baseline_from = recent_from - HF_EFFICIENCY_BASELINE_S;
  double base_w = 0, base_ths = 0, recent_w = 0, recent_ths = 0;

  g_return_val_if_fail (points != NULL && drift != NULL, FALSE);

  drift->baseline_hours = drift->recent_hours = 0;
  for (guint i = 0; i < points->len; i++)
    {
      const HfSeriesPoint *pt = &g_array_index (points, HfSeriesPoint, i);
      double w, t;

      if (pt->time < baseline_from || pt->time >= now || !usable (pt, &w, &t))
        continue;
      if (pt->time < recent_from)
        {
          base_w += w;
          base_ths += t;
          drift->baseline_hours++;
        }
      else
        {
          recent_w += w;
          recent_ths += t;
          drift->recent_hours++;
        }
    }
  drift->baseline_j_th = drift->baseline_hours > 0 ? base_w / base_ths : NAN;
  drift->recent_j_th = drift->recent_hours > 0 ? recent_w / recent_ths : NAN;
  drift->drift = NAN;
  drift->drifting = FALSE;
  if (drift->baseline_hours < HF_EFFICIENCY_MIN_BASELINE_HOURS
      || drift->recent_hours < HF_EFFICIENCY_MIN_RECENT_HOURS || drift->baseline_j_th <= 0)
    return FALSE;
  drift->drift = drift->recent_j_th / drift->baseline_j_th - 1;
  /* Exactly 10 % above is not more than 10 %, whatever the rounding. */
  drift->drifting = drift->drift > HF_EFFICIENCY_DRIFT_LIMIT + 1e-9;
  return TRUE;
}
