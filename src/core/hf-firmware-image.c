/* hf-firmware-image.c
 * SPDX-License-Identifier: MIT
 *
 * What is checked, and where the layout comes from:
 *
 * esp-miner.bin is an ESP-IDF app image (esp_app_format.h,
 * bootloader_support/src/esp_image_format.c):
 *   esp_image_header_t, 24 bytes: magic 0xE9, segment_count, spi_mode,
 *   spi_speed/size, entry_addr (4), wp_pin, spi_pin_drv[3], chip_id (2,
 *   little-endian, esp_chip_id_t), min_chip_rev, min/max_chip_rev_full
 *   (2+2), reserved[4], hash_appended.
 *   Then segment_count times { load_addr (4), data_len (4), data }; every
 *   data_len a multiple of 4 (esp_image_format.c refuses others).  Then
 *   padding up to the last byte of a 16-byte block, that byte the XOR of
 *   every segment's data seeded with 0xEF; with hash_appended, the SHA-256
 *   of everything before it follows, and the image ends: esptool writes
 *   nothing more (zero or 0xFF padding up to the next 4 KiB sector is
 *   let through, anything else refused).
 *   The first segment's data starts with esp_app_desc_t: magic 0xABCD5432,
 *   secure_version, 8 reserved bytes, version[32], project_name[32],
 *   time[16], date[16], idf_ver[32], app_elf_sha256[32]…
 * All of that is checked: the chip (the miners are ESP32-S3), the layout,
 * the checksum and the appended SHA-256 (what esp_ota_end() verifies on the
 * miner), the app description and its project name.  Not checkable here:
 * the board the build is for (AxeOS builds serve every Bitaxe board, NerdOS
 * builds the NerdQAxe ones; an image says neither), and secure-boot
 * signatures (stock firmware does not use them).
 *
 * www.bin is a SPIFFS image made by ESP-IDF's spiffsgen.py at the www
 * partition's size, with ESP-IDF's defaults (ESP-Miner's sdkconfig changes
 * only the name length): 256-byte pages, 4 KiB blocks, magic on, magic
 * length on.  Each block's first page is its object lookup table, whose
 * second-last entry (bytes 252–253) holds the magic 0x20140529 ^ page size
 * ^ (block count − block index), as a 16-bit little-endian value
 * (spiffs_nucleus.h SPIFFS_MAGIC / SPIFFS_MAGIC_PADDR).  Checked: the size
 * (a whole number of blocks, within the partition), that it is not an app
 * image, and every block's magic — which also catches a truncated file,
 * since the magic depends on the block count.  Not checkable cheaply: the
 * files in it (that it is an AxeOS web UI, and which version).  The
 * firmware checks nothing but the size, so these checks are all there is.
 */
#include "config.h"

#include <string.h>

#include "hf-error.h"
#include "hf-firmware-image.h"

#define ESP_FLASH_SECTOR       4096
#define ESP_IMAGE_MAGIC        0xE9
#define ESP_IMAGE_HEADER_LEN   24
#define ESP_SEGMENT_HEADER_LEN 8
#define ESP_IMAGE_MAX_SEGMENTS 16
#define ESP_CHECKSUM_SEED      0xEF
#define ESP_APP_DESC_MAGIC     0xABCD5432u
#define ESP_APP_DESC_LEN       256

#define SPIFFS_PAGE            256
#define SPIFFS_BLOCK           4096
#define SPIFFS_MAGIC_OFFSET    (SPIFFS_PAGE - 4)

static const struct
{
  guint       id;
  const char *name;
} chips[] = {
  { 0, "ESP32" }, { 2, "ESP32-S2" }, { 5, "ESP32-C3" }, { 9, "ESP32-S3" }, { 12, "ESP32-C2" },
  { 13, "ESP32-C6" }, { 16, "ESP32-H2" }, { 18, "ESP32-P4" }, { 20, "ESP32-C61" },
  { 23, "ESP32-C5" }, { 25, "ESP32-H21" }, { 28, "ESP32-H4" },
};

const char *
hf_esp_chip_name (guint chip_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (chips); i++)
    if (chips[i].id == chip_id)
      return chips[i].name;
  return NULL;
}

HfFirmwareImage *
hf_firmware_image_ref (HfFirmwareImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);
  return g_atomic_rc_box_acquire (image);
}

static void
image_clear (gpointer data)
{
  HfFirmwareImage *image = data;

  g_free (image->name);
  g_clear_pointer (&image->data, g_bytes_unref);
  g_free (image->sha256);
  g_free (image->version);
  g_free (image->project);
  g_free (image->idf_version);
  g_free (image->built);
}

void
hf_firmware_image_unref (HfFirmwareImage *image)
{
  if (image != NULL)
    g_atomic_rc_box_release_full (image, image_clear);
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint16
le16 (const guint8 *p)
{
  return (guint16) (p[0] | p[1] << 8);
}

static gboolean invalid (GError    **error,
                         const char *name,
                         const char *format,
                         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError    **error,
         const char *name,
         const char *format,
         ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s: %s", name, text);
  return FALSE;
}

/* A NUL-terminated text field of @len bytes: printable ASCII only, or
 * NULL. */
static char *
text_field (const guint8 *p,
            gsize         len)
{
  gsize n = 0;

  while (n < len && p[n] != '\0')
    {
      if (p[n] < 0x20 || p[n] > 0x7e)
        return NULL;
      n++;
    }
  if (n == len)
    return NULL;
  return g_strndup ((const char *) p, n);
}

static gboolean
looks_like_spiffs (const guint8 *p,
                   gsize         size)
{
  guint blocks;

  if (size < SPIFFS_BLOCK || size % SPIFFS_BLOCK != 0)
    return FALSE;
  blocks = (guint) (size / SPIFFS_BLOCK);
  return le16 (p + SPIFFS_MAGIC_OFFSET) == (guint16) (0x20140529u ^ SPIFFS_PAGE ^ blocks);
}

static gboolean
check_app (HfFirmwareImage  *image,
           const guint8     *p,
           GError          **error)
{
  const char *name = image->name;
  gsize size = image->size;
  const char *chip;
  gsize pos;
  gsize first_data = 0, first_len = 0;
  guint8 checksum = ESP_CHECKSUM_SEED;
  const guint8 *desc;

  if (size > HF_FIRMWARE_APP_MAX_BYTES)
    return invalid (error, name, "%" G_GSIZE_FORMAT " bytes, larger than the miner's %u-byte "
                    "app partition", size, HF_FIRMWARE_APP_MAX_BYTES);
  if (size < ESP_IMAGE_HEADER_LEN + ESP_SEGMENT_HEADER_LEN + ESP_APP_DESC_LEN + 1)
    return invalid (error, name, "not an ESP32 app image: only %" G_GSIZE_FORMAT " bytes", size);
  if (p[0] != ESP_IMAGE_MAGIC)
    {
      if (looks_like_spiffs (p, size))
        return invalid (error, name, "this is a SPIFFS image (the web UI, www.bin), not the "
                        "firmware (esp-miner.bin)");
      return invalid (error, name, "not an ESP32 app image: it starts with 0x%02x, an ESP-IDF "
                      "app image with 0xe9", p[0]);
    }
  image->segments = p[1];
  if (image->segments == 0 || image->segments > ESP_IMAGE_MAX_SEGMENTS)
    return invalid (error, name, "not an ESP32 app image: %u segments (1–%u)", image->segments,
                    ESP_IMAGE_MAX_SEGMENTS);
  image->chip_id = le16 (p + 12);
  chip = hf_esp_chip_name (image->chip_id);
  if (image->chip_id != HF_ESP_CHIP_ID_ESP32S3)
    {
      if (chip != NULL)
        return invalid (error, name, "built for the %s (chip id %u); AxeOS and NerdOS miners "
                        "run on the ESP32-S3 (chip id %u)", chip, image->chip_id,
                        HF_ESP_CHIP_ID_ESP32S3);
      return invalid (error, name, "not an ESP32 app image: unknown chip id %u",
                      image->chip_id);
    }
  if (p[23] > 1)
    return invalid (error, name, "not an ESP32 app image: hash_appended is %u", p[23]);

  pos = ESP_IMAGE_HEADER_LEN;
  for (guint i = 0; i < image->segments; i++)
    {
      guint32 len;

      if (size - pos < ESP_SEGMENT_HEADER_LEN)
        return invalid (error, name, "cut short: segment %u of %u is missing", i + 1,
                        image->segments);
      len = le32 (p + pos + 4);
      pos += ESP_SEGMENT_HEADER_LEN;
      if (len % 4 != 0)
        return invalid (error, name, "not a valid ESP32 app image: segment %u is %u bytes, "
                        "not a multiple of 4", i + 1, len);
      if (len > size - pos)
        return invalid (error, name, "cut short: segment %u says %u bytes, %" G_GSIZE_FORMAT
                        " are left", i + 1, len, size - pos);
      if (i == 0)
        {
          first_data = pos;
          first_len = len;
        }
      for (guint32 k = 0; k < len; k++)
        checksum ^= p[pos + k];
      pos += len;
    }
  /* The checksum sits in the last byte of a 16-byte block. */
  pos += 15 - pos % 16;
  if (pos >= size)
    return invalid (error, name, "cut short: the checksum after the segments is missing");
  if (p[pos] != checksum)
    return invalid (error, name, "corrupt: the image checksum is 0x%02x, its segments give "
                    "0x%02x", p[pos], checksum);
  pos++;
  if (p[23] == 1)
    {
      g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize digest_len = sizeof digest;

      if (size - pos < sizeof digest)
        return invalid (error, name, "cut short: the appended SHA-256 is missing");
      g_checksum_update (sha, p, (gssize) pos);
      g_checksum_get_digest (sha, digest, &digest_len);
      if (memcmp (digest, p + pos, sizeof digest) != 0)
        return invalid (error, name, "corrupt: the SHA-256 the image carries does not match "
                        "its contents");
      image->hash_appended = TRUE;
    }
  /* The image ends here (esp_image_format.c reads no further).  esptool's
   * elf2image writes nothing after it; a file padded to a flash sector
   * with erased (0xFF) or zero bytes is let through, anything else after
   * the image is refused: it would be uploaded and written for nothing,
   * and is no part of what was checked. */
  pos += image->hash_appended ? 32 : 0;
  if (size > pos)
    {
      gsize sector_end = (pos + ESP_FLASH_SECTOR - 1) / ESP_FLASH_SECTOR * ESP_FLASH_SECTOR;
      gboolean padding = size <= sector_end;

      for (gsize k = pos; padding && k < size; k++)
        padding = p[k] == 0x00 || p[k] == 0xff;
      if (!padding)
        return invalid (error, name, "%" G_GSIZE_FORMAT " bytes after the end of the image "
                        "(which is %" G_GSIZE_FORMAT " bytes): not an image as esptool makes "
                        "it (only 0x00 or 0xFF padding up to the next 4 KiB is allowed)",
                        size - pos, pos);
    }

  if (first_len < ESP_APP_DESC_LEN)
    return invalid (error, name, "not an ESP-IDF application: its first segment has no app "
                    "description");
  desc = p + first_data;
  if (le32 (desc) != ESP_APP_DESC_MAGIC)
    return invalid (error, name, "not an ESP-IDF application: no app description (magic "
                    "0x%08x, not 0xabcd5432)", le32 (desc));
  image->version = text_field (desc + 16, 32);
  image->project = text_field (desc + 48, 32);
  image->idf_version = text_field (desc + 112, 32);
  if (image->project == NULL || image->version == NULL || image->version[0] == '\0')
    return invalid (error, name, "not an ESP-IDF application: its app description has no "
                    "readable version or project name");
  if (!g_str_equal (image->project, HF_FIRMWARE_PROJECT))
    return invalid (error, name, "the ESP32-S3 application \"%s\", not AxeOS or NerdOS "
                    "firmware (project \"" HF_FIRMWARE_PROJECT "\")", image->project);
  {
    g_autofree char *date = text_field (desc + 96, 16);
    g_autofree char *time = text_field (desc + 80, 16);

    if (date != NULL && time != NULL)
      image->built = g_strdup_printf ("%s %s", date, time);
  }
  return TRUE;
}

static gboolean
check_www (HfFirmwareImage  *image,
           const guint8     *p,
           GError          **error)
{
  const char *name = image->name;
  gsize size = image->size;

  if (size > 0 && p[0] == ESP_IMAGE_MAGIC && size > ESP_IMAGE_HEADER_LEN
      && hf_esp_chip_name (le16 (p + 12)) != NULL)
    return invalid (error, name, "this is an ESP32 app image (the firmware, esp-miner.bin), "
                    "not the web UI; sent as www.bin it would erase the miner's web UI");
  if (size == 0)
    return invalid (error, name, "the file is empty");
  if (size > HF_FIRMWARE_WWW_MAX_BYTES)
    return invalid (error, name, "%" G_GSIZE_FORMAT " bytes, larger than the miner's %u-byte "
                    "www partition", size, HF_FIRMWARE_WWW_MAX_BYTES);
  if (size % SPIFFS_BLOCK != 0)
    return invalid (error, name, "not a SPIFFS image: %" G_GSIZE_FORMAT " bytes is not a whole "
                    "number of %u-byte blocks (cut short?)", size, SPIFFS_BLOCK);
  if (size >= 16 && memcmp (p + 8, "littlefs", 8) == 0)
    return invalid (error, name, "a LittleFS image; the miner's www partition is SPIFFS");
  image->blocks = (guint) (size / SPIFFS_BLOCK);
  for (guint b = 0; b < image->blocks; b++)
    {
      guint16 want = (guint16) (0x20140529u ^ SPIFFS_PAGE ^ (image->blocks - b));
      guint16 got = le16 (p + (gsize) b * SPIFFS_BLOCK + SPIFFS_MAGIC_OFFSET);

      if (got != want)
        return invalid (error, name, "not a SPIFFS image of %u blocks as ESP-IDF makes them: "
                        "block %u has magic 0x%04x, not 0x%04x (cut short, or not the web "
                        "UI?)", image->blocks, b, got, want);
    }
  return TRUE;
}

HfFirmwareImage *
hf_firmware_image_check (HfFirmwareKind   kind,
                         const char      *name,
                         GBytes          *data,
                         GError         **error)
{
  g_autoptr(HfFirmwareImage) image = NULL;
  const guint8 *p;
  gsize size;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  image = g_atomic_rc_box_new0 (HfFirmwareImage);
  image->kind = kind;
  image->name = g_strdup (name ? name : (kind == HF_FIRMWARE_APP ? "esp-miner.bin" : "www.bin"));
  image->data = g_bytes_ref (data);
  p = g_bytes_get_data (data, &size);
  image->size = size;
  if (!(kind == HF_FIRMWARE_APP ? check_app (image, p, error) : check_www (image, p, error)))
    return NULL;
  image->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  return g_steal_pointer (&image);
}

/* ---- loading ------------------------------------------------------------ */

typedef struct
{
  HfFirmwareKind  kind;
  char           *name;
  guint8         *buffer;
  gsize           cap;
  GInputStream   *stream;
} Load;

static void
load_free (gpointer data)
{
  Load *load = data;

  g_free (load->name);
  g_free (load->buffer);
  if (load->stream != NULL)
    g_input_stream_close (load->stream, NULL, NULL);
  g_clear_object (&load->stream);
  g_free (load);
}

static void
read_all_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  HfFirmwareImage *image;
  gsize n = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, &error))
    {
      g_prefix_error (&error, "%s: ", load->name);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (n > load->cap)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                               "%s: larger than the miner's %" G_GSIZE_FORMAT "-byte %s "
                               "partition", load->name, load->cap,
                               load->kind == HF_FIRMWARE_APP ? "app" : "www");
      return;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&load->buffer), n);
  image = hf_firmware_image_check (load->kind, load->name, bytes, &error);
  if (image == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, image, (GDestroyNotify) hf_firmware_image_unref);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  load->stream = G_INPUT_STREAM (g_file_read_finish (G_FILE (source), result, &error));
  if (load->stream == NULL)
    {
      g_prefix_error (&error, "%s: ", load->name);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* One byte more than the cap tells a file that is too large. */
  load->buffer = g_malloc (load->cap + 1);
  g_input_stream_read_all_async (load->stream, load->buffer, load->cap + 1, G_PRIORITY_DEFAULT,
                                 cancellable, read_all_cb,
                                 g_steal_pointer (&task));
}

/* Only a regular file is read: opening a FIFO (or a device) would block
 * the worker for as long as nothing writes to it, past any cancel. */
static void
queried_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Load *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, &error);
  GCancellable *cancellable;
  GFileType type;

  if (info == NULL)
    {
      g_prefix_error (&error, "%s: ", load->name);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  type = g_file_info_get_file_type (info);
  if (type != G_FILE_TYPE_REGULAR)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                               "%s: not a regular file (%s); give the image file itself",
                               load->name,
                               type == G_FILE_TYPE_DIRECTORY ? "a directory"
                               : type == G_FILE_TYPE_SPECIAL ? "a pipe, socket or device"
                               : "not a file that can be read as one");
      return;
    }
  cancellable = g_task_get_cancellable (task);
  g_file_read_async (G_FILE (source), G_PRIORITY_DEFAULT, cancellable, read_cb,
                     g_steal_pointer (&task));
}

void
hf_firmware_image_load_async (GFile               *file,
                              HfFirmwareKind       kind,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_firmware_image_load_async);
  g_task_set_name (task, "hf_firmware_image_load");
  load = g_new0 (Load, 1);
  load->kind = kind;
  load->name = g_file_get_basename (file);
  if (load->name == NULL)
    load->name = g_strdup (kind == HF_FIRMWARE_APP ? "esp-miner.bin" : "www.bin");
  load->cap = kind == HF_FIRMWARE_APP ? HF_FIRMWARE_APP_MAX_BYTES : HF_FIRMWARE_WWW_MAX_BYTES;
  g_task_set_task_data (task, load, load_free);
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, cancellable, queried_cb, g_steal_pointer (&task));
}

HfFirmwareImage *
hf_firmware_image_load_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
