/* hf-reading.h — one poll's numbers
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * HfReading:
 *
 * What one poll of one miner said.  Every number is a double in one unit
 * (hashrate GH/s, temperatures °C, power W, frequency MHz, voltage mV,
 * uptime s); a value the miner did not report is NAN ("unknown"), never 0.
 * Strings are NULL when unknown.  Use hf_reading_known() to test a value.
 */
typedef struct _HfReading HfReading;

struct _HfReading
{
  gint64   timestamp;              /* wall-clock µs when the reading was taken */

  double   hashrate_ghs;           /* current (5 s / 1 m) */
  double   hashrate_avg_ghs;       /* long average, where the miner reports one */
  double   expected_hashrate_ghs;  /* nominal for the model / settings */

  double   temperature_c;          /* hottest chip, else hottest board */
  double   chip_temp_c;            /* hottest chip sensor */
  double   board_temp_c;           /* hottest board / VR / outlet sensor */
  double   chip2_temp_c;           /* a second ASIC sensor, on its own (AxeOS temp2) */
  double   vr_temp_c;              /* the voltage regulator, on its own (AxeOS vrTemp) */

  double   power_w;
  gboolean power_estimated;        /* power_w comes from a model table, not the miner */
  double   input_voltage_v;

  double   fan_rpm;                /* fastest fan */
  double   fan_percent;
  int      fan_auto;               /* 1 automatic, 0 fixed, -1 not reported */
  double   target_temp_c;          /* what the automatic fan keeps */
  int      work_mode;              /* 0 eco, 1 standard, 2 super; -1 not reported */

  double   frequency_mhz;
  double   core_voltage_mv;        /* measured where reported, else as set */
  double   core_voltage_set_mv;    /* as set (what a settings change writes) */

  double   uptime_s;
  double   accepted;
  double   rejected;
  double   hardware_errors;
  /* The share of the chip's nonces that failed (AxeOS errorPercentage, a
   * percentage over its recent window). */
  double   error_percent;
  /* The best share: all time where the firmware keeps it (AxeOS bestDiff),
   * else the best it reports (cgminer's Best Share, since its start). */
  double   best_difficulty;
  double   best_session_difficulty;  /* since the miner (or its cgminer) started */
  double   pool_difficulty;          /* what the pool asks of a share */
  double   network_difficulty;       /* Bitcoin's, as the miner last saw it */
  /* The miner's own count of blocks found, since it started: firmware
   * forgets it at a reboot (AxeOS blockFound, cgminer Found Blocks). */
  double   found_blocks;

  /* What the miner says it is doing (FALSE where a family does not say;
   * HfMiner:state puts them in order). */
  gboolean paused;                 /* stopped on purpose: pause, soft off, sleep, power off */
  gboolean overheated;             /* its thermal protection took over */
  gboolean power_fault;
  gboolean fallback_pool;          /* on a pool other than its first */
  gboolean updating;               /* writing new firmware */
  char    *fault;                  /* the miner's words for a fault, if it gives any */

  char    *pool_url;
  char    *pool_user;

  /* The power the miner is held to (Braiins power target, Whatsminer
   * power limit, LuxOS/VNish preset's watts), W; NAN when it has none. */
  double   power_limit_w;
  /* The firmware's own profile or preset the miner runs (LuxOS profile,
   * VNish preset, Whatsminer power mode "low|normal|high"), or NULL. */
  char    *preset;
};

#define HF_TYPE_READING (hf_reading_get_type ())

GType       hf_reading_get_type  (void);
HfReading  *hf_reading_new       (void);
HfReading  *hf_reading_copy      (const HfReading *self);
void        hf_reading_free      (HfReading       *self);

/* Drop values that are not readings (negative counts, 0 °C or -273 °C for an
 * absent sensor, NaN) and derive temperature_c from the chip and board
 * maxima.  Every parser calls it last. */
void        hf_reading_finish    (HfReading       *self);

/* The blocks @now says were found since @before, the previous reading of
 * the same miner: how far found_blocks moved, or, when the miner started
 * again in between (its uptime or its counter went back), its whole count
 * since then; a counter back to 0 is no block.  0 when either reading does
 * not report the counter: a count never seen moving is not counted.  At
 * most HF_MAX_BLOCKS_PER_READING (hf-limits.h). */
guint       hf_reading_blocks_since (const HfReading *before,
                                     const HfReading *now);
/* A counter that went back while the miner's uptime did not (a firmware
 * that answered 0 once) is a glitch, not a restart: @now keeps @before's
 * found_blocks, so that its return to the real count is no new block. */
void        hf_reading_carry_counters (const HfReading *before,
                                       HfReading       *now);

/* Fold a sensor value into a running maximum that may still be unknown. */
double      hf_max_known         (double           current,
                                  double           value);

static inline gboolean
hf_reading_known (double value)
{
  return !__builtin_isnan (value);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfReading, hf_reading_free)

G_END_DECLS
