/* test-session.c — HfSession against hashfleet-sim and a real SQLite file
 * SPDX-License-Identifier: MIT
 *
 * What every face relies on, once: load and restore, discover (found
 * miners added and saved, cancel, one at a time), add one address, remove
 * with and without history, restart, settings checked in a later reading
 * (applied, applied after restart, not applied), and a shutdown that
 * leaves nothing it was asked to write behind.
 */
#include <stdio.h>
#include <string.h>

#include "hf-error.h"
#include "hf-miner-json.h"
#include "hf-session.h"
#include "hf-store-export.h"
#include "hf-targets.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18960
#define CGMINER_PORT 14960

static const char fleet_config[] =
  "[fleet]\nhttp-port=18960\ncgminer-port=14960\nstatic=true\nrestart-seconds=1\n"
  "[miner 127.0.54.2]\nprofile=gamma\n"
  "[miner 127.0.54.3]\nprofile=s19pro\n"
  "[miner 127.0.54.4]\nprofile=nano3s\n"
  "[miner 127.0.54.5]\nprofile=gamma\n"
  "[miner 127.0.54.6]\nprofile=gamma\nignore-writes=true\n";

static HfTestSim *sim;

typedef struct
{
  gboolean          done;
  gboolean          ok;
  GError           *error;
  HfMiner          *miner;
  gboolean          known;
  HfDiscoverResult *discovered;
  HfApplyOutcome    outcome;
  char             *detail;
  guint             found;
  guint             found_new;
  guint             written;
} Wait;

static void
wait_clear (Wait *w)
{
  g_clear_error (&w->error);
  g_clear_object (&w->miner);
  g_clear_pointer (&w->discovered, hf_discover_result_free);
  g_clear_pointer (&w->detail, g_free);
  w->done = FALSE;
  w->ok = FALSE;
}

static HfConfig *
config_new (void)
{
  HfConfig *config = hf_config_new ();

  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  config->timeout_ms = 1500;
  config->connect_timeout_ms = 1000;
  return config;
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_load_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
discovered_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->discovered = hf_session_discover_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
added_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->miner = hf_session_add_finish (HF_SESSION (source), result, &w->known, &w->error);
  w->done = TRUE;
}

static void
removed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_remove_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
restarted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_restart_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
applied_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->outcome = hf_session_apply_finish (HF_SESSION (source), result, &w->detail, &w->error);
  w->done = TRUE;
}

static void
shut_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_shutdown_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
found_cb (HfSession *session, HfMiner *miner, gboolean is_new, Wait *w)
{
  w->found++;
  w->found_new += is_new;
}

static void
written_cb (HfSession *session, HfMiner *miner, Wait *w)
{
  w->written++;
}

static HfSession *
session_new (const char *db)
{
  g_autoptr(HfConfig) config = config_new ();
  HfSession *session = hf_session_new (db, config);
  Wait w = { 0 };

  hf_session_load_async (session, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  g_assert_true (hf_session_get_loaded (session));
  return session;
}

static void
shutdown (HfSession *session)
{
  Wait w = { 0 };

  hf_session_shutdown_async (session, 5000, shut_cb, &w);
  hf_test_wait_for (&w.done, 6000);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
}

static GArray *
targets (const char *spec)
{
  const char *specs[] = { spec, NULL };
  g_autoptr(GError) error = NULL;
  GArray *ranges = hf_targets_parse (specs, FALSE, &error);

  g_assert_no_error (error);
  return ranges;
}

/* Rows of history for @address in the file (a separate connection). */
static guint
stored_rows (const char *db,
             const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (db, &error);
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&text, &size);
  gint64 n;

  g_assert_no_error (error);
  n = hf_store_export (store, out, HF_EXPORT_JSON, address, 0, 0, HF_RESOLUTION_RAW, &error);
  fclose (out);
  free (text);
  g_assert_no_error (error);
  return (guint) n;
}

static guint
stored_miners (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (db, &error);
  g_autoptr(GPtrArray) miners = hf_store_load_fleet (store, &error);

  g_assert_no_error (error);
  return miners->len;
}

static void
cycle_done_cb (HfFleet *fleet, guint polled, guint answered, guint elapsed, gboolean *done)
{
  *done = TRUE;
}

static void
run_cycle (HfSession *session)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (hf_session_get_fleet (session), "cycle-finished",
                                G_CALLBACK (cycle_done_cb), &done);

  g_assert_true (hf_session_refresh (session));
  hf_test_wait_for (&done, 5000);
  g_signal_handler_disconnect (hf_session_get_fleet (session), id);
}

/* Discover adds and saves; a second discover of the same range adds
 * nothing new; a new session restores what was found, offline. */
static void
test_discover_and_restore (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-session-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autoptr(HfSession) session = session_new (db);
  g_autoptr(GArray) ranges = targets ("127.0.54.2-127.0.54.9");
  Wait w = { 0 };

  g_signal_connect (session, "discover-found", G_CALLBACK (found_cb), &w);
  hf_session_discover_async (session, ranges, NULL, discovered_cb, &w);
  g_assert_true (hf_session_get_discovering (session));
  hf_test_wait_for (&w.done, 15000);
  g_assert_no_error (w.error);
  g_assert_false (hf_session_get_discovering (session));
  g_assert_cmpuint (w.discovered->summary->found, ==, 5);
  g_assert_cmpuint (w.discovered->added, ==, 5);
  g_assert_cmpuint (w.found, ==, 5);
  g_assert_cmpuint (w.found_new, ==, 5);
  g_assert_cmpuint (hf_fleet_get_total_count (hf_session_get_fleet (session)), ==, 5);

  /* Again: found, none new. */
  wait_clear (&w);
  w.found = w.found_new = 0;
  hf_session_discover_async (session, ranges, NULL, discovered_cb, &w);
  hf_test_wait_for (&w.done, 15000);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.discovered->added, ==, 0);
  g_assert_cmpuint (w.found, ==, 5);
  g_assert_cmpuint (w.found_new, ==, 0);
  wait_clear (&w);
  shutdown (session);
  g_clear_object (&session);

  g_assert_cmpuint (stored_miners (db), ==, 5);
  session = session_new (db);
  g_assert_cmpuint (hf_fleet_get_total_count (hf_session_get_fleet (session)), ==, 5);
  {
    HfMiner *m = hf_fleet_lookup_address (hf_session_get_fleet (session), "127.0.54.3");

    g_assert_nonnull (m);
    g_assert_false (hf_miner_get_online (m));
    g_assert_cmpint (hf_miner_get_family (m), ==, HF_FAMILY_ANTMINER);
  }
  shutdown (session);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* One discovery at a time; cancelling ends it at once. */
static void
test_discover_cancel (void)
{
  g_autoptr(HfSession) session = session_new (NULL);
  g_autoptr(GArray) ranges = targets ("127.0.55.0/22");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait w = { 0 }, second = { 0 };
  gint64 start;

  hf_session_discover_async (session, ranges, cancellable, discovered_cb, &w);
  hf_session_discover_async (session, ranges, NULL, discovered_cb, &second);
  hf_test_wait_for (&second.done, 1000);
  g_assert_error (second.error, G_IO_ERROR, G_IO_ERROR_PENDING);
  wait_clear (&second);

  /* Soon: on an idle machine every address of the /22 refuses within
   * 50 ms, and a discovery already ended cannot be cancelled. */
  g_timeout_add (2, cancel_cb, cancellable);
  hf_test_wait_for (&w.done, 200);
  start = g_get_monotonic_time ();
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (hf_session_get_discovering (session));
  g_test_message ("cancelled discovery ended %" G_GINT64_FORMAT " µs after", g_get_monotonic_time () - start);
  wait_clear (&w);
  shutdown (session);
}

/* Add one address: identified, in the fleet and the store; asked again,
 * known; nothing there, an error that says so. */
static void
test_add (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-session-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autoptr(HfSession) session = session_new (db);
  Wait w = { 0 };

  hf_session_add_async (session, "127.0.54.4", 0, 0, NULL, added_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  g_assert_false (w.known);
  g_assert_cmpint (hf_miner_get_family (w.miner), ==, HF_FAMILY_AVALON);
  g_assert_true (hf_fleet_lookup_address (hf_session_get_fleet (session), "127.0.54.4") == w.miner);
  g_assert_cmpuint (hf_miner_get_capabilities (w.miner) & HF_CAP_WORK_MODE, !=, 0);
  wait_clear (&w);

  hf_session_add_async (session, "127.0.54.4", 0, 0, NULL, added_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  g_assert_true (w.known);
  wait_clear (&w);

  hf_session_add_async (session, "127.0.54.9", 0, 0, NULL, added_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_null (w.miner);
  g_assert_true (hf_error_is_connect (w.error)
                 || g_error_matches (w.error, HF_ERROR, HF_ERROR_TIMEOUT));
  wait_clear (&w);
  shutdown (session);
  g_assert_cmpuint (stored_miners (db), ==, 1);
}

/* Remove keeping history: the readings stay; without: they go. */
static void
test_remove (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-session-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autoptr(HfSession) session = session_new (db);
  const char *addresses[] = { "127.0.54.2", "127.0.54.5" };
  HfMiner *miners[2];
  Wait w = { 0 };

  for (guint i = 0; i < 2; i++)
    {
      hf_session_add_async (session, addresses[i], 0, 0, NULL, added_cb, &w);
      hf_test_wait_for (&w.done, 5000);
      g_assert_no_error (w.error);
      miners[i] = w.miner;
      w.miner = NULL;
      wait_clear (&w);
    }
  /* Readings are keyed by the second: two cycles, a second apart. */
  run_cycle (session);
  g_usleep (1100 * 1000);
  run_cycle (session);
  /* The cycles' writes are on the worker: the shutdown waits for them. */
  shutdown (session);
  g_assert_cmpuint (stored_rows (db, "127.0.54.2"), ==, 2);
  g_assert_cmpuint (stored_rows (db, "127.0.54.5"), ==, 2);
  g_clear_object (&session);

  session = session_new (db);
  for (guint i = 0; i < 2; i++)
    {
      g_object_unref (miners[i]);
      miners[i] = hf_fleet_lookup_address (hf_session_get_fleet (session), addresses[i]);
      g_assert_nonnull (miners[i]);
    }
  hf_session_remove_async (session, miners[0], TRUE, NULL, removed_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  wait_clear (&w);
  hf_session_remove_async (session, miners[1], FALSE, NULL, removed_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  wait_clear (&w);
  g_assert_cmpuint (hf_fleet_get_total_count (hf_session_get_fleet (session)), ==, 0);
  shutdown (session);

  g_assert_cmpuint (stored_miners (db), ==, 0);
  g_assert_cmpuint (stored_rows (db, "127.0.54.2"), ==, 2);
  g_assert_cmpuint (stored_rows (db, "127.0.54.5"), ==, 0);
}

static HfMiner *
add (HfSession  *session,
     const char *address)
{
  Wait w = { 0 };
  HfMiner *miner;

  hf_session_add_async (session, address, 0, 0, NULL, added_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  miner = g_steal_pointer (&w.miner);
  g_object_unref (miner);       /* the fleet keeps it */
  return miner;
}

/* Settings: written, then checked in a reading taken after the write. */
static void
test_apply (void)
{
  g_autoptr(HfSession) session = session_new (NULL);
  HfMiner *gamma = add (session, "127.0.54.2");
  HfMiner *stubborn = add (session, "127.0.54.6");
  g_autoptr(HfMinerSettings) st = hf_miner_settings_new ();
  Wait w = { 0 };

  g_signal_connect (session, "settings-written", G_CALLBACK (written_cb), &w);
  st->frequency_mhz = 490;
  hf_session_apply_async (session, gamma, st, HF_APPLY_NONE, NULL, applied_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome, ==, HF_APPLY_APPLIED);
  g_assert_cmpuint (w.written, ==, 1);
  g_assert_cmpfloat (hf_miner_get_reading (gamma)->frequency_mhz, ==, 490);
  wait_clear (&w);

  /* With a restart: the check waits until the miner is back. */
  st->frequency_mhz = 525;
  hf_session_apply_async (session, gamma, st, HF_APPLY_RESTART, NULL, applied_cb, &w);
  hf_test_wait_for (&w.done, 20000);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome, ==, HF_APPLY_APPLIED_AFTER_RESTART);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.54.2", 1, 1000), ==, 1);
  g_assert_false (hf_miner_get_restarting (gamma));
  wait_clear (&w);

  /* A miner that says "ok" and keeps its own value. */
  st->frequency_mhz = 490;
  hf_session_apply_async (session, stubborn, st, HF_APPLY_NONE, NULL, applied_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome, ==, HF_APPLY_NOT_APPLIED);
  g_assert_nonnull (strstr (w.detail, "frequency"));
  {
    g_autofree char *text = hf_apply_outcome_describe (w.outcome, w.detail);
    g_assert_true (g_str_has_prefix (text, "not applied (frequency"));
  }
  wait_clear (&w);

  /* A value the model does not take: refused, nothing sent. */
  st->frequency_mhz = 561;
  hf_session_apply_async (session, gamma, st, HF_APPLY_NONE, NULL, applied_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_cmpuint (w.written, ==, 3);
  wait_clear (&w);
  shutdown (session);
}

static void
test_restart (void)
{
  g_autoptr(HfSession) session = session_new (NULL);
  HfMiner *s19 = add (session, "127.0.54.3");
  guint before = hf_test_sim_events (sim, "restart", "127.0.54.3", 0, 0);
  Wait w = { 0 };

  hf_session_restart_async (session, s19, NULL, restarted_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  g_assert_true (hf_miner_get_restarting (s19));
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.54.3", before + 1, 2000), ==,
                    before + 1);
  wait_clear (&w);
  shutdown (session);
}

/* A removal still on the store's worker and a cycle's readings still to
 * write when the session ends: both reach the file. */
static void
test_shutdown_pending (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-session-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autoptr(HfSession) session = session_new (db);
  HfMiner *a = add (session, "127.0.54.2");
  Wait r = { 0 }, w = { 0 };

  add (session, "127.0.54.5");
  shutdown (session);
  g_clear_object (&session);
  session = session_new (db);
  a = hf_fleet_lookup_address (hf_session_get_fleet (session), "127.0.54.2");
  /* A cycle in flight, then a removal queued, then the end at once. */
  g_assert_true (hf_session_refresh (session));
  hf_session_remove_async (session, a, FALSE, NULL, removed_cb, &r);
  hf_session_shutdown_async (session, 5000, shut_cb, &w);
  hf_test_wait_for (&w.done, 6000);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  /* The removal was done before the shutdown said so. */
  hf_test_wait_for (&r.done, 100);
  g_assert_no_error (r.error);
  g_clear_object (&session);

  g_assert_cmpuint (stored_miners (db), ==, 1);
  g_assert_cmpuint (stored_rows (db, "127.0.54.2"), ==, 0);
}

static void
title_cb (HfAlerts   *alerts,
          HfMiner    *miner,
          int         kind,
          const char *title,
          const char *body,
          GPtrArray  *titles)
{
  g_ptr_array_add (titles, g_strdup (title));
}

/* A hot reading of @miner, as a poll brings one. */
static void
hot_reading (HfSession *session,
             HfMiner   *miner)
{
  g_autoptr(HfReading) r = hf_reading_new ();

  r->timestamp = g_get_real_time ();
  r->temperature_c = 99;
  hf_miner_set_reading (miner, r);
  g_signal_emit_by_name (hf_session_get_fleet (session), "reading", miner, r);
}

/* A reading of @miner with @best as its best difficulty, in @state. */
static void
state_reading (HfSession *session,
               HfMiner   *miner,
               double     best,
               HfState    state)
{
  g_autoptr(HfReading) r = hf_reading_new ();

  r->timestamp = g_get_real_time ();
  r->best_difficulty = best;
  r->paused = state == HF_STATE_PAUSED;
  hf_miner_set_reading (miner, r);
  hf_miner_set_state (miner, state, r->timestamp);
  g_signal_emit_by_name (hf_session_get_fleet (session), "reading", miner, r);
}

/* A name given to a miner is kept and is the one alerts use; what the
 * alerts said survives a restart of the session through the store: a
 * cool-down (it used to say "running hot" again at every start), a best
 * difficulty record, a pause Hashfleet asked for. */
static void
test_names_and_cooldowns (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-session-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "hashfleet.db", NULL);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HfSession) session = NULL;
  HfMiner *miner;

  {
    g_autoptr(HfStore) store = hf_store_open (db, NULL);
    g_autoptr(HfMiner) avalon = hf_miner_new ("127.0.54.70", HF_FAMILY_AVALON);

    hf_miner_set_model (avalon, "Avalon Nano3");
    g_assert_true (hf_store_save_miner (store, avalon, NULL));
  }
  session = session_new (db);
  miner = hf_fleet_lookup_address (hf_session_get_fleet (session), "127.0.54.70");
  g_assert_nonnull (miner);
  /* Unnamed, it goes by its model, in alerts too. */
  g_assert_cmpstr (hf_miner_get_display_name (miner), ==, "Avalon Nano3");
  g_signal_connect (hf_session_get_alerts (session), "alert", G_CALLBACK (title_cb), titles);
  hot_reading (session, miner);
  g_assert_cmpuint (titles->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (titles, 0), ==, "Avalon Nano3 is running hot");
  /* A record (after the first best, which is where it starts), and a
   * pause Hashfleet asks for. */
  state_reading (session, miner, 1000, HF_STATE_HASHING);
  state_reading (session, miner, 5000, HF_STATE_HASHING);
  g_assert_cmpuint (titles->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (titles, 1), ==, "New best difficulty of the fleet: 5k");
  hf_alerts_expect_paused (hf_session_get_alerts (session), miner, TRUE);

  hf_session_set_label (session, miner, "  Garage Avalon ");
  g_assert_cmpstr (hf_miner_get_display_name (miner), ==, "Garage Avalon");
  /* status --json, watch and /api/miners say it too. */
  {
    g_autofree char *line = hf_miner_to_json_line (miner, NULL, NULL);

    g_assert_nonnull (strstr (line, "\"label\":\"Garage Avalon\""));
  }
  shutdown (session);
  g_clear_object (&session);

  /* Started again: its name is back, and the alert is not repeated
   * within the cool-down. */
  g_ptr_array_set_size (titles, 0);
  session = session_new (db);
  miner = hf_fleet_lookup_address (hf_session_get_fleet (session), "127.0.54.70");
  g_assert_cmpstr (hf_miner_get_label (miner), ==, "Garage Avalon");
  g_signal_connect (hf_session_get_alerts (session), "alert", G_CALLBACK (title_cb), titles);
  hot_reading (session, miner);
  g_assert_cmpuint (titles->len, ==, 0);
  /* Below the kept record: no news; paused as asked: no surprise. */
  state_reading (session, miner, 4000, HF_STATE_HASHING);
  state_reading (session, miner, 4000, HF_STATE_PAUSED);
  g_assert_cmpuint (titles->len, ==, 0);
  {
    g_autoptr(HfStore) store = hf_store_open (db, NULL);
    g_autoptr(GHashTable) meta = hf_store_load_meta (store, "alert:", NULL);
    g_autofree char *key = g_strdup_printf ("alert:%s:best", "127.0.54.70");
    gint64 *best = g_hash_table_lookup (meta, key);

    g_assert_nonnull (best);
    g_assert_cmpint (*best, ==, 5000);
  }

  /* Its own name again: the stored one goes too. */
  hf_session_set_label (session, miner, "");
  g_assert_cmpstr (hf_miner_get_display_name (miner), ==, "Avalon Nano3");
  shutdown (session);
  g_clear_object (&session);
  session = session_new (db);
  miner = hf_fleet_lookup_address (hf_session_get_fleet (session), "127.0.54.70");
  g_assert_null (hf_miner_get_label (miner));
  shutdown (session);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  sim = hf_test_sim_start (fleet_config);

  g_test_add_func ("/session/discover-and-restore", test_discover_and_restore);
  g_test_add_func ("/session/discover-cancel", test_discover_cancel);
  g_test_add_func ("/session/add", test_add);
  g_test_add_func ("/session/remove", test_remove);
  g_test_add_func ("/session/apply", test_apply);
  g_test_add_func ("/session/restart", test_restart);
  g_test_add_func ("/session/shutdown-pending", test_shutdown_pending);
  g_test_add_func ("/session/names-and-cooldowns", test_names_and_cooldowns);

  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
