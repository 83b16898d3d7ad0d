/* hf-power-budget-group.c
 * SPDX-License-Identifier: MIT
 *
 * The budget lives in the session (kept in the database with what it
 * curtailed), not in GSettings: the row shows and sets the session's, as
 * the API, the CLI and MQTT do.  A change applies APPLY_AFTER_MS after the
 * last one, so that clicking the spin button up through the numbers does
 * not curtail and bring back miners at every step.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-power-budget-group.h"

#define APPLY_AFTER_MS 1000
#define MAX_WATTS      100000

struct _HfPowerBudgetGroup
{
  AdwPreferencesGroup  parent_instance;

  HfPowerBudget       *budget;
  GtkSpinButton       *watts;
  AdwActionRow        *status;
  guint                apply_id;
  gboolean             showing;      /* the spin button follows the budget */
};

G_DEFINE_FINAL_TYPE (HfPowerBudgetGroup, hf_power_budget_group, ADW_TYPE_PREFERENCES_GROUP)

static void
show_budget (HfPowerBudgetGroup *self)
{
  g_autoptr(GPtrArray) curtailed = hf_power_budget_list_curtailed (self->budget);
  double watts = hf_power_budget_get_watts (self->budget);
  g_autofree char *text = NULL;

  if (self->apply_id == 0)
    {
      self->showing = TRUE;
      gtk_spin_button_set_value (self->watts, watts);
      self->showing = FALSE;
    }
  if (watts <= 0 && curtailed->len == 0)
    text = g_strdup (_("Off: every miner mines"));
  else if (curtailed->len == 0)
    text = g_strdup (_("Under the budget: no miner curtailed"));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u miner curtailed",
                                         "%u miners curtailed", curtailed->len),
                            curtailed->len);
  adw_action_row_set_subtitle (self->status, text);
}

static gboolean
apply_cb (gpointer user_data)
{
  HfPowerBudgetGroup *self = user_data;

  self->apply_id = 0;
  hf_power_budget_set_watts (self->budget, gtk_spin_button_get_value (self->watts));
  show_budget (self);
  return G_SOURCE_REMOVE;
}

static void
value_changed_cb (GtkSpinButton      *spin,
                  HfPowerBudgetGroup *self)
{
  if (self->showing)
    return;
  g_clear_handle_id (&self->apply_id, g_source_remove);
  self->apply_id = g_timeout_add (APPLY_AFTER_MS, apply_cb, self);
}

static void
hf_power_budget_group_dispose (GObject *object)
{
  HfPowerBudgetGroup *self = HF_POWER_BUDGET_GROUP (object);

  /* A change still waiting is the user's: it applies now. */
  if (self->apply_id != 0)
    {
      g_clear_handle_id (&self->apply_id, g_source_remove);
      hf_power_budget_set_watts (self->budget, gtk_spin_button_get_value (self->watts));
    }
  if (self->budget != NULL)
    g_signal_handlers_disconnect_by_data (self->budget, self);
  g_clear_object (&self->budget);
  G_OBJECT_CLASS (hf_power_budget_group_parent_class)->dispose (object);
}

static void
hf_power_budget_group_class_init (HfPowerBudgetGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hf_power_budget_group_dispose;
}

static void
hf_power_budget_group_init (HfPowerBudgetGroup *self)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Power Budget"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
    _("Keep the fleet under this many watts: the least efficient miners are paused (or set "
      "to their lowest work mode) first, and come back as the budget allows; one miner is "
      "changed at most once in 5 minutes"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Watts"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (row, _("0: no budget"));
  self->watts = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, MAX_WATTS, 10));
  gtk_widget_set_valign (GTK_WIDGET (self->watts), GTK_ALIGN_CENTER);
  gtk_spin_button_set_digits (self->watts, 0);
  adw_action_row_add_suffix (row, GTK_WIDGET (self->watts));
  adw_action_row_set_activatable_widget (row, GTK_WIDGET (self->watts));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->watts), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Power budget in watts"), -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (row));

  self->status = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status), _("Status"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->status), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->status));
  g_signal_connect (self->watts, "value-changed", G_CALLBACK (value_changed_cb), self);
}

GtkWidget *
hf_power_budget_group_new (HfPowerBudget *budget)
{
  HfPowerBudgetGroup *self;

  g_return_val_if_fail (HF_IS_POWER_BUDGET (budget), NULL);

  self = g_object_new (HF_TYPE_POWER_BUDGET_GROUP, NULL);
  self->budget = g_object_ref (budget);
  g_signal_connect_swapped (budget, "changed", G_CALLBACK (show_budget), self);
  show_budget (self);
  return GTK_WIDGET (self);
}
