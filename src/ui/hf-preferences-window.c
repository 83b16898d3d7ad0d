/* hf-preferences-window.c
 * SPDX-License-Identifier: MIT
 *
 * Every row is bound to a property of the app's HfSettings, so changes
 * apply at once (the app's HfSettingsApplier listens to their notify).  Passwords never touch
 * GSettings: they go to the keyring when the row's apply button is
 * pressed.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hf-alert-rules-group.h"
#include "hf-application.h"
#include "hf-core.h"
#include "hf-credentials.h"
#include "hf-power-budget-group.h"
#include "hf-preferences-window.h"
#include "hf-settings.h"
#include "hf-tariff-group.h"
#include "hf-window.h"

struct _HfPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSpinButton        *poll_interval;
  GtkSwitch            *notifications;
  GtkSwitch            *run_in_background;
  GtkSpinButton        *temperature_alert;
  GtkSpinButton        *temperature_alert_antminer;
  GtkSpinButton        *temperature_alert_whatsminer;
  GtkSpinButton        *temperature_alert_avalon;
  HfAlertRulesGroup    *alert_rules;
  HfTariffGroup        *tariff_group;
  AdwPreferencesGroup  *subnets_group;
  AdwEntryRow          *subnet_entry;
  AdwActionRow         *automatic_row;
  GtkSpinButton        *scan_timeout;
  GtkSpinButton        *scan_concurrency;
  AdwEntryRow          *antminer_user;
  AdwPasswordEntryRow  *antminer_password;
  AdwPasswordEntryRow  *whatsminer_password;
  AdwPasswordEntryRow  *whatsminer_super_password;
  AdwEntryRow          *braiins_user;
  AdwPasswordEntryRow  *braiins_password;
  AdwPasswordEntryRow  *vnish_password;
  GtkSwitch            *api_enabled;
  AdwEntryRow          *api_listen;
  AdwPreferencesGroup  *api_group;
  AdwActionRow         *api_status;
  AdwActionRow         *api_token_row;
  GtkButton            *api_copy;
  GtkButton            *api_regenerate;
  AdwPreferencesGroup  *notify_group;
  AdwEntryRow          *notify_entry;
  GtkButton            *notify_test;
  AdwPreferencesGroup  *mqtt_group;
  GtkSwitch            *mqtt_enabled;
  AdwEntryRow          *mqtt_url;
  AdwPasswordEntryRow  *mqtt_password;
  GtkSwitch            *mqtt_allow_control;
  AdwActionRow         *mqtt_status;

  HfSettings           *settings;
  GPtrArray            *subnet_rows;
  GPtrArray            *notify_rows;
  GCancellable         *cancellable;     /* cancelled when the window goes */
};

G_DEFINE_FINAL_TYPE (HfPreferencesWindow, hf_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void rebuild_subnets (HfPreferencesWindow *self);

static void
remove_subnet_cb (GtkButton           *button,
                  HfPreferencesWindow *self)
{
  const char *subnet = g_object_get_data (G_OBJECT (button), "hf-subnet");
  g_auto(GStrv) old = hf_settings_get_subnets (self->settings);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) subnets = NULL;

  for (guint i = 0; old[i] != NULL; i++)
    if (g_strcmp0 (old[i], subnet) != 0)
      g_strv_builder_add (builder, old[i]);
  subnets = g_strv_builder_end (builder);
  hf_settings_set_subnets (self->settings, (const char * const *) subnets);
}

static void
rebuild_subnets (HfPreferencesWindow *self)
{
  g_auto(GStrv) subnets = hf_settings_get_subnets (self->settings);

  for (guint i = 0; i < self->subnet_rows->len; i++)
    adw_preferences_group_remove (self->subnets_group, g_ptr_array_index (self->subnet_rows, i));
  g_ptr_array_set_size (self->subnet_rows, 0);

  for (guint i = 0; subnets[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *label = g_strdup_printf (_("Remove %s"), subnets[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), subnets[i]);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
      g_object_set_data_full (G_OBJECT (remove), "hf-subnet", g_strdup (subnets[i]), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_subnet_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->subnets_group, row);
      g_ptr_array_add (self->subnet_rows, row);
    }

  /* "Automatic" shows what Discover scans when the list is empty. */
  gtk_widget_set_visible (GTK_WIDGET (self->automatic_row), subnets[0] == NULL);
  if (subnets[0] == NULL)
    {
      g_autoptr(GArray) ranges = hf_targets_default (NULL);
      g_autofree char *detected = ranges != NULL && ranges->len > 0
        ? hf_targets_describe (ranges) : g_strdup (_("No network found"));
      adw_action_row_set_subtitle (self->automatic_row, detected);
    }
}

gboolean
hf_preferences_window_add_subnet (HfPreferencesWindow *self,
                                  const char          *subnet)
{
  g_autoptr(GError) error = NULL;
  const char *one[] = { subnet, NULL };
  g_autoptr(GArray) ranges = hf_targets_parse (one, FALSE, &error);
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) subnets = NULL;

  if (ranges == NULL)
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        hf_toast_new (error->message));
      gtk_widget_add_css_class (GTK_WIDGET (self->subnet_entry), "error");
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->subnet_entry), "error");
  old = hf_settings_get_subnets (self->settings);
  if (g_strv_contains ((const char * const *) old, subnet))
    return TRUE;
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) old);
  g_strv_builder_add (builder, subnet);
  subnets = g_strv_builder_end (builder);
  hf_settings_set_subnets (self->settings, (const char * const *) subnets);
  return TRUE;
}

/* Red says "this is not a subnet": only while it is not one. */
static void
subnet_changed_cb (AdwEntryRow         *row,
                   HfPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  const char *one[] = { text, NULL };
  g_autoptr(GArray) ranges = NULL;

  if (*text != '\0')
    ranges = hf_targets_parse (one, FALSE, NULL);
  if (*text == '\0' || ranges != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
subnet_apply_cb (AdwEntryRow         *row,
                 HfPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*text != '\0' && hf_preferences_window_add_subnet (self, text))
    gtk_editable_set_text (GTK_EDITABLE (row), "");
}

/* Long enough to read a sentence about the keyring. */
static void
show_toast (HfPreferencesWindow *self,
            const char          *text)
{
  AdwToast *toast = hf_toast_new (text);

  adw_toast_set_timeout (toast, 8);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

/* A password on its way to the keyring, and the row it was typed in (two
 * saves in a row each come back to their own row). */
typedef struct
{
  HfPreferencesWindow *self;
  GtkWidget           *row;
} Saving;

static void
saving_free (Saving *saving)
{
  g_object_unref (saving->self);
  g_object_unref (saving->row);
  g_free (saving);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Saving, saving_free)

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Saving) saving = user_data;
  HfPreferencesWindow *self = saving->self;
  g_autoptr(GError) error = NULL;
  GApplication *app = g_application_get_default ();

  if (!hf_credentials_store_finish (result, &error))
    {
      g_autofree char *why = hf_credentials_describe_error (error);
      g_autofree char *text = g_strdup_printf (_("The password is not saved: %s"), why);

      g_message ("keyring: %s", error->message);
      /* What was typed stays, to try again once there is a keyring. */
      gtk_widget_add_css_class (saving->row, "error");
      show_toast (self, text);
      return;
    }
  gtk_widget_remove_css_class (saving->row, "error");
  gtk_editable_set_text (GTK_EDITABLE (saving->row), "");
  show_toast (self, _("Password saved in the keyring"));
  if (HF_IS_APPLICATION (app))
    hf_application_reload_credentials (HF_APPLICATION (app));
}

static void
password_apply_cb (AdwEntryRow         *row,
                   HfPreferencesWindow *self)
{
  HfCredential which;
  Saving *saving = g_new0 (Saving, 1);

  if (row == ADW_ENTRY_ROW (self->antminer_password))
    which = HF_CREDENTIAL_ANTMINER;
  else if (row == ADW_ENTRY_ROW (self->whatsminer_super_password))
    which = HF_CREDENTIAL_WHATSMINER_SUPER;
  else if (row == ADW_ENTRY_ROW (self->braiins_password))
    which = HF_CREDENTIAL_BRAIINS;
  else if (row == ADW_ENTRY_ROW (self->vnish_password))
    which = HF_CREDENTIAL_VNISH;
  else
    which = HF_CREDENTIAL_WHATSMINER;
  saving->self = g_object_ref (self);
  saving->row = g_object_ref (GTK_WIDGET (row));
  hf_credentials_store_async (which, gtk_editable_get_text (GTK_EDITABLE (row)), NULL, stored_cb,
                              saving);
}

/* Automation: what the API is doing, and its token. */
static void
update_api_rows (HfPreferencesWindow *self)
{
  GApplication *app = g_application_get_default ();
  HfApplication *hf = HF_IS_APPLICATION (app) ? HF_APPLICATION (app) : NULL;
  const char *token = hf ? hf_application_get_api_token (hf) : NULL;
  g_autofree char *listen = hf_settings_get_api_listen (self->settings);
  g_autofree char *status = NULL;

  if (!hf_settings_get_api_enabled (self->settings))
    status = g_strdup (_("Off"));
  else if (hf != NULL && hf_application_get_api_error (hf) != NULL)
    status = g_strdup_printf (_("Not serving: %s"), hf_application_get_api_error (hf));
  else if (hf != NULL && hf_application_get_api_port (hf) != 0)
    status = g_strdup_printf (_("Serving on http://%s/ — try /api/stats or /metrics"), listen);
  else
    status = g_strdup (_("Starting…"));
  adw_action_row_set_subtitle (self->api_status, status);
  /* Never shown in clear: copied with its button. */
  adw_action_row_set_subtitle (self->api_token_row,
                               token ? _("Set (kept in the keyring; copy it with the button)")
                                     : _("None yet: make one to allow changes and other machines"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->api_copy), token != NULL);
  adw_preferences_group_set_description (self->api_group,
                                         _hf_preferences_window_api_text (token != NULL));
}

/* What is true of reads and writes, with a token and without. */
const char *
_hf_preferences_window_api_text (gboolean has_token)
{
  if (has_token)
    return _("For scripts, Home Assistant and Prometheus while Hashfleet runs. Every request "
             "needs the token, reads too (“Authorization: Bearer” and the token).");
  return _("For scripts, Home Assistant and Prometheus while Hashfleet runs. Reads are open on "
           "this computer; changes (discover, restart, remove) and anything from another "
           "machine need a token.");
}

static void
api_listen_apply_cb (AdwEntryRow         *row,
                     HfPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  hf_settings_set_api_listen (self->settings, *text ? text : "127.0.0.1:8080");
}

static void
api_copy_cb (GtkButton           *button,
             HfPreferencesWindow *self)
{
  GApplication *app = g_application_get_default ();
  const char *token = HF_IS_APPLICATION (app) ? hf_application_get_api_token (HF_APPLICATION (app))
                                              : NULL;

  if (token == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), token);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    hf_toast_new (_("Token copied")));
}

static void
regenerated_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HfPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->api_regenerate), TRUE);
  if (!hf_application_regenerate_api_token_finish (HF_APPLICATION (source), result, &error))
    {
      g_autofree char *why = NULL;
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      why = hf_credentials_describe_error (error);
      text = g_strdup_printf (_("No new token: %s"), why);
      show_toast (self, text);
      return;
    }
  update_api_rows (self);
  show_toast (self, _("New token made; the old one no longer works"));
}

static void
api_regenerate_cb (GtkButton           *button,
                   HfPreferencesWindow *self)
{
  GApplication *app = g_application_get_default ();

  if (!HF_IS_APPLICATION (app))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->api_regenerate), FALSE);
  hf_application_regenerate_api_token_async (HF_APPLICATION (app), regenerated_cb,
                                             g_object_ref (self));
}

/* ---- notification channels --------------------------------------------- */

static HfApplication *
the_app (void)
{
  GApplication *app = g_application_get_default ();

  return HF_IS_APPLICATION (app) ? HF_APPLICATION (app) : NULL;
}

static HfNotifyChannels *
the_channels (void)
{
  HfApplication *app = the_app ();

  return app != NULL ? hf_application_get_notify_channels (app) : NULL;
}

static void remove_channel_cb (GtkButton           *button,
                               HfPreferencesWindow *self);

/* One row per channel, titled with its masked URL: the secrets are never
 * on screen once added.  Rebuilt whenever the list changes (an edit, or
 * the keyring's list arriving late). */
static void
rebuild_notify_rows (HfPreferencesWindow *self)
{
  HfNotifyChannels *channels = the_channels ();
  const char *urls = channels ? hf_notify_channels_get_urls (channels) : NULL;
  g_auto(GStrv) lines = g_strsplit (urls ? urls : "", "\n", -1);

  for (guint i = 0; i < self->notify_rows->len; i++)
    adw_preferences_group_remove (self->notify_group, g_ptr_array_index (self->notify_rows, i));
  g_ptr_array_set_size (self->notify_rows, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->notify_group), channels != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->notify_test), urls != NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(HfNotifyUrl) url = NULL;
      GtkWidget *row, *remove;

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      url = hf_notify_url_parse (lines[i], NULL);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     url ? hf_notify_url_get_masked (url)
                                         : _("A URL this version cannot read"));
      remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove this channel"));
      /* The channel itself, not its place: the list may change under it. */
      g_object_set_data_full (G_OBJECT (remove), "hf-url", g_strdup (lines[i]), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_channel_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->notify_group, row);
      g_ptr_array_add (self->notify_rows, row);
    }
  for (guint i = 0; lines[i] != NULL; i++)
    explicit_bzero (lines[i], strlen (lines[i]));
}

static void
notify_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HfPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hf_notify_channels_edit_finish (HF_NOTIFY_CHANNELS (source), result, &error))
    {
      g_autofree char *why = NULL;
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      why = hf_credentials_describe_error (error);
      text = g_strdup_printf (_("The channels are not saved: %s. They work until Hashfleet "
                                "ends."), why);
      show_toast (self, text);
      return;
    }
  show_toast (self, _("Channels saved in the keyring"));
}

static void
notify_apply_cb (AdwEntryRow         *row,
                 HfPreferencesWindow *self)
{
  HfNotifyChannels *channels = the_channels ();
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GError) error = NULL;
  g_autoptr(HfNotifyUrl) url = NULL;

  if (channels == NULL || *text == '\0')
    return;
  url = hf_notify_url_parse (text, &error);
  if (url == NULL)
    {
      /* The parser's words never repeat the URL. */
      g_autofree char *says = g_strdup_printf (_("Not a channel URL: %s"), error->message);

      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      show_toast (self, says);
      explicit_bzero (text, strlen (text));
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  if (hf_notify_channels_has (channels, text))
    show_toast (self, _("This channel is already in the list"));
  else
    hf_notify_channels_add_async (channels, text, self->cancellable, notify_saved_cb,
                                  g_object_ref (self));
  explicit_bzero (text, strlen (text));
}

static void
notify_changed_cb (AdwEntryRow         *row,
                   HfPreferencesWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
remove_channel_cb (GtkButton           *button,
                   HfPreferencesWindow *self)
{
  HfNotifyChannels *channels = the_channels ();
  const char *url = g_object_get_data (G_OBJECT (button), "hf-url");

  if (channels == NULL || url == NULL)
    return;
  hf_notify_channels_remove_async (channels, url, self->cancellable, notify_saved_cb,
                                   g_object_ref (self));
}

static void
test_sent_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HfPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hf_notifier_send_test_finish (HF_NOTIFIER (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->notify_test), TRUE);
  if (error != NULL)
    {
      /* Each channel named masked, with why. */
      g_autofree char *text = g_strdup_printf (_("Not delivered: %s"), error->message);
      show_toast (self, text);
      return;
    }
  show_toast (self, _("Test notification delivered to every channel"));
}

static void
notify_test_cb (GtkButton           *button,
                HfPreferencesWindow *self)
{
  HfApplication *app = the_app ();

  if (app == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->notify_test), FALSE);
  hf_notifier_send_test_async (hf_session_get_notifier (hf_application_get_session (app)),
                               self->cancellable, test_sent_cb, g_object_ref (self));
}

/* ---- MQTT ------------------------------------------------------------------ */

/* What MQTT is doing, in the Status row. */
static void
update_mqtt_rows (HfPreferencesWindow *self)
{
  HfApplication *app = the_app ();
  HfSettingsApplier *applier = app ? hf_application_get_applier (app) : NULL;
  HfMqtt *mqtt = applier ? hf_settings_applier_get_mqtt (applier) : NULL;
  g_autofree char *url = hf_settings_get_mqtt_url (self->settings);
  g_autofree char *status = NULL;

  if (!hf_settings_get_mqtt_enabled (self->settings))
    status = g_strdup (_("Off"));
  else if (*g_strstrip (url) == '\0')
    status = g_strdup (_("Not publishing: set the broker above"));
  else if (applier != NULL && hf_settings_applier_get_mqtt_error (applier) != NULL)
    status = g_strdup_printf (_("Not publishing: %s"),
                              hf_settings_applier_get_mqtt_error (applier));
  else if (mqtt == NULL)
    status = g_strdup (_("Waiting for the password from the keyring…"));
  else if (hf_mqtt_get_connected (mqtt))
    {
      g_autofree char *prefix = hf_settings_get_mqtt_prefix (self->settings);
      status = g_strdup_printf (_("Connected: Home Assistant finds the miners under %s/"),
                                prefix);
    }
  else if (hf_mqtt_get_problem (mqtt) != NULL)
    status = g_strdup_printf (_("Not connected: %s (trying again)"), hf_mqtt_get_problem (mqtt));
  else
    status = g_strdup (_("Connecting…"));
  adw_action_row_set_subtitle (self->mqtt_status, status);
}

static void
mqtt_url_apply_cb (AdwEntryRow         *row,
                   HfPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GUri) uri = NULL;

  if (*text != '\0')
    {
      /* Said without repeating the URL: it may hold a password. */
      if (!hf_mqtt_check_url (text, NULL))
        {
          gtk_widget_add_css_class (GTK_WIDGET (row), "error");
          show_toast (self, _("Not a broker URL: mqtt://host, mqtt://user@host:port or "
                              "mqtts://…"));
          return;
        }
      uri = g_uri_parse (text, G_URI_FLAGS_HAS_PASSWORD, NULL);
      if (uri != NULL && g_uri_get_password (uri) != NULL)
        {
          gtk_widget_add_css_class (GTK_WIDGET (row), "error");
          show_toast (self, _("The password goes in its own row, where the keyring keeps it"));
          return;
        }
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  hf_settings_set_mqtt_url (self->settings, text);
}

static void
mqtt_url_changed_cb (AdwEntryRow         *row,
                     HfPreferencesWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* Another writer (dconf, a test) changed the URL: show it. */
static void
mqtt_url_notify_cb (HfPreferencesWindow *self)
{
  g_autofree char *url = hf_settings_get_mqtt_url (self->settings);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->mqtt_url)), url) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->mqtt_url), url);
}

static void
mqtt_password_saved_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(HfPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hf_application_set_mqtt_password_finish (HF_APPLICATION (source), result, &error))
    {
      g_autofree char *why = NULL;
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      why = hf_credentials_describe_error (error);
      text = g_strdup_printf (_("The password is used but not saved: %s. It works until "
                                "Hashfleet ends."), why);
      show_toast (self, text);
      return;
    }
  show_toast (self, _("Password saved in the keyring"));
}

static void
mqtt_password_apply_cb (AdwEntryRow         *row,
                        HfPreferencesWindow *self)
{
  HfApplication *app = the_app ();

  if (app == NULL)
    return;
  hf_application_set_mqtt_password_async (app, gtk_editable_get_text (GTK_EDITABLE (row)),
                                          mqtt_password_saved_cb, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static void
hf_preferences_window_dispose (GObject *object)
{
  HfPreferencesWindow *self = HF_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->subnet_rows, g_ptr_array_unref);
  g_clear_pointer (&self->notify_rows, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hf_preferences_window_parent_class)->dispose (object);
}

static void
hf_preferences_window_class_init (HfPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_preferences_window_dispose;
  g_type_ensure (HF_TYPE_ALERT_RULES_GROUP);
  g_type_ensure (HF_TYPE_TARIFF_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-preferences-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HfPreferencesWindow, name)
  BIND (poll_interval);
  BIND (notifications);
  BIND (temperature_alert);
  BIND (temperature_alert_antminer);
  BIND (temperature_alert_whatsminer);
  BIND (temperature_alert_avalon);
  BIND (alert_rules);
  BIND (tariff_group);
  BIND (subnets_group);
  BIND (subnet_entry);
  BIND (automatic_row);
  BIND (scan_timeout);
  BIND (scan_concurrency);
  BIND (antminer_user);
  BIND (antminer_password);
  BIND (whatsminer_password);
  BIND (whatsminer_super_password);
  BIND (braiins_user);
  BIND (braiins_password);
  BIND (vnish_password);
  BIND (api_enabled);
  BIND (api_listen);
  BIND (api_group);
  BIND (api_status);
  BIND (api_token_row);
  BIND (api_copy);
  BIND (api_regenerate);
  BIND (notify_group);
  BIND (notify_entry);
  BIND (notify_test);
  BIND (run_in_background);
  BIND (mqtt_group);
  BIND (mqtt_enabled);
  BIND (mqtt_url);
  BIND (mqtt_password);
  BIND (mqtt_allow_control);
  BIND (mqtt_status);
#undef BIND
}

static void
hf_preferences_window_init (HfPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* What these rows say comes from errors and the network, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->api_status), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->api_token_row), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->automatic_row), FALSE);
  self->subnet_rows = g_ptr_array_new ();
  g_signal_connect (self->subnet_entry, "apply", G_CALLBACK (subnet_apply_cb), self);
  g_signal_connect (self->subnet_entry, "changed", G_CALLBACK (subnet_changed_cb), self);
  g_signal_connect (self->antminer_password, "apply", G_CALLBACK (password_apply_cb), self);
  g_signal_connect (self->whatsminer_password, "apply", G_CALLBACK (password_apply_cb), self);
  g_signal_connect (self->whatsminer_super_password, "apply", G_CALLBACK (password_apply_cb), self);
  g_signal_connect (self->braiins_password, "apply", G_CALLBACK (password_apply_cb), self);
  g_signal_connect (self->vnish_password, "apply", G_CALLBACK (password_apply_cb), self);
  g_signal_connect (self->api_listen, "apply", G_CALLBACK (api_listen_apply_cb), self);
  g_signal_connect (self->api_copy, "clicked", G_CALLBACK (api_copy_cb), self);
  g_signal_connect (self->api_regenerate, "clicked", G_CALLBACK (api_regenerate_cb), self);
  self->notify_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->notify_entry, "apply", G_CALLBACK (notify_apply_cb), self);
  g_signal_connect (self->notify_entry, "changed", G_CALLBACK (notify_changed_cb), self);
  g_signal_connect (self->notify_test, "clicked", G_CALLBACK (notify_test_cb), self);
  if (the_channels () != NULL)
    g_signal_connect_object (the_channels (), "notify::urls", G_CALLBACK (rebuild_notify_rows),
                             self, G_CONNECT_SWAPPED);
  rebuild_notify_rows (self);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->mqtt_status), FALSE);
  g_signal_connect (self->mqtt_url, "apply", G_CALLBACK (mqtt_url_apply_cb), self);
  g_signal_connect (self->mqtt_url, "changed", G_CALLBACK (mqtt_url_changed_cb), self);
  g_signal_connect (self->mqtt_password, "apply", G_CALLBACK (mqtt_password_apply_cb), self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mqtt_password), the_app () != NULL);
  /* The session's power budget, on the Automation page. */
  if (the_app () != NULL)
    {
      GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (self->api_group),
                                                 ADW_TYPE_PREFERENCES_PAGE);
      HfSession *session = hf_application_get_session (the_app ());

      if (page != NULL)
        adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                                  ADW_PREFERENCES_GROUP (hf_power_budget_group_new (
                                    hf_session_get_power_budget (session))));
    }
}

GtkWidget *
hf_preferences_window_new (HfSettings *settings)
{
  const GBindingFlags flags = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;
  HfPreferencesWindow *self;

  g_return_val_if_fail (HF_IS_SETTINGS (settings), NULL);

  self = g_object_new (HF_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);
  hf_alert_rules_group_set_settings (self->alert_rules, settings);
  hf_tariff_group_set_settings (self->tariff_group, settings);
  g_object_bind_property (settings, HF_SETTINGS_KEY_POLL_INTERVAL, self->poll_interval, "value",
                          flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_NOTIFICATIONS, self->notifications, "active",
                          flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_TEMPERATURE_ALERT, self->temperature_alert,
                          "value", flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_TEMPERATURE_ALERT_ANTMINER,
                          self->temperature_alert_antminer, "value", flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_TEMPERATURE_ALERT_WHATSMINER,
                          self->temperature_alert_whatsminer, "value", flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_TEMPERATURE_ALERT_AVALON,
                          self->temperature_alert_avalon, "value", flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_SCAN_TIMEOUT, self->scan_timeout, "value",
                          flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_SCAN_CONCURRENCY, self->scan_concurrency,
                          "value", flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_ANTMINER_USER, self->antminer_user, "text",
                          flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_BRAIINS_USER, self->braiins_user, "text",
                          flags);
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_SUBNETS,
                            G_CALLBACK (rebuild_subnets), self);
  rebuild_subnets (self);
  g_object_bind_property (settings, HF_SETTINGS_KEY_API_ENABLED, self->api_enabled, "active",
                          flags);
  {
    g_autofree char *listen = hf_settings_get_api_listen (settings);
    gtk_editable_set_text (GTK_EDITABLE (self->api_listen), listen);
  }
  /* The application (connected first) restarts the server on the same
   * notify; these rows then say what it did. */
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_API_ENABLED,
                            G_CALLBACK (update_api_rows), self);
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_API_LISTEN,
                            G_CALLBACK (update_api_rows), self);
  update_api_rows (self);

  g_object_bind_property (settings, HF_SETTINGS_KEY_RUN_IN_BACKGROUND, self->run_in_background,
                          "active", flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_MQTT_ENABLED, self->mqtt_enabled, "active",
                          flags);
  g_object_bind_property (settings, HF_SETTINGS_KEY_MQTT_ALLOW_CONTROL, self->mqtt_allow_control,
                          "active", flags);
  mqtt_url_notify_cb (self);
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_MQTT_URL,
                            G_CALLBACK (mqtt_url_notify_cb), self);
  /* The applier (connected first) restarts MQTT on the same notify. */
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_MQTT_ENABLED,
                            G_CALLBACK (update_mqtt_rows), self);
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_MQTT_URL,
                            G_CALLBACK (update_mqtt_rows), self);
  if (the_app () != NULL && hf_application_get_applier (the_app ()) != NULL)
    g_signal_connect_object (hf_application_get_applier (the_app ()), "mqtt-changed",
                             G_CALLBACK (update_mqtt_rows), self, G_CONNECT_SWAPPED);
  update_mqtt_rows (self);
  return GTK_WIDGET (self);
}

void
hf_preferences_window_show_subnets (HfPreferencesWindow *self)
{
  g_return_if_fail (HF_IS_PREFERENCES_WINDOW (self));

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (self), "discovery");
  gtk_widget_grab_focus (GTK_WIDGET (self->subnet_entry));
}

gboolean
_hf_preferences_window_get_subnet_error (HfPreferencesWindow *self)
{
  g_return_val_if_fail (HF_IS_PREFERENCES_WINDOW (self), FALSE);
  return gtk_widget_has_css_class (GTK_WIDGET (self->subnet_entry), "error");
}

void
_hf_preferences_window_type_subnet (HfPreferencesWindow *self,
                                    const char          *text)
{
  g_return_if_fail (HF_IS_PREFERENCES_WINDOW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->subnet_entry), text);
}
