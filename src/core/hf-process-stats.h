/* hf-process-stats.h — what this process costs (for --stats and benchmarks)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* User + system CPU time used so far, in µs. */
gint64 hf_process_cpu_us  (void);
/* The system (kernel) part of it, in µs. */
gint64 hf_process_sys_us  (void);
/* Resident set size in KiB (0 where /proc is not there). */
gsize  hf_process_rss_kib (void);

G_END_DECLS
