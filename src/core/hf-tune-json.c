/* hf-tune-json.c
 * SPDX-License-Identifier: MIT
 *
 * Every member is checked for its type and range: the body comes from
 * the network.
 */
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-miner.h"
#include "hf-tune-json.h"

const char *
hf_tune_state_to_string (HfTuneState state)
{
  switch (state)
    {
    case HF_TUNE_RUNNING: return "running";
    case HF_TUNE_DONE: return "done";
    case HF_TUNE_NO_WINNER: return "no-winner";
    case HF_TUNE_CANCELLED: return "cancelled";
    case HF_TUNE_FAILED:
    default: return "failed";
    }
}

const char *
hf_tune_outcome_to_string (HfTuneStepOutcome outcome)
{
  switch (outcome)
    {
    case HF_TUNE_STEP_CLEAN: return "clean";
    case HF_TUNE_STEP_ERRORS: return "errors";
    case HF_TUNE_STEP_LIMIT: return "limit";
    case HF_TUNE_STEP_FAILED:
    default: return "failed";
    }
}

static gboolean
number_member (JsonObject  *o,
               const char  *name,
               double       min,
               double       max,
               double      *out,
               GError     **error)
{
  JsonNode *n = json_object_get_member (o, name);
  GType type;
  double v;

  if (n == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (n) ? json_node_get_value_type (n) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s must be a number", name);
      return FALSE;
    }
  v = type == G_TYPE_INT64 ? (double) json_node_get_int (n) : json_node_get_double (n);
  if (!(v >= min && v <= max))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s must be %g–%g", name, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
integer_member (JsonObject  *o,
                const char  *name,
                gint64       min,
                gint64       max,
                guint       *out,
                GError     **error)
{
  JsonNode *n = json_object_get_member (o, name);
  gint64 v;

  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64
      || (v = json_node_get_int (n)) < min || v > max)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s must be an integer %" G_GINT64_FORMAT
                   "–%" G_GINT64_FORMAT, name, min, max);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

gboolean
hf_tune_params_from_json (JsonObject    *o,
                          HfTuneParams  *p,
                          GError       **error)
{
  static const char *const known[] = {
    "objective", "max_temp", "max_vr_temp", "max_power", "max_errors", "settle", "samples",
    "overclock", NULL
  };
  g_autoptr(GList) members = NULL;
  JsonNode *n;

  g_return_val_if_fail (p != NULL, FALSE);

  hf_tune_params_init (p);
  if (o == NULL)
    return TRUE;
  members = json_object_get_members (o);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "unknown member “%.40s” (known: "
                     "objective, max_temp, max_vr_temp, max_power, max_errors, settle, "
                     "samples, overclock)", (const char *) l->data);
        return FALSE;
      }
  if ((n = json_object_get_member (o, "objective")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        {
          g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "objective must be a string");
          return FALSE;
        }
      if (!hf_tune_objective_parse (json_node_get_string (n), &p->objective, &p->target_watts,
                                    error))
        return FALSE;
    }
  if (!number_member (o, "max_temp", 30, 110, &p->max_chip_temp_c, error)
      || !number_member (o, "max_vr_temp", 30, 110, &p->max_vr_temp_c, error)
      || !number_member (o, "max_power", 1, 10000, &p->max_power_w, error)
      || !number_member (o, "max_errors", 0, 100, &p->max_error_percent, error)
      || !integer_member (o, "settle", 1, 3600, &p->settle_s, error)
      || !integer_member (o, "samples", 1, 100, &p->samples, error))
    return FALSE;
  if ((n = json_object_get_member (o, "overclock")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "overclock must be a boolean");
          return FALSE;
        }
      p->allow_overclock = json_node_get_boolean (n);
    }
  return TRUE;
}

static void
add_number (GString    *out,
            const char *key,
            double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value) || isinf (value))
    g_string_append_printf (out, "\"%s\":null", key);
  else
    g_string_append_printf (out, "\"%s\":%s", key,
                            g_ascii_formatd (buf, sizeof buf, "%.6g", value));
}

static char *
quote (const char *text)
{
  g_autoptr(JsonNode) node = NULL;

  if (text == NULL)
    return g_strdup ("null");
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, text);
  return json_to_string (node, FALSE);
}

static void
append_setting (GString    *out,
                const char *key,
                guint       value)
{
  if (value > 0)
    g_string_append_printf (out, "\"%s\":%u", key, value);
  else
    g_string_append_printf (out, "\"%s\":null", key);
}

static void
append_step (GString          *out,
             const HfTuneStep *s)
{
  g_autofree char *why = NULL;

  if (s == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  why = quote (s->why);
  g_string_append_printf (out, "{\"n\":%u,", s->n);
  append_setting (out, "frequency_mhz", s->frequency_mhz);
  g_string_append_c (out, ',');
  append_setting (out, "core_voltage_mv", s->core_voltage_mv);
  if (s->work_mode >= 0)
    g_string_append_printf (out, ",\"work_mode\":%d,", s->work_mode);
  else
    g_string_append (out, ",\"work_mode\":null,");
  add_number (out, "hashrate_ghs", s->hashrate_ghs);
  g_string_append_c (out, ',');
  add_number (out, "expected_ghs", s->expected_ghs);
  g_string_append_c (out, ',');
  add_number (out, "power_w", s->power_w);
  g_string_append_c (out, ',');
  add_number (out, "efficiency_jth", s->efficiency_jth);
  g_string_append_c (out, ',');
  add_number (out, "chip_temp_c", s->chip_temp_c);
  g_string_append_c (out, ',');
  add_number (out, "vr_temp_c", s->vr_temp_c);
  g_string_append_c (out, ',');
  add_number (out, "error_percent", s->error_percent);
  g_string_append_printf (out, ",\"outcome\":\"%s\",\"why\":%s,\"time\":%" G_GINT64_FORMAT "}",
                          hf_tune_outcome_to_string (s->outcome), why, s->time);
}

char *
hf_tune_step_to_json (const HfTuneStep *step)
{
  GString *out = g_string_new (NULL);

  append_step (out, step);
  return g_string_free (out, FALSE);
}

char *
hf_tune_to_json (HfTune *tune)
{
  GString *out = g_string_new ("{");
  const HfTuneParams *p = hf_tune_get_params (tune);
  GPtrArray *steps = hf_tune_get_steps (tune);
  g_autofree char *ip = quote (hf_miner_get_address (hf_tune_get_miner (tune)));
  g_autofree char *objective = hf_tune_objective_to_string (p->objective, p->target_watts);
  g_autofree char *message = quote (hf_tune_get_message (tune));
  guint done = 0, total = 0, f = 0, v = 0;
  int mode = -1;

  hf_tune_get_progress (tune, &done, &total);
  hf_tune_get_original (tune, &f, &v, &mode);
  g_string_append_printf (out, "\"id\":%" G_GINT64_FORMAT ",\"ip\":%s,\"state\":\"%s\","
                          "\"objective\":\"%s\",\"params\":{", hf_tune_get_id (tune), ip,
                          hf_tune_state_to_string (hf_tune_get_state (tune)), objective);
  add_number (out, "max_temp", p->max_chip_temp_c);
  g_string_append_c (out, ',');
  add_number (out, "max_vr_temp", p->max_vr_temp_c);
  g_string_append_c (out, ',');
  add_number (out, "max_power", p->max_power_w > 0 ? p->max_power_w : NAN);
  g_string_append_c (out, ',');
  add_number (out, "max_errors", p->max_error_percent);
  g_string_append_printf (out, ",\"settle\":%u,\"samples\":%u,\"overclock\":%s},"
                          "\"progress\":{\"done\":%u,\"total\":%u},\"current\":",
                          p->settle_s, p->samples, p->allow_overclock ? "true" : "false",
                          done, total);
  append_step (out, hf_tune_get_current (tune));
  g_string_append (out, ",\"steps\":[");
  for (guint i = 0; i < steps->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_step (out, steps->pdata[i]);
    }
  g_string_append (out, "],\"winner\":");
  append_step (out, hf_tune_get_winner (tune));
  g_string_append (out, ",\"original\":{");
  append_setting (out, "frequency_mhz", f);
  g_string_append_c (out, ',');
  append_setting (out, "core_voltage_mv", v);
  if (mode >= 0)
    g_string_append_printf (out, ",\"work_mode\":%d}", mode);
  else
    g_string_append (out, ",\"work_mode\":null}");
  g_string_append_printf (out, ",\"message\":%s}", message);
  return g_string_free (out, FALSE);
}
