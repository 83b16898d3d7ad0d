/* hf-store-private.h — what the store's other files (export, profiles,
 * upkeep) need of HfStore itself
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <sqlite3.h>

#include "hf-store.h"
#include "hf-store-export.h"

G_BEGIN_DECLS

/* Past this many pages in the write-ahead log, a passive checkpoint runs
 * off the main thread: after a main-thread commit on a worker of its own
 * (hf-store.c), after an upkeep step on the upkeep's thread. */
#define _HF_STORE_CHECKPOINT_PAGES 1000

/* The main-thread connection. */
sqlite3 *_hf_store_get_db            (HfStore *self);
/* Save @miner (find it, else insert it) on @self's connection, inside the
 * caller's transaction; its row id, or 0 with @error. */
gint64   _hf_store_save_miner        (HfStore  *self,
                                      HfMiner  *miner,
                                      GError  **error);
/* @miner's row id (found as hf_store_save_miner() finds it), or 0. */
gint64   _hf_store_find_miner        (HfStore  *self,
                                      HfMiner  *miner);
/* Run @sql (several statements) on @self's connection. */
gboolean _hf_store_exec              (HfStore     *self,
                                      const char  *sql,
                                      GError     **error);
/* Run @func (@self, @data, @miner, @error), which returns a row id or 0 on
 * failure, in one transaction: committed when it gave an id, else rolled
 * back.  @what names the change in an error ("saving a guard"). */
typedef gint64 (*HfStoreRowFunc) (HfStore        *self,
                                  gconstpointer   data,
                                  HfMiner        *miner,
                                  GError        **error);
gint64   _hf_store_in_transaction    (HfStore         *self,
                                      HfStoreRowFunc   func,
                                      gconstpointer    data,
                                      HfMiner         *miner,
                                      const char      *what,
                                      GError         **error);
/* Run @sql (a DELETE with ?1 the id) for @id: FALSE with HF_ERROR_INVALID
 * "there is no @what @id" when it removed nothing. */
gboolean _hf_store_delete_by_id      (HfStore         *self,
                                      const char      *sql,
                                      gint64           id,
                                      const char      *what,
                                      GError         **error);
/* A change made by another file of the store on the writer connection
 * (@writer), in turn with the _async changes; @miners are copies of the
 * ones given, taken on the caller's thread.  The task returns a boolean. */
typedef gboolean (*HfStoreWriterFunc) (HfStore    *writer,
                                       GPtrArray  *miners,
                                       gpointer    data,
                                       GError    **error);
void     _hf_store_run_on_writer     (HfStore             *self,
                                      HfStoreWriterFunc    func,
                                      gpointer             data,
                                      GDestroyNotify       destroy,
                                      HfMiner            **miners,
                                      guint                n,
                                      gpointer             source_tag,
                                      const char          *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* Insert @reading as miner @id's (or replace its reading of that second),
 * inside the caller's transaction. */
gboolean _hf_store_insert_reading    (HfStore         *self,
                                      gint64           id,
                                      const HfReading *reading,
                                      GError         **error);
/* Retention of HF_RESOLUTION_RAW / _5M / _1H, in seconds (0: forever). */
gint64   _hf_store_get_retention     (HfStore      *self,
                                      HfResolution  resolution);
guint    _hf_store_get_poll_interval (HfStore *self);
/* The busy handler of every connection to the database (see hf-store.c). */
int      _hf_store_busy_cb           (void    *user_data,
                                      int      count);
/* For tests: how many background checkpoints have finished. */
guint    _hf_store_get_checkpoints   (HfStore *self);
/* The connection for reads on worker threads, opened on first use; held
 * until _hf_store_unlock_reader().  NULL (and unlocked) if it cannot open. */
HfStore *_hf_store_lock_reader       (HfStore  *self,
                                      GError  **error);
void     _hf_store_unlock_reader     (HfStore  *self);

/* The @data given to _hf_store_run_on_writer(), for the finish function
 * of the task it ran in. */
gpointer _hf_store_writer_data       (GAsyncResult        *result);

G_END_DECLS
