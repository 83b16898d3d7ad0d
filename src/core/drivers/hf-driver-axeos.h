/* hf-driver-axeos.h
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-driver.h"

G_BEGIN_DECLS

#define HF_TYPE_DRIVER_AXEOS (hf_driver_axeos_get_type ())

G_DECLARE_FINAL_TYPE (HfDriverAxeos, hf_driver_axeos, HF, DRIVER_AXEOS, GObject)

G_END_DECLS
