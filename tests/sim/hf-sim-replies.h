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

/* The shared pieces, for the families in files of their own: a STATUS
 * member, an error reply, a summary (hashrate in @unit: GH/s ÷ @divisor)
 * and a pools reply. */
char *sim_status_json   (const char *status,
                         int         code,
                         const char *msg,
                         const char *description);
char *sim_error_reply   (int         code,
                         const char *msg,
                         const char *description);
char *sim_summary_reply (SimFleet   *fleet,
                         SimMiner   *miner,
                         const char *unit,
                         double      divisor,
                         const char *description);
char *sim_pools_reply   (SimMiner   *miner,
                         const char *description);

/* Braiins OS (bosminer / BOSer) and LuxOS on port 4028
 * (hf-sim-braiins.c, hf-sim-luxos.c). */
char *sim_braiins_command (SimFleet   *fleet,
                           SimMiner   *miner,
                           const char *command,
                           const char *parameter,
                           gboolean   *restart);
char *sim_luxos_command   (SimFleet   *fleet,
                           SimMiner   *miner,
                           const char *command,
                           const char *parameter,
                           gboolean   *restart);

/* Rewrite a cgminer reply with every field quirk firmware is known for. */
char *sim_quirkify      (SimMiner   *miner,
                         const char *reply);

G_END_DECLS
