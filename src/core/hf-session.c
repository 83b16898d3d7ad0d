/* hf-session.c
 * SPDX-License-Identifier: MIT
 *
 * The session owns the fleet, the store it is restored from and recorded
 * into (through an HfRecorder), the alerts, and the flows every face
 * used to wire for itself: discovery with found miners joining a slice at
 * a time and saved, adding one address, removal with or without history,
 * actions on a miner, settings checked in a reading taken after them, and
 * an orderly end.  It knows nothing of GTK: the app shows its signals, the
 * CLI prints them, the HTTP API answers with them.
 */
#include <math.h>

#include "hf-driver.h"
#include "hf-energy-meter.h"
#include "hf-error.h"
#include "hf-identify.h"
#include "hf-notification.h"
#include "hf-process.h"
#include "hf-recorder.h"
#include "hf-scheduler.h"
#include "hf-session.h"
#include "hf-store-events.h"
#include "hf-store-groups.h"
#include "hf-store-profiles.h"
#include "hf-mqtt.h"
#include "hf-targets.h"
#include "hf-thermal-guardian.h"
#include "hf-tuner.h"

struct _HfSession
{
  GObject       parent_instance;

  char         *store_path;
  HfConfig     *config;
  HfFleet      *fleet;
  HfAlerts     *alerts;
  HfGroups     *groups;           /* named groups of miners, saved in the store */
  HfNotifier   *notifier;         /* alerts and found blocks to the user's channels */
  HfStore      *store;
  HfRecorder   *recorder;
  HfEnergyMeter *energy;          /* counters, today and this month */
  HfMqtt       *mqtt;             /* publishing to MQTT, or NULL */
  HfPowerBudget *budget;          /* curtails miners over a number of watts */
  HfScheduler  *scheduler;        /* keeps scheduled miners in their state */
  HfThermalGuardian *guardian;    /* steps hot guarded miners down, and back up */
  HfTuner      *tuner;            /* guarded auto-tunes */
  GCancellable *cancellable;       /* cancelled at shutdown */
  gboolean      loaded;
  gboolean      loading;
  gboolean      started;          /* polling every interval */
  guint         release_source;   /* hands freed memory back, once a minute */
  gboolean      restore;          /* load the stored fleet into the fleet */
  guint         poll_interval_s;
  guint         scan_connect_ms;
  guint         scan_concurrency;
  char        **subnets;          /* what discovery scans by default; NULL: our networks */

  /* The discovery in progress.  Found miners wait in @found and join the
   * fleet ADD_SLICE_US at a time (add_found_cb); its end waits for them. */
  GTask        *discover;
  HfScanner    *scanner;
  GQueue        found;
  guint         found_source;
  gboolean      scan_done;
  HfScanSummary *scan_summary;
  GError       *scan_error;
  HfDiscoverResult *discover_result;
};

enum {
  SIGNAL_DISCOVER_FOUND,
  SIGNAL_DISCOVER_PROGRESS,
  SIGNAL_DISCOVER_UNIDENTIFIED,
  SIGNAL_SETTINGS_WRITTEN,
  SIGNAL_HISTORY_FAILED,
  SIGNAL_HISTORY_RECOVERED,
  SIGNAL_BLOCK_FOUND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfSession, hf_session, G_TYPE_OBJECT)

/* A /22 of miners answering at once must not hold the main loop: found
 * miners join ADD_SLICE_US at a time, one slice every ADD_EVERY_MS, from a
 * timer just below default priority (network and input go first) but
 * above redraw, so that a window whose frames are always late (software
 * GL) still sees them arrive. */
#define ADD_SLICE_US 4000
#define ADD_EVERY_MS 16

/* How long a change has to show in a reading. */
#define VERIFY_TIMEOUT_S          60
#define VERIFY_RESTART_TIMEOUT_S  240
#define VERIFY_RETRY_S            2

/* While polling, freed memory goes back to the system this often
 * (hf_process_release_memory). */
#define RELEASE_MEMORY_S 60

void
hf_discover_result_free (HfDiscoverResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->summary, hf_scan_summary_free);
  g_clear_pointer (&result->unidentified, g_ptr_array_unref);
  g_free (result);
}

/* ---- the store ----------------------------------------------------------- */

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_store_save_miners_finish (HF_STORE (source), result, &error))
    g_warning ("cannot save miners: %s", error->message);
}

static void
save_miners (HfSession  *self,
             HfMiner   **miners,
             guint       n)
{
  if (self->store != NULL && n > 0)
    hf_store_save_miners_async (self->store, miners, n, NULL, saved_cb, NULL);
}

static void
record_failed_cb (HfRecorder   *recorder,
                  const GError *error,
                  HfSession    *self)
{
  g_signal_emit (self, signals[SIGNAL_HISTORY_FAILED], 0, error);
}

static void
record_recovered_cb (HfRecorder *recorder,
                     HfSession  *self)
{
  g_signal_emit (self, signals[SIGNAL_HISTORY_RECOVERED], 0);
}

static void
event_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_store_add_event_finish (HF_STORE (source), result, &error))
    g_warning ("cannot record a found block: %s", error->message);
}

/* The fleet saw a miner's counter move: record it at once (the firmware
 * forgets it at the next reboot), then say so. */
static void
block_found_cb (HfFleet         *fleet,
                HfMiner         *miner,
                guint            blocks,
                const HfReading *reading,
                HfSession       *self)
{
  if (self->store != NULL)
    {
      g_autoptr(HfStoreEvent) event = hf_store_event_new (HF_EVENT_BLOCK_FOUND);

      event->time = reading->timestamp / G_USEC_PER_SEC;
      event->count = blocks;
      event->counter = reading->found_blocks;
      event->network_difficulty = reading->network_difficulty;
      hf_store_add_event_async (self->store, miner, event, event_saved_cb, NULL);
    }
  g_signal_emit (self, signals[SIGNAL_BLOCK_FOUND], 0, miner, blocks);

  {
    g_autoptr(HfNotification) note = hf_notification_new_for_block (miner, blocks);
    hf_notifier_notify (self->notifier, note);
  }
}

/* Every alert goes to the notification channels too (none by default);
 * the notifier queues it and returns at once. */
static void
alert_notify_cb (HfAlerts   *alerts,
                 HfMiner    *miner,
                 int         kind,
                 const char *title,
                 const char *body,
                 HfSession  *self)
{
  g_autoptr(HfNotification) note = hf_notification_new_for_alert (miner, kind, title, body);

  hf_notifier_notify (self->notifier, note);
}

/* ---- loading ------------------------------------------------------------- */

typedef struct
{
  HfStore    *store;
  GPtrArray  *miners;
  GHashTable *alerts;     /* "alert:MINER:KIND" → gint64* unix seconds */
  GPtrArray  *groups;     /* HfStoreGroup* */
  GHashTable *budget;     /* "power_budget:…" → gint64* */
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->store);
  g_clear_pointer (&loaded->miners, g_ptr_array_unref);
  g_clear_pointer (&loaded->alerts, g_hash_table_unref);
  g_clear_pointer (&loaded->groups, g_ptr_array_unref);
  g_clear_pointer (&loaded->budget, g_hash_table_unref);
  g_free (loaded);
}

static void
alert_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_store_set_meta_finish (HF_STORE (source), result, &error))
    g_debug ("an alert's state is not kept: %s", error->message);
}

/* What the alerts have said (each alert's time, the best difficulties,
 * a pause asked for, the daily summary's sums) goes into the store, so
 * that a restart neither repeats nor forgets it. */
static void
alert_remember_cb (HfAlerts   *alerts,
                   const char *key,
                   gint64      value,
                   HfSession  *self)
{
  if (self->store != NULL)
    hf_store_set_meta_async (self->store, key, value, alert_saved_cb, NULL);
}

static void
budget_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_store_set_meta_finish (HF_STORE (source), result, &error))
    g_message ("the power budget's state is not kept: %s", error->message);
}

/* What holds a miner from its schedule: the budget curtails it, or the
 * thermal guardian has stepped it down (a scheduled preset would put the
 * heat back). */
static gboolean
budget_curtails (HfMiner  *miner,
                 gpointer  user_data)
{
  HfSession *self = user_data;

  /* A miner tuning is the tuner's alone. */
  if (self->tuner != NULL && hf_tuner_is_tuning (self->tuner, miner))
    return TRUE;
  return (self->budget != NULL && hf_power_budget_is_curtailed (self->budget, miner))
         || (self->guardian != NULL && hf_thermal_guardian_get_steps (self->guardian, miner) > 0);
}

/* A miner tuning is left to the tuner's own limits, not the guardian's. */
static gboolean
miner_tunes (HfMiner  *miner,
             gpointer  user_data)
{
  HfSession *self = user_data;

  return self->tuner != NULL && hf_tuner_is_tuning (self->tuner, miner);
}

/* Every new reading of a miner is the thermal guardian's to judge. */
static void
reading_cb (HfFleet         *fleet,
            HfMiner         *miner,
            const HfReading *reading,
            HfSession       *self)
{
  if (self->guardian != NULL)
    hf_thermal_guardian_check (self->guardian, miner);
}

/* A schedule in force (not overridden) that wants @miner paused. */
static gboolean
schedule_keeps_paused (HfMiner  *miner,
                       gpointer  user_data)
{
  HfSession *self = user_data;
  const HfScheduleState *state;

  /* The budget leaves a miner tuning alone too. */
  if (self->tuner != NULL && hf_tuner_is_tuning (self->tuner, miner))
    return TRUE;
  if (self->scheduler == NULL || hf_scheduler_get_override (self->scheduler, miner, NULL))
    return FALSE;
  state = hf_scheduler_get_desired (self->scheduler, miner);
  return state != NULL && state->kind == HF_SCHEDULE_PAUSED;
}

/* The budget's watts and the miners it curtailed survive a restart. */
static void
budget_remember_cb (HfPowerBudget *budget,
                    const char    *key,
                    gint64         value,
                    HfSession     *self)
{
  if (self->store != NULL)
    hf_store_set_meta_async (self->store, key, value, budget_saved_cb, NULL);
}

/* Each cycle's readings are what the budget acts on. */
static void
cycle_finished_cb (HfFleet   *fleet,
                   guint      polled,
                   guint      answered,
                   guint      elapsed_ms,
                   HfSession *self)
{
  hf_power_budget_evaluate (self->budget);
}

/* What the session polls at, for energy read by another process (`hashfleet-cli
 * energy`): readings further apart than three intervals are a gap.  Noted
 * when polling starts (or its interval changes while it polls), not at
 * load: a session that only reads writes nothing. */
static void
interval_noted_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_store_set_meta_finish (HF_STORE (source), result, &error))
    g_debug ("the poll interval is not noted: %s", error->message);
}

static void
note_poll_interval (HfSession *self)
{
  if (self->store != NULL)
    hf_store_set_meta_async (self->store, "poll_interval_s", self->poll_interval_s,
                             interval_noted_cb, NULL);
}

static void
tuner_restored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_tuner_restore_finish (HF_TUNER (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("tunes cut short cannot be put back: %s", error->message);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_new0 (Loaded, 1);
  gboolean restore = HF_SESSION (source)->restore;

  loaded->store = hf_store_open (path, &error);
  if (loaded->store != NULL)
    loaded->miners = restore ? hf_store_load_fleet (loaded->store, &error)
                             : g_ptr_array_new ();
  if (loaded->miners != NULL)
    loaded->alerts = hf_store_load_meta (loaded->store, "alert:", NULL);
  if (loaded->miners != NULL && restore)
    {
      loaded->groups = hf_store_load_groups (loaded->store, &error);
      if (loaded->groups == NULL)
        g_clear_pointer (&loaded->miners, g_ptr_array_unref);
    }
  if (loaded->miners != NULL)
    loaded->budget = hf_store_load_meta (loaded->store, "power_budget:", NULL);
  if (loaded->miners == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  self->loading = FALSE;
  if (loaded == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  self->store = g_steal_pointer (&loaded->store);
  hf_store_set_poll_interval (self->store, self->poll_interval_s);
  hf_alerts_load (self->alerts, loaded->alerts);
  hf_power_budget_load (self->budget, loaded->budget);
  for (guint i = 0; self->restore && i < loaded->miners->len; i++)
    hf_fleet_add (self->fleet, g_ptr_array_index (loaded->miners, i));
  g_debug ("restored %u miners from %s", self->restore ? loaded->miners->len : 0,
           self->store_path);
  if (loaded->groups != NULL)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();

      for (guint i = 0; i < loaded->groups->len; i++)
        {
          HfStoreGroup *group = loaded->groups->pdata[i];

          g_ptr_array_add (names, group->name);
          g_ptr_array_add (keys, group->keys);
        }
      g_ptr_array_add (names, NULL);
      g_ptr_array_add (keys, NULL);
      hf_groups_load (self->groups, (const char * const *) names->pdata, (GStrv *) keys->pdata);
    }
  loaded_free (loaded);

  self->recorder = hf_recorder_new (self->fleet, self->store);
  if (self->started)
    note_poll_interval (self);
  hf_energy_meter_set_store (self->energy, self->store);
  g_signal_connect (self->recorder, "failed", G_CALLBACK (record_failed_cb), self);
  g_signal_connect (self->recorder, "recovered", G_CALLBACK (record_recovered_cb), self);
  self->loaded = TRUE;
  hf_scheduler_set_store (self->scheduler, self->store);
  hf_thermal_guardian_set_store (self->guardian, self->store);
  /* Tunes a previous run died in get their original settings back. */
  hf_tuner_restore_async (self->tuner, self->cancellable, tuner_restored_cb, NULL);
  g_task_return_boolean (task, TRUE);
}

void
hf_session_load_async (HfSession           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) thread = NULL;

  g_return_if_fail (HF_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_load_async);
  if (self->loaded || self->store_path == NULL)
    {
      if (!self->loaded)
        {
          hf_scheduler_set_store (self->scheduler, NULL);
          hf_thermal_guardian_set_store (self->guardian, NULL);
        }
      self->loaded = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->loading)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "already loading");
      return;
    }
  self->loading = TRUE;
  thread = g_task_new (self, cancellable, loaded_cb, g_steal_pointer (&task));
  g_task_set_task_data (thread, g_strdup (self->store_path), g_free);
  g_task_run_in_thread (thread, load_thread);
}

gboolean
hf_session_load_finish (HfSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
hf_session_get_loaded (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), FALSE);
  return self->loaded;
}

/* ---- naming --------------------------------------------------------------- */

void
hf_session_set_label (HfSession  *self,
                      HfMiner    *miner,
                      const char *label)
{
  g_autofree char *name = NULL;

  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (HF_IS_MINER (miner));

  name = g_strstrip (g_strdup (label != NULL ? label : ""));
  /* "" clears the stored name too (NULL would leave it). */
  hf_miner_set_label (miner, name);
  save_miners (self, &miner, 1);
}

/* ---- discovery ----------------------------------------------------------- */

static void finish_discover (HfSession *self);

static gboolean
add_found_cb (gpointer user_data)
{
  HfSession *self = user_data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 deadline = g_get_monotonic_time () + ADD_SLICE_US;

  while (!g_queue_is_empty (&self->found)
         && (batch->len == 0 || g_get_monotonic_time () < deadline))
    {
      g_autoptr(HfMiner) miner = g_queue_pop_head (&self->found);
      guint before = hf_fleet_get_total_count (self->fleet);
      HfMiner *known = hf_fleet_add (self->fleet, miner);
      gboolean is_new = hf_fleet_get_total_count (self->fleet) > before;

      if (is_new)
        self->discover_result->added++;
      g_ptr_array_add (batch, g_object_ref (known));
      g_signal_emit (self, signals[SIGNAL_DISCOVER_FOUND], 0, known, is_new);
    }
  save_miners (self, (HfMiner **) batch->pdata, batch->len);

  if (!g_queue_is_empty (&self->found))
    return G_SOURCE_CONTINUE;
  self->found_source = 0;
  if (self->scan_done)
    finish_discover (self);
  return G_SOURCE_REMOVE;
}

static void
scan_found_cb (HfScanner *scanner,
               HfMiner   *miner,
               HfSession *self)
{
  g_queue_push_tail (&self->found, g_object_ref (miner));
  if (self->found_source == 0)
    self->found_source = g_timeout_add_full (G_PRIORITY_DEFAULT + 10, ADD_EVERY_MS,
                                             add_found_cb, self, NULL);
}

static void
scan_unidentified_cb (HfScanner  *scanner,
                      const char *address,
                      const char *reason,
                      HfSession  *self)
{
  g_ptr_array_add (self->discover_result->unidentified,
                   g_strdup_printf ("%s: %s", address, reason));
  g_signal_emit (self, signals[SIGNAL_DISCOVER_UNIDENTIFIED], 0, address, reason);
}

static void
scan_progress_cb (HfScanner *scanner,
                  guint64    done,
                  guint64    total,
                  HfSession *self)
{
  g_signal_emit (self, signals[SIGNAL_DISCOVER_PROGRESS], 0, done, total);
}

static void
scanned_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HfSession) self = user_data;

  self->scan_summary = hf_scanner_scan_finish (HF_SCANNER (source), result, &self->scan_error);
  self->scan_done = TRUE;
  if (self->found_source == 0)
    finish_discover (self);
}

static void
finish_discover (HfSession *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->discover);
  g_autoptr(HfDiscoverResult) result = g_steal_pointer (&self->discover_result);
  g_autoptr(GError) error = g_steal_pointer (&self->scan_error);

  self->scan_done = FALSE;
  g_signal_handlers_disconnect_by_data (self->scanner, self);
  g_clear_object (&self->scanner);
  /* A polling session reads the miners now rather than at the next tick. */
  if (self->started && self->scan_summary != NULL && self->scan_summary->found > 0)
    hf_fleet_poll_now (self->fleet);
  if (self->scan_summary == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result->summary = g_steal_pointer (&self->scan_summary);
  g_task_return_pointer (task, g_steal_pointer (&result),
                         (GDestroyNotify) hf_discover_result_free);
}

void
hf_session_discover_async (HfSession           *self,
                           GArray              *ranges,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (ranges != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_discover_async);
  if (self->discover != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "a discovery is already running");
      return;
    }
  self->discover = g_steal_pointer (&task);
  self->discover_result = g_new0 (HfDiscoverResult, 1);
  self->discover_result->unidentified = g_ptr_array_new_with_free_func (g_free);
  self->scanner = hf_scanner_new (self->config);
  if (self->scan_connect_ms > 0)
    hf_scanner_set_connect_timeout (self->scanner, self->scan_connect_ms);
  if (self->scan_concurrency > 0)
    hf_scanner_set_concurrency (self->scanner, self->scan_concurrency);
  g_signal_connect (self->scanner, "miner-found", G_CALLBACK (scan_found_cb), self);
  g_signal_connect (self->scanner, "unidentified", G_CALLBACK (scan_unidentified_cb), self);
  g_signal_connect (self->scanner, "progress", G_CALLBACK (scan_progress_cb), self);
  hf_scanner_scan_async (self->scanner, ranges, cancellable, scanned_cb, g_object_ref (self));
}

HfDiscoverResult *
hf_session_discover_finish (HfSession     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
hf_session_get_discovering (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), FALSE);
  return self->discover != NULL;
}

/* ---- adding and removing ------------------------------------------------- */

static void
ignore_reading_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) reading = hf_fleet_poll_miner_finish (HF_FLEET (source), result, &error);

  /* The miner's card says how it went; nothing waits for it. */
  if (reading == NULL)
    g_debug ("first reading: %s", error->message);
}

typedef struct
{
  HfMiner  *miner;
  gboolean  already_known;
} Added;

static void
added_free (Added *added)
{
  g_clear_object (&added->miner);
  g_free (added);
}

static void
return_added (GTask    *task,
              HfMiner  *miner,
              gboolean  already_known)
{
  Added *added = g_new0 (Added, 1);

  added->miner = g_object_ref (miner);
  added->already_known = already_known;
  g_task_return_pointer (task, added, (GDestroyNotify) added_free);
}

static void
identified_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(HfMiner) miner = hf_identify_finish (result, &error);
  HfMiner *known;
  guint before;

  if (miner == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The same MAC at another address is a miner DHCP moved: known. */
  before = hf_fleet_get_total_count (self->fleet);
  known = hf_fleet_add (self->fleet, miner);
  save_miners (self, &known, 1);
  /* A polling session shows the new miner's numbers now. */
  if (self->started)
    hf_fleet_poll_miner_async (self->fleet, known, NULL, ignore_reading_cb, NULL);
  return_added (task, known, hf_fleet_get_total_count (self->fleet) == before);
}

void
hf_session_add_async (HfSession           *self,
                      const char          *address,
                      guint16              http_port,
                      guint16              cgminer_port,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HfConfig) config = NULL;
  HfMiner *known;

  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (address != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_add_async);
  known = hf_fleet_lookup_address (self->fleet, address);
  if (known != NULL && (http_port == 0 || http_port == hf_miner_get_http_port (known)))
    {
      return_added (task, known, TRUE);
      return;
    }
  config = hf_config_copy (self->config);
  if (http_port != 0)
    config->http_port = http_port;
  if (cgminer_port != 0)
    config->cgminer_port = cgminer_port;
  hf_identify_async (address, config, cancellable, identified_cb, g_steal_pointer (&task));
}

HfMiner *
hf_session_add_finish (HfSession     *self,
                       GAsyncResult  *result,
                       gboolean      *already_known,
                       GError       **error)
{
  Added *added;
  HfMiner *miner;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  added = g_task_propagate_pointer (G_TASK (result), error);
  if (added == NULL)
    return NULL;
  if (already_known != NULL)
    *already_known = added->already_known;
  miner = g_steal_pointer (&added->miner);
  added_free (added);
  return miner;
}

static void
forgotten_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (hf_store_forget_miner_finish (HF_STORE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hf_session_remove_async (HfSession           *self,
                         HfMiner             *miner,
                         gboolean             keep_history,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HfMiner) hold = NULL;

  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (HF_IS_MINER (miner));

  hold = g_object_ref (miner);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_remove_async);
  g_task_set_task_data (task, g_object_ref (miner), g_object_unref);
  hf_fleet_remove (self->fleet, miner);
  hf_groups_forget_miner (self->groups, miner);
  hf_power_budget_forget_miner (self->budget, miner);
  if (self->store == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* A miner with a long history has many rows to delete: on the worker,
   * after any write of it already asked for (the recorder leaves a miner
   * no longer in the fleet out of the cycle's write). */
  hf_store_forget_miner_async (self->store, miner, keep_history, NULL, forgotten_cb,
                               g_steal_pointer (&task));
}

gboolean
hf_session_remove_finish (HfSession     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- acting on a miner --------------------------------------------------- */

static HfDriver *
driver_or_error (GTask   *task,
                 HfMiner *miner)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (miner));

  if (driver == NULL)
    g_task_return_new_error (task, HF_ERROR, HF_ERROR_UNSUPPORTED,
                             "%s: not identified as a miner Hashfleet knows",
                             hf_miner_get_address (miner));
  return driver;
}

static void
poll_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  HfReading *reading = hf_fleet_poll_miner_finish (HF_FLEET (source), result, &error);

  if (reading == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reading, (GDestroyNotify) hf_reading_free);
}

void
hf_session_poll_async (HfSession           *self,
                       HfMiner             *miner,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (HF_IS_MINER (miner));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_poll_async);
  hf_fleet_poll_miner_async (self->fleet, miner, cancellable, poll_done_cb, task);
}

HfReading *
hf_session_poll_finish (HfSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
restarted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (hf_fleet_restart_finish (HF_FLEET (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hf_session_restart_async (HfSession           *self,
                          HfMiner             *miner,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (HF_IS_MINER (miner));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_restart_async);
  hf_fleet_restart_async (self->fleet, miner, cancellable, restarted_cb, task);
}

gboolean
hf_session_restart_finish (HfSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
acted_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfSession *self = g_task_get_source_object (task);
  HfMiner *miner = g_task_get_task_data (task);
  GError *error = NULL;

  if (!hf_driver_action_finish (HF_DRIVER (source), result, &error))
    {
      /* Not paused after all: a pause of its own would be news again. */
      if (g_object_get_data (G_OBJECT (task), "hf-pause") != NULL)
        hf_alerts_expect_paused (self->alerts, miner, FALSE);
      g_task_return_error (task, error);
      return;
    }
  /* Paused or hashing again: a polling session's next reading says which,
   * now. */
  if (self->started)
    hf_fleet_poll_miner_async (self->fleet, miner, NULL, ignore_reading_cb, NULL);
  g_task_return_boolean (task, TRUE);
}

void
hf_session_act_async (HfSession           *self,
                      HfMiner             *miner,
                      HfMinerAction        action,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HfDriver *driver;

  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (HF_IS_MINER (miner));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_act_async);
  g_task_set_task_data (task, g_object_ref (miner), g_object_unref);
  if ((driver = driver_or_error (task, miner)) == NULL)
    return;
  /* A pause asked for here is no surprise in the next reading. */
  if (action == HF_ACTION_PAUSE || action == HF_ACTION_RESUME)
    {
      hf_alerts_expect_paused (self->alerts, miner, action == HF_ACTION_PAUSE);
      g_object_set_data (G_OBJECT (task), "hf-pause", GINT_TO_POINTER (action == HF_ACTION_PAUSE));
    }
  hf_driver_action_async (driver, miner, action, self->config, cancellable, acted_cb,
                          g_steal_pointer (&task));
}

gboolean
hf_session_act_finish (HfSession     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
options_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  HfMinerOptions *options = hf_driver_options_finish (HF_DRIVER (source), result, &error);

  if (options == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, options, (GDestroyNotify) hf_miner_options_free);
}

void
hf_session_options_async (HfSession           *self,
                          HfMiner             *miner,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HfDriver *driver;

  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (HF_IS_MINER (miner));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_options_async);
  if ((driver = driver_or_error (task, miner)) == NULL)
    return;
  hf_driver_options_async (driver, miner, self->config, cancellable, options_cb,
                           g_steal_pointer (&task));
}

HfMinerOptions *
hf_session_options_finish (HfSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- settings, checked in a later reading ------------------------------- */

typedef struct
{
  HfMiner         *miner;
  HfMinerSettings *settings;
  HfApplyFlags     flags;
  gint64           deadline;      /* monotonic µs */
  guint            retry;
  char            *detail;
} Apply;

static void
apply_free (Apply *a)
{
  g_clear_handle_id (&a->retry, g_source_remove);
  g_clear_object (&a->miner);
  hf_miner_settings_free (a->settings);
  g_free (a->detail);
  g_free (a);
}

static void check_applied (GTask *task);

static void
return_outcome (GTask          *task,
                HfApplyOutcome  outcome,
                const char     *detail)
{
  Apply *a = g_task_get_task_data (task);

  g_free (a->detail);
  a->detail = g_strdup (detail);
  g_task_return_int (task, outcome);
}

static gboolean
check_again_cb (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Apply *a = g_task_get_task_data (task);

  a->retry = 0;
  check_applied (task);
  return G_SOURCE_REMOVE;
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Apply *a = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) reading = hf_fleet_poll_miner_finish (HF_FLEET (source), result, &error);
  gboolean restart = (a->flags & HF_APPLY_RESTART) != 0;
  g_autofree char *wrong = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_error_matches (error, HF_ERROR, HF_ERROR_INVALID))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Down (rebooting after the write, or the restart asked for): the
   * reading that counts is the one once it is back. */
  if (reading == NULL || (restart && hf_miner_get_restarting (a->miner)))
    {
      if (g_get_monotonic_time () < a->deadline)
        {
          a->retry = g_timeout_add_seconds (VERIFY_RETRY_S, check_again_cb, g_steal_pointer (&task));
          return;
        }
      return_outcome (task, HF_APPLY_UNCHECKED,
                      restart ? "it did not come back from the restart in time"
                              : "it did not answer after the change");
      return;
    }
  wrong = hf_miner_settings_mismatch (a->settings, reading);
  if (wrong != NULL)
    return_outcome (task, HF_APPLY_NOT_APPLIED, wrong);
  else
    return_outcome (task, restart ? HF_APPLY_APPLIED_AFTER_RESTART : HF_APPLY_APPLIED, NULL);
}

static void
check_applied (GTask *task)
{
  HfSession *self = g_task_get_source_object (task);
  Apply *a = g_task_get_task_data (task);

  hf_fleet_poll_miner_async (self->fleet, a->miner, g_task_get_cancellable (task), checked_cb,
                             g_object_ref (task));
}

static void
apply_restarted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Apply *a = g_task_get_task_data (task);
  GError *error = NULL;

  if (!hf_fleet_restart_finish (HF_FLEET (source), result, &error))
    {
      g_prefix_error (&error, "applied, but the restart failed: ");
      g_task_return_error (task, error);
      return;
    }
  a->retry = g_timeout_add_seconds (VERIFY_RETRY_S, check_again_cb, g_steal_pointer (&task));
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfSession *self = g_task_get_source_object (task);
  Apply *a = g_task_get_task_data (task);
  GError *error = NULL;

  if (!hf_driver_apply_finish (HF_DRIVER (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SETTINGS_WRITTEN], 0, a->miner);
  if (a->flags & HF_APPLY_RESTART)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      a->deadline = g_get_monotonic_time () + VERIFY_RESTART_TIMEOUT_S * G_USEC_PER_SEC;
      hf_fleet_restart_async (self->fleet, a->miner, cancellable, apply_restarted_cb,
                              g_steal_pointer (&task));
      return;
    }
  a->deadline = g_get_monotonic_time () + VERIFY_TIMEOUT_S * G_USEC_PER_SEC;
  check_applied (task);
}

static void
write_settings (GTask *task)
{
  HfSession *self = g_task_get_source_object (task);
  Apply *a = g_task_get_task_data (task);
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (a->miner));

  hf_driver_apply_async (driver, a->miner, a->settings, self->config,
                         g_task_get_cancellable (task), written_cb, task);
}

static void
baseline_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HfReading) reading = hf_fleet_poll_miner_finish (HF_FLEET (source), result, NULL);

  /* Without it the restart is told by a missed poll, not the uptime. */
  write_settings (user_data);
}

void
hf_session_apply_async (HfSession             *self,
                        HfMiner               *miner,
                        const HfMinerSettings *settings,
                        HfApplyFlags           flags,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  Apply *a;

  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (HF_IS_MINER (miner));
  g_return_if_fail (settings != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_apply_async);
  a = g_new0 (Apply, 1);
  a->miner = g_object_ref (miner);
  a->settings = hf_miner_settings_copy (settings);
  a->flags = flags;
  g_task_set_task_data (task, a, (GDestroyNotify) apply_free);
  if (driver_or_error (task, miner) == NULL)
    return;
  /* Fields older drivers do not know would be dropped unsaid. */
  if ((settings->power_limit_w != 0
       && !(hf_miner_get_capabilities (miner) & HF_CAP_POWER_LIMIT))
      || (settings->preset != NULL && !(hf_miner_get_capabilities (miner) & HF_CAP_PRESET)))
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_UNSUPPORTED,
                               "%s: %s has no %s Hashfleet can set",
                               hf_miner_get_address (miner),
                               hf_family_display_name (hf_miner_get_family (miner)),
                               settings->power_limit_w != 0
                               && !(hf_miner_get_capabilities (miner) & HF_CAP_POWER_LIMIT)
                               ? "power limit" : "preset");
      return;
    }
  /* A restart is told by the uptime starting over: know it before. */
  if ((flags & HF_APPLY_RESTART) && hf_miner_get_reading (miner) == NULL)
    {
      hf_fleet_poll_miner_async (self->fleet, miner, cancellable, baseline_cb,
                                 g_steal_pointer (&task));
      return;
    }
  write_settings (g_steal_pointer (&task));
}

HfApplyOutcome
hf_session_apply_finish (HfSession     *self,
                         GAsyncResult  *result,
                         char         **detail,
                         GError       **error)
{
  Apply *a;
  gssize outcome;

  g_return_val_if_fail (g_task_is_valid (result, self), HF_APPLY_NOT_APPLIED);
  outcome = g_task_propagate_int (G_TASK (result), error);
  if (outcome < 0)
    return HF_APPLY_NOT_APPLIED;
  a = g_task_get_task_data (G_TASK (result));
  if (detail != NULL)
    *detail = g_strdup (a->detail);
  return (HfApplyOutcome) outcome;
}

char *
hf_apply_outcome_describe (HfApplyOutcome  outcome,
                           const char     *detail)
{
  switch (outcome)
    {
    case HF_APPLY_APPLIED:
      return g_strdup ("applied");
    case HF_APPLY_APPLIED_AFTER_RESTART:
      return g_strdup ("applied after restart");
    case HF_APPLY_NOT_APPLIED:
      return g_strdup_printf ("not applied (%s)", detail ? detail : "the miner reads otherwise");
    case HF_APPLY_UNCHECKED:
    default:
      return g_strdup_printf ("accepted, but not checked: %s",
                              detail ? detail : "no reading came");
    }
}

/* ---- pool profiles ----------------------------------------------------------- */

static void
profile_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (hf_store_pool_profile_finish (HF_STORE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
profile_store_or_error (HfSession *self,
                        GTask     *task)
{
  if (self->store != NULL)
    return TRUE;
  g_task_return_new_error (task, HF_ERROR, HF_ERROR_STORE,
                           "pool profiles are kept in the database, and there is none");
  g_object_unref (task);
  return FALSE;
}

void
hf_session_save_pool_profile_async (HfSession             *self,
                                    const char            *name,
                                    const HfMinerSettings *pools,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  GTask *task;

  g_return_if_fail (HF_IS_SESSION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, hf_session_save_pool_profile_async);
  if (profile_store_or_error (self, task))
    hf_store_save_pool_profile_async (self->store, name, pools, profile_done_cb, task);
}

void
hf_session_delete_pool_profile_async (HfSession           *self,
                                      const char          *name,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HF_IS_SESSION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, hf_session_delete_pool_profile_async);
  if (profile_store_or_error (self, task))
    hf_store_delete_pool_profile_async (self->store, name, profile_done_cb, task);
}

gboolean
hf_session_pool_profile_finish (HfSession     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- groups ---------------------------------------------------------------- */

static void
group_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  /* A group deleted or renamed took or changed its schedules with it
   * (the store's cascade): the scheduler reads them again at once. */
  if (self->scheduler != NULL)
    hf_scheduler_reload (self->scheduler);
  if (hf_store_change_group_finish (HF_STORE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    {
      g_warning ("a change of groups is not saved: %s", error->message);
      g_task_return_error (task, error);
    }
}

void
hf_session_change_group_async (HfSession           *self,
                               HfGroupChange        change,
                               const char          *name,
                               const char          *new_name,
                               HfMiner            **miners,
                               guint                n,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  g_autofree char *known = NULL;
  gboolean ok = FALSE;

  g_return_if_fail (HF_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_session_change_group_async);
  /* The store names the group as memory does, whatever case was given. */
  known = g_strdup (hf_groups_lookup (self->groups, name));
  switch (change)
    {
    case HF_GROUP_CHANGE_CREATE:
      ok = hf_groups_create (self->groups, name, &error);
      break;
    case HF_GROUP_CHANGE_RENAME:
      ok = hf_groups_rename (self->groups, name, new_name, &error);
      break;
    case HF_GROUP_CHANGE_DELETE:
      ok = hf_groups_delete (self->groups, name, &error);
      break;
    case HF_GROUP_CHANGE_ADD:
    case HF_GROUP_CHANGE_REMOVE:
      ok = hf_groups_add (self->groups, name, miners, n, change == HF_GROUP_CHANGE_ADD, &error);
      break;
    case HF_GROUP_CHANGE_SET:
      ok = hf_groups_set (self->groups, name, miners, n, &error);
      break;
    }
  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  g_debug ("group “%s”: change %d", name, change);
  if (self->store == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  hf_store_change_group_async (self->store, change, known != NULL ? known : name, new_name,
                               miners, n, NULL, group_saved_cb, g_steal_pointer (&task));
}

gboolean
hf_session_change_group_finish (HfSession     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the end ------------------------------------------------------------- */

/* Flushing: the recorder's queued cycle writes, then a barrier behind
 * every other queued change on the store's writer. */

typedef struct
{
  guint     timeout;
  gboolean  late;
} Flush;

static void
flush_free (Flush *f)
{
  g_clear_handle_id (&f->timeout, g_source_remove);
  g_free (f);
}

static gboolean
flush_late_cb (gpointer user_data)
{
  GTask *task = user_data;
  Flush *f = g_task_get_task_data (task);

  f->timeout = 0;
  f->late = TRUE;
  g_task_return_new_error (task, HF_ERROR, HF_ERROR_STORE,
                           "the store's last writes did not finish in time; they may be lost");
  return G_SOURCE_REMOVE;
}

static void
store_flushed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Flush *f = g_task_get_task_data (task);
  GError *error = NULL;

  if (f->late)
    return;
  g_clear_handle_id (&f->timeout, g_source_remove);
  if (hf_store_flush_finish (HF_STORE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
recorder_flushed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfSession *self = g_task_get_source_object (task);
  Flush *f = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!hf_recorder_flush_finish (HF_RECORDER (source), result, &error))
    g_message ("the last readings were not recorded: %s", error->message);
  if (f->late)
    return;
  /* Then every removal and save asked for before. */
  hf_store_flush_async (self->store, store_flushed_cb, g_steal_pointer (&task));
}

static void
flush (HfSession *self,
       GTask     *task,
       guint      timeout_ms)
{
  Flush *f = g_new0 (Flush, 1);

  g_task_set_task_data (task, f, (GDestroyNotify) flush_free);
  if (self->store == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  f->timeout = g_timeout_add (timeout_ms, flush_late_cb, task);
  hf_recorder_flush_async (self->recorder, recorder_flushed_cb, task);
}

void
hf_session_flush_async (HfSession           *self,
                        guint                timeout_ms,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HF_IS_SESSION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, hf_session_flush_async);
  flush (self, task, timeout_ms);
}

gboolean
hf_session_flush_finish (HfSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  guint timeout_ms;
  guint timer;
  gboolean going_on;
} Shutdown;

static void
shutdown_free (Shutdown *sd)
{
  g_clear_handle_id (&sd->timer, g_source_remove);
  g_free (sd);
}

static void
shutdown_go_on (GTask *task)
{
  HfSession *self = g_task_get_source_object (task);
  Shutdown *sd = g_object_get_data (G_OBJECT (task), "hf-shutdown");

  if (sd->going_on)
    return;
  sd->going_on = TRUE;
  g_clear_handle_id (&sd->timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->discover != NULL && g_task_get_cancellable (self->discover) != NULL)
    g_cancellable_cancel (g_task_get_cancellable (self->discover));
  /* Stopping ends the cycle in progress: its readings are written. */
  hf_fleet_stop (self->fleet);
  self->started = FALSE;
  /* Writes a schedule asked for end here too (they hold the session). */
  hf_scheduler_stop (self->scheduler);
  hf_thermal_guardian_set_active (self->guardian, FALSE);
  g_clear_handle_id (&self->release_source, g_source_remove);
  /* MQTT says "offline" now, before the store's last writes. */
  if (self->mqtt != NULL)
    hf_mqtt_stop (self->mqtt);
  flush (self, g_object_ref (task), sd->timeout_ms);
}

static void
tuner_stopped_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  hf_tuner_stop_finish (HF_TUNER (source), result, NULL);
  shutdown_go_on (task);
}

static gboolean
tuner_late_cb (gpointer user_data)
{
  GTask *task = user_data;
  Shutdown *sd = g_object_get_data (G_OBJECT (task), "hf-shutdown");

  /* A tune's row stays 'running': the next start puts its settings back. */
  sd->timer = 0;
  g_message ("the original settings of a tune are not back yet; they will be at the next start");
  shutdown_go_on (task);
  return G_SOURCE_REMOVE;
}

void
hf_session_shutdown_async (HfSession           *self,
                           guint                timeout_ms,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Shutdown *sd;

  g_return_if_fail (HF_IS_SESSION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, hf_session_shutdown_async);
  sd = g_new0 (Shutdown, 1);
  sd->timeout_ms = timeout_ms;
  /* The task data is the flush's. */
  g_object_set_data_full (G_OBJECT (task), "hf-shutdown", sd, (GDestroyNotify) shutdown_free);
  /* Tunes put their miners' original settings back first, within the
   * same timeout. */
  sd->timer = g_timeout_add (timeout_ms, tuner_late_cb, task);
  hf_tuner_stop_async (self->tuner, tuner_stopped_cb, g_object_ref (task));
}

void
hf_session_set_mqtt (HfSession *self,
                     HfMqtt    *mqtt)
{
  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (mqtt == NULL || HF_IS_MQTT (mqtt));

  if (self->mqtt == mqtt)
    return;
  if (self->mqtt != NULL)
    hf_mqtt_stop (self->mqtt);
  g_set_object (&self->mqtt, mqtt);
}

HfMqtt *
hf_session_get_mqtt (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);

  return self->mqtt;
}

gboolean
hf_session_shutdown_finish (HfSession     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- settings of the session --------------------------------------------- */

HfFleet *
hf_session_get_fleet (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->fleet;
}

HfStore *
hf_session_get_store (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->store;
}

const char *
hf_session_get_store_path (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->store_path;
}

HfGroups *
hf_session_get_groups (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->groups;
}

HfAlerts *
hf_session_get_alerts (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->alerts;
}

HfScheduler *
hf_session_get_scheduler (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->scheduler;
}

HfThermalGuardian *
hf_session_get_guardian (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->guardian;
}

HfTuner *
hf_session_get_tuner (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->tuner;
}

HfNotifier *
hf_session_get_notifier (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->notifier;
}

const HfConfig *
hf_session_get_config (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->config;
}

void
hf_session_set_config (HfSession      *self,
                       const HfConfig *config)
{
  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (config != NULL);

  g_clear_pointer (&self->config, hf_config_unref);
  self->config = hf_config_copy (config);
  hf_fleet_set_config (self->fleet, self->config);
}

void
hf_session_set_poll_interval (HfSession *self,
                              guint      seconds)
{
  g_return_if_fail (HF_IS_SESSION (self));

  self->poll_interval_s = MAX (seconds, 1u);
  hf_fleet_set_poll_interval (self->fleet, self->poll_interval_s);
  hf_energy_meter_set_poll_interval (self->energy, self->poll_interval_s);
  if (self->store != NULL)
    {
      hf_store_set_poll_interval (self->store, self->poll_interval_s);
      if (self->started)
        note_poll_interval (self);
    }
}

HfPowerBudget *
hf_session_get_power_budget (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->budget;
}

void
hf_session_set_power_budget (HfSession *self,
                             double     watts)
{
  g_return_if_fail (HF_IS_SESSION (self));
  hf_power_budget_set_watts (self->budget, watts);
}

HfEnergyMeter *
hf_session_get_energy_meter (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return self->energy;
}

void
hf_session_set_tariff (HfSession *self,
                       HfTariff  *tariff)
{
  g_return_if_fail (HF_IS_SESSION (self));
  hf_energy_meter_set_tariff (self->energy, tariff);
}

HfTariff *
hf_session_get_tariff (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);
  return hf_energy_meter_get_tariff (self->energy);
}

void
hf_session_set_not_hashing_after (HfSession *self,
                                  guint      seconds)
{
  g_return_if_fail (HF_IS_SESSION (self));
  hf_fleet_set_not_hashing_after (self->fleet, seconds);
}

void
hf_session_set_restore (HfSession *self,
                        gboolean   restore)
{
  g_return_if_fail (HF_IS_SESSION (self));
  g_return_if_fail (!self->loaded && !self->loading);
  self->restore = restore;
}

void
hf_session_set_scan_options (HfSession *self,
                             guint      connect_timeout_ms,
                             guint      concurrency)
{
  g_return_if_fail (HF_IS_SESSION (self));
  self->scan_connect_ms = connect_timeout_ms;
  self->scan_concurrency = concurrency;
}

guint
hf_session_get_poll_interval (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), 0);
  return self->poll_interval_s;
}

void
hf_session_get_scan_options (HfSession *self,
                             guint     *connect_timeout_ms,
                             guint     *concurrency)
{
  g_return_if_fail (HF_IS_SESSION (self));
  if (connect_timeout_ms != NULL)
    *connect_timeout_ms = self->scan_connect_ms;
  if (concurrency != NULL)
    *concurrency = self->scan_concurrency;
}

void
hf_session_set_subnets (HfSession          *self,
                        const char * const *subnets)
{
  g_return_if_fail (HF_IS_SESSION (self));

  g_strfreev (self->subnets);
  self->subnets = subnets != NULL && subnets[0] != NULL ? g_strdupv ((char **) subnets) : NULL;
}

GArray *
hf_session_get_discover_targets (HfSession  *self,
                                 GError    **error)
{
  g_return_val_if_fail (HF_IS_SESSION (self), NULL);

  if (self->subnets != NULL)
    return hf_targets_parse ((const char * const *) self->subnets, FALSE, error);
  return hf_targets_default (error);
}

static gboolean
release_memory_cb (gpointer user_data)
{
  hf_process_release_memory ();
  return G_SOURCE_CONTINUE;
}

void
hf_session_start (HfSession *self)
{
  g_return_if_fail (HF_IS_SESSION (self));

  /* Polling the known fleet is not scanning: it talks to known miners only. */
  if (hf_fleet_get_total_count (self->fleet) > 0)
    hf_fleet_poll_now (self->fleet);
  hf_fleet_start (self->fleet);
  if (!self->started)
    note_poll_interval (self);
  self->started = TRUE;
  hf_scheduler_start (self->scheduler);
  hf_thermal_guardian_set_active (self->guardian, TRUE);
  if (self->release_source == 0)
    self->release_source = g_timeout_add_seconds_full (G_PRIORITY_LOW, RELEASE_MEMORY_S,
                                                       release_memory_cb, NULL, NULL);
}

void
hf_session_stop (HfSession *self)
{
  g_return_if_fail (HF_IS_SESSION (self));
  hf_fleet_stop (self->fleet);
  self->started = FALSE;
  hf_scheduler_stop (self->scheduler);
  hf_thermal_guardian_set_active (self->guardian, FALSE);
  g_clear_handle_id (&self->release_source, g_source_remove);
}

gboolean
hf_session_refresh (HfSession *self)
{
  g_return_val_if_fail (HF_IS_SESSION (self), FALSE);
  return hf_fleet_poll_now (self->fleet);
}

/* ---- GObject ------------------------------------------------------------- */

static void
hf_session_dispose (GObject *object)
{
  HfSession *self = HF_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->mqtt != NULL)
    hf_mqtt_stop (self->mqtt);
  g_clear_object (&self->mqtt);
  if (self->budget != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->budget, self);
      g_object_run_dispose (G_OBJECT (self->budget));
    }
  g_clear_object (&self->budget);
  if (self->scheduler != NULL)
    g_object_run_dispose (G_OBJECT (self->scheduler));
  g_clear_object (&self->scheduler);
  if (self->guardian != NULL)
    g_object_run_dispose (G_OBJECT (self->guardian));
  g_clear_object (&self->guardian);
  if (self->tuner != NULL)
    {
      hf_tuner_stop (self->tuner);
      g_object_run_dispose (G_OBJECT (self->tuner));
    }
  g_clear_object (&self->tuner);
  g_clear_handle_id (&self->found_source, g_source_remove);
  g_clear_handle_id (&self->release_source, g_source_remove);
  g_queue_clear_full (&self->found, g_object_unref);
  if (self->scanner != NULL)
    g_signal_handlers_disconnect_by_data (self->scanner, self);
  g_clear_object (&self->scanner);
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_clear_object (&self->recorder);
  if (self->energy != NULL)
    g_object_run_dispose (G_OBJECT (self->energy));
  g_clear_object (&self->energy);
  if (self->alerts != NULL)
    g_signal_handlers_disconnect_by_data (self->alerts, self);
  g_clear_object (&self->alerts);
  g_clear_object (&self->groups);
  g_clear_object (&self->notifier);
  if (self->fleet != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->fleet, self);
      hf_fleet_stop (self->fleet);
    }
  g_clear_object (&self->fleet);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hf_session_parent_class)->dispose (object);
}

static void
hf_session_finalize (GObject *object)
{
  HfSession *self = HF_SESSION (object);

  g_clear_pointer (&self->scan_summary, hf_scan_summary_free);
  g_strfreev (self->subnets);
  g_clear_pointer (&self->discover_result, hf_discover_result_free);
  g_clear_error (&self->scan_error);
  g_clear_pointer (&self->config, hf_config_unref);
  g_clear_object (&self->cancellable);
  g_free (self->store_path);

  G_OBJECT_CLASS (hf_session_parent_class)->finalize (object);
}

static void
hf_session_class_init (HfSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_session_dispose;
  object_class->finalize = hf_session_finalize;

  /**
   * HfSession::discover-found:
   * @miner: the fleet's miner, just joined (or found again)
   * @is_new: whether it was new to the fleet
   */
  signals[SIGNAL_DISCOVER_FOUND] =
    g_signal_new ("discover-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HF_TYPE_MINER, G_TYPE_BOOLEAN);
  /**
   * HfSession::discover-progress:
   * @done: addresses probed
   * @total: addresses to probe
   */
  signals[SIGNAL_DISCOVER_PROGRESS] =
    g_signal_new ("discover-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
  /**
   * HfSession::discover-unidentified:
   * @address: a device that answered a miner port
   * @reason: why it is not taken for a miner
   */
  signals[SIGNAL_DISCOVER_UNIDENTIFIED] =
    g_signal_new ("discover-unidentified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * HfSession::settings-written:
   * @miner: a miner that accepted a change (checked next)
   */
  signals[SIGNAL_SETTINGS_WRITTEN] =
    g_signal_new ("settings-written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HF_TYPE_MINER);
  /**
   * HfSession::history-failed:
   * @error: why a cycle could not be recorded (said once; retried)
   */
  signals[SIGNAL_HISTORY_FAILED] =
    g_signal_new ("history-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /**
   * HfSession::history-recovered:
   *
   * Recording works again after ::history-failed.
   */
  signals[SIGNAL_HISTORY_RECOVERED] =
    g_signal_new ("history-recovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HfSession::block-found:
   * @miner: the miner that found it (HfMiner:blocks-found has grown)
   * @blocks: how many since its previous reading (almost always 1)
   *
   * A miner's found-blocks counter moved (a reset to 0 at a reboot is no
   * block).  With a store, a "block-found" event is on its way into it
   * (hf_store_list_events(); hf_session_flush_async() waits for it).
   */
  signals[SIGNAL_BLOCK_FOUND] =
    g_signal_new ("block-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HF_TYPE_MINER, G_TYPE_UINT);
}

static void
hf_session_init (HfSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->poll_interval_s = HF_FLEET_DEFAULT_INTERVAL_S;
  self->restore = TRUE;
  g_queue_init (&self->found);
}

HfSession *
hf_session_new (const char     *store_path,
                const HfConfig *config)
{
  HfSession *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (HF_TYPE_SESSION, NULL);
  self->store_path = g_strdup (store_path);
  self->config = hf_config_copy (config);
  self->fleet = hf_fleet_new (self->config);
  self->alerts = hf_alerts_new (self->fleet);
  self->groups = hf_groups_new ();
  self->energy = hf_energy_meter_new (self->fleet);
  hf_energy_meter_set_poll_interval (self->energy, self->poll_interval_s);
  self->notifier = hf_notifier_new ();
  self->scheduler = hf_scheduler_new (self);
  self->guardian = hf_thermal_guardian_new (self);
  g_signal_connect (self->fleet, "reading", G_CALLBACK (reading_cb), self);
  self->tuner = hf_tuner_new (self);
  g_signal_connect (self->fleet, "block-found", G_CALLBACK (block_found_cb), self);
  g_signal_connect (self->alerts, "remember", G_CALLBACK (alert_remember_cb), self);
  g_signal_connect (self->alerts, "alert", G_CALLBACK (alert_notify_cb), self);
  self->budget = hf_power_budget_new (self);
  g_signal_connect (self->budget, "remember", G_CALLBACK (budget_remember_cb), self);
  /* The budget caps what schedules ask: a miner it curtails is not
   * resumed or set by its schedule until the budget brings it back, and
   * a miner its schedule keeps paused is none of the budget's business. */
  hf_scheduler_set_hold_func (self->scheduler, budget_curtails, self, NULL);
  hf_power_budget_set_skip_func (self->budget, schedule_keeps_paused, self, NULL);
  hf_thermal_guardian_set_skip_func (self->guardian, miner_tunes, self, NULL);
  g_signal_connect (self->fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
  return self;
}
