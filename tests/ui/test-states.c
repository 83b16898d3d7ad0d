/* test-states.c — the app shows what each miner does: simulated miners of
 * every family in every state they can report (hashing, paused,
 * overheated, power fault, on the fallback pool, at 0 H/s, offline) reach
 * the cards and the table in their words and colours; search and sort by
 * state; the totals count hashing beside online and show the luck; the
 * model legend counts; a card's quick actions follow the state; "Updated
 * N s ago" ticks only while the window shows; a found block is announced
 * by the miner's name; a discovery that ends after its window is gone
 * touches nothing.  Everything on loopback (hashfleet-sim).
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>

#include <adwaita.h>

#include "hf-application.h"
#include "hf-miner-card.h"
#include "hf-miner-cell.h"
#include "hf-miner-status.h"
#include "hf-settings.h"
#include "hf-test-utils.h"
#include "hf-totals-header.h"
#include "hf-window.h"

#define HTTP_PORT    "18794"
#define CGMINER_PORT "14794"

static const char fleet_config[] =
  "[fleet]\nhttp-port=" HTTP_PORT "\ncgminer-port=" CGMINER_PORT "\nstatic=true\n"
  "restart-seconds=1\n"
  /* AxeOS */
  "[miner 127.0.44.2]\nprofile=gamma\nhostname=axe-hashing\n"
  "[miner 127.0.44.3]\nprofile=gamma\nhostname=axe-paused\npaused=true\n"
  "[miner 127.0.44.4]\nprofile=gamma\nhostname=axe-hot\noverheat=true\n"
  "[miner 127.0.44.5]\nprofile=gamma\nhostname=axe-fallback\nfallback=true\n"
  "[miner 127.0.44.6]\nprofile=gamma\nhostname=axe-idle\nhashrate=0\n"
  "[miner 127.0.44.7]\nprofile=gamma\nhostname=axe-fault\npower-fault=true\n"
  /* Antminer */
  "[miner 127.0.44.10]\nprofile=s19pro\n"
  "[miner 127.0.44.11]\nprofile=s19pro\npaused=true\n"
  "[miner 127.0.44.12]\nprofile=s19pro\nfallback=true\n"
  "[miner 127.0.44.13]\nprofile=s19pro\nhashrate=0\n"
  /* Whatsminer */
  "[miner 127.0.44.14]\nprofile=m30s\n"
  "[miner 127.0.44.15]\nprofile=m30s\npaused=true\n"
  "[miner 127.0.44.16]\nprofile=m30s\nfallback=true\n"
  "[miner 127.0.44.17]\nprofile=m30s\nhashrate=0\n"
  /* Avalon */
  "[miner 127.0.44.18]\nprofile=nano3s\n"
  "[miner 127.0.44.19]\nprofile=nano3s\npaused=true\n"
  "[miner 127.0.44.20]\nprofile=q\nfallback=true\n"
  "[miner 127.0.44.21]\nprofile=nano3s\nhashrate=0\n"
  /* Generic cgminer */
  "[miner 127.0.44.22]\nprofile=cgminer\n"
  "[miner 127.0.44.23]\nprofile=cgminer\nfallback=true\n"
  "[miner 127.0.44.24]\nprofile=cgminer\nhashrate=0\n"
  /* A lucky one: a block every 2 s. */
  "[miner 127.0.44.30]\nprofile=gamma\nhostname=lucky-axe\nblock-every=2\n";

typedef struct
{
  const char *ip;
  HfState     state;
} Expect;

static const Expect expected[] = {
  { "127.0.44.2", HF_STATE_HASHING },
  { "127.0.44.3", HF_STATE_PAUSED },
  { "127.0.44.4", HF_STATE_OVERHEATED },
  { "127.0.44.5", HF_STATE_FALLBACK_POOL },
  { "127.0.44.6", HF_STATE_NOT_HASHING },
  { "127.0.44.7", HF_STATE_POWER_FAULT },
  { "127.0.44.10", HF_STATE_HASHING },
  { "127.0.44.11", HF_STATE_PAUSED },
  { "127.0.44.12", HF_STATE_FALLBACK_POOL },
  { "127.0.44.13", HF_STATE_NOT_HASHING },
  { "127.0.44.14", HF_STATE_HASHING },
  { "127.0.44.15", HF_STATE_PAUSED },
  { "127.0.44.16", HF_STATE_FALLBACK_POOL },
  { "127.0.44.17", HF_STATE_NOT_HASHING },
  { "127.0.44.18", HF_STATE_HASHING },
  { "127.0.44.19", HF_STATE_PAUSED },
  { "127.0.44.20", HF_STATE_FALLBACK_POOL },
  { "127.0.44.21", HF_STATE_NOT_HASHING },
  { "127.0.44.22", HF_STATE_HASHING },
  { "127.0.44.23", HF_STATE_FALLBACK_POOL },
  { "127.0.44.24", HF_STATE_NOT_HASHING },
  { "127.0.44.30", HF_STATE_HASHING },
  /* Nothing listens there: offline. */
  { "127.0.44.40", HF_STATE_OFFLINE },
};

/* The words a badge says for each state (hf_state_label(), but written
 * out: the test checks them, not the function). */
static const char *const words[HF_N_STATES] = {
  [HF_STATE_UNKNOWN] = "Not read yet",
  [HF_STATE_HASHING] = "Hashing",
  [HF_STATE_FALLBACK_POOL] = "On fallback pool",
  [HF_STATE_NOT_HASHING] = "Not hashing",
  [HF_STATE_PAUSED] = "Paused",
  [HF_STATE_OVERHEATED] = "Overheated",
  [HF_STATE_POWER_FAULT] = "Power fault",
  [HF_STATE_UPDATING] = "Updating firmware",
  [HF_STATE_OFFLINE] = "Offline",   /* "since 14:05 · …", or "· refusing connections" */
  [HF_STATE_RESTARTING] = "Restarting…",
};

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
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
is_loaded (gpointer app)
{
  return hf_application_get_loaded (app);
}

static guint pending_adds;

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = hf_session_add_finish (HF_SESSION (source), result, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (miner);
  pending_adds--;
}

static gboolean
all_added (gpointer unused)
{
  return pending_adds == 0;
}

/* Every miner is in the state the simulator puts it in. */
static gboolean
all_in_state (gpointer fleet)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      HfMiner *m = hf_fleet_lookup_address (fleet, expected[i].ip);

      if (m == NULL || hf_miner_get_state (m) != expected[i].state)
        return FALSE;
    }
  return !hf_fleet_get_cycle_running (fleet);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect (c, type, out);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  collect (widget, type, all);
  return all->len > 0 ? g_ptr_array_index (all, 0) : NULL;
}

static GtkLabel *
label_with_prefix (GtkWidget  *widget,
                   const char *prefix)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect (widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_has_prefix (gtk_label_get_text (g_ptr_array_index (labels, i)), prefix))
      return g_ptr_array_index (labels, i);
  return NULL;
}

static HfState
expected_state (const char *ip)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (g_str_equal (expected[i].ip, ip))
      return expected[i].state;
  g_assert_not_reached ();
}

static HfMinerCard *
card_for (HfWindow   *window,
          const char *ip)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();

  collect (GTK_WIDGET (window), HF_TYPE_MINER_CARD, cards);
  for (guint i = 0; i < cards->len; i++)
    {
      HfMiner *m = hf_miner_card_get_miner (g_ptr_array_index (cards, i));

      if (m != NULL && g_str_equal (hf_miner_get_address (m), ip))
        return g_ptr_array_index (cards, i);
    }
  return NULL;
}

/* The words and colours of every card's badge. */
static void
check_cards (HfWindow *window)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  guint checked = 0;

  settle ();
  collect (GTK_WIDGET (window), HF_TYPE_MINER_CARD, cards);
  for (guint i = 0; i < cards->len; i++)
    {
      HfMinerCard *card = g_ptr_array_index (cards, i);
      HfMiner *m = hf_miner_card_get_miner (card);
      HfState state;
      GtkLabel *badge;

      if (m == NULL)
        continue;
      state = expected_state (hf_miner_get_address (m));
      badge = label_with_prefix (GTK_WIDGET (card), words[state]);
      if (badge == NULL)
        g_error ("%s: no \"%s\" on its card", hf_miner_get_address (m), words[state]);
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (badge), "hf-state"));
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (badge),
                                               hf_miner_state_css_class (state)));
      /* Never green for a miner that is not hashing. */
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (badge), "hf-state-hashing")
                     == (state == HF_STATE_HASHING));
      g_assert_null (label_with_prefix (GTK_WIDGET (card), "Online"));
      if (state == HF_STATE_OFFLINE)
        g_assert_cmpstr (gtk_label_get_text (badge), ==, "Offline · refusing connections");
      checked++;
    }
  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (expected));
}

/* The table's Status and luck cells. */
static void
check_table (HfWindow *window)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  g_autoptr(GHashTable) status_seen = g_hash_table_new (NULL, NULL);
  guint best_shown = 0;

  settle ();
  collect (GTK_WIDGET (window), HF_TYPE_MINER_CELL, cells);
  g_assert_cmpuint (cells->len, >, 0);
  for (guint i = 0; i < cells->len; i++)
    {
      HfMinerCell *cell = g_ptr_array_index (cells, i);
      HfMiner *m = hf_miner_cell_get_miner (cell);
      const char *text = hf_miner_cell_get_text (cell);
      GtkWidget *label = gtk_widget_get_first_child (GTK_WIDGET (cell));
      HfState state;

      if (m == NULL)
        continue;
      state = expected_state (hf_miner_get_address (m));
      /* The status cell is the one with the badge. */
      if (gtk_widget_has_css_class (label, "hf-state"))
        {
          g_assert_true (g_str_has_prefix (text, words[state]));
          g_assert_true (gtk_widget_has_css_class (label, hf_miner_state_css_class (state)));
          g_hash_table_add (status_seen, m);
        }
      /* "4.81 G": the best share, with its unit apart. */
      if (hf_miner_get_family (m) == HF_FAMILY_AXEOS && state != HF_STATE_OFFLINE
          && g_regex_match_simple ("^[0-9.]+ [kMGTP]$", text, 0, 0))
        best_shown++;
    }
  g_assert_cmpuint (g_hash_table_size (status_seen), ==, G_N_ELEMENTS (expected));
  /* Every answering AxeOS miner has its best share (all time and session). */
  g_assert_cmpuint (best_shown, >=, 7);
}

static guint
count_shown (HfWindow   *window,
             const char *search)
{
  /* The window's own (a group drop-down holds one too). */
  GtkSearchEntry *entry = GTK_SEARCH_ENTRY (find_descendant (find_descendant (GTK_WIDGET (window),
                                                                              GTK_TYPE_SEARCH_BAR),
                                                             GTK_TYPE_SEARCH_ENTRY));

  gtk_editable_set_text (GTK_EDITABLE (entry), search);
  g_signal_emit_by_name (entry, "search-changed");
  return g_list_model_get_n_items (G_LIST_MODEL (hf_window_get_selection (window)));
}

static guint
count_expected (HfState state)
{
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    n += expected[i].state == state;
  return n;
}

static GtkWidget *
button_for (HfMinerCard *card,
            const char  *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (GTK_WIDGET (card), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), action) == 0)
      return g_ptr_array_index (buttons, i);
  g_assert_not_reached ();
}

static char *updated_before;

static gboolean
updated_changed (gpointer window)
{
  return g_strcmp0 (updated_before, hf_window_get_updated_text (window)) != 0;
}

static gboolean
has_block_text (gpointer app)
{
  return hf_application_get_block_text (app) != NULL;
}

static gboolean
sim_paused_event (gpointer unused)
{
  return hf_test_sim_events (sim, "resume", "127.0.44.3", 0, 0) > 0;
}

static void
states_activate_cb (GApplication *app,
                    gpointer      user_data)
{
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfSession *session = hf_application_get_session (HF_APPLICATION (app));
  HfFleet *fleet = hf_application_get_fleet (HF_APPLICATION (app));
  HfSettings *settings = hf_application_get_settings (HF_APPLICATION (app));
  HfTotalsHeader *totals = NULL;
  guint hashing = count_expected (HF_STATE_HASHING) + count_expected (HF_STATE_FALLBACK_POOL);
  g_autofree char *hashing_text = NULL;
  g_autofree char *online_text = NULL;

  wait_until (is_loaded, app, 5000);

  /* Every miner that answers, added as Add Miner does; the one that does
   * not, put in the fleet as a restored one would be. */
  hf_fleet_set_offline_after (fleet, 1);
  for (guint i = 0; i + 1 < G_N_ELEMENTS (expected); i++)
    {
      pending_adds++;
      hf_session_add_async (session, expected[i].ip, 0, 0, NULL, added_cb, NULL);
    }
  wait_until (all_added, NULL, 20000);
  {
    g_autoptr(HfMiner) gone = hf_miner_new (expected[G_N_ELEMENTS (expected) - 1].ip,
                                            HF_FAMILY_AXEOS);
    hf_fleet_add (fleet, gone);
  }
  hf_fleet_set_poll_interval (fleet, 1);
  hf_session_refresh (session);
  wait_until (all_in_state, fleet, 20000);
  settle ();

  /* Miners joined one by one, sorted before the first: the grid, at its
   * top before, is still at its top, its first card in view. */
  {
    GtkWidget *grid = find_descendant (GTK_WIDGET (window), GTK_TYPE_GRID_VIEW);
    GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (grid));

    g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));
    g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, gtk_adjustment_get_lower (adj));
  }

  /* Cards, then the table. */
  check_cards (window);
  hf_settings_set_view_mode (settings, "table");
  check_table (window);
  hf_settings_set_view_mode (settings, "cards");

  /* Search by state: its stable word or its label. */
  g_assert_cmpuint (count_shown (window, "paused"), ==, count_expected (HF_STATE_PAUSED));
  g_assert_cmpuint (count_shown (window, "not-hashing"), ==,
                    count_expected (HF_STATE_NOT_HASHING));
  g_assert_cmpuint (count_shown (window, "fallback"), ==,
                    count_expected (HF_STATE_FALLBACK_POOL));
  g_assert_cmpuint (count_shown (window, "overheated"), ==, 1);
  g_assert_cmpuint (count_shown (window, "offline"), ==, 1);
  g_assert_cmpuint (count_shown (window, ""), ==, G_N_ELEMENTS (expected));

  /* Sort by state: hashing first, offline last. */
  {
    GtkColumnView *view = GTK_COLUMN_VIEW (find_descendant (GTK_WIDGET (window),
                                                            GTK_TYPE_COLUMN_VIEW));
    GListModel *columns = gtk_column_view_get_columns (view);
    GListModel *shown = G_LIST_MODEL (hf_window_get_selection (window));
    g_autoptr(HfMiner) first = NULL;
    g_autoptr(HfMiner) last = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

        if (g_strcmp0 (gtk_column_view_column_get_title (column), "Status") == 0)
          gtk_column_view_sort_by_column (view, column, GTK_SORT_ASCENDING);
      }
    first = g_list_model_get_item (shown, 0);
    last = g_list_model_get_item (shown, g_list_model_get_n_items (shown) - 1);
    g_assert_cmpint (hf_miner_get_state (first), ==, HF_STATE_HASHING);
    g_assert_cmpint (hf_miner_get_state (last), ==, HF_STATE_OFFLINE);
  }

  /* The totals: hashing beside online, and the luck. */
  totals = HF_TOTALS_HEADER (find_descendant (GTK_WIDGET (window), HF_TYPE_TOTALS_HEADER));
  hashing_text = g_strdup_printf ("%u hashing", hashing);
  online_text = g_strdup_printf ("%u of %u online", (guint) G_N_ELEMENTS (expected) - 1,
                                 (guint) G_N_ELEMENTS (expected));
  g_assert_cmpstr (hf_totals_header_get_text (totals, "hashing"), ==, hashing_text);
  g_assert_cmpstr (hf_totals_header_get_text (totals, "miners"), ==, online_text);
  g_assert_true (g_regex_match_simple ("^[0-9.]+ [kMGTP]$",
                                       hf_totals_header_get_text (totals, "best"), 0, 0));
  g_assert_true (g_str_has_prefix (hf_totals_header_get_text (totals, "expected"), "block in ~"));
  g_assert_cmpstr (hf_totals_header_get_text (totals, "expected"), !=, "block in ~—");
  g_assert_true (g_str_has_suffix (hf_totals_header_get_text (totals, "chance"), "% a day"));

  /* The legend: each model with its count, the most common first (a
   * miner never identified by its family). */
  g_test_message ("legend: %s", hf_totals_header_get_text (totals, "legend"));
  g_assert_cmpstr (hf_totals_header_get_text (totals, "legend"), ==,
                   "7 × Bitaxe Gamma · 4 × Antminer S19 Pro · 4 × Whatsminer M30S+_VE40 · "
                   "3 × Avalon Nano3s · 3 × cgminer · 1 × Avalon Q · 1 × AxeOS");

  /* Quick actions: shown while the pointer is on a card, Pause or Resume
   * as the miner says, enabled as it can. */
  {
    HfMinerCard *paused = card_for (window, "127.0.44.3");
    HfMinerCard *busy = card_for (window, "127.0.44.2");
    HfMinerCard *generic = card_for (window, "127.0.44.22");
    GtkWidget *resume, *pause;

    g_assert_nonnull (paused);
    g_assert_nonnull (busy);
    g_assert_nonnull (generic);
    g_assert_false (hf_miner_card_get_actions_shown (paused));
    gtk_widget_set_state_flags (GTK_WIDGET (paused), GTK_STATE_FLAG_PRELIGHT, FALSE);
    g_assert_true (hf_miner_card_get_actions_shown (paused));
    resume = button_for (paused, "miner.resume");
    pause = button_for (paused, "miner.pause");
    g_assert_nonnull (resume);
    g_assert_nonnull (pause);
    g_assert_true (gtk_widget_get_visible (resume));
    g_assert_false (gtk_widget_get_visible (pause));
    g_assert_true (gtk_widget_is_sensitive (resume));
    g_assert_cmpstr (g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (resume)),
                                           NULL), ==, "127.0.44.3");
    /* Pointer leaves: the uptime is back. */
    gtk_widget_unset_state_flags (GTK_WIDGET (paused), GTK_STATE_FLAG_PRELIGHT);
    g_assert_false (hf_miner_card_get_actions_shown (paused));
    /* The keyboard focus on its grid item shows them too. */
    gtk_widget_set_state_flags (gtk_widget_get_parent (GTK_WIDGET (paused)),
                                GTK_STATE_FLAG_FOCUS_WITHIN, FALSE);
    g_assert_true (hf_miner_card_get_actions_shown (paused));
    g_assert_true (gtk_widget_is_sensitive (resume));
    gtk_widget_unset_state_flags (gtk_widget_get_parent (GTK_WIDGET (paused)),
                                  GTK_STATE_FLAG_FOCUS_WITHIN);
    g_assert_false (hf_miner_card_get_actions_shown (paused));

    /* A cgminer that cannot pause: its Pause button is off. */
    gtk_widget_set_state_flags (GTK_WIDGET (generic), GTK_STATE_FLAG_PRELIGHT, FALSE);
    g_assert_true (hf_miner_card_get_actions_shown (generic));
    g_assert_true (gtk_widget_get_visible (button_for (generic, "miner.pause")));
    g_assert_false (gtk_widget_is_sensitive (button_for (generic, "miner.pause")));
    g_assert_true (gtk_widget_is_sensitive (button_for (generic, "miner.restart")));
    gtk_widget_unset_state_flags (GTK_WIDGET (generic), GTK_STATE_FLAG_PRELIGHT);

    /* A hashing Bitaxe: Pause on, Resume off. */
    gtk_widget_set_state_flags (GTK_WIDGET (busy), GTK_STATE_FLAG_PRELIGHT, FALSE);
    g_assert_true (gtk_widget_is_sensitive (button_for (busy, "miner.pause")));
    g_assert_false (gtk_widget_get_visible (button_for (busy, "miner.resume")));
    g_assert_false (gtk_widget_is_sensitive (button_for (busy, "miner.resume")));
    gtk_widget_unset_state_flags (GTK_WIDGET (busy), GTK_STATE_FLAG_PRELIGHT);

    /* Resume pressed on the paused one: the simulated miner resumes. */
    gtk_widget_set_state_flags (GTK_WIDGET (paused), GTK_STATE_FLAG_PRELIGHT, FALSE);
    g_signal_emit_by_name (resume, "clicked");
    wait_until (sim_paused_event, NULL, 5000);
    gtk_widget_unset_state_flags (GTK_WIDGET (paused), GTK_STATE_FLAG_PRELIGHT);
  }

  /* Updated N s ago: set by the cycles, ticking while shown. */
  g_assert_true (g_str_has_prefix (hf_window_get_updated_text (window), "Updated "));
  hf_fleet_set_poll_interval (fleet, 3600);
  g_assert_true (hf_window_get_updated_ticking (window));
  updated_before = g_strdup (hf_window_get_updated_text (window));
  wait_until (updated_changed, window, 5000);
  g_assert_true (g_str_has_prefix (hf_window_get_updated_text (window), "Updated "));
  g_clear_pointer (&updated_before, g_free);
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_assert_false (hf_window_get_updated_ticking (window));
  gtk_widget_set_visible (GTK_WIDGET (window), TRUE);
  g_assert_true (hf_window_get_updated_ticking (window));

  /* The lucky miner's block (one every 2 s since the simulator started):
   * announced by its name once a poll sees its counter move. */
  hf_fleet_set_poll_interval (fleet, 1);
  hf_session_refresh (session);
  wait_until (has_block_text, app, 10000);
  g_assert_true (g_regex_match_simple ("^lucky-axe found (a block|[0-9]+ blocks)$",
                                       hf_application_get_block_text (HF_APPLICATION (app)), 0, 0));
  /* A window with the focus toasts it too (a display without a window
   * manager may give none the focus). */
  settle ();
  if (gtk_window_is_active (GTK_WINDOW (window)))
    g_assert_nonnull (label_with_prefix (GTK_WIDGET (window),
                                         hf_application_get_block_text (HF_APPLICATION (app))));
  else
    g_test_message ("the window is not active: no toast to check");

  g_application_quit (app);
}

static void
run_app (GCallback activate)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  char *args[] = { "hashfleet", "--db", db_path, "--http-port", HTTP_PORT, "--cgminer-port",
                   CGMINER_PORT, NULL };

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", activate, NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
}

static void
test_states (void)
{
  run_app (G_CALLBACK (states_activate_cb));
}

static gboolean
session_not_discovering (gpointer session)
{
  return !hf_session_get_discovering (session);
}

/* A window disposed while its discovery runs (closed, and disposed as
 * language bindings do on destroy): the discovery ends (cancelled by
 * dispose) after the window's widgets are gone, and touches none. */
static void
closed_activate_cb (GApplication *app,
                    gpointer      user_data)
{
  HfSession *session = hf_application_get_session (HF_APPLICATION (app));
  HfWindow *window;
  const char *targets[] = { "127.0.44.1-127.0.44.60", NULL };

  wait_until (is_loaded, app, 5000);
  window = hf_window_new (HF_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  hf_window_discover (window, targets);
  g_assert_true (hf_window_get_discovering (window));
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_run_dispose (G_OBJECT (window));
  wait_until (session_not_discovering, session, 10000);
  settle ();
  g_application_quit (app);
}

static void
test_discovery_after_close (void)
{
  run_app (G_CALLBACK (closed_activate_cb));
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
  dir = g_dir_make_tmp ("hf-test-ui-states-XXXXXX", NULL);
  db_path = g_build_filename (dir, "hashfleet.db", NULL);
  sim = hf_test_sim_start (fleet_config);
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");
    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  g_test_add_func ("/ui/states/every-state", test_states);
  g_test_add_func ("/ui/states/discovery-after-close", test_discovery_after_close);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  g_free (db_path);
  return status;
}
