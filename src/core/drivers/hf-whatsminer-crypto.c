/* hf-whatsminer-crypto.c
 * SPDX-License-Identifier: MIT
 *
 * No cipher is written here: md5-crypt is libcrypt's, AES is nettle's,
 * SHA-256 and base64 are GLib's.  This file only arranges them the way
 * btminer expects.
 */
#include <crypt.h>
#include <string.h>

#include <nettle/aes.h>

#include "hf-error.h"
#include "hf-whatsminer-crypto.h"

/* Longest command or reply we will encrypt or decrypt. */
#define MAX_ENVELOPE_BYTES (256 * 1024)

char *
hf_whatsminer_md5crypt (const char *key,
                        const char *salt)
{
  g_autofree char *setting = NULL;
  struct crypt_data *data;
  const char *hashed;
  const char *hash;
  char *result = NULL;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (salt != NULL, NULL);

  /* A salt with '$' would change the crypt method; btminer salts are alnum. */
  for (const char *p = salt; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '/')
      return NULL;

  setting = g_strdup_printf ("$1$%s$", salt);
  data = g_new0 (struct crypt_data, 1);
  hashed = crypt_r (key, setting, data);
  if (hashed != NULL && hashed[0] == '$')
    {
      /* "$1$salt$hash": keep what follows the third '$'. */
      hash = strrchr (hashed, '$');
      if (hash != NULL && hash[1] != '\0')
        result = g_strdup (hash + 1);
    }
  explicit_bzero (data, sizeof *data);
  g_free (data);
  return result;
}

gboolean
hf_whatsminer_derive (const char  *password,
                      const char  *salt,
                      const char  *newsalt,
                      const char  *time,
                      char       **key,
                      char       **sign)
{
  g_autofree char *k = NULL;
  g_autofree char *k_time = NULL;
  g_autofree char *s = NULL;

  k = hf_whatsminer_md5crypt (password, salt);
  if (k == NULL)
    return FALSE;
  k_time = g_strconcat (k, time, NULL);
  s = hf_whatsminer_md5crypt (k_time, newsalt);
  if (s == NULL)
    return FALSE;
  *key = g_steal_pointer (&k);
  *sign = g_steal_pointer (&s);
  return TRUE;
}

static void
aes_key (const char *key,
         guint8      out[32])
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 32;

  g_checksum_update (sha, (const guchar *) key, (gssize) strlen (key));
  g_checksum_get_digest (sha, out, &len);
}

char *
hf_whatsminer_encrypt (const char *key,
                       const char *plaintext)
{
  struct aes256_ctx ctx;
  guint8 k[32];
  gsize len, padded;
  g_autofree guint8 *in = NULL;
  g_autofree guint8 *out = NULL;

  g_return_val_if_fail (key != NULL && plaintext != NULL, NULL);

  len = strlen (plaintext);
  g_return_val_if_fail (len <= MAX_ENVELOPE_BYTES, NULL);
  padded = (len + AES_BLOCK_SIZE - 1) / AES_BLOCK_SIZE * AES_BLOCK_SIZE;
  if (padded == 0)
    padded = AES_BLOCK_SIZE;
  in = g_malloc0 (padded);
  memcpy (in, plaintext, len);
  out = g_malloc (padded);

  aes_key (key, k);
  aes256_set_encrypt_key (&ctx, k);
  aes256_encrypt (&ctx, padded, out, in);
  explicit_bzero (&ctx, sizeof ctx);
  explicit_bzero (k, sizeof k);
  return g_base64_encode (out, padded);
}

char *
hf_whatsminer_decrypt (const char  *key,
                       const char  *base64,
                       GError     **error)
{
  struct aes256_ctx ctx;
  guint8 k[32];
  g_autofree guint8 *in = NULL;
  g_autofree guint8 *out = NULL;
  gsize len = 0;

  g_return_val_if_fail (key != NULL && base64 != NULL, NULL);

  if (strlen (base64) > MAX_ENVELOPE_BYTES * 4 / 3 + 4)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_TOO_LARGE, "encrypted reply too large");
      return NULL;
    }
  for (const char *p = base64; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=' && !g_ascii_isspace (*p))
      {
        g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE, "encrypted reply is not base64");
        return NULL;
      }
  in = g_base64_decode (base64, &len);
  if (len == 0 || len % AES_BLOCK_SIZE != 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PARSE,
                           "encrypted reply is not a whole number of AES blocks");
      return NULL;
    }
  out = g_malloc0 (len + 1);
  aes_key (key, k);
  aes256_set_decrypt_key (&ctx, k);
  aes256_decrypt (&ctx, len, out, in);
  explicit_bzero (&ctx, sizeof ctx);
  explicit_bzero (k, sizeof k);

  /* Zero padding ends at the first NUL. */
  if (!g_utf8_validate ((const char *) out, -1, NULL))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_AUTH,
                           "encrypted reply does not decrypt (wrong password?)");
      return NULL;
    }
  return g_strdup ((const char *) out);
}
