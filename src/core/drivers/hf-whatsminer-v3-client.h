/* hf-whatsminer-v3-client.h — one request over the Whatsminer API v3 (TCP 4433)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hf-config.h"

G_BEGIN_DECLS

/* Connect to @host:@port, send @request (a JSON text) as one frame, read
 * frames until a non-empty one (heartbeats are skipped), and parse it with
 * hf_whatsminer_v3_parse_reply(): the result is the reply of code 0, or an
 * error that says what the code means.  The connect phase is capped at
 * config->connect_timeout_ms, every phase ends by @deadline_us (monotonic),
 * a frame longer than config->max_reply_bytes is refused from its header.
 * Never blocks. */
void        hf_whatsminer_v3_request_async  (const char          *host,
                                             guint16              port,
                                             const char          *request,
                                             const HfConfig      *config,
                                             gint64               deadline_us,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
JsonObject *hf_whatsminer_v3_request_finish (GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
