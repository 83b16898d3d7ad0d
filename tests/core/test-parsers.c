/* test-parsers.c — each family's parser on the project's own fixtures
 * SPDX-License-Identifier: MIT
 *
 * The fixtures in tests/fixtures/ are written from the documented formats
 * (with values of our own), in the byte form each firmware sends.
 */
#include <math.h>
#include <string.h>

#include "hf-antminer-parse.h"
#include "hf-avalon-mm.h"
#include "hf-avalon-parse.h"
#include "hf-axeos-parse.h"
#include "hf-miner-settings.h"
#include "hf-cgminer-parse.h"
#include "hf-error.h"
#include "hf-format.h"
#include "hf-identify.h"
#include "hf-json.h"
#include "hf-model-table.h"
#include "hf-test-utils.h"
#include "hf-whatsminer-parse.h"

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-6 * MAX (1.0, fabs ((double) (b))))
#define assert_unknown(a) g_assert_true (isnan (a))

static void
test_axeos_current (void)
{
  g_autoptr(JsonObject) info = hf_test_fixture_object ("axeos-info-current.json");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.10", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_axeos_parse_identity (info, NULL, miner, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_AXEOS);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Bitaxe Gamma");  /* boardVersion 602 */
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "v2.10.1");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "gamma-office");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "AA:BB:CC:00:11:22");

  r = hf_axeos_parse_reading (info, &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 1203.7);
  assert_near (r->hashrate_avg_ghs, 1180.4);
  assert_near (r->expected_hashrate_ghs, 1150.5);
  assert_near (r->chip_temp_c, 63.5);          /* the hotter of temp and temp2 */
  assert_near (r->board_temp_c, 54);
  assert_near (r->temperature_c, 63.5);
  assert_near (r->power_w, 18.25);
  g_assert_false (r->power_estimated);
  assert_near (r->input_voltage_v, 5.125);
  assert_near (r->fan_rpm, 4610);
  assert_near (r->fan_percent, 55);
  assert_near (r->frequency_mhz, 550);
  assert_near (r->core_voltage_mv, 1142);
  assert_near (r->uptime_s, 86461);
  assert_near (r->accepted, 5123);
  assert_near (r->rejected, 12);
  assert_near (r->best_difficulty, 4294967296.0);
  assert_near (r->best_session_difficulty, 123456);
  assert_near (r->pool_difficulty, 2048);
  /* temp2 and vrTemp each on their own too. */
  assert_near (r->chip2_temp_c, 63.5);
  assert_near (r->vr_temp_c, 54);
  assert_near (r->error_percent, 0.42);
  /* No networkDifficulty, blockFound or miningPaused in 2.10. */
  assert_unknown (r->network_difficulty);
  assert_unknown (r->found_blocks);
  g_assert_false (r->paused);
  g_assert_false (r->overheated);
  g_assert_false (r->power_fault);
  g_assert_null (r->fault);
  /* isUsingFallbackStratum: the fallback pool is the one in use. */
  g_assert_true (r->fallback_pool);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://backup.example.net:4444");
  g_assert_cmpstr (r->pool_user, ==, "bc1qtest.fallback");
}

/* What newer AxeOS says it does, and numbers as the older firmware wrote
 * them (strings with an SI suffix). */
static void
test_axeos_states (void)
{
  static const char paused[] =
    "{\"ASICModel\":\"BM1370\",\"hashRate\":0,\"bestDiff\":\"4.29G\","
    "\"bestSessionDiff\":\"483k\",\"miningPaused\":true,\"overheat_mode\":1,"
    "\"power_fault\":\"VCORE: input undervoltage\",\"blockFound\":3,"
    "\"networkDifficulty\":126411437451912.2,\"poolDifficulty\":0,\"temp\":50,"
    "\"temp2\":-1,\"vrTemp\":0,\"isUsingFallbackStratum\":0}";
  /* AxeOS 2.11–2.12 said blockFound as 0/1. */
  static const char found[] = "{\"ASICModel\":\"BM1370\",\"blockFound\":true,"
                              "\"miningPaused\":false,\"overheat_mode\":0}";
  g_autoptr(JsonObject) info = hf_json_parse_object (paused, sizeof paused - 1, NULL);
  g_autoptr(JsonObject) info2 = hf_json_parse_object (found, sizeof found - 1, NULL);
  g_autoptr(HfReading) r = hf_axeos_parse_reading (info, NULL);
  g_autoptr(HfReading) r2 = hf_axeos_parse_reading (info2, NULL);

  assert_near (r->best_difficulty, 4.29e9);
  assert_near (r->best_session_difficulty, 483e3);
  assert_unknown (r->pool_difficulty);         /* 0: the pool set none yet */
  assert_near (r->network_difficulty, 126411437451912.2);
  assert_near (r->found_blocks, 3);
  g_assert_true (r->paused);
  g_assert_true (r->overheated);
  g_assert_true (r->power_fault);
  g_assert_cmpstr (r->fault, ==, "VCORE: input undervoltage");
  g_assert_false (r->fallback_pool);
  assert_unknown (r->chip2_temp_c);            /* -1: no second sensor */
  assert_unknown (r->vr_temp_c);               /* 0: none either */
  assert_near (r->chip_temp_c, 50);

  assert_near (r2->found_blocks, 1);
  g_assert_false (r2->paused);
  g_assert_false (r2->overheated);
  g_assert_false (r2->power_fault);
}

static void
test_axeos_asic_model (void)
{
  g_autoptr(JsonObject) info = hf_test_fixture_object ("axeos-info-current.json");
  g_autoptr(JsonObject) asic = hf_test_fixture_object ("axeos-asic-supra.json");
  g_autofree char *model = hf_axeos_model_name (info, asic);

  /* /api/system/asic wins over boardVersion. */
  g_assert_cmpstr (model, ==, "Bitaxe Supra");
}

static void
test_axeos_v24 (void)
{
  g_autoptr(JsonObject) info = hf_test_fixture_object ("axeos-info-v2.4.json");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.11", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;

  g_assert_true (hf_axeos_parse_identity (info, NULL, miner, NULL));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Bitaxe Ultra");  /* boardVersion 204 */
  r = hf_axeos_parse_reading (info, NULL);
  assert_near (r->hashrate_ghs, 431.5);
  assert_unknown (r->hashrate_avg_ghs);
  /* No expectedHashrate on 2.4: what AxeOS shows, MHz × cores × chips. */
  assert_near (r->expected_hashrate_ghs, 485.0 * 894 / 1000.0);
  assert_unknown (r->board_temp_c);            /* vrTemp 0 = no sensor */
  assert_near (r->temperature_c, 52);
  assert_near (r->best_difficulty, 1.25e6);    /* "1.25M" */
  assert_near (r->best_session_difficulty, 0); /* "0" */
  assert_near (r->pool_difficulty, 1000);      /* stratumDiff before poolDifficulty */
  g_assert_false (r->fallback_pool);
  assert_unknown (r->vr_temp_c);
  assert_near (r->fan_percent, 38);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://solo.example.net:3333");
  assert_near (r->fan_rpm, 3333);
}

static void
test_nerdos (void)
{
  g_autoptr(JsonObject) info = hf_test_fixture_object ("nerdos-info.json");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.12", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;

  g_assert_true (hf_axeos_parse_identity (info, NULL, miner, NULL));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "NerdQAxe+");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "AC:DE:48:00:11:22");
  r = hf_axeos_parse_reading (info, NULL);
  assert_near (r->hashrate_ghs, 2450.25);
  assert_near (r->expected_hashrate_ghs, 600.0 * 2040 * 4 / 1000.0);
  assert_near (r->temperature_c, 57.125);
  assert_near (r->board_temp_c, 49.5);
  assert_near (r->fan_rpm, 2250);              /* fanrpm2 is the faster fan */
  assert_near (r->best_difficulty, 270e6);
  assert_near (r->vr_temp_c, 49.5);
  assert_unknown (r->chip2_temp_c);
  /* stratum.usingFallback, NerdOS's spelling. */
  g_assert_true (r->fallback_pool);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://solo.example.net:3334");
  assert_near (r->uptime_s, 1234);
}

static void
test_axeos_not_a_miner (void)
{
  g_autoptr(JsonObject) info = hf_test_fixture_object ("json-not-axeos.json");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.13", HF_FAMILY_UNKNOWN);
  g_autoptr(GError) error = NULL;

  g_assert_false (hf_axeos_parse_identity (info, NULL, miner, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_A_MINER);
  g_clear_error (&error);
  g_assert_null (hf_axeos_parse_reading (info, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_PROTOCOL);
}

static void
test_antminer_s19 (void)
{
  g_autoptr(JsonObject) version = hf_test_fixture_object ("antminer-version.txt");
  g_autoptr(JsonObject) stats = hf_test_fixture_object ("antminer-s19j-stats.txt");
  g_autoptr(JsonObject) summary = hf_test_fixture_object ("antminer-summary.txt");
  g_autoptr(JsonObject) pools = hf_test_fixture_object ("antminer-pools.txt");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.20", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_antminer_parse_identity (version, NULL, miner, &error));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19j Pro");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "Fri Mar  3 10:00:00 CST 2023");
  g_assert_null (hf_miner_get_mac (miner));   /* only the web CGI knows it */

  r = hf_antminer_parse_reading (stats, summary, pools, hf_miner_get_model (miner), &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 101234.5);
  assert_near (r->hashrate_avg_ghs, 100987.25);
  assert_near (r->expected_hashrate_ghs, 104000.0);   /* 104.0 with rate_unit TH */
  assert_near (r->chip_temp_c, 72);
  assert_near (r->board_temp_c, 62);
  assert_near (r->temperature_c, 72);
  assert_near (r->fan_rpm, 4920);
  assert_near (r->frequency_mhz, 500);
  assert_near (r->uptime_s, 7200);
  assert_near (r->accepted, 2345);
  assert_near (r->rejected, 6);
  assert_near (r->hardware_errors, 88);
  /* Stock firmware reports no power: 29.5 J/TH × 101.2345 TH/s, estimated. */
  assert_near (r->power_w, 29.5 * 101.2345);
  g_assert_true (r->power_estimated);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://live.example.net:3333");
  g_assert_cmpstr (r->pool_user, ==, "b.worker");
  /* The first pool is dead and the second one in use: a fallback. */
  g_assert_true (r->fallback_pool);
  assert_near (r->best_difficulty, 987654321);
  assert_near (r->best_session_difficulty, 987654321);
  assert_unknown (r->found_blocks);             /* no Found Blocks in this summary */
  g_assert_false (r->paused);
}

/* Which pool is in use, and what it asks of a share. */
static void
test_cgminer_pools (void)
{
  static const char first[] =
    "{\"STATUS\":[{\"STATUS\":\"S\"}],\"POOLS\":["
    "{\"POOL\":0,\"URL\":\"stratum+tcp://a.example.net:3333\",\"Status\":\"Alive\","
    "\"Priority\":0,\"Stratum Active\":true,\"Diff\":\"524K\",\"Last Share Difficulty\":0},"
    "{\"POOL\":1,\"URL\":\"stratum+tcp://b.example.net:3333\",\"Status\":\"Alive\","
    "\"Priority\":1,\"Stratum Active\":true,\"Stratum Difficulty\":8192}]}";
  static const char second[] =
    "{\"STATUS\":[{\"STATUS\":\"S\"}],\"POOLS\":["
    "{\"POOL\":1,\"URL\":\"stratum+tcp://b.example.net:3333\",\"Status\":\"Alive\","
    "\"Priority\":1,\"Stratum Active\":true,\"Stratum Difficulty\":0,"
    "\"Last Share Difficulty\":16384},"
    "{\"POOL\":0,\"URL\":\"stratum+tcp://a.example.net:3333\",\"Status\":\"Dead\","
    "\"Priority\":0,\"Stratum Active\":false}]}";
  /* Nothing active: the alive pool of highest priority is named, but that
   * is a guess, not a fallback. */
  static const char none[] =
    "{\"STATUS\":[{\"STATUS\":\"S\"}],\"POOLS\":["
    "{\"POOL\":0,\"URL\":\"stratum+tcp://a.example.net:3333\",\"Status\":\"Dead\","
    "\"Priority\":0},"
    "{\"POOL\":1,\"URL\":\"stratum+tcp://b.example.net:3333\",\"Status\":\"Alive\","
    "\"Priority\":1}]}";
  g_autoptr(JsonObject) a = hf_json_parse_object (first, sizeof first - 1, NULL);
  g_autoptr(JsonObject) b = hf_json_parse_object (second, sizeof second - 1, NULL);
  g_autoptr(JsonObject) c = hf_json_parse_object (none, sizeof none - 1, NULL);
  g_autoptr(HfReading) ra = hf_reading_new ();
  g_autoptr(HfReading) rb = hf_reading_new ();
  g_autoptr(HfReading) rc = hf_reading_new ();

  /* Two active (LuxOS does that): the first one in the list is in use. */
  hf_cgminer_read_pools (a, ra);
  g_assert_cmpstr (ra->pool_url, ==, "stratum+tcp://a.example.net:3333");
  g_assert_false (ra->fallback_pool);
  assert_near (ra->pool_difficulty, 524e3);     /* Bitmain's "Diff" */

  hf_cgminer_read_pools (b, rb);
  g_assert_cmpstr (rb->pool_url, ==, "stratum+tcp://b.example.net:3333");
  g_assert_true (rb->fallback_pool);            /* priority 1 in use, 0 is first */
  assert_near (rb->pool_difficulty, 16384);

  hf_cgminer_read_pools (c, rc);
  g_assert_cmpstr (rc->pool_url, ==, "stratum+tcp://b.example.net:3333");
  g_assert_false (rc->fallback_pool);
  assert_unknown (rc->pool_difficulty);

  /* The first pool disabled by its owner: the one in use is the first the
   * miner should use, no fallback. */
  {
    static const char disabled[] =
      "{\"STATUS\":[{\"STATUS\":\"S\"}],\"POOLS\":["
      "{\"POOL\":0,\"URL\":\"stratum+tcp://a.example.net:3333\",\"Status\":\"Disabled\","
      "\"Priority\":0,\"Stratum Active\":false},"
      "{\"POOL\":1,\"URL\":\"stratum+tcp://b.example.net:3333\",\"Status\":\"Alive\","
      "\"Priority\":1,\"Stratum Active\":true}]}";
    g_autoptr(JsonObject) d = hf_json_parse_object (disabled, sizeof disabled - 1, NULL);
    g_autoptr(HfReading) rd = hf_reading_new ();

    hf_cgminer_read_pools (d, rd);
    g_assert_cmpstr (rd->pool_url, ==, "stratum+tcp://b.example.net:3333");
    g_assert_false (rd->fallback_pool);
  }
}

/* Asleep, powered off, soft off: paused on purpose, each family its way. */
static void
test_paused_words (void)
{
  static const char *const sleeping[] = {
    "{\"miner-mode\":\"1\"}", "{\"miner-mode\":1}", "{\"bitmain-work-mode\":\"1\"}",
  };
  static const char *const awake[] = {
    "{\"miner-mode\":\"0\"}", "{\"miner-mode\":0,\"bitmain-work-mode\":\"0\"}", "{}",
  };
  static const char off[] = "{\"STATUS\":\"S\",\"Code\":131,\"Msg\":{\"btmineroff\":\"true\"}}";
  static const char on[] = "{\"STATUS\":\"S\",\"Code\":131,\"Msg\":{\"btmineroff\":\"false\"}}";
  static const char neither[] = "{\"STATUS\":\"S\",\"Code\":131,\"Msg\":{}}";

  for (guint i = 0; i < G_N_ELEMENTS (sleeping); i++)
    {
      g_autoptr(JsonObject) conf = hf_json_parse_object (sleeping[i], strlen (sleeping[i]), NULL);
      g_assert_true (hf_antminer_conf_sleeping (conf));
    }
  for (guint i = 0; i < G_N_ELEMENTS (awake); i++)
    {
      g_autoptr(JsonObject) conf = hf_json_parse_object (awake[i], strlen (awake[i]), NULL);
      g_assert_false (hf_antminer_conf_sleeping (conf));
    }
  {
    g_autoptr(JsonObject) a = hf_json_parse_object (off, sizeof off - 1, NULL);
    g_autoptr(JsonObject) b = hf_json_parse_object (on, sizeof on - 1, NULL);
    g_autoptr(JsonObject) c = hf_json_parse_object (neither, sizeof neither - 1, NULL);

    g_assert_true (hf_whatsminer_parse_powered_off (a));
    g_assert_false (hf_whatsminer_parse_powered_off (b));
    g_assert_false (hf_whatsminer_parse_powered_off (c));
    g_assert_false (hf_whatsminer_parse_powered_off (NULL));
  }
}

static void
test_antminer_s9_quirks (void)
{
  /* "[,{" in STATUS and "}{" between the STATS elements. */
  g_autoptr(JsonObject) stats = hf_test_fixture_object ("antminer-s9i-stats.txt");
  g_autoptr(HfReading) r = NULL;

  g_assert_true (hf_antminer_reply_is_stock (stats));
  r = hf_antminer_parse_reading (stats, NULL, NULL, "Antminer S9i", NULL);
  g_assert_nonnull (r);
  assert_near (r->hashrate_ghs, 14012.34);      /* a string on bmminer */
  assert_near (r->frequency_mhz, 650);          /* a string too */
  assert_near (r->chip_temp_c, 75);             /* temp2_N */
  assert_near (r->board_temp_c, 59);            /* tempN */
  assert_near (r->fan_rpm, 6120);               /* fan6, although fan_num is 2 */
  assert_near (r->power_w, 94.0 * 14.01234);
  g_assert_true (r->power_estimated);
  assert_unknown (r->accepted);                 /* no summary given */
}

static void
test_whatsminer (void)
{
  g_autoptr(JsonObject) summary = hf_test_fixture_object ("whatsminer-summary.txt");
  g_autoptr(JsonObject) details = hf_test_fixture_object ("whatsminer-devdetails.txt");
  g_autoptr(JsonObject) version = hf_test_fixture_object ("whatsminer-get-version.txt");
  g_autoptr(JsonObject) info = hf_test_fixture_object ("whatsminer-get-miner-info.txt");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.30", HF_FAMILY_UNKNOWN);
  g_autoptr(HfMiner) bare = hf_miner_new ("192.0.2.31", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_whatsminer_parse_identity (details, version, info, summary, miner, &error));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Whatsminer M31S+_V20");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "20220101.12.REL");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "wm-garage");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "C4:08:28:AA:BB:CC");

  /* API v1: no get_* commands; firmware and MAC from the summary. */
  g_assert_true (hf_whatsminer_parse_identity (details, NULL, NULL, summary, bare, NULL));
  g_assert_cmpstr (hf_miner_get_firmware (bare), ==, "20220101.12.REL");
  g_assert_cmpstr (hf_miner_get_mac (bare), ==, "C4:08:28:AA:BB:CC");

  r = hf_whatsminer_parse_reading (summary, NULL, &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 85500.0);        /* HS RT, MH/s → GH/s */
  assert_near (r->hashrate_avg_ghs, 85123.45678);
  assert_near (r->expected_hashrate_ghs, 86000);
  assert_near (r->chip_temp_c, 86.25);
  assert_near (r->board_temp_c, 66.5);
  assert_near (r->power_w, 3300);
  g_assert_false (r->power_estimated);
  assert_near (r->fan_rpm, 5340);
  assert_near (r->frequency_mhz, 590);
  assert_near (r->uptime_s, 5000);
  assert_near (r->accepted, 1000);
  assert_near (r->rejected, 2);
}

static void
test_avalon_nano3s (void)
{
  g_autoptr(JsonObject) version = hf_test_fixture_object ("avalon-nano3s-version.txt");
  g_autoptr(JsonObject) summary = hf_test_fixture_object ("avalon-summary.txt");
  g_autoptr(JsonObject) estats = hf_test_fixture_object ("avalon-nano3s-estats.txt");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.40", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_avalon_parse_identity (version, miner, &error));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Avalon Nano3s");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "25010101_aaaaaaa");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "E0:E1:A9:00:01:02");
  g_assert_cmpstr (hf_miner_get_serial (miner), ==, "0201000012345678");

  r = hf_avalon_parse_reading (summary, estats, NULL, hf_miner_get_model (miner), &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 6321.5);        /* MM GHSspd */
  assert_near (r->expected_hashrate_ghs, 6400);
  assert_near (r->chip_temp_c, 79);
  assert_near (r->board_temp_c, 44);
  assert_near (r->fan_rpm, 2700);
  assert_near (r->fan_percent, 41);
  assert_near (r->frequency_mhz, 510.5);
  assert_near (r->power_w, 135);                /* PS[6] on the Nano 3s */
  g_assert_false (r->power_estimated);
  assert_near (r->uptime_s, 4000);
  assert_near (r->accepted, 321);
  assert_near (r->best_difficulty, 5555);
  assert_near (r->best_session_difficulty, 5555);
  g_assert_false (r->paused);                   /* SoftOFF[0] */
}

static void
test_avalon_q (void)
{
  g_autoptr(JsonObject) version = hf_test_fixture_object ("avalon-q-version.txt");
  g_autoptr(JsonObject) summary = hf_test_fixture_object ("avalon-summary.txt");
  g_autoptr(JsonObject) stats = hf_test_fixture_object ("avalon-q-stats.txt");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.41", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;

  g_assert_true (hf_avalon_parse_identity (version, miner, NULL));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Avalon Q");
  r = hf_avalon_parse_reading (summary, stats, NULL, "Avalon Q", NULL);
  assert_near (r->hashrate_ghs, 88000);
  assert_near (r->expected_hashrate_ghs, 90000);
  assert_unknown (r->chip_temp_c);              /* TMax[0]: no reading */
  assert_near (r->temperature_c, 47);           /* hottest board sensor */
  assert_near (r->fan_rpm, 2950);
  assert_near (r->fan_percent, 60);
  assert_near (r->frequency_mhz, 290);
  assert_near (r->power_w, 18.6 * 88.0);        /* no wall meter: estimated */
  g_assert_true (r->power_estimated);
}

static void
test_avalon_mm (void)
{
  g_autoptr(GHashTable) mm = hf_avalon_mm_parse (
    "'STATS':{Ver[Q-1] PS[0 0 27541 4 0 3756 133] DH[2.374%] FanR[33%] "
    "ATA0[60-80-306-100:293:313:333] SYSTEMSTATU[Work: In Work, Hash Board: 1] "
    "Nonce Mask[25] PVT_T0[ 84  85  86] Dup[1] Dup[2] Cut[12");

  g_assert_cmpstr (g_hash_table_lookup (mm, "Ver"), ==, "Q-1");
  g_assert_cmpstr (g_hash_table_lookup (mm, "SYSTEMSTATU"), ==, "Work: In Work, Hash Board: 1");
  g_assert_cmpstr (g_hash_table_lookup (mm, "ATA0"), ==, "60-80-306-100:293:313:333");
  g_assert_cmpstr (g_hash_table_lookup (mm, "Nonce Mask"), ==, "25");
  assert_near (hf_avalon_mm_number (mm, "DH"), 2.374);
  assert_near (hf_avalon_mm_number (mm, "FanR"), 33);
  assert_near (hf_avalon_mm_field (mm, "PS", 6), 133);
  assert_near (hf_avalon_mm_field (mm, "PS", 2), 27541);
  assert_unknown (hf_avalon_mm_field (mm, "PS", 7));
  assert_near (hf_avalon_mm_field (mm, "PVT_T0", 1), 85);
  g_assert_cmpstr (g_hash_table_lookup (mm, "Dup"), ==, "1");   /* first wins */
  g_assert_false (g_hash_table_contains (mm, "Cut"));          /* unterminated */
  g_assert_false (g_hash_table_contains (mm, "STATS"));
  assert_unknown (hf_avalon_mm_number (mm, "SYSTEMSTATU"));

  {
    g_autoptr(GHashTable) empty = hf_avalon_mm_parse ("]]][[[ no tokens at all [");
    g_assert_cmpuint (g_hash_table_size (empty), ==, 0);
  }
}

static void
test_generic_cgminer (void)
{
  g_autoptr(JsonObject) summary = hf_test_fixture_object ("cgminer-summary.txt");
  g_autoptr(HfReading) r = hf_cgminer_parse_reading (summary, NULL, NULL);

  assert_near (r->hashrate_ghs, 95000);         /* MHS 1m when there is no 5 s */
  assert_near (r->hashrate_avg_ghs, 94000);
  assert_near (r->accepted, 12);
  assert_unknown (r->power_w);
  assert_unknown (r->temperature_c);
}

static void
test_classify (void)
{
  g_autoptr(JsonObject) ant = hf_test_fixture_object ("antminer-version.txt");
  g_autoptr(JsonObject) ava = hf_test_fixture_object ("avalon-q-version.txt");
  g_autoptr(JsonObject) bos = hf_test_fixture_object ("braiins-version.txt");
  g_autoptr(JsonObject) wm = hf_test_fixture_object ("whatsminer-devdetails.txt");
  g_autoptr(JsonObject) echo = hf_json_parse_object ("{\"command\":\"version\"}", 21, NULL);

  g_assert_cmpint (hf_identify_classify_version (ant), ==, HF_FAMILY_ANTMINER);
  g_assert_cmpint (hf_identify_classify_version (ava), ==, HF_FAMILY_AVALON);
  /* Braiins keeps "Antminer" in Type: firmware markers come first. */
  g_assert_cmpint (hf_identify_classify_version (bos), ==, HF_FAMILY_BRAIINS);
  g_assert_cmpint (hf_identify_classify_version (wm), ==, HF_FAMILY_WHATSMINER);
  /* An echo of our request is not a cgminer reply. */
  g_assert_cmpint (hf_identify_classify_version (echo), ==, HF_FAMILY_UNKNOWN);
}

static void
test_model_table (void)
{
  assert_near (hf_model_efficiency (HF_FAMILY_ANTMINER, "Antminer S19 Pro"), 29.5);
  assert_near (hf_model_efficiency (HF_FAMILY_ANTMINER, "Antminer S19"), 34.5);
  assert_near (hf_model_efficiency (HF_FAMILY_ANTMINER, "Antminer S19j Pro"), 29.5);
  assert_near (hf_model_efficiency (HF_FAMILY_ANTMINER, "Antminer S19 XP Hyd."), 21.5);
  assert_unknown (hf_model_efficiency (HF_FAMILY_ANTMINER, "Antminer S99"));
  assert_unknown (hf_model_efficiency (HF_FAMILY_AVALON, "Antminer S19"));
  assert_unknown (hf_model_estimate_power (HF_FAMILY_ANTMINER, "Antminer S19", NAN));
}

static void
test_numbers (void)
{
  assert_near (hf_parse_number (" 5904.657 "), 5904.657);
  assert_near (hf_parse_number ("43%"), 43);
  assert_near (hf_parse_number ("-273"), -273);
  assert_unknown (hf_parse_number ("inf"));
  assert_unknown (hf_parse_number ("nan"));
  assert_unknown (hf_parse_number ("0x10"));
  assert_unknown (hf_parse_number ("12abc"));
  assert_unknown (hf_parse_number (""));
  assert_near (hf_parse_si_number ("483k"), 483000);
  assert_near (hf_parse_si_number ("2.5G"), 2.5e9);
  assert_unknown (hf_parse_si_number ("k"));
}

static void
test_reading_sanity (void)
{
  g_autoptr(HfReading) r = hf_reading_new ();

  r->hashrate_ghs = -5;
  r->chip_temp_c = -273;
  r->board_temp_c = 0;
  r->fan_percent = 150;
  r->accepted = 10;
  hf_reading_finish (r);
  assert_unknown (r->hashrate_ghs);
  assert_unknown (r->chip_temp_c);
  assert_unknown (r->board_temp_c);
  assert_unknown (r->temperature_c);
  assert_unknown (r->fan_percent);
  assert_near (r->accepted, 10);

  /* One device cannot hash 20 PH/s or draw 1 MW: such a reply is broken
   * and stays out of the totals; a 500 TH/s, 10 kW hydro rig is fine. */
  g_clear_pointer (&r, hf_reading_free);
  r = hf_reading_new ();
  r->hashrate_ghs = 2e7;
  r->expected_hashrate_ghs = 1e300;
  r->power_w = 1e6;
  hf_reading_finish (r);
  assert_unknown (r->hashrate_ghs);
  assert_unknown (r->expected_hashrate_ghs);
  assert_unknown (r->power_w);
  g_clear_pointer (&r, hf_reading_free);
  r = hf_reading_new ();
  r->hashrate_ghs = 5e5;
  r->power_w = 1e4;
  hf_reading_finish (r);
  assert_near (r->hashrate_ghs, 5e5);
  assert_near (r->power_w, 1e4);
}

static void
test_pool_url_and_mismatch (void)
{
  g_autoptr(HfMinerSettings) want = hf_miner_settings_new ();
  g_autoptr(HfReading) r = hf_reading_new ();
  g_autofree char *host = NULL, *wrong = NULL;
  guint16 port = 0;

  g_assert_true (hf_pool_url_parse ("stratum+tcp://pool.example.org:3333", &host, &port, NULL));
  g_assert_cmpstr (host, ==, "pool.example.org");
  g_assert_cmpuint (port, ==, 3333);
  g_clear_pointer (&host, g_free);
  g_assert_true (hf_pool_url_parse ("solo.example.org:4444", &host, &port, NULL));
  g_clear_pointer (&host, g_free);
  g_assert_false (hf_pool_url_parse ("https://pool.example.org:443", &host, &port, NULL));
  g_assert_false (hf_pool_url_parse ("stratum+tcp://pool.example.org", &host, &port, NULL));
  g_assert_false (hf_pool_url_parse ("stratum+tcp://pool example.org:3333", &host, &port, NULL));
  g_assert_false (hf_pool_url_parse ("stratum+tcp://pool.example.org:70000", &host, &port, NULL));

  /* A change shows when the reading reports it; what is not reported is
   * not held against it. */
  want->frequency_mhz = 550;
  want->fan_percent = 60;
  want->pool_url = g_strdup ("stratum+tcp://solo.example.org:3333");
  r->frequency_mhz = 525;
  r->pool_url = g_strdup ("stratum+tcp://pool.example.org:3333");
  wrong = hf_miner_settings_mismatch (want, r);
  g_assert_nonnull (strstr (wrong, "frequency reads 525 MHz, not 550"));
  g_assert_nonnull (strstr (wrong, "pool reads stratum+tcp://pool.example.org:3333"));
  g_assert_null (strstr (wrong, "fan"));      /* fan % not reported: not checked */
  r->frequency_mhz = 550;
  g_free (r->pool_url);
  r->pool_url = g_strdup ("stratum+tcp://solo.example.org:3333");
  g_clear_pointer (&wrong, g_free);
  g_assert_null (hf_miner_settings_mismatch (want, r));
  r->fan_percent = 100;
  wrong = hf_miner_settings_mismatch (want, r);
  g_assert_cmpstr (wrong, ==, "fan reads 100 %, not 60 %");
}

static void
test_format (void)
{
  struct { double ghs; const char *text; } cases[] = {
    { 950, "950 GH/s" }, { 110566.89, "110.57 TH/s" }, { 1.2e6, "1.20 PH/s" }, { NAN, "—" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = hf_format_hashrate (cases[i].ghs);
      g_assert_cmpstr (s, ==, cases[i].text);
    }
  {
    g_autofree char *d = hf_format_duration (93784);
    g_autofree char *h = hf_format_duration (3725);
    g_assert_cmpstr (d, ==, "1d 2h");
    g_assert_cmpstr (h, ==, "1h 2m");
  }
  {
    struct { double value; const char *text; } diff[] = {
      { 950, "950" }, { 483000, "483k" }, { 4294967296.0, "4.29G" }, { 1.5e14, "150T" },
      { NAN, "—" },
    }, wait[] = {
      { 3725, "1h 2m" }, { 41 * 86400.0 + 5, "41 days" }, { 3.2 * 365.25 * 86400, "3.2 years" },
      { 3400 * 365.25 * 86400, "3400 years" }, { NAN, "—" }, { INFINITY, "—" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (diff); i++)
      {
        g_autofree char *text = hf_format_difficulty (diff[i].value);
        g_assert_cmpstr (text, ==, diff[i].text);
      }
    for (guint i = 0; i < G_N_ELEMENTS (wait); i++)
      {
        g_autofree char *text = hf_format_expected (wait[i].value);
        g_assert_cmpstr (text, ==, wait[i].text);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/parsers/axeos/current", test_axeos_current);
  g_test_add_func ("/parsers/axeos/states", test_axeos_states);
  g_test_add_func ("/parsers/axeos/asic-model", test_axeos_asic_model);
  g_test_add_func ("/parsers/axeos/v2.4", test_axeos_v24);
  g_test_add_func ("/parsers/axeos/nerdos", test_nerdos);
  g_test_add_func ("/parsers/axeos/not-a-miner", test_axeos_not_a_miner);
  g_test_add_func ("/parsers/antminer/s19", test_antminer_s19);
  g_test_add_func ("/parsers/cgminer/pools", test_cgminer_pools);
  g_test_add_func ("/parsers/paused-words", test_paused_words);
  g_test_add_func ("/parsers/antminer/s9-quirks", test_antminer_s9_quirks);
  g_test_add_func ("/parsers/whatsminer", test_whatsminer);
  g_test_add_func ("/parsers/avalon/nano3s", test_avalon_nano3s);
  g_test_add_func ("/parsers/avalon/q", test_avalon_q);
  g_test_add_func ("/parsers/avalon/mm-string", test_avalon_mm);
  g_test_add_func ("/parsers/cgminer/generic", test_generic_cgminer);
  g_test_add_func ("/parsers/classify", test_classify);
  g_test_add_func ("/parsers/model-table", test_model_table);
  g_test_add_func ("/parsers/numbers", test_numbers);
  g_test_add_func ("/parsers/reading-sanity", test_reading_sanity);
  g_test_add_func ("/parsers/pool-url-and-mismatch", test_pool_url_and_mismatch);
  g_test_add_func ("/parsers/format", test_format);

  return g_test_run ();
}
