/* test-conformance.c — replies captured from real devices parse right
 * SPDX-License-Identifier: MIT
 *
 * The captures live outside this repository (HF_REAL_FIXTURES, by default
 * ../shared/fixtures/real beside the source tree): they are reference
 * material, not ours to commit.  The expected values are this test's own
 * table, read off the captures by hand.  Without the directory the test
 * skips.
 */
#include <math.h>
#include <string.h>

#include "hf-antminer-parse.h"
#include "hf-avalon-mm.h"
#include "hf-avalon-parse.h"
#include "hf-axeos-parse.h"
#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-identify.h"
#include "hf-json.h"
#include "hf-test-utils.h"
#include "hf-whatsminer-parse.h"

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-6 * MAX (1.0, fabs ((double) (b))))
#define assert_unknown(a) g_assert_true (isnan (a))

static const char *real_dir;

static gboolean
have_samples (void)
{
  if (real_dir == NULL || !g_file_test (real_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no captured samples (set HF_REAL_FIXTURES)");
      return FALSE;
    }
  return TRUE;
}

/* A sample, through the same clean-up and parser as a live reply. */
static JsonObject *
sample (const char *name)
{
  g_autofree char *path = g_build_filename (real_dir, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  JsonObject *obj;

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  obj = hf_cgminer_parse_reply (text, len, &error);
  g_assert_no_error (error);
  return obj;
}

static void
test_antminer_s19pro (void)
{
  g_autoptr(JsonObject) version = NULL, stats = NULL, summary = NULL, pools = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.1", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_samples ())
    return;
  version = sample ("antminer-s19pro_version.json");
  stats = sample ("antminer-s19pro_stats.json");
  summary = sample ("antminer-s19pro_summary.json");
  pools = sample ("antminer-s19pro_pools.json");

  g_assert_cmpint (hf_identify_classify_version (version), ==, HF_FAMILY_ANTMINER);
  g_assert_true (hf_antminer_parse_identity (version, NULL, miner, &error));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19 Pro");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "Tue Dec  6 16:12:30 CST 2022");

  r = hf_antminer_parse_reading (stats, summary, pools, "Antminer S19 Pro", &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 110566.89);
  assert_near (r->hashrate_avg_ghs, 111834.63);
  assert_near (r->expected_hashrate_ghs, 110000.0);
  assert_near (r->chip_temp_c, 78);
  assert_near (r->board_temp_c, 73);
  assert_near (r->temperature_c, 78);
  assert_near (r->fan_rpm, 6000);
  assert_near (r->frequency_mhz, 525);
  assert_near (r->uptime_s, 50474);
  assert_near (r->accepted, 4057);
  assert_near (r->rejected, 11);
  assert_near (r->hardware_errors, 562);
  assert_near (r->power_w, 29.5 * 110.56689);
  g_assert_true (r->power_estimated);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://btc.global.luxor.tech:700");
  /* Luck: Best Share is since bmminer started; Found Blocks 0 is known. */
  assert_near (r->best_difficulty, 12904207043.0);
  assert_near (r->best_session_difficulty, 12904207043.0);
  assert_near (r->found_blocks, 0);
  assert_near (r->pool_difficulty, 524288);     /* Last Share Difficulty ("Diff" 524K) */
  assert_unknown (r->network_difficulty);
  g_assert_false (r->fallback_pool);            /* pool 0 active, priority 0 */
  g_assert_false (r->paused);
  assert_unknown (r->vr_temp_c);
  assert_unknown (r->chip2_temp_c);
}

static void
test_antminer_s21_cgi (void)
{
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.2", HF_FAMILY_ANTMINER);

  if (!have_samples ())
    return;
  info = sample ("antminer-s21_cgi-get_system_info.json");
  hf_antminer_parse_system_info (info, miner);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S21");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "FR-1.12(251009-S21)");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "Antminer");
  g_assert_cmpstr (hf_miner_get_serial (miner), ==, "THQING0BDJAB024NF");
  /* The capture's MAC was scrambled ("3M" is not hex): not a MAC, so unknown,
   * and the serial is the identity. */
  g_assert_null (hf_miner_get_mac (miner));
  g_assert_cmpstr (hf_miner_get_identity_key (miner), ==, "THQING0BDJAB024NF");
}

static void
test_luxos_standard_reports (void)
{
  g_autoptr(JsonObject) version = NULL, summary = NULL, pools = NULL;
  g_autoptr(HfReading) r = NULL;

  if (!have_samples ())
    return;
  version = sample ("luxos-s19kpro_version.json");
  summary = sample ("luxos-s19kpro_summary.json");
  pools = sample ("luxos-s19kpro_pools.json");
  /* "Antminer S19k Pro" in Type, but LuxOS: not stock Antminer. */
  g_assert_false (hf_antminer_reply_is_stock (version));
  g_assert_cmpint (hf_identify_classify_version (version), ==, HF_FAMILY_LUXOS);
  /* Its summary and pools are standard: the generic parser reads them. */
  r = hf_cgminer_parse_reading (summary, pools, NULL);
  assert_near (r->hashrate_ghs, 59756.06);
  assert_near (r->uptime_s, 3453);
  assert_near (r->accepted, 1483);
  assert_near (r->best_difficulty, 32768);
  assert_near (r->best_session_difficulty, 32768);
  assert_near (r->found_blocks, 0);
  /* Pools 0 and 2 both say Stratum Active: the first is in use, and it is
   * the pool of highest priority. */
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://ca.stratum.braiins.com:3333");
  assert_near (r->pool_difficulty, 32768);
  g_assert_false (r->fallback_pool);
}

static void
test_braiins_summary (void)
{
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(HfReading) r = NULL;

  if (!have_samples ())
    return;
  summary = sample ("braiins-osplus-22.08.1-s9_summary.json");
  r = hf_cgminer_parse_reading (summary, NULL, NULL);
  assert_near (r->hashrate_ghs, 4143.268055883251);   /* MHS 5s */
  assert_near (r->accepted, 870);
  assert_near (r->rejected, 3);
  assert_near (r->best_difficulty, 262144);
  assert_near (r->best_session_difficulty, 262144);
  assert_near (r->found_blocks, 0);
  assert_unknown (r->pool_difficulty);                 /* no pools reply given */
  g_assert_false (r->fallback_pool);
}

static void
test_bitaxe_supra (void)
{
  g_autoptr(JsonObject) info = NULL, asic = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.3", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_samples ())
    return;
  info = sample ("bitaxe-supra_system-info_v2.4.5.json");
  asic = sample ("bitaxe-supra_system-asic.json");

  /* The model comes from boardVersion 401 alone, and from /asic. */
  g_assert_true (hf_axeos_parse_identity (info, NULL, miner, &error));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Bitaxe Supra");
  g_assert_true (hf_axeos_parse_identity (info, asic, miner, &error));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Bitaxe Supra");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "v2.4.5-3-gb5d1e36-dirty");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "bitaxe");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "AA:BB:CC:DD:EE:FF");

  r = hf_axeos_parse_reading (info, &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 0);            /* captured 4 s after boot */
  assert_near (r->expected_hashrate_ghs, 490.0 * 1276 / 1000.0);
  assert_near (r->temperature_c, 27);
  assert_unknown (r->board_temp_c);            /* vrTemp 0 */
  assert_near (r->power_w, 2.65000009536743);
  assert_near (r->input_voltage_v, 5.175);
  assert_near (r->fan_rpm, 3517);
  assert_near (r->fan_percent, 35);
  assert_near (r->frequency_mhz, 490);
  assert_near (r->core_voltage_mv, 1172);
  assert_near (r->uptime_s, 4);
  assert_near (r->accepted, 0);
  assert_near (r->rejected, 0);
  assert_near (r->best_difficulty, 483000);    /* "483k" */
  assert_near (r->best_session_difficulty, 0); /* "0" */
  assert_unknown (r->pool_difficulty);         /* stratumDiff 0: none set yet */
  assert_unknown (r->network_difficulty);      /* not in 2.4 */
  assert_unknown (r->found_blocks);            /* no blockFound in 2.4 */
  assert_unknown (r->vr_temp_c);               /* vrTemp 0 */
  assert_unknown (r->chip2_temp_c);            /* no temp2 */
  assert_unknown (r->error_percent);           /* no errorPercentage in 2.4 */
  g_assert_false (r->paused);
  g_assert_false (r->overheated);              /* overheat_mode 0 */
  g_assert_false (r->power_fault);
  g_assert_false (r->fallback_pool);           /* isUsingFallbackStratum 0 */
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://btc.example.pool:3333");
}

static void
test_nerdqaxe (void)
{
  g_autoptr(JsonObject) info = NULL, asic = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.4", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;

  if (!have_samples ())
    return;
  info = sample ("nerdqaxe-plusplus_system-info_nerdos-v1.1.0-beta1.json");
  asic = sample ("nerdqaxe-plusplus_system-asic_nerdos-v1.1.0-beta1.json");

  g_assert_true (hf_axeos_parse_identity (info, asic, miner, NULL));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "NerdQAxe++");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "v1.1.0-beta1");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "qaxe6");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "AC:A7:04:FB:77:D0");

  r = hf_axeos_parse_reading (info, NULL);
  assert_near (r->hashrate_ghs, 5455.551);
  assert_near (r->hashrate_avg_ghs, 5509.091);
  assert_near (r->expected_hashrate_ghs, 680.0 * 2040 * 4 / 1000.0);
  assert_near (r->temperature_c, 59.875);
  assert_near (r->board_temp_c, 55.9375);
  assert_near (r->power_w, 103);
  assert_near (r->input_voltage_v, 12.25);
  assert_near (r->fan_rpm, 1796);
  assert_near (r->fan_percent, 54);
  assert_near (r->frequency_mhz, 680);
  assert_near (r->uptime_s, 43173);
  assert_near (r->accepted, 3492);
  assert_near (r->rejected, 3);
  assert_near (r->best_difficulty, 13790464144.0);
  assert_near (r->best_session_difficulty, 14137811);
  assert_near (r->pool_difficulty, 16384);
  assert_near (r->network_difficulty, 124932866000000.0);
  assert_near (r->found_blocks, 0);            /* foundBlocks */
  assert_near (r->vr_temp_c, 55.9375);
  assert_unknown (r->chip2_temp_c);
  assert_unknown (r->error_percent);           /* NerdOS 1.1 sends no errorPercentage */
  g_assert_false (r->fallback_pool);           /* stratum.usingFallback false */
  g_assert_false (r->paused);
  g_assert_false (r->overheated);
  g_assert_false (r->power_fault);
  g_assert_true (g_str_has_prefix (r->pool_url, "stratum+tcp://"));
  g_assert_true (g_str_has_suffix (r->pool_url, ":2018"));
}

static void
test_whatsminer (void)
{
  g_autoptr(JsonObject) summary = NULL, version = NULL, status = NULL, pools = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.5", HF_FAMILY_UNKNOWN);
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_samples ())
    return;
  summary = sample ("whatsminer-api1.4_summary.json");
  version = sample ("whatsminer-api1.4_get-version.json");
  status = sample ("whatsminer-api1.4_status.json");
  pools = sample ("whatsminer-api1.4_pools.json");

  /* btminer's Msg-shaped replies pass the status check. */
  g_assert_true (hf_cgminer_check_status (version, NULL));
  g_assert_true (hf_cgminer_check_status (status, NULL));
  g_assert_cmpstr (hf_json_string (hf_whatsminer_msg (status), "btmineroff"), ==, "true");
  g_assert_true (hf_whatsminer_parse_powered_off (status));

  details = hf_json_parse_object ("{\"STATUS\":[{\"STATUS\":\"S\"}],\"DEVDETAILS\":"
                                  "[{\"Driver\":\"bitmicro\",\"Model\":\"M30S\"}]}", 67, NULL);
  g_assert_true (hf_whatsminer_parse_identity (details, version, NULL, summary, miner, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "20210322.22.REL");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "C4:08:28:00:A4:19");

  r = hf_whatsminer_parse_reading (summary, pools, &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 67394.80097);
  assert_near (r->hashrate_avg_ghs, 67753.25119);
  assert_near (r->expected_hashrate_ghs, 68796);
  assert_near (r->chip_temp_c, 92.5);
  assert_near (r->board_temp_c, 71.5);
  assert_near (r->power_w, 3417);
  g_assert_false (r->power_estimated);
  assert_near (r->fan_rpm, 6480);
  assert_near (r->frequency_mhz, 648);
  assert_near (r->uptime_s, 10154);
  assert_near (r->accepted, 2338);
  assert_near (r->rejected, 0);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://btc.example.pool:3333");
  assert_near (r->best_difficulty, 41127493);
  assert_near (r->best_session_difficulty, 41127493);
  assert_near (r->found_blocks, 0);
  assert_near (r->pool_difficulty, 65536);     /* Stratum Difficulty (Work Difficulty 0) */
  g_assert_false (r->fallback_pool);           /* POOL 1, but priority 0 */
  g_assert_false (r->paused);                  /* the summary alone does not say */
}

static void
test_avalon_nano3 (void)
{
  g_autoptr(JsonObject) both = NULL;
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_samples ())
    return;
  /* A capture script's file: {"Summary": <reply>, "Stats": <reply>}. */
  both = sample ("avalon-nano3_summary-and-stats.json");
  r = hf_avalon_parse_reading (hf_json_object (both, "Summary"), hf_json_object (both, "Stats"),
                               NULL, "Avalon Nano3", &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 3332.40);        /* MM GHSspd */
  assert_near (r->expected_hashrate_ghs, 3381.96);
  assert_near (r->chip_temp_c, 87);
  assert_near (r->board_temp_c, 45);
  assert_near (r->fan_rpm, 3360);
  assert_near (r->fan_percent, 43);
  assert_unknown (r->frequency_mhz);             /* Freq[0.00] on this firmware */
  assert_near (r->uptime_s, 101614);
  assert_near (r->accepted, 21853);
  assert_near (r->rejected, 15);
  /* The Nano 3's PS[] layout is undocumented: power is estimated. */
  assert_near (r->power_w, 35.0 * 3.33240);
  g_assert_true (r->power_estimated);
  assert_near (r->best_difficulty, 138508908);
  assert_near (r->best_session_difficulty, 138508908);
  assert_near (r->found_blocks, 0);
  g_assert_false (r->paused);                  /* SoftOFF[0] */
}

static void
test_avalon_nano3s (void)
{
  g_autoptr(JsonObject) version = NULL, lcd = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.6", HF_FAMILY_UNKNOWN);

  if (!have_samples ())
    return;
  version = sample ("avalon-nano3s_version.json");
  lcd = sample ("avalon-nano3s_lcd.json");

  g_assert_cmpint (hf_identify_classify_version (version), ==, HF_FAMILY_AVALON);
  g_assert_true (hf_avalon_parse_identity (version, miner, NULL));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Avalon Nano3s");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "25021401_56abae7");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "E0:E1:A9:3F:30:53");
  g_assert_cmpstr (hf_miner_get_serial (miner), ==, "020100003cbe4d15");
  /* lcd carries GH/s keys: the unit comes from the key. */
  assert_near (hf_cgminer_section_hashrate (hf_cgminer_section (lcd, "LCD", 0), "5s"), 6477.09);
}

static void
test_avalon_q (void)
{
  g_autoptr(JsonObject) version = NULL, stats = NULL, summary = NULL, pools = NULL;
  g_autoptr(JsonObject) details = NULL, softoff = NULL, workmode = NULL, litestats = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.7", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GHashTable) lite = NULL;

  if (!have_samples ())
    return;
  version = sample ("avalon-q_version.json");
  stats = sample ("avalon-q_stats.json");
  summary = sample ("avalon-q_summary.json");
  pools = sample ("avalon-q_pools.json");
  details = sample ("avalon-q_devdetails.json");
  softoff = sample ("avalon-q_ascset-softoff.json");
  workmode = sample ("avalon-q_ascset-workmode.json");
  litestats = sample ("avalon-q_litestats.json");

  g_assert_true (hf_avalon_parse_identity (version, miner, NULL));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Avalon Q");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "25052801_14a19a2");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "AA:BB:CC:DD:EE:FF");
  g_assert_false (hf_whatsminer_reply_is_btminer (details));   /* Driver "avalon" */
  g_assert_true (hf_cgminer_check_status (softoff, NULL));     /* STATUS "I", 118 */
  g_assert_true (hf_cgminer_check_status (workmode, NULL));

  r = hf_avalon_parse_reading (summary, stats, pools, "Avalon Q", NULL);
  /* Captured in soft-off: not hashing, fans stopped. */
  assert_near (r->hashrate_ghs, 0);
  assert_near (r->hashrate_avg_ghs, 44539.60186);
  assert_near (r->expected_hashrate_ghs, 55032.79);
  assert_unknown (r->chip_temp_c);                 /* TMax[0] */
  assert_near (r->temperature_c, 27);              /* HBITemp/HBOTemp */
  assert_near (r->fan_rpm, 0);
  assert_near (r->fan_percent, 0);
  assert_near (r->frequency_mhz, 282.86);
  assert_near (r->uptime_s, 37714);
  assert_near (r->accepted, 890);
  assert_near (r->rejected, 2);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://pool.example.com:4444");
  /* SoftOFF[4]: the standby an ascset softoff puts it in. */
  g_assert_true (r->paused);
  assert_near (r->pool_difficulty, 524288);
  assert_near (r->best_difficulty, 354914572);
  assert_near (r->best_session_difficulty, 354914572);
  assert_near (r->found_blocks, 0);
  g_assert_false (r->fallback_pool);

  lite = hf_avalon_mm_parse (hf_avalon_mm_string (litestats));
  g_assert_cmpuint (g_hash_table_size (lite), >, 10);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  real_dir = g_getenv ("HF_REAL_FIXTURES");

  g_test_add_func ("/conformance/antminer/s19pro", test_antminer_s19pro);
  g_test_add_func ("/conformance/antminer/s21-cgi", test_antminer_s21_cgi);
  g_test_add_func ("/conformance/luxos-standard-reports", test_luxos_standard_reports);
  g_test_add_func ("/conformance/braiins-summary", test_braiins_summary);
  g_test_add_func ("/conformance/axeos/bitaxe-supra", test_bitaxe_supra);
  g_test_add_func ("/conformance/axeos/nerdqaxe", test_nerdqaxe);
  g_test_add_func ("/conformance/whatsminer", test_whatsminer);
  g_test_add_func ("/conformance/avalon/nano3", test_avalon_nano3);
  g_test_add_func ("/conformance/avalon/nano3s", test_avalon_nano3s);
  g_test_add_func ("/conformance/avalon/q", test_avalon_q);

  return g_test_run ();
}
