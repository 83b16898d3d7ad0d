/* hf-store-energy.c
 * SPDX-License-Identifier: MIT
 *
 * Reads for energy: a handful of prepared statements run once per miner
 * and span, inside one read transaction.  A year of hourly roll-ups is
 * 8760 rows a miner, too many to step through for a fleet in the time a
 * page may take, so whole UTC days come from energy_days, one row each.
 */
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-store-energy.h"
#include "hf-store-private.h"

enum
{
  Q_SAMPLES,
  Q_FIVE,
  Q_HOURS,
  Q_DAYS,
  N_QUERIES
};

struct _HfStoreEnergyReader
{
  HfStore             *store;
  sqlite3             *db;
  sqlite3_stmt        *stmts[N_QUERIES];
  gboolean             in_transaction;
  HfStoreEnergyBounds  bounds;
};

/* Roll-ups written before schema 5 have no energy: it is what their
 * average power and uptime say, its source unknown. */
#define BUCKET_COLUMNS(size) \
  "time, COALESCE (energy_wh, power_avg * uptime_fraction * " size " / 3600.0), " \
  "CASE WHEN energy_wh IS NOT NULL THEN energy_estimated_wh END, " \
  "COALESCE (power_s, CASE WHEN power_avg IS NOT NULL THEN uptime_fraction * " size " END, 0)"

static const char *const queries[N_QUERIES] = {
  [Q_SAMPLES] = "SELECT time, power, power_estimated FROM readings WHERE miner_id = ?1 "
                "AND time >= ?2 AND time < ?3 AND power IS NOT NULL ORDER BY time",
  [Q_FIVE] = "SELECT " BUCKET_COLUMNS ("300") " FROM rollups_5m WHERE miner_id = ?1 "
             "AND time >= ?2 AND time < ?3 ORDER BY time",
  [Q_HOURS] = "SELECT " BUCKET_COLUMNS ("3600") " FROM rollups_1h WHERE miner_id = ?1 "
              "AND time >= ?2 AND time < ?3 ORDER BY time",
  [Q_DAYS] = "SELECT time, hours FROM energy_days WHERE miner_id = ?1 AND time >= ?2 "
             "AND time < ?3 ORDER BY time",
};

gint64
hf_store_gap_limit (guint poll_interval_s)
{
  return MAX ((gint64) poll_interval_s * HF_STORE_GAP_FACTOR, HF_STORE_GAP_MIN_S);
}

gint64
hf_store_energy_gap (HfStore *store)
{
  sqlite3_stmt *stmt = NULL;
  guint interval = _hf_store_get_poll_interval (store);

  if (sqlite3_prepare_v2 (_hf_store_get_db (store), "SELECT value FROM meta WHERE key = "
                          "'poll_interval_s'", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    interval = (guint) CLAMP (sqlite3_column_int64 (stmt, 0), 1, 86400);
  sqlite3_finalize (stmt);
  return hf_store_gap_limit (interval);
}

void
hf_store_miner_row_free (HfStoreMinerRow *row)
{
  if (row == NULL)
    return;
  g_free (row->address);
  g_free (row->mac);
  g_free (row->model);
  g_free (row->hostname);
  g_free (row->label);
  g_free (row);
}

static gboolean
fail (HfStoreEnergyReader  *reader,
      GError              **error,
      const char           *what)
{
  g_set_error (error, HF_ERROR, HF_ERROR_STORE, "%s: %s: %s", hf_store_get_path (reader->store),
               what, sqlite3_errmsg (reader->db));
  return FALSE;
}

/* The oldest time in @table: one index seek per miner, never a scan. */
static gboolean
oldest (HfStoreEnergyReader  *reader,
        const char           *table,
        gint64               *out,
        GError              **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT MIN ((SELECT time FROM %s WHERE miner_id = "
                                          "m.id ORDER BY time LIMIT 1)) FROM miners m", table);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (reader->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return fail (reader, error, "reading energy");
  rc = sqlite3_step (stmt);
  *out = rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL
         ? sqlite3_column_int64 (stmt, 0) : G_MAXINT64;
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || fail (reader, error, "reading energy");
}

static gboolean
read_bounds (HfStoreEnergyReader  *reader,
             GError              **error)
{
  HfStoreEnergyBounds *b = &reader->bounds;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!oldest (reader, "readings", &b->raw_from, error)
      || !oldest (reader, "rollups_5m", &b->five_from, error)
      || !oldest (reader, "rollups_1h", &b->hour_from, error))
    return FALSE;
  if (sqlite3_prepare_v2 (reader->db, "SELECT key, value FROM meta WHERE key IN "
                          "('rolled_5m_until', 'rolled_1h_until', 'packed_days_until', "
                          "'poll_interval_s')", -1, &stmt, NULL) != SQLITE_OK)
    return fail (reader, error, "reading energy");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      gint64 value = sqlite3_column_int64 (stmt, 1);

      if (g_str_equal (key, "rolled_5m_until"))
        b->five_until = value;
      else if (g_str_equal (key, "rolled_1h_until"))
        b->hour_until = value;
      else if (g_str_equal (key, "packed_days_until"))
        b->days_until = value;
      else
        b->poll_interval_s = (guint) CLAMP (value, 0, 86400);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return fail (reader, error, "reading energy");
  /* Each level is complete only as far as the one it is made from. */
  b->hour_until = MIN (b->hour_until, b->five_until);
  b->days_until = MIN (b->days_until, b->hour_until);
  return TRUE;
}

HfStoreEnergyReader *
hf_store_energy_reader_new (HfStore  *store,
                            GError  **error)
{
  HfStoreEnergyReader *reader;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);

  reader = g_new0 (HfStoreEnergyReader, 1);
  reader->store = g_object_ref (store);
  reader->db = _hf_store_get_db (store);
  /* One snapshot: the upkeep may roll and prune in between otherwise. */
  if (sqlite3_exec (reader->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      fail (reader, error, "reading energy");
      hf_store_energy_reader_free (reader);
      return NULL;
    }
  reader->in_transaction = TRUE;
  for (guint i = 0; i < N_QUERIES; i++)
    if (sqlite3_prepare_v2 (reader->db, queries[i], -1, &reader->stmts[i], NULL) != SQLITE_OK)
      {
        fail (reader, error, "reading energy");
        hf_store_energy_reader_free (reader);
        return NULL;
      }
  if (!read_bounds (reader, error))
    {
      hf_store_energy_reader_free (reader);
      return NULL;
    }
  return reader;
}

void
hf_store_energy_reader_free (HfStoreEnergyReader *reader)
{
  if (reader == NULL)
    return;
  for (guint i = 0; i < N_QUERIES; i++)
    g_clear_pointer (&reader->stmts[i], sqlite3_finalize);
  if (reader->in_transaction)
    sqlite3_exec (reader->db, "COMMIT", NULL, NULL, NULL);
  g_object_unref (reader->store);
  g_free (reader);
}

const HfStoreEnergyBounds *
hf_store_energy_reader_bounds (HfStoreEnergyReader *reader)
{
  return &reader->bounds;
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GPtrArray *
hf_store_energy_reader_miners (HfStoreEnergyReader  *reader,
                               const char           *address,
                               GError              **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                              hf_store_miner_row_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (reader->db, address != NULL
                          ? "SELECT id, address, mac, model, hostname, label, removed IS NOT NULL "
                            "FROM miners WHERE address = ?1 ORDER BY id"
                          : "SELECT id, address, mac, model, hostname, label, removed IS NOT NULL "
                            "FROM miners ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
    {
      fail (reader, error, "reading the miners");
      return NULL;
    }
  if (address != NULL)
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfStoreMinerRow *row = g_new0 (HfStoreMinerRow, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->address = column_text (stmt, 1);
      row->mac = column_text (stmt, 2);
      row->model = column_text (stmt, 3);
      row->hostname = column_text (stmt, 4);
      row->label = column_text (stmt, 5);
      row->removed = sqlite3_column_int (stmt, 6) != 0;
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (reader, error, "reading the miners");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static sqlite3_stmt *
bind_span (HfStoreEnergyReader *reader,
           guint                query,
           gint64               id,
           gint64               from,
           gint64               to)
{
  sqlite3_stmt *stmt = reader->stmts[query];

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  return stmt;
}

gboolean
hf_store_energy_reader_samples (HfStoreEnergyReader  *reader,
                                gint64                id,
                                gint64                from,
                                gint64                to,
                                GArray               *out,
                                GError              **error)
{
  sqlite3_stmt *stmt = bind_span (reader, Q_SAMPLES, id, from, to);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfPowerSample s = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_double (stmt, 1),
        sqlite3_column_int (stmt, 2) != 0,
      };

      if (isfinite (s.power_w))
        g_array_append_val (out, s);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || fail (reader, error, "reading readings");
}

static gboolean
read_bucket_rows (HfStoreEnergyReader  *reader,
                  guint                 query,
                  gint64                id,
                  gint64                from,
                  gint64                to,
                  GArray               *out,
                  GError              **error)
{
  sqlite3_stmt *stmt = bind_span (reader, query, id, from, to);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfEnergyBucket b = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_type (stmt, 1) == SQLITE_NULL ? 0 : sqlite3_column_double (stmt, 1),
        sqlite3_column_type (stmt, 2) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 2),
        sqlite3_column_double (stmt, 3),
      };

      g_array_append_val (out, b);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || fail (reader, error, "reading roll-ups");
}

static double
get_double_le (const guint8 *p)
{
  guint64 bits;
  double value;

  memcpy (&bits, p, sizeof bits);
  bits = GUINT64_FROM_LE (bits);
  memcpy (&value, &bits, sizeof value);
  return value;
}

static void
put_double_le (guint8 *p,
               double  value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  bits = GUINT64_TO_LE (bits);
  memcpy (p, &bits, sizeof bits);
}

/* The hours of packed days in [@from, @to), days starting before @to. */
static gboolean
read_days (HfStoreEnergyReader  *reader,
           gint64                id,
           gint64                from,
           gint64                to,
           GArray               *out,
           GError              **error)
{
  sqlite3_stmt *stmt = bind_span (reader, Q_DAYS, id, from - from % 86400, to);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 day = sqlite3_column_int64 (stmt, 0);
      const guint8 *hours = sqlite3_column_blob (stmt, 1);

      /* Anything else is not a row this code wrote. */
      if (sqlite3_column_bytes (stmt, 1) != HF_STORE_DAY_BYTES)
        continue;
      for (guint h = 0; h < 24; h++)
        {
          const guint8 *v = hours + h * HF_STORE_DAY_VALUES * 8;
          HfEnergyBucket b = {
            day + h * 3600, get_double_le (v), get_double_le (v + 8), get_double_le (v + 16),
          };

          if (b.time < from || b.time >= to || (b.wh == 0 && b.seconds == 0))
            continue;
          g_array_append_val (out, b);
        }
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || fail (reader, error, "reading energy days");
}

gboolean
hf_store_energy_reader_buckets (HfStoreEnergyReader  *reader,
                                gint64                id,
                                gint64                bucket_s,
                                gint64                from,
                                gint64                to,
                                GArray               *out,
                                GError              **error)
{
  gint64 packed = reader->bounds.days_until;

  if (bucket_s == 300)
    return read_bucket_rows (reader, Q_FIVE, id, from, to, out, error);
  g_return_val_if_fail (bucket_s == 3600, FALSE);
  if (from < packed && !read_days (reader, id, from, MIN (to, packed), out, error))
    return FALSE;
  return to <= packed || read_bucket_rows (reader, Q_HOURS, id, MAX (from, packed), to, out, error);
}

gboolean
hf_store_energy_pack_day (sqlite3  *db,
                          gint64    day,
                          GError  **error)
{
  sqlite3_stmt *read = NULL, *write = NULL;
  guint8 hours[HF_STORE_DAY_BYTES];
  gint64 miner = -1;
  gboolean ok = FALSE;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT miner_id, " BUCKET_COLUMNS ("3600") " FROM rollups_1h "
                          "WHERE miner_id IN (SELECT id FROM miners) AND time >= ?1 "
                          "AND time < ?2 ORDER BY miner_id, time", -1, &read, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO energy_days (miner_id, time, hours) "
                             "VALUES (?1, ?2, ?3)", -1, &write, NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_int64 (read, 1, day);
  sqlite3_bind_int64 (read, 2, day + 86400);
  sqlite3_bind_int64 (write, 2, day);
  memset (hours, 0, sizeof hours);
  for (;;)
    {
      gint64 id;

      rc = sqlite3_step (read);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        goto out;
      id = rc == SQLITE_ROW ? sqlite3_column_int64 (read, 0) : -1;
      /* A miner's day is done: write it. */
      if (miner >= 0 && id != miner)
        {
          sqlite3_bind_int64 (write, 1, miner);
          sqlite3_bind_blob (write, 3, hours, sizeof hours, SQLITE_STATIC);
          if (sqlite3_step (write) != SQLITE_DONE)
            goto out;
          sqlite3_reset (write);
          memset (hours, 0, sizeof hours);
        }
      if (rc == SQLITE_DONE)
        break;
      miner = id;
      {
        guint h = (guint) ((sqlite3_column_int64 (read, 1) - day) / 3600);
        guint8 *v = hours + h * HF_STORE_DAY_VALUES * 8;

        put_double_le (v, sqlite3_column_type (read, 2) == SQLITE_NULL
                          ? 0 : sqlite3_column_double (read, 2));
        put_double_le (v + 8, sqlite3_column_type (read, 3) == SQLITE_NULL
                              ? NAN : sqlite3_column_double (read, 3));
        put_double_le (v + 16, sqlite3_column_double (read, 4));
      }
    }
  ok = TRUE;

out:
  if (!ok)
    g_set_error (error, HF_ERROR, HF_ERROR_STORE, "packing energy days: %s", sqlite3_errmsg (db));
  sqlite3_finalize (read);
  sqlite3_finalize (write);
  return ok;
}
