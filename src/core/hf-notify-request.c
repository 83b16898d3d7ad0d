/* hf-notify-request.c
 * SPDX-License-Identifier: MIT
 *
 * The wire formats, each from the service's documentation: ntfy's publish
 * API, Apprise's json:// notification, Discord's execute-webhook, the Bot
 * API's sendMessage, Gotify's POST /message.  Nothing here talks to the
 * network (hf-notifier.c does).
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "hf-json.h"
#include "hf-notify-request.h"

/* At most this many characters of a header value (an ntfy title, its
 * tags): a miner's name comes from the network, of any length. */
#define HEADER_MAX_CHARS 200

/* A header value on one line, without a control character (a line break
 * becomes a space; DEL, ESC and the C1 controls go), at most
 * HEADER_MAX_CHARS; ntfy reads RFC 2047 for anything not ASCII. */
static char *
header_value (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  g_autoptr(GString) line = g_string_sized_new (strlen (valid));
  gboolean ascii = TRUE;
  guint n = 0;

  for (const char *c = valid; *c != '\0' && n < HEADER_MAX_CHARS; c = g_utf8_next_char (c))
    {
      gunichar u = g_utf8_get_char (c);

      if (u == '\r' || u == '\n' || u == '\t')
        u = ' ';
      else if (g_unichar_iscntrl (u))
        continue;
      if (u >= 0x80)
        ascii = FALSE;
      g_string_append_unichar (line, u);
      n++;
    }
  if (ascii)
    return g_string_free (g_steal_pointer (&line), FALSE);
  {
    g_autofree char *b64 = g_base64_encode ((const guchar *) line->str, line->len);
    return g_strdup_printf ("=?UTF-8?B?%s?=", b64);
  }
}

static void
set_basic_auth (SoupMessage *msg,
                const char  *user,
                const char  *password)
{
  g_autofree char *pair = g_strdup_printf ("%s:%s", user, password ? password : "");
  g_autofree char *b64 = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *value = g_strdup_printf ("Basic %s", b64);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
  explicit_bzero (pair, strlen (pair));
}

static void
set_body (SoupMessage *msg,
          const char  *content_type,
          char        *text)   /* taken */
{
  g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

  soup_message_set_request_body_from_bytes (msg, content_type, bytes);
}

static void
set_json_body (SoupMessage *msg,
               JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  set_body (msg, "application/json", json_to_string (root, FALSE));
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* The machine-readable part of json://: what happened, to which miner. */
static void
add_hashfleet (JsonBuilder          *b,
               const HfNotification *n)
{
  json_builder_set_member_name (b, "hashfleet");
  json_builder_begin_object (b);
  add_string (b, "event", n->event);
  json_builder_set_member_name (b, "time");
  json_builder_add_int_value (b, n->time);
  json_builder_set_member_name (b, "miner");
  if (n->address == NULL)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      add_string (b, "address", n->address);
      add_string (b, "mac", n->mac);
      add_string (b, "model", n->model);
      add_string (b, "name", n->name);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "values");
  json_builder_begin_object (b);
  hf_json_builder_add_number (b, "hashrate_ghs", n->hashrate_ghs);
  hf_json_builder_add_number (b, "expected_hashrate_ghs", n->expected_hashrate_ghs);
  hf_json_builder_add_number (b, "temperature_c", n->temperature_c);
  hf_json_builder_add_number (b, "power_w", n->power_w);
  if (g_str_equal (n->event, "block-found"))
    {
      json_builder_set_member_name (b, "blocks");
      json_builder_add_int_value (b, n->blocks);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static const char *
ntfy_tag (const HfNotification *n)
{
  static const struct { const char *event, *tag; } tags[] = {
    { "offline", "rotating_light" },
    { "back-online", "white_check_mark" },
    { "hot", "fire" },
    { "low-hashrate", "chart_with_downwards_trend" },
    { "board-hot", "fire" },
    { "not-hashing", "warning" },
    { "paused", "pause_button" },
    { "no-shares", "hourglass" },
    { "pool-switched", "twisted_rightwards_arrows" },
    { "fan-stopped", "cyclone" },
    { "best-difficulty", "trophy" },
    { "fleet-best-difficulty", "trophy" },
    { "quiet-digest", "zzz" },
    { "daily-summary", "bar_chart" },
    { "thermal-step", "thermometer" },
    { "block-found", "tada" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    if (g_str_equal (n->event, tags[i].event))
      return tags[i].tag;
  return "information_source";
}

static SoupMessage *
ntfy_request (HfNotifyUrl          *url,
              const char           *endpoint,
              const HfNotification *n)
{
  /* ntfy: 1 min … 3 default … 5 max. */
  static const int priorities[] = { 3, 3, 4, 4 };
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, endpoint);
  SoupMessageHeaders *headers;
  g_autofree char *title = header_value (n->title);
  g_autofree char *priority = NULL;
  g_autofree char *tags = NULL;

  if (msg == NULL)
    return NULL;
  headers = soup_message_get_request_headers (msg);
  priority = g_strdup_printf ("%d", hf_notify_url_get_priority (url) > 0
                                      ? hf_notify_url_get_priority (url)
                                      : priorities[n->type]);
  {
    g_autofree char *list = hf_notify_url_get_tags (url) != NULL
                              ? g_strdup_printf ("%s,%s", ntfy_tag (n), hf_notify_url_get_tags (url))
                              : g_strdup (ntfy_tag (n));
    tags = header_value (list);
  }
  soup_message_headers_replace (headers, "Title", title);
  soup_message_headers_replace (headers, "Priority", priority);
  soup_message_headers_replace (headers, "Tags", tags);
  if (hf_notify_url_get_user (url) != NULL)
    set_basic_auth (msg, hf_notify_url_get_user (url), hf_notify_url_get_password (url));
  else if (hf_notify_url_get_token (url) != NULL)
    {
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", hf_notify_url_get_token (url));
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  set_body (msg, "text/plain; charset=utf-8", g_strdup (n->message));
  return msg;
}

static SoupMessage *
json_request (HfNotifyUrl          *url,
              const char           *endpoint,
              const HfNotification *n)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, endpoint);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (msg == NULL)
    return NULL;
  json_builder_begin_object (b);
  add_string (b, "version", "1.0");
  add_string (b, "title", n->title);
  add_string (b, "message", n->message);
  add_string (b, "type", hf_notify_type_to_string (n->type));
  add_hashfleet (b, n);
  json_builder_end_object (b);
  set_json_body (msg, b);
  if (hf_notify_url_get_user (url) != NULL)
    set_basic_auth (msg, hf_notify_url_get_user (url), hf_notify_url_get_password (url));
  return msg;
}

static SoupMessage *
discord_request (const char           *endpoint,
                 const HfNotification *n)
{
  /* Discord's embed colours: blue, green, amber, red. */
  static const gint64 colours[] = { 0x3584e4, 0x2ec27e, 0xe5a50a, 0xe01b24 };
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, endpoint);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (msg == NULL)
    return NULL;
  json_builder_begin_object (b);
  add_string (b, "username", "Hashfleet");
  json_builder_set_member_name (b, "embeds");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string (b, "title", n->title);
  add_string (b, "description", n->message);
  json_builder_set_member_name (b, "color");
  json_builder_add_int_value (b, colours[n->type]);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  set_json_body (msg, b);
  return msg;
}

static SoupMessage *
telegram_request (HfNotifyUrl          *url,
                  const char           *endpoint,
                  const HfNotification *n)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, endpoint);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = g_strdup_printf ("%s\n%s", n->title, n->message);

  if (msg == NULL)
    return NULL;
  json_builder_begin_object (b);
  add_string (b, "chat_id", hf_notify_url_get_id (url));
  add_string (b, "text", text);
  json_builder_set_member_name (b, "disable_web_page_preview");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  set_json_body (msg, b);
  return msg;
}

static SoupMessage *
gotify_request (HfNotifyUrl          *url,
                const char           *endpoint,
                const HfNotification *n)
{
  /* Gotify 0–10: the app shows 8 and above as urgent. */
  static const int priorities[] = { 4, 4, 6, 8 };
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, endpoint);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (msg == NULL)
    return NULL;
  json_builder_begin_object (b);
  add_string (b, "title", n->title);
  add_string (b, "message", n->message);
  json_builder_set_member_name (b, "priority");
  json_builder_add_int_value (b, hf_notify_url_get_priority (url) >= 0
                                   ? hf_notify_url_get_priority (url)
                                   : priorities[n->type]);
  json_builder_end_object (b);
  set_json_body (msg, b);
  /* The token as a header: Gotify reads X-Gotify-Key as it reads
   * ?token=, and a header stays out of access logs. */
  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Gotify-Key",
                                hf_notify_url_get_token (url));
  return msg;
}

SoupMessage *
hf_notify_request_new (HfNotifyUrl          *url,
                       const HfNotification *notification)
{
  g_autofree char *endpoint = NULL;
  SoupMessage *msg = NULL;

  g_return_val_if_fail (HF_IS_NOTIFY_URL (url), NULL);
  g_return_val_if_fail (notification != NULL, NULL);

  endpoint = hf_notify_url_get_endpoint (url);
  switch (hf_notify_url_get_service (url))
    {
    case HF_NOTIFY_NTFY:
      msg = ntfy_request (url, endpoint, notification);
      break;
    case HF_NOTIFY_JSON:
      msg = json_request (url, endpoint, notification);
      break;
    case HF_NOTIFY_DISCORD:
      msg = discord_request (endpoint, notification);
      break;
    case HF_NOTIFY_TELEGRAM:
      msg = telegram_request (url, endpoint, notification);
      break;
    case HF_NOTIFY_GOTIFY:
      msg = gotify_request (url, endpoint, notification);
      break;
    default:
      g_assert_not_reached ();
    }
  explicit_bzero (endpoint, strlen (endpoint));
  if (msg != NULL)
    {
      SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

      soup_message_headers_replace (headers, "User-Agent", "Hashfleet/" PACKAGE_VERSION);
      /* Never follow a redirect with the credentials to another place. */
      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
    }
  return msg;
}
