/* fuzz-luxos.c — any bytes as a LuxOS (LUXminer) reply
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "hf-cgminer-reply.h"
#include "hf-luxos-parse.h"
#include "hf-miner.h"
#include "hf-reading.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) reply = hf_cgminer_parse_reply ((const char *) data, size, NULL);
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.1", HF_FAMILY_UNKNOWN);
  g_autoptr(HfReading) r = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *sid = NULL;

  if (reply == NULL)
    return 0;
  (void) hf_luxos_reply_is_luxos (reply);
  (void) hf_luxos_status_code (reply);
  if (hf_luxos_parse_identity (reply, reply, miner, NULL)
      && !g_str_has_prefix (hf_miner_get_firmware (miner), "LuxOS"))
    __builtin_trap ();
  /* The same reply in every slot: each reader must cope with any of them. */
  r = hf_luxos_parse_reading (reply, reply, reply, reply, reply, reply, reply, reply, reply,
                              NULL);
  if (r != NULL && (r->power_w < 0 || r->power_limit_w <= 0))
    __builtin_trap ();
  names = hf_luxos_profile_names (reply);
  for (guint i = 0; names[i] != NULL; i++)
    (void) strlen (names[i]);
  /* A session id goes back as a parameter: never a comma or a quote. */
  sid = hf_luxos_session_id (reply);
  if (sid != NULL && strpbrk (sid, ",\"\\") != NULL)
    __builtin_trap ();
  return 0;
}
