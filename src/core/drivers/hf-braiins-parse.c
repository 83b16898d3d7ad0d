/* hf-braiins-parse.c
 * SPDX-License-Identifier: MIT
 *
 * Braiins OS answers the cgminer API on 4028 with the standard reports
 * (MHS units) and a few of its own: temps, fans, tunerstatus.  Only the
 * version reply names the daemon; the firmware release is in the REST API.
 */
#include <math.h>
#include <string.h>

#include "hf-braiins-parse.h"
#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-limits.h"

static gboolean
contains_nocase (const char *text,
                 const char *word)
{
  g_autofree char *upper = NULL;
  g_autofree char *w = NULL;

  if (text == NULL)
    return FALSE;
  upper = g_ascii_strup (text, -1);
  w = g_ascii_strup (word, -1);
  return strstr (upper, w) != NULL;
}

/* The VERSION member naming the daemon, without regard to case. */
static const char *
daemon_member (JsonObject *version,
               const char *name)
{
  JsonNode *node = hf_json_member_nocase (version, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static const char *
description_of (JsonObject *reply)
{
  JsonObject *status = hf_cgminer_section (reply, "STATUS", 0);

  return hf_json_string (status, "Description");
}

HfBraiinsDaemon
hf_braiins_daemon_of (JsonObject *version_reply)
{
  JsonObject *version = hf_cgminer_section (version_reply, "VERSION", 0);
  const char *description = description_of (version_reply);

  if (version_reply == NULL)
    return HF_BRAIINS_NONE;
  if (daemon_member (version, "BOSer") != NULL || contains_nocase (description, "BOSer"))
    return HF_BRAIINS_BOSER;
  /* "BOSminer" (and the 2019 open-source build's "bOSminer"). */
  if (daemon_member (version, "BOSminer") != NULL || contains_nocase (description, "BOSminer"))
    return HF_BRAIINS_BOSMINER;
  return HF_BRAIINS_NONE;
}

/* The last word of "bosminer-plus-am2-s17 0.6.0-fe72abe5": its version. */
static char *
last_word (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  const char *space = strrchr (copy, ' ');
  const char *word = space ? space + 1 : copy;

  if (*word == '\0' || strlen (word) > HF_MAX_FIELD_CHARS)
    return NULL;
  return g_strdup (word);
}

char *
hf_braiins_firmware_name (JsonObject *version_reply)
{
  JsonObject *version = hf_cgminer_section (version_reply, "VERSION", 0);
  const char *description = description_of (version_reply);
  HfBraiinsDaemon daemon = hf_braiins_daemon_of (version_reply);
  const char *value;
  g_autofree char *ver = NULL;
  gboolean plus;

  if (daemon == HF_BRAIINS_NONE)
    return NULL;
  if (daemon == HF_BRAIINS_BOSER)
    {
      /* BOSer's own version; whether it is OS or OS+, and the release, are
       * only in the management APIs. */
      value = daemon_member (version, "BOSer");
      ver = last_word (value != NULL ? value : description != NULL ? description : "");
      return ver != NULL ? g_strdup_printf ("Braiins OS (BOSer %s)", ver)
                         : g_strdup ("Braiins OS (BOSer)");
    }
  value = daemon_member (version, "BOSminer");
  /* "bosminer-plus-…" or "BOSminer+ 0.2.0-…": OS+. */
  plus = contains_nocase (value, "plus") || contains_nocase (description, "BOSminer+")
         || contains_nocase (description, "plus");
  ver = last_word (value != NULL ? value : description != NULL ? description : "");
  return g_strdup_printf ("Braiins OS%s%s%s", plus ? "+" : "", ver ? " " : "", ver ? ver : "");
}

gboolean
hf_braiins_parse_identity (JsonObject  *version_reply,
                           JsonObject  *devdetails_reply,
                           HfMiner     *miner,
                           GError     **error)
{
  JsonObject *details = hf_cgminer_section (devdetails_reply, "DEVDETAILS", 0);
  g_autofree char *firmware = NULL;
  g_autofree char *model = NULL;

  if (version_reply == NULL || !hf_cgminer_check_status (version_reply, NULL)
      || hf_braiins_daemon_of (version_reply) == HF_BRAIINS_NONE)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                           "cgminer API does not name Braiins OS (bosminer or BOSer)");
      return FALSE;
    }
  firmware = hf_braiins_firmware_name (version_reply);
  model = hf_json_dup_string (details, "Model");
  if (model != NULL && g_str_has_prefix (model, "Bitmain "))
    {
      char *bare = g_strdup (model + strlen ("Bitmain "));
      g_free (model);
      model = bare;
    }
  hf_miner_set_family (miner, HF_FAMILY_BRAIINS);
  /* Without devdetails the machine is unknown, but it is an Antminer
   * (the only hardware Braiins OS runs on that answers 4028). */
  hf_miner_set_model (miner, model != NULL ? model : "Antminer");
  hf_miner_set_firmware (miner, firmware);
  return TRUE;
}

/* Each object of a report section ("DEVS", "TEMPS", …), in turn. */
#define FOR_EACH_OBJECT(reply, name, obj)                                         \
  for (JsonArray *arr_ = hf_json_array (reply, name); arr_ != NULL; arr_ = NULL)  \
    for (guint i_ = 0; i_ < json_array_get_length (arr_); i_++)                   \
      for (JsonObject *obj = JSON_NODE_HOLDS_OBJECT (json_array_get_element (arr_, i_)) \
                             ? json_node_get_object (json_array_get_element (arr_, i_)) \
                             : NULL; obj != NULL; obj = NULL)

void
hf_braiins_read_devs (JsonObject *devs_reply,
                      HfReading  *r)
{
  double nominal = NAN;

  if (devs_reply == NULL)
    return;
  /* Per hash chain; "Nominal MHS" is what the chain should do. */
  FOR_EACH_OBJECT (devs_reply, "DEVS", dev)
    {
      double v = hf_json_number (dev, "Nominal MHS");

      if (!isnan (v) && v >= 0)
        nominal = (isnan (nominal) ? 0 : nominal) + v * 1e-3;
    }
  if (!isnan (nominal))
    r->expected_hashrate_ghs = nominal;
}

void
hf_braiins_read_temps (JsonObject *temps_reply,
                       HfReading  *r)
{
  if (temps_reply == NULL)
    return;
  FOR_EACH_OBJECT (temps_reply, "TEMPS", t)
    {
      r->chip_temp_c = hf_max_known (r->chip_temp_c, hf_json_number (t, "Chip"));
      r->board_temp_c = hf_max_known (r->board_temp_c, hf_json_number (t, "Board"));
    }
}

void
hf_braiins_read_fans (JsonObject *fans_reply,
                      HfReading  *r)
{
  if (fans_reply == NULL)
    return;
  FOR_EACH_OBJECT (fans_reply, "FANS", f)
    {
      r->fan_rpm = hf_max_known (r->fan_rpm, hf_json_number (f, "RPM"));
      r->fan_percent = hf_max_known (r->fan_percent, hf_json_number (f, "Speed"));
    }
}

void
hf_braiins_read_tunerstatus (JsonObject *tunerstatus_reply,
                             HfReading  *r)
{
  JsonObject *tuner = hf_cgminer_section (tunerstatus_reply, "TUNERSTATUS", 0);
  double power, limit;

  if (tuner == NULL)
    return;
  /* The firmware's own estimate of the whole miner, from its tuning:
   * measured as far as this API goes (0 while paused). */
  power = hf_json_number (tuner, "ApproximateMinerPowerConsumption");
  if (!isnan (power) && power >= 0)
    {
      r->power_w = power;
      r->power_estimated = FALSE;
    }
  limit = hf_json_number (tuner, "PowerLimit");
  if (!isnan (limit) && limit > 0)
    r->power_limit_w = limit;
}

HfReading *
hf_braiins_parse_reading (JsonObject  *summary_reply,
                          JsonObject  *devs_reply,
                          JsonObject  *temps_reply,
                          JsonObject  *fans_reply,
                          JsonObject  *tunerstatus_reply,
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
  hf_braiins_read_devs (devs_reply, r);
  hf_braiins_read_temps (temps_reply, r);
  hf_braiins_read_fans (fans_reply, r);
  hf_braiins_read_tunerstatus (tunerstatus_reply, r);
  hf_cgminer_read_pools (pools_reply, r);
  hf_reading_finish (r);
  return g_steal_pointer (&r);
}

/* ---- REST /api/v1 ------------------------------------------------------ */

char *
hf_braiins_rest_token (const char  *body,
                       gsize        len,
                       GError     **error)
{
  g_autoptr(JsonObject) obj = hf_json_parse_object (body, len, error);
  const char *token;

  if (obj == NULL)
    return NULL;
  token = hf_json_string (obj, "token");
  if (token == NULL || *token == '\0' || strlen (token) > 4096)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL,
                           "Braiins OS login answer has no token");
      return NULL;
    }
  /* It goes into a header as it is: printable ASCII only. */
  for (const char *p = token; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e)
      {
        g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL,
                             "Braiins OS login answer has a token that is not printable ASCII");
        return NULL;
      }
  return g_strdup (token);
}

gboolean
hf_braiins_rest_details (const char  *body,
                         gsize        len,
                         char       **model,
                         char       **firmware,
                         gboolean    *paused,
                         GError     **error)
{
  g_autoptr(JsonObject) obj = hf_json_parse_object (body, len, error);
  JsonObject *identity, *version;
  g_autofree char *current = NULL;
  JsonNode *status;
  gboolean plus;

  if (obj == NULL)
    return FALSE;
  identity = hf_json_object (obj, "miner_identity");
  version = hf_json_object (obj, "bos_version");
  if (identity == NULL && version == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL,
                           "Braiins OS miner details have neither identity nor version");
      return FALSE;
    }
  *model = hf_json_dup_string (identity, "name");
  if (*model == NULL)
    *model = hf_json_dup_string (identity, "miner_model");
  current = hf_json_dup_string (version, "current");
  plus = version != NULL && json_object_has_member (version, "bos_plus")
         && JSON_NODE_HOLDS_VALUE (json_object_get_member (version, "bos_plus"))
         && json_object_get_boolean_member_with_default (version, "bos_plus", FALSE);
  *firmware = current != NULL ? g_strdup_printf ("Braiins OS%s %s", plus ? "+" : "", current)
                              : NULL;
  /* MinerStatus: 2 normal, 3 paused (as a number or its name). */
  status = json_object_get_member (obj, "status");
  *paused = FALSE;
  if (status != NULL && JSON_NODE_HOLDS_VALUE (status))
    {
      if (json_node_get_value_type (status) == G_TYPE_STRING)
        *paused = contains_nocase (json_node_get_string (status), "PAUSED");
      else
        *paused = hf_json_number (obj, "status") == 3.0;
    }
  return TRUE;
}
