/* hf-fleet.h — the fleet: a list model of miners, their totals, their polling
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-config.h"
#include "hf-limits.h"
#include "hf-miner.h"

G_BEGIN_DECLS

#define HF_FLEET_DEFAULT_INTERVAL_S    15
#define HF_FLEET_DEFAULT_IN_FLIGHT     HF_POLL_IN_FLIGHT
#define HF_FLEET_DEFAULT_OFFLINE_AFTER  3
/* An offline miner is polled every 2, 4, 8 cycles at most. */
#define HF_FLEET_MAX_BACKOFF_CYCLES     8
/* A miner that says it hashes but has no share accepted for this long
 * is "not-hashing" (see hf_fleet_set_not_hashing_after()). */
#define HF_FLEET_DEFAULT_NOT_HASHING_AFTER_S (10 * 60)

#define HF_TYPE_FLEET (hf_fleet_get_type ())

G_DECLARE_FINAL_TYPE (HfFleet, hf_fleet, HF, FLEET, GObject)

HfFleet  *hf_fleet_new                 (const HfConfig *config);
void      hf_fleet_set_config          (HfFleet        *self,
                                        const HfConfig *config);

/* Add an identified miner, or update the one already known: the same MAC
 * (or serial) is the same miner even at a new address.  Returns the
 * fleet's miner (owned by the fleet). */
HfMiner  *hf_fleet_add                 (HfFleet        *self,
                                        HfMiner        *miner);
gboolean  hf_fleet_remove              (HfFleet        *self,
                                        HfMiner        *miner);
HfMiner  *hf_fleet_lookup_address      (HfFleet        *self,
                                        const char     *address);

/* Polling.  A cycle polls every online miner (and the offline ones whose
 * backoff is up), at most max-in-flight at once and one request at a time
 * per miner; a cycle never overlaps the previous one. */
void      hf_fleet_set_poll_interval   (HfFleet        *self,
                                        guint           seconds);
void      hf_fleet_set_max_in_flight   (HfFleet        *self,
                                        guint           n);
void      hf_fleet_set_offline_after   (HfFleet        *self,
                                        guint           misses);
/* How long (s) a miner that says it hashes may go without a share the
 * pool accepted before it is "not-hashing": at least this, or ten times
 * the time one share takes on average at its pool's difficulty and its
 * hashrate, whichever is longer.  The clock starts at the miner's first
 * answer this session and again whenever it did not say it hashed (0 H/s,
 * paused, a fault), so a miner back from a pause is not flagged at once.
 * A miner at 0 H/s is "not-hashing" at once.  Default
 * HF_FLEET_DEFAULT_NOT_HASHING_AFTER_S. */
void      hf_fleet_set_not_hashing_after (HfFleet      *self,
                                          guint         seconds);
guint     hf_fleet_get_not_hashing_after (HfFleet      *self);
void      hf_fleet_start               (HfFleet        *self);
void      hf_fleet_stop                (HfFleet        *self);
/* Start a cycle now; FALSE when one is already running. */
gboolean  hf_fleet_poll_now            (HfFleet        *self);
gboolean  hf_fleet_get_cycle_running   (HfFleet        *self);

/* Poll @miner now, outside the cycle, and return what it read (the miner,
 * the fleet's signals and totals take it as from a cycle).  The reading
 * comes from a poll that started after this call: one already in flight
 * is waited out first, so what the caller just changed on the miner
 * shows.  A cycle that reaches the miner meanwhile takes this poll's
 * reading rather than asking twice.  Ends with G_IO_ERROR_CANCELLED when
 * polling stops, HF_ERROR_INVALID when the miner leaves the fleet; the
 * cancellable is honoured when the poll ends (each poll has a deadline). */
void       hf_fleet_poll_miner_async   (HfFleet             *self,
                                        HfMiner             *miner,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
HfReading *hf_fleet_poll_miner_finish  (HfFleet             *self,
                                        GAsyncResult        *result,
                                        GError             **error);
/* Ask @miner to reboot; once accepted the miner is "restarting" until it
 * answers again after going down (or its uptime starts over). */
void      hf_fleet_restart_async       (HfFleet             *self,
                                        HfMiner             *miner,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  hf_fleet_restart_finish      (HfFleet             *self,
                                        GAsyncResult        *result,
                                        GError             **error);
/* The options the fleet polls with (owned by the fleet). */
HfConfig *hf_fleet_get_config          (HfFleet             *self);

/* Totals over the online miners (NAN when nothing is known). */
double    hf_fleet_get_hashrate_ghs    (HfFleet        *self);
double    hf_fleet_get_power_w         (HfFleet        *self);
gboolean  hf_fleet_get_power_estimated (HfFleet        *self);
double    hf_fleet_get_efficiency_j_th (HfFleet        *self);
double    hf_fleet_get_hottest_c       (HfFleet        *self);
double    hf_fleet_get_average_temperature_c (HfFleet  *self);
guint     hf_fleet_get_online_count    (HfFleet        *self);
guint     hf_fleet_get_offline_count   (HfFleet        *self);
guint     hf_fleet_get_total_count     (HfFleet        *self);
/* Shares since the fleet first read each miner, summed from the increments
 * of its counters: a miner that restarts (its counters start again) or
 * goes offline takes nothing away. */
double    hf_fleet_get_accepted        (HfFleet        *self);
double    hf_fleet_get_rejected        (HfFleet        *self);
/* Online miners whose state is "hashing" or "fallback-pool"
 * (hf_state_is_hashing()); online-count counts every one that
 * answers (property "hashing-count"). */
guint     hf_fleet_get_hashing_count   (HfFleet        *self);
/* The best share any miner reports (all time where the firmware keeps it,
 * else since it started), offline ones included: a record, not a rate
 * ("best-difficulty"). */
double    hf_fleet_get_best_difficulty (HfFleet        *self);
/* Bitcoin's difficulty as the online miner that read it last reports it
 * (AxeOS networkDifficulty; NAN when none does) ("network-difficulty"). */
double    hf_fleet_get_network_difficulty (HfFleet     *self);
/* At the fleet's hashrate and that difficulty: the average time to a
 * block, difficulty × 2^32 / hashrate, in seconds
 * ("expected-block-seconds"); and the chance of at least one block in a
 * day, 1 − e^−(hashrate × 86400 / (difficulty × 2^32)) — for a home fleet
 * the same as the expected blocks per day ("block-chance-per-day").  NAN
 * while either is unknown or nothing hashes. */
double    hf_fleet_get_expected_block_seconds (HfFleet *self);
double    hf_fleet_get_block_chance_per_day   (HfFleet *self);
/* The sum of the miners' HfMiner:blocks-found ("blocks-found"). */
guint     hf_fleet_get_blocks_found    (HfFleet        *self);

/* The same totals, for some of the fleet's miners (a group, what a view
 * shows); accepted and rejected as the fleet last counted them. */
typedef struct
{
  double   hashrate_ghs;
  double   power_w;
  gboolean power_estimated;
  double   efficiency_j_th;
  double   hottest_c;
  double   average_temperature_c;
  guint    online;
  guint    offline;
  guint    total;
  guint    hashing;
  double   accepted;
  double   rejected;
  double   best_difficulty;
  double   network_difficulty;
  double   expected_block_seconds;
  double   block_chance_per_day;
  guint    blocks_found;
} HfFleetTotals;

void      hf_fleet_compute_totals      (HfFleet        *self,
                                        GListModel     *miners,
                                        HfFleetTotals  *totals);

G_END_DECLS
