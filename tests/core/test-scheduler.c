/* test-scheduler.c — schedules enforced against hashfleet-sim on loopback
 * SPDX-License-Identifier: MIT
 *
 * With an injected clock (Europe/Berlin, June: UTC+2) and a real SQLite
 * file: schedules kept and listed (miner and group targets); a restarted
 * session brings a miner to its state at once; never two writes to a
 * miner within a minute; a miner offline at switch time is switched when
 * it returns; an override holds until the next switch, across a restart;
 * failures back off and are said once; a preset not among the model's
 * options is refused.  Then the CLI and the HTTP API on the same store.
 */
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "hf-api-server.h"
#include "hf-error.h"
#include "hf-scheduler.h"
#include "hf-session.h"
#include "hf-store-schedules.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18975
#define CGMINER_PORT 14975

static const char fleet_config[] =
  "[fleet]\nhttp-port=18975\ncgminer-port=14975\nstatic=true\nrestart-seconds=2\n"
  "[miner 127.0.55.2]\nprofile=gamma\n"
  "[miner 127.0.55.3]\nprofile=gamma\n"
  "[miner 127.0.55.4]\nprofile=gamma\n"
  "[miner 127.0.55.5]\nprofile=gamma\n"
  "[miner 127.0.55.6]\nprofile=gamma\nignore-writes=true\n"
  "[miner 127.0.55.7]\nprofile=gamma\n"
  "[miner 127.0.55.8]\nprofile=gamma\n"
  "[miner 127.0.55.9]\nprofile=gamma\nignore-writes=true\n";

static HfTestSim *sim;
static GTimeZone *berlin;
static gint64 fake_s;           /* the scheduler's clock, unix seconds */

static gint64
fake_clock (gpointer user_data)
{
  return fake_s * G_USEC_PER_SEC;
}

/* 2026-06-10 at @h:@m:@s in Berlin (CEST). */
static gint64
berlin_time (int d, int h, int m, int s)
{
  g_autoptr(GDateTime) dt = g_date_time_new (berlin, 2026, 6, d, h, m, s);
  return g_date_time_to_unix (dt);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  HfMiner  *miner;
  gint64    id;
  guint     failed;
} Wait;

static void
wait_clear (Wait *w)
{
  g_clear_error (&w->error);
  g_clear_object (&w->miner);
  w->done = FALSE;
  w->ok = FALSE;
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_load_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
added_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  gboolean known;
  w->miner = hf_session_add_finish (HF_SESSION (source), result, &known, &w->error);
  w->done = TRUE;
}

static void
kept_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->id = hf_scheduler_add_finish (HF_SCHEDULER (source), result, &w->error);
  w->done = TRUE;
}

static void
removed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_scheduler_remove_finish (HF_SCHEDULER (source), result, &w->error);
  w->done = TRUE;
}

static void
acted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_act_finish (HF_SESSION (source), result, &w->error);
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
shut_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_shutdown_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
write_failed_cb (HfScheduler *scheduler, HfMiner *miner, const char *message, Wait *w)
{
  w->failed++;
}

static HfSession *
session_new (const char *db)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  HfSession *session;
  HfScheduler *scheduler;
  Wait w = { 0 };

  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  config->timeout_ms = 1500;
  config->connect_timeout_ms = 1000;
  session = hf_session_new (db, config);
  scheduler = hf_session_get_scheduler (session);
  hf_scheduler_set_clock (scheduler, fake_clock, NULL);
  hf_scheduler_set_time_zone (scheduler, berlin);
  hf_session_set_poll_interval (session, 1);
  hf_session_load_async (session, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  /* The schedules are read on a worker once the store is open. */
  while (!hf_scheduler_get_loaded (scheduler))
    g_main_context_iteration (NULL, TRUE);
  return session;
}

static void
shutdown (HfSession *session)
{
  Wait w = { 0 };

  hf_session_shutdown_async (session, 5000, shut_cb, &w);
  hf_test_wait_for (&w.done, 6000);
  g_assert_no_error (w.error);
}

static HfMiner *
add_miner (HfSession *session, const char *address)
{
  Wait w = { 0 };
  HfMiner *miner;

  hf_session_add_async (session, address, 0, 0, NULL, added_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  miner = w.miner;
  g_object_unref (w.miner);     /* the fleet keeps it */
  return miner;
}

static HfSchedule *
schedule_of (const char *days, const char *time, const char *state)
{
  HfSchedule *s = hf_schedule_new ();

  g_assert_true (hf_schedule_parse_days (days, &s->days, NULL));
  g_assert_true (hf_schedule_parse_time_range (time, &s->start_min, &s->end_min, NULL));
  g_assert_true (hf_schedule_parse_state (state, &s->state, NULL));
  return s;
}

static gint64
add_schedule (HfSession *session, HfMiner *miner, const HfSchedule *s, GError **error)
{
  Wait w = { 0 };

  hf_scheduler_add_async (hf_session_get_scheduler (session), s, miner, NULL, kept_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  /* The scheduler reads them again. */
  while (hf_scheduler_get_schedules (hf_session_get_scheduler (session))->len == 0 && w.id != 0)
    g_main_context_iteration (NULL, TRUE);
  return w.id;
}

/* Run the main loop for @ms of real time. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
}

/* Until @miner's reading shows @paused (a write confirmed before the test
 * changes it by hand, as a person would after seeing it). */
static void
wait_paused (HfMiner *miner, gboolean paused)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end
         && (hf_miner_get_reading (miner) == NULL
             || hf_miner_get_reading (miner)->paused != paused))
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  g_assert_nonnull (hf_miner_get_reading (miner));
  g_assert_cmpint (hf_miner_get_reading (miner)->paused, ==, paused);
}

static char *
temp_db (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-scheduler-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "hashfleet.db", NULL);
}

static void
sql (const char *db, const char *text)
{
  sqlite3 *conn = NULL;

  g_assert_cmpint (sqlite3_open (db, &conn), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (conn, text, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (conn);
}

/* Kept, listed, refused, removed. */
static void
test_store (void)
{
  g_autofree char *db = temp_db ();
  g_autoptr(HfSession) session = session_new (db);
  HfMiner *gamma = add_miner (session, "127.0.55.2");
  HfScheduler *scheduler = hf_session_get_scheduler (session);
  g_autoptr(HfSchedule) night = schedule_of ("mon-fri", "22:00-06:00", "paused");
  g_autoptr(HfSchedule) group = schedule_of ("sat,sun", "10:00-12:00", "mode:1");
  g_autoptr(HfSchedule) bad = schedule_of ("daily", "01:00-02:00", "preset:561/1100");
  g_autoptr(HfSchedule) good = schedule_of ("daily", "01:00-02:00", "preset:490/1100");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  gint64 id1, id2, id3;
  Wait w = { 0 };

  id1 = add_schedule (session, gamma, night, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id1, >, 0);

  /* A group that is not there; then one that is. */
  group->group = g_strdup ("garage");
  g_assert_cmpint (add_schedule (session, NULL, group, &error), ==, 0);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  sql (db, "INSERT INTO groups (name, created) VALUES ('Garage', 1)");
  id2 = add_schedule (session, NULL, group, &error);
  g_assert_no_error (error);

  /* A preset the model does not list: refused before anything is kept. */
  g_assert_cmpint (add_schedule (session, gamma, bad, &error), ==, 0);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "561 MHz"));
  g_clear_error (&error);
  id3 = add_schedule (session, gamma, good, &error);
  g_assert_no_error (error);
  /* A pool profile that is not there: refused, nothing kept. */
  {
    g_autoptr(HfSchedule) pool = schedule_of ("daily", "03:00-04:00", "pool:nowhere");

    g_assert_cmpint (add_schedule (session, gamma, pool, &error), ==, 0);
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "nowhere"));
    g_clear_error (&error);
  }

  listed = hf_store_list_schedules (hf_session_get_store (session), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 3);
  {
    HfSchedule *s = g_ptr_array_index (listed, 0);
    HfSchedule *g = g_ptr_array_index (listed, 1);

    g_assert_cmpint (s->id, ==, id1);
    g_assert_cmpstr (s->miner, ==, hf_miner_get_identity_key (gamma));
    g_assert_cmpstr (s->address, ==, "127.0.55.2");
    g_assert_null (s->group);
    g_assert_cmphex (s->days, ==, 0x1f);
    g_assert_cmpuint (s->start_min, ==, 1320);
    g_assert_cmpuint (s->end_min, ==, 360);
    g_assert_cmpint (s->state.kind, ==, HF_SCHEDULE_PAUSED);
    g_assert_cmpint (g->id, ==, id2);
    g_assert_cmpstr (g->group, ==, "Garage");
    g_assert_null (g->miner);
    g_assert_cmpint (g->state.work_mode, ==, 1);
  }

  hf_scheduler_remove_async (scheduler, id3, NULL, removed_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_true (w.ok);
  wait_clear (&w);
  hf_scheduler_remove_async (scheduler, id3, NULL, removed_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_INVALID);
  wait_clear (&w);
  /* An id is never given again: a client holding the removed one cannot
   * remove another schedule with it. */
  {
    gint64 id4 = add_schedule (session, gamma, good, &error);

    g_assert_no_error (error);
    g_assert_cmpint (id4, >, id3);
    hf_scheduler_remove_async (scheduler, id4, NULL, removed_cb, &w);
    hf_test_wait_for (&w.done, 5000);
    g_assert_true (w.ok);
    wait_clear (&w);
  }

  /* Forgetting the group forgets its schedules. */
  sql (db, "PRAGMA foreign_keys = ON; DELETE FROM groups WHERE name = 'garage'");
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = hf_store_list_schedules (hf_session_get_store (session), &error);
  g_assert_cmpuint (listed->len, ==, 1);
  shutdown (session);
}

/* A restarted session enforces the state the clock says at once, and
 * never writes to a miner twice within a minute. */
static void
test_restart_and_pace (void)
{
  g_autofree char *db = temp_db ();
  g_autoptr(HfSession) session = session_new (db);
  HfMiner *miner = add_miner (session, "127.0.55.3");
  g_autoptr(HfSchedule) s = schedule_of ("daily", "11:00-13:00", "paused");
  g_autoptr(GError) error = NULL;
  HfScheduler *scheduler;
  Wait w = { 0 };

  fake_s = berlin_time (10, 11, 58, 30);
  add_schedule (session, miner, s, &error);
  g_assert_no_error (error);
  /* Not started: nothing is written. */
  run_for (300);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.3", 0, 0), ==, 0);
  shutdown (session);
  g_clear_object (&session);

  session = session_new (db);
  scheduler = hf_session_get_scheduler (session);
  miner = hf_fleet_lookup_address (hf_session_get_fleet (session), "127.0.55.3");
  g_assert_nonnull (hf_scheduler_get_desired (scheduler, miner));
  hf_session_start (session);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.3", 1, 5000), ==, 1);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 1);
  wait_paused (miner, TRUE);

  /* Resumed by hand: cycles every second see it, but the scheduler waits
   * out the minute since its write. */
  hf_session_act_async (session, miner, HF_ACTION_RESUME, NULL, acted_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_true (w.ok);
  wait_clear (&w);
  fake_s += 50;
  run_for (3000);
  g_assert_false (hf_miner_get_reading (miner)->paused);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.3", 0, 0), ==, 1);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 1);
  fake_s += 11;
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.3", 2, 5000), ==, 2);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 2);
  shutdown (session);
}

/* Offline (restarting) at the switch: switched once it is back. */
static void
test_offline_at_switch (void)
{
  g_autofree char *db = temp_db ();
  g_autoptr(HfSession) session = session_new (db);
  HfMiner *miner = add_miner (session, "127.0.55.4");
  g_autoptr(HfSchedule) s = schedule_of ("daily", "12:00-13:00", "paused");
  HfScheduler *scheduler = hf_session_get_scheduler (session);
  g_autoptr(GError) error = NULL;
  gint64 when = 0;
  const HfScheduleState *after = NULL;
  Wait w = { 0 };

  fake_s = berlin_time (10, 11, 58, 30);
  add_schedule (session, miner, s, &error);
  g_assert_no_error (error);
  hf_session_start (session);
  run_for (1500);
  g_assert_null (hf_scheduler_get_desired (scheduler, miner));
  g_assert_true (hf_scheduler_get_next_change (scheduler, miner, &when, &after));
  g_assert_cmpint (when, ==, berlin_time (10, 12, 0, 0));
  g_assert_cmpint (after->kind, ==, HF_SCHEDULE_PAUSED);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 0);

  hf_session_restart_async (session, miner, NULL, restarted_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_true (w.ok);
  g_assert_true (hf_miner_get_restarting (miner));
  fake_s = berlin_time (10, 12, 0, 30);
  hf_scheduler_check (scheduler);
  g_assert_nonnull (hf_scheduler_get_desired (scheduler, miner));
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.4", 0, 0), ==, 0);

  /* Back after its restart: paused within a cycle or two. */
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.4", 1, 10000), ==, 1);
  g_assert_false (hf_miner_get_restarting (miner));
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 1);
  shutdown (session);
}

/* Override until the next switch, kept across a restart. */
static void
test_override (void)
{
  g_autofree char *db = temp_db ();
  g_autoptr(HfSession) session = session_new (db);
  HfMiner *miner = add_miner (session, "127.0.55.5");
  g_autoptr(HfSchedule) s = schedule_of ("daily", "12:00-13:00", "paused");
  HfScheduler *scheduler = hf_session_get_scheduler (session);
  g_autoptr(GError) error = NULL;
  gint64 until = 0;
  Wait w = { 0 };

  fake_s = berlin_time (10, 12, 10, 0);
  add_schedule (session, miner, s, &error);
  g_assert_no_error (error);
  hf_session_start (session);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.5", 1, 5000), ==, 1);
  wait_paused (miner, TRUE);

  g_assert_true (hf_scheduler_override (scheduler, miner));
  g_assert_true (hf_scheduler_get_override (scheduler, miner, &until));
  g_assert_cmpint (until, ==, berlin_time (10, 13, 0, 0));
  hf_session_act_async (session, miner, HF_ACTION_RESUME, NULL, acted_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  wait_clear (&w);
  fake_s = berlin_time (10, 12, 20, 0);
  run_for (2500);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.5", 0, 0), ==, 1);
  shutdown (session);
  g_clear_object (&session);

  /* A restart keeps it. */
  session = session_new (db);
  scheduler = hf_session_get_scheduler (session);
  miner = hf_fleet_lookup_address (hf_session_get_fleet (session), "127.0.55.5");
  g_assert_true (hf_scheduler_get_override (scheduler, miner, &until));
  g_assert_cmpint (until, ==, berlin_time (10, 13, 0, 0));
  hf_session_start (session);
  run_for (2500);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.5", 0, 0), ==, 1);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 0);

  /* It ends at the switch; the next day's range is enforced again. */
  fake_s = berlin_time (10, 13, 0, 0);
  hf_scheduler_check (scheduler);
  g_assert_false (hf_scheduler_get_override (scheduler, miner, NULL));
  fake_s = berlin_time (11, 12, 0, 30);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.5", 2, 5000), ==, 2);
  wait_paused (miner, TRUE);

  /* Override and resume by hand: enforced again, but still never two
   * writes to a miner within a minute (the last was just now). */
  hf_session_act_async (session, miner, HF_ACTION_RESUME, NULL, acted_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  wait_clear (&w);
  g_assert_true (hf_scheduler_override (scheduler, miner));
  hf_scheduler_resume (scheduler, miner);
  g_assert_false (hf_scheduler_get_override (scheduler, miner, NULL));
  run_for (1500);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.5", 0, 0), ==, 2);
  fake_s += HF_SCHEDULER_WRITE_EVERY_S;
  hf_scheduler_check (scheduler);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.5", 3, 5000), ==, 3);
  shutdown (session);
}

/* A write the miner took, then a person overrides and resumes before a
 * reading confirmed it (here: the miner never shows it): that write's
 * outcome is history, not a failure held against the fresh start, and the
 * next minute writes again. */
static void
test_override_before_confirmed (void)
{
  g_autofree char *db = temp_db ();
  g_autoptr(HfSession) session = session_new (db);
  HfMiner *miner = add_miner (session, "127.0.55.9");
  g_autoptr(HfSchedule) s = schedule_of ("daily", "12:00-13:00", "paused");
  HfScheduler *scheduler = hf_session_get_scheduler (session);
  g_autoptr(GError) error = NULL;
  guint pauses = hf_test_sim_events (sim, "pause", "127.0.55.9", 0, 0);
  Wait w = { 0 };

  g_signal_connect (scheduler, "write-failed", G_CALLBACK (write_failed_cb), &w);
  fake_s = berlin_time (10, 12, 10, 0);
  add_schedule (session, miner, s, &error);
  g_assert_no_error (error);
  hf_session_start (session);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.9", pauses + 1, 5000), ==,
                    pauses + 1);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 1);
  run_for (1000);       /* taken, and the reading after it still mining */
  g_assert_false (hf_miner_get_reading (miner)->paused);
  g_assert_cmpuint (w.failed, ==, 0);

  g_assert_true (hf_scheduler_override (scheduler, miner));
  hf_scheduler_resume (scheduler, miner);
  fake_s += HF_SCHEDULER_WRITE_EVERY_S;
  hf_scheduler_check (scheduler);
  g_assert_cmpuint (w.failed, ==, 0);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 2);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.9", pauses + 2, 5000), ==,
                    pauses + 2);
  shutdown (session);
}

/* A miner that accepts a change and keeps its own values: retries back
 * off (1, 2 … minutes), and the failure is said once. */
static void
test_backoff (void)
{
  g_autofree char *db = temp_db ();
  g_autoptr(HfSession) session = session_new (db);
  HfMiner *miner = add_miner (session, "127.0.55.6");
  g_autoptr(HfSchedule) s = schedule_of ("daily", "12:00-18:00", "preset:490/1100");
  HfScheduler *scheduler = hf_session_get_scheduler (session);
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };
  guint patches = hf_test_sim_events (sim, "patch", "127.0.55.6", 0, 0);

  g_signal_connect (scheduler, "write-failed", G_CALLBACK (write_failed_cb), &w);
  fake_s = berlin_time (10, 12, 10, 0);
  add_schedule (session, miner, s, &error);
  g_assert_no_error (error);
  hf_session_start (session);
  {
    gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (w.failed == 0 && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpuint (w.failed, ==, 1);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", "127.0.55.6", patches + 1, 1000), ==,
                    patches + 1);

  /* A minute on: the second try (backoff 1 min); it fails too, unsaid. */
  fake_s += 61;
  run_for (1500);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 2);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", "127.0.55.6", patches + 2, 10000), ==,
                    patches + 2);
  run_for (6000);     /* its restart and check */
  /* Another minute: the backoff is 2 minutes now. */
  fake_s += 61;
  run_for (2000);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 2);
  fake_s += 70;
  run_for (2000);
  g_assert_cmpuint (hf_scheduler_get_writes (scheduler), ==, 3);
  g_assert_cmpuint (w.failed, ==, 1);
  shutdown (session);
}


static void
grouped_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_change_group_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

/* A group's schedule covers its members (matched case-insensitively),
 * and a miner's own schedule wins over it, also once it joins. */
static void
test_group (void)
{
  g_autofree char *db = temp_db ();
  g_autoptr(HfSession) session = session_new (db);
  HfMiner *seven = add_miner (session, "127.0.55.7");
  HfMiner *eight = add_miner (session, "127.0.55.8");
  HfScheduler *scheduler = hf_session_get_scheduler (session);
  g_autoptr(HfSchedule) garage = schedule_of ("daily", "12:00-13:00", "paused");
  g_autoptr(HfSchedule) own = schedule_of ("daily", "11:00-14:00", "mining");
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  fake_s = berlin_time (10, 12, 10, 0);
  hf_session_change_group_async (session, HF_GROUP_CHANGE_CREATE, "Garage", NULL, NULL, 0, NULL,
                                 grouped_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  wait_clear (&w);
  hf_session_change_group_async (session, HF_GROUP_CHANGE_ADD, "garage", NULL, &seven, 1, NULL,
                                 grouped_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  wait_clear (&w);
  garage->group = g_strdup ("garage");
  add_schedule (session, NULL, garage, &error);
  g_assert_no_error (error);
  /* .8's own schedule (created after the group's) wins for it. */
  add_schedule (session, eight, own, &error);
  g_assert_no_error (error);
  hf_scheduler_reload (scheduler);
  while (hf_scheduler_get_schedules (scheduler)->len < 2)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (hf_scheduler_get_desired (scheduler, seven)->kind, ==, HF_SCHEDULE_PAUSED);
  g_assert_cmpint (hf_scheduler_get_desired (scheduler, eight)->kind, ==, HF_SCHEDULE_MINING);
  hf_session_start (session);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.7", 1, 5000), ==, 1);

  hf_session_change_group_async (session, HF_GROUP_CHANGE_ADD, "Garage", NULL, &eight, 1, NULL,
                                 grouped_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  wait_clear (&w);
  g_assert_cmpint (hf_scheduler_get_desired (scheduler, eight)->kind, ==, HF_SCHEDULE_MINING);
  run_for (2000);
  g_assert_cmpuint (hf_test_sim_events (sim, "pause", "127.0.55.8", 0, 0), ==, 0);

  /* The group deleted and made again under the same name: its schedule
   * went with the old one at once (not a minute later), and the new
   * group's miner is left alone. */
  hf_session_change_group_async (session, HF_GROUP_CHANGE_DELETE, "garage", NULL, NULL, 0, NULL,
                                 grouped_cb, &w);
  g_assert_cmpuint (hf_scheduler_get_schedules (scheduler)->len, ==, 1);
  g_assert_null (hf_scheduler_get_desired (scheduler, seven));
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  wait_clear (&w);
  hf_session_change_group_async (session, HF_GROUP_CHANGE_CREATE, "GARAGE", NULL, NULL, 0, NULL,
                                 grouped_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  wait_clear (&w);
  hf_session_change_group_async (session, HF_GROUP_CHANGE_ADD, "GARAGE", NULL, &seven, 1, NULL,
                                 grouped_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  wait_clear (&w);
  run_for (1500);
  g_assert_cmpuint (hf_scheduler_get_schedules (scheduler)->len, ==, 1);
  g_assert_null (hf_scheduler_get_desired (scheduler, seven));
  shutdown (session);
}

/* The CLI on a store: add, list (table and JSON), refuse, remove. */
static void
test_cli (void)
{
  g_autofree char *db = temp_db ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  {
    const char *args[] = { "schedule", "add", "127.0.55.2", "--days", "mon-fri", "--time",
                           "22:00-06:00", "--state", "paused", "--db", db,
                           "--http-port", "18975", "--cgminer-port", "14975", NULL };
    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "added schedule 1"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    /* Hostile or wrong input: said, exit 2, nothing kept. */
    const char *args[][14] = {
      { "schedule", "add", "127.0.55.2", "--days", "someday", "--time", "22:00-06:00",
        "--state", "paused", "--db", db, NULL },
      { "schedule", "add", "127.0.55.2", "--days", "daily", "--time", "22:00",
        "--state", "paused", "--db", db, NULL },
      { "schedule", "add", "--group", "nobody", "--days", "daily", "--time", "01:00-02:00",
        "--state", "mining", "--db", db, NULL },
      { "schedule", "remove", "x1", "--db", db, NULL },
      { "schedule", "remove", "99", "--db", db, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (args); i++)
      {
        status = hf_test_run_cli (args[i], &out, &err);
        g_assert_cmpint (status, ==, 2);
        g_assert_cmpstr (err, !=, "");
        g_clear_pointer (&out, g_free);
        g_clear_pointer (&err, g_free);
      }
  }
  {
    const char *args[] = { "schedule", "list", "--db", db, NULL };
    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "127.0.55.2"));
    g_assert_nonnull (strstr (out, "mon-fri"));
    g_assert_nonnull (strstr (out, "22:00-06:00"));
    g_assert_nonnull (strstr (out, "paused"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "schedule", "list", "--json", "--db", db, NULL };
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *o;

    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
    o = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
    g_assert_cmpint (json_object_get_int_member (o, "id"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (o, "address"), ==, "127.0.55.2");
    g_assert_cmpstr (json_object_get_string_member (o, "days"), ==, "mon-fri");
    g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "paused");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "schedule", "override", "127.0.55.2", "--db", db, NULL };
    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "left alone until"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "schedule", "remove", "1", "--db", db, NULL };
    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "schedule", "list", "--json", "--db", db, NULL };
    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (g_strstrip (out), ==, "[]");
  }
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
  guint     status;
} Answer;

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Answer *a = user_data;
  g_autoptr(GError) error = NULL;

  a->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  a->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source),
                                                                              result));
  a->done = TRUE;
}

#define TOKEN "test-token-0123456789"

static char *
request (SoupSession *http, guint16 port, const char *method, const char *path,
         const char *token, const char *body, guint *status)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  Answer a = { 0 };
  char *text;

  if (token != NULL)
    {
      g_autofree char *header = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    header);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (http, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &a);
  hf_test_wait_for (&a.done, 10000);
  *status = a.status;
  text = g_strndup (g_bytes_get_data (a.body, NULL), g_bytes_get_size (a.body));
  g_bytes_unref (a.body);
  return text;
}

/* The API: list, add (token, validation), remove. */
static void
test_api (void)
{
  g_autofree char *db = temp_db ();
  g_autoptr(HfSession) session = session_new (db);
  g_autoptr(HfApiServer) server = hf_api_server_new (session);
  g_autoptr(SoupSession) http = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = NULL;
  guint16 port;
  guint status;
  char *body;
  const char *bad[] = {
    "not json", "[]", "{}",
    "{\"address\":\"127.0.55.2\",\"days\":\"daily\",\"time\":\"25:00-01:00\",\"state\":\"paused\"}",
    "{\"address\":\"127.0.55.2\",\"days\":\"daily\",\"time\":\"01:00-02:00\",\"state\":\"sleep\"}",
    "{\"address\":\"127.0.55.2\",\"group\":\"g\",\"days\":\"daily\",\"time\":\"01:00-02:00\",\"state\":\"paused\"}",
    "{\"address\":7,\"days\":\"daily\",\"time\":\"01:00-02:00\",\"state\":\"paused\"}",
    "{\"address\":\"127.0.55.2\",\"days\":\"daily\",\"time\":\"01:00-02:00\",\"state\":\"paused\",\"x\":1}",
    "{\"address\":\"127.0.55.2\",\"days\":\"daily\",\"time\":\"01:00-02:00\",\"state\":\"preset:561/1100\"}",
  };

  add_miner (session, "127.0.55.2");
  hf_api_server_set_token (server, TOKEN);
  g_assert_true (hf_api_server_listen (server, "127.0.0.1:0", &error));
  port = hf_api_server_get_port (server);

  body = request (http, port, "GET", "/api/schedules", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (body, ==, "{\"schedules\":[]}");
  g_free (body);

  /* Writes need the token. */
  body = request (http, port, "POST", "/api/schedules", NULL,
                  "{\"address\":\"127.0.55.2\",\"days\":\"sat,sun\",\"time\":\"08:00-20:00\",\"state\":\"mode:1\"}",
                  &status);
  g_assert_cmpuint (status, ==, 401);
  g_free (body);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      body = request (http, port, "POST", "/api/schedules", TOKEN, bad[i], &status);
      g_assert_cmpuint (status, ==, 400);
      g_free (body);
    }
  body = request (http, port, "POST", "/api/schedules", TOKEN,
                  "{\"address\":\"127.0.55.99\",\"days\":\"daily\",\"time\":\"01:00-02:00\",\"state\":\"paused\"}",
                  &status);
  g_assert_cmpuint (status, ==, 404);
  g_free (body);
  huge = g_strnfill (HF_API_MAX_BODY_BYTES + 1, ' ');
  body = request (http, port, "POST", "/api/schedules", TOKEN, huge, &status);
  g_assert_cmpuint (status, ==, 413);
  g_free (body);

  body = request (http, port, "POST", "/api/schedules", TOKEN,
                  "{\"address\":\"127.0.55.2\",\"days\":\"sat,sun\",\"time\":\"08:00-20:00\",\"state\":\"mode:1\"}",
                  &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (body, ==, "{\"id\":1}");
  g_free (body);
  while (hf_scheduler_get_schedules (hf_session_get_scheduler (session))->len == 0)
    g_main_context_iteration (NULL, TRUE);
  body = request (http, port, "GET", "/api/schedules", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (body, "\"address\":\"127.0.55.2\""));
  g_assert_nonnull (strstr (body, "\"days\":\"sat,sun\",\"time\":\"08:00-20:00\",\"state\":\"mode:1\""));
  g_free (body);

  body = request (http, port, "DELETE", "/api/schedules/abc", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  g_free (body);
  body = request (http, port, "DELETE", "/api/schedules/2", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  g_free (body);
  body = request (http, port, "DELETE", "/api/schedules/1", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_free (body);
  body = request (http, port, "DELETE", "/api/schedules/1", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_free (body);
  hf_api_server_disconnect (server);
  shutdown (session);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_assert_nonnull (berlin);
  sim = hf_test_sim_start_for (fleet_config, 170);

  g_test_add_func ("/scheduler/store", test_store);
  g_test_add_func ("/scheduler/restart-and-pace", test_restart_and_pace);
  g_test_add_func ("/scheduler/offline-at-switch", test_offline_at_switch);
  g_test_add_func ("/scheduler/override", test_override);
  g_test_add_func ("/scheduler/override-before-confirmed", test_override_before_confirmed);
  g_test_add_func ("/scheduler/backoff", test_backoff);
  g_test_add_func ("/scheduler/group", test_group);
  g_test_add_func ("/scheduler/cli", test_cli);
  g_test_add_func ("/scheduler/api", test_api);

  status = g_test_run ();
  hf_test_sim_stop (sim);
  g_time_zone_unref (berlin);
  return status;
}
