/* test-groups.c — groups in the app's window, against the simulator
 * SPDX-License-Identifier: MIT
 *
 * A real window under Xvfb over a real database: miners put in a new
 * group through the window's own action and dialog; showing the group
 * leaves only its miners in the grid and the totals header adds up only
 * theirs; the miner menu offers the groups; a bulk identify reaches only
 * the group's miners, a bulk restart asks first; the group is there
 * after a restart of the app.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "hf-application.h"
#include "hf-test-utils.h"
#include "hf-totals-header.h"
#include "hf-window.h"

#define A "127.0.87.2"
#define B "127.0.87.3"
#define C "127.0.87.4"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18787\ncgminer-port=14787\nstatic=true\n"
  "[miner " A "]\nprofile=gamma\nhostname=bitaxe-a\n"
  "[miner " B "]\nprofile=ultra\n"
  "[miner " C "]\nprofile=nano3s\n";

static HfTestSim *sim;
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
settle (void)
{
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
is_loaded (gpointer app)
{
  return hf_application_get_loaded (app);
}

static gboolean
all_read (gpointer data)
{
  HfFleet *fleet = data;

  return hf_fleet_get_online_count (fleet) == 3 && !hf_fleet_get_cycle_running (fleet)
         && !isnan (hf_fleet_get_hashrate_ghs (fleet));
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = hf_session_add_finish (HF_SESSION (source), result, NULL, &error);

  g_assert_no_error (error);
  (*(guint *) user_data)++;
}

static void
select_only (HfWindow           *window,
             const char * const *addresses)
{
  GtkSelectionModel *selection = hf_window_get_selection (window);

  gtk_selection_model_unselect_all (selection);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (g_strv_contains (addresses, hf_miner_get_address (m)))
        gtk_selection_model_select_item (selection, i, FALSE);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The addresses the grid shows, sorted. */
static char *
shown (HfWindow *window)
{
  GListModel *model = G_LIST_MODEL (hf_window_get_selection (window));
  g_autoptr(GPtrArray) addresses = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
      g_ptr_array_add (addresses, (gpointer) hf_miner_get_address (m));
    }
  g_ptr_array_sort (addresses, compare_strings);
  g_ptr_array_add (addresses, NULL);
  return g_strjoinv (" ", (char **) addresses->pdata);
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_visible_popover (GtkWidget *widget)
{
  if (GTK_IS_POPOVER_MENU (widget) && gtk_widget_get_visible (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_visible_popover (c);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether @menu (or a section or submenu of it) has an item labelled @label. */
static gboolean
menu_has (GMenuModel *menu,
          const char *label)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *text = NULL;
      const char *links[] = { G_MENU_LINK_SECTION, G_MENU_LINK_SUBMENU };

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &text)
          && g_str_equal (text, label))
        return TRUE;
      for (guint l = 0; l < G_N_ELEMENTS (links); l++)
        {
          g_autoptr(GMenuModel) inner = g_menu_model_get_item_link (menu, i, links[l]);

          if (inner != NULL && menu_has (inner, label))
            return TRUE;
        }
    }
  return FALSE;
}

static double
hashrate_of (HfFleet    *fleet,
             const char *address)
{
  return hf_miner_get_hashrate_ghs (hf_fleet_lookup_address (fleet, address));
}

static void
flushed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_assert_true (hf_session_flush_finish (HF_SESSION (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
first_activate_cb (GApplication *app,
                   gpointer      user_data)
{
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfApplication *hf = HF_APPLICATION (app);
  HfFleet *fleet = hf_application_get_fleet (hf);
  HfSession *session = hf_application_get_session (hf);
  HfGroups *groups = hf_session_get_groups (session);
  HfTotalsHeader *totals = _hf_window_get_totals_header (window);
  const char *ab[] = { A, B, NULL };
  const char *b_only[] = { B, NULL };
  const char *a_only[] = { A, NULL };
  g_autofree char *sum_ab = NULL;
  g_autofree char *just_a = NULL;
  g_autofree char *all = NULL;
  AdwMessageDialog *dialog;
  GtkDropDown *dropdown;
  guint added = 0;
  gboolean flushed = FALSE;

  wait_until (is_loaded, app, 5000);
  hf_session_add_async (session, A, 0, 0, NULL, added_cb, &added);
  hf_session_add_async (session, B, 0, 0, NULL, added_cb, &added);
  hf_session_add_async (session, C, 0, 0, NULL, added_cb, &added);
  while (added < 3)
    g_main_context_iteration (NULL, TRUE);
  hf_session_refresh (session);
  wait_until (all_read, fleet, 15000);
  settle ();
  g_assert_cmpstr (hf_totals_header_get_text (totals, "miners"), ==, "3 of 3 online");
  /* Without groups, no drop-down. */
  dropdown = GTK_DROP_DOWN (find_descendant (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
  g_assert_nonnull (dropdown);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dropdown)));

  /* New Group… with A and B selected: the dialog names it, they join. */
  select_only (window, ab);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.group-new", NULL);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  {
    GtkWidget *entry = find_descendant (adw_message_dialog_get_extra_child (dialog),
                                        GTK_TYPE_ENTRY);

    gtk_editable_set_text (GTK_EDITABLE (entry), "bad\tname");
    g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
    gtk_editable_set_text (GTK_EDITABLE (entry), "Garage");
    g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  }
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  settle ();
  g_assert_cmpstr (hf_groups_lookup (groups, "garage"), ==, "Garage");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dropdown)));
  g_assert_null (hf_window_get_group (window));
  all = shown (window);
  g_assert_cmpstr (all, ==, A " " B " " C);

  /* The group shown: its miners only, and their totals. */
  hf_window_show_group (window, "GARAGE");
  settle ();
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 1);
  g_assert_cmpstr (hf_window_get_group (window), ==, "Garage");
  g_free (all);
  all = shown (window);
  g_assert_cmpstr (all, ==, A " " B);
  sum_ab = hf_format_hashrate (hashrate_of (fleet, A) + hashrate_of (fleet, B));
  g_assert_cmpstr (hf_totals_header_get_text (totals, "hashrate"), ==, sum_ab);
  g_assert_cmpstr (hf_totals_header_get_text (totals, "miners"), ==, "2 of 2 online");
  g_assert_cmpstr (hf_totals_header_get_text (totals, "group"), ==, "Group “Garage”");
  /* A cycle later, still theirs. */
  hf_session_refresh (session);
  wait_until (all_read, fleet, 15000);
  settle ();
  g_assert_cmpstr (hf_totals_header_get_text (totals, "miners"), ==, "2 of 2 online");

  /* The miner menu offers the groups. */
  select_only (window, b_only);
  hf_window_popup_menu (window);
  settle ();
  {
    GtkPopoverMenu *popover = GTK_POPOVER_MENU (find_visible_popover (GTK_WIDGET (window)));
    GMenuModel *menu = gtk_popover_menu_get_menu_model (popover);

    g_assert_true (menu_has (menu, "Add to _Group"));
    g_assert_true (menu_has (menu, "Remo_ve from Group"));
    g_assert_true (menu_has (menu, "Garage"));
    gtk_popover_popdown (GTK_POPOVER (popover));
  }
  /* Remove from Group: B leaves; grid and totals follow. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.group-remove", "s", "Garage");
  settle ();
  g_free (all);
  all = shown (window);
  g_assert_cmpstr (all, ==, A);
  just_a = hf_format_hashrate (hashrate_of (fleet, A));
  g_assert_cmpstr (hf_totals_header_get_text (totals, "hashrate"), ==, just_a);
  g_assert_cmpstr (hf_totals_header_get_text (totals, "miners"), ==, "1 of 1 online");

  /* Bulk actions on the group: identify reaches A only; restart asks. */
  g_assert_true (hf_window_act_on_group (window, "identify"));
  g_assert_cmpuint (hf_test_sim_events (sim, "identify", A, 1, 5000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "identify", B, 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "identify", C, 0, 0), ==, 0);
  select_only (window, a_only);
  g_assert_true (hf_window_act_on_group (window, "restart"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Restart bitaxe-a?");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  settle ();
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", A, 0, 500), ==, 0);

  /* All Miners again. */
  gtk_drop_down_set_selected (dropdown, 0);
  settle ();
  g_assert_null (hf_window_get_group (window));
  g_assert_cmpstr (hf_totals_header_get_text (totals, "miners"), ==, "3 of 3 online");
  hf_session_flush_async (session, 5000, flushed_cb, &flushed);
  while (!flushed)
    g_main_context_iteration (NULL, TRUE);
  g_application_quit (app);
}

/* The app started again over the same file: the group and its member. */
static void
second_activate_cb (GApplication *app,
                    gpointer      user_data)
{
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfSession *session = hf_application_get_session (HF_APPLICATION (app));
  g_autofree char *all = NULL;

  wait_until (is_loaded, app, 5000);
  settle ();
  g_assert_cmpstr (hf_groups_lookup (hf_session_get_groups (session), "garage"), ==, "Garage");
  hf_window_show_group (window, "Garage");
  settle ();
  all = shown (window);
  g_assert_cmpstr (all, ==, A);
  g_application_quit (app);
}

static void
run_app (GCallback activate)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  char *args[] = { "hashfleet", "--db", db_path, "--http-port", "18787", "--cgminer-port",
                   "14787", NULL };

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", activate, NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
}

static void
test_groups (void)
{
  run_app (G_CALLBACK (first_activate_cb));
  run_app (G_CALLBACK (second_activate_cb));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  int status;

  hf_test_init_ui (&argc, &argv);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  dir = g_dir_make_tmp ("hf-test-groups-XXXXXX", NULL);
  db_path = g_build_filename (dir, "hashfleet.db", NULL);
  sim = hf_test_sim_start (fleet_config);
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");
    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  g_test_add_func ("/ui/groups/filter-totals-actions", test_groups);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  g_free (db_path);
  return status;
}
