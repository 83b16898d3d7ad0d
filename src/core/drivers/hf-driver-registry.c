/* hf-driver-registry.c — which driver serves which family
 * SPDX-License-Identifier: MIT
 *
 * The only place that knows every family's driver: the rest of Hashfleet
 * asks for a family and talks to the HfDriver interface.
 */
#include "hf-driver.h"
#include "hf-driver-antminer.h"
#include "hf-driver-avalon.h"
#include "hf-driver-axeos.h"
#include "hf-driver-cgminer.h"
#include "hf-driver-whatsminer.h"

HfDriver *
hf_driver_for_family (HfFamily family)
{
  static HfDriver *drivers[HF_N_FAMILIES];
  GType type;

  switch (family)
    {
    case HF_FAMILY_AXEOS: type = HF_TYPE_DRIVER_AXEOS; break;
    case HF_FAMILY_ANTMINER: type = HF_TYPE_DRIVER_ANTMINER; break;
    case HF_FAMILY_WHATSMINER: type = HF_TYPE_DRIVER_WHATSMINER; break;
    case HF_FAMILY_AVALON: type = HF_TYPE_DRIVER_AVALON; break;
    case HF_FAMILY_CGMINER: type = HF_TYPE_DRIVER_CGMINER; break;
    case HF_FAMILY_UNKNOWN:
    default:
      return NULL;
    }
  if (drivers[family] == NULL)
    drivers[family] = g_object_new (type, NULL);
  return drivers[family];
}
