/* hf-test-firmware.c
 * SPDX-License-Identifier: MIT
 *
 * The layouts of esp_app_format.h and spiffsgen.py, written from their
 * description in src/core/hf-firmware-image.c.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "hf-test-firmware.h"

static void
put32 (GByteArray *a,
       guint32     v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };

  g_byte_array_append (a, b, 4);
}

static void
put_text (GByteArray *a,
          const char *text,
          gsize       len)
{
  guint8 field[64] = { 0 };

  g_assert (len <= sizeof field);
  memcpy (field, text, MIN (strlen (text), len));
  g_byte_array_append (a, field, (guint) len);
}

GBytes *
hf_test_esp_app_image (guint16     chip_id,
                       const char *project,
                       const char *version,
                       gsize       payload)
{
  GByteArray *a = g_byte_array_new ();
  guint8 header[24] = { 0xE9, 2, 2, 0x2f };
  g_autoptr(GByteArray) desc = g_byte_array_new ();
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  guint8 checksum = 0xEF;
  guint32 filler_len = (guint32) ((payload + 3) & ~(gsize) 3);

  /* entry 0x40375000, wp_pin 0xee, chip id, max rev 99, hash appended */
  header[4] = 0x00; header[5] = 0x50; header[6] = 0x37; header[7] = 0x40;
  header[8] = 0xee;
  header[12] = chip_id & 0xff;
  header[13] = chip_id >> 8;
  header[17] = 99;
  header[23] = 1;
  g_byte_array_append (a, header, sizeof header);

  /* esp_app_desc_t */
  put32 (desc, 0xABCD5432u);
  put32 (desc, 0);
  put32 (desc, 0);
  put32 (desc, 0);
  put_text (desc, version, 32);
  put_text (desc, project, 32);
  put_text (desc, "10:00:00", 16);
  put_text (desc, "Dec  5 2026", 16);
  put_text (desc, "v5.5.1", 32);
  g_byte_array_set_size (desc, 256);
  memset (desc->data + 176, 0x5a, 80);

  put32 (a, 0x3C000020);
  put32 (a, desc->len);
  g_byte_array_append (a, desc->data, desc->len);
  for (guint i = 0; i < desc->len; i++)
    checksum ^= desc->data[i];

  put32 (a, 0x40370000);
  put32 (a, filler_len);
  for (guint32 i = 0; i < filler_len; i++)
    {
      guint8 b = (guint8) (i * 7 + 3);

      g_byte_array_append (a, &b, 1);
      checksum ^= b;
    }
  while (a->len % 16 != 15)
    {
      guint8 zero = 0;
      g_byte_array_append (a, &zero, 1);
    }
  g_byte_array_append (a, &checksum, 1);
  g_checksum_update (sha, a->data, a->len);
  g_checksum_get_digest (sha, digest, &digest_len);
  g_byte_array_append (a, digest, sizeof digest);
  return g_byte_array_free_to_bytes (a);
}

GBytes *
hf_test_spiffs_image (guint blocks)
{
  gsize size = (gsize) blocks * 4096;
  guint8 *p = g_malloc (size);

  memset (p, 0xff, size);
  for (guint b = 0; b < blocks; b++)
    {
      guint16 magic = (guint16) (0x20140529u ^ 256 ^ (blocks - b));

      p[(gsize) b * 4096 + 252] = magic & 0xff;
      p[(gsize) b * 4096 + 253] = magic >> 8;
    }
  /* Block 0: one file, its index page (id 1 | 0x8000) and a data page. */
  if (blocks > 0)
    {
      p[0] = 0x01; p[1] = 0x80;
      p[2] = 0x01; p[3] = 0x00;
      memcpy (p + 256 * 2 + 5, "/version.txt", 12);
      memcpy (p + 256 * 2 + 5 + 12 + 4, "v2.99.0-hf-test\n", 16);
    }
  return g_bytes_new_take (p, size);
}

char *
hf_test_write_temp (const char *name,
                    GBytes     *bytes)
{
  g_autofree char *dir = g_dir_make_tmp ("hf-firmware-XXXXXX", NULL);
  char *path;
  gsize len;
  const char *data;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, name, NULL);
  data = g_bytes_get_data (bytes, &len);
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  return path;
}
