/* hf-driver-whatsminer.h
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-driver.h"

G_BEGIN_DECLS

#define HF_TYPE_DRIVER_WHATSMINER (hf_driver_whatsminer_get_type ())

G_DECLARE_FINAL_TYPE (HfDriverWhatsminer, hf_driver_whatsminer, HF, DRIVER_WHATSMINER, GObject)

G_END_DECLS
