/* hf-window.h
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

#include "hf-application.h"

G_BEGIN_DECLS

#define HF_TYPE_WINDOW (hf_window_get_type ())

G_DECLARE_FINAL_TYPE (HfWindow, hf_window, HF, WINDOW, AdwApplicationWindow)

HfWindow *hf_window_new (HfApplication *application);

G_END_DECLS
