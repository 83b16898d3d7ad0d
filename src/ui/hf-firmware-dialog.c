/* hf-firmware-dialog.c
 * SPDX-License-Identifier: MIT
 *
 * Update Firmware…: the app's face of HfFirmwareUpdate.  Two files, each
 * read and checked off the main thread as soon as it is chosen
 * (hf_firmware_image_load_async), showing its size, SHA-256 and version or
 * the checker's words; the miners with the version they run and a status
 * line each; Check (a dry run: nothing sent) and Update (asks first).  A
 * run goes one miner at a time and stops at the first failure (the core's
 * rules); its progress shows which miner, which step and how many bytes.
 *
 * Stopping never cuts an upload short: Stop cancels at once only while a
 * miner is merely being asked what it runs; otherwise it waits for the
 * miner being written to come back, and cancels before the next one is
 * sent anything.  For the same reason the window does not close while an
 * update runs: Escape does nothing but say so, and closing asks whether
 * to stop after the current miner and close then.  The app is held while
 * an update runs, so that closing the main window (or Quit) does not end
 * it; with the main window gone, until this window closes.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hf-firmware-dialog.h"
#include "hf-firmware-update.h"
#include "hf-miner-status.h"
#include "hf-window.h"

typedef struct
{
  /* Template widgets */
  AdwActionRow     *row;
  GtkWidget        *details;
  GtkWidget        *error_row;
  GtkLabel         *size;
  GtkLabel         *sha256;
  GtkLabel         *version;
  GtkLabel         *error;
  /* Owned references */
  GFile            *file;
  HfFirmwareImage  *image;
  GCancellable     *loading;       /* while the file is read */
} Slot;

enum { SLOT_APP, SLOT_WWW };

struct _HfFirmwareDialog
{
  AdwWindow          parent_instance;

  /* Template widgets */
  AdwToastOverlay   *toast_overlay;
  AdwWindowTitle    *window_title;
  GtkWidget         *update_button;
  GtkWidget         *check_button;
  GtkWidget         *stop_button;
  AdwActionRow      *app_row;
  GtkWidget         *app_details;
  GtkWidget         *app_error_row;
  GtkLabel          *app_size;
  GtkLabel          *app_sha256;
  GtkLabel          *app_version;
  GtkLabel          *app_error;
  AdwActionRow      *www_row;
  GtkWidget         *www_details;
  GtkWidget         *www_error_row;
  GtkLabel          *www_size;
  GtkLabel          *www_sha256;
  GtkLabel          *www_version;
  GtkLabel          *www_error;
  GtkWidget         *www_clear;
  GtkLabel          *left_out_label;
  GtkListBox        *miners_list;
  GtkProgressBar    *progress_bar;
  GtkLabel          *result_label;

  /* Borrowed references */
  HfApplication     *app;
  GPtrArray         *rows;          /* AdwActionRow, one per miner */
  GPtrArray         *statuses;      /* GtkLabel, one per miner */

  /* Owned references */
  GPtrArray         *miners;        /* HfMiner */
  Slot               slots[2];
  GtkNativeDialog   *chooser;
  HfFirmwareUpdate  *update;
  GCancellable      *run_cancellable;

  guint              return_timeout_ms;   /* 0: the core's default */
  guint              first_look_ms;
  guint              last_step;
  gboolean           running;
  gboolean           dry_run;
  gboolean           held;
  gboolean           stop_requested;
  gboolean           close_when_done;
};

G_DEFINE_FINAL_TYPE (HfFirmwareDialog, hf_firmware_dialog, ADW_TYPE_WINDOW)

/* Helpers */

static gboolean
loading (HfFirmwareDialog *self)
{
  return self->slots[SLOT_APP].loading != NULL || self->slots[SLOT_WWW].loading != NULL;
}

/* Both files checked (www.bin: none, or checked) and miners to update. */
static gboolean
ready (HfFirmwareDialog *self)
{
  Slot *www = &self->slots[SLOT_WWW];

  return self->slots[SLOT_APP].image != NULL && (www->file == NULL || www->image != NULL)
         && !loading (self) && self->miners->len > 0;
}

static void
update_actions (HfFirmwareDialog *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "firmware.check", !self->running && ready (self));
  gtk_widget_action_set_enabled (widget, "firmware.update", !self->running && ready (self));
  gtk_widget_action_set_enabled (widget, "firmware.stop", self->running && !self->stop_requested);
  gtk_widget_action_set_enabled (widget, "firmware.choose-app", !self->running);
  gtk_widget_action_set_enabled (widget, "firmware.choose-www", !self->running);
  gtk_widget_action_set_enabled (widget, "firmware.clear-www", !self->running);
  gtk_widget_set_visible (self->stop_button, self->running);
  gtk_widget_set_visible (self->check_button, !self->running);
  gtk_widget_set_visible (self->update_button, !self->running);
  gtk_widget_set_visible (self->www_clear, self->slots[SLOT_WWW].file != NULL);
}

static void
toast (HfFirmwareDialog *self,
       const char       *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, hf_toast_new (text));
}

/* A status line: @text, styled "success", "error", "dim-label" or none. */
static void
set_status (HfFirmwareDialog *self,
            guint             index,
            const char       *text,
            const char       *style)
{
  GtkWidget *label = g_ptr_array_index (self->statuses, index);
  const char *styles[] = { "success", "error", "dim-label" };

  gtk_label_set_text (GTK_LABEL (label), text);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (style != NULL && g_str_equal (style, styles[i]))
      gtk_widget_add_css_class (label, styles[i]);
    else
      gtk_widget_remove_css_class (label, styles[i]);
}

/* "192.0.2.7 · runs v2.15.0" */
static void
show_version (HfFirmwareDialog *self,
              guint             index)
{
  HfMiner *miner = g_ptr_array_index (self->miners, index);
  const char *firmware = hf_miner_get_firmware (miner);
  g_autofree char *text = NULL;

  if (firmware != NULL)
    /* Translators: a miner's address and the firmware version it runs */
    text = g_strdup_printf (_("%s · runs %s"), hf_miner_get_address (miner), firmware);
  else
    text = g_strdup_printf (_("%s · version not known yet"), hf_miner_get_address (miner));
  adw_action_row_set_subtitle (g_ptr_array_index (self->rows, index), text);
}

static void
firmware_changed_cb (HfMiner          *miner,
                     GParamSpec       *pspec,
                     HfFirmwareDialog *self)
{
  guint index;

  if (g_ptr_array_find (self->miners, miner, &index))
    show_version (self, index);
}

/* Files */

static void
show_image (HfFirmwareDialog *self,
            Slot             *slot,
            const GError     *error)
{
  HfFirmwareImage *image = slot->image;

  gtk_widget_set_visible (slot->details, image != NULL);
  gtk_widget_set_visible (slot->error_row, error != NULL);
  gtk_label_set_text (slot->error, error != NULL ? error->message : "");
  if (image == NULL)
    return;

  {
    g_autofree char *size = g_format_size_full (image->size, G_FORMAT_SIZE_LONG_FORMAT);
    g_autofree char *version = NULL;

    gtk_label_set_text (slot->size, size);
    gtk_label_set_text (slot->sha256, image->sha256);
    if (image->kind == HF_FIRMWARE_APP)
      {
        const char *chip = hf_esp_chip_name (image->chip_id);

        /* Translators: an image's version, then what it was built as:
         * "v2.15.0", "esp-miner for the ESP32-S3", "ESP-IDF v5.5.1" */
        version = g_strdup_printf (_("%s\n%s for the %s · ESP-IDF %s"), image->version,
                                   image->project, chip != NULL ? chip : "?",
                                   image->idf_version != NULL ? image->idf_version : "?");
        if (image->built != NULL)
          {
            g_autofree char *built = g_strdup_printf (_("%s · built %s"), version, image->built);
            g_free (version);
            version = g_steal_pointer (&built);
          }
      }
    else
      version = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "A SPIFFS image of %u block; its files are not "
                                              "checked",
                                              "A SPIFFS image of %u blocks; its files are not "
                                              "checked", image->blocks), image->blocks);
    gtk_label_set_text (slot->version, version);
  }
}

static void
loaded (HfFirmwareDialog *self,
        guint             which,
        GAsyncResult     *result)
{
  g_autoptr(GError) error = NULL;
  HfFirmwareImage *image = hf_firmware_image_load_finish (result, &error);
  Slot *slot;

  /* Another file chosen meanwhile, or the window gone: not ours. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  slot = &self->slots[which];
  g_clear_object (&slot->loading);
  slot->image = image;
  show_image (self, slot, error);
  update_actions (self);
}

static void
app_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  loaded (user_data, SLOT_APP, result);
}

static void
www_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  loaded (user_data, SLOT_WWW, result);
}

static void
set_file (HfFirmwareDialog *self,
          guint             which,
          GFile            *file)
{
  Slot *slot = &self->slots[which];

  if (slot->loading != NULL)
    g_cancellable_cancel (slot->loading);
  g_clear_object (&slot->loading);
  g_clear_pointer (&slot->image, hf_firmware_image_unref);
  g_set_object (&slot->file, file);
  show_image (self, slot, NULL);
  if (file == NULL)
    adw_action_row_set_subtitle (slot->row, which == SLOT_APP
                                            ? _("Required")
                                            : _("Optional: the miner writes it unchecked"));
  else
    {
      g_autofree char *name = g_file_get_parse_name (file);

      adw_action_row_set_subtitle (slot->row, name);
      slot->loading = g_cancellable_new ();
      hf_firmware_image_load_async (file, which == SLOT_APP ? HF_FIRMWARE_APP : HF_FIRMWARE_WWW,
                                    slot->loading,
                                    which == SLOT_APP ? app_loaded_cb : www_loaded_cb, self);
    }
  /* What a run said was about other files. */
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  update_actions (self);
}

static void
chooser_response_cb (GtkNativeDialog  *chooser,
                     int               response,
                     HfFirmwareDialog *self)
{
  gboolean www = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (chooser), "hf-www"));

  if (response == GTK_RESPONSE_ACCEPT && !self->running)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        set_file (self, www ? SLOT_WWW : SLOT_APP, file);
    }
  g_clear_object (&self->chooser);
}

static void
choose (HfFirmwareDialog *self,
        gboolean          www)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) bin = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->running || self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (www ? _("Choose the Web Interface (www.bin)")
                                             : _("Choose the Firmware (esp-miner.bin)"),
                                         GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (bin, _("Firmware images (*.bin)"));
  gtk_file_filter_add_pattern (bin, "*.bin");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), bin);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "hf-www", GUINT_TO_POINTER (www));
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
choose_app_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  choose (HF_FIRMWARE_DIALOG (widget), FALSE);
}

static void
choose_www_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  choose (HF_FIRMWARE_DIALOG (widget), TRUE);
}

static void
clear_www_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HfFirmwareDialog *self = HF_FIRMWARE_DIALOG (widget);

  if (!self->running)
    set_file (self, SLOT_WWW, NULL);
}

/* The run */

static const char *
step_words (HfFirmwareStep step)
{
  switch (step)
    {
    case HF_FIRMWARE_STEP_CHECK: return _("asking what it runs");
    case HF_FIRMWARE_STEP_FIRMWARE: return _("sending the firmware");
    case HF_FIRMWARE_STEP_REBOOT: return _("restarting into the new firmware");
    case HF_FIRMWARE_STEP_WWW: return _("sending the web interface");
    case HF_FIRMWARE_STEP_WWW_REBOOT: return _("waiting for it to answer after the web interface");
    case HF_FIRMWARE_STEP_DONE: return _("done");
    default: return "?";
    }
}

/* How far one miner's update is at @step, 0 to 1. */
static double
miner_fraction (HfFirmwareDialog *self,
                HfFirmwareStep    step,
                guint64           sent,
                guint64           total)
{
  gboolean www = self->slots[SLOT_WWW].image != NULL;
  double part = total > 0 ? (double) sent / (double) total : 0;

  switch (step)
    {
    case HF_FIRMWARE_STEP_CHECK: return 0;
    case HF_FIRMWARE_STEP_FIRMWARE: return 0.05 + part * (www ? 0.5 : 0.75);
    case HF_FIRMWARE_STEP_REBOOT: return www ? 0.6 : 0.85;
    case HF_FIRMWARE_STEP_WWW: return 0.65 + part * 0.25;
    case HF_FIRMWARE_STEP_WWW_REBOOT: return 0.95;
    case HF_FIRMWARE_STEP_DONE: default: return 1;
    }
}

static void
progress_cb (HfFirmwareUpdate *update,
             HfMiner          *miner,
             guint             index,
             guint             n,
             guint             step,
             guint64           sent,
             guint64           total,
             HfFirmwareDialog *self)
{
  g_autofree char *line = NULL;
  g_autofree char *bar = NULL;

  g_assert (HF_IS_FIRMWARE_DIALOG (self));
  self->last_step = step;
  /* Stop: before the next miner is sent anything. */
  if (self->stop_requested && step == HF_FIRMWARE_STEP_CHECK)
    g_cancellable_cancel (self->run_cancellable);
  if (index >= self->statuses->len)
    return;

  if ((step == HF_FIRMWARE_STEP_FIRMWARE || step == HF_FIRMWARE_STEP_WWW) && total > 0)
    {
      g_autofree char *done = g_format_size (sent);
      g_autofree char *all = g_format_size (total);

      /* Translators: "sending the firmware: 412.0 kB of 1.2 MB" */
      line = g_strdup_printf (_("%s: %s of %s"), step_words (step), done, all);
    }
  else if (step == HF_FIRMWARE_STEP_REBOOT)
    line = g_strdup_printf (_("restarting: waiting for it to come back running %s"),
                            self->slots[SLOT_APP].image->version);
  else
    line = g_strdup (step_words (step));
  /* Capitalised as a status line on its own. */
  {
    g_autofree char *status = g_strdup_printf ("%c%s", g_ascii_toupper (line[0]), line + 1);

    set_status (self, index, status, step == HF_FIRMWARE_STEP_DONE ? "success" : NULL);
  }
  /* Translators: the progress bar: "Miner 1 of 3 (bitaxe-desk): sending the firmware: …" */
  bar = g_strdup_printf (_("Miner %u of %u (%s): %s"), index + 1, n,
                         hf_miner_display_name (miner), line);
  gtk_progress_bar_set_text (self->progress_bar, bar);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 MIN (1.0, (index + miner_fraction (self, step, sent, total)) / n));
}

static gboolean
stopped_before (HfFirmwareResult *r)
{
  return r->outcome == HF_FIRMWARE_FAILED && r->step == HF_FIRMWARE_STEP_CHECK
         && g_error_matches (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The miner's error without the "address: step: " the core puts first
 * (the row says which miner, the line which step). */
static const char *
bare_message (HfFirmwareResult *r)
{
  const char *message = r->error->message;
  g_autofree char *prefix = g_strdup_printf ("%s: %s: ", hf_miner_get_address (r->miner),
                                             hf_firmware_step_to_string (r->step));

  return g_str_has_prefix (message, prefix) ? message + strlen (prefix) : message;
}

static void
show_results (HfFirmwareDialog *self,
              const GError     *run_error)
{
  GPtrArray *results = hf_firmware_update_get_results (self->update);
  const char *version = self->slots[SLOT_APP].image->version;
  guint updated = 0, current = 0, would = 0, failed = 0, untouched = 0, stopped = 0;
  HfFirmwareResult *first_failure = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);

  for (guint i = 0; i < results->len && i < self->statuses->len; i++)
    {
      HfFirmwareResult *r = g_ptr_array_index (results, i);
      g_autofree char *text = NULL;
      const char *style = NULL;

      switch (r->outcome)
        {
        case HF_FIRMWARE_UPDATED:
          updated++;
          /* Translators: "Updated: v2.15.0 → v2.16.0" */
          text = g_strdup_printf (_("Updated: %s → %s"), r->before, r->after);
          style = "success";
          break;
        case HF_FIRMWARE_CURRENT:
          current++;
          text = g_strdup_printf (_("Already runs %s: nothing sent"), r->before);
          style = "dim-label";
          break;
        case HF_FIRMWARE_WOULD_UPDATE:
          would++;
          text = g_strdup_printf (_("Would update: %s → %s"), r->before, version);
          break;
        case HF_FIRMWARE_FAILED:
          if (stopped_before (r))
            {
              stopped++;
              text = g_strdup (_("Not started: stopped before it"));
              style = "dim-label";
              break;
            }
          failed++;
          if (first_failure == NULL)
            first_failure = r;
          /* Translators: "Failed while sending the firmware: the miner refused …" */
          text = g_strdup_printf (self->dry_run ? _("Would fail while %s: %s")
                                                : _("Failed while %s: %s"),
                                  step_words (r->step), bare_message (r));
          style = "error";
          break;
        case HF_FIRMWARE_UNTOUCHED:
        default:
          untouched++;
          text = g_strdup (_("Untouched: the run stopped before it"));
          style = "dim-label";
          break;
        }
      set_status (self, i, text, style);
    }

  if (self->dry_run)
    {
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE,
                                                    "Check: %u miner would be updated",
                                                    "Check: %u miners would be updated", would),
                              would);
      if (current > 0)
        g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE,
                                                      ", %u already runs %s",
                                                      ", %u already run %s", current),
                                current, version);
      if (failed > 0)
        g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, ", %u would fail",
                                                      ", %u would fail", failed), failed);
      g_string_append (summary, _(". Nothing was sent."));
    }
  else if (first_failure != NULL)
    {
      g_string_append_printf (summary, _("Stopped: %s failed while %s: %s."),
                              hf_miner_display_name (first_failure->miner),
                              step_words (first_failure->step), bare_message (first_failure));
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE,
                                                    " %u miner updated before it",
                                                    " %u miners updated before it", updated),
                              updated);
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE,
                                                    "; %u after it left untouched.",
                                                    "; %u after it left untouched.", untouched),
                              untouched);
    }
  else if (stopped > 0)
    g_string_append_printf (summary, _("Stopped as asked: %u updated, %u not started."),
                            updated, stopped);
  else if (run_error != NULL)
    g_string_append_printf (summary, _("Nothing was sent: %s"), run_error->message);
  else
    {
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u miner updated to %s",
                                                    "%u miners updated to %s", updated),
                              updated, version);
      if (current > 0)
        g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE,
                                                      "; %u already ran it",
                                                      "; %u already ran it", current), current);
      g_string_append (summary, _("."));
    }

  gtk_label_set_text (self->result_label, summary->str);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
  if (first_failure != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "error");
}

static void
ran_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(HfFirmwareDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  HfFirmwareUpdate *update = HF_FIRMWARE_UPDATE (source);
  HfSession *session;
  gboolean parent_gone;

  hf_firmware_update_run_finish (update, result, &error);
  /* The window was destroyed while it ran (the app quitting). */
  if (self->update != update)
    return;
  self->running = FALSE;
  g_clear_object (&self->run_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  show_results (self, error);
  /* The main window closed (or Quit) meanwhile: its session has ended, and
   * the app with it once this window closes — the results stay until
   * then.  Else the miners are read now: their cards and this list show
   * what they run. */
  parent_gone = gtk_window_get_transient_for (GTK_WINDOW (self)) == NULL;
  if (self->held && !parent_gone)
    {
      self->held = FALSE;
      g_application_release (G_APPLICATION (self->app));
    }
  session = hf_application_get_session (self->app);
  if (!self->dry_run && !parent_gone && session != NULL)
    hf_session_refresh (session);
  self->stop_requested = FALSE;
  update_actions (self);
  if (self->close_when_done)
    gtk_window_close (GTK_WINDOW (self));
}

static void
start_run (HfFirmwareDialog *self,
           gboolean          dry_run)
{
  HfSession *session = hf_application_get_session (self->app);
  g_autoptr(HfConfig) fallback = NULL;
  const HfConfig *config = session != NULL ? hf_session_get_config (session) : NULL;

  if (self->running || !ready (self))
    return;
  if (config == NULL)
    config = fallback = hf_config_new ();
  if (self->update != NULL)
    g_signal_handlers_disconnect_by_data (self->update, self);
  g_clear_object (&self->update);
  self->update = hf_firmware_update_new (config, self->slots[SLOT_APP].image,
                                         self->slots[SLOT_WWW].image);
  if (self->return_timeout_ms > 0)
    hf_firmware_update_set_timing (self->update, self->return_timeout_ms, self->first_look_ms,
                                   5000);
  if (!dry_run && session != NULL && hf_session_get_store (session) != NULL)
    hf_firmware_update_set_store (self->update, hf_session_get_store (session));
  g_signal_connect_object (self->update, "progress", G_CALLBACK (progress_cb), self, 0);

  self->running = TRUE;
  self->dry_run = dry_run;
  self->stop_requested = FALSE;
  self->close_when_done = FALSE;
  self->last_step = HF_FIRMWARE_STEP_CHECK;
  self->run_cancellable = g_cancellable_new ();
  for (guint i = 0; i < self->statuses->len; i++)
    set_status (self, i, _("Waiting"), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  if (!dry_run)
    {
      g_application_hold (G_APPLICATION (self->app));
      self->held = TRUE;
    }
  update_actions (self);
  hf_firmware_update_run_async (self->update, self->miners, dry_run, self->run_cancellable,
                                ran_cb, g_object_ref (self));
}

static void
check_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  start_run (HF_FIRMWARE_DIALOG (widget), TRUE);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     HfFirmwareDialog *self)
{
  if (g_strcmp0 (response, "update") == 0)
    start_run (self, FALSE);
}

static void
update_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HfFirmwareDialog *self = HF_FIRMWARE_DIALOG (widget);
  HfFirmwareImage *app = self->slots[SLOT_APP].image;
  g_autofree char *heading = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  if (self->running || !ready (self))
    return;
  if (self->miners->len == 1)
    heading = g_strdup_printf (_("Update %s to %s?"),
                               hf_miner_display_name (g_ptr_array_index (self->miners, 0)),
                               app->version);
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Update %u miner to %s?",
                                            "Update %u miners to %s?", self->miners->len),
                               self->miners->len, app->version);
  g_string_append (body, _("Each miner is sent the firmware and reboots: it stops hashing "
                           "until it is back. One miner at a time; the first failure stops "
                           "the run."));
  if (self->slots[SLOT_WWW].image != NULL)
    g_string_append (body, _(" The miner writes www.bin over its web interface without "
                             "checking it: a file that is not the web interface of this "
                             "firmware can break the miner's web interface."));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "update", _("_Update"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "update",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
stop_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HfFirmwareDialog *self = HF_FIRMWARE_DIALOG (widget);

  if (!self->running || self->stop_requested)
    return;
  self->stop_requested = TRUE;
  /* Nothing is being written: stop now.  Else after this miner. */
  if (self->dry_run || self->last_step == HF_FIRMWARE_STEP_CHECK)
    g_cancellable_cancel (self->run_cancellable);
  else
    toast (self, _("Stopping once this miner is back; the rest are not touched"));
  update_actions (self);
}

/* Closing */

static void
escape_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HfFirmwareDialog *self = HF_FIRMWARE_DIALOG (widget);

  if (self->running && !self->dry_run)
    toast (self, _("An update is running: this window closes once it is over"));
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   HfFirmwareDialog *self)
{
  if (g_strcmp0 (response, "stop") != 0 || !self->running)
    return;
  self->close_when_done = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (self), "firmware.stop", NULL);
}

static gboolean
hf_firmware_dialog_close_request (GtkWindow *window)
{
  HfFirmwareDialog *self = HF_FIRMWARE_DIALOG (window);
  GtkWidget *dialog;

  if (!self->running)
    return GTK_WINDOW_CLASS (hf_firmware_dialog_parent_class)->close_request (window);
  /* A check sends nothing: it just ends. */
  if (self->dry_run)
    {
      g_cancellable_cancel (self->run_cancellable);
      return GTK_WINDOW_CLASS (hf_firmware_dialog_parent_class)->close_request (window);
    }
  if (self->close_when_done)
    return TRUE;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Stop the update?"),
                                   _("A miner is being written now; cutting it off could leave "
                                     "it half-updated, so this window stays until it is back. "
                                     "Stop after it and close, or keep the update running?"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Running"),
                                    "stop", _("_Stop After This Miner"), NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* GObject */

static void
hf_firmware_dialog_dispose (GObject *object)
{
  HfFirmwareDialog *self = HF_FIRMWARE_DIALOG (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      if (self->slots[i].loading != NULL)
        g_cancellable_cancel (self->slots[i].loading);
      g_clear_object (&self->slots[i].loading);
      g_clear_object (&self->slots[i].file);
      g_clear_pointer (&self->slots[i].image, hf_firmware_image_unref);
    }
  /* Only when the window is destroyed under a run (the app quitting). */
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  if (self->update != NULL)
    g_signal_handlers_disconnect_by_data (self->update, self);
  g_clear_object (&self->update);
  if (self->held)
    {
      self->held = FALSE;
      g_application_release (G_APPLICATION (self->app));
    }
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  for (guint i = 0; self->miners != NULL && i < self->miners->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->miners, i), self);
  g_clear_pointer (&self->miners, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->statuses, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_FIRMWARE_DIALOG);

  G_OBJECT_CLASS (hf_firmware_dialog_parent_class)->dispose (object);
}

static void
hf_firmware_dialog_class_init (HfFirmwareDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hf_firmware_dialog_dispose;
  window_class->close_request = hf_firmware_dialog_close_request;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-firmware-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HfFirmwareDialog, name)
  BIND (app_details);
  BIND (app_error);
  BIND (app_error_row);
  BIND (app_row);
  BIND (app_sha256);
  BIND (app_size);
  BIND (app_version);
  BIND (check_button);
  BIND (left_out_label);
  BIND (miners_list);
  BIND (progress_bar);
  BIND (result_label);
  BIND (stop_button);
  BIND (toast_overlay);
  BIND (update_button);
  BIND (window_title);
  BIND (www_clear);
  BIND (www_details);
  BIND (www_error);
  BIND (www_error_row);
  BIND (www_row);
  BIND (www_sha256);
  BIND (www_size);
  BIND (www_version);
#undef BIND
  gtk_widget_class_install_action (widget_class, "firmware.choose-app", NULL,
                                   choose_app_activated);
  gtk_widget_class_install_action (widget_class, "firmware.choose-www", NULL,
                                   choose_www_activated);
  gtk_widget_class_install_action (widget_class, "firmware.clear-www", NULL, clear_www_activated);
  gtk_widget_class_install_action (widget_class, "firmware.check", NULL, check_activated);
  gtk_widget_class_install_action (widget_class, "firmware.update", NULL, update_activated);
  gtk_widget_class_install_action (widget_class, "firmware.stop", NULL, stop_activated);
  gtk_widget_class_install_action (widget_class, "firmware.escape", NULL, escape_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "firmware.escape", NULL);
}

static void
hf_firmware_dialog_init (HfFirmwareDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Two rows of 32 hex digits, never a hyphen where one breaks (Pango
   * adds one at a break inside a word). */
  {
    PangoAttrList *attrs = pango_attr_list_new ();

    pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
    gtk_label_set_attributes (self->app_sha256, attrs);
    gtk_label_set_attributes (self->www_sha256, attrs);
    pango_attr_list_unref (attrs);
  }
  self->miners = g_ptr_array_new_with_free_func (g_object_unref);
  self->rows = g_ptr_array_new ();
  self->statuses = g_ptr_array_new ();
  self->slots[SLOT_APP] = (Slot) { self->app_row, self->app_details, self->app_error_row,
                                   self->app_size, self->app_sha256, self->app_version,
                                   self->app_error };
  self->slots[SLOT_WWW] = (Slot) { self->www_row, self->www_details, self->www_error_row,
                                   self->www_size, self->www_sha256, self->www_version,
                                   self->www_error };
}

/* Public API */

gboolean
hf_firmware_dialog_can_update (HfMiner *miner)
{
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);
  return hf_miner_get_family (miner) == HF_FAMILY_AXEOS;
}

GtkWidget *
hf_firmware_dialog_new (GtkWindow     *parent,
                        HfApplication *app,
                        GPtrArray     *miners,
                        guint          left_out)
{
  HfFirmwareDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HF_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (miners != NULL, NULL);

  self = g_object_new (HF_TYPE_FIRMWARE_DIALOG, "transient-for", parent, NULL);
  self->app = app;
  for (guint i = 0; i < miners->len; i++)
    {
      HfMiner *miner = g_ptr_array_index (miners, i);
      GtkWidget *row, *status;

      if (!hf_firmware_dialog_can_update (miner))
        {
          left_out++;
          continue;
        }
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), hf_miner_display_name (miner));
      status = gtk_label_new (_("Not checked yet"));
      gtk_label_set_wrap (GTK_LABEL (status), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (status), PANGO_WRAP_WORD_CHAR);
      /* Room for "Updated: v2.15.0 → v2.16.0" on one line; the miner's
       * words on a few. */
      gtk_label_set_width_chars (GTK_LABEL (status), 26);
      gtk_label_set_max_width_chars (GTK_LABEL (status), 40);
      gtk_label_set_xalign (GTK_LABEL (status), 1);
      gtk_label_set_justify (GTK_LABEL (status), GTK_JUSTIFY_RIGHT);
      gtk_label_set_selectable (GTK_LABEL (status), TRUE);
      gtk_widget_add_css_class (status, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), status);
      gtk_list_box_append (self->miners_list, row);
      g_ptr_array_add (self->miners, g_object_ref (miner));
      g_ptr_array_add (self->rows, row);
      g_ptr_array_add (self->statuses, status);
      show_version (self, self->miners->len - 1);
      g_signal_connect (miner, "notify::firmware", G_CALLBACK (firmware_changed_cb), self);
    }
  if (left_out > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u selected miner is left out: "
                                                            "only AxeOS and NerdOS miners take "
                                                            "firmware here.",
                                                            "%u selected miners are left out: "
                                                            "only AxeOS and NerdOS miners take "
                                                            "firmware here.", left_out),
                                               left_out);

      gtk_label_set_text (self->left_out_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->left_out_label), TRUE);
    }

  if (self->miners->len == 1)
    {
      HfMiner *miner = g_ptr_array_index (self->miners, 0);

      /* Translators: the dialog's title, "Update bitaxe-desk" */
      title = g_strdup_printf (_("Update %s"), hf_miner_display_name (miner));
      adw_window_title_set_subtitle (self->window_title, hf_miner_get_address (miner));
    }
  else
    {
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Update %u Miner",
                                            "Update %u Miners", self->miners->len),
                               self->miners->len);
      adw_window_title_set_subtitle (self->window_title, _("Firmware, one miner at a time"));
    }
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  update_actions (self);
  return GTK_WIDGET (self);
}

void
hf_firmware_dialog_set_file (HfFirmwareDialog *self,
                             gboolean          www,
                             GFile            *file)
{
  g_return_if_fail (HF_IS_FIRMWARE_DIALOG (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));
  g_return_if_fail (!self->running);

  set_file (self, www ? SLOT_WWW : SLOT_APP, file);
}

void
hf_firmware_dialog_check (HfFirmwareDialog *self)
{
  g_return_if_fail (HF_IS_FIRMWARE_DIALOG (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "firmware.check", NULL);
}

void
hf_firmware_dialog_update (HfFirmwareDialog *self)
{
  g_return_if_fail (HF_IS_FIRMWARE_DIALOG (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "firmware.update", NULL);
}

void
hf_firmware_dialog_stop (HfFirmwareDialog *self)
{
  g_return_if_fail (HF_IS_FIRMWARE_DIALOG (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "firmware.stop", NULL);
}

void
hf_firmware_dialog_set_timing (HfFirmwareDialog *self,
                               guint             return_timeout_ms,
                               guint             first_look_ms)
{
  g_return_if_fail (HF_IS_FIRMWARE_DIALOG (self));
  self->return_timeout_ms = return_timeout_ms;
  self->first_look_ms = first_look_ms;
}

gboolean
hf_firmware_dialog_get_loading (HfFirmwareDialog *self)
{
  g_return_val_if_fail (HF_IS_FIRMWARE_DIALOG (self), FALSE);
  return loading (self);
}

gboolean
hf_firmware_dialog_get_running (HfFirmwareDialog *self)
{
  g_return_val_if_fail (HF_IS_FIRMWARE_DIALOG (self), FALSE);
  return self->running;
}

GtkWidget *
hf_firmware_dialog_get_part (HfFirmwareDialog *self,
                             const char       *name)
{
  g_return_val_if_fail (HF_IS_FIRMWARE_DIALOG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), HF_TYPE_FIRMWARE_DIALOG,
                                                    name));
}

const char *
hf_firmware_dialog_get_miner_version (HfFirmwareDialog *self,
                                      guint             index)
{
  g_return_val_if_fail (HF_IS_FIRMWARE_DIALOG (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  return adw_action_row_get_subtitle (g_ptr_array_index (self->rows, index));
}

const char *
hf_firmware_dialog_get_miner_status (HfFirmwareDialog *self,
                                     guint             index)
{
  g_return_val_if_fail (HF_IS_FIRMWARE_DIALOG (self), NULL);
  g_return_val_if_fail (index < self->statuses->len, NULL);
  return gtk_label_get_text (g_ptr_array_index (self->statuses, index));
}
