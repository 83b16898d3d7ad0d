/* hf-sim-ota.h — AxeOS firmware updates (POST /api/system/OTA, OTAWWW)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <libsoup/soup.h>

#include "hf-sim-axeos.h"
#include "hf-sim-fleet.h"

G_BEGIN_DECLS

/* Answer POST /api/system/OTA (@www FALSE) or /api/system/OTAWWW as the
 * firmware does, and reboot the miner into the image on success. */
void  sim_ota_answer (SimAxeosWeb       *web,
                      SimMiner          *miner,
                      SoupServerMessage *msg,
                      gboolean           www);
/* GET /api/system/info after updates: the version, partition and web UI
 * the miner now runs.  Takes @info. */
char *sim_ota_info   (SimMiner          *miner,
                      char              *info);

G_END_DECLS
