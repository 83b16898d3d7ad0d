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
  HF_RESOLUTION_AUTO,   /* the finest one still kept for the whole range */
} HfResolution;

/* One point of a chart: averages over the bucket for roll-ups; NAN where
 * nothing was known. */
typedef struct
{
  gint64 time;
  double hashrate_ghs;
  double temperature_c;
  double power_w;
} HfSeriesPoint;

typedef enum
{
  HF_EXPORT_CSV,
  HF_EXPORT_JSON,     /* one object per line */
} HfExportFormat;

/* "raw", "5m", "1h" or "auto". */
gboolean hf_resolution_parse (const char    *text,
                              HfResolution  *resolution);

/* A time as users and scripts write one: unix seconds, ISO 8601 (local
 * time when it names no zone), or a bare date (its midnight, local time).
 * NULL leaves *@out as it is. */
gboolean hf_export_parse_time (const char  *text,
                               gint64      *out,
                               GError     **error);

/* What an export takes: the rows of @address (NULL: every miner) between
 * @since and @until (unix seconds, inclusive; 0 for open ends).  With
 * @readable, for people (the app's Export History): times as ISO 8601 in
 * local time with its offset, numbers with at most three decimals;
 * without, as hf_store_export() writes them (unix seconds, every digit). */
typedef struct
{
  HfExportFormat  format;
  const char     *address;
  gint64          since;
  gint64          until;
  HfResolution    resolution;
  gboolean        readable;
} HfExportQuery;

/* hf_store_export() on a worker thread, with a read-only connection of its
 * own to @db_path (it neither migrates the file nor moves it aside, and
 * leaves the caller's connections alone): into the file @path (written
 * beside it and renamed, so a failed export leaves no half file), or with
 * @path NULL into memory.  hf_export_finish() returns the text (or @path)
 * and the row count, or NULL with @error set. */
void     hf_export_async     (const char           *db_path,
                              const HfExportQuery  *query,
                              const char           *path,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data);
char    *hf_export_finish    (GAsyncResult         *result,
                              gint64               *rows,
                              GError              **error);

/* Write the history of @address (NULL: every miner) between @since and
 * @until (unix seconds, inclusive; 0 for open ends) at @resolution (AUTO:
 * the finest one still kept for @since) to @out, a row at a time.  CSV has
 * a header line; values a miner did not report are empty in CSV and null in
 * JSON.  Energy comes last: a raw reading's energy_wh is what was drawn
 * since the miner's reading with power before it (empty across a gap, see
 * hf-energy.h); a roll-up's energy_wh, energy_estimated_wh and power_s are
 * what was drawn within it.  In CSV, text that starts with =, +, -, @, tab or CR gets a leading
 * ' so that no spreadsheet runs it as a formula; numbers and JSON are
 * written as they are.  Returns the row count, or -1 with @error set. */
gint64   hf_store_export     (HfStore        *store,
                              FILE           *out,
                              HfExportFormat  format,
                              const char     *address,
                              gint64          since,
                              gint64          until,
                              HfResolution    resolution,
                              GError        **error);

/* @address's series between @since and @until (unix seconds) as an array
 * of HfSeriesPoint, oldest first.  HF_RESOLUTION_AUTO takes raw readings
 * when the range is within their retention, else 5-minute, else hourly
 * roll-ups; @used says which. */
GArray  *hf_store_series       (HfStore        *store,
                                const char     *address,
                                gint64          since,
                                gint64          until,
                                HfResolution    resolution,
                                HfResolution   *used,
                                GError        **error);
/* The fleet's totals per 5-minute or hourly bucket (sums of the miners'
 * averages; temperature is the hottest). */
GArray  *hf_store_fleet_series (HfStore        *store,
                                gint64          since,
                                gint64          until,
                                HfResolution    resolution,
                                GError        **error);

/* Either of the above (@address NULL: the fleet's total, from the
 * roll-ups) on a worker thread with a connection of its own, for a UI
 * that must not wait on the disk: a year of a large fleet's total is tens
 * of milliseconds and more.  AUTO is resolved at the call. */
void     hf_store_series_async  (HfStore             *store,
                                 const char          *address,
                                 gint64               since,
                                 gint64               until,
                                 HfResolution         resolution,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
GArray  *hf_store_series_finish (HfStore             *store,
                                 GAsyncResult        *result,
                                 HfResolution        *used,
                                 GError             **error);

G_END_DECLS
