/* hf-application.h — the app: one fleet, its store, its alerts
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-core.h"
#include "hf-notify-channels.h"
#include "hf-settings.h"

G_BEGIN_DECLS

#define HF_TYPE_APPLICATION (hf_application_get_type ())

G_DECLARE_FINAL_TYPE (HfApplication, hf_application, HF, APPLICATION, AdwApplication)

HfApplication *hf_application_new            (void);

/* The session the app drives: its fleet, its store (for reading), every
 * action on a miner. */
HfSession     *hf_application_get_session    (HfApplication *self);
HfFleet       *hf_application_get_fleet      (HfApplication *self);
/* NULL until loaded, or when the database could not be opened (the app
 * still runs). */
HfStore       *hf_application_get_store      (HfApplication *self);
/* TRUE (and notify::loaded) once the stored fleet is in the session, or
 * there is none to wait for; while another program holds the database,
 * hf_application_get_store_error() says so and loading is retried. */
gboolean       hf_application_get_loaded     (HfApplication *self);
const char    *hf_application_get_store_error (HfApplication *self);
/* The app's one HfSettings: every window and dialog uses it. */
HfSettings    *hf_application_get_settings   (HfApplication *self);

/* Read the miner passwords (and the notification channels) from the
 * keyring again (after Preferences). */
void           hf_application_reload_credentials (HfApplication *self);

/* The HTTP API: its token (NULL until one is made), why it is not
 * serving when it is on but failed (NULL otherwise), the port it serves
 * on (0: not serving).  A new token replaces the old one once the keyring
 * keeps it; when it cannot, the old one stays and the error says why. */
const char    *hf_application_get_api_token  (HfApplication *self);
const char    *hf_application_get_api_error  (HfApplication *self);
guint16        hf_application_get_api_port   (HfApplication *self);
void           hf_application_regenerate_api_token_async  (HfApplication       *self,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean       hf_application_regenerate_api_token_finish (HfApplication       *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* The notification channels (Preferences → Automation): the list the
 * session's notifier sends to, kept in the keyring (hf-notify-channels.h),
 * and its URLs, one a line (NULL: none). */
HfNotifyChannels *hf_application_get_notify_channels (HfApplication *self);
const char    *hf_application_get_notify_urls (HfApplication *self);

/* What applies the settings to the session (the MQTT publisher, and why
 * there is none: hf-settings-applier.h); NULL once the session ended. */
HfSettingsApplier *hf_application_get_applier (HfApplication *self);
/* The MQTT broker's password: used at once, then kept in the keyring; the
 * error says when the keyring could not (it is used until the app ends).
 * NULL or "" clears it. */
void           hf_application_set_mqtt_password_async  (HfApplication       *self,
                                                        const char          *password,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean       hf_application_set_mqtt_password_finish (HfApplication       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* What the app said of the last block a miner found ("bitaxe-a found a
 * block"), in its notification and toast; NULL before the first. */
const char    *hf_application_get_block_text (HfApplication *self);

G_END_DECLS
