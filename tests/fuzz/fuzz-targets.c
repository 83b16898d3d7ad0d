/* fuzz-targets.c — any text as scan targets (parsed, never scanned)
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "hf-targets.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  const char *specs[] = { text, NULL };
  g_autoptr(GArray) forced = hf_targets_parse (specs, TRUE, NULL);
  g_autoptr(GArray) ranges = hf_targets_parse (specs, FALSE, NULL);

  if (ranges != NULL)
    {
      g_autofree char *described = hf_targets_describe (ranges);
      g_assert (hf_targets_count (ranges) <= 4 * (guint64) HF_TARGET_MAX_ADDRESSES);
    }
  return 0;
}
