/* test-firmware.c — AxeOS firmware updates: the image checks, and the
 * fleet updater and `hashfleet-cli update` against hashfleet-sim
 * SPDX-License-Identifier: MIT
 *
 * The images are made here (hf-test-firmware.c), never real firmware.
 * The simulator answers OTA and OTAWWW as the firmware does (it refuses a
 * chunked body, checks the image's magic, reboots into its version); its
 * "ota" events say what each miner received.
 */
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "hf-core.h"
#include "hf-test-firmware.h"
#include "hf-test-utils.h"

#define HTTP_PORT    18923
#define CGMINER_PORT 14923
#define NEW_VERSION  "v2.99.0-hf-test"
#define OLD_VERSION  "v2.15.0"

static const char fleet_config[] =
  "[fleet]\nhttp-port=18923\ncgminer-port=14923\nstatic=true\nrestart-seconds=1\n"
  "[miner 127.0.124.1]\nprofile=gamma\n"
  "[miner 127.0.124.2]\nprofile=gamma\n"
  "[miner 127.0.124.3]\nprofile=gamma\nota-fail=validation\n"
  "[miner 127.0.124.4]\nprofile=gamma\n"
  "[miner 127.0.124.5]\nprofile=gamma\n"
  "[miner 127.0.125.1]\nprofile=gamma\n"
  "[miner 127.0.125.2]\nprofile=gamma\n"
  "[miner 127.0.125.3]\nprofile=gamma\n"
  "[miner 127.0.125.4]\nprofile=nerdqaxe\n"
  "[miner 127.0.125.5]\nprofile=gamma\nota-fail=rollback\n"
  "[miner 127.0.126.1]\nprofile=gamma\n"
  "[miner 127.0.126.2]\nprofile=gamma\n"
  "[miner 127.0.126.3]\nprofile=s19pro\n"
  "[miner 127.0.126.4]\nprofile=gamma\nota-fail=hang\n"
  "[miner 127.0.126.5]\nprofile=gamma\n"
  "[miner 127.0.126.6]\nprofile=gamma\n"
  "[miner 127.0.126.7]\nprofile=gamma\nota-fail=escape\n"
  "[miner 127.0.126.8]\nprofile=gamma\nmac-change-after=1\n"
  "[miner 127.0.126.9]\nprofile=gamma\nota-fail=no-reboot\n"
  "[miner 127.0.126.10]\nprofile=gamma\n"
  "[miner 127.0.126.11]\nprofile=gamma\nmac-change-after=1\n"
  "[miner 127.0.126.12]\nprofile=gamma\nota-delay=3000\n"
  "[miner 127.0.126.13]\nprofile=braiins-rest\n";

static HfTestSim *sim;

/* ---- images ------------------------------------------------------------- */

static HfFirmwareImage *
app_image (void)
{
  g_autoptr(GBytes) bytes = hf_test_esp_app_image (HF_ESP_CHIP_ID_ESP32S3, "esp-miner",
                                                   NEW_VERSION, 3000);
  g_autoptr(GError) error = NULL;
  HfFirmwareImage *image = hf_firmware_image_check (HF_FIRMWARE_APP, "esp-miner.bin", bytes,
                                                    &error);

  g_assert_no_error (error);
  return image;
}

static void
refused (HfFirmwareKind  kind,
         GBytes         *bytes,
         const char     *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfFirmwareImage) image = hf_firmware_image_check (kind, "file.bin", bytes, &error);

  g_assert_null (image);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  if (strstr (error->message, words) == NULL)
    g_error ("'%s' does not say '%s'", error->message, words);
  g_assert_true (g_str_has_prefix (error->message, "file.bin: "));
}

/* A copy of @bytes with byte @at xor-ed with @mask (or cut to @at). */
static GBytes *
changed (GBytes *bytes,
         gsize   at,
         guint8  mask,
         gboolean cut)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);
  guint8 *copy = g_memdup2 (p, len);

  if (cut)
    return g_bytes_new_take (copy, at);
  copy[at] ^= mask;
  return g_bytes_new_take (copy, len);
}

/* The same, with the image's checksum and appended SHA-256 made right
 * again (a change inside a segment's data, of the test images' layout):
 * what is refused is then the change itself. */
static GBytes *
changed_fixed (GBytes *bytes,
               gsize   at,
               guint8  mask)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);
  guint8 *copy = g_memdup2 (p, len);
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_len = 32;

  copy[at] ^= mask;
  copy[len - 33] ^= mask;
  g_checksum_update (sha, copy, (gssize) (len - 32));
  g_checksum_get_digest (sha, copy + len - 32, &digest_len);
  return g_bytes_new_take (copy, len);
}

static void
test_app_image (void)
{
  g_autoptr(GBytes) good = hf_test_esp_app_image (9, "esp-miner", NEW_VERSION, 1000);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfFirmwareImage) image = hf_firmware_image_check (HF_FIRMWARE_APP, NULL, good,
                                                              &error);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, good);
  g_autoptr(GBytes) c3 = hf_test_esp_app_image (5, "esp-miner", NEW_VERSION, 1000);
  g_autoptr(GBytes) other = hf_test_esp_app_image (9, "blink", "v1.0", 1000);
  g_autoptr(GBytes) spiffs = hf_test_spiffs_image (16);
  g_autoptr(GBytes) text = g_bytes_new_static ("<!doctype html><html>hello</html>"
                                               "                                       "
                                               "                                       "
                                               "                                       "
                                               "                                       "
                                               "                                       "
                                               "                                       "
                                               "                                       ", 306);
  g_autoptr(GBytes) magic = changed (good, 0, 0xff, FALSE);
  g_autoptr(GBytes) body = changed (good, 600, 0x01, FALSE);
  g_autoptr(GBytes) sha_bad = changed (good, g_bytes_get_size (good) - 1, 0x01, FALSE);
  g_autoptr(GBytes) cut = changed (good, 700, 0, TRUE);
  g_autoptr(GBytes) desc = changed_fixed (good, 32, 0x01);
  g_autoptr(GBytes) project = changed_fixed (good, 32 + 48, 'e' ^ 'E');
  g_autoptr(GBytes) unchanged = changed_fixed (good, 600, 0);
  g_autoptr(GBytes) segments = changed (good, 1, 0x30, FALSE);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpstr (image->version, ==, NEW_VERSION);
  g_assert_cmpstr (image->project, ==, "esp-miner");
  g_assert_cmpstr (image->idf_version, ==, "v5.5.1");
  g_assert_cmpstr (image->built, ==, "Dec  5 2026 10:00:00");
  g_assert_cmpuint (image->chip_id, ==, 9);
  g_assert_cmpuint (image->segments, ==, 2);
  g_assert_true (image->hash_appended);
  g_assert_cmpuint (image->size, ==, g_bytes_get_size (good));
  g_assert_cmpstr (image->sha256, ==, sha);
  g_assert_cmpstr (image->name, ==, "esp-miner.bin");

  refused (HF_FIRMWARE_APP, c3, "built for the ESP32-C3 (chip id 5)");
  refused (HF_FIRMWARE_APP, other, "\"blink\", not AxeOS or NerdOS");
  refused (HF_FIRMWARE_APP, spiffs, "SPIFFS image (the web UI");
  refused (HF_FIRMWARE_APP, text, "not an ESP32 app image: it starts with 0x3c");
  refused (HF_FIRMWARE_APP, magic, "not an ESP32 app image");
  refused (HF_FIRMWARE_APP, body, "checksum");
  refused (HF_FIRMWARE_APP, sha_bad, "SHA-256");
  refused (HF_FIRMWARE_APP, cut, "cut short");
  refused (HF_FIRMWARE_APP, desc, "no app description");
  refused (HF_FIRMWARE_APP, segments, "segments");
  refused (HF_FIRMWARE_APP, project, "\"Esp-miner\", not AxeOS");
  /* Bytes after the image (the checksum and the SHA-256 end it): junk is
   * refused, 0x00/0xFF padding to the next 4 KiB sector let through. */
  {
    gsize len = g_bytes_get_size (good);
    gsize sector = (len + 4095) / 4096 * 4096;
    g_autoptr(GByteArray) junk = g_byte_array_new ();
    g_autoptr(GByteArray) padded = g_byte_array_new ();
    g_autoptr(GByteArray) long_pad = g_byte_array_new ();
    g_autoptr(GBytes) junk_bytes = NULL;
    g_autoptr(GBytes) padded_bytes = NULL;
    g_autoptr(GBytes) long_bytes = NULL;
    g_autoptr(HfFirmwareImage) ok = NULL;
    g_autofree char *words = g_strdup_printf ("21000 bytes after the end of the image (which "
                                              "is %" G_GSIZE_FORMAT " bytes)", len);

    g_byte_array_append (junk, g_bytes_get_data (good, NULL), (guint) len);
    for (guint i = 0; i < 21000; i++)
      g_byte_array_append (junk, (const guint8 *) "J", 1);
    junk_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&junk));
    refused (HF_FIRMWARE_APP, junk_bytes, words);

    g_byte_array_append (padded, g_bytes_get_data (good, NULL), (guint) len);
    while (padded->len < sector)
      g_byte_array_append (padded, (const guint8 *) "\xff", 1);
    padded_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&padded));
    ok = hf_firmware_image_check (HF_FIRMWARE_APP, NULL, padded_bytes, &error);
    g_assert_no_error (error);
    g_assert_nonnull (ok);

    g_byte_array_append (long_pad, g_bytes_get_data (good, NULL), (guint) len);
    while (long_pad->len < sector + 1)
      g_byte_array_append (long_pad, (const guint8 *) "\0", 1);
    long_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&long_pad));
    refused (HF_FIRMWARE_APP, long_bytes, "after the end of the image");
  }
  {
    g_autoptr(HfFirmwareImage) same = hf_firmware_image_check (HF_FIRMWARE_APP, NULL, unchanged,
                                                               &error);
    g_assert_no_error (error);
    g_assert_nonnull (same);
  }
}

static void
test_www_image (void)
{
  g_autoptr(GBytes) good = hf_test_spiffs_image (768);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfFirmwareImage) image = hf_firmware_image_check (HF_FIRMWARE_WWW, "www.bin", good,
                                                              &error);
  g_autoptr(GBytes) app = hf_test_esp_app_image (9, "esp-miner", NEW_VERSION, 100);
  g_autoptr(GBytes) big = hf_test_spiffs_image (769);
  g_autoptr(GBytes) cut_blocks = changed (good, 700 * 4096, 0, TRUE);
  g_autoptr(GBytes) cut_odd = changed (good, 4096 * 3 + 100, 0, TRUE);
  g_autoptr(GBytes) broken = changed (good, 4096 * 5 + 252, 0x10, FALSE);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  guint8 *lfs = g_malloc0 (4096);
  g_autoptr(GBytes) littlefs = NULL;

  memcpy (lfs + 8, "littlefs", 8);
  littlefs = g_bytes_new_take (lfs, 4096);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpuint (image->blocks, ==, 768);
  g_assert_cmpuint (image->size, ==, HF_FIRMWARE_WWW_MAX_BYTES);
  g_assert_null (image->version);

  refused (HF_FIRMWARE_WWW, app, "ESP32 app image (the firmware");
  refused (HF_FIRMWARE_WWW, big, "larger than the miner's 3145728-byte www partition");
  refused (HF_FIRMWARE_WWW, cut_blocks, "block 0 has magic");
  refused (HF_FIRMWARE_WWW, cut_odd, "not a whole number");
  refused (HF_FIRMWARE_WWW, broken, "block 5 has magic");
  refused (HF_FIRMWARE_WWW, empty, "empty");
  refused (HF_FIRMWARE_WWW, littlefs, "LittleFS");
}

typedef struct
{
  gboolean         done;
  gboolean         ok;
  HfFirmwareImage *image;
  GError          *error;
  GPtrArray       *steps;  /* "address step sent/total" */
  guint64          max_sent;
  guint            updating_seen;  /* steps seen with the reading marked updating */
} Wait;

static void
wait_clear (Wait *w)
{
  g_clear_pointer (&w->image, hf_firmware_image_unref);
  g_clear_error (&w->error);
  g_clear_pointer (&w->steps, g_ptr_array_unref);
  w->done = FALSE;
  w->ok = FALSE;
  w->max_sent = 0;
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->image = hf_firmware_image_load_finish (result, &w->error);
  w->done = TRUE;
}

static void
test_load (void)
{
  g_autoptr(GBytes) good = hf_test_esp_app_image (9, "esp-miner", NEW_VERSION, 64);
  g_autofree char *path = hf_test_write_temp ("esp-miner.bin", good);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (HF_FIRMWARE_APP_MAX_BYTES + 10),
                                             HF_FIRMWARE_APP_MAX_BYTES + 10);
  g_autofree char *huge_path = hf_test_write_temp ("huge.bin", huge);
  g_autoptr(GFile) huge_file = g_file_new_for_path (huge_path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/esp-miner.bin");
  Wait w = { 0 };

  hf_firmware_image_load_async (file, HF_FIRMWARE_APP, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.image->version, ==, NEW_VERSION);
  g_assert_cmpuint (w.image->size, ==, g_bytes_get_size (good));
  wait_clear (&w);

  hf_firmware_image_load_async (huge_file, HF_FIRMWARE_APP, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (w.error->message, "huge.bin: larger than the miner's"));
  wait_clear (&w);

  /* A FIFO (or a directory) is refused at once, never opened: opening a
   * FIFO blocks until something writes to it. */
  {
    g_autofree char *dir = g_dir_make_tmp ("hf-firmware-fifo-XXXXXX", NULL);
    g_autofree char *fifo_path = g_build_filename (dir, "esp-miner.bin", NULL);
    g_autoptr(GFile) fifo = g_file_new_for_path (fifo_path);
    g_autoptr(GFile) directory = g_file_new_for_path (dir);
    gint64 start = g_get_monotonic_time ();

    g_assert_cmpint (mkfifo (fifo_path, 0600), ==, 0);
    hf_firmware_image_load_async (fifo, HF_FIRMWARE_APP, NULL, loaded_cb, &w);
    hf_test_wait_for (&w.done, 3000);
    g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
    g_assert_error (w.error, HF_ERROR, HF_ERROR_INVALID);
    g_assert_cmpstr (w.error->message, ==, "esp-miner.bin: not a regular file (a pipe, socket "
                     "or device); give the image file itself");
    wait_clear (&w);

    hf_firmware_image_load_async (directory, HF_FIRMWARE_APP, NULL, loaded_cb, &w);
    hf_test_wait_for (&w.done, 3000);
    g_assert_error (w.error, HF_ERROR, HF_ERROR_INVALID);
    g_assert_nonnull (strstr (w.error->message, "not a regular file (a directory)"));
    wait_clear (&w);
    g_unlink (fifo_path);
    g_rmdir (dir);
  }

  hf_firmware_image_load_async (missing, HF_FIRMWARE_APP, NULL, loaded_cb, &w);
  hf_test_wait_for (&w.done, 5000);
  g_assert_nonnull (w.error);
  g_assert_true (g_str_has_prefix (w.error->message, "esp-miner.bin: "));
  wait_clear (&w);
}

/* ---- the updater -------------------------------------------------------- */

static HfConfig *
config_new (void)
{
  HfConfig *config = hf_config_new ();

  config->http_port = HTTP_PORT;
  config->cgminer_port = CGMINER_PORT;
  config->timeout_ms = 1500;
  config->connect_timeout_ms = 1000;
  return config;
}

static GPtrArray *
miners_of (const char * const *addresses)
{
  GPtrArray *miners = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      HfMiner *miner = hf_miner_new (addresses[i], HF_FAMILY_AXEOS);

      hf_miner_set_http_port (miner, HTTP_PORT);
      g_ptr_array_add (miners, miner);
    }
  return miners;
}

static void
progress_cb (HfFirmwareUpdate *update,
             HfMiner          *miner,
             guint             index,
             guint             n,
             guint             step,
             guint64           sent,
             guint64           total,
             gpointer          data)
{
  Wait *w = data;
  const char *name = hf_firmware_step_to_string (step);

  g_assert_cmpuint (index, <, n);
  w->max_sent = MAX (w->max_sent, sent);
  if (sent > 0)
    {
      g_assert_cmpuint (sent, <=, total);
      return;
    }
  if (hf_miner_get_reading (miner) != NULL && hf_miner_get_reading (miner)->updating)
    w->updating_seen++;
  if (w->steps == NULL)
    w->steps = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (w->steps, g_strdup_printf ("%u/%u %s %s", index + 1, n,
                                              hf_miner_get_address (miner), name));
}

static void
ran_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;
  w->ok = hf_firmware_update_run_finish (HF_FIRMWARE_UPDATE (source), result, &w->error);
  w->done = TRUE;
}

static HfFirmwareUpdate *
updater_new (HfFirmwareImage *app,
             HfFirmwareImage *www,
             Wait            *w)
{
  g_autoptr(HfConfig) config = config_new ();
  HfFirmwareUpdate *update = hf_firmware_update_new (config, app, www);

  hf_firmware_update_set_timing (update, 15000, 300, 400);
  g_signal_connect (update, "progress", G_CALLBACK (progress_cb), w);
  return update;
}

static HfFirmwareResult *
result_at (HfFirmwareUpdate *update,
           guint             i)
{
  return g_ptr_array_index (hf_firmware_update_get_results (update), i);
}

/* What /api/system/info of @ip says its version is now. */
static char *
version_of (const char *ip)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autofree char *url = g_strdup_printf ("http://%s:%u/api/system/info", ip, HTTP_PORT);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (body);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (
    json_parser_get_root (parser)), "version"));
}

static void
test_sequential_stops (void)
{
  const char *addresses[] = { "127.0.124.1", "127.0.124.2", "127.0.124.3", "127.0.124.4",
                              "127.0.124.5", NULL };
  g_autoptr(HfFirmwareImage) app = app_image ();
  g_autofree char *dir = g_dir_make_tmp ("hf-firmware-store-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (db, &error);
  g_autoptr(GPtrArray) miners = miners_of (addresses);
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *v4 = NULL;
  g_autofree char *v5 = NULL;
  g_autofree char *v1 = NULL;
  Wait w = { 0 };
  g_autoptr(HfFirmwareUpdate) update = updater_new (app, NULL, &w);
  guint updated = 0, failed = 0;

  g_assert_no_error (error);
  hf_firmware_update_set_store (update, store);
  hf_firmware_update_run_async (update, miners, FALSE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 60000);

  g_assert_false (w.ok);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_cmpstr (w.error->message, ==, "127.0.124.3: firmware: the miner refused "
                   "esp-miner.bin: HTTP 500: Validation / Activation Error");

  for (guint i = 0; i < 2; i++)
    {
      HfFirmwareResult *r = result_at (update, i);

      g_assert_cmpint (r->outcome, ==, HF_FIRMWARE_UPDATED);
      g_assert_cmpstr (r->before, ==, OLD_VERSION);
      g_assert_cmpstr (r->after, ==, NEW_VERSION);
      g_assert_cmpstr (r->partition_before, ==, "ota_0");
      g_assert_cmpstr (r->partition_after, ==, "ota_1");
      g_assert_no_error (r->error);
    }
  g_assert_cmpint (result_at (update, 2)->outcome, ==, HF_FIRMWARE_FAILED);
  g_assert_cmpint (result_at (update, 2)->step, ==, HF_FIRMWARE_STEP_FIRMWARE);
  g_assert_cmpint (result_at (update, 3)->outcome, ==, HF_FIRMWARE_UNTOUCHED);
  g_assert_cmpint (result_at (update, 4)->outcome, ==, HF_FIRMWARE_UNTOUCHED);
  g_assert_null (result_at (update, 3)->before);

  /* Each of the first three got exactly one upload, of the whole image
   * with its Content-Length; the last two got none. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *want = g_strdup_printf ("OTA length=%" G_GSIZE_FORMAT " %s", app->size,
                                               i == 2 ? "validation-error" : "ok");

      g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[i], 1, 2000), ==, 1);
      g_assert_nonnull (strstr (hf_test_sim_last_event (sim, "ota", addresses[i]), want));
      g_assert_cmpuint (hf_test_sim_events (sim, "ota-chunked", addresses[i], 0, 0), ==, 0);
    }
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[3], 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[4], 0, 0), ==, 0);
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", addresses[3], 0, 0), ==, 0);
  v1 = version_of (addresses[0]);
  v4 = version_of (addresses[3]);
  v5 = version_of (addresses[4]);
  g_assert_cmpstr (v1, ==, NEW_VERSION);
  g_assert_cmpstr (v4, ==, OLD_VERSION);
  g_assert_cmpstr (v5, ==, OLD_VERSION);

  /* The steps, in order, one miner at a time. */
  g_assert_nonnull (w.steps);
  g_assert_cmpstr (g_ptr_array_index (w.steps, 0), ==, "1/5 127.0.124.1 check");
  g_assert_cmpstr (g_ptr_array_index (w.steps, 1), ==, "1/5 127.0.124.1 firmware");
  g_assert_cmpstr (g_ptr_array_index (w.steps, 2), ==, "1/5 127.0.124.1 reboot");
  g_assert_cmpstr (g_ptr_array_index (w.steps, 3), ==, "1/5 127.0.124.1 done");
  g_assert_cmpstr (g_ptr_array_index (w.steps, 4), ==, "2/5 127.0.124.2 check");
  g_assert_cmpstr (g_ptr_array_index (w.steps, w.steps->len - 1), ==,
                   "3/5 127.0.124.3 firmware");
  g_assert_cmpuint (w.max_sent, ==, app->size);

  /* Recorded: two updates and the failure. */
  hf_test_flush_store (NULL, store);
  events = hf_store_list_events (store, HF_EVENT_FIRMWARE_UPDATE, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 3);
  for (guint i = 0; i < events->len; i++)
    {
      HfStoreEvent *e = g_ptr_array_index (events, i);

      if (strstr (e->detail, "\"result\":\"updated\"") != NULL)
        {
          updated++;
          g_assert_nonnull (strstr (e->detail, "\"from\":\"" OLD_VERSION "\",\"to\":\""
                                    NEW_VERSION "\""));
          g_assert_nonnull (strstr (e->detail, app->sha256));
        }
      else
        {
          failed++;
          g_assert_cmpstr (e->address, ==, "127.0.124.3");
          g_assert_nonnull (strstr (e->detail, "Validation / Activation Error"));
        }
    }
  g_assert_cmpuint (updated, ==, 2);
  g_assert_cmpuint (failed, ==, 1);
  wait_clear (&w);
}

static void
test_dry_run (void)
{
  const char *addresses[] = { "127.0.125.1", "127.0.126.3", "127.0.125.4", NULL };
  g_autoptr(HfFirmwareImage) app = app_image ();
  g_autoptr(GPtrArray) miners = miners_of (addresses);
  Wait w = { 0 };
  g_autoptr(HfFirmwareUpdate) update = updater_new (app, NULL, &w);

  /* The Antminer is what the identification would have made it. */
  hf_miner_set_family (g_ptr_array_index (miners, 1), HF_FAMILY_ANTMINER);
  hf_firmware_update_run_async (update, miners, TRUE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 20000);

  g_assert_false (w.ok);
  g_assert_nonnull (strstr (w.error->message, "127.0.126.3: check: not an AxeOS miner"));
  g_assert_cmpint (result_at (update, 0)->outcome, ==, HF_FIRMWARE_WOULD_UPDATE);
  g_assert_cmpstr (result_at (update, 0)->before, ==, OLD_VERSION);
  g_assert_cmpint (result_at (update, 1)->outcome, ==, HF_FIRMWARE_FAILED);
  /* A dry run goes on past a miner that would fail. */
  g_assert_cmpint (result_at (update, 2)->outcome, ==, HF_FIRMWARE_WOULD_UPDATE);
  g_assert_cmpstr (result_at (update, 2)->before, ==, "v1.0.36");
  for (guint i = 0; addresses[i] != NULL; i++)
    g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[i], 0, 0), ==, 0);
  wait_clear (&w);
}

static void
test_with_www_and_again (void)
{
  const char *addresses[] = { "127.0.125.2", NULL };
  g_autoptr(HfFirmwareImage) app = app_image ();
  g_autoptr(GBytes) spiffs = hf_test_spiffs_image (64);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfFirmwareImage) www = hf_firmware_image_check (HF_FIRMWARE_WWW, "www.bin", spiffs,
                                                            &error);
  g_autoptr(GPtrArray) miners = miners_of (addresses);
  Wait w = { 0 };
  g_autoptr(HfFirmwareUpdate) update = updater_new (app, www, &w);

  g_assert_no_error (error);
  {
    g_autoptr(HfReading) reading = hf_reading_new ();

    hf_miner_set_reading (g_ptr_array_index (miners, 0), reading);
  }
  hf_firmware_update_run_async (update, miners, FALSE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 30000);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  /* Marked updating from the first upload until done: firmware, reboot,
   * www, www-reboot. */
  g_assert_cmpuint (w.updating_seen, ==, 4);
  g_assert_false (hf_miner_get_reading (g_ptr_array_index (miners, 0))->updating);
  g_assert_cmpint (hf_miner_get_state (g_ptr_array_index (miners, 0)), !=, HF_STATE_UPDATING);
  g_assert_cmpint (result_at (update, 0)->outcome, ==, HF_FIRMWARE_UPDATED);
  g_assert_cmpstr (result_at (update, 0)->after, ==, NEW_VERSION);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[0], 2, 2000), ==, 2);
  g_assert_nonnull (strstr (hf_test_sim_last_event (sim, "ota", addresses[0]),
                            "OTAWWW length=262144 ok"));
  g_assert_cmpuint (hf_test_sim_events (sim, "restart", addresses[0], 2, 2000), ==, 2);
  g_assert_cmpstr (g_ptr_array_index (w.steps, 3), ==, "1/1 127.0.125.2 www");
  g_assert_cmpstr (g_ptr_array_index (w.steps, 4), ==, "1/1 127.0.125.2 www-reboot");
  wait_clear (&w);

  /* Once on the image's version, a second run sends nothing. */
  hf_firmware_update_run_async (update, miners, FALSE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_true (w.ok);
  g_assert_cmpint (result_at (update, 0)->outcome, ==, HF_FIRMWARE_CURRENT);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[0], 0, 500), ==, 2);
  wait_clear (&w);
}

static void
test_rollback (void)
{
  const char *addresses[] = { "127.0.125.5", NULL };
  g_autoptr(HfFirmwareImage) app = app_image ();
  g_autoptr(GPtrArray) miners = miners_of (addresses);
  Wait w = { 0 };
  g_autoptr(HfFirmwareUpdate) update = updater_new (app, NULL, &w);

  hf_firmware_update_run_async (update, miners, FALSE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 30000);
  g_assert_false (w.ok);
  g_assert_cmpstr (w.error->message, ==, "127.0.125.5: reboot: it restarted running "
                   OLD_VERSION ", not " NEW_VERSION);
  wait_clear (&w);
}

/* A miner that takes the image and never answers: the upload's deadline
 * ends it, named, and the run stops there. */
static void
test_hang (void)
{
  const char *addresses[] = { "127.0.126.4", "127.0.126.5", NULL };
  g_autoptr(HfFirmwareImage) app = app_image ();
  g_autoptr(GPtrArray) miners = miners_of (addresses);
  Wait w = { 0 };
  g_autoptr(HfFirmwareUpdate) update = updater_new (app, NULL, &w);
  gint64 start = g_get_monotonic_time ();

  hf_firmware_update_set_upload_timeout (update, 2000);
  hf_firmware_update_run_async (update, miners, FALSE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 10000);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_TIMEOUT);
  g_assert_true (g_str_has_prefix (w.error->message, "127.0.126.4: firmware: sending "
                                   "esp-miner.bin: waiting for the HTTP answer from "
                                   "127.0.126.4:18923 timed out after "));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  g_assert_cmpint (result_at (update, 1)->outcome, ==, HF_FIRMWARE_UNTOUCHED);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[0], 1, 1000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[1], 0, 0), ==, 0);
  g_assert_false (hf_firmware_update_is_busy (g_ptr_array_index (miners, 0)));
  wait_clear (&w);
}

static void
test_concurrent_refused (void)
{
  const char *addresses[] = { "127.0.125.3", NULL };
  g_autoptr(HfFirmwareImage) app = app_image ();
  g_autoptr(GPtrArray) miners = miners_of (addresses);
  g_autoptr(GPtrArray) same = miners_of (addresses);   /* other objects, same miner */
  g_autoptr(GPtrArray) twice = g_ptr_array_new ();
  Wait w = { 0 }, second = { 0 }, third = { 0 };
  g_autoptr(HfFirmwareUpdate) update = updater_new (app, NULL, &w);
  g_autoptr(HfFirmwareUpdate) other = updater_new (app, NULL, &second);

  hf_firmware_update_run_async (update, miners, FALSE, NULL, ran_cb, &w);
  g_assert_true (hf_firmware_update_is_busy (g_ptr_array_index (same, 0)));
  hf_firmware_update_run_async (other, same, FALSE, NULL, ran_cb, &second);
  hf_test_wait_for (&second.done, 5000);
  g_assert_error (second.error, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_cmpstr (second.error->message, ==, "127.0.125.3 is already being updated; "
                   "one update of a miner at a time");
  /* The same update object, while it runs. */
  hf_firmware_update_run_async (update, same, FALSE, NULL, ran_cb, &third);
  hf_test_wait_for (&third.done, 5000);
  g_assert_error (third.error, HF_ERROR, HF_ERROR_REJECTED);

  hf_test_wait_for (&w.done, 30000);
  g_assert_no_error (w.error);
  g_assert_false (hf_firmware_update_is_busy (g_ptr_array_index (same, 0)));
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[0], 1, 1000), ==, 1);
  wait_clear (&w);
  wait_clear (&second);
  wait_clear (&third);

  /* One miner given twice in a run. */
  g_ptr_array_add (twice, g_ptr_array_index (miners, 0));
  g_ptr_array_add (twice, g_ptr_array_index (same, 0));
  hf_firmware_update_run_async (other, twice, FALSE, NULL, ran_cb, &second);
  hf_test_wait_for (&second.done, 5000);
  g_assert_nonnull (strstr (second.error->message, "given twice"));
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", addresses[0], 0, 300), ==, 1);
  wait_clear (&second);
}

/* The simulator does refuse a chunked upload, as the firmware does: the
 * Content-Length assertions above can fail. */
static void
test_sim_refuses_chunked (void)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.126.2:%u/api/system/OTA", HTTP_PORT);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) image = hf_test_esp_app_image (9, "esp-miner", NEW_VERSION, 100);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (image);
  g_autoptr(GBytes) body = NULL;

  soup_message_set_request_body (msg, "application/octet-stream", stream, -1);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 500);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota-chunked", "127.0.126.2", 1, 2000), ==, 1);
}

/* The device at the address must stay the miner: one that is not the
 * miner identified there gets nothing; one that changes after the upload,
 * or says the new version without having restarted, is no update. */
static void
test_identity (void)
{
  const char *swapped[] = { "127.0.126.10", NULL };
  const char *after[] = { "127.0.126.8", NULL };
  const char *lying[] = { "127.0.126.9", NULL };
  g_autoptr(HfFirmwareImage) app = app_image ();
  g_autoptr(GPtrArray) m1 = miners_of (swapped);
  g_autoptr(GPtrArray) m2 = miners_of (after);
  g_autoptr(GPtrArray) m3 = miners_of (lying);
  Wait w = { 0 };
  g_autoptr(HfFirmwareUpdate) update = updater_new (app, NULL, &w);

  /* Identified as another MAC than the device answering now. */
  hf_miner_set_mac (g_ptr_array_index (m1, 0), "02:48:46:aa:bb:cc");
  hf_firmware_update_run_async (update, m1, FALSE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 20000);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_true (g_str_has_prefix (w.error->message, "127.0.126.10: check: another device "
                                   "answers at 127.0.126.10 (MAC "));
  g_assert_nonnull (strstr (w.error->message, "not 02:48:46:AA:BB:CC, the miner identified "
                            "there); nothing sent"));
  g_assert_cmpint (result_at (update, 0)->step, ==, HF_FIRMWARE_STEP_CHECK);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", swapped[0], 1, 1000), ==, 0);
  wait_clear (&w);

  /* Another device answers once the image is sent. */
  hf_firmware_update_run_async (update, m2, FALSE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 20000);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_true (g_str_has_prefix (w.error->message, "127.0.126.8: reboot: another device "
                                   "answers at 127.0.126.8 since the upload (MAC "
                                   "0A:0B:0C:0D:0E:0F, not "));
  g_assert_cmpint (result_at (update, 0)->outcome, ==, HF_FIRMWARE_FAILED);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", after[0], 1, 1000), ==, 1);
  wait_clear (&w);

  /* The new version at once, on the same partition, never restarted. */
  hf_firmware_update_run_async (update, m3, FALSE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 20000);
  g_assert_error (w.error, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_cmpstr (w.error->message, ==, "127.0.126.9: reboot: the miner did not restart into "
                   "the new image (it says " NEW_VERSION " but still runs from ota_0)");
  g_assert_cmpint (result_at (update, 0)->outcome, ==, HF_FIRMWARE_FAILED);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", lying[0], 1, 1000), ==, 1);
  wait_clear (&w);
}

/* A miner that comes back saying a version of terminal escapes: the error,
 * the result and the store event carry it cleaned. */
static void
test_escape_version (void)
{
  const char *addresses[] = { "127.0.126.7", NULL };
  g_autoptr(HfFirmwareImage) app = app_image ();
  g_autofree char *dir = g_dir_make_tmp ("hf-firmware-store-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open (db, &error);
  g_autoptr(GPtrArray) miners = miners_of (addresses);
  g_autoptr(GPtrArray) events = NULL;
  Wait w = { 0 };
  g_autoptr(HfFirmwareUpdate) update = updater_new (app, NULL, &w);
  HfStoreEvent *e;

  g_assert_no_error (error);
  hf_firmware_update_set_store (update, store);
  hf_firmware_update_run_async (update, miners, FALSE, NULL, ran_cb, &w);
  hf_test_wait_for (&w.done, 30000);
  g_assert_false (w.ok);
  g_assert_nonnull (w.error);
  g_assert_nonnull (strstr (w.error->message, "PWNED"));
  g_assert_null (strchr (w.error->message, 0x1b));
  g_assert_null (strchr (w.error->message, 0x07));
  g_assert_nonnull (result_at (update, 0)->after);
  g_assert_null (strchr (result_at (update, 0)->after, 0x1b));
  g_assert_null (strchr (result_at (update, 0)->after, 0x07));
  hf_test_flush_store (NULL, store);
  events = hf_store_list_events (store, HF_EVENT_FIRMWARE_UPDATE, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  e = g_ptr_array_index (events, 0);
  g_assert_nonnull (strstr (e->detail, "PWNED"));
  g_assert_null (strstr (e->detail, "\\u001b"));
  g_assert_null (strstr (e->detail, "\\u0007"));
  g_assert_null (strchr (e->detail, 0x1b));
  wait_clear (&w);
}

/* Cancelled while it waits for a miner to come back: the run ends then,
 * not when the pause before the next look is over. */
typedef struct
{
  GCancellable *cancellable;
  gint64        cancelled_at;
} Canceller;

static gboolean
cancel_now_cb (gpointer data)
{
  Canceller *c = data;

  c->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (c->cancellable);
  return G_SOURCE_REMOVE;
}

static void
cancel_at_reboot_cb (HfFirmwareUpdate *update,
                     HfMiner          *miner,
                     guint             index,
                     guint             n,
                     guint             step,
                     guint64           sent,
                     guint64           total,
                     gpointer          data)
{
  if (step == HF_FIRMWARE_STEP_REBOOT && sent == 0)
    g_timeout_add (300, cancel_now_cb, data);
}

static void
test_cancel_wait (void)
{
  const char *addresses[] = { "127.0.126.6", NULL };
  g_autoptr(HfFirmwareImage) app = app_image ();
  g_autoptr(GPtrArray) miners = miners_of (addresses);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Canceller c = { cancellable, 0 };
  Wait w = { 0 };
  g_autoptr(HfFirmwareUpdate) update = updater_new (app, NULL, &w);
  gint64 took;

  /* The first look 4 s after the upload. */
  hf_firmware_update_set_timing (update, 15000, 4000, 4000);
  g_signal_connect (update, "progress", G_CALLBACK (cancel_at_reboot_cb), &c);
  hf_firmware_update_run_async (update, miners, FALSE, cancellable, ran_cb, &w);
  hf_test_wait_for (&w.done, 20000);
  took = g_get_monotonic_time () - c.cancelled_at;
  g_assert_cmpint (c.cancelled_at, >, 0);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (result_at (update, 0)->step, ==, HF_FIRMWARE_STEP_REBOOT);
  if (took >= 200 * 1000)
    g_error ("the run ended %" G_GINT64_FORMAT " ms after the cancel", took / 1000);
  g_assert_false (hf_firmware_update_is_busy (g_ptr_array_index (miners, 0)));
  wait_clear (&w);
}

/* ---- hashfleet-cli update ---------------------------------------------- */

static void
test_cli (void)
{
  g_autoptr(GBytes) good = hf_test_esp_app_image (9, "esp-miner", NEW_VERSION, 2000);
  g_autofree char *app = hf_test_write_temp ("esp-miner.bin", good);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, good);
  g_autoptr(GBytes) junk = g_bytes_new_static ("not firmware at all\n", 20);
  g_autofree char *bad = hf_test_write_temp ("notes.txt", junk);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (good));
  const char *common[] = { "--http-port", "18923", "--cgminer-port", "14923", "--no-store",
                           "--timeout", "1500" };
  int status;

  /* Not an ESP32 image: refused before anything is sent. */
  {
    const char *args[] = { "update", "--firmware", bad, common[0], common[1], common[2],
                           common[3], common[4], "127.0.126.1", NULL };

    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, !=, 0);
    g_assert_nonnull (strstr (err, "notes.txt: not an ESP32 app image"));
    g_assert_cmpuint (hf_test_sim_events (sim, "ota", "127.0.126.1", 0, 300), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* Dry run: the image and the miner checked, nothing sent. */
  {
    const char *args[] = { "update", "--firmware", app, "--dry-run", common[0], common[1],
                           common[2], common[3], common[4], "127.0.126.1", NULL };

    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, sha));
    g_assert_nonnull (strstr (out, size));
    g_assert_nonnull (strstr (out, "127.0.126.1: would update " OLD_VERSION " → "
                              NEW_VERSION));
    g_assert_nonnull (strstr (out, "dry run: nothing was sent"));
    g_assert_cmpuint (hf_test_sim_events (sim, "ota", "127.0.126.1", 0, 300), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* The update itself. */
  {
    const char *args[] = { "update", "--firmware", app, "--wait", "20", common[0], common[1],
                           common[2], common[3], common[4], "127.0.126.1", NULL };

    status = hf_test_run_cli (args, &out, &err);
    if (status != 0)
      g_printerr ("%s\n%s\n", out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "127.0.126.1: updated " OLD_VERSION " → " NEW_VERSION
                              " (ota_0 → ota_1)\n"));
    g_assert_cmpuint (hf_test_sim_events (sim, "ota", "127.0.126.1", 1, 1000), ==, 1);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* Another device took the address between the identification and the
   * check: nothing is sent to it. */
  {
    const char *args[] = { "update", "--firmware", app, "--wait", "20", common[0], common[1],
                           common[2], common[3], common[4], "127.0.126.11", NULL };

    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, !=, 0);
    g_assert_nonnull (strstr (out, "127.0.126.11: failed at check\n"));
    g_assert_nonnull (strstr (err, "another device answers at 127.0.126.11 (MAC "
                              "0A:0B:0C:0D:0E:0F, not 02:48:46:"));
    g_assert_cmpuint (hf_test_sim_events (sim, "ota", "127.0.126.11", 1, 1000), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* A dry run over a list with a Braiins OS miner: it is identified (and
   * would fail: not AxeOS), but never logged in to. */
  {
    const char *args[] = { "update", "--firmware", app, "--dry-run", common[0], common[1],
                           common[2], common[3], common[4], "127.0.126.13", "127.0.126.1",
                           NULL };

    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, !=, 0);
    g_assert_nonnull (strstr (out, "127.0.126.13: failed at check\n"));
    g_assert_nonnull (strstr (err, "127.0.126.13: check: not an AxeOS miner (braiins)"));
    g_assert_nonnull (strstr (out, "dry run: nothing was sent"));
    g_assert_cmpuint (hf_test_sim_events (sim, "braiins-login", "127.0.126.13", 1, 1000),
                      ==, 0);
    g_assert_cmpuint (hf_test_sim_events (sim, "braiins-login-refused", "127.0.126.13", 0, 0),
                      ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* No address. */
  {
    const char *args[] = { "update", "--firmware", app, NULL };

    status = hf_test_run_cli (args, &out, &err);
    g_assert_cmpint (status, !=, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
}

/* Two hashfleet-cli update processes on one miner: the second is refused
 * (the lock is per miner across processes), the miner gets one upload. */
static void
test_cli_two_processes (void)
{
  g_autoptr(GBytes) good = hf_test_esp_app_image (9, "esp-miner", NEW_VERSION, 2000);
  g_autofree char *app = hf_test_write_temp ("esp-miner.bin", good);
  g_autofree char *dir = g_dir_make_tmp ("hf-firmware-cli-XXXXXX", NULL);
  g_autofree char *first_out = g_build_filename (dir, "first.out", NULL);
  const char *args[] = { g_getenv ("HF_CLI"), "update", "--firmware", app, "--wait", "20",
                         "--http-port", "18923", "--cgminer-port", "14923", "--no-store",
                         "--timeout", "1500", "127.0.126.12", NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int status;

  g_subprocess_launcher_set_stdout_file_path (launcher, first_out);
  first = g_subprocess_launcher_spawnv (launcher, args, &error);
  g_assert_no_error (error);
  /* Once the first is sending (the simulated miner takes 3 s to take it). */
  while (text == NULL || strstr (text, "sending the firmware") == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, until);
      g_clear_pointer (&text, g_free);
      g_usleep (50 * 1000);
      g_file_get_contents (first_out, &text, NULL, NULL);
    }
  status = hf_test_run_cli (args + 1, &out, &err);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "127.0.126.12 is already being updated by another process; "
                            "one update of a miner at a time"));
  g_assert_true (g_subprocess_wait_check (first, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (first_out, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "127.0.126.12: updated " OLD_VERSION " → " NEW_VERSION));
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", "127.0.126.12", 1, 1000), ==, 1);
  g_assert_cmpuint (hf_test_sim_events (sim, "ota", "127.0.126.12", 2, 500), ==, 1);
  g_unlink (first_out);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  hf_test_init (&argc, &argv);
  /* The update locks of this test's runs, apart from any real one. */
  {
    g_autofree char *runtime = g_dir_make_tmp ("hf-firmware-run-XXXXXX", NULL);

    g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  }
  g_test_add_func ("/firmware/image/app", test_app_image);
  g_test_add_func ("/firmware/image/www", test_www_image);
  g_test_add_func ("/firmware/image/load", test_load);
  sim = hf_test_sim_start_for (fleet_config, 230);
  g_test_add_func ("/firmware/update/sim-refuses-chunked", test_sim_refuses_chunked);
  g_test_add_func ("/firmware/update/sequential-stops-at-failure", test_sequential_stops);
  g_test_add_func ("/firmware/update/dry-run", test_dry_run);
  g_test_add_func ("/firmware/update/www-and-again", test_with_www_and_again);
  g_test_add_func ("/firmware/update/rollback", test_rollback);
  g_test_add_func ("/firmware/update/hang", test_hang);
  g_test_add_func ("/firmware/update/concurrent-refused", test_concurrent_refused);
  g_test_add_func ("/firmware/update/cancel-while-waiting", test_cancel_wait);
  g_test_add_func ("/firmware/update/escape-version", test_escape_version);
  g_test_add_func ("/firmware/update/identity", test_identity);
  g_test_add_func ("/firmware/cli", test_cli);
  g_test_add_func ("/firmware/cli-two-processes", test_cli_two_processes);
  status = g_test_run ();
  hf_test_sim_stop (sim);
  return status;
}
