/* hf-axeos.c — Bitaxe / AxeOS and NerdOS over HTTP (libsoup)
 * SPDX-License-Identifier: MIT
 */

#include "hf-axeos-parse.h"
#include "hf-axeos.h"
#include "hf-error.h"
#include "hf-http.h"
#include "hf-json.h"

struct _HfAxeosDriver
{
  GObject parent_instance;
};

static void driver_iface_init (HfDriverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HfAxeosDriver, hf_axeos_driver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HF_TYPE_DRIVER, driver_iface_init))

typedef struct
{
  char       *address;
  HfConfig   *config;
  gint64      deadline;
  HfMiner    *miner;
  JsonObject *info;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_free (op->address);
  hf_config_unref (op->config);
  g_clear_object (&op->miner);
  g_clear_pointer (&op->info, json_object_unref);
  g_free (op);
}

static GTask *
op_task (HfDriver            *driver,
         gpointer             source_tag,
         const char          *address,
         const HfConfig      *config,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  op->address = g_strdup (address);
  op->config = hf_config_copy (config);
  op->deadline = hf_config_deadline (config);
  g_task_set_task_data (task, op, op_free);
  return task;
}

static guint16
miner_http_port (HfMiner        *miner,
                 const HfConfig *config)
{
  guint16 port = miner ? hf_miner_get_http_port (miner) : 0;
  return port != 0 ? port : config->http_port;
}

static JsonObject *
body_object (GBytes  *body,
             GError **error)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  return hf_json_parse_object (data, len, error);
}

/* identify: GET /api/system/info, then the optional /api/system/asic */

static void
identify_asic_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) asic = NULL;
  g_autoptr(HfReading) reading = NULL;

  body = hf_http_request_finish (result, NULL, &error);
  if (body == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Older AxeOS and NerdOS have no /api/system/asic: the model then comes
   * from boardVersion. */
  if (body != NULL)
    asic = body_object (body, NULL);

  if (!hf_axeos_parse_identity (op->info, asic, op->miner, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  reading = hf_axeos_parse_reading (op->info, NULL);
  if (reading != NULL)
    hf_miner_set_reading (op->miner, reading);
  g_task_return_pointer (task, g_steal_pointer (&op->miner), g_object_unref);
}

static void
identify_info_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  body = hf_http_request_finish (result, &status, &error);
  if (body == NULL)
    {
      /* A web server that answers, but not this path, is not AxeOS. */
      if (status != 0 && g_error_matches (error, HF_ERROR, HF_ERROR_PROTOCOL))
        g_task_return_new_error (task, HF_ERROR, HF_ERROR_NOT_A_MINER,
                                 "%s is a web server but not a miner (HTTP %u on "
                                 "/api/system/info)", op->address, status);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  op->info = body_object (body, &error);
  if (op->info == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_NOT_A_MINER,
                               "%s is a web server but not a miner (%s)",
                               op->address, error->message);
      return;
    }
  if (hf_json_string (op->info, "ASICModel") == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_NOT_A_MINER,
                               "%s is a web server but not a miner (its JSON has no "
                               "ASICModel)", op->address);
      return;
    }

  op->miner = hf_miner_new (op->address, HF_FAMILY_AXEOS);
  hf_miner_set_http_port (op->miner, op->config->http_port);
  hf_miner_set_cgminer_port (op->miner, op->config->cgminer_port);
  hf_http_request_async ("GET", op->address, op->config->http_port, "/api/system/asic",
                         NULL, NULL, NULL, op->config, op->deadline,
                         cancellable, identify_asic_cb, g_steal_pointer (&task));
}

static void
axeos_identify_async (HfDriver            *driver,
                      const char          *address,
                      const HfConfig      *config,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = op_task (driver, axeos_identify_async, address, config, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  g_task_set_name (task, "hf_axeos_identify");
  hf_http_request_async ("GET", address, config->http_port, "/api/system/info", NULL,
                         NULL, NULL, op->config, op->deadline, cancellable,
                         identify_info_cb, task);
}

/* poll: GET /api/system/info */

static void
poll_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) info = NULL;
  HfReading *reading;
  g_autofree char *firmware = NULL;
  g_autofree char *hostname = NULL;

  body = hf_http_request_finish (result, NULL, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  info = body_object (body, &error);
  if (info == NULL || (reading = hf_axeos_parse_reading (info, &error)) == NULL)
    {
      g_prefix_error (&error, "%s: ", op->address);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* An OTA update or a rename shows in every info reply; keep up. */
  firmware = hf_json_dup_string (info, "version");
  hostname = hf_json_dup_string (info, "hostname");
  if (firmware != NULL)
    hf_miner_set_firmware (op->miner, firmware);
  if (hostname != NULL)
    hf_miner_set_hostname (op->miner, hostname);

  g_task_return_pointer (task, reading, (GDestroyNotify) hf_reading_free);
}

static void
axeos_poll_async (HfDriver            *driver,
                  HfMiner             *miner,
                  const HfConfig      *config,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = op_task (driver, axeos_poll_async, hf_miner_get_address (miner), config,
                         cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  g_task_set_name (task, "hf_axeos_poll");
  op->miner = g_object_ref (miner);
  hf_http_request_async ("GET", op->address, miner_http_port (miner, config),
                         "/api/system/info", NULL, NULL, NULL, op->config, op->deadline,
                         cancellable, poll_info_cb, task);
}

/* restart: POST /api/system/restart */

static void
axeos_restart_async (HfDriver            *driver,
                     HfMiner             *miner,
                     const HfConfig      *config,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = op_task (driver, axeos_restart_async, hf_miner_get_address (miner), config,
                         cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  g_task_set_name (task, "hf_axeos_restart");
  hf_http_request_async ("POST", op->address, miner_http_port (miner, config),
                         "/api/system/restart", NULL, NULL, NULL, op->config, op->deadline,
                         cancellable, hf_http_request_done_boolean, task);
}

/* Settings: PATCH /api/system, after checking frequency and voltage
 * against the model's own /api/system/asic options. */

typedef struct
{
  HfMinerSettings *settings;     /* a copy of what to write */
  guint16          port;
} Apply;

static void
apply_free (gpointer data)
{
  Apply *a = data;

  hf_miner_settings_free (a->settings);
  g_free (a);
}

static char *
options_text (JsonArray *options)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; options != NULL && i < json_array_get_length (options); i++)
    g_string_append_printf (s, "%s%.0f", i ? ", " : "",
                            json_node_get_double (json_array_get_element (options, i)));
  return g_string_free (s, FALSE);
}

static gboolean
in_options (JsonArray *options,
            guint      value)
{
  for (guint i = 0; options != NULL && i < json_array_get_length (options); i++)
    {
      JsonNode *n = json_array_get_element (options, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_double (n) == (double) value)
        return TRUE;
    }
  return FALSE;
}

/* One of @what's @options, and no more than its @default_value unless
 * overclocking is allowed. */
static gboolean
check_option (const char  *address,
              const char  *what,
              const char  *unit,
              guint        value,
              JsonArray   *options,
              double       default_value,
              gboolean     allow_overclock,
              GError     **error)
{
  g_autofree char *allowed = options_text (options);

  if (options == NULL || json_array_get_length (options) == 0)
    {
      if (!allow_overclock)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                       "%s: this firmware does not list its %s options; setting %u %s "
                       "needs the overclocking confirmation", address, what, value, unit);
          return FALSE;
        }
      return TRUE;
    }
  if (!in_options (options, value) && !allow_overclock)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s: %s %u %s is not one of %s %s",
                   address, what, value, unit, allowed, unit);
      return FALSE;
    }
  if (default_value > 0 && value > default_value && !allow_overclock)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   "%s: %s %u %s is above the model's default %.0f %s: confirm overclocking",
                   address, what, value, unit, default_value, unit);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_plain (const char            *address,
             const HfMinerSettings *st,
             GError               **error)
{
  if (st->fan_percent > 100)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s: fan %d %% is not 0–100 %%",
                   address, st->fan_percent);
      return FALSE;
    }
  if (st->target_temp_c != 0 && (st->target_temp_c < 35 || st->target_temp_c > 75))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s: target temperature %u °C is not "
                   "35–75 °C", address, st->target_temp_c);
      return FALSE;
    }
  if (st->hostname != NULL)
    {
      gsize len = strlen (st->hostname);
      gboolean ok = len > 0 && len <= 32;

      for (const char *c = st->hostname; ok && *c; c++)
        ok = g_ascii_isalnum (*c) || *c == '-';
      if (!ok)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s: hostname “%s” is not 1–32 "
                       "letters, digits and dashes", address, st->hostname);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_pool (JsonBuilder  *b,
          const char   *prefix,
          const char   *url,
          const char   *user,
          const char   *password,
          GError      **error)
{
  g_autofree char *host = NULL;
  g_autofree char *url_key = g_strdup_printf ("%sURL", prefix);
  g_autofree char *port_key = g_strdup_printf ("%sPort", prefix);
  g_autofree char *user_key = g_strdup_printf ("%sUser", prefix);
  g_autofree char *password_key = g_strdup_printf ("%sPassword", prefix);
  guint16 port = 0;

  if (url == NULL)
    return TRUE;
  if (!hf_pool_url_parse (url, &host, &port, error))
    return FALSE;
  json_builder_set_member_name (b, url_key);
  json_builder_add_string_value (b, host);        /* AxeOS keeps the host alone */
  json_builder_set_member_name (b, port_key);
  json_builder_add_int_value (b, port);
  if (user != NULL)
    {
      json_builder_set_member_name (b, user_key);
      json_builder_add_string_value (b, user);
    }
  if (password != NULL)
    {
      json_builder_set_member_name (b, password_key);
      json_builder_add_string_value (b, password);
    }
  return TRUE;
}

static void
send_patch (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  Apply *a = g_object_get_data (G_OBJECT (task), "apply");
  const HfMinerSettings *st = a->settings;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) body = NULL;

  json_builder_begin_object (b);
  if (st->frequency_mhz != 0)
    {
      json_builder_set_member_name (b, "frequency");
      json_builder_add_int_value (b, st->frequency_mhz);
    }
  if (st->core_voltage_mv != 0)
    {
      json_builder_set_member_name (b, "coreVoltage");
      json_builder_add_int_value (b, st->core_voltage_mv);
    }
  if (st->allow_overclock && (st->frequency_mhz != 0 || st->core_voltage_mv != 0))
    {
      json_builder_set_member_name (b, "overclockEnabled");
      json_builder_add_int_value (b, 1);
    }
  if (st->fan_auto || st->fan_percent >= 0)
    {
      json_builder_set_member_name (b, "autofanspeed");
      json_builder_add_int_value (b, st->fan_auto ? 1 : 0);
    }
  if (!st->fan_auto && st->fan_percent >= 0)
    {
      json_builder_set_member_name (b, "fanspeed");
      json_builder_add_int_value (b, st->fan_percent);
    }
  if (st->target_temp_c != 0)
    {
      json_builder_set_member_name (b, "temptarget");
      json_builder_add_int_value (b, st->target_temp_c);
    }
  if (st->hostname != NULL)
    {
      json_builder_set_member_name (b, "hostname");
      json_builder_add_string_value (b, st->hostname);
    }
  if (!add_pool (b, "stratum", st->pool_url, st->pool_user, st->pool_password, &error)
      || !add_pool (b, "fallbackStratum", st->fallback_pool_url, st->fallback_pool_user,
                    st->fallback_pool_password, &error))
    {
      g_prefix_error (&error, "%s: ", op->address);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  {
    gsize len = strlen (text);
    body = g_bytes_new_take (g_steal_pointer (&text), len);
  }
  hf_http_request_async ("PATCH", op->address, a->port, "/api/system", body, NULL, NULL,
                         op->config, op->deadline, g_task_get_cancellable (task),
                         hf_http_request_done_boolean, task);
}

static void
apply_asic_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  Apply *a = g_object_get_data (G_OBJECT (task), "apply");
  const HfMinerSettings *st = a->settings;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = hf_http_request_finish (result, NULL, &error);
  g_autoptr(JsonObject) asic = body ? body_object (body, NULL) : NULL;
  JsonArray *freqs = asic ? hf_json_array (asic, "frequencyOptions") : NULL;
  JsonArray *volts = asic ? hf_json_array (asic, "voltageOptions") : NULL;

  if (body == NULL && !g_error_matches (error, HF_ERROR, HF_ERROR_PROTOCOL))
    {
      /* Not answering at all (a 404 is old firmware: no options). */
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  g_clear_error (&error);
  if ((st->frequency_mhz != 0
       && !check_option (op->address, "frequency", "MHz", st->frequency_mhz, freqs,
                         hf_json_number (asic, "defaultFrequency"), st->allow_overclock, &error))
      || (st->core_voltage_mv != 0
          && !check_option (op->address, "core voltage", "mV", st->core_voltage_mv, volts,
                            hf_json_number (asic, "defaultVoltage"), st->allow_overclock,
                            &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  send_patch (task);
}

static void
axeos_apply_async (HfDriver              *driver,
                   HfMiner               *miner,
                   const HfMinerSettings *settings,
                   const HfConfig        *config,
                   GCancellable          *cancellable,
                   GAsyncReadyCallback    callback,
                   gpointer               user_data)
{
  GTask *task = op_task (driver, axeos_apply_async, hf_miner_get_address (miner), config,
                         cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  Apply *a = g_new0 (Apply, 1);
  g_autoptr(GError) error = NULL;

  g_task_set_name (task, "hf_axeos_apply");
  a->settings = hf_miner_settings_copy (settings);
  a->port = miner_http_port (miner, config);
  g_object_set_data_full (G_OBJECT (task), "apply", a, apply_free);
  if (hf_miner_settings_is_empty (settings))
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID, "%s: nothing to change",
                               op->address);
      g_object_unref (task);
      return;
    }
  if (!check_plain (op->address, settings, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (settings->frequency_mhz != 0 || settings->core_voltage_mv != 0)
    hf_http_request_async ("GET", op->address, a->port, "/api/system/asic", NULL, NULL, NULL,
                           op->config, op->deadline, cancellable, apply_asic_cb, task);
  else
    send_patch (task);
}

/* identify, pause, resume: POST /api/system/<action> */

static void
axeos_action_async (HfDriver            *driver,
                    HfMiner             *miner,
                    HfMinerAction        action,
                    const HfConfig      *config,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  static const char *paths[] = {
    [HF_ACTION_IDENTIFY] = "/api/system/identify",
    [HF_ACTION_PAUSE] = "/api/system/pause",
    [HF_ACTION_RESUME] = "/api/system/resume",
  };
  GTask *task = op_task (driver, axeos_action_async, hf_miner_get_address (miner), config,
                         cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  g_task_set_name (task, "hf_axeos_action");
  hf_http_request_async ("POST", op->address, miner_http_port (miner, config), paths[action],
                         NULL, NULL, NULL, op->config, op->deadline, cancellable,
                         hf_http_request_done_boolean, task);
}

/* options: GET /api/system/asic (a 404 on old firmware: no options) */

static void
fill_options (GArray    *out,
              JsonArray *in)
{
  for (guint i = 0; in != NULL && i < json_array_get_length (in); i++)
    {
      JsonNode *n = json_array_get_element (in, i);

      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_double (n) > 0
          && json_node_get_double (n) < 10000)
        {
          guint v = (guint) json_node_get_double (n);
          g_array_append_val (out, v);
        }
    }
}

static void
options_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = hf_http_request_finish (result, NULL, &error);
  g_autoptr(JsonObject) asic = NULL;
  HfMinerOptions *options;
  double d;

  if (body == NULL && !g_error_matches (error, HF_ERROR, HF_ERROR_PROTOCOL))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  options = hf_miner_options_new ();
  asic = body ? body_object (body, NULL) : NULL;
  if (asic != NULL)
    {
      fill_options (options->frequencies, hf_json_array (asic, "frequencyOptions"));
      fill_options (options->voltages, hf_json_array (asic, "voltageOptions"));
      d = hf_json_number (asic, "defaultFrequency");
      options->default_frequency = d > 0 && d < 10000 ? (guint) d : 0;
      d = hf_json_number (asic, "defaultVoltage");
      options->default_voltage = d > 0 && d < 10000 ? (guint) d : 0;
    }
  g_task_return_pointer (task, options, (GDestroyNotify) hf_miner_options_free);
}

static void
axeos_options_async (HfDriver            *driver,
                     HfMiner             *miner,
                     const HfConfig      *config,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = op_task (driver, axeos_options_async, hf_miner_get_address (miner), config,
                         cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  g_task_set_name (task, "hf_axeos_options");
  hf_http_request_async ("GET", op->address, miner_http_port (miner, config), "/api/system/asic",
                         NULL, NULL, NULL, op->config, op->deadline, cancellable, options_cb,
                         task);
}

static HfCapabilities
axeos_get_capabilities (HfDriver *driver,
                        HfMiner  *miner)
{
  return HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_FREQUENCY
         | HF_CAP_CORE_VOLTAGE | HF_CAP_FAN | HF_CAP_POOLS | HF_CAP_HOSTNAME;
}

static HfFamily
axeos_get_family (HfDriver *driver)
{
  return HF_FAMILY_AXEOS;
}

static void
driver_iface_init (HfDriverInterface *iface)
{
  iface->get_family = axeos_get_family;
  iface->identify_async = axeos_identify_async;
  iface->poll_async = axeos_poll_async;
  iface->restart_async = axeos_restart_async;
  iface->get_capabilities = axeos_get_capabilities;
  iface->apply_async = axeos_apply_async;
  iface->action_async = axeos_action_async;
  iface->options_async = axeos_options_async;
}

static void
hf_axeos_driver_class_init (HfAxeosDriverClass *klass)
{
}

static void
hf_axeos_driver_init (HfAxeosDriver *self)
{
}
