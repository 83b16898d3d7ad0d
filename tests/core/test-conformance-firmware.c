/* test-conformance-firmware.c — Braiins OS and LuxOS captures parse right
 * SPDX-License-Identifier: MIT
 *
 * Every braiins-* and luxos-* capture in HF_REAL_FIXTURES (by default
 * ../shared/fixtures/real beside the source tree; not ours to commit) has
 * a check here: the values Hashfleet reads from it, read off the capture
 * by hand and converted to Hashfleet's units, or, for a capture of an API
 * Hashfleet does not read, that it says so.  A new capture without a
 * check fails /conformance-firmware/every-capture.  Without the directory
 * the tests skip.
 */
#include <math.h>
#include <string.h>

#include "hf-braiins-parse.h"
#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-identify.h"
#include "hf-json.h"
#include "hf-luxos-parse.h"
#include "hf-test-utils.h"

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

static char *
sample_text (const char *name,
             gsize      *len)
{
  g_autofree char *path = g_build_filename (real_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, len, &error);
  g_assert_no_error (error);
  return text;
}

/* A sample, through the same clean-up and parser as a live 4028 reply. */
static JsonObject *
sample (const char *name)
{
  gsize len = 0;
  g_autofree char *text = sample_text (name, &len);
  g_autoptr(GError) error = NULL;
  JsonObject *obj = hf_cgminer_parse_reply (text, len, &error);

  g_assert_no_error (error);
  return obj;
}

/* ---- Braiins OS, port 4028 ---------------------------------------------- */

static void
check_braiins_version_2505 (const char *name)
{
  g_autoptr(JsonObject) version = sample (name);
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.1", HF_FAMILY_UNKNOWN);
  g_autofree char *firmware = hf_braiins_firmware_name (version);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (hf_identify_classify_version (version), ==, HF_FAMILY_BRAIINS);
  g_assert_cmpint (hf_braiins_daemon_of (version), ==, HF_BRAIINS_BOSER);
  g_assert_cmpstr (firmware, ==, "Braiins OS (BOSer 0.1.0-45f356ea)");
  /* No devdetails: the machine is only known to be an Antminer. */
  g_assert_true (hf_braiins_parse_identity (version, NULL, miner, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_BRAIINS);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "Braiins OS (BOSer 0.1.0-45f356ea)");
}

static void
check_braiins_devdetails (const char *name)
{
  g_autoptr(JsonObject) details = sample (name);
  g_autoptr(JsonObject) version = sample ("braiins-osplus-25.05_version.json");
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.1", HF_FAMILY_UNKNOWN);
  g_autofree char *firmware = hf_braiins_firmware_name (details);
  g_autoptr(GError) error = NULL;

  /* Description "BOSminer+ 0.2.0-ea64aec8e": OS+, bosminer. */
  g_assert_cmpint (hf_braiins_daemon_of (details), ==, HF_BRAIINS_BOSMINER);
  g_assert_cmpstr (firmware, ==, "Braiins OS+ 0.2.0-ea64aec8e");
  /* Model "Bitmain Antminer S9", without "Bitmain ". */
  g_assert_true (hf_braiins_parse_identity (version, details, miner, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S9");
}

static void
check_braiins_fans (const char *name)
{
  g_autoptr(JsonObject) fans = sample (name);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_braiins_read_fans (fans, r);
  assert_near (r->fan_rpm, 5340);      /* fastest of 5340, 4620, 0, 0 */
  assert_near (r->fan_percent, 100);
}

static void
check_braiins_tunerstatus (const char *name)
{
  g_autoptr(JsonObject) tuner = sample (name);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_braiins_read_tunerstatus (tuner, r);
  assert_near (r->power_w, 1419);      /* ApproximateMinerPowerConsumption */
  g_assert_false (r->power_estimated);
  assert_near (r->power_limit_w, 1420);
}

static void
check_braiins_pause_resume (const char *name)
{
  g_autoptr(JsonObject) reply = sample (name);
  g_autofree char *firmware = hf_braiins_firmware_name (reply);
  g_autoptr(GError) error = NULL;

  /* The write's answer passes the status check (S, Code 204 / 205). */
  g_assert_true (hf_cgminer_check_status (reply, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hf_luxos_status_code (reply), ==, strstr (name, "pause") ? 204 : 205);
  g_assert_cmpint (hf_braiins_daemon_of (reply), ==, HF_BRAIINS_BOSMINER);
  g_assert_cmpstr (firmware, ==, "Braiins OS+ 0.6.0-fe72abe5");
}

static void
check_braiins_summary (const char *name)
{
  g_autoptr(JsonObject) summary = sample (name);
  g_autoptr(HfReading) r = hf_braiins_parse_reading (summary, NULL, NULL, NULL, NULL, NULL,
                                                     NULL);

  g_assert_cmpint (hf_braiins_daemon_of (summary), ==, HF_BRAIINS_BOSER);
  /* MHS → GH/s. */
  assert_near (r->hashrate_ghs, 4143268.055883251 / 1e3);
  assert_near (r->hashrate_avg_ghs, 3853538.4688909017 / 1e3);
  assert_near (r->uptime_s, 260281);
  assert_near (r->accepted, 870);
  assert_near (r->rejected, 3);
  assert_near (r->hardware_errors, 442);
  assert_near (r->best_difficulty, 262144);
  assert_near (r->found_blocks, 0);
  assert_unknown (r->power_w);
  assert_unknown (r->expected_hashrate_ghs);
}

static void
check_braiins_temps (const char *name)
{
  g_autoptr(JsonObject) temps = sample (name);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_braiins_read_temps (temps, r);
  hf_reading_finish (r);
  assert_near (r->chip_temp_c, 54.8125);
  assert_near (r->board_temp_c, 43.5);
  assert_near (r->temperature_c, 54.8125);
}

/* ---- Braiins OS REST (25.07) --------------------------------------------- */

static void
check_braiins_rest_details (const char *name)
{
  gsize len = 0;
  g_autofree char *text = sample_text (name, &len);
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;
  g_autoptr(GError) error = NULL;
  gboolean paused = TRUE;

  g_assert_true (hf_braiins_rest_details (text, len, &model, &firmware, &paused, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (model, ==, "Antminer S19 XP");
  g_assert_cmpstr (firmware, ==, "Braiins OS+ 2025-08-06-0-3881c51d-25.07-plus");
  g_assert_false (paused);             /* status 2: normal */
}

/* A capture of an API Hashfleet does not read (it reads Braiins OS on 4028
 * and uses REST for identity and writes): valid JSON, nothing more. */
static void
check_not_read (const char *name)
{
  gsize len = 0;
  g_autofree char *text = sample_text (name, &len);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, (gssize) len, &error));
  g_assert_no_error (error);
}

/* ---- LuxOS ---------------------------------------------------------------- */

static void
check_luxos_version (const char *name)
{
  g_autoptr(JsonObject) version = sample (name);
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.1", HF_FAMILY_UNKNOWN);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (hf_identify_classify_version (version), ==, HF_FAMILY_LUXOS);
  g_assert_true (hf_luxos_parse_identity (version, NULL, miner, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hf_miner_get_family (miner), ==, HF_FAMILY_LUXOS);
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19k Pro");
  g_assert_cmpstr (hf_miner_get_firmware (miner), ==, "LuxOS 2025.4.8.220305-57b389c7");
}

static void
check_luxos_summary (const char *name)
{
  g_autoptr(JsonObject) summary = sample (name);
  g_autoptr(HfReading) r = hf_luxos_parse_reading (summary, NULL, NULL, NULL, NULL, NULL,
                                                   NULL, NULL, NULL, NULL);

  /* GHS: GH/s as they are. */
  assert_near (r->hashrate_ghs, 59756.06);
  assert_near (r->hashrate_avg_ghs, 56917.91);
  assert_near (r->uptime_s, 3453);
  assert_near (r->accepted, 1483);
  assert_near (r->rejected, 1);
  assert_near (r->hardware_errors, 0);
  assert_near (r->best_difficulty, 32768);
  assert_near (r->found_blocks, 0);
}

static void
check_luxos_stats (const char *name)
{
  g_autoptr(JsonObject) stats = sample (name);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_luxos_read_stats (stats, r);
  assert_near (r->expected_hashrate_ghs, 61954.2);   /* total_rateideal, rate_unit GH */
  assert_near (r->frequency_mhz, 300);               /* total_freqavg */
  assert_near (r->chip_temp_c, 47);                  /* temp_chip1…3 "47-34-34-47" … */
}

static void
check_luxos_devs (const char *name)
{
  g_autoptr(JsonObject) devs = sample (name);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_luxos_read_devs (devs, r);
  /* 3 × Nominal MHS 20651400 → GH/s. */
  assert_near (r->expected_hashrate_ghs, 3 * 20651400.0 / 1e3);
  g_assert_cmpstr (r->preset, ==, "290MHz");
}

static void
check_luxos_pools (const char *name)
{
  g_autoptr(JsonObject) pools = sample (name);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_cgminer_read_pools (pools, r);
  g_assert_cmpstr (r->pool_url, ==, "stratum+tcp://ca.stratum.braiins.com:3333");
  g_assert_cmpstr (r->pool_user, ==, "asic-rs.user1");
  assert_near (r->pool_difficulty, 32768);
  g_assert_false (r->fallback_pool);
}

static void
check_luxos_fans (const char *name)
{
  g_autoptr(JsonObject) fans = sample (name);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_luxos_read_fans (fans, r);
  assert_near (r->fan_rpm, 2340);
  assert_near (r->fan_percent, 20);
}

static void
check_luxos_temps (const char *name)
{
  g_autoptr(JsonObject) temps = sample (name);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_luxos_read_temps (temps, r);
  assert_near (r->board_temp_c, 47);                 /* hottest of the 12 sensors */
  assert_unknown (r->chip_temp_c);
}

static void
check_luxos_power (const char *name)
{
  g_autoptr(JsonObject) power = sample (name);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_luxos_read_power (power, r);
  assert_near (r->power_w, 1051);
  g_assert_false (r->power_estimated);
}

static void
check_luxos_config (const char *name)
{
  g_autoptr(JsonObject) config = sample (name);
  g_autoptr(JsonObject) profiles = sample ("luxos-s19kpro_profiles.json");
  g_autoptr(HfReading) r = hf_reading_new ();
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.1", HF_FAMILY_UNKNOWN);
  g_autoptr(JsonObject) version = sample ("luxos-s19kpro_version.json");

  hf_luxos_read_config (config, profiles, r);
  g_assert_cmpstr (r->preset, ==, "290MHz");
  assert_near (r->power_limit_w, 1188);              /* profile 290MHz's Watts */
  g_assert_false (r->paused);                        /* CurtailMode None */
  /* Its Model is the machine too. */
  json_object_remove_member (hf_cgminer_section (version, "VERSION", 0), "Type");
  g_assert_true (hf_luxos_parse_identity (version, config, miner, NULL));
  g_assert_cmpstr (hf_miner_get_model (miner), ==, "Antminer S19k Pro");
}

static void
check_luxos_profiles (const char *name)
{
  g_autoptr(JsonObject) profiles = sample (name);
  g_auto(GStrv) names = hf_luxos_profile_names (profiles);

  g_assert_cmpuint (g_strv_length (names), ==, 25);
  g_assert_cmpstr (names[0], ==, "190MHz");
  g_assert_cmpstr (names[16], ==, "default");
  g_assert_cmpstr (names[24], ==, "790MHz");
}

/* Every capture of the one LuxOS miner together: one poll's reading. */
static void
test_luxos_reading (void)
{
  static const char *const parts[] = { "summary", "stats", "devs", "pools", "fans", "temps",
                                       "power", "config", "profiles" };
  JsonObject *replies[G_N_ELEMENTS (parts)];
  g_autoptr(HfReading) r = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_samples ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *name = g_strdup_printf ("luxos-s19kpro_%s.json", parts[i]);
      replies[i] = sample (name);
    }
  r = hf_luxos_parse_reading (replies[0], replies[1], replies[2], replies[3], replies[4],
                              replies[5], replies[6], replies[7], replies[8], &error);
  g_assert_no_error (error);
  assert_near (r->hashrate_ghs, 59756.06);
  assert_near (r->expected_hashrate_ghs, 61954.2);
  assert_near (r->power_w, 1051);
  assert_near (r->power_limit_w, 1188);
  g_assert_cmpstr (r->preset, ==, "290MHz");
  assert_near (r->chip_temp_c, 47);
  assert_near (r->board_temp_c, 47);
  assert_near (r->temperature_c, 47);
  assert_near (r->fan_rpm, 2340);
  assert_near (r->fan_percent, 20);
  assert_near (r->frequency_mhz, 300);
  g_assert_cmpstr (r->pool_user, ==, "asic-rs.user1");
  g_assert_false (r->paused);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    json_object_unref (replies[i]);
}

/* Every Braiins capture of one kind together, as a poll reads them. */
static void
test_braiins_reading (void)
{
  g_autoptr(JsonObject) summary = NULL, temps = NULL, fans = NULL, tuner = NULL;
  g_autoptr(HfReading) r = NULL;

  if (!have_samples ())
    return;
  summary = sample ("braiins-osplus-22.08.1-s9_summary.json");
  temps = sample ("braiins-osplus-22.08.1-s9_temps.json");
  fans = sample ("braiins-bosminerplus-0.2.0-s9_fans_docs.json");
  tuner = sample ("braiins-bosminerplus-0.2.0-s9_tunerstatus_docs.json");
  r = hf_braiins_parse_reading (summary, NULL, temps, fans, tuner, NULL, NULL);
  assert_near (r->hashrate_ghs, 4143.268055883251);
  assert_near (r->temperature_c, 54.8125);
  assert_near (r->fan_rpm, 5340);
  assert_near (r->power_w, 1419);
  assert_near (r->power_limit_w, 1420);
  g_assert_null (r->preset);
}

static JsonObject *
reply_of (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *obj = hf_cgminer_parse_reply (text, strlen (text), &error);

  g_assert_no_error (error);
  return obj;
}

/* A power limit no miner has is unknown, as a power draw would be. */
static void
test_power_limit_range (void)
{
  static const char summary_text[] =
    "{\"STATUS\":[{\"STATUS\":\"S\",\"Code\":11,\"Msg\":\"Summary\"}],"
    "\"SUMMARY\":[{\"MHS 5s\":1000.0,\"Elapsed\":100}]}";
  static const char *const limits[] = { "1e300", "-5", "0", "3100" };
  g_autoptr(JsonObject) summary = reply_of (summary_text);

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autofree char *tuner_text = g_strdup_printf (
        "{\"STATUS\":[{\"STATUS\":\"S\",\"Code\":203,\"Msg\":\"Tuner Status\"}],"
        "\"TUNERSTATUS\":[{\"PowerLimit\":%s,\"ApproximateMinerPowerConsumption\":%s}]}",
        limits[i], limits[i]);
      g_autofree char *profiles_text = g_strdup_printf (
        "{\"STATUS\":[{\"STATUS\":\"S\",\"Code\":323}],"
        "\"PROFILES\":[{\"Profile Name\":\"eco\",\"Watts\":%s}]}", limits[i]);
      g_autoptr(JsonObject) tuner = reply_of (tuner_text);
      g_autoptr(JsonObject) config = reply_of (
        "{\"STATUS\":[{\"STATUS\":\"S\",\"Code\":33}],\"CONFIG\":[{\"Profile\":\"eco\"}]}");
      g_autoptr(JsonObject) profiles = reply_of (profiles_text);
      g_autoptr(HfReading) bos = hf_braiins_parse_reading (summary, NULL, NULL, NULL, tuner, NULL,
                                                           NULL);
      g_autoptr(HfReading) lux = hf_reading_new ();

      hf_luxos_read_config (config, profiles, lux);
      hf_reading_finish (lux);
      if (i == G_N_ELEMENTS (limits) - 1)
        {
          assert_near (bos->power_limit_w, 3100);
          assert_near (bos->power_w, 3100);
          assert_near (lux->power_limit_w, 3100);
        }
      else
        {
          assert_unknown (bos->power_limit_w);
          assert_unknown (lux->power_limit_w);
          if (i == 0)
            assert_unknown (bos->power_w);
        }
    }
}

typedef struct
{
  const char *name;
  void      (*check) (const char *name);
} Capture;

static const Capture captures[] = {
  { "braiins-bosminerplus-0.2.0-s9_devdetails_docs.json", check_braiins_devdetails },
  { "braiins-bosminerplus-0.2.0-s9_fans_docs.json", check_braiins_fans },
  { "braiins-bosminerplus-0.2.0-s9_tunerstatus_docs.json", check_braiins_tunerstatus },
  { "braiins-bosminerplus-0.6.0-s17_pause_docs.json", check_braiins_pause_resume },
  { "braiins-bosminerplus-0.6.0-s17_resume_docs.json", check_braiins_pause_resume },
  { "braiins-os-25.07-s19xp_api-v1-miner-details.json", check_braiins_rest_details },
  { "braiins-os-25.07-s19xp_api-v1-cooling-state.json", check_not_read },
  { "braiins-os-25.07-s19xp_api-v1-miner-hw-hashboards.json", check_not_read },
  { "braiins-os-25.07-s19xp_api-v1-miner-stats.json", check_not_read },
  { "braiins-os-25.07-s19xp_api-v1-network.json", check_not_read },
  { "braiins-os-25.07-s19xp_api-v1-pools.json", check_not_read },
  { "braiins-os-25.07-s19xp_api-v1-version.json", check_not_read },
  { "braiins-osplus-22.08.1-s9_summary.json", check_braiins_summary },
  { "braiins-osplus-22.08.1-s9_temps.json", check_braiins_temps },
  { "braiins-osplus-24.09_graphql-system.json", check_not_read },  /* GraphQL: not spoken */
  { "braiins-osplus-25.05_version.json", check_braiins_version_2505 },
  { "luxos-2025.9.8_events.json", check_not_read },
  { "luxos-s19kpro_config.json", check_luxos_config },
  { "luxos-s19kpro_devs.json", check_luxos_devs },
  { "luxos-s19kpro_fans.json", check_luxos_fans },
  { "luxos-s19kpro_pools.json", check_luxos_pools },
  { "luxos-s19kpro_power.json", check_luxos_power },
  { "luxos-s19kpro_profiles.json", check_luxos_profiles },
  { "luxos-s19kpro_stats.json", check_luxos_stats },
  { "luxos-s19kpro_summary.json", check_luxos_summary },
  { "luxos-s19kpro_temps.json", check_luxos_temps },
  { "luxos-s19kpro_version.json", check_luxos_version },
  { "luxos-s19kpro_voltageget-0.json", check_not_read },
  { "luxos_atm_vendor-test-fixture.json", check_not_read },
};

static void
test_capture (gconstpointer data)
{
  const Capture *c = data;
  g_autofree char *path = NULL;

  if (!have_samples ())
    return;
  path = g_build_filename (real_dir, c->name, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("capture not present");
      return;
    }
  c->check (c->name);
}

/* A capture added to the directory without a check here fails. */
static void
test_every_capture (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint seen = 0;

  if (!have_samples ())
    return;
  dir = g_dir_open (real_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean known = FALSE;

      if (!g_str_has_prefix (name, "braiins-") && !g_str_has_prefix (name, "luxos"))
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (captures) && !known; i++)
        known = g_str_equal (captures[i].name, name);
      if (!known)
        g_error ("capture %s has no check in test-conformance-firmware.c", name);
      seen++;
    }
  g_assert_cmpuint (seen, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  real_dir = g_getenv ("HF_REAL_FIXTURES");

  for (guint i = 0; i < G_N_ELEMENTS (captures); i++)
    {
      g_autofree char *path = g_strdup_printf ("/conformance-firmware/%s", captures[i].name);
      g_test_add_data_func (path, &captures[i], test_capture);
    }
  g_test_add_func ("/conformance-firmware/every-capture", test_every_capture);
  g_test_add_func ("/conformance-firmware/luxos-reading", test_luxos_reading);
  g_test_add_func ("/conformance-firmware/braiins-reading", test_braiins_reading);
  g_test_add_func ("/conformance-firmware/power-limit-range", test_power_limit_range);

  return g_test_run ();
}
