/* hf-export.h — Export History…: the store's history to a file
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-application.h"

G_BEGIN_DECLS

#define HF_TYPE_EXPORT_DIALOG (hf_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HfExportDialog, hf_export_dialog, HF, EXPORT_DIALOG, AdwWindow)

/* Ask which miners, which period, how fine and which format, then where;
 * write it (everything up to now: the session writes what it holds
 * first) on a worker thread, and say so in a toast with "Open". */
GtkWidget *hf_export_dialog_new        (GtkWindow      *parent,
                                        HfApplication  *app);
void       hf_export_present           (GtkWindow      *parent,
                                        HfApplication  *app);
/* For tests: pick as a user would (@address NULL: every miner; @period
 * and @resolution are the rows' positions), then export to @file without
 * asking where.  The dialog closes once the file is written. */
void       hf_export_dialog_choose     (HfExportDialog *self,
                                        gboolean        json,
                                        const char     *address,
                                        guint           period,
                                        guint           resolution);
void       hf_export_dialog_export_to  (HfExportDialog *self,
                                        GFile          *file);

/* Every miner's 5-minute history to @file (CSV, or JSON Lines for a
 * .json/.jsonl name), without asking: for tests. */
void   hf_export_to_file_async  (const char          *db_path,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gint64 hf_export_to_file_finish (GAsyncResult        *result,
                                 GError             **error);

G_END_DECLS
