/* hf-test-utils.h — what every Hashfleet test needs
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void        hf_test_init            (int          *argc,
                                     char       ***argv);
/* For GTK tests: the user's directories (HOME, XDG_*_HOME) go to a fresh
 * temporary directory, but the system data dirs stay, since GTK needs the
 * shared-mime-info database in them to load SVG icons. */
void        hf_test_init_ui         (int          *argc,
                                     char       ***argv);
/* The contents of tests/fixtures/@name (aborts the test if missing). */
char       *hf_test_fixture         (const char   *name,
                                     gsize        *len);
/* @name parsed through the cgminer clean-up (fixtures are raw replies). */
JsonObject *hf_test_fixture_object  (const char   *name);
/* Iterate the default main context until *@flag is TRUE; fail the test
 * after @timeout_ms. */
void        hf_test_wait_for        (gboolean     *flag,
                                     guint         timeout_ms);

/* Run the default main context until @recorder's queued writes, then
 * every change queued on @store before, are done (fails after 5 s). */
void        hf_test_flush_store     (gpointer      recorder,
                                     gpointer      store);

/* A running hashfleet-sim, started from a key-file text. */
typedef struct _HfTestSim HfTestSim;

HfTestSim  *hf_test_sim_start       (const char   *config);
/* The same, for a test that runs longer than the default 120 s. */
HfTestSim  *hf_test_sim_start_for   (const char   *config,
                                     guint         ttl_s);
void        hf_test_sim_stop        (HfTestSim    *sim);
/* How many "@event" lines the simulator printed for @ip so far (after
 * giving it up to @wait_ms to print at least @at_least of them). */
guint       hf_test_sim_events      (HfTestSim    *sim,
                                     const char   *event,
                                     const char   *ip,
                                     guint         at_least,
                                     guint         wait_ms);

/* The last "@event" line the simulator printed for @ip (its "detail"
 * says what the miner got), or NULL; owned by @sim. */
const char *hf_test_sim_last_event  (HfTestSim    *sim,
                                     const char   *event,
                                     const char   *ip);

/* POST @json to the simulator's /sim/control of the miner at @ip (on the
 * fleet's HTTP port): {"ambient_c":45}, {"fan_percent":80} (null: the
 * miner's own fan again), {"thermal_tau":1}.  TRUE when it answered 200
 * {"ok":true}.  Loopback only; blocks the calling thread for at most 5 s. */
gboolean    hf_test_sim_control     (HfTestSim    *sim,
                                     const char   *ip,
                                     const char   *json);
/* The fleet's HTTP port (from its "ready" line). */
guint16     hf_test_sim_http_port   (HfTestSim    *sim);

/* Run hashfleet-cli with @args; returns its exit status. */
int         hf_test_run_cli         (const char * const *args,
                                     char        **out,
                                     char        **err);
/* The same, with "NAME=VALUE" pairs from @env added to its environment. */
int         hf_test_run_cli_env     (const char * const *args,
                                     const char * const *env,
                                     char        **out,
                                     char        **err);

G_END_DECLS
