/* hf-axeos-parse.c
 * SPDX-License-Identifier: MIT
 *
 * One parser for ESP-Miner's AxeOS and its NerdOS fork: NerdOS is "AxeOS
 * with optional fields", so every key is looked up defensively and the
 * fork's spellings (fanrpm2, stratum.usingFallback, …) are tried as well.
 */
#include <math.h>
#include <string.h>

#include "hf-axeos-parse.h"
#include "hf-error.h"
#include "hf-json.h"

/* Board revisions as ESP-Miner numbers them, for firmware too old to have
 * /api/system/asic.  Community usage, not a published table. */
static const char *
board_model (const char *board_version,
             const char *asic)
{
  if (board_version == NULL || board_version[0] == '\0')
    return NULL;
  switch (board_version[0])
    {
    case '0': case '1': return "Max";
    case '2': return "Ultra";
    case '3': return "UltraHex";
    case '4': return "Supra";
    case '6': return "Gamma";
    case '7': return "SupraHex";
    case '8': return "GT";
    default: return NULL;
    }
}

char *
hf_axeos_model_name (JsonObject *info,
                     JsonObject *asic)
{
  const char *device = hf_json_string (asic, "deviceModel");
  const char *chip = hf_json_string (info, "ASICModel");

  if (device == NULL || device[0] == '\0')
    device = hf_json_string (info, "deviceModel");
  if (device == NULL || device[0] == '\0')
    device = board_model (hf_json_string (info, "boardVersion"), chip);

  if (device != NULL && device[0] != '\0')
    {
      /* NerdQAxe++, NerdAxe… name themselves; Bitaxe boards give the board. */
      if (g_ascii_strncasecmp (device, "nerd", 4) == 0
          || g_ascii_strncasecmp (device, "bitaxe", 6) == 0)
        return g_strndup (device, 64);
      return g_strdup_printf ("Bitaxe %.*s", 64, device);
    }
  return chip != NULL ? g_strdup_printf ("AxeOS %.*s", 32, chip) : g_strdup ("AxeOS");
}

gboolean
hf_axeos_parse_identity (JsonObject  *info,
                         JsonObject  *asic,
                         HfMiner     *miner,
                         GError     **error)
{
  const char *chip = hf_json_string (info, "ASICModel");
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *mac = NULL;

  if (chip == NULL || chip[0] == '\0')
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                           "web server answers /api/system/info, but not with an AxeOS "
                           "reply (no ASICModel)");
      return FALSE;
    }

  model = hf_axeos_model_name (info, asic);
  firmware = hf_json_dup_string (info, "version");
  if (firmware == NULL)
    firmware = hf_json_dup_string (info, "axeOSVersion");
  hostname = hf_json_dup_string (info, "hostname");
  mac = hf_normalize_mac (hf_json_string (info, "macAddr"));

  hf_miner_set_family (miner, HF_FAMILY_AXEOS);
  hf_miner_set_model (miner, model);
  hf_miner_set_firmware (miner, firmware);
  hf_miner_set_hostname (miner, hostname);
  hf_miner_set_mac (miner, mac);
  return TRUE;
}

static char *
pool_url (const char *host,
          double      port)
{
  if (host == NULL || host[0] == '\0')
    return NULL;
  /* AxeOS stores the host alone (some users type the scheme anyway); show
   * it the way pools are written, with the port. */
  if (strstr (host, "://") != NULL)
    {
      if (strchr (strstr (host, "://") + 3, ':') == NULL && !isnan (port) && port > 0
          && port < 65536)
        return g_strdup_printf ("%.200s:%u", host, (guint) port);
      return g_strndup (host, 200);
    }
  if (!isnan (port) && port > 0 && port < 65536)
    return g_strdup_printf ("stratum+tcp://%.200s:%u", host, (guint) port);
  return g_strdup_printf ("stratum+tcp://%.200s", host);
}

HfReading *
hf_axeos_parse_reading (JsonObject  *info,
                        GError     **error)
{
  g_autoptr(HfReading) r = NULL;
  JsonObject *stratum;
  gboolean fallback;
  double cores, asics, freq;

  if (hf_json_string (info, "ASICModel") == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL,
                           "/api/system/info has no ASICModel");
      return NULL;
    }

  r = hf_reading_new ();
  r->hashrate_ghs = hf_json_number (info, "hashRate");
  r->hashrate_avg_ghs = hf_json_number (info, "hashRate_1h");
  if (isnan (r->hashrate_avg_ghs))
    r->hashrate_avg_ghs = hf_json_number (info, "hashRate_10m");

  r->frequency_mhz = hf_json_number (info, "frequency");
  r->expected_hashrate_ghs = hf_json_number (info, "expectedHashrate");
  cores = hf_json_number (info, "smallCoreCount");
  asics = hf_json_number (info, "asicCount");
  freq = r->frequency_mhz;
  /* What AxeOS itself shows as expected: MHz × small cores × chips / 1000. */
  if (isnan (r->expected_hashrate_ghs) && !isnan (cores) && !isnan (asics) && !isnan (freq))
    r->expected_hashrate_ghs = freq * cores * asics / 1000.0;

  r->chip_temp_c = hf_max_known (hf_json_number (info, "temp"), hf_json_number (info, "temp2"));
  r->board_temp_c = hf_json_number (info, "vrTemp");
  /* Each on its own too: they have their own limits (the VR runs hotter). */
  r->chip2_temp_c = hf_json_number (info, "temp2");
  r->vr_temp_c = hf_json_number (info, "vrTemp");

  r->power_w = hf_json_number (info, "power");
  r->input_voltage_v = hf_json_number (info, "voltage") / 1000.0;
  r->core_voltage_set_mv = hf_json_number (info, "coreVoltage");
  r->core_voltage_mv = hf_json_number (info, "coreVoltageActual");
  if (isnan (r->core_voltage_mv))
    r->core_voltage_mv = hf_json_number (info, "coreVoltage");

  r->fan_rpm = hf_max_known (hf_json_number (info, "fanrpm"),
                             hf_max_known (hf_json_number (info, "fan2rpm"),
                                           hf_json_number (info, "fanrpm2")));
  r->fan_percent = hf_json_number (info, "fanspeed");

  r->uptime_s = hf_json_number (info, "uptimeSeconds");
  {
    /* autofanspeed: 1 automatic (NerdOS: 2, its PID control), 0 fixed. */
    double fan_auto = hf_json_number (info, "autofanspeed");
    r->fan_auto = isnan (fan_auto) ? -1 : fan_auto >= 1.0;
  }
  r->target_temp_c = hf_json_number (info, "temptarget");
  r->accepted = hf_json_number (info, "sharesAccepted");
  r->rejected = hf_json_number (info, "sharesRejected");
  /* The firmware's own error rate of the chip's nonces (AxeOS 2.9+). */
  r->error_percent = hf_json_number (info, "errorPercentage");
  /* Numbers since AxeOS 2.11, strings with an SI suffix ("4.29G") before. */
  r->best_difficulty = hf_json_si_number (info, "bestDiff");
  r->best_session_difficulty = hf_json_si_number (info, "bestSessionDiff");
  /* poolDifficulty on current AxeOS and NerdOS, stratumDiff before (0
   * until the pool set one). */
  r->pool_difficulty = hf_json_number (info, "poolDifficulty");
  if (isnan (r->pool_difficulty))
    r->pool_difficulty = hf_json_number (info, "stratumDiff");
  /* Present once the first stratum job was decoded (AxeOS 2.13+, NerdOS). */
  r->network_difficulty = hf_json_number (info, "networkDifficulty");
  /* blockFound: 0/1 in AxeOS 2.11–2.12, a count since; NerdOS foundBlocks.
   * Both since boot. */
  r->found_blocks = hf_json_number (info, "blockFound");
  if (isnan (r->found_blocks))
    r->found_blocks = hf_json_number (info, "foundBlocks");

  /* The firmware's own words for what it does (AxeOS 2.14+ miningPaused;
   * power_fault only while there is one). */
  r->paused = hf_json_number (info, "miningPaused") == 1.0;
  r->overheated = hf_json_number (info, "overheat_mode") == 1.0;
  r->fault = hf_json_dup_string (info, "power_fault");
  r->power_fault = r->fault != NULL;

  stratum = hf_json_object (info, "stratum");
  fallback = hf_json_number (info, "isUsingFallbackStratum") == 1.0
             || hf_json_number (stratum, "usingFallback") == 1.0;
  r->fallback_pool = fallback;
  if (fallback)
    {
      r->pool_url = pool_url (hf_json_string (info, "fallbackStratumURL"),
                              hf_json_number (info, "fallbackStratumPort"));
      r->pool_user = hf_json_dup_string (info, "fallbackStratumUser");
    }
  else
    {
      r->pool_url = pool_url (hf_json_string (info, "stratumURL"),
                              hf_json_number (info, "stratumPort"));
      r->pool_user = hf_json_dup_string (info, "stratumUser");
    }

  hf_reading_finish (r);
  return g_steal_pointer (&r);
}
