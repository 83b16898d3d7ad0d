/* fuzz-whatsminer-v3.c — any bytes as a Whatsminer API v3 reply stream
 * SPDX-License-Identifier: MIT
 *
 * The bytes go through the frame reader in pieces the size the reader asks
 * for (as the client reads them), then every whole frame through the reply
 * check and the parsers; the last bytes are also tried as an encrypted
 * param.
 */
#include <stdint.h>
#include <string.h>

#include "hf-miner.h"
#include "hf-whatsminer-v3-auth.h"
#include "hf-whatsminer-v3-parse.h"
#include "hf-whatsminer-v3-reply.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
parse_all (JsonObject *reply)
{
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.1", HF_FAMILY_UNKNOWN);
  g_autofree char *salt = hf_whatsminer_v3_parse_salt (reply);
  HfReading *r = hf_whatsminer_v3_parse_reading (reply, reply, reply, NULL);

  hf_whatsminer_v3_parse_identity (reply, miner, NULL);
  if (salt != NULL && (strlen (salt) == 0 || strlen (salt) > 64))
    __builtin_trap ();
  if (r != NULL)
    hf_reading_free (r);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  HfWhatsminerV3Frame frame;
  gsize at = 0;
  guint frames = 0;

  hf_whatsminer_v3_frame_init (&frame, 64 * 1024);
  while (at < size && frames < 8)
    {
      gsize want = hf_whatsminer_v3_frame_want (&frame, 1 + data[at] % 97);
      gboolean complete = FALSE;

      want = MIN (want, size - at);
      if (!hf_whatsminer_v3_frame_feed (&frame, data + at, want, &complete, NULL))
        break;
      at += want;
      if (frame.body->len > frame.max_bytes)
        __builtin_trap ();
      if (complete)
        {
          JsonObject *reply = hf_whatsminer_v3_parse_reply ((const char *) frame.body->data,
                                                            frame.body->len, NULL);
          if (reply != NULL)
            {
              parse_all (reply);
              json_object_unref (reply);
            }
          hf_whatsminer_v3_frame_clear (&frame);
          hf_whatsminer_v3_frame_init (&frame, 64 * 1024);
          frames++;
        }
    }
  hf_whatsminer_v3_frame_clear (&frame);

  {
    static const guint8 key[HF_WHATSMINER_V3_DIGEST_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    g_autofree char *text = g_strndup ((const char *) data, size);
    g_autofree char *plain = hf_whatsminer_v3_decrypt (key, text, NULL);

    if (plain != NULL)
      (void) strlen (plain);
  }
  return 0;
}
