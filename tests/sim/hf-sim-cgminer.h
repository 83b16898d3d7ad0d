/* hf-sim-cgminer.h — the simulated fleet's port-4028 API
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

/* One GSocketService per miner that serves the port. */
GPtrArray *sim_cgminer_server_start (SimFleet  *fleet,
                                     GError   **error);
void       sim_cgminer_server_stop  (GPtrArray *services);

G_END_DECLS
