/* hf-sim-cgminer.h — the simulated fleet's port-4028 API
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

GSocketService *sim_cgminer_server_start (SimFleet  *fleet,
                                          GError   **error);

G_END_DECLS
