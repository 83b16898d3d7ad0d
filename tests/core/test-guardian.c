/* test-guardian.c — the thermal guardian: its rules, its store, and a heat wave on hashfleet-sim
 * SPDX-License-Identifier: MIT
 *
 * The rules on a fake clock (hot steps down at once, one write a minute,
 * up only after a whole cool period, a step up that gets hot again waits
 * a whole one more, no sensor is not cool, the margin), a flapping
 * temperature over hours of fake time (never two steps up nearer than
 * the cool period), the store's rows.  Then against the simulator's
 * physical model (static, thermal-tau=1, polled every second, the
 * guardian on an injected clock): a heat wave steps a Gamma down within
 * the poll that saw it pass the limit, keeps it down while hot, steps it
 * back up only after the cool period, with events and alerts; a restarted
 * session keeps the stepped-down state and holds the scheduler off; a
 * miner that takes no write is said once and tried with backoff; an
 * Avalon steps its work mode, and back when its guard goes.
 * Then the CLI and the HTTP API on the same store.
 */
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "hf-api-server.h"
#include "hf-error.h"
#include "hf-guard-json.h"
#include "hf-scheduler.h"
#include "hf-session.h"
#include "hf-store-events.h"
#include "hf-store-guardian.h"
#include "hf-test-utils.h"
#include "hf-thermal-guardian.h"

#define HTTP_PORT    18962
#define CGMINER_PORT 14962
#define GAMMA        "127.0.62.2"
#define AVALON       "127.0.62.3"
#define SPARE        "127.0.62.4"
#define STUBBORN     "127.0.62.5"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18962\ncgminer-port=14962\nstatic=true\nthermal-tau=1\nrestart-seconds=1\n"
  "[miner 127.0.62.2]\nprofile=gamma\n"
  "[miner 127.0.62.3]\nprofile=nano3s\n"
  "[miner 127.0.62.4]\nprofile=gamma\n"
  "[miner 127.0.62.5]\nprofile=gamma\nignore-writes=true\n";

#define MIN_US ((gint64) 60 * G_USEC_PER_SEC)

static HfTestSim *sim;
static gint64 fake_us;          /* the guardian's clock */

static gint64
fake_clock (gpointer user_data)
{
  return fake_us;
}

/* ---- the rules ------------------------------------------------------------------ */

static HfGuard *
guard_of (double chip, double vr, guint cool)
{
  HfGuard *g = hf_guard_new ();

  g->chip_limit_c = chip;
  g->vr_limit_c = vr;
  g->cool_min = cool;
  return g;
}

static void
test_rules (void)
{
  g_autoptr(HfGuard) g = guard_of (70, 85, 10);
  HfGuardianTrack t = { 0 };
  g_autofree char *why = NULL;
  gint64 now = 1000 * MIN_US;

  /* Under the limit, nothing; at it, nothing ("past" it steps). */
  g_assert_cmpint (hf_guardian_decide (&t, g, 69.9, 60, TRUE, now, NULL), ==, HF_GUARDIAN_HOLD);
  g_assert_cmpint (hf_guardian_decide (&t, g, 70.0, 60, TRUE, now, NULL), ==, HF_GUARDIAN_HOLD);
  /* Past it: down at once, and why. */
  g_assert_cmpint (hf_guardian_decide (&t, g, 72.4, 60, TRUE, now, &why), ==, HF_GUARDIAN_STEP_DOWN);
  g_assert_cmpstr (why, ==, "chip 72.4 °C over 70 °C");
  g_clear_pointer (&why, g_free);
  t.last_write = t.last_step = now;
  t.steps = 1;
  /* Still hot: not again within the minute … */
  g_assert_cmpint (hf_guardian_decide (&t, g, 72, 60, TRUE, now + 59 * G_USEC_PER_SEC, NULL), ==,
                   HF_GUARDIAN_HOLD);
  /* … then again, unless there is nothing lower. */
  g_assert_cmpint (hf_guardian_decide (&t, g, 72, 60, FALSE, now + MIN_US, NULL), ==, HF_GUARDIAN_HOLD);
  g_assert_cmpint (hf_guardian_decide (&t, g, 72, 60, TRUE, now + MIN_US, NULL), ==,
                   HF_GUARDIAN_STEP_DOWN);
  /* The VR alone. */
  g_assert_cmpint (hf_guardian_decide (&t, g, 50, 86, TRUE, now + MIN_US, &why), ==,
                   HF_GUARDIAN_STEP_DOWN);
  g_assert_cmpstr (why, ==, "VR 86.0 °C over 85 °C");
  g_clear_pointer (&why, g_free);

  /* Cool is under the limit less the margin, on every sensor there is. */
  now += 2 * MIN_US;
  t.last_write = t.last_step = now;
  g_assert_cmpint (hf_guardian_decide (&t, g, 67.5, 60, TRUE, now, NULL), ==, HF_GUARDIAN_HOLD);
  g_assert_cmpint (t.cool_since, ==, 0);
  g_assert_cmpint (hf_guardian_decide (&t, g, 60, 83, TRUE, now, NULL), ==, HF_GUARDIAN_HOLD);
  g_assert_cmpint (t.cool_since, ==, 0);
  g_assert_cmpint (hf_guardian_decide (&t, g, NAN, NAN, TRUE, now, NULL), ==, HF_GUARDIAN_HOLD);
  g_assert_cmpint (t.cool_since, ==, 0);
  g_assert_cmpint (hf_guardian_decide (&t, g, 66.9, NAN, TRUE, now, NULL), ==, HF_GUARDIAN_HOLD);
  g_assert_cmpint (t.cool_since, ==, now);
  /* Up only once the whole cool period passed. */
  g_assert_cmpint (hf_guardian_decide (&t, g, 60, 60, TRUE, now + 10 * MIN_US - 1, NULL), ==,
                   HF_GUARDIAN_HOLD);
  g_assert_cmpint (hf_guardian_decide (&t, g, 60, 60, TRUE, now + 10 * MIN_US, &why), ==,
                   HF_GUARDIAN_STEP_UP);
  g_assert_cmpstr (why, ==, "cool for 10 minutes");
  g_clear_pointer (&why, g_free);
  /* A reading in between that is not cool starts the count again. */
  now += 10 * MIN_US;
  t.last_write = t.last_step = now;
  g_assert_cmpint (hf_guardian_decide (&t, g, 60, 60, TRUE, now + 5 * MIN_US, NULL), ==,
                   HF_GUARDIAN_HOLD);
  g_assert_cmpint (hf_guardian_decide (&t, g, 68, 60, TRUE, now + 6 * MIN_US, NULL), ==,
                   HF_GUARDIAN_HOLD);
  g_assert_cmpint (hf_guardian_decide (&t, g, 60, 60, TRUE, now + 7 * MIN_US, NULL), ==,
                   HF_GUARDIAN_HOLD);
  g_assert_cmpint (hf_guardian_decide (&t, g, 60, 60, TRUE, now + 16 * MIN_US, NULL), ==,
                   HF_GUARDIAN_HOLD);
  g_assert_cmpint (hf_guardian_decide (&t, g, 60, 60, TRUE, now + 17 * MIN_US, NULL), ==,
                   HF_GUARDIAN_STEP_UP);
  /* Back where it was (no steps): cool is nothing to act on. */
  t.steps = 0;
  g_assert_cmpint (hf_guardian_decide (&t, g, 40, 40, TRUE, now + 60 * MIN_US, NULL), ==,
                   HF_GUARDIAN_HOLD);
  /* After a failed write: nothing before the retry time, hot or not. */
  t.failures = 1;
  t.retry_at = now + 70 * MIN_US;
  g_assert_cmpint (hf_guardian_decide (&t, g, 90, 60, TRUE, now + 69 * MIN_US, NULL), ==,
                   HF_GUARDIAN_HOLD);
  g_assert_cmpint (hf_guardian_decide (&t, g, 90, 60, TRUE, now + 70 * MIN_US, NULL), ==,
                   HF_GUARDIAN_STEP_DOWN);
}

static void
test_guard_bounds (void)
{
  g_autoptr(HfGuard) g = hf_guard_new ();
  const char *bad[] = {
    "[]", "{}", "{\"address\":\"a\",\"group\":\"b\"}", "{\"address\":7}",
    "{\"address\":\"a\",\"chip_limit_c\":29.9}", "{\"address\":\"a\",\"chip_limit_c\":110.1}",
    "{\"address\":\"a\",\"vr_limit_c\":\"80\"}", "{\"address\":\"a\",\"cool_min\":0}",
    "{\"address\":\"a\",\"cool_min\":1441}", "{\"address\":\"a\",\"cool_min\":2.5}",
    "{\"address\":\"a\",\"cool_min\":1e300}", "{\"address\":\"a\",\"lava\":1}",
    "{\"address\":\"\"}", "{\"group\":\"\"}", "{\"address\":\"a\",\"remove\":1}",
  };

  g_assert_cmpfloat (g->chip_limit_c, ==, HF_GUARDIAN_DEFAULT_CHIP_C);
  g_assert_cmpfloat (g->vr_limit_c, ==, HF_GUARDIAN_DEFAULT_VR_C);
  g_assert_cmpuint (g->cool_min, ==, HF_GUARDIAN_DEFAULT_COOL_MIN);
  g_assert_null (hf_guard_check (g));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *address = NULL;
      gboolean remove;
      g_autoptr(HfGuard) parsed = hf_guard_from_json (node, &address, &remove, &error);

      g_assert_null (parsed);
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
    }
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"group\":\"Rack\",\"chip_limit_c\":65,"
                                                 "\"vr_limit_c\":80.5,\"cool_min\":30}", NULL);
    g_autofree char *address = NULL;
    gboolean remove = TRUE;
    g_autoptr(HfGuard) parsed = hf_guard_from_json (node, &address, &remove, NULL);

    g_assert_nonnull (parsed);
    g_assert_null (address);
    g_assert_false (remove);
    g_assert_cmpstr (parsed->group, ==, "Rack");
    g_assert_cmpfloat (parsed->chip_limit_c, ==, 65);
    g_assert_cmpfloat (parsed->vr_limit_c, ==, 80.5);
    g_assert_cmpuint (parsed->cool_min, ==, 30);
  }
}

/* A miner on the rules with a temperature that flaps between hot and cool
 * on every reading (a reading every 5 s, 6 hours): never two steps up
 * nearer than the cool period, never a step up nearer than the cool
 * period to the step before it, never two writes within a minute. */
static void
test_flapping (void)
{
  g_autoptr(HfGuard) g = guard_of (70, 85, 10);
  HfGuardianTrack t = { 0 };
  gint64 start = 5000 * MIN_US, now, last_up = 0, last_step = 0, last_write = 0;
  guint ups = 0, downs = 0, max_steps = 5;

  for (now = start; now < start + 6 * 60 * MIN_US; now += 5 * G_USEC_PER_SEC)
    {
      /* Hot for 20 minutes of every 35, cool otherwise, with the reading
       * hot at any option above two steps down (the wave is a hard one). */
      gint64 m = (now - start) / MIN_US % 35;
      double chip = m < 20 ? (t.steps < 2 ? 74 : 68) : 58;
      HfGuardianVerdict v = hf_guardian_decide (&t, g, chip, 60, t.steps < max_steps, now, NULL);

      if (v == HF_GUARDIAN_HOLD)
        continue;
      if (last_write != 0)
        g_assert_cmpint (now - last_write, >=, MIN_US);
      if (v == HF_GUARDIAN_STEP_UP)
        {
          g_assert_cmpuint (t.steps, >, 0);
          g_assert_cmpint (now - last_step, >=, 10 * MIN_US);
          if (last_up != 0)
            g_assert_cmpint (now - last_up, >=, 10 * MIN_US);
          last_up = now;
          t.steps--;
          ups++;
        }
      else
        {
          t.steps++;
          downs++;
        }
      t.last_write = t.last_step = last_write = last_step = now;
      t.cool_since = 0;
    }
  /* It did follow the waves (ten of them): down at each, twice in the
   * first, and one step up in each 15 cool minutes (a second needs ten
   * more). */
  g_assert_cmpuint (downs, ==, 12);
  g_assert_cmpuint (ups, ==, 10);
  g_assert_cmpuint (downs - ups, <=, 2);
}

/* ---- the session ---------------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  HfMiner  *miner;
} Wait;

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
set_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_thermal_guardian_set_finish (HF_THERMAL_GUARDIAN (source), result, &w->error);
  w->done = TRUE;
}

static void
removed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_thermal_guardian_remove_finish (HF_THERMAL_GUARDIAN (source), result, &w->error);
  w->done = TRUE;
}

static void
schedule_kept_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_scheduler_add_finish (HF_SCHEDULER (source), result, &w->error) != 0;
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
changed_group_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_change_group_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static char *
temp_db (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-guardian-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "hashfleet.db", NULL);
}

static HfSession *
session_new (const char *db)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  HfSession *session;
  Wait w = { 0 };

  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  config->timeout_ms = 1500;
  config->connect_timeout_ms = 1000;
  session = hf_session_new (db, config);
  hf_thermal_guardian_set_clock (hf_session_get_guardian (session), fake_clock, NULL);
  hf_session_set_poll_interval (session, 1);
  hf_session_load_async (session, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  while (!hf_thermal_guardian_get_loaded (hf_session_get_guardian (session)))
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

static void
guard (HfSession *session, HfMiner *miner, const char *group, double chip, double vr, guint cool)
{
  g_autoptr(HfGuard) g = guard_of (chip, vr, cool);
  Wait w = { 0 };

  if (miner != NULL)
    {
      g->miner_key = g_strdup (hf_miner_get_identity_key (miner));
      g->address = g_strdup (hf_miner_get_address (miner));
    }
  g->group = g_strdup (group);
  hf_thermal_guardian_set_async (hf_session_get_guardian (session), g, NULL, set_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
}

/* Run the main loop for @ms of real time. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
}

/* What a test watches of the session. */
typedef struct
{
  HfSession *session;
  HfMiner   *miner;         /* the one watched */
  guint      readings;
  guint      hot_readings;
  double     limit;
  guint      writes_at_first_hot;  /* the guardian's writes once that reading was judged */
  gboolean   seen_hot;
  guint      steps_down, steps_up;
  gint64     step_time[16];  /* fake clock of each step */
  int        step_dir[16];
  guint      n_steps;
  guint      alerts;
  char      *last_what;
} Watch;

/* Connected after the session's own: the guardian has judged the reading. */
static void
reading_cb (HfFleet *fleet, HfMiner *miner, const HfReading *r, Watch *w)
{
  double chip = hf_guardian_chip_c (r);

  if (miner != w->miner)
    return;
  w->readings++;
  if (chip > w->limit)
    {
      w->hot_readings++;
      if (!w->seen_hot)
        {
          w->seen_hot = TRUE;
          w->writes_at_first_hot = hf_thermal_guardian_get_writes (hf_session_get_guardian (w->session));
        }
    }
}

static void
stepped_cb (HfThermalGuardian *guardian, HfMiner *miner, int direction, const char *what, Watch *w)
{
  if (miner != w->miner)
    return;
  if (direction < 0)
    w->steps_down++;
  else
    w->steps_up++;
  if (w->n_steps < G_N_ELEMENTS (w->step_time))
    {
      w->step_time[w->n_steps] = fake_us;
      w->step_dir[w->n_steps] = direction;
      w->n_steps++;
    }
  g_free (w->last_what);
  w->last_what = g_strdup (what);
}

static void
alert_cb (HfAlerts *alerts, HfMiner *miner, int kind, const char *title, const char *body, Watch *w)
{
  if (kind == HF_ALERT_THERMAL_STEP && miner == w->miner)
    w->alerts++;
}

static void
watch_init (Watch *w, HfSession *session, HfMiner *miner, double limit)
{
  memset (w, 0, sizeof *w);
  w->session = session;
  w->miner = miner;
  w->limit = limit;
  g_signal_connect (hf_session_get_fleet (session), "reading", G_CALLBACK (reading_cb), w);
  g_signal_connect (hf_session_get_guardian (session), "stepped", G_CALLBACK (stepped_cb), w);
  g_signal_connect (hf_session_get_alerts (session), "alert", G_CALLBACK (alert_cb), w);
}

static void
watch_clear (Watch *w)
{
  g_signal_handlers_disconnect_by_data (hf_session_get_fleet (w->session), w);
  g_signal_handlers_disconnect_by_data (hf_session_get_guardian (w->session), w);
  g_signal_handlers_disconnect_by_data (hf_session_get_alerts (w->session), w);
  g_clear_pointer (&w->last_what, g_free);
}

/* Run until @cond or @timeout_ms (fails then). */
#define RUN_UNTIL(cond, timeout_ms) \
  G_STMT_START { \
    gint64 end_ = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > end_) \
          g_error ("timed out waiting for %s", #cond); \
        g_main_context_iteration (NULL, FALSE); \
        g_usleep (2000); \
      } \
  } G_STMT_END

static double
frequency_of (HfMiner *miner)
{
  const HfReading *r = hf_miner_get_reading (miner);

  return r != NULL ? r->frequency_mhz : NAN;
}

static GPtrArray *
events_of (HfSession *session, const char *kind)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *events;

  hf_test_flush_store (NULL, hf_session_get_store (session));
  events = hf_store_list_events (hf_session_get_store (session), kind, 0, 0, &error);
  g_assert_no_error (error);
  return events;
}

/* The heat wave, end to end. */
static void
test_heat_wave (void)
{
  g_autofree char *db = temp_db ();
  HfSession *session = session_new (db);
  HfThermalGuardian *guardian = hf_session_get_guardian (session);
  HfMiner *gamma = add_miner (session, GAMMA);
  Watch w;
  guint patches;

  fake_us = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  g_assert_true (hf_test_sim_control (sim, GAMMA, "{\"ambient_c\":25,\"fan_percent\":42}"));
  guard (session, gamma, NULL, 70, 85, 10);
  g_assert_nonnull (hf_thermal_guardian_get_guard (guardian, gamma));
  watch_init (&w, session, gamma, 70);
  hf_session_start (session);

  /* At 25 °C a Gamma at 525 MHz runs at 58.5 °C: nothing to do. */
  RUN_UNTIL (w.readings >= 3, 10000);
  g_assert_cmpfloat (frequency_of (gamma), ==, 525);
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 0);
  patches = hf_test_sim_events (sim, "patch", GAMMA, 0, 0);

  /* The heat wave: 38 °C makes it 71.5 °C at 525 MHz, 69.6 °C at 490. */
  g_assert_true (hf_test_sim_control (sim, GAMMA, "{\"ambient_c\":38}"));
  RUN_UNTIL (w.seen_hot, 15000);
  /* Stepped down on the very reading that passed the limit. */
  g_assert_cmpuint (w.writes_at_first_hot, ==, 1);
  RUN_UNTIL (w.steps_down == 1, 20000);
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", GAMMA, patches + 1, 2000), ==, patches + 1);
  g_assert_nonnull (strstr (hf_test_sim_last_event (sim, "patch", GAMMA), "490"));
  g_assert_null (strstr (hf_test_sim_last_event (sim, "patch", GAMMA), "coreVoltage"));
  g_assert_cmpfloat (frequency_of (gamma), ==, 490);
  g_assert_cmpuint (hf_thermal_guardian_get_steps (guardian, gamma), ==, 1);
  g_assert_true (g_str_has_prefix (w.last_what, "525 MHz → 490 MHz: chip 7"));
  g_assert_true (g_str_has_suffix (w.last_what, " °C over 70 °C"));
  RUN_UNTIL (w.alerts == 1, 2000);
  /* The scheduler would not put a preset back now. */
  {
    g_autoptr(GPtrArray) events = events_of (session, HF_EVENT_THERMAL_STEP_DOWN);
    HfStoreEvent *e;
    g_autoptr(JsonNode) detail = NULL;
    JsonObject *o;

    g_assert_cmpuint (events->len, ==, 1);
    e = g_ptr_array_index (events, 0);
    g_assert_cmpstr (e->address, ==, GAMMA);
    g_assert_cmpuint (e->count, ==, 1);
    g_assert_cmpfloat (e->counter, ==, 490);
    g_assert_cmpint (e->time, ==, fake_us / G_USEC_PER_SEC);
    detail = json_from_string (e->detail, NULL);
    g_assert_nonnull (detail);
    o = json_node_get_object (detail);
    g_assert_cmpstr (json_object_get_string_member (o, "direction"), ==, "down");
    g_assert_cmpint (json_object_get_int_member (o, "from"), ==, 525);
    g_assert_cmpint (json_object_get_int_member (o, "to"), ==, 490);
    g_assert_cmpstr (json_object_get_string_member (o, "sensor"), ==, "chip");
    g_assert_cmpfloat (json_object_get_double_member (o, "limit_c"), ==, 70);
    g_assert_cmpfloat (json_object_get_double_member (o, "temperature_c"), >, 70);
  }
  {
    g_autoptr(GPtrArray) states = hf_store_list_guardian_states (hf_session_get_store (session), NULL);
    HfGuardianState *s;

    g_assert_cmpuint (states->len, ==, 1);
    s = g_ptr_array_index (states, 0);
    g_assert_cmpuint (s->steps, ==, 1);
    g_assert_cmpuint (s->orig_frequency, ==, 525);
    g_assert_cmpint (s->orig_work_mode, ==, -1);
  }

  /* Kept down while hot: 69.6 °C is under the limit, not cool either;
   * fake hours pass, nothing is written. */
  for (guint i = 0; i < 6; i++)
    {
      fake_us += 20 * MIN_US;
      run_for (1200);
    }
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 1);
  g_assert_cmpfloat (frequency_of (gamma), ==, 490);

  /* Cool again (56.6 °C at 490): not back before ten cool minutes. */
  g_assert_true (hf_test_sim_control (sim, GAMMA, "{\"ambient_c\":25}"));
  run_for (3000);               /* thermal-tau 1 s: settled */
  fake_us += MIN_US;
  run_for (1500);               /* the first cool reading at this time */
  fake_us += 9 * MIN_US - 10 * G_USEC_PER_SEC;
  run_for (2500);
  g_assert_cmpuint (w.steps_up, ==, 0);
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 1);
  fake_us += 2 * MIN_US;
  RUN_UNTIL (w.steps_up == 1, 20000);
  g_assert_cmpfloat (frequency_of (gamma), ==, 525);
  g_assert_cmpuint (hf_thermal_guardian_get_steps (guardian, gamma), ==, 0);
  g_assert_cmpstr (w.last_what, ==, "490 MHz → 525 MHz: cool for 10 minutes");
  RUN_UNTIL (w.alerts == 2, 2000);
  {
    g_autoptr(GPtrArray) states = hf_store_list_guardian_states (hf_session_get_store (session), NULL);
    g_autoptr(GPtrArray) ups = events_of (session, HF_EVENT_THERMAL_STEP_UP);

    g_assert_cmpuint (states->len, ==, 0);
    g_assert_cmpuint (ups->len, ==, 1);
  }

  /* Hot, cool, hot, cool on fake minutes: down at once each time, up
   * never sooner than the cool period after the step before. */
  for (guint round = 0; round < 2; round++)
    {
      guint downs = w.steps_down, ups = w.steps_up;

      fake_us += 2 * MIN_US;
      g_assert_true (hf_test_sim_control (sim, GAMMA, "{\"ambient_c\":38}"));
      RUN_UNTIL (w.steps_down == downs + 1, 20000);
      g_assert_true (hf_test_sim_control (sim, GAMMA, "{\"ambient_c\":25}"));
      for (guint i = 0; i < 12 && w.steps_up == ups; i++)
        {
          fake_us += MIN_US;
          run_for (1500);
        }
      RUN_UNTIL (w.steps_up == ups + 1, 20000);
    }
  for (guint i = 1; i < w.n_steps; i++)
    if (w.step_dir[i] > 0)
      g_assert_cmpint (w.step_time[i] - w.step_time[i - 1], >=, 10 * MIN_US);
  /* Each step is one write: 3 down, 3 up. */
  g_assert_cmpuint (w.steps_down, ==, 3);
  g_assert_cmpuint (w.steps_up, ==, 3);
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 6);
  g_assert_cmpuint (w.alerts, ==, 6);
  watch_clear (&w);
  shutdown (session);
  g_object_unref (session);
}

/* Stepped down, the session ends; the next one knows it before any
 * reading, holds the scheduler off, and brings it back after cooling. */
static void
test_restart (void)
{
  g_autofree char *db = temp_db ();
  HfSession *session = session_new (db);
  HfThermalGuardian *guardian = hf_session_get_guardian (session);
  HfMiner *gamma = add_miner (session, SPARE);
  Watch w;

  fake_us = G_GINT64_CONSTANT (1810000000) * G_USEC_PER_SEC;
  g_assert_true (hf_test_sim_control (sim, SPARE, "{\"ambient_c\":38,\"fan_percent\":42}"));
  guard (session, gamma, NULL, 70, 85, 5);
  watch_init (&w, session, gamma, 70);
  hf_session_start (session);
  RUN_UNTIL (w.steps_down == 1, 20000);
  g_assert_cmpfloat (frequency_of (gamma), ==, 490);
  watch_clear (&w);
  shutdown (session);
  g_object_unref (session);

  session = session_new (db);
  guardian = hf_session_get_guardian (session);
  gamma = hf_fleet_lookup_address (hf_session_get_fleet (session), SPARE);
  g_assert_nonnull (gamma);
  g_assert_cmpuint (hf_thermal_guardian_get_steps (guardian, gamma), ==, 1);
  g_assert_nonnull (hf_thermal_guardian_get_guard (guardian, gamma));
  watch_init (&w, session, gamma, 70);
  /* A schedule that wants it at 525 MHz all day is held off meanwhile. */
  {
    g_autoptr(HfSchedule) all_day = hf_schedule_new ();
    HfScheduler *scheduler = hf_session_get_scheduler (session);
    Wait ws = { 0 };

    g_assert_true (hf_schedule_parse_days ("daily", &all_day->days, NULL));
    g_assert_true (hf_schedule_parse_time_range ("00:00-00:00", &all_day->start_min,
                                                 &all_day->end_min, NULL));
    g_assert_true (hf_schedule_parse_state ("preset:525/1150", &all_day->state, NULL));
    hf_scheduler_add_async (scheduler, all_day, gamma, NULL, schedule_kept_cb, &ws);
    hf_test_wait_for (&ws.done, 10000);
    g_assert_no_error (ws.error);
    while (hf_scheduler_get_schedules (scheduler)->len == 0)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_true (hf_test_sim_control (sim, SPARE, "{\"ambient_c\":25}"));
  fake_us += MIN_US;
  hf_session_start (session);
  RUN_UNTIL (w.readings >= 3, 10000);
  g_assert_cmpuint (hf_scheduler_get_writes (hf_session_get_scheduler (session)), ==, 0);
  g_assert_cmpfloat (frequency_of (gamma), ==, 490);
  /* Not repeated, not forgotten. */
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 0);
  g_assert_cmpuint (hf_thermal_guardian_get_steps (guardian, gamma), ==, 1);
  fake_us += 6 * MIN_US;
  RUN_UNTIL (w.steps_up == 1, 20000);
  g_assert_cmpfloat (frequency_of (gamma), ==, 525);
  g_assert_cmpuint (hf_thermal_guardian_get_steps (guardian, gamma), ==, 0);
  /* Where its schedule wants it: still nothing for the scheduler to do. */
  run_for (2500);
  g_assert_cmpuint (hf_scheduler_get_writes (hf_session_get_scheduler (session)), ==, 0);
  watch_clear (&w);
  shutdown (session);
  g_object_unref (session);
}

static void
write_failed_cb (HfThermalGuardian *guardian, HfMiner *miner, const char *message, guint *said)
{
  (*said)++;
}

/* A miner that takes no write: said once, tried again after a minute,
 * then two, nothing kept of a step that did not happen. */
static void
test_backoff (void)
{
  g_autofree char *db = temp_db ();
  HfSession *session = session_new (db);
  HfThermalGuardian *guardian = hf_session_get_guardian (session);
  HfMiner *stubborn = add_miner (session, STUBBORN);
  guint said = 0;

  fake_us = G_GINT64_CONSTANT (1830000000) * G_USEC_PER_SEC;
  g_assert_true (hf_test_sim_control (sim, STUBBORN, "{\"ambient_c\":38,\"fan_percent\":42}"));
  guard (session, stubborn, NULL, 70, 85, 10);
  g_signal_connect (guardian, "write-failed", G_CALLBACK (write_failed_cb), &said);
  hf_session_start (session);
  RUN_UNTIL (said == 1, 20000);
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 1);
  g_assert_cmpuint (hf_thermal_guardian_get_steps (guardian, stubborn), ==, 0);
  hf_test_flush_store (NULL, hf_session_get_store (session));
  {
    g_autoptr(GPtrArray) states = hf_store_list_guardian_states (hf_session_get_store (session), NULL);
    g_autoptr(GPtrArray) events = events_of (session, NULL);

    g_assert_cmpuint (states->len, ==, 0);
    g_assert_cmpuint (events->len, ==, 0);
  }
  /* Not within the minute; then again, not said again. */
  fake_us += 50 * G_USEC_PER_SEC;
  run_for (2500);
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 1);
  fake_us += 11 * G_USEC_PER_SEC;
  RUN_UNTIL (hf_thermal_guardian_get_writes (guardian) == 2, 10000);
  run_for (8000);               /* written, restarted, read back: failed again */
  g_assert_cmpuint (said, ==, 1);
  /* The second failure doubles the wait. */
  fake_us += 61 * G_USEC_PER_SEC;
  run_for (2500);
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 2);
  fake_us += 60 * G_USEC_PER_SEC;
  RUN_UNTIL (hf_thermal_guardian_get_writes (guardian) == 3, 10000);
  run_for (8000);
  g_assert_cmpuint (said, ==, 1);
  g_signal_handlers_disconnect_by_data (guardian, &said);
  shutdown (session);
  g_object_unref (session);
}

/* An Avalon, guarded through its group, steps its work mode. */
static void
test_avalon (void)
{
  g_autofree char *db = temp_db ();
  HfSession *session = session_new (db);
  HfThermalGuardian *guardian = hf_session_get_guardian (session);
  HfMiner *avalon = add_miner (session, AVALON);
  Watch w;
  Wait wt = { 0 };

  fake_us = G_GINT64_CONSTANT (1820000000) * G_USEC_PER_SEC;
  hf_session_change_group_async (session, HF_GROUP_CHANGE_CREATE, "Shed", NULL, NULL, 0, NULL,
                                 changed_group_cb, &wt);
  hf_test_wait_for (&wt.done, 5000);
  g_assert_no_error (wt.error);
  wt.done = FALSE;
  hf_session_change_group_async (session, HF_GROUP_CHANGE_ADD, "Shed", NULL, &avalon, 1, NULL,
                                 changed_group_cb, &wt);
  hf_test_wait_for (&wt.done, 5000);
  g_assert_no_error (wt.error);
  /* Standard mode runs its chips at 78 °C: over 75. */
  guard (session, NULL, "shed", 75, 95, 10);
  g_assert_nonnull (hf_thermal_guardian_get_guard (guardian, avalon));
  watch_init (&w, session, avalon, 75);
  hf_session_start (session);
  RUN_UNTIL (w.steps_down == 1, 20000);
  g_assert_cmpint (hf_miner_get_reading (avalon)->work_mode, ==, 0);
  g_assert_cmpstr (w.last_what, ==, "work mode 1 → work mode 0: chip 78.0 °C over 75 °C");
  g_assert_cmpuint (hf_thermal_guardian_get_steps (guardian, avalon), ==, 1);
  /* Hot even in eco (40 °C around it: 82 °C), but eco is the lowest: no
   * further step, however long it stays. */
  g_assert_true (hf_test_sim_control (sim, AVALON, "{\"ambient_c\":40}"));
  run_for (2500);
  g_assert_cmpfloat (hf_guardian_chip_c (hf_miner_get_reading (avalon)), >, 75);
  fake_us += 5 * MIN_US;
  run_for (2500);
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 1);
  {
    g_autoptr(GPtrArray) states = hf_store_list_guardian_states (hf_session_get_store (session), NULL);

    g_assert_cmpuint (states->len, ==, 1);
    g_assert_cmpint (((HfGuardianState *) states->pdata[0])->orig_work_mode, ==, 1);
  }
  /* Its guard removed: back where it was at once, hot or not. */
  {
    const HfGuard *g = hf_thermal_guardian_get_guard (guardian, avalon);
    Wait wr = { 0 };

    hf_thermal_guardian_remove_async (guardian, g->id, NULL, removed_cb, &wr);
    hf_test_wait_for (&wr.done, 5000);
    g_assert_no_error (wr.error);
  }
  fake_us += MIN_US;
  RUN_UNTIL (w.steps_up == 1, 20000);
  g_assert_cmpint (hf_miner_get_reading (avalon)->work_mode, ==, 1);
  g_assert_cmpstr (w.last_what, ==, "work mode 0 → work mode 1: its guard was removed");
  g_assert_cmpuint (hf_thermal_guardian_get_steps (guardian, avalon), ==, 0);
  fake_us += 5 * MIN_US;
  run_for (2500);
  g_assert_cmpuint (hf_thermal_guardian_get_writes (guardian), ==, 2);
  watch_clear (&w);
  shutdown (session);
  g_object_unref (session);
}

/* ---- the CLI and the API -------------------------------------------------------- */

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

static void
test_api (void)
{
  g_autofree char *db = temp_db ();
  HfSession *session = session_new (db);
  g_autoptr(HfApiServer) server = hf_api_server_new (session);
  g_autoptr(SoupSession) http = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(GError) error = NULL;
  guint16 port;
  guint status;
  char *body;
  const char *bad[] = {
    "not json", "[]", "{}", "{\"address\":\"127.0.62.4\",\"chip_limit_c\":111}",
    "{\"address\":\"127.0.62.4\",\"chip_limit_c\":29}", "{\"address\":\"127.0.62.4\",\"cool_min\":0}",
    "{\"address\":\"127.0.62.4\",\"cool_min\":1441}", "{\"address\":\"127.0.62.4\",\"x\":1}",
    "{\"address\":\"127.0.62.4\",\"group\":\"g\"}",
  };

  add_miner (session, SPARE);
  hf_api_server_set_token (server, TOKEN);
  g_assert_true (hf_api_server_listen (server, "127.0.0.1:0", &error));
  port = hf_api_server_get_port (server);

  body = request (http, port, "GET", "/api/guards", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (body, ==, "{\"guards\":[],\"stepped_down\":[]}");
  g_free (body);
  body = request (http, port, "PUT", "/api/guards", NULL, "{\"address\":\"127.0.62.4\"}", &status);
  g_assert_cmpuint (status, ==, 401);
  g_free (body);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      body = request (http, port, "PUT", "/api/guards", TOKEN, bad[i], &status);
      g_assert_cmpuint (status, ==, 400);
      g_free (body);
    }
  body = request (http, port, "PUT", "/api/guards", TOKEN, "{\"address\":\"127.0.62.99\"}", &status);
  g_assert_cmpuint (status, ==, 404);
  g_free (body);
  body = request (http, port, "PUT", "/api/guards", TOKEN, "{\"group\":\"nobody\"}", &status);
  g_assert_cmpuint (status, ==, 404);
  g_free (body);

  body = request (http, port, "PUT", "/api/guards", TOKEN,
                  "{\"address\":\"127.0.62.4\",\"chip_limit_c\":66,\"vr_limit_c\":80,\"cool_min\":15}",
                  &status);
  g_assert_cmpuint (status, ==, 200);
  g_free (body);
  body = request (http, port, "GET", "/api/guards", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (body, "\"address\":\"127.0.62.4\",\"group\":null,\"chip_limit_c\":66.0,"
                                  "\"vr_limit_c\":80.0,\"cool_min\":15}"));
  g_free (body);
  /* Set again: replaced, not added. */
  body = request (http, port, "PUT", "/api/guards", TOKEN,
                  "{\"address\":\"127.0.62.4\",\"chip_limit_c\":68}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_free (body);
  g_assert_cmpuint (hf_thermal_guardian_get_guards (hf_session_get_guardian (session))->len, ==, 1);
  body = request (http, port, "GET", "/api/miners", TOKEN, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (body, "\"thermal_steps\":0}"));
  g_free (body);
  body = request (http, port, "PUT", "/api/guards", TOKEN,
                  "{\"address\":\"127.0.62.4\",\"remove\":true}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (body, ==, "{\"removed\":true}");
  g_free (body);
  body = request (http, port, "PUT", "/api/guards", TOKEN,
                  "{\"address\":\"127.0.62.4\",\"remove\":true}", &status);
  g_assert_cmpuint (status, ==, 404);
  g_free (body);
  {
    g_autoptr(GPtrArray) guards = hf_store_list_guards (hf_session_get_store (session), NULL);

    g_assert_cmpuint (guards->len, ==, 0);
  }
  body = request (http, port, "GET", "/api/miners", TOKEN, NULL, &status);
  g_assert_nonnull (strstr (body, "\"thermal_steps\":null}"));
  g_free (body);
  hf_api_server_disconnect (server);
  shutdown (session);
  g_object_unref (session);
}

static void
test_cli (void)
{
  g_autofree char *db = temp_db ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  {
    const char *args[] = { "guard", "set", SPARE, "--chip-limit", "66", "--cool-minutes", "20",
                           "--db", db, "--http-port", "18962", "--cgminer-port", "14962", NULL };
    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (out, ==, "guarding 127.0.62.4: chip 66 °C, VR 85 °C, back up after 20 min cool\n");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[][12] = {
      { "guard", "set", SPARE, "--chip-limit", "120", "--db", db, NULL },
      { "guard", "set", SPARE, "--cool-minutes", "0", "--db", db, NULL },
      { "guard", "set", SPARE, "--vr-limit", "20", "--db", db, NULL },
      { "guard", "set", "--group", "nobody", "--db", db, NULL },
      { "guard", "remove", "127.0.62.9", "--db", db, NULL },
      { "guard", "set", "--db", db, NULL },
      { "guard", "fly", "--db", db, NULL },
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
    const char *args[] = { "guard", "list", "--json", "--db", db, NULL };
    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "\"address\":\"127.0.62.4\",\"group\":null,\"chip_limit_c\":66.0,"
                                   "\"vr_limit_c\":85.0,\"cool_min\":20}],\"stepped_down\":[]}"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "guard", "remove", SPARE, "--db", db, NULL };
    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "guard", "--json", "--db", db, NULL };
    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (out, ==, "{\"guards\":[],\"stepped_down\":[]}\n");
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  g_test_add_func ("/guardian/rules", test_rules);
  g_test_add_func ("/guardian/guard-bounds", test_guard_bounds);
  g_test_add_func ("/guardian/flapping", test_flapping);
  sim = hf_test_sim_start_for (fleet_config, 230);
  g_test_add_func ("/guardian/heat-wave", test_heat_wave);
  g_test_add_func ("/guardian/restart", test_restart);
  g_test_add_func ("/guardian/backoff", test_backoff);
  g_test_add_func ("/guardian/avalon", test_avalon);
  g_test_add_func ("/guardian/api", test_api);
  g_test_add_func ("/guardian/cli", test_cli);

  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
