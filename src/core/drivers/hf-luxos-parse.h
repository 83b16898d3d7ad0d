/* hf-luxos-parse.h — LuxOS (LUXminer) replies on port 4028
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* TRUE when a `version` reply names LUXminer (a VERSION key or the
 * STATUS Description, without regard to case). */
gboolean   hf_luxos_reply_is_luxos    (JsonObject  *version_reply);
/* Family, model (version Type, else config Model) and firmware
 * ("LuxOS 2025.4.8.220305-57b389c7"); @config_reply may be NULL. */
gboolean   hf_luxos_parse_identity    (JsonObject  *version_reply,
                                       JsonObject  *config_reply,
                                       HfMiner     *miner,
                                       GError     **error);
/* A reading of `summary` and the optional stats, devs, pools, fans, temps,
 * power, config and profiles replies (each may be NULL). */
HfReading *hf_luxos_parse_reading     (JsonObject  *summary_reply,
                                       JsonObject  *stats_reply,
                                       JsonObject  *devs_reply,
                                       JsonObject  *pools_reply,
                                       JsonObject  *fans_reply,
                                       JsonObject  *temps_reply,
                                       JsonObject  *power_reply,
                                       JsonObject  *config_reply,
                                       JsonObject  *profiles_reply,
                                       GError     **error);
/* The parts, for the conformance tests. */
void       hf_luxos_read_stats        (JsonObject  *stats_reply,
                                       HfReading   *reading);
void       hf_luxos_read_devs         (JsonObject  *devs_reply,
                                       HfReading   *reading);
void       hf_luxos_read_fans         (JsonObject  *fans_reply,
                                       HfReading   *reading);
void       hf_luxos_read_temps        (JsonObject  *temps_reply,
                                       HfReading   *reading);
void       hf_luxos_read_power        (JsonObject  *power_reply,
                                       HfReading   *reading);
/* The profile in use (config Profile) as the preset, whether it is
 * curtailed (CurtailMode other than None: asleep), and the profile's
 * watts from @profiles_reply as the power limit. */
void       hf_luxos_read_config       (JsonObject  *config_reply,
                                       JsonObject  *profiles_reply,
                                       HfReading   *reading);
/* The profile names of a `profiles` reply (NULL-terminated; empty when it
 * lists none). */
char     **hf_luxos_profile_names     (JsonObject  *profiles_reply);
/* SESSION[0].SessionID of a `logon` or `session` reply: a new string,
 * NULL when there is none (or one unfit to be sent back). */
char      *hf_luxos_session_id        (JsonObject  *reply);
/* A SessionID Hashfleet does not send a command with but can still log
 * off: a JSON integer (0 or more), as its digits.  NULL otherwise. */
char      *hf_luxos_session_id_number (JsonObject  *reply);
/* Whether the reply has a SessionID at all (of any type or form). */
gboolean   hf_luxos_has_session_id    (JsonObject  *reply);
/* The STATUS Code of a reply (402: another session is active), or -1. */
int        hf_luxos_status_code       (JsonObject  *reply);

G_END_DECLS
