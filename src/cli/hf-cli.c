/* hf-cli.c — hashfleet-cli: the core driven from the command line
 * SPDX-License-Identifier: MIT
 *
 * main() parses, validates, runs.  Each command names the option groups
 * it takes; each group's GOptionEntry table stores into one HfCliOptions.
 * The command word is found first (the first argument that is neither an
 * option nor an option's value, which options take a value coming from
 * the tables themselves), then one option context with the command's
 * groups parses everything else: a command's options may stand before or
 * after the word.  Validation turns the options into the HfCli the
 * command runs with.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "config.h"
#include "hf-cli.h"

typedef int (*CommandFunc) (HfCli *cli, char **args);

/* What the option groups fill in: -1 or NULL when not given.  Validation
 * turns it into the HfCli a command runs with (a password read from its
 * file lands in its option). */
typedef struct
{
  /* shared */
  int       http_port;
  int       cgminer_port;
  int       timeout_ms;
  char     *antminer_user;
  char     *antminer_password;
  char     *antminer_password_file;
  char     *whatsminer_password;
  char     *whatsminer_password_file;
  char     *whatsminer_super_password;
  char     *whatsminer_super_password_file;
  int       whatsminer_v3_port;
  char     *braiins_user;
  char     *braiins_password;
  char     *braiins_password_file;
  char     *vnish_password;
  char     *vnish_password_file;
  char     *db_path;
  gboolean  no_store;
  /* the commands that take addresses */
  char     *group;
  /* json */
  gboolean  json;
  /* scan and poll */
  int       concurrency;
  /* scan and watch */
  gboolean  force;
  /* poll */
  int       interval;
  int       not_hashing_after;
  gboolean  stats;
  /* watch */
  int       count;
  gboolean  scan;
  /* history */
  char     *miner;
  char     *format;
  char     *since;
  char     *until;
  char     *resolution;
  /* energy and serve */
  char     *tariff;
  /* serve */
  char     *config_file;
  char     *listen;
  char     *token_file;
  double    power_budget;
  /* budget */
  double    watts;
  char     *api;
  char     *token;
  /* serve, watch and notify-test */
  char    **notify;
  char     *notify_file;
  char     *mqtt;
  char     *mqtt_password_file;
  char     *mqtt_prefix;
  gboolean  mqtt_allow_control;
  /* set */
  int       frequency;
  int       core_voltage;
  char     *fan;
  int       target_temp;
  char     *pool;
  char     *pool_user;
  char     *pool_password;
  char     *pool_password_file;
  char     *hostname;
  char     *work_mode;
  int       power_limit;
  char     *preset;
  char     *profile;
  gboolean  restart;
  gboolean  overclock;
  /* tune */
  char     *objective;
  double    max_temp;
  double    max_vr_temp;
  double    max_power;
  double    max_errors;
  int       settle;
  int       samples;
  /* schedule */
  char     *days;
  char     *time;
  char     *state;
  /* guard */
  double    chip_limit;
  double    vr_limit;
  int       cool_minutes;
  /* update */
  char     *firmware;
  char     *www;
  gboolean  dry_run;
  int       wait;
  /* every command */
  gboolean  help;
  gboolean  version;
} HfCliOptions;

#define HF_CLI_OPTIONS_INIT { .http_port = -1, .cgminer_port = -1, .whatsminer_v3_port = -1, \
                              .timeout_ms = -1, \
                              .concurrency = -1, .interval = -1, .frequency = -1, \
                              .not_hashing_after = -1, \
                              .core_voltage = -1, .target_temp = -1, \
                              .power_budget = -1, .watts = -1, .power_limit = -1, \
                              .chip_limit = -1, .vr_limit = -1, .cool_minutes = -1, \
                              .max_temp = -1, .max_vr_temp = -1, .max_power = -1, \
                              .max_errors = -1, .settle = -1, .samples = -1, .wait = -1 }

/* A group of options, as GOptionEntry entries that store into @o (a new
 * array, NULL-terminated). */
typedef struct
{
  const char    *name;
  const char    *title;       /* its heading in --help */
  GOptionEntry *(*entries) (HfCliOptions *o);
} OptionGroup;

static GOptionEntry *
shared_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "http-port", 0, 0, G_OPTION_ARG_INT, &o->http_port,
      "HTTP port of the miners (default 80)", "N" },
    { "cgminer-port", 0, 0, G_OPTION_ARG_INT, &o->cgminer_port,
      "cgminer API port (default 4028)", "N" },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &o->timeout_ms,
      "Deadline per miner in ms (default 5000; for scan, the connect deadline per address, "
      "default 1000)", "MS" },
    { "antminer-user", 0, 0, G_OPTION_ARG_STRING, &o->antminer_user,
      "Antminer web user (default root; env HASHFLEET_ANTMINER_USER)", "USER" },
    { "antminer-password", 0, 0, G_OPTION_ARG_STRING, &o->antminer_password,
      "Antminer web password (default root; visible to other users: prefer the file or env "
      "HASHFLEET_ANTMINER_PASSWORD)", "PASSWORD" },
    { "antminer-password-file", 0, 0, G_OPTION_ARG_FILENAME, &o->antminer_password_file,
      "Read the Antminer web password from the first line of FILE", "FILE" },
    { "whatsminer-password", 0, 0, G_OPTION_ARG_STRING, &o->whatsminer_password,
      "Whatsminer API password (default admin; visible to other users: prefer the file or env "
      "HASHFLEET_WHATSMINER_PASSWORD)", "PASSWORD" },
    { "whatsminer-password-file", 0, 0, G_OPTION_ARG_FILENAME, &o->whatsminer_password_file,
      "Read the Whatsminer API password from the first line of FILE", "FILE" },
    { "whatsminer-v3-port", 0, 0, G_OPTION_ARG_INT, &o->whatsminer_v3_port,
      "Whatsminer API v3 port (default 4433)", "N" },
    { "whatsminer-super-password", 0, 0, G_OPTION_ARG_STRING, &o->whatsminer_super_password,
      "Whatsminer API v3 password of the account super (default super; visible to other users: "
      "prefer the file or env HASHFLEET_WHATSMINER_SUPER_PASSWORD)", "PASSWORD" },
    { "whatsminer-super-password-file", 0, 0, G_OPTION_ARG_FILENAME,
      &o->whatsminer_super_password_file,
      "Read the Whatsminer API v3 super password from the first line of FILE", "FILE" },
    { "braiins-user", 0, 0, G_OPTION_ARG_STRING, &o->braiins_user,
      "Braiins OS user (default root; env HASHFLEET_BRAIINS_USER)", "USER" },
    { "braiins-password", 0, 0, G_OPTION_ARG_STRING, &o->braiins_password,
      "Braiins OS password (default root; visible to other users: prefer the file or env "
      "HASHFLEET_BRAIINS_PASSWORD)", "PASSWORD" },
    { "braiins-password-file", 0, 0, G_OPTION_ARG_FILENAME, &o->braiins_password_file,
      "Read the Braiins OS password from the first line of FILE", "FILE" },
    { "vnish-password", 0, 0, G_OPTION_ARG_STRING, &o->vnish_password,
      "VNish web password (default admin; visible to other users: prefer the file or env "
      "HASHFLEET_VNISH_PASSWORD)", "PASSWORD" },
    { "vnish-password-file", 0, 0, G_OPTION_ARG_FILENAME, &o->vnish_password_file,
      "Read the VNish web password from the first line of FILE", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &o->db_path,
      "The database (default ~/.local/share/hashfleet/hashfleet.db)", "PATH" },
    { "no-store", 0, 0, G_OPTION_ARG_NONE, &o->no_store,
      "scan and watch: do not record into the database", NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
group_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "group", 'g', 0, G_OPTION_ARG_STRING, &o->group,
      "The miners of group NAME too (see groups)", "NAME" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
json_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o->json, "One JSON object per line", NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
scan_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "concurrency", 'c', 0, G_OPTION_ARG_INT, &o->concurrency,
      "Probe sockets at a time (default 512)", "N" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o->force, "Scan targets larger than a /16", NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

/* watch and serve poll the fleet alike. */
static GOptionEntry *
poll_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "interval", 'i', 0, G_OPTION_ARG_INT, &o->interval,
      "Seconds between polls (default 15)", "S" },
    { "concurrency", 'c', 0, G_OPTION_ARG_INT, &o->concurrency,
      "Miners polled at a time (default 64)", "N" },
    { "not-hashing-after", 0, 0, G_OPTION_ARG_INT, &o->not_hashing_after,
      "A miner with no share accepted for this long is not hashing (default 10)", "MIN" },
    { "stats", 0, 0, G_OPTION_ARG_NONE, &o->stats,
      "After each cycle, what it cost, as JSON on stderr", NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
watch_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &o->count,
      "Stop after N cycles (default: never)", "N" },
    { "scan", 0, 0, G_OPTION_ARG_NONE, &o->scan,
      "The arguments are TARGETs to scan, not addresses", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o->force, "Scan targets larger than a /16", NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
history_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "miner", 'm', 0, G_OPTION_ARG_STRING, &o->miner, "export: only this miner", "ADDRESS" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &o->format,
      "csv (default) or json (one object per line)", "FORMAT" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &o->since, "From this time (ISO 8601)", "TIME" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &o->until, "Up to this time (ISO 8601)", "TIME" },
    { "resolution", 'r', 0, G_OPTION_ARG_STRING, &o->resolution, "raw (default), 5m or 1h",
      "RES" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
energy_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "miner", 'm', 0, G_OPTION_ARG_STRING, &o->miner, "Only the miner at ADDRESS", "ADDRESS" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &o->since,
      "From this time (ISO 8601, a date or unix seconds; default today's midnight)", "TIME" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &o->until, "Up to this time (default now)", "TIME" },
    { "tariff", 0, 0, G_OPTION_ARG_STRING, &o->tariff,
      "Prices per kWh, like \"EUR 0.30; mon-fri 07:00-22:00 0.32\" (README: Energy)", "TEXT" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
serve_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &o->config_file,
      "The app's settings from this key file ([hashfleet]); options given override it",
      "FILE" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &o->listen,
      "Address and port to serve on (default 127.0.0.1:8080)", "ADDR:PORT" },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &o->token_file,
      "Read the bearer token from FILE (else HASHFLEET_API_TOKEN)", "FILE" },
    { "mqtt", 0, 0, G_OPTION_ARG_STRING, &o->mqtt,
      "Publish to this MQTT broker, with Home Assistant discovery",
      "mqtt[s]://[USER@]HOST[:PORT]" },
    { "mqtt-password-file", 0, 0, G_OPTION_ARG_FILENAME, &o->mqtt_password_file,
      "Read the MQTT password from the first line of FILE (else HASHFLEET_MQTT_PASSWORD)",
      "FILE" },
    { "mqtt-allow-control", 0, 0, G_OPTION_ARG_NONE, &o->mqtt_allow_control,
      "Offer restart, identify and pause in Home Assistant, and obey them", NULL },
    { "mqtt-prefix", 0, 0, G_OPTION_ARG_STRING, &o->mqtt_prefix,
      "Home Assistant discovery prefix (default homeassistant)", "PREFIX" },
    { "tariff", 0, 0, G_OPTION_ARG_STRING, &o->tariff,
      "Prices per kWh for the energy cost in the API and metrics (README: Energy)", "TEXT" },
    { "power-budget", 0, 0, G_OPTION_ARG_DOUBLE, &o->power_budget,
      "Keep the fleet under W watts, curtailing the least efficient miners (0: no budget; "
      "default: the one kept in the store)", "W" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
budget_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "watts", 'w', 0, G_OPTION_ARG_DOUBLE, &o->watts,
      "Set the budget to W watts (0: no budget); without it, show the budget", "W" },
    { "api", 0, 0, G_OPTION_ARG_STRING, &o->api,
      "The API of a running serve (else HASHFLEET_API_URL, else http://127.0.0.1:8080)", "URL" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &o->token,
      "The API's bearer token (visible to other users: prefer --token-file or "
      "HASHFLEET_API_TOKEN)", "TOKEN" },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &o->token_file,
      "Read the bearer token from FILE", "FILE" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
notify_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "notify-file", 0, 0, G_OPTION_ARG_FILENAME, &o->notify_file,
      "Notification URLs, one a line ('#' starts a comment); only its owner may read it",
      "FILE" },
    { "notify", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->notify,
      "A notification URL (ntfy://, json://, discord://, tgram://, gotify://…; visible to "
      "other users: prefer --notify-file); may be repeated", "URL" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
set_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "frequency", 0, 0, G_OPTION_ARG_INT, &o->frequency, "ASIC frequency", "MHZ" },
    { "core-voltage", 0, 0, G_OPTION_ARG_INT, &o->core_voltage, "ASIC core voltage", "MV" },
    { "fan", 0, 0, G_OPTION_ARG_STRING, &o->fan, "auto, or a fixed speed 0–100", "auto|PCT" },
    { "target-temp", 0, 0, G_OPTION_ARG_INT, &o->target_temp,
      "Temperature the automatic fan keeps", "C" },
    { "pool", 0, 0, G_OPTION_ARG_STRING, &o->pool, "Primary pool", "stratum+tcp://HOST:PORT" },
    { "pool-user", 0, 0, G_OPTION_ARG_STRING, &o->pool_user, "Pool user (wallet.worker)",
      "USER" },
    { "pool-password", 0, 0, G_OPTION_ARG_STRING, &o->pool_password,
      "Pool password (visible to other users: prefer --pool-password-file)", "PASSWORD" },
    { "pool-password-file", 0, 0, G_OPTION_ARG_FILENAME, &o->pool_password_file,
      "Read the pool password from the first line of FILE", "FILE" },
    { "hostname", 0, 0, G_OPTION_ARG_STRING, &o->hostname, "Hostname", "NAME" },
    { "work-mode", 0, 0, G_OPTION_ARG_STRING, &o->work_mode, "Avalon work mode",
      "eco|standard|super" },
    { "power-limit", 0, 0, G_OPTION_ARG_INT, &o->power_limit,
      "Power target or limit (Braiins OS, Whatsminer; VNish: a tuned preset's watts)", "W" },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &o->preset,
      "The firmware's own profile or preset (LuxOS profile, VNish preset, Whatsminer "
      "low|normal|high)", "NAME" },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &o->profile,
      "set: the pools of this stored profile", "NAME" },
    { "restart", 0, 0, G_OPTION_ARG_NONE, &o->restart, "Restart after writing, then check",
      NULL },
    { "overclock", 0, 0, G_OPTION_ARG_NONE, &o->overclock,
      "Allow frequency or voltage above the model's default", NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
schedule_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "days", 0, 0, G_OPTION_ARG_STRING, &o->days, "The days a range starts (mon-fri, sat,sun, "
      "daily)", "DAYS" },
    { "time", 0, 0, G_OPTION_ARG_STRING, &o->time, "Local time range; an end at or before the "
      "start is the next day", "HH:MM-HH:MM" },
    { "state", 0, 0, G_OPTION_ARG_STRING, &o->state, "mining, paused, mode:N, preset:MHZ/MV or "
      "pool:PROFILE", "STATE" },
    { "group", 0, 0, G_OPTION_ARG_STRING, &o->group, "For a group of miners instead of one "
      "address", "NAME" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
guard_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "chip-limit", 0, 0, G_OPTION_ARG_DOUBLE, &o->chip_limit, "Step down when a chip is hotter "
      "(°C, 30–110; default 70)", "C" },
    { "vr-limit", 0, 0, G_OPTION_ARG_DOUBLE, &o->vr_limit, "Step down when the voltage regulator "
      "is hotter (°C, 30–110; default 85)", "C" },
    { "cool-minutes", 0, 0, G_OPTION_ARG_INT, &o->cool_minutes, "Step back up after this many "
      "minutes cool (1–1440; default 10)", "N" },
    { "group", 0, 0, G_OPTION_ARG_STRING, &o->group, "For a group of miners instead of one "
      "address", "NAME" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
tune_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "objective", 0, 0, G_OPTION_ARG_STRING, &o->objective, "What the winner is best at "
      "(default efficiency: the lowest J/TH; watts:N the most hashrate at or under N W)",
      "efficiency|hashrate|watts:N" },
    { "max-temp", 0, 0, G_OPTION_ARG_DOUBLE, &o->max_temp, "Chip temperature limit, 30–110 "
      "(default 65)", "C" },
    { "max-vr-temp", 0, 0, G_OPTION_ARG_DOUBLE, &o->max_vr_temp, "Voltage regulator "
      "temperature limit, 30–110 (default 80)", "C" },
    { "max-power", 0, 0, G_OPTION_ARG_DOUBLE, &o->max_power, "Power limit, 1–10000 (default "
      "none)", "W" },
    { "max-errors", 0, 0, G_OPTION_ARG_DOUBLE, &o->max_errors, "Error rate a clean step stays "
      "within, 0–100 (default 1)", "PCT" },
    { "settle", 0, 0, G_OPTION_ARG_INT, &o->settle, "Seconds each step settles before it is "
      "measured, 1–3600 (default 120)", "S" },
    { "samples", 0, 0, G_OPTION_ARG_INT, &o->samples, "Readings measured per step, 1–100 "
      "(default 5)", "N" },
    { "overclock", 0, 0, G_OPTION_ARG_NONE, &o->overclock,
      "Allow frequencies and voltages above the model's default", NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static GOptionEntry *
update_entries (HfCliOptions *o)
{
  const GOptionEntry entries[] = {
    { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &o->firmware, "The firmware image "
      "(esp-miner.bin)", "FILE" },
    { "www", 0, 0, G_OPTION_ARG_FILENAME, &o->www, "The web UI image (www.bin), sent after "
      "the firmware", "FILE" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &o->dry_run, "Check the images and the miners; send "
      "nothing", NULL },
    { "wait", 0, 0, G_OPTION_ARG_INT, &o->wait, "Seconds a miner may take to come back after "
      "an upload, 10–600 (default 120)", "S" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static const OptionGroup shared_group = { "shared", "Shared Options:", shared_entries };
static const OptionGroup json_group = { "json", "Output Options:", json_entries };
static const OptionGroup group_group = { "group", "Group Options:", group_entries };
static const OptionGroup scan_group = { "scan", "Scan Options:", scan_entries };
static const OptionGroup poll_group = { "poll", "Polling Options:", poll_entries };
static const OptionGroup watch_group = { "watch", "Watch Options:", watch_entries };
static const OptionGroup history_group = { "history", "History Options:", history_entries };
static const OptionGroup energy_group = { "energy", "Energy Options:", energy_entries };
static const OptionGroup serve_group = { "serve", "Serve Options:", serve_entries };
static const OptionGroup budget_group = { "budget", "Budget Options:", budget_entries };
static const OptionGroup set_group = { "set", "Settings Options:", set_entries };
static const OptionGroup notify_group = { "notify", "Notification Options:", notify_entries };
static const OptionGroup schedule_group = { "schedule", "Schedule Options:", schedule_entries };
static const OptionGroup guard_group = { "guard", "Guard Options:", guard_entries };
static const OptionGroup tune_group = { "tune", "Tune Options:", tune_entries };
static const OptionGroup update_group = { "update", "Update Options:", update_entries };

/* What a command's arguments are. */
typedef enum
{
  ARGS_ADDRESSES,           /* ADDRESS…: at least one */
  ARGS_OPTIONAL_ADDRESSES,  /* [ADDRESS…] (watch --scan: TARGETs) */
  ARGS_TARGETS,             /* [TARGET…], which the command parses */
  ARGS_OWN,                 /* words the command reads itself */
} Arguments;

typedef struct
{
  const char         *name;
  const char         *args;
  const char         *summary;
  const char         *description;
  CommandFunc         run;
  Arguments           arguments;
  const OptionGroup  *groups[8];    /* the options it takes; NULL-terminated */
  HfMinerAction       action;       /* identify, pause, resume */
  gboolean            until_stopped; /* runs until a signal: SIGTERM ends it gently too */
} Command;

static const Command commands[] = {
  { "status", "ADDRESS…", "Identify and poll each miner",
    "Identify the miner at each ADDRESS (any supported family) and show its current\n"
    "reading: a table for people, or one JSON object per line with --json.\n"
    "Exits non-zero when any address failed; the reason is in \"error\" and on stderr.",
    hf_cli_status, ARGS_ADDRESSES, { &group_group, &json_group, &shared_group } },
  { "restart", "ADDRESS…", "Restart each miner",
    "Ask the miner at each ADDRESS to reboot, the way its family does it.\n"
    "Exits 0 only when every miner accepted the restart.",
    hf_cli_restart, ARGS_ADDRESSES, { &group_group, &json_group, &shared_group } },
  { "scan", "[TARGET…]", "Find the miners in address ranges",
    "Probe every address of the TARGETs (192.0.2.0/24, 192.0.2.10-192.0.2.50,\n"
    "192.0.2.10-50, single addresses; default: the subnets of this machine's own\n"
    "interfaces, each at most a /22) and print each miner as it is identified,\n"
    "with the same keys as status.  The summary goes to stderr.  Targets larger\n"
    "than a /16 need --force.",
    hf_cli_scan, ARGS_TARGETS, { &scan_group, &json_group, &shared_group } },
  { "watch", "[ADDRESS…]", "Poll miners and show the fleet every interval",
    "Identify each ADDRESS (or, with --scan, find the miners in the TARGETs\n"
    "given instead), then poll them every --interval seconds: one line of fleet\n"
    "totals per cycle, or with --json one JSON object per reading (the keys of\n"
    "status).  --count stops after that many cycles.  Alerts and found blocks\n"
    "go to each --notify-file and --notify URL, as with serve.",
    hf_cli_watch, ARGS_OPTIONAL_ADDRESSES,
    { &watch_group, &poll_group, &group_group, &notify_group, &json_group, &shared_group }, 0,
    TRUE },
  { "list", "", "Show the stored fleet",
    "The miners in the store, with when each was last seen (a table, or JSON\n"
    "Lines with --json and each miner's last reading).",
    hf_cli_list, ARGS_OPTIONAL_ADDRESSES, { &json_group, &shared_group } },
  { "history", "ADDRESS", "Show one miner's recorded readings",
    "The readings recorded for ADDRESS, the last 24 hours unless --since says\n"
    "otherwise, as CSV (or --format json).",
    hf_cli_history, ARGS_ADDRESSES, { &history_group, &shared_group } },
  { "export", "", "Write recorded history as CSV or JSON Lines",
    "Every recorded reading (or one miner's, with --miner) between --since and\n"
    "--until, at raw, 5-minute or hourly resolution.",
    hf_cli_export, ARGS_OWN, { &history_group, &shared_group } },
  { "energy", "", "Show the energy miners drew, and what it cost",
    "The energy each miner and the fleet drew between --since and --until (today\n"
    "so far unless told), integrated from the recorded power readings: kWh, the\n"
    "part from estimated power, how much of the time had data (readings further\n"
    "apart than three poll intervals, at least 60 s, are no data), and with\n"
    "--tariff the cost.  A table, or one JSON object with --json.",
    hf_cli_energy, ARGS_OWN, { &energy_group, &group_group, &json_group, &shared_group } },
  { "serve", "[ADDRESS…]", "Poll the fleet and serve the HTTP API and metrics",
    "Poll the stored fleet (and each ADDRESS given, identified and added) every\n"
    "--interval seconds, record it, and serve the automation API and Prometheus\n"
    "metrics on --listen (default 127.0.0.1:8080).  The bearer token comes from\n"
    "HASHFLEET_API_TOKEN or --token-file; without one only reads are served, and\n"
    "only on loopback.  Alerts and found blocks go to each --notify-file URL;\n"
    "once stopped (SIGINT, SIGTERM), what is still to be sent gets 3 s.\n"
    "With --mqtt, the fleet is also published to an MQTT broker for Home\n"
    "Assistant (discovery, states, and commands with --mqtt-allow-control).\n"
    "With --config FILE, the app's settings come from FILE (subnets, interval,\n"
    "alert thresholds, api-enabled and api-listen, mqtt-*); the options given\n"
    "override it.  Runs until interrupted (SIGINT or SIGTERM).",
    hf_cli_serve, ARGS_OPTIONAL_ADDRESSES,
    { &serve_group, &notify_group, &poll_group, &shared_group }, 0, TRUE },
  { "budget", "", "Show or set the power budget of a running serve",
    "Through the HTTP API of a running serve (--api, else HASHFLEET_API_URL, else\n"
    "http://127.0.0.1:8080): without --watts, show the budget, the fleet's power and\n"
    "the miners it curtailed, and why; with --watts W, keep the fleet under W watts\n"
    "(0: no budget), which needs the API's token (--token-file, --token or\n"
    "HASHFLEET_API_TOKEN).  A table, or the API's JSON object with --json.",
    hf_cli_budget, ARGS_OWN, { &budget_group, &json_group } },
  { "notify-test", "", "Send a test notification to each channel",
    "Send one test notification to every URL of --notify-file (and --notify),\n"
    "the way serve sends alerts, and say for each whether it was delivered.\n"
    "Exits 0 only when every channel took it.",
    hf_cli_notify_test, ARGS_OWN, { &notify_group } },
  { "set", "ADDRESS…", "Change miners' settings and check they took",
    "Write the settings given to each miner (only what its model takes: a\n"
    "frequency or voltage it does not list is refused, naming the ones it does;\n"
    "above the model's default needs --overclock), optionally restart it, then\n"
    "read it again: \"applied\", \"applied after restart\" or \"not applied\" per\n"
    "miner.  Exits 0 only when every miner shows the change.",
    hf_cli_set, ARGS_ADDRESSES, { &set_group, &group_group, &shared_group } },
  { "tune", "ADDRESS…", "Find the best settings each miner runs clean at",
    "Sweep each miner's own frequency options from low to high (not above the\n"
    "model's default without --overclock) and, for each, the lowest voltage option\n"
    "that runs clean; each step settles for --settle seconds, then --samples\n"
    "readings are measured.  A reading past a limit (--max-temp, --max-vr-temp,\n"
    "--max-power) ends the step at once and the sweep.  The winner for --objective\n"
    "is applied; the original settings go back on Ctrl-C or failure, and, kept in\n"
    "the store (--db), at the next start after a crash.  An Avalon steps through\n"
    "its work modes.  A line per step (a table, or JSON Lines with --json), the\n"
    "winner last; exits 0 only when every miner got a winner.",
    hf_cli_tune, ARGS_ADDRESSES, { &tune_group, &group_group, &json_group, &shared_group } },
  { "pools", "[add NAME | remove NAME]", "Keep named pool profiles",
    "Without arguments, list the pool profiles in the store.  'add NAME' saves\n"
    "--pool (and --pool-user, --pool-password-file) under NAME; 'remove NAME' drops it.\n"
    "'set ADDRESS… --profile NAME' writes a profile to miners.",
    hf_cli_pools, ARGS_OWN, { &set_group, &shared_group } },
  { "groups", "[list | create NAME | rename OLD NEW | delete NAME | add NAME ADDRESS… | "
    "remove NAME ADDRESS…]", "Keep named groups of miners",
    "Without arguments, list the groups in the store and their miners (--json: one\n"
    "object per line).  'create NAME', 'rename OLD NEW' and 'delete NAME' change\n"
    "the groups (names are compared ignoring case); 'add NAME ADDRESS…' and\n"
    "'remove NAME ADDRESS…' put miners of the stored fleet in a group or take them\n"
    "out.  status, restart, identify, pause, resume, set, watch and energy take\n"
    "--group NAME for the group's miners.",
    hf_cli_groups, ARGS_OWN, { &json_group, &shared_group } },
  { "schedule", "[list | add | remove ID | override ADDRESS | resume ADDRESS]",
    "Keep miners mining, paused or set by weekday and time",
    "Without arguments (or 'list'), the schedules in the store (--json: as the API\n"
    "gives them).  'add ADDRESS' (or 'add --group NAME') --days mon-fri --time\n"
    "22:00-06:00 --state paused keeps one: in that local time range the miner is\n"
    "kept in that state (mining, paused, mode:N for an Avalon work mode,\n"
    "preset:MHZ/MV from the model's options, pool:PROFILE); outside every range it\n"
    "is left alone.  'remove ID' drops one.  'override ADDRESS' leaves the miner\n"
    "alone until its schedule next switches; 'resume ADDRESS' ends that.  The app\n"
    "and serve enforce them; a running serve reads changes within a minute.",
    hf_cli_schedule, ARGS_OWN, { &schedule_group, &json_group, &shared_group } },
  { "guard", "[list | set ADDRESS | set --group NAME | remove ADDRESS | remove --group NAME]",
    "Step hot miners down and back up once cool",
    "Without arguments (or 'list'), the thermal guards in the store and the miners\n"
    "stepped down now (--json: as the API gives them).  'set ADDRESS' (or 'set\n"
    "--group NAME') [--chip-limit C] [--vr-limit C] [--cool-minutes N] guards a\n"
    "miner or a group: past a limit the miner is stepped down one frequency\n"
    "option (AxeOS, NerdOS) or work mode (Avalon), and back up one after it stayed\n"
    "3 °C under its limits for the cool period.  A miner's own guard beats its\n"
    "group's.  'remove' drops a guard (a miner stepped down goes back where it\n"
    "was).  The app and serve act on them; a running serve reads changes within a\n"
    "minute.",
    hf_cli_guard, ARGS_OWN, { &guard_group, &json_group, &shared_group } },
  { "identify", "ADDRESS…", "Make each miner show itself (blink, \"Hi!\")",
    "Ask each miner to identify itself, where its family can.",
    hf_cli_action, ARGS_ADDRESSES, { &group_group, &shared_group }, HF_ACTION_IDENTIFY },
  { "pause", "ADDRESS…", "Pause hashing on each miner",
    "Stop hashing without restarting, where the family can (resume to go on).",
    hf_cli_action, ARGS_ADDRESSES, { &group_group, &shared_group }, HF_ACTION_PAUSE },
  { "resume", "ADDRESS…", "Resume hashing on each miner",
    "Go on hashing after pause.",
    hf_cli_action, ARGS_ADDRESSES, { &group_group, &shared_group }, HF_ACTION_RESUME },
  { "update", "ADDRESS…", "Update AxeOS miners' firmware, one at a time",
    "Check --firmware (esp-miner.bin: an ESP32-S3 ESP-IDF app image of project\n"
    "esp-miner) and --www (www.bin: a SPIFFS image that fits the www partition),\n"
    "print their SHA-256 and size, then update each AxeOS or NerdOS miner in\n"
    "turn: upload the firmware, wait up to --wait seconds for it to come back\n"
    "running the image's version, then upload the web UI.  The first failure\n"
    "stops the run; the miners after it are left untouched.  A miner already on\n"
    "the image's version is skipped.  --dry-run checks the images and the miners\n"
    "and says what would happen, sending nothing.  Exits 0 only when every miner\n"
    "runs the image's version (or would, with --dry-run).",
    hf_cli_update, ARGS_ADDRESSES, { &update_group, &group_group, &shared_group } },
};

static gboolean
takes_group (const Command     *command,
             const OptionGroup *group)
{
  for (guint i = 0; command->groups[i] != NULL; i++)
    if (command->groups[i] == group)
      return TRUE;
  return FALSE;
}

typedef void (*EntryFunc) (const GOptionEntry *entry,
                           gpointer            data);

/* Call @func on every entry of every group of every command. */
static void
foreach_entry (HfCliOptions *o,
               EntryFunc     func,
               gpointer      data)
{
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    for (guint g = 0; commands[c].groups[g] != NULL; g++)
      {
        g_autofree GOptionEntry *entries = commands[c].groups[g]->entries (o);

        for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
          func (e, data);
      }
}

static void
add_value_option (const GOptionEntry *entry,
                  gpointer            data)
{
  GHashTable *with_value = data;

  if (entry->arg == G_OPTION_ARG_NONE)
    return;
  g_hash_table_add (with_value, g_strconcat ("--", entry->long_name, NULL));
  if (entry->short_name != '\0')
    g_hash_table_add (with_value, g_strdup_printf ("-%c", entry->short_name));
}

/* Whether @arg, an option, takes the next argument as its value, the way
 * GOptionContext reads it: a long option without "=VALUE", or a cluster
 * of short ones ("-jn 5") one of which takes a value. */
static gboolean
takes_value (GHashTable *with_value,
             const char *arg)
{
  if (g_str_has_prefix (arg, "--"))
    return strchr (arg, '=') == NULL && g_hash_table_contains (with_value, arg);
  for (const char *c = arg + 1; *c != '\0'; c++)
    {
      const char name[] = { '-', *c, '\0' };

      if (g_hash_table_contains (with_value, name))
        return TRUE;
    }
  return FALSE;
}

/* The index of the command word in @argv, or -1: the first argument that
 * is neither an option nor an option's value.  Which options take a value
 * comes from the groups of every command, since the word, and so which
 * groups apply, is not known yet. */
static int
find_word (int           argc,
           char        **argv,
           HfCliOptions *o)
{
  g_autoptr(GHashTable) with_value = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            NULL);

  foreach_entry (o, add_value_option, with_value);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (argv[i][0] != '-')
        return i;
      if (takes_value (with_value, argv[i]))
        i++;
    }
  return -1;
}

static void
usage (FILE *out)
{
  fprintf (out, "Usage: hashfleet-cli [OPTION…] COMMAND [OPTION…] [ARGUMENT…]\n\n"
                "Manage a home Bitcoin-mining fleet from the command line.\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-11s %-10s %s\n", commands[i].name, commands[i].args, commands[i].summary);
  fprintf (out, "\nRun 'hashfleet-cli COMMAND --help' for a command's options.\n");
}

static gboolean invalid (GError     **error,
                         const char  *format,
                         ...) G_GNUC_PRINTF (2, 3);

/* A usage error: FALSE, with @error set. */
static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (HF_ERROR, HF_ERROR_INVALID, format, args));
  va_end (args);
  return FALSE;
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

/* The shared options into @config (@timeout_ms for --timeout), the
 * passwords from their files. */
static gboolean
take_shared (const char    *command,
             HfCliOptions  *o,
             int            timeout_ms,
             HfConfig      *config,
             GError       **error)
{
  if (!take_password (command, "antminer-password", &o->antminer_password,
                      o->antminer_password_file, "HASHFLEET_ANTMINER_PASSWORD", error)
      || !take_password (command, "whatsminer-password", &o->whatsminer_password,
                         o->whatsminer_password_file, "HASHFLEET_WHATSMINER_PASSWORD", error)
      || !take_password (command, "whatsminer-super-password", &o->whatsminer_super_password,
                         o->whatsminer_super_password_file,
                         "HASHFLEET_WHATSMINER_SUPER_PASSWORD", error)
      || !take_password (command, "braiins-password", &o->braiins_password,
                         o->braiins_password_file, "HASHFLEET_BRAIINS_PASSWORD", error)
      || !take_password (command, "vnish-password", &o->vnish_password,
                         o->vnish_password_file, "HASHFLEET_VNISH_PASSWORD", error)
      || !take_password (command, "pool-password", &o->pool_password, o->pool_password_file,
                         NULL, error))
    return FALSE;

  if (o->http_port == 0 || o->http_port > 65535 || o->cgminer_port == 0
      || o->cgminer_port > 65535 || o->whatsminer_v3_port == 0 || o->whatsminer_v3_port > 65535)
    return invalid (error, "ports must be 1–65535");
  if (timeout_ms == 0 || timeout_ms > 600000)
    return invalid (error, "--timeout must be 1–600000 ms");
  if (o->http_port > 0)
    config->http_port = (guint16) o->http_port;
  if (o->cgminer_port > 0)
    config->cgminer_port = (guint16) o->cgminer_port;
  if (o->whatsminer_v3_port > 0)
    config->whatsminer_v3_port = (guint16) o->whatsminer_v3_port;
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
  CREDENTIAL (antminer_user, o->antminer_user, "HASHFLEET_ANTMINER_USER");
  CREDENTIAL (antminer_password, o->antminer_password, "HASHFLEET_ANTMINER_PASSWORD");
  CREDENTIAL (whatsminer_password, o->whatsminer_password, "HASHFLEET_WHATSMINER_PASSWORD");
  CREDENTIAL (whatsminer_super_password, o->whatsminer_super_password,
              "HASHFLEET_WHATSMINER_SUPER_PASSWORD");
  CREDENTIAL (braiins_user, o->braiins_user, "HASHFLEET_BRAIINS_USER");
  CREDENTIAL (braiins_password, o->braiins_password, "HASHFLEET_BRAIINS_PASSWORD");
  CREDENTIAL (vnish_password, o->vnish_password, "HASHFLEET_VNISH_PASSWORD");
#undef CREDENTIAL
  return TRUE;
}

/* Addresses, unless the command scans targets or reads its own words. */
static gboolean
check_arguments (const Command  *command,
                 HfCliOptions   *o,
                 char          **args,
                 GError        **error)
{
  if (args[0] == NULL && command->arguments == ARGS_ADDRESSES && o->group == NULL)
    return invalid (error, "give at least one ADDRESS or --group NAME (see --help)");
  if (o->group != NULL && !hf_groups_check_name (o->group, error))
    {
      g_prefix_error (error, "--group: ");
      return FALSE;
    }
  if (command->arguments == ARGS_TARGETS || command->arguments == ARGS_OWN || o->scan)
    return TRUE;
  for (guint i = 0; args[i] != NULL; i++)
    if (args[i][0] == '-' || strchr (args[i], '/') != NULL || strchr (args[i], ' ') != NULL)
      return invalid (error, "'%s' is not an address", args[i]);
  return TRUE;
}

/* set, pools add: what to write.  Values a model does not take are the
 * session's to refuse; here only what no model takes. */
static gboolean
take_settings (HfCliOptions  *o,
               HfCli         *cli,
               GError       **error)
{
  static const char *const modes[] = { "eco", "standard", "super" };
  HfMinerSettings *st = cli->settings;

  if (o->frequency == 0 || o->core_voltage == 0 || o->target_temp == 0 || o->power_limit == 0)
    return invalid (error, "--frequency, --core-voltage, --target-temp and --power-limit must "
                    "be positive");
  if (o->power_limit > 100000)
    return invalid (error, "--power-limit must be at most 100000 W");
  if (o->preset != NULL && (o->preset[0] == '\0' || strlen (o->preset) > 64
                            || !g_utf8_validate (o->preset, -1, NULL)))
    return invalid (error, "--preset takes a name of 1–64 characters");
  for (const char *c = o->preset; c != NULL && *c != '\0'; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f || *c == ',')
      return invalid (error, "--preset: a name without control characters or commas");
  st->power_limit_w = o->power_limit > 0 ? (guint) o->power_limit : 0;
  st->preset = g_strdup (o->preset);
  st->frequency_mhz = o->frequency > 0 ? (guint) o->frequency : 0;
  st->core_voltage_mv = o->core_voltage > 0 ? (guint) o->core_voltage : 0;
  st->target_temp_c = o->target_temp > 0 ? (guint) o->target_temp : 0;
  if (o->fan != NULL)
    {
      guint64 pct;

      if (g_str_equal (o->fan, "auto"))
        st->fan_auto = TRUE;
      else if (g_ascii_string_to_unsigned (o->fan, 10, 0, 100, &pct, NULL))
        st->fan_percent = (int) pct;
      else
        return invalid (error, "--fan takes auto or 0–100, not '%s'", o->fan);
    }
  if (o->pool != NULL)
    {
      g_autofree char *host = NULL;
      guint16 port;

      if (!hf_pool_url_parse (o->pool, &host, &port, error))
        return FALSE;
    }
  if (o->work_mode != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
        if (g_str_equal (o->work_mode, modes[i]))
          st->work_mode = (int) i;
      if (st->work_mode < 0)
        return invalid (error, "--work-mode takes eco, standard or super, not '%s'",
                        o->work_mode);
    }
  st->pool_url = g_strdup (o->pool);
  st->pool_user = g_strdup (o->pool_user);
  st->pool_password = g_strdup (o->pool_password);
  st->hostname = g_strdup (o->hostname);
  st->allow_overclock = o->overclock;
  cli->profile = o->profile;
  cli->restart_after = o->restart;
  return TRUE;
}

/* serve --config: the settings of the file, then the options given over
 * them (in memory: the file is never written).  --interval, whose range is
 * wider than the key's, is applied to the session after the file. */
static gboolean
take_config (HfCliOptions  *o,
             HfCli         *cli,
             GError       **error)
{
  g_autoptr(HfSettings) settings = hf_settings_file_load (o->config_file, error);
  g_auto(GStrv) subnets = NULL;

  if (settings == NULL)
    {
      g_prefix_error (error, "--config: ");
      return FALSE;
    }
  if (o->listen != NULL)
    {
      hf_settings_set_api_listen (settings, o->listen);
      hf_settings_set_api_enabled (settings, TRUE);
    }
  if (o->mqtt != NULL)
    {
      hf_settings_set_mqtt_url (settings, o->mqtt);
      hf_settings_set_mqtt_enabled (settings, TRUE);
    }
  if (o->mqtt_allow_control)
    hf_settings_set_mqtt_allow_control (settings, TRUE);
  if (o->mqtt_prefix != NULL && *o->mqtt_prefix != '\0')
    hf_settings_set_mqtt_prefix (settings, o->mqtt_prefix);
  if (o->antminer_user != NULL || g_getenv ("HASHFLEET_ANTMINER_USER") != NULL)
    hf_settings_set_antminer_user (settings, cli->config->antminer_user);
  if (o->braiins_user != NULL || g_getenv ("HASHFLEET_BRAIINS_USER") != NULL)
    hf_settings_set_braiins_user (settings, cli->config->braiins_user);

  /* Said now rather than at the first POST /api/discover. */
  subnets = hf_settings_get_subnets (settings);
  if (subnets[0] != NULL)
    {
      g_autoptr(GArray) ranges = hf_targets_parse ((const char * const *) subnets, FALSE, error);

      if (ranges == NULL)
        {
          g_prefix_error (error, "--config: subnets: ");
          return FALSE;
        }
    }
  if (hf_settings_get_mqtt_enabled (settings))
    {
      g_autofree char *url = hf_settings_get_mqtt_url (settings);

      if (*g_strstrip (url) == '\0')
        return invalid (error, "--config: mqtt-enabled is true but mqtt-url is empty");
      if (!hf_mqtt_check_url (url, error))
        {
          g_prefix_error (error, "--config: mqtt-url: ");
          return FALSE;
        }
    }
  cli->config_path = o->config_file;
  cli->serve_settings = g_steal_pointer (&settings);
  return TRUE;
}

/* serve: its token, from --token-file or the environment. */
static gboolean
take_serve (HfCliOptions  *o,
            HfCli         *cli,
            GError       **error)
{
  if (o->token_file != NULL)
    {
      g_autofree char *text = NULL;

      if (!g_file_get_contents (o->token_file, &text, NULL, error))
        return FALSE;
      cli->token = g_strdup (g_strstrip (text));
    }
  else
    cli->token = g_strdup (g_getenv ("HASHFLEET_API_TOKEN"));
  if (o->mqtt_password_file != NULL)
    {
      g_autofree char *text = NULL;
      char *eol;

      if (!g_file_get_contents (o->mqtt_password_file, &text, NULL, error))
        return FALSE;
      /* The first line, as the other password files. */
      eol = strpbrk (text, "\r\n");
      if (eol != NULL)
        *eol = '\0';
      cli->mqtt_password = g_strdup (text);
      memset (text, 0, strlen (text));
    }
  else if (g_getenv ("HASHFLEET_MQTT_PASSWORD") != NULL)
    cli->mqtt_password = g_strdup (g_getenv ("HASHFLEET_MQTT_PASSWORD"));
  /* With --config, the file may name the broker. */
  if ((o->mqtt_password_file || o->mqtt_allow_control || o->mqtt_prefix) && o->mqtt == NULL
      && o->config_file == NULL)
    return invalid (error, "--mqtt-password-file, --mqtt-allow-control and --mqtt-prefix "
                    "need --mqtt (or --config)");
  if (o->interval == 0 || o->interval > 86400 || o->concurrency == 0)
    return invalid (error, "--interval must be 1–86400 s, --concurrency at least 1");
  if (o->config_file != NULL && !take_config (o, cli, error))
    return FALSE;
  return TRUE;
}

/* budget: the API, its token, and the watts (-1: show). */
static gboolean
take_budget (HfCliOptions  *o,
             HfCli         *cli,
             GError       **error)
{
  const char *api = o->api != NULL ? o->api : g_getenv ("HASHFLEET_API_URL");

  if (o->watts != -1 && (!isfinite (o->watts) || o->watts < 0 || o->watts > HF_POWER_BUDGET_MAX_W))
    return invalid (error, "--watts must be 0 (no budget) to 10000000");
  cli->budget_watts = o->watts;
  cli->api_url = g_strdup (api != NULL && *api != '\0' ? api : "http://127.0.0.1:8080");
  if (o->token_file != NULL)
    {
      g_autofree char *text = NULL;

      if (!g_file_get_contents (o->token_file, &text, NULL, error))
        return FALSE;
      cli->token = g_strdup (g_strstrip (text));
    }
  else if (o->token != NULL)
    cli->token = g_strdup (o->token);
  else
    cli->token = g_strdup (g_getenv ("HASHFLEET_API_TOKEN"));
  return TRUE;
}

/* The notification URLs of @path: one a line, blank lines and lines
 * starting with '#' skipped.  The file holds secrets: one that anybody
 * but its owner can read is refused, checked on the descriptor read. */
static gboolean
read_notify_file (const char  *command,
                  const char  *path,
                  GPtrArray   *urls,
                  GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  struct stat st;
  gsize len = 0;
  ssize_t n;
  int fd;

  /* O_NONBLOCK: a FIFO in its place would hold the open (and the start)
   * until something writes to it; it is refused below, as not a file. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "--notify-file: cannot open %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      return invalid (error, "--notify-file: %s is not a regular file", path);
    }
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    {
      g_close (fd, NULL);
      return invalid (error, "--notify-file: %s can be read by other users and holds secrets; "
                      "chmod 600 it", path);
    }
  /* Another user's file, however private, is theirs to change. */
  if (st.st_uid != geteuid ())
    {
      g_close (fd, NULL);
      return invalid (error, "--notify-file: %s belongs to another user", path);
    }
  if (st.st_size > HF_CLI_NOTIFY_FILE_MAX)
    {
      g_close (fd, NULL);
      return invalid (error, "--notify-file: %s is larger than %u bytes", path,
                      HF_CLI_NOTIFY_FILE_MAX);
    }
  text = g_malloc (HF_CLI_NOTIFY_FILE_MAX + 1);
  while (len < HF_CLI_NOTIFY_FILE_MAX
         && (n = read (fd, text + len, HF_CLI_NOTIFY_FILE_MAX - len)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_close (fd, NULL);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "--notify-file: cannot read %s: %s", path, g_strerror (saved));
          return FALSE;
        }
      len += (gsize) n;
    }
  g_close (fd, NULL);
  text[len] = '\0';

  lines = g_strsplit (text, "\n", -1);
  explicit_bzero (text, len);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      g_autoptr(GError) local = NULL;
      HfNotifyUrl *url;

      if (line[0] == '\0' || line[0] == '#')
        continue;
      url = hf_notify_url_parse (line, &local);
      if (url == NULL)
        {
          /* The parser's words never repeat the URL. */
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "--notify-file: %s:%u: %s", path,
                       i + 1, local->message);
          return FALSE;
        }
      g_ptr_array_add (urls, url);
    }
  for (guint i = 0; lines[i] != NULL; i++)
    explicit_bzero (lines[i], strlen (lines[i]));
  if (urls->len == 0)
    g_printerr ("hashfleet-cli %s: warning: %s holds no notification URL\n", command, path);
  return TRUE;
}

/* serve, notify-test: the channels of --notify-file and --notify. */
static gboolean
take_notify (const char    *command,
             HfCliOptions  *o,
             HfCli         *cli,
             GError       **error)
{
  cli->notify_urls = g_ptr_array_new_with_free_func (g_object_unref);
  if (o->notify_file != NULL && !read_notify_file (command, o->notify_file, cli->notify_urls,
                                                   error))
    return FALSE;
  if (o->notify != NULL && o->notify[0] != NULL)
    g_printerr ("hashfleet-cli %s: warning: --notify: notification URLs hold secrets and the "
                "command line is visible to other users (ps); use --notify-file FILE\n",
                command);
  for (guint i = 0; o->notify != NULL && o->notify[i] != NULL; i++)
    {
      HfNotifyUrl *url = hf_notify_url_parse (o->notify[i], error);

      if (url == NULL)
        {
          g_prefix_error (error, "--notify: ");
          return FALSE;
        }
      g_ptr_array_add (cli->notify_urls, url);
    }
  return TRUE;
}

/* watch and serve: minutes without a share (1 min to a day). */
static gboolean
take_not_hashing_after (HfCliOptions  *o,
                        HfCli         *cli,
                        GError       **error)
{
  if (o->not_hashing_after < 0)
    return TRUE;
  if (o->not_hashing_after == 0 || o->not_hashing_after > 1440)
    return invalid (error, "--not-hashing-after must be 1–1440 minutes");
  cli->not_hashing_after_s = (guint) o->not_hashing_after * 60;
  return TRUE;
}

/* tune: the parameters, within the ranges the API takes too. */
static gboolean
take_tune (HfCliOptions  *o,
           HfCli         *cli,
           GError       **error)
{
  HfTuneParams *p = &cli->tune;

  hf_tune_params_init (p);
  if (o->objective != NULL
      && !hf_tune_objective_parse (o->objective, &p->objective, &p->target_watts, error))
    return FALSE;
  if (o->max_temp != -1 && !(o->max_temp >= 30 && o->max_temp <= 110))
    return invalid (error, "--max-temp must be 30–110 °C");
  if (o->max_vr_temp != -1 && !(o->max_vr_temp >= 30 && o->max_vr_temp <= 110))
    return invalid (error, "--max-vr-temp must be 30–110 °C");
  if (o->max_power != -1 && !(o->max_power >= 1 && o->max_power <= 10000))
    return invalid (error, "--max-power must be 1–10000 W");
  if (o->max_errors != -1 && !(o->max_errors >= 0 && o->max_errors <= 100))
    return invalid (error, "--max-errors must be 0–100 %%");
  if (o->settle != -1 && (o->settle < 1 || o->settle > 3600))
    return invalid (error, "--settle must be 1–3600 s");
  if (o->samples != -1 && (o->samples < 1 || o->samples > 100))
    return invalid (error, "--samples must be 1–100");
  if (o->max_temp != -1)
    p->max_chip_temp_c = o->max_temp;
  if (o->max_vr_temp != -1)
    p->max_vr_temp_c = o->max_vr_temp;
  if (o->max_power != -1)
    p->max_power_w = o->max_power;
  if (o->max_errors != -1)
    p->max_error_percent = o->max_errors;
  if (o->settle != -1)
    p->settle_s = (guint) o->settle;
  if (o->samples != -1)
    p->samples = (guint) o->samples;
  p->allow_overclock = o->overclock;
  return TRUE;
}

/* Check @o for @command and turn it into @cli; a usage error otherwise,
 * said without the command's name. */
static gboolean
validate (const Command  *command,
          HfCliOptions   *o,
          char          **args,
          HfCli          *cli,
          GError        **error)
{
  gboolean scans = takes_group (command, &scan_group);
  /* For scan, --timeout is the connect deadline of each probe;
   * identification keeps its own, longer one. */
  gboolean connect_timeout = scans && o->timeout_ms > 0;

  cli->config = hf_config_new ();
  cli->settings = hf_miner_settings_new ();
  cli->power_budget = -1;
  if (connect_timeout)
    cli->connect_timeout_ms = (guint) MIN (o->timeout_ms, 600000);
  if (scans && o->concurrency == 0)
    return invalid (error, "--concurrency must be at least 1");
  if (takes_group (command, &watch_group)
      && (o->interval == 0 || o->interval > 86400 || o->count < 0 || o->concurrency == 0))
    return invalid (error, "--interval must be 1–86400 s, --count and --concurrency at least 1");
  if (!take_shared (command->name, o, connect_timeout ? -1 : o->timeout_ms, cli->config, error)
      || !check_arguments (command, o, args, error))
    return FALSE;
  if (takes_group (command, &set_group) && !take_settings (o, cli, error))
    return FALSE;
  if (takes_group (command, &tune_group) && !take_tune (o, cli, error))
    return FALSE;
  if (takes_group (command, &serve_group) && !take_serve (o, cli, error))
    return FALSE;
  if (takes_group (command, &budget_group) && !take_budget (o, cli, error))
    return FALSE;
  if (takes_group (command, &serve_group) && o->power_budget != -1)
    {
      if (!isfinite (o->power_budget) || o->power_budget < 0
          || o->power_budget > HF_POWER_BUDGET_MAX_W)
        return invalid (error, "--power-budget must be 0 (no budget) to 10000000 W");
      cli->power_budget = o->power_budget;
    }
  if (o->tariff != NULL)
    {
      /* Its errors begin with "tariff: ". */
      cli->tariff = hf_tariff_parse (o->tariff, error);
      if (cli->tariff == NULL)
        return FALSE;
    }
  if (takes_group (command, &poll_group) && !take_not_hashing_after (o, cli, error))
    return FALSE;
  if (takes_group (command, &notify_group) && !take_notify (command->name, o, cli, error))
    return FALSE;

  cli->json = o->json;
  cli->force = o->force;
  cli->concurrency = o->concurrency > 0 ? (guint) o->concurrency : 0;
  cli->interval_s = o->interval > 0 ? (guint) o->interval : 0;
  cli->count = (guint) MAX (o->count, 0);
  cli->scan = o->scan;
  cli->stats = o->stats;
  cli->db_path = o->db_path;
  cli->no_store = o->no_store;
  cli->group = o->group;
  cli->miner = o->miner;
  cli->format = o->format;
  cli->since = o->since;
  cli->until = o->until;
  cli->resolution = o->resolution;
  cli->listen = o->listen;
  cli->mqtt = o->mqtt;
  cli->mqtt_prefix = o->mqtt_prefix;
  cli->mqtt_allow_control = o->mqtt_allow_control;
  cli->action = command->action;
  cli->days = o->days;
  cli->time = o->time;
  cli->state = o->state;
  cli->chip_limit_c = o->chip_limit >= 0 ? o->chip_limit : NAN;
  cli->vr_limit_c = o->vr_limit >= 0 ? o->vr_limit : NAN;
  cli->cool_min = o->cool_minutes;
  if (takes_group (command, &update_group))
    {
      if (o->firmware == NULL)
        return invalid (error, "update needs --firmware FILE (esp-miner.bin)");
      if (o->wait != -1 && (o->wait < 10 || o->wait > 600))
        return invalid (error, "--wait must be 10–600 seconds");
      cli->firmware = o->firmware;
      cli->www = o->www;
      cli->dry_run = o->dry_run;
      cli->wait_s = o->wait > 0 ? (guint) o->wait : 120;
    }
  return TRUE;
}

static void
free_string (const GOptionEntry *entry,
             gpointer            data)
{
  if (entry->arg == G_OPTION_ARG_STRING || entry->arg == G_OPTION_ARG_FILENAME)
    g_clear_pointer ((char **) entry->arg_data, g_free);
  else if (entry->arg == G_OPTION_ARG_STRING_ARRAY)
    g_clear_pointer ((char ***) entry->arg_data, g_strfreev);
}

/* Free every string an option stored. */
static void
options_clear (HfCliOptions *o)
{
  foreach_entry (o, free_string, NULL);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HfCliOptions, options_clear)

/* The options of @command, each group under its heading, storing into @o. */
static GOptionContext *
command_context (const Command *command,
                 HfCliOptions  *o)
{
  g_autofree char *parameter = g_strdup_printf ("%s %s", command->name, command->args);
  const GOptionEntry main_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &o->help, "Show help options", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &o->version, "Show the version", NULL },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (parameter);

  g_option_context_set_summary (context, command->description);
  /* GLib's own --help shows a group's options only under --help-GROUP;
   * a command's --help lists all of them. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, main_entries, NULL);
  for (guint i = 0; command->groups[i] != NULL; i++)
    {
      const OptionGroup *g = command->groups[i];
      GOptionGroup *group = g_option_group_new (g->name, g->title, g->title, NULL, NULL);
      g_autofree GOptionEntry *entries = g->entries (o);

      g_option_group_add_entries (group, entries);
      g_option_context_add_group (context, group);
    }
  return context;
}

/* Find the command and parse its options into @o, its arguments into
 * *@args.  FALSE when there is nothing to run, with the exit status in
 * *@status: 0 after --help or --version, 2 after a usage error (said). */
static gboolean
parse (int             argc,
       char          **argv,
       HfCliOptions   *o,
       const Command **command,
       GStrv          *args,
       int            *status)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char **parse_argv = NULL;
  char **strv;
  int parse_argc = 0;
  int word = find_word (argc, argv, o);

  *status = 0;
  *command = NULL;
  if (word < 0)
    {
      for (int i = 1; i < argc; i++)
        if (g_str_equal (argv[i], "--version"))
          {
            g_print ("hashfleet-cli %s\n", PACKAGE_VERSION);
            return FALSE;
          }
        else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
          {
            usage (stdout);
            return FALSE;
          }
      usage (stderr);
      *status = 2;
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[word], commands[i].name))
      *command = &commands[i];
  if (*command == NULL)
    {
      g_printerr ("hashfleet-cli: unknown command '%s'\n\n", argv[word]);
      usage (stderr);
      *status = 2;
      return FALSE;
    }

  /* Everything but the word, in order, for GOptionContext to rearrange. */
  parse_argv = g_new0 (char *, argc);
  for (int i = 0; i < argc; i++)
    if (i != word)
      parse_argv[parse_argc++] = argv[i];
  strv = parse_argv;
  context = command_context (*command, o);
  if (!g_option_context_parse (context, &parse_argc, &strv, &error))
    {
      g_printerr ("hashfleet-cli %s: %s\n", (*command)->name, error->message);
      *status = 2;
      return FALSE;
    }
  if (o->help)
    {
      g_autofree char *help = g_option_context_get_help (context, FALSE, NULL);

      g_print ("%s", help);
      return FALSE;
    }
  if (o->version)
    {
      g_print ("hashfleet-cli %s\n", PACKAGE_VERSION);
      return FALSE;
    }

  /* What is left are the arguments; "--" (and an empty argument) go. */
  rest = g_ptr_array_new ();
  for (int i = 1; i < parse_argc; i++)
    if (strv[i][0] != '\0' && !g_str_equal (strv[i], "--"))
      g_ptr_array_add (rest, g_strdup (strv[i]));
  g_ptr_array_add (rest, NULL);
  *args = (GStrv) g_ptr_array_free (g_steal_pointer (&rest), FALSE);
  return TRUE;
}

/* SIGINT (or for serve and watch SIGTERM too, as systemctl stop sends):
 * the command winds down (serve and watch give their last notifications
 * a moment); the next one cuts that short. */
static gboolean
interrupted_cb (gpointer user_data)
{
  HfCli *cli = user_data;

  if (!g_cancellable_is_cancelled (cli->cancellable))
    g_cancellable_cancel (cli->cancellable);
  else
    g_cancellable_cancel (cli->hurry);
  return G_SOURCE_CONTINUE;
}

/* Run @command; its session ends before the exit status is known, every
 * queued write in the store. */
static int
run (const Command  *command,
     HfCli          *cli,
     GStrv          *args)
{
  guint sigint, sigterm = 0;
  int status;

  hf_process_raise_fd_limit ();
  cli->cancellable = g_cancellable_new ();
  cli->hurry = g_cancellable_new ();
  cli->max_in_flight = 64;
  sigint = g_unix_signal_add (SIGINT, interrupted_cb, cli);
  /* The others keep SIGTERM's default: not all of them stop when
   * cancelled. */
  if (command->until_stopped)
    sigterm = g_unix_signal_add (SIGTERM, interrupted_cb, cli);

  /* --group: its miners' addresses join the ones given (energy reads
   * the group itself; a schedule or a guard is for the group, not its
   * miners now). */
  if (command->run != hf_cli_energy && command->run != hf_cli_schedule
      && command->run != hf_cli_guard && !hf_cli_expand_group (cli, command->name, args))
    status = 1;
  else
    status = command->run (cli, *args);
  if (!hf_cli_end_session (cli) && status == 0)
    status = 1;

  g_source_remove (sigint);
  g_clear_handle_id (&sigterm, g_source_remove);
  return status;
}

static void
cli_clear (HfCli *cli)
{
  g_clear_pointer (&cli->jobs, g_ptr_array_unref);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
  g_clear_object (&cli->cancellable);
  g_clear_object (&cli->hurry);
  g_clear_pointer (&cli->config, hf_config_unref);
  g_clear_pointer (&cli->settings, hf_miner_settings_free);
  g_clear_pointer (&cli->token, g_free);
  g_clear_pointer (&cli->api_url, g_free);
  g_clear_pointer (&cli->notify_urls, g_ptr_array_unref);
  g_clear_pointer (&cli->mqtt_password, g_free);
  g_clear_object (&cli->serve_settings);
  g_clear_pointer (&cli->tariff, hf_tariff_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HfCli, cli_clear)

int
main (int   argc,
      char *argv[])
{
  g_auto(HfCliOptions) options = HF_CLI_OPTIONS_INIT;
  g_auto(HfCli) cli = { 0, };
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  const Command *command;
  int status;

  hf_process_limit_arenas ();
  setlocale (LC_ALL, "");
  if (!parse (argc, argv, &options, &command, &args, &status))
    return status;
  if (!validate (command, &options, args, &cli, &error))
    {
      g_printerr ("hashfleet-cli %s: %s\n", command->name, error->message);
      return 2;
    }
  return run (command, &cli, &args);
}
