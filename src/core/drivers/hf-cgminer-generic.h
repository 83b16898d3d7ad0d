/* hf-cgminer-generic.h — any other cgminer-compatible API, for HfCgminerDriver
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-cgminer-driver.h"

G_BEGIN_DECLS

extern const HfCgminerFamily hf_cgminer_generic_family;

G_END_DECLS
