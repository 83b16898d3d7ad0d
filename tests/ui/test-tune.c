/* test-tune.c — the Tune dialog and the thermal guardian's switches, in the
 * app's window against the simulator
 * SPDX-License-Identifier: MIT
 *
 * A real window under Xvfb over a real database and the simulator on
 * loopback.  The guardian: a miner's Details has the switch (an Antminer's
 * has none); turning it on with a chip limit under the miner's own
 * temperature saves a guard the guardian reads back, steps the miner down
 * at the next reading and its card says so; turning it off removes the
 * guard; the group menu's Thermal Guardian… saves a guard of the group.
 * The Tune dialog: opened from the miner menu's Tune… (only for miners
 * that can be tuned), a tune started with a short settle fills the table
 * with measured steps and the card says "Tuning… step N/M"; Stop and
 * Restore puts the original frequency and voltage back on the simulated
 * Bitaxe; an Avalon's tune runs to the end with its winner marked and
 * applied, and shows again, from the store, when the dialog is reopened;
 * the group menu's Tune All… puts its miners side by side.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "hf-application.h"
#include "hf-details-window.h"
#include "hf-guardian-group.h"
#include "hf-miner-actions.h"
#include "hf-miner-card.h"
#include "hf-test-utils.h"
#include "hf-tune-dialog.h"
#include "hf-window.h"

#define A "127.0.63.2"   /* a Bitaxe Gamma (AxeOS) */
#define B "127.0.63.3"   /* an Avalon Nano 3S */
#define C "127.0.63.4"   /* an Antminer: neither tuned nor guarded */

static const char fleet_config[] =
  "[fleet]\nhttp-port=18663\ncgminer-port=14663\nstatic=true\nrestart-seconds=1\n"
  "[miner " A "]\nprofile=gamma\nhostname=bitaxe-tune\n"
  "[miner " B "]\nprofile=nano3s\nhostname=avalon-tune\n"
  "[miner " C "]\nprofile=s19pro\nhostname=s19-tune\n";

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

/* The visible toplevel of @type (a dialog the window opened), or NULL. */
static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (w))
        return w;
    }
  return NULL;
}

/* The toplevel holding a widget of @type. */
static GtkWidget *
find_toplevel_with (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (w) && find_descendant (w, type) != NULL)
        return w;
    }
  return NULL;
}

static HfMinerCard *
card_of (GtkWidget *widget,
         HfMiner   *miner)
{
  if (HF_IS_MINER_CARD (widget) && hf_miner_card_get_miner (HF_MINER_CARD (widget)) == miner)
    return HF_MINER_CARD (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      HfMinerCard *found = card_of (c, miner);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

static gboolean
group_idle (gpointer group)
{
  return hf_guardian_group_get_idle (group);
}

typedef struct
{
  HfThermalGuardian *guardian;
  HfMiner           *miner;
  HfSession         *session;
} Stepping;

static gboolean
stepped_down (gpointer data)
{
  Stepping *s = data;

  if (hf_thermal_guardian_get_steps (s->guardian, s->miner) > 0)
    return TRUE;
  /* A reading now rather than in five seconds. */
  if (!hf_fleet_get_cycle_running (hf_session_get_fleet (s->session)))
    hf_session_refresh (s->session);
  return FALSE;
}

static void
group_changed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_session_change_group_finish (HF_SESSION (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_guardian (HfApplication *app,
               HfWindow      *window)
{
  HfSession *session = hf_application_get_session (app);
  HfFleet *fleet = hf_application_get_fleet (app);
  HfThermalGuardian *guardian = hf_session_get_guardian (session);
  HfMinerActions *actions = HF_MINER_ACTIONS (hf_window_get_miner_actions (window));
  HfMiner *a = hf_fleet_lookup_address (fleet, A);
  HfMiner *b = hf_fleet_lookup_address (fleet, B);
  HfMiner *c = hf_fleet_lookup_address (fleet, C);
  HfGuardianGroup *group;
  GtkWidget *details;
  GtkWidget *guardian_window;
  const HfGuard *guard;
  HfMinerCard *card;
  Stepping stepping = { guardian, a, session };

  /* An Antminer's Details: no guardian (it has no options to step). */
  g_assert_true (hf_miner_actions_activate_on (actions, "details", c));
  details = find_toplevel (HF_TYPE_DETAILS_WINDOW);
  g_assert_nonnull (details);
  g_assert_null (hf_details_window_get_guardian_group (HF_DETAILS_WINDOW (details)));
  gtk_window_destroy (GTK_WINDOW (details));
  settle ();

  /* The Bitaxe's: off, then on with a limit under its temperature. */
  g_assert_true (hf_miner_actions_activate_on (actions, "details", a));
  details = find_toplevel (HF_TYPE_DETAILS_WINDOW);
  g_assert_nonnull (details);
  group = HF_GUARDIAN_GROUP (hf_details_window_get_guardian_group (HF_DETAILS_WINDOW (details)));
  g_assert_nonnull (group);
  g_assert_false (hf_guardian_group_get_active (group));
  g_assert_null (hf_thermal_guardian_get_guard (guardian, a));
  g_assert_cmpfloat (hf_miner_get_temperature_c (a), >, 40.0);
  hf_guardian_group_set (group, TRUE, 40, 85, 2);
  g_assert_false (hf_guardian_group_get_idle (group));
  wait_until (group_idle, group, 5000);
  g_assert_null (hf_guardian_group_get_error (group));
  guard = hf_thermal_guardian_get_guard (guardian, a);
  g_assert_nonnull (guard);
  g_assert_nonnull (guard->miner_key);
  g_assert_null (guard->group);
  g_assert_cmpfloat (guard->chip_limit_c, ==, 40);
  g_assert_cmpfloat (guard->vr_limit_c, ==, 85);
  g_assert_cmpuint (guard->cool_min, ==, 2);
  g_assert_true (hf_guardian_group_get_active (group));

  /* Hot at the next reading: one option down, and the card says so. */
  wait_until (stepped_down, &stepping, 20000);
  settle ();
  g_assert_cmpuint (hf_thermal_guardian_get_steps (guardian, a), ==, 1);
  card = card_of (GTK_WIDGET (window), a);
  g_assert_nonnull (card);
  g_assert_cmpstr (hf_miner_card_get_note (card), ==, "Stepped down 1 option (hot)");
  g_assert_null (hf_miner_card_get_note (card_of (GTK_WIDGET (window), b)));

  /* Off: the guard goes. */
  hf_guardian_group_set (group, FALSE, 40, 85, 2);
  wait_until (group_idle, group, 5000);
  g_assert_null (hf_guardian_group_get_error (group));
  g_assert_null (hf_thermal_guardian_get_guard (guardian, a));
  gtk_window_destroy (GTK_WINDOW (details));
  settle ();

  /* A group's, from the group menu. */
  hf_window_show_group (window, "Rack");
  settle ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.group-guardian", NULL);
  settle ();
  guardian_window = find_toplevel_with (HF_TYPE_GUARDIAN_GROUP);
  g_assert_nonnull (guardian_window);
  group = HF_GUARDIAN_GROUP (find_descendant (guardian_window, HF_TYPE_GUARDIAN_GROUP));
  g_assert_false (hf_guardian_group_get_active (group));
  hf_guardian_group_set (group, TRUE, 75, 90, 10);
  wait_until (group_idle, group, 5000);
  g_assert_null (hf_guardian_group_get_error (group));
  guard = hf_thermal_guardian_get_guard (guardian, b);
  g_assert_nonnull (guard);
  g_assert_cmpstr (guard->group, ==, "Rack");
  g_assert_null (guard->miner_key);
  g_assert_cmpfloat (guard->chip_limit_c, ==, 75);
  g_assert_cmpfloat (guard->vr_limit_c, ==, 90);
  g_assert_cmpuint (guard->cool_min, ==, 10);
  g_assert_null (hf_thermal_guardian_get_guard (guardian, c));
  /* Escape closes it. */
  gtk_widget_activate_action (guardian_window, "window.close", NULL);
  settle ();
  g_assert_null (find_toplevel_with (HF_TYPE_GUARDIAN_GROUP));
  hf_window_show_group (window, NULL);
  settle ();
}


/* Whether @menu (or a section of it) has an item labelled @label. */
static gboolean
menu_has (GMenuModel *menu,
          const char *label)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GMenuModel) inner = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &text)
          && g_str_equal (text, label))
        return TRUE;
      if (inner != NULL && menu_has (inner, label))
        return TRUE;
    }
  return FALSE;
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

static void
select_only (HfWindow   *window,
             const char *address)
{
  GtkSelectionModel *selection = hf_window_get_selection (window);

  gtk_selection_model_unselect_all (selection);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (g_str_equal (hf_miner_get_address (m), address))
        gtk_selection_model_select_item (selection, i, FALSE);
    }
}

static gboolean
dialog_loaded (gpointer dialog)
{
  return hf_tune_dialog_get_loaded (dialog);
}

/* A step measured: a row that is not the one running. */
static gboolean
has_measured_step (gpointer view)
{
  HfTune *tune = hf_tune_view_get_tune (view);

  return tune != NULL && hf_tune_get_steps (tune)->len > 0;
}

static gboolean
tune_over (gpointer view)
{
  HfTune *tune = hf_tune_view_get_tune (view);

  return tune != NULL && hf_tune_get_state (tune) != HF_TUNE_RUNNING;
}

typedef struct
{
  HfSession *session;
  HfMiner   *miner;
  guint      frequency;
  guint      voltage;
} Back;

/* The miner reads as set to @frequency / @voltage again. */
static gboolean
settings_back (gpointer data)
{
  Back *b = data;
  const HfReading *r = hf_miner_get_reading (b->miner);

  if (r != NULL && lround (r->frequency_mhz) == b->frequency
      && lround (r->core_voltage_set_mv) == b->voltage)
    return TRUE;
  if (!hf_fleet_get_cycle_running (hf_session_get_fleet (b->session)))
    hf_session_refresh (b->session);
  return FALSE;
}

/* A step measuring on a miner that answers (not one restarting for the
 * step's write: the tuner cannot write the original settings back to a
 * miner while it reboots, and says so as a failure). */
static gboolean
calm (gpointer view)
{
  HfTune *tune = hf_tune_view_get_tune (view);
  HfMiner *miner = hf_tune_view_get_miner (view);

  return tune != NULL && hf_tune_get_current (tune) != NULL && hf_miner_get_online (miner)
         && !hf_miner_get_restarting (miner) && hf_miner_get_reading (miner) != NULL
         && lround (hf_miner_get_reading (miner)->frequency_mhz)
            == hf_tune_get_current (tune)->frequency_mhz;
}

static HfTuneDialog *
open_tune_dialog (HfWindow   *window,
                  const char *address)
{
  GtkWidget *dialog;

  select_only (window, address);
  gtk_widget_activate_action (GTK_WIDGET (window), "miner.tune", "s", address);
  settle ();
  dialog = find_toplevel (HF_TYPE_TUNE_DIALOG);
  g_assert_nonnull (dialog);
  wait_until (dialog_loaded, dialog, 5000);
  settle ();
  return HF_TUNE_DIALOG (dialog);
}

static void
close_dialog (GtkWidget *dialog)
{
  /* Escape, as the keyboard does. */
  gtk_widget_activate_action (dialog, "window.close", NULL);
  settle ();
}

static void
fast_params (HfTuneDialog *dialog,
             double        max_chip_c)
{
  HfTuneParams params;

  hf_tune_params_init (&params);
  params.settle_s = 1;
  params.samples = 1;
  params.max_chip_temp_c = max_chip_c;
  hf_tune_dialog_set_params (dialog, &params);
  /* What the form says now is what starts. */
  hf_tune_dialog_get_params (dialog, &params);
  g_assert_cmpuint (params.settle_s, ==, 1);
  g_assert_cmpuint (params.samples, ==, 1);
  g_assert_cmpfloat (params.max_chip_temp_c, ==, max_chip_c);
  g_assert_cmpint (params.objective, ==, HF_TUNE_EFFICIENCY);
  g_assert_false (params.allow_overclock);
}

static void
test_tune (HfApplication *app,
           HfWindow      *window)
{
  HfSession *session = hf_application_get_session (app);
  HfFleet *fleet = hf_application_get_fleet (app);
  HfMinerActions *actions = HF_MINER_ACTIONS (hf_window_get_miner_actions (window));
  HfMiner *a = hf_fleet_lookup_address (fleet, A);
  HfMiner *b = hf_fleet_lookup_address (fleet, B);
  HfMiner *c = hf_fleet_lookup_address (fleet, C);
  const HfReading *before = hf_miner_get_reading (a);
  Back back = { session, a, lround (before->frequency_mhz), lround (before->core_voltage_set_mv) };
  HfTuneDialog *dialog;
  HfTuneView *view;
  HfTune *tune;
  const HfTuneStep *first;
  g_autofree char *cell = NULL;
  guint f = 0, v = 0, rows;
  gboolean handled = FALSE;
  int mode = -1, winner;

  /* Readings every second: the tune's ticks follow the poll interval. */
  hf_session_set_poll_interval (session, 1);

  /* The menu offers Tune… for the Bitaxe, not for the Antminer. */
  select_only (window, A);
  hf_window_popup_menu (window);
  settle ();
  {
    GtkPopoverMenu *popover = GTK_POPOVER_MENU (find_visible_popover (GTK_WIDGET (window)));

    g_assert_nonnull (popover);
    g_assert_true (menu_has (gtk_popover_menu_get_menu_model (popover), "_Tune…"));
    gtk_popover_popdown (GTK_POPOVER (popover));
  }
  g_assert_false (hf_tune_dialog_can_tune (c));
  g_assert_true (hf_tune_dialog_can_tune (a));
  g_assert_true (hf_tune_dialog_can_tune (b));
  /* Asked for the Antminer anyway (the action targeted at it): nothing. */
  hf_miner_actions_activate_on (actions, "tune", c);
  settle ();
  g_assert_null (find_toplevel (HF_TYPE_TUNE_DIALOG));

  /* The Bitaxe: no tune yet; one started fills the table. */
  dialog = open_tune_dialog (window, A);
  view = hf_tune_dialog_get_view (dialog, 0);
  g_assert_nonnull (view);
  g_assert_null (hf_tune_dialog_get_view (dialog, 1));
  g_assert_true (hf_tune_view_get_miner (view) == a);
  g_assert_null (hf_tune_view_get_tune (view));
  g_assert_cmpuint (hf_tune_view_get_n_rows (view), ==, 0);
  fast_params (dialog, HF_TUNE_DEFAULT_MAX_CHIP_C);
  hf_tune_dialog_start (dialog);
  settle ();
  tune = hf_tune_view_get_tune (view);
  g_assert_nonnull (tune);
  g_assert_cmpint (hf_tune_get_state (tune), ==, HF_TUNE_RUNNING);
  g_assert_true (g_str_has_prefix (hf_miner_card_get_note (card_of (GTK_WIDGET (window), a)),
                                   "Tuning… step "));
  g_assert_true (g_str_has_prefix (hf_tune_view_get_status (view), "Step "));
  wait_until (has_measured_step, view, 90000);
  settle ();
  first = g_ptr_array_index (hf_tune_get_steps (tune), 0);
  g_assert_cmpuint (hf_tune_view_get_n_rows (view), >=, 1);
  cell = hf_tune_view_get_cell (view, 0, HF_TUNE_COLUMN_STEP);
  g_assert_cmpstr (cell, ==, "1");
  g_free (cell);
  cell = hf_tune_view_get_cell (view, 0, HF_TUNE_COLUMN_FREQUENCY);
  g_assert_cmpuint (g_ascii_strtoull (cell, NULL, 10), ==, first->frequency_mhz);
  g_assert_cmpuint (first->frequency_mhz, >, 0);
  g_free (cell);
  cell = hf_tune_view_get_cell (view, 0, HF_TUNE_COLUMN_VOLTAGE);
  g_assert_cmpuint (g_ascii_strtoull (cell, NULL, 10), ==, first->core_voltage_mv);
  g_free (cell);
  if (first->outcome == HF_TUNE_STEP_CLEAN)
    {
      g_assert_cmpfloat (first->hashrate_ghs, >, 0);
      cell = hf_tune_view_get_cell (view, 0, HF_TUNE_COLUMN_HASHRATE);
      g_assert_cmpstr (cell, !=, "—");
      g_free (cell);
      cell = hf_tune_view_get_cell (view, 0, HF_TUNE_COLUMN_EFFICIENCY);
      g_assert_cmpfloat (g_ascii_strtod (cell, NULL), >, 5);
      g_free (cell);
    }
  g_test_message ("first step: %u MHz %u mV %.1f GH/s %.1f W %.2f J/TH %s",
                  first->frequency_mhz, first->core_voltage_mv, first->hashrate_ghs,
                  first->power_w, first->efficiency_jth, first->why ? first->why : "");

  /* Closing does not stop it; reopened, the dialog shows it running. */
  close_dialog (GTK_WIDGET (dialog));
  g_assert_cmpint (hf_tune_get_state (tune), ==, HF_TUNE_RUNNING);
  dialog = open_tune_dialog (window, A);
  view = hf_tune_dialog_get_view (dialog, 0);
  g_assert_true (hf_tune_view_get_tune (view) == tune);

  /* Stop and Restore: the original settings back on the miner. */
  hf_tune_get_original (tune, &f, &v, &mode);
  g_assert_cmpuint (f, ==, back.frequency);
  g_assert_cmpuint (v, ==, back.voltage);
  wait_until (calm, view, 60000);
  hf_tune_dialog_cancel (dialog);
  wait_until (tune_over, view, 60000);
  settle ();
  g_test_message ("cancelled: %s (%s)", hf_tune_view_get_status (view),
                  hf_tune_get_message (tune) ? hf_tune_get_message (tune) : "");
  g_assert_cmpint (hf_tune_get_state (tune), ==, HF_TUNE_CANCELLED);
  g_assert_true (g_str_has_prefix (hf_tune_view_get_status (view),
                                   "Cancelled: the original settings are back"));
  wait_until (settings_back, &back, 30000);
  settle ();
  g_test_message ("note: %s", hf_miner_card_get_note (card_of (GTK_WIDGET (window), a)));
  g_assert_null (hf_miner_card_get_note (card_of (GTK_WIDGET (window), a)));

  close_dialog (GTK_WIDGET (dialog));

  /* The Avalon's work modes, started with Enter in a field of the form,
   * to the end: eco is the simulated Nano's most efficient mode (its
   * hashrate is its own, not held to the expected hashrate the miner
   * reports, which is its standard mode's), marked, applied, and shown
   * again from the store. */
  dialog = open_tune_dialog (window, B);
  view = hf_tune_dialog_get_view (dialog, 0);
  /* A Nano runs near 80 °C in any mode: the limit from the form, above it. */
  fast_params (dialog, 90);
  {
    GtkEventController *keys = NULL;
    GListModel *controllers = gtk_widget_observe_controllers (GTK_WIDGET (dialog));

    for (guint i = 0; keys == NULL && i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) ec = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (ec))
          keys = ec;
      }
    g_object_unref (controllers);
    g_assert_nonnull (keys);
    gtk_widget_grab_focus (find_descendant (GTK_WIDGET (dialog), GTK_TYPE_SPIN_BUTTON));
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Return, 36, 0, &handled);
    g_assert_true (handled);
  }
  settle ();
  tune = hf_tune_view_get_tune (view);
  g_assert_nonnull (tune);
  g_assert_true (hf_tune_get_miner (tune) == b);
  wait_until (tune_over, view, 120000);
  settle ();
  g_test_message ("avalon: %s", hf_tune_view_get_status (view));
  for (guint i = 0; i < hf_tune_get_steps (tune)->len; i++)
    {
      const HfTuneStep *s = g_ptr_array_index (hf_tune_get_steps (tune), i);

      g_test_message ("avalon step %u: mode %d %.1f GH/s (expected %.1f) %.1f W %.2f J/TH "
                      "%.1f °C errors %.2f %% outcome %d %s", s->n, s->work_mode, s->hashrate_ghs,
                      s->expected_ghs, s->power_w, s->efficiency_jth, s->chip_temp_c,
                      s->error_percent, s->outcome, s->why ? s->why : "");
    }
  rows = hf_tune_view_get_n_rows (view);
  g_assert_cmpuint (rows, ==, hf_tune_get_steps (tune)->len);
  g_assert_cmpuint (rows, >=, 1);
  cell = hf_tune_view_get_cell (view, 0, HF_TUNE_COLUMN_FREQUENCY);
  g_assert_cmpstr (cell, ==, "Eco");
  g_free (cell);
  cell = hf_tune_view_get_cell (view, 0, HF_TUNE_COLUMN_HASHRATE);
  g_assert_cmpstr (cell, !=, "—");
  winner = hf_tune_view_get_winner_row (view);
  g_assert_cmpint (hf_tune_get_state (tune), ==, HF_TUNE_DONE);
  g_assert_cmpint (winner, ==, 0);
  g_free (cell);
  cell = hf_tune_view_get_cell (view, winner, HF_TUNE_COLUMN_OUTCOME);
  g_assert_cmpstr (cell, ==, "Winner");
  g_assert_true (g_str_has_prefix (hf_tune_view_get_status (view), "Applied: "));
  g_assert_nonnull (strstr (hf_tune_view_get_status (view), "J/TH"));
  close_dialog (GTK_WIDGET (dialog));

  /* Reopened: the tune kept in the store. */
  dialog = open_tune_dialog (window, B);
  view = hf_tune_dialog_get_view (dialog, 0);
  g_assert_nonnull (hf_tune_view_get_tune (view));
  g_assert_true (hf_tune_view_get_tune (view) != tune);
  g_assert_cmpuint (hf_tune_view_get_n_rows (view), ==, rows);
  g_assert_cmpint (hf_tune_view_get_winner_row (view), ==, winner);
  g_assert_true (g_str_has_prefix (hf_tune_view_get_status (view), "Last tune, "));
  close_dialog (GTK_WIDGET (dialog));
  g_assert_null (find_toplevel (HF_TYPE_TUNE_DIALOG));

  /* Tune All… of the group: its two miners side by side (the Antminer
   * is not in it; nothing is started). */
  hf_window_show_group (window, "Rack");
  settle ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.group-tune", NULL);
  settle ();
  dialog = HF_TUNE_DIALOG (find_toplevel (HF_TYPE_TUNE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_nonnull (hf_tune_dialog_get_view (dialog, 1));
  g_assert_null (hf_tune_dialog_get_view (dialog, 2));
  wait_until (dialog_loaded, dialog, 5000);
  close_dialog (GTK_WIDGET (dialog));
  hf_window_show_group (window, NULL);
  settle ();
  hf_session_set_poll_interval (session, 5);
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
activate_cb (GApplication *app,
             gpointer      user_data)
{
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfApplication *hf = HF_APPLICATION (app);
  HfSession *session = hf_application_get_session (hf);
  HfSettings *settings = hf_application_get_settings (hf);
  guint added = 0;
  gboolean flushed = FALSE;

  wait_until (is_loaded, app, 5000);
  hf_settings_set_view_mode (settings, "cards");
  hf_session_add_async (session, A, 0, 0, NULL, added_cb, &added);
  hf_session_add_async (session, B, 0, 0, NULL, added_cb, &added);
  hf_session_add_async (session, C, 0, 0, NULL, added_cb, &added);
  while (added < 3)
    g_main_context_iteration (NULL, TRUE);
  hf_session_refresh (session);
  wait_until (all_read, hf_application_get_fleet (hf), 15000);
  settle ();

  /* The group both tests use: the Bitaxe and the Avalon. */
  {
    HfFleet *fleet = hf_application_get_fleet (hf);
    HfMiner *members[] = { hf_fleet_lookup_address (fleet, A), hf_fleet_lookup_address (fleet, B) };
    gboolean grouped = FALSE;

    hf_session_change_group_async (session, HF_GROUP_CHANGE_CREATE, "Rack", NULL, NULL, 0, NULL,
                                   group_changed_cb, &grouped);
    wait_until (is_true, &grouped, 5000);
    grouped = FALSE;
    hf_session_change_group_async (session, HF_GROUP_CHANGE_ADD, "Rack", NULL, members, 2, NULL,
                                   group_changed_cb, &grouped);
    wait_until (is_true, &grouped, 5000);
    settle ();
  }
  /* The tunes first: the guardian stepping the Bitaxe would change the
   * settings a tune starts from. */
  test_tune (hf, window);
  test_guardian (hf, window);

  hf_session_flush_async (session, 5000, flushed_cb, &flushed);
  while (!flushed)
    g_main_context_iteration (NULL, TRUE);
  g_application_quit (app);
}

static void
test_tune_ui (void)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  char *args[] = { "hashfleet", "--db", db_path, "--http-port", "18663", "--cgminer-port",
                   "14663", NULL };

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 7, args), ==, 0);
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
  dir = g_dir_make_tmp ("hf-test-tune-XXXXXX", NULL);
  db_path = g_build_filename (dir, "hashfleet.db", NULL);
  sim = hf_test_sim_start_for (fleet_config, 900);
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");
    g_settings_set_boolean (settings, "notifications", FALSE);
    g_settings_set_uint (settings, "poll-interval", 5);
  }
  g_test_add_func ("/ui/tune/guardian-and-tune", test_tune_ui);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  g_free (db_path);
  return status;
}
