/* hf-antminer.c — Antminer on stock firmware
 * SPDX-License-Identifier: MIT
 *
 * Reads come from the cgminer API (stats, summary, pools); identity details
 * the API lacks (MAC, hostname, serial) and the reboot come from the web
 * CGI behind HTTP Digest.  Stock firmware reports no power: it is estimated
 * from the model's nominal efficiency and flagged as such.
 */

#include <string.h>

#include "hf-antminer-parse.h"
#include "hf-antminer.h"
#include "hf-error.h"
#include "hf-http.h"
#include "hf-json.h"

static gboolean
parse_identity (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_antminer_parse_identity (g_ptr_array_index (replies, 0), NULL, miner, error);
}

static HfReading *
parse_reading (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_antminer_parse_reading (g_ptr_array_index (replies, 0),
                                    g_ptr_array_index (replies, 1),
                                    g_ptr_array_index (replies, 2),
                                    hf_miner_get_model (miner), error);
}

static const char *const identify_commands[] = { "version", NULL };
static const char *const poll_commands[] = { "stats", "?summary", "?pools", NULL };

typedef struct
{
  HfConfig *config;
  HfMiner  *miner;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  hf_config_unref (op->config);
  g_clear_object (&op->miner);
  g_free (op);
}

static guint16
http_port_of (HfMiner        *miner,
              const HfConfig *config)
{
  guint16 port = hf_miner_get_http_port (miner);
  return port != 0 ? port : config->http_port;
}

static void
system_info_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) info = NULL;

  body = hf_http_request_finish (result, NULL, &error);
  if (body != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (body, &len);
      info = hf_json_parse_object (data, len, NULL);
    }
  else
    g_debug ("%s: no web system info (%s); MAC stays unknown",
             hf_miner_get_address (op->miner), error->message);

  if (info != NULL)
    hf_antminer_parse_system_info (info, op->miner);
  g_task_return_pointer (task, g_steal_pointer (&op->miner), g_object_unref);
}

static void
identify_api_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->miner = g_task_propagate_pointer (G_TASK (result), &error);
  if (op->miner == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The API has no MAC; the web CGI has, if the credentials are right. */
  hf_http_request_async ("GET", hf_miner_get_address (op->miner), op->config->http_port,
                         "/cgi-bin/get_system_info.cgi", NULL, op->config->antminer_user,
                         op->config->antminer_password, op->config,
                         hf_config_deadline (op->config), cancellable, system_info_cb,
                         g_steal_pointer (&task));
}

static void
identify_async (HfCgminerDriver *driver, const char *address, const HfConfig *config,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, identify_async);
  g_task_set_name (task, "hf_antminer_identify");
  op->config = hf_config_copy (config);
  g_task_set_task_data (task, op, op_free);
  hf_cgminer_driver_api_identify_async (driver, address, config, cancellable, identify_api_cb,
                                        task);
}

static void
restart_async (HfCgminerDriver *driver, HfMiner *miner, const HfConfig *config,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);

  g_task_set_source_tag (task, restart_async);
  g_task_set_name (task, "hf_antminer_restart");
  /* Stock firmware disables writes on the 4028 API; the web CGI reboots. */
  hf_http_request_async ("GET", hf_miner_get_address (miner), http_port_of (miner, config),
                         "/cgi-bin/reboot.cgi", NULL, config->antminer_user,
                         config->antminer_password, config, hf_config_deadline (config),
                         cancellable, hf_http_request_done_boolean, task);
}

/* Settings through the web CGI (Digest): get_miner_conf.cgi, change the
 * fields, set_miner_conf.cgi with the whole object back (the firmware
 * replaces its configuration with what it gets). */

typedef struct
{
  HfMiner         *miner;
  HfConfig        *config;
  HfMinerSettings *settings;     /* NULL for pause/resume */
  int              mode;         /* miner-mode to write, -1: leave */
} ConfOp;

static void
conf_op_free (gpointer data)
{
  ConfOp *c = data;

  g_object_unref (c->miner);
  hf_config_unref (c->config);
  hf_miner_settings_free (c->settings);
  g_free (c);
}

static void
conf_got_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  ConfOp *c = g_task_get_task_data (task);
  const HfMinerSettings *st = c->settings;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = hf_http_request_finish (result, NULL, &error);
  g_autoptr(JsonObject) conf = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) out = NULL;
  gsize len;

  if (body != NULL)
    conf = hf_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (conf == NULL)
    {
      /* Some firmware answers 200 with HTML when the password is wrong. */
      g_prefix_error (&error, "%s: reading its configuration (get_miner_conf.cgi): ",
                      hf_miner_get_address (c->miner));
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (st != NULL && st->pool_url != NULL)
    {
      JsonArray *pools = json_array_new ();
      JsonObject *first = json_object_new ();
      JsonArray *old = hf_json_array (conf, "pools");

      json_object_set_string_member (first, "url", st->pool_url);
      json_object_set_string_member (first, "user", st->pool_user ? st->pool_user : "");
      json_object_set_string_member (first, "pass", st->pool_password ? st->pool_password : "x");
      json_array_add_object_element (pools, first);
      /* The other pools stay as they were (fallbacks). */
      for (guint i = 1; old != NULL && i < json_array_get_length (old); i++)
        json_array_add_element (pools, json_node_copy (json_array_get_element (old, i)));
      json_object_set_array_member (conf, "pools", pools);
    }
  if (st != NULL && st->fan_auto)
    json_object_set_boolean_member (conf, "bitmain-fan-ctrl", FALSE);
  else if (st != NULL && st->fan_percent >= 0)
    {
      g_autofree char *pwm = g_strdup_printf ("%d", st->fan_percent);
      json_object_set_boolean_member (conf, "bitmain-fan-ctrl", TRUE);
      json_object_set_string_member (conf, "bitmain-fan-pwm", pwm);
    }
  if (c->mode >= 0)
    {
      /* Written the way the configuration holds it (some firmware: a string). */
      JsonNode *was = json_object_get_member (conf, "miner-mode");
      if (was != NULL && JSON_NODE_HOLDS_VALUE (was)
          && json_node_get_value_type (was) == G_TYPE_STRING)
        {
          g_autofree char *mode = g_strdup_printf ("%d", c->mode);
          json_object_set_string_member (conf, "miner-mode", mode);
        }
      else
        json_object_set_int_member (conf, "miner-mode", c->mode);
    }
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, conf);
  text = json_to_string (root, FALSE);
  len = strlen (text);
  out = g_bytes_new_take (g_steal_pointer (&text), len);
  hf_http_request_async ("POST", hf_miner_get_address (c->miner), http_port_of (c->miner, c->config),
                         "/cgi-bin/set_miner_conf.cgi", out, c->config->antminer_user,
                         c->config->antminer_password, c->config, hf_config_deadline (c->config),
                         g_task_get_cancellable (task), hf_http_request_done_boolean, task);
}

static void
change_conf (HfCgminerDriver       *driver,
             HfMiner               *miner,
             const HfMinerSettings *settings,
             int                    mode,
             const HfConfig        *config,
             GCancellable          *cancellable,
             GAsyncReadyCallback    callback,
             gpointer               user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  ConfOp *c = g_new0 (ConfOp, 1);

  g_task_set_name (task, "hf_antminer_conf");
  c->miner = g_object_ref (miner);
  c->config = hf_config_copy (config);
  c->mode = mode;
  if (settings != NULL)
    {
      c->settings = hf_miner_settings_new ();
      c->settings->fan_auto = settings->fan_auto;
      c->settings->fan_percent = settings->fan_percent;
      c->settings->pool_url = g_strdup (settings->pool_url);
      c->settings->pool_user = g_strdup (settings->pool_user);
      c->settings->pool_password = g_strdup (settings->pool_password);
    }
  g_task_set_task_data (task, c, conf_op_free);
  hf_http_request_async ("GET", hf_miner_get_address (miner), http_port_of (miner, config),
                         "/cgi-bin/get_miner_conf.cgi", NULL, config->antminer_user,
                         config->antminer_password, config, hf_config_deadline (config),
                         cancellable, conf_got_cb, task);
}

static void
apply_async (HfCgminerDriver *driver, HfMiner *miner, const HfMinerSettings *st,
             const HfConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
             gpointer user_data)
{
  const char *address = hf_miner_get_address (miner);
  const char *unsupported = st->frequency_mhz ? "frequency" : st->core_voltage_mv ? "core voltage"
                            : st->work_mode >= 0 ? "work mode" : st->target_temp_c ? "target temperature"
                            : st->hostname ? "hostname" : NULL;
  g_autofree char *host = NULL;
  guint16 port;
  GError *error = NULL;

  if (unsupported != NULL)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_UNSUPPORTED, "%s: Antminer (stock firmware): setting the "
                               "%s is not supported here; pools and fan are", address, unsupported);
      return;
    }
  if (st->fan_percent > 100)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_INVALID, "%s: fan %d %% is not 0–100 %%", address,
                               st->fan_percent);
      return;
    }
  if (st->pool_url != NULL && !hf_pool_url_parse (st->pool_url, &host, &port, &error))
    {
      g_prefix_error (&error, "%s: ", address);
      g_task_report_error (driver, callback, user_data, apply_async, error);
      return;
    }
  if (hf_miner_settings_is_empty (st))
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_INVALID, "%s: nothing to change", address);
      return;
    }
  change_conf (driver, miner, st, -1, config, cancellable, callback, user_data);
}

static void
action_async (HfCgminerDriver *driver, HfMiner *miner, HfMinerAction action, const HfConfig *config,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  if (action == HF_ACTION_IDENTIFY)
    {
      GTask *task = g_task_new (driver, cancellable, callback, user_data);
      g_autoptr(GBytes) body = g_bytes_new_static ("{\"blink\":\"true\"}", 16);

      g_task_set_name (task, "hf_antminer_blink");
      hf_http_request_async ("POST", hf_miner_get_address (miner), http_port_of (miner, config),
                             "/cgi-bin/blink.cgi", body, config->antminer_user,
                             config->antminer_password, config, hf_config_deadline (config),
                             cancellable, hf_http_request_done_boolean, task);
      return;
    }
  /* miner-mode 1 sleeps, 0 hashes. */
  change_conf (driver, miner, NULL, action == HF_ACTION_PAUSE ? 1 : 0, config, cancellable,
               callback, user_data);
}

/* A miner at 0 H/s: asleep (miner-mode 1, what pause writes), or not
 * hashing?  The cgminer API does not say; the web CGI's configuration
 * does.  Asked only then: a Digest exchange per poll of every hashing
 * miner would double what a poll costs. */
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
conf_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Complete *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = hf_http_request_finish (result, NULL, &error);
  g_autoptr(JsonObject) conf = NULL;

  if (body != NULL)
    conf = hf_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (conf != NULL)
    c->reading->paused = hf_antminer_conf_sleeping (conf);
  else
    g_debug ("get_miner_conf.cgi: %s", error->message);
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
  hf_http_request_async ("GET", hf_miner_get_address (miner), http_port_of (miner, config),
                         "/cgi-bin/get_miner_conf.cgi", NULL, config->antminer_user,
                         config->antminer_password, config, deadline, cancellable,
                         conf_read_cb, task);
}

const HfCgminerFamily hf_antminer_family = {
  .family = HF_FAMILY_ANTMINER,
  .flags = HF_CGMINER_NONE,
  .identify_commands = identify_commands,
  .parse_identity = parse_identity,
  .poll_commands = poll_commands,
  .parse_reading = parse_reading,
  .identify_async = identify_async,
  .restart_async = restart_async,
  .capabilities = HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_FAN | HF_CAP_POOLS,
  .apply_async = apply_async,
  .action_async = action_async,
  .complete_async = complete_async,
};
