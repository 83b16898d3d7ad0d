/* hf-sim-settings.c
 * SPDX-License-Identifier: MIT
 *
 * Only what the AxeOS firmware itself checks is refused: wrong JSON types
 * and values outside the schema's bounds.  A frequency the model does not
 * list is taken, as the firmware does; keeping users inside the model's
 * options is Hashfleet's job, and the tests check it does.
 */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-sim-physics.h"
#include "hf-sim-settings.h"

typedef enum { INT, STR, BOOL } Kind;

static const struct
{
  const char *key;
  Kind        kind;
  gint64      min;
  gint64      max;
} keys[] = {
  { "frequency", INT, 1, 2000 },
  { "coreVoltage", INT, 1, 2000 },
  { "overclockEnabled", BOOL, 0, 1 },
  { "autofanspeed", BOOL, 0, 1 },
  { "fanspeed", INT, 0, 100 },
  { "temptarget", INT, 0, 100 },
  { "stratumPort", INT, 1, 65535 },
  { "fallbackStratumPort", INT, 1, 65535 },
  { "hostname", STR, 0, 0 },
  { "stratumURL", STR, 0, 0 },
  { "stratumUser", STR, 0, 0 },
  { "stratumPassword", STR, 0, 0 },
  { "fallbackStratumURL", STR, 0, 0 },
  { "fallbackStratumUser", STR, 0, 0 },
  { "fallbackStratumPassword", STR, 0, 0 },
};

/* The firmware's TYPE_BOOL: true, false or a number in 0…1 (its web UI
 * sends `autofanspeed: true`, Hashfleet 1). */
static gboolean
valid_bool (JsonNode *n)
{
  GType type = json_node_get_value_type (n);

  return type == G_TYPE_BOOLEAN
         || ((type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
             && json_node_get_double (n) >= 0 && json_node_get_double (n) < 2);
}

static char *
refusal (const char *key)
{
  return g_strdup_printf ("{\"error\":\"invalid value for %s\"}", key);
}

gboolean
sim_axeos_patch (SimMiner    *m,
                 const char  *body,
                 gsize        len,
                 char       **error_text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  if (!json_parser_load_from_data (parser, body, (gssize) len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      *error_text = g_strdup ("{\"error\":\"invalid JSON\"}");
      return FALSE;
    }
  o = json_node_get_object (json_parser_get_root (parser));

  /* Check everything first: a refused request changes nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      JsonNode *n = json_object_get_member (o, keys[i].key);

      if (n == NULL)
        continue;
      if (!JSON_NODE_HOLDS_VALUE (n)
          || (keys[i].kind == STR && json_node_get_value_type (n) != G_TYPE_STRING)
          || (keys[i].kind == BOOL && !valid_bool (n))
          || (keys[i].kind == INT && (json_node_get_value_type (n) != G_TYPE_INT64
                                      || json_node_get_int (n) < keys[i].min
                                      || json_node_get_int (n) > keys[i].max)))
        {
          *error_text = refusal (keys[i].key);
          return FALSE;
        }
    }
  /* A model that answers "ok" and keeps its own values. */
  if (m->ignore_writes)
    return TRUE;

  if (json_object_has_member (o, "frequency"))
    m->set_frequency = (guint) json_object_get_int_member (o, "frequency");
  if (json_object_has_member (o, "coreVoltage"))
    m->set_voltage = (guint) json_object_get_int_member (o, "coreVoltage");
  if (json_object_has_member (o, "autofanspeed"))
    {
      m->fan_set = TRUE;
      m->set_autofan = json_object_get_int_member (o, "autofanspeed") != 0;
    }
  if (json_object_has_member (o, "fanspeed"))
    {
      m->fan_set = TRUE;
      m->set_fanspeed = (guint) json_object_get_int_member (o, "fanspeed");
    }
  if (json_object_has_member (o, "temptarget"))
    m->set_temptarget = (guint) json_object_get_int_member (o, "temptarget");
  if (json_object_has_member (o, "hostname"))
    {
      g_free (m->hostname);
      m->hostname = g_strdup (json_object_get_string_member (o, "hostname"));
    }
  if (json_object_has_member (o, "stratumURL"))
    {
      g_free (m->set_pool_host);
      m->set_pool_host = g_strdup (json_object_get_string_member (o, "stratumURL"));
    }
  if (json_object_has_member (o, "stratumPort"))
    m->set_pool_port = (guint) json_object_get_int_member (o, "stratumPort");
  if (json_object_has_member (o, "stratumUser"))
    {
      g_free (m->set_pool_user);
      m->set_pool_user = g_strdup (json_object_get_string_member (o, "stratumUser"));
    }
  return TRUE;
}

static void
scale (JsonObject *o,
       const char *key,
       double      factor)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n != NULL && JSON_NODE_HOLDS_VALUE (n)
      && (json_node_get_value_type (n) == G_TYPE_DOUBLE
          || json_node_get_value_type (n) == G_TYPE_INT64))
    json_object_set_double_member (o, key, json_node_get_double (n) * factor);
}

#define PAUSED_POWER 0.15     /* a paused AxeOS miner draws this share */

static double
number (JsonObject *o,
        const char *key)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n != NULL && JSON_NODE_HOLDS_VALUE (n)
      && (json_node_get_value_type (n) == G_TYPE_DOUBLE
          || json_node_get_value_type (n) == G_TYPE_INT64))
    return json_node_get_double (n);
  return NAN;
}

/* A member the reply has, as the type it has: an integer stays one. */
static void
set_number (JsonObject *o,
            const char *key,
            double      value)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || isnan (value))
    return;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    json_object_set_int_member (o, key, (gint64) round (value));
  else if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
    json_object_set_double_member (o, key, value);
}

char *
sim_axeos_apply_overrides (SimFleet *fleet,
                           SimMiner *m,
                           char     *info_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *owned = info_json;
  static const char *rates[] = { "hashRate", "hashRate_1m", "hashRate_10m", "hashRate_1h" };
  JsonObject *o;
  double factor = 1;

  /* The replies as written already say an untouched miner hashes on its
   * first pool with no block found: most polls need no rewrite. */
  if (m->set_frequency == 0 && m->set_voltage == 0 && !m->fan_set && m->set_temptarget == 0
      && m->set_pool_host == NULL && m->set_pool_user == NULL && !m->paused && !m->overheat
      && !m->power_fault && !m->fallback && sim_miner_found_blocks (m) == 0 && isnan (m->power)
      && sim_physics_nominal (m))
    return g_steal_pointer (&owned);
  if (!json_parser_load_from_data (parser, owned, -1, NULL))
    return g_steal_pointer (&owned);
  o = json_node_get_object (json_parser_get_root (parser));

  /* What the miner is doing, in the keys its firmware has (miningPaused
   * since AxeOS 2.14, blockFound since 2.11, NerdOS's own spellings). */
  if (json_object_has_member (o, "miningPaused"))
    json_object_set_boolean_member (o, "miningPaused", m->paused);
  if (json_object_has_member (o, "overheat_mode"))
    json_object_set_int_member (o, "overheat_mode", m->overheat ? 1 : 0);
  if (m->power_fault)
    json_object_set_string_member (o, "power_fault", "VCORE: input undervoltage");
  if (json_object_has_member (o, "isUsingFallbackStratum"))
    json_object_set_int_member (o, "isUsingFallbackStratum", m->fallback ? 1 : 0);
  if (json_object_has_member (o, "stratum"))
    json_object_set_boolean_member (json_object_get_object_member (o, "stratum"),
                                    "usingFallback", m->fallback);
  if (json_object_has_member (o, "blockFound"))
    json_object_set_int_member (o, "blockFound", sim_miner_found_blocks (m));
  if (json_object_has_member (o, "foundBlocks"))
    json_object_set_int_member (o, "foundBlocks", sim_miner_found_blocks (m));

  /* Hashrate, power, errors and temperatures: the physical model. */
  if (sim_physics_applies (m))
    {
      SimPhysics now;
      double reported_power, old_power = number (o, "power");

      sim_physics_now (fleet, m, &now);
      if (m->set_frequency != 0)
        json_object_set_int_member (o, "frequency", m->set_frequency);
      for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
        set_number (o, rates[i], now.hashrate_ghs);
      set_number (o, "expectedHashrate", now.expected_ghs);
      set_number (o, "errorPercentage", now.error_percent);
      set_number (o, "coreVoltageActual", now.voltage_actual);
      set_number (o, "temp", now.chip_temp_c);
      set_number (o, "vrTemp", now.vr_temp_c);
      reported_power = m->paused && !m->power_lies ? PAUSED_POWER * now.power_w : now.power_w;
      set_number (o, "power", reported_power);
      /* The input current follows the power at the board's own voltage. */
      if (old_power > 0)
        set_number (o, "current", number (o, "current") * reported_power / old_power);
      if (!isnan (m->control_fan))
        set_number (o, "fanspeed", m->control_fan);
      if (m->profile->fan_percent > 0)
        set_number (o, "fanrpm", number (o, "fanrpm") * now.fan_percent / m->profile->fan_percent);
    }
  else
    {
      /* Hashrate follows the frequency; power roughly too. */
      if (m->set_frequency != 0 && m->profile->frequency > 0)
        {
          factor = m->set_frequency / m->profile->frequency;
          json_object_set_int_member (o, "frequency", m->set_frequency);
        }
      if (m->paused)
        factor = 0;
      for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
        scale (o, rates[i], factor);
      if (!isnan (m->power) && json_object_has_member (o, "power"))
        json_object_set_double_member (o, "power", m->power);
      scale (o, "power", m->paused && !m->power_lies ? PAUSED_POWER : m->power_lies ? 1 : factor);
    }
  if (m->set_voltage != 0)
    json_object_set_int_member (o, "coreVoltage", m->set_voltage);
  if (m->fan_set)
    {
      json_object_set_int_member (o, "autofanspeed", m->set_autofan ? 1 : 0);
      if (!m->set_autofan)
        json_object_set_int_member (o, "fanspeed", m->set_fanspeed);
    }
  if (m->set_temptarget != 0)
    json_object_set_int_member (o, "temptarget", m->set_temptarget);
  if (m->set_pool_host != NULL)
    json_object_set_string_member (o, "stratumURL", m->set_pool_host);
  if (m->set_pool_port != 0)
    json_object_set_int_member (o, "stratumPort", m->set_pool_port);
  if (m->set_pool_user != NULL)
    json_object_set_string_member (o, "stratumUser", m->set_pool_user);

  generator = json_generator_new ();
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

double
sim_miner_rate_factor (SimMiner *m)
{
  if (m->paused)
    return 0;
  return m->workmode_set ? sim_physics_mode_hashrate (m->workmode) : 1.0;
}

static char *
avalon_status (const char *status,
               int         code,
               const char *msg)
{
  return g_strdup_printf ("{\"STATUS\":[{\"STATUS\":\"%s\",\"When\":0,\"Code\":%d,"
                          "\"Msg\":\"%s\",\"Description\":\"cgminer 4.11.1\"}],\"id\":1}",
                          status, code, msg);
}

char *
sim_avalon_ascset (SimMiner   *m,
                   const char *parameter)
{
  g_auto(GStrv) p = g_strsplit (parameter ? parameter : "", ",", -1);
  guint n = g_strv_length (p);
  gint64 v = 0;

  if (n < 2 || !g_str_equal (p[0], "0"))
    return NULL;
  if (g_str_equal (p[1], "workmode") && n == 4 && g_str_equal (p[2], "set")
      && g_ascii_string_to_signed (p[3], 10, 0, 2, &v, NULL))
    {
      m->workmode_set = TRUE;
      m->workmode = (int) v;
      return avalon_status ("I", 118, "ASC 0 set info: workmode");
    }
  if (g_str_equal (p[1], "fan-spd") && n == 3)
    {
      if (g_str_equal (p[2], "-1"))
        {
          m->fan_set = TRUE;
          m->set_autofan = TRUE;
          return avalon_status ("I", 118, "ASC 0 set info: fan auto");
        }
      if (g_ascii_string_to_signed (p[2], 10, 15, 100, &v, NULL))
        {
          m->fan_set = TRUE;
          m->set_autofan = FALSE;
          m->set_fanspeed = (guint) v;
          return avalon_status ("I", 118, "ASC 0 set info: fan-spd");
        }
      return avalon_status ("E", 120, "ASC 0 set failed: fan-spd out of range");
    }
  if (g_str_equal (p[1], "target-temp") && n == 3
      && g_ascii_string_to_signed (p[2], 10, 0, 100, &v, NULL))
    {
      m->set_temptarget = (guint) v;
      return avalon_status ("I", 118, "ASC 0 set info: target-temp");
    }
  if (g_str_equal (p[1], "led") && n == 3)
    {
      m->led = g_str_equal (p[2], "1-1");
      if (m->led)
        sim_event ("identify", m, NULL);
      return avalon_status ("I", 118, "ASC 0 set info: led");
    }
  if ((g_str_equal (p[1], "softoff") || g_str_equal (p[1], "softon")) && n == 3
      && g_str_has_prefix (p[2], "1:"))
    {
      gboolean off = g_str_equal (p[1], "softoff");

      if (!m->ignore_writes)
        m->paused = off;
      sim_event (off ? "pause" : "resume", m, NULL);
      return avalon_status ("I", 118, "ASC 0 set info: soft");
    }
  return NULL;
}

static void
replace_field (GString    *s,
               const char *field,      /* "WORKMODE[" */
               const char *value)
{
  char *at = strstr (s->str, field);
  char *end;

  if (at == NULL || (end = strchr (at, ']')) == NULL)
    return;
  {
    gssize pos = at - s->str + (gssize) strlen (field);
    g_string_erase (s, pos, end - (at + strlen (field)));
    g_string_insert (s, pos, value);
  }
}

char *
sim_avalon_apply_overrides (SimMiner *m,
                            char     *reply)
{
  GString *s = g_string_new (reply);
  g_autofree char *text = NULL;

  if (m->workmode_set)
    {
      text = g_strdup_printf ("%d", m->workmode);
      replace_field (s, "WORKMODE[", text);
      g_clear_pointer (&text, g_free);
    }
  if (!isnan (m->control_fan))
    {
      text = g_strdup_printf ("%.0f%%", m->control_fan);
      replace_field (s, "FanR[", text);
      g_clear_pointer (&text, g_free);
    }
  else if (m->fan_set && !m->set_autofan)
    {
      text = g_strdup_printf ("%u%%", m->set_fanspeed);
      replace_field (s, "FanR[", text);
      g_clear_pointer (&text, g_free);
    }
  if (m->set_temptarget != 0)
    {
      text = g_strdup_printf ("%u", m->set_temptarget);
      replace_field (s, "TarT[", text);
      g_clear_pointer (&text, g_free);
    }
  replace_field (s, "SoftOFF[", m->paused ? "1" : "0");
  g_free (reply);
  return g_string_free (s, FALSE);
}

char *
sim_antminer_conf (SimMiner *m)
{
  return g_strdup_printf (
    "{\"pools\":[{\"url\":\"%s\",\"user\":\"%s\",\"pass\":\"x\"},"
    "{\"url\":\"stratum+tcp://backup.example.org:3333\",\"user\":\"bc1qexample.%s\",\"pass\":\"x\"},"
    "{\"url\":\"\",\"user\":\"\",\"pass\":\"\"}],"
    "\"api-listen\":true,\"api-network\":true,\"api-groups\":\"A:stats:pools:devs:summary:version\","
    "\"api-allow\":\"A:0/0,W:*\",\"bitmain-fan-ctrl\":%s,\"bitmain-fan-pwm\":\"%u\","
    "\"bitmain-use-vil\":true,\"bitmain-freq\":\"\",\"bitmain-voltage\":\"1320\","
    "\"bitmain-ccdelay\":\"0\",\"bitmain-pwth\":\"0\",\"bitmain-work-mode\":\"0\","
    "\"bitmain-freq-level\":\"100\",\"miner-mode\":\"%d\"}",
    m->set_pool_host ? m->set_pool_host : "stratum+tcp://pool.example.org:3333",
    m->set_pool_user ? m->set_pool_user : "", m->hostname,
    m->fan_set && !m->set_autofan ? "true" : "false",
    m->fan_set && !m->set_autofan ? m->set_fanspeed : 100, m->paused ? 1 : 0);
}

gboolean
sim_antminer_set_conf (SimMiner   *m,
                       const char *body,
                       gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonArray *pools;
  JsonNode *mode;

  if (!json_parser_load_from_data (parser, body, (gssize) len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  o = json_node_get_object (json_parser_get_root (parser));
  /* The firmware takes the whole configuration: it must be one. */
  if (!json_object_has_member (o, "pools") || !json_object_has_member (o, "bitmain-fan-ctrl")
      || (pools = json_object_get_array_member (o, "pools")) == NULL
      || json_array_get_length (pools) == 0)
    return FALSE;
  {
    JsonObject *first = json_array_get_object_element (pools, 0);
    g_free (m->set_pool_host);
    m->set_pool_host = g_strdup (json_object_get_string_member_with_default (first, "url", ""));
    g_free (m->set_pool_user);
    m->set_pool_user = g_strdup (json_object_get_string_member_with_default (first, "user", ""));
  }
  m->fan_set = TRUE;
  m->set_autofan = !json_object_get_boolean_member_with_default (o, "bitmain-fan-ctrl", FALSE);
  m->set_fanspeed = (guint) g_ascii_strtoull (
    json_object_get_string_member_with_default (o, "bitmain-fan-pwm", "100"), NULL, 10);
  mode = json_object_get_member (o, "miner-mode");
  if (mode != NULL && JSON_NODE_HOLDS_VALUE (mode))
    m->paused = (json_node_get_value_type (mode) == G_TYPE_STRING
                 ? g_ascii_strtoll (json_node_get_string (mode), NULL, 10)
                 : json_node_get_int (mode)) == 1;
  return TRUE;
}
