/* hf-state.h — what a miner is doing, in one word (HfMiner:state)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib-object.h>

#include "hf-reading.h"

G_BEGIN_DECLS

/**
 * HfState:
 * @HF_STATE_UNKNOWN: "unknown": answering, but nothing read yet says
 *   whether it hashes (no reading, or no hashrate in it)
 * @HF_STATE_HASHING: "hashing": hashing on its first pool
 * @HF_STATE_FALLBACK_POOL: "fallback-pool": hashing, on a pool other
 *   than its first (AxeOS isUsingFallbackStratum; cgminer: the active pool
 *   is not the one of highest priority)
 * @HF_STATE_NOT_HASHING: "not-hashing": answering, but 0 H/s, or no
 *   share accepted for the fleet's not-hashing-after time (longer when
 *   the pool difficulty makes shares rare, see
 *   hf_fleet_set_not_hashing_after())
 * @HF_STATE_PAUSED: "paused": stopped on purpose (AxeOS miningPaused,
 *   Avalon soft off, Antminer sleep mode, Whatsminer power off)
 * @HF_STATE_OVERHEATED: "overheated": its thermal protection took
 *   over (AxeOS overheat_mode)
 * @HF_STATE_POWER_FAULT: "power-fault": it reports a power fault
 *   (AxeOS power_fault)
 * @HF_STATE_UPDATING: "updating": writing new firmware, where a
 *   family reports it (HfReading.updating)
 * @HF_STATE_OFFLINE: "offline": not answering; HfMiner:state-since is
 *   then the time of its last answer (0 if it never answered)
 * @HF_STATE_RESTARTING: "restarting": a restart was accepted and the
 *   miner has not come back yet (HfMiner:restarting)
 *
 * When several apply, the first of this order wins: restarting, offline,
 * updating, power-fault, overheated, paused, not-hashing, fallback-pool,
 * then hashing (or unknown).  A restart we asked for explains a miner
 * that does not answer; a miner that does not answer has no current
 * reading, so nothing it last said counts; faults come before what the
 * user chose (paused), which explains a hashrate of 0; a miner on its
 * fallback pool that finds no shares is not hashing.
 */
typedef enum
{
  HF_STATE_UNKNOWN,
  HF_STATE_HASHING,
  HF_STATE_FALLBACK_POOL,
  HF_STATE_NOT_HASHING,
  HF_STATE_PAUSED,
  HF_STATE_OVERHEATED,
  HF_STATE_POWER_FAULT,
  HF_STATE_UPDATING,
  HF_STATE_OFFLINE,
  HF_STATE_RESTARTING,
} HfState;

#define HF_N_STATES (HF_STATE_RESTARTING + 1)

#define HF_TYPE_STATE (hf_state_get_type ())
GType         hf_state_get_type    (void);

/* The stable, lower-case name used in JSON, metrics and searches
 * ("hashing", "not-hashing", "fallback-pool", …); never renamed. */
const char   *hf_state_to_string   (HfState  state);
/* The state of @name; FALSE when it names none. */
gboolean      hf_state_from_string (const char   *name,
                                          HfState *state);
/* A short label for people ("Hashing", "On fallback pool", "Not hashing"),
 * translated. */
const char   *hf_state_label       (HfState  state);
/* Hashing, on its first pool or another: what HfFleet:hashing-count counts. */
gboolean      hf_state_is_hashing  (HfState  state);

/* The state of a miner that is @online (answered its last polls) and
 * @restarting, whose latest reading is @reading (NULL before the first),
 * with @no_shares when its fleet saw no share accepted for too long. */
HfState  hf_state_compute     (gboolean          online,
                                          gboolean          restarting,
                                          const HfReading  *reading,
                                          gboolean          no_shares);

G_END_DECLS
