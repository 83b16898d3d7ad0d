/* hf-store.c
 * SPDX-License-Identifier: MIT
 *
 * One SQLite file in WAL mode: a writer never blocks readers, and a crash
 * loses at most the transaction in flight.  synchronous=NORMAL is enough
 * for that in WAL mode (a power cut may lose the last commits, never the
 * file) and spares a Pi's SD card a sync per poll cycle.
 *
 * Schema versions live in PRAGMA user_version; migrations[N] takes a
 * database from version N to N+1 and never drops user data.
 *
 * Connections: the HfStore's own (start-up load, pool profiles, the
 * CLI's direct calls); a writer for cycle writes, saves and removals, used
 * by a one-thread pool that runs them in the order they were asked for
 * (hf_store_*_async); a reader on worker threads for chart series
 * (hf_store_series_async, in hf-store-export.c); and the upkeep thread's
 * (hf-store-upkeep.c).  All share one busy handler that retries every
 * 100 µs.
 *
 * Other processes may have the file open at the same time (the app, `watch`,
 * `list`, a backup tool), so nothing here opens, reads or stats the database
 * or its -wal/-shm outside SQLite: closing any descriptor of a file drops
 * every POSIX lock the process holds on it, SQLite's included, and the next
 * process to close its connection would then take itself for the last one,
 * checkpoint and delete the write-ahead log still in use.  Whether a file is
 * broken is SQLite's own verdict (SQLITE_NOTADB, SQLITE_CORRUPT); a lock, a
 * permission or a full disk is an error that names its cause, and the file
 * stays where it is.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hf-error.h"
#include "hf-store-events.h"
#include "hf-store-private.h"
#include "hf-store-profiles.h"

typedef enum
{
  STMT_FIND_BY_IDENTITY,
  STMT_FIND_BY_ADDRESS,
  STMT_INSERT_MINER,
  STMT_UPDATE_MINER,
  STMT_SET_API_VERSION,
  STMT_INSERT_READING,
  STMT_INSERT_READING_V3,
  N_STMTS
} StmtId;

struct _HfStore
{
  GObject  parent_instance;

  sqlite3 *db;
  int      version;           /* the schema version, as opened */
  /* Prepared once, reused: a poll cycle runs these thousands of times. */
  sqlite3_stmt *stmts[N_STMTS];
  char    *path;
  char    *moved_aside;
  gboolean checkpointing;     /* a checkpoint runs on a worker thread */
  guint    checkpoints;       /* how many have finished (for tests) */
  gint64   keep_raw_s;
  gint64   keep_5m_s;
  gint64   keep_1h_s;
  guint    poll_interval_s;
  /* hf_store_add_readings_async: a second HfStore on the same file, used
   * only by one worker thread at a time (writer_lock). */
  GMutex   writer_lock;
  HfStore *writer;
  int      writer_wal_pages;
  /* Its jobs (GTasks), run one at a time in the order they were asked for. */
  GThreadPool *writer_pool;
  /* hf_store_series_async: a third one for reads on worker threads, one
   * query at a time (reader_lock); WAL lets it read while others write. */
  GMutex   reader_lock;
  HfStore *reader;
};

G_DEFINE_FINAL_TYPE (HfStore, hf_store, G_TYPE_OBJECT)

static const char *const migrations[HF_STORE_SCHEMA_VERSION] = {
  /* 0 → 1: the first schema. */
  "CREATE TABLE miners ("
  "  id           INTEGER PRIMARY KEY,"
  "  identity     TEXT UNIQUE,"            /* MAC, else serial; NULL if neither */
  "  address      TEXT NOT NULL,"
  "  http_port    INTEGER NOT NULL,"
  "  cgminer_port INTEGER NOT NULL,"
  "  family       TEXT NOT NULL,"
  "  model        TEXT,"
  "  firmware     TEXT,"
  "  hostname     TEXT,"
  "  mac          TEXT,"
  "  serial       TEXT,"
  "  label        TEXT,"
  "  added        INTEGER NOT NULL,"       /* unix seconds */
  "  last_seen    INTEGER,"
  "  removed      INTEGER"                 /* set when forgotten with its history kept */
  ") STRICT;"
  "CREATE INDEX miners_by_address ON miners (address, family);"
  "CREATE TABLE readings ("
  "  miner_id        INTEGER NOT NULL REFERENCES miners (id) ON DELETE CASCADE,"
  "  time            INTEGER NOT NULL,"    /* unix seconds */
  "  hashrate        REAL, hashrate_avg REAL, expected REAL,"
  "  temperature     REAL, chip_temp REAL, board_temp REAL,"
  "  power           REAL, power_estimated INTEGER, input_voltage REAL,"
  "  fan_rpm         REAL, fan_percent REAL, frequency REAL, core_voltage REAL,"
  "  uptime          REAL, accepted REAL, rejected REAL, hardware_errors REAL,"
  "  best_difficulty REAL, pool_url TEXT, pool_user TEXT,"
  "  PRIMARY KEY (miner_id, time)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE TABLE rollups_5m ("
  "  miner_id INTEGER NOT NULL REFERENCES miners (id) ON DELETE CASCADE,"
  "  time INTEGER NOT NULL,"
  "  hashrate_min REAL, hashrate_avg REAL, hashrate_max REAL,"
  "  temperature_min REAL, temperature_avg REAL, temperature_max REAL,"
  "  power_min REAL, power_avg REAL, power_max REAL,"
  "  uptime_fraction REAL, accepted REAL, rejected REAL,"
  "  PRIMARY KEY (miner_id, time)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE TABLE rollups_1h ("
  "  miner_id INTEGER NOT NULL REFERENCES miners (id) ON DELETE CASCADE,"
  "  time INTEGER NOT NULL,"
  "  hashrate_min REAL, hashrate_avg REAL, hashrate_max REAL,"
  "  temperature_min REAL, temperature_avg REAL, temperature_max REAL,"
  "  power_min REAL, power_avg REAL, power_max REAL,"
  "  uptime_fraction REAL, accepted REAL, rejected REAL,"
  "  PRIMARY KEY (miner_id, time)"
  ") STRICT, WITHOUT ROWID;",

  /* 1 → 2: where the incremental upkeep has got to. */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value INTEGER NOT NULL"
  ") STRICT;",

  /* 2 → 3: named pool profiles (hf-store-profiles.c). */
  "CREATE TABLE pool_profiles ("
  "  name              TEXT PRIMARY KEY,"
  "  url               TEXT NOT NULL,"
  "  user              TEXT,"
  "  password          TEXT,"
  "  fallback_url      TEXT,"
  "  fallback_user     TEXT,"
  "  fallback_password TEXT"
  ") STRICT;",

  /* 3 → 4: events (found blocks, hf-store-events.c), kept forever; and
   * each reading's found-blocks counter, so that a block found while no
   * Hashfleet ran is told from one already recorded. */
  "CREATE TABLE events ("
  "  id                 INTEGER PRIMARY KEY,"
  "  miner_id           INTEGER NOT NULL REFERENCES miners (id) ON DELETE CASCADE,"
  "  time               INTEGER NOT NULL,"      /* unix seconds */
  "  kind               TEXT NOT NULL,"         /* 'block-found' */
  "  count              INTEGER NOT NULL,"      /* blocks (or things) it stands for */
  "  counter            REAL,"                  /* the miner's own counter after it */
  "  network_difficulty REAL"
  ") STRICT;"
  "CREATE INDEX events_by_miner ON events (miner_id, kind);"
  "CREATE INDEX events_by_time ON events (time);"
  "ALTER TABLE readings ADD COLUMN found_blocks REAL;",

  /* 4 → 5: energy (hf-energy.c).  Each roll-up keeps the energy its
   * readings add up to, the part of it from estimated power, and the
   * seconds with power known (roll-ups from before have them NULL: their
   * energy is reckoned from power_avg × uptime_fraction, its source
   * unknown).  energy_days packs a UTC day of hourly roll-ups into one
   * row, so that a year of a fleet is read in a few thousand rows. */
  "ALTER TABLE rollups_5m ADD COLUMN energy_wh REAL;"
  "ALTER TABLE rollups_5m ADD COLUMN energy_estimated_wh REAL;"
  "ALTER TABLE rollups_5m ADD COLUMN power_s REAL;"
  "ALTER TABLE rollups_1h ADD COLUMN energy_wh REAL;"
  "ALTER TABLE rollups_1h ADD COLUMN energy_estimated_wh REAL;"
  "ALTER TABLE rollups_1h ADD COLUMN power_s REAL;"
  "CREATE TABLE energy_days ("
  "  miner_id INTEGER NOT NULL REFERENCES miners (id) ON DELETE CASCADE,"
  "  time     INTEGER NOT NULL,"          /* unix seconds of a UTC midnight */
  "  hours    BLOB NOT NULL,"             /* see hf-store-energy.h */
  "  PRIMARY KEY (miner_id, time)"
  ") STRICT, WITHOUT ROWID;",

  /* 5 → 6: groups of miners (hf-store-groups.c) and schedules
   * (hf-store-schedules.c).  A schedule is for one miner or one group;
   * forgetting either forgets its schedules and memberships. */
  "CREATE TABLE groups ("
  "  id      INTEGER PRIMARY KEY,"
  "  name    TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  created INTEGER NOT NULL"              /* unix seconds */
  ") STRICT;"
  "CREATE TABLE group_members ("
  "  group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,"
  "  miner_id INTEGER NOT NULL REFERENCES miners (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (group_id, miner_id)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE INDEX group_members_by_miner ON group_members (miner_id);"
  "CREATE TABLE schedules ("
  "  id        INTEGER PRIMARY KEY AUTOINCREMENT,"   /* never reused: an API client's id stays its schedule's */
  "  miner_id  INTEGER REFERENCES miners (id) ON DELETE CASCADE,"
  "  group_id  INTEGER REFERENCES groups (id) ON DELETE CASCADE,"
  "  days      INTEGER NOT NULL,"           /* bit 0 Monday … bit 6 Sunday */
  "  start_min INTEGER NOT NULL,"           /* minutes after local midnight */
  "  end_min   INTEGER NOT NULL,"           /* ≤ start_min: runs past midnight */
  "  state     TEXT NOT NULL,"              /* see hf-schedule.h */
  "  created   INTEGER NOT NULL,"
  "  CHECK ((miner_id IS NULL) <> (group_id IS NULL))"
  ") STRICT;"
  "CREATE INDEX schedules_by_miner ON schedules (miner_id);"
  "CREATE INDEX schedules_by_group ON schedules (group_id);",

  /* 6 → 7: tunes (hf-tuner.c, hf-store-tunes.c): each tune with the
   * settings it started from, kept until it is over (a tune found
   * 'running' at start-up was cut short: its original settings go back),
   * and every step measured.  And the thermal guardian
   * (hf-thermal-guardian.c, hf-store-guardian.c): guards per miner or
   * group, and where each miner stepped down was before its first step. */
  "CREATE TABLE tunes ("
  "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  miner_id    INTEGER NOT NULL REFERENCES miners (id) ON DELETE CASCADE,"
  "  model       TEXT,"                   /* the chip model, as the miner says */
  "  started     INTEGER NOT NULL,"       /* unix seconds */
  "  finished    INTEGER,"                /* NULL while running */
  "  state       TEXT NOT NULL,"          /* running, done, no-winner, cancelled, failed */
  "  objective   TEXT NOT NULL,"          /* efficiency, hashrate, watts:N */
  "  params      TEXT NOT NULL,"          /* JSON: limits, settle, samples, overclock */
  "  orig_frequency INTEGER,"             /* the settings before the first write */
  "  orig_voltage   INTEGER,"
  "  orig_work_mode INTEGER,"
  "  win_frequency  INTEGER,"             /* the winner, once done */
  "  win_voltage    INTEGER,"
  "  win_work_mode  INTEGER,"
  "  message     TEXT"
  ") STRICT;"
  "CREATE INDEX tunes_by_miner ON tunes (miner_id, started);"
  "CREATE INDEX tunes_running ON tunes (state) WHERE state = 'running';"
  "CREATE TABLE tune_steps ("
  "  tune_id        INTEGER NOT NULL REFERENCES tunes (id) ON DELETE CASCADE,"
  "  n              INTEGER NOT NULL,"
  "  frequency      INTEGER,"
  "  voltage        INTEGER,"
  "  work_mode      INTEGER,"
  "  hashrate_ghs   REAL,"
  "  expected_ghs   REAL,"
  "  power_w        REAL,"
  "  chip_temp_c    REAL,"
  "  vr_temp_c      REAL,"
  "  error_percent  REAL,"
  "  efficiency_jth REAL,"
  "  outcome        TEXT NOT NULL,"       /* clean, errors, limit, failed */
  "  why            TEXT,"
  "  time           INTEGER NOT NULL,"
  "  PRIMARY KEY (tune_id, n)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE TABLE guards ("
  "  id        INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  miner_id  INTEGER UNIQUE REFERENCES miners (id) ON DELETE CASCADE,"
  "  group_id  INTEGER UNIQUE REFERENCES groups (id) ON DELETE CASCADE,"
  "  chip_limit_c REAL NOT NULL,"
  "  vr_limit_c   REAL NOT NULL,"
  "  cool_min     INTEGER NOT NULL,"
  "  created      INTEGER NOT NULL,"
  "  CHECK ((miner_id IS NULL) <> (group_id IS NULL))"
  ") STRICT;"
  "CREATE TABLE guardian_state ("
  "  miner_id       INTEGER PRIMARY KEY REFERENCES miners (id) ON DELETE CASCADE,"
  "  steps          INTEGER NOT NULL,"    /* options stepped down now */
  "  orig_frequency INTEGER,"             /* before the first step down */
  "  orig_work_mode INTEGER,"
  "  changed        INTEGER NOT NULL"     /* unix seconds of the last step */
  ") STRICT;"
  /* What an event says beyond its numbers (a thermal step: JSON of the
   * values before and after, the sensor, its reading and limit). */
  "ALTER TABLE events ADD COLUMN detail TEXT;",
  /* 7 → 8: which API of its family a miner answers on its cgminer_port
   * (0 the usual one, 3 the Whatsminer API v3): a Whatsminer that answers
   * both v2 and v3 is one miner, reached by v3. */
  "ALTER TABLE miners ADD COLUMN api_version INTEGER NOT NULL DEFAULT 0;",
};

/* The kind of failure SQLite's result code @rc stands for. */
static HfError
error_kind (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return HF_ERROR_STORE_BUSY;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return HF_ERROR_STORE_CORRUPT;
    default:
      return HF_ERROR_STORE;
    }
}

/* "@path: @what: @message" (@what may be NULL), where a lock says in words
 * that another program has the database. */
static void
set_sqlite_error (GError     **error,
                  const char  *path,
                  int          rc,
                  const char  *what,
                  const char  *message)
{
  g_autofree char *where = what != NULL ? g_strdup_printf ("%s: %s", path, what)
                                        : g_strdup (path);

  if (error_kind (rc) == HF_ERROR_STORE_BUSY)
    g_set_error (error, HF_ERROR, HF_ERROR_STORE_BUSY, "%s: the database is in use by another "
                 "program (%s)", where, message);
  else
    g_set_error (error, HF_ERROR, error_kind (rc), "%s: %s", where, message);
}

static gboolean
fail (HfStore     *self,
      GError     **error,
      const char  *what)
{
  if (self->db == NULL)
    g_set_error (error, HF_ERROR, HF_ERROR_STORE, "%s: %s: cannot open", self->path, what);
  else
    set_sqlite_error (error, self->path, sqlite3_errcode (self->db), what,
                      sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (HfStore     *self,
      const char  *sql,
      GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->path, rc, NULL,
                        message ? message : sqlite3_errmsg (self->db));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static int
pragma_int (HfStore    *self,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  int value = -1;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* What every open reads before it trusts the file: the header (for the
 * schema version), the schema, and the first page of each table.  A file
 * that is not a database fails with SQLITE_NOTADB, a damaged one with
 * SQLITE_CORRUPT, a locked one with SQLITE_BUSY once the busy handler gives
 * up.  A quick_check would read every page, which a year of history on a Pi
 * makes slow at every start; damage further in is an error where it is
 * met.  Returns SQLite's result code. */
static int
probe (sqlite3 *db,
       int     *version)
{
  g_autoptr(GPtrArray) reads = g_ptr_array_new_with_free_func (sqlite3_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      *version = sqlite3_column_int (stmt, 0);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1,
                           &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      /* Every column, so that the table itself is read, not a covering index. */
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (reads, sqlite3_mprintf ("SELECT * FROM \"%w\" LIMIT 1",
                                                 (const char *) sqlite3_column_text (stmt, 0)));
      sqlite3_finalize (stmt);
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  for (guint i = 0; rc == SQLITE_OK && i < reads->len; i++)
    rc = sqlite3_exec (db, g_ptr_array_index (reads, i), NULL, NULL, NULL);
  return rc;
}

/* Move @path (and its -wal/-shm) to "@path.corrupt-YYYYMMDD-HHMMSS". */
static char *
move_aside (const char  *path,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.corrupt-%s", path, stamp);
  const char *suffixes[] = { "-wal", "-shm" };

  for (guint i = 2; g_file_test (target, G_FILE_TEST_EXISTS); i++)
    {
      g_free (target);
      target = g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, i);
    }
  if (g_rename (path, target) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_STORE, "%s is not a usable database and could "
                   "not be moved aside: %s", path, g_strerror (errno));
      return NULL;
    }
  /* Renamed, never opened or looked into (most often there are none). */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      g_rename (from, to);
    }
  return g_steal_pointer (&target);
}

/* Checkpoints copy the write-ahead log into the database file: up to a few
 * MB of writes and an fsync, too long for the main loop.  SQLite's own
 * auto-checkpoint would run them inside whichever commit crosses the
 * threshold, so it is off; past the same threshold a passive checkpoint
 * runs on a worker thread with its own connection instead. */
static void
checkpoint_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const char *path = task_data;
  sqlite3 *db = NULL;
  int rc, log = -1, done = -1;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 1000);
      /* A fresh connection reads nothing until asked: let it see the file
       * (and that it is in WAL mode) before checkpointing. */
      rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    }
  g_debug ("%s: checkpoint rc %d (%s), %d of %d frames", path, rc, sqlite3_errstr (rc), done, log);
  sqlite3_close_v2 (db);
  g_task_return_boolean (task, rc == SQLITE_OK);
}

static void
checkpoint_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  HfStore *self = HF_STORE (source);

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    g_debug ("%s: background checkpoint failed", self->path);
  self->checkpointing = FALSE;
  self->checkpoints++;
}

static int
wal_hook_cb (void       *user_data,
             sqlite3    *db,
             const char *name,
             int         pages)
{
  HfStore *self = user_data;
  g_autoptr(GTask) task = NULL;

  if (pages < _HF_STORE_CHECKPOINT_PAGES || self->checkpointing)
    return SQLITE_OK;
  self->checkpointing = TRUE;
  task = g_task_new (self, NULL, checkpoint_done_cb, NULL);
  g_task_set_source_tag (task, wal_hook_cb);
  g_task_set_name (task, "hf_store_checkpoint");
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, checkpoint_thread);
  return SQLITE_OK;
}

/* The history upkeep writes from its own thread (hf-store-upkeep.c), one
 * short transaction at a time with a pause between them.  Both connections
 * retry every 100 µs while the database is locked, so each gets in as soon
 * as the other commits — SQLite's own busy timeout sleeps 1, 2, 5, 10… ms
 * and would make the main thread wait longer than the step it waits for.
 * Gives up after 2 s by the clock (a sleep of 100 µs takes longer, more so
 * on a busy machine): a lock held longer is another program's, and the
 * caller says so. */
#define BUSY_RETRY_US 100
#define BUSY_GIVE_UP_US (2 * G_USEC_PER_SEC)

int
_hf_store_busy_cb (void *user_data,
                   int   count)
{
  /* A thread waits on one statement at a time: count 0 starts its wait. */
  static _Thread_local gint64 since;
  gint64 now = g_get_monotonic_time ();

  if (count == 0)
    since = now;
  if (now - since >= BUSY_GIVE_UP_US)
    return 0;
  g_usleep (BUSY_RETRY_US);
  return 1;
}

/* WAL mode sticks to the file: only a new one (or one a tool switched
 * back to a rollback journal) is switched, which takes the exclusive lock.
 * Of two processes creating the file at once, SQLite answers the one that
 * loses the race BUSY at once, without the busy handler: it tries again
 * (for as long as the busy handler would) and finds the file in WAL mode. */
static gboolean
use_wal (HfStore  *self,
         GError  **error)
{
  gint64 give_up = g_get_monotonic_time () + BUSY_GIVE_UP_US;

  for (;;)
    {
      sqlite3_stmt *stmt = NULL;
      gboolean wal = FALSE;
      int rc;

      rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
      if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
          rc = SQLITE_OK;
        }
      sqlite3_finalize (stmt);
      if (wal)
        return TRUE;
      /* A mode that did not change is the old one, named instead of an error. */
      if ((rc == SQLITE_OK || error_kind (rc) == HF_ERROR_STORE_BUSY)
          && g_get_monotonic_time () < give_up)
        {
          g_usleep (1000);
          continue;
        }
      set_sqlite_error (error, self->path, rc == SQLITE_OK ? SQLITE_BUSY : rc,
                        "switching to WAL mode", sqlite3_errstr (rc == SQLITE_OK ? SQLITE_BUSY
                                                                                 : rc));
      return FALSE;
    }
}

static void
close_db (HfStore *self)
{
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  self->db = NULL;
}

/* Open a connection with @flags and probe() the file: a brief lock is
 * waited out by the busy handler (2 s at most), a longer one is
 * HF_ERROR_STORE_BUSY; SQLite's own "not a database" or "malformed" is
 * HF_ERROR_STORE_CORRUPT.  Nothing else is done to the file. */
static gboolean
open_db (HfStore  *self,
         int       flags,
         GError  **error)
{
  int rc = sqlite3_open_v2 (self->path, &self->db, flags, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_busy_handler (self->db, _hf_store_busy_cb, NULL);
      rc = probe (self->db, &self->version);
    }
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->path, rc, NULL, sqlite3_errstr (rc));
      close_db (self);
      return FALSE;
    }
  return TRUE;
}

static HfStore *
store_new (const char *path)
{
  HfStore *self = g_object_new (HF_TYPE_STORE, NULL);

  self->path = g_strdup (path);
  return self;
}

/* Bring the schema from self->version up to @to, one step per
 * transaction. */
static gboolean
migrate (HfStore  *self,
         int       to,
         GError  **error)
{
  while (self->version < to)
    {
      g_autofree char *bump = NULL;
      int v;

      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      /* Another process opening the same file may have migrated it since
       * it was read: go on from what it says under the write lock. */
      v = pragma_int (self, "PRAGMA user_version");
      if (v < 0)
        {
          fail (self, error, "reading the schema version");
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      if (v >= to)
        {
          self->version = v;
          return exec (self, "COMMIT", error);
        }

      /* Each step whole or not at all. */
      bump = g_strdup_printf ("PRAGMA user_version = %d", v + 1);
      if (!exec (self, migrations[v], error) || !exec (self, bump, error))
        {
          exec (self, "ROLLBACK", NULL);
          g_prefix_error (error, "migrating the database from version %d: ", v);
          return FALSE;
        }
      if (!exec (self, "COMMIT", error))
        return FALSE;
      self->version = v + 1;
      g_debug ("%s: migrated to schema %d", self->path, v + 1);
    }
  return TRUE;
}

static HfStore *
open_at (const char  *path,
         int          target,
         GError     **error)
{
  g_autoptr(HfStore) self = NULL;
  g_autoptr(GError) broken = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = store_new (path);
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_STORE, "cannot create %s: %s", dir,
                   g_strerror (errno));
      return NULL;
    }

  if (!open_db (self, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &broken))
    {
      /* Only SQLite's verdict that the file is broken moves it; a lock, a
       * permission or a full disk leaves it where it is. */
      if (!g_error_matches (broken, HF_ERROR, HF_ERROR_STORE_CORRUPT))
        {
          g_propagate_error (error, g_steal_pointer (&broken));
          return NULL;
        }
      self->moved_aside = move_aside (path, error);
      if (self->moved_aside == NULL)
        return NULL;
      g_debug ("%s was not a usable database (%s); moved to %s", path, broken->message,
               self->moved_aside);
      if (!open_db (self, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error))
        return NULL;
    }

  /* A newer Hashfleet's database is left exactly as it is. */
  if (self->version > HF_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_STORE_TOO_NEW,
                   "%s was written by a newer Hashfleet (schema %d; this one knows up to "
                   "%d); it is left untouched", path, self->version, HF_STORE_SCHEMA_VERSION);
      return NULL;
    }

  if (!use_wal (self, error)
      || !exec (self, "PRAGMA wal_autocheckpoint = 0", error)
      || !exec (self, "PRAGMA synchronous = NORMAL", error)
      || !exec (self, "PRAGMA foreign_keys = ON", error)
      || !migrate (self, target, error))
    return NULL;
  sqlite3_wal_hook (self->db, wal_hook_cb, self);

  return g_steal_pointer (&self);
}

/* A read-only connection to a database at schema @version or newer (up to
 * this build's): no file created, nothing migrated, nothing moved. */
static HfStore *
open_readonly (const char  *path,
               int          version,
               GError     **error)
{
  g_autoptr(HfStore) self = store_new (path);

  if (!open_db (self, SQLITE_OPEN_READONLY, error))
    return NULL;
  if (self->version > HF_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_STORE_TOO_NEW,
                   "%s was written by a newer Hashfleet (schema %d; this one knows up to %d)",
                   path, self->version, HF_STORE_SCHEMA_VERSION);
      return NULL;
    }
  if (self->version < version)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_STORE,
                   "%s has schema %d, older than this Hashfleet's %d; the app or "
                   "hashfleet-cli brings it up to date when it opens it", path, self->version,
                   version);
      return NULL;
    }
  return g_steal_pointer (&self);
}

HfStore *
hf_store_open (const char  *path,
               GError     **error)
{
  return open_at (path, HF_STORE_SCHEMA_VERSION, error);
}

HfStore *
hf_store_open_readonly (const char  *path,
                        GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return open_readonly (path, HF_STORE_SCHEMA_VERSION, error);
}

HfStore *
_hf_store_open_at_version (const char  *path,
                           int          version,
                           GError     **error)
{
  g_return_val_if_fail (version >= 0 && version <= HF_STORE_SCHEMA_VERSION, NULL);
  return open_at (path, version, error);
}

sqlite3 *
_hf_store_get_db (HfStore *self)
{
  return self->db;
}

HfStore *
_hf_store_lock_reader (HfStore  *self,
                       GError  **error)
{
  g_mutex_lock (&self->reader_lock);
  /* Reads only: no migration, and never a move aside from a worker. */
  if (self->reader == NULL)
    self->reader = open_readonly (self->path, self->version, error);
  if (self->reader == NULL)
    {
      g_mutex_unlock (&self->reader_lock);
      return NULL;
    }
  return self->reader;
}

void
_hf_store_unlock_reader (HfStore *self)
{
  g_mutex_unlock (&self->reader_lock);
}

guint
_hf_store_get_checkpoints (HfStore *self)
{
  return self->checkpoints;
}

gint64
_hf_store_get_retention (HfStore      *self,
                         HfResolution  resolution)
{
  return resolution == HF_RESOLUTION_RAW ? self->keep_raw_s
         : resolution == HF_RESOLUTION_5M ? self->keep_5m_s : self->keep_1h_s;
}

guint
_hf_store_get_poll_interval (HfStore *self)
{
  return self->poll_interval_s;
}

char *
hf_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "hashfleet", "hashfleet.db", NULL);
}

const char *
hf_store_get_path (HfStore *self)
{
  g_return_val_if_fail (HF_IS_STORE (self), NULL);
  return self->path;
}

const char *
hf_store_get_moved_aside (HfStore *self)
{
  g_return_val_if_fail (HF_IS_STORE (self), NULL);
  return self->moved_aside;
}

int
hf_store_get_schema_version (HfStore *self)
{
  g_return_val_if_fail (HF_IS_STORE (self), -1);
  return pragma_int (self, "PRAGMA user_version");
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_real (sqlite3_stmt *stmt,
           int           index,
           double        value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, index);     /* unknown stays unknown */
  else
    sqlite3_bind_double (stmt, index, value);
}

static sqlite3_stmt *
cached_stmt (HfStore *self,
             StmtId   id)
{
  static const char *const sql[N_STMTS] = {
    [STMT_FIND_BY_IDENTITY] = "SELECT id FROM miners WHERE identity = ?",
    [STMT_FIND_BY_ADDRESS] = "SELECT id FROM miners WHERE identity IS NULL "
                             "AND address = ? AND family = ?",
    [STMT_INSERT_MINER] = "INSERT INTO miners (identity, address, http_port, cgminer_port, "
                          "family, model, firmware, hostname, mac, serial, added, last_seen, "
                          "label) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?14)",
    /* A label the miner does not carry (a copy made before it was
     * named) leaves the stored one; "" clears it. */
    [STMT_UPDATE_MINER] = "UPDATE miners SET identity = ?1, address = ?2, http_port = ?3, "
                          "cgminer_port = ?4, family = ?5, model = ?6, firmware = ?7, "
                          "hostname = ?8, mac = ?9, serial = ?10, "
                          "last_seen = MAX (IFNULL (last_seen, 0), IFNULL (?12, 0)), "
                          "label = NULLIF (IFNULL (?14, label), ''), "
                          "removed = NULL WHERE id = ?13",
    /* Schema 8 and later. */
    [STMT_SET_API_VERSION] = "UPDATE miners SET api_version = ?1 WHERE id = ?2",
#define READING_COLUMNS "miner_id, time, hashrate, hashrate_avg, expected, temperature, " \
                        "chip_temp, board_temp, power, power_estimated, input_voltage, " \
                        "fan_rpm, fan_percent, frequency, core_voltage, uptime, accepted, " \
                        "rejected, hardware_errors, best_difficulty, pool_url, pool_user"
    [STMT_INSERT_READING] = "INSERT OR REPLACE INTO readings (" READING_COLUMNS ", found_blocks) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                            "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
    /* Schema 3 and before (only the migration tests write there). */
    [STMT_INSERT_READING_V3] = "INSERT OR REPLACE INTO readings (" READING_COLUMNS ") "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                               "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
#undef READING_COLUMNS
  };

  if (self->stmts[id] == NULL
      && sqlite3_prepare_v3 (self->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                             &self->stmts[id], NULL) != SQLITE_OK)
    return NULL;
  sqlite3_reset (self->stmts[id]);
  sqlite3_clear_bindings (self->stmts[id]);
  return self->stmts[id];
}

/* The row id of @miner, or 0 when the store does not know it. */
static gint64
find_miner (HfStore *self,
            HfMiner *miner)
{
  const char *identity = hf_miner_get_identity_key (miner);
  sqlite3_stmt *st;
  gint64 id = 0;

  if (identity != NULL)
    {
      st = cached_stmt (self, STMT_FIND_BY_IDENTITY);
      bind_text (st, 1, identity);
    }
  else
    {
      st = cached_stmt (self, STMT_FIND_BY_ADDRESS);
      bind_text (st, 1, hf_miner_get_address (miner));
      bind_text (st, 2, hf_family_to_string (hf_miner_get_family (miner)));
    }
  if (sqlite3_step (st) == SQLITE_ROW)
    id = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  return id;
}

static gint64
save_miner (HfStore  *self,
            HfMiner  *miner,
            GError  **error)
{
  gint64 id = find_miner (self, miner);
  sqlite3_stmt *stmt = cached_stmt (self, id == 0 ? STMT_INSERT_MINER : STMT_UPDATE_MINER);
  int rc;

  if (stmt == NULL)
    {
      fail (self, error, "saving a miner");
      return 0;
    }
  bind_text (stmt, 1, hf_miner_get_identity_key (miner));
  bind_text (stmt, 2, hf_miner_get_address (miner));
  sqlite3_bind_int (stmt, 3, hf_miner_get_http_port (miner));
  sqlite3_bind_int (stmt, 4, hf_miner_get_cgminer_port (miner));
  bind_text (stmt, 5, hf_family_to_string (hf_miner_get_family (miner)));
  bind_text (stmt, 6, hf_miner_get_model (miner));
  bind_text (stmt, 7, hf_miner_get_firmware (miner));
  bind_text (stmt, 8, hf_miner_get_hostname (miner));
  bind_text (stmt, 9, hf_miner_get_mac (miner));
  bind_text (stmt, 10, hf_miner_get_serial (miner));
  sqlite3_bind_int64 (stmt, 11, g_get_real_time () / G_USEC_PER_SEC);
  if (hf_miner_get_last_seen (miner) > 0)
    sqlite3_bind_int64 (stmt, 12, hf_miner_get_last_seen (miner) / G_USEC_PER_SEC);
  else
    sqlite3_bind_null (stmt, 12);
  if (id != 0)
    sqlite3_bind_int64 (stmt, 13, id);
  bind_text (stmt, 14, hf_miner_get_label (miner));

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (self, error, "saving a miner");
      return 0;
    }
  if (id == 0)
    id = sqlite3_last_insert_rowid (self->db);
  if (self->version >= 8)
    {
      stmt = cached_stmt (self, STMT_SET_API_VERSION);
      if (stmt == NULL)
        {
          fail (self, error, "saving a miner");
          return 0;
        }
      sqlite3_bind_int (stmt, 1, (int) hf_miner_get_api_version (miner));
      sqlite3_bind_int64 (stmt, 2, id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          fail (self, error, "saving a miner");
          return 0;
        }
    }
  return id;
}

gint64
_hf_store_find_miner (HfStore *self,
                      HfMiner *miner)
{
  return find_miner (self, miner);
}

gboolean
_hf_store_exec (HfStore     *self,
                const char  *sql,
                GError     **error)
{
  return exec (self, sql, error);
}

static gboolean
row_error (HfStore     *self,
           GError     **error,
           const char  *what)
{
  g_set_error (error, HF_ERROR, HF_ERROR_STORE, "%s: %s: %s", self->path, what,
               sqlite3_errmsg (self->db));
  return FALSE;
}

gint64
_hf_store_in_transaction (HfStore         *self,
                          HfStoreRowFunc   func,
                          gconstpointer    data,
                          HfMiner         *miner,
                          const char      *what,
                          GError         **error)
{
  gint64 id;

  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      row_error (self, error, what);
      return 0;
    }
  id = func (self, data, miner, error);
  if (id == 0 || sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      if (id != 0)
        row_error (self, error, what);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return 0;
    }
  return id;
}

gboolean
_hf_store_delete_by_id (HfStore     *self,
                        const char  *sql,
                        gint64       id,
                        const char  *what,
                        GError     **error)
{
  g_autofree char *doing = g_strdup_printf ("removing a %s", what);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return row_error (self, error, doing);
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return row_error (self, error, doing);
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is no %s %" G_GINT64_FORMAT, what,
                   id);
      return FALSE;
    }
  return TRUE;
}

gint64
_hf_store_save_miner (HfStore  *self,
                      HfMiner  *miner,
                      GError  **error)
{
  return save_miner (self, miner, error);
}

gboolean
hf_store_save_miner (HfStore  *self,
                     HfMiner  *miner,
                     GError  **error)
{
  g_return_val_if_fail (HF_IS_STORE (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  return save_miner (self, miner, error) != 0;
}

gboolean
hf_store_save_miners (HfStore  *self,
                      HfMiner **miners,
                      guint     n,
                      GError  **error)
{
  g_return_val_if_fail (HF_IS_STORE (self), FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (save_miner (self, miners[i], error) == 0)
      {
        exec (self, "ROLLBACK", NULL);
        return FALSE;
      }
  return exec (self, "COMMIT", error);
}

static gboolean
forget_rows (HfStore  *self,
             HfMiner  *miner,
             gboolean  keep_history,
             GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id;
  int rc;

  id = find_miner (self, miner);
  if (id == 0)
    return TRUE;
  /* A miner forgotten leaves its groups, whether its history stays or
   * not (deleting its row drops them through the foreign key). */
  if (keep_history && self->version >= 6)
    {
      rc = sqlite3_prepare_v2 (self->db, "DELETE FROM group_members WHERE miner_id = ?1", -1,
                               &stmt, NULL);
      if (rc != SQLITE_OK)
        return fail (self, error, "removing a miner");
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      stmt = NULL;
      if (rc != SQLITE_DONE)
        return fail (self, error, "removing a miner");
    }
  rc = sqlite3_prepare_v2 (self->db, keep_history
                           ? "UPDATE miners SET removed = ?2 WHERE id = ?1"
                           : "DELETE FROM miners WHERE id = ?1", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return fail (self, error, "removing a miner");
  sqlite3_bind_int64 (stmt, 1, id);
  if (keep_history)
    sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : fail (self, error, "removing a miner");
}

gboolean
hf_store_forget_miner (HfStore  *self,
                       HfMiner  *miner,
                       gboolean  keep_history,
                       GError  **error)
{
  g_return_val_if_fail (HF_IS_STORE (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  return forget_rows (self, miner, keep_history, error);
}

gboolean
_hf_store_insert_reading (HfStore         *self,
                          gint64           id,
                          const HfReading *r,
                          GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = cached_stmt (self, self->version >= 4 ? STMT_INSERT_READING
                                               : STMT_INSERT_READING_V3);
  if (stmt == NULL)
    {
      fail (self, error, "writing readings");
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, r->timestamp / G_USEC_PER_SEC);
  bind_real (stmt, 3, r->hashrate_ghs);
  bind_real (stmt, 4, r->hashrate_avg_ghs);
  bind_real (stmt, 5, r->expected_hashrate_ghs);
  bind_real (stmt, 6, r->temperature_c);
  bind_real (stmt, 7, r->chip_temp_c);
  bind_real (stmt, 8, r->board_temp_c);
  bind_real (stmt, 9, r->power_w);
  sqlite3_bind_int (stmt, 10, r->power_estimated ? 1 : 0);
  bind_real (stmt, 11, r->input_voltage_v);
  bind_real (stmt, 12, r->fan_rpm);
  bind_real (stmt, 13, r->fan_percent);
  bind_real (stmt, 14, r->frequency_mhz);
  bind_real (stmt, 15, r->core_voltage_mv);
  bind_real (stmt, 16, r->uptime_s);
  bind_real (stmt, 17, r->accepted);
  bind_real (stmt, 18, r->rejected);
  bind_real (stmt, 19, r->hardware_errors);
  bind_real (stmt, 20, r->best_difficulty);
  bind_text (stmt, 21, r->pool_url);
  bind_text (stmt, 22, r->pool_user);
  if (self->version >= 4)
    bind_real (stmt, 23, r->found_blocks);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      fail (self, error, "writing readings");
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
hf_store_add_readings (HfStore  *self,
                       HfMiner **miners,
                       guint     n,
                       GError  **error)
{
  g_return_val_if_fail (HF_IS_STORE (self), FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      const HfReading *r = hf_miner_get_reading (miners[i]);
      gint64 id;

      if (r == NULL)
        continue;
      id = save_miner (self, miners[i], error);
      if (id == 0)
        goto failed_set;
      if (!_hf_store_insert_reading (self, id, r, error))
        goto failed_set;
    }
  if (!exec (self, "COMMIT", error))
    {
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;

failed_set:
  exec (self, "ROLLBACK", NULL);
  return FALSE;
}

/* What the worker writes: copies of the miners, made on the main thread,
 * so that it never reads an object the main loop may be changing. */
static HfMiner *
snapshot (HfMiner *miner)
{
  HfMiner *copy = hf_miner_new (hf_miner_get_address (miner), hf_miner_get_family (miner));

  hf_miner_update_identity (copy, miner);
  hf_miner_set_reading (copy, hf_miner_get_reading (miner));
  return copy;
}

static int
writer_wal_cb (void       *user_data,
               sqlite3    *db,
               const char *name,
               int         pages)
{
  ((HfStore *) user_data)->writer_wal_pages = pages;
  return SQLITE_OK;
}

static gboolean
set_meta (HfStore     *self,
          const char  *key,
          gint64       value,
          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return fail (self, error, "saving a note");
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, value);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : fail (self, error, "saving a note");
}

/* The worker threads' connection (writer_lock held). */
static gboolean
ensure_writer (HfStore  *self,
               GError  **error)
{
  g_autoptr(HfStore) writer = NULL;

  if (self->writer != NULL)
    return TRUE;
  /* The file this store opened, already migrated (and repaired if it had
   * to be): the writer only opens it, creating, migrating or moving
   * nothing. */
  writer = store_new (self->path);
  if (!open_db (writer, SQLITE_OPEN_READWRITE, error)
      || !exec (writer, "PRAGMA synchronous = NORMAL", error)
      || !exec (writer, "PRAGMA foreign_keys = ON", error))
    return FALSE;
  /* Its checkpoints run here, after its commits, not on the main loop. */
  sqlite3_wal_hook (writer->db, writer_wal_cb, self);
  self->writer = g_steal_pointer (&writer);
  return TRUE;
}

/* A change made on the writer connection by a worker thread. */
typedef enum
{
  JOB_READINGS,
  JOB_SAVE,
  JOB_FORGET,
  JOB_FLUSH,              /* nothing: it runs once every job before it has */
  JOB_SAVE_PROFILE,
  JOB_DELETE_PROFILE,
  JOB_EVENT,
  JOB_SET_META,
  JOB_CALL,               /* a function of another file of the store */
} JobKind;

typedef struct
{
  JobKind          kind;
  GPtrArray       *miners;        /* snapshots */
  gboolean         keep_history;  /* forget: mark removed rather than delete */
  char            *profile;       /* pool profiles: the name; meta: the key */
  HfMinerSettings *pools;         /* and what to save under it */
  HfStoreEvent    *event;         /* an event of miners[0] */
  gint64           value;         /* meta: the value */
  HfStoreWriterFunc func;         /* call: what to run, with what */
  gpointer         data;
  GDestroyNotify   destroy;
} WriterJob;

static void
writer_job_free (gpointer data)
{
  WriterJob *job = data;

  g_ptr_array_unref (job->miners);
  g_free (job->profile);
  g_clear_pointer (&job->pools, hf_miner_settings_free);
  g_clear_pointer (&job->event, hf_store_event_free);
  if (job->destroy != NULL)
    job->destroy (job->data);
  g_free (job);
}

/* Copies of @miners (for readings, those with one), taken on the caller's
 * thread: the worker never reads an object the main loop may change. */
static WriterJob *
new_job (JobKind   kind,
         HfMiner **miners,
         guint     n)
{
  WriterJob *job = g_new0 (WriterJob, 1);

  job->kind = kind;
  job->miners = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    if (kind != JOB_READINGS || hf_miner_get_reading (miners[i]) != NULL)
      g_ptr_array_add (job->miners, snapshot (miners[i]));
  return job;
}

/* The writer pool's one thread, a job at a time in the order asked: a
 * cycle's write asked for before a removal runs before it, so a removed
 * miner is never saved again by a write that was on its way. */
static void
writer_thread (gpointer data,
               gpointer user_data)
{
  g_autoptr(GTask) task = data;
  HfStore *self = g_task_get_source_object (task);
  WriterJob *job = g_task_get_task_data (task);
  GPtrArray *miners = job->miners;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (job->kind == JOB_FLUSH)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_mutex_lock (&self->writer_lock);
  ok = ensure_writer (self, &error);
  if (ok && job->kind == JOB_FORGET)
    ok = forget_rows (self->writer, miners->pdata[0], job->keep_history, &error);
  else if (ok && job->kind == JOB_SAVE)
    ok = hf_store_save_miners (self->writer, (HfMiner **) miners->pdata, miners->len, &error);
  else if (ok && job->kind == JOB_SAVE_PROFILE)
    ok = hf_store_save_pool_profile (self->writer, job->profile, job->pools, &error);
  else if (ok && job->kind == JOB_DELETE_PROFILE)
    ok = hf_store_delete_pool_profile (self->writer, job->profile, &error);
  else if (ok && job->kind == JOB_EVENT)
    ok = hf_store_add_event (self->writer, miners->pdata[0], job->event, &error);
  else if (ok && job->kind == JOB_SET_META)
    ok = set_meta (self->writer, job->profile, job->value, &error);
  else if (ok && job->kind == JOB_CALL)
    ok = job->func (self->writer, miners, job->data, &error);
  else if (ok)
    ok = hf_store_add_readings (self->writer, (HfMiner **) miners->pdata, miners->len, &error);
  if (ok && self->writer_wal_pages >= _HF_STORE_CHECKPOINT_PAGES)
    {
      sqlite3_wal_checkpoint_v2 (self->writer->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      self->writer_wal_pages = 0;
    }
  g_mutex_unlock (&self->writer_lock);

  /* The callback runs on the caller's main context. */
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
run_on_writer (HfStore             *self,
               WriterJob           *job,
               gpointer             source_tag,
               const char          *name,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  g_task_set_task_data (task, job, writer_job_free);
  if (self->writer_pool == NULL)
    self->writer_pool = g_thread_pool_new (writer_thread, NULL, 1, FALSE, NULL);
  g_thread_pool_push (self->writer_pool, task, NULL);
}

void
_hf_store_run_on_writer (HfStore             *self,
                         HfStoreWriterFunc    func,
                         gpointer             data,
                         GDestroyNotify       destroy,
                         HfMiner            **miners,
                         guint                n,
                         gpointer             source_tag,
                         const char          *name,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  WriterJob *job = new_job (JOB_CALL, miners, n);

  job->func = func;
  job->data = data;
  job->destroy = destroy;
  run_on_writer (self, job, source_tag, name, cancellable, callback, user_data);
}

gpointer
_hf_store_writer_data (GAsyncResult *result)
{
  return ((WriterJob *) g_task_get_task_data (G_TASK (result)))->data;
}

void
hf_store_add_readings_async (HfStore             *self,
                             HfMiner            **miners,
                             guint                n,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  WriterJob *job;

  g_return_if_fail (HF_IS_STORE (self));

  job = new_job (JOB_READINGS, miners, n);
  run_on_writer (self, job, hf_store_add_readings_async, "hf_store_add_readings", cancellable,
                 callback, user_data);
}

gboolean
hf_store_add_readings_finish (HfStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hf_store_forget_miner_async (HfStore             *self,
                             HfMiner             *miner,
                             gboolean             keep_history,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  WriterJob *job;

  g_return_if_fail (HF_IS_STORE (self));
  g_return_if_fail (HF_IS_MINER (miner));

  job = new_job (JOB_FORGET, &miner, 1);
  job->keep_history = keep_history;
  run_on_writer (self, job, hf_store_forget_miner_async, "hf_store_forget_miner", cancellable,
                 callback, user_data);
}

void
hf_store_save_miners_async (HfStore             *self,
                            HfMiner            **miners,
                            guint                n,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (HF_IS_STORE (self));

  run_on_writer (self, new_job (JOB_SAVE, miners, n), hf_store_save_miners_async,
                 "hf_store_save_miners", cancellable, callback, user_data);
}

gboolean
hf_store_save_miners_finish (HfStore       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
hf_store_forget_miner_finish (HfStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hf_store_save_pool_profile_async (HfStore                *self,
                                  const char             *name,
                                  const HfMinerSettings  *pools,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  WriterJob *job;

  g_return_if_fail (HF_IS_STORE (self));
  g_return_if_fail (name != NULL && pools != NULL);

  job = new_job (JOB_SAVE_PROFILE, NULL, 0);
  job->profile = g_strdup (name);
  job->pools = hf_miner_settings_copy (pools);
  run_on_writer (self, job, hf_store_save_pool_profile_async, "hf_store_save_pool_profile",
                 NULL, callback, user_data);
}

void
hf_store_delete_pool_profile_async (HfStore             *self,
                                    const char          *name,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  WriterJob *job;

  g_return_if_fail (HF_IS_STORE (self));
  g_return_if_fail (name != NULL);

  job = new_job (JOB_DELETE_PROFILE, NULL, 0);
  job->profile = g_strdup (name);
  run_on_writer (self, job, hf_store_delete_pool_profile_async, "hf_store_delete_pool_profile",
                 NULL, callback, user_data);
}

gboolean
hf_store_pool_profile_finish (HfStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hf_store_add_event_async (HfStore             *self,
                          HfMiner             *miner,
                          const HfStoreEvent  *event,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  WriterJob *job;

  g_return_if_fail (HF_IS_STORE (self));
  g_return_if_fail (HF_IS_MINER (miner));
  g_return_if_fail (event != NULL && event->kind != NULL);

  job = new_job (JOB_EVENT, &miner, 1);
  job->event = hf_store_event_copy (event);
  run_on_writer (self, job, hf_store_add_event_async, "hf_store_add_event", NULL, callback,
                 user_data);
}

gboolean
hf_store_add_event_finish (HfStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hf_store_set_meta_async (HfStore             *self,
                         const char          *key,
                         gint64               value,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  WriterJob *job;

  g_return_if_fail (HF_IS_STORE (self));
  g_return_if_fail (key != NULL);

  job = new_job (JOB_SET_META, NULL, 0);
  job->profile = g_strdup (key);
  job->value = value;
  run_on_writer (self, job, hf_store_set_meta_async, "hf_store_set_meta", NULL, callback,
                 user_data);
}

gboolean
hf_store_set_meta_finish (HfStore       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GHashTable *
hf_store_load_meta (HfStore     *self,
                    const char  *prefix,
                    GError     **error)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (self), NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  if (sqlite3_prepare_v2 (self->db, "SELECT key, value FROM meta WHERE substr (key, 1, ?2) = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      fail (self, error, "reading notes");
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, (int) strlen (prefix));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *value = g_new (gint64, 1);

      *value = sqlite3_column_int64 (stmt, 1);
      g_hash_table_insert (values, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), value);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (self, error, "reading notes");
      return NULL;
    }
  return g_steal_pointer (&values);
}

void
hf_store_flush_async (HfStore             *self,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (HF_IS_STORE (self));

  run_on_writer (self, new_job (JOB_FLUSH, NULL, 0), hf_store_flush_async, "hf_store_flush",
                 NULL, callback, user_data);
}

gboolean
hf_store_flush_finish (HfStore       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static double
column_real (sqlite3_stmt *stmt,
             int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL
         ? NAN : sqlite3_column_double (stmt, column);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GPtrArray *
hf_store_load_fleet (HfStore  *self,
                     GError  **error)
{
  g_autoptr(GPtrArray) fleet = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sql = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (self), NULL);

  /* Each miner with its newest reading (NULLs when it has none). */
  if (sqlite3_prepare_v2 (self->db, sql = g_strdup_printf (
                          "SELECT m.address, m.http_port, m.cgminer_port, m.family, m.model, "
                          "m.firmware, m.hostname, m.mac, m.serial, r.time, r.hashrate, "
                          "r.hashrate_avg, r.expected, r.temperature, r.chip_temp, "
                          "r.board_temp, r.power, r.power_estimated, r.input_voltage, "
                          "r.fan_rpm, r.fan_percent, r.frequency, r.core_voltage, r.uptime, "
                          "r.accepted, r.rejected, r.hardware_errors, r.best_difficulty, "
                          "r.pool_url, r.pool_user, r.found_blocks, "
                          "(SELECT IFNULL (SUM (count), 0) FROM events e WHERE e.miner_id = m.id "
                          "AND e.kind = 'block-found'), m.label, %s "
                          "FROM miners m LEFT JOIN readings r ON r.miner_id = m.id "
                          "AND r.time = (SELECT MAX (time) FROM readings WHERE miner_id = m.id) "
                          "WHERE m.removed IS NULL ORDER BY m.id",
                          self->version >= 8 ? "m.api_version" : "0"), -1, &stmt, NULL) != SQLITE_OK)
    {
      fail (self, error, "reading the fleet");
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *address = column_text (stmt, 0);
      g_autofree char *family = column_text (stmt, 3);
      g_autofree char *model = column_text (stmt, 4);
      g_autofree char *firmware = column_text (stmt, 5);
      g_autofree char *hostname = column_text (stmt, 6);
      g_autofree char *mac = column_text (stmt, 7);
      g_autofree char *serial = column_text (stmt, 8);
      HfMiner *miner = hf_miner_new (address, hf_family_from_string (family));

      hf_miner_set_http_port (miner, (guint16) sqlite3_column_int (stmt, 1));
      hf_miner_set_cgminer_port (miner, (guint16) sqlite3_column_int (stmt, 2));
      hf_miner_set_model (miner, model);
      hf_miner_set_firmware (miner, firmware);
      hf_miner_set_hostname (miner, hostname);
      hf_miner_set_mac (miner, mac);
      hf_miner_set_serial (miner, serial);
      {
        /* After the reading's columns and the blocks' count. */
        g_autofree char *label = column_text (stmt, 32);
        hf_miner_set_label (miner, label);
      }
      hf_miner_set_api_version (miner, (guint) sqlite3_column_int (stmt, 33));

      if (sqlite3_column_type (stmt, 9) != SQLITE_NULL)
        {
          g_autoptr(HfReading) r = hf_reading_new ();

          r->timestamp = sqlite3_column_int64 (stmt, 9) * G_USEC_PER_SEC;
          r->hashrate_ghs = column_real (stmt, 10);
          r->hashrate_avg_ghs = column_real (stmt, 11);
          r->expected_hashrate_ghs = column_real (stmt, 12);
          r->temperature_c = column_real (stmt, 13);
          r->chip_temp_c = column_real (stmt, 14);
          r->board_temp_c = column_real (stmt, 15);
          r->power_w = column_real (stmt, 16);
          r->power_estimated = sqlite3_column_int (stmt, 17) != 0;
          r->input_voltage_v = column_real (stmt, 18);
          r->fan_rpm = column_real (stmt, 19);
          r->fan_percent = column_real (stmt, 20);
          r->frequency_mhz = column_real (stmt, 21);
          r->core_voltage_mv = column_real (stmt, 22);
          r->uptime_s = column_real (stmt, 23);
          r->accepted = column_real (stmt, 24);
          r->rejected = column_real (stmt, 25);
          r->hardware_errors = column_real (stmt, 26);
          r->best_difficulty = column_real (stmt, 27);
          r->pool_url = column_text (stmt, 28);
          r->pool_user = column_text (stmt, 29);
          r->found_blocks = column_real (stmt, 30);
          hf_miner_set_reading (miner, r);
        }
      hf_miner_set_blocks_found (miner, (guint) CLAMP (sqlite3_column_int64 (stmt, 31), 0,
                                                       G_MAXUINT));
      /* Stale until its first poll. */
      hf_miner_set_online (miner, FALSE);
      g_ptr_array_add (fleet, miner);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (self, error, "reading the fleet");
      return NULL;
    }
  return g_steal_pointer (&fleet);
}

static void
hf_store_finalize (GObject *object)
{
  HfStore *self = HF_STORE (object);

  /* Every job holds a reference to the store: none is left here. */
  if (self->writer_pool != NULL)
    g_thread_pool_free (self->writer_pool, FALSE, TRUE);
  g_clear_object (&self->writer);
  g_mutex_clear (&self->writer_lock);
  g_clear_object (&self->reader);
  g_mutex_clear (&self->reader_lock);
  close_db (self);
  g_free (self->path);
  g_free (self->moved_aside);

  G_OBJECT_CLASS (hf_store_parent_class)->finalize (object);
}

static void
hf_store_class_init (HfStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hf_store_finalize;
}

static void
hf_store_init (HfStore *self)
{
  self->keep_raw_s = HF_STORE_KEEP_RAW_S;
  self->keep_5m_s = HF_STORE_KEEP_5M_S;
  self->keep_1h_s = HF_STORE_KEEP_1H_S;
  self->poll_interval_s = 15;
  g_mutex_init (&self->writer_lock);
  g_mutex_init (&self->reader_lock);
}

void
hf_store_set_retention (HfStore *self,
                        gint64   raw_s,
                        gint64   five_min_s,
                        gint64   hour_s)
{
  g_return_if_fail (HF_IS_STORE (self));
  self->keep_raw_s = MAX (raw_s, 0);
  self->keep_5m_s = MAX (five_min_s, 0);
  self->keep_1h_s = MAX (hour_s, 0);
}

void
hf_store_set_poll_interval (HfStore *self,
                            guint    seconds)
{
  g_return_if_fail (HF_IS_STORE (self));
  self->poll_interval_s = MAX (seconds, 1u);
}
