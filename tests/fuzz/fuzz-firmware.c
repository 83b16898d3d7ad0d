/* fuzz-firmware.c — any bytes as esp-miner.bin and www.bin, and as the
 * app description and code of an image whose checksums are right
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "hf-firmware-image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (HfFirmwareKind  kind,
       GBytes         *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfFirmwareImage) image = hf_firmware_image_check (kind, "fuzz.bin", bytes, &error);

  g_assert ((image == NULL) == (error != NULL));
  if (image == NULL)
    {
      g_assert (g_str_has_prefix (error->message, "fuzz.bin: "));
      return;
    }
  g_assert (image->size == g_bytes_get_size (bytes));
  g_assert (image->sha256 != NULL && strlen (image->sha256) == 64);
  if (kind == HF_FIRMWARE_APP)
    {
      g_assert (image->chip_id == HF_ESP_CHIP_ID_ESP32S3);
      g_assert (image->version != NULL && image->version[0] != '\0');
      g_assert (g_utf8_validate (image->version, -1, NULL));
      g_assert (strcmp (image->project, HF_FIRMWARE_PROJECT) == 0);
    }
  else
    g_assert (image->blocks * 4096u == image->size);
}

/* An ESP32-S3 image around @data: the first 256 bytes its app description
 * (padded), the rest a second segment, with its checksum and SHA-256 — so
 * the fuzzer reaches the description's parsing past the checksums. */
static GBytes *
wrap (const uint8_t *data,
      size_t         size)
{
  static const guint8 header[24] = { 0xE9, 2, 2, 0x2f, 0, 0x50, 0x37, 0x40, 0xee, 0, 0, 0,
                                     9, 0, 0, 0, 0, 99, 0, 0, 0, 0, 0, 1 };
  GByteArray *a = g_byte_array_new ();
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 desc[256] = { 0 };
  guint8 seg[8];
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  guint8 sum = 0xEF;
  size_t rest = size > 256 ? (size - 256) & ~(size_t) 3 : 0;

  memcpy (desc, data, MIN (size, sizeof desc));
  g_byte_array_append (a, header, sizeof header);
  seg[0] = 0x20; seg[1] = 0; seg[2] = 0; seg[3] = 0x3c;
  seg[4] = 0; seg[5] = 1; seg[6] = 0; seg[7] = 0;           /* 256 bytes */
  g_byte_array_append (a, seg, 8);
  g_byte_array_append (a, desc, sizeof desc);
  seg[0] = 0; seg[1] = 0; seg[2] = 0x37; seg[3] = 0x40;
  seg[4] = rest & 0xff; seg[5] = (rest >> 8) & 0xff; seg[6] = (rest >> 16) & 0xff;
  seg[7] = (rest >> 24) & 0xff;
  g_byte_array_append (a, seg, 8);
  if (rest > 0)
    g_byte_array_append (a, data + 256, (guint) rest);
  for (size_t i = 0; i < sizeof desc; i++)
    sum ^= desc[i];
  for (size_t i = 0; i < rest; i++)
    sum ^= data[256 + i];
  while (a->len % 16 != 15)
    {
      guint8 zero = 0;
      g_byte_array_append (a, &zero, 1);
    }
  g_byte_array_append (a, &sum, 1);
  g_checksum_update (sha, a->data, a->len);
  g_checksum_get_digest (sha, digest, &digest_len);
  g_byte_array_append (a, digest, sizeof digest);
  return g_byte_array_free_to_bytes (a);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) raw = g_bytes_new (data, size);
  g_autoptr(GBytes) wrapped = wrap (data, size);

  check (HF_FIRMWARE_APP, raw);
  check (HF_FIRMWARE_WWW, raw);
  check (HF_FIRMWARE_APP, wrapped);
  return 0;
}
