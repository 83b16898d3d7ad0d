/* hf-sim-physics.c
 * SPDX-License-Identifier: MIT
 *
 * The model, per AxeOS chip table below (f in MHz, V in mV, P in W):
 *
 *   v_min(f)   = max (v_floor, v_at_f0 + slope · (f − f0)) + spread
 *   short      = max (0, v_min(f) − V)                    (set voltage)
 *   e          = min (0.95, short / 60 mV)
 *   hashrate   = base · f / f0 · (1 − e)     base: the profile's (or hashrate=) at f0
 *   expected   = f · small cores · ASICs / 1000
 *   error %    = base_error + 100 · e
 *   power      = idle + k · f · V²,  idle = 0.15 · P0,  k = 0.85 · P0 / (f0 · V0²)
 *   V actual   = V − 0.25 mV/A · (power − idle) / V + offset   (offset: the profile's at f0, V0)
 *   R(fan)     = R0 · (0.35 + 0.65 · fan0 / fan)
 *   T steady   = ambient + R(fan) · drawn power     (chip and VR, each its own R0)
 *   T(t)       = T_steady + (T_then − T_steady) · exp (−(t − then) / tau)
 *
 * R0 = (T_profile − 25 °C) / P0, so that at the profile's pair, fan and
 * 25 °C every number is the profile's.  The spread (±12 mV, from the
 * miner's address) is the silicon lottery: it moves which voltage option
 * runs clean, never the numbers of an untouched miner (each default pair
 * has more than 12 mV of margin).
 *
 * Avalon: hashrate × 0.85 / 1 / 1.1 and power × 0.8 / 1 / 1.2 in eco /
 * standard / super; temperatures as above from that power.
 */
#include <math.h>
#include <string.h>

#include "hf-sim-physics.h"

#define SPREAD_MV      12.0
#define ERROR_SPAN_MV  60.0
#define MAX_ERROR      0.95
#define IDLE_SHARE     0.15
#define DROOP_MV_PER_A 0.25
#define FAN_FIXED      0.35      /* the share of the thermal resistance no fan changes */
#define PAUSED_AXEOS   0.15      /* what a paused miner draws, of its mining power */
#define PAUSED_AVALON  0.10

typedef struct
{
  SimProfileId id;
  const guint *frequencies;
  guint        n_frequencies;
  const guint *voltages;
  guint        n_voltages;
  guint        f0, v0;        /* the pair the profile's replies describe */
  double       cores;         /* small cores × ASICs */
  double       v_at_f0;       /* mV its chips need at f0 */
  double       slope;         /* mV per MHz */
  double       v_floor;       /* mV no frequency runs below */
  double       actual0;       /* coreVoltageActual untouched */
  double       base_error;    /* errorPercentage running clean */
} AxeosChip;

static const guint gamma_f[] = { 400, 490, 525, 550, 600, 625 };
static const guint gamma_v[] = { 1000, 1060, 1100, 1150, 1200, 1250 };
/* AxeOS 2.4 serves no /api/system/asic: the BM1368's table of its web UI. */
static const guint supra_f[] = { 400, 425, 450, 475, 485, 490, 500, 525, 550, 575 };
static const guint supra_v[] = { 1100, 1150, 1166, 1200, 1250, 1300 };
static const guint ultra_f[] = { 400, 425, 450, 475, 485, 500, 525, 550, 575 };
static const guint ultra_v[] = { 1100, 1150, 1200, 1250, 1300 };
static const guint nerd_f[] = { 500, 515, 525, 550, 575, 590, 600 };
static const guint nerd_v[] = { 1120, 1130, 1140, 1150, 1160, 1170, 1180, 1190, 1200 };

#define OPTS(f, v) f, G_N_ELEMENTS (f), v, G_N_ELEMENTS (v)
static const AxeosChip chips[] = {
  { SIM_AXEOS_GAMMA,     OPTS (gamma_f, gamma_v), 525, 1150, 2040, 1090, 1.0, 1040, 1147, 0.3 },
  { SIM_AXEOS_SUPRA_OLD, OPTS (supra_f, supra_v), 490, 1166, 1276, 1120, 1.0, 1060, 1172, 0.3 },
  { SIM_AXEOS_ULTRA,     OPTS (ultra_f, ultra_v), 485, 1150, 894,  1120, 1.1, 1060, 1147, 0.3 },
  { SIM_NERDQAXE,        OPTS (nerd_f, nerd_v),   600, 1150, 8160, 1135, 1.0, 1080, 1150, 0.3 },
};
#undef OPTS

static const double mode_hashrate[] = { 0.85, 1.0, 1.1 };
static const double mode_power[] = { 0.8, 1.0, 1.2 };

static const AxeosChip *
chip_of (const SimProfile *profile)
{
  for (guint i = 0; i < G_N_ELEMENTS (chips); i++)
    if (chips[i].id == profile->id)
      return &chips[i];
  return NULL;
}

/* The power that heats an Avalon at 25 °C in standard mode: what it
 * reports, or for one that reports none, what its kind draws. */
static double
heat_power0 (const SimProfile *profile)
{
  if (profile->power_w > 0)
    return profile->power_w;
  switch (profile->id)
    {
    case SIM_AVALON_NANO3:
      return 70.0;
    case SIM_AVALON_Q:
      return 1674.0;
    default:
      return 100.0;
    }
}

gboolean
sim_physics_applies (SimMiner *miner)
{
  return chip_of (miner->profile) != NULL || miner->profile->kind == SIM_KIND_AVALON;
}

gboolean
sim_physics_options (const SimProfile *profile,
                     const guint     **frequencies,
                     guint            *n_frequencies,
                     const guint     **voltages,
                     guint            *n_voltages,
                     guint            *default_frequency,
                     guint            *default_voltage)
{
  const AxeosChip *chip = chip_of (profile);

  if (chip == NULL)
    return FALSE;
  *frequencies = chip->frequencies;
  *n_frequencies = chip->n_frequencies;
  *voltages = chip->voltages;
  *n_voltages = chip->n_voltages;
  *default_frequency = chip->f0;
  *default_voltage = chip->v0;
  return TRUE;
}

double
sim_physics_mode_hashrate (int work_mode)
{
  return mode_hashrate[CLAMP (work_mode, 0, 2)];
}

double
sim_physics_mode_power (int work_mode)
{
  return mode_power[CLAMP (work_mode, 0, 2)];
}

/* −1…1, fixed by the address (djb2: the same in every run). */
static double
spread_of (SimMiner *miner)
{
  if (!miner->physics_spread)
    return 0.0;
  return (double) (g_str_hash (miner->ip) % 2001) / 1000.0 - 1.0;
}

static double
own_fan (SimMiner *miner)
{
  if (!isnan (miner->control_fan))
    return miner->control_fan;
  if (miner->fan_set && !miner->set_autofan)
    return miner->set_fanspeed;
  return isnan (miner->profile->fan_percent) ? 100.0 : miner->profile->fan_percent;
}

/* R(fan) / R0 */
static double
fan_factor (SimMiner *miner,
            double    fan)
{
  double fan0 = miner->profile->fan_percent;

  if (isnan (fan0) || fan0 <= 0)
    return 1.0;
  return FAN_FIXED + (1.0 - FAN_FIXED) * fan0 / MAX (fan, 5.0);
}

static void
temperatures (SimMiner   *miner,
              double      heat0,
              double      ambient_c,
              SimPhysics *out)
{
  const SimProfile *p = miner->profile;
  double g = fan_factor (miner, out->fan_percent);
  double r_chip = (p->chip_temp - SIM_PHYSICS_AMBIENT_C) / heat0;
  double r_vr = (p->board_temp - SIM_PHYSICS_AMBIENT_C) / heat0;

  out->chip_temp_c = ambient_c + r_chip * g * out->drawn_w;
  out->vr_temp_c = ambient_c + r_vr * g * out->drawn_w;
}

void
sim_physics_steady (SimMiner   *miner,
                    double      frequency,
                    double      voltage,
                    int         work_mode,
                    double      ambient_c,
                    double      fan_percent,
                    gboolean    paused,
                    SimPhysics *out)
{
  const SimProfile *p = miner->profile;
  const AxeosChip *chip = chip_of (p);
  double base = sim_miner_base_hashrate (miner);

  memset (out, 0, sizeof *out);
  out->fan_percent = isnan (fan_percent) ? own_fan (miner) : fan_percent;
  if (chip != NULL)
    {
      double f = frequency > 0 ? frequency : chip->f0;
      double v = voltage > 0 ? voltage : chip->v0;
      double p0 = p->power_w;
      double idle = IDLE_SHARE * p0;
      double k = (1.0 - IDLE_SHARE) * p0 / (chip->f0 * pow (chip->v0 / 1000.0, 2));
      double shortfall, e, mining, current, current0;

      out->frequency = f;
      out->voltage = v;
      out->work_mode = -1;
      out->v_min = MAX (chip->v_floor, chip->v_at_f0 + chip->slope * (f - chip->f0))
                   + SPREAD_MV * spread_of (miner);
      shortfall = MAX (0.0, out->v_min - v);
      e = MIN (MAX_ERROR, shortfall / ERROR_SPAN_MV);
      out->hashrate_ghs = paused ? 0.0 : base * f / chip->f0 * (1.0 - e);
      out->expected_ghs = f * chip->cores / 1000.0;
      out->error_percent = MIN (100.0, chip->base_error + 100.0 * e);
      mining = idle + k * f * pow (v / 1000.0, 2);
      out->power_w = isnan (miner->power) ? mining : miner->power * mining / p0;
      out->drawn_w = paused ? PAUSED_AXEOS * mining : mining;
      current = (out->drawn_w - idle) / (v / 1000.0);
      current0 = (p0 - idle) / (chip->v0 / 1000.0);
      out->voltage_actual = round (v - DROOP_MV_PER_A * current
                                   + (chip->actual0 - (chip->v0 - DROOP_MV_PER_A * current0)));
      temperatures (miner, p0, ambient_c, out);
      return;
    }

  /* Avalon work modes */
  {
    int mode = work_mode < 0 ? 1 : CLAMP (work_mode, 0, 2);
    double heat0 = heat_power0 (p);
    double mining = heat0 * mode_power[mode];

    out->frequency = NAN;
    out->voltage = NAN;
    out->v_min = NAN;
    out->voltage_actual = NAN;
    out->error_percent = NAN;
    out->work_mode = mode;
    out->hashrate_ghs = paused ? 0.0 : base * mode_hashrate[mode];
    out->expected_ghs = p->expected_ghs;
    out->power_w = p->power_w > 0 ? p->power_w * mode_power[mode] : 0.0;
    out->drawn_w = paused ? PAUSED_AVALON * mining : mining;
    temperatures (miner, heat0, ambient_c, out);
  }
}

static void
steady_now (SimMiner   *miner,
            SimPhysics *out)
{
  sim_physics_steady (miner, miner->set_frequency, miner->set_voltage,
                      miner->workmode_set ? miner->workmode : -1, miner->ambient_c, NAN,
                      miner->paused, out);
}

/* Move the temperatures to @at (monotonic µs), toward @steady; a new
 * steady state starts a new curve from where they are.  A time before the
 * last change leaves them where that change found them. */
static void
advance (SimMiner   *miner,
         SimPhysics *steady,
         gint64      at)
{
  if (miner->th_since == 0)
    {
      miner->th_chip = miner->th_chip_to = steady->chip_temp_c;
      miner->th_vr = miner->th_vr_to = steady->vr_temp_c;
      miner->th_since = at;
    }
  else
    {
      if (at > miner->th_since)
        {
          double decay = exp (-(double) (at - miner->th_since) / G_USEC_PER_SEC
                              / MAX (miner->thermal_tau_s, 0.001));

          miner->th_chip = miner->th_chip_to + (miner->th_chip - miner->th_chip_to) * decay;
          miner->th_vr = miner->th_vr_to + (miner->th_vr - miner->th_vr_to) * decay;
          miner->th_since = at;
          /* Settled: exactly there, so that the replies stop changing. */
          if (fabs (miner->th_chip - miner->th_chip_to) < 1e-6
              && fabs (miner->th_vr - miner->th_vr_to) < 1e-6)
            {
              miner->th_chip = miner->th_chip_to;
              miner->th_vr = miner->th_vr_to;
            }
        }
      miner->th_chip_to = steady->chip_temp_c;
      miner->th_vr_to = steady->vr_temp_c;
    }
  steady->chip_temp_c = miner->th_chip;
  steady->vr_temp_c = miner->th_vr;
}

/* The firmware samples its sensors once a second, as its uptime ticks: a
 * reading shows the temperatures of the last whole second of uptime (so
 * the AxeOS live socket sends them with uptimeSeconds). */
static gint64
last_sample (SimMiner *miner)
{
  gint64 up = g_get_real_time () - miner->boot_time;
  gint64 now = g_get_monotonic_time ();

  return up > 0 ? now - up % G_USEC_PER_SEC : now;
}

void
sim_physics_changed (SimMiner *miner)
{
  SimPhysics steady;

  /* advance() brings the curve to now along the old steady state, then
   * aims it at the new one. */
  if (!sim_physics_applies (miner))
    return;
  steady_now (miner, &steady);
  advance (miner, &steady, g_get_monotonic_time ());
}

void
sim_physics_now (SimFleet   *fleet,
                 SimMiner   *miner,
                 SimPhysics *out)
{
  gboolean avalon = chip_of (miner->profile) == NULL;

  steady_now (miner, out);
  advance (miner, out, last_sample (miner));
  out->hashrate_ghs = sim_miner_value (fleet, miner, out->hashrate_ghs, avalon ? 0.02 : 0.03);
  out->power_w = sim_miner_value (fleet, miner, out->power_w, avalon ? 0.01 : 0.02);
  out->chip_temp_c = sim_miner_value (fleet, miner, out->chip_temp_c, 0.02);
}

gboolean
sim_physics_nominal (SimMiner *miner)
{
  const AxeosChip *chip = chip_of (miner->profile);
  SimPhysics steady;

  if (!sim_physics_applies (miner))
    return TRUE;
  if (miner->ambient_c != SIM_PHYSICS_AMBIENT_C || !isnan (miner->control_fan)
      || (miner->fan_set && !miner->set_autofan) || miner->paused)
    return FALSE;
  if (chip != NULL && ((miner->set_frequency != 0 && miner->set_frequency != chip->f0)
                       || (miner->set_voltage != 0 && miner->set_voltage != chip->v0)))
    return FALSE;
  if (chip == NULL && miner->workmode_set && miner->workmode != 1)
    return FALSE;
  if (miner->th_since == 0)
    return TRUE;
  steady_now (miner, &steady);
  advance (miner, &steady, last_sample (miner));
  return fabs (steady.chip_temp_c - miner->profile->chip_temp) < 1e-3
         && fabs (steady.vr_temp_c - miner->profile->board_temp) < 1e-3;
}

/* "name":value, to the millesimal, or null */
static void
add_number (GString    *line,
            const char *name,
            double      value,
            gboolean    reported)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  gsize len;

  g_string_append_printf (line, "%s\"%s\":", line->len > 1 ? "," : "", name);
  if (!reported || isnan (value) || isinf (value))
    {
      g_string_append (line, "null");
      return;
    }
  g_ascii_formatd (text, sizeof text, "%.3f", value);
  /* 838.095, 17.8, 1100 */
  len = strlen (text);
  while (len > 0 && text[len - 1] == '0')
    text[--len] = '\0';
  if (len > 0 && text[len - 1] == '.')
    text[--len] = '\0';
  if (g_str_equal (text, "-0"))
    g_strlcpy (text, "0", sizeof text);
  g_string_append (line, text);
}

static char *
table_line (SimMiner   *miner,
            SimPhysics *s)
{
  GString *line = g_string_new ("{");
  gboolean axeos = s->work_mode < 0;

  add_number (line, "frequency", s->frequency, axeos);
  add_number (line, "voltage", s->voltage, axeos);
  add_number (line, "work_mode", s->work_mode, !axeos);
  add_number (line, "hashrate_ghs", s->hashrate_ghs, TRUE);
  add_number (line, "expected_ghs", s->expected_ghs, TRUE);
  add_number (line, "power_w", s->power_w, miner->profile->power_w > 0);
  add_number (line, "chip_temp_c", s->chip_temp_c, TRUE);
  add_number (line, "vr_temp_c", s->vr_temp_c, TRUE);
  add_number (line, "error_percent", s->error_percent, axeos);
  add_number (line, "v_min", s->v_min, axeos);
  add_number (line, "voltage_actual", s->voltage_actual, axeos);
  add_number (line, "fan_percent", s->fan_percent, TRUE);
  add_number (line, "ambient_c", miner->ambient_c, TRUE);
  g_string_append_c (line, '}');
  return g_string_free (line, FALSE);
}

char *
sim_physics_table (SimMiner *miner)
{
  const AxeosChip *chip = chip_of (miner->profile);
  GString *out = g_string_new (NULL);
  SimPhysics s;

  if (chip != NULL)
    for (guint i = 0; i < chip->n_frequencies; i++)
      for (guint j = 0; j < chip->n_voltages; j++)
        {
          g_autofree char *line = NULL;

          sim_physics_steady (miner, chip->frequencies[i], chip->voltages[j], -1,
                              miner->ambient_c, NAN, FALSE, &s);
          line = table_line (miner, &s);
          g_string_append_printf (out, "%s\n", line);
        }
  else if (miner->profile->kind == SIM_KIND_AVALON)
    for (int mode = 0; mode < 3; mode++)
      {
        g_autofree char *line = NULL;

        sim_physics_steady (miner, 0, 0, mode, miner->ambient_c, NAN, FALSE, &s);
        line = table_line (miner, &s);
        g_string_append_printf (out, "%s\n", line);
      }
  return g_string_free (out, FALSE);
}
