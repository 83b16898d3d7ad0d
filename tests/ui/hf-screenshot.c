/* hf-screenshot.c — render the real window with a simulated fleet to PNG
 * SPDX-License-Identifier: MIT
 *
 *   hf-screenshot OUTDIR
 *
 * Starts hashfleet-sim (HF_SIM) on 127.0.40.x with a mixed fleet in every
 * state the simulator can put a miner in (hashing, paused, overheated,
 * power fault, on its fallback pool, at 0 H/s, offline), runs the
 * real application with a fresh database, presses Discover on that
 * loopback range, waits until every miner has been read (and the one that
 * stops answering is offline), then saves the window as cards and as a
 * table, light and dark, plus a details window and the miner menu (those
 * two into the temporary directory, for looking at), and a real tune of
 * one Bitaxe in its Tune dialog, light and dark, while it runs and once
 * stopped (for looking at too).  Run it through
 * build-aux/screenshots.sh, which provides the X server and D-Bus session.
 *
 *   hf-screenshot OUTDIR firmware
 *
 * Update Firmware… of three AxeOS and NerdOS miners on a fleet of its own
 * (127.0.117.x: the run rewrites the miners' firmware), with a test image
 * (tests/hf-test-firmware.c, never real firmware) and a www.bin checked,
 * once a run is over: the first updated, the second refusing the image
 * (the simulator's ota-fail=validation), the third untouched.
 */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "hf-application.h"
#include "hf-details-window.h"
#include "hf-export.h"
#include "hf-firmware-dialog.h"
#include "hf-miner-settings-dialog.h"
#include "hf-preferences-window.h"
#include "hf-test-firmware.h"
#include "hf-tune-dialog.h"
#include "hf-window.h"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18680\ncgminer-port=14680\n"
  "[miner 127.0.40.11]\nprofile=gamma\nhostname=bitaxe-desk\nfound-blocks=1\n"
  "[miner 127.0.40.12]\nprofile=gamma\nhostname=bitaxe-shelf\npaused=true\n"
  "[miner 127.0.40.13]\nprofile=supra\nhostname=bitaxe-garage\noverheat=true\n"
  "[miner 127.0.40.14]\nprofile=nerdqaxe\nhostname=nerdqaxe\nfallback=true\n"
  "[miner 127.0.40.15]\nprofile=gamma\nhostname=bitaxe-attic\npower-fault=true\n"
  "[miner 127.0.40.21]\nprofile=s19pro\nhostname=s19-basement\n"
  "[miner 127.0.40.22]\nprofile=s21\nhostname=s21-shed\nhashrate=0\n"
  "[miner 127.0.40.23]\nprofile=s9\nhostname=old-s9\nfault=hang\n"
  "[miner 127.0.40.31]\nprofile=m30s\nhostname=whatsminer-1\n"
  "[miner 127.0.40.41]\nprofile=nano3s\nhostname=avalon-nano\n"
  "[miner 127.0.40.42]\nprofile=mini3\nhostname=avalon-mini\npaused=true\n";

static const char firmware_fleet_config[] =
  "[fleet]\nhttp-port=18717\ncgminer-port=14717\nrestart-seconds=1\n"
  "[miner 127.0.117.11]\nprofile=gamma\nhostname=bitaxe-desk\n"
  "[miner 127.0.117.12]\nprofile=gamma\nhostname=bitaxe-shelf\nota-fail=validation\n"
  "[miner 127.0.117.13]\nprofile=nerdqaxe\nhostname=nerdqaxe\n";

static const char *outdir;
static char *workdir;
static GSubprocess *sim;

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
}

static void
save_png (GtkWidget  *widget,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (outdir, name, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("cannot write %s", path);
  g_print ("%s (%d×%d)\n", path, w, h);
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
fleet_settled (HfFleet *fleet)
{
  /* Everyone read once, and the miner that hangs is offline. */
  return hf_fleet_get_total_count (fleet) == 11 && hf_fleet_get_offline_count (fleet) == 1
         && hf_fleet_get_online_count (fleet) == 10;
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

static void
hover_first_card (GtkWidget *window,
                  gboolean   on)
{
  GtkWidget *card = find_type (window, g_type_from_name ("HfMinerCard"));

  if (card == NULL)
    return;
  if (on)
    gtk_widget_set_state_flags (card, GTK_STATE_FLAG_PRELIGHT, FALSE);
  else
    gtk_widget_unset_state_flags (card, GTK_STATE_FLAG_PRELIGHT);
}

static void
scheduled_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (hf_scheduler_add_finish (HF_SCHEDULER (source), result, &error) == 0)
    g_error ("cannot add a schedule: %s", error->message);
  (*(guint *) user_data)++;
}

/* Schedules for two miners, so that their cards show the next switch:
 * the desk's pauses in two hours, the shelf's mines from 06:00 tomorrow. */
static void
add_schedules (HfApplication *app)
{
  HfScheduler *scheduler = hf_session_get_scheduler (hf_application_get_session (app));
  HfFleet *fleet = hf_application_get_fleet (app);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(HfSchedule) evening = hf_schedule_new ();
  g_autoptr(HfSchedule) morning = hf_schedule_new ();
  int tomorrow = g_date_time_get_day_of_week (now) % 7;     /* Monday 0 */
  guint done = 0;

  evening->start_min = (guint16) (((g_date_time_get_hour (now) + 2) % 24) * 60);
  evening->end_min = (guint16) ((evening->start_min + 8 * 60) % 1440);
  evening->state.kind = HF_SCHEDULE_PAUSED;
  morning->days = (guint8) (1u << tomorrow);
  morning->start_min = 6 * 60;
  morning->end_min = 9 * 60;
  morning->state.kind = HF_SCHEDULE_MINING;
  hf_scheduler_add_async (scheduler, evening, hf_fleet_lookup_address (fleet, "127.0.40.11"),
                          NULL, scheduled_cb, &done);
  hf_scheduler_add_async (scheduler, morning, hf_fleet_lookup_address (fleet, "127.0.40.12"),
                          NULL, scheduled_cb, &done);
  while (done < 2)
    g_main_context_iteration (NULL, TRUE);
  iterate_for (500);
}

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfFleet *fleet = hf_application_get_fleet (HF_APPLICATION (app));
  HfSettings *settings = hf_application_get_settings (HF_APPLICATION (app));
  AdwStyleManager *style = adw_style_manager_get_default ();
  const char *targets[] = { "127.0.40.1-127.0.40.60", NULL };
  HfSession *session = hf_application_get_session (HF_APPLICATION (app));
  HfEnergyMeter *meter = hf_session_get_energy_meter (session);
  gint64 deadline;
  GtkWidget *details;

  gtk_window_set_default_size (GTK_WINDOW (window), 1180, 760);
  iterate_for (500);
  save_png (GTK_WIDGET (window), "empty.png");

  hf_window_discover (window, targets);
  deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  while (!fleet_settled (fleet) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!fleet_settled (fleet))
    g_error ("the fleet did not settle: %u miners, %u online, %u offline",
             hf_fleet_get_total_count (fleet), hf_fleet_get_online_count (fleet),
             hf_fleet_get_offline_count (fleet));
  /* Today's energy and cost so far, at once rather than within a minute. */
  hf_energy_meter_refresh (meter);
  add_schedules (HF_APPLICATION (app));
  iterate_for (800);

  for (int dark = 0; dark <= 1; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      hf_settings_set_view_mode (settings, "cards");
      iterate_for (600);
      /* One card as under the pointer, with its quick actions (set just
       * before the frame: the next one puts hover where the pointer is). */
      {
        GtkGridView *grid = GTK_GRID_VIEW (find_type (GTK_WIDGET (window), GTK_TYPE_GRID_VIEW));

        gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (grid)), 0);
        iterate_for (300);
      }
      hover_first_card (GTK_WIDGET (window), TRUE);
      iterate_for (250);
      save_png (GTK_WIDGET (window), dark ? "cards-dark.png" : "cards.png");
      hover_first_card (GTK_WIDGET (window), FALSE);
      hf_settings_set_view_mode (settings, "table");
      iterate_for (600);
      save_png (GTK_WIDGET (window), dark ? "table-dark.png" : "table.png");
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* A Pi's 800×480 touch display: the totals on one line, name and
   * status first in the table. */
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 480);
  hf_settings_set_view_mode (settings, "cards");
  iterate_for (800);
  save_png (GTK_WIDGET (window), "small-cards.png");
  hf_settings_set_view_mode (settings, "table");
  iterate_for (600);
  save_png (GTK_WIDGET (window), "small-table.png");
  /* The details window fits in it too (for looking at). */
  hf_settings_set_view_mode (settings, "cards");
  iterate_for (300);
  details = hf_details_window_new (hf_fleet_lookup_address (fleet, "127.0.40.41"),
                                   hf_application_get_store (HF_APPLICATION (app)));
  hf_details_window_set_energy_meter (HF_DETAILS_WINDOW (details), meter);
  gtk_window_set_transient_for (GTK_WINDOW (details), GTK_WINDOW (window));
  hf_window_fit_to_parent (GTK_WINDOW (details));
  gtk_window_present (GTK_WINDOW (details));
  iterate_for (800);
  {
    const char *kept = outdir;

    outdir = g_get_tmp_dir ();
    save_png (details, "hashfleet-small-details.png");
    outdir = kept;
  }
  gtk_window_destroy (GTK_WINDOW (details));
  gtk_window_set_default_size (GTK_WINDOW (window), 1180, 760);
  iterate_for (600);

  /* Export History…: format, miners, period and detail. */
  {
    GtkWidget *dialog = hf_export_dialog_new (GTK_WINDOW (window), HF_APPLICATION (app));

    gtk_window_present (GTK_WINDOW (dialog));
    iterate_for (800);
    save_png (dialog, "export.png");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* For looking at, not for the README (a fresh fleet has minutes of
   * history): into the temporary directory, light and dark. */
  for (int dark = 0; dark <= 1; dark++)
    {
      const char *kept = outdir;

      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      details = hf_details_window_new (hf_fleet_lookup_address (fleet, "127.0.40.11"),
                                       hf_application_get_store (HF_APPLICATION (app)));
      hf_details_window_set_energy_meter (HF_DETAILS_WINDOW (details), meter);
      hf_details_window_set_session (HF_DETAILS_WINDOW (details),
                                     hf_application_get_session (HF_APPLICATION (app)));
      gtk_window_set_transient_for (GTK_WINDOW (details), GTK_WINDOW (window));
      gtk_window_set_default_size (GTK_WINDOW (details), 720, 1500);
      gtk_window_present (GTK_WINDOW (details));
      iterate_for (1200);
      outdir = g_get_tmp_dir ();
      save_png (details, dark ? "hashfleet-details-dark.png" : "hashfleet-details.png");
      /* Scrolled down: the energy and efficiency charts, the Energy rows. */
      {
        GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (find_type (details,
                                                                      GTK_TYPE_SCROLLED_WINDOW));
        GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scrolled);

        gtk_adjustment_set_value (adj, 560);
        iterate_for (400);
        save_png (details, dark ? "hashfleet-details-energy-dark.png"
                                : "hashfleet-details-energy.png");
        /* Its end: the miner's schedule. */
        gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
        iterate_for (400);
        save_png (details, dark ? "hashfleet-details-schedule-dark.png"
                                : "hashfleet-details-schedule.png");
      }
      outdir = kept;
      gtk_window_destroy (GTK_WINDOW (details));
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* Preferences, whose General page opens on the tariff: a price per kWh
   * and a cheaper night. */
  for (int dark = 0; dark <= 1; dark++)
    {
      GtkWidget *prefs = hf_preferences_window_new (settings);

      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (window));
      gtk_window_present (GTK_WINDOW (prefs));
      iterate_for (800);
      {
        /* The dark one for looking at. */
        const char *kept = outdir;

        if (dark)
          outdir = g_get_tmp_dir ();
        save_png (prefs, dark ? "preferences-energy-dark.png" : "preferences-energy.png");
        outdir = kept;
      }
      gtk_window_destroy (GTK_WINDOW (prefs));
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* The miner menu of two selected miners, opened on the first: for
   * looking at too (a popover is drawn apart from the window). */
  {
    GtkSelectionModel *selection = hf_window_get_selection (window);
    GtkWidget *menu;
    const char *kept = outdir;

    gtk_selection_model_select_item (selection, 0, TRUE);
    gtk_selection_model_select_item (selection, 2, FALSE);
    hf_window_popup_menu (window);
    iterate_for (600);
    menu = find_visible_popover (GTK_WIDGET (window));
    if (menu == NULL)
      g_error ("the miner menu did not open");
    outdir = g_get_tmp_dir ();
    save_png (menu, "hashfleet-menu.png");
    outdir = kept;
    gtk_popover_popdown (GTK_POPOVER (menu));
    gtk_selection_model_unselect_all (selection);
  }

  /* Settings… of one Bitaxe, with its model's choices loaded. */
  {
    GtkWidget *dialog = hf_miner_settings_dialog_new (GTK_WINDOW (window), HF_APPLICATION (app),
                                                      hf_fleet_lookup_address (fleet, "127.0.40.11"));
    gtk_window_present (GTK_WINDOW (dialog));
    iterate_for (1200);
    save_png (dialog, "settings.png");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* Tune… of one Bitaxe: a few steps of a real tune with a short settle,
   * light and dark, the card saying so, then stopped (for looking at). */
  {
    HfMiner *desk = hf_fleet_lookup_address (fleet, "127.0.40.11");
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    GtkWidget *dialog;
    HfTuneView *view;
    HfTuneParams params;
    const char *kept = outdir;

    g_ptr_array_add (one, desk);
    dialog = hf_tune_dialog_new (GTK_WINDOW (window), HF_APPLICATION (app), one, NULL);
    hf_tune_params_init (&params);
    params.settle_s = 1;
    params.samples = 2;
    hf_tune_dialog_set_params (HF_TUNE_DIALOG (dialog), &params);
    gtk_window_set_default_size (GTK_WINDOW (dialog), 1180, 760);
    gtk_window_present (GTK_WINDOW (dialog));
    iterate_for (1000);
    outdir = g_get_tmp_dir ();
    save_png (dialog, "hashfleet-tune-empty.png");
    view = hf_tune_dialog_get_view (HF_TUNE_DIALOG (dialog), 0);
    hf_tune_dialog_start (HF_TUNE_DIALOG (dialog));
    deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
    while (g_get_monotonic_time () < deadline
           && (hf_tune_view_get_tune (view) == NULL
               || hf_tune_get_steps (hf_tune_view_get_tune (view))->len < 4)
           && hf_tune_get_state (hf_tune_view_get_tune (view)) == HF_TUNE_RUNNING)
      g_main_context_iteration (NULL, TRUE);
    iterate_for (500);
    save_png (dialog, "hashfleet-tune.png");
    save_png (GTK_WIDGET (window), "hashfleet-cards-tuning.png");
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    iterate_for (600);
    save_png (dialog, "hashfleet-tune-dark.png");
    adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
    hf_tune_dialog_cancel (HF_TUNE_DIALOG (dialog));
    deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    while (g_get_monotonic_time () < deadline
           && hf_tune_get_state (hf_tune_view_get_tune (view)) == HF_TUNE_RUNNING)
      g_main_context_iteration (NULL, TRUE);
    iterate_for (600);
    save_png (dialog, "hashfleet-tune-stopped.png");
    /* A Pi's screen: the form and the steps still readable. */
    gtk_window_destroy (GTK_WINDOW (dialog));
    dialog = hf_tune_dialog_new (GTK_WINDOW (window), HF_APPLICATION (app), one, NULL);
    gtk_window_set_default_size (GTK_WINDOW (dialog), 800, 480);
    gtk_window_present (GTK_WINDOW (dialog));
    iterate_for (1200);
    save_png (dialog, "hashfleet-tune-small.png");
    gtk_window_destroy (GTK_WINDOW (dialog));
    /* Tune All… of two: side by side, the last tune of one. */
    g_ptr_array_add (one, hf_fleet_lookup_address (fleet, "127.0.40.15"));
    dialog = hf_tune_dialog_new (GTK_WINDOW (window), HF_APPLICATION (app), one, "Desk");
    gtk_window_set_default_size (GTK_WINDOW (dialog), 1380, 860);
    gtk_window_present (GTK_WINDOW (dialog));
    iterate_for (1200);
    save_png (dialog, "hashfleet-tune-all.png");
    outdir = kept;
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  g_application_quit (app);
}

static gboolean
firmware_dialog_busy (HfFirmwareDialog *dialog)
{
  return hf_firmware_dialog_get_loading (dialog) || hf_firmware_dialog_get_running (dialog);
}

static void
firmware_activate_cb (GApplication *app,
                      gpointer      user_data)
{
  HfWindow *window = HF_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  HfFleet *fleet = hf_application_get_fleet (HF_APPLICATION (app));
  const char *targets[] = { "127.0.117.11-127.0.117.13", NULL };
  const char *order[] = { "127.0.117.11", "127.0.117.12", "127.0.117.13" };
  g_autoptr(GPtrArray) miners = g_ptr_array_new ();
  g_autoptr(GBytes) app_bytes = hf_test_esp_app_image (HF_ESP_CHIP_ID_ESP32S3, "esp-miner",
                                                       "v2.99.0", 1200 * 1024);
  g_autoptr(GBytes) www_bytes = hf_test_spiffs_image (768);
  g_autofree char *app_path = g_build_filename (workdir, "esp-miner.bin", NULL);
  g_autofree char *www_path = g_build_filename (workdir, "www.bin", NULL);
  g_autoptr(GFile) app_file = g_file_new_for_path (app_path);
  g_autoptr(GFile) www_file = g_file_new_for_path (www_path);
  g_autoptr(GError) error = NULL;
  HfFirmwareDialog *dialog;
  gint64 deadline;

  gtk_window_set_default_size (GTK_WINDOW (window), 1180, 760);
  hf_window_discover (window, targets);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((hf_fleet_get_online_count (fleet) < 3 || hf_fleet_get_cycle_running (fleet))
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (hf_fleet_get_online_count (fleet) < 3)
    g_error ("the firmware fleet did not come up");
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_ptr_array_add (miners, hf_fleet_lookup_address (fleet, order[i]));

  if (!g_file_set_contents (app_path, g_bytes_get_data (app_bytes, NULL),
                            (gssize) g_bytes_get_size (app_bytes), &error)
      || !g_file_set_contents (www_path, g_bytes_get_data (www_bytes, NULL),
                               (gssize) g_bytes_get_size (www_bytes), &error))
    g_error ("%s", error->message);
  dialog = HF_FIRMWARE_DIALOG (hf_firmware_dialog_new (GTK_WINDOW (window),
                                                       HF_APPLICATION (app), miners, 0));
  hf_firmware_dialog_set_timing (dialog, 30000, 500);
  hf_firmware_dialog_set_file (dialog, FALSE, app_file);
  hf_firmware_dialog_set_file (dialog, TRUE, www_file);
  /* Tall enough for the whole of it, the note under the results too. */
  gtk_window_set_default_size (GTK_WINDOW (dialog), 680, 880);
  gtk_window_present (GTK_WINDOW (dialog));
  while (hf_firmware_dialog_get_loading (dialog))
    g_main_context_iteration (NULL, TRUE);
  iterate_for (600);
  /* For looking at: the files checked, before anything runs. */
  {
    const char *kept = outdir;

    outdir = g_get_tmp_dir ();
    save_png (GTK_WIDGET (dialog), "hashfleet-firmware-checked.png");
    outdir = kept;
  }
  /* The run, as the Update button's question answered "Update" starts it. */
  hf_firmware_dialog_update (dialog);
  iterate_for (300);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (w))
          {
            const char *kept = outdir;

            outdir = g_get_tmp_dir ();
            save_png (w, "hashfleet-firmware-confirm.png");
            outdir = kept;
            adw_message_dialog_response (ADW_MESSAGE_DIALOG (w), "update");
            gtk_window_destroy (GTK_WINDOW (w));
            break;
          }
      }
  }
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!hf_firmware_dialog_get_running (dialog) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  /* Mid-way (for looking at): the progress bar. */
  iterate_for (1500);
  {
    const char *kept = outdir;

    outdir = g_get_tmp_dir ();
    save_png (GTK_WIDGET (dialog), "hashfleet-firmware-running.png");
    outdir = kept;
  }
  deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  while (firmware_dialog_busy (dialog) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (hf_firmware_dialog_get_running (dialog))
    g_error ("the firmware update did not finish");
  iterate_for (1500);
  save_png (GTK_WIDGET (dialog), "firmware.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_application_quit (app);
}

static int
firmware_main (const char *argv0)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfApplication) app = NULL;
  g_autofree char *db = g_build_filename (workdir, "hashfleet.db", NULL);
  g_autofree char *ini = g_build_filename (workdir, "fleet.ini", NULL);
  char *args[] = { (char *) argv0, "--db", db, "--http-port", "18717", "--cgminer-port",
                   "14717", NULL };
  int status;

  g_file_set_contents (ini, firmware_fleet_config, -1, &error);
  g_assert_no_error (error);
  sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("HF_SIM"),
                          "--config", ini, "--ttl", "300", NULL);
  g_assert_no_error (error);
  g_usleep (500 * 1000);
  adw_init ();
  app = hf_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (firmware_activate_cb), NULL);
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");

    g_settings_set_uint (settings, "poll-interval", 5);
    g_settings_set_boolean (settings, "notifications", FALSE);
  }
  status = g_application_run (G_APPLICATION (app), 7, args);
  g_subprocess_force_exit (sim);
  return status;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfApplication) app = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *ini = NULL;
  int status;

  if ((argc != 2 && (argc != 3 || !g_str_equal (argv[2], "firmware")))
      || g_getenv ("HF_SIM") == NULL)
    {
      g_printerr ("usage: HF_SIM=path/to/hashfleet-sim %s OUTDIR [firmware]\n", argv[0]);
      return 2;
    }
  outdir = argv[1];
  g_mkdir_with_parents (outdir, 0755);
  dir = g_dir_make_tmp ("hf-screenshot-XXXXXX", &error);
  g_assert_no_error (error);
  workdir = dir;
  if (argc == 3)
    return firmware_main (argv[0]);
  db = g_build_filename (dir, "hashfleet.db", NULL);
  ini = g_build_filename (dir, "fleet.ini", NULL);
  g_file_set_contents (ini, fleet_config, -1, &error);
  g_assert_no_error (error);
  sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("HF_SIM"),
                          "--config", ini, "--fault-delay", "8", "--ttl", "300", NULL);
  g_assert_no_error (error);
  g_usleep (500 * 1000);

  adw_init ();
  app = hf_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");
    /* Reads often, so that the miner that hangs goes offline quickly. */
    g_settings_set_uint (settings, "poll-interval", 5);
    g_settings_set_boolean (settings, "notifications", FALSE);
    /* Dearer weekday days, cheaper weekends, the night in between. */
    g_settings_set_string (settings, "tariff",
                           "EUR 0.30; mon-fri 07:00-22:00 0.34; sat,sun 0.25");
  }
  {
    char *args[] = { argv[0], "--db", db, "--http-port", "18680", "--cgminer-port", "14680", NULL };
    status = g_application_run (G_APPLICATION (app), 7, args);
  }
  g_subprocess_force_exit (sim);
  return status;
}
