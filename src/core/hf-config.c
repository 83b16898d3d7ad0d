/* hf-config.c
 * SPDX-License-Identifier: MIT
 */
#include "hf-config.h"
#include "hf-limits.h"

G_DEFINE_BOXED_TYPE (HfConfig, hf_config, hf_config_ref, hf_config_unref)

static void
config_clear (gpointer data)
{
  HfConfig *self = data;

  g_free (self->antminer_user);
  g_free (self->antminer_password);
  g_free (self->whatsminer_password);
  g_free (self->whatsminer_super_password);
  g_free (self->braiins_user);
  g_free (self->braiins_password);
  g_free (self->vnish_password);
}

HfConfig *
hf_config_new (void)
{
  HfConfig *self = g_atomic_rc_box_new0 (HfConfig);

  self->http_port = 80;
  self->cgminer_port = 4028;
  self->timeout_ms = HF_DEFAULT_TIMEOUT_MS;
  self->connect_timeout_ms = HF_DEFAULT_CONNECT_MS;
  self->max_reply_bytes = HF_MAX_REPLY_BYTES;
  /* Stock factory credentials; users override them in settings. */
  self->antminer_user = g_strdup ("root");
  self->antminer_password = g_strdup ("root");
  self->whatsminer_password = g_strdup ("admin");
  self->whatsminer_v3_port = 4433;
  self->whatsminer_super_password = g_strdup ("super");
  self->braiins_user = g_strdup ("root");
  self->braiins_password = g_strdup ("root");
  self->vnish_password = g_strdup ("admin");

  return self;
}

HfConfig *
hf_config_copy (const HfConfig *self)
{
  HfConfig *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_atomic_rc_box_new0 (HfConfig);
  *copy = *self;
  copy->antminer_user = g_strdup (self->antminer_user);
  copy->antminer_password = g_strdup (self->antminer_password);
  copy->whatsminer_password = g_strdup (self->whatsminer_password);
  copy->whatsminer_super_password = g_strdup (self->whatsminer_super_password);
  copy->braiins_user = g_strdup (self->braiins_user);
  copy->braiins_password = g_strdup (self->braiins_password);
  copy->vnish_password = g_strdup (self->vnish_password);
  return copy;
}

HfConfig *
hf_config_ref (HfConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
hf_config_unref (HfConfig *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, config_clear);
}

gint64
hf_config_deadline (const HfConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_get_monotonic_time () + (gint64) self->timeout_ms * 1000;
}
