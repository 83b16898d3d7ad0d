/* hf-preferences-window.h — Preferences: polling, discovery, alerts, credentials
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-settings.h"

G_BEGIN_DECLS

#define HF_TYPE_PREFERENCES_WINDOW (hf_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (HfPreferencesWindow, hf_preferences_window, HF, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *hf_preferences_window_new         (HfSettings          *settings);
/* Add a subnet to the list ("192.168.1.0/24"); FALSE when it does not parse. */
gboolean   hf_preferences_window_add_subnet  (HfPreferencesWindow *self,
                                              const char          *subnet);

/* Open on the Discovery page, in the row that adds a subnet. */
void       hf_preferences_window_show_subnets (HfPreferencesWindow *self);

/* For tests: whether the subnet row shows red; type into it. */
gboolean   _hf_preferences_window_get_subnet_error (HfPreferencesWindow *self);
void       _hf_preferences_window_type_subnet      (HfPreferencesWindow *self,
                                                    const char          *text);

/* The Automation page's words on who may read and write. */
const char *_hf_preferences_window_api_text         (gboolean             has_token);

G_END_DECLS
