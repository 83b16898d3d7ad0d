/* hf-cgminer-driver.c
 * SPDX-License-Identifier: MIT
 */

#include "hf-cgminer-driver.h"
#include "hf-error.h"

typedef struct
{
  const HfCgminerFamily *family;
  HfMiner               *miner;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_clear_object (&op->miner);
  g_free (op);
}

guint16
hf_cgminer_port_of (HfMiner        *miner,
                    const HfConfig *config)
{
  guint16 port = miner ? hf_miner_get_cgminer_port (miner) : 0;
  return port != 0 ? port : config->cgminer_port;
}

static void
identify_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) replies = NULL;

  replies = hf_cgminer_commands_finish (result, &error);
  if (replies == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!op->family->parse_identity (replies, op->miner, &error))
    {
      g_prefix_error (&error, "%s: ", hf_miner_get_address (op->miner));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&op->miner), g_object_unref);
}

void
hf_cgminer_family_identify_async (const HfCgminerFamily *family,
                                  const char            *address,
                                  const HfConfig        *config,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  GTask *task = g_task_new (hf_driver_for_family (family->family), cancellable, callback,
                            user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, hf_cgminer_family_identify_async);
  g_task_set_name (task, "hf_cgminer_identify");
  op->family = family;
  op->miner = hf_miner_new (address, family->family);
  hf_miner_set_http_port (op->miner, config->http_port);
  hf_miner_set_cgminer_port (op->miner, config->cgminer_port);
  g_task_set_task_data (task, op, op_free);

  hf_cgminer_commands_async (address, config->cgminer_port, family->identify_commands,
                             family->flags | HF_CGMINER_NO_STATUS_CHECK, config,
                             hf_config_deadline (config), cancellable, identify_cb, task);
}

static void
poll_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) replies = NULL;
  HfReading *reading;

  replies = hf_cgminer_commands_finish (result, &error);
  if (replies == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  reading = op->family->parse_reading (replies, op->miner, &error);
  if (reading == NULL)
    {
      g_prefix_error (&error, "%s: ", hf_miner_get_address (op->miner));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, reading, (GDestroyNotify) hf_reading_free);
}

void
hf_cgminer_family_poll_async (const HfCgminerFamily *family,
                              HfMiner               *miner,
                              const HfConfig        *config,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  GTask *task = g_task_new (hf_driver_for_family (family->family), cancellable, callback,
                            user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, hf_cgminer_family_poll_async);
  g_task_set_name (task, "hf_cgminer_poll");
  op->family = family;
  op->miner = g_object_ref (miner);
  g_task_set_task_data (task, op, op_free);

  hf_cgminer_commands_async (hf_miner_get_address (miner), hf_cgminer_port_of (miner, config),
                             family->poll_commands, family->flags, config,
                             hf_config_deadline (config), cancellable, poll_cb, task);
}

static void
command_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;

  /* The client checks STATUS: E/F come back as HF_ERROR_REJECTED. */
  reply = hf_cgminer_request_finish (result, &error);
  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
hf_cgminer_family_command_async (const HfCgminerFamily *family,
                                 HfMiner               *miner,
                                 const char            *command,
                                 const char            *parameter,
                                 const HfConfig        *config,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  GTask *task = g_task_new (hf_driver_for_family (family->family), cancellable, callback,
                            user_data);

  g_task_set_source_tag (task, hf_cgminer_family_command_async);
  g_task_set_name (task, "hf_cgminer_command");
  hf_cgminer_command_async (hf_miner_get_address (miner), hf_cgminer_port_of (miner, config),
                            command, parameter, family->flags, config,
                            hf_config_deadline (config), cancellable, command_cb, task);
}
