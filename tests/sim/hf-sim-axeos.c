/* hf-sim-axeos.c
 * SPDX-License-Identifier: MIT
 *
 * The AxeOS firmware's web server (ESP-Miner main/http_server/), where a
 * client can tell: is_network_allowed() and set_cors_headers(), the
 * statistics buffer, the /api/ws/live websocket that sends the whole
 * /api/system/info once and then only what changed (cJSON_GetDiff()), and
 * POST /api/system/restart, which answers, holds the single-task server
 * for a second and only then reboots.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-sim-axeos.h"
#include "hf-sim-ota.h"
#include "hf-sim-replies.h"
#include "hf-sim-settings.h"

#define STATS_LIMIT     720      /* MAX_STATISTICS_COUNT */
#define LIVE_PERIOD_MS  500      /* WEBSOCKET_API_RATE_LIMIT_MS */
#define IDENTIFY_US     (30 * G_USEC_PER_SEC)
#define DEFAULT_THEME   "dark"
#define DEFAULT_COLOR   "#F80421"

/* The statistics columns, in the firmware's order, and the
 * /api/system/info member each one records. */
static const struct
{
  const char *label;
  const char *member;
} columns[] = {
  { "hashrate", "hashRate" },
  { "hashrate_1m", "hashRate_1m" },
  { "hashrate_10m", "hashRate_10m" },
  { "hashrate_1h", "hashRate_1h" },
  { "errorPercentage", "errorPercentage" },
  { "asicTemp", "temp" },
  { "asicTemp2", "temp2" },
  { "vrTemp", "vrTemp" },
  { "asicVoltage", "coreVoltageActual" },
  { "voltage", "voltage" },
  { "power", "power" },
  { "current", "current" },
  { "fanSpeed", "fanspeed" },
  { "fanRpm", "fanrpm" },
  { "fan2Rpm", "fan2rpm" },
  { "wifiRssi", "wifiRSSI" },
  { "freeHeap", "freeHeap" },
  { "responseTime", "responseTime" },
};
#define N_COLUMNS G_N_ELEMENTS (columns)

typedef struct
{
  gint64 timestamp;              /* ms since the miner booted */
  double values[N_COLUMNS];
} StatPoint;

typedef struct
{
  SimAxeosWeb  *web;
  SimMiner     *miner;
  guint         stats_frequency; /* s; 0: the firmware keeps no statistics */
  gint64        stats_last;      /* ms since boot of the last point */
  GArray       *stats;           /* StatPoint, oldest first */
  guint         boots;           /* miner->restarts the buffer belongs to */
  char         *theme_scheme;
  char         *theme_color;
  gint64        identify_until;  /* monotonic µs */
  guint         restart_timer;
  GList        *held;            /* SoupServerMessage* waiting out a restart */
  GList        *live;            /* Live* */
} MinerWeb;

typedef struct
{
  MinerWeb                *mw;
  SoupWebsocketConnection *connection;
  JsonNode                *last;
  guint                    timer;
} Live;

struct _SimAxeosWeb
{
  SimFleet   *fleet;
  GHashTable *miners;            /* SimMiner* → MinerWeb* */
  guint       stats_timer;
};

/* ---- Origin rules and CORS ---------------------------------------------- */

SimAxeosFeatures
sim_axeos_features (SimMiner *miner)
{
  g_return_val_if_fail (miner != NULL, 0);

  if (miner->profile->kind != SIM_KIND_AXEOS)
    return 0;
  switch (miner->profile->id)
    {
    case SIM_AXEOS_SUPRA_OLD:   /* v2.4 */
    case SIM_NERDQAXE:
      return 0;
    default:                    /* v2.15 */
      return SIM_AXEOS_ORIGIN_RULES | SIM_AXEOS_STATISTICS | SIM_AXEOS_LIVE
             | SIM_AXEOS_FULL_HOSTNAME;
    }
}

/* ip_in_private_range(), with the simulator's LAN (127/8) added. */
static gboolean
in_private_range (GInetAddress *address)
{
  const guint8 *b;

  if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    return FALSE;
  b = g_inet_address_to_bytes (address);
  return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168)
         || b[0] == 127;
}

gboolean
sim_axeos_origin_allowed (SimMiner     *miner,
                          const char   *origin,
                          GInetAddress *peer)
{
  const char *host;
  g_autofree char *to_slash = NULL;
  g_autofree char *bare = NULL;
  g_autoptr(GInetAddress) origin_ip = NULL;

  g_return_val_if_fail (miner != NULL, FALSE);

  if (!(sim_axeos_features (miner) & SIM_AXEOS_ORIGIN_RULES))
    return TRUE;
  if (origin == NULL)
    return in_private_range (peer);     /* the Origin is the peer itself */

  /* extract_origin_ip_addr(): what follows "http://", up to a '/', must
   * be a dotted quad; "http://10.0.0.5:8080" is not one, so an address
   * with a port goes on to the host name rules below, and fails them. */
  host = strstr (origin, "http://");
  if (host != NULL)
    {
      const char *slash;

      host += strlen ("http://");
      slash = strchr (host, '/');
      to_slash = g_strndup (host, slash ? (gsize) (slash - host) : strlen (host));
      origin_ip = g_inet_address_new_from_string (to_slash);
      if (origin_ip != NULL && g_inet_address_get_family (origin_ip) != G_SOCKET_FAMILY_IPV4)
        g_clear_object (&origin_ip);
    }
  if (origin_ip != NULL && in_private_range (origin_ip) && in_private_range (peer))
    return TRUE;
  if (origin[0] == '\0')
    return FALSE;

  /* Any .local name, or a bare name (no dot): only a LAN resolves them. */
  if (host != NULL)
    {
      gsize len = strcspn (host, ":/");

      bare = g_strndup (host, len);
      if ((len > 6 && g_ascii_strcasecmp (bare + len - 6, ".local") == 0)
          || (len > 0 && strchr (bare, '.') == NULL))
        return TRUE;
    }
  /* The device's own host name, with or without .local, any port. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *expected = g_strconcat ("http://", miner->hostname,
                                               i == 0 ? ".local" : "", NULL);
      gsize len = strlen (expected);

      if (strncmp (origin, expected, len) == 0 && (origin[len] == '\0' || origin[len] == ':'))
        return TRUE;
    }
  return FALSE;
}

void
sim_axeos_set_cors (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", "*");
  soup_message_headers_replace (headers, "Access-Control-Allow-Methods",
                                "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  soup_message_headers_replace (headers, "Access-Control-Allow-Headers", "Content-Type");
}

/* ---- per-miner state ---------------------------------------------------- */

static void live_close (Live *live);

static void
miner_web_free (gpointer data)
{
  MinerWeb *mw = data;

  while (mw->live != NULL)
    live_close (mw->live->data);
  g_clear_handle_id (&mw->restart_timer, g_source_remove);
  g_list_free_full (mw->held, g_object_unref);
  g_array_unref (mw->stats);
  g_free (mw->theme_scheme);
  g_free (mw->theme_color);
  g_free (mw);
}

static MinerWeb *
miner_web (SimAxeosWeb *web,
           SimMiner    *miner)
{
  MinerWeb *mw = g_hash_table_lookup (web->miners, miner);

  if (mw == NULL)
    {
      mw = g_new0 (MinerWeb, 1);
      mw->web = web;
      mw->miner = miner;
      mw->stats = g_array_new (FALSE, FALSE, sizeof (StatPoint));
      mw->boots = miner->restarts;
      mw->theme_scheme = g_strdup (DEFAULT_THEME);
      mw->theme_color = g_strdup (DEFAULT_COLOR);
      g_hash_table_insert (web->miners, miner, mw);
    }
  return mw;
}

static gint64
ms_since_boot (SimMiner *miner)
{
  return MAX (g_get_real_time () - miner->boot_time, 0) / 1000;
}

/* The reply the miner gives now, as a JSON object (NULL if none). */
static JsonNode *
info_node (SimAxeosWeb *web,
           SimMiner    *miner)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  text = sim_axeos_web_info (web, miner,
                             sim_ota_info (miner, sim_axeos_apply_overrides (
                               web->fleet, miner, sim_axeos_info (web->fleet, miner))),
                             FALSE);
  if (!json_parser_load_from_data (parser, text, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_parser_steal_root (parser);
}

/* ---- statistics --------------------------------------------------------- */

static void
stats_point (StatPoint  *point,
             JsonObject *info,
             gint64      timestamp)
{
  point->timestamp = timestamp;
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      JsonNode *n = json_object_get_member (info, columns[i].member);

      point->values[i] = n != NULL && JSON_NODE_HOLDS_VALUE (n)
                         && json_node_get_value_type (n) != G_TYPE_STRING
                         ? json_node_get_double (n) : 0;
    }
}

/* What the buffer holds after a reboot (RAM) or with statistics off. */
static void
stats_reset (MinerWeb *mw)
{
  g_array_set_size (mw->stats, 0);
  mw->stats_last = 0;
  mw->boots = mw->miner->restarts;
}

static void
stats_record (MinerWeb *mw)
{
  g_autoptr(JsonNode) info = NULL;
  StatPoint point;
  gint64 now;

  if (mw->boots != mw->miner->restarts)
    stats_reset (mw);
  if (mw->stats_frequency == 0 || sim_miner_restarting (mw->miner) || mw->restart_timer != 0)
    return;
  now = ms_since_boot (mw->miner);
  if (mw->stats->len > 0 && now - mw->stats_last < (gint64) mw->stats_frequency * 1000)
    return;
  info = info_node (mw->web, mw->miner);
  if (info == NULL)
    return;
  stats_point (&point, json_node_get_object (info), now);
  g_array_append_val (mw->stats, point);
  if (mw->stats->len > STATS_LIMIT)
    g_array_remove_index (mw->stats, 0);
  mw->stats_last = now;
}

static gboolean
stats_cb (gpointer user_data)
{
  SimAxeosWeb *web = user_data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, web->miners);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    stats_record (value);
  return G_SOURCE_CONTINUE;
}

/* A miner configured with statistics on has recorded them since it booted
 * (the simulated fleet starts an hour into its miners' uptime): fill the
 * buffer with today's values at the firmware's spacing. */
static void
stats_backfill (MinerWeb *mw)
{
  g_autoptr(JsonNode) info = info_node (mw->web, mw->miner);
  gint64 now = ms_since_boot (mw->miner);
  gint64 step = (gint64) mw->stats_frequency * 1000;
  gint64 first;

  stats_reset (mw);
  if (info == NULL || step == 0)
    return;
  first = now - MIN (now / step, STATS_LIMIT - 1) * step;
  for (gint64 t = first; t <= now; t += step)
    {
      StatPoint point;

      stats_point (&point, json_node_get_object (info), t);
      g_array_append_val (mw->stats, point);
      mw->stats_last = t;
    }
}

char *
sim_axeos_web_statistics (SimAxeosWeb *web,
                          SimMiner    *miner,
                          const char  *wanted)
{
  MinerWeb *mw;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean selected[N_COLUMNS] = { FALSE };
  gboolean any = FALSE;

  g_return_val_if_fail (web != NULL && miner != NULL, NULL);

  mw = miner_web (web, miner);
  if (mw->boots != miner->restarts)
    stats_reset (mw);
  /* ?columns=a,b picks columns; none it knows means all of them. */
  if (wanted != NULL)
    {
      g_auto(GStrv) names = g_strsplit (wanted, ",", -1);

      for (guint n = 0; names[n] != NULL; n++)
        for (guint i = 0; i < N_COLUMNS; i++)
          if (g_str_equal (names[n], columns[i].label))
            selected[i] = any = TRUE;
    }
  for (guint i = 0; !any && i < N_COLUMNS; i++)
    selected[i] = TRUE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "currentTimestamp");
  json_builder_add_int_value (b, ms_since_boot (miner));
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (guint i = 0; i < N_COLUMNS; i++)
    if (selected[i])
      json_builder_add_string_value (b, columns[i].label);
  json_builder_add_string_value (b, "timestamp");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "statistics");
  json_builder_begin_array (b);
  for (guint p = 0; mw->stats_frequency != 0 && p < mw->stats->len; p++)
    {
      const StatPoint *point = &g_array_index (mw->stats, StatPoint, p);

      json_builder_begin_array (b);
      for (guint i = 0; i < N_COLUMNS; i++)
        if (selected[i])
          json_builder_add_double_value (b, point->values[i]);
      json_builder_add_int_value (b, point->timestamp);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* ---- /api/system/info additions ----------------------------------------- */

/* hashrateMonitor: the hashrate register of every ASIC and of each of its
 * four hash domains (system_api_add_hashrate_monitor()). */
static JsonNode *
hashrate_monitor (JsonObject *info)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  double total = json_object_get_double_member_with_default (info, "hashRate", 0);
  static const double share[] = { 0.26, 0.24, 0.25, 0.25 };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "asics");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_double_value (b, total);
  json_builder_set_member_name (b, "errorCount");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "domains");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (share); i++)
    json_builder_add_double_value (b, total * share[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
sim_axeos_web_info (SimAxeosWeb *web,
                    SimMiner    *miner,
                    char        *info,
                    gboolean     http)
{
  g_autofree char *owned = info;
  g_autoptr(JsonParser) parser = json_parser_new ();
  SimAxeosFeatures features;
  MinerWeb *mw;
  JsonObject *o;

  g_return_val_if_fail (web != NULL && miner != NULL, NULL);

  features = sim_axeos_features (miner);
  if (owned == NULL || features == 0
      || !json_parser_load_from_data (parser, owned, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_steal_pointer (&owned);
  o = json_node_get_object (json_parser_get_root (parser));
  mw = miner_web (web, miner);

  json_object_set_int_member (o, "statsFrequency", mw->stats_frequency);
  if (features & SIM_AXEOS_LIVE)
    {
      json_object_set_boolean_member (o, "miningPaused", miner->paused);
      json_object_set_member (o, "hashrateMonitor", hashrate_monitor (o));
    }
  /* GET_system_info() adds it; the websocket's state has none. */
  if (http && (features & SIM_AXEOS_FULL_HOSTNAME))
    {
      g_autofree char *full = g_strdup_printf ("%s.local", miner->hostname);

      json_object_set_string_member (o, "fullHostname", full);
    }
  return json_to_string (json_parser_get_root (parser), FALSE);
}

/* ---- settings, theme, identify ------------------------------------------ */

static JsonObject *
parse_object (JsonParser *parser,
              const char *body,
              gsize       len)
{
  if (body == NULL || !json_parser_load_from_data (parser, body, (gssize) len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_node_get_object (json_parser_get_root (parser));
}

gboolean
sim_axeos_web_check_patch (SimAxeosWeb  *web,
                           SimMiner     *miner,
                           const char   *body,
                           gsize         len,
                           char        **error_text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonNode *n;

  g_return_val_if_fail (web != NULL && miner != NULL, FALSE);

  if ((o = parse_object (parser, body, len)) == NULL)
    return TRUE;      /* sim_axeos_patch() refuses it */
  /* TYPE_U16 0…65535: any JSON number (cJSON_IsNumber), read as an int. */
  n = json_object_get_member (o, "statsFrequency");
  if (n != NULL && (!JSON_NODE_HOLDS_VALUE (n)
                    || (json_node_get_value_type (n) != G_TYPE_INT64
                        && json_node_get_value_type (n) != G_TYPE_DOUBLE)
                    || json_node_get_double (n) < 0 || json_node_get_double (n) > G_MAXUINT16))
    {
      *error_text = g_strdup ("{\"error\":\"invalid value for statsFrequency\"}");
      return FALSE;
    }
  return TRUE;
}

void
sim_axeos_web_apply_patch (SimAxeosWeb *web,
                           SimMiner    *miner,
                           const char  *body,
                           gsize        len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  MinerWeb *mw;

  g_return_if_fail (web != NULL && miner != NULL);

  if ((o = parse_object (parser, body, len)) == NULL
      || !json_object_has_member (o, "statsFrequency") || miner->ignore_writes)
    return;
  mw = miner_web (web, miner);
  mw->stats_frequency = (guint) json_object_get_int_member (o, "statsFrequency");
  /* removeStatisticsBuffer(): turning statistics off forgets them. */
  if (mw->stats_frequency == 0)
    stats_reset (mw);
}

char *
sim_axeos_web_theme (SimAxeosWeb *web,
                     SimMiner    *miner)
{
  MinerWeb *mw;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (web != NULL && miner != NULL, NULL);

  mw = miner_web (web, miner);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "colorScheme");
  json_builder_add_string_value (b, mw->theme_scheme);
  json_builder_set_member_name (b, "primaryColor");
  json_builder_add_string_value (b, mw->theme_color);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

gboolean
sim_axeos_web_set_theme (SimAxeosWeb *web,
                         SimMiner    *miner,
                         const char  *body,
                         gsize        len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  MinerWeb *mw;
  const char *value;

  g_return_val_if_fail (web != NULL && miner != NULL, FALSE);

  if ((o = parse_object (parser, body, len)) == NULL)
    return FALSE;
  mw = miner_web (web, miner);
  /* A member of the wrong type is ignored, the rest taken. */
  if ((value = json_object_get_string_member_with_default (o, "colorScheme", NULL)))
    {
      g_free (mw->theme_scheme);
      mw->theme_scheme = g_strdup (value);
    }
  if ((value = json_object_get_string_member_with_default (o, "primaryColor", NULL)))
    {
      g_free (mw->theme_color);
      mw->theme_color = g_strdup (value);
    }
  return TRUE;
}

const char *
sim_axeos_web_identify (SimAxeosWeb *web,
                        SimMiner    *miner)
{
  MinerWeb *mw;

  g_return_val_if_fail (web != NULL && miner != NULL, NULL);

  mw = miner_web (web, miner);
  if (mw->identify_until > g_get_monotonic_time ())
    {
      mw->identify_until = 0;
      return "The device no longer says \"Hi!\".";
    }
  mw->identify_until = g_get_monotonic_time () + IDENTIFY_US;
  return "The device says \"Hi!\" for 30 seconds.";
}

/* ---- restart ------------------------------------------------------------ */

static void
drop (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
restart_cb (gpointer user_data)
{
  MinerWeb *mw = user_data;
  GList *held = g_steal_pointer (&mw->held);

  mw->restart_timer = 0;
  sim_miner_restart (mw->web->fleet, mw->miner);
  /* Whatever waited on the busy server dies with the reboot. */
  for (GList *l = held; l != NULL; l = l->next)
    drop (l->data);
  g_list_free_full (held, g_object_unref);
  while (mw->live != NULL)
    live_close (mw->live->data);
  stats_reset (mw);
  return G_SOURCE_REMOVE;
}

void
sim_axeos_web_restart_later (SimAxeosWeb *web,
                             SimMiner    *miner,
                             guint        delay_ms)
{
  MinerWeb *mw;

  g_return_if_fail (web != NULL && miner != NULL);

  mw = miner_web (web, miner);
  if (mw->restart_timer == 0)
    mw->restart_timer = g_timeout_add (delay_ms, restart_cb, mw);
}

static void
held_gone_cb (SoupServerMessage *msg,
              gpointer           user_data)
{
  MinerWeb *mw = user_data;
  GList *link = g_list_find (mw->held, msg);

  if (link != NULL)
    {
      mw->held = g_list_delete_link (mw->held, link);
      g_object_unref (msg);
    }
}

gboolean
sim_axeos_web_hold (SimAxeosWeb       *web,
                    SimMiner          *miner,
                    SoupServerMessage *msg)
{
  MinerWeb *mw;

  g_return_val_if_fail (web != NULL && miner != NULL, FALSE);

  mw = g_hash_table_lookup (web->miners, miner);
  if (mw == NULL || mw->restart_timer == 0)
    return FALSE;
  /* esp_http_server runs one handler at a time: the restart handler's
   * one-second wait keeps every other request waiting. */
  soup_server_message_pause (msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (held_gone_cb), mw);
  mw->held = g_list_prepend (mw->held, g_object_ref (msg));
  return TRUE;
}

/* ---- /api/ws/live ------------------------------------------------------- */

/* cJSON_GetDiff(): members that are new or changed; an object that was an
 * object before only with what changed inside it.  NULL: nothing. */
static JsonObject *
diff (JsonObject *before,
      JsonObject *now)
{
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (now);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *n = json_object_get_member (now, l->data);
      JsonNode *o = before ? json_object_get_member (before, l->data) : NULL;

      if (o != NULL && json_node_equal (o, n))
        continue;
      if (o != NULL && JSON_NODE_HOLDS_OBJECT (o) && JSON_NODE_HOLDS_OBJECT (n))
        {
          JsonObject *inner = diff (json_node_get_object (o), json_node_get_object (n));

          if (inner != NULL)
            json_object_set_object_member (out, l->data, inner);
        }
      else
        json_object_set_member (out, l->data, json_node_copy (n));
    }
  return json_object_get_size (out) > 0 ? g_steal_pointer (&out) : NULL;
}

static void
live_send (Live *live)
{
  g_autoptr(JsonNode) now = info_node (live->mw->web, live->mw->miner);
  g_autoptr(JsonObject) changed = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) message = NULL;
  g_autofree char *text = NULL;

  if (now == NULL)
    return;
  changed = diff (live->last ? json_node_get_object (live->last) : NULL,
                  json_node_get_object (now));
  /* The firmware's values move as its uptime ticks, once a second: a
   * change seen between two ticks (a temperature a write moved) goes out
   * with the next tick, uptimeSeconds with it, as the web UI expects. */
  if (changed != NULL && live->last != NULL && !json_object_has_member (changed, "uptimeSeconds"))
    return;
  g_clear_pointer (&live->last, json_node_unref);
  live->last = g_steal_pointer (&now);
  if (changed == NULL)
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "update");
  json_builder_set_member_name (b, "data");
  message = json_node_init_object (json_node_alloc (), changed);
  json_builder_add_value (b, g_steal_pointer (&message));
  json_builder_end_object (b);
  message = json_builder_get_root (b);
  text = json_to_string (message, FALSE);
  soup_websocket_connection_send_text (live->connection, text);
}

static gboolean
live_cb (gpointer user_data)
{
  Live *live = user_data;

  if (soup_websocket_connection_get_state (live->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return G_SOURCE_CONTINUE;
  /* The busy server sends nothing while a restart waits. */
  if (live->mw->restart_timer == 0 && !sim_miner_restarting (live->mw->miner))
    live_send (live);
  return G_SOURCE_CONTINUE;
}

static void
live_close (Live *live)
{
  MinerWeb *mw = live->mw;
  g_autoptr(SoupWebsocketConnection) connection = g_steal_pointer (&live->connection);

  mw->live = g_list_remove (mw->live, live);
  g_clear_handle_id (&live->timer, g_source_remove);
  g_clear_pointer (&live->last, json_node_unref);
  g_signal_handlers_disconnect_by_data (connection, live);
  /* A rebooting device sends no close frame: the connection just ends. */
  if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    g_io_stream_close (soup_websocket_connection_get_io_stream (connection), NULL, NULL);
  g_free (live);
}

static void
live_closed_cb (SoupWebsocketConnection *connection,
                gpointer                 user_data)
{
  live_close (user_data);
}

void
sim_axeos_web_live_add (SimAxeosWeb             *web,
                        SimMiner                *miner,
                        SoupWebsocketConnection *connection)
{
  Live *live;

  g_return_if_fail (web != NULL && miner != NULL);
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  live = g_new0 (Live, 1);
  live->mw = miner_web (web, miner);
  live->connection = g_object_ref (connection);
  /* The firmware never pings; a browser does not either. */
  soup_websocket_connection_set_keepalive_interval (connection, 0);
  g_signal_connect (connection, "closed", G_CALLBACK (live_closed_cb), live);
  live->mw->live = g_list_prepend (live->mw->live, live);
  live_send (live);
  live->timer = g_timeout_add (LIVE_PERIOD_MS, live_cb, live);
}

/* ---- the fleet's web state ---------------------------------------------- */

SimAxeosWeb *
sim_axeos_web_new (SimFleet *fleet)
{
  SimAxeosWeb *web = g_new0 (SimAxeosWeb, 1);

  web->fleet = fleet;
  web->miners = g_hash_table_new_full (NULL, NULL, NULL, miner_web_free);
  web->stats_timer = g_timeout_add_seconds (1, stats_cb, web);
  return web;
}

void
sim_axeos_web_free (SimAxeosWeb *web)
{
  if (web == NULL)
    return;
  g_clear_handle_id (&web->stats_timer, g_source_remove);
  g_hash_table_unref (web->miners);
  g_free (web);
}

gboolean
sim_axeos_web_configure (SimAxeosWeb  *web,
                         GKeyFile     *file,
                         GError      **error)
{
  g_return_val_if_fail (web != NULL, FALSE);

  for (guint i = 0; file != NULL && i < web->fleet->miners->len; i++)
    {
      SimMiner *miner = g_ptr_array_index (web->fleet->miners, i);
      g_autofree char *group = g_strdup_printf ("miner %s", miner->ip);
      g_autoptr(GError) local = NULL;
      gint value;

      if (!g_key_file_has_key (file, group, "stats-frequency", NULL))
        continue;
      value = g_key_file_get_integer (file, group, "stats-frequency", &local);
      if (local != NULL || value < 0 || value > G_MAXUINT16
          || !(sim_axeos_features (miner) & SIM_AXEOS_STATISTICS))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "[%s]: stats-frequency is 0…65535 s, on AxeOS 2.8 or later", group);
          return FALSE;
        }
      miner_web (web, miner)->stats_frequency = (guint) value;
      stats_backfill (miner_web (web, miner));
    }
  return TRUE;
}
