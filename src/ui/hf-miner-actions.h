/* hf-miner-actions.h — the miner.* actions: what the miner menu does
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gtk/gtk.h>

#include "hf-application.h"

G_BEGIN_DECLS

#define HF_TYPE_MINER_ACTIONS (hf_miner_actions_get_type ())

G_DECLARE_FINAL_TYPE (HfMinerActions, hf_miner_actions, HF, MINER_ACTIONS, GSimpleActionGroup)

/* details, open-web, copy-address, settings, tune, update-firmware, identify, pause, resume,
 * restart and remove, each with an "s" target (the address of the miner
 * they are for), over the miners of @selection; each is enabled while
 * the selection holds a miner that can do it (pause: one that is not
 * paused; resume: one that is).  "point" (not in the menu) names the
 * miner whose card shows its quick actions ("": none): while one is
 * named, the actions are enabled for the miners an action targeted at it
 * acts on.  Dialogs and toasts go to
 * @window (not a reference; NULL: none). */
HfMinerActions *hf_miner_actions_new         (GtkWindow         *window,
                                              HfApplication     *app,
                                              GtkSelectionModel *selection);
/* The miners an action targeted at @address acts on: the selection, with
 * that miner first, when it is selected; else that miner alone. */
GPtrArray      *hf_miner_actions_get_miners  (HfMinerActions    *self,
                                              const char        *address);
/* Run action @name on @miner alone, whatever the selection (a miner's
 * details window acts on that miner); FALSE when it cannot do it. */
gboolean        hf_miner_actions_activate_on (HfMinerActions    *self,
                                              const char        *name,
                                              HfMiner           *miner);
/* Run action @name (identify, pause, resume, restart…) on @miners (a
 * group's), whatever the selection, as the menu would on a selection of
 * them: restart asks first.  FALSE if there is no such action. */
gboolean        hf_miner_actions_activate_on_many (HfMinerActions *self,
                                                   const char     *name,
                                                   GPtrArray      *miners);
/* @menu (the window's one miner menu) with every item targeted at
 * @address, for the popover opened on that miner. */
GMenuModel     *hf_miner_actions_menu_for    (GMenuModel        *menu,
                                              const char        *address);

/* "http://192.0.2.7/" or "http://192.0.2.7:8080/" */
char           *hf_miner_web_uri             (HfMiner           *miner);

G_END_DECLS
