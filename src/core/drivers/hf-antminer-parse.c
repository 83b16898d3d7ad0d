/* hf-antminer-parse.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "hf-antminer-parse.h"
#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-model-table.h"

/* Firmwares that run on Antminer hardware and keep "Antminer" in Type. */
static const char *const third_party[] = { "LUXMINER", "BOSMINER", "BOSER", "VNISH", "BRAIINS" };

gboolean
hf_antminer_reply_is_stock (JsonObject *reply)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autofree char *upper = NULL;

  if (reply == NULL)
    return FALSE;
  json_node_set_object (root, reply);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  upper = g_ascii_strup (text, -1);
  for (guint i = 0; i < G_N_ELEMENTS (third_party); i++)
    if (strstr (upper, third_party[i]) != NULL)
      return FALSE;
  return strstr (upper, "ANTMINER") != NULL;
}

gboolean
hf_antminer_parse_identity (JsonObject  *version_reply,
                            JsonObject  *system_info,
                            HfMiner     *miner,
                            GError     **error)
{
  JsonObject *version = hf_cgminer_section (version_reply, "VERSION", 0);
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *mac = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *serial = NULL;

  model = hf_json_dup_string (version, "Type");
  if (model == NULL)
    model = hf_json_dup_string (system_info, "minertype");
  if (model == NULL || !hf_antminer_reply_is_stock (version_reply))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                           "cgminer API does not name an Antminer on stock firmware");
      return FALSE;
    }

  /* The web UI calls the build date the firmware version. */
  firmware = hf_json_dup_string (system_info, "system_filesystem_version");
  if (firmware == NULL)
    firmware = hf_json_dup_string (version, "CompileTime");
  if (firmware == NULL)
    firmware = hf_json_dup_string (version, "Miner");
  mac = hf_normalize_mac (hf_json_string (system_info, "macaddr"));
  hostname = hf_json_dup_string (system_info, "hostname");
  serial = hf_json_dup_string (system_info, "serinum");

  hf_miner_set_family (miner, HF_FAMILY_ANTMINER);
  hf_miner_set_model (miner, model);
  hf_miner_set_firmware (miner, firmware);
  if (mac != NULL)
    hf_miner_set_mac (miner, mac);
  if (hostname != NULL)
    hf_miner_set_hostname (miner, hostname);
  if (serial != NULL)
    hf_miner_set_serial (miner, serial);
  return TRUE;
}

void
hf_antminer_parse_system_info (JsonObject *info,
                               HfMiner    *miner)
{
  g_autofree char *mac = hf_normalize_mac (hf_json_string (info, "macaddr"));
  g_autofree char *hostname = hf_json_dup_string (info, "hostname");
  g_autofree char *serial = hf_json_dup_string (info, "serinum");
  g_autofree char *firmware = hf_json_dup_string (info, "system_filesystem_version");
  g_autofree char *model = hf_json_dup_string (info, "minertype");

  if (mac != NULL)
    hf_miner_set_mac (miner, mac);
  if (hostname != NULL)
    hf_miner_set_hostname (miner, hostname);
  if (serial != NULL)
    hf_miner_set_serial (miner, serial);
  if (firmware != NULL)
    hf_miner_set_firmware (miner, firmware);
  if (model != NULL && hf_miner_get_model (miner) == NULL)
    hf_miner_set_model (miner, model);
}

/* Sensors as "a-b-c-d" strings (S19) or plain numbers (S9). */
static double
max_of_dashed (JsonObject *obj,
               const char *key)
{
  const char *s = hf_json_string (obj, key);
  g_auto(GStrv) parts = NULL;
  double best = NAN;

  if (s == NULL)
    return hf_json_number (obj, key);
  parts = g_strsplit (s, "-", 16);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      double v = hf_parse_number (parts[i]);
      if (v > 0)
        best = hf_max_known (best, v);
    }
  return best;
}

static double
max_over_series (JsonObject *obj,
                 const char *prefix,
                 guint       count)
{
  double best = NAN;

  for (guint i = 1; i <= count; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s%u", prefix, i);
      double v = max_of_dashed (obj, key);

      if (v > 0)
        best = hf_max_known (best, v);
    }
  return best;
}

static double
rate_unit_to_ghs (const char *unit)
{
  if (unit == NULL || g_ascii_strcasecmp (unit, "GH") == 0 || g_ascii_strcasecmp (unit, "GH/s") == 0)
    return 1.0;
  if (g_ascii_strncasecmp (unit, "TH", 2) == 0)
    return 1e3;
  if (g_ascii_strncasecmp (unit, "MH", 2) == 0)
    return 1e-3;
  return NAN;
}

HfReading *
hf_antminer_parse_reading (JsonObject  *stats_reply,
                           JsonObject  *summary_reply,
                           JsonObject  *pools_reply,
                           const char  *model,
                           GError     **error)
{
  g_autoptr(HfReading) r = NULL;
  JsonObject *stats = NULL;
  double unit;

  /* STATS[0] is the version block; the data is the element with a hashrate. */
  for (guint i = 0; i < 4 && stats == NULL; i++)
    {
      JsonObject *s = hf_cgminer_section (stats_reply, "STATS", i);
      if (s != NULL && (json_object_has_member (s, "GHS 5s")
                        || json_object_has_member (s, "rate_unit")))
        stats = s;
    }
  if (stats == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL,
                           "stats reply has no hashboard section");
      return NULL;
    }

  r = hf_reading_new ();
  r->hashrate_ghs = hf_cgminer_section_hashrate (stats, "5s");
  r->hashrate_avg_ghs = hf_cgminer_section_hashrate (stats, "av");
  unit = rate_unit_to_ghs (hf_json_string (stats, "rate_unit"));
  r->expected_hashrate_ghs = hf_json_number (stats, "total_rateideal") * unit;

  /* S19: temp_chipN "a-b-c-d"; S9: temp2_N is the chip, tempN the board. */
  r->chip_temp_c = hf_max_known (max_over_series (stats, "temp_chip", 8),
                                 max_over_series (stats, "temp2_", 8));
  r->board_temp_c = hf_max_known (max_over_series (stats, "temp_pcb", 8),
                                  max_over_series (stats, "temp", 8));

  /* fan_num counts fans, not slots: an S9 with fan_num 2 reports them in
   * fan3 and fan6.  Look at every slot. */
  r->fan_rpm = NAN;
  for (guint i = 1; i <= 16; i++)
    {
      g_autofree char *key = g_strdup_printf ("fan%u", i);
      r->fan_rpm = hf_max_known (r->fan_rpm, hf_json_number (stats, key));
    }

  r->frequency_mhz = hf_json_number (stats, "frequency");
  if (isnan (r->frequency_mhz) || r->frequency_mhz <= 0)
    r->frequency_mhz = hf_json_number (stats, "total_freqavg");
  if (r->frequency_mhz <= 0)
    r->frequency_mhz = NAN;
  r->uptime_s = hf_json_number (stats, "Elapsed");

  if (summary_reply != NULL)
    {
      JsonObject *summary = hf_cgminer_section (summary_reply, "SUMMARY", 0);

      r->accepted = hf_json_number (summary, "Accepted");
      r->rejected = hf_json_number (summary, "Rejected");
      r->hardware_errors = hf_json_number (summary, "Hardware Errors");
      hf_cgminer_read_luck (summary, r);
      if (isnan (r->hashrate_ghs))
        r->hashrate_ghs = hf_cgminer_section_hashrate (summary, "5s");
    }
  hf_cgminer_read_pools (pools_reply, r);

  r->power_w = hf_model_estimate_power (HF_FAMILY_ANTMINER, model, r->hashrate_ghs);
  r->power_estimated = !isnan (r->power_w);

  hf_reading_finish (r);
  return g_steal_pointer (&r);
}

gboolean
hf_antminer_conf_sleeping (JsonObject *conf)
{
  /* miner-mode is what set_miner_conf.cgi takes; some firmware reports the
   * mode in effect as bitmain-work-mode. */
  return hf_json_number (conf, "miner-mode") == 1.0
         || hf_json_number (conf, "bitmain-work-mode") == 1.0;
}
