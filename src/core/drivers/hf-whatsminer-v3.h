/* hf-whatsminer-v3.h — MicroBT Whatsminer, API v3 (TCP 4433)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-driver.h"

G_BEGIN_DECLS

/* The API version a miner record carries when it is reached by API v3
 * (hf_miner_get_api_version(); its cgminer port is then the v3 port). */
#define HF_WHATSMINER_API_V3 3

/* What a Whatsminer reached by API v3 supports. */
#define HF_WHATSMINER_V3_CAPABILITIES (HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE \
                                       | HF_CAP_POOLS | HF_CAP_POWER_LIMIT | HF_CAP_PRESET)

gboolean hf_whatsminer_v3_speaks        (HfMiner               *miner);

/* The operations, with @source as the source object of their tasks.
 * identify: get.device.info on config->whatsminer_v3_port; the miner
 *   returned has that port as its cgminer port and API version 3.
 * poll: get.miner.status "summary+pools+edevs", get.miner.setting (power
 *   mode; tolerated when missing), and, when it hashes nothing,
 *   get.device.info "miner" (is the miner service stopped on purpose?).
 * restart: set.system.reboot (a device reboot, as the v2 driver's).
 * apply: pools (set.miner.pools, encrypted), power mode (preset
 *   low|normal|high: set.miner.power_mode), power limit
 *   (set.miner.power_limit W; the miner restarts to apply it).
 * action: identify set.system.led, pause/resume set.miner.service stop/start.
 * Writes are signed for account "super" with
 * config->whatsminer_super_password and the miner's salt, cached on the
 * miner and fetched again once when the miner answers -4. */
void     hf_whatsminer_v3_identify_async (gpointer              source,
                                          const char           *address,
                                          const HfConfig       *config,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
void     hf_whatsminer_v3_poll_async     (gpointer              source,
                                          HfMiner              *miner,
                                          const HfConfig       *config,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
void     hf_whatsminer_v3_restart_async  (gpointer              source,
                                          HfMiner              *miner,
                                          const HfConfig       *config,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
void     hf_whatsminer_v3_apply_async    (gpointer              source,
                                          HfMiner              *miner,
                                          const HfMinerSettings *settings,
                                          const HfConfig       *config,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
void     hf_whatsminer_v3_action_async   (gpointer              source,
                                          HfMiner              *miner,
                                          HfMinerAction         action,
                                          const HfConfig       *config,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);

/* The write request for @cmd (@param may be NULL; when @secret it is sent
 * encrypted), signed with @password and @salt at time @ts. */
char    *hf_whatsminer_v3_build_write    (const char           *cmd,
                                          JsonNode             *param,
                                          gboolean              secret,
                                          const char           *password,
                                          const char           *salt,
                                          gint64                ts);

G_END_DECLS
