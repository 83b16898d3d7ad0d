/* hf-sim-physics.h — what a simulated miner's chips do with the settings
 * they are given: needed voltage, hashrate and errors, power, temperatures
 * SPDX-License-Identifier: MIT
 *
 * AxeOS and NerdOS miners: per frequency a needed voltage v_min(f); at or
 * above it the chips hash clean, below it they lose hashrate and make
 * errors; power = idle + k·f·V²; chip and VR temperatures go toward
 * ambient + R(fan)·power with a time constant.  Avalon miners: the same
 * with their work modes instead of frequency and voltage.  Every constant
 * is chosen so that an untouched miner at 25 °C reports what its profile
 * always did.
 */
#pragma once

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

#define SIM_PHYSICS_AMBIENT_C 25.0   /* the ambient the profiles' numbers are for */

typedef struct
{
  double   frequency;       /* MHz; NAN for Avalon */
  double   voltage;         /* mV set; NAN for Avalon */
  int      work_mode;       /* Avalon 0 eco, 1 standard, 2 super; -1 otherwise */
  double   fan_percent;
  double   v_min;           /* mV the frequency needs (this miner's chips); NAN for Avalon */
  double   hashrate_ghs;    /* what it hashes */
  double   expected_ghs;    /* what the firmware expects at this frequency */
  double   power_w;         /* what it reports (drawn, or the power= key's scale) */
  double   drawn_w;         /* what heats it */
  double   chip_temp_c;
  double   vr_temp_c;       /* VR (AxeOS) or board/outlet (Avalon) */
  double   error_percent;   /* NAN for Avalon */
  double   voltage_actual;  /* mV measured: set minus droop; NAN for Avalon */
} SimPhysics;

/* Does the model drive @miner's replies (AxeOS, NerdOS and Avalon)? */
gboolean  sim_physics_applies  (SimMiner   *miner);
/* The frequency and voltage options of an AxeOS profile (what
 * /api/system/asic lists, or the chip's table for a firmware without it),
 * and the pair the profile runs at untouched.  FALSE for other profiles. */
gboolean  sim_physics_options  (const SimProfile *profile,
                                const guint     **frequencies,
                                guint            *n_frequencies,
                                const guint     **voltages,
                                guint            *n_voltages,
                                guint            *default_frequency,
                                guint            *default_voltage);
/* The steady state at these settings (@frequency, @voltage 0: the
 * default; @work_mode -1: standard; @fan_percent NAN: the miner's own) and
 * @ambient_c, without noise and without time. */
void      sim_physics_steady   (SimMiner   *miner,
                                double      frequency,
                                double      voltage,
                                int         work_mode,
                                double      ambient_c,
                                double      fan_percent,
                                gboolean    paused,
                                SimPhysics *out);
/* The state now: the miner's settings, its temperatures on their way to
 * the steady ones (thermal-tau), and a little noise unless the fleet is
 * static. */
void      sim_physics_now      (SimFleet   *fleet,
                                SimMiner   *miner,
                                SimPhysics *out);
/* Call after anything the steady state depends on changed (a write, a
 * control, pause): the temperatures start toward the new one from where
 * they are now. */
void      sim_physics_changed  (SimMiner   *miner);
/* Is the miner exactly as its profile's numbers describe it (untouched,
 * at 25 °C, settled)?  Its replies need no rewrite then. */
gboolean  sim_physics_nominal  (SimMiner   *miner);
/* Hashrate and power factors of an Avalon work mode (0 eco, 1 standard,
 * 2 super). */
double    sim_physics_mode_hashrate (int work_mode);
double    sim_physics_mode_power    (int work_mode);
/* --physics-table: one JSON line per (frequency × voltage) option pair,
 * or per work mode, with the steady state at the miner's ambient. */
char     *sim_physics_table    (SimMiner   *miner);

G_END_DECLS
