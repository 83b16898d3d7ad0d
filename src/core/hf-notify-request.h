/* hf-notify-request.h — one notification as one channel's HTTP request
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <libsoup/soup.h>

#include "hf-notification.h"
#include "hf-notify-url.h"

G_BEGIN_DECLS

/* The request that tells @notification through @url, in the service's
 * own format (ntfy: the message as the body, Title/Priority/Tags headers;
 * json: Apprise's JSON plus a "hashfleet" object; discord: an embed;
 * tgram: sendMessage; gotify: /message). */
SoupMessage *hf_notify_request_new (HfNotifyUrl          *url,
                                    const HfNotification *notification);

G_END_DECLS
