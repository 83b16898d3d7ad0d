/* test-window.c — the window template instantiates on GTK 4.8 and draws
 * SPDX-License-Identifier: MIT
 *
 * A property or signal newer than GTK 4.8 / libadwaita 1.2 in a .ui file
 * fails only at run time; this is where it fails.
 */
#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "hf-application.h"
#include "hf-test-utils.h"
#include "hf-details-window.h"
#include "hf-miner-card.h"
#include "hf-preferences-window.h"
#include "hf-totals-header.h"
#include "hf-window.h"

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_password_row (GtkWidget  *widget,
                   const char *title)
{
  if (ADW_IS_PASSWORD_ENTRY_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_password_row (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
spin_with_value (GtkWidget *widget,
                 double     value)
{
  if (GTK_IS_SPIN_BUTTON (widget) && gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)) == value)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = spin_with_value (child, value);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static HfSettings *
app_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");

  return hf_settings_new (settings);
}

/* On an 800×480 screen (the main window that size) the details window
 * and the preferences fit in the main window. */
static void
test_small_screen (void)
{
  g_autoptr(HfSettings) settings = app_settings ();
  GtkWidget *window = GTK_WIDGET (g_object_new (HF_TYPE_WINDOW, "settings", settings, NULL));
  GtkWidget *dialogs[2];
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 480);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window) || gtk_widget_get_width (window) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gtk_widget_get_height (window), <=, 480);
  dialogs[0] = hf_details_window_new (NULL, NULL);
  dialogs[1] = hf_preferences_window_new (settings);
  for (guint i = 0; i < G_N_ELEMENTS (dialogs); i++)
    {
      gtk_window_get_default_size (GTK_WINDOW (dialogs[i]), &width, &height);
      g_assert_cmpint (height, >, 480);
      gtk_window_set_transient_for (GTK_WINDOW (dialogs[i]), GTK_WINDOW (window));
      hf_window_fit_to_parent (GTK_WINDOW (dialogs[i]));
      gtk_window_get_default_size (GTK_WINDOW (dialogs[i]), &width, &height);
      g_assert_cmpint (width, <=, gtk_widget_get_width (window));
      g_assert_cmpint (height, ==, gtk_widget_get_height (window));
      gtk_window_destroy (GTK_WINDOW (dialogs[i]));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
find_primary_menu (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_primary_menu (c);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_window_template (void)
{
  g_autoptr(HfSettings) settings = app_settings ();
  GtkWidget *window = GTK_WIDGET (g_object_new (HF_TYPE_WINDOW, "settings", settings, NULL));
  GtkWidget *status, *header, *menu;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  int width = 0, height = 0;
  gboolean blink = TRUE;

  /* The tests' own GTK settings are read (hf_test_init_ui). */
  g_object_get (gtk_settings_get_default (), "gtk-cursor-blink", &blink, NULL);
  g_assert_false (blink);

  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window) || gtk_widget_get_width (window) == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Hashfleet");
  header = find_descendant (window, ADW_TYPE_HEADER_BAR);
  g_assert_nonnull (header);
  /* The primary menu (F10), beside the cards' sort menu. */
  menu = find_primary_menu (header);
  g_assert_nonnull (menu);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (menu), ==, "Main Menu");
  status = find_descendant (window, ADW_TYPE_STATUS_PAGE);
  g_assert_nonnull (status);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No Miners Yet");
  /* No miners: no cards to sort. */
  {
    GtkWidget *sort = find_descendant (header, GTK_TYPE_MENU_BUTTON);

    g_assert_cmpstr (gtk_widget_get_tooltip_text (sort), ==, "Sort Cards");
    g_assert_false (gtk_widget_get_visible (sort));
  }

  /* The size comes from the settings (defaults 1100 × 720). */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 720);

  /* It draws something. */
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (window),
                          gtk_widget_get_height (window));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
show_and_destroy (GtkWidget *window)
{
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every template, built and shown on this GTK: a property newer than 4.8 in
 * a .ui file fails only at run time. */
static void
test_every_template (void)
{
  g_autoptr(HfSettings) settings = app_settings ();
  g_autoptr(HfMiner) miner = hf_miner_new ("127.0.0.1", HF_FAMILY_AXEOS);
  g_autoptr(GtkBuilder) shortcuts = NULL;
  GtkWidget *window, *prefs;

  prefs = hf_preferences_window_new (settings);
  g_assert_nonnull (prefs);
  /* Its rows follow the settings both ways (the poll interval: a uint
   * shown by a spin button's double). */
  {
    GtkSpinButton *poll = GTK_SPIN_BUTTON (spin_with_value (prefs, 15));

    g_assert_nonnull (poll);
    hf_settings_set_poll_interval (settings, 42);
    g_assert_cmpfloat (gtk_spin_button_get_value (poll), ==, 42);
    gtk_spin_button_set_value (poll, 30);
    g_assert_cmpuint (hf_settings_get_poll_interval (settings), ==, 30);
    hf_settings_set_poll_interval (settings, 15);
  }
  show_and_destroy (prefs);
  show_and_destroy (hf_details_window_new (miner, NULL));
  show_and_destroy (hf_details_window_new (NULL, NULL));

  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), hf_miner_card_new ());
  show_and_destroy (window);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), hf_totals_header_new ());
  show_and_destroy (window);

  shortcuts = gtk_builder_new_from_resource ("/io/github/hashfleet/Hashfleet/gtk/help-overlay.ui");
  window = GTK_WIDGET (gtk_builder_get_object (shortcuts, "help_overlay"));
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (window));
  show_and_destroy (window);
}

/* The actions of @widget's own shortcuts that @accelerator triggers. */
static GPtrArray *
actions_for (GtkWidget  *widget,
             const char *accelerator)
{
  g_autoptr(GtkShortcutTrigger) trigger = gtk_shortcut_trigger_parse_string (accelerator);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  GPtrArray *actions = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_nonnull (trigger);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), trigger))
            g_ptr_array_add (actions, g_object_ref (gtk_shortcut_get_action (shortcut)));
        }
    }
  return actions;
}

static GtkWidget *
find_with_action (GtkWidget  *widget,
                  const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_with_action (child, action_name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkShortcutsShortcut *
find_shortcut_titled (GtkWidget  *widget,
                      const char *title)
{
  g_autofree char *text = NULL;

  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_object_get (widget, "title", &text, NULL);
      if (g_strcmp0 (text, title) == 0)
        return GTK_SHORTCUTS_SHORTCUT (widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkShortcutsShortcut *found = find_shortcut_titled (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Discover is Ctrl+D, as the tooltip and the shortcuts window say.
 * Ctrl+Shift+D is GTK's own (the Inspector): nothing of ours is on it. */
static void
test_discover_shortcut (void)
{
  g_autoptr(HfSettings) settings = app_settings ();
  GtkWidget *window = GTK_WIDGET (g_object_new (HF_TYPE_WINDOW, "settings", settings, NULL));
  g_autoptr(GPtrArray) ctrl_d = actions_for (window, "<Control>d");
  g_autoptr(GPtrArray) ctrl_shift_d = actions_for (window, "<Control><Shift>d");
  g_autoptr(GtkBuilder) help = NULL;
  g_autofree char *accelerator = NULL;
  GtkShortcutsShortcut *discover;
  GtkWidget *button;

  g_assert_cmpuint (ctrl_d->len, ==, 1);
  g_assert_true (GTK_IS_NAMED_ACTION (g_ptr_array_index (ctrl_d, 0)));
  g_assert_cmpstr (gtk_named_action_get_action_name (g_ptr_array_index (ctrl_d, 0)), ==,
                   "win.discover");
  for (guint i = 0; i < ctrl_shift_d->len; i++)
    g_assert_false (GTK_IS_NAMED_ACTION (g_ptr_array_index (ctrl_shift_d, i)));

  button = find_with_action (window, "win.discover");
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                   "Find the miners on your network (Ctrl+D)");

  help = gtk_builder_new_from_resource ("/io/github/hashfleet/Hashfleet/gtk/help-overlay.ui");
  discover = find_shortcut_titled (GTK_WIDGET (gtk_builder_get_object (help, "help_overlay")),
                                   "Discover miners");
  g_assert_nonnull (discover);
  g_object_get (discover, "accelerator", &accelerator, NULL);
  g_assert_cmpstr (accelerator, ==, "<ctrl>d");
  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (help, "help_overlay")));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

/* Text from errors and miners shows as it is, in toasts and rows: it is
 * never read as markup (which would show nothing at all). */
static void
test_plain_text (void)
{
  const char *text = "Cannot add 127.0.0.1: <html> & 500 <b";
  g_autoptr(HfSettings) settings = app_settings ();
  GtkWidget *window = GTK_WIDGET (g_object_new (HF_TYPE_WINDOW, "settings", settings, NULL));
  g_autoptr(HfMiner) miner = hf_miner_new ("127.0.0.1", HF_FAMILY_AXEOS);
  GtkWidget *details;
  gint64 end;

  gtk_window_present (GTK_WINDOW (window));
  hf_window_toast (HF_WINDOW (window), text);
  end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (!shows_label (window, text) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (shows_label (window, text));
  gtk_window_destroy (GTK_WINDOW (window));

  hf_miner_set_error (miner, text);
  details = hf_details_window_new (miner, NULL);
  gtk_window_present (GTK_WINDOW (details));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (hf_details_window_get_value (HF_DETAILS_WINDOW (details), "Last error"), ==,
                   text);
  g_assert_true (shows_label (details, text));
  gtk_window_destroy (GTK_WINDOW (details));
}

/* No network to scan: the empty page says so in a sentence and offers
 * Set Subnets…; the subnet row is red only while what it holds is not a
 * subnet. */
static void
test_no_network (void)
{
  g_autoptr(HfSettings) settings = app_settings ();
  GtkWidget *window = GTK_WIDGET (g_object_new (HF_TYPE_WINDOW, "settings", settings, NULL));
  GtkWidget *button = find_with_action (window, "win.set-subnets");
  GtkWidget *prefs;
  const char *text;

  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_visible (button));
  _hf_window_set_no_network (HF_WINDOW (window), TRUE);
  text = _hf_window_get_empty_text (HF_WINDOW (window));
  g_assert_null (strstr (text, "scans no network"));
  g_assert_nonnull (strstr (text, "This computer is on no network Discover can scan by itself."));
  g_assert_true (gtk_widget_get_visible (button));
  /* Subnets set: Discover scans those, and says which. */
  hf_settings_set_subnets (settings, (const char *[]) { "192.0.2.0/28", NULL });
  /* (A window of the app follows the setting; this one has no app.) */
  _hf_window_set_no_network (HF_WINDOW (window), TRUE);
  text = _hf_window_get_empty_text (HF_WINDOW (window));
  g_assert_nonnull (strstr (text, "Discover scans 192.0.2.0/28."));
  g_assert_false (gtk_widget_get_visible (button));
  hf_settings_set_subnets (settings, NULL);
  gtk_window_destroy (GTK_WINDOW (window));

  prefs = hf_preferences_window_new (settings);
  hf_preferences_window_show_subnets (HF_PREFERENCES_WINDOW (prefs));
  g_assert_false (hf_preferences_window_add_subnet (HF_PREFERENCES_WINDOW (prefs),
                                                    "192.0.2.300/24"));
  g_assert_true (_hf_preferences_window_get_subnet_error (HF_PREFERENCES_WINDOW (prefs)));
  _hf_preferences_window_type_subnet (HF_PREFERENCES_WINDOW (prefs), "192.0.2.3");
  g_assert_true (_hf_preferences_window_get_subnet_error (HF_PREFERENCES_WINDOW (prefs)) == FALSE);
  _hf_preferences_window_type_subnet (HF_PREFERENCES_WINDOW (prefs), "192.0.2.");
  _hf_preferences_window_type_subnet (HF_PREFERENCES_WINDOW (prefs), "192.0.2.0/24");
  g_assert_false (_hf_preferences_window_get_subnet_error (HF_PREFERENCES_WINDOW (prefs)));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static gboolean
shows_part (GtkWidget  *widget,
            const char *part)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_part (child, part))
      return TRUE;
  return FALSE;
}

/* Without a keyring (as here: no Secret Service on the test bus) a
 * password is not saved, the user is told why in words, and what they
 * typed stays; the Automation page says what a token changes. */
static gboolean
bus_offers (const char *method,
            const char *name)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **names = NULL;

  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", method, NULL,
                                       G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, NULL);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(^a&s)", &names);
  return g_strv_contains (names, name);
}

static void
test_no_keyring (void)
{
  g_autoptr(HfSettings) settings = NULL;
  GtkWidget *prefs, *row;
  gint64 end;

  /* A bus with a keyring (one running, or one it would start) is not the
   * case tested here. */
  if (bus_offers ("ListNames", "org.freedesktop.secrets")
      || bus_offers ("ListActivatableNames", "org.freedesktop.secrets"))
    {
      g_test_skip ("this session bus has a Secret Service");
      return;
    }
  settings = app_settings ();
  prefs = hf_preferences_window_new (settings);
  /* The Antminer's (the channel URL row above it hides its text too). */
  row = find_password_row (prefs, "Password");

  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), "s3cret");
  g_signal_emit_by_name (row, "apply");
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!shows_part (prefs, "The password is not saved: ") && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (shows_part (prefs, "The password is not saved: this computer has no keyring"));
  g_assert_false (shows_part (prefs, "org.freedesktop"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "s3cret");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  gtk_window_destroy (GTK_WINDOW (prefs));

  g_assert_nonnull (strstr (_hf_preferences_window_api_text (FALSE), "Reads are open"));
  g_assert_null (strstr (_hf_preferences_window_api_text (TRUE), "Reads are open"));
  g_assert_nonnull (strstr (_hf_preferences_window_api_text (TRUE), "reads too"));
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init_ui (&argc, &argv);
  if (!gtk_init_check ())
    {
      /* TAP: a skip is "1..0 # SKIP", exit 0 (77 would be an error). */
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();

  g_test_add_func ("/ui/window/template", test_window_template);
  g_test_add_func ("/ui/window/every-template", test_every_template);
  g_test_add_func ("/ui/window/discover-shortcut", test_discover_shortcut);
  g_test_add_func ("/ui/window/plain-text", test_plain_text);
  g_test_add_func ("/ui/window/no-network", test_no_network);
  g_test_add_func ("/ui/window/no-keyring", test_no_keyring);
  g_test_add_func ("/ui/window/small-screen", test_small_screen);
  return g_test_run ();
}
