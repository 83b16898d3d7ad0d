/* hf-driver-cgminer.c — any other cgminer-compatible API (LuxOS, Braiins…)
 * SPDX-License-Identifier: MIT
 *
 * The fallback for a port-4028 API that answers like cgminer but is none of
 * the families we know in detail: summary and pools are standard.
 */

#include "hf-cgminer-driver.h"
#include "hf-cgminer-parse.h"
#include "hf-cgminer-reply.h"
#include "hf-driver-cgminer.h"
#include "hf-error.h"
#include "hf-json.h"

struct _HfDriverCgminer
{
  GObject parent_instance;
};

static void driver_iface_init (HfDriverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HfDriverCgminer, hf_driver_cgminer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HF_TYPE_DRIVER, driver_iface_init))

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

static const HfCgminerFamily family = {
  .family = HF_FAMILY_CGMINER,
  .flags = HF_CGMINER_NONE,
  .identify_commands = identify_commands,
  .parse_identity = parse_identity,
  .poll_commands = poll_commands,
  .parse_reading = parse_reading,
};

static HfFamily
get_family (HfDriver *driver)
{
  return HF_FAMILY_CGMINER;
}

static void
identify_async (HfDriver *driver, const char *address, const HfConfig *config,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  hf_cgminer_family_identify_async (&family, address, config, cancellable, callback, user_data);
}

static void
poll_async (HfDriver *driver, HfMiner *miner, const HfConfig *config,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  hf_cgminer_family_poll_async (&family, miner, config, cancellable, callback, user_data);
}

static void
restart_async (HfDriver *driver, HfMiner *miner, const HfConfig *config,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  /* cgminer's own `restart` restarts the mining process, not the device:
   * the only restart a generic API offers.  It answers STATUS "RESTART". */
  hf_cgminer_family_command_async (&family, miner, "restart", NULL, config, cancellable,
                                   callback, user_data);
}

static void
driver_iface_init (HfDriverInterface *iface)
{
  iface->get_family = get_family;
  iface->identify_async = identify_async;
  iface->poll_async = poll_async;
  iface->restart_async = restart_async;
}

static void
hf_driver_cgminer_class_init (HfDriverCgminerClass *klass)
{
}

static void
hf_driver_cgminer_init (HfDriverCgminer *self)
{
}
