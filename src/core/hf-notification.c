/* hf-notification.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "hf-notification.h"

G_DEFINE_BOXED_TYPE (HfNotification, hf_notification, hf_notification_ref, hf_notification_unref)

static void
notification_clear (gpointer data)
{
  HfNotification *self = data;

  g_free (self->event);
  g_free (self->title);
  g_free (self->message);
  g_free (self->address);
  g_free (self->mac);
  g_free (self->model);
  g_free (self->name);
}

HfNotification *
hf_notification_new (const char   *event,
                     HfNotifyType  type,
                     const char   *title,
                     const char   *message)
{
  HfNotification *self = g_atomic_rc_box_new0 (HfNotification);

  g_return_val_if_fail (event != NULL && title != NULL && message != NULL, NULL);

  self->event = g_strdup (event);
  self->type = type;
  self->title = g_strdup (title);
  self->message = g_strdup (message);
  self->time = g_get_real_time () / G_USEC_PER_SEC;
  self->hashrate_ghs = NAN;
  self->expected_hashrate_ghs = NAN;
  self->temperature_c = NAN;
  self->power_w = NAN;
  return self;
}

static void
take_miner (HfNotification *self,
            HfMiner        *miner)
{
  const HfReading *reading = hf_miner_get_reading (miner);

  self->address = g_strdup (hf_miner_get_address (miner));
  self->mac = g_strdup (hf_miner_get_mac (miner));
  self->model = g_strdup (hf_miner_get_model (miner));
  self->name = g_strdup (hf_miner_get_display_name (miner));
  if (reading != NULL)
    {
      self->hashrate_ghs = reading->hashrate_ghs;
      self->expected_hashrate_ghs = reading->expected_hashrate_ghs;
      self->temperature_c = reading->temperature_c;
      self->power_w = reading->power_w;
    }
}

HfNotification *
hf_notification_new_for_alert (HfMiner     *miner,
                               HfAlertKind  kind,
                               const char  *title,
                               const char  *body)
{
  static const HfNotifyType types[HF_N_ALERT_KINDS] = {
    [HF_ALERT_OFFLINE]               = HF_NOTIFY_FAILURE,
    [HF_ALERT_BACK_ONLINE]           = HF_NOTIFY_SUCCESS,
    [HF_ALERT_HOT]                   = HF_NOTIFY_WARNING,
    [HF_ALERT_LOW_HASHRATE]          = HF_NOTIFY_WARNING,
    [HF_ALERT_BOARD_HOT]             = HF_NOTIFY_WARNING,
    [HF_ALERT_NOT_HASHING]           = HF_NOTIFY_FAILURE,
    [HF_ALERT_PAUSED]                = HF_NOTIFY_WARNING,
    [HF_ALERT_NO_SHARES]             = HF_NOTIFY_WARNING,
    [HF_ALERT_POOL_SWITCHED]         = HF_NOTIFY_WARNING,
    [HF_ALERT_FAN_STOPPED]           = HF_NOTIFY_FAILURE,
    [HF_ALERT_BEST_DIFFICULTY]       = HF_NOTIFY_SUCCESS,
    [HF_ALERT_FLEET_BEST_DIFFICULTY] = HF_NOTIFY_SUCCESS,
    [HF_ALERT_QUIET_DIGEST]          = HF_NOTIFY_INFO,
    [HF_ALERT_DAILY_SUMMARY]         = HF_NOTIFY_INFO,
    [HF_ALERT_THERMAL_STEP]          = HF_NOTIFY_WARNING,
  };
  HfNotification *self;

  g_return_val_if_fail (miner == NULL || HF_IS_MINER (miner), NULL);
  g_return_val_if_fail ((guint) kind < HF_N_ALERT_KINDS, NULL);

  self = hf_notification_new (hf_alert_kind_to_string (kind), types[kind], title, body);
  if (miner == NULL)
    return self;
  take_miner (self, miner);
  return self;
}

HfNotification *
hf_notification_new_for_block (HfMiner *miner,
                               guint    blocks)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  HfNotification *self;

  g_return_val_if_fail (HF_IS_MINER (miner), NULL);

  title = g_strdup_printf (_("%s found a block"), hf_miner_get_display_name (miner));
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s found %u block.",
                                       "%s found %u blocks.", blocks),
                          hf_miner_get_address (miner), blocks);
  self = hf_notification_new ("block-found", HF_NOTIFY_SUCCESS, title, body);
  take_miner (self, miner);
  self->blocks = blocks;
  return self;
}

HfNotification *
hf_notification_new_test (void)
{
  return hf_notification_new ("test", HF_NOTIFY_INFO, _("Hashfleet test notification"),
                              _("Notifications from Hashfleet reach this channel."));
}

HfNotification *
hf_notification_ref (HfNotification *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
hf_notification_unref (HfNotification *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, notification_clear);
}

const char *
hf_notify_type_to_string (HfNotifyType type)
{
  static const char *const names[] = { "info", "success", "warning", "failure" };

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (names), "info");
  return names[type];
}
