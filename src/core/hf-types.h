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
 * @HF_FAMILY_CGMINER: any other cgminer-compatible API
 * @HF_FAMILY_BRAIINS: Braiins OS / OS+ (BOSminer, BOSer) on an Antminer
 * @HF_FAMILY_LUXOS: LuxOS (LUXminer) on an Antminer
 * @HF_FAMILY_VNISH: VNish / AnthillOS on an Antminer (HTTP xminer-api)
 *
 * The values are stored by name, never by number; new ones go last.
 */
typedef enum
{
  HF_FAMILY_UNKNOWN,
  HF_FAMILY_AXEOS,
  HF_FAMILY_ANTMINER,
  HF_FAMILY_WHATSMINER,
  HF_FAMILY_AVALON,
  HF_FAMILY_CGMINER,
  HF_FAMILY_BRAIINS,
  HF_FAMILY_LUXOS,
  HF_FAMILY_VNISH,
} HfFamily;

#define HF_N_FAMILIES (HF_FAMILY_VNISH + 1)

#define HF_TYPE_FAMILY (hf_family_get_type ())
GType        hf_family_get_type        (void);

/* The stable, lower-case name used in JSON and on the command line. */
const char  *hf_family_to_string       (HfFamily    family);
HfFamily     hf_family_from_string     (const char *name);
/* A name for people ("Bitaxe / AxeOS"). */
const char  *hf_family_display_name    (HfFamily    family);

/**
 * HfCapabilities:
 *
 * What a miner can do beyond being polled, as its family's driver says for
 * its model and firmware (HfMiner:capabilities).
 */
typedef enum
{
  HF_CAP_RESTART      = 1 << 0,
  HF_CAP_IDENTIFY     = 1 << 1,   /* blink, show "Hi!" */
  HF_CAP_PAUSE        = 1 << 2,   /* pause and resume hashing */
  HF_CAP_FREQUENCY    = 1 << 3,
  HF_CAP_CORE_VOLTAGE = 1 << 4,
  HF_CAP_FAN          = 1 << 5,   /* auto with a target temperature, or a fixed % */
  HF_CAP_WORK_MODE    = 1 << 6,   /* eco / standard / super */
  HF_CAP_POOLS        = 1 << 7,
  HF_CAP_HOSTNAME     = 1 << 8,
  HF_CAP_POWER_LIMIT  = 1 << 9,   /* a power target or limit in watts */
  HF_CAP_PRESET       = 1 << 10,  /* a named profile / preset of the firmware's own */
} HfCapabilities;

/* Anything the Settings dialog or `set` can write. */
#define HF_CAP_ANY_SETTING (HF_CAP_FREQUENCY | HF_CAP_CORE_VOLTAGE | HF_CAP_FAN \
                            | HF_CAP_WORK_MODE | HF_CAP_POOLS | HF_CAP_HOSTNAME \
                            | HF_CAP_POWER_LIMIT | HF_CAP_PRESET)

#define HF_TYPE_CAPABILITIES (hf_capabilities_get_type ())
GType        hf_capabilities_get_type  (void);

G_END_DECLS
