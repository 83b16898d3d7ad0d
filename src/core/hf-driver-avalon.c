/* hf-driver-avalon.c — Canaan Avalon (Nano 3/3s, Mini 3, Q, AvalonMiner)
 * SPDX-License-Identifier: MIT
 *
 * Avalon firmware dislikes concurrent API connections, so every request to
 * one Avalon is HF_CGMINER_EXCLUSIVE: queued behind the one in flight.
 */

#include "hf-avalon-parse.h"
#include "hf-cgminer-driver.h"
#include "hf-driver-avalon.h"

struct _HfDriverAvalon
{
  GObject parent_instance;
};

static void driver_iface_init (HfDriverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HfDriverAvalon, hf_driver_avalon, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HF_TYPE_DRIVER, driver_iface_init))

static gboolean
parse_identity (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_avalon_parse_identity (g_ptr_array_index (replies, 0), miner, error);
}

static HfReading *
parse_reading (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_avalon_parse_reading (g_ptr_array_index (replies, 0),
                                  g_ptr_array_index (replies, 1),
                                  g_ptr_array_index (replies, 2),
                                  hf_miner_get_model (miner), error);
}

static const char *const identify_commands[] = { "version", NULL };
/* estats is stats for enabled devices only: the MM string without pool
 * noise.  Both are optional; summary alone still gives hashrate. */
static const char *const poll_commands[] = { "summary", "?estats", "?pools", NULL };

static const HfCgminerFamily family = {
  .family = HF_FAMILY_AVALON,
  .flags = HF_CGMINER_EXCLUSIVE,
  .identify_commands = identify_commands,
  .parse_identity = parse_identity,
  .poll_commands = poll_commands,
  .parse_reading = parse_reading,
};

static HfFamily
get_family (HfDriver *driver)
{
  return HF_FAMILY_AVALON;
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
  /* A device reboot after 0 s; cgminer's `restart` would only restart the
   * mining process. */
  hf_cgminer_family_command_async (&family, miner, "ascset", "0,reboot,0", config,
                                   cancellable, callback, user_data);
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
hf_driver_avalon_class_init (HfDriverAvalonClass *klass)
{
}

static void
hf_driver_avalon_init (HfDriverAvalon *self)
{
}
