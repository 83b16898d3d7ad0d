/* hf-sim-http.h — the simulated fleet's web side (AxeOS API, Antminer CGI)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <libsoup/soup.h>

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

/* @config: the simulator's key file, or NULL; @www: the AxeOS web UI's
 * files, or NULL; @trace: print a JSON line per exchange. */
SoupServer *sim_http_server_start (SimFleet    *fleet,
                                   GKeyFile    *config,
                                   const char  *www,
                                   gboolean     trace,
                                   GError     **error);

G_END_DECLS
