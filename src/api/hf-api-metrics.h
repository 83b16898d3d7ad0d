/* hf-api-metrics.h — a fleet in the Prometheus text exposition format
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-energy-meter.h"
#include "hf-fleet.h"

G_BEGIN_DECLS

/* What polling and discovery cost lately, for the metrics. */
typedef struct
{
  guint64 cycles;            /* poll cycles finished */
  double  last_cycle_s;      /* wall time of the last one */
  guint   last_polled;
  guint   last_answered;
  guint64 scans;             /* discover jobs finished */
  double  last_scan_s;
} HfApiTimings;

/* Per-miner gauges labelled by address, hostname, model and family, the
 * fleet's totals, each miner's energy counters and the fleet's energy
 * today and this month from @energy (may be NULL), and @timings.  Values
 * not known are left out. */
char *hf_api_metrics_text (HfFleet            *fleet,
                           HfEnergyMeter      *energy,
                           const HfApiTimings *timings);

G_END_DECLS
