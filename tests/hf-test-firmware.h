/* hf-test-firmware.h — firmware images made for tests (never real ones)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A minimal ESP-IDF app image: header (magic 0xE9, @chip_id), two
 * segments (the first opening with an esp_app_desc_t of @project and
 * @version), the checksum and the appended SHA-256; @payload bytes of
 * filler in the second segment (rounded up to 4). */
GBytes *hf_test_esp_app_image  (guint16     chip_id,
                                const char *project,
                                const char *version,
                                gsize       payload);
/* A SPIFFS image of @blocks empty 4 KiB blocks as ESP-IDF's spiffsgen.py
 * makes them (256-byte pages, magic and magic length on). */
GBytes *hf_test_spiffs_image   (guint       blocks);
/* Write @bytes to a new file in the test's temporary directory. */
char   *hf_test_write_temp     (const char *name,
                                GBytes     *bytes);

G_END_DECLS
