/* hf-miner-status.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "hf-miner-status.h"

gboolean
hf_miner_is_hot (HfMiner *miner,
                 double   hot_c)
{
  double t = hf_miner_get_temperature_c (miner);

  return hf_reading_known (t) && t > hot_c;
}

gboolean
hf_miner_field_is_hot (HfMiner      *miner,
                       HfMinerField  field,
                       double        hot_c)
{
  const HfReading *r = hf_miner_get_reading (miner);
  double t;

  if (r == NULL)
    return FALSE;
  switch (field)
    {
    case HF_MINER_FIELD_TEMPERATURE: t = r->temperature_c; break;
    case HF_MINER_FIELD_CHIP2_TEMPERATURE: t = r->chip2_temp_c; break;
    case HF_MINER_FIELD_VR_TEMPERATURE: t = r->vr_temp_c; hot_c = HF_VR_HOT_C; break;
    default: return FALSE;
    }
  return hf_reading_known (t) && t > hot_c;
}

HfState
hf_miner_state (HfMiner *miner)
{
  HfState state = hf_miner_get_state (miner);

  /* A fleet puts its miners in order (with the shares it counted); a
   * miner on its own, as a card in a test or a preview, says it itself. */
  if (state == HF_STATE_UNKNOWN)
    state = hf_state_compute (hf_miner_get_online (miner), hf_miner_get_restarting (miner),
                              hf_miner_get_reading (miner), FALSE);
  return state;
}

/* The core's, which alerts and the API use too: one name everywhere. */
const char *
hf_miner_display_name (HfMiner *miner)
{
  return hf_miner_get_display_name (miner);
}

char *
hf_format_difficulty_ui (double difficulty)
{
  static const char * const prefixes[] = { "", " k", " M", " G", " T", " P", " E" };
  guint p = 0;
  double v = difficulty;

  if (!hf_reading_known (difficulty) || difficulty < 0)
    return g_strdup ("—");
  /* Round first, so 999 999 reads "1.00 M", never "1000 k". */
  while (v >= 999.5 && p + 1 < G_N_ELEMENTS (prefixes))
    v /= 1000, p++;
  if (p == 0)
    return g_strdup_printf ("%.0f", v);
  return g_strdup_printf ("%.*f%s", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v, prefixes[p]);
}

char *
hf_format_ago (gint64 then_us,
               gint64 now_us)
{
  gint64 s = (now_us - then_us) / G_USEC_PER_SEC;

  if (then_us <= 0)
    return g_strdup (_("never"));
  if (s < 60)
    return g_strdup (_("just now"));
  if (s < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min ago", "%d min ago",
                                         (gulong) (s / 60)), (int) (s / 60));
  if (s < 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago",
                                         (gulong) (s / 3600)), (int) (s / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago",
                                       (gulong) (s / 86400)), (int) (s / 86400));
}

/* "14:05" today, "Thu 14:05" this week, else the date. */
static char *
format_since (gint64 then_us,
              gint64 now_us)
{
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (then_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_us / G_USEC_PER_SEC);

  if (then == NULL || now == NULL)
    return g_strdup ("—");
  if (g_date_time_get_year (then) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (then) == g_date_time_get_day_of_year (now))
    return g_date_time_format (then, "%R");
  if (now_us - then_us < (gint64) 6 * 24 * 3600 * G_USEC_PER_SEC)
    /* Translators: when a miner went offline this week (strftime), "Thu 14:05" */
    return g_date_time_format (then, _("%a %R"));
  return g_date_time_format (then, "%x");
}

const char *
hf_miner_offline_reason (HfMiner *miner)
{
  /* The core's messages name sockets and phases, some in the words of the
   * user's language (GIO's): people want one word, told by the code. */
  switch (hf_miner_get_error_code (miner))
    {
    case HF_ERROR_TIMEOUT:
    case HF_ERROR_CONNECT:
      return _("not answering");
    case HF_ERROR_REFUSED:
      return _("refusing connections");
    case HF_ERROR_UNREACHABLE:
      return _("unreachable");
    case HF_ERROR_AUTH:
      return _("refusing the password");
    default:
      break;
    }
  if (hf_miner_get_error (miner) != NULL)
    return _("answering with errors");
  return _("not answering");
}

char *
hf_miner_status_text (HfMiner *miner,
                      gint64   now_us)
{
  HfState state = hf_miner_state (miner);

  /* Nothing read yet: "Online" (or "last seen never") would say more
   * than is known. */
  if (hf_miner_get_reading (miner) == NULL && !hf_miner_get_restarting (miner)
      && hf_miner_get_error (miner) == NULL)
    return g_strdup (_("Connecting…"));
  switch (state)
    {
    case HF_STATE_RESTARTING:
      return g_strdup (_("Restarting…"));
    case HF_STATE_OFFLINE:
      {
        gint64 since = hf_miner_get_state_since (miner);

        /* Restored from the store and not polled yet: it may be fine. */
        if (hf_miner_get_error (miner) == NULL)
          {
            g_autofree char *ago = hf_format_ago (hf_miner_get_last_seen (miner), now_us);
            /* Translators: a miner's numbers are from its last session; %s is "5 min ago" */
            return g_strdup_printf (_("Waiting · last seen %s"), ago);
          }
        if (since <= 0)
          since = hf_miner_get_last_seen (miner);
        if (since <= 0)
          /* Translators: a miner that has never answered; %s is why, "refusing connections" */
          return g_strdup_printf (_("Offline · %s"), hf_miner_offline_reason (miner));
        {
          g_autofree char *when = format_since (since, now_us);
          /* Translators: "Offline since 14:05 · not answering": when the miner last
           * answered, and why it does not */
          return g_strdup_printf (_("Offline since %s · %s"), when,
                                  hf_miner_offline_reason (miner));
        }
      }
    case HF_STATE_UNKNOWN:
    case HF_STATE_HASHING:
    case HF_STATE_FALLBACK_POOL:
    case HF_STATE_NOT_HASHING:
    case HF_STATE_PAUSED:
    case HF_STATE_OVERHEATED:
    case HF_STATE_POWER_FAULT:
    case HF_STATE_UPDATING:
    default:
      return g_strdup (hf_state_label (state));
    }
}

int
hf_miner_status_rank (HfMiner *miner)
{
  /* A fault before a miner that waits, restarts or was paused on purpose;
   * hashing last. */
  static const int rank[HF_N_STATES] = {
    [HF_STATE_OFFLINE] = 0, [HF_STATE_POWER_FAULT] = 1, [HF_STATE_OVERHEATED] = 2,
    [HF_STATE_NOT_HASHING] = 3, [HF_STATE_RESTARTING] = 4, [HF_STATE_UPDATING] = 6,
    [HF_STATE_FALLBACK_POOL] = 7, [HF_STATE_PAUSED] = 8, [HF_STATE_UNKNOWN] = 9,
    [HF_STATE_HASHING] = 10,
  };
  HfState state = hf_miner_state (miner);

  /* Restored and not polled yet: not known to be down. */
  if (state == HF_STATE_OFFLINE && hf_miner_get_error (miner) == NULL)
    return 5;
  return (guint) state < HF_N_STATES ? rank[state] : rank[HF_STATE_UNKNOWN];
}

const char *
hf_miner_state_css_class (HfState state)
{
  static const char *const classes[HF_N_STATES] = {
    [HF_STATE_UNKNOWN] = "hf-state-unknown",
    [HF_STATE_HASHING] = "hf-state-hashing",
    [HF_STATE_FALLBACK_POOL] = "hf-state-fallback-pool",
    [HF_STATE_NOT_HASHING] = "hf-state-not-hashing",
    [HF_STATE_PAUSED] = "hf-state-paused",
    [HF_STATE_OVERHEATED] = "hf-state-overheated",
    [HF_STATE_POWER_FAULT] = "hf-state-power-fault",
    [HF_STATE_UPDATING] = "hf-state-updating",
    [HF_STATE_OFFLINE] = "hf-state-offline",
    [HF_STATE_RESTARTING] = "hf-state-restarting",
  };

  return (guint) state < HF_N_STATES ? classes[state] : classes[HF_STATE_UNKNOWN];
}

char *
hf_miner_search_text (HfMiner *miner)
{
  g_autofree char *status = NULL;
  HfState state = hf_miner_state (miner);

  /* The stable word ("not-hashing"), its label ("Not hashing") and, for
   * every miner that answers, "online", so that each finds it. */
  status = g_strjoin (" ",
                      hf_miner_display_name (miner),
                      hf_miner_get_hostname (miner) ? hf_miner_get_hostname (miner) : "",
                      hf_miner_get_address (miner) ? hf_miner_get_address (miner) : "",
                      hf_miner_get_model (miner) ? hf_miner_get_model (miner) : "",
                      hf_miner_get_firmware (miner) ? hf_miner_get_firmware (miner) : "",
                      hf_family_display_name (hf_miner_get_family (miner)),
                      hf_family_to_string (hf_miner_get_family (miner)),
                      hf_state_to_string (state), hf_state_label (state),
                      state == HF_STATE_OFFLINE ? _("offline")
                      : state == HF_STATE_RESTARTING ? _("restarting") : _("online"),
                      NULL);
  return g_utf8_casefold (status, -1);
}

char *
hf_miner_format_field (HfMiner      *miner,
                       HfMinerField  field)
{
  const HfReading *r = hf_miner_get_reading (miner);

  switch (field)
    {
    case HF_MINER_FIELD_NAME:
      return g_strdup (hf_miner_display_name (miner));
    case HF_MINER_FIELD_MODEL:
      return g_strdup (hf_miner_get_model (miner) ? hf_miner_get_model (miner) : "—");
    case HF_MINER_FIELD_FAMILY:
      return g_strdup (hf_family_display_name (hf_miner_get_family (miner)));
    case HF_MINER_FIELD_ADDRESS:
      return g_strdup (hf_miner_get_address (miner));
    case HF_MINER_FIELD_HASHRATE:
      return hf_format_hashrate (r ? r->hashrate_ghs : NAN);
    case HF_MINER_FIELD_TEMPERATURE:
      return hf_format_value (r ? r->temperature_c : NAN, 1, "°C");
    case HF_MINER_FIELD_POWER:
      if (r != NULL && r->power_estimated && hf_reading_known (r->power_w))
        {
          g_autofree char *w = hf_format_value (r->power_w, 0, "W");
          /* Translators: power estimated from the model, not measured */
          return g_strdup_printf (_("~%s"), w);
        }
      return hf_format_value (r ? r->power_w : NAN, 0, "W");
    case HF_MINER_FIELD_FAN:
      if (r != NULL && hf_reading_known (r->fan_rpm))
        return hf_format_value (r->fan_rpm, 0, _("rpm"));
      return hf_format_value (r ? r->fan_percent : NAN, 0, "%");
    case HF_MINER_FIELD_UPTIME:
      return hf_format_duration (r ? r->uptime_s : NAN);
    case HF_MINER_FIELD_BEST_DIFFICULTY:
      return hf_format_difficulty_ui (r ? r->best_difficulty : NAN);
    case HF_MINER_FIELD_BEST_SESSION:
      return hf_format_difficulty_ui (r ? r->best_session_difficulty : NAN);
    case HF_MINER_FIELD_ACCEPTED:
      return hf_format_value (r ? r->accepted : NAN, 0, NULL);
    case HF_MINER_FIELD_REJECTED:
      return hf_format_value (r ? r->rejected : NAN, 0, NULL);
    case HF_MINER_FIELD_POOL_DIFFICULTY:
      return hf_format_difficulty_ui (r ? r->pool_difficulty : NAN);
    case HF_MINER_FIELD_FIRMWARE:
      return g_strdup (hf_miner_get_firmware (miner) ? hf_miner_get_firmware (miner) : "—");
    case HF_MINER_FIELD_CHIP2_TEMPERATURE:
      return hf_format_value (r ? r->chip2_temp_c : NAN, 1, "°C");
    case HF_MINER_FIELD_VR_TEMPERATURE:
      return hf_format_value (r ? r->vr_temp_c : NAN, 1, "°C");
    case HF_MINER_FIELD_FAN_PERCENT:
      return hf_format_value (r ? r->fan_percent : NAN, 0, "%");
    case HF_MINER_FIELD_STATUS:
      return hf_miner_status_text (miner, g_get_real_time ());
    case HF_N_MINER_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
hf_miner_field_title (HfMinerField field)
{
  switch (field)
    {
    case HF_MINER_FIELD_NAME: return _("Name");
    case HF_MINER_FIELD_MODEL: return _("Model");
    case HF_MINER_FIELD_FAMILY: return _("Family");
    case HF_MINER_FIELD_ADDRESS: return _("Address");
    case HF_MINER_FIELD_HASHRATE: return _("Hashrate");
    case HF_MINER_FIELD_TEMPERATURE: return _("Temperature");
    case HF_MINER_FIELD_POWER: return _("Power");
    case HF_MINER_FIELD_FAN: return _("Fan");
    case HF_MINER_FIELD_UPTIME: return _("Uptime");
    /* Translators: the best share difficulty a miner found, ever */
    case HF_MINER_FIELD_BEST_DIFFICULTY: return _("Best");
    /* Translators: the best share difficulty since the miner started */
    case HF_MINER_FIELD_BEST_SESSION: return _("Best (session)");
    case HF_MINER_FIELD_ACCEPTED: return _("Accepted");
    case HF_MINER_FIELD_REJECTED: return _("Rejected");
    case HF_MINER_FIELD_POOL_DIFFICULTY: return _("Pool difficulty");
    case HF_MINER_FIELD_FIRMWARE: return _("Firmware");
    /* Translators: a second ASIC temperature sensor */
    case HF_MINER_FIELD_CHIP2_TEMPERATURE: return _("Chip 2");
    /* Translators: the voltage regulator's temperature */
    case HF_MINER_FIELD_VR_TEMPERATURE: return _("VR");
    case HF_MINER_FIELD_FAN_PERCENT: return _("Fan %");
    case HF_MINER_FIELD_STATUS: return _("Status");
    case HF_N_MINER_FIELDS:
    default: g_return_val_if_reached (NULL);
    }
}

static int
compare_numbers (double a,
                 double b)
{
  /* Unknown sorts after every known value, whatever the direction. */
  if (!hf_reading_known (a) || !hf_reading_known (b))
    return hf_reading_known (a) ? -1 : hf_reading_known (b) ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

static double
reading_value (HfMiner      *miner,
               HfMinerField  field)
{
  const HfReading *r = hf_miner_get_reading (miner);

  if (r == NULL)
    return NAN;
  switch (field)
    {
    case HF_MINER_FIELD_HASHRATE: return r->hashrate_ghs;
    case HF_MINER_FIELD_TEMPERATURE: return r->temperature_c;
    case HF_MINER_FIELD_POWER: return r->power_w;
    case HF_MINER_FIELD_FAN: return hf_reading_known (r->fan_rpm) ? r->fan_rpm : r->fan_percent;
    case HF_MINER_FIELD_UPTIME: return r->uptime_s;
    case HF_MINER_FIELD_BEST_DIFFICULTY: return r->best_difficulty;
    case HF_MINER_FIELD_BEST_SESSION: return r->best_session_difficulty;
    case HF_MINER_FIELD_ACCEPTED: return r->accepted;
    case HF_MINER_FIELD_REJECTED: return r->rejected;
    case HF_MINER_FIELD_POOL_DIFFICULTY: return r->pool_difficulty;
    case HF_MINER_FIELD_CHIP2_TEMPERATURE: return r->chip2_temp_c;
    case HF_MINER_FIELD_VR_TEMPERATURE: return r->vr_temp_c;
    case HF_MINER_FIELD_FAN_PERCENT: return r->fan_percent;
    default: return NAN;
    }
}

static guint32
address_key (HfMiner *miner)
{
  guint32 a = 0;

  hf_ipv4_parse (hf_miner_get_address (miner), &a);
  return a;
}

int
hf_miner_compare_field (HfMiner      *a,
                        HfMiner      *b,
                        HfMinerField  field)
{
  switch (field)
    {
    case HF_MINER_FIELD_ADDRESS:
      {
        guint32 x = address_key (a), y = address_key (b);
        return x < y ? -1 : x > y ? 1 : g_strcmp0 (hf_miner_get_address (a),
                                                   hf_miner_get_address (b));
      }
    case HF_MINER_FIELD_HASHRATE:
    case HF_MINER_FIELD_TEMPERATURE:
    case HF_MINER_FIELD_POWER:
    case HF_MINER_FIELD_FAN:
    case HF_MINER_FIELD_UPTIME:
    case HF_MINER_FIELD_BEST_DIFFICULTY:
    case HF_MINER_FIELD_BEST_SESSION:
    case HF_MINER_FIELD_ACCEPTED:
    case HF_MINER_FIELD_REJECTED:
    case HF_MINER_FIELD_POOL_DIFFICULTY:
    case HF_MINER_FIELD_CHIP2_TEMPERATURE:
    case HF_MINER_FIELD_VR_TEMPERATURE:
    case HF_MINER_FIELD_FAN_PERCENT:
      return compare_numbers (reading_value (a, field), reading_value (b, field));
    case HF_MINER_FIELD_STATUS:
      return hf_miner_status_rank (a) - hf_miner_status_rank (b);
    default:
      {
        g_autofree char *x = hf_miner_format_field (a, field);
        g_autofree char *y = hf_miner_format_field (b, field);
        return g_utf8_collate (x, y);
      }
    }
}
