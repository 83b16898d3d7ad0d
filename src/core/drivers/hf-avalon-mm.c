/* hf-avalon-mm.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "hf-avalon-mm.h"
#include "hf-json.h"
#include "hf-limits.h"

GHashTable *
hf_avalon_mm_parse (const char *text)
{
  GHashTable *mm = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *p = text;

  if (text == NULL)
    return mm;

  while (*p != '\0')
    {
      const char *key_start, *key_end, *value_start, *value_end;
      char *key;

      if (!g_ascii_isalpha (*p))
        {
          p++;
          continue;
        }
      key_start = p;
      while (g_ascii_isalnum (*p) || *p == '_' || *p == ' ')
        p++;
      if (*p != '[')
        continue;         /* a word that is not a key: skip past it */
      key_end = p;
      while (key_end > key_start && key_end[-1] == ' ')
        key_end--;        /* "Key [v]" is not seen, but be lenient */
      value_start = p + 1;
      value_end = strchr (value_start, ']');
      if (value_end == NULL)
        break;            /* truncated: keep what was complete */
      p = value_end + 1;

      if ((gsize) (key_end - key_start) > 64 || (gsize) (value_end - value_start) > 65536)
        continue;
      key = g_strndup (key_start, (gsize) (key_end - key_start));
      if (g_hash_table_contains (mm, key))
        {
          g_free (key);
          continue;
        }
      g_hash_table_insert (mm, key, g_strndup (value_start, (gsize) (value_end - value_start)));
    }
  return mm;
}

double
hf_avalon_mm_number (GHashTable *mm,
                     const char *key)
{
  return hf_parse_number (g_hash_table_lookup (mm, key));
}

double
hf_avalon_mm_field (GHashTable *mm,
                    const char *key,
                    guint       index)
{
  const char *value = g_hash_table_lookup (mm, key);
  g_auto(GStrv) parts = NULL;
  guint n = 0;

  if (value == NULL)
    return NAN;
  parts = g_strsplit_set (value, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      if (n++ == index)
        return hf_parse_number (parts[i]);
    }
  return NAN;
}
