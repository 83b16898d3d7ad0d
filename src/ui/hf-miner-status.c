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

HfMinerState
hf_miner_state (HfMiner *miner)
{
  if (hf_miner_get_restarting (miner))
    return HF_MINER_STATE_RESTARTING;
  if (hf_miner_get_online (miner))
    return HF_MINER_STATE_ONLINE;
  /* Offline means it missed its polls; before the first poll it is stale. */
  if (hf_miner_get_error (miner) != NULL)
    return HF_MINER_STATE_OFFLINE;
  return HF_MINER_STATE_STALE;
}

/* The core's, which alerts and the API use too: one name everywhere. */
const char *
hf_miner_display_name (HfMiner *miner)
{
  return hf_miner_get_display_name (miner);
}

char *
hf_format_difficulty (double difficulty)
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

const char *
hf_miner_offline_reason (HfMiner *miner)
{
  g_autofree char *error = g_utf8_strdown (hf_miner_get_error (miner) ? hf_miner_get_error (miner)
                                                                       : "", -1);

  /* The core's messages name sockets and phases; people want one word. */
  if (strstr (error, "timed out") != NULL || strstr (error, "in time") != NULL
      || strstr (error, "timeout") != NULL)
    return _("not answering");
  if (strstr (error, "refused") != NULL)
    return _("refusing connections");
  if (strstr (error, "unreachable") != NULL || strstr (error, "no route") != NULL)
    return _("unreachable");
  if (strstr (error, "password") != NULL || strstr (error, "auth") != NULL
      || strstr (error, "401") != NULL)
    return _("refusing the password");
  if (*error != '\0')
    return _("answering with errors");
  return _("not answering");
}

char *
hf_miner_status_text (HfMiner *miner,
                      gint64   now_us)
{
  /* Nothing read yet: "Online" (or "last seen never") would say more
   * than is known. */
  if (hf_miner_get_reading (miner) == NULL && !hf_miner_get_restarting (miner)
      && hf_miner_get_error (miner) == NULL)
    return g_strdup (_("Connecting…"));
  switch (hf_miner_state (miner))
    {
    case HF_MINER_STATE_ONLINE:
      return g_strdup (_("Online"));
    case HF_MINER_STATE_RESTARTING:
      return g_strdup (_("Restarting…"));
    case HF_MINER_STATE_STALE:
      {
        g_autofree char *ago = hf_format_ago (hf_miner_get_last_seen (miner), now_us);
        /* Translators: a miner's numbers are from its last session; %s is "5 min ago" */
        return g_strdup_printf (_("Waiting · last seen %s"), ago);
      }
    case HF_MINER_STATE_OFFLINE:
    default:
      {
        g_autofree char *ago = hf_format_ago (hf_miner_get_last_seen (miner), now_us);
        /* Translators: "Offline · not answering · last seen 5 min ago" */
        return g_strdup_printf (_("Offline · %s · last seen %s"), hf_miner_offline_reason (miner),
                                ago);
      }
    }
}

const char *
hf_miner_state_css_class (HfMinerState state)
{
  switch (state)
    {
    case HF_MINER_STATE_ONLINE: return "success";
    case HF_MINER_STATE_OFFLINE: return "error";
    case HF_MINER_STATE_RESTARTING: return "warning";
    case HF_MINER_STATE_STALE:
    default: return "dim-label";
    }
}

char *
hf_miner_search_text (HfMiner *miner)
{
  g_autofree char *status = NULL;
  const char *state_word;

  switch (hf_miner_state (miner))
    {
    case HF_MINER_STATE_ONLINE: state_word = _("online"); break;
    case HF_MINER_STATE_OFFLINE: state_word = _("offline"); break;
    case HF_MINER_STATE_RESTARTING: state_word = _("restarting"); break;
    case HF_MINER_STATE_STALE:
    default: state_word = _("stale"); break;
    }
  status = g_strjoin (" ",
                      hf_miner_get_hostname (miner) ? hf_miner_get_hostname (miner) : "",
                      hf_miner_get_address (miner) ? hf_miner_get_address (miner) : "",
                      hf_miner_get_model (miner) ? hf_miner_get_model (miner) : "",
                      hf_family_display_name (hf_miner_get_family (miner)),
                      hf_family_to_string (hf_miner_get_family (miner)),
                      state_word, NULL);
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
      return compare_numbers (reading_value (a, field), reading_value (b, field));
    case HF_MINER_FIELD_STATUS:
      return (int) hf_miner_state (a) - (int) hf_miner_state (b);
    default:
      {
        g_autofree char *x = hf_miner_format_field (a, field);
        g_autofree char *y = hf_miner_format_field (b, field);
        return g_utf8_collate (x, y);
      }
    }
}
