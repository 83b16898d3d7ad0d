/* hf-sim-luxos.c — LuxOS (LUXminer) on port 4028
 * SPDX-License-Identifier: MIT
 *
 * Reply shapes as in the real captures (fixtures/real/luxos-*).  Writes
 * follow LuxOS's session rule: `logon` gives the one session id, refused
 * with Code 402 "Another session is active" while a session is open (or
 * another tool holds it: luxos-session=held); a write carries the id as
 * its first parameter; `logoff` closes it.  Every logon, logoff and
 * write is an event line, so a test can check that each session it
 * opened was closed.  luxos-refuse=COMMAND makes that write fail after
 * the logon, as a firmware refusing it would; luxos-logon-delay-ms=N
 * answers logon N ms late (the session opens when it answers);
 * luxos-session-id=number|comma gives a SessionID of that odd form;
 * luxos-extra-profile=TEXT lists one more profile named TEXT (JSON
 * string text, put in as it is).
 */
#include <math.h>
#include <string.h>

#include "hf-sim-replies.h"
#include "hf-sim-settings.h"

#define V(base, amp) sim_miner_value (fleet, miner, (base), (amp))
#define LUX_DESCRIPTION "LUXminer 2025.4.8.220305-57b389c7"
#define DEFAULT_PROFILE "290MHz"

static const struct { const char *name; guint mhz; guint watts; double ths; } profiles[] = {
  { "190MHz", 190, 784, 39.2 },
  { "240MHz", 240, 978, 49.5 },
  { "290MHz", 290, 1188, 59.8 },
  { "default", 590, 2794, 121.8 },
};

static guint
profile_index (SimMiner *miner)
{
  const char *name = miner->lux_profile ? miner->lux_profile : DEFAULT_PROFILE;

  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (g_str_equal (profiles[i].name, name))
      return i;
  return 2;
}

static char *
reply (int         code,
       const char *msg,
       const char *body)
{
  g_autofree char *status = sim_status_json ("S", code, msg, LUX_DESCRIPTION);
  return g_strdup_printf ("{%s%s%s,\"id\":1}", body ? body : "", body ? "," : "", status);
}

static char *
error (int         code,
       const char *msg)
{
  return sim_error_reply (code, msg, LUX_DESCRIPTION);
}

/* The power the miner draws: the profile's reported figure at the
 * default profile, in proportion to the profile's watts otherwise. */
static double
power_now (SimFleet *fleet,
           SimMiner *miner)
{
  double base = isnan (miner->power) ? miner->profile->power_w : miner->power;

  if (miner->paused)
    return 0;
  return V (base * profiles[profile_index (miner)].watts / profiles[2].watts, 0.01);
}

static char *
stats (SimFleet *fleet,
       SimMiner *miner)
{
  const SimProfile *p = miner->profile;
  double h = V (sim_miner_base_hashrate (miner), 0.02) * sim_miner_rate_factor (miner);
  double chip = V (p->chip_temp, 0.5);
  g_autofree char *body = g_strdup_printf (
    "\"STATS\":[{\"CompileTime\":\"Tue Apr  8 22:05:35 UTC 2025\",\"Miner\":\"2025.4.8.220305\","
    "\"Type\":\"%s\"},{\"Elapsed\":%.0f,\"GHS 5s\":%.2f,\"GHS av\":%.2f,\"ID\":\"BTM_SOC0\","
    "\"STATS\":0,\"fan_num\":4,\"fan1\":%.0f,\"frequency\":%u,\"miner_count\":3,"
    "\"rate_unit\":\"GH\",\"temp_chip1\":\"%.0f-34-34-%.0f\",\"temp_chip2\":\"%.0f-33-33-%.0f\","
    "\"temp_chip3\":\"%.0f-34-34-%.0f\",\"temp_chip4\":\"0-0-0-0\",\"temp_max\":%.1f,"
    "\"total_freqavg\":%u.0,\"total_rateideal\":%.1f}]",
    p->model, sim_miner_uptime (miner), h, h, p->fan_rpm, profiles[profile_index (miner)].mhz,
    chip, chip - 1, chip - 2, chip - 2, chip - 1, chip - 1, chip,
    profiles[profile_index (miner)].mhz, p->expected_ghs);

  return reply (70, "LUXminer stats", body);
}

static char *
devs (SimFleet *fleet,
      SimMiner *miner)
{
  double h = V (sim_miner_base_hashrate (miner), 0.02) * sim_miner_rate_factor (miner) * 1e3 / 3;
  GString *s = g_string_new ("\"DEVS\":[");

  for (guint i = 0; i < 3; i++)
    g_string_append_printf (s, "%s{\"ASC\":%u,\"ID\":%u,\"Enabled\":\"Y\",\"Status\":\"Alive\","
                            "\"MHS 5s\":%.2f,\"MHS 1m\":%.2f,\"MHS av\":%.2f,"
                            "\"Nominal MHS\":%.1f,\"Profile\":\"%s\",\"Temperature\":%.1f,"
                            "\"Accepted\":499,\"Rejected\":0,\"Hardware Errors\":0}",
                            i ? "," : "", i, i, h, h, h, miner->profile->expected_ghs * 1e3 / 3,
                            profiles[profile_index (miner)].name, miner->profile->board_temp);
  g_string_append (s, "]");
  {
    g_autofree char *body = g_string_free (s, FALSE);
    return reply (9, "3 ASC(s)", body);
  }
}

static char *
fans (SimFleet *fleet,
      SimMiner *miner)
{
  const SimProfile *p = miner->profile;
  g_autofree char *body = g_strdup_printf (
    "\"FANCTRL\":[{\"MinFans\":3,\"PowerOffSpeed\":20}],\"FANS\":["
    "{\"FAN\":\"FAN4\",\"ID\":0,\"RPM\":%.0f,\"Speed\":%.0f},"
    "{\"FAN\":\"FAN2\",\"ID\":1,\"RPM\":%.0f,\"Speed\":%.0f},"
    "{\"FAN\":\"FAN1\",\"ID\":2,\"RPM\":%.0f,\"Speed\":%.0f},"
    "{\"FAN\":\"FAN3\",\"ID\":3,\"RPM\":%.0f,\"Speed\":%.0f}]",
    V (p->fan_rpm, 40) - 420, p->fan_percent, V (p->fan_rpm, 40) - 420, p->fan_percent,
    V (p->fan_rpm, 40), p->fan_percent, V (p->fan_rpm, 40), p->fan_percent);

  return reply (202, "4 Fan(s)", body);
}

static char *
temps (SimFleet *fleet,
       SimMiner *miner)
{
  double board = V (miner->profile->board_temp, 0.5);
  GString *s = g_string_new (
    "\"METADATA\":[{\"BottomLeft\":{\"Label\":\"Board Exhaust (bottom)\",\"Position\":[1,0]},"
    "\"BottomRight\":{\"Label\":\"Board Intake (bottom)\",\"Position\":[1,1]},"
    "\"TopLeft\":{\"Label\":\"Board Exhaust (top)\",\"Position\":[0,0]},"
    "\"TopRight\":{\"Label\":\"Board Intake (top)\",\"Position\":[0,1]}}],\"TEMPS\":[");

  for (guint i = 0; i < 3; i++)
    g_string_append_printf (s, "%s{\"BottomLeft\":%.1f,\"BottomRight\":%.1f,\"ID\":%u,"
                            "\"TEMP\":%u,\"TopLeft\":%.1f,\"TopRight\":%.1f}",
                            i ? "," : "", board - i, board - 13, i, i, board - i, board - 13);
  g_string_append (s, "]");
  {
    g_autofree char *body = g_string_free (s, FALSE);
    return reply (201, "3 Temp(s)", body);
  }
}

static char *
config (SimMiner *miner)
{
  g_autofree char *body = g_strdup_printf (
    "\"CONFIG\":[{\"ASC Count\":3,\"Cooling\":\"Air\",\"CurtailMode\":\"%s\","
    "\"Hostname\":\"%s\",\"IsAtmEnabled\":true,\"IsTuning\":true,\"MACAddr\":\"%s\","
    "\"Model\":\"%s\",\"OS\":\"LuxOS\",\"Pool Count\":2,\"Profile\":\"%s\","
    "\"RedLed\":\"%s\",\"GreenLed\":\"auto\",\"SystemStatus\":\"Normal\"}]",
    miner->paused ? "Sleep" : "None", miner->hostname, miner->mac, miner->profile->model,
    profiles[profile_index (miner)].name, miner->led ? "blink" : "auto");

  return reply (33, "LUXminer config", body);
}

static char *
profiles_reply (SimMiner *miner)
{
  GString *s = g_string_new ("\"PROFILES\":[");

  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    g_string_append_printf (s, "%s{\"CanRestore\":true,\"Frequency\":%u,\"HasOverrides\":false,"
                            "\"Hashrate\":%.1f,\"IsDynamic\":true,\"IsTuned\":false,"
                            "\"Profile Name\":\"%s\",\"Step\":\"%d\",\"Voltage\":12.0,"
                            "\"Watts\":%u}",
                            i ? "," : "", profiles[i].mhz, profiles[i].ths, profiles[i].name,
                            (int) i - 2, profiles[i].watts);
  if (miner->lux_extra_profile != NULL)
    g_string_append_printf (s, ",{\"Profile Name\":\"%s\",\"Watts\":1}",
                            miner->lux_extra_profile);
  g_string_append (s, "]");
  {
    g_autofree char *body = g_string_free (s, FALSE);
    return reply (323, "List profiles", body);
  }
}

/* A write: its session id first, then its own arguments. */
static char *
session_command (SimFleet   *fleet,
                 SimMiner   *miner,
                 const char *command,
                 const char *parameter,
                 gboolean   *restart)
{
  g_auto(GStrv) args = g_strsplit (parameter ? parameter : "", ",", 4);
  const char *arg1 = args[0] && args[1] ? args[1] : NULL;
  const char *arg2 = arg1 && args[2] ? args[2] : NULL;

  if (miner->lux_session == NULL || g_strcmp0 (args[0], miner->lux_session) != 0)
    {
      sim_event ("luxos-bad-session", miner, command);
      return error (401, "Invalid session id");
    }
  if (g_strcmp0 (miner->lux_refuse, command) == 0)
    {
      sim_event ("luxos-refused", miner, command);
      return error (45, "Command refused");
    }
  if (g_str_equal (command, "rebootdevice"))
    {
      sim_event ("reboot", miner, "luxos");
      /* A reboot ends every session. */
      g_clear_pointer (&miner->lux_session, g_free);
      *restart = TRUE;
      return reply (312, "Reboot device", NULL);
    }
  if (g_str_equal (command, "curtail") && (g_strcmp0 (arg1, "sleep") == 0
                                           || g_strcmp0 (arg1, "wakeup") == 0))
    {
      gboolean pause = g_str_equal (arg1, "sleep");

      if (!miner->ignore_writes)
        miner->paused = pause;
      sim_event (pause ? "pause" : "resume", miner, "luxos");
      return reply (355, "Curtail", NULL);
    }
  if (g_str_equal (command, "ledset") && g_strcmp0 (arg1, "red") == 0 && arg2 != NULL)
    {
      miner->led = g_str_equal (arg2, "blink") || g_str_equal (arg2, "on");
      sim_event ("identify", miner, arg2);
      return reply (342, "LED set", NULL);
    }
  if (g_str_equal (command, "profileset") && arg1 != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
        if (g_str_equal (profiles[i].name, arg1))
          {
            if (!miner->ignore_writes)
              {
                g_free (miner->lux_profile);
                miner->lux_profile = g_strdup (arg1);
              }
            sim_event ("preset", miner, arg1);
            return reply (326, "Profile set", NULL);
          }
      sim_event ("luxos-refused", miner, command);
      return error (327, "Unknown profile");
    }
  return error (14, "Invalid command");
}

char *
sim_luxos_command (SimFleet   *fleet,
                   SimMiner   *miner,
                   const char *command,
                   const char *parameter,
                   gboolean   *restart)
{
  static const char *const with_session[] = { "rebootdevice", "curtail", "ledset", "profileset",
                                              "resetminer" };

  if (g_str_equal (command, "version"))
    {
      g_autofree char *body = g_strdup_printf (
        "\"VERSION\":[{\"API\":\"3.7\",\"CompileTime\":\"Tue Apr  8 22:05:35 UTC 2025\","
        "\"LUXminer\":\"2025.4.8.220305-57b389c7\",\"Miner\":\"2025.4.8.220305\","
        "\"Type\":\"%s\"}]", miner->profile->model);
      return reply (22, "LUXminer versions", body);
    }
  if (g_str_equal (command, "summary"))
    return sim_summary_reply (fleet, miner, "GHS", 1.0, LUX_DESCRIPTION);
  if (g_str_equal (command, "stats"))
    return stats (fleet, miner);
  if (g_str_equal (command, "devs"))
    return devs (fleet, miner);
  if (g_str_equal (command, "pools"))
    return sim_pools_reply (miner, LUX_DESCRIPTION);
  if (g_str_equal (command, "fans"))
    return fans (fleet, miner);
  if (g_str_equal (command, "temps"))
    return temps (fleet, miner);
  if (g_str_equal (command, "power"))
    {
      g_autofree char *body = g_strdup_printf ("\"POWER\":[{\"PSU\":false,\"Watts\":%.0f}]",
                                               power_now (fleet, miner));
      return reply (311, "Power usage", body);
    }
  if (g_str_equal (command, "config"))
    return config (miner);
  if (g_str_equal (command, "profiles"))
    return profiles_reply (miner);
  if (g_str_equal (command, "session"))
    {
      g_autofree char *body = g_strdup_printf ("\"SESSION\":[{\"SessionID\":\"%s\"}]",
                                               miner->lux_held ? "held0000"
                                               : miner->lux_session ? miner->lux_session : "");
      return reply (305, "Session", body);
    }
  if (g_str_equal (command, "logon"))
    {
      g_autofree char *body = NULL;

      if (miner->lux_held || miner->lux_session != NULL)
        {
          sim_event ("luxos-logon-refused", miner, NULL);
          return error (402, "Another session is active");
        }
      if (g_strcmp0 (miner->lux_sid_form, "comma") == 0)
        miner->lux_session = g_strdup_printf ("%08x,%08x", g_random_int (), g_random_int ());
      else if (g_strcmp0 (miner->lux_sid_form, "number") == 0)
        miner->lux_session = g_strdup_printf ("%u", g_random_int_range (1, G_MAXINT32));
      else
        miner->lux_session = g_strdup_printf ("%08x", g_random_int ());
      sim_event ("luxos-logon", miner, miner->lux_session);
      /* luxos-session-id=number: the id as a JSON number, not a string. */
      body = g_strdup_printf (g_strcmp0 (miner->lux_sid_form, "number") == 0
                              ? "\"SESSION\":[{\"SessionID\":%s}]"
                              : "\"SESSION\":[{\"SessionID\":\"%s\"}]", miner->lux_session);
      return reply (306, "Logon", body);
    }
  if (g_str_equal (command, "logoff"))
    {
      if (miner->lux_session == NULL || g_strcmp0 (parameter, miner->lux_session) != 0)
        return error (401, "Invalid session id");
      sim_event ("luxos-logoff", miner, miner->lux_session);
      g_clear_pointer (&miner->lux_session, g_free);
      return reply (307, "Logoff", NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (with_session); i++)
    if (g_str_equal (command, with_session[i]))
      return session_command (fleet, miner, command, parameter, restart);
  return error (14, "Invalid command");
}
