/* hf-sim-vnish.c
 * SPDX-License-Identifier: MIT
 *
 * A VNish miner's web API as its replies look on real units (1.2.x; shapes
 * from captured /api/v1/info, summary and status replies): info and status
 * need no login, summary and perf-summary take a token when given one (or
 * need it with summary-auth=true), writes and the preset list need one.
 * POST /api/v1/unlock {"pw"} gives a token (403 for a wrong password, 429
 * once too many were wrong); a token is sent as "Authorization: Bearer".
 * A reboot forgets the token.
 */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-sim-vnish.h"

#define FW_VERSION "1.2.6"

typedef struct
{
  char     *hr_measure;      /* "GH/s" or "TH/s" */
  guint     lockout;         /* wrong passwords before 429 */
  guint     wrong;           /* wrong passwords so far */
  guint     token_uses;      /* 0: a token lasts */
  guint     token_length;    /* characters of a token (32; a JWT is longer) */
  guint     used;            /* requests the token has served */
  gboolean  summary_auth;
  char     *failure;         /* failure description, or NULL */
  char     *pause_err;
  char     *token;           /* the valid token, or NULL */
  char     *preset;          /* the preset it runs */
  char     *pending;         /* saved, waiting for a mining restart */
  gboolean  led;
} Vnish;

static GHashTable *states;   /* SimMiner* → Vnish* */

static const struct { const char *name; const char *pretty; gboolean tuned; } presets[] = {
  { "2650", "2650 watt ~ 86 TH", TRUE },
  { "2950", "2950 watt ~ 95 TH", TRUE },
  { "3250", "3250 watt ~ 104 TH", TRUE },
  { "3550", "3550 watt ~ 112 TH", FALSE },
  { "3850", "3850 watt ~ 120 TH", FALSE },
};

static void
vnish_free (gpointer data)
{
  Vnish *v = data;

  g_free (v->hr_measure);
  g_free (v->failure);
  g_free (v->pause_err);
  g_free (v->token);
  g_free (v->preset);
  g_free (v->pending);
  g_free (v);
}

static Vnish *
state_of (SimMiner *miner)
{
  Vnish *v;

  if (states == NULL)
    states = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, vnish_free);
  v = g_hash_table_lookup (states, miner);
  if (v == NULL)
    {
      v = g_new0 (Vnish, 1);
      v->hr_measure = g_strdup ("GH/s");
      v->lockout = 5;
      v->preset = g_strdup ("3250");
      g_hash_table_insert (states, miner, v);
    }
  return v;
}

gboolean
sim_vnish_configure (SimFleet  *fleet,
                     GKeyFile  *file,
                     GError   **error)
{
  for (guint i = 0; i < fleet->miners->len; i++)
    {
      SimMiner *m = g_ptr_array_index (fleet->miners, i);
      g_autofree char *group = g_strdup_printf ("miner %s", m->ip);
      Vnish *v;
      char *text;

      if (m->profile->kind != SIM_KIND_VNISH)
        continue;
      v = state_of (m);
      if (file == NULL || !g_key_file_has_group (file, group))
        continue;
      if ((text = g_key_file_get_string (file, group, "hr-measure", NULL)))
        {
          if (!g_str_equal (text, "GH/s") && !g_str_equal (text, "TH/s"))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "[%s]: hr-measure is GH/s or TH/s, not '%s'", group, text);
              g_free (text);
              return FALSE;
            }
          g_free (v->hr_measure);
          v->hr_measure = text;
        }
      if (g_key_file_has_key (file, group, "lockout", NULL))
        v->lockout = (guint) CLAMP (g_key_file_get_integer (file, group, "lockout", NULL), 1, 1000);
      if (g_key_file_has_key (file, group, "token-length", NULL))
        v->token_length = (guint) CLAMP (g_key_file_get_integer (file, group, "token-length",
                                                                 NULL), 32, 4096);
      if (g_key_file_has_key (file, group, "token-uses", NULL))
        v->token_uses = (guint) CLAMP (g_key_file_get_integer (file, group, "token-uses", NULL),
                                       0, 1000000);
      v->summary_auth = g_key_file_get_boolean (file, group, "summary-auth", NULL);
      if ((text = g_key_file_get_string (file, group, "failure", NULL)))
        {
          g_free (v->failure);
          v->failure = text;
        }
      if ((text = g_key_file_get_string (file, group, "pause-err", NULL)))
        {
          g_free (v->pause_err);
          v->pause_err = text;
        }
    }
  return TRUE;
}

/* ---- replies ------------------------------------------------------------ */

static char *
builder_text (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_minmax (JsonBuilder *b, const char *name, double min, double max)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  add_int (b, "min", (gint64) round (min));
  add_int (b, "max", (gint64) round (max));
  json_builder_end_object (b);
}

static const char *
miner_state (SimMiner *miner,
             Vnish    *v)
{
  if (v->failure != NULL)
    return "failure";
  if (miner->paused)
    return "stopped";
  return "mining";
}

/* "27 days, 12:24" / "0:06", as the firmware writes its uptime */
static char *
uptime_text (double seconds)
{
  guint64 s = (guint64) seconds;
  guint64 days = s / 86400, hours = (s % 86400) / 3600, minutes = (s % 3600) / 60;

  if (days > 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " day%s, %" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT,
                            days, days == 1 ? "" : "s", hours, minutes);
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT, hours, minutes);
}

static char *
info_reply (SimMiner *miner,
            Vnish    *v)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *up = uptime_text (sim_miner_uptime (miner));

  json_builder_begin_object (b);
  add_string (b, "miner", miner->profile->model);
  add_string (b, "model", "s19jpro");
  add_string (b, "fw_name", "Vnish");
  add_string (b, "fw_version", FW_VERSION);
  add_string (b, "build_name", "vnishnet");
  add_string (b, "platform", "xil");
  add_string (b, "install_type", "nand");
  add_string (b, "build_time", "2025-05-29 19:22:26+00:00");
  add_string (b, "algorithm", "sha256d");
  add_string (b, "hr_measure", v->hr_measure);
  json_builder_set_member_name (b, "system");
  json_builder_begin_object (b);
  add_string (b, "os", "GNU/Linux");
  add_string (b, "miner_name", miner->hostname);
  add_int (b, "mem_total", 233712);
  add_int (b, "mem_free", 173956);
  json_builder_set_member_name (b, "network_status");
  json_builder_begin_object (b);
  add_string (b, "mac", miner->mac);
  json_builder_set_member_name (b, "dhcp");
  json_builder_add_boolean_value (b, TRUE);
  add_string (b, "ip", miner->ip);
  add_string (b, "netmask", "255.0.0.0");
  add_string (b, "hostname", miner->hostname);
  json_builder_end_object (b);
  add_string (b, "uptime", up);
  json_builder_end_object (b);
  add_string (b, "serial", miner->serial);
  json_builder_end_object (b);
  return builder_text (b);
}

static void
add_pool (JsonBuilder *b, guint id, const char *url, const char *type, const char *status,
          guint accepted, guint rejected, const char *diff)
{
  json_builder_begin_object (b);
  add_int (b, "id", id);
  add_string (b, "url", url);
  add_string (b, "pool_type", type);
  add_string (b, "user", g_str_equal (type, "DevFee") ? "*****" : "hashfleet.worker");
  add_string (b, "status", status);
  json_builder_set_member_name (b, "asic_boost");
  json_builder_add_boolean_value (b, TRUE);
  add_string (b, "diff", diff);
  add_int (b, "accepted", accepted);
  add_int (b, "rejected", rejected);
  add_int (b, "stale", 0);
  json_builder_end_object (b);
}

/* With --static: hashrate and power the profile's; chains 495/500/505 MHz
 * at 13400 mV; fans up to 4920 rpm; user pools 1200+50 accepted, 3+1
 * rejected (the DevFee pool's 40/2 not counted). */
static char *
summary_reply (SimFleet *fleet,
               SimMiner *miner,
               Vnish    *v)
{
  const SimProfile *p = miner->profile;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  double scale = g_str_equal (v->hr_measure, "TH/s") ? 1e-3 : 1.0;
  gboolean mining = !miner->paused && v->failure == NULL;
  double ghs = mining ? sim_miner_value (fleet, miner, sim_miner_base_hashrate (miner), 0.02) : 0;
  double power = mining ? sim_miner_value (fleet, miner, isnan (miner->power) ? p->power_w
                                                                               : miner->power, 0.01)
                        : 95;
  double chip = sim_miner_value (fleet, miner, p->chip_temp, 0.03);
  double board = sim_miner_value (fleet, miner, p->board_temp, 0.03);
  static const double fans[] = { 4800, 4920, 4760, 4880 };
  const char *url = miner->pool_url ? miner->pool_url : "stratum+tcp://btc.global.luxor.tech:700";

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "miner");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "miner_status");
  json_builder_begin_object (b);
  add_string (b, "miner_state", miner_state (miner, v));
  add_int (b, "miner_state_time", 600);
  json_builder_end_object (b);
  {
    g_autofree char *type = g_strdup_printf ("%s (Vnish %s)", "Antminer S19j Pro", FW_VERSION);
    add_string (b, "miner_type", type);
  }
  add_double (b, "average_hashrate", ghs / 1000.0);
  add_double (b, "instant_hashrate", ghs / 1000.0);
  add_double (b, "hr_realtime", ghs * scale);
  add_double (b, "hr_average", ghs * scale);
  add_double (b, "hr_nominal", p->expected_ghs * scale);
  add_double (b, "hr_stock", p->expected_ghs * scale);
  add_minmax (b, "pcb_temp", board - 8, board);
  add_minmax (b, "chip_temp", chip - 10, chip);
  add_int (b, "power_consumption", (gint64) round (power));
  add_int (b, "power_usage", (gint64) round (power));
  add_double (b, "power_efficiency", ghs > 0 ? power / (ghs / 1000.0) : 0);
  add_double (b, "hw_errors_percent", 0.02);
  add_int (b, "hw_errors", 37);
  json_builder_set_member_name (b, "pools");
  json_builder_begin_array (b);
  add_pool (b, 0, url, "UserPool", miner->fallback ? "offline" : "active", 1200, 3, "131K");
  add_pool (b, 1, "stratum+tcp://stratum.braiins.com:3333", "UserPool",
            miner->fallback ? "active" : "working", 50, 1, "8.19K");
  add_pool (b, 2, "DevFee", "DevFee", "working", 40, 2, "2.05K");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "cooling");
  json_builder_begin_object (b);
  add_int (b, "fan_num", G_N_ELEMENTS (fans));
  json_builder_set_member_name (b, "fans");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (fans); i++)
    {
      json_builder_begin_object (b);
      add_int (b, "id", i);
      add_int (b, "rpm", (gint64) round (sim_miner_value (fleet, miner, fans[i], 0.02)));
      add_string (b, "status", "ok");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "settings");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mode");
  json_builder_begin_object (b);
  add_string (b, "name", "auto");
  json_builder_end_object (b);
  json_builder_end_object (b);
  add_int (b, "fan_duty", (gint64) p->fan_percent);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "chains");
  json_builder_begin_array (b);
  for (guint i = 0; i < 3; i++)
    {
      json_builder_begin_object (b);
      add_int (b, "id", i + 1);
      add_double (b, "frequency", mining ? p->frequency - 5 + 5.0 * i : 0.0);
      add_int (b, "voltage", 13400);
      add_int (b, "power_consumption", (gint64) round (power / 3));
      add_double (b, "hashrate_ideal", p->expected_ghs / 3 * scale);
      add_double (b, "hashrate_rt", ghs / 3 * scale);
      /* The hottest chip and board on the middle chain. */
      add_minmax (b, "pcb_temp", board - 10, i == 1 ? board : board - 2);
      add_minmax (b, "chip_temp", chip - 12, i == 1 ? chip : chip - 3);
      json_builder_set_member_name (b, "status");
      json_builder_begin_object (b);
      add_string (b, "state", mining ? "mining" : "stopped");
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_int (b, "found_blocks", sim_miner_found_blocks (miner));
  add_int (b, "best_share", 123456789);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return builder_text (b);
}

static char *
status_reply (SimMiner *miner,
              Vnish    *v,
              gboolean  unlocked)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "miner_state", miner_state (miner, v));
  add_int (b, "miner_state_time", 600);
  if (v->failure != NULL)
    {
      add_string (b, "description", v->failure);
      add_int (b, "failure_code", 1002);
    }
  json_builder_set_member_name (b, "find_miner");
  json_builder_add_boolean_value (b, v->led);
  json_builder_set_member_name (b, "restart_required");
  json_builder_add_boolean_value (b, v->pending != NULL);
  json_builder_set_member_name (b, "reboot_required");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "unlocked");
  json_builder_add_boolean_value (b, unlocked);
  json_builder_end_object (b);
  return builder_text (b);
}

static const char *
pretty_of (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (presets[i].name, name))
      return presets[i].pretty;
  return name;
}

static char *
perf_reply (Vnish *v)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "current_preset");
  json_builder_begin_object (b);
  add_string (b, "name", v->preset);
  add_string (b, "pretty", pretty_of (v->preset));
  add_string (b, "status", "tuned");
  json_builder_end_object (b);
  json_builder_end_object (b);
  return builder_text (b);
}

static char *
presets_reply (void)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      json_builder_begin_object (b);
      add_string (b, "name", presets[i].name);
      add_string (b, "pretty", presets[i].pretty);
      add_string (b, "status", presets[i].tuned ? "tuned" : "untuned");
      json_builder_set_member_name (b, "modded_psu_required");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return builder_text (b);
}

char *
sim_vnish_version (SimMiner *miner)
{
  return g_strdup_printf ("{\"STATUS\":[{\"STATUS\":\"S\",\"When\":%" G_GINT64_FORMAT ",\"Code\":22,"
                          "\"Msg\":\"CGMiner versions\",\"Description\":\"cgminer 4.9.2\"}],"
                          "\"VERSION\":[{\"CGMiner\":\"4.9.2\",\"API\":\"3.7\","
                          "\"Miner\":\"VNISH " FW_VERSION "\",\"CompileTime\":\"2025-05-29\","
                          "\"Type\":\"Antminer S19j Pro (Vnish " FW_VERSION ")\"}],\"id\":1}",
                          g_get_real_time () / G_USEC_PER_SEC);
}

/* ---- requests ----------------------------------------------------------- */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json,
                                    strlen (json));
}

/* TRUE when the request carries the miner's valid token (counting a use). */
static gboolean
token_ok (SimMiner          *miner,
          Vnish             *v,
          SoupServerMessage *msg,
          gboolean          *sent)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  *sent = auth != NULL;
  if (auth == NULL || v->token == NULL || !g_str_has_prefix (auth, "Bearer ")
      || !g_str_equal (auth + 7, v->token))
    return FALSE;
  if (v->token_uses > 0 && ++v->used > v->token_uses)
    {
      sim_event ("token-expired", miner, NULL);
      g_clear_pointer (&v->token, g_free);
      return FALSE;
    }
  return TRUE;
}

static void
answer_unlock (SimMiner          *miner,
               Vnish             *v,
               SoupServerMessage *msg)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *pw = NULL;
  g_autofree char *token = NULL;

  if (request->data != NULL && request->length < 4096
      && json_parser_load_from_data (parser, request->data, (gssize) request->length, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *n = json_object_get_member (json_node_get_object (root), "pw");

      if (n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        pw = json_node_get_string (n);
    }
  if (v->wrong >= v->lockout)
    {
      sim_event ("unlock-locked-out", miner, NULL);
      respond_json (msg, 429, "{\"err\":\"Too many requests\"}");
      return;
    }
  if (pw == NULL || g_strcmp0 (pw, miner->web_password) != 0)
    {
      v->wrong++;
      sim_event ("unlock-refused", miner, NULL);
      respond_json (msg, v->wrong >= v->lockout ? 429 : 403,
                    v->wrong >= v->lockout ? "{\"err\":\"Too many requests\"}"
                                           : "{\"err\":\"Wrong password\"}");
      return;
    }
  v->wrong = 0;
  v->used = 0;
  g_free (v->token);
  {
    GString *t = g_string_new (NULL);

    /* Base64url-like, as a JWT's characters are. */
    while (t->len < MAX (v->token_length, 32))
      g_string_append_printf (t, "%08x", g_random_int ());
    g_string_truncate (t, MAX (v->token_length, 32));
    v->token = g_string_free (t, FALSE);
  }
  sim_event ("unlock", miner, v->token);
  token = g_strdup_printf ("{\"token\":\"%s\"}", v->token);
  respond_json (msg, 200, token);
}

static JsonObject *
object_member (JsonObject *obj,
               const char *name)
{
  JsonNode *n = obj ? json_object_get_member (obj, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static gboolean
answer_settings (SimMiner          *miner,
                 Vnish             *v,
                 SoupServerMessage *msg)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *overclock = NULL;
  const char *preset = NULL;

  if (request->data != NULL && request->length < 65536
      && json_parser_load_from_data (parser, request->data, (gssize) request->length, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *m = object_member (json_node_get_object (root), "miner");

      overclock = object_member (m, "overclock");
      if (overclock != NULL && json_object_has_member (overclock, "preset")
          && JSON_NODE_HOLDS_VALUE (json_object_get_member (overclock, "preset"))
          && json_node_get_value_type (json_object_get_member (overclock, "preset")) == G_TYPE_STRING)
        preset = json_object_get_string_member (overclock, "preset");
    }
  if (preset == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (presets[i].name, preset))
      {
        sim_event ("settings", miner, preset);
        if (!miner->ignore_writes)
          {
            g_free (v->pending);
            v->pending = g_strdup (preset);
          }
        respond_json (msg, 200, "{\"restart_required\":true,\"reboot_required\":false}");
        return TRUE;
      }
  return FALSE;
}

void
sim_vnish_answer (SimFleet          *fleet,
                  SimMiner          *miner,
                  SoupServerMessage *msg,
                  const char        *method,
                  const char        *path)
{
  Vnish *v = state_of (miner);
  gboolean get = g_str_equal (method, "GET");
  gboolean post = g_str_equal (method, "POST");
  gboolean sent = FALSE;
  gboolean authed;
  g_autofree char *body = NULL;

  if (get && g_str_equal (path, "/api/v1/info"))
    body = info_reply (miner, v);
  else if (get && g_str_equal (path, "/api/v1/status"))
    {
      authed = token_ok (miner, v, msg, &sent);
      body = status_reply (miner, v, authed);
    }
  else if (post && g_str_equal (path, "/api/v1/unlock"))
    {
      answer_unlock (miner, v, msg);
      return;
    }
  if (body != NULL)
    {
      respond_json (msg, 200, body);
      return;
    }
  if (!g_str_has_prefix (path, "/api/"))
    {
      static const char page[] = "<!doctype html><html><head><title>AnthillOS</title></head>"
                                 "<body><div id=\"app\"></div></body></html>";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page,
                                        strlen (page));
      return;
    }

  /* From here a token counts: optional for reads, needed for the rest. */
  authed = token_ok (miner, v, msg, &sent);
  if (get && (g_str_equal (path, "/api/v1/summary") || g_str_equal (path, "/api/v1/perf-summary")))
    {
      if ((sent && !authed) || (!authed && v->summary_auth && g_str_equal (path, "/api/v1/summary")))
        {
          sim_event ("unauthorized", miner, path);
          respond_json (msg, 401, "{\"err\":\"Unauthorized\"}");
          return;
        }
      body = g_str_equal (path, "/api/v1/summary") ? summary_reply (fleet, miner, v)
                                                    : perf_reply (v);
      respond_json (msg, 200, body);
      return;
    }
  if (!(get && g_str_equal (path, "/api/v1/autotune/presets"))
      && !(post && (g_str_equal (path, "/api/v1/settings")
                    || g_str_equal (path, "/api/v1/mining/pause")
                    || g_str_equal (path, "/api/v1/mining/resume")
                    || g_str_equal (path, "/api/v1/mining/restart")
                    || g_str_equal (path, "/api/v1/system/reboot")
                    || g_str_equal (path, "/api/v1/find-miner"))))
    {
      respond_json (msg, 404, "{\"err\":\"Not found\"}");
      return;
    }
  if (!authed)
    {
      sim_event ("unauthorized", miner, path);
      respond_json (msg, 401, "{\"err\":\"Unauthorized\"}");
      return;
    }

  if (g_str_equal (path, "/api/v1/autotune/presets"))
    {
      body = presets_reply ();
      respond_json (msg, 200, body);
    }
  else if (g_str_equal (path, "/api/v1/settings"))
    {
      if (!answer_settings (miner, v, msg))
        {
          sim_event ("settings-refused", miner, NULL);
          respond_json (msg, 400, "{\"err\":\"Invalid settings\"}");
        }
    }
  else if (g_str_equal (path, "/api/v1/mining/pause") || g_str_equal (path, "/api/v1/mining/resume"))
    {
      gboolean pause = g_str_equal (path, "/api/v1/mining/pause");

      if (pause && v->pause_err != NULL)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          g_autofree char *reply = NULL;

          json_builder_begin_object (b);
          add_string (b, "err", v->pause_err);
          json_builder_end_object (b);
          reply = builder_text (b);
          sim_event ("pause-failed", miner, NULL);
          respond_json (msg, 200, reply);
          return;
        }
      if (!miner->ignore_writes)
        miner->paused = pause;
      sim_event (pause ? "pause" : "resume", miner, NULL);
      respond_json (msg, 200, "{}");
    }
  else if (g_str_equal (path, "/api/v1/mining/restart"))
    {
      if (v->pending != NULL)
        {
          g_free (v->preset);
          v->preset = g_steal_pointer (&v->pending);
        }
      sim_event ("mining-restart", miner, v->preset);
      respond_json (msg, 200, "{}");
    }
  else if (g_str_equal (path, "/api/v1/find-miner"))
    {
      v->led = !v->led;
      sim_event ("identify", miner, NULL);
      respond_json (msg, 200, v->led ? "{\"on\":true}" : "{\"on\":false}");
    }
  else
    {
      respond_json (msg, 200, "{\"after\":3}");
      g_clear_pointer (&v->token, g_free);
      if (v->pending != NULL)
        {
          g_free (v->preset);
          v->preset = g_steal_pointer (&v->pending);
        }
      sim_miner_restart (fleet, miner);
    }
}
