/* hf-store-groups.c
 * SPDX-License-Identifier: MIT
 *
 * The tables (schema 6, hf-store.c): groups (id, name UNIQUE COLLATE
 * NOCASE, created) and group_members (group_id, miner_id), both of whose
 * references cascade on delete.
 */
#include <string.h>

#include <sqlite3.h>

#include "hf-error.h"
#include "hf-store-groups.h"
#include "hf-store-private.h"

void
hf_store_group_free (HfStoreGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->name);
  g_strfreev (group->keys);
  g_strfreev (group->addresses);
  g_free (group);
}

static gboolean
store_error (HfStore     *store,
             GError     **error,
             const char  *what)
{
  g_set_error (error, HF_ERROR, HF_ERROR_STORE, "%s: %s: %s", hf_store_get_path (store), what,
               sqlite3_errmsg (_hf_store_get_db (store)));
  return FALSE;
}

static gboolean
no_group (GError     **error,
          const char  *name)
{
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is no group “%s”", name);
  return FALSE;
}

GPtrArray *
hf_store_load_groups (HfStore  *store,
                      GError  **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_store_group_free);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strv_builder_unref);
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strv_builder_unref);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);
  db = _hf_store_get_db (store);
  if (sqlite3_prepare_v2 (db, "SELECT id, name FROM groups ORDER BY name COLLATE NOCASE, id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "reading groups");
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfStoreGroup *group = g_new0 (HfStoreGroup, 1);
      gint64 id = sqlite3_column_int64 (stmt, 0);

      group->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      g_array_append_val (ids, id);
      g_ptr_array_add (groups, group);
      g_ptr_array_add (keys, g_strv_builder_new ());
      g_ptr_array_add (addresses, g_strv_builder_new ());
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "reading groups");
      return NULL;
    }
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_insert (by_id, &g_array_index (ids, gint64, i), GUINT_TO_POINTER (i + 1));

  if (sqlite3_prepare_v2 (db, "SELECT gm.group_id, IFNULL (m.identity, m.address), m.address "
                          "FROM group_members gm JOIN miners m ON m.id = gm.miner_id "
                          "WHERE m.removed IS NULL ORDER BY gm.group_id, m.address",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "reading groups");
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      guint i = GPOINTER_TO_UINT (g_hash_table_lookup (by_id, &id));

      if (i == 0)
        continue;
      g_strv_builder_add (keys->pdata[i - 1], (const char *) sqlite3_column_text (stmt, 1));
      g_strv_builder_add (addresses->pdata[i - 1], (const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "reading groups");
      return NULL;
    }
  for (guint i = 0; i < groups->len; i++)
    {
      HfStoreGroup *group = groups->pdata[i];

      group->keys = g_strv_builder_end (keys->pdata[i]);
      group->addresses = g_strv_builder_end (addresses->pdata[i]);
    }
  return g_steal_pointer (&groups);
}

/* The id of the group named @name (any case), or 0. */
static gint64
find_group (HfStore    *store,
            const char *name)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  if (sqlite3_prepare_v2 (_hf_store_get_db (store), "SELECT id FROM groups WHERE name = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return id;
}

/* Run @sql with ?1 = @a (text or, with @a NULL, the integer @id) and
 * ?2 = @b (text) or the integer @id2. */
static gboolean
run (HfStore     *store,
     const char  *sql,
     const char  *a,
     gint64       id,
     const char  *b,
     gint64       id2,
     GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (_hf_store_get_db (store), sql, -1, &stmt, NULL) != SQLITE_OK)
    return store_error (store, error, "changing a group");
  if (a != NULL)
    sqlite3_bind_text (stmt, 1, a, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);
  if (b != NULL)
    sqlite3_bind_text (stmt, 2, b, -1, SQLITE_TRANSIENT);
  else if (strstr (sql, "?2") != NULL)
    sqlite3_bind_int64 (stmt, 2, id2);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : store_error (store, error, "changing a group");
}

static gboolean
change (HfStore        *store,
        HfGroupChange   kind,
        const char     *name,
        const char     *new_name,
        HfMiner       **miners,
        guint           n,
        GError        **error)
{
  gint64 id = find_group (store, name);

  switch (kind)
    {
    case HF_GROUP_CHANGE_CREATE:
      if (id != 0)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is a group “%s” already", name);
          return FALSE;
        }
      return run (store, "INSERT INTO groups (name, created) VALUES (?1, ?2)", name, 0, NULL,
                  g_get_real_time () / G_USEC_PER_SEC, error);
    case HF_GROUP_CHANGE_RENAME:
      {
        gint64 other = find_group (store, new_name);

        if (id == 0)
          return no_group (error, name);
        if (other != 0 && other != id)
          {
            g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is a group “%s” already",
                         new_name);
            return FALSE;
          }
        return run (store, "UPDATE groups SET name = ?2 WHERE id = ?1", NULL, id, new_name, 0,
                    error);
      }
    case HF_GROUP_CHANGE_DELETE:
      if (id == 0)
        return no_group (error, name);
      return run (store, "DELETE FROM groups WHERE id = ?1", NULL, id, NULL, 0, error);
    case HF_GROUP_CHANGE_SET:
      if (id == 0)
        {
          if (!run (store, "INSERT INTO groups (name, created) VALUES (?1, ?2)", name, 0, NULL,
                    g_get_real_time () / G_USEC_PER_SEC, error))
            return FALSE;
          id = sqlite3_last_insert_rowid (_hf_store_get_db (store));
        }
      else if (!run (store, "DELETE FROM group_members WHERE group_id = ?1", NULL, id, NULL, 0,
                     error))
        return FALSE;
      G_GNUC_FALLTHROUGH;
    case HF_GROUP_CHANGE_ADD:
    case HF_GROUP_CHANGE_REMOVE:
      if (id == 0)
        return no_group (error, name);
      for (guint i = 0; i < n; i++)
        {
          gint64 miner = _hf_store_find_miner (store, miners[i]);

          if (miner == 0 && kind == HF_GROUP_CHANGE_REMOVE)
            continue;
          if (miner == 0 && (miner = _hf_store_save_miner (store, miners[i], error)) == 0)
            return FALSE;
          if (!run (store, kind == HF_GROUP_CHANGE_REMOVE
                           ? "DELETE FROM group_members WHERE group_id = ?1 AND miner_id = ?2"
                           : "INSERT OR IGNORE INTO group_members (group_id, miner_id) "
                             "VALUES (?1, ?2)", NULL, id, NULL, miner, error))
            return FALSE;
        }
      return TRUE;
    }
  g_return_val_if_reached (FALSE);
}

gboolean
hf_store_change_group (HfStore        *store,
                       HfGroupChange   kind,
                       const char     *name,
                       const char     *new_name,
                       HfMiner       **miners,
                       guint           n,
                       GError        **error)
{
  g_return_val_if_fail (HF_IS_STORE (store), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (kind != HF_GROUP_CHANGE_RENAME || new_name != NULL, FALSE);

  if (!_hf_store_exec (store, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!change (store, kind, name, new_name, miners, n, error))
    {
      _hf_store_exec (store, "ROLLBACK", NULL);
      return FALSE;
    }
  return _hf_store_exec (store, "COMMIT", error);
}

typedef struct
{
  HfGroupChange kind;
  char         *name;
  char         *new_name;
} Change;

static void
change_free (gpointer data)
{
  Change *c = data;

  g_free (c->name);
  g_free (c->new_name);
  g_free (c);
}

static gboolean
change_on_writer (HfStore    *writer,
                  GPtrArray  *miners,
                  gpointer    data,
                  GError    **error)
{
  Change *c = data;

  return hf_store_change_group (writer, c->kind, c->name, c->new_name,
                                (HfMiner **) miners->pdata, miners->len, error);
}

void
hf_store_change_group_async (HfStore            *self,
                             HfGroupChange       kind,
                             const char         *name,
                             const char         *new_name,
                             HfMiner           **miners,
                             guint               n,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  Change *c;

  g_return_if_fail (HF_IS_STORE (self));
  g_return_if_fail (name != NULL);

  c = g_new0 (Change, 1);
  c->kind = kind;
  c->name = g_strdup (name);
  c->new_name = g_strdup (new_name);
  _hf_store_run_on_writer (self, change_on_writer, c, change_free, miners, n,
                           hf_store_change_group_async, "hf_store_change_group", cancellable,
                           callback, user_data);
}

gboolean
hf_store_change_group_finish (HfStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
