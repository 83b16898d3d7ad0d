/* hf-miner-json.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include "hf-miner-json.h"

static void
add_string (JsonBuilder *b,
            const char  *key,
            const char  *value)
{
  json_builder_set_member_name (b, key);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* Readings are measurements: three decimals are more than any miner
 * resolves, and keep the output free of binary noise (0.1 → 0.1). */
static void
add_number (JsonBuilder *b,
            const char  *key,
            double       value,
            gboolean     integer)
{
  json_builder_set_member_name (b, key);
  if (isnan (value) || !isfinite (value))
    json_builder_add_null_value (b);
  else if (integer && fabs (value) < 9e15)
    json_builder_add_int_value (b, (gint64) llround (value));
  else
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (buf, sizeof buf, "%.3f", value);
      json_builder_add_double_value (b, g_ascii_strtod (buf, NULL));
    }
}

JsonNode *
hf_miner_to_json (HfMiner    *miner,
                  const char *address,
                  const char *error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const HfReading *r = miner ? hf_miner_get_reading (miner) : NULL;
  HfFamily family = miner ? hf_miner_get_family (miner) : HF_FAMILY_UNKNOWN;
  double nan = NAN;

  json_builder_begin_object (b);
  add_string (b, "ip", miner ? hf_miner_get_address (miner) : address);
  add_string (b, "family", family != HF_FAMILY_UNKNOWN ? hf_family_to_string (family) : NULL);
  add_string (b, "model", miner ? hf_miner_get_model (miner) : NULL);
  add_string (b, "firmware", miner ? hf_miner_get_firmware (miner) : NULL);
  add_string (b, "hostname", miner ? hf_miner_get_hostname (miner) : NULL);
  add_string (b, "mac", miner ? hf_miner_get_mac (miner) : NULL);
  json_builder_set_member_name (b, "online");
  json_builder_add_boolean_value (b, miner != NULL && error == NULL && r != NULL);
  add_number (b, "hashrate_ghs", r ? r->hashrate_ghs : nan, FALSE);
  add_number (b, "expected_hashrate_ghs", r ? r->expected_hashrate_ghs : nan, FALSE);
  add_number (b, "temperature_c", r ? r->temperature_c : nan, FALSE);
  add_number (b, "power_w", r ? r->power_w : nan, FALSE);
  json_builder_set_member_name (b, "power_estimated");
  if (r != NULL && !isnan (r->power_w))
    json_builder_add_boolean_value (b, r->power_estimated);
  else
    json_builder_add_null_value (b);
  add_number (b, "fan_rpm", r ? r->fan_rpm : nan, TRUE);
  add_number (b, "fan_percent", r ? r->fan_percent : nan, FALSE);
  add_number (b, "frequency_mhz", r ? r->frequency_mhz : nan, FALSE);
  add_number (b, "uptime_s", r ? r->uptime_s : nan, TRUE);
  add_number (b, "accepted", r ? r->accepted : nan, TRUE);
  add_number (b, "rejected", r ? r->rejected : nan, TRUE);
  add_string (b, "pool_url", r ? r->pool_url : NULL);
  add_string (b, "error", error);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

char *
hf_miner_to_json_line (HfMiner    *miner,
                       const char *address,
                       const char *error)
{
  g_autoptr(JsonNode) node = hf_miner_to_json (miner, address, error);

  return json_to_string (node, FALSE);
}
