/* hf-settings.h — the app's settings, one property per GSettings key
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-alerts.h"
#include "hf-tariff.h"
#include "hf-types.h"

G_BEGIN_DECLS

/* The keys of io.github.hashfleet.Hashfleet; each is also the name of the
 * HfSettings property that follows it. */
#define HF_SETTINGS_KEY_WINDOW_WIDTH      "window-width"
#define HF_SETTINGS_KEY_WINDOW_HEIGHT     "window-height"
#define HF_SETTINGS_KEY_WINDOW_MAXIMIZED  "window-maximized"
#define HF_SETTINGS_KEY_VIEW_MODE         "view-mode"
#define HF_SETTINGS_KEY_STYLE             "style"
#define HF_SETTINGS_KEY_CARD_SORT         "card-sort"
#define HF_SETTINGS_KEY_SUBNETS           "subnets"
#define HF_SETTINGS_KEY_POLL_INTERVAL     "poll-interval"
#define HF_SETTINGS_KEY_SCAN_TIMEOUT      "scan-timeout"
#define HF_SETTINGS_KEY_SCAN_CONCURRENCY  "scan-concurrency"
#define HF_SETTINGS_KEY_TEMPERATURE_ALERT "temperature-alert"
#define HF_SETTINGS_KEY_TEMPERATURE_ALERT_ANTMINER   "temperature-alert-antminer"
#define HF_SETTINGS_KEY_TEMPERATURE_ALERT_WHATSMINER "temperature-alert-whatsminer"
#define HF_SETTINGS_KEY_TEMPERATURE_ALERT_AVALON     "temperature-alert-avalon"
#define HF_SETTINGS_KEY_BOARD_TEMPERATURE_ALERT    "board-temperature-alert"
#define HF_SETTINGS_KEY_ALERTS_OFF                 "alerts-off"
#define HF_SETTINGS_KEY_ALERT_OFFLINE_MINUTES      "alert-offline-minutes"
#define HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_PERCENT "alert-low-hashrate-percent"
#define HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_MINUTES "alert-low-hashrate-minutes"
#define HF_SETTINGS_KEY_ALERT_NO_SHARE_MINUTES     "alert-no-share-minutes"
#define HF_SETTINGS_KEY_ALERT_COOLDOWN_MINUTES     "alert-cooldown-minutes"
#define HF_SETTINGS_KEY_QUIET_HOURS                "quiet-hours"
#define HF_SETTINGS_KEY_DAILY_SUMMARY              "daily-summary"
#define HF_SETTINGS_KEY_TARIFF                     "tariff"
#define HF_SETTINGS_KEY_NOTIFICATIONS     "notifications"
#define HF_SETTINGS_KEY_ANTMINER_USER     "antminer-user"
#define HF_SETTINGS_KEY_BRAIINS_USER      "braiins-user"
#define HF_SETTINGS_KEY_RUN_IN_BACKGROUND  "run-in-background"
#define HF_SETTINGS_KEY_MQTT_ENABLED       "mqtt-enabled"
#define HF_SETTINGS_KEY_MQTT_URL           "mqtt-url"
#define HF_SETTINGS_KEY_MQTT_ALLOW_CONTROL "mqtt-allow-control"
#define HF_SETTINGS_KEY_MQTT_PREFIX        "mqtt-prefix"
#define HF_SETTINGS_KEY_API_ENABLED       "api-enabled"
#define HF_SETTINGS_KEY_API_LISTEN        "api-listen"

#define HF_TYPE_SETTINGS (hf_settings_get_type ())

G_DECLARE_FINAL_TYPE (HfSettings, hf_settings, HF, SETTINGS, GObject)

/* Over @settings (a GSettings of the app's schema; tests give one on a
 * memory backend).  A key changed by anyone notifies its property. */
HfSettings  *hf_settings_new                    (GSettings   *settings);
GSettings   *hf_settings_get_gsettings          (HfSettings  *self);

int          hf_settings_get_window_width       (HfSettings  *self);
void         hf_settings_set_window_width       (HfSettings  *self,
                                                 int          width);
int          hf_settings_get_window_height      (HfSettings  *self);
void         hf_settings_set_window_height      (HfSettings  *self,
                                                 int          height);
gboolean     hf_settings_get_window_maximized   (HfSettings  *self);
void         hf_settings_set_window_maximized   (HfSettings  *self,
                                                 gboolean     maximized);
/* "cards" or "table" */
char        *hf_settings_get_view_mode          (HfSettings  *self);
void         hf_settings_set_view_mode          (HfSettings  *self,
                                                 const char  *view_mode);
/* "system", "light" or "dark" */
/* "name", "address", "hashrate", "temperature" or "status". */
char        *hf_settings_get_card_sort          (HfSettings  *self);
void         hf_settings_set_card_sort          (HfSettings  *self,
                                                 const char  *card_sort);
char        *hf_settings_get_style              (HfSettings  *self);
void         hf_settings_set_style              (HfSettings  *self,
                                                 const char  *style);
/* What Discover scans; empty: this computer's own networks. */
char       **hf_settings_get_subnets            (HfSettings  *self);
void         hf_settings_set_subnets            (HfSettings  *self,
                                                 const char * const *subnets);
guint        hf_settings_get_poll_interval      (HfSettings  *self);
void         hf_settings_set_poll_interval      (HfSettings  *self,
                                                 guint        seconds);
guint        hf_settings_get_scan_timeout       (HfSettings  *self);
void         hf_settings_set_scan_timeout       (HfSettings  *self,
                                                 guint        ms);
guint        hf_settings_get_scan_concurrency   (HfSettings  *self);
void         hf_settings_set_scan_concurrency   (HfSettings  *self,
                                                 guint        concurrency);
/* °C above which a miner is hot: alerts, and its temperature in red. */
double       hf_settings_get_temperature_alert  (HfSettings  *self);
void         hf_settings_set_temperature_alert  (HfSettings  *self,
                                                 double       celsius);
/* The hot threshold of @family: Antminers, Whatsminers and Avalons have
 * their own (their chips run warmer), every other family the one above. */
double       hf_settings_get_hot_c              (HfSettings  *self,
                                                 HfFamily     family);
void         hf_settings_set_hot_c              (HfSettings  *self,
                                                 HfFamily     family,
                                                 double       celsius);
/* The key of @family's threshold. */
const char  *hf_settings_hot_key                (HfFamily     family);
gboolean     hf_settings_get_notifications      (HfSettings  *self);
void         hf_settings_set_notifications      (HfSettings  *self,
                                                 gboolean     notifications);
char        *hf_settings_get_antminer_user      (HfSettings  *self);
void         hf_settings_set_antminer_user      (HfSettings  *self,
                                                 const char  *user);
char        *hf_settings_get_braiins_user       (HfSettings  *self);
void         hf_settings_set_braiins_user       (HfSettings  *self,
                                                 const char  *user);
/* The app stays (polling, recording, alerting) with its window closed. */
gboolean     hf_settings_get_run_in_background  (HfSettings  *self);
void         hf_settings_set_run_in_background  (HfSettings  *self,
                                                 gboolean     run);
/* The fleet on an MQTT broker, for Home Assistant (see hf-mqtt.h): on or
 * off, the broker's URL ("" until set), whether its commands are obeyed,
 * and the discovery prefix. */
gboolean     hf_settings_get_mqtt_enabled       (HfSettings  *self);
void         hf_settings_set_mqtt_enabled       (HfSettings  *self,
                                                 gboolean     enabled);
char        *hf_settings_get_mqtt_url           (HfSettings  *self);
void         hf_settings_set_mqtt_url           (HfSettings  *self,
                                                 const char  *url);
gboolean     hf_settings_get_mqtt_allow_control (HfSettings  *self);
void         hf_settings_set_mqtt_allow_control (HfSettings  *self,
                                                 gboolean     allow);
char        *hf_settings_get_mqtt_prefix        (HfSettings  *self);
void         hf_settings_set_mqtt_prefix        (HfSettings  *self,
                                                 const char  *prefix);
gboolean     hf_settings_get_api_enabled        (HfSettings  *self);
void         hf_settings_set_api_enabled        (HfSettings  *self,
                                                 gboolean     enabled);
char        *hf_settings_get_api_listen         (HfSettings  *self);
void         hf_settings_set_api_listen         (HfSettings  *self,
                                                 const char  *listen);

/* The tariff the "tariff" key holds, NULL when it is empty (no error) or
 * does not parse (a hand-edited key file: HF_ERROR_INVALID, saying why). */
HfTariff    *hf_settings_get_tariff             (HfSettings  *self,
                                                 GError     **error);
/* Keep @tariff (NULL: none) as its canonical text. */
void         hf_settings_set_tariff             (HfSettings  *self,
                                                 HfTariff    *tariff);

/* The alert rules the keys above set (thresholds, rules off, quiet hours,
 * the daily summary).  A quiet-hours or summary text that does not parse
 * (a hand-edited key file) is an error, and leaves that part off. */
gboolean     hf_settings_get_alert_rules        (HfSettings   *self,
                                                 HfAlertRules *rules,
                                                 GError      **error);

G_END_DECLS
