/* hf-firmware-update.h — AxeOS firmware updates over a fleet, one miner at
 * a time
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-config.h"
#include "hf-firmware-image.h"
#include "hf-miner.h"
#include "hf-store.h"

G_BEGIN_DECLS

/* The store event of one miner's update: @count 1, @detail JSON
 * {"result": "updated"|"failed", "step", "from", "to", "sha256",
 * "www_sha256" (or null), "error" (failed)}. */
#define HF_EVENT_FIRMWARE_UPDATE "firmware-update"

/**
 * HfFirmwareStep:
 * @HF_FIRMWARE_STEP_CHECK: GET /api/system/info: reachable, AxeOS, version
 * @HF_FIRMWARE_STEP_FIRMWARE: POST /api/system/OTA with esp-miner.bin
 * @HF_FIRMWARE_STEP_REBOOT: waiting for it to come back with the new version
 * @HF_FIRMWARE_STEP_WWW: POST /api/system/OTAWWW with www.bin
 * @HF_FIRMWARE_STEP_WWW_REBOOT: waiting for it to answer again
 * @HF_FIRMWARE_STEP_DONE: finished
 */
typedef enum
{
  HF_FIRMWARE_STEP_CHECK,
  HF_FIRMWARE_STEP_FIRMWARE,
  HF_FIRMWARE_STEP_REBOOT,
  HF_FIRMWARE_STEP_WWW,
  HF_FIRMWARE_STEP_WWW_REBOOT,
  HF_FIRMWARE_STEP_DONE,
} HfFirmwareStep;

/**
 * HfFirmwareOutcome:
 * @HF_FIRMWARE_UNTOUCHED: nothing was sent (a run stopped before it)
 * @HF_FIRMWARE_WOULD_UPDATE: dry run: it checked out and would be updated
 * @HF_FIRMWARE_CURRENT: it already runs the image's version; nothing sent
 * @HF_FIRMWARE_UPDATED: updated, back with the image's version
 * @HF_FIRMWARE_FAILED: a step failed (see the result's error)
 */
typedef enum
{
  HF_FIRMWARE_UNTOUCHED,
  HF_FIRMWARE_WOULD_UPDATE,
  HF_FIRMWARE_CURRENT,
  HF_FIRMWARE_UPDATED,
  HF_FIRMWARE_FAILED,
} HfFirmwareOutcome;

/**
 * HfFirmwareResult:
 * @miner: the miner
 * @outcome: what happened
 * @step: the last step it reached (the failing one when failed)
 * @before: the version it ran (NULL if never asked)
 * @after: the version it reported at the end (NULL if not known)
 * @partition_before: the app partition it ran from (`runningPartition`,
 *   NULL if not said)
 * @partition_after: the one it runs from at the end (an update boots the
 *   other OTA partition)
 * @error: what went wrong, with the miner's own words when it gave some
 */
typedef struct
{
  HfMiner           *miner;
  HfFirmwareOutcome  outcome;
  HfFirmwareStep     step;
  char              *before;
  char              *after;
  char              *partition_before;
  char              *partition_after;
  GError            *error;
} HfFirmwareResult;

#define HF_TYPE_FIRMWARE_UPDATE (hf_firmware_update_get_type ())
G_DECLARE_FINAL_TYPE (HfFirmwareUpdate, hf_firmware_update, HF, FIRMWARE_UPDATE, GObject)

/* An update of @app (esp-miner.bin) and optionally @www (www.bin), both
 * checked images (hf_firmware_image_check()). */
HfFirmwareUpdate *hf_firmware_update_new          (const HfConfig   *config,
                                                   HfFirmwareImage  *app,
                                                   HfFirmwareImage  *www);
/* Record each miner's update as an HF_EVENT_FIRMWARE_UPDATE in @store. */
void              hf_firmware_update_set_store    (HfFirmwareUpdate *self,
                                                   HfStore          *store);
/* How long a miner may take to come back after an upload (default
 * 120000 ms), the first look after the upload and the longest pause
 * between looks (defaults 2000 and 5000 ms; the pause doubles from 500). */
void              hf_firmware_update_set_timing   (HfFirmwareUpdate *self,
                                                   guint             return_timeout_ms,
                                                   guint             first_look_ms,
                                                   guint             max_pause_ms);
/* The deadline of one upload (default 300000 ms: 4 MiB over a weak Wi-Fi). */
void              hf_firmware_update_set_upload_timeout (HfFirmwareUpdate *self,
                                                         guint             timeout_ms);

/* Update @miners (HfMiner*), one after the other, in order: check, OTA,
 * wait for the new version, OTAWWW (with a www image), wait for it to
 * answer.  The first failure stops the run: the miners after it are left
 * untouched.  Every miner must be AxeOS; one already updating (by this or
 * another run of this process, or by another process: a flock() under
 * g_get_user_runtime_dir()/hashfleet held for the run) refuses the whole
 * run before anything is sent.  With @dry_run every miner is checked and nothing is sent.
 * Signals "progress" as it goes.  FALSE with the failure's error (which
 * names the miner and the step) when a miner failed or the run was
 * refused; the results say what happened to each miner. */
void              hf_firmware_update_run_async    (HfFirmwareUpdate    *self,
                                                   GPtrArray           *miners,
                                                   gboolean             dry_run,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean          hf_firmware_update_run_finish   (HfFirmwareUpdate    *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* HfFirmwareResult*, one per miner of the last run, in its order. */
GPtrArray        *hf_firmware_update_get_results  (HfFirmwareUpdate    *self);

/* Is @miner being updated now (by any HfFirmwareUpdate of this process)? */
gboolean          hf_firmware_update_is_busy      (HfMiner             *miner);

const char       *hf_firmware_step_to_string      (HfFirmwareStep       step);
const char       *hf_firmware_outcome_to_string   (HfFirmwareOutcome    outcome);

G_END_DECLS
