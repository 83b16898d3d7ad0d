/* hf-miner-binding.h — how a card or a table cell follows its miner
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "hf-miner-status.h"
#include "hf-settings.h"

G_BEGIN_DECLS

/* Rewrites @widget from its binding's miner. */
typedef void (*HfMinerRefreshFunc) (GtkWidget *widget);

/* Kept inside the widget (a table has thousands of cells): the miner it
 * shows, the settings it was given (their temperature alert is when a
 * temperature shows as hot), and the timer that ages "last seen … ago"
 * while the miner is not answering.  The widget clears it in dispose. */
typedef struct
{
  GtkWidget          *widget;
  HfMinerRefreshFunc  refresh;
  HfMiner            *miner;
  HfSettings         *settings;
  double              hot_c;         /* of hot_family, read from settings */
  HfFamily            hot_family;
  const char         *state_class;
  guint               age_timer;
} HfMinerBinding;

void      hf_miner_binding_init       (HfMinerBinding     *binding,
                                       GtkWidget          *widget,
                                       HfMinerRefreshFunc  refresh);
/* Follow @miner (NULL: none) and refresh; FALSE when it was already the
 * one followed. */
gboolean  hf_miner_binding_set_miner  (HfMinerBinding     *binding,
                                       HfMiner            *miner);
/* Take the hot threshold of the miner's family from @settings (NULL:
 * HF_HOT_DEFAULT_C) and
 * refresh when it changes; FALSE when they were the ones already. */
gboolean  hf_miner_binding_set_settings (HfMinerBinding   *binding,
                                         HfSettings       *settings);
/* The chips' threshold for the miner's family (the settings' alert). */
double    hf_miner_binding_get_hot_c  (HfMinerBinding     *binding);
/* The miner's temperature is above the threshold. */
gboolean  hf_miner_binding_is_hot     (HfMinerBinding     *binding);
/* Make @label the state's badge: "hf-state" and the state's class
 * ("hf-state-paused"…) in place of the last one; age its text while the
 * miner is offline. */
void      hf_miner_binding_show_state (HfMinerBinding     *binding,
                                       GtkWidget          *label);
void      hf_miner_binding_clear      (HfMinerBinding     *binding);

/* GtkLabel lays out again on every set, even of the same text: set only
 * a different one (NULL is ""). */
void      hf_label_set_text_changed   (GtkLabel           *label,
                                       const char         *text);
void      hf_widget_set_css_class     (GtkWidget          *widget,
                                       const char         *name,
                                       gboolean            on);

G_END_DECLS
