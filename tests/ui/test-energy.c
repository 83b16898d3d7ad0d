/* test-energy.c — energy and cost in the app: the totals header and the
 * details window, in real GTK windows over a real SQLite store
 * SPDX-License-Identifier: MIT
 *
 * The histories are synthetic, their kWh known by hand: 100 W measured for
 * two hours is 0.200 kWh, 50 W estimated for an hour 0.050 kWh; at
 * EUR 0.40 a kWh, EUR 0.08 and EUR 0.02.  The process runs in a zone of
 * its own whose clock says about noon, so that "today" holds every
 * reading whenever the test runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <adwaita.h>
#include <sqlite3.h>

#include "hf-details-window.h"
#include "hf-chart.h"
#include "hf-store-private.h"
#include "hf-test-utils.h"
#include "hf-totals-header.h"

#define MINER_A "127.0.0.51"   /* 100 W measured, two hours */
#define MINER_B "127.0.0.52"   /* 50 W estimated, one hour */
#define MINER_C "127.0.0.53"   /* hourly roll-ups only: 30 days at 20 J/TH, then 23 */

static gint64 now_s;
static gint64 east_s;      /* the zone main() set, east of UTC */

/* With HF_SCREENSHOT_DIR set, the X screen as it is into @name there (to
 * look at; ImageMagick's import). */
static void
screenshot (GtkWidget  *window,
            const char *name)
{
  const char *dir = g_getenv ("HF_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  if (dir == NULL)
    return;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  path = g_build_filename (dir, name, NULL);
  command = g_strdup_printf ("import -window root %s", path);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static HfStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-ui-energy-XXXXXX", &error);
  g_autofree char *path = NULL;
  HfStore *store;

  g_assert_no_error (error);
  path = g_build_filename (dir, "hashfleet.db", NULL);
  store = hf_store_open (path, &error);
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

static gint64
save_miner (HfStore    *store,
            const char *address)
{
  g_autoptr(HfMiner) miner = hf_miner_new (address, HF_FAMILY_AXEOS);
  g_autoptr(GError) error = NULL;
  g_autofree char *mac = g_strdup_printf ("02:00:00:00:00:%02x",
                                          (guint) g_str_hash (address) & 0xff);
  gint64 id;

  hf_miner_set_mac (miner, mac);
  hf_miner_set_model (miner, "Bitaxe Gamma");
  id = _hf_store_save_miner (store, miner, &error);
  g_assert_no_error (error);
  return id;
}

/* @watts every 10 s over [@from, @to] (inclusive). */
static void
write_power (HfStore    *store,
             const char *address,
             gint64      from,
             gint64      to,
             double      watts,
             gboolean    estimated)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  exec (store, "BEGIN");
  id = save_miner (store, address);
  for (gint64 t = from; t <= to; t += 10)
    {
      g_autoptr(HfReading) r = hf_reading_new ();

      r->timestamp = t * G_USEC_PER_SEC;
      r->hashrate_ghs = 1000;
      r->power_w = watts;
      r->power_estimated = estimated;
      g_assert_true (_hf_store_insert_reading (store, id, r, &error));
    }
  exec (store, "COMMIT");
}

static HfTariff *
tariff (const char *text)
{
  g_autoptr(GError) error = NULL;
  HfTariff *t = hf_tariff_parse (text, &error);

  g_assert_no_error (error);
  return t;
}

/* Iterate until @label of @header reads @expected (fails after 10 s). */
static void
wait_for_text (HfTotalsHeader *header,
               const char     *figure,
               const char     *expected)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_strcmp0 (hf_totals_header_get_text (header, figure), expected) != 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: “%s”, not “%s”", figure, hf_totals_header_get_text (header, figure),
                 expected);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             gboolean   *flag)
{
  *flag = TRUE;
}

typedef struct
{
  HfStore       *store;
  HfFleet       *fleet;
  HfEnergyMeter *meter;
} Setup;

/* A and B's history in a store, a meter over it at EUR 0.40. */
static void
setup (Setup *s)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfTariff) eur = tariff ("EUR 0.40");
  gboolean done = FALSE;

  s->store = open_store ();
  write_power (s->store, MINER_A, now_s - 60 - 7200, now_s - 60, 100, FALSE);
  write_power (s->store, MINER_B, now_s - 60 - 3600, now_s - 60, 50, TRUE);
  s->fleet = hf_fleet_new (config);
  s->meter = hf_energy_meter_new (s->fleet);
  hf_energy_meter_set_tariff (s->meter, eur);
  g_signal_connect (s->meter, "notify::today", G_CALLBACK (notified_cb), &done);
  hf_energy_meter_set_store (s->meter, s->store);
  hf_test_wait_for (&done, 10000);
  g_signal_handlers_disconnect_by_data (s->meter, &done);
}

static void
teardown (Setup *s)
{
  g_clear_object (&s->meter);
  g_clear_object (&s->fleet);
  g_clear_object (&s->store);
}

static void
test_totals_header (void)
{
  Setup s = { 0 };
  GtkWidget *window = gtk_window_new ();
  HfTotalsHeader *header = HF_TOTALS_HEADER (hf_totals_header_new ());
  g_autoptr(HfTariff) chf = tariff ("CHF 0.20");
  g_autoptr(GDateTime) local = g_date_time_new_now_local ();

  /* The zone main() set: about noon. */
  g_assert_cmpint (g_date_time_get_hour (local), >=, 10);
  g_assert_cmpint (g_date_time_get_hour (local), <=, 13);

  setup (&s);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 300);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (header));
  hf_totals_header_set_fleet (header, s.fleet);
  /* Before a meter: nothing said. */
  g_assert_cmpstr (hf_totals_header_get_text (header, "energy"), ==, "—");
  hf_totals_header_set_energy_meter (header, s.meter);
  gtk_window_present (GTK_WINDOW (window));

  /* 0.200 + 0.050 kWh; EUR 0.08 + 0.02; B's power was estimated. */
  wait_for_text (header, "energy", "0.250 kWh");
  g_assert_cmpstr (hf_totals_header_get_text (header, "energy-cost"), ==,
                   "EUR 0.10, part estimated");
  g_assert_cmpstr (hf_totals_header_get_text (header, "energy-month"), ==,
                   "0.250 kWh · EUR 0.10 this month");
  screenshot (window, "energy-header.png");

  /* Another tariff: computed again, in its currency. */
  hf_energy_meter_set_tariff (s.meter, chf);
  wait_for_text (header, "energy-cost", "CHF 0.05, part estimated");
  wait_for_text (header, "energy-month", "0.250 kWh · CHF 0.05 this month");
  g_assert_cmpstr (hf_totals_header_get_text (header, "energy"), ==, "0.250 kWh");

  /* None: the energy alone. */
  hf_energy_meter_set_tariff (s.meter, NULL);
  wait_for_text (header, "energy-cost", "part estimated");
  wait_for_text (header, "energy-month", "0.250 kWh this month");

  gtk_window_destroy (GTK_WINDOW (window));
  teardown (&s);
}

static void
wait_for_details (HfDetailsWindow *details)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!hf_details_window_get_energy_loaded (details))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  /* Drawn (a frame or more), so that the charts counted what they show. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 3;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Hours of the local clock that [@from, @to) touches. */
static guint
hours_touched (gint64 from,
               gint64 to)
{
  return (guint) ((to - 1 + east_s) / 3600 - (from + east_s) / 3600 + 1);
}

static void
test_details (void)
{
  Setup s = { 0 };
  g_autoptr(HfMiner) a = hf_miner_new (MINER_A, HF_FAMILY_AXEOS);
  GtkWidget *window;
  HfDetailsWindow *details;
  HfChart *cost;

  setup (&s);
  window = hf_details_window_new (a, s.store);
  details = HF_DETAILS_WINDOW (window);
  hf_details_window_set_energy_meter (details, s.meter);
  gtk_window_present (GTK_WINDOW (window));

  /* A's own share of the meter's today and month. */
  g_assert_cmpstr (hf_details_window_get_value (details, "Today"), ==, "0.200 kWh · EUR 0.08");
  g_assert_cmpstr (hf_details_window_get_value (details, "This month"), ==,
                   "0.200 kWh · EUR 0.08");

  /* The last 24 hours a bar an hour: the hours A drew in. */
  hf_details_window_set_range (details, 86400);
  wait_for_details (details);
  cost = HF_CHART (hf_details_window_get_cost_chart (details));
  g_assert_cmpuint (hf_chart_get_n_known (cost), ==, hours_touched (now_s - 60 - 7200, now_s - 60));
  /* The axis in the tariff's currency, from zero. */
  g_assert_true (g_str_has_prefix (hf_chart_get_axis_label (cost, 0), "EUR 0"));
  /* Under the pointer: an hour's cost. */
  hf_chart_hover (cost, gtk_widget_get_width (GTK_WIDGET (cost)) - 20);
  wait_for_details (details);
  if (hf_chart_get_hover_text (cost) != NULL)
    g_assert_nonnull (strstr (hf_chart_get_hover_text (cost), " · EUR 0.0"));
  {
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (find_type (window, GTK_TYPE_SCROLLED_WINDOW)));

    gtk_adjustment_set_value (adj, 520);
    screenshot (window, "energy-details-24h.png");
  }

  /* No history of 30 days: no baseline, said so. */
  g_assert_nonnull (strstr (hf_details_window_get_value (details, "Efficiency drift"),
                            "Not enough history"));

  /* 30 days, a bar a day. */
  hf_details_window_set_range (details, 30 * 86400);
  wait_for_details (details);
  g_assert_cmpuint (hf_chart_get_n_known (cost), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  teardown (&s);
}

/* C's 30 days of hourly roll-ups at 20 J/TH, then a day at @recent: the
 * details window's efficiency rows and chart. */
static void
check_drift (double      recent,
             const char *verdict)
{
  g_autoptr(HfStore) store = open_store ();
  g_autoptr(HfMiner) c = hf_miner_new (MINER_C, HF_FAMILY_AXEOS);
  g_autoptr(GString) sql = g_string_new ("BEGIN;");
  gint64 id, hour = now_s / 3600 * 3600;
  GtkWidget *window;
  HfDetailsWindow *details;
  HfChart *efficiency;

  id = save_miner (store, MINER_C);
  for (gint64 t = hour - 31 * 86400; t < now_s; t += 3600)
    g_string_append_printf (sql, "INSERT INTO rollups_1h (miner_id, time, hashrate_avg, power_avg) "
                            "VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 1000, %g);",
                            id, t, t < now_s - 86400 ? 20.0 : recent);
  g_string_append (sql, "COMMIT;");
  exec (store, sql->str);

  window = hf_details_window_new (c, store);
  details = HF_DETAILS_WINDOW (window);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_details (details);
  efficiency = HF_CHART (hf_details_window_get_efficiency_chart (details));
  /* A value a day of the 30 (the first cut where the 30 days begin). */
  g_assert_cmpuint (hf_chart_get_n_known (efficiency), >=, 30);
  g_assert_cmpuint (hf_chart_get_n_known (efficiency), <=, 31);
  g_assert_cmpstr (hf_details_window_get_value (details, "Efficiency, 30-day baseline"), ==,
                   "20.0 J/TH");
  {
    g_autofree char *r = g_strdup_printf ("%.1f J/TH", recent);
    g_assert_cmpstr (hf_details_window_get_value (details, "Efficiency, last 24 hours"), ==, r);
  }
  if (strstr (hf_details_window_get_value (details, "Efficiency drift"), verdict) == NULL)
    g_error ("“%s” does not say “%s”", hf_details_window_get_value (details, "Efficiency drift"),
             verdict);
  {
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (find_type (window, GTK_TYPE_SCROLLED_WINDOW)));
    g_autofree char *name = g_strdup_printf ("energy-drift-%.0f.png", recent);

    gtk_adjustment_set_value (adj, 700);
    screenshot (window, name);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_drift (void)
{
  check_drift (23, "15 % above its 30-day baseline");
  check_drift (22, "+10 % against its 30-day baseline, within 10 %");
  check_drift (19, "-5 % against its 30-day baseline");
}

int
main (int   argc,
      char *argv[])
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  /* Minutes east of UTC that make the local clock about 12:00. */
  int east = (int) ((12 * 3600 - now % 86400) / 60);
  g_autofree char *tz = NULL;

  if (east > 12 * 60)
    east -= 24 * 60;
  if (east <= -12 * 60)
    east += 24 * 60;
  /* POSIX: the offset is west of UTC. */
  tz = g_strdup_printf ("HFT%c%02d:%02d", east > 0 ? '-' : '+', abs (east) / 60, abs (east) % 60);
  g_setenv ("TZ", tz, TRUE);
  now_s = now;
  east_s = (gint64) east * 60;

  hf_test_init_ui (&argc, &argv);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();

  g_test_add_func ("/ui/energy/totals-header", test_totals_header);
  g_test_add_func ("/ui/energy/details", test_details);
  g_test_add_func ("/ui/energy/drift", test_drift);
  return g_test_run ();
}
