/* hf-chart.c
 * SPDX-License-Identifier: MIT
 *
 * Small on purpose: one metric, a y axis from zero (or the data's floor
 * for temperatures) with three labelled grid lines, the times at the
 * start, middle and end (with the date once the range spans days), the
 * line broken only where readings are really missing, and the value
 * under the pointer.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "hf-chart.h"

#define MARGIN_LEFT   84.0
#define MARGIN_RIGHT  12.0
#define MARGIN_TOP    12.0
#define MARGIN_BOTTOM 24.0

struct _HfChart
{
  GtkWidget      parent_instance;

  HfChartMetric  metric;
  GArray        *points;
  gint64         since;
  gint64         until;
  guint          n_known;
  guint          n_segments;
  GPtrArray     *axis_labels;   /* the y labels last drawn */
  double         hover_x;       /* pointer x, or -1 */
  char          *hover_text;    /* what the pointer is on, as drawn */
  GArray        *bars;          /* HfChartBar: cost and efficiency */
  char          *unit;          /* of a cost chart */
  gboolean       in_wh;         /* an energy chart below 1 kWh: in Wh */
  double         baseline;      /* of an efficiency chart, or NAN */
  GArray        *steps;         /* HfChartStep: a tune's */
};

G_DEFINE_FINAL_TYPE (HfChart, hf_chart, GTK_TYPE_WIDGET)

static double
value_of (HfChart             *self,
          const HfSeriesPoint *p)
{
  switch (self->metric)
    {
    case HF_CHART_HASHRATE: return p->hashrate_ghs;
    case HF_CHART_TEMPERATURE: return p->temperature_c;
    case HF_CHART_POWER: return p->power_w;
    default: return NAN;
    }
}

static gboolean
is_bars (HfChart *self)
{
  return self->metric == HF_CHART_COST || self->metric == HF_CHART_EFFICIENCY;
}

/* A cost or energy with @decimals: "EUR 0.04", "0.250 kWh". */
static char *
format_amount (HfChart *self,
               double   v,
               int      decimals)
{
  if (g_strcmp0 (self->unit, "kWh") == 0 && self->in_wh)
    return g_strdup_printf ("%.*f Wh", decimals, v * 1000);
  if (g_strcmp0 (self->unit, "kWh") == 0)
    return g_strdup_printf ("%.*f kWh", decimals, v);
  if (self->unit != NULL && *self->unit != '\0')
    return g_strdup_printf ("%s %.*f", self->unit, decimals, v);
  return g_strdup_printf ("%.*f", decimals, v);
}

/* Decimals that tell apart labels @step apart. */
static int
step_decimals (double step)
{
  return step >= 1 ? 0 : CLAMP ((int) ceil (-log10 (step) - 1e-9), 0, 6);
}

static char *
format_axis (HfChart *self,
             double   v)
{
  switch (self->metric)
    {
    case HF_CHART_COST: return format_amount (self, v, 2);
    case HF_CHART_EFFICIENCY: return hf_format_value (v, 1, "J/TH");
    case HF_CHART_HASHRATE: return hf_format_hashrate (v);
    case HF_CHART_TEMPERATURE: return hf_format_value (v, 0, "°C");
    case HF_CHART_POWER: return hf_format_value (v, 0, "W");
    default: return g_strdup ("");
    }
}

/* A step the axis is drawn at: 1, 2 or 5 × 10^n. */
static double
nice_step (double range)
{
  double raw = range / 3.0;
  double mag = pow (10, floor (log10 (raw)));
  double f = raw / mag;

  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static double
median (double *values,
        guint   n)
{
  /* n is at most a handful: insertion sort. */
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && values[j - 1] > values[j]; j--)
      {
        double t = values[j];
        values[j] = values[j - 1];
        values[j - 1] = t;
      }
  return n == 0 ? 0 : values[n / 2];
}

#define GAP_WINDOW 5

/* Whether the line breaks before point @i: the step to it is more than
 * 2.5 times what the readings around it are spaced by.  Around it, not
 * the smallest spacing anywhere: a history of the CLI's 1 s polls and the
 * app's 15 s ones, or an interval changed in Preferences, would break
 * every 15 s step into a dot. */
static gboolean
breaks_before (HfChart *self,
               guint    i)
{
  GArray *p = self->points;
  double before[GAP_WINDOW], after[GAP_WINDOW];
  guint nb = 0, na = 0;
  double d, usual;

  if (i == 0 || i >= p->len)
    return FALSE;
  d = g_array_index (p, HfSeriesPoint, i).time - g_array_index (p, HfSeriesPoint, i - 1).time;
  for (guint k = i - 1; k > 0 && nb < GAP_WINDOW; k--)
    before[nb++] = g_array_index (p, HfSeriesPoint, k).time
                   - g_array_index (p, HfSeriesPoint, k - 1).time;
  for (guint k = i + 1; k < p->len && na < GAP_WINDOW; k++)
    after[na++] = g_array_index (p, HfSeriesPoint, k).time
                  - g_array_index (p, HfSeriesPoint, k - 1).time;
  usual = MAX (median (before, nb), median (after, na));
  /* Two lone points: nothing says what their spacing should be. */
  if (usual <= 0)
    return FALSE;
  return d > 2.5 * usual;
}

static void
draw_text (cairo_t     *cr,
           GtkWidget   *widget,
           const char  *text,
           double       x,
           double       y,
           double       xalign)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* A day or more needs the date: "00:05 … 00:05" says nothing. */
static char *
format_time (gint64 t,
             gint64 span)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  if (span > 2 * 86400)
    return g_date_time_format (dt, "%b %e");
  if (span >= 12 * 3600)
    return g_date_time_format (dt, "%b %e %H:%M");
  return g_date_time_format (dt, "%H:%M");
}

/* One grid line at @y across the plot, and its value's @label at its left. */
static void
draw_grid_line (HfChart       *self,
                cairo_t       *cr,
                GtkWidget     *widget,
                const GdkRGBA *fg,
                const char    *label,
                double         left,
                double         plot_w,
                double         y)
{
  g_ptr_array_add (self->axis_labels, g_strdup (label));
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.12);
  cairo_move_to (cr, left, floor (y) + 0.5);
  cairo_line_to (cr, left + plot_w, floor (y) + 0.5);
  cairo_stroke (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.6);
  draw_text (cr, widget, label, left - 6, y, 1.0);
}

/* The time axis: the range's start, middle (where there is room) and end. */
static void
draw_time_labels (HfChart       *self,
                  cairo_t       *cr,
                  GtkWidget     *widget,
                  const GdkRGBA *fg,
                  double         left,
                  double         plot_w,
                  double         y)
{
  gint64 span = MAX (self->until - self->since, 1);
  g_autofree char *start = format_time (self->since, span);
  g_autofree char *middle = format_time (self->since + span / 2, span);
  g_autofree char *end = format_time (self->until, span);

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.6);
  draw_text (cr, widget, start, left, y, 0.0);
  if (plot_w > 360)
    draw_text (cr, widget, middle, left + plot_w / 2, y, 0.5);
  draw_text (cr, widget, end, left + plot_w, y, 1.0);
}

/* @v on the axis with @decimals (temperatures), or as the metric does. */
static char *
format_axis_with (HfChart *self,
                  double   v,
                  int      decimals)
{
  if (self->metric == HF_CHART_TEMPERATURE)
    return hf_format_value (v, decimals, "°C");
  if (self->metric == HF_CHART_EFFICIENCY)
    return hf_format_value (v, decimals, "J/TH");
  return format_axis (self, v);
}

/* The fewest decimals (up to 2) that tell every grid line apart. */
static int
axis_decimals (HfChart *self,
               double   lo,
               double   hi,
               double   step)
{
  for (int decimals = 0; decimals < 2; decimals++)
    {
      g_autofree char *last = NULL;
      gboolean distinct = TRUE;

      for (double v = lo; v <= hi + step / 2 && distinct; v += step)
        {
          g_autofree char *label = format_axis_with (self, v, decimals);
          distinct = last == NULL || g_strcmp0 (label, last) != 0;
          g_free (last);
          last = g_steal_pointer (&label);
        }
      if (distinct)
        return decimals;
    }
  return 2;
}

static char *
hover_text (HfChart             *self,
            const HfSeriesPoint *p,
            gint64               span)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (p->time);
  g_autofree char *when = g_date_time_format (dt, span >= 12 * 3600 ? "%b %e %H:%M" : "%H:%M:%S");
  g_autofree char *value = self->metric == HF_CHART_TEMPERATURE
                           ? hf_format_value (value_of (self, p), 1, "°C")
                           : format_axis (self, value_of (self, p));

  /* Translators: a chart's value under the pointer: "14:05:10 · 1.07 TH/s" */
  return g_strdup_printf (_("%s · %s"), when, value);
}

static void snapshot_bars (HfChart     *self,
                           GtkSnapshot *snapshot);
static void snapshot_steps (HfChart     *self,
                            GtkSnapshot *snapshot);

static void
hf_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  HfChart *self = HF_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot_w = width - MARGIN_LEFT - MARGIN_RIGHT;
  double plot_h = height - MARGIN_TOP - MARGIN_BOTTOM;
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, step;
  int decimals;
  gint64 span = MAX (self->until - self->since, 1);
  GdkRGBA fg, accent = { 0.21, 0.52, 0.89, 1.0 };
  gboolean drawing = FALSE;
  cairo_t *cr;

  if (plot_w < 20 || plot_h < 20)
    return;
  if (is_bars (self))
    {
      snapshot_bars (self, snapshot);
      return;
    }
  if (self->metric == HF_CHART_STEPS)
    {
      snapshot_steps (self, snapshot);
      return;
    }
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  self->n_known = 0;
  self->n_segments = 0;
  for (guint i = 0; self->points != NULL && i < self->points->len; i++)
    {
      double v = value_of (self, &g_array_index (self->points, HfSeriesPoint, i));
      if (!isnan (v))
        {
          lo = MIN (lo, v);
          hi = MAX (hi, v);
          self->n_known++;
        }
    }

  if (self->n_known == 0)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
      draw_text (cr, widget, _("No history for this period yet"), width / 2, height / 2, 0.5);
      cairo_destroy (cr);
      return;
    }
  /* Hashrate and power from zero: a dip should look like a dip, not a cliff. */
  if (self->metric != HF_CHART_TEMPERATURE || lo > 0)
    lo = self->metric == HF_CHART_TEMPERATURE ? floor (lo / 10) * 10 : 0;
  if (hi <= lo)
    hi = lo + 1;
  step = nice_step (hi - lo);
  /* Whole degrees at least: 70.0, 70.2, 70.4 °C all read "70 °C". */
  if (self->metric == HF_CHART_TEMPERATURE && step < 1)
    step = 1;
  hi = ceil (hi / step) * step;
  if (hi <= lo)
    hi = lo + step;
  decimals = axis_decimals (self, lo, hi, step);
  g_ptr_array_set_size (self->axis_labels, 0);

  /* Grid and y labels */
  cairo_set_line_width (cr, 1);
  for (double v = lo; v <= hi + step / 2; v += step)
    {
      double y = MARGIN_TOP + plot_h - (v - lo) / (hi - lo) * plot_h;
      g_autofree char *label = format_axis_with (self, v, decimals);

      draw_grid_line (self, cr, widget, &fg, label, MARGIN_LEFT, plot_w, y);
    }
  draw_time_labels (self, cr, widget, &fg, MARGIN_LEFT, plot_w, height - MARGIN_BOTTOM / 2);

  /* The line, cut at gaps */
  cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1.0);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->points->len; i++)
    {
      const HfSeriesPoint *p = &g_array_index (self->points, HfSeriesPoint, i);
      double v = value_of (self, p);
      double x = MARGIN_LEFT + (double) (p->time - self->since) / span * plot_w;
      double y;

      if (isnan (v) || (drawing && breaks_before (self, i)))
        {
          if (drawing)
            cairo_stroke (cr);
          drawing = FALSE;
          if (isnan (v))
            continue;
        }
      y = MARGIN_TOP + plot_h - (v - lo) / (hi - lo) * plot_h;
      if (!drawing)
        {
          cairo_move_to (cr, x, y);
          /* A lone point still shows. */
          cairo_line_to (cr, x + 0.5, y);
          self->n_segments++;
          drawing = TRUE;
        }
      else
        cairo_line_to (cr, x, y);
    }
  if (drawing)
    cairo_stroke (cr);

  /* The value under the pointer: the nearest known point. */
  g_clear_pointer (&self->hover_text, g_free);
  if (self->hover_x >= MARGIN_LEFT && self->hover_x <= MARGIN_LEFT + plot_w)
    {
      const HfSeriesPoint *nearest = NULL;
      double best = G_MAXDOUBLE;

      for (guint i = 0; i < self->points->len; i++)
        {
          const HfSeriesPoint *p = &g_array_index (self->points, HfSeriesPoint, i);
          double x = MARGIN_LEFT + (double) (p->time - self->since) / span * plot_w;

          if (!isnan (value_of (self, p)) && fabs (x - self->hover_x) < best)
            {
              best = fabs (x - self->hover_x);
              nearest = p;
            }
        }
      if (nearest != NULL)
        {
          double x = MARGIN_LEFT + (double) (nearest->time - self->since) / span * plot_w;
          double y = MARGIN_TOP + plot_h - (value_of (self, nearest) - lo) / (hi - lo) * plot_h;

          self->hover_text = hover_text (self, nearest, span);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.35);
          cairo_set_line_width (cr, 1);
          cairo_move_to (cr, floor (x) + 0.5, MARGIN_TOP);
          cairo_line_to (cr, floor (x) + 0.5, MARGIN_TOP + plot_h);
          cairo_stroke (cr);
          cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1.0);
          cairo_arc (cr, x, y, 4, 0, 2 * G_PI);
          cairo_fill (cr);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
          draw_text (cr, widget, self->hover_text,
                     CLAMP (x, MARGIN_LEFT + 90, MARGIN_LEFT + plot_w - 90), MARGIN_TOP + 8, 0.5);
        }
    }
  cairo_destroy (cr);
}

/* A hover text of a bar: its time and its value. */
static char *
bar_hover_text (HfChart          *self,
                const HfChartBar *bar,
                gint64            span)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (bar->start);
  g_autofree char *when = NULL;
  g_autofree char *value = NULL;

  if (self->metric == HF_CHART_EFFICIENCY || bar->end - bar->start >= 86400 - 3600)
    when = g_date_time_format (dt, "%b %e");
  else
    when = g_date_time_format (dt, span >= 12 * 3600 ? "%b %e %H:%M" : "%H:%M");
  if (self->metric == HF_CHART_EFFICIENCY)
    value = hf_format_value (bar->value, 1, "J/TH");
  else
    value = format_amount (self, bar->value,
                           g_strcmp0 (self->unit, "kWh") == 0 ? (self->in_wh ? 1 : 3)
                           : fabs (bar->value) < 0.1 && bar->value != 0 ? 4 : 2);
  return g_strdup_printf (_("%s · %s"), when, value);
}

/* Cost (or energy) per slice as bars from zero, or efficiency a day as a
 * line with its baseline dashed across. */
static void
snapshot_bars (HfChart     *self,
               GtkSnapshot *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double left = MARGIN_LEFT;
  double plot_w;
  double plot_h = height - MARGIN_TOP - MARGIN_BOTTOM;
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, step;
  gint64 span = MAX (self->until - self->since, 1);
  GdkRGBA fg, accent = { 0.21, 0.52, 0.89, 1.0 }, warn = { 0.90, 0.55, 0.0, 1.0 };
  gboolean efficiency = self->metric == HF_CHART_EFFICIENCY;
  gboolean drawing = FALSE;
  const HfChartBar *hovered = NULL;
  int decimals;
  cairo_t *cr;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  self->n_known = 0;
  self->n_segments = 0;
  for (guint i = 0; self->bars != NULL && i < self->bars->len; i++)
    {
      double v = g_array_index (self->bars, HfChartBar, i).value;

      if (isfinite (v))
        {
          lo = MIN (lo, v);
          hi = MAX (hi, v);
          self->n_known++;
        }
    }
  if (self->n_known == 0)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
      draw_text (cr, widget, _("No history for this period yet"), width / 2, height / 2, 0.5);
      cairo_destroy (cr);
      return;
    }
  if (efficiency && isfinite (self->baseline))
    {
      lo = MIN (lo, self->baseline);
      hi = MAX (hi, self->baseline);
    }
  /* Bars from zero (or below it: spot prices can be negative); the
   * efficiency around its values, so that 10 % shows. */
  if (!efficiency)
    {
      lo = MIN (lo, 0);
      hi = MAX (hi, 0);
      if (hi <= lo)
        hi = lo + 0.01;
      step = nice_step (hi - lo);
    }
  else
    {
      step = nice_step (MAX (hi - lo, hi * 0.2));
      lo = MAX (0, floor ((lo - step / 2) / step) * step);
    }
  hi = ceil (hi / step) * step;
  lo = floor (lo / step) * step;
  if (hi <= lo)
    hi = lo + step;
  decimals = efficiency ? MIN (step_decimals (step), 1) : MAX (step_decimals (step), 2);
  /* Energy: in Wh below a kWh (a Bitaxe's hour is 15 Wh). */
  self->in_wh = g_strcmp0 (self->unit, "kWh") == 0 && hi < 1;
  if (g_strcmp0 (self->unit, "kWh") == 0)
    decimals = step_decimals (self->in_wh ? step * 1000 : step);
  g_ptr_array_set_size (self->axis_labels, 0);

  /* Room for the widest label ("EUR 0.00004" is wider than watts). */
  for (double v = lo; v <= hi + step / 2; v += step)
    {
      g_autofree char *label = efficiency ? format_axis_with (self, v, decimals)
                                          : format_amount (self, fabs (v) < step / 1e6 ? 0 : v,
                                                           decimals);
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, label);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      left = MAX (left, w + 12);
      g_object_unref (layout);
    }
  plot_w = width - left - MARGIN_RIGHT;
  if (plot_w < 20)
    {
      cairo_destroy (cr);
      return;
    }

  cairo_set_line_width (cr, 1);
  for (double v = lo; v <= hi + step / 2; v += step)
    {
      double y = MARGIN_TOP + plot_h - (v - lo) / (hi - lo) * plot_h;
      g_autofree char *label = efficiency ? format_axis_with (self, v, decimals)
                                          : format_amount (self, fabs (v) < step / 1e6 ? 0 : v,
                                                           decimals);

      draw_grid_line (self, cr, widget, &fg, label, left, plot_w, y);
    }
  draw_time_labels (self, cr, widget, &fg, left, plot_w, height - MARGIN_BOTTOM / 2);

#define X_OF(t) (left + (double) ((t) - self->since) / span * plot_w)
#define Y_OF(v) (MARGIN_TOP + plot_h - ((v) - lo) / (hi - lo) * plot_h)
  for (guint i = 0; i < self->bars->len; i++)
    {
      const HfChartBar *b = &g_array_index (self->bars, HfChartBar, i);
      double x0 = X_OF (b->start), x1 = X_OF (b->end);

      if (self->hover_x >= x0 && self->hover_x < x1 && isfinite (b->value))
        hovered = b;
      if (efficiency)
        {
          double x = (x0 + x1) / 2;

          if (!isfinite (b->value))
            {
              if (drawing)
                cairo_stroke (cr);
              drawing = FALSE;
              continue;
            }
          cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1.0);
          cairo_set_line_width (cr, 2);
          if (!drawing)
            {
              cairo_move_to (cr, x, Y_OF (b->value));
              cairo_line_to (cr, x + 0.5, Y_OF (b->value));
              self->n_segments++;
              drawing = TRUE;
            }
          else
            cairo_line_to (cr, x, Y_OF (b->value));
        }
      else if (isfinite (b->value))
        {
          /* A pixel between bars, while they are wide enough to spare one. */
          double gap = x1 - x0 > 4 ? 1 : 0;
          double y0 = Y_OF (0), y1 = Y_OF (b->value);

          cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue,
                                 hovered == b ? 1.0 : 0.75);
          cairo_rectangle (cr, x0 + gap / 2, MIN (y0, y1), MAX (x1 - x0 - gap, 1),
                           MAX (fabs (y1 - y0), b->value != 0 ? 1 : 0));
          cairo_fill (cr);
        }
    }
  if (drawing)
    cairo_stroke (cr);
  if (efficiency && isfinite (self->baseline))
    {
      double dash[] = { 6, 4 };
      double y = floor (Y_OF (self->baseline)) + 0.5;

      cairo_set_source_rgba (cr, warn.red, warn.green, warn.blue, 0.9);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, left, y);
      cairo_line_to (cr, left + plot_w, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  g_clear_pointer (&self->hover_text, g_free);
  if (hovered != NULL)
    {
      double x = (X_OF (hovered->start) + X_OF (hovered->end)) / 2;

      self->hover_text = bar_hover_text (self, hovered, span);
      if (efficiency)
        {
          cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1.0);
          cairo_arc (cr, x, Y_OF (hovered->value), 4, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
      draw_text (cr, widget, self->hover_text,
                 CLAMP (x, left + 90, left + plot_w - 90), MARGIN_TOP + 8, 0.5);
    }
#undef X_OF
#undef Y_OF
  cairo_destroy (cr);
}


/* A step's value as the axis writes it: in the unit, or as a hashrate. */
static char *
format_step_value (HfChart *self,
                   double   v,
                   int      decimals)
{
  if (self->unit == NULL)
    return hf_format_hashrate (v);
  return hf_format_value (v, decimals, self->unit);
}

/* A tune's steps: one slot each, in the order they ran, a dot at each
 * measured value (a cross for a step that was not clean, a ring for the
 * winner), joined faintly so that the sweep reads as a curve.  The y axis
 * spans the values, not from zero: 5 % between two steps must show. */
static void
snapshot_steps (HfChart     *self,
                GtkSnapshot *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot_h = height - MARGIN_TOP - MARGIN_BOTTOM;
  double left = MARGIN_LEFT, plot_w, slot, lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, step;
  GdkRGBA fg, accent = { 0.21, 0.52, 0.89, 1.0 }, bad = { 0.88, 0.11, 0.14, 1.0 };
  GdkRGBA good = { 0.15, 0.64, 0.41, 1.0 };
  guint n = self->steps != NULL ? self->steps->len : 0, every = 1;
  int decimals = 1, widest = 0;
  gboolean drawing = FALSE;
  cairo_t *cr;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  self->n_known = 0;
  self->n_segments = 0;
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->steps, HfChartStep, i).value;

      if (isfinite (v))
        {
          lo = MIN (lo, v);
          hi = MAX (hi, v);
          self->n_known++;
        }
    }
  if (self->n_known == 0)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
      draw_text (cr, widget, _("No step measured yet"),
                 width / 2, height / 2, 0.5);
      cairo_destroy (cr);
      return;
    }
  step = nice_step (MAX (hi - lo, MAX (hi * 0.1, 1e-6)));
  lo = MAX (0, floor ((lo - step / 2) / step) * step);
  hi = ceil ((hi + step / 4) / step) * step;
  if (hi <= lo)
    hi = lo + step;
  decimals = MIN (step_decimals (step), 2);
  g_ptr_array_set_size (self->axis_labels, 0);
  for (double v = lo; v <= hi + step / 2; v += step)
    {
      g_autofree char *label = format_step_value (self, v, decimals);
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, label);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      left = MAX (left, w + 12);
      g_object_unref (layout);
    }
  plot_w = width - left - MARGIN_RIGHT;
  if (plot_w < 20 || plot_h < 20)
    {
      cairo_destroy (cr);
      return;
    }
  slot = plot_w / MAX (n, 1);
  cairo_set_line_width (cr, 1);
  for (double v = lo; v <= hi + step / 2; v += step)
    {
      double y = MARGIN_TOP + plot_h - (v - lo) / (hi - lo) * plot_h;
      g_autofree char *label = format_step_value (self, v, decimals);

      draw_grid_line (self, cr, widget, &fg, label, left, plot_w, y);
    }

  /* The x labels, every one while they fit, else every other or fewer. */
  for (guint i = 0; i < n; i++)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout
        (widget, g_array_index (self->steps, HfChartStep, i).label);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      widest = MAX (widest, w);
      g_object_unref (layout);
    }
  every = MAX (1, (guint) ceil ((widest + 8) / MAX (slot, 1)));
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
  for (guint i = 0; i < n; i += every)
    draw_text (cr, widget, g_array_index (self->steps, HfChartStep, i).label,
               left + (i + 0.5) * slot, height - MARGIN_BOTTOM / 2, 0.5);

#define Y_OF(v) (MARGIN_TOP + plot_h - ((v) - lo) / (hi - lo) * plot_h)
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.25);
  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < n; i++)
    {
      double v = g_array_index (self->steps, HfChartStep, i).value;

      if (!isfinite (v))
        continue;
      if (!drawing)
        cairo_move_to (cr, left + (i + 0.5) * slot, Y_OF (v));
      else
        cairo_line_to (cr, left + (i + 0.5) * slot, Y_OF (v));
      drawing = TRUE;
    }
  if (drawing)
    {
      cairo_stroke (cr);
      self->n_segments = 1;
    }
  for (guint i = 0; i < n; i++)
    {
      const HfChartStep *s = &g_array_index (self->steps, HfChartStep, i);
      double x = left + (i + 0.5) * slot;
      /* A step with nothing measured still shows where it failed. */
      double y = isfinite (s->value) ? Y_OF (s->value) : MARGIN_TOP + plot_h - 5;

      switch (s->mark)
        {
        case HF_CHART_STEP_WINNER:
          cairo_set_source_rgba (cr, good.red, good.green, good.blue, 1.0);
          cairo_arc (cr, x, y, 6, 0, 2 * G_PI);
          cairo_fill (cr);
          cairo_set_line_width (cr, 2);
          cairo_arc (cr, x, y, 9.5, 0, 2 * G_PI);
          cairo_stroke (cr);
          break;
        case HF_CHART_STEP_BAD:
          cairo_set_source_rgba (cr, bad.red, bad.green, bad.blue, 0.9);
          cairo_set_line_width (cr, 2);
          cairo_move_to (cr, x - 4, y - 4);
          cairo_line_to (cr, x + 4, y + 4);
          cairo_move_to (cr, x + 4, y - 4);
          cairo_line_to (cr, x - 4, y + 4);
          cairo_stroke (cr);
          break;
        case HF_CHART_STEP_CLEAN:
        default:
          cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1.0);
          cairo_arc (cr, x, y, 4, 0, 2 * G_PI);
          cairo_fill (cr);
          break;
        }
    }

  g_clear_pointer (&self->hover_text, g_free);
  if (self->hover_x >= left && self->hover_x < left + plot_w && n > 0)
    {
      guint i = MIN ((guint) ((self->hover_x - left) / slot), n - 1);
      const HfChartStep *s = &g_array_index (self->steps, HfChartStep, i);
      g_autofree char *value = isfinite (s->value) ? format_step_value (self, s->value, 1)
                                                   : g_strdup ("—");

      /* Translators: a tune chart's step under the pointer: "525 MHz / 1150 mV · 17.2 J/TH" */
      self->hover_text = g_strdup_printf (_("%s · %s"), s->detail, value);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
      draw_text (cr, widget, self->hover_text,
                 CLAMP (left + (i + 0.5) * slot, left + 110, left + plot_w - 110),
                 MARGIN_TOP + 8, 0.5);
    }
#undef Y_OF
  cairo_destroy (cr);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           HfChart                  *self)
{
  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *motion,
          HfChart                  *self)
{
  self->hover_x = -1;
  g_clear_pointer (&self->hover_text, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
hf_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 160;
}

static void
hf_chart_finalize (GObject *object)
{
  HfChart *self = HF_CHART (object);

  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->bars, g_array_unref);
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_pointer (&self->unit, g_free);
  g_clear_pointer (&self->axis_labels, g_ptr_array_unref);
  g_clear_pointer (&self->hover_text, g_free);
  G_OBJECT_CLASS (hf_chart_parent_class)->finalize (object);
}

static void
hf_chart_class_init (HfChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = hf_chart_finalize;
  widget_class->snapshot = hf_chart_snapshot;
  widget_class->measure = hf_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "hfchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hf_chart_init (HfChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->axis_labels = g_ptr_array_new_with_free_func (g_free);
  self->hover_x = -1;
  self->baseline = NAN;
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
hf_chart_new (HfChartMetric metric)
{
  HfChart *self = g_object_new (HF_TYPE_CHART, NULL);

  self->metric = metric;
  return GTK_WIDGET (self);
}

void
hf_chart_set_series (HfChart *self,
                     GArray  *points,
                     gint64   since,
                     gint64   until)
{
  g_return_if_fail (HF_IS_CHART (self));

  g_clear_pointer (&self->points, g_array_unref);
  self->points = points ? g_array_ref (points) : NULL;
  self->since = since;
  self->until = until;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hf_chart_set_bars (HfChart *self,
                   GArray  *bars,
                   gint64   since,
                   gint64   until)
{
  g_return_if_fail (HF_IS_CHART (self));

  g_clear_pointer (&self->bars, g_array_unref);
  self->bars = bars ? g_array_ref (bars) : NULL;
  self->since = since;
  self->until = until;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hf_chart_set_steps (HfChart    *self,
                    GArray     *steps,
                    const char *unit)
{
  g_return_if_fail (HF_IS_CHART (self));

  g_clear_pointer (&self->steps, g_array_unref);
  self->steps = steps ? g_array_ref (steps) : NULL;
  g_free (self->unit);
  self->unit = g_strdup (unit);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hf_chart_set_unit (HfChart    *self,
                   const char *unit)
{
  g_return_if_fail (HF_IS_CHART (self));

  g_free (self->unit);
  self->unit = g_strdup (unit);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hf_chart_set_baseline (HfChart *self,
                       double   value)
{
  g_return_if_fail (HF_IS_CHART (self));

  self->baseline = value;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
hf_chart_get_n_known (HfChart *self)
{
  return self->n_known;
}

guint
hf_chart_get_n_segments (HfChart *self)
{
  return self->n_segments;
}

const char *
hf_chart_get_axis_label (HfChart *self,
                         guint    index)
{
  g_return_val_if_fail (HF_IS_CHART (self), NULL);
  return index < self->axis_labels->len ? g_ptr_array_index (self->axis_labels, index) : NULL;
}

void
hf_chart_hover (HfChart *self,
                double   x)
{
  g_return_if_fail (HF_IS_CHART (self));
  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
hf_chart_get_hover_text (HfChart *self)
{
  g_return_val_if_fail (HF_IS_CHART (self), NULL);
  return self->hover_text;
}

char *
hf_chart_format_time (gint64 t,
                      gint64 span)
{
  return format_time (t, span);
}
