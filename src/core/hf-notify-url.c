/* hf-notify-url.c
 * SPDX-License-Identifier: MIT
 *
 * Parsed by hand rather than with GUri: a Telegram bot token is
 * "123456:ABC…", which GUri takes for a host and a bad port.  Each service
 * reads its authority and path its own way; none of the errors quotes the
 * text, which holds the secrets.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "hf-error.h"
#include "hf-notify-url.h"

struct _HfNotifyUrl
{
  GObject          parent_instance;

  HfNotifyService  service;
  gboolean         secure;
  char            *host;       /* as written; an IPv6 literal keeps its brackets */
  guint16          port;       /* 0: the scheme's default */
  char            *path;       /* ntfy topic, json path ("/…"), gotify prefix ("" or "/…") */
  char            *user;
  char            *password;
  char            *token;
  char            *id;
  char            *tags;
  int              priority;
  char            *masked;
};

G_DEFINE_FINAL_TYPE (HfNotifyUrl, hf_notify_url, G_TYPE_OBJECT)

static const struct
{
  const char      *scheme;
  HfNotifyService  service;
  gboolean         secure;
} schemes[] = {
  { "ntfy",    HF_NOTIFY_NTFY,     FALSE },
  { "ntfys",   HF_NOTIFY_NTFY,     TRUE },
  { "json",    HF_NOTIFY_JSON,     FALSE },
  { "jsons",   HF_NOTIFY_JSON,     TRUE },
  { "discord", HF_NOTIFY_DISCORD,  TRUE },
  { "tgram",   HF_NOTIFY_TELEGRAM, TRUE },
  { "gotify",  HF_NOTIFY_GOTIFY,   FALSE },
  { "gotifys", HF_NOTIFY_GOTIFY,   TRUE },
};

static gboolean fail (GError     **error,
                      const char  *format,
                      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError     **error,
      const char  *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (HF_ERROR, HF_ERROR_INVALID, format, args));
  va_end (args);
  return FALSE;
}

/* Every byte of @s is in @allowed (and @s is not empty). */
static gboolean
only (const char *s,
      const char *allowed)
{
  return s != NULL && s[0] != '\0' && strspn (s, allowed) == strlen (s);
}

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define DIGITS "0123456789"

/* Percent-decoded, refusing what decodes to a NUL, a control character or
 * a slash where none belongs. */
static char *
decode (const char  *s,
        const char  *what,
        GError     **error)
{
  g_autofree char *out = g_uri_unescape_string (s, NULL);

  if (out == NULL)
    {
      fail (error, "%s: bad %%-escape", what);
      return NULL;
    }
  for (const char *c = out; *c != '\0'; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      {
        fail (error, "%s: control character", what);
        return NULL;
      }
  return g_steal_pointer (&out);
}

/* An address of this machine (not a name that merely starts "127."). */
static gboolean
host_is_loopback (const char *host)
{
  g_autofree char *bare = NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  bare = host[0] == '[' ? g_strndup (host + 1, strlen (host) - 2) : g_strdup (host);
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* [user[:password]@]host[:port] */
static gboolean
parse_authority (HfNotifyUrl  *self,
                 const char   *authority,
                 GError      **error)
{
  const char *at = strrchr (authority, '@');
  const char *hostport = at ? at + 1 : authority;
  const char *colon;
  g_autofree char *host = NULL;

  if (at != NULL)
    {
      g_autofree char *userinfo = g_strndup (authority, at - authority);
      char *sep = strchr (userinfo, ':');

      if (sep != NULL)
        {
          *sep = '\0';
          if (userinfo[0] == '\0')
            return fail (error, "empty user name before ':'");
          if (!(self->user = decode (userinfo, "user", error))
              || !(self->password = decode (sep + 1, "password", error)))
            return FALSE;
        }
      else if (userinfo[0] == '\0')
        return fail (error, "nothing before '@'");
      else if (self->service == HF_NOTIFY_NTFY)
        {
          /* ntfy://TOKEN@host/topic: an access token, as Apprise reads it. */
          if (!(self->token = decode (userinfo, "token", error)))
            return FALSE;
        }
      else if (!(self->user = decode (userinfo, "user", error)))
        return FALSE;
    }

  if (hostport[0] == '[')
    {
      const char *end = strchr (hostport, ']');
      g_autofree char *literal = end ? g_strndup (hostport + 1, end - hostport - 1) : NULL;

      g_autoptr(GInetAddress) address = literal ? g_inet_address_new_from_string (literal) : NULL;

      if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
        return fail (error, "bad IPv6 address in brackets");
      host = g_strndup (hostport, end - hostport + 1);
      colon = end[1] == ':' ? end + 1 : NULL;
      if (end[1] != '\0' && colon == NULL)
        return fail (error, "unexpected text after the IPv6 address");
    }
  else
    {
      colon = strchr (hostport, ':');
      host = colon ? g_strndup (hostport, colon - hostport) : g_strdup (hostport);
      if (host[0] == '\0')
        return fail (error, "no host");
      if (!only (host, ALNUM ".-_") || host[0] == '.' || host[0] == '-')
        return fail (error, "bad host name");
    }
  if (colon != NULL)
    {
      guint64 port;

      if (!only (colon + 1, DIGITS)
          || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
        return fail (error, "the port must be 1–65535");
      self->port = (guint16) port;
    }
  self->host = g_steal_pointer (&host);
  return TRUE;
}

/* priority=, tags=, token=; other Apprise options are ignored. */
static gboolean
parse_query (HfNotifyUrl  *self,
             const char   *query,
             GError      **error)
{
  g_auto(GStrv) pairs = g_strsplit (query, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *eq = strchr (pairs[i], '=');
      g_autofree char *value = NULL;
      const char *key = pairs[i];

      if (pairs[i][0] == '\0')
        continue;
      if (eq == NULL)
        continue;
      *eq = '\0';
      /* The key is the user's text (a secret, maybe): never in an error. */
      if (!(value = decode (eq + 1, "a query value", error)))
        return FALSE;

      if (g_str_equal (key, "priority")
          && (self->service == HF_NOTIFY_NTFY || self->service == HF_NOTIFY_GOTIFY))
        {
          static const char *const names[] = { "min", "low", "default", "high", "max" };
          guint64 n;
          guint max = self->service == HF_NOTIFY_NTFY ? 5 : 10;
          guint min = self->service == HF_NOTIFY_NTFY ? 1 : 0;

          self->priority = -1;
          if (g_ascii_string_to_unsigned (value, 10, min, max, &n, NULL))
            self->priority = (int) n;
          else if (self->service == HF_NOTIFY_NTFY)
            for (guint k = 0; k < G_N_ELEMENTS (names); k++)
              if (g_ascii_strcasecmp (value, names[k]) == 0)
                self->priority = (int) k + 1;
          if (self->priority < 0)
            return fail (error, "priority must be %u–%u%s", min, max,
                         self->service == HF_NOTIFY_NTFY ? " or min, low, default, high, max" : "");
        }
      else if (g_str_equal (key, "tags") && self->service == HF_NOTIFY_NTFY)
        {
          if (!only (value, ALNUM "_-+,"))
            return fail (error, "tags: letters, digits, '_', '-' and ',' only");
          g_free (self->tags);
          self->tags = g_steal_pointer (&value);
        }
      else if (g_str_equal (key, "token") && self->service == HF_NOTIFY_NTFY)
        {
          if (value[0] == '\0')
            return fail (error, "empty token");
          g_free (self->token);
          self->token = g_steal_pointer (&value);
        }
    }
  return TRUE;
}

/* "ab****": enough of a topic to tell two apart, not enough to post. */
static char *
mask_topic (const char *topic)
{
  return g_strdup_printf ("%.2s****", topic);
}

static void
build_masked (HfNotifyUrl *self,
              const char  *scheme)
{
  g_autoptr(GString) s = g_string_new (scheme);

  g_string_append (s, "://");
  switch (self->service)
    {
    case HF_NOTIFY_DISCORD:
      g_string_append_printf (s, "%s/****", self->id);
      break;
    case HF_NOTIFY_TELEGRAM:
      g_string_append_printf (s, "****/%s", self->id);
      break;
    case HF_NOTIFY_NTFY:
    case HF_NOTIFY_JSON:
    case HF_NOTIFY_GOTIFY:
    default:
      if (self->user != NULL)
        g_string_append_printf (s, "%s%s@", self->user, self->password ? ":****" : "");
      else if (self->token != NULL && self->service == HF_NOTIFY_NTFY)
        g_string_append (s, "****@");
      g_string_append (s, self->host);
      if (self->port != 0)
        g_string_append_printf (s, ":%u", self->port);
      if (self->service == HF_NOTIFY_NTFY)
        {
          g_autofree char *topic = mask_topic (self->path);
          g_string_append_printf (s, "/%s", topic);
        }
      else if (self->service == HF_NOTIFY_GOTIFY)
        g_string_append_printf (s, "%s/****", self->path);
      else
        {
          /* A webhook's last segment is its secret (Home Assistant's
           * /api/webhook/ID): two characters of it, as of a topic. */
          const char *last = strrchr (self->path, '/');
          g_autofree char *tail = last != NULL && last[1] != '\0' ? mask_topic (last + 1) : NULL;

          if (tail != NULL)
            g_string_append_printf (s, "%.*s%s", (int) (last + 1 - self->path), self->path, tail);
          else
            g_string_append (s, self->path);
        }
      break;
    }
  /* Whatever the URL repeats elsewhere (a token also written in a path
   * prefix), the masked form never holds a secret. */
  {
    const char *secrets[] = { self->token, self->password };

    for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
      if (secrets[i] != NULL && strlen (secrets[i]) >= 4)
        g_string_replace (s, secrets[i], "****", 0);
  }
  self->masked = g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
parse_service (HfNotifyUrl  *self,
               const char   *authority,
               const char   *path,
               GError      **error)
{
  g_auto(GStrv) segments = NULL;
  guint n;

  switch (self->service)
    {
    case HF_NOTIFY_DISCORD:
      {
        const char *at = strrchr (authority, '@');   /* discord://botname@ID/TOKEN */
        const char *id = at ? at + 1 : authority;

        if (!only (id, DIGITS))
          return fail (error, "needs WEBHOOK_ID/WEBHOOK_TOKEN (the id is a number)");
        if (!only (path, ALNUM "_-."))
          return fail (error, "needs WEBHOOK_ID/WEBHOOK_TOKEN (one token after the id)");
        self->id = g_strdup (id);
        self->token = g_strdup (path);
        return TRUE;
      }
    case HF_NOTIFY_TELEGRAM:
      {
        const char *token = authority;
        const char *colon = strchr (authority, ':');
        g_autofree char *bot = NULL;

        if (g_str_has_prefix (token, "bot") && g_ascii_isdigit (token[3]))
          token += 3;
        if (colon != NULL && colon > token)
          bot = g_strndup (token, colon - token);
        if (colon == NULL || colon == token || !only (bot, DIGITS)
            || !only (colon + 1, ALNUM "_-"))
          return fail (error, "needs BOT_TOKEN/CHAT_ID (the token is NUMBER:KEY)");
        if (!(only (path, DIGITS) || (path[0] == '-' && only (path + 1, DIGITS))
              || (path[0] == '@' && only (path + 1, ALNUM "_"))))
          return fail (error, "needs BOT_TOKEN/CHAT_ID (one chat: a number or @name)");
        self->token = g_strdup (token);
        self->id = g_strdup (path);
        return TRUE;
      }
    case HF_NOTIFY_NTFY:
      if (!parse_authority (self, authority, error))
        return FALSE;
      if (!only (path, ALNUM "_-") || strlen (path) > 64)
        return fail (error, "needs HOST/TOPIC (one topic of letters, digits, '_' or '-', "
                     "at most 64)");
      self->path = g_strdup (path);
      return TRUE;
    case HF_NOTIFY_JSON:
      if (!parse_authority (self, authority, error))
        return FALSE;
      for (const char *c = path; *c != '\0'; c++)
        if ((guchar) *c <= 0x20 || (guchar) *c >= 0x7f || *c == '#')
          return fail (error, "path: characters outside of URL syntax (%%-escape them)");
      self->path = g_strconcat ("/", path, NULL);
      return TRUE;
    case HF_NOTIFY_GOTIFY:
      if (!parse_authority (self, authority, error))
        return FALSE;
      segments = g_strsplit (path, "/", -1);
      n = g_strv_length (segments);
      if (n == 0 || !only (segments[n - 1], ALNUM "_-."))
        return fail (error, "needs HOST[/PATH]/TOKEN");
      for (guint i = 0; i + 1 < n; i++)
        if (!only (segments[i], ALNUM "_-.~"))
          return fail (error, "path: empty or odd segment");
      self->token = g_strdup (segments[n - 1]);
      g_free (segments[n - 1]);
      segments[n - 1] = NULL;
      if (n > 1)
        {
          g_autofree char *prefix = g_strjoinv ("/", segments);
          self->path = g_strconcat ("/", prefix, NULL);
        }
      else
        self->path = g_strdup ("");
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static void
hf_notify_url_finalize (GObject *object)
{
  HfNotifyUrl *self = HF_NOTIFY_URL (object);

  g_free (self->host);
  g_free (self->path);
  g_free (self->user);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  if (self->token != NULL)
    explicit_bzero (self->token, strlen (self->token));
  g_free (self->token);
  g_free (self->id);
  g_free (self->tags);
  g_free (self->masked);

  G_OBJECT_CLASS (hf_notify_url_parent_class)->finalize (object);
}

static void
hf_notify_url_class_init (HfNotifyUrlClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hf_notify_url_finalize;
}

static void
hf_notify_url_init (HfNotifyUrl *self)
{
  self->priority = -1;
}

HfNotifyUrl *
hf_notify_url_parse (const char  *text,
                     GError     **error)
{
  g_autoptr(HfNotifyUrl) self = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *scheme = NULL;
  char *rest, *sep, *query, *slash;
  const char *path;
  gboolean known = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  copy = g_strstrip (g_strdup (text));
  sep = strstr (copy, "://");
  if (sep == NULL || sep == copy)
    {
      fail (error, "not a notification URL (SCHEME://…)");
      return NULL;
    }
  scheme = g_ascii_strdown (copy, sep - copy);
  self = g_object_new (HF_TYPE_NOTIFY_URL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_str_equal (scheme, schemes[i].scheme))
      {
        self->service = schemes[i].service;
        self->secure = schemes[i].secure;
        known = TRUE;
      }
  if (!known)
    {
      if (only (scheme, ALNUM "+-.") && strlen (scheme) <= 16)
        fail (error, "unknown kind of notification URL '%s://' (known: ntfy, ntfys, json, jsons, "
              "discord, tgram, gotify, gotifys)", scheme);
      else
        fail (error, "not a notification URL (SCHEME://…)");
      return NULL;
    }

  rest = sep + 3;
  if (strpbrk (rest, " \t\r\n#") != NULL)
    {
      fail (error, "%s://: blanks and '#' do not belong in the URL (%%-escape them)", scheme);
      return NULL;
    }
  query = strchr (rest, '?');
  if (query != NULL)
    *query++ = '\0';
  slash = strchr (rest, '/');
  if (slash != NULL)
    *slash = '\0';
  path = slash ? slash + 1 : "";
  /* A trailing slash changes nothing (ntfy://host/topic/). */
  if (slash != NULL && g_str_has_suffix (path, "/") && self->service != HF_NOTIFY_JSON)
    slash[strlen (path)] = '\0';
  if (rest[0] == '\0')
    {
      fail (error, "%s://: nothing after the scheme", scheme);
      return NULL;
    }

  if (!parse_service (self, rest, path, error)
      || (query != NULL && !parse_query (self, query, error)))
    {
      g_prefix_error (error, "%s://: ", scheme);
      return NULL;
    }

  /* Credentials in clear text only to this machine. */
  if ((self->service == HF_NOTIFY_NTFY || self->service == HF_NOTIFY_JSON) && !self->secure
      && (self->password != NULL || self->token != NULL) && !host_is_loopback (self->host))
    {
      fail (error, "%s://: a password or token goes only over https (%ss://) unless the host is "
            "this machine", scheme, scheme);
      return NULL;
    }

  /* Whatever is accepted must make a request (what libsoup parses). */
  {
    g_autofree char *endpoint = hf_notify_url_get_endpoint (self);
    g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_PATH
                                                 | G_URI_FLAGS_ENCODED_QUERY
                                                 | G_URI_FLAGS_ENCODED_FRAGMENT
                                                 | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);

    explicit_bzero (endpoint, strlen (endpoint));
    if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
      {
        fail (error, "%s://: not a usable address", scheme);
        return NULL;
      }
  }

  build_masked (self, scheme);
  return g_steal_pointer (&self);
}

HfNotifyService
hf_notify_url_get_service (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), 0);
  return self->service;
}

const char *
hf_notify_url_get_scheme_name (HfNotifyUrl *self)
{
  static const char *const names[] = { "ntfy", "json", "discord", "tgram", "gotify" };

  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);
  return names[self->service];
}

const char *
hf_notify_url_get_masked (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);
  return self->masked;
}

/* A test-only base from @env, if it is on loopback. */
static char *
test_base (const char *env,
           const char *fallback)
{
  const char *value = g_getenv (env);
  g_autoptr(GUri) uri = NULL;

  if (value == NULL)
    return g_strdup (fallback);
  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
      || !host_is_loopback (g_uri_get_host (uri)))
    {
      g_debug ("%s is not an http:// loopback base; ignored", env);
      return g_strdup (fallback);
    }
  return g_strdup (value);
}

char *
hf_notify_url_get_endpoint (HfNotifyUrl *self)
{
  g_autofree char *base = NULL;
  const char *proto;

  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);

  switch (self->service)
    {
    case HF_NOTIFY_DISCORD:
      base = test_base (HF_NOTIFY_DISCORD_API_ENV, "https://discord.com");
      return g_strdup_printf ("%s/api/webhooks/%s/%s", base, self->id, self->token);
    case HF_NOTIFY_TELEGRAM:
      base = test_base (HF_NOTIFY_TELEGRAM_API_ENV, "https://api.telegram.org");
      return g_strdup_printf ("%s/bot%s/sendMessage", base, self->token);
    case HF_NOTIFY_NTFY:
    case HF_NOTIFY_JSON:
    case HF_NOTIFY_GOTIFY:
    default:
      proto = self->secure ? "https" : "http";
      base = self->port != 0 ? g_strdup_printf ("%s://%s:%u", proto, self->host, self->port)
                             : g_strdup_printf ("%s://%s", proto, self->host);
      if (self->service == HF_NOTIFY_NTFY)
        return g_strdup_printf ("%s/%s", base, self->path);
      if (self->service == HF_NOTIFY_JSON)
        return g_strdup_printf ("%s%s", base, self->path);
      /* The token goes in the X-Gotify-Key header, never in the query
       * (which proxies and servers write to their access logs). */
      return g_strdup_printf ("%s%s/message", base, self->path);
    }
}

gboolean
hf_notify_url_get_secure (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), FALSE);
  return self->secure;
}

const char *
hf_notify_url_get_host (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);
  return self->host;
}

guint16
hf_notify_url_get_port (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), 0);
  return self->port;
}

const char *
hf_notify_url_get_path (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);
  return self->path;
}

const char *
hf_notify_url_get_user (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);
  return self->user;
}

const char *
hf_notify_url_get_password (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);
  return self->password;
}

const char *
hf_notify_url_get_token (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);
  return self->token;
}

const char *
hf_notify_url_get_id (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);
  return self->id;
}

int
hf_notify_url_get_priority (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), -1);
  return self->priority;
}

const char *
hf_notify_url_get_tags (HfNotifyUrl *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (self), NULL);
  return self->tags;
}

gboolean
hf_notify_url_equal (HfNotifyUrl *a,
                     HfNotifyUrl *b)
{
  g_return_val_if_fail (HF_IS_NOTIFY_URL (a), FALSE);
  g_return_val_if_fail (HF_IS_NOTIFY_URL (b), FALSE);

  return a->service == b->service && a->secure == b->secure && a->port == b->port
         && a->priority == b->priority && g_strcmp0 (a->host, b->host) == 0
         && g_strcmp0 (a->path, b->path) == 0 && g_strcmp0 (a->user, b->user) == 0
         && g_strcmp0 (a->password, b->password) == 0 && g_strcmp0 (a->token, b->token) == 0
         && g_strcmp0 (a->id, b->id) == 0 && g_strcmp0 (a->tags, b->tags) == 0;
}
