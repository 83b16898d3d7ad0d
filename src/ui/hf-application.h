/* hf-application.h — the app: one fleet, its store, its alerts
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-core.h"

G_BEGIN_DECLS

#define HF_TYPE_APPLICATION (hf_application_get_type ())

G_DECLARE_FINAL_TYPE (HfApplication, hf_application, HF, APPLICATION, AdwApplication)

HfApplication *hf_application_new            (void);

HfFleet       *hf_application_get_fleet      (HfApplication *self);
/* NULL when the database could not be opened (the app still runs). */
HfStore       *hf_application_get_store      (HfApplication *self);
/* While another program holds the database locked, why there is no store
 * yet (it is tried again every few seconds, and a toast says so); NULL
 * otherwise. */
const char    *hf_application_get_store_error (HfApplication *self);
GSettings     *hf_application_get_settings   (HfApplication *self);

/* Open the store at @path (NULL: the default) and restore the fleet from it,
 * before any network I/O.  Called once at start-up; tests call it with a
 * file of their own.  A database locked by another program is tried again
 * on a worker thread until it opens (hf_application_get_store_error()). */
void           hf_application_load           (HfApplication *self,
                                              const char    *path);

/* Read the miner passwords from the keyring again (after Preferences). */
void           hf_application_reload_credentials (HfApplication *self);

/* Add an identified miner to the fleet and the store (or update the one
 * already known).  Returns the fleet's miner. */
HfMiner       *hf_application_add_miner      (HfApplication *self,
                                              HfMiner       *miner);
/* The HTTP API: its token (NULL until one is made), why it is not
 * serving when it is on but failed (NULL otherwise), the port it serves
 * on (0: not serving).  A new token replaces the old one at once, in the
 * keyring too. */
const char    *hf_application_get_api_token  (HfApplication *self);
const char    *hf_application_get_api_error  (HfApplication *self);
guint16        hf_application_get_api_port   (HfApplication *self);
const char    *hf_application_regenerate_api_token (HfApplication *self);

/* Save @n of the fleet's miners to the store, in one transaction. */
void           hf_application_save_miners    (HfApplication  *self,
                                              HfMiner       **miners,
                                              guint           n);
/* Remove @miner from the fleet and the store; @keep_history keeps its
 * readings (they come back if it is found again). */
void           hf_application_remove_miner   (HfApplication *self,
                                              HfMiner       *miner,
                                              gboolean       keep_history);

G_END_DECLS
