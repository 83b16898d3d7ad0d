/* hf-sim-replies.h — each family's replies, in its own format
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

/* AxeOS GET /api/system/info and /api/system/asic (NULL: firmware has none). */
char *sim_axeos_info   (SimFleet   *fleet,
                        SimMiner   *miner);
char *sim_axeos_asic   (SimFleet   *fleet,
                        SimMiner   *miner);
/* Antminer GET /cgi-bin/get_system_info.cgi */
char *sim_antminer_system_info (SimMiner *miner);

/* The reply to one cgminer-port request (already parsed), without the
 * terminating NUL.  *restart is set when the command reboots the miner. */
char *sim_cgminer_reply (SimFleet   *fleet,
                         SimMiner   *miner,
                         JsonObject *request,
                         gboolean   *restart);

/* Rewrite a cgminer reply with every field quirk firmware is known for. */
char *sim_quirkify      (SimMiner   *miner,
                         const char *reply);

G_END_DECLS
