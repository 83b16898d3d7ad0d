/* hf-vnish.c — VNish / AnthillOS over its web API (/api/v1/…, libsoup)
 * SPDX-License-Identifier: MIT
 *
 * /api/v1/info and /api/v1/status need no login; the rest may (summary,
 * perf-summary) or must (writes, presets).  A login is POST /api/v1/unlock
 * with the web password, which answers a token sent as "Authorization:
 * Bearer".  The driver keeps one token per miner (at most
 * HF_VNISH_MAX_TOKENS), sends it where it has one, and logs in again once
 * when the miner answers 401 (the token's lifetime is the firmware's).
 * Neither the password nor a token is ever logged or put in an error.
 *
 * "Restart" reboots the machine (POST /api/v1/system/reboot), as it does
 * for every other family (the Antminer's reboot.cgi, AxeOS's restart); the
 * mining process alone is restarted only to apply a preset that asks for
 * it (POST /api/v1/mining/restart).
 */
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-http.h"
#include "hf-json.h"
#include "hf-vnish-parse.h"
#include "hf-vnish.h"

#define DEFAULT_PASSWORD "admin"

struct _HfVnishDriver
{
  GObject     parent_instance;

  GHashTable *tokens;        /* "host:port" → token */
};

static void driver_iface_init (HfDriverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HfVnishDriver, hf_vnish_driver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HF_TYPE_DRIVER, driver_iface_init))

typedef enum
{
  AUTH_NONE,        /* the endpoint needs no login */
  AUTH_OPTIONAL,    /* a token if there is one; log in on a 401 */
  AUTH_REQUIRED,    /* log in first if there is no token */
} Auth;

/* ---- one exchange, logged in as needed -------------------------------- */

typedef struct
{
  char     *address;
  guint16   port;
  char     *key;            /* the token table's key */
  char     *method;
  char     *path;
  GBytes   *body;
  HfConfig *config;
  gint64    deadline;
  Auth      auth;
  gboolean  unlocked;       /* logged in during this call: no second try */
} Call;

static void
call_free (gpointer data)
{
  Call *c = data;

  g_free (c->address);
  g_free (c->key);
  g_free (c->method);
  g_free (c->path);
  g_clear_pointer (&c->body, g_bytes_unref);
  hf_config_unref (c->config);
  g_free (c);
}

static void call_send (GTask *task);

static void
forget_token (HfVnishDriver *self,
              const char    *key)
{
  g_hash_table_remove (self->tokens, key);
}

static void
keep_token (HfVnishDriver *self,
            const char    *key,
            char          *token)
{
  if (!g_hash_table_contains (self->tokens, key)
      && g_hash_table_size (self->tokens) >= HF_VNISH_MAX_TOKENS)
    {
      /* Full: drop any one; that miner logs in again when next asked. */
      GHashTableIter iter;
      gpointer old;

      g_hash_table_iter_init (&iter, self->tokens);
      if (g_hash_table_iter_next (&iter, &old, NULL))
        g_hash_table_iter_remove (&iter);
    }
  g_hash_table_replace (self->tokens, g_strdup (key), token);
}


/* A token goes into a header as it came: whole (a JWT is often longer
 * than a device's names, which are cut at 256 characters), within 8 KiB,
 * and visible ASCII only (a control character would break the header). */
static gboolean
token_is_sane (const char *token)
{
  gsize len = token ? strlen (token) : 0;

  if (len == 0 || len > 8192)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (token[i] < 0x21 || token[i] > 0x7e)
      return FALSE;
  return TRUE;
}

static void
unlock_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  HfVnishDriver *self = g_task_get_source_object (task);
  Call *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *token = NULL;
  guint status = 0;

  body = hf_http_request_finish (result, &status, &error);
  if (body == NULL)
    {
      if (status == 403)
        g_task_return_new_error (task, HF_ERROR, HF_ERROR_AUTH,
                                 "%s: wrong VNish password (set it in Preferences or with "
                                 "--vnish-password; the factory one is “admin”)", c->address);
      else if (status == 429)
        g_task_return_new_error (task, HF_ERROR, HF_ERROR_AUTH,
                                 "%s: VNish refuses logins for now: too many attempts, wait "
                                 "a few minutes before trying again", c->address);
      else if (status == 401)
        g_task_return_new_error (task, HF_ERROR, HF_ERROR_AUTH,
                                 "%s: VNish refused the login (HTTP 401)", c->address);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  reply = hf_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  token = reply ? g_strdup (hf_json_string (reply, "token")) : NULL;
  if (!token_is_sane (token))
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_PROTOCOL,
                               "%s: VNish /api/v1/unlock answered without a token", c->address);
      g_object_unref (task);
      return;
    }
  g_debug ("%s: logged in to VNish", c->address);
  keep_token (self, c->key, g_steal_pointer (&token));
  c->unlocked = TRUE;
  call_send (task);
}

static void
call_unlock (GTask *task)
{
  Call *c = g_task_get_task_data (task);
  const char *password = c->config->vnish_password ? c->config->vnish_password
                                                   : DEFAULT_PASSWORD;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pw");
  json_builder_add_string_value (b, password);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  {
    g_autoptr(GBytes) body = g_bytes_new_take (text, strlen (text));

    hf_http_request_async ("POST", c->address, c->port, "/api/v1/unlock", body, NULL, NULL,
                           c->config, c->deadline, g_task_get_cancellable (task), unlock_cb,
                           task);
  }
}

static void
call_sent_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  HfVnishDriver *self = g_task_get_source_object (task);
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *body;
  guint status = 0;

  body = hf_http_request_finish (result, &status, &error);
  if (body != NULL)
    {
      g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return;
    }
  if (status == 401 && c->auth != AUTH_NONE)
    {
      forget_token (self, c->key);
      if (!c->unlocked)
        {
          g_clear_error (&error);
          call_unlock (task);
          return;
        }
      g_clear_error (&error);
      error = g_error_new (HF_ERROR, HF_ERROR_AUTH,
                           "%s: VNish refused a token it had just given (HTTP 401 on %s)",
                           c->address, c->path);
    }
  else if (status == 403 && c->auth != AUTH_NONE)
    {
      g_clear_error (&error);
      error = g_error_new (HF_ERROR, HF_ERROR_AUTH,
                           "%s: VNish forbids %s to this login (HTTP 403)", c->address, c->path);
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
call_send (GTask *task)
{
  HfVnishDriver *self = g_task_get_source_object (task);
  Call *c = g_task_get_task_data (task);
  const char *token = c->auth != AUTH_NONE ? g_hash_table_lookup (self->tokens, c->key) : NULL;

  if (token == NULL && c->auth == AUTH_REQUIRED && !c->unlocked)
    {
      call_unlock (task);
      return;
    }
  hf_http_request_bearer_async (c->method, c->address, c->port, c->path, c->body, token,
                                c->config, c->deadline, g_task_get_cancellable (task),
                                call_sent_cb, task);
}

/* @method @path on the miner's web API; the result is the body of a 2xx
 * answer (GBytes, through g_task_propagate_pointer()). */
static void
call_async (HfVnishDriver       *self,
            const char          *address,
            guint16              port,
            const char          *method,
            const char          *path,
            GBytes              *body,
            Auth                 auth,
            const HfConfig      *config,
            gint64               deadline,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *c = g_new0 (Call, 1);

  g_task_set_source_tag (task, call_async);
  g_task_set_name (task, "hf_vnish_call");
  c->address = g_strdup (address);
  c->port = port;
  c->key = g_strdup_printf ("%s:%u", address, port);
  c->method = g_strdup (method);
  c->path = g_strdup (path);
  c->body = body ? g_bytes_ref (body) : NULL;
  c->config = hf_config_copy (config);
  c->deadline = deadline;
  c->auth = auth;
  g_task_set_task_data (task, c, call_free);
  call_send (task);
}

static GBytes *
call_finish (GAsyncResult  *result,
             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonObject *
finish_object (GAsyncResult  *result,
               GError       **error)
{
  g_autoptr(GBytes) body = call_finish (result, error);

  if (body == NULL)
    return NULL;
  return hf_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), error);
}

static GBytes *
json_body (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  char *text = json_to_string (root, FALSE);

  return g_bytes_new_take (text, strlen (text));
}

/* ---- operations --------------------------------------------------------- */

typedef struct
{
  char            *address;
  guint16          port;
  HfConfig        *config;
  gint64           deadline;
  HfMiner         *miner;
  JsonObject      *info;
  JsonObject      *summary;
  JsonObject      *perf;
  HfMinerSettings *settings;
  char            *preset;       /* the preset a write sends */
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_free (op->address);
  hf_config_unref (op->config);
  g_clear_object (&op->miner);
  g_clear_pointer (&op->info, json_object_unref);
  g_clear_pointer (&op->summary, json_object_unref);
  g_clear_pointer (&op->perf, json_object_unref);
  g_clear_pointer (&op->settings, hf_miner_settings_free);
  g_free (op->preset);
  g_free (op);
}

static guint16
miner_http_port (HfMiner        *miner,
                 const HfConfig *config)
{
  guint16 port = miner ? hf_miner_get_http_port (miner) : 0;
  return port != 0 ? port : config->http_port;
}

static GTask *
op_task (HfDriver            *driver,
         gpointer             source_tag,
         const char          *name,
         HfMiner             *miner,
         const char          *address,
         const HfConfig      *config,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  op->address = g_strdup (miner ? hf_miner_get_address (miner) : address);
  op->port = miner_http_port (miner, config);
  op->config = hf_config_copy (config);
  op->deadline = hf_config_deadline (config);
  op->miner = miner ? g_object_ref (miner) : NULL;
  g_task_set_task_data (task, op, op_free);
  return task;
}

/* identify: GET /api/v1/info */

static void
identify_info_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(HfMiner) miner = NULL;
  guint status = 0;

  body = hf_http_request_finish (result, &status, &error);
  if (body == NULL)
    {
      if (status != 0 && g_error_matches (error, HF_ERROR, HF_ERROR_PROTOCOL))
        g_task_return_new_error (task, HF_ERROR, HF_ERROR_NOT_A_MINER,
                                 "%s names VNish on its cgminer API, but its web API on port "
                                 "%u does not answer /api/v1/info (HTTP %u)", op->address,
                                 op->port, status);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  info = hf_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  miner = hf_miner_new (op->address, HF_FAMILY_VNISH);
  if (info == NULL || !hf_vnish_parse_identity (info, miner, &error))
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_NOT_A_MINER,
                               "%s: /api/v1/info is not VNish's (%s)", op->address,
                               error->message);
      return;
    }
  hf_miner_set_http_port (miner, op->port);
  hf_miner_set_cgminer_port (miner, op->config->cgminer_port);
  g_task_return_pointer (task, g_steal_pointer (&miner), g_object_unref);
}

static void
vnish_identify_async (HfDriver            *driver,
                      const char          *address,
                      const HfConfig      *config,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = op_task (driver, vnish_identify_async, "hf_vnish_identify", NULL, address,
                         config, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  hf_http_request_async ("GET", op->address, op->port, "/api/v1/info", NULL, NULL, NULL,
                         op->config, op->deadline, cancellable, identify_info_cb, task);
}

/* poll: info, summary, perf-summary (optional), status (for a failure) */

static void
poll_return (GTask      *task,
             JsonObject *status)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  HfReading *reading;

  reading = hf_vnish_parse_reading (op->summary, op->info, status, op->perf, &error);
  if (reading == NULL)
    {
      g_prefix_error (&error, "%s: ", op->address);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, reading, (GDestroyNotify) hf_reading_free);
}

static void
poll_status_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = finish_object (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  poll_return (task, status);
}

static void
poll_perf_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *state;

  op->perf = finish_object (result, &error);
  /* Optional: older builds have no perf-summary; the reading goes without
   * its preset.  A wrong password is said by the summary, not here. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (error != NULL)
    g_debug ("%s: no VNish preset (%s)", op->address, error->message);

  state = hf_json_string (hf_json_object (hf_json_object (op->summary, "miner"), "miner_status"),
                          "miner_state");
  if (g_strcmp0 (state, "failure") == 0)
    {
      call_async (HF_VNISH_DRIVER (source), op->address, op->port,
                  "GET", "/api/v1/status", NULL, AUTH_NONE, op->config, op->deadline,
                  cancellable, poll_status_cb, g_steal_pointer (&task));
      return;
    }
  poll_return (task, NULL);
}

static void
poll_summary_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->summary = finish_object (result, &error);
  if (op->summary == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  call_async (HF_VNISH_DRIVER (source), op->address, op->port, "GET", "/api/v1/perf-summary",
              NULL, AUTH_OPTIONAL, op->config, op->deadline, cancellable,
              poll_perf_cb, g_steal_pointer (&task));
}

static void
poll_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *hostname = NULL;

  op->info = finish_object (result, &error);
  if (op->info == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A firmware update or a rename shows here; keep up. */
  version = hf_json_dup_string (op->info, "fw_version");
  hostname = hf_json_dup_string (hf_json_object (hf_json_object (op->info, "system"),
                                                 "network_status"), "hostname");
  if (version != NULL)
    {
      g_autofree char *firmware = g_strdup_printf ("VNish %s", version);
      hf_miner_set_firmware (op->miner, firmware);
    }
  if (hostname != NULL)
    hf_miner_set_hostname (op->miner, hostname);
  call_async (HF_VNISH_DRIVER (source), op->address, op->port, "GET", "/api/v1/summary", NULL,
              AUTH_OPTIONAL, op->config, op->deadline, cancellable,
              poll_summary_cb, g_steal_pointer (&task));
}

static void
vnish_poll_async (HfDriver            *driver,
                  HfMiner             *miner,
                  const HfConfig      *config,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = op_task (driver, vnish_poll_async, "hf_vnish_poll", miner, NULL, config,
                         cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  call_async (HF_VNISH_DRIVER (driver), op->address, op->port, "GET", "/api/v1/info", NULL,
              AUTH_NONE, op->config, op->deadline, cancellable, poll_info_cb, task);
}

/* writes: a 200 may still carry {"err": …} */

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = call_finish (result, &error);
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *refused = NULL;

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* An empty or non-JSON 200 is a success: only an "err" says otherwise. */
  if (g_bytes_get_size (body) > 0)
    reply = hf_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  refused = hf_vnish_reply_error (reply);
  if (refused != NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_REJECTED, "%s: VNish refused it: %s",
                               op->address, refused);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
write_async (HfDriver     *driver,
             GTask        *task,
             const char   *path,
             GBytes       *body)
{
  Op *op = g_task_get_task_data (task);

  call_async (HF_VNISH_DRIVER (driver), op->address, op->port, "POST", path, body,
              AUTH_REQUIRED, op->config, op->deadline, g_task_get_cancellable (task),
              write_done_cb, task);
}

static void
vnish_restart_async (HfDriver            *driver,
                     HfMiner             *miner,
                     const HfConfig      *config,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = op_task (driver, vnish_restart_async, "hf_vnish_restart", miner, NULL, config,
                         cancellable, callback, user_data);

  write_async (driver, task, "/api/v1/system/reboot", NULL);
}

static void
vnish_action_async (HfDriver            *driver,
                    HfMiner             *miner,
                    HfMinerAction        action,
                    const HfConfig      *config,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = op_task (driver, vnish_action_async, "hf_vnish_action", miner, NULL, config,
                         cancellable, callback, user_data);

  switch (action)
    {
    case HF_ACTION_IDENTIFY:
      write_async (driver, task, "/api/v1/find-miner", NULL);
      break;
    case HF_ACTION_PAUSE:
      write_async (driver, task, "/api/v1/mining/pause", NULL);
      break;
    case HF_ACTION_RESUME:
      write_async (driver, task, "/api/v1/mining/resume", NULL);
      break;
    default:
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_UNSUPPORTED,
                               "%s: VNish has no such action", hf_miner_get_address (miner));
      g_object_unref (task);
      break;
    }
}

/* settings: a preset, or the tuned preset for a power limit */

static char *
presets_text (GPtrArray *presets,
              gboolean   with_watts)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < presets->len; i++)
    {
      const HfVnishPreset *p = g_ptr_array_index (presets, i);

      if (!p->tuned || (with_watts && isnan (p->watts)))
        continue;
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", p->name);
    }
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

static void
apply_restarted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = call_finish (result, &error);

  if (body == NULL)
    {
      g_prefix_error (&error, "%s: preset %s saved, but restarting mining to apply it failed: ",
                      op->address, op->preset);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
apply_settings_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = call_finish (result, &error);
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *refused = NULL;
  JsonNode *restart;

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (body) > 0)
    reply = hf_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  refused = hf_vnish_reply_error (reply);
  if (refused != NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_REJECTED,
                               "%s: VNish refused preset %s: %s", op->address, op->preset,
                               refused);
      return;
    }
  /* The web UI restarts the mining process when the firmware says a
   * setting needs it; so does Hashfleet (the machine stays up). */
  restart = reply ? json_object_get_member (reply, "restart_required") : NULL;
  if (restart != NULL && JSON_NODE_HOLDS_VALUE (restart)
      && json_node_get_value_type (restart) == G_TYPE_BOOLEAN && json_node_get_boolean (restart))
    {
      call_async (HF_VNISH_DRIVER (source), op->address, op->port, "POST",
                  "/api/v1/mining/restart", NULL, AUTH_REQUIRED, op->config, op->deadline,
                  cancellable, apply_restarted_cb, g_steal_pointer (&task));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
apply_presets_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  const HfMinerSettings *st = op->settings;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = call_finish (result, &error);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) presets = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GBytes) request = NULL;

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  root = hf_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  presets = root ? hf_vnish_parse_presets (root, &error) : NULL;
  if (presets == NULL)
    {
      g_prefix_error (&error, "%s: ", op->address);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (st->preset != NULL)
    {
      const HfVnishPreset *found = NULL;

      for (guint i = 0; i < presets->len && found == NULL; i++)
        {
          const HfVnishPreset *p = g_ptr_array_index (presets, i);

          if (g_strcmp0 (p->name, st->preset) == 0)
            found = p;
        }
      if (found == NULL || !found->tuned)
        {
          g_autofree char *allowed = presets_text (presets, FALSE);

          g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                                   found == NULL ? "%s: VNish has no preset “%s”; its tuned "
                                                   "presets are %s"
                                                 : "%s: VNish preset “%s” is not tuned yet; "
                                                   "its tuned presets are %s",
                                   op->address, st->preset, allowed);
          return;
        }
      op->preset = g_strdup (found->name);
    }
  else
    {
      const HfVnishPreset *found = hf_vnish_preset_for_watts (presets, st->power_limit_w);

      if (found == NULL)
        {
          g_autofree char *allowed = presets_text (presets, TRUE);

          g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                                   "%s: VNish has no tuned preset of at most %u W; its tuned "
                                   "presets are %s", op->address, st->power_limit_w, allowed);
          return;
        }
      /* VNish holds a miner to a tuned preset's watts, nothing between:
       * a limit that is none of them could not be read back as applied. */
      if (fabs (found->watts - st->power_limit_w) > 0.5)
        {
          g_autofree char *allowed = presets_text (presets, TRUE);

          g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                                   "%s: VNish runs tuned presets only, and %u W is none of "
                                   "them: the nearest below is %.0f W; its tuned presets are %s",
                                   op->address, st->power_limit_w, found->watts, allowed);
          return;
        }
      op->preset = g_strdup (found->name);
      g_info ("%s: power limit %u W: VNish preset %s (%.0f W)", op->address,
              st->power_limit_w, found->name, found->watts);
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "miner");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "overclock");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "preset");
  json_builder_add_string_value (b, op->preset);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  request = json_body (b);
  call_async (HF_VNISH_DRIVER (source), op->address, op->port, "POST", "/api/v1/settings",
              request, AUTH_REQUIRED, op->config, op->deadline, cancellable,
              apply_settings_cb, g_steal_pointer (&task));
}

static void
vnish_apply_async (HfDriver              *driver,
                   HfMiner               *miner,
                   const HfMinerSettings *settings,
                   const HfConfig        *config,
                   GCancellable          *cancellable,
                   GAsyncReadyCallback    callback,
                   gpointer               user_data)
{
  GTask *task = op_task (driver, vnish_apply_async, "hf_vnish_apply", miner, NULL, config,
                         cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  g_autoptr(HfMinerSettings) rest = hf_miner_settings_copy (settings);

  op->settings = hf_miner_settings_copy (settings);
  rest->power_limit_w = 0;
  g_clear_pointer (&rest->preset, g_free);
  if (hf_miner_settings_is_empty (settings))
    g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID, "%s: nothing to change",
                             op->address);
  else if (!hf_miner_settings_is_empty (rest))
    g_task_return_new_error (task, HF_ERROR, HF_ERROR_UNSUPPORTED,
                             "%s: on VNish Hashfleet sets the preset and the power limit only",
                             op->address);
  else if (settings->preset != NULL && settings->power_limit_w != 0)
    g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                             "%s: a VNish power limit is a preset: set one or the other",
                             op->address);
  else
    {
      call_async (HF_VNISH_DRIVER (driver), op->address, op->port, "GET",
                  "/api/v1/autotune/presets", NULL, AUTH_REQUIRED, op->config, op->deadline,
                  cancellable, apply_presets_cb, task);
      return;
    }
  g_object_unref (task);
}

static HfCapabilities
vnish_get_capabilities (HfDriver *driver,
                        HfMiner  *miner)
{
  return HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_PRESET | HF_CAP_POWER_LIMIT;
}

static HfFamily
vnish_get_family (HfDriver *driver)
{
  return HF_FAMILY_VNISH;
}

static void
driver_iface_init (HfDriverInterface *iface)
{
  iface->get_family = vnish_get_family;
  iface->identify_async = vnish_identify_async;
  iface->poll_async = vnish_poll_async;
  iface->restart_async = vnish_restart_async;
  iface->get_capabilities = vnish_get_capabilities;
  iface->apply_async = vnish_apply_async;
  iface->action_async = vnish_action_async;
}

static void
hf_vnish_driver_finalize (GObject *object)
{
  HfVnishDriver *self = HF_VNISH_DRIVER (object);

  g_hash_table_unref (self->tokens);
  G_OBJECT_CLASS (hf_vnish_driver_parent_class)->finalize (object);
}

static void
hf_vnish_driver_class_init (HfVnishDriverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hf_vnish_driver_finalize;
}

static void
hf_vnish_driver_init (HfVnishDriver *self)
{
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
