/* hf-driver-antminer.h
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-driver.h"

G_BEGIN_DECLS

#define HF_TYPE_DRIVER_ANTMINER (hf_driver_antminer_get_type ())

G_DECLARE_FINAL_TYPE (HfDriverAntminer, hf_driver_antminer, HF, DRIVER_ANTMINER, GObject)

G_END_DECLS
