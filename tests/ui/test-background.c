/* test-background.c — the app with no window, the Background portal, and
 * MQTT from Preferences
 * SPDX-License-Identifier: MIT
 *
 * With "Keep running when the window is closed" on, closing the window
 * leaves the session polling, recording and alerting (new readings of a
 * simulated miner arrive, and reach the database), activating the app
 * brings a window back, and Quit ends it.  Off, closing the window ends
 * the app.  A Background portal (one this test serves on the session bus)
 * that says no turns the setting off and says so in Preferences.  MQTT
 * set in Preferences makes the app's session publish to a real mosquitto
 * broker, and stops it when turned off.
 *
 * HF_TEST_SCREENSHOTS=DIR saves the new Preferences groups as PNG there.
 */
#include <stdio.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hf-application.h"
#include "hf-preferences-window.h"
#include "hf-test-broker.h"
#include "hf-test-utils.h"
#include "hf-window.h"

#define HTTP_PORT    "18830"
#define CGMINER_PORT "14830"
#define MINER        "127.0.83.2"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18830\ncgminer-port=14830\nstatic=true\n"
  "[miner 127.0.83.2]\nprofile=gamma\n";        /* 58.5 °C */

static HfTestSim *sim;

/* ---- helpers ---------------------------------------------------------------- */

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer  data,
               guint     ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (done (data));
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static GSettings *
app_settings (void)
{
  /* GSETTINGS_BACKEND=memory: the same values as the app's own. */
  return g_settings_new ("io.github.hashfleet.Hashfleet");
}

static void
added_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = hf_session_add_finish (HF_SESSION (source), result, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (miner);
  *(gboolean *) data = TRUE;
}

static gboolean
is_loaded (gpointer app)
{
  return hf_application_get_loaded (app);
}

static HfMiner *
add_miner (HfApplication *app)
{
  gboolean done = FALSE;

  iterate_until (is_loaded, app, 10000);
  hf_session_add_async (hf_application_get_session (app), MINER, 0, 0, NULL, added_cb, &done);
  hf_test_wait_for (&done, 10000);
  return hf_fleet_lookup_address (hf_application_get_fleet (app), MINER);
}

static void
counted_cb (gpointer  instance,
            HfMiner  *miner,
            gpointer  reading,
            guint    *n)
{
  (*n)++;
}

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static gboolean
shows_part (GtkWidget  *widget,
            const char *part)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (shows_part (c, part))
      return TRUE;
  return FALSE;
}

static const char *wanted_part;

static gboolean
window_shows_part (gpointer window)
{
  return shows_part (window, wanted_part);
}

/* The row titled @title (a preferences row), or the switch in it. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_row (c, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkSwitch *
row_switch (GtkWidget  *prefs,
            const char *title)
{
  GtkWidget *row = find_row (prefs, title);

  g_assert_nonnull (row);
  return GTK_SWITCH (find_type (row, GTK_TYPE_SWITCH));
}

static void
save_png (GtkWidget  *widget,
          const char *name)
{
  const char *dir = g_getenv ("HF_TEST_SCREENSHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int w, h;

  if (dir == NULL)
    return;
  iterate_for (300);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

/* ---- with no window ------------------------------------------------------------ */

static char *bg_db;
static gint64 closed_at;
static guint hot_after_close;

static gboolean
no_window (gpointer app)
{
  return gtk_application_get_windows (app) == NULL;
}

static void
hot_cb (HfAlerts *alerts, HfMiner *miner, int kind, const char *title, const char *body,
        guint *n)
{
  if (kind == HF_ALERT_HOT)
    (*n)++;
}

static void
background_activate_cb (GApplication *app,
                        gpointer      user_data)
{
  static gboolean again;
  HfApplication *hf = HF_APPLICATION (app);
  HfSession *session = hf_application_get_session (hf);
  HfFleet *fleet = hf_session_get_fleet (session);
  g_autoptr(GSettings) settings = app_settings ();
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  guint readings = 0;
  HfMiner *miner;
  gint64 end;
  GList *windows;

  if (again)
    return;
  again = TRUE;
  g_assert_true (HF_IS_WINDOW (window));
  miner = add_miner (hf);
  g_assert_nonnull (miner);
  g_signal_connect (fleet, "reading", G_CALLBACK (counted_cb), &readings);
  end = g_get_monotonic_time () + 12 * G_USEC_PER_SEC;
  while (readings < 1 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_cmpuint (readings, >=, 1);

  /* The window goes; the app and its session stay. */
  closed_at = g_get_real_time () / G_USEC_PER_SEC;
  gtk_window_close (window);
  iterate_until (no_window, app, 5000);
  g_assert_nonnull (hf_application_get_applier (hf));
  readings = 0;
  /* Alerting goes on too: a threshold below the miner's 58.5 °C, set now,
   * makes it hot at its next reading. */
  g_signal_connect (hf_session_get_alerts (session), "alert", G_CALLBACK (hot_cb),
                    &hot_after_close);
  g_settings_set_double (settings, "temperature-alert", 45);
  end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (readings < 2 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_test_message ("%u readings with no window", readings);
  g_assert_cmpuint (readings, >=, 2);
  g_assert_cmpuint (hot_after_close, ==, 1);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_signal_handlers_disconnect_by_data (fleet, &readings);
  g_signal_handlers_disconnect_by_data (hf_session_get_alerts (session), &hot_after_close);

  /* Activated again (the launcher, `hashfleet` run again): a window. */
  g_application_activate (app);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_nonnull (windows);
  g_assert_true (HF_IS_WINDOW (windows->data));
  g_assert_true (gtk_widget_get_visible (windows->data));
  g_assert_cmpuint (hf_fleet_get_total_count (fleet), ==, 1);

  /* Quit ends it all, in the background too. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
}

static void
test_keeps_polling (void)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  g_autoptr(GSettings) settings = app_settings ();
  g_autofree char *dir = g_dir_make_tmp ("hf-test-bg-XXXXXX", NULL);
  char *args[] = { "hashfleet", "--db", NULL, "--http-port", HTTP_PORT, "--cgminer-port",
                   CGMINER_PORT, NULL };
  g_autofree char *sql = NULL;
  gint64 recorded;

  bg_db = g_build_filename (dir, "hashfleet.db", NULL);
  args[2] = bg_db;
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_settings_set_uint (settings, "poll-interval", 5);
  g_application_set_default (G_APPLICATION (app));
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (background_activate_cb), NULL);
  /* Returns once Quit has ended the session. */
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);

  /* What was read with no window is in the database. */
  sql = g_strdup_printf ("SELECT count(*) FROM readings WHERE time >= %" G_GINT64_FORMAT,
                         closed_at);
  recorded = count_rows (bg_db, sql);
  g_test_message ("%" G_GINT64_FORMAT " readings recorded with no window", recorded);
  g_assert_cmpint (recorded, >=, 2);
  g_settings_reset (settings, "run-in-background");
  g_settings_reset (settings, "poll-interval");
  g_settings_reset (settings, "temperature-alert");
  g_clear_pointer (&bg_db, g_free);
}

static void
closing_ends_activate_cb (GApplication *app,
                          gpointer      user_data)
{
  gtk_window_close (gtk_application_get_active_window (GTK_APPLICATION (app)));
}

/* Off (the default), the last window closing ends the app. */
static void
test_off_ends (void)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  g_autofree char *dir = g_dir_make_tmp ("hf-test-bg-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "hashfleet.db", NULL);
  char *args[] = { "hashfleet", "--db", db, "--http-port", HTTP_PORT, "--cgminer-port",
                   CGMINER_PORT, NULL };

  g_application_set_default (G_APPLICATION (app));
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (closing_ends_activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
}

/* ---- the Background portal, served here --------------------------------------- */

typedef struct
{
  gboolean  allow;
  guint     calls;
  char     *reason;
  gboolean  autostart;
  gboolean  owned;
} Portal;

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Background'>"
  "    <method name='RequestBackground'>"
  "      <arg type='s' name='parent_window' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

/* As xdg-desktop-portal does: the handle at once, the answer as the
 * request object's Response signal. */
static void
portal_method_cb (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *path,
                  const char            *interface,
                  const char            *method,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  Portal *portal = user_data;
  g_autoptr(GVariant) options = NULL;
  g_autofree char *escaped = g_strdup (sender + 1);
  g_autofree char *handle = NULL;
  const char *parent, *token = "none";
  GVariantBuilder results;

  g_variant_get (parameters, "(&s@a{sv})", &parent, &options);
  g_variant_lookup (options, "handle_token", "&s", &token);
  g_clear_pointer (&portal->reason, g_free);
  g_variant_lookup (options, "reason", "s", &portal->reason);
  portal->autostart = TRUE;
  g_variant_lookup (options, "autostart", "b", &portal->autostart);
  portal->calls++;
  g_strdelimit (escaped, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", escaped, token);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));
  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (portal->allow));
  g_variant_builder_add (&results, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  g_dbus_connection_emit_signal (connection, sender, handle, "org.freedesktop.portal.Request",
                                 "Response", g_variant_new ("(ua{sv})", 0, &results), NULL);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  ((Portal *) user_data)->owned = TRUE;
}

static Portal portal;

static gboolean
portal_called (gpointer data)
{
  return portal.calls >= GPOINTER_TO_UINT (data);
}

static void
portal_activate_cb (GApplication *app,
                    gpointer      user_data)
{
  HfApplication *hf = HF_APPLICATION (app);
  GtkWidget *prefs = hf_preferences_window_new (hf_application_get_settings (hf));
  GtkSwitch *background;

  gtk_window_present (GTK_WINDOW (prefs));
  background = row_switch (prefs, "_Keep running when the window is closed");
  g_assert_nonnull (background);
  g_assert_false (gtk_switch_get_active (background));

  /* The portal says no: the switch goes back off, and Preferences says why. */
  portal.allow = FALSE;
  gtk_switch_set_active (background, TRUE);
  g_assert_true (hf_settings_get_run_in_background (hf_application_get_settings (hf)));
  iterate_until (portal_called, GUINT_TO_POINTER (1), 5000);
  g_assert_nonnull (portal.reason);
  g_assert_nonnull (strstr (portal.reason, "polling"));
  g_assert_false (portal.autostart);
  wanted_part = "Not allowed to run in the background";
  iterate_until (window_shows_part, prefs, 5000);
  g_assert_false (hf_settings_get_run_in_background (hf_application_get_settings (hf)));
  g_assert_false (gtk_switch_get_active (background));

  /* It says yes: the setting stays on. */
  portal.allow = TRUE;
  gtk_switch_set_active (background, TRUE);
  iterate_until (portal_called, GUINT_TO_POINTER (2), 5000);
  iterate_for (500);
  g_assert_true (hf_settings_get_run_in_background (hf_application_get_settings (hf)));
  g_assert_true (gtk_switch_get_active (background));
  save_png (prefs, "preferences-background.png");

  gtk_switch_set_active (background, FALSE);
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_application_quit (app);
}

static void
test_portal (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(HfApplication) app = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  const GDBusInterfaceVTable vtable = { portal_method_cb, NULL, NULL, { 0 } };
  guint object_id, name_id;

  if (bus == NULL)
    {
      g_test_skip ("no session bus");
      return;
    }
  info = g_dbus_node_info_new_for_xml (portal_xml, NULL);
  object_id = g_dbus_connection_register_object (bus, "/org/freedesktop/portal/desktop",
                                                 info->interfaces[0], &vtable, &portal, NULL,
                                                 NULL);
  g_assert_cmpuint (object_id, >, 0);
  name_id = g_bus_own_name_on_connection (bus, "org.freedesktop.portal.Desktop",
                                          G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired_cb, NULL,
                                          &portal, NULL);
  hf_test_wait_for (&portal.owned, 5000);

  app = hf_application_new ();
  dir = g_dir_make_tmp ("hf-test-bg-XXXXXX", NULL);
  db = g_build_filename (dir, "hashfleet.db", NULL);
  {
    char *args[] = { "hashfleet", "--db", db, "--http-port", HTTP_PORT, "--cgminer-port",
                     CGMINER_PORT, NULL };

    g_application_set_default (G_APPLICATION (app));
    g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
    g_signal_connect_after (app, "activate", G_CALLBACK (portal_activate_cb), NULL);
    g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
  }
  g_bus_unown_name (name_id);
  g_dbus_connection_unregister_object (bus, object_id);
  g_clear_pointer (&portal.reason, g_free);
}

/* ---- MQTT from Preferences ------------------------------------------------------- */

static HfTestBroker *broker;

static const char *
status_text (GtkWidget *prefs)
{
  GtkWidget *row = NULL;

  /* The MQTT group's Status row is the last "Status" row. */
  for (GtkWidget *group = find_row (prefs, "Allow _control from Home Assistant");
       group != NULL && !ADW_IS_PREFERENCES_GROUP (group);
       group = gtk_widget_get_parent (group))
    if (ADW_IS_PREFERENCES_GROUP (gtk_widget_get_parent (group)))
      {
        row = find_row (gtk_widget_get_parent (group), "Status");
        break;
      }
  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static const char *wanted_status;
static GtkWidget *status_prefs;

static gboolean
status_says (gpointer data)
{
  return g_str_has_prefix (status_text (status_prefs), wanted_status);
}

static void
mqtt_activate_cb (GApplication *app,
                  gpointer      user_data)
{
  HfApplication *hf = HF_APPLICATION (app);
  HfSettings *settings = hf_application_get_settings (hf);
  HfSession *session = hf_application_get_session (hf);
  HfTestSubscriber *sub = hf_test_subscriber_new (hf_test_broker_get_port (broker));
  GtkWidget *prefs = hf_preferences_window_new (settings);
  g_autofree char *url = g_strdup_printf ("mqtt://127.0.0.1:%u",
                                          hf_test_broker_get_port (broker));
  g_autofree char *state_topic = NULL;
  g_auto(GStrv) mac = NULL;
  GtkWidget *url_row;
  GtkSwitch *enabled, *control;
  HfMiner *miner;
  guint mark, states;

  miner = add_miner (hf);
  mac = g_strsplit (hf_miner_get_mac (miner), ":", -1);
  {
    g_autofree char *joined = g_strjoinv ("", mac);
    g_autofree char *id = g_ascii_strdown (joined, -1);
    state_topic = g_strdup_printf ("hashfleet/%s/state", id);
  }
  status_prefs = prefs;
  gtk_window_present (GTK_WINDOW (prefs));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs),
    ADW_PREFERENCES_PAGE (gtk_widget_get_ancestor (find_row (prefs, "Status"),
                                                   ADW_TYPE_PREFERENCES_PAGE)));
  enabled = row_switch (prefs, "_Publish to MQTT");
  control = row_switch (prefs, "Allow _control from Home Assistant");
  url_row = find_row (prefs, "Broker (mqtt://user@host:port, or mqtts://)");
  g_assert_nonnull (url_row);
  g_assert_cmpstr (status_text (prefs), ==, "Off");

  /* On, with the broker: online, discovery, states that follow readings. */
  gtk_editable_set_text (GTK_EDITABLE (url_row), url);
  g_signal_emit_by_name (url_row, "apply");
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));
  mark = hf_test_subscriber_count (sub);
  gtk_switch_set_active (enabled, TRUE);
  g_assert_true (hf_settings_get_mqtt_enabled (settings));
  wanted_status = "Connected: Home Assistant finds the miners under homeassistant/";
  iterate_until (status_says, NULL, 10000);
  g_assert_nonnull (hf_session_get_mqtt (session));
  g_assert_true (hf_test_subscriber_wait (sub, mark, "hashfleet/status", "online", 1, 5000));
  g_assert_true (hf_test_subscriber_wait (sub, mark, "homeassistant/sensor/hashfleet_", NULL, 1,
                                          5000));
  g_assert_cmpuint (hf_test_subscriber_matches (sub, mark, "homeassistant/button/", NULL), ==, 0);
  hf_session_refresh (session);
  g_assert_true (hf_test_subscriber_wait (sub, mark, state_topic, NULL, 1, 10000));
  {
    /* The group at the bottom of its page, in view. */
    GtkWidget *scrolled = gtk_widget_get_ancestor (url_row, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

    iterate_for (200);
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    save_png (prefs, "preferences-mqtt.png");
  }

  /* Not a broker URL, or one with its password in it: red, not taken. */
  gtk_editable_set_text (GTK_EDITABLE (url_row), "http://127.0.0.1/");
  g_signal_emit_by_name (url_row, "apply");
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  wanted_part = "Not a broker URL";
  iterate_until (window_shows_part, prefs, 5000);
  gtk_editable_set_text (GTK_EDITABLE (url_row), "mqtt://ha:secret@127.0.0.1");
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));
  g_signal_emit_by_name (url_row, "apply");
  /* (Its toast waits behind the one above.) */
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  {
    g_autofree char *kept = hf_settings_get_mqtt_url (settings);
    g_assert_cmpstr (kept, ==, url);
  }
  g_assert_nonnull (hf_session_get_mqtt (session));

  /* Control allowed: it starts again with the buttons. */
  mark = hf_test_subscriber_count (sub);
  gtk_switch_set_active (control, TRUE);
  g_assert_true (hf_settings_get_mqtt_allow_control (settings));
  g_assert_true (hf_test_subscriber_wait (sub, mark, "homeassistant/button/hashfleet_", NULL, 1,
                                          10000));

  /* Off: "offline", and the next readings no longer go out. */
  mark = hf_test_subscriber_count (sub);
  gtk_switch_set_active (enabled, FALSE);
  g_assert_null (hf_session_get_mqtt (session));
  g_assert_cmpstr (status_text (prefs), ==, "Off");
  g_assert_true (hf_test_subscriber_wait (sub, mark, "hashfleet/status", "offline", 1, 5000));
  while (hf_fleet_get_cycle_running (hf_session_get_fleet (session)))
    g_main_context_iteration (NULL, TRUE);
  {
    /* By its time: a new reading may take the freed one's address. */
    gint64 before = hf_miner_get_reading (miner)->timestamp;
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    hf_session_refresh (session);
    while ((hf_miner_get_reading (miner)->timestamp == before
            || hf_fleet_get_cycle_running (hf_session_get_fleet (session)))
           && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE), g_usleep (1000);
    g_assert_cmpint (hf_miner_get_reading (miner)->timestamp, >, before);
  }
  iterate_for (300);
  states = hf_test_subscriber_matches (sub, mark, state_topic, NULL);
  g_assert_cmpuint (states, ==, 0);

  hf_settings_set_mqtt_allow_control (settings, FALSE);
  hf_settings_set_mqtt_url (settings, "");
  gtk_window_destroy (GTK_WINDOW (prefs));
  hf_test_subscriber_free (sub);
  g_application_quit (app);
}

static void
test_mqtt (void)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  g_autofree char *dir = g_dir_make_tmp ("hf-test-bg-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "hashfleet.db", NULL);
  char *args[] = { "hashfleet", "--db", db, "--http-port", HTTP_PORT, "--cgminer-port",
                   CGMINER_PORT, NULL };

  broker = hf_test_broker_start ();
  g_application_set_default (G_APPLICATION (app));
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (mqtt_activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
  hf_test_broker_stop (broker);
  broker = NULL;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init_ui (&argc, &argv);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  sim = hf_test_sim_start (fleet_config);
  {
    /* No notification server here. */
    g_autoptr(GSettings) settings = app_settings ();
    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  g_test_add_func ("/ui/background/keeps-polling", test_keeps_polling);
  g_test_add_func ("/ui/background/off-ends", test_off_ends);
  g_test_add_func ("/ui/background/portal", test_portal);
  g_test_add_func ("/ui/background/mqtt", test_mqtt);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
