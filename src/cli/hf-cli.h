/* hf-cli.h — shared state of hashfleet-cli's commands
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-core.h"

G_BEGIN_DECLS

/* --notify-file: a few URLs, not a data file. */
#define HF_CLI_NOTIFY_FILE_MAX 65536u
/* serve and watch, when they end: how long what is still to be notified
 * may take to go out. */
#define HF_CLI_NOTIFY_GRACE_MS 3000u

typedef struct _HfCli    HfCli;
typedef struct _HfCliJob HfCliJob;

struct _HfCli
{
  HfConfig     *config;
  HfSession    *session;       /* the one a command drives */
  gboolean      restore;       /* its fleet starts as the stored one */
  gboolean      json;
  GMainLoop    *loop;
  GCancellable *cancellable;   /* the first SIGINT or SIGTERM */
  GCancellable *hurry;         /* the next one: stop waiting, quit */
  GPtrArray    *jobs;          /* HfCliJob*, in the order given */
  guint         next;          /* next job to start */
  guint         running;
  guint         max_in_flight;
  /* scan */
  gboolean      force;
  guint         connect_timeout_ms;
  guint         concurrency;
  /* watch */
  guint         interval_s;
  guint         not_hashing_after_s;  /* 0: the fleet's default */
  guint         count;
  gboolean      scan;
  gboolean      stats;
  /* store */
  char         *db_path;
  gboolean      no_store;
  char         *group;         /* --group NAME, or NULL */
  char         *miner;
  char         *format;
  char         *since;
  char         *until;
  char         *resolution;
  /* energy, serve */
  HfTariff     *tariff;
  /* serve */
  char         *config_path;   /* --config, or NULL */
  HfSettings   *serve_settings; /* its settings with the options over them */
  char         *listen;
  char         *token;
  double        power_budget;  /* serve --power-budget; -1: the stored one */
  /* budget */
  double        budget_watts;  /* -1: show */
  char         *api_url;
  /* serve, watch, notify-test */
  GPtrArray    *notify_urls;   /* HfNotifyUrl*, from --notify-file and --notify */
  char         *mqtt;           /* broker URL, or NULL */
  char         *mqtt_password;
  char         *mqtt_prefix;
  gboolean      mqtt_allow_control;
  /* set, identify, pause, resume */
  HfMinerSettings *settings;
  char         *profile;       /* set --profile: pools from the store */
  gboolean      restart_after;
  HfMinerAction action;
  /* tune */
  HfTuneParams  tune;
  /* schedule add */
  char         *days;
  char         *time;
  char         *state;           /* and --group NAME: the schedule's group */
  /* guard set (NAN, -1: the defaults) */
  double        chip_limit_c;
  double        vr_limit_c;
  int           cool_min;
  /* update */
  char         *firmware;        /* --firmware FILE */
  char         *www;             /* --www FILE, or NULL */
  gboolean      dry_run;
  guint         wait_s;          /* how long a miner may take to come back */
};

struct _HfCliJob
{
  HfCli    *cli;
  char     *address;
  HfMiner  *miner;             /* set once identified */
  GError   *error;             /* set when the job failed */
  gboolean  finished;
};

/* Called once a job's miner is identified; ends with hf_cli_job_done(). */
typedef void (*HfCliStep) (HfCliJob *job);

/* Identify every address (a bounded number at a time), run @step on each
 * identified miner, and return when all are done. */
void  hf_cli_run_jobs  (HfCli     *cli,
                        char     **addresses,
                        HfCliStep  step);
/* Finish @job, with @error (copied) if it failed. */
void  hf_cli_job_done  (HfCliJob     *job,
                        const GError *error);

int   hf_cli_status    (HfCli     *cli,
                        char     **addresses);
int   hf_cli_restart   (HfCli     *cli,
                        char     **addresses);
int   hf_cli_scan      (HfCli     *cli,
                        char     **targets);
int   hf_cli_watch     (HfCli     *cli,
                        char     **args);

int   hf_cli_set       (HfCli     *cli,
                        char     **addresses);
int   hf_cli_pools     (HfCli     *cli,
                        char     **args);
int   hf_cli_schedule  (HfCli     *cli,
                        char     **args);
int   hf_cli_guard     (HfCli     *cli,
                        char     **args);
int   hf_cli_tune      (HfCli     *cli,
                        char     **addresses);
int   hf_cli_action    (HfCli     *cli,
                        char     **addresses);
int   hf_cli_budget    (HfCli     *cli,
                        char     **args);
int   hf_cli_serve     (HfCli     *cli,
                        char     **args);
int   hf_cli_notify_test (HfCli   *cli,
                          char   **args);
int   hf_cli_list      (HfCli     *cli,
                        char     **args);
int   hf_cli_history   (HfCli     *cli,
                        char     **args);
int   hf_cli_export    (HfCli     *cli,
                        char     **args);
int   hf_cli_energy    (HfCli     *cli,
                        char     **args);
int   hf_cli_groups    (HfCli     *cli,
                        char     **args);
int   hf_cli_update    (HfCli     *cli,
                        char     **addresses);
/* --group NAME: the group's addresses (from the store) join *@args, after
 * the ones given.  An unknown or empty group is said on stderr: FALSE. */
gboolean hf_cli_expand_group (HfCli       *cli,
                              const char  *command,
                              GStrv       *args);
/* The command's session, built and loaded on first use: with the store
 * (--db, else the default) when @record and not --no-store; a store that
 * cannot be opened is said once and the session goes on without. */
HfSession *hf_cli_session     (HfCli    *cli,
                               gboolean  record);
/* Shut it down: every queued write reaches the store.  FALSE if not. */
gboolean   hf_cli_end_session (HfCli    *cli);

/* The store (--db, else the default).  When not @required, --no-store or a
 * store that cannot be opened gives NULL with a word on stderr. */
HfStore *hf_cli_open_store (HfCli   *cli,
                            gboolean required);

/* A step that only identifies: the job is done once identified. */
void  hf_cli_job_done_ok (HfCliJob *job);

/* --stats: what each poll cycle of @fleet cost, one JSON line on stderr
 * per cycle (wall, CPU, RSS, open files, main-loop stall). */
typedef struct _HfCliStats HfCliStats;

HfCliStats *hf_cli_stats_new   (HfFleet    *fleet);
void        hf_cli_stats_print (HfCliStats *stats,
                                guint       cycle,
                                guint       polled,
                                guint       answered,
                                guint       elapsed_ms);
void        hf_cli_stats_free  (HfCliStats *stats);

/* Send to the --notify-file/--notify channels through @notifier; each
 * delivery said (notify-test) or each failure said on stderr (serve,
 * watch). */
void  hf_cli_notify_setup (HfCli      *cli,
                           HfNotifier *notifier,
                           const char *command);
/* serve and watch, before their session ends: polling stops, and what is
 * still queued or in flight to the channels gets HF_CLI_NOTIFY_GRACE_MS
 * to go out (a second interrupt quits at once); what is left is said on
 * stderr, then dropped. */
void  hf_cli_notify_finish (HfCli      *cli,
                            const char *command);

/* Print the status table (people) or JSON Lines (scripts) for all jobs. */
void  hf_cli_print_status (HfCli *cli);

G_END_DECLS
