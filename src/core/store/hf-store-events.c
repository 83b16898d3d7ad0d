/* hf-store-events.c
 * SPDX-License-Identifier: MIT
 *
 * A block found is recorded the moment Hashfleet sees a miner's counter
 * move: the firmware forgets its count at a reboot, so the store is the
 * only lasting record of it.
 */
#include <math.h>
#include <sqlite3.h>

#include "hf-error.h"
#include "hf-store-events.h"
#include "hf-store-private.h"

HfStoreEvent *
hf_store_event_new (const char *kind)
{
  HfStoreEvent *event = g_new0 (HfStoreEvent, 1);

  event->time = g_get_real_time () / G_USEC_PER_SEC;
  event->kind = g_strdup (kind);
  event->count = 1;
  event->counter = NAN;
  event->network_difficulty = NAN;
  return event;
}

void
hf_store_event_free (HfStoreEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->kind);
  g_free (event->address);
  g_free (event->hostname);
  g_free (event->identity);
  g_free (event->detail);
  g_free (event);
}

HfStoreEvent *
hf_store_event_copy (const HfStoreEvent *event)
{
  HfStoreEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);

  copy = g_memdup2 (event, sizeof *event);
  copy->kind = g_strdup (event->kind);
  copy->address = g_strdup (event->address);
  copy->hostname = g_strdup (event->hostname);
  copy->identity = g_strdup (event->identity);
  copy->detail = g_strdup (event->detail);
  return copy;
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

static void
bind_real (sqlite3_stmt *stmt,
           int           i,
           double        value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_double (stmt, i, value);
}

gboolean
hf_store_add_event (HfStore            *store,
                    HfMiner            *miner,
                    const HfStoreEvent *event,
                    GError            **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gint64 id;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);
  g_return_val_if_fail (event != NULL && event->kind != NULL, FALSE);

  db = _hf_store_get_db (store);
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return store_error (store, error, "recording an event");
  id = _hf_store_save_miner (store, miner, error);
  /* With the reading whose counter moved: were it left to the cycle's
   * write, a stop before that would restore the counter before the block,
   * and the next start would record the same block again. */
  if (id == 0 || (hf_miner_get_reading (miner) != NULL
                  && !_hf_store_insert_reading (store, id, hf_miner_get_reading (miner), error)))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  if (sqlite3_prepare_v2 (db, "INSERT INTO events (miner_id, time, kind, count, counter, "
                          "network_difficulty, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      store_error (store, error, "recording an event");
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, event->time);
  sqlite3_bind_text (stmt, 3, event->kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, event->count);
  bind_real (stmt, 5, event->counter);
  bind_real (stmt, 6, event->network_difficulty);
  if (event->detail != NULL)
    sqlite3_bind_text (stmt, 7, event->detail, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 7);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "recording an event");
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      store_error (store, error, "recording an event");
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

static double
column_real (sqlite3_stmt *stmt,
             int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL
         ? NAN : sqlite3_column_double (stmt, column);
}

GPtrArray *
hf_store_list_events (HfStore     *store,
                      const char  *kind,
                      gint64       since,
                      gint64       until,
                      GError     **error)
{
  g_autoptr(GPtrArray) events = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);

  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "SELECT e.time, e.kind, m.address, m.hostname, m.identity, e.count, "
                          "e.counter, e.network_difficulty, e.detail FROM events e "
                          "JOIN miners m ON m.id = e.miner_id "
                          "WHERE (?1 IS NULL OR e.kind = ?1) AND e.time >= ?2 "
                          "AND (?3 = 0 OR e.time < ?3) ORDER BY e.time, e.id", -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      store_error (store, error, "reading events");
      return NULL;
    }
  if (kind != NULL)
    sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, until);

  events = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_store_event_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfStoreEvent *event = hf_store_event_new ((const char *) sqlite3_column_text (stmt, 1));

      event->time = sqlite3_column_int64 (stmt, 0);
      event->address = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      event->hostname = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      event->identity = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      event->count = (guint) CLAMP (sqlite3_column_int64 (stmt, 5), 0, G_MAXUINT);
      event->counter = column_real (stmt, 6);
      event->network_difficulty = column_real (stmt, 7);
      event->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
      g_ptr_array_add (events, event);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "reading events");
      return NULL;
    }
  return g_steal_pointer (&events);
}
