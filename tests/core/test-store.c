/* test-store.c — HfStore on real SQLite files
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hf-error.h"
#include "hf-fleet.h"
#include "hf-recorder.h"
#include "hf-store-private.h"
#include "hf-store-upkeep.h"
#include "hf-store-profiles.h"
#include "hf-store-export.h"
#include "hf-store-events.h"
#include "hf-test-utils.h"

static char *
temp_db (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-store-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "sub", "hashfleet.db", NULL);
}

/* Query the file directly, as a second opinion. */
static gint64
count (const char *path,
       const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  /* Like any reader: the upkeep's thread may hold the file a moment (a
   * checkpoint), and a loaded machine makes that moment longer. */
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static HfMiner *
miner_with_reading (const char *address,
                    const char *mac,
                    double      hashrate,
                    gint64      time_s)
{
  HfMiner *miner = hf_miner_new (address, HF_FAMILY_AXEOS);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_miner_set_mac (miner, mac);
  hf_miner_set_model (miner, "Bitaxe Gamma");
  hf_miner_set_http_port (miner, 8080);
  r->timestamp = time_s * G_USEC_PER_SEC;
  r->hashrate_ghs = hashrate;
  r->power_w = 17.5;
  r->power_estimated = TRUE;
  r->pool_url = g_strdup ("stratum+tcp://pool.example.org:3333");
  hf_miner_set_reading (miner, r);
  return miner;
}

static void
test_fresh (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(GPtrArray) fleet = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (hf_store_get_schema_version (store), ==, HF_STORE_SCHEMA_VERSION);
  g_assert_null (hf_store_get_moved_aside (store));
  fleet = hf_store_load_fleet (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fleet->len, ==, 0);
  g_clear_object (&store);
  /* WAL mode sticks to the file. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    sqlite3_open (path, &db);
    sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

/* Schema 8: a Whatsminer reached by API v3 stays one (its port and API
 * version kept); a miner saved without it reads back 0. */
static void
test_api_version (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(HfMiner) v3 = miner_with_reading ("192.0.2.20", "02:00:00:00:00:20", 186000, 1000);
  g_autoptr(HfMiner) plain = miner_with_reading ("192.0.2.21", "02:00:00:00:00:21", 1100, 1000);
  HfMiner *cycle[] = { v3, plain };
  g_autoptr(GPtrArray) fleet = NULL;

  hf_miner_set_family (v3, HF_FAMILY_WHATSMINER);
  hf_miner_set_cgminer_port (v3, 4433);
  hf_miner_set_api_version (v3, 3);
  g_assert_true (hf_store_add_readings (store, cycle, 2, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  store = hf_store_open (path, &error);
  fleet = hf_store_load_fleet (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fleet->len, ==, 2);
  g_assert_cmpuint (hf_miner_get_api_version (g_ptr_array_index (fleet, 0)), ==, 3);
  g_assert_cmpuint (hf_miner_get_cgminer_port (g_ptr_array_index (fleet, 0)), ==, 4433);
  g_assert_cmpuint (hf_miner_get_api_version (g_ptr_array_index (fleet, 1)), ==, 0);
}

static void
test_round_trip (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(HfMiner) a = miner_with_reading ("192.0.2.10", "02:00:00:00:00:01", 1100, 1000);
  g_autoptr(HfMiner) b = miner_with_reading ("192.0.2.11", "02:00:00:00:00:02", 900, 1000);
  g_autoptr(HfMiner) a2 = miner_with_reading ("192.0.2.10", "02:00:00:00:00:01", 1150, 1015);
  HfMiner *cycle1[] = { a, b };
  HfMiner *cycle2[] = { a2 };
  g_autoptr(GPtrArray) fleet = NULL;
  HfMiner *loaded;
  const HfReading *r;

  g_assert_true (hf_store_add_readings (store, cycle1, 2, &error));
  g_assert_true (hf_store_add_readings (store, cycle2, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 2);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 3);

  g_clear_object (&store);
  store = hf_store_open (path, &error);
  fleet = hf_store_load_fleet (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fleet->len, ==, 2);
  loaded = g_ptr_array_index (fleet, 0);
  g_assert_cmpstr (hf_miner_get_address (loaded), ==, "192.0.2.10");
  g_assert_cmpstr (hf_miner_get_mac (loaded), ==, "02:00:00:00:00:01");
  g_assert_cmpstr (hf_miner_get_model (loaded), ==, "Bitaxe Gamma");
  g_assert_cmpuint (hf_miner_get_http_port (loaded), ==, 8080);
  g_assert_false (hf_miner_get_online (loaded));        /* stale until polled */
  r = hf_miner_get_reading (loaded);
  g_assert_nonnull (r);
  g_assert_cmpfloat (r->hashrate_ghs, ==, 1150);        /* the newest one */
  g_assert_cmpint (r->timestamp, ==, (gint64) 1015 * G_USEC_PER_SEC);
  g_assert_cmpfloat (r->power_w, ==, 17.5);
  g_assert_true (r->power_estimated);
  g_assert_true (isnan (r->temperature_c));             /* unknown stays unknown */
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://pool.example.org:3333");
}

/* Everything hf_store_export() wrote to a temporary file. */
static char *
export_to_text (HfStore        *store,
                HfExportFormat  format)
{
  g_autoptr(GError) error = NULL;
  FILE *out = tmpfile ();
  GString *text = g_string_new (NULL);
  char buf[4096];
  size_t n;

  g_assert_nonnull (out);
  g_assert_cmpint (hf_store_export (store, out, format, NULL, 0, 0, HF_RESOLUTION_RAW, &error),
                   ==, 3);
  g_assert_no_error (error);
  rewind (out);
  while ((n = fread (buf, 1, sizeof buf, out)) > 0)
    g_string_append_len (text, buf, (gssize) n);
  fclose (out);
  return g_string_free (text, FALSE);
}

static void
test_export_formulas (void)
{
  /* Text a spreadsheet would run (OWASP's =, +, -, @, tab, CR), from a
   * miner's model and pool URL, next to a legitimately negative number;
   * energy_wh after the pool, empty (no reading before these). */
  static const struct { const char *model; const char *pool; const char *csv_end; } rows[] = {
    { "-cmd|' /C calc'!A0", "\tstratum+tcp://a.example:3333", ",'\tstratum+tcp://a.example:3333," },
    { "=1+2", "\r=1", ",\"'\r=1\"," },
    { "S9, \"i\"", "stratum+tcp://b.example:3333", ",stratum+tcp://b.example:3333," },
  };
  static const char *const csv_starts[] = {
    "192.0.2.20,02:00:00:00:00:20,'-cmd|' /C calc'!A0,1000,1100,",
    "192.0.2.21,02:00:00:00:00:21,'=1+2,1000,1100,",
    "192.0.2.22,02:00:00:00:00:22,\"S9, \"\"i\"\"\",1000,1100,",
  };
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(GPtrArray) miners = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *csv = NULL, *jsonl = NULL;
  g_auto(GStrv) csv_lines = NULL;
  g_auto(GStrv) json_lines = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", 20 + i);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:00:%u", 20 + i);
      HfMiner *miner = hf_miner_new (address, HF_FAMILY_CGMINER);
      g_autoptr(HfReading) r = hf_reading_new ();

      hf_miner_set_mac (miner, mac);
      hf_miner_set_model (miner, rows[i].model);
      r->timestamp = 1000 * G_USEC_PER_SEC;
      r->hashrate_ghs = 1100;
      r->temperature_c = -1.5;
      r->pool_url = g_strdup (rows[i].pool);
      hf_miner_set_reading (miner, r);
      g_ptr_array_add (miners, miner);
    }
  g_assert_true (hf_store_add_readings (store, (HfMiner **) miners->pdata, miners->len, &error));
  g_assert_no_error (error);

  csv = export_to_text (store, HF_EXPORT_CSV);
  g_test_message ("%s", csv);
  /* Split on the line ends of rows only: a CR inside quotes is a value. */
  csv_lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (csv_lines), ==, 5);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const char *line = csv_lines[i + 1];

      g_assert_true (g_str_has_prefix (line, csv_starts[i]));
      g_assert_true (g_str_has_suffix (line, rows[i].csv_end));
      /* The negative temperature stays a number. */
      g_assert_nonnull (strstr (line, ",,-1.5,"));
    }

  /* JSON Lines: every value as the miner gave it. */
  jsonl = export_to_text (store, HF_EXPORT_JSON);
  json_lines = g_strsplit (jsonl, "\n", -1);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      g_assert_true (json_parser_load_from_data (parser, json_lines[i], -1, NULL));
      o = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (o, "model"), ==, rows[i].model);
      g_assert_cmpstr (json_object_get_string_member (o, "pool_url"), ==, rows[i].pool);
      g_assert_cmpfloat (json_object_get_double_member (o, "temperature_c"), ==, -1.5);
    }
}

static void
test_identity_and_forget (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(HfMiner) a = miner_with_reading ("192.0.2.20", "02:00:00:00:00:0A", 1000, 2000);
  g_autoptr(HfMiner) moved = miner_with_reading ("192.0.2.99", "02:00:00:00:00:0A", 1000, 2015);
  g_autoptr(HfMiner) b = miner_with_reading ("192.0.2.21", "02:00:00:00:00:0B", 500, 2000);
  HfMiner *both[] = { a, b };
  HfMiner *one[] = { moved };
  g_autoptr(GPtrArray) fleet = NULL;

  g_assert_true (hf_store_add_readings (store, both, 2, &error));
  /* DHCP moved a: same MAC, one row, new address. */
  g_assert_true (hf_store_add_readings (store, one, 1, &error));
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 2);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE address = '192.0.2.99'"),
                   ==, 1);

  /* Forget a, keeping its history; forget b with its history. */
  g_assert_true (hf_store_forget_miner (store, moved, TRUE, &error));
  g_assert_true (hf_store_forget_miner (store, b, FALSE, &error));
  g_assert_no_error (error);
  fleet = hf_store_load_fleet (store, &error);
  g_assert_cmpuint (fleet->len, ==, 0);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 2);  /* a's two */

  /* Found again: back, with its history. */
  g_assert_true (hf_store_save_miner (store, a, &error));
  g_clear_pointer (&fleet, g_ptr_array_unref);
  fleet = hf_store_load_fleet (store, &error);
  g_assert_cmpuint (fleet->len, ==, 1);
  g_assert_nonnull (hf_miner_get_reading (g_ptr_array_index (fleet, 0)));
}

static void
assert_moved_aside (const char *contents,
                    gsize       len)
{
  g_autofree char *path = temp_db ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = NULL;
  g_autofree char *kept = NULL;
  gsize kept_len = 0;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  store = hf_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hf_store_get_moved_aside (store));
  g_assert_true (g_str_has_prefix (hf_store_get_moved_aside (store), path));
  g_assert_nonnull (strstr (hf_store_get_moved_aside (store), ".corrupt-"));
  /* The old file is kept byte for byte, and the new store works. */
  g_assert_true (g_file_get_contents (hf_store_get_moved_aside (store), &kept, &kept_len, NULL));
  g_assert_cmpmem (kept, kept_len, contents, len);
  g_assert_cmpint (hf_store_get_schema_version (store), ==, HF_STORE_SCHEMA_VERSION);
}

static void
test_not_a_database (void)
{
  const char text[] = "this is my shopping list, not a database\n";

  assert_moved_aside (text, sizeof text - 1);
}

static void
test_corrupt_database (void)
{
  char broken[8192];

  /* A SQLite header followed by garbage. */
  memset (broken, 0xA5, sizeof broken);
  memcpy (broken, "SQLite format 3", 16);
  broken[16] = 0x10;          /* page size 4096 */
  broken[17] = 0x00;
  assert_moved_aside (broken, sizeof broken);
}

static void
test_newer_version_refused (void)
{
  g_autofree char *path = temp_db ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len = 0, after_len = 0;
  sqlite3 *db = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 99;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_file_get_contents (path, &before, &before_len, NULL);

  g_assert_null (hf_store_open (path, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE_TOO_NEW);
  g_assert_nonnull (strstr (error->message, path));
  g_file_get_contents (path, &after, &after_len, NULL);
  g_assert_cmpmem (before, before_len, after, after_len);
}

/* Every earlier schema version migrates to the current one and keeps its
 * data.  Version 0 is the empty file; each later version is built by this
 * code's own migrations up to it, then filled. */
static void
test_migrations (void)
{
  for (int from = 0; from < HF_STORE_SCHEMA_VERSION; from++)
    {
      g_autofree char *path = temp_db ();
      g_autoptr(GError) error = NULL;
      g_autoptr(HfStore) old = _hf_store_open_at_version (path, from, &error);
      g_autoptr(HfStore) store = NULL;
      g_autoptr(GPtrArray) fleet = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (hf_store_get_schema_version (old), ==, from);
      if (from >= 1)
        {
          g_autoptr(HfMiner) a = miner_with_reading ("192.0.2.30", "02:00:00:00:00:30", 700, 50);
          g_autoptr(HfMiner) b = miner_with_reading ("192.0.2.30", "02:00:00:00:00:30", 710, 65);
          HfMiner *one[] = { a };
          HfMiner *two[] = { b };
          g_assert_true (hf_store_add_readings (old, one, 1, &error));
          g_assert_true (hf_store_add_readings (old, two, 1, &error));
        }
      if (from >= 3)
        {
          g_autoptr(HfMinerSettings) pools = hf_miner_settings_new ();

          pools->pool_url = g_strdup ("stratum+tcp://solo.example.org:3333");
          g_assert_true (hf_store_save_pool_profile (old, "solo", pools, &error));
        }
      g_clear_object (&old);

      store = hf_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (hf_store_get_schema_version (store), ==, HF_STORE_SCHEMA_VERSION);
      g_assert_cmpint (count (path, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                    "('miners', 'readings', 'rollups_5m', 'rollups_1h', 'meta', "
                                    "'pool_profiles', 'events')"),
                       ==, 7);
      g_assert_cmpint (count (path, "SELECT count(*) FROM pragma_table_info ('readings') "
                                    "WHERE name = 'found_blocks'"), ==, 1);
      fleet = hf_store_load_fleet (store, &error);
      if (from >= 1)
        {
          HfMiner *m;
          g_autoptr(HfStoreEvent) event = hf_store_event_new (HF_EVENT_BLOCK_FOUND);
          g_autoptr(GPtrArray) again = NULL;
          g_autoptr(GPtrArray) events = NULL;

          g_assert_cmpuint (fleet->len, ==, 1);
          m = g_ptr_array_index (fleet, 0);
          g_assert_cmpfloat (hf_miner_get_reading (m)->hashrate_ghs, ==, 710);
          g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 2);
          /* Readings from before the counter was kept: not known, not 0. */
          g_assert_true (isnan (hf_miner_get_reading (m)->found_blocks));
          g_assert_cmpuint (hf_miner_get_blocks_found (m), ==, 0);

          /* The migrated store takes events of the miners it kept. */
          event->time = 70;
          event->counter = 1;
          g_assert_true (hf_store_add_event (store, m, event, &error));
          g_assert_no_error (error);
          again = hf_store_load_fleet (store, &error);
          g_assert_cmpuint (hf_miner_get_blocks_found (g_ptr_array_index (again, 0)), ==, 1);
          events = hf_store_list_events (store, HF_EVENT_BLOCK_FOUND, 0, 0, &error);
          g_assert_cmpuint (events->len, ==, 1);
          g_assert_cmpstr (((HfStoreEvent *) events->pdata[0])->address, ==, "192.0.2.30");
        }
      if (from >= 3)
        g_assert_cmpint (count (path, "SELECT count(*) FROM pool_profiles"), ==, 1);
    }
}

/* Found blocks: kept with their miner, counted on load, listed in order;
 * the counter of each reading comes back with the stored fleet. */
static void
test_events (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(HfMiner) a = miner_with_reading ("192.0.2.60", "02:00:00:00:00:60", 1100, 100);
  g_autoptr(HfMiner) b = miner_with_reading ("192.0.2.61", "02:00:00:00:00:61", 1100, 100);
  g_autoptr(GPtrArray) fleet = NULL, all = NULL, window = NULL, none = NULL;
  const struct { HfMiner *miner; gint64 time; guint count; double counter; } found[] = {
    { a, 200, 1, 1 }, { b, 150, 2, 2 }, { a, 300, 1, 2 },
  };

  /* The miner's reading counts 2 found blocks. */
  {
    g_autoptr(HfReading) r = hf_reading_copy (hf_miner_get_reading (a));
    HfMiner *one[] = { a };

    r->found_blocks = 2;
    hf_miner_set_reading (a, r);
    g_assert_true (hf_store_add_readings (store, one, 1, &error));
  }
  /* b is not in the store yet: an event saves it. */
  for (guint i = 0; i < G_N_ELEMENTS (found); i++)
    {
      g_autoptr(HfStoreEvent) e = hf_store_event_new (HF_EVENT_BLOCK_FOUND);

      e->time = found[i].time;
      e->count = found[i].count;
      e->counter = found[i].counter;
      e->network_difficulty = 1.5e14;
      g_assert_true (hf_store_add_event (store, found[i].miner, e, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (count (path, "SELECT count(*) FROM events"), ==, 3);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 2);

  all = hf_store_list_events (store, HF_EVENT_BLOCK_FOUND, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  {
    HfStoreEvent *first = all->pdata[0], *last = all->pdata[2];

    g_assert_cmpint (first->time, ==, 150);              /* oldest first */
    g_assert_cmpstr (first->address, ==, "192.0.2.61");
    g_assert_cmpstr (first->identity, ==, "02:00:00:00:00:61");
    g_assert_cmpuint (first->count, ==, 2);
    g_assert_cmpfloat (first->counter, ==, 2);
    g_assert_cmpfloat (first->network_difficulty, ==, 1.5e14);
    g_assert_cmpstr (first->kind, ==, "block-found");
    g_assert_cmpint (last->time, ==, 300);
  }
  window = hf_store_list_events (store, NULL, 200, 300, &error);
  g_assert_cmpuint (window->len, ==, 1);
  none = hf_store_list_events (store, "something-else", 0, 0, &error);
  g_assert_cmpuint (none->len, ==, 0);

  g_clear_object (&store);
  store = hf_store_open (path, &error);
  fleet = hf_store_load_fleet (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fleet->len, ==, 2);
  for (guint i = 0; i < fleet->len; i++)
    {
      HfMiner *m = g_ptr_array_index (fleet, i);

      /* a: 1 + 1 blocks; b: one event of 2. */
      g_assert_cmpuint (hf_miner_get_blocks_found (m), ==, 2);
      if (g_str_equal (hf_miner_get_address (m), "192.0.2.60"))
        g_assert_cmpfloat (hf_miner_get_reading (m)->found_blocks, ==, 2);
    }

  /* Removed without its history, its events go with it. */
  g_assert_true (hf_store_forget_miner (store, a, FALSE, &error));
  g_assert_cmpint (count (path, "SELECT count(*) FROM events"), ==, 1);
}

/* A miner's own name comes back with it, beside its reading's found-blocks
 * counter and its recorded blocks (one query reads them all: each at its
 * own column), and a miner saved again as it was loaded keeps it. */
static void
test_label_survives_reload (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(HfMiner) a = miner_with_reading ("192.0.2.62", "02:00:00:00:00:62", 1100, 100);
  g_autoptr(HfReading) r = hf_reading_copy (hf_miner_get_reading (a));
  g_autoptr(HfStoreEvent) e = hf_store_event_new (HF_EVENT_BLOCK_FOUND);
  g_autoptr(GPtrArray) fleet = NULL;
  g_autoptr(GPtrArray) again = NULL;
  HfMiner *one[] = { a };
  HfMiner *m;

  hf_miner_set_label (a, "Garage Bitaxe");
  r->found_blocks = 3;
  hf_miner_set_reading (a, r);
  g_assert_true (hf_store_save_miner (store, a, &error));
  g_assert_true (hf_store_add_readings (store, one, 1, &error));
  e->time = 200;
  e->count = 1;
  e->counter = 3;
  g_assert_true (hf_store_add_event (store, a, e, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  store = hf_store_open (path, &error);
  fleet = hf_store_load_fleet (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fleet->len, ==, 1);
  m = g_ptr_array_index (fleet, 0);
  g_assert_cmpstr (hf_miner_get_label (m), ==, "Garage Bitaxe");
  g_assert_cmpfloat (hf_miner_get_reading (m)->found_blocks, ==, 3);
  g_assert_cmpuint (hf_miner_get_blocks_found (m), ==, 1);

  /* Saved again as loaded (as every start-up does): still its name. */
  g_assert_true (hf_store_save_miner (store, m, &error));
  g_clear_object (&store);
  store = hf_store_open (path, &error);
  again = hf_store_load_fleet (store, &error);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpstr (hf_miner_get_label (g_ptr_array_index (again, 0)), ==, "Garage Bitaxe");
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE label = 'Garage Bitaxe'"), ==, 1);
}

#define B0 3600000      /* a bucket start on both the 5-minute and the hour grid */

static HfMiner *
reading_at (gint64 t,
            double hashrate,
            double temperature,
            double power,
            double accepted,
            double rejected)
{
  HfMiner *miner = miner_with_reading ("192.0.2.40", "02:00:00:00:00:40", hashrate, t);
  g_autoptr(HfReading) r = hf_reading_copy (hf_miner_get_reading (miner));

  r->temperature_c = temperature;
  r->power_w = power;
  r->accepted = accepted;
  r->rejected = rejected;
  hf_miner_set_reading (miner, r);
  return miner;
}

static void
write_samples (HfStore *store)
{
  /* Bucket B0: three readings, one with unknown power.  Bucket B0+300: one. */
  HfMiner *m[] = {
    reading_at (B0 + 0, 100, 60, 10, 10, 0),
    reading_at (B0 + 100, 110, 64, 12, 15, 1),
    reading_at (B0 + 200, 90, 62, NAN, 20, 1),
    reading_at (B0 + 300, 200, 70, 20, 25, 1),
  };

  for (guint i = 0; i < G_N_ELEMENTS (m); i++)
    {
      g_assert_true (hf_store_add_readings (store, &m[i], 1, NULL));
      g_object_unref (m[i]);
    }
}

static double
value (const char *path,
       const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double v = NAN;

  sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    v = sqlite3_column_double (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

static guint
maintain_all (HfStore *store,
              gint64   now)
{
  g_autoptr(GError) error = NULL;
  guint steps = 0;

  while (hf_store_maintain_step (store, now, &error))
    g_assert_cmpuint (++steps, <, 10000);
  g_assert_no_error (error);
  return steps;
}

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-9)

typedef struct
{
  gboolean      done;
  GArray       *points;
  HfResolution  used;
  GError       *error;
} SeriesResult;

static void
series_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SeriesResult *r = user_data;

  r->points = hf_store_series_finish (HF_STORE (source), result, &r->used, &r->error);
  r->done = TRUE;
}

/* hf_store_series_async, waited for on the main loop. */
static void
series_async (HfStore      *store,
              const char   *address,
              HfResolution  resolution,
              GCancellable *cancellable,
              SeriesResult *r)
{
  hf_store_series_async (store, address, B0, B0 + 7200, resolution, cancellable, series_cb, r);
  g_assert_false (r->done);   /* on a worker, not before returning */
  hf_test_wait_for (&r->done, 5000);
}

static void
test_rollups (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(HfStore) store = hf_store_open (path, NULL);

  hf_store_set_poll_interval (store, 100);
  write_samples (store);

  /* A bucket is rolled once the gap limit (three poll intervals) has
   * passed after it: inside the second bucket's wait nothing of it is
   * rolled; the first is. */
  maintain_all (store, B0 + 600 - 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_5m"), ==, 0);
  maintain_all (store, B0 + 700);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_5m"), ==, 1);
  assert_near (value (path, "SELECT hashrate_min FROM rollups_5m"), 90);
  assert_near (value (path, "SELECT hashrate_avg FROM rollups_5m"), 100);
  assert_near (value (path, "SELECT hashrate_max FROM rollups_5m"), 110);
  assert_near (value (path, "SELECT temperature_avg FROM rollups_5m"), 62);
  /* Unknown power stays out of the average: (10 + 12) / 2, not / 3. */
  assert_near (value (path, "SELECT power_avg FROM rollups_5m"), 11);
  assert_near (value (path, "SELECT power_min FROM rollups_5m"), 10);
  assert_near (value (path, "SELECT uptime_fraction FROM rollups_5m"), 1.0);  /* 3 × 100 s */
  assert_near (value (path, "SELECT accepted FROM rollups_5m"), 10);          /* 20 − 10 */
  /* Energy: 10 → 12 W over 100 s, then 12 → 20 W over the 200 s to the
   * next reading with power (the one without is skipped, and 200 s is
   * within the gap limit). */
  assert_near (value (path, "SELECT energy_wh FROM rollups_5m"), (11 * 100 + 16 * 200) / 3600.0);
  /* (miner_with_reading's power is estimated) */
  assert_near (value (path, "SELECT energy_estimated_wh FROM rollups_5m"),
               (11 * 100 + 16 * 200) / 3600.0);
  assert_near (value (path, "SELECT power_s FROM rollups_5m"), 300);
  assert_near (value (path, "SELECT rejected FROM rollups_5m"), 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_1h"), ==, 0);

  /* Two hours on: both buckets, and the hour from them. */
  maintain_all (store, B0 + 7200);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_5m"), ==, 2);
  assert_near (value (path, "SELECT uptime_fraction FROM rollups_5m WHERE time = 3600300"),
               100.0 / 300);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_1h"), ==, 1);
  assert_near (value (path, "SELECT energy_wh FROM rollups_1h"), (11 * 100 + 16 * 200) / 3600.0);
  assert_near (value (path, "SELECT power_s FROM rollups_1h"), 300);
  assert_near (value (path, "SELECT hashrate_min FROM rollups_1h"), 90);
  assert_near (value (path, "SELECT hashrate_avg FROM rollups_1h"), (100 + 200) / 2.0);
  assert_near (value (path, "SELECT hashrate_max FROM rollups_1h"), 200);
  assert_near (value (path, "SELECT temperature_max FROM rollups_1h"), 70);
  assert_near (value (path, "SELECT uptime_fraction FROM rollups_1h"), (1.0 + 1.0 / 3) / 12);
  assert_near (value (path, "SELECT accepted FROM rollups_1h"), 10);
  /* Raw readings are within 48 h: all kept. */
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 4);

  /* The chart queries over the same data. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) raw = hf_store_series (store, "192.0.2.40", B0, B0 + 7200,
                                             HF_RESOLUTION_RAW, NULL, &error);
    g_autoptr(GArray) five = hf_store_series (store, "192.0.2.40", B0, B0 + 7200,
                                              HF_RESOLUTION_5M, NULL, &error);
    g_autoptr(GArray) fleet = hf_store_fleet_series (store, B0, B0 + 7200, HF_RESOLUTION_1H,
                                                     &error);
    g_autoptr(GArray) none = hf_store_series (store, "192.0.2.99", B0, B0 + 7200,
                                              HF_RESOLUTION_RAW, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (raw->len, ==, 4);
    assert_near (g_array_index (raw, HfSeriesPoint, 2).hashrate_ghs, 90);
    g_assert_true (isnan (g_array_index (raw, HfSeriesPoint, 2).power_w));  /* unknown */
    g_assert_cmpuint (five->len, ==, 2);
    g_assert_cmpint (g_array_index (five, HfSeriesPoint, 0).time, ==, B0);
    assert_near (g_array_index (five, HfSeriesPoint, 0).hashrate_ghs, 100);
    assert_near (g_array_index (five, HfSeriesPoint, 1).hashrate_ghs, 200);
    g_assert_cmpuint (fleet->len, ==, 1);
    assert_near (g_array_index (fleet, HfSeriesPoint, 0).hashrate_ghs, 150);
    assert_near (g_array_index (fleet, HfSeriesPoint, 0).temperature_c, 70);
    g_assert_cmpuint (none->len, ==, 0);
  }

  /* The same on a worker thread's connection. */
  {
    g_autoptr(GCancellable) cancelled = g_cancellable_new ();
    SeriesResult raw = { 0, }, fleet = { 0, }, automatic = { 0, }, gone = { 0, };

    series_async (store, "192.0.2.40", HF_RESOLUTION_RAW, NULL, &raw);
    g_assert_no_error (raw.error);
    g_assert_cmpuint (raw.points->len, ==, 4);
    assert_near (g_array_index (raw.points, HfSeriesPoint, 2).hashrate_ghs, 90);
    g_assert_cmpint (raw.used, ==, HF_RESOLUTION_RAW);

    series_async (store, NULL, HF_RESOLUTION_1H, NULL, &fleet);
    g_assert_no_error (fleet.error);
    g_assert_cmpuint (fleet.points->len, ==, 1);
    assert_near (g_array_index (fleet.points, HfSeriesPoint, 0).hashrate_ghs, 150);
    assert_near (g_array_index (fleet.points, HfSeriesPoint, 0).temperature_c, 70);

    /* 1970 is older than raw and 5-minute retention: hourly. */
    series_async (store, "192.0.2.40", HF_RESOLUTION_AUTO, NULL, &automatic);
    g_assert_no_error (automatic.error);
    g_assert_cmpint (automatic.used, ==, HF_RESOLUTION_1H);
    g_assert_cmpuint (automatic.points->len, ==, 1);
    assert_near (g_array_index (automatic.points, HfSeriesPoint, 0).hashrate_ghs, 150);

    g_cancellable_cancel (cancelled);
    series_async (store, "192.0.2.40", HF_RESOLUTION_RAW, cancelled, &gone);
    g_assert_error (gone.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (gone.points);

    g_array_unref (raw.points);
    g_array_unref (fleet.points);
    g_array_unref (automatic.points);
    g_error_free (gone.error);
  }

  /* Idempotent: running again changes nothing. */
  maintain_all (store, B0 + 7200);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_5m"), ==, 2);
  assert_near (value (path, "SELECT hashrate_avg FROM rollups_1h"), 150);
}

static void
test_retention (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(HfStore) store = hf_store_open (path, NULL);

  hf_store_set_retention (store, 3600, 7200, 0);
  write_samples (store);
  maintain_all (store, B0 + 10 * 3600);

  /* Raw and 5-minute rows are past their retention (and rolled up): gone.
   * The hour stays forever. */
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 0);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_5m"), ==, 0);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_1h"), ==, 1);
  assert_near (value (path, "SELECT hashrate_max FROM rollups_1h"), 200);
  /* The miner itself stays. */
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 1);
}

/* Upkeep on its worker thread: the same roll-ups as step by step, while the
 * main thread goes on writing cycles in between its steps. */
typedef struct
{
  gboolean done;
  guint    steps;
  GError  *error;
} MaintainResult;

static void
maintained_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  MaintainResult *r = user_data;

  hf_store_maintain_finish (HF_STORE (source), result, &r->steps, &r->error);
  r->done = TRUE;
}

static void
test_upkeep_thread (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(HfStore) store = hf_store_open (path, NULL);
  g_autoptr(GPtrArray) miners = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *fill = NULL;
  MaintainResult result = { 0, };
  const gint64 hours = 6, end = B0 + hours * 3600;
  guint cycles = 0;

  hf_store_set_poll_interval (store, 15);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *ip = g_strdup_printf ("192.0.2.%u", i + 1);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:03:%02X", i);
      g_ptr_array_add (miners, miner_with_reading (ip, mac, 1000, B0));
    }
  g_assert_true (hf_store_add_readings (store, (HfMiner **) miners->pdata, miners->len, NULL));
  /* Six hours at 15 s: in each 5 minutes the hashrate runs 1000 … 1019. */
  fill = g_strdup_printf (
    "WITH RECURSIVE t(x) AS (SELECT %d UNION ALL SELECT x + 15 FROM t WHERE x + 15 < %"
    G_GINT64_FORMAT ") INSERT OR REPLACE INTO readings SELECT m.id, t.x, 1000 + (t.x %% 300) / 15, "
    "NULL, NULL, 60, NULL, NULL, 17.5, 1, NULL, NULL, NULL, NULL, NULL, NULL, t.x / 15, 0, NULL, "
    "NULL, NULL, NULL, NULL FROM t, miners m", B0, end);
  g_assert_cmpint (sqlite3_exec (_hf_store_get_db (store), fill, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 20 * hours * 240);

  /* The last bucket is rolled once the gap limit (60 s at a 15 s poll
   * interval) has passed after it. */
  hf_store_maintain_async (store, end + 60, NULL, maintained_cb, &result);
  while (!result.done)
    {
      for (guint i = 0; i < miners->len; i++)
        {
          g_autoptr(HfReading) r = hf_reading_copy (hf_miner_get_reading (miners->pdata[i]));

          r->timestamp = (end + cycles) * G_USEC_PER_SEC;
          hf_miner_set_reading (miners->pdata[i], r);
        }
      g_assert_true (hf_store_add_readings (store, (HfMiner **) miners->pdata, miners->len, NULL));
      cycles++;
      /* A cycle every 2 ms: far more often than any real fleet. */
      g_usleep (2000);
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_no_error (result.error);

  /* 72 buckets of 5 minutes and 6 hours per miner, one step per slice. */
  g_assert_cmpuint (result.steps, >=, 72 + 6);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_5m"), ==, 20 * hours * 12);
  g_assert_cmpint (count (path, "SELECT count(*) FROM rollups_1h"), ==, 20 * hours);
  assert_near (value (path, "SELECT MIN (hashrate_min) FROM rollups_5m"), 1000);
  assert_near (value (path, "SELECT MAX (hashrate_max) FROM rollups_5m"), 1019);
  assert_near (value (path, "SELECT AVG (hashrate_avg) FROM rollups_5m"), 1009.5);
  assert_near (value (path, "SELECT MIN (hashrate_avg) FROM rollups_1h"), 1009.5);
  assert_near (value (path, "SELECT MAX (uptime_fraction) FROM rollups_1h"), 1.0);
  /* Every cycle written meanwhile is there: none was refused as busy. */
  g_assert_cmpuint (cycles, >=, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==,
                   20 * hours * 240 + 20 * cycles);

  /* Cancelled before it starts: no step runs. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *other = temp_db ();
    g_autoptr(HfStore) fresh = hf_store_open (other, NULL);
    MaintainResult cancelled = { 0, };

    g_assert_true (hf_store_add_readings (fresh, (HfMiner **) miners->pdata, miners->len, NULL));
    g_cancellable_cancel (cancellable);
    hf_store_maintain_async (fresh, end + 7200, cancellable, maintained_cb, &cancelled);
    while (!cancelled.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (cancelled.steps, ==, 0);
    g_assert_cmpint (count (other, "SELECT count(*) FROM rollups_5m"), ==, 0);
    g_clear_error (&cancelled.error);
  }
}

/* A cycle written on the worker thread: what the miners held when it was
 * asked for, even if the main loop changes them at once. */
typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} WriteResult;

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  WriteResult *w = user_data;

  w->ok = hf_store_add_readings_finish (HF_STORE (source), result, &w->error);
  w->done = TRUE;
}

static void forgotten_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
test_add_readings_async (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(HfStore) store = hf_store_open (path, NULL);
  g_autoptr(GPtrArray) miners = g_ptr_array_new_with_free_func (g_object_unref);
  WriteResult first = { 0, };

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *ip = g_strdup_printf ("192.0.2.%u", i + 1);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:04:%02X", i);
      g_ptr_array_add (miners, miner_with_reading (ip, mac, 1000 + i, 7000));
    }
  hf_store_add_readings_async (store, (HfMiner **) miners->pdata, miners->len, NULL,
                               written_cb, &first);
  /* The main loop moves on before the worker writes. */
  for (guint i = 0; i < miners->len; i++)
    {
      g_autoptr(HfReading) r = hf_reading_copy (hf_miner_get_reading (miners->pdata[i]));
      r->hashrate_ghs = 1;
      r->timestamp = (gint64) 7015 * G_USEC_PER_SEC;
      hf_miner_set_reading (miners->pdata[i], r);
      hf_miner_set_hostname (miners->pdata[i], "renamed");
    }
  hf_test_wait_for (&first.done, 5000);
  g_assert_no_error (first.error);
  g_assert_true (first.ok);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 50);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings WHERE time = 7000"), ==, 50);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings WHERE time = 7015"), ==, 0);
  g_assert_cmpint (count (path, "SELECT SUM (hashrate) FROM readings"), ==, 50 * 1000 + 49 * 50 / 2);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE hostname = 'renamed'"), ==, 0);

  /* A miner removed while a write of it is on its way stays removed. */
  {
    WriteResult second = { 0, }, removed = { 0, };

    hf_store_add_readings_async (store, (HfMiner **) miners->pdata, miners->len, NULL,
                                 written_cb, &second);
    hf_store_forget_miner_async (store, miners->pdata[7], FALSE, NULL, forgotten_cb, &removed);
    hf_test_wait_for (&second.done, 5000);
    hf_test_wait_for (&removed.done, 5000);
    g_assert_true (removed.ok);
    g_assert_no_error (second.error);
    g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 49);
    g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE address = '192.0.2.8'"), ==, 0);
    g_assert_cmpint (count (path, "SELECT count(*) FROM readings WHERE time = 7015"), ==, 49);
  }
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  WriteResult *w = user_data;

  w->ok = hf_store_save_miners_finish (HF_STORE (source), result, &w->error);
  w->done = TRUE;
}

static void
forgotten_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WriteResult *w = user_data;

  w->ok = hf_store_forget_miner_finish (HF_STORE (source), result, &w->error);
  w->done = TRUE;
}

/* Removing on the worker: the rows go (or are marked removed, with their
 * history), a write on its way at the same time does not bring the miner
 * back, and a process about to exit can wait for all of it. */
static void
test_forget_async (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(HfStore) store = hf_store_open (path, NULL);
  g_autoptr(GPtrArray) miners = g_ptr_array_new_with_free_func (g_object_unref);
  WriteResult write = { 0, }, gone = { 0, }, kept = { 0, }, racing = { 0, };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *ip = g_strdup_printf ("192.0.2.%u", i + 1);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:05:%02X", i);
      g_ptr_array_add (miners, miner_with_reading (ip, mac, 1000 + i, 7000));
    }
  g_assert_true (hf_store_add_readings (store, (HfMiner **) miners->pdata, miners->len, NULL));

  hf_store_forget_miner_async (store, miners->pdata[0], FALSE, NULL, forgotten_cb, &gone);
  hf_store_forget_miner_async (store, miners->pdata[1], TRUE, NULL, forgotten_cb, &kept);
  hf_test_flush_store (NULL, store);
  hf_test_wait_for (&gone.done, 5000);
  hf_test_wait_for (&kept.done, 5000);
  g_assert_no_error (gone.error);
  g_assert_no_error (kept.error);
  g_assert_true (gone.ok && kept.ok);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE address = '192.0.2.1'"), ==, 0);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings WHERE hashrate = 1000"), ==, 0);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE address = '192.0.2.2' "
                                "AND removed IS NOT NULL"), ==, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings WHERE hashrate = 1001"), ==, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE removed IS NULL"), ==, 1);

  /* A cycle's write asked for before the removal, in whichever order the
   * two run: the miner stays removed. */
  hf_store_add_readings_async (store, (HfMiner **) miners->pdata + 2, 1, NULL, written_cb, &write);
  hf_store_forget_miner_async (store, miners->pdata[2], FALSE, NULL, forgotten_cb, &racing);
  hf_test_flush_store (NULL, store);
  hf_test_wait_for (&write.done, 5000);
  hf_test_wait_for (&racing.done, 5000);
  g_assert_no_error (write.error);
  g_assert_no_error (racing.error);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE address = '192.0.2.3'"), ==, 0);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings WHERE hashrate = 1002"), ==, 0);

  /* Saved, removed, saved again (a user who adds a miner back at once):
   * run in that order, the miner is there at the end. */
  {
    g_autoptr(HfMiner) back = miner_with_reading ("192.0.2.9", "02:00:00:00:05:09", 1009, 7000);
    WriteResult saved = { 0, }, removed = { 0, }, again = { 0, };

    hf_store_save_miners_async (store, &back, 1, NULL, saved_cb, &saved);
    hf_store_forget_miner_async (store, back, FALSE, NULL, forgotten_cb, &removed);
    hf_store_save_miners_async (store, &back, 1, NULL, saved_cb, &again);
    hf_test_flush_store (NULL, store);
    hf_test_wait_for (&again.done, 5000);
    g_assert_true (saved.done && removed.done);
    g_assert_no_error (saved.error);
    g_assert_no_error (again.error);
    g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE address = '192.0.2.9'"), ==, 1);
  }
}

/* A miner removed while its cycle runs (its reading already taken) is
 * not written back at the end of the cycle: its removal stays. */
static void
test_recorder_removed_mid_cycle (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(HfStore) store = hf_store_open (path, NULL);
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfRecorder) recorder = hf_recorder_new (fleet, store);
  g_autoptr(HfMiner) kept = miner_with_reading ("192.0.2.11", "02:00:00:00:06:01", 1100, 7000);
  g_autoptr(HfMiner) gone = miner_with_reading ("192.0.2.12", "02:00:00:00:06:02", 1200, 7000);
  WriteResult removed = { 0, };

  hf_fleet_add (fleet, kept);
  hf_fleet_add (fleet, gone);
  /* The cycle reads both, then the user removes one before it ends. */
  g_signal_emit_by_name (fleet, "reading", kept, hf_miner_get_reading (kept));
  g_signal_emit_by_name (fleet, "reading", gone, hf_miner_get_reading (gone));
  hf_fleet_remove (fleet, gone);
  hf_store_forget_miner_async (store, gone, FALSE, NULL, forgotten_cb, &removed);
  g_signal_emit_by_name (fleet, "cycle-finished", 2u, 2u, 10u);

  hf_test_flush_store (recorder, store);
  hf_test_wait_for (&removed.done, 5000);
  g_assert_cmpuint (hf_recorder_get_cycles (recorder), ==, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE address = '192.0.2.11'"), ==, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE address = '192.0.2.12'"), ==, 0);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings WHERE hashrate = 1200"), ==, 0);
}

/* Checkpoints run on a worker thread once the log is large, and the data
 * reaches the database file; a commit never runs one itself. */
static void
test_background_checkpoint (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(HfStore) store = hf_store_open (path, NULL);
  g_autoptr(GPtrArray) miners = g_ptr_array_new_with_free_func (g_object_unref);
  GStatBuf st;
  gint64 deadline;

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *ip = g_strdup_printf ("198.51.100.%u", i % 250 + 1);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:02:%02X:%02X", i / 256, i % 256);
      g_ptr_array_add (miners, miner_with_reading (ip, mac, 1000 + i, 9000));
    }
  /* About 4 MB of readings: well past the 1000-page threshold. */
  for (gint64 t = 0; t < 60 && _hf_store_get_checkpoints (store) == 0; t++)
    {
      for (guint i = 0; i < miners->len; i++)
        {
          g_autoptr(HfReading) r = hf_reading_copy (hf_miner_get_reading (miners->pdata[i]));
          r->timestamp = (9000 + t) * G_USEC_PER_SEC;
          hf_miner_set_reading (miners->pdata[i], r);
        }
      g_assert_true (hf_store_add_readings (store, (HfMiner **) miners->pdata, miners->len,
                                            NULL));
      g_main_context_iteration (NULL, FALSE);
    }
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (_hf_store_get_checkpoints (store) == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (_hf_store_get_checkpoints (store), >=, 1);
  /* The main file now holds the data (it was one 4 KiB page before). */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 64 * 1024);
}

/* A full disk: writes fail with a clear error, nothing half-written, and
 * they work again once there is room.  (As root, a read-only file cannot be
 * simulated with permissions; SQLite's page limit is a full disk to it.) */
static void
test_disk_full (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  sqlite3 *db = _hf_store_get_db (store);
  g_autoptr(GPtrArray) miners = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 before;

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *ip = g_strdup_printf ("192.0.2.%u", i + 1);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:01:%02X", i);
      g_ptr_array_add (miners, miner_with_reading (ip, mac, 1000 + i, 5000));
    }
  g_assert_true (hf_store_add_readings (store, (HfMiner **) miners->pdata, 10, &error));
  before = count (path, "SELECT count(*) FROM readings");

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA max_page_count = 8", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_false (hf_store_add_readings (store, (HfMiner **) miners->pdata, miners->len,
                                         &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "full"));
  g_clear_error (&error);
  /* The failed cycle left nothing behind. */
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, before);

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA max_page_count = 1000000", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_true (hf_store_add_readings (store, (HfMiner **) miners->pdata, miners->len,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings"), ==, 200);
}

static void
test_pool_profiles (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(HfMinerSettings) solo = hf_miner_settings_new ();
  g_autoptr(HfMinerSettings) bad = hf_miner_settings_new ();
  g_autoptr(HfMinerSettings) back = NULL;
  g_auto(GStrv) names = NULL;

  g_assert_no_error (error);
  solo->pool_url = g_strdup ("stratum+tcp://solo.example.org:3333");
  solo->pool_user = g_strdup ("bc1qexample.w1");
  solo->pool_password = g_strdup ("x");
  solo->fallback_pool_url = g_strdup ("stratum+tcp://backup.example.org:3334");
  g_assert_true (hf_store_save_pool_profile (store, "solo", solo, &error));
  g_assert_no_error (error);
  g_assert_true (hf_store_save_pool_profile (store, "another", solo, &error));

  /* A pool address that is not one is refused, nothing saved. */
  bad->pool_url = g_strdup ("https://pool.example.org");
  g_assert_false (hf_store_save_pool_profile (store, "bad", bad, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);

  names = hf_store_list_pool_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "another");
  g_assert_cmpstr (names[1], ==, "solo");

  /* Read back from a new connection: what was saved. */
  g_clear_object (&store);
  store = hf_store_open (path, &error);
  back = hf_store_load_pool_profile (store, "solo", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->pool_url, ==, solo->pool_url);
  g_assert_cmpstr (back->pool_user, ==, "bc1qexample.w1");
  g_assert_cmpstr (back->pool_password, ==, "x");
  g_assert_cmpstr (back->fallback_pool_url, ==, solo->fallback_pool_url);
  g_assert_null (back->fallback_pool_user);

  g_assert_true (hf_store_delete_pool_profile (store, "solo", &error));
  g_assert_null (hf_store_load_pool_profile (store, "solo", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hf_store_delete_pool_profile (store, "solo", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
}

/* Times as people and scripts write them, for --since, --until and the
 * API's since/until. */
static void
test_parse_time (void)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new (local, 2026, 11, 23, 0, 0, 0);
  g_autoptr(GDateTime) eight = g_date_time_new (local, 2026, 11, 23, 8, 0, 0);
  const char *bad[] = { "yesterday", "2026-11-23T8", "2026-13-01", "12:00", "2026-11-23T08:00:x", "" };
  g_autoptr(GError) error = NULL;
  gint64 t = 42;

  g_assert_true (hf_export_parse_time (NULL, &t, &error));
  g_assert_cmpint (t, ==, 42);
  g_assert_true (hf_export_parse_time ("1700000000", &t, &error));
  g_assert_cmpint (t, ==, 1700000000);
  g_assert_true (hf_export_parse_time ("2026-11-23", &t, &error));
  g_assert_cmpint (t, ==, g_date_time_to_unix (midnight));
  g_assert_true (hf_export_parse_time ("2026-11-23T08:00", &t, &error));
  g_assert_cmpint (t, ==, g_date_time_to_unix (eight));
  g_assert_true (hf_export_parse_time ("2026-11-23 08:00", &t, &error));
  g_assert_cmpint (t, ==, g_date_time_to_unix (eight));
  g_assert_true (hf_export_parse_time ("2026-11-23T08:00:00", &t, &error));
  g_assert_cmpint (t, ==, g_date_time_to_unix (eight));
  g_assert_true (hf_export_parse_time ("2026-11-23T08:00Z", &t, &error));
  g_assert_cmpint (t, ==, 1795420800);
  g_assert_true (hf_export_parse_time ("2026-11-23T09:00:30+01:00", &t, &error));
  g_assert_cmpint (t, ==, 1795420830);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;

      g_assert_false (hf_export_parse_time (bad[i], &t, &e));
      g_assert_error (e, HF_ERROR, HF_ERROR_INVALID);
      g_assert_nonnull (strstr (e->message, "2026-11-23"));
    }
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/store/fresh", test_fresh);
  g_test_add_func ("/store/round-trip", test_round_trip);
  g_test_add_func ("/store/api-version", test_api_version);
  g_test_add_func ("/store/export-formulas", test_export_formulas);
  g_test_add_func ("/store/parse-time", test_parse_time);
  g_test_add_func ("/store/identity-and-forget", test_identity_and_forget);
  g_test_add_func ("/store/not-a-database", test_not_a_database);
  g_test_add_func ("/store/corrupt-database", test_corrupt_database);
  g_test_add_func ("/store/newer-version-refused", test_newer_version_refused);
  g_test_add_func ("/store/migrations", test_migrations);
  g_test_add_func ("/store/events", test_events);
  g_test_add_func ("/store/label-survives-reload", test_label_survives_reload);
  g_test_add_func ("/store/pool-profiles", test_pool_profiles);
  g_test_add_func ("/store/rollups", test_rollups);
  g_test_add_func ("/store/retention", test_retention);
  g_test_add_func ("/store/upkeep-thread", test_upkeep_thread);
  g_test_add_func ("/store/add-readings-async", test_add_readings_async);
  g_test_add_func ("/store/forget-async", test_forget_async);
  g_test_add_func ("/store/recorder-removed-mid-cycle", test_recorder_removed_mid_cycle);
  g_test_add_func ("/store/disk-full", test_disk_full);
  g_test_add_func ("/store/background-checkpoint", test_background_checkpoint);

  return g_test_run ();
}
