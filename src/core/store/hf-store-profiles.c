/* hf-store-profiles.c
 * SPDX-License-Identifier: MIT
 *
 * Pool passwords are kept here as they are: for pools they are usually
 * "x" or a difficulty hint, not secrets (miner passwords, which are, live
 * in the keyring).
 */
#include <sqlite3.h>

#include "hf-error.h"
#include "hf-store-private.h"
#include "hf-store-profiles.h"

static gboolean
store_error (HfStore     *store,
             GError     **error,
             const char  *what)
{
  g_set_error (error, HF_ERROR, HF_ERROR_STORE, "%s: %s: %s", hf_store_get_path (store), what,
               sqlite3_errmsg (_hf_store_get_db (store)));
  return FALSE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           i,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

gboolean
hf_store_save_pool_profile (HfStore                *store,
                            const char             *name,
                            const HfMinerSettings  *pools,
                            GError                **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *host = NULL;
  guint16 port;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), FALSE);
  if (name == NULL || *name == '\0' || pools->pool_url == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "a pool profile needs a name and a pool");
      return FALSE;
    }
  if (!hf_pool_url_parse (pools->pool_url, &host, &port, error))
    return FALSE;
  g_clear_pointer (&host, g_free);
  if (pools->fallback_pool_url != NULL
      && !hf_pool_url_parse (pools->fallback_pool_url, &host, &port, error))
    return FALSE;

  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "INSERT OR REPLACE INTO pool_profiles VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return store_error (store, error, "saving a pool profile");
  bind_text (stmt, 1, name);
  bind_text (stmt, 2, pools->pool_url);
  bind_text (stmt, 3, pools->pool_user);
  bind_text (stmt, 4, pools->pool_password);
  bind_text (stmt, 5, pools->fallback_pool_url);
  bind_text (stmt, 6, pools->fallback_pool_user);
  bind_text (stmt, 7, pools->fallback_pool_password);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : store_error (store, error, "saving a pool profile");
}

HfMinerSettings *
hf_store_load_pool_profile (HfStore     *store,
                            const char  *name,
                            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  HfMinerSettings *st = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);
  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "SELECT url, user, password, fallback_url, fallback_user, "
                          "fallback_password FROM pool_profiles WHERE name = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      store_error (store, error, "reading a pool profile");
      return NULL;
    }
  bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      st = hf_miner_settings_new ();
      st->pool_url = column_text (stmt, 0);
      st->pool_user = column_text (stmt, 1);
      st->pool_password = column_text (stmt, 2);
      st->fallback_pool_url = column_text (stmt, 3);
      st->fallback_pool_user = column_text (stmt, 4);
      st->fallback_pool_password = column_text (stmt, 5);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is no pool profile “%s”", name);
  else
    store_error (store, error, "reading a pool profile");
  sqlite3_finalize (stmt);
  return st;
}

GStrv
hf_store_list_pool_profiles (HfStore  *store,
                             GError  **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), NULL);
  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "SELECT name FROM pool_profiles ORDER BY name", -1, &stmt, NULL)
      != SQLITE_OK)
    {
      store_error (store, error, "listing pool profiles");
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (names, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      store_error (store, error, "listing pool profiles");
      return NULL;
    }
  return g_strv_builder_end (names);
}

gboolean
hf_store_delete_pool_profile (HfStore     *store,
                              const char  *name,
                              GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_STORE (store), FALSE);
  if (sqlite3_prepare_v2 (_hf_store_get_db (store),
                          "DELETE FROM pool_profiles WHERE name = ?1", -1, &stmt, NULL)
      != SQLITE_OK)
    return store_error (store, error, "removing a pool profile");
  bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return store_error (store, error, "removing a pool profile");
  if (sqlite3_changes (_hf_store_get_db (store)) == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "there is no pool profile “%s”", name);
      return FALSE;
    }
  return TRUE;
}
