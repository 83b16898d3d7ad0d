/* fuzz-notify-url.c — any text as a notification URL (parsed and turned
 * into its request, never sent)
 * SPDX-License-Identifier: MIT
 *
 * Whatever the parser accepts must give a request whose headers hold no
 * control byte, and its masked form must not hold the token or the
 * password.  What it refuses is said in a short message of its own words:
 * no control byte, nothing as long as an echo of the text would make it.
 */
#include <stdint.h>
#include <string.h>

#include "hf-notify-request.h"
#include "hf-notify-url.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfNotifyUrl) url = hf_notify_url_parse (text, &error);
  g_autoptr(HfNotification) note = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  const char *masked, *secret;

  if (url == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      g_assert (strlen (error->message) < 200);
      for (const char *c = error->message; *c != '\0'; c++)
        g_assert ((guchar) *c >= 0x20 && *c != 0x7f);
      return 0;
    }
  masked = hf_notify_url_get_masked (url);
  g_assert (masked != NULL);
  /* Long enough not to be found by chance in the host or a fixed word. */
  secret = hf_notify_url_get_token (url);
  if (secret != NULL && strlen (secret) >= 12)
    g_assert (strstr (masked, secret) == NULL);
  secret = hf_notify_url_get_password (url);
  if (secret != NULL && strlen (secret) >= 12)
    g_assert (strstr (masked, secret) == NULL);

  /* The text itself as the title too: any bytes, any length. */
  note = hf_notification_new ("test", HF_NOTIFY_INFO, text, "message");
  msg = hf_notify_request_new (url, note);
  g_assert (msg != NULL);
  {
    SoupMessageHeadersIter iter;
    const char *name, *value;

    soup_message_headers_iter_init (&iter, soup_message_get_request_headers (msg));
    while (soup_message_headers_iter_next (&iter, &name, &value))
      for (const char *c = value; *c != '\0'; c++)
        g_assert ((guchar) *c >= 0x20 && *c != 0x7f);
  }
  return 0;
}
