/* hf-vnish.h — the driver for VNish / AnthillOS on an Antminer (HTTP xminer-api)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-driver.h"

G_BEGIN_DECLS

#define HF_TYPE_VNISH_DRIVER (hf_vnish_driver_get_type ())

G_DECLARE_FINAL_TYPE (HfVnishDriver, hf_vnish_driver, HF, VNISH_DRIVER, GObject)

/* How many miners' tokens the driver keeps at most. */
#define HF_VNISH_MAX_TOKENS 256

G_END_DECLS
