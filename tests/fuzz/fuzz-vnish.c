/* fuzz-vnish.c — any bytes as a VNish /api/v1/… reply (info, summary,
 * status, perf-summary, autotune/presets, a write's answer)
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "fuzz-depth.h"

#include "hf-json.h"
#include "hf-vnish-parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) presets = NULL;

  /* The bare-text parsers: uptime strings, preset names and their text. */
  (void) hf_vnish_parse_uptime (text);
  (void) hf_vnish_preset_watts (text, text);
  g_free (hf_vnish_model_name (text));

  root = hf_json_parse ((const char *) data, size, NULL);
  if (root == NULL)
    return 0;
  fuzz_assert_depth (root);
  presets = hf_vnish_parse_presets (root, NULL);
  if (presets != NULL)
    (void) hf_vnish_preset_for_watts (presets, 3000);
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);
      g_autoptr(HfMiner) miner = hf_miner_new ("127.0.0.1", HF_FAMILY_UNKNOWN);

      (void) hf_vnish_reply_is_vnish (obj);
      hf_vnish_parse_identity (obj, miner, NULL);
      hf_reading_free (hf_vnish_parse_reading (obj, obj, obj, obj, NULL));
      hf_reading_free (hf_vnish_parse_reading (obj, NULL, NULL, NULL, NULL));
      g_free (hf_vnish_reply_error (obj));
    }
  return 0;
}
