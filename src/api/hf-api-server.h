/* hf-api-server.h — the opt-in local HTTP API and Prometheus metrics
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-session.h"

G_BEGIN_DECLS

/* Largest request body the API reads. */
#define HF_API_MAX_BODY_BYTES      (16 * 1024)
/* A new scan at most this often (s); one at a time. */
#define HF_API_DISCOVER_EVERY_S    10
/* A miner restarted through the API at most this often (s). */
#define HF_API_RESTART_EVERY_S     60
/* Finished discover jobs kept for GET /api/discover/<id>. */
#define HF_API_MAX_JOBS            16
/* Connections served at once; any beyond are closed as they come. */
#define HF_API_MAX_CONNECTIONS     64
/* A connection idle, or still sending its request, this long (s) is
 * dropped; so is one whose answer has not moved for as long. */
#define HF_API_IDLE_TIMEOUT_S      10
/* The shortest token accepted for a listener beyond loopback. */
#define HF_API_MIN_TOKEN_CHARS     16
/* Wrong tokens one client address may send within the window (s); more
 * are answered 429 without being compared. */
#define HF_API_MAX_AUTH_FAILURES   5
#define HF_API_AUTH_WINDOW_S       60

#define HF_TYPE_API_SERVER (hf_api_server_get_type ())
G_DECLARE_FINAL_TYPE (HfApiServer, hf_api_server, HF, API_SERVER, GObject)

/* Serves @session's fleet from memory (no request ever waits on a miner)
 * and its store's history and energy (at the session's tariff); discover,
 * restart and remove go through the session, as the app's and the CLI's
 * do. */
HfApiServer *hf_api_server_new        (HfSession      *session);
/* The bearer token requests must carry (NULL: none; then only loopback
 * binds are allowed, and write endpoints are refused).  Set it before
 * hf_api_server_listen(), which checks its length. */
void         hf_api_server_set_token  (HfApiServer    *self,
                                       const char     *token);
/* Listen on @listen ("127.0.0.1:8080", "[::1]:8080", "0.0.0.0:8080").
 * Anything but a loopback address needs a token of at least
 * HF_API_MIN_TOKEN_CHARS characters. */
gboolean     hf_api_server_listen     (HfApiServer    *self,
                                       const char     *listen,
                                       GError        **error);
/* The idle limit and the failed-token window above, in ms (tests
 * shorten them). */
void         hf_api_server_set_idle_timeout (HfApiServer *self,
                                             guint        timeout_ms);
void         hf_api_server_set_auth_window  (HfApiServer *self,
                                             guint        window_ms);
/* The port actually bound (for ":0"). */
guint16      hf_api_server_get_port   (HfApiServer    *self);
void         hf_api_server_disconnect (HfApiServer    *self);

/* A new random token: 32 bytes, URL-safe base64. */
char        *hf_api_token_generate    (void);
/* Constant-time comparison of two tokens. */
gboolean     hf_api_token_equal       (const char     *a,
                                       const char     *b);

G_END_DECLS
