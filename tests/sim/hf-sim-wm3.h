/* hf-sim-wm3.h — the simulated Whatsminer API v3 (framed JSON on its own port)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

/* One GSocketService per miner whose profile serves API v3. */
GPtrArray *sim_wm3_server_start (SimFleet  *fleet,
                                 GError   **error);
void       sim_wm3_server_stop  (GPtrArray *services);
/* The reply to one request (a JSON text); *@restart: reboot after it. */
char      *sim_wm3_reply        (SimFleet   *fleet,
                                 SimMiner   *miner,
                                 JsonObject *request,
                                 gboolean   *restart);

G_END_DECLS
