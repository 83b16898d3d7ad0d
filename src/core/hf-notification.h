/* hf-notification.h — one message for the notification channels
 * SPDX-License-Identifier: MIT
 *
 * What an alert or a found block says, for people (title, message) and for
 * machines (the event kind and the miner's identity and numbers), before
 * any channel's wire format.
 */
#pragma once

#include "hf-alerts.h"
#include "hf-miner.h"

G_BEGIN_DECLS

/* Apprise's message types. */
typedef enum
{
  HF_NOTIFY_INFO,
  HF_NOTIFY_SUCCESS,
  HF_NOTIFY_WARNING,
  HF_NOTIFY_FAILURE,
} HfNotifyType;

typedef struct
{
  char         *event;      /* "offline", "back-online", "hot", "low-hashrate",
                             * "block-found", "test" */
  HfNotifyType  type;
  char         *title;
  char         *message;
  gint64        time;       /* unix seconds */
  /* The miner, NULL for a test; strings NULL when unknown. */
  char         *address;
  char         *mac;
  char         *model;
  char         *name;
  /* Its latest numbers (NAN when unknown), and the blocks of block-found. */
  double        hashrate_ghs;
  double        expected_hashrate_ghs;
  double        temperature_c;
  double        power_w;
  guint         blocks;
} HfNotification;

#define HF_TYPE_NOTIFICATION (hf_notification_get_type ())
GType           hf_notification_get_type      (void) G_GNUC_CONST;

/* A message with nothing about a miner (for a test). */
HfNotification *hf_notification_new           (const char      *event,
                                               HfNotifyType     type,
                                               const char      *title,
                                               const char      *message);
/* What HfAlerts::alert said about @miner (NULL: about the fleet). */
HfNotification *hf_notification_new_for_alert (HfMiner         *miner,
                                               HfAlertKind      kind,
                                               const char      *title,
                                               const char      *body);
/* @miner found @blocks blocks. */
HfNotification *hf_notification_new_for_block (HfMiner         *miner,
                                               guint            blocks);
HfNotification *hf_notification_new_test      (void);
HfNotification *hf_notification_ref           (HfNotification  *self);
void            hf_notification_unref         (HfNotification  *self);
/* "info", "success", "warning", "failure". */
const char     *hf_notify_type_to_string      (HfNotifyType     type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfNotification, hf_notification_unref)

G_END_DECLS
