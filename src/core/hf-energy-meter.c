/* hf-energy-meter.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include "hf-energy-meter.h"
#include "hf-store-energy.h"

typedef struct
{
  gint64   time;          /* µs of the last reading with power known */
  double   power_w;
  gboolean estimated;
  double   measured_wh;
  double   estimated_wh;
} Counter;

struct _HfEnergyMeter
{
  GObject         parent_instance;

  HfFleet        *fleet;
  HfStore        *store;
  HfTariff       *tariff;
  GTimeZone      *zone;           /* NULL: local */
  guint           poll_interval_s;
  GHashTable     *counters;       /* HfMiner (ref) → Counter */

  HfEnergyReport *today;
  HfEnergyReport *month;
  HfEnergyReport *pending_today;  /* today's, until the month's comes */
  GCancellable   *cancellable;
  gboolean        refreshing;
  gboolean        again;          /* asked for while refreshing */
  gint64          refreshed_at;   /* monotonic µs of the last start */
  gint64          day;            /* the start of the day last computed */
  gint64          now;            /* the end of the ranges being computed */
};

enum
{
  PROP_0,
  PROP_TARIFF,
  PROP_TODAY,
  PROP_MONTH,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (HfEnergyMeter, hf_energy_meter, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void start_refresh (HfEnergyMeter *self);

static void
month_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfEnergyReport) report = hf_energy_compute_finish (HF_STORE (source), result, &error);
  HfEnergyMeter *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HF_ENERGY_METER (user_data);
  /* Both at once, so that no face shows a new day beside an old month. */
  if (report != NULL && self->pending_today != NULL)
    {
      g_clear_pointer (&self->month, hf_energy_report_unref);
      self->month = g_steal_pointer (&report);
      g_clear_pointer (&self->today, hf_energy_report_unref);
      self->today = g_steal_pointer (&self->pending_today);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONTH]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TODAY]);
    }
  else if (report == NULL)
    g_debug ("energy this month: %s", error->message);
  g_clear_pointer (&self->pending_today, hf_energy_report_unref);
  self->refreshing = FALSE;
  if (self->again)
    start_refresh (self);
}

static void
today_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfEnergyReport) report = hf_energy_compute_finish (HF_STORE (source), result, &error);
  HfEnergyMeter *self;
  HfEnergyQuery q = { 0, };
  gint64 month_end;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HF_ENERGY_METER (user_data);
  if (report == NULL)
    g_debug ("energy today: %s", error->message);
  if (report == NULL || self->store == NULL)
    {
      self->refreshing = FALSE;
      if (self->again)
        start_refresh (self);
      return;
    }
  self->pending_today = g_steal_pointer (&report);
  hf_energy_period_bounds (HF_ENERGY_MONTH, self->zone, self->now - 1, &q.since, &month_end);
  q.until = MAX (self->now, q.since + 1);
  q.tariff = self->tariff;
  q.time_zone = self->zone;
  hf_energy_compute_async (self->store, &q, self->cancellable, month_done_cb, self);
}

/* Today first, then the month, one query at a time on the store's reader:
 * the month's snapshot is the later one, so it holds at least every
 * reading today's does (a reading committed between the two counts in
 * the month only until the next refresh, never in today alone). */
static void
start_refresh (HfEnergyMeter *self)
{
  HfEnergyQuery q = { 0, };
  gint64 day_end;

  self->again = FALSE;
  if (self->store == NULL)
    return;
  if (self->refreshing)
    {
      self->again = TRUE;
      return;
    }
  self->refreshing = TRUE;
  self->refreshed_at = g_get_monotonic_time ();
  self->now = g_get_real_time () / G_USEC_PER_SEC + 1;
  hf_energy_period_bounds (HF_ENERGY_DAY, self->zone, self->now - 1, &self->day, &day_end);
  q.since = self->day;
  q.until = MAX (self->now, self->day + 1);
  q.tariff = self->tariff;
  q.time_zone = self->zone;
  hf_energy_compute_async (self->store, &q, self->cancellable, today_done_cb, self);
}

static void
cycle_finished_cb (HfFleet       *fleet,
                   guint          polled,
                   guint          answered,
                   guint          elapsed_ms,
                   HfEnergyMeter *self)
{
  gint64 day, day_end;

  if (self->store == NULL)
    return;
  hf_energy_period_bounds (HF_ENERGY_DAY, self->zone, g_get_real_time () / G_USEC_PER_SEC,
                           &day, &day_end);
  if (self->refreshed_at == 0 || day != self->day
      || g_get_monotonic_time () - self->refreshed_at >= HF_ENERGY_METER_REFRESH_S * G_USEC_PER_SEC)
    start_refresh (self);
}

static void
reading_cb (HfFleet       *fleet,
            HfMiner       *miner,
            HfReading     *reading,
            HfEnergyMeter *self)
{
  hf_energy_meter_take_reading (self, miner, reading);
}

/* Counters of miners that left the fleet go with them. */
static void
items_changed_cb (GListModel    *fleet,
                  guint          position,
                  guint          removed,
                  guint          added,
                  HfEnergyMeter *self)
{
  g_autoptr(GHashTable) present = NULL;
  GHashTableIter iter;
  gpointer key;

  if (removed == 0)
    return;
  present = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (fleet); i++)
    {
      g_autoptr(HfMiner) m = g_list_model_get_item (fleet, i);
      g_hash_table_add (present, m);
    }
  g_hash_table_iter_init (&iter, self->counters);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_hash_table_iter_remove (&iter);
}

static void
hf_energy_meter_dispose (GObject *object)
{
  HfEnergyMeter *self = HF_ENERGY_METER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  g_clear_object (&self->fleet);
  g_clear_object (&self->store);
  g_clear_pointer (&self->counters, g_hash_table_unref);

  G_OBJECT_CLASS (hf_energy_meter_parent_class)->dispose (object);
}

static void
hf_energy_meter_finalize (GObject *object)
{
  HfEnergyMeter *self = HF_ENERGY_METER (object);

  g_clear_pointer (&self->tariff, hf_tariff_unref);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  g_clear_pointer (&self->today, hf_energy_report_unref);
  g_clear_pointer (&self->month, hf_energy_report_unref);
  g_clear_pointer (&self->pending_today, hf_energy_report_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hf_energy_meter_parent_class)->finalize (object);
}

static void
hf_energy_meter_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HfEnergyMeter *self = HF_ENERGY_METER (object);

  switch (prop_id)
    {
    case PROP_TARIFF:
      g_value_set_boxed (value, self->tariff);
      break;
    case PROP_TODAY:
      g_value_set_boxed (value, self->today);
      break;
    case PROP_MONTH:
      g_value_set_boxed (value, self->month);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_energy_meter_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HfEnergyMeter *self = HF_ENERGY_METER (object);

  switch (prop_id)
    {
    case PROP_TARIFF:
      hf_energy_meter_set_tariff (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_energy_meter_class_init (HfEnergyMeterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_energy_meter_dispose;
  object_class->finalize = hf_energy_meter_finalize;
  object_class->get_property = hf_energy_meter_get_property;
  object_class->set_property = hf_energy_meter_set_property;

  properties[PROP_TARIFF] =
    g_param_spec_boxed ("tariff", NULL, NULL, HF_TYPE_TARIFF,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TODAY] =
    g_param_spec_boxed ("today", NULL, NULL, HF_TYPE_ENERGY_REPORT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MONTH] =
    g_param_spec_boxed ("month", NULL, NULL, HF_TYPE_ENERGY_REPORT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hf_energy_meter_init (HfEnergyMeter *self)
{
  self->cancellable = g_cancellable_new ();
  self->poll_interval_s = 15;
  self->counters = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
}

HfEnergyMeter *
hf_energy_meter_new (HfFleet *fleet)
{
  HfEnergyMeter *self;

  g_return_val_if_fail (HF_IS_FLEET (fleet), NULL);

  self = g_object_new (HF_TYPE_ENERGY_METER, NULL);
  self->fleet = g_object_ref (fleet);
  g_signal_connect (fleet, "reading", G_CALLBACK (reading_cb), self);
  g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
  g_signal_connect (fleet, "items-changed", G_CALLBACK (items_changed_cb), self);
  return self;
}

void
hf_energy_meter_set_store (HfEnergyMeter *self,
                           HfStore       *store)
{
  g_return_if_fail (HF_IS_ENERGY_METER (self));
  g_return_if_fail (store == NULL || HF_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  start_refresh (self);
}

void
hf_energy_meter_set_tariff (HfEnergyMeter *self,
                            HfTariff      *tariff)
{
  g_return_if_fail (HF_IS_ENERGY_METER (self));

  if (hf_tariff_equal (self->tariff, tariff))
    return;
  g_clear_pointer (&self->tariff, hf_tariff_unref);
  self->tariff = tariff != NULL ? hf_tariff_ref (tariff) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARIFF]);
  start_refresh (self);
}

HfTariff *
hf_energy_meter_get_tariff (HfEnergyMeter *self)
{
  g_return_val_if_fail (HF_IS_ENERGY_METER (self), NULL);
  return self->tariff;
}

void
hf_energy_meter_set_time_zone (HfEnergyMeter *self,
                               GTimeZone     *zone)
{
  g_return_if_fail (HF_IS_ENERGY_METER (self));

  g_clear_pointer (&self->zone, g_time_zone_unref);
  self->zone = zone != NULL ? g_time_zone_ref (zone) : NULL;
  start_refresh (self);
}

void
hf_energy_meter_set_poll_interval (HfEnergyMeter *self,
                                   guint          seconds)
{
  g_return_if_fail (HF_IS_ENERGY_METER (self));
  self->poll_interval_s = MAX (seconds, 1u);
}

void
hf_energy_meter_take_reading (HfEnergyMeter   *self,
                              HfMiner         *miner,
                              const HfReading *reading)
{
  Counter *c;

  g_return_if_fail (HF_IS_ENERGY_METER (self));
  g_return_if_fail (HF_IS_MINER (miner) && reading != NULL);

  /* A reading without power neither counts nor breaks an interval. */
  if (!isfinite (reading->power_w))
    return;
  c = g_hash_table_lookup (self->counters, miner);
  if (c == NULL)
    {
      c = g_new0 (Counter, 1);
      g_hash_table_insert (self->counters, g_object_ref (miner), c);
    }
  else
    {
      gint64 dt_us = reading->timestamp - c->time;
      double dt = dt_us / (double) G_USEC_PER_SEC;

      /* Nothing is known across a gap, and an old reading again is none. */
      if (dt_us > 0 && dt <= hf_store_gap_limit (self->poll_interval_s))
        {
          double share0 = c->power_w * dt / 2 / 3600, share1 = reading->power_w * dt / 2 / 3600;

          *(c->estimated ? &c->estimated_wh : &c->measured_wh) += share0;
          *(reading->power_estimated ? &c->estimated_wh : &c->measured_wh) += share1;
        }
      else if (dt_us <= 0)
        return;
    }
  c->time = reading->timestamp;
  c->power_w = reading->power_w;
  c->estimated = reading->power_estimated;
}

void
hf_energy_meter_get_counters (HfEnergyMeter *self,
                              HfMiner       *miner,
                              double        *measured_kwh,
                              double        *estimated_kwh)
{
  Counter *c;

  g_return_if_fail (HF_IS_ENERGY_METER (self));

  c = g_hash_table_lookup (self->counters, miner);
  if (measured_kwh != NULL)
    *measured_kwh = c != NULL ? c->measured_wh / 1000 : 0;
  if (estimated_kwh != NULL)
    *estimated_kwh = c != NULL ? c->estimated_wh / 1000 : 0;
}

HfEnergyReport *
hf_energy_meter_get_today (HfEnergyMeter *self)
{
  g_return_val_if_fail (HF_IS_ENERGY_METER (self), NULL);
  return self->today;
}

HfEnergyReport *
hf_energy_meter_get_month (HfEnergyMeter *self)
{
  g_return_val_if_fail (HF_IS_ENERGY_METER (self), NULL);
  return self->month;
}

void
hf_energy_meter_refresh (HfEnergyMeter *self)
{
  g_return_if_fail (HF_IS_ENERGY_METER (self));
  start_refresh (self);
}
