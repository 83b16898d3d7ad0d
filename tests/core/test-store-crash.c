/* test-store-crash.c — SIGKILL a writer at random moments, lose nothing
 * SPDX-License-Identifier: MIT
 *
 * 50 times: start store-writer on the same file, let it commit cycles of
 * 100 readings for a random 5–150 ms, kill it with SIGKILL.  Each time the
 * database must open, pass PRAGMA integrity_check, and hold every cycle
 * the writer said it committed; at most the cycle in flight may be lost
 * (or have landed just before the kill).
 */
#include <signal.h>
#include <string.h>

#include <sqlite3.h>

#include "hf-store.h"
#include "hf-test-utils.h"

#define MINERS 100
#define ROUNDS 50

static gint64
readings_in (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;
  gboolean ok = FALSE;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  g_assert_true (ok);
  sqlite3_prepare_v2 (db, "SELECT count(*) FROM readings", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_sigkill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  const char *writer = g_getenv ("HF_STORE_WRITER");
  gint64 before = 0;
  guint killed_mid_flight = 0;

  g_assert_no_error (error);
  g_assert_nonnull (writer);
  {
    /* Create the schema once so that round 1 counts from zero. */
    g_autoptr(HfStore) store = hf_store_open (path, &error);
    g_assert_no_error (error);
  }

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GBytes) out = NULL;
      g_autofree char *text = NULL;
      g_autofree char *count = g_strdup_printf ("%d", MINERS);
      const char *last;
      guint64 acked = 0;
      gint64 after;

      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, writer, path, count,
                               NULL);
      g_assert_no_error (error);
      g_usleep ((gulong) g_random_int_range (5, 150) * 1000);
      g_subprocess_send_signal (proc, SIGKILL);
      g_subprocess_communicate (proc, NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (g_subprocess_get_if_exited (proc));   /* it was killed */

      /* Killed before it printed anything: empty output. */
      text = g_bytes_get_size (out) > 0
             ? g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out))
             : g_strdup ("");
      last = g_strrstr (text, "committed ");
      if (last != NULL)
        acked = g_ascii_strtoull (last + 10, NULL, 10);

      after = readings_in (path);
      /* Everything acknowledged is there; at most one more cycle landed. */
      g_assert_cmpint (after, >=, before + (gint64) acked * MINERS);
      g_assert_cmpint (after, <=, before + (gint64) (acked + 1) * MINERS);
      g_assert_cmpint ((after - before) % MINERS, ==, 0);   /* never half a cycle */
      if (after == before + (gint64) (acked + 1) * MINERS)
        killed_mid_flight++;
      before = after;
    }
  g_test_message ("%u rounds, %" G_GINT64_FORMAT " readings in the end; %u kills landed "
                  "between a commit and its acknowledgement", ROUNDS, before, killed_mid_flight);
  g_assert_cmpint (before, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/store/crash/sigkill", test_sigkill);
  return g_test_run ();
}
