/* hf-groups.c
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "hf-error.h"
#include "hf-groups.h"

typedef struct
{
  char       *name;
  char       *folded;   /* for comparing and sorting */
  GPtrArray  *keys;     /* char* */
} Group;

struct _HfGroups
{
  GObject    parent_instance;
  GPtrArray *groups;    /* Group*, sorted by folded name */
};

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfGroups, hf_groups, G_TYPE_OBJECT)

static void
group_free (gpointer data)
{
  Group *g = data;

  g_free (g->name);
  g_free (g->folded);
  g_ptr_array_unref (g->keys);
  g_free (g);
}

static Group *
group_new (const char *name)
{
  Group *g = g_new0 (Group, 1);

  g->name = g_strdup (name);
  g->folded = g_utf8_casefold (name, -1);
  g->keys = g_ptr_array_new_with_free_func (g_free);
  return g;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const Group *ga = *(Group * const *) a, *gb = *(Group * const *) b;
  int c = g_utf8_collate (ga->folded, gb->folded);

  return c != 0 ? c : strcmp (ga->folded, gb->folded);
}

static Group *
find (HfGroups   *self,
      const char *name)
{
  g_autofree char *folded = NULL;

  if (name == NULL)
    return NULL;
  folded = g_utf8_casefold (name, -1);
  for (guint i = 0; i < self->groups->len; i++)
    {
      Group *g = self->groups->pdata[i];

      if (g_str_equal (g->folded, folded))
        return g;
    }
  return NULL;
}

static const char *
miner_key (HfMiner *miner)
{
  const char *identity = hf_miner_get_identity_key (miner);

  return identity != NULL ? identity : hf_miner_get_address (miner);
}

/* The index of @miner's key in @g, or -1. */
static int
member_index (Group   *g,
              HfMiner *miner)
{
  const char *identity = hf_miner_get_identity_key (miner);
  const char *address = hf_miner_get_address (miner);

  for (guint i = 0; i < g->keys->len; i++)
    {
      const char *key = g->keys->pdata[i];

      if ((identity != NULL && g_str_equal (key, identity))
          || (address != NULL && g_str_equal (key, address)))
        return (int) i;
    }
  return -1;
}

static void
changed (HfGroups *self)
{
  g_ptr_array_sort (self->groups, compare_groups);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
hf_groups_finalize (GObject *object)
{
  HfGroups *self = HF_GROUPS (object);

  g_ptr_array_unref (self->groups);
  G_OBJECT_CLASS (hf_groups_parent_class)->finalize (object);
}

static void
hf_groups_class_init (HfGroupsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hf_groups_finalize;

  /**
   * HfGroups::changed:
   *
   * A group was created, renamed or deleted, or its members changed.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
hf_groups_init (HfGroups *self)
{
  self->groups = g_ptr_array_new_with_free_func (group_free);
}

HfGroups *
hf_groups_new (void)
{
  return g_object_new (HF_TYPE_GROUPS, NULL);
}

gboolean
hf_groups_check_name (const char  *name,
                      GError     **error)
{
  glong length;

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "a group needs a name");
      return FALSE;
    }
  if (strlen (name) > 4 * HF_GROUP_NAME_MAX || !g_utf8_validate (name, -1, NULL)
      || (length = g_utf8_strlen (name, -1)) > HF_GROUP_NAME_MAX)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   "a group's name is text of at most %d characters", HF_GROUP_NAME_MAX);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT
          || c == 0x2028 || c == 0x2029)
        {
          g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                               "a group's name cannot hold control characters");
          return FALSE;
        }
    }
  if (g_unichar_isspace (g_utf8_get_char (name))
      || g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (name + strlen (name)))))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "a group's name cannot begin or end with a space");
      return FALSE;
    }
  return TRUE;
}

GStrv
hf_groups_list (HfGroups *self)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  g_return_val_if_fail (HF_IS_GROUPS (self), NULL);
  for (guint i = 0; i < self->groups->len; i++)
    g_strv_builder_add (b, ((Group *) self->groups->pdata[i])->name);
  return g_strv_builder_end (b);
}

const char *
hf_groups_lookup (HfGroups   *self,
                  const char *name)
{
  Group *g;

  g_return_val_if_fail (HF_IS_GROUPS (self), NULL);
  g = find (self, name);
  return g != NULL ? g->name : NULL;
}

GStrv
hf_groups_get_keys (HfGroups   *self,
                    const char *name)
{
  g_autoptr(GStrvBuilder) b = NULL;
  Group *g;

  g_return_val_if_fail (HF_IS_GROUPS (self), NULL);
  g = find (self, name);
  if (g == NULL)
    return NULL;
  b = g_strv_builder_new ();
  for (guint i = 0; i < g->keys->len; i++)
    g_strv_builder_add (b, g->keys->pdata[i]);
  return g_strv_builder_end (b);
}

GPtrArray *
hf_groups_get_members (HfGroups   *self,
                       const char *name,
                       HfFleet    *fleet)
{
  GPtrArray *members;
  Group *g;
  guint n;

  g_return_val_if_fail (HF_IS_GROUPS (self), NULL);
  g_return_val_if_fail (HF_IS_FLEET (fleet), NULL);
  g = find (self, name);
  if (g == NULL)
    return NULL;
  members = g_ptr_array_new_with_free_func (g_object_unref);
  n = g_list_model_get_n_items (G_LIST_MODEL (fleet));
  for (guint i = 0; i < n && g->keys->len > 0; i++)
    {
      HfMiner *miner = g_list_model_get_item (G_LIST_MODEL (fleet), i);

      if (member_index (g, miner) >= 0)
        g_ptr_array_add (members, miner);
      else
        g_object_unref (miner);
    }
  return members;
}

GStrv
hf_groups_of_miner (HfGroups *self,
                    HfMiner  *miner)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  g_return_val_if_fail (HF_IS_GROUPS (self), NULL);
  g_return_val_if_fail (HF_IS_MINER (miner), NULL);
  for (guint i = 0; i < self->groups->len; i++)
    if (member_index (self->groups->pdata[i], miner) >= 0)
      g_strv_builder_add (b, ((Group *) self->groups->pdata[i])->name);
  return g_strv_builder_end (b);
}

gboolean
hf_groups_contains (HfGroups   *self,
                    const char *name,
                    HfMiner    *miner)
{
  Group *g;

  g_return_val_if_fail (HF_IS_GROUPS (self), FALSE);
  g = find (self, name);
  return g != NULL && member_index (g, miner) >= 0;
}

void
hf_groups_load (HfGroups           *self,
                const char * const *names,
                GStrv              *keys)
{
  g_return_if_fail (HF_IS_GROUPS (self));

  g_ptr_array_set_size (self->groups, 0);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      Group *g = find (self, names[i]);

      if (g == NULL)
        {
          g = group_new (names[i]);
          g_ptr_array_add (self->groups, g);
        }
      for (guint k = 0; keys[i] != NULL && keys[i][k] != NULL; k++)
        g_ptr_array_add (g->keys, g_strdup (keys[i][k]));
    }
  changed (self);
}

static gboolean
no_group (GError     **error,
          const char  *name)
{
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is no group “%s”", name);
  return FALSE;
}

static gboolean
name_taken (GError     **error,
            const char  *name)
{
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is a group “%s” already", name);
  return FALSE;
}

gboolean
hf_groups_create (HfGroups    *self,
                  const char  *name,
                  GError     **error)
{
  Group *g;

  g_return_val_if_fail (HF_IS_GROUPS (self), FALSE);
  if (!hf_groups_check_name (name, error))
    return FALSE;
  if ((g = find (self, name)) != NULL)
    return name_taken (error, g->name);
  g_ptr_array_add (self->groups, group_new (name));
  changed (self);
  return TRUE;
}

gboolean
hf_groups_rename (HfGroups    *self,
                  const char  *name,
                  const char  *new_name,
                  GError     **error)
{
  Group *g, *other;

  g_return_val_if_fail (HF_IS_GROUPS (self), FALSE);
  if ((g = find (self, name)) == NULL)
    return no_group (error, name);
  if (!hf_groups_check_name (new_name, error))
    return FALSE;
  other = find (self, new_name);
  if (other != NULL && other != g)
    return name_taken (error, other->name);
  g_free (g->name);
  g_free (g->folded);
  g->name = g_strdup (new_name);
  g->folded = g_utf8_casefold (new_name, -1);
  changed (self);
  return TRUE;
}

gboolean
hf_groups_delete (HfGroups    *self,
                  const char  *name,
                  GError     **error)
{
  Group *g;

  g_return_val_if_fail (HF_IS_GROUPS (self), FALSE);
  if ((g = find (self, name)) == NULL)
    return no_group (error, name);
  g_ptr_array_remove (self->groups, g);
  changed (self);
  return TRUE;
}

static void
add_members (Group    *g,
             HfMiner **miners,
             guint     n,
             gboolean  add)
{
  for (guint i = 0; i < n; i++)
    {
      int at = member_index (g, miners[i]);

      if (add && at < 0)
        g_ptr_array_add (g->keys, g_strdup (miner_key (miners[i])));
      /* Its identity and its address may both be there (an address kept
       * from before its MAC was known). */
      for (; !add && at >= 0; at = member_index (g, miners[i]))
        g_ptr_array_remove_index (g->keys, (guint) at);
    }
}

gboolean
hf_groups_add (HfGroups    *self,
               const char  *name,
               HfMiner    **miners,
               guint        n,
               gboolean     add,
               GError     **error)
{
  Group *g;

  g_return_val_if_fail (HF_IS_GROUPS (self), FALSE);
  if ((g = find (self, name)) == NULL)
    return no_group (error, name);
  add_members (g, miners, n, add);
  changed (self);
  return TRUE;
}

gboolean
hf_groups_set (HfGroups    *self,
               const char  *name,
               HfMiner    **miners,
               guint        n,
               GError     **error)
{
  Group *g;

  g_return_val_if_fail (HF_IS_GROUPS (self), FALSE);
  if ((g = find (self, name)) == NULL)
    {
      if (!hf_groups_check_name (name, error))
        return FALSE;
      g = group_new (name);
      g_ptr_array_add (self->groups, g);
    }
  g_ptr_array_set_size (g->keys, 0);
  add_members (g, miners, n, TRUE);
  changed (self);
  return TRUE;
}

void
hf_groups_forget_miner (HfGroups *self,
                        HfMiner  *miner)
{
  gboolean any = FALSE;

  g_return_if_fail (HF_IS_GROUPS (self));
  for (guint i = 0; i < self->groups->len; i++)
    {
      Group *g = self->groups->pdata[i];

      if (member_index (g, miner) >= 0)
        {
          add_members (g, &miner, 1, FALSE);
          any = TRUE;
        }
    }
  if (any)
    changed (self);
}
