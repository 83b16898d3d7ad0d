/* hf-settings-file.h — the app's settings from a key file (serve --config)
 * SPDX-License-Identifier: MIT
 *
 * The file holds keys of the app's GSettings schema under one group,
 * [hashfleet], each value in GVariant text form as gsettings(1) prints it
 * — the format of GLib's keyfile settings backend:
 *
 *   [hashfleet]
 *   subnets=['192.168.1.0/24']
 *   poll-interval=30
 *   api-listen='0.0.0.0:8080'
 *
 * A string may go unquoted (api-listen=0.0.0.0:8080), as that backend
 * also takes it.  Every group, key, type and range is checked: anything
 * the schema does not allow is an error that names it, never a silent
 * default.  The values are held in memory; the file is never written.
 */
#pragma once

#include "hf-settings.h"

G_BEGIN_DECLS

/* Files larger than this are refused (a settings file is a few lines). */
#define HF_SETTINGS_FILE_MAX (256 * 1024)
#define HF_SETTINGS_FILE_GROUP "hashfleet"

/* The settings of @path over the app's schema (from the default schema
 * source: installed, or GSETTINGS_SCHEMA_DIR), keys not in the file at
 * their defaults; NULL and @error when the schema is missing or the file
 * cannot be read or holds anything the schema does not allow. */
HfSettings *hf_settings_file_load (const char  *path,
                                   GError     **error);

G_END_DECLS
