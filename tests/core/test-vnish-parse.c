/* test-vnish-parse.c — VNish replies: captures from real units, and the
 * parsers' edge cases
 * SPDX-License-Identifier: MIT
 *
 * The captures live outside this repository (HF_REAL_FIXTURES, by default
 * ../shared/fixtures/real); each value below was read off its capture by
 * hand.  Every vnish-* capture there must have its test here: a new one
 * fails /vnish/real/all-covered until it does.  Without the directory the
 * capture tests skip.
 */
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-identify.h"
#include "hf-json.h"
#include "hf-test-utils.h"
#include "hf-vnish-parse.h"

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-6 * MAX (1.0, fabs ((double) (b))))
#define assert_unknown(a) g_assert_true (isnan (a))

static const char *real_dir;

static const char *const covered[] = {
  "vnish-1.2.0-rc5-s19jpro_api-v1-summary.json",
  "vnish-1.2.5-beta1-s19jpro_api-v1-info.json",
  "vnish-1.2.6-s19_api-v1-info.json",
  "vnish-1.2.6-s19_api-v1-status-failure.json",
};

static JsonObject *
real (const char *name)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *obj;
  gsize len = 0;

  if (real_dir == NULL || !g_file_test (real_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no captured samples (set HF_REAL_FIXTURES)");
      return NULL;
    }
  path = g_build_filename (real_dir, name, NULL);
  if (!g_file_get_contents (path, &text, &len, NULL))
    {
      g_test_skip_printf ("%s is not there", name);
      return NULL;
    }
  obj = hf_json_parse_object (text, len, &error);
  g_assert_no_error (error);
  return obj;
}

static JsonObject *
object (const char *json)
{
  return hf_json_parse_object (json, strlen (json), NULL);
}

static void
test_all_covered (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint seen = 0;

  if (real_dir == NULL || (dir = g_dir_open (real_dir, 0, NULL)) == NULL)
    {
      g_test_skip ("no captured samples (set HF_REAL_FIXTURES)");
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_prefix (name, "vnish-"))
        continue;
      if (!g_strv_contains (covered, name))
        g_error ("%s has no conformance test", name);
      seen++;
    }
  g_assert_cmpuint (seen, >, 0);
}

static void
test_info_125 (void)
{
  g_autoptr(JsonObject) info = real ("vnish-1.2.5-beta1-s19jpro_api-v1-info.json");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.54", HF_FAMILY_UNKNOWN);
  g_autoptr(GError) error = NULL;

  if (info == NULL)
    return;
  g_assert_true (hf_vnish_parse_identity (info, miner, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_VNISH);
  /* "miner": "Antminer S19J Pro", as Bitmain writes it. */
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19j Pro");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "VNish 1.2.5-beta1");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "28:6C:5E:A9:BC:ED");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "Antminer");
  g_assert_null (hf_miner_get_serial (miner));
  assert_near (hf_vnish_hashrate_scale (info), 1.0);        /* "GH/s" */
  /* "27 days, 12:24" */
  assert_near (hf_vnish_parse_uptime (hf_json_string (hf_json_object (info, "system"), "uptime")),
               27 * 86400 + 12 * 3600 + 24 * 60);
}

static void
test_info_126 (void)
{
  g_autoptr(JsonObject) info = real ("vnish-1.2.6-s19_api-v1-info.json");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.2", HF_FAMILY_UNKNOWN);
  g_autoptr(GError) error = NULL;

  if (info == NULL)
    return;
  g_assert_true (hf_vnish_parse_identity (info, miner, &error));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "VNish 1.2.6");
  g_assert_cmpstr (hf_miner_get_mac (miner), ==, "FE:07:26:3C:BE:1B");
  g_assert_cmpstr (hf_miner_get_hostname (miner), ==, "antminer");
  /* "serial": "N/A" is no serial. */
  g_assert_null (hf_miner_get_serial (miner));
  assert_near (hf_vnish_hashrate_scale (info), 1.0);
  assert_near (hf_vnish_parse_uptime (hf_json_string (hf_json_object (info, "system"), "uptime")),
               6 * 60);                                     /* "0:06" */
}

static void
test_summary_rc5 (void)
{
  g_autoptr(JsonObject) summary = real ("vnish-1.2.0-rc5-s19jpro_api-v1-summary.json");
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  if (summary == NULL)
    return;
  r = hf_vnish_parse_reading (summary, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 0.0);                       /* hr_realtime 0.0, initializing */
  assert_near (r->hashrate_avg_ghs, 0.0);
  assert_unknown (r->expected_hashrate_ghs);                /* no hr_nominal in 1.2.0 */
  assert_near (r->chip_temp_c, 45);
  assert_near (r->board_temp_c, 30);
  assert_near (r->temperature_c, 45);
  assert_near (r->power_w, 146);
  g_assert_false (r->power_estimated);
  assert_near (r->fan_rpm, 0);                              /* every fan "lost" */
  assert_near (r->fan_percent, 100);
  g_assert_cmpint (r->fan_auto, ==, -1);                    /* immersion */
  assert_unknown (r->frequency_mhz);                        /* 0.0 on every chain */
  assert_near (r->core_voltage_mv, 15000);
  assert_near (r->accepted, 0);
  assert_near (r->rejected, 0);
  assert_near (r->hardware_errors, 0);
  assert_near (r->error_percent, 0);
  assert_near (r->found_blocks, 0);
  assert_near (r->best_session_difficulty, 0);
  assert_near (r->best_difficulty, 0);
  g_assert_cmpstr (r->pool_url, ==, "btc.global.luxor.tech:700");
  g_assert_cmpstr (r->pool_user, ==, "*****");
  assert_near (r->pool_difficulty, 131000);                 /* "131K" */
  g_assert_false (r->fallback_pool);
  g_assert_false (r->paused);
  g_assert_null (r->fault);
  assert_unknown (r->uptime_s);                             /* no info given */
  assert_unknown (r->power_limit_w);
  g_assert_null (r->preset);
}

static void
test_status_failure (void)
{
  g_autoptr(JsonObject) status = real ("vnish-1.2.6-s19_api-v1-status-failure.json");
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(HfReading) r = NULL;

  if (status == NULL)
    return;
  /* The bench unit has no summary worth the name: its state is the
   * status reply's. */
  summary = object ("{\"miner\":{}}");
  r = hf_vnish_parse_reading (summary, NULL, status, NULL, NULL);
  g_assert_nonnull (r);
  g_assert_cmpstr (r->fault, ==, "Failed to parse miner configuration (failure 1002)");
  g_assert_false (r->paused);
}

static HfReading *
reading_of (const char *summary_json,
            const char *info_json,
            const char *perf_json)
{
  g_autoptr(JsonObject) summary = hf_json_parse_object (summary_json, strlen (summary_json), NULL);
  g_autoptr(JsonObject) info = info_json ? hf_json_parse_object (info_json, strlen (info_json), NULL)
                                         : NULL;
  g_autoptr(JsonObject) perf = perf_json ? hf_json_parse_object (perf_json, strlen (perf_json), NULL)
                                         : NULL;

  g_assert_nonnull (summary);
  return hf_vnish_parse_reading (summary, info, NULL, perf, NULL);
}

static void
test_units_and_states (void)
{
  static const char summary[] =
    "{\"miner\":{\"miner_status\":{\"miner_state\":\"stopped\"},\"hr_realtime\":104.5,"
    "\"hr_average\":104.0,\"hr_nominal\":110.0,\"pools\":["
    "{\"url\":\"a:1\",\"pool_type\":\"UserPool\",\"status\":\"offline\",\"accepted\":5,\"rejected\":1},"
    "{\"url\":\"b:2\",\"pool_type\":\"UserPool\",\"status\":\"active\",\"accepted\":7,\"rejected\":2,\"user\":\"w\"},"
    "{\"url\":\"DevFee\",\"pool_type\":\"DevFee\",\"status\":\"active\",\"accepted\":100,\"rejected\":50}]}}";
  g_autoptr(HfReading) th = reading_of (summary, "{\"hr_measure\":\"TH/s\"}",
                                        "{\"current_preset\":{\"name\":\"3250\",\"pretty\":\"3250 watt ~ 110 TH\"}}");
  g_autoptr(HfReading) gh = reading_of (summary, "{\"hr_measure\":\"GH/s\"}",
                                        "{\"current_preset\":{\"name\":\"eco\",\"pretty\":\"Eco 2800 W\"}}");

  assert_near (th->hashrate_ghs, 104500);
  assert_near (th->hashrate_avg_ghs, 104000);
  assert_near (th->expected_hashrate_ghs, 110000);
  assert_near (gh->hashrate_ghs, 104.5);
  /* DevFee pools are not the user's shares. */
  assert_near (th->accepted, 12);
  assert_near (th->rejected, 3);
  g_assert_cmpstr (th->pool_url, ==, "b:2");
  g_assert_cmpstr (th->pool_user, ==, "w");
  g_assert_true (th->fallback_pool);
  g_assert_true (th->paused);
  g_assert_cmpstr (th->preset, ==, "3250");
  assert_near (th->power_limit_w, 3250);
  g_assert_cmpstr (gh->preset, ==, "eco");
  assert_near (gh->power_limit_w, 2800);
}

static void
test_helpers (void)
{
  static const struct { const char *in; const char *out; } models[] = {
    { "Antminer S19J Pro", "Antminer S19j Pro" }, { "Antminer S19K Pro", "Antminer S19k Pro" },
    { "Antminer S19 XP", "Antminer S19 XP" }, { "Antminer S9I", "Antminer S9i" },
    { "Antminer S21", "Antminer S21" }, { "Antminer T21", "Antminer T21" },
    { "Antminer S19j Pro", "Antminer S19j Pro" }, { "  ", NULL },
  };
  g_autoptr(JsonNode) list = hf_json_parse (
    "[{\"name\":\"2650\",\"status\":\"tuned\"},{\"name\":\"3250\",\"pretty\":\"3250 watt\","
    "\"status\":\"tuned\"},{\"name\":\"3550\",\"status\":\"untuned\"},{\"name\":\"x\"},{},7]",
    strlen ("[{\"name\":\"2650\",\"status\":\"tuned\"},{\"name\":\"3250\",\"pretty\":\"3250 watt\","
            "\"status\":\"tuned\"},{\"name\":\"3550\",\"status\":\"untuned\"},{\"name\":\"x\"},{},7]"),
    NULL);
  g_autoptr(GPtrArray) presets = hf_vnish_parse_presets (list, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) not_list = hf_json_parse ("\"no\"", strlen ("\"no\""), NULL);
  g_autoptr(JsonObject) err = object ("{\"err\":\"CGMiner err: failed\"}");
  g_autoptr(JsonObject) ok = object ("{\"restart_required\":true}");

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autofree char *got = hf_vnish_model_name (models[i].in);
      g_assert_cmpstr (got, ==, models[i].out);
    }
  assert_near (hf_vnish_parse_uptime ("1 day, 0:05"), 86400 + 300);
  assert_near (hf_vnish_parse_uptime ("2:03:04"), 2 * 3600 + 3 * 60 + 4);
  assert_unknown (hf_vnish_parse_uptime ("soon"));
  assert_unknown (hf_vnish_parse_uptime ("25:00"));
  assert_unknown (hf_vnish_parse_uptime ("3 days, "));
  assert_near (hf_vnish_preset_watts ("3250", NULL), 3250);
  assert_near (hf_vnish_preset_watts ("low", "Low power 2100W"), 2100);
  assert_unknown (hf_vnish_preset_watts ("disabled", "Disabled"));
  assert_unknown (hf_vnish_preset_watts ("x", "110 TH"));

  g_assert_nonnull (presets);
  g_assert_cmpuint (presets->len, ==, 4);
  g_assert_null (hf_vnish_preset_for_watts (presets, 2000));
  g_assert_cmpstr (hf_vnish_preset_for_watts (presets, 3000)->name, ==, "2650");
  g_assert_cmpstr (hf_vnish_preset_for_watts (presets, 3250)->name, ==, "3250");
  /* 3550 is not tuned. */
  g_assert_cmpstr (hf_vnish_preset_for_watts (presets, 9000)->name, ==, "3250");
  g_assert_null (hf_vnish_parse_presets (not_list, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_PROTOCOL);
  {
    g_autofree char *text = hf_vnish_reply_error (err);
    g_autofree char *none = hf_vnish_reply_error (ok);

    g_assert_cmpstr (text, ==, "CGMiner err: failed");
    g_assert_null (none);
  }
}

static void
test_classify (void)
{
  static const char vnish[] =
    "{\"STATUS\":[{\"STATUS\":\"S\",\"Code\":22,\"Msg\":\"CGMiner versions\"}],"
    "\"VERSION\":[{\"CGMiner\":\"4.9.2\",\"Miner\":\"VNISH 1.2.6\","
    "\"Type\":\"Antminer S19j Pro (Vnish 1.2.6)\"}],\"id\":1}";
  static const char stock[] =
    "{\"STATUS\":[{\"STATUS\":\"S\"}],\"VERSION\":[{\"BMMiner\":\"1.0.0\","
    "\"Type\":\"Antminer S19 Pro\"}],\"id\":1}";
  g_autoptr(JsonObject) a = hf_json_parse_object (vnish, strlen (vnish), NULL);
  g_autoptr(JsonObject) b = hf_json_parse_object (stock, strlen (stock), NULL);
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.9", HF_FAMILY_UNKNOWN);
  g_autoptr(JsonObject) axeos = object ("{\"ASICModel\":\"BM1370\"}");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (hf_identify_classify_version (a), ==, HF_FAMILY_VNISH);
  g_assert_cmpint (hf_identify_classify_version (b), ==, HF_FAMILY_ANTMINER);
  g_assert_false (hf_vnish_parse_identity (axeos, miner, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_A_MINER);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  real_dir = g_getenv ("HF_REAL_FIXTURES");

  g_test_add_func ("/vnish/real/all-covered", test_all_covered);
  g_test_add_func ("/vnish/real/info-1.2.5", test_info_125);
  g_test_add_func ("/vnish/real/info-1.2.6", test_info_126);
  g_test_add_func ("/vnish/real/summary-1.2.0", test_summary_rc5);
  g_test_add_func ("/vnish/real/status-failure", test_status_failure);
  g_test_add_func ("/vnish/units-and-states", test_units_and_states);
  g_test_add_func ("/vnish/helpers", test_helpers);
  g_test_add_func ("/vnish/classify", test_classify);
  return g_test_run ();
}
