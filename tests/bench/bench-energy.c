/* bench-energy.c — what energy over a year of history costs
 * SPDX-License-Identifier: MIT
 *
 * Usage: bench-energy [DIR]   (a scratch directory; default a new temporary one)
 *
 * Builds what a year of a 50-miner fleet at 15 s leaves in the store with
 * the default retention (48 h of raw readings, 90 days of 5-minute and a
 * year of hourly roll-ups, each with its energy; the rows generated
 * directly), lets the upkeep pack the year's days, then prints, medians
 * of 11 runs each on the calling thread:
 *  - the energy of every miner and of the fleet over the year, without a
 *    tariff, with a flat one and with a time-of-use one (target ≤ 50 ms);
 *  - the same for this month and today;
 *  - the year before the days are packed (hourly rows only).
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "hf-core.h"

#define MINERS 50
#define RUNS   11

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
sql (sqlite3    *db,
     const char *text)
{
  char *message = NULL;

  if (sqlite3_exec (db, text, NULL, NULL, &message) != SQLITE_OK)
    {
      fprintf (stderr, "bench-energy: %s\n", message);
      exit (1);
    }
}

static void
slices_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GError) error = NULL;

  *(GArray **) data = hf_energy_compute_slices_finish (HF_STORE (source), result, &error);
  if (*(GArray **) data == NULL)
    {
      fprintf (stderr, "bench-energy: %s\n", error->message);
      exit (1);
    }
}

/* Median ms of RUNS computations of [@since, @until). */
static double
time_energy (HfStore  *store,
             gint64    since,
             gint64    until,
             HfTariff *tariff,
             double   *kwh,
             double   *cost,
             guint    *miners)
{
  double ms[RUNS];

  for (guint i = 0; i < RUNS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfEnergyReport) report = NULL;
      HfEnergyQuery q = { since, until, NULL, tariff, NULL, 0 };
      gint64 start = g_get_monotonic_time ();

      report = hf_energy_compute (store, &q, &error);
      ms[i] = ms_since (start);
      if (report == NULL)
        {
          fprintf (stderr, "bench-energy: %s\n", error->message);
          exit (1);
        }
      *kwh = hf_energy_report_get_fleet (report)->kwh;
      *cost = hf_energy_report_get_fleet (report)->cost;
      *miners = hf_energy_report_get_n_miners (report);
    }
  qsort (ms, RUNS, sizeof *ms, compare_double);
  return ms[RUNS / 2];
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = argc > 1 ? g_strdup (argv[1])
                                  : g_dir_make_tmp ("hf-bench-energy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "year.db", NULL);
  g_autoptr(HfStore) store = NULL;
  g_autoptr(HfTariff) flat = hf_tariff_parse ("EUR 0.30", NULL);
  g_autoptr(HfTariff) tou = hf_tariff_parse ("EUR 0.30; mon-fri 07:00-22:00 0.34; "
                                             "mon-fri 22:00-24:00 0.22; sat,sun 0.24", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 day_start, day_end, month_start, month_end, start;
  struct { const char *what; HfTariff *tariff; } tariffs[] = {
    { "no tariff", NULL }, { "flat", flat }, { "time-of-use", tou },
  };
  sqlite3 *db = NULL;
  guint steps = 0, miners = 0;
  double kwh = 0, cost = 0;

  if (dir == NULL)
    return 1;
  /* A new file each run, with no log of an old one beside it. */
  for (guint i = 0; i < 3; i++)
    {
      const char *suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  store = hf_store_open (path, &error);
  if (store == NULL)
    {
      fprintf (stderr, "bench-energy: %s\n", error->message);
      return 1;
    }
  g_clear_object (&store);

  /* The rows a year at 15 s leaves behind, written straight to the file. */
  sqlite3_open (path, &db);
  sql (db, "PRAGMA journal_mode = WAL");
  sql (db, "BEGIN");
  for (guint i = 0; i < MINERS; i++)
    {
      g_autofree char *insert = g_strdup_printf (
        "INSERT INTO miners (identity, address, http_port, cgminer_port, family, model, mac, "
        "added) VALUES ('02:00:00:00:00:%02X', '198.51.100.%u', 80, 4028, 'axeos', "
        "'Bitaxe Gamma', '02:00:00:00:00:%02X', 0)", i, i + 1, i);
      sql (db, insert);
    }
  {
    g_autofree char *raw = g_strdup_printf (
      "WITH RECURSIVE t(x) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT x + 15 FROM t "
      "WHERE x + 15 < %" G_GINT64_FORMAT ") INSERT INTO readings (miner_id, time, hashrate, "
      "power, power_estimated) SELECT m.id, t.x, 1000 + random() %% 100, "
      "17 + (random() %% 100) / 100.0, 0 FROM t, miners m",
      now - 48 * 3600, now);
    sql (db, raw);
  }
  for (guint k = 0; k < 2; k++)
    {
      gint64 step = k == 0 ? 300 : 3600;
      gint64 span = k == 0 ? 90 * 86400 : 365 * 86400;
      gint64 last = (now - 60) / step * step;
      g_autofree char *rollups = g_strdup_printf (
        "WITH RECURSIVE t(x) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT x + %"
        G_GINT64_FORMAT " FROM t WHERE x + %" G_GINT64_FORMAT " < %" G_GINT64_FORMAT ") "
        "INSERT INTO %s (miner_id, time, hashrate_min, hashrate_avg, hashrate_max, "
        "temperature_min, temperature_avg, temperature_max, power_min, power_avg, power_max, "
        "uptime_fraction, accepted, rejected, energy_wh, energy_estimated_wh, power_s) "
        "SELECT m.id, t.x, 990, 1050, 1100, 55, 58, 62, 16.8, 17.2, 17.9, 1.0, 20, 0, "
        "17.2 * %" G_GINT64_FORMAT " / 3600.0, 0, %" G_GINT64_FORMAT " FROM t, miners m",
        (now - span) / step * step, step, step, last, k == 0 ? "rollups_5m" : "rollups_1h",
        step, step);
      sql (db, rollups);
    }
  {
    g_autofree char *marks = g_strdup_printf (
      "INSERT OR REPLACE INTO meta VALUES ('rolled_5m_until', %" G_GINT64_FORMAT "), "
      "('rolled_1h_until', %" G_GINT64_FORMAT "), ('poll_interval_s', 15)",
      (now - 60) / 300 * 300, (now - 60) / 3600 * 3600);
    sql (db, marks);
  }
  sql (db, "COMMIT");
  sql (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);

  store = hf_store_open (path, &error);
  if (store == NULL)
    {
      fprintf (stderr, "bench-energy: %s\n", error->message);
      return 1;
    }
  printf ("| what | figure |\n|---|---|\n");

  /* Before packing: a year of hourly rows. */
  printf ("| a year of %d miners, hourly rows only (before the days are packed) | %.1f ms |\n",
          MINERS, time_energy (store, now - 365 * 86400, now, NULL, &kwh, &cost, &miners));

  /* The upkeep packs the days, one a step. */
  start = g_get_monotonic_time ();
  while (hf_store_maintain_step (store, now, &error))
    steps++;
  if (error != NULL)
    {
      fprintf (stderr, "bench-energy: %s\n", error->message);
      return 1;
    }
  printf ("| packing the year's days (upkeep, %u steps) | %.0f ms in all |\n", steps,
          ms_since (start));
  /* As the store's own checkpoints leave it between two cycles. */
  sqlite3_open (path, &db);
  sql (db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close (db);

  for (guint i = 0; i < G_N_ELEMENTS (tariffs); i++)
    {
      double ms = time_energy (store, now - 365 * 86400, now, tariffs[i].tariff, &kwh, &cost,
                               &miners);

      g_autofree char *money = tariffs[i].tariff ? g_strdup_printf (", EUR %.2f", cost)
                                                 : g_strdup ("");

      printf ("| a year of %u miners, %s (median of %d) | **%.1f ms** (%.1f kWh%s) |\n",
              miners, tariffs[i].what, RUNS, ms, kwh, money);
    }
  hf_energy_period_bounds (HF_ENERGY_MONTH, NULL, now, &month_start, &month_end);
  hf_energy_period_bounds (HF_ENERGY_DAY, NULL, now, &day_start, &day_end);
  {
    struct { const char *what; gint64 since; } ranges[] = {
      { "this month so far", month_start },
      { "today so far", day_start },
      { "the last 48 hours (5-minute roll-ups, raw readings at the ends)", now - 48 * 3600 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
      {
        double ms = time_energy (store, ranges[i].since, now, tou, &kwh, &cost, &miners);

        printf ("| %s, time-of-use | %.1f ms (%.2f kWh) |\n", ranges[i].what, ms, kwh);
      }
  }
  /* Details' cost chart: one miner's (and the fleet's) range cut into
   * bars, each at the tariff's prices, on the store's reader. */
  {
    struct { const char *what; gint64 span; gint64 slice; } charts[] = {
      { "1 hour, a bar per 5 minutes", 3600, 300 },
      { "24 hours, a bar an hour", 86400, 3600 },
      { "7 days, a bar an hour", 7 * 86400, 3600 },
      { "30 days, a bar a day", 30 * 86400, 0 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (charts); i++)
      for (guint fleet = 0; fleet <= 1; fleet++)
        {
          double times[RUNS];
          guint bars = 0;

          for (guint r = 0; r < RUNS; r++)
            {
              HfEnergyQuery q = { now - charts[i].span, now, fleet ? NULL : "198.51.100.1", tou,
                                  NULL, 0 };
              GArray *slices = NULL;
              gint64 t0 = g_get_monotonic_time ();

              hf_energy_compute_slices_async (store, &q, charts[i].slice, NULL, slices_cb,
                                              &slices);
              while (slices == NULL)
                g_main_context_iteration (NULL, TRUE);
              times[r] = ms_since (t0);
              bars = slices->len;
              g_array_unref (slices);
            }
          qsort (times, RUNS, sizeof (double), compare_double);
          printf ("| cost chart of %s, %s (%u bars, median of %d) | %.1f ms |\n",
                  fleet ? "the fleet" : "one miner", charts[i].what, bars, RUNS, times[RUNS / 2]);
        }
  }
  return 0;
}
