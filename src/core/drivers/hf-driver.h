/* hf-driver.h — what every miner family's protocol can do
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-config.h"
#include "hf-miner.h"
#include "hf-miner-settings.h"

G_BEGIN_DECLS

#define HF_TYPE_DRIVER (hf_driver_get_type ())

G_DECLARE_INTERFACE (HfDriver, hf_driver, HF, DRIVER, GObject)

/**
 * HfDriverInterface:
 * @identify_async: ask @address whether it is a miner of this family; the
 *   result is a new #HfMiner with its identity filled in
 * @poll_async: read @miner's current numbers into an #HfReading
 * @restart_async: ask @miner to reboot; succeeds only when it accepted
 *
 * Drivers are stateless about the fleet: one instance per family serves
 * every miner.  Every call is async on the thread-default main context,
 * honours the cancellable, and ends within config->timeout_ms.
 */
struct _HfDriverInterface
{
  GTypeInterface parent_iface;

  HfFamily    (*get_family)      (HfDriver            *self);

  void        (*identify_async)  (HfDriver            *self,
                                  const char          *address,
                                  const HfConfig      *config,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
  HfMiner    *(*identify_finish) (HfDriver            *self,
                                  GAsyncResult        *result,
                                  GError             **error);

  void        (*poll_async)      (HfDriver            *self,
                                  HfMiner             *miner,
                                  const HfConfig      *config,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
  HfReading  *(*poll_finish)     (HfDriver            *self,
                                  GAsyncResult        *result,
                                  GError             **error);

  void        (*restart_async)   (HfDriver            *self,
                                  HfMiner             *miner,
                                  const HfConfig      *config,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
  gboolean    (*restart_finish)  (HfDriver            *self,
                                  GAsyncResult        *result,
                                  GError             **error);

  /* Optional: what @miner supports beyond polling (default: restart). */
  HfCapabilities (*get_capabilities) (HfDriver        *self,
                                      HfMiner         *miner);
  /* Optional: write @settings, refusing values the model does not take
   * before anything is sent (HF_ERROR_INVALID naming the allowed ones);
   * default: HF_ERROR_UNSUPPORTED. */
  void        (*apply_async)     (HfDriver              *self,
                                  HfMiner               *miner,
                                  const HfMinerSettings *settings,
                                  const HfConfig        *config,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data);
  /* Optional: what the model takes (an HfMinerOptions, through the task);
   * default: HF_ERROR_UNSUPPORTED. */
  void        (*options_async)   (HfDriver            *self,
                                  HfMiner             *miner,
                                  const HfConfig      *config,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
  /* Optional: identify, pause or resume; default: HF_ERROR_UNSUPPORTED. */
  void        (*action_async)    (HfDriver            *self,
                                  HfMiner             *miner,
                                  HfMinerAction        action,
                                  const HfConfig      *config,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
};

/* The driver of @family (owned by the core; do not unref), or NULL. */
HfDriver   *hf_driver_for_family     (HfFamily             family);

HfFamily    hf_driver_get_family     (HfDriver            *self);
void        hf_driver_identify_async (HfDriver            *self,
                                      const char          *address,
                                      const HfConfig      *config,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
HfMiner    *hf_driver_identify_finish(HfDriver            *self,
                                      GAsyncResult        *result,
                                      GError             **error);
void        hf_driver_poll_async     (HfDriver            *self,
                                      HfMiner             *miner,
                                      const HfConfig      *config,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
HfReading  *hf_driver_poll_finish    (HfDriver            *self,
                                      GAsyncResult        *result,
                                      GError             **error);
void        hf_driver_restart_async  (HfDriver            *self,
                                      HfMiner             *miner,
                                      const HfConfig      *config,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean    hf_driver_restart_finish (HfDriver            *self,
                                      GAsyncResult        *result,
                                      GError             **error);

HfCapabilities hf_driver_get_capabilities (HfDriver          *self,
                                          HfMiner           *miner);
/* Both finish with g_task_propagate_boolean(); a family without the
 * operation fails with HF_ERROR_UNSUPPORTED. */
void        hf_driver_apply_async    (HfDriver              *self,
                                      HfMiner               *miner,
                                      const HfMinerSettings *settings,
                                      const HfConfig        *config,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data);
gboolean    hf_driver_apply_finish   (HfDriver            *self,
                                      GAsyncResult        *result,
                                      GError             **error);
void        hf_driver_options_async  (HfDriver            *self,
                                      HfMiner             *miner,
                                      const HfConfig      *config,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
HfMinerOptions *hf_driver_options_finish (HfDriver        *self,
                                      GAsyncResult        *result,
                                      GError             **error);
void        hf_driver_action_async   (HfDriver            *self,
                                      HfMiner             *miner,
                                      HfMinerAction        action,
                                      const HfConfig      *config,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean    hf_driver_action_finish  (HfDriver            *self,
                                      GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
