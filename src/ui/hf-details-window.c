/* hf-details-window.c
 * SPDX-License-Identifier: MIT
 *
 * Every field of the miner's latest reading and its identity, and charts
 * of hashrate, temperature and power from the store.  Series are read
 * on a worker thread (hf_store_series_async): one miner's 30 days is a
 * few ms, but a large fleet's total is far more.  The charts keep what
 * they show until the new range arrives; a newer request cancels an older
 * one, and closing the window cancels the one in flight.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "hf-chart.h"
#include "hf-details-window.h"
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
  AdwPreferencesGroup *reading_group;
  AdwPreferencesGroup *identity_group;
  GtkWidget           *schedule_group;   /* once a session is given */
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
};

G_DEFINE_FINAL_TYPE (HfDetailsWindow, hf_details_window, ADW_TYPE_WINDOW)

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

static void
add_chart (HfDetailsWindow *self,
           const char      *title,
           HfChartMetric    metric)
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
  g_ptr_array_add (self->charts, chart);
}

static void
hf_details_window_dispose (GObject *object)
{
  HfDetailsWindow *self = HF_DETAILS_WINDOW (object);

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
      g_signal_connect (miner, "notify", G_CALLBACK (miner_notify_cb), self);
      g_signal_connect_swapped (miner, "notify::capabilities", G_CALLBACK (update_actions), self);
      refresh_fields (self);
      update_actions (self);
    }
  else
    {
      add_chart (self, _("Fleet power"), HF_CHART_POWER);
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
  load_series (self);
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
  self->schedule_group = hf_schedule_group_new (session, self->miner);
  gtk_box_append (self->content, self->schedule_group);
}
