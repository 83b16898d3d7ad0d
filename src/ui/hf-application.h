/* hf-application.h
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HF_TYPE_APPLICATION (hf_application_get_type ())

G_DECLARE_FINAL_TYPE (HfApplication, hf_application, HF, APPLICATION, AdwApplication)

HfApplication *hf_application_new (void);

G_END_DECLS
