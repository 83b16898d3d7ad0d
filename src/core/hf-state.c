/* hf-state.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "hf-state.h"

static const struct {
  const char *nick;
  const char *label;
} states[HF_N_STATES] = {
  [HF_STATE_UNKNOWN] = { "unknown", N_("Not read yet") },
  [HF_STATE_HASHING] = { "hashing", N_("Hashing") },
  [HF_STATE_FALLBACK_POOL] = { "fallback-pool", N_("On fallback pool") },
  [HF_STATE_NOT_HASHING] = { "not-hashing", N_("Not hashing") },
  [HF_STATE_PAUSED] = { "paused", N_("Paused") },
  [HF_STATE_OVERHEATED] = { "overheated", N_("Overheated") },
  [HF_STATE_POWER_FAULT] = { "power-fault", N_("Power fault") },
  [HF_STATE_UPDATING] = { "updating", N_("Updating firmware") },
  [HF_STATE_OFFLINE] = { "offline", N_("Offline") },
  [HF_STATE_RESTARTING] = { "restarting", N_("Restarting") },
};

GType
hf_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { HF_STATE_UNKNOWN, "HF_STATE_UNKNOWN", "unknown" },
        { HF_STATE_HASHING, "HF_STATE_HASHING", "hashing" },
        { HF_STATE_FALLBACK_POOL, "HF_STATE_FALLBACK_POOL", "fallback-pool" },
        { HF_STATE_NOT_HASHING, "HF_STATE_NOT_HASHING", "not-hashing" },
        { HF_STATE_PAUSED, "HF_STATE_PAUSED", "paused" },
        { HF_STATE_OVERHEATED, "HF_STATE_OVERHEATED", "overheated" },
        { HF_STATE_POWER_FAULT, "HF_STATE_POWER_FAULT", "power-fault" },
        { HF_STATE_UPDATING, "HF_STATE_UPDATING", "updating" },
        { HF_STATE_OFFLINE, "HF_STATE_OFFLINE", "offline" },
        { HF_STATE_RESTARTING, "HF_STATE_RESTARTING", "restarting" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static ("HfState", values);
      g_once_init_leave (&type_id, t);
    }

  return type_id;
}

const char *
hf_state_to_string (HfState state)
{
  if ((guint) state >= HF_N_STATES)
    state = HF_STATE_UNKNOWN;
  return states[state].nick;
}

gboolean
hf_state_from_string (const char   *name,
                            HfState *state)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < HF_N_STATES; i++)
    if (g_ascii_strcasecmp (name, states[i].nick) == 0)
      {
        if (state != NULL)
          *state = (HfState) i;
        return TRUE;
      }
  return FALSE;
}

const char *
hf_state_label (HfState state)
{
  if ((guint) state >= HF_N_STATES)
    state = HF_STATE_UNKNOWN;
  return g_dgettext (GETTEXT_PACKAGE, states[state].label);
}

gboolean
hf_state_is_hashing (HfState state)
{
  return state == HF_STATE_HASHING || state == HF_STATE_FALLBACK_POOL;
}

HfState
hf_state_compute (gboolean          online,
                        gboolean          restarting,
                        const HfReading  *r,
                        gboolean          no_shares)
{
  if (restarting)
    return HF_STATE_RESTARTING;
  if (!online)
    return HF_STATE_OFFLINE;
  if (r == NULL)
    return HF_STATE_UNKNOWN;
  if (r->updating)
    return HF_STATE_UPDATING;
  if (r->power_fault)
    return HF_STATE_POWER_FAULT;
  if (r->overheated)
    return HF_STATE_OVERHEATED;
  if (r->paused)
    return HF_STATE_PAUSED;
  /* 0 H/s is not hashing at once, whatever the shares say: the miner
   * itself says so.  Unknown is not 0. */
  if (r->hashrate_ghs <= 0 || no_shares)
    return HF_STATE_NOT_HASHING;
  if (isnan (r->hashrate_ghs))
    return HF_STATE_UNKNOWN;
  if (r->fallback_pool)
    return HF_STATE_FALLBACK_POOL;
  return HF_STATE_HASHING;
}
