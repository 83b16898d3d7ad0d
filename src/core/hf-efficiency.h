/* hf-efficiency.h — a miner's J/TH day by day, and whether it drifts
 * SPDX-License-Identifier: MIT
 *
 * From a miner's hourly roll-ups (hf_store_series at HF_RESOLUTION_1H):
 * the energy per terahash of each local day (the hours' power over the
 * hours' hashrate, each hour with both known counting once), and the last
 * day's efficiency against the 30 days before it.  A miner whose chips
 * age, whose fan clogs or whose power supply fails draws more per
 * terahash; more than HF_EFFICIENCY_DRIFT_LIMIT above its own baseline is
 * said.
 */
#pragma once

#include <glib.h>

#include "hf-store-export.h"

G_BEGIN_DECLS

/* How far back the baseline looks, and how long "recent" is (s). */
#define HF_EFFICIENCY_BASELINE_S   (30 * 86400)
#define HF_EFFICIENCY_RECENT_S     86400
/* The recent J/TH more than this fraction above the baseline drifts. */
#define HF_EFFICIENCY_DRIFT_LIMIT  0.10
/* The fewest hours with both power and hashrate known that make a
 * baseline (three days) and a recent figure (six hours). */
#define HF_EFFICIENCY_MIN_BASELINE_HOURS 72
#define HF_EFFICIENCY_MIN_RECENT_HOURS   6

/**
 * HfEfficiencyDay:
 * @day: unix seconds of the local midnight it starts at
 * @j_th: joules per terahash that day (NAN: no hour with both known)
 * @hours: points with both power and hashrate known
 */
typedef struct
{
  gint64 day;
  double j_th;
  guint  hours;
} HfEfficiencyDay;

/* @points (HfSeriesPoint, oldest first) by local day of @zone (NULL:
 * local), every day from @since's to @until's (exclusive) in order:
 * HfEfficiencyDay. */
GArray  *hf_efficiency_daily (const GArray *points,
                              GTimeZone    *zone,
                              gint64        since,
                              gint64        until);

/**
 * HfEfficiencyDrift:
 * @baseline_j_th: J/TH over [@now - 30 days - 1 day, @now - 1 day)
 * @recent_j_th: J/TH over the last day before @now
 * @drift: @recent_j_th / @baseline_j_th - 1
 * @drifting: @drift more than HF_EFFICIENCY_DRIFT_LIMIT
 * @baseline_hours, @recent_hours: the points each figure comes from
 *
 * Each figure is the points' summed power over their summed hashrate,
 * over the points with both known and a hashrate above zero (a paused
 * miner's hours say nothing of its efficiency).
 */
typedef struct
{
  double   baseline_j_th;
  double   recent_j_th;
  double   drift;
  gboolean drifting;
  guint    baseline_hours;
  guint    recent_hours;
} HfEfficiencyDrift;

/* Fills @drift from @points; FALSE (and NANs) when there are too few
 * hours for either figure. */
gboolean hf_efficiency_drift (const GArray      *points,
                              gint64             now,
                              HfEfficiencyDrift *drift);

G_END_DECLS
