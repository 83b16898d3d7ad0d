/* hf-store-events.h — events kept in the store: found blocks
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-store.h"

G_BEGIN_DECLS

/* The kind of event a miner's found-blocks counter moving is.  The
 * thermal guardian's steps are HF_EVENT_THERMAL_STEP_DOWN and _UP
 * (hf-thermal-guardian.h): @count is the options stepped down after it,
 * @counter the frequency (MHz) or work mode it went to, @detail JSON
 * {"direction": "down"|"up", "from", "to", "unit": "MHz"|"work mode",
 * "sensor": "chip"|"vr" (down), "temperature_c", "limit_c", "chip_c",
 * "vr_c", "cool_min" (up), "steps", "text": "490 MHz → 450 MHz: chip
 * 72 °C over 70 °C"}. */
#define HF_EVENT_BLOCK_FOUND "block-found"

/**
 * HfStoreEvent:
 * @time: when it was seen, unix seconds
 * @kind: HF_EVENT_BLOCK_FOUND
 * @address: the miner's address then (listing only; a write takes the miner's)
 * @hostname: its hostname then, or NULL (listing only)
 * @identity: its MAC or serial, or NULL (listing only)
 * @count: how many blocks the event stands for (1 unless several were
 *   found between two readings)
 * @counter: the miner's own counter after them (NAN if not known)
 * @network_difficulty: the network difficulty the miner reported then
 *   (NAN if not known)
 * @detail: what else the event says (JSON, per kind), or NULL
 *
 * Events are kept forever (history retention does not apply) and go with
 * their miner when it is removed without its history.
 */
typedef struct
{
  gint64  time;
  char   *kind;
  char   *address;
  char   *hostname;
  char   *identity;
  guint   count;
  double  counter;
  double  network_difficulty;
  char   *detail;
} HfStoreEvent;

HfStoreEvent *hf_store_event_new   (const char         *kind);
void          hf_store_event_free  (HfStoreEvent       *event);
HfStoreEvent *hf_store_event_copy  (const HfStoreEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfStoreEvent, hf_store_event_free)

/* Record @event of @miner (saved first if the store does not know it), in
 * one transaction. */
gboolean      hf_store_add_event   (HfStore            *store,
                                    HfMiner            *miner,
                                    const HfStoreEvent *event,
                                    GError            **error);
/* The same on the store's writer, in turn with its other changes (see
 * hf_store_add_readings_async()). */
void          hf_store_add_event_async  (HfStore             *store,
                                         HfMiner             *miner,
                                         const HfStoreEvent  *event,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean      hf_store_add_event_finish (HfStore             *store,
                                         GAsyncResult        *result,
                                         GError             **error);
/* Events of @kind (NULL: every kind) from @since to before @until (unix
 * seconds; 0: no bound), oldest first: a GPtrArray of HfStoreEvent*. */
GPtrArray    *hf_store_list_events (HfStore            *store,
                                    const char         *kind,
                                    gint64              since,
                                    gint64              until,
                                    GError            **error);

G_END_DECLS
