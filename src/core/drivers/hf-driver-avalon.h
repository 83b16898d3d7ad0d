/* hf-driver-avalon.h
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-driver.h"

G_BEGIN_DECLS

#define HF_TYPE_DRIVER_AVALON (hf_driver_avalon_get_type ())

G_DECLARE_FINAL_TYPE (HfDriverAvalon, hf_driver_avalon, HF, DRIVER_AVALON, GObject)

G_END_DECLS
