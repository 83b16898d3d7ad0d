/* hf-cli-energy.c — hashfleet-cli energy: what the miners drew, from the store
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>

#include "hf-cli.h"

static void
print_money (const HfEnergyTotals *t,
             HfTariff             *tariff)
{
  if (tariff != NULL)
    g_print ("  %s %.2f", hf_tariff_get_currency (tariff), t->cost);
  g_print ("\n");
}

/* --group: only the miners at these addresses (NULL: all). */
static gboolean
shown (GHashTable          *only,
       const HfMinerEnergy *m)
{
  return only == NULL || g_hash_table_contains (only, m->address);
}

static void
add_totals (HfEnergyTotals       *sum,
            const HfEnergyTotals *t)
{
  sum->kwh += t->kwh;
  sum->kwh_measured += t->kwh_measured;
  sum->kwh_estimated += t->kwh_estimated;
  sum->kwh_source_unknown += t->kwh_source_unknown;
  sum->cost += t->cost;
}

static void
print_table (HfEnergyReport *report,
             GHashTable     *only,
             const char     *group)
{
  HfTariff *tariff = hf_energy_report_get_tariff (report);
  const HfEnergyTotals *fleet = hf_energy_report_get_fleet (report);
  HfEnergyTotals sum = { 0, };
  gint64 start = hf_energy_report_get_since (report), end = hf_energy_report_get_until (report);
  double span = (double) (end - start);
  g_autoptr(GDateTime) since = g_date_time_new_from_unix_local (start);
  g_autoptr(GDateTime) until = g_date_time_new_from_unix_local (end);
  g_autofree char *from = g_date_time_format (since, "%Y-%m-%d %H:%M:%S");
  g_autofree char *to = g_date_time_format (until, "%Y-%m-%d %H:%M:%S");

  g_print ("%-15s %-22s %12s %12s %9s%s\n", "ADDRESS", "MODEL", "kWh", "ESTIMATED", "DATA",
           tariff != NULL ? "  COST" : "");
  for (guint i = 0; i < hf_energy_report_get_n_miners (report); i++)
    {
      const HfMinerEnergy *m = hf_energy_report_get_miner (report, i);
      g_autofree char *model = NULL;

      if (!shown (only, m))
        continue;
      add_totals (&sum, &m->totals);
      model = g_strdup_printf ("%s%s", m->model ? m->model : "—", m->removed ? " (removed)" : "");

      g_print ("%-15s %-22s %12.3f %12.3f %8.1f%%", m->address, model, m->totals.kwh,
               m->totals.kwh_estimated, 100 * m->totals.covered_s / span);
      print_money (&m->totals, tariff);
    }
  if (only != NULL)
    fleet = &sum;
  g_print ("%-15s %-22s %12.3f %12.3f %9s", only != NULL ? "GROUP" : "FLEET",
           only != NULL ? group : "", fleet->kwh, fleet->kwh_estimated, "");
  print_money (fleet, tariff);
  g_print ("\nfrom %s to %s; readings more than %" G_GINT64_FORMAT " s apart are no data "
           "(DATA: the part of the time with power known)%s\n", from, to,
           hf_energy_report_get_gap_limit (report),
           fleet->kwh_source_unknown > 0 ? "; some energy is from roll-ups that do not say "
                                           "whether it was measured" : "");
}

/* The report's JSON for the group's miners only: "miners" keeps theirs,
 * "fleet" becomes their sum, and "group" names it. */
static void
restrict_json (HfEnergyReport *report,
               JsonNode       *root,
               GHashTable     *only,
               const char     *group)
{
  JsonObject *o = json_node_get_object (root);
  JsonArray *miners = json_object_get_array_member (o, "miners");
  JsonObject *fleet = json_object_get_object_member (o, "fleet");
  g_autoptr(JsonArray) kept = json_array_new ();
  HfEnergyTotals sum = { 0, };

  for (guint i = 0; i < hf_energy_report_get_n_miners (report); i++)
    {
      const HfMinerEnergy *m = hf_energy_report_get_miner (report, i);

      if (!shown (only, m))
        continue;
      add_totals (&sum, &m->totals);
      if (miners != NULL && i < json_array_get_length (miners))
        json_array_add_element (kept, json_node_copy (json_array_get_element (miners, i)));
    }
  json_object_set_array_member (o, "miners", json_array_ref (kept));
  if (fleet != NULL)
    {
      json_object_set_double_member (fleet, "kwh", sum.kwh);
      json_object_set_double_member (fleet, "kwh_measured", sum.kwh_measured);
      json_object_set_double_member (fleet, "kwh_estimated", sum.kwh_estimated);
      json_object_set_double_member (fleet, "kwh_source_unknown", sum.kwh_source_unknown);
      if (json_object_has_member (fleet, "cost")
          && !json_node_is_null (json_object_get_member (fleet, "cost")))
        json_object_set_double_member (fleet, "cost", sum.cost);
    }
  json_object_set_string_member (o, "group", group);
}

int
hf_cli_energy (HfCli  *cli,
               char  **args)
{
  g_autoptr(HfStore) store = NULL;
  g_autoptr(HfEnergyReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC, day_end;
  HfEnergyQuery q = { 0, };
  g_autoptr(GHashTable) only = NULL;

  if (args[0] != NULL)
    {
      g_printerr ("hashfleet-cli energy: unexpected argument '%s' (use --miner ADDRESS)\n",
                  args[0]);
      return 2;
    }
  hf_energy_period_bounds (HF_ENERGY_DAY, NULL, now, &q.since, &day_end);
  q.until = now + 1;
  if (!hf_export_parse_time (cli->since, &q.since, &error)
      || !hf_export_parse_time (cli->until, &q.until, &error))
    {
      g_printerr ("hashfleet-cli energy: %s\n", error->message);
      return 2;
    }
  q.address = cli->miner;
  if (cli->group != NULL)
    {
      g_auto(GStrv) addresses = g_new0 (char *, 1);

      if (!hf_cli_expand_group (cli, "energy", &addresses))
        return 1;
      only = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; addresses[i] != NULL; i++)
        g_hash_table_add (only, g_strdup (addresses[i]));
    }
  q.tariff = cli->tariff;

  store = hf_cli_open_store (cli, TRUE);
  if (store == NULL)
    return 1;
  report = hf_energy_compute (store, &q, &error);
  if (report == NULL)
    {
      g_printerr ("hashfleet-cli energy: %s\n", error->message);
      return g_error_matches (error, HF_ERROR, HF_ERROR_INVALID) ? 2 : 1;
    }
  if (cli->miner != NULL && hf_energy_report_get_n_miners (report) == 0)
    {
      g_printerr ("hashfleet-cli energy: no miner at %s in the store\n", cli->miner);
      return 1;
    }
  if (cli->json)
    {
      g_autoptr(JsonNode) root = hf_energy_report_to_json (report);
      g_autofree char *text = NULL;

      if (only != NULL)
        restrict_json (report, root, only, cli->group);
      text = json_to_string (root, FALSE);

      g_print ("%s\n", text);
    }
  else
    print_table (report, only, cli->group);
  return 0;
}
