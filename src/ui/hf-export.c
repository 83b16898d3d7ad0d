/* hf-export.c
 * SPDX-License-Identifier: MIT
 *
 * Export History: which miners, which period, how fine and which format,
 * as `hashfleet-cli export` offers, then where.  The session writes what
 * it still holds first, so the file has everything up to now; the export
 * itself runs on a worker with its own read-only connection.  The file
 * is for people: ISO 8601 times and three decimals at most.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-core.h"
#include "hf-export.h"
#include "hf-miner-status.h"
#include "hf-window.h"

struct _HfExportDialog
{
  AdwWindow      parent_instance;

  AdwComboRow   *format_row;
  AdwComboRow   *miner_row;
  AdwComboRow   *period_row;
  AdwComboRow   *resolution_row;
  GtkWidget     *export_button;

  HfApplication *app;
  GPtrArray     *addresses;     /* of miner_row's items after "All miners" */
  GFile         *file;          /* being written */
  GtkFileChooserNative *chooser;
  gboolean       closed;        /* disposed: an export still running only toasts */
};

G_DEFINE_FINAL_TYPE (HfExportDialog, hf_export_dialog, ADW_TYPE_WINDOW)

static const gint64 periods[] = { 3600, 86400, 7 * 86400, 30 * 86400, 0 };
static const HfResolution resolutions[] = {
  HF_RESOLUTION_AUTO, HF_RESOLUTION_RAW, HF_RESOLUTION_5M, HF_RESOLUTION_1H,
};

void
hf_export_to_file_async (const char          *db_path,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autofree char *path = g_file_get_path (file);
  HfExportQuery query = { HF_EXPORT_CSV, NULL, 0, 0, HF_RESOLUTION_5M, TRUE };

  if (g_str_has_suffix (path, ".json") || g_str_has_suffix (path, ".jsonl"))
    query.format = HF_EXPORT_JSON;
  hf_export_async (db_path, &query, path, cancellable, callback, user_data);
}

gint64
hf_export_to_file_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_autofree char *path = NULL;
  gint64 rows = -1;

  path = hf_export_finish (result, &rows, error);
  return path != NULL ? rows : -1;
}

/* The toast's "Open": the file in the app that opens its kind. */
static void
open_clicked_cb (AdwToast *toast,
                 GFile    *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
}

/* One export, from the click to the toast: everything it needs is taken
 * from the dialog when it starts, so that closing the dialog meanwhile
 * (its rows and its application gone) changes nothing but who is told. */
typedef struct
{
  HfExportDialog *dialog;
  GtkWindow      *parent;   /* where the toast goes */
  HfSession      *session;
  char           *db_path;
  char           *address;
  char           *path;
  GFile          *file;
  gint64          period_s;  /* back from the end of the flush; 0: all kept */
  HfExportQuery   query;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->dialog);
  g_clear_object (&job->parent);
  g_clear_object (&job->session);
  g_free (job->db_path);
  g_free (job->address);
  g_free (job->path);
  g_clear_object (&job->file);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportJob, export_job_free)

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ExportJob) job = user_data;
  g_autoptr(GError) error = NULL;
  gint64 rows = hf_export_to_file_finish (result, &error);
  g_autofree char *name = g_file_get_basename (job->file);
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (rows < 0)
    text = g_strdup_printf (_("Export failed: %s"), error->message);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %lu row to %s",
                                         "Exported %lu rows to %s", (unsigned long) rows),
                            (unsigned long) rows, name);
  toast = hf_toast_new (text);
  adw_toast_set_timeout (toast, 8);
  if (rows >= 0)
    {
      adw_toast_set_button_label (toast, _("_Open"));
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (open_clicked_cb),
                             g_object_ref (job->file), (GClosureNotify) (void (*)(void)) g_object_unref,
                             0);
    }
  if (HF_IS_WINDOW (job->parent) && gtk_widget_get_visible (GTK_WIDGET (job->parent)))
    hf_window_add_toast (HF_WINDOW (job->parent), toast);
  g_object_unref (toast);
  if (!job->dialog->closed)
    gtk_window_destroy (GTK_WINDOW (job->dialog));
}

static void
flushed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GError) error = NULL;

  /* Not everything reached the disk in time: export what did. */
  if (!hf_session_flush_finish (HF_SESSION (source), result, &error))
    g_message ("export: %s", error->message);
  job->query.until = g_get_real_time () / G_USEC_PER_SEC;
  job->query.since = job->period_s > 0 ? job->query.until - job->period_s : 0;
  hf_export_async (job->db_path, &job->query, job->path, NULL, exported_cb, job);
}

void
hf_export_dialog_export_to (HfExportDialog *self,
                            GFile          *file)
{
  HfStore *store;
  ExportJob *job;
  guint miner, period, resolution;

  g_return_if_fail (HF_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->closed || (store = hf_application_get_store (self->app)) == NULL)
    return;
  miner = adw_combo_row_get_selected (self->miner_row);
  period = adw_combo_row_get_selected (self->period_row);
  resolution = adw_combo_row_get_selected (self->resolution_row);

  job = g_new0 (ExportJob, 1);
  job->dialog = g_object_ref (self);
  job->parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (job->parent != NULL)
    g_object_ref (job->parent);
  job->session = g_object_ref (hf_application_get_session (self->app));
  job->db_path = g_strdup (hf_store_get_path (store));
  job->path = g_file_get_path (file);
  job->file = g_object_ref (file);
  job->address = miner > 0 && miner <= self->addresses->len
                 ? g_strdup (g_ptr_array_index (self->addresses, miner - 1)) : NULL;
  job->query.format = adw_combo_row_get_selected (self->format_row) == 1 ? HF_EXPORT_JSON
                                                                         : HF_EXPORT_CSV;
  job->query.address = job->address;
  job->period_s = period < G_N_ELEMENTS (periods) ? periods[period] : 0;
  job->query.resolution = resolution < G_N_ELEMENTS (resolutions) ? resolutions[resolution]
                                                                  : HF_RESOLUTION_AUTO;
  job->query.readable = TRUE;

  g_set_object (&self->file, file);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  hf_session_flush_async (job->session, 5000, flushed_cb, job);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     HfExportDialog  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      hf_export_dialog_export_to (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
export_clicked_cb (HfExportDialog *self)
{
  gboolean json = adw_combo_row_get_selected (self->format_row) == 1;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Export History"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                               _("_Cancel"));
  /* The name says what the file is: the format chosen here. */
  gtk_file_filter_set_name (filter, json ? _("JSON Lines") : _("CSV (spreadsheets)"));
  gtk_file_filter_add_suffix (filter, json ? "jsonl" : "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     json ? "hashfleet-history.jsonl" : "hashfleet-history.csv");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static AdwComboRow *
combo_row (AdwPreferencesGroup *group,
           const char          *title,
           const char * const  *items)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) list = gtk_string_list_new (items);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  adw_preferences_group_add (group, GTK_WIDGET (row));
  return row;
}

static void
hf_export_dialog_dispose (GObject *object)
{
  HfExportDialog *self = HF_EXPORT_DIALOG (object);

  self->closed = TRUE;
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->app);
  g_clear_object (&self->file);
  g_clear_pointer (&self->addresses, g_ptr_array_unref);

  G_OBJECT_CLASS (hf_export_dialog_parent_class)->dispose (object);
}

static void
hf_export_dialog_class_init (HfExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_export_dialog_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hf_export_dialog_init (HfExportDialog *self)
{
  const char *formats[] = { N_("CSV (spreadsheets)"), N_("JSON Lines"), NULL };
  const char *period_names[] = { N_("Last hour"), N_("Last 24 hours"), N_("Last 7 days"),
                                 N_("Last 30 days"), N_("Everything kept"), NULL };
  const char *resolution_names[] = { N_("Automatic (the finest kept)"), N_("Every reading"),
                                     N_("5-minute averages"), N_("Hourly averages"), NULL };
  const char *translated[6];
  GtkWidget *box, *header, *cancel, *page;
  AdwPreferencesGroup *group;

  self->addresses = g_ptr_array_new_with_free_func (g_free);
  gtk_window_set_title (GTK_WINDOW (self), _("Export History"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 460, 420);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->export_button = gtk_button_new_with_mnemonic (_("_Export…"));
  gtk_widget_add_css_class (self->export_button, "suggested-action");
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->export_button);
  gtk_box_append (GTK_BOX (box), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_description (group, _("Times are written as ISO 8601 in this "
                                                  "computer’s time zone; the file has every "
                                                  "reading up to now."));
  for (guint i = 0; formats[i] != NULL; i++)
    translated[i] = _(formats[i]);
  translated[2] = NULL;
  self->format_row = combo_row (group, _("_Format"), translated);
  self->miner_row = combo_row (group, _("_Miners"), (const char *[]) { _("All miners"), NULL });
  for (guint i = 0; period_names[i] != NULL; i++)
    translated[i] = _(period_names[i]);
  translated[5] = NULL;
  self->period_row = combo_row (group, _("_Period"), translated);
  adw_combo_row_set_selected (self->period_row, 1);
  for (guint i = 0; resolution_names[i] != NULL; i++)
    translated[i] = _(resolution_names[i]);
  translated[4] = NULL;
  self->resolution_row = combo_row (group, _("_Detail"), translated);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (self), box);
}

GtkWidget *
hf_export_dialog_new (GtkWindow     *parent,
                      HfApplication *app)
{
  HfExportDialog *self;
  GtkStringList *miners;
  HfFleet *fleet;

  g_return_val_if_fail (HF_IS_APPLICATION (app), NULL);

  self = g_object_new (HF_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->app = g_object_ref (app);
  /* Every miner of the fleet by the name its card shows. */
  fleet = hf_application_get_fleet (app);
  miners = GTK_STRING_LIST (adw_combo_row_get_model (self->miner_row));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (fleet)); i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (G_LIST_MODEL (fleet), i);
      g_autofree char *item = NULL;

      if (g_strcmp0 (hf_miner_display_name (miner), hf_miner_get_address (miner)) == 0)
        item = g_strdup (hf_miner_get_address (miner));
      else
        item = g_strdup_printf ("%s (%s)", hf_miner_display_name (miner),
                                hf_miner_get_address (miner));
      gtk_string_list_append (miners, item);
      g_ptr_array_add (self->addresses, g_strdup (hf_miner_get_address (miner)));
    }
  return GTK_WIDGET (self);
}

void
hf_export_present (GtkWindow     *parent,
                   HfApplication *app)
{
  gtk_window_present (GTK_WINDOW (hf_export_dialog_new (parent, app)));
}

void
hf_export_dialog_choose (HfExportDialog *self,
                         gboolean        json,
                         const char     *address,
                         guint           period,
                         guint           resolution)
{
  g_return_if_fail (HF_IS_EXPORT_DIALOG (self));

  adw_combo_row_set_selected (self->format_row, json ? 1 : 0);
  adw_combo_row_set_selected (self->miner_row, 0);
  for (guint i = 0; address != NULL && i < self->addresses->len; i++)
    if (g_str_equal (g_ptr_array_index (self->addresses, i), address))
      adw_combo_row_set_selected (self->miner_row, i + 1);
  adw_combo_row_set_selected (self->period_row, period);
  adw_combo_row_set_selected (self->resolution_row, resolution);
}
