/* hf-braiins.h — Braiins OS, for HfCgminerDriver
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-cgminer-driver.h"

G_BEGIN_DECLS

extern const HfCgminerFamily hf_braiins_family;

G_END_DECLS
