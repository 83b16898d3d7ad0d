/* hf-export.h — Export History…: the store's history to a file
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Ask where to save, then write every miner's history (CSV, or JSON Lines
 * for a .json/.jsonl name) from the database at @db_path, in a worker
 * thread with its own connection. */
void  hf_export_present (GtkWindow  *parent,
                         const char *db_path);

/* The same, without asking: for tests. */
void   hf_export_to_file_async  (const char          *db_path,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gint64 hf_export_to_file_finish (GAsyncResult        *result,
                                 GError             **error);

G_END_DECLS
