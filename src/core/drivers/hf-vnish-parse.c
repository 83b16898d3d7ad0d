/* hf-vnish-parse.c
 * SPDX-License-Identifier: MIT
 *
 * VNish replies (its web API calls itself "xminer-api").  Every key is
 * looked up defensively: 1.2.x and 1.3.x differ, and a reply is hostile
 * input like any other.
 */
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-json.h"
#include "hf-limits.h"
#include "hf-vnish-parse.h"

#define MAX_PRESETS 64

gboolean
hf_vnish_reply_is_vnish (JsonObject *reply)
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
  return strstr (upper, "VNISH") != NULL;
}

char *
hf_vnish_model_name (const char *miner)
{
  g_auto(GStrv) words = NULL;

  if (miner == NULL)
    return NULL;
  words = g_strsplit (miner, " ", 16);
  for (guint i = 0; words[i] != NULL; i++)
    {
      char *w = words[i];
      gsize len = strlen (w);
      gsize digits = 0;

      /* Letters, then digits, then one letter: S19J → S19j, S9I → S9i. */
      if (len < 3 || !g_ascii_isalpha (w[0]) || !g_ascii_isalpha (w[len - 1]))
        continue;
      for (gsize k = 1; k + 1 < len; k++)
        if (g_ascii_isdigit (w[k]))
          digits++;
        else if (digits > 0)
          {
            digits = 0;
            break;
          }
      if (digits > 0 && g_ascii_isdigit (w[len - 2]))
        w[len - 1] = g_ascii_tolower (w[len - 1]);
    }
  {
    g_autofree char *joined = g_strjoinv (" ", words);
    g_autofree char *trimmed = g_strstrip (g_strdup (joined));

    return trimmed[0] != '\0' ? g_strndup (trimmed, HF_MAX_FIELD_CHARS) : NULL;
  }
}

gboolean
hf_vnish_parse_identity (JsonObject  *info,
                         HfMiner     *miner,
                         GError     **error)
{
  const char *fw_name = hf_json_string (info, "fw_name");
  JsonObject *system = hf_json_object (info, "system");
  JsonObject *network = hf_json_object (system, "network_status");
  g_autofree char *model = NULL;
  g_autofree char *version = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *mac = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *serial = NULL;

  if (fw_name == NULL || g_ascii_strncasecmp (fw_name, "vnish", 5) != 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                           "web server answers /api/v1/info, but not as VNish (fw_name is "
                           "not Vnish)");
      return FALSE;
    }

  model = hf_vnish_model_name (hf_json_string (info, "miner"));
  if (model == NULL)
    {
      /* "s19jpro": better than nothing, and still the machine. */
      g_autofree char *short_model = hf_json_dup_string (info, "model");

      model = short_model ? g_strdup_printf ("Antminer %s", short_model) : g_strdup ("Antminer");
    }
  version = hf_json_dup_string (info, "fw_version");
  firmware = version ? g_strdup_printf ("VNish %s", version) : g_strdup ("VNish");
  mac = hf_normalize_mac (hf_json_string (network, "mac"));
  hostname = hf_json_dup_string (network, "hostname");
  serial = hf_json_dup_string (info, "serial");
  if (serial != NULL && (g_ascii_strcasecmp (serial, "N/A") == 0
                         || g_ascii_strcasecmp (serial, "unknown") == 0))
    g_clear_pointer (&serial, g_free);

  hf_miner_set_family (miner, HF_FAMILY_VNISH);
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

double
hf_vnish_hashrate_scale (JsonObject *info)
{
  const char *unit = hf_json_string (info, "hr_measure");

  if (unit == NULL || unit[0] == '\0')
    return 1.0;
  if (g_ascii_strcasecmp (unit, "GH/s") == 0 || g_ascii_strcasecmp (unit, "GH") == 0)
    return 1.0;
  if (g_ascii_strcasecmp (unit, "TH/s") == 0 || g_ascii_strcasecmp (unit, "TH") == 0)
    return 1000.0;
  if (g_ascii_strcasecmp (unit, "MH/s") == 0 || g_ascii_strcasecmp (unit, "MH") == 0)
    return 1e-3;
  if (g_ascii_strcasecmp (unit, "PH/s") == 0 || g_ascii_strcasecmp (unit, "PH") == 0)
    return 1e6;
  return NAN;
}

double
hf_vnish_parse_uptime (const char *text)
{
  guint64 days = 0, hours = 0, minutes = 0;
  const char *p = text;
  char *end = NULL;

  if (text == NULL || strlen (text) > 64)
    return NAN;
  if (strchr (p, ',') != NULL || strstr (p, "day") != NULL)
    {
      days = g_ascii_strtoull (p, &end, 10);
      if (end == p || days > 100000)
        return NAN;
      while (*end == ' ')
        end++;
      if (!g_str_has_prefix (end, "day"))
        return NAN;
      end += 3;
      if (*end == 's')
        end++;
      if (*end == '\0')
        return days * 86400.0;
      if (*end != ',')
        return NAN;
      p = end + 1;
      while (*p == ' ')
        p++;
    }
  if (!g_ascii_isdigit (*p))
    return NAN;
  hours = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != ':' || hours > 23)
    return NAN;
  p = end + 1;
  if (!g_ascii_isdigit (*p))
    return NAN;
  minutes = g_ascii_strtoull (p, &end, 10);
  if (end == p || minutes > 59)
    return NAN;
  /* Some builds add seconds (H:MM:SS). */
  if (*end == ':')
    {
      guint64 seconds;

      p = end + 1;
      if (!g_ascii_isdigit (*p))
        return NAN;
      seconds = g_ascii_strtoull (p, &end, 10);
      if (seconds > 59 || *end != '\0')
        return NAN;
      return days * 86400.0 + hours * 3600.0 + minutes * 60.0 + seconds;
    }
  if (*end != '\0')
    return NAN;
  return days * 86400.0 + hours * 3600.0 + minutes * 60.0;
}

static gboolean
all_digits (const char *s)
{
  if (s == NULL || *s == '\0' || strlen (s) > 6)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

double
hf_vnish_preset_watts (const char *name,
                       const char *pretty)
{
  if (all_digits (name))
    return g_ascii_strtod (name, NULL);
  if (pretty != NULL && strlen (pretty) < 256)
    {
      for (const char *p = pretty; *p; p++)
        {
          char *end = NULL;
          double w;

          if (!g_ascii_isdigit (*p) || (p > pretty && (g_ascii_isdigit (p[-1]) || p[-1] == '.')))
            continue;
          w = g_ascii_strtod (p, &end);
          while (end != NULL && *end == ' ')
            end++;
          if (end != NULL && (g_ascii_strncasecmp (end, "watt", 4) == 0
                              || ((end[0] == 'W' || end[0] == 'w')
                                  && !g_ascii_isalpha (end[1]))))
            return w > 0 && w < HF_MAX_DEVICE_POWER_W ? w : NAN;
        }
    }
  return NAN;
}

static double
minmax_max (JsonObject *obj,
            const char *key)
{
  return hf_json_number (hf_json_object (obj, key), "max");
}

static gboolean
is_devfee (JsonObject *pool)
{
  const char *type = hf_json_string (pool, "pool_type");
  const char *url = hf_json_string (pool, "url");

  return (type != NULL && g_ascii_strcasecmp (type, "UserPool") != 0)
         || (url != NULL && g_ascii_strcasecmp (url, "DevFee") == 0);
}

static double
sum_known (double total,
           double value)
{
  if (isnan (value))
    return total;
  return isnan (total) ? value : total + value;
}

static void
parse_pools (JsonArray *pools,
             HfReading *r)
{
  guint n = pools ? MIN (json_array_get_length (pools), 64) : 0;
  JsonObject *in_use = NULL;
  guint in_use_index = 0, user_index = 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (pools, i);
      JsonObject *pool = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *status;

      if (pool == NULL || is_devfee (pool))
        continue;
      r->accepted = sum_known (r->accepted, hf_json_number (pool, "accepted"));
      r->rejected = sum_known (r->rejected, hf_json_number (pool, "rejected"));
      /* "active" is the pool it mines on; the first such, in priority order. */
      status = hf_json_string (pool, "status");
      if (in_use == NULL && status != NULL && g_ascii_strcasecmp (status, "active") == 0)
        {
          in_use = pool;
          in_use_index = user_index;
        }
      user_index++;
    }
  if (in_use == NULL)
    return;
  r->pool_url = hf_json_dup_string (in_use, "url");
  r->pool_user = hf_json_dup_string (in_use, "user");
  r->pool_difficulty = hf_parse_si_number (hf_json_string (in_use, "diff"));
  if (isnan (r->pool_difficulty))
    r->pool_difficulty = hf_json_number (in_use, "diff");
  r->fallback_pool = in_use_index > 0;
}

static void
parse_chains (JsonArray *chains,
              HfReading *r)
{
  guint n = chains ? MIN (json_array_get_length (chains), 16) : 0;
  double freq_sum = 0, volt_sum = 0;
  guint freq_n = 0, volt_n = 0;
  double chip = NAN, board = NAN;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (chains, i);
      JsonObject *chain = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      double f, v;

      if (chain == NULL)
        continue;
      f = hf_json_number (chain, "frequency");
      v = hf_json_number (chain, "voltage");
      if (f > 0 && f < 10000)
        {
          freq_sum += f;
          freq_n++;
        }
      if (v > 0 && v < 100000)
        {
          volt_sum += v;
          volt_n++;
        }
      chip = hf_max_known (chip, minmax_max (chain, "chip_temp"));
      board = hf_max_known (board, minmax_max (chain, "pcb_temp"));
    }
  /* The chains' average: each board runs its own frequency and voltage. */
  if (freq_n > 0)
    r->frequency_mhz = freq_sum / freq_n;
  if (volt_n > 0)
    r->core_voltage_mv = volt_sum / volt_n;
  if (isnan (r->chip_temp_c))
    r->chip_temp_c = chip;
  if (isnan (r->board_temp_c))
    r->board_temp_c = board;
}

static void
parse_cooling (JsonObject *cooling,
               HfReading  *r)
{
  JsonArray *fans = hf_json_array (cooling, "fans");
  guint n = fans ? MIN (json_array_get_length (fans), 16) : 0;
  const char *mode = hf_json_string (hf_json_object (hf_json_object (cooling, "settings"),
                                                     "mode"), "name");

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (fans, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        r->fan_rpm = hf_max_known (r->fan_rpm, hf_json_number (json_node_get_object (node), "rpm"));
    }
  r->fan_percent = hf_json_number (cooling, "fan_duty");
  if (g_strcmp0 (mode, "auto") == 0)
    r->fan_auto = 1;
  else if (g_strcmp0 (mode, "manual") == 0)
    r->fan_auto = 0;
}

static void
parse_state (JsonObject *miner,
             JsonObject *status,
             HfReading  *r)
{
  const char *state = hf_json_string (hf_json_object (miner, "miner_status"), "miner_state");

  if (state == NULL)
    state = hf_json_string (status, "miner_state");
  if (state == NULL)
    return;
  /* Stopped on purpose (pause, stop, shutting down); starting, restarting,
   * initializing and auto-tuning are on their way to mining. */
  if (g_ascii_strcasecmp (state, "stopped") == 0
      || g_ascii_strcasecmp (state, "shutting-down") == 0
      || g_ascii_strcasecmp (state, "paused") == 0
      || g_ascii_strcasecmp (state, "pausing") == 0)
    r->paused = TRUE;
  else if (g_ascii_strcasecmp (state, "failure") == 0)
    {
      g_autofree char *text = hf_json_dup_string (status, "failure_description");
      double code = hf_json_number (status, "failure_code");

      if (text == NULL)
        text = hf_json_dup_string (status, "description");
      if (text != NULL && !isnan (code))
        r->fault = g_strdup_printf ("%s (failure %.0f)", text, code);
      else if (text != NULL)
        r->fault = g_steal_pointer (&text);
      else
        r->fault = g_strdup ("the miner reports a failure");
    }
}

static void
parse_preset (JsonObject *perf,
              HfReading  *r)
{
  JsonObject *current = hf_json_object (perf, "current_preset");
  g_autofree char *name = hf_json_dup_string (current, "name");

  if (name == NULL)
    return;
  r->power_limit_w = hf_vnish_preset_watts (name, hf_json_string (current, "pretty"));
  r->preset = g_steal_pointer (&name);
}

HfReading *
hf_vnish_parse_reading (JsonObject  *summary,
                        JsonObject  *info,
                        JsonObject  *status,
                        JsonObject  *perf,
                        GError     **error)
{
  JsonObject *miner = hf_json_object (summary, "miner");
  double scale = hf_vnish_hashrate_scale (info);
  double hr;
  HfReading *r;

  if (miner == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL,
                           "VNish /api/v1/summary has no \"miner\" object");
      return NULL;
    }

  r = hf_reading_new ();
  /* hr_* are in info.hr_measure; the deprecated instant_hashrate is TH/s. */
  hr = hf_json_number (miner, "hr_realtime");
  if (isnan (hr))
    r->hashrate_ghs = hf_json_number (miner, "instant_hashrate") * 1000.0;
  else
    r->hashrate_ghs = hr * scale;
  hr = hf_json_number (miner, "hr_average");
  if (isnan (hr))
    r->hashrate_avg_ghs = hf_json_number (miner, "average_hashrate") * 1000.0;
  else
    r->hashrate_avg_ghs = hr * scale;
  r->expected_hashrate_ghs = hf_json_number (miner, "hr_nominal") * scale;

  r->chip_temp_c = minmax_max (miner, "chip_temp");
  r->board_temp_c = minmax_max (miner, "pcb_temp");
  r->power_w = hf_json_number (miner, "power_consumption");
  if (isnan (r->power_w))
    r->power_w = hf_json_number (miner, "power_usage");
  r->power_estimated = FALSE;
  r->hardware_errors = hf_json_number (miner, "hw_errors");
  r->error_percent = hf_json_number (miner, "hw_errors_percent");
  r->found_blocks = hf_json_number (miner, "found_blocks");
  r->best_session_difficulty = hf_json_si_number (miner, "best_share");
  r->best_difficulty = r->best_session_difficulty;

  parse_cooling (hf_json_object (miner, "cooling"), r);
  parse_chains (hf_json_array (miner, "chains"), r);
  parse_pools (hf_json_array (miner, "pools"), r);
  parse_state (miner, status, r);
  parse_preset (perf, r);
  r->uptime_s = hf_vnish_parse_uptime (hf_json_string (hf_json_object (info, "system"),
                                                       "uptime"));

  hf_reading_finish (r);
  return r;
}

static void
preset_free (gpointer data)
{
  HfVnishPreset *p = data;

  g_free (p->name);
  g_free (p->pretty);
  g_free (p);
}

GPtrArray *
hf_vnish_parse_presets (JsonNode  *root,
                        GError   **error)
{
  JsonArray *list = NULL;
  GPtrArray *out;

  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    list = json_node_get_array (root);
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    list = hf_json_array (json_node_get_object (root), "presets");
  if (list == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL,
                           "VNish /api/v1/autotune/presets is not a list of presets");
      return NULL;
    }
  out = g_ptr_array_new_with_free_func (preset_free);
  for (guint i = 0; i < json_array_get_length (list) && out->len < MAX_PRESETS; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *name = hf_json_dup_string (obj, "name");
      const char *st = hf_json_string (obj, "status");
      HfVnishPreset *p;

      if (name == NULL)
        continue;
      p = g_new0 (HfVnishPreset, 1);
      p->name = g_steal_pointer (&name);
      p->pretty = hf_json_dup_string (obj, "pretty");
      p->tuned = st != NULL && g_ascii_strcasecmp (st, "tuned") == 0;
      p->watts = hf_vnish_preset_watts (p->name, p->pretty);
      g_ptr_array_add (out, p);
    }
  return out;
}

const HfVnishPreset *
hf_vnish_preset_for_watts (GPtrArray *presets,
                           double     watts)
{
  const HfVnishPreset *best = NULL;

  for (guint i = 0; presets != NULL && i < presets->len; i++)
    {
      const HfVnishPreset *p = g_ptr_array_index (presets, i);

      if (p->tuned && !isnan (p->watts) && p->watts <= watts
          && (best == NULL || p->watts > best->watts))
        best = p;
    }
  return best;
}

char *
hf_vnish_reply_error (JsonObject *reply)
{
  JsonNode *err = reply ? json_object_get_member (reply, "err") : NULL;

  if (err == NULL || JSON_NODE_HOLDS_NULL (err))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (err) && json_node_get_value_type (err) == G_TYPE_STRING)
    {
      g_autofree char *text = hf_json_dup_string (reply, "err");
      return text ? g_steal_pointer (&text) : g_strdup ("the miner refused it");
    }
  if (JSON_NODE_HOLDS_VALUE (err) && json_node_get_value_type (err) == G_TYPE_BOOLEAN
      && !json_node_get_boolean (err))
    return NULL;
  return g_strdup ("the miner refused it");
}
