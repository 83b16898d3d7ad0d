/* hf-whatsminer-v3-parse.c
 * SPDX-License-Identifier: MIT
 *
 * Units (MicroBT's API v3 documentation): hashrates in TH/s, power in W,
 * temperatures in °C, fans in RPM, elapsed in seconds.  Several numbers
 * and booleans come as strings ("3", "true"): hf_json_number() reads both.
 */
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-json.h"
#include "hf-limits.h"
#include "hf-whatsminer-v3-parse.h"
#include "hf-whatsminer-v3-reply.h"

gboolean
hf_whatsminer_v3_parse_identity (JsonObject  *reply,
                                 HfMiner     *miner,
                                 GError     **error)
{
  JsonObject *msg = hf_whatsminer_v3_msg (reply);
  JsonObject *m = hf_json_object (msg, "miner");
  JsonObject *system = hf_json_object (msg, "system");
  JsonObject *network = hf_json_object (msg, "network");
  g_autofree char *type = hf_json_dup_string (m, "type");
  g_autofree char *fw = hf_json_dup_string (system, "fwversion");
  g_autofree char *api = hf_json_dup_string (system, "api");
  g_autofree char *hostname = hf_json_dup_string (network, "hostname");
  g_autofree char *serial = hf_json_dup_string (m, "miner-sn");
  g_autofree char *mac = hf_normalize_mac (hf_json_string (network, "mac"));
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;

  if (type == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                           "get.device.info names no miner type: not a Whatsminer");
      return FALSE;
    }
  model = g_ascii_strncasecmp (type, "whatsminer", 10) == 0
          ? g_strdup (type) : g_strdup_printf ("Whatsminer %s", type);
  if (fw != NULL)
    firmware = api != NULL ? g_strdup_printf ("Whatsminer %s (API %s)", fw, api)
                           : g_strdup_printf ("Whatsminer %s", fw);

  hf_miner_set_family (miner, HF_FAMILY_WHATSMINER);
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

char *
hf_whatsminer_v3_parse_salt (JsonObject *reply)
{
  const char *salt = hf_json_string (hf_whatsminer_v3_msg (reply), "salt");
  gsize len;

  if (salt == NULL)
    return NULL;
  len = strlen (salt);
  if (len == 0 || len > 64)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isgraph (salt[i]))
      return NULL;
  return g_strdup (salt);
}

/* TH/s → GH/s; what is not a number stays NAN. */
static double
ths (JsonObject  *obj,
     const char  *key)
{
  return hf_json_number (obj, key) * 1000.0;
}

/* The highest number in array @key (board temperatures), else NAN. */
static double
array_max (JsonObject *obj,
           const char *key)
{
  JsonArray *array = hf_json_array (obj, key);
  double best = NAN;

  if (array == NULL)
    return hf_json_number (obj, key);
  for (guint i = 0; i < json_array_get_length (array) && i < 64; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      double v = NAN;

      if (JSON_NODE_HOLDS_VALUE (node))
        {
          GType t = json_node_get_value_type (node);
          if (t == G_TYPE_DOUBLE || t == G_TYPE_INT64)
            v = json_node_get_double (node);
          else if (t == G_TYPE_STRING)
            v = hf_parse_number (json_node_get_string (node));
        }
      best = hf_max_known (best, v);
    }
  return best;
}

static gboolean
is_true (JsonObject *obj,
         const char *key)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, key) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strcasecmp (json_node_get_string (node), "true") == 0;
  return hf_json_number (obj, key) == 1.0;
}

static gboolean
is_false (JsonObject *obj,
          const char *key)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, key) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return !json_node_get_boolean (node);
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strcasecmp (json_node_get_string (node), "false") == 0;
  return hf_json_number (obj, key) == 0.0;
}

/* The pool the miner mines on: the one with stratum-active, else the
 * first alive one, else the first.  fallback_pool when it is not pool 1. */
static void
read_pools (JsonArray *pools,
            HfReading *r)
{
  JsonObject *active = NULL;
  JsonObject *alive = NULL;
  JsonObject *first = NULL;
  guint n = pools != NULL ? MIN (json_array_get_length (pools), 16) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (pools, i);
      JsonObject *pool;
      const char *status;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      pool = json_node_get_object (node);
      if (hf_json_string (pool, "url") == NULL)
        continue;
      if (first == NULL)
        first = pool;
      status = hf_json_string (pool, "status");
      if (alive == NULL && status != NULL && g_ascii_strcasecmp (status, "alive") == 0)
        alive = pool;
      if (active == NULL && is_true (pool, "stratum-active"))
        active = pool;
    }
  if (active == NULL)
    active = alive != NULL ? alive : first;
  if (active == NULL)
    return;
  r->pool_url = hf_json_dup_string (active, "url");
  r->pool_user = hf_json_dup_string (active, "account");
  r->fallback_pool = active != first;
  r->accepted = hf_json_number (active, "accepted");
  r->rejected = hf_json_number (active, "rejected");
}

HfReading *
hf_whatsminer_v3_parse_reading (JsonObject  *status_reply,
                                JsonObject  *setting_reply,
                                JsonObject  *info_reply,
                                GError     **error)
{
  JsonObject *msg = hf_whatsminer_v3_msg (status_reply);
  JsonObject *summary = hf_json_object (msg, "summary");
  JsonObject *setting = hf_whatsminer_v3_msg (setting_reply);
  JsonObject *info_miner = hf_json_object (hf_whatsminer_v3_msg (info_reply), "miner");
  g_autoptr(HfReading) r = NULL;
  double limit;

  if (summary == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL,
                           "get.miner.status reply has no summary");
      return NULL;
    }

  r = hf_reading_new ();
  r->hashrate_ghs = ths (summary, "hash-realtime");
  if (isnan (r->hashrate_ghs))
    r->hashrate_ghs = ths (summary, "hash-1min");
  r->hashrate_avg_ghs = ths (summary, "hash-average");
  r->expected_hashrate_ghs = ths (summary, "factory-hash");
  /* Some firmware reports a negative placeholder (-0.001 per board). */
  if (!(r->expected_hashrate_ghs > 0))
    r->expected_hashrate_ghs = NAN;

  r->power_w = hf_json_number (summary, "power-realtime");
  if (isnan (r->power_w))
    r->power_w = hf_json_number (summary, "power-5min");
  r->power_estimated = FALSE;
  limit = hf_json_number (summary, "power-limit");
  /* 0: no limit. */
  r->power_limit_w = limit > 0 && limit <= HF_MAX_DEVICE_POWER_W ? limit : NAN;

  r->chip_temp_c = hf_json_number (summary, "chip-temp-max");
  r->board_temp_c = array_max (summary, "board-temperature");
  r->fan_rpm = hf_max_known (hf_json_number (summary, "fan-speed-in"),
                             hf_json_number (summary, "fan-speed-out"));
  r->uptime_s = hf_json_number (summary, "elapsed");
  r->frequency_mhz = hf_json_number (summary, "freq-avg");
  if (!(r->frequency_mhz > 0))
    r->frequency_mhz = hf_json_number (summary, "target-freq");
  if (!(r->frequency_mhz > 0))
    r->frequency_mhz = NAN;

  read_pools (hf_json_array (msg, "pools"), r);

  if (setting != NULL)
    {
      const char *mode = hf_json_string (setting, "power-mode");

      if (mode != NULL && (g_str_equal (mode, "low") || g_str_equal (mode, "normal")
                           || g_str_equal (mode, "high")))
        r->preset = g_strdup (mode);
    }
  /* The miner service stopped on purpose (set.miner.service "stop"):
   * device.info says it is not working. */
  r->paused = is_false (info_miner, "working");

  hf_reading_finish (r);
  return g_steal_pointer (&r);
}
