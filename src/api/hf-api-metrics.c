/* hf-api-metrics.c
 * SPDX-License-Identifier: MIT
 *
 * Prometheus text exposition format 0.0.4: one HELP and one TYPE line per
 * metric family, then its samples; label values escape backslash, double
 * quote and newline.  Base units as Prometheus names them: hashes per
 * second, watts, celsius, seconds.  Built from memory only: a scrape never
 * waits on a miner.
 */
#include <math.h>

#include "hf-api-metrics.h"

typedef enum { GAUGE, COUNTER } Kind;

typedef struct
{
  const char *name;
  Kind        kind;
  const char *help;
} Family;

static void
append_escaped (GString    *out,
                const char *value)
{
  for (const char *p = value ? value : ""; *p != '\0'; p++)
    {
      if (*p == '\\')
        g_string_append (out, "\\\\");
      else if (*p == '"')
        g_string_append (out, "\\\"");
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
}

static void
append_value (GString *out,
              double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, ' ');
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.15g", value));
  g_string_append_c (out, '\n');
}

static void
header (GString      *out,
        const Family *f)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name,
                          f->kind == GAUGE ? "gauge" : "counter");
}

static void
miner_labels (GString *out,
              HfMiner *m)
{
  g_string_append (out, "{address=\"");
  append_escaped (out, hf_miner_get_address (m));
  g_string_append (out, "\",hostname=\"");
  append_escaped (out, hf_miner_get_hostname (m));
  g_string_append (out, "\",model=\"");
  append_escaped (out, hf_miner_get_model (m));
  g_string_append (out, "\",family=\"");
  append_escaped (out, hf_family_to_string (hf_miner_get_family (m)));
  g_string_append_c (out, '"');
}

enum {
  M_ONLINE, M_STATE, M_HASHRATE, M_EXPECTED, M_TEMPERATURE, M_POWER, M_FAN, M_UPTIME,
  M_ACCEPTED, M_REJECTED, M_BEST_DIFFICULTY, M_BLOCKS_FOUND, N_MINER_FAMILIES
};

static const Family miner_families[N_MINER_FAMILIES] = {
  [M_ONLINE] = { "hashfleet_miner_online", GAUGE, "1 when the miner answered its last polls, 0 when offline." },
  [M_STATE] = { "hashfleet_miner_state", GAUGE, "1 for the state the miner is in, 0 for the others (hashing, fallback-pool, not-hashing, paused, overheated, power-fault, updating, offline, restarting, unknown)." },
  [M_HASHRATE] = { "hashfleet_miner_hashrate_hashes_per_second", GAUGE, "Current hashrate." },
  [M_EXPECTED] = { "hashfleet_miner_expected_hashrate_hashes_per_second", GAUGE, "Hashrate the miner should reach." },
  [M_TEMPERATURE] = { "hashfleet_miner_temperature_celsius", GAUGE, "Hottest chip (or board) temperature." },
  [M_POWER] = { "hashfleet_miner_power_watts", GAUGE, "Power draw; estimated=\"true\" when taken from the model's typical efficiency." },
  [M_FAN] = { "hashfleet_miner_fan_rpm", GAUGE, "Fastest fan." },
  [M_UPTIME] = { "hashfleet_miner_uptime_seconds", GAUGE, "Time since the miner's last start." },
  [M_ACCEPTED] = { "hashfleet_miner_shares_accepted_total", COUNTER, "Shares the pool accepted since the miner started." },
  [M_REJECTED] = { "hashfleet_miner_shares_rejected_total", COUNTER, "Shares the pool rejected since the miner started." },
  [M_BEST_DIFFICULTY] = { "hashfleet_miner_best_difficulty", GAUGE, "Best share difficulty the miner reports (all time where its firmware keeps it, else since it started)." },
  [M_BLOCKS_FOUND] = { "hashfleet_miner_blocks_found_total", COUNTER, "Blocks Hashfleet has recorded the miner finding (unlike the firmware's count, kept across reboots)." },
};

static gboolean
miner_value (HfMiner *m,
             guint    family,
             double  *value)
{
  const HfReading *r = hf_miner_get_reading (m);

  if (family == M_ONLINE)
    {
      *value = hf_miner_get_online (m) ? 1 : 0;
      return TRUE;
    }
  /* A counter does not go away while its miner is down. */
  if (family == M_BLOCKS_FOUND)
    {
      *value = hf_miner_get_blocks_found (m);
      return TRUE;
    }
  /* The numbers of a miner that is not answering are not current. */
  if (r == NULL || !hf_miner_get_online (m))
    return FALSE;
  switch (family)
    {
    case M_HASHRATE: *value = r->hashrate_ghs * 1e9; break;
    case M_EXPECTED: *value = r->expected_hashrate_ghs * 1e9; break;
    case M_TEMPERATURE: *value = r->temperature_c; break;
    case M_POWER: *value = r->power_w; break;
    case M_FAN: *value = r->fan_rpm; break;
    case M_UPTIME: *value = r->uptime_s; break;
    case M_ACCEPTED: *value = r->accepted; break;
    case M_REJECTED: *value = r->rejected; break;
    case M_BEST_DIFFICULTY: *value = r->best_difficulty; break;
    default: return FALSE;
    }
  return isfinite (*value);
}

static void
fleet_gauge (GString    *out,
             const char *name,
             const char *help,
             double      value)
{
  Family f = { name, GAUGE, help };

  if (!isfinite (value))
    return;
  header (out, &f);
  g_string_append (out, name);
  append_value (out, value);
}

/* Each miner's energy since the start, measured and estimated apart, and
 * the fleet's today and this month. */
static void
energy_metrics (GString       *out,
                HfFleet       *fleet,
                HfEnergyMeter *energy)
{
  static const Family counter = { "hashfleet_energy_kwh_total", COUNTER, "Energy the miner drew since this Hashfleet started, integrated from its power readings (nothing counted across a gap of more than three poll intervals); source=\"measured\" or \"estimated\" as its power was.  Starts again at 0 with the process." };
  static const Family fleet_kwh = { "hashfleet_fleet_energy_kwh", GAUGE, "Energy the fleet drew today and this month so far (period), from the recorded history." };
  static const Family fleet_cost = { "hashfleet_fleet_energy_cost", GAUGE, "What that energy cost at the tariff's prices, in its currency." };
  GListModel *model = G_LIST_MODEL (fleet);
  HfEnergyReport *periods[] = { hf_energy_meter_get_today (energy),
                                hf_energy_meter_get_month (energy) };
  const char *const names[] = { "today", "month" };
  gboolean priced = FALSE;

  header (out, &counter);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
      g_autoptr(GString) labels = g_string_sized_new (128);
      double kwh[2];

      miner_labels (labels, m);
      hf_energy_meter_get_counters (energy, m, &kwh[0], &kwh[1]);
      for (guint k = 0; k < 2; k++)
        {
          g_string_append (out, counter.name);
          g_string_append_len (out, labels->str, labels->len);
          g_string_append (out, k == 0 ? ",source=\"measured\"}" : ",source=\"estimated\"}");
          append_value (out, kwh[k]);
        }
    }

  if (periods[0] == NULL && periods[1] == NULL)
    return;
  header (out, &fleet_kwh);
  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    if (periods[p] != NULL)
      {
        g_string_append_printf (out, "%s{period=\"%s\"}", fleet_kwh.name, names[p]);
        append_value (out, hf_energy_report_get_fleet (periods[p])->kwh);
      }
  for (guint p = 0; p < G_N_ELEMENTS (periods); p++)
    {
      /* Each in the currency it was computed in. */
      HfTariff *tariff = periods[p] != NULL ? hf_energy_report_get_tariff (periods[p]) : NULL;

      if (tariff == NULL || !isfinite (hf_energy_report_get_fleet (periods[p])->cost))
        continue;
      if (!priced)
        header (out, &fleet_cost);
      priced = TRUE;
      g_string_append_printf (out, "%s{period=\"%s\",currency=\"", fleet_cost.name, names[p]);
      append_escaped (out, hf_tariff_get_currency (tariff));
      g_string_append (out, "\"}");
      append_value (out, hf_energy_report_get_fleet (periods[p])->cost);
    }
}

char *
hf_api_metrics_text (HfFleet            *fleet,
                     HfEnergyMeter      *energy,
                     const HfApiTimings *timings)
{
  GString *out = g_string_sized_new (4096);
  GListModel *model = G_LIST_MODEL (fleet);
  guint n = g_list_model_get_n_items (model);

  g_return_val_if_fail (HF_IS_FLEET (fleet), NULL);

  for (guint f = 0; f < N_MINER_FAMILIES; f++)
    {
      header (out, &miner_families[f]);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
          double value;

          /* One series per state, 1 for the miner's: what Prometheus users
           * know from kube-state-metrics, and what sum by (state) counts. */
          if (f == M_STATE)
            {
              /* Ten lines a miner, so its labels are escaped once and the
               * values need no number formatting. */
              g_autoptr(GString) labels = g_string_sized_new (128);
              HfState state = hf_miner_get_state (m);

              miner_labels (labels, m);
              for (guint st = 0; st < HF_N_STATES; st++)
                {
                  g_string_append (out, miner_families[f].name);
                  g_string_append_len (out, labels->str, labels->len);
                  g_string_append (out, ",state=\"");
                  g_string_append (out, hf_state_to_string (st));
                  g_string_append (out, state == st ? "\"} 1\n" : "\"} 0\n");
                }
              continue;
            }
          if (!miner_value (m, f, &value))
            continue;
          g_string_append (out, miner_families[f].name);
          miner_labels (out, m);
          if (f == M_POWER)
            g_string_append_printf (out, ",estimated=\"%s\"",
                                    hf_miner_get_reading (m)->power_estimated ? "true" : "false");
          g_string_append_c (out, '}');
          append_value (out, value);
        }
    }

  fleet_gauge (out, "hashfleet_fleet_hashrate_hashes_per_second",
               "Total hashrate of the online miners.", hf_fleet_get_hashrate_ghs (fleet) * 1e9);
  fleet_gauge (out, "hashfleet_fleet_power_watts",
               "Total power of the online miners (partly estimated when some do not report it).",
               hf_fleet_get_power_w (fleet));
  fleet_gauge (out, "hashfleet_fleet_efficiency_joules_per_terahash",
               "Fleet power over fleet hashrate.", hf_fleet_get_efficiency_j_th (fleet));
  fleet_gauge (out, "hashfleet_fleet_hottest_celsius", "Hottest online miner.",
               hf_fleet_get_hottest_c (fleet));
  fleet_gauge (out, "hashfleet_fleet_best_difficulty",
               "Best share difficulty any miner reports.", hf_fleet_get_best_difficulty (fleet));
  fleet_gauge (out, "hashfleet_fleet_network_difficulty",
               "Bitcoin's difficulty, as the miners that read it report it.",
               hf_fleet_get_network_difficulty (fleet));
  fleet_gauge (out, "hashfleet_fleet_expected_block_seconds",
               "Average time to a block at the fleet's hashrate: difficulty * 2^32 / hashrate.",
               hf_fleet_get_expected_block_seconds (fleet));
  fleet_gauge (out, "hashfleet_fleet_block_chance_per_day_ratio",
               "Chance of at least one block in a day at the fleet's hashrate.",
               hf_fleet_get_block_chance_per_day (fleet));
  {
    static const Family blocks = { "hashfleet_fleet_blocks_found_total", COUNTER, "Blocks Hashfleet has recorded the fleet's miners finding." };
    header (out, &blocks);
    g_string_append (out, "hashfleet_fleet_blocks_found_total");
    append_value (out, hf_fleet_get_blocks_found (fleet));
  }
  {
    static const Family miners = { "hashfleet_fleet_miners", GAUGE, "Miners in the fleet, by state." };
    header (out, &miners);
    g_string_append (out, "hashfleet_fleet_miners{state=\"online\"}");
    append_value (out, hf_fleet_get_online_count (fleet));
    g_string_append (out, "hashfleet_fleet_miners{state=\"offline\"}");
    append_value (out, hf_fleet_get_offline_count (fleet));
  }
  {
    static const Family hashing = { "hashfleet_fleet_miners_hashing", GAUGE, "Online miners that hash (on their first pool or a fallback one)." };
    static const Family by_state = { "hashfleet_fleet_miners_in_state", GAUGE, "Miners in the fleet by what they do (the states of hashfleet_miner_state; they add up to the fleet)." };
    guint counts[HF_N_STATES] = { 0, };

    header (out, &hashing);
    g_string_append (out, "hashfleet_fleet_miners_hashing");
    append_value (out, hf_fleet_get_hashing_count (fleet));
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
        counts[hf_miner_get_state (m)]++;
      }
    header (out, &by_state);
    for (guint st = 0; st < HF_N_STATES; st++)
      {
        g_string_append_printf (out, "hashfleet_fleet_miners_in_state{state=\"%s\"}",
                                hf_state_to_string (st));
        append_value (out, counts[st]);
      }
  }

  if (energy != NULL)
    energy_metrics (out, fleet, energy);

  if (timings != NULL)
    {
      static const Family cycles = { "hashfleet_poll_cycles_total", COUNTER, "Poll cycles finished." };
      static const Family scans = { "hashfleet_discover_scans_total", COUNTER, "Discover scans finished through the API." };

      header (out, &cycles);
      g_string_append (out, "hashfleet_poll_cycles_total");
      append_value (out, (double) timings->cycles);
      if (timings->cycles > 0)
        {
          fleet_gauge (out, "hashfleet_poll_cycle_seconds", "Wall time of the last poll cycle.",
                       timings->last_cycle_s);
          fleet_gauge (out, "hashfleet_poll_cycle_answered", "Miners that answered in the last cycle.",
                       timings->last_answered);
        }
      header (out, &scans);
      g_string_append (out, "hashfleet_discover_scans_total");
      append_value (out, (double) timings->scans);
      if (timings->scans > 0)
        fleet_gauge (out, "hashfleet_discover_scan_seconds", "Wall time of the last scan.",
                     timings->last_scan_s);
    }
  return g_string_free (out, FALSE);
}
