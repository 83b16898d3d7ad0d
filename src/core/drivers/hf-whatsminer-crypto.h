/* hf-whatsminer-crypto.h — btminer API v2 privileged-command envelope
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The hash part of md5-crypt(@key, "$1$@salt$"), or NULL. */
char     *hf_whatsminer_md5crypt   (const char  *key,
                                    const char  *salt);
/* From the password and a get_token reply: the AES key material
 * (md5-crypt of the password) and the token that signs commands. */
gboolean  hf_whatsminer_derive     (const char  *password,
                                    const char  *salt,
                                    const char  *newsalt,
                                    const char  *time,
                                    char       **key,
                                    char       **sign);
/* AES-256-ECB with sha256(@key), zero padded, base64 (no newlines). */
char     *hf_whatsminer_encrypt    (const char  *key,
                                    const char  *plaintext);
/* The reverse; trailing zero padding removed.  NULL with an error when the
 * input is not base64 of whole AES blocks. */
char     *hf_whatsminer_decrypt    (const char  *key,
                                    const char  *base64,
                                    GError     **error);

G_END_DECLS
