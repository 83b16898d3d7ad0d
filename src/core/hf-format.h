/* hf-format.h — numbers for people
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "950 GH/s", "110.57 TH/s", "1.20 PH/s"; "—" when unknown. */
char *hf_format_hashrate (double ghs);
/* "3d 4h", "2h 5m", "45s"; "—" when unknown. */
char *hf_format_duration (double seconds);
/* @value with @decimals and @unit ("58.5 °C"); "—" when unknown. */
char *hf_format_value    (double      value,
                          int         decimals,
                          const char *unit);

G_END_DECLS
