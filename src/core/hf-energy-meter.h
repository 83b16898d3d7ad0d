/* hf-energy-meter.h — a session's energy as it goes: counters and today's
 * and this month's totals
 * SPDX-License-Identifier: MIT
 *
 * Two things every face shows without waiting on the disk:
 *  - counters of the energy each miner drew since the meter started,
 *    integrated from the fleet's readings as they come (the same rule as
 *    the store's: trapezoids, nothing across a gap), measured and
 *    estimated apart — what /metrics exports as counters, which start
 *    again at 0 with the process, as Prometheus counters do;
 *  - today's and this month's energy and cost for the fleet and each
 *    miner, from the store (hf-energy.h) on its read connection after a
 *    poll cycle, at most once a minute, and at once when the tariff
 *    changes or a new day begins.
 */
#pragma once

#include "hf-energy.h"
#include "hf-fleet.h"
#include "hf-store.h"
#include "hf-tariff.h"

G_BEGIN_DECLS

/* Today and this month are computed again at most this often (s). */
#define HF_ENERGY_METER_REFRESH_S 60

#define HF_TYPE_ENERGY_METER (hf_energy_meter_get_type ())
G_DECLARE_FINAL_TYPE (HfEnergyMeter, hf_energy_meter, HF, ENERGY_METER, GObject)

/* Counting @fleet's readings from now on. */
HfEnergyMeter  *hf_energy_meter_new               (HfFleet        *fleet);
/* The store today and this month come from (NULL: none, they stay NULL). */
void            hf_energy_meter_set_store         (HfEnergyMeter  *self,
                                                   HfStore        *store);
/* Prices for the cost (NULL: none); :tariff. */
void            hf_energy_meter_set_tariff        (HfEnergyMeter  *self,
                                                   HfTariff       *tariff);
HfTariff       *hf_energy_meter_get_tariff        (HfEnergyMeter  *self);
/* The clock of days, months and the tariff's periods (NULL: local). */
void            hf_energy_meter_set_time_zone     (HfEnergyMeter  *self,
                                                   GTimeZone      *zone);
/* The gap limit of the counters follows it (see hf-store-energy.h). */
void            hf_energy_meter_set_poll_interval (HfEnergyMeter  *self,
                                                   guint           seconds);

/* Count @reading of @miner (the fleet's ::reading does; public for
 * tests). */
void            hf_energy_meter_take_reading      (HfEnergyMeter  *self,
                                                   HfMiner        *miner,
                                                   const HfReading *reading);
/* @miner's counters in kWh since the meter started (0 for one not seen). */
void            hf_energy_meter_get_counters      (HfEnergyMeter  *self,
                                                   HfMiner        *miner,
                                                   double         *measured_kwh,
                                                   double         *estimated_kwh);

/* The last computed report of today so far and of this month so far
 * (:today, :month), or NULL before the first. */
HfEnergyReport *hf_energy_meter_get_today         (HfEnergyMeter  *self);
HfEnergyReport *hf_energy_meter_get_month         (HfEnergyMeter  *self);
/* Compute them again now (unless they are being computed). */
void            hf_energy_meter_refresh           (HfEnergyMeter  *self);

G_END_DECLS
