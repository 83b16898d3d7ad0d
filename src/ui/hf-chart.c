/* hf-chart.c
 * SPDX-License-Identifier: MIT
 *
 * Small on purpose: one metric, a y axis from zero (or the data's floor
 * for temperatures) with three labelled grid lines, start and end times,
 * and the line broken wherever the miner was not answering.
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

static char *
format_axis (HfChart *self,
             double   v)
{
  switch (self->metric)
    {
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
gap_limit (HfChart *self)
{
  /* The bucket width: the smallest spacing between two points. */
  double step = G_MAXDOUBLE;

  for (guint i = 1; i < self->points->len; i++)
    {
      double d = g_array_index (self->points, HfSeriesPoint, i).time
                 - g_array_index (self->points, HfSeriesPoint, i - 1).time;
      if (d > 0 && d < step)
        step = d;
    }
  return step == G_MAXDOUBLE ? G_MAXDOUBLE : 2.5 * step;
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

static char *
format_time (gint64 t,
             gint64 span)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  return g_date_time_format (dt, span > 2 * 86400 ? "%b %e" : "%H:%M");
}

static void
hf_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  HfChart *self = HF_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot_w = width - MARGIN_LEFT - MARGIN_RIGHT;
  double plot_h = height - MARGIN_TOP - MARGIN_BOTTOM;
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, step, limit;
  gint64 span = MAX (self->until - self->since, 1);
  GdkRGBA fg, accent = { 0.21, 0.52, 0.89, 1.0 };
  gboolean drawing = FALSE;
  double last_t = 0;
  cairo_t *cr;

  if (plot_w < 20 || plot_h < 20)
    return;
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
  hi = ceil (hi / step) * step;

  /* Grid and y labels */
  cairo_set_line_width (cr, 1);
  for (double v = lo; v <= hi + step / 2; v += step)
    {
      double y = MARGIN_TOP + plot_h - (v - lo) / (hi - lo) * plot_h;
      g_autofree char *label = format_axis (self, v);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
      cairo_move_to (cr, MARGIN_LEFT, floor (y) + 0.5);
      cairo_line_to (cr, MARGIN_LEFT + plot_w, floor (y) + 0.5);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      draw_text (cr, widget, label, MARGIN_LEFT - 6, y, 1.0);
    }
  /* x labels: start and end */
  {
    g_autofree char *start = format_time (self->since, span);
    g_autofree char *end = format_time (self->until, span);
    cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
    draw_text (cr, widget, start, MARGIN_LEFT, height - MARGIN_BOTTOM / 2, 0.0);
    draw_text (cr, widget, end, MARGIN_LEFT + plot_w, height - MARGIN_BOTTOM / 2, 1.0);
  }

  /* The line, cut at gaps */
  limit = gap_limit (self);
  cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1.0);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->points->len; i++)
    {
      const HfSeriesPoint *p = &g_array_index (self->points, HfSeriesPoint, i);
      double v = value_of (self, p);
      double x = MARGIN_LEFT + (double) (p->time - self->since) / span * plot_w;
      double y;

      if (isnan (v) || (drawing && p->time - last_t > limit))
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
      last_t = p->time;
    }
  if (drawing)
    cairo_stroke (cr);
  cairo_destroy (cr);
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
