/* hf-sim.c — hashfleet-sim: a fake fleet on loopback
 * SPDX-License-Identifier: MIT
 *
 * One event-driven process serves any number of simulated miners, each on
 * its own 127.x.y.z address.  It only ever binds loopback addresses.
 *
 *   hashfleet-sim --miners 20 --base 127.0.0.2 --http-port 18080 --cgminer-port 14028
 *   hashfleet-sim --config fleet.ini
 *
 * It prints JSON lines on stdout: one per miner with --list, then
 * {"event":"ready",…}, then one per notable event (restart, origin,
 * concurrent).
 */
#include <string.h>

#include <glib-unix.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <signal.h>

#include "hf-sim-cgminer.h"
#include "hf-sim-wm3.h"
#include "hf-sim-fleet.h"
#include "hf-sim-http.h"
#include "hf-sim-physics.h"
#include "hf-process.h"

static const SimProfileId default_rotation[] = {
  SIM_AXEOS_GAMMA, SIM_ANTMINER_S19PRO, SIM_AXEOS_SUPRA_OLD, SIM_WHATSMINER_M30S,
  SIM_AVALON_NANO3S, SIM_NERDQAXE, SIM_ANTMINER_S9, SIM_AXEOS_ULTRA, SIM_AVALON_Q,
  SIM_WHATSMINER_M50S, SIM_AVALON_NANO3, SIM_ANTMINER_S21, SIM_AVALON_MINI3, SIM_CGMINER,
};

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* The next host address after @ip, skipping .0 and .255; NULL past 127/8. */
static char *
next_address (guint32 *addr)
{
  guint8 bytes[4];
  g_autoptr(GInetAddress) inet = NULL;

  do
    (*addr)++;
  while ((*addr & 0xff) == 0 || (*addr & 0xff) == 255);
  bytes[0] = *addr >> 24;
  bytes[1] = (*addr >> 16) & 0xff;
  bytes[2] = (*addr >> 8) & 0xff;
  bytes[3] = *addr & 0xff;
  if (bytes[0] != 127)
    return NULL;
  inet = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV4);
  return g_inet_address_to_string (inet);
}

static gboolean
parse_range (const char *text,
             guint      *lo,
             guint      *hi)
{
  g_auto(GStrv) parts = g_strsplit (text, "-", 2);
  guint64 a, b;

  if (!g_ascii_string_to_unsigned (parts[0], 10, 0, 600000, &a, NULL))
    return FALSE;
  b = a;
  if (parts[1] != NULL && !g_ascii_string_to_unsigned (parts[1], 10, a, 600000, &b, NULL))
    return FALSE;
  *lo = (guint) a;
  *hi = (guint) b;
  return TRUE;
}

static gboolean
add_configured_miners (SimFleet    *fleet,
                       GKeyFile    *file,
                       GError     **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (file, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *ip;
      g_autofree char *profile_name = NULL;
      g_autofree char *fault_name = NULL;
      g_autoptr(GInetAddress) inet = NULL;
      const SimProfile *profile;
      SimFault fault = SIM_FAULT_NONE;
      SimMiner *miner;
      g_autofree char *value = NULL;

      if (!g_str_has_prefix (groups[i], "miner "))
        continue;
      ip = groups[i] + 6;
      inet = g_inet_address_new_from_string (ip);
      if (inet == NULL || !g_inet_address_get_is_loopback (inet))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "[%s]: the simulator only uses loopback addresses", groups[i]);
          return FALSE;
        }
      profile_name = g_key_file_get_string (file, groups[i], "profile", NULL);
      profile = profile_name ? sim_profile_lookup (profile_name) : NULL;
      if (profile == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "[%s]: unknown or missing profile '%s'", groups[i],
                       profile_name ? profile_name : "");
          return FALSE;
        }
      fault_name = g_key_file_get_string (file, groups[i], "fault", NULL);
      if (fault_name != NULL && !sim_fault_parse (fault_name, &fault))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "[%s]: unknown fault '%s'", groups[i], fault_name);
          return FALSE;
        }
      miner = sim_fleet_add (fleet, ip, profile, fault);
      if ((value = g_key_file_get_string (file, groups[i], "password", NULL)))
        {
          g_free (miner->password);
          miner->password = g_steal_pointer (&value);
        }
      if ((value = g_key_file_get_string (file, groups[i], "web-password", NULL)))
        {
          g_free (miner->web_password);
          miner->web_password = g_steal_pointer (&value);
        }
      if ((value = g_key_file_get_string (file, groups[i], "web-auth", NULL)))
        {
          if (!g_str_equal (value, "basic") && !g_str_equal (value, "digest"))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "[%s]: web-auth is basic or digest, not '%s'", groups[i], value);
              return FALSE;
            }
          miner->web_basic = g_str_equal (value, "basic");
          g_clear_pointer (&value, g_free);
        }
      miner->ignore_writes = g_key_file_get_boolean (file, groups[i], "ignore-writes", NULL);
      if ((value = g_key_file_get_string (file, groups[i], "super-password", NULL)))
        {
          g_free (miner->super_password);
          miner->super_password = g_steal_pointer (&value);
        }
      if (g_key_file_has_key (file, groups[i], "api-writes", NULL))
        miner->api_writes = g_key_file_get_boolean (file, groups[i], "api-writes", NULL);
      if ((value = g_key_file_get_string (file, groups[i], "pool-url", NULL)))
        {
          g_free (miner->pool_url);
          miner->pool_url = g_steal_pointer (&value);
        }
      /* LuxOS: a session another tool holds, a session command refused. */
      if ((value = g_key_file_get_string (file, groups[i], "luxos-session", NULL)))
        {
          miner->lux_held = g_str_equal (value, "held");
          g_clear_pointer (&value, g_free);
        }
      if ((value = g_key_file_get_string (file, groups[i], "luxos-refuse", NULL)))
        {
          g_free (miner->lux_refuse);
          miner->lux_refuse = g_steal_pointer (&value);
        }
      /* LuxOS: a logon that answers late (ms), a SessionID of an odd form. */
      if (g_key_file_has_key (file, groups[i], "luxos-logon-delay-ms", NULL))
        miner->lux_logon_delay_ms = (guint) CLAMP (g_key_file_get_integer (file, groups[i],
                                                                           "luxos-logon-delay-ms",
                                                                           NULL), 0, 60000);
      if ((value = g_key_file_get_string (file, groups[i], "luxos-session-id", NULL)))
        {
          if (!g_str_equal (value, "number") && !g_str_equal (value, "comma"))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "[%s]: luxos-session-id is number or comma, not '%s'", groups[i],
                           value);
              return FALSE;
            }
          g_free (miner->lux_sid_form);
          miner->lux_sid_form = g_steal_pointer (&value);
        }
      /* LuxOS: one more profile, its name as JSON string text (so a test
       * can give it \u001b and the like). */
      if ((value = g_key_file_get_string (file, groups[i], "luxos-extra-profile", NULL)))
        {
          g_free (miner->lux_extra_profile);
          miner->lux_extra_profile = g_steal_pointer (&value);
        }
      /* Braiins OS REST: every request refused with 401, even with the
       * token its login just gave. */
      if ((value = g_key_file_get_string (file, groups[i], "braiins-token", NULL)))
        {
          miner->rest_token_refused = g_str_equal (value, "refused");
          g_clear_pointer (&value, g_free);
        }
      if ((value = g_key_file_get_string (file, groups[i], "hostname", NULL)))
        {
          g_free (miner->hostname);
          miner->hostname = g_steal_pointer (&value);
        }
      /* Any text as the miner's /api/system/asic: a model's options as a
       * hostile or odd firmware may give them. */
      if ((value = g_key_file_get_string (file, groups[i], "asic-json", NULL)))
        {
          g_free (miner->asic_json);
          miner->asic_json = g_steal_pointer (&value);
        }
      /* What the miner is doing: paused=true, hashrate=0, found-blocks=2… */
      {
        g_auto(GStrv) keys = g_key_file_get_keys (file, groups[i], NULL, NULL);

        for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
          {
            g_autofree char *text = g_key_file_get_string (file, groups[i], keys[k], NULL);
            gboolean known = FALSE;

            if (!sim_miner_set_key (miner, keys[k], text, &known, error))
              {
                g_prefix_error (error, "[%s]: ", groups[i]);
                return FALSE;
              }
          }
      }
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GPtrArray *cgminer = NULL;
  GPtrArray *wm3 = NULL;
  g_autoptr(SoupServer) http = NULL;
  g_autoptr(GKeyFile) file = NULL;
  SimFleet *fleet;
  int miners = -1, http_port = -1, cgminer_port = -1, wm3_port = -1, slow_ms = -1, restart_s = -1, ttl = 0;
  int fault_delay = 0;
  g_autofree char *base = NULL;
  g_autofree char *profiles = NULL;
  g_autofree char *latency = NULL;
  g_autofree char *config = NULL;
  g_autofree char *www = NULL;
  gboolean trace_http = FALSE;
  g_autofree char *physics_table = NULL;
  g_auto(GStrv) faults = NULL;
  g_auto(GStrv) states = NULL;
  gboolean is_static = FALSE, list = FALSE;
  GOptionEntry entries[] = {
    { "miners", 'n', 0, G_OPTION_ARG_INT, &miners, "Number of generated miners (default 20, 0 with --config)", "N" },
    { "base", 0, 0, G_OPTION_ARG_STRING, &base, "Address before the first miner (default 127.0.0.1)", "ADDR" },
    { "profiles", 'p', 0, G_OPTION_ARG_STRING, &profiles, "Comma-separated profiles to rotate through", "LIST" },
    { "http-port", 0, 0, G_OPTION_ARG_INT, &http_port, "HTTP port of every miner (default 18080)", "PORT" },
    { "cgminer-port", 0, 0, G_OPTION_ARG_INT, &cgminer_port, "cgminer API port (default 14028)", "PORT" },
    { "whatsminer-v3-port", 0, 0, G_OPTION_ARG_INT, &wm3_port, "Whatsminer API v3 port (default 14433)", "PORT" },
    { "latency", 0, 0, G_OPTION_ARG_STRING, &latency, "Answer after MIN-MAX ms (default 0)", "MIN-MAX" },
    { "slow-ms", 0, 0, G_OPTION_ARG_INT, &slow_ms, "Delay of a 'slow' miner (default 2500)", "MS" },
    { "restart-seconds", 0, 0, G_OPTION_ARG_INT, &restart_s, "How long a restart keeps a miner offline (default 3)", "S" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &faults, "Give COUNT generated miners a fault (refuse, hang, slow, garbage, oversize, truncated, quirk, trickle, huge-json, bad-utf8, bad-numbers, wrong-types, deep, deep-comment, deep-quote, reset, redirect)", "FAULT:COUNT" },
    { "fault-delay", 0, 0, G_OPTION_ARG_INT, &fault_delay, "Faults (but refuse) start S seconds after start-up", "S" },
    { "state", 0, 0, G_OPTION_ARG_STRING_ARRAY, &states, "Put the first COUNT miners in a state (paused, overheat, power-fault, fallback, no-shares, zero-hashrate)", "STATE:COUNT" },
    { "static", 0, 0, G_OPTION_ARG_NONE, &is_static, "Values do not move (for tests)", NULL },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "Read the fleet from a key file", "FILE" },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list, "Print every miner as a JSON line before 'ready'", NULL },
    { "ttl", 0, 0, G_OPTION_ARG_INT, &ttl, "Exit after this many seconds", "S" },
    { "www", 0, 0, G_OPTION_ARG_FILENAME, &www, "Serve this built AxeOS web UI (its dist/) from current AxeOS miners", "DIR" },
    { "trace-http", 0, 0, G_OPTION_ARG_NONE, &trace_http, "Print every HTTP exchange as a JSON line", NULL },
    { "physics-table", 0, 0, G_OPTION_ARG_STRING, &physics_table, "Print the steady state of every frequency × voltage pair (or work mode) of the miner at ADDR, and exit", "ADDR" },
    { NULL }
  };
#ifdef __linux__
  /* A test that dies must not leave its simulated fleet running (and holding
   * the test runner's pipes open). */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif


  context = g_option_context_new ("— a simulated fleet of miners on loopback");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("hashfleet-sim: %s\n", error->message);
      return 2;
    }

  fleet = sim_fleet_new ();
  if (config != NULL)
    {
      file = g_key_file_new ();
      if (!g_key_file_load_from_file (file, config, G_KEY_FILE_NONE, &error))
        {
          g_printerr ("hashfleet-sim: %s: %s\n", config, error->message);
          return 2;
        }
#define KEY_INT(var, key) \
      if (var < 0 && g_key_file_has_key (file, "fleet", key, NULL)) \
        var = g_key_file_get_integer (file, "fleet", key, NULL);
      KEY_INT (miners, "miners");
      KEY_INT (http_port, "http-port");
      KEY_INT (cgminer_port, "cgminer-port");
      KEY_INT (wm3_port, "whatsminer-v3-port");
      KEY_INT (slow_ms, "slow-ms");
      KEY_INT (restart_s, "restart-seconds");
#undef KEY_INT
      if (latency == NULL)
        latency = g_key_file_get_string (file, "fleet", "latency", NULL);
      if (base == NULL)
        base = g_key_file_get_string (file, "fleet", "base", NULL);
      if (profiles == NULL)
        profiles = g_key_file_get_string (file, "fleet", "profiles", NULL);
      is_static = is_static || g_key_file_get_boolean (file, "fleet", "static", NULL);
      /* The physical model's surroundings, for every miner unless its own
       * group says otherwise. */
      {
        static const char *keys[] = { "ambient", "thermal-tau", "physics-spread" };
        SimMiner probe = { 0 };

        probe.ambient_c = fleet->ambient_c;
        probe.thermal_tau_s = fleet->thermal_tau_s;
        probe.physics_spread = fleet->physics_spread;
        for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
          {
            g_autofree char *text = g_key_file_get_string (file, "fleet", keys[k], NULL);
            gboolean known = FALSE;

            if (text != NULL && !sim_miner_set_key (&probe, keys[k], text, &known, &error))
              {
                g_printerr ("hashfleet-sim: %s: [fleet]: %s\n", config, error->message);
                return 2;
              }
          }
        fleet->ambient_c = probe.ambient_c;
        fleet->thermal_tau_s = probe.thermal_tau_s;
        fleet->physics_spread = probe.physics_spread;
      }
    }

  if (http_port >= 0) fleet->http_port = (guint16) http_port;
  if (cgminer_port >= 0) fleet->cgminer_port = (guint16) cgminer_port;
  if (wm3_port >= 0) fleet->whatsminer_v3_port = (guint16) wm3_port;
  if (slow_ms >= 0) fleet->slow_ms = (guint) slow_ms;
  if (restart_s >= 0) fleet->restart_s = (guint) restart_s;
  fleet->is_static = is_static;
  fleet->fault_delay_s = (guint) MAX (fault_delay, 0);
  if (latency != NULL && !parse_range (latency, &fleet->latency_min_ms, &fleet->latency_max_ms))
    {
      g_printerr ("hashfleet-sim: bad --latency '%s' (want MIN-MAX in ms)\n", latency);
      return 2;
    }

  if (file != NULL && !add_configured_miners (fleet, file, &error))
    {
      g_printerr ("hashfleet-sim: %s: %s\n", config, error->message);
      return 2;
    }

  if (miners < 0)
    miners = file != NULL ? 0 : 20;
  if (miners > 0)
    {
      g_autoptr(GInetAddress) start = g_inet_address_new_from_string (base ? base : "127.0.0.1");
      g_autoptr(GPtrArray) rotation = g_ptr_array_new ();
      const guint8 *b;
      guint32 addr;

      if (start == NULL || !g_inet_address_get_is_loopback (start)
          || g_inet_address_get_family (start) != G_SOCKET_FAMILY_IPV4)
        {
          g_printerr ("hashfleet-sim: --base must be an IPv4 loopback address (127.x.y.z)\n");
          return 2;
        }
      b = g_inet_address_to_bytes (start);
      addr = (guint32) b[0] << 24 | (guint32) b[1] << 16 | (guint32) b[2] << 8 | b[3];

      if (profiles != NULL)
        {
          g_auto(GStrv) names = g_strsplit (profiles, ",", -1);
          for (guint i = 0; names[i] != NULL; i++)
            {
              const SimProfile *p = sim_profile_lookup (g_strstrip (names[i]));
              if (p == NULL)
                {
                  g_printerr ("hashfleet-sim: unknown profile '%s'\n", names[i]);
                  return 2;
                }
              g_ptr_array_add (rotation, (gpointer) p);
            }
        }
      else
        for (guint i = 0; i < G_N_ELEMENTS (default_rotation); i++)
          g_ptr_array_add (rotation, (gpointer) sim_profile_get (default_rotation[i]));

      for (int i = 0; i < miners; i++)
        {
          g_autofree char *ip = next_address (&addr);
          if (ip == NULL)
            {
              g_printerr ("hashfleet-sim: ran out of 127/8 addresses\n");
              return 2;
            }
          if (sim_fleet_lookup (fleet, ip) != NULL)
            continue;
          sim_fleet_add (fleet, ip, g_ptr_array_index (rotation, (guint) i % rotation->len),
                         SIM_FAULT_NONE);
        }
    }

  /* Faults go to generated miners from the end of the list backwards. */
  for (guint i = 0, next = fleet->miners->len; faults != NULL && faults[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (faults[i], ":", 2);
      SimFault fault;
      guint64 count = 1;

      if (!sim_fault_parse (parts[0], &fault)
          || (parts[1] != NULL && !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT,
                                                               &count, NULL)))
        {
          g_printerr ("hashfleet-sim: bad --fault '%s'\n", faults[i]);
          return 2;
        }
      for (guint k = 0; k < count && next > 0; k++)
        ((SimMiner *) g_ptr_array_index (fleet->miners, --next))->fault = fault;
    }

  /* States go to the miners from the start of the list on, each option
   * from the first again (so that they combine), faults from the end. */
  for (guint i = 0; states != NULL && states[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (states[i], ":", 2);
      guint64 count = 1;

      if (parts[1] != NULL && !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT, &count,
                                                           NULL))
        {
          g_printerr ("hashfleet-sim: bad --state '%s'\n", states[i]);
          return 2;
        }
      for (guint k = 0; k < count && k < fleet->miners->len; k++)
        if (!sim_miner_set_state (g_ptr_array_index (fleet->miners, k), parts[0], &error))
          {
            g_printerr ("hashfleet-sim: --state: %s\n", error->message);
            return 2;
          }
    }

  /* Every miner's temperatures start settled at its configured state. */
  for (guint i = 0; i < fleet->miners->len; i++)
    sim_physics_changed (g_ptr_array_index (fleet->miners, i));

  /* --physics-table: what the model says, no servers. */
  if (physics_table != NULL)
    {
      SimMiner *miner = sim_fleet_lookup (fleet, physics_table);
      g_autofree char *table = NULL;

      if (miner == NULL || !sim_physics_applies (miner))
        {
          g_printerr ("hashfleet-sim: --physics-table: %s is %s\n", physics_table,
                      miner == NULL ? "no miner of this fleet"
                                    : "not a miner the physical model drives (AxeOS, NerdOS, Avalon)");
          return 2;
        }
      table = sim_physics_table (miner);
      g_print ("%s", table);
      sim_fleet_free (fleet);
      return 0;
    }

  /* Two listeners per miner plus the connections. */
  hf_process_raise_fd_limit ();
  loop = g_main_loop_new (NULL, FALSE);

  cgminer = sim_cgminer_server_start (fleet, &error);
  if (cgminer == NULL)
    {
      g_printerr ("hashfleet-sim: cannot listen on the cgminer port: %s\n", error->message);
      return 1;
    }
  wm3 = sim_wm3_server_start (fleet, &error);
  if (wm3 == NULL)
    {
      g_printerr ("hashfleet-sim: cannot listen on the Whatsminer API v3 port: %s\n",
                  error->message);
      return 1;
    }
  http = sim_http_server_start (fleet, file, www, trace_http, &error);
  if (http == NULL)
    {
      g_printerr ("hashfleet-sim: cannot listen on the HTTP port: %s\n", error->message);
      return 1;
    }

  if (list)
    for (guint i = 0; i < fleet->miners->len; i++)
      {
        g_autofree char *line = sim_miner_describe (g_ptr_array_index (fleet->miners, i));
        g_print ("%s\n", line);
      }
  {
    g_autofree char *detail = g_strdup_printf ("\"miners\":%u,\"http_port\":%u,"
                                               "\"cgminer_port\":%u,\"whatsminer_v3_port\":%u",
                                               fleet->miners->len, fleet->http_port,
                                               fleet->cgminer_port, fleet->whatsminer_v3_port);
    sim_event ("ready", NULL, detail);
  }

  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  if (ttl > 0)
    g_timeout_add_seconds ((guint) ttl, quit_cb, loop);
  g_main_loop_run (loop);

  soup_server_disconnect (http);
  sim_cgminer_server_stop (cgminer);
  sim_wm3_server_stop (wm3);
  sim_fleet_free (fleet);
  return 0;
}
