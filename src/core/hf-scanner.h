/* hf-scanner.h — find the miners in address ranges
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-config.h"
#include "hf-limits.h"
#include "hf-miner.h"

G_BEGIN_DECLS

#define HF_SCANNER_DEFAULT_CONNECT_MS     HF_SCAN_CONNECT_MS
#define HF_SCANNER_DEFAULT_CONCURRENCY     HF_SCAN_IN_FLIGHT
#define HF_SCANNER_DEFAULT_IDENTIFY        HF_SCAN_IDENTIFY_IN_FLIGHT

/**
 * HfScanSummary:
 * @scanned: addresses whose ports were probed
 * @answered: addresses where a miner port accepted a connection
 * @found: miners identified
 * @unidentified: addresses that answered a miner port but could not be
 *   identified (reported with #HfScanner::unidentified)
 * @elapsed_ms: wall time of the scan
 * @sockets_peak: most probe sockets open at once
 */
typedef struct
{
  guint64 scanned;
  guint64 total;
  guint   answered;
  guint   found;
  guint   unidentified;
  guint   elapsed_ms;
  guint   sockets_peak;
} HfScanSummary;

#define HF_TYPE_SCAN_SUMMARY (hf_scan_summary_get_type ())
GType          hf_scan_summary_get_type (void);
HfScanSummary *hf_scan_summary_copy     (const HfScanSummary *self);
void           hf_scan_summary_free     (HfScanSummary       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfScanSummary, hf_scan_summary_free)

#define HF_TYPE_SCANNER (hf_scanner_get_type ())

G_DECLARE_FINAL_TYPE (HfScanner, hf_scanner, HF, SCANNER, GObject)

/* @config gives the ports and the identify deadline (timeout_ms). */
HfScanner     *hf_scanner_new                     (const HfConfig       *config);
/* Stage 1 connect deadline (default 1000 ms). */
void           hf_scanner_set_connect_timeout     (HfScanner            *self,
                                                   guint                 ms);
/* Probe sockets in flight (default 512, never more than RLIMIT_NOFILE
 * allows); returns the bound actually used. */
guint          hf_scanner_set_concurrency         (HfScanner            *self,
                                                   guint                 sockets);
/* The bound hf_scanner_set_concurrency() would use for @sockets. */
guint          hf_scanner_clamp_concurrency       (guint                 sockets);
/* Identifications in flight (default 32). */
void           hf_scanner_set_identify_concurrency (HfScanner           *self,
                                                   guint                 n);

/* Scan @ranges (HfRange).  Miners stream out through ::miner-found as each
 * is identified; ::progress reports addresses done; the result is the
 * summary.  Cancelling closes every socket at once. */
void           hf_scanner_scan_async              (HfScanner            *self,
                                                   GArray               *ranges,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
HfScanSummary *hf_scanner_scan_finish             (HfScanner            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
