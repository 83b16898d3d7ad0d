/* hf-cgminer-driver.c
 * SPDX-License-Identifier: MIT
 *
 * Antminer, Whatsminer, Avalon and any other cgminer API identify and poll
 * the same way and differ in their commands and replies: one driver type,
 * one instance per family, implements HfDriver from the family's
 * description, and calls the family's own functions for what it does
 * differently (hf-antminer.c, hf-whatsminer.c, …).
 */

#include <string.h>

#include "hf-json.h"
#include "hf-cgminer-driver.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"

struct _HfCgminerDriver
{
  GObject                parent_instance;
  const HfCgminerFamily *family;
};

static void driver_iface_init (HfDriverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HfCgminerDriver, hf_cgminer_driver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HF_TYPE_DRIVER, driver_iface_init))

/* The interface's own optional operations, for families without them. */
static HfDriverInterface *driver_defaults;

typedef struct
{
  const HfCgminerFamily *family;
  HfMiner               *miner;
  gint64                 deadline;   /* a poll's: its completion shares it */
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
hf_cgminer_driver_api_identify_async (HfCgminerDriver     *self,
                                      const char          *address,
                                      const HfConfig      *config,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  const HfCgminerFamily *family;
  GTask *task;
  Op *op;

  g_return_if_fail (HF_IS_CGMINER_DRIVER (self));
  g_return_if_fail (address != NULL && config != NULL);

  family = self->family;
  task = g_task_new (self, cancellable, callback, user_data);
  op = g_new0 (Op, 1);
  g_task_set_source_tag (task, hf_cgminer_driver_api_identify_async);
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

/* Miners whose firmware refused a multi-command are marked, so that they
 * cost one failed try, not one per poll. */
#define NO_MULTI_KEY "hf-cgminer-no-multi"

static char *
multi_command (const char * const *commands)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; commands[i] != NULL; i++)
    {
      const char *c = commands[i][0] == '?' ? commands[i] + 1 : commands[i];

      if (s->len > 0)
        g_string_append_c (s, '+');
      g_string_append (s, c);
    }
  return g_string_free (s, FALSE);
}

static gboolean
multi_usable (const char * const *commands)
{
  /* Only plain report commands combine ("@cmd" and "cmd|param" do not). */
  for (guint i = 0; commands[i] != NULL; i++)
    if (strchr (commands[i], '@') != NULL || strchr (commands[i], '|') != NULL)
      return FALSE;
  return commands[0] != NULL && commands[1] != NULL;
}

static void poll_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
completed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  HfReading *reading = g_task_propagate_pointer (G_TASK (result), &error);

  if (reading == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reading, (GDestroyNotify) hf_reading_free);
}

/* The poll's reading, completed by the family where it reads more. */
static void
return_reading (GTask     *task,       /* taken */
                HfReading *reading)    /* taken */
{
  Op *op = g_task_get_task_data (task);
  HfConfig *config = g_object_get_data (G_OBJECT (task), "config");

  if (op->family->complete_async != NULL)
    {
      op->family->complete_async (g_task_get_source_object (task), op->miner, reading, config,
                                  op->deadline, g_task_get_cancellable (task), completed_cb,
                                  task);
      return;
    }
  g_task_return_pointer (task, reading, (GDestroyNotify) hf_reading_free);
  g_object_unref (task);
}

static void
poll_one_by_one (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  HfConfig *config = g_object_get_data (G_OBJECT (task), "config");

  hf_cgminer_commands_async (hf_miner_get_address (op->miner),
                             hf_cgminer_port_of (op->miner, config), op->family->poll_commands,
                             op->family->flags, config, hf_config_deadline (config),
                             g_task_get_cancellable (task), poll_cb, task);
}

static void
multi_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hf_cgminer_request_finish (result, &error);
  g_autoptr(GPtrArray) replies = NULL;
  HfReading *reading;

  if (reply == NULL)
    {
      /* Nothing answered, or garbage: the same failure one by one. */
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  /* An optional command that failed leaves a hole (NULL) in the replies. */
  replies = g_ptr_array_new_with_free_func (hf_json_object_unref0);
  for (guint i = 0; op->family->poll_commands[i] != NULL; i++)
    {
      const char *c = op->family->poll_commands[i];
      gboolean optional = c[0] == '?';
      JsonObject *part = hf_cgminer_multi_part (reply, optional ? c + 1 : c);

      if (part != NULL && !hf_cgminer_check_status (part, NULL))
        part = NULL;
      if (part == NULL && !optional)
        {
          /* Firmware without multi-command support: ask one by one, now and
           * from now on. */
          g_debug ("%s: no multi-command reply; polling one command at a time",
                   hf_miner_get_address (op->miner));
          g_object_set_data (G_OBJECT (op->miner), NO_MULTI_KEY, GINT_TO_POINTER (TRUE));
          poll_one_by_one (task);
          return;
        }
      g_ptr_array_add (replies, part ? json_object_ref (part) : NULL);
    }

  reading = op->family->parse_reading (replies, op->miner, &error);
  if (reading == NULL)
    {
      g_prefix_error (&error, "%s: ", hf_miner_get_address (op->miner));
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  return_reading (task, reading);
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
  return_reading (g_steal_pointer (&task), reading);
}

static void
cgminer_poll_async (HfDriver            *driver,
                    HfMiner             *miner,
                    const HfConfig      *config,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  const HfCgminerFamily *family = HF_CGMINER_DRIVER (driver)->family;
  GTask *task;
  Op *op;

  if (family->poll_async != NULL
      && family->poll_async (HF_CGMINER_DRIVER (driver), miner, config, cancellable, callback,
                             user_data))
    return;
  task = g_task_new (driver, cancellable, callback, user_data);
  op = g_new0 (Op, 1);
  g_task_set_source_tag (task, cgminer_poll_async);
  g_task_set_name (task, "hf_cgminer_poll");
  op->family = family;
  op->miner = g_object_ref (miner);
  op->deadline = hf_config_deadline (config);
  g_task_set_task_data (task, op, op_free);

  g_object_set_data_full (G_OBJECT (task), "config", hf_config_copy (config),
                          (GDestroyNotify) hf_config_unref);

  /* One connection for all the poll commands where the firmware allows:
   * for a large fleet, connections are most of the cost of a cycle. */
  if (multi_usable (family->poll_commands)
      && g_object_get_data (G_OBJECT (miner), NO_MULTI_KEY) == NULL)
    {
      g_autofree char *command = multi_command (family->poll_commands);

      hf_cgminer_command_async (hf_miner_get_address (miner), hf_cgminer_port_of (miner, config),
                                command, NULL, family->flags | HF_CGMINER_NO_STATUS_CHECK,
                                config, hf_config_deadline (config), cancellable, multi_cb,
                                task);
      return;
    }
  poll_one_by_one (task);
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
hf_cgminer_driver_command_async (HfCgminerDriver     *self,
                                 HfMiner             *miner,
                                 const char          *command,
                                 const char          *parameter,
                                 const HfConfig      *config,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HF_IS_CGMINER_DRIVER (self));
  g_return_if_fail (HF_IS_MINER (miner));
  g_return_if_fail (command != NULL && config != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_cgminer_driver_command_async);
  g_task_set_name (task, "hf_cgminer_command");
  hf_cgminer_command_async (hf_miner_get_address (miner), hf_cgminer_port_of (miner, config),
                            command, parameter, self->family->flags, config,
                            hf_config_deadline (config), cancellable, command_cb, task);
}

/* The HfDriver interface, from the family's description. */

static HfFamily
cgminer_get_family (HfDriver *driver)
{
  return HF_CGMINER_DRIVER (driver)->family->family;
}

static HfCapabilities
cgminer_get_capabilities (HfDriver *driver,
                          HfMiner  *miner)
{
  const HfCgminerFamily *family = HF_CGMINER_DRIVER (driver)->family;

  if (family->capabilities_of != NULL && miner != NULL)
    return family->capabilities_of (miner, family->capabilities);
  return family->capabilities;
}

static void
cgminer_identify_async (HfDriver            *driver,
                        const char          *address,
                        const HfConfig      *config,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  HfCgminerDriver *self = HF_CGMINER_DRIVER (driver);

  if (self->family->identify_async != NULL)
    self->family->identify_async (self, address, config, cancellable, callback, user_data);
  else
    hf_cgminer_driver_api_identify_async (self, address, config, cancellable, callback,
                                          user_data);
}

static void
cgminer_restart_async (HfDriver            *driver,
                       HfMiner             *miner,
                       const HfConfig      *config,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  HfCgminerDriver *self = HF_CGMINER_DRIVER (driver);

  if (self->family->restart_async != NULL)
    self->family->restart_async (self, miner, config, cancellable, callback, user_data);
  else
    hf_cgminer_driver_command_async (self, miner, self->family->restart_command,
                                     self->family->restart_parameter, config, cancellable,
                                     callback, user_data);
}

static void
cgminer_apply_async (HfDriver              *driver,
                     HfMiner               *miner,
                     const HfMinerSettings *settings,
                     const HfConfig        *config,
                     GCancellable          *cancellable,
                     GAsyncReadyCallback    callback,
                     gpointer               user_data)
{
  HfCgminerDriver *self = HF_CGMINER_DRIVER (driver);

  if (self->family->apply_async != NULL)
    self->family->apply_async (self, miner, settings, config, cancellable, callback, user_data);
  else
    driver_defaults->apply_async (driver, miner, settings, config, cancellable, callback,
                                  user_data);
}

static void
cgminer_action_async (HfDriver            *driver,
                      HfMiner             *miner,
                      HfMinerAction        action,
                      const HfConfig      *config,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  HfCgminerDriver *self = HF_CGMINER_DRIVER (driver);

  if (self->family->action_async != NULL)
    self->family->action_async (self, miner, action, config, cancellable, callback, user_data);
  else
    driver_defaults->action_async (driver, miner, action, config, cancellable, callback,
                                   user_data);
}

static void
driver_iface_init (HfDriverInterface *iface)
{
  driver_defaults = g_type_default_interface_peek (HF_TYPE_DRIVER);
  iface->get_family = cgminer_get_family;
  iface->get_capabilities = cgminer_get_capabilities;
  iface->identify_async = cgminer_identify_async;
  iface->poll_async = cgminer_poll_async;
  iface->restart_async = cgminer_restart_async;
  iface->apply_async = cgminer_apply_async;
  iface->action_async = cgminer_action_async;
}

static void
hf_cgminer_driver_class_init (HfCgminerDriverClass *klass)
{
}

static void
hf_cgminer_driver_init (HfCgminerDriver *self)
{
}

HfDriver *
hf_cgminer_driver_new (const HfCgminerFamily *family)
{
  HfCgminerDriver *self;

  g_return_val_if_fail (family != NULL, NULL);
  g_return_val_if_fail (family->parse_identity != NULL && family->parse_reading != NULL, NULL);
  g_return_val_if_fail (family->restart_command != NULL || family->restart_async != NULL, NULL);

  self = g_object_new (HF_TYPE_CGMINER_DRIVER, NULL);
  self->family = family;
  return HF_DRIVER (self);
}
