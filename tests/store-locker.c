/* store-locker.c — holds a database locked, as another program would (for tests)
 * SPDX-License-Identifier: MIT
 *
 * Usage: store-locker DB MODE
 *   exclusive  locking_mode = EXCLUSIVE and an open transaction, as a second
 *              instance or a backup tool may hold it: nobody else can read
 *   write      a long write transaction on the file switched to a rollback
 *              journal, past its page cache, so that it holds the exclusive
 *              lock while it writes: nobody else can read
 *   wal-write  a write transaction left open in WAL mode: readers go on
 * Prints "locked" once it holds the lock, then waits until its stdin
 * closes, rolls back and exits.  Exits 1 (and says why) if it cannot.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static int
run (sqlite3    *db,
     const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      fprintf (stderr, "store-locker: %s: %s\n", sql, message ? message : sqlite3_errmsg (db));
      sqlite3_free (message);
      return 0;
    }
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  sqlite3 *db = NULL;
  const char *mode;
  int ok;

  if (argc != 3)
    return 2;
  mode = argv[2];
  if (sqlite3_open_v2 (argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "store-locker: %s: %s\n", argv[1], sqlite3_errmsg (db));
      return 1;
    }

  if (strcmp (mode, "exclusive") == 0)
    ok = run (db, "PRAGMA locking_mode = EXCLUSIVE")
         && run (db, "BEGIN EXCLUSIVE")
         && run (db, "SELECT count(*) FROM sqlite_master");
  else if (strcmp (mode, "write") == 0)
    /* 400 pages of 4 KiB through a 10-page cache: the pager spills into
     * the file itself, for which it must hold the exclusive lock. */
    ok = run (db, "PRAGMA journal_mode = DELETE")
         && run (db, "PRAGMA cache_size = 10")
         && run (db, "BEGIN")
         && run (db, "CREATE TABLE locker_scratch (x BLOB)")
         && run (db, "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                     "WHERE i < 400) INSERT INTO locker_scratch SELECT randomblob (4000) FROM n");
  else if (strcmp (mode, "wal-write") == 0)
    ok = run (db, "BEGIN IMMEDIATE")
         && run (db, "CREATE TABLE locker_scratch (x BLOB)")
         && run (db, "INSERT INTO locker_scratch VALUES (randomblob (4000))");
  else
    return 2;
  if (!ok)
    return 1;

  printf ("locked\n");
  fflush (stdout);
  while (getchar () != EOF)
    ;
  run (db, "ROLLBACK");
  sqlite3_close (db);
  return 0;
}
