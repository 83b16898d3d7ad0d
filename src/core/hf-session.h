/* hf-session.h — one fleet, its history, and everything that acts on them
 * SPDX-License-Identifier: MIT
 *
 * Every face of Hashfleet (the app, `hashfleet-cli serve`, `watch`, `set`
 * and the other commands, and the HTTP API its host hands a session to)
 * drives one HfSession: restoring the fleet from the store, recording its
 * readings, discovering and adding miners, removing them, and acting on
 * them (restart, identify, pause, resume, settings checked in the next
 * reading) happen here once.  No face touches a driver, the recorder or
 * the store's write path itself.
 */
#pragma once

#include <gio/gio.h>

#include "hf-alerts.h"
#include "hf-config.h"
#include "hf-energy-meter.h"
#include "hf-fleet.h"
#include "hf-groups.h"
#include "hf-miner-settings.h"
#include "hf-notifier.h"
#include "hf-power-budget.h"
#include "hf-scanner.h"
#include "hf-store.h"
#include "hf-store-groups.h"

G_BEGIN_DECLS

/* hf-mqtt.h and hf-scheduler.h build on the session. */
typedef struct _HfMqtt HfMqtt;
typedef struct _HfScheduler HfScheduler;
typedef struct _HfThermalGuardian HfThermalGuardian;
typedef struct _HfTuner HfTuner;

#define HF_TYPE_SESSION (hf_session_get_type ())
G_DECLARE_FINAL_TYPE (HfSession, hf_session, HF, SESSION, GObject)

/* A session over the database at @store_path (NULL: keep no history), for
 * miners reached with @config (copied).  Nothing is read or polled until
 * hf_session_load_async() and hf_session_start(). */
HfSession      *hf_session_new                (const char           *store_path,
                                               const HfConfig       *config);

/* Open the store on a worker thread, restore the fleet it holds (each
 * miner offline with its last reading until polled) and record from then
 * on.  A store that cannot be opened (locked by another program, not
 * readable) fails here and is left as it is; loading may be tried again.
 * Without a store path this succeeds at once. */
void            hf_session_load_async         (HfSession            *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        hf_session_load_finish        (HfSession            *self,
                                               GAsyncResult         *result,
                                               GError              **error);
gboolean        hf_session_get_loaded         (HfSession            *self);
/* Whether loading puts the stored fleet into the fleet (the default), or
 * only opens the store to record the miners given (`watch ADDRESS…`).
 * Before loading. */
void            hf_session_set_restore        (HfSession            *self,
                                               gboolean              restore);

HfFleet        *hf_session_get_fleet          (HfSession            *self);
/* For reading (charts, export, pool profiles); NULL until loaded, or when
 * the session keeps no history.  Writes go through the session. */
HfStore        *hf_session_get_store          (HfSession            *self);
const char     *hf_session_get_store_path     (HfSession            *self);
HfAlerts       *hf_session_get_alerts         (HfSession            *self);
/* Schedules: what state each scheduled miner is kept in (hf-scheduler.h);
 * it reads them once loaded and enforces them while the session polls. */
HfScheduler    *hf_session_get_scheduler      (HfSession            *self);
/* The thermal guardian (hf-thermal-guardian.h): steps a guarded miner
 * down when hot and back up once cool; it reads its guards once loaded. */
HfThermalGuardian *hf_session_get_guardian    (HfSession            *self);
/* Guarded auto-tunes (hf-tuner.h): tunes a previous run left running are
 * put back once loaded, and every tune is stopped (original settings
 * back) at shutdown, which waits for it within its timeout. */
HfTuner        *hf_session_get_tuner          (HfSession            *self);
/* The named groups of miners, restored with the fleet (empty until
 * loaded, and kept only in memory without a store). */
HfGroups       *hf_session_get_groups         (HfSession            *self);
/* Where alerts and found blocks go besides the faces' own signals: no
 * channel until a face adds its URLs. */
HfNotifier     *hf_session_get_notifier       (HfSession            *self);
/* Energy: counters since the start and today's and this month's totals
 * from the store (see hf-energy-meter.h), at the prices of the tariff
 * (NULL: no cost; the app and `serve` set it from their settings). */
HfEnergyMeter  *hf_session_get_energy_meter   (HfSession            *self);
void            hf_session_set_tariff         (HfSession            *self,
                                               HfTariff             *tariff);
HfTariff       *hf_session_get_tariff         (HfSession            *self);
/* The power budget (see hf-power-budget.h): off until set; the watts and
 * the miners it curtailed are kept in the store across restarts.
 * @watts 0 or less: no budget (what it curtailed is brought back). */
HfPowerBudget  *hf_session_get_power_budget   (HfSession            *self);
void            hf_session_set_power_budget   (HfSession            *self,
                                               double                watts);
const HfConfig *hf_session_get_config         (HfSession            *self);
void            hf_session_set_config         (HfSession            *self,
                                               const HfConfig       *config);
void            hf_session_set_poll_interval  (HfSession            *self,
                                               guint                 seconds);
/* How long a miner may go without an accepted share before it is
 * "not-hashing" (see hf_fleet_set_not_hashing_after()). */
void            hf_session_set_not_hashing_after (HfSession         *self,
                                                  guint              seconds);
/* Discovery's probe deadline and sockets in flight (0: the defaults). */
void            hf_session_set_scan_options   (HfSession            *self,
                                               guint                 connect_timeout_ms,
                                               guint                 concurrency);
guint           hf_session_get_poll_interval  (HfSession            *self);
void            hf_session_get_scan_options   (HfSession            *self,
                                               guint                *connect_timeout_ms,
                                               guint                *concurrency);
/* What a discovery given no targets scans (the API's POST /api/discover
 * with no subnet): @subnets (CIDR blocks, ranges, addresses), or with none
 * (NULL or empty) the subnets of this machine's own interfaces. */
void            hf_session_set_subnets        (HfSession            *self,
                                               const char * const   *subnets);
/* Those targets, parsed; NULL and @error when one does not parse or there
 * is no network to scan. */
GArray         *hf_session_get_discover_targets (HfSession          *self,
                                                 GError            **error);

/* Poll the fleet now, then every interval; stop doing so. */
void            hf_session_start              (HfSession            *self);
void            hf_session_stop               (HfSession            *self);
/* A cycle now (FALSE when one is running). */
gboolean        hf_session_refresh            (HfSession            *self);

/* ---- discovery and adding ---------------------------------------------- */

/**
 * HfDiscoverResult:
 * @summary: what the scan did
 * @added: miners new to the fleet (the others were known already)
 * @unidentified: "ADDRESS: reason" for each device that answered a miner
 *   port but could not be identified
 */
typedef struct
{
  HfScanSummary *summary;
  guint          added;
  GPtrArray     *unidentified;
} HfDiscoverResult;

void            hf_discover_result_free       (HfDiscoverResult     *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfDiscoverResult, hf_discover_result_free)

/* Scan @ranges (HfRange) for miners.  Each one found joins the fleet (a
 * slice at a time, so that a /22 of miners never holds the main loop) and
 * is saved; ::discover-found, ::discover-unidentified and
 * ::discover-progress say so as it goes.  One discovery at a time: another
 * fails with G_IO_ERROR_PENDING.  A started session polls the fleet as
 * soon as it ends. */
void            hf_session_discover_async     (HfSession            *self,
                                               GArray               *ranges,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
HfDiscoverResult *hf_session_discover_finish  (HfSession            *self,
                                               GAsyncResult         *result,
                                               GError              **error);
gboolean        hf_session_get_discovering    (HfSession            *self);

/* Identify the miner at @address (on @http_port / @cgminer_port, 0 for
 * the configured ones) and add it to the fleet and the store (a started
 * session polls it at once).  The result is the fleet's miner;
 * *@already_known says it was in the fleet before (then nothing is asked
 * of the network unless other ports were given). */
void            hf_session_add_async          (HfSession            *self,
                                               const char           *address,
                                               guint16               http_port,
                                               guint16               cgminer_port,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
HfMiner        *hf_session_add_finish         (HfSession            *self,
                                               GAsyncResult         *result,
                                               gboolean             *already_known,
                                               GError              **error);

/* The miner leaves the fleet at once; its rows (with @keep_history, only
 * the miner, its readings stay) go on the store's worker. */
void            hf_session_remove_async       (HfSession            *self,
                                               HfMiner              *miner,
                                               gboolean              keep_history,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        hf_session_remove_finish      (HfSession            *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Name @miner as the user calls it (NULL or "": its own name again); the
 * name shows everywhere (hf_miner_get_display_name()) and is saved. */
void            hf_session_set_label          (HfSession            *self,
                                               HfMiner              *miner,
                                               const char           *label);

/* ---- acting on a miner ----------------------------------------------- */

/* A fresh reading of @miner (see hf_fleet_poll_miner_async()). */
void            hf_session_poll_async         (HfSession            *self,
                                               HfMiner              *miner,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
HfReading      *hf_session_poll_finish        (HfSession            *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Reboot; the miner is "restarting" until it is back. */
void            hf_session_restart_async      (HfSession            *self,
                                               HfMiner              *miner,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        hf_session_restart_finish     (HfSession            *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Identify, pause or resume; once accepted, a started session takes a
 * fresh reading so that what the miner now does shows. */
void            hf_session_act_async          (HfSession            *self,
                                               HfMiner              *miner,
                                               HfMinerAction         action,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        hf_session_act_finish         (HfSession            *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* What @miner's model takes (frequencies, voltages, work modes). */
void            hf_session_options_async      (HfSession            *self,
                                               HfMiner              *miner,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
HfMinerOptions *hf_session_options_finish     (HfSession            *self,
                                               GAsyncResult         *result,
                                               GError              **error);

typedef enum
{
  HF_APPLY_NONE    = 0,
  HF_APPLY_RESTART = 1 << 0,    /* restart after writing, check after it */
} HfApplyFlags;

typedef enum
{
  HF_APPLY_APPLIED,             /* the next reading shows the change */
  HF_APPLY_APPLIED_AFTER_RESTART,
  HF_APPLY_NOT_APPLIED,         /* the next reading shows something else */
  HF_APPLY_UNCHECKED,           /* accepted, but no reading came to check it */
} HfApplyOutcome;

/* Write @settings (values the model does not take are refused before
 * anything is sent), restart if asked, then check the change in a reading
 * taken after it.  An error means the write (or the restart) failed;
 * otherwise the outcome, with what the miner reads instead in *@detail
 * for HF_APPLY_NOT_APPLIED.  ::settings-written is emitted once the
 * miner accepted the write, before the check. */
void            hf_session_apply_async        (HfSession             *self,
                                               HfMiner               *miner,
                                               const HfMinerSettings *settings,
                                               HfApplyFlags           flags,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
HfApplyOutcome  hf_session_apply_finish       (HfSession            *self,
                                               GAsyncResult         *result,
                                               char                **detail,
                                               GError              **error);
/* "applied", "applied after restart", "not applied (…)", … for people. */
char           *hf_apply_outcome_describe     (HfApplyOutcome        outcome,
                                               const char           *detail);

/* ---- pool profiles ------------------------------------------------------ */

/* Save (or replace) / delete a named pool profile, on the store's writer;
 * both finish with hf_session_pool_profile_finish().  Reading them is
 * hf_store_list_pool_profiles()/hf_store_load_pool_profile() on the
 * session's store. */
void            hf_session_save_pool_profile_async   (HfSession             *self,
                                                      const char            *name,
                                                      const HfMinerSettings *pools,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
void            hf_session_delete_pool_profile_async (HfSession             *self,
                                                      const char            *name,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
gboolean        hf_session_pool_profile_finish       (HfSession             *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);

/* ---- groups ------------------------------------------------------------ */

/* Change the groups (see HfGroupChange: @new_name for a rename, @miners —
 * the fleet's — to add, remove or set): checked and made in memory at
 * once (::changed on the groups), then saved on the store's writer; it
 * finishes once saved.  A name taken (any case), no such group, or a name
 * hf_groups_check_name() refuses is HF_ERROR_INVALID, nothing changed. */
void            hf_session_change_group_async  (HfSession            *self,
                                                HfGroupChange         change,
                                                const char           *name,
                                                const char           *new_name,
                                                HfMiner             **miners,
                                                guint                 n,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean        hf_session_change_group_finish (HfSession            *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* ---- faces the session keeps --------------------------------------------- */

/* Keep @mqtt (started by the caller, see hf-mqtt.h) publishing this
 * session's fleet until shutdown, which stops it ("offline") before the
 * store's last writes; NULL stops and drops the one kept. */
void            hf_session_set_mqtt           (HfSession            *self,
                                               HfMqtt               *mqtt);
HfMqtt         *hf_session_get_mqtt           (HfSession            *self);

/* ---- the end --------------------------------------------------------- */

/* Finishes once every cycle recorded so far and every change queued
 * before it is in the store (an export then has everything up to now),
 * or @timeout_ms passed (an error then).  Without a store, at once. */
void            hf_session_flush_async        (HfSession            *self,
                                               guint                 timeout_ms,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        hf_session_flush_finish       (HfSession            *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Stop polling and discovery, then wait — on the main loop, never in a
 * nested one — until the last cycle's readings and every queued change
 * are in the store, or @timeout_ms passed (FALSE then). */
void            hf_session_shutdown_async     (HfSession            *self,
                                               guint                 timeout_ms,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        hf_session_shutdown_finish    (HfSession            *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
