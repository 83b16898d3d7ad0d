/* fuzz-notify-url.c — any text as a notification URL (parsed and turned
 * into its request, never sent)
 * SPDX-License-Identifier: MIT
 *
 * Whatever the parser accepts must give a request, and its masked form
 * must not hold the token or the password.
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

  note = hf_notification_new ("test", HF_NOTIFY_INFO, "title", "message");
  msg = hf_notify_request_new (url, note);
  g_assert (msg != NULL);
  return 0;
}
