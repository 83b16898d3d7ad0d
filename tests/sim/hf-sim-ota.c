/* hf-sim-ota.c — AxeOS firmware updates: POST /api/system/OTA and OTAWWW
 * SPDX-License-Identifier: MIT
 *
 * As http_server.c POST_OTA_update / POST_WWW_update (ESP-Miner v2.15) and
 * ESP-IDF under them do it:
 * - the body is read content_len bytes at a time: a chunked request has
 *   content_len 0, so nothing is written.  For OTA esp_ota_end() then
 *   fails: 500 "Validation / Activation Error".  (OTAWWW would erase the
 *   web UI and answer success; the simulator says "www-erased" and answers
 *   500 so that a client sending chunked fails loudly in a test.)
 * - esp_ota_write() refuses a first byte other than 0xE9: 500 "Write Error".
 * - esp_ota_end() verifies the image: here the header's chip id (ESP32-S3),
 *   and the app description's magic at the first segment and its version.
 * - success: 200 text/plain, a second later a reboot (the fleet's
 *   restart-seconds offline), then GET /api/system/info says the image's
 *   version and the other OTA partition.
 * - OTAWWW: 400 when larger than the 3 MiB partition; else it is written
 *   unchecked, "use custom WWW" set, 200, reboot.
 * Errors are {"message": …} (v2.15).  A miner's ota-fail= key makes an
 * update fail: validation (500 at the end), write (500 at the first
 * piece), rollback (accepted, but it boots its old version again), hang
 * (the whole image taken, never an answer), escape (it comes back saying
 * a version of terminal escape sequences), no-reboot (it says the new
 * version at once, never restarts and stays on its partition).  With
 * mac-change-after=N another device answers /api/system/info after the
 * N-th request (its MAC, chip and board another's).
 * Events: "ota" (detail: endpoint, content-length, result) for every
 * request, "ota-chunked", "www-erased".
 *
 * This parser is the simulator's own, on purpose not the core's checker.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-sim-axeos.h"
#include "hf-sim-ota.h"

#define WWW_PARTITION_BYTES (3u * 1024 * 1024)
#define OTA_PARTITION_BYTES (4u * 1024 * 1024)
#define REBOOT_DELAY_MS     1000

static void
answer (SoupServerMessage *msg,
        guint              status,
        const char        *message)
{
  g_autofree char *json = NULL;

  if (status == 200)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, message,
                                        strlen (message));
      return;
    }
  json = g_strdup_printf ("{\"message\":\"%s\"}", message);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json,
                                    strlen (json));
}

static void
event (SimMiner   *miner,
       const char *endpoint,
       goffset     length,
       const char *result)
{
  g_autofree char *detail = g_strdup_printf ("%s length=%" G_GINT64_FORMAT " %s", endpoint,
                                             (gint64) length, result);

  sim_event ("ota", miner, detail);
}

/* The version esp_ota_end() would boot, or NULL when it would refuse. */
static char *
verify_image (const guint8 *p,
              gsize         len)
{
  guint32 magic;
  gsize n = 0;

  if (len < 24 + 8 + 256 || p[0] != 0xE9 || p[1] == 0 || p[1] > 16)
    return NULL;
  if ((p[12] | p[13] << 8) != 9)          /* ESP_CHIP_ID_ESP32S3 */
    return NULL;
  magic = (guint32) p[32] | (guint32) p[33] << 8 | (guint32) p[34] << 16
          | (guint32) p[35] << 24;
  if (magic != 0xABCD5432u)
    return NULL;
  while (n < 32 && p[48 + n] != '\0')
    n++;
  if (n == 0 || n == 32)
    return NULL;
  return g_strndup ((const char *) p + 48, n);
}

static void
answer_now (SimAxeosWeb       *web,
            SimMiner          *miner,
            SoupServerMessage *msg,
            gboolean           www);

typedef struct
{
  SimAxeosWeb       *web;
  SimMiner          *miner;
  SoupServerMessage *msg;
  gboolean           www;
} Delayed;

static gboolean
delayed_cb (gpointer data)
{
  Delayed *d = data;

  answer_now (d->web, d->miner, d->msg, d->www);
  soup_server_message_unpause (d->msg);
  g_object_unref (d->msg);
  g_free (d);
  return G_SOURCE_REMOVE;
}

/* ota-delay=MS: the upload is taken (and answered) that much later, a
 * slow flash write. */
void
sim_ota_answer (SimAxeosWeb       *web,
                SimMiner          *miner,
                SoupServerMessage *msg,
                gboolean           www)
{
  Delayed *d;

  if (miner->ota_delay_ms == 0)
    {
      answer_now (web, miner, msg, www);
      return;
    }
  d = g_new0 (Delayed, 1);
  d->web = web;
  d->miner = miner;
  d->msg = g_object_ref (msg);
  d->www = www;
  soup_server_message_pause (msg);
  g_timeout_add (miner->ota_delay_ms, delayed_cb, d);
}

static void
answer_now (SimAxeosWeb       *web,
            SimMiner          *miner,
            SoupServerMessage *msg,
            gboolean           www)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *endpoint = www ? "OTAWWW" : "OTA";
  goffset length = soup_message_headers_get_content_length (headers);
  g_autofree char *version = NULL;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    {
      sim_event ("ota-chunked", miner, endpoint);
      if (www)
        {
          sim_event ("www-erased", miner, NULL);
          answer (msg, 500, "Protocol Error");
        }
      else
        answer (msg, 500, "Validation / Activation Error");
      event (miner, endpoint, -1, "chunked");
      return;
    }

  if (www)
    {
      if ((guint64) body->length > WWW_PARTITION_BYTES)
        {
          answer (msg, 400, "File provided is too large for device");
          event (miner, endpoint, length, "too-large");
          return;
        }
      miner->custom_www = TRUE;
      answer (msg, 200, "WWW update complete, rebooting now!\n");
      event (miner, endpoint, length, "ok");
      sim_axeos_web_restart_later (web, miner, REBOOT_DELAY_MS);
      return;
    }

  if (body->length == 0)
    {
      answer (msg, 500, "Validation / Activation Error");
      event (miner, endpoint, length, "empty");
      return;
    }
  if (((const guint8 *) body->data)[0] != 0xE9 || g_strcmp0 (miner->ota_fail, "write") == 0
      || (guint64) body->length > OTA_PARTITION_BYTES)
    {
      answer (msg, 500, "Write Error");
      event (miner, endpoint, length, "write-error");
      return;
    }
  if (g_strcmp0 (miner->ota_fail, "hang") == 0)
    {
      event (miner, endpoint, length, "hang");
      soup_server_message_pause (msg);     /* and never unpause */
      return;
    }
  version = verify_image ((const guint8 *) body->data, (gsize) body->length);
  if (version == NULL || g_strcmp0 (miner->ota_fail, "validation") == 0)
    {
      answer (msg, 500, "Validation / Activation Error");
      event (miner, endpoint, length, "validation-error");
      return;
    }
  if (g_strcmp0 (miner->ota_fail, "no-reboot") == 0)
    {
      g_free (miner->fw_version);
      miner->fw_version = g_steal_pointer (&version);
      answer (msg, 200, "Firmware update complete, rebooting now!\n");
      event (miner, endpoint, length, "ok");
      return;
    }
  if (g_strcmp0 (miner->ota_fail, "escape") == 0)
    {
      /* It comes back saying a version made of terminal escapes. */
      g_free (miner->fw_version);
      miner->fw_version = g_strdup ("\033[2J\033[31mPWNED\007");
      miner->on_ota_1 = !miner->on_ota_1;
    }
  else if (g_strcmp0 (miner->ota_fail, "rollback") != 0)
    {
      g_free (miner->fw_version);
      miner->fw_version = g_steal_pointer (&version);
      miner->on_ota_1 = !miner->on_ota_1;
    }
  /* The new firmware serves its own embedded web UI (v2.15). */
  miner->custom_www = FALSE;
  answer (msg, 200, "Firmware update complete, rebooting now!\n");
  event (miner, endpoint, length, "ok");
  sim_axeos_web_restart_later (web, miner, REBOOT_DELAY_MS);
}

char *
sim_ota_info (SimMiner *miner,
              char     *info)
{
  g_autofree char *owned = info;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *o;

  gboolean other = miner->mac_change_after > 0
                   && miner->info_requests > miner->mac_change_after;

  if (miner->fw_version == NULL && !miner->on_ota_1 && !miner->custom_www && !other)
    return g_steal_pointer (&owned);
  parser = json_parser_new ();
  if (owned == NULL || !json_parser_load_from_data (parser, owned, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_steal_pointer (&owned);
  o = json_node_get_object (json_parser_get_root (parser));
  if (miner->fw_version != NULL)
    json_object_set_string_member (o, "version", miner->fw_version);
  if (other)
    {
      json_object_set_string_member (o, "macAddr", "0A:0B:0C:0D:0E:0F");
      json_object_set_string_member (o, "ASICModel", "BM1370");
      json_object_set_string_member (o, "boardVersion", "NerdQAxe++");
      json_object_set_string_member (o, "hostname", "another-device");
    }
  if (json_object_has_member (o, "runningPartition"))
    json_object_set_string_member (o, "runningPartition", miner->on_ota_1 ? "ota_1" : "ota_0");
  if (json_object_has_member (o, "useCustomWWW"))
    json_object_set_int_member (o, "useCustomWWW", miner->custom_www ? 1 : 0);
  if (json_object_has_member (o, "axeOSVersion") && miner->fw_version != NULL)
    json_object_set_string_member (o, "axeOSVersion",
                                   miner->custom_www ? "Unknown" : miner->fw_version);
  return json_to_string (json_parser_get_root (parser), FALSE);
}
