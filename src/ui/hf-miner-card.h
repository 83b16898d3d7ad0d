/* hf-miner-card.h — one miner in the grid
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "hf-core.h"
#include "hf-settings.h"
#include "hf-thermal-guardian.h"
#include "hf-tuner.h"

G_BEGIN_DECLS

#define HF_TYPE_MINER_CARD (hf_miner_card_get_type ())

G_DECLARE_FINAL_TYPE (HfMinerCard, hf_miner_card, HF, MINER_CARD, GtkWidget)

GtkWidget *hf_miner_card_new        (void);
HfMiner   *hf_miner_card_get_miner  (HfMinerCard *self);
void       hf_miner_card_set_miner  (HfMinerCard *self,
                                     HfMiner     *miner);
/* Its temperature alert is when the card shows a temperature as hot. */
HfSettings *hf_miner_card_get_settings (HfMinerCard *self);
void       hf_miner_card_set_settings (HfMinerCard *self,
                                       HfSettings  *settings);
/* A miner the budget curtailed says so ("Curtailed: power budget"). */
void       hf_miner_card_set_power_budget (HfMinerCard   *self,
                                           HfPowerBudget *budget);
/* Its schedule's next switch shows under its state. */
HfScheduler *hf_miner_card_get_scheduler (HfMinerCard *self);
void       hf_miner_card_set_scheduler (HfMinerCard *self,
                                        HfScheduler *scheduler);
/* A tune of its miner running shows its step ("Tuning… step 3/12"),
 * and the guardian holding it down says so ("Stepped down 1 option"). */
void       hf_miner_card_set_tuner    (HfMinerCard *self,
                                       HfTuner     *tuner);
void       hf_miner_card_set_guardian (HfMinerCard *self,
                                       HfThermalGuardian *guardian);
/* That line as shown, or NULL when hidden (for tests). */
const char *hf_miner_card_get_note    (HfMinerCard *self);
/* Whether its quick actions show (the pointer or the focus is on it). */
gboolean   hf_miner_card_get_actions_shown (HfMinerCard *self);

G_END_DECLS
