/* hf-store-guardian.c
 * SPDX-License-Identifier: MIT
 *
 * The `guards` and `guardian_state` tables (schema 7): a guard is for one
 * miner (miner_id) or one group (group_id), one each; forgetting either
 * forgets its guard.  A state row is kept only while its miner is stepped
 * down: the settings from before the first step, so that a restart
 * neither forgets nor repeats them.
 */
#include <sqlite3.h>

#include "hf-error.h"
#include "hf-store-guardian.h"
#include "hf-store-private.h"

HfGuardianState *
hf_guardian_state_new (void)
{
  HfGuardianState *state = g_new0 (HfGuardianState, 1);

  state->orig_work_mode = -1;
  return state;
}

void
hf_guardian_state_free (HfGuardianState *state)
{
  if (state == NULL)
    return;
  g_free (state->miner_key);
  g_free (state->address);
  g_free (state);
}

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
upsert_guard (HfStore        *store,
              const HfGuard  *guard,
              HfMiner        *miner,
              GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 target, id = 0;

  target = miner != NULL ? _hf_store_save_miner (store, miner, error)
                         : group_id (store, guard->group, error);
  if (target == 0)
    return 0;
  if (sqlite3_prepare_v2 (_hf_store_get_db (store), miner != NULL
                          ? "INSERT INTO guards (miner_id, chip_limit_c, vr_limit_c, cool_min, created) "
                            "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (miner_id) DO UPDATE SET "
                            "chip_limit_c = ?2, vr_limit_c = ?3, cool_min = ?4 RETURNING id"
                          : "INSERT INTO guards (group_id, chip_limit_c, vr_limit_c, cool_min, created) "
                            "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (group_id) DO UPDATE SET "
                            "chip_limit_c = ?2, vr_limit_c = ?3, cool_min = ?4 RETURNING id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "saving a guard");
      return 0;
    }
  sqlite3_bind_int64 (stmt, 1, target);
  sqlite3_bind_double (stmt, 2, guard->chip_limit_c);
  sqlite3_bind_double (stmt, 3, guard->vr_limit_c);
  sqlite3_bind_int64 (stmt, 4, guard->cool_min);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else
    store_error (store, error, "saving a guard");
  sqlite3_finalize (stmt);
  return id;
}

gint64
hf_store_set_guard (HfStore        *store,
                    const HfGuard  *guard,
                    HfMiner        *miner,
                    GError        **error)
{
  g_autofree char *bad = NULL;

  g_return_val_if_fail (HF_IS_STORE (store), 0);
  g_return_val_if_fail (guard != NULL, 0);

  if ((miner == NULL) == (guard->group == NULL))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "a guard is for one miner or one group");
      return 0;
    }
  bad = hf_guard_check (guard);
  if (bad != NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, bad);
      return 0;
    }
  return _hf_store_in_transaction (store, (HfStoreRowFunc) upsert_guard, guard, miner,
                                   "saving a guard", error);
}

gboolean
hf_store_remove_guard (HfStore  *store,
                       gint64    id,
                       GError  **error)
{
  g_return_val_if_fail (HF_IS_STORE (store), FALSE);

  return _hf_store_delete_by_id (store, "DELETE FROM guards WHERE id = ?1", id, "guard", error);
}

GPtrArray *
hf_store_list_guards (HfStore  *store,
                      GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_guard_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);

  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "SELECT t.id, coalesce (m.identity, m.address), m.address, g.name, "
                          "       t.chip_limit_c, t.vr_limit_c, t.cool_min "
                          "FROM guards t LEFT JOIN miners m ON m.id = t.miner_id "
                          "LEFT JOIN groups g ON g.id = t.group_id "
                          "WHERE t.miner_id IS NULL OR m.removed IS NULL "
                          "ORDER BY t.created, t.id", -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "listing guards");
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(HfGuard) guard = hf_guard_new ();
      g_autofree char *bad = NULL;
      gint64 cool = sqlite3_column_int64 (stmt, 6);

      guard->id = sqlite3_column_int64 (stmt, 0);
      guard->miner_key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      guard->address = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      guard->group = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      guard->chip_limit_c = sqlite3_column_double (stmt, 4);
      guard->vr_limit_c = sqlite3_column_double (stmt, 5);
      guard->cool_min = (guint) CLAMP (cool, 0, G_MAXUINT);
      bad = hf_guard_check (guard);
      if (bad != NULL || (guard->miner_key == NULL && guard->group == NULL))
        {
          g_debug ("guard %" G_GINT64_FORMAT " is left out: %s", guard->id,
                   bad != NULL ? bad : "no target");
          continue;
        }
      g_ptr_array_add (list, g_steal_pointer (&guard));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "listing guards");
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
hf_store_set_guardian_state (HfStore                *store,
                             HfMiner                *miner,
                             const HfGuardianState  *state,
                             GError                **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gint64 id;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  db = _hf_store_get_db (store);
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return store_error (store, error, "keeping a guarded miner's state");
  id = _hf_store_save_miner (store, miner, error);
  if (id == 0)
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  if (sqlite3_prepare_v2 (db, state->steps == 0
                          ? "DELETE FROM guardian_state WHERE miner_id = ?1"
                          : "INSERT OR REPLACE INTO guardian_state (miner_id, steps, orig_frequency, "
                            "orig_work_mode, changed) VALUES (?1, ?2, ?3, ?4, ?5)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "keeping a guarded miner's state");
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  if (state->steps > 0)
    {
      sqlite3_bind_int64 (stmt, 2, state->steps);
      if (state->orig_frequency > 0)
        sqlite3_bind_int64 (stmt, 3, state->orig_frequency);
      else
        sqlite3_bind_null (stmt, 3);
      if (state->orig_work_mode >= 0)
        sqlite3_bind_int (stmt, 4, state->orig_work_mode);
      else
        sqlite3_bind_null (stmt, 4);
      sqlite3_bind_int64 (stmt, 5, state->changed);
    }
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE || sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      store_error (store, error, "keeping a guarded miner's state");
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
hf_store_list_guardian_states (HfStore  *store,
                               GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_guardian_state_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);

  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "SELECT coalesce (m.identity, m.address), m.address, s.steps, "
                          "       s.orig_frequency, s.orig_work_mode, s.changed "
                          "FROM guardian_state s JOIN miners m ON m.id = s.miner_id "
                          "WHERE m.removed IS NULL AND s.steps > 0", -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "reading guarded miners");
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfGuardianState *state = hf_guardian_state_new ();
      gint64 steps = sqlite3_column_int64 (stmt, 2);
      gint64 freq = sqlite3_column_int64 (stmt, 3);

      state->miner_key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      state->address = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      state->steps = (guint) CLAMP (steps, 0, 1000);
      state->orig_frequency = (guint) CLAMP (freq, 0, 100000);
      state->orig_work_mode = sqlite3_column_type (stmt, 4) == SQLITE_NULL
                              ? -1 : CLAMP (sqlite3_column_int (stmt, 4), 0, 100);
      state->changed = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (list, state);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "reading guarded miners");
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* ---- on the writer ---------------------------------------------------------- */

typedef struct
{
  HfGuard *guard;
  gint64   id;
} SetJob;

static void
set_job_free (gpointer data)
{
  SetJob *job = data;

  hf_guard_free (job->guard);
  g_free (job);
}

static gboolean
set_on_writer (HfStore    *writer,
               GPtrArray  *miners,
               gpointer    data,
               GError    **error)
{
  SetJob *job = data;

  job->id = hf_store_set_guard (writer, job->guard, miners->len > 0 ? miners->pdata[0] : NULL,
                                error);
  return job->id != 0;
}

void
hf_store_set_guard_async (HfStore             *store,
                          const HfGuard       *guard,
                          HfMiner             *miner,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  SetJob *job = g_new0 (SetJob, 1);

  g_return_if_fail (HF_IS_STORE (store));
  g_return_if_fail (guard != NULL);

  job->guard = hf_guard_copy (guard);
  _hf_store_run_on_writer (store, set_on_writer, job, set_job_free, miner != NULL ? &miner : NULL,
                           miner != NULL ? 1 : 0, hf_store_set_guard_async, "hf_store_set_guard",
                           NULL, callback, user_data);
}

gint64
hf_store_set_guard_finish (HfStore       *store,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), 0);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;
  return ((SetJob *) _hf_store_writer_data (result))->id;
}

static gboolean
remove_on_writer (HfStore    *writer,
                  GPtrArray  *miners,
                  gpointer    data,
                  GError    **error)
{
  return hf_store_remove_guard (writer, *(gint64 *) data, error);
}

void
hf_store_remove_guard_async (HfStore             *store,
                             gint64               id,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HF_IS_STORE (store));

  _hf_store_run_on_writer (store, remove_on_writer, g_memdup2 (&id, sizeof id), g_free, NULL, 0,
                           hf_store_remove_guard_async, "hf_store_remove_guard", NULL, callback,
                           user_data);
}

gboolean
hf_store_remove_guard_finish (HfStore       *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
state_on_writer (HfStore    *writer,
                 GPtrArray  *miners,
                 gpointer    data,
                 GError    **error)
{
  return hf_store_set_guardian_state (writer, miners->pdata[0], data, error);
}

static HfGuardianState *
state_copy (const HfGuardianState *state)
{
  HfGuardianState *copy = g_memdup2 (state, sizeof *state);

  copy->miner_key = g_strdup (state->miner_key);
  copy->address = g_strdup (state->address);
  return copy;
}

void
hf_store_set_guardian_state_async (HfStore               *store,
                                   HfMiner               *miner,
                                   const HfGuardianState *state,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  g_return_if_fail (HF_IS_STORE (store));
  g_return_if_fail (HF_IS_MINER (miner));
  g_return_if_fail (state != NULL);

  _hf_store_run_on_writer (store, state_on_writer, state_copy (state),
                           (GDestroyNotify) hf_guardian_state_free, &miner, 1,
                           hf_store_set_guardian_state_async, "hf_store_set_guardian_state", NULL,
                           callback, user_data);
}

gboolean
hf_store_set_guardian_state_finish (HfStore       *store,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reading for a guardian --------------------------------------------------- */

void
hf_store_guardian_data_free (HfStoreGuardianData *data)
{
  if (data == NULL)
    return;
  g_clear_pointer (&data->guards, g_ptr_array_unref);
  g_clear_pointer (&data->states, g_ptr_array_unref);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HfStore *self = source;
  g_autoptr(HfStoreGuardianData) data = g_new0 (HfStoreGuardianData, 1);
  GError *error = NULL;
  HfStore *reader;

  reader = _hf_store_lock_reader (self, &error);
  if (reader == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->guards = hf_store_list_guards (reader, &error);
  if (data->guards != NULL)
    data->states = hf_store_list_guardian_states (reader, &error);
  _hf_store_unlock_reader (self);
  if (data->states == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&data),
                           (GDestroyNotify) hf_store_guardian_data_free);
}

void
hf_store_load_guardian_async (HfStore             *store,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HF_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_store_load_guardian_async);
  g_task_set_name (task, "hf_store_load_guardian");
  g_task_run_in_thread (task, load_thread);
}

HfStoreGuardianData *
hf_store_load_guardian_finish (HfStore       *store,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
