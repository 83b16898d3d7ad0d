/* hf-driver-axeos.c — Bitaxe / AxeOS and NerdOS over HTTP (libsoup)
 * SPDX-License-Identifier: MIT
 */

#include "hf-axeos-parse.h"
#include "hf-driver-axeos.h"
#include "hf-error.h"
#include "hf-http.h"
#include "hf-json.h"

struct _HfDriverAxeos
{
  GObject parent_instance;
};

static void driver_iface_init (HfDriverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HfDriverAxeos, hf_driver_axeos, G_TYPE_OBJECT,
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
restart_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = hf_http_request_finish (result, NULL, &error);
  if (body == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

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
                         cancellable, restart_cb, task);
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
}

static void
hf_driver_axeos_class_init (HfDriverAxeosClass *klass)
{
}

static void
hf_driver_axeos_init (HfDriverAxeos *self)
{
}
