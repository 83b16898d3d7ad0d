/* test-states.c — what a miner is doing, from the simulator's profiles to
 * status --json, the table, /api/miners, /api/stats and /metrics
 * SPDX-License-Identifier: MIT
 *
 * hashfleet-sim puts its miners in states by configuration keys (paused,
 * overheat, power-fault, fallback, hashrate=0, no-shares) on 127.0.72.x;
 * the tests read them back through every face.
 */
#include <math.h>
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "hf-api-server.h"
#include "hf-json.h"
#include "hf-limits.h"
#include "hf-session.h"
#include "hf-store-events.h"
#include "hf-state.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18720
#define CGMINER_PORT 14720

static const char fleet_config[] =
  "[fleet]\nhttp-port=18720\ncgminer-port=14720\nstatic=true\nrestart-seconds=1\n"
  /* AxeOS, current firmware: every state it reports. */
  "[miner 127.0.72.2]\nprofile=gamma\n"
  "[miner 127.0.72.3]\nprofile=gamma\npaused=true\n"
  "[miner 127.0.72.4]\nprofile=gamma\noverheat=true\n"
  "[miner 127.0.72.5]\nprofile=gamma\nfallback=true\n"
  "[miner 127.0.72.6]\nprofile=gamma\nhashrate=0\n"
  "[miner 127.0.72.7]\nprofile=gamma\npower-fault=true\npaused=true\n"
  /* Several at once: the order of HfState wins. */
  "[miner 127.0.72.8]\nprofile=gamma\noverheat=true\npaused=true\nfallback=true\n"
  /* AxeOS 2.4 and NerdOS spell it their way. */
  "[miner 127.0.72.9]\nprofile=supra\nfallback=true\n"
  "[miner 127.0.72.10]\nprofile=supra\noverheat=true\n"
  "[miner 127.0.72.11]\nprofile=nerdqaxe\nfallback=true\n"
  "[miner 127.0.72.12]\nprofile=nerdqaxe\nhashrate=0\n"
  /* Antminer: sleep mode (the web CGI says), the second pool, 0 H/s awake. */
  "[miner 127.0.72.13]\nprofile=s19pro\n"
  "[miner 127.0.72.14]\nprofile=s19pro\npaused=true\n"
  "[miner 127.0.72.15]\nprofile=s19pro\nfallback=true\n"
  "[miner 127.0.72.16]\nprofile=s19pro\nhashrate=0\n"
  /* Whatsminer: powered off (status says), the second pool, 0 H/s. */
  "[miner 127.0.72.17]\nprofile=m30s\n"
  "[miner 127.0.72.18]\nprofile=m30s\npaused=true\n"
  "[miner 127.0.72.19]\nprofile=m30s\nfallback=true\n"
  "[miner 127.0.72.20]\nprofile=m30s\nhashrate=0\n"
  /* Avalon: soft off, the second pool, 0 H/s. */
  "[miner 127.0.72.21]\nprofile=nano3s\n"
  "[miner 127.0.72.22]\nprofile=nano3s\npaused=true\n"
  "[miner 127.0.72.23]\nprofile=q\nfallback=true\n"
  "[miner 127.0.72.24]\nprofile=nano3s\nhashrate=0\n"
  /* Any other cgminer: the second pool, 0 H/s. */
  "[miner 127.0.72.25]\nprofile=cgminer\n"
  "[miner 127.0.72.26]\nprofile=cgminer\nfallback=true\n"
  "[miner 127.0.72.27]\nprofile=cgminer\nhashrate=0\n"
  /* Paused and resumed through the drivers. */
  "[miner 127.0.72.40]\nprofile=gamma\n"
  "[miner 127.0.72.41]\nprofile=s19pro\n"
  "[miner 127.0.72.42]\nprofile=m30s\n"
  "[miner 127.0.72.43]\nprofile=nano3s\n"
  /* No share accepted: with a pool that makes shares frequent, and rare. */
  "[miner 127.0.72.50]\nprofile=gamma\nno-shares=true\npool-difficulty=1\n"
  "[miner 127.0.72.51]\nprofile=gamma\nno-shares=true\n"
  /* Found blocks: one every 2 s (AxeOS blockFound, cgminer Found Blocks),
   * and two already, forgotten at a restart. */
  "[miner 127.0.72.70]\nprofile=gamma\nblock-every=2\n"
  "[miner 127.0.72.71]\nprofile=s19pro\nfound-blocks=2\n"
  "[miner 127.0.72.72]\nprofile=m30s\nblock-every=2\n"
  /* Gone: never answers. */
  "[miner 127.0.72.60]\nprofile=gamma\nfault=refuse\n";

typedef struct
{
  const char *ip;
  HfState     state;
} Expect;

static const Expect expected[] = {
  { "127.0.72.2", HF_STATE_HASHING },
  { "127.0.72.3", HF_STATE_PAUSED },
  { "127.0.72.4", HF_STATE_OVERHEATED },
  { "127.0.72.5", HF_STATE_FALLBACK_POOL },
  { "127.0.72.6", HF_STATE_NOT_HASHING },
  { "127.0.72.7", HF_STATE_POWER_FAULT },
  { "127.0.72.8", HF_STATE_OVERHEATED },
  { "127.0.72.9", HF_STATE_FALLBACK_POOL },
  { "127.0.72.10", HF_STATE_OVERHEATED },
  { "127.0.72.11", HF_STATE_FALLBACK_POOL },
  { "127.0.72.12", HF_STATE_NOT_HASHING },
  { "127.0.72.13", HF_STATE_HASHING },
  { "127.0.72.14", HF_STATE_PAUSED },
  { "127.0.72.15", HF_STATE_FALLBACK_POOL },
  { "127.0.72.16", HF_STATE_NOT_HASHING },
  { "127.0.72.17", HF_STATE_HASHING },
  { "127.0.72.18", HF_STATE_PAUSED },
  { "127.0.72.19", HF_STATE_FALLBACK_POOL },
  { "127.0.72.20", HF_STATE_NOT_HASHING },
  { "127.0.72.21", HF_STATE_HASHING },
  { "127.0.72.22", HF_STATE_PAUSED },
  { "127.0.72.23", HF_STATE_FALLBACK_POOL },
  { "127.0.72.24", HF_STATE_NOT_HASHING },
  { "127.0.72.25", HF_STATE_HASHING },
  { "127.0.72.26", HF_STATE_FALLBACK_POOL },
  { "127.0.72.27", HF_STATE_NOT_HASHING },
};

static HfTestSim *sim;

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-6 * MAX (1.0, fabs ((double) (b))))

/* ---- the words and their order ----------------------------------------- */

static void
test_names (void)
{
  static const char *const names[HF_N_STATES] = {
    "unknown", "hashing", "fallback-pool", "not-hashing", "paused", "overheated",
    "power-fault", "updating", "offline", "restarting",
  };
  GEnumClass *klass = g_type_class_ref (HF_TYPE_STATE);

  for (guint i = 0; i < HF_N_STATES; i++)
    {
      HfState back = HF_STATE_UNKNOWN;

      g_assert_cmpstr (hf_state_to_string (i), ==, names[i]);
      g_assert_true (hf_state_from_string (names[i], &back));
      g_assert_cmpint (back, ==, i);
      /* The GType's nicks are the same words (bindings, GSettings). */
      g_assert_cmpstr (g_enum_get_value (klass, i)->value_nick, ==, names[i]);
      g_assert_cmpuint (strlen (hf_state_label (i)), >, 0);
    }
  g_assert_cmpstr (hf_state_label (HF_STATE_FALLBACK_POOL), ==, "On fallback pool");
  g_assert_false (hf_state_from_string ("online", NULL));
  g_assert_false (hf_state_from_string (NULL, NULL));
  g_assert_true (hf_state_is_hashing (HF_STATE_HASHING));
  g_assert_true (hf_state_is_hashing (HF_STATE_FALLBACK_POOL));
  g_assert_false (hf_state_is_hashing (HF_STATE_NOT_HASHING));
  g_assert_false (hf_state_is_hashing (HF_STATE_PAUSED));
  g_type_class_unref (klass);
}

static void
test_precedence (void)
{
  g_autoptr(HfReading) r = hf_reading_new ();

  r->hashrate_ghs = 1000;
  g_assert_cmpint (hf_state_compute (TRUE, FALSE, r, FALSE), ==, HF_STATE_HASHING);
  r->fallback_pool = TRUE;
  g_assert_cmpint (hf_state_compute (TRUE, FALSE, r, FALSE), ==, HF_STATE_FALLBACK_POOL);
  /* No share for too long, on any pool. */
  g_assert_cmpint (hf_state_compute (TRUE, FALSE, r, TRUE), ==, HF_STATE_NOT_HASHING);
  r->hashrate_ghs = 0;
  g_assert_cmpint (hf_state_compute (TRUE, FALSE, r, FALSE), ==, HF_STATE_NOT_HASHING);
  r->paused = TRUE;
  g_assert_cmpint (hf_state_compute (TRUE, FALSE, r, TRUE), ==, HF_STATE_PAUSED);
  r->overheated = TRUE;
  g_assert_cmpint (hf_state_compute (TRUE, FALSE, r, FALSE), ==, HF_STATE_OVERHEATED);
  r->power_fault = TRUE;
  g_assert_cmpint (hf_state_compute (TRUE, FALSE, r, FALSE), ==, HF_STATE_POWER_FAULT);
  r->updating = TRUE;
  g_assert_cmpint (hf_state_compute (TRUE, FALSE, r, FALSE), ==, HF_STATE_UPDATING);
  /* Not answering: nothing the last reading said counts… */
  g_assert_cmpint (hf_state_compute (FALSE, FALSE, r, FALSE), ==, HF_STATE_OFFLINE);
  /* …but a restart we asked for explains it. */
  g_assert_cmpint (hf_state_compute (FALSE, TRUE, r, FALSE), ==, HF_STATE_RESTARTING);
  g_assert_cmpint (hf_state_compute (TRUE, TRUE, NULL, FALSE), ==, HF_STATE_RESTARTING);
  /* Answering, nothing read yet; a hashrate not reported is not 0. */
  g_assert_cmpint (hf_state_compute (TRUE, FALSE, NULL, FALSE), ==, HF_STATE_UNKNOWN);
  {
    g_autoptr(HfReading) blank = hf_reading_new ();

    g_assert_cmpint (hf_state_compute (TRUE, FALSE, blank, FALSE), ==, HF_STATE_UNKNOWN);
  }
}

static HfReading *
counter_at (double found,
            double uptime)
{
  HfReading *r = hf_reading_new ();

  r->found_blocks = found;
  r->uptime_s = uptime;
  return r;
}

static void
test_blocks_since (void)
{
  struct {
    double before_found, before_up, now_found, now_up;
    guint  blocks;
  } cases[] = {
    { 0, 100, 0, 115, 0 },
    { 0, 100, 1, 115, 1 },          /* it moved */
    { 1, 100, 3, 115, 2 },          /* two between readings: one event of 2 */
    { 3, 100, 0, 10, 0 },           /* rebooted: back to 0 is no block */
    { 3, 100, 1, 10, 1 },           /* rebooted, and found one since */
    { 1, 100, 1, 10, 1 },           /* the same count, but since a reboot: a new one */
    { 3, NAN, 1, NAN, 1 },          /* no uptime: a counter that went back */
    { 3, NAN, 3, NAN, 0 },
    { NAN, 100, 2, 115, 0 },        /* never seen before: not counted */
    { 2, 100, NAN, 115, 0 },        /* not reported */
    { 3, 100, 0, 115, 0 },          /* back to 0, uptime on: a glitch (carried over) */
    { 0, 100, 5000, 115, HF_MAX_BLOCKS_PER_READING },   /* not believed beyond */
    { 5000, 100, 4000, 10, HF_MAX_BLOCKS_PER_READING }, /* nor after a "reboot" */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HfReading) before = counter_at (cases[i].before_found, cases[i].before_up);
      g_autoptr(HfReading) now = counter_at (cases[i].now_found, cases[i].now_up);

      g_test_message ("case %u", i);
      hf_reading_carry_counters (before, now);
      g_assert_cmpuint (hf_reading_blocks_since (before, now), ==, cases[i].blocks);
    }
  /* The glitch's return to the real count is no block either: 3 → 0 → 3
   * with the uptime going on. */
  {
    g_autoptr(HfReading) a = counter_at (3, 100);
    g_autoptr(HfReading) b = counter_at (0, 115);
    g_autoptr(HfReading) c = counter_at (3, 130);

    hf_reading_carry_counters (a, b);
    g_assert_cmpfloat (b->found_blocks, ==, 3);
    g_assert_cmpuint (hf_reading_blocks_since (a, b), ==, 0);
    hf_reading_carry_counters (b, c);
    g_assert_cmpuint (hf_reading_blocks_since (b, c), ==, 0);
  }
  {
    g_autoptr(HfReading) now = counter_at (5, 10);
    g_assert_cmpuint (hf_reading_blocks_since (NULL, now), ==, 0);
  }
  /* A hostile counter is not a million blocks. */
  {
    g_autoptr(HfReading) now = counter_at (5e9, 10);
    hf_reading_finish (now);
    g_assert_true (isnan (now->found_blocks));
  }
}

/* A block's event is stored with the reading whose counter moved: were
 * that reading left to the cycle's write, a stop before it would restore
 * the counter from before the block, and the next start would count the
 * same block again. */
static void
test_event_keeps_its_reading (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-event-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("127.0.72.90", HF_FAMILY_AXEOS);
  g_autoptr(HfStoreEvent) event = hf_store_event_new (HF_EVENT_BLOCK_FOUND);
  g_autoptr(GPtrArray) fleet = NULL;
  HfStore *store;

  hf_miner_set_mac (miner, "AA:BB:CC:00:72:90");
  store = hf_store_open (db, &error);
  g_assert_no_error (error);
  {
    g_autoptr(HfReading) r = counter_at (2, 100);

    r->timestamp = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;
    hf_miner_set_reading (miner, r);
    g_assert_true (hf_store_add_readings (store, &miner, 1, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(HfReading) r = counter_at (3, 115);

    r->timestamp = G_GINT64_CONSTANT (1700000015) * G_USEC_PER_SEC;
    hf_miner_set_reading (miner, r);
  }
  event->time = 1700000015;
  event->count = 1;
  event->counter = 3;
  g_assert_true (hf_store_add_event (store, miner, event, &error));
  g_assert_no_error (error);
  g_object_unref (store);

  store = hf_store_open (db, &error);
  g_assert_no_error (error);
  fleet = hf_store_load_fleet (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fleet->len, ==, 1);
  g_assert_cmpfloat (hf_miner_get_reading (fleet->pdata[0])->found_blocks, ==, 3);
  g_assert_cmpuint (hf_miner_get_blocks_found (fleet->pdata[0]), ==, 1);
  g_object_unref (store);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file = g_strconcat (db, (const char *[]) { "", "-wal", "-shm" }[i], NULL);

      g_remove (file);
    }
  g_rmdir (dir);
}

static void
count_blocks_cb (HfFleet         *fleet,
                 HfMiner         *miner,
                 guint            blocks,
                 const HfReading *reading,
                 guint           *total)
{
  *total += blocks;
}

/* A known miner found again (Discover, Add Miner) brings a reading like a
 * poll's: a counter that moved since is a block, said and counted. */
static void
test_found_again_counts (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfMiner) known = hf_miner_new ("127.0.72.91", HF_FAMILY_AXEOS);
  g_autoptr(HfMiner) again = hf_miner_new ("127.0.72.91", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) before = counter_at (1, 100);
  g_autoptr(HfReading) now = counter_at (2, 400);
  guint total = 0;

  g_signal_connect (fleet, "block-found", G_CALLBACK (count_blocks_cb), &total);
  hf_miner_set_mac (known, "AA:BB:CC:00:72:91");
  hf_miner_set_reading (known, before);
  hf_fleet_add (fleet, known);
  hf_miner_set_mac (again, "AA:BB:CC:00:72:91");
  hf_miner_set_reading (again, now);
  g_assert_true (hf_fleet_add (fleet, again) == known);
  g_assert_cmpuint (total, ==, 1);
  g_assert_cmpuint (hf_miner_get_blocks_found (known), ==, 1);
  g_assert_cmpfloat (hf_miner_get_reading (known)->found_blocks, ==, 2);
}

/* ---- through hashfleet-cli ---------------------------------------------- */

static int
cli (const char * const *extra,
     char              **out,
     char              **err)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, "--http-port");
  g_ptr_array_add (args, G_STRINGIFY (HTTP_PORT));
  g_ptr_array_add (args, "--cgminer-port");
  g_ptr_array_add (args, G_STRINGIFY (CGMINER_PORT));
  g_ptr_array_add (args, "--timeout");
  g_ptr_array_add (args, "3000");
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);
  return hf_test_run_cli ((const char * const *) args->pdata, out, err);
}

static JsonObject *
line_for (const char *out,
          const char *ip)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) o = NULL;

      if (lines[i][0] == '\0')
        continue;
      o = hf_json_parse_object (lines[i], strlen (lines[i]), NULL);
      g_assert_nonnull (o);
      if (g_strcmp0 (hf_json_string (o, "ip"), ip) == 0)
        return g_steal_pointer (&o);
    }
  return NULL;
}

static void
assert_null (JsonObject *o,
             const char *key)
{
  JsonNode *node = json_object_get_member (o, key);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_NULL (node));
}

static void
test_status_json (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_ptr_array_add (args, "status");
  g_ptr_array_add (args, "--json");
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_ptr_array_add (args, (gpointer) expected[i].ip);
  g_ptr_array_add (args, "127.0.72.60");
  g_ptr_array_add (args, NULL);

  /* One address does not answer: exit status 1, and its line says offline. */
  g_assert_cmpint (cli ((const char * const *) args->pdata, &out, &err), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(JsonObject) o = line_for (out, expected[i].ip);

      g_assert_nonnull (o);
      g_test_message ("%s: %s", expected[i].ip, hf_json_string (o, "state"));
      g_assert_cmpstr (hf_json_string (o, "state"), ==, hf_state_to_string (expected[i].state));
      /* Since when: this run (seconds, not µs). */
      g_assert_cmpfloat (fabs (hf_json_number (o, "state_since") - now), <, 60);
      g_assert_true (json_object_get_boolean_member (o, "online"));
    }
  {
    g_autoptr(JsonObject) gone = line_for (out, "127.0.72.60");
    g_autoptr(JsonObject) gamma = line_for (out, "127.0.72.2");
    g_autoptr(JsonObject) fault = line_for (out, "127.0.72.7");
    g_autoptr(JsonObject) s19 = line_for (out, "127.0.72.13");

    g_assert_cmpstr (hf_json_string (gone, "state"), ==, "offline");
    assert_null (gone, "state_since");          /* it never answered */
    /* The luck numbers of current AxeOS, as the simulator writes them. */
    assert_near (hf_json_number (gamma, "best_difficulty"), 123456789);
    assert_near (hf_json_number (gamma, "best_session_difficulty"), 2345678);
    assert_near (hf_json_number (gamma, "pool_difficulty"), 4096);
    assert_near (hf_json_number (gamma, "network_difficulty"), 1.5e14);
    assert_near (hf_json_number (gamma, "found_blocks"), 0);
    assert_near (hf_json_number (gamma, "blocks_found"), 0);
    assert_near (hf_json_number (gamma, "vr_temp_c"), 52);
    assert_null (gamma, "chip2_temp_c");        /* temp2 -1: no second sensor */
    /* errorPercentage, as current AxeOS sends it. */
    g_assert_cmpfloat (hf_json_number (gamma, "error_percent"), >=, 0);
    g_assert_cmpfloat (hf_json_number (gamma, "error_percent"), <, 100);
    assert_near (hf_json_number (gamma, "fan_percent"), 42);
    assert_null (gamma, "fault");
    g_assert_cmpstr (hf_json_string (fault, "fault"), ==, "VCORE: input undervoltage");
    /* cgminer's summary and pools. */
    assert_near (hf_json_number (s19, "best_difficulty"), 138508908);
    assert_near (hf_json_number (s19, "pool_difficulty"), 65536);
    assert_near (hf_json_number (s19, "found_blocks"), 0);
    assert_null (s19, "network_difficulty");
  }
}

static void
test_status_table (void)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "status", "127.0.72.2", "127.0.72.3", "127.0.72.5", "127.0.72.6",
                         "127.0.72.4", NULL };
  const char *words[] = { "Hashing", "Paused", "On fallback pool", "Not hashing", "Overheated" };
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (cli (args, &out, &err), ==, 0);
  g_test_message ("%s", out);
  lines = g_strsplit (out, "\n", -1);
  g_assert_true (g_str_has_suffix (lines[0], "STATUS"));
  /* Each row ends with its miner's state in words, never a bare "online". */
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      g_assert_true (g_str_has_prefix (lines[i + 1], args[i + 1]));
      g_assert_true (g_str_has_suffix (lines[i + 1], words[i]));
    }
  g_assert_null (strstr (out, "online"));
}

static void
test_watch (void)
{
  g_autofree char *out = NULL, *err = NULL, *people = NULL, *err2 = NULL, *bad = NULL;
  g_autofree char *bad_err = NULL;
  const char *json[] = { "watch", "--json", "--count", "1", "--no-store", "--not-hashing-after",
                         "5", "127.0.72.2", "127.0.72.3", NULL };
  const char *plain[] = { "watch", "--count", "1", "--no-store", "127.0.72.2", "127.0.72.3",
                          NULL };
  const char *wrong[] = { "watch", "--not-hashing-after", "0", "127.0.72.2", NULL };
  g_autoptr(JsonObject) hashing = NULL, paused = NULL;

  g_assert_cmpint (cli (json, &out, &err), ==, 0);
  hashing = line_for (out, "127.0.72.2");
  paused = line_for (out, "127.0.72.3");
  g_assert_cmpstr (hf_json_string (hashing, "state"), ==, "hashing");
  g_assert_cmpstr (hf_json_string (paused, "state"), ==, "paused");
  g_assert_true (json_object_has_member (paused, "state_since"));

  /* The line for people counts hashing apart from online, and its luck. */
  g_assert_cmpint (cli (plain, &people, &err2), ==, 0);
  g_test_message ("%s", people);
  g_assert_nonnull (strstr (people, "  1 hashing, 2/2 online  "));
  g_assert_nonnull (strstr (people, "  best 123M"));
  /* 1.1 TH/s (the paused one adds 0) at difficulty 1.5e14: 5.86e11 s on
   * average, 18 559 years. */
  g_assert_nonnull (strstr (people, "  block every ~18559 years ("));

  g_assert_cmpint (cli (wrong, &bad, &bad_err), ==, 2);
  g_assert_nonnull (strstr (bad_err, "--not-hashing-after must be 1–1440 minutes"));
}

/* hashfleet-sim --state puts a generated fleet's first miners in a state,
 * each option from the first miner again, so that they combine. */
static void
test_sim_state_option (void)
{
  const char *binary = g_getenv ("HF_SIM");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) gen = NULL, bad = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GPtrArray) ips = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL, *bad_err = NULL;
  /* gamma: paused and overheated, overheated wins; s19pro: on its second
   * pool; m30s and nano3s: as generated. */
  const HfState want[] = { HF_STATE_OVERHEATED, HF_STATE_FALLBACK_POOL, HF_STATE_HASHING,
                           HF_STATE_HASHING };
  gboolean ready = FALSE;

  g_assert_nonnull (binary);
  gen = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, binary, "--miners", "4",
                          "--base", "127.0.73.1", "--profiles", "gamma,s19pro,m30s,nano3s",
                          "--http-port", "18721", "--cgminer-port", "14721", "--static",
                          "--state", "paused:1", "--state", "overheat:1", "--state",
                          "fallback:2", "--list", "--ttl", "60", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (gen));
  while (!ready)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
      g_autoptr(JsonObject) o = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (line);          /* it printed "ready" before it ended */
      o = hf_json_parse_object (line, strlen (line), NULL);
      g_assert_nonnull (o);
      ready = g_strcmp0 (hf_json_string (o, "event"), "ready") == 0;
      if (g_strcmp0 (hf_json_string (o, "event"), "miner") == 0)
        g_ptr_array_add (ips, g_strdup (hf_json_string (o, "ip")));
    }
  g_assert_cmpuint (ips->len, ==, G_N_ELEMENTS (want));

  g_ptr_array_add (args, "--http-port");
  g_ptr_array_add (args, "18721");
  g_ptr_array_add (args, "--cgminer-port");
  g_ptr_array_add (args, "14721");
  g_ptr_array_add (args, "status");
  g_ptr_array_add (args, "--json");
  for (guint i = 0; i < ips->len; i++)
    g_ptr_array_add (args, ips->pdata[i]);
  g_ptr_array_add (args, NULL);
  g_assert_cmpint (hf_test_run_cli ((const char * const *) args->pdata, &out, &err), ==, 0);
  for (guint i = 0; i < ips->len; i++)
    {
      g_autoptr(JsonObject) o = line_for (out, ips->pdata[i]);

      g_assert_nonnull (o);
      g_test_message ("%s: %s", (char *) ips->pdata[i], hf_json_string (o, "state"));
      g_assert_cmpstr (hf_json_string (o, "state"), ==, hf_state_to_string (want[i]));
    }
  g_subprocess_send_signal (gen, SIGTERM);
  g_subprocess_wait (gen, NULL, NULL);

  /* A state the simulator does not know is refused at start-up (exit
   * status 2; under AddressSanitizer 1, for what the early exit leaves). */
  bad = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          &error, binary, "--miners", "1", "--base", "127.0.73.1",
                          "--http-port", "18721", "--cgminer-port", "14721", "--state",
                          "dozing:1", "--ttl", "5", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (bad, NULL, NULL, NULL, &bad_err, &error));
  g_assert_false (g_subprocess_get_successful (bad));
  g_assert_nonnull (strstr (bad_err, "unknown state 'dozing'"));
}

/* ---- a session: the fleet, the API, the metrics ------------------------ */

typedef struct
{
  gboolean  done;
  HfMiner  *miner;
  gboolean  ok;
} Wait;

static void
added_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->miner = hf_session_add_finish (HF_SESSION (source), result, NULL, NULL);
  w->done = TRUE;
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->ok = hf_session_load_finish (HF_SESSION (source), result, NULL);
  w->done = TRUE;
}

static void
polled_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  g_autoptr(HfReading) r = hf_session_poll_finish (HF_SESSION (source), result, NULL);

  w->ok = r != NULL;
  w->done = TRUE;
}

static void
acted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  g_autoptr(GError) error = NULL;

  w->ok = hf_session_act_finish (HF_SESSION (source), result, &error);
  if (error != NULL)
    g_test_message ("act: %s", error->message);
  w->done = TRUE;
}

static void
shut_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->ok = hf_session_shutdown_finish (HF_SESSION (source), result, NULL);
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
  config->timeout_ms = 3000;
  session = hf_session_new (db, config);
  hf_session_load_async (session, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_true (w.ok);
  return session;
}

static HfMiner *
add (HfSession  *session,
     const char *ip)
{
  Wait w = { 0 };

  hf_session_add_async (session, ip, 0, 0, NULL, added_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_nonnull (w.miner);
  return w.miner;
}

static gboolean
poll (HfSession *session,
      HfMiner   *miner)
{
  Wait w = { 0 };

  hf_session_poll_async (session, miner, NULL, polled_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  return w.ok;
}

static void
shut_down (HfSession *session)
{
  Wait w = { 0 };

  hf_session_shutdown_async (session, 5000, shut_cb, &w);
  hf_test_wait_for (&w.done, 6000);
  g_assert_true (w.ok);
}

typedef struct
{
  gboolean  done;
  char     *body;
  guint     status;
} Answer;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Answer *a = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               NULL);

  g_assert_nonnull (body);
  a->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source),
                                                                              result));
  a->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  a->done = TRUE;
}

static char *
get (SoupSession *http,
     guint16      port,
     const char  *path)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  Answer a = { 0 };

  soup_session_send_and_read_async (http, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &a);
  hf_test_wait_for (&a.done, 10000);
  g_assert_cmpuint (a.status, ==, 200);
  return a.body;
}

/* Runs check-metrics.py, and promtool where Debian's prometheus package
 * put it (it is not needed for the test to pass). */
static void
check_exposition (const char *text)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "check-metrics.py", NULL);
  g_autofree char *promtool = g_find_program_in_path ("promtool");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) checker = NULL;

  checker = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, "python3", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (checker, text, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("check-metrics: %s", out);
  g_assert_true (g_subprocess_get_if_exited (checker));
  g_assert_cmpint (g_subprocess_get_exit_status (checker), ==, 0);

  if (promtool != NULL)
    {
      g_autoptr(GSubprocess) prom = NULL;
      g_autofree char *prom_out = NULL;

      prom = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error, promtool, "check",
                               "metrics", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (prom, text, NULL, &prom_out, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("promtool: %s", prom_out);
      /* Lint notes (a counter's HELP) exit 3; an invalid exposition exits 1. */
      g_assert_cmpint (g_subprocess_get_exit_status (prom), !=, 1);
    }
  else
    g_test_message ("promtool not installed; check-metrics.py only");
}

static void
test_api_and_metrics (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-test-states-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autoptr(HfSession) session = session_new (db);
  g_autoptr(HfApiServer) server = NULL;
  g_autoptr(SoupSession) http = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *miners = NULL, *stats = NULL, *metrics = NULL;
  g_autoptr(JsonNode) list = NULL, totals = NULL;
  HfFleet *fleet = hf_session_get_fleet (session);
  guint hashing = 0, counts[HF_N_STATES] = { 0, };
  guint16 port;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(HfMiner) miner = add (session, expected[i].ip);

      g_assert_true (poll (session, miner));
      /* The property the views bind to. */
      g_assert_cmpint (hf_miner_get_state (miner), ==, expected[i].state);
      g_assert_cmpint (hf_miner_get_state_since (miner), >, 0);
      counts[expected[i].state]++;
      if (hf_state_is_hashing (expected[i].state))
        hashing++;
    }
  /* The totals settle in an idle. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (hf_fleet_get_online_count (fleet), ==, G_N_ELEMENTS (expected));
  g_assert_cmpuint (hf_fleet_get_hashing_count (fleet), ==, hashing);
  g_assert_cmpuint (hashing, <, G_N_ELEMENTS (expected));

  server = hf_api_server_new (session);
  g_assert_true (hf_api_server_listen (server, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  port = hf_api_server_get_port (server);

  miners = get (http, port, "/api/miners");
  list = hf_json_parse (miners, strlen (miners), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==,
                    G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *o = json_array_get_object_element (json_node_get_array (list), i);

      g_assert_cmpstr (hf_json_string (o, "ip"), ==, expected[i].ip);
      g_assert_cmpstr (hf_json_string (o, "state"), ==, hf_state_to_string (expected[i].state));
    }

  stats = get (http, port, "/api/stats");
  totals = hf_json_parse (stats, strlen (stats), &error);
  g_assert_no_error (error);
  {
    JsonObject *o = json_node_get_object (totals);
    JsonObject *states = hf_json_object (o, "states");

    g_assert_cmpint (json_object_get_int_member (o, "hashing"), ==, hashing);
    g_assert_cmpint (json_object_get_int_member (o, "online"), ==, G_N_ELEMENTS (expected));
    for (guint st = 0; st < HF_N_STATES; st++)
      g_assert_cmpint (json_object_get_int_member (states, hf_state_to_string (st)), ==,
                       counts[st]);
    assert_near (json_object_get_double_member (o, "best_difficulty"),
                 hf_fleet_get_best_difficulty (fleet));
    assert_near (json_object_get_double_member (o, "expected_block_seconds"),
                 hf_fleet_get_expected_block_seconds (fleet));
  }

  metrics = get (http, port, "/metrics");
  check_exposition (metrics);
  /* One series per state, 1 for the miner's own. */
  g_assert_nonnull (strstr (metrics, "hashfleet_miner_state{address=\"127.0.72.3\",hostname=\"gamma-2\","
                                     "model=\"Bitaxe Gamma\",family=\"axeos\",state=\"paused\"} 1\n"));
  g_assert_nonnull (strstr (metrics, "hashfleet_miner_state{address=\"127.0.72.3\",hostname=\"gamma-2\","
                                     "model=\"Bitaxe Gamma\",family=\"axeos\",state=\"hashing\"} 0\n"));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *needle = g_strdup_printf ("{address=\"%s\",", expected[i].ip);
      g_autofree char *one = g_strdup_printf ("state=\"%s\"} 1\n",
                                              hf_state_to_string (expected[i].state));
      const char *series = strstr (metrics, "hashfleet_miner_state{");
      const char *at = strstr (series, needle);
      guint ones = 0;

      /* Its series are together: exactly one of them is 1, the right one. */
      g_assert_nonnull (at);
      for (guint st = 0; st < HF_N_STATES; st++)
        {
          const char *eol = strchr (at, '\n');

          g_assert_true (g_str_has_prefix (at - strlen ("hashfleet_miner_state"),
                                           "hashfleet_miner_state"));
          if (eol[-1] == '1')
            {
              g_autofree char *line = g_strndup (at, eol + 1 - at);

              ones++;
              g_assert_true (g_str_has_suffix (line, one));
            }
          at = eol + 1 + strlen ("hashfleet_miner_state");
        }
      g_assert_cmpuint (ones, ==, 1);
    }
  {
    g_autofree char *hashing_line = g_strdup_printf ("hashfleet_fleet_miners_hashing %u\n", hashing);
    g_autofree char *paused_line = g_strdup_printf (
      "hashfleet_fleet_miners_in_state{state=\"paused\"} %u\n", counts[HF_STATE_PAUSED]);

    g_assert_nonnull (strstr (metrics, hashing_line));
    g_assert_nonnull (strstr (metrics, paused_line));
    g_assert_nonnull (strstr (metrics, "hashfleet_miner_best_difficulty{address=\"127.0.72.2\","
                                       "hostname=\"gamma-1\",model=\"Bitaxe Gamma\","
                                       "family=\"axeos\"} 123456789\n"));
    g_assert_nonnull (strstr (metrics, "hashfleet_miner_blocks_found_total{address=\"127.0.72.2\","));
    g_assert_nonnull (strstr (metrics, "hashfleet_fleet_expected_block_seconds "));
    g_assert_nonnull (strstr (metrics, "hashfleet_fleet_blocks_found_total 0\n"));
  }
  g_clear_object (&server);
  shut_down (session);
}

/* Pause and resume through each family's driver: the state follows. */
static void
test_pause_resume (void)
{
  const char *ips[] = { "127.0.72.40", "127.0.72.41", "127.0.72.42", "127.0.72.43" };
  g_autoptr(HfSession) session = session_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
    {
      g_autoptr(HfMiner) miner = add (session, ips[i]);
      const HfMinerAction actions[] = { HF_ACTION_PAUSE, HF_ACTION_RESUME };
      const HfState states[] = { HF_STATE_PAUSED, HF_STATE_HASHING };

      g_assert_true (poll (session, miner));
      g_assert_cmpint (hf_miner_get_state (miner), ==, HF_STATE_HASHING);
      for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
        {
          Wait w = { 0 };

          hf_session_act_async (session, miner, actions[a], NULL, acted_cb, &w);
          hf_test_wait_for (&w.done, 10000);
          g_assert_true (w.ok);
          g_assert_true (poll (session, miner));
          g_test_message ("%s: %s", ips[i], hf_state_to_string (hf_miner_get_state (miner)));
          g_assert_cmpint (hf_miner_get_state (miner), ==, states[a]);
        }
    }
  shut_down (session);
}

/* No share for longer than allowed: not hashing, unless the pool makes
 * shares that rare. */
static void
test_no_shares (void)
{
  g_autoptr(HfSession) session = session_new (NULL);
  g_autoptr(HfMiner) frequent = add (session, "127.0.72.50");
  g_autoptr(HfMiner) rare = add (session, "127.0.72.51");

  hf_session_set_not_hashing_after (session, 1);
  g_assert_cmpuint (hf_fleet_get_not_hashing_after (hf_session_get_fleet (session)), ==, 1);
  g_assert_true (poll (session, frequent));
  g_assert_true (poll (session, rare));
  /* The clock starts at the first answer. */
  g_assert_cmpint (hf_miner_get_state (frequent), ==, HF_STATE_HASHING);
  g_assert_cmpint (hf_miner_get_state (rare), ==, HF_STATE_HASHING);
  g_usleep (1200 * 1000);
  g_assert_true (poll (session, frequent));
  g_assert_true (poll (session, rare));
  g_assert_cmpint (hf_miner_get_state (frequent), ==, HF_STATE_NOT_HASHING);
  /* 1.1 TH/s at pool difficulty 4096: a share every 16 s on average, so
   * ten of them (160 s) may pass without one. */
  g_assert_cmpint (hf_miner_get_state (rare), ==, HF_STATE_HASHING);
  shut_down (session);
}

/* A miner that stops answering is offline since its last answer. */
static void
test_offline_since (void)
{
  g_autoptr(HfSession) session = session_new (NULL);
  g_autoptr(HfMiner) miner = add (session, "127.0.72.2");
  gint64 last;

  hf_fleet_set_offline_after (hf_session_get_fleet (session), 1);
  g_assert_true (poll (session, miner));
  last = hf_miner_get_last_seen (miner);
  g_assert_cmpint (last, >, 0);
  /* Pretend it moved away: the next poll goes to an address that refuses. */
  hf_miner_set_address (miner, "127.0.72.60");
  g_assert_false (poll (session, miner));
  g_assert_cmpint (hf_miner_get_state (miner), ==, HF_STATE_OFFLINE);
  g_assert_cmpint (hf_miner_get_state_since (miner), ==, last);
  shut_down (session);
}

/* ---- found blocks ------------------------------------------------------ */

typedef struct
{
  GHashTable *blocks;       /* address → blocks said by ::block-found */
  guint       signals;
} Found;

static void
block_found_cb (HfSession *session,
                HfMiner   *miner,
                guint      blocks,
                Found     *found)
{
  const char *ip = hf_miner_get_address (miner);

  found->signals++;
  g_hash_table_insert (found->blocks, g_strdup (ip),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (found->blocks, ip))
                                         + blocks));
}

static guint
found_for (Found      *found,
           const char *ip)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (found->blocks, ip));
}

static double
counter_of (HfMiner *miner)
{
  return hf_miner_get_reading (miner)->found_blocks;
}

static void
restarted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->ok = hf_session_restart_finish (HF_SESSION (source), result, NULL);
  w->done = TRUE;
}

static void
flushed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  w->ok = hf_session_flush_finish (HF_SESSION (source), result, NULL);
  w->done = TRUE;
}

static void
cycle_done_cb (HfFleet *fleet, guint polled, guint answered, guint elapsed, gboolean *done)
{
  *done = TRUE;
}

/* One poll cycle: its readings (with their counters) go to the store. */
static void
run_cycle (HfSession *session)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (hf_session_get_fleet (session), "cycle-finished",
                                G_CALLBACK (cycle_done_cb), &done);

  g_assert_true (hf_session_refresh (session));
  hf_test_wait_for (&done, 10000);
  g_signal_handler_disconnect (hf_session_get_fleet (session), id);
}

static GPtrArray *
stored_events (HfSession *session)
{
  Wait w = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *events;

  hf_session_flush_async (session, 5000, flushed_cb, &w);
  hf_test_wait_for (&w.done, 6000);
  g_assert_true (w.ok);
  events = hf_store_list_events (hf_session_get_store (session), HF_EVENT_BLOCK_FOUND, 0, 0,
                                 &error);
  g_assert_no_error (error);
  return events;
}

static guint
stored_for (GPtrArray  *events,
            const char *ip)
{
  guint n = 0;

  for (guint i = 0; i < events->len; i++)
    {
      HfStoreEvent *e = events->pdata[i];

      if (g_str_equal (e->address, ip))
        n += e->count;
    }
  return n;
}

/* A block is recorded once per counter increment, the moment it is seen;
 * a counter back to 0 at a reboot is none; the store keeps them, and the
 * counter, across a restart of Hashfleet. */
static void
test_found_blocks (void)
{
  const char *ips[] = { "127.0.72.70", "127.0.72.71", "127.0.72.72" };
  g_autofree char *dir = g_dir_make_tmp ("hf-test-blocks-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  HfSession *session = session_new (db);
  Found found = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), 0 };
  HfMiner *miners[G_N_ELEMENTS (ips)];
  double first[G_N_ELEMENTS (ips)];
  g_autoptr(GPtrArray) events = NULL;
  gint64 give_up;

  g_signal_connect (session, "block-found", G_CALLBACK (block_found_cb), &found);
  for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
    {
      miners[i] = add (session, ips[i]);
      g_assert_true (poll (session, miners[i]));
      /* The first count seen is not a block: nobody saw it move. */
      first[i] = counter_of (miners[i]);
      g_assert_false (isnan (first[i]));
    }
  g_assert_cmpuint (found.signals, ==, 0);
  g_assert_cmpfloat (first[1], ==, 2);

  /* The counters of .70 and .72 move; every step is said once. */
  give_up = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (counter_of (miners[0]) < first[0] + 3 || counter_of (miners[2]) < first[2] + 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_usleep (300 * 1000);
      g_assert_true (poll (session, miners[0]));
      g_assert_true (poll (session, miners[2]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
    {
      g_assert_cmpuint (found_for (&found, ips[i]), ==, (guint) (counter_of (miners[i]) - first[i]));
      g_assert_cmpuint (hf_miner_get_blocks_found (miners[i]), ==, found_for (&found, ips[i]));
    }

  /* .71 reboots: its firmware forgets the 2 it had.  No block. */
  {
    Wait w = { 0 };

    hf_session_restart_async (session, miners[1], NULL, restarted_cb, &w);
    hf_test_wait_for (&w.done, 10000);
    g_assert_true (w.ok);
    g_assert_cmpint (hf_miner_get_state (miners[1]), ==, HF_STATE_RESTARTING);
    give_up = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    while (hf_miner_get_restarting (miners[1]))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, give_up);
        g_usleep (300 * 1000);
        poll (session, miners[1]);
      }
    g_assert_cmpfloat (counter_of (miners[1]), ==, 0);
    g_assert_cmpuint (found_for (&found, ips[1]), ==, 0);
  }

  /* One cycle, so that the readings and their counters are stored too. */
  run_cycle (session);
  events = stored_events (session);
  for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
    g_assert_cmpuint (stored_for (events, ips[i]), ==, found_for (&found, ips[i]));
  g_assert_cmpuint (events->len, ==, found.signals);
  for (guint i = 0; i < events->len; i++)
    {
      HfStoreEvent *e = events->pdata[i];

      if (i > 0)
        g_assert_cmpint (e->time, >=, ((HfStoreEvent *) events->pdata[i - 1])->time);
      /* AxeOS reports the network difficulty; btminer does not. */
      if (g_str_equal (e->address, "127.0.72.70"))
        g_assert_cmpfloat (e->network_difficulty, ==, 1.5e14);
      else
        g_assert_true (isnan (e->network_difficulty));
      g_assert_false (isnan (e->counter));
    }

  /* Hashfleet starts again on the same store: each miner has its count
   * back, and its counter, so what it has not found since is not found
   * again, and what it found meanwhile is. */
  {
    double stored[G_N_ELEMENTS (ips)];
    guint before[G_N_ELEMENTS (ips)];
    HfFleet *fleet;

    for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
      {
        stored[i] = counter_of (miners[i]);
        before[i] = hf_miner_get_blocks_found (miners[i]);
        g_object_unref (miners[i]);
      }
    shut_down (session);
    g_object_unref (session);
    g_hash_table_remove_all (found.blocks);

    session = session_new (db);
    g_signal_connect (session, "block-found", G_CALLBACK (block_found_cb), &found);
    fleet = hf_session_get_fleet (session);
    for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
      {
        miners[i] = g_object_ref (hf_fleet_lookup_address (fleet, ips[i]));
        g_assert_cmpuint (hf_miner_get_blocks_found (miners[i]), ==, before[i]);
        g_assert_cmpfloat (counter_of (miners[i]), ==, stored[i]);
        g_assert_true (poll (session, miners[i]));
        g_assert_cmpuint (found_for (&found, ips[i]), ==,
                          (guint) (counter_of (miners[i]) - stored[i]));
        g_assert_cmpuint (hf_miner_get_blocks_found (miners[i]), ==,
                          before[i] + found_for (&found, ips[i]));
      }
    /* .71 found nothing since, and is not counted again. */
    g_assert_cmpuint (found_for (&found, ips[1]), ==, 0);
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_assert_cmpuint (hf_fleet_get_blocks_found (fleet), ==,
                      hf_miner_get_blocks_found (miners[0]) + hf_miner_get_blocks_found (miners[1])
                      + hf_miner_get_blocks_found (miners[2]));
  }
  for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
    g_object_unref (miners[i]);
  shut_down (session);
  g_object_unref (session);
  g_hash_table_unref (found.blocks);
}

/* The fleet's luck: expected time to a block and the chance of one a day,
 * from the network difficulty AxeOS reports and the fleet's hashrate. */
static void
test_luck_totals (void)
{
  g_autoptr(HfSession) session = session_new (NULL);
  g_autoptr(HfMiner) s19 = add (session, "127.0.72.13");
  g_autoptr(HfMiner) gamma = NULL;
  HfFleet *fleet = hf_session_get_fleet (session);
  double hashrate, wait, per_day;

  g_assert_true (poll (session, s19));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* No AxeOS miner: no network difficulty, nothing to expect. */
  g_assert_true (isnan (hf_fleet_get_network_difficulty (fleet)));
  g_assert_true (isnan (hf_fleet_get_expected_block_seconds (fleet)));
  g_assert_true (isnan (hf_fleet_get_block_chance_per_day (fleet)));
  assert_near (hf_fleet_get_best_difficulty (fleet), 138508908);

  gamma = add (session, "127.0.72.2");
  g_assert_true (poll (session, gamma));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  hashrate = (1100.0 + 109500.0) * 1e9;
  g_assert_cmpfloat_with_epsilon (hf_fleet_get_hashrate_ghs (fleet) * 1e9, hashrate, 1);
  assert_near (hf_fleet_get_network_difficulty (fleet), 1.5e14);
  wait = 1.5e14 * 4294967296.0 / hashrate;
  per_day = hashrate * 86400 / (1.5e14 * 4294967296.0);
  assert_near (hf_fleet_get_expected_block_seconds (fleet), wait);
  assert_near (hf_fleet_get_block_chance_per_day (fleet), 1 - exp (-per_day));
  /* For a home fleet the chance is the expected blocks a day. */
  g_assert_cmpfloat (fabs (hf_fleet_get_block_chance_per_day (fleet) - per_day), <, 1e-9);
  /* The best share of any miner: the Gamma's all-time 123456789 is less. */
  assert_near (hf_fleet_get_best_difficulty (fleet), 138508908);
  shut_down (session);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  hf_test_init (&argc, &argv);

  g_test_add_func ("/states/names", test_names);
  g_test_add_func ("/states/precedence", test_precedence);
  g_test_add_func ("/states/blocks-since", test_blocks_since);
  g_test_add_func ("/states/event-keeps-its-reading", test_event_keeps_its_reading);
  g_test_add_func ("/states/found-again-counts", test_found_again_counts);
  g_test_add_func ("/states/status-json", test_status_json);
  g_test_add_func ("/states/status-table", test_status_table);
  g_test_add_func ("/states/watch", test_watch);
  g_test_add_func ("/states/sim-state-option", test_sim_state_option);
  g_test_add_func ("/states/api-and-metrics", test_api_and_metrics);
  g_test_add_func ("/states/pause-resume", test_pause_resume);
  g_test_add_func ("/states/no-shares", test_no_shares);
  g_test_add_func ("/states/offline-since", test_offline_since);
  g_test_add_func ("/states/found-blocks", test_found_blocks);
  g_test_add_func ("/states/luck-totals", test_luck_totals);

  sim = hf_test_sim_start (fleet_config);
  result = g_test_run ();
  hf_test_sim_stop (sim);
  return result;
}
