/* bench-app.c — the desktop app with 1000 simulated miners
 * SPDX-License-Identifier: MIT
 *
 *   HF_SIM=build/tests/sim/hashfleet-sim dbus-run-session -- xvfb-run -a \
 *       build/tests/bench/bench-app
 *
 * Starts hashfleet-sim with 1000 miners on 127.0.60.x–127.0.63.x (loopback
 * only), then runs the real application twice on a fresh database:
 *   1. Discover on that range, then three poll cycles while a second scan
 *      runs: prints the longest main-loop stall (a 10 ms timer's worst gap)
 *      during the scan and during the polling, with the window on screen.
 *   2. Start-up again on that database: prints the time from
 *      g_application_run() to the first frame (the fleet is still being
 *      read from the store on a worker then, so the window is empty), and
 *      to the first frame that shows the 1000 stored miners.
 */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "hf-application.h"
#include "hf-window.h"

#define N_MINERS 1000

static const char *targets[] = { "127.0.60.1-127.0.63.254", NULL };
static gint64 started;

static void
wait_for (gboolean (*done) (gpointer), gpointer data, guint seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  if (!done (data))
    g_error ("timed out");
}

static gboolean
not_discovering (gpointer window)
{
  return !hf_window_get_discovering (window);
}

static guint cycles;

/* The longest frame (update to after-paint): how much of a stall is drawing. */
static gint64 frame_start, max_frame;

static void
frame_update_cb (GdkFrameClock *clock)
{
  frame_start = g_get_monotonic_time ();
}

static void
frame_painted_cb (GdkFrameClock *clock)
{
  if (frame_start != 0)
    max_frame = MAX (max_frame, g_get_monotonic_time () - frame_start);
  frame_start = 0;
}

static double
take_max_frame (void)
{
  double ms = max_frame / 1000.0;

  max_frame = 0;
  return ms;
}

static void
cycle_cb (HfFleet *fleet, guint polled, guint answered, guint ms, gpointer data)
{
  cycles++;
  g_print ("  poll cycle: %u polled, %u answered, %u ms\n", polled, answered, ms);
}

static gboolean
three_cycles (gpointer data)
{
  return cycles >= 3;
}

static void
run_activate_cb (GApplication *app, gpointer data)
{
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfFleet *fleet = hf_application_get_fleet (HF_APPLICATION (app));
  g_autoptr(HfLoopMonitor) monitor = hf_loop_monitor_new ();
  double scan_stall, poll_stall;
  GdkFrameClock *clock;

  gtk_widget_realize (GTK_WIDGET (window));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "update", G_CALLBACK (frame_update_cb), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (frame_painted_cb), NULL);
  hf_window_discover (window, targets);
  wait_for (not_discovering, window, 60);
  scan_stall = hf_loop_monitor_take_max_stall (monitor);
  g_print ("discover: %u miners, longest stall %.1f ms (longest frame %.1f ms)\n",
           g_list_model_get_n_items (G_LIST_MODEL (fleet)), scan_stall, take_max_frame ());

  /* Poll the 1000 and scan again at the same time. */
  hf_fleet_set_poll_interval (fleet, 5);
  g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_cb), NULL);
  hf_fleet_poll_now (fleet);
  hf_window_discover (window, targets);
  wait_for (three_cycles, NULL, 120);
  poll_stall = hf_loop_monitor_take_max_stall (monitor);
  g_print ("poll + scan of %u miners, window shown: longest stall %.1f ms (longest frame %.1f ms)\n",
           hf_fleet_get_total_count (fleet), poll_stall, take_max_frame ());
  g_application_quit (app);
}

/* Start-up: the first frame comes before the store has been read (on a
 * worker); the grid's cards are made in the first frame after the fleet
 * arrived, so that frame is the one that shows it.  How long that frame
 * itself takes (its layout makes the cards) is timed apart from the wait
 * for it, which also holds the store's read and the first poll's start. */
static gint64 fleet_arrived, frame_began;

static void
frame_began_cb (GdkFrameClock *clock)
{
  frame_began = g_get_monotonic_time ();
}

static void
fleet_changed_cb (GListModel *fleet, guint position, guint removed, guint added, gpointer data)
{
  if (fleet_arrived == 0 && g_list_model_get_n_items (fleet) > 0)
    fleet_arrived = g_get_monotonic_time ();
}

static void
frame_cb (GdkFrameClock *clock, GApplication *app)
{
  HfFleet *fleet = hf_application_get_fleet (HF_APPLICATION (app));
  static gboolean first_seen;
  double ms = (g_get_monotonic_time () - started) / 1000.0;

  if (!first_seen)
    {
      first_seen = TRUE;
      g_print ("start-up (application run to the first frame), %u miners in the window: %.1f ms\n",
               hf_fleet_get_total_count (fleet), ms);
    }
  if (fleet_arrived == 0)
    return;
  g_print ("start-up to the first frame showing the %u stored miners: %.1f ms "
           "(the store read by %.1f ms; that frame took %.1f ms)\n",
           hf_fleet_get_total_count (fleet), ms, (fleet_arrived - started) / 1000.0,
           (g_get_monotonic_time () - frame_began) / 1000.0);
  g_signal_handlers_disconnect_by_func (clock, frame_cb, app);
  g_signal_handlers_disconnect_by_func (clock, frame_began_cb, NULL);
  g_application_quit (app);
}

static void
restore_activate_cb (GApplication *app, gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_signal_connect (hf_application_get_fleet (HF_APPLICATION (app)), "items-changed",
                    G_CALLBACK (fleet_changed_cb), NULL);
  gtk_widget_realize (GTK_WIDGET (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "before-paint",
                    G_CALLBACK (frame_began_cb), NULL);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (frame_cb), app);
}

static int
run (const char *db, GCallback activate)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  char *args[] = { "hashfleet", "--db", (char *) db, "--http-port", "18880",
                   "--cgminer-port", "14880", NULL };

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", activate, NULL);
  return g_application_run (G_APPLICATION (app), 7, args);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-bench-app-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "hashfleet.db", NULL);
  g_autofree char *n = g_strdup_printf ("%d", N_MINERS);

  started = g_get_monotonic_time ();
  if (g_getenv ("HF_SIM") == NULL)
    g_error ("set HF_SIM to the hashfleet-sim binary");
  sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("HF_SIM"),
                          "--miners", n, "--base", "127.0.60.0", "--http-port", "18880",
                          "--cgminer-port", "14880", "--latency", "50-150", "--ttl", "600",
                          NULL);
  g_assert_no_error (error);
  g_usleep (G_USEC_PER_SEC);
  adw_init ();
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");
    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  /* bench-app --startup-only DB: just the start-up, on a database kept
   * from an earlier run (for profiling). */
  if (argc == 3 && g_str_equal (argv[1], "--startup-only"))
    {
      g_free (db);
      db = g_strdup (argv[2]);
    }
  else
    run (db, G_CALLBACK (run_activate_cb));
  g_print ("database: %s\n", db);
  started = g_get_monotonic_time ();
  run (db, G_CALLBACK (restore_activate_cb));
  g_subprocess_force_exit (sim);
  return 0;
}
