/* hf-cgminer-driver.h — one HfDriver for every family behind a cgminer-style API
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-cgminer-client.h"
#include "hf-driver.h"

G_BEGIN_DECLS

#define HF_TYPE_CGMINER_DRIVER (hf_cgminer_driver_get_type ())

G_DECLARE_FINAL_TYPE (HfCgminerDriver, hf_cgminer_driver, HF, CGMINER_DRIVER, GObject)

/**
 * HfCgminerFamily:
 * @family: the family the driver serves
 * @flags: added to every request to these miners
 * @identify_commands: sent to identify (see hf_cgminer_commands_async())
 * @parse_identity: fills in @miner from the replies, or says why it is not one of these
 * @poll_commands: sent to poll; in one multi-command where the firmware allows
 * @parse_reading: makes a reading of the replies
 * @restart_command: the API command that restarts a miner, unless @restart_async
 * @restart_parameter: its parameter, or NULL
 * @capabilities: what these miners support beyond polling
 * @identify_async: optional: identify some other way than by the API commands alone
 * @restart_async: optional: restart some other way than by @restart_command
 * @apply_async: optional: write settings (without it: HF_ERROR_UNSUPPORTED)
 * @action_async: optional: identify, pause or resume (without it: HF_ERROR_UNSUPPORTED)
 * @complete_async: optional: after @parse_reading, read what the API
 *   replies lack (whether a miner at 0 H/s was paused on purpose) into the
 *   reading (taken), by the poll's @deadline_us; finishes with
 *   g_task_propagate_pointer() and the reading (a failure to read more
 *   leaves it as it was rather than failing the poll)
 * @poll_async: optional: poll @miner some other way than by @poll_commands
 *   (a second API of the family); finishes with g_task_propagate_pointer()
 *   and an #HfReading; FALSE when it did not take the poll (then the
 *   commands are sent)
 * @capabilities_of: optional: what @miner supports, where it depends on the
 *   miner (a firmware's management API that answered, the API it speaks),
 *   from the family's @capabilities
 *
 * What one cgminer-style family is: which commands identify and poll it,
 * how their replies (a GPtrArray of JsonObject*, one slot per command, NULL
 * for a failed optional one) become an identity or a reading, how it
 * restarts, and the operations it does differently.  The optional
 * functions are the family's HfDriverInterface ones, with its driver as
 * the source object of their tasks.
 */
typedef struct _HfCgminerFamily HfCgminerFamily;

struct _HfCgminerFamily
{
  HfFamily            family;
  HfCgminerFlags      flags;
  const char * const *identify_commands;
  gboolean          (*parse_identity) (GPtrArray  *replies,
                                       HfMiner    *miner,
                                       GError    **error);
  const char * const *poll_commands;
  HfReading        *(*parse_reading)  (GPtrArray  *replies,
                                       HfMiner    *miner,
                                       GError    **error);
  const char         *restart_command;
  const char         *restart_parameter;
  HfCapabilities      capabilities;

  void              (*identify_async) (HfCgminerDriver       *driver,
                                       const char            *address,
                                       const HfConfig        *config,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  void              (*restart_async)  (HfCgminerDriver       *driver,
                                       HfMiner               *miner,
                                       const HfConfig        *config,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  void              (*apply_async)    (HfCgminerDriver       *driver,
                                       HfMiner               *miner,
                                       const HfMinerSettings *settings,
                                       const HfConfig        *config,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  void              (*action_async)   (HfCgminerDriver       *driver,
                                       HfMiner               *miner,
                                       HfMinerAction          action,
                                       const HfConfig        *config,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  void              (*complete_async) (HfCgminerDriver       *driver,
                                       HfMiner               *miner,
                                       HfReading             *reading,
                                       const HfConfig        *config,
                                       gint64                 deadline_us,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  gboolean          (*poll_async)     (HfCgminerDriver       *driver,
                                       HfMiner               *miner,
                                       const HfConfig        *config,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  HfCapabilities    (*capabilities_of) (HfMiner              *miner,
                                        HfCapabilities        capabilities);
};

/* A driver for @family (static: it must outlive the driver). */
HfDriver  *hf_cgminer_driver_new               (const HfCgminerFamily *family);

/* The shared steps, for a family's own operations to build on; their tasks
 * come from @self. */

/* Identify by the family's API commands alone; finishes with
 * hf_driver_identify_finish(). */
void       hf_cgminer_driver_api_identify_async (HfCgminerDriver      *self,
                                                 const char           *address,
                                                 const HfConfig       *config,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* Send one command that changes the miner and check that it was accepted;
 * finishes with g_task_propagate_boolean(). */
void       hf_cgminer_driver_command_async      (HfCgminerDriver      *self,
                                                 HfMiner              *miner,
                                                 const char           *command,
                                                 const char           *parameter,
                                                 const HfConfig       *config,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
/* The cgminer port to use for @miner (its own, else the configured one). */
guint16    hf_cgminer_port_of                   (HfMiner              *miner,
                                                 const HfConfig       *config);

G_END_DECLS
