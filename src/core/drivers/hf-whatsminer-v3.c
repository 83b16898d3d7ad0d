/* hf-whatsminer-v3.c — MicroBT Whatsminer, API v3
 * SPDX-License-Identifier: MIT
 *
 * Firmware since late 2024 answers the v3 API on TCP 4433 (its old v2
 * writes no longer work).  The Whatsminer family's driver
 * (hf-whatsminer.c) sends a miner here when its record says API v3
 * (hf_miner_get_api_version()).  Every request is one connection
 * (hf-whatsminer-v3-client.c); every operation ends by one deadline.
 */

#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-json.h"
#include "hf-whatsminer-v3.h"
#include "hf-whatsminer-v3-auth.h"
#include "hf-whatsminer-v3-client.h"
#include "hf-whatsminer-v3-parse.h"
#include "hf-whatsminer-v3-reply.h"

/* The miner's salt, kept between writes (a string on the HfMiner). */
#define SALT_KEY "hf-whatsminer-v3-salt"
#define ACCOUNT  "super"

gboolean
hf_whatsminer_v3_speaks (HfMiner *miner)
{
  return miner != NULL && hf_miner_get_api_version (miner) == HF_WHATSMINER_API_V3;
}

static const char *
password_of (const HfConfig *config)
{
  return config->whatsminer_super_password != NULL ? config->whatsminer_super_password : "super";
}

static char *
read_request (const char *cmd,
              const char *param)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cmd");
  json_builder_add_string_value (builder, cmd);
  if (param != NULL)
    {
      json_builder_set_member_name (builder, "param");
      json_builder_add_string_value (builder, param);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

char *
hf_whatsminer_v3_build_write (const char *cmd,
                              JsonNode   *param,
                              gboolean    secret,
                              const char *password,
                              const char *salt,
                              gint64      ts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint8 digest[HF_WHATSMINER_V3_DIGEST_SIZE];
  g_autofree char *token = NULL;

  g_return_val_if_fail (cmd != NULL && password != NULL && salt != NULL, NULL);

  hf_whatsminer_v3_digest (cmd, password, salt, ts, digest);
  token = hf_whatsminer_v3_token (digest);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cmd");
  json_builder_add_string_value (builder, cmd);
  if (param != NULL)
    {
      json_builder_set_member_name (builder, "param");
      if (secret)
        {
          /* The param's JSON text, encrypted once (not JSON-in-a-string). */
          g_autofree char *plain = json_to_string (param, FALSE);
          g_autofree char *enc = hf_whatsminer_v3_encrypt (digest, plain);

          explicit_bzero (plain, strlen (plain));
          if (enc == NULL)
            {
              explicit_bzero (digest, sizeof digest);
              return NULL;
            }
          json_builder_add_string_value (builder, enc);
        }
      else
        json_builder_add_value (builder, json_node_copy (param));
    }
  json_builder_set_member_name (builder, "ts");
  json_builder_add_int_value (builder, ts);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, ACCOUNT);
  json_builder_end_object (builder);
  explicit_bzero (digest, sizeof digest);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* ------------------------------------------------------------------ */
/* Identify */

typedef struct
{
  char     *address;
  HfConfig *config;
} Identify;

static void
identify_free (gpointer data)
{
  Identify *id = data;

  g_free (id->address);
  hf_config_unref (id->config);
  g_free (id);
}

static void
identify_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Identify *id = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hf_whatsminer_v3_request_finish (result, &error);
  g_autoptr(HfMiner) miner = NULL;
  g_autofree char *salt = NULL;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  miner = hf_miner_new (id->address, HF_FAMILY_WHATSMINER);
  hf_miner_set_http_port (miner, id->config->http_port);
  hf_miner_set_cgminer_port (miner, id->config->whatsminer_v3_port);
  hf_miner_set_api_version (miner, HF_WHATSMINER_API_V3);
  if (!hf_whatsminer_v3_parse_identity (reply, miner, &error))
    {
      g_prefix_error (&error, "%s: ", id->address);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  salt = hf_whatsminer_v3_parse_salt (reply);
  if (salt != NULL)
    g_object_set_data_full (G_OBJECT (miner), SALT_KEY, g_steal_pointer (&salt), g_free);
  g_task_return_pointer (task, g_steal_pointer (&miner), g_object_unref);
}

void
hf_whatsminer_v3_identify_async (gpointer             source,
                                 const char          *address,
                                 const HfConfig      *config,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  Identify *id = g_new0 (Identify, 1);

  g_task_set_source_tag (task, hf_whatsminer_v3_identify_async);
  g_task_set_name (task, "hf_whatsminer_v3_identify");
  id->address = g_strdup (address);
  id->config = hf_config_copy (config);
  g_task_set_task_data (task, id, identify_free);
  hf_whatsminer_v3_request_async (address, config->whatsminer_v3_port,
                                  "{\"cmd\":\"get.device.info\"}", config,
                                  hf_config_deadline (config), cancellable, identify_cb, task);
}

/* ------------------------------------------------------------------ */
/* Poll */

typedef struct
{
  HfMiner    *miner;
  HfConfig   *config;
  gint64      deadline;
  JsonObject *status;
  JsonObject *setting;
} Poll;

static void
poll_free (gpointer data)
{
  Poll *p = data;

  g_clear_object (&p->miner);
  hf_config_unref (p->config);
  g_clear_pointer (&p->status, json_object_unref);
  g_clear_pointer (&p->setting, json_object_unref);
  g_free (p);
}

static guint16
port_of (HfMiner        *miner,
         const HfConfig *config)
{
  guint16 port = hf_miner_get_cgminer_port (miner);

  return port != 0 ? port : config->whatsminer_v3_port;
}

static void
poll_finish_with (GTask      *task,
                  JsonObject *info)
{
  Poll *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  HfReading *reading;

  reading = hf_whatsminer_v3_parse_reading (p->status, p->setting, info, &error);
  if (reading == NULL)
    {
      g_prefix_error (&error, "%s: ", hf_miner_get_address (p->miner));
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_pointer (task, reading, (GDestroyNotify) hf_reading_free);
}

static void
poll_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = hf_whatsminer_v3_request_finish (result, &error);

  if (info == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (info == NULL)
    g_debug ("get.device.info miner: %s", error->message);
  poll_finish_with (task, info);
}

static void
poll_setting_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Poll *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  double hashrate;

  p->setting = hf_whatsminer_v3_request_finish (result, &error);
  if (p->setting == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (p->setting == NULL)
    g_debug ("get.miner.setting: %s", error->message);

  /* Hashing: it is not paused; only a miner at 0 costs one more request. */
  hashrate = hf_json_number (hf_json_object (hf_whatsminer_v3_msg (p->status), "summary"),
                             "hash-realtime");
  if (hashrate > 0)
    {
      poll_finish_with (task, NULL);
      return;
    }
  {
    g_autofree char *request = read_request ("get.device.info", "miner");

    GCancellable *cancellable = g_task_get_cancellable (task);

    hf_whatsminer_v3_request_async (hf_miner_get_address (p->miner),
                                    port_of (p->miner, p->config), request, p->config,
                                    p->deadline, cancellable, poll_info_cb,
                                    g_steal_pointer (&task));
  }
}

static void
poll_status_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Poll *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  GCancellable *cancellable = g_task_get_cancellable (task);

  p->status = hf_whatsminer_v3_request_finish (result, &error);
  if (p->status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  hf_whatsminer_v3_request_async (hf_miner_get_address (p->miner),
                                  port_of (p->miner, p->config),
                                  "{\"cmd\":\"get.miner.setting\"}", p->config, p->deadline,
                                  cancellable, poll_setting_cb, g_steal_pointer (&task));
}

void
hf_whatsminer_v3_poll_async (gpointer             source,
                             HfMiner             *miner,
                             const HfConfig      *config,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  Poll *p = g_new0 (Poll, 1);
  g_autofree char *request = read_request ("get.miner.status", "summary+pools+edevs");

  g_task_set_source_tag (task, hf_whatsminer_v3_poll_async);
  g_task_set_name (task, "hf_whatsminer_v3_poll");
  p->miner = g_object_ref (miner);
  p->config = hf_config_copy (config);
  p->deadline = hf_config_deadline (config);
  g_task_set_task_data (task, p, poll_free);
  hf_whatsminer_v3_request_async (hf_miner_get_address (miner), port_of (miner, config), request,
                                  config, p->deadline, cancellable, poll_status_cb, task);
}

/* ------------------------------------------------------------------ */
/* Writes: one or more signed commands, in order */

typedef struct
{
  char     *cmd;
  JsonNode *param;       /* NULL: none */
  gboolean  secret;
} Write;

static void
write_free (gpointer data)
{
  Write *w = data;

  g_free (w->cmd);
  g_clear_pointer (&w->param, json_node_unref);
  g_free (w);
}

static Write *
write_new (const char *cmd,
           JsonNode   *param,     /* taken */
           gboolean    secret)
{
  Write *w = g_new0 (Write, 1);

  w->cmd = g_strdup (cmd);
  w->param = param;
  w->secret = secret;
  return w;
}

typedef struct
{
  HfMiner   *miner;
  HfConfig  *config;
  gint64     deadline;
  GPtrArray *writes;      /* Write* */
  guint      next;
  gboolean   salt_fresh;  /* fetched for this write: a -4 is final */
} Writes;

static void
writes_free (gpointer data)
{
  Writes *w = data;

  g_clear_object (&w->miner);
  hf_config_unref (w->config);
  g_ptr_array_unref (w->writes);
  g_free (w);
}

static void writes_step (GTask *task);
static void fetch_salt (GTask *task);

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Writes *w = g_task_get_task_data (task);
  Write *one = g_ptr_array_index (w->writes, w->next);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hf_whatsminer_v3_request_finish (result, &error);

  if (reply == NULL)
    {
      if (g_error_matches (error, HF_ERROR, HF_ERROR_AUTH) && !w->salt_fresh)
        {
          /* The salt may have changed (a reboot, a new password): once more
           * with a fresh one before the refusal counts. */
          g_debug ("%s: %s refused, fetching the salt again", hf_miner_get_address (w->miner),
                   one->cmd);
          g_object_set_data (G_OBJECT (w->miner), SALT_KEY, NULL);
          fetch_salt (task);
          return;
        }
      g_prefix_error (&error, "%s: %s: ", hf_miner_get_address (w->miner), one->cmd);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  w->next++;
  w->salt_fresh = FALSE;
  writes_step (task);
}

static void
salt_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Writes *w = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hf_whatsminer_v3_request_finish (result, &error);
  char *salt;

  if (reply == NULL)
    {
      g_prefix_error (&error, "%s: get.device.info salt: ", hf_miner_get_address (w->miner));
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  salt = hf_whatsminer_v3_parse_salt (reply);
  if (salt == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_PROTOCOL,
                               "%s: get.device.info gave no salt to sign a write with",
                               hf_miner_get_address (w->miner));
      g_object_unref (task);
      return;
    }
  g_object_set_data_full (G_OBJECT (w->miner), SALT_KEY, salt, g_free);
  w->salt_fresh = TRUE;
  writes_step (task);
}

static void
fetch_salt (GTask *task)
{
  Writes *w = g_task_get_task_data (task);
  g_autofree char *request = read_request ("get.device.info", "salt");

  hf_whatsminer_v3_request_async (hf_miner_get_address (w->miner), port_of (w->miner, w->config),
                                  request, w->config, w->deadline,
                                  g_task_get_cancellable (task), salt_cb, task);
}

static void
writes_step (GTask *task)
{
  Writes *w = g_task_get_task_data (task);
  const char *salt;
  Write *one;
  g_autofree char *request = NULL;

  if (w->next >= w->writes->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  salt = g_object_get_data (G_OBJECT (w->miner), SALT_KEY);
  if (salt == NULL)
    {
      fetch_salt (task);
      return;
    }
  one = g_ptr_array_index (w->writes, w->next);
  request = hf_whatsminer_v3_build_write (one->cmd, one->param, one->secret,
                                          password_of (w->config), salt,
                                          g_get_real_time () / G_USEC_PER_SEC);
  if (request == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID, "%s: %s: parameter too long",
                               hf_miner_get_address (w->miner), one->cmd);
      g_object_unref (task);
      return;
    }
  hf_whatsminer_v3_request_async (hf_miner_get_address (w->miner), port_of (w->miner, w->config),
                                  request, w->config, w->deadline,
                                  g_task_get_cancellable (task), write_cb, task);
  explicit_bzero (request, strlen (request));
}

/* Run @writes (taken) on @miner; finishes with g_task_propagate_boolean(). */
static void
writes_async (gpointer             source,
              HfMiner             *miner,
              GPtrArray           *writes,
              const HfConfig      *config,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  Writes *w = g_new0 (Writes, 1);

  g_task_set_source_tag (task, writes_async);
  g_task_set_name (task, "hf_whatsminer_v3_write");
  w->miner = g_object_ref (miner);
  w->config = hf_config_copy (config);
  w->deadline = hf_config_deadline (config);
  w->writes = writes;
  g_task_set_task_data (task, w, writes_free);
  writes_step (task);
}

static GPtrArray *
one_write (const char *cmd,
           JsonNode   *param)
{
  GPtrArray *writes = g_ptr_array_new_with_free_func (write_free);

  g_ptr_array_add (writes, write_new (cmd, param, FALSE));
  return writes;
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

void
hf_whatsminer_v3_restart_async (gpointer             source,
                                HfMiner             *miner,
                                const HfConfig      *config,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  writes_async (source, miner, one_write ("set.system.reboot", NULL), config, cancellable,
                callback, user_data);
}

void
hf_whatsminer_v3_action_async (gpointer             source,
                               HfMiner             *miner,
                               HfMinerAction        action,
                               const HfConfig      *config,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  if (action == HF_ACTION_IDENTIFY)
    {
      /* The red LED blinks (every second, half of it lit), as the v2 one. */
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "color");
      json_builder_add_string_value (b, "red");
      json_builder_set_member_name (b, "period");
      json_builder_add_int_value (b, 1000);
      json_builder_set_member_name (b, "duration");
      json_builder_add_int_value (b, 500);
      json_builder_set_member_name (b, "start");
      json_builder_add_int_value (b, 0);
      json_builder_end_object (b);
      json_builder_end_array (b);
      writes_async (source, miner, one_write ("set.system.led", json_builder_get_root (b)),
                    config, cancellable, callback, user_data);
      return;
    }
  writes_async (source, miner,
                one_write ("set.miner.service",
                           string_node (action == HF_ACTION_PAUSE ? "stop" : "start")),
                config, cancellable, callback, user_data);
}

static void
add_pool (JsonBuilder *b,
          const char  *url,
          const char  *user,
          const char  *password)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pool");
  json_builder_add_string_value (b, url);
  json_builder_set_member_name (b, "worker");
  json_builder_add_string_value (b, user != NULL ? user : "");
  json_builder_set_member_name (b, "passwd");
  json_builder_add_string_value (b, password != NULL ? password : "x");
  json_builder_end_object (b);
}

void
hf_whatsminer_v3_apply_async (gpointer               source,
                              HfMiner               *miner,
                              const HfMinerSettings *st,
                              const HfConfig        *config,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  const char *address = hf_miner_get_address (miner);
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func (write_free);
  GError *error = NULL;

  if (st->frequency_mhz || st->core_voltage_mv || st->fan_auto || st->fan_percent >= 0
      || st->target_temp_c || st->work_mode >= 0 || st->hostname)
    {
      g_task_report_new_error (source, callback, user_data, hf_whatsminer_v3_apply_async,
                               HF_ERROR, HF_ERROR_UNSUPPORTED,
                               "%s: Whatsminer (API v3): only the pools, the power limit and "
                               "the power mode (low, normal, high) can be changed here", address);
      return;
    }
  if (st->preset != NULL && !g_str_equal (st->preset, "low") && !g_str_equal (st->preset, "normal")
      && !g_str_equal (st->preset, "high"))
    {
      g_task_report_new_error (source, callback, user_data, hf_whatsminer_v3_apply_async,
                               HF_ERROR, HF_ERROR_INVALID,
                               "%s: Whatsminer power mode \"%s\" is not one of low, normal, high",
                               address, st->preset);
      return;
    }
  if (st->power_limit_w > 99999)
    {
      g_task_report_new_error (source, callback, user_data, hf_whatsminer_v3_apply_async,
                               HF_ERROR, HF_ERROR_INVALID,
                               "%s: a power limit of %u W is more than the 99999 W the firmware "
                               "takes", address, st->power_limit_w);
      return;
    }

  if (st->pool_url != NULL)
    {
      g_autofree char *host = NULL;
      guint16 port;
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (!hf_pool_url_parse (st->pool_url, &host, &port, &error)
          || (st->fallback_pool_url != NULL
              && !hf_pool_url_parse (st->fallback_pool_url, &host, &port, &error)))
        {
          g_prefix_error (&error, "%s: ", address);
          g_task_report_error (source, callback, user_data, hf_whatsminer_v3_apply_async, error);
          return;
        }
      json_builder_begin_array (b);
      add_pool (b, st->pool_url, st->pool_user, st->pool_password);
      if (st->fallback_pool_url != NULL)
        add_pool (b, st->fallback_pool_url, st->fallback_pool_user, st->fallback_pool_password);
      json_builder_end_array (b);
      g_ptr_array_add (writes, write_new ("set.miner.pools", json_builder_get_root (b), TRUE));
    }
  if (st->preset != NULL)
    g_ptr_array_add (writes, write_new ("set.miner.power_mode", string_node (st->preset), FALSE));
  /* Last: the miner restarts to apply a power limit. */
  if (st->power_limit_w > 0)
    {
      JsonNode *watts = json_node_new (JSON_NODE_VALUE);

      json_node_set_int (watts, st->power_limit_w);
      g_ptr_array_add (writes, write_new ("set.miner.power_limit", watts, FALSE));
    }
  if (writes->len == 0)
    {
      g_task_report_new_error (source, callback, user_data, hf_whatsminer_v3_apply_async,
                               HF_ERROR, HF_ERROR_INVALID, "%s: nothing to change", address);
      return;
    }
  writes_async (source, miner, g_steal_pointer (&writes), config, cancellable, callback,
                user_data);
}
