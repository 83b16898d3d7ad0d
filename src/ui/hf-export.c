/* hf-export.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "hf-core.h"
#include "hf-export.h"
#include "hf-window.h"

void
hf_export_to_file_async (const char          *db_path,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autofree char *path = g_file_get_path (file);
  HfExportQuery query = { HF_EXPORT_CSV, NULL, 0, 0, HF_RESOLUTION_5M };

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

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;
  gint64 rows = hf_export_to_file_finish (result, &error);
  g_autofree char *text = NULL;

  if (rows < 0)
    text = g_strdup_printf (_("Export failed: %s"), error->message);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %lu row",
                                         "Exported %lu rows", (unsigned long) rows),
                            (unsigned long) rows);
  if (HF_IS_WINDOW (parent))
    hf_window_toast (HF_WINDOW (parent), text);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  const char *db_path = g_object_get_data (G_OBJECT (chooser), "hf-db");
  GtkWindow *parent = gtk_native_dialog_get_transient_for (chooser);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      hf_export_to_file_async (db_path, file, NULL, exported_cb,
                               parent ? g_object_ref (parent) : NULL);
    }
  g_object_unref (chooser);
}

void
hf_export_present (GtkWindow  *parent,
                   const char *db_path)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) json = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Export History"), parent,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("CSV (spreadsheets)"));
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_set_name (json, _("JSON Lines"));
  gtk_file_filter_add_suffix (json, "json");
  gtk_file_filter_add_suffix (json, "jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "hashfleet-history.csv");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data_full (G_OBJECT (chooser), "hf-db", g_strdup (db_path), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
