/* hf-luxos.h — LuxOS, for HfCgminerDriver
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-cgminer-driver.h"

G_BEGIN_DECLS

extern const HfCgminerFamily hf_luxos_family;

G_END_DECLS
