/* fuzz-avalon-mm.c — any text as an Avalon "MM ID0" status string
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "hf-avalon-mm.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GHashTable) mm = hf_avalon_mm_parse (text);

  hf_avalon_mm_number (mm, "GHSspd");
  hf_avalon_mm_number (mm, "FanR");
  hf_avalon_mm_field (mm, "PS", 6);
  hf_avalon_mm_field (mm, "PVT_T0", 3);
  return 0;
}
