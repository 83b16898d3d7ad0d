/* hf-miner-settings-dialog.c
 * SPDX-License-Identifier: MIT
 *
 * The settings of one miner — always the one it was opened for: its
 * values come from that miner's last reading and its choices from the
 * model itself (the frequencies and voltages it lists).  Only what the
 * user changed is written.  The dialog closes once the miner accepted the
 * change; whether it took shows later, from the miner's next reading, as a
 * toast in the main window ("applied", "applied after restart", "not
 * applied (…)").
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "hf-miner-settings-dialog.h"
#include "hf-miner-status.h"
#include "hf-settings-rollout.h"
#include "hf-window.h"


struct _HfMinerSettingsDialog
{
  AdwWindow            parent_instance;

  GtkButton           *apply_button;
  GtkSpinner          *spinner;
  AdwToastOverlay     *toast_overlay;
  AdwPreferencesGroup *performance_group;
  AdwComboRow         *frequency_row;
  AdwComboRow         *work_mode_row;
  AdwActionRow        *power_limit_row;
  GtkSpinButton       *power_limit;
  AdwEntryRow         *preset_row;
  AdwComboRow         *voltage_row;
  AdwPreferencesGroup *fan_group;
  GtkSwitch           *fan_auto;
  AdwActionRow        *target_row;
  GtkSpinButton       *target_temp;
  AdwActionRow        *speed_row;
  GtkSpinButton       *fan_speed;
  AdwPreferencesGroup *pool_group;
  AdwComboRow         *profile_row;
  AdwEntryRow         *profile_name;
  GStrv                profiles;
  AdwEntryRow         *pool_url;
  AdwEntryRow         *pool_user;
  AdwPasswordEntryRow *pool_password;
  AdwPreferencesGroup *device_group;
  AdwEntryRow         *hostname;
  GtkWidget           *restart_row;
  GtkSwitch           *restart;

  HfApplication       *app;
  HfMiner             *miner;         /* whose values are shown */
  GPtrArray           *miners;        /* what Apply writes to: it, or a selection */
  GCancellable        *cancellable;
  HfMinerOptions      *options;
  HfCapabilities       offered;       /* what every miner it writes to takes */
  gboolean             loading;       /* the model's choices are being read */
  gboolean             busy;          /* a write is on its way */
  GArray              *frequencies;   /* guint, as in the combo row */
  GArray              *voltages;
  /* What was shown at first, to write only what changed. */
  guint                initial_frequency;
  guint                initial_voltage;
  int                  initial_work_mode;
  int                  initial_power_limit;
  char                *initial_preset;
  gboolean             initial_fan_auto;
  int                  initial_fan_speed;
  int                  initial_target;
  char                *initial_pool_url;
  char                *initial_pool_user;
  char                *initial_hostname;
};

G_DEFINE_FINAL_TYPE (HfMinerSettingsDialog, hf_miner_settings_dialog, ADW_TYPE_WINDOW)

/* Choices */

static void
fill_choices (AdwComboRow *row,
              GArray      *values,
              GArray      *offered,
              guint        current,
              guint        default_value,
              const char  *unit)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  guint selected = GTK_INVALID_LIST_POSITION;

  g_array_set_size (values, 0);
  for (guint i = 0; offered != NULL && i < offered->len; i++)
    g_array_append_val (values, g_array_index (offered, guint, i));
  /* The miner's own value is a choice even when the list lacks it. */
  if (current != 0)
    {
      gboolean found = FALSE;
      for (guint i = 0; i < values->len && !found; i++)
        found = g_array_index (values, guint, i) == current;
      if (!found)
        {
          guint at = 0;
          while (at < values->len && g_array_index (values, guint, at) < current)
            at++;
          g_array_insert_val (values, at, current);
        }
    }
  for (guint i = 0; i < values->len; i++)
    {
      guint v = g_array_index (values, guint, i);
      g_autofree char *text = NULL;

      if (v == default_value)
        text = g_strdup_printf (_("%u %s (default)"), v, unit);
      else if (default_value != 0 && v > default_value)
        text = g_strdup_printf (_("%u %s (overclock)"), v, unit);
      else
        text = g_strdup_printf ("%u %s", v, unit);
      gtk_string_list_append (list, text);
      if (v == current)
        selected = i;
    }
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  if (selected != GTK_INVALID_LIST_POSITION)
    adw_combo_row_set_selected (row, selected);
  /* Without a list from the model there is nothing safe to offer. */
  gtk_widget_set_sensitive (GTK_WIDGET (row), offered != NULL && offered->len > 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               offered == NULL || offered->len == 0
                               ? _("This firmware does not list the values it takes") : NULL);
}

static guint
selected_value (AdwComboRow *row,
                GArray      *values)
{
  guint i = adw_combo_row_get_selected (row);

  return i < values->len ? g_array_index (values, guint, i) : 0;
}

static guint
round_value (double v)
{
  return isnan (v) || v <= 0 ? 0 : (guint) lround (v);
}

static void update_apply (HfMinerSettingsDialog *self);

static void
options_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HfMinerSettingsDialog *self = user_data;
  g_autoptr(GError) error = NULL;
  HfMinerOptions *options = hf_session_options_finish (HF_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->spinner);
  self->loading = FALSE;
  if (options == NULL)
    g_message ("%s: cannot read the model's choices: %s",
               hf_miner_get_address (self->miner), error->message);
  self->options = options;
  fill_choices (self->frequency_row, self->frequencies, options ? options->frequencies : NULL,
                self->initial_frequency, options ? options->default_frequency : 0, "MHz");
  fill_choices (self->voltage_row, self->voltages, options ? options->voltages : NULL,
                self->initial_voltage, options ? options->default_voltage : 0, "mV");
  /* Said where it matters, in full, instead of a toast cut off. */
  if (options == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->frequency_row),
                                   _("The miner did not say which values its model takes; only "
                                     "its current one is offered"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->voltage_row),
                                   _("The miner did not say which values its model takes; only "
                                     "its current one is offered"));
    }
  update_apply (self);
}

/* Apply */

static void
first_cb (const GError *error,
          gpointer      user_data)
{
  g_autoptr(HfMinerSettingsDialog) self = user_data;

  if (error == NULL)
    {
      /* Accepted: how it went shows in the main window. */
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Not applied: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, hf_toast_new (text));
    }
  gtk_spinner_stop (self->spinner);
  self->busy = FALSE;
  update_apply (self);
}

static void
run (HfMinerSettingsDialog *self,
     HfMinerSettings       *settings)   /* taken */
{
  gboolean restart = gtk_widget_get_visible (self->restart_row)
                     && gtk_switch_get_active (self->restart)
                     && hf_miner_settings_needs_restart (settings);

  gtk_spinner_start (self->spinner);
  self->busy = TRUE;
  update_apply (self);
  hf_settings_rollout_start (self->app, gtk_window_get_transient_for (GTK_WINDOW (self)),
                             self->miners, settings, restart, first_cb, g_object_ref (self));
  hf_miner_settings_free (settings);
}

static void
overclock_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          user_data)
{
  HfMinerSettingsDialog *self = g_object_get_data (G_OBJECT (dialog), "hf-dialog");
  HfMinerSettings *settings = user_data;

  if (!g_str_equal (response, "overclock"))
    {
      hf_miner_settings_free (settings);
      return;
    }
  settings->allow_overclock = TRUE;
  run (self, settings);
}

static char *
entry_text (gpointer row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* The settings as the user left them, keeping only what changed. */
HfMinerSettings *
hf_miner_settings_dialog_get_changes (HfMinerSettingsDialog *self)
{
  HfMinerSettings *st = hf_miner_settings_new ();
  guint frequency = selected_value (self->frequency_row, self->frequencies);
  guint voltage = selected_value (self->voltage_row, self->voltages);
  gboolean fan_auto = gtk_switch_get_active (self->fan_auto);
  int speed = gtk_spin_button_get_value_as_int (self->fan_speed);
  int target = gtk_spin_button_get_value_as_int (self->target_temp);
  g_autofree char *url = entry_text (self->pool_url);
  g_autofree char *user = entry_text (self->pool_user);
  g_autofree char *password = entry_text (self->pool_password);
  g_autofree char *hostname = entry_text (self->hostname);
  g_autofree char *preset = entry_text (self->preset_row);
  int power_limit = gtk_spin_button_get_value_as_int (self->power_limit);

  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), NULL);

  if (frequency != 0 && frequency != self->initial_frequency)
    st->frequency_mhz = frequency;
  if (voltage != 0 && voltage != self->initial_voltage)
    st->core_voltage_mv = voltage;
  if (gtk_widget_get_visible (GTK_WIDGET (self->work_mode_row))
      && (int) adw_combo_row_get_selected (self->work_mode_row) != self->initial_work_mode
      && adw_combo_row_get_selected (self->work_mode_row) <= 2)
    st->work_mode = (int) adw_combo_row_get_selected (self->work_mode_row);
  if (fan_auto != self->initial_fan_auto
      || (fan_auto && target != self->initial_target))
    {
      st->fan_auto = fan_auto;
      if (fan_auto)
        st->target_temp_c = (guint) target;
    }
  if (!fan_auto && (speed != self->initial_fan_speed || fan_auto != self->initial_fan_auto))
    st->fan_percent = speed;
  if (*url != '\0' && (g_strcmp0 (url, self->initial_pool_url) != 0
                       || g_strcmp0 (user, self->initial_pool_user) != 0 || *password != '\0'))
    {
      st->pool_url = g_strdup (url);
      st->pool_user = *user != '\0' ? g_strdup (user) : NULL;
      st->pool_password = *password != '\0' ? g_strdup (password) : NULL;
    }
  if (*hostname != '\0' && g_strcmp0 (hostname, self->initial_hostname) != 0)
    st->hostname = g_strdup (hostname);
  if (gtk_widget_get_visible (GTK_WIDGET (self->power_limit_row)) && power_limit > 0
      && power_limit != self->initial_power_limit)
    st->power_limit_w = (guint) power_limit;
  if (gtk_widget_get_visible (GTK_WIDGET (self->preset_row)) && *preset != '\0'
      && g_strcmp0 (preset, self->initial_preset) != 0)
    st->preset = g_strdup (preset);
  return st;
}

/* Apply is for a change: nothing changed, nothing to apply. */
static void
update_apply (HfMinerSettingsDialog *self)
{
  g_autoptr(HfMinerSettings) changes = NULL;

  if (self->miner == NULL)
    return;
  changes = hf_miner_settings_dialog_get_changes (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button),
                            !self->loading && !self->busy
                            && !hf_miner_settings_is_empty (changes));
}

static void
apply_clicked_cb (HfMinerSettingsDialog *self)
{
  HfMinerSettings *st = hf_miner_settings_dialog_get_changes (self);
  guint default_f = self->options ? self->options->default_frequency : 0;
  guint default_v = self->options ? self->options->default_voltage : 0;

  if (hf_miner_settings_is_empty (st))
    {
      hf_miner_settings_free (st);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if ((st->frequency_mhz != 0 && default_f != 0 && st->frequency_mhz > default_f)
      || (st->core_voltage_mv != 0 && default_v != 0 && st->core_voltage_mv > default_v))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Overclock this miner?"),
                                                  NULL);

      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("Above the model's default (%u MHz, %u mV) it runs hotter "
                                        "and draws more power; it may become unstable."),
                                      default_f, default_v);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "overclock", _("_Overclock"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "overclock",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      g_object_set_data (G_OBJECT (dialog), "hf-dialog", self);
      g_signal_connect (dialog, "response", G_CALLBACK (overclock_response_cb), st);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  run (self, st);
}

/* Pool profiles: pick one to fill the pool rows, or save the rows as one. */
static void
load_profiles (HfMinerSettingsDialog *self)
{
  HfStore *store = hf_application_get_store (self->app);
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  g_clear_pointer (&self->profiles, g_strfreev);
  self->profiles = store ? hf_store_list_pool_profiles (store, NULL) : NULL;
  gtk_string_list_append (list, _("None"));
  for (guint i = 0; self->profiles != NULL && self->profiles[i] != NULL; i++)
    gtk_string_list_append (list, self->profiles[i]);
  adw_combo_row_set_model (self->profile_row, G_LIST_MODEL (list));
  gtk_widget_set_visible (GTK_WIDGET (self->profile_row),
                          self->profiles != NULL && self->profiles[0] != NULL);
}

static void
profile_selected_cb (HfMinerSettingsDialog *self)
{
  guint i = adw_combo_row_get_selected (self->profile_row);
  HfStore *store = hf_application_get_store (self->app);
  g_autoptr(HfMinerSettings) p = NULL;

  if (i == 0 || i == GTK_INVALID_LIST_POSITION || store == NULL || self->profiles == NULL
      || i > g_strv_length (self->profiles))
    return;
  p = hf_store_load_pool_profile (store, self->profiles[i - 1], NULL);
  if (p == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->pool_url), p->pool_url);
  gtk_editable_set_text (GTK_EDITABLE (self->pool_user), p->pool_user ? p->pool_user : "");
  gtk_editable_set_text (GTK_EDITABLE (self->pool_password),
                         p->pool_password ? p->pool_password : "");
}

static void
profile_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HfMinerSettingsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = g_object_steal_data (G_OBJECT (self), "hf-saving-profile");

  if (!hf_session_pool_profile_finish (HF_SESSION (source), result, &error))
    text = g_strdup_printf (_("Cannot save the profile: %s"), error->message);
  else
    {
      text = g_strdup_printf (_("Saved pool profile %s"), name);
      gtk_editable_set_text (GTK_EDITABLE (self->profile_name), "");
      load_profiles (self);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, hf_toast_new (text));
}

static void
profile_save_cb (HfMinerSettingsDialog *self)
{
  g_autoptr(HfMinerSettings) p = hf_miner_settings_new ();
  g_autofree char *name = entry_text (self->profile_name);
  char *password = entry_text (self->pool_password);

  p->pool_url = entry_text (self->pool_url);
  p->pool_user = entry_text (self->pool_user);
  p->pool_password = *password != '\0' ? password : (g_free (password), NULL);
  if (*name == '\0')
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   hf_toast_new (_("Cannot save the profile: it has no name")));
      return;
    }
  g_object_set_data_full (G_OBJECT (self), "hf-saving-profile", g_strdup (name), g_free);
  hf_session_save_pool_profile_async (hf_application_get_session (self->app), name, p,
                                      profile_saved_cb, g_object_ref (self));
}

static void
fan_auto_cb (HfMinerSettingsDialog *self)
{
  gboolean automatic = gtk_switch_get_active (self->fan_auto);

  gtk_widget_set_sensitive (GTK_WIDGET (self->target_row), automatic);
  gtk_widget_set_sensitive (GTK_WIDGET (self->speed_row), !automatic);
}

/* The miner */

static void
show_miner (HfMinerSettingsDialog *self)
{
  const HfReading *r = hf_miner_get_reading (self->miner);
  HfCapabilities caps = hf_miner_get_capabilities (self->miner);
  g_autofree char *title = self->miners->len > 1
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Settings of %u miner (values of %s)",
                                    "Settings of %u miners (values of %s)", self->miners->len),
                       self->miners->len, hf_miner_display_name (self->miner))
    : g_strdup_printf (_("Settings of %s"), hf_miner_display_name (self->miner));

  gtk_window_set_title (GTK_WINDOW (self), title);
  /* A mixed selection offers only what every miner in it takes. */
  for (guint i = 1; i < self->miners->len; i++)
    caps &= hf_miner_get_capabilities (g_ptr_array_index (self->miners, i));
  self->offered = caps;
  self->initial_frequency = r ? round_value (r->frequency_mhz) : 0;
  self->initial_voltage = r ? round_value (r->core_voltage_set_mv) : 0;
  self->initial_work_mode = r ? r->work_mode : -1;
  self->initial_fan_auto = r == NULL || r->fan_auto != 0;
  self->initial_fan_speed = r && !isnan (r->fan_percent) ? (int) lround (r->fan_percent) : 100;
  self->initial_target = r && !isnan (r->target_temp_c) ? (int) lround (r->target_temp_c) : 60;
  self->initial_pool_url = g_strdup (r ? r->pool_url : NULL);
  self->initial_pool_user = g_strdup (r ? r->pool_user : NULL);
  self->initial_hostname = g_strdup (hf_miner_get_hostname (self->miner));
  self->initial_power_limit = r && !isnan (r->power_limit_w) ? (int) lround (r->power_limit_w) : 0;
  self->initial_preset = g_strdup (r ? r->preset : NULL);
  gtk_spin_button_set_value (self->power_limit, self->initial_power_limit);
  gtk_editable_set_text (GTK_EDITABLE (self->preset_row),
                         self->initial_preset ? self->initial_preset : "");

  gtk_switch_set_active (self->fan_auto, self->initial_fan_auto);
  gtk_spin_button_set_value (self->fan_speed, self->initial_fan_speed);
  gtk_spin_button_set_value (self->target_temp, self->initial_target);
  gtk_editable_set_text (GTK_EDITABLE (self->pool_url), self->initial_pool_url ? self->initial_pool_url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->pool_user), self->initial_pool_user ? self->initial_pool_user : "");
  gtk_editable_set_text (GTK_EDITABLE (self->hostname), self->initial_hostname ? self->initial_hostname : "");
  fan_auto_cb (self);
  load_profiles (self);

  gtk_widget_set_visible (GTK_WIDGET (self->performance_group),
                          (caps & (HF_CAP_FREQUENCY | HF_CAP_CORE_VOLTAGE | HF_CAP_WORK_MODE
                                   | HF_CAP_POWER_LIMIT | HF_CAP_PRESET)) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->power_limit_row), (caps & HF_CAP_POWER_LIMIT) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->preset_row), (caps & HF_CAP_PRESET) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->frequency_row), (caps & HF_CAP_FREQUENCY) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->voltage_row), (caps & HF_CAP_CORE_VOLTAGE) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->work_mode_row), (caps & HF_CAP_WORK_MODE) != 0);
  if (self->initial_work_mode >= 0)
    adw_combo_row_set_selected (self->work_mode_row, (guint) self->initial_work_mode);
  /* Each family's own bounds (Avalon: fans 25–100 %, targets 50–90 °C). */
  if (hf_miner_get_family (self->miner) == HF_FAMILY_AVALON)
    {
      gtk_spin_button_set_range (self->target_temp, 50, 90);
      gtk_spin_button_set_range (self->fan_speed, 25, 100);
      gtk_spin_button_set_value (self->target_temp, MAX (self->initial_target, 50));
      self->initial_target = gtk_spin_button_get_value_as_int (self->target_temp);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fan_group), (caps & HF_CAP_FAN) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->pool_group), (caps & HF_CAP_POOLS) != 0);
  /* One hostname for several miners makes no sense. */
  gtk_widget_set_visible (GTK_WIDGET (self->hostname),
                          (caps & HF_CAP_HOSTNAME) != 0 && self->miners->len == 1);
  /* Overclocking and "restart to take effect" are AxeOS matters: a work
   * mode or a fan needs neither. */
  if ((caps & (HF_CAP_FREQUENCY | HF_CAP_CORE_VOLTAGE)) == 0)
    adw_preferences_group_set_description (self->performance_group, NULL);
  gtk_widget_set_visible (self->restart_row,
                          (caps & (HF_CAP_FREQUENCY | HF_CAP_CORE_VOLTAGE
                                   | HF_CAP_HOSTNAME)) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->device_group),
                          gtk_widget_get_visible (GTK_WIDGET (self->hostname))
                          || gtk_widget_get_visible (self->restart_row));

  /* Until the model says what it takes, only its current values show. */
  fill_choices (self->frequency_row, self->frequencies, NULL, self->initial_frequency, 0, "MHz");
  fill_choices (self->voltage_row, self->voltages, NULL, self->initial_voltage, 0, "mV");
  /* Only a model with frequency or voltage choices has them to read. */
  if ((caps & (HF_CAP_FREQUENCY | HF_CAP_CORE_VOLTAGE)) != 0)
    {
      gtk_spinner_start (self->spinner);
      self->loading = TRUE;
      hf_session_options_async (hf_application_get_session (self->app), self->miner,
                                self->cancellable, options_cb, self);
    }
  update_apply (self);
}

HfMiner *
hf_miner_settings_dialog_get_miner (HfMinerSettingsDialog *self)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), NULL);
  return self->miner;
}

gboolean
hf_miner_settings_dialog_get_loading (HfMinerSettingsDialog *self)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), FALSE);
  return self->loading || self->busy;
}

gboolean
hf_miner_settings_dialog_get_can_apply (HfMinerSettingsDialog *self)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), FALSE);
  return gtk_widget_get_sensitive (GTK_WIDGET (self->apply_button));
}

HfCapabilities
hf_miner_settings_dialog_get_offered (HfMinerSettingsDialog *self)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), 0);
  return self->offered;
}

gboolean
hf_miner_settings_dialog_get_offers_restart (HfMinerSettingsDialog *self)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), FALSE);
  return gtk_widget_get_visible (self->restart_row);
}

const char *
hf_miner_settings_dialog_get_performance_text (HfMinerSettingsDialog *self)
{
  const char *text;

  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), NULL);
  text = adw_preferences_group_get_description (self->performance_group);
  return gtk_widget_get_visible (GTK_WIDGET (self->performance_group)) && text != NULL
         && *text != '\0' ? text : NULL;
}

/* For tests: the frequency shown, and the one chosen. */
guint
hf_miner_settings_dialog_get_frequency (HfMinerSettingsDialog *self)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), 0);
  return selected_value (self->frequency_row, self->frequencies);
}

gboolean
hf_miner_settings_dialog_select_frequency (HfMinerSettingsDialog *self,
                                           guint                  mhz)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), FALSE);
  for (guint i = 0; i < self->frequencies->len; i++)
    if (g_array_index (self->frequencies, guint, i) == mhz)
      {
        adw_combo_row_set_selected (self->frequency_row, i);
        return TRUE;
      }
  return FALSE;
}

guint
hf_miner_settings_dialog_get_n_frequencies (HfMinerSettingsDialog *self)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), 0);
  return self->frequencies->len;
}

gboolean
hf_miner_settings_dialog_choose_profile (HfMinerSettingsDialog *self,
                                         const char            *name)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), FALSE);
  for (guint i = 0; self->profiles != NULL && self->profiles[i] != NULL; i++)
    if (g_str_equal (self->profiles[i], name))
      {
        adw_combo_row_set_selected (self->profile_row, i + 1);
        return TRUE;
      }
  return FALSE;
}

const char *
hf_miner_settings_dialog_get_pool (HfMinerSettingsDialog *self)
{
  g_return_val_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->pool_url));
}

void
hf_miner_settings_dialog_apply (HfMinerSettingsDialog *self)
{
  g_return_if_fail (HF_IS_MINER_SETTINGS_DIALOG (self));
  apply_clicked_cb (self);
}

static void
hf_miner_settings_dialog_dispose (GObject *object)
{
  HfMinerSettingsDialog *self = HF_MINER_SETTINGS_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_MINER_SETTINGS_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->miner);
  g_clear_pointer (&self->miners, g_ptr_array_unref);
  g_clear_pointer (&self->options, hf_miner_options_free);
  g_clear_pointer (&self->frequencies, g_array_unref);
  g_clear_pointer (&self->voltages, g_array_unref);
  g_clear_pointer (&self->initial_pool_url, g_free);
  g_clear_pointer (&self->initial_pool_user, g_free);
  g_clear_pointer (&self->initial_hostname, g_free);
  g_clear_pointer (&self->initial_preset, g_free);
  g_clear_pointer (&self->profiles, g_strfreev);

  G_OBJECT_CLASS (hf_miner_settings_dialog_parent_class)->dispose (object);
}

static void
hf_miner_settings_dialog_class_init (HfMinerSettingsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_miner_settings_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-miner-settings-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HfMinerSettingsDialog, name)
  BIND (apply_button);
  BIND (spinner);
  BIND (toast_overlay);
  BIND (performance_group);
  BIND (frequency_row);
  BIND (work_mode_row);
  BIND (voltage_row);
  BIND (fan_group);
  BIND (fan_auto);
  BIND (target_row);
  BIND (target_temp);
  BIND (speed_row);
  BIND (fan_speed);
  BIND (pool_group);
  BIND (profile_row);
  BIND (profile_name);
  BIND (pool_url);
  BIND (pool_user);
  BIND (pool_password);
  BIND (device_group);
  BIND (hostname);
  BIND (power_limit_row);
  BIND (power_limit);
  BIND (preset_row);
  BIND (restart_row);
  BIND (restart);
#undef BIND
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hf_miner_settings_dialog_init (HfMinerSettingsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->frequencies = g_array_new (FALSE, FALSE, sizeof (guint));
  self->voltages = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect_swapped (self->apply_button, "clicked", G_CALLBACK (apply_clicked_cb), self);
  g_signal_connect_swapped (self->fan_auto, "notify::active", G_CALLBACK (fan_auto_cb), self);
  g_signal_connect_swapped (self->profile_row, "notify::selected", G_CALLBACK (profile_selected_cb),
                            self);
  g_signal_connect_swapped (self->profile_name, "apply", G_CALLBACK (profile_save_cb), self);
  /* Every input: Apply follows whether anything changed. */
  g_signal_connect_swapped (self->frequency_row, "notify::selected", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->voltage_row, "notify::selected", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->work_mode_row, "notify::selected", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->fan_auto, "notify::active", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->target_temp, "value-changed", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->fan_speed, "value-changed", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->pool_url, "changed", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->pool_user, "changed", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->pool_password, "changed", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->hostname, "changed", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->preset_row, "changed", G_CALLBACK (update_apply), self);
  g_signal_connect_swapped (self->power_limit, "value-changed", G_CALLBACK (update_apply), self);
}

GtkWidget *
hf_miner_settings_dialog_new_for_miners (GtkWindow     *parent,
                                         HfApplication *app,
                                         GPtrArray     *miners)
{
  HfMinerSettingsDialog *self;

  g_return_val_if_fail (HF_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (miners != NULL && miners->len > 0, NULL);

  self = g_object_new (HF_TYPE_MINER_SETTINGS_DIALOG, "transient-for", parent, NULL);
  self->app = app;
  self->miners = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < miners->len; i++)
    g_ptr_array_add (self->miners, g_object_ref (g_ptr_array_index (miners, i)));
  self->miner = g_object_ref (g_ptr_array_index (miners, 0));
  show_miner (self);
  return GTK_WIDGET (self);
}

GtkWidget *
hf_miner_settings_dialog_new (GtkWindow     *parent,
                              HfApplication *app,
                              HfMiner       *miner)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_return_val_if_fail (HF_IS_MINER (miner), NULL);
  g_ptr_array_add (one, miner);
  return hf_miner_settings_dialog_new_for_miners (parent, app, one);
}
