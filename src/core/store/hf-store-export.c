/* hf-store-export.c
 * SPDX-License-Identifier: MIT
 *
 * Rows go straight from the SQLite statement to the output, so exporting a
 * year of a large fleet needs no more memory than one row.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include <sqlite3.h>

#include "hf-error.h"
#include "hf-store-energy.h"
#include "hf-store-private.h"
#include "hf-store-export.h"

gboolean
hf_resolution_parse (const char   *text,
                     HfResolution *resolution)
{
  if (g_strcmp0 (text, "raw") == 0)
    *resolution = HF_RESOLUTION_RAW;
  else if (g_strcmp0 (text, "5m") == 0)
    *resolution = HF_RESOLUTION_5M;
  else if (g_strcmp0 (text, "1h") == 0)
    *resolution = HF_RESOLUTION_1H;
  else if (g_strcmp0 (text, "auto") == 0)
    *resolution = HF_RESOLUTION_AUTO;
  else
    return FALSE;
  return TRUE;
}

/* A spreadsheet takes a cell that starts with one of these for a formula
 * (=HYPERLINK(…), +cmd|…, @SUM(…)), and the text comes from miners: a pool
 * URL, a model.  OWASP's advice for CSV injection is a leading ' on such
 * text, which spreadsheets show as text.  Numbers are not text: they are
 * written from SQLite's numeric types, so a negative one stays a number. */
static gboolean
is_formula_like (const char *text)
{
  return text[0] != '\0' && strchr ("=+-@\t\r", text[0]) != NULL;
}

/* The finest resolution the store still keeps for @since. */
static HfResolution
resolve (HfStore      *store,
         gint64        since,
         HfResolution  resolution)
{
  gint64 now, raw, five;

  if (resolution != HF_RESOLUTION_AUTO)
    return resolution;
  now = g_get_real_time () / G_USEC_PER_SEC;
  raw = _hf_store_get_retention (store, HF_RESOLUTION_RAW);
  five = _hf_store_get_retention (store, HF_RESOLUTION_5M);
  if (raw == 0 || since >= now - raw)
    return HF_RESOLUTION_RAW;
  if (five == 0 || since >= now - five)
    return HF_RESOLUTION_5M;
  return HF_RESOLUTION_1H;
}

static void
write_csv_text (FILE       *out,
                const char *text)
{
  const char *prefix = is_formula_like (text) ? "'" : "";

  /* RFC 4180: quote when needed, double the quotes. */
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      fputs (prefix, out);
      fputs (text, out);
      return;
    }
  fputc ('"', out);
  fputs (prefix, out);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        fputc ('"', out);
      fputc (*p, out);
    }
  fputc ('"', out);
}

static void
write_json_text (FILE       *out,
                 const char *text)
{
  fputc ('"', out);
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (out, "\\%c", *p);
      else if (*p < 0x20)
        fprintf (out, "\\u%04x", *p);
      else
        fputc (*p, out);
    }
  fputc ('"', out);
}

/* Three decimals at most, without trailing zeros: 1070.123 GH/s, 61.5 °C,
 * 17 W.  A roll-up's average has fifteen digits nobody measured. */
static void
write_readable_number (FILE   *out,
                       double  value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *end;

  g_ascii_formatd (buf, sizeof buf, "%.3f", value);
  end = buf + strlen (buf);
  while (end > buf && end[-1] == '0')
    *--end = '\0';
  if (end > buf && end[-1] == '.')
    *--end = '\0';
  /* -0.0001 rounds to "-0". */
  fputs (g_str_equal (buf, "-0") ? "0" : buf, out);
}

/* Local time with its offset, as spreadsheets and people read it. */
static void
write_readable_time (FILE           *out,
                     HfExportFormat  format,
                     gint64          seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (seconds);
  g_autofree char *text = dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z") : NULL;

  if (text == NULL)
    fprintf (out, "%" G_GINT64_FORMAT, seconds);
  else if (format == HF_EXPORT_JSON)
    fprintf (out, "\"%s\"", text);
  else
    fputs (text, out);
}

static void
write_value (FILE           *out,
             HfExportFormat  format,
             sqlite3_stmt   *stmt,
             int             column,
             gboolean        readable)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (readable && sqlite3_column_type (stmt, column) != SQLITE_NULL
      && g_str_equal (sqlite3_column_name (stmt, column), "time"))
    {
      write_readable_time (out, format, sqlite3_column_int64 (stmt, column));
      return;
    }
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_NULL:
      if (format == HF_EXPORT_JSON)
        fputs ("null", out);
      break;
    case SQLITE_INTEGER:
      fprintf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, column));
      break;
    case SQLITE_FLOAT:
      if (readable)
        {
          write_readable_number (out, sqlite3_column_double (stmt, column));
          break;
        }
      g_ascii_formatd (buf, sizeof buf, "%.15g", sqlite3_column_double (stmt, column));
      fputs (buf, out);
      break;
    default:
      if (format == HF_EXPORT_JSON)
        write_json_text (out, (const char *) sqlite3_column_text (stmt, column));
      else
        write_csv_text (out, (const char *) sqlite3_column_text (stmt, column));
      break;
    }
}

/* Raw readings' energy_wh, worked out as rows stream past in time order:
 * each miner's last reading with power (the one before @since, within the
 * gap limit, read first), and what was drawn since it, as hf-energy.c
 * integrates it — a trapezoid, nothing across a gap, a reading without
 * power passed over.  Done here rather than with a window function in
 * the query, which copies every row and doubled an export's time. */
typedef struct
{
  gint64 time;
  double power_w;
} LastPower;

static gboolean
load_last_power (sqlite3     *db,
                 const char  *address,
                 gint64       since,
                 gint64       gap,
                 GHashTable  *last)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, address != NULL
                          ? "SELECT miner_id, time, power FROM readings WHERE miner_id IN "
                            "(SELECT id FROM miners WHERE address = ?1) AND time >= ?2 "
                            "AND time < ?3 AND power IS NOT NULL ORDER BY time"
                          : "SELECT miner_id, time, power FROM readings WHERE miner_id IN "
                            "(SELECT id FROM miners) AND time >= ?2 AND time < ?3 "
                            "AND power IS NOT NULL ORDER BY time", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  if (address != NULL)
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, since - gap);
  sqlite3_bind_int64 (stmt, 3, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LastPower *l = g_new (LastPower, 1);

      l->time = sqlite3_column_int64 (stmt, 1);
      l->power_w = sqlite3_column_double (stmt, 2);
      g_hash_table_insert (last, GINT_TO_POINTER (sqlite3_column_int (stmt, 0)), l);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* The energy_wh of the row @stmt is on (NAN: none), minding @last. */
static double
row_energy (sqlite3_stmt *stmt,
            int           id_column,
            int           power_column,
            gint64        gap,
            GHashTable   *last)
{
  gpointer id = GINT_TO_POINTER (sqlite3_column_int (stmt, id_column));
  gint64 time = sqlite3_column_int64 (stmt, 3);
  LastPower *l;
  double power, wh = NAN;

  if (sqlite3_column_type (stmt, power_column) == SQLITE_NULL)
    return NAN;
  power = sqlite3_column_double (stmt, power_column);
  l = g_hash_table_lookup (last, id);
  if (l == NULL)
    {
      l = g_new (LastPower, 1);
      g_hash_table_insert (last, id, l);
    }
  else if (time > l->time && time - l->time <= gap)
    wh = (l->power_w + power) * (double) (time - l->time) / 7200;
  l->time = time;
  l->power_w = power;
  return wh;
}

static void
write_number (FILE           *out,
              HfExportFormat  format,
              double          value,
              gboolean        readable)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    {
      if (format == HF_EXPORT_JSON)
        fputs ("null", out);
    }
  else if (readable)
    write_readable_number (out, value);
  else
    fputs (g_ascii_formatd (buf, sizeof buf, "%.15g", value), out);
}

static gint64
export_rows (HfStore        *store,
             FILE           *out,
             HfExportFormat  format,
             const char     *address,
             gint64          since,
             gint64          until,
             HfResolution    resolution,
             gboolean        readable,
             GError        **error)
{
  static const char *const tables[] = { "readings", "rollups_5m", "rollups_1h" };
  /* The miner's id last: not written, it keys energy_wh (raw_energy). */
  static const char *const raw_columns =
    "r.hashrate AS hashrate_ghs, r.hashrate_avg AS hashrate_avg_ghs, "
    "r.expected AS expected_hashrate_ghs, r.temperature AS temperature_c, "
    "r.chip_temp AS chip_temp_c, r.board_temp AS board_temp_c, r.power AS power_w, "
    "r.power_estimated, r.fan_rpm, r.fan_percent, r.frequency AS frequency_mhz, "
    "r.core_voltage AS core_voltage_mv, r.uptime AS uptime_s, r.accepted, r.rejected, "
    "r.hardware_errors, r.best_difficulty, r.pool_url, r.miner_id";
  /* Roll-ups from before schema 5 have their energy reckoned as energy
   * reads them (average power over the uptime), its source unknown. */
  static const char *const rollup_columns =
    "r.hashrate_min AS hashrate_min_ghs, r.hashrate_avg AS hashrate_avg_ghs, "
    "r.hashrate_max AS hashrate_max_ghs, r.temperature_min AS temperature_min_c, "
    "r.temperature_avg AS temperature_avg_c, r.temperature_max AS temperature_max_c, "
    "r.power_min AS power_min_w, r.power_avg AS power_avg_w, r.power_max AS power_max_w, "
    "r.uptime_fraction, r.accepted, r.rejected, "
    "COALESCE (r.energy_wh, r.power_avg * r.uptime_fraction * %d / 3600.0) AS energy_wh, "
    "CASE WHEN r.energy_wh IS NOT NULL THEN r.energy_estimated_wh END AS energy_estimated_wh, "
    "COALESCE (r.power_s, CASE WHEN r.power_avg IS NOT NULL THEN r.uptime_fraction * %d END) "
    "AS power_s";
  g_autofree char *sql = NULL;
  g_autofree char *columns_sql = NULL;
  g_autoptr(GHashTable) last = NULL;
  sqlite3 *db = _hf_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  gboolean raw;
  gint64 rows = 0, gap = 0;
  int columns, rc, power_column = -1;

  g_return_val_if_fail (HF_IS_STORE (store), -1);
  g_return_val_if_fail (out != NULL, -1);

  /* AUTO names no table: it is whichever one still covers @since. */
  resolution = resolve (store, since, resolution);
  raw = resolution == HF_RESOLUTION_RAW;
  if (raw)
    columns_sql = g_strdup (raw_columns);
  else
    {
      int size = resolution == HF_RESOLUTION_5M ? 300 : 3600;

      columns_sql = g_strdup_printf (rollup_columns, size, size);
    }
  /* One miner: name its id so that SQLite walks the (miner_id, time)
   * primary key instead of every row of the table. */
  sql = g_strdup_printf ("SELECT m.address, m.mac, m.model, r.time, %s FROM %s r "
                         "JOIN miners m ON m.id = r.miner_id "
                         "WHERE %s r.time >= ?2 AND r.time <= ?3 "
                         "ORDER BY r.time, m.id",
                         columns_sql, tables[resolution],
                         address != NULL
                           ? "r.miner_id IN (SELECT id FROM miners WHERE address = ?1) AND"
                           : "");
  if (raw)
    {
      gap = hf_store_energy_gap (store);
      last = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      if (!load_last_power (db, address, since, gap, last))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_STORE, "export: %s", sqlite3_errmsg (db));
          return -1;
        }
    }
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_STORE, "export: %s", sqlite3_errmsg (db));
      return -1;
    }
  if (address != NULL)
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, until > 0 ? until : G_MAXINT64);
  columns = sqlite3_column_count (stmt);
  if (raw)
    {
      /* The id is not written; energy_wh is, in its place. */
      columns--;
      for (int c = 0; c < columns; c++)
        if (g_str_equal (sqlite3_column_name (stmt, c), "power_w"))
          power_column = c;
      g_assert (power_column >= 0);
    }

  if (format == HF_EXPORT_CSV)
    {
      for (int c = 0; c < columns; c++)
        fprintf (out, "%s%s", c ? "," : "", sqlite3_column_name (stmt, c));
      fputs (raw ? ",energy_wh\n" : "\n", out);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (format == HF_EXPORT_JSON)
        fputc ('{', out);
      for (int c = 0; c < columns; c++)
        {
          if (c > 0)
            fputc (',', out);
          if (format == HF_EXPORT_JSON)
            fprintf (out, "\"%s\":", sqlite3_column_name (stmt, c));
          write_value (out, format, stmt, c, readable);
        }
      if (raw)
        {
          fputs (format == HF_EXPORT_JSON ? ",\"energy_wh\":" : ",", out);
          write_number (out, format, row_energy (stmt, columns, power_column, gap, last),
                        readable);
        }
      fputs (format == HF_EXPORT_JSON ? "}\n" : "\n", out);
      rows++;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_STORE, "export: %s", sqlite3_errmsg (db));
      return -1;
    }
  return rows;
}

gint64
hf_store_export (HfStore        *store,
                 FILE           *out,
                 HfExportFormat  format,
                 const char     *address,
                 gint64          since,
                 gint64          until,
                 HfResolution    resolution,
                 GError        **error)
{
  return export_rows (store, out, format, address, since, until, resolution, FALSE, error);
}

static double
real_or_nan (sqlite3_stmt *stmt,
             int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL
         ? NAN : sqlite3_column_double (stmt, column);
}

static GArray *
run_series (HfStore     *store,
            const char  *sql,
            const char  *address,
            gint64       since,
            gint64       until,
            GError     **error)
{
  sqlite3 *db = _hf_store_get_db (store);
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (HfSeriesPoint));
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_STORE, "series: %s", sqlite3_errmsg (db));
      return NULL;
    }
  if (address != NULL)
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, until > 0 ? until : G_MAXINT64);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfSeriesPoint p = {
        sqlite3_column_int64 (stmt, 0), real_or_nan (stmt, 1), real_or_nan (stmt, 2),
        real_or_nan (stmt, 3),
      };
      g_array_append_val (points, p);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_STORE, "series: %s", sqlite3_errmsg (db));
      return NULL;
    }
  return g_steal_pointer (&points);
}

GArray *
hf_store_series (HfStore       *store,
                 const char    *address,
                 gint64         since,
                 gint64         until,
                 HfResolution   resolution,
                 HfResolution  *used,
                 GError       **error)
{
  static const char *const sql[] = {
    [HF_RESOLUTION_RAW] = "SELECT time, hashrate, temperature, power FROM readings WHERE "
                          "miner_id IN (SELECT id FROM miners WHERE address = ?1) "
                          "AND time >= ?2 AND time <= ?3 ORDER BY time",
    [HF_RESOLUTION_5M] = "SELECT time, hashrate_avg, temperature_avg, power_avg FROM rollups_5m "
                         "WHERE miner_id IN (SELECT id FROM miners WHERE address = ?1) "
                         "AND time >= ?2 AND time <= ?3 ORDER BY time",
    [HF_RESOLUTION_1H] = "SELECT time, hashrate_avg, temperature_avg, power_avg FROM rollups_1h "
                         "WHERE miner_id IN (SELECT id FROM miners WHERE address = ?1) "
                         "AND time >= ?2 AND time <= ?3 ORDER BY time",
  };

  g_return_val_if_fail (HF_IS_STORE (store), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  resolution = resolve (store, since, resolution);
  if (used != NULL)
    *used = resolution;
  return run_series (store, sql[resolution], address, since, until, error);
}

GArray *
hf_store_fleet_series (HfStore       *store,
                       gint64         since,
                       gint64         until,
                       HfResolution   resolution,
                       GError       **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);

  /* "miner_id IN (…)" lets SQLite walk the (miner_id, time) key once per
   * miner instead of reading the whole table (no index on time alone: it
   * would cost more disk than it saves). */
  sql = g_strdup_printf ("SELECT time, SUM (hashrate_avg), MAX (temperature_max), "
                         "SUM (power_avg) FROM %s WHERE miner_id IN (SELECT id FROM miners) "
                         "AND time >= ?2 AND time <= ?3 GROUP BY time ORDER BY time",
                         resolution == HF_RESOLUTION_1H ? "rollups_1h" : "rollups_5m");
  return run_series (store, sql, NULL, since, until, error);
}

typedef struct
{
  char         *address;      /* NULL: the fleet's total */
  gint64        since;
  gint64        until;
  HfResolution  resolution;   /* resolved on the caller's thread */
} SeriesQuery;

static void
series_query_free (gpointer data)
{
  SeriesQuery *q = data;

  g_free (q->address);
  g_free (q);
}

static void
series_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  HfStore *self = source;
  SeriesQuery *q = task_data;
  GError *error = NULL;
  HfStore *reader;
  GArray *points;

  if (g_task_return_error_if_cancelled (task))
    return;
  reader = _hf_store_lock_reader (self, &error);
  if (reader == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  points = q->address != NULL
           ? hf_store_series (reader, q->address, q->since, q->until, q->resolution, NULL, &error)
           : hf_store_fleet_series (reader, q->since, q->until, q->resolution, &error);
  _hf_store_unlock_reader (self);
  if (points == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, points, (GDestroyNotify) g_array_unref);
}

void
hf_store_series_async (HfStore             *store,
                       const char          *address,
                       gint64               since,
                       gint64               until,
                       HfResolution         resolution,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SeriesQuery *q;

  g_return_if_fail (HF_IS_STORE (store));

  q = g_new0 (SeriesQuery, 1);
  q->address = g_strdup (address);
  q->since = since;
  q->until = until;
  q->resolution = resolve (store, since, resolution);
  /* The fleet's total comes from the roll-ups only. */
  if (address == NULL && q->resolution == HF_RESOLUTION_RAW)
    q->resolution = HF_RESOLUTION_5M;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_store_series_async);
  g_task_set_name (task, "hf_store_series");
  g_task_set_task_data (task, q, series_query_free);
  g_task_run_in_thread (task, series_thread);
}

GArray *
hf_store_series_finish (HfStore       *store,
                        GAsyncResult  *result,
                        HfResolution  *used,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  if (used != NULL)
    *used = ((SeriesQuery *) g_task_get_task_data (G_TASK (result)))->resolution;
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
hf_export_parse_time (const char  *text,
                      gint64      *out,
                      GError     **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = NULL;
  guint64 seconds;

  if (text == NULL)
    return TRUE;
  if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &seconds, NULL))
    {
      *out = (gint64) seconds;
      return TRUE;
    }
  dt = g_date_time_new_from_iso8601 (text, local);
  if (dt == NULL && strchr (text, 'T') == NULL && strchr (text, ' ') == NULL)
    {
      /* A bare date is its midnight, local time. */
      g_autofree char *midnight = g_strconcat (text, "T00:00:00", NULL);
      dt = g_date_time_new_from_iso8601 (midnight, local);
    }
  if (dt == NULL)
    {
      /* GLib 2.74 wants the seconds: "2026-11-23T08:00" is how people
       * write a time (and what the README shows). */
      g_autoptr(GRegex) hh_mm = g_regex_new ("^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2})(.*)$", 0, 0, NULL);
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (hh_mm, text, 0, &match))
        {
          g_autofree char *head = g_match_info_fetch (match, 1);
          g_autofree char *tail = g_match_info_fetch (match, 2);
          g_autofree char *with_seconds = g_strconcat (head, ":00", tail, NULL);

          /* ISO 8601 wants a T between date and time. */
          if (with_seconds[10] == ' ')
            with_seconds[10] = 'T';
          if (tail[0] != ':')
            dt = g_date_time_new_from_iso8601 (with_seconds, local);
        }
    }
  if (dt == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   "'%s' is not a time: give unix seconds, an ISO 8601 time (like "
                   "2026-11-23T08:00) or a date (like 2026-11-23)", text);
      return FALSE;
    }
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

typedef struct
{
  char          *db_path;
  char          *path;
  HfExportQuery  query;
  char          *address;
  gint64         rows;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->db_path);
  g_free (job->path);
  g_free (job->address);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  const HfExportQuery *q = &job->query;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_store_open_readonly (job->db_path, &error);
  g_autofree char *partial = NULL;
  char *text = NULL;
  size_t size = 0;
  FILE *out;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->path != NULL)
    {
      partial = g_strconcat (job->path, ".part", NULL);
      out = g_fopen (partial, "w");
    }
  else
    out = open_memstream (&text, &size);
  if (out == NULL)
    {
      int saved = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s",
                               job->path ? job->path : "memory", g_strerror (saved));
      return;
    }
  job->rows = export_rows (store, out, q->format, q->address, q->since, q->until,
                           q->resolution, q->readable, &error);
  if (fclose (out) != 0 && job->rows >= 0)
    {
      int saved = errno;
      job->rows = -1;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
    }
  if (job->path == NULL)
    {
      if (job->rows < 0)
        {
          free (text);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* open_memstream's buffer is malloc()ed: hand over a GLib copy. */
      g_task_return_pointer (task, g_strndup (text ? text : "", size), g_free);
      free (text);
      return;
    }
  if (job->rows < 0 || g_rename (partial, job->path) != 0)
    {
      g_unlink (partial);
      if (error == NULL)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", job->path,
                     g_strerror (errno));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_strdup (job->path), g_free);
}

void
hf_export_async (const char           *db_path,
                 const HfExportQuery  *query,
                 const char           *path,
                 GCancellable         *cancellable,
                 GAsyncReadyCallback   callback,
                 gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (db_path != NULL && query != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_export_async);
  g_task_set_name (task, "hf_export");
  job = g_new0 (ExportJob, 1);
  job->db_path = g_strdup (db_path);
  job->path = g_strdup (path);
  job->query = *query;
  job->address = g_strdup (query->address);
  job->query.address = job->address;
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

char *
hf_export_finish (GAsyncResult  *result,
                  gint64        *rows,
                  GError       **error)
{
  char *out;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  out = g_task_propagate_pointer (G_TASK (result), error);
  if (rows != NULL)
    *rows = out != NULL ? ((ExportJob *) g_task_get_task_data (G_TASK (result)))->rows : -1;
  return out;
}
