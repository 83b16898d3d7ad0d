/* hf-miner-settings.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-miner-settings.h"

HfMinerOptions *
hf_miner_options_new (void)
{
  HfMinerOptions *self = g_new0 (HfMinerOptions, 1);

  self->frequencies = g_array_new (FALSE, FALSE, sizeof (guint));
  self->voltages = g_array_new (FALSE, FALSE, sizeof (guint));
  return self;
}

void
hf_miner_options_free (HfMinerOptions *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->frequencies);
  g_array_unref (self->voltages);
  g_free (self);
}

HfMinerSettings *
hf_miner_settings_new (void)
{
  HfMinerSettings *self = g_new0 (HfMinerSettings, 1);

  self->fan_percent = -1;
  self->work_mode = -1;
  return self;
}

HfMinerSettings *
hf_miner_settings_copy (const HfMinerSettings *in)
{
  HfMinerSettings *out = g_memdup2 (in, sizeof *in);

  out->hostname = g_strdup (in->hostname);
  out->pool_url = g_strdup (in->pool_url);
  out->pool_user = g_strdup (in->pool_user);
  out->pool_password = g_strdup (in->pool_password);
  out->fallback_pool_url = g_strdup (in->fallback_pool_url);
  out->fallback_pool_user = g_strdup (in->fallback_pool_user);
  out->fallback_pool_password = g_strdup (in->fallback_pool_password);
  out->preset = g_strdup (in->preset);
  return out;
}

void
hf_miner_settings_free (HfMinerSettings *self)
{
  if (self == NULL)
    return;
  g_free (self->hostname);
  g_free (self->pool_url);
  g_free (self->pool_user);
  if (self->pool_password != NULL)
    memset (self->pool_password, 0, strlen (self->pool_password));
  g_free (self->pool_password);
  g_free (self->fallback_pool_url);
  g_free (self->fallback_pool_user);
  g_free (self->fallback_pool_password);
  g_free (self->preset);
  g_free (self);
}

gboolean
hf_miner_settings_is_empty (const HfMinerSettings *self)
{
  return self->frequency_mhz == 0 && self->core_voltage_mv == 0 && self->fan_percent < 0
         && !self->fan_auto && self->target_temp_c == 0 && self->work_mode < 0
         && self->hostname == NULL && self->power_limit_w == 0 && self->preset == NULL
         && self->pool_url == NULL && self->fallback_pool_url == NULL;
}

gboolean
hf_miner_settings_needs_restart (const HfMinerSettings *self)
{
  return self->frequency_mhz != 0 || self->core_voltage_mv != 0 || self->hostname != NULL
         || self->pool_url != NULL || self->fallback_pool_url != NULL;
}

gboolean
hf_pool_url_parse (const char  *url,
                   char       **host,
                   guint16     *port,
                   GError     **error)
{
  const char *p = url;
  const char *colon;
  guint64 n = 0;

  if (url == NULL)
    goto bad;
  if (g_str_has_prefix (p, "stratum+tcp://"))
    p += strlen ("stratum+tcp://");
  else if (strstr (p, "://") != NULL)
    goto bad;
  colon = strrchr (p, ':');
  if (colon == NULL || colon == p
      || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &n, NULL))
    goto bad;
  for (const char *c = p; c < colon; c++)
    if (!g_ascii_isalnum (*c) && *c != '.' && *c != '-' && *c != '_')
      goto bad;
  *host = g_strndup (p, (gsize) (colon - p));
  *port = (guint16) n;
  return TRUE;

bad:
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
               "“%s” is not a pool address such as stratum+tcp://pool.example.org:3333",
               url ? url : "");
  return FALSE;
}

char *
hf_miner_settings_mismatch (const HfMinerSettings *want,
                            const HfReading       *r)
{
  GString *s = g_string_new (NULL);

  if (want->frequency_mhz != 0 && (isnan (r->frequency_mhz)
                                   || fabs (r->frequency_mhz - want->frequency_mhz) > 0.5))
    g_string_append_printf (s, "frequency reads %.0f MHz, not %u; ", r->frequency_mhz,
                            want->frequency_mhz);
  if (want->core_voltage_mv != 0 && !isnan (r->core_voltage_set_mv)
      && fabs (r->core_voltage_set_mv - want->core_voltage_mv) > 0.5)
    g_string_append_printf (s, "core voltage reads %.0f mV, not %u; ", r->core_voltage_set_mv,
                            want->core_voltage_mv);
  if (want->work_mode >= 0 && r->work_mode >= 0 && r->work_mode != want->work_mode)
    g_string_append_printf (s, "work mode reads %d, not %d; ", r->work_mode, want->work_mode);
  /* What a miner does not report cannot be checked (Antminer fan %). */
  if (!want->fan_auto && want->fan_percent >= 0 && !isnan (r->fan_percent)
      && fabs (r->fan_percent - want->fan_percent) > 0.5)
    g_string_append_printf (s, "fan reads %.0f %%, not %d %%; ", r->fan_percent,
                            want->fan_percent);
  if (want->fan_auto && r->fan_auto == 0)
    g_string_append (s, "the fan is still fixed; ");
  if (want->power_limit_w != 0 && !isnan (r->power_limit_w)
      && fabs (r->power_limit_w - want->power_limit_w) > 0.5)
    g_string_append_printf (s, "power limit reads %.0f W, not %u; ", r->power_limit_w,
                            want->power_limit_w);
  if (want->preset != NULL && r->preset != NULL && g_strcmp0 (r->preset, want->preset) != 0)
    g_string_append_printf (s, "preset reads %s, not %s; ", r->preset, want->preset);
  if (want->pool_url != NULL)
    {
      g_autofree char *host = NULL;
      guint16 port = 0;

      if (hf_pool_url_parse (want->pool_url, &host, &port, NULL)
          && (r->pool_url == NULL || strstr (r->pool_url, host) == NULL))
        g_string_append_printf (s, "pool reads %s, not %s; ", r->pool_url ? r->pool_url : "none",
                                want->pool_url);
    }
  if (s->len == 0)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  g_string_truncate (s, s->len - 2);
  return g_string_free (s, FALSE);
}

