/* hf-format.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "hf-format.h"

#define UNKNOWN "—"

char *
hf_format_hashrate (double ghs)
{
  static const char *units[] = { "GH/s", "TH/s", "PH/s", "EH/s" };
  guint u = 0;

  if (isnan (ghs))
    return g_strdup (UNKNOWN);
  while (fabs (ghs) >= 1000.0 && u + 1 < G_N_ELEMENTS (units))
    {
      ghs /= 1000.0;
      u++;
    }
  if (u == 0)
    return g_strdup_printf ("%.0f %s", ghs, units[u]);
  return g_strdup_printf ("%.2f %s", ghs, units[u]);
}

char *
hf_format_duration (double seconds)
{
  guint64 s, d, h, m;

  if (isnan (seconds) || seconds < 0)
    return g_strdup (UNKNOWN);
  s = (guint64) seconds;
  d = s / 86400;
  h = (s % 86400) / 3600;
  m = (s % 3600) / 60;
  if (d > 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "d %" G_GUINT64_FORMAT "h", d, h);
  if (h > 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "h %" G_GUINT64_FORMAT "m", h, m);
  if (m > 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "m %" G_GUINT64_FORMAT "s", m, s % 60);
  return g_strdup_printf ("%" G_GUINT64_FORMAT "s", s);
}

char *
hf_format_value (double      value,
                 int         decimals,
                 const char *unit)
{
  if (isnan (value))
    return g_strdup (UNKNOWN);
  return g_strdup_printf ("%.*f%s%s", decimals, value, unit && *unit ? " " : "", unit ? unit : "");
}

char *
hf_format_difficulty (double difficulty)
{
  static const char *suffixes[] = { "", "k", "M", "G", "T", "P", "E" };
  guint u = 0;

  if (isnan (difficulty) || difficulty < 0)
    return g_strdup (UNKNOWN);
  while (difficulty >= 1000.0 && u + 1 < G_N_ELEMENTS (suffixes))
    {
      difficulty /= 1000.0;
      u++;
    }
  if (u == 0)
    return g_strdup_printf ("%.0f", difficulty);
  return g_strdup_printf ("%.3g%s", difficulty, suffixes[u]);
}

char *
hf_format_expected (double seconds)
{
  double days, years;

  if (isnan (seconds) || seconds < 0 || isinf (seconds))
    return g_strdup (UNKNOWN);
  if (seconds < 86400)
    return hf_format_duration (seconds);
  days = seconds / 86400;
  if (days < 365)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%.0f day", "%.0f days",
                                         (gulong) round (days)), days);
  years = days / 365.25;
  /* Two significant digits up to a century, whole years beyond. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%.*g year", "%.*g years",
                                       fabs (years - 1) < 0.05 ? 1 : 2),
                          years < 100 ? 2 : 12, years < 100 ? years : round (years));
}

char *
hf_format_energy (double kwh)
{
  double size = fabs (kwh);

  if (!isfinite (kwh))
    return g_strdup (UNKNOWN);
  /* A minute of a Bitaxe is not "0.000 kWh". */
  if (size > 0 && size < 0.01)
    return g_strdup_printf ("%.1f Wh", kwh * 1000);
  if (size < 1)
    return g_strdup_printf ("%.3f kWh", kwh);
  if (size < 100)
    return g_strdup_printf ("%.2f kWh", kwh);
  if (size < 1000)
    return g_strdup_printf ("%.1f kWh", kwh);
  return g_strdup_printf ("%.0f kWh", kwh);
}

char *
hf_format_money (double      amount,
                 const char *currency)
{
  int decimals = 2;

  if (!isfinite (amount))
    return g_strdup (UNKNOWN);
  /* Cents, or down to the first digit that is not 0 (a few minutes of a
   * small miner), up to 6 decimals. */
  if (amount != 0 && fabs (amount) < 0.01)
    decimals = (int) MIN (6, -floor (log10 (fabs (amount))));
  return g_strdup_printf ("%s%s%.*f", currency ? currency : "", currency && *currency ? " " : "",
                          decimals, amount);
}
