/* hf-error.c
 * SPDX-License-Identifier: MIT
 */
#include "hf-error.h"

G_DEFINE_QUARK (hf-error-quark, hf_error)
