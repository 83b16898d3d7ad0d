/* hf-api-server.c
 * SPDX-License-Identifier: MIT
 *
 * The automation API on libsoup's SoupServer.  Everything it serves comes
 * from memory (the fleet, its totals, today's and this month's energy,
 * the metrics) except history and a miner's energy over a range, which a
 * worker thread reads from its own connection to the store; writes go
 * through the same fleet and store the app and `hashfleet-cli serve` use.
 *
 * Off unless asked for; loopback unless a token is set (of 16 characters
 * at least beyond loopback); without a token, only requests naming
 * localhost or a loopback address as Host; writes always need the token
 * (compared in constant time; five wrong ones a minute per client
 * address); bodies capped, announced with Content-Length, and never read
 * when refused; connections capped and dropped when idle; discover and
 * restart rate-limited; every error a JSON object with a proper status.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <libsoup/soup.h>

#include "hf-api-metrics.h"
#include "hf-api-server.h"
#include "hf-energy.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-miner-json.h"
#include "hf-schedule-json.h"
#include "hf-scheduler.h"
#include "hf-guard-json.h"
#include "hf-thermal-guardian.h"
#include "hf-session.h"
#include "hf-store-export.h"
#include "hf-targets.h"
#include "hf-tune-json.h"
#include "hf-tuner.h"

/* One connection being served.  libsoup 3.2 neither counts connections
 * nor times them out, and leaks one kept alive that its client closes;
 * these records bound both. */
typedef struct
{
  char    *key;         /* its peer's "address:port", as messages name it */
  GSocket *socket;
  gint64   deadline;    /* monotonic µs; 0 while a handler has its request */
  gint64   shut_at;     /* when it passed its deadline and was shut down */
} Client;

/* The wrong tokens sent from one address in the current window. */
typedef struct
{
  gint64 since;         /* monotonic µs of the window's first */
  guint  count;
} Failures;

typedef struct
{
  guint         id;
  HfApiServer  *server;         /* not owned */
  GCancellable *cancellable;
  gboolean      running;
  guint64       done;
  guint64       total;
  GPtrArray    *found;          /* addresses */
  guint         elapsed_ms;
  char         *error;
} Job;

struct _HfApiServer
{
  GObject       parent_instance;

  HfSession    *session;        /* what writes and discovery go through */
  HfFleet      *fleet;          /* the session's, read from memory */
  SoupServer   *server;
  char         *token;
  GCancellable *cancellable;
  HfApiTimings  timings;

  GHashTable   *jobs;           /* id → Job* */
  guint         next_job;
  gint64        last_discover;  /* monotonic µs */
  GHashTable   *restarted;      /* address → monotonic µs of the last restart */

  GHashTable   *failures;       /* client address → Failures */
  guint         auth_window_ms;

  GHashTable   *clients;        /* "peer:port" → Client */
  /* Connections are accepted here and handed to libsoup as streams:
   * libsoup 3.2's own listener leaks a GSocket (344 bytes) for every
   * connection it accepts, closed or not; one it is handed is ours. */
  GSocketService *service;
  guint16       port;
  guint         sweep_id;
  guint         idle_ms;
  gboolean      close_always;   /* no keep-alive: libsoup below 3.3 leaks it */

  /* What the read endpoints answer, built once per change of the fleet,
   * not per request.  A miner added or removed, or a cycle's end, drops
   * them; a single reading marks them stale, rebuilt at most every
   * CACHE_REBUILD_US while readings pour in. */
  GBytes       *cached[3];
  gint64        built_at[3];
  gboolean      stale[3];
};

#define CACHE_REBUILD_US (250 * 1000)

enum { CACHE_MINERS, CACHE_STATS, CACHE_METRICS };

G_DEFINE_FINAL_TYPE (HfApiServer, hf_api_server, G_TYPE_OBJECT)

/* Tokens */

char *
hf_api_token_generate (void)
{
  guint8 bytes[32];
  gsize got = 0;
  char *token;

  while (got < sizeof bytes)
    {
      gssize n = getrandom (bytes + got, sizeof bytes - got, 0);
      if (n > 0)
        got += (gsize) n;
    }
  token = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (token, "+", '-');
  g_strdelimit (token, "/", '_');
  if (strchr (token, '=') != NULL)
    *strchr (token, '=') = '\0';
  return token;
}

gboolean
hf_api_token_equal (const char *a,
                    const char *b)
{
  gsize la, lb;
  guint diff;

  if (a == NULL || b == NULL)
    return FALSE;
  la = strlen (a);
  lb = strlen (b);
  /* Every byte of @b is looked at whatever the first difference. */
  diff = la != lb;
  for (gsize i = 0; i < lb; i++)
    diff |= (guint) ((guint8) b[i] ^ (guint8) (la > 0 ? a[i % la] : 0));
  return diff == 0 && la > 0;
}

/* Answers */

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            char              *json)    /* taken */
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, json,
                                    strlen (json));
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  reply_json (msg, status, json_to_string (root, FALSE));
}

static char *
lines_to_array (GPtrArray *lines)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < lines->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, g_ptr_array_index (lines, i));
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

/* Endpoints */

static void
invalidate (HfApiServer *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->cached); i++)
    g_clear_pointer (&self->cached[i], g_bytes_unref);
  memset (self->stale, 0, sizeof self->stale);
}

/* Whether cache @i must be built (again) now. */
static gboolean
needs_build (HfApiServer *self,
             guint        i)
{
  return self->cached[i] == NULL
         || (self->stale[i] && g_get_monotonic_time () - self->built_at[i] >= CACHE_REBUILD_US);
}

static void
set_cache (HfApiServer *self,
           guint        i,
           char        *text)    /* taken */
{
  g_clear_pointer (&self->cached[i], g_bytes_unref);
  self->cached[i] = g_bytes_new_take (text, strlen (text));
  self->built_at[i] = g_get_monotonic_time ();
  self->stale[i] = FALSE;
}

static void
reply_cached (SoupServerMessage *msg,
              const char        *content_type,
              GBytes            *bytes)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                         content_type, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

/* Each miner's line, with "thermal_steps": how many options the thermal
 * guardian has it stepped down (null: no guard watches it). */
static char *
miners_json (HfApiServer *self,
             GListModel  *model)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  HfThermalGuardian *guardian = hf_session_get_guardian (self->session);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
      char *line = hf_miner_to_json_line (m, hf_miner_get_address (m), hf_miner_get_error (m));
      gsize len = strlen (line);
      guint steps = hf_thermal_guardian_get_steps (guardian, m);

      /* An object's line: the member goes before its closing brace. */
      if (len > 1 && line[len - 1] == '}')
        {
          line[len - 1] = '\0';
          char *with = steps == 0 && hf_thermal_guardian_get_guard (guardian, m) == NULL
                       ? g_strconcat (line, ",\"thermal_steps\":null}", NULL)
                       : g_strdup_printf ("%s,\"thermal_steps\":%u}", line, steps);

          g_free (line);
          line = with;
        }
      g_ptr_array_add (lines, line);
    }
  return lines_to_array (lines);
}

/* ?group=NAME: the group's miners (a list of the fleet's), or NULL and
 * the reply set (404) when there is no such group. */
static GListModel *
group_model (HfApiServer       *self,
             SoupServerMessage *msg,
             const char        *name)
{
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GError) error = NULL;
  GListStore *store;

  /* Checked as a name first: not echoed, nor case-folded, if it is not
   * text a group's name could be. */
  if (!hf_groups_check_name (name, &error))
    {
      reply_error (msg, 400, error->message);
      return NULL;
    }
  members = hf_groups_get_members (hf_session_get_groups (self->session), name, self->fleet);
  if (members == NULL)
    {
      g_autofree char *text = g_strdup_printf ("no group “%s”", name);
      reply_error (msg, 404, text);
      return NULL;
    }
  store = g_list_store_new (HF_TYPE_MINER);
  g_list_store_splice (store, 0, 0, members->pdata, members->len);
  return G_LIST_MODEL (store);
}

static const char *
group_query (GHashTable *query)
{
  return query != NULL ? g_hash_table_lookup (query, "group") : NULL;
}

static void
get_miners (HfApiServer       *self,
            SoupServerMessage *msg,
            GHashTable        *query)
{
  const char *group = group_query (query);

  if (group != NULL)
    {
      g_autoptr(GListModel) model = group_model (self, msg, group);

      if (model != NULL)
        reply_json (msg, 200, miners_json (self, model));
      return;
    }
  if (needs_build (self, CACHE_MINERS))
    set_cache (self, CACHE_MINERS, miners_json (self, G_LIST_MODEL (self->fleet)));
  reply_cached (msg, "application/json", self->cached[CACHE_MINERS]);
}

/* Today's and this month's energy of the fleet, as the session's meter
 * last computed them from the store (null before it has, or without a
 * store); cost and currency null without a tariff. */
static void
add_energy_stats (HfApiServer *self,
                  JsonBuilder *b,
                  GListModel  *members)
{
  HfEnergyMeter *meter = hf_session_get_energy_meter (self->session);
  HfTariff *tariff = NULL;
  struct { const char *name; HfEnergyReport *report; } periods[] = {
    { "today", hf_energy_meter_get_today (meter) },
    { "month", hf_energy_meter_get_month (meter) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (periods); i++)
    {
      const HfEnergyTotals *t = periods[i].report != NULL
                                ? hf_energy_report_get_fleet (periods[i].report) : NULL;
      HfEnergyTotals sum = { 0, };

      /* A group's: its members' added up (by address, as the report has them). */
      if (t != NULL && members != NULL)
        {
          for (guint m = 0; m < g_list_model_get_n_items (members); m++)
            {
              g_autoptr(HfMiner) miner = g_list_model_get_item (members, m);
              HfEnergyTotals one = { 0, };

              hf_energy_report_sum_address (periods[i].report, hf_miner_get_address (miner),
                                            &one);
              sum.kwh += one.kwh;
              sum.kwh_estimated += one.kwh_estimated;
              sum.cost += one.cost;
            }
          t = &sum;
        }
      g_autofree char *kwh = g_strdup_printf ("energy_%s_kwh", periods[i].name);
      g_autofree char *estimated = g_strdup_printf ("energy_%s_kwh_estimated", periods[i].name);
      g_autofree char *cost = g_strdup_printf ("energy_%s_cost", periods[i].name);

      hf_json_builder_add_number (b, kwh, t != NULL ? t->kwh : NAN);
      hf_json_builder_add_number (b, estimated, t != NULL ? t->kwh_estimated : NAN);
      hf_json_builder_add_number (b, cost, t != NULL ? t->cost : NAN);
      /* The currency those costs were computed in. */
      if (periods[i].report != NULL && tariff == NULL)
        tariff = hf_energy_report_get_tariff (periods[i].report);
    }
  json_builder_set_member_name (b, "currency");
  if (tariff != NULL)
    json_builder_add_string_value (b, hf_tariff_get_currency (tariff));
  else
    json_builder_add_null_value (b);
}

/* The whole fleet's totals, as the fleet keeps them. */
static void
fleet_totals (HfFleet       *f,
              HfFleetTotals *t)
{
  t->hashrate_ghs = hf_fleet_get_hashrate_ghs (f);
  t->power_w = hf_fleet_get_power_w (f);
  t->power_estimated = hf_fleet_get_power_estimated (f);
  t->efficiency_j_th = hf_fleet_get_efficiency_j_th (f);
  t->hottest_c = hf_fleet_get_hottest_c (f);
  t->average_temperature_c = hf_fleet_get_average_temperature_c (f);
  t->online = hf_fleet_get_online_count (f);
  t->offline = hf_fleet_get_offline_count (f);
  t->total = hf_fleet_get_total_count (f);
  t->accepted = hf_fleet_get_accepted (f);
  t->rejected = hf_fleet_get_rejected (f);
  t->hashing = hf_fleet_get_hashing_count (f);
  t->best_difficulty = hf_fleet_get_best_difficulty (f);
  t->network_difficulty = hf_fleet_get_network_difficulty (f);
  t->expected_block_seconds = hf_fleet_get_expected_block_seconds (f);
  t->block_chance_per_day = hf_fleet_get_block_chance_per_day (f);
  t->blocks_found = hf_fleet_get_blocks_found (f);
}

/* The totals of the fleet, or with @group of its miners @members. */
static char *
stats_json (HfApiServer *self,
            const char  *group,
            GListModel  *members)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GListModel *model = members != NULL ? members : G_LIST_MODEL (self->fleet);
  HfFleetTotals t;

  if (members != NULL)
    hf_fleet_compute_totals (self->fleet, members, &t);
  else
    fleet_totals (self->fleet, &t);
  json_builder_begin_object (b);
  if (group != NULL)
    {
      json_builder_set_member_name (b, "group");
      json_builder_add_string_value (b, group);
    }
  hf_json_builder_add_number (b, "hashrate_ghs", t.hashrate_ghs);
  hf_json_builder_add_number (b, "power_w", t.power_w);
  json_builder_set_member_name (b, "power_estimated");
  json_builder_add_boolean_value (b, t.power_estimated);
  hf_json_builder_add_number (b, "efficiency_j_th", t.efficiency_j_th);
  hf_json_builder_add_number (b, "hottest_c", t.hottest_c);
  hf_json_builder_add_number (b, "average_temperature_c", t.average_temperature_c);
  json_builder_set_member_name (b, "online");
  json_builder_add_int_value (b, t.online);
  json_builder_set_member_name (b, "offline");
  json_builder_add_int_value (b, t.offline);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, t.total);
  hf_json_builder_add_number (b, "accepted", t.accepted);
  hf_json_builder_add_number (b, "rejected", t.rejected);
  json_builder_set_member_name (b, "hashing");
  json_builder_add_int_value (b, t.hashing);
  /* Every state, with 0 for those no miner is in. */
  {
    guint counts[HF_N_STATES] = { 0, };

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
        counts[hf_miner_get_state (m)]++;
      }
    json_builder_set_member_name (b, "states");
    json_builder_begin_object (b);
    for (guint st = 0; st < HF_N_STATES; st++)
      {
        json_builder_set_member_name (b, hf_state_to_string (st));
        json_builder_add_int_value (b, counts[st]);
      }
    json_builder_end_object (b);
  }
  hf_json_builder_add_number (b, "best_difficulty", t.best_difficulty);
  hf_json_builder_add_number (b, "network_difficulty", t.network_difficulty);
  hf_json_builder_add_number (b, "expected_block_seconds", t.expected_block_seconds);
  hf_json_builder_add_number (b, "block_chance_per_day", t.block_chance_per_day);
  json_builder_set_member_name (b, "blocks_found");
  json_builder_add_int_value (b, t.blocks_found);
  add_energy_stats (self, b, members);
  {
    HfPowerBudget *budget = hf_session_get_power_budget (self->session);
    g_autoptr(GPtrArray) curtailed = hf_power_budget_list_curtailed (budget);

    json_builder_set_member_name (b, "power_budget");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "watts");
    json_builder_add_double_value (b, hf_power_budget_get_watts (budget));
    json_builder_set_member_name (b, "curtailed");
    json_builder_add_int_value (b, curtailed->len);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
get_stats (HfApiServer       *self,
           SoupServerMessage *msg,
           GHashTable        *query)
{
  const char *group = group_query (query);

  if (group != NULL)
    {
      g_autoptr(GListModel) members = group_model (self, msg, group);

      if (members != NULL)
        reply_json (msg, 200, stats_json (self, hf_groups_lookup (hf_session_get_groups
                                                                    (self->session), group),
                                          members));
      return;
    }
  if (needs_build (self, CACHE_STATS))
    set_cache (self, CACHE_STATS, stats_json (self, NULL, NULL));
  reply_cached (msg, "application/json", self->cached[CACHE_STATS]);
}

static void
get_metrics (HfApiServer       *self,
             SoupServerMessage *msg)
{
  if (needs_build (self, CACHE_METRICS))
    set_cache (self, CACHE_METRICS,
               hf_api_metrics_text (self->fleet, hf_session_get_energy_meter (self->session),
                                    &self->timings));
  reply_cached (msg, "text/plain; version=0.0.4; charset=utf-8", self->cached[CACHE_METRICS]);
}

/* Power budget */

static void
get_power_budget (HfApiServer       *self,
                  SoupServerMessage *msg)
{
  reply_json (msg, 200, hf_power_budget_to_json (hf_session_get_power_budget (self->session)));
}

/* {"watts": N}: N a JSON number, finite, 0 (no budget) or more. */
static void
put_power_budget (HfApiServer       *self,
                  SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) request = NULL;
  JsonNode *node;
  GType type;
  double watts;

  if (body->length == 0)
    {
      reply_error (msg, 400, "send {\"watts\": N} (0: no budget)");
      return;
    }
  request = hf_json_parse_object (body->data, (gsize) body->length, &error);
  if (request == NULL)
    {
      g_autofree char *text = g_strdup_printf ("bad request body: %s", error->message);
      reply_error (msg, 400, text);
      return;
    }
  node = json_object_get_member (request, "watts");
  type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      reply_error (msg, 400, "\"watts\" must be a number of watts (0: no budget)");
      return;
    }
  watts = type == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  if (!isfinite (watts) || watts < 0 || (watts != 0 && watts < 1) || watts > HF_POWER_BUDGET_MAX_W)
    {
      reply_error (msg, 400, "\"watts\" must be 0 (no budget) or 1 to 10000000");
      return;
    }
  hf_session_set_power_budget (self->session, watts);
  get_power_budget (self, msg);
}

/* Groups */

static void
add_group (JsonBuilder *b,
           HfGroups    *groups,
           const char  *name,
           HfFleet     *fleet)
{
  g_autoptr(GPtrArray) members = hf_groups_get_members (groups, name, fleet);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, hf_groups_lookup (groups, name));
  json_builder_set_member_name (b, "miners");
  json_builder_begin_array (b);
  for (guint i = 0; members != NULL && i < members->len; i++)
    json_builder_add_string_value (b, hf_miner_get_address (members->pdata[i]));
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static char *
builder_text (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  return json_to_string (root, FALSE);
}

/* [{"name", "miners": [addresses]}], sorted by name. */
static void
get_groups (HfApiServer       *self,
            SoupServerMessage *msg)
{
  HfGroups *groups = hf_session_get_groups (self->session);
  g_auto(GStrv) names = hf_groups_list (groups);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; names[i] != NULL; i++)
    add_group (b, groups, names[i], self->fleet);
  json_builder_end_array (b);
  reply_json (msg, 200, builder_text (b));
}

static void
get_group (HfApiServer       *self,
           SoupServerMessage *msg,
           const char        *name)
{
  HfGroups *groups = hf_session_get_groups (self->session);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (hf_groups_lookup (groups, name) == NULL)
    {
      g_autofree char *text = g_strdup_printf ("no group “%s”", name);
      reply_error (msg, 404, text);
      return;
    }
  add_group (b, groups, name, self->fleet);
  reply_json (msg, 200, builder_text (b));
}

typedef struct
{
  HfApiServer       *self;
  SoupServerMessage *msg;
  char              *name;
  gboolean           deleted;
} GroupReply;

static void
group_changed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GroupReply *r = user_data;
  g_autoptr(GError) error = NULL;

  if (!hf_session_change_group_finish (HF_SESSION (source), result, &error))
    reply_error (r->msg, g_error_matches (error, HF_ERROR, HF_ERROR_INVALID) ? 400 : 500,
                 error->message);
  else if (r->deleted)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "deleted");
      json_builder_add_string_value (b, r->name);
      json_builder_end_object (b);
      reply_json (r->msg, 200, builder_text (b));
    }
  else
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      add_group (b, hf_session_get_groups (r->self->session), r->name, r->self->fleet);
      reply_json (r->msg, 200, builder_text (b));
    }
  soup_server_message_unpause (r->msg);
  g_object_unref (r->msg);
  g_object_unref (r->self);
  g_free (r->name);
  g_free (r);
}

static void
change_group (HfApiServer       *self,
              SoupServerMessage *msg,
              HfGroupChange      change,
              const char        *name,
              GPtrArray         *miners)
{
  GroupReply *r = g_new0 (GroupReply, 1);

  r->self = g_object_ref (self);
  r->msg = g_object_ref (msg);
  r->name = g_strdup (name);
  r->deleted = change == HF_GROUP_CHANGE_DELETE;
  soup_server_message_pause (msg);
  hf_session_change_group_async (self->session, change, name, NULL,
                                 miners != NULL ? (HfMiner **) miners->pdata : NULL,
                                 miners != NULL ? miners->len : 0, NULL, group_changed_cb, r);
}

/* {"miners": [addresses of the fleet]}: the group (created if need be)
 * has exactly those. */
static void
put_group (HfApiServer       *self,
           SoupServerMessage *msg,
           const char        *name)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GPtrArray) miners = g_ptr_array_new ();
  JsonNode *node;
  JsonArray *list;

  request = hf_json_parse_object (body->data, (gsize) body->length, &error);
  if (request == NULL)
    {
      g_autofree char *text = g_strdup_printf ("bad request body: %s", error->message);
      reply_error (msg, 400, text);
      return;
    }
  node = json_object_get_member (request, "miners");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      reply_error (msg, 400, "the body is {\"miners\": [\"ADDRESS\", …]}");
      return;
    }
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      const char *address = JSON_NODE_HOLDS_VALUE (item)
                            && json_node_get_value_type (item) == G_TYPE_STRING
                            ? json_node_get_string (item) : NULL;
      HfMiner *miner = address != NULL ? hf_fleet_lookup_address (self->fleet, address) : NULL;

      if (address == NULL)
        {
          reply_error (msg, 400, "\"miners\" holds addresses (strings)");
          return;
        }
      if (miner == NULL)
        {
          g_autofree char *text = g_strdup_printf ("no miner at %.64s in the fleet", address);
          reply_error (msg, 400, text);
          return;
        }
      g_ptr_array_add (miners, miner);
    }
  change_group (self, msg, HF_GROUP_CHANGE_SET, name, miners);
}

static void
delete_group (HfApiServer       *self,
              SoupServerMessage *msg,
              const char        *name)
{
  if (hf_groups_lookup (hf_session_get_groups (self->session), name) == NULL)
    {
      g_autofree char *text = g_strdup_printf ("no group “%s”", name);
      reply_error (msg, 404, text);
      return;
    }
  change_group (self, msg, HF_GROUP_CHANGE_DELETE, name, NULL);
}

/* Discover */

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->cancellable != NULL)
    g_cancellable_cancel (job->cancellable);
  if (job->running)
    g_signal_handlers_disconnect_by_data (job->server->session, job);
  g_clear_object (&job->cancellable);
  g_ptr_array_unref (job->found);
  g_free (job->error);
  g_free (job);
}

static char *
job_json (Job *job)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = g_strdup_printf ("%u", job->id);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "running");
  json_builder_add_boolean_value (b, job->running);
  json_builder_set_member_name (b, "done");
  json_builder_add_int_value (b, (gint64) job->done);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, (gint64) job->total);
  json_builder_set_member_name (b, "found");
  json_builder_begin_array (b);
  for (guint i = 0; i < job->found->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (job->found, i));
  json_builder_end_array (b);
  if (!job->running)
    {
      json_builder_set_member_name (b, "elapsed_ms");
      json_builder_add_int_value (b, job->elapsed_ms);
    }
  json_builder_set_member_name (b, "error");
  if (job->error != NULL)
    json_builder_add_string_value (b, job->error);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The session adds and saves what a job finds; the job lists it. */
static void
job_found_cb (HfSession *session,
              HfMiner   *miner,
              gboolean   is_new,
              Job       *job)
{
  g_ptr_array_add (job->found, g_strdup (hf_miner_get_address (miner)));
}

static void
job_progress_cb (HfSession *session,
                 guint64    done,
                 guint64    total,
                 Job       *job)
{
  job->done = done;
  job->total = total;
}

typedef struct
{
  GWeakRef server;
  guint    id;
} JobRef;

static void
job_discovered_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree JobRef *ref = user_data;
  g_autoptr(HfApiServer) self = g_weak_ref_get (&ref->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfDiscoverResult) found = hf_session_discover_finish (HF_SESSION (source), result,
                                                                  &error);
  Job *job;

  g_weak_ref_clear (&ref->server);
  if (self == NULL || (job = g_hash_table_lookup (self->jobs, GUINT_TO_POINTER (ref->id))) == NULL)
    return;       /* the server (or the job) is gone */
  g_signal_handlers_disconnect_by_data (self->session, job);
  job->running = FALSE;
  if (found != NULL)
    {
      job->elapsed_ms = found->summary->elapsed_ms;
      self->timings.scans++;
      self->timings.last_scan_s = found->summary->elapsed_ms / 1000.0;
      invalidate (self);
    }
  else
    job->error = g_strdup (error->message);
}

static void
forget_old_jobs (HfApiServer *self)
{
  while (g_hash_table_size (self->jobs) >= HF_API_MAX_JOBS)
    {
      GHashTableIter iter;
      gpointer key;
      Job *job, *oldest = NULL;

      g_hash_table_iter_init (&iter, self->jobs);
      while (g_hash_table_iter_next (&iter, &key, (gpointer *) &job))
        if (!job->running && (oldest == NULL || job->id < oldest->id))
          oldest = job;
      if (oldest == NULL)
        return;
      g_hash_table_remove (self->jobs, GUINT_TO_POINTER (oldest->id));
    }
}

static void
post_discover (HfApiServer       *self,
               SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autoptr(JsonObject) request = NULL;
  const char *subnet = NULL;
  gint64 now = g_get_monotonic_time ();
  Job *job;

  if (body->length > 0)
    {
      request = hf_json_parse_object (body->data, (gsize) body->length, &error);
      if (request == NULL)
        {
          g_autofree char *text = g_strdup_printf ("bad request body: %s", error->message);
          reply_error (msg, 400, text);
          return;
        }
      if (json_object_has_member (request, "subnet")
          && (subnet = hf_json_string (request, "subnet")) == NULL)
        {
          reply_error (msg, 400, "\"subnet\" must be a string such as \"192.168.1.0/24\"");
          return;
        }
    }
  if (hf_session_get_discovering (self->session))
    {
      reply_error (msg, 409, "a discovery is already running");
      return;
    }
  if (self->last_discover != 0 && now - self->last_discover < HF_API_DISCOVER_EVERY_S * G_USEC_PER_SEC)
    {
      reply_error (msg, 429, "one discover every 10 seconds");
      return;
    }
  if (subnet != NULL)
    {
      const char *specs[] = { subnet, NULL };
      ranges = hf_targets_parse (specs, FALSE, &error);
    }
  else
    ranges = hf_session_get_discover_targets (self->session, &error);
  if (ranges == NULL)
    {
      reply_error (msg, 400, error->message);
      return;
    }

  forget_old_jobs (self);
  self->last_discover = now;
  job = g_new0 (Job, 1);
  job->id = ++self->next_job;
  job->server = self;
  job->running = TRUE;
  job->found = g_ptr_array_new_with_free_func (g_free);
  job->cancellable = g_cancellable_new ();
  g_signal_connect (self->session, "discover-found", G_CALLBACK (job_found_cb), job);
  g_signal_connect (self->session, "discover-progress", G_CALLBACK (job_progress_cb), job);
  g_hash_table_insert (self->jobs, GUINT_TO_POINTER (job->id), job);
  {
    JobRef *ref = g_new0 (JobRef, 1);

    g_weak_ref_init (&ref->server, self);
    ref->id = job->id;
    hf_session_discover_async (self->session, ranges, job->cancellable, job_discovered_cb, ref);
  }
  reply_json (msg, 202, job_json (job));
}

static void
get_discover (HfApiServer       *self,
              SoupServerMessage *msg,
              const char        *id_text)
{
  guint64 id = 0;
  Job *job = NULL;

  if (g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXUINT, &id, NULL))
    job = g_hash_table_lookup (self->jobs, GUINT_TO_POINTER ((guint) id));
  if (job == NULL)
    {
      reply_error (msg, 404, "no such discover job");
      return;
    }
  reply_json (msg, 200, job_json (job));
}

/* Restart and remove */

typedef struct
{
  HfApiServer       *self;
  SoupServerMessage *msg;
} Pending;

static void
restarted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pending *p = user_data;
  g_autoptr(GError) error = NULL;

  if (hf_session_restart_finish (HF_SESSION (source), result, &error))
    reply_json (p->msg, 200, g_strdup ("{\"restarting\":true}"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reply_error (p->msg, 502, error->message);
  else
    reply_error (p->msg, 503, "the server is stopping");
  soup_server_message_unpause (p->msg);
  g_object_unref (p->msg);
  g_object_unref (p->self);
  g_free (p);
}

/* Tunes: POST starts one and answers once it has its id (its row is in
 * the store, with the settings it started from); GET shows it. */

typedef struct
{
  SoupServerMessage *msg;
  HfTune            *tune;
  gulong             id_handler;
  gulong             finished_handler;
} TuneStart;

static void
tune_start_answer (TuneStart *t)
{
  g_signal_handler_disconnect (t->tune, t->id_handler);
  g_signal_handler_disconnect (t->tune, t->finished_handler);
  if (hf_tune_get_id (t->tune) != 0)
    reply_json (t->msg, 202, g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT "}",
                                              hf_tune_get_id (t->tune)));
  else
    reply_error (t->msg, 502, hf_tune_get_message (t->tune) ? hf_tune_get_message (t->tune)
                                                             : "the tune did not start");
  soup_server_message_unpause (t->msg);
  g_object_unref (t->msg);
  g_object_unref (t->tune);
  g_free (t);
}

static void
tune_id_cb (HfTune     *tune,
            GParamSpec *pspec,
            TuneStart  *t)
{
  if (hf_tune_get_id (tune) != 0)
    tune_start_answer (t);
}

static void
tune_over_cb (HfTune    *tune,
              TuneStart *t)
{
  tune_start_answer (t);
}

static void
post_tune (HfApiServer       *self,
           SoupServerMessage *msg,
           HfMiner           *miner)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) request = NULL;
  HfTuneParams params;
  HfTune *tune;
  TuneStart *t;

  if (body->length > 0)
    {
      request = hf_json_parse_object (body->data, (gsize) body->length, &error);
      if (request == NULL)
        {
          g_autofree char *text = g_strdup_printf ("bad request body: %s", error->message);
          reply_error (msg, 400, text);
          return;
        }
    }
  if (!hf_tune_params_from_json (request, &params, &error))
    {
      reply_error (msg, 400, error->message);
      return;
    }
  tune = hf_tuner_start (hf_session_get_tuner (self->session), miner, &params, &error);
  if (tune == NULL)
    {
      reply_error (msg, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING) ? 409
                        : g_error_matches (error, HF_ERROR, HF_ERROR_UNSUPPORTED) ? 400 : 503,
                   error->message);
      return;
    }
  if (hf_tune_get_id (tune) != 0)
    {
      reply_json (msg, 202, g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT "}",
                                             hf_tune_get_id (tune)));
      return;
    }
  t = g_new0 (TuneStart, 1);
  t->msg = g_object_ref (msg);
  t->tune = g_object_ref (tune);
  t->id_handler = g_signal_connect (tune, "notify::id", G_CALLBACK (tune_id_cb), t);
  t->finished_handler = g_signal_connect (tune, "finished", G_CALLBACK (tune_over_cb), t);
  soup_server_message_pause (msg);
}

static void
get_tune (HfApiServer       *self,
          SoupServerMessage *msg,
          const char        *word)
{
  gint64 id;
  HfTune *tune;

  /* This session's own ids are negative without a store. */
  if (!g_ascii_string_to_signed (word, 10, -G_MAXINT32, G_MAXINT64, &id, NULL) || id == 0)
    {
      reply_error (msg, 400, "a tune id is an integer");
      return;
    }
  tune = hf_tuner_lookup (hf_session_get_tuner (self->session), id);
  if (tune == NULL)
    {
      reply_error (msg, 404, "no such tune in this session");
      return;
    }
  reply_json (msg, 200, hf_tune_to_json (tune));
}

static void
post_restart (HfApiServer       *self,
              SoupServerMessage *msg,
              HfMiner           *miner)
{
  gint64 now = g_get_monotonic_time ();
  gpointer last = g_hash_table_lookup (self->restarted, hf_miner_get_address (miner));
  Pending *p;

  if (last != NULL && now - *(gint64 *) last < HF_API_RESTART_EVERY_S * G_USEC_PER_SEC)
    {
      reply_error (msg, 429, "this miner was restarted less than a minute ago");
      return;
    }
  g_hash_table_replace (self->restarted, g_strdup (hf_miner_get_address (miner)),
                        g_memdup2 (&now, sizeof now));
  p = g_new0 (Pending, 1);
  p->self = g_object_ref (self);
  p->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  hf_session_restart_async (self->session, miner, self->cancellable, restarted_cb, p);
}

typedef struct
{
  SoupServerMessage *msg;
  char              *address;
  gboolean           keep_history;
} DeleteReply;

static void
reply_removed (SoupServerMessage *msg,
               const char        *address,
               gboolean           keep_history)
{
  reply_json (msg, 200, g_strdup_printf ("{\"removed\":\"%s\",\"history_kept\":%s}", address,
                                         keep_history ? "true" : "false"));
}

static void
forgotten_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  DeleteReply *d = user_data;
  g_autoptr(GError) error = NULL;

  if (hf_session_remove_finish (HF_SESSION (source), result, &error))
    reply_removed (d->msg, d->address, d->keep_history);
  else
    reply_error (d->msg, 500, error->message);
  soup_server_message_unpause (d->msg);
  g_object_unref (d->msg);
  g_free (d->address);
  g_free (d);
}

/* The miner leaves the fleet at once; its rows (a long history takes a
 * while to delete) go on the store's worker, and the reply waits for it. */
static void
delete_miner (HfApiServer       *self,
              SoupServerMessage *msg,
              HfMiner           *miner,
              GHashTable        *query)
{
  const char *keep = query ? g_hash_table_lookup (query, "keep_history") : NULL;
  gboolean keep_history = keep == NULL || !g_str_equal (keep, "false");
  DeleteReply *d;

  d = g_new0 (DeleteReply, 1);
  d->msg = g_object_ref (msg);
  d->address = g_strdup (hf_miner_get_address (miner));
  d->keep_history = keep_history;
  soup_server_message_pause (msg);
  hf_session_remove_async (self->session, miner, keep_history, NULL, forgotten_cb, d);
}

/* Schedules */

static void
get_schedules (HfApiServer       *self,
               SoupServerMessage *msg)
{
  HfScheduler *scheduler = hf_session_get_scheduler (self->session);
  g_autoptr(JsonNode) list = hf_schedules_to_json (hf_scheduler_get_schedules (scheduler));
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_member (root, "schedules", g_steal_pointer (&list));
  json_node_set_object (node, root);
  reply_json (msg, 200, json_to_string (node, FALSE));
}

static guint
schedule_error_status (const GError *error)
{
  if (g_error_matches (error, HF_ERROR, HF_ERROR_INVALID))
    return 400;
  if (g_error_matches (error, HF_ERROR, HF_ERROR_STORE))
    return 503;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return 503;
  return 502;
}

static void
schedule_kept_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Pending *p = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = hf_scheduler_add_finish (HF_SCHEDULER (source), result, &error);

  if (id != 0)
    reply_json (p->msg, 201, g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT "}", id));
  else
    reply_error (p->msg, schedule_error_status (error), error->message);
  soup_server_message_unpause (p->msg);
  g_object_unref (p->msg);
  g_object_unref (p->self);
  g_free (p);
}

static void
post_schedule (HfApiServer       *self,
               SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(HfSchedule) schedule = NULL;
  g_autofree char *address = NULL;
  HfMiner *miner = NULL;
  Pending *p;

  request = hf_json_parse_object (body->data, (gsize) body->length, &error);
  if (request == NULL)
    {
      g_autofree char *text = g_strdup_printf ("bad request body: %s", error->message);
      reply_error (msg, 400, text);
      return;
    }
  node = json_node_init_object (json_node_alloc (), request);
  schedule = hf_schedule_from_json (node, &address, &error);
  if (schedule == NULL)
    {
      reply_error (msg, 400, error->message);
      return;
    }
  if (address != NULL && (miner = hf_fleet_lookup_address (self->fleet, address)) == NULL)
    {
      reply_error (msg, 404, "no such miner in the fleet");
      return;
    }
  p = g_new0 (Pending, 1);
  p->self = g_object_ref (self);
  p->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  hf_scheduler_add_async (hf_session_get_scheduler (self->session), schedule, miner,
                          self->cancellable, schedule_kept_cb, p);
}

static void
schedule_removed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Pending *p = user_data;
  g_autoptr(GError) error = NULL;

  if (hf_scheduler_remove_finish (HF_SCHEDULER (source), result, &error))
    reply_json (p->msg, 200, g_strdup ("{\"removed\":true}"));
  else if (g_error_matches (error, HF_ERROR, HF_ERROR_INVALID))
    reply_error (p->msg, 404, error->message);
  else
    reply_error (p->msg, schedule_error_status (error), error->message);
  soup_server_message_unpause (p->msg);
  g_object_unref (p->msg);
  g_object_unref (p->self);
  g_free (p);
}

static void
delete_schedule (HfApiServer       *self,
                 SoupServerMessage *msg,
                 const char        *word)
{
  guint64 id;
  Pending *p;

  if (!g_ascii_string_to_unsigned (word, 10, 1, G_MAXINT64, &id, NULL))
    {
      reply_error (msg, 400, "a schedule id is a positive integer");
      return;
    }
  p = g_new0 (Pending, 1);
  p->self = g_object_ref (self);
  p->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  hf_scheduler_remove_async (hf_session_get_scheduler (self->session), (gint64) id,
                             self->cancellable, schedule_removed_cb, p);
}

/* Thermal guards */

static void
get_guards (HfApiServer       *self,
            SoupServerMessage *msg)
{
  HfThermalGuardian *guardian = hf_session_get_guardian (self->session);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GListModel *model = G_LIST_MODEL (self->fleet);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "guards");
  json_builder_add_value (b, hf_guards_to_json (hf_thermal_guardian_get_guards (guardian)));
  /* The miners it holds down now. */
  json_builder_set_member_name (b, "stepped_down");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
      guint steps = hf_thermal_guardian_get_steps (guardian, m);

      if (steps == 0)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "address");
      json_builder_add_string_value (b, hf_miner_get_address (m));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, hf_miner_get_display_name (m));
      json_builder_set_member_name (b, "steps");
      json_builder_add_int_value (b, steps);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  reply_json (msg, 200, json_to_string (root, FALSE));
}

static void
guard_done (Pending      *p,
            gboolean      ok,
            const char   *reply,
            GError       *error)
{
  if (ok)
    reply_json (p->msg, 200, g_strdup (reply));
  else if (g_error_matches (error, HF_ERROR, HF_ERROR_INVALID))
    reply_error (p->msg, 400, error->message);
  else
    reply_error (p->msg, schedule_error_status (error), error->message);
  soup_server_message_unpause (p->msg);
  g_object_unref (p->msg);
  g_object_unref (p->self);
  g_free (p);
}

static void
guard_set_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = hf_thermal_guardian_set_finish (HF_THERMAL_GUARDIAN (source), result, &error);

  guard_done (user_data, ok, "{\"ok\":true}", error);
}

static void
guard_removed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = hf_thermal_guardian_remove_finish (HF_THERMAL_GUARDIAN (source), result, &error);

  guard_done (user_data, ok, "{\"removed\":true}", error);
}

/* PUT /api/guards: one guard set, or removed ("remove": true), for a
 * miner ("address") or a group ("group"). */
static void
put_guard (HfApiServer       *self,
           SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  HfThermalGuardian *guardian = hf_session_get_guardian (self->session);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(HfGuard) guard = NULL;
  g_autofree char *address = NULL;
  gboolean remove = FALSE;
  HfMiner *miner = NULL;
  Pending *p;

  request = hf_json_parse_object (body->data, (gsize) body->length, &error);
  if (request == NULL)
    {
      g_autofree char *text = g_strdup_printf ("bad request body: %s", error->message);
      reply_error (msg, 400, text);
      return;
    }
  node = json_node_init_object (json_node_alloc (), request);
  guard = hf_guard_from_json (node, &address, &remove, &error);
  if (guard == NULL)
    {
      reply_error (msg, 400, error->message);
      return;
    }
  if (address != NULL && (miner = hf_fleet_lookup_address (self->fleet, address)) == NULL)
    {
      reply_error (msg, 404, "no such miner in the fleet");
      return;
    }
  if (guard->group != NULL
      && hf_groups_lookup (hf_session_get_groups (self->session), guard->group) == NULL)
    {
      reply_error (msg, 404, "no such group");
      return;
    }
  p = g_new0 (Pending, 1);
  p->self = g_object_ref (self);
  p->msg = g_object_ref (msg);
  if (remove)
    {
      GPtrArray *guards = hf_thermal_guardian_get_guards (guardian);
      gint64 id = 0;

      for (guint i = 0; i < guards->len; i++)
        {
          const HfGuard *g = g_ptr_array_index (guards, i);

          if ((miner != NULL && g->miner_key != NULL
               && (g_strcmp0 (g->miner_key, hf_miner_get_identity_key (miner)) == 0
                   || g_strcmp0 (g->address, hf_miner_get_address (miner)) == 0
                   || g_strcmp0 (g->miner_key, hf_miner_get_address (miner)) == 0))
              || (guard->group != NULL && g->group != NULL
                  && g_ascii_strcasecmp (g->group, guard->group) == 0))
            id = g->id;
        }
      if (id == 0)
        {
          g_object_unref (p->msg);
          g_object_unref (p->self);
          g_free (p);
          reply_error (msg, 404, "no guard for it");
          return;
        }
      soup_server_message_pause (msg);
      hf_thermal_guardian_remove_async (guardian, id, self->cancellable, guard_removed_cb, p);
      return;
    }
  if (miner != NULL)
    {
      guard->miner_key = g_strdup (hf_miner_get_identity_key (miner) != NULL
                                   ? hf_miner_get_identity_key (miner)
                                   : hf_miner_get_address (miner));
      guard->address = g_strdup (hf_miner_get_address (miner));
    }
  soup_server_message_pause (msg);
  hf_thermal_guardian_set_async (guardian, guard, self->cancellable, guard_set_cb, p);
}

/* History: an export into memory, on a worker thread with a read-only
 * connection of its own (it never migrates the live file or moves it
 * aside; what it cannot read is an error for this request). */

static void
history_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SoupServerMessage *msg = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hf_export_finish (result, NULL, &error);

  if (text != NULL)
    {
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (lines[i][0] != '\0')
          g_ptr_array_add (rows, g_strdup (lines[i]));
      reply_json (msg, 200, lines_to_array (rows));
    }
  else
    reply_error (msg, 500, error->message);
  soup_server_message_unpause (msg);
  g_object_unref (msg);
}

static void
get_history (HfApiServer       *self,
             SoupServerMessage *msg,
             HfMiner           *miner,
             GHashTable        *query)
{
  HfExportQuery q = { HF_EXPORT_JSON, };
  const char *resolution = query ? g_hash_table_lookup (query, "resolution") : NULL;

  if (hf_session_get_store (self->session) == NULL)
    {
      reply_error (msg, 503, "history is not kept (no database)");
      return;
    }
  q.address = hf_miner_get_address (miner);
  q.since = g_get_real_time () / G_USEC_PER_SEC - 24 * 3600;
  q.resolution = HF_RESOLUTION_AUTO;
  if (!hf_export_parse_time (query ? g_hash_table_lookup (query, "since") : NULL, &q.since, NULL)
      || !hf_export_parse_time (query ? g_hash_table_lookup (query, "until") : NULL, &q.until,
                                NULL))
    {
      reply_error (msg, 400, "since and until are unix seconds, ISO 8601 times or dates");
      return;
    }
  if (resolution != NULL && !hf_resolution_parse (resolution, &q.resolution))
    {
      reply_error (msg, 400, "resolution is raw, 5m, 1h or auto");
      return;
    }
  soup_server_message_pause (msg);
  hf_export_async (hf_store_get_path (hf_session_get_store (self->session)), &q, NULL,
                   self->cancellable, history_done_cb, g_object_ref (msg));
}

/* Energy: computed by a worker thread on the store's read connection. */

static void
energy_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SoupServerMessage *msg = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfEnergyReport) report = hf_energy_compute_finish (HF_STORE (source), result,
                                                               &error);
  const char *address = g_object_get_data (G_OBJECT (msg), "hf-address");

  if (report != NULL)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *tariff = NULL;
      HfTariff *t = hf_energy_report_get_tariff (report);
      HfEnergyTotals totals;
      gint64 since = hf_energy_report_get_since (report);
      gint64 until = hf_energy_report_get_until (report);

      hf_energy_report_sum_address (report, address, &totals);
      tariff = t != NULL ? hf_tariff_to_string (t) : NULL;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "address");
      json_builder_add_string_value (b, address);
      json_builder_set_member_name (b, "since");
      json_builder_add_int_value (b, since);
      json_builder_set_member_name (b, "until");
      json_builder_add_int_value (b, until);
      json_builder_set_member_name (b, "gap_limit_s");
      json_builder_add_int_value (b, hf_energy_report_get_gap_limit (report));
      json_builder_set_member_name (b, "currency");
      if (t != NULL)
        json_builder_add_string_value (b, hf_tariff_get_currency (t));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "tariff");
      if (tariff != NULL)
        json_builder_add_string_value (b, tariff);
      else
        json_builder_add_null_value (b);
      hf_energy_totals_add_to_json (&totals, b);
      hf_json_builder_add_number (b, "coverage", totals.covered_s / (double) (until - since));
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      reply_json (msg, 200, json_to_string (root, FALSE));
    }
  else
    reply_error (msg, g_error_matches (error, HF_ERROR, HF_ERROR_INVALID) ? 400 : 500,
                 error->message);
  soup_server_message_unpause (msg);
  g_object_unref (msg);
}

/* Today so far unless since/until say otherwise; the session's tariff
 * unless "tariff" gives one (its text form). */
static void
get_energy (HfApiServer       *self,
            SoupServerMessage *msg,
            HfMiner           *miner,
            GHashTable        *query)
{
  const char *tariff_text = query ? g_hash_table_lookup (query, "tariff") : NULL;
  g_autoptr(HfTariff) tariff = NULL;
  g_autoptr(GError) error = NULL;
  HfStore *store = hf_session_get_store (self->session);
  HfEnergyQuery q = { 0, };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC, day_end;

  if (store == NULL)
    {
      reply_error (msg, 503, "energy needs the history, which is not kept (no database)");
      return;
    }
  hf_energy_period_bounds (HF_ENERGY_DAY, NULL, now, &q.since, &day_end);
  q.until = now + 1;
  if (!hf_export_parse_time (query ? g_hash_table_lookup (query, "since") : NULL, &q.since, NULL)
      || !hf_export_parse_time (query ? g_hash_table_lookup (query, "until") : NULL, &q.until,
                                NULL))
    {
      reply_error (msg, 400, "since and until are unix seconds, ISO 8601 times or dates");
      return;
    }
  if (q.until <= q.since)
    {
      reply_error (msg, 400, "until must be after since");
      return;
    }
  if (tariff_text != NULL)
    {
      tariff = hf_tariff_parse (tariff_text, &error);
      if (tariff == NULL)
        {
          reply_error (msg, 400, error->message);
          return;
        }
    }
  q.tariff = tariff != NULL ? tariff : hf_session_get_tariff (self->session);
  q.address = hf_miner_get_address (miner);
  g_object_set_data_full (G_OBJECT (msg), "hf-address", g_strdup (q.address), g_free);
  soup_server_message_pause (msg);
  hf_energy_compute_async (store, &q, self->cancellable, energy_done_cb, g_object_ref (msg));
}

/* Connections */

static void
client_free (gpointer data)
{
  Client *c = data;

  g_object_unref (c->socket);
  g_free (c->key);
  g_free (c);
}

/* Forgets the connections closed; returns how many are still served
 * (those shut down are on their way out). */
static guint
count_clients (HfApiServer *self)
{
  GHashTableIter iter;
  Client *c;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &c))
    if (g_socket_is_closed (c->socket))
      g_hash_table_iter_remove (&iter);
    else if (c->shut_at == 0)
      n++;
  return n;
}

static guint
sweep_interval_ms (HfApiServer *self)
{
  return CLAMP (self->idle_ms / 4, 50, 1000);
}

/* Connections past their deadline are shut down: libsoup then reads the
 * end of its input (or fails to write) and closes them.  One still open a
 * sweep later is one libsoup no longer watches (a kept-alive connection
 * lost by libsoup 3.2), closed here. */
static gboolean
sweep_cb (gpointer user_data)
{
  HfApiServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Client *c;

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &c))
    {
      if (g_socket_is_closed (c->socket))
        g_hash_table_iter_remove (&iter);
      else if (c->shut_at != 0 && now - c->shut_at >= sweep_interval_ms (self) * 1000)
        {
          g_debug ("API: closing a connection libsoup has let go of");
          g_socket_close (c->socket, NULL);
          g_hash_table_iter_remove (&iter);
        }
      else if (c->shut_at == 0 && c->deadline != 0 && now >= c->deadline)
        {
          g_debug ("API: dropping a connection that has not moved for %u ms", self->idle_ms);
          g_socket_shutdown (c->socket, TRUE, TRUE, NULL);
          c->shut_at = now;
        }
    }
  if (g_hash_table_size (self->clients) > 0)
    return G_SOURCE_CONTINUE;
  self->sweep_id = 0;
  return G_SOURCE_REMOVE;
}

static void
start_sweep (HfApiServer *self)
{
  if (self->sweep_id == 0)
    self->sweep_id = g_timeout_add (sweep_interval_ms (self), sweep_cb, self);
}

static void
stop_serving (HfApiServer *self)
{
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->clients != NULL)
    g_hash_table_remove_all (self->clients);
}

static char *
peer_key (GSocketAddress *address)
{
  return address != NULL ? g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address)) : NULL;
}

static Client *
lookup_client (HfApiServer       *self,
               SoupServerMessage *msg)
{
  g_autofree char *key = peer_key (soup_server_message_get_remote_address (msg));

  return key != NULL ? g_hash_table_lookup (self->clients, key) : NULL;
}

/* Its request, or the next one, or its answer must move on within the
 * idle limit. */
static void
arm (HfApiServer       *self,
     SoupServerMessage *msg)
{
  Client *c = lookup_client (self, msg);

  if (c != NULL)
    c->deadline = g_get_monotonic_time () + (gint64) self->idle_ms * 1000;
}

static void
close_after_answer (HfApiServer       *self,
                    SoupServerMessage *msg)
{
  if (self->close_always)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                  "close");
}

static void
wrote_headers_cb (SoupServerMessage *msg,
                  HfApiServer       *self)
{
  arm (self, msg);
}

static void
wrote_body_data_cb (SoupServerMessage *msg,
                    guint              size,
                    HfApiServer       *self)
{
  arm (self, msg);
}

/* A new connection (its first request starts as it is accepted), or the
 * next request on one kept alive. */
static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    HfApiServer       *self)
{
  close_after_answer (self, msg);
  g_signal_connect_object (msg, "wrote-headers", G_CALLBACK (wrote_headers_cb), self, 0);
  g_signal_connect_object (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), self, 0);
  arm (self, msg);
}

/* A new connection: counted, timed, and handed to libsoup — or, over the
 * cap, closed at once, before a byte is read. */
static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             HfApiServer       *self)
{
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = peer_key (remote);
  Client *c;

  if (key == NULL || local == NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  if (count_clients (self) >= HF_API_MAX_CONNECTIONS)
    {
      g_debug ("API: %u connections, closing a new one", HF_API_MAX_CONNECTIONS);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  c = g_new0 (Client, 1);
  c->key = g_steal_pointer (&key);
  c->socket = g_object_ref (g_socket_connection_get_socket (connection));
  /* Until its first request has started, the idle limit counts too. */
  c->deadline = g_get_monotonic_time () + (gint64) self->idle_ms * 1000;
  g_hash_table_replace (self->clients, c->key, c);
  start_sweep (self);
  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (connection), local, remote,
                                    &error))
    {
      g_debug ("API: cannot serve a connection: %s", error->message);
      g_hash_table_remove (self->clients, c->key);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
  return TRUE;
}

/* The handler has it: no limit until the answer is written. */
static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 HfApiServer       *self)
{
  Client *c = lookup_client (self, msg);

  /* A "100 Continue" may have reset the answer's headers. */
  close_after_answer (self, msg);
  if (c != NULL)
    c->deadline = 0;
}

/* Kept alive: idle from now on. */
static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     HfApiServer       *self)
{
  arm (self, msg);
}

/* Dispatch */

/* Addresses whose wrong tokens are counted one by one; beyond, they are
 * counted together (many addresses at once: an attack, not a typo). */
#define MAX_COUNTED_ADDRESSES 1024

/* The key @address's failures are counted under, its expired windows
 * forgotten. */
static const char *
failures_key (HfApiServer *self,
              const char  *address)
{
  gint64 now = g_get_monotonic_time ();
  gint64 window = (gint64) self->auth_window_ms * 1000;
  Failures *f = g_hash_table_lookup (self->failures, address);

  if (f != NULL && now - f->since >= window)
    g_hash_table_remove (self->failures, address);
  else if (f != NULL)
    return address;
  if (g_hash_table_size (self->failures) >= MAX_COUNTED_ADDRESSES)
    {
      GHashTableIter iter;

      g_hash_table_iter_init (&iter, self->failures);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &f))
        if (now - f->since >= window)
          g_hash_table_iter_remove (&iter);
    }
  return g_hash_table_size (self->failures) < MAX_COUNTED_ADDRESSES ? address : "*";
}

static gboolean
authorized (HfApiServer       *self,
            SoupServerMessage *msg,
            gboolean           write)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  const char *given = header && g_str_has_prefix (header, "Bearer ") ? header + 7 : NULL;
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *address = soup_server_message_get_remote_host (msg);
  const char *key;
  Failures *f;

  if (self->token == NULL)
    {
      if (!write)
        return TRUE;
      reply_error (msg, 403, "write endpoints need a token (set one in Preferences, or "
                             "HASHFLEET_API_TOKEN for hashfleet-cli serve)");
      return FALSE;
    }
  key = failures_key (self, address ? address : "");
  f = g_hash_table_lookup (self->failures, key);
  /* Guessing is slowed down to a few tries a minute: past them a token
   * is not even compared until the window ends. */
  if (given != NULL && f != NULL && f->count >= HF_API_MAX_AUTH_FAILURES)
    {
      gint64 left_us = f->since + (gint64) self->auth_window_ms * 1000 - g_get_monotonic_time ();
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  MAX ((left_us + G_USEC_PER_SEC - 1)
                                                       / G_USEC_PER_SEC, 1));
      g_autofree char *text = g_strdup_printf ("%u wrong tokens from this address; try again "
                                               "in %s s", f->count, seconds);

      soup_message_headers_replace (response, "Retry-After", seconds);
      reply_error (msg, 429, text);
      return FALSE;
    }
  if (!hf_api_token_equal (self->token, given))
    {
      if (given != NULL)
        {
          if (f == NULL)
            {
              f = g_new0 (Failures, 1);
              f->since = g_get_monotonic_time ();
              g_hash_table_insert (self->failures, g_strdup (key), f);
            }
          f->count++;
        }
      soup_message_headers_replace (response, "WWW-Authenticate", "Bearer realm=\"hashfleet\"");
      reply_error (msg, 401, "missing or wrong bearer token");
      return FALSE;
    }
  return TRUE;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  HfApiServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gboolean get = g_str_equal (method, "GET") || g_str_equal (method, "HEAD");
  g_auto(GStrv) parts = NULL;
  guint n;

  /* Refusals (Host, method, token, body) were decided by early_cb(). */
  if (g_str_equal (path, "/metrics") && get)
    return get_metrics (self, msg);
  if (g_str_equal (path, "/api/miners") && get)
    return get_miners (self, msg, query);
  if (g_str_equal (path, "/api/stats") && get)
    return get_stats (self, msg, query);
  if (g_str_equal (path, "/api/groups") && get)
    return get_groups (self, msg);
  if (g_str_equal (path, "/api/discover") && g_str_equal (method, "POST"))
    return post_discover (self, msg);
  if (g_str_equal (path, "/api/power-budget") && get)
    return get_power_budget (self, msg);
  if (g_str_equal (path, "/api/power-budget") && g_str_equal (method, "PUT"))
    return put_power_budget (self, msg);
  if (g_str_equal (path, "/api/guards") && get)
    return get_guards (self, msg);
  if (g_str_equal (path, "/api/guards") && g_str_equal (method, "PUT"))
    return put_guard (self, msg);
  if (g_str_equal (path, "/api/schedules") && get)
    return get_schedules (self, msg);
  if (g_str_equal (path, "/api/schedules") && g_str_equal (method, "POST"))
    return post_schedule (self, msg);

  parts = g_strsplit (path, "/", -1);     /* "", "api", … */
  n = g_strv_length (parts);
  if (n == 4 && g_str_equal (parts[1], "api") && g_str_equal (parts[2], "discover") && get)
    return get_discover (self, msg, parts[3]);
  if (n == 4 && g_str_equal (parts[1], "api") && g_str_equal (parts[2], "groups"))
    {
      /* The name, percent-decoded: no NUL, valid UTF-8, a name a group may have. */
      g_autofree char *name = g_uri_unescape_string (parts[3], NULL);
      g_autoptr(GError) error = NULL;

      if (name == NULL || !hf_groups_check_name (name, &error))
        {
          reply_error (msg, 400, error != NULL ? error->message
                                               : "a group's name is percent-encoded UTF-8");
          return;
        }
      if (g_str_equal (method, "PUT"))
        return put_group (self, msg, name);
      if (g_str_equal (method, "DELETE"))
        return delete_group (self, msg, name);
      if (get)
        return get_group (self, msg, name);
    }
  if (n == 4 && g_str_equal (parts[1], "api") && g_str_equal (parts[2], "tune") && get)
    return get_tune (self, msg, parts[3]);
  if (n == 4 && g_str_equal (parts[1], "api") && g_str_equal (parts[2], "schedules")
      && g_str_equal (method, "DELETE"))
    return delete_schedule (self, msg, parts[3]);
  if ((n == 4 || n == 5) && g_str_equal (parts[1], "api") && g_str_equal (parts[2], "miner"))
    {
      HfMiner *miner = hf_fleet_lookup_address (self->fleet, parts[3]);

      if (miner == NULL)
        {
          reply_error (msg, 404, "no such miner in the fleet");
          return;
        }
      if (n == 4 && g_str_equal (method, "DELETE"))
        return delete_miner (self, msg, miner, query);
      if (n == 5 && g_str_equal (parts[4], "restart") && g_str_equal (method, "POST"))
        return post_restart (self, msg, miner);
      if (n == 5 && g_str_equal (parts[4], "tune") && g_str_equal (method, "POST"))
        return post_tune (self, msg, miner);
      if (n == 5 && g_str_equal (parts[4], "history") && get)
        return get_history (self, msg, miner, query);
      if (n == 5 && g_str_equal (parts[4], "energy") && get)
        return get_energy (self, msg, miner, query);
    }
  reply_error (msg, 404, "no such endpoint");
}

/* Whether @host (of a URI: no port, no brackets) names this machine as a
 * literal loopback address or "localhost". */
static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Without a token the API answers only requests addressed to this
 * machine by a loopback name: a web page whose own host name is made to
 * resolve to 127.0.0.1 (DNS rebinding) still sends its own name as Host,
 * and must not read the fleet. */
static gboolean
host_allowed (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Host");

  /* The URI libsoup routes by: the Host header's, an absolute request
   * URI's, or (HTTP/1.0 without Host) the listening address. */
  if (!is_loopback_host (g_uri_get_host (soup_server_message_get_uri (msg))))
    return FALSE;
  if (header != NULL)
    {
      g_autofree char *text = g_strconcat ("http://", header, "/", NULL);
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

      return uri != NULL && g_uri_get_userinfo (uri) == NULL
             && is_loopback_host (g_uri_get_host (uri));
    }
  return TRUE;
}

/* Whether the request is to be served, decided on its headers alone;
 * if not, its answer is set. */
static gboolean
admissible (HfApiServer       *self,
            SoupServerMessage *msg,
            const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  gboolean get = g_str_equal (method, "GET") || g_str_equal (method, "HEAD");
  gboolean write = g_str_equal (method, "POST") || g_str_equal (method, "DELETE")
                   || g_str_equal (method, "PUT");
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (self->token == NULL && !host_allowed (msg))
    {
      reply_error (msg, 421, "without a token the API answers only requests for localhost or a "
                             "loopback address (Host)");
      return FALSE;
    }
  if (!get && !write)
    {
      reply_error (msg, 405, "method not allowed");
      return FALSE;
    }
  if (!authorized (self, msg, write))
    return FALSE;
  /* Bodies come with a Content-Length, never chunked: one is read only
   * once it is known to fit. */
  if (encoding != SOUP_ENCODING_NONE && encoding != SOUP_ENCODING_CONTENT_LENGTH)
    {
      reply_error (msg, 411, "send the request body with a Content-Length");
      return FALSE;
    }
  if (encoding != SOUP_ENCODING_CONTENT_LENGTH && g_str_equal (method, "POST")
      && g_str_equal (path, "/api/discover"))
    {
      reply_error (msg, 411, "POST /api/discover needs a Content-Length (0 for no body)");
      return FALSE;
    }
  if (soup_message_headers_get_content_length (headers) > HF_API_MAX_BODY_BYTES)
    {
      reply_error (msg, 413, "request body too large");
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;
  GCancellable *cancellable;    /* cancelled when its time is up */
  guint         timeout_id;
  gsize         drained;
  guint8        buffer[4096];
} Refusal;

static void
refusal_free (Refusal *r)
{
  g_clear_handle_id (&r->timeout_id, g_source_remove);
  g_clear_object (&r->cancellable);
  g_clear_object (&r->socket);
  g_clear_object (&r->stream);
  g_free (r);
}

static gboolean
refusal_timeout_cb (gpointer user_data)
{
  Refusal *r = user_data;

  r->timeout_id = 0;
  g_cancellable_cancel (r->cancellable);
  return G_SOURCE_REMOVE;
}

static void
refusal_drained_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *r = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  /* What the client still sends is read (and dropped) for a moment, so
   * that closing does not reset the connection before it read the
   * answer; a client that sends more than that is cut off. */
  if (n > 0 && (r->drained += (gsize) n) < HF_API_MAX_BODY_BYTES * 4)
    {
      g_input_stream_read_async (G_INPUT_STREAM (source), r->buffer, sizeof r->buffer,
                                 G_PRIORITY_DEFAULT, r->cancellable, refusal_drained_cb, r);
      return;
    }
  g_io_stream_close (r->stream, NULL, NULL);
  refusal_free (r);
}

static void
refusal_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *r = user_data;

  if (!g_output_stream_write_bytes_finish (G_OUTPUT_STREAM (source), result, NULL))
    {
      g_io_stream_close (r->stream, NULL, NULL);
      refusal_free (r);
      return;
    }
  g_socket_shutdown (r->socket, FALSE, TRUE, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (r->stream), r->buffer,
                             sizeof r->buffer, G_PRIORITY_DEFAULT, r->cancellable,
                             refusal_drained_cb, r);
}

/* libsoup reads a request's whole body before it answers, even when the
 * answer was set on the headers (only "Expect: 100-continue" spares it),
 * so a chunked upload of any size would be read, and kept, first.  A
 * refused request with a body to come is answered here instead, on the
 * connection taken from libsoup, which is then closed with the body
 * unread. */
static void
refuse_unread (HfApiServer       *self,
               SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (request);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GString *text;
  SoupMessageHeadersIter iter;
  const char *name, *value;
  guint status = soup_server_message_get_status (msg);
  Client *client = lookup_client (self, msg);
  Refusal *r;

  /* Connection: close, so a client that sends its body anyway does not
   * have it read as its next request. */
  soup_message_headers_replace (response, "Connection", "close");
  if (encoding == SOUP_ENCODING_NONE
      || (encoding == SOUP_ENCODING_CONTENT_LENGTH
          && soup_message_headers_get_content_length (request) == 0)
      || (soup_message_headers_get_expectations (request) & SOUP_EXPECTATION_CONTINUE)
      || client == NULL)
    return;     /* libsoup answers without reading a body */

  body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  soup_message_headers_set_content_length (response, g_bytes_get_size (body));
  text = g_string_new (NULL);
  g_string_append_printf (text, "HTTP/1.%c %u %s\r\n",
                          soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0 ? '0' : '1',
                          status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, response);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (text, "%s: %s\r\n", name, value);
  g_string_append (text, "\r\n");
  g_string_append_len (text, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));
  bytes = g_string_free_to_bytes (text);

  r = g_new0 (Refusal, 1);
  r->socket = g_object_ref (client->socket);
  r->cancellable = g_cancellable_new ();
  /* Its own deadline from now on, not the idle sweep's. */
  g_hash_table_remove (self->clients, client->key);
  r->stream = soup_server_message_steal_connection (msg);
  if (r->stream == NULL)
    {
      refusal_free (r);
      return;
    }
  r->timeout_id = g_timeout_add (MIN (self->idle_ms, 2000), refusal_timeout_cb, r);
  g_output_stream_write_bytes_async (g_io_stream_get_output_stream (r->stream), bytes,
                                     G_PRIORITY_DEFAULT, r->cancellable, refusal_written_cb, r);
}

/* Everything a request is refused for is decided on its headers, before
 * a byte of its body is read. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  HfApiServer *self = user_data;

  if (!admissible (self, msg, path))
    refuse_unread (self, msg);
}

static void
cycle_finished_cb (HfFleet     *fleet,
                   guint        polled,
                   guint        answered,
                   guint        elapsed_ms,
                   HfApiServer *self)
{
  self->timings.cycles++;
  self->timings.last_cycle_s = elapsed_ms / 1000.0;
  self->timings.last_polled = polled;
  self->timings.last_answered = answered;
  invalidate (self);
}

static void
fleet_changed_cb (HfApiServer *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->stale); i++)
    self->stale[i] = TRUE;
}

static void stop_listening (HfApiServer *self);

static void
hf_api_server_dispose (GObject *object)
{
  HfApiServer *self = HF_API_SERVER (object);

  g_cancellable_cancel (self->cancellable);
  stop_listening (self);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  stop_serving (self);
  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_object (&self->fleet);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (hf_api_server_parent_class)->dispose (object);
}

static void
hf_api_server_finalize (GObject *object)
{
  HfApiServer *self = HF_API_SERVER (object);

  g_clear_pointer (&self->restarted, g_hash_table_unref);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  invalidate (self);
  g_clear_object (&self->cancellable);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);

  G_OBJECT_CLASS (hf_api_server_parent_class)->finalize (object);
}

static void
hf_api_server_class_init (HfApiServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_api_server_dispose;
  object_class->finalize = hf_api_server_finalize;
}

static void
hf_api_server_init (HfApiServer *self)
{
  self->cancellable = g_cancellable_new ();
  self->jobs = g_hash_table_new_full (NULL, NULL, NULL, job_free);
  self->restarted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, client_free);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->auth_window_ms = HF_API_AUTH_WINDOW_S * 1000;
  self->idle_ms = HF_API_IDLE_TIMEOUT_S * 1000;
  /* Fixed in libsoup 3.3: a kept-alive connection closed by its client
   * was never closed by the server (one descriptor lost each time). */
  self->close_always = soup_get_major_version () == 3 && soup_get_minor_version () < 3;
}

HfApiServer *
hf_api_server_new (HfSession *session)
{
  HfApiServer *self;
  HfFleet *fleet;

  g_return_val_if_fail (HF_IS_SESSION (session), NULL);

  self = g_object_new (HF_TYPE_API_SERVER, NULL);
  self->session = g_object_ref (session);
  fleet = hf_session_get_fleet (session);
  self->fleet = g_object_ref (fleet);
  self->server = soup_server_new ("server-header", "hashfleet ", NULL);
  soup_server_add_early_handler (self->server, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->server, "request-read", G_CALLBACK (request_read_cb), self);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (self->server, "request-aborted", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
  g_signal_connect_swapped (fleet, "reading", G_CALLBACK (fleet_changed_cb), self);
  g_signal_connect_swapped (fleet, "items-changed", G_CALLBACK (invalidate), self);
  g_signal_connect_swapped (fleet, "notify", G_CALLBACK (fleet_changed_cb), self);
  g_signal_connect_object (hf_session_get_energy_meter (session), "notify",
                           G_CALLBACK (invalidate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (hf_session_get_power_budget (session), "changed",
                           G_CALLBACK (invalidate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (hf_session_get_guardian (session), "changed",
                           G_CALLBACK (invalidate), self, G_CONNECT_SWAPPED);
  return self;
}

void
hf_api_server_set_token (HfApiServer *self,
                         const char  *token)
{
  g_return_if_fail (HF_IS_API_SERVER (self));
  g_free (self->token);
  self->token = token != NULL && token[0] != '\0' ? g_strdup (token) : NULL;
}

gboolean
hf_api_server_listen (HfApiServer  *self,
                      const char   *listen,
                      GError      **error)
{
  g_autoptr(GSocketConnectable) parsed = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  const char *host;
  guint16 port;

  g_return_val_if_fail (HF_IS_API_SERVER (self), FALSE);

  parsed = g_network_address_parse (listen ? listen : "127.0.0.1:8080", 8080, error);
  if (parsed == NULL)
    return FALSE;
  host = g_network_address_get_hostname (G_NETWORK_ADDRESS (parsed));
  port = g_network_address_get_port (G_NETWORK_ADDRESS (parsed));
  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "listen on an IP address, not “%s”", host);
      return FALSE;
    }
  if (!g_inet_address_get_is_loopback (address) && self->token == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "listening on %s (not loopback) needs a bearer token", host);
      return FALSE;
    }
  /* A short token can be guessed even at a few tries a minute. */
  if (!g_inet_address_get_is_loopback (address) && strlen (self->token) < HF_API_MIN_TOKEN_CHARS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "listening on %s (not loopback) needs a bearer token of at least %d "
                   "characters; this one has %zu", host, HF_API_MIN_TOKEN_CHARS,
                   strlen (self->token));
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, port);
  if (self->service == NULL)
    {
      self->service = g_socket_service_new ();
      /* A burst of clients waits in the kernel, not refused. */
      g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), 128);
      g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
    }
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), socket_address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &bound, error))
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_service_start (self->service);
  return TRUE;
}

void
hf_api_server_set_idle_timeout (HfApiServer *self,
                                guint        timeout_ms)
{
  g_return_if_fail (HF_IS_API_SERVER (self));
  g_return_if_fail (timeout_ms > 0);
  self->idle_ms = timeout_ms;
  /* The sweep's period follows the limit. */
  if (self->sweep_id != 0)
    {
      g_clear_handle_id (&self->sweep_id, g_source_remove);
      start_sweep (self);
    }
}

void
hf_api_server_set_auth_window (HfApiServer *self,
                               guint        window_ms)
{
  g_return_if_fail (HF_IS_API_SERVER (self));
  g_return_if_fail (window_ms > 0);
  self->auth_window_ms = window_ms;
}

guint16
hf_api_server_get_port (HfApiServer *self)
{
  g_return_val_if_fail (HF_IS_API_SERVER (self), 0);
  return self->port;
}

static void
stop_listening (HfApiServer *self)
{
  if (self->service == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->service, self);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);
  self->port = 0;
}

void
hf_api_server_disconnect (HfApiServer *self)
{
  g_return_if_fail (HF_IS_API_SERVER (self));
  stop_listening (self);
  soup_server_disconnect (self->server);
  stop_serving (self);
}
