/* hf-window.h — the main window: the fleet as cards or a table
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-application.h"
#include "hf-totals-header.h"

G_BEGIN_DECLS

#define HF_TYPE_WINDOW (hf_window_get_type ())

G_DECLARE_FINAL_TYPE (HfWindow, hf_window, HF, WINDOW, AdwApplicationWindow)

HfWindow    *hf_window_new              (HfApplication *application);

/* Select the miner at @address, scroll to it and open its details. */
void         hf_window_show_miner       (HfWindow      *self,
                                         const char    *address);
/* Scan @targets (NULL: the configured subnets); what Discover does. */
void         hf_window_discover         (HfWindow      *self,
                                         const char * const *targets);
gboolean     hf_window_get_discovering  (HfWindow      *self);
/* The model the views show (sorted and filtered) and its selection. */
GtkSelectionModel *hf_window_get_selection (HfWindow   *self);
/* Show the miners of group @name (any case; NULL or no such group: all). */
void         hf_window_show_group      (HfWindow      *self,
                                        const char    *name);
/* The group shown, or NULL for all miners. */
const char  *hf_window_get_group       (HfWindow      *self);
/* Run the miner action @action (identify, pause, resume, restart) on
 * every miner of the group shown; restart asks first.  FALSE when no
 * group is shown or it has no miners. */
gboolean     hf_window_act_on_group    (HfWindow      *self,
                                        const char    *action);
/* Pop the miner menu up for the selection, at the focused item. */
void         hf_window_popup_menu       (HfWindow      *self);
/* The miner.* actions (HfMinerActions) on its selection. */
GActionGroup *hf_window_get_miner_actions (HfWindow    *self);
/* @text as a toast, as it is (never read as markup). */
void         hf_window_toast            (HfWindow      *self,
                                         const char    *text);
/* Shrink @window's default size to its transient parent's, so that on a
 * small screen (800×480) a dialog fits in it; call before presenting. */
void         hf_window_fit_to_parent    (GtkWindow     *window);
/* A toast whose title is @text as it is: every toast is made here. */
AdwToast    *hf_toast_new               (const char    *text);
/* Show @toast as it is made: a timeout of 0 keeps it until the caller
 * dismisses it (adw_toast_dismiss()). */
void         hf_window_add_toast        (HfWindow      *self,
                                         AdwToast      *toast);

/* "Updated 3 s ago" (empty before the first cycle ends), and whether it
 * ticks (only while the window is on screen). */
const char        *hf_window_get_updated_text    (HfWindow *self);
gboolean           hf_window_get_updated_ticking (HfWindow *self);
/* For tests: as if this computer had no network to scan; the empty
 * page's text; Discover's button (or, with @status, what is beside it). */
void         _hf_window_set_no_network  (HfWindow      *self,
                                         gboolean       no_network);
const char  *_hf_window_get_empty_text  (HfWindow      *self);
HfTotalsHeader *_hf_window_get_totals_header (HfWindow  *self);
const char  *_hf_window_get_discover_text (HfWindow    *self,
                                           gboolean     status);

G_END_DECLS
