/* fuzz-whatsminer.c — any text as an encrypted btminer reply
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "hf-whatsminer-crypto.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *plain = hf_whatsminer_decrypt ("RxmaDUO33TS7O26yeMHZ81", text, NULL);
  g_autofree char *salted = hf_whatsminer_md5crypt ("admin", text);

  /* md5-crypt output is always 22 characters of [./0-9A-Za-z]. */
  if (salted != NULL && strlen (salted) != 22)
    __builtin_trap ();
  /* A decrypted reply is a NUL-terminated string; walking it must be safe. */
  if (plain != NULL)
    (void) strlen (plain);

  return 0;
}
