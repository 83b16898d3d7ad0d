/* hf-reading.c
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include "hf-limits.h"
#include "hf-reading.h"

G_DEFINE_BOXED_TYPE (HfReading, hf_reading, hf_reading_copy, hf_reading_free)

HfReading *
hf_reading_new (void)
{
  HfReading *self = g_new0 (HfReading, 1);

  self->timestamp = g_get_real_time ();
  self->hashrate_ghs = NAN;
  self->hashrate_avg_ghs = NAN;
  self->expected_hashrate_ghs = NAN;
  self->temperature_c = NAN;
  self->chip_temp_c = NAN;
  self->board_temp_c = NAN;
  self->chip2_temp_c = NAN;
  self->vr_temp_c = NAN;
  self->power_w = NAN;
  self->input_voltage_v = NAN;
  self->fan_rpm = NAN;
  self->fan_percent = NAN;
  self->fan_auto = -1;
  self->work_mode = -1;
  self->target_temp_c = NAN;
  self->frequency_mhz = NAN;
  self->core_voltage_mv = NAN;
  self->core_voltage_set_mv = NAN;
  self->uptime_s = NAN;
  self->accepted = NAN;
  self->rejected = NAN;
  self->hardware_errors = NAN;
  self->error_percent = NAN;
  self->best_difficulty = NAN;
  self->best_session_difficulty = NAN;
  self->pool_difficulty = NAN;
  self->network_difficulty = NAN;
  self->found_blocks = NAN;
  self->power_limit_w = NAN;

  return self;
}

HfReading *
hf_reading_copy (const HfReading *self)
{
  HfReading *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->pool_url = g_strdup (self->pool_url);
  copy->pool_user = g_strdup (self->pool_user);
  copy->fault = g_strdup (self->fault);
  copy->preset = g_strdup (self->preset);
  return copy;
}

void
hf_reading_free (HfReading *self)
{
  if (self == NULL)
    return;
  g_free (self->pool_url);
  g_free (self->pool_user);
  g_free (self->fault);
  g_free (self->preset);
  g_free (self);
}

double
hf_max_known (double current,
              double value)
{
  if (isnan (value))
    return current;
  if (isnan (current) || value > current)
    return value;
  return current;
}

/* Firmware writes 0 or -273 for a sensor it does not have, and hostile or
 * broken replies carry negative counts: neither is a reading. */
static double
sane_temperature (double t)
{
  return t > 0.0 && t < 250.0 ? t : NAN;
}

static double
sane_non_negative (double v)
{
  return v >= 0.0 && v < 1e21 ? v : NAN;
}

static double
sane_at_most (double v,
              double max)
{
  return v >= 0.0 && v <= max ? v : NAN;
}

/* A difficulty of 0 is a pool or network not known yet. */
static double
sane_positive (double v)
{
  return v > 0.0 && v < 1e30 ? v : NAN;
}

void
hf_reading_finish (HfReading *self)
{
  g_return_if_fail (self != NULL);

  self->chip_temp_c = sane_temperature (self->chip_temp_c);
  self->board_temp_c = sane_temperature (self->board_temp_c);
  self->chip2_temp_c = sane_temperature (self->chip2_temp_c);
  self->vr_temp_c = sane_temperature (self->vr_temp_c);
  self->hashrate_ghs = sane_at_most (self->hashrate_ghs, HF_MAX_DEVICE_HASHRATE_GHS);
  self->hashrate_avg_ghs = sane_at_most (self->hashrate_avg_ghs, HF_MAX_DEVICE_HASHRATE_GHS);
  self->expected_hashrate_ghs = sane_at_most (self->expected_hashrate_ghs,
                                              HF_MAX_DEVICE_HASHRATE_GHS);
  self->power_w = sane_at_most (self->power_w, HF_MAX_DEVICE_POWER_W);
  /* A limit of 0 W is none a miner runs at. */
  self->power_limit_w = self->power_limit_w > 0.0 && self->power_limit_w <= HF_MAX_DEVICE_POWER_W
                        ? self->power_limit_w : NAN;
  self->input_voltage_v = sane_non_negative (self->input_voltage_v);
  self->fan_rpm = sane_non_negative (self->fan_rpm);
  self->fan_percent = self->fan_percent >= 0.0 && self->fan_percent <= 100.0
                      ? self->fan_percent : NAN;
  self->target_temp_c = sane_temperature (self->target_temp_c);
  self->error_percent = self->error_percent >= 0.0 && self->error_percent <= 100.0
                        ? self->error_percent : NAN;
  self->frequency_mhz = sane_non_negative (self->frequency_mhz);
  self->core_voltage_mv = sane_non_negative (self->core_voltage_mv);
  self->core_voltage_set_mv = sane_non_negative (self->core_voltage_set_mv);
  self->uptime_s = sane_non_negative (self->uptime_s);
  self->accepted = sane_non_negative (self->accepted);
  self->rejected = sane_non_negative (self->rejected);
  self->hardware_errors = sane_non_negative (self->hardware_errors);
  self->best_difficulty = sane_non_negative (self->best_difficulty);
  self->best_session_difficulty = sane_non_negative (self->best_session_difficulty);
  self->pool_difficulty = sane_positive (self->pool_difficulty);
  self->network_difficulty = sane_positive (self->network_difficulty);
  /* Whole blocks; a counter past a million is not one. */
  self->found_blocks = sane_at_most (floor (self->found_blocks), HF_MAX_FOUND_BLOCKS);

  self->temperature_c = NAN;
  if (hf_reading_known (self->chip_temp_c))
    self->temperature_c = self->chip_temp_c;
  else if (hf_reading_known (self->board_temp_c))
    self->temperature_c = self->board_temp_c;
}

guint
hf_reading_blocks_since (const HfReading *before,
                         const HfReading *now)
{
  gboolean started_again;

  if (before == NULL || now == NULL || isnan (before->found_blocks) || isnan (now->found_blocks))
    return 0;
  started_again = (hf_reading_known (before->uptime_s) && hf_reading_known (now->uptime_s)
                   && now->uptime_s < before->uptime_s)
                  || now->found_blocks < before->found_blocks;
  return (guint) MIN (started_again ? now->found_blocks : now->found_blocks - before->found_blocks,
                      HF_MAX_BLOCKS_PER_READING);
}

void
hf_reading_carry_counters (const HfReading *before,
                           HfReading       *now)
{
  if (before == NULL || now == NULL || isnan (before->found_blocks) || isnan (now->found_blocks))
    return;
  if (hf_reading_known (before->uptime_s) && hf_reading_known (now->uptime_s)
      && now->uptime_s >= before->uptime_s && now->found_blocks < before->found_blocks)
    now->found_blocks = before->found_blocks;
}
