/* hf-cli-store.c — hashfleet-cli list, history, export; the store for all
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "hf-cli.h"

HfStore *
hf_cli_open_store (HfCli    *cli,
                   gboolean  required)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cli->db_path ? g_strdup (cli->db_path) : hf_store_default_path ();
  HfStore *store;

  if (cli->no_store && !required)
    return NULL;
  store = hf_store_open (path, &error);
  if (store == NULL)
    {
      /* Recording is a side job of scan and watch: say so once and go on. */
      g_printerr ("hashfleet-cli: %s%s\n", error->message,
                  required ? "" : " (going on without recording)");
      return NULL;
    }
  if (hf_store_get_moved_aside (store) != NULL)
    g_printerr ("hashfleet-cli: %s was not a usable database; it was moved to %s and a new "
                "one started\n", path, hf_store_get_moved_aside (store));
  return store;
}

/* @text as unix seconds into *@out (left as it is for NULL): an ISO 8601
 * time, or a date alone for its midnight, local time. */
static gboolean
parse_time (const char  *text,
            gint64      *out,
            GError     **error)
{
  g_autoptr(GTimeZone) local = NULL;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *midnight = NULL;

  if (text == NULL)
    return TRUE;
  local = g_time_zone_new_local ();
  midnight = g_strconcat (text, "T00:00:00", NULL);
  dt = g_date_time_new_from_iso8601 (text, local);
  if (dt == NULL)
    dt = g_date_time_new_from_iso8601 (midnight, local);
  if (dt == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   "'%s' is not an ISO 8601 time (like 2026-11-23T08:00 or 2026-11-23)", text);
      return FALSE;
    }
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

int
hf_cli_list (HfCli  *cli,
             char  **args)
{
  g_autoptr(HfStore) store = hf_cli_open_store (cli, TRUE);
  g_autoptr(GPtrArray) fleet = NULL;
  g_autoptr(GError) error = NULL;

  if (store == NULL)
    return 1;
  fleet = hf_store_load_fleet (store, &error);
  if (fleet == NULL)
    {
      g_printerr ("hashfleet-cli list: %s\n", error->message);
      return 1;
    }
  if (!cli->json)
    g_print ("%-15s %-10s %-22s %-17s %s\n", "ADDRESS", "FAMILY", "MODEL", "MAC", "LAST SEEN");
  for (guint i = 0; i < fleet->len; i++)
    {
      HfMiner *miner = g_ptr_array_index (fleet, i);
      const HfReading *r = hf_miner_get_reading (miner);

      if (cli->json)
        {
          /* The stored fleet: its last reading, not online (not polled now). */
          g_autofree char *line = hf_miner_to_json_line (miner, NULL, NULL);
          g_print ("%s\n", line);
        }
      else
        {
          g_autofree char *seen = NULL;

          if (r != NULL)
            {
              g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (r->timestamp
                                                                         / G_USEC_PER_SEC);
              seen = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
            }
          g_print ("%-15s %-10s %-22s %-17s %s\n", hf_miner_get_address (miner),
                   hf_family_to_string (hf_miner_get_family (miner)),
                   hf_miner_get_model (miner) ? hf_miner_get_model (miner) : "—",
                   hf_miner_get_mac (miner) ? hf_miner_get_mac (miner) : "—",
                   seen ? seen : "never");
        }
    }
  return 0;
}

static int
export_rows (HfCli       *cli,
             const char  *name,
             const char  *address,
             const char  *format_name,
             const char  *since_text,
             const char  *until_text,
             const char  *resolution_text,
             gint64       default_since)
{
  g_autoptr(HfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  HfExportFormat format;
  HfResolution resolution = HF_RESOLUTION_RAW;
  gint64 since = default_since, until = 0;

  if (g_strcmp0 (format_name, "csv") == 0)
    format = HF_EXPORT_CSV;
  else if (g_strcmp0 (format_name, "json") == 0)
    format = HF_EXPORT_JSON;
  else
    {
      g_printerr ("hashfleet-cli %s: --format must be csv or json\n", name);
      return 2;
    }
  if (resolution_text != NULL && !hf_resolution_parse (resolution_text, &resolution))
    {
      g_printerr ("hashfleet-cli %s: --resolution must be raw, 5m or 1h\n", name);
      return 2;
    }
  if (!parse_time (since_text, &since, &error) || !parse_time (until_text, &until, &error))
    {
      g_printerr ("hashfleet-cli %s: %s\n", name, error->message);
      return 2;
    }

  store = hf_cli_open_store (cli, TRUE);
  if (store == NULL)
    return 1;
  if (hf_store_export (store, stdout, format, address, since, until, resolution, &error) < 0)
    {
      g_printerr ("hashfleet-cli %s: %s\n", name, error->message);
      return 1;
    }
  fflush (stdout);
  return 0;
}

int
hf_cli_export (HfCli  *cli,
               char  **args)
{
  if (args[0] != NULL)
    {
      g_printerr ("hashfleet-cli export: unexpected argument '%s' (use --miner ADDRESS)\n",
                  args[0]);
      return 2;
    }
  return export_rows (cli, "export", cli->miner, cli->format ? cli->format : "csv",
                      cli->since, cli->until, cli->resolution, 0);
}

int
hf_cli_history (HfCli  *cli,
                char  **args)
{
  if (args[0] == NULL || args[1] != NULL)
    {
      g_printerr ("hashfleet-cli history: give one ADDRESS\n");
      return 2;
    }
  /* The last 24 hours unless told otherwise. */
  return export_rows (cli, "history", args[0], cli->format ? cli->format : "csv", cli->since,
                      cli->until, cli->resolution,
                      g_get_real_time () / G_USEC_PER_SEC - 86400);
}
