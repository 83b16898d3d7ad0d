/* hf-recorder.c
 * SPDX-License-Identifier: MIT
 *
 * The app and `hashfleet-cli watch` both record what their fleet reads;
 * this is the one place that does it.
 */
#include "hf-recorder.h"
#include "hf-store-upkeep.h"

struct _HfRecorder
{
  GObject    parent_instance;

  HfFleet   *fleet;
  HfStore   *store;
  GPtrArray *polled;         /* miners read this cycle */
  gboolean   failed;         /* reported once; retried each cycle */
  guint      writing;        /* cycles queued for, or being written by, the worker */
  gboolean   maintaining;    /* history upkeep runs on its worker thread */
  GCancellable *cancellable;
  guint      cycles;
  GSList    *flushes;        /* GTask*: wait for the write in flight */
};

enum {
  SIGNAL_FAILED,
  SIGNAL_RECOVERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfRecorder, hf_recorder, G_TYPE_OBJECT)

/* Cycles whose write may wait behind the one in progress. */
#define MAX_QUEUED_WRITES 16

static void
maintain_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HfRecorder) self = user_data;
  g_autoptr(GError) error = NULL;
  guint steps = 0;

  if (!hf_store_maintain_finish (HF_STORE (source), result, &steps, &error))
    g_debug ("history upkeep: %s", error->message);
  else if (steps > 1)
    g_debug ("history upkeep: %u steps", steps);
  self->maintaining = FALSE;
}

static void
reading_cb (HfFleet    *fleet,
            HfMiner    *miner,
            HfReading  *reading,
            HfRecorder *self)
{
  g_ptr_array_add (self->polled, g_object_ref (miner));
}

static void
answer_flushes (HfRecorder   *self,
                const GError *error)
{
  GSList *flushes = g_steal_pointer (&self->flushes);

  for (GSList *l = flushes; l != NULL; l = l->next)
    {
      g_autoptr(GTask) task = l->data;

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_slist_free (flushes);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HfRecorder) self = user_data;
  g_autoptr(GError) error = NULL;

  self->writing--;
  if (!hf_store_add_readings_finish (HF_STORE (source), result, &error))
    {
      if (!self->failed)
        g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
      self->failed = TRUE;
      if (self->writing == 0)
        answer_flushes (self, error);
      return;
    }
  if (self->writing == 0)
    answer_flushes (self, NULL);
  if (self->failed)
    g_signal_emit (self, signals[SIGNAL_RECOVERED], 0);
  self->failed = FALSE;
  self->cycles++;
  if (!self->maintaining && !g_cancellable_is_cancelled (self->cancellable))
    {
      self->maintaining = TRUE;
      hf_store_maintain_async (self->store, g_get_real_time () / G_USEC_PER_SEC,
                               self->cancellable, maintain_cb, g_object_ref (self));
    }
}

static void
cycle_finished_cb (HfFleet    *fleet,
                   guint       polled,
                   guint       answered,
                   guint       elapsed_ms,
                   HfRecorder *self)
{
  /* Writes behind a slow one (another process holding the file for a
   * moment, a slow SD card) queue on the worker in order, each with the
   * readings of its own cycle, so none is lost.  Only a disk that stays
   * this far behind has cycles skipped (said in the debug log). */
  if (self->writing >= MAX_QUEUED_WRITES)
    {
      g_debug ("%u cycle writes are still queued; this cycle's readings are skipped",
               self->writing);
      g_ptr_array_set_size (self->polled, 0);
      return;
    }
  /* A miner removed during the cycle is not written back into the store
   * its removal has left (or is about to leave). */
  for (guint i = self->polled->len; i-- > 0;)
    {
      HfMiner *miner = g_ptr_array_index (self->polled, i);

      if (hf_fleet_lookup_address (self->fleet, hf_miner_get_address (miner)) != miner)
        g_ptr_array_remove_index_fast (self->polled, i);
    }
  if (self->polled->len == 0)
    return;
  self->writing++;
  hf_store_add_readings_async (self->store, (HfMiner **) self->polled->pdata,
                               self->polled->len, NULL, written_cb, g_object_ref (self));
  g_ptr_array_set_size (self->polled, 0);
}

static void
hf_recorder_dispose (GObject *object)
{
  HfRecorder *self = HF_RECORDER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  g_clear_object (&self->fleet);
  g_clear_object (&self->store);
  g_clear_pointer (&self->polled, g_ptr_array_unref);

  G_OBJECT_CLASS (hf_recorder_parent_class)->dispose (object);
}

static void
hf_recorder_finalize (GObject *object)
{
  HfRecorder *self = HF_RECORDER (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hf_recorder_parent_class)->finalize (object);
}

static void
hf_recorder_class_init (HfRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_recorder_dispose;
  object_class->finalize = hf_recorder_finalize;

  /**
   * HfRecorder::failed:
   * @error: why the cycle could not be written
   */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /**
   * HfRecorder::recovered:
   *
   * A cycle was written after one had failed.
   */
  signals[SIGNAL_RECOVERED] =
    g_signal_new ("recovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hf_recorder_init (HfRecorder *self)
{
  self->polled = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

HfRecorder *
hf_recorder_new (HfFleet *fleet,
                 HfStore *store)
{
  HfRecorder *self;

  g_return_val_if_fail (HF_IS_FLEET (fleet), NULL);
  g_return_val_if_fail (HF_IS_STORE (store), NULL);

  self = g_object_new (HF_TYPE_RECORDER, NULL);
  self->fleet = g_object_ref (fleet);
  self->store = g_object_ref (store);
  g_signal_connect (fleet, "reading", G_CALLBACK (reading_cb), self);
  g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
  return self;
}

HfStore *
hf_recorder_get_store (HfRecorder *self)
{
  g_return_val_if_fail (HF_IS_RECORDER (self), NULL);
  return self->store;
}

guint
hf_recorder_get_cycles (HfRecorder *self)
{
  g_return_val_if_fail (HF_IS_RECORDER (self), 0);
  return self->cycles;
}

void
hf_recorder_flush_async (HfRecorder          *self,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HF_IS_RECORDER (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, hf_recorder_flush_async);
  if (self->writing == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->flushes = g_slist_append (self->flushes, g_steal_pointer (&task));
}

gboolean
hf_recorder_flush_finish (HfRecorder    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
