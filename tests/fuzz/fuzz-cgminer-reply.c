/* fuzz-cgminer-reply.c — any bytes as a port-4028 reply, through every
 * cgminer-family parser
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "fuzz-depth.h"

#include "hf-antminer-parse.h"
#include "hf-avalon-parse.h"
#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-identify.h"
#include "hf-whatsminer-parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) reply = hf_cgminer_parse_reply ((const char *) data, size, NULL);
  g_autoptr(HfMiner) miner = NULL;

  if (reply == NULL)
    return 0;
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), reply);
    fuzz_assert_depth (node);
  }
  hf_cgminer_check_status (reply, NULL);
  hf_cgminer_multi_part (reply, "summary");
  hf_identify_classify_version (reply);

  miner = hf_miner_new ("127.0.0.1", HF_FAMILY_UNKNOWN);
  hf_antminer_parse_identity (reply, reply, miner, NULL);
  hf_antminer_parse_system_info (reply, miner);
  hf_avalon_parse_identity (reply, miner, NULL);
  hf_whatsminer_parse_identity (reply, reply, reply, reply, miner, NULL);

  hf_reading_free (hf_antminer_parse_reading (reply, reply, reply, "Antminer S19 Pro", NULL));
  hf_reading_free (hf_avalon_parse_reading (reply, reply, reply, "Avalon Nano3s", NULL));
  hf_reading_free (hf_whatsminer_parse_reading (reply, reply, NULL));
  hf_reading_free (hf_cgminer_parse_reading (reply, reply, NULL));
  return 0;
}
