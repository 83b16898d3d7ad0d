/* hf-sim-http.c
 * SPDX-License-Identifier: MIT
 *
 * One SoupServer listens on every miner's address; the local address of a
 * request says which miner answers.  Antminer CGI paths sit behind a real
 * HTTP Digest domain (libsoup's), as on the device, or a Basic one for a
 * miner with web-auth=basic (a device a client must not give its password).
 * AxeOS miners answer as the firmware's http_server.c does (hf-sim-axeos.c
 * has what its versions differ in); with --www they also serve the built
 * AxeOS web UI, as the firmware serves its embedded one.
 */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-sim-axeos.h"
#include "hf-sim-http.h"
#include "hf-sim-braiins.h"
#include "hf-sim-hostile.h"
#include "hf-sim-ota.h"
#include "hf-sim-physics.h"
#include "hf-sim-settings.h"
#include "hf-sim-replies.h"
#include "hf-sim-vnish.h"

#define ANTMINER_REALM "antMiner Configuration"
#define RESTART_DELAY_MS 1000    /* POST_restart(): vTaskDelay (1000) */

typedef struct
{
  SimFleet    *fleet;
  SimAxeosWeb *web;
  char        *www;              /* the AxeOS web UI's files, or NULL */
  gboolean     trace;            /* print every exchange as a JSON line */
} Server;

typedef struct
{
  Server            *server;
  SimMiner          *miner;
  SoupServerMessage *msg;
  char              *path;
  char              *method;
  GHashTable        *query;
  guint              timer;
  gulong             disconnected;
} Pending;

static SimMiner *
miner_of (SimFleet          *fleet,
          SoupServerMessage *msg)
{
  GSocketAddress *local = soup_server_message_get_local_address (msg);
  g_autofree char *ip = NULL;

  if (local == NULL || !G_IS_INET_SOCKET_ADDRESS (local))
    return NULL;
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
  return sim_fleet_lookup (fleet, ip);
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *content_type,
         const char        *body,
         gsize              len)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, len);
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *json)
{
  respond (msg, status, "application/json", json, strlen (json));
}

static void
more_chunk_cb (SoupServerMessage *msg,
               gpointer           user_data)
{
  static char block[65536];
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  if (block[0] == '\0')
    memset (block, 'x', sizeof block);
  soup_message_body_append (body, SOUP_MEMORY_STATIC, block, sizeof block);
}

/* ---- AxeOS ---------------------------------------------------------------- */

/* set_content_type_from_file() */
static const char *
content_type (const char *path)
{
  static const char *types[][2] = {
    { ".html", "text/html" }, { ".js", "application/javascript" }, { ".css", "text/css" },
    { ".png", "image/png" }, { ".ico", "image/x-icon" }, { ".svg", "image/svg+xml" },
    { ".pdf", "application/pdf" }, { ".woff2", "font/woff2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (path, types[i][0]))
      return types[i][1];
  return "text/plain";
}

/* rest_common_get_handler(): a file of the web UI, index.html for a path
 * ending in '/', and a redirect to "/" for anything else (the captive
 * portal's answer). */
static void
answer_file (Server            *server,
             SoupServerMessage *msg,
             const char        *path)
{
  static const char placeholder[] = "<!doctype html><html><head><title>AxeOS</title>"
                                    "</head><body><app-root></app-root></body></html>";
  static const char redirect[] = "Redirect to the captive portal";
  gboolean index = g_str_has_suffix (path, "/");
  g_autofree char *file = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (server->www == NULL && g_str_equal (path, "/"))
    {
      respond (msg, 200, "text/html", placeholder, strlen (placeholder));
      return;
    }
  if (server->www != NULL && strstr (path, "..") == NULL)
    {
      file = g_build_filename (server->www, index ? "index.html" : path, NULL);
      mapped = g_mapped_file_new (file, FALSE, NULL);
    }
  if (mapped == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Location", "/");
      respond (msg, 302, "text/html", redirect, strlen (redirect));
      return;
    }
  if (!index)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Cache-Control", "max-age=2592000");
  bytes = g_mapped_file_get_bytes (mapped);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, content_type (index ? "index.html" : path),
                                    SOUP_MEMORY_COPY, g_bytes_get_data (bytes, NULL),
                                    g_bytes_get_size (bytes));
}

static GInetAddress *
peer_of (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return NULL;
  return g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
}

/* httpd_resp_send_err(): the message as an HTML body */
static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *message)
{
  respond (msg, status, "text/html", message, strlen (message));
}

static void
answer_patch (Server            *server,
              SimMiner          *miner,
              SoupServerMessage *msg)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autofree char *refused = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *old_hostname = g_strdup (miner->hostname);
  gboolean current = sim_axeos_features (miner) != 0;

  if (!sim_axeos_web_check_patch (server->web, miner, request->data, (gsize) request->length,
                                  &refused)
      || !sim_axeos_patch (miner, request->data, (gsize) request->length, &refused))
    {
      g_autofree char *why = g_strescape (refused, NULL);

      sim_event ("patch-refused", miner, why);
      if (current)
        respond_error (msg, 400, "Wrong API input");
      else
        respond_json (msg, 400, refused);
      return;
    }
  sim_axeos_web_apply_patch (server->web, miner, request->data, (gsize) request->length);
  sim_physics_changed (miner);
  detail = g_strescape (request->data ? request->data : "", NULL);
  sim_event ("patch", miner, detail);
  if (!current)
    respond_json (msg, 200, "{\"status\":\"success\"}");
  else if (g_strcmp0 (old_hostname, miner->hostname) != 0)
    {
      /* A new host name: the web UI follows the device to its new name. */
      g_autofree char *reply = g_strdup_printf (
        "{\"status\":\"success\",\"redirect\":{\"url\":\"http://%s.local\",\"delay\":2000,"
        "\"message\":\"Hostname updated. Redirecting to new address...\"}}", miner->hostname);

      respond_json (msg, 200, reply);
    }
  else
    respond (msg, 200, "text/html", "", 0);
}

typedef struct
{
  Server   *server;
  SimMiner *miner;
} Upgrade;

/* What libsoup's websocket handler does, without the permessage-deflate
 * extension, which the firmware's esp_http_server does not offer either. */
static void
upgraded_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  Upgrade *up = user_data;
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  g_autoptr(SoupWebsocketConnection) connection = NULL;

  if (stream == NULL)
    return;
  connection = soup_websocket_connection_new (
    stream, soup_server_message_get_uri (msg), SOUP_WEBSOCKET_CONNECTION_SERVER,
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin"),
    NULL, NULL);
  sim_event ("live", up->miner, NULL);
  sim_axeos_web_live_add (up->server->web, up->miner, connection);
}

static void
answer_live (Server            *server,
             SimMiner          *miner,
             SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Upgrade *up;

  /* websocket_pre_handshake() checked the Origin; no CORS headers here. */
  soup_message_headers_remove (headers, "Access-Control-Allow-Origin");
  soup_message_headers_remove (headers, "Access-Control-Allow-Methods");
  soup_message_headers_remove (headers, "Access-Control-Allow-Headers");
  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    return;       /* not a websocket request: it set the status */
  up = g_new0 (Upgrade, 1);
  up->server = server;
  up->miner = miner;
  g_signal_connect_data (msg, "wrote-informational", G_CALLBACK (upgraded_cb), up,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
}

static void
answer_axeos (Server            *server,
              SimMiner          *miner,
              SoupServerMessage *msg,
              const char        *method,
              const char        *path,
              GHashTable        *query)
{
  SimFleet *fleet = server->fleet;
  SimAxeosFeatures features = sim_axeos_features (miner);
  gboolean v24 = miner->profile->id == SIM_AXEOS_SUPRA_OLD;
  gboolean api = g_str_has_prefix (path, "/api/");
  gboolean get = g_str_equal (method, "GET");
  gboolean post = g_str_equal (method, "POST");
  const char *origin = soup_message_headers_get_one (
    soup_server_message_get_request_headers (msg), "Origin");
  g_autofree char *body = NULL;

  /* The event lets tests prove Hashfleet never sends an Origin. */
  if (origin != NULL)
    sim_event ("origin", miner, origin);

  if (features & SIM_AXEOS_ORIGIN_RULES)
    {
      if (api && !sim_axeos_origin_allowed (miner, origin, peer_of (msg)))
        {
          sim_event ("unauthorized", miner, origin);
          respond_error (msg, 401, "Unauthorized");
          return;
        }
      if (api)
        sim_axeos_set_cors (msg);
      if (api && g_str_equal (method, "OPTIONS"))
        {
          respond (msg, 200, NULL, NULL, 0);
          return;
        }
    }
  else if (v24)
    {
      /* AxeOS 2.4 checks no Origin, and has CORS headers and OPTIONS on
       * the few paths its own Swarm page used. */
      if (g_str_equal (path, "/api/system/info") || g_str_equal (path, "/api/system")
          || g_str_equal (path, "/api/system/restart") || g_str_equal (path, "/api/swarm"))
        sim_axeos_set_cors (msg);
      if (g_str_equal (method, "OPTIONS")
          && (g_str_equal (path, "/api/system") || g_str_equal (path, "/api/system/restart")
              || g_str_equal (path, "/api/swarm")))
        {
          respond (msg, 200, NULL, NULL, 0);
          return;
        }
    }
  else if (origin != NULL)
    {
      respond_json (msg, 401, "{\"error\":\"Unauthorized\"}");
      return;
    }

  if (g_str_equal (path, "/api/system/info") && get)
    {
      miner->info_requests++;
      body = sim_axeos_web_info (server->web, miner,
                               sim_ota_info (miner, sim_axeos_apply_overrides (
                                 fleet, miner, sim_axeos_info (fleet, miner))),
                               TRUE);
    }
  else if ((g_str_equal (path, "/api/system/OTA") || g_str_equal (path, "/api/system/OTAWWW"))
           && post)
    {
      sim_ota_answer (server->web, miner, msg, g_str_equal (path, "/api/system/OTAWWW"));
      return;
    }
  else if (g_str_equal (path, "/api/system") && g_str_equal (method, "PATCH"))
    {
      answer_patch (server, miner, msg);
      return;
    }
  else if (g_str_equal (path, "/api/system/identify") && post)
    {
      const char *said = sim_axeos_web_identify (server->web, miner);
      g_autofree char *reply = NULL;

      if (features != 0)
        {
          g_autofree char *quoted = g_strescape (said, NULL);

          reply = g_strdup_printf ("{\"message\":\"%s\"}", quoted);
        }
      sim_event ("identify", miner, NULL);
      respond_json (msg, 200, reply ? reply : "{\"message\":\"ok\"}");
      return;
    }
  else if ((g_str_equal (path, "/api/system/pause") || g_str_equal (path, "/api/system/resume"))
           && post && ((features & SIM_AXEOS_LIVE) || miner->profile->id == SIM_NERDQAXE))
    {
      gboolean pause = g_str_equal (path, "/api/system/pause");

      if (!miner->ignore_writes)
        miner->paused = pause;
      sim_physics_changed (miner);
      sim_event (pause ? "pause" : "resume", miner, NULL);
      if (features != 0)
        respond_json (msg, 200, pause ? "{\"message\":\"Mining paused\"}"
                                      : "{\"message\":\"Mining resumed\"}");
      else
        respond_json (msg, 200, "{\"message\":\"ok\"}");
      return;
    }
  else if (g_str_equal (path, "/api/system/asic") && get)
    body = sim_axeos_asic (fleet, miner);
  else if (g_str_equal (path, "/api/ws/live") && get && (features & SIM_AXEOS_LIVE))
    {
      answer_live (server, miner, msg);
      return;
    }
  else if (g_str_equal (path, "/api/system/statistics") && get
           && (features & SIM_AXEOS_STATISTICS))
    body = sim_axeos_web_statistics (server->web, miner,
                                     query ? g_hash_table_lookup (query, "columns") : NULL);
  else if (g_str_equal (path, "/api/system/scoreboard") && get && (features & SIM_AXEOS_LIVE))
    body = g_strdup ("[]");
  else if (g_str_equal (path, "/api/system/blockFound/dismiss") && post
           && (features & SIM_AXEOS_LIVE))
    body = g_strdup ("{\"blockFound\":0,\"showNewBlock\":false,"
                     "\"message\":\"Block found notification dismissed\"}");
  else if (g_str_equal (path, "/api/theme") && (features & SIM_AXEOS_ORIGIN_RULES) && get)
    body = sim_axeos_web_theme (server->web, miner);
  else if (g_str_equal (path, "/api/theme") && (features & SIM_AXEOS_ORIGIN_RULES) && post)
    {
      SoupMessageBody *request = soup_server_message_get_request_body (msg);

      if (sim_axeos_web_set_theme (server->web, miner, request->data, (gsize) request->length))
        respond (msg, 200, "text/html", "{\"status\":\"ok\"}", 15);
      else
        respond_error (msg, 400, "Invalid JSON");
      return;
    }
  else if (g_str_equal (path, "/api/system/restart") && post)
    {
      /* Answered first; the device reboots a second later. */
      respond_json (msg, 200, "{\"message\":\"System will restart shortly.\"}");
      sim_event ("restart-requested", miner, NULL);
      sim_axeos_web_restart_later (server->web, miner, RESTART_DELAY_MS);
      return;
    }
  else if (!api && (features != 0 || g_str_equal (path, "/")))
    {
      answer_file (server, msg, path);
      return;
    }

  if (body == NULL && (features & SIM_AXEOS_ORIGIN_RULES))
    respond_json (msg, 404, "{\"error\":\"unknown route\"}");
  else if (body == NULL)
    respond_json (msg, 404, "{\"error\":\"not found\"}");
  else if (sim_miner_fault (fleet, miner) == SIM_FAULT_TRUNCATED)
    respond (msg, 200, "application/json", body, strlen (body) / 2);
  else if (sim_hostile_rewrites (sim_miner_fault (fleet, miner)))
    {
      g_autoptr(GBytes) hostile = sim_hostile_body (sim_miner_fault (fleet, miner), body);
      respond (msg, 200, "application/json", g_bytes_get_data (hostile, NULL),
               g_bytes_get_size (hostile));
    }
  else
    respond_json (msg, 200, body);
}

/* ---- every family ------------------------------------------------------- */

static void
answer (Server            *server,
        SimMiner          *miner,
        SoupServerMessage *msg,
        const char        *method,
        const char        *path,
        GHashTable        *query)
{
  SimFleet *fleet = server->fleet;
  const SimProfile *p = miner->profile;
  g_autofree char *body = NULL;

  switch (sim_miner_fault (fleet, miner))
    {
    case SIM_FAULT_GARBAGE:
      {
        char junk[512];
        for (guint i = 0; i < sizeof junk; i++)
          junk[i] = (char) g_random_int_range (1, 256);
        /* Random, but never the start of a JSON value: garbage, not a cut reply. */
        junk[0] = '~';
        respond (msg, 200, "application/json", junk, sizeof junk);
        return;
      }
    case SIM_FAULT_REDIRECT:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Location", path);
      respond (msg, 302, "text/html", "", 0);
      return;
    case SIM_FAULT_RESET:
      {
        g_autoptr(GSocket) socket = g_object_ref (soup_server_message_get_socket (msg));
        g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

        sim_hostile_reset (socket);
        return;
      }
    case SIM_FAULT_TRICKLE:
      {
        g_autofree char *info = p->kind == SIM_KIND_AXEOS ? sim_axeos_info (fleet, miner)
                                                          : g_strdup ("{}");
        g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                                 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                                                 strlen (info));
        g_autofree char *all = g_strconcat (head, info, NULL);
        g_autoptr(GBytes) data = g_bytes_new (all, strlen (all));

        sim_hostile_trickle (soup_server_message_steal_connection (msg), data);
        return;
      }
    case SIM_FAULT_OVERSIZE:
      {
        SoupMessageBody *rb = soup_server_message_get_response_body (msg);

        soup_server_message_set_status (msg, 200, NULL);
        soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                           SOUP_ENCODING_CHUNKED);
        soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                               "application/json", NULL);
        soup_message_body_set_accumulate (rb, FALSE);
        g_signal_connect (msg, "wrote-chunk", G_CALLBACK (more_chunk_cb), NULL);
        more_chunk_cb (msg, NULL);
        return;
      }
    default:
      break;
    }

  if (p->kind == SIM_KIND_AXEOS)
    {
      answer_axeos (server, miner, msg, method, path, query);
      return;
    }

  if (p->kind == SIM_KIND_VNISH)
    {
      sim_vnish_answer (fleet, miner, msg, method, path);
      return;
    }

  if (p->kind == SIM_KIND_BRAIINS || p->kind == SIM_KIND_LUXOS)
    {
      SoupMessageBody *request = soup_server_message_get_request_body (msg);
      const char *auth = soup_message_headers_get_one (
        soup_server_message_get_request_headers (msg), "Authorization");
      g_autofree char *text = NULL;
      guint status = 0;

      if (p->kind == SIM_KIND_BRAIINS
          && sim_braiins_rest (fleet, miner, method, path, auth, request->data,
                               (gsize) request->length, &status, &text))
        respond_json (msg, status, text);
      else if (g_str_equal (path, "/"))
        {
          const char *page = p->kind == SIM_KIND_BRAIINS
                             ? "<html><title>Braiins OS</title></html>"
                             : "<html><title>Luxor Firmware</title></html>";
          respond (msg, 200, "text/html", page, strlen (page));
        }
      else
        respond (msg, 404, "text/html", "<html>Not Found</html>", 22);
      return;
    }

  if (p->kind == SIM_KIND_ANTMINER)
    {
      if (g_str_equal (path, "/cgi-bin/get_system_info.cgi"))
        {
          body = sim_antminer_system_info (miner);
          respond_json (msg, 200, body);
        }
      else if (g_str_equal (path, "/cgi-bin/get_miner_conf.cgi"))
        {
          body = sim_antminer_conf (miner);
          respond_json (msg, 200, body);
        }
      else if (g_str_equal (path, "/cgi-bin/set_miner_conf.cgi")
               && g_str_equal (method, "POST"))
        {
          SoupMessageBody *request = soup_server_message_get_request_body (msg);

          if (sim_antminer_set_conf (miner, request->data, (gsize) request->length))
            {
              sim_event ("set-conf", miner, NULL);
              respond_json (msg, 200, "{\"stats\":\"success\",\"code\":\"M000\",\"msg\":\"OK!\"}");
            }
          else
            respond_json (msg, 200, "{\"stats\":\"error\",\"code\":\"M001\",\"msg\":\"Illegal configuration\"}");
        }
      else if (g_str_equal (path, "/cgi-bin/blink.cgi") && g_str_equal (method, "POST"))
        {
          sim_event ("identify", miner, NULL);
          respond_json (msg, 200, "{\"code\":\"B000\"}");
        }
      else if (g_str_equal (path, "/cgi-bin/reboot.cgi"))
        {
          respond (msg, 200, "text/html", "ok", 2);
          sim_miner_restart (fleet, miner);
        }
      else
        respond (msg, 200, "text/html", "<html>antMiner</html>", 21);
      return;
    }

  if (p->kind == SIM_KIND_WHATSMINER)
    {
      g_autofree char *location = g_strdup_printf ("https://%s/", miner->ip);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Location", location);
      respond (msg, 307, "text/html", "", 0);
      return;
    }

  if (p->kind == SIM_KIND_AVALON)
    {
      static const char page[] = "<html><title>Avalon Device</title></html>";
      respond (msg, 200, "text/html", page, strlen (page));
      return;
    }

  if (p->id == SIM_DECOY_JSON)
    {
      /* JSON, even at /api/system/info, but not an AxeOS reply. */
      respond_json (msg, 200, "{\"status\":\"ok\",\"firmware\":\"1.2.3\",\"uptime\":1234,"
                              "\"hostname\":\"nas\"}");
      return;
    }

  if (g_str_equal (path, "/"))
    {
      static const char page[] = "<html><head><title>Router</title></head>"
                                 "<body>Login</body></html>";
      respond (msg, 200, "text/html", page, strlen (page));
    }
  else
    respond (msg, 404, "text/html", "<html>Not Found</html>", 22);
}

/* POST /sim/control: what a test changes around a miner at run time (its
 * ambient temperature, its fan); no device has this path. */
static void
answer_control (SimMiner          *miner,
                SoupServerMessage *msg)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      respond_json (msg, 405, "{\"ok\":false,\"error\":\"POST only\"}");
      return;
    }
  if (!sim_miner_control (miner, request->data, (gsize) request->length, &error))
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *reply = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error->message);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      reply = json_to_string (root, FALSE);
      respond_json (msg, 400, reply);
      return;
    }
  sim_physics_changed (miner);
  detail = g_strdup_printf ("ambient_c=%g thermal_tau=%g fan_percent=%g", miner->ambient_c,
                            miner->thermal_tau_s, miner->control_fan);
  sim_event ("control", miner, detail);
  respond_json (msg, 200, "{\"ok\":true}");
}

static void
pending_free (Pending *pending)
{
  g_clear_handle_id (&pending->timer, g_source_remove);
  g_signal_handler_disconnect (pending->msg, pending->disconnected);
  g_object_unref (pending->msg);
  g_free (pending->path);
  g_free (pending->method);
  g_clear_pointer (&pending->query, g_hash_table_unref);
  g_free (pending);
}

static gboolean
delayed_cb (gpointer user_data)
{
  Pending *pending = user_data;

  pending->timer = 0;
  answer (pending->server, pending->miner, pending->msg, pending->method, pending->path,
          pending->query);
  soup_server_message_unpause (pending->msg);
  pending_free (pending);
  return G_SOURCE_REMOVE;
}

static void
disconnected_cb (SoupServerMessage *msg,
                 gpointer           user_data)
{
  pending_free (user_data);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Server *srv = user_data;
  SimFleet *fleet = srv->fleet;
  SimMiner *miner = miner_of (fleet, msg);
  Pending *pending;
  guint delay;

  if (miner == NULL)
    {
      respond (msg, 404, "text/plain", "", 0);
      return;
    }
  /* The test's control path works whatever the miner is doing. */
  if (g_str_equal (path, "/sim/control"))
    {
      answer_control (miner, msg);
      return;
    }
  if (sim_miner_restarting (miner))
    {
      /* A rebooting device answers nothing: drop the connection. */
      GIOStream *stream = soup_server_message_steal_connection (msg);
      if (stream != NULL)
        {
          g_io_stream_close (stream, NULL, NULL);
          g_object_unref (stream);
        }
      return;
    }
  if (sim_axeos_web_hold (srv->web, miner, msg))
    return;
  if (sim_miner_fault (fleet, miner) == SIM_FAULT_HANG || miner->profile->id == SIM_DECOY_HANG)
    {
      soup_server_message_pause (msg);   /* and never unpause */
      return;
    }

  delay = sim_miner_delay_ms (fleet, miner);
  if (delay == 0)
    {
      answer (srv, miner, msg, soup_server_message_get_method (msg), path, query);
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->server = srv;
  pending->query = query ? g_hash_table_ref (query) : NULL;
  pending->miner = miner;
  pending->msg = g_object_ref (msg);
  pending->path = g_strdup (path);
  pending->method = g_strdup (soup_server_message_get_method (msg));
  pending->disconnected = g_signal_connect (msg, "disconnected",
                                            G_CALLBACK (disconnected_cb), pending);
  soup_server_message_pause (msg);
  pending->timer = g_timeout_add (delay, delayed_cb, pending);
}

static gboolean
auth_filter_cb (SoupAuthDomain    *domain,
                SoupServerMessage *msg,
                gpointer           user_data)
{
  SimMiner *miner = miner_of (user_data, msg);

  /* Only the Antminer web UI and CGI ask for credentials. */
  return miner != NULL && miner->profile->kind == SIM_KIND_ANTMINER
         && g_strcmp0 (g_uri_get_path (soup_server_message_get_uri (msg)), "/sim/control") != 0
         && miner->web_basic == SOUP_IS_AUTH_DOMAIN_BASIC (domain);
}

static gboolean
basic_password_cb (SoupAuthDomain    *domain,
                   SoupServerMessage *msg,
                   const char        *username,
                   const char        *password,
                   gpointer           user_data)
{
  SimMiner *miner = miner_of (user_data, msg);

  return miner != NULL && g_strcmp0 (username, miner->web_user) == 0
         && g_strcmp0 (password, miner->web_password) == 0;
}

static void
add_headers (JsonBuilder        *b,
             SoupMessageHeaders *headers)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;

  json_builder_begin_object (b);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      json_builder_set_member_name (b, name);
      json_builder_add_string_value (b, value);
    }
  json_builder_end_object (b);
}

static void
add_body (JsonBuilder        *b,
          SoupMessageHeaders *headers,
          SoupMessageBody    *body)
{
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize len = g_bytes_get_size (bytes);

  /* The text of JSON and short answers; a web UI file only by its size. */
  if (len == 0 || (g_strcmp0 (type, "application/json") != 0 && len > 200)
      || !g_utf8_validate (g_bytes_get_data (bytes, NULL), (gssize) len, NULL))
    json_builder_add_int_value (b, (gint64) len);
  else
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), len);

      json_builder_add_string_value (b, text);
    }
}

/* --trace-http: one JSON line per exchange, what a recording of a client
 * (tests/webui) is made from. */
static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  Server *srv = user_data;
  SimMiner *miner = miner_of (srv->fleet, msg);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  if (miner == NULL || uri == NULL)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "http");
  json_builder_set_member_name (b, "ip");
  json_builder_add_string_value (b, miner->ip);
  json_builder_set_member_name (b, "profile");
  json_builder_add_string_value (b, miner->profile->name);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, soup_server_message_get_method (msg));
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, g_uri_get_path (uri));
  json_builder_set_member_name (b, "query");
  json_builder_add_string_value (b, g_uri_get_query (uri));
  json_builder_set_member_name (b, "request_headers");
  add_headers (b, soup_server_message_get_request_headers (msg));
  json_builder_set_member_name (b, "request_body");
  add_body (b, soup_server_message_get_request_headers (msg),
            soup_server_message_get_request_body (msg));
  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, soup_server_message_get_status (msg));
  json_builder_set_member_name (b, "response_headers");
  add_headers (b, soup_server_message_get_response_headers (msg));
  json_builder_set_member_name (b, "response_body");
  add_body (b, soup_server_message_get_response_headers (msg),
            soup_server_message_get_response_body (msg));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  line = json_to_string (root, FALSE);
  g_print ("%s\n", line);
  fflush (stdout);
}

static void
server_free (gpointer data)
{
  Server *srv = data;

  sim_axeos_web_free (srv->web);
  g_free (srv->www);
  g_free (srv);
}

/* Every request once read, whether an auth domain let it through or not:
 * the events let tests prove what a client sent.  "basic-auth": an Authorization: Basic header
 * (the password, base64-encoded) to any miner; "authorization": any
 * Authorization header to a miner that asks for Basic; "password-seen":
 * the miner's web password anywhere in the request, plain or base64. */
static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  Server *srv = user_data;
  SimMiner *miner = miner_of (srv->fleet, msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autofree char *uri = g_uri_to_string (soup_server_message_get_uri (msg));
  g_autoptr(GString) all = g_string_new (uri);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  if (miner == NULL)
    return;
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_string_append_printf (all, "\n%s: %s", name, value);
      if (g_ascii_strcasecmp (name, "Authorization") != 0)
        continue;
      if (g_ascii_strncasecmp (value, "Basic", 5) == 0)
        sim_event ("basic-auth", miner, NULL);
      if (miner->web_basic)
        sim_event ("authorization", miner, NULL);
    }
  if (body->data != NULL)
    g_string_append_len (all, body->data, (gssize) body->length);
  /* The factory password is also the user name, which Digest sends; a
   * VNish login sends the password itself, to that one path. */
  if (miner->web_password[0] != '\0' && g_strcmp0 (miner->web_password, miner->web_user) != 0
      && !(miner->profile->kind == SIM_KIND_VNISH
           && g_strcmp0 (g_uri_get_path (soup_server_message_get_uri (msg)), "/api/v1/unlock") == 0))
    {
      g_autofree char *pair = g_strdup_printf ("%s:%s", miner->web_user, miner->web_password);
      g_autofree char *pair64 = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *alone64 = g_base64_encode ((const guchar *) miner->web_password,
                                                  strlen (miner->web_password));

      if (strstr (all->str, miner->web_password) != NULL || strstr (all->str, pair64) != NULL
          || strstr (all->str, alone64) != NULL)
        sim_event ("password-seen", miner, "http");
    }
}

static char *
digest_password_cb (SoupAuthDomain    *domain,
                    SoupServerMessage *msg,
                    const char        *username,
                    gpointer           user_data)
{
  SimMiner *miner = miner_of (user_data, msg);

  if (miner == NULL || g_strcmp0 (username, miner->web_user) != 0)
    return NULL;
  return soup_auth_domain_digest_encode_password (username, ANTMINER_REALM,
                                                  miner->web_password);
}

SoupServer *
sim_http_server_start (SimFleet    *fleet,
                       GKeyFile    *config,
                       const char  *www,
                       gboolean     trace,
                       GError     **error)
{
  g_autoptr(SoupServer) server = soup_server_new ("server-header", "hashfleet-sim ", NULL);
  g_autoptr(SoupAuthDomain) digest = NULL;
  g_autoptr(SoupAuthDomain) basic = NULL;
  Server *srv = g_new0 (Server, 1);

  srv->fleet = fleet;
  srv->web = sim_axeos_web_new (fleet);
  srv->www = g_strdup (www);
  srv->trace = trace;
  g_object_set_data_full (G_OBJECT (server), "sim-server", srv, server_free);
  if (!sim_axeos_web_configure (srv->web, config, error)
      || !sim_vnish_configure (fleet, config, error))
    return NULL;

  digest = soup_auth_domain_digest_new ("realm", ANTMINER_REALM, NULL);
  soup_auth_domain_add_path (digest, "/");
  soup_auth_domain_set_filter (digest, auth_filter_cb, fleet, NULL);
  soup_auth_domain_digest_set_auth_callback (digest, digest_password_cb, fleet, NULL);
  soup_server_add_auth_domain (server, digest);
  basic = soup_auth_domain_basic_new ("realm", ANTMINER_REALM, NULL);
  soup_auth_domain_add_path (basic, "/");
  soup_auth_domain_set_filter (basic, auth_filter_cb, fleet, NULL);
  soup_auth_domain_basic_set_auth_callback (basic, basic_password_cb, fleet, NULL);
  soup_server_add_auth_domain (server, basic);
  soup_server_add_handler (server, NULL, handler_cb, srv, NULL);
  g_signal_connect (server, "request-read", G_CALLBACK (request_read_cb), srv);
  if (trace)
    g_signal_connect (server, "request-finished", G_CALLBACK (request_finished_cb), srv);

  for (guint i = 0; i < fleet->miners->len; i++)
    {
      SimMiner *m = g_ptr_array_index (fleet->miners, i);
      g_autoptr(GSocketAddress) address = NULL;

      if (!m->profile->http || m->fault == SIM_FAULT_REFUSE)
        continue;
      address = g_inet_socket_address_new_from_string (m->ip, fleet->http_port);
      if (!soup_server_listen (server, address, 0, error))
        {
          g_prefix_error (error, "%s:%u: ", m->ip, fleet->http_port);
          return NULL;
        }
    }
  return g_steal_pointer (&server);
}
