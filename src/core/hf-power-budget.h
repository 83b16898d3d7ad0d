/* hf-power-budget.h — keeping the fleet under a number of watts
 * SPDX-License-Identifier: MIT
 *
 * After each poll cycle the session asks the budget to look at the fleet's
 * power (each online miner's reading: measured where the miner reports it,
 * else estimated from its model table — hf_power_budget_get_power() says
 * which).  Over the budget by more than 5 %, it curtails miners, least
 * efficient first by their own J/TH, until the projected power is under
 * it; under the budget, it brings them back, most efficient first, each
 * only when the projected power with it stays 5 % under the budget.  A
 * miner is changed at most once in HF_POWER_BUDGET_HOLD_S.  Curtailing is
 * a pause where the miner can pause, else its lowest work mode, else
 * nothing (and said); bringing back restores what was there.  Every write
 * goes through the session (hf_session_act_async(), hf_session_apply_async()).
 */
#pragma once

#include <gio/gio.h>

#include "hf-fleet.h"
#include "hf-miner.h"

G_BEGIN_DECLS

#ifndef HF_MINER_VETO_FUNC_DEFINED
#define HF_MINER_VETO_FUNC_DEFINED
typedef gboolean (*HfMinerVetoFunc) (HfMiner *miner, gpointer user_data);
#endif

/* hf-session.h includes this header. */
typedef struct _HfSession HfSession;

/* One miner is changed at most once in this many seconds. */
#define HF_POWER_BUDGET_HOLD_S   300
/* Act over the budget by more than this fraction; bring back only with
 * this much of the budget to spare. */
#define HF_POWER_BUDGET_MARGIN   0.05
/* Budgets beyond this many watts are refused (a typing error, not a fleet). */
#define HF_POWER_BUDGET_MAX_W    10000000.0
/* A reading of one miner drawing more than this is not believed (the
 * largest immersion and hydro units draw under half of it). */
#define HF_POWER_BUDGET_MAX_MINER_W 20000.0
/* Nor an efficiency better than any chip made (J/TH): such a miner is
 * curtailed first rather than kept as the "most efficient". */
#define HF_POWER_BUDGET_MIN_J_TH    5.0

typedef enum
{
  HF_CURTAIL_NONE,
  HF_CURTAIL_PAUSE,             /* paused; brought back by resuming */
  HF_CURTAIL_WORK_MODE,         /* lowest work mode; brought back to the one before */
} HfCurtailment;

const char *hf_curtailment_to_string (HfCurtailment how);

/**
 * HfCurtailed:
 * @miner: the fleet's miner, or NULL when it is not in the fleet (now)
 * @key: its identity (MAC, serial, else address), as remembered
 * @how: what was done
 * @previous_mode: the work mode it had (HF_CURTAIL_WORK_MODE), else -1
 * @power_w: what it drew before (W)
 * @j_th: its efficiency before (J/TH; NAN: unknown)
 * @since: when (the budget's clock, µs)
 * @why: for people
 */
typedef struct
{
  HfMiner       *miner;
  char          *key;
  HfCurtailment  how;
  int            previous_mode;
  double         power_w;
  double         j_th;
  gint64         since;
  char          *why;
} HfCurtailed;

void hf_curtailed_free (HfCurtailed *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfCurtailed, hf_curtailed_free)

/* Wall-clock µs, as g_get_real_time() gives them (tests drive their own). */
typedef gint64 (*HfPowerBudgetClock) (gpointer user_data);

#define HF_TYPE_POWER_BUDGET (hf_power_budget_get_type ())
G_DECLARE_FINAL_TYPE (HfPowerBudget, hf_power_budget, HF, POWER_BUDGET, GObject)

/* The session's budget (hf_session_get_power_budget()); @session is not
 * referenced: it owns the budget. */
HfPowerBudget *hf_power_budget_new          (HfSession          *session);

/* Watts the fleet is kept under; 0 (or less, or not finite): no budget,
 * and what it curtailed is brought back.  Remembered. */
void           hf_power_budget_set_watts    (HfPowerBudget      *self,
                                             double              watts);
double         hf_power_budget_get_watts    (HfPowerBudget      *self);

/* The fleet's power now (online miners with a known power; NAN when none)
 * and whether any of it is estimated rather than measured. */
double         hf_power_budget_get_power    (HfPowerBudget      *self,
                                             gboolean           *estimated);

/* What the budget is and does, as JSON: {"watts", "enabled", "power_w",
 * "power_estimated", "curtailed": [{"address", "name", "how",
 * "previous_work_mode", "power_w", "efficiency_j_th", "since", "why"}],
 * "left_alone": [{"address", "name", "why"}]} (watts 0: no budget; since in
 * unix seconds). */
char          *hf_power_budget_to_json      (HfPowerBudget      *self);

/* Look at the fleet and act (the session calls it after each cycle). */
void           hf_power_budget_evaluate     (HfPowerBudget      *self);

gboolean       hf_power_budget_is_curtailed (HfPowerBudget      *self,
                                             HfMiner            *miner);
/* @miner left the fleet: it is no longer counted as curtailed. */
void           hf_power_budget_forget_miner (HfPowerBudget      *self,
                                             HfMiner            *miner);
/* The miners it curtailed (HfCurtailed*), least efficient first. */
GPtrArray     *hf_power_budget_list_curtailed (HfPowerBudget    *self);
/* Why the budget could not curtail @miner when it last tried ("its family
 * can neither pause nor change its work mode"), or NULL. */
const char    *hf_power_budget_get_note     (HfPowerBudget      *self,
                                             HfMiner            *miner);

/* Miners @func returns TRUE for are neither curtailed nor brought back
 * (a schedule keeps them paused). */
void           hf_power_budget_set_skip_func (HfPowerBudget     *self,
                                              HfMinerVetoFunc    func,
                                              gpointer           user_data,
                                              GDestroyNotify     destroy);
void           hf_power_budget_set_clock    (HfPowerBudget      *self,
                                             HfPowerBudgetClock  clock,
                                             gpointer            user_data);
/* Capabilities the budget leaves unused: HF_CAP_PAUSE curtails by work
 * mode where a miner has one (Avalons kept warm rather than off). */
void           hf_power_budget_set_unused_capabilities (HfPowerBudget  *self,
                                                        HfCapabilities  caps);

/* What ::remember said in an earlier run ("power_budget:…" → gint64*, as
 * hf_store_load_meta() gives them).  A budget set before keeps its watts. */
void           hf_power_budget_load         (HfPowerBudget      *self,
                                             GHashTable         *remembered);

G_END_DECLS
