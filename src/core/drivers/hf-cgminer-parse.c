/* hf-cgminer-parse.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-limits.h"

double
hf_cgminer_section_hashrate (JsonObject *section,
                             const char *window)
{
  /* Never assume the unit: the key's prefix says it. */
  static const struct { const char *prefix; double to_ghs; } units[] = {
    { "GHS", 1.0 }, { "MHS", 1e-3 }, { "THS", 1e3 }, { "KHS", 1e-6 },
  };

  if (section == NULL)
    return NAN;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autofree char *key = g_strdup_printf ("%s %s", units[i].prefix, window);
      double v = hf_json_number (section, key);

      if (!isnan (v))
        return v * units[i].to_ghs;
    }
  return NAN;
}

void
hf_cgminer_read_summary (JsonObject *summary,
                         HfReading  *r)
{
  static const char *current[] = { "5s", "1m", "5m", "15m", "av" };

  if (summary == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (current) && isnan (r->hashrate_ghs); i++)
    r->hashrate_ghs = hf_cgminer_section_hashrate (summary, current[i]);
  r->hashrate_avg_ghs = hf_cgminer_section_hashrate (summary, "av");
  r->uptime_s = hf_json_number (summary, "Elapsed");
  r->accepted = hf_json_number (summary, "Accepted");
  r->rejected = hf_json_number (summary, "Rejected");
  r->hardware_errors = hf_json_number (summary, "Hardware Errors");
  hf_cgminer_read_luck (summary, r);
}

void
hf_cgminer_read_luck (JsonObject *summary,
                      HfReading  *r)
{
  /* cgminer keeps its best share since it started, and no all-time one:
   * it is the best the miner reports either way. */
  r->best_difficulty = hf_json_number (summary, "Best Share");
  r->best_session_difficulty = r->best_difficulty;
  r->found_blocks = hf_json_number (summary, "Found Blocks");
}

/* What the pool asks of a share: the stratum difficulty, else the last
 * share's, else Bitmain's "Diff" ("524K"); 0 is none yet. */
static double
pool_difficulty (JsonObject *pool)
{
  static const char *keys[] = { "Stratum Difficulty", "Work Difficulty", "Last Share Difficulty" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      double v = hf_json_number (pool, keys[i]);

      if (v > 0)
        return v;
    }
  return hf_json_si_number (pool, "Diff");
}

void
hf_cgminer_read_pools (JsonObject *pools_reply,
                       HfReading  *r)
{
  JsonArray *pools = NULL;
  JsonNode *node;
  JsonObject *best = NULL;
  double best_priority = INFINITY;
  double best_index = 0;
  double first_priority = INFINITY;

  if (pools_reply == NULL)
    return;
  node = hf_json_member_nocase (pools_reply, "POOLS");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  pools = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (pools); i++)
    {
      JsonNode *element = json_array_get_element (pools, i);
      JsonObject *pool;
      const char *status;
      double priority;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      pool = json_node_get_object (element);
      status = hf_json_string (pool, "Status");
      priority = hf_json_number (pool, "Priority");
      if (isnan (priority))
        priority = i;
      first_priority = MIN (first_priority, priority);
      if (hf_json_number (pool, "Stratum Active") == 1.0)
        {
          /* The first active one is in use (the others may still be
           * connected); the rest of the list only says which is first. */
          if (best == NULL || best_priority != -INFINITY)
            {
              best = pool;
              best_priority = -INFINITY;
              best_index = priority;
            }
          continue;
        }
      if (best_priority == -INFINITY)
        continue;
      if (best == NULL || (g_strcmp0 (status, "Alive") == 0 && priority < best_priority))
        {
          best = pool;
          best_priority = g_strcmp0 (status, "Alive") == 0 ? priority : INFINITY;
          best_index = priority;
        }
    }
  if (best == NULL)
    return;
  /* In use and not the first (the pool of highest priority): the miner
   * fell back.  Only an active pool says so; one guessed from Status does
   * not. */
  r->fallback_pool = best_priority == -INFINITY && best_index > first_priority;
  r->pool_difficulty = pool_difficulty (best);
  g_free (r->pool_url);
  r->pool_url = hf_json_dup_string (best, "URL");
  g_free (r->pool_user);
  r->pool_user = hf_json_dup_string (best, "User");
}

HfReading *
hf_cgminer_parse_reading (JsonObject  *summary_reply,
                          JsonObject  *pools_reply,
                          GError     **error)
{
  g_autoptr(HfReading) r = hf_reading_new ();
  JsonObject *summary = hf_cgminer_section (summary_reply, "SUMMARY", 0);

  if (summary == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL, "summary reply has no SUMMARY");
      return NULL;
    }
  hf_cgminer_read_summary (summary, r);
  hf_cgminer_read_pools (pools_reply, r);
  hf_reading_finish (r);
  return g_steal_pointer (&r);
}
