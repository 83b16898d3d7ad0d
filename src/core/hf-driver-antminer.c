/* hf-driver-antminer.c — Antminer on stock firmware
 * SPDX-License-Identifier: MIT
 *
 * Reads come from the cgminer API (stats, summary, pools); identity details
 * the API lacks (MAC, hostname, serial) and the reboot come from the web
 * CGI behind HTTP Digest.  Stock firmware reports no power: it is estimated
 * from the model's nominal efficiency and flagged as such.
 */

#include <string.h>

#include "hf-antminer-parse.h"
#include "hf-cgminer-driver.h"
#include "hf-driver-antminer.h"
#include "hf-error.h"
#include "hf-http.h"
#include "hf-json.h"

struct _HfDriverAntminer
{
  GObject parent_instance;
};

static void driver_iface_init (HfDriverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HfDriverAntminer, hf_driver_antminer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HF_TYPE_DRIVER, driver_iface_init))

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

static const HfCgminerFamily family = {
  .family = HF_FAMILY_ANTMINER,
  .flags = HF_CGMINER_NONE,
  .identify_commands = identify_commands,
  .parse_identity = parse_identity,
  .poll_commands = poll_commands,
  .parse_reading = parse_reading,
};

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

static HfFamily
get_family (HfDriver *driver)
{
  return HF_FAMILY_ANTMINER;
}

static void
identify_async (HfDriver *driver, const char *address, const HfConfig *config,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, identify_async);
  g_task_set_name (task, "hf_antminer_identify");
  op->config = hf_config_copy (config);
  g_task_set_task_data (task, op, op_free);
  hf_cgminer_family_identify_async (&family, address, config, cancellable,
                                    identify_api_cb, task);
}

static void
poll_async (HfDriver *driver, HfMiner *miner, const HfConfig *config,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  hf_cgminer_family_poll_async (&family, miner, config, cancellable, callback, user_data);
}

static void
reboot_cb (GObject      *source,
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

static void
restart_async (HfDriver *driver, HfMiner *miner, const HfConfig *config,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);

  g_task_set_source_tag (task, restart_async);
  g_task_set_name (task, "hf_antminer_restart");
  /* Stock firmware disables writes on the 4028 API; the web CGI reboots. */
  hf_http_request_async ("GET", hf_miner_get_address (miner), http_port_of (miner, config),
                         "/cgi-bin/reboot.cgi", NULL, config->antminer_user,
                         config->antminer_password, config, hf_config_deadline (config),
                         cancellable, reboot_cb, task);
}

static void
driver_iface_init (HfDriverInterface *iface)
{
  iface->get_family = get_family;
  iface->identify_async = identify_async;
  iface->poll_async = poll_async;
  iface->restart_async = restart_async;
}

static void
hf_driver_antminer_class_init (HfDriverAntminerClass *klass)
{
}

static void
hf_driver_antminer_init (HfDriverAntminer *self)
{
}
