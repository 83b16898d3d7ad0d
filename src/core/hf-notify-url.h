/* hf-notify-url.h — a notification channel, written as an Apprise-style URL
 * SPDX-License-Identifier: MIT
 *
 * Users already keep their targets as Apprise URLs (ntfy://, json://,
 * discord://, tgram://, gotify://).  This parses one into what a request
 * needs.  The URL holds secrets (tokens, passwords, an ntfy topic): they
 * never appear in an error message, and hf_notify_url_get_masked() is the
 * only form that may be logged or shown.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  HF_NOTIFY_NTFY,
  HF_NOTIFY_JSON,
  HF_NOTIFY_DISCORD,
  HF_NOTIFY_TELEGRAM,
  HF_NOTIFY_GOTIFY,
} HfNotifyService;

/* Test-only: where discord:// and tgram:// send instead of the real
 * services (an http://127.x.x.x:PORT or http://localhost:PORT base; any
 * other value is ignored).  The test suite points them at a receiver on
 * loopback; nobody else should set them. */
#define HF_NOTIFY_DISCORD_API_ENV  "HASHFLEET_TEST_DISCORD_API"
#define HF_NOTIFY_TELEGRAM_API_ENV "HASHFLEET_TEST_TELEGRAM_API"

#define HF_TYPE_NOTIFY_URL (hf_notify_url_get_type ())
G_DECLARE_FINAL_TYPE (HfNotifyUrl, hf_notify_url, HF, NOTIFY_URL, GObject)

/* Parse @text (surrounding blanks ignored).  A malformed URL fails with
 * HF_ERROR_INVALID, saying what is wrong without repeating the URL. */
HfNotifyUrl     *hf_notify_url_parse          (const char  *text,
                                               GError     **error);

HfNotifyService  hf_notify_url_get_service    (HfNotifyUrl *self);
/* "ntfy", "json", "discord", "tgram", "gotify". */
const char      *hf_notify_url_get_scheme_name (HfNotifyUrl *self);
/* The URL with its secrets replaced by "****" (safe to log). */
const char      *hf_notify_url_get_masked     (HfNotifyUrl *self);
/* Where the request goes (never log it: a Discord or Telegram token is
 * part of the path); a gotify token is not in it, it goes in a header. */
char            *hf_notify_url_get_endpoint   (HfNotifyUrl *self);
gboolean         hf_notify_url_get_secure     (HfNotifyUrl *self);
const char      *hf_notify_url_get_host       (HfNotifyUrl *self);
guint16          hf_notify_url_get_port       (HfNotifyUrl *self);
/* ntfy topic, json path, gotify path prefix. */
const char      *hf_notify_url_get_path       (HfNotifyUrl *self);
const char      *hf_notify_url_get_user       (HfNotifyUrl *self);
const char      *hf_notify_url_get_password   (HfNotifyUrl *self);
/* ntfy access token, gotify app token, discord webhook token, telegram
 * bot token. */
const char      *hf_notify_url_get_token      (HfNotifyUrl *self);
/* discord webhook id, telegram chat id. */
const char      *hf_notify_url_get_id         (HfNotifyUrl *self);
/* ?priority= (ntfy 1–5, gotify 0–10); -1 when not given. */
int              hf_notify_url_get_priority   (HfNotifyUrl *self);
/* ?tags= for ntfy (comma-separated), or NULL. */
const char      *hf_notify_url_get_tags       (HfNotifyUrl *self);

/* The same channel: every part the same (however it was written, with
 * blanks around it, %-escapes or a trailing slash). */
gboolean         hf_notify_url_equal          (HfNotifyUrl *a,
                                               HfNotifyUrl *b);

G_END_DECLS
