/* hf-sim-wm3.c
 * SPDX-License-Identifier: MIT
 *
 * A Whatsminer on firmware since late 2024: API v3 on its own port, each
 * message a 4-byte little-endian length and that much JSON, several per
 * connection.  Replies are shaped like the real ones (get.device.info of an
 * M60S, the vendor's get.miner.status example); writes need the token of
 * account "super" (SHA-256 of cmd, password, salt and ts) and are refused
 * with -4 when it is wrong or when api-writes=false.  set.miner.pools'
 * param is decrypted with the digest (PKCS#7), as the firmware does.
 * Every other reply is preceded by a heartbeat (a frame of length 0).
 */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-sim-wm3.h"
#include "hf-whatsminer-v3-auth.h"
#include "hf-whatsminer-v3-reply.h"

#define MAX_REQUEST_BYTES (64 * 1024)

static char *
reply_text (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static char *
code_reply (int         code,
            const char *msg,
            const char *cmd)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "when");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "msg");
  json_builder_add_string_value (b, msg);
  json_builder_set_member_name (b, "desc");
  json_builder_add_string_value (b, cmd != NULL ? cmd : "");
  json_builder_end_object (b);
  return reply_text (b);
}

static void
begin_ok (JsonBuilder *b)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "when");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
}

static void
end_ok (JsonBuilder *b,
        const char  *cmd)
{
  json_builder_set_member_name (b, "desc");
  json_builder_add_string_value (b, cmd);
  json_builder_end_object (b);
}

static void
member_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
member_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, round (value * 1000) / 1000);
}

static void
member_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static char *
device_info (SimMiner *miner, JsonObject *request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *param = json_object_has_member (request, "param")
                      && JSON_NODE_HOLDS_VALUE (json_object_get_member (request, "param"))
                      ? json_object_get_string_member (request, "param") : NULL;
  gboolean all = param == NULL;

  begin_ok (b);
  json_builder_set_member_name (b, "msg");
  json_builder_begin_object (b);
  if (all || g_strcmp0 (param, "miner") == 0)
    {
      json_builder_set_member_name (b, "miner");
      json_builder_begin_object (b);
      member_string (b, "board-num", "3");
      member_string (b, "miner-sn", miner->serial);
      member_string (b, "pool-strategy", "FAILOVER");
      member_string (b, "type", miner->profile->model);
      /* A string, as the firmware has it. */
      member_string (b, "working", miner->paused ? "false" : "true");
      json_builder_end_object (b);
    }
  if (all || g_strcmp0 (param, "network") == 0)
    {
      json_builder_set_member_name (b, "network");
      json_builder_begin_object (b);
      member_string (b, "hostname", miner->hostname);
      member_string (b, "ip", miner->ip);
      member_string (b, "mac", miner->mac);
      member_string (b, "proto", "dhcp");
      json_builder_end_object (b);
    }
  if (all || g_strcmp0 (param, "power") == 0)
    {
      json_builder_set_member_name (b, "power");
      json_builder_begin_object (b);
      member_int (b, "fanspeed", 6344);
      member_string (b, "model", "P221B");
      json_builder_end_object (b);
    }
  if (all || g_strcmp0 (param, "salt") == 0)
    member_string (b, "salt", miner->wm3_salt);
  if (all || g_strcmp0 (param, "system") == 0)
    {
      json_builder_set_member_name (b, "system");
      json_builder_begin_object (b);
      member_string (b, "api", "3.0.2");
      member_string (b, "apiswitch", miner->api_writes ? "1" : "0");
      member_string (b, "fwversion", "20251209.16.Rel2");
      member_string (b, "ledstatus", miner->led ? "manual" : "auto");
      member_string (b, "platform", "H616");
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  end_ok (b, "get.device.info");
  return reply_text (b);
}

static char *
miner_status (SimFleet *fleet, SimMiner *miner, JsonObject *request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *param = json_object_has_member (request, "param")
                      && JSON_NODE_HOLDS_VALUE (json_object_get_member (request, "param"))
                      ? json_object_get_string_member (request, "param") : "";
  g_auto(GStrv) parts = g_strsplit (param != NULL ? param : "", "+", -1);
  const SimProfile *p = miner->profile;
  double ths = miner->paused ? 0 : sim_miner_value (fleet, miner, sim_miner_base_hashrate (miner),
                                                     0.01) / 1000.0;
  double power = miner->paused ? 0 : sim_miner_value (fleet, miner, p->power_w, 0.01);

  begin_ok (b);
  json_builder_set_member_name (b, "msg");
  json_builder_begin_object (b);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], "summary"))
      {
        json_builder_set_member_name (b, "summary");
        json_builder_begin_object (b);
        member_int (b, "elapsed", (gint64) sim_miner_uptime (miner));
        member_int (b, "bootup-time", (gint64) sim_miner_uptime (miner) + 101);
        member_int (b, "freq-avg", miner->paused ? 0 : (gint64) p->frequency);
        member_int (b, "target-freq", (gint64) p->frequency);
        member_double (b, "factory-hash", p->expected_ghs / 1000.0);
        member_double (b, "hash-average", ths);
        member_double (b, "hash-1min", ths);
        member_double (b, "hash-15min", ths);
        member_double (b, "hash-realtime", ths);
        member_double (b, "power-rate", ths > 0 ? power / ths : 0);
        member_double (b, "power-5min", power);
        member_int (b, "power-realtime", (gint64) round (power));
        member_double (b, "environment-temperature", 25.0);
        json_builder_set_member_name (b, "board-temperature");
        json_builder_begin_array (b);
        json_builder_add_double_value (b, p->board_temp - 1.0);
        json_builder_add_double_value (b, p->board_temp);
        json_builder_add_double_value (b, p->board_temp - 0.5);
        json_builder_end_array (b);
        member_double (b, "chip-temp-min", p->chip_temp - 10.0);
        member_double (b, "chip-temp-avg", p->chip_temp - 5.0);
        member_double (b, "chip-temp-max", p->chip_temp);
        member_int (b, "power-limit", miner->wm3_power_limit);
        member_int (b, "up-freq-finish", 1);
        member_int (b, "fan-speed-in", (gint64) p->fan_rpm - 90);
        member_int (b, "fan-speed-out", (gint64) p->fan_rpm);
        json_builder_end_object (b);
      }
    else if (g_str_equal (parts[i], "pools"))
      {
        json_builder_set_member_name (b, "pools");
        json_builder_begin_array (b);
        json_builder_begin_object (b);
        member_int (b, "id", 1);
        member_string (b, "url", miner->wm3_pool_url ? miner->wm3_pool_url
                                                     : "stratum+tcp://pool.example:3333");
        member_string (b, "account", miner->wm3_pool_user ? miner->wm3_pool_user : "worker.m60");
        member_string (b, "status", miner->fallback ? "dead" : "alive");
        json_builder_set_member_name (b, "stratum-active");
        json_builder_add_boolean_value (b, !miner->fallback);
        json_builder_end_object (b);
        json_builder_begin_object (b);
        member_int (b, "id", 2);
        member_string (b, "url", "stratum+tcp://backup.example:3333");
        member_string (b, "account", "worker.m60");
        member_string (b, "status", "alive");
        json_builder_set_member_name (b, "stratum-active");
        json_builder_add_boolean_value (b, miner->fallback);
        json_builder_end_object (b);
        json_builder_end_array (b);
      }
    else if (g_str_equal (parts[i], "edevs"))
      {
        json_builder_set_member_name (b, "edevs");
        json_builder_begin_array (b);
        for (int slot = 0; slot < 3; slot++)
          {
            json_builder_begin_object (b);
            member_int (b, "id", slot);
            member_double (b, "hash-average", ths / 3);
            member_double (b, "hash-realtime", ths / 3);
            member_double (b, "factory-hash", p->expected_ghs / 3000.0);
            member_int (b, "freq", (gint64) p->frequency);
            member_int (b, "effective-chips", 172);
            member_double (b, "chip-temp-max", p->chip_temp - slot);
            member_string (b, "status", "alive");
            json_builder_end_object (b);
          }
        json_builder_end_array (b);
      }
  json_builder_end_object (b);
  end_ok (b, "get.miner.status");
  return reply_text (b);
}

static char *
miner_setting (SimMiner *miner)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  begin_ok (b);
  json_builder_set_member_name (b, "msg");
  json_builder_begin_object (b);
  member_string (b, "power-mode", miner->wm3_power_mode);
  member_int (b, "power-limit", miner->wm3_power_limit);
  member_string (b, "heat-mode", "normal");
  json_builder_end_object (b);
  end_ok (b, "get.miner.setting");
  return reply_text (b);
}

/* A write: the token checked, then what it changes. */
static char *
write_reply (SimFleet   *fleet,
             SimMiner   *miner,
             JsonObject *request,
             const char *cmd,
             gboolean   *restart)
{
  const char *token = json_object_has_member (request, "token")
                      ? json_object_get_string_member (request, "token") : NULL;
  const char *account = json_object_has_member (request, "account")
                        ? json_object_get_string_member (request, "account") : NULL;
  JsonNode *ts = json_object_get_member (request, "ts");
  JsonNode *param = json_object_get_member (request, "param");
  guint8 digest[HF_WHATSMINER_V3_DIGEST_SIZE];
  g_autofree char *want = NULL;

  if (!miner->api_writes)
    {
      sim_event ("wm3-refused", miner, "api writes disabled");
      return code_reply (HF_WHATSMINER_V3_NO_PERMISSION, "no permission", cmd);
    }
  if (token == NULL || account == NULL || ts == NULL || !JSON_NODE_HOLDS_VALUE (ts)
      || json_node_get_value_type (ts) != G_TYPE_INT64)
    return code_reply (HF_WHATSMINER_V3_INVALID_JSON, "invalid json item", cmd);
  hf_whatsminer_v3_digest (cmd, miner->super_password, miner->wm3_salt, json_node_get_int (ts),
                           digest);
  want = hf_whatsminer_v3_token (digest);
  if (!g_str_equal (account, "super") || !g_str_equal (token, want))
    {
      sim_event ("wm3-refused", miner, "wrong token");
      return code_reply (HF_WHATSMINER_V3_NO_PERMISSION, "no permission", cmd);
    }

  if (g_str_equal (cmd, "set.system.reboot"))
    {
      *restart = TRUE;
      sim_event ("restart", miner, "set.system.reboot");
    }
  else if (g_str_equal (cmd, "set.system.led"))
    {
      miner->led = TRUE;
      sim_event ("led", miner, NULL);
    }
  else if (g_str_equal (cmd, "set.miner.service"))
    {
      const char *what = param && JSON_NODE_HOLDS_VALUE (param) ? json_node_get_string (param) : NULL;

      if (g_strcmp0 (what, "stop") == 0)
        miner->paused = TRUE;
      else if (g_strcmp0 (what, "start") == 0)
        miner->paused = FALSE;
      else if (g_strcmp0 (what, "restart") != 0)
        return code_reply (HF_WHATSMINER_V3_INVALID_JSON, "invalid param", cmd);
      sim_event ("service", miner, what);
    }
  else if (g_str_equal (cmd, "set.miner.power_limit"))
    {
      double w = param && JSON_NODE_HOLDS_VALUE (param) ? json_node_get_double (param) : -1;

      if (!(w >= 0 && w <= 99999))
        return code_reply (HF_WHATSMINER_V3_INVALID_JSON, "invalid param", cmd);
      miner->wm3_power_limit = (guint) w;
      /* The firmware restarts the miner to apply it. */
      *restart = TRUE;
      sim_event ("power-limit", miner, NULL);
    }
  else if (g_str_equal (cmd, "set.miner.power_mode"))
    {
      const char *mode = param && JSON_NODE_HOLDS_VALUE (param) ? json_node_get_string (param) : NULL;

      if (mode == NULL || (!g_str_equal (mode, "low") && !g_str_equal (mode, "normal")
                           && !g_str_equal (mode, "high")))
        return code_reply (HF_WHATSMINER_V3_INVALID_JSON, "invalid param", cmd);
      g_free (miner->wm3_power_mode);
      miner->wm3_power_mode = g_strdup (mode);
      sim_event ("power-mode", miner, mode);
    }
  else if (g_str_equal (cmd, "set.miner.pools"))
    {
      const char *enc = param && JSON_NODE_HOLDS_VALUE (param) ? json_node_get_string (param) : NULL;
      g_autofree char *plain = enc ? hf_whatsminer_v3_decrypt (digest, enc, NULL) : NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;
      JsonObject *first;

      if (plain == NULL || !json_parser_load_from_data (parser, plain, -1, NULL)
          || !JSON_NODE_HOLDS_ARRAY (root = json_parser_get_root (parser))
          || json_array_get_length (json_node_get_array (root)) == 0
          || json_array_get_length (json_node_get_array (root)) > 3
          || !JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (root), 0)))
        return code_reply (HF_WHATSMINER_V3_INVALID_JSON, "invalid param", cmd);
      first = json_array_get_object_element (json_node_get_array (root), 0);
      if (!json_object_has_member (first, "pool") || !json_object_has_member (first, "worker"))
        return code_reply (HF_WHATSMINER_V3_INVALID_JSON, "invalid param", cmd);
      g_free (miner->wm3_pool_url);
      g_free (miner->wm3_pool_user);
      miner->wm3_pool_url = g_strdup (json_object_get_string_member (first, "pool"));
      miner->wm3_pool_user = g_strdup (json_object_get_string_member (first, "worker"));
      sim_event ("pools", miner, miner->wm3_pool_url);
    }
  else
    return code_reply (HF_WHATSMINER_V3_INVALID_COMMAND, "invalid command", cmd);
  explicit_bzero (digest, sizeof digest);
  return code_reply (HF_WHATSMINER_V3_OK, "ok", cmd);
}

char *
sim_wm3_reply (SimFleet   *fleet,
               SimMiner   *miner,
               JsonObject *request,
               gboolean   *restart)
{
  JsonNode *cmd_node = json_object_get_member (request, "cmd");
  const char *cmd;

  if (cmd_node == NULL || !JSON_NODE_HOLDS_VALUE (cmd_node)
      || json_node_get_value_type (cmd_node) != G_TYPE_STRING)
    return code_reply (HF_WHATSMINER_V3_INVALID_JSON, "invalid json item", NULL);
  cmd = json_node_get_string (cmd_node);
  if (g_str_equal (cmd, "get.device.info"))
    return device_info (miner, request);
  if (g_str_equal (cmd, "get.miner.status"))
    return miner_status (fleet, miner, request);
  if (g_str_equal (cmd, "get.miner.setting"))
    return miner_setting (miner);
  if (g_str_has_prefix (cmd, "set."))
    return write_reply (fleet, miner, request, cmd, restart);
  return code_reply (HF_WHATSMINER_V3_INVALID_COMMAND, "invalid command", cmd);
}

/* One connection: frames in, frames out, until the client closes. */
typedef struct
{
  SimFleet          *fleet;
  SimMiner          *miner;
  GSocketConnection *connection;
  guint8             header[4];
  guint8            *body;
  gsize              length;
  GBytes            *reply;
  gboolean           restart_after;
} Conn;

static void read_header (Conn *c);

static void
conn_close (Conn *c)
{
  g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);
  g_object_unref (c->connection);
  g_free (c->body);
  g_clear_pointer (&c->reply, g_bytes_unref);
  g_free (c);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Conn *c = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      conn_close (c);
      return;
    }
  g_clear_pointer (&c->reply, g_bytes_unref);
  if (c->restart_after)
    {
      sim_miner_restart (c->fleet, c->miner);
      conn_close (c);
      return;
    }
  read_header (c);
}

static void
body_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Conn *c = user_data;
  gsize n = 0;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  GByteArray *wire;
  g_autoptr(GBytes) frame = NULL;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, NULL)
      || n != c->length || sim_miner_restarting (c->miner))
    {
      conn_close (c);
      return;
    }
  if (!json_parser_load_from_data (parser, (const char *) c->body, (gssize) c->length, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    text = code_reply (HF_WHATSMINER_V3_INVALID_JSON, "invalid json", NULL);
  else
    text = sim_wm3_reply (c->fleet, c->miner, json_node_get_object (json_parser_get_root (parser)),
                          &c->restart_after);
  g_clear_pointer (&c->body, g_free);

  wire = g_byte_array_new ();
  /* Every other reply: a heartbeat first, as the firmware sends them. */
  if (c->miner->wm3_frames++ % 2 == 1)
    g_byte_array_append (wire, (const guint8 *) "\0\0\0\0", 4);
  frame = hf_whatsminer_v3_frame_encode (text, strlen (text));
  g_byte_array_append (wire, g_bytes_get_data (frame, NULL), (guint) g_bytes_get_size (frame));
  c->reply = g_byte_array_free_to_bytes (wire);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (c->connection)),
                                   g_bytes_get_data (c->reply, NULL), g_bytes_get_size (c->reply),
                                   G_PRIORITY_DEFAULT, NULL, written_cb, c);
}

static void
header_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Conn *c = user_data;
  gsize n = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, NULL) || n != 4)
    {
      conn_close (c);
      return;
    }
  c->length = (gsize) c->header[0] | (gsize) c->header[1] << 8 | (gsize) c->header[2] << 16
              | (gsize) c->header[3] << 24;
  if (c->length == 0)
    {
      read_header (c);     /* a client's heartbeat */
      return;
    }
  if (c->length > MAX_REQUEST_BYTES)
    {
      conn_close (c);
      return;
    }
  c->body = g_malloc (c->length);
  g_input_stream_read_all_async (G_INPUT_STREAM (source), c->body, c->length, G_PRIORITY_DEFAULT,
                                 NULL, body_cb, c);
}

static void
read_header (Conn *c)
{
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (c->connection)),
                                 c->header, 4, G_PRIORITY_DEFAULT, NULL, header_cb, c);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  SimFleet *fleet = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autofree char *ip = NULL;
  SimMiner *miner;
  Conn *c;

  if (local == NULL)
    return TRUE;
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
  miner = sim_fleet_lookup (fleet, ip);
  if (miner == NULL || sim_miner_restarting (miner))
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  c = g_new0 (Conn, 1);
  c->fleet = fleet;
  c->miner = miner;
  c->connection = g_object_ref (connection);
  read_header (c);
  return TRUE;
}

GPtrArray *
sim_wm3_server_start (SimFleet  *fleet,
                      GError   **error)
{
  g_autoptr(GPtrArray) services = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < fleet->miners->len; i++)
    {
      SimMiner *m = g_ptr_array_index (fleet->miners, i);
      g_autoptr(GSocketAddress) address = NULL;
      g_autoptr(GSocketService) service = NULL;

      if (!m->profile->whatsminer_v3 || m->fault == SIM_FAULT_REFUSE)
        continue;
      service = g_socket_service_new ();
      address = g_inet_socket_address_new_from_string (m->ip, fleet->whatsminer_v3_port);
      if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                          G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                          NULL, error))
        {
          g_prefix_error (error, "%s:%u: ", m->ip, fleet->whatsminer_v3_port);
          return NULL;
        }
      g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), fleet);
      g_socket_service_start (service);
      g_ptr_array_add (services, g_steal_pointer (&service));
    }
  return g_steal_pointer (&services);
}

void
sim_wm3_server_stop (GPtrArray *services)
{
  for (guint i = 0; i < services->len; i++)
    {
      GSocketService *service = g_ptr_array_index (services, i);

      g_socket_service_stop (service);
      g_socket_listener_close (G_SOCKET_LISTENER (service));
    }
  g_ptr_array_unref (services);
}
