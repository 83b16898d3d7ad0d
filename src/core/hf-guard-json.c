/* hf-guard-json.c
 * SPDX-License-Identifier: MIT
 *
 * What a client sends is hostile: an object of the known members only,
 * each of its type, numbers finite and within the guard's bounds, names
 * a group may have, an address of a sane length.
 */
#include <math.h>
#include <string.h>

#include "hf-error.h"
#include "hf-groups.h"
#include "hf-guard-json.h"

/* Longer than any address or host name. */
#define MAX_ADDRESS_CHARS 255

static void
add_string_or_null (JsonBuilder *b,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
hf_guard_to_json (const HfGuard *guard)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, guard->id);
  add_string_or_null (b, "miner", guard->miner_key);
  add_string_or_null (b, "address", guard->address);
  add_string_or_null (b, "group", guard->group);
  json_builder_set_member_name (b, "chip_limit_c");
  json_builder_add_double_value (b, guard->chip_limit_c);
  json_builder_set_member_name (b, "vr_limit_c");
  json_builder_add_double_value (b, guard->vr_limit_c);
  json_builder_set_member_name (b, "cool_min");
  json_builder_add_int_value (b, guard->cool_min);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
hf_guards_to_json (GPtrArray *guards)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; guards != NULL && i < guards->len; i++)
    json_array_add_element (array, hf_guard_to_json (g_ptr_array_index (guards, i)));
  json_node_take_array (node, array);
  return node;
}

static gboolean
get_number (JsonObject  *object,
            const char  *name,
            double      *value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "“%s” is a number", name);
      return FALSE;
    }
  *value = json_node_get_double (node);
  if (!isfinite (*value))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "“%s” is a finite number", name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_string (JsonObject  *object,
            const char  *name,
            const char **value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "“%s” is a string", name);
      return FALSE;
    }
  *value = json_node_get_string (node);
  return TRUE;
}

HfGuard *
hf_guard_from_json (JsonNode  *node,
                    char     **address,
                    gboolean  *remove,
                    GError   **error)
{
  static const char * const known[] = { "address", "miner", "group", "chip_limit_c", "vr_limit_c",
                                        "cool_min", "remove", NULL };
  g_autoptr(HfGuard) guard = hf_guard_new ();
  g_autoptr(GList) members = NULL;
  const char *where = NULL, *miner = NULL, *group = NULL;
  g_autofree char *bad = NULL;
  double cool = guard->cool_min;
  JsonObject *object;
  JsonNode *flag;

  g_return_val_if_fail (address != NULL && remove != NULL, NULL);

  *address = NULL;
  *remove = FALSE;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "a guard is a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "a guard has no member “%.40s” (address "
                     "or group, chip_limit_c, vr_limit_c, cool_min, remove)", (const char *) l->data);
        return NULL;
      }
  if (!get_string (object, "address", &where, error) || !get_string (object, "miner", &miner, error)
      || !get_string (object, "group", &group, error)
      || !get_number (object, "chip_limit_c", &guard->chip_limit_c, error)
      || !get_number (object, "vr_limit_c", &guard->vr_limit_c, error)
      || !get_number (object, "cool_min", &cool, error))
    return NULL;
  if (where == NULL)
    where = miner;
  if ((where == NULL) == (group == NULL))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "a guard is for one miner (“address”) or one group (“group”)");
      return NULL;
    }
  if (where != NULL && (where[0] == '\0' || strlen (where) > MAX_ADDRESS_CHARS
                        || !g_utf8_validate (where, -1, NULL)))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "“address” is not an address");
      return NULL;
    }
  if (group != NULL && !hf_groups_check_name (group, error))
    return NULL;
  flag = json_object_get_member (object, "remove");
  if (flag != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (flag) || json_node_get_value_type (flag) != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "“remove” is true or false");
          return NULL;
        }
      *remove = json_node_get_boolean (flag);
    }
  if (cool != floor (cool) || cool < 1 || cool > HF_GUARDIAN_MAX_COOL_MIN)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "“cool_min” is a whole number of minutes "
                   "from 1 to %d", HF_GUARDIAN_MAX_COOL_MIN);
      return NULL;
    }
  guard->cool_min = (guint) cool;
  bad = hf_guard_check (guard);
  if (bad != NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, bad);
      return NULL;
    }
  guard->group = g_strdup (group);
  *address = g_strdup (where);
  return g_steal_pointer (&guard);
}
