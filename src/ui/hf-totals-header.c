/* hf-totals-header.c
 * SPDX-License-Identifier: MIT
 *
 * The fleet coalesces its totals once per cycle and notifies only what
 * changed; the header rewrites its labels on those notifications.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include <adwaita.h>

#include "hf-miner-binding.h"
#include "hf-totals-header.h"

struct _HfTotalsHeader
{
  GtkWidget  parent_instance;

  GtkWidget *squeezer;
  GtkWidget *box;
  GtkLabel  *compact_label;   /* all of it on one line, for narrow windows */
  GtkLabel  *hashrate_label;
  GtkLabel  *hashrate_detail;
  GtkLabel  *power_label;
  GtkLabel  *power_detail;
  GtkLabel  *efficiency_label;
  GtkLabel  *efficiency_detail;
  GtkLabel  *miners_label;
  GtkLabel  *miners_detail;
  GtkLabel  *hottest_label;
  GtkLabel  *hottest_detail;
  GtkLabel  *shares_label;
  GtkLabel  *shares_detail;
  GtkLabel  *hashing_label;
  GtkLabel  *best_label;
  GtkLabel  *expected_label;
  GtkLabel  *chance_label;
  GtkLabel  *legend_label;
  GtkWidget *energy_box;
  GtkLabel  *energy_label;
  GtkLabel  *energy_cost;
  GtkLabel  *energy_month;

  GtkLabel  *group_label;     /* which group the figures are of */

  HfFleet   *fleet;
  GListModel *miners;         /* the fleet's miners the figures are of; NULL: all */
  char      *group;
  HfEnergyMeter *meter;
  guint      legend_idle;
};

G_DEFINE_FINAL_TYPE (HfTotalsHeader, hf_totals_header, GTK_TYPE_WIDGET)

static void
set_text (GtkLabel   *label,
          const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static char *
format_count (double n)
{
  if (!hf_reading_known (n))
    return g_strdup ("—");
  return g_strdup_printf ("%'.0f", n);
}

/* "0.085 %", "2.4 %", "< 0.001 %" */
static char *
format_chance (double p)
{
  if (!hf_reading_known (p))
    return g_strdup ("—");
  if (p > 0 && p * 100 < 0.001)
    return g_strdup ("< 0.001 %");
  return g_strdup_printf ("%.2g %%", p * 100);
}

typedef struct
{
  const char *name;
  guint       count;
} ModelCount;

static int
compare_counts (gconstpointer a,
                gconstpointer b)
{
  const ModelCount *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_utf8_collate (x->name, y->name);
}

/* The legend: how many of each model, the most common first. */
static void
refresh_legend (HfTotalsHeader *self)
{
  GListModel *miners = self->miners != NULL ? self->miners : G_LIST_MODEL (self->fleet);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (ModelCount));
  g_autoptr(GString) text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;
  guint n = g_list_model_get_n_items (miners);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (miners, i);
      const char *model = hf_miner_get_model (miner);

      /* Not identified yet: its family says what it is. */
      if (model == NULL || *model == '\0')
        model = hf_family_display_name (hf_miner_get_family (miner));
      value = g_hash_table_lookup (counts, model);
      g_hash_table_insert (counts, (gpointer) model, GUINT_TO_POINTER (GPOINTER_TO_UINT (value) + 1));
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      ModelCount c = { key, GPOINTER_TO_UINT (value) };
      g_array_append_val (sorted, c);
    }
  g_array_sort (sorted, compare_counts);
  for (guint i = 0; i < sorted->len; i++)
    {
      ModelCount *c = &g_array_index (sorted, ModelCount, i);

      if (i > 0)
        g_string_append (text, " · ");
      /* Translators: a model's count in the fleet, "3 × Bitaxe Gamma" */
      g_string_append_printf (text, _("%u × %s"), c->count, c->name);
    }
  /* The names belong to the miners: the text is set before they go. */
  set_text (self->legend_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->legend_label), n > 0);
}

static gboolean
legend_idle_cb (gpointer data)
{
  HfTotalsHeader *self = data;

  self->legend_idle = 0;
  refresh_legend (self);
  return G_SOURCE_REMOVE;
}

/* Discover adds a thousand miners a slice at a time: count them a
 * little later, once for many slices.  A timer, not an idle: frames
 * (always ready with software rendering) would hold an idle back. */
static void
queue_legend (HfTotalsHeader *self)
{
  if (self->legend_idle == 0)
    self->legend_idle = g_timeout_add (250, legend_idle_cb, self);
}

/* The whole fleet's, as it keeps them. */
static void
fleet_totals (HfFleet       *f,
              HfFleetTotals *t)
{
  t->hashrate_ghs = hf_fleet_get_hashrate_ghs (f);
  t->power_w = hf_fleet_get_power_w (f);
  t->power_estimated = hf_fleet_get_power_estimated (f);
  t->efficiency_j_th = hf_fleet_get_efficiency_j_th (f);
  t->hottest_c = hf_fleet_get_hottest_c (f);
  t->average_temperature_c = hf_fleet_get_average_temperature_c (f);
  t->online = hf_fleet_get_online_count (f);
  t->offline = hf_fleet_get_offline_count (f);
  t->total = hf_fleet_get_total_count (f);
  t->hashing = hf_fleet_get_hashing_count (f);
  t->accepted = hf_fleet_get_accepted (f);
  t->rejected = hf_fleet_get_rejected (f);
  t->best_difficulty = hf_fleet_get_best_difficulty (f);
  t->expected_block_seconds = hf_fleet_get_expected_block_seconds (f);
  t->block_chance_per_day = hf_fleet_get_block_chance_per_day (f);
}

static void
refresh (HfTotalsHeader *self)
{
  HfFleet *f = self->fleet;
  g_autofree char *hashrate = NULL;
  g_autofree char *power = NULL;
  g_autofree char *efficiency = NULL;
  g_autofree char *miners = NULL;
  g_autofree char *offline = NULL;
  g_autofree char *hottest = NULL;
  g_autofree char *average = NULL;
  g_autofree char *accepted = NULL;
  g_autofree char *rejected = NULL;
  g_autofree char *rejected_text = NULL;
  g_autofree char *hashing = NULL;
  g_autofree char *best = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expected_text = NULL;
  g_autofree char *chance = NULL;
  g_autofree char *chance_text = NULL;
  guint n_offline, n_hashing;
  HfFleetTotals t;

  if (f == NULL)
    return;
  if (self->miners != NULL)
    hf_fleet_compute_totals (f, self->miners, &t);
  else
    fleet_totals (f, &t);
  hashrate = hf_format_hashrate (t.hashrate_ghs);
  set_text (self->hashrate_label, hashrate);

  power = hf_format_value (t.power_w, 0, "W");
  set_text (self->power_label, power);
  /* Translators: some of the power figure is estimated from model tables */
  set_text (self->power_detail, t.power_estimated ? _("est.") : _("measured"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->power_detail),
                               t.power_estimated
                               ? _("Some miners do not report their power; theirs is estimated from the model")
                               : NULL);

  efficiency = hf_format_value (t.efficiency_j_th, 1, "J/TH");
  set_text (self->efficiency_label, efficiency);

  miners = g_strdup_printf (_("%u of %u online"), t.online,
                            t.total);
  set_text (self->miners_label, miners);
  n_offline = t.offline;
  offline = n_offline == 0 ? g_strdup (_("none offline"))
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u offline", "%u offline", n_offline),
                       n_offline);
  set_text (self->miners_detail, offline);
  /* Answering is not hashing: a paused or idle miner is online. */
  n_hashing = t.hashing;
  hashing = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hashing", "%u hashing", n_hashing),
                             n_hashing);
  set_text (self->hashing_label, hashing);
  hf_widget_set_css_class (GTK_WIDGET (self->hashing_label), "warning",
                           n_hashing < t.online);
  if (n_offline > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->miners_detail), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->miners_detail), "error");

  hottest = hf_format_value (t.hottest_c, 1, "°C");
  set_text (self->hottest_label, hottest);
  {
    g_autofree char *avg = hf_format_value (t.average_temperature_c, 1, "°C");
    average = g_strdup_printf (_("average %s"), avg);
  }
  set_text (self->hottest_detail, average);

  accepted = format_count (t.accepted);
  set_text (self->shares_label, accepted);
  rejected = format_count (t.rejected);
  rejected_text = g_strdup_printf (_("accepted · %s rejected"), rejected);
  set_text (self->shares_detail, rejected_text);

  best = hf_format_difficulty_ui (t.best_difficulty);
  set_text (self->best_label, best);
  /* Without a network difficulty (no AxeOS miner answers), nothing to
   * say: a dash, not "block in ~—". */
  if (hf_reading_known (t.expected_block_seconds))
    {
      expected = hf_format_expected (t.expected_block_seconds);
      /* Translators: the fleet's expected time to find a block, "block in ~41 days" */
      expected_text = g_strdup_printf (_("block in ~%s"), expected);
    }
  set_text (self->expected_label, expected_text != NULL ? expected_text : "—");
  if (hf_reading_known (t.block_chance_per_day))
    {
      chance = format_chance (t.block_chance_per_day);
      /* Translators: the chance of at least one block today, "0.085 % a day" */
      chance_text = g_strdup_printf (_("%s a day"), chance);
    }
  set_text (self->chance_label, chance_text != NULL ? chance_text : "");

  {
    /* Translators: the totals on one line: hashrate, power, miners online
     * and hashing, hottest temperature */
    g_autofree char *line = g_strdup_printf (_("%s · %s · %s, %s · hottest %s"), hashrate, power,
                                             miners, hashing, hottest);
    g_autofree char *grouped = self->group != NULL ? g_strdup_printf ("%s · %s", self->group, line)
                                                   : NULL;
    set_text (self->compact_label, grouped != NULL ? grouped : line);
  }
}

/* Energy today (kWh, its cost, "part estimated") and this month, from
 * the meter's last reports (its tariff's currency). */
/* @report's totals for what the header shows: the fleet's, or with a
 * group shown those of its miners (by address, as the report keeps them). */
static void
shown_totals (HfTotalsHeader *self,
              HfEnergyReport *report,
              HfEnergyTotals *totals)
{
  guint n;

  if (self->miners == NULL)
    {
      *totals = *hf_energy_report_get_fleet (report);
      return;
    }
  *totals = (HfEnergyTotals) { 0 };
  totals->cost = hf_energy_report_get_tariff (report) != NULL ? 0 : NAN;
  n = g_list_model_get_n_items (self->miners);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (self->miners, i);
      HfEnergyTotals m;

      hf_energy_report_sum_address (report, hf_miner_get_address (miner), &m);
      totals->kwh += m.kwh;
      totals->kwh_measured += m.kwh_measured;
      totals->kwh_estimated += m.kwh_estimated;
      totals->kwh_source_unknown += m.kwh_source_unknown;
      totals->covered_s += m.covered_s;
      if (!isnan (m.cost))
        totals->cost += m.cost;
    }
}

static void
refresh_energy (HfTotalsHeader *self)
{
  HfEnergyReport *today = self->meter ? hf_energy_meter_get_today (self->meter) : NULL;
  HfEnergyReport *month = self->meter ? hf_energy_meter_get_month (self->meter) : NULL;
  g_autofree char *kwh = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *cost_line = NULL;
  g_autofree char *month_line = NULL;
  gboolean estimated = FALSE;

  gtk_widget_set_visible (self->energy_box, self->meter != NULL);
  if (today != NULL)
    {
      HfEnergyTotals shown;
      const HfEnergyTotals *t = &shown;
      HfTariff *tariff = hf_energy_report_get_tariff (today);

      shown_totals (self, today, &shown);

      kwh = hf_format_energy (t->kwh);
      estimated = t->kwh_estimated > 0;
      if (tariff != NULL)
        cost = hf_format_money (t->cost, hf_tariff_get_currency (tariff));
      if (cost != NULL && estimated)
        /* Translators: today's cost, some of it from power estimated from the model */
        cost_line = g_strdup_printf (_("%s, part estimated"), cost);
      else if (cost != NULL)
        cost_line = g_strdup (cost);
      else
        cost_line = g_strdup (estimated ? _("part estimated") : _("measured"));
    }
  if (month != NULL)
    {
      HfEnergyTotals shown;
      const HfEnergyTotals *t = &shown;
      HfTariff *tariff = hf_energy_report_get_tariff (month);
      g_autofree char *month_kwh = NULL;

      shown_totals (self, month, &shown);
      month_kwh = hf_format_energy (t->kwh);

      if (tariff != NULL)
        {
          g_autofree char *month_cost = hf_format_money (t->cost,
                                                         hf_tariff_get_currency (tariff));
          /* Translators: energy and cost this month, "31.20 kWh · EUR 9.36 this month" */
          month_line = g_strdup_printf (_("%s · %s this month"), month_kwh, month_cost);
        }
      else
        /* Translators: energy this month, "31.20 kWh this month" */
        month_line = g_strdup_printf (_("%s this month"), month_kwh);
      estimated = estimated || t->kwh_estimated > 0;
    }
  set_text (self->energy_label, kwh != NULL ? kwh : "—");
  set_text (self->energy_cost, cost_line != NULL ? cost_line : "");
  set_text (self->energy_month, month_line != NULL ? month_line : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->energy_box),
                               estimated
                               ? _("Some miners do not report their power; their energy is "
                                   "estimated from the model")
                               : NULL);
}

void
hf_totals_header_set_energy_meter (HfTotalsHeader *self,
                                   HfEnergyMeter  *meter)
{
  g_return_if_fail (HF_IS_TOTALS_HEADER (self));
  g_return_if_fail (meter == NULL || HF_IS_ENERGY_METER (meter));

  if (self->meter != NULL)
    g_signal_handlers_disconnect_by_data (self->meter, self);
  g_set_object (&self->meter, meter);
  if (meter != NULL)
    {
      g_signal_connect_object (meter, "notify::today", G_CALLBACK (refresh_energy), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (meter, "notify::month", G_CALLBACK (refresh_energy), self,
                               G_CONNECT_SWAPPED);
    }
  refresh_energy (self);
}

static void
fleet_notify_cb (HfFleet        *fleet,
                 GParamSpec     *pspec,
                 HfTotalsHeader *self)
{
  /* A cycle is when models become known: the legend follows its end. */
  if (g_strcmp0 (pspec->name, "cycle-running") == 0)
    {
      if (!hf_fleet_get_cycle_running (fleet))
        {
          refresh_legend (self);
          /* Some miners' figures can change with the fleet's the same. */
          if (self->miners != NULL)
            refresh (self);
        }
      return;
    }
  refresh (self);
}

void
hf_totals_header_set_fleet (HfTotalsHeader *self,
                            HfFleet        *fleet)
{
  g_return_if_fail (HF_IS_TOTALS_HEADER (self));

  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  g_set_object (&self->fleet, fleet);
  if (fleet != NULL)
    {
      g_signal_connect_object (fleet, "notify", G_CALLBACK (fleet_notify_cb), self, 0);
      g_signal_connect_object (fleet, "items-changed", G_CALLBACK (queue_legend), self,
                               G_CONNECT_SWAPPED);
      refresh (self);
      refresh_legend (self);
    }
}

static void
miners_changed_cb (HfTotalsHeader *self)
{
  refresh (self);
  refresh_energy (self);
  queue_legend (self);
}

void
hf_totals_header_set_miners (HfTotalsHeader *self,
                             GListModel     *miners,
                             const char     *group)
{
  g_return_if_fail (HF_IS_TOTALS_HEADER (self));
  g_return_if_fail (miners == NULL || group != NULL);

  if (self->miners != NULL)
    g_signal_handlers_disconnect_by_data (self->miners, self);
  g_set_object (&self->miners, miners);
  g_free (self->group);
  self->group = g_strdup (group);
  if (miners != NULL)
    g_signal_connect_object (miners, "items-changed", G_CALLBACK (miners_changed_cb), self,
                             G_CONNECT_SWAPPED);
  if (group != NULL)
    {
      /* Translators: above the totals of one group of miners */
      g_autofree char *text = g_strdup_printf (_("Group “%s”"), group);
      set_text (self->group_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->group_label), group != NULL);
  set_text (self->efficiency_detail, group != NULL ? _("group average") : _("fleet average"));
  refresh (self);
  refresh_energy (self);
  refresh_legend (self);
}

const char *
hf_totals_header_get_text (HfTotalsHeader *self,
                           const char     *figure)
{
  struct { const char *name; GtkLabel *label; } figures[] = {
    { "hashrate", self->hashrate_label }, { "power", self->power_label },
    { "power-detail", self->power_detail }, { "efficiency", self->efficiency_label },
    { "miners", self->miners_label }, { "offline", self->miners_detail },
    { "hottest", self->hottest_label }, { "shares", self->shares_label },
    { "rejected", self->shares_detail }, { "hashing", self->hashing_label },
    { "best", self->best_label }, { "expected", self->expected_label },
    { "chance", self->chance_label }, { "legend", self->legend_label },
    { "compact", self->compact_label }, { "group", self->group_label },
    { "compact", self->compact_label }, { "energy", self->energy_label },
    { "energy-cost", self->energy_cost }, { "energy-month", self->energy_month },
  };

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    if (g_strcmp0 (figures[i].name, figure) == 0)
      return gtk_label_get_text (figures[i].label);
  g_return_val_if_reached (NULL);
}

static void
hf_totals_header_dispose (GObject *object)
{
  HfTotalsHeader *self = HF_TOTALS_HEADER (object);

  hf_totals_header_set_fleet (self, NULL);
  if (self->miners != NULL)
    g_signal_handlers_disconnect_by_data (self->miners, self);
  g_clear_object (&self->miners);
  g_clear_pointer (&self->group, g_free);
  hf_totals_header_set_energy_meter (self, NULL);
  g_clear_handle_id (&self->legend_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_TOTALS_HEADER);

  G_OBJECT_CLASS (hf_totals_header_parent_class)->dispose (object);
}

static void
hf_totals_header_class_init (HfTotalsHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_totals_header_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-totals-header.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HfTotalsHeader, name)
  BIND (squeezer);
  BIND (box);
  BIND (compact_label);
  BIND (hashrate_label); BIND (hashrate_detail);
  BIND (power_label); BIND (power_detail);
  BIND (efficiency_label); BIND (efficiency_detail);
  BIND (miners_label); BIND (miners_detail);
  BIND (hottest_label); BIND (hottest_detail);
  BIND (shares_label); BIND (shares_detail);
  BIND (hashing_label);
  BIND (best_label); BIND (expected_label); BIND (chance_label);
  BIND (legend_label);
  BIND (energy_box); BIND (energy_label); BIND (energy_cost); BIND (energy_month);
#undef BIND
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hftotalsheader");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hf_totals_header_init (HfTotalsHeader *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->group_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->group_label, 0);
  gtk_label_set_ellipsize (self->group_label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (GTK_WIDGET (self->group_label), 24);
  gtk_widget_set_margin_end (GTK_WIDGET (self->group_label), 24);
  gtk_widget_set_margin_top (GTK_WIDGET (self->group_label), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->group_label), "heading");
  gtk_widget_set_visible (GTK_WIDGET (self->group_label), FALSE);
  gtk_box_prepend (GTK_BOX (self->box), GTK_WIDGET (self->group_label));
  set_text (self->hashrate_detail, _("total"));
  set_text (self->efficiency_detail, _("fleet average"));
  gtk_widget_set_visible (self->energy_box, FALSE);
}

gboolean
hf_totals_header_get_compact (HfTotalsHeader *self)
{
  g_return_val_if_fail (HF_IS_TOTALS_HEADER (self), FALSE);

  return adw_squeezer_get_visible_child (ADW_SQUEEZER (self->squeezer))
         == GTK_WIDGET (self->compact_label);
}

GtkWidget *
hf_totals_header_new (void)
{
  return g_object_new (HF_TYPE_TOTALS_HEADER, NULL);
}
