/* hf-store-tunes.h — tunes and their steps, kept in the store
 * SPDX-License-Identifier: MIT
 *
 * The `tunes` and `tune_steps` tables (schema 7).  A tune's row is written
 * before the tuner's first write to the miner, with the settings it
 * started from; it stays 'running' until those settings (or the winner)
 * are on the miner again, so that a row found 'running' at start-up is a
 * tune Hashfleet died in the middle of.
 */
#pragma once

#include "hf-miner.h"
#include "hf-store.h"
#include "hf-tuner.h"

G_BEGIN_DECLS

/* One row of `tunes` (a settings value the row does not hold is -1). */
typedef struct
{
  gint64     id;
  char      *miner_key;        /* the miner's identity key, else NULL */
  char      *address;
  char      *model;
  gint64     started;          /* unix seconds */
  gint64     finished;         /* 0 while running */
  char      *state;            /* running, done, no-winner, cancelled, failed */
  char      *objective;        /* hf_tune_objective_to_string() */
  char      *params;           /* JSON */
  int        orig_frequency;
  int        orig_voltage;
  int        orig_work_mode;
  int        win_frequency;
  int        win_voltage;
  int        win_work_mode;
  char      *message;
  GPtrArray *steps;            /* HfTuneStep*, in order (hf_store_load_last_tune only) */
} HfStoreTune;

HfStoreTune *hf_store_tune_new  (void);
void         hf_store_tune_free (HfStoreTune *tune);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfStoreTune, hf_store_tune_free)

/* Insert @tune (state 'running') for @miner; its new id, or 0. */
gint64       hf_store_begin_tune        (HfStore            *store,
                                         HfMiner            *miner,
                                         const HfStoreTune  *tune,
                                         GError            **error);
gboolean     hf_store_add_tune_step     (HfStore            *store,
                                         gint64              tune_id,
                                         const HfTuneStep   *step,
                                         GError            **error);
/* The tune is over: its state, winner (-1: none), message, at @finished. */
gboolean     hf_store_end_tune          (HfStore            *store,
                                         const HfStoreTune  *tune,
                                         GError            **error);
/* Every tune still 'running' (no steps), oldest first. */
GPtrArray   *hf_store_list_running_tunes (HfStore           *store,
                                          GError           **error);
/* The last tune over of the miner known by @miner_key (else @address),
 * with its steps; NULL and no @error when there is none. */
HfStoreTune *hf_store_load_last_tune    (HfStore            *store,
                                         const char         *miner_key,
                                         const char         *address,
                                         GError            **error);

/* The changes on the store's writer, in turn with its other changes. */
void         hf_store_begin_tune_async  (HfStore             *store,
                                         HfMiner             *miner,
                                         const HfStoreTune   *tune,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gint64       hf_store_begin_tune_finish (HfStore             *store,
                                         GAsyncResult        *result,
                                         GError             **error);
void         hf_store_add_tune_step_async (HfStore             *store,
                                           gint64               tune_id,
                                           const HfTuneStep    *step,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
void         hf_store_end_tune_async    (HfStore             *store,
                                         const HfStoreTune   *tune,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* For add_tune_step and end_tune. */
gboolean     hf_store_tune_change_finish (HfStore            *store,
                                          GAsyncResult       *result,
                                          GError            **error);

/* The reads, on a worker thread. */
void         hf_store_list_running_tunes_async  (HfStore             *store,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray   *hf_store_list_running_tunes_finish (HfStore             *store,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void         hf_store_load_last_tune_async      (HfStore             *store,
                                                 const char          *miner_key,
                                                 const char          *address,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* NULL and no @error: none. */
HfStoreTune *hf_store_load_last_tune_finish     (HfStore             *store,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
