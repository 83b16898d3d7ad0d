/* hf-chart.h — a time series drawn with GtkSnapshot
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "hf-core.h"

G_BEGIN_DECLS

typedef enum
{
  HF_CHART_HASHRATE,
  HF_CHART_TEMPERATURE,
  HF_CHART_POWER,
  HF_CHART_COST,        /* bars (hf_chart_set_bars), in the chart's unit */
  HF_CHART_EFFICIENCY,  /* a value a day (hf_chart_set_bars), J/TH, with a baseline */
  HF_CHART_STEPS,       /* a value a step of a tune (hf_chart_set_steps) */
} HfChartMetric;

/* How a step of a tune is drawn: a dot, a cross (past a limit, errors,
 * failed), or the winner's larger ring. */
typedef enum
{
  HF_CHART_STEP_CLEAN,
  HF_CHART_STEP_BAD,
  HF_CHART_STEP_WINNER,
} HfChartStepMark;

/* One step: @value (NAN: none measured) under @label on the x axis
 * ("525"), and @detail under the pointer ("525 MHz / 1150 mV"). */
typedef struct
{
  double          value;
  HfChartStepMark mark;
  char            label[16];
  char            detail[64];
} HfChartStep;

/* One bar: @value over [@start, @end) (NAN: nothing known). */
typedef struct
{
  gint64 start;
  gint64 end;
  double value;
} HfChartBar;

#define HF_TYPE_CHART (hf_chart_get_type ())

G_DECLARE_FINAL_TYPE (HfChart, hf_chart, HF, CHART, GtkWidget)

GtkWidget *hf_chart_new         (HfChartMetric  metric);
/* @points: HfSeriesPoint, oldest first; the x axis spans @since…@until
 * (unix seconds).  A step of more than 2.5 times the spacing of the
 * readings around it (the miner was offline) breaks the line. */
void       hf_chart_set_series  (HfChart       *self,
                                 GArray        *points,
                                 gint64         since,
                                 gint64         until);
/* HF_CHART_COST and HF_CHART_EFFICIENCY: @bars (HfChartBar, in order)
 * over @since…@until.  A cost chart draws bars; an efficiency chart a
 * line through each day's value. */
void       hf_chart_set_bars    (HfChart       *self,
                                 GArray        *bars,
                                 gint64         since,
                                 gint64         until);
/* What a cost chart's values are in: a currency ("EUR 0.04") or "kWh"
 * (NULL: a currency-less number). */
void       hf_chart_set_unit    (HfChart       *self,
                                 const char    *unit);
/* A dashed level across an efficiency chart (its 30-day baseline; NAN:
 * none). */
void       hf_chart_set_baseline (HfChart      *self,
                                  double        value);
/* HF_CHART_STEPS: @steps (HfChartStep, in order), in @unit ("J/TH";
 * NULL: a hashrate in GH/s, written as hashrates are). */
void       hf_chart_set_steps   (HfChart       *self,
                                 GArray        *steps,
                                 const char    *unit);
/* Points with a known value (for tests). */
guint      hf_chart_get_n_known (HfChart       *self);
/* Line segments drawn after gaps are cut (for tests). */
guint      hf_chart_get_n_segments (HfChart    *self);

/* The y axis' labels as last drawn, bottom up (for tests). */
const char *hf_chart_get_axis_label (HfChart   *self,
                                     guint      index);
/* As if the pointer were at @x (-1: away); what it shows, once drawn. */
void        hf_chart_hover           (HfChart   *self,
                                      double     x);
const char *hf_chart_get_hover_text  (HfChart   *self);
/* A time on the x axis of a range @span seconds long. */
char       *hf_chart_format_time     (gint64     t,
                                      gint64     span);

G_END_DECLS
