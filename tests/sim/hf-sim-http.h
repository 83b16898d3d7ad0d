/* hf-sim-http.h — the simulated fleet's web side (AxeOS API, Antminer CGI)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <libsoup/soup.h>

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

SoupServer *sim_http_server_start (SimFleet  *fleet,
                                   GError   **error);

G_END_DECLS
