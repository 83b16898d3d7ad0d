/* fuzz-depth.h — the invariant behind hf_json_parse's guard, for harnesses
 * SPDX-License-Identifier: MIT
 *
 * A stack overflow needs tens of thousands of levels, more than a fuzzer
 * builds in its time; nesting that got past the guard at all shows at 65.
 * So a tree deeper than HF_MAX_JSON_DEPTH is a finding, walked without
 * recursion.
 */
#pragma once

#include <stdlib.h>

#include <json-glib/json-glib.h>

#include "hf-limits.h"

static inline void
fuzz_assert_depth (JsonNode *root)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GArray) depths = g_array_new (FALSE, FALSE, sizeof (guint));
  guint depth = 0;

  g_ptr_array_add (nodes, root);
  g_array_append_val (depths, depth);
  while (nodes->len > 0)
    {
      JsonNode *node = g_ptr_array_steal_index (nodes, nodes->len - 1);
      guint d = g_array_index (depths, guint, depths->len - 1);

      g_array_set_size (depths, depths->len - 1);
      if (JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (++d > HF_MAX_JSON_DEPTH)
        abort ();                   /* nesting got past the guard */
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

          for (GList *l = members; l != NULL; l = l->next)
            {
              g_ptr_array_add (nodes, l->data);
              g_array_append_val (depths, d);
            }
        }
      else
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              g_ptr_array_add (nodes, json_array_get_element (array, i));
              g_array_append_val (depths, d);
            }
        }
    }
}
