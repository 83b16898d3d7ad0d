/* hf-sim-fleet.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-sim-fleet.h"

/* With --static every miner reports exactly these numbers, which is what
 * the end-to-end tests assert against. */
static const SimProfile profiles[SIM_N_PROFILES] = {
  [SIM_AXEOS_GAMMA] = { SIM_AXEOS_GAMMA, "gamma", SIM_KIND_AXEOS, "Gamma",
    1100.0, 1071.0, 17.8, 58.5, 52.0, 4100, 42, 525, TRUE, FALSE },
  [SIM_AXEOS_SUPRA_OLD] = { SIM_AXEOS_SUPRA_OLD, "supra", SIM_KIND_AXEOS, "Supra",
    640.0, 625.24, 12.5, 55.25, 48.0, 3500, 35, 490, TRUE, FALSE },
  [SIM_AXEOS_ULTRA] = { SIM_AXEOS_ULTRA, "ultra", SIM_KIND_AXEOS, "Ultra",
    450.0, 433.59, 11.2, 57.0, 50.0, 3800, 40, 485, TRUE, FALSE },
  [SIM_NERDQAXE] = { SIM_NERDQAXE, "nerdqaxe", SIM_KIND_AXEOS, "NerdQAxe++",
    4800.0, 4896.0, 76.0, 60.5, 55.0, 2800, 50, 600, TRUE, FALSE },
  [SIM_ANTMINER_S19PRO] = { SIM_ANTMINER_S19PRO, "s19pro", SIM_KIND_ANTMINER,
    "Antminer S19 Pro", 109500.0, 110000.0, 0, 76.0, 66.0, 5460, NAN, 525, TRUE, TRUE },
  [SIM_ANTMINER_S9] = { SIM_ANTMINER_S9, "s9", SIM_KIND_ANTMINER, "Antminer S9",
    13500.0, 13500.0, 0, 74.0, 60.0, 6000, NAN, 650, TRUE, TRUE },
  [SIM_ANTMINER_S21] = { SIM_ANTMINER_S21, "s21", SIM_KIND_ANTMINER, "Antminer S21",
    200000.0, 200000.0, 0, 70.0, 60.0, 4800, NAN, 490, TRUE, TRUE },
  [SIM_WHATSMINER_M30S] = { SIM_WHATSMINER_M30S, "m30s", SIM_KIND_WHATSMINER, "M30S+_VE40",
    100000.0, 102000.0, 3400.0, 82.5, 68.0, 5460, NAN, 620, TRUE, TRUE },
  [SIM_WHATSMINER_M50S] = { SIM_WHATSMINER_M50S, "m50s", SIM_KIND_WHATSMINER, "M50S_VH20",
    126000.0, 128000.0, 3276.0, 80.0, 66.0, 5100, NAN, 560, TRUE, TRUE },
  [SIM_WHATSMINER_V3] = { SIM_WHATSMINER_V3, "whatsminer-v3", SIM_KIND_WHATSMINER, "M60S_VK40",
    186000.0, 184000.0, 3344.0, 84.5, 70.0, 5070, NAN, 600, TRUE, TRUE, TRUE },
  [SIM_AVALON_NANO3S] = { SIM_AVALON_NANO3S, "nano3s", SIM_KIND_AVALON, "Avalon Nano3s",
    6000.0, 6200.0, 140.0, 78.0, 45.0, 2600, 40, 500, TRUE, TRUE },
  [SIM_AVALON_NANO3] = { SIM_AVALON_NANO3, "nano3", SIM_KIND_AVALON, "Avalon Nano3",
    4000.0, 4100.0, 0, 85.0, 45.0, 3360, 43, 0, TRUE, TRUE },
  [SIM_AVALON_Q] = { SIM_AVALON_Q, "q", SIM_KIND_AVALON, "Avalon Q",
    90000.0, 90500.0, 0, 72.0, 45.0, 2800, 55, 283, TRUE, TRUE },
  [SIM_AVALON_MINI3] = { SIM_AVALON_MINI3, "mini3", SIM_KIND_AVALON, "Avalon Mini3",
    37500.0, 37800.0, 800.0, 75.0, 50.0, 3000, 50, 450, TRUE, TRUE },
  [SIM_CGMINER] = { SIM_CGMINER, "cgminer", SIM_KIND_CGMINER, "cgminer",
    50000.0, NAN, 0, NAN, NAN, NAN, NAN, NAN, FALSE, TRUE },
  [SIM_VNISH_S19JPRO] = { SIM_VNISH_S19JPRO, "vnish", SIM_KIND_VNISH, "Antminer S19J Pro",
    104000.0, 104000.0, 3250.0, 68.0, 60.0, 4920, 60, 500, TRUE, TRUE },
  [SIM_BRAIINS] = { SIM_BRAIINS, "braiins", SIM_KIND_BRAIINS, "Antminer S19j Pro",
    100000.0, 104000.0, 3050.0, 71.5, 58.0, 4800, 60, NAN, TRUE, TRUE },
  [SIM_BRAIINS_REST] = { SIM_BRAIINS_REST, "braiins-rest", SIM_KIND_BRAIINS, "Antminer S19 XP",
    140000.0, 142000.0, 3137.0, 70.5, 55.5, 5904, 100, NAN, TRUE, TRUE },
  [SIM_LUXOS] = { SIM_LUXOS, "luxos", SIM_KIND_LUXOS, "Antminer S19k Pro",
    60000.0, 61954.2, 1051.0, 66.0, 52.0, 2340, 20, 300, TRUE, TRUE },
  [SIM_DECOY_HTTP] = { SIM_DECOY_HTTP, "decoy-http", SIM_KIND_DECOY, "router",
    0, 0, 0, 0, 0, 0, 0, 0, TRUE, FALSE },
  [SIM_DECOY_JSON] = { SIM_DECOY_JSON, "decoy-json", SIM_KIND_DECOY, "json-api",
    0, 0, 0, 0, 0, 0, 0, 0, TRUE, FALSE },
  [SIM_DECOY_ECHO] = { SIM_DECOY_ECHO, "decoy-echo", SIM_KIND_DECOY, "echo",
    0, 0, 0, 0, 0, 0, 0, 0, FALSE, TRUE },
  [SIM_DECOY_HANG] = { SIM_DECOY_HANG, "decoy-hang", SIM_KIND_DECOY, "hang",
    0, 0, 0, 0, 0, 0, 0, 0, TRUE, TRUE },
};

static const char *fault_names[SIM_N_FAULTS] = {
  "none", "refuse", "hang", "slow", "garbage", "oversize", "truncated", "quirk",
  "trickle", "huge-json", "bad-utf8", "bad-numbers", "wrong-types", "deep",
  "deep-comment", "deep-quote", "reset", "redirect",
};

const SimProfile *
sim_profile_lookup (const char *name)
{
  for (guint i = 0; i < SIM_N_PROFILES; i++)
    if (g_ascii_strcasecmp (profiles[i].name, name) == 0)
      return &profiles[i];
  return NULL;
}

const SimProfile *
sim_profile_get (SimProfileId id)
{
  g_return_val_if_fail (id < SIM_N_PROFILES, NULL);
  return &profiles[id];
}

const char *
sim_fault_to_string (SimFault fault)
{
  return fault < SIM_N_FAULTS ? fault_names[fault] : "none";
}

gboolean
sim_fault_parse (const char *name,
                 SimFault   *fault)
{
  for (guint i = 0; i < SIM_N_FAULTS; i++)
    if (g_ascii_strcasecmp (fault_names[i], name) == 0)
      {
        *fault = (SimFault) i;
        return TRUE;
      }
  return FALSE;
}

static void
sim_miner_free (gpointer data)
{
  SimMiner *m = data;

  g_free (m->ip);
  g_free (m->mac);
  g_free (m->hostname);
  g_free (m->asic_json);
  g_free (m->fw_version);
  g_free (m->ota_fail);
  g_free (m->serial);
  g_free (m->password);
  g_free (m->web_user);
  g_free (m->web_password);
  g_free (m->pool_url);
  g_free (m->token_time);
  g_free (m->token_salt);
  g_free (m->token_newsalt);
  g_free (m->super_password);
  g_free (m->wm3_salt);
  g_free (m->wm3_power_mode);
  g_free (m->wm3_pool_url);
  g_free (m->wm3_pool_user);
  g_free (m->rest_token);
  g_free (m->lux_session);
  g_free (m->lux_profile);
  g_free (m->lux_refuse);
  g_free (m->lux_sid_form);
  g_free (m->lux_extra_profile);
  g_free (m);
}

SimFleet *
sim_fleet_new (void)
{
  SimFleet *fleet = g_new0 (SimFleet, 1);

  fleet->miners = g_ptr_array_new_with_free_func (sim_miner_free);
  fleet->by_ip = g_hash_table_new (g_str_hash, g_str_equal);
  fleet->http_port = 18080;
  fleet->cgminer_port = 14028;
  fleet->whatsminer_v3_port = 14433;
  fleet->slow_ms = 2500;
  fleet->restart_s = 3;
  fleet->started = g_get_monotonic_time ();
  fleet->ambient_c = 25.0;
  fleet->thermal_tau_s = 30.0;
  fleet->physics_spread = TRUE;
  return fleet;
}

void
sim_fleet_free (SimFleet *fleet)
{
  g_hash_table_unref (fleet->by_ip);
  g_ptr_array_unref (fleet->miners);
  g_free (fleet);
}

SimMiner *
sim_fleet_add (SimFleet         *fleet,
               const char       *ip,
               const SimProfile *profile,
               SimFault          fault)
{
  SimMiner *m = g_new0 (SimMiner, 1);
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (ip);
  const guint8 *b = inet ? g_inet_address_to_bytes (inet) : NULL;
  guint32 tail = b ? ((guint32) b[1] << 16 | (guint32) b[2] << 8 | b[3]) : fleet->miners->len;

  m->ip = g_strdup (ip);
  m->index = fleet->miners->len;
  m->profile = profile;
  m->fault = fault;
  /* A MAC derived from the address: stable across runs, unique per miner. */
  m->mac = g_strdup_printf ("02:48:46:%02X:%02X:%02X", (tail >> 16) & 0xff,
                            (tail >> 8) & 0xff, tail & 0xff);
  m->hostname = g_strdup_printf ("%s-%u", profile->name, m->index + 1);
  m->serial = g_strdup_printf ("HF%08X%04u", tail, m->index);
  m->password = g_strdup ("admin");
  m->super_password = g_strdup ("super");
  m->api_writes = TRUE;
  /* 8 characters, like the firmware's; stable per miner. */
  m->wm3_salt = g_strdup_printf ("s%07X", (tail * 2654435761u) & 0xfffffff);
  m->wm3_power_limit = 3500;
  m->wm3_power_mode = g_strdup ("normal");
  m->web_user = g_strdup ("root");
  /* VNish's factory web password is "admin". */
  m->web_password = g_strdup (profile->kind == SIM_KIND_VNISH ? "admin" : "root");
  m->boot_time = g_get_real_time () - (gint64) (3600 + 37 * m->index) * G_USEC_PER_SEC;
  m->phase = (m->index * 0.618033) * 2 * G_PI;
  m->hashrate = NAN;
  m->pool_difficulty = NAN;
  m->power = NAN;
  m->blocks_from = g_get_monotonic_time ();
  m->ambient_c = fleet->ambient_c;
  m->thermal_tau_s = fleet->thermal_tau_s;
  m->physics_spread = fleet->physics_spread;
  m->control_fan = NAN;

  g_ptr_array_add (fleet->miners, m);
  g_hash_table_insert (fleet->by_ip, m->ip, m);
  return m;
}

SimMiner *
sim_fleet_lookup (SimFleet   *fleet,
                  const char *ip)
{
  return g_hash_table_lookup (fleet->by_ip, ip);
}

SimFault
sim_miner_fault (SimFleet *fleet,
                 SimMiner *miner)
{
  if (fleet->fault_delay_s > 0
      && g_get_monotonic_time () < fleet->started + (gint64) fleet->fault_delay_s * G_USEC_PER_SEC)
    return SIM_FAULT_NONE;
  return miner->fault;
}

gboolean
sim_miner_restarting (SimMiner *miner)
{
  return miner->offline_until != 0 && g_get_monotonic_time () < miner->offline_until;
}

void
sim_miner_restart (SimFleet *fleet,
                   SimMiner *miner)
{
  miner->restarts++;
  miner->offline_until = g_get_monotonic_time () + (gint64) fleet->restart_s * G_USEC_PER_SEC;
  miner->boot_time = g_get_real_time () + (gint64) fleet->restart_s * G_USEC_PER_SEC;
  /* The firmware forgets its found blocks at a reboot. */
  miner->blocks_from = miner->offline_until;
  sim_event ("restart", miner, NULL);
}

double
sim_miner_value (SimFleet *fleet,
                 SimMiner *miner,
                 double    base,
                 double    amplitude)
{
  double t;

  if (fleet->is_static || isnan (base))
    return base;
  t = g_get_real_time () / (double) G_USEC_PER_SEC;
  return base * (1.0 + amplitude * sin (t / 45.0 + miner->phase));
}

double
sim_miner_uptime (SimMiner *miner)
{
  gint64 up = g_get_real_time () - miner->boot_time;
  return up > 0 ? (double) (up / G_USEC_PER_SEC) : 0.0;
}

double
sim_miner_base_hashrate (SimMiner *miner)
{
  return isnan (miner->hashrate) ? miner->profile->hashrate_ghs : miner->hashrate;
}

guint
sim_miner_found_blocks (SimMiner *miner)
{
  gint64 now = g_get_monotonic_time ();
  guint blocks = miner->restarts == 0 ? miner->found_blocks : 0;

  if (miner->block_every_s > 0 && now > miner->blocks_from)
    blocks += (guint) ((now - miner->blocks_from) / ((gint64) miner->block_every_s * G_USEC_PER_SEC));
  return blocks;
}

gboolean
sim_miner_set_key (SimMiner    *miner,
                   const char  *key,
                   const char  *value,
                   gboolean    *known,
                   GError     **error)
{
  static const struct { const char *key; gsize offset; } flags[] = {
    { "paused", G_STRUCT_OFFSET (SimMiner, paused) },
    { "overheat", G_STRUCT_OFFSET (SimMiner, overheat) },
    { "power-fault", G_STRUCT_OFFSET (SimMiner, power_fault) },
    { "fallback", G_STRUCT_OFFSET (SimMiner, fallback) },
    { "no-shares", G_STRUCT_OFFSET (SimMiner, no_shares) },
    { "power-lies", G_STRUCT_OFFSET (SimMiner, power_lies) },
  };
  double number;
  char *end = NULL;

  *known = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (g_str_equal (key, flags[i].key))
      {
        gboolean *field = G_STRUCT_MEMBER_P (miner, flags[i].offset);

        if (g_strcmp0 (value, "true") != 0 && g_strcmp0 (value, "false") != 0)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "%s is true or false, not '%s'", key, value);
            return FALSE;
          }
        *field = g_str_equal (value, "true");
        return TRUE;
      }
  if (g_str_equal (key, "physics-spread"))
    {
      if (g_strcmp0 (value, "true") != 0 && g_strcmp0 (value, "false") != 0
          && g_strcmp0 (value, "0") != 0 && g_strcmp0 (value, "1") != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%s is true or false, not '%s'", key, value ? value : "");
          return FALSE;
        }
      miner->physics_spread = g_str_equal (value, "true") || g_str_equal (value, "1");
      return TRUE;
    }
  if (g_str_equal (key, "ambient") || g_str_equal (key, "thermal-tau"))
    {
      number = value != NULL ? g_ascii_strtod (value, &end) : NAN;
      if (end == value || (end != NULL && *end != '\0') || !(number >= -40) || number > 100
          || (g_str_equal (key, "thermal-tau") && !(number > 0)))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%s is a number (ambient -40…100 °C, thermal-tau 0…100 s), not '%s'",
                       key, value ? value : "");
          return FALSE;
        }
      if (g_str_equal (key, "ambient"))
        miner->ambient_c = number;
      else
        miner->thermal_tau_s = number;
      return TRUE;
    }
  if (g_str_equal (key, "firmware-version"))
    {
      if (value == NULL || value[0] == '\0' || strlen (value) > 31)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "firmware-version is 1–31 characters");
          return FALSE;
        }
      g_free (miner->fw_version);
      miner->fw_version = g_strdup (value);
      return TRUE;
    }
  if (g_str_equal (key, "ota-delay"))
    {
      guint64 n = 0;

      if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, 600000, &n, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "ota-delay is milliseconds, 0–600000");
          return FALSE;
        }
      miner->ota_delay_ms = (guint) n;
      return TRUE;
    }
  if (g_str_equal (key, "mac-change-after"))
    {
      guint64 n = 0;

      if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 1000000, &n, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "mac-change-after is a count of requests, 1–1000000");
          return FALSE;
        }
      miner->mac_change_after = (guint) n;
      return TRUE;
    }
  if (g_str_equal (key, "ota-fail"))
    {
      if (g_strcmp0 (value, "validation") != 0 && g_strcmp0 (value, "write") != 0
          && g_strcmp0 (value, "rollback") != 0 && g_strcmp0 (value, "hang") != 0
          && g_strcmp0 (value, "escape") != 0 && g_strcmp0 (value, "no-reboot") != 0
          && g_strcmp0 (value, "none") != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "ota-fail is validation, write, rollback, hang, escape, no-reboot or none, "
                       "not '%s'",
                       value ? value : "");
          return FALSE;
        }
      g_free (miner->ota_fail);
      miner->ota_fail = g_str_equal (value, "none") ? NULL : g_strdup (value);
      return TRUE;
    }
  if (!g_str_equal (key, "hashrate") && !g_str_equal (key, "pool-difficulty")
      && !g_str_equal (key, "found-blocks") && !g_str_equal (key, "block-every")
      && !g_str_equal (key, "power"))
    {
      *known = FALSE;
      return TRUE;
    }
  number = value != NULL ? g_ascii_strtod (value, &end) : NAN;
  if (end == value || (end != NULL && *end != '\0') || !(number >= 0) || number > 1e15)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s is a number of at least 0, not '%s'", key, value ? value : "");
      return FALSE;
    }
  if (g_str_equal (key, "hashrate"))
    miner->hashrate = number;
  else if (g_str_equal (key, "pool-difficulty"))
    miner->pool_difficulty = number;
  else if (g_str_equal (key, "found-blocks"))
    miner->found_blocks = (guint) MIN (number, 1e6);
  else if (g_str_equal (key, "power"))
    miner->power = number;
  else
    miner->block_every_s = (guint) MIN (number, 86400.0 * 365);
  return TRUE;
}

static gboolean
control_number (JsonObject  *object,
                const char  *member,
                double       lo,
                double       hi,
                double      *out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (json_node_get_value_type (node) != G_TYPE_INT64
      && json_node_get_value_type (node) != G_TYPE_DOUBLE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a number", member);
      return FALSE;
    }
  *out = json_node_get_double (node);
  if (!(*out >= lo && *out <= hi))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is out of %g…%g", member,
                   lo, hi);
      return FALSE;
    }
  return TRUE;
}

gboolean
sim_miner_control (SimMiner    *miner,
                   const char  *json,
                   gsize        len,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  double ambient = miner->ambient_c, tau = miner->thermal_tau_s, fan = miner->control_fan;
  static const char * const known[] = { "ambient_c", "thermal_tau", "fan_percent" };
  g_autoptr(GList) members = NULL;

  if (json == NULL || len == 0 || len > 4096
      || !json_parser_load_from_data (parser, json, (gssize) len, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "empty or oversized body");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a JSON object");
      return FALSE;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "unknown knob '%s' (ambient_c, thermal_tau, fan_percent)",
                     (const char *) l->data);
        return FALSE;
      }
  if (!control_number (object, "ambient_c", -40, 100, &ambient, error)
      || !control_number (object, "thermal_tau", 0.001, 100, &tau, error)
      || !control_number (object, "fan_percent", 0, 100, &fan, error))
    return FALSE;
  if (isnan (ambient) || isnan (tau))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "ambient_c and thermal_tau cannot be null");
      return FALSE;
    }
  miner->ambient_c = ambient;
  miner->thermal_tau_s = tau;
  miner->control_fan = fan;
  return TRUE;
}

gboolean
sim_miner_set_state (SimMiner    *miner,
                     const char  *name,
                     GError     **error)
{
  gboolean known = FALSE;

  if (g_str_equal (name, "zero-hashrate"))
    return sim_miner_set_key (miner, "hashrate", "0", &known, error);
  if (g_str_equal (name, "hashrate") || g_str_equal (name, "pool-difficulty")
      || g_str_equal (name, "found-blocks") || g_str_equal (name, "block-every")
      || !sim_miner_set_key (miner, name, "true", &known, NULL) || !known)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "unknown state '%s' (paused, overheat, power-fault, fallback, no-shares, "
                   "zero-hashrate)", name);
      return FALSE;
    }
  return TRUE;
}

guint
sim_miner_delay_ms (SimFleet *fleet,
                    SimMiner *miner)
{
  if (sim_miner_fault (fleet, miner) == SIM_FAULT_SLOW)
    return fleet->slow_ms;
  if (fleet->latency_max_ms == 0)
    return 0;
  return (guint) g_random_int_range ((gint32) fleet->latency_min_ms,
                                     (gint32) fleet->latency_max_ms + 1);
}

char *
sim_miner_describe (SimMiner *miner)
{
  return g_strdup_printf ("{\"event\":\"miner\",\"ip\":\"%s\",\"profile\":\"%s\","
                          "\"model\":\"%s\",\"fault\":\"%s\",\"mac\":\"%s\","
                          "\"hostname\":\"%s\"}",
                          miner->ip, miner->profile->name, miner->profile->model,
                          sim_fault_to_string (miner->fault), miner->mac, miner->hostname);
}

void
sim_event (const char *event,
           SimMiner   *miner,
           const char *detail)
{
  if (miner != NULL)
    g_print ("{\"event\":\"%s\",\"ip\":\"%s\",\"profile\":\"%s\"%s%s%s}\n", event, miner->ip,
             miner->profile->name, detail ? ",\"detail\":\"" : "", detail ? detail : "",
             detail ? "\"" : "");
  else
    g_print ("{\"event\":\"%s\"%s%s%s}\n", event, detail ? "," : "", detail ? detail : "", "");
  fflush (stdout);
}
