/* hf-mqtt.h — the fleet in Home Assistant, over MQTT
 * SPDX-License-Identifier: MIT
 *
 * An HfMqtt publishes a session's fleet to an MQTT broker: each miner as a
 * Home Assistant device (retained discovery configs under
 * <discovery-prefix>/<component>/hashfleet_<id>/<object>/config), its
 * readings as one JSON state per reading under hashfleet/<id>/state, the
 * fleet's totals under hashfleet/fleet/state, and hashfleet/status
 * ("online", or "offline" from the broker as the last will).  Commands
 * (hashfleet/<id>/command: restart, identify, pause, resume) are carried
 * out through the session, and only when control is allowed.
 *
 * libmosquitto's socket is driven from the thread-default main context;
 * there is no extra thread.
 */
#pragma once

#include <gio/gio.h>

#include "hf-session.h"

G_BEGIN_DECLS

#define HF_MQTT_DEFAULT_DISCOVERY_PREFIX "homeassistant"

#define HF_TYPE_MQTT (hf_mqtt_get_type ())
G_DECLARE_FINAL_TYPE (HfMqtt, hf_mqtt, HF, MQTT, GObject)

/* Whether @url is an MQTT broker URL hf_mqtt_new() takes. */
gboolean    hf_mqtt_check_url            (const char   *url,
                                          GError      **error);
/* A publisher of @session's fleet to the broker at @url
 * (mqtt://[user@]host[:port] or mqtts://…); NULL and @error when the URL
 * is not one.  Nothing is sent before hf_mqtt_start().  @session is not
 * kept alive by it (hf_session_set_mqtt() has the session keep it). */
HfMqtt     *hf_mqtt_new                  (HfSession    *session,
                                          const char   *url,
                                          GError      **error);
void        hf_mqtt_set_password         (HfMqtt       *self,
                                          const char   *password);
/* Offer restart/identify buttons and a pause switch, and obey them. */
void        hf_mqtt_set_allow_control    (HfMqtt       *self,
                                          gboolean      allow);
void        hf_mqtt_set_discovery_prefix (HfMqtt       *self,
                                          const char   *prefix);
/* Connect (and reconnect with backoff whenever the connection is lost). */
gboolean    hf_mqtt_start                (HfMqtt       *self,
                                          GError      **error);
/* Say "offline" and disconnect. */
void        hf_mqtt_stop                 (HfMqtt       *self);
/* Connected to the broker (notify::connected when that changes). */
gboolean    hf_mqtt_get_connected        (HfMqtt       *self);
/* Why the last connection attempt failed ("the broker refused the
 * connection: …", a name that does not resolve, …), NULL while connected
 * or before any failed; notify::problem when it changes. */
const char *hf_mqtt_get_problem          (HfMqtt       *self);
/* Messages handed to the broker since the start (for --stats and benches). */
guint64     hf_mqtt_get_published        (HfMqtt       *self);

/* hf_mqtt_new() with its password (NULL: none), control and discovery
 * prefix (NULL or "": the default), started and kept by @session
 * (hf_session_set_mqtt(), which stops the one it had); NULL and @error when
 * the URL is not one or the client cannot start.  (transfer none) */
HfMqtt     *hf_mqtt_start_for_session    (HfSession    *session,
                                          const char   *url,
                                          const char   *password,
                                          gboolean      allow_control,
                                          const char   *prefix,
                                          GError      **error);

G_END_DECLS
