/* hf-cgminer-driver.h — the identify/poll flow shared by port-4028 families
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-cgminer-client.h"
#include "hf-driver.h"

G_BEGIN_DECLS

/**
 * HfCgminerFamily:
 *
 * What distinguishes one cgminer-style family: which commands identify and
 * poll it, and how their replies (a GPtrArray of JsonObject*, one slot per
 * command, NULL for a failed optional one) become an identity or a reading.
 */
typedef struct
{
  HfFamily            family;
  HfCgminerFlags      flags;
  const char * const *identify_commands;
  gboolean          (*parse_identity) (GPtrArray  *replies,
                                       HfMiner    *miner,
                                       GError    **error);
  const char * const *poll_commands;
  HfReading        *(*parse_reading)  (GPtrArray  *replies,
                                       HfMiner    *miner,
                                       GError    **error);
} HfCgminerFamily;

void       hf_cgminer_family_identify_async (const HfCgminerFamily *family,
                                             const char            *address,
                                             const HfConfig        *config,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
void       hf_cgminer_family_poll_async     (const HfCgminerFamily *family,
                                             HfMiner               *miner,
                                             const HfConfig        *config,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
/* Send one command that changes the miner and check that it was accepted. */
void       hf_cgminer_family_command_async  (const HfCgminerFamily *family,
                                             HfMiner               *miner,
                                             const char            *command,
                                             const char            *parameter,
                                             const HfConfig        *config,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
/* The cgminer port to use for @miner (its own, else the configured one). */
guint16    hf_cgminer_port_of               (HfMiner               *miner,
                                             const HfConfig        *config);

G_END_DECLS
