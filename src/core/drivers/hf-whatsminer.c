/* hf-whatsminer.c — MicroBT Whatsminer, btminer API v1/v2
 * SPDX-License-Identifier: MIT
 *
 * Reads are plain cgminer-style commands.  Reboot goes through the v2
 * "privileged" API: get_token, sign with md5-crypt of the password, send
 * the command AES-256-ECB encrypted, decrypt the answer.
 *
 * A miner whose record says API v3 (newer firmware, TCP 4433) is served by
 * hf-whatsminer-v3.c instead: one family, one miner, whichever API it is
 * reached by.
 */

#include <string.h>

#include "hf-cgminer-reply.h"
#include "hf-whatsminer.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-whatsminer-crypto.h"
#include "hf-whatsminer-parse.h"
#include "hf-whatsminer-v3.h"

static gboolean
parse_identity (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_whatsminer_parse_identity (g_ptr_array_index (replies, 0),
                                       g_ptr_array_index (replies, 1),
                                       g_ptr_array_index (replies, 2),
                                       g_ptr_array_index (replies, 3), miner, error);
}

static HfReading *
parse_reading (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_whatsminer_parse_reading (g_ptr_array_index (replies, 0),
                                      g_ptr_array_index (replies, 1), error);
}

static const char *const identify_commands[] = {
  "devdetails", "?@get_version", "?@get_miner_info", "?summary", NULL
};
static const char *const poll_commands[] = { "summary", "?pools", NULL };

typedef struct
{
  HfMiner  *miner;
  HfConfig *config;
  gint64    deadline;
  char     *key;
  char     *command;
  JsonObject *params;    /* the command's other members, or NULL */
} Privileged;

static void
privileged_free (gpointer data)
{
  Privileged *p = data;

  g_clear_object (&p->miner);
  hf_config_unref (p->config);
  if (p->key != NULL)
    explicit_bzero (p->key, strlen (p->key));
  g_free (p->key);
  g_free (p->command);
  g_clear_pointer (&p->params, json_object_unref);
  g_free (p);
}

static void
privileged_reply_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Privileged *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) inner = NULL;
  g_autofree char *plain = NULL;
  const char *enc;

  reply = hf_cgminer_request_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* An unencrypted answer is an error the miner could not encrypt
   * (bad token, API disabled). */
  enc = hf_json_string (reply, "enc");
  if (enc == NULL)
    {
      if (!hf_cgminer_check_status (reply, &error))
        {
          g_prefix_error (&error, "%s: privileged API refused %s (check the Whatsminer password, "
                          "and that the API is enabled in WhatsMinerTool): ",
                          hf_miner_get_address (p->miner), p->command);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      else
        g_task_return_new_error (task, HF_ERROR, HF_ERROR_PROTOCOL,
                                 "%s: privileged reply is not encrypted",
                                 hf_miner_get_address (p->miner));
      return;
    }
  plain = hf_whatsminer_decrypt (p->key, enc, &error);
  if (plain != NULL)
    inner = hf_cgminer_parse_reply (plain, strlen (plain), &error);
  if (inner == NULL || !hf_cgminer_check_status (inner, &error))
    {
      g_prefix_error (&error, "%s: %s: ", hf_miner_get_address (p->miner), p->command);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Privileged *p = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *sign = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *enc = NULL;
  g_autofree char *request = NULL;
  JsonObject *msg;
  const char *time, *salt, *newsalt;

  reply = hf_cgminer_request_finish (result, &error);
  if (reply == NULL)
    {
      g_prefix_error (&error, "privileged API (get_token): ");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  msg = hf_whatsminer_msg (reply);
  time = hf_json_string (msg, "time");
  salt = hf_json_string (msg, "salt");
  newsalt = hf_json_string (msg, "newsalt");
  if (time == NULL || salt == NULL || newsalt == NULL
      || !hf_whatsminer_derive (p->config->whatsminer_password, salt, newsalt, time,
                                &p->key, &sign))
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_PROTOCOL,
                               "%s: get_token reply has no usable time/salt/newsalt",
                               hf_miner_get_address (p->miner));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cmd");
  json_builder_add_string_value (builder, p->command);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, sign);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  if (p->params != NULL)
    {
      JsonObject *o = json_node_get_object (root);
      g_autoptr(GList) names = json_object_get_members (p->params);

      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (o, l->data,
                                json_node_copy (json_object_get_member (p->params, l->data)));
    }
  inner = json_to_string (root, FALSE);
  enc = hf_whatsminer_encrypt (p->key, inner);
  request = g_strdup_printf ("{\"enc\":1,\"data\":\"%s\"}", enc);

  hf_cgminer_request_async (hf_miner_get_address (p->miner),
                            hf_cgminer_port_of (p->miner, p->config), request,
                            HF_CGMINER_NO_STATUS_CHECK, p->config, p->deadline,
                            cancellable, privileged_reply_cb, g_steal_pointer (&task));
}

/* One privileged command: get_token, then @command (with @params, taken)
 * signed and encrypted. */
static void
privileged_async (HfCgminerDriver     *driver,
                  HfMiner             *miner,
                  const char          *command,
                  JsonObject          *params,
                  const HfConfig      *config,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Privileged *p = g_new0 (Privileged, 1);

  g_task_set_source_tag (task, privileged_async);
  g_task_set_name (task, "hf_whatsminer_privileged");
  p->miner = g_object_ref (miner);
  p->config = hf_config_copy (config);
  p->deadline = hf_config_deadline (config);
  p->command = g_strdup (command);
  p->params = params;
  g_task_set_task_data (task, p, privileged_free);

  hf_cgminer_request_async (hf_miner_get_address (miner), hf_cgminer_port_of (miner, config),
                            "{\"cmd\":\"get_token\"}", HF_CGMINER_NONE, config, p->deadline,
                            cancellable, token_cb, task);
}

static void
restart_async (HfCgminerDriver *driver, HfMiner *miner, const HfConfig *config,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  if (hf_whatsminer_v3_speaks (miner))
    {
      hf_whatsminer_v3_restart_async (driver, miner, config, cancellable, callback, user_data);
      return;
    }
  privileged_async (driver, miner, "reboot", NULL, config, cancellable, callback, user_data);
}

/* Settings: pools only (update_pools); the others need commands whose
 * form this driver does not know for certain. */
static void
apply_async (HfCgminerDriver *driver, HfMiner *miner, const HfMinerSettings *st,
             const HfConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
             gpointer user_data)
{
  const char *address = hf_miner_get_address (miner);
  JsonObject *params;
  g_autofree char *host = NULL;
  guint16 port;
  GError *error = NULL;

  if (hf_whatsminer_v3_speaks (miner))
    {
      hf_whatsminer_v3_apply_async (driver, miner, st, config, cancellable, callback, user_data);
      return;
    }
  if (st->pool_url == NULL || st->frequency_mhz || st->core_voltage_mv || st->fan_auto
      || st->fan_percent >= 0 || st->target_temp_c || st->work_mode >= 0 || st->hostname
      || st->power_limit_w || st->preset)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_UNSUPPORTED, "%s: Whatsminer: only the pools can be "
                               "changed here", address);
      return;
    }
  if (!hf_pool_url_parse (st->pool_url, &host, &port, &error)
      || (st->fallback_pool_url != NULL
          && !hf_pool_url_parse (st->fallback_pool_url, &host, &port, &error)))
    {
      g_prefix_error (&error, "%s: ", address);
      g_task_report_error (driver, callback, user_data, apply_async, error);
      return;
    }
  params = json_object_new ();
  json_object_set_string_member (params, "pool1", st->pool_url);
  json_object_set_string_member (params, "worker1", st->pool_user ? st->pool_user : "");
  json_object_set_string_member (params, "passwd1", st->pool_password ? st->pool_password : "x");
  json_object_set_string_member (params, "pool2", st->fallback_pool_url ? st->fallback_pool_url : "");
  json_object_set_string_member (params, "worker2", st->fallback_pool_user ? st->fallback_pool_user : "");
  json_object_set_string_member (params, "passwd2",
                                 st->fallback_pool_password ? st->fallback_pool_password : "");
  json_object_set_string_member (params, "pool3", "");
  json_object_set_string_member (params, "worker3", "");
  json_object_set_string_member (params, "passwd3", "");
  privileged_async (driver, miner, "update_pools", params, config, cancellable, callback,
                    user_data);
}

static void
action_async (HfCgminerDriver *driver, HfMiner *miner, HfMinerAction action, const HfConfig *config,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  JsonObject *params = NULL;
  const char *command;

  if (hf_whatsminer_v3_speaks (miner))
    {
      hf_whatsminer_v3_action_async (driver, miner, action, config, cancellable, callback,
                                     user_data);
      return;
    }
  if (action == HF_ACTION_IDENTIFY)
    {
      /* The red LED blinks (every second, half of it lit) for a minute. */
      command = "set_led";
      params = json_object_new ();
      json_object_set_string_member (params, "color", "red");
      json_object_set_int_member (params, "period", 1000);
      json_object_set_int_member (params, "duration", 500);
      json_object_set_int_member (params, "start", 0);
    }
  else if (action == HF_ACTION_PAUSE)
    {
      command = "power_off";
      params = json_object_new ();
      json_object_set_string_member (params, "respbefore", "true");
    }
  else
    command = "power_on";
  privileged_async (driver, miner, command, params, config, cancellable, callback, user_data);
}

/* A miner at 0 H/s: powered off on purpose (`power_off`), or not hashing?
 * Only then is `status` asked: one more connection per poll of a miner
 * that hashes would be a third more for a large fleet. */
typedef struct
{
  HfReading *reading;
} Complete;

static void
complete_free (gpointer data)
{
  Complete *c = data;

  g_clear_pointer (&c->reading, hf_reading_free);
  g_free (c);
}

static void
status_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Complete *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hf_cgminer_request_finish (result, &error);

  if (reply != NULL)
    c->reading->paused = hf_whatsminer_parse_powered_off (reply);
  else
    g_debug ("status: %s", error->message);
  g_task_return_pointer (task, g_steal_pointer (&c->reading), (GDestroyNotify) hf_reading_free);
}

static void
complete_async (HfCgminerDriver *driver, HfMiner *miner, HfReading *reading,
                const HfConfig *config, gint64 deadline, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Complete *c = g_new0 (Complete, 1);

  g_task_set_source_tag (task, complete_async);
  c->reading = reading;
  g_task_set_task_data (task, c, complete_free);
  if (!(reading->hashrate_ghs == 0))
    {
      g_task_return_pointer (task, g_steal_pointer (&c->reading), (GDestroyNotify) hf_reading_free);
      g_object_unref (task);
      return;
    }
  hf_cgminer_request_async (hf_miner_get_address (miner), hf_cgminer_port_of (miner, config),
                            "{\"cmd\":\"status\"}", HF_CGMINER_NONE, config, deadline,
                            cancellable, status_cb, task);
}

static gboolean
poll_async (HfCgminerDriver *driver, HfMiner *miner, const HfConfig *config,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

static HfCapabilities
capabilities_of (HfMiner        *miner,
                 HfCapabilities  capabilities)
{
  if (hf_whatsminer_v3_speaks (miner))
    return HF_WHATSMINER_V3_CAPABILITIES;
  return capabilities;
}

const HfCgminerFamily hf_whatsminer_family = {
  .family = HF_FAMILY_WHATSMINER,
  .flags = HF_CGMINER_NONE,
  .identify_commands = identify_commands,
  .parse_identity = parse_identity,
  .poll_commands = poll_commands,
  .parse_reading = parse_reading,
  .restart_async = restart_async,
  .capabilities = HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_POOLS,
  .apply_async = apply_async,
  .action_async = action_async,
  .complete_async = complete_async,
  .poll_async = poll_async,
  .capabilities_of = capabilities_of,
};

/* A miner reached by API v3 is polled there; FALSE: the shared cgminer
 * poll, by the commands above. */
static gboolean
poll_async (HfCgminerDriver *driver, HfMiner *miner, const HfConfig *config,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  if (!hf_whatsminer_v3_speaks (miner))
    return FALSE;
  hf_whatsminer_v3_poll_async (driver, miner, config, cancellable, callback, user_data);
  return TRUE;
}
