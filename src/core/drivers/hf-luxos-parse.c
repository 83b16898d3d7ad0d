/* hf-luxos-parse.c
 * SPDX-License-Identifier: MIT
 *
 * LUXminer answers the cgminer API with GHS units and reports of its own:
 * power (a measured or estimated wattage), temps (four sensors per board),
 * config (the profile in use, whether it is curtailed) and profiles.
 */
#include <math.h>
#include <string.h>

#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-limits.h"
#include "hf-luxos-parse.h"

#define FOR_EACH_OBJECT(reply, name, obj)                                         \
  for (JsonArray *arr_ = hf_json_array (reply, name); arr_ != NULL; arr_ = NULL)  \
    for (guint i_ = 0; i_ < json_array_get_length (arr_); i_++)                   \
      for (JsonObject *obj = JSON_NODE_HOLDS_OBJECT (json_array_get_element (arr_, i_)) \
                             ? json_node_get_object (json_array_get_element (arr_, i_)) \
                             : NULL; obj != NULL; obj = NULL)

static gboolean
contains_nocase (const char *text,
                 const char *upper_word)
{
  g_autofree char *upper = NULL;

  if (text == NULL)
    return FALSE;
  upper = g_ascii_strup (text, -1);
  return strstr (upper, upper_word) != NULL;
}

gboolean
hf_luxos_reply_is_luxos (JsonObject *version_reply)
{
  JsonObject *version = hf_cgminer_section (version_reply, "VERSION", 0);
  JsonObject *status = hf_cgminer_section (version_reply, "STATUS", 0);

  if (version_reply == NULL)
    return FALSE;
  return hf_json_member_nocase (version, "LUXminer") != NULL
         || contains_nocase (hf_json_string (status, "Description"), "LUXMINER");
}

gboolean
hf_luxos_parse_identity (JsonObject  *version_reply,
                         JsonObject  *config_reply,
                         HfMiner     *miner,
                         GError     **error)
{
  JsonObject *version = hf_cgminer_section (version_reply, "VERSION", 0);
  JsonObject *config = hf_cgminer_section (config_reply, "CONFIG", 0);
  JsonNode *lux;
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;

  if (version_reply == NULL || !hf_cgminer_check_status (version_reply, NULL)
      || !hf_luxos_reply_is_luxos (version_reply))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                           "cgminer API does not name LuxOS (LUXminer)");
      return FALSE;
    }
  model = hf_json_dup_string (version, "Type");
  if (model == NULL)
    model = hf_json_dup_string (config, "Model");
  lux = hf_json_member_nocase (version, "LUXminer");
  if (lux != NULL && JSON_NODE_HOLDS_VALUE (lux)
      && json_node_get_value_type (lux) == G_TYPE_STRING
      && *json_node_get_string (lux) != '\0'
      && strlen (json_node_get_string (lux)) <= HF_MAX_FIELD_CHARS)
    firmware = g_strdup_printf ("LuxOS %s", json_node_get_string (lux));
  else
    firmware = g_strdup ("LuxOS");

  hf_miner_set_family (miner, HF_FAMILY_LUXOS);
  /* LuxOS runs on Antminers only; without Type the machine is unknown. */
  hf_miner_set_model (miner, model != NULL ? model : "Antminer");
  hf_miner_set_firmware (miner, firmware);
  return TRUE;
}

/* The largest of "47-34-34-47" (the sensors of one board). */
static double
max_of_dashed (const char *text)
{
  g_auto(GStrv) parts = NULL;
  double best = NAN;

  if (text == NULL || strlen (text) > HF_MAX_FIELD_CHARS)
    return NAN;
  parts = g_strsplit (text, "-", 16);
  for (guint i = 0; parts[i] != NULL; i++)
    best = hf_max_known (best, hf_parse_number (parts[i]));
  return best;
}

void
hf_luxos_read_stats (JsonObject *stats_reply,
                     HfReading  *r)
{
  JsonArray *stats = hf_json_array (stats_reply, "STATS");

  if (stats == NULL)
    return;
  /* STATS[0] is the version part; the miner's numbers follow. */
  for (guint i = 0; i < json_array_get_length (stats); i++)
    {
      JsonNode *node = json_array_get_element (stats, i);
      JsonObject *s;
      double ideal, freq;
      const char *unit;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      s = json_node_get_object (node);
      ideal = hf_json_number (s, "total_rateideal");
      if (isnan (ideal))
        continue;
      unit = hf_json_string (s, "rate_unit");
      /* The unit is stated; GH is what LuxOS sends. */
      if (unit == NULL || g_ascii_strcasecmp (unit, "GH") == 0)
        r->expected_hashrate_ghs = ideal;
      else if (g_ascii_strcasecmp (unit, "TH") == 0)
        r->expected_hashrate_ghs = ideal * 1e3;
      else if (g_ascii_strcasecmp (unit, "MH") == 0)
        r->expected_hashrate_ghs = ideal * 1e-3;
      freq = hf_json_number (s, "total_freqavg");
      if (isnan (freq))
        freq = hf_json_number (s, "frequency");
      if (!isnan (freq) && freq > 0)
        r->frequency_mhz = freq;
      /* temp_chip1…4: the chip sensors of each board. */
      for (guint b = 1; b <= 16; b++)
        {
          g_autofree char *key = g_strdup_printf ("temp_chip%u", b);

          if (!json_object_has_member (s, key))
            break;
          r->chip_temp_c = hf_max_known (r->chip_temp_c, max_of_dashed (hf_json_string (s, key)));
        }
      break;
    }
}

void
hf_luxos_read_devs (JsonObject *devs_reply,
                    HfReading  *r)
{
  double nominal = NAN;

  if (devs_reply == NULL)
    return;
  FOR_EACH_OBJECT (devs_reply, "DEVS", dev)
    {
      double v = hf_json_number (dev, "Nominal MHS");

      if (!isnan (v) && v >= 0)
        nominal = (isnan (nominal) ? 0 : nominal) + v * 1e-3;
      if (r->preset == NULL)
        r->preset = hf_json_dup_string (dev, "Profile");
    }
  /* stats' ideal rate first; the boards' nominal rates otherwise. */
  if (isnan (r->expected_hashrate_ghs) && !isnan (nominal))
    r->expected_hashrate_ghs = nominal;
}

void
hf_luxos_read_fans (JsonObject *fans_reply,
                    HfReading  *r)
{
  if (fans_reply == NULL)
    return;
  FOR_EACH_OBJECT (fans_reply, "FANS", f)
    {
      r->fan_rpm = hf_max_known (r->fan_rpm, hf_json_number (f, "RPM"));
      r->fan_percent = hf_max_known (r->fan_percent, hf_json_number (f, "Speed"));
    }
}

void
hf_luxos_read_temps (JsonObject *temps_reply,
                     HfReading  *r)
{
  static const char *const sensors[] = { "TopLeft", "TopRight", "BottomLeft", "BottomRight" };

  if (temps_reply == NULL)
    return;
  /* The board's intake and exhaust sensors (METADATA names them). */
  FOR_EACH_OBJECT (temps_reply, "TEMPS", t)
    for (guint s = 0; s < G_N_ELEMENTS (sensors); s++)
      r->board_temp_c = hf_max_known (r->board_temp_c, hf_json_number (t, sensors[s]));
}

void
hf_luxos_read_power (JsonObject *power_reply,
                     HfReading  *r)
{
  JsonObject *power = hf_cgminer_section (power_reply, "POWER", 0);
  double watts = hf_json_number (power, "Watts");

  /* PSU says whether the PSU measured it; LuxOS's own figure otherwise,
   * still the firmware's and not a model table's. */
  if (!isnan (watts) && watts >= 0)
    {
      r->power_w = watts;
      r->power_estimated = FALSE;
    }
}

void
hf_luxos_read_config (JsonObject *config_reply,
                      JsonObject *profiles_reply,
                      HfReading  *r)
{
  JsonObject *config = hf_cgminer_section (config_reply, "CONFIG", 0);
  const char *curtail = hf_json_string (config, "CurtailMode");
  char *profile = hf_json_dup_string (config, "Profile");

  if (profile != NULL)
    {
      g_free (r->preset);
      r->preset = profile;
    }
  if (curtail != NULL && *curtail != '\0' && g_ascii_strcasecmp (curtail, "None") != 0)
    r->paused = TRUE;
  if (r->preset == NULL)
    return;
  FOR_EACH_OBJECT (profiles_reply, "PROFILES", p)
    {
      double watts = hf_json_number (p, "Watts");
      g_autofree char *name = hf_json_dup_string (p, "Profile Name");

      if (g_strcmp0 (name, r->preset) == 0 && watts > 0)
        r->power_limit_w = watts;
    }
}

HfReading *
hf_luxos_parse_reading (JsonObject  *summary_reply,
                        JsonObject  *stats_reply,
                        JsonObject  *devs_reply,
                        JsonObject  *pools_reply,
                        JsonObject  *fans_reply,
                        JsonObject  *temps_reply,
                        JsonObject  *power_reply,
                        JsonObject  *config_reply,
                        JsonObject  *profiles_reply,
                        GError     **error)
{
  g_autoptr(HfReading) r = hf_reading_new ();
  JsonObject *summary = hf_cgminer_section (summary_reply, "SUMMARY", 0);

  if (summary == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL, "summary reply has no SUMMARY");
      return NULL;
    }
  hf_cgminer_read_summary (summary, r);
  hf_luxos_read_stats (stats_reply, r);
  hf_luxos_read_config (config_reply, profiles_reply, r);
  hf_luxos_read_devs (devs_reply, r);
  if (isnan (r->power_limit_w) && r->preset != NULL && config_reply == NULL)
    hf_luxos_read_config (NULL, profiles_reply, r);
  hf_cgminer_read_pools (pools_reply, r);
  hf_luxos_read_fans (fans_reply, r);
  hf_luxos_read_temps (temps_reply, r);
  hf_luxos_read_power (power_reply, r);
  hf_reading_finish (r);
  return g_steal_pointer (&r);
}

char **
hf_luxos_profile_names (JsonObject *profiles_reply)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  guint n = 0;

  FOR_EACH_OBJECT (profiles_reply, "PROFILES", p)
    {
      /* Cleaned: the names go into messages. */
      g_autofree char *name = hf_json_dup_string (p, "Profile Name");

      if (name != NULL && n++ < 256)
        g_strv_builder_add (names, name);
    }
  return g_strv_builder_end (names);
}

char *
hf_luxos_session_id (JsonObject *reply)
{
  JsonObject *session = hf_cgminer_section (reply, "SESSION", 0);
  const char *id = hf_json_string (session, "SessionID");

  if (id == NULL || *id == '\0' || strlen (id) > 128)
    return NULL;
  /* It goes back as the first of comma-separated parameters. */
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return NULL;
  return g_strdup (id);
}

char *
hf_luxos_session_id_number (JsonObject *reply)
{
  JsonObject *session = hf_cgminer_section (reply, "SESSION", 0);
  JsonNode *id = session != NULL ? json_object_get_member (session, "SessionID") : NULL;

  if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_INT64
      || json_node_get_int (id) < 0)
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
}

gboolean
hf_luxos_has_session_id (JsonObject *reply)
{
  JsonObject *session = hf_cgminer_section (reply, "SESSION", 0);

  return session != NULL && json_object_has_member (session, "SessionID");
}

int
hf_luxos_status_code (JsonObject *reply)
{
  JsonObject *status = hf_cgminer_section (reply, "STATUS", 0);
  double code = hf_json_number (status, "Code");

  return isnan (code) || code < 0 || code > G_MAXINT ? -1 : (int) code;
}
