/* hf-schedule-json.c
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "hf-error.h"
#include "hf-schedule-json.h"

JsonNode *
hf_schedule_to_json (const HfSchedule *schedule)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *days = hf_schedule_days_to_string (schedule->days);
  g_autofree char *time = hf_schedule_time_range_to_string (schedule->start_min,
                                                            schedule->end_min);
  g_autofree char *state = hf_schedule_state_to_string (&schedule->state);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, schedule->id);
  json_builder_set_member_name (b, "miner");
  if (schedule->miner != NULL)
    json_builder_add_string_value (b, schedule->miner);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "address");
  if (schedule->address != NULL)
    json_builder_add_string_value (b, schedule->address);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "group");
  if (schedule->group != NULL)
    json_builder_add_string_value (b, schedule->group);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "days");
  json_builder_add_string_value (b, days);
  json_builder_set_member_name (b, "time");
  json_builder_add_string_value (b, time);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, state);
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, schedule->created);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
hf_schedules_to_json (GPtrArray *schedules)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; schedules != NULL && i < schedules->len; i++)
    json_array_add_element (array, hf_schedule_to_json (g_ptr_array_index (schedules, i)));
  json_node_take_array (node, array);
  return node;
}

/* The string member @name, NULL if absent; FALSE if present but not a
 * short string. */
static gboolean
string_member (JsonObject  *o,
               const char  *name,
               const char **value,
               GError     **error)
{
  JsonNode *n = json_object_get_member (o, name);

  *value = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING
      || strlen (json_node_get_string (n)) > 256)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "“%s” must be a short string", name);
      return FALSE;
    }
  *value = json_node_get_string (n);
  return TRUE;
}

HfSchedule *
hf_schedule_from_json (JsonNode  *node,
                       char     **address,
                       GError   **error)
{
  g_autoptr(HfSchedule) s = hf_schedule_new ();
  const char *target = NULL, *miner = NULL, *group = NULL, *days = NULL, *time = NULL,
             *state = NULL;
  JsonObject *o;
  GList *members;

  *address = NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "a schedule is a JSON object");
      return NULL;
    }
  o = json_node_get_object (node);
  members = json_object_get_members (o);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!g_str_equal (name, "address") && !g_str_equal (name, "miner")
          && !g_str_equal (name, "group") && !g_str_equal (name, "days")
          && !g_str_equal (name, "time") && !g_str_equal (name, "state"))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                       "unknown field (address, group, days, time, state)");
          g_list_free (members);
          return NULL;
        }
    }
  g_list_free (members);
  if (!string_member (o, "address", &target, error) || !string_member (o, "miner", &miner, error)
      || !string_member (o, "group", &group, error) || !string_member (o, "days", &days, error)
      || !string_member (o, "time", &time, error) || !string_member (o, "state", &state, error))
    return NULL;
  if (target == NULL)
    target = miner;
  if ((target == NULL) == (group == NULL))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "a schedule is for one miner (\"address\") or one group (\"group\")");
      return NULL;
    }
  if (group != NULL && (*group == '\0' || strlen (group) > HF_SCHEDULE_NAME_MAX
                        || !g_utf8_validate (group, -1, NULL)))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "a group name is 1–%d characters",
                   HF_SCHEDULE_NAME_MAX);
      return NULL;
    }
  if (days == NULL || time == NULL || state == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "a schedule needs \"days\", \"time\" and \"state\"");
      return NULL;
    }
  if (!hf_schedule_parse_days (days, &s->days, error)
      || !hf_schedule_parse_time_range (time, &s->start_min, &s->end_min, error)
      || !hf_schedule_parse_state (state, &s->state, error))
    return NULL;
  s->group = g_strdup (group);
  *address = g_strdup (target);
  return g_steal_pointer (&s);
}
