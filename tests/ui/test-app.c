/* test-app.c — the app end to end against hashfleet-sim on loopback
 * SPDX-License-Identifier: MIT
 *
 * Discover fills the grid and the totals; the context-menu actions reach
 * the fleet (the simulated miner receives the restart; remove removes it
 * from the model and the store); the fleet comes back from the store.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <adwaita.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>

#include "hf-add-miner-dialog.h"
#include "hf-application.h"
#include "hf-identify.h"
#include "hf-json.h"
#include "hf-details-window.h"
#include "hf-export.h"
#include "hf-miner-card.h"
#include "hf-miner-settings-dialog.h"
#include "hf-miner-status.h"
#include "hf-preferences-window.h"
#include "hf-settings-rollout.h"
#include "hf-test-receiver.h"
#include "hf-test-utils.h"
#include "hf-totals-header.h"
#include "hf-window.h"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18780\ncgminer-port=14780\nstatic=true\nrestart-seconds=2\n"
  "[miner 127.0.42.2]\nprofile=gamma\nhostname=bitaxe-a\n"
  "[miner 127.0.42.3]\nprofile=s19pro\n"
  "[miner 127.0.42.4]\nprofile=m30s\n"
  "[miner 127.0.42.5]\nprofile=nano3s\n"
  "[miner 127.0.42.60]\nprofile=ultra\n"       /* outside Discover's range: added by hand */
  "[miner 127.0.42.61]\nprofile=vnish\n";      /* the same, for its preset */

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

static gboolean
all_read (gpointer data)
{
  HfFleet *fleet = data;

  return hf_fleet_get_online_count (fleet) == 4 && !hf_fleet_get_cycle_running (fleet)
         && !isnan (hf_fleet_get_hashrate_ghs (fleet));
}

static gboolean
is_loaded (gpointer app)
{
  return hf_application_get_loaded (app);
}

static void
flushed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_session_flush_finish (HF_SESSION (source), result, &error));
  *(gboolean *) user_data = TRUE;
}

/* Every save, removal and cycle the session has queued is in the store. */
static void
flush_session (HfApplication *app)
{
  gboolean done = FALSE;

  hf_session_flush_async (hf_application_get_session (app), 5000, flushed_cb, &done);
  hf_test_wait_for (&done, 6000);
}

static gboolean
not_discovering (gpointer data)
{
  return !hf_window_get_discovering (data);
}

/* A mapped label under @widget whose text contains @part. */
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

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}


static void
select_address (HfWindow   *window,
                const char *address)
{
  GtkSelectionModel *selection = hf_window_get_selection (window);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (G_LIST_MODEL (selection), i);
      if (g_strcmp0 (hf_miner_get_address (m), address) == 0)
        {
          gtk_selection_model_select_item (selection, i, TRUE);
          return;
        }
    }
  g_assert_not_reached ();
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

/* The actionable under @widget with @action. */
static GtkWidget *
find_with_action (GtkWidget  *widget,
                  const char *action)
{
  if (GTK_IS_ACTIONABLE (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_with_action (c, action);
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

static gboolean
is_restarting (gpointer miner)
{
  return hf_miner_get_restarting (miner);
}

static gboolean
back_from_restart (gpointer miner)
{
  return !hf_miner_get_restarting (miner) && hf_miner_get_online (miner);
}

static guint position_of (HfWindow *window, const char *address);

/* A visible widget under @widget with @tooltip. */
static gboolean
any_visible_with_tooltip (GtkWidget  *widget,
                          const char *tooltip)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (any_visible_with_tooltip (c, tooltip))
      return TRUE;
  return FALSE;
}

static gboolean
triggered_by (GtkShortcutTrigger *trigger,
              GtkShortcutTrigger *key)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return triggered_by (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), key)
           || triggered_by (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)),
                            key);
  return gtk_shortcut_trigger_equal (trigger, key);
}

/* Run what @accelerator does in @widget (its shortcut controllers):
 * exactly one shortcut, which does it. */
static void
press (GtkWidget  *widget,
       const char *accelerator)
{
  g_autoptr(GtkShortcutTrigger) trigger = gtk_shortcut_trigger_parse_string (accelerator);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint found = 0;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      for (guint j = 0; GTK_IS_SHORTCUT_CONTROLLER (controller)
                        && j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (!triggered_by (gtk_shortcut_get_trigger (shortcut), trigger))
            continue;
          g_assert_true (gtk_shortcut_action_activate (action, 0, widget,
                                                       gtk_shortcut_get_arguments (shortcut)));
          found++;
        }
    }
  g_assert_cmpuint (found, ==, 1);
}

static void
collect_cards (GtkWidget *widget,
               GPtrArray *cards)
{
  if (HF_IS_MINER_CARD (widget))
    g_ptr_array_add (cards, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_cards (c, cards);
}

static gboolean
has_error_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error"))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (has_error_label (c))
      return TRUE;
  return FALSE;
}

/* The bound cards that show a label in red. */
static guint
count_with_error (GPtrArray *cards)
{
  guint n = 0;

  for (guint i = 0; i < cards->len; i++)
    if (hf_miner_card_get_miner (g_ptr_array_index (cards, i)) != NULL
        && has_error_label (g_ptr_array_index (cards, i)))
      n++;
  return n;
}

/* The cards in the window's grid show every miner once, each with the
 * app's settings (the grid's template binds both), and colour the
 * temperature from those settings. */
/* The cards' order follows the sort menu (fastest first, by name), the
 * table's its column headers (by address until one is clicked); the sort
 * button is there for the cards only. */
static void
check_card_sort (HfApplication *app,
                 HfWindow      *window)
{
  HfSettings *settings = hf_application_get_settings (app);
  GListModel *model = G_LIST_MODEL (hf_window_get_selection (window));
  guint n = g_list_model_get_n_items (model);

  g_assert_cmpuint (n, >=, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.card-sort", "s",
                                             "hashrate"));
  g_assert_cmpstr (hf_settings_get_card_sort (settings), ==, "hashrate");
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(HfMiner) a = g_list_model_get_item (model, i - 1);
      g_autoptr(HfMiner) b = g_list_model_get_item (model, i);
      g_assert_cmpfloat (hf_miner_get_hashrate_ghs (a), >=, hf_miner_get_hashrate_ghs (b));
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.card-sort", "s", "name"));
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(HfMiner) a = g_list_model_get_item (model, i - 1);
      g_autoptr(HfMiner) b = g_list_model_get_item (model, i);
      g_assert_cmpint (g_utf8_collate (hf_miner_display_name (a), hf_miner_display_name (b)), <=,
                       0);
    }
  /* The sort button is shown with the cards. */
  g_assert_true (any_visible_with_tooltip (GTK_WIDGET (window), "Sort Cards"));

  hf_settings_set_view_mode (settings, "table");
  g_assert_false (any_visible_with_tooltip (GTK_WIDGET (window), "Sort Cards"));
  /* Name and status first, in view on a small screen. */
  {
    GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (
      find_descendant (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW)));
    g_autoptr(GtkColumnViewColumn) first = g_list_model_get_item (columns, 0);
    g_autoptr(GtkColumnViewColumn) second = g_list_model_get_item (columns, 1);

    g_assert_cmpstr (gtk_column_view_column_get_title (first), ==, "Name");
    g_assert_cmpstr (gtk_column_view_column_get_title (second), ==, "Status");
  }
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(HfMiner) a = g_list_model_get_item (model, i - 1);
      g_autoptr(HfMiner) b = g_list_model_get_item (model, i);
      g_assert_cmpint (hf_miner_compare_field (a, b, HF_MINER_FIELD_ADDRESS), <, 0);
    }
  hf_settings_set_view_mode (settings, "cards");
  {
    g_autoptr(HfMiner) first = g_list_model_get_item (model, 0);
    g_autoptr(HfMiner) second = g_list_model_get_item (model, 1);
    g_assert_cmpint (g_utf8_collate (hf_miner_display_name (first),
                                     hf_miner_display_name (second)), <=, 0);
  }
  hf_settings_set_card_sort (settings, "address");
}

static void
check_cards (HfApplication *app,
             HfWindow      *window)
{
  HfSettings *settings = hf_application_get_settings (app);
  HfFleet *fleet = hf_application_get_fleet (app);
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  g_autoptr(GHashTable) shown = g_hash_table_new (NULL, NULL);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  collect_cards (GTK_WIDGET (window), cards);
  for (guint i = 0; i < cards->len; i++)
    {
      HfMinerCard *card = g_ptr_array_index (cards, i);

      if (hf_miner_card_get_miner (card) == NULL)
        continue;
      g_assert_true (hf_miner_card_get_settings (card) == settings);
      g_hash_table_add (shown, hf_miner_card_get_miner (card));
    }
  g_assert_cmpuint (g_hash_table_size (shown), ==, g_list_model_get_n_items (G_LIST_MODEL (fleet)));

  /* Every simulated miner runs above 40 °C and below 120 °C (and is
   * online: a card's only label in "error" is then its temperature),
   * whatever their family's threshold. */
  for (HfFamily f = HF_FAMILY_UNKNOWN; f < HF_N_FAMILIES; f++)
    hf_settings_set_hot_c (settings, f, 40);
  g_assert_cmpuint (count_with_error (cards), ==, g_hash_table_size (shown));
  for (HfFamily f = HF_FAMILY_UNKNOWN; f < HF_N_FAMILIES; f++)
    hf_settings_set_hot_c (settings, f, 120);
  g_assert_cmpuint (count_with_error (cards), ==, 0);
  for (HfFamily f = HF_FAMILY_UNKNOWN; f < HF_N_FAMILIES; f++)
    g_settings_reset (hf_settings_get_gsettings (settings), hf_settings_hot_key (f));
}

/* The target of the item for @action in @menu (or its sections). */
static char *
menu_target (GMenuModel *menu,
             const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *name = NULL;
      g_autofree char *target = NULL;

      if (section != NULL && (target = menu_target (section, action)) != NULL)
        return g_steal_pointer (&target);
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_str_equal (name, action)
          && g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_TARGET, "s", &target))
        return g_steal_pointer (&target);
    }
  return NULL;
}

/* The grid's own item widget that shows the card of @address. */
static GtkWidget *
grid_item_of (HfWindow   *window,
              const char *address)
{
  GtkWidget *grid = find_descendant (GTK_WIDGET (window), GTK_TYPE_GRID_VIEW);

  for (GtkWidget *c = gtk_widget_get_first_child (grid); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *card = find_descendant (c, HF_TYPE_MINER_CARD);

      if (card != NULL && hf_miner_card_get_miner (HF_MINER_CARD (card)) != NULL
          && g_strcmp0 (hf_miner_get_address (hf_miner_card_get_miner (HF_MINER_CARD (card))),
                        address) == 0)
        return c;
    }
  g_assert_not_reached ();
}

static gboolean
is_laid_out (gpointer widget)
{
  return gtk_widget_get_width (widget) > 100;
}

static guint
count_pressed (GtkWidget *grid)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (grid); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    n += (gtk_widget_get_state_flags (c) & GTK_STATE_FLAG_ACTIVE) != 0;
  return n;
}

/* The secondary-button click gesture of @view, as a right-click runs it. */
static GtkGesture *
right_click_of (GtkWidget *view)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (c)
          && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (c)) == GDK_BUTTON_SECONDARY)
        return GTK_GESTURE (c);
    }
  g_assert_not_reached ();
}

/* Escape from a miner's menu gives focus back to that miner (the first
 * button, Discover, would take the next Enter); a right-clicked or
 * double-clicked card does not stay looking pressed. */
static void
menu_focus_checks (HfWindow   *window,
                   const char *address)
{
  GtkWidget *grid = find_descendant (GTK_WIDGET (window), GTK_TYPE_GRID_VIEW);
  GtkWidget *item = grid_item_of (window, address);
  GtkWidget *focus;
  GtkPopover *popover;
  graphene_rect_t bounds;
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  /* A right-click (nothing focused: a click does not focus the card):
   * GTK marks the card pressed as the press starts; the menu claims the
   * press, so no release clears it. */
  gtk_root_set_focus (GTK_ROOT (window), NULL);
  wait_until (is_laid_out, item, 5000);
  g_assert_true (gtk_widget_compute_bounds (item, grid, &bounds));
  gtk_widget_set_state_flags (item, GTK_STATE_FLAG_ACTIVE, FALSE);
  g_signal_emit_by_name (right_click_of (grid), "pressed", 1,
                         (double) (bounds.origin.x + bounds.size.width / 2),
                         (double) (bounds.origin.y + bounds.size.height / 2));
  popover = GTK_POPOVER (find_visible_popover (GTK_WIDGET (window)));
  g_assert_nonnull (popover);
  g_assert_cmpuint (count_pressed (grid), ==, 0);
  gtk_popover_popdown (popover);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == item || gtk_widget_is_ancestor (focus, item));

  /* The Menu key on the focused card, then Escape: back on the card. */
  g_assert_true (gtk_widget_grab_focus (item));
  press (grid, "Menu");
  popover = GTK_POPOVER (find_visible_popover (GTK_WIDGET (window)));
  g_assert_nonnull (popover);
  gtk_popover_popdown (popover);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == item || gtk_widget_is_ancestor (focus, item));

  /* A double-click opens the details window before its release. */
  gtk_widget_set_state_flags (item, GTK_STATE_FLAG_ACTIVE, FALSE);
  g_signal_emit_by_name (grid, "activate", position_of (window, address));
  g_assert_cmpuint (count_pressed (grid), ==, 0);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (HF_IS_DETAILS_WINDOW (w))
        {
          gtk_window_destroy (w);
          break;
        }
    }
}

static void
discover_activate_cb (GApplication *app,
                      gpointer      user_data)
{
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfFleet *fleet = hf_application_get_fleet (HF_APPLICATION (app));
  HfSettings *settings = hf_application_get_settings (HF_APPLICATION (app));
  HfStore *store;
  HfTotalsHeader *totals = HF_TOTALS_HEADER (find_descendant (GTK_WIDGET (window),
                                                              HF_TYPE_TOTALS_HEADER));
  const char *targets[] = { "127.0.42.1-127.0.42.40", NULL };
  GtkSelectionModel *selection = hf_window_get_selection (window);
  g_autofree char *expected = NULL;
  double sum = 0;
  HfMiner *gamma;
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) stored = NULL;
  GtkPopover *popover;

  /* The stored fleet is read on a worker: the window comes first. */
  wait_until (is_loaded, app, 5000);
  store = hf_application_get_store (HF_APPLICATION (app));
  g_assert_nonnull (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 0);

  /* Ctrl+D: Discover on the subnets set (a loopback range); the grid
   * fills.  Only then: no other network is ever scanned. */
  hf_settings_set_subnets (settings, targets);
  {
    g_auto(GStrv) subnets = hf_settings_get_subnets (settings);
    g_assert_true (g_strv_equal ((const char * const *) subnets, targets));
  }
  press (GTK_WIDGET (window), "<Control>d");
  /* Ctrl+Shift+D stays GTK's (the Inspector): no accelerator of ours. */
  {
    g_auto(GStrv) ours = gtk_application_get_actions_for_accel (GTK_APPLICATION (app),
                                                                "<Control><Shift>d");
    g_assert_cmpuint (g_strv_length (ours), ==, 0);
  }
  g_assert_true (hf_window_get_discovering (window));
  /* While it scans, the button cancels, and beside it, how far it got. */
  g_assert_cmpstr (_hf_window_get_discover_text (window, FALSE), ==, "Cancel");
  g_assert_true (g_str_has_suffix (_hf_window_get_discover_text (window, TRUE), "found"));
  wait_until (not_discovering, window, 10000);
  g_assert_cmpstr (_hf_window_get_discover_text (window, FALSE), ==, "Discover");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 4);
  wanted_part = "miners in";
  wait_until (window_shows_part, window, 3000);
  g_assert_true (shows_part (GTK_WIDGET (window), ", 4 new"));
  wait_until (all_read, fleet, 10000);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (G_LIST_MODEL (fleet), i);
      sum += hf_miner_get_hashrate_ghs (m);
    }
  expected = hf_format_hashrate (sum);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (hf_totals_header_get_text (totals, "hashrate"), ==, expected);
  g_assert_cmpstr (hf_totals_header_get_text (totals, "miners"), ==, "4 of 4 online");
  check_cards (HF_APPLICATION (app), window);
  check_card_sort (HF_APPLICATION (app), window);
  /* Again: the same four, none of them new; scrolled down (a small
   * window), the grid stays where it was. */
  gtk_window_unmaximize (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 380);
  {
    GtkWidget *scrolled = gtk_widget_get_parent (find_descendant (GTK_WIDGET (window),
                                                                  GTK_TYPE_GRID_VIEW));
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

    while (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) < 30
           && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    /* Until the window has its new size and the grid its columns. */
    for (end = g_get_monotonic_time () + G_USEC_PER_SEC / 2; g_get_monotonic_time () < end;)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpfloat (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj), >=,
                       30);
    gtk_adjustment_set_value (adj, 30);
    for (int i = 0; i < 20; i++)
      g_main_context_iteration (NULL, FALSE);
    hf_window_discover (window, NULL);
    for (int i = 0; i < 20; i++)
      g_main_context_iteration (NULL, FALSE);
    wait_until (not_discovering, window, 10000);
    for (int i = 0; i < 20; i++)
      g_main_context_iteration (NULL, FALSE);
    /* (The grid keeps its anchor card, to a pixel or two, as the
     * progress bar comes and goes.) */
    g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adj), 30, 3);
  }
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  wanted_part = "miners in";
  wanted_part = ", none new";
  wait_until (window_shows_part, window, 12000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 4);
  /* Discovered miners are saved (by the store's worker). */
  flush_session (HF_APPLICATION (app));
  stored = hf_store_load_fleet (store, NULL);
  g_assert_cmpuint (stored->len, ==, 4);
  g_clear_pointer (&stored, g_ptr_array_unref);

  /* Search filters by family. */
  {
    /* The window's own (a group drop-down holds one too). */
    GtkSearchEntry *entry = GTK_SEARCH_ENTRY (find_descendant (find_descendant (GTK_WIDGET (window),
                                                                                GTK_TYPE_SEARCH_BAR),
                                                               GTK_TYPE_SEARCH_ENTRY));
    gtk_editable_set_text (GTK_EDITABLE (entry), "avalon");
    g_signal_emit_by_name (entry, "search-changed");
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 1);
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
    g_signal_emit_by_name (entry, "search-changed");
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 4);
  }

  /* The menu opens for the selection (as the Menu key does), its items
   * targeted at the selected miner. */
  gamma = hf_fleet_lookup_address (fleet, "127.0.42.2");
  select_address (window, "127.0.42.2");
  press (find_descendant (GTK_WIDGET (window), GTK_TYPE_GRID_VIEW), "Menu");
  popover = GTK_POPOVER (find_visible_popover (GTK_WIDGET (window)));
  g_assert_nonnull (popover);
  {
    GMenuModel *menu = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));
    g_autofree char *target = menu_target (menu, "miner.restart");

    g_assert_cmpstr (target, ==, "127.0.42.2");
  }
  gtk_popover_popdown (popover);
  press (find_descendant (GTK_WIDGET (window), GTK_TYPE_GRID_VIEW), "<Shift>F10");
  g_assert_true (find_visible_popover (GTK_WIDGET (window)) == GTK_WIDGET (popover));
  gtk_popover_popdown (popover);

  menu_focus_checks (window, "127.0.42.2");

  /* Restart… targeted at a miner outside the selection: that miner alone,
   * confirmed, received by the simulated miner, shown as restarting. */
  select_address (window, "127.0.42.3");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "miner.restart", "s",
                                             "127.0.42.2"));
  wait_until (dialog_shown, NULL, 2000);
  g_assert_cmpstr (adw_message_dialog_get_heading (find_dialog ()), ==, "Restart bitaxe-a?");
  adw_message_dialog_response (find_dialog (), "restart");
  /* Several: the question names them.  (A response from code leaves the
   * dialog open, unlike a click.) */
  gtk_window_destroy (GTK_WINDOW (find_dialog ()));
  {
    g_autofree char *heading = NULL;

    select_address (window, "127.0.42.2");
    gtk_selection_model_select_item (selection, position_of (window, "127.0.42.5"), FALSE);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "miner.restart", "s",
                                               "127.0.42.2"));
    wait_until (dialog_shown, NULL, 2000);
    heading = g_strdup_printf ("Restart bitaxe-a and %s?",
                               hf_miner_display_name (hf_fleet_lookup_address (fleet,
                                                                               "127.0.42.5")));
    g_assert_cmpstr (adw_message_dialog_get_heading (find_dialog ()), ==, heading);
    adw_message_dialog_response (find_dialog (), "cancel");
    gtk_window_destroy (GTK_WINDOW (find_dialog ()));
  }
  wait_until (is_restarting, gamma, 5000);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.42.2", 1, 3000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.42.3", 0, 0), ==, 0);
  /* Polls find it down, then back: "restarting" ends. */
  hf_fleet_set_poll_interval (fleet, 1);
  wait_until (back_from_restart, gamma, 20000);

  /* Identify targeted at a selected miner: the whole selection (the
   * Bitaxe and the Avalon), and no other. */
  {
    guint before2 = hf_test_sim_events (sim, "identify", "127.0.42.2", 0, 0);
    guint before4 = hf_test_sim_events (sim, "identify", "127.0.42.4", 0, 0);
    guint before5 = hf_test_sim_events (sim, "identify", "127.0.42.5", 0, 0);

    select_address (window, "127.0.42.2");
    gtk_selection_model_select_item (selection, position_of (window, "127.0.42.5"), FALSE);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "miner.identify", "s",
                                               "127.0.42.5"));
    g_assert_cmpuint (hf_test_sim_events (sim, "identify", "127.0.42.2", before2 + 1, 5000), ==,
                      before2 + 1);
    g_assert_cmpuint (hf_test_sim_events (sim, "identify", "127.0.42.5", before5 + 1, 5000), ==,
                      before5 + 1);
    g_assert_cmpuint (hf_test_sim_events (sim, "identify", "127.0.42.4", 0, 0), ==, before4);
    wanted_part = "Identifying 2 miners";
    wait_until (window_shows_part, window, 15000);
  }

  /* Rename… names one miner, even in a selection: the card shows the name,
   * the store keeps it; an empty name gives the miner's own back. */
  while ((dialog = find_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  select_address (window, "127.0.42.2");
  gtk_selection_model_select_item (selection, position_of (window, "127.0.42.5"), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "miner.rename", "s",
                                             "127.0.42.5"));
  wait_until (dialog_shown, NULL, 2000);
  dialog = find_dialog ();
  {
    g_autofree char *heading = g_strdup_printf ("Rename %s", hf_miner_display_name (
                                                  hf_fleet_lookup_address (fleet, "127.0.42.5")));
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  }
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "rename");
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)),
                         "  Garage Nano ");
  adw_message_dialog_response (dialog, "rename");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpstr (hf_miner_get_label (hf_fleet_lookup_address (fleet, "127.0.42.5")), ==,
                   "Garage Nano");
  g_assert_cmpstr (hf_miner_display_name (gamma), ==, "bitaxe-a");
  wanted_part = "Garage Nano";
  wait_until (window_shows_part, window, 5000);
  flush_session (HF_APPLICATION (app));
  {
    g_autoptr(GPtrArray) kept = hf_store_load_fleet (store, NULL);
    gboolean found = FALSE;

    for (guint i = 0; i < kept->len; i++)
      if (g_strcmp0 (hf_miner_get_address (g_ptr_array_index (kept, i)), "127.0.42.5") == 0)
        found = g_strcmp0 (hf_miner_get_label (g_ptr_array_index (kept, i)), "Garage Nano") == 0;
    g_assert_true (found);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "miner.rename", "s",
                                             "127.0.42.5"));
  wait_until (dialog_shown, NULL, 2000);
  dialog = find_dialog ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (
                                                          dialog))), ==, "Garage Nano");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Rename Garage Nano");
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "");
  adw_message_dialog_response (dialog, "rename");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpstr (hf_miner_display_name (hf_fleet_lookup_address (fleet, "127.0.42.5")), !=,
                   "Garage Nano");

  /* Remove… (the Delete key) without keeping history: gone from the model
   * and the store. */
  while ((dialog = find_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  select_address (window, "127.0.42.3");
  gtk_selection_model_unselect_all (selection);
  select_address (window, "127.0.42.3");
  press (find_descendant (GTK_WIDGET (window), GTK_TYPE_GRID_VIEW), "Delete");
  wait_until (dialog_shown, NULL, 2000);
  dialog = find_dialog ();
  gtk_check_button_set_active (GTK_CHECK_BUTTON (adw_message_dialog_get_extra_child (dialog)),
                               FALSE);
  adw_message_dialog_response (dialog, "remove");
  g_assert_null (hf_fleet_lookup_address (fleet, "127.0.42.3"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 3);
  /* Its rows go on the store's worker. */
  flush_session (HF_APPLICATION (app));
  stored = hf_store_load_fleet (store, NULL);
  g_assert_cmpuint (stored->len, ==, 3);
  for (guint i = 0; i < stored->len; i++)
    g_assert_cmpstr (hf_miner_get_address (g_ptr_array_index (stored, i)), !=, "127.0.42.3");

  hf_settings_set_subnets (settings, NULL);
  g_application_quit (app);
}

static void
run_app (GCallback activate)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  char *args[] = { "hashfleet", "--db", db_path, "--http-port", "18780", "--cgminer-port",
                   "14780", NULL };

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", activate, NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
}

static void
test_discover_and_act (void)
{
  run_app (G_CALLBACK (discover_activate_cb));
}

static HfMiner *identified;

static void
added_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  identified = hf_session_add_finish (HF_SESSION (source), result, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
has_reading (gpointer miner)
{
  return hf_miner_get_reading (miner) != NULL && hf_miner_get_online (miner);
}

static gboolean
dialog_loaded (gpointer dialog)
{
  return !hf_miner_settings_dialog_get_loading (dialog);
}

static HfMiner *ultra_miner;

static gboolean
frequency_is (gpointer mhz)
{
  const HfReading *r = hf_miner_get_reading (ultra_miner);
  return r != NULL && (guint) r->frequency_mhz == GPOINTER_TO_UINT (mhz);
}

static gboolean
results_shown (gpointer unused)
{
  return hf_settings_rollout_get_last_results () != NULL;
}

static guint
position_of (HfWindow   *window,
             const char *address)
{
  GListModel *model = G_LIST_MODEL (hf_window_get_selection (window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
      if (g_str_equal (hf_miner_get_address (m), address))
        return i;
    }
  g_assert_not_reached ();
}

/* Settings… from the menu of the miner at @address. */
static HfMinerSettingsDialog *
open_settings (HfWindow   *window,
               const char *address)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "miner.settings", "s",
                                             address));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (HF_IS_MINER_SETTINGS_DIALOG (w))
        {
          wait_until (dialog_loaded, w, 5000);
          return HF_MINER_SETTINGS_DIALOG (w);
        }
    }
  g_assert_not_reached ();
}

static HfAddMinerDialog *
find_add_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (HF_IS_ADD_MINER_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return HF_ADD_MINER_DIALOG (w);
    }
  return NULL;
}

static gboolean
add_dialog_idle (gpointer dialog)
{
  return !hf_add_miner_dialog_get_busy (dialog);
}

static gboolean
add_dialog_gone (gpointer unused)
{
  return find_add_dialog () == NULL;
}

/* Add Miner… (Ctrl+N): its API port is the app's (--cgminer-port), it
 * says why an address is not one, stays open with a spinner while it
 * asks, says "already in your fleet" and "no miner answered" in words,
 * and closes once a miner was added. */
static void
add_miner_checks (HfApplication *app,
                  HfWindow      *window)
{
  HfFleet *fleet = hf_application_get_fleet (app);
  HfAddMinerDialog *add;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-miner", NULL));
  add = find_add_dialog ();
  g_assert_nonnull (add);
  g_assert_cmpuint (hf_add_miner_dialog_get_port (add), ==, 14780);

  hf_add_miner_dialog_set_address (add, "127.0.42");
  g_assert_false (hf_add_miner_dialog_get_can_add (add));
  g_assert_nonnull (strstr (hf_add_miner_dialog_get_message (add), "not an IPv4 address"));
  hf_add_miner_dialog_set_address (add, "127.0.42.4:99999");
  g_assert_nonnull (strstr (hf_add_miner_dialog_get_message (add), "not a port"));

  /* Known already: said so, nothing asked of the network. */
  hf_add_miner_dialog_set_address (add, "127.0.42.4");
  g_assert_null (hf_add_miner_dialog_get_message (add));
  g_assert_true (hf_add_miner_dialog_get_can_add (add));
  hf_add_miner_dialog_add (add);
  wait_until (add_dialog_idle, add, 5000);
  {
    g_autofree char *expected =
      g_strdup_printf ("Already in your fleet as \u201c%s\u201d",
                       hf_miner_display_name (hf_fleet_lookup_address (fleet, "127.0.42.4")));
    g_assert_cmpstr (hf_add_miner_dialog_get_message (add), ==, expected);
  }
  g_assert_true (find_add_dialog () == add);

  /* Nothing there: busy while it asks, then why, in words; still open. */
  hf_add_miner_dialog_set_address (add, "127.0.42.39");
  hf_add_miner_dialog_add (add);
  g_assert_true (hf_add_miner_dialog_get_busy (add));
  wait_until (add_dialog_idle, add, 15000);
  g_assert_true (g_str_has_prefix (hf_add_miner_dialog_get_message (add),
                                   "No miner answered at 127.0.42.39."));
  g_assert_true (find_add_dialog () == add);

  /* An Antminer on the simulator's API port: added, and the dialog goes. */
  g_assert_null (hf_fleet_lookup_address (fleet, "127.0.42.3"));
  hf_add_miner_dialog_set_address (add, "127.0.42.3");
  hf_add_miner_dialog_add (add);
  wait_until (add_dialog_gone, NULL, 15000);
  g_assert_nonnull (hf_fleet_lookup_address (fleet, "127.0.42.3"));
  g_assert_cmpuint (hf_miner_get_cgminer_port (hf_fleet_lookup_address (fleet, "127.0.42.3")), ==,
                    14780);
}

static HfExportDialog *
find_export_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (HF_IS_EXPORT_DIALOG (w))
        return HF_EXPORT_DIALOG (w);
    }
  return NULL;
}

static gboolean
export_dialog_gone (gpointer unused)
{
  return find_export_dialog () == NULL;
}

static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (shows_label (c, text))
      return TRUE;
  return FALSE;
}

static gboolean
shows_label_ending (GtkWidget  *widget,
                    const char *end)
{
  if (GTK_IS_LABEL (widget) && g_str_has_suffix (gtk_label_get_text (GTK_LABEL (widget)), end))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (shows_label_ending (c, end))
      return TRUE;
  return FALSE;
}

/* Export History…: the format, the miner, the period and the detail
 * chosen are what the file holds, with ISO 8601 times, three decimals at
 * most, and the miner's newest reading; the toast offers to open it. */
static void
export_checks (HfApplication *app,
               HfWindow      *window)
{
  HfMiner *gamma = hf_fleet_lookup_address (hf_application_get_fleet (app), "127.0.42.2");
  g_autofree char *dir = g_dir_make_tmp ("hf-test-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "gamma.jsonl", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "all.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  g_autofree char *text = NULL;
  g_autofree char *csv_text = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 newest = 0;
  guint rows = 0;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  g_assert_nonnull (find_export_dialog ());
  /* JSON Lines, one miner, the last hour, every reading. */
  hf_export_dialog_choose (find_export_dialog (), TRUE, "127.0.42.2", 0, 1);
  hf_export_dialog_export_to (find_export_dialog (), file);
  wait_until (export_dialog_gone, NULL, 10000);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_autoptr(JsonObject) row = hf_json_parse_object (lines[i], strlen (lines[i]), NULL);
      g_autoptr(GDateTime) time = NULL;
      const char *hashrate;

      g_assert_nonnull (row);
      g_assert_cmpstr (json_object_get_string_member (row, "address"), ==, "127.0.42.2");
      time = g_date_time_new_from_iso8601 (json_object_get_string_member (row, "time"), NULL);
      g_assert_nonnull (time);
      newest = MAX (newest, g_date_time_to_unix (time));
      /* At most three decimals, as written. */
      hashrate = strstr (lines[i], "\"hashrate_ghs\":");
      g_assert_nonnull (hashrate);
      hashrate = strchr (hashrate, ':') + 1;
      if (strchr (hashrate, '.') != NULL && strchr (hashrate, '.') < strchr (hashrate, ','))
        g_assert_cmpint (strchr (hashrate, ',') - strchr (hashrate, '.') - 1, <=, 3);
      rows++;
    }
  g_assert_cmpuint (rows, >, 0);
  /* Everything up to now: the newest reading is in it. */
  g_assert_cmpint (newest, >=, hf_miner_get_last_seen (gamma) / G_USEC_PER_SEC - 1);
  /* The toast says so and offers to open the file. */
  {
    g_autofree char *said = g_strdup_printf (rows == 1 ? "Exported %u row to gamma.jsonl"
                                                       : "Exported %u rows to gamma.jsonl", rows);
    gint64 end = g_get_monotonic_time () + 12 * G_USEC_PER_SEC;

    /* After the toasts before it (each shown for a while). */
    while (!shows_label (GTK_WIDGET (window), said) && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE), g_usleep (1000);
    g_assert_true (shows_label (GTK_WIDGET (window), said));
    g_assert_true (shows_label (GTK_WIDGET (window), "Open"));
  }

  /* CSV of every miner: a spreadsheet's header line, ISO times. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  hf_export_dialog_choose (find_export_dialog (), FALSE, NULL, 1, 0);
  hf_export_dialog_export_to (find_export_dialog (), csv);
  wait_until (export_dialog_gone, NULL, 10000);
  g_assert_true (g_file_get_contents (csv_path, &csv_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv_text, "address,mac,model,time,"));
  g_assert_nonnull (strstr (csv_text, "\n127.0.42.4,"));
  g_assert_null (strstr (csv_text, ".0000"));

  /* Closed while the export runs (its rows and its application let go):
   * the file is still the one chosen, and the window still says so. */
  {
    g_autofree char *closed_path = g_build_filename (dir, "closed.csv", NULL);
    g_autoptr(GFile) closed = g_file_new_for_path (closed_path);
    g_autofree char *closed_text = NULL;
    gint64 end;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
    hf_export_dialog_choose (find_export_dialog (), FALSE, "127.0.42.4", 1, 0);
    hf_export_dialog_export_to (find_export_dialog (), closed);
    gtk_window_destroy (GTK_WINDOW (find_export_dialog ()));
    end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    while (!shows_label_ending (GTK_WIDGET (window), " to closed.csv")
           && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE), g_usleep (1000);
    g_assert_true (shows_label_ending (GTK_WIDGET (window), " to closed.csv"));
    g_assert_true (g_file_get_contents (closed_path, &closed_text, NULL, NULL));
    g_assert_true (g_str_has_prefix (closed_text, "address,mac,model,time,"));
    g_assert_nonnull (strstr (closed_text, "\n127.0.42.4,"));
    g_assert_null (strstr (closed_text, "\n127.0.42.2,"));
  }
}

/* The settings dialog shows the selected miner's values (switching between
 * two AxeOS miners), offers only what it can do, and writes to that miner. */
static void
settings_dialog_checks (HfApplication *app,
                        HfWindow      *window)
{
  HfFleet *fleet = hf_application_get_fleet (app);
  HfMiner *gamma, *ultra;
  HfMinerSettingsDialog *dialog;
  GActionGroup *actions = hf_window_get_miner_actions (window);
  g_autoptr(HfMinerSettings) changes = NULL;
  guint patches, lower = 0;

  /* Polled every second, so that checks after restarts come quickly. */
  hf_session_set_poll_interval (hf_application_get_session (app), 1);
  hf_session_add_async (hf_application_get_session (app), "127.0.42.60", 0, 0, NULL, added_cb,
                        NULL);
  while (identified == NULL)
    g_main_context_iteration (NULL, TRUE);
  ultra = ultra_miner = identified;
  g_clear_object (&identified);
  gamma = hf_fleet_lookup_address (fleet, "127.0.42.2");
  hf_fleet_poll_now (fleet);
  wait_until (has_reading, gamma, 10000);
  wait_until (has_reading, ultra, 10000);
  g_assert_cmpfloat (hf_miner_get_reading (gamma)->frequency_mhz, !=,
                     hf_miner_get_reading (ultra)->frequency_mhz);

  /* A Whatsminer takes pools, an Avalon work mode and fan: Settings… is on
   * for both. */
  select_address (window, "127.0.42.4");
  g_assert_true (g_action_group_get_action_enabled (actions, "settings"));
  select_address (window, "127.0.42.5");
  g_assert_true (g_action_group_get_action_enabled (actions, "settings"));

  /* An Avalon and an Antminer: no model choices to read (and so no
   * error about them), no overclocking, no restart to offer; nothing
   * changed, nothing to apply. */
  {
    const char *others[] = { "127.0.42.5", "127.0.42.3" };

    for (guint i = 0; i < G_N_ELEMENTS (others); i++)
      {
        select_address (window, others[i]);
        dialog = open_settings (window, others[i]);
        g_assert_false (hf_miner_settings_dialog_get_loading (dialog));
        g_assert_false (hf_miner_settings_dialog_get_can_apply (dialog));
        g_assert_cmpuint (hf_miner_settings_dialog_get_offered (dialog) & HF_CAP_FREQUENCY, ==, 0);
        g_assert_false (hf_miner_settings_dialog_get_offers_restart (dialog));
        g_assert_null (hf_miner_settings_dialog_get_performance_text (dialog));
        g_assert_false (shows_part (GTK_WIDGET (dialog), "Cannot read"));
        gtk_window_destroy (GTK_WINDOW (dialog));
      }
  }

  select_address (window, "127.0.42.2");
  g_assert_true (g_action_group_get_action_enabled (actions, "settings"));
  dialog = open_settings (window, "127.0.42.2");
  g_assert_true (hf_miner_settings_dialog_get_miner (dialog) == gamma);
  /* A Bitaxe: overclocking explained, a restart offered; Apply only once
   * something changed. */
  g_assert_nonnull (hf_miner_settings_dialog_get_performance_text (dialog));
  g_assert_true (hf_miner_settings_dialog_get_offers_restart (dialog));
  g_assert_false (hf_miner_settings_dialog_get_can_apply (dialog));
  g_assert_cmpuint (hf_miner_settings_dialog_get_frequency (dialog), ==,
                    (guint) hf_miner_get_reading (gamma)->frequency_mhz);
  g_assert_cmpuint (hf_miner_settings_dialog_get_n_frequencies (dialog), >=, 5);
  g_assert_cmpstr (hf_miner_settings_dialog_get_pool (dialog), ==,
                   hf_miner_get_reading (gamma)->pool_url);
  /* Nothing changed: nothing to write. */
  changes = hf_miner_settings_dialog_get_changes (dialog);
  g_assert_true (hf_miner_settings_is_empty (changes));
  g_clear_pointer (&changes, hf_miner_settings_free);
  {
    guint now = hf_miner_settings_dialog_get_frequency (dialog);
    gboolean other = FALSE;

    for (guint mhz = now - 1; mhz > 300 && !other; mhz--)
      other = hf_miner_settings_dialog_select_frequency (dialog, mhz);
    g_assert_true (other);
    g_assert_true (hf_miner_settings_dialog_get_can_apply (dialog));
    g_assert_true (hf_miner_settings_dialog_select_frequency (dialog, now));
    g_assert_false (hf_miner_settings_dialog_get_can_apply (dialog));
  }
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A stored pool profile fills the pool rows; only the pool changes. */
  {
    g_autoptr(HfMinerSettings) solo = hf_miner_settings_new ();

    solo->pool_url = g_strdup ("stratum+tcp://solo.example.org:3333");
    solo->pool_user = g_strdup ("bc1q.profile");
    g_assert_true (hf_store_save_pool_profile (hf_application_get_store (app), "solo", solo, NULL));
    dialog = open_settings (window, "127.0.42.2");
    g_assert_true (hf_miner_settings_dialog_choose_profile (dialog, "solo"));
    g_assert_cmpstr (hf_miner_settings_dialog_get_pool (dialog), ==, solo->pool_url);
    changes = hf_miner_settings_dialog_get_changes (dialog);
    g_assert_cmpstr (changes->pool_url, ==, solo->pool_url);
    g_assert_cmpstr (changes->pool_user, ==, "bc1q.profile");
    g_assert_cmpuint (changes->frequency_mhz, ==, 0);
    g_clear_pointer (&changes, hf_miner_settings_free);
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  select_address (window, "127.0.42.60");
  dialog = open_settings (window, "127.0.42.60");
  g_assert_true (hf_miner_settings_dialog_get_miner (dialog) == ultra);
  g_assert_cmpuint (hf_miner_settings_dialog_get_frequency (dialog), ==,
                    (guint) hf_miner_get_reading (ultra)->frequency_mhz);

  /* A lower listed frequency goes to this miner, and only to it. */
  patches = hf_test_sim_events (sim, "patch", NULL, 0, 0);
  for (guint mhz = hf_miner_settings_dialog_get_frequency (dialog) - 1; mhz > 300 && lower == 0; mhz--)
    if (hf_miner_settings_dialog_select_frequency (dialog, mhz))
      lower = mhz;
  g_assert_cmpuint (lower, >, 0);
  changes = hf_miner_settings_dialog_get_changes (dialog);
  g_assert_cmpuint (changes->frequency_mhz, ==, lower);
  g_assert_null (changes->pool_url);
  hf_miner_settings_dialog_apply (dialog);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", "127.0.42.60", 1, 5000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", NULL, 0, 0), ==, patches + 1);
  wait_until (frequency_is, GUINT_TO_POINTER (lower), 10000);

  /* Both Bitaxes at once: the first, checked, then the other; the list
   * of outcomes says so and closes with Escape. */
  select_address (window, "127.0.42.2");
  gtk_selection_model_select_item (hf_window_get_selection (window),
                                   position_of (window, "127.0.42.60"), FALSE);
  dialog = open_settings (window, "127.0.42.2");
  g_assert_true (hf_miner_settings_dialog_get_miner (dialog) == gamma);
  g_assert_true (hf_miner_settings_dialog_select_frequency (dialog, 400));
  hf_miner_settings_dialog_apply (dialog);
  wait_until (results_shown, NULL, 30000);
  g_assert_cmpfloat_with_epsilon (hf_miner_get_reading (gamma)->frequency_mhz, 400, 0.5);
  g_assert_cmpfloat_with_epsilon (hf_miner_get_reading (ultra)->frequency_mhz, 400, 0.5);
  g_assert_cmpstr (gtk_window_get_title (hf_settings_rollout_get_last_results ()), ==,
                   "Applied to 2 of 2 miners");
  press (GTK_WIDGET (hf_settings_rollout_get_last_results ()), "Escape");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (hf_settings_rollout_get_last_results ());

  /* A Bitaxe and an Avalon: only what both take (the fan), no frequency,
   * no pools. */
  select_address (window, "127.0.42.2");
  gtk_selection_model_select_item (hf_window_get_selection (window),
                                   position_of (window, "127.0.42.5"), FALSE);
  dialog = open_settings (window, "127.0.42.2");
  g_assert_cmpuint (hf_miner_settings_dialog_get_offered (dialog) & HF_CAP_FREQUENCY, ==, 0);
  g_assert_cmpuint (hf_miner_settings_dialog_get_offered (dialog) & HF_CAP_POOLS, ==, 0);
  g_assert_cmpuint (hf_miner_settings_dialog_get_offered (dialog) & HF_CAP_FAN, !=, 0);
  g_assert_false (hf_miner_settings_dialog_get_offers_restart (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A target temperature is never read back: it was sent, and that is
   * all anyone can say. */
  {
    g_autoptr(HfMinerSettings) target = hf_miner_settings_new ();
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    g_autofree char *said = g_strdup_printf ("%s: sent (cannot be checked)",
                                             hf_miner_display_name (ultra));

    target->fan_auto = TRUE;
    target->target_temp_c = 61;
    g_ptr_array_add (one, ultra);
    hf_settings_rollout_start (app, GTK_WINDOW (window), one, target, FALSE, NULL, NULL);
    wanted_part = said;
    wait_until (window_shows_part, window, 30000);
  }
  select_address (window, "127.0.42.2");
}

static void
token_made_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hf_application_regenerate_api_token_finish (HF_APPLICATION (source), result,
                                                               &error));
  g_assert_nonnull (error);
  *(gboolean *) user_data = TRUE;
}

static gint64 restore_us;
static GBytes *api_body;

static void
api_read_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GError) error = NULL;

  api_body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
restore_activate_cb (GApplication *app,
                     gpointer      user_data)
{
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfFleet *fleet = hf_application_get_fleet (HF_APPLICATION (app));
  GtkSelectionModel *selection = hf_window_get_selection (window);

  /* Restored (on a worker) before any network I/O. */
  wait_until (is_loaded, app, 5000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 3);
  g_assert_nonnull (hf_fleet_lookup_address (fleet, "127.0.42.2"));
  g_assert_null (hf_fleet_lookup_address (fleet, "127.0.42.3"));
  restore_us = g_get_monotonic_time () - restore_us;
  g_test_message ("start-up to a filled window: %.1f ms", restore_us / 1000.0);

  /* The HTTP API: off by default; on, it serves this fleet on loopback;
   * off again, it stops. */
  {
    HfSettings *settings = hf_application_get_settings (HF_APPLICATION (app));
    g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
    g_autoptr(SoupMessage) msg = NULL;
    g_autoptr(GBytes) body = NULL;
    g_autoptr(JsonObject) stats = NULL;
    g_autofree char *uri = NULL;
    guint16 port;

    g_assert_false (hf_settings_get_api_enabled (settings));
    g_assert_cmpuint (hf_application_get_api_port (HF_APPLICATION (app)), ==, 0);
    hf_settings_set_api_listen (settings, "127.0.0.1:0");
    hf_settings_set_api_enabled (settings, TRUE);
    port = hf_application_get_api_port (HF_APPLICATION (app));
    g_assert_cmpuint (port, >, 0);
    uri = g_strdup_printf ("http://127.0.0.1:%u/api/stats", port);
    msg = soup_message_new ("GET", uri);
    api_body = NULL;
    soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, api_read_cb, NULL);
    while (api_body == NULL)
      g_main_context_iteration (NULL, TRUE);
    body = g_steal_pointer (&api_body);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    stats = hf_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
    g_assert_nonnull (stats);
    g_assert_cmpint (json_object_get_int_member (stats, "total"), ==, 3);
    /* No token yet: changes are refused, and only loopback is allowed. */
    g_assert_null (hf_application_get_api_token (HF_APPLICATION (app)));
    /* No keyring here to keep a new one in: none is made (it would be
     * lost at the next start). */
    {
      gboolean done = FALSE;

      hf_application_regenerate_api_token_async (HF_APPLICATION (app), token_made_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      g_assert_null (hf_application_get_api_token (HF_APPLICATION (app)));
    }
    hf_settings_set_api_listen (settings, "0.0.0.0:0");
    g_assert_cmpuint (hf_application_get_api_port (HF_APPLICATION (app)), ==, 0);
    g_assert_nonnull (strstr (hf_application_get_api_error (HF_APPLICATION (app)), "token"));
    hf_settings_set_api_enabled (settings, FALSE);
    hf_settings_set_api_listen (settings, "127.0.0.1:8080");
    g_assert_cmpuint (hf_application_get_api_port (HF_APPLICATION (app)), ==, 0);
    g_assert_null (hf_application_get_api_error (HF_APPLICATION (app)));
  }

  /* The style chosen in the main menu wins over the system's. */
  {
    HfSettings *settings = hf_application_get_settings (HF_APPLICATION (app));
    AdwStyleManager *style = adw_style_manager_get_default ();

    g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.style", "s", "dark"));
    g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==,
                     ADW_COLOR_SCHEME_FORCE_DARK);
    hf_settings_set_style (settings, "light");
    g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==,
                     ADW_COLOR_SCHEME_FORCE_LIGHT);
    hf_settings_set_style (settings, "system");
    g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  }

  add_miner_checks (HF_APPLICATION (app), window);
  export_checks (HF_APPLICATION (app), window);

  settings_dialog_checks (HF_APPLICATION (app), window);

  /* Enter (or a double-click) on a miner opens its details, even with
   * nothing selected before: it becomes the selection. */
  {
    GtkWidget *grid = find_descendant (GTK_WIDGET (window), GTK_TYPE_GRID_VIEW);
    guint position = position_of (window, "127.0.42.2");
    GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */
    GtkWindow *details = NULL;
    HfMiner *gamma = hf_fleet_lookup_address (fleet, "127.0.42.2");

    wait_until (has_reading, gamma, 10000);
    gtk_selection_model_unselect_all (selection);
    g_signal_emit_by_name (grid, "activate", position);
    g_assert_true (gtk_selection_model_is_selected (selection, position));
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
        if (HF_IS_DETAILS_WINDOW (w))
          details = w;
      }
    g_assert_nonnull (details);
    g_assert_cmpstr (gtk_window_get_title (details), ==, "bitaxe-a");
    /* Its best difficulty as the miner's page writes it ("4.81 G"). */
    {
      g_autofree char *best =
        hf_format_difficulty_ui (hf_miner_get_reading (gamma)->best_difficulty);
      const char *shown = hf_details_window_get_value (HF_DETAILS_WINDOW (details),
                                                       "Best difficulty");

      g_assert_cmpstr (shown, ==, best);
      g_assert_true (g_regex_match_simple ("^[0-9.]+ [kMGTPE]$", shown, 0, 0));
    }
    /* Restart, Settings and Open Web Interface, on this miner alone
     * (another selected in the window): Restart asks about it by name,
     * Settings opens its settings. */
    g_assert_true (gtk_widget_is_sensitive (find_with_action (GTK_WIDGET (details),
                                                              "details.open-web")));
    g_assert_true (gtk_widget_is_sensitive (find_with_action (GTK_WIDGET (details),
                                                              "details.restart")));
    select_address (window, "127.0.42.4");
    for (AdwMessageDialog *d; (d = find_dialog ()) != NULL; )
      gtk_window_destroy (GTK_WINDOW (d));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "details.restart", NULL));
    wait_until (dialog_shown, NULL, 2000);
    g_assert_cmpstr (adw_message_dialog_get_heading (find_dialog ()), ==, "Restart bitaxe-a?");
    adw_message_dialog_response (find_dialog (), "cancel");
    gtk_window_destroy (GTK_WINDOW (find_dialog ()));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "details.settings", NULL));
    {
      HfMinerSettingsDialog *dialog = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
          if (HF_IS_MINER_SETTINGS_DIALOG (w))
            dialog = HF_MINER_SETTINGS_DIALOG (w);
        }
      g_assert_nonnull (dialog);
      g_assert_true (hf_miner_settings_dialog_get_miner (dialog) == gamma);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
    gtk_window_destroy (details);
  }

  /* Fleet History (primary menu, Ctrl+H): the fleet's charts, from the store. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.fleet-history", NULL));
  {
    GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */
    GtkWindow *history = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
        if (HF_IS_DETAILS_WINDOW (w))
          history = w;
      }
    g_assert_nonnull (history);
    g_assert_cmpstr (gtk_window_get_title (history), ==, "Fleet History");
    g_assert_true (gtk_window_get_transient_for (history) == GTK_WINDOW (window));
    gtk_window_destroy (history);
  }
  g_application_quit (app);
}

static void
test_restore (void)
{
  restore_us = g_get_monotonic_time ();
  run_app (G_CALLBACK (restore_activate_cb));
}

/* Another program holds the database */

static char *locked_path;
static GSubprocess *locker;

static guint
corrupt_copies (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".corrupt-") != NULL)
      n++;
  return n;
}

static gboolean
store_opened (gpointer app)
{
  return hf_application_get_store (app) != NULL;
}

/* Iterate the main loop for @ms; returns the longest it was away. */
static gint64
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  gint64 longest = 0;

  while (g_get_monotonic_time () < end)
    {
      gint64 before = g_get_monotonic_time ();

      g_main_context_iteration (NULL, FALSE);
      longest = MAX (longest, g_get_monotonic_time () - before);
      g_usleep (1000);
    }
  return longest;
}

/* A label showing @text inside @widget (a toast's title, for one). */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (shows_text (c, text))
      return TRUE;
  return FALSE;
}

static gboolean
toast_gone (gpointer window)
{
  return !shows_text (window, "The database is in use by another program — retrying");
}

static gboolean
has_store_error (gpointer app)
{
  return hf_application_get_store_error (app) != NULL;
}

static void
locked_activate_cb (GApplication *app,
                    gpointer      user_data)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfApplication *hf = HF_APPLICATION (app);
  HfFleet *fleet = hf_application_get_fleet (hf);
  g_autoptr(GError) error = NULL;
  gint64 longest;

  /* No empty fleet in its place: no store yet, and it says why (once the
   * open on the worker has waited out a brief lock). */
  wait_until (has_store_error, hf, 10000);
  g_assert_null (hf_application_get_store (hf));
  g_assert_cmpstr (hf_application_get_store_error (hf), ==,
                   "The database is in use by another program — retrying");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 0);
  g_assert_true (g_file_test (locked_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (corrupt_copies (locked_path), ==, 0);

  /* It tries again (twice in 7 s), each time on a worker: the main loop
   * never waits for the lock. */
  longest = spin (7000);
  g_test_message ("longest main-loop iteration while retrying: %.1f ms", longest / 1000.0);
  g_assert_cmpint (longest, <, 500000);
  g_assert_null (hf_application_get_store (hf));
  /* The window says so. */
  g_assert_true (shows_text (window, hf_application_get_store_error (hf)));
  g_assert_cmpuint (corrupt_copies (locked_path), ==, 0);

  /* The other program lets go: the stored fleet comes back. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (locker), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (locker, NULL, &error);
  g_assert_no_error (error);
  wait_until (store_opened, hf, 15000);
  g_assert_null (hf_application_get_store_error (hf));
  g_assert_null (hf_store_get_moved_aside (hf_application_get_store (hf)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 2);
  g_assert_nonnull (hf_fleet_lookup_address (fleet, "127.0.42.70"));
  g_assert_cmpuint (corrupt_copies (locked_path), ==, 0);
  wait_until (toast_gone, window, 5000);
  g_application_quit (app);
}

static void
test_database_in_use (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfApplication) app = hf_application_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-test-locked-XXXXXX", NULL);
  g_autofree char *line = NULL;
  char *args[] = { "hashfleet", "--db", NULL, "--http-port", "18780", "--cgminer-port",
                   "14780", NULL };

  locked_path = g_build_filename (dir, "hashfleet.db", NULL);
  {
    g_autoptr(HfStore) store = hf_store_open (locked_path, &error);
    g_autoptr(HfMiner) a = hf_miner_new ("127.0.42.70", HF_FAMILY_AXEOS);
    g_autoptr(HfMiner) b = hf_miner_new ("127.0.42.71", HF_FAMILY_AXEOS);

    g_assert_no_error (error);
    g_assert_true (hf_store_save_miner (store, a, NULL));
    g_assert_true (hf_store_save_miner (store, b, NULL));
  }
  locker = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, g_getenv ("HF_STORE_LOCKER"), locked_path, "exclusive",
                             NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (locker));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "locked");

  args[2] = locked_path;
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (locked_activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
  g_clear_object (&locker);
  g_clear_pointer (&locked_path, g_free);
}

/* Export History reads a file of its own: one that is not a database is an
 * error there, and stays where it is. */
static gboolean exported;

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;

  g_assert_cmpint (hf_export_to_file_finish (result, error), <, 0);
  exported = TRUE;
}

static void
test_export_not_a_database (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hashfleet.db", NULL);
  g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (csv);
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  const char text[] = "notes, not a database\n";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  exported = FALSE;
  hf_export_to_file_async (path, file, NULL, exported_cb, &error);
  hf_test_wait_for (&exported, 10000);
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE_CORRUPT);
  g_assert_true (g_file_get_contents (path, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, text);
  g_assert_cmpuint (corrupt_copies (path), ==, 0);
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
}

/* Preferences → Automation → Notification Channels: a URL the parser
 * refuses is not taken; a good one works at once (here, without a
 * keyring, it is said not to be saved), is shown masked, and "Send Test
 * Notification" reaches it; removing it leaves no channel. */
static HfTestReceiver *notify_receiver;

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

static gboolean
received (gpointer data)
{
  return ((HfTestReceiver *) data)->requests->len > 0;
}

static void
notify_activate_cb (GApplication *app,
                    gpointer      user_data)
{
  HfApplication *hf = HF_APPLICATION (app);
  HfNotifier *notifier = hf_session_get_notifier (hf_application_get_session (hf));
  GtkWidget *prefs = hf_preferences_window_new (hf_application_get_settings (hf));
  g_autofree char *url = g_strdup_printf ("ntfy://127.0.0.1:%u/secrettopic",
                                          notify_receiver->port);
  g_autofree char *masked = g_strdup_printf ("ntfy://127.0.0.1:%u/se****", notify_receiver->port);
  GtkWidget *entry, *send, *remove;

  gtk_window_present (GTK_WINDOW (prefs));
  entry = find_titled (prefs, ADW_TYPE_PASSWORD_ENTRY_ROW, "Add a channel URL");
  send = find_titled (prefs, GTK_TYPE_BUTTON, "Send _Test Notification");
  g_assert_nonnull (entry);
  g_assert_nonnull (send);
  g_assert_false (gtk_widget_get_sensitive (send));

  /* Refused: said without the secret, nothing set. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "discord://abc/s3cr3t");
  g_signal_emit_by_name (entry, "apply");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_null (hf_application_get_notify_urls (hf));
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 0);
  wanted_part = "Not a channel URL: discord://: needs WEBHOOK_ID";
  wait_until (window_shows_part, prefs, 5000);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));

  /* Taken: at once on the notifier, shown masked, said not saved here. */
  gtk_editable_set_text (GTK_EDITABLE (entry), url);
  g_signal_emit_by_name (entry, "apply");
  g_assert_cmpstr (hf_application_get_notify_urls (hf), ==, url);
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_nonnull (find_titled (prefs, ADW_TYPE_ACTION_ROW, masked));
  wanted_part = "The channels are not saved: this computer has no keyring";
  wait_until (window_shows_part, prefs, 10000);
  g_assert_false (shows_part (prefs, "secrettopic"));

  /* Send Test Notification: the receiver has it, the window says so. */
  g_assert_true (gtk_widget_get_sensitive (send));
  g_signal_emit_by_name (send, "clicked");
  wait_until (received, notify_receiver, 10000);
  g_assert_cmpstr (hf_test_receiver_get (notify_receiver, 0)->path, ==, "/secrettopic");
  g_assert_cmpstr (hf_test_request_header (hf_test_receiver_get (notify_receiver, 0), "Title"),
                   ==, "Hashfleet test notification");
  wanted_part = "Test notification delivered to every channel";
  wait_until (window_shows_part, prefs, 10000);

  /* Removed: no channel left. */
  remove = find_titled (prefs, GTK_TYPE_BUTTON, "Remove this channel");
  g_assert_nonnull (remove);
  g_signal_emit_by_name (remove, "clicked");
  g_assert_null (hf_application_get_notify_urls (hf));
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 0);
  g_assert_null (find_titled (prefs, ADW_TYPE_ACTION_ROW, masked));

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_application_quit (app);
}

static void
test_notify_channels (void)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  g_autofree char *dir = g_dir_make_tmp ("hf-test-notify-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hashfleet.db", NULL);
  char *args[] = { "hashfleet", "--db", path, "--http-port", "18781", "--cgminer-port", "14781",
                   NULL };

  notify_receiver = hf_test_receiver_new ();
  /* Preferences finds the app as the default one: an earlier test's app
   * may still hold that place. */
  g_application_set_default (G_APPLICATION (app));
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (notify_activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
  g_clear_pointer (&notify_receiver, hf_test_receiver_free);
}

/* Preferences → Automation → Power Budget: the spin button sets the
 * session's budget a moment after the last change, and follows it when
 * something else (the API, MQTT) sets it; a miner it curtails says so on
 * its card (the simulator's ultra, paused: this test runs last). */
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

static gboolean
budget_is (gpointer data)
{
  HfApplication *hf = HF_APPLICATION (g_application_get_default ());

  return hf_power_budget_get_watts (hf_session_get_power_budget (hf_application_get_session (hf)))
         == *(double *) data;
}

static void
budget_added_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = hf_session_add_finish (HF_SESSION (source), result, NULL, &error);

  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static void
budget_activate_cb (GApplication *app,
                    gpointer      user_data)
{
  HfApplication *hf = HF_APPLICATION (app);
  HfPowerBudget *budget = hf_session_get_power_budget (hf_application_get_session (hf));
  GtkWidget *prefs = hf_preferences_window_new (hf_application_get_settings (hf));
  GtkWidget *row, *spin;
  double want = 1234;

  gtk_window_present (GTK_WINDOW (prefs));
  row = find_titled (prefs, ADW_TYPE_ACTION_ROW, "_Watts");
  g_assert_nonnull (row);
  spin = find_type (row, GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 0);
  /* On the Automation page. */
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs),
                                           ADW_PREFERENCES_PAGE (gtk_widget_get_ancestor (
                                             row, ADW_TYPE_PREFERENCES_PAGE)));
  wanted_part = "Off: every miner mines";
  wait_until (window_shows_part, prefs, 5000);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 1000);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 1234);
  /* Not at every step: a moment after the last. */
  g_assert_cmpfloat (hf_power_budget_get_watts (budget), ==, 0);
  wait_until (budget_is, &want, 5000);
  wanted_part = "Under the budget: no miner curtailed";
  wait_until (window_shows_part, prefs, 5000);

  hf_power_budget_set_watts (budget, 0);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 0);
  wanted_part = "Off: every miner mines";
  wait_until (window_shows_part, prefs, 5000);

  /* A miner it curtails says so on its card, and Preferences counts it. */
  {
    GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
    HfSession *session = hf_application_get_session (hf);
    gboolean added = FALSE;

    hf_session_add_async (session, "127.0.42.60", 0, 0, NULL, budget_added_cb, &added);
    hf_test_wait_for (&added, 10000);
    g_assert_false (shows_part (window, "Curtailed: power budget"));
    hf_power_budget_set_watts (budget, 1);
    g_assert_true (hf_power_budget_is_curtailed (budget, hf_fleet_lookup_address (
                     hf_session_get_fleet (session), "127.0.42.60")));
    wanted_part = "Curtailed: power budget";
    wait_until (window_shows_part, window, 5000);
    wanted_part = "1 miner curtailed";
    wait_until (window_shows_part, prefs, 5000);
  }

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_application_quit (app);
}

static void
test_power_budget (void)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  g_autofree char *dir = g_dir_make_tmp ("hf-test-budget-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hashfleet.db", NULL);
  char *args[] = { "hashfleet", "--db", path, "--http-port", "18780", "--cgminer-port", "14780",
                   NULL };

  g_application_set_default (G_APPLICATION (app));
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (budget_activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
}

static HfMiner *vnish_miner;

static gboolean
preset_is (gpointer name)
{
  const HfReading *r = hf_miner_get_reading (vnish_miner);
  return r != NULL && g_strcmp0 (r->preset, name) == 0;
}

/* A VNish miner's Settings offer its preset and power limit (and no
 * frequency), show what it runs, and write a changed preset that the next
 * reading shows. */
static void
preset_activate_cb (GApplication *app,
                    gpointer      user_data)
{
  HfApplication *hf = HF_APPLICATION (app);
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfSession *session = hf_application_get_session (hf);
  HfMinerSettingsDialog *dialog;
  g_autoptr(HfMinerSettings) changes = NULL;
  GtkWidget *preset_row, *limit_row;
  gboolean added = FALSE;

  hf_session_add_async (session, "127.0.42.61", 0, 0, NULL, budget_added_cb, &added);
  hf_test_wait_for (&added, 10000);
  vnish_miner = hf_fleet_lookup_address (hf_session_get_fleet (session), "127.0.42.61");
  g_assert_nonnull (vnish_miner);
  g_assert_cmpint (hf_miner_get_family (vnish_miner), ==, HF_FAMILY_VNISH);
  wait_until (has_reading, vnish_miner, 10000);
  g_assert_cmpstr (hf_miner_get_reading (vnish_miner)->preset, ==, "3250");

  select_address (window, "127.0.42.61");
  dialog = open_settings (window, "127.0.42.61");
  g_assert_cmpuint (hf_miner_settings_dialog_get_offered (dialog) & HF_CAP_PRESET, !=, 0);
  g_assert_cmpuint (hf_miner_settings_dialog_get_offered (dialog) & HF_CAP_POWER_LIMIT, !=, 0);
  g_assert_cmpuint (hf_miner_settings_dialog_get_offered (dialog) & HF_CAP_FREQUENCY, ==, 0);
  preset_row = find_titled (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW,
                            "Firmware _preset or profile");
  limit_row = find_titled (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW, "Power _limit (W)");
  g_assert_nonnull (preset_row);
  g_assert_nonnull (limit_row);
  g_assert_true (gtk_widget_get_visible (preset_row) && gtk_widget_get_visible (limit_row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (preset_row)), ==, "3250");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (find_type (limit_row,
                                                                 GTK_TYPE_SPIN_BUTTON))), ==,
                     3250);
  g_assert_false (hf_miner_settings_dialog_get_can_apply (dialog));

  gtk_editable_set_text (GTK_EDITABLE (preset_row), "2950");
  g_assert_true (hf_miner_settings_dialog_get_can_apply (dialog));
  changes = hf_miner_settings_dialog_get_changes (dialog);
  g_assert_cmpstr (changes->preset, ==, "2950");
  g_assert_cmpuint (changes->power_limit_w, ==, 0);
  hf_miner_settings_dialog_apply (dialog);
  g_assert_cmpuint (hf_test_sim_events (sim, "settings", "127.0.42.61", 1, 5000), ==, 1);
  wait_until (preset_is, (gpointer) "2950", 15000);
  g_application_quit (app);
}

static void
test_preset (void)
{
  run_app (G_CALLBACK (preset_activate_cb));
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
  dir = g_dir_make_tmp ("hf-test-app-XXXXXX", NULL);
  db_path = g_build_filename (dir, "hashfleet.db", NULL);
  sim = hf_test_sim_start (fleet_config);
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");
    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  g_test_add_func ("/ui/app/discover-and-act", test_discover_and_act);
  g_test_add_func ("/ui/app/restore", test_restore);
  g_test_add_func ("/ui/app/database-in-use", test_database_in_use);
  g_test_add_func ("/ui/app/export-not-a-database", test_export_not_a_database);
  g_test_add_func ("/ui/app/notify-channels", test_notify_channels);
  g_test_add_func ("/ui/app/power-budget", test_power_budget);
  g_test_add_func ("/ui/app/preset", test_preset);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  g_free (db_path);
  return status;
}
