/* test-firmware-dialog.c — Update Firmware… in the app's window against
 * the simulator's AxeOS miners
 * SPDX-License-Identifier: MIT
 *
 * A real window under Xvfb over a real database and hashfleet-sim on
 * loopback (127.0.116.x).  The miner menu's Update Firmware… is there for
 * AxeOS miners only: opened on a selection of two Bitaxes and an Antminer
 * it lists the two, with the version each runs, and says one was left
 * out.  A file that is not a firmware image shows the checker's words in
 * red and Check and Update stay insensitive; a test image (made here, as
 * test-firmware does) shows its size, the SHA-256 computed here and its
 * version.  Check sends nothing; Update asks, then writes both miners one
 * after the other, Escape does not close the window meanwhile (closing
 * asks, and Keep Running keeps it), and both
 * come back running the new version: the simulator saw one upload each,
 * the readings and the dialog say the new version, and the store has an
 * update event for each.  A miner refusing the image stops a run there,
 * in the firmware's words, the next untouched; Stop while the first
 * miner restarts lets it finish and sends the next nothing.
 */
#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "hf-application.h"
#include "hf-firmware-dialog.h"
#include "hf-miner-actions.h"
#include "hf-test-firmware.h"
#include "hf-test-utils.h"
#include "hf-window.h"

#define A "127.0.116.2"   /* a Bitaxe Gamma (AxeOS) */
#define B "127.0.116.3"   /* another */
#define C "127.0.116.4"   /* an Antminer: no firmware from here */
#define D "127.0.116.5"   /* a Bitaxe whose firmware refuses the image */
#define E "127.0.116.6"   /* two more Bitaxes */
#define F "127.0.116.7"
#define HTTP_PORT "18716"
#define CGMINER_PORT "14716"
#define OLD_VERSION "v2.15.0"
#define NEW_VERSION "v2.99.0-hf-dialog"

static const char fleet_config[] =
  "[fleet]\nhttp-port=" HTTP_PORT "\ncgminer-port=" CGMINER_PORT "\nstatic=true\n"
  "restart-seconds=1\n"
  "[miner " A "]\nprofile=gamma\nhostname=bitaxe-ota-a\n"
  "[miner " B "]\nprofile=gamma\nhostname=bitaxe-ota-b\n"
  "[miner " C "]\nprofile=s19pro\nhostname=s19-ota\n"
  "[miner " D "]\nprofile=gamma\nhostname=bitaxe-ota-d\nota-fail=validation\n"
  "[miner " E "]\nprofile=gamma\nhostname=bitaxe-ota-e\n"
  "[miner " F "]\nprofile=gamma\nhostname=bitaxe-ota-f\n";

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

  return hf_fleet_get_online_count (fleet) == 6 && !hf_fleet_get_cycle_running (fleet);
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

/* The visible toplevel of @type, or NULL. */
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

static void
select_addresses (HfWindow           *window,
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
  settle ();
}

static const char *
label_of (HfFirmwareDialog *dialog,
          const char       *name)
{
  return gtk_label_get_text (GTK_LABEL (hf_firmware_dialog_get_part (dialog, name)));
}

static gboolean
part_visible (HfFirmwareDialog *dialog,
              const char       *name)
{
  return gtk_widget_get_visible (hf_firmware_dialog_get_part (dialog, name));
}

static gboolean
part_sensitive (HfFirmwareDialog *dialog,
                const char       *name)
{
  return gtk_widget_is_sensitive (hf_firmware_dialog_get_part (dialog, name));
}

static gboolean
not_loading (gpointer dialog)
{
  return !hf_firmware_dialog_get_loading (dialog);
}

static gboolean
not_running (gpointer dialog)
{
  return !hf_firmware_dialog_get_running (dialog);
}

typedef struct
{
  HfSession *session;
  HfMiner   *miner;
} Reading;

/* The miner's reading says the new version (asking for one meanwhile). */
static gboolean
runs_new_version (gpointer data)
{
  Reading *r = data;

  if (g_strcmp0 (hf_miner_get_firmware (r->miner), NEW_VERSION) == 0)
    return TRUE;
  if (!hf_fleet_get_cycle_running (hf_session_get_fleet (r->session)))
    hf_session_refresh (r->session);
  return FALSE;
}

static void
test_dialog (HfApplication *app,
             HfWindow      *window)
{
  HfSession *session = hf_application_get_session (app);
  HfFleet *fleet = hf_application_get_fleet (app);
  GActionGroup *actions = hf_window_get_miner_actions (window);
  const char *all[] = { A, B, C, NULL };
  const char *antminer[] = { C, NULL };
  g_autoptr(GBytes) image = hf_test_esp_app_image (HF_ESP_CHIP_ID_ESP32S3, "esp-miner",
                                                   NEW_VERSION, 5000);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, image);
  g_autofree char *size = g_format_size_full (g_bytes_get_size (image),
                                              G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree char *image_path = hf_test_write_temp ("esp-miner.bin", image);
  g_autoptr(GBytes) text = NULL;
  g_autofree char *text_path = NULL;
  g_autoptr(GFile) image_file = g_file_new_for_path (image_path);
  g_autoptr(GFile) text_file = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *want_ota = NULL;
  HfFirmwareDialog *dialog;
  GtkWidget *question;
  const char *progress;
  Reading ra = { session, hf_fleet_lookup_address (fleet, A) };
  Reading rb = { session, hf_fleet_lookup_address (fleet, B) };

  /* A page of text, long enough to be read as a header. */
  {
    g_autoptr(GString) page = g_string_new ("<!doctype html><html>not firmware</html>\n");

    while (page->len < 2048)
      g_string_append (page, "Release notes, not an image.\n");
    text = g_bytes_new (page->str, page->len);
  }
  text_path = hf_test_write_temp ("notes.bin", text);
  text_file = g_file_new_for_path (text_path);

  /* An Antminer alone: nothing to update. */
  select_addresses (window, antminer);
  g_assert_false (g_action_group_get_action_enabled (actions, "update-firmware"));

  /* Two Bitaxes and the Antminer: the Bitaxes, the Antminer left out. */
  select_addresses (window, all);
  g_assert_true (g_action_group_get_action_enabled (actions, "update-firmware"));
  gtk_widget_activate_action (GTK_WIDGET (window), "miner.update-firmware", "s", A);
  settle ();
  dialog = HF_FIRMWARE_DIALOG (find_toplevel (HF_TYPE_FIRMWARE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Update 2 Miners");
  g_assert_cmpstr (hf_firmware_dialog_get_miner_version (dialog, 0), ==,
                   A " · runs " OLD_VERSION);
  g_assert_cmpstr (hf_firmware_dialog_get_miner_version (dialog, 1), ==,
                   B " · runs " OLD_VERSION);
  g_assert_true (part_visible (dialog, "left_out_label"));
  g_assert_cmpstr (label_of (dialog, "left_out_label"), ==,
                   "1 selected miner is left out: only AxeOS and NerdOS miners take firmware "
                   "here.");
  g_assert_false (part_sensitive (dialog, "update_button"));
  g_assert_false (part_sensitive (dialog, "check_button"));
  hf_firmware_dialog_set_timing (dialog, 20000, 300);

  /* Not an image: the checker's words, in red; nothing can start. */
  hf_firmware_dialog_set_file (dialog, FALSE, text_file);
  g_assert_true (hf_firmware_dialog_get_loading (dialog));
  wait_until (not_loading, dialog, 5000);
  settle ();
  g_assert_true (part_visible (dialog, "app_error_row"));
  g_assert_false (part_visible (dialog, "app_details"));
  g_assert_true (gtk_widget_has_css_class (hf_firmware_dialog_get_part (dialog, "app_error"),
                                           "error"));
  g_assert_cmpstr (label_of (dialog, "app_error"), ==,
                   "notes.bin: not an ESP32 app image: it starts with 0x3c, an ESP-IDF app "
                   "image with 0xe9");
  g_assert_false (part_sensitive (dialog, "update_button"));
  g_assert_false (part_sensitive (dialog, "check_button"));

  /* A test image: its size, the SHA-256 computed here, its version. */
  hf_firmware_dialog_set_file (dialog, FALSE, image_file);
  wait_until (not_loading, dialog, 5000);
  settle ();
  g_assert_false (part_visible (dialog, "app_error_row"));
  g_assert_true (part_visible (dialog, "app_details"));
  g_assert_cmpstr (label_of (dialog, "app_size"), ==, size);
  g_assert_cmpstr (label_of (dialog, "app_sha256"), ==, sha256);
  g_assert_cmpuint (strlen (label_of (dialog, "app_sha256")), ==, 64);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (hf_firmware_dialog_get_part (dialog,
                                                                                   "app_sha256"))));
  g_assert_true (gtk_widget_has_css_class (hf_firmware_dialog_get_part (dialog, "app_sha256"),
                                           "monospace"));
  g_assert_true (g_str_has_prefix (label_of (dialog, "app_version"), NEW_VERSION "\n"
                                   "esp-miner for the ESP32-S3 · ESP-IDF v5.5.1"));
  g_assert_true (part_sensitive (dialog, "update_button"));
  g_assert_true (part_sensitive (dialog, "check_button"));

  /* Check: every miner asked, nothing sent. */
  hf_firmware_dialog_check (dialog);
  g_assert_true (hf_firmware_dialog_get_running (dialog));
  wait_until (not_running, dialog, 15000);
  settle ();
  g_assert_cmpstr (hf_firmware_dialog_get_miner_status (dialog, 0), ==,
                   "Would update: " OLD_VERSION " → " NEW_VERSION);
  g_assert_cmpstr (hf_firmware_dialog_get_miner_status (dialog, 1), ==,
                   "Would update: " OLD_VERSION " → " NEW_VERSION);
  g_assert_cmpstr (label_of (dialog, "result_label"), ==,
                   "Check: 2 miners would be updated. Nothing was sent.");
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", A, 0, 500), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", B, 0, 0), ==, 0);
  g_assert_cmpstr (hf_miner_get_firmware (ra.miner), ==, OLD_VERSION);

  /* Update asks first; cancelling the question sends nothing. */
  hf_firmware_dialog_update (dialog);
  settle ();
  question = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (question);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (question)), ==,
                   "Update 2 miners to " NEW_VERSION "?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (question)),
                            "reboots"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "cancel");
  gtk_window_destroy (GTK_WINDOW (question));
  settle ();
  g_assert_false (hf_firmware_dialog_get_running (dialog));

  hf_firmware_dialog_update (dialog);
  settle ();
  question = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (question);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "update");
  gtk_window_destroy (GTK_WINDOW (question));
  settle ();
  g_assert_true (hf_firmware_dialog_get_running (dialog));
  g_assert_true (part_visible (dialog, "stop_button"));
  g_assert_false (part_visible (dialog, "update_button"));
  g_assert_true (part_visible (dialog, "progress_bar"));
  progress = gtk_progress_bar_get_text (GTK_PROGRESS_BAR (hf_firmware_dialog_get_part (
    dialog, "progress_bar")));
  g_assert_true (g_str_has_prefix (progress, "Miner 1 of 2 (bitaxe-ota-a): "));
  /* Escape does not close it while it runs. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "firmware.escape", NULL);
  settle ();
  g_assert_true (find_toplevel (HF_TYPE_FIRMWARE_DIALOG) == GTK_WIDGET (dialog));
  /* Closing asks; "Keep Running" keeps it open and running. */
  gtk_window_close (GTK_WINDOW (dialog));
  settle ();
  question = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (question);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (question)), ==,
                   "Stop the update?");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "keep");
  gtk_window_destroy (GTK_WINDOW (question));
  settle ();
  g_assert_true (find_toplevel (HF_TYPE_FIRMWARE_DIALOG) == GTK_WIDGET (dialog));
  g_assert_true (hf_firmware_dialog_get_running (dialog));
  g_assert_true (part_sensitive (dialog, "stop_button"));
  wait_until (not_running, dialog, 60000);
  settle ();

  g_assert_cmpstr (hf_firmware_dialog_get_miner_status (dialog, 0), ==,
                   "Updated: " OLD_VERSION " → " NEW_VERSION);
  g_assert_cmpstr (hf_firmware_dialog_get_miner_status (dialog, 1), ==,
                   "Updated: " OLD_VERSION " → " NEW_VERSION);
  g_assert_cmpstr (label_of (dialog, "result_label"), ==,
                   "2 miners updated to " NEW_VERSION ".");
  g_assert_false (part_visible (dialog, "progress_bar"));
  /* One upload each, of the whole image, accepted. */
  want_ota = g_strdup_printf ("OTA length=%" G_GSIZE_FORMAT " ok", g_bytes_get_size (image));
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", A, 1, 2000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", B, 1, 2000), ==, 1);
  g_assert_nonnull (strstr (hf_test_sim_last_event (sim, "ota", A), want_ota));
  g_assert_nonnull (strstr (hf_test_sim_last_event (sim, "ota", B), want_ota));
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", C, 0, 0), ==, 0);
  /* The readings, and the dialog's list, say the new version. */
  wait_until (runs_new_version, &ra, 20000);
  wait_until (runs_new_version, &rb, 20000);
  settle ();
  g_assert_cmpstr (hf_firmware_dialog_get_miner_version (dialog, 0), ==,
                   A " · runs " NEW_VERSION);
  g_assert_cmpstr (hf_firmware_dialog_get_miner_version (dialog, 1), ==,
                   B " · runs " NEW_VERSION);
  /* Recorded: one update event each. */
  hf_test_flush_store (NULL, hf_session_get_store (session));
  events = hf_store_list_events (hf_session_get_store (session), HF_EVENT_FIRMWARE_UPDATE,
                                 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  for (guint i = 0; i < events->len; i++)
    {
      HfStoreEvent *e = g_ptr_array_index (events, i);

      g_assert_nonnull (strstr (e->detail, "\"result\":\"updated\""));
      g_assert_nonnull (strstr (e->detail, sha256));
    }

  /* Over: Escape closes it. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "firmware.escape", NULL);
  settle ();
  g_assert_null (find_toplevel (HF_TYPE_FIRMWARE_DIALOG));
}

/* The first miner's status line starts with @data. */
static gboolean
first_status_is (gpointer data)
{
  HfFirmwareDialog *dialog = HF_FIRMWARE_DIALOG (find_toplevel (HF_TYPE_FIRMWARE_DIALOG));

  return g_str_has_prefix (hf_firmware_dialog_get_miner_status (dialog, 0), data);
}

static HfFirmwareDialog *
open_dialog (HfWindow   *window,
             const char *first,
             const char *second,
             GFile      *file)
{
  const char *both[] = { first, second, NULL };
  HfFirmwareDialog *dialog;

  select_addresses (window, both);
  gtk_widget_activate_action (GTK_WIDGET (window), "miner.update-firmware", "s", first);
  settle ();
  dialog = HF_FIRMWARE_DIALOG (find_toplevel (HF_TYPE_FIRMWARE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_false (part_visible (dialog, "left_out_label"));
  hf_firmware_dialog_set_timing (dialog, 20000, 300);
  hf_firmware_dialog_set_file (dialog, FALSE, file);
  wait_until (not_loading, dialog, 5000);
  settle ();
  return dialog;
}

/* Answer as the question's button does: adw_message_dialog_response()
 * only emits the response, the button's click also closes the question. */
static void
confirm (void)
{
  GtkWidget *question = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  g_assert_nonnull (question);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "update");
  gtk_window_destroy (GTK_WINDOW (question));
  settle ();
}

/* A miner that refuses the image stops the run there, in its own words,
 * and the one after it is not touched; Stop while the first miner
 * restarts lets it finish and sends the next one nothing. */
static void
test_failure_and_stop (HfApplication *app,
                       HfWindow      *window)
{
  g_autoptr(GBytes) image = hf_test_esp_app_image (HF_ESP_CHIP_ID_ESP32S3, "esp-miner",
                                                   NEW_VERSION, 2000);
  g_autofree char *path = hf_test_write_temp ("esp-miner-2.bin", image);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  HfFirmwareDialog *dialog;

  dialog = open_dialog (window, D, E, file);
  hf_firmware_dialog_update (dialog);
  settle ();
  confirm ();
  wait_until (not_running, dialog, 30000);
  settle ();
  g_assert_cmpstr (hf_firmware_dialog_get_miner_status (dialog, 0), ==,
                   "Failed while sending the firmware: the miner refused esp-miner-2.bin: "
                   "HTTP 500: Validation / Activation Error");
  g_assert_true (gtk_widget_has_css_class (hf_firmware_dialog_get_part (dialog, "result_label"),
                                           "error"));
  g_assert_cmpstr (hf_firmware_dialog_get_miner_status (dialog, 1), ==,
                   "Untouched: the run stopped before it");
  g_assert_cmpstr (label_of (dialog, "result_label"), ==,
                   "Stopped: bitaxe-ota-d failed while sending the firmware: the miner refused "
                   "esp-miner-2.bin: HTTP 500: Validation / Activation Error. 0 miners updated "
                   "before it; 1 after it left untouched.");
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", D, 1, 2000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", E, 0, 0), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  settle ();

  /* Stop while E restarts: E finishes, F gets nothing. */
  dialog = open_dialog (window, E, F, file);
  hf_firmware_dialog_update (dialog);
  settle ();
  confirm ();
  wait_until (first_status_is, "Restarting", 20000);
  hf_firmware_dialog_stop (dialog);
  settle ();
  g_assert_true (hf_firmware_dialog_get_running (dialog));
  g_assert_false (part_sensitive (dialog, "stop_button"));
  wait_until (not_running, dialog, 30000);
  settle ();
  g_assert_cmpstr (hf_firmware_dialog_get_miner_status (dialog, 0), ==,
                   "Updated: " OLD_VERSION " → " NEW_VERSION);
  g_assert_cmpstr (hf_firmware_dialog_get_miner_status (dialog, 1), ==,
                   "Not started: stopped before it");
  g_assert_cmpstr (label_of (dialog, "result_label"), ==,
                   "Stopped as asked: 1 updated, 1 not started.");
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", E, 1, 2000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", F, 0, 500), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "firmware.escape", NULL);
  settle ();
  g_assert_null (find_toplevel (HF_TYPE_FIRMWARE_DIALOG));
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
  guint added = 0;
  gboolean flushed = FALSE;

  wait_until (is_loaded, app, 5000);
  hf_session_add_async (session, A, 0, 0, NULL, added_cb, &added);
  hf_session_add_async (session, B, 0, 0, NULL, added_cb, &added);
  hf_session_add_async (session, C, 0, 0, NULL, added_cb, &added);
  hf_session_add_async (session, D, 0, 0, NULL, added_cb, &added);
  hf_session_add_async (session, E, 0, 0, NULL, added_cb, &added);
  hf_session_add_async (session, F, 0, 0, NULL, added_cb, &added);
  while (added < 6)
    g_main_context_iteration (NULL, TRUE);
  hf_session_refresh (session);
  wait_until (all_read, hf_application_get_fleet (hf), 15000);
  settle ();

  test_dialog (hf, window);
  test_failure_and_stop (hf, window);

  hf_session_flush_async (session, 5000, flushed_cb, &flushed);
  while (!flushed)
    g_main_context_iteration (NULL, TRUE);
  g_application_quit (app);
}

static void
test_firmware_ui (void)
{
  g_autoptr(HfApplication) app = hf_application_new ();
  char *args[] = { "hashfleet", "--db", db_path, "--http-port", HTTP_PORT, "--cgminer-port",
                   CGMINER_PORT, NULL };

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
  dir = g_dir_make_tmp ("hf-test-firmware-dialog-XXXXXX", NULL);
  db_path = g_build_filename (dir, "hashfleet.db", NULL);
  sim = hf_test_sim_start_for (fleet_config, 300);
  {
    g_autoptr(GSettings) settings = g_settings_new ("io.github.hashfleet.Hashfleet");
    g_settings_set_boolean (settings, "notifications", FALSE);
    g_settings_set_uint (settings, "poll-interval", 5);
  }
  g_test_add_func ("/ui/firmware-dialog/check-and-update", test_firmware_ui);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  g_free (db_path);
  return status;
}
