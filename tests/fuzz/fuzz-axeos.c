/* fuzz-axeos.c — any bytes as an AxeOS / NerdOS /api/system/info body
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "fuzz-depth.h"

#include "hf-axeos-parse.h"
#include "hf-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) info = hf_json_parse_object ((const char *) data, size, NULL);
  g_autoptr(HfMiner) miner = NULL;
  g_autofree char *model = NULL;

  if (info == NULL)
    return 0;
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), info);
    fuzz_assert_depth (node);
  }
  miner = hf_miner_new ("127.0.0.1", HF_FAMILY_UNKNOWN);
  hf_axeos_parse_identity (info, info, miner, NULL);
  model = hf_axeos_model_name (info, info);
  hf_reading_free (hf_axeos_parse_reading (info, NULL));
  return 0;
}
