/* test-sim-physics.c — the simulator's physical model, read through Hashfleet
 * SPDX-License-Identifier: MIT
 *
 * hashfleet-sim --physics-table says what a miner reports in the steady
 * state of every frequency × voltage pair (or Avalon work mode); a write
 * through `hashfleet-cli set` then settles to those numbers as
 * `hashfleet-cli status --json` reads them, an undervolted pair makes
 * errors and loses hashrate, and a warmer room (POST /sim/control) warms
 * the chips by as much.
 */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "hf-json.h"
#include "hf-test-utils.h"

#define HTTP_PORT "18661"
#define CG_PORT   "14661"
#define GAMMA     "127.0.60.241"   /* no spread: the chip table's own numbers */
#define ULTRA     "127.0.60.242"   /* with the spread of its address */
#define NANO      "127.0.60.243"   /* Avalon work modes */

static const char fleet[] =
  "[fleet]\nhttp-port=" HTTP_PORT "\ncgminer-port=" CG_PORT "\nstatic=true\nthermal-tau=1\n"
  "[miner " GAMMA "]\nprofile=gamma\nphysics-spread=false\n"
  "[miner " ULTRA "]\nprofile=ultra\nambient=30\n"
  "[miner " NANO "]\nprofile=nano3s\n";

static HfTestSim *sim;
static char *config_path;

/* The --physics-table lines of @ip. */
static GPtrArray *
physics_table (const char *ip)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("HF_SIM"),
                              "--physics-table", ip, "--config", config_path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (lines[i][0] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      g_ptr_array_add (rows, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
    }
  return rows;
}

static JsonObject *
row_for (GPtrArray *rows,
         double     frequency,
         double     voltage)
{
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *o = g_ptr_array_index (rows, i);

      if (hf_json_number (o, "frequency") == frequency && hf_json_number (o, "voltage") == voltage)
        return o;
    }
  g_error ("no row %g MHz %g mV", frequency, voltage);
  return NULL;
}

static int
cli (const char * const *extra,
     char              **out)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (gpointer) "--http-port");
  g_ptr_array_add (args, (gpointer) HTTP_PORT);
  g_ptr_array_add (args, (gpointer) "--cgminer-port");
  g_ptr_array_add (args, (gpointer) CG_PORT);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);
  return hf_test_run_cli ((const char * const *) args->pdata, out, NULL);
}

/* One reading of @ip through the driver (`hashfleet-cli status --json`). */
static JsonObject *
status (const char *ip)
{
  const char *args[] = { "status", "--json", "--timeout", "3000", ip, NULL };
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_cmpint (cli (args, &out), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* /api/system/info as the miner answers it (what the driver does not keep:
 * errorPercentage). */
static JsonObject *
axeos_info (const char *ip)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5,
                                                                  "proxy-resolver", NULL, NULL);
  g_autofree char *uri = g_strdup_printf ("http://%s:%s/api/system/info", ip, HTTP_PORT);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
set_pair (const char *ip,
          const char *frequency,
          const char *voltage)
{
  const char *args[] = { "set", ip, "--frequency", frequency, "--core-voltage", voltage,
                         "--overclock", NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (cli (args, &out), ==, 0);
}

/* thermal-tau=1: after 8 s (the last whole second of uptime: 7 s at
 * least) what is left of a step is e^-7 of it, 0.006 °C of 7 °C. */
static void
settle (void)
{
  g_usleep (8 * G_USEC_PER_SEC);
}

static void
assert_close (double got,
              double want,
              double tolerance,
              const char *what)
{
  g_test_message ("%s: %g (table %g)", what, got, want);
  g_assert_false (isnan (got));
  g_assert_cmpfloat (fabs (got - want), <=, tolerance);
}

/* The table: an untouched pair is the profile's numbers; every frequency
 * has a voltage option that runs clean; the lowest voltage does not run
 * clean at the highest frequency; power grows with f·V². */
static void
test_table (void)
{
  g_autoptr(GPtrArray) rows = physics_table (GAMMA);
  g_autoptr(GPtrArray) ultra = physics_table (ULTRA);
  g_autoptr(GPtrArray) nano = physics_table (NANO);
  const double freqs[] = { 400, 490, 525, 550, 600, 625 };
  JsonObject *o;

  g_assert_cmpuint (rows->len, ==, 36);
  o = row_for (rows, 525, 1150);
  g_assert_cmpfloat (hf_json_number (o, "hashrate_ghs"), ==, 1100);
  g_assert_cmpfloat (hf_json_number (o, "expected_ghs"), ==, 1071);
  g_assert_cmpfloat (hf_json_number (o, "power_w"), ==, 17.8);
  g_assert_cmpfloat (hf_json_number (o, "chip_temp_c"), ==, 58.5);
  g_assert_cmpfloat (hf_json_number (o, "vr_temp_c"), ==, 52);
  g_assert_cmpfloat (hf_json_number (o, "error_percent"), ==, 0.3);
  for (guint i = 0; i < G_N_ELEMENTS (freqs); i++)
    {
      gboolean clean = FALSE;

      for (guint j = 0; j < rows->len; j++)
        {
          JsonObject *r = g_ptr_array_index (rows, j);

          if (hf_json_number (r, "frequency") == freqs[i]
              && hf_json_number (r, "error_percent") == 0.3)
            clean = TRUE;
        }
      g_assert_true (clean);
    }
  o = row_for (rows, 625, 1000);
  g_assert_cmpfloat (hf_json_number (o, "error_percent"), >, 50);
  g_assert_cmpfloat (hf_json_number (o, "hashrate_ghs"), <, 0.5 * hf_json_number (o, "expected_ghs"));
  g_assert_cmpfloat (hf_json_number (row_for (rows, 600, 1200), "power_w"), >,
                     hf_json_number (row_for (rows, 525, 1150), "power_w"));
  g_assert_cmpfloat (hf_json_number (row_for (rows, 525, 1200), "power_w"), >,
                     hf_json_number (row_for (rows, 525, 1150), "power_w"));

  /* ambient=30: 5 °C above the profile's numbers at its own pair. */
  o = row_for (ultra, 485, 1150);
  g_assert_cmpfloat (fabs (hf_json_number (o, "chip_temp_c") - 62), <, 1e-9);
  g_assert_cmpfloat (hf_json_number (o, "power_w"), ==, 11.2);

  /* Avalon: eco the most efficient, super the hottest, standard the profile. */
  g_assert_cmpuint (nano->len, ==, 3);
  {
    JsonObject *eco = g_ptr_array_index (nano, 0), *std = g_ptr_array_index (nano, 1),
               *super = g_ptr_array_index (nano, 2);
    double jth[3];

    for (guint m = 0; m < 3; m++)
      {
        JsonObject *r = g_ptr_array_index (nano, m);
        jth[m] = hf_json_number (r, "power_w") / hf_json_number (r, "hashrate_ghs") * 1000;
      }
    g_assert_cmpfloat (hf_json_number (std, "power_w"), ==, 140);
    g_assert_cmpfloat (hf_json_number (std, "hashrate_ghs"), ==, 6000);
    g_assert_cmpfloat (jth[0], <, jth[1]);
    g_assert_cmpfloat (jth[1], <, jth[2]);
    g_assert_cmpfloat (hf_json_number (super, "chip_temp_c"), >, hf_json_number (std, "chip_temp_c"));
    g_assert_cmpfloat (hf_json_number (std, "chip_temp_c"), >, hf_json_number (eco, "chip_temp_c"));
  }
}

/* A write settles to the table's numbers, as the driver reads them. */
static void
test_write_settles (void)
{
  g_autoptr(GPtrArray) rows = physics_table (GAMMA);
  g_autoptr(JsonObject) before = status (GAMMA);
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) info = NULL;
  JsonObject *want = row_for (rows, 600, 1200);

  assert_close (hf_json_number (before, "hashrate_ghs"), 1100, 1e-6, "hashrate untouched");
  assert_close (hf_json_number (before, "temperature_c"), 58.5, 1e-6, "chip untouched");
  set_pair (GAMMA, "600", "1200");
  settle ();
  after = status (GAMMA);
  assert_close (hf_json_number (after, "frequency_mhz"), 600, 0, "frequency");
  assert_close (hf_json_number (after, "hashrate_ghs"), hf_json_number (want, "hashrate_ghs"),
                0.01, "hashrate 600/1200");
  assert_close (hf_json_number (after, "expected_hashrate_ghs"),
                hf_json_number (want, "expected_ghs"), 0.01, "expected 600/1200");
  assert_close (hf_json_number (after, "power_w"), hf_json_number (want, "power_w"), 0.01,
                "power 600/1200");
  assert_close (hf_json_number (after, "temperature_c"), hf_json_number (want, "chip_temp_c"),
                0.05, "chip 600/1200");
  assert_close (hf_json_number (after, "vr_temp_c"), hf_json_number (want, "vr_temp_c"), 0.05,
                "VR 600/1200");
  g_assert_cmpfloat (hf_json_number (after, "temperature_c"), >, 60);
  info = axeos_info (GAMMA);
  assert_close (hf_json_number (info, "errorPercentage"), 0.3, 1e-9, "errors 600/1200");
  assert_close (hf_json_number (info, "coreVoltageActual"),
                hf_json_number (want, "voltage_actual"), 0, "coreVoltageActual");
  g_assert_cmpfloat (hf_json_number (info, "coreVoltageActual"), <, 1200);
}

/* Too little voltage for the frequency: errors, and less hashrate. */
static void
test_undervolt (void)
{
  g_autoptr(GPtrArray) rows = physics_table (GAMMA);
  g_autoptr(JsonObject) reading = NULL;
  g_autoptr(JsonObject) info = NULL;
  JsonObject *want = row_for (rows, 600, 1150);

  g_assert_cmpfloat (hf_json_number (want, "error_percent"), >, 10);
  set_pair (GAMMA, "600", "1150");
  settle ();
  reading = status (GAMMA);
  assert_close (hf_json_number (reading, "hashrate_ghs"), hf_json_number (want, "hashrate_ghs"),
                0.01, "hashrate 600/1150");
  g_assert_cmpfloat (hf_json_number (reading, "hashrate_ghs"), <,
                     0.8 * hf_json_number (reading, "expected_hashrate_ghs"));
  info = axeos_info (GAMMA);
  assert_close (hf_json_number (info, "errorPercentage"), hf_json_number (want, "error_percent"),
                1e-6, "errors 600/1150");
  g_assert_cmpfloat (hf_json_number (info, "errorPercentage"), >, 10);
}

/* A heat wave: 20 °C more around the miner, 20 °C more on its chips once
 * settled; back to 25 °C and the chips follow. */
static void
test_ambient (void)
{
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) hot = NULL;
  g_autoptr(JsonObject) cool = NULL;
  g_autoptr(JsonObject) fan = NULL;

  set_pair (GAMMA, "525", "1150");
  settle ();
  before = status (GAMMA);
  assert_close (hf_json_number (before, "temperature_c"), 58.5, 0.05, "chip at 25 °C");
  g_assert_true (hf_test_sim_control (sim, GAMMA, "{\"ambient_c\":45}"));
  g_assert_nonnull (strstr (hf_test_sim_last_event (sim, "control", GAMMA), "ambient_c=45"));
  settle ();
  hot = status (GAMMA);
  assert_close (hf_json_number (hot, "temperature_c") - hf_json_number (before, "temperature_c"),
                20, 0.1, "chip rise");
  assert_close (hf_json_number (hot, "vr_temp_c") - hf_json_number (before, "vr_temp_c"), 20,
                0.1, "VR rise");
  /* A faster fan cools it (R falls with the fan). */
  g_assert_true (hf_test_sim_control (sim, GAMMA, "{\"fan_percent\":100}"));
  settle ();
  fan = status (GAMMA);
  g_assert_cmpfloat (hf_json_number (fan, "temperature_c"), <,
                     hf_json_number (hot, "temperature_c") - 5);
  g_assert_cmpfloat (hf_json_number (fan, "fan_percent"), ==, 100);
  g_assert_true (hf_test_sim_control (sim, GAMMA, "{\"ambient_c\":25,\"fan_percent\":null}"));
  settle ();
  cool = status (GAMMA);
  assert_close (hf_json_number (cool, "temperature_c"), 58.5, 0.05, "chip back at 25 °C");

  /* Bad JSON, an unknown knob, a value out of range: refused, nothing changes. */
  g_assert_false (hf_test_sim_control (sim, GAMMA, "{\"ambient_c\":"));
  g_assert_false (hf_test_sim_control (sim, GAMMA, "{\"sun\":1}"));
  g_assert_false (hf_test_sim_control (sim, GAMMA, "{\"ambient_c\":1000}"));
  g_assert_false (hf_test_sim_control (sim, GAMMA, "[1]"));
  /* Every family's address answers it (an Avalon here). */
  g_assert_true (hf_test_sim_control (sim, NANO, "{\"ambient_c\":35}"));
}

/* The Avalon's work modes drive hashrate, power and temperature. */
static void
test_work_mode (void)
{
  g_autoptr(GPtrArray) rows = physics_table (NANO);
  const char *args[] = { "set", NANO, "--work-mode", "super", NULL };
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) reading = NULL;
  JsonObject *super = g_ptr_array_index (rows, 2);

  /* The table is at the configured ambient (25 °C); the control above made it 35. */
  g_assert_true (hf_test_sim_control (sim, NANO, "{\"ambient_c\":25}"));
  g_assert_cmpint (cli (args, &out), ==, 0);
  settle ();
  reading = status (NANO);
  assert_close (hf_json_number (reading, "hashrate_ghs"), hf_json_number (super, "hashrate_ghs"),
                0.01, "Avalon super hashrate");
  assert_close (hf_json_number (reading, "power_w"), hf_json_number (super, "power_w"), 0.01,
                "Avalon super power");
  assert_close (hf_json_number (reading, "temperature_c"), hf_json_number (super, "chip_temp_c"),
                0.6, "Avalon super chip");
}

int
main (int   argc,
      char *argv[])
{
  int result;
  int fd;

  hf_test_init (&argc, &argv);
  fd = g_file_open_tmp ("hf-physics-XXXXXX.ini", &config_path, NULL);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (config_path, fleet, -1, NULL));
  sim = hf_test_sim_start (fleet);
  g_test_add_func ("/sim-physics/table", test_table);
  g_test_add_func ("/sim-physics/write-settles", test_write_settles);
  g_test_add_func ("/sim-physics/undervolt", test_undervolt);
  g_test_add_func ("/sim-physics/ambient", test_ambient);
  g_test_add_func ("/sim-physics/work-mode", test_work_mode);
  result = g_test_run ();
  hf_test_sim_stop (sim);
  g_unlink (config_path);
  g_free (config_path);
  return result;
}
