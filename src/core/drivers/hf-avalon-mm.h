/* hf-avalon-mm.h — the Avalon "MM ID0" Key[value] status string
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parse "Ver[Nano3s-…] PS[0 0 27541 4 0 3756 133] FanR[33%] Nonce Mask[25]
 * SYSTEMSTATU[Work: In Work, Hash Board: 1] …" into key → value.  Keys are
 * [A-Za-z][A-Za-z0-9_ ]* up to '['; a value runs to the next ']'.  Text
 * that is not a token (the Avalon Q wraps the list in 'STATS':{ … }) is
 * skipped.  The first occurrence of a key wins.  Never fails. */
GHashTable *hf_avalon_mm_parse       (const char *text);
/* The value of @key as a number ("52", "1.474%", "0.00"), or NAN. */
double      hf_avalon_mm_number      (GHashTable *mm,
                                      const char *key);
/* Field @index (from 0) of a space-separated value ("PS"), or NAN. */
double      hf_avalon_mm_field       (GHashTable *mm,
                                      const char *key,
                                      guint       index);

G_END_DECLS
