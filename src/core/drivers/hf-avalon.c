/* hf-avalon.c — Canaan Avalon (Nano 3/3s, Mini 3, Q, AvalonMiner)
 * SPDX-License-Identifier: MIT
 *
 * Avalon firmware dislikes concurrent API connections, so every request to
 * one Avalon is HF_CGMINER_EXCLUSIVE: queued behind the one in flight.
 */

#include <string.h>

#include "hf-avalon-parse.h"
#include "hf-error.h"
#include "hf-avalon.h"

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

/* Settings and actions: one `ascset` per change, in order (Avalon takes one
 * connection at a time anyway). */

typedef struct
{
  HfMiner   *miner;
  HfConfig  *config;
  GPtrArray *parameters;      /* "0,workmode,set,1", … */
  guint      next;
} Chain;

static void
chain_free (gpointer data)
{
  Chain *c = data;

  g_object_unref (c->miner);
  hf_config_unref (c->config);
  g_ptr_array_unref (c->parameters);
  g_free (c);
}

static void chain_next (GTask *task);

static void
chain_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  chain_next (task);
}

static void
chain_next (GTask *task)
{
  Chain *c = g_task_get_task_data (task);

  if (c->next >= c->parameters->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  hf_cgminer_driver_command_async (g_task_get_source_object (task), c->miner, "ascset",
                                   g_ptr_array_index (c->parameters, c->next++), c->config,
                                   g_task_get_cancellable (task), chain_cb, task);
}

static void
run_chain (HfCgminerDriver     *driver,
           HfMiner             *miner,
           const HfConfig      *config,
           GPtrArray           *parameters,     /* taken */
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Chain *c = g_new0 (Chain, 1);

  c->miner = g_object_ref (miner);
  c->config = hf_config_copy (config);
  c->parameters = parameters;
  g_task_set_task_data (task, c, chain_free);
  chain_next (task);
}

static void
apply_async (HfCgminerDriver *driver, HfMiner *miner, const HfMinerSettings *st,
             const HfConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
             gpointer user_data)
{
  g_autoptr(GPtrArray) p = g_ptr_array_new_with_free_func (g_free);
  const char *address = hf_miner_get_address (miner);
  const char *unsupported = st->frequency_mhz ? "frequency" : st->core_voltage_mv ? "core voltage"
                            : st->pool_url ? "pools (they need the web admin password)"
                            : st->hostname ? "hostname" : NULL;

  if (unsupported != NULL)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_UNSUPPORTED, "%s: Avalon: setting the %s is not "
                               "supported here; work mode, fan and target temperature are",
                               address, unsupported);
      return;
    }
  /* Sources disagree on the lowest fan speed Avalon takes (15 or 25 %):
   * only what both accept. */
  if (st->fan_percent >= 0 && (st->fan_percent < 25 || st->fan_percent > 100))
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_INVALID, "%s: fan %d %% is not 25–100 %% (or automatic)",
                               address, st->fan_percent);
      return;
    }
  if (st->target_temp_c != 0 && (st->target_temp_c < 50 || st->target_temp_c > 90))
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_INVALID, "%s: target temperature %u °C is not 50–90 °C",
                               address, st->target_temp_c);
      return;
    }
  if (st->work_mode > 2)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_INVALID, "%s: work mode %d is not eco (0), standard (1) "
                               "or super (2)", address, st->work_mode);
      return;
    }
  if (st->work_mode >= 0)
    g_ptr_array_add (p, g_strdup_printf ("0,workmode,set,%d", st->work_mode));
  if (st->fan_auto)
    g_ptr_array_add (p, g_strdup ("0,fan-spd,-1"));
  else if (st->fan_percent >= 0)
    g_ptr_array_add (p, g_strdup_printf ("0,fan-spd,%d", st->fan_percent));
  if (st->target_temp_c != 0)
    g_ptr_array_add (p, g_strdup_printf ("0,target-temp,%u", st->target_temp_c));
  if (p->len == 0)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_INVALID, "%s: nothing to change", address);
      return;
    }
  run_chain (driver, miner, config, g_steal_pointer (&p), cancellable, callback, user_data);
}

static void
action_async (HfCgminerDriver *driver, HfMiner *miner, HfMinerAction action, const HfConfig *config,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GPtrArray *p = g_ptr_array_new_with_free_func (g_free);
  /* softoff/softon take effect at a time: a few seconds from now. */
  gint64 at = g_get_real_time () / G_USEC_PER_SEC + 5;

  if (action == HF_ACTION_IDENTIFY)
    g_ptr_array_add (p, g_strdup ("0,led,1-1"));
  else
    g_ptr_array_add (p, g_strdup_printf ("0,%s,1:%" G_GINT64_FORMAT,
                                         action == HF_ACTION_PAUSE ? "softoff" : "softon", at));
  run_chain (driver, miner, config, p, cancellable, callback, user_data);
}

const HfCgminerFamily hf_avalon_family = {
  .family = HF_FAMILY_AVALON,
  .flags = HF_CGMINER_EXCLUSIVE,
  .identify_commands = identify_commands,
  .parse_identity = parse_identity,
  .poll_commands = poll_commands,
  .parse_reading = parse_reading,
  /* A device reboot after 0 s; cgminer's `restart` would only restart the
   * mining process. */
  .restart_command = "ascset",
  .restart_parameter = "0,reboot,0",
  .capabilities = HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_FAN | HF_CAP_WORK_MODE,
  .apply_async = apply_async,
  .action_async = action_async,
};
