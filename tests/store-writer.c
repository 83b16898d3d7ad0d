/* store-writer.c — records poll cycles until killed (for the crash test)
 * SPDX-License-Identifier: MIT
 *
 * Usage: store-writer DB MINERS
 * Writes one transaction of MINERS readings per cycle, as the poller does,
 * and prints "committed N" after each commit returns.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "hf-store.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = NULL;
  g_autoptr(GPtrArray) miners = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = argc > 2 ? (guint) atoi (argv[2]) : 100;
  gint64 t = g_get_real_time () / G_USEC_PER_SEC;

  if (argc < 2)
    return 2;
  store = hf_store_open (argv[1], &error);
  if (store == NULL)
    {
      fprintf (stderr, "store-writer: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ip = g_strdup_printf ("192.0.2.%u", i % 250 + 1);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:%02X:%02X", i / 256, i % 256);
      HfMiner *miner = hf_miner_new (ip, HF_FAMILY_AXEOS);

      hf_miner_set_mac (miner, mac);
      g_ptr_array_add (miners, miner);
    }

  /* Times go on from the newest one in the file, so that every cycle adds n
   * new rows (a repeated time would replace rows and hide a loss). */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    sqlite3_open_v2 (argv[1], &db, SQLITE_OPEN_READONLY, NULL);
    if (sqlite3_prepare_v2 (db, "SELECT MAX (time) FROM readings", -1, &stmt, NULL) == SQLITE_OK
        && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
      t = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  for (guint64 cycle = 1;; cycle++)
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HfReading) r = hf_reading_new ();

          r->timestamp = (t + (gint64) cycle) * G_USEC_PER_SEC;
          r->hashrate_ghs = 1000 + i;
          r->temperature_c = 60;
          r->power_w = 18;
          hf_miner_set_reading (g_ptr_array_index (miners, i), r);
        }
      if (!hf_store_add_readings (store, (HfMiner **) miners->pdata, n, &error))
        {
          fprintf (stderr, "store-writer: %s\n", error->message);
          return 1;
        }
      printf ("committed %" G_GUINT64_FORMAT "\n", cycle);
      fflush (stdout);
    }
}
