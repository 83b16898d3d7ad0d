/* hf-braiins.c — Braiins OS / OS+ (bosminer, BOSer)
 * SPDX-License-Identifier: MIT
 *
 * Reads are the cgminer API on 4028 (no login), with Braiins' own temps,
 * fans and tunerstatus.  Writes: bosminer pauses and resumes on 4028;
 * everything else (reboot, locate, power target) goes through the REST
 * API of Braiins OS 25.07 and later (POST /api/v1/auth/login with the
 * configured user and password gives a token, sent as "Authorization:
 * <token>").  BOSer from 22.08 to 25.05 writes only over gRPC, which
 * Hashfleet does not speak: there, writes fail saying so.
 *
 * Whether a miner's REST API works is found out at identify and at its
 * first poll (and again every ten minutes while it does not), and kept
 * on the HfMiner with the token; its capabilities follow.
 */

#include <math.h>
#include <string.h>

#include "hf-braiins.h"
#include "hf-braiins-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-http.h"
#include "hf-json.h"

typedef enum
{
  REST_UNKNOWN,
  REST_OK,
  REST_NONE,      /* nothing on the HTTP port speaks /api/v1 */
  REST_AUTH,      /* it refused the user and password */
} RestState;

#define REST_KEY       "hf-braiins-rest"
#define REST_AT_KEY    "hf-braiins-rest-at"
#define TOKEN_KEY      "hf-braiins-token"
#define PAUSED_KEY     "hf-braiins-paused"
#define REST_RETRY_S   600

static const char unsupported_grpc[] =
  "BOSer from 22.08 to 25.05 takes writes over gRPC only, which Hashfleet does not speak "
  "(Braiins OS 25.07 and later have the REST API Hashfleet uses)";

static RestState
rest_state (HfMiner *miner)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (miner), REST_KEY));
}

static void
set_rest_state (HfMiner   *miner,
                RestState  state)
{
  g_object_set_data (G_OBJECT (miner), REST_KEY, GINT_TO_POINTER (state));
  g_object_set_data (G_OBJECT (miner), REST_AT_KEY,
                     GSIZE_TO_POINTER ((gsize) (g_get_monotonic_time () / G_USEC_PER_SEC)));
}

static void
secret_free (gpointer data)
{
  char *s = data;

  explicit_bzero (s, strlen (s));
  g_free (s);
}

static gboolean
has_credentials (const HfConfig *config)
{
  return config->braiins_user != NULL && *config->braiins_user != '\0'
         && config->braiins_password != NULL;
}

static guint16
http_port_of (HfMiner        *miner,
              const HfConfig *config)
{
  guint16 port = hf_miner_get_http_port (miner);
  return port != 0 ? port : config->http_port;
}

/* ---- one REST request, logged in ----------------------------------------- */

typedef struct
{
  HfMiner  *miner;
  HfConfig *config;
  gint64    deadline;
  char     *method;
  char     *path;
  GBytes   *body;
  gboolean  logged_in;  /* the token is one this request's login just got */
} Rest;

static void
rest_free (gpointer data)
{
  Rest *r = data;

  g_clear_object (&r->miner);
  hf_config_unref (r->config);
  g_free (r->method);
  g_free (r->path);
  g_clear_pointer (&r->body, g_bytes_unref);
  g_free (r);
}

static void rest_send (GTask *task);

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Rest *r = g_task_get_task_data (task);
  const char *address = hf_miner_get_address (r->miner);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  char *token;
  guint status = 0;

  body = hf_http_request_finish (result, &status, &error);
  if (body == NULL)
    {
      if (status == 401 || status == 403)
        {
          set_rest_state (r->miner, REST_AUTH);
          g_task_return_new_error (task, HF_ERROR, HF_ERROR_AUTH,
                                   "%s: Braiins OS refused the login of user \"%s\": check the "
                                   "Braiins OS user and password", address,
                                   r->config->braiins_user);
        }
      else if ((status >= 400 && status < 500) || hf_error_is_connect (error))
        {
          set_rest_state (r->miner, REST_NONE);
          g_task_return_new_error (task, HF_ERROR, HF_ERROR_UNSUPPORTED,
                                   "%s: no Braiins OS REST API (25.07 or later) answered on "
                                   "port %u (%s)", address, http_port_of (r->miner, r->config),
                                   error->message);
        }
      else
        {
          /* Silent or broken: not asked again at every poll (each would
           * wait out its deadline), only after REST_RETRY_S. */
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            set_rest_state (r->miner, REST_NONE);
          g_prefix_error (&error, "%s: Braiins OS login: ", address);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      return;
    }
  token = hf_braiins_rest_token (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (token == NULL)
    {
      set_rest_state (r->miner, REST_NONE);
      g_prefix_error (&error, "%s: ", address);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  set_rest_state (r->miner, REST_OK);
  g_object_set_data_full (G_OBJECT (r->miner), TOKEN_KEY, token, secret_free);
  r->logged_in = TRUE;
  rest_send (g_steal_pointer (&task));
}

static void
rest_login (GTask *task)
{
  Rest *r = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  char *text;
  gsize len;

  if (!has_credentials (r->config))
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_AUTH,
                               "%s: no Braiins OS user and password to log in to its REST API",
                               hf_miner_get_address (r->miner));
      g_object_unref (task);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, r->config->braiins_user);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, r->config->braiins_password);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  len = strlen (text);
  body = g_bytes_new_with_free_func (text, len, secret_free, text);
  hf_http_request_async ("POST", hf_miner_get_address (r->miner),
                         http_port_of (r->miner, r->config), "/api/v1/auth/login", body, NULL,
                         NULL, r->config, r->deadline, g_task_get_cancellable (task), login_cb,
                         task);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Rest *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GBytes *body;
  guint status = 0;

  body = hf_http_request_finish (result, &status, &error);
  if (body != NULL)
    {
      g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (status == 401 && !r->logged_in)
    {
      /* The token expired: log in once more. */
      g_object_set_data (G_OBJECT (r->miner), TOKEN_KEY, NULL);
      rest_login (g_steal_pointer (&task));
      return;
    }
  if (status == 401)
    {
      /* Refused with the token its login has just given: logging in
       * again would only send the password again.  Polls leave the REST
       * API alone until REST_RETRY_S has passed. */
      g_object_set_data (G_OBJECT (r->miner), TOKEN_KEY, NULL);
      set_rest_state (r->miner, REST_AUTH);
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_AUTH,
                               "%s: Braiins OS %s %s: refused (HTTP 401) with the token its login "
                               "has just given; its REST API is not used for the next %u minutes",
                               hf_miner_get_address (r->miner), r->method, r->path,
                               REST_RETRY_S / 60);
      return;
    }
  g_prefix_error (&error, "%s: Braiins OS %s %s: ", hf_miner_get_address (r->miner), r->method,
                  r->path);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
rest_send (GTask *task)
{
  Rest *r = g_task_get_task_data (task);
  const char *token = g_object_get_data (G_OBJECT (r->miner), TOKEN_KEY);

  hf_http_request_header_async (r->method, hf_miner_get_address (r->miner),
                                http_port_of (r->miner, r->config), r->path, r->body,
                                "Authorization", token, r->config, r->deadline,
                                g_task_get_cancellable (task), send_cb, task);
}

/* @method @path (under /api/v1/) with an optional JSON @body, logged in;
 * finishes with g_task_propagate_pointer(): the answer's body (GBytes). */
static void
rest_async (HfCgminerDriver     *driver,
            HfMiner             *miner,
            const char          *method,
            const char          *path,
            const char          *body,
            const HfConfig      *config,
            gint64               deadline,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Rest *r = g_new0 (Rest, 1);

  g_task_set_source_tag (task, rest_async);
  g_task_set_name (task, "hf_braiins_rest");
  r->miner = g_object_ref (miner);
  r->config = hf_config_copy (config);
  r->deadline = deadline;
  r->method = g_strdup (method);
  r->path = g_strconcat ("/api/v1/", path, NULL);
  r->body = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  g_task_set_task_data (task, r, rest_free);

  if (g_object_get_data (G_OBJECT (miner), TOKEN_KEY) != NULL)
    rest_send (task);
  else
    rest_login (task);
}

static GBytes *
rest_finish (GAsyncResult  *result,
             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- identify ------------------------------------------------------------ */

static gboolean
parse_identity (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_braiins_parse_identity (g_ptr_array_index (replies, 0),
                                    g_ptr_array_index (replies, 1), miner, error);
}

static void
details_identified_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfMiner *miner = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = rest_finish (result, &error);
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;
  gboolean paused;

  /* The REST API knows the firmware's release; without it, 4028's
   * daemon version stands. */
  if (body != NULL
      && hf_braiins_rest_details (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  &model, &firmware, &paused, &error))
    {
      if (model != NULL)
        hf_miner_set_model (miner, model);
      if (firmware != NULL)
        hf_miner_set_firmware (miner, firmware);
    }
  else
    g_debug ("%s", error->message);
  g_task_return_pointer (task, g_object_ref (miner), g_object_unref);
}

typedef struct
{
  HfConfig *config;
  gint64    deadline;
} IdentifyData;

static void
api_identified_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdentifyData *d = g_object_get_data (G_OBJECT (task), "identify");
  GCancellable *cancellable;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = g_task_propagate_pointer (G_TASK (result), &error);

  if (miner == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!has_credentials (d->config))
    {
      g_task_return_pointer (task, g_steal_pointer (&miner), g_object_unref);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  g_task_set_task_data (task, g_object_ref (miner), g_object_unref);
  rest_async (HF_CGMINER_DRIVER (source), miner, "GET", "miner/details", NULL, d->config,
              d->deadline, cancellable, details_identified_cb, g_steal_pointer (&task));
}

static void
identify_data_free (gpointer data)
{
  IdentifyData *d = data;

  hf_config_unref (d->config);
  g_free (d);
}

static void
identify_async (HfCgminerDriver *driver, const char *address, const HfConfig *config,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  IdentifyData *d = g_new0 (IdentifyData, 1);

  g_task_set_source_tag (task, identify_async);
  g_task_set_name (task, "hf_braiins_identify");
  d->config = hf_config_copy (config);
  d->deadline = hf_config_deadline (config);
  g_object_set_data_full (G_OBJECT (task), "identify", d, identify_data_free);
  hf_cgminer_driver_api_identify_async (driver, address, config, cancellable,
                                        api_identified_cb, task);
}

/* ---- poll ---------------------------------------------------------------- */

static HfReading *
parse_reading (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_braiins_parse_reading (g_ptr_array_index (replies, 0),
                                   g_ptr_array_index (replies, 1),
                                   g_ptr_array_index (replies, 2),
                                   g_ptr_array_index (replies, 3),
                                   g_ptr_array_index (replies, 4),
                                   g_ptr_array_index (replies, 5), error);
}

typedef struct
{
  HfReading *reading;
  HfMiner   *miner;
} Complete;

static void
complete_free (gpointer data)
{
  Complete *c = data;

  g_clear_pointer (&c->reading, hf_reading_free);
  g_clear_object (&c->miner);
  g_free (c);
}

static void
complete_return (GTask *task)    /* taken */
{
  Complete *c = g_task_get_task_data (task);

  /* bosminer says nothing of a pause: one we made and that still holds. */
  if (c->reading->hashrate_ghs == 0
      && g_object_get_data (G_OBJECT (c->miner), PAUSED_KEY) != NULL)
    c->reading->paused = TRUE;
  g_task_return_pointer (task, g_steal_pointer (&c->reading), (GDestroyNotify) hf_reading_free);
  g_object_unref (task);
}

static void
complete_details_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Complete *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = rest_finish (result, &error);
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;
  gboolean paused = FALSE;

  if (body != NULL
      && hf_braiins_rest_details (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  &model, &firmware, &paused, &error))
    {
      if (paused)
        c->reading->paused = TRUE;
    }
  else
    g_debug ("%s", error->message);
  complete_return (task);
}

static void
complete_async (HfCgminerDriver *driver, HfMiner *miner, HfReading *reading,
                const HfConfig *config, gint64 deadline, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Complete *c = g_new0 (Complete, 1);
  RestState state = rest_state (miner);
  gsize at = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (miner), REST_AT_KEY));
  gsize now = (gsize) (g_get_monotonic_time () / G_USEC_PER_SEC);
  gboolean probe;

  g_task_set_source_tag (task, complete_async);
  c->reading = reading;
  c->miner = g_object_ref (miner);
  g_task_set_task_data (task, c, complete_free);

  /* Find out once whether the REST API works (and again now and then
   * while it does not); ask it whether a miner at 0 H/s is paused. */
  probe = has_credentials (config)
          && (state == REST_UNKNOWN || (state != REST_OK && now - at >= REST_RETRY_S));
  if (probe || (state == REST_OK && reading->hashrate_ghs == 0))
    {
      rest_async (driver, miner, "GET", "miner/details", NULL, config, deadline, cancellable,
                  complete_details_cb, task);
      return;
    }
  complete_return (task);
}

static HfCapabilities
capabilities_of (HfMiner *miner, HfCapabilities capabilities)
{
  const char *firmware = hf_miner_get_firmware (miner);
  HfCapabilities caps = 0;

  /* bosminer pauses on 4028; BOSer only through a management API. */
  if (firmware == NULL || strstr (firmware, "BOSer") == NULL)
    caps |= HF_CAP_PAUSE;
  if (rest_state (miner) == REST_OK)
    caps |= HF_CAP_RESTART | HF_CAP_PAUSE | HF_CAP_IDENTIFY | HF_CAP_POWER_LIMIT;
  return caps & capabilities;
}

/* ---- writes -------------------------------------------------------------- */

/* A write: over REST where it answers, else (@command set) over 4028. */
typedef struct
{
  HfMiner  *miner;
  HfConfig *config;
  char     *command;     /* the 4028 fallback, or NULL */
  char     *what;        /* "reboot", "pause" … for messages */
  gboolean  pause;       /* a pause (TRUE) or a resume that went through */
} Write;

static void
write_free (gpointer data)
{
  Write *w = data;

  g_clear_object (&w->miner);
  hf_config_unref (w->config);
  g_free (w->command);
  g_free (w->what);
  g_free (w);
}

static void
note_pause (Write *w)
{
  if (g_strcmp0 (w->what, "pause") == 0)
    g_object_set_data (G_OBJECT (w->miner), PAUSED_KEY, GINT_TO_POINTER (TRUE));
  else if (g_strcmp0 (w->what, "resume") == 0)
    g_object_set_data (G_OBJECT (w->miner), PAUSED_KEY, NULL);
}

static void
command_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Write *w = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      const char *firmware = hf_miner_get_firmware (w->miner);

      if (g_error_matches (error, HF_ERROR, HF_ERROR_REJECTED))
        g_task_return_new_error (task, HF_ERROR, HF_ERROR_UNSUPPORTED,
                                 "%s: Braiins OS cannot %s here: no REST API (Braiins OS 25.07 or "
                                 "later) answered, and its cgminer API refused `%s` (%s); %s",
                                 hf_miner_get_address (w->miner), w->what, w->command,
                                 error->message,
                                 firmware != NULL && strstr (firmware, "BOSer") != NULL
                                 ? unsupported_grpc
                                 : "bosminer's cgminer API has no reboot (use its web UI)");
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  note_pause (w);
  g_task_return_boolean (task, TRUE);
}

static void
rest_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Write *w = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = rest_finish (result, &error);

  if (body != NULL)
    {
      note_pause (w);
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* No REST API at all: 4028, where the firmware has the command. */
  if (w->command != NULL && (g_error_matches (error, HF_ERROR, HF_ERROR_UNSUPPORTED)
                             || (g_error_matches (error, HF_ERROR, HF_ERROR_AUTH)
                                 && !has_credentials (w->config))))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      hf_cgminer_driver_command_async (HF_CGMINER_DRIVER (source), w->miner, w->command, NULL,
                                       w->config, cancellable, command_done_cb,
                                       g_steal_pointer (&task));
      return;
    }
  if (g_error_matches (error, HF_ERROR, HF_ERROR_UNSUPPORTED))
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_UNSUPPORTED, "%s: Braiins OS cannot %s "
                               "here: %s; %s", hf_miner_get_address (w->miner), w->what,
                               error->message, unsupported_grpc);
      return;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
write_async (HfCgminerDriver     *driver,
             HfMiner             *miner,
             const char          *what,
             const char          *method,
             const char          *path,
             const char          *body,
             const char          *command,
             const HfConfig      *config,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Write *w = g_new0 (Write, 1);

  g_task_set_source_tag (task, write_async);
  g_task_set_name (task, "hf_braiins_write");
  w->miner = g_object_ref (miner);
  w->config = hf_config_copy (config);
  w->command = g_strdup (command);
  w->what = g_strdup (what);
  g_task_set_task_data (task, w, write_free);

  /* bosminer without a REST API known to work: straight to 4028. */
  if (command != NULL && (!has_credentials (config) || rest_state (miner) == REST_NONE))
    {
      hf_cgminer_driver_command_async (driver, miner, command, NULL, config, cancellable,
                                       command_done_cb, task);
      return;
    }
  rest_async (driver, miner, method, path, body, config, hf_config_deadline (config),
              cancellable, rest_done_cb, task);
}

static void
restart_async (HfCgminerDriver *driver, HfMiner *miner, const HfConfig *config,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  /* 4028 has no reboot on Braiins OS; cgminer's `restart` (the mining
   * daemon) where a firmware answers it. */
  write_async (driver, miner, "reboot", "PUT", "actions/reboot", NULL, "restart", config,
               cancellable, callback, user_data);
}

static void
action_async (HfCgminerDriver *driver, HfMiner *miner, HfMinerAction action,
              const HfConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  switch (action)
    {
    case HF_ACTION_IDENTIFY:
      /* The locate LED blinks until it is turned off (or a reboot). */
      write_async (driver, miner, "locate", "PUT", "actions/locate", "true", NULL, config,
                   cancellable, callback, user_data);
      break;
    case HF_ACTION_PAUSE:
      write_async (driver, miner, "pause", "PUT", "actions/pause", NULL, "pause", config,
                   cancellable, callback, user_data);
      break;
    case HF_ACTION_RESUME:
    default:
      write_async (driver, miner, "resume", "PUT", "actions/resume", NULL, "resume", config,
                   cancellable, callback, user_data);
      break;
    }
}

static void
apply_async (HfCgminerDriver *driver, HfMiner *miner, const HfMinerSettings *st,
             const HfConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
             gpointer user_data)
{
  g_autofree char *body = NULL;

  if (st->power_limit_w == 0 || st->frequency_mhz || st->core_voltage_mv || st->fan_auto
      || st->fan_percent >= 0 || st->target_temp_c || st->work_mode >= 0 || st->hostname
      || st->pool_url || st->fallback_pool_url || st->preset)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_UNSUPPORTED, "%s: Braiins OS: only the power target can "
                               "be changed here", hf_miner_get_address (miner));
      return;
    }
  if (st->power_limit_w > 100000)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_INVALID, "%s: a power target of %u W is not one a miner "
                               "takes", hf_miner_get_address (miner), st->power_limit_w);
      return;
    }
  body = g_strdup_printf ("{\"watt\":%u}", st->power_limit_w);
  write_async (driver, miner, "set the power target", "PUT", "performance/power-target", body,
               NULL, config, cancellable, callback, user_data);
}

static const char *const identify_commands[] = { "version", "?devdetails", NULL };
static const char *const poll_commands[] = {
  "summary", "?devs", "?temps", "?fans", "?tunerstatus", "?pools", NULL
};

const HfCgminerFamily hf_braiins_family = {
  .family = HF_FAMILY_BRAIINS,
  .flags = HF_CGMINER_NONE,
  .identify_commands = identify_commands,
  .parse_identity = parse_identity,
  .poll_commands = poll_commands,
  .parse_reading = parse_reading,
  .restart_async = restart_async,
  /* What a miner may have; capabilities_of() says what it has. */
  .capabilities = HF_CAP_RESTART | HF_CAP_PAUSE | HF_CAP_IDENTIFY | HF_CAP_POWER_LIMIT,
  .identify_async = identify_async,
  .apply_async = apply_async,
  .action_async = action_async,
  .complete_async = complete_async,
  .capabilities_of = capabilities_of,
};
