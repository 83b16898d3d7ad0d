/* hf-tune-view.h — one miner's tune: its steps as a chart and a table
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-core.h"
#include "hf-tuner.h"

G_BEGIN_DECLS

/* The table's columns, in order. */
typedef enum
{
  HF_TUNE_COLUMN_STEP,
  HF_TUNE_COLUMN_FREQUENCY,
  HF_TUNE_COLUMN_VOLTAGE,
  HF_TUNE_COLUMN_HASHRATE,
  HF_TUNE_COLUMN_POWER,
  HF_TUNE_COLUMN_EFFICIENCY,
  HF_TUNE_COLUMN_CHIP,
  HF_TUNE_COLUMN_VR,
  HF_TUNE_COLUMN_ERRORS,
  HF_TUNE_COLUMN_OUTCOME,
  HF_N_TUNE_COLUMNS
} HfTuneColumn;

#define HF_TYPE_TUNE_VIEW (hf_tune_view_get_type ())
G_DECLARE_FINAL_TYPE (HfTuneView, hf_tune_view, HF, TUNE_VIEW, AdwBin)

GtkWidget  *hf_tune_view_new          (HfMiner    *miner);
HfMiner    *hf_tune_view_get_miner    (HfTuneView *self);
/* Show @tune (NULL: none) and follow it while it runs; @stored: the last
 * tune kept in the store, not one of this session. */
void        hf_tune_view_set_tune     (HfTuneView *self,
                                       HfTune     *tune,
                                       gboolean    stored);
HfTune     *hf_tune_view_get_tune     (HfTuneView *self);
/* Why a tune could not start (NULL: clear it). */
void        hf_tune_view_set_message  (HfTuneView *self,
                                       const char *message);
/* "Applied: 525 MHz / 1150 mV, 17.2 J/TH", "Step 3 of 12: …" */
const char *hf_tune_view_get_status   (HfTuneView *self);
/* The table as shown (for tests): rows, a cell's text, the winner's row
 * (-1: none). */
guint       hf_tune_view_get_n_rows   (HfTuneView *self);
char       *hf_tune_view_get_cell     (HfTuneView  *self,
                                       guint        row,
                                       HfTuneColumn column);
int         hf_tune_view_get_winner_row (HfTuneView *self);
/* The settings of a step as people read them: "525 MHz / 1150 mV", or
 * an Avalon's work mode. */
char       *hf_tune_format_setting    (guint       frequency_mhz,
                                       guint       core_voltage_mv,
                                       int         work_mode);

G_END_DECLS
