/* hf-braiins-parse.h — Braiins OS / OS+ replies (port 4028 and REST)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* Which daemon answers port 4028. */
typedef enum
{
  HF_BRAIINS_NONE,
  HF_BRAIINS_BOSMINER,   /* bosminer / BOSminer+ (up to 22.08): 4028 pause and resume */
  HF_BRAIINS_BOSER,      /* BOSer (22.08 and later): writes through gRPC or REST only */
} HfBraiinsDaemon;

/* The daemon a `version` reply names ("BOSminer", "bOSminer", "BOSer",
 * without regard to case, as a VERSION key or in STATUS Description). */
HfBraiinsDaemon hf_braiins_daemon_of        (JsonObject  *version_reply);
/* "Braiins OS+ 0.6.0-fe72abe5", "Braiins OS (BOSer 0.1.0-45f356ea)"… from
 * a `version` reply, or NULL when it is not Braiins. */
char           *hf_braiins_firmware_name    (JsonObject  *version_reply);
/* Family, model (devdetails Model without "Bitmain ") and firmware. */
gboolean        hf_braiins_parse_identity   (JsonObject  *version_reply,
                                             JsonObject  *devdetails_reply,
                                             HfMiner     *miner,
                                             GError     **error);
/* A reading of `summary` and the optional devs, temps, fans, tunerstatus
 * and pools replies (each may be NULL). */
HfReading      *hf_braiins_parse_reading    (JsonObject  *summary_reply,
                                             JsonObject  *devs_reply,
                                             JsonObject  *temps_reply,
                                             JsonObject  *fans_reply,
                                             JsonObject  *tunerstatus_reply,
                                             JsonObject  *pools_reply,
                                             GError     **error);
/* The parts, for the conformance tests. */
void            hf_braiins_read_devs        (JsonObject  *devs_reply,
                                             HfReading   *reading);
void            hf_braiins_read_temps       (JsonObject  *temps_reply,
                                             HfReading   *reading);
void            hf_braiins_read_fans        (JsonObject  *fans_reply,
                                             HfReading   *reading);
void            hf_braiins_read_tunerstatus (JsonObject  *tunerstatus_reply,
                                             HfReading   *reading);

/* REST API (25.07+): the token of a POST auth/login answer, or NULL with
 * an error (HF_ERROR_PROTOCOL) when it has none fit for a header. */
char           *hf_braiins_rest_token       (const char  *body,
                                             gsize        len,
                                             GError     **error);
/* GET miner/details: the machine ("Antminer S19 XP"), the firmware
 * ("Braiins OS+ 2025-08-06-0-3881c51d-25.07-plus") and whether it is
 * paused (status 3, MINER_STATUS_PAUSED); FALSE with an error for an
 * answer that is not such an object. */
gboolean        hf_braiins_rest_details     (const char  *body,
                                             gsize        len,
                                             char       **model,
                                             char       **firmware,
                                             gboolean    *paused,
                                             GError     **error);

G_END_DECLS
