/* hf-http.c
 * SPDX-License-Identifier: MIT
 */

#include <string.h>

#include <libsoup/soup.h>

#include "config.h"

#include "hf-deadline.h"
#include "hf-error.h"
#include "hf-http.h"
#include "hf-json.h"
#include "hf-limits.h"

typedef struct
{
  SoupSession  *session;
  SoupMessage  *msg;
  char         *peer;
  char         *user;
  char         *password;
  char         *refused;     /* the scheme of a challenge left unanswered */
  gsize         max_bytes;
  HfDeadline   *deadline;
  GInputStream *body;
  GByteArray   *reply;
  guint8       *chunk;
  goffset       length;
  guint         status;
  guint         connect_ms;
  gboolean      any_status;  /* an upload: every answer's body is returned */
  HfHttpProgress progress;
  gpointer      progress_data;
  guint64       sent;
  guint64       total;
} Request;

static SoupSession *session;
static guint        session_requests;
static guint        requests_in_flight;
/* host:port → checksum of the credentials last sent there (see below). */
static GHashTable *credentials_used;

/* libsoup keeps a record of every host it talked to for five minutes after
 * that host's last connection closed, each with a timeout GSource on the
 * main context: with a thousand miners, a thousand sources that every pass
 * of the main loop walks twice — a quarter or more of a poll cycle's CPU.
 * Hashfleet keeps no connection alive, so it lets a session serve a few
 * dozen requests and then starts a new one; the old one goes (with its
 * records) once its last request has ended, and none is kept while no
 * request is in flight.  The auth cache then starts empty, which costs a
 * settings write one more 401. */
#define REQUESTS_PER_SESSION 32
/* Of a reason phrase in an error message. */
#define MAX_REASON_CHARS 128

/* An upload (a firmware image) may not stall longer than this between two
 * pieces of its body taken by the device: an ESP32 erases the whole target
 * partition before it reads on (ESP-IDF's esp_ota_begin() with an unknown
 * size, AxeOS's OTAWWW), up to tens of seconds for 4 MiB. */
#define UPLOAD_STALL_MS  90000
/* Once the whole body is sent: the device checks the image and answers
 * (esp_ota_end() verifies it: seconds). */
#define UPLOAD_ANSWER_MS 60000

static void
request_ended (void)
{
  if (--requests_in_flight == 0)
    g_clear_object (&session);
}

static void
request_free (gpointer data)
{
  Request *r = data;

  /* The upload's signals point at @r, which goes now. */
  if (r->msg != NULL)
    g_signal_handlers_disconnect_by_data (r->msg, r);
  g_clear_object (&r->msg);
  g_clear_object (&r->session);
  g_free (r->peer);
  g_free (r->user);
  g_free (r->password);
  g_free (r->refused);
  g_clear_pointer (&r->deadline, hf_deadline_free);
  if (r->body != NULL)
    g_input_stream_close (r->body, NULL, NULL);
  g_clear_object (&r->body);
  g_clear_pointer (&r->reply, g_byte_array_unref);
  g_free (r->chunk);
  g_free (r);
  request_ended ();
}

gpointer
hf_http_get_session (void)
{
  if (session == NULL)
    {
      /* Enough connections for a large fleet polled in parallel, but
       * never more than two to one little ESP32 (per session: a miner
       * polled one request at a time stays within it).  No libsoup
       * timeouts: every phase of every request has its own HfDeadline,
       * and libsoup's socket timeouts only add bookkeeping to each
       * socket operation and wait (AxeOS-only cycle CPU 591-611 ms
       * against 614-660 ms with them, alternating binaries). */
      session = soup_session_new_with_options ("max-conns", 1024,
                                               "max-conns-per-host", 2,
                                               "user-agent", "Hashfleet/" PACKAGE_VERSION,
                                               "proxy-resolver", NULL,
                                               "timeout", 0,
                                               "idle-timeout", 0,
                                               NULL);
      session_requests = 0;
    }
  return session;
}

static void
request_return_error (GTask  *task,
                      GError *error)
{
  Request *r = g_task_get_task_data (task);

  error = hf_deadline_propagate (r->deadline, error);
  if (error->domain != HF_ERROR)
    {
      GError *wrapped;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        wrapped = g_error_copy (error);
      else
        wrapped = hf_error_new_connect (r->peer, error);
      g_error_free (error);
      error = wrapped;
    }
  else if (!g_str_has_prefix (error->message, r->peer)
           && !g_str_has_suffix (error->message, r->peer)
           && strstr (error->message, r->peer) == NULL)
    g_prefix_error (&error, "%s: ", r->peer);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void read_next (GTask *task);

static void
return_body (GTask *task)
{
  Request *r = g_task_get_task_data (task);

  hf_deadline_end (r->deadline);
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&r->reply)),
                         (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

/* Takes n bytes from r->chunk.  TRUE when the task has ended (error, or
 * the whole body: EOF, or all the Content-Length said). */
static gboolean
take_chunk (GTask *task,
            gssize n)
{
  Request *r = g_task_get_task_data (task);

  if (n == 0)
    {
      return_body (task);
      return TRUE;
    }
  if (r->reply->len + (gsize) n > r->max_bytes)
    {
      request_return_error (task, g_error_new (HF_ERROR, HF_ERROR_TOO_LARGE,
                                               "%s: HTTP body larger than %" G_GSIZE_FORMAT
                                               " bytes", r->peer, r->max_bytes));
      return TRUE;
    }
  g_byte_array_append (r->reply, r->chunk, (guint) n);
  if (r->length > 0 && r->reply->len >= (guint64) r->length)
    {
      return_body (task);
      return TRUE;
    }
  return FALSE;
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      request_return_error (task, error);
      return;
    }
  if (!take_chunk (task, n))
    read_next (task);
}

/* What libsoup has already buffered is taken without a pass through the
 * main loop (an asynchronous read that can complete at once still costs
 * a GTask and an idle dispatch); only a read that would block waits
 * asynchronously.  A body whose Content-Length has arrived in full ends
 * there, without one more read for the end of the stream. */
static void
read_next (GTask *task)
{
  Request *r = g_task_get_task_data (task);

  if (G_IS_POLLABLE_INPUT_STREAM (r->body)
      && g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (r->body)))
    {
      for (;;)
        {
          GError *error = NULL;
          gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (r->body),
                                                               r->chunk, HF_READ_CHUNK_BYTES,
                                                               NULL, &error);

          if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_error_free (error);
              break;
            }
          if (n < 0)
            {
              request_return_error (task, error);
              return;
            }
          if (take_chunk (task, n))
            return;
        }
    }

  g_input_stream_read_async (r->body, r->chunk, HF_READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                             hf_deadline_get_cancellable (r->deadline), read_cb, task);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);
  GError *error = NULL;
  goffset length;

  r->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (r->body == NULL)
    {
      request_return_error (task, error);
      return;
    }

  r->status = soup_message_get_status (r->msg);
  if (r->status == 401 && r->refused != NULL)
    {
      request_return_error (task, g_error_new (HF_ERROR, HF_ERROR_AUTH,
                                               "%s: device asked for HTTP %s authentication; "
                                               "Hashfleet only sends passwords with HTTP "
                                               "Digest, so it sent none (HTTP 401)",
                                               r->peer, r->refused));
      return;
    }
  if ((r->status < 200 || r->status >= 300) && !r->any_status)
    {
      int code = r->status == 401 || r->status == 403 ? HF_ERROR_AUTH : HF_ERROR_PROTOCOL;
      /* The device's words: no escape sequences or forged lines in the
       * message, and not a page of them. */
      g_autofree char *reason = hf_json_clean_text (soup_message_get_reason_phrase (r->msg),
                                                    MAX_REASON_CHARS);

      request_return_error (task, g_error_new (HF_ERROR, code, "%s: HTTP %u %s", r->peer,
                                               r->status, reason ? reason : ""));
      return;
    }

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (r->msg));
  r->length = length;
  if (length > 0 && (guint64) length > r->max_bytes)
    {
      request_return_error (task, g_error_new (HF_ERROR, HF_ERROR_TOO_LARGE,
                                               "%s: HTTP body of %" G_GINT64_FORMAT
                                               " bytes is over the %" G_GSIZE_FORMAT
                                               "-byte cap", r->peer, (gint64) length,
                                               r->max_bytes));
      return;
    }

  hf_deadline_begin (r->deadline, "reading the HTTP body from", NULL, 0);
  read_next (task);
}

/* libsoup hides the connect inside send(); its network events let the
 * connect phase have its own, shorter deadline when a new connection is
 * made (a kept-alive one emits none). */
static void
network_event_cb (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);

  if (event == G_SOCKET_CLIENT_RESOLVING)
    hf_deadline_begin (r->deadline, "connecting to", NULL, r->connect_ms);
  else if (event == G_SOCKET_CLIENT_COMPLETE && r->any_status)
    hf_deadline_begin (r->deadline, "sending the body to", NULL, UPLOAD_STALL_MS);
  else if (event == G_SOCKET_CLIENT_COMPLETE)
    hf_deadline_begin (r->deadline, "waiting for the HTTP answer from", NULL, 0);
}

static gboolean
authenticate_cb (SoupMessage *msg,
                 SoupAuth    *auth,
                 gboolean     retrying,
                 gpointer     user_data)
{
  Request *r = user_data;

  if (r->user == NULL)
    return FALSE;
  /* Only Digest: Basic puts the password itself on the wire (base64 is
   * no cipher), to anything on the LAN that claims to be a miner and
   * asks.  No proxy is used, so a proxy challenge is not ours to answer
   * (libsoup would keep proxy credentials for every later request). */
  if (soup_auth_is_for_proxy (auth)
      || g_ascii_strcasecmp (soup_auth_get_scheme_name (auth), "Digest") != 0)
    {
      g_free (r->refused);
      r->refused = g_strdup (soup_auth_get_scheme_name (auth));
      return FALSE;
    }
  /* One try: a wrong password must end as 401, not loop. */
  if (retrying)
    return FALSE;
  soup_auth_authenticate (auth, r->user, r->password ? r->password : "");
  return TRUE;
}

/* libsoup's auth manager caches credentials per session and reuses them
 * without asking, so a request made with other credentials than the last
 * one to that host would silently use the old ones.  Forget the cache
 * when the credentials for a host change (rare: a user edits them). */
static void
note_credentials (const char *peer,
                  const char *user,
                  const char *password)
{
  g_autofree char *both = g_strdup_printf ("%s\n%s", user, password ? password : "");
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, both, -1);
  const char *last;

  if (credentials_used == NULL)
    credentials_used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  last = g_hash_table_lookup (credentials_used, peer);
  if (last != NULL && !g_str_equal (last, digest))
    {
      SoupSessionFeature *manager = soup_session_get_feature (hf_http_get_session (),
                                                              SOUP_TYPE_AUTH_MANAGER);
      if (manager != NULL)
        soup_auth_manager_clear_cached_credentials (SOUP_AUTH_MANAGER (manager));
    }
  g_hash_table_replace (credentials_used, g_strdup (peer), g_steal_pointer (&digest));
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    gpointer     user_data)
{
  Request *r = user_data;

  r->sent += chunk_size;
  hf_deadline_begin (r->deadline, "sending the body to", NULL, UPLOAD_STALL_MS);
  if (r->progress != NULL)
    r->progress (MIN (r->sent, r->total), r->total, r->progress_data);
}

static void
wrote_body_cb (SoupMessage *msg,
               gpointer     user_data)
{
  Request *r = user_data;

  hf_deadline_begin (r->deadline, "waiting for the HTTP answer from", NULL, UPLOAD_ANSWER_MS);
}

static void
request_start (GTask               *task,
               const char          *method,
               const char          *host,
               guint16              port,
               const char          *path,
               GBytes              *body,
               const char          *content_type,
               const char          *user,
               const char          *password,
               const char          *header,
               const char          *header_value,
               const HfConfig      *config,
               gint64               deadline_us,
               GCancellable        *cancellable,
               HfHttpProgress       progress,
               gpointer             progress_data)
{
  g_autoptr(GUri) uri = NULL;
  Request *r;

  r = g_new0 (Request, 1);
  r->peer = strchr (host, ':') ? g_strdup_printf ("[%s]:%u", host, port)
                               : g_strdup_printf ("%s:%u", host, port);
  r->user = g_strdup (user);
  r->password = g_strdup (password);
  r->max_bytes = config->max_reply_bytes;
  r->connect_ms = config->connect_timeout_ms;
  r->reply = g_byte_array_new ();
  r->chunk = g_malloc (HF_READ_CHUNK_BYTES);
  r->any_status = content_type != NULL;      /* an upload */
  r->progress = progress;
  r->progress_data = progress_data;
  r->total = body != NULL ? g_bytes_get_size (body) : 0;
  g_task_set_task_data (task, r, request_free);
  requests_in_flight++;

  uri = g_uri_build (G_URI_FLAGS_NONE, "http", NULL, host, port, path, NULL, NULL);
  r->msg = soup_message_new_from_uri (method, uri);
  if (r->msg == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID, "bad address %s", r->peer);
      g_object_unref (task);
      return;
    }
  soup_message_add_flags (r->msg, SOUP_MESSAGE_NO_REDIRECT);
  if (user != NULL)
    note_credentials (r->peer, user, password);
  soup_message_headers_replace (soup_message_get_request_headers (r->msg), "Accept",
                                "application/json");
  /* No keep-alive: at one request per miner per interval a kept
   * connection saves nothing (an ESP32 drops it anyway), and libsoup
   * checks every idle connection of the session before each request,
   * which with hundreds of miners made a poll cycle quadratic. */
  soup_message_headers_replace (soup_message_get_request_headers (r->msg), "Connection",
                                "close");
  if (header != NULL && header_value != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (r->msg), header,
                                  header_value);
  /* From bytes: libsoup sends a Content-Length, never chunks. */
  if (body != NULL)
    soup_message_set_request_body_from_bytes (r->msg,
                                              content_type ? content_type : "application/json",
                                              body);
  if (r->any_status)
    {
      g_signal_connect (r->msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), r);
      g_signal_connect (r->msg, "wrote-body", G_CALLBACK (wrote_body_cb), r);
    }
  g_signal_connect (r->msg, "authenticate", G_CALLBACK (authenticate_cb), r);
  g_signal_connect (r->msg, "network-event", G_CALLBACK (network_event_cb), task);

  r->deadline = hf_deadline_new (cancellable, deadline_us);
  hf_deadline_begin (r->deadline, "waiting for the HTTP answer from", r->peer, 0);

  if (session_requests >= REQUESTS_PER_SESSION)
    g_clear_object (&session);
  r->session = g_object_ref (hf_http_get_session ());
  session_requests++;
  soup_session_send_async (r->session, r->msg, G_PRIORITY_DEFAULT,
                           hf_deadline_get_cancellable (r->deadline), send_cb, task);
}

/* A request: with Digest credentials (@user), or one header of the
 * caller's (@header, a token), or neither. */
static void
request_with_header (const char          *method,
                     const char          *host,
                     guint16              port,
                     const char          *path,
                     GBytes              *body,
                     const char          *user,
                     const char          *password,
                     const char          *header,
                     const char          *header_value,
                     const HfConfig      *config,
                     gint64               deadline_us,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (method != NULL);
  g_return_if_fail (host != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (config != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_http_request_async);
  g_task_set_name (task, "hf_http_request");
  /* A header value with a line break would be a second header.  It may
   * come from a device (a token): an error, not a caller left waiting. */
  if (header_value != NULL && strpbrk (header_value, "\r\n") != NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                               "%s: the %s header would have a line break in it; not sent",
                               host, header);
      g_object_unref (task);
      return;
    }
  request_start (task, method, host, port, path, body, NULL, user, password, header,
                 header_value, config, deadline_us, cancellable, NULL, NULL);
}

void
hf_http_request_async (const char          *method,
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
                       gpointer             user_data)
{
  request_with_header (method, host, port, path, body, user, password, NULL, NULL, config,
                       deadline_us, cancellable, callback, user_data);
}

void
hf_http_request_header_async (const char          *method,
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
                              gpointer             user_data)
{
  g_return_if_fail (header != NULL && header_value != NULL);
  request_with_header (method, host, port, path, body, NULL, NULL, header, header_value,
                       config, deadline_us, cancellable, callback, user_data);
}

void
hf_http_request_bearer_async (const char          *method,
                              const char          *host,
                              guint16              port,
                              const char          *path,
                              GBytes              *body,
                              const char          *token,
                              const HfConfig      *config,
                              gint64               deadline_us,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *value = token != NULL ? g_strdup_printf ("Bearer %s", token) : NULL;

  request_with_header (method, host, port, path, body, NULL, NULL,
                       value ? "Authorization" : NULL, value, config, deadline_us, cancellable,
                       callback, user_data);
}

void
hf_http_upload_async (const char          *host,
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
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (host != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (body != NULL);
  g_return_if_fail (content_type != NULL);
  g_return_if_fail (config != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_http_upload_async);
  g_task_set_name (task, "hf_http_upload");
  request_start (task, "POST", host, port, path, body, content_type, NULL, NULL, NULL, NULL,
                 config, deadline_us, cancellable, progress, progress_data);
}

GBytes *
hf_http_upload_finish (GAsyncResult  *result,
                       guint         *status,
                       GError       **error)
{
  return hf_http_request_finish (result, status, error);
}

GBytes *
hf_http_request_finish (GAsyncResult  *result,
                        guint         *status,
                        GError       **error)
{
  Request *r;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  r = g_task_get_task_data (G_TASK (result));
  if (status != NULL)
    *status = r->status;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hf_http_request_done_boolean (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = hf_http_request_finish (result, NULL, &error);

  if (body == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}
