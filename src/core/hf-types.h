/* hf-types.h — miner families and small shared types
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * HfFamily:
 * @HF_FAMILY_UNKNOWN: not identified yet
 * @HF_FAMILY_AXEOS: Bitaxe and other ESP-Miner/AxeOS devices, NerdQAxe on NerdOS (HTTP JSON)
 * @HF_FAMILY_ANTMINER: Bitmain Antminer on stock firmware (cgminer API + web CGI)
 * @HF_FAMILY_WHATSMINER: MicroBT Whatsminer (btminer API v1/v2)
 * @HF_FAMILY_AVALON: Canaan Avalon (Nano 3/3s, Mini 3, Q, AvalonMiner)
 * @HF_FAMILY_CGMINER: any other cgminer-compatible API (LuxOS, Braiins, VNish …)
 */
typedef enum
{
  HF_FAMILY_UNKNOWN,
  HF_FAMILY_AXEOS,
  HF_FAMILY_ANTMINER,
  HF_FAMILY_WHATSMINER,
  HF_FAMILY_AVALON,
  HF_FAMILY_CGMINER,
} HfFamily;

#define HF_N_FAMILIES (HF_FAMILY_CGMINER + 1)

#define HF_TYPE_FAMILY (hf_family_get_type ())
GType        hf_family_get_type        (void);

/* The stable, lower-case name used in JSON and on the command line. */
const char  *hf_family_to_string       (HfFamily    family);
HfFamily     hf_family_from_string     (const char *name);
/* A name for people ("Bitaxe / AxeOS"). */
const char  *hf_family_display_name    (HfFamily    family);

G_END_DECLS
