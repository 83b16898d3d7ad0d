/* hf-whatsminer-v3-auth.c
 * SPDX-License-Identifier: MIT
 *
 * No cipher is written here: SHA-256, AES-256 and base64 are nettle's.
 * This file only arranges them the way the v3 API expects (MicroBT's
 * documentation and its Python demo): the digest of cmd, password, salt
 * and timestamp signs a write (its first 8 base64 characters are the
 * token) and is the AES key of a secret param, padded PKCS#7-style as the
 * vendor demo pads.
 */
#include <string.h>

#include <nettle/aes.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>

#include "hf-error.h"
#include "hf-whatsminer-v3-auth.h"

/* Longest secret param (a pool list is a few hundred bytes). */
#define MAX_PLAINTEXT_BYTES (64 * 1024)

void
hf_whatsminer_v3_digest (const char *cmd,
                         const char *password,
                         const char *salt,
                         gint64      ts,
                         guint8      digest[HF_WHATSMINER_V3_DIGEST_SIZE])
{
  struct sha256_ctx ctx;
  char number[32];

  g_return_if_fail (cmd != NULL && password != NULL && salt != NULL);

  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, ts);
  sha256_init (&ctx);
  sha256_update (&ctx, strlen (cmd), (const guint8 *) cmd);
  sha256_update (&ctx, strlen (password), (const guint8 *) password);
  sha256_update (&ctx, strlen (salt), (const guint8 *) salt);
  sha256_update (&ctx, strlen (number), (const guint8 *) number);
  sha256_digest (&ctx, SHA256_DIGEST_SIZE, digest);
  explicit_bzero (&ctx, sizeof ctx);
}

static char *
base64_encode (const guint8 *data,
               gsize         len)
{
  char *out = g_malloc (BASE64_ENCODE_RAW_LENGTH (len) + 1);

  base64_encode_raw (out, len, data);
  out[BASE64_ENCODE_RAW_LENGTH (len)] = '\0';
  return out;
}

char *
hf_whatsminer_v3_token (const guint8 digest[HF_WHATSMINER_V3_DIGEST_SIZE])
{
  g_autofree char *b64 = base64_encode (digest, HF_WHATSMINER_V3_DIGEST_SIZE);

  return g_strndup (b64, HF_WHATSMINER_V3_TOKEN_CHARS);
}

char *
hf_whatsminer_v3_encrypt (const guint8  digest[HF_WHATSMINER_V3_DIGEST_SIZE],
                          const char   *plaintext)
{
  struct aes256_ctx ctx;
  gsize len, padded;
  g_autofree guint8 *in = NULL;
  g_autofree guint8 *out = NULL;
  char *result;

  g_return_val_if_fail (plaintext != NULL, NULL);

  len = strlen (plaintext);
  if (len > MAX_PLAINTEXT_BYTES)
    return NULL;
  /* PKCS#7: 1–16 bytes, each the count; a whole block when already aligned. */
  padded = (len / AES_BLOCK_SIZE + 1) * AES_BLOCK_SIZE;
  in = g_malloc (padded);
  memcpy (in, plaintext, len);
  memset (in + len, (int) (padded - len), padded - len);
  out = g_malloc (padded);

  aes256_set_encrypt_key (&ctx, digest);
  aes256_encrypt (&ctx, padded, out, in);
  explicit_bzero (&ctx, sizeof ctx);
  explicit_bzero (in, padded);
  result = base64_encode (out, padded);
  return result;
}

char *
hf_whatsminer_v3_decrypt (const guint8  digest[HF_WHATSMINER_V3_DIGEST_SIZE],
                          const char   *base64,
                          GError      **error)
{
  struct base64_decode_ctx b64;
  struct aes256_ctx ctx;
  gsize text_len, len = 0;
  g_autofree guint8 *in = NULL;
  g_autofree guint8 *out = NULL;
  guint pad;

  g_return_val_if_fail (base64 != NULL, NULL);

  text_len = strlen (base64);
  if (text_len > MAX_PLAINTEXT_BYTES * 2)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_TOO_LARGE, "encrypted param too large");
      return NULL;
    }
  in = g_malloc (BASE64_DECODE_LENGTH (text_len) + 1);
  len = BASE64_DECODE_LENGTH (text_len) + 1;
  base64_decode_init (&b64);
  if (!base64_decode_update (&b64, &len, in, text_len, base64) || !base64_decode_final (&b64)
      || len == 0 || len % AES_BLOCK_SIZE != 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE,
                           "encrypted param is not base64 of whole AES blocks");
      return NULL;
    }
  out = g_malloc (len + 1);
  aes256_set_decrypt_key (&ctx, digest);
  aes256_decrypt (&ctx, len, out, in);
  explicit_bzero (&ctx, sizeof ctx);

  pad = out[len - 1];
  if (pad == 0 || pad > AES_BLOCK_SIZE)
    goto bad;
  for (gsize i = len - pad; i < len; i++)
    if (out[i] != pad)
      goto bad;
  len -= pad;
  out[len] = '\0';
  if (memchr (out, '\0', len) != NULL || !g_utf8_validate ((const char *) out, (gssize) len, NULL))
    goto bad;
  return g_strndup ((const char *) out, len);

bad:
  explicit_bzero (out, len);
  g_set_error_literal (error, HF_ERROR, HF_ERROR_AUTH,
                       "encrypted param does not decrypt (wrong password or salt?)");
  return NULL;
}
