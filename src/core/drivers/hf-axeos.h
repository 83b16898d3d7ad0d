/* hf-axeos.h — the driver for Bitaxe / AxeOS and NerdOS (HTTP)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-driver.h"

G_BEGIN_DECLS

#define HF_TYPE_AXEOS_DRIVER (hf_axeos_driver_get_type ())

G_DECLARE_FINAL_TYPE (HfAxeosDriver, hf_axeos_driver, HF, AXEOS_DRIVER, GObject)

G_END_DECLS
