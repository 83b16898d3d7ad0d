/* hf-energy.h — the energy miners drew, and what it cost, from the store
 * SPDX-License-Identifier: MIT
 *
 * Energy is integrated from the recorded power readings, measured or
 * estimated (and counted apart): between two readings of a miner its
 * power is taken to change linearly (a trapezoid), unless they are more
 * than the gap limit apart — three poll intervals, at least a minute —
 * when nothing is known between them: that time is no data, neither zero
 * nor bridged, and counts in neither kWh nor cost (covered_s says how
 * much of the range had data).
 *
 * Recent history is in raw readings; older history only in the store's
 * roll-ups, whose buckets keep the energy their readings added up to.
 * A range is read from the coarsest level that holds it whole — packed
 * days of hours, hours, 5-minute buckets — and from finer ones (raw
 * readings where they are still kept) for the part of a bucket the range
 * cuts; a bucket cut where no finer level is left counts in proportion
 * to the time.  A roll-up bucket holds the energy drawn within it (an
 * interval across its edge is cut there), so the levels join exactly.
 *
 * Cost is energy × the tariff's price when it was drawn, on the clock of
 * the time zone given: a raw interval is cut where the price changes, a
 * roll-up bucket that a price change cuts is shared in proportion to the
 * time.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hf-store.h"
#include "hf-tariff.h"

G_BEGIN_DECLS

/* The longest range one query covers. */
#define HF_ENERGY_MAX_SPAN_S ((gint64) 10 * 366 * 86400)

/**
 * HfEnergyTotals:
 * @kwh: all the energy drawn where power was known
 * @kwh_measured: the part from power the miners measured
 * @kwh_estimated: the part from power estimated from the model
 * @kwh_source_unknown: the part from roll-ups written before Hashfleet
 *   kept the source (schema 4 and older)
 * @cost: @kwh at the tariff's prices, in its currency (NAN without one)
 * @covered_s: seconds with power known (for a fleet, miner-seconds)
 */
typedef struct
{
  double kwh;
  double kwh_measured;
  double kwh_estimated;
  double kwh_source_unknown;
  double cost;
  double covered_s;
} HfEnergyTotals;

/* One miner of the store (the ones removed with their history kept too,
 * when they drew anything in the range). */
typedef struct
{
  char           *address;
  char           *mac;
  char           *model;
  char           *hostname;
  char           *label;
  gboolean        removed;
  HfEnergyTotals  totals;
} HfMinerEnergy;

/**
 * HfEnergyQuery:
 * @since: unix seconds, inclusive
 * @until: unix seconds, exclusive
 * @address: only the miners at this address (NULL: every miner)
 * @tariff: prices (NULL: no cost)
 * @time_zone: the clock of the tariff's periods (NULL: local)
 * @gap_limit_s: readings further apart are no data between them (0:
 *   three poll intervals as the recording session noted in the store, at
 *   least 60 s)
 */
typedef struct
{
  gint64      since;
  gint64      until;
  const char *address;
  HfTariff   *tariff;
  GTimeZone  *time_zone;
  gint64      gap_limit_s;
} HfEnergyQuery;

typedef struct _HfEnergyReport HfEnergyReport;

#define HF_TYPE_ENERGY_REPORT (hf_energy_report_get_type ())

GType                 hf_energy_report_get_type      (void);
HfEnergyReport       *hf_energy_report_ref           (HfEnergyReport       *self);
void                  hf_energy_report_unref         (HfEnergyReport       *self);
gint64                hf_energy_report_get_since     (HfEnergyReport       *self);
gint64                hf_energy_report_get_until     (HfEnergyReport       *self);
gint64                hf_energy_report_get_gap_limit (HfEnergyReport       *self);
/* The tariff the cost is in, or NULL. */
HfTariff             *hf_energy_report_get_tariff    (HfEnergyReport       *self);
/* The sum of every miner's. */
const HfEnergyTotals *hf_energy_report_get_fleet     (HfEnergyReport       *self);
guint                 hf_energy_report_get_n_miners  (HfEnergyReport       *self);
const HfMinerEnergy  *hf_energy_report_get_miner     (HfEnergyReport       *self,
                                                      guint                 index);
/* The miners at @address added up (zeros if none), into @totals; miners
 * removed from the fleet with their history kept are left out. */
void                  hf_energy_report_sum_address   (HfEnergyReport       *self,
                                                      const char           *address,
                                                      HfEnergyTotals       *totals);
/* {"since", "until", "gap_limit_s", "currency", "tariff", "fleet":
 * {totals}, "miners": [{"address", "mac", "model", "hostname", "label",
 * "removed", totals…, "coverage"}]} with totals "kwh", "kwh_measured",
 * "kwh_estimated", "kwh_source_unknown", "cost", "covered_s". */
JsonNode             *hf_energy_report_to_json       (HfEnergyReport       *self);
/* The members of @totals into the object @builder is building. */
void                  hf_energy_totals_add_to_json   (const HfEnergyTotals *totals,
                                                      JsonBuilder          *builder);

/* Compute on the calling thread, on @store's own connection (the CLI,
 * tests and tools). */
HfEnergyReport       *hf_energy_compute              (HfStore              *store,
                                                      const HfEnergyQuery  *query,
                                                      GError              **error);
/* The same on a worker thread with the store's read connection: what the
 * app, `serve` and the API use.  @query is copied. */
void                  hf_energy_compute_async        (HfStore              *store,
                                                      const HfEnergyQuery  *query,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
HfEnergyReport       *hf_energy_compute_finish       (HfStore              *store,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/**
 * HfEnergySlice:
 * @start: unix seconds, inclusive
 * @end: unix seconds, exclusive
 * @totals: the query's miners added up over [@start, @end)
 *
 * One bar of a chart of energy or cost.
 */
typedef struct
{
  gint64         start;
  gint64         end;
  HfEnergyTotals totals;
} HfEnergySlice;

/* The most slices one query is cut into (more is an error). */
#define HF_ENERGY_MAX_SLICES 2000

/* @query's range cut into slices of @slice_s seconds (at multiples of it
 * on the clock of @query's time zone: whole hours, 5 minutes) or, with
 * @slice_s 0, its days, the first and last cut to the range; each computed
 * as hf_energy_compute() does, on a worker thread with the store's read
 * connection.  Returns HfEnergySlice, in order. */
void                  hf_energy_compute_slices_async  (HfStore              *store,
                                                       const HfEnergyQuery  *query,
                                                       gint64                slice_s,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GArray               *hf_energy_compute_slices_finish (HfStore              *store,
                                                       GAsyncResult         *result,
                                                       GError              **error);

typedef enum
{
  HF_ENERGY_DAY,
  HF_ENERGY_MONTH,
} HfEnergyPeriod;

/* The local day (or month) that @time falls in, on @zone's clock (NULL:
 * local): [*@start, *@end), 23 or 25 hours on days the clock changes. */
void                  hf_energy_period_bounds        (HfEnergyPeriod        period,
                                                      GTimeZone            *zone,
                                                      gint64                time,
                                                      gint64               *start,
                                                      gint64               *end);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfEnergyReport, hf_energy_report_unref)

G_END_DECLS
