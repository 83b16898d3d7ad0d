/* hf-add-miner-dialog.h — add one miner by its address
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "hf-application.h"

G_BEGIN_DECLS

/* Ask for an address (and optional ports), identify what answers there and
 * add it, or say clearly why not. */
void hf_add_miner_dialog_present (GtkWindow     *parent,
                                  HfApplication *app);

/* "192.0.2.7", "192.0.2.7:8080" → address and HTTP port (0 when absent).
 * FALSE with a message for anything else. */
gboolean hf_add_miner_parse_address (const char  *text,
                                     char       **address,
                                     guint16     *http_port,
                                     GError     **error);

G_END_DECLS
