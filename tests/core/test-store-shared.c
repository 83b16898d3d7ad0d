/* test-store-shared.c — one database, several processes and connections
 * SPDX-License-Identifier: MIT
 *
 * The database may be open in the app, `hashfleet-cli watch`, `list` and
 * `export`, the API's history reads and a backup tool at the same time.
 * None of them may lose another's writes, and only SQLite's own verdict
 * that a file is broken may move it aside: a lock is waited out a little,
 * then reported, and the file is left as it is.  Another program's lock
 * is held by tests/store-locker.c, in a process of its own.
 */
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "hf-api-server.h"
#include "hf-error.h"
#include "hf-fleet.h"
#include "hf-json.h"
#include "hf-store-private.h"
#include "hf-test-utils.h"

static char *
temp_db (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-shared-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "hashfleet.db", NULL);
}

/* Query the file with a connection of its own, read only. */
static gint64
count (const char *path,
       const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
assert_integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* A store of @miners miners with @cycles readings each, closed again. */
static void
make_db (const char *path,
         guint       miners,
         guint       cycles)
{
  g_autoptr(GError) error = NULL;
  HfStore *store = hf_store_open (path, &error);
  g_autoptr(GPtrArray) fleet = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 end;

  g_assert_no_error (error);
  for (guint i = 0; i < miners; i++)
    {
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", 50 + i);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:01:%02X", i);
      HfMiner *miner = hf_miner_new (address, HF_FAMILY_AXEOS);

      hf_miner_set_mac (miner, mac);
      g_ptr_array_add (fleet, miner);
    }
  for (guint c = 0; c < cycles; c++)
    {
      for (guint i = 0; i < miners; i++)
        {
          g_autoptr(HfReading) r = hf_reading_new ();

          r->timestamp = (gint64) (1000000 + c * 15) * G_USEC_PER_SEC;
          r->hashrate_ghs = 1000 + i;
          r->temperature_c = 55;
          hf_miner_set_reading (g_ptr_array_index (fleet, i), r);
        }
      g_assert_true (hf_store_add_readings (store, (HfMiner **) fleet->pdata, miners, &error));
    }

  /* A background checkpoint holds the store until its callback has run. */
  g_object_add_weak_pointer (G_OBJECT (store), (gpointer *) &store);
  g_object_unref (store);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (store != NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_null (store);
}

static GBytes *
file_bytes (const char *path)
{
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_bytes_new_take (contents, len);
}

/* How many files beside @path were moved aside as corrupt. */
static guint
corrupt_copies (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".corrupt-") != NULL)
      n++;
  return n;
}

static int
run_cli (const char  *command,
         const char  *path,
         char       **out,
         char       **err)
{
  const char *args[] = { command, "--db", path, NULL };

  return hf_test_run_cli (args, out, err);
}

/* Another program's lock: store-locker in @mode, holding it until
 * locker_release(). */
static GSubprocess *
locker_hold (const char *path,
             const char *mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *binary = g_getenv ("HF_STORE_LOCKER");
  GSubprocess *proc;

  g_assert_nonnull (binary);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                           &error, binary, path, mode, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "locked");
  return proc;
}

static void
locker_release (GSubprocess *proc)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (proc), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (proc);
}

/* While another program holds @path locked so that nobody else can read
 * it, every way in fails with an error that names the lock, and the file
 * stays as it is, where it is.  Once the lock is gone all is there. */
static void
assert_lock_reported (const char *mode)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GPtrArray) fleet = NULL;
  g_autofree char *out = NULL, *err = NULL;
  GSubprocess *locker;
  gint64 start, waited;

  make_db (path, 3, 5);
  locker = locker_hold (path, mode);
  before = file_bytes (path);

  /* A brief lock would be waited out: this one outlasts the wait. */
  start = g_get_monotonic_time ();
  store = hf_store_open (path, &error);
  waited = g_get_monotonic_time () - start;
  g_test_message ("%s: hf_store_open gave up after %.2f s: %s", mode, waited / 1e6,
                  error ? error->message : "(opened)");
  g_assert_null (store);
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE_BUSY);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "locked"));
  g_assert_nonnull (strstr (error->message, "in use by another program"));
  g_assert_cmpint (waited, >=, G_USEC_PER_SEC);
  g_assert_cmpint (waited, <, 10 * G_USEC_PER_SEC);
  g_clear_error (&error);

  store = hf_store_open_readonly (path, &error);
  g_assert_null (store);
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE_BUSY);
  g_clear_error (&error);

  /* The CLI exits non-zero and says why. */
  g_assert_cmpint (run_cli ("list", path, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "locked"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli ("export", path, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "locked"));

  after = file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpuint (corrupt_copies (path), ==, 0);
  locker_release (locker);

  /* Nothing was lost or moved. */
  store = hf_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_null (hf_store_get_moved_aside (store));
  fleet = hf_store_load_fleet (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fleet->len, ==, 3);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 15);
  g_assert_cmpuint (corrupt_copies (path), ==, 0);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_session_load_finish (HF_SESSION (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_locked_exclusive (void)
{
  assert_lock_reported ("exclusive");
}

static void
test_locked_long_write (void)
{
  assert_lock_reported ("write");
}

/* A write transaction left open in WAL mode does not stop readers:
 * opening and listing just work, at once. */
static void
test_open_write_transaction (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = NULL;
  g_autoptr(HfStore) reader = NULL;
  g_autoptr(GPtrArray) fleet = NULL;
  g_autofree char *out = NULL, *err = NULL;
  GSubprocess *locker;
  gint64 start;

  make_db (path, 3, 5);
  locker = locker_hold (path, "wal-write");

  start = g_get_monotonic_time ();
  store = hf_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_null (hf_store_get_moved_aside (store));
  fleet = hf_store_load_fleet (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fleet->len, ==, 3);
  reader = hf_store_open_readonly (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  g_clear_object (&reader);

  g_assert_cmpint (run_cli ("list", path, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "192.0.2.52"));

  locker_release (locker);
  g_assert_cmpuint (corrupt_copies (path), ==, 0);
  assert_integrity (path);
}

/* Garbage written over one page of a closed database (the root of the
 * readings table): SQLite reports the damage, the file is moved aside
 * byte for byte and a new one started.  A read-only open reports it too,
 * and leaves the file alone. */
static void
test_corrupt_page (void)
{
  g_autofree char *path = temp_db ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = NULL;
  g_autoptr(GBytes) damaged = NULL;
  g_autoptr(GBytes) moved = NULL;
  g_autoptr(GBytes) still = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  gint64 root, page_size;

  make_db (path, 3, 400);
  /* All in the file itself: the last connection checkpointed and
   * removed the log. */
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  root = count (path, "SELECT rootpage FROM sqlite_master WHERE name = 'readings'");
  page_size = count (path, "PRAGMA page_size");
  g_assert_cmpint (root, >, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 1200);

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpint ((gint64) len, >=, root * page_size);
  memset (contents + (root - 1) * page_size, 0xA5, (gsize) page_size);
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  damaged = g_bytes_new (contents, len);

  store = hf_store_open_readonly (path, &error);
  g_assert_null (store);
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE_CORRUPT);
  g_clear_error (&error);
  still = file_bytes (path);
  g_assert_true (g_bytes_equal (damaged, still));
  g_assert_cmpuint (corrupt_copies (path), ==, 0);

  store = hf_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hf_store_get_moved_aside (store));
  g_assert_nonnull (strstr (hf_store_get_moved_aside (store), ".corrupt-"));
  moved = file_bytes (hf_store_get_moved_aside (store));
  g_assert_true (g_bytes_equal (damaged, moved));
  g_assert_cmpint (hf_store_get_schema_version (store), ==, HF_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 0);
}

/* A read-only open of a file that is not a database reports it and moves
 * nothing; hf_store_open still moves it aside. */
static void
test_readonly_not_a_database (void)
{
  g_autofree char *path = temp_db ();
  g_autofree char *dir = g_path_get_dirname (path);
  const char text[] = "this is my shopping list, not a database\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = NULL;
  g_autoptr(GBytes) still = NULL;

  g_assert_true (g_file_set_contents (path, text, sizeof text - 1, NULL));
  store = hf_store_open_readonly (path, &error);
  g_assert_null (store);
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE_CORRUPT);
  g_assert_nonnull (strstr (error->message, "not a database"));
  g_clear_error (&error);
  still = file_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (still, NULL), g_bytes_get_size (still), text,
                   sizeof text - 1);
  g_assert_cmpuint (corrupt_copies (path), ==, 0);

  /* Nothing at all: an error, and no file made. */
  {
    g_autofree char *none = g_build_filename (dir, "none.db", NULL);

    g_assert_null (hf_store_open_readonly (none, &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_STORE);
    g_clear_error (&error);
    g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  }

  store = hf_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hf_store_get_moved_aside (store));
}

/* Read-only never migrates: an older schema is an error that says so (and
 * the file keeps its version), a newer one is refused. */
static void
test_readonly_schema (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) old = _hf_store_open_at_version (path, 2, &error);
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_clear_object (&old);
  g_assert_null (hf_store_open_readonly (path, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "older"));
  g_clear_error (&error);
  g_assert_cmpint (count (path, "PRAGMA user_version"), ==, 2);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
  g_assert_null (hf_store_open_readonly (path, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE_TOO_NEW);
}

/* The charts' reader connection opens on a worker thread, read only: a
 * file that is not a database there is an error, never moved aside. */
static gboolean series_done;

static void
series_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(GArray) points = hf_store_series_finish (HF_STORE (source), result, NULL, error);

  g_assert_null (points);
  series_done = TRUE;
}

static void
test_series_reader (void)
{
  g_autofree char *path = temp_db ();
  g_autofree char *garbage = g_strconcat (path, ".new", NULL);
  const char text[] = "not a database, and the charts must not move it\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = NULL;
  g_autoptr(GBytes) still = NULL;

  make_db (path, 1, 10);
  store = hf_store_open (path, &error);
  g_assert_no_error (error);
  /* Something else now stands at the path (the store's own connection
   * keeps the file it opened). */
  g_assert_true (g_file_set_contents (garbage, text, sizeof text - 1, NULL));
  g_assert_cmpint (g_rename (garbage, path), ==, 0);

  series_done = FALSE;
  hf_store_series_async (store, "192.0.2.50", 0, 0, HF_RESOLUTION_RAW, NULL, series_cb, &error);
  hf_test_wait_for (&series_done, 10000);
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE_CORRUPT);
  still = file_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (still, NULL), g_bytes_get_size (still), text,
                   sizeof text - 1);
  g_assert_cmpuint (corrupt_copies (path), ==, 0);
}

/* Several opens of a file that does not exist yet, at the same moment (the
 * app and `list` started together): each one migrates it or finds it
 * migrated, none fails half-way. */
typedef struct
{
  const char *path;
  gint       *go;
  GError     *error;
} Opener;

static gpointer
opener_thread (gpointer data)
{
  Opener *o = data;
  HfStore *store;

  while (!g_atomic_int_get (o->go))
    ;
  store = hf_store_open (o->path, &o->error);
  g_clear_object (&store);
  return NULL;
}

static void
test_concurrent_create (void)
{
  for (guint round = 0; round < 10; round++)
    {
      g_autofree char *path = temp_db ();
      Opener openers[4];
      GThread *threads[G_N_ELEMENTS (openers)];
      gint go = 0;

      for (guint i = 0; i < G_N_ELEMENTS (openers); i++)
        {
          openers[i] = (Opener) { path, &go, NULL };
          threads[i] = g_thread_new ("opener", opener_thread, &openers[i]);
        }
      g_atomic_int_set (&go, 1);
      for (guint i = 0; i < G_N_ELEMENTS (openers); i++)
        {
          g_thread_join (threads[i]);
          g_assert_no_error (openers[i].error);
        }
      g_assert_cmpint (count (path, "PRAGMA user_version"), ==, HF_STORE_SCHEMA_VERSION);
      g_assert_cmpuint (corrupt_copies (path), ==, 0);
    }
}

/* The API's history */

typedef struct
{
  gboolean  done;
  GBytes   *body;
  guint     status;
} Answer;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Answer *a = user_data;
  g_autoptr(GError) error = NULL;

  a->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  a->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source),
                                                                              result));
  a->done = TRUE;
}

static char *
get (SoupSession *session,
     guint16      port,
     const char  *path,
     guint       *status)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  Answer a = { 0 };

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &a);
  hf_test_wait_for (&a.done, 10000);
  *status = a.status;
  return g_strndup (g_bytes_get_data (a.body, NULL), g_bytes_get_size (a.body));
}

/* History is read with a connection of its own on a worker thread: it
 * reads what is committed while a writer is mid-transaction, and a file
 * that is not a database is an error there, never moved aside. */
static void
test_api_history (void)
{
  g_autofree char *path = temp_db ();
  g_autofree char *garbage = g_strconcat (path, ".new", NULL);
  const char text[] = "not a database at all, but the history must not move it\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfSession) hf = NULL;
  g_autoptr(HfApiServer) server = NULL;
  gboolean loaded = FALSE;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.50", HF_FAMILY_AXEOS);
  g_autoptr(GBytes) still = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) rows = NULL;
  sqlite3 *writer = NULL;
  guint status;

  make_db (path, 1, 10);
  hf = hf_session_new (path, config);
  hf_session_set_restore (hf, FALSE);
  hf_session_load_async (hf, NULL, loaded_cb, &loaded);
  hf_test_wait_for (&loaded, 5000);
  g_assert_nonnull (hf_session_get_store (hf));
  hf_fleet_add (hf_session_get_fleet (hf), miner);
  server = hf_api_server_new (hf);
  g_assert_true (hf_api_server_listen (server, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);

  /* Another connection is mid-way through a write of its own. */
  g_assert_cmpint (sqlite3_open (path, &writer), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (writer, "BEGIN IMMEDIATE; INSERT INTO readings "
                                 "(miner_id, time, hashrate) VALUES (1, 2000000, 1)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  body = get (session, hf_api_server_get_port (server),
              "/api/miner/192.0.2.50/history?since=0&resolution=raw", &status);
  g_assert_cmpuint (status, ==, 200);
  rows = hf_json_parse (body, strlen (body), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (rows));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (rows)), ==, 10);
  g_assert_cmpint (sqlite3_exec (writer, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (writer);
  g_clear_pointer (&body, g_free);

  /* Something else now stands at the path (the store's own connection
   * keeps the file it opened). */
  g_assert_true (g_file_set_contents (garbage, text, sizeof text - 1, NULL));
  g_assert_cmpint (g_rename (garbage, path), ==, 0);
  body = get (session, hf_api_server_get_port (server),
              "/api/miner/192.0.2.50/history?since=0&resolution=raw", &status);
  g_test_message ("history of a non-database: %u %s", status, body);
  g_assert_cmpuint (status, ==, 500);
  g_assert_nonnull (strstr (body, "not a database"));
  still = file_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (still, NULL), g_bytes_get_size (still), text,
                   sizeof text - 1);
  g_assert_cmpuint (corrupt_copies (path), ==, 0);
  hf_api_server_disconnect (server);
}

/* `watch` recording beside readers */

#define WATCH_MINERS 12
#define WATCH_CYCLES 100

/* Every family, on 127.0.44.2 to .13. */
static const char *const watch_profiles[WATCH_MINERS] = {
  "gamma", "supra", "nerdqaxe", "ultra", "s19pro", "s9", "m30s", "m50s", "nano3s", "nano3",
  "mini3", "q",
};

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
} Watched;

static void
watched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Watched *w = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &w->out, &w->err,
                                        &error);
  g_assert_no_error (error);
  w->done = TRUE;
}

typedef struct
{
  const char *path;
  gint        stop;
  guint       opens;
} Reopener;

/* What the app does at start-up and when a chart opens, over and over in
 * this process: open the store, load the fleet, read a series on the
 * reader connection, close it all. */
static gpointer
reopener_thread (gpointer data)
{
  Reopener *r = data;

  while (!g_atomic_int_get (&r->stop))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfStore) store = hf_store_open (r->path, &error);
      g_autoptr(GPtrArray) fleet = NULL;
      g_autoptr(GArray) series = NULL;
      HfStore *reader;

      g_assert_no_error (error);
      fleet = hf_store_load_fleet (store, &error);
      g_assert_no_error (error);
      reader = _hf_store_lock_reader (store, &error);
      g_assert_no_error (error);
      series = hf_store_series (reader, "127.0.44.2", 0, 0, HF_RESOLUTION_RAW, NULL, &error);
      _hf_store_unlock_reader (store);
      g_assert_no_error (error);
      r->opens++;
      g_usleep (20000);
    }
  return NULL;
}

/* Says which miners are short of readings and when their readings were
 * taken, beside watch's own per-cycle figures: what a failure needs. */
static void
dump_short_miners (const char *path,
                   const char *watch_stats)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT miner_id, group_concat (time, ' ') FROM "
                                       "(SELECT miner_id, time FROM readings WHERE miner_id IN "
                                       "(SELECT miner_id FROM readings GROUP BY miner_id "
                                       "HAVING count(*) < " G_STRINGIFY (WATCH_CYCLES) ") "
                                       "ORDER BY time) GROUP BY miner_id", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_printerr ("miner %d is short; its readings at: %s\n", sqlite3_column_int (stmt, 0),
                (const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_printerr ("watch said:\n%s", watch_stats);
}

/* hashfleet-cli watch records 100 cycles of 12 simulated miners while
 * other processes run `list` and `export` on the same file, and this one
 * opens and closes it as the app does.  Every reading watch printed must
 * be in the store, the file never moved aside.  (The store keeps one
 * reading per miner per second: two cycles two seconds apart share one
 * only when a reply comes two seconds late, as it can on a loaded machine
 * under AddressSanitizer; watch's --json lines say when each was taken.) */
static void
test_watch_beside_readers (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) watch = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) config = g_string_new ("[fleet]\nhttp-port=18440\ncgminer-port=14440\n"
                                            "static=true\n");
  HfTestSim *sim;
  Watched w = { 0 };
  Reopener reopener = { path, 0, 0 };
  GThread *thread;
  GStatBuf st;
  guint64 inode;
  guint cycles = 0, lists = 0, cycles_seen = 0, stored, printed = 0, distinct;

  for (guint i = 0; i < WATCH_MINERS; i++)
    g_string_append_printf (config, "[miner 127.0.44.%u]\nprofile=%s\n", i + 2,
                            watch_profiles[i]);
  /* 100 cycles take 200 s and more. */
  sim = hf_test_sim_start_for (config->str, 400);

  g_ptr_array_add (argv, g_strdup (g_getenv ("HF_CLI")));
  g_ptr_array_add (argv, g_strdup ("watch"));
  g_ptr_array_add (argv, g_strdup ("--http-port"));
  g_ptr_array_add (argv, g_strdup ("18440"));
  g_ptr_array_add (argv, g_strdup ("--cgminer-port"));
  g_ptr_array_add (argv, g_strdup ("14440"));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (path));
  g_ptr_array_add (argv, g_strdup ("--interval"));
  g_ptr_array_add (argv, g_strdup ("2"));
  g_ptr_array_add (argv, g_strdup ("--count"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", WATCH_CYCLES));
  g_ptr_array_add (argv, g_strdup ("--stats"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  for (guint i = 0; i < WATCH_MINERS; i++)
    g_ptr_array_add (argv, g_strdup_printf ("127.0.44.%u", i + 2));
  g_ptr_array_add (argv, NULL);
  watch = g_subprocess_newv ((const char * const *) argv->pdata,
                             G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (watch, NULL, NULL, watched_cb, &w);

  /* Once watch has made the file, the others join. */
  for (guint i = 0; i < 1000 && !g_file_test (path, G_FILE_TEST_EXISTS); i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  inode = st.st_ino;

  thread = g_thread_new ("reopener", reopener_thread, &reopener);
  while (!w.done)
    {
      g_autofree char *out = NULL, *err = NULL;
      const char *args[] = { lists % 2 ? "export" : "list", "--db", path, NULL };

      g_assert_cmpint (hf_test_run_cli (args, &out, &err), ==, 0);
      lists++;
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (50000);
    }
  g_atomic_int_set (&reopener.stop, 1);
  g_thread_join (thread);
  hf_test_sim_stop (sim);

  g_assert_true (g_subprocess_get_if_exited (watch));
  g_assert_cmpint (g_subprocess_get_exit_status (watch), ==, 0);
  lines = g_strsplit (w.err, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) o = NULL;

      if (lines[i][0] == '\0')
        continue;
      o = hf_json_parse_object (lines[i], strlen (lines[i]), NULL);
      if (o == NULL)
        g_error ("watch said: %s", lines[i]);
      g_assert_cmpint (hf_json_number (o, "answered"), ==, WATCH_MINERS);
      cycles++;
    }
  /* The readings watch printed, and the (miner, second) pairs they make. */
  {
    g_auto(GStrv) out_lines = g_strsplit (w.out, "\n", -1);
    g_autoptr(GHashTable) pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; out_lines[i] != NULL; i++)
      {
        g_autoptr(JsonObject) o = NULL;

        if (out_lines[i][0] == '\0')
          continue;
        o = hf_json_parse_object (out_lines[i], strlen (out_lines[i]), NULL);
        g_assert_nonnull (o);
        g_assert_true (json_object_get_boolean_member (o, "online"));
        printed++;
        g_hash_table_add (pairs, g_strdup_printf ("%s %.0f", hf_json_string (o, "ip"),
                                                  hf_json_number (o, "time")));
      }
    distinct = g_hash_table_size (pairs);
  }
  stored = (guint) count (path, "SELECT count(*) FROM readings");
  g_test_message ("watch: %u cycles of %u miners; printed %u readings, %u in seconds of "
                  "their own; stored %u (%.1f cycles); %u list/export runs and %u opens "
                  "beside it", cycles, WATCH_MINERS, printed, distinct, stored,
                  (double) stored / WATCH_MINERS, lists, reopener.opens);

  /* Never moved aside: the same file, and nothing beside it. */
  g_assert_cmpuint (corrupt_copies (path), ==, 0);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_ino, ==, inode);
  assert_integrity (path);

  g_assert_cmpuint (cycles, ==, WATCH_CYCLES);
  g_assert_cmpuint (printed, ==, WATCH_CYCLES * WATCH_MINERS);
  if (stored != distinct)
    dump_short_miners (path, w.err);
  g_assert_cmpuint (stored, ==, distinct);
  if (distinct < printed)
    {
      /* Two readings of a miner in one second (a reply two seconds late):
       * the per-cycle checks below cannot hold, and are not what failed. */
      g_test_message ("%u readings shared their second with the next one", printed - distinct);
      g_assert_cmpuint (printed - distinct, <=, WATCH_MINERS);
      goto done;
    }
  /* Each miner has a reading from each cycle ... */
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, WATCH_MINERS);
  g_assert_cmpint (count (path, "SELECT count(*) FROM (SELECT miner_id FROM readings "
                                "GROUP BY miner_id HAVING count(*) = " G_STRINGIFY (WATCH_CYCLES)
                                ")"), ==, WATCH_MINERS);
  /* ... and each cycle has all of them: the k-th reading of every miner
   * is from cycle k, all taken within a second (cycles are two apart). */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT k, count(*), max (time) - min (time) "
                                         "FROM (SELECT time, row_number () OVER (PARTITION BY "
                                         "miner_id ORDER BY time) AS k FROM readings) "
                                         "GROUP BY k ORDER BY k", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, cycles_seen + 1);
        g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, WATCH_MINERS);
        g_assert_cmpint (sqlite3_column_int (stmt, 2), <=, 1);
        cycles_seen++;
      }
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    g_assert_cmpuint (cycles_seen, ==, WATCH_CYCLES);
  }
done:
  g_free (w.out);
  g_free (w.err);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/store-shared/locked/exclusive", test_locked_exclusive);
  g_test_add_func ("/store-shared/locked/long-write", test_locked_long_write);
  g_test_add_func ("/store-shared/open-write-transaction", test_open_write_transaction);
  g_test_add_func ("/store-shared/corrupt-page", test_corrupt_page);
  g_test_add_func ("/store-shared/readonly-not-a-database", test_readonly_not_a_database);
  g_test_add_func ("/store-shared/readonly-schema", test_readonly_schema);
  g_test_add_func ("/store-shared/series-reader", test_series_reader);
  g_test_add_func ("/store-shared/concurrent-create", test_concurrent_create);
  g_test_add_func ("/store-shared/api-history", test_api_history);
  g_test_add_func ("/store-shared/watch-beside-readers", test_watch_beside_readers);
  return g_test_run ();
}
