/* test-whatsminer-crypto.c — the btminer privileged envelope
 * SPDX-License-Identifier: MIT
 *
 * Expected values were computed with independent implementations (Python's
 * crypt module for md5-crypt, OpenSSL's aes-256-ecb), not with this code.
 */
#include <string.h>

#include "hf-error.h"
#include "hf-test-utils.h"
#include "hf-whatsminer-crypto.h"

#define KEY   "RxmaDUO33TS7O26yeMHZ81"
#define SIGN  "RZOLo0TDu3L.mBnh9uTsC1"
#define PLAIN "{\"cmd\":\"reboot\",\"token\":\"" SIGN "\"}"
#define ENC   "eueoy6m7l/fNCJ0Xjzk3qskan2szWYJLY+2GnAi4plKS9BYjtZB9qQLnHsSRZMQ1" \
              "AHplq5zYpvUof8m24K84GA=="

static void
test_md5crypt (void)
{
  g_autofree char *key = hf_whatsminer_md5crypt ("admin", "BQ5hoXV9");
  g_autofree char *bad = hf_whatsminer_md5crypt ("admin", "x$6$y");

  g_assert_cmpstr (key, ==, KEY);
  g_assert_null (bad);   /* a '$' in the salt would switch the crypt method */
}

static void
test_derive (void)
{
  g_autofree char *key = NULL;
  g_autofree char *sign = NULL;

  g_assert_true (hf_whatsminer_derive ("admin", "BQ5hoXV9", "YUlh1wZN", "1234", &key, &sign));
  g_assert_cmpstr (key, ==, KEY);
  g_assert_cmpstr (sign, ==, SIGN);
}

static void
test_encrypt (void)
{
  g_autofree char *enc = hf_whatsminer_encrypt (KEY, PLAIN);

  g_assert_cmpstr (enc, ==, ENC);
}

static void
test_decrypt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = hf_whatsminer_decrypt (KEY, ENC, &error);
  g_autofree char *wrong = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, PLAIN);

  /* Not base64, not whole blocks, the wrong key: clear errors, no crash. */
  g_assert_null (hf_whatsminer_decrypt (KEY, "not base64!", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (hf_whatsminer_decrypt (KEY, "QUJD", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_PARSE);
  g_clear_error (&error);
  wrong = hf_whatsminer_decrypt ("another key", ENC, &error);
  g_assert_true (wrong == NULL || strcmp (wrong, PLAIN) != 0);
}

static void
test_round_trip (void)
{
  const char *texts[] = { "", "x", "0123456789abcdef", "{\"cmd\":\"power_off\",\"token\":\"t\"}" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *enc = hf_whatsminer_encrypt ("k3y", texts[i]);
      g_autofree char *dec = hf_whatsminer_decrypt ("k3y", enc, NULL);
      g_assert_cmpstr (dec, ==, texts[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/whatsminer-crypto/md5crypt", test_md5crypt);
  g_test_add_func ("/whatsminer-crypto/derive", test_derive);
  g_test_add_func ("/whatsminer-crypto/encrypt", test_encrypt);
  g_test_add_func ("/whatsminer-crypto/decrypt", test_decrypt);
  g_test_add_func ("/whatsminer-crypto/round-trip", test_round_trip);

  return g_test_run ();
}
