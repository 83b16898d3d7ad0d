/* hf-sim-fleet.h — the simulated miners and what they say
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SIM_AXEOS_GAMMA,       /* current AxeOS: expectedHashrate, numeric bestDiff, /asic */
  SIM_AXEOS_SUPRA_OLD,   /* AxeOS 2.4: string bestDiff, no /api/system/asic */
  SIM_AXEOS_ULTRA,
  SIM_NERDQAXE,          /* NerdOS schema */
  SIM_ANTMINER_S19PRO,   /* S19-style stats */
  SIM_ANTMINER_S9,       /* S9-style stats, numbers as strings */
  SIM_ANTMINER_S21,
  SIM_WHATSMINER_M30S,
  SIM_WHATSMINER_M50S,
  SIM_WHATSMINER_V3,     /* firmware since late 2024: API v3 on its own port, v2 reads on 4028 */
  SIM_AVALON_NANO3S,
  SIM_AVALON_NANO3,
  SIM_AVALON_Q,
  SIM_AVALON_MINI3,
  SIM_CGMINER,
  SIM_VNISH_S19JPRO,     /* VNish 1.2.6 on an S19j Pro: web API /api/v1/…, cgminer API */
  SIM_BRAIINS,           /* bosminer (BOSminer+ 0.6): 4028 pause/resume, no REST */
  SIM_BRAIINS_REST,      /* BOSer on Braiins OS+ 25.07: REST /api/v1 on the HTTP port */
  SIM_LUXOS,             /* LUXminer: writes in one logon session at a time */
  SIM_DECOY_HTTP,        /* a router's web page */
  SIM_DECOY_JSON,        /* a JSON API without ASICModel */
  SIM_DECOY_ECHO,        /* TCP echo on the cgminer port */
  SIM_DECOY_HANG,        /* accepts on both ports, never answers */
  SIM_N_PROFILES
} SimProfileId;

typedef enum
{
  SIM_KIND_AXEOS,
  SIM_KIND_ANTMINER,
  SIM_KIND_WHATSMINER,
  SIM_KIND_AVALON,
  SIM_KIND_CGMINER,
  SIM_KIND_VNISH,
  SIM_KIND_BRAIINS,
  SIM_KIND_LUXOS,
  SIM_KIND_DECOY,
} SimKind;

typedef struct
{
  SimProfileId id;
  const char  *name;         /* for --config and --list: "gamma", "s19pro", … */
  SimKind      kind;
  const char  *model;        /* what the miner calls itself */
  double       hashrate_ghs; /* current hashrate at rest (--static) */
  double       expected_ghs;
  double       power_w;      /* what it reports (0: reports none) */
  double       chip_temp;
  double       board_temp;
  double       fan_rpm;
  double       fan_percent;
  double       frequency;
  gboolean     http;         /* serves the HTTP port */
  gboolean     cgminer;      /* serves the cgminer port */
  gboolean     whatsminer_v3;/* serves the Whatsminer API v3 port (hf-sim-wm3.c) */
} SimProfile;

typedef enum
{
  SIM_FAULT_NONE,
  SIM_FAULT_REFUSE,     /* nothing listens */
  SIM_FAULT_HANG,       /* accept, read, never answer */
  SIM_FAULT_SLOW,       /* answer after slow_ms */
  SIM_FAULT_GARBAGE,    /* random bytes */
  SIM_FAULT_OVERSIZE,   /* an endless reply */
  SIM_FAULT_TRUNCATED,  /* half a reply, then close */
  SIM_FAULT_QUIRK,      /* every firmware JSON quirk at once (cgminer port) */
  /* The hostile fleet (hf-sim-hostile.c): */
  SIM_FAULT_TRICKLE,    /* a valid reply, one byte a second (slowloris) */
  SIM_FAULT_HUGE_JSON,  /* the reply padded to 10 MB of valid JSON */
  SIM_FAULT_BAD_UTF8,   /* invalid UTF-8 in every string */
  SIM_FAULT_BAD_NUMBERS,/* negative, huge and largest-double numbers */
  SIM_FAULT_WRONG_TYPES,/* every field of the wrong JSON type */
  SIM_FAULT_DEEP,       /* JSON nested 100000 levels deep */
  SIM_FAULT_DEEP_COMMENT,/* the reply, plus 200000 levels behind a comment holding '"' */
  SIM_FAULT_DEEP_QUOTE, /* the same behind a single-quoted string holding '"' */
  SIM_FAULT_RESET,      /* read the request, answer with a TCP reset */
  SIM_FAULT_REDIRECT,   /* HTTP: a redirect to itself, forever */
  SIM_N_FAULTS
} SimFault;

typedef struct
{
  char             *ip;
  guint             index;
  const SimProfile *profile;
  SimFault          fault;
  char             *mac;
  char             *hostname;
  char             *asic_json;      /* asic-json=: answers /api/system/asic instead */
  char             *serial;
  char             *password;       /* Whatsminer privileged API */
  char             *web_user;       /* Antminer CGI Digest */
  char             *web_password;
  gboolean          web_basic;      /* the CGI asks for Basic instead (web-auth=basic) */
  gboolean          ignore_writes;  /* accepts settings, pause, resume; keeps its own */
  char             *pool_url;       /* the cgminer pools reply's URL, if not the default */
  gint64            boot_time;      /* wall µs; uptime counts from here */
  gint64            offline_until;  /* monotonic µs; restarting until then */
  guint             restarts;
  double            phase;
  char             *token_time;     /* Whatsminer get_token state */
  char             *token_salt;
  char             *token_newsalt;
  /* Whatsminer API v3 (hf-sim-wm3.c): super-password=, api-writes=false
   * (every write refused with -4, as before WhatsMinerTool enables them). */
  char             *super_password;
  gboolean          api_writes;
  char             *wm3_salt;
  guint             wm3_power_limit;
  char             *wm3_power_mode;
  char             *wm3_pool_url;
  char             *wm3_pool_user;
  guint             wm3_frames;     /* replies sent: every other one gets a heartbeat first */
  guint             connections;    /* open cgminer connections (Avalon check) */
  GList            *open_conns;     /* their GSocketConnections (not owned) */
  /* What writes changed (hf-sim-settings.c); 0 / NULL: the profile's. */
  guint             set_frequency;
  guint             set_voltage;
  gboolean          fan_set;
  gboolean          set_autofan;
  guint             set_fanspeed;
  guint             set_temptarget;
  char             *set_pool_host;
  guint             set_pool_port;
  char             *set_pool_user;
  gboolean          paused;
  /* States a test puts the miner in (config keys, --state; see
   * sim_miner_set_key()). */
  double            hashrate;       /* GH/s at rest instead of the profile's; NAN: its */
  gboolean          overheat;       /* AxeOS overheat_mode */
  gboolean          power_fault;    /* AxeOS power_fault */
  gboolean          fallback;       /* on its second pool */
  gboolean          no_shares;      /* the accepted count stays put */
  double            power;          /* W at rest instead of the profile's; NAN: its */
  gboolean          power_lies;     /* paused, it reports the power it drew mining */
  double            pool_difficulty;/* NAN: the profile's */
  guint             found_blocks;   /* the firmware's count, until its first restart */
  guint             block_every_s;  /* and one more every S s (0: never) */
  gint64            blocks_from;    /* monotonic µs: start-up, or back from the last restart */
  gboolean          workmode_set;   /* Avalon ascset workmode */
  int               workmode;
  gboolean          led;
  /* Braiins OS: the power target (0: the profile's) and the REST token. */
  guint             power_target;
  char             *rest_token;
  gboolean          rest_token_refused; /* braiins-token=refused: 401 even to a fresh token */
  /* LuxOS: the open session, the profile in use (NULL: "290MHz"), a
   * session another tool holds (luxos-session=held), and a session
   * command the miner refuses (luxos-refuse=curtail). */
  char             *lux_session;
  char             *lux_profile;
  gboolean          lux_held;
  char             *lux_refuse;
  guint             lux_logon_delay_ms; /* luxos-logon-delay-ms=: logon answers this late */
  char             *lux_sid_form;       /* luxos-session-id=number|comma: an odd SessionID */
  char             *lux_extra_profile;  /* luxos-extra-profile=: one more profile (JSON string text) */
  /* The physical model's surroundings (hf-sim-physics.c): ambient=C,
   * thermal-tau=S, physics-spread=false, and POST /sim/control at run time. */
  double            ambient_c;      /* °C around the miner */
  double            thermal_tau_s;  /* time constant of its temperatures */
  gboolean          physics_spread; /* a small per-miner spread from its address */
  double            control_fan;    /* fan % forced by /sim/control; NAN: the miner's own */
  /* Its temperatures: from th_chip/th_vr at th_since (monotonic µs; 0:
   * not yet started) toward th_chip_to/th_vr_to. */
  double            th_chip;
  double            th_vr;
  double            th_chip_to;
  double            th_vr_to;
  gint64            th_since;
  /* Firmware updates (hf-sim-ota.c): firmware-version= (NULL: the
   * profile's), ota-fail=validation|write|rollback|hang|escape|no-reboot, the partition
   * running; mac-change-after=N: after N GET /api/system/info another
   * device (another MAC and chip) answers at its address. */
  char             *fw_version;
  char             *ota_fail;
  guint             mac_change_after;
  guint             ota_delay_ms;     /* ota-delay=MS: an upload is taken that much later */
  guint             info_requests;
  gboolean          on_ota_1;
  gboolean          custom_www;
} SimMiner;

typedef struct
{
  GPtrArray  *miners;          /* SimMiner* */
  GHashTable *by_ip;           /* ip → SimMiner* */
  guint16     http_port;
  guint16     cgminer_port;
  guint16     whatsminer_v3_port;
  guint       latency_min_ms;
  guint       latency_max_ms;
  guint       slow_ms;
  guint       restart_s;
  gboolean    is_static;       /* values do not move (tests assert exact values) */
  guint       fault_delay_s;   /* faults (but refuse) start this long after start-up */
  gint64      started;         /* monotonic µs */
  double      ambient_c;       /* [fleet] ambient= (default 25 °C) for every miner */
  double      thermal_tau_s;   /* [fleet] thermal-tau= (default 30 s) */
  gboolean    physics_spread;  /* [fleet] physics-spread= (default true) */
} SimFleet;

const SimProfile *sim_profile_lookup   (const char   *name);
const SimProfile *sim_profile_get      (SimProfileId  id);
const char       *sim_fault_to_string  (SimFault      fault);
gboolean          sim_fault_parse      (const char   *name,
                                        SimFault     *fault);

SimFleet         *sim_fleet_new        (void);
void              sim_fleet_free       (SimFleet     *fleet);
SimMiner         *sim_fleet_add        (SimFleet     *fleet,
                                        const char   *ip,
                                        const SimProfile *profile,
                                        SimFault      fault);
SimMiner         *sim_fleet_lookup     (SimFleet     *fleet,
                                        const char   *ip);

/* The miner's fault now: none until fleet->fault_delay_s has passed, so
 * a client can identify a healthy fleet that then goes bad. */
SimFault          sim_miner_fault      (SimFleet     *fleet,
                                        SimMiner     *miner);
/* Is the miner rebooting right now (answers nothing)? */
gboolean          sim_miner_restarting (SimMiner     *miner);
/* Reboot: offline for fleet->restart_s, then back with uptime reset. */
void              sim_miner_restart    (SimFleet     *fleet,
                                        SimMiner     *miner);
/* A value that moves a little around @base (not with --static). */
double            sim_miner_value      (SimFleet     *fleet,
                                        SimMiner     *miner,
                                        double        base,
                                        double        amplitude);
double            sim_miner_uptime     (SimMiner     *miner);
/* The hashrate (GH/s) at rest: the hashrate= key's, else the profile's. */
double            sim_miner_base_hashrate (SimMiner  *miner);
/* The blocks the firmware counts now: found-blocks= until the first
 * restart, plus one every block-every= seconds since start-up or the last
 * restart (a reboot forgets them, as the firmware does). */
guint             sim_miner_found_blocks (SimMiner   *miner);
/* Set a state key of the [miner …] config ("paused", "overheat",
 * "power-fault", "fallback", "no-shares" take true/false; "hashrate",
 * "pool-difficulty", "found-blocks", "block-every" a number).  FALSE with
 * @error for a key that is not one or a bad value; *@known FALSE for a
 * key that is not a state key at all. */
gboolean          sim_miner_set_key    (SimMiner     *miner,
                                        const char   *key,
                                        const char   *value,
                                        gboolean     *known,
                                        GError      **error);
/* POST /sim/control: {"ambient_c":45,"fan_percent":80,"thermal_tau":1}
 * (fan_percent null: back to the miner's own fan).  FALSE with @error for
 * JSON that is not such an object. */
gboolean          sim_miner_control    (SimMiner     *miner,
                                        const char   *json,
                                        gsize         len,
                                        GError      **error);
/* --state NAME: the same for a boolean key set to true, "zero-hashrate"
 * for hashrate=0. */
gboolean          sim_miner_set_state  (SimMiner     *miner,
                                        const char   *name,
                                        GError      **error);
/* Milliseconds to wait before answering (latency, or slow_ms). */
guint             sim_miner_delay_ms   (SimFleet     *fleet,
                                        SimMiner     *miner);

/* A JSON line describing the miner (for --list). */
char             *sim_miner_describe   (SimMiner     *miner);
/* Print an event line on stdout ({"event":…,"ip":…}). */
void              sim_event            (const char   *event,
                                        SimMiner     *miner,
                                        const char   *detail);

G_END_DECLS
