/* hf-miner-cell.h — one field of one miner in the table
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "hf-miner-status.h"
#include "hf-settings.h"

G_BEGIN_DECLS

#define HF_TYPE_MINER_CELL (hf_miner_cell_get_type ())

G_DECLARE_FINAL_TYPE (HfMinerCell, hf_miner_cell, HF, MINER_CELL, GtkWidget)

GtkWidget   *hf_miner_cell_new        (HfMinerField  field);
HfMiner     *hf_miner_cell_get_miner  (HfMinerCell  *self);
void         hf_miner_cell_set_miner  (HfMinerCell  *self,
                                       HfMiner      *miner);
/* A temperature cell shows it as hot above their temperature alert. */
void         hf_miner_cell_set_settings (HfMinerCell *self,
                                         HfSettings  *settings);
const char  *hf_miner_cell_get_text   (HfMinerCell  *self);

/* A GtkColumnViewColumn showing @field, with its sorter; its cells take
 * @settings. */
GtkColumnViewColumn *hf_miner_cell_column_new (HfMinerField  field,
                                               HfSettings   *settings);

G_END_DECLS
