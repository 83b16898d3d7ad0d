/* hf-sim-braiins.c — Braiins OS: port 4028 and the REST API of 25.07
 * SPDX-License-Identifier: MIT
 *
 * Reply shapes as in the real captures (fixtures/real/braiins-*):
 * "braiins" is bosminer-plus 0.6 (BOSminer key, pause/resume on 4028, no
 * REST API); "braiins-rest" is BOSer on Braiins OS+ 25.07, whose HTTP port
 * serves /api/v1 with a login token (user root, password web-password,
 * root by default).  Neither has a reboot on 4028.
 */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-sim-braiins.h"
#include "hf-sim-replies.h"
#include "hf-sim-settings.h"

#define V(base, amp) sim_miner_value (fleet, miner, (base), (amp))

#define DEFAULT_POWER_TARGET 3100

static gboolean
is_boser (SimMiner *miner)
{
  return miner->profile->id == SIM_BRAIINS_REST;
}

static const char *
description (SimMiner *miner)
{
  return is_boser (miner) ? "BOSer boser-buildroot 0.1.0-45f356ea"
                          : "BOSminer bosminer-plus-am2-s17 0.6.0-fe72abe5";
}

static guint
power_target (SimMiner *miner)
{
  return miner->power_target ? miner->power_target : DEFAULT_POWER_TARGET;
}

/* What the miner draws: its profile's, scaled to a lower target; 0 paused. */
static double
power_now (SimFleet *fleet,
           SimMiner *miner)
{
  double base = isnan (miner->power) ? miner->profile->power_w : miner->power;

  if (miner->paused)
    return 0;
  if (miner->power_target != 0 && miner->power_target < base)
    base = miner->power_target;
  return V (base, 0.01);
}

static char *
reply (SimMiner   *miner,
       int         code,
       const char *msg,
       const char *body)
{
  g_autofree char *status = sim_status_json ("S", code, msg, description (miner));
  return g_strdup_printf ("{%s,%s,\"id\":1}", status, body);
}

static char *
version (SimMiner *miner)
{
  return reply (miner, 22, is_boser (miner) ? "BOSer versions" : "BOSminer versions",
                is_boser (miner)
                ? "\"VERSION\":[{\"API\":\"3.7\",\"BOSer\":\"boser-buildroot 0.1.0-45f356ea\"}]"
                : "\"VERSION\":[{\"API\":\"3.7\",\"BOSminer\":\"bosminer-plus-am2-s17 0.6.0-fe72abe5\"}]");
}

static char *
devdetails (SimMiner *miner)
{
  GString *s = g_string_new ("\"DEVDETAILS\":[");

  for (guint i = 0; i < 3; i++)
    g_string_append_printf (s, "%s{\"DEVDETAILS\":%u,\"Name\":\"Hash Chain %u\",\"ID\":%u,"
                            "\"Driver\":\"\",\"Kernel\":\"\",\"Model\":\"Bitmain %s\","
                            "\"Device Path\":\"\",\"Chips\":126,\"Cores\":%u,"
                            "\"Frequency\":%u,\"Voltage\":13.2}",
                            i ? "," : "", i, i + 6, i + 6, miner->profile->model, 126 * 792,
                            525000000 + i * 1000000);
  g_string_append (s, "]");
  {
    g_autofree char *body = g_string_free (s, FALSE);
    return reply (miner, 69, "Device Details", body);
  }
}

static char *
devs (SimFleet *fleet,
      SimMiner *miner)
{
  double h = V (sim_miner_base_hashrate (miner), 0.02) * sim_miner_rate_factor (miner) * 1e3 / 3;
  double nominal = miner->profile->expected_ghs * 1e3 / 3;
  GString *s = g_string_new ("\"DEVS\":[");

  for (guint i = 0; i < 3; i++)
    g_string_append_printf (s, "%s{\"ASC\":%u,\"Name\":\"\",\"ID\":%u,\"Enabled\":\"Y\","
                            "\"Status\":\"Alive\",\"MHS av\":%.2f,\"MHS 5s\":%.2f,"
                            "\"MHS 1m\":%.2f,\"MHS 5m\":%.2f,\"MHS 15m\":%.2f,"
                            "\"Nominal MHS\":%.4f,\"Accepted\":100,\"Rejected\":0,"
                            "\"Hardware Errors\":0}",
                            i ? "," : "", i, i + 6, h, h, h, h, h, nominal);
  g_string_append (s, "]");
  {
    g_autofree char *body = g_string_free (s, FALSE);
    return reply (miner, 9, "3 ASC(s)", body);
  }
}

static char *
temps (SimFleet *fleet,
       SimMiner *miner)
{
  const SimProfile *p = miner->profile;
  GString *s = g_string_new ("\"TEMPS\":[");

  /* The hottest chain reads the profile's numbers; the others a little less. */
  for (guint i = 0; i < 3; i++)
    g_string_append_printf (s, "%s{\"TEMP\":%u,\"ID\":%u,\"Board\":%.4f,\"Chip\":%.4f}",
                            i ? "," : "", i, i + 6, V (p->board_temp, 0.5) - i,
                            V (p->chip_temp, 0.5) - i);
  g_string_append (s, "]");
  {
    g_autofree char *body = g_string_free (s, FALSE);
    return reply (miner, 201, "3 Temp(s)", body);
  }
}

static char *
fans (SimFleet *fleet,
      SimMiner *miner)
{
  const SimProfile *p = miner->profile;
  GString *s = g_string_new ("\"FANS\":[");

  for (guint i = 0; i < 4; i++)
    g_string_append_printf (s, "%s{\"FAN\":%u,\"ID\":%u,\"RPM\":%.0f,\"Speed\":%.0f}",
                            i ? "," : "", i, i, V (p->fan_rpm, 50) - i * 30, p->fan_percent);
  g_string_append (s, "]");
  {
    g_autofree char *body = g_string_free (s, FALSE);
    return reply (miner, 202, "4 Fan(s)", body);
  }
}

static char *
tunerstatus (SimFleet *fleet,
             SimMiner *miner)
{
  double power = power_now (fleet, miner);
  guint target = power_target (miner);
  GString *chains = g_string_new (NULL);

  for (guint i = 0; i < 3; i++)
    g_string_append_printf (chains, "%s{\"HashchainIndex\":%u,\"Iteration\":0,"
                            "\"LoadedProfileCreatedOn\":1595938289,"
                            "\"PowerLimitWatt\":%u,\"ApproximatePowerConsumptionWatt\":%.0f,"
                            "\"StageElapsed\":78,\"Status\":\"Tuning individual chips\","
                            "\"TunerRunning\":true,\"TuningElapsed\":98}",
                            i ? "," : "", i + 6, target / 3, power * 0.95 / 3);
  {
    g_autofree char *list = g_string_free (chains, FALSE);
    g_autofree char *body = g_strdup_printf (
      "\"TUNERSTATUS\":[{\"ApproximateChainPowerConsumption\":%.0f,"
      "\"ApproximateMinerPowerConsumption\":%.0f,\"DynamicPowerScaling\":\"Disabled\","
      "\"PowerLimit\":%u,\"TunerChainStatus\":[%s]}]", power * 0.95, power, target, list);
    return reply (miner, 203, "Tuner Status", body);
  }
}

char *
sim_braiins_command (SimFleet   *fleet,
                     SimMiner   *miner,
                     const char *command,
                     const char *parameter,
                     gboolean   *restart)
{
  if (g_str_equal (command, "version"))
    return version (miner);
  if (g_str_equal (command, "devdetails"))
    return devdetails (miner);
  if (g_str_equal (command, "summary"))
    return sim_summary_reply (fleet, miner, "MHS", 1e-3, description (miner));
  if (g_str_equal (command, "devs"))
    return devs (fleet, miner);
  if (g_str_equal (command, "temps"))
    return temps (fleet, miner);
  if (g_str_equal (command, "fans"))
    return fans (fleet, miner);
  if (g_str_equal (command, "tunerstatus"))
    return tunerstatus (fleet, miner);
  if (g_str_equal (command, "pools"))
    return sim_pools_reply (miner, description (miner));
  /* bosminer pauses and resumes on 4028 (Code 204 / 205); BOSer does not. */
  if (!is_boser (miner) && (g_str_equal (command, "pause") || g_str_equal (command, "resume")))
    {
      gboolean pause = g_str_equal (command, "pause");

      if (!miner->ignore_writes)
        miner->paused = pause;
      sim_event (pause ? "pause" : "resume", miner, "cgminer");
      return reply (miner, pause ? 204 : 205, pause ? "Pause" : "Resume",
                    pause ? "\"PAUSE\":[true]" : "\"RESUME\":[true]");
    }
  return sim_error_reply (14, "Invalid command", description (miner));
}

/* ---- REST /api/v1 (braiins-rest) ------------------------------------------ */

static char *
details (SimMiner *miner)
{
  return g_strdup_printf (
    "{\"bos_mode\":4,\"bos_version\":{\"bos_plus\":true,"
    "\"current\":\"2025-08-06-0-3881c51d-25.07-plus\","
    "\"major\":\"2022-09-13-0-11012d53-22.08-plus\"},\"bosminer_uptime_s\":%.0f,"
    "\"hostname\":\"%s\",\"mac_address\":\"%s\",\"miner_identity\":{\"brand\":1,"
    "\"miner_model\":\"%s\",\"model\":18,\"name\":\"%s\"},\"platform\":4,"
    "\"status\":%d,\"system_uptime_s\":%.0f,\"uid\":\"sim%u\"}",
    sim_miner_uptime (miner), miner->hostname, miner->mac, miner->profile->model,
    miner->profile->model, miner->paused ? 3 : 2, sim_miner_uptime (miner), miner->index);
}

static gboolean
logged_in (SimMiner   *miner,
           const char *authorization)
{
  return miner->rest_token != NULL && g_strcmp0 (authorization, miner->rest_token) == 0;
}

gboolean
sim_braiins_rest (SimFleet    *fleet,
                  SimMiner    *miner,
                  const char  *method,
                  const char  *path,
                  const char  *authorization,
                  const char  *body,
                  gsize        len,
                  guint       *status,
                  char       **answer)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *request = NULL;
  gboolean put = g_str_equal (method, "PUT");

  if (!is_boser (miner) || !g_str_has_prefix (path, "/api/v1/"))
    return FALSE;
  path += strlen ("/api/v1/");
  if (body != NULL && len > 0 && json_parser_load_from_data (parser, body, (gssize) len, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    request = json_node_get_object (json_parser_get_root (parser));

  *status = 200;
  if (g_str_equal (path, "auth/login") && g_str_equal (method, "POST"))
    {
      const char *user = request ? json_object_get_string_member_with_default (request, "username", NULL) : NULL;
      const char *password = request ? json_object_get_string_member_with_default (request, "password", NULL) : NULL;

      if (g_strcmp0 (user, miner->web_user) != 0 || g_strcmp0 (password, miner->web_password) != 0)
        {
          sim_event ("braiins-login-refused", miner, user);
          *status = 401;
          *answer = g_strdup ("{\"message\":\"Invalid username or password\"}");
          return TRUE;
        }
      g_free (miner->rest_token);
      miner->rest_token = g_strdup_printf ("sim%08x%08x", g_random_int (), g_random_int ());
      sim_event ("braiins-login", miner, user);
      *answer = g_strdup_printf ("{\"token\":\"%s\",\"timeout_s\":3600}", miner->rest_token);
      return TRUE;
    }
  if (!logged_in (miner, authorization) || miner->rest_token_refused)
    {
      *status = 401;
      *answer = g_strdup ("{\"message\":\"Unauthorized\"}");
      return TRUE;
    }
  if (g_str_equal (path, "miner/details") && g_str_equal (method, "GET"))
    *answer = details (miner);
  else if (g_str_equal (path, "performance/power-target") && put && request != NULL
           && json_object_has_member (request, "watt"))
    {
      gint64 watt = json_object_get_int_member (request, "watt");
      g_autofree char *detail = g_strdup_printf ("%" G_GINT64_FORMAT, watt);

      if (watt < 100 || watt > 20000)
        {
          *status = 400;
          *answer = g_strdup ("{\"message\":\"power target out of range\"}");
          return TRUE;
        }
      if (!miner->ignore_writes)
        miner->power_target = (guint) watt;
      sim_event ("power-target", miner, detail);
      *answer = g_strdup_printf ("{\"watt\":%" G_GINT64_FORMAT "}", watt);
    }
  else if (g_str_equal (path, "actions/reboot") && put)
    {
      sim_event ("reboot", miner, "rest");
      *answer = g_strdup ("{}");
      sim_miner_restart (fleet, miner);
    }
  else if ((g_str_equal (path, "actions/pause") || g_str_equal (path, "actions/resume")) && put)
    {
      gboolean pause = g_str_equal (path, "actions/pause");

      if (!miner->ignore_writes)
        miner->paused = pause;
      sim_event (pause ? "pause" : "resume", miner, "rest");
      *answer = g_strdup ("{}");
    }
  else if (g_str_equal (path, "actions/locate") && put)
    {
      miner->led = body != NULL && len == 4 && memcmp (body, "true", 4) == 0;
      sim_event ("identify", miner, miner->led ? "on" : "off");
      *answer = g_strdup ("{}");
    }
  else
    {
      *status = 404;
      *answer = g_strdup ("{\"message\":\"Not Found\"}");
    }
  return TRUE;
}
