/* hf-miner.c
 * SPDX-License-Identifier: MIT
 *
 * Every field the UI shows is a property with EXPLICIT_NOTIFY, so a setter
 * that does not change the value emits nothing and bound widgets stay calm.
 */

#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-miner.h"

struct _HfMiner
{
  GObject    parent_instance;

  char      *address;
  guint16    http_port;
  guint16    cgminer_port;
  guint      api_version;   /* 0: the family's usual API; 3: Whatsminer API v3 */
  gboolean   api_version_confirmed; /* not stored: see hf_miner_update_identity() */
  HfFamily   family;
  char      *model;
  char      *firmware;
  char      *hostname;
  char      *mac;
  char      *serial;
  char      *label;

  HfReading *reading;
  gboolean   online;
  gboolean   restarting;
  gint64     last_seen;
  char      *error;
  int        error_code;    /* its HfError, -1 for none or another domain */
  HfCapabilities capabilities;
  HfState state;
  gint64     state_since;
  guint      blocks_found;
};

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_HTTP_PORT,
  PROP_CGMINER_PORT,
  PROP_API_VERSION,
  PROP_FAMILY,
  PROP_MODEL,
  PROP_FIRMWARE,
  PROP_HOSTNAME,
  PROP_MAC,
  PROP_SERIAL,
  PROP_LABEL,
  PROP_READING,
  PROP_ONLINE,
  PROP_RESTARTING,
  PROP_LAST_SEEN,
  PROP_ERROR,
  PROP_HASHRATE_GHS,
  PROP_TEMPERATURE_C,
  PROP_POWER_W,
  PROP_CAPABILITIES,
  PROP_STATE,
  PROP_STATE_SINCE,
  PROP_BLOCKS_FOUND,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (HfMiner, hf_miner, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* Sets *field to value; returns TRUE when it changed. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
same_double (double a,
             double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

static void
hf_miner_finalize (GObject *object)
{
  HfMiner *self = (HfMiner *) object;

  g_free (self->address);
  g_free (self->model);
  g_free (self->firmware);
  g_free (self->hostname);
  g_free (self->mac);
  g_free (self->serial);
  g_free (self->label);
  g_clear_pointer (&self->reading, hf_reading_free);
  g_free (self->error);

  G_OBJECT_CLASS (hf_miner_parent_class)->finalize (object);
}

static void
hf_miner_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  HfMiner *self = HF_MINER (object);

  switch (prop_id)
    {
    case PROP_ADDRESS: g_value_set_string (value, self->address); break;
    case PROP_HTTP_PORT: g_value_set_uint (value, self->http_port); break;
    case PROP_CGMINER_PORT: g_value_set_uint (value, self->cgminer_port); break;
    case PROP_API_VERSION: g_value_set_uint (value, self->api_version); break;
    case PROP_FAMILY: g_value_set_enum (value, self->family); break;
    case PROP_MODEL: g_value_set_string (value, self->model); break;
    case PROP_FIRMWARE: g_value_set_string (value, self->firmware); break;
    case PROP_HOSTNAME: g_value_set_string (value, self->hostname); break;
    case PROP_MAC: g_value_set_string (value, self->mac); break;
    case PROP_SERIAL: g_value_set_string (value, self->serial); break;
    case PROP_LABEL: g_value_set_string (value, self->label); break;
    case PROP_READING: g_value_set_boxed (value, self->reading); break;
    case PROP_ONLINE: g_value_set_boolean (value, self->online); break;
    case PROP_RESTARTING: g_value_set_boolean (value, self->restarting); break;
    case PROP_LAST_SEEN: g_value_set_int64 (value, self->last_seen); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    case PROP_HASHRATE_GHS: g_value_set_double (value, hf_miner_get_hashrate_ghs (self)); break;
    case PROP_TEMPERATURE_C: g_value_set_double (value, hf_miner_get_temperature_c (self)); break;
    case PROP_POWER_W: g_value_set_double (value, hf_miner_get_power_w (self)); break;
    case PROP_CAPABILITIES: g_value_set_flags (value, self->capabilities); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_STATE_SINCE: g_value_set_int64 (value, self->state_since); break;
    case PROP_BLOCKS_FOUND: g_value_set_uint (value, self->blocks_found); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_miner_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  HfMiner *self = HF_MINER (object);

  switch (prop_id)
    {
    case PROP_ADDRESS: hf_miner_set_address (self, g_value_get_string (value)); break;
    case PROP_HTTP_PORT: hf_miner_set_http_port (self, g_value_get_uint (value)); break;
    case PROP_CGMINER_PORT: hf_miner_set_cgminer_port (self, g_value_get_uint (value)); break;
    case PROP_API_VERSION: hf_miner_set_api_version (self, g_value_get_uint (value)); break;
    case PROP_FAMILY: hf_miner_set_family (self, g_value_get_enum (value)); break;
    case PROP_MODEL: hf_miner_set_model (self, g_value_get_string (value)); break;
    case PROP_FIRMWARE: hf_miner_set_firmware (self, g_value_get_string (value)); break;
    case PROP_HOSTNAME: hf_miner_set_hostname (self, g_value_get_string (value)); break;
    case PROP_MAC: hf_miner_set_mac (self, g_value_get_string (value)); break;
    case PROP_SERIAL: hf_miner_set_serial (self, g_value_get_string (value)); break;
    case PROP_LABEL: hf_miner_set_label (self, g_value_get_string (value)); break;
    case PROP_READING: hf_miner_set_reading (self, g_value_get_boxed (value)); break;
    case PROP_ONLINE: hf_miner_set_online (self, g_value_get_boolean (value)); break;
    case PROP_RESTARTING: hf_miner_set_restarting (self, g_value_get_boolean (value)); break;
    case PROP_ERROR: hf_miner_set_error (self, g_value_get_string (value)); break;
    case PROP_CAPABILITIES: hf_miner_set_capabilities (self, g_value_get_flags (value)); break;
    case PROP_BLOCKS_FOUND: hf_miner_set_blocks_found (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_miner_class_init (HfMinerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hf_miner_finalize;
  object_class->get_property = hf_miner_get_property;
  object_class->set_property = hf_miner_set_property;

  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, rw);
  properties[PROP_HTTP_PORT] = g_param_spec_uint ("http-port", NULL, NULL, 0, 65535, 80, rw);
  properties[PROP_CGMINER_PORT] =
    g_param_spec_uint ("cgminer-port", NULL, NULL, 0, 65535, 4028, rw);
  /* Which API of its family the miner is reached by (0: the usual one;
   * 3: Whatsminer API v3, on cgminer-port). */
  properties[PROP_API_VERSION] =
    g_param_spec_uint ("api-version", NULL, NULL, 0, 99, 0, rw);
  properties[PROP_FAMILY] = g_param_spec_enum ("family", NULL, NULL, HF_TYPE_FAMILY,
                                               HF_FAMILY_UNKNOWN, rw);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, rw);
  properties[PROP_FIRMWARE] = g_param_spec_string ("firmware", NULL, NULL, NULL, rw);
  properties[PROP_HOSTNAME] = g_param_spec_string ("hostname", NULL, NULL, NULL, rw);
  properties[PROP_MAC] = g_param_spec_string ("mac", NULL, NULL, NULL, rw);
  properties[PROP_SERIAL] = g_param_spec_string ("serial", NULL, NULL, NULL, rw);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, rw);
  properties[PROP_READING] = g_param_spec_boxed ("reading", NULL, NULL, HF_TYPE_READING, rw);
  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE, rw);
  properties[PROP_RESTARTING] = g_param_spec_boolean ("restarting", NULL, NULL, FALSE, rw);
  properties[PROP_LAST_SEEN] = g_param_spec_int64 ("last-seen", NULL, NULL,
                                                   0, G_MAXINT64, 0, ro);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, rw);
  /* Set by the fleet from the family's driver, so that views offer only
   * what the miner can do without asking a driver themselves. */
  properties[PROP_CAPABILITIES] = g_param_spec_flags ("capabilities", NULL, NULL,
                                                      HF_TYPE_CAPABILITIES, 0, rw);
  /* Set by the fleet (hf_miner_set_state()); views bind to it. */
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HF_TYPE_STATE,
                                              HF_STATE_UNKNOWN,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                              | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE_SINCE] = g_param_spec_int64 ("state-since", NULL, NULL,
                                                     0, G_MAXINT64, 0,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                     | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BLOCKS_FOUND] = g_param_spec_uint ("blocks-found", NULL, NULL,
                                                     0, G_MAXUINT, 0, rw);
  /* Unknown is NAN at run time; a pspec default cannot be NAN. */
  properties[PROP_HASHRATE_GHS] = g_param_spec_double ("hashrate-ghs", NULL, NULL,
                                                       -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, ro);
  properties[PROP_TEMPERATURE_C] = g_param_spec_double ("temperature-c", NULL, NULL,
                                                        -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, ro);
  properties[PROP_POWER_W] = g_param_spec_double ("power-w", NULL, NULL,
                                                  -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hf_miner_init (HfMiner *self)
{
  self->http_port = 80;
  self->cgminer_port = 4028;
  self->error_code = -1;
}

HfMiner *
hf_miner_new (const char *address,
              HfFamily    family)
{
  return g_object_new (HF_TYPE_MINER, "address", address, "family", family, NULL);
}

#define STRING_ACCESSORS(field, PROP)                                         \
  const char *                                                                \
  hf_miner_get_##field (HfMiner *self)                                        \
  {                                                                           \
    g_return_val_if_fail (HF_IS_MINER (self), NULL);                          \
    return self->field;                                                       \
  }                                                                           \
  void                                                                        \
  hf_miner_set_##field (HfMiner *self, const char *value)                     \
  {                                                                           \
    g_return_if_fail (HF_IS_MINER (self));                                    \
    if (replace_string (&self->field, value))                                 \
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);           \
  }

STRING_ACCESSORS (address, PROP_ADDRESS)
STRING_ACCESSORS (model, PROP_MODEL)
STRING_ACCESSORS (firmware, PROP_FIRMWARE)
STRING_ACCESSORS (hostname, PROP_HOSTNAME)
STRING_ACCESSORS (mac, PROP_MAC)
STRING_ACCESSORS (serial, PROP_SERIAL)
STRING_ACCESSORS (label, PROP_LABEL)

const char *
hf_miner_get_display_name (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), NULL);

  if (self->label != NULL && *self->label != '\0')
    return self->label;
  if (self->hostname != NULL && *self->hostname != '\0')
    return self->hostname;
  if (self->model != NULL && *self->model != '\0')
    return self->model;
  return self->address;
}
const char *
hf_miner_get_error (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), NULL);
  return self->error;
}

static void
set_error (HfMiner    *self,
           const char *error,
           int         code)
{
  gboolean changed = replace_string (&self->error, error);

  /* Both before the notify: whoever hears ::notify::error reads both.  The
   * same words with another code tell nobody (nothing shown changes). */
  self->error_code = error != NULL ? code : -1;
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

void
hf_miner_set_error (HfMiner    *self,
                    const char *error)
{
  g_return_if_fail (HF_IS_MINER (self));
  set_error (self, error, -1);
}

void
hf_miner_set_failure (HfMiner      *self,
                      const GError *error)
{
  g_return_if_fail (HF_IS_MINER (self));
  g_return_if_fail (error != NULL);
  set_error (self, error->message, error->domain == HF_ERROR ? error->code : -1);
}

int
hf_miner_get_error_code (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), -1);
  return self->error != NULL ? self->error_code : -1;
}

guint16
hf_miner_get_http_port (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), 0);
  return self->http_port;
}

void
hf_miner_set_http_port (HfMiner *self,
                        guint16  port)
{
  g_return_if_fail (HF_IS_MINER (self));
  if (self->http_port == port)
    return;
  self->http_port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HTTP_PORT]);
}

guint16
hf_miner_get_cgminer_port (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), 0);
  return self->cgminer_port;
}

guint
hf_miner_get_api_version (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), 0);
  return self->api_version;
}

void
hf_miner_set_api_version (HfMiner *self,
                          guint    version)
{
  g_return_if_fail (HF_IS_MINER (self));
  if (self->api_version == version)
    return;
  self->api_version = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_VERSION]);
}

gboolean
hf_miner_get_api_version_confirmed (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), FALSE);
  return self->api_version_confirmed;
}

void
hf_miner_set_api_version_confirmed (HfMiner  *self,
                                    gboolean  confirmed)
{
  g_return_if_fail (HF_IS_MINER (self));
  self->api_version_confirmed = confirmed;
}

void
hf_miner_set_cgminer_port (HfMiner *self,
                           guint16  port)
{
  g_return_if_fail (HF_IS_MINER (self));
  if (self->cgminer_port == port)
    return;
  self->cgminer_port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CGMINER_PORT]);
}

HfFamily
hf_miner_get_family (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), HF_FAMILY_UNKNOWN);
  return self->family;
}

void
hf_miner_set_family (HfMiner  *self,
                     HfFamily  family)
{
  g_return_if_fail (HF_IS_MINER (self));
  if (self->family == family)
    return;
  self->family = family;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAMILY]);
}

const HfReading *
hf_miner_get_reading (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), NULL);
  return self->reading;
}

void
hf_miner_set_reading (HfMiner         *self,
                      const HfReading *reading)
{
  double old_hashrate, old_temperature, old_power;

  g_return_if_fail (HF_IS_MINER (self));

  old_hashrate = hf_miner_get_hashrate_ghs (self);
  old_temperature = hf_miner_get_temperature_c (self);
  old_power = hf_miner_get_power_w (self);

  g_clear_pointer (&self->reading, hf_reading_free);
  if (reading != NULL)
    {
      self->reading = hf_reading_copy (reading);
      self->last_seen = reading->timestamp;
    }

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READING]);
  if (reading != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SEEN]);
  if (!same_double (old_hashrate, hf_miner_get_hashrate_ghs (self)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HASHRATE_GHS]);
  if (!same_double (old_temperature, hf_miner_get_temperature_c (self)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPERATURE_C]);
  if (!same_double (old_power, hf_miner_get_power_w (self)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POWER_W]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
hf_miner_get_online (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), FALSE);
  return self->online;
}

void
hf_miner_set_online (HfMiner  *self,
                     gboolean  online)
{
  g_return_if_fail (HF_IS_MINER (self));
  online = !!online;
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

gboolean
hf_miner_get_restarting (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), FALSE);
  return self->restarting;
}

void
hf_miner_set_restarting (HfMiner  *self,
                         gboolean  restarting)
{
  g_return_if_fail (HF_IS_MINER (self));
  restarting = !!restarting;
  if (self->restarting == restarting)
    return;
  self->restarting = restarting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTARTING]);
}

gint64
hf_miner_get_last_seen (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), 0);
  return self->last_seen;
}

double
hf_miner_get_hashrate_ghs (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), NAN);
  return self->reading ? self->reading->hashrate_ghs : NAN;
}

double
hf_miner_get_temperature_c (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), NAN);
  return self->reading ? self->reading->temperature_c : NAN;
}

double
hf_miner_get_power_w (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), NAN);
  return self->reading ? self->reading->power_w : NAN;
}

const char *
hf_miner_get_identity_key (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), NULL);
  if (self->mac != NULL && self->mac[0] != '\0')
    return self->mac;
  if (self->serial != NULL && self->serial[0] != '\0')
    return self->serial;
  return NULL;
}

void
hf_miner_update_identity (HfMiner *self,
                          HfMiner *other)
{
  g_return_if_fail (HF_IS_MINER (self));
  g_return_if_fail (HF_IS_MINER (other));

  g_object_freeze_notify (G_OBJECT (self));
  /* The same device found again on a lower API (a Whatsminer on v2 while
   * it is known on v3) only when that is confirmed: a v3 port that was
   * busy, slow or restarting this time says nothing. */
  if (other->api_version >= self->api_version || other->api_version_confirmed
      || (other->family != HF_FAMILY_UNKNOWN && other->family != self->family))
    {
      hf_miner_set_cgminer_port (self, other->cgminer_port);
      hf_miner_set_api_version (self, other->api_version);
    }
  if (other->address != NULL)
    hf_miner_set_address (self, other->address);
  if (other->family != HF_FAMILY_UNKNOWN)
    hf_miner_set_family (self, other->family);
  hf_miner_set_http_port (self, other->http_port);
  if (other->model != NULL)
    hf_miner_set_model (self, other->model);
  if (other->firmware != NULL)
    hf_miner_set_firmware (self, other->firmware);
  if (other->hostname != NULL)
    hf_miner_set_hostname (self, other->hostname);
  if (other->mac != NULL)
    hf_miner_set_mac (self, other->mac);
  if (other->serial != NULL)
    hf_miner_set_serial (self, other->serial);
  if (other->label != NULL)
    hf_miner_set_label (self, other->label);
  g_object_thaw_notify (G_OBJECT (self));
}

char *
hf_normalize_mac (const char *mac)
{
  char hex[12];
  guint n = 0;
  GString *out;

  if (mac == NULL)
    return NULL;

  for (const char *p = mac; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        {
          if (n == G_N_ELEMENTS (hex))
            return NULL;
          hex[n++] = g_ascii_toupper (*p);
        }
      else if (*p != ':' && *p != '-' && *p != '.')
        return NULL;
    }
  if (n != G_N_ELEMENTS (hex))
    return NULL;

  out = g_string_sized_new (17);
  for (guint i = 0; i < n; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, hex[i]);
      g_string_append_c (out, hex[i + 1]);
    }
  return g_string_free (out, FALSE);
}

HfCapabilities
hf_miner_get_capabilities (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), 0);
  return self->capabilities;
}

void
hf_miner_set_capabilities (HfMiner        *self,
                           HfCapabilities  capabilities)
{
  g_return_if_fail (HF_IS_MINER (self));
  if (self->capabilities == capabilities)
    return;
  self->capabilities = capabilities;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPABILITIES]);
}

HfState
hf_miner_get_state (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), HF_STATE_UNKNOWN);
  return self->state;
}

gint64
hf_miner_get_state_since (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), 0);
  return self->state_since;
}

void
hf_miner_set_state (HfMiner      *self,
                    HfState  state,
                    gint64        since)
{
  gboolean state_changed, since_changed;

  g_return_if_fail (HF_IS_MINER (self));
  g_return_if_fail ((guint) state < HF_N_STATES);

  state_changed = self->state != state;
  /* Offline since the last answer, which a poll may learn of later (a
   * restored miner); any other state since it began. */
  if (!state_changed && state != HF_STATE_OFFLINE)
    since = self->state_since;
  since = MAX (since, 0);
  since_changed = self->state_since != since;
  self->state = state;
  self->state_since = since;

  g_object_freeze_notify (G_OBJECT (self));
  if (state_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (since_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_SINCE]);
  g_object_thaw_notify (G_OBJECT (self));
}

guint
hf_miner_get_blocks_found (HfMiner *self)
{
  g_return_val_if_fail (HF_IS_MINER (self), 0);
  return self->blocks_found;
}

void
hf_miner_set_blocks_found (HfMiner *self,
                           guint    blocks)
{
  g_return_if_fail (HF_IS_MINER (self));
  if (self->blocks_found == blocks)
    return;
  self->blocks_found = blocks;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLOCKS_FOUND]);
}
