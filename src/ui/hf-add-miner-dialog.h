/* hf-add-miner-dialog.h — add one miner by its address
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-application.h"

G_BEGIN_DECLS

#define HF_TYPE_ADD_MINER_DIALOG (hf_add_miner_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HfAddMinerDialog, hf_add_miner_dialog, HF, ADD_MINER_DIALOG, AdwWindow)

/* Ask for an address (and the API port, at first the app's), identify
 * what answers there and add it; the dialog stays open while it asks and
 * says in words why nothing was added. */
GtkWidget  *hf_add_miner_dialog_new         (GtkWindow        *parent,
                                             HfApplication    *app);
void        hf_add_miner_dialog_present     (GtkWindow        *parent,
                                             HfApplication    *app);

/* For tests: type, read, press Add. */
void        hf_add_miner_dialog_set_address (HfAddMinerDialog *self,
                                             const char       *text);
guint       hf_add_miner_dialog_get_port    (HfAddMinerDialog *self);
gboolean    hf_add_miner_dialog_get_busy    (HfAddMinerDialog *self);
gboolean    hf_add_miner_dialog_get_can_add (HfAddMinerDialog *self);
/* What the dialog says under the rows (NULL: nothing). */
const char *hf_add_miner_dialog_get_message (HfAddMinerDialog *self);
void        hf_add_miner_dialog_add         (HfAddMinerDialog *self);

/* "192.0.2.7", "192.0.2.7:8080" → address and HTTP port (0 when absent).
 * FALSE with a message for people for anything else. */
gboolean hf_add_miner_parse_address (const char  *text,
                                     char       **address,
                                     guint16     *http_port,
                                     GError     **error);

G_END_DECLS
