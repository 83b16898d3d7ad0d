/* hf-energy.c
 * SPDX-License-Identifier: MIT
 *
 * A query is planned once for the whole fleet, since what each level of
 * the store holds (and how far it is complete) is the same for every
 * miner: a list of pieces, each whole buckets of one level, a bucket to
 * prorate, or a span of raw readings.  Then each miner's rows are read
 * piece by piece and added up.
 *
 * A roll-up bucket holds the energy drawn within it (the upkeep cuts
 * the intervals that cross its ends), so every piece counts the part of
 * each interval inside it, and pieces of different levels join exactly.
 */
#include <math.h>
#include <string.h>

#include "hf-energy.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-store-energy.h"
#include "hf-store-private.h"

struct _HfEnergyReport
{
  gatomicrefcount ref;
  gint64          since;
  gint64          until;
  gint64          gap_limit_s;
  HfTariff       *tariff;
  HfEnergyTotals  fleet;
  GPtrArray      *miners;     /* HfMinerEnergy */
};

G_DEFINE_BOXED_TYPE (HfEnergyReport, hf_energy_report, hf_energy_report_ref,
                     hf_energy_report_unref)

enum { LEVEL_HOUR, LEVEL_FIVE, LEVEL_RAW, N_LEVELS };

static const gint64 level_size[N_LEVELS] = { 3600, 300, 0 };

typedef enum
{
  PIECE_BUCKETS,      /* whole buckets of a level in [a, b) */
  PIECE_PRORATE,      /* the part [a, b) of the bucket at @bucket */
  PIECE_RAW,          /* readings over [a, b) */
} PieceKind;

typedef struct
{
  PieceKind  kind;
  int        level;
  gint64     a;
  gint64     b;
  gint64     bucket;
  double    *prices;    /* buckets: average price of each, with a tariff */
} Piece;

typedef struct
{
  gint64   lower[N_LEVELS];   /* each level has nothing older */
  gint64   until[N_LEVELS];   /* each level is complete before it */
  GArray  *pieces;            /* Piece */
  GArray  *spans;             /* HfTariffSpan, or NULL */
  gint64   gap;
} Plan;

static void
piece_clear (gpointer data)
{
  g_free (((Piece *) data)->prices);
}

static gint64
floor_to (gint64 t,
          gint64 size)
{
  return t >= 0 ? t - t % size : -((-t + size - 1) / size) * size;
}

static gint64
ceil_to (gint64 t,
         gint64 size)
{
  return -floor_to (-t, size);
}

static void
add_piece (Plan      *plan,
           PieceKind  kind,
           int        level,
           gint64     a,
           gint64     b)
{
  Piece piece = { kind, level, a, b, 0, NULL };

  if (kind == PIECE_PRORATE)
    piece.bucket = floor_to (a, level_size[level]);
  g_array_append_val (plan->pieces, piece);
}

static void plan_span (Plan *plan, int level, gint64 a, gint64 b);

/* [@a, @b) inside one bucket of @level: from the next finer level if it
 * holds it, else this bucket in proportion. */
static void
plan_part (Plan   *plan,
           int     level,
           gint64  a,
           gint64  b)
{
  if (a >= b)
    return;
  if (a >= plan->lower[level + 1])
    plan_span (plan, level + 1, a, b);
  else
    add_piece (plan, PIECE_PRORATE, level, a, b);
}

static void
plan_span (Plan   *plan,
           int     level,
           gint64  a,
           gint64  b)
{
  gint64 size = level_size[level];
  gint64 until = plan->until[level];
  gint64 first, last;

  if (a >= b)
    return;
  if (level == LEVEL_RAW)
    {
      add_piece (plan, PIECE_RAW, level, a, b);
      return;
    }
  /* Past where this level is complete, the finer one goes on. */
  if (b > until)
    {
      if (a >= until)
        {
          plan_span (plan, level + 1, a, b);
          return;
        }
      plan_span (plan, level, a, until);
      plan_span (plan, level + 1, until, b);
      return;
    }
  first = ceil_to (a, size);
  last = floor_to (b, size);
  if (first >= last)
    {
      /* No whole bucket: at most two parts of two buckets. */
      if (first > a && first < b)
        {
          plan_part (plan, level, a, first);
          plan_part (plan, level, first, b);
        }
      else
        plan_part (plan, level, a, b);
      return;
    }
  plan_part (plan, level, a, first);
  add_piece (plan, PIECE_BUCKETS, level, first, last);
  plan_part (plan, level, last, b);
}

/* Σ price × seconds over [@u, @v) (spans cover the query's range). */
static double
price_seconds (GArray *spans,
               gint64  u,
               gint64  v)
{
  guint lo = 0, hi = spans->len;
  double sum = 0;

  /* The first span that ends after @u. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (spans, HfTariffSpan, mid).end <= u)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint i = lo; i < spans->len && u < v; i++)
    {
      const HfTariffSpan *s = &g_array_index (spans, HfTariffSpan, i);
      gint64 end = MIN (s->end, v);

      if (end > u)
        sum += s->price * (double) (end - MAX (u, s->start));
      u = end;
    }
  return sum;
}

static double
average_price (GArray *spans,
               gint64  u,
               gint64  v)
{
  return v > u ? price_seconds (spans, u, v) / (double) (v - u) : 0;
}

/* With a tariff, each piece of whole buckets gets the average price of
 * each bucket, once for every miner. */
static void
price_pieces (Plan *plan)
{
  if (plan->spans == NULL)
    return;
  for (guint i = 0; i < plan->pieces->len; i++)
    {
      Piece *p = &g_array_index (plan->pieces, Piece, i);
      gint64 size = level_size[p->level];

      if (p->kind != PIECE_BUCKETS)
        continue;
      p->prices = g_new (double, (p->b - p->a) / size);
      for (gint64 t = p->a, k = 0; t < p->b; t += size, k++)
        p->prices[k] = average_price (plan->spans, t, t + size);
    }
}

static void
add_energy (HfEnergyTotals *totals,
            double          wh,
            double          estimated_wh,
            double          seconds,
            double          price)
{
  double kwh = wh / 1000;

  totals->kwh += kwh;
  if (isnan (estimated_wh))
    totals->kwh_source_unknown += kwh;
  else
    {
      totals->kwh_estimated += estimated_wh / 1000;
      totals->kwh_measured += kwh - estimated_wh / 1000;
    }
  totals->covered_s += seconds;
  if (!isnan (price))
    totals->cost += kwh * price;
}

/* The part [@lo, @hi] of the interval from @s0 to @s1, its power linear
 * in between: each end's share to measured or estimated energy as its own
 * power was, cut where the price changes. */
static void
add_interval (HfEnergyTotals       *totals,
              GArray               *spans,
              const HfPowerSample  *s0,
              const HfPowerSample  *s1,
              gint64                lo,
              gint64                hi)
{
  double dt = (double) (s1->time - s0->time);

  while (lo < hi)
    {
      gint64 end = hi;
      double price = NAN, u, v, rise, share0, share1, wh, estimated;

      if (spans != NULL)
        {
          /* The span holding lo, and where it ends. */
          guint a = 0, b = spans->len;

          while (a < b)
            {
              guint mid = (a + b) / 2;

              if (g_array_index (spans, HfTariffSpan, mid).end <= lo)
                a = mid + 1;
              else
                b = mid;
            }
          if (a < spans->len)
            {
              price = g_array_index (spans, HfTariffSpan, a).price;
              end = MIN (hi, g_array_index (spans, HfTariffSpan, a).end);
            }
        }
      u = (double) (lo - s0->time) / dt;
      v = (double) (end - s0->time) / dt;
      rise = (v * v - u * u) / 2;
      /* ∫ p = p0 ∫ (1 − x) + p1 ∫ x over the fraction [u, v], in Wh. */
      share0 = s0->power_w * ((v - u) - rise) * dt / 3600;
      share1 = s1->power_w * rise * dt / 3600;
      wh = share0 + share1;
      estimated = (s0->estimated ? share0 : 0) + (s1->estimated ? share1 : 0);
      add_energy (totals, wh, estimated, (double) (end - lo), price);
      lo = end;
    }
}

static void
add_raw (const Plan     *plan,
         const Piece    *p,
         GArray         *samples,
         HfEnergyTotals *totals)
{
  for (guint i = 1; i < samples->len; i++)
    {
      const HfPowerSample *s0 = &g_array_index (samples, HfPowerSample, i - 1);
      const HfPowerSample *s1 = &g_array_index (samples, HfPowerSample, i);
      gint64 lo, hi;

      if (s1->time - s0->time > plan->gap)
        continue;       /* no data, not zero */
      lo = MAX (s0->time, p->a);
      hi = MIN (s1->time, p->b);
      if (lo < hi)
        add_interval (totals, plan->spans, s0, s1, lo, hi);
    }
}

static gboolean
add_miner (const Plan           *plan,
           HfStoreEnergyReader  *reader,
           gint64                id,
           GArray               *samples,
           GArray               *buckets,
           HfEnergyTotals       *totals,
           GError              **error)
{
  for (guint i = 0; i < plan->pieces->len; i++)
    {
      const Piece *p = &g_array_index (plan->pieces, Piece, i);
      gint64 size = level_size[p->level];

      switch (p->kind)
        {
        case PIECE_RAW:
          g_array_set_size (samples, 0);
          /* The readings either side, for the intervals that cross. */
          if (!hf_store_energy_reader_samples (reader, id, p->a - plan->gap,
                                               p->b + plan->gap + 1, samples, error))
            return FALSE;
          add_raw (plan, p, samples, totals);
          break;

        case PIECE_BUCKETS:
          g_array_set_size (buckets, 0);
          if (!hf_store_energy_reader_buckets (reader, id, size, p->a, p->b, buckets, error))
            return FALSE;
          for (guint k = 0; k < buckets->len; k++)
            {
              const HfEnergyBucket *b = &g_array_index (buckets, HfEnergyBucket, k);

              add_energy (totals, b->wh, b->estimated_wh, b->seconds,
                          p->prices != NULL ? p->prices[(b->time - p->a) / size] : NAN);
            }
          break;

        case PIECE_PRORATE:
          g_array_set_size (buckets, 0);
          if (!hf_store_energy_reader_buckets (reader, id, size, p->bucket, p->bucket + size,
                                               buckets, error))
            return FALSE;
          if (buckets->len > 0)
            {
              const HfEnergyBucket *b = &g_array_index (buckets, HfEnergyBucket, 0);
              double f = (double) (p->b - p->a) / (double) size;

              add_energy (totals, b->wh * f, b->estimated_wh * f, b->seconds * f,
                          plan->spans != NULL ? average_price (plan->spans, p->a, p->b) : NAN);
            }
          break;
        }
    }
  return TRUE;
}

static void
sum_totals (HfEnergyTotals       *into,
            const HfEnergyTotals *t)
{
  into->kwh += t->kwh;
  into->kwh_measured += t->kwh_measured;
  into->kwh_estimated += t->kwh_estimated;
  into->kwh_source_unknown += t->kwh_source_unknown;
  into->covered_s += t->covered_s;
  if (!isnan (into->cost))
    into->cost += t->cost;
}

static void
miner_energy_free (gpointer data)
{
  HfMinerEnergy *m = data;

  g_free (m->address);
  g_free (m->mac);
  g_free (m->model);
  g_free (m->hostname);
  g_free (m->label);
  g_free (m);
}

static HfEnergyReport *
report_new (const HfEnergyQuery *q,
            gint64               gap)
{
  HfEnergyReport *self = g_new0 (HfEnergyReport, 1);

  g_atomic_ref_count_init (&self->ref);
  self->since = q->since;
  self->until = q->until;
  self->gap_limit_s = gap;
  self->tariff = q->tariff != NULL ? hf_tariff_ref (q->tariff) : NULL;
  self->fleet.cost = q->tariff != NULL ? 0 : NAN;
  self->miners = g_ptr_array_new_with_free_func (miner_energy_free);
  return self;
}

static HfEnergyReport *
compute (HfStore              *store,
         const HfEnergyQuery  *q,
         guint                 fallback_poll_s,
         GError              **error)
{
  g_autoptr(HfEnergyReport) report = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GArray) buckets = NULL;
  g_autoptr(GTimeZone) local = NULL;
  HfStoreEnergyReader *reader;
  const HfStoreEnergyBounds *b;
  Plan plan = { 0, };
  gint64 start, gap;
  gboolean ok = TRUE;

  if (q->until <= q->since || q->until - q->since > HF_ENERGY_MAX_SPAN_S)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "energy: the range must end after it "
                   "starts and span at most %d days", (int) (HF_ENERGY_MAX_SPAN_S / 86400));
      return NULL;
    }
  reader = hf_store_energy_reader_new (store, error);
  if (reader == NULL)
    return NULL;
  b = hf_store_energy_reader_bounds (reader);
  gap = q->gap_limit_s > 0 ? q->gap_limit_s
        : hf_store_gap_limit (b->poll_interval_s > 0 ? b->poll_interval_s : fallback_poll_s);
  report = report_new (q, gap);

  plan.gap = gap;
  plan.lower[LEVEL_HOUR] = b->hour_from;
  plan.lower[LEVEL_FIVE] = b->five_from;
  plan.lower[LEVEL_RAW] = b->raw_from;
  plan.until[LEVEL_HOUR] = b->hour_until;
  plan.until[LEVEL_FIVE] = b->five_until;
  plan.until[LEVEL_RAW] = G_MAXINT64;
  plan.pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  g_array_set_clear_func (plan.pieces, piece_clear);

  /* Nothing is stored before the oldest row of any level. */
  start = MIN (MIN (b->hour_from, b->five_from), b->raw_from);
  start = start == G_MAXINT64 ? q->until : MAX (q->since, floor_to (start, 3600) - gap);
  if (start < q->until)
    {
      if (q->tariff != NULL)
        {
          GTimeZone *zone = q->time_zone != NULL ? q->time_zone
                                                 : (local = g_time_zone_new_local ());
          plan.spans = hf_tariff_split (q->tariff, zone, start, q->until);
        }
      plan_span (&plan, LEVEL_HOUR, start, q->until);
      price_pieces (&plan);
      g_debug ("energy [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "): %u pieces, %u price spans",
               start, q->until, plan.pieces->len, plan.spans ? plan.spans->len : 0);
    }

  rows = hf_store_energy_reader_miners (reader, q->address, error);
  samples = g_array_new (FALSE, FALSE, sizeof (HfPowerSample));
  buckets = g_array_new (FALSE, FALSE, sizeof (HfEnergyBucket));
  for (guint i = 0; ok && rows != NULL && i < rows->len; i++)
    {
      HfStoreMinerRow *row = g_ptr_array_index (rows, i);
      HfMinerEnergy *m = g_new0 (HfMinerEnergy, 1);

      m->totals.cost = q->tariff != NULL ? 0 : NAN;
      ok = add_miner (&plan, reader, row->id, samples, buckets, &m->totals, error);
      /* A removed miner is there only for what it drew. */
      if (!ok || (row->removed && m->totals.covered_s == 0 && m->totals.kwh == 0))
        {
          miner_energy_free (m);
          continue;
        }
      m->address = g_steal_pointer (&row->address);
      m->mac = g_steal_pointer (&row->mac);
      m->model = g_steal_pointer (&row->model);
      m->hostname = g_steal_pointer (&row->hostname);
      m->label = g_steal_pointer (&row->label);
      m->removed = row->removed;
      sum_totals (&report->fleet, &m->totals);
      g_ptr_array_add (report->miners, m);
    }

  g_clear_pointer (&plan.pieces, g_array_unref);
  g_clear_pointer (&plan.spans, g_array_unref);
  hf_store_energy_reader_free (reader);
  if (rows == NULL || !ok)
    return NULL;
  return g_steal_pointer (&report);
}

HfEnergyReport *
hf_energy_compute (HfStore              *store,
                   const HfEnergyQuery  *query,
                   GError              **error)
{
  g_return_val_if_fail (HF_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  return compute (store, query, _hf_store_get_poll_interval (store), error);
}

/* ---- on a worker ----------------------------------------------------------- */

typedef struct
{
  HfEnergyQuery query;
  char         *address;
  guint         poll_interval_s;
  gint64        slice_s;        /* slices: their length, 0 for local days */
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->address);
  g_clear_pointer (&job->query.tariff, hf_tariff_unref);
  g_clear_pointer (&job->query.time_zone, g_time_zone_unref);
  g_free (job);
}

static void
compute_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  HfStore *self = source;
  Job *job = task_data;
  GError *error = NULL;
  HfEnergyReport *report;
  HfStore *reader;

  if (g_task_return_error_if_cancelled (task))
    return;
  reader = _hf_store_lock_reader (self, &error);
  if (reader == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  report = compute (reader, &job->query, job->poll_interval_s, &error);
  _hf_store_unlock_reader (self);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) hf_energy_report_unref);
}

/* [@since, @until) cut at multiples of @slice_s on @zone's clock (0: its
 * midnights), the first and last cut to the range; NULL if that is more
 * than HF_ENERGY_MAX_SLICES. */
static GArray *
slice_bounds (gint64     since,
              gint64     until,
              gint64     slice_s,
              GTimeZone *zone)
{
  GArray *slices = g_array_new (FALSE, TRUE, sizeof (HfEnergySlice));
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  gint64 start = since;

  while (start < until && slices->len < HF_ENERGY_MAX_SLICES)
    {
      HfEnergySlice slice = { start, 0, { 0, } };
      gint64 day_start;

      if (slice_s > 0)
        {
          /* On the zone's clock: a zone half an hour off UTC has its
           * hours at :30 of UTC's. */
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (start);
          g_autoptr(GDateTime) here = g_date_time_to_timezone (utc, zone != NULL ? zone : local);
          gint64 offset = g_date_time_get_utc_offset (here) / G_USEC_PER_SEC;
          gint64 wall = start + offset;

          slice.end = wall - (((wall % slice_s) + slice_s) % slice_s) + slice_s - offset;
          if (slice.end <= start)
            slice.end = start + slice_s;
        }
      else
        hf_energy_period_bounds (HF_ENERGY_DAY, zone, start, &day_start, &slice.end);
      slice.end = MIN (slice.end, until);
      g_array_append_val (slices, slice);
      start = slice.end;
    }
  if (start < until)
    g_clear_pointer (&slices, g_array_unref);
  return slices;
}

static void
slices_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  HfStore *self = source;
  Job *job = task_data;
  GError *error = NULL;
  g_autoptr(GArray) slices = NULL;
  HfStore *reader;

  if (g_task_return_error_if_cancelled (task))
    return;
  slices = slice_bounds (job->query.since, job->query.until, job->slice_s, job->query.time_zone);
  if (slices == NULL)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                               "energy: a range cut into more than %d slices",
                               HF_ENERGY_MAX_SLICES);
      return;
    }
  reader = _hf_store_lock_reader (self, &error);
  if (reader == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < slices->len; i++)
    {
      HfEnergySlice *slice = &g_array_index (slices, HfEnergySlice, i);
      HfEnergyQuery q = job->query;
      HfEnergyReport *report;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      q.since = slice->start;
      q.until = slice->end;
      report = compute (reader, &q, job->poll_interval_s, &error);
      if (report == NULL)
        break;
      slice->totals = report->fleet;
      hf_energy_report_unref (report);
    }
  _hf_store_unlock_reader (self);
  if (g_task_return_error_if_cancelled (task))
    g_clear_error (&error);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&slices), (GDestroyNotify) g_array_unref);
}

static Job *
job_new (HfStore             *store,
         const HfEnergyQuery *query)
{
  Job *job = g_new0 (Job, 1);

  job->query = *query;
  job->address = g_strdup (query->address);
  job->query.address = job->address;
  if (query->tariff != NULL)
    hf_tariff_ref (query->tariff);
  if (query->time_zone != NULL)
    g_time_zone_ref (query->time_zone);
  job->poll_interval_s = _hf_store_get_poll_interval (store);
  return job;
}

void
hf_energy_compute_slices_async (HfStore              *store,
                                const HfEnergyQuery  *query,
                                gint64                slice_s,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (HF_IS_STORE (store));
  g_return_if_fail (query != NULL && slice_s >= 0);

  job = job_new (store, query);
  job->slice_s = slice_s;
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_energy_compute_slices_async);
  g_task_set_name (task, "hf_energy_compute_slices");
  g_task_set_task_data (task, job, job_free);
  if (query->since >= query->until || query->until - query->since > HF_ENERGY_MAX_SPAN_S)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_INVALID,
                               "energy: the range must be from 1 s to 10 years long");
      return;
    }
  g_task_run_in_thread (task, slices_thread);
}

GArray *
hf_energy_compute_slices_finish (HfStore       *store,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hf_energy_compute_async (HfStore              *store,
                         const HfEnergyQuery  *query,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (HF_IS_STORE (store));
  g_return_if_fail (query != NULL);

  job = job_new (store, query);
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_energy_compute_async);
  g_task_set_name (task, "hf_energy_compute");
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, compute_thread);
}

HfEnergyReport *
hf_energy_compute_finish (HfStore       *store,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the report ---------------------------------------------------------- */

HfEnergyReport *
hf_energy_report_ref (HfEnergyReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
hf_energy_report_unref (HfEnergyReport *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  g_clear_pointer (&self->tariff, hf_tariff_unref);
  g_ptr_array_unref (self->miners);
  g_free (self);
}

gint64
hf_energy_report_get_since (HfEnergyReport *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->since;
}

gint64
hf_energy_report_get_until (HfEnergyReport *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->until;
}

gint64
hf_energy_report_get_gap_limit (HfEnergyReport *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->gap_limit_s;
}

HfTariff *
hf_energy_report_get_tariff (HfEnergyReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->tariff;
}

const HfEnergyTotals *
hf_energy_report_get_fleet (HfEnergyReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->fleet;
}

guint
hf_energy_report_get_n_miners (HfEnergyReport *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->miners->len;
}

const HfMinerEnergy *
hf_energy_report_get_miner (HfEnergyReport *self,
                            guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->miners->len, NULL);
  return g_ptr_array_index (self->miners, index);
}

void
hf_energy_report_sum_address (HfEnergyReport *self,
                              const char     *address,
                              HfEnergyTotals *totals)
{
  g_return_if_fail (self != NULL && address != NULL && totals != NULL);

  memset (totals, 0, sizeof *totals);
  totals->cost = self->tariff != NULL ? 0 : NAN;
  for (guint i = 0; i < self->miners->len; i++)
    {
      HfMinerEnergy *m = g_ptr_array_index (self->miners, i);

      /* A miner removed with its history kept may have had the address
       * before the one at it now: not this one's energy. */
      if (!m->removed && g_strcmp0 (m->address, address) == 0)
        sum_totals (totals, &m->totals);
    }
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
hf_energy_totals_add_to_json (const HfEnergyTotals *t,
                              JsonBuilder          *b)
{
  g_return_if_fail (t != NULL && JSON_IS_BUILDER (b));

  hf_json_builder_add_number (b, "kwh", t->kwh);
  hf_json_builder_add_number (b, "kwh_measured", t->kwh_measured);
  hf_json_builder_add_number (b, "kwh_estimated", t->kwh_estimated);
  hf_json_builder_add_number (b, "kwh_source_unknown", t->kwh_source_unknown);
  hf_json_builder_add_number (b, "cost", t->cost);
  hf_json_builder_add_number (b, "covered_s", t->covered_s);
}

JsonNode *
hf_energy_report_to_json (HfEnergyReport *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *tariff = NULL;
  double span;

  g_return_val_if_fail (self != NULL, NULL);

  span = (double) (self->until - self->since);
  tariff = self->tariff != NULL ? hf_tariff_to_string (self->tariff) : NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "since");
  json_builder_add_int_value (b, self->since);
  json_builder_set_member_name (b, "until");
  json_builder_add_int_value (b, self->until);
  json_builder_set_member_name (b, "gap_limit_s");
  json_builder_add_int_value (b, self->gap_limit_s);
  add_string (b, "currency", self->tariff ? hf_tariff_get_currency (self->tariff) : NULL);
  add_string (b, "tariff", tariff);
  json_builder_set_member_name (b, "fleet");
  json_builder_begin_object (b);
  hf_energy_totals_add_to_json (&self->fleet, b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "miners");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->miners->len; i++)
    {
      HfMinerEnergy *m = g_ptr_array_index (self->miners, i);

      json_builder_begin_object (b);
      add_string (b, "address", m->address);
      add_string (b, "mac", m->mac);
      add_string (b, "model", m->model);
      add_string (b, "hostname", m->hostname);
      add_string (b, "label", m->label);
      json_builder_set_member_name (b, "removed");
      json_builder_add_boolean_value (b, m->removed);
      hf_energy_totals_add_to_json (&m->totals, b);
      hf_json_builder_add_number (b, "coverage", m->totals.covered_s / span);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
hf_energy_period_bounds (HfEnergyPeriod  period,
                         GTimeZone      *zone,
                         gint64          time,
                         gint64         *start,
                         gint64         *end)
{
  g_autoptr(GTimeZone) local = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time);
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) next = NULL;
  int y, m, d;

  g_return_if_fail (start != NULL && end != NULL);

  if (zone == NULL)
    zone = local = g_time_zone_new_local ();
  now = g_date_time_to_timezone (utc, zone);
  g_date_time_get_ymd (now, &y, &m, &d);
  /* Midnight on the clock, whatever the offset then (GDateTime takes the
   * first of two, and the hour after a skipped one). */
  first = g_date_time_new (zone, y, m, period == HF_ENERGY_MONTH ? 1 : d, 0, 0, 0);
  next = period == HF_ENERGY_MONTH ? g_date_time_add_months (first, 1)
                                   : g_date_time_add_days (first, 1);
  *start = g_date_time_to_unix (first);
  *end = g_date_time_to_unix (next);
}
