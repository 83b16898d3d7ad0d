/* hf-store-upkeep.c
 * SPDX-License-Identifier: MIT
 *
 * Raw readings roll up into 5-minute buckets, those into hourly ones, and
 * each resolution is pruned past its retention — in small steps, each one
 * transaction, remembering in the meta table how far each level got.  The
 * app runs them on a worker thread with a connection of its own
 * (hf_store_maintain_async), so no step ever runs on the main loop; the
 * main thread's writes wait at most for the one step in progress.
 */
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <sqlite3.h>

#include "hf-error.h"
#include "hf-store-energy.h"
#include "hf-store-private.h"
#include "hf-store-upkeep.h"

/* What a step needs: a connection and the store's settings, copied so that
 * a worker thread never touches the HfStore. */
typedef struct
{
  sqlite3 *db;
  char    *path;
  gint64   keep_raw_s;
  gint64   keep_5m_s;
  gint64   keep_1h_s;
  guint    poll_interval_s;
} Upkeep;

static void
upkeep_init (Upkeep  *upkeep,
             HfStore *store,
             sqlite3 *db)
{
  upkeep->db = db;
  upkeep->path = g_strdup (hf_store_get_path (store));
  upkeep->keep_raw_s = _hf_store_get_retention (store, HF_RESOLUTION_RAW);
  upkeep->keep_5m_s = _hf_store_get_retention (store, HF_RESOLUTION_5M);
  upkeep->keep_1h_s = _hf_store_get_retention (store, HF_RESOLUTION_1H);
  upkeep->poll_interval_s = _hf_store_get_poll_interval (store);
}

static void
upkeep_free (gpointer data)
{
  Upkeep *upkeep = data;

  if (upkeep->db != NULL)
    sqlite3_close_v2 (upkeep->db);
  g_free (upkeep->path);
  g_free (upkeep);
}

static gboolean
fail (Upkeep      *upkeep,
      GError     **error,
      const char  *what)
{
  g_set_error (error, HF_ERROR, HF_ERROR_STORE, "%s: %s: %s", upkeep->path, what,
               upkeep->db != NULL ? sqlite3_errmsg (upkeep->db) : "cannot open");
  return FALSE;
}

static gboolean
exec (Upkeep      *upkeep,
      const char  *sql,
      GError     **error)
{
  return sqlite3_exec (upkeep->db, sql, NULL, NULL, NULL) == SQLITE_OK
         || fail (upkeep, error, sql);
}

static gint64
meta_get (Upkeep     *upkeep,
          const char *key,
          gint64      fallback)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = fallback;

  sqlite3_prepare_v2 (upkeep->db, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
meta_set (Upkeep     *upkeep,
          const char *key,
          gint64      value)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (upkeep->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, value);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* The oldest time at or after @after in @table.  The tables are keyed by
 * (miner_id, time): one index seek per miner, never a scan of the table. */
static gint64
min_time (Upkeep     *upkeep,
          const char *table,
          gint64      after)
{
  g_autofree char *sql = g_strdup_printf ("SELECT MIN ((SELECT time FROM %s WHERE miner_id = m.id "
                                          "AND time >= ?1 ORDER BY time LIMIT 1)) FROM miners m",
                                          table);
  sqlite3_stmt *stmt = NULL;
  gint64 t = -1;

  sqlite3_prepare_v2 (upkeep->db, sql, -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, after);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    t = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return t;
}

/* Run @sql with ?1 = from, ?2 = to (and ?3, ?4 = @extra, @extra2 where
 * it has them) inside the current transaction. */
static gboolean
run_range (Upkeep     *upkeep,
           const char *sql,
           gint64      from,
           gint64      to,
           double      extra,
           double      extra2)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (upkeep->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_double (stmt, 3, extra);
  if (sqlite3_bind_parameter_count (stmt) >= 4)
    sqlite3_bind_double (stmt, 4, extra2);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* Roll [from, to) of @source into @target buckets of @bucket seconds.
 * Energy starts at 0 for each bucket with readings; ENERGY_FROM_RAW then
 * fills in what was drawn. */
#define ROLLUP_COLUMNS \
  "(miner_id, time, hashrate_min, hashrate_avg, hashrate_max, temperature_min, " \
  "temperature_avg, temperature_max, power_min, power_avg, power_max, uptime_fraction, " \
  "accepted, rejected, energy_wh, energy_estimated_wh, power_s)"
#define ROLLUP_FROM_RAW \
  "INSERT OR REPLACE INTO rollups_5m " ROLLUP_COLUMNS " " \
  "SELECT miner_id, (time / 300) * 300 AS bucket, " \
  "MIN (hashrate), AVG (hashrate), MAX (hashrate), " \
  "MIN (temperature), AVG (temperature), MAX (temperature), " \
  "MIN (power), AVG (power), MAX (power), " \
  "MIN (1.0, COUNT (*) * ?3 / 300.0), " \
  "MAX (0, MAX (accepted) - MIN (accepted)), MAX (0, MAX (rejected) - MIN (rejected)), " \
  "0.0, 0.0, 0.0 " \
  "FROM readings WHERE miner_id IN (SELECT id FROM miners) AND time >= ?1 AND time < ?2 " \
  "GROUP BY miner_id, bucket"
/* The energy drawn within the bucket [?1, ?2): between two readings with
 * power known, at most ?4 seconds apart (else nothing is known between
 * them), power is linear; the part of each interval inside the bucket
 * counts, each end's share as measured or estimated as its own power
 * was.  A bucket is rolled only once ?4 seconds have passed after it, so
 * the reading that ends an interval across its end is written by then;
 * a bucket crossed by an interval but holding no reading gets a row of
 * its own. */
#define ENERGY_FROM_RAW \
  "WITH intervals AS (" \
  "  SELECT miner_id, LAG (time) OVER w AS t0, LAG (power) OVER w AS p0, " \
  "         LAG (power_estimated) OVER w AS e0, time AS t1, power AS p1, " \
  "         power_estimated AS e1 " \
  "  FROM readings WHERE miner_id IN (SELECT id FROM miners) AND time >= ?1 - ?4 " \
  "  AND time < ?2 + ?4 AND power IS NOT NULL " \
  "  WINDOW w AS (PARTITION BY miner_id ORDER BY time)), " \
  "parts AS (" \
  "  SELECT miner_id, p0, e0, p1, e1, t1 - t0 AS dt, " \
  "         (MAX (t0, ?1) - t0) * 1.0 / (t1 - t0) AS u, " \
  "         (MIN (t1, ?2) - t0) * 1.0 / (t1 - t0) AS v " \
  "  FROM intervals " \
  "  WHERE t0 IS NOT NULL AND t1 - t0 <= ?4 AND t1 > ?1 AND t0 < ?2), " \
  "shares AS (" \
  "  SELECT miner_id, e0, e1, (v - u) * dt AS seconds, " \
  "         p0 * ((v - u) - (v * v - u * u) / 2) * dt / 3600.0 AS s0, " \
  "         p1 * (v * v - u * u) / 2 * dt / 3600.0 AS s1 " \
  "  FROM parts) " \
  "INSERT INTO rollups_5m (miner_id, time, uptime_fraction, energy_wh, energy_estimated_wh, " \
  "                        power_s) " \
  "SELECT miner_id, ?1, 0, SUM (s0 + s1), " \
  "       SUM (CASE WHEN e0 THEN s0 ELSE 0 END + CASE WHEN e1 THEN s1 ELSE 0 END), " \
  "       SUM (seconds) " \
  "FROM shares WHERE 1 GROUP BY miner_id " \
  "ON CONFLICT (miner_id, time) DO UPDATE SET energy_wh = excluded.energy_wh, " \
  "energy_estimated_wh = excluded.energy_estimated_wh, power_s = excluded.power_s"
/* An hour's energy is its buckets'; one from before schema 5 counts as
 * its average power over its uptime, from a source not known. */
#define ROLLUP_FROM_5M \
  "INSERT OR REPLACE INTO rollups_1h " ROLLUP_COLUMNS " " \
  "SELECT miner_id, (time / 3600) * 3600 AS bucket, " \
  "MIN (hashrate_min), AVG (hashrate_avg), MAX (hashrate_max), " \
  "MIN (temperature_min), AVG (temperature_avg), MAX (temperature_max), " \
  "MIN (power_min), AVG (power_avg), MAX (power_max), " \
  "SUM (uptime_fraction) / 12.0, SUM (accepted), SUM (rejected), " \
  "SUM (COALESCE (energy_wh, power_avg * uptime_fraction * 300 / 3600.0)), " \
  "CASE WHEN COUNT (energy_estimated_wh) = COUNT (*) THEN SUM (energy_estimated_wh) END, " \
  "SUM (COALESCE (power_s, CASE WHEN power_avg IS NOT NULL THEN uptime_fraction * 300 END)) " \
  "FROM rollups_5m WHERE miner_id IN (SELECT id FROM miners) AND time >= ?1 AND time < ?2 " \
  "GROUP BY miner_id, bucket"

/* How much one step takes on: 5 minutes of raw readings (20k rows for a
 * 1000-miner fleet at 15 s), an hour of 5-minute buckets, or 15 minutes of
 * expired rows — a few ms of SQL each. */
#define RAW_SLICE_S   300
/* ENERGY_FROM_RAW fills in one bucket a step. */
G_STATIC_ASSERT (RAW_SLICE_S == 300);
#define FIVE_SLICE_S  3600
#define PRUNE_SLICE_S 900

/* One roll-up level: rows of @from_table in buckets that ended before
 * @until go into @bucket_s buckets, @slice_s of source time per call,
 * then @energy_sql (if any) fills in their energy.  @done_key remembers
 * how far the level got.  Returns 1 when it rolled a slice (call again),
 * 0 when the level is up to date, -1 on error. */
static int
roll_level (Upkeep     *upkeep,
            const char *sql,
            const char *energy_sql,
            const char *from_table,
            const char *done_key,
            gint64      bucket_s,
            gint64      slice_s,
            double      extra,
            gint64      until)
{
  gint64 done = meta_get (upkeep, done_key, 0);
  gint64 start = min_time (upkeep, from_table, done);
  gint64 end = (until / bucket_s) * bucket_s;
  gint64 gap = hf_store_gap_limit (upkeep->poll_interval_s);

  /* A bucket without readings may still be crossed by an interval from a
   * reading just before it: it is rolled in turn, not skipped. */
  if (energy_sql != NULL && done < end)
    {
      gint64 before = min_time (upkeep, from_table, done - gap);

      if (before >= 0 && before < done)
        start = done;
    }
  if (start >= 0 && (start / bucket_s) * bucket_s < end)
    {
      start = (start / bucket_s) * bucket_s;
      if (!run_range (upkeep, sql, start, start + slice_s, extra, (double) gap)
          || (energy_sql != NULL
              && !run_range (upkeep, energy_sql, start, start + slice_s, extra, (double) gap))
          || !meta_set (upkeep, done_key, start + slice_s))
        return -1;
      return 1;
    }

  /* Nothing older left: everything before the current bucket is rolled,
   * data or not. */
  if (done < end && !meta_set (upkeep, done_key, end))
    return -1;
  return 0;
}

/* Pack the next whole UTC day of hourly roll-ups into energy_days, once
 * every hour of it is rolled.  Returns as roll_level() does. */
static int
pack_day (Upkeep  *upkeep,
          GError **error)
{
  gint64 done = meta_get (upkeep, "packed_days_until", 0);
  gint64 limit = meta_get (upkeep, "rolled_1h_until", 0);
  gint64 start;

  limit -= limit % 86400;
  if (done >= limit)
    return 0;
  start = min_time (upkeep, "rollups_1h", done);
  if (start < 0 || start >= limit)
    return meta_set (upkeep, "packed_days_until", limit) ? 0 : -1;
  start -= start % 86400;
  if (!hf_store_energy_pack_day (upkeep->db, start, error))
    return -2;
  return meta_set (upkeep, "packed_days_until", start + 86400) ? 1 : -1;
}

static gboolean
upkeep_step (Upkeep  *upkeep,
             gint64   now,
             GError **error)
{
  gint64 oldest;
  gboolean more;
  int rolled;

  if (!exec (upkeep, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* 1. Raw → 5-minute buckets; 2. 5-minute → hourly, only hours whose
   * 5-minute buckets are all rolled; 3. whole days of those packed for
   * energy. */
  /* A 5-minute bucket waits for the gap limit to pass after it: the
   * reading that ends its last interval may come that late. */
  rolled = roll_level (upkeep, ROLLUP_FROM_RAW, ENERGY_FROM_RAW, "readings", "rolled_5m_until",
                       300, RAW_SLICE_S, (double) upkeep->poll_interval_s,
                       now - hf_store_gap_limit (upkeep->poll_interval_s));
  if (rolled == 0)
    rolled = roll_level (upkeep, ROLLUP_FROM_5M, NULL, "rollups_5m", "rolled_1h_until", 3600,
                         FIVE_SLICE_S, 0, MIN (now, meta_get (upkeep, "rolled_5m_until", 0)));
  if (rolled == 0)
    rolled = pack_day (upkeep, error);
  if (rolled == -2)
    {
      exec (upkeep, "ROLLBACK", NULL);
      return FALSE;
    }
  if (rolled < 0)
    goto failed;
  more = rolled > 0;

  if (!more)
    {
      /* 4. Retention, one slice per table per step; only rows already
       * rolled up into the next resolution (or packed) go. */
      struct { const char *table; gint64 keep; const char *rolled; } prune[] = {
        { "readings", upkeep->keep_raw_s, "rolled_5m_until" },
        { "rollups_5m", upkeep->keep_5m_s, "rolled_1h_until" },
        { "rollups_1h", upkeep->keep_1h_s, "packed_days_until" },
        { "energy_days", upkeep->keep_1h_s, NULL },
      };

      for (guint i = 0; i < G_N_ELEMENTS (prune) && !more; i++)
        {
          g_autofree char *sql = NULL;
          gint64 cutoff;

          if (prune[i].keep == 0)
            continue;
          cutoff = now - prune[i].keep;
          if (prune[i].rolled != NULL)
            cutoff = MIN (cutoff, meta_get (upkeep, prune[i].rolled, 0));
          oldest = min_time (upkeep, prune[i].table, 0);
          if (oldest < 0 || oldest >= cutoff)
            continue;
          sql = g_strdup_printf ("DELETE FROM %s WHERE miner_id IN (SELECT id FROM "
                                 "miners) AND time >= ?1 AND time < ?2", prune[i].table);
          if (!run_range (upkeep, sql, oldest, MIN (cutoff, oldest + PRUNE_SLICE_S), 0, 0))
            goto failed;
          more = TRUE;
        }
    }

  if (!exec (upkeep, "COMMIT", error))
    {
      exec (upkeep, "ROLLBACK", NULL);
      return FALSE;
    }
  return more;

failed:
  fail (upkeep, error, "maintaining history");
  exec (upkeep, "ROLLBACK", NULL);
  return FALSE;
}

gboolean
hf_store_maintain_step (HfStore  *self,
                        gint64    now,
                        GError  **error)
{
  Upkeep upkeep;
  gboolean more;

  g_return_val_if_fail (HF_IS_STORE (self), FALSE);

  upkeep_init (&upkeep, self, _hf_store_get_db (self));
  more = upkeep_step (&upkeep, now, error);
  g_free (upkeep.path);
  return more;
}

/* The pause after each step on the worker: the main thread, retrying every
 * 100 µs while the database is locked, takes the lock in it. */
#define STEP_PAUSE_US 500
/* The worker's nice value (Linux): below the main thread. */
#define UPKEEP_NICE 10

typedef struct
{
  Upkeep *upkeep;
  gint64  now;
  guint   steps;
} MaintainData;

static void
maintain_data_free (gpointer data)
{
  MaintainData *md = data;

  g_clear_pointer (&md->upkeep, upkeep_free);
  g_free (md);
}

/* The worker's own checkpoints: while it catches up its commits are most
 * of the log's growth, and the main connection's checkpoints follow only
 * its own commits.  This hook replaces SQLite's automatic checkpoint (run
 * in whichever commit crosses the threshold) with a passive one between
 * steps, on this thread. */
static int
wal_pages_cb (void       *user_data,
              sqlite3    *db,
              const char *name,
              int         pages)
{
  *(int *) user_data = pages;
  return SQLITE_OK;
}

static gpointer
maintain_thread (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  MaintainData *md = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  Upkeep *upkeep = md->upkeep;
  g_autoptr(GError) error = NULL;
  gboolean more = TRUE;
  int wal_pages = 0;

#ifdef __linux__
  /* On Linux the nice value is the thread's own: the main loop (and the
   * poller) come first on a small machine's cores. */
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), UPKEEP_NICE);
#endif

  if (sqlite3_open_v2 (upkeep->path, &upkeep->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      fail (upkeep, &error, "cannot open for upkeep");
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }
  sqlite3_busy_handler (upkeep->db, _hf_store_busy_cb, NULL);
  sqlite3_wal_hook (upkeep->db, wal_pages_cb, &wal_pages);
  if (!exec (upkeep, "PRAGMA synchronous = NORMAL", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  while (more && !g_cancellable_is_cancelled (cancellable))
    {
      more = upkeep_step (upkeep, md->now, &error);
      if (error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return NULL;
        }
      md->steps++;
      if (wal_pages >= _HF_STORE_CHECKPOINT_PAGES)
        {
          sqlite3_wal_checkpoint_v2 (upkeep->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
          wal_pages = 0;
        }
      if (more)
        g_usleep (STEP_PAUSE_US);
    }
  g_debug ("%s: history upkeep, %u steps%s", upkeep->path, md->steps,
           more ? " (cancelled)" : "");
  g_task_return_boolean (task, TRUE);
  return NULL;
}

void
hf_store_maintain_async (HfStore             *self,
                         gint64               now,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  MaintainData *md;

  g_return_if_fail (HF_IS_STORE (self));

  md = g_new0 (MaintainData, 1);
  md->upkeep = g_new0 (Upkeep, 1);
  upkeep_init (md->upkeep, self, NULL);
  md->now = now;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_store_maintain_async);
  g_task_set_name (task, "hf_store_maintain");
  g_task_set_task_data (task, md, maintain_data_free);
  /* A thread of its own rather than GLib's pool, whose threads would keep
   * the lowered priority for whatever they run next. */
  g_thread_unref (g_thread_new ("hf-upkeep", maintain_thread, task));
}

gboolean
hf_store_maintain_finish (HfStore       *self,
                          GAsyncResult  *result,
                          guint         *steps,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (steps != NULL)
    *steps = ((MaintainData *) g_task_get_task_data (G_TASK (result)))->steps;
  return g_task_propagate_boolean (G_TASK (result), error);
}
