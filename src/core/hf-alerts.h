/* hf-alerts.h — what about a fleet deserves telling the user
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-fleet.h"

G_BEGIN_DECLS

typedef enum
{
  HF_ALERT_OFFLINE,
  HF_ALERT_BACK_ONLINE,
  HF_ALERT_HOT,
  HF_ALERT_LOW_HASHRATE,
} HfAlertKind;

#define HF_ALERTS_DEFAULT_HOT_C          75.0
#define HF_ALERTS_DEFAULT_COOLDOWN_S     (30 * 60)
/* Below this fraction of the expected hashrate… */
#define HF_ALERTS_LOW_FRACTION           0.8
/* …for this long. */
#define HF_ALERTS_DEFAULT_LOW_FOR_S      (10 * 60)

#define HF_TYPE_ALERTS (hf_alerts_get_type ())

G_DECLARE_FINAL_TYPE (HfAlerts, hf_alerts, HF, ALERTS, GObject)

/* Watch @fleet.  ::alert is emitted when a miner goes offline, comes back,
 * runs hotter than the threshold, or stays below 80 % of its expected
 * hashrate for ten minutes; the same kind for the same miner is not
 * repeated within the cool-down, so a flapping miner does not spam. */
HfAlerts *hf_alerts_new           (HfFleet  *fleet);
/* @kind was last raised for @miner at @unix_s (from an earlier run): its
 * cool-down goes on from then, so a restart does not repeat it. */
void      hf_alerts_restore       (HfAlerts    *self,
                                   HfMiner     *miner,
                                   HfAlertKind  kind,
                                   gint64       unix_s);
void      hf_alerts_set_hot_c     (HfAlerts *self,
                                   double    celsius);
/* @family's own threshold (an Antminer at 80 °C is normal, a Bitaxe is
 * not); 0 goes back to the one of hf_alerts_set_hot_c(). */
void      hf_alerts_set_family_hot_c (HfAlerts *self,
                                      HfFamily  family,
                                      double    celsius);
void      hf_alerts_set_cooldown  (HfAlerts *self,
                                   guint     seconds);
void      hf_alerts_set_low_for   (HfAlerts *self,
                                   guint     seconds);

G_END_DECLS
