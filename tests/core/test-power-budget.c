/* test-power-budget.c — the power budget against hashfleet-sim
 * SPDX-License-Identifier: MIT
 *
 * Four AxeOS miners of different efficiencies and two Avalon Nano 3s on
 * loopback, a real SQLite file, an injected clock for the hold time:
 * the budget steps down and up, the fleet is under it within two poll
 * intervals, the least efficient go first and the most efficient come back
 * first, no miner is changed twice within five minutes, a miner that
 * cannot pause goes to its lowest work mode and back to the one it had,
 * and the budget and what it curtailed survive a restart.  Then the API:
 * no token, bad bodies, a good one, and hashfleet-cli budget through it;
 * MQTT through a real mosquitto.
 */
#include <math.h>
#include <string.h>

#include <libsoup/soup.h>
#include <mosquitto.h>

#include "hf-api-server.h"
#include "hf-mqtt.h"
#include "hf-test-broker.h"
#include "hf-power-budget.h"
#include "hf-scheduler.h"
#include "hf-session.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18987
#define CGMINER_PORT 14987
#define INTERVAL_S   2

/* J/TH: nerdqaxe 15.8, gamma 16.2, a slower gamma 19.8, ultra 24.9. */
static const char fleet_config[] =
  "[fleet]\nhttp-port=18987\ncgminer-port=14987\nstatic=true\n"
  "[miner 127.0.87.2]\nprofile=nerdqaxe\n"
  "[miner 127.0.87.3]\nprofile=gamma\n"
  "[miner 127.0.87.4]\nprofile=gamma\nhashrate=900\n"
  "[miner 127.0.87.5]\nprofile=ultra\n"
  "[miner 127.0.87.6]\nprofile=nano3s\n"
  "[miner 127.0.87.7]\nprofile=nano3s\n"
  "[miner 127.0.87.8]\nprofile=gamma\npower=99999\n"
  "[miner 127.0.87.9]\nprofile=gamma\npower=15000\npower-lies=true\n";

#define NERD  "127.0.87.2"
#define GAMMA "127.0.87.3"
#define SLOW  "127.0.87.4"
#define ULTRA "127.0.87.5"
#define AVA1  "127.0.87.6"
#define AVA2  "127.0.87.7"
#define ABSURD "127.0.87.8"     /* reports 99999 W */
#define LIAR   "127.0.87.9"     /* 15 kW, and as much once paused */

static HfTestSim *sim;
static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
  HfMiner *miner;
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
  w->miner = hf_session_add_finish (HF_SESSION (source), result, NULL, &w->error);
  w->done = TRUE;
}

static void
shut_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_shutdown_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
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
  hf_session_set_poll_interval (session, INTERVAL_S);
  hf_power_budget_set_clock (hf_session_get_power_budget (session), fake_clock, NULL);
  hf_session_load_async (session, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  return session;
}

static void
add (HfSession  *session,
     const char *address)
{
  Wait w = { 0 };

  hf_session_add_async (session, address, 0, 0, NULL, added_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  g_clear_object (&w.miner);
}

static void
shutdown (HfSession *session)
{
  Wait w = { 0 };

  hf_session_shutdown_async (session, 5000, shut_cb, &w);
  hf_test_wait_for (&w.done, 6000);
  g_assert_no_error (w.error);
}

static void
cycle_cb (HfFleet *fleet, guint polled, guint answered, guint elapsed_ms, guint *cycles)
{
  (*cycles)++;
}

/* Let @n poll cycles end. */
static void
cycles (HfSession *session,
        guint      n)
{
  guint done = 0;
  gulong id = g_signal_connect (hf_session_get_fleet (session), "cycle-finished",
                                G_CALLBACK (cycle_cb), &done);
  gint64 deadline = g_get_monotonic_time () + (n * INTERVAL_S + 10) * G_USEC_PER_SEC;

  while (done < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (hf_session_get_fleet (session), id);
}

/* Until every miner in @session answered a cycle. */
static void
all_online (HfSession *session)
{
  HfFleet *fleet = hf_session_get_fleet (session);

  for (guint i = 0; i < 10 && hf_fleet_get_online_count (fleet) < hf_fleet_get_total_count (fleet); i++)
    cycles (session, 1);
  g_assert_cmpuint (hf_fleet_get_online_count (fleet), ==, hf_fleet_get_total_count (fleet));
}

static HfMiner *
miner (HfSession  *session,
       const char *address)
{
  HfMiner *m = hf_fleet_lookup_address (hf_session_get_fleet (session), address);

  g_assert_nonnull (m);
  return m;
}

static gboolean
curtailed (HfSession  *session,
           const char *address)
{
  return hf_power_budget_is_curtailed (hf_session_get_power_budget (session),
                                       miner (session, address));
}

/* Paused as its reading says: the miner says so (AxeOS miningPaused), or
 * (NerdOS says nothing) it hashes nothing. */
static gboolean
paused (HfSession  *session,
        const char *address)
{
  const HfReading *r = hf_miner_get_reading (miner (session, address));

  g_assert_nonnull (r);
  return r->paused || r->hashrate_ghs == 0;
}

static double
measured (HfSession *session)
{
  gboolean estimated = TRUE;
  double w = hf_power_budget_get_power (hf_session_get_power_budget (session), &estimated);

  /* The AxeOS miners report their own power. */
  g_assert_false (estimated);
  return w;
}

static guint
pauses (const char *address)
{
  return hf_test_sim_events (sim, "pause", address, 0, 0);
}

static guint
resumes (const char *address)
{
  return hf_test_sim_events (sim, "resume", address, 0, 0);
}

static void
test_steps (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-budget-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  HfSession *session;
  HfPowerBudget *budget;
  const char *axeos[] = { NERD, GAMMA, SLOW, ULTRA };
  double total;

  fake_now = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;
  session = session_new (db);
  budget = hf_session_get_power_budget (session);
  for (guint i = 0; i < G_N_ELEMENTS (axeos); i++)
    add (session, axeos[i]);
  hf_session_start (session);
  all_online (session);
  total = measured (session);
  g_assert_cmpfloat_with_epsilon (total, 76.0 + 17.8 + 17.8 + 11.2, 0.01);

  /* 122.8 W for 100: the two least efficient go (ultra, then the slow gamma), and
   * the fleet is under the budget within two poll intervals. */
  hf_session_set_power_budget (session, 100);
  cycles (session, 2);
  g_assert_true (curtailed (session, ULTRA));
  g_assert_true (curtailed (session, SLOW));
  g_assert_false (curtailed (session, GAMMA));
  g_assert_false (curtailed (session, NERD));
  g_assert_true (paused (session, ULTRA));
  g_assert_true (paused (session, SLOW));
  g_assert_false (paused (session, GAMMA));
  g_assert_cmpfloat (measured (session), <=, 100);
  g_assert_cmpuint (pauses (ULTRA), ==, 1);
  g_assert_cmpuint (pauses (SLOW), ==, 1);
  g_assert_cmpuint (pauses (GAMMA), ==, 0);
  {
    g_autoptr(GPtrArray) list = hf_power_budget_list_curtailed (budget);
    HfCurtailed *first;

    g_assert_cmpuint (list->len, ==, 2);
    first = g_ptr_array_index (list, 0);
    g_assert_cmpstr (hf_miner_get_address (first->miner), ==, ULTRA);
    g_assert_cmpint (first->how, ==, HF_CURTAIL_PAUSE);
    g_assert_cmpfloat_with_epsilon (first->j_th, 11.2 / 0.45, 0.1);
  }

  /* Down to 85: gamma (16.2 J/TH) goes, the NerdQAxe (15.8) stays. */
  hf_session_set_power_budget (session, 85);
  cycles (session, 2);
  g_assert_true (paused (session, GAMMA));
  g_assert_false (paused (session, NERD));
  g_assert_cmpfloat (measured (session), <=, 85);
  /* Within 5 % over it nothing moves: 83 W for 80 asks nothing more. */
  hf_session_set_power_budget (session, 80);
  cycles (session, 1);
  g_assert_false (curtailed (session, NERD));
  g_assert_cmpuint (pauses (NERD), ==, 0);

  /* Up to 110, but all three changed less than five minutes ago. */
  hf_session_set_power_budget (session, 110);
  cycles (session, 2);
  g_assert_cmpuint (resumes (GAMMA) + resumes (SLOW) + resumes (ULTRA), ==, 0);
  g_assert_true (curtailed (session, GAMMA));

  /* Five minutes later the most efficient (gamma) comes back; the slow gamma and
   * ultra would take the fleet past 95 % of 110 W. */
  fake_now += (HF_POWER_BUDGET_HOLD_S + 1) * G_USEC_PER_SEC;
  cycles (session, 2);
  g_assert_cmpuint (resumes (GAMMA), ==, 1);
  g_assert_false (paused (session, GAMMA));
  g_assert_false (curtailed (session, GAMMA));
  g_assert_true (curtailed (session, SLOW));
  g_assert_true (curtailed (session, ULTRA));
  g_assert_cmpuint (resumes (SLOW) + resumes (ULTRA), ==, 0);
  g_assert_cmpfloat (measured (session), <=, 110);

  /* Down again at once: gamma was changed just now and is left alone,
   * so the NerdQAxe, the only one left, goes. */
  hf_session_set_power_budget (session, 60);
  cycles (session, 2);
  g_assert_cmpuint (pauses (GAMMA), ==, 1);
  g_assert_false (paused (session, GAMMA));
  g_assert_true (paused (session, NERD));
  /* With 60 W and the NerdQAxe paused there is room for the slow gamma
   * (changed long enough ago), not for ultra as well. */
  g_assert_cmpuint (resumes (SLOW), ==, 1);
  g_assert_false (curtailed (session, SLOW));
  g_assert_true (curtailed (session, ULTRA));
  g_assert_cmpfloat (measured (session), <=, 60);
  shutdown (session);
  g_clear_object (&session);

  /* A restart keeps the budget and what it curtailed, and changes nothing
   * within the hold time (the NerdQAxe). */
  session = session_new (db);
  budget = hf_session_get_power_budget (session);
  g_assert_cmpfloat (hf_power_budget_get_watts (budget), ==, 60);
  g_assert_true (curtailed (session, NERD));
  g_assert_true (curtailed (session, ULTRA));
  g_assert_false (curtailed (session, SLOW));
  g_assert_false (curtailed (session, GAMMA));
  hf_session_start (session);
  all_online (session);
  hf_session_set_power_budget (session, 0);
  cycles (session, 2);
  g_assert_cmpuint (resumes (NERD), ==, 0);
  g_assert_true (curtailed (session, NERD));
  /* Off, and the hold time over: every miner it curtailed mines again. */
  fake_now += (HF_POWER_BUDGET_HOLD_S + 1) * G_USEC_PER_SEC;
  cycles (session, 2);
  for (guint i = 0; i < G_N_ELEMENTS (axeos); i++)
    {
      g_assert_false (paused (session, axeos[i]));
      g_assert_false (curtailed (session, axeos[i]));
    }
  g_assert_cmpuint (resumes (NERD), ==, 1);
  g_assert_cmpuint (resumes (SLOW), ==, 1);
  g_assert_cmpuint (resumes (ULTRA), ==, 1);
  g_assert_cmpfloat_with_epsilon (measured (session), 122.8, 0.01);
  shutdown (session);
  g_clear_object (&session);
}

static int
work_mode (HfSession  *session,
           const char *address)
{
  const HfReading *r = hf_miner_get_reading (miner (session, address));

  g_assert_nonnull (r);
  return r->work_mode;
}

static gboolean
skip_ava1 (HfMiner  *m,
           gpointer  user_data)
{
  return g_str_equal (hf_miner_get_address (m), AVA1);
}

/* A miner that cannot pause (here: the budget told not to) goes to its
 * lowest work mode, and back to the one it had. */
static void
test_work_mode (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-budget-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  HfSession *session;
  HfPowerBudget *budget;
  g_autoptr(GPtrArray) list = NULL;
  HfCurtailed *c;

  fake_now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  session = session_new (db);
  budget = hf_session_get_power_budget (session);
  hf_power_budget_set_unused_capabilities (budget, HF_CAP_PAUSE);
  add (session, AVA1);
  add (session, AVA2);
  add (session, GAMMA);
  hf_session_start (session);
  all_online (session);
  g_assert_cmpint (work_mode (session, AVA1), ==, 1);
  g_assert_cmpfloat_with_epsilon (measured (session), 297.8, 0.01);

  /* 297.8 W for 275: one Avalon (23.3 J/TH, the same for both: the first
   * address would go, but a schedule keeps it as it is: the skip function)
   * to eco, 112 W instead of 140: 269.8 W. */
  hf_power_budget_set_skip_func (budget, skip_ava1, NULL, NULL);
  hf_session_set_power_budget (session, 275);
  cycles (session, 2);
  list = hf_power_budget_list_curtailed (budget);
  g_assert_cmpuint (list->len, ==, 1);
  c = g_ptr_array_index (list, 0);
  g_assert_cmpint (c->how, ==, HF_CURTAIL_WORK_MODE);
  g_assert_cmpint (c->previous_mode, ==, 1);
  g_assert_cmpstr (hf_miner_get_address (c->miner), ==, AVA2);
  g_assert_cmpint (work_mode (session, AVA2), ==, 0);
  g_assert_cmpint (work_mode (session, AVA1), ==, 1);
  g_assert_false (paused (session, AVA2));
  g_assert_cmpuint (pauses (AVA2), ==, 0);
  g_assert_cmpfloat (measured (session), <=, 275);

  /* 200 W, no schedule: the other Avalon goes to eco too; still over, and
   * the Gamma, next, can do neither (pausing is not for the budget here):
   * said. */
  hf_power_budget_set_skip_func (budget, NULL, NULL, NULL);
  hf_session_set_power_budget (session, 200);
  cycles (session, 2);
  g_assert_cmpint (work_mode (session, AVA1), ==, 0);
  g_assert_false (paused (session, GAMMA));
  g_assert_cmpstr (hf_power_budget_get_note (budget, miner (session, GAMMA)), ==,
                   "it can neither pause nor change its work mode");

  /* Off, and the hold time over: both back in standard mode. */
  hf_session_set_power_budget (session, 0);
  fake_now += (HF_POWER_BUDGET_HOLD_S + 1) * G_USEC_PER_SEC;
  cycles (session, 3);
  g_assert_cmpint (work_mode (session, AVA1), ==, 1);
  g_assert_cmpint (work_mode (session, AVA2), ==, 1);
  g_assert_false (curtailed (session, AVA1));
  g_assert_false (curtailed (session, AVA2));
  shutdown (session);
  g_clear_object (&session);
}

/* ---- the API ---------------------------------------------------------------- */

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

static char *
request_path (SoupSession *client,
              guint16      port,
              const char  *path,
              const char  *method,
              const char  *token,
              const char  *body,
              guint       *status);

static char *
request (SoupSession *client,
         guint16      port,
         const char  *method,
         const char  *token,
         const char  *body,
         guint       *status)
{
  return request_path (client, port, "/api/power-budget", method, token, body, status);
}

static char *
request_path (SoupSession *client,
              guint16      port,
              const char  *path,
              const char  *method,
              const char  *token,
              const char  *body,
              guint       *status)
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
  soup_session_send_and_read_async (client, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &a);
  hf_test_wait_for (&a.done, 10000);
  *status = a.status;
  text = g_strndup (g_bytes_get_data (a.body, NULL), g_bytes_get_size (a.body));
  g_bytes_unref (a.body);
  return text;
}

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
} Run;

static void
communicated_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err,
                                        &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

/* hashfleet-cli with @args (NULL-terminated), while this process's main
 * loop serves the API it talks to; its exit status, its stdout in *@out. */
static int
run_cli (const char * const *args,
         const char         *token,
         char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  g_ptr_array_add (argv, (gpointer) g_getenv ("HF_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "HASHFLEET_API_URL");
  if (token != NULL)
    g_subprocess_launcher_setenv (launcher, "HASHFLEET_API_TOKEN", token, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "HASHFLEET_API_TOKEN");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated_cb, &run);
  hf_test_wait_for (&run.done, 20000);
  g_subprocess_wait (process, NULL, NULL);
  if (out != NULL)
    *out = g_steal_pointer (&run.out);
  g_free (run.out);
  g_free (run.err);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static void
removed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_session_remove_finish (HF_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static void
kept_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_scheduler_add_finish (HF_SCHEDULER (source), result, &w->error) > 0;
  w->done = TRUE;
}

/* Every day, all day, in @state, for @address. */
static void
schedule (HfSession  *session,
          const char *address,
          const char *state)
{
  g_autoptr(HfSchedule) s = hf_schedule_new ();
  HfScheduler *scheduler = hf_session_get_scheduler (session);
  guint before = hf_scheduler_get_schedules (scheduler)->len;
  Wait w = { 0 };

  g_assert_true (hf_schedule_parse_days ("daily", &s->days, NULL));
  g_assert_true (hf_schedule_parse_time_range ("00:00-23:59", &s->start_min, &s->end_min, NULL));
  g_assert_true (hf_schedule_parse_state (state, &s->state, NULL));
  hf_scheduler_add_async (scheduler, s, miner (session, address), NULL, kept_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_no_error (w.error);
  while (hf_scheduler_get_schedules (scheduler)->len == before)
    g_main_context_iteration (NULL, TRUE);
}

/* The session makes schedules and the budget agree: a miner its schedule
 * keeps paused is not the budget's (neither curtailed nor counted), and a
 * miner the budget curtailed is not resumed by a schedule that wants it
 * mining, however long that lasts, until the budget brings it back. */
static void
test_with_schedules (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-budget-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  HfSession *session;
  HfScheduler *scheduler;
  double power, slow_w;
  guint slow_resumes;

  /* Friday 2027-01-15 08:00 UTC: inside both schedules' range. */
  fake_now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  session = session_new (db);
  scheduler = hf_session_get_scheduler (session);
  hf_scheduler_set_clock (scheduler, fake_clock, NULL);
  hf_scheduler_set_time_zone (scheduler, utc);
  while (!hf_scheduler_get_loaded (scheduler))
    g_main_context_iteration (NULL, TRUE);
  add (session, NERD);
  add (session, GAMMA);
  add (session, SLOW);
  add (session, ULTRA);
  hf_session_start (session);
  all_online (session);

  /* The least efficient is kept paused by its schedule; the slow Gamma,
   * next, is to be mining. */
  schedule (session, ULTRA, "paused");
  schedule (session, SLOW, "mining");
  cycles (session, 3);
  g_assert_true (paused (session, ULTRA));
  g_assert_false (paused (session, SLOW));
  g_assert_false (curtailed (session, ULTRA));

  /* A budget the fleet is over by most of the slow Gamma's power: the
   * budget passes over the paused Ultra and curtails the slow Gamma. */
  power = measured (session);
  slow_w = hf_miner_get_reading (miner (session, SLOW))->power_w;
  g_assert_cmpfloat (slow_w, >, 1);
  hf_session_set_power_budget (session, power - 0.8 * slow_w);
  cycles (session, 2);
  g_assert_true (curtailed (session, SLOW));
  g_assert_true (paused (session, SLOW));
  g_assert_false (curtailed (session, ULTRA));
  g_assert_false (curtailed (session, GAMMA));
  g_assert_false (curtailed (session, NERD));
  g_assert_cmpfloat (measured (session), <=, power - 0.8 * slow_w);

  /* Minutes pass (the scheduler would write once a minute): its schedule
   * says mining, but the budget holds it. */
  slow_resumes = resumes (SLOW);
  for (int i = 0; i < 3; i++)
    {
      fake_now += 90 * G_USEC_PER_SEC;
      cycles (session, 1);
    }
  g_assert_cmpuint (resumes (SLOW), ==, slow_resumes);
  g_assert_true (paused (session, SLOW));

  /* Its schedule now wants it paused too (the newer schedule wins): the
   * budget, off and past its hold time, leaves it to the schedule rather
   * than resume it. */
  schedule (session, SLOW, "paused");
  hf_session_set_power_budget (session, 0);
  fake_now += (HF_POWER_BUDGET_HOLD_S + 1) * G_USEC_PER_SEC;
  cycles (session, 3);
  g_assert_cmpuint (resumes (SLOW), ==, slow_resumes);
  g_assert_true (paused (session, SLOW));
  g_assert_true (paused (session, ULTRA));

  /* Removed from the fleet, it is no longer the budget's. */
  {
    g_autoptr(GPtrArray) list = NULL;
    Wait w = { 0 };

    g_assert_true (curtailed (session, SLOW));
    hf_session_remove_async (session, miner (session, SLOW), FALSE, NULL, removed_cb, &w);
    hf_test_wait_for (&w.done, 5000);
    g_assert_no_error (w.error);
    list = hf_power_budget_list_curtailed (hf_session_get_power_budget (session));
    g_assert_cmpuint (list->len, ==, 0);
  }
  shutdown (session);
  g_clear_object (&session);
}

/* Broken or lying miners do not make the budget pause the honest ones: a
 * reading of 99999 W is not believed (the miner is left alone, said), and
 * a miner that reports as much paused as mining is counted as paused. */
static void
test_liars (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-budget-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  const char *honest[] = { NERD, GAMMA, SLOW, ULTRA };
  HfSession *session;
  double power;
  guint before[G_N_ELEMENTS (honest)], liar_before;

  fake_now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  session = session_new (db);
  /* The simulator counts since it started: earlier cases paused these. */
  for (guint i = 0; i < G_N_ELEMENTS (honest); i++)
    {
      add (session, honest[i]);
      before[i] = pauses (honest[i]);
    }
  liar_before = pauses (LIAR);
  add (session, ABSURD);
  hf_session_start (session);
  all_online (session);
  power = measured (session);
  /* The honest four; the absurd one is not counted. */
  g_assert_cmpfloat (power, <, 200);

  hf_session_set_power_budget (session, 250);
  cycles (session, 2);
  g_assert_false (curtailed (session, ABSURD));
  for (guint i = 0; i < G_N_ELEMENTS (honest); i++)
    {
      g_assert_false (curtailed (session, honest[i]));
      g_assert_cmpuint (pauses (honest[i]), ==, before[i]);
    }

  /* Over the budget for real: 15 kW.  The liar, least efficient by far,
   * goes first; paused, it still says 15 kW, which is not believed, so
   * nobody else is paused, however many cycles pass. */
  add (session, LIAR);
  all_online (session);
  cycles (session, 4);
  g_assert_true (curtailed (session, LIAR));
  g_assert_cmpuint (pauses (LIAR), ==, liar_before + 1);
  g_assert_true (paused (session, LIAR));
  g_assert_cmpfloat (hf_miner_get_reading (miner (session, LIAR))->power_w, >, 10000);
  for (guint i = 0; i < G_N_ELEMENTS (honest); i++)
    {
      g_assert_false (curtailed (session, honest[i]));
      g_assert_cmpuint (pauses (honest[i]), ==, before[i]);
    }
  shutdown (session);
  g_clear_object (&session);
}

static void
test_api (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-budget-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  /* No proxy: the desktop's settings do not exist in a test. */
  g_autoptr(SoupSession) client = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(HfApiServer) server = NULL;
  g_autoptr(GError) error = NULL;
  HfSession *session;
  const char *token = "budget-test-token-0123456789";
  const char *bad[] = {
    "", "{", "[]", "{}", "{\"watts\": \"100\"}", "{\"watts\": -1}", "{\"watts\": null}",
    "{\"watts\": true}", "{\"watts\": 1e300}", "{\"watts\": [100]}",
    /* Under a watt: no fleet can be kept under it. */
    "{\"watts\": 0.0001}", "{\"watts\": 1e-320}",
  };
  guint status;
  guint16 port;

  fake_now = G_GINT64_CONSTANT (1900000000) * G_USEC_PER_SEC;
  session = session_new (db);
  add (session, GAMMA);
  server = hf_api_server_new (session);
  hf_api_server_set_token (server, token);
  g_assert_true (hf_api_server_listen (server, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  port = hf_api_server_get_port (server);

  {
    g_autofree char *text = request (client, port, "PUT", NULL, "{\"watts\": 100}", &status);
    g_assert_cmpuint (status, ==, 401);
  }
  {
    g_autofree char *text = request (client, port, "PUT", "wrong-token-wrong-token", "{\"watts\": 100}",
                                     &status);
    g_assert_cmpuint (status, ==, 401);
  }
  g_assert_cmpfloat (hf_power_budget_get_watts (hf_session_get_power_budget (session)), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = request (client, port, "PUT", token, bad[i], &status);

      if (status != 400)
        g_error ("body %s: %u %s", bad[i], status, text);
      g_assert_nonnull (strstr (text, "\"error\""));
    }
  g_assert_cmpfloat (hf_power_budget_get_watts (hf_session_get_power_budget (session)), ==, 0);
  {
    g_autofree char *big = g_strdup_printf ("{\"watts\": 100, \"pad\": \"%0*d\"}", 20000, 0);
    g_autofree char *text = request (client, port, "PUT", token, big, &status);

    g_assert_cmpuint (status, ==, 413);
  }
  {
    g_autofree char *text = request (client, port, "PUT", token, "{\"watts\": 1500.5}", &status);

    g_assert_cmpuint (status, ==, 200);
    g_assert_nonnull (strstr (text, "\"watts\":1500.5"));
  }
  g_assert_cmpfloat (hf_power_budget_get_watts (hf_session_get_power_budget (session)), ==, 1500.5);
  {
    g_autofree char *refused = request (client, port, "GET", NULL, NULL, &status);
    g_autofree char *text = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *o;

    /* With a token set, reading needs it too. */
    g_assert_cmpuint (status, ==, 401);
    text = request (client, port, "GET", token, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
    o = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpfloat (json_object_get_double_member (o, "watts"), ==, 1500.5);
    g_assert_true (json_object_get_boolean_member (o, "enabled"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "curtailed")), ==, 0);
  }
  {
    g_autofree char *text = request_path (client, port, "/api/stats", "GET", token, NULL, &status);

    g_assert_cmpuint (status, ==, 200);
    g_assert_nonnull (strstr (text, "\"power_budget\":{\"watts\":1500.5,\"curtailed\":0}"));
  }
  {
    g_autofree char *text = request (client, port, "PUT", token, "{\"watts\": 0}", &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_nonnull (strstr (text, "\"enabled\":false"));
  }

  /* hashfleet-cli budget, through the same API. */
  {
    g_autofree char *api = g_strdup_printf ("http://127.0.0.1:%u", port);
    g_autofree char *out = NULL;
    const char *set[] = { "budget", "--api", api, "--watts", "321", NULL };
    const char *show[] = { "budget", "--api", api, "--json", NULL };
    const char *table[] = { "budget", "--api", api, NULL };
    const char *negative[] = { "budget", "--api", api, "--watts", "-2", NULL };

    g_assert_cmpint (run_cli (set, NULL, NULL), ==, 2);           /* no token */
    g_assert_cmpint (run_cli (set, "wrong-token-wrong-token", NULL), ==, 1);
    g_assert_cmpint (run_cli (negative, token, NULL), ==, 2);
    g_assert_cmpfloat (hf_power_budget_get_watts (hf_session_get_power_budget (session)), ==, 0);
    g_assert_cmpint (run_cli (set, token, NULL), ==, 0);
    g_assert_cmpfloat (hf_power_budget_get_watts (hf_session_get_power_budget (session)), ==, 321);
    g_assert_cmpint (run_cli (show, token, &out), ==, 0);
    g_assert_nonnull (strstr (out, "\"watts\":321"));
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (table, token, &out), ==, 0);
    g_assert_nonnull (strstr (out, "Power budget: 321 W"));
  }
  hf_api_server_disconnect (server);
  shutdown (session);
  g_clear_object (&session);
}

/* ---- MQTT ----------------------------------------------------------------------- */

/* Publish @payload on @topic through the broker on @port (a client of its
 * own, as Home Assistant would). */
static void
mqtt_publish (guint16     port,
              const char *topic,
              const char *payload,
              gboolean    retain)
{
  struct mosquitto *mosq = mosquitto_new (NULL, TRUE, NULL);

  g_assert_nonnull (mosq);
  g_assert_cmpint (mosquitto_connect (mosq, "127.0.0.1", port, 10), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (mosquitto_publish (mosq, NULL, topic, (int) strlen (payload), payload, 1, retain),
                   ==, MOSQ_ERR_SUCCESS);
  for (int i = 0; i < 20; i++)
    mosquitto_loop (mosq, 50, 1);
  mosquitto_disconnect (mosq);
  mosquitto_destroy (mosq);
}

static void
wait_watts (HfSession *session,
            double     watts)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (hf_power_budget_get_watts (hf_session_get_power_budget (session)) != watts)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Let the main loop run @ms (the broker and our client talk meanwhile). */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static void
test_mqtt (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-budget-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  HfTestBroker *broker = hf_test_broker_start ();
  guint16 port = hf_test_broker_get_port (broker);
  HfTestSubscriber *sub = hf_test_subscriber_new (port);
  g_autofree char *url = g_strdup_printf ("mqtt://127.0.0.1:%u", port);
  g_autoptr(GError) error = NULL;
  HfSession *session;
  HfMqtt *mqtt;
  guint mark;

  fake_now = G_GINT64_CONSTANT (2000000000) * G_USEC_PER_SEC;
  session = session_new (db);
  add (session, GAMMA);
  /* Left on the broker before Hashfleet came: not someone asking now. */
  mqtt_publish (port, "hashfleet/power_budget/set", "300", TRUE);
  mqtt = hf_mqtt_start_for_session (session, url, NULL, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mqtt);
  /* Discovery: a number entity for Home Assistant, and the state. */
  g_assert_true (hf_test_subscriber_wait (sub, 0,
                                          "homeassistant/number/hashfleet_fleet/power_budget/config",
                                          NULL, 1, 10000));
  g_assert_true (hf_test_subscriber_wait (sub, 0, "hashfleet/power_budget/state", NULL, 1, 10000));
  run_for (500);
  g_assert_cmpfloat (hf_power_budget_get_watts (hf_session_get_power_budget (session)), ==, 0);
  mqtt_publish (port, "hashfleet/power_budget/set", "", TRUE);

  mark = hf_test_subscriber_count (sub);
  mqtt_publish (port, "hashfleet/power_budget/set", "150", FALSE);
  wait_watts (session, 150);
  g_assert_true (hf_test_subscriber_wait (sub, mark, "hashfleet/power_budget/state", NULL, 1, 10000));
  /* Not a number of watts: ignored. */
  mqtt_publish (port, "hashfleet/power_budget/set", "-5", FALSE);
  mqtt_publish (port, "hashfleet/power_budget/set", "lots", FALSE);
  mqtt_publish (port, "hashfleet/power_budget/set", "nan", FALSE);
  mqtt_publish (port, "hashfleet/power_budget/set", "0x40", FALSE);
  mqtt_publish (port, "hashfleet/power_budget/set", "1e-300", FALSE);
  mqtt_publish (port, "hashfleet/power_budget/set", "0.5", FALSE);
  run_for (1000);
  g_assert_cmpfloat (hf_power_budget_get_watts (hf_session_get_power_budget (session)), ==, 150);
  /* 0: no budget. */
  mqtt_publish (port, "hashfleet/power_budget/set", "0", FALSE);
  wait_watts (session, 0);
  /* Without control allowed, refused. */
  hf_mqtt_set_allow_control (mqtt, FALSE);
  mqtt_publish (port, "hashfleet/power_budget/set", "99", FALSE);
  run_for (1000);
  g_assert_cmpfloat (hf_power_budget_get_watts (hf_session_get_power_budget (session)), ==, 0);

  shutdown (session);
  g_clear_object (&session);
  hf_test_subscriber_free (sub);
  hf_test_broker_stop (broker);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  sim = hf_test_sim_start_for (fleet_config, 300);

  g_test_add_func ("/power-budget/steps", test_steps);
  g_test_add_func ("/power-budget/work-mode", test_work_mode);
  g_test_add_func ("/power-budget/with-schedules", test_with_schedules);
  g_test_add_func ("/power-budget/liars", test_liars);
  g_test_add_func ("/power-budget/api", test_api);
  g_test_add_func ("/power-budget/mqtt", test_mqtt);

  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
