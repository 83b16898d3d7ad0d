/* hf-miner-actions.h — restart, remove, open, copy: acting on miners
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "hf-application.h"

G_BEGIN_DECLS

/* Ask, then restart each of @miners; the outcome is a toast. */
void  hf_miner_actions_restart       (GtkWindow     *parent,
                                      HfApplication *app,
                                      GPtrArray     *miners);
/* Ask (with "keep history"), then remove each of @miners. */
void  hf_miner_actions_remove        (GtkWindow     *parent,
                                      HfApplication *app,
                                      GPtrArray     *miners);
/* The first miner's web interface in the default browser. */
void  hf_miner_actions_open_web      (GtkWindow     *parent,
                                      GPtrArray     *miners);
/* The addresses, one per line, on the clipboard. */
void  hf_miner_actions_copy_address  (GtkWidget     *widget,
                                      GPtrArray     *miners);
/* "http://192.0.2.7/" or "http://192.0.2.7:8080/" */
char *hf_miner_web_uri               (HfMiner       *miner);

/* Identify, pause or resume every miner in @miners. */
void  hf_miner_actions_act           (GtkWindow     *parent,
                                      HfApplication *app,
                                      GPtrArray     *miners,
                                      HfMinerAction  action);

G_END_DECLS
