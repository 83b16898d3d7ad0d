/* hf-sim-vnish.h — a VNish / AnthillOS miner's web API (xminer-api /api/v1/…)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <libsoup/soup.h>

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

/* Per-miner keys of the simulator's key file ([miner ADDR] of a vnish
 * profile): hr-measure=GH/s|TH/s (the unit of its hashrates),
 * lockout=N (429 from the Nth wrong password on; default 5),
 * token-uses=N (a token stops working after N requests; 0: never),
 * summary-auth=true (/api/v1/summary needs a token),
 * failure=TEXT (miner_state "failure" with this description),
 * pause-err=TEXT (pause answers 200 {"err": TEXT}).  web-password= is its
 * web password (default "admin"). */
gboolean sim_vnish_configure (SimFleet          *fleet,
                              GKeyFile          *file,
                              GError           **error);

/* Answer @msg for the VNish miner @miner. */
void     sim_vnish_answer    (SimFleet          *fleet,
                              SimMiner          *miner,
                              SoupServerMessage *msg,
                              const char        *method,
                              const char        *path);

/* The cgminer port's `version` reply of a VNish miner. */
char    *sim_vnish_version   (SimMiner          *miner);

G_END_DECLS
