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

  HfFleet   *fleet;
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
  GListModel *miners = G_LIST_MODEL (self->fleet);
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

  if (f == NULL)
    return;
  hashrate = hf_format_hashrate (hf_fleet_get_hashrate_ghs (f));
  set_text (self->hashrate_label, hashrate);

  power = hf_format_value (hf_fleet_get_power_w (f), 0, "W");
  set_text (self->power_label, power);
  /* Translators: some of the power figure is estimated from model tables */
  set_text (self->power_detail, hf_fleet_get_power_estimated (f) ? _("est.") : _("measured"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->power_detail),
                               hf_fleet_get_power_estimated (f)
                               ? _("Some miners do not report their power; theirs is estimated from the model")
                               : NULL);

  efficiency = hf_format_value (hf_fleet_get_efficiency_j_th (f), 1, "J/TH");
  set_text (self->efficiency_label, efficiency);

  miners = g_strdup_printf (_("%u of %u online"), hf_fleet_get_online_count (f),
                            hf_fleet_get_total_count (f));
  set_text (self->miners_label, miners);
  n_offline = hf_fleet_get_offline_count (f);
  offline = n_offline == 0 ? g_strdup (_("none offline"))
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u offline", "%u offline", n_offline),
                       n_offline);
  set_text (self->miners_detail, offline);
  /* Answering is not hashing: a paused or idle miner is online. */
  n_hashing = hf_fleet_get_hashing_count (f);
  hashing = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hashing", "%u hashing", n_hashing),
                             n_hashing);
  set_text (self->hashing_label, hashing);
  hf_widget_set_css_class (GTK_WIDGET (self->hashing_label), "warning",
                           n_hashing < hf_fleet_get_online_count (f));
  if (n_offline > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->miners_detail), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->miners_detail), "error");

  hottest = hf_format_value (hf_fleet_get_hottest_c (f), 1, "°C");
  set_text (self->hottest_label, hottest);
  {
    g_autofree char *avg = hf_format_value (hf_fleet_get_average_temperature_c (f), 1, "°C");
    average = g_strdup_printf (_("average %s"), avg);
  }
  set_text (self->hottest_detail, average);

  accepted = format_count (hf_fleet_get_accepted (f));
  set_text (self->shares_label, accepted);
  rejected = format_count (hf_fleet_get_rejected (f));
  rejected_text = g_strdup_printf (_("accepted · %s rejected"), rejected);
  set_text (self->shares_detail, rejected_text);

  best = hf_format_difficulty_ui (hf_fleet_get_best_difficulty (f));
  set_text (self->best_label, best);
  /* Without a network difficulty (no AxeOS miner answers), nothing to
   * say: a dash, not "block in ~—". */
  if (hf_reading_known (hf_fleet_get_expected_block_seconds (f)))
    {
      expected = hf_format_expected (hf_fleet_get_expected_block_seconds (f));
      /* Translators: the fleet's expected time to find a block, "block in ~41 days" */
      expected_text = g_strdup_printf (_("block in ~%s"), expected);
    }
  set_text (self->expected_label, expected_text != NULL ? expected_text : "—");
  if (hf_reading_known (hf_fleet_get_block_chance_per_day (f)))
    {
      chance = format_chance (hf_fleet_get_block_chance_per_day (f));
      /* Translators: the chance of at least one block today, "0.085 % a day" */
      chance_text = g_strdup_printf (_("%s a day"), chance);
    }
  set_text (self->chance_label, chance_text != NULL ? chance_text : "");

  {
    /* Translators: the totals on one line: hashrate, power, miners online
     * and hashing, hottest temperature */
    g_autofree char *line = g_strdup_printf (_("%s · %s · %s, %s · hottest %s"), hashrate, power,
                                             miners, hashing, hottest);
    set_text (self->compact_label, line);
  }
}

/* Energy today (kWh, its cost, "part estimated") and this month, from
 * the meter's last reports (its tariff's currency). */
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
      const HfEnergyTotals *t = hf_energy_report_get_fleet (today);
      HfTariff *tariff = hf_energy_report_get_tariff (today);

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
      const HfEnergyTotals *t = hf_energy_report_get_fleet (month);
      HfTariff *tariff = hf_energy_report_get_tariff (month);
      g_autofree char *month_kwh = hf_format_energy (t->kwh);

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
        refresh_legend (self);
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
