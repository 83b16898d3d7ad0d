/* hf-whatsminer-parse.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-whatsminer-parse.h"

gboolean
hf_whatsminer_reply_is_btminer (JsonObject *reply)
{
  JsonObject *details = hf_cgminer_section (reply, "DEVDETAILS", 0);
  JsonObject *version = hf_cgminer_section (reply, "VERSION", 0);
  const char *driver = hf_json_string (details, "Driver");

  if (driver != NULL && g_ascii_strcasecmp (driver, "bitmicro") == 0)
    return TRUE;
  return version != NULL && (json_object_has_member (version, "BTMiner")
                             || json_object_has_member (version, "btminer"));
}

JsonObject *
hf_whatsminer_msg (JsonObject *reply)
{
  return hf_json_object (reply, "Msg");
}

/* "'20210322.22.REL'" — the summary wraps it in single quotes. */
static char *
unquote (char *s)
{
  gsize len;

  if (s == NULL)
    return NULL;
  len = strlen (s);
  if (len >= 2 && s[0] == '\'' && s[len - 1] == '\'')
    {
      memmove (s, s + 1, len - 2);
      s[len - 2] = '\0';
    }
  return s;
}

gboolean
hf_whatsminer_parse_identity (JsonObject  *devdetails_reply,
                              JsonObject  *version_reply,
                              JsonObject  *miner_info_reply,
                              JsonObject  *summary_reply,
                              HfMiner     *miner,
                              GError     **error)
{
  JsonObject *details = hf_cgminer_section (devdetails_reply, "DEVDETAILS", 0);
  JsonObject *version = hf_whatsminer_msg (version_reply);
  JsonObject *info = hf_whatsminer_msg (miner_info_reply);
  JsonObject *summary = hf_cgminer_section (summary_reply, "SUMMARY", 0);
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *mac = NULL;
  g_autofree char *hostname = NULL;

  if (!hf_whatsminer_reply_is_btminer (devdetails_reply) && version == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                           "cgminer API is not btminer (no bitmicro driver)");
      return FALSE;
    }

  model = hf_json_dup_string (details, "Model");
  if (model != NULL && g_ascii_strncasecmp (model, "whatsminer", 10) != 0)
    {
      char *named = g_strdup_printf ("Whatsminer %s", model);
      g_free (model);
      model = named;
    }
  firmware = hf_json_dup_string (version, "fw_ver");
  if (firmware == NULL)
    firmware = unquote (hf_json_dup_string (summary, "Firmware Version"));
  mac = hf_normalize_mac (hf_json_string (info, "mac"));
  if (mac == NULL)
    mac = hf_normalize_mac (hf_json_string (summary, "MAC"));
  hostname = hf_json_dup_string (info, "hostname");

  hf_miner_set_family (miner, HF_FAMILY_WHATSMINER);
  hf_miner_set_model (miner, model != NULL ? model : "Whatsminer");
  hf_miner_set_firmware (miner, firmware);
  if (mac != NULL)
    hf_miner_set_mac (miner, mac);
  if (hostname != NULL)
    hf_miner_set_hostname (miner, hostname);
  return TRUE;
}

HfReading *
hf_whatsminer_parse_reading (JsonObject  *summary_reply,
                             JsonObject  *pools_reply,
                             GError     **error)
{
  JsonObject *summary = hf_cgminer_section (summary_reply, "SUMMARY", 0);
  g_autoptr(HfReading) r = NULL;
  double target;

  if (summary == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL, "summary reply has no SUMMARY");
      return NULL;
    }

  r = hf_reading_new ();
  hf_cgminer_read_summary (summary, r);
  /* "HS RT" is btminer's realtime figure, in MH/s like the MHS keys. */
  if (!isnan (hf_json_number (summary, "HS RT")))
    r->hashrate_ghs = hf_json_number (summary, "HS RT") / 1000.0;

  r->expected_hashrate_ghs = hf_json_number (summary, "Factory GHS");
  target = hf_json_number (summary, "Target MHS");
  if (isnan (r->expected_hashrate_ghs) && !isnan (target))
    r->expected_hashrate_ghs = target / 1000.0;

  r->chip_temp_c = hf_json_number (summary, "Chip Temp Max");
  r->board_temp_c = hf_json_number (summary, "Temperature");
  r->power_w = hf_json_number (summary, "Power");
  r->fan_rpm = hf_max_known (hf_json_number (summary, "Fan Speed In"),
                             hf_json_number (summary, "Fan Speed Out"));
  r->frequency_mhz = hf_json_number (summary, "freq_avg");
  if (isnan (r->frequency_mhz))
    r->frequency_mhz = hf_json_number (summary, "Target Freq");
  hf_cgminer_read_pools (pools_reply, r);

  hf_reading_finish (r);
  return g_steal_pointer (&r);
}

gboolean
hf_whatsminer_parse_powered_off (JsonObject *status_reply)
{
  JsonObject *msg = hf_whatsminer_msg (status_reply);
  JsonNode *off = msg != NULL ? json_object_get_member (msg, "btmineroff") : NULL;

  if (off == NULL || !JSON_NODE_HOLDS_VALUE (off))
    return FALSE;
  /* A string ("true") in the firmware's replies; a boolean would mean the same. */
  if (json_node_get_value_type (off) == G_TYPE_STRING)
    return g_ascii_strcasecmp (json_node_get_string (off), "true") == 0;
  return hf_json_number (msg, "btmineroff") == 1.0;
}
