/* hf-identify.h — what is at this address?
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hf-driver.h"

G_BEGIN_DECLS

/* Probe @address for every family at once (AxeOS over HTTP, the cgminer
 * families on their port, Whatsminer API v3 on config->whatsminer_v3_port) and identify whatever answers.  The result is a
 * new #HfMiner.  Errors: HF_ERROR_NOT_A_MINER when something answered but
 * is not a miner ("… is a web server but not a miner"), HF_ERROR_CONNECT
 * or HF_ERROR_TIMEOUT when nothing did.  Ends within config->timeout_ms.
 * The miner returned is online (it just answered). */
void      hf_identify_async  (const char          *address,
                              const HfConfig      *config,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
HfMiner  *hf_identify_finish (GAsyncResult        *result,
                              GError             **error);

/* The family a `version` reply from port 4028 points to (UNKNOWN when the
 * reply does not look like cgminer; CGMINER when it does but names no
 * family we know; WHATSMINER only when it says btminer). */
HfFamily  hf_identify_classify_version (JsonObject *version_reply);

G_END_DECLS
