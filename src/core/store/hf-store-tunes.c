/* hf-store-tunes.c
 * SPDX-License-Identifier: MIT
 *
 * The `tunes` and `tune_steps` tables (schema 7).  Settings columns are
 * NULL where a tune has none (an Avalon has no frequency, an AxeOS no
 * work mode); in memory that is -1.
 */
#include <math.h>
#include <sqlite3.h>

#include "hf-error.h"
#include "hf-store-private.h"
#include "hf-store-tunes.h"

static gboolean
store_error (HfStore     *store,
             GError     **error,
             const char  *what)
{
  g_set_error (error, HF_ERROR, HF_ERROR_STORE, "%s: %s: %s", hf_store_get_path (store), what,
               sqlite3_errmsg (_hf_store_get_db (store)));
  return FALSE;
}

HfStoreTune *
hf_store_tune_new (void)
{
  HfStoreTune *tune = g_new0 (HfStoreTune, 1);

  tune->orig_frequency = tune->orig_voltage = tune->orig_work_mode = -1;
  tune->win_frequency = tune->win_voltage = tune->win_work_mode = -1;
  return tune;
}

void
hf_store_tune_free (HfStoreTune *tune)
{
  if (tune == NULL)
    return;
  g_free (tune->miner_key);
  g_free (tune->address);
  g_free (tune->model);
  g_free (tune->state);
  g_free (tune->objective);
  g_free (tune->params);
  g_free (tune->message);
  g_clear_pointer (&tune->steps, g_ptr_array_unref);
  g_free (tune);
}

static HfStoreTune *
tune_copy (const HfStoreTune *t)
{
  HfStoreTune *copy = g_memdup2 (t, sizeof *t);

  copy->miner_key = g_strdup (t->miner_key);
  copy->address = g_strdup (t->address);
  copy->model = g_strdup (t->model);
  copy->state = g_strdup (t->state);
  copy->objective = g_strdup (t->objective);
  copy->params = g_strdup (t->params);
  copy->message = g_strdup (t->message);
  copy->steps = NULL;
  return copy;
}

static void
bind_setting (sqlite3_stmt *stmt,
              int           i,
              int           value)
{
  if (value < 0)
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_int (stmt, i, value);
}

static void
bind_real (sqlite3_stmt *stmt,
           int           i,
           double        value)
{
  if (isnan (value) || isinf (value))
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_double (stmt, i, value);
}

static int
column_setting (sqlite3_stmt *stmt,
                int           i)
{
  gint64 v;

  if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
    return -1;
  v = sqlite3_column_int64 (stmt, i);
  return v >= 0 && v < 100000 ? (int) v : -1;
}

static double
column_real (sqlite3_stmt *stmt,
             int           i)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, i);
}

gint64
hf_store_begin_tune (HfStore            *store,
                     HfMiner            *miner,
                     const HfStoreTune  *tune,
                     GError            **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gint64 miner_id, id = 0;

  g_return_val_if_fail (HF_IS_STORE (store), 0);
  g_return_val_if_fail (HF_IS_MINER (miner), 0);
  g_return_val_if_fail (tune != NULL, 0);

  db = _hf_store_get_db (store);
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      store_error (store, error, "saving a tune");
      return 0;
    }
  miner_id = _hf_store_save_miner (store, miner, error);
  if (miner_id == 0)
    goto out;
  if (sqlite3_prepare_v2 (db, "INSERT INTO tunes (miner_id, model, started, state, objective, "
                          "params, orig_frequency, orig_voltage, orig_work_mode) "
                          "VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7, ?8)", -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      store_error (store, error, "saving a tune");
      goto out;
    }
  sqlite3_bind_int64 (stmt, 1, miner_id);
  sqlite3_bind_text (stmt, 2, tune->model, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, tune->started);
  sqlite3_bind_text (stmt, 4, tune->objective ? tune->objective : "efficiency", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, tune->params ? tune->params : "{}", -1, SQLITE_TRANSIENT);
  bind_setting (stmt, 6, tune->orig_frequency);
  bind_setting (stmt, 7, tune->orig_voltage);
  bind_setting (stmt, 8, tune->orig_work_mode);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    store_error (store, error, "saving a tune");
  else
    id = sqlite3_last_insert_rowid (db);
  sqlite3_finalize (stmt);

out:
  if (id == 0 || sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      if (id != 0)
        store_error (store, error, "saving a tune");
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return 0;
    }
  return id;
}

static const char *
outcome_text (HfTuneStepOutcome outcome)
{
  switch (outcome)
    {
    case HF_TUNE_STEP_CLEAN: return "clean";
    case HF_TUNE_STEP_ERRORS: return "errors";
    case HF_TUNE_STEP_LIMIT: return "limit";
    case HF_TUNE_STEP_FAILED:
    default: return "failed";
    }
}

static HfTuneStepOutcome
outcome_parse (const char *text)
{
  if (g_strcmp0 (text, "clean") == 0)
    return HF_TUNE_STEP_CLEAN;
  if (g_strcmp0 (text, "errors") == 0)
    return HF_TUNE_STEP_ERRORS;
  if (g_strcmp0 (text, "limit") == 0)
    return HF_TUNE_STEP_LIMIT;
  return HF_TUNE_STEP_FAILED;
}

gboolean
hf_store_add_tune_step (HfStore           *store,
                        gint64             tune_id,
                        const HfTuneStep  *s,
                        GError           **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), FALSE);
  g_return_val_if_fail (s != NULL, FALSE);

  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "INSERT OR REPLACE INTO tune_steps (tune_id, n, frequency, voltage, "
                          "work_mode, hashrate_ghs, expected_ghs, power_w, chip_temp_c, "
                          "vr_temp_c, error_percent, efficiency_jth, outcome, why, time) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return store_error (store, error, "saving a tune step");
  sqlite3_bind_int64 (stmt, 1, tune_id);
  sqlite3_bind_int (stmt, 2, (int) s->n);
  bind_setting (stmt, 3, s->frequency_mhz > 0 ? (int) s->frequency_mhz : -1);
  bind_setting (stmt, 4, s->core_voltage_mv > 0 ? (int) s->core_voltage_mv : -1);
  bind_setting (stmt, 5, s->work_mode);
  bind_real (stmt, 6, s->hashrate_ghs);
  bind_real (stmt, 7, s->expected_ghs);
  bind_real (stmt, 8, s->power_w);
  bind_real (stmt, 9, s->chip_temp_c);
  bind_real (stmt, 10, s->vr_temp_c);
  bind_real (stmt, 11, s->error_percent);
  bind_real (stmt, 12, s->efficiency_jth);
  sqlite3_bind_text (stmt, 13, outcome_text (s->outcome), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 14, s->why, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 15, s->time);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return store_error (store, error, "saving a tune step");
  return TRUE;
}

gboolean
hf_store_end_tune (HfStore            *store,
                   const HfStoreTune  *tune,
                   GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), FALSE);
  g_return_val_if_fail (tune != NULL && tune->state != NULL, FALSE);

  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "UPDATE tunes SET state = ?2, finished = ?3, win_frequency = ?4, "
                          "win_voltage = ?5, win_work_mode = ?6, message = ?7 WHERE id = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return store_error (store, error, "ending a tune");
  sqlite3_bind_int64 (stmt, 1, tune->id);
  sqlite3_bind_text (stmt, 2, tune->state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, tune->finished);
  bind_setting (stmt, 4, tune->win_frequency);
  bind_setting (stmt, 5, tune->win_voltage);
  bind_setting (stmt, 6, tune->win_work_mode);
  sqlite3_bind_text (stmt, 7, tune->message, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return store_error (store, error, "ending a tune");
  return TRUE;
}

#define TUNE_COLUMNS "t.id, m.identity, m.address, t.model, t.started, t.finished, t.state, " \
                     "t.objective, t.params, t.orig_frequency, t.orig_voltage, " \
                     "t.orig_work_mode, t.win_frequency, t.win_voltage, t.win_work_mode, " \
                     "t.message"

static HfStoreTune *
tune_from_row (sqlite3_stmt *stmt)
{
  HfStoreTune *t = hf_store_tune_new ();

  t->id = sqlite3_column_int64 (stmt, 0);
  t->miner_key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  t->address = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  t->model = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  t->started = sqlite3_column_int64 (stmt, 4);
  t->finished = sqlite3_column_int64 (stmt, 5);
  t->state = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  t->objective = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  t->params = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  t->orig_frequency = column_setting (stmt, 9);
  t->orig_voltage = column_setting (stmt, 10);
  t->orig_work_mode = column_setting (stmt, 11);
  t->win_frequency = column_setting (stmt, 12);
  t->win_voltage = column_setting (stmt, 13);
  t->win_work_mode = column_setting (stmt, 14);
  t->message = g_strdup ((const char *) sqlite3_column_text (stmt, 15));
  return t;
}

GPtrArray *
hf_store_list_running_tunes (HfStore  *store,
                             GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_store_tune_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);

  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "SELECT " TUNE_COLUMNS " FROM tunes t JOIN miners m ON m.id = t.miner_id "
                          "WHERE t.state = 'running' ORDER BY t.started, t.id", -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      store_error (store, error, "listing tunes");
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, tune_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "listing tunes");
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gboolean
load_steps (HfStore      *store,
            HfStoreTune  *t,
            GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "SELECT n, frequency, voltage, work_mode, hashrate_ghs, expected_ghs, "
                          "power_w, chip_temp_c, vr_temp_c, error_percent, efficiency_jth, "
                          "outcome, why, time FROM tune_steps WHERE tune_id = ?1 ORDER BY n",
                          -1, &stmt, NULL) != SQLITE_OK)
    return store_error (store, error, "reading a tune's steps");
  sqlite3_bind_int64 (stmt, 1, t->id);
  t->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_tune_step_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfTuneStep *s = g_new0 (HfTuneStep, 1);
      int f = column_setting (stmt, 1), v = column_setting (stmt, 2);

      s->n = (guint) sqlite3_column_int (stmt, 0);
      s->frequency_mhz = f > 0 ? (guint) f : 0;
      s->core_voltage_mv = v > 0 ? (guint) v : 0;
      s->work_mode = column_setting (stmt, 3);
      s->hashrate_ghs = column_real (stmt, 4);
      s->expected_ghs = column_real (stmt, 5);
      s->power_w = column_real (stmt, 6);
      s->chip_temp_c = column_real (stmt, 7);
      s->vr_temp_c = column_real (stmt, 8);
      s->error_percent = column_real (stmt, 9);
      s->efficiency_jth = column_real (stmt, 10);
      s->outcome = outcome_parse ((const char *) sqlite3_column_text (stmt, 11));
      s->why = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
      s->time = sqlite3_column_int64 (stmt, 13);
      g_ptr_array_add (t->steps, s);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return store_error (store, error, "reading a tune's steps");
  return TRUE;
}

HfStoreTune *
hf_store_load_last_tune (HfStore     *store,
                         const char  *miner_key,
                         const char  *address,
                         GError     **error)
{
  g_autoptr(HfStoreTune) t = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);

  /* The same miner: by its identity where both know one, else by address. */
  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "SELECT " TUNE_COLUMNS " FROM tunes t JOIN miners m ON m.id = t.miner_id "
                          "WHERE t.state <> 'running' AND "
                          "  ((?1 IS NOT NULL AND m.identity = ?1) "
                          "   OR ((?1 IS NULL OR m.identity IS NULL) AND m.address = ?2)) "
                          "ORDER BY t.started DESC, t.id DESC LIMIT 1", -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      store_error (store, error, "reading a tune");
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, miner_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    t = tune_from_row (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_error (store, error, "reading a tune");
      return NULL;
    }
  if (t != NULL && !load_steps (store, t, error))
    return NULL;
  return g_steal_pointer (&t);
}

/* ---- on the writer ---------------------------------------------------------- */

typedef struct
{
  HfStoreTune *tune;
  HfTuneStep  *step;
  gint64       id;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  hf_store_tune_free (job->tune);
  g_clear_pointer (&job->step, hf_tune_step_free);
  g_free (job);
}

static gboolean
begin_on_writer (HfStore    *writer,
                 GPtrArray  *miners,
                 gpointer    data,
                 GError    **error)
{
  Job *job = data;

  job->id = hf_store_begin_tune (writer, miners->pdata[0], job->tune, error);
  return job->id != 0;
}

void
hf_store_begin_tune_async (HfStore             *store,
                           HfMiner             *miner,
                           const HfStoreTune   *tune,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (HF_IS_STORE (store));
  g_return_if_fail (HF_IS_MINER (miner));

  job->tune = tune_copy (tune);
  _hf_store_run_on_writer (store, begin_on_writer, job, job_free, &miner, 1,
                           hf_store_begin_tune_async, "hf_store_begin_tune", NULL, callback,
                           user_data);
}

gint64
hf_store_begin_tune_finish (HfStore       *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), 0);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;
  return ((Job *) _hf_store_writer_data (result))->id;
}

static gboolean
step_on_writer (HfStore    *writer,
                GPtrArray  *miners,
                gpointer    data,
                GError    **error)
{
  Job *job = data;

  return hf_store_add_tune_step (writer, job->id, job->step, error);
}

void
hf_store_add_tune_step_async (HfStore             *store,
                              gint64               tune_id,
                              const HfTuneStep    *step,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (HF_IS_STORE (store));
  g_return_if_fail (step != NULL);

  job->id = tune_id;
  job->step = hf_tune_step_copy (step);
  _hf_store_run_on_writer (store, step_on_writer, job, job_free, NULL, 0,
                           hf_store_add_tune_step_async, "hf_store_add_tune_step", NULL,
                           callback, user_data);
}

static gboolean
end_on_writer (HfStore    *writer,
               GPtrArray  *miners,
               gpointer    data,
               GError    **error)
{
  Job *job = data;

  return hf_store_end_tune (writer, job->tune, error);
}

void
hf_store_end_tune_async (HfStore             *store,
                         const HfStoreTune   *tune,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (HF_IS_STORE (store));
  g_return_if_fail (tune != NULL);

  job->tune = tune_copy (tune);
  _hf_store_run_on_writer (store, end_on_writer, job, job_free, NULL, 0,
                           hf_store_end_tune_async, "hf_store_end_tune", NULL, callback,
                           user_data);
}

gboolean
hf_store_tune_change_finish (HfStore       *store,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reads on a worker thread ------------------------------------------------ */

typedef struct
{
  char *miner_key;
  char *address;
} LastQuery;

static void
last_query_free (gpointer data)
{
  LastQuery *q = data;

  g_free (q->miner_key);
  g_free (q->address);
  g_free (q);
}

static void
read_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HfStore *self = source;
  LastQuery *q = task_data;
  GError *error = NULL;
  HfStore *reader = _hf_store_lock_reader (self, &error);

  if (reader == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (q == NULL)
    {
      GPtrArray *list = hf_store_list_running_tunes (reader, &error);

      _hf_store_unlock_reader (self);
      if (list == NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
    }
  else
    {
      HfStoreTune *t = hf_store_load_last_tune (reader, q->miner_key, q->address, &error);

      _hf_store_unlock_reader (self);
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, t, (GDestroyNotify) hf_store_tune_free);
    }
}

void
hf_store_list_running_tunes_async (HfStore             *store,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HF_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_store_list_running_tunes_async);
  g_task_set_name (task, "hf_store_list_running_tunes");
  g_task_run_in_thread (task, read_thread);
}

GPtrArray *
hf_store_list_running_tunes_finish (HfStore       *store,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hf_store_load_last_tune_async (HfStore             *store,
                               const char          *miner_key,
                               const char          *address,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LastQuery *q = g_new0 (LastQuery, 1);

  g_return_if_fail (HF_IS_STORE (store));

  q->miner_key = g_strdup (miner_key);
  q->address = g_strdup (address);
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_store_load_last_tune_async);
  g_task_set_name (task, "hf_store_load_last_tune");
  g_task_set_task_data (task, q, last_query_free);
  g_task_run_in_thread (task, read_thread);
}

HfStoreTune *
hf_store_load_last_tune_finish (HfStore       *store,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
