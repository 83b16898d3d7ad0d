/* fuzz-json.c — any bytes through hf_json_parse, the guard in front of
 * json-glib for every reply a device sends
 * SPDX-License-Identifier: MIT
 *
 * Checked beyond "no crash": what the guard lets through is never deeper
 * than HF_MAX_JSON_DEPTH (fuzz-depth.h says why that is the finding to
 * look for).  (A round trip through json-glib's generator is no oracle:
 * json-glib 1.6 writes 1E20 back as "1e+20.0".)
 */
#include <stdint.h>

#include "fuzz-depth.h"
#include "hf-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = hf_json_parse ((const char *) data, size, NULL);

  if (root != NULL)
    fuzz_assert_depth (root);
  return 0;
}
