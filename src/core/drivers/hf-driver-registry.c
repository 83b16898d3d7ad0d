/* hf-driver-registry.c — which driver serves which family
 * SPDX-License-Identifier: MIT
 *
 * The only place that knows every family's driver: the rest of Hashfleet
 * asks for a family and talks to the HfDriver interface.  AxeOS and VNish
 * speak HTTP and have driver types of their own; the families behind a cgminer-style
 * API share HfCgminerDriver, each with its description.
 */
#include "hf-antminer.h"
#include "hf-avalon.h"
#include "hf-axeos.h"
#include "hf-braiins.h"
#include "hf-cgminer-driver.h"
#include "hf-cgminer-generic.h"
#include "hf-driver.h"
#include "hf-luxos.h"
#include "hf-vnish.h"
#include "hf-whatsminer.h"

static HfDriver *
driver_new (HfFamily family)
{
  switch (family)
    {
    case HF_FAMILY_AXEOS: return g_object_new (HF_TYPE_AXEOS_DRIVER, NULL);
    case HF_FAMILY_ANTMINER: return hf_cgminer_driver_new (&hf_antminer_family);
    case HF_FAMILY_WHATSMINER: return hf_cgminer_driver_new (&hf_whatsminer_family);
    case HF_FAMILY_AVALON: return hf_cgminer_driver_new (&hf_avalon_family);
    case HF_FAMILY_CGMINER: return hf_cgminer_driver_new (&hf_cgminer_generic_family);
    case HF_FAMILY_BRAIINS: return hf_cgminer_driver_new (&hf_braiins_family);
    case HF_FAMILY_LUXOS: return hf_cgminer_driver_new (&hf_luxos_family);
    case HF_FAMILY_VNISH: return g_object_new (HF_TYPE_VNISH_DRIVER, NULL);
    case HF_FAMILY_UNKNOWN:
    default:
      return NULL;
    }
}

HfDriver *
hf_driver_for_family (HfFamily family)
{
  static HfDriver *drivers[HF_N_FAMILIES];

  if (family <= HF_FAMILY_UNKNOWN || family >= HF_N_FAMILIES)
    return NULL;
  if (drivers[family] == NULL)
    drivers[family] = driver_new (family);
  return drivers[family];
}
