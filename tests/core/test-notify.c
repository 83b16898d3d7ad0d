/* test-notify.c — notification channels: URLs, wire formats, delivery
 * SPDX-License-Identifier: MIT
 *
 * Apprise-style URLs parsed (and refused), each service's request as a
 * receiver on 127.0.0.1 sees it, and the notifier's promises: retries with
 * backoff, a deadline per attempt, a bounded queue, and a channel that
 * hangs or fails holding up nothing else.  Every request goes to loopback:
 * discord:// and tgram:// are pointed at a receiver through their
 * test-only API base variables.
 */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "hf-core.h"
#include "hf-test-receiver.h"
#include "hf-test-utils.h"

/* discord:// and tgram:// land here (set in main()). */
static HfTestReceiver *api;

/* ---- URLs ------------------------------------------------------------------ */

typedef struct
{
  const char      *text;
  HfNotifyService  service;
  gboolean         secure;
  const char      *host;
  guint16          port;
  const char      *path;
  const char      *user;
  const char      *password;
  const char      *token;
  const char      *id;
  int              priority;
  const char      *endpoint;
  const char      *masked;
} GoodUrl;

static void
test_url_good (void)
{
  const GoodUrl cases[] = {
    { "ntfy://127.0.0.1:8090/hashfleet", HF_NOTIFY_NTFY, FALSE, "127.0.0.1", 8090, "hashfleet",
      NULL, NULL, NULL, NULL, -1, "http://127.0.0.1:8090/hashfleet",
      "ntfy://127.0.0.1:8090/ha****" },
    { "  ntfys://ntfy.example/alerts_1?priority=high&tags=pick,warning\n", HF_NOTIFY_NTFY, TRUE,
      "ntfy.example", 0, "alerts_1", NULL, NULL, NULL, NULL, 4, "https://ntfy.example/alerts_1",
      "ntfys://ntfy.example/al****" },
    { "ntfys://alice:p%40s%2Fs@ntfy.example/t", HF_NOTIFY_NTFY, TRUE, "ntfy.example", 0, "t",
      "alice", "p@s/s", NULL, NULL, -1, "https://ntfy.example/t", "ntfys://alice:****@ntfy.example/t****" },
    { "ntfys://tk_secret@ntfy.example/t?priority=2", HF_NOTIFY_NTFY, TRUE, "ntfy.example", 0,
      "t", NULL, NULL, "tk_secret", NULL, 2, "https://ntfy.example/t", "ntfys://****@ntfy.example/t****" },
    { "ntfy://bob:pw@127.0.0.1/t", HF_NOTIFY_NTFY, FALSE, "127.0.0.1", 0, "t", "bob", "pw",
      NULL, NULL, -1, "http://127.0.0.1/t", "ntfy://bob:****@127.0.0.1/t****" },
    { "ntfy://127.0.0.1/t?token=tk_q", HF_NOTIFY_NTFY, FALSE, "127.0.0.1", 0, "t", NULL, NULL,
      "tk_q", NULL, -1, "http://127.0.0.1/t", "ntfy://****@127.0.0.1/t****" },
    { "json://127.0.0.1:9000/hooks/hashfleet", HF_NOTIFY_JSON, FALSE, "127.0.0.1", 9000,
      "/hooks/hashfleet", NULL, NULL, NULL, NULL, -1, "http://127.0.0.1:9000/hooks/hashfleet",
      "json://127.0.0.1:9000/hooks/ha****" },
    { "jsons://u:v@ha.example", HF_NOTIFY_JSON, TRUE, "ha.example", 0, "/", "u", "v", NULL, NULL,
      -1, "https://ha.example/", "jsons://u:****@ha.example/" },
    { "JSON://[::1]:8123/x", HF_NOTIFY_JSON, FALSE, "[::1]", 8123, "/x", NULL, NULL, NULL, NULL,
      -1, "http://[::1]:8123/x", "json://[::1]:8123/x****" },
    { "json://u:pw@[::1]:8123/x", HF_NOTIFY_JSON, FALSE, "[::1]", 8123, "/x", "u", "pw", NULL,
      NULL, -1, "http://[::1]:8123/x", "json://u:****@[::1]:8123/x****" },
    { "discord://123456789/AbC-d_e", HF_NOTIFY_DISCORD, TRUE, NULL, 0, NULL, NULL, NULL,
      "AbC-d_e", "123456789", -1, NULL, "discord://123456789/****" },
    { "tgram://123456:AAbb_cc-d/-100200300", HF_NOTIFY_TELEGRAM, TRUE, NULL, 0, NULL, NULL,
      NULL, "123456:AAbb_cc-d", "-100200300", -1, NULL, "tgram://****/-100200300" },
    { "tgram://bot42:Key/@mychannel", HF_NOTIFY_TELEGRAM, TRUE, NULL, 0, NULL, NULL, NULL,
      "42:Key", "@mychannel", -1, NULL, "tgram://****/@mychannel" },
    { "gotify://gotify.example/AppTok.1", HF_NOTIFY_GOTIFY, FALSE, "gotify.example", 0, "",
      NULL, NULL, "AppTok.1", NULL, -1, "http://gotify.example/message",
      "gotify://gotify.example/****" },
    { "gotifys://gotify.example:8443/sub/dir/Tok?priority=9", HF_NOTIFY_GOTIFY, TRUE,
      "gotify.example", 8443, "/sub/dir", NULL, NULL, "Tok", NULL, 9,
      "https://gotify.example:8443/sub/dir/message",
      "gotifys://gotify.example:8443/sub/dir/****" },
  };

  g_unsetenv (HF_NOTIFY_DISCORD_API_ENV);
  g_unsetenv (HF_NOTIFY_TELEGRAM_API_ENV);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const GoodUrl *c = &cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(HfNotifyUrl) url = hf_notify_url_parse (c->text, &error);
      g_autofree char *endpoint = NULL;

      g_test_message ("%s", c->text);
      g_assert_no_error (error);
      g_assert_nonnull (url);
      g_assert_cmpint (hf_notify_url_get_service (url), ==, c->service);
      g_assert_cmpint (hf_notify_url_get_secure (url), ==, c->secure);
      if (c->host != NULL)
        {
          g_assert_cmpstr (hf_notify_url_get_host (url), ==, c->host);
          g_assert_cmpuint (hf_notify_url_get_port (url), ==, c->port);
          g_assert_cmpstr (hf_notify_url_get_path (url), ==, c->path);
        }
      g_assert_cmpstr (hf_notify_url_get_user (url), ==, c->user);
      g_assert_cmpstr (hf_notify_url_get_password (url), ==, c->password);
      g_assert_cmpstr (hf_notify_url_get_token (url), ==, c->token);
      g_assert_cmpstr (hf_notify_url_get_id (url), ==, c->id);
      g_assert_cmpint (hf_notify_url_get_priority (url), ==, c->priority);
      g_assert_cmpstr (hf_notify_url_get_masked (url), ==, c->masked);
      endpoint = hf_notify_url_get_endpoint (url);
      if (c->endpoint != NULL)
        g_assert_cmpstr (endpoint, ==, c->endpoint);
      /* Neither the masked form nor (but for the services that put it
       * in their path) the endpoint holds a secret. */
      if (c->service != HF_NOTIFY_DISCORD && c->service != HF_NOTIFY_TELEGRAM)
        {
          if (c->password != NULL)
            g_assert_null (strstr (endpoint, c->password));
          if (c->token != NULL)
            g_assert_null (strstr (endpoint, c->token));
        }
      if (c->password != NULL)
        g_assert_null (strstr (hf_notify_url_get_masked (url), c->password));
      if (c->token != NULL)
        g_assert_null (strstr (hf_notify_url_get_masked (url), c->token));
    }

  /* The real services, unless a test points them elsewhere. */
  {
    g_autoptr(HfNotifyUrl) d = hf_notify_url_parse ("discord://1/t", NULL);
    g_autoptr(HfNotifyUrl) t = hf_notify_url_parse ("tgram://1:k/2", NULL);
    g_autofree char *de = hf_notify_url_get_endpoint (d);
    g_autofree char *te = hf_notify_url_get_endpoint (t);

    g_assert_cmpstr (de, ==, "https://discord.com/api/webhooks/1/t");
    g_assert_cmpstr (te, ==, "https://api.telegram.org/bot1:k/sendMessage");
  }
  /* The test-only base is taken only on loopback. */
  g_setenv (HF_NOTIFY_DISCORD_API_ENV, "http://evil.example:80", TRUE);
  {
    g_autoptr(HfNotifyUrl) d = hf_notify_url_parse ("discord://1/t", NULL);
    g_autofree char *de = hf_notify_url_get_endpoint (d);
    g_assert_cmpstr (de, ==, "https://discord.com/api/webhooks/1/t");
  }
  g_setenv (HF_NOTIFY_DISCORD_API_ENV, "http://127.evil.example:80", TRUE);
  {
    g_autoptr(HfNotifyUrl) d = hf_notify_url_parse ("discord://1/t", NULL);
    g_autofree char *de = hf_notify_url_get_endpoint (d);
    g_assert_cmpstr (de, ==, "https://discord.com/api/webhooks/1/t");
  }
  g_setenv (HF_NOTIFY_DISCORD_API_ENV, "http://127.0.0.9:81", TRUE);
  {
    g_autoptr(HfNotifyUrl) d = hf_notify_url_parse ("discord://1/t", NULL);
    g_autofree char *de = hf_notify_url_get_endpoint (d);
    g_assert_cmpstr (de, ==, "http://127.0.0.9:81/api/webhooks/1/t");
  }
  {
    g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u", api->port);
    g_setenv (HF_NOTIFY_DISCORD_API_ENV, base, TRUE);
    g_setenv (HF_NOTIFY_TELEGRAM_API_ENV, base, TRUE);
  }
}

static void
test_url_malformed (void)
{
  /* Each holds "s3cr3t" where a secret would be: no error may repeat it. */
  const struct { const char *text; const char *says; } cases[] = {
    { "", "not a notification URL" },
    { "s3cr3t", "not a notification URL" },
    { "://s3cr3t", "not a notification URL" },
    { "mailto://s3cr3t@example.org", "unknown kind" },
    { "ntfy://", "nothing after" },
    { "ntfy://127.0.0.1", "HOST/TOPIC" },
    { "ntfy://127.0.0.1/", "HOST/TOPIC" },
    { "ntfy://127.0.0.1/a/s3cr3t", "HOST/TOPIC" },
    { "ntfy://127.0.0.1/s3cr3t!", "HOST/TOPIC" },
    { "ntfy://127.0.0.1:0/s3cr3t", "port" },
    { "ntfy://127.0.0.1:65536/s3cr3t", "port" },
    { "ntfy://127.0.0.1:http/s3cr3t", "port" },
    { "ntfy://:s3cr3t@127.0.0.1/t", "user" },
    { "ntfy://@127.0.0.1/t", "before '@'" },
    { "ntfy://u:s3cr3t@ntfy.example/t", "https" },
    { "ntfy://s3cr3t@ntfy.example/t", "https" },
    { "json://u:s3cr3t@ha.example/x", "https" },
    { "ntfy://u:s3cr3t@127.example.com/x", "https" },
    { "json://u:s3cr3t@127.0.0.1.example/x", "https" },
    { "ntfy://127.0.0.1/t?priority=s3cr3t", "priority" },
    { "ntfy://127.0.0.1/t?priority=6", "priority" },
    { "gotify://127.0.0.1/t?priority=11", "priority" },
    { "ntfy://bad host/s3cr3t", "blanks" },
    { "ntfy://h#x/s3cr3t", "blanks" },
    { "ntfy://-host/s3cr3t", "host" },
    { "ntfy://[::1/s3cr3t", "IPv6" },
    { "json://[1:1]:812/s3cr3t", "IPv6" },        /* found by fuzz-notify-url */
    { "json://[127.0.0.1]/s3cr3t", "IPv6" },
    { "ntfy://127.0.0.1/t?tags=a%20b", "tags" },
    { "ntfy://u:s3cr%00t@127.0.0.1/t", "password" },
    { "json://127.0.0.1/\x01s3cr3t", "path" },
    { "discord://s3cr3t", "WEBHOOK_ID" },
    { "discord://abc/s3cr3t", "WEBHOOK_ID" },
    { "discord://123/", "WEBHOOK_ID" },
    { "discord://123/s3cr3t/extra", "WEBHOOK_ID" },
    { "tgram://s3cr3t/123", "NUMBER:KEY" },
    { "tgram://12:s3cr3t", "CHAT_ID" },
    { "tgram://12:s3cr3t/abc", "CHAT_ID" },
    { "tgram://12:s3cr3t/1/2", "CHAT_ID" },
    { "gotify://127.0.0.1", "HOST[/PATH]/TOKEN" },
    { "gotify://127.0.0.1/a//s3cr3t", "segment" },
    { "gotify://127.0.0.1/s3cr3t?", NULL },   /* fine: an empty query */
    /* A query key is the user's text too (a secret pasted in the wrong
     * place): never repeated, whatever is wrong with its value. */
    { "ntfy://127.0.0.1/t?s3cr3t=%zz", "query value" },
    { "ntfy://127.0.0.1/t?s3cr3t=%01", "query value" },
    { "gotify://127.0.0.1/Tok?priority=1&s3cr3t%3D=%7f", "query value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfNotifyUrl) url = hf_notify_url_parse (cases[i].text, &error);

      g_test_message ("%u: %s → %s", i, cases[i].text, error ? error->message : "ok");
      if (cases[i].says == NULL)
        {
          g_assert_no_error (error);
          continue;
        }
      g_assert_null (url);
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_assert_null (strstr (error->message, "s3cr3t"));
      g_assert_null (strstr (error->message, "s3cr"));
    }
}

/* ---- wire formats ------------------------------------------------------ */

static HfMiner *
make_miner (void)
{
  HfMiner *miner = hf_miner_new ("127.0.0.2", HF_FAMILY_AXEOS);
  g_autoptr(HfReading) reading = hf_reading_new ();

  hf_miner_set_mac (miner, "AA:BB:CC:00:11:22");
  hf_miner_set_model (miner, "Bitaxe Gamma");
  hf_miner_set_hostname (miner, "bitaxe-desk");
  reading->hashrate_ghs = 1200.5;
  reading->expected_hashrate_ghs = 1250;
  reading->temperature_c = 81.5;
  reading->power_w = 17.25;
  hf_miner_set_reading (miner, reading);
  return miner;
}

typedef struct { gboolean done; gboolean ok; GError *error; } Sent;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *s = user_data;

  s->ok = hf_notifier_send_finish (HF_NOTIFIER (source), result, &s->error);
  s->done = TRUE;
}

/* Send @n through @text and return the one request it made. */
static HfTestRequest *
send_one (HfTestReceiver *receiver,
          const char     *text,
          HfNotification *n)
{
  g_autoptr(HfNotifier) notifier = hf_notifier_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HfNotifyUrl) url = hf_notify_url_parse (text, &error);
  guint before = receiver->requests->len;
  Sent s = { 0 };

  g_assert_no_error (error);
  hf_notifier_add_url (notifier, url);
  hf_notifier_send_async (notifier, n, NULL, sent_cb, &s);
  hf_test_wait_for (&s.done, 10000);
  g_assert_no_error (s.error);
  g_assert_true (s.ok);
  g_assert_cmpuint (receiver->requests->len, ==, before + 1);
  return hf_test_receiver_get (receiver, before);
}

static HfNotification *
offline_note (void)
{
  g_autoptr(HfMiner) miner = make_miner ();

  return hf_notification_new_for_alert (miner, HF_ALERT_OFFLINE, "bitaxe-desk is offline",
                                        "127.0.0.2 stopped answering: no reply");
}

static void
test_wire_ntfy (void)
{
  g_autoptr(HfTestReceiver) r = hf_test_receiver_new ();
  g_autoptr(HfNotification) n = offline_note ();
  g_autofree char *plain = g_strdup_printf ("ntfy://127.0.0.1:%u/hf-topic?tags=pick", r->port);
  g_autofree char *basic = g_strdup_printf ("ntfy://alice:s3cr3t@127.0.0.1:%u/t2?priority=min",
                                            r->port);
  g_autofree char *bearer = g_strdup_printf ("ntfy://tk_abc@127.0.0.1:%u/t3", r->port);
  g_autoptr(HfNotification) accent = hf_notification_new ("test", HF_NOTIFY_INFO,
                                                          "Fräs\nis hot", "body");
  HfTestRequest *q;

  q = send_one (r, plain, n);
  g_assert_cmpstr (q->method, ==, "POST");
  g_assert_cmpstr (q->path, ==, "/hf-topic");
  g_assert_cmpstr (q->body, ==, "127.0.0.2 stopped answering: no reply");
  g_assert_cmpstr (hf_test_request_header (q, "Title"), ==, "bitaxe-desk is offline");
  g_assert_cmpstr (hf_test_request_header (q, "Priority"), ==, "4");
  g_assert_cmpstr (hf_test_request_header (q, "Tags"), ==, "rotating_light,pick");
  g_assert_true (g_str_has_prefix (hf_test_request_header (q, "Content-Type"), "text/plain"));
  g_assert_null (hf_test_request_header (q, "Authorization"));

  q = send_one (r, basic, n);
  g_assert_cmpstr (q->path, ==, "/t2");
  g_assert_cmpstr (hf_test_request_header (q, "Priority"), ==, "1");
  g_assert_cmpstr (hf_test_request_header (q, "Tags"), ==, "rotating_light");
  /* base64 ("alice:s3cr3t") */
  g_assert_cmpstr (hf_test_request_header (q, "Authorization"), ==, "Basic YWxpY2U6czNjcjN0");

  q = send_one (r, bearer, accent);
  g_assert_cmpstr (hf_test_request_header (q, "Authorization"), ==, "Bearer tk_abc");
  g_assert_cmpstr (hf_test_request_header (q, "Priority"), ==, "3");
  g_assert_cmpstr (hf_test_request_header (q, "Tags"), ==, "information_source");
  /* Not ASCII: RFC 2047, one line (base64 of "Fräs is hot"). */
  g_assert_cmpstr (hf_test_request_header (q, "Title"), ==, "=?UTF-8?B?RnLDpHMgaXMgaG90?=");

  /* A name from the network: every control character goes (DEL, ESC,
   * BEL, NUL-free C0 and the C1 ones), line breaks become spaces, and
   * the value is cut to 200 characters. */
  {
    g_autoptr(GString) title = g_string_new ("del\x7fhere\x1b[31m\x07red\r\nX-Injected: 1");
    g_autoptr(HfNotification) hostile = NULL;
    g_autoptr(GString) want = g_string_new ("delhere[31mred  X-Injected: 1");

    for (guint i = 0; i < 500; i++)
      g_string_append_c (title, 'x');
    hostile = hf_notification_new ("test", HF_NOTIFY_INFO, title->str, "body");
    while (want->len < 200)
      g_string_append_c (want, 'x');
    q = send_one (r, plain, hostile);
    g_assert_cmpstr (hf_test_request_header (q, "Title"), ==, want->str);
    g_assert_null (hf_test_request_header (q, "X-Injected"));
  }
  {
    /* U+0085 (NEL) and U+009B (CSI), as UTF-8: not in the title either. */
    g_autoptr(HfNotification) c1 = hf_notification_new ("test", HF_NOTIFY_INFO,
                                                        "a\xc2\x85""b\xc2\x9b""c", "body");
    q = send_one (r, plain, c1);
    g_assert_cmpstr (hf_test_request_header (q, "Title"), ==, "abc");
  }
}

/* No header of any service's request holds a control byte, however
 * hostile the notification, and none is longer than a line should be. */
static void
test_wire_header_values (void)
{
  const char *const urls[] = {
    "ntfy://127.0.0.1:9/topic?tags=a,b&priority=5",
    "ntfy://us%C3%A9r:p%C3%A4ss@127.0.0.1:9/topic",
    "ntfy://tk_%C3%A4bc@127.0.0.1:9/topic",
    "json://u:p@127.0.0.1:9/hook",
    "discord://123/tok",
    "tgram://1:key/2",
    "gotify://127.0.0.1:9/Tok-1.x",
  };
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(HfNotification) n = NULL;

  for (guint b = 1; b < 0x20; b++)
    g_string_append_printf (title, "%c\xc2\x85x", b);
  g_string_append (title, "\x7f\xe2\x80\xa8\xff\xfe");
  for (guint i = 0; i < 2000; i++)
    g_string_append (title, "\xc3\xa4");
  n = hf_notification_new ("test", HF_NOTIFY_FAILURE, title->str, title->str);
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfNotifyUrl) url = hf_notify_url_parse (urls[i], &error);
      g_autoptr(SoupMessage) msg = NULL;
      SoupMessageHeadersIter iter;
      const char *name, *value;
      guint headers = 0;

      g_assert_no_error (error);
      msg = hf_notify_request_new (url, n);
      g_assert_nonnull (msg);
      soup_message_headers_iter_init (&iter, soup_message_get_request_headers (msg));
      while (soup_message_headers_iter_next (&iter, &name, &value))
        {
          g_test_message ("%s %s: %zu bytes", urls[i], name, strlen (value));
          headers++;
          for (const char *c = value; *c != '\0'; c++)
            g_assert_true ((guchar) *c >= 0x20 && (guchar) *c != 0x7f);
          g_assert_cmpuint (strlen (value), <=, 1200);
        }
      g_assert_cmpuint (headers, >=, 1);
    }
}

static JsonObject *
parse_body (HfTestRequest *q,
            JsonNode     **keep)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, q->body, -1, &error);
  g_assert_no_error (error);
  *keep = json_node_copy (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

static void
assert_members (JsonObject         *o,
                const char * const *names)
{
  g_autoptr(GList) members = json_object_get_members (o);

  g_assert_cmpuint (g_list_length (members), ==, g_strv_length ((char **) names));
  for (guint i = 0; names[i] != NULL; i++)
    g_assert_true (json_object_has_member (o, names[i]));
}

static void
test_wire_json (void)
{
  g_autoptr(HfTestReceiver) r = hf_test_receiver_new ();
  g_autoptr(HfNotification) n = offline_note ();
  g_autoptr(HfMiner) miner = make_miner ();
  g_autoptr(HfNotification) block = hf_notification_new_for_block (miner, 2);
  g_autoptr(HfNotification) test = hf_notification_new_test ();
  g_autofree char *text = g_strdup_printf ("json://u:pw@127.0.0.1:%u/hooks/hf", r->port);
  const char *top[] = { "version", "title", "message", "type", "hashfleet", NULL };
  const char *hf[] = { "event", "time", "miner", "values", NULL };
  const char *who[] = { "address", "mac", "model", "name", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) root2 = NULL;
  g_autoptr(JsonNode) root3 = NULL;
  JsonObject *o, *h, *m, *v;
  HfTestRequest *q;

  q = send_one (r, text, n);
  g_assert_cmpstr (q->method, ==, "POST");
  g_assert_cmpstr (q->path, ==, "/hooks/hf");
  g_assert_cmpstr (hf_test_request_header (q, "Content-Type"), ==, "application/json");
  g_assert_cmpstr (hf_test_request_header (q, "Authorization"), ==, "Basic dTpwdw==");
  o = parse_body (q, &root);
  assert_members (o, top);
  g_assert_cmpstr (json_object_get_string_member (o, "version"), ==, "1.0");
  g_assert_cmpstr (json_object_get_string_member (o, "title"), ==, "bitaxe-desk is offline");
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==,
                   "127.0.0.2 stopped answering: no reply");
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "failure");
  h = json_object_get_object_member (o, "hashfleet");
  assert_members (h, hf);
  g_assert_cmpstr (json_object_get_string_member (h, "event"), ==, "offline");
  g_assert_cmpint (llabs (json_object_get_int_member (h, "time") - g_get_real_time () / G_USEC_PER_SEC),
                   <=, 60);
  m = json_object_get_object_member (h, "miner");
  assert_members (m, who);
  g_assert_cmpstr (json_object_get_string_member (m, "address"), ==, "127.0.0.2");
  g_assert_cmpstr (json_object_get_string_member (m, "mac"), ==, "AA:BB:CC:00:11:22");
  g_assert_cmpstr (json_object_get_string_member (m, "model"), ==, "Bitaxe Gamma");
  g_assert_cmpstr (json_object_get_string_member (m, "name"), ==, "bitaxe-desk");
  v = json_object_get_object_member (h, "values");
  g_assert_cmpfloat (json_object_get_double_member (v, "hashrate_ghs"), ==, 1200.5);
  g_assert_cmpfloat (json_object_get_double_member (v, "expected_hashrate_ghs"), ==, 1250);
  g_assert_cmpfloat (json_object_get_double_member (v, "temperature_c"), ==, 81.5);
  g_assert_cmpfloat (json_object_get_double_member (v, "power_w"), ==, 17.25);
  g_assert_false (json_object_has_member (v, "blocks"));

  /* A found block: success, with the count. */
  q = send_one (r, text, block);
  o = parse_body (q, &root2);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "success");
  g_assert_cmpstr (json_object_get_string_member (o, "title"), ==, "bitaxe-desk found a block");
  h = json_object_get_object_member (o, "hashfleet");
  g_assert_cmpstr (json_object_get_string_member (h, "event"), ==, "block-found");
  v = json_object_get_object_member (h, "values");
  g_assert_cmpint (json_object_get_int_member (v, "blocks"), ==, 2);

  /* The test: info, no miner, unknown values null. */
  q = send_one (r, text, test);
  o = parse_body (q, &root3);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "info");
  h = json_object_get_object_member (o, "hashfleet");
  g_assert_cmpstr (json_object_get_string_member (h, "event"), ==, "test");
  g_assert_true (json_object_get_null_member (h, "miner"));
  v = json_object_get_object_member (h, "values");
  g_assert_true (json_object_get_null_member (v, "temperature_c"));
}

static void
test_wire_types (void)
{
  /* Every alert kind's Apprise type. */
  g_autoptr(HfMiner) miner = make_miner ();
  const struct { HfAlertKind kind; const char *event, *type; } kinds[] = {
    { HF_ALERT_OFFLINE, "offline", "failure" },
    { HF_ALERT_BACK_ONLINE, "back-online", "success" },
    { HF_ALERT_HOT, "hot", "warning" },
    { HF_ALERT_LOW_HASHRATE, "low-hashrate", "warning" },
    { HF_ALERT_BOARD_HOT, "board-hot", "warning" },
    { HF_ALERT_NOT_HASHING, "not-hashing", "failure" },
    { HF_ALERT_PAUSED, "paused", "warning" },
    { HF_ALERT_NO_SHARES, "no-shares", "warning" },
    { HF_ALERT_POOL_SWITCHED, "pool-switched", "warning" },
    { HF_ALERT_FAN_STOPPED, "fan-stopped", "failure" },
    { HF_ALERT_BEST_DIFFICULTY, "best-difficulty", "success" },
    { HF_ALERT_FLEET_BEST_DIFFICULTY, "fleet-best-difficulty", "success" },
    { HF_ALERT_QUIET_DIGEST, "quiet-digest", "info" },
    { HF_ALERT_DAILY_SUMMARY, "daily-summary", "info" },
    { HF_ALERT_THERMAL_STEP, "thermal-step", "warning" },
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == HF_N_ALERT_KINDS);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(HfNotification) n = hf_notification_new_for_alert (miner, kinds[i].kind, "t", "b");

      g_assert_cmpint (kinds[i].kind, ==, i);
      g_assert_cmpstr (n->event, ==, kinds[i].event);
      g_assert_cmpstr (hf_notify_type_to_string (n->type), ==, kinds[i].type);
      g_assert_cmpstr (n->address, ==, hf_miner_get_address (miner));
    }
  /* The digest and the summary are about the fleet: no miner. */
  {
    g_autoptr(HfNotification) n =
      hf_notification_new_for_alert (NULL, HF_ALERT_DAILY_SUMMARY, "Hashfleet daily summary", "b");

    g_assert_cmpstr (n->event, ==, "daily-summary");
    g_assert_null (n->address);
  }
}

static void
test_wire_discord (void)
{
  g_autoptr(HfNotification) n = offline_note ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o, *embed;
  JsonArray *embeds;
  HfTestRequest *q = send_one (api, "discord://123456789/AbC-d_e", n);

  g_assert_cmpstr (q->method, ==, "POST");
  g_assert_cmpstr (q->path, ==, "/api/webhooks/123456789/AbC-d_e");
  g_assert_cmpstr (hf_test_request_header (q, "Content-Type"), ==, "application/json");
  o = parse_body (q, &root);
  g_assert_cmpstr (json_object_get_string_member (o, "username"), ==, "Hashfleet");
  embeds = json_object_get_array_member (o, "embeds");
  g_assert_cmpuint (json_array_get_length (embeds), ==, 1);
  embed = json_array_get_object_element (embeds, 0);
  g_assert_cmpstr (json_object_get_string_member (embed, "title"), ==, "bitaxe-desk is offline");
  g_assert_cmpstr (json_object_get_string_member (embed, "description"), ==,
                   "127.0.0.2 stopped answering: no reply");
  g_assert_cmpint (json_object_get_int_member (embed, "color"), ==, 0xe01b24);
}

static void
test_wire_telegram (void)
{
  g_autoptr(HfNotification) n = offline_note ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  HfTestRequest *q = send_one (api, "tgram://123456:AAbb_cc-d/-100200300", n);

  g_assert_cmpstr (q->method, ==, "POST");
  g_assert_cmpstr (q->path, ==, "/bot123456:AAbb_cc-d/sendMessage");
  o = parse_body (q, &root);
  g_assert_cmpstr (json_object_get_string_member (o, "chat_id"), ==, "-100200300");
  g_assert_cmpstr (json_object_get_string_member (o, "text"), ==,
                   "bitaxe-desk is offline\n127.0.0.2 stopped answering: no reply");
  g_assert_true (json_object_get_boolean_member (o, "disable_web_page_preview"));
}

static void
test_wire_gotify (void)
{
  g_autoptr(HfTestReceiver) r = hf_test_receiver_new ();
  g_autoptr(HfNotification) n = offline_note ();
  g_autoptr(HfNotification) test = hf_notification_new_test ();
  g_autofree char *text = g_strdup_printf ("gotify://127.0.0.1:%u/prefix/AbCdEf", r->port);
  g_autofree char *with = g_strdup_printf ("gotify://127.0.0.1:%u/Tok?priority=0", r->port);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) root2 = NULL;
  JsonObject *o;
  HfTestRequest *q = send_one (r, text, n);

  g_assert_cmpstr (q->method, ==, "POST");
  g_assert_cmpstr (q->path, ==, "/prefix/message");
  /* The token in Gotify's header, never in the query (access logs). */
  g_assert_null (q->query);
  g_assert_cmpstr (hf_test_request_header (q, "X-Gotify-Key"), ==, "AbCdEf");
  g_assert_null (hf_test_request_header (q, "Authorization"));
  o = parse_body (q, &root);
  g_assert_cmpstr (json_object_get_string_member (o, "title"), ==, "bitaxe-desk is offline");
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==,
                   "127.0.0.2 stopped answering: no reply");
  g_assert_cmpint (json_object_get_int_member (o, "priority"), ==, 8);

  q = send_one (r, with, test);
  g_assert_cmpstr (q->path, ==, "/message");
  g_assert_null (q->query);
  g_assert_cmpstr (hf_test_request_header (q, "X-Gotify-Key"), ==, "Tok");
  o = parse_body (q, &root2);
  g_assert_cmpint (json_object_get_int_member (o, "priority"), ==, 0);
}

/* ---- delivery ------------------------------------------------------------ */

typedef struct
{
  guint   delivered;
  guint   failed;
  GError *last_error;
  char   *last_channel;
} Outcomes;

static void
delivered_cb (HfNotifier     *notifier,
              const char     *channel,
              HfNotification *n,
              Outcomes       *o)
{
  o->delivered++;
  g_free (o->last_channel);
  o->last_channel = g_strdup (channel);
}

static void
failed_cb (HfNotifier     *notifier,
           const char     *channel,
           HfNotification *n,
           const GError   *error,
           Outcomes       *o)
{
  o->failed++;
  g_clear_error (&o->last_error);
  o->last_error = g_error_copy (error);
  g_free (o->last_channel);
  o->last_channel = g_strdup (channel);
}

static void
outcomes_clear (Outcomes *o)
{
  g_clear_error (&o->last_error);
  g_clear_pointer (&o->last_channel, g_free);
}

static HfNotifier *
notifier_for (const char *text,
              Outcomes   *o)
{
  HfNotifier *notifier = hf_notifier_new ();
  g_autoptr(HfNotifyUrl) url = hf_notify_url_parse (text, NULL);

  g_assert_nonnull (url);
  hf_notifier_add_url (notifier, url);
  g_signal_connect (notifier, "delivered", G_CALLBACK (delivered_cb), o);
  g_signal_connect (notifier, "failed", G_CALLBACK (failed_cb), o);
  return notifier;
}

/* A receiver that says 200 and then sends its body without end (or not
 * at all): the status is the answer; the body is never read, so neither
 * memory nor the deadline depends on it, and nothing is sent twice. */
typedef struct
{
  guint      connections;
  GPtrArray *held;    /* the connections, kept open */
} Endless;

static gboolean
endless_incoming_cb (GSocketService     *service,
                     GSocketConnection  *connection,
                     GObject            *source,
                     Endless            *e)
{
  static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\nxxxx";
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  e->connections++;
  /* Small: into the socket's buffer at once. */
  g_output_stream_write_all (out, head, sizeof head - 1, NULL, NULL, NULL);
  g_ptr_array_add (e->held, g_object_ref (connection));
  return TRUE;
}

static void
test_endless_body (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) want = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Endless e = { 0, g_ptr_array_new_with_free_func (g_object_unref) };
  Outcomes o = { 0 };
  g_autoptr(HfNotifier) notifier = NULL;
  g_autoptr(HfNotification) n = hf_notification_new_test ();
  Sent s = { 0 };
  gint64 start;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), want, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &got, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (endless_incoming_cb), &e);
  g_socket_service_start (service);
  text = g_strdup_printf ("json://127.0.0.1:%u/hook",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (got)));
  notifier = notifier_for (text, &o);
  hf_notifier_set_timing (notifier, 3000, 4, 100);

  start = g_get_monotonic_time ();
  hf_notifier_send_async (notifier, n, NULL, sent_cb, &s);
  hf_test_wait_for (&s.done, 10000);
  g_assert_no_error (s.error);
  g_assert_true (s.ok);
  g_assert_cmpuint (o.delivered, ==, 1);
  g_assert_cmpuint (e.connections, ==, 1);
  /* Well within the 3 s deadline the old read-it-all would have waited out. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);

  g_socket_service_stop (service);
  g_ptr_array_unref (e.held);
  outcomes_clear (&o);
}

static void
test_retry (void)
{
  g_autoptr(HfTestReceiver) r = hf_test_receiver_new ();
  g_autofree char *text = g_strdup_printf ("gotify://127.0.0.1:%u/s3cr3tTok", r->port);
  Outcomes o = { 0 };
  g_autoptr(HfNotifier) notifier = notifier_for (text, &o);
  g_autoptr(HfNotification) n = hf_notification_new_test ();
  Sent s = { 0 };

  /* Two 500s, then it takes it: three requests, 200 ms then 400 ms apart. */
  r->fail_first = 2;
  hf_notifier_set_timing (notifier, 2000, 4, 200);
  hf_notifier_send_async (notifier, n, NULL, sent_cb, &s);
  hf_test_wait_for (&s.done, 10000);
  g_assert_no_error (s.error);
  g_assert_true (s.ok);
  g_assert_cmpuint (r->requests->len, ==, 3);
  g_assert_cmpint (hf_test_receiver_get (r, 1)->when - hf_test_receiver_get (r, 0)->when, >=,
                   200 * 1000);
  g_assert_cmpint (hf_test_receiver_get (r, 2)->when - hf_test_receiver_get (r, 1)->when, >=,
                   400 * 1000);
  g_assert_cmpuint (o.delivered, ==, 1);
  g_assert_cmpuint (o.failed, ==, 0);
  {
    g_autofree char *masked = g_strdup_printf ("gotify://127.0.0.1:%u/****", r->port);
    g_assert_cmpstr (o.last_channel, ==, masked);
  }

  /* Always 500: it gives up after the attempts, saying so without the token. */
  memset (&s, 0, sizeof s);
  r->fail_first = 1000;
  hf_notifier_set_timing (notifier, 0, 3, 50);
  hf_notifier_send_async (notifier, n, NULL, sent_cb, &s);
  hf_test_wait_for (&s.done, 10000);
  g_assert_false (s.ok);
  g_assert_error (s.error, HF_ERROR, HF_ERROR_CONNECT);
  g_assert_nonnull (strstr (s.error->message, "HTTP 500"));
  g_assert_nonnull (strstr (s.error->message, "gotify://127.0.0.1:"));
  g_assert_null (strstr (s.error->message, "s3cr3t"));
  g_assert_cmpuint (r->requests->len, ==, 3 + 3);
  g_assert_cmpuint (o.failed, ==, 1);
  g_assert_error (o.last_error, HF_ERROR, HF_ERROR_PROTOCOL);
  g_assert_null (strstr (o.last_channel, "s3cr3t"));
  g_clear_error (&s.error);

  /* A 4xx is final: one request. */
  memset (&s, 0, sizeof s);
  r->fail_first = 0;
  r->status = 401;
  hf_notifier_send_async (notifier, n, NULL, sent_cb, &s);
  hf_test_wait_for (&s.done, 10000);
  g_assert_false (s.ok);
  g_assert_nonnull (strstr (s.error->message, "HTTP 401"));
  g_assert_cmpuint (r->requests->len, ==, 7);
  g_clear_error (&s.error);

  /* Nobody listening: a connection error, retried, then given up. */
  {
    g_autoptr(HfTestReceiver) gone = hf_test_receiver_new ();
    g_autofree char *dead = g_strdup_printf ("json://127.0.0.1:%u/x", gone->port);
    g_autoptr(HfNotifyUrl) url = hf_notify_url_parse (dead, NULL);

    soup_server_disconnect (gone->server);
    hf_notifier_clear (notifier);
    hf_notifier_add_url (notifier, url);
    memset (&s, 0, sizeof s);
    hf_notifier_send_async (notifier, n, NULL, sent_cb, &s);
    hf_test_wait_for (&s.done, 10000);
    g_assert_false (s.ok);
    g_assert_cmpuint (gone->requests->len, ==, 0);
    g_clear_error (&s.error);
  }
  outcomes_clear (&o);
}

static gboolean
tick_cb (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static void
test_isolation (void)
{
  g_autoptr(HfTestReceiver) hang = hf_test_receiver_new ();
  g_autoptr(HfTestReceiver) fail = hf_test_receiver_new ();
  g_autoptr(HfTestReceiver) good = hf_test_receiver_new ();
  g_autoptr(HfNotifier) notifier = hf_notifier_new ();
  g_autoptr(HfNotification) n = hf_notification_new_test ();
  char *urls[4] = { NULL };
  Outcomes o = { 0 };
  guint ticks = 0, ticker;
  gint64 start;
  g_autoptr(GError) error = NULL;

  hang->hang = TRUE;
  fail->fail_first = 1000;
  urls[0] = g_strdup_printf ("ntfy://127.0.0.1:%u/hang", hang->port);
  urls[1] = g_strdup_printf ("json://127.0.0.1:%u/fail", fail->port);
  urls[2] = g_strdup_printf ("gotify://127.0.0.1:%u/goodtoken", good->port);
  g_assert_true (hf_notifier_set_urls (notifier, (const char * const *) urls, &error));
  g_assert_no_error (error);
  for (guint i = 0; urls[i] != NULL; i++)
    g_free (urls[i]);
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 3);
  g_signal_connect (notifier, "delivered", G_CALLBACK (delivered_cb), &o);
  g_signal_connect (notifier, "failed", G_CALLBACK (failed_cb), &o);
  hf_notifier_set_timing (notifier, 1500, 2, 100);

  /* Three notifications at once: the good channel has all three promptly,
   * and the main loop never stalls (a 20 ms ticker keeps ticking). */
  ticker = g_timeout_add (20, tick_cb, &ticks);
  start = g_get_monotonic_time ();
  hf_notifier_notify (notifier, n);
  hf_notifier_notify (notifier, n);
  hf_notifier_notify (notifier, n);
  g_assert_true (hf_test_receiver_wait (good, 3, 1000));
  while (o.delivered < 3 && g_get_monotonic_time () - start < 1000 * 1000)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * 1000);
  g_assert_cmpuint (o.delivered, ==, 3);
  g_assert_cmpuint (hang->requests->len, ==, 1);

  /* The hanging one: each attempt ends at its deadline, 2 attempts. */
  g_assert_true (hf_test_receiver_wait (hang, 2, 4000));
  g_assert_cmpint (hf_test_receiver_get (hang, 1)->when - hf_test_receiver_get (hang, 0)->when,
                   >=, 1500 * 1000);
  {
    gint64 end = g_get_monotonic_time () + 12 * G_USEC_PER_SEC;
    /* 3 failed on the 500 channel, 3 on the hanging one (1.5 s × 2 each). */
    while (o.failed < 6 && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpuint (o.failed, ==, 6);
  g_assert_cmpuint (fail->requests->len, ==, 6);
  g_assert_cmpuint (hang->requests->len, ==, 6);
  g_assert_cmpuint (o.delivered, ==, 3);
  {
    double seconds = (g_get_monotonic_time () - start) / 1e6;
    /* Ticks every 20 ms: at least half of them came. */
    g_assert_cmpuint (ticks, >=, (guint) (seconds * 50 / 2));
  }
  g_source_remove (ticker);
  outcomes_clear (&o);
}

static void
test_queue_bound (void)
{
  g_autoptr(HfTestReceiver) hang = hf_test_receiver_new ();
  g_autofree char *text = g_strdup_printf ("ntfy://127.0.0.1:%u/q", hang->port);
  Outcomes o = { 0 };
  g_autoptr(HfNotifier) notifier = notifier_for (text, &o);
  g_autoptr(HfNotification) n = hf_notification_new_test ();

  hang->hang = TRUE;
  hf_notifier_set_max_queued (notifier, 2);
  hf_notifier_set_timing (notifier, 60000, 1, 0);
  /* One in flight, two waiting, the two oldest waiting dropped. */
  for (guint i = 0; i < 5; i++)
    hf_notifier_notify (notifier, n);
  g_assert_cmpuint (o.failed, ==, 2);
  g_assert_error (o.last_error, HF_ERROR, HF_ERROR_TOO_LARGE);
  g_assert_true (hf_test_receiver_wait (hang, 1, 2000));

  /* Dropping the channels abandons the rest at once, without a word. */
  hf_notifier_clear (notifier);
  g_assert_cmpuint (o.failed, ==, 2);
  outcomes_clear (&o);
}

static void
test_cancel (void)
{
  g_autoptr(HfTestReceiver) hang = hf_test_receiver_new ();
  g_autofree char *text = g_strdup_printf ("json://127.0.0.1:%u/c", hang->port);
  Outcomes o = { 0 };
  g_autoptr(HfNotifier) notifier = notifier_for (text, &o);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 start;
  Sent s = { 0 };

  hang->hang = TRUE;
  hf_notifier_send_test_async (notifier, cancellable, sent_cb, &s);
  g_assert_true (hf_test_receiver_wait (hang, 1, 2000));
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  hf_test_wait_for (&s.done, 2000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&s.error);

  /* No channel: an error at once. */
  hf_notifier_clear (notifier);
  memset (&s, 0, sizeof s);
  hf_notifier_send_test_async (notifier, NULL, sent_cb, &s);
  hf_test_wait_for (&s.done, 1000);
  g_assert_error (s.error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&s.error);
  outcomes_clear (&o);
}

static gboolean
count_reached (Outcomes *o,
               guint     delivered,
               guint     ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (o->delivered < delivered && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return o->delivered >= delivered;
}

/* Editing the channels keeps what a channel that stays has queued and in
 * flight: its receiver holds the first answer while the list changes. */
static void
test_edit_keeps_pending (void)
{
  g_autoptr(HfTestReceiver) a = hf_test_receiver_new ();
  g_autoptr(HfTestReceiver) b = hf_test_receiver_new ();
  g_autoptr(HfNotifier) notifier = hf_notifier_new ();
  g_autoptr(HfNotification) n = hf_notification_new_test ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url_a = g_strdup_printf ("ntfy://127.0.0.1:%u/kept", a->port);
  g_autofree char *url_a_again = g_strdup_printf ("  ntfy://127.0.0.1:%u/kept/ ", a->port);
  g_autofree char *url_b = g_strdup_printf ("json://127.0.0.1:%u/new", b->port);
  const char *first[] = { url_a, NULL };
  const char *both[] = { url_b, url_a_again, NULL };
  const char *only_b[] = { url_b, NULL };
  Outcomes o = { 0 };

  g_signal_connect (notifier, "delivered", G_CALLBACK (delivered_cb), &o);
  g_signal_connect (notifier, "failed", G_CALLBACK (failed_cb), &o);
  hf_notifier_set_timing (notifier, 10000, 1, 0);
  g_assert_true (hf_notifier_set_urls (notifier, first, &error));
  g_assert_no_error (error);

  /* One in flight (held), one waiting behind it. */
  a->hang = TRUE;
  hf_notifier_notify (notifier, n);
  hf_notifier_notify (notifier, n);
  g_assert_true (hf_test_receiver_wait (a, 1, 2000));

  /* A channel added, the first one written differently but the same. */
  g_assert_true (hf_notifier_set_urls (notifier, both, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 2);

  /* The held answer comes: both reach the kept channel, the new one had
   * none of them. */
  a->hang = FALSE;
  hf_test_receiver_release (a, 200);
  g_assert_true (count_reached (&o, 2, 5000));
  g_assert_cmpuint (o.delivered, ==, 2);
  g_assert_cmpuint (o.failed, ==, 0);
  g_assert_cmpuint (a->requests->len, ==, 2);
  g_assert_cmpuint (b->requests->len, ==, 0);

  /* A channel left out goes with what it holds: nothing more reaches it. */
  a->hang = TRUE;
  hf_notifier_notify (notifier, n);
  g_assert_true (hf_test_receiver_wait (a, 3, 2000));
  g_assert_true (count_reached (&o, 3, 5000));   /* b's copy */
  g_assert_true (hf_notifier_set_urls (notifier, only_b, &error));
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 1);
  a->hang = FALSE;
  hf_test_receiver_release (a, 200);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (o.delivered, ==, 3);
  g_assert_cmpuint (b->requests->len, ==, 1);
  outcomes_clear (&o);
}

/* ::failed handlers that change the channels (or let go of the notifier)
 * while a full queue drops its oldest: nothing asserts, nothing leaks. */
typedef struct
{
  const char *action;   /* "clear", "same", "other", "notify", "unref" */
  char       *url;
  guint       failed;
} Reenter;

static void
reenter_failed_cb (HfNotifier     *notifier,
                   const char     *channel,
                   HfNotification *n,
                   const GError   *error,
                   Reenter        *r)
{
  r->failed++;
  if (r->failed > 1)
    return;
  if (g_str_equal (r->action, "clear"))
    hf_notifier_clear (notifier);
  else if (g_str_equal (r->action, "same") || g_str_equal (r->action, "other"))
    {
      const char *urls[] = { r->url, NULL };
      g_assert_true (hf_notifier_set_urls (notifier, urls, NULL));
    }
  else if (g_str_equal (r->action, "notify"))
    hf_notifier_notify (notifier, n);
  else if (g_str_equal (r->action, "unref"))
    g_object_unref (notifier);
}

static void
test_reentrant (void)
{
  g_autoptr(HfTestReceiver) hang = hf_test_receiver_new ();
  g_autoptr(HfTestReceiver) other = hf_test_receiver_new ();
  g_autofree char *text = g_strdup_printf ("ntfy://127.0.0.1:%u/r", hang->port);
  g_autofree char *other_text = g_strdup_printf ("ntfy://127.0.0.1:%u/o", other->port);
  const char *actions[] = { "clear", "same", "other", "notify", "unref" };

  hang->hang = TRUE;
  other->hang = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      HfNotifier *notifier = hf_notifier_new ();
      g_autoptr(HfNotifyUrl) url = hf_notify_url_parse (text, NULL);
      g_autoptr(HfNotification) n = hf_notification_new_test ();
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      Reenter r = { actions[i], NULL, 0 };
      Sent s = { 0 };

      g_test_message ("a ::failed handler that does '%s'", actions[i]);
      r.url = g_strdup (g_str_equal (actions[i], "other") ? other_text : text);
      g_object_add_weak_pointer (G_OBJECT (notifier), (gpointer *) &notifier);
      hf_notifier_add_url (notifier, url);
      hf_notifier_set_max_queued (notifier, 1);
      hf_notifier_set_timing (notifier, 60000, 1, 0);
      g_signal_connect (notifier, "failed", G_CALLBACK (reenter_failed_cb), &r);
      /* One in flight, one waiting; the third drops the second. */
      hf_notifier_notify (notifier, n);
      hf_notifier_notify (notifier, n);
      if (g_str_equal (actions[i], "unref"))
        {
          hf_notifier_notify (notifier, n);
          g_assert_null (notifier);
          g_assert_cmpuint (r.failed, ==, 1);
          g_free (r.url);
          continue;
        }
      /* Through send_async too: its batch is told either way. */
      hf_notifier_send_async (notifier, n, cancellable, sent_cb, &s);
      g_assert_cmpuint (r.failed, >=, 1);
      if (g_str_equal (actions[i], "clear"))
        {
          g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 0);
          hf_test_wait_for (&s.done, 2000);
          g_assert_false (s.ok);
          g_assert_error (s.error, HF_ERROR, HF_ERROR_CONNECT);
          g_assert_nonnull (strstr (s.error->message, "the channel was removed"));
        }
      else
        g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 1);
      /* And the notifier goes on working. */
      hf_notifier_notify (notifier, n);
      /* The batch still waiting on the held receiver holds the notifier
       * until it returns. */
      g_cancellable_cancel (cancellable);
      hf_test_wait_for (&s.done, 2000);
      g_clear_error (&s.error);
      g_object_unref (notifier);
      g_assert_null (notifier);
      for (guint k = 0; k < 20; k++)
        g_main_context_iteration (NULL, FALSE);
      g_clear_error (&s.error);
      g_free (r.url);
    }
}

typedef struct { gboolean done; gboolean ok; GError *error; gint64 when; } Drained;

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Drained *d = user_data;

  d->ok = hf_notifier_drain_finish (HF_NOTIFIER (source), result, &d->error);
  d->when = g_get_monotonic_time ();
  d->done = TRUE;
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gboolean
release_cb (gpointer data)
{
  HfTestReceiver *r = data;

  r->hang = FALSE;
  hf_test_receiver_release (r, 200);
  return G_SOURCE_REMOVE;
}

/* Before the end: what is queued gets a grace to go out, bounded, and
 * the wait can be cut short. */
static void
test_drain (void)
{
  g_autoptr(HfTestReceiver) r = hf_test_receiver_new ();
  g_autofree char *text = g_strdup_printf ("json://127.0.0.1:%u/drain", r->port);
  Outcomes o = { 0 };
  g_autoptr(HfNotifier) notifier = notifier_for (text, &o);
  g_autoptr(HfNotification) n = hf_notification_new_test ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Drained d = { 0 };
  gint64 start;

  hf_notifier_set_timing (notifier, 20000, 1, 0);

  /* Nothing waiting: at once. */
  hf_notifier_drain_async (notifier, 3000, NULL, drained_cb, &d);
  hf_test_wait_for (&d.done, 1000);
  g_assert_true (d.ok);

  /* One in flight (its answer held 300 ms), one behind it: both go out,
   * and the drain ends as soon as they did. */
  r->hang = TRUE;
  hf_notifier_notify (notifier, n);
  hf_notifier_notify (notifier, n);
  g_assert_true (hf_test_receiver_wait (r, 1, 2000));
  g_assert_cmpuint (hf_notifier_get_n_pending (notifier), ==, 2);
  memset (&d, 0, sizeof d);
  start = g_get_monotonic_time ();
  g_timeout_add (300, release_cb, r);
  hf_notifier_drain_async (notifier, 3000, cancellable, drained_cb, &d);
  hf_test_wait_for (&d.done, 5000);
  g_assert_no_error (d.error);
  g_assert_true (d.ok);
  g_assert_cmpuint (o.delivered, ==, 2);
  g_assert_cmpuint (r->requests->len, ==, 2);
  g_assert_cmpuint (hf_notifier_get_n_pending (notifier), ==, 0);
  g_assert_cmpint (d.when - start, >=, 250 * 1000);
  g_assert_cmpint (d.when - start, <, 2500 * 1000);

  /* A receiver that never answers: the grace ends it, saying how many. */
  r->hang = TRUE;
  hf_notifier_notify (notifier, n);
  hf_notifier_notify (notifier, n);
  g_assert_true (hf_test_receiver_wait (r, 3, 2000));
  memset (&d, 0, sizeof d);
  start = g_get_monotonic_time ();
  hf_notifier_drain_async (notifier, 500, cancellable, drained_cb, &d);
  hf_test_wait_for (&d.done, 5000);
  g_assert_false (d.ok);
  g_assert_error (d.error, HF_ERROR, HF_ERROR_TIMEOUT);
  g_assert_cmpstr (d.error->message, ==, "2 notifications not sent in time");
  g_assert_cmpint (d.when - start, >=, 450 * 1000);
  g_assert_cmpint (d.when - start, <, 1500 * 1000);
  g_clear_error (&d.error);

  /* Cut short: cancelled at once, not at the end of the grace. */
  memset (&d, 0, sizeof d);
  start = g_get_monotonic_time ();
  g_timeout_add (100, cancel_cb, cancellable);
  hf_notifier_drain_async (notifier, 10000, cancellable, drained_cb, &d);
  hf_test_wait_for (&d.done, 5000);
  g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (d.when - start, <, 1000 * 1000);
  g_clear_error (&d.error);

  /* Two at once, and the channels dropped meanwhile: both end. */
  {
    Drained d1 = { 0 }, d2 = { 0 };

    hf_notifier_drain_async (notifier, 10000, NULL, drained_cb, &d1);
    hf_notifier_drain_async (notifier, 10000, NULL, drained_cb, &d2);
    hf_notifier_clear (notifier);
    hf_test_wait_for (&d1.done, 1000);
    hf_test_wait_for (&d2.done, 1000);
    g_assert_true (d1.ok && d2.ok);
  }
  outcomes_clear (&o);
}

/* The session hands each alert to its notifier. */
static void
test_session (void)
{
  g_autoptr(HfTestReceiver) r = hf_test_receiver_new ();
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfSession) session = hf_session_new (NULL, config);
  g_autoptr(HfMiner) miner = make_miner ();
  g_autofree char *text = g_strdup_printf ("json://127.0.0.1:%u/session", r->port);
  g_autoptr(HfNotifyUrl) url = hf_notify_url_parse (text, NULL);
  g_autoptr(JsonNode) root = NULL;
  HfNotifier *notifier = hf_session_get_notifier (session);
  JsonObject *o;

  g_assert_true (HF_IS_NOTIFIER (notifier));
  g_assert_cmpuint (hf_notifier_get_n_channels (notifier), ==, 0);
  hf_notifier_add_url (notifier, url);
  g_signal_emit_by_name (hf_session_get_alerts (session), "alert", miner, HF_ALERT_HOT,
                         "bitaxe-desk is running hot", "81.5 °C");
  g_assert_true (hf_test_receiver_wait (r, 1, 5000));
  o = parse_body (hf_test_receiver_get (r, 0), &root);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "warning");
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==, "81.5 °C");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "hashfleet"),
                                                  "event"), ==, "hot");
}

/* A token the URL also has in its path prefix (found by fuzz-notify-url):
 * the masked form shows neither. */
static void
test_url_secret_repeated (void)
{
  g_autoptr(HfNotifyUrl) url = hf_notify_url_parse ("gotifys://g.example/AbCdEf123/AbCdEf123",
                                                    NULL);

  g_assert_nonnull (url);
  g_assert_cmpstr (hf_notify_url_get_token (url), ==, "AbCdEf123");
  g_assert_null (strstr (hf_notify_url_get_masked (url), "AbCdEf123"));
  g_assert_cmpstr (hf_notify_url_get_masked (url), ==, "gotifys://g.example/****/****");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hf_test_init (&argc, &argv);
  api = hf_test_receiver_new ();
  {
    g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u", api->port);
    g_setenv (HF_NOTIFY_DISCORD_API_ENV, base, TRUE);
    g_setenv (HF_NOTIFY_TELEGRAM_API_ENV, base, TRUE);
  }
  g_test_add_func ("/notify/url/good", test_url_good);
  g_test_add_func ("/notify/url/malformed", test_url_malformed);
  g_test_add_func ("/notify/url/secret-repeated", test_url_secret_repeated);
  g_test_add_func ("/notify/wire/ntfy", test_wire_ntfy);
  g_test_add_func ("/notify/wire/json", test_wire_json);
  g_test_add_func ("/notify/wire/types", test_wire_types);
  g_test_add_func ("/notify/wire/discord", test_wire_discord);
  g_test_add_func ("/notify/wire/telegram", test_wire_telegram);
  g_test_add_func ("/notify/wire/gotify", test_wire_gotify);
  g_test_add_func ("/notify/wire/header-values", test_wire_header_values);
  g_test_add_func ("/notify/delivery/retry", test_retry);
  g_test_add_func ("/notify/delivery/endless-body", test_endless_body);
  g_test_add_func ("/notify/delivery/isolation", test_isolation);
  g_test_add_func ("/notify/delivery/queue-bound", test_queue_bound);
  g_test_add_func ("/notify/delivery/cancel", test_cancel);
  g_test_add_func ("/notify/delivery/edit-keeps-pending", test_edit_keeps_pending);
  g_test_add_func ("/notify/delivery/reentrant", test_reentrant);
  g_test_add_func ("/notify/delivery/drain", test_drain);
  g_test_add_func ("/notify/session", test_session);
  status = g_test_run ();
  hf_test_receiver_free (api);
  return status;
}
