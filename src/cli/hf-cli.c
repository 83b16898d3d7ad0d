/* hf-cli.c — hashfleet-cli: the core driven from the command line
 * SPDX-License-Identifier: MIT
 *
 * Options shared by every command may stand before or after the command
 * word: the word is found first, then one option context with the shared
 * and the command's own options parses everything else.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "config.h"
#include "hf-cli.h"

typedef int (*CommandFunc) (HfCli *cli, char **args);

typedef struct
{
  const char  *name;
  const char  *args;
  const char  *summary;
  const char  *description;
  CommandFunc  run;
  gboolean     takes_json;
  gboolean     is_scan;
  gboolean     addresses_optional;
  gboolean     is_watch;
  gboolean     is_history;
  gboolean     is_serve;
  gboolean     is_set;
} Command;

static const Command commands[] = {
  { "status", "ADDRESS…", "Identify and poll each miner",
    "Identify the miner at each ADDRESS (any supported family) and show its current\n"
    "reading: a table for people, or one JSON object per line with --json.\n"
    "Exits non-zero when any address failed; the reason is in \"error\" and on stderr.",
    hf_cli_status, TRUE },
  { "restart", "ADDRESS…", "Restart each miner",
    "Ask the miner at each ADDRESS to reboot, the way its family does it.\n"
    "Exits 0 only when every miner accepted the restart.",
    hf_cli_restart, TRUE },
  { "scan", "[TARGET…]", "Find the miners in address ranges",
    "Probe every address of the TARGETs (192.0.2.0/24, 192.0.2.10-192.0.2.50,\n"
    "192.0.2.10-50, single addresses; default: the subnets of this machine's own\n"
    "interfaces, each at most a /22) and print each miner as it is identified,\n"
    "with the same keys as status.  The summary goes to stderr.  Targets larger\n"
    "than a /16 need --force.",
    hf_cli_scan, TRUE, TRUE, TRUE },
  { "watch", "[ADDRESS…]", "Poll miners and show the fleet every interval",
    "Identify each ADDRESS (or, with --scan, find the miners in the TARGETs\n"
    "given instead), then poll them every --interval seconds: one line of fleet\n"
    "totals per cycle, or with --json one JSON object per reading (the keys of\n"
    "status).  --count stops after that many cycles.",
    hf_cli_watch, TRUE, FALSE, TRUE, TRUE },
  { "list", "", "Show the stored fleet",
    "The miners in the store, with when each was last seen (a table, or JSON\n"
    "Lines with --json and each miner's last reading).",
    hf_cli_list, TRUE, FALSE, TRUE },
  { "history", "ADDRESS", "Show one miner's recorded readings",
    "The readings recorded for ADDRESS, the last 24 hours unless --since says\n"
    "otherwise, as CSV (or --format json).",
    hf_cli_history, FALSE, FALSE, FALSE, FALSE, TRUE },
  { "export", "", "Write recorded history as CSV or JSON Lines",
    "Every recorded reading (or one miner's, with --miner) between --since and\n"
    "--until, at raw, 5-minute or hourly resolution.",
    hf_cli_export, FALSE, FALSE, TRUE, FALSE, TRUE },
  { "serve", "[ADDRESS…]", "Poll the fleet and serve the HTTP API and metrics",
    "Poll the stored fleet (and each ADDRESS given, identified and added) every\n"
    "--interval seconds, record it, and serve the automation API and Prometheus\n"
    "metrics on --listen (default 127.0.0.1:8080).  The bearer token comes from\n"
    "HASHFLEET_API_TOKEN or --token-file; without one only reads are served, and\n"
    "only on loopback.  Runs until interrupted.",
    hf_cli_serve, FALSE, FALSE, TRUE, FALSE, FALSE, TRUE },
  { "set", "ADDRESS…", "Change miners' settings and check they took",
    "Write the settings given to each miner (only what its model takes: a\n"
    "frequency or voltage it does not list is refused, naming the ones it does;\n"
    "above the model's default needs --overclock), optionally restart it, then\n"
    "read it again: \"applied\", \"applied after restart\" or \"not applied\" per\n"
    "miner.  Exits 0 only when every miner shows the change.",
    hf_cli_set, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, TRUE },
  { "pools", "[add NAME | remove NAME]", "Keep named pool profiles",
    "Without arguments, list the pool profiles in the store.  'add NAME' saves\n"
    "--pool (and --pool-user, --pool-password-file) under NAME; 'remove NAME' drops it.\n"
    "'set ADDRESS… --profile NAME' writes a profile to miners.",
    hf_cli_pools, FALSE, FALSE, TRUE, FALSE, FALSE, FALSE, TRUE },
  { "identify", "ADDRESS…", "Make each miner show itself (blink, \"Hi!\")",
    "Ask each miner to identify itself, where its family can.",
    hf_cli_action },
  { "pause", "ADDRESS…", "Pause hashing on each miner",
    "Stop hashing without restarting, where the family can (resume to go on).",
    hf_cli_action },
  { "resume", "ADDRESS…", "Resume hashing on each miner",
    "Go on hashing after pause.",
    hf_cli_action },
};

static int http_port = -1;
static int cgminer_port = -1;
static int timeout_ms = -1;
static char *antminer_user;
static char *antminer_password;
static char *antminer_password_file;
static char *whatsminer_password;
static char *whatsminer_password_file;
static gboolean json;
static gboolean version;
static gboolean force;
static int concurrency = -1;
static int interval = -1;
static int count = 0;
static gboolean scan_flag;
static gboolean stats;
static char *db_path;
static gboolean no_store;
static char *miner_opt;
static char *format_opt;
static char *since_opt;
static char *until_opt;
static char *resolution_opt;
static char *listen_opt;
static char *token_file;
static int set_frequency = -1;
static int set_voltage = -1;
static char *fan_opt;
static int target_temp = -1;
static char *pool_opt;
static char *pool_user_opt;
static char *pool_password_opt;
static char *pool_password_file;
static char *hostname_opt;
static gboolean restart_flag;
static gboolean overclock_flag;
static char *work_mode_opt;
static char *profile_opt;

static const GOptionEntry shared_entries[] = {
  { "http-port", 0, 0, G_OPTION_ARG_INT, &http_port, "HTTP port of the miners (default 80)", "N" },
  { "cgminer-port", 0, 0, G_OPTION_ARG_INT, &cgminer_port, "cgminer API port (default 4028)", "N" },
  { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_ms, "Deadline per miner in ms (default 5000; for scan, the connect deadline per address, default 1000)", "MS" },
  { "antminer-user", 0, 0, G_OPTION_ARG_STRING, &antminer_user, "Antminer web user (default root; env HASHFLEET_ANTMINER_USER)", "USER" },
  { "antminer-password", 0, 0, G_OPTION_ARG_STRING, &antminer_password, "Antminer web password (default root; visible to other users: prefer the file or env HASHFLEET_ANTMINER_PASSWORD)", "PASSWORD" },
  { "antminer-password-file", 0, 0, G_OPTION_ARG_FILENAME, &antminer_password_file, "Read the Antminer web password from the first line of FILE", "FILE" },
  { "whatsminer-password", 0, 0, G_OPTION_ARG_STRING, &whatsminer_password, "Whatsminer API password (default admin; visible to other users: prefer the file or env HASHFLEET_WHATSMINER_PASSWORD)", "PASSWORD" },
  { "whatsminer-password-file", 0, 0, G_OPTION_ARG_FILENAME, &whatsminer_password_file, "Read the Whatsminer API password from the first line of FILE", "FILE" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The database (default ~/.local/share/hashfleet/hashfleet.db)", "PATH" },
  { "no-store", 0, 0, G_OPTION_ARG_NONE, &no_store, "scan and watch: do not record into the database", NULL },
  { NULL }
};

static const GOptionEntry history_entries[] = {
  { "miner", 'm', 0, G_OPTION_ARG_STRING, &miner_opt, "export: only this miner", "ADDRESS" },
  { "format", 'f', 0, G_OPTION_ARG_STRING, &format_opt, "csv (default) or json (one object per line)", "FORMAT" },
  { "since", 0, 0, G_OPTION_ARG_STRING, &since_opt, "From this time (ISO 8601)", "TIME" },
  { "until", 0, 0, G_OPTION_ARG_STRING, &until_opt, "Up to this time (ISO 8601)", "TIME" },
  { "resolution", 'r', 0, G_OPTION_ARG_STRING, &resolution_opt, "raw (default), 5m or 1h", "RES" },
  { NULL }
};

static const GOptionEntry scan_entries[] = {
  { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency, "Probe sockets at a time (default 512)", "N" },
  { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Scan targets larger than a /16", NULL },
  { NULL }
};

static const GOptionEntry watch_entries[] = {
  { "interval", 'i', 0, G_OPTION_ARG_INT, &interval, "Seconds between polls (default 15)", "S" },
  { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Stop after N cycles (default: never)", "N" },
  { "scan", 0, 0, G_OPTION_ARG_NONE, &scan_flag, "The arguments are TARGETs to scan, not addresses", NULL },
  { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency, "Miners polled at a time (default 64)", "N" },
  { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Scan targets larger than a /16", NULL },
  { "stats", 0, 0, G_OPTION_ARG_NONE, &stats, "After each cycle, what it cost, as JSON on stderr", NULL },
  { NULL }
};

static const GOptionEntry serve_entries[] = {
  { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen_opt, "Address and port to serve on (default 127.0.0.1:8080)", "ADDR:PORT" },
  { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file, "Read the bearer token from FILE (else HASHFLEET_API_TOKEN)", "FILE" },
  { "interval", 'i', 0, G_OPTION_ARG_INT, &interval, "Seconds between polls (default 15)", "S" },
  { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency, "Miners polled at a time (default 64)", "N" },
  { "stats", 0, 0, G_OPTION_ARG_NONE, &stats, "After each cycle, what it cost, as JSON on stderr", NULL },
  { NULL }
};

static const GOptionEntry set_entries[] = {
  { "frequency", 0, 0, G_OPTION_ARG_INT, &set_frequency, "ASIC frequency", "MHZ" },
  { "core-voltage", 0, 0, G_OPTION_ARG_INT, &set_voltage, "ASIC core voltage", "MV" },
  { "fan", 0, 0, G_OPTION_ARG_STRING, &fan_opt, "auto, or a fixed speed 0–100", "auto|PCT" },
  { "target-temp", 0, 0, G_OPTION_ARG_INT, &target_temp, "Temperature the automatic fan keeps", "C" },
  { "pool", 0, 0, G_OPTION_ARG_STRING, &pool_opt, "Primary pool", "stratum+tcp://HOST:PORT" },
  { "pool-user", 0, 0, G_OPTION_ARG_STRING, &pool_user_opt, "Pool user (wallet.worker)", "USER" },
  { "pool-password", 0, 0, G_OPTION_ARG_STRING, &pool_password_opt, "Pool password (visible to other users: prefer --pool-password-file)", "PASSWORD" },
  { "pool-password-file", 0, 0, G_OPTION_ARG_FILENAME, &pool_password_file, "Read the pool password from the first line of FILE", "FILE" },
  { "hostname", 0, 0, G_OPTION_ARG_STRING, &hostname_opt, "Hostname", "NAME" },
  { "work-mode", 0, 0, G_OPTION_ARG_STRING, &work_mode_opt, "Avalon work mode", "eco|standard|super" },
  { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_opt, "set: the pools of this stored profile", "NAME" },
  { "restart", 0, 0, G_OPTION_ARG_NONE, &restart_flag, "Restart after writing, then check", NULL },
  { "overclock", 0, 0, G_OPTION_ARG_NONE, &overclock_flag, "Allow frequency or voltage above the model's default", NULL },
  { NULL }
};

static const GOptionEntry json_entries[] = {
  { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
  { NULL }
};

/* Options that take a value, so that the value is not taken for the word. */
static gboolean
takes_value (const char *arg)
{
  static const char *const with_value[] = {
    "--http-port", "--cgminer-port", "--timeout", "-t", "--antminer-user",
    "--antminer-password", "--antminer-password-file", "--whatsminer-password",
    "--whatsminer-password-file", "--pool-password", "--pool-password-file",
    "--concurrency", "-c",
    "--interval", "-i", "--count", "-n", "--db", "--miner", "-m", "--format", "-f",
    "--since", "--until", "--resolution", "-r",
  };

  for (guint i = 0; i < G_N_ELEMENTS (with_value); i++)
    if (g_str_equal (arg, with_value[i]))
      return TRUE;
  return FALSE;
}

static void
usage (FILE *out)
{
  fprintf (out, "Usage: hashfleet-cli [OPTION…] COMMAND [OPTION…] [ARGUMENT…]\n\n"
                "Manage a home Bitcoin-mining fleet from the command line.\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %-10s %s\n", commands[i].name, commands[i].args, commands[i].summary);
  fprintf (out, "\nRun 'hashfleet-cli COMMAND --help' for a command's options.\n");
}

/* The first line of @path without its line ending: a password kept out
 * of the process list. */
static char *
read_password_file (const char  *command,
                    const char  *option,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *text = NULL;
  char *password;
  GStatBuf st;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, error))
    {
      g_prefix_error (error, "--%s-file: ", option);
      return NULL;
    }
  text[strcspn (text, "\n")] = '\0';
  if (text[0] != '\0' && text[strlen (text) - 1] == '\r')
    text[strlen (text) - 1] = '\0';
  password = g_strdup (text);
  explicit_bzero (text, len);
  if (password[0] == '\0')
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "--%s-file: the first line of %s is empty",
                   option, path);
      g_free (password);
      return NULL;
    }
  if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & (S_IRGRP | S_IROTH)))
    g_printerr ("hashfleet-cli %s: warning: %s can be read by other users (chmod 600 it)\n",
                command, path);
  return password;
}

/* A password from the command line (with a warning: any user sees it in
 * ps) or from a file, into *@password. */
static gboolean
take_password (const char  *command,
               const char  *option,
               char       **password,
               const char  *file,
               const char  *env,
               GError     **error)
{
  if (*password != NULL && file != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "give --%s or --%s-file, not both",
                   option, option);
      return FALSE;
    }
  if (*password != NULL)
    g_printerr ("hashfleet-cli %s: warning: --%s: passwords on the command line are visible "
                "to other users (ps); use --%s-file%s%s\n", command, option, option,
                env != NULL ? " or the environment variable " : "", env != NULL ? env : "");
  else if (file != NULL)
    {
      *password = read_password_file (command, option, file, error);
      if (*password == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_options (const char  *command,
               HfConfig    *config,
               GError     **error)
{
  if (!take_password (command, "antminer-password", &antminer_password, antminer_password_file,
                      "HASHFLEET_ANTMINER_PASSWORD", error)
      || !take_password (command, "whatsminer-password", &whatsminer_password,
                         whatsminer_password_file, "HASHFLEET_WHATSMINER_PASSWORD", error)
      || !take_password (command, "pool-password", &pool_password_opt, pool_password_file,
                         NULL, error))
    return FALSE;

  if (http_port == 0 || http_port > 65535 || cgminer_port == 0 || cgminer_port > 65535)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "ports must be 1–65535");
      return FALSE;
    }
  if (timeout_ms == 0 || timeout_ms > 600000)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "--timeout must be 1–600000 ms");
      return FALSE;
    }
  if (http_port > 0)
    config->http_port = (guint16) http_port;
  if (cgminer_port > 0)
    config->cgminer_port = (guint16) cgminer_port;
  if (timeout_ms > 0)
    {
      config->timeout_ms = (guint) timeout_ms;
      config->connect_timeout_ms = MIN (config->connect_timeout_ms, config->timeout_ms);
    }

#define CREDENTIAL(field, option, env)                    \
  if ((option) != NULL || g_getenv (env) != NULL)         \
    {                                                     \
      g_free (config->field);                             \
      config->field = g_strdup ((option) ? (option) : g_getenv (env)); \
    }
  CREDENTIAL (antminer_user, antminer_user, "HASHFLEET_ANTMINER_USER");
  CREDENTIAL (antminer_password, antminer_password, "HASHFLEET_ANTMINER_PASSWORD");
  CREDENTIAL (whatsminer_password, whatsminer_password, "HASHFLEET_WHATSMINER_PASSWORD");
#undef CREDENTIAL
  return TRUE;
}

static gboolean
interrupted_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const Command *command = NULL;
  g_auto(GStrv) rest = NULL;
  HfCli cli = { 0, };
  int word = -1;
  int status;

  setlocale (LC_ALL, "");

  /* Find the command word: the first argument that is neither an option
   * nor an option's value. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (argv[i][0] == '-')
        {
          if (strchr (argv[i], '=') == NULL && takes_value (argv[i]))
            i++;
          continue;
        }
      word = i;
      break;
    }

  if (word < 0)
    {
      for (int i = 1; i < argc; i++)
        if (g_str_equal (argv[i], "--version"))
          {
            g_print ("hashfleet-cli %s\n", PACKAGE_VERSION);
            return 0;
          }
        else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
          {
            usage (stdout);
            return 0;
          }
      usage (stderr);
      return 2;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[word], commands[i].name))
      command = &commands[i];
  if (command == NULL)
    {
      g_printerr ("hashfleet-cli: unknown command '%s'\n\n", argv[word]);
      usage (stderr);
      return 2;
    }

  g_ptr_array_add (args, argv[0]);
  for (int i = 1; i < argc; i++)
    if (i != word)
      g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);

  {
    g_autofree char *parameter = g_strdup_printf ("%s %s", command->name, command->args);
    GOptionEntry version_entry[] = {
      { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Show the version", NULL },
      { NULL }
    };
    char **parse_argv = (char **) args->pdata;
    int parse_argc = (int) args->len - 1;

    context = g_option_context_new (parameter);
    g_option_context_set_summary (context, command->description);
    if (command->takes_json)
      g_option_context_add_main_entries (context, json_entries, NULL);
    if (command->is_scan)
      g_option_context_add_main_entries (context, scan_entries, NULL);
    if (command->is_watch)
      g_option_context_add_main_entries (context, watch_entries, NULL);
    if (command->is_history)
      g_option_context_add_main_entries (context, history_entries, NULL);
    if (command->is_serve)
      g_option_context_add_main_entries (context, serve_entries, NULL);
    if (command->is_set)
      g_option_context_add_main_entries (context, set_entries, NULL);
    g_option_context_add_main_entries (context, shared_entries, NULL);
    g_option_context_add_main_entries (context, version_entry, NULL);
    if (!g_option_context_parse (context, &parse_argc, &parse_argv, &error))
      {
        g_printerr ("hashfleet-cli %s: %s\n", command->name, error->message);
        return 2;
      }
    if (version)
      {
        g_print ("hashfleet-cli %s\n", PACKAGE_VERSION);
        return 0;
      }
    rest = g_new0 (char *, (gsize) parse_argc);
    for (int i = 1; i < parse_argc; i++)
      rest[i - 1] = g_strdup (g_str_equal (parse_argv[i], "--") ? "" : parse_argv[i]);
  }

  /* Drop the "--" separator, if any. */
  {
    guint n = 0;
    for (guint i = 0; rest[i] != NULL; i++)
      {
        if (rest[i][0] == '\0')
          {
            g_free (rest[i]);
            continue;
          }
        rest[n++] = rest[i];
      }
    rest[n] = NULL;
  }

  cli.config = hf_config_new ();
  if (command->is_scan && timeout_ms > 0)
    {
      /* For scan, --timeout is the connect deadline of each probe;
       * identification keeps its own, longer one. */
      cli.connect_timeout_ms = (guint) MIN (timeout_ms, 600000);
      timeout_ms = -1;
    }
  if (command->is_scan && concurrency == 0)
    {
      g_printerr ("hashfleet-cli scan: --concurrency must be at least 1\n");
      hf_config_unref (cli.config);
      return 2;
    }
  cli.concurrency = concurrency > 0 ? (guint) concurrency : 0;
  cli.force = force;
  if (command->is_watch && (interval == 0 || interval > 86400 || count < 0 || concurrency == 0))
    {
      g_printerr ("hashfleet-cli watch: --interval must be 1–86400 s, --count and "
                  "--concurrency at least 1\n");
      hf_config_unref (cli.config);
      return 2;
    }
  cli.interval_s = interval > 0 ? (guint) interval : 0;
  cli.count = (guint) MAX (count, 0);
  cli.scan = scan_flag;
  cli.stats = stats;
  cli.db_path = db_path;
  cli.no_store = no_store;
  cli.miner = miner_opt;
  cli.format = format_opt;
  cli.since = since_opt;
  cli.until = until_opt;
  cli.resolution = resolution_opt;
  cli.listen = listen_opt;
  if (!apply_options (command->name, cli.config, &error))
    {
      g_printerr ("hashfleet-cli %s: %s\n", command->name, error->message);
      hf_config_unref (cli.config);
      return 2;
    }
  if (rest[0] == NULL && !command->addresses_optional)
    {
      g_printerr ("hashfleet-cli %s: give at least one ADDRESS (see --help)\n", command->name);
      hf_config_unref (cli.config);
      return 2;
    }
  for (guint i = 0; rest[i] != NULL && !command->is_scan && !(command->is_watch && scan_flag)
                    && command->run != hf_cli_export && command->run != hf_cli_pools; i++)
    if (rest[i][0] == '-' || strchr (rest[i], '/') != NULL || strchr (rest[i], ' ') != NULL)
      {
        g_printerr ("hashfleet-cli %s: '%s' is not an address\n", command->name, rest[i]);
        hf_config_unref (cli.config);
        return 2;
      }

  cli.action = g_str_equal (command->name, "pause") ? HF_ACTION_PAUSE
               : g_str_equal (command->name, "resume") ? HF_ACTION_RESUME : HF_ACTION_IDENTIFY;
  cli.settings = hf_miner_settings_new ();
  if (command->is_set)
    {
      HfMinerSettings *st = cli.settings;

      if (set_frequency == 0 || set_voltage == 0 || target_temp == 0)
        {
          g_printerr ("hashfleet-cli %s: --frequency, --core-voltage and --target-temp must be "
                      "positive\n", command->name);
          hf_config_unref (cli.config);
          hf_miner_settings_free (cli.settings);
          return 2;
        }
      st->frequency_mhz = set_frequency > 0 ? (guint) set_frequency : 0;
      st->core_voltage_mv = set_voltage > 0 ? (guint) set_voltage : 0;
      st->target_temp_c = target_temp > 0 ? (guint) target_temp : 0;
      if (fan_opt != NULL)
        {
          guint64 pct;

          if (g_str_equal (fan_opt, "auto"))
            st->fan_auto = TRUE;
          else if (g_ascii_string_to_unsigned (fan_opt, 10, 0, 100, &pct, NULL))
            st->fan_percent = (int) pct;
          else
            {
              g_printerr ("hashfleet-cli %s: --fan takes auto or 0–100, not '%s'\n", command->name, fan_opt);
              hf_config_unref (cli.config);
              hf_miner_settings_free (cli.settings);
              return 2;
            }
        }
      if (pool_opt != NULL)
        {
          g_autofree char *host = NULL;
          guint16 port;

          if (!hf_pool_url_parse (pool_opt, &host, &port, &error))
            {
              g_printerr ("hashfleet-cli %s: %s\n", command->name, error->message);
              hf_config_unref (cli.config);
              hf_miner_settings_free (cli.settings);
              return 2;
            }
        }
      if (work_mode_opt != NULL)
        {
          static const char *modes[] = { "eco", "standard", "super" };
          for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
            if (g_str_equal (work_mode_opt, modes[i]))
              st->work_mode = (int) i;
          if (st->work_mode < 0)
            {
              g_printerr ("hashfleet-cli %s: --work-mode takes eco, standard or super, not '%s'\n", command->name,
                          work_mode_opt);
              hf_config_unref (cli.config);
              hf_miner_settings_free (cli.settings);
              return 2;
            }
        }
      st->pool_url = g_strdup (pool_opt);
      st->pool_user = g_strdup (pool_user_opt);
      st->pool_password = g_strdup (pool_password_opt);
      cli.profile = profile_opt;
      st->hostname = g_strdup (hostname_opt);
      st->allow_overclock = overclock_flag;
      cli.restart_after = restart_flag;
    }
  if (command->is_serve)
    {
      if (token_file != NULL)
        {
          g_autofree char *text = NULL;

          if (!g_file_get_contents (token_file, &text, NULL, &error))
            {
              g_printerr ("hashfleet-cli serve: %s\n", error->message);
              hf_config_unref (cli.config);
              hf_miner_settings_free (cli.settings);
              return 2;
            }
          cli.token = g_strdup (g_strstrip (text));
        }
      else
        cli.token = g_strdup (g_getenv ("HASHFLEET_API_TOKEN"));
      if (interval == 0 || interval > 86400 || concurrency == 0)
        {
          g_printerr ("hashfleet-cli serve: --interval must be 1–86400 s, --concurrency at least 1\n");
          hf_config_unref (cli.config);
          hf_miner_settings_free (cli.settings);
          return 2;
        }
    }
  cli.json = json;
  hf_process_raise_fd_limit ();
  cli.cancellable = g_cancellable_new ();
  cli.max_in_flight = 64;
  g_unix_signal_add (SIGINT, interrupted_cb, cli.cancellable);

  status = command->run (&cli, rest);
  if (!hf_cli_end_session (&cli) && status == 0)
    status = 1;

  g_clear_pointer (&cli.jobs, g_ptr_array_unref);
  g_clear_pointer (&cli.loop, g_main_loop_unref);
  g_clear_object (&cli.cancellable);
  hf_config_unref (cli.config);
  hf_miner_settings_free (cli.settings);
  g_free (cli.token);
  g_free (antminer_user);
  g_free (antminer_password);
  g_free (antminer_password_file);
  g_free (whatsminer_password);
  g_free (whatsminer_password_file);
  g_free (pool_password_opt);
  g_free (pool_password_file);
  return status;
}
