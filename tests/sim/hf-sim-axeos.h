/* hf-sim-axeos.h — what an AxeOS web server does besides its JSON replies:
 * which endpoints a firmware version has, its Origin rules and CORS
 * headers, statistics, the live websocket, the theme, a delayed restart
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <libsoup/soup.h>

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

typedef enum
{
  /* v2.5: is_network_allowed() on every API call, CORS headers on every
   * API reply, OPTIONS answered on every /api/ path, unknown /api routes a JSON 404. */
  SIM_AXEOS_ORIGIN_RULES = 1 << 0,
  /* v2.8: GET /api/system/statistics */
  SIM_AXEOS_STATISTICS   = 1 << 1,
  /* v2.14: /api/ws/live, pause and resume, miningPaused, hashrateMonitor,
   * /api/system/scoreboard */
  SIM_AXEOS_LIVE         = 1 << 2,
  /* v2.15: fullHostname in GET /api/system/info */
  SIM_AXEOS_FULL_HOSTNAME = 1 << 3,
} SimAxeosFeatures;

/* The web state of every AxeOS miner of a fleet. */
typedef struct _SimAxeosWeb SimAxeosWeb;

/* What the firmware of @miner's profile has (0 for non-AxeOS and NerdOS,
 * whose web side stays as the simulator always had it). */
SimAxeosFeatures sim_axeos_features        (SimMiner          *miner);

/* is_network_allowed(): may a request with @origin (NULL: none) from
 * @peer reach @miner's API?  The simulated LAN is 127.0.0.0/8, which
 * counts as the firmware counts its private ranges. */
gboolean     sim_axeos_origin_allowed      (SimMiner          *miner,
                                            const char        *origin,
                                            GInetAddress      *peer);
/* set_cors_headers() */
void         sim_axeos_set_cors            (SoupServerMessage *msg);

SimAxeosWeb *sim_axeos_web_new             (SimFleet          *fleet);
void         sim_axeos_web_free            (SimAxeosWeb       *web);
/* Per-miner settings from the simulator's key file ([miner ADDR] group):
 * stats-frequency=S (statistics recorded every S seconds since boot). */
gboolean     sim_axeos_web_configure       (SimAxeosWeb       *web,
                                            GKeyFile          *file,
                                            GError           **error);

/* GET /api/system/info as the HTTP handler sends it (@http) or as the live
 * websocket does (!@http: no fullHostname): @info (the reply with the
 * writes applied) plus what the web state adds.  Takes @info. */
char        *sim_axeos_web_info            (SimAxeosWeb       *web,
                                            SimMiner          *miner,
                                            char              *info,
                                            gboolean           http);
/* GET /api/system/statistics[?columns=a,b] */
char        *sim_axeos_web_statistics      (SimAxeosWeb       *web,
                                            SimMiner          *miner,
                                            const char        *columns);
/* GET and POST /api/theme */
char        *sim_axeos_web_theme           (SimAxeosWeb       *web,
                                            SimMiner          *miner);
gboolean     sim_axeos_web_set_theme       (SimAxeosWeb       *web,
                                            SimMiner          *miner,
                                            const char        *body,
                                            gsize              len);
/* The keys of PATCH /api/system the web state keeps (statsFrequency):
 * check them (FALSE with @error_text when refused), then apply them once
 * the rest of the request was taken. */
gboolean     sim_axeos_web_check_patch     (SimAxeosWeb       *web,
                                            SimMiner          *miner,
                                            const char        *body,
                                            gsize              len,
                                            char             **error_text);
void         sim_axeos_web_apply_patch     (SimAxeosWeb       *web,
                                            SimMiner          *miner,
                                            const char        *body,
                                            gsize              len);
/* POST /api/system/identify: the firmware's message (it toggles). */
const char  *sim_axeos_web_identify        (SimAxeosWeb       *web,
                                            SimMiner          *miner);
/* The firmware answers a restart, waits @delay_ms, then reboots. */
void         sim_axeos_web_restart_later   (SimAxeosWeb       *web,
                                            SimMiner          *miner,
                                            guint              delay_ms);
/* While a restart waits, the server answers nothing: TRUE when it took
 * @msg (paused, dropped at the reboot). */
gboolean     sim_axeos_web_hold            (SimAxeosWeb       *web,
                                            SimMiner          *miner,
                                            SoupServerMessage *msg);
/* A client on /api/ws/live: the whole state now, then every 500 ms what
 * changed, until the miner reboots. */
void         sim_axeos_web_live_add        (SimAxeosWeb       *web,
                                            SimMiner          *miner,
                                            SoupWebsocketConnection *connection);

G_END_DECLS
