/* hf-alert-rules-group.c
 * SPDX-License-Identifier: MIT
 *
 * A switch per alert rule (the "alerts-off" key lists those turned off),
 * the thresholds as spin buttons bound to their HfSettings properties,
 * and the quiet hours and the daily summary's time as texts that are
 * saved only when they parse (a bad one shows in red and is not saved).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-alert-rules-group.h"

struct _HfAlertRulesGroup
{
  AdwPreferencesGroup  parent_instance;

  HfSettings          *settings;
  AdwExpanderRow      *rules_row;
  GtkSpinButton       *board_temperature_alert;
  GtkSpinButton       *offline_minutes;
  GtkSpinButton       *low_percent;
  GtkSpinButton       *low_minutes;
  GtkSpinButton       *no_share_minutes;
  GtkSpinButton       *cooldown_minutes;
  AdwEntryRow         *quiet_hours;
  AdwEntryRow         *daily_summary;
  GtkSwitch           *switches[HF_N_ALERT_KINDS];
  gboolean             syncing;
};

G_DEFINE_FINAL_TYPE (HfAlertRulesGroup, hf_alert_rules_group, ADW_TYPE_PREFERENCES_GROUP)

/* The rules a user turns on and off (the digest and the summary have
 * their own settings). */
static const HfAlertKind switchable[] = {
  HF_ALERT_OFFLINE, HF_ALERT_BACK_ONLINE, HF_ALERT_HOT, HF_ALERT_BOARD_HOT,
  HF_ALERT_LOW_HASHRATE, HF_ALERT_NOT_HASHING, HF_ALERT_PAUSED, HF_ALERT_NO_SHARES,
  HF_ALERT_POOL_SWITCHED, HF_ALERT_FAN_STOPPED, HF_ALERT_BEST_DIFFICULTY,
  HF_ALERT_FLEET_BEST_DIFFICULTY,
};

/* The switches follow the key. */
static void
sync_switches (HfAlertRulesGroup *self)
{
  GSettings *gsettings = hf_settings_get_gsettings (self->settings);
  g_auto(GStrv) off = g_settings_get_strv (gsettings, HF_SETTINGS_KEY_ALERTS_OFF);

  self->syncing = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (switchable); i++)
    {
      HfAlertKind kind = switchable[i];
      gboolean on = !g_strv_contains ((const char * const *) off, hf_alert_kind_to_string (kind));

      gtk_switch_set_active (self->switches[kind], on);
    }
  self->syncing = FALSE;
}

/* A switch flipped: the key lists every rule whose switch is off. */
static void
switch_cb (GtkSwitch         *sw,
           GParamSpec        *pspec,
           HfAlertRulesGroup *self)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) off = NULL;

  if (self->syncing || self->settings == NULL)
    return;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < G_N_ELEMENTS (switchable); i++)
    if (!gtk_switch_get_active (self->switches[switchable[i]]))
      g_strv_builder_add (builder, hf_alert_kind_to_string (switchable[i]));
  off = g_strv_builder_end (builder);
  g_object_set (self->settings, HF_SETTINGS_KEY_ALERTS_OFF, off, NULL);
}

static void
sync_texts (HfAlertRulesGroup *self)
{
  g_autofree char *quiet = NULL;
  g_autofree char *summary = NULL;

  g_object_get (self->settings, HF_SETTINGS_KEY_QUIET_HOURS, &quiet,
                HF_SETTINGS_KEY_DAILY_SUMMARY, &summary, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->quiet_hours), quiet);
  gtk_editable_set_text (GTK_EDITABLE (self->daily_summary), summary);
  gtk_widget_remove_css_class (GTK_WIDGET (self->quiet_hours), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->daily_summary), "error");
}

static void
text_apply_cb (AdwEntryRow       *row,
               HfAlertRulesGroup *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GError) error = NULL;
  HfAlertRules rules;
  gboolean quiet = row == self->quiet_hours;
  gboolean ok;

  hf_alert_rules_init (&rules);
  ok = quiet ? hf_alert_rules_parse_quiet (&rules, text, &error)
             : hf_alert_rules_parse_summary (&rules, text, &error);
  if (!ok)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), error->message);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
  g_object_set (self->settings, quiet ? HF_SETTINGS_KEY_QUIET_HOURS : HF_SETTINGS_KEY_DAILY_SUMMARY,
                text, NULL);
}

static void
hf_alert_rules_group_dispose (GObject *object)
{
  HfAlertRulesGroup *self = HF_ALERT_RULES_GROUP (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_ALERT_RULES_GROUP);

  G_OBJECT_CLASS (hf_alert_rules_group_parent_class)->dispose (object);
}

static void
hf_alert_rules_group_class_init (HfAlertRulesGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_alert_rules_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-alert-rules-group.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HfAlertRulesGroup, name)
  BIND (rules_row);
  BIND (board_temperature_alert);
  BIND (offline_minutes);
  BIND (low_percent);
  BIND (low_minutes);
  BIND (no_share_minutes);
  BIND (cooldown_minutes);
  BIND (quiet_hours);
  BIND (daily_summary);
#undef BIND
}

static void
hf_alert_rules_group_init (HfAlertRulesGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (switchable); i++)
    {
      HfAlertKind kind = switchable[i];
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      GtkWidget *sw = gtk_switch_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), hf_alert_kind_label (kind));
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (row, sw);
      adw_action_row_set_activatable_widget (row, sw);
      gtk_widget_set_name (sw, hf_alert_kind_to_string (kind));
      self->switches[kind] = GTK_SWITCH (sw);
      adw_expander_row_add_row (self->rules_row, GTK_WIDGET (row));
      g_signal_connect (sw, "notify::active", G_CALLBACK (switch_cb), self);
    }
  g_signal_connect (self->quiet_hours, "apply", G_CALLBACK (text_apply_cb), self);
  g_signal_connect (self->daily_summary, "apply", G_CALLBACK (text_apply_cb), self);
}

void
hf_alert_rules_group_set_settings (HfAlertRulesGroup *self,
                                   HfSettings        *settings)
{
  const GBindingFlags flags = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;
  const struct { const char *key; GtkSpinButton *spin; } spins[] = {
    { HF_SETTINGS_KEY_BOARD_TEMPERATURE_ALERT, self->board_temperature_alert },
    { HF_SETTINGS_KEY_ALERT_OFFLINE_MINUTES, self->offline_minutes },
    { HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_PERCENT, self->low_percent },
    { HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_MINUTES, self->low_minutes },
    { HF_SETTINGS_KEY_ALERT_NO_SHARE_MINUTES, self->no_share_minutes },
    { HF_SETTINGS_KEY_ALERT_COOLDOWN_MINUTES, self->cooldown_minutes },
  };

  g_return_if_fail (HF_IS_ALERT_RULES_GROUP (self));
  g_return_if_fail (HF_IS_SETTINGS (settings));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    g_object_bind_property (settings, spins[i].key, spins[i].spin, "value", flags);
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_ALERTS_OFF,
                            G_CALLBACK (sync_switches), self);
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_QUIET_HOURS,
                            G_CALLBACK (sync_texts), self);
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_DAILY_SUMMARY,
                            G_CALLBACK (sync_texts), self);
  sync_switches (self);
  sync_texts (self);
}
