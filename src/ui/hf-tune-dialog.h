/* hf-tune-dialog.h — tuning one miner, or several side by side
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-application.h"
#include "hf-tune-view.h"

G_BEGIN_DECLS

#define HF_TYPE_TUNE_DIALOG (hf_tune_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HfTuneDialog, hf_tune_dialog, HF, TUNE_DIALOG, AdwWindow)

/* Whether @miner is one a tune can run on (AxeOS and NerdOS with their
 * frequencies, Avalon with its work modes). */
gboolean    hf_tune_dialog_can_tune   (HfMiner       *miner);

/* A dialog over @parent for @miners (those that can be tuned), each
 * showing its running tune, else its last one kept; @title names them
 * when several (a group's name; NULL: "N Miners"). */
GtkWidget  *hf_tune_dialog_new        (GtkWindow     *parent,
                                       HfApplication *app,
                                       GPtrArray     *miners,
                                       const char    *group);
/* The parameters as the form says, and setting the form (for tests). */
void        hf_tune_dialog_get_params (HfTuneDialog  *self,
                                       HfTuneParams  *params);
void        hf_tune_dialog_set_params (HfTuneDialog  *self,
                                       const HfTuneParams *params);
/* Start, as the Start button does (overclocking asks first), and Stop
 * and Restore, as its button does. */
void        hf_tune_dialog_start      (HfTuneDialog  *self);
void        hf_tune_dialog_cancel     (HfTuneDialog  *self);
/* The view of the @index-th miner. */
HfTuneView *hf_tune_dialog_get_view   (HfTuneDialog  *self,
                                       guint          index);
/* Whether the last tunes kept have been read (for tests). */
gboolean    hf_tune_dialog_get_loaded (HfTuneDialog  *self);

G_END_DECLS
