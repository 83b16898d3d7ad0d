/* test-sim-e2e.c — hashfleet-cli against hashfleet-sim, every family
 * SPDX-License-Identifier: MIT
 *
 * The simulator runs with --static so that each profile reports exactly
 * the numbers in the table below.  It listens on 127.0.20.x only.
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "hf-json.h"
#include "hf-test-utils.h"

#define HTTP_PORT "18180"
#define CG_PORT   "14128"

static const char fleet[] =
  "[fleet]\nhttp-port=" HTTP_PORT "\ncgminer-port=" CG_PORT "\nstatic=true\n"
  "restart-seconds=2\nslow-ms=300\n"
  "[miner 127.0.20.2]\nprofile=gamma\n"
  "[miner 127.0.20.3]\nprofile=supra\n"
  "[miner 127.0.20.4]\nprofile=nerdqaxe\n"
  "[miner 127.0.20.5]\nprofile=s19pro\n"
  "[miner 127.0.20.6]\nprofile=s9\n"
  "[miner 127.0.20.7]\nprofile=m30s\n"
  "[miner 127.0.20.8]\nprofile=nano3s\n"
  "[miner 127.0.20.9]\nprofile=q\n"
  "[miner 127.0.20.10]\nprofile=nano3\n"
  "[miner 127.0.20.11]\nprofile=mini3\n"
  "[miner 127.0.20.12]\nprofile=cgminer\n"
  "[miner 127.0.20.20]\nprofile=gamma\nfault=hang\n"
  "[miner 127.0.20.21]\nprofile=s19pro\nfault=hang\n"
  "[miner 127.0.20.22]\nprofile=gamma\nfault=oversize\n"
  "[miner 127.0.20.23]\nprofile=m30s\nfault=oversize\n"
  "[miner 127.0.20.24]\nprofile=gamma\nfault=garbage\n"
  "[miner 127.0.20.25]\nprofile=nano3s\nfault=garbage\n"
  "[miner 127.0.20.26]\nprofile=s9\nfault=quirk\n"
  "[miner 127.0.20.27]\nprofile=m50s\nfault=quirk\n"
  "[miner 127.0.20.28]\nprofile=q\nfault=quirk\n"
  "[miner 127.0.20.29]\nprofile=gamma\nfault=truncated\n"
  "[miner 127.0.20.30]\nprofile=gamma\nfault=slow\n"
  "[miner 127.0.20.31]\nprofile=m30s\npassword=secret\n"
  "[miner 127.0.20.32]\nprofile=s19pro\nweb-password=other\n"
  "[miner 127.0.20.33]\nprofile=s19pro\nweb-auth=basic\nweb-password=basic-secret\n"
  "[miner 127.0.20.34]\nprofile=s9\nweb-password=ant-from-file\n"
  "[miner 127.0.20.35]\nprofile=m30s\npassword=wm-from-file\n"
  "[miner 127.0.20.36]\nprofile=gamma\n"
  "[miner 127.0.20.37]\nprofile=cgminer\npool-url==HYPERLINK(\"http://x\",\"y\")\n"
  "[miner 127.0.20.38]\nprofile=cgminer\npool-url=+cmd\n"
  "[miner 127.0.20.39]\nprofile=cgminer\npool-url=@SUM(A1)\n"
  "[miner 127.0.20.44]\nprofile=cgminer\npool-url=-2+3\n"
  "[miner 127.0.20.45]\nprofile=gamma\n"
  "[miner 127.0.20.40]\nprofile=decoy-http\n"
  "[miner 127.0.20.41]\nprofile=decoy-json\n"
  "[miner 127.0.20.42]\nprofile=decoy-echo\n"
  "[miner 127.0.20.43]\nprofile=decoy-hang\n";

static HfTestSim *sim;

typedef struct
{
  const char *ip;
  const char *family;
  const char *model;
  double      hashrate;
  double      expected;
  double      temperature;
  double      power;
  gboolean    estimated;
  double      fan_rpm;
  double      frequency;
} Expect;

/* What each simulated profile reports, as the drivers must read it. */
static const Expect expected[] = {
  { "127.0.20.2", "axeos", "Bitaxe Gamma", 1100, 1071, 58.5, 17.8, FALSE, 4100, 525 },
  { "127.0.20.3", "axeos", "Bitaxe Supra", 640, 490.0 * 1276 / 1000, 55.25, 12.5, FALSE, 3500, 490 },
  { "127.0.20.4", "axeos", "NerdQAxe++", 4800, 4896, 60.5, 76, FALSE, 2800, 600 },
  { "127.0.20.5", "antminer", "Antminer S19 Pro", 109500, 110000, 76, 29.5 * 109.5, TRUE, 5460, 525 },
  { "127.0.20.6", "antminer", "Antminer S9", 13500, 13500, 74, 98 * 13.5, TRUE, 6000, 650 },
  { "127.0.20.7", "whatsminer", "Whatsminer M30S+_VE40", 100000, 102000, 82.5, 3400, FALSE, 5460, 620 },
  { "127.0.20.8", "avalon", "Avalon Nano3s", 6000, 6200, 78, 140, FALSE, 2600, 500 },
  { "127.0.20.9", "avalon", "Avalon Q", 90000, 90500, 72, 18.6 * 90, TRUE, 2800, 283 },
  { "127.0.20.10", "avalon", "Avalon Nano3", 4000, 4100, 85, 35 * 4, TRUE, 3360, NAN },
  { "127.0.20.11", "avalon", "Avalon Mini3", 37500, 37800, 75, 800, FALSE, 3000, 450 },
  { "127.0.20.12", "cgminer", "cgminer", 50000, NAN, NAN, NAN, FALSE, NAN, NAN },
};

static const char *
shared_option (guint i)
{
  static const char *opts[] = { "--http-port", HTTP_PORT, "--cgminer-port", CG_PORT };
  return opts[i];
}

/* Run the CLI with the ports, @command and @extra arguments, and the
 * "NAME=VALUE" pairs of @env in its environment. */
static int
cli_env (const char  *command,
         const char **extra,
         const char **env,
         char       **out,
         char       **err)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  /* Shared options before the command word, as scripts may write them. */
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (args, (gpointer) shared_option (i));
  g_ptr_array_add (args, (gpointer) command);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);
  return hf_test_run_cli_env ((const char * const *) args->pdata, env, out, err);
}

static int
cli (const char  *command,
     const char **extra,
     char       **out,
     char       **err)
{
  return cli_env (command, extra, NULL, out, err);
}

/* The JSON line of @out whose @key is @value, or NULL. */
static JsonObject *
line_for_key (const char *out,
              const char *key,
              const char *value)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) o = NULL;

      if (lines[i][0] == '\0')
        continue;
      o = hf_json_parse_object (lines[i], strlen (lines[i]), NULL);
      g_assert_nonnull (o);
      if (g_strcmp0 (hf_json_string (o, key), value) == 0)
        return g_steal_pointer (&o);
    }
  return NULL;
}

/* The JSON line of @ip in @out, or NULL. */
static JsonObject *
line_for (const char *out,
          const char *ip)
{
  return line_for_key (out, "ip", ip);
}

static void
assert_value (JsonObject *o,
              const char *key,
              double      want)
{
  JsonNode *node = json_object_get_member (o, key);

  g_assert_nonnull (node);
  if (isnan (want))
    {
      if (!JSON_NODE_HOLDS_NULL (node))
        g_error ("%s: %s should be null", hf_json_string (o, "ip"), key);
      return;
    }
  if (fabs (hf_json_number (o, key) - want) > 0.002 * MAX (1.0, fabs (want)))
    g_error ("%s: %s is %g, want %g", hf_json_string (o, "ip"), key,
             hf_json_number (o, key), want);
}

static void
test_status_every_family (void)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *args[G_N_ELEMENTS (expected) + 4];
  guint n = 0;
  int status;

  args[n++] = "--json";
  args[n++] = "--timeout";
  args[n++] = "3000";
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    args[n++] = expected[i].ip;
  args[n] = NULL;

  status = cli ("status", args, &out, &err);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const Expect *e = &expected[i];
      g_autoptr(JsonObject) o = line_for (out, e->ip);
      g_autofree char *want_mac = NULL;

      g_assert_nonnull (o);
      g_assert_cmpstr (hf_json_string (o, "family"), ==, e->family);
      g_assert_cmpstr (hf_json_string (o, "model"), ==, e->model);
      g_assert_true (json_object_get_boolean_member (o, "online"));
      g_assert_true (json_object_get_null_member (o, "error"));
      assert_value (o, "hashrate_ghs", e->hashrate);
      assert_value (o, "expected_hashrate_ghs", e->expected);
      assert_value (o, "temperature_c", e->temperature);
      assert_value (o, "power_w", e->power);
      assert_value (o, "fan_rpm", e->fan_rpm);
      assert_value (o, "frequency_mhz", e->frequency);
      if (!isnan (e->power))
        g_assert_cmpint (json_object_get_boolean_member (o, "power_estimated"), ==, e->estimated);
      g_assert_cmpfloat (hf_json_number (o, "uptime_s"), >, 0);
      g_assert_cmpfloat (hf_json_number (o, "accepted"), >, 0);
      g_assert_cmpstr (hf_json_string (o, "pool_url"), ==, "stratum+tcp://pool.example.org:3333");
      /* The simulator derives each MAC from the address; families whose API
       * has one must report it (generic cgminer has none). */
      if (!g_str_equal (e->family, "cgminer"))
        {
          const char *last = strrchr (e->ip, '.') + 1;
          want_mac = g_strdup_printf ("02:48:46:00:14:%02X", (guint) atoi (last));
          g_assert_cmpstr (hf_json_string (o, "mac"), ==, want_mac);
        }
      else
        g_assert_true (json_object_get_null_member (o, "mac"));
    }

  /* The table for people names every miner too. */
  {
    g_autofree char *table = NULL;
    const char *people[] = { "127.0.20.5", "127.0.20.8", NULL };

    g_assert_cmpint (cli ("status", people, &table, NULL), ==, 0);
    g_assert_nonnull (strstr (table, "Antminer S19 Pro"));
    g_assert_nonnull (strstr (table, "109.50 TH/s"));
    g_assert_nonnull (strstr (table, "~3230 W"));   /* estimated power is marked */
    g_assert_nonnull (strstr (table, "Avalon Nano3s"));
  }
}

static void
test_restart_every_family (void)
{
  const char *ips[] = { "127.0.20.2", "127.0.20.5", "127.0.20.7", "127.0.20.8", "127.0.20.12" };
  const char *args[G_N_ELEMENTS (ips) + 1];
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *after = NULL;
  int status;

  for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
    {
      args[i] = ips[i];
      g_assert_cmpuint (hf_test_sim_events (sim, "restart", ips[i], 0, 0), ==, 0);
    }
  args[G_N_ELEMENTS (ips)] = NULL;

  status = cli ("restart", args, &out, &err);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
    g_assert_cmpuint (hf_test_sim_events (sim, "restart", ips[i], 1, 3000), ==, 1);

  /* Back after the simulated reboot, with uptime counted from it. */
  g_usleep (2300 * 1000);
  {
    const char *status_args[] = { "--json", ips[0], ips[1], ips[2], ips[3], ips[4], NULL };

    g_assert_cmpint (cli ("status", status_args, &after, NULL), ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
      {
        g_autoptr(JsonObject) o = line_for (after, ips[i]);
        g_assert_nonnull (o);
        g_assert_cmpfloat (hf_json_number (o, "uptime_s"), <, 30);
      }
  }
}

static void
test_hung_miner (void)
{
  const char *ips[] = { "127.0.20.20", "127.0.20.21", "127.0.20.43" };

  for (guint i = 0; i < G_N_ELEMENTS (ips); i++)
    {
      const char *args[] = { "--json", "--timeout", "1000", ips[i], NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_autoptr(JsonObject) o = NULL;
      gint64 start = g_get_monotonic_time (), elapsed;
      int status = cli ("status", args, &out, &err);

      elapsed = g_get_monotonic_time () - start;
      g_test_message ("%s: error after %" G_GINT64_FORMAT " ms with --timeout 1000",
                      ips[i], elapsed / 1000);
      g_assert_cmpint (status, ==, 1);
      /* One deadline for the whole exchange, not one a phase: a hung
       * miner that answers the connect but never the request would take
       * two timeouts or more if the phases stacked.  The bound is that,
       * not a speed target (the process's start-up on a loaded machine
       * is not the deadline's doing; the figure is in the message). */
      g_assert_cmpint (elapsed, <, 1800 * 1000);
      g_assert_cmpint (elapsed, >=, 950 * 1000);
      o = line_for (out, ips[i]);
      g_assert_nonnull (strstr (hf_json_string (o, "error"), "timed out"));
      g_assert_nonnull (strstr (err, "timed out"));
    }
}

static void
assert_fails_with (const char *ip,
                   const char *needle,
                   const char *needle2)
{
  const char *args[] = { "--json", "--timeout", "3000", ip, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonObject) o = NULL;
  const char *error;

  g_assert_cmpint (cli ("status", args, &out, &err), ==, 1);
  o = line_for (out, ip);
  g_assert_nonnull (o);
  error = hf_json_string (o, "error");
  g_test_message ("%s: %s", ip, error);
  g_assert_nonnull (error);
  g_assert_false (json_object_get_boolean_member (o, "online"));
  if (strstr (error, needle) == NULL && (needle2 == NULL || strstr (error, needle2) == NULL))
    g_error ("%s: error \"%s\" does not mention \"%s\"", ip, error, needle);
}

static void
test_hostile_miners (void)
{
  assert_fails_with ("127.0.20.22", "larger than", "cap");   /* AxeOS endless body */
  assert_fails_with ("127.0.20.23", "larger than", NULL);    /* cgminer endless reply */
  assert_fails_with ("127.0.20.24", "JSON", NULL);           /* AxeOS garbage */
  assert_fails_with ("127.0.20.25", "not JSON", NULL);       /* cgminer garbage */
  assert_fails_with ("127.0.20.29", "JSON", NULL);           /* AxeOS truncated body */
}

static void
test_quirky_and_slow_miners (void)
{
  const char *args[] = { "--json", "--timeout", "3000", "127.0.20.26", "127.0.20.27",
                         "127.0.20.28", "127.0.20.30", NULL };
  const struct { const char *ip; const char *model; double hashrate; } want[] = {
    { "127.0.20.26", "Antminer S9", 13500 },
    { "127.0.20.27", "Whatsminer M50S_VH20", 126000 },
    { "127.0.20.28", "Avalon Q", 90000 },
    { "127.0.20.30", "Bitaxe Gamma", 1100 },
  };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (cli ("status", args, &out, &err), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_autoptr(JsonObject) o = line_for (out, want[i].ip);
      g_assert_cmpstr (hf_json_string (o, "model"), ==, want[i].model);
      assert_value (o, "hashrate_ghs", want[i].hashrate);
    }
}

static void
test_credentials (void)
{
  const char *wm[] = { "127.0.20.31", NULL };
  const char *wm_ok[] = { "--whatsminer-password", "secret", "127.0.20.31", NULL };
  const char *ant[] = { "127.0.20.32", NULL };
  const char *ant_ok[] = { "127.0.20.32", "--antminer-password=other", NULL };
  g_autofree char *err1 = NULL, *err2 = NULL, *err3 = NULL, *err4 = NULL;

  /* The factory password is wrong for these two: refused, nothing restarts. */
  g_assert_cmpint (cli ("restart", wm, NULL, &err1), ==, 1);
  g_assert_nonnull (strstr (err1, "127.0.20.31"));
  g_assert_cmpint (cli ("restart", ant, NULL, &err2), ==, 1);
  g_assert_nonnull (strstr (err2, "401"));
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.20.31", 0, 200), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.20.32", 0, 0), ==, 0);

  /* With the right ones (options after the command word, both spellings). */
  g_assert_cmpint (cli ("restart", wm_ok, NULL, &err3), ==, 0);
  g_assert_cmpint (cli ("restart", ant_ok, NULL, &err4), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.20.31", 1, 3000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", "127.0.20.32", 1, 3000), ==, 1);
}

static void
test_basic_only_antminer (void)
{
  const char *ip = "127.0.20.33";
  const char *debug[] = { "G_MESSAGES_DEBUG=hf-core", NULL };
  const char *status_args[] = { "--json", "--antminer-password=basic-secret", ip, NULL };
  const char *args[] = { "--antminer-password=basic-secret", ip, NULL };
  const char *set_args[] = { "--antminer-password=basic-secret", "--fan", "50", ip, NULL };
  const char *const writes[] = { "restart", "set", "identify", "pause" };
  g_autofree char *out = NULL, *trace = NULL, *trace_err = NULL;
  g_autoptr(JsonObject) o = NULL;

  /* Identified from its cgminer API; the MAC, which only its web CGI has,
   * stays unknown, and the trace (GLib writes debug lines to stdout) says
   * why. */
  g_assert_cmpint (cli ("status", status_args, &out, NULL), ==, 0);
  o = line_for (out, ip);
  g_assert_nonnull (o);
  g_assert_cmpstr (hf_json_string (o, "model"), ==, "Antminer S19 Pro");
  g_assert_true (json_object_get_null_member (o, "mac"));
  g_assert_cmpint (cli_env ("status", status_args, debug, &trace, &trace_err), ==, 0);
  g_assert_nonnull (strstr (trace, "asked for HTTP Basic authentication"));

  /* Every operation through the web CGI fails, saying why. */
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      g_autofree char *wout = NULL, *werr = NULL, *both = NULL;
      int status = cli (writes[i], g_str_equal (writes[i], "set") ? set_args : args, &wout,
                        &werr);

      both = g_strconcat (wout, werr, NULL);
      g_test_message ("%s: %s", writes[i], both);
      g_assert_cmpint (status, ==, 1);
      g_assert_nonnull (strstr (both, "asked for HTTP Basic authentication"));
      g_assert_nonnull (strstr (both, "only sends passwords with HTTP Digest"));
    }

  /* The device never got a credential, in any form, nor did it restart. */
  g_assert_cmpuint (hf_test_sim_events (sim, "authorization", ip, 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "basic-auth", ip, 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "password-seen", ip, 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", ip, 0, 200), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "set-conf", ip, 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "identify", ip, 0, 0), ==, 0);
}

/* @text in a new file of @dir, with @mode; its path. */
static char *
secret_file (const char *dir,
             const char *name,
             const char *text,
             int         mode)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

#define ARGV_WARNING "passwords on the command line are visible to other users (ps)"

static void
test_password_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-e2e-secrets-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  /* A second line and Windows line ends are not part of the password. */
  g_autofree char *ant = secret_file (dir, "ant", "ant-from-file\nsecond line\n", 0600);
  g_autofree char *ant_crlf = secret_file (dir, "ant-crlf", "ant-from-file\r\n", 0600);
  g_autofree char *wrong = secret_file (dir, "wrong", "not-it\n", 0600);
  g_autofree char *wm = secret_file (dir, "wm", "wm-from-file", 0600);
  g_autofree char *pool = secret_file (dir, "pool", "pool-from-file\n", 0600);
  g_autofree char *open_to_all = secret_file (dir, "open", "ant-from-file\n", 0644);
  g_autofree char *empty = secret_file (dir, "empty", "\n", 0600);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  const char *ant_ip = "127.0.20.34", *wm_ip = "127.0.20.35", *axeos_ip = "127.0.20.36";
  g_autofree char *want_mac = g_strdup_printf ("02:48:46:00:14:%02X", 34);

  g_assert_no_error (error);

  /* The Antminer web password from a file: its CGI gives the MAC only with
   * the right one (Digest), and reboots only with it. */
  {
    const char *good[] = { "--json", "--antminer-password-file", ant, ant_ip, NULL };
    const char *crlf[] = { "--json", "--antminer-password-file", ant_crlf, ant_ip, NULL };
    const char *bad[] = { "--json", "--antminer-password-file", wrong, ant_ip, NULL };
    g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;
    g_autofree char *out3 = NULL, *err3 = NULL;
    g_autoptr(JsonObject) o1 = NULL, o2 = NULL, o3 = NULL;

    g_assert_cmpint (cli ("status", good, &out1, &err1), ==, 0);
    o1 = line_for (out1, ant_ip);
    g_assert_cmpstr (hf_json_string (o1, "mac"), ==, want_mac);
    g_assert_null (strstr (err1, "warning"));
    g_assert_cmpint (cli ("status", crlf, &out2, &err2), ==, 0);
    o2 = line_for (out2, ant_ip);
    g_assert_cmpstr (hf_json_string (o2, "mac"), ==, want_mac);
    g_assert_cmpint (cli ("status", bad, &out3, &err3), ==, 0);
    o3 = line_for (out3, ant_ip);
    g_assert_true (json_object_get_null_member (o3, "mac"));
  }
  /* The pool password from a file, saved in a profile and written to a
   * miner, and given to set directly. */
  {
    const char *add[] = { "add", "from-file", "--db", db, "--pool",
                          "stratum+tcp://pool.example.org:3333", "--pool-user", "bc1q.w1",
                          "--pool-password-file", pool, NULL };
    const char *set_profile[] = { axeos_ip, "--db", db, "--profile", "from-file", NULL };
    const char *set_direct[] = { axeos_ip, "--pool", "stratum+tcp://pool.example.org:3333",
                                 "--pool-user", "bc1q.w2", "--pool-password-file", pool, NULL };
    g_autofree char *err1 = NULL, *out2 = NULL, *err3 = NULL;
    const char *patch;

    g_assert_cmpint (cli ("pools", add, NULL, &err1), ==, 0);
    g_assert_null (strstr (err1, "warning"));
    g_assert_cmpint (cli ("set", set_profile, &out2, NULL), ==, 0);
    g_assert_cmpuint (hf_test_sim_events (sim, "patch", axeos_ip, 1, 3000), ==, 1);
    patch = hf_test_sim_last_event (sim, "patch", axeos_ip);
    g_assert_nonnull (patch);
    g_assert_nonnull (strstr (patch, "bc1q.w1"));
    g_assert_nonnull (strstr (patch, "pool-from-file"));
    g_assert_null (strstr (patch, "pool-from-file\\n"));
    g_assert_cmpint (cli ("set", set_direct, NULL, &err3), ==, 0);
    g_assert_null (strstr (err3, "warning"));
    g_assert_cmpuint (hf_test_sim_events (sim, "patch", axeos_ip, 2, 3000), ==, 2);
    patch = hf_test_sim_last_event (sim, "patch", axeos_ip);
    g_assert_nonnull (strstr (patch, "bc1q.w2"));
    g_assert_nonnull (strstr (patch, "pool-from-file"));
  }

  /* From the environment: no warning either. */
  {
    const char *args[] = { "--json", ant_ip, NULL };
    const char *env[] = { "HASHFLEET_ANTMINER_PASSWORD=ant-from-file", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(JsonObject) o = NULL;

    g_assert_cmpint (cli_env ("status", args, env, &out, &err), ==, 0);
    o = line_for (out, ant_ip);
    g_assert_cmpstr (hf_json_string (o, "mac"), ==, want_mac);
    g_assert_null (strstr (err, "warning"));
  }

  /* On the command line: it works, with a warning naming the better ways. */
  {
    const char *args[] = { "--antminer-password", "ant-from-file", "--whatsminer-password",
                           "wm-from-file", "--json", ant_ip, NULL };
    const char *add[] = { "add", "argv", "--db", db, "--pool",
                          "stratum+tcp://pool.example.org:3333", "--pool-password", "p", NULL };
    g_autofree char *out = NULL, *err = NULL, *err2 = NULL;
    g_autoptr(JsonObject) o = NULL;

    g_assert_cmpint (cli ("status", args, &out, &err), ==, 0);
    o = line_for (out, ant_ip);
    g_assert_cmpstr (hf_json_string (o, "mac"), ==, want_mac);
    g_test_message ("%s", err);
    g_assert_nonnull (strstr (err, "--antminer-password: " ARGV_WARNING "; use "
                                   "--antminer-password-file or the environment variable "
                                   "HASHFLEET_ANTMINER_PASSWORD"));
    g_assert_nonnull (strstr (err, "--whatsminer-password: " ARGV_WARNING "; use "
                                   "--whatsminer-password-file or the environment variable "
                                   "HASHFLEET_WHATSMINER_PASSWORD"));
    g_assert_cmpint (cli ("pools", add, NULL, &err2), ==, 0);
    g_assert_nonnull (strstr (err2, "--pool-password: " ARGV_WARNING "; use "
                                    "--pool-password-file\n"));
  }

  /* A file others can read works, with a warning; one that cannot be
   * read, an empty one, or a password given twice is a usage error. */
  {
    const char *open_args[] = { "--json", "--antminer-password-file", open_to_all, ant_ip, NULL };
    const char *missing_args[] = { "--antminer-password-file", missing, ant_ip, NULL };
    const char *empty_args[] = { "--whatsminer-password-file", empty, wm_ip, NULL };
    const char *both[] = { "--antminer-password", "x", "--antminer-password-file", ant, ant_ip,
                           NULL };
    const char *pool_missing[] = { "add", "x", "--db", db, "--pool",
                                   "stratum+tcp://pool.example.org:3333",
                                   "--pool-password-file", missing, NULL };
    g_autofree char *out = NULL, *err1 = NULL, *err2 = NULL, *err3 = NULL, *err4 = NULL;
    g_autofree char *err5 = NULL;
    g_autoptr(JsonObject) o = NULL;

    g_assert_cmpint (cli ("status", open_args, &out, &err1), ==, 0);
    o = line_for (out, ant_ip);
    g_assert_cmpstr (hf_json_string (o, "mac"), ==, want_mac);
    g_assert_nonnull (strstr (err1, "can be read by other users"));
    g_assert_nonnull (strstr (err1, open_to_all));

    g_assert_cmpint (cli ("status", missing_args, NULL, &err2), ==, 2);
    g_assert_nonnull (strstr (err2, "--antminer-password-file"));
    g_assert_nonnull (strstr (err2, missing));
    g_assert_cmpint (cli ("restart", empty_args, NULL, &err3), ==, 2);
    g_assert_nonnull (strstr (err3, "--whatsminer-password-file: the first line of"));
    g_assert_nonnull (strstr (err3, "is empty"));
    g_assert_cmpint (cli ("status", both, NULL, &err4), ==, 2);
    g_assert_nonnull (strstr (err4, "not both"));
    g_assert_cmpint (cli ("pools", pool_missing, NULL, &err5), ==, 2);
    g_assert_nonnull (strstr (err5, "--pool-password-file"));
  }

  /* Last, as the miners are then rebooting: restarts with the passwords
   * from files, refused with a wrong one.  The Whatsminer one has no line
   * end at all. */
  {
    const char *bad[] = { ant_ip, "--antminer-password-file", wrong, NULL };
    const char *good[] = { ant_ip, "--antminer-password-file", ant, NULL };
    g_autofree char *err1 = NULL, *err2 = NULL;

    g_assert_cmpint (cli ("restart", bad, NULL, &err1), ==, 1);
    g_assert_nonnull (strstr (err1, "401"));
    g_assert_cmpuint (hf_test_sim_events (sim, "restart", ant_ip, 0, 200), ==, 0);
    g_assert_cmpint (cli ("restart", good, NULL, &err2), ==, 0);
    g_assert_null (strstr (err2, "warning"));
    g_assert_cmpuint (hf_test_sim_events (sim, "restart", ant_ip, 1, 3000), ==, 1);
  }
  {
    const char *bad[] = { wm_ip, "--whatsminer-password-file", wrong, NULL };
    const char *good[] = { "--whatsminer-password-file", wm, wm_ip, NULL };
    g_autofree char *err1 = NULL, *err2 = NULL;

    g_assert_cmpint (cli ("restart", bad, NULL, &err1), ==, 1);
    g_assert_cmpuint (hf_test_sim_events (sim, "restart", wm_ip, 0, 200), ==, 0);
    g_assert_cmpint (cli ("restart", good, NULL, &err2), ==, 0);
    g_assert_null (strstr (err2, "warning"));
    g_assert_cmpuint (hf_test_sim_events (sim, "restart", wm_ip, 1, 3000), ==, 1);
  }
}

static void
test_not_miners (void)
{
  assert_fails_with ("127.0.20.40", "not a miner", NULL);     /* a router page */
  assert_fails_with ("127.0.20.41", "not a miner", NULL);     /* JSON, no ASICModel */
  assert_fails_with ("127.0.20.42", "does not speak the cgminer API", NULL);  /* echo */
  assert_fails_with ("127.0.20.50", "no miner answered", NULL);               /* nothing */
}

static void
test_scan (void)
{
  const char *args[] = { "--json", "--timeout", "500", "127.0.20.1-19", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_cmpint (cli ("scan", args, &out, &err), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      n++;
  /* Exactly the eleven healthy miners in .1–.19, each with its family. */
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(JsonObject) o = line_for (out, expected[i].ip);
      g_assert_nonnull (o);
      g_assert_cmpstr (hf_json_string (o, "family"), ==, expected[i].family);
      assert_value (o, "hashrate_ghs", expected[i].hashrate);
    }
  g_assert_nonnull (strstr (err, "\"scanned\":19"));
  g_assert_nonnull (strstr (err, "\"found\":11"));

  /* Bad targets are usage errors naming the target. */
  {
    const char *bad[] = { "127.0.20.1-999", NULL };
    g_autofree char *err2 = NULL;
    g_assert_cmpint (cli ("scan", bad, NULL, &err2), ==, 2);
    g_assert_nonnull (strstr (err2, "127.0.20.1-999"));
  }
}

static void
test_watch (void)
{
  const char *args[] = { "--json", "--count", "2", "--interval", "1", "127.0.20.2",
                         "127.0.20.7", "127.0.20.50", NULL };
  const char *people[] = { "--count", "1", "127.0.20.5", "127.0.20.8", NULL };
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  /* Two cycles of two miners; the address with nothing there is reported
   * and left out. */
  g_assert_cmpint (cli ("watch", args, &out, &err), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      n++;
  g_assert_cmpuint (n, ==, 4);
  g_assert_nonnull (strstr (err, "127.0.20.50"));
  {
    g_autoptr(JsonObject) o = line_for (out, "127.0.20.7");
    assert_value (o, "hashrate_ghs", 100000);
  }

  /* For people: one line of fleet totals per cycle. */
  g_assert_cmpint (cli ("watch", people, &out2, NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "2/2 online"));
  g_assert_nonnull (strstr (out2, "115.50 TH/s"));   /* 109.5 + 6.0 */
}

static guint
count_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      n++;
  return n;
}

static void
test_store_commands (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-e2e-db-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autofree char *nodb = g_build_filename (dir, "none.db", NULL);
  const char *scan_args[] = { "--db", db, "--timeout", "500", "127.0.20.1-19", NULL };
  const char *nostore[] = { "--db", nodb, "--no-store", "--timeout", "500", "127.0.20.2", NULL };
  const char *list_args[] = { "--db", db, "--json", NULL };
  /* Two seconds apart at least: the store keeps one reading per miner per
   * second, and a one-second GLib timer may fire early. */
  const char *watch_args[] = { "--db", db, "--count", "2", "--interval", "2", NULL };
  const char *csv_args[] = { "--db", db, NULL };
  const char *json_args[] = { "--db", db, "--format", "json", "--miner", "127.0.20.7", NULL };
  const char *history_args[] = { "--db", db, "127.0.20.2", NULL };
  g_autofree char *out1 = NULL, *out2 = NULL, *out3 = NULL, *out4 = NULL, *out5 = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) csv = NULL;

  g_assert_no_error (error);
  /* scan records what it finds; --no-store records nothing. */
  g_assert_cmpint (cli ("scan", scan_args, NULL, NULL), ==, 0);
  g_assert_cmpint (cli ("scan", nostore, NULL, NULL), ==, 0);
  g_assert_false (g_file_test (nodb, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cli ("list", list_args, &out1, NULL), ==, 0);
  g_assert_cmpuint (count_lines (out1), ==, G_N_ELEMENTS (expected));

  /* watch without addresses polls the stored fleet, and records it. */
  g_assert_cmpint (cli ("watch", watch_args, &out2, &err), ==, 0);
  g_assert_nonnull (strstr (out2, "11/11 online"));

  /* Two cycles of eleven miners, as CSV with a header, read back. */
  g_assert_cmpint (cli ("export", csv_args, &out3, NULL), ==, 0);
  csv = g_strsplit (out3, "\n", -1);
  g_assert_true (g_str_has_prefix (csv[0], "address,mac,model,time,hashrate_ghs,"));
  g_assert_cmpuint (count_lines (out3), ==, 1 + 2 * G_N_ELEMENTS (expected));
  g_assert_nonnull (strstr (out3, "127.0.20.5,02:48:46:00:14:05,Antminer S19 Pro,"));

  /* One miner as JSON Lines, read back with the values it reported. */
  g_assert_cmpint (cli ("export", json_args, &out4, NULL), ==, 0);
  g_assert_cmpuint (count_lines (out4), ==, 2);
  {
    g_auto(GStrv) lines = g_strsplit (out4, "\n", -1);
    g_autoptr(JsonObject) o = hf_json_parse_object (lines[0], strlen (lines[0]), NULL);

    g_assert_nonnull (o);
    g_assert_cmpstr (hf_json_string (o, "address"), ==, "127.0.20.7");
    assert_value (o, "hashrate_ghs", 100000);
    assert_value (o, "power_w", 3400);
    g_assert_true (json_object_get_null_member (o, "core_voltage_mv"));
  }

  g_assert_cmpint (cli ("history", history_args, &out5, NULL), ==, 0);
  g_assert_cmpuint (count_lines (out5), ==, 3);
}

/* Pool URLs a miner reported that a spreadsheet would run as formulas
 * are exported as text in CSV (a leading '), quoted per RFC 4180 where
 * needed; JSON Lines keep them as they were. */
static void
test_export_formulas (void)
{
  static const struct { const char *ip; const char *url; const char *cell; } want[] = {
    { "127.0.20.37", "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
    { "127.0.20.38", "+cmd", "'+cmd" },
    { "127.0.20.39", "@SUM(A1)", "'@SUM(A1)" },
    { "127.0.20.44", "-2+3", "'-2+3" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-e2e-csv-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  const char *watch_args[] = { "--db", db, "--count", "1", want[0].ip, want[1].ip, want[2].ip,
                               want[3].ip, NULL };
  const char *csv_args[] = { "--db", db, NULL };
  const char *json_args[] = { "--db", db, "--format", "json", NULL };
  g_autofree char *csv = NULL, *jsonl = NULL;
  g_auto(GStrv) rows = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (cli ("watch", watch_args, NULL, NULL), ==, 0);
  g_assert_cmpint (cli ("export", csv_args, &csv, NULL), ==, 0);
  g_assert_cmpint (cli ("export", json_args, &jsonl, NULL), ==, 0);
  g_test_message ("%s", csv);
  rows = g_strsplit (csv, "\n", -1);
  g_assert_true (g_str_has_suffix (rows[0], ",pool_url,energy_wh"));

  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_autofree char *start = g_strdup_printf ("%s,,cgminer,", want[i].ip);
      /* Then energy_wh, empty: one reading has none before it. */
      g_autofree char *end = g_strdup_printf (",%s,", want[i].cell);
      g_autoptr(JsonObject) o = NULL;
      const char *row = NULL;

      for (guint j = 1; rows[j] != NULL; j++)
        if (g_str_has_prefix (rows[j], start))
          row = rows[j];
      g_assert_nonnull (row);
      /* pool_url is the last column but energy; the numbers before it are as
       * they were. */
      g_assert_true (g_str_has_suffix (row, end));
      g_assert_nonnull (strstr (row, ",50000,"));
      g_assert_null (strstr (row, ",'5"));

      o = line_for_key (jsonl, "address", want[i].ip);
      g_assert_nonnull (o);
      g_assert_cmpstr (hf_json_string (o, "pool_url"), ==, want[i].url);
      assert_value (o, "hashrate_ghs", 50000);
    }
}

/* GET @url, with @token as the bearer token unless NULL: the status, and
 * the body in *@body. */
static guint
http_get (const char  *url,
          const char  *token,
          char       **body)
{
  /* No proxy: the desktop's settings do not exist in a test. */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    bearer);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (msg);
}

/* A failed assertion ends the test at once: serve must not outlive it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

#define SERVE_TOKEN "e2e-serve-token-4fKq9xT2mZ7vB1nR8cW3yH6jL0pD5sA"

/* Every command's options may stand before the command word, those that
 * take a value too, in both spellings, alone or in a cluster of short
 * ones: each value reaches its option and the word is found after it. */
static void
test_options_before_command (void)
{
  const char *ip = "127.0.20.45";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-e2e-before-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "fleet.db", NULL);
  g_autofree char *token = secret_file (dir, "token", SERVE_TOKEN "\n", 0600);
  /* set: settings, a pool and its user, and the shared -t. */
  const char *set_args[] = { "--http-port", HTTP_PORT, "--cgminer-port", CG_PORT, "--fan", "40",
                             "--frequency", "490", "--pool",
                             "stratum+tcp://early.example.org:3333", "--pool-user",
                             "bc1q.early", "-t", "3000", "set", ip, NULL };
  const char *status_args[] = { "--json", ip, NULL };
  const char *add_args[] = { "--db", db, "--pool", "stratum+tcp://early.example.org:4444",
                             "--pool-user", "bc1q.profile", "pools", "add", "early", NULL };
  const char *list_args[] = { "--db", db, "pools", NULL };
  /* watch: -j and -n in one cluster, the value after it. */
  const char *watch_args[] = { "--http-port", HTTP_PORT, "--cgminer-port", CG_PORT, "-jn", "1",
                               "-i", "1", "--db", db, "watch", ip, NULL };
  const char *export_args[] = { "--db", db, "--format", "json", "-m", ip, "--since",
                                "2000-01-01", "export", NULL };
  g_autofree char *out1 = NULL, *out2 = NULL, *out3 = NULL, *out4 = NULL, *out5 = NULL;
  g_autofree char *out6 = NULL, *err = NULL;
  g_autoptr(JsonObject) reading = NULL, watched = NULL, exported = NULL;
  const char *patch;

  g_assert_no_error (error);

  g_assert_cmpint (hf_test_run_cli (set_args, &out1, &err), ==, 0);
  g_test_message ("%s", err);
  g_assert_cmpstr (out1, ==, "127.0.20.45: applied\n");
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", ip, 1, 3000), ==, 1);
  patch = hf_test_sim_last_event (sim, "patch", ip);
  g_assert_nonnull (strstr (patch, "bc1q.early"));
  g_assert_cmpint (cli ("status", status_args, &out2, NULL), ==, 0);
  reading = line_for (out2, ip);
  g_assert_nonnull (reading);
  assert_value (reading, "fan_percent", 40);
  assert_value (reading, "frequency_mhz", 490);
  g_assert_cmpstr (hf_json_string (reading, "pool_url"), ==,
                   "stratum+tcp://early.example.org:3333");

  g_assert_cmpint (hf_test_run_cli (add_args, &out3, NULL), ==, 0);
  g_assert_cmpint (hf_test_run_cli (list_args, &out4, NULL), ==, 0);
  g_assert_cmpstr (out4, ==, "early\tstratum+tcp://early.example.org:4444\tbc1q.profile\n");

  g_assert_cmpint (hf_test_run_cli (watch_args, &out5, NULL), ==, 0);
  g_assert_cmpuint (count_lines (out5), ==, 1);
  watched = line_for (out5, ip);
  g_assert_nonnull (watched);
  assert_value (watched, "fan_percent", 40);
  g_assert_cmpint (hf_test_run_cli (export_args, &out6, NULL), ==, 0);
  g_assert_cmpuint (count_lines (out6), ==, 1);
  exported = line_for_key (out6, "address", ip);
  g_assert_nonnull (exported);

  /* serve: where it listens and its token, before the word; it serves
   * the fleet watch recorded. */
  {
    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_autoptr(GSubprocess) serve = NULL;
    g_autoptr(GDataInputStream) lines = NULL;
    g_autofree char *line = NULL, *url = NULL, *body = NULL, *refused = NULL;
    const char *port;

    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    g_subprocess_launcher_unsetenv (launcher, "HASHFLEET_API_TOKEN");
    serve = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HF_CLI"), "--db", db,
                                         "-l", "127.0.20.46:0", "--token-file", token, "-i", "1",
                                         "--http-port", HTTP_PORT, "--cgminer-port", CG_PORT,
                                         "serve", NULL);
    g_assert_no_error (error);
    lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (serve));
    do
      {
        g_free (line);
        line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
        g_assert_no_error (error);
        g_assert_nonnull (line);
        g_test_message ("%s", line);
      }
    while ((port = strstr (line, "(port ")) == NULL);
    g_assert_nonnull (strstr (line, "1 miners; serving http://127.0.20.46:0/ (port "));
    g_assert_null (strstr (line, "no token"));

    url = g_strdup_printf ("http://127.0.20.46:%d/api/stats", atoi (port + 6));
    g_assert_cmpuint (http_get (url, SERVE_TOKEN, &body), ==, 200);
    g_assert_nonnull (strstr (body, "\"total\":1"));
    g_assert_cmpuint (http_get (url, NULL, &refused), ==, 401);

    g_subprocess_send_signal (serve, SIGINT);
    g_assert_true (g_subprocess_wait (serve, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_exited (serve));
    g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
  }
}

static void
test_clean_conduct (void)
{
  /* Over the whole run: no Origin header ever reached an AxeOS miner, no
   * Avalon ever saw two connections from us at once, and no miner got a
   * password in the clear (Basic, or plain in a request), though the
   * Antminer and Whatsminer passwords were used, right and wrong. */
  g_assert_cmpuint (hf_test_sim_events (sim, "origin", NULL, 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "concurrent", NULL, 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "basic-auth", NULL, 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "password-seen", NULL, 0, 0), ==, 0);
}

static void
test_usage (void)
{
  const char *none[] = { NULL };
  const char *help[] = { "--help", NULL };
  const char *nothing[] = { NULL };
  const char *bad_port[] = { "--http-port", "0", "status", "127.0.0.1", NULL };
  g_autofree char *out = NULL, *err = NULL, *err2 = NULL, *err3 = NULL, *err4 = NULL;

  g_assert_cmpint (hf_test_run_cli (none, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "Usage:"));
  g_assert_cmpint (hf_test_run_cli ((const char *[]) { "frobnicate", NULL }, NULL, &err2), ==, 2);
  g_assert_nonnull (strstr (err2, "unknown command 'frobnicate'"));
  g_assert_cmpint (cli ("status", help, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--http-port"));
  g_assert_nonnull (strstr (out, "--json"));
  g_assert_cmpint (cli ("status", nothing, NULL, &err3), ==, 2);
  g_assert_nonnull (strstr (err3, "ADDRESS"));
  g_assert_cmpint (hf_test_run_cli (bad_port, NULL, &err4), ==, 2);

  /* A command's --help lists the option groups it takes, each under its
   * heading, and no other options. */
  {
    g_autofree char *serve = NULL, *watch = NULL;

    g_assert_cmpint (cli ("serve", help, &serve, NULL), ==, 0);
    g_assert_nonnull (strstr (serve, "Serve Options:\n  --config=FILE"));
    g_assert_nonnull (strstr (serve, "\n  -l, --listen=ADDR:PORT"));
    g_assert_nonnull (strstr (serve, "Polling Options:\n  -i, --interval=S"));
    g_assert_nonnull (strstr (serve, "Shared Options:\n  --http-port=N"));
    g_assert_null (strstr (serve, "--count"));
    g_assert_null (strstr (serve, "--json"));
    g_assert_null (strstr (serve, "--frequency"));
    g_assert_cmpint (cli ("watch", help, &watch, NULL), ==, 0);
    g_assert_nonnull (strstr (watch, "Watch Options:\n  -n, --count=N"));
    g_assert_nonnull (strstr (watch, "Polling Options:\n  -i, --interval=S"));
    g_assert_nonnull (strstr (watch, "Output Options:\n  -j, --json"));
    g_assert_null (strstr (watch, "--listen"));
  }
}

/* A power limit or preset for a family without one is refused by the
 * session before anything is sent, in words naming the family. */
static void
test_unsupported_setting (void)
{
  const char *limit[] = { "--power-limit", "100", "127.0.20.2", NULL };
  const char *preset[] = { "--preset", "normal", "127.0.20.5", NULL };
  g_autofree char *out = NULL, *out2 = NULL;
  guint patches = hf_test_sim_events (sim, "patch", "127.0.20.2", 0, 0);

  g_assert_cmpint (cli ("set", limit, &out, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "127.0.20.2: not applied: AxeOS has no power limit "
                   "Hashfleet can set\n");
  g_assert_cmpuint (hf_test_sim_events (sim, "patch", "127.0.20.2", 0, 0), ==, patches);
  g_assert_cmpint (cli ("set", preset, &out2, NULL), ==, 1);
  g_assert_nonnull (strstr (out2, "Antminer has no preset Hashfleet can set"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  sim = hf_test_sim_start (fleet);

  g_test_add_func ("/e2e/status-every-family", test_status_every_family);
  g_test_add_func ("/e2e/restart-every-family", test_restart_every_family);
  g_test_add_func ("/e2e/hung-miner", test_hung_miner);
  g_test_add_func ("/e2e/hostile-miners", test_hostile_miners);
  g_test_add_func ("/e2e/quirky-and-slow-miners", test_quirky_and_slow_miners);
  g_test_add_func ("/e2e/credentials", test_credentials);
  g_test_add_func ("/e2e/unsupported-setting", test_unsupported_setting);
  g_test_add_func ("/e2e/basic-only-antminer", test_basic_only_antminer);
  g_test_add_func ("/e2e/password-files", test_password_files);
  g_test_add_func ("/e2e/not-miners", test_not_miners);
  g_test_add_func ("/e2e/usage", test_usage);
  g_test_add_func ("/e2e/scan", test_scan);
  g_test_add_func ("/e2e/watch", test_watch);
  g_test_add_func ("/e2e/store-commands", test_store_commands);
  g_test_add_func ("/e2e/export-formulas", test_export_formulas);
  g_test_add_func ("/e2e/options-before-command", test_options_before_command);
  g_test_add_func ("/e2e/clean-conduct", test_clean_conduct);

  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
