/* hf-details-window.c
 * SPDX-License-Identifier: MIT
 *
 * Every field of the miner's latest reading and its identity, and charts
 * of hashrate, temperature and power from the store.  Series are read
 * on a worker thread (hf_store_series_async): one miner's 30 days is a
 * few ms, but a large fleet's total is far more.  The charts keep what
 * they show until the new range arrives; a newer request cancels an older
 * one, and closing the window cancels the one in flight.
 *
 * Energy: today's and this month's kWh and cost come from the session's
 * meter (no query of their own); the cost chart is the range cut into
 * slices (5 minutes, hours, or days for 30 days) each computed from the
 * store as hf-energy does, at the tariff's price of the time; the
 * efficiency chart is a miner's J/TH a day over 30 days from its hourly
 * roll-ups, with its baseline, and a warning when its last day is more
 * than 10 % above it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "hf-chart.h"
#include "hf-details-window.h"
#include "hf-guardian-group.h"
#include "hf-schedule-group.h"
#include "hf-miner-binding.h"
#include "hf-miner-actions.h"
#include "hf-miner-status.h"
#include "hf-window.h"

struct _HfDetailsWindow
{
  AdwWindow            parent_instance;

  AdwWindowTitle      *window_title;
  GtkWidget           *range_box;
  GtkToggleButton     *range_1h;
  GtkToggleButton     *range_24h;
  GtkToggleButton     *range_7d;
  GtkToggleButton     *range_30d;
  GtkBox              *charts_box;
  AdwPreferencesGroup *energy_group;
  AdwPreferencesGroup *reading_group;
  AdwPreferencesGroup *identity_group;
  GtkWidget           *schedule_group;   /* once a session is given */
  GtkWidget           *guardian_group;   /* the same, for the miners it can step */
  GtkBox              *content;
  GtkWidget           *open_web_button;
  GtkWidget           *restart_button;
  GtkWidget           *settings_button;
  GSimpleActionGroup  *actions;      /* details.*: the miner menu's, on this miner */

  HfMiner             *miner;        /* NULL: the fleet */
  HfStore             *store;
  GPtrArray           *charts;       /* HfChart */
  GHashTable          *rows;         /* title → AdwActionRow */
  GtkLabel            *state_badge;  /* the Status row's suffix */
  gint64               range_s;
  gint64               since;        /* of the query in flight */
  gint64               until;
  GCancellable        *loading;      /* the series query in flight */

  HfEnergyMeter       *meter;
  HfChart             *cost_chart;
  GtkLabel            *cost_title;
  HfChart             *efficiency_chart;
  GtkImage            *drift_icon;   /* the drift row's warning */
  GCancellable        *energy_loading;
  GCancellable        *efficiency_loading;
  gint64               energy_since;
  gint64               energy_until;
  gint64               efficiency_now;
  gboolean             energy_loaded;
  gboolean             efficiency_loaded;
};

G_DEFINE_FINAL_TYPE (HfDetailsWindow, hf_details_window, ADW_TYPE_WINDOW)

static void load_energy (HfDetailsWindow *self);

static void
set_row (HfDetailsWindow     *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *value)
{
  AdwActionRow *row = g_hash_table_lookup (self->rows, title);

  if (row == NULL)
    {
      row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      /* Values come from the miner (an error page, a pool URL with "&"). */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (row), "property");
      adw_preferences_group_add (group, GTK_WIDGET (row));
      g_hash_table_insert (self->rows, g_strdup (title), row);
    }
  adw_action_row_set_subtitle (row, value && *value ? value : "—");
}

static void
value_row (HfDetailsWindow *self,
           const char      *title,
           double           value,
           int              decimals,
           const char      *unit)
{
  g_autofree char *text = hf_format_value (value, decimals, unit);

  set_row (self, self->reading_group, title, text);
}

static void
refresh_fields (HfDetailsWindow *self)
{
  HfMiner *m = self->miner;
  const HfReading *r = hf_miner_get_reading (m);
  HfReading unknown;
  g_autofree char *status = hf_miner_status_text (m, g_get_real_time ());
  g_autofree char *hashrate = NULL;
  g_autofree char *avg = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *uptime = NULL;
  g_autofree char *power = NULL;
  g_autofree char *ports = NULL;

  if (r == NULL)
    {
      /* Every value unknown. */
      HfReading *blank = hf_reading_new ();
      unknown = *blank;
      unknown.pool_url = unknown.pool_user = NULL;
      hf_reading_free (blank);
      r = &unknown;
    }
  adw_window_title_set_title (self->window_title, hf_miner_display_name (m));
  adw_window_title_set_subtitle (self->window_title, hf_miner_get_address (m));
  gtk_window_set_title (GTK_WINDOW (self), hf_miner_display_name (m));

  set_row (self, self->reading_group, _("Status"), status);
  /* The state's badge, coloured as on the cards and in the table. */
  if (self->state_badge == NULL)
    {
      self->state_badge = GTK_LABEL (gtk_label_new (NULL));
      gtk_widget_set_valign (GTK_WIDGET (self->state_badge), GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (GTK_WIDGET (self->state_badge), "caption-heading");
      adw_action_row_add_suffix (g_hash_table_lookup (self->rows, _("Status")),
                                 GTK_WIDGET (self->state_badge));
    }
  hf_label_set_text_changed (self->state_badge, hf_state_label (hf_miner_state (m)));
  {
    /* hf_miner_binding_show_state() without a binding to follow the
     * miner: the window does that. */
    const char *css_class = hf_miner_state_css_class (hf_miner_state (m));

    for (HfState st = 0; st < HF_N_STATES; st++)
      hf_widget_set_css_class (GTK_WIDGET (self->state_badge), hf_miner_state_css_class (st),
                               g_str_equal (hf_miner_state_css_class (st), css_class));
    gtk_widget_add_css_class (GTK_WIDGET (self->state_badge), "hf-state");
  }
  if (hf_miner_get_error (m) != NULL)
    set_row (self, self->reading_group, _("Last error"), hf_miner_get_error (m));
  hashrate = hf_format_hashrate (r->hashrate_ghs);
  set_row (self, self->reading_group, _("Hashrate"), hashrate);
  avg = hf_format_hashrate (r->hashrate_avg_ghs);
  set_row (self, self->reading_group, _("Average hashrate"), avg);
  expected = hf_format_hashrate (r->expected_hashrate_ghs);
  set_row (self, self->reading_group, _("Expected hashrate"), expected);
  value_row (self, _("Temperature"), r->temperature_c, 1, "°C");
  value_row (self, _("Chip temperature"), r->chip_temp_c, 1, "°C");
  value_row (self, _("Board temperature"), r->board_temp_c, 1, "°C");
  power = hf_format_value (r->power_w, 1, "W");
  if (r->power_estimated && hf_reading_known (r->power_w))
    {
      g_autofree char *p = power;
      power = g_strdup_printf (_("%s (estimated from the model)"), p);
    }
  set_row (self, self->reading_group, _("Power"), power);
  value_row (self, _("Input voltage"), r->input_voltage_v, 2, "V");
  value_row (self, _("Fan speed"), r->fan_rpm, 0, _("rpm"));
  value_row (self, _("Fan"), r->fan_percent, 0, "%");
  value_row (self, _("Frequency"), r->frequency_mhz, 0, "MHz");
  value_row (self, _("Core voltage"), r->core_voltage_mv, 0, "mV");
  value_row (self, _("Power limit"), r->power_limit_w, 0, "W");
  set_row (self, self->reading_group, _("Preset"), r->preset);
  uptime = hf_format_duration (r->uptime_s);
  set_row (self, self->reading_group, _("Uptime"), uptime);
  value_row (self, _("Accepted shares"), r->accepted, 0, NULL);
  value_row (self, _("Rejected shares"), r->rejected, 0, NULL);
  value_row (self, _("Hardware errors"), r->hardware_errors, 0, NULL);
  {
    g_autofree char *best = hf_format_difficulty_ui (r->best_difficulty);
    g_autofree char *session = hf_format_difficulty_ui (r->best_session_difficulty);
    g_autofree char *pool = hf_format_difficulty_ui (r->pool_difficulty);
    g_autofree char *network = hf_format_difficulty_ui (r->network_difficulty);
    g_autofree char *blocks = g_strdup_printf ("%u", hf_miner_get_blocks_found (m));

    set_row (self, self->reading_group, _("Best difficulty"), best);
    set_row (self, self->reading_group, _("Best difficulty (session)"), session);
    set_row (self, self->reading_group, _("Pool difficulty"), pool);
    set_row (self, self->reading_group, _("Network difficulty"), network);
    set_row (self, self->reading_group, _("Blocks found"), blocks);
  }
  value_row (self, _("Second chip temperature"), r->chip2_temp_c, 1, "°C");
  value_row (self, _("Voltage regulator temperature"), r->vr_temp_c, 1, "°C");
  value_row (self, _("Error rate"), r->error_percent, 2, "%");
  set_row (self, self->reading_group, _("Pool"), r->pool_url);
  set_row (self, self->reading_group, _("Pool user"), r->pool_user);

  set_row (self, self->identity_group, _("Address"), hf_miner_get_address (m));
  ports = g_strdup_printf (_("HTTP %u, API %u"), hf_miner_get_http_port (m),
                           hf_miner_get_cgminer_port (m));
  set_row (self, self->identity_group, _("Ports"), ports);
  set_row (self, self->identity_group, _("Family"),
           hf_family_display_name (hf_miner_get_family (m)));
  set_row (self, self->identity_group, _("Model"), hf_miner_get_model (m));
  set_row (self, self->identity_group, _("Firmware"), hf_miner_get_firmware (m));
  set_row (self, self->identity_group, _("Hostname"), hf_miner_get_hostname (m));
  set_row (self, self->identity_group, _("MAC address"), hf_miner_get_mac (m));
  set_row (self, self->identity_group, _("Serial number"), hf_miner_get_serial (m));
}

static void
miner_notify_cb (HfMiner         *miner,
                 GParamSpec      *pspec,
                 HfDetailsWindow *self)
{
  if (g_strcmp0 (pspec->name, "reading") == 0 || g_strcmp0 (pspec->name, "online") == 0
      || g_strcmp0 (pspec->name, "error") == 0 || g_strcmp0 (pspec->name, "restarting") == 0
      || g_strcmp0 (pspec->name, "state") == 0 || g_strcmp0 (pspec->name, "blocks-found") == 0)
    refresh_fields (self);
}

static void
series_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = hf_store_series_finish (HF_STORE (source), result, NULL, &error);
  HfDetailsWindow *self;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  /* Cancelled: superseded, or the window is gone; touch nothing. */
  if (g_cancellable_is_cancelled (cancellable))
    return;
  self = user_data;
  if (points == NULL)
    g_debug ("history: %s", error->message);
  for (guint i = 0; i < self->charts->len; i++)
    hf_chart_set_series (g_ptr_array_index (self->charts, i), points, self->since, self->until);
  g_clear_object (&self->loading);
}

static void
load_series (HfDetailsWindow *self)
{
  if (self->store == NULL)
    return;
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  self->loading = g_cancellable_new ();
  self->until = g_get_real_time () / G_USEC_PER_SEC;
  self->since = self->until - self->range_s;
  hf_store_series_async (self->store, self->miner ? hf_miner_get_address (self->miner) : NULL,
                         self->since, self->until,
                         self->miner != NULL || self->range_s <= 14 * 86400
                           ? HF_RESOLUTION_AUTO : HF_RESOLUTION_1H,
                         self->loading, series_cb, self);
}

void
hf_details_window_set_range (HfDetailsWindow *self,
                             gint64           seconds)
{
  g_return_if_fail (HF_IS_DETAILS_WINDOW (self));
  self->range_s = seconds;
  load_series (self);
  load_energy (self);
}

static void
range_toggled_cb (GtkToggleButton *button,
                  HfDetailsWindow *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  hf_details_window_set_range (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button),
                                                                          "hf-seconds")));
}

/* ---- energy ----------------------------------------------------------------- */

/* "0.250 kWh · EUR 0.10" (and ", part estimated") of this miner (or the
 * fleet) in @report. */
static char *
energy_text (HfDetailsWindow *self,
             HfEnergyReport  *report)
{
  HfEnergyTotals own;
  const HfEnergyTotals *t;
  HfTariff *tariff;
  g_autofree char *kwh = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *text = NULL;

  if (report == NULL)
    return NULL;
  if (self->miner != NULL)
    {
      hf_energy_report_sum_address (report, hf_miner_get_address (self->miner), &own);
      t = &own;
    }
  else
    t = hf_energy_report_get_fleet (report);
  tariff = hf_energy_report_get_tariff (report);
  kwh = hf_format_energy (t->kwh);
  if (tariff != NULL)
    {
      cost = hf_format_money (t->cost, hf_tariff_get_currency (tariff));
      /* Translators: energy and its cost, "0.250 kWh · EUR 0.10" */
      text = g_strdup_printf (_("%s · %s"), kwh, cost);
    }
  else
    text = g_steal_pointer (&kwh);
  if (t->kwh_estimated > 0)
    {
      g_autofree char *plain = g_steal_pointer (&text);
      /* Translators: energy (and cost) some of which comes from power
       * estimated from the model */
      text = g_strdup_printf (_("%s, part estimated"), plain);
    }
  return g_steal_pointer (&text);
}

static void
refresh_energy_rows (HfDetailsWindow *self)
{
  g_autofree char *today = NULL;
  g_autofree char *month = NULL;

  if (self->meter == NULL)
    return;
  today = energy_text (self, hf_energy_meter_get_today (self->meter));
  month = energy_text (self, hf_energy_meter_get_month (self->meter));
  set_row (self, self->energy_group, _("Today"), today);
  set_row (self, self->energy_group, _("This month"), month);
}

static void
slices_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slices = hf_energy_compute_slices_finish (HF_STORE (source), result, &error);
  g_autoptr(GArray) bars = NULL;
  HfDetailsWindow *self;
  HfTariff *tariff;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  self = user_data;
  g_clear_object (&self->energy_loading);
  if (slices == NULL)
    g_debug ("energy chart: %s", error->message);
  tariff = self->meter != NULL ? hf_energy_meter_get_tariff (self->meter) : NULL;
  bars = g_array_new (FALSE, FALSE, sizeof (HfChartBar));
  for (guint i = 0; slices != NULL && i < slices->len; i++)
    {
      const HfEnergySlice *slice = &g_array_index (slices, HfEnergySlice, i);
      /* A slice without data is a gap, not a free hour. */
      HfChartBar bar = { slice->start, slice->end,
                         slice->totals.covered_s <= 0 ? NAN
                         : tariff != NULL ? slice->totals.cost : slice->totals.kwh };

      g_array_append_val (bars, bar);
    }
  hf_chart_set_bars (self->cost_chart, bars, self->energy_since, self->energy_until);
  self->energy_loaded = TRUE;
}

/* The slice of a chart of @range_s: a bar per 5 minutes of an hour, per
 * hour of a day or a week, per day of 30 days. */
static gint64
slice_for_range (gint64 range_s)
{
  if (range_s <= 3600)
    return 300;
  if (range_s <= 7 * 86400)
    return 3600;
  return 0;
}

static void
load_energy (HfDetailsWindow *self)
{
  HfTariff *tariff = self->meter != NULL ? hf_energy_meter_get_tariff (self->meter) : NULL;
  HfEnergyQuery q = { 0, };
  gint64 slice_s = slice_for_range (self->range_s);
  const char *per;

  if (self->store == NULL || self->cost_chart == NULL)
    return;
  if (self->energy_loading != NULL)
    g_cancellable_cancel (self->energy_loading);
  g_clear_object (&self->energy_loading);
  self->energy_loading = g_cancellable_new ();
  self->energy_loaded = FALSE;
  self->energy_until = g_get_real_time () / G_USEC_PER_SEC;
  self->energy_since = self->energy_until - self->range_s;
  per = slice_s == 300 ? _("per 5 minutes") : slice_s == 3600 ? _("per hour") : _("per day");
  {
    /* Translators: a chart's title, "Cost per hour", "Energy per day" */
    g_autofree char *title = g_strdup_printf (tariff != NULL ? _("Cost %s") : _("Energy %s"), per);
    gtk_label_set_text (self->cost_title, title);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->cost_chart),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  }
  hf_chart_set_unit (self->cost_chart, tariff != NULL ? hf_tariff_get_currency (tariff) : "kWh");
  q.since = self->energy_since;
  q.until = self->energy_until;
  q.address = self->miner != NULL ? hf_miner_get_address (self->miner) : NULL;
  q.tariff = tariff;
  hf_energy_compute_slices_async (self->store, &q, slice_s, self->energy_loading, slices_cb, self);
}

static void
efficiency_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) points = hf_store_series_finish (HF_STORE (source), result, NULL, &error);
  g_autoptr(GArray) days = NULL;
  g_autoptr(GArray) bars = NULL;
  g_autofree char *baseline = NULL;
  g_autofree char *recent = NULL;
  g_autofree char *verdict = NULL;
  HfDetailsWindow *self;
  HfEfficiencyDrift drift;
  gint64 since;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  self = user_data;
  g_clear_object (&self->efficiency_loading);
  if (points == NULL)
    {
      g_debug ("efficiency: %s", error->message);
      points = g_array_new (FALSE, FALSE, sizeof (HfSeriesPoint));
    }
  since = self->efficiency_now - HF_EFFICIENCY_BASELINE_S;
  days = hf_efficiency_daily (points, NULL, since, self->efficiency_now);
  bars = g_array_new (FALSE, FALSE, sizeof (HfChartBar));
  for (guint i = 0; i < days->len; i++)
    {
      const HfEfficiencyDay *d = &g_array_index (days, HfEfficiencyDay, i);
      gint64 start, end;
      HfChartBar bar;

      hf_energy_period_bounds (HF_ENERGY_DAY, NULL, d->day, &start, &end);
      bar.start = MAX (d->day, since);
      bar.end = MIN (end, self->efficiency_now);
      bar.value = d->j_th;
      g_array_append_val (bars, bar);
    }
  hf_efficiency_drift (points, self->efficiency_now, &drift);
  hf_chart_set_bars (self->efficiency_chart, bars, since, self->efficiency_now);
  hf_chart_set_baseline (self->efficiency_chart, drift.baseline_j_th);

  baseline = hf_format_value (drift.baseline_j_th, 1, "J/TH");
  recent = hf_format_value (drift.recent_j_th, 1, "J/TH");
  set_row (self, self->energy_group, _("Efficiency, last 24 hours"), recent);
  set_row (self, self->energy_group, _("Efficiency, 30-day baseline"), baseline);
  if (isnan (drift.drift))
    verdict = g_strdup (_("Not enough history yet: a baseline needs 3 days of hourly roll-ups"));
  else if (drift.drifting)
    /* Translators: the miner's efficiency against its own baseline, "14 % above its
     * 30-day baseline: it draws more per terahash than it did" */
    verdict = g_strdup_printf (_("%.0f %% above its 30-day baseline: it draws more per terahash "
                                 "than it did (fans, dust, heat or ageing chips)"),
                               drift.drift * 100);
  else
    /* Translators: "+3 % against its 30-day baseline, within 10 %" */
    verdict = g_strdup_printf (_("%+.0f %% against its 30-day baseline, within 10 %%"),
                               drift.drift * 100);
  set_row (self, self->energy_group, _("Efficiency drift"), verdict);
  /* The warning sign only while it drifts (a hidden prefix still
   * indents the row). */
  if (drift.drifting && self->drift_icon == NULL)
    {
      self->drift_icon = GTK_IMAGE (gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
      gtk_widget_add_css_class (GTK_WIDGET (self->drift_icon), "warning");
      gtk_widget_set_valign (GTK_WIDGET (self->drift_icon), GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->drift_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Warning"), -1);
      adw_action_row_add_prefix (g_hash_table_lookup (self->rows, _("Efficiency drift")),
                                 GTK_WIDGET (self->drift_icon));
    }
  else if (!drift.drifting && self->drift_icon != NULL)
    {
      adw_action_row_remove (g_hash_table_lookup (self->rows, _("Efficiency drift")),
                             GTK_WIDGET (self->drift_icon));
      self->drift_icon = NULL;
    }
  hf_widget_set_css_class (g_hash_table_lookup (self->rows, _("Efficiency drift")), "hf-drifting",
                           drift.drifting);
  self->efficiency_loaded = TRUE;
}

/* The miner's 30 days (and the one before its last, for the baseline) of
 * hourly roll-ups. */
static void
load_efficiency (HfDetailsWindow *self)
{
  if (self->store == NULL || self->efficiency_chart == NULL)
    return;
  if (self->efficiency_loading != NULL)
    g_cancellable_cancel (self->efficiency_loading);
  g_clear_object (&self->efficiency_loading);
  self->efficiency_loading = g_cancellable_new ();
  self->efficiency_loaded = FALSE;
  self->efficiency_now = g_get_real_time () / G_USEC_PER_SEC;
  hf_store_series_async (self->store, hf_miner_get_address (self->miner),
                         self->efficiency_now - HF_EFFICIENCY_BASELINE_S - HF_EFFICIENCY_RECENT_S,
                         self->efficiency_now, HF_RESOLUTION_1H, self->efficiency_loading,
                         efficiency_cb, self);
}

static GtkWidget *
add_chart_card (HfDetailsWindow *self,
                const char      *title,
                HfChartMetric    metric,
                GtkLabel       **title_label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *chart = hf_chart_new (metric);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "hf-chart-card");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, 10);
  gtk_widget_set_margin_start (chart, 6);
  gtk_widget_set_margin_end (chart, 6);
  gtk_widget_set_margin_bottom (chart, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), chart);
  gtk_box_append (self->charts_box, box);
  if (title_label != NULL)
    *title_label = GTK_LABEL (label);
  return chart;
}

/* A chart of the stored series (hashrate, temperature, power). */
static void
add_chart (HfDetailsWindow *self,
           const char      *title,
           HfChartMetric    metric)
{
  g_ptr_array_add (self->charts, add_chart_card (self, title, metric, NULL));
}

void
hf_details_window_set_energy_meter (HfDetailsWindow *self,
                                    HfEnergyMeter   *meter)
{
  g_return_if_fail (HF_IS_DETAILS_WINDOW (self));
  g_return_if_fail (meter == NULL || HF_IS_ENERGY_METER (meter));

  if (self->meter != NULL)
    g_signal_handlers_disconnect_by_data (self->meter, self);
  g_set_object (&self->meter, meter);
  if (meter != NULL)
    {
      g_signal_connect_swapped (meter, "notify::today", G_CALLBACK (refresh_energy_rows), self);
      g_signal_connect_swapped (meter, "notify::month", G_CALLBACK (refresh_energy_rows), self);
      /* Other prices: the chart again. */
      g_signal_connect_swapped (meter, "notify::tariff", G_CALLBACK (load_energy), self);
      refresh_energy_rows (self);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->energy_group),
                          meter != NULL || self->efficiency_chart != NULL);
  load_energy (self);
}

static void
hf_details_window_dispose (GObject *object)
{
  HfDetailsWindow *self = HF_DETAILS_WINDOW (object);

  if (self->meter != NULL)
    g_signal_handlers_disconnect_by_data (self->meter, self);
  g_clear_object (&self->meter);
  if (self->energy_loading != NULL)
    g_cancellable_cancel (self->energy_loading);
  g_clear_object (&self->energy_loading);
  if (self->efficiency_loading != NULL)
    g_cancellable_cancel (self->efficiency_loading);
  g_clear_object (&self->efficiency_loading);

  if (self->miner != NULL)
    g_signal_handlers_disconnect_by_data (self->miner, self);
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_DETAILS_WINDOW);
  g_clear_object (&self->miner);
  g_clear_object (&self->store);
  g_clear_pointer (&self->charts, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (hf_details_window_parent_class)->dispose (object);
}

/* details.X is the main window's miner.X on this miner alone (not on
 * the main window's selection): the same questions, dialogs and toasts
 * as from the miner's menu. */
static void
miner_action_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  HfDetailsWindow *self = HF_DETAILS_WINDOW (user_data);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (!HF_IS_WINDOW (parent) || self->miner == NULL)
    return;
  hf_miner_actions_activate_on (HF_MINER_ACTIONS (hf_window_get_miner_actions (HF_WINDOW (parent))),
                                g_action_get_name (G_ACTION (action)), self->miner);
}

/* Only what this miner can do is offered. */
static void
update_actions (HfDetailsWindow *self)
{
  HfCapabilities caps = self->miner != NULL ? hf_miner_get_capabilities (self->miner) : 0;
  GAction *restart = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "restart");
  GAction *settings = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "settings");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (restart), (caps & HF_CAP_RESTART) != 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (settings), (caps & HF_CAP_ANY_SETTING) != 0);
}

static void
hf_details_window_class_init (HfDetailsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_details_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-details-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HfDetailsWindow, name)
  BIND (window_title);
  BIND (range_box);
  BIND (range_1h);
  BIND (range_24h);
  BIND (range_7d);
  BIND (range_30d);
  BIND (charts_box);
  BIND (energy_group);
  BIND (reading_group);
  BIND (identity_group);
  BIND (content);
  BIND (open_web_button);
  BIND (restart_button);
  BIND (settings_button);
#undef BIND
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
hf_details_window_init (HfDetailsWindow *self)
{
  struct { GtkToggleButton *button; gint64 seconds; } ranges[4];

  static const GActionEntry entries[] = {
    { .name = "open-web", .activate = miner_action_activated },
    { .name = "settings", .activate = miner_action_activated },
    { .name = "restart", .activate = miner_action_activated },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries),
                                   self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "details", G_ACTION_GROUP (self->actions));
  self->charts = g_ptr_array_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->range_s = 3600;
  ranges[0].button = self->range_1h; ranges[0].seconds = 3600;
  ranges[1].button = self->range_24h; ranges[1].seconds = 86400;
  ranges[2].button = self->range_7d; ranges[2].seconds = 7 * 86400;
  ranges[3].button = self->range_30d; ranges[3].seconds = 30 * 86400;
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_object_set_data (G_OBJECT (ranges[i].button), "hf-seconds",
                         GINT_TO_POINTER ((int) ranges[i].seconds));
      g_signal_connect (ranges[i].button, "toggled", G_CALLBACK (range_toggled_cb), self);
    }
}

GtkWidget *
hf_details_window_new (HfMiner *miner,
                       HfStore *store)
{
  HfDetailsWindow *self = g_object_new (HF_TYPE_DETAILS_WINDOW, NULL);

  self->store = store ? g_object_ref (store) : NULL;
  add_chart (self, miner ? _("Hashrate") : _("Fleet hashrate"), HF_CHART_HASHRATE);
  if (miner != NULL)
    {
      self->miner = g_object_ref (miner);
      add_chart (self, _("Temperature"), HF_CHART_TEMPERATURE);
      add_chart (self, _("Power"), HF_CHART_POWER);
      self->cost_chart = HF_CHART (add_chart_card (self, _("Energy per 5 minutes"), HF_CHART_COST,
                                                   &self->cost_title));
      self->efficiency_chart = HF_CHART (add_chart_card (self, _("Efficiency, 30 days"),
                                                         HF_CHART_EFFICIENCY, NULL));
      g_signal_connect (miner, "notify", G_CALLBACK (miner_notify_cb), self);
      g_signal_connect_swapped (miner, "notify::capabilities", G_CALLBACK (update_actions), self);
      refresh_fields (self);
      update_actions (self);
    }
  else
    {
      add_chart (self, _("Fleet power"), HF_CHART_POWER);
      self->cost_chart = HF_CHART (add_chart_card (self, _("Energy per 5 minutes"), HF_CHART_COST,
                                                   &self->cost_title));
      adw_window_title_set_title (self->window_title, _("Fleet History"));
      gtk_window_set_title (GTK_WINDOW (self), _("Fleet History"));
      gtk_widget_set_visible (GTK_WIDGET (self->reading_group), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->identity_group), FALSE);
      gtk_widget_set_visible (self->open_web_button, FALSE);
      gtk_widget_set_visible (self->restart_button, FALSE);
      gtk_widget_set_visible (self->settings_button, FALSE);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->charts_box), store != NULL);
  gtk_widget_set_visible (self->range_box, store != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->energy_group), store != NULL && miner != NULL);
  load_series (self);
  load_energy (self);
  load_efficiency (self);
  return GTK_WIDGET (self);
}

const char *
hf_details_window_get_value (HfDetailsWindow *self,
                             const char      *title)
{
  AdwActionRow *row = g_hash_table_lookup (self->rows, title);

  return row ? adw_action_row_get_subtitle (row) : NULL;
}

GtkWidget *
hf_details_window_get_cost_chart (HfDetailsWindow *self)
{
  g_return_val_if_fail (HF_IS_DETAILS_WINDOW (self), NULL);
  return GTK_WIDGET (self->cost_chart);
}

GtkWidget *
hf_details_window_get_efficiency_chart (HfDetailsWindow *self)
{
  g_return_val_if_fail (HF_IS_DETAILS_WINDOW (self), NULL);
  return GTK_WIDGET (self->efficiency_chart);
}

gboolean
hf_details_window_get_energy_loaded (HfDetailsWindow *self)
{
  g_return_val_if_fail (HF_IS_DETAILS_WINDOW (self), FALSE);
  return self->energy_loaded && (self->efficiency_chart == NULL || self->efficiency_loaded);
}

GtkWidget *
hf_details_window_get_chart (HfDetailsWindow *self,
                             guint            index)
{
  return index < self->charts->len ? g_ptr_array_index (self->charts, index) : NULL;
}

void
hf_details_window_set_session (HfDetailsWindow *self,
                               HfSession       *session)
{
  g_return_if_fail (HF_IS_DETAILS_WINDOW (self));
  g_return_if_fail (HF_IS_SESSION (session));

  if (self->schedule_group != NULL || self->miner == NULL)
    return;
  /* The guardian steps a frequency (AxeOS, NerdOS) or a work mode (Avalon). */
  if (hf_miner_get_family (self->miner) == HF_FAMILY_AXEOS
      || hf_miner_get_family (self->miner) == HF_FAMILY_AVALON)
    {
      self->guardian_group = hf_guardian_group_new (session, self->miner, NULL);
      gtk_box_append (self->content, self->guardian_group);
    }
  self->schedule_group = hf_schedule_group_new (session, self->miner);
  gtk_box_append (self->content, self->schedule_group);
}

GtkWidget *
hf_details_window_get_guardian_group (HfDetailsWindow *self)
{
  g_return_val_if_fail (HF_IS_DETAILS_WINDOW (self), NULL);
  return self->guardian_group;
}
