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

G_END_DECLS
