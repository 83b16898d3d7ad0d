/* hf-store-export.h — history out of the store as CSV or JSON Lines
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <stdio.h>

#include "hf-store.h"

G_BEGIN_DECLS

typedef enum
{
  HF_RESOLUTION_RAW,
  HF_RESOLUTION_5M,
  HF_RESOLUTION_1H,
} HfResolution;

typedef enum
{
  HF_EXPORT_CSV,
  HF_EXPORT_JSON,     /* one object per line */
} HfExportFormat;

gboolean hf_resolution_parse (const char    *text,
                              HfResolution  *resolution);

/* Write the history of @address (NULL: every miner) between @since and
 * @until (unix seconds, inclusive; 0 for open ends) at @resolution to
 * @out, a row at a time.  CSV has a header line; values a miner did not
 * report are empty in CSV and null in JSON.  Returns the row count, or -1
 * with @error set. */
gint64   hf_store_export     (HfStore        *store,
                              FILE           *out,
                              HfExportFormat  format,
                              const char     *address,
                              gint64          since,
                              gint64          until,
                              HfResolution    resolution,
                              GError        **error);

G_END_DECLS
