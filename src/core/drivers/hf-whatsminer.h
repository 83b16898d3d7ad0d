/* hf-whatsminer.h — MicroBT Whatsminer, for HfCgminerDriver
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-cgminer-driver.h"

G_BEGIN_DECLS

extern const HfCgminerFamily hf_whatsminer_family;

G_END_DECLS
