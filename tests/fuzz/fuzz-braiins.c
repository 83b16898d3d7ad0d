/* fuzz-braiins.c — any bytes as a Braiins OS reply (4028 and REST)
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "hf-braiins-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-miner.h"
#include "hf-reading.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) reply = hf_cgminer_parse_reply ((const char *) data, size, NULL);
  g_autofree char *token = hf_braiins_rest_token ((const char *) data, size, NULL);
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;
  gboolean paused = FALSE;

  /* A token goes into a header: printable ASCII, nothing else. */
  for (const char *p = token; p != NULL && *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e)
      __builtin_trap ();
  if (hf_braiins_rest_details ((const char *) data, size, &model, &firmware, &paused, NULL)
      && firmware != NULL && !g_str_has_prefix (firmware, "Braiins OS"))
    __builtin_trap ();

  if (reply != NULL)
    {
      g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.1", HF_FAMILY_UNKNOWN);
      g_autofree char *name = hf_braiins_firmware_name (reply);
      /* The same reply in every slot: each reader must cope with any of them. */
      g_autoptr(HfReading) r = hf_braiins_parse_reading (reply, reply, reply, reply, reply,
                                                         reply, NULL);

      (void) hf_braiins_daemon_of (reply);
      if (hf_braiins_parse_identity (reply, reply, miner, NULL)
          && (hf_miner_get_model (miner) == NULL || hf_miner_get_firmware (miner) == NULL))
        __builtin_trap ();
      if (r != NULL && (r->power_w < 0 || r->power_limit_w <= 0))
        __builtin_trap ();
    }
  return 0;
}
