/* hf-alerts.h — what about a fleet deserves telling the user
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-fleet.h"

G_BEGIN_DECLS

/* The numbers are kept in the store ("alert:WHO:KIND"): append, never
 * renumber. */
typedef enum
{
  HF_ALERT_OFFLINE,
  HF_ALERT_BACK_ONLINE,
  HF_ALERT_HOT,
  HF_ALERT_LOW_HASHRATE,
  HF_ALERT_BOARD_HOT,
  HF_ALERT_NOT_HASHING,
  HF_ALERT_PAUSED,
  HF_ALERT_NO_SHARES,
  HF_ALERT_POOL_SWITCHED,
  HF_ALERT_FAN_STOPPED,
  HF_ALERT_BEST_DIFFICULTY,
  HF_ALERT_FLEET_BEST_DIFFICULTY,
  HF_ALERT_QUIET_DIGEST,
  HF_ALERT_DAILY_SUMMARY,
  HF_ALERT_THERMAL_STEP,          /* the thermal guardian stepped a miner down or up */
} HfAlertKind;

#define HF_N_ALERT_KINDS (HF_ALERT_THERMAL_STEP + 1)

#define HF_ALERTS_DEFAULT_HOT_C          75.0
#define HF_ALERTS_DEFAULT_BOARD_HOT_C    90.0
#define HF_ALERTS_DEFAULT_COOLDOWN_S     (30 * 60)
#define HF_ALERTS_DEFAULT_LOW_PERCENT    80
#define HF_ALERTS_DEFAULT_LOW_FOR_S      (10 * 60)
#define HF_ALERTS_DEFAULT_NO_SHARE_S     (30 * 60)
/* A quiet-hours digest lists at most this many alerts, then a count. */
#define HF_ALERTS_DIGEST_LINES           20
/* At most this many held alerts are kept for it (the rest are counted). */
#define HF_ALERTS_HELD_MAX               200

/* The stable name of @kind ("offline", "back-online", "hot",
 * "low-hashrate", "board-hot", "not-hashing", "paused", "no-shares",
 * "pool-switched", "fan-stopped", "best-difficulty",
 * "fleet-best-difficulty", "quiet-digest", "daily-summary",
 * "thermal-step"): the event of
 * a notification, and what settings name to turn a rule off. */
const char *hf_alert_kind_to_string   (HfAlertKind  kind);
gboolean    hf_alert_kind_from_string (const char  *name,
                                       HfAlertKind *kind);
/* A label for people ("Miner offline", "Fan stopped", …), translated. */
const char *hf_alert_kind_label       (HfAlertKind  kind);

/**
 * HfAlertRules:
 * @off: a bit (1 << kind) per rule turned off
 * @offline_after_s: an offline miner is said to be offline once it has
 *   not answered for this long; 0: as soon as its fleet marks it offline
 * @hot_c: chip temperature above which a miner is hot
 * @family_hot_c: a family's own chip threshold (0: @hot_c)
 * @board_hot_c: board or voltage-regulator temperature above which a
 *   miner is hot
 * @low_percent: hashing below this percentage of its expected hashrate…
 * @low_for_s: …for this long is slow
 * @no_share_s: no share accepted for this long, while answering and not
 *   paused (0: never)
 * @cooldown_s: the same kind for the same miner is not said again
 *   within this time
 * @quiet_start_min, @quiet_end_min: minutes after local midnight; alerts
 *   raised between them are held and said in one digest when the quiet
 *   hours end (equal: no quiet hours)
 * @summary_min: minutes after local midnight of the daily summary (-1:
 *   none)
 */
typedef struct
{
  guint  off;
  guint  offline_after_s;
  double hot_c;
  double family_hot_c[HF_N_FAMILIES];
  double board_hot_c;
  guint  low_percent;
  guint  low_for_s;
  guint  no_share_s;
  guint  cooldown_s;
  int    quiet_start_min;
  int    quiet_end_min;
  int    summary_min;
} HfAlertRules;

void     hf_alert_rules_init        (HfAlertRules *rules);
/* "HH:MM-HH:MM" (quiet hours; "" none) and "HH:MM" (daily summary; ""
 * none), as the settings keep them. */
gboolean hf_alert_rules_parse_quiet (HfAlertRules *rules,
                                     const char   *text,
                                     GError      **error);
gboolean hf_alert_rules_parse_summary (HfAlertRules *rules,
                                       const char   *text,
                                       GError      **error);
/* Turn off the rules named in @names (hf_alert_kind_to_string()); an
 * unknown name is an error and changes nothing. */
gboolean hf_alert_rules_set_off     (HfAlertRules       *rules,
                                     const char * const *names,
                                     GError            **error);

/* Wall-clock µs, as g_get_real_time() gives them (tests drive their own). */
typedef gint64 (*HfAlertsClock) (gpointer user_data);

#define HF_TYPE_ALERTS (hf_alerts_get_type ())

G_DECLARE_FINAL_TYPE (HfAlerts, hf_alerts, HF, ALERTS, GObject)

/* Watch @fleet: every reading, offline and online change and poll cycle
 * is checked against the rules.  ::alert is emitted for what deserves
 * saying (the miner is NULL for the digest and the summary); ::remember
 * for what has to survive a restart, which hf_alerts_load() gives back. */
HfAlerts *hf_alerts_new           (HfFleet  *fleet);

void                hf_alerts_set_rules (HfAlerts           *self,
                                         const HfAlertRules *rules);
const HfAlertRules *hf_alerts_get_rules (HfAlerts           *self);

/* What ::remember said in an earlier run: "alert:…" keys → gint64* (as
 * hf_store_load_meta() gives them).  Before the fleet is polled. */
void      hf_alerts_load          (HfAlerts    *self,
                                   GHashTable  *remembered);
/* Hashfleet itself paused (@paused) or resumed @miner: a paused state is
 * then no surprise.  Remembered. */
void      hf_alerts_expect_paused (HfAlerts    *self,
                                   HfMiner     *miner,
                                   gboolean     paused);
void      hf_alerts_set_clock     (HfAlerts      *self,
                                   HfAlertsClock  clock,
                                   gpointer       user_data,
                                   GTimeZone     *tz);
/* Raise @kind for @miner from outside the rules (the thermal guardian's
 * steps): said like any alert — unless its rule is off, held in the quiet
 * hours — whatever the cool-down, since each is an action taken.  TRUE
 * when raised. */
gboolean  hf_alerts_raise         (HfAlerts    *self,
                                   HfMiner     *miner,
                                   HfAlertKind  kind,
                                   const char  *title,
                                   const char  *body);
/* Check the time-based rules now (the fleet's poll cycles do it). */
void      hf_alerts_tick          (HfAlerts    *self);

/* Shorthands of hf_alerts_set_rules() for one threshold. */
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
