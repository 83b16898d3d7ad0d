/* hf-cli-output.c — the status table for people, JSON Lines for scripts
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include <math.h>

#include "hf-cli.h"

static void
print_json (HfCli *cli)
{
  for (guint i = 0; i < cli->jobs->len; i++)
    {
      HfCliJob *job = g_ptr_array_index (cli->jobs, i);
      g_autofree char *line = hf_miner_to_json_line (job->miner, job->address,
                                                     job->error ? job->error->message : NULL);
      g_print ("%s\n", line);
    }
}

/* Width in characters, not bytes ("°C" and "—" are multi-byte). */
static void
cell (GString    *row,
      const char *text,
      int         width)
{
  glong len = g_utf8_strlen (text, -1);

  g_string_append (row, text);
  for (glong i = len; i < width; i++)
    g_string_append_c (row, ' ');
  g_string_append_c (row, ' ');
}

void
hf_cli_print_status (HfCli *cli)
{
  if (cli->json)
    {
      print_json (cli);
      return;
    }

  {
    g_autoptr(GString) header = g_string_new (NULL);
    cell (header, "ADDRESS", 15);
    cell (header, "FAMILY", 10);
    cell (header, "MODEL", 22);
    cell (header, "HASHRATE", 12);
    cell (header, "TEMP", 8);
    cell (header, "POWER", 10);
    cell (header, "FAN", 9);
    cell (header, "UPTIME", 8);
    g_string_append (header, "STATUS");
    g_print ("%s\n", header->str);
  }

  for (guint i = 0; i < cli->jobs->len; i++)
    {
      HfCliJob *job = g_ptr_array_index (cli->jobs, i);
      const HfReading *r = job->miner ? hf_miner_get_reading (job->miner) : NULL;
      g_autoptr(GString) row = g_string_new (NULL);
      g_autofree char *hashrate = hf_format_hashrate (r ? r->hashrate_ghs : NAN);
      g_autofree char *temp = hf_format_value (r ? r->temperature_c : NAN, 1, "°C");
      g_autofree char *power = hf_format_value (r ? r->power_w : NAN, 0, "W");
      g_autofree char *fan = hf_format_value (r ? r->fan_rpm : NAN, 0, "");
      g_autofree char *uptime = hf_format_duration (r ? r->uptime_s : NAN);
      g_autofree char *power_cell = NULL;
      HfFamily family = job->miner ? hf_miner_get_family (job->miner) : HF_FAMILY_UNKNOWN;

      power_cell = r && r->power_estimated ? g_strdup_printf ("~%s", power) : g_strdup (power);
      cell (row, job->address, 15);
      cell (row, family != HF_FAMILY_UNKNOWN ? hf_family_to_string (family) : "—", 10);
      cell (row, job->miner && hf_miner_get_model (job->miner)
                 ? hf_miner_get_model (job->miner) : "—", 22);
      cell (row, hashrate, 12);
      cell (row, temp, 8);
      cell (row, power_cell, 10);
      cell (row, fan, 9);
      cell (row, uptime, 8);
      /* What the miner does, in words ("Hashing", "Paused", "Not hashing"),
       * not a bare "online" for a miner that may be at 0 H/s. */
      g_string_append (row, job->error ? job->error->message
                            : hf_state_label (job->miner ? hf_miner_get_state (job->miner)
                                                         : HF_STATE_OFFLINE));
      g_print ("%s\n", row->str);
    }
}

/* --stats */

struct _HfCliStats
{
  HfFleet       *fleet;
  HfLoopMonitor *monitor;
  gint64         cpu_at_start;
  gint64         sys_at_start;
  gulong         handler;
};

/* A cycle's cost counts from its start. */
static void
cycle_running_cb (HfFleet    *fleet,
                  GParamSpec *pspec,
                  HfCliStats *stats)
{
  if (!hf_fleet_get_cycle_running (fleet))
    return;
  stats->cpu_at_start = hf_process_cpu_us ();
  stats->sys_at_start = hf_process_sys_us ();
  hf_loop_monitor_take_max_stall (stats->monitor);
  hf_loop_monitor_take_max_busy (stats->monitor);
}

HfCliStats *
hf_cli_stats_new (HfFleet *fleet)
{
  HfCliStats *stats = g_new0 (HfCliStats, 1);

  stats->fleet = g_object_ref (fleet);
  stats->monitor = hf_loop_monitor_new ();
  stats->cpu_at_start = hf_process_cpu_us ();
  stats->sys_at_start = hf_process_sys_us ();
  stats->handler = g_signal_connect (fleet, "notify::cycle-running",
                                     G_CALLBACK (cycle_running_cb), stats);
  return stats;
}

void
hf_cli_stats_print (HfCliStats *stats,
                    guint       cycle,
                    guint       polled,
                    guint       answered,
                    guint       elapsed_ms)
{
  g_printerr ("{\"cycle\":%u,\"polled\":%u,\"answered\":%u,\"wall_ms\":%u,\"cpu_ms\":%.1f,"
              "\"sys_ms\":%.1f,\"rss_kib\":%" G_GSIZE_FORMAT ",\"fds\":%u,\"max_stall_ms\":%.1f,"
              "\"max_busy_ms\":%.1f}\n",
              cycle, polled, answered, elapsed_ms,
              (hf_process_cpu_us () - stats->cpu_at_start) / 1000.0,
              (hf_process_sys_us () - stats->sys_at_start) / 1000.0, hf_process_rss_kib (),
              hf_process_open_fds (), hf_loop_monitor_take_max_stall (stats->monitor),
              hf_loop_monitor_take_max_busy (stats->monitor));
}

void
hf_cli_stats_free (HfCliStats *stats)
{
  g_clear_signal_handler (&stats->handler, stats->fleet);
  g_object_unref (stats->fleet);
  hf_loop_monitor_free (stats->monitor);
  g_free (stats);
}
