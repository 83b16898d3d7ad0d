/* hf-driver-cgminer.h
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-driver.h"

G_BEGIN_DECLS

#define HF_TYPE_DRIVER_CGMINER (hf_driver_cgminer_get_type ())

G_DECLARE_FINAL_TYPE (HfDriverCgminer, hf_driver_cgminer, HF, DRIVER_CGMINER, GObject)

G_END_DECLS
