/* hf-firmware-image.h — what an AxeOS firmware file is, checked before
 * anything is sent to a miner
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * HfFirmwareKind:
 * @HF_FIRMWARE_APP: esp-miner.bin, the ESP-IDF app image (POST
 *   /api/system/OTA); the firmware's own ESP-IDF checks it again
 * @HF_FIRMWARE_WWW: www.bin, the SPIFFS image of the web UI (POST
 *   /api/system/OTAWWW); the firmware checks only its size
 */
typedef enum
{
  HF_FIRMWARE_APP,
  HF_FIRMWARE_WWW,
} HfFirmwareKind;

/* ESP-IDF's esp_chip_id_t of the ESP32-S3: every ESP-Miner (Bitaxe) and
 * NerdOS (NerdQAxe) build targets it (CONFIG_IDF_TARGET="esp32s3"). */
#define HF_ESP_CHIP_ID_ESP32S3      9
/* The app partitions (ota_0, ota_1) of ESP-Miner's partitions.csv: 4 MiB. */
#define HF_FIRMWARE_APP_MAX_BYTES   (4u * 1024 * 1024)
/* Its www partition (SPIFFS): 3 MiB.  The firmware refuses a larger body
 * with 400 before it erases anything. */
#define HF_FIRMWARE_WWW_MAX_BYTES   (3u * 1024 * 1024)
/* The ESP-IDF project name both firmwares are built as. */
#define HF_FIRMWARE_PROJECT         "esp-miner"

/**
 * HfFirmwareImage:
 * @kind: which file it is
 * @name: the file's name (for messages)
 * @data: its bytes
 * @size: their count
 * @sha256: their SHA-256, lower-case hex
 * @chip_id: (app) the header's esp_chip_id_t
 * @segments: (app) the header's segment count
 * @hash_appended: (app) the image carries its own SHA-256, and it matched
 * @version: (app) esp_app_desc_t.version: what /api/system/info's
 *   `version` says once the miner runs it
 * @project: (app) esp_app_desc_t.project_name
 * @idf_version: (app) esp_app_desc_t.idf_ver
 * @built: (app) esp_app_desc_t.date and .time, "Nov 19 2025 10:00:00"
 * @blocks: (www) SPIFFS blocks of 4 KiB
 *
 * Reference counted (hf_firmware_image_ref()); read-only once made.
 */
typedef struct
{
  HfFirmwareKind  kind;
  char           *name;
  GBytes         *data;
  gsize           size;
  char           *sha256;
  guint16         chip_id;
  guint           segments;
  gboolean        hash_appended;
  char           *version;
  char           *project;
  char           *idf_version;
  char           *built;
  guint           blocks;
} HfFirmwareImage;

HfFirmwareImage *hf_firmware_image_ref    (HfFirmwareImage  *image);
void             hf_firmware_image_unref  (HfFirmwareImage  *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfFirmwareImage, hf_firmware_image_unref)

/* Check @data as a file of @kind named @name: NULL with an HF_ERROR_INVALID
 * that names the file and what is wrong, else the image (which refs
 * @data).  No I/O: the fuzz harness calls it. */
HfFirmwareImage *hf_firmware_image_check  (HfFirmwareKind    kind,
                                           const char       *name,
                                           GBytes           *data,
                                           GError          **error);

/* Read @file (at most the partition's size, plus one byte to tell a file
 * that is too large) and check it. */
void             hf_firmware_image_load_async  (GFile               *file,
                                                HfFirmwareKind       kind,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
HfFirmwareImage *hf_firmware_image_load_finish (GAsyncResult        *result,
                                                GError             **error);

/* "ESP32-S3", "ESP32-C3"…, or NULL for an id ESP-IDF does not have. */
const char      *hf_esp_chip_name         (guint             chip_id);

G_END_DECLS
