/* test-groups.c — groups of miners: the store (a real SQLite file), the
 * in-memory HfGroups, and a session keeping them across a restart
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <sqlite3.h>

#include "hf-error.h"
#include "hf-groups.h"
#include "hf-session.h"
#include "hf-store-groups.h"
#include "hf-store-private.h"
#include "hf-test-utils.h"

static char *
temp_db (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-groups-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "hashfleet.db", NULL);
}

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

static HfMiner *
miner (const char *address,
       const char *mac)
{
  HfMiner *m = hf_miner_new (address, HF_FAMILY_AXEOS);

  if (mac != NULL)
    hf_miner_set_mac (m, mac);
  return m;
}

/* Any async call's end: sets *@user_data. */
static void
flag_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

static HfStoreGroup *
group_named (GPtrArray  *groups,
             const char *name)
{
  for (guint i = 0; i < groups->len; i++)
    if (g_str_equal (((HfStoreGroup *) groups->pdata[i])->name, name))
      return groups->pdata[i];
  return NULL;
}

static void
test_store_round_trip (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(HfMiner) a = miner ("192.0.2.1", "02:00:00:00:00:01");
  g_autoptr(HfMiner) b = miner ("192.0.2.2", NULL);
  g_autoptr(HfMiner) c = miner ("192.0.2.3", "02:00:00:00:00:03");
  HfMiner *ab[] = { a, b };
  HfMiner *ac[] = { a, c };
  g_autoptr(GPtrArray) groups = NULL;
  HfStoreGroup *g;

  g_assert_no_error (error);
  g_assert_true (hf_store_save_miner (store, a, &error));
  g_assert_true (hf_store_change_group (store, HF_GROUP_CHANGE_CREATE, "garage", NULL, NULL, 0,
                                        &error));
  /* The same name in another case is the same group. */
  g_assert_false (hf_store_change_group (store, HF_GROUP_CHANGE_CREATE, "GARAGE", NULL, NULL,
                                         0, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  /* b is not in the store yet: it is saved as it joins. */
  g_assert_true (hf_store_change_group (store, HF_GROUP_CHANGE_ADD, "Garage", NULL, ab, 2,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 2);
  g_assert_true (hf_store_change_group (store, HF_GROUP_CHANGE_SET, "heaters", NULL, ac, 2,
                                        &error));
  g_assert_false (hf_store_change_group (store, HF_GROUP_CHANGE_ADD, "nowhere", NULL, ab, 2,
                                         &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (count (path, "SELECT count(*) FROM group_members"), ==, 4);

  groups = hf_store_load_groups (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 2);
  g_assert_cmpstr (((HfStoreGroup *) groups->pdata[0])->name, ==, "garage");
  g = group_named (groups, "garage");
  g_assert_cmpuint (g_strv_length (g->keys), ==, 2);
  g_assert_cmpstr (g->keys[0], ==, "02:00:00:00:00:01");
  g_assert_cmpstr (g->keys[1], ==, "192.0.2.2");          /* no identity: its address */
  g_assert_cmpstr (g->addresses[1], ==, "192.0.2.2");
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* Rename (onto another group's name: refused), remove a member, delete. */
  g_assert_false (hf_store_change_group (store, HF_GROUP_CHANGE_RENAME, "garage", "Heaters",
                                         NULL, 0, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (hf_store_change_group (store, HF_GROUP_CHANGE_RENAME, "garage", "Shed", NULL,
                                        0, &error));
  g_assert_true (hf_store_change_group (store, HF_GROUP_CHANGE_REMOVE, "shed", NULL, &a, 1,
                                        &error));
  groups = hf_store_load_groups (store, &error);
  g = group_named (groups, "Shed");
  g_assert_nonnull (g);
  g_assert_cmpuint (g_strv_length (g->keys), ==, 1);
  g_assert_cmpstr (g->keys[0], ==, "192.0.2.2");
  g_clear_pointer (&groups, g_ptr_array_unref);
  g_assert_true (hf_store_change_group (store, HF_GROUP_CHANGE_DELETE, "SHED", NULL, NULL, 0,
                                        &error));
  g_assert_cmpint (count (path, "SELECT count(*) FROM groups"), ==, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM group_members"), ==, 2);
  /* The miners stay. */
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 3);
}

/* Forgetting a miner drops its memberships: deleted (the foreign key
 * cascades) or kept with its history. */
static void
test_store_forget_cascades (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (path, &error);
  g_autoptr(HfMiner) a = miner ("192.0.2.1", "02:00:00:00:00:01");
  g_autoptr(HfMiner) b = miner ("192.0.2.2", "02:00:00:00:00:02");
  HfMiner *ab[] = { a, b };
  g_autoptr(GPtrArray) groups = NULL;
  gboolean done = FALSE;

  g_assert_true (hf_store_change_group (store, HF_GROUP_CHANGE_SET, "garage", NULL, ab, 2,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (path, "SELECT count(*) FROM group_members"), ==, 2);
  g_assert_true (hf_store_forget_miner (store, a, FALSE, &error));
  g_assert_cmpint (count (path, "SELECT count(*) FROM group_members"), ==, 1);
  g_assert_true (hf_store_forget_miner (store, b, TRUE, &error));
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners WHERE removed IS NOT NULL"), ==, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM group_members"), ==, 0);
  groups = hf_store_load_groups (store, &error);
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpuint (g_strv_length (((HfStoreGroup *) groups->pdata[0])->keys), ==, 0);

  /* The same on the writer, in turn. */
  hf_store_change_group_async (store, HF_GROUP_CHANGE_ADD, "garage", NULL, ab, 2, NULL,
                               NULL, NULL);
  hf_store_forget_miner_async (store, a, FALSE, NULL, NULL, NULL);
  hf_store_flush_async (store, flag_cb,
    &done);
  hf_test_wait_for (&done, 5000);
  g_assert_cmpint (count (path, "SELECT count(*) FROM group_members"), ==, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM group_members gm JOIN miners m "
                                "ON m.id = gm.miner_id WHERE m.mac = '02:00:00:00:00:02'"), ==, 1);
}

/* A database of schema 5 (no groups) migrates to 6 and keeps its miners,
 * readings and profiles; groups then work on it. */
static void
test_store_migration (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) old = _hf_store_open_at_version (path, 5, &error);
  g_autoptr(HfStore) store = NULL;
  g_autoptr(HfMiner) a = miner ("192.0.2.1", "02:00:00:00:00:01");
  g_autoptr(HfReading) r = hf_reading_new ();
  g_autoptr(GPtrArray) groups = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (hf_store_get_schema_version (old), ==, 5);
  r->timestamp = 1000 * G_USEC_PER_SEC;
  r->hashrate_ghs = 500;
  hf_miner_set_reading (a, r);
  g_assert_true (hf_store_add_readings (old, &a, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (path, "SELECT count(*) FROM sqlite_master WHERE name = 'groups'"), ==,
                   0);
  g_clear_object (&old);

  store = hf_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hf_store_get_schema_version (store), ==, HF_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 1);
  g_assert_cmpint (count (path, "SELECT count(*) FROM readings WHERE hashrate = 500"), ==, 1);
  g_assert_true (hf_store_change_group (store, HF_GROUP_CHANGE_SET, "garage", NULL, &a, 1,
                                        &error));
  g_assert_no_error (error);
  /* The miner it had, not a new one. */
  g_assert_cmpint (count (path, "SELECT count(*) FROM miners"), ==, 1);
  groups = hf_store_load_groups (store, &error);
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpstr (((HfStoreGroup *) groups->pdata[0])->keys[0], ==, "02:00:00:00:00:01");
}

static void
test_names (void)
{
  static const char *const bad[] = {
    "", " garage", "garage ", "gar\nage", "gar\tage", "a\x7f", "\xff\xfe",
    "zero\xe2\x80\x8bwidth",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 65 */
  };
  static const char *const good[] = {
    "garage", "Heizung Keller", "🔥 heaters", "a/b",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (hf_groups_check_name (bad[i], &error));
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (hf_groups_check_name (good[i], NULL));
  g_assert_false (hf_groups_check_name (NULL, NULL));
}

static void
changed_cb (HfGroups *groups,
            guint    *n)
{
  (*n)++;
}

static void
test_memory (void)
{
  g_autoptr(HfGroups) groups = hf_groups_new ();
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfMiner) a = miner ("192.0.2.1", NULL);
  g_autoptr(HfMiner) b = miner ("192.0.2.2", "02:00:00:00:00:02");
  g_autoptr(HfMiner) c = miner ("192.0.2.3", NULL);
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) of_a = NULL;
  HfMiner *ab[] = { a, b };
  guint changes = 0;

  hf_fleet_add (fleet, a);
  hf_fleet_add (fleet, b);
  hf_fleet_add (fleet, c);
  g_signal_connect (groups, "changed", G_CALLBACK (changed_cb), &changes);
  g_assert_true (hf_groups_create (groups, "heaters", &error));
  g_assert_true (hf_groups_create (groups, "Garage", &error));
  g_assert_false (hf_groups_create (groups, "GARAGE", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (changes, ==, 2);
  names = hf_groups_list (groups);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "Garage");
  g_assert_cmpstr (names[1], ==, "heaters");

  g_assert_true (hf_groups_add (groups, "garage", ab, 2, TRUE, &error));
  members = hf_groups_get_members (groups, "GARAGE", fleet);
  g_assert_cmpuint (members->len, ==, 2);
  g_assert_true (members->pdata[0] == a && members->pdata[1] == b);
  g_clear_pointer (&members, g_ptr_array_unref);
  g_assert_null (hf_groups_get_members (groups, "nowhere", fleet));
  members = hf_groups_get_members (groups, "heaters", fleet);
  g_assert_cmpuint (members->len, ==, 0);
  g_clear_pointer (&members, g_ptr_array_unref);

  /* a joined by its address; once its MAC is known it is still in. */
  hf_miner_set_mac (a, "02:00:00:00:00:01");
  g_assert_true (hf_groups_contains (groups, "garage", a));
  of_a = hf_groups_of_miner (groups, a);
  g_assert_cmpuint (g_strv_length (of_a), ==, 1);
  g_assert_cmpstr (of_a[0], ==, "Garage");

  g_assert_true (hf_groups_rename (groups, "garage", "Shed", &error));
  g_assert_false (hf_groups_rename (groups, "shed", "HEATERS", &error));
  g_clear_error (&error);
  g_assert_false (hf_groups_rename (groups, "shed", "", &error));
  g_clear_error (&error);
  g_assert_true (hf_groups_add (groups, "shed", &a, 1, FALSE, &error));
  g_assert_false (hf_groups_contains (groups, "shed", a));
  hf_groups_forget_miner (groups, b);
  members = hf_groups_get_members (groups, "shed", fleet);
  g_assert_cmpuint (members->len, ==, 0);
  g_assert_true (hf_groups_delete (groups, "SHED", &error));
  g_assert_false (hf_groups_delete (groups, "SHED", &error));
  g_clear_error (&error);
  g_assert_null (hf_groups_lookup (groups, "shed"));
  g_assert_cmpstr (hf_groups_lookup (groups, "HEATERS"), ==, "heaters");
}

/* A group of 500 among 1000 miners: its members and the grid's filter
 * (one lookup per miner) stay cheap. */
static void
test_many (void)
{
  g_autoptr(HfGroups) groups = hf_groups_new ();
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(GPtrArray) half = g_ptr_array_new ();
  gint64 start, took;
  guint n = 0;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", i);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:%02x:%02x", i / 256, i % 256);
      g_autoptr(HfMiner) m = miner (address, i % 3 == 0 ? NULL : mac);
      HfMiner *in = hf_fleet_add (fleet, m);

      if (i % 2 == 0)
        g_ptr_array_add (half, in);
    }
  g_assert_true (hf_groups_set (groups, "half", (HfMiner **) half->pdata, half->len, NULL));
  start = g_get_monotonic_time ();
  for (guint r = 0; r < 100; r++)
    {
      g_autoptr(GPtrArray) members = hf_groups_get_members (groups, "half", fleet);
      n = members->len;
    }
  took = (g_get_monotonic_time () - start) / 100;
  g_assert_cmpuint (n, ==, 500);
  g_test_message ("members of a group of 500 among 1000 miners: %" G_GINT64_FORMAT " µs", took);
  g_assert_cmpint (took, <, 20000);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Wait;

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = hf_session_load_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
changed_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = hf_session_change_group_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
shut_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = hf_session_shutdown_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static HfSession *
load (const char *path)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  HfSession *session = hf_session_new (path, config);
  Wait w = { 0, };

  hf_session_load_async (session, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  return session;
}

static gboolean
change (HfSession     *session,
        HfGroupChange  kind,
        const char    *name,
        const char    *new_name,
        HfMiner      **miners,
        guint          n,
        GError       **error)
{
  Wait w = { 0, };

  hf_session_change_group_async (session, kind, name, new_name, miners, n, NULL,
                                 changed_done_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.ok;
}

static void
end (HfSession *session)
{
  Wait w = { 0, };

  hf_session_shutdown_async (session, 5000, shut_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_true (w.ok);
  g_object_unref (session);
}

static void
test_session_restart (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  HfSession *session = load (path);
  HfFleet *fleet = hf_session_get_fleet (session);
  g_autoptr(HfMiner) a = miner ("192.0.2.1", "02:00:00:00:00:01");
  g_autoptr(HfMiner) b = miner ("192.0.2.2", NULL);
  g_autoptr(HfMiner) c = miner ("192.0.2.3", "02:00:00:00:00:03");
  HfMiner *abc[3];
  g_autoptr(GPtrArray) members = NULL;
  g_auto(GStrv) names = NULL;
  HfMiner *fa, *fb, *fc;

  fa = hf_fleet_add (fleet, a);
  fb = hf_fleet_add (fleet, b);
  fc = hf_fleet_add (fleet, c);
  abc[0] = fa, abc[1] = fb, abc[2] = fc;
  {
    HfMiner *all[] = { fa, fb, fc };
    gboolean saved = FALSE;

    hf_store_save_miners_async (hf_session_get_store (session), all, 3, NULL,
                                flag_cb,
                                &saved);
    hf_test_wait_for (&saved, 5000);
  }
  g_assert_true (change (session, HF_GROUP_CHANGE_CREATE, "garage", NULL, NULL, 0, &error));
  g_assert_false (change (session, HF_GROUP_CHANGE_CREATE, "Garage", NULL, NULL, 0, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (change (session, HF_GROUP_CHANGE_CREATE, "bad\nname", NULL, NULL, 0, &error));
  g_clear_error (&error);
  g_assert_true (change (session, HF_GROUP_CHANGE_ADD, "GARAGE", NULL, abc, 2, &error));
  g_assert_true (change (session, HF_GROUP_CHANGE_SET, "heaters", NULL, abc + 1, 2, &error));
  g_assert_true (change (session, HF_GROUP_CHANGE_RENAME, "heaters", "Heaters", NULL, 0, &error));
  g_assert_true (change (session, HF_GROUP_CHANGE_CREATE, "empty", NULL, NULL, 0, &error));
  g_assert_true (change (session, HF_GROUP_CHANGE_DELETE, "EMPTY", NULL, NULL, 0, &error));
  g_assert_no_error (error);
  end (session);

  /* A new session over the same file has them. */
  session = load (path);
  fleet = hf_session_get_fleet (session);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fleet)), ==, 3);
  names = hf_groups_list (hf_session_get_groups (session));
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "garage");
  g_assert_cmpstr (names[1], ==, "Heaters");
  members = hf_groups_get_members (hf_session_get_groups (session), "garage", fleet);
  g_assert_cmpuint (members->len, ==, 2);
  g_assert_cmpstr (hf_miner_get_address (members->pdata[0]), ==, "192.0.2.1");
  g_assert_cmpstr (hf_miner_get_address (members->pdata[1]), ==, "192.0.2.2");
  g_clear_pointer (&members, g_ptr_array_unref);

  /* Removing a miner takes it out of its groups, in memory and in the file. */
  {
    HfMiner *b2 = hf_fleet_lookup_address (fleet, "192.0.2.2");
    gboolean removed = FALSE;

    hf_session_remove_async (session, b2, FALSE, NULL, flag_cb,
                             &removed);
    hf_test_wait_for (&removed, 5000);
  }
  members = hf_groups_get_members (hf_session_get_groups (session), "heaters", fleet);
  g_assert_cmpuint (members->len, ==, 1);
  g_assert_cmpstr (hf_miner_get_address (members->pdata[0]), ==, "192.0.2.3");
  end (session);
  g_assert_cmpint (count (path, "SELECT count(*) FROM group_members"), ==, 2);
}

/* Without a store, groups live in memory. */
static void
test_session_no_store (void)
{
  HfSession *session = load (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  g_assert_true (change (session, HF_GROUP_CHANGE_CREATE, "garage", NULL, NULL, 0, &error));
  g_assert_no_error (error);
  names = hf_groups_list (hf_session_get_groups (session));
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  end (session);
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/groups/store-round-trip", test_store_round_trip);
  g_test_add_func ("/groups/store-forget-cascades", test_store_forget_cascades);
  g_test_add_func ("/groups/store-migration-from-5", test_store_migration);
  g_test_add_func ("/groups/names", test_names);
  g_test_add_func ("/groups/memory", test_memory);
  g_test_add_func ("/groups/many", test_many);
  g_test_add_func ("/groups/session-restart", test_session_restart);
  g_test_add_func ("/groups/session-no-store", test_session_no_store);
  return g_test_run ();
}
