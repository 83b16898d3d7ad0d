/* hf-avalon-parse.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "hf-avalon-mm.h"
#include "hf-avalon-parse.h"
#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-model-table.h"

gboolean
hf_avalon_reply_is_avalon (JsonObject *version_reply)
{
  JsonObject *version = hf_cgminer_section (version_reply, "VERSION", 0);
  const char *prod = hf_json_string (version, "PROD");

  return prod != NULL && g_ascii_strncasecmp (prod, "avalon", 6) == 0;
}

gboolean
hf_avalon_parse_identity (JsonObject  *version_reply,
                          HfMiner     *miner,
                          GError     **error)
{
  JsonObject *version = hf_cgminer_section (version_reply, "VERSION", 0);
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *mac = NULL;
  g_autofree char *serial = NULL;

  if (!hf_avalon_reply_is_avalon (version_reply))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                           "cgminer API does not name an Avalon (no PROD)");
      return FALSE;
    }

  model = hf_json_dup_string (version, "PROD");
  firmware = hf_json_dup_string (version, "LVERSION");
  if (firmware == NULL)
    firmware = hf_json_dup_string (version, "VERSION");
  mac = hf_normalize_mac (hf_json_string (version, "MAC"));
  serial = hf_json_dup_string (version, "DNA");

  hf_miner_set_family (miner, HF_FAMILY_AVALON);
  hf_miner_set_model (miner, model);
  hf_miner_set_firmware (miner, firmware);
  if (mac != NULL)
    hf_miner_set_mac (miner, mac);
  if (serial != NULL)
    hf_miner_set_serial (miner, serial);
  return TRUE;
}

const char *
hf_avalon_mm_string (JsonObject *stats_reply)
{
  JsonNode *node = stats_reply ? hf_json_member_nocase (stats_reply, "STATS") : NULL;
  JsonArray *stats;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  stats = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (stats); i++)
    {
      JsonNode *element = json_array_get_element (stats, i);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      json_object_iter_init (&iter, json_node_get_object (element));
      while (json_object_iter_next (&iter, &name, &value))
        if (g_str_has_prefix (name, "MM ID") && JSON_NODE_HOLDS_VALUE (value)
            && json_node_get_value_type (value) == G_TYPE_STRING)
          return json_node_get_string (value);
    }
  return NULL;
}

static gboolean
model_is (const char *model,
          const char *name)
{
  return model != NULL && g_ascii_strcasecmp (model, name) == 0;
}

HfReading *
hf_avalon_parse_reading (JsonObject  *summary_reply,
                         JsonObject  *stats_reply,
                         JsonObject  *pools_reply,
                         const char  *model,
                         GError     **error)
{
  JsonObject *summary = hf_cgminer_section (summary_reply, "SUMMARY", 0);
  g_autoptr(GHashTable) mm = NULL;
  g_autoptr(HfReading) r = NULL;
  double wall;

  if (summary == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL, "summary reply has no SUMMARY");
      return NULL;
    }

  r = hf_reading_new ();
  /* Summary's 1-minute window is steadier than its 5 s one on these. */
  r->hashrate_ghs = hf_cgminer_section_hashrate (summary, "1m");
  hf_cgminer_read_summary (summary, r);
  hf_cgminer_read_pools (pools_reply, r);

  mm = hf_avalon_mm_parse (hf_avalon_mm_string (stats_reply));
  if (g_hash_table_size (mm) > 0)
    {
      double fan_percent;

      /* GHSspd is the current rate (GH/s), GHSmm the nominal one. */
      if (!isnan (hf_avalon_mm_number (mm, "GHSspd")))
        r->hashrate_ghs = hf_avalon_mm_number (mm, "GHSspd");
      r->expected_hashrate_ghs = hf_avalon_mm_number (mm, "GHSmm");
      r->chip_temp_c = hf_max_known (hf_avalon_mm_number (mm, "TMax"),
                                     hf_avalon_mm_number (mm, "MTmax"));
      r->board_temp_c = hf_max_known (hf_avalon_mm_number (mm, "OTemp"),
                                      hf_max_known (hf_avalon_mm_number (mm, "HBOTemp"),
                                                    hf_avalon_mm_number (mm, "HBITemp")));
      for (guint i = 1; i <= 4; i++)
        {
          g_autofree char *key = g_strdup_printf ("Fan%u", i);
          r->fan_rpm = hf_max_known (r->fan_rpm, hf_avalon_mm_number (mm, key));
        }
      fan_percent = hf_avalon_mm_number (mm, "FanR");
      r->fan_percent = fan_percent;
      {
        double mode = hf_avalon_mm_number (mm, "WORKMODE");
        r->work_mode = mode >= 0 && mode <= 2 ? (int) mode : -1;
      }
      /* Freq[0.00] is how Nano 3 firmware says it does not know. */
      r->frequency_mhz = hf_avalon_mm_number (mm, "Freq");
      if (r->frequency_mhz <= 0)
        r->frequency_mhz = NAN;
      if (isnan (r->uptime_s))
        r->uptime_s = hf_avalon_mm_number (mm, "Elapsed");
      /* SoftOFF[0] mines; anything else is the standby an `ascset softoff`
       * puts it in (the Avalon Q capture says SoftOFF[4] there). */
      r->paused = hf_avalon_mm_number (mm, "SoftOFF") > 0;

      /* Power: a wall meter where the model has one; PS[6] is watts on the
       * Nano 3s (the Nano 3's PS layout differs and is not documented). */
      wall = hf_avalon_mm_number (mm, "WALLPOWER");
      if (!isnan (wall) && wall > 0)
        r->power_w = wall;
      else if (model_is (model, "Avalon Nano3s") || model_is (model, "Avalon Nano 3s"))
        r->power_w = hf_avalon_mm_field (mm, "PS", 6);
    }

  if (isnan (r->power_w))
    {
      r->power_w = hf_model_estimate_power (HF_FAMILY_AVALON, model, r->hashrate_ghs);
      r->power_estimated = !isnan (r->power_w);
    }

  hf_reading_finish (r);
  return g_steal_pointer (&r);
}
