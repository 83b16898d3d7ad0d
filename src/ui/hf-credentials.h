/* hf-credentials.h — miner passwords in the system keyring
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  HF_CREDENTIAL_ANTMINER,     /* web interface (Digest) password */
  HF_CREDENTIAL_WHATSMINER,   /* privileged API password */
  HF_CREDENTIAL_API_TOKEN,    /* bearer token of Hashfleet's own HTTP API */
  HF_CREDENTIAL_NOTIFY_URLS,  /* the notification channels' URLs, one a line */
  HF_CREDENTIAL_MQTT,         /* the MQTT broker's password */
  HF_CREDENTIAL_WHATSMINER_SUPER, /* Whatsminer API v3, account super */
  HF_CREDENTIAL_BRAIINS,      /* Braiins OS management API */
  HF_CREDENTIAL_VNISH,        /* VNish web password */
} HfCredential;

#define HF_N_CREDENTIALS (HF_CREDENTIAL_VNISH + 1)

/* Look up / store / clear one password through libsecret (the Secret
 * portal inside Flatpak).  Never in GSettings.  All async.  A lookup gives
 * NULL only when nothing is kept: one the keyring would not unlock is an
 * error (SECRET_ERROR_IS_LOCKED). */
void   hf_credentials_lookup_async  (HfCredential         which,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
char  *hf_credentials_lookup_finish (GAsyncResult        *result,
                                     GError             **error);
void   hf_credentials_store_async   (HfCredential         which,
                                     const char          *password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean hf_credentials_store_finish (GAsyncResult       *result,
                                     GError             **error);

/* Why the keyring could not keep a secret, in words for people ("this
 * computer has no keyring…"), from a store or lookup error. */
char  *hf_credentials_describe_error (const GError *error);

G_END_DECLS
