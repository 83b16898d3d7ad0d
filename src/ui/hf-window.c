/* hf-window.c
 * SPDX-License-Identifier: MIT
 *
 * The fleet (a GListModel) → filter (search) → sort (the cards' sort
 * menu, or the table's column headers) → multi-selection, shown by a GtkGridView
 * of cards or a GtkColumnView.  Both views share the selection, so
 * switching keeps it.  Widgets follow their miner through notify
 * signals: a poll cycle rewrites labels, never rebuilds the list.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-add-miner-dialog.h"
#include "hf-details-window.h"
#include "hf-export.h"
#include "hf-group-dialog.h"
#include "hf-guardian-group.h"
#include "hf-tune-dialog.h"
#include "hf-miner-actions.h"
#include "hf-miner-card.h"
#include "hf-miner-cell.h"
#include "hf-miner-status.h"
#include "hf-preferences-window.h"
#include "hf-settings.h"
#include "hf-totals-header.h"
#include "hf-window.h"

struct _HfWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  GtkWidget            *discover_button;
  GtkSpinner           *discover_spinner;
  GtkLabel             *discover_label;
  GtkLabel             *discover_status;
  GtkProgressBar       *discover_progress;
  GtkWidget            *subnets_button;
  GtkToggleButton      *search_button;
  GtkMenuButton        *sort_button;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *main_stack;
  AdwStatusPage        *empty_page;
  HfTotalsHeader       *totals_header;
  GtkStack             *view_stack;
  GtkGridView          *grid_view;
  GtkColumnView        *column_view;
  GtkLabel             *updated_label;
  GtkPopoverMenu       *miner_popover;
  GMenuModel           *miner_menu;    /* the miner.* items, untargeted */

  /* Owned references */
  HfSettings           *settings;
  HfScheduler          *scheduler;   /* the session's, for the cards */
  HfApplication        *app;
  HfFleet              *fleet;
  GtkFilterListModel   *filter_model;
  GtkCustomFilter      *filter;
  GtkSortListModel     *sort_model;
  GtkCustomSorter      *card_sorter;   /* the cards' own order (card-sort) */
  GdkFrameClock        *keep_top_clock; /* puts the grid back at its top (keep_top) */
  gulong                keep_top_handler;
  guint                 keep_top_frames;
  GtkMultiSelection    *selection;
  HfMinerActions       *miner_actions; /* miner.* */
  char                 *search_key;    /* casefolded search text */

  /* Groups: the grid shows all miners or one group's (fleet → group
   * filter → search filter → sort), and the totals follow the group */
  HfGroups             *groups;
  GtkCustomFilter      *group_filter;
  GtkFilterListModel   *group_model;
  char                 *group;         /* the group shown, NULL: all */
  GtkStringList        *group_names;   /* "All Miners", then each group */
  GtkDropDown          *group_dropdown;
  GtkMenuButton        *group_menu_button;
  gboolean              groups_updating;

  /* Where focus goes back when the miner menu closes (weak) */
  GtkWidget            *menu_return;
  guint                 return_idle;

  /* A discovery this window started (the session runs it) */
  GCancellable         *scan_cancellable;
  guint                 scan_found;

  /* "Updated 3 s ago": when the last cycle ended, and the ticker that
   * rewrites it each second while the window is on screen */
  gint64                updated_us;
  guint                 updated_timer;
  GdkSurface           *surface;       /* watched for minimizing */
  double                scan_fraction;
  gboolean              no_network;    /* for tests: as if no interface had one */
};

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_POWER_BUDGET,
  PROP_SCHEDULER,
  PROP_TUNER,
  PROP_GUARDIAN,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (HfWindow, hf_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

/* A toast's title is Pango markup: an error that quotes "<html>" or a pool
 * URL with "&" in it would otherwise show an empty toast. */
AdwToast *
hf_toast_new (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  return adw_toast_new (escaped);
}

/* Long enough to read a sentence, as libadwaita's own default (5 s). */
#define TOAST_TIMEOUT_S 5

void
hf_window_toast (HfWindow   *self,
                 const char *text)
{
  AdwToast *toast = hf_toast_new (text);

  adw_toast_set_timeout (toast, TOAST_TIMEOUT_S);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
hf_window_fit_to_parent (GtkWindow *window)
{
  GtkWindow *parent;
  int width, height, parent_width, parent_height;

  g_return_if_fail (GTK_IS_WINDOW (window));

  parent = gtk_window_get_transient_for (window);
  if (parent == NULL || !gtk_widget_get_realized (GTK_WIDGET (parent)))
    return;
  parent_width = gtk_widget_get_width (GTK_WIDGET (parent));
  parent_height = gtk_widget_get_height (GTK_WIDGET (parent));
  gtk_window_get_default_size (window, &width, &height);
  if (parent_width > 0 && width > parent_width)
    width = parent_width;
  if (parent_height > 0 && height > parent_height)
    height = parent_height;
  gtk_window_set_default_size (window, width, height);
}

void
hf_window_add_toast (HfWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (HF_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
}

/* Only the view on screen has the model: a GTK 4.8 list view builds up to
 * 200 rows, and a grid view 30 rows of max-columns cards, shown or not. */
static void
attach_model (HfWindow   *self,
              const char *view)
{
  GtkSelectionModel *model = GTK_SELECTION_MODEL (self->selection);

  if (g_str_equal (view, "table"))
    {
      if (gtk_column_view_get_model (self->column_view) != NULL)
        return;
      gtk_grid_view_set_model (self->grid_view, NULL);
      gtk_column_view_set_model (self->column_view, model);
    }
  else
    {
      if (gtk_grid_view_get_model (self->grid_view) != NULL)
        return;
      gtk_column_view_set_model (self->column_view, NULL);
      gtk_grid_view_set_model (self->grid_view, model);
    }
}

/* The cards' order, as the sort menu sets it.  Hashrate and temperature
 * go largest first (the fastest, the hottest), with miners not answering
 * after those that do; ties go by address, so the order is stable. */
static int
card_compare (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  HfWindow *self = user_data;
  HfMiner *x = HF_MINER ((gpointer) a), *y = HF_MINER ((gpointer) b);
  g_autofree char *sort = hf_settings_get_card_sort (self->settings);
  int c = 0;

  if (g_str_equal (sort, "name"))
    c = hf_miner_compare_field (x, y, HF_MINER_FIELD_NAME);
  else if (g_str_equal (sort, "status"))
    c = hf_miner_status_rank (x) - hf_miner_status_rank (y);
  else if (g_str_equal (sort, "hashrate") || g_str_equal (sort, "temperature"))
    {
      HfMinerField field = g_str_equal (sort, "hashrate") ? HF_MINER_FIELD_HASHRATE
                                                           : HF_MINER_FIELD_TEMPERATURE;
      HfState sx = hf_miner_state (x), sy = hf_miner_state (y);
      gboolean on_x = sx != HF_STATE_OFFLINE && sx != HF_STATE_RESTARTING;
      gboolean on_y = sy != HF_STATE_OFFLINE && sy != HF_STATE_RESTARTING;

      c = on_x != on_y ? (on_x ? -1 : 1) : hf_miner_compare_field (y, x, field);
    }
  if (c == 0)
    c = hf_miner_compare_field (x, y, HF_MINER_FIELD_ADDRESS);
  return c;
}

static void
card_sort_changed_cb (HfWindow *self)
{
  gtk_sorter_changed (GTK_SORTER (self->card_sorter), GTK_SORTER_CHANGE_DIFFERENT);
}

/* Each view has its own order: the cards the sort menu's, the table its
 * column headers'. */
static void
update_sorter (HfWindow   *self,
               const char *view)
{
  GtkSorter *sorter = g_str_equal (view, "table") ? gtk_column_view_get_sorter (self->column_view)
                                                  : GTK_SORTER (self->card_sorter);

  if (gtk_sort_list_model_get_sorter (self->sort_model) != sorter)
    gtk_sort_list_model_set_sorter (self->sort_model, sorter);
}

/* What is shown: the empty state, the views, or "no results". */
static void
update_pages (HfWindow *self)
{
  g_autofree char *view = hf_settings_get_view_mode (self->settings);
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->fleet));
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));

  update_sorter (self, view);
  attach_model (self, view);
  /* The table is sorted by its headers; no miners, nothing to sort. */
  gtk_widget_set_visible (GTK_WIDGET (self->sort_button),
                          !g_str_equal (view, "table") && total > 0);

  gtk_stack_set_visible_child_name (self->main_stack, total == 0 ? "empty" : "fleet");
  gtk_stack_set_visible_child_name (self->view_stack, shown == 0 && total > 0 ? "no-results"
                                                                               : view);
}

static void
models_changed_cb (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   HfWindow   *self)
{
  if ((removed == 0) != (added == 0) || position == 0)
    update_pages (self);
}

/* A grid at its top stays there while miners join it.  GTK 4.8's grid
 * keeps the card that was at its top in place, so miners sorted before it
 * (a fleet restored or found a slice at a time) would scroll the view down
 * and hide the first row; a grid scrolled by hand keeps its card.  The view
 * is put back after the frame's layout: before it, the rows of miners just
 * added have no place yet and GTK cannot scroll to them (it warns). */
static void
keep_top_stop (HfWindow *self)
{
  if (self->keep_top_clock == NULL)
    return;
  g_clear_signal_handler (&self->keep_top_handler, self->keep_top_clock);
  g_clear_object (&self->keep_top_clock);
}

static void
keep_top_layout_cb (GdkFrameClock *clock,
                    HfWindow      *self)
{
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->grid_view));
  GtkWidget *grid = GTK_WIDGET (self->grid_view);

  if (adj != NULL && gtk_widget_get_mapped (grid) && gtk_widget_get_height (grid) > 0
      && gtk_adjustment_get_value (adj) > gtk_adjustment_get_lower (adj))
    gtk_adjustment_set_value (adj, gtk_adjustment_get_lower (adj));
  /* Once more at the next frame's layout, which the move may change. */
  if (++self->keep_top_frames < 2)
    gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
  else
    keep_top_stop (self);
}

static void
keep_top (GListModel *model,
          guint       position,
          guint       removed,
          guint       added,
          HfWindow   *self)
{
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->grid_view));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->grid_view));

  /* A grid scrolled by hand stays; one being put back at its top (moved
   * by the layout of miners that joined a moment ago) goes on being. */
  if (adj == NULL || clock == NULL || gtk_grid_view_get_model (self->grid_view) == NULL
      || (self->keep_top_clock == NULL
          && gtk_adjustment_get_value (adj) > gtk_adjustment_get_lower (adj)))
    return;
  self->keep_top_frames = 0;
  if (self->keep_top_clock == NULL)
    {
      self->keep_top_clock = g_object_ref (clock);
      self->keep_top_handler = g_signal_connect_after (clock, "layout",
                                                       G_CALLBACK (keep_top_layout_cb), self);
    }
  gdk_frame_clock_request_phase (self->keep_top_clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
}

/* What Discover scans when no subnets are set: this computer's networks,
 * or none (a test says so through no_network). */
static GArray *
default_targets (HfWindow *self)
{
  if (self->no_network)
    return NULL;
  return hf_targets_default (NULL);
}

/* The empty state names what Discover will scan, or says there is
 * nothing to scan and offers to set the subnets. */
static void
update_empty_description (HfWindow *self)
{
  g_auto(GStrv) subnets = hf_settings_get_subnets (self->settings);
  g_autoptr(GArray) ranges = NULL;
  g_autofree char *where = NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  const char *intro = _("Hashfleet watches the Bitcoin miners on your network: Bitaxe and "
                        "other AxeOS devices, Antminer, Whatsminer and Avalon.");

  if (subnets[0] != NULL)
    where = g_strjoinv (", ", subnets);
  else if ((ranges = default_targets (self)) != NULL && ranges->len > 0)
    where = hf_targets_describe (ranges);
  if (where != NULL)
    text = g_strdup_printf (_("%s\n\nDiscover scans %s. You can also add a miner by its "
                              "address."), intro, where);
  else
    text = g_strdup_printf (_("%s\n\nThis computer is on no network Discover can scan by "
                              "itself. Set the subnets your miners are on, or add a miner by "
                              "its address."), intro);
  /* A status page's description is markup. */
  escaped = g_markup_escape_text (text, -1);
  adw_status_page_set_description (self->empty_page, escaped);
  gtk_widget_set_visible (self->subnets_button, where == NULL);
}

/* Updated N s ago */

static void
update_updated_label (HfWindow *self)
{
  g_autofree char *text = NULL;
  gint64 s;

  if (self->updated_us == 0)
    {
      gtk_label_set_text (self->updated_label, "");
      return;
    }
  s = MAX (0, (g_get_real_time () - self->updated_us) / G_USEC_PER_SEC);
  if (s < 60)
    /* Translators: how long ago the miners were last polled */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Updated %u s ago", "Updated %u s ago",
                                         (gulong) s), (guint) s);
  else
    {
      g_autofree char *ago = hf_format_ago (self->updated_us, g_get_real_time ());
      /* Translators: %s is "5 min ago" */
      text = g_strdup_printf (_("Updated %s"), ago);
    }
  if (g_strcmp0 (gtk_label_get_text (self->updated_label), text) != 0)
    gtk_label_set_text (self->updated_label, text);
}

static gboolean
updated_tick_cb (gpointer data)
{
  update_updated_label (data);
  return G_SOURCE_CONTINUE;
}

/* The seconds tick only while someone can see them: mapped, not minimized. */
static void
update_ticker (HfWindow *self)
{
  gboolean visible = gtk_widget_get_mapped (GTK_WIDGET (self))
                     && (self->surface == NULL
                         || (gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface))
                             & GDK_TOPLEVEL_STATE_MINIMIZED) == 0);

  if (visible && self->updated_timer == 0)
    {
      update_updated_label (self);
      self->updated_timer = g_timeout_add_seconds (1, updated_tick_cb, self);
    }
  else if (!visible)
    g_clear_handle_id (&self->updated_timer, g_source_remove);
}

static void
cycle_finished_cb (HfFleet  *fleet,
                   guint     polled,
                   guint     answered,
                   guint     elapsed_ms,
                   HfWindow *self)
{
  self->updated_us = g_get_real_time ();
  update_updated_label (self);
}

static void
hf_window_map (GtkWidget *widget)
{
  HfWindow *self = HF_WINDOW (widget);

  GTK_WIDGET_CLASS (hf_window_parent_class)->map (widget);
  update_ticker (self);
}

static void
hf_window_unmap (GtkWidget *widget)
{
  HfWindow *self = HF_WINDOW (widget);

  GTK_WIDGET_CLASS (hf_window_parent_class)->unmap (widget);
  update_ticker (self);
}

static void
hf_window_realize (GtkWidget *widget)
{
  HfWindow *self = HF_WINDOW (widget);

  GTK_WIDGET_CLASS (hf_window_parent_class)->realize (widget);
  g_set_weak_pointer (&self->surface, gtk_native_get_surface (GTK_NATIVE (widget)));
  if (self->surface != NULL)
    g_signal_connect_swapped (self->surface, "notify::state", G_CALLBACK (update_ticker), self);
}

static void
hf_window_unrealize (GtkWidget *widget)
{
  HfWindow *self = HF_WINDOW (widget);

  /* By function: GTK's own handlers on the surface have the window as data. */
  if (self->surface != NULL)
    g_signal_handlers_disconnect_by_func (self->surface, update_ticker, self);
  g_clear_weak_pointer (&self->surface);
  GTK_WIDGET_CLASS (hf_window_parent_class)->unrealize (widget);
}

const char *
hf_window_get_updated_text (HfWindow *self)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->updated_label);
}

gboolean
hf_window_get_updated_ticking (HfWindow *self)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), FALSE);
  return self->updated_timer != 0;
}

/* Search */

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  HfWindow *self = user_data;
  g_autofree char *text = NULL;
  g_auto(GStrv) words = NULL;

  if (self->search_key == NULL || *self->search_key == '\0')
    return TRUE;
  text = hf_miner_search_text (HF_MINER (item));
  words = g_strsplit (self->search_key, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && strstr (text, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
search_changed_cb (GtkSearchEntry *entry,
                   HfWindow       *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *key = g_utf8_casefold (g_strstrip (g_strdup (text)), -1);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (self->search_key != NULL && g_str_has_prefix (key, self->search_key))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->search_key != NULL && g_str_has_prefix (self->search_key, key))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  g_free (self->search_key);
  self->search_key = g_steal_pointer (&key);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_pages (self);
}

/* Groups */

/* A name as a menu item's label shows it ("_" is a mnemonic there). */
static char *
menu_label (const char *name)
{
  g_auto(GStrv) parts = g_strsplit (name, "_", -1);

  return g_strjoinv ("__", parts);
}

/* "Add to Group" (each group, then "New Group…") and, for a miner in
 * some, "Remove from Group", before the menu's last section (Remove). */
static void
add_group_items (HfWindow *self,
                 GMenu    *menu,
                 HfMiner  *miner)
{
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenu) add = g_menu_new ();
  g_autoptr(GMenu) add_names = g_menu_new ();
  g_auto(GStrv) names = hf_groups_list (self->groups);
  g_auto(GStrv) of_miner = hf_groups_of_miner (self->groups, miner);
  int n = g_menu_model_get_n_items (G_MENU_MODEL (menu));

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *label = menu_label (names[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.group-add",
                                               g_variant_new_string (names[i]));
      g_menu_append_item (add_names, item);
    }
  g_menu_append_section (add, NULL, G_MENU_MODEL (add_names));
  g_menu_append (add, _("_New Group…"), "win.group-new");
  g_menu_append_submenu (section, _("Add to _Group"), G_MENU_MODEL (add));
  if (of_miner[0] != NULL)
    {
      g_autoptr(GMenu) remove = g_menu_new ();

      for (guint i = 0; of_miner[i] != NULL; i++)
        {
          g_autofree char *label = menu_label (of_miner[i]);
          g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

          g_menu_item_set_action_and_target_value (item, "win.group-remove",
                                                   g_variant_new_string (of_miner[i]));
          g_menu_append_item (remove, item);
        }
      g_menu_append_submenu (section, _("Remo_ve from Group"), G_MENU_MODEL (remove));
    }
  g_menu_insert_section (menu, MAX (n - 1, 0), NULL, G_MENU_MODEL (section));
}

static gboolean
group_filter_func (gpointer item,
                   gpointer user_data)
{
  HfWindow *self = user_data;

  return self->group == NULL || hf_groups_contains (self->groups, self->group, HF_MINER (item));
}

/* The totals header, the group menu and the filter follow self->group. */
static void
show_group (HfWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->group_filter), GTK_FILTER_CHANGE_DIFFERENT);
  hf_totals_header_set_miners (self->totals_header,
                               self->group != NULL ? G_LIST_MODEL (self->group_model) : NULL,
                               self->group);
  gtk_widget_set_visible (GTK_WIDGET (self->group_menu_button), self->group != NULL);
  update_pages (self);
}

/* The drop-down lists the groups again, the one shown kept if it still is
 * a group (under its name now), else all miners. */
static void
groups_changed_cb (HfWindow *self)
{
  g_auto(GStrv) names = hf_groups_list (self->groups);
  const char *shown = self->group != NULL ? hf_groups_lookup (self->groups, self->group) : NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->group_names));
  guint selected = 0;
  g_autofree char *keep = g_strdup (shown);

  self->groups_updating = TRUE;
  gtk_string_list_splice (self->group_names, 1, n - 1, (const char * const *) names);
  for (guint i = 0; keep != NULL && names[i] != NULL; i++)
    if (g_str_equal (names[i], keep))
      selected = i + 1;
  gtk_drop_down_set_selected (self->group_dropdown, selected);
  gtk_widget_set_visible (GTK_WIDGET (self->group_dropdown), names[0] != NULL);
  self->groups_updating = FALSE;
  g_free (self->group);
  self->group = g_steal_pointer (&keep);
  show_group (self);
}

static void
group_selected_cb (HfWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->group_dropdown);

  if (self->groups_updating)
    return;
  g_free (self->group);
  self->group = selected > 0 && selected != GTK_INVALID_LIST_POSITION
                ? g_strdup (gtk_string_list_get_string (self->group_names, selected)) : NULL;
  show_group (self);
}

void
hf_window_show_group (HfWindow   *self,
                      const char *name)
{
  g_auto(GStrv) names = NULL;
  const char *known;

  g_return_if_fail (HF_IS_WINDOW (self));
  known = name != NULL ? hf_groups_lookup (self->groups, name) : NULL;
  names = hf_groups_list (self->groups);
  for (guint i = 0; known != NULL && names[i] != NULL; i++)
    if (g_str_equal (names[i], known))
      {
        gtk_drop_down_set_selected (self->group_dropdown, i + 1);
        return;
      }
  gtk_drop_down_set_selected (self->group_dropdown, 0);
}

const char *
hf_window_get_group (HfWindow *self)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), NULL);
  return self->group;
}

HfTotalsHeader *
_hf_window_get_totals_header (HfWindow *self)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), NULL);
  return self->totals_header;
}

/* The selected miners (a new array). */
static GPtrArray *
selected_miners (HfWindow *self)
{
  GPtrArray *miners = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, set, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (miners, g_list_model_get_item (G_LIST_MODEL (self->selection), position));
  return miners;
}

typedef struct
{
  GWeakRef  window;
  char     *said;      /* the toast once saved */
} GroupChange;

static void
group_change_free (GroupChange *c)
{
  g_weak_ref_clear (&c->window);
  g_free (c->said);
  g_free (c);
}

static void
group_changed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GroupChange *c = user_data;
  g_autoptr(HfWindow) self = g_weak_ref_get (&c->window);
  g_autoptr(GError) error = NULL;

  if (!hf_session_change_group_finish (HF_SESSION (source), result, &error))
    {
      if (self != NULL)
        hf_window_toast (self, error->message);
    }
  else if (self != NULL && c->said != NULL)
    hf_window_toast (self, c->said);
  group_change_free (c);
}

/* Change the groups through the session; @said (taken) once it is saved. */
static void
change_group (HfWindow      *self,
              HfGroupChange  change,
              const char    *name,
              const char    *new_name,
              GPtrArray     *miners,
              char          *said)
{
  GroupChange *c = g_new0 (GroupChange, 1);

  g_weak_ref_init (&c->window, self);
  c->said = said;
  hf_session_change_group_async (hf_application_get_session (self->app), change, name, new_name,
                                 miners != NULL ? (HfMiner **) miners->pdata : NULL,
                                 miners != NULL ? miners->len : 0, NULL, group_changed_cb, c);
}

/* "3 miners added to “Garage”" */
#define count_text(one, many, n, group) \
  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, one, many, n), n, group)

static void
group_add_activated (GSimpleAction *action,
                     GVariant      *target,
                     gpointer       user_data)
{
  HfWindow *self = user_data;
  g_autoptr(GPtrArray) miners = selected_miners (self);
  const char *name = g_variant_get_string (target, NULL);

  if (miners->len > 0)
    change_group (self, HF_GROUP_CHANGE_ADD, name, NULL, miners,
                  count_text (("%u miner added to “%s”"), ("%u miners added to “%s”"),
                              miners->len, name));
}

static void
group_remove_activated (GSimpleAction *action,
                        GVariant      *target,
                        gpointer       user_data)
{
  HfWindow *self = user_data;
  g_autoptr(GPtrArray) miners = selected_miners (self);
  const char *name = g_variant_get_string (target, NULL);

  if (miners->len > 0)
    change_group (self, HF_GROUP_CHANGE_REMOVE, name, NULL, miners,
                  count_text (("%u miner removed from “%s”"), ("%u miners removed from “%s”"),
                              miners->len, name));
}

typedef struct
{
  HfWindow  *self;     /* a reference */
  GPtrArray *miners;   /* to add to the new group */
} NewGroup;

static void
new_group_free (gpointer data)
{
  NewGroup *g = data;

  g_object_unref (g->self);
  g_ptr_array_unref (g->miners);
  g_free (g);
}

static void
new_group_named (const char *name,
                 gpointer    user_data)
{
  NewGroup *g = user_data;

  change_group (g->self, HF_GROUP_CHANGE_CREATE, name, NULL, NULL, NULL);
  if (g->miners->len > 0)
    change_group (g->self, HF_GROUP_CHANGE_ADD, name, NULL, g->miners,
                  count_text (("%u miner added to “%s”"), ("%u miners added to “%s”"),
                              g->miners->len, name));
}

static void
group_new_activated (GSimpleAction *action,
                     GVariant      *target,
                     gpointer       user_data)
{
  HfWindow *self = user_data;
  NewGroup *g = g_new0 (NewGroup, 1);
  GtkWidget *dialog;

  g->self = g_object_ref (self);
  g->miners = selected_miners (self);
  dialog = hf_group_name_dialog_new (GTK_WINDOW (self), self->groups, _("New Group"), NULL,
                                     _("C_reate"), new_group_named, g, new_group_free);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
group_renamed (const char *name,
               gpointer    user_data)
{
  HfWindow *self = user_data;
  g_autofree char *old = g_strdup (self->group);

  if (old == NULL)
    return;
  /* The drop-down keeps showing it under its new name. */
  g_free (self->group);
  self->group = g_strdup (name);
  change_group (self, HF_GROUP_CHANGE_RENAME, old, name, NULL, NULL);
}

static void
group_rename_activated (GSimpleAction *action,
                        GVariant      *target,
                        gpointer       user_data)
{
  HfWindow *self = user_data;
  GtkWidget *dialog;

  if (self->group == NULL)
    return;
  dialog = hf_group_name_dialog_new (GTK_WINDOW (self), self->groups, _("Rename Group"),
                                     self->group, _("_Rename"), group_renamed,
                                     g_object_ref (self), g_object_unref);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    HfWindow         *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "group");

  if (g_strcmp0 (response, "delete") == 0)
    change_group (self, HF_GROUP_CHANGE_DELETE, name, NULL, NULL, NULL);
}

static void
group_delete_activated (GSimpleAction *action,
                        GVariant      *target,
                        gpointer       user_data)
{
  HfWindow *self = user_data;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (self->group == NULL)
    return;
  heading = g_strdup_printf (_("Delete Group “%s”?"), self->group);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Its miners stay in the fleet.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "group", g_strdup (self->group), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
hf_window_act_on_group (HfWindow   *self,
                        const char *action)
{
  g_autoptr(GPtrArray) members = NULL;

  g_return_val_if_fail (HF_IS_WINDOW (self), FALSE);
  if (self->group == NULL)
    return FALSE;
  members = hf_groups_get_members (self->groups, self->group, self->fleet);
  if (members == NULL || members->len == 0)
    {
      hf_window_toast (self, _("There are no miners in this group"));
      return FALSE;
    }
  /* Through the miner menu's own actions: restart asks first. */
  return hf_miner_actions_activate_on_many (self->miner_actions, action, members);
}

static void
group_act_activated (GSimpleAction *action,
                     GVariant      *target,
                     gpointer       user_data)
{
  hf_window_act_on_group (HF_WINDOW (user_data), g_variant_get_string (target, NULL));
}

/* Tune All…: a tune of each miner of the group that can be tuned. */
static void
group_tune_activated (GSimpleAction *action,
                      GVariant      *target,
                      gpointer       user_data)
{
  HfWindow *self = user_data;
  g_autoptr(GPtrArray) members = NULL;
  GtkWidget *dialog;

  if (self->group == NULL)
    return;
  members = hf_groups_get_members (self->groups, self->group, self->fleet);
  for (guint i = members != NULL ? members->len : 0; i-- > 0; )
    if (!hf_tune_dialog_can_tune (g_ptr_array_index (members, i)))
      g_ptr_array_remove_index (members, i);
  if (members == NULL || members->len == 0)
    {
      hf_window_toast (self, _("No miner of this group can be tuned"));
      return;
    }
  dialog = hf_tune_dialog_new (GTK_WINDOW (self), self->app, members, self->group);
  hf_window_fit_to_parent (GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
group_guardian_activated (GSimpleAction *action,
                          GVariant      *target,
                          gpointer       user_data)
{
  HfWindow *self = user_data;

  if (self->group == NULL)
    return;
  gtk_window_present (GTK_WINDOW (hf_guardian_group_window_new
                                  (GTK_WINDOW (self), hf_application_get_session (self->app),
                                   self->group)));
}

static const GActionEntry group_entries[] = {
  { .name = "group-add", .activate = group_add_activated, .parameter_type = "s" },
  { .name = "group-remove", .activate = group_remove_activated, .parameter_type = "s" },
  { .name = "group-new", .activate = group_new_activated },
  { .name = "group-rename", .activate = group_rename_activated },
  { .name = "group-delete", .activate = group_delete_activated },
  { .name = "group-act", .activate = group_act_activated, .parameter_type = "s" },
  { .name = "group-tune", .activate = group_tune_activated },
  { .name = "group-guardian", .activate = group_guardian_activated },
};

/* The drop-down (All Miners, each group) and the shown group's menu, at
 * the start of the header bar. */
static void
setup_groups (HfWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) acts = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  const char *all[] = { _("All Miners"), NULL };
  struct { const char *label; const char *what; } items[] = {
    { N_("_Identify All"), "identify" }, { N_("_Pause All"), "pause" },
    { N_("Re_sume All"), "resume" }, { N_("_Restart All…"), "restart" },
  };

  self->groups = g_object_ref (hf_session_get_groups (hf_application_get_session (self->app)));
  g_action_map_add_action_entries (G_ACTION_MAP (self), group_entries,
                                   G_N_ELEMENTS (group_entries), self);

  self->group_names = gtk_string_list_new (all);
  self->group_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (g_object_ref (G_LIST_MODEL (self->group_names)), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->group_dropdown), _("Show a Group"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->group_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Group shown"), -1);
  g_signal_connect_swapped (self->group_dropdown, "notify::selected",
                            G_CALLBACK (group_selected_cb), self);

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(items[i].label), NULL);

      g_menu_item_set_action_and_target_value (item, "win.group-act",
                                               g_variant_new_string (items[i].what));
      g_menu_append_item (acts, item);
    }
  g_menu_append (acts, _("_Tune All…"), "win.group-tune");
  g_menu_append (acts, _("Thermal _Guardian…"), "win.group-guardian");
  g_menu_append (edit, _("Re_name Group…"), "win.group-rename");
  g_menu_append (edit, _("_Delete Group…"), "win.group-delete");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (acts));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  self->group_menu_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (self->group_menu_button, "view-more-symbolic");
  gtk_menu_button_set_menu_model (self->group_menu_button, G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->group_menu_button), _("Group Menu"));

  adw_header_bar_pack_start (self->header_bar, GTK_WIDGET (self->group_dropdown));
  adw_header_bar_pack_start (self->header_bar, GTK_WIDGET (self->group_menu_button));
  g_signal_connect_swapped (self->groups, "changed", G_CALLBACK (groups_changed_cb), self);
  groups_changed_cb (self);
}

/* Selection */

static gboolean
find_position (HfWindow *self,
               HfMiner  *miner,
               guint    *position)
{
  GListModel *model = G_LIST_MODEL (self->selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
      if (m == miner)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Context menu: right-click, long-press, Menu key, Shift+F10 */

static HfMiner *
miner_at (GtkWidget *picked)
{
  for (GtkWidget *w = picked; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (HF_IS_MINER_CARD (w))
        return hf_miner_card_get_miner (HF_MINER_CARD (w));
      if (HF_IS_MINER_CELL (w))
        return hf_miner_cell_get_miner (HF_MINER_CELL (w));
      /* A table row holds its cells in GtkColumnViewCell widgets; the cell
       * widget is a descendant, so look down one level too. */
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
           c = gtk_widget_get_next_sibling (c))
        for (GtkWidget *cc = gtk_widget_get_first_child (c); cc != NULL;
             cc = gtk_widget_get_next_sibling (cc))
          if (HF_IS_MINER_CELL (cc))
            return hf_miner_cell_get_miner (HF_MINER_CELL (cc));
      if (GTK_IS_GRID_VIEW (w) || GTK_IS_COLUMN_VIEW (w))
        break;
    }
  return NULL;
}

/* The item of @view that @widget is in (a card's or a row's own widget,
 * which takes focus), or NULL. */
static GtkWidget *
item_of (GtkWidget *view,
         GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL && w != view; w = gtk_widget_get_parent (w))
    {
      GtkWidget *parent = gtk_widget_get_parent (w);

      if (parent == view && GTK_IS_GRID_VIEW (view))
        return w;
      /* A column view's rows sit in its list view. */
      if (parent != NULL && GTK_IS_LIST_VIEW (parent) && gtk_widget_get_ancestor (parent, GTK_TYPE_COLUMN_VIEW) == view)
        return w;
    }
  return NULL;
}

/* The menu at (x, y) of @view, its items targeted at @miner; when it
 * closes, focus goes back to @from (the miner's card or row), not to the
 * first button of the window (Discover, which the next Enter presses). */
static void
popup_at (HfWindow  *self,
          GtkWidget *view,
          double     x,
          double     y,
          HfMiner   *miner,
          GtkWidget *from)
{
  g_autoptr(GMenuModel) menu = NULL;
  graphene_point_t p;
  GdkRectangle rect;

  if (!gtk_widget_compute_point (view, GTK_WIDGET (self->view_stack),
                                 &GRAPHENE_POINT_INIT (x, y), &p))
    return;
  menu = hf_miner_actions_menu_for (self->miner_menu, hf_miner_get_address (miner));
  add_group_items (self, G_MENU (menu), miner);
  gtk_popover_menu_set_menu_model (self->miner_popover, menu);
  rect = (GdkRectangle) { (int) p.x, (int) p.y, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->miner_popover), &rect);
  g_set_weak_pointer (&self->menu_return, from);
  gtk_popover_popup (GTK_POPOVER (self->miner_popover));
}

/* GTK 4.8 marks an item :active when a press starts on it and clears it
 * only on that press' release.  A press whose release goes elsewhere (the
 * menu's claimed right-click, the double-click that opens a window) left
 * cards looking pressed, like selected ones: clear it after those. */
static void
clear_pressed (GtkWidget *view)
{
  for (GtkWidget *c = gtk_widget_get_first_child (view); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      if ((gtk_widget_get_state_flags (c) & GTK_STATE_FLAG_ACTIVE) != 0)
        gtk_widget_unset_state_flags (c, GTK_STATE_FLAG_ACTIVE);
      /* A table's rows are one level further down. */
      if (GTK_IS_COLUMN_VIEW (view))
        clear_pressed (c);
    }
}

/* Right-click or long-press at (x, y) of @view: the miner there joins the
 * selection (or becomes it, if it was not selected), then the menu. */
static void
context_at (HfWindow  *self,
            GtkWidget *view,
            double     x,
            double     y)
{
  GtkWidget *picked = gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
  HfMiner *miner = miner_at (picked);
  guint position;

  if (miner == NULL || !find_position (self, miner, &position))
    return;
  if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  popup_at (self, view, x, y, miner, item_of (view, picked));
  clear_pressed (view);
}

static void
secondary_click_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    HfWindow        *self)
{
  GtkWidget *view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  context_at (self, view, x, y);
}

static void
long_press_cb (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               HfWindow            *self)
{
  GtkWidget *view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  context_at (self, view, x, y);
}

/* What a key acts on: the focused miner, which joins the selection (or
 * becomes it) as a click would; without one, the first selected.  A new
 * reference, or NULL when nothing is selected. */
static HfMiner *
key_target (HfWindow   *self,
            GtkWidget **focused)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  HfMiner *miner = focus != NULL ? miner_at (focus) : NULL;
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (self->selection);
  g_autoptr(GtkBitset) set = NULL;
  guint position;

  if (miner != NULL && find_position (self, miner, &position))
    {
      if (!gtk_selection_model_is_selected (selection, position))
        gtk_selection_model_select_item (selection, position, TRUE);
      *focused = focus;
      return g_object_ref (miner);
    }
  *focused = NULL;
  set = gtk_selection_model_get_selection (selection);
  if (gtk_bitset_is_empty (set))
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->selection), gtk_bitset_get_minimum (set));
}

void
hf_window_popup_menu (HfWindow *self)
{
  GtkWidget *view;
  GtkWidget *focus;
  g_autoptr(HfMiner) miner = NULL;
  graphene_rect_t bounds;

  g_return_if_fail (HF_IS_WINDOW (self));

  view = g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "table") == 0
    ? GTK_WIDGET (self->column_view) : GTK_WIDGET (self->grid_view);
  miner = key_target (self, &focus);
  if (miner == NULL)
    return;
  if (focus != NULL && gtk_widget_compute_bounds (focus, view, &bounds))
    popup_at (self, view, bounds.origin.x + bounds.size.width / 2,
              bounds.origin.y + bounds.size.height / 2, miner, focus);
  else
    popup_at (self, view, gtk_widget_get_width (view) / 2.0, gtk_widget_get_height (view) / 3.0,
              miner, view);
}

static gboolean
menu_key_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  hf_window_popup_menu (HF_WINDOW (user_data));
  return TRUE;
}

static gboolean
delete_key_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  HfWindow *self = HF_WINDOW (user_data);
  GtkWidget *focus;
  g_autoptr(HfMiner) miner = key_target (self, &focus);

  if (miner != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "miner.remove", "s",
                                hf_miner_get_address (miner));
  return TRUE;
}

static gboolean
return_focus_cb (gpointer user_data)
{
  HfWindow *self = user_data;
  GtkWidget *from = self->menu_return;

  self->return_idle = 0;
  g_clear_weak_pointer (&self->menu_return);
  /* An item chosen may have opened a window: focus stays there. */
  if (from != NULL && gtk_widget_get_root (from) == GTK_ROOT (self)
      && gtk_widget_get_mapped (from))
    gtk_widget_grab_focus (from);
  return G_SOURCE_REMOVE;
}

/* After the popover has let go of focus (it gives it to the window's
 * first widget as it unmaps, after ::closed). */
static void
menu_closed_cb (HfWindow *self)
{
  if (self->return_idle == 0)
    self->return_idle = g_idle_add (return_focus_cb, self);
}

static void
add_view_controllers (HfWindow  *self,
                      GtkWidget *view)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *press = gtk_gesture_long_press_new ();
  GtkEventController *keys = gtk_shortcut_controller_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (secondary_click_cb), self);
  gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (click));

  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect (press, "pressed", G_CALLBACK (long_press_cb), self);
  gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (press));

  /* Local to the views, so that Delete in the search entry edits text. */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                                   gtk_keyval_trigger_new (GDK_KEY_F10,
                                                                           GDK_SHIFT_MASK)),
                      gtk_callback_action_new (menu_key_cb, self, NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                      gtk_callback_action_new (delete_key_cb, self, NULL)));
  gtk_widget_add_controller (view, keys);
}

/* Enter or a double-click: that miner's details.  It joins the selection
 * (or becomes it) first, as for the menu: the miner.* actions are for
 * what is selected. */
static void
item_activated_cb (GtkWidget *view,
                   guint      position,
                   HfWindow  *self)
{
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (self->selection);
  g_autoptr(HfMiner) miner = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (miner == NULL)
    return;
  if (!gtk_selection_model_is_selected (selection, position))
    gtk_selection_model_select_item (selection, position, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self), "miner.details", "s",
                              hf_miner_get_address (miner));
  if (view != NULL)
    clear_pressed (view);
}

/* Discover */

/* While scanning the button reads "Cancel" (what it does then), with
 * how far the scan is and what it found beside it. */
static void
update_discover_status (HfWindow *self)
{
  g_autofree char *found = NULL;
  g_autofree char *text = NULL;

  if (self->scan_cancellable == NULL)
    return;
  found = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u found", "%u found",
                                        self->scan_found), self->scan_found);
  /* Translators: Discover's progress beside its Cancel button: "37 % · 2 found" */
  text = g_strdup_printf (_("%.0f %% · %s"), self->scan_fraction * 100, found);
  gtk_label_set_text (self->discover_status, text);
}

static void
set_discovering (HfWindow *self,
                 gboolean  on)
{
  gtk_widget_set_visible (GTK_WIDGET (self->discover_spinner), on);
  gtk_spinner_set_spinning (self->discover_spinner, on);
  gtk_widget_set_visible (GTK_WIDGET (self->discover_progress), on);
  gtk_widget_set_visible (GTK_WIDGET (self->discover_status), on);
  gtk_progress_bar_set_fraction (self->discover_progress, 0);
  self->scan_fraction = 0;
  gtk_label_set_text_with_mnemonic (self->discover_label, on ? _("_Cancel") : _("_Discover"));
  gtk_widget_set_tooltip_text (self->discover_button,
                               on ? _("Stop scanning")
                                  : _("Find the miners on your network (Ctrl+D)"));
  if (on)
    gtk_widget_remove_css_class (self->discover_button, "suggested-action");
  else
    gtk_widget_add_css_class (self->discover_button, "suggested-action");
  update_discover_status (self);
}

/* The session adds what it finds a slice at a time; the status counts. */
static void
discover_found_cb (HfSession *session,
                   HfMiner   *miner,
                   gboolean   is_new,
                   HfWindow  *self)
{
  if (self->scan_cancellable == NULL)
    return;
  self->scan_found++;
  update_discover_status (self);
}

static void
discover_progress_cb (HfSession *session,
                      guint64    done,
                      guint64    total,
                      HfWindow  *self)
{
  if (self->scan_cancellable == NULL || total == 0)
    return;
  self->scan_fraction = (double) done / (double) total;
  gtk_progress_bar_set_fraction (self->discover_progress, self->scan_fraction);
  update_discover_status (self);
}

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HfWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDiscoverResult) found = hf_session_discover_finish (HF_SESSION (source), result,
                                                                  &error);
  g_autofree char *text = NULL;

  /* Disposed meanwhile (dispose cancels the scan and lets go of the
   * app): its widgets are gone. */
  if (self->app == NULL)
    return;
  g_clear_object (&self->scan_cancellable);
  set_discovering (self, FALSE);
  if (found == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        text = g_strdup (_("Discovery cancelled"));
      else
        text = g_strdup_printf (_("Discovery failed: %s"), error->message);
      hf_window_toast (self, text);
      return;
    }
  /* A re-scan finds the known miners again: say how many are new. */
  if (found->summary->found == 0)
    text = g_strdup_printf (_("No miners found in %.1f s"), found->summary->elapsed_ms / 1000.0);
  else if (found->added == 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Found %u miner in %.1f s, none new",
                                         "Found %u miners in %.1f s, none new",
                                         found->summary->found),
                            found->summary->found, found->summary->elapsed_ms / 1000.0);
  else
    {
      g_autofree char *added = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new",
                                                             "%u new", found->added),
                                                found->added);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Found %u miner in %.1f s, %s",
                                           "Found %u miners in %.1f s, %s",
                                           found->summary->found),
                              found->summary->found, found->summary->elapsed_ms / 1000.0, added);
    }
  if (found->unidentified->len > 0)
    {
      g_autofree char *base = g_steal_pointer (&text);
      text = g_strdup_printf (_("%s; %s answered but was not identified"), base,
                              (char *) g_ptr_array_index (found->unidentified, 0));
    }
  hf_window_toast (self, text);
}

gboolean
hf_window_get_discovering (HfWindow *self)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), FALSE);
  return self->scan_cancellable != NULL;
}

void
hf_window_discover (HfWindow           *self,
                    const char * const *targets)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_auto(GStrv) subnets = NULL;
  HfSession *session = hf_application_get_session (self->app);

  g_return_if_fail (HF_IS_WINDOW (self));

  if (self->scan_cancellable != NULL)
    {
      g_cancellable_cancel (self->scan_cancellable);
      return;
    }
  if (hf_session_get_discovering (session))
    {
      hf_window_toast (self, _("A discovery is already running"));
      return;
    }
  if (targets == NULL)
    {
      subnets = hf_settings_get_subnets (self->settings);
      targets = (const char * const *) subnets;
    }
  ranges = targets[0] != NULL ? hf_targets_parse (targets, FALSE, &error)
                              : default_targets (self);
  if (ranges == NULL || ranges->len == 0)
    {
      AdwToast *toast;

      if (error != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("Cannot discover: %s"), error->message);
          toast = hf_toast_new (text);
        }
      else
        toast = hf_toast_new (_("This computer is on no network Discover can scan by itself"));
      adw_toast_set_button_label (toast, _("Set _Subnets…"));
      adw_toast_set_action_name (toast, "win.set-subnets");
      adw_toast_set_timeout (toast, 8);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }
  self->scan_cancellable = g_cancellable_new ();
  self->scan_found = 0;
  set_discovering (self, TRUE);
  hf_session_discover_async (session, ranges, self->scan_cancellable, discovered_cb,
                             g_object_ref (self));
}

/* Actions */

static void
discover_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  hf_window_discover (HF_WINDOW (widget), NULL);
}

static void
set_subnets_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HfWindow *self = HF_WINDOW (widget);
  GtkWidget *prefs = hf_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (self));
  hf_window_fit_to_parent (GTK_WINDOW (prefs));
  hf_preferences_window_show_subnets (HF_PREFERENCES_WINDOW (prefs));
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
add_miner_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HfWindow *self = HF_WINDOW (widget);

  hf_add_miner_dialog_present (GTK_WINDOW (self), self->app);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HfWindow *self = HF_WINDOW (widget);
  if (hf_application_get_store (self->app) == NULL)
    {
      hf_window_toast (self, _("No history to export: the database could not be opened"));
      return;
    }
  hf_export_present (GTK_WINDOW (self), self->app);
}

static void
fleet_history_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  HfWindow *self = HF_WINDOW (widget);
  HfStore *store = hf_application_get_store (self->app);
  HfSession *session = hf_application_get_session (self->app);
  GtkWidget *details;

  if (store == NULL)
    {
      hf_window_toast (self, _("No history: the database could not be opened"));
      return;
    }
  details = hf_details_window_new (NULL, store);
  hf_details_window_set_energy_meter (HF_DETAILS_WINDOW (details),
                                      hf_session_get_energy_meter (session));
  gtk_window_set_transient_for (GTK_WINDOW (details), GTK_WINDOW (self));
  hf_window_fit_to_parent (GTK_WINDOW (details));
  gtk_window_present (GTK_WINDOW (details));
}

static void
refresh_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HfWindow *self = HF_WINDOW (widget);

  if (!hf_session_refresh (hf_application_get_session (self->app)))
    g_debug ("a poll cycle is already running");
}

static void
search_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HfWindow *self = HF_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
hf_window_show_miner (HfWindow   *self,
                      const char *address)
{
  HfMiner *miner = hf_fleet_lookup_address (self->fleet, address);
  guint position;

  g_return_if_fail (HF_IS_WINDOW (self));
  if (miner == NULL)
    return;
  /* A search could hide it. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  if (!find_position (self, miner, &position))
    return;
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  item_activated_cb (NULL, position, self);
}

GActionGroup *
hf_window_get_miner_actions (HfWindow *self)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), NULL);
  return G_ACTION_GROUP (self->miner_actions);
}

void
_hf_window_set_no_network (HfWindow *self,
                           gboolean  no_network)
{
  g_return_if_fail (HF_IS_WINDOW (self));
  self->no_network = no_network;
  update_empty_description (self);
}

const char *
_hf_window_get_empty_text (HfWindow *self)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), NULL);
  return adw_status_page_get_description (self->empty_page);
}

const char *
_hf_window_get_discover_text (HfWindow *self,
                              gboolean  status)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), NULL);
  return gtk_label_get_text (status ? self->discover_status : self->discover_label);
}

GtkSelectionModel *
hf_window_get_selection (HfWindow *self)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

/* Life cycle */

static gboolean
hf_window_close_request (GtkWindow *window)
{
  HfWindow *self = HF_WINDOW (window);
  int width, height;

  /* The unmaximized size, so that un-maximizing next time looks right. */
  gtk_window_get_default_size (window, &width, &height);
  hf_settings_set_window_width (self->settings, width);
  hf_settings_set_window_height (self->settings, height);
  hf_settings_set_window_maximized (self->settings, gtk_window_is_maximized (window));
  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);

  return GTK_WINDOW_CLASS (hf_window_parent_class)->close_request (window);
}

static const HfMinerField column_order[] = {
  HF_MINER_FIELD_NAME, HF_MINER_FIELD_STATUS, HF_MINER_FIELD_HASHRATE,
  HF_MINER_FIELD_TEMPERATURE, HF_MINER_FIELD_POWER, HF_MINER_FIELD_FAN, HF_MINER_FIELD_UPTIME,
  HF_MINER_FIELD_BEST_DIFFICULTY, HF_MINER_FIELD_BEST_SESSION, HF_MINER_FIELD_ACCEPTED,
  HF_MINER_FIELD_REJECTED, HF_MINER_FIELD_POOL_DIFFICULTY, HF_MINER_FIELD_CHIP2_TEMPERATURE,
  HF_MINER_FIELD_VR_TEMPERATURE, HF_MINER_FIELD_FAN_PERCENT, HF_MINER_FIELD_FIRMWARE,
  HF_MINER_FIELD_MODEL, HF_MINER_FIELD_FAMILY, HF_MINER_FIELD_ADDRESS,
};
G_STATIC_ASSERT (G_N_ELEMENTS (column_order) == HF_N_MINER_FIELDS);

/* The guardian stepped a miner: said while the window is on screen (the
 * alert and the history have it either way). */
static void
guardian_stepped_cb (HfThermalGuardian *guardian,
                     HfMiner           *miner,
                     int                direction,
                     const char        *what,
                     HfWindow          *self)
{
  g_autofree char *text = NULL;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  text = direction < 0
    /* Translators: "bitaxe-desk stepped down: 490 MHz → 450 MHz: chip 72 °C over 70 °C" */
    ? g_strdup_printf (_("%s stepped down: %s"), hf_miner_display_name (miner), what)
    : g_strdup_printf (_("%s stepped back up: %s"), hf_miner_display_name (miner), what);
  hf_window_toast (self, text);
}

/* After construction: GtkWindow:application is set after constructed(). */
static void
hf_window_setup (HfWindow      *self,
                 HfApplication *app)
{
  g_autoptr(GAction) view_mode = NULL;

  self->app = g_object_ref (app);
  self->fleet = g_object_ref (hf_application_get_fleet (self->app));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POWER_BUDGET]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TUNER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUARDIAN]);
  if (hf_application_get_session (app) != NULL)
    g_signal_connect_object (hf_session_get_guardian (hf_application_get_session (app)), "stepped",
                             G_CALLBACK (guardian_stepped_cb), self, 0);

  /* fleet → group → search → sort → selection */
  self->group_filter = gtk_custom_filter_new (group_filter_func, self, NULL);
  self->group_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->fleet)),
                                                 g_object_ref (GTK_FILTER (self->group_filter)));
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->group_model)),
                                                  g_object_ref (GTK_FILTER (self->filter)));
  /* Name and status first: on a small screen (800 px) those stay in
   * view, the rest scrolls. */
  for (guint i = 0; i < G_N_ELEMENTS (column_order); i++)
    {
      HfMinerField f = column_order[i];
      g_autoptr(GtkColumnViewColumn) column = hf_miner_cell_column_new (f, self->settings);
      gtk_column_view_append_column (self->column_view, column);
      /* By address until the user picks a column: stable, and how a
       * network is laid out. */
      if (f == HF_MINER_FIELD_ADDRESS)
        gtk_column_view_sort_by_column (self->column_view, column, GTK_SORT_ASCENDING);
    }
  self->card_sorter = gtk_custom_sorter_new (card_compare, self, NULL);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              g_object_ref (GTK_SORTER (self->card_sorter)));
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));
  self->miner_actions = hf_miner_actions_new (GTK_WINDOW (self), app,
                                              GTK_SELECTION_MODEL (self->selection));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "miner", G_ACTION_GROUP (self->miner_actions));
  g_signal_connect (self->fleet, "items-changed", G_CALLBACK (models_changed_cb), self);
  g_signal_connect (self->fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
  g_signal_connect (self->filter_model, "items-changed", G_CALLBACK (models_changed_cb), self);
  g_signal_connect (self->sort_model, "items-changed", G_CALLBACK (keep_top), self);

  g_signal_connect (self->grid_view, "activate", G_CALLBACK (item_activated_cb), self);
  g_signal_connect (self->column_view, "activate", G_CALLBACK (item_activated_cb), self);
  add_view_controllers (self, GTK_WIDGET (self->grid_view));
  add_view_controllers (self, GTK_WIDGET (self->column_view));

  hf_totals_header_set_fleet (self->totals_header, self->fleet);
  setup_groups (self);
  hf_totals_header_set_energy_meter (
    self->totals_header, hf_session_get_energy_meter (hf_application_get_session (app)));
  g_signal_connect (hf_application_get_session (app), "discover-found",
                    G_CALLBACK (discover_found_cb), self);
  g_signal_connect (hf_application_get_session (app), "discover-progress",
                    G_CALLBACK (discover_progress_cb), self);

  /* The Cards/Table toggles set the setting; every window follows it. */
  view_mode = G_ACTION (g_property_action_new ("view-mode", self->settings,
                                               HF_SETTINGS_KEY_VIEW_MODE));
  g_action_map_add_action (G_ACTION_MAP (self), view_mode);
  /* The style radio items of the main menu set the setting too. */
  {
    g_autoptr(GAction) style = G_ACTION (g_property_action_new ("style", self->settings,
                                                                HF_SETTINGS_KEY_STYLE));
    g_action_map_add_action (G_ACTION_MAP (self), style);
  }
  {
    g_autoptr(GAction) sort = G_ACTION (g_property_action_new ("card-sort", self->settings,
                                                               HF_SETTINGS_KEY_CARD_SORT));
    g_action_map_add_action (G_ACTION_MAP (self), sort);
  }
  g_signal_connect_swapped (self->settings, "notify::" HF_SETTINGS_KEY_CARD_SORT,
                            G_CALLBACK (card_sort_changed_cb), self);
  g_signal_connect_swapped (self->settings, "notify::" HF_SETTINGS_KEY_VIEW_MODE,
                            G_CALLBACK (update_pages), self);
  g_signal_connect_swapped (self->settings, "notify::" HF_SETTINGS_KEY_SUBNETS,
                            G_CALLBACK (update_empty_description), self);
  update_empty_description (self);
  update_pages (self);
}

static void
hf_window_dispose (GObject *object)
{
  HfWindow *self = HF_WINDOW (object);

  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_handle_id (&self->updated_timer, g_source_remove);
  keep_top_stop (self);
  if (self->sort_model != NULL)
    g_signal_handlers_disconnect_by_data (self->sort_model, self);
  if (self->app != NULL)
    g_signal_handlers_disconnect_by_data (hf_application_get_session (self->app), self);
  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  if (self->groups != NULL)
    g_signal_handlers_disconnect_by_data (self->groups, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_weak_pointer (&self->menu_return);
  g_clear_handle_id (&self->return_idle, g_source_remove);
  if (self->miner_popover != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->miner_popover, self);
      gtk_widget_unparent (GTK_WIDGET (self->miner_popover));
      self->miner_popover = NULL;
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "miner", NULL);
  g_clear_object (&self->miner_actions);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->card_sorter);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->group_model);
  g_clear_object (&self->group_filter);
  g_clear_object (&self->group_names);
  g_clear_object (&self->groups);
  g_clear_pointer (&self->group, g_free);
  g_clear_object (&self->fleet);
  g_clear_object (&self->app);
  g_clear_object (&self->settings);
  g_clear_object (&self->scheduler);
  g_clear_pointer (&self->search_key, g_free);

  G_OBJECT_CLASS (hf_window_parent_class)->dispose (object);
}

static void
hf_window_constructed (GObject *object)
{
  HfWindow *self = HF_WINDOW (object);

  G_OBJECT_CLASS (hf_window_parent_class)->constructed (object);

  g_return_if_fail (HF_IS_SETTINGS (self->settings));
  gtk_window_set_default_size (GTK_WINDOW (self),
                               hf_settings_get_window_width (self->settings),
                               hf_settings_get_window_height (self->settings));
  if (hf_settings_get_window_maximized (self->settings))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
hf_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HfWindow *self = HF_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS: g_value_set_object (value, self->settings); break;
    case PROP_POWER_BUDGET:
      g_value_set_object (value, self->app != NULL
                                 ? hf_session_get_power_budget (hf_application_get_session (self->app))
                                 : NULL);
      break;
    case PROP_SCHEDULER: g_value_set_object (value, self->scheduler); break;
    case PROP_TUNER:
      g_value_set_object (value, self->app != NULL && hf_application_get_session (self->app) != NULL
                                 ? hf_session_get_tuner (hf_application_get_session (self->app))
                                 : NULL);
      break;
    case PROP_GUARDIAN:
      g_value_set_object (value, self->app != NULL && hf_application_get_session (self->app) != NULL
                                 ? hf_session_get_guardian (hf_application_get_session (self->app))
                                 : NULL);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HfWindow *self = HF_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS: self->settings = g_value_dup_object (value); break;
    case PROP_SCHEDULER: self->scheduler = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_window_class_init (HfWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = hf_window_constructed;
  object_class->dispose = hf_window_dispose;
  object_class->get_property = hf_window_get_property;
  object_class->set_property = hf_window_set_property;
  window_class->close_request = hf_window_close_request;
  widget_class->map = hf_window_map;
  widget_class->unmap = hf_window_unmap;
  widget_class->realize = hf_window_realize;
  widget_class->unrealize = hf_window_unrealize;

  /* The app's settings (hf_application_get_settings()); the views' cards
   * take theirs from here. */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, HF_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The session's power budget, once the window has its application: the
   * cards say which miners it curtailed. */
  properties[PROP_POWER_BUDGET] =
    g_param_spec_object ("power-budget", NULL, NULL, HF_TYPE_POWER_BUDGET,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The session's scheduler: the cards show each miner's next switch. */
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL, HF_TYPE_SCHEDULER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The session's tuner and thermal guardian: the cards say which miners
   * tune and which are stepped down. */
  properties[PROP_TUNER] =
    g_param_spec_object ("tuner", NULL, NULL, HF_TYPE_TUNER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUARDIAN] =
    g_param_spec_object ("guardian", NULL, NULL, HF_TYPE_THERMAL_GUARDIAN,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HF_TYPE_TOTALS_HEADER);
  /* For the grid's card template (a GtkBuilderListItemFactory). */
  g_type_ensure (HF_TYPE_MINER_CARD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HfWindow, name)
  BIND (toast_overlay);
  BIND (header_bar);
  BIND (discover_button);
  BIND (discover_spinner);
  BIND (discover_label);
  BIND (discover_status);
  BIND (subnets_button);
  BIND (discover_progress);
  BIND (search_button);
  BIND (sort_button);
  BIND (search_bar);
  BIND (search_entry);
  BIND (main_stack);
  BIND (empty_page);
  BIND (totals_header);
  BIND (view_stack);
  BIND (grid_view);
  BIND (column_view);
  BIND (updated_label);
  BIND (miner_popover);
  BIND (miner_menu);
#undef BIND

  gtk_widget_class_install_action (widget_class, "win.discover", NULL, discover_activated);
  gtk_widget_class_install_action (widget_class, "win.add-miner", NULL, add_miner_activated);
  gtk_widget_class_install_action (widget_class, "win.set-subnets", NULL, set_subnets_activated);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_activated);
  gtk_widget_class_install_action (widget_class, "win.fleet-history", NULL, fleet_history_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);
  /* Not Ctrl+Shift+D: GTK keeps that (and Ctrl+Shift+I) for its Inspector. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "win.discover", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.add-miner", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "win.fleet-history", NULL);
}

static void
hf_window_init (HfWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);

  gtk_widget_set_parent (GTK_WIDGET (self->miner_popover), GTK_WIDGET (self->view_stack));
  g_signal_connect_swapped (self->miner_popover, "closed", G_CALLBACK (menu_closed_cb), self);
  g_object_bind_property (self->search_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
}

HfWindow *
hf_window_new (HfApplication *application)
{
  HfWindow *self;

  g_return_val_if_fail (HF_IS_APPLICATION (application), NULL);
  self = g_object_new (HF_TYPE_WINDOW,
                       "application", application,
                       "settings", hf_application_get_settings (application),
                       "scheduler", hf_application_get_session (application) != NULL
                                    ? hf_session_get_scheduler (hf_application_get_session (application))
                                    : NULL,
                       NULL);
  hf_window_setup (self, application);
  return self;
}
