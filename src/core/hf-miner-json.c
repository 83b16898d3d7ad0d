/* hf-miner-json.c
 * SPDX-License-Identifier: MIT
 *
 * Written by hand rather than with JsonGenerator: json-glib prints doubles
 * with %.17g, so 17.8 W would read 17.800000000000001, and building a tree
 * per line costs more than the line (watch --json writes a thousand per
 * cycle).  Strings from miners are valid UTF-8 (the parser made sure), so
 * escaping is the RFC 8259 minimum: quote, backslash, control characters.
 */
#include <math.h>

#include "hf-miner-json.h"

static void
add_key (GString    *out,
         const char *key)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  g_string_append_printf (out, "\"%s\":", key);
}

static void
add_string (GString    *out,
            const char *key,
            const char *value)
{
  add_key (out, key);
  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) *p);
        }
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, '"');
}

/* Readings are measurements: three decimals are more than any miner
 * resolves. */
static void
add_number (GString    *out,
            const char *key,
            double      value,
            gboolean    integer)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  add_key (out, key);
  if (isnan (value) || !isfinite (value))
    g_string_append (out, "null");
  else if (integer && fabs (value) < 9e15)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) llround (value));
  else
    {
      g_ascii_formatd (buf, sizeof buf, "%.15g", round (value * 1000.0) / 1000.0);
      g_string_append (out, buf);
    }
}

static void
add_bool (GString    *out,
          const char *key,
          int         value)   /* -1: unknown */
{
  add_key (out, key);
  g_string_append (out, value < 0 ? "null" : value ? "true" : "false");
}

/* Whole seconds since the epoch; null for 0 (never). */
static void
add_time (GString    *out,
          const char *key,
          gint64      us)
{
  add_number (out, key, us > 0 ? (double) (us / G_USEC_PER_SEC) : NAN, TRUE);
}

char *
hf_miner_to_json_line (HfMiner    *miner,
                       const char *address,
                       const char *error)
{
  GString *out = g_string_new ("{");
  const HfReading *r = miner ? hf_miner_get_reading (miner) : NULL;
  HfFamily family = miner ? hf_miner_get_family (miner) : HF_FAMILY_UNKNOWN;
  gboolean online = miner != NULL && error == NULL && r != NULL;
  HfState state = miner ? hf_miner_get_state (miner) : HF_STATE_OFFLINE;
  gint64 since = miner ? hf_miner_get_state_since (miner) : 0;
  double nan = NAN;

  /* A line that says offline says so in its state too (a restart we asked
   * for still explains it); offline since the last answer. */
  if (!online && state != HF_STATE_RESTARTING)
    {
      state = HF_STATE_OFFLINE;
      since = miner ? hf_miner_get_last_seen (miner) : 0;
    }

  add_string (out, "ip", miner ? hf_miner_get_address (miner) : address);
  /* When the reading was taken (what the store keys it by). */
  add_time (out, "time", r ? r->timestamp : 0);
  add_string (out, "family", family != HF_FAMILY_UNKNOWN ? hf_family_to_string (family) : NULL);
  add_string (out, "model", miner ? hf_miner_get_model (miner) : NULL);
  add_string (out, "firmware", miner ? hf_miner_get_firmware (miner) : NULL);
  add_string (out, "hostname", miner ? hf_miner_get_hostname (miner) : NULL);
  /* The name the user gave it (Rename… in the app), else null. */
  add_string (out, "label", miner ? hf_miner_get_label (miner) : NULL);
  add_string (out, "mac", miner ? hf_miner_get_mac (miner) : NULL);
  add_bool (out, "online", online);
  add_string (out, "state", hf_state_to_string (state));
  add_time (out, "state_since", since);
  add_number (out, "hashrate_ghs", r ? r->hashrate_ghs : nan, FALSE);
  add_number (out, "expected_hashrate_ghs", r ? r->expected_hashrate_ghs : nan, FALSE);
  add_number (out, "temperature_c", r ? r->temperature_c : nan, FALSE);
  add_number (out, "chip2_temp_c", r ? r->chip2_temp_c : nan, FALSE);
  add_number (out, "vr_temp_c", r ? r->vr_temp_c : nan, FALSE);
  add_number (out, "power_w", r ? r->power_w : nan, FALSE);
  add_bool (out, "power_estimated", r != NULL && !isnan (r->power_w) ? r->power_estimated : -1);
  add_number (out, "fan_rpm", r ? r->fan_rpm : nan, TRUE);
  add_number (out, "fan_percent", r ? r->fan_percent : nan, FALSE);
  add_number (out, "frequency_mhz", r ? r->frequency_mhz : nan, FALSE);
  add_number (out, "uptime_s", r ? r->uptime_s : nan, TRUE);
  add_number (out, "accepted", r ? r->accepted : nan, TRUE);
  add_number (out, "rejected", r ? r->rejected : nan, TRUE);
  add_number (out, "error_percent", r ? r->error_percent : nan, FALSE);
  add_number (out, "best_difficulty", r ? r->best_difficulty : nan, TRUE);
  add_number (out, "best_session_difficulty", r ? r->best_session_difficulty : nan, TRUE);
  add_number (out, "pool_difficulty", r ? r->pool_difficulty : nan, FALSE);
  add_number (out, "network_difficulty", r ? r->network_difficulty : nan, FALSE);
  add_number (out, "found_blocks", r ? r->found_blocks : nan, TRUE);
  add_number (out, "blocks_found", miner ? hf_miner_get_blocks_found (miner) : nan, TRUE);
  add_string (out, "pool_url", r ? r->pool_url : NULL);
  add_number (out, "power_limit_w", r ? r->power_limit_w : nan, FALSE);
  add_string (out, "preset", r ? r->preset : NULL);
  add_string (out, "fault", r ? r->fault : NULL);
  add_string (out, "error", error);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
