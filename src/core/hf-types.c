/* hf-types.c
 * SPDX-License-Identifier: MIT
 */
#include "hf-types.h"

static const struct {
  const char *name;
  const char *display;
} families[HF_N_FAMILIES] = {
  [HF_FAMILY_UNKNOWN] = { "unknown", "Unknown" },
  [HF_FAMILY_AXEOS] = { "axeos", "AxeOS" },
  [HF_FAMILY_ANTMINER] = { "antminer", "Antminer" },
  [HF_FAMILY_WHATSMINER] = { "whatsminer", "Whatsminer" },
  [HF_FAMILY_AVALON] = { "avalon", "Avalon" },
  [HF_FAMILY_CGMINER] = { "cgminer", "cgminer" },
  [HF_FAMILY_BRAIINS] = { "braiins", "Braiins OS" },
  [HF_FAMILY_LUXOS] = { "luxos", "LuxOS" },
  [HF_FAMILY_VNISH] = { "vnish", "VNish" },
};

GType
hf_family_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { HF_FAMILY_UNKNOWN, "HF_FAMILY_UNKNOWN", "unknown" },
        { HF_FAMILY_AXEOS, "HF_FAMILY_AXEOS", "axeos" },
        { HF_FAMILY_ANTMINER, "HF_FAMILY_ANTMINER", "antminer" },
        { HF_FAMILY_WHATSMINER, "HF_FAMILY_WHATSMINER", "whatsminer" },
        { HF_FAMILY_AVALON, "HF_FAMILY_AVALON", "avalon" },
        { HF_FAMILY_CGMINER, "HF_FAMILY_CGMINER", "cgminer" },
        { HF_FAMILY_BRAIINS, "HF_FAMILY_BRAIINS", "braiins" },
        { HF_FAMILY_LUXOS, "HF_FAMILY_LUXOS", "luxos" },
        { HF_FAMILY_VNISH, "HF_FAMILY_VNISH", "vnish" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static ("HfFamily", values);
      g_once_init_leave (&type_id, t);
    }

  return type_id;
}

GType
hf_capabilities_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GFlagsValue values[] = {
        { HF_CAP_RESTART, "HF_CAP_RESTART", "restart" },
        { HF_CAP_IDENTIFY, "HF_CAP_IDENTIFY", "identify" },
        { HF_CAP_PAUSE, "HF_CAP_PAUSE", "pause" },
        { HF_CAP_FREQUENCY, "HF_CAP_FREQUENCY", "frequency" },
        { HF_CAP_CORE_VOLTAGE, "HF_CAP_CORE_VOLTAGE", "core-voltage" },
        { HF_CAP_FAN, "HF_CAP_FAN", "fan" },
        { HF_CAP_WORK_MODE, "HF_CAP_WORK_MODE", "work-mode" },
        { HF_CAP_POOLS, "HF_CAP_POOLS", "pools" },
        { HF_CAP_HOSTNAME, "HF_CAP_HOSTNAME", "hostname" },
        { HF_CAP_POWER_LIMIT, "HF_CAP_POWER_LIMIT", "power-limit" },
        { HF_CAP_PRESET, "HF_CAP_PRESET", "preset" },
        { 0, NULL, NULL },
      };
      GType t = g_flags_register_static ("HfCapabilities", values);
      g_once_init_leave (&type_id, t);
    }

  return type_id;
}

const char *
hf_family_to_string (HfFamily family)
{
  if ((guint) family >= HF_N_FAMILIES)
    family = HF_FAMILY_UNKNOWN;
  return families[family].name;
}

const char *
hf_family_display_name (HfFamily family)
{
  if ((guint) family >= HF_N_FAMILIES)
    family = HF_FAMILY_UNKNOWN;
  return families[family].display;
}

HfFamily
hf_family_from_string (const char *name)
{
  if (name == NULL)
    return HF_FAMILY_UNKNOWN;
  for (guint i = 0; i < HF_N_FAMILIES; i++)
    if (g_ascii_strcasecmp (name, families[i].name) == 0)
      return (HfFamily) i;
  return HF_FAMILY_UNKNOWN;
}
