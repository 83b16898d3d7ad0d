/* hf-settings-applier.h — a session run as the settings say
 * SPDX-License-Identifier: MIT
 *
 * An HfSettingsApplier keeps an HfSession configured from an HfSettings:
 * the poll interval, discovery's subnets and scan options, the alert
 * thresholds, the tariff, the Antminer user and MQTT are applied at once and again
 * whenever their key changes.  The app (over the user's GSettings) and
 * hashfleet-cli serve --config (over a key file) both run their session
 * through one.  The HTTP API is each face's own (src/api is above the
 * core): they read api-enabled and api-listen themselves.
 */
#pragma once

#include <gio/gio.h>

#include "hf-mqtt.h"
#include "hf-session.h"
#include "hf-settings.h"

G_BEGIN_DECLS

#define HF_TYPE_SETTINGS_APPLIER (hf_settings_applier_get_type ())
G_DECLARE_FINAL_TYPE (HfSettingsApplier, hf_settings_applier, HF, SETTINGS_APPLIER, GObject)

/* Apply @settings to @session now and from then on.  MQTT waits for
 * hf_settings_applier_set_mqtt_password(). */
HfSettingsApplier *hf_settings_applier_new               (HfSettings        *settings,
                                                          HfSession         *session);
/* The broker's password (NULL: none), from the keyring or a file, which
 * may come later than the settings: MQTT publishes (when mqtt-enabled and
 * mqtt-url say so) only once this was called.  A different password
 * restarts a running connection with it. */
void               hf_settings_applier_set_mqtt_password (HfSettingsApplier *self,
                                                          const char        *password);
/* The publisher, NULL when MQTT is off (or waits for its password, or
 * could not start).  ::mqtt-changed says when it, its connection or
 * hf_settings_applier_get_mqtt_error() changed. */
HfMqtt            *hf_settings_applier_get_mqtt          (HfSettingsApplier *self);
/* Why MQTT is on but not publishing ("no broker URL", a URL that is not
 * one), NULL otherwise.  A broker that refuses or cannot be reached is
 * hf_mqtt_get_problem()'s to say. */
const char        *hf_settings_applier_get_mqtt_error    (HfSettingsApplier *self);

G_END_DECLS
