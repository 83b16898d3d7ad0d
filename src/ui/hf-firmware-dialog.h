/* hf-firmware-dialog.h — Update Firmware…: AxeOS firmware for one miner or
 * several, one at a time
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-application.h"

G_BEGIN_DECLS

#define HF_TYPE_FIRMWARE_DIALOG (hf_firmware_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HfFirmwareDialog, hf_firmware_dialog, HF, FIRMWARE_DIALOG, AdwWindow)

/* Whether @miner takes firmware from this dialog (AxeOS and NerdOS). */
gboolean    hf_firmware_dialog_can_update  (HfMiner          *miner);

/* A dialog over @parent for @miners (those that can be updated, in this
 * order); @left_out says how many miners of the selection were not
 * (they are named as left out, never updated). */
GtkWidget  *hf_firmware_dialog_new         (GtkWindow        *parent,
                                            HfApplication    *app,
                                            GPtrArray        *miners,
                                            guint             left_out);
/* Check @file as esp-miner.bin (@www FALSE) or www.bin, as choosing it
 * does (NULL: no www.bin). */
void        hf_firmware_dialog_set_file    (HfFirmwareDialog *self,
                                            gboolean          www,
                                            GFile            *file);
/* Check (a dry run) and Update as their buttons do (Update asks first),
 * and Stop (after the miner being written). */
void        hf_firmware_dialog_check       (HfFirmwareDialog *self);
void        hf_firmware_dialog_update      (HfFirmwareDialog *self);
void        hf_firmware_dialog_stop        (HfFirmwareDialog *self);
/* Shorter waits for a miner coming back (tests). */
void        hf_firmware_dialog_set_timing  (HfFirmwareDialog *self,
                                            guint             return_timeout_ms,
                                            guint             first_look_ms);

/* For tests: a file is being read, a run is going on. */
gboolean    hf_firmware_dialog_get_loading (HfFirmwareDialog *self);
gboolean    hf_firmware_dialog_get_running (HfFirmwareDialog *self);
/* For tests: the template child named @name (labels, buttons). */
GtkWidget  *hf_firmware_dialog_get_part    (HfFirmwareDialog *self,
                                            const char       *name);
/* For tests: the @index-th miner's version line and status line. */
const char *hf_firmware_dialog_get_miner_version (HfFirmwareDialog *self,
                                                  guint             index);
const char *hf_firmware_dialog_get_miner_status  (HfFirmwareDialog *self,
                                                  guint             index);

G_END_DECLS
