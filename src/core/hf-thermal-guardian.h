/* hf-thermal-guardian.h — stepping a hot miner down, and back up once cool
 * SPDX-License-Identifier: MIT
 *
 * Opt-in per miner or per group.  On a reading whose chip or VR
 * temperature is past the miner's limit, the guardian steps the miner
 * down one option: the next lower frequency among the model's own
 * (AxeOS, NerdOS), or the next lower work mode (Avalon).  Once every
 * reading has stayed under the limits minus a margin for cool_min
 * minutes, it steps back up one option, until the miner is where it was.
 * A step up that gets hot again waits a whole cool period before the
 * next try, so it never swings faster than that.  Each step is kept in
 * the miner's history (the store's events) and raised as an alert.  The
 * settings a miner had before its first step down are in the store, so a
 * restart neither forgets nor repeats them.  A miner that tunes is left
 * to the tuner's own limits.
 */
#pragma once

#include <gio/gio.h>

#include "hf-miner.h"

G_BEGIN_DECLS

typedef struct _HfSession HfSession;
typedef struct _HfStore HfStore;

#define HF_GUARDIAN_DEFAULT_CHIP_C    70.0
#define HF_GUARDIAN_DEFAULT_VR_C      85.0
#define HF_GUARDIAN_DEFAULT_COOL_MIN  10
/* A reading counts as cool below the limit minus this. */
#define HF_GUARDIAN_MARGIN_C          3.0

/* Who a guard is for: one miner (@miner_key) or one group (@group). */
typedef struct
{
  gint64  id;
  char   *miner_key;            /* hf_miner key (MAC/serial, else address), or NULL */
  char   *group;                /* group name, or NULL */
  double  chip_limit_c;
  double  vr_limit_c;
  guint   cool_min;
} HfGuard;

HfGuard *hf_guard_new  (void);
HfGuard *hf_guard_copy (const HfGuard *guard);
void     hf_guard_free (HfGuard       *guard);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfGuard, hf_guard_free)

#define HF_TYPE_THERMAL_GUARDIAN (hf_thermal_guardian_get_type ())
G_DECLARE_FINAL_TYPE (HfThermalGuardian, hf_thermal_guardian, HF, THERMAL_GUARDIAN, GObject)

/* The session makes its own (hf_session_get_guardian()). */
HfThermalGuardian *hf_thermal_guardian_new (HfSession *session);

/* The guard in force for @miner (its own, else its group's), or NULL. */
const HfGuard *hf_thermal_guardian_get_guard   (HfThermalGuardian *self,
                                                HfMiner           *miner);
/* How many options @miner is stepped down now (0: where it was). */
guint          hf_thermal_guardian_get_steps   (HfThermalGuardian *self,
                                                HfMiner           *miner);
/* Every guard (HfGuard*, the guardian's own). */
GPtrArray     *hf_thermal_guardian_get_guards  (HfThermalGuardian *self);

/* Add or replace the guard of @guard's miner or group; remove one by id.
 * Saved in the store; ::changed when done. */
void      hf_thermal_guardian_set_async    (HfThermalGuardian  *self,
                                            const HfGuard      *guard,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean  hf_thermal_guardian_set_finish   (HfThermalGuardian  *self,
                                            GAsyncResult       *result,
                                            GError            **error);
void      hf_thermal_guardian_remove_async (HfThermalGuardian  *self,
                                            gint64              id,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean  hf_thermal_guardian_remove_finish (HfThermalGuardian *self,
                                             GAsyncResult      *result,
                                             GError           **error);

/* Look at @miner's new reading (the session calls it for every reading). */
void      hf_thermal_guardian_check        (HfThermalGuardian  *self,
                                            HfMiner            *miner);

/* Signals: ::stepped (HfMiner*, int direction -1 down / +1 up, const char
 * *what "490 MHz → 450 MHz: chip 72 °C over 70 °C"), ::changed. */

/* Tests drive time: wall-clock µs (default g_get_real_time). */
typedef gint64 (*HfGuardianClock) (gpointer user_data);
void      hf_thermal_guardian_set_clock    (HfThermalGuardian  *self,
                                            HfGuardianClock     clock,
                                            gpointer            user_data);

G_END_DECLS
