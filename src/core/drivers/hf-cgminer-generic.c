/* hf-cgminer-generic.c — any other cgminer-compatible API
 * SPDX-License-Identifier: MIT
 *
 * The fallback for a port-4028 API that answers like cgminer but is none of
 * the families we know in detail: summary and pools are standard.
 */

#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-cgminer-generic.h"
#include "hf-error.h"
#include "hf-json.h"

static gboolean
parse_identity (GPtrArray  *replies,
                HfMiner    *miner,
                GError    **error)
{
  JsonObject *reply = g_ptr_array_index (replies, 0);
  JsonObject *version = hf_cgminer_section (reply, "VERSION", 0);
  static const char *const model_keys[] = { "Type", "PROD", "Model", "Miner" };
  static const char *const firmware_keys[] = { "LUXminer", "BOSminer", "CGMiner", "BMMiner",
                                               "Miner", "CompileTime" };
  g_autofree char *model = NULL;
  g_autofree char *firmware = NULL;

  /* A service on 4028 that echoes, or speaks some other JSON, is not cgminer. */
  if (reply == NULL || !json_object_has_member (reply, "STATUS")
      || !hf_cgminer_check_status (reply, NULL) || version == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                           "the service on the cgminer port does not speak the cgminer API");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (model_keys) && model == NULL; i++)
    model = hf_json_dup_string (version, model_keys[i]);
  for (guint i = 0; i < G_N_ELEMENTS (firmware_keys) && firmware == NULL; i++)
    firmware = hf_json_dup_string (version, firmware_keys[i]);

  hf_miner_set_family (miner, HF_FAMILY_CGMINER);
  hf_miner_set_model (miner, model != NULL ? model : "cgminer");
  hf_miner_set_firmware (miner, firmware);
  return TRUE;
}

static HfReading *
parse_reading (GPtrArray  *replies,
               HfMiner    *miner,
               GError    **error)
{
  return hf_cgminer_parse_reading (g_ptr_array_index (replies, 0),
                                   g_ptr_array_index (replies, 1), error);
}

static const char *const identify_commands[] = { "version", NULL };
static const char *const poll_commands[] = { "summary", "?pools", NULL };

const HfCgminerFamily hf_cgminer_generic_family = {
  .family = HF_FAMILY_CGMINER,
  .flags = HF_CGMINER_NONE,
  .identify_commands = identify_commands,
  .parse_identity = parse_identity,
  .poll_commands = poll_commands,
  .parse_reading = parse_reading,
  /* cgminer's own `restart` restarts the mining process, not the device:
   * the only restart a generic API offers.  It answers STATUS "RESTART". */
  .restart_command = "restart",
  .capabilities = HF_CAP_RESTART,
};
