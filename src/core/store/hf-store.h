/* hf-store.h — the fleet and its history in SQLite
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-miner.h"

G_BEGIN_DECLS

/* The schema this build writes; older databases are migrated forward. */
#define HF_STORE_SCHEMA_VERSION 8

/* Retention defaults: raw readings 48 h, 5-minute roll-ups 90 days, hourly
 * roll-ups forever (0). */
#define HF_STORE_KEEP_RAW_S     (48 * 3600)
#define HF_STORE_KEEP_5M_S      (90 * 86400)
#define HF_STORE_KEEP_1H_S      0

#define HF_TYPE_STORE (hf_store_get_type ())

G_DECLARE_FINAL_TYPE (HfStore, hf_store, HF, STORE, GObject)

/* g_get_user_data_dir()/hashfleet/hashfleet.db (inside Flatpak that is the
 * app's own data directory). */
char       *hf_store_default_path      (void);

/* Open or create the database at @path, in WAL mode, migrated to the
 * current schema.  A file SQLite says is not a database, or is corrupt
 * (HF_ERROR_STORE_CORRUPT), is moved aside under a timestamped name (never
 * deleted) and a fresh one is started: hf_store_get_moved_aside() then says
 * where the old one went.  Any other failure leaves the file as it is: a
 * lock held by another program past a short wait is HF_ERROR_STORE_BUSY,
 * a database from a newer Hashfleet HF_ERROR_STORE_TOO_NEW.  Another process
 * may have the same file open at the same time. */
HfStore    *hf_store_open              (const char  *path,
                                        GError     **error);
/* Open the database at @path for reading only: nothing is created,
 * migrated or moved.  A file that is not a usable database is
 * HF_ERROR_STORE_CORRUPT, a lock HF_ERROR_STORE_BUSY, a schema older than
 * this build's HF_ERROR_STORE (hf_store_open() migrates it), a newer one
 * HF_ERROR_STORE_TOO_NEW. */
HfStore    *hf_store_open_readonly     (const char  *path,
                                        GError     **error);
const char *hf_store_get_path          (HfStore     *self);
const char *hf_store_get_moved_aside   (HfStore     *self);
int         hf_store_get_schema_version (HfStore    *self);

/* Add or update a miner: the same MAC or serial is the same miner, else the
 * same address and family. */
gboolean    hf_store_save_miner        (HfStore     *self,
                                        HfMiner     *miner,
                                        GError     **error);
/* The same for @n miners, in one transaction. */
gboolean    hf_store_save_miners       (HfStore     *self,
                                        HfMiner    **miners,
                                        guint        n,
                                        GError     **error);
/* The same on the worker threads' connection, in turn with the other
 * _async changes (see hf_store_add_readings_async()). */
void        hf_store_save_miners_async  (HfStore             *self,
                                         HfMiner            **miners,
                                         guint                n,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    hf_store_save_miners_finish (HfStore             *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* Remove a miner from the fleet; with @keep_history its readings stay (and
 * come back with it if it is found again).  On this connection, so not in
 * turn with the _async changes: a write of the miner already asked for
 * could save it again.  Where those are used, remove with
 * hf_store_forget_miner_async(). */
gboolean    hf_store_forget_miner      (HfStore     *self,
                                        HfMiner     *miner,
                                        gboolean     keep_history,
                                        GError     **error);
/* The same on the worker threads' connection: the rows of a miner with a
 * long history take a while to delete.  Writes of the miner asked for
 * before run before it, so a removed miner stays removed. */
void        hf_store_forget_miner_async  (HfStore             *self,
                                          HfMiner             *miner,
                                          gboolean             keep_history,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean    hf_store_forget_miner_finish (HfStore             *self,
                                          GAsyncResult        *result,
                                          GError             **error);
/* Finishes once every _async change asked for before it is done (the
 * writer runs them in order): for an orderly end on the main loop. */
void        hf_store_flush_async         (HfStore             *self,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean    hf_store_flush_finish        (HfStore             *self,
                                          GAsyncResult        *result,
                                          GError             **error);
/* Small notes kept across runs (an alert's last time, say), as integers
 * under a key: set on the writer, in turn with the other _async changes;
 * those whose key starts with @prefix read back (key → gint64*). */
void        hf_store_set_meta_async      (HfStore             *self,
                                          const char          *key,
                                          gint64               value,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean    hf_store_set_meta_finish     (HfStore             *self,
                                          GAsyncResult        *result,
                                          GError             **error);
GHashTable *hf_store_load_meta           (HfStore             *self,
                                          const char          *prefix,
                                          GError             **error);
/* Write one reading for each of @n miners in one transaction (a poll
 * cycle), saving miners the store does not know yet. */
gboolean    hf_store_add_readings      (HfStore     *self,
                                        HfMiner    **miners,
                                        guint        n,
                                        GError     **error);
/* The same on a worker thread with a connection of its own, so that a
 * cycle's write never holds the main loop: the miners' identities and
 * readings are copied first (on the calling thread), then written in one
 * transaction.  Writes made this way (and the other _async changes below)
 * are done one at a time, in the order asked for; ask from one thread. */
void        hf_store_add_readings_async  (HfStore             *self,
                                          HfMiner            **miners,
                                          guint                n,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean    hf_store_add_readings_finish (HfStore             *self,
                                          GAsyncResult        *result,
                                          GError             **error);
/* The stored fleet: new HfMiner objects with their last reading, offline
 * (stale) until polled, and HfMiner:blocks-found as many as the store has
 * block-found events of it. */
GPtrArray  *hf_store_load_fleet        (HfStore     *self,
                                        GError     **error);

/* Retention for each resolution, in seconds (0 keeps forever); roll-ups and
 * pruning themselves are in hf-store-upkeep.h. */
void        hf_store_set_retention     (HfStore     *self,
                                        gint64       raw_s,
                                        gint64       five_min_s,
                                        gint64       hour_s);
/* The poll interval, to turn a count of readings into an uptime fraction. */
void        hf_store_set_poll_interval (HfStore     *self,
                                        guint        seconds);

/* For tests of the migrations: open @path migrated only up to @version. */
HfStore    *_hf_store_open_at_version  (const char  *path,
                                        int          version,
                                        GError     **error);

G_END_DECLS
