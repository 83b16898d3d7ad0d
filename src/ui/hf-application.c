/* hf-application.c
 * SPDX-License-Identifier: MIT
 *
 * The application drives one HfSession (the fleet, its store, recording,
 * alerts) and turns its settings (one HfSettings, which every window
 * shares, applied to the session by one HfSettingsApplier, as serve
 * does), the keyring and the session's signals into what a desktop app
 * does: polling configured from Preferences, desktop notifications, the
 * opt-in HTTP API, MQTT.  Windows are views of the session; with
 * run-in-background on, the session goes on when the last one closes
 * (the app's own hold keeps it), and Quit ends it.
 * Nothing here scans: scanning happens only when the user asks (Discover,
 * Add Miner).  The app holds itself while the session ends, so that the
 * last readings and removals reach the store without a nested main loop.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hf-api-server.h"
#include "hf-application.h"
#include "hf-background.h"
#include "hf-credentials.h"
#include "hf-miner-status.h"
#include "hf-preferences-window.h"
#include "hf-settings.h"
#include "hf-window.h"

struct _HfApplication
{
  AdwApplication  parent_instance;

  HfSettings     *settings;
  HfSettingsApplier *applier;
  HfSession      *session;
  GCancellable   *cancellable;
  char           *db_path;
  gboolean        load_started;
  gboolean        loaded;
  gboolean        ending;
  gboolean        quitting;            /* Quit: the last window closing ends it all */
  char           *background_text;     /* a refusal of the portal not yet shown */
  gboolean        mqtt_password_set;   /* the applier has one (from the keyring or typed) */
  /* While another program holds the database locked: why there is no
   * store yet, a toast that says so, and the next try. */
  char           *store_path;
  char           *store_error;
  AdwToast       *store_toast;
  gboolean        store_toast_shown;
  guint           store_retry;
  guint16         http_port;           /* --http-port, 0: default */
  guint16         cgminer_port;        /* --cgminer-port, 0: default */
  guint16         whatsminer_v3_port;  /* --whatsminer-v3-port, 0: default */
  char           *antminer_password;   /* from the keyring */
  char           *whatsminer_password;
  char           *whatsminer_super_password;
  char           *braiins_password;
  char           *vnish_password;
  /* The opt-in HTTP API (Preferences → Automation) */
  HfApiServer    *api;
  char           *api_token;           /* from the keyring */
  char           *api_error;           /* why it is not serving, if it is not */
  char           *block_text;          /* what the last found block said */
  HfNotifyChannels *notify_channels;   /* their URLs, from the keyring */
};

typedef struct
{
  HfApplication *self;
  HfCredential   which;
} Lookup;

G_DEFINE_FINAL_TYPE (HfApplication, hf_application, ADW_TYPE_APPLICATION)

enum { PROP_0, PROP_LOADED };

/* The keyring's passwords into the session's config (immutable once the
 * fleet has it: a copy; the applier keeps the Antminer user in it). */
static void
apply_passwords (HfApplication *self)
{
  HfConfig *config = hf_config_copy (hf_session_get_config (self->session));

  g_free (config->antminer_password);
  config->antminer_password = g_strdup (self->antminer_password);
  g_free (config->whatsminer_password);
  config->whatsminer_password = g_strdup (self->whatsminer_password);
  g_free (config->whatsminer_super_password);
  config->whatsminer_super_password = g_strdup (self->whatsminer_super_password);
  g_free (config->braiins_password);
  config->braiins_password = g_strdup (self->braiins_password);
  g_free (config->vnish_password);
  config->vnish_password = g_strdup (self->vnish_password);
  hf_session_set_config (self->session, config);
  hf_config_unref (config);
}

/* The style chosen in the main menu, over the system's. */
static void
apply_style (HfApplication *self)
{
  g_autofree char *style = hf_settings_get_style (self->settings);
  AdwColorScheme scheme = g_strcmp0 (style, "light") == 0 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                          : g_strcmp0 (style, "dark") == 0 ? ADW_COLOR_SCHEME_FORCE_DARK
                          : ADW_COLOR_SCHEME_DEFAULT;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

/* Serve the API when it is on (and the fleet is loaded), on the address
 * set; anything but loopback is refused without a token. */
static void
update_api (HfApplication *self)
{
  g_autofree char *listen = hf_settings_get_api_listen (self->settings);
  g_autoptr(GError) error = NULL;

  if (self->api != NULL)
    hf_api_server_disconnect (self->api);
  g_clear_object (&self->api);
  g_clear_pointer (&self->api_error, g_free);
  if (!hf_settings_get_api_enabled (self->settings) || !self->loaded)
    return;
  self->api = hf_api_server_new (self->session);
  hf_api_server_set_token (self->api, self->api_token);
  if (!hf_api_server_listen (self->api, listen, &error))
    {
      self->api_error = g_strdup (error->message);
      g_message ("the HTTP API is not served: %s", error->message);
      g_clear_object (&self->api);
      return;
    }
  g_debug ("HTTP API on %s", listen);
}

/* The channels' URLs on the session's notifier (a channel that stays
 * keeps what it has queued); a line the parser refuses (kept by an older
 * Hashfleet?) is left out, said masked. */
static void
apply_notify_urls (HfApplication *self)
{
  const char *urls = hf_notify_channels_get_urls (self->notify_channels);
  g_auto(GStrv) lines = g_strsplit (urls ? urls : "", "\n", -1);
  g_autoptr(GStrvBuilder) good = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  if (self->session == NULL)
    return;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfNotifyUrl) url = NULL;

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      url = hf_notify_url_parse (lines[i], &error);
      if (url == NULL)
        g_message ("notification channel %u left out: %s", i + 1, error->message);
      else
        g_strv_builder_add (good, lines[i]);
    }
  list = g_strv_builder_end (good);
  hf_notifier_set_urls (hf_session_get_notifier (self->session), (const char * const *) list,
                        NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    explicit_bzero (lines[i], strlen (lines[i]));
  for (guint i = 0; list[i] != NULL; i++)
    explicit_bzero (list[i], strlen (list[i]));
}

static void
password_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree Lookup *lookup = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = hf_credentials_lookup_finish (result, &error);
  HfApplication *self = lookup->self;
  char **slot;

  if (lookup->which == HF_CREDENTIAL_MQTT)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->applier == NULL)
        return;
      /* No keyring: at start-up, no password (a broker may take none) and
       * MQTT starts; later, one set in this run stays. */
      if (error != NULL)
        {
          g_debug ("keyring: %s", error->message);
          if (self->mqtt_password_set)
            return;
        }
      self->mqtt_password_set = TRUE;
      hf_settings_applier_set_mqtt_password (self->applier, password);
      return;
    }
  if (lookup->which == HF_CREDENTIAL_API_TOKEN)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The same token (or still none): a running API goes on serving. */
      if (g_strcmp0 (self->api_token, password) == 0)
        return;
      g_free (self->api_token);
      self->api_token = g_steal_pointer (&password);
      update_api (self);
      return;
    }
  if (error != NULL)
    {
      /* No keyring (a bare Pi, a test): the miners that need one say so. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("keyring: %s", error->message);
      return;
    }
  if (password == NULL)
    return;
  switch (lookup->which)
    {
    case HF_CREDENTIAL_ANTMINER: slot = &self->antminer_password; break;
    case HF_CREDENTIAL_WHATSMINER: slot = &self->whatsminer_password; break;
    case HF_CREDENTIAL_WHATSMINER_SUPER: slot = &self->whatsminer_super_password; break;
    case HF_CREDENTIAL_BRAIINS: slot = &self->braiins_password; break;
    case HF_CREDENTIAL_VNISH: slot = &self->vnish_password; break;
    default: return;
    }
  g_free (*slot);
  *slot = g_steal_pointer (&password);
  apply_passwords (self);
}

void
hf_application_reload_credentials (HfApplication *self)
{
  for (HfCredential which = HF_CREDENTIAL_ANTMINER; which < HF_N_CREDENTIALS; which++)
    {
      Lookup *lookup;

      /* The channels have their own keeper (below). */
      if (which == HF_CREDENTIAL_NOTIFY_URLS)
        continue;
      lookup = g_new0 (Lookup, 1);

      lookup->self = self;
      lookup->which = which;
      hf_credentials_lookup_async (which, self->cancellable, password_cb, lookup);
    }
  /* Edits made meanwhile are merged into the list that comes. */
  hf_notify_channels_load (self->notify_channels);
}

static void
alert_cb (HfAlerts      *alerts,
          HfMiner       *miner,
          int            kind,
          const char    *title,
          const char    *body,
          HfApplication *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;

  if (!hf_settings_get_notifications (self->settings))
    return;
  notification = g_notification_new (title);
  /* Notification servers read a body as markup (the title never). */
  {
    g_autofree char *escaped = g_markup_escape_text (body, -1);
    g_notification_set_body (notification, escaped);
  }
  /* Good news and summaries need not interrupt. */
  g_notification_set_priority (notification,
                               kind == HF_ALERT_BACK_ONLINE || kind == HF_ALERT_BEST_DIFFICULTY
                               || kind == HF_ALERT_FLEET_BEST_DIFFICULTY
                               || kind == HF_ALERT_QUIET_DIGEST || kind == HF_ALERT_DAILY_SUMMARY
                                 ? G_NOTIFICATION_PRIORITY_LOW
                                 : G_NOTIFICATION_PRIORITY_NORMAL);
  if (miner != NULL)
    g_notification_set_default_action_and_target (notification, "app.show-miner", "s",
                                                  hf_miner_get_address (miner));
  /* One notification per miner and kind: a new one replaces the old (the
   * digest and the summary are about the fleet). */
  id = g_strdup_printf ("%s-%d", miner != NULL ? hf_miner_get_address (miner) : "fleet", kind);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

/* A block: the rarest news a fleet has.  A notification (when they are
 * on), and a toast too if a window has the focus, where a notification
 * may not show. */
static void
block_found_cb (HfSession     *session,
                HfMiner       *miner,
                guint          blocks,
                HfApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *name = hf_miner_display_name (miner);

  g_free (self->block_text);
  self->block_text = blocks == 1 ? g_strdup_printf (_("%s found a block"), name)
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s found %u block", "%s found %u blocks",
                                    blocks), name, blocks);
  if (hf_settings_get_notifications (self->settings))
    {
      g_autoptr(GNotification) notification = g_notification_new (_("Block found"));

      g_notification_set_body (notification, self->block_text);
      g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
      g_notification_set_default_action_and_target (notification, "app.show-miner", "s",
                                                    hf_miner_get_address (miner));
      /* Each block its own notification: none replaces another. */
      g_application_send_notification (G_APPLICATION (self), NULL, notification);
    }
  if (HF_IS_WINDOW (window) && gtk_window_is_active (window))
    {
      g_autoptr(AdwToast) toast = adw_toast_new (self->block_text);

      /* Before whatever toast is showing: that one can wait. */
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_set_timeout (toast, 10);
      hf_window_add_toast (HF_WINDOW (window), toast);
    }
}

const char *
hf_application_get_block_text (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return self->block_text;
}

static void
history_failed_cb (HfSession     *session,
                   const GError  *error,
                   HfApplication *self)
{
  g_warning ("cannot record readings: %s", error->message);
}

static void
drop_store_toast (HfApplication *self)
{
  g_clear_pointer (&self->store_error, g_free);
  if (self->store_toast != NULL)
    adw_toast_dismiss (self->store_toast);
  g_clear_object (&self->store_toast);
  self->store_toast_shown = FALSE;
}

static void
show_store_toast (HfApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->store_toast == NULL || self->store_toast_shown || !HF_IS_WINDOW (window))
    return;
  self->store_toast_shown = TRUE;
  hf_window_add_toast (HF_WINDOW (window), self->store_toast);
}

static void start_loading (HfApplication *self);

static gboolean
retry_load_cb (gpointer user_data)
{
  HfApplication *self = user_data;

  self->store_retry = 0;
  start_loading (self);
  return G_SOURCE_REMOVE;
}

/* Another program holds the database locked (a backup tool, a sqlite3
 * session): say so, start no empty database in its place (that was how a
 * healthy file ended up moved aside), and try again in a while.  The
 * session polls meanwhile; miners added meanwhile are saved once it
 * opens. */
#define STORE_RETRY_S 3

static void
wait_for_store (HfApplication *self,
                const GError  *error)
{
  if (self->store_error == NULL)
    g_message ("%s; trying again every %u s", error->message, STORE_RETRY_S);
  g_free (self->store_error);
  self->store_error = g_strdup (_("The database is in use by another program — retrying"));
  if (self->store_toast == NULL)
    {
      self->store_toast = hf_toast_new (self->store_error);
      adw_toast_set_timeout (self->store_toast, 0);
      adw_toast_set_priority (self->store_toast, ADW_TOAST_PRIORITY_HIGH);
    }
  show_store_toast (self);
  self->store_retry = g_timeout_add_seconds (STORE_RETRY_S, retry_load_cb, self);
}

static void
set_loaded (HfApplication *self)
{
  self->loaded = TRUE;
  g_object_notify (G_OBJECT (self), "loaded");
  update_api (self);
  /* Polling the stored fleet is not scanning: it talks only to known miners. */
  hf_session_refresh (self->session);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HfApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (hf_session_load_finish (HF_SESSION (source), result, &error))
    {
      drop_store_toast (self);
      if (hf_session_get_store (self->session) != NULL
          && hf_store_get_moved_aside (hf_session_get_store (self->session)) != NULL)
        g_message ("the database was not usable; it was moved to %s and a new one started",
                   hf_store_get_moved_aside (hf_session_get_store (self->session)));
      set_loaded (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, HF_ERROR, HF_ERROR_STORE_BUSY))
    {
      wait_for_store (self, error);
      return;
    }
  /* Anything else: the app runs, without history. */
  g_warning ("history is not kept: %s", error->message);
  drop_store_toast (self);
  set_loaded (self);
}

static void
start_loading (HfApplication *self)
{
  hf_session_load_async (self->session, self->cancellable, loaded_cb, g_object_ref (self));
}

/* ---- running in the background ------------------------------------------ */

/* @text where the user will see it: in Preferences when it is open (the
 * switch that just went off is there), else in a main window, else when
 * one opens. */
static void
tell_user (HfApplication *self,
           const char    *text)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_PREFERENCES_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          AdwToast *toast = hf_toast_new (text);

          adw_toast_set_timeout (toast, 10);
          adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), toast);
          return;
        }
    }
  for (GList *l = windows; l != NULL; l = l->next)
    if (HF_IS_WINDOW (l->data))
      {
        g_autoptr(AdwToast) toast = hf_toast_new (text);

        adw_toast_set_timeout (toast, 10);
        hf_window_add_toast (HF_WINDOW (l->data), toast);
        return;
      }
  g_free (self->background_text);
  self->background_text = g_strdup (text);
}

static void
background_answered_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(HfApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (hf_background_request_finish (result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->ending)
    return;
  g_message ("running in the background turned off: %s", error->message);
  hf_settings_set_run_in_background (self->settings, FALSE);
  /* Short enough for a toast: the switch that just went off says the rest. */
  tell_user (self, _("Not allowed to run in the background"));
}

/* Turned on (or on at start-up): ask the portal, which may say no. */
static void
run_in_background_cb (HfApplication *self)
{
  if (!hf_settings_get_run_in_background (self->settings))
    return;
  hf_background_request_async (_("Hashfleet keeps polling, recording and alerting with its "
                                 "window closed"), self->cancellable, background_answered_cb,
                               g_object_ref (self));
}

static void
hf_application_activate (GApplication *app)
{
  HfApplication *self = HF_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (hf_window_new (self));
  gtk_window_present (window);
  show_store_toast (self);
  if (self->background_text != NULL)
    {
      g_autofree char *text = g_steal_pointer (&self->background_text);
      tell_user (self, text);
    }
  if (!self->load_started)
    {
      /* The fleet is restored on a worker thread; the window shows it
       * when it is there. */
      self->load_started = TRUE;
      hf_session_start (self->session);
      start_loading (self);
    }
}

/* The end: the session stops polling and writes what it still holds;
 * the app's own hold goes once it has. */
static void
session_ended_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HfApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hf_session_shutdown_finish (HF_SESSION (source), result, &error))
    g_warning ("%s", error->message);
  g_application_release (G_APPLICATION (self));
}

static void
end_session (HfApplication *self)
{
  if (self->ending)
    return;
  self->ending = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->store_retry, g_source_remove);
  if (self->api != NULL)
    hf_api_server_disconnect (self->api);
  g_clear_object (&self->api);
  /* No setting starts anything on the ending session (MQTT says
   * "offline" here). */
  g_clear_object (&self->applier);
  hf_session_shutdown_async (self->session, 5000, session_ended_cb, g_object_ref (self));
}

static void
window_removed_cb (GtkApplication *app,
                   GtkWindow      *window,
                   HfApplication  *self)
{
  if (gtk_application_get_windows (app) != NULL)
    return;
  /* In the background, the app's own hold keeps it (and the session)
   * going; activating it again makes a new window. */
  if (!self->quitting && hf_settings_get_run_in_background (self->settings))
    {
      g_debug ("the last window closed: running in the background");
      return;
    }
  end_session (self);
}

static int
handle_local_options (GApplication *app,
                      GVariantDict *options)
{
  HfApplication *self = HF_APPLICATION (app);
  const char *db = NULL;

  gint32 port;

  if (g_variant_dict_lookup (options, "db", "^&ay", &db))
    self->db_path = g_strdup (db);
  if (g_variant_dict_lookup (options, "http-port", "i", &port) && port > 0 && port < 65536)
    self->http_port = (guint16) port;
  if (g_variant_dict_lookup (options, "cgminer-port", "i", &port) && port > 0 && port < 65536)
    self->cgminer_port = (guint16) port;
  if (g_variant_dict_lookup (options, "whatsminer-v3-port", "i", &port) && port > 0
      && port < 65536)
    self->whatsminer_v3_port = (guint16) port;
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("hashfleet %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "The Hashfleet developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Hashfleet"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_MIT_X11,
                         "website", "https://github.com/hashfleet/hashfleet",
                         "issue-url", "https://github.com/hashfleet/hashfleet/issues",
                         "comments", _("Watch and manage the Bitcoin miners on your network"),
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  HfApplication *self = HF_APPLICATION (user_data);
  GtkWidget *prefs = hf_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  hf_window_fit_to_parent (GTK_WINDOW (prefs));
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
show_miner_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  HfApplication *self = HF_APPLICATION (user_data);
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (HF_IS_WINDOW (window))
    hf_window_show_miner (HF_WINDOW (window), g_variant_get_string (parameter, NULL));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  HF_APPLICATION (user_data)->quitting = TRUE;
  /* Close (not destroy) so that windows save their size and state; the
   * last one gone ends the session, and then the app (in the background
   * too). */
  for (GList *l = windows; l != NULL; )
    {
      GList *next = l->next;
      gtk_window_close (l->data);
      l = next;
    }
  if (gtk_application_get_windows (GTK_APPLICATION (user_data)) == NULL)
    end_session (HF_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_activated },
  { .name = "preferences", .activate = preferences_activated },
  { .name = "show-miner", .activate = show_miner_activated, .parameter_type = "s" },
  { .name = "quit", .activate = quit_activated },
};

static void
hf_application_startup (GApplication *app)
{
  HfApplication *self = HF_APPLICATION (app);

  G_APPLICATION_CLASS (hf_application_parent_class)->startup (app);

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    self->settings = hf_settings_new (settings);
  }
  {
    g_autoptr(HfConfig) config = hf_config_new ();
    /* --db is read before start-up (handle-local-options). */
    g_autofree char *path = self->db_path ? g_strdup (self->db_path) : hf_store_default_path ();

    if (self->http_port != 0)
      config->http_port = self->http_port;
    if (self->cgminer_port != 0)
      config->cgminer_port = self->cgminer_port;
    if (self->whatsminer_v3_port != 0)
      config->whatsminer_v3_port = self->whatsminer_v3_port;
    self->session = hf_session_new (path, config);
  }
  /* Before any window's handlers: Preferences reads the session's state
   * back from the same notify.  MQTT waits for the keyring's password. */
  self->applier = hf_settings_applier_new (self->settings, self->session);
  g_signal_connect_swapped (self->settings, "notify::" HF_SETTINGS_KEY_STYLE,
                            G_CALLBACK (apply_style), self);
  apply_style (self);
  g_signal_connect_swapped (self->settings, "notify::" HF_SETTINGS_KEY_API_ENABLED,
                            G_CALLBACK (update_api), self);
  g_signal_connect_swapped (self->settings, "notify::" HF_SETTINGS_KEY_API_LISTEN,
                            G_CALLBACK (update_api), self);
  g_signal_connect (hf_session_get_alerts (self->session), "alert", G_CALLBACK (alert_cb), self);
  g_signal_connect (self->session, "history-failed", G_CALLBACK (history_failed_cb), self);
  g_signal_connect (self->session, "block-found", G_CALLBACK (block_found_cb), self);
  g_signal_connect (self, "window-removed", G_CALLBACK (window_removed_cb), self);
  self->notify_channels = hf_notify_channels_new (self->cancellable);
  g_signal_connect_swapped (self->notify_channels, "notify::urls",
                            G_CALLBACK (apply_notify_urls), self);
  g_signal_connect_swapped (self->settings, "notify::" HF_SETTINGS_KEY_RUN_IN_BACKGROUND,
                            G_CALLBACK (run_in_background_cb), self);
  run_in_background_cb (self);
  hf_application_reload_credentials (self);
  /* Released when the session has ended (end_session()). */
  g_application_hold (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
}

static void
hf_application_shutdown (GApplication *app)
{
  HfApplication *self = HF_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->store_retry, g_source_remove);
  /* Quit without the session's end (g_application_quit()): polling stops
   * here, and the store's writer finishes what is queued when the
   * session lets go of it. */
  if (self->session != NULL)
    hf_session_stop (self->session);
  G_APPLICATION_CLASS (hf_application_parent_class)->shutdown (app);
}

static void
hf_application_dispose (GObject *object)
{
  HfApplication *self = HF_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->api != NULL)
    hf_api_server_disconnect (self->api);
  g_clear_object (&self->api);
  g_clear_object (&self->applier);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_handle_id (&self->store_retry, g_source_remove);
  g_clear_object (&self->store_toast);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->background_text, g_free);
  g_clear_pointer (&self->store_path, g_free);
  g_clear_pointer (&self->store_error, g_free);
  g_clear_pointer (&self->antminer_password, g_free);
  g_clear_pointer (&self->whatsminer_password, g_free);
  g_clear_pointer (&self->whatsminer_super_password, g_free);
  g_clear_pointer (&self->braiins_password, g_free);
  g_clear_pointer (&self->vnish_password, g_free);
  g_clear_pointer (&self->api_token, g_free);
  if (self->notify_channels != NULL)
    g_signal_handlers_disconnect_by_data (self->notify_channels, self);
  g_clear_object (&self->notify_channels);
  g_clear_pointer (&self->api_error, g_free);
  g_clear_pointer (&self->block_text, g_free);

  G_OBJECT_CLASS (hf_application_parent_class)->dispose (object);
}

static void
hf_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HfApplication *self = HF_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_application_class_init (HfApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = hf_application_dispose;
  object_class->get_property = hf_application_get_property;

  /* The stored fleet is in the session (or there is none to wait for). */
  g_object_class_install_property (object_class, PROP_LOADED,
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  app_class->activate = hf_application_activate;
  app_class->startup = hf_application_startup;
  app_class->shutdown = hf_application_shutdown;
  app_class->handle_local_options = handle_local_options;
}

static void
hf_application_init (HfApplication *self)
{
  const GOptionEntry options[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The database to use instead of the default"), N_("PATH") },
    { "http-port", 0, 0, G_OPTION_ARG_INT, NULL,
      N_("The HTTP port Discover and Add Miner try (default 80)"), N_("PORT") },
    { "cgminer-port", 0, 0, G_OPTION_ARG_INT, NULL,
      N_("The API port Discover and Add Miner try (default 4028)"), N_("PORT") },
    { "whatsminer-v3-port", 0, 0, G_OPTION_ARG_INT, NULL,
      N_("The Whatsminer API v3 port Discover and Add Miner try (default 4433)"), N_("PORT") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

HfApplication *
hf_application_new (void)
{
  return g_object_new (HF_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/hashfleet/Hashfleet",
                       NULL);
}

HfSession *
hf_application_get_session (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return self->session;
}

HfFleet *
hf_application_get_fleet (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return hf_session_get_fleet (self->session);
}

HfStore *
hf_application_get_store (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return hf_session_get_store (self->session);
}

gboolean
hf_application_get_loaded (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), FALSE);
  return self->loaded;
}

const char *
hf_application_get_store_error (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return self->store_error;
}

HfSettings *
hf_application_get_settings (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return self->settings;
}

const char *
hf_application_get_api_token (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return self->api_token;
}

const char *
hf_application_get_api_error (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return self->api_error;
}

guint16
hf_application_get_api_port (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), 0);
  return self->api != NULL ? hf_api_server_get_port (self->api) : 0;
}

static void
token_stored_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfApplication *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!hf_credentials_store_finish (result, &error))
    {
      g_message ("the API token is not kept in the keyring: %s", error->message);
      g_task_return_error (task, error);
      return;
    }
  /* Kept: now it is the token, and the old one no longer works. */
  g_free (self->api_token);
  self->api_token = g_strdup (g_task_get_task_data (task));
  update_api (self);
  g_task_return_boolean (task, TRUE);
}

void
hf_application_regenerate_api_token_async (HfApplication       *self,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  GTask *task;
  char *token;

  g_return_if_fail (HF_IS_APPLICATION (self));

  /* A token that cannot be kept would stop working at the next start,
   * silently: it is made only once the keyring has it. */
  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_application_regenerate_api_token_async);
  token = hf_api_token_generate ();
  g_task_set_task_data (task, token, g_free);
  hf_credentials_store_async (HF_CREDENTIAL_API_TOKEN, token, self->cancellable,
                              token_stored_cb, task);
}

gboolean
hf_application_regenerate_api_token_finish (HfApplication  *self,
                                             GAsyncResult   *result,
                                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

HfNotifyChannels *
hf_application_get_notify_channels (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return self->notify_channels;
}

const char *
hf_application_get_notify_urls (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return self->notify_channels ? hf_notify_channels_get_urls (self->notify_channels) : NULL;
}

HfSettingsApplier *
hf_application_get_applier (HfApplication *self)
{
  g_return_val_if_fail (HF_IS_APPLICATION (self), NULL);
  return self->applier;
}

static void
mqtt_password_stored_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!hf_credentials_store_finish (result, &error))
    {
      g_message ("the MQTT password is not kept in the keyring: %s", error->message);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
hf_application_set_mqtt_password_async (HfApplication       *self,
                                        const char          *password,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HF_IS_APPLICATION (self));

  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_application_set_mqtt_password_async);
  g_task_set_name (task, "hf_application_set_mqtt_password_async");
  if (password != NULL && *password == '\0')
    password = NULL;
  /* Used at once, kept or not. */
  self->mqtt_password_set = TRUE;
  if (self->applier != NULL)
    hf_settings_applier_set_mqtt_password (self->applier, password);
  hf_credentials_store_async (HF_CREDENTIAL_MQTT, password, self->cancellable,
                              mqtt_password_stored_cb, task);
}

gboolean
hf_application_set_mqtt_password_finish (HfApplication  *self,
                                         GAsyncResult   *result,
                                         GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
