/* hf-http.h — one HTTP request to a miner, capped and deadlined
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-config.h"

G_BEGIN_DECLS

/* The shared libsoup session of this thread's main context (made anew
 * after every moment without a request in flight; see hf-http.c). */
gpointer  hf_http_get_session    (void);

/* @method @path on http://@host:@port with an optional JSON @body.  With
 * @user set, an HTTP Digest challenge is answered once with
 * @user/@password; any other scheme (Basic) is refused, and the 401 is an
 * HF_ERROR_AUTH that says so.  Credentials are never sent unasked, nor in
 * the URL.  Redirects are not followed, no proxy is used, no Origin header
 * is sent.  The body is read up to config->max_reply_bytes. */
void      hf_http_request_async  (const char          *method,
                                  const char          *host,
                                  guint16              port,
                                  const char          *path,
                                  GBytes              *body,
                                  const char          *user,
                                  const char          *password,
                                  const HfConfig      *config,
                                  gint64               deadline_us,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* The same with an "Authorization: Bearer @token" header (@token may be
 * NULL: none) instead of Digest credentials, for a firmware whose API
 * hands out tokens (VNish /api/v1/unlock). */
void      hf_http_request_bearer_async (const char          *method,
                                        const char          *host,
                                        guint16              port,
                                        const char          *path,
                                        GBytes              *body,
                                        const char          *token,
                                        const HfConfig      *config,
                                        gint64               deadline_us,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* The same without Digest, with one request header of the caller's (an
 * API token: "Authorization: <token>"); the token is sent to this
 * host:port only, never to a redirect. */
void      hf_http_request_header_async (const char          *method,
                                        const char          *host,
                                        guint16              port,
                                        const char          *path,
                                        GBytes              *body,
                                        const char          *header,
                                        const char          *header_value,
                                        const HfConfig      *config,
                                        gint64               deadline_us,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* The body of a 2xx answer.  Any other status is an error: HF_ERROR_AUTH
 * for 401/403, HF_ERROR_PROTOCOL otherwise; @status gets the code either
 * way (0 when no answer came). */
GBytes   *hf_http_request_finish (GAsyncResult        *result,
                                  guint               *status,
                                  GError             **error);

/* A GAsyncReadyCallback for hf_http_request_async() whose @user_data is a
 * GTask (taken): it returns TRUE on the task for any 2xx answer, else the
 * error.  For writes whose body says nothing (restart, PATCH, CGI). */
void      hf_http_request_done_boolean (GObject             *source,
                                        GAsyncResult        *result,
                                        gpointer             user_data);

/* Upload progress: @sent of @total body bytes written to the socket. */
typedef void (*HfHttpProgress) (guint64  sent,
                                guint64  total,
                                gpointer user_data);

/* POST @body (raw bytes, sent with a Content-Length, never chunked) as
 * @content_type to http://@host:@port@path, with @deadline_us (monotonic)
 * for the whole exchange: for a firmware image, give a long one; within it
 * the body may stall at most 90 s between two pieces (the device erasing
 * flash), and the answer may take 60 s once the body is sent.  No
 * credentials.  @progress (may be NULL) is called as the body goes out.
 * Unlike hf_http_request_async(), the answer's body (capped at
 * config->max_reply_bytes) is returned whatever its status: the caller
 * reads the device's words on an error status. */
void      hf_http_upload_async   (const char          *host,
                                  guint16              port,
                                  const char          *path,
                                  GBytes              *body,
                                  const char          *content_type,
                                  const HfConfig      *config,
                                  gint64               deadline_us,
                                  HfHttpProgress       progress,
                                  gpointer             progress_data,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* The answer's body for any status; @status gets the code.  An error only
 * when no whole answer came (connect, timeout, reset, cap). */
GBytes   *hf_http_upload_finish  (GAsyncResult        *result,
                                  guint               *status,
                                  GError             **error);

G_END_DECLS
