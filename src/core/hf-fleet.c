/* hf-fleet.c
 * SPDX-License-Identifier: MIT
 *
 * The fleet is a GListModel (a GListStore inside) so that the app's views
 * bind to it directly.  Polling state that only the poller needs (misses,
 * backoff, a request in flight) lives here, beside the miners, not on
 * them.  Totals are recomputed in one pass, coalesced in an idle, and
 * notify only the properties whose value changed.
 */
#include <math.h>

#include "hf-driver.h"
#include "hf-error.h"
#include "hf-fleet.h"

typedef struct
{
  guint    misses;
  guint    backoff;       /* cycles between tries while offline */
  guint    skip;          /* cycles left to skip */
  gboolean in_flight;
  /* After an accepted restart: when, the uptime then, and whether a poll
   * has failed since (the miner went down). */
  gint64   restart_at;
  double   uptime_at_restart;
  gboolean missed_since_restart;
  /* Its keys in the fleet's indexes, as they were when indexed. */
  char    *address;
  char    *identity;
  /* hf_fleet_poll_miner_async(): polls of it started so far, and who
   * waits for one started after they asked. */
  guint    started;
  GSList  *waiters;       /* Waiter* */
  /* The share clock: the accepted count last seen, and since when (the
   * reading's time) it has not moved while the miner said it hashed. */
  double   shares_seen;
  gint64   shares_since;
  /* Shares counted from its readings' increments (the firmware's counters
   * start again from 0 when it restarts): the last counters and uptime
   * seen, of which reading, and the sums so far (NAN: none reported). */
  gint64   shares_at;
  double   accepted_last;
  double   rejected_last;
  double   uptime_last;
  double   accepted_sum;
  double   rejected_sum;
} PollState;

/* Every count unknown (NAN) until a reading brings one: 0 would be a
 * count of none, in the totals too. */
static PollState *
poll_state_new (void)
{
  PollState *st = g_new0 (PollState, 1);

  st->shares_seen = NAN;
  st->accepted_last = st->rejected_last = st->uptime_last = NAN;
  st->accepted_sum = st->rejected_sum = NAN;
  return st;
}

typedef struct
{
  GTask *task;
  guint  need;            /* the poll number that answers it */
} Waiter;

static void
fail_waiters (PollState    *st,
              const GError *error)
{
  /* Detached first: an answer's callback may ask again (a new waiter)
   * or stop the fleet (fail_waiters again) while these are answered. */
  GSList *waiters = g_steal_pointer (&st->waiters);

  for (GSList *l = waiters; l != NULL; l = l->next)
    {
      Waiter *w = l->data;

      g_task_return_error (w->task, g_error_copy (error));
      g_object_unref (w->task);
      g_free (w);
    }
  g_slist_free (waiters);
}

static void
poll_state_free (gpointer data)
{
  PollState *st = data;
  g_autoptr(GError) gone = g_error_new_literal (HF_ERROR, HF_ERROR_INVALID,
                                                "the miner left the fleet");

  fail_waiters (st, gone);
  g_free (st->address);
  g_free (st->identity);
  g_free (st);
}

/* A miner that never seems to go down is not "restarting" forever. */
#define RESTART_SETTLE_US (10 * 60 * G_USEC_PER_SEC)

struct _HfFleet
{
  GObject       parent_instance;

  GListStore   *miners;
  GHashTable   *state;          /* HfMiner* → PollState* */
  GHashTable   *by_address;     /* address → HfMiner*, keys in PollState */
  GHashTable   *by_identity;    /* MAC or serial → HfMiner* */
  HfConfig     *config;
  GCancellable *cancellable;

  guint         interval_s;
  guint         max_in_flight;
  guint         offline_after;
  guint         not_hashing_after_s;
  guint         timer;

  /* The cycle in progress. */
  gboolean      cycle_running;
  GQueue        due;            /* HfMiner* (ref) still to poll */
  guint         in_flight;
  /* Polls of one miner asked for outside the cycle. */
  guint         extra_in_flight;
  guint         cycle_polled;
  guint         cycle_ok;
  gint64        cycle_started;

  guint         totals_idle;
  guint         poll_idle;
  double        hashrate_ghs;
  double        power_w;
  gboolean      power_estimated;
  double        efficiency;
  double        hottest;
  double        average_temperature;
  guint         online;
  guint         offline;
  double        accepted;
  double        rejected;
  guint         hashing;
  double        best_difficulty;
  double        network_difficulty;
  double        expected_block_s;
  double        block_chance_day;
  guint         blocks_found;
};

enum {
  PROP_0,
  PROP_HASHRATE_GHS,
  PROP_POWER_W,
  PROP_POWER_ESTIMATED,
  PROP_EFFICIENCY_J_TH,
  PROP_HOTTEST_C,
  PROP_AVERAGE_TEMPERATURE_C,
  PROP_ONLINE_COUNT,
  PROP_OFFLINE_COUNT,
  PROP_TOTAL_COUNT,
  PROP_ACCEPTED,
  PROP_REJECTED,
  PROP_CYCLE_RUNNING,
  PROP_HASHING_COUNT,
  PROP_BEST_DIFFICULTY,
  PROP_NETWORK_DIFFICULTY,
  PROP_EXPECTED_BLOCK_SECONDS,
  PROP_BLOCK_CHANCE_PER_DAY,
  PROP_BLOCKS_FOUND,
  N_PROPS
};

enum {
  SIGNAL_MINER_OFFLINE,
  SIGNAL_MINER_ONLINE,
  SIGNAL_READING,
  SIGNAL_CYCLE_FINISHED,
  SIGNAL_BLOCK_FOUND,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HfFleet, hf_fleet, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return HF_TYPE_MINER;
}

static guint
get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (HF_FLEET (model)->miners));
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (HF_FLEET (model)->miners), position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static gboolean
same (double a,
      double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

#define SET_TOTAL(field, value, prop)                                   \
  G_STMT_START {                                                        \
    double v_ = (value);                                                \
    if (!same (self->field, v_))                                        \
      {                                                                 \
        self->field = v_;                                               \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);   \
      }                                                                 \
  } G_STMT_END

/* 2^32: the hashes one share of difficulty 1 takes on average. */
#define HASHES_PER_DIFFICULTY 4294967296.0

/* What @counter adds since @last: the difference, or after the miner
 * started again (the counter or its uptime went down), all of it. */
static double
increment (double   counter,
           double   last,
           gboolean restarted)
{
  if (isnan (last) || restarted || counter < last)
    return counter;
  return counter - last;
}

/* Add @r's share counters to @st once (a reading is counted when the
 * totals are recomputed, at the latest at the end of its cycle). */
static void
count_shares (PollState       *st,
              const HfReading *r)
{
  gboolean first = st->shares_at == 0;
  gboolean restarted;

  if (r->timestamp <= st->shares_at)
    return;
  restarted = hf_reading_known (r->uptime_s) && hf_reading_known (st->uptime_last)
              && r->uptime_s < st->uptime_last;
  if (hf_reading_known (r->accepted))
    {
      /* The first reading seen brings what the miner counted so far. */
      double add = first ? r->accepted : increment (r->accepted, st->accepted_last, restarted);
      st->accepted_sum = (isnan (st->accepted_sum) ? 0 : st->accepted_sum) + add;
      st->accepted_last = r->accepted;
    }
  if (hf_reading_known (r->rejected))
    {
      double add = first ? r->rejected : increment (r->rejected, st->rejected_last, restarted);
      st->rejected_sum = (isnan (st->rejected_sum) ? 0 : st->rejected_sum) + add;
      st->rejected_last = r->rejected;
    }
  if (hf_reading_known (r->uptime_s))
    st->uptime_last = r->uptime_s;
  st->shares_at = r->timestamp;
}

/* The totals of @miners (of @self); with @account, the shares of their
 * readings are counted first (once a cycle, for the whole fleet). */
static void
sum_totals (HfFleet        *self,
            GListModel     *miners,
            gboolean        account,
            HfFleetTotals  *t)
{
  guint n = g_list_model_get_n_items (miners);
  double hashrate = NAN, power = NAN, hottest = NAN, temp_sum = 0, accepted = NAN;
  double rejected = NAN, eff_power = 0, eff_hash = 0, best = NAN, network = NAN;
  double expected = NAN, chance = NAN;
  gint64 network_at = 0;
  guint temps = 0, online = 0, hashing = 0, blocks = 0;
  gboolean estimated = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (miners, i);
      const HfReading *r = hf_miner_get_reading (miner);
      PollState *st = g_hash_table_lookup (self->state, miner);

      /* Shares accepted stay accepted: a miner that restarts or goes
       * offline keeps what it counted in the fleet's total. */
      if (account && st != NULL && r != NULL && hf_miner_get_online (miner))
        count_shares (st, r);
      if (st != NULL && !isnan (st->accepted_sum))
        accepted = (isnan (accepted) ? 0 : accepted) + st->accepted_sum;
      if (st != NULL && !isnan (st->rejected_sum))
        rejected = (isnan (rejected) ? 0 : rejected) + st->rejected_sum;

      blocks += MIN (hf_miner_get_blocks_found (miner), G_MAXUINT - blocks);
      /* A best share is a record, not a rate: an offline miner's counts. */
      if (r != NULL)
        best = hf_max_known (best, hf_max_known (r->best_difficulty,
                                                 r->best_session_difficulty));
      /* An offline miner's last numbers stay on its card, not in the sum. */
      if (!hf_miner_get_online (miner))
        continue;
      online++;
      if (hf_state_is_hashing (hf_miner_get_state (miner)))
        hashing++;
      if (r == NULL)
        continue;
      /* The network's difficulty as the miner that read it last saw it. */
      if (!isnan (r->network_difficulty) && r->timestamp >= network_at)
        {
          network = r->network_difficulty;
          network_at = r->timestamp;
        }
      if (!isnan (r->hashrate_ghs))
        hashrate = (isnan (hashrate) ? 0 : hashrate) + r->hashrate_ghs;
      if (!isnan (r->power_w))
        {
          power = (isnan (power) ? 0 : power) + r->power_w;
          estimated = estimated || r->power_estimated;
          if (!isnan (r->hashrate_ghs))
            {
              eff_power += r->power_w;
              eff_hash += r->hashrate_ghs;
            }
        }
      if (!isnan (r->temperature_c))
        {
          hottest = hf_max_known (hottest, r->temperature_c);
          temp_sum += r->temperature_c;
          temps++;
        }
    }

  /* Blocks expected per day: hashrate × 86400 / (difficulty × 2^32); the
   * chance of at least one is 1 − e^−that (the same for small fleets, and
   * never above 1 for a large one). */
  if (!isnan (network) && hashrate > 0)
    {
      double per_day = hashrate * 1e9 * 86400.0 / (network * HASHES_PER_DIFFICULTY);

      expected = network * HASHES_PER_DIFFICULTY / (hashrate * 1e9);
      chance = -expm1 (-per_day);
    }

  t->best_difficulty = best;
  t->network_difficulty = network;
  t->expected_block_seconds = expected;
  t->block_chance_per_day = chance;
  t->hashing = hashing;
  t->blocks_found = blocks;
  t->hashrate_ghs = hashrate;
  t->power_w = power;
  t->power_estimated = estimated;
  /* J/TH over the miners that report both power and hashrate. */
  t->efficiency_j_th = eff_hash > 0 ? eff_power / (eff_hash / 1000.0) : NAN;
  t->hottest_c = hottest;
  t->average_temperature_c = temps > 0 ? temp_sum / temps : NAN;
  t->accepted = accepted;
  t->rejected = rejected;
  t->online = online;
  t->offline = n - online;
  t->total = n;
}

void
hf_fleet_compute_totals (HfFleet       *self,
                         GListModel    *miners,
                         HfFleetTotals *totals)
{
  g_return_if_fail (HF_IS_FLEET (self));
  g_return_if_fail (G_IS_LIST_MODEL (miners));
  g_return_if_fail (totals != NULL);
  sum_totals (self, miners, FALSE, totals);
}

static void
recompute_totals (HfFleet *self)
{
  HfFleetTotals t;
  double best, network, expected, chance, hashrate, power, hottest, accepted, rejected;
  guint hashing, blocks, online, n;
  gboolean estimated;

  sum_totals (self, G_LIST_MODEL (self->miners), TRUE, &t);
  best = t.best_difficulty, network = t.network_difficulty;
  expected = t.expected_block_seconds, chance = t.block_chance_per_day;
  hashing = t.hashing, blocks = t.blocks_found, hashrate = t.hashrate_ghs, power = t.power_w;
  estimated = t.power_estimated, hottest = t.hottest_c, accepted = t.accepted;
  rejected = t.rejected, online = t.online, n = t.total;

  g_object_freeze_notify (G_OBJECT (self));
  SET_TOTAL (best_difficulty, best, PROP_BEST_DIFFICULTY);
  SET_TOTAL (network_difficulty, network, PROP_NETWORK_DIFFICULTY);
  SET_TOTAL (expected_block_s, expected, PROP_EXPECTED_BLOCK_SECONDS);
  SET_TOTAL (block_chance_day, chance, PROP_BLOCK_CHANCE_PER_DAY);
  if (self->hashing != hashing)
    {
      self->hashing = hashing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HASHING_COUNT]);
    }
  if (self->blocks_found != blocks)
    {
      self->blocks_found = blocks;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLOCKS_FOUND]);
    }
  SET_TOTAL (hashrate_ghs, hashrate, PROP_HASHRATE_GHS);
  SET_TOTAL (power_w, power, PROP_POWER_W);
  if (self->power_estimated != estimated)
    {
      self->power_estimated = estimated;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POWER_ESTIMATED]);
    }
  /* J/TH over the miners that report both power and hashrate. */
  SET_TOTAL (efficiency, t.efficiency_j_th, PROP_EFFICIENCY_J_TH);
  SET_TOTAL (hottest, hottest, PROP_HOTTEST_C);
  SET_TOTAL (average_temperature, t.average_temperature_c, PROP_AVERAGE_TEMPERATURE_C);
  SET_TOTAL (accepted, accepted, PROP_ACCEPTED);
  SET_TOTAL (rejected, rejected, PROP_REJECTED);
  if (self->online != online)
    {
      self->online = online;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE_COUNT]);
    }
  if (self->offline != n - online)
    {
      self->offline = n - online;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE_COUNT]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
totals_idle_cb (gpointer user_data)
{
  HfFleet *self = user_data;

  self->totals_idle = 0;
  recompute_totals (self);
  return G_SOURCE_REMOVE;
}

static void
queue_totals (HfFleet *self)
{
  if (self->totals_idle == 0)
    self->totals_idle = g_idle_add_full (G_PRIORITY_LOW, totals_idle_cb, self, NULL);
}

/* How long a miner that says it hashes may go without an accepted share:
 * the fleet's not-hashing-after, or ten times the time one share takes on
 * average at its pool's difficulty, whichever is longer.  A small miner
 * on a pool that asks a lot of each share finds one rarely; missing ten
 * expected ones in a row happens by chance once in 22 000 times. */
static double
share_silence_limit_us (HfFleet         *self,
                        const HfReading *r)
{
  double limit = (double) self->not_hashing_after_s * G_USEC_PER_SEC;

  if (r->hashrate_ghs > 0 && !isnan (r->pool_difficulty))
    limit = MAX (limit, 10.0 * r->pool_difficulty * HASHES_PER_DIFFICULTY
                        / (r->hashrate_ghs * 1e9) * G_USEC_PER_SEC);
  return limit;
}

/* The share clock runs only while the miner says it hashes: a miner back
 * from a pause (or a restart) starts it again. */
static void
update_share_clock (PollState       *st,
                    const HfReading *r)
{
  gboolean says_hashing = r->hashrate_ghs > 0 && !r->paused && !r->overheated
                          && !r->power_fault && !r->updating;

  if (isnan (r->accepted))
    {
      st->shares_seen = NAN;
      st->shares_since = 0;
      return;
    }
  if (!says_hashing || isnan (st->shares_seen) || r->accepted != st->shares_seen)
    st->shares_since = r->timestamp;
  st->shares_seen = r->accepted;
}

static void
update_state (HfFleet *self,
              HfMiner *miner)
{
  PollState *st = g_hash_table_lookup (self->state, miner);
  const HfReading *r = hf_miner_get_reading (miner);
  gboolean online = hf_miner_get_online (miner);
  gboolean no_shares = FALSE;
  HfState state;

  if (st != NULL && r != NULL && online && st->shares_since != 0)
    no_shares = (double) (r->timestamp - st->shares_since) >= share_silence_limit_us (self, r);
  state = hf_state_compute (online, hf_miner_get_restarting (miner), r, no_shares);
  hf_miner_set_state (miner, state, state == HF_STATE_OFFLINE
                                    ? hf_miner_get_last_seen (miner) : g_get_real_time ());
}

static void
miner_online_cb (HfMiner *miner,
                 GParamSpec *pspec,
                 HfFleet *self)
{
  update_state (self, miner);
  queue_totals (self);
}

static void
items_changed_cb (GListModel *store,
                  guint       position,
                  guint       removed,
                  guint       added,
                  HfFleet    *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_COUNT]);
  queue_totals (self);
}

/* ---- polling --------------------------------------------------------- */

static void poll_next (HfFleet *self);

static void
cycle_finish (HfFleet *self)
{
  guint elapsed = (guint) ((g_get_monotonic_time () - self->cycle_started) / 1000);

  self->cycle_running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CYCLE_RUNNING]);
  g_clear_handle_id (&self->totals_idle, g_source_remove);
  recompute_totals (self);
  g_debug ("cycle: %u polled, %u answered, %u ms", self->cycle_polled, self->cycle_ok, elapsed);
  g_signal_emit (self, signals[SIGNAL_CYCLE_FINISHED], 0, self->cycle_polled, self->cycle_ok,
                 elapsed);
}

typedef struct
{
  HfFleet *fleet;
  HfMiner *miner;
  guint    seq;           /* which poll of this miner */
  gboolean in_cycle;
} PollOp;

static void
update_capabilities (HfMiner *miner)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (miner));

  hf_miner_set_capabilities (miner, driver ? hf_driver_get_capabilities (driver, miner) : 0);
}

static void polled_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
start_poll (HfFleet   *self,
            HfMiner   *miner,
            PollState *st,
            HfDriver  *driver,
            gboolean   in_cycle)
{
  PollOp *op = g_new0 (PollOp, 1);

  st->in_flight = TRUE;
  if (in_cycle)
    {
      self->in_flight++;
      self->cycle_polled++;
    }
  else
    self->extra_in_flight++;
  op->fleet = g_object_ref (self);
  op->miner = g_object_ref (miner);
  op->seq = ++st->started;
  op->in_cycle = in_cycle;
  hf_driver_poll_async (driver, miner, self->config, self->cancellable, polled_cb, op);
}

/* Those who asked before poll @seq started have their answer; if others
 * asked while it ran, another poll starts for them. */
static void
answer_waiters (HfFleet         *self,
                HfMiner         *miner,
                PollState       *st,
                guint            seq,
                const HfReading *reading,
                const GError    *error)
{
  GSList *left = NULL, *ready = NULL;
  GSList *waiters = g_steal_pointer (&st->waiters);

  /* Sorted out before any answer: a callback may stop the fleet or remove
   * the miner (freeing @st), and must find only the waiters not answered. */
  for (GSList *l = waiters; l != NULL; l = l->next)
    {
      Waiter *w = l->data;

      if (w->need > seq)
        left = g_slist_prepend (left, w);
      else
        ready = g_slist_prepend (ready, w);
    }
  g_slist_free (waiters);
  st->waiters = g_slist_reverse (left);
  if (st->waiters != NULL && !st->in_flight)
    {
      HfDriver *driver = hf_driver_for_family (hf_miner_get_family (miner));

      if (driver != NULL)
        start_poll (self, miner, st, driver, FALSE);
    }
  ready = g_slist_reverse (ready);
  for (GSList *l = ready; l != NULL; l = l->next)
    {
      Waiter *w = l->data;

      if (reading != NULL)
        g_task_return_pointer (w->task, hf_reading_copy (reading), (GDestroyNotify) hf_reading_free);
      else
        g_task_return_error (w->task, g_error_copy (error));
      g_object_unref (w->task);
      g_free (w);
    }
  g_slist_free (ready);
}

/* A restarting miner has come back when it missed a poll since, its uptime
 * went back, or it has been long enough. */
static gboolean
restart_settled (PollState       *st,
                 const HfReading *reading)
{
  if (st->missed_since_restart)
    return TRUE;
  if (hf_reading_known (reading->uptime_s) && hf_reading_known (st->uptime_at_restart)
      && reading->uptime_s < st->uptime_at_restart)
    return TRUE;
  return g_get_monotonic_time () - st->restart_at > RESTART_SETTLE_US;
}

/* @miner's counter moved by @blocks in @reading: count them and say so. */
static void
add_blocks (HfFleet         *self,
            HfMiner         *miner,
            guint            blocks,
            const HfReading *reading)
{
  guint before = hf_miner_get_blocks_found (miner);

  if (blocks == 0)
    return;
  hf_miner_set_blocks_found (miner, before + MIN (blocks, G_MAXUINT - before));
  g_debug ("%s: %u block%s found", hf_miner_get_address (miner), blocks, blocks == 1 ? "" : "s");
  g_signal_emit (self, signals[SIGNAL_BLOCK_FOUND], 0, miner, blocks, reading);
  queue_totals (self);
}

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  PollOp *op = user_data;
  g_autoptr(HfFleet) self = op->fleet;
  g_autoptr(HfMiner) miner = op->miner;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) reading = NULL;
  guint seq = op->seq;
  gboolean in_cycle = op->in_cycle;
  PollState *st;

  g_free (op);
  reading = hf_driver_poll_finish (HF_DRIVER (source), result, &error);
  /* The fleet stopped (its waiters were told then). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (in_cycle)
    self->in_flight--;
  else
    self->extra_in_flight--;
  st = g_hash_table_lookup (self->state, miner);
  if (st == NULL)
    {
      /* Removed while its poll was in flight. */
      if (in_cycle)
        poll_next (self);
      return;
    }
  st->in_flight = FALSE;

  if (reading != NULL)
    {
      gboolean was_offline = !hf_miner_get_online (miner) && st->misses > 0;
      guint blocks;

      /* Against the reading before (from the store, for a restored miner):
       * the firmware's counter only says what it found since it started. */
      hf_reading_carry_counters (hf_miner_get_reading (miner), reading);
      blocks = hf_reading_blocks_since (hf_miner_get_reading (miner), reading);

      if (in_cycle)
        self->cycle_ok++;
      st->misses = 0;
      st->backoff = 0;
      st->skip = 0;
      if (hf_miner_get_restarting (miner) && restart_settled (st, reading))
        hf_miner_set_restarting (miner, FALSE);
      update_share_clock (st, reading);
      hf_miner_set_reading (miner, reading);
      hf_miner_set_error (miner, NULL);
      hf_miner_set_online (miner, TRUE);
      update_state (self, miner);
      /* What a miner can do may follow its firmware (read again here). */
      update_capabilities (miner);
      g_signal_emit (self, signals[SIGNAL_READING], 0, miner, reading);
      add_blocks (self, miner, blocks, reading);
      if (was_offline)
        {
          g_signal_emit (self, signals[SIGNAL_MINER_ONLINE], 0, miner);
          queue_totals (self);
        }
    }
  else
    {
      st->misses++;
      st->missed_since_restart = TRUE;
      hf_miner_set_failure (miner, error);
      if (!hf_miner_get_online (miner))
        {
          /* Still down: wait longer before the next try. */
          st->backoff = MIN (MAX (st->backoff * 2, 2u), (guint) HF_FLEET_MAX_BACKOFF_CYCLES);
          st->skip = st->backoff - 1;
        }
      else if (st->misses >= self->offline_after)
        {
          hf_miner_set_online (miner, FALSE);
          g_signal_emit (self, signals[SIGNAL_MINER_OFFLINE], 0, miner);
          queue_totals (self);
        }
      update_state (self, miner);
    }
  answer_waiters (self, miner, st, seq, reading, error);
  /* Readings change the totals once, at the end of the cycle: summing the
   * fleet after each of a thousand readings would make a cycle quadratic. */
  if (in_cycle)
    poll_next (self);
  else
    queue_totals (self);
}

/* Starting a poll costs a socket and a connect: hundreds at once would hold
 * the main loop.  Start at most this many per dispatch, go on from an idle. */
#define POLLS_PER_DISPATCH 32

static gboolean
poll_idle_cb (gpointer user_data)
{
  HfFleet *self = user_data;

  self->poll_idle = 0;
  poll_next (self);
  return G_SOURCE_REMOVE;
}

static void
poll_next (HfFleet *self)
{
  guint started = 0;

  while (self->in_flight < self->max_in_flight && !g_queue_is_empty (&self->due))
    {
      if (started++ == POLLS_PER_DISPATCH)
        {
          if (self->poll_idle == 0)
            self->poll_idle = g_idle_add (poll_idle_cb, self);
          return;
        }
      g_autoptr(HfMiner) miner = g_queue_pop_head (&self->due);
      PollState *st = g_hash_table_lookup (self->state, miner);
      HfDriver *driver = hf_driver_for_family (hf_miner_get_family (miner));

      /* One request at a time per miner: one asked for by itself is in
       * flight, and its reading serves the cycle too. */
      if (st == NULL || st->in_flight || driver == NULL)
        continue;
      start_poll (self, miner, st, driver, TRUE);
    }
  if (self->cycle_running && self->in_flight == 0 && g_queue_is_empty (&self->due))
    cycle_finish (self);
}

gboolean
hf_fleet_poll_now (HfFleet *self)
{
  guint n;

  g_return_val_if_fail (HF_IS_FLEET (self), FALSE);

  if (self->cycle_running)
    {
      g_debug ("previous cycle still running; not starting another");
      return FALSE;
    }
  self->cycle_running = TRUE;
  self->cycle_polled = 0;
  self->cycle_ok = 0;
  self->cycle_started = g_get_monotonic_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CYCLE_RUNNING]);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->miners));
  for (guint i = 0; i < n; i++)
    {
      HfMiner *miner = g_list_model_get_item (G_LIST_MODEL (self->miners), i);
      PollState *st = g_hash_table_lookup (self->state, miner);

      if (st != NULL && st->skip > 0 && !hf_miner_get_online (miner))
        {
          st->skip--;
          g_object_unref (miner);
          continue;
        }
      /* Miners that missed last time go first: if they are hung, their
       * deadlines then run alongside everybody else's polls instead of
       * starting late and stretching the cycle. */
      if (st != NULL && st->misses > 0)
        g_queue_push_head (&self->due, miner);
      else
        g_queue_push_tail (&self->due, miner);
    }
  poll_next (self);
  return TRUE;
}

static gboolean
timer_cb (gpointer user_data)
{
  hf_fleet_poll_now (user_data);
  return G_SOURCE_CONTINUE;
}

void
hf_fleet_start (HfFleet *self)
{
  g_return_if_fail (HF_IS_FLEET (self));

  g_clear_handle_id (&self->timer, g_source_remove);
  self->timer = g_timeout_add_seconds (self->interval_s, timer_cb, self);
}

void
hf_fleet_stop (HfFleet *self)
{
  g_return_if_fail (HF_IS_FLEET (self));

  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_handle_id (&self->poll_idle, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_queue_clear_full (&self->due, g_object_unref);
  self->in_flight = 0;
  self->extra_in_flight = 0;
  {
    g_autoptr(GError) stopped = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "polling stopped");
    GHashTableIter iter;
    PollState *st;

    g_hash_table_iter_init (&iter, self->state);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &st))
      {
        st->in_flight = FALSE;
        fail_waiters (st, stopped);
      }
  }
  if (self->cycle_running)
    cycle_finish (self);
}

/* ---- GObject ------------------------------------------------------------ */

static void
hf_fleet_dispose (GObject *object)
{
  HfFleet *self = HF_FLEET (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_handle_id (&self->totals_idle, g_source_remove);
  g_clear_handle_id (&self->poll_idle, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_queue_clear_full (&self->due, g_object_unref);
  if (self->miners != NULL)
    g_signal_handlers_disconnect_by_data (self->miners, self);
  g_clear_object (&self->miners);

  G_OBJECT_CLASS (hf_fleet_parent_class)->dispose (object);
}

static void
hf_fleet_finalize (GObject *object)
{
  HfFleet *self = HF_FLEET (object);

  g_clear_pointer (&self->by_address, g_hash_table_unref);
  g_clear_pointer (&self->by_identity, g_hash_table_unref);
  g_clear_pointer (&self->state, g_hash_table_unref);
  g_clear_pointer (&self->config, hf_config_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hf_fleet_parent_class)->finalize (object);
}

static void
hf_fleet_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  HfFleet *self = HF_FLEET (object);

  switch (prop_id)
    {
    case PROP_HASHRATE_GHS: g_value_set_double (value, self->hashrate_ghs); break;
    case PROP_POWER_W: g_value_set_double (value, self->power_w); break;
    case PROP_POWER_ESTIMATED: g_value_set_boolean (value, self->power_estimated); break;
    case PROP_EFFICIENCY_J_TH: g_value_set_double (value, self->efficiency); break;
    case PROP_HOTTEST_C: g_value_set_double (value, self->hottest); break;
    case PROP_AVERAGE_TEMPERATURE_C: g_value_set_double (value, self->average_temperature); break;
    case PROP_ONLINE_COUNT: g_value_set_uint (value, self->online); break;
    case PROP_OFFLINE_COUNT: g_value_set_uint (value, self->offline); break;
    case PROP_TOTAL_COUNT: g_value_set_uint (value, hf_fleet_get_total_count (self)); break;
    case PROP_ACCEPTED: g_value_set_double (value, self->accepted); break;
    case PROP_REJECTED: g_value_set_double (value, self->rejected); break;
    case PROP_CYCLE_RUNNING: g_value_set_boolean (value, self->cycle_running); break;
    case PROP_HASHING_COUNT: g_value_set_uint (value, self->hashing); break;
    case PROP_BEST_DIFFICULTY: g_value_set_double (value, self->best_difficulty); break;
    case PROP_NETWORK_DIFFICULTY: g_value_set_double (value, self->network_difficulty); break;
    case PROP_EXPECTED_BLOCK_SECONDS: g_value_set_double (value, self->expected_block_s); break;
    case PROP_BLOCK_CHANCE_PER_DAY: g_value_set_double (value, self->block_chance_day); break;
    case PROP_BLOCKS_FOUND: g_value_set_uint (value, self->blocks_found); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_fleet_class_init (HfFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = hf_fleet_dispose;
  object_class->finalize = hf_fleet_finalize;
  object_class->get_property = hf_fleet_get_property;

  /* Unknown totals are NAN at run time; a pspec default cannot be NAN. */
#define DOUBLE_PROP(id, name) \
  properties[id] = g_param_spec_double (name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro)
  DOUBLE_PROP (PROP_HASHRATE_GHS, "hashrate-ghs");
  DOUBLE_PROP (PROP_POWER_W, "power-w");
  DOUBLE_PROP (PROP_EFFICIENCY_J_TH, "efficiency-j-th");
  DOUBLE_PROP (PROP_HOTTEST_C, "hottest-c");
  DOUBLE_PROP (PROP_AVERAGE_TEMPERATURE_C, "average-temperature-c");
  DOUBLE_PROP (PROP_ACCEPTED, "accepted");
  DOUBLE_PROP (PROP_REJECTED, "rejected");
  DOUBLE_PROP (PROP_BEST_DIFFICULTY, "best-difficulty");
  DOUBLE_PROP (PROP_NETWORK_DIFFICULTY, "network-difficulty");
  DOUBLE_PROP (PROP_EXPECTED_BLOCK_SECONDS, "expected-block-seconds");
  DOUBLE_PROP (PROP_BLOCK_CHANCE_PER_DAY, "block-chance-per-day");
#undef DOUBLE_PROP
  properties[PROP_HASHING_COUNT] =
    g_param_spec_uint ("hashing-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_BLOCKS_FOUND] =
    g_param_spec_uint ("blocks-found", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_POWER_ESTIMATED] =
    g_param_spec_boolean ("power-estimated", NULL, NULL, FALSE, ro);
  properties[PROP_ONLINE_COUNT] = g_param_spec_uint ("online-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_OFFLINE_COUNT] =
    g_param_spec_uint ("offline-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_TOTAL_COUNT] = g_param_spec_uint ("total-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CYCLE_RUNNING] =
    g_param_spec_boolean ("cycle-running", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HfFleet::miner-offline:
   * @miner: a miner that missed offline-after polls in a row
   */
  signals[SIGNAL_MINER_OFFLINE] =
    g_signal_new ("miner-offline", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HF_TYPE_MINER);
  /**
   * HfFleet::miner-online:
   * @miner: an offline miner that answered again
   */
  signals[SIGNAL_MINER_ONLINE] =
    g_signal_new ("miner-online", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HF_TYPE_MINER);
  /**
   * HfFleet::reading:
   * @miner: the miner polled
   * @reading: what it said
   */
  signals[SIGNAL_READING] =
    g_signal_new ("reading", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HF_TYPE_MINER,
                  HF_TYPE_READING | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * HfFleet::cycle-finished:
   * @polled: miners polled in the cycle
   * @answered: of those, how many answered
   * @elapsed_ms: wall time of the cycle
   */
  signals[SIGNAL_CYCLE_FINISHED] =
    g_signal_new ("cycle-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  /**
   * HfFleet::block-found:
   * @miner: the miner whose found-blocks counter moved
   * @blocks: how many blocks it found since its previous reading
   * @reading: the reading that says so
   *
   * Emitted after ::reading, once per counter increment (see
   * hf_reading_blocks_since()); HfMiner:blocks-found has already grown.
   */
  signals[SIGNAL_BLOCK_FOUND] =
    g_signal_new ("block-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, HF_TYPE_MINER, G_TYPE_UINT,
                  HF_TYPE_READING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hf_fleet_init (HfFleet *self)
{
  self->miners = g_list_store_new (HF_TYPE_MINER);
  self->state = g_hash_table_new_full (NULL, NULL, NULL, poll_state_free);
  self->by_address = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_identity = g_hash_table_new (g_str_hash, g_str_equal);
  self->cancellable = g_cancellable_new ();
  self->interval_s = HF_FLEET_DEFAULT_INTERVAL_S;
  self->max_in_flight = HF_FLEET_DEFAULT_IN_FLIGHT;
  self->offline_after = HF_FLEET_DEFAULT_OFFLINE_AFTER;
  self->not_hashing_after_s = HF_FLEET_DEFAULT_NOT_HASHING_AFTER_S;
  self->hashrate_ghs = self->power_w = self->efficiency = NAN;
  self->hottest = self->average_temperature = self->accepted = self->rejected = NAN;
  self->best_difficulty = self->network_difficulty = NAN;
  self->expected_block_s = self->block_chance_day = NAN;
  g_queue_init (&self->due);
  g_signal_connect (self->miners, "items-changed", G_CALLBACK (items_changed_cb), self);
}

HfFleet *
hf_fleet_new (const HfConfig *config)
{
  HfFleet *self = g_object_new (HF_TYPE_FLEET, NULL);

  hf_fleet_set_config (self, config);
  return self;
}

void
hf_fleet_set_config (HfFleet        *self,
                     const HfConfig *config)
{
  g_return_if_fail (HF_IS_FLEET (self));
  g_return_if_fail (config != NULL);

  g_clear_pointer (&self->config, hf_config_unref);
  self->config = hf_config_copy (config);
}

static gboolean
find_miner (HfFleet  *self,
            HfMiner  *miner,
            guint    *position)
{
  return g_list_store_find (self->miners, miner, position);
}

/* Finding a miner by address or identity is a hash lookup: discovery and
 * restore add a thousand miners, each checked against the fleet. */
static void
unindex (GHashTable *index,
         char      **key,
         HfMiner    *miner)
{
  if (*key != NULL && g_hash_table_lookup (index, *key) == miner)
    g_hash_table_remove (index, *key);
  g_clear_pointer (key, g_free);
}

static void
index_miner (HfFleet *self,
             HfMiner *miner)
{
  PollState *st = g_hash_table_lookup (self->state, miner);
  const char *identity = hf_miner_get_identity_key (miner);

  unindex (self->by_address, &st->address, miner);
  unindex (self->by_identity, &st->identity, miner);
  st->address = g_strdup (hf_miner_get_address (miner));
  if (st->address != NULL)
    g_hash_table_replace (self->by_address, st->address, miner);
  if (identity != NULL)
    {
      st->identity = g_strdup (identity);
      g_hash_table_replace (self->by_identity, st->identity, miner);
    }
}

static void
miner_identity_cb (HfMiner    *miner,
                   GParamSpec *pspec,
                   HfFleet    *self)
{
  index_miner (self, miner);
}

HfMiner *
hf_fleet_lookup_address (HfFleet    *self,
                         const char *address)
{
  g_return_val_if_fail (HF_IS_FLEET (self), NULL);
  return address != NULL ? g_hash_table_lookup (self->by_address, address) : NULL;
}

static HfMiner *
lookup_identity (HfFleet    *self,
                 const char *key)
{
  return g_hash_table_lookup (self->by_identity, key);
}

HfMiner *
hf_fleet_add (HfFleet *self,
              HfMiner *miner)
{
  const char *key;
  HfMiner *known = NULL;

  g_return_val_if_fail (HF_IS_FLEET (self), NULL);
  g_return_val_if_fail (HF_IS_MINER (miner), NULL);

  /* The same MAC or serial is the same miner, wherever DHCP put it. */
  key = hf_miner_get_identity_key (miner);
  if (key != NULL)
    known = lookup_identity (self, key);
  if (known == NULL)
    {
      HfMiner *at = hf_fleet_lookup_address (self, hf_miner_get_address (miner));

      /* Same address, and nothing says it is another device. */
      if (at != NULL && hf_miner_get_family (at) == hf_miner_get_family (miner)
          && (hf_miner_get_identity_key (at) == NULL || key == NULL))
        known = at;
    }

  if (known != NULL)
    {
      if (known != miner)
        {
          hf_miner_update_identity (known, miner);
          if (hf_miner_get_reading (miner) != NULL)
            {
              /* Found again (Discover, Add Miner): its reading is one like
               * a poll's, and a counter that moved since is a block too. */
              g_autoptr(HfReading) reading = hf_reading_copy (hf_miner_get_reading (miner));
              guint blocks;

              hf_reading_carry_counters (hf_miner_get_reading (known), reading);
              blocks = hf_reading_blocks_since (hf_miner_get_reading (known), reading);
              hf_miner_set_reading (known, reading);
              add_blocks (self, known, blocks, reading);
            }
          update_capabilities (known);
          update_state (self, known);
        }
      return known;
    }

  /* The miner keeps its state: online when it was just identified, stale
   * (offline, last reading kept) when restored from the store. */
  g_hash_table_insert (self->state, miner, poll_state_new ());
  index_miner (self, miner);
  update_capabilities (miner);
  update_state (self, miner);
  g_signal_connect_object (miner, "notify::address", G_CALLBACK (miner_identity_cb), self, 0);
  g_signal_connect_object (miner, "notify::mac", G_CALLBACK (miner_identity_cb), self, 0);
  g_signal_connect_object (miner, "notify::serial", G_CALLBACK (miner_identity_cb), self, 0);
  /* Online or not, from the poller or from anyone: the totals follow. */
  g_signal_connect_object (miner, "notify::online", G_CALLBACK (miner_online_cb), self, 0);
  g_list_store_append (self->miners, miner);
  return miner;
}

gboolean
hf_fleet_remove (HfFleet *self,
                 HfMiner *miner)
{
  guint position;

  g_return_val_if_fail (HF_IS_FLEET (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  if (!find_miner (self, miner, &position))
    return FALSE;
  {
    PollState *st = g_hash_table_lookup (self->state, miner);

    unindex (self->by_address, &st->address, miner);
    unindex (self->by_identity, &st->identity, miner);
  }
  g_hash_table_remove (self->state, miner);
  g_signal_handlers_disconnect_by_func (miner, miner_online_cb, self);
  g_signal_handlers_disconnect_by_func (miner, miner_identity_cb, self);
  g_list_store_remove (self->miners, position);
  return TRUE;
}

void
hf_fleet_set_poll_interval (HfFleet *self,
                            guint    seconds)
{
  g_return_if_fail (HF_IS_FLEET (self));
  self->interval_s = MAX (seconds, 1u);
  if (self->timer != 0)
    hf_fleet_start (self);
}

void
hf_fleet_set_max_in_flight (HfFleet *self,
                            guint    n)
{
  g_return_if_fail (HF_IS_FLEET (self));
  self->max_in_flight = MAX (n, 1u);
}

void
hf_fleet_set_offline_after (HfFleet *self,
                            guint    misses)
{
  g_return_if_fail (HF_IS_FLEET (self));
  self->offline_after = MAX (misses, 1u);
}

void
hf_fleet_set_not_hashing_after (HfFleet *self,
                                guint    seconds)
{
  g_return_if_fail (HF_IS_FLEET (self));
  self->not_hashing_after_s = MAX (seconds, 1u);
}

guint
hf_fleet_get_not_hashing_after (HfFleet *self)
{
  g_return_val_if_fail (HF_IS_FLEET (self), 0);
  return self->not_hashing_after_s;
}

gboolean
hf_fleet_get_cycle_running (HfFleet *self)
{
  g_return_val_if_fail (HF_IS_FLEET (self), FALSE);
  return self->cycle_running;
}

#define GETTER(type, name, field) \
  type hf_fleet_get_##name (HfFleet *self) \
  { \
    g_return_val_if_fail (HF_IS_FLEET (self), (type) 0); \
    return self->field; \
  }

GETTER (double, hashrate_ghs, hashrate_ghs)
GETTER (double, power_w, power_w)
GETTER (gboolean, power_estimated, power_estimated)
GETTER (double, efficiency_j_th, efficiency)
GETTER (double, hottest_c, hottest)
GETTER (double, average_temperature_c, average_temperature)
GETTER (guint, online_count, online)
GETTER (guint, offline_count, offline)
GETTER (double, accepted, accepted)
GETTER (double, rejected, rejected)
GETTER (guint, hashing_count, hashing)
GETTER (double, best_difficulty, best_difficulty)
GETTER (double, network_difficulty, network_difficulty)
GETTER (double, expected_block_seconds, expected_block_s)
GETTER (double, block_chance_per_day, block_chance_day)
GETTER (guint, blocks_found, blocks_found)

guint
hf_fleet_get_total_count (HfFleet *self)
{
  g_return_val_if_fail (HF_IS_FLEET (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->miners));
}

static void
restarted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HfFleet *self = g_task_get_source_object (task);
  HfMiner *miner = g_task_get_task_data (task);
  GError *error = NULL;
  PollState *st;

  if (!hf_driver_restart_finish (HF_DRIVER (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  st = g_hash_table_lookup (self->state, miner);
  if (st != NULL)
    {
      const HfReading *reading = hf_miner_get_reading (miner);

      st->restart_at = g_get_monotonic_time ();
      st->uptime_at_restart = reading != NULL ? reading->uptime_s : NAN;
      st->missed_since_restart = FALSE;
      hf_miner_set_restarting (miner, TRUE);
      update_state (self, miner);
      queue_totals (self);
    }
  g_task_return_boolean (task, TRUE);
}

void
hf_fleet_restart_async (HfFleet             *self,
                        HfMiner             *miner,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HfDriver *driver;

  g_return_if_fail (HF_IS_FLEET (self));
  g_return_if_fail (HF_IS_MINER (miner));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_fleet_restart_async);
  g_task_set_task_data (task, g_object_ref (miner), g_object_unref);
  driver = hf_driver_for_family (hf_miner_get_family (miner));
  if (driver == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_UNSUPPORTED,
                               "%s: this kind of miner cannot be restarted",
                               hf_miner_get_address (miner));
      return;
    }
  hf_driver_restart_async (driver, miner, self->config, cancellable, restarted_cb,
                           g_steal_pointer (&task));
}

gboolean
hf_fleet_restart_finish (HfFleet       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

HfConfig *
hf_fleet_get_config (HfFleet *self)
{
  g_return_val_if_fail (HF_IS_FLEET (self), NULL);
  return self->config;
}

void
hf_fleet_poll_miner_async (HfFleet             *self,
                           HfMiner             *miner,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PollState *st;
  HfDriver *driver;
  Waiter *w;

  g_return_if_fail (HF_IS_FLEET (self));
  g_return_if_fail (HF_IS_MINER (miner));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_fleet_poll_miner_async);
  st = g_hash_table_lookup (self->state, miner);
  driver = hf_driver_for_family (hf_miner_get_family (miner));
  if (st == NULL || driver == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                               "%s: %s", hf_miner_get_address (miner),
                               st == NULL ? "not in the fleet" : "not identified");
      return;
    }
  /* A poll in flight started before this was asked for: it may read the
   * miner as it was before whatever the caller just did. */
  w = g_new0 (Waiter, 1);
  w->task = g_steal_pointer (&task);
  w->need = st->started + 1;
  st->waiters = g_slist_append (st->waiters, w);
  if (!st->in_flight)
    start_poll (self, miner, st, driver, FALSE);
}

HfReading *
hf_fleet_poll_miner_finish (HfFleet       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
