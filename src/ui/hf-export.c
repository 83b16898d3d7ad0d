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

/* task_data: { the database, the file to write, NULL } */
static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char *db_path = ((char **) task_data)[0];
  const char *path = ((char **) task_data)[1];
  g_autoptr(GError) error = NULL;
  /* Read only: beside the app's own connections, an export neither
   * migrates the file nor moves it aside. */
  g_autoptr(HfStore) store = hf_store_open_readonly (db_path, &error);
  HfExportFormat format = g_str_has_suffix (path, ".json") || g_str_has_suffix (path, ".jsonl")
                          ? HF_EXPORT_JSON : HF_EXPORT_CSV;
  g_autofree char *partial = g_strconcat (path, ".part", NULL);
  gint64 rows;
  FILE *out;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Written aside and renamed: a failed export leaves no half file. */
  out = g_fopen (partial, "w");
  if (out == NULL)
    {
      int saved = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "%s: %s", path, g_strerror (saved));
      return;
    }
  rows = hf_store_export (store, out, format, NULL, 0, 0, HF_RESOLUTION_5M, &error);
  if (fclose (out) != 0 && rows >= 0)
    {
      int saved = errno;
      rows = -1;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
    }
  if (rows < 0 || g_rename (partial, path) != 0)
    {
      g_unlink (partial);
      if (error == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path,
                     g_strerror (errno));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_int (task, rows);
}

void
hf_export_to_file_async (const char          *db_path,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  char **paths = g_new0 (char *, 3);

  paths[0] = g_strdup (db_path);
  paths[1] = g_file_get_path (file);
  g_task_set_task_data (task, paths, (GDestroyNotify) g_strfreev);
  g_task_set_source_tag (task, hf_export_to_file_async);
  g_task_set_name (task, "hf-export");
  g_task_run_in_thread (task, export_thread);
}

gint64
hf_export_to_file_finish (GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error);
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
