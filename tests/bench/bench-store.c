/* bench-store.c — what the history store costs
 * SPDX-License-Identifier: MIT
 *
 * Usage: bench-store [DIR]   (a scratch directory; default a new temporary one)
 *
 * Prints:
 *  - one poll cycle of 1000 readings written (one transaction), median of 20,
 *    directly and through the worker thread (the main thread's share);
 *  - restoring a 1000-miner fleet with its last readings;
 *  - 30 days of 5-minute roll-ups of one miner, exported (median of 20);
 *  - the size on disk of a 50-miner fleet after a year at 15 s readings with
 *    the default retention applied: 48 h of raw readings, 90 days of 5-minute
 *    and 365 days of hourly roll-ups, which is what a year leaves behind
 *    (the rows are generated directly at those resolutions);
 *  - the history upkeep of that year from scratch on its worker thread while
 *    the main loop writes cycles: the main loop's longest stall and the
 *    cycle writes' wait.
 */
#include <stdio.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "hf-core.h"

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, (int (*) (const void *, const void *)) compare_double);
  return v[n / 2];
}

static GPtrArray *
make_miners (guint n)
{
  GPtrArray *miners = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ip = g_strdup_printf ("198.51.%u.%u", i / 250, i % 250 + 1);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:%02X:%02X", i / 256, i % 256);
      HfMiner *m = hf_miner_new (ip, HF_FAMILY_AXEOS);

      hf_miner_set_mac (m, mac);
      hf_miner_set_model (m, "Bitaxe Gamma");
      g_ptr_array_add (miners, m);
    }
  return miners;
}

static void
set_readings (GPtrArray *miners, gint64 t)
{
  for (guint i = 0; i < miners->len; i++)
    {
      g_autoptr(HfReading) r = hf_reading_new ();

      r->timestamp = t * G_USEC_PER_SEC;
      r->hashrate_ghs = 1000 + g_random_double () * 100;
      r->expected_hashrate_ghs = 1071;
      r->temperature_c = r->chip_temp_c = 55 + g_random_double () * 10;
      r->board_temp_c = 50;
      r->power_w = 17 + g_random_double ();
      r->fan_rpm = 4000;
      r->fan_percent = 42;
      r->frequency_mhz = 525;
      r->core_voltage_mv = 1150;
      r->uptime_s = 86400;
      r->accepted = 1000;
      r->rejected = 2;
      r->pool_url = g_strdup ("stratum+tcp://pool.example.org:3333");
      hf_miner_set_reading (g_ptr_array_index (miners, i), r);
    }
}

typedef struct
{
  gboolean done;
  guint    steps;
  GError  *error;
} UpkeepRun;

static void
maintained_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpkeepRun *run = user_data;

  hf_store_maintain_finish (HF_STORE (source), result, &run->steps, &run->error);
  run->done = TRUE;
}

static void
written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UpkeepRun *run = user_data;

  hf_store_add_readings_finish (HF_STORE (source), result, &run->error);
  run->done = TRUE;
}

static void
sql (sqlite3 *db, const char *text)
{
  char *message = NULL;

  if (sqlite3_exec (db, text, NULL, NULL, &message) != SQLITE_OK)
    {
      fprintf (stderr, "bench-store: %s\n", message);
      exit (1);
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = argc > 1 ? g_strdup (argv[1]) : g_dir_make_tmp ("hf-bench-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cycle.db", NULL);
  g_autofree char *year = g_build_filename (dir, "year.db", NULL);
  g_autoptr(HfStore) store = NULL;
  g_autoptr(GPtrArray) miners = make_miners (1000);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  double times[20];
  struct stat st;

  /* 1. A poll cycle of 1000 readings. */
  store = hf_store_open (path, &error);
  g_assert_no_error (error);
  set_readings (miners, now - 100);
  hf_store_add_readings (store, (HfMiner **) miners->pdata, miners->len, NULL);  /* saves the miners */
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      gint64 start;

      set_readings (miners, now - 99 + i);
      start = g_get_monotonic_time ();
      if (!hf_store_add_readings (store, (HfMiner **) miners->pdata, miners->len, &error))
        g_error ("%s", error->message);
      times[i] = ms_since (start);
    }
  printf ("| one poll cycle of 1000 readings written (1 transaction) | %.1f ms (median of 20) |\n",
          median (times, G_N_ELEMENTS (times)));
  /* The same as the app and the CLI write it: copied on the main thread,
   * written by a worker. */
  {
    double handed[G_N_ELEMENTS (times)];

    for (guint i = 0; i < G_N_ELEMENTS (times); i++)
      {
        UpkeepRun run = { 0, };
        gint64 start;

        set_readings (miners, now - 79 + i);
        start = g_get_monotonic_time ();
        hf_store_add_readings_async (store, (HfMiner **) miners->pdata, miners->len, NULL,
                                     written_cb, &run);
        handed[i] = ms_since (start);
        while (!run.done)
          g_main_context_iteration (NULL, TRUE);
        times[i] = ms_since (start);
        g_assert_no_error (run.error);
      }
    printf ("| the same cycle written on the worker thread (hf_store_add_readings_async) | "
            "main thread %.1f ms (copying the readings), written %.1f ms later (medians of 20) |\n",
            median (handed, G_N_ELEMENTS (handed)), median (times, G_N_ELEMENTS (times)));
  }
  g_clear_object (&store);

  /* 2. Restore the 1000-miner fleet. */
  {
    g_autoptr(GPtrArray) fleet = NULL;
    gint64 start = g_get_monotonic_time ();

    store = hf_store_open (path, &error);
    fleet = hf_store_load_fleet (store, &error);
    g_assert_no_error (error);
    printf ("| start-up restore of a 1000-miner fleet (open + load, last readings) | %.1f ms, %u miners |\n",
            ms_since (start), fleet->len);
    g_clear_object (&store);
  }

  /* 3. and 4. A year of 50 miners, as retention leaves it. */
  {
    sqlite3 *db = NULL;
    g_autoptr(HfStore) y = hf_store_open (year, &error);
    g_autoptr(GPtrArray) fifty = make_miners (50);
    g_autofree char *query = NULL;
    FILE *null = fopen ("/dev/null", "w");
    double mb;

    g_assert_no_error (error);
    set_readings (fifty, now - 48 * 3600);
    hf_store_add_readings (y, (HfMiner **) fifty->pdata, fifty->len, NULL);
    g_clear_object (&y);

    sqlite3_open (year, &db);
    sql (db, "PRAGMA journal_mode = WAL");
    sql (db, "BEGIN");
    /* 48 h of raw readings every 15 s. */
    query = g_strdup_printf (
      "WITH RECURSIVE t(x) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT x + 15 FROM t "
      "WHERE x < %" G_GINT64_FORMAT ") INSERT OR REPLACE INTO readings SELECT m.id, t.x, "
      "1000 + random() %% 100, 1000 + random() %% 100, 1071, 55 + random() %% 10, "
      "55 + random() %% 10, 50, 17 + (random() %% 100) / 100.0, 0, 5.1, 4000, 42, 525, 1150, "
      "t.x - %" G_GINT64_FORMAT ", t.x / 15, 2, 0, 123456789, "
      "'stratum+tcp://pool.example.org:3333', 'bc1qexample.worker', 0 FROM t, miners m",
      now - 48 * 3600, now, now - 48 * 3600);
    sql (db, query);
    g_clear_pointer (&query, g_free);
    /* 90 days of 5-minute and 365 days of hourly roll-ups. */
    for (guint k = 0; k < 2; k++)
      {
        gint64 step = k == 0 ? 300 : 3600;
        gint64 span = k == 0 ? 90 * 86400 : 365 * 86400;
        query = g_strdup_printf (
          "WITH RECURSIVE t(x) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT x + %"
          G_GINT64_FORMAT " FROM t WHERE x < %" G_GINT64_FORMAT ") INSERT OR REPLACE INTO %s "
          "SELECT m.id, t.x, 990 + random() %% 10, 1050 + random() %% 10, 1100 + random() %% 10, "
          "55 + random() %% 5, 58 + random() %% 5, 62 + random() %% 5, 16.8, 17.2, 17.9, 1.0, "
          "20 * %" G_GINT64_FORMAT " / 300, 0 FROM t, miners m",
          (now - span) / step * step, step, now / step * step, k == 0 ? "rollups_5m" : "rollups_1h",
          step);
        sql (db, query);
        g_clear_pointer (&query, g_free);
      }
    sql (db, "COMMIT");
    sql (db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sql (db, "VACUUM");
    sqlite3_close (db);
    stat (year, &st);
    mb = st.st_size / 1048576.0;
    printf ("| a year of a 50-miner fleet at 15 s, retention applied (48 h raw, 90 d 5-min, 365 d hourly) "
            "| %.1f MB in all, %.2f MB per miner |\n", mb, mb / 50);

    y = hf_store_open (year, &error);
    for (guint i = 0; i < G_N_ELEMENTS (times); i++)
      {
        gint64 start = g_get_monotonic_time ();
        gint64 rows = hf_store_export (y, null, HF_EXPORT_CSV, "198.51.0.1",
                                       now - 30 * 86400, now, HF_RESOLUTION_5M, &error);
        times[i] = ms_since (start);
        if (rows < 8000)
          g_error ("expected 30 days of rows, got %" G_GINT64_FORMAT, rows);
      }
    printf ("| 30 days of 5-minute roll-ups of one miner exported as CSV (8640 rows) | %.1f ms (median of 20) |\n",
            median (times, G_N_ELEMENTS (times)));
    for (guint i = 0; i < G_N_ELEMENTS (times); i++)
      {
        HfResolution used;
        gint64 start = g_get_monotonic_time ();
        g_autoptr(GArray) points = hf_store_series (y, "198.51.0.1", now - 30 * 86400, now,
                                                    HF_RESOLUTION_AUTO, &used, &error);
        times[i] = ms_since (start);
        if (points == NULL || points->len < 8000 || used != HF_RESOLUTION_5M)
          g_error ("expected 30 days of 5-minute points");
      }
    printf ("| 30 days of one miner for a chart (auto resolution: 5-minute, 8640 points) | %.1f ms (median of 20) |\n",
            median (times, G_N_ELEMENTS (times)));
    for (guint i = 0; i < G_N_ELEMENTS (times); i++)
      {
        gint64 start = g_get_monotonic_time ();
        g_autoptr(GArray) points = hf_store_fleet_series (y, now - 30 * 86400, now,
                                                          HF_RESOLUTION_1H, &error);
        times[i] = ms_since (start);
        if (points == NULL || points->len < 700)
          g_error ("expected 30 days of hourly fleet points");
      }
    printf ("| 30 days of the 50-miner fleet's total, hourly (720 points) | %.1f ms (median of 20) |\n",
            median (times, G_N_ELEMENTS (times)));

    /* Upkeep from scratch on that year (roll 48 h of raw readings into
     * 5-minute buckets, and so on) on its worker thread, as the app runs
     * it, while the main thread writes a cycle of the 50 miners every
     * 50 ms: how long the main loop is held, and how long a write waits. */
    {
      g_autoptr(HfLoopMonitor) monitor = hf_loop_monitor_new ();
      g_autoptr(GArray) writes = g_array_new (FALSE, FALSE, sizeof (double));
      UpkeepRun run = { 0, };
      gint64 start = g_get_monotonic_time (), next_write = start;
      double stall;
      gint64 t = now;

      /* The loop's first dispatches after the sections above take tens of
       * ms with no upkeep at all: let them pass before measuring. */
      while (ms_since (start) < 200)
        g_main_context_iteration (NULL, TRUE);
      hf_loop_monitor_take_max_stall (monitor);
      start = next_write = g_get_monotonic_time ();
      hf_store_maintain_async (y, now, NULL, maintained_cb, &run);
      while (!run.done)
        {
          if (g_get_monotonic_time () >= next_write)
            {
              gint64 w = g_get_monotonic_time ();
              double ms;

              set_readings (fifty, ++t);
              if (!hf_store_add_readings (y, (HfMiner **) fifty->pdata, fifty->len, &error))
                g_error ("%s", error->message);
              ms = ms_since (w);
              g_array_append_val (writes, ms);
              next_write += 50 * 1000;
            }
          g_main_context_iteration (NULL, TRUE);
        }
      stall = hf_loop_monitor_take_max_stall (monitor);
      g_assert_no_error (run.error);
      g_array_sort (writes, compare_double);
      printf ("| history upkeep of that year from scratch (worker thread), a 50-miner cycle "
              "written every 50 ms meanwhile | %u steps in %.0f ms; main loop's longest stall "
              "%.1f ms; %u cycle writes: median %.1f ms, longest %.1f ms |\n", run.steps,
              ms_since (start), stall, writes->len, g_array_index (writes, double, writes->len / 2),
              g_array_index (writes, double, writes->len - 1));
    }
    fclose (null);
  }
  return 0;
}
