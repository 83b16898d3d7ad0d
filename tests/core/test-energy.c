/* test-energy.c — tariffs, and energy integrated from a real SQLite store
 * SPDX-License-Identifier: MIT
 *
 * Every history here is synthetic, with its kWh known by hand: a flat
 * 100 W for 24 h is 2.4 kWh.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "hf-config.h"
#include "hf-efficiency.h"
#include "hf-energy.h"
#include "hf-energy-meter.h"
#include "hf-fleet.h"
#include "hf-error.h"
#include "hf-store-export.h"
#include "hf-store-private.h"
#include "hf-store-upkeep.h"
#include "hf-test-utils.h"

/* Monday 2025-01-06 00:00 UTC. */
#define MONDAY      1736121600
/* Europe/Berlin: 2025-03-30 (23 hours) and 2025-10-26 (25 hours). */
#define SPRING_DAY  1743289200
#define SPRING_NEXT 1743372000
#define AUTUMN_DAY  1761429600
#define AUTUMN_NEXT 1761519600

#define assert_near(a, b, eps) g_assert_cmpfloat_with_epsilon ((a), (b), (eps))

/* ---- tariffs --------------------------------------------------------------- */

static HfTariff *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  HfTariff *tariff = hf_tariff_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tariff);
  return tariff;
}

static void
assert_parse_fails (const char *text,
                    const char *says)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfTariff) tariff = hf_tariff_parse (text, &error);

  g_assert_null (tariff);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  if (strstr (error->message, says) == NULL)
    g_error ("“%s”: “%s” does not say “%s”", text, error->message, says);
}

static void
test_tariff_parse (void)
{
  struct { const char *text; const char *canonical; } good[] = {
    { "0.25 EUR", "EUR 0.25" },
    { "EUR 0.30", "EUR 0.3" },
    { "  € 0.3 ; ", "€ 0.3" },
    { "EUR 0.30; mon-fri 07:00-22:00 0.32; sat,sun 0.21",
      "EUR 0.3; mon-fri 07:00-22:00 0.32; sat,sun 0.21" },
    { "EUR 0.30; Mon-Fri 07:00-22:00 0.32 EUR; sat, sun 0.21",
      "EUR 0.3; mon-fri 07:00-22:00 0.32; sat,sun 0.21" },
    { "CHF 0.27; 22:00-06:00 0.19", "CHF 0.27; 22:00-06:00 0.19" },
    { "sats 100; fri-mon 7:00-9:00,17:00-24:00 150",
      "sats 100; mon,fri-sun 07:00-09:00 150; mon,fri-sun 17:00-24:00 150" },
    { "EUR 0.3; 00:00-24:00 -0.05", "EUR 0.3; 00:00-24:00 -0.05" },
    { "EUR 0.1234567891", "EUR 0.1234567891" },
    /* Seventeen digits: the JSON form once came back one bit off in the
     * fuzzing build (fuzz-tariff found it; the scaling it used rounds the
     * same in this one, so this row keeps the case, the harness the bug). */
    { "EUR 0333333.3333333301", "EUR 333333.3333333301" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(HfTariff) tariff = parse_ok (good[i].text);
      g_autofree char *text = hf_tariff_to_string (tariff);
      g_autoptr(HfTariff) again = parse_ok (text);
      g_autoptr(JsonNode) json = hf_tariff_to_json (tariff);
      g_autoptr(GError) error = NULL;
      g_autoptr(HfTariff) from_json = hf_tariff_new_from_json (json, &error);

      g_assert_cmpstr (text, ==, good[i].canonical);
      g_assert_true (hf_tariff_equal (tariff, again));
      g_assert_no_error (error);
      g_assert_true (hf_tariff_equal (tariff, from_json));
    }

  assert_parse_fails ("", "empty");
  assert_parse_fails ("EUR", "the first clause");
  assert_parse_fails ("EUR 0,30", "write decimals with '.'");
  assert_parse_fails ("12 34", "no currency");
  assert_parse_fails ("EUR 1e-3", "“1e-3” is not a price");
  assert_parse_fails ("EUR 0.30; mon-fri 07:00-25:00 0.32", "clause 2");
  assert_parse_fails ("EUR 0.30; mon-fri 07:00-25:00 0.32", "“25:00” is not a time of day");
  assert_parse_fails ("EUR 0.30; mon-fri 24:00-06:00 0.32", "“24:00” is not a time of day");
  assert_parse_fails ("EUR 0.30; mon-fry 0.32", "“fry” is not a weekday");
  assert_parse_fails ("EUR 0.30; mon,mon 0.32", "mon is named twice");
  assert_parse_fails ("EUR 0.30; 0.32", "names weekdays, time ranges or both");
  assert_parse_fails ("EUR 0.30; mon-fri 07:00-22:00", "must end with its price");
  assert_parse_fails ("EUR 0.30; 07:00-07:00 0.1", "is empty");
  assert_parse_fails ("EUR 0.30;; sat 0.2", "clause 2");
  assert_parse_fails ("EUR 0.30; 07:00-09:00 sat 0.2", "weekdays come before");
  assert_parse_fails ("EUR 0.30; mon-fri 07:00-22:00 0.32; mon 08:00-09:00 0.1",
                      "clauses 2 and 3 overlap (both cover Mon 08:00)");
  assert_parse_fails ("EUR 0.30; sun 22:00-06:00 0.1; mon 05:00-07:00 0.2",
                      "clauses 2 and 3 overlap (both cover Mon 05:00)");

  /* JSON: unknown members and bad values are refused. */
  {
    const char *bad[] = {
      "{\"currency\": \"EUR\", \"price\": 0.3, \"color\": 1}",
      "{\"currency\": \"EUR\"}",
      "{\"currency\": \"E U R\", \"price\": 0.3}",
      "{\"currency\": \"EUR\", \"price\": 0.3, \"periods\": [{\"from\": \"07:00\", \"price\": 1}]}",
      "{\"currency\": \"EUR\", \"price\": 0.3, \"periods\": [{\"days\": [\"mon\", \"mon\"], \"price\": 1}]}",
      "{\"currency\": \"EUR\", \"price\": 0.3, \"periods\": [{\"price\": 1}, {\"days\": [\"sun\"], \"price\": 2}]}",
      "[1, 2]",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) node = json_from_string (bad[i], &error);
        g_autoptr(HfTariff) tariff = NULL;

        g_assert_no_error (error);
        tariff = hf_tariff_new_from_json (node, &error);
        g_assert_null (tariff);
        g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
      }
  }

  /* A key file keeps the text form. */
  {
    g_autoptr(GKeyFile) kf = g_key_file_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(HfTariff) tariff = NULL;
    g_autoptr(HfTariff) bad = NULL;
    g_autofree char *text = NULL;

    g_assert_true (g_key_file_load_from_data (kf, "[energy]\ntariff=EUR 0.30; sat,sun 0.21\n"
                                              "broken=EUR 0.30; sat 07:00\n", -1, 0, &error));
    tariff = hf_tariff_new_from_key_file (kf, "energy", "tariff", &error);
    g_assert_no_error (error);
    text = hf_tariff_to_string (tariff);
    g_assert_cmpstr (text, ==, "EUR 0.3; sat,sun 0.21");
    bad = hf_tariff_new_from_key_file (kf, "energy", "broken", &error);
    g_assert_null (bad);
    g_assert_true (g_str_has_prefix (error->message, "[energy] broken: tariff: clause 2"));
  }
}

static void
test_tariff_lookup (void)
{
  g_autoptr(HfTariff) tariff = parse_ok ("EUR 0.30; mon-fri 07:00-22:00 0.32; sat,sun 0.21; "
                                         "mon-thu 22:00-02:00 0.1");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr(GArray) week = NULL;
  double total = 0;

  g_assert_false (hf_tariff_is_flat (tariff));
  g_assert_cmpstr (hf_tariff_get_currency (tariff), ==, "EUR");
  assert_near (hf_tariff_price_at (tariff, utc, MONDAY), 0.30, 1e-12);
  assert_near (hf_tariff_price_at (tariff, utc, MONDAY + 7 * 3600 - 1), 0.30, 1e-12);
  assert_near (hf_tariff_price_at (tariff, utc, MONDAY + 7 * 3600), 0.32, 1e-12);
  assert_near (hf_tariff_price_at (tariff, utc, MONDAY + 22 * 3600), 0.1, 1e-12);
  /* Thursday 23:00 and Friday 01:00 belong to Thursday's night period,
   * Friday 23:00 to none. */
  assert_near (hf_tariff_price_at (tariff, utc, MONDAY + 3 * 86400 + 23 * 3600), 0.1, 1e-12);
  assert_near (hf_tariff_price_at (tariff, utc, MONDAY + 4 * 86400 + 3600), 0.1, 1e-12);
  assert_near (hf_tariff_price_at (tariff, utc, MONDAY + 4 * 86400 + 2 * 3600), 0.30, 1e-12);
  assert_near (hf_tariff_price_at (tariff, utc, MONDAY + 4 * 86400 + 23 * 3600), 0.30, 1e-12);
  assert_near (hf_tariff_price_at (tariff, utc, MONDAY + 5 * 86400 + 3600), 0.21, 1e-12);
  /* On Berlin's clock (UTC+1 in January), 06:30 UTC is 07:30. */
  assert_near (hf_tariff_price_at (tariff, berlin, MONDAY + 6 * 3600 + 1800), 0.32, 1e-12);

  /* A week in UTC: five days of 15 h at 0.32, four nights of 4 h at 0.1,
   * the weekend's 48 h at 0.21, and the 29 h left at 0.30. */
  week = hf_tariff_split (tariff, utc, MONDAY, MONDAY + 7 * 86400);
  for (guint i = 0; i < week->len; i++)
    {
      HfTariffSpan *s = &g_array_index (week, HfTariffSpan, i);

      g_assert_cmpint (s->start, <, s->end);
      if (i > 0)
        {
          g_assert_cmpint (s->start, ==, g_array_index (week, HfTariffSpan, i - 1).end);
          g_assert_cmpfloat (s->price, !=, g_array_index (week, HfTariffSpan, i - 1).price);
        }
      total += s->price * (s->end - s->start) / 3600.0;
    }
  g_assert_cmpint (g_array_index (week, HfTariffSpan, 0).start, ==, MONDAY);
  g_assert_cmpint (g_array_index (week, HfTariffSpan, week->len - 1).end, ==, MONDAY + 7 * 86400);
  assert_near (total, 75 * 0.32 + 16 * 0.1 + 48 * 0.21 + 29 * 0.30, 1e-9);
}

/* The price-hours of @tariff over [@from, @to) on Berlin's clock. */
static double
price_hours (HfTariff *tariff,
             gint64    from,
             gint64    to,
             double    price,
             double   *hours_at_price)
{
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr(GArray) spans = hf_tariff_split (tariff, berlin, from, to);
  double sum = 0;

  *hours_at_price = 0;
  for (guint i = 0; i < spans->len; i++)
    {
      HfTariffSpan *s = &g_array_index (spans, HfTariffSpan, i);

      sum += s->price * (s->end - s->start) / 3600.0;
      if (s->price == price)
        *hours_at_price += (s->end - s->start) / 3600.0;
    }
  return sum;
}

static void
test_tariff_dst (void)
{
  g_autoptr(HfTariff) night = parse_ok ("EUR 0.30; 00:00-03:00 0.10");
  g_autoptr(HfTariff) half = parse_ok ("EUR 0.30; 02:00-02:30 0.05");
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  gint64 start, end;
  double hours;

  /* 30 March: 02:00–03:00 does not exist; the night period is 2 hours. */
  hf_energy_period_bounds (HF_ENERGY_DAY, berlin, SPRING_DAY + 12 * 3600, &start, &end);
  g_assert_cmpint (start, ==, SPRING_DAY);
  g_assert_cmpint (end, ==, SPRING_NEXT);
  g_assert_cmpint (end - start, ==, 23 * 3600);
  price_hours (night, start, end, 0.10, &hours);
  assert_near (hours, 2, 1e-9);
  price_hours (half, start, end, 0.05, &hours);
  assert_near (hours, 0, 1e-9);

  /* 26 October: 02:00–03:00 comes twice; the night period is 4 hours. */
  hf_energy_period_bounds (HF_ENERGY_DAY, berlin, AUTUMN_DAY + 1, &start, &end);
  g_assert_cmpint (start, ==, AUTUMN_DAY);
  g_assert_cmpint (end, ==, AUTUMN_NEXT);
  g_assert_cmpint (end - start, ==, 25 * 3600);
  price_hours (night, start, end, 0.10, &hours);
  assert_near (hours, 4, 1e-9);
  price_hours (half, start, end, 0.05, &hours);
  assert_near (hours, 1, 1e-9);

  /* March 2025 on Berlin's clock: 31 days less the hour skipped. */
  hf_energy_period_bounds (HF_ENERGY_MONTH, berlin, SPRING_DAY, &start, &end);
  g_assert_cmpint (start, ==, 1740783600);
  g_assert_cmpint (end, ==, 1743458400);
  g_assert_cmpint (end - start, ==, 31 * 86400 - 3600);
}

/* ---- a store with synthetic power ------------------------------------------ */

typedef double (*PowerFunc) (gint64 t, gboolean *estimated, gpointer data);

static char *
temp_db (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-energy-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "hashfleet.db", NULL);
}

static HfStore *
open_store (void)
{
  g_autofree char *path = temp_db ();
  g_autoptr(GError) error = NULL;
  HfStore *store = hf_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
exec (HfStore    *store,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (_hf_store_get_db (store), sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* Readings of the miner at @address every @step s from @from to @to
 * (inclusive), power from @power; one transaction. */
static void
write_power (HfStore     *store,
             const char  *address,
             gint64       from,
             gint64       to,
             gint64       step,
             PowerFunc    power,
             gpointer     data)
{
  g_autoptr(HfMiner) miner = hf_miner_new (address, HF_FAMILY_AXEOS);
  g_autoptr(GError) error = NULL;
  g_autofree char *mac = g_strdup_printf ("02:00:00:00:00:%02x",
                                          (guint) g_str_hash (address) & 0xff);
  gint64 id;

  hf_miner_set_mac (miner, mac);
  hf_miner_set_model (miner, "Bitaxe Gamma");
  exec (store, "BEGIN");
  id = _hf_store_save_miner (store, miner, &error);
  g_assert_no_error (error);
  for (gint64 t = from; t <= to; t += step)
    {
      g_autoptr(HfReading) r = hf_reading_new ();

      r->timestamp = t * G_USEC_PER_SEC;
      r->hashrate_ghs = 1000;
      r->power_w = power (t, &r->power_estimated, data);
      g_assert_true (_hf_store_insert_reading (store, id, r, &error));
    }
  exec (store, "COMMIT");
}

static double
constant_power (gint64    t,
                gboolean *estimated,
                gpointer  data)
{
  *estimated = FALSE;
  return *(double *) data;
}

static double
estimated_power (gint64    t,
                 gboolean *estimated,
                 gpointer  data)
{
  *estimated = TRUE;
  return *(double *) data;
}

static HfEnergyReport *
energy (HfStore     *store,
        gint64       since,
        gint64       until,
        const char  *tariff_text,
        GTimeZone   *zone)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfTariff) tariff = tariff_text ? parse_ok (tariff_text) : NULL;
  HfEnergyQuery q = { since, until, NULL, tariff, zone, 0 };
  HfEnergyReport *report = hf_energy_compute (store, &q, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static void
maintain (HfStore *store,
          gint64   now)
{
  g_autoptr(GError) error = NULL;
  guint steps = 0;

  while (hf_store_maintain_step (store, now, &error))
    g_assert_cmpuint (++steps, <, 100000);
  g_assert_no_error (error);
}

static void
test_flat_day (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(HfEnergyReport) report = NULL;
  g_autoptr(HfEnergyReport) priced = NULL;
  const HfEnergyTotals *t;
  double watts = 100;

  write_power (store, "192.0.2.1", MONDAY, MONDAY + 86400, 15, constant_power, &watts);
  report = energy (store, MONDAY, MONDAY + 86400, NULL, NULL);
  t = hf_energy_report_get_fleet (report);
  assert_near (t->kwh, 2.4, 1e-9);
  assert_near (t->kwh_measured, 2.4, 1e-9);
  assert_near (t->kwh_estimated, 0, 1e-12);
  assert_near (t->covered_s, 86400, 1e-6);
  g_assert_true (isnan (t->cost));
  g_assert_cmpint (hf_energy_report_get_gap_limit (report), ==, 60);
  g_assert_cmpuint (hf_energy_report_get_n_miners (report), ==, 1);
  g_assert_cmpstr (hf_energy_report_get_miner (report, 0)->address, ==, "192.0.2.1");

  /* Half a day, cut mid-interval at both ends: exact. */
  g_clear_pointer (&report, hf_energy_report_unref);
  report = energy (store, MONDAY + 3600 + 7, MONDAY + 13 * 3600 + 7, NULL, NULL);
  assert_near (hf_energy_report_get_fleet (report)->kwh, 1.2, 1e-9);

  priced = energy (store, MONDAY, MONDAY + 86400, "0.25 EUR", NULL);
  assert_near (hf_energy_report_get_fleet (priced)->cost, 0.6, 1e-9);
}

static void
test_gap (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(HfStore) zeros = open_store ();
  g_autoptr(HfEnergyReport) report = NULL;
  g_autoptr(HfEnergyReport) zero_report = NULL;
  g_autoptr(HfEnergyReport) bridged = NULL;
  const HfEnergyTotals *t;
  double watts = 100, none = 0;

  /* Nothing between 10:00 and 12:00: no data, not zero, not bridged. */
  write_power (store, "192.0.2.2", MONDAY, MONDAY + 10 * 3600, 15, constant_power, &watts);
  write_power (store, "192.0.2.2", MONDAY + 12 * 3600, MONDAY + 86400, 15, constant_power,
               &watts);
  report = energy (store, MONDAY, MONDAY + 86400, "EUR 0.5", NULL);
  t = hf_energy_report_get_fleet (report);
  assert_near (t->kwh, 2.2, 1e-9);
  assert_near (t->covered_s, 22 * 3600, 1e-6);
  assert_near (t->cost, 1.1, 1e-9);
  assert_near (hf_energy_report_get_miner (report, 0)->totals.covered_s / 86400, 22.0 / 24, 1e-9);

  /* The same two hours at 0 W are data: covered, and nothing drawn. */
  write_power (zeros, "192.0.2.2", MONDAY, MONDAY + 10 * 3600, 15, constant_power, &watts);
  write_power (zeros, "192.0.2.2", MONDAY + 10 * 3600 + 15, MONDAY + 12 * 3600 - 15, 15,
               constant_power, &none);
  write_power (zeros, "192.0.2.2", MONDAY + 12 * 3600, MONDAY + 86400, 15, constant_power,
               &watts);
  zero_report = energy (zeros, MONDAY, MONDAY + 86400, NULL, NULL);
  t = hf_energy_report_get_fleet (zero_report);
  /* The ramps down and up at the edges: 2 × 15 s at 50 W on average. */
  assert_near (t->kwh, 2.2 + 2 * 15 * 50 / 3.6e6, 1e-9);
  assert_near (t->covered_s, 86400, 1e-6);

  /* A gap within the limit (readings 50 s apart, limit 60 s) is bridged. */
  write_power (store, "192.0.2.3", MONDAY, MONDAY + 86400, 50, constant_power, &watts);
  bridged = energy (store, MONDAY, MONDAY + 86400, NULL, NULL);
  {
    HfEnergyTotals three;

    hf_energy_report_sum_address (bridged, "192.0.2.3", &three);
    /* The last reading at 86400 − 86400 % 50 = 86400: the whole day. */
    assert_near (three.kwh, 2.4, 1e-9);
  }
}

static double
step_power (gint64    t,
            gboolean *estimated,
            gpointer  data)
{
  gint64 first = *(gint64 *) data;

  *estimated = FALSE;
  return t == first ? 100 : 300;
}

static void
test_tou_boundary (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(HfEnergyReport) day = NULL;
  const char *tariff = "EUR 0.20; 07:00-22:00 0.30";
  double watts = 100;

  /* 100 W all Monday: 15 h at 0.30, 9 h at 0.20. */
  write_power (store, "192.0.2.4", MONDAY, MONDAY + 86400, 15, constant_power, &watts);
  day = energy (store, MONDAY, MONDAY + 86400, tariff, utc);
  assert_near (hf_energy_report_get_fleet (day)->cost, 1.5 * 0.30 + 0.9 * 0.20, 1e-9);

  /* Tuesday, two readings: 07:29 at 100 W, 07:31 at 300 W, the price
   * changing at 07:30, half-way through that interval.  Power is linear
   * in between: 150 W on average before 07:30, 250 W after. */
  {
    g_autoptr(HfEnergyReport) cut = NULL;
    g_autoptr(HfTariff) half = parse_ok ("EUR 0.20; 07:30-22:00 0.30");
    gint64 tuesday = MONDAY + 86400;
    gint64 first = tuesday + 7 * 3600 + 29 * 60;
    HfEnergyQuery q = { first, first + 120, "192.0.2.5", half, utc, 180 };
    g_autoptr(GError) error = NULL;
    const HfEnergyTotals *t;

    write_power (store, "192.0.2.5", first, first + 120, 120, step_power, &first);
    cut = hf_energy_compute (store, &q, &error);
    g_assert_no_error (error);
    t = hf_energy_report_get_fleet (cut);
    assert_near (t->kwh, 200.0 * 120 / 3.6e6, 1e-12);
    assert_near (t->cost, (150.0 * 60 * 0.20 + 250.0 * 60 * 0.30) / 3.6e6, 1e-12);
  }
}

static void
test_dst_day (void)
{
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  const char *tariff = "EUR 0.30; 00:00-06:00 0.10";
  struct { gint64 day, next; double hours, night; } days[] = {
    { SPRING_DAY, SPRING_NEXT, 23, 5 },
    { AUTUMN_DAY, AUTUMN_NEXT, 25, 7 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autoptr(HfStore) store = open_store ();
      g_autoptr(HfEnergyReport) raw = NULL;
      g_autoptr(HfEnergyReport) rolled = NULL;
      double watts = 100, expected_kwh = days[i].hours / 10;
      double expected_cost = days[i].night / 10 * 0.10
                             + (days[i].hours - days[i].night) / 10 * 0.30;
      gint64 start, end;

      hf_energy_period_bounds (HF_ENERGY_DAY, berlin, days[i].day + 7200, &start, &end);
      g_assert_cmpint (start, ==, days[i].day);
      g_assert_cmpint (end, ==, days[i].next);
      /* 100 W from the evening before to the morning after. */
      write_power (store, "192.0.2.6", start - 6 * 3600, end + 6 * 3600, 15, constant_power,
                   &watts);
      raw = energy (store, start, end, tariff, berlin);
      assert_near (hf_energy_report_get_fleet (raw)->kwh, expected_kwh, 1e-9);
      assert_near (hf_energy_report_get_fleet (raw)->cost, expected_cost, 1e-9);

      /* From hourly roll-ups only (raw readings pruned): the same. */
      hf_store_set_retention (store, 60, 60, 0);
      maintain (store, end + 7 * 3600);
      g_assert_cmpint (hf_store_get_schema_version (store), ==, HF_STORE_SCHEMA_VERSION);
      rolled = energy (store, start, end, tariff, berlin);
      assert_near (hf_energy_report_get_fleet (rolled)->kwh, expected_kwh, 1e-9);
      assert_near (hf_energy_report_get_fleet (rolled)->cost, expected_cost, 1e-9);
    }
}

static double
switching_power (gint64    t,
                 gboolean *estimated,
                 gpointer  data)
{
  /* Estimated (no sensor read) until the half-hour, measured after. */
  *estimated = t < *(gint64 *) data;
  return 60;
}

static void
test_measured_estimated (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(HfEnergyReport) report = NULL;
  const HfEnergyTotals *t;
  HfEnergyTotals one, two, three;
  double measured = 100, estimated = 50;
  gint64 half = MONDAY + 1800;

  write_power (store, "192.0.2.7", MONDAY, MONDAY + 3600, 15, constant_power, &measured);
  write_power (store, "192.0.2.8", MONDAY, MONDAY + 3600, 15, estimated_power, &estimated);
  write_power (store, "192.0.2.9", MONDAY, MONDAY + 3600, 15, switching_power, &half);
  /* The third: estimated readings up to 00:29:45, measured from 00:30;
   * the interval between them half each. */
  double third_measured = 60 * (1800 + 7.5) / 3.6e6, third_estimated = 60 * (1785 + 7.5) / 3.6e6;

  report = energy (store, MONDAY, MONDAY + 3600, NULL, NULL);
  t = hf_energy_report_get_fleet (report);
  assert_near (t->kwh, 0.1 + 0.05 + 0.06, 1e-9);
  assert_near (t->kwh_measured, 0.1 + third_measured, 1e-9);
  assert_near (t->kwh_estimated, 0.05 + third_estimated, 1e-9);
  assert_near (t->kwh_source_unknown, 0, 1e-12);
  hf_energy_report_sum_address (report, "192.0.2.7", &one);
  hf_energy_report_sum_address (report, "192.0.2.8", &two);
  hf_energy_report_sum_address (report, "192.0.2.9", &three);
  assert_near (one.kwh_measured, 0.1, 1e-9);
  assert_near (one.kwh_estimated, 0, 1e-12);
  assert_near (two.kwh_estimated, 0.05, 1e-9);
  assert_near (two.kwh_measured, 0, 1e-12);
  assert_near (three.kwh_estimated, third_estimated, 1e-9);
  assert_near (three.kwh_measured, third_measured, 1e-9);

  /* The roll-ups keep them apart too. */
  {
    g_autoptr(HfEnergyReport) rolled = NULL;

    hf_store_set_retention (store, 60, 60, 0);
    maintain (store, MONDAY + 3 * 86400);
    rolled = energy (store, MONDAY, MONDAY + 3600, NULL, NULL);
    t = hf_energy_report_get_fleet (rolled);
    assert_near (t->kwh_measured, 0.1 + third_measured, 1e-9);
    assert_near (t->kwh_estimated, 0.05 + third_estimated, 1e-9);
  }
}

/* A miner removed with its history kept, whose address another miner took
 * since: the address's energy is the new miner's alone. */
static void
test_removed_same_address (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(HfEnergyReport) report = NULL;
  HfEnergyTotals now;
  double old_w = 100, new_w = 50;

  write_power (store, "192.0.2.30", MONDAY, MONDAY + 3600, 15, constant_power, &old_w);
  exec (store, "UPDATE miners SET removed = 1, identity = '02:00:00:00:00:fe', "
               "mac = '02:00:00:00:00:fe' WHERE address = '192.0.2.30'");
  write_power (store, "192.0.2.30", MONDAY, MONDAY + 3600, 15, constant_power, &new_w);
  report = energy (store, MONDAY, MONDAY + 3600, NULL, NULL);
  g_assert_cmpuint (hf_energy_report_get_n_miners (report), ==, 2);
  /* The fleet's history has both. */
  assert_near (hf_energy_report_get_fleet (report)->kwh, 0.15, 1e-9);
  hf_energy_report_sum_address (report, "192.0.2.30", &now);
  assert_near (now.kwh, 0.05, 1e-9);
}

static double
wavy_power (gint64    t,
            gboolean *estimated,
            gpointer  data)
{
  /* Between 60 and 140 W, a cycle every 7 hours, plus a ripple. */
  *estimated = FALSE;
  return 100 + 35 * sin (t * 2 * G_PI / 25200) + 5 * sin (t * 0.37);
}

/* Raw readings against roll-ups of the same history, over ranges that
 * cut buckets anywhere.  Whole buckets hold exactly what the readings
 * add up to; a bucket cut by the range, where no finer level is left,
 * counts in proportion to the time, off by how much power changed within
 * it: within 0.1 % from 5-minute buckets, within 5 % from hourly ones
 * (here, a 74-minute range of a load swinging 60–140 W). */
static void
test_rollups_agree (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  const char *tariff = "EUR 0.25; mon-fri 07:00-22:00 0.35; sat,sun 0.15";
  struct { gint64 since, until; } ranges[] = {
    { MONDAY, MONDAY + 3 * 86400 },
    { MONDAY + 8 * 3600 + 13 * 60 + 27, MONDAY + 2 * 86400 + 17 * 3600 + 41 * 60 + 5 },
    { MONDAY + 86400 + 1234, MONDAY + 86400 + 5678 },
    { MONDAY + 3 * 3600 + 299, MONDAY + 3 * 3600 + 601 },
  };
  /* Relative tolerance: raw kept for the last 48 h and 5-minute buckets
   * (the first two days' edges from those); then hours only. */
  const double tolerance[2][G_N_ELEMENTS (ranges)] = {
    { 1e-9, 1e-3, 1e-3, 1e-3 },
    { 1e-9, 1e-3, 0.05, 0.05 },
  };
  double raw_kwh[G_N_ELEMENTS (ranges)], raw_cost[G_N_ELEMENTS (ranges)];

  /* Two miners over three days; the second one off for 3 hours. */
  write_power (store, "192.0.2.10", MONDAY - 3600, MONDAY + 3 * 86400 + 3600, 15, wavy_power,
               NULL);
  write_power (store, "192.0.2.11", MONDAY - 3600, MONDAY + 30 * 3600, 15, wavy_power, NULL);
  write_power (store, "192.0.2.11", MONDAY + 33 * 3600, MONDAY + 3 * 86400 + 3600, 15,
               wavy_power, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autoptr(HfEnergyReport) r = energy (store, ranges[i].since, ranges[i].until, tariff, utc);

      raw_kwh[i] = hf_energy_report_get_fleet (r)->kwh;
      raw_cost[i] = hf_energy_report_get_fleet (r)->cost;
      g_assert_cmpfloat (raw_kwh[i], >, 0);
    }
  /* The hour-long gap: 3 h of the second miner missing. */
  {
    g_autoptr(HfEnergyReport) r = energy (store, MONDAY, MONDAY + 3 * 86400, NULL, NULL);
    HfEnergyTotals second;

    hf_energy_report_sum_address (r, "192.0.2.11", &second);
    assert_near (second.covered_s, 69 * 3600, 1e-6);
  }

  /* Rolled up (raw kept): whole buckets from roll-ups, edges from raw. */
  maintain (store, MONDAY + 4 * 86400);
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
        {
          g_autoptr(HfEnergyReport) r = energy (store, ranges[i].since, ranges[i].until, tariff,
                                                utc);
          double kwh = hf_energy_report_get_fleet (r)->kwh;
          double cost = hf_energy_report_get_fleet (r)->cost;

          g_test_message ("pass %u range %u: raw %.6f kWh, now %.6f kWh (%+.4f %%)", pass, i,
                          raw_kwh[i], kwh, 100 * (kwh - raw_kwh[i]) / raw_kwh[i]);
          g_assert_cmpfloat (fabs (kwh - raw_kwh[i]), <=, tolerance[pass][i] * raw_kwh[i]);
          g_assert_cmpfloat (fabs (cost - raw_cost[i]), <=, tolerance[pass][i] * raw_cost[i]);
        }
      /* Then with raw readings and 5-minute buckets pruned: hours only,
       * an hour cut by a range prorated. */
      hf_store_set_retention (store, 60, 60, 0);
      maintain (store, MONDAY + 30 * 86400);
    }
}

/* Roll-ups from before schema 5 (no energy kept): their average power
 * over their uptime, of a source not known. */
static void
test_old_rollups (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(HfEnergyReport) report = NULL;
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.12", HF_FAMILY_AXEOS);
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 id = _hf_store_save_miner (store, miner, &error);
  const HfEnergyTotals *t;

  g_assert_no_error (error);
  sql = g_strdup_printf ("INSERT INTO rollups_1h (miner_id, time, power_avg, uptime_fraction) "
                         "VALUES (%" G_GINT64_FORMAT ", %d, 100, 1.0), (%" G_GINT64_FORMAT
                         ", %d, 200, 0.5);"
                         "INSERT INTO meta VALUES ('rolled_5m_until', %d), "
                         "('rolled_1h_until', %d)", id, MONDAY, id, MONDAY + 3600,
                         MONDAY + 7200, MONDAY + 7200);
  exec (store, sql);
  report = energy (store, MONDAY, MONDAY + 7200, NULL, NULL);
  t = hf_energy_report_get_fleet (report);
  assert_near (t->kwh, 0.2, 1e-9);
  assert_near (t->kwh_source_unknown, 0.2, 1e-9);
  assert_near (t->kwh_measured + t->kwh_estimated, 0, 1e-12);
  assert_near (t->covered_s, 3600 + 1800, 1e-6);
}

static void
test_errors (void)
{
  g_autoptr(HfStore) store = open_store ();
  HfEnergyQuery backwards = { MONDAY, MONDAY, NULL, NULL, NULL, 0 };
  HfEnergyQuery long_one = { 0, HF_ENERGY_MAX_SPAN_S + 1, NULL, NULL, NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(HfEnergyReport) none = NULL;
  HfEnergyReport *report;

  report = hf_energy_compute (store, &backwards, &error);
  g_assert_null (report);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_clear_error (&error);
  report = hf_energy_compute (store, &long_one, &error);
  g_assert_null (report);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);

  /* An empty store: nothing drawn, nothing covered. */
  none = energy (store, MONDAY, MONDAY + 86400, "EUR 0.3", NULL);
  g_assert_cmpuint (hf_energy_report_get_n_miners (none), ==, 0);
  assert_near (hf_energy_report_get_fleet (none)->kwh, 0, 1e-12);
  assert_near (hf_energy_report_get_fleet (none)->cost, 0, 1e-12);
}

typedef struct
{
  gboolean        done;
  HfEnergyReport *report;
  GError         *error;
} AsyncResult;

static void
computed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->report = hf_energy_compute_finish (HF_STORE (source), result, &r->error);
  r->done = TRUE;
}

static void
test_async (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(HfTariff) tariff = parse_ok ("EUR 0.3");
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  HfEnergyQuery q = { MONDAY, MONDAY + 86400, "192.0.2.13", tariff, NULL, 0 };
  AsyncResult r = { 0, };
  double watts = 100;

  write_power (store, "192.0.2.13", MONDAY, MONDAY + 86400, 15, constant_power, &watts);
  write_power (store, "192.0.2.14", MONDAY, MONDAY + 86400, 15, constant_power, &watts);
  hf_energy_compute_async (store, &q, NULL, computed_cb, &r);
  g_assert_false (r.done);
  hf_test_wait_for (&r.done, 5000);
  g_assert_no_error (r.error);
  /* Only the miner asked for. */
  g_assert_cmpuint (hf_energy_report_get_n_miners (r.report), ==, 1);
  assert_near (hf_energy_report_get_fleet (r.report)->kwh, 2.4, 1e-9);
  assert_near (hf_energy_report_get_fleet (r.report)->cost, 0.72, 1e-9);

  json = hf_energy_report_to_json (r.report);
  text = json_to_string (json, FALSE);
  g_assert_nonnull (strstr (text, "\"currency\":\"EUR\""));
  g_assert_nonnull (strstr (text, "\"tariff\":\"EUR 0.3\""));
  g_assert_nonnull (strstr (text, "\"address\":\"192.0.2.13\""));
  g_assert_nonnull (strstr (text, "\"coverage\":1"));
  hf_energy_report_unref (r.report);
}

/* The sum of the energy_wh column of an export (and how many rows). */
static double
export_energy (HfStore      *store,
               HfResolution  resolution,
               gint64        since,
               gint64        until,
               guint        *rows)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&text, &size);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  int column = -1;
  double sum = 0;

  g_assert_cmpint (hf_store_export (store, out, HF_EXPORT_CSV, NULL, since, until, resolution,
                                    &error), >, 0);
  g_assert_no_error (error);
  fclose (out);
  lines = g_strsplit (text, "\n", -1);
  free (text);
  header = g_strsplit (lines[0], ",", -1);
  for (guint i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], "energy_wh"))
      column = (int) i;
  g_assert_cmpint (column, >=, 0);
  *rows = 0;
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);

      (*rows)++;
      if (cells[column][0] != '\0')
        sum += g_ascii_strtod (cells[column], NULL);
    }
  return sum;
}

/* The export carries energy too: each raw reading what was drawn since
 * the one before it, each roll-up what was drawn within it. */
static void
test_export (void)
{
  g_autoptr(HfStore) store = open_store ();
  double watts = 100;
  guint rows;

  write_power (store, "192.0.2.30", MONDAY, MONDAY + 7200, 15, constant_power, &watts);
  /* The first reading has none before it. */
  assert_near (export_energy (store, HF_RESOLUTION_RAW, MONDAY, MONDAY + 7200, &rows), 200,
               1e-9);
  g_assert_cmpuint (rows, ==, 481);
  /* From the second on: the first row has what was drawn since the one
   * before the range. */
  assert_near (export_energy (store, HF_RESOLUTION_RAW, MONDAY + 15, MONDAY + 7200, &rows), 200,
               1e-9);
  g_assert_cmpuint (rows, ==, 480);
  maintain (store, MONDAY + 3 * 3600);
  assert_near (export_energy (store, HF_RESOLUTION_5M, MONDAY, MONDAY + 7199, &rows), 200, 1e-9);
  g_assert_cmpuint (rows, ==, 24);
  assert_near (export_energy (store, HF_RESOLUTION_1H, MONDAY, MONDAY + 7199, &rows), 200, 1e-9);
  g_assert_cmpuint (rows, ==, 2);
}

/* hashfleet-cli energy on a store: the table, JSON, refusals.  Berlin's
 * clock for the tariff's periods: Monday 00:00–07:00 UTC is 01:00–08:00
 * there. */
static void
test_cli (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autofree char *since = g_strdup_printf ("%d", MONDAY);
  g_autofree char *until = g_strdup_printf ("%d", MONDAY + 86400);
  g_autofree char *db = g_strdup (hf_store_get_path (store));
  const char *berlin[] = { "TZ=Europe/Berlin", NULL };
  double watts = 100;

  write_power (store, "192.0.2.40", MONDAY, MONDAY + 86400, 15, constant_power, &watts);
  write_power (store, "192.0.2.41", MONDAY, MONDAY + 43200, 15, estimated_power, &watts);
  g_clear_object (&store);

  {
    const char *args[] = { "energy", "--db", db, "--since", since, "--until", until,
                           "--tariff", "EUR 0.20; 08:00-20:00 0.40", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (hf_test_run_cli_env (args, berlin, &out, &err), ==, 0);
    g_test_message ("%s", out);
    g_assert_true (g_str_has_prefix (out, "ADDRESS "));
    /* The second: 01:00–13:00 there, 5 h of it at 0.40. */
    g_assert_nonnull (strstr (out, "192.0.2.40      Bitaxe Gamma                  2.400        "
                                   "0.000    100.0%  EUR 0.72\n"));
    g_assert_nonnull (strstr (out, "192.0.2.41      Bitaxe Gamma                  1.200        "
                                   "1.200     50.0%  EUR 0.34\n"));
    g_assert_nonnull (strstr (out, "FLEET                                         3.600        "
                                   "1.200            EUR 1.06\n"));
    g_assert_nonnull (strstr (out, "from 2025-01-06 01:00:00 to 2025-01-07 01:00:00"));
    g_assert_nonnull (strstr (out, "readings more than 60 s apart are no data"));
  }
  {
    const char *args[] = { "energy", "--json", "--db", db, "--since", since, "--until", until,
                           "--miner", "192.0.2.41", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(GError) error = NULL;
    JsonObject *fleet;

    g_assert_cmpint (hf_test_run_cli (args, &out, &err), ==, 0);
    root = json_from_string (out, &error);
    g_assert_no_error (error);
    fleet = json_object_get_object_member (json_node_get_object (root), "fleet");
    assert_near (json_object_get_double_member (fleet, "kwh"), 1.2, 1e-9);
    assert_near (json_object_get_double_member (fleet, "kwh_estimated"), 1.2, 1e-9);
    g_assert_true (json_object_get_null_member (fleet, "cost"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (root), "miners")), ==, 1);
  }
  {
    const char *bad_tariff[] = { "energy", "--db", db, "--tariff", "EUR 0.3; mon-fry 0.2", NULL };
    const char *bad_time[] = { "energy", "--db", db, "--since", "soon", NULL };
    const char *backwards[] = { "energy", "--db", db, "--since", until, "--until", since, NULL };
    const char *nobody[] = { "energy", "--db", db, "--miner", "192.0.2.99", NULL };
    g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;
    g_autofree char *out3 = NULL, *err3 = NULL, *out4 = NULL, *err4 = NULL;

    g_assert_cmpint (hf_test_run_cli (bad_tariff, &out1, &err1), ==, 2);
    g_assert_nonnull (strstr (err1, "“fry” is not a weekday"));
    g_assert_cmpint (hf_test_run_cli (bad_time, &out2, &err2), ==, 2);
    g_assert_cmpint (hf_test_run_cli (backwards, &out3, &err3), ==, 2);
    g_assert_nonnull (strstr (err3, "must end after it starts"));
    g_assert_cmpint (hf_test_run_cli (nobody, &out4, &err4), ==, 1);
    g_assert_nonnull (strstr (err4, "no miner at 192.0.2.99"));
  }
}

static void
take (HfEnergyMeter *meter,
      HfMiner       *miner,
      gint64         t,
      double         watts,
      gboolean       estimated)
{
  g_autoptr(HfReading) r = hf_reading_new ();

  r->timestamp = t * G_USEC_PER_SEC;
  r->power_w = watts;
  r->power_estimated = estimated;
  hf_energy_meter_take_reading (meter, miner, r);
}

/* The live counters: trapezoids between readings, nothing across a gap. */
static void
test_meter_counters (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfEnergyMeter) meter = hf_energy_meter_new (fleet);
  g_autoptr(HfMiner) miner = hf_miner_new ("192.0.2.20", HF_FAMILY_AXEOS);
  g_autoptr(HfMiner) other = hf_miner_new ("192.0.2.21", HF_FAMILY_AXEOS);
  double measured, estimated;

  hf_energy_meter_set_poll_interval (meter, 15);
  take (meter, miner, MONDAY, 100, FALSE);
  take (meter, miner, MONDAY + 15, 100, FALSE);     /* 1500 J measured */
  take (meter, miner, MONDAY + 30, 200, TRUE);      /* 750 J + 1500 J estimated */
  take (meter, miner, MONDAY + 30, 999, FALSE);     /* the same time again: nothing */
  take (meter, miner, MONDAY + 200, 200, TRUE);     /* 170 s: a gap (limit 60 s) */
  take (meter, miner, MONDAY + 260, 200, TRUE);     /* 12000 J estimated */
  {
    g_autoptr(HfReading) no_power = hf_reading_new ();

    no_power->timestamp = (gint64) (MONDAY + 270) * G_USEC_PER_SEC;
    hf_energy_meter_take_reading (meter, miner, no_power);
  }
  take (meter, miner, MONDAY + 275, 200, TRUE);     /* 3000 J, across the one without */
  hf_energy_meter_get_counters (meter, miner, &measured, &estimated);
  assert_near (measured, (1500 + 750) / 3.6e6, 1e-12);
  assert_near (estimated, (1500 + 12000 + 3000) / 3.6e6, 1e-12);
  hf_energy_meter_get_counters (meter, other, &measured, &estimated);
  assert_near (measured + estimated, 0, 1e-12);
}

static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Today and this month, from the store, at the tariff's prices. */
static void
test_meter_periods (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfEnergyMeter) meter = hf_energy_meter_new (fleet);
  g_autoptr(HfTariff) tariff = parse_ok ("EUR 0.40");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  HfEnergyReport *today, *month;
  gboolean done = FALSE;
  double watts = 100, expected;

  /* The last ten minutes at 100 W. */
  write_power (store, "192.0.2.22", now - 600, now - 1, 1, constant_power, &watts);
  g_signal_connect (meter, "notify::today", G_CALLBACK (notified_cb), &done);
  hf_energy_meter_set_store (meter, store);
  hf_test_wait_for (&done, 5000);
  today = hf_energy_meter_get_today (meter);
  month = hf_energy_meter_get_month (meter);
  g_assert_nonnull (today);
  g_assert_nonnull (month);
  g_assert_true (isnan (hf_energy_report_get_fleet (today)->cost));
  expected = 100 * (MIN (now - 1, hf_energy_report_get_until (today))
                    - MAX (now - 600, hf_energy_report_get_since (today))) / 3.6e6;
  assert_near (hf_energy_report_get_fleet (today)->kwh, MAX (expected, 0), 1e-9);
  g_assert_cmpfloat (hf_energy_report_get_fleet (month)->kwh, >=,
                     hf_energy_report_get_fleet (today)->kwh);
  g_assert_cmpint (hf_energy_report_get_since (month), <=, hf_energy_report_get_since (today));

  /* A tariff set: computed again, with the cost. */
  done = FALSE;
  hf_energy_meter_set_tariff (meter, tariff);
  g_assert_true (hf_energy_meter_get_tariff (meter) == tariff);
  hf_test_wait_for (&done, 5000);
  today = hf_energy_meter_get_today (meter);
  assert_near (hf_energy_report_get_fleet (today)->cost,
               hf_energy_report_get_fleet (today)->kwh * 0.40, 1e-12);
}

/* ---- efficiency drift ------------------------------------------------------ */

/* Hourly points over the 31 days before @now: @base_j_th J/TH until the
 * last day, @recent_j_th in it, at 1 TH/s. */
static GArray *
efficiency_points (gint64 now,
                   double base_j_th,
                   double recent_j_th)
{
  GArray *points = g_array_new (FALSE, TRUE, sizeof (HfSeriesPoint));

  for (gint64 t = now - 31 * 86400; t < now; t += 3600)
    {
      HfSeriesPoint p = { t, 1000, 60, t < now - 86400 ? base_j_th : recent_j_th };
      g_array_append_val (points, p);
    }
  return points;
}

static void
test_efficiency_drift (void)
{
  gint64 now = MONDAY + 30 * 86400;
  HfEfficiencyDrift d;

  /* 10 % above its baseline is not more than 10 %; 10.5 % is. */
  {
    g_autoptr(GArray) points = efficiency_points (now, 20, 22);

    g_assert_true (hf_efficiency_drift (points, now, &d));
    assert_near (d.baseline_j_th, 20, 1e-9);
    assert_near (d.recent_j_th, 22, 1e-9);
    assert_near (d.drift, 0.10, 1e-9);
    g_assert_false (d.drifting);
    g_assert_cmpuint (d.recent_hours, ==, 24);
    g_assert_cmpuint (d.baseline_hours, ==, 30 * 24);
  }
  {
    g_autoptr(GArray) points = efficiency_points (now, 20, 22.1);

    g_assert_true (hf_efficiency_drift (points, now, &d));
    assert_near (d.drift, 0.105, 1e-9);
    g_assert_true (d.drifting);
  }
  /* Better than its baseline: no warning. */
  {
    g_autoptr(GArray) points = efficiency_points (now, 20, 15);

    g_assert_true (hf_efficiency_drift (points, now, &d));
    g_assert_false (d.drifting);
  }
  /* The baseline is what the miner drew per terahash over the hours it
   * hashed: paused hours (0 H/s) and hours without power say nothing. */
  {
    g_autoptr(GArray) points = efficiency_points (now, 20, 25);

    for (guint i = 0; i < points->len; i += 2)
      {
        HfSeriesPoint *p = &g_array_index (points, HfSeriesPoint, i);

        if (p->time >= now - 86400)
          continue;
        if (i % 4 == 0)
          p->hashrate_ghs = 0, p->power_w = 5;
        else
          p->power_w = NAN;
      }
    g_assert_true (hf_efficiency_drift (points, now, &d));
    assert_near (d.baseline_j_th, 20, 1e-9);
    g_assert_cmpuint (d.baseline_hours, ==, 30 * 24 / 2);
    assert_near (d.drift, 0.25, 1e-9);
    g_assert_true (d.drifting);
  }
  /* Two days of history make no baseline; an hour is no recent figure. */
  {
    g_autoptr(GArray) points = efficiency_points (now, 20, 30);

    g_array_remove_range (points, 0, points->len - 72);
    g_assert_false (hf_efficiency_drift (points, now, &d));
    g_assert_false (d.drifting);
    g_assert_true (isnan (d.drift));
  }
  {
    g_autoptr(GArray) points = efficiency_points (now, 20, 30);

    g_array_set_size (points, points->len - 23);
    g_assert_false (hf_efficiency_drift (points, now, &d));
  }

  /* Day by day: each local day's hours added up. */
  {
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
    g_autoptr(GArray) points = efficiency_points (now, 20, 22);
    g_autoptr(GArray) days = hf_efficiency_daily (points, utc, now - 30 * 86400, now);

    g_assert_cmpuint (days->len, ==, 30);
    g_assert_cmpint (g_array_index (days, HfEfficiencyDay, 0).day, ==, now - 30 * 86400);
    assert_near (g_array_index (days, HfEfficiencyDay, 0).j_th, 20, 1e-9);
    g_assert_cmpuint (g_array_index (days, HfEfficiencyDay, 0).hours, ==, 24);
    assert_near (g_array_index (days, HfEfficiencyDay, 29).j_th, 22, 1e-9);
  }
  /* Europe/Berlin's spring day has 23 hours. */
  {
    g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
    g_autoptr(GArray) points = efficiency_points (SPRING_NEXT + 86400, 20, 20);
    g_autoptr(GArray) days = hf_efficiency_daily (points, berlin, SPRING_DAY, SPRING_NEXT);

    g_assert_cmpuint (days->len, ==, 1);
    g_assert_cmpuint (g_array_index (days, HfEfficiencyDay, 0).hours, ==, 23);
  }
}

/* Slices: each the energy of its own range, at its own prices. */
static void
test_slices_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(GError) error = NULL;
  GArray **out = data;

  *out = hf_energy_compute_slices_finish (HF_STORE (source), result, &error);
  g_assert_no_error (error);
}

static void
slices_refused_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slices = hf_energy_compute_slices_finish (HF_STORE (source), result, &error);

  g_assert_null (slices);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  *(gboolean *) data = TRUE;
}

static void
test_slices (void)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(HfTariff) tariff = parse_ok ("EUR 0.30; 07:00-22:00 0.40");
  double watts = 100;
  GArray *slices = NULL;
  HfEnergyQuery q = { MONDAY, MONDAY + 2 * 86400, NULL, tariff, utc, 0 };

  /* 100 W for two days. */
  write_power (store, "192.0.2.30", MONDAY, MONDAY + 2 * 86400, 10, constant_power, &watts);
  hf_energy_compute_slices_async (store, &q, 3600, NULL, test_slices_done_cb, &slices);
  while (slices == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (slices->len, ==, 48);
  for (guint i = 0; i < slices->len; i++)
    {
      HfEnergySlice *s = &g_array_index (slices, HfEnergySlice, i);
      guint hour = i % 24;

      g_assert_cmpint (s->start, ==, MONDAY + i * 3600);
      g_assert_cmpint (s->end, ==, MONDAY + (i + 1) * 3600);
      assert_near (s->totals.kwh, 0.1, 1e-9);
      assert_near (s->totals.cost, hour >= 7 && hour < 22 ? 0.04 : 0.03, 1e-9);
    }
  g_clear_pointer (&slices, g_array_unref);

  /* Hours on the clock of a zone half an hour off UTC: at :30 of UTC's. */
  {
    g_autoptr(GTimeZone) india = g_time_zone_new_offset (19800);
    HfEnergyQuery qi = { MONDAY, MONDAY + 4 * 3600, NULL, tariff, india, 0 };

    hf_energy_compute_slices_async (store, &qi, 3600, NULL, test_slices_done_cb, &slices);
    while (slices == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (slices->len, ==, 5);
    g_assert_cmpint (g_array_index (slices, HfEnergySlice, 0).end, ==, MONDAY + 1800);
    assert_near (g_array_index (slices, HfEnergySlice, 0).totals.kwh, 0.05, 1e-9);
    g_assert_cmpint (g_array_index (slices, HfEnergySlice, 4).start, ==, MONDAY + 3 * 3600 + 1800);
    g_clear_pointer (&slices, g_array_unref);
  }

  /* More slices than a chart has bars: refused, not cut short. */
  {
    HfEnergyQuery qm = { MONDAY, MONDAY + 2 * 86400, NULL, NULL, utc, 0 };
    gboolean done = FALSE;

    hf_energy_compute_slices_async (store, &qm, 60, NULL, slices_refused_cb, &done);
    while (!done)
      g_main_context_iteration (NULL, TRUE);
  }

  /* Local days, the range cut where it starts. */
  q.since = MONDAY + 12 * 3600;
  hf_energy_compute_slices_async (store, &q, 0, NULL, test_slices_done_cb, &slices);
  while (slices == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (slices->len, ==, 2);
  assert_near (g_array_index (slices, HfEnergySlice, 0).totals.kwh, 1.2, 1e-9);
  g_assert_cmpint (g_array_index (slices, HfEnergySlice, 1).start, ==, MONDAY + 86400);
  assert_near (g_array_index (slices, HfEnergySlice, 1).totals.kwh, 2.4, 1e-9);
  /* 15 h at 0.40, 9 at 0.30. */
  assert_near (g_array_index (slices, HfEnergySlice, 1).totals.cost, 1.5 * 0.4 + 0.9 * 0.3, 1e-9);
  g_clear_pointer (&slices, g_array_unref);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/energy/tariff/parse", test_tariff_parse);
  g_test_add_func ("/energy/removed-same-address", test_removed_same_address);
  g_test_add_func ("/energy/tariff/lookup", test_tariff_lookup);
  g_test_add_func ("/energy/tariff/dst", test_tariff_dst);
  g_test_add_func ("/energy/flat-day", test_flat_day);
  g_test_add_func ("/energy/gap", test_gap);
  g_test_add_func ("/energy/tou-boundary", test_tou_boundary);
  g_test_add_func ("/energy/dst-day", test_dst_day);
  g_test_add_func ("/energy/measured-estimated", test_measured_estimated);
  g_test_add_func ("/energy/rollups-agree", test_rollups_agree);
  g_test_add_func ("/energy/old-rollups", test_old_rollups);
  g_test_add_func ("/energy/errors", test_errors);
  g_test_add_func ("/energy/async", test_async);
  g_test_add_func ("/energy/export", test_export);
  g_test_add_func ("/energy/cli", test_cli);
  g_test_add_func ("/energy/meter/counters", test_meter_counters);
  g_test_add_func ("/energy/meter/periods", test_meter_periods);
  g_test_add_func ("/energy/slices", test_slices);
  g_test_add_func ("/energy/efficiency-drift", test_efficiency_drift);

  return g_test_run ();
}
