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
#include "hf-window.h"

#define A "127.0.63.2"   /* a Bitaxe Gamma (AxeOS) */
#define B "127.0.63.3"   /* an Avalon Nano 3S */
#define C "127.0.63.4"   /* an Antminer: neither tuned nor guarded */

static const char fleet_config[] =
  "[fleet]\nhttp-port=18663\ncgminer-port=14663\nstatic=true\n"
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
  HfMiner *members[] = { a, b };
  gboolean grouped = FALSE;

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
  hf_session_change_group_async (session, HF_GROUP_CHANGE_CREATE, "Rack", NULL, NULL, 0, NULL,
                                 group_changed_cb, &grouped);
  wait_until (is_true, &grouped, 5000);
  grouped = FALSE;
  hf_session_change_group_async (session, HF_GROUP_CHANGE_ADD, "Rack", NULL, members, 2, NULL,
                                 group_changed_cb, &grouped);
  wait_until (is_true, &grouped, 5000);
  settle ();
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
  sim = hf_test_sim_start (fleet_config);
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");
    g_settings_set_boolean (settings, "notifications", FALSE);
    g_settings_set_uint (settings, "poll-interval", 5);
  }
  g_test_add_func ("/ui/tune/guardian", test_tune_ui);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  g_free (db_path);
  return status;
}
