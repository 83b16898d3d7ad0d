/* hf-whatsminer-v3-auth.h — Whatsminer API v3 write token and secret-param envelope
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HF_WHATSMINER_V3_DIGEST_SIZE 32
#define HF_WHATSMINER_V3_TOKEN_CHARS 8

/* SHA-256 of @cmd + @password + @salt + decimal(@ts): the signing key of
 * one write. */
void      hf_whatsminer_v3_digest  (const char  *cmd,
                                    const char  *password,
                                    const char  *salt,
                                    gint64       ts,
                                    guint8       digest[HF_WHATSMINER_V3_DIGEST_SIZE]);
/* The first 8 characters of standard base64 of @digest. */
char     *hf_whatsminer_v3_token   (const guint8 digest[HF_WHATSMINER_V3_DIGEST_SIZE]);
/* base64 (AES-256-ECB, key @digest, PKCS#7 padding, of @plaintext): the
 * "param" of set.miner.pools and set.user.change_passwd.  NULL when
 * @plaintext is longer than 64 KiB. */
char     *hf_whatsminer_v3_encrypt (const guint8 digest[HF_WHATSMINER_V3_DIGEST_SIZE],
                                    const char  *plaintext);
/* The reverse (what a miner does); NULL with HF_ERROR_PARSE when @base64 is
 * not base64 of whole AES blocks, HF_ERROR_AUTH when the padding is not
 * PKCS#7 or the text is not UTF-8 (the wrong key). */
char     *hf_whatsminer_v3_decrypt (const guint8 digest[HF_WHATSMINER_V3_DIGEST_SIZE],
                                    const char  *base64,
                                    GError     **error);

G_END_DECLS
