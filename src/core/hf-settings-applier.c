/* hf-settings-applier.c
 * SPDX-License-Identifier: MIT
 *
 * One table says which key goes to which part of the session; a key
 * changed anywhere (Preferences, dconf, the app's own code) arrives as
 * the HfSettings property's notify and is applied by its row.  A new
 * setting the session honours is one row and one function here, the same
 * for the app and for serve.
 */
#include "config.h"

#include <string.h>

#include "hf-alerts.h"
#include "hf-config.h"
#include "hf-settings-applier.h"

struct _HfSettingsApplier
{
  GObject     parent_instance;

  /* Owned References */
  HfSettings *settings;
  HfSession  *session;
  HfMqtt     *mqtt;             /* the publisher started here, or NULL */
  char       *mqtt_password;
  char       *mqtt_error;

  gboolean    mqtt_password_known;
};

enum { SIGNAL_MQTT_CHANGED, N_SIGNALS };

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfSettingsApplier, hf_settings_applier, G_TYPE_OBJECT)

/* ---- one function per part of the session -------------------------------- */

static void
apply_poll_interval (HfSettingsApplier *self)
{
  hf_session_set_poll_interval (self->session, hf_settings_get_poll_interval (self->settings));
}

static void
apply_subnets (HfSettingsApplier *self)
{
  g_auto(GStrv) subnets = hf_settings_get_subnets (self->settings);

  hf_session_set_subnets (self->session, (const char * const *) subnets);
}

static void
apply_scan_options (HfSettingsApplier *self)
{
  hf_session_set_scan_options (self->session, hf_settings_get_scan_timeout (self->settings),
                               hf_settings_get_scan_concurrency (self->settings));
}

/* Every alert rule's key: thresholds, rules off, quiet hours, summary.
 * A text that does not parse (a hand-edited dconf or key file; serve
 * refuses such a file before it starts) leaves only its own part off. */
static void
apply_alert_rules (HfSettingsApplier *self)
{
  HfAlertRules rules;
  g_autoptr(GError) error = NULL;

  if (!hf_settings_get_alert_rules (self->settings, &rules, &error))
    g_warning ("alert rules: %s", error->message);
  hf_alerts_set_rules (hf_session_get_alerts (self->session), &rules);
}

/* A tariff that does not parse (a hand-edited dconf; serve refuses such a
 * file before it starts) is no tariff: energy without its cost. */
static void
apply_tariff (HfSettingsApplier *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfTariff) tariff = hf_settings_get_tariff (self->settings, &error);

  if (error != NULL)
    g_warning ("%s", error->message);
  hf_session_set_tariff (self->session, tariff);
}

/* A config is immutable once the fleet has it: a copy of the session's
 * (with whatever passwords the face put in) with the user changed. */
static void
apply_users (HfSettingsApplier *self)
{
  g_autofree char *antminer = hf_settings_get_antminer_user (self->settings);
  g_autofree char *braiins = hf_settings_get_braiins_user (self->settings);
  const HfConfig *current = hf_session_get_config (self->session);
  HfConfig *config;

  if (g_strcmp0 (current->antminer_user, antminer) == 0
      && g_strcmp0 (current->braiins_user, braiins) == 0)
    return;
  config = hf_config_copy (current);
  g_free (config->antminer_user);
  config->antminer_user = g_steal_pointer (&antminer);
  g_free (config->braiins_user);
  config->braiins_user = g_steal_pointer (&braiins);
  hf_session_set_config (self->session, config);
  hf_config_unref (config);
}

static void
mqtt_state_cb (HfMqtt            *mqtt,
               GParamSpec        *pspec,
               HfSettingsApplier *self)
{
  g_signal_emit (self, signals[SIGNAL_MQTT_CHANGED], 0);
}

static void
drop_mqtt (HfSettingsApplier *self)
{
  if (self->mqtt == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->mqtt, self);
  /* Stops it: "offline" on the broker. */
  if (hf_session_get_mqtt (self->session) == self->mqtt)
    hf_session_set_mqtt (self->session, NULL);
  g_clear_object (&self->mqtt);
}

/* Any MQTT key changed: a new publisher with the new settings (a running
 * one says "offline" first). */
static void
apply_mqtt (HfSettingsApplier *self)
{
  g_autofree char *url = hf_settings_get_mqtt_url (self->settings);
  g_autofree char *prefix = hf_settings_get_mqtt_prefix (self->settings);
  g_autoptr(GError) error = NULL;
  HfMqtt *mqtt;

  drop_mqtt (self);
  g_clear_pointer (&self->mqtt_error, g_free);
  if (!hf_settings_get_mqtt_enabled (self->settings))
    goto out;
  g_strstrip (url);
  if (*url == '\0')
    {
      self->mqtt_error = g_strdup ("no broker URL is set");
      goto out;
    }
  if (!self->mqtt_password_known)
    goto out;
  mqtt = hf_mqtt_start_for_session (self->session, url, self->mqtt_password,
                                    hf_settings_get_mqtt_allow_control (self->settings), prefix,
                                    &error);
  if (mqtt == NULL)
    {
      g_message ("MQTT: %s", error->message);
      self->mqtt_error = g_strdup (error->message);
      goto out;
    }
  self->mqtt = g_object_ref (mqtt);
  g_signal_connect (mqtt, "notify::connected", G_CALLBACK (mqtt_state_cb), self);
  g_signal_connect (mqtt, "notify::problem", G_CALLBACK (mqtt_state_cb), self);
  g_debug ("MQTT: publishing to %s", url);
out:
  g_signal_emit (self, signals[SIGNAL_MQTT_CHANGED], 0);
}

typedef void (*ApplyFunc) (HfSettingsApplier *self);

/* Which key configures what.  Each function reads every key it needs, so
 * a key may share its row's function with others. */
static const struct
{
  const char *key;
  ApplyFunc   apply;
} appliers[] = {
  { HF_SETTINGS_KEY_POLL_INTERVAL, apply_poll_interval },
  { HF_SETTINGS_KEY_SUBNETS, apply_subnets },
  { HF_SETTINGS_KEY_SCAN_TIMEOUT, apply_scan_options },
  { HF_SETTINGS_KEY_SCAN_CONCURRENCY, apply_scan_options },
  { HF_SETTINGS_KEY_TEMPERATURE_ALERT, apply_alert_rules },
  { HF_SETTINGS_KEY_TEMPERATURE_ALERT_ANTMINER, apply_alert_rules },
  { HF_SETTINGS_KEY_TEMPERATURE_ALERT_WHATSMINER, apply_alert_rules },
  { HF_SETTINGS_KEY_TEMPERATURE_ALERT_AVALON, apply_alert_rules },
  { HF_SETTINGS_KEY_BOARD_TEMPERATURE_ALERT, apply_alert_rules },
  { HF_SETTINGS_KEY_ALERTS_OFF, apply_alert_rules },
  { HF_SETTINGS_KEY_ALERT_OFFLINE_MINUTES, apply_alert_rules },
  { HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_PERCENT, apply_alert_rules },
  { HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_MINUTES, apply_alert_rules },
  { HF_SETTINGS_KEY_ALERT_NO_SHARE_MINUTES, apply_alert_rules },
  { HF_SETTINGS_KEY_ALERT_COOLDOWN_MINUTES, apply_alert_rules },
  { HF_SETTINGS_KEY_QUIET_HOURS, apply_alert_rules },
  { HF_SETTINGS_KEY_DAILY_SUMMARY, apply_alert_rules },
  { HF_SETTINGS_KEY_TARIFF, apply_tariff },
  { HF_SETTINGS_KEY_ANTMINER_USER, apply_users },
  { HF_SETTINGS_KEY_BRAIINS_USER, apply_users },
  { HF_SETTINGS_KEY_MQTT_ENABLED, apply_mqtt },
  { HF_SETTINGS_KEY_MQTT_URL, apply_mqtt },
  { HF_SETTINGS_KEY_MQTT_ALLOW_CONTROL, apply_mqtt },
  { HF_SETTINGS_KEY_MQTT_PREFIX, apply_mqtt },
};

static void
settings_notify_cb (HfSettings        *settings,
                    GParamSpec        *pspec,
                    HfSettingsApplier *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (appliers); i++)
    if (g_str_equal (pspec->name, appliers[i].key))
      {
        appliers[i].apply (self);
        return;
      }
}

/* ---- GObject ------------------------------------------------------------- */

static void
hf_settings_applier_dispose (GObject *object)
{
  HfSettingsApplier *self = HF_SETTINGS_APPLIER (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->session != NULL)
    drop_mqtt (self);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (hf_settings_applier_parent_class)->dispose (object);
}

static void
hf_settings_applier_finalize (GObject *object)
{
  HfSettingsApplier *self = HF_SETTINGS_APPLIER (object);

  if (self->mqtt_password != NULL)
    explicit_bzero (self->mqtt_password, strlen (self->mqtt_password));
  g_free (self->mqtt_password);
  g_free (self->mqtt_error);

  G_OBJECT_CLASS (hf_settings_applier_parent_class)->finalize (object);
}

static void
hf_settings_applier_class_init (HfSettingsApplierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_settings_applier_dispose;
  object_class->finalize = hf_settings_applier_finalize;

  signals[SIGNAL_MQTT_CHANGED] =
    g_signal_new ("mqtt-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hf_settings_applier_init (HfSettingsApplier *self)
{
}

/* ---- public API ---------------------------------------------------------- */

HfSettingsApplier *
hf_settings_applier_new (HfSettings *settings,
                         HfSession  *session)
{
  HfSettingsApplier *self;
  ApplyFunc last = NULL;

  g_return_val_if_fail (HF_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (HF_IS_SESSION (session), NULL);

  self = g_object_new (HF_TYPE_SETTINGS_APPLIER, NULL);
  self->settings = g_object_ref (settings);
  self->session = g_object_ref (session);
  /* Rows sharing a function stand together: each function runs once. */
  for (guint i = 0; i < G_N_ELEMENTS (appliers); i++)
    {
      if (appliers[i].apply != last)
        appliers[i].apply (self);
      last = appliers[i].apply;
    }
  g_signal_connect (settings, "notify", G_CALLBACK (settings_notify_cb), self);
  return self;
}

void
hf_settings_applier_set_mqtt_password (HfSettingsApplier *self,
                                       const char        *password)
{
  g_return_if_fail (HF_IS_SETTINGS_APPLIER (self));

  if (self->mqtt_password_known && g_strcmp0 (self->mqtt_password, password) == 0)
    return;
  if (self->mqtt_password != NULL)
    explicit_bzero (self->mqtt_password, strlen (self->mqtt_password));
  g_free (self->mqtt_password);
  self->mqtt_password = g_strdup (password);
  self->mqtt_password_known = TRUE;
  apply_mqtt (self);
}

HfMqtt *
hf_settings_applier_get_mqtt (HfSettingsApplier *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS_APPLIER (self), NULL);
  return self->mqtt;
}

const char *
hf_settings_applier_get_mqtt_error (HfSettingsApplier *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS_APPLIER (self), NULL);
  return self->mqtt_error;
}
