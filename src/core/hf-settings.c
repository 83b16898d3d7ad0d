/* hf-settings.c
 * SPDX-License-Identifier: MIT
 *
 * The only file that knows the schema's keys.  Each key is a property of
 * the same name, so widgets bind to properties (g_object_bind_property,
 * GPropertyAction) and listen to notify::, never to raw keys.  A key
 * changed anywhere (Preferences, dconf, another HfSettings on the same
 * backend) arrives as GSettings::changed and leaves as notify; setters
 * write only a different value, so a notify always means a change.
 */
#include "config.h"

#include "hf-settings.h"

struct _HfSettings
{
  GObject    parent_instance;

  GSettings *settings;
};

enum {
  PROP_0,
  PROP_WINDOW_WIDTH,
  PROP_WINDOW_HEIGHT,
  PROP_WINDOW_MAXIMIZED,
  PROP_VIEW_MODE,
  PROP_STYLE,
  PROP_CARD_SORT,
  PROP_SUBNETS,
  PROP_POLL_INTERVAL,
  PROP_SCAN_TIMEOUT,
  PROP_SCAN_CONCURRENCY,
  PROP_TEMPERATURE_ALERT,
  PROP_TEMPERATURE_ALERT_ANTMINER,
  PROP_TEMPERATURE_ALERT_WHATSMINER,
  PROP_TEMPERATURE_ALERT_AVALON,
  PROP_NOTIFICATIONS,
  PROP_ANTMINER_USER,
  PROP_API_ENABLED,
  PROP_API_LISTEN,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (HfSettings, hf_settings, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* Keys whose property is the key's value and nothing more are "plain":
 * their pspecs are made in install_plain_properties(), their ids follow
 * N_PROPS, and get_plain()/set_plain() carry the value through GSettings
 * whatever its type.  A new key of that kind needs its pspec and its
 * accessors, nothing in the property switches. */
#define N_PLAIN 16

static GParamSpec *plain_properties[N_PLAIN];

/* Setters write only a changed value: GSettings emits ::changed on every
 * write, and a notify should mean a change. */

static void
set_int (HfSettings *self,
         const char *key,
         int         value)
{
  if (g_settings_get_int (self->settings, key) != value)
    g_settings_set_int (self->settings, key, value);
}

static void
set_uint (HfSettings *self,
          const char *key,
          guint       value)
{
  if (g_settings_get_uint (self->settings, key) != value)
    g_settings_set_uint (self->settings, key, value);
}

static void
set_boolean (HfSettings *self,
             const char *key,
             gboolean    value)
{
  if (g_settings_get_boolean (self->settings, key) != !!value)
    g_settings_set_boolean (self->settings, key, value);
}

static void
set_string (HfSettings *self,
            const char *key,
            const char *value)
{
  g_autofree char *old = g_settings_get_string (self->settings, key);

  if (g_strcmp0 (old, value ? value : "") != 0)
    g_settings_set_string (self->settings, key, value ? value : "");
}

static void
get_plain (HfSettings *self,
           GParamSpec *pspec,
           GValue     *value)
{
  g_autoptr(GVariant) v = g_settings_get_value (self->settings, pspec->name);

  switch (G_PARAM_SPEC_VALUE_TYPE (pspec))
    {
    case G_TYPE_BOOLEAN: g_value_set_boolean (value, g_variant_get_boolean (v)); break;
    case G_TYPE_INT: g_value_set_int (value, g_variant_get_int32 (v)); break;
    case G_TYPE_UINT: g_value_set_uint (value, g_variant_get_uint32 (v)); break;
    case G_TYPE_DOUBLE: g_value_set_double (value, g_variant_get_double (v)); break;
    case G_TYPE_STRING: g_value_set_string (value, g_variant_get_string (v, NULL)); break;
    default:
      g_assert (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_STRV);
      g_value_take_boxed (value, g_variant_dup_strv (v, NULL));
    }
}

static void
set_plain (HfSettings   *self,
           GParamSpec   *pspec,
           const GValue *value)
{
  g_autoptr(GVariant) old = g_settings_get_value (self->settings, pspec->name);
  g_autoptr(GVariant) v = NULL;

  switch (G_PARAM_SPEC_VALUE_TYPE (pspec))
    {
    case G_TYPE_BOOLEAN: v = g_variant_new_boolean (g_value_get_boolean (value)); break;
    case G_TYPE_INT: v = g_variant_new_int32 (g_value_get_int (value)); break;
    case G_TYPE_UINT: v = g_variant_new_uint32 (g_value_get_uint (value)); break;
    case G_TYPE_DOUBLE: v = g_variant_new_double (g_value_get_double (value)); break;
    case G_TYPE_STRING:
      v = g_variant_new_string (g_value_get_string (value) ? g_value_get_string (value) : "");
      break;
    default:
      g_assert (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_STRV);
      v = g_variant_new_strv (g_value_get_boxed (value), -1);
    }
  g_variant_ref_sink (v);
  /* Only a change is written (a notify means a change). */
  if (!g_variant_equal (old, v))
    g_settings_set_value (self->settings, pspec->name, v);
}

static void
install_plain_properties (GObjectClass *object_class,
                          GParamFlags   flags)
{
  guint n = 0;

  /* Defaults as in the schema (test-settings compares them). */
  plain_properties[n++] =
    g_param_spec_boolean (HF_SETTINGS_KEY_RUN_IN_BACKGROUND, NULL, NULL, FALSE, flags);
  plain_properties[n++] =
    g_param_spec_boolean (HF_SETTINGS_KEY_MQTT_ENABLED, NULL, NULL, FALSE, flags);
  plain_properties[n++] =
    g_param_spec_string (HF_SETTINGS_KEY_MQTT_URL, NULL, NULL, "", flags);
  plain_properties[n++] =
    g_param_spec_boolean (HF_SETTINGS_KEY_MQTT_ALLOW_CONTROL, NULL, NULL, FALSE, flags);
  plain_properties[n++] =
    g_param_spec_string (HF_SETTINGS_KEY_MQTT_PREFIX, NULL, NULL, "homeassistant", flags);
  /* The alert rules' (read as a whole by hf_settings_get_alert_rules()). */
  plain_properties[n++] =
    g_param_spec_double (HF_SETTINGS_KEY_BOARD_TEMPERATURE_ALERT, NULL, NULL, 40, 150, 90, flags);
  plain_properties[n++] =
    g_param_spec_boxed (HF_SETTINGS_KEY_ALERTS_OFF, NULL, NULL, G_TYPE_STRV, flags);
  plain_properties[n++] =
    g_param_spec_uint (HF_SETTINGS_KEY_ALERT_OFFLINE_MINUTES, NULL, NULL, 0, 1440, 0, flags);
  plain_properties[n++] =
    g_param_spec_uint (HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_PERCENT, NULL, NULL, 1, 100, 80, flags);
  plain_properties[n++] =
    g_param_spec_uint (HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_MINUTES, NULL, NULL, 1, 1440, 10, flags);
  plain_properties[n++] =
    g_param_spec_uint (HF_SETTINGS_KEY_ALERT_NO_SHARE_MINUTES, NULL, NULL, 0, 1440, 30, flags);
  plain_properties[n++] =
    g_param_spec_uint (HF_SETTINGS_KEY_ALERT_COOLDOWN_MINUTES, NULL, NULL, 0, 1440, 30, flags);
  plain_properties[n++] =
    g_param_spec_string (HF_SETTINGS_KEY_QUIET_HOURS, NULL, NULL, "", flags);
  plain_properties[n++] =
    g_param_spec_string (HF_SETTINGS_KEY_DAILY_SUMMARY, NULL, NULL, "", flags);
  /* The tariff's text (read as a tariff by hf_settings_get_tariff()). */
  plain_properties[n++] =
    g_param_spec_string (HF_SETTINGS_KEY_TARIFF, NULL, NULL, "", flags);
  plain_properties[n++] =
    g_param_spec_string (HF_SETTINGS_KEY_BRAIINS_USER, NULL, NULL, "root", flags);
  g_assert (n == N_PLAIN);
  for (guint i = 0; i < N_PLAIN; i++)
    g_object_class_install_property (object_class, N_PROPS + i, plain_properties[i]);
}

static void
changed_cb (GSettings  *settings,
            const char *key,
            HfSettings *self)
{
  /* Properties are named after their keys. */
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), key);

  g_assert (HF_IS_SETTINGS (self));

  if (pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
hf_settings_dispose (GObject *object)
{
  HfSettings *self = HF_SETTINGS (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hf_settings_parent_class)->dispose (object);
}

static void
hf_settings_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HfSettings *self = HF_SETTINGS (object);

  if (prop_id >= N_PROPS)
    {
      get_plain (self, pspec, value);
      return;
    }
  switch (prop_id)
    {
    case PROP_WINDOW_WIDTH:
      g_value_set_int (value, hf_settings_get_window_width (self));
      break;
    case PROP_WINDOW_HEIGHT:
      g_value_set_int (value, hf_settings_get_window_height (self));
      break;
    case PROP_WINDOW_MAXIMIZED:
      g_value_set_boolean (value, hf_settings_get_window_maximized (self));
      break;
    case PROP_VIEW_MODE:
      g_value_take_string (value, hf_settings_get_view_mode (self));
      break;
    case PROP_STYLE:
      g_value_take_string (value, hf_settings_get_style (self));
      break;
    case PROP_CARD_SORT:
      g_value_take_string (value, hf_settings_get_card_sort (self));
      break;
    case PROP_SUBNETS:
      g_value_take_boxed (value, hf_settings_get_subnets (self));
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, hf_settings_get_poll_interval (self));
      break;
    case PROP_SCAN_TIMEOUT:
      g_value_set_uint (value, hf_settings_get_scan_timeout (self));
      break;
    case PROP_SCAN_CONCURRENCY:
      g_value_set_uint (value, hf_settings_get_scan_concurrency (self));
      break;
    case PROP_TEMPERATURE_ALERT:
      g_value_set_double (value, hf_settings_get_temperature_alert (self));
      break;
    case PROP_TEMPERATURE_ALERT_ANTMINER:
    case PROP_TEMPERATURE_ALERT_WHATSMINER:
    case PROP_TEMPERATURE_ALERT_AVALON:
      g_value_set_double (value, g_settings_get_double (self->settings, pspec->name));
      break;
    case PROP_NOTIFICATIONS:
      g_value_set_boolean (value, hf_settings_get_notifications (self));
      break;
    case PROP_ANTMINER_USER:
      g_value_take_string (value, hf_settings_get_antminer_user (self));
      break;
    case PROP_API_ENABLED:
      g_value_set_boolean (value, hf_settings_get_api_enabled (self));
      break;
    case PROP_API_LISTEN:
      g_value_take_string (value, hf_settings_get_api_listen (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_settings_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  HfSettings *self = HF_SETTINGS (object);

  if (prop_id >= N_PROPS)
    {
      set_plain (self, pspec, value);
      return;
    }
  switch (prop_id)
    {
    case PROP_WINDOW_WIDTH:
      hf_settings_set_window_width (self, g_value_get_int (value));
      break;
    case PROP_WINDOW_HEIGHT:
      hf_settings_set_window_height (self, g_value_get_int (value));
      break;
    case PROP_WINDOW_MAXIMIZED:
      hf_settings_set_window_maximized (self, g_value_get_boolean (value));
      break;
    case PROP_VIEW_MODE:
      hf_settings_set_view_mode (self, g_value_get_string (value));
      break;
    case PROP_STYLE:
      hf_settings_set_style (self, g_value_get_string (value));
      break;
    case PROP_CARD_SORT:
      hf_settings_set_card_sort (self, g_value_get_string (value));
      break;
    case PROP_SUBNETS:
      hf_settings_set_subnets (self, g_value_get_boxed (value));
      break;
    case PROP_POLL_INTERVAL:
      hf_settings_set_poll_interval (self, g_value_get_uint (value));
      break;
    case PROP_SCAN_TIMEOUT:
      hf_settings_set_scan_timeout (self, g_value_get_uint (value));
      break;
    case PROP_SCAN_CONCURRENCY:
      hf_settings_set_scan_concurrency (self, g_value_get_uint (value));
      break;
    case PROP_TEMPERATURE_ALERT:
      hf_settings_set_temperature_alert (self, g_value_get_double (value));
      break;
    case PROP_TEMPERATURE_ALERT_ANTMINER:
    case PROP_TEMPERATURE_ALERT_WHATSMINER:
    case PROP_TEMPERATURE_ALERT_AVALON:
      if (g_settings_get_double (self->settings, pspec->name) != g_value_get_double (value))
        g_settings_set_double (self->settings, pspec->name, g_value_get_double (value));
      break;
    case PROP_NOTIFICATIONS:
      hf_settings_set_notifications (self, g_value_get_boolean (value));
      break;
    case PROP_ANTMINER_USER:
      hf_settings_set_antminer_user (self, g_value_get_string (value));
      break;
    case PROP_API_ENABLED:
      hf_settings_set_api_enabled (self, g_value_get_boolean (value));
      break;
    case PROP_API_LISTEN:
      hf_settings_set_api_listen (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_settings_class_init (HfSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  /* Writes go to GSettings; notify comes back from its ::changed. */
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = hf_settings_dispose;
  object_class->get_property = hf_settings_get_property;
  object_class->set_property = hf_settings_set_property;
  install_plain_properties (object_class, flags);

  /* Defaults and ranges as in the schema (test-settings compares them). */
  properties[PROP_WINDOW_WIDTH] =
    g_param_spec_int (HF_SETTINGS_KEY_WINDOW_WIDTH, NULL, NULL,
                      G_MININT32, G_MAXINT32, 1100, flags);
  properties[PROP_WINDOW_HEIGHT] =
    g_param_spec_int (HF_SETTINGS_KEY_WINDOW_HEIGHT, NULL, NULL,
                      G_MININT32, G_MAXINT32, 720, flags);
  properties[PROP_WINDOW_MAXIMIZED] =
    g_param_spec_boolean (HF_SETTINGS_KEY_WINDOW_MAXIMIZED, NULL, NULL, FALSE, flags);
  properties[PROP_VIEW_MODE] =
    g_param_spec_string (HF_SETTINGS_KEY_VIEW_MODE, NULL, NULL, "cards", flags);
  properties[PROP_STYLE] =
    g_param_spec_string (HF_SETTINGS_KEY_STYLE, NULL, NULL, "system", flags);
  properties[PROP_CARD_SORT] =
    g_param_spec_string (HF_SETTINGS_KEY_CARD_SORT, NULL, NULL, "address", flags);
  properties[PROP_SUBNETS] =
    g_param_spec_boxed (HF_SETTINGS_KEY_SUBNETS, NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint (HF_SETTINGS_KEY_POLL_INTERVAL, NULL, NULL, 5, 3600, 15, flags);
  properties[PROP_SCAN_TIMEOUT] =
    g_param_spec_uint (HF_SETTINGS_KEY_SCAN_TIMEOUT, NULL, NULL, 100, 10000, 1000, flags);
  properties[PROP_SCAN_CONCURRENCY] =
    g_param_spec_uint (HF_SETTINGS_KEY_SCAN_CONCURRENCY, NULL, NULL, 1, 4096, 512, flags);
  properties[PROP_TEMPERATURE_ALERT] =
    g_param_spec_double (HF_SETTINGS_KEY_TEMPERATURE_ALERT, NULL, NULL, 40, 120, 75, flags);
  properties[PROP_TEMPERATURE_ALERT_ANTMINER] =
    g_param_spec_double (HF_SETTINGS_KEY_TEMPERATURE_ALERT_ANTMINER, NULL, NULL, 40, 120, 85, flags);
  properties[PROP_TEMPERATURE_ALERT_WHATSMINER] =
    g_param_spec_double (HF_SETTINGS_KEY_TEMPERATURE_ALERT_WHATSMINER, NULL, NULL, 40, 120, 85,
                         flags);
  properties[PROP_TEMPERATURE_ALERT_AVALON] =
    g_param_spec_double (HF_SETTINGS_KEY_TEMPERATURE_ALERT_AVALON, NULL, NULL, 40, 120, 85, flags);
  properties[PROP_NOTIFICATIONS] =
    g_param_spec_boolean (HF_SETTINGS_KEY_NOTIFICATIONS, NULL, NULL, TRUE, flags);
  properties[PROP_ANTMINER_USER] =
    g_param_spec_string (HF_SETTINGS_KEY_ANTMINER_USER, NULL, NULL, "root", flags);
  properties[PROP_API_ENABLED] =
    g_param_spec_boolean (HF_SETTINGS_KEY_API_ENABLED, NULL, NULL, FALSE, flags);
  properties[PROP_API_LISTEN] =
    g_param_spec_string (HF_SETTINGS_KEY_API_LISTEN, NULL, NULL, "127.0.0.1:8080", flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hf_settings_init (HfSettings *self)
{
}

HfSettings *
hf_settings_new (GSettings *settings)
{
  HfSettings *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (HF_TYPE_SETTINGS, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect (settings, "changed", G_CALLBACK (changed_cb), self);
  return self;
}

GSettings *
hf_settings_get_gsettings (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);
  return self->settings;
}

int
hf_settings_get_window_width (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), 0);
  return g_settings_get_int (self->settings, HF_SETTINGS_KEY_WINDOW_WIDTH);
}

void
hf_settings_set_window_width (HfSettings *self,
                              int         width)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_int (self, HF_SETTINGS_KEY_WINDOW_WIDTH, width);
}

int
hf_settings_get_window_height (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), 0);
  return g_settings_get_int (self->settings, HF_SETTINGS_KEY_WINDOW_HEIGHT);
}

void
hf_settings_set_window_height (HfSettings *self,
                               int         height)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_int (self, HF_SETTINGS_KEY_WINDOW_HEIGHT, height);
}

gboolean
hf_settings_get_window_maximized (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), FALSE);
  return g_settings_get_boolean (self->settings, HF_SETTINGS_KEY_WINDOW_MAXIMIZED);
}

void
hf_settings_set_window_maximized (HfSettings *self,
                                  gboolean    maximized)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_boolean (self, HF_SETTINGS_KEY_WINDOW_MAXIMIZED, maximized);
}

char *
hf_settings_get_view_mode (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, HF_SETTINGS_KEY_VIEW_MODE);
}

void
hf_settings_set_view_mode (HfSettings *self,
                           const char *view_mode)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  g_return_if_fail (view_mode != NULL);
  set_string (self, HF_SETTINGS_KEY_VIEW_MODE, view_mode);
}

char *
hf_settings_get_card_sort (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);

  return g_settings_get_string (self->settings, HF_SETTINGS_KEY_CARD_SORT);
}

void
hf_settings_set_card_sort (HfSettings *self,
                           const char *card_sort)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  g_return_if_fail (card_sort != NULL);
  set_string (self, HF_SETTINGS_KEY_CARD_SORT, card_sort);
}

char *
hf_settings_get_style (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, HF_SETTINGS_KEY_STYLE);
}

void
hf_settings_set_style (HfSettings *self,
                       const char *style)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  g_return_if_fail (style != NULL);
  set_string (self, HF_SETTINGS_KEY_STYLE, style);
}

char **
hf_settings_get_subnets (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);
  return g_settings_get_strv (self->settings, HF_SETTINGS_KEY_SUBNETS);
}

void
hf_settings_set_subnets (HfSettings         *self,
                         const char * const *subnets)
{
  const char * const none[] = { NULL };
  g_auto(GStrv) old = NULL;

  g_return_if_fail (HF_IS_SETTINGS (self));

  if (subnets == NULL)
    subnets = none;
  old = g_settings_get_strv (self->settings, HF_SETTINGS_KEY_SUBNETS);
  if (!g_strv_equal ((const char * const *) old, subnets))
    g_settings_set_strv (self->settings, HF_SETTINGS_KEY_SUBNETS, subnets);
}

guint
hf_settings_get_poll_interval (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), 0);
  return g_settings_get_uint (self->settings, HF_SETTINGS_KEY_POLL_INTERVAL);
}

void
hf_settings_set_poll_interval (HfSettings *self,
                               guint       seconds)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_uint (self, HF_SETTINGS_KEY_POLL_INTERVAL, seconds);
}

guint
hf_settings_get_scan_timeout (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), 0);
  return g_settings_get_uint (self->settings, HF_SETTINGS_KEY_SCAN_TIMEOUT);
}

void
hf_settings_set_scan_timeout (HfSettings *self,
                              guint       ms)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_uint (self, HF_SETTINGS_KEY_SCAN_TIMEOUT, ms);
}

guint
hf_settings_get_scan_concurrency (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), 0);
  return g_settings_get_uint (self->settings, HF_SETTINGS_KEY_SCAN_CONCURRENCY);
}

void
hf_settings_set_scan_concurrency (HfSettings *self,
                                  guint       concurrency)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_uint (self, HF_SETTINGS_KEY_SCAN_CONCURRENCY, concurrency);
}

double
hf_settings_get_temperature_alert (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), 0);
  return g_settings_get_double (self->settings, HF_SETTINGS_KEY_TEMPERATURE_ALERT);
}

void
hf_settings_set_temperature_alert (HfSettings *self,
                                   double      celsius)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  if (g_settings_get_double (self->settings, HF_SETTINGS_KEY_TEMPERATURE_ALERT) != celsius)
    g_settings_set_double (self->settings, HF_SETTINGS_KEY_TEMPERATURE_ALERT, celsius);
}

const char *
hf_settings_hot_key (HfFamily family)
{
  switch (family)
    {
    case HF_FAMILY_ANTMINER:
    case HF_FAMILY_BRAIINS:   /* custom firmware on Antminer hardware */
    case HF_FAMILY_LUXOS:
    case HF_FAMILY_VNISH:
      return HF_SETTINGS_KEY_TEMPERATURE_ALERT_ANTMINER;
    case HF_FAMILY_WHATSMINER: return HF_SETTINGS_KEY_TEMPERATURE_ALERT_WHATSMINER;
    case HF_FAMILY_AVALON: return HF_SETTINGS_KEY_TEMPERATURE_ALERT_AVALON;
    case HF_FAMILY_UNKNOWN:
    case HF_FAMILY_AXEOS:
    case HF_FAMILY_CGMINER:
    default: return HF_SETTINGS_KEY_TEMPERATURE_ALERT;
    }
}

double
hf_settings_get_hot_c (HfSettings *self,
                       HfFamily    family)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), 0);
  return g_settings_get_double (self->settings, hf_settings_hot_key (family));
}

void
hf_settings_set_hot_c (HfSettings *self,
                       HfFamily    family,
                       double      celsius)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  g_object_set (self, hf_settings_hot_key (family), celsius, NULL);
}

gboolean
hf_settings_get_notifications (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), FALSE);
  return g_settings_get_boolean (self->settings, HF_SETTINGS_KEY_NOTIFICATIONS);
}

void
hf_settings_set_notifications (HfSettings *self,
                               gboolean    notifications)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_boolean (self, HF_SETTINGS_KEY_NOTIFICATIONS, notifications);
}

char *
hf_settings_get_antminer_user (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, HF_SETTINGS_KEY_ANTMINER_USER);
}

void
hf_settings_set_antminer_user (HfSettings *self,
                               const char *user)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_string (self, HF_SETTINGS_KEY_ANTMINER_USER, user);
}

char *
hf_settings_get_braiins_user (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, HF_SETTINGS_KEY_BRAIINS_USER);
}

void
hf_settings_set_braiins_user (HfSettings *self,
                              const char *user)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_string (self, HF_SETTINGS_KEY_BRAIINS_USER, user);
}

gboolean
hf_settings_get_run_in_background (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), FALSE);
  return g_settings_get_boolean (self->settings, HF_SETTINGS_KEY_RUN_IN_BACKGROUND);
}

void
hf_settings_set_run_in_background (HfSettings *self,
                                   gboolean    run)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_boolean (self, HF_SETTINGS_KEY_RUN_IN_BACKGROUND, run);
}

gboolean
hf_settings_get_mqtt_enabled (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), FALSE);
  return g_settings_get_boolean (self->settings, HF_SETTINGS_KEY_MQTT_ENABLED);
}

void
hf_settings_set_mqtt_enabled (HfSettings *self,
                              gboolean    enabled)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_boolean (self, HF_SETTINGS_KEY_MQTT_ENABLED, enabled);
}

char *
hf_settings_get_mqtt_url (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, HF_SETTINGS_KEY_MQTT_URL);
}

void
hf_settings_set_mqtt_url (HfSettings *self,
                          const char *url)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_string (self, HF_SETTINGS_KEY_MQTT_URL, url);
}

gboolean
hf_settings_get_mqtt_allow_control (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), FALSE);
  return g_settings_get_boolean (self->settings, HF_SETTINGS_KEY_MQTT_ALLOW_CONTROL);
}

void
hf_settings_set_mqtt_allow_control (HfSettings *self,
                                    gboolean    allow)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_boolean (self, HF_SETTINGS_KEY_MQTT_ALLOW_CONTROL, allow);
}

char *
hf_settings_get_mqtt_prefix (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, HF_SETTINGS_KEY_MQTT_PREFIX);
}

void
hf_settings_set_mqtt_prefix (HfSettings *self,
                             const char *prefix)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  g_return_if_fail (prefix != NULL && *prefix != '\0');
  set_string (self, HF_SETTINGS_KEY_MQTT_PREFIX, prefix);
}

gboolean
hf_settings_get_api_enabled (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), FALSE);
  return g_settings_get_boolean (self->settings, HF_SETTINGS_KEY_API_ENABLED);
}

void
hf_settings_set_api_enabled (HfSettings *self,
                             gboolean    enabled)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_boolean (self, HF_SETTINGS_KEY_API_ENABLED, enabled);
}

char *
hf_settings_get_api_listen (HfSettings *self)
{
  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);
  return g_settings_get_string (self->settings, HF_SETTINGS_KEY_API_LISTEN);
}

void
hf_settings_set_api_listen (HfSettings *self,
                            const char *listen)
{
  g_return_if_fail (HF_IS_SETTINGS (self));
  set_string (self, HF_SETTINGS_KEY_API_LISTEN, listen);
}

HfTariff *
hf_settings_get_tariff (HfSettings  *self,
                        GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (HF_IS_SETTINGS (self), NULL);

  text = g_settings_get_string (self->settings, HF_SETTINGS_KEY_TARIFF);
  g_strstrip (text);
  if (*text == '\0')
    return NULL;
  return hf_tariff_parse (text, error);
}

void
hf_settings_set_tariff (HfSettings *self,
                        HfTariff   *tariff)
{
  g_autofree char *text = NULL;

  g_return_if_fail (HF_IS_SETTINGS (self));

  text = tariff != NULL ? hf_tariff_to_string (tariff) : g_strdup ("");
  set_string (self, HF_SETTINGS_KEY_TARIFF, text);
}

gboolean
hf_settings_get_alert_rules (HfSettings   *self,
                             HfAlertRules *rules,
                             GError      **error)
{
  g_auto(GStrv) off = NULL;
  g_autofree char *quiet = NULL;
  g_autofree char *summary = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (HF_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (rules != NULL, FALSE);

  hf_alert_rules_init (rules);
  rules->hot_c = hf_settings_get_temperature_alert (self);
  for (HfFamily family = HF_FAMILY_ANTMINER; family < HF_N_FAMILIES; family++)
    if (family != HF_FAMILY_CGMINER)
      rules->family_hot_c[family] = hf_settings_get_hot_c (self, family);
  rules->board_hot_c = g_settings_get_double (self->settings, HF_SETTINGS_KEY_BOARD_TEMPERATURE_ALERT);
  rules->offline_after_s = 60 * g_settings_get_uint (self->settings, HF_SETTINGS_KEY_ALERT_OFFLINE_MINUTES);
  rules->low_percent = g_settings_get_uint (self->settings, HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_PERCENT);
  rules->low_for_s = 60 * g_settings_get_uint (self->settings, HF_SETTINGS_KEY_ALERT_LOW_HASHRATE_MINUTES);
  rules->no_share_s = 60 * g_settings_get_uint (self->settings, HF_SETTINGS_KEY_ALERT_NO_SHARE_MINUTES);
  rules->cooldown_s = 60 * g_settings_get_uint (self->settings, HF_SETTINGS_KEY_ALERT_COOLDOWN_MINUTES);
  off = g_settings_get_strv (self->settings, HF_SETTINGS_KEY_ALERTS_OFF);
  quiet = g_settings_get_string (self->settings, HF_SETTINGS_KEY_QUIET_HOURS);
  summary = g_settings_get_string (self->settings, HF_SETTINGS_KEY_DAILY_SUMMARY);
  /* Each part on its own: one bad text does not undo the others. */
  if (!hf_alert_rules_set_off (rules, (const char * const *) off, error))
    ok = FALSE, error = NULL;
  if (!hf_alert_rules_parse_quiet (rules, quiet, error))
    ok = FALSE, error = NULL;
  if (!hf_alert_rules_parse_summary (rules, summary, error))
    ok = FALSE;
  return ok;
}
