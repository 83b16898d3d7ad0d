/* hf-targets.h — what to scan: CIDR blocks, ranges, addresses
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An inclusive range of IPv4 addresses, in host byte order. */
typedef struct
{
  guint32 first;
  guint32 last;
} HfRange;

/* The largest target accepted without @force: a /16. */
#define HF_TARGET_MAX_ADDRESSES 65536

/* Parse targets: "192.0.2.0/24" (network and broadcast left out below a
 * /31), "192.0.2.10-192.0.2.50", "192.0.2.10-50", "192.0.2.7", and any of
 * those separated by commas or blanks.  Overlaps are merged.  A bad
 * target gives HF_ERROR_INVALID naming it; a target larger than a /16
 * is refused unless @force.  Returns an array of HfRange. */
GArray   *hf_targets_parse          (const char * const *specs,
                                     gboolean            force,
                                     GError            **error);
/* The host's own subnets: every up, non-loopback IPv4 interface, each cut
 * to at most the /22 around the host's address.  Nothing is scanned. */
GArray   *hf_targets_default        (GError            **error);
/* Add the subnet of one interface address (the part used by the above). */
void      hf_targets_add_interface  (GArray             *ranges,
                                     guint32             address,
                                     guint               prefix);
/* Sort and merge overlapping or adjacent ranges. */
void      hf_targets_normalize      (GArray             *ranges);
guint64   hf_targets_count          (GArray             *ranges);
/* "192.0.2.0/24, 198.51.100.1-198.51.100.9" for people. */
char     *hf_targets_describe       (GArray             *ranges);

char     *hf_ipv4_to_string         (guint32             address);
gboolean  hf_ipv4_parse             (const char         *text,
                                     guint32            *address);

G_END_DECLS
