/* hf-sim-braiins.h — Braiins OS's REST API on the simulated HTTP port
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

/* Answer @method @path when it is the REST API of a "braiins-rest" miner:
 * TRUE with *@status and *@answer (JSON) set, FALSE when it is not one of
 * its paths.  @authorization is the request's Authorization header. */
gboolean sim_braiins_rest (SimFleet    *fleet,
                           SimMiner    *miner,
                           const char  *method,
                           const char  *path,
                           const char  *authorization,
                           const char  *body,
                           gsize        len,
                           guint       *status,
                           char       **answer);

G_END_DECLS
