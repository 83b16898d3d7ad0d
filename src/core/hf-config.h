/* hf-config.h — how to talk to miners: ports, deadlines, caps, credentials
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * HfConfig:
 *
 * Options shared by every request.  Reference counted and treated as
 * immutable once handed to a driver; make a copy to change it.
 */
typedef struct _HfConfig HfConfig;

struct _HfConfig
{
  guint16  http_port;            /* AxeOS and web CGI, default 80 */
  guint16  cgminer_port;         /* cgminer-style API, default 4028 */
  guint    timeout_ms;           /* deadline of one whole operation */
  guint    connect_timeout_ms;   /* cap on the connect phase alone */
  gsize    max_reply_bytes;      /* cap on one reply */
  char    *antminer_user;        /* web CGI Digest credentials */
  char    *antminer_password;
  char    *whatsminer_password;  /* privileged API v2 (account admin) */
  guint16  whatsminer_v3_port;   /* Whatsminer API v3, default 4433 */
  char    *whatsminer_super_password; /* API v3 writes (account super) */
  char    *braiins_user;         /* Braiins OS REST API (25.07+) */
  char    *braiins_password;
  char    *vnish_password;       /* VNish web password (/api/v1/unlock) */
};

#define HF_TYPE_CONFIG (hf_config_get_type ())

GType     hf_config_get_type (void);
HfConfig *hf_config_new      (void);
HfConfig *hf_config_copy     (const HfConfig *self);
HfConfig *hf_config_ref      (HfConfig       *self);
void      hf_config_unref    (HfConfig       *self);

/* The monotonic time (µs) at which an operation started now must end. */
gint64    hf_config_deadline (const HfConfig *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfConfig, hf_config_unref)

G_END_DECLS
