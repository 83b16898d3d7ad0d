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
/* A share or network difficulty with an SI suffix, as miners show them:
 * "4.29G", "483k", "150T"; "—" when unknown. */
char *hf_format_difficulty (double difficulty);
/* A long expected wait: "5h 10m" under a day, "41 days" under a year,
 * "3.2 years", "3400 years"; "—" when unknown. */
char *hf_format_expected   (double seconds);
/* @value with @decimals and @unit ("58.5 °C"); "—" when unknown. */
char *hf_format_value    (double      value,
                          int         decimals,
                          const char *unit);

/* Energy: "4.2 Wh" below 0.01 kWh, then "0.245 kWh", "12.40 kWh",
 * "310.5 kWh", "4210 kWh" (fewer decimals as it grows); "—" when unknown. */
char *hf_format_energy   (double      kwh);
/* An amount in @currency: "EUR 0.72", "sats 150.00" (below a cent, down
 * to its first digit: "EUR 0.004", "EUR 0.0003"); "—" when unknown. */
char *hf_format_money    (double      amount,
                          const char *currency);

G_END_DECLS
