/* hf-driver.c — the HfDriver interface: argument checks, the optional operations' defaults
 * SPDX-License-Identifier: MIT
 */
#include "hf-driver.h"
#include "hf-error.h"

G_DEFINE_INTERFACE (HfDriver, hf_driver, G_TYPE_OBJECT)

/* The optional operations of a driver without them.  Every driver's vtable
 * starts as a copy of these; one that serves families with and without an
 * operation (HfCgminerDriver) falls back to them per family. */

static HfCapabilities
default_get_capabilities (HfDriver *self,
                          HfMiner  *miner)
{
  return HF_CAP_RESTART;
}

static void
unsupported (HfDriver            *self,
             HfMiner             *miner,
             const char          *what,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, unsupported, HF_ERROR,
                           HF_ERROR_UNSUPPORTED, "%s: %s miners cannot %s here yet",
                           hf_miner_get_address (miner),
                           hf_family_display_name (hf_miner_get_family (miner)), what);
}

static void
unsupported_apply_async (HfDriver              *self,
                         HfMiner               *miner,
                         const HfMinerSettings *settings,
                         const HfConfig        *config,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  unsupported (self, miner, "change settings", callback, user_data);
}

static void
unsupported_options_async (HfDriver            *self,
                           HfMiner             *miner,
                           const HfConfig      *config,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  unsupported (self, miner, "list their settings", callback, user_data);
}

static void
unsupported_action_async (HfDriver            *self,
                          HfMiner             *miner,
                          HfMinerAction        action,
                          const HfConfig      *config,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  unsupported (self, miner, action == HF_ACTION_IDENTIFY ? "identify" : "pause or resume",
               callback, user_data);
}

static void
hf_driver_default_init (HfDriverInterface *iface)
{
  iface->get_capabilities = default_get_capabilities;
  iface->apply_async = unsupported_apply_async;
  iface->options_async = unsupported_options_async;
  iface->action_async = unsupported_action_async;
}

HfFamily
hf_driver_get_family (HfDriver *self)
{
  g_return_val_if_fail (HF_IS_DRIVER (self), HF_FAMILY_UNKNOWN);
  return HF_DRIVER_GET_IFACE (self)->get_family (self);
}

void
hf_driver_identify_async (HfDriver            *self,
                          const char          *address,
                          const HfConfig      *config,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (HF_IS_DRIVER (self));
  g_return_if_fail (address != NULL);
  g_return_if_fail (config != NULL);
  HF_DRIVER_GET_IFACE (self)->identify_async (self, address, config, cancellable,
                                              callback, user_data);
}

HfMiner *
hf_driver_identify_finish (HfDriver      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (HF_IS_DRIVER (self), NULL);
  if (HF_DRIVER_GET_IFACE (self)->identify_finish)
    return HF_DRIVER_GET_IFACE (self)->identify_finish (self, result, error);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hf_driver_poll_async (HfDriver            *self,
                      HfMiner             *miner,
                      const HfConfig      *config,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (HF_IS_DRIVER (self));
  g_return_if_fail (HF_IS_MINER (miner));
  g_return_if_fail (config != NULL);
  HF_DRIVER_GET_IFACE (self)->poll_async (self, miner, config, cancellable, callback, user_data);
}

HfReading *
hf_driver_poll_finish (HfDriver      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (HF_IS_DRIVER (self), NULL);
  if (HF_DRIVER_GET_IFACE (self)->poll_finish)
    return HF_DRIVER_GET_IFACE (self)->poll_finish (self, result, error);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hf_driver_restart_async (HfDriver            *self,
                         HfMiner             *miner,
                         const HfConfig      *config,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (HF_IS_DRIVER (self));
  g_return_if_fail (HF_IS_MINER (miner));
  g_return_if_fail (config != NULL);
  HF_DRIVER_GET_IFACE (self)->restart_async (self, miner, config, cancellable,
                                             callback, user_data);
}

gboolean
hf_driver_restart_finish (HfDriver      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (HF_IS_DRIVER (self), FALSE);
  if (HF_DRIVER_GET_IFACE (self)->restart_finish)
    return HF_DRIVER_GET_IFACE (self)->restart_finish (self, result, error);
  return g_task_propagate_boolean (G_TASK (result), error);
}

HfCapabilities
hf_driver_get_capabilities (HfDriver *self,
                            HfMiner  *miner)
{
  g_return_val_if_fail (HF_IS_DRIVER (self), 0);
  return HF_DRIVER_GET_IFACE (self)->get_capabilities (self, miner);
}

void
hf_driver_apply_async (HfDriver              *self,
                       HfMiner               *miner,
                       const HfMinerSettings *settings,
                       const HfConfig        *config,
                       GCancellable          *cancellable,
                       GAsyncReadyCallback    callback,
                       gpointer               user_data)
{
  g_return_if_fail (HF_IS_DRIVER (self));
  g_return_if_fail (HF_IS_MINER (miner));
  g_return_if_fail (settings != NULL && config != NULL);
  HF_DRIVER_GET_IFACE (self)->apply_async (self, miner, settings, config, cancellable, callback,
                                           user_data);
}

gboolean
hf_driver_apply_finish (HfDriver      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hf_driver_action_async (HfDriver            *self,
                        HfMiner             *miner,
                        HfMinerAction        action,
                        const HfConfig      *config,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (HF_IS_DRIVER (self));
  g_return_if_fail (HF_IS_MINER (miner));
  HF_DRIVER_GET_IFACE (self)->action_async (self, miner, action, config, cancellable, callback,
                                            user_data);
}

gboolean
hf_driver_action_finish (HfDriver      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hf_driver_options_async (HfDriver            *self,
                         HfMiner             *miner,
                         const HfConfig      *config,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (HF_IS_DRIVER (self));
  g_return_if_fail (HF_IS_MINER (miner));
  HF_DRIVER_GET_IFACE (self)->options_async (self, miner, config, cancellable, callback,
                                             user_data);
}

HfMinerOptions *
hf_driver_options_finish (HfDriver      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
