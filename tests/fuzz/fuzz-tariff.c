/* fuzz-tariff.c — any text as a tariff (the API's tariff=, --tariff), and
 * any JSON as one
 * SPDX-License-Identifier: MIT
 *
 * A tariff that parses must say itself again as text and as JSON, each
 * giving the same tariff back, and cut a week into spans that follow
 * each other at different prices.
 */
#include <math.h>
#include <stdint.h>

#include "hf-json.h"
#include "hf-tariff.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (HfTariff *tariff)
{
  g_autofree char *text = hf_tariff_to_string (tariff);
  g_autoptr(HfTariff) again = hf_tariff_parse (text, NULL);
  g_autoptr(JsonNode) json = hf_tariff_to_json (tariff);
  g_autoptr(HfTariff) from_json = hf_tariff_new_from_json (json, NULL);
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Europe/Berlin");
  /* A week with the clocks going forward in it (Berlin, 2025-03-30). */
  const gint64 from = 1742770800, to = from + 7 * 86400;
  g_autoptr(GArray) spans = hf_tariff_split (tariff, zone, from, to);

  g_assert (again != NULL && hf_tariff_equal (tariff, again));
  g_assert (from_json != NULL && hf_tariff_equal (tariff, from_json));
  g_assert (spans->len >= 1);
  g_assert (g_array_index (spans, HfTariffSpan, 0).start == from);
  g_assert (g_array_index (spans, HfTariffSpan, spans->len - 1).end == to);
  for (guint i = 0; i < spans->len; i++)
    {
      HfTariffSpan *s = &g_array_index (spans, HfTariffSpan, i);

      g_assert (s->start < s->end && isfinite (s->price));
      g_assert (s->price == hf_tariff_price_at (tariff, zone, s->start));
      if (i > 0)
        g_assert (s->start == g_array_index (spans, HfTariffSpan, i - 1).end
                  && s->price != g_array_index (spans, HfTariffSpan, i - 1).price);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(HfTariff) tariff = hf_tariff_parse (text, NULL);
  g_autoptr(JsonNode) node = hf_json_parse ((const char *) data, size, NULL);

  if (tariff != NULL)
    check (tariff);
  if (node != NULL)
    {
      g_autoptr(HfTariff) from_json = hf_tariff_new_from_json (node, NULL);

      if (from_json != NULL)
        check (from_json);
    }
  return 0;
}
