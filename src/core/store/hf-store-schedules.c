/* hf-store-schedules.c
 * SPDX-License-Identifier: MIT
 *
 * The `schedules` table (schema 6): a row is for one miner (miner_id) or
 * one group (group_id); forgetting either forgets its schedules.  The
 * state is kept in its text form (hf_schedule_state_to_string()).
 */
#include <sqlite3.h>

#include "hf-error.h"
#include "hf-store-private.h"
#include "hf-store-profiles.h"
#include "hf-store-schedules.h"

static gboolean
store_error (HfStore     *store,
             GError     **error,
             const char  *what)
{
  g_set_error (error, HF_ERROR, HF_ERROR_STORE, "%s: %s: %s", hf_store_get_path (store), what,
               sqlite3_errmsg (_hf_store_get_db (store)));
  return FALSE;
}

static gint64
group_id (HfStore     *store,
          const char  *name,
          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;
  int rc;

  if (sqlite3_prepare_v2 (_hf_store_get_db (store), "SELECT id FROM groups WHERE name = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "finding a group");
      return 0;
    }
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is no group “%s”", name);
  else
    store_error (store, error, "finding a group");
  sqlite3_finalize (stmt);
  return id;
}

static gint64
insert (HfStore           *store,
        const HfSchedule  *schedule,
        HfMiner           *miner,
        GError           **error)
{
  sqlite3 *db = _hf_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *state = hf_schedule_state_to_string (&schedule->state);
  gint64 target;
  int rc;

  /* A pool profile that is not there would make a schedule that never
   * does anything: refused now, in the same transaction. */
  if (schedule->state.kind == HF_SCHEDULE_POOL)
    {
      gboolean found = FALSE;

      if (sqlite3_prepare_v2 (db, "SELECT 1 FROM pool_profiles WHERE name = ?1", -1, &stmt,
                              NULL) != SQLITE_OK)
        {
          store_error (store, error, "saving a schedule");
          return 0;
        }
      sqlite3_bind_text (stmt, 1, schedule->state.pool != NULL ? schedule->state.pool : "", -1,
                         SQLITE_TRANSIENT);
      found = sqlite3_step (stmt) == SQLITE_ROW;
      g_clear_pointer (&stmt, sqlite3_finalize);
      if (!found)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is no pool profile “%s” "
                       "(see hashfleet-cli pools)", schedule->state.pool ? schedule->state.pool : "");
          return 0;
        }
    }
  target = miner != NULL ? _hf_store_save_miner (store, miner, error)
                         : group_id (store, schedule->group, error);
  if (target == 0)
    return 0;
  if (sqlite3_prepare_v2 (db, miner != NULL
                          ? "INSERT INTO schedules (miner_id, days, start_min, end_min, state, created) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                          : "INSERT INTO schedules (group_id, days, start_min, end_min, state, created) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "saving a schedule");
      return 0;
    }
  sqlite3_bind_int64 (stmt, 1, target);
  sqlite3_bind_int (stmt, 2, schedule->days & HF_SCHEDULE_ALL_DAYS);
  sqlite3_bind_int (stmt, 3, schedule->start_min);
  sqlite3_bind_int (stmt, 4, schedule->end_min);
  sqlite3_bind_text (stmt, 5, state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, schedule->created != 0 ? schedule->created
                                                      : g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "saving a schedule");
      return 0;
    }
  return sqlite3_last_insert_rowid (db);
}

gint64
hf_store_add_schedule (HfStore           *store,
                       const HfSchedule  *schedule,
                       HfMiner           *miner,
                       GError           **error)
{
  g_return_val_if_fail (HF_IS_STORE (store), 0);
  g_return_val_if_fail (schedule != NULL, 0);

  if ((miner == NULL) == (schedule->group == NULL)
      || schedule->days == 0 || schedule->start_min >= 1440 || schedule->end_min >= 1440)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "a schedule is for one miner or one group, on some days, "
                           "within a day's minutes");
      return 0;
    }
  return _hf_store_in_transaction (store, (HfStoreRowFunc) insert, schedule, miner,
                                   "saving a schedule", error);
}

gboolean
hf_store_remove_schedule (HfStore  *store,
                          gint64    id,
                          GError  **error)
{
  g_return_val_if_fail (HF_IS_STORE (store), FALSE);

  return _hf_store_delete_by_id (store, "DELETE FROM schedules WHERE id = ?1", id, "schedule",
                                 error);
}

GPtrArray *
hf_store_list_schedules (HfStore  *store,
                         GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_schedule_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);

  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "SELECT s.id, coalesce (m.identity, m.address), m.address, g.name, "
                          "       s.days, s.start_min, s.end_min, s.state, s.created "
                          "FROM schedules s LEFT JOIN miners m ON m.id = s.miner_id "
                          "LEFT JOIN groups g ON g.id = s.group_id "
                          "WHERE s.miner_id IS NULL OR m.removed IS NULL "
                          "ORDER BY s.created, s.id", -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "listing schedules");
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(HfSchedule) s = hf_schedule_new ();
      g_autoptr(GError) bad = NULL;
      int start = sqlite3_column_int (stmt, 5), end = sqlite3_column_int (stmt, 6);

      s->id = sqlite3_column_int64 (stmt, 0);
      s->miner = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      s->address = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      s->group = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      s->days = sqlite3_column_int (stmt, 4) & HF_SCHEDULE_ALL_DAYS;
      s->created = sqlite3_column_int64 (stmt, 8);
      if (start < 0 || start >= 1440 || end < 0 || end >= 1440 || s->days == 0
          || (s->miner == NULL && s->group == NULL)
          || !hf_schedule_parse_state ((const char *) sqlite3_column_text (stmt, 7), &s->state,
                                       &bad))
        {
          g_debug ("schedule %" G_GINT64_FORMAT " is left out: %s", s->id,
                   bad != NULL ? bad->message : "out of range");
          continue;
        }
      s->start_min = start;
      s->end_min = end;
      g_ptr_array_add (list, g_steal_pointer (&s));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "listing schedules");
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* ---- on the writer ---------------------------------------------------------- */

typedef struct
{
  HfSchedule *schedule;
  gint64      id;
} AddJob;

static void
add_job_free (gpointer data)
{
  AddJob *job = data;

  hf_schedule_free (job->schedule);
  g_free (job);
}

static gboolean
add_on_writer (HfStore    *writer,
               GPtrArray  *miners,
               gpointer    data,
               GError    **error)
{
  AddJob *job = data;

  job->id = hf_store_add_schedule (writer, job->schedule,
                                   miners->len > 0 ? miners->pdata[0] : NULL, error);
  return job->id != 0;
}

void
hf_store_add_schedule_async (HfStore             *store,
                             const HfSchedule    *schedule,
                             HfMiner             *miner,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  AddJob *job = g_new0 (AddJob, 1);

  g_return_if_fail (HF_IS_STORE (store));
  g_return_if_fail (schedule != NULL);

  job->schedule = hf_schedule_copy (schedule);
  if (job->schedule->created == 0)
    job->schedule->created = g_get_real_time () / G_USEC_PER_SEC;
  _hf_store_run_on_writer (store, add_on_writer, job, add_job_free, miner != NULL ? &miner : NULL,
                           miner != NULL ? 1 : 0, hf_store_add_schedule_async,
                           "hf_store_add_schedule", NULL, callback, user_data);
}

gint64
hf_store_add_schedule_finish (HfStore       *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), 0);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;
  return ((AddJob *) _hf_store_writer_data (result))->id;
}

static gboolean
remove_on_writer (HfStore    *writer,
                  GPtrArray  *miners,
                  gpointer    data,
                  GError    **error)
{
  return hf_store_remove_schedule (writer, *(gint64 *) data, error);
}

void
hf_store_remove_schedule_async (HfStore             *store,
                                gint64               id,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (HF_IS_STORE (store));

  _hf_store_run_on_writer (store, remove_on_writer, g_memdup2 (&id, sizeof id), g_free, NULL, 0,
                           hf_store_remove_schedule_async, "hf_store_remove_schedule", NULL,
                           callback, user_data);
}

gboolean
hf_store_remove_schedule_finish (HfStore       *store,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reading for a scheduler ------------------------------------------------ */

void
hf_store_schedule_data_free (HfStoreScheduleData *data)
{
  if (data == NULL)
    return;
  g_clear_pointer (&data->schedules, g_ptr_array_unref);
  g_clear_pointer (&data->notes, g_hash_table_unref);
  g_clear_pointer (&data->profiles, g_hash_table_unref);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HfStore *self = source;
  g_autoptr(HfStoreScheduleData) data = g_new0 (HfStoreScheduleData, 1);
  GError *error = NULL;
  HfStore *reader;

  reader = _hf_store_lock_reader (self, &error);
  if (reader == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->schedules = hf_store_list_schedules (reader, &error);
  if (data->schedules != NULL)
    data->notes = hf_store_load_meta (reader, task_data, &error);
  if (data->notes != NULL)
    {
      data->profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) hf_miner_settings_free);
      for (guint i = 0; i < data->schedules->len; i++)
        {
          HfSchedule *s = g_ptr_array_index (data->schedules, i);
          HfMinerSettings *pools;

          if (s->state.kind != HF_SCHEDULE_POOL
              || g_hash_table_contains (data->profiles, s->state.pool))
            continue;
          pools = hf_store_load_pool_profile (reader, s->state.pool, NULL);
          if (pools != NULL)
            g_hash_table_insert (data->profiles, g_strdup (s->state.pool), pools);
        }
    }
  _hf_store_unlock_reader (self);
  if (data->notes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&data),
                           (GDestroyNotify) hf_store_schedule_data_free);
}

void
hf_store_load_schedules_async (HfStore             *store,
                               const char          *notes_prefix,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HF_IS_STORE (store));
  g_return_if_fail (notes_prefix != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_store_load_schedules_async);
  g_task_set_name (task, "hf_store_load_schedules");
  g_task_set_task_data (task, g_strdup (notes_prefix), g_free);
  g_task_run_in_thread (task, load_thread);
}

HfStoreScheduleData *
hf_store_load_schedules_finish (HfStore       *store,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
