/* test-keyring.c — the notification channels against a keyring that answers late
 * SPDX-License-Identifier: MIT
 *
 * The app reads its channel list from the keyring at start-up; a keyring
 * may take its time (it waits for the user to unlock it).  Here the
 * keyring is the test's own Secret Service (hf-test-keyring.c), reached by
 * the real libsecret over the session bus, which holds its answers until
 * the test lets them go:
 *  - a channel added in Preferences before the list came works at once,
 *    is not saved over the list, and is merged into it when it comes; the
 *    rows then show both, and removing one removes that one;
 *  - a keyring that stays locked (its prompt dismissed) is not taken for
 *    an empty one: nothing is saved over the list it keeps.
 */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hf-application.h"
#include "hf-preferences-window.h"
#include "hf-test-keyring.h"
#include "hf-test-receiver.h"
#include "hf-test-utils.h"

#define SCHEMA APP_ID ".Credential"

static HfTestKeyring *keyring;
static HfTestReceiver *receiver;
static char *db_path;

static void
wait_until (gboolean (*done) (gpointer),
            gpointer  data,
            guint     ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (done (data));
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
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

static GtkWidget *
find_titled (GtkWidget  *widget,
             GType       type,
             const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type)
      && ((ADW_IS_PREFERENCES_ROW (widget)
           && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
          || (GTK_IS_BUTTON (widget)
              && (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), title) == 0
                  || g_strcmp0 (gtk_widget_get_tooltip_text (widget), title) == 0))))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_titled (c, type, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
saved (void)
{
  return hf_test_keyring_get (keyring, "kind", "notify-urls");
}

static gboolean
all_held (gpointer data)
{
  /* The start-up lookups: two miner passwords, the API token, the
   * channels. */
  return hf_test_keyring_get_n_held (keyring) >= 4;
}

static gboolean
channels_loaded (gpointer data)
{
  return hf_notify_channels_get_loaded (data);
}

static gboolean
saved_is (gpointer data)
{
  return g_strcmp0 (saved (), data) == 0;
}

/* An ntfy channel on the receiver, and how Preferences shows it. */
static char *
channel (const char *topic)
{
  return g_strdup_printf ("ntfy://127.0.0.1:%u/%s", receiver->port, topic);
}

static char *
masked (const char *topic)
{
  return g_strdup_printf ("ntfy://127.0.0.1:%u/%.2s****", receiver->port, topic);
}

static void
add_channel (GtkWidget  *prefs,
             const char *url)
{
  GtkWidget *entry = find_titled (prefs, ADW_TYPE_PASSWORD_ENTRY_ROW, "Add a channel URL");

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), url);
  g_signal_emit_by_name (entry, "apply");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

/* ---- a late list ---------------------------------------------------------- */

static void
late_activate_cb (GApplication *app,
                  gpointer      user_data)
{
  HfApplication *hf = HF_APPLICATION (app);
  HfNotifyChannels *channels = hf_application_get_notify_channels (hf);
  HfNotifier *notifier = hf_session_get_notifier (hf_application_get_session (hf));
  g_autofree char *kept = channel ("kept-topic");
  g_autofree char *added = channel ("added-topic");
  g_autofree char *both = g_strdup_printf ("%s\n%s", kept, added);
  g_autofree char *kept_masked = masked ("kept-topic");
  g_autofree char *added_masked = masked ("added-topic");
  GtkWidget *prefs, *row, *remove;

  /* Every start-up lookup waits on the keyring. */
  wait_until (all_held, NULL, 10000);
  g_assert_false (hf_notify_channels_get_loaded (channels));
  g_assert_null (hf_application_get_notify_urls (hf));

  prefs = hf_preferences_window_new (hf_application_get_settings (hf));
  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_null (find_titled (prefs, ADW_TYPE_ACTION_ROW, kept_masked));

  /* Added meanwhile: it works at once… */
  add_channel (prefs, added);
  g_assert_cmpstr (hf_application_get_notify_urls (hf), ==, added);
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 1);
  g_assert_nonnull (find_titled (prefs, ADW_TYPE_ACTION_ROW, added_masked));
  /* …but is not saved over the list the keyring keeps. */
  run_for (500);
  g_assert_cmpstr (saved (), ==, kept);
  g_assert_cmpuint (hf_test_keyring_get_n_writes (keyring), ==, 0);

  /* The list comes: merged (the keyring's first, then the edit), saved,
   * in use, and shown. */
  hf_test_keyring_release (keyring);
  wait_until (channels_loaded, channels, 10000);
  wait_until (saved_is, both, 10000);
  g_assert_cmpuint (hf_test_keyring_get_n_writes (keyring), ==, 1);
  g_assert_cmpstr (hf_application_get_notify_urls (hf), ==, both);
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 2);
  g_assert_nonnull (find_titled (prefs, ADW_TYPE_ACTION_ROW, kept_masked));
  g_assert_nonnull (find_titled (prefs, ADW_TYPE_ACTION_ROW, added_masked));
  wanted_part = "Channels saved in the keyring";
  wait_until (window_shows_part, prefs, 10000);
  g_assert_false (shows_part (prefs, "kept-topic"));

  /* The row of the kept channel removes that one, wherever it stands. */
  row = find_titled (prefs, ADW_TYPE_ACTION_ROW, kept_masked);
  remove = find_titled (row, GTK_TYPE_BUTTON, "Remove this channel");
  g_assert_nonnull (remove);
  g_signal_emit_by_name (remove, "clicked");
  g_assert_cmpstr (hf_application_get_notify_urls (hf), ==, added);
  wait_until (saved_is, added, 10000);
  g_assert_null (find_titled (prefs, ADW_TYPE_ACTION_ROW, kept_masked));
  g_assert_nonnull (find_titled (prefs, ADW_TYPE_ACTION_ROW, added_masked));
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 1);

  /* The same channel again: said, not added twice. */
  add_channel (prefs, added);
  g_assert_cmpstr (hf_application_get_notify_urls (hf), ==, added);
  wanted_part = "This channel is already in the list";
  wait_until (window_shows_part, prefs, 10000);

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_application_quit (app);
}

static void
run_app (GCallback activate)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  char *args[] = { "hashfleet", "--db", db_path, "--http-port", "18782", "--cgminer-port",
                   "14782", NULL };

  /* Preferences finds the app as the default one. */
  g_application_set_default (G_APPLICATION (app));
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", activate, NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
}

static void
test_late_list (void)
{
  g_autofree char *kept = channel ("kept-topic");

  hf_test_keyring_set (keyring, kept, "kind", "notify-urls", "xdg:schema", SCHEMA, NULL);
  hf_test_keyring_hold (keyring);
  run_app (G_CALLBACK (late_activate_cb));
  hf_test_keyring_release (keyring);
}

/* ---- a locked keyring ----------------------------------------------------- */

static void
locked_activate_cb (GApplication *app,
                    gpointer      user_data)
{
  HfApplication *hf = HF_APPLICATION (app);
  HfNotifier *notifier = hf_session_get_notifier (hf_application_get_session (hf));
  g_autofree char *kept = channel ("locked-topic");
  g_autofree char *added = channel ("while-locked");
  GtkWidget *prefs = hf_preferences_window_new (hf_application_get_settings (hf));

  gtk_window_present (GTK_WINDOW (prefs));
  add_channel (prefs, added);
  g_assert_cmpstr (hf_application_get_notify_urls (hf), ==, added);
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 1);
  /* Said why it is not saved; the locked list is left as it is. */
  wanted_part = "The channels are not saved: the keyring is locked";
  wait_until (window_shows_part, prefs, 10000);
  g_assert_cmpstr (saved (), ==, kept);
  g_assert_cmpuint (hf_test_keyring_get_n_writes (keyring), ==, 0);
  g_assert_false (hf_notify_channels_get_loaded (hf_application_get_notify_channels (hf)));

  /* Unlocked later (Preferences reads the keyring again after a password
   * is set): merged and saved then. */
  hf_test_keyring_set_locked (keyring, FALSE);
  hf_application_reload_credentials (hf);
  {
    g_autofree char *both = g_strdup_printf ("%s\n%s", kept, added);

    wait_until (saved_is, both, 10000);
    g_assert_cmpstr (hf_application_get_notify_urls (hf), ==, both);
    g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 2);
  }

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_application_quit (app);
}

static void
test_locked (void)
{
  g_autofree char *kept = channel ("locked-topic");

  /* Only the locked list. */
  hf_test_keyring_clear (keyring);
  hf_test_keyring_set (keyring, kept, "kind", "notify-urls", "xdg:schema", SCHEMA, NULL);
  hf_test_keyring_set_locked (keyring, TRUE);
  run_app (G_CALLBACK (locked_activate_cb));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *bus_name = g_strdup_printf ("io.github.hashfleet.Test.Keyring.p%d",
                                               (int) getpid ());
  int status;

  /* libsecret reads it on first use: this keyring, nobody else's. */
  g_setenv ("SECRET_SERVICE_BUS_NAME", bus_name, TRUE);
  hf_test_init_ui (&argc, &argv);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  dir = g_dir_make_tmp ("hf-test-keyring-XXXXXX", NULL);
  db_path = g_build_filename (dir, "hashfleet.db", NULL);
  keyring = hf_test_keyring_new (bus_name);
  receiver = hf_test_receiver_new ();
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");
    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  g_test_add_func ("/ui/keyring/late-list", test_late_list);
  g_test_add_func ("/ui/keyring/locked", test_locked);
  status = g_test_run ();
  hf_test_receiver_free (receiver);
  hf_test_keyring_free (keyring);
  g_free (db_path);
  return status;
}
