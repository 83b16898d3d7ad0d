/* hf-cli-pools.c — hashfleet-cli pools: named pool profiles in the store
 * SPDX-License-Identifier: MIT
 *
 *   pools                                  list them
 *   pools add NAME --pool URL [--pool-user U] [--pool-password-file F]
 *   pools remove NAME
 * and `set ADDRESS… --profile NAME` applies one.
 */
#include <stdio.h>

#include "hf-cli.h"

int
hf_cli_pools (HfCli  *cli,
              char  **args)
{
  g_autoptr(HfStore) store = hf_cli_open_store (cli, TRUE);
  g_autoptr(GError) error = NULL;

  if (store == NULL)
    return 1;
  if (args[0] == NULL || g_str_equal (args[0], "list"))
    {
      g_auto(GStrv) names = hf_store_list_pool_profiles (store, &error);

      if (names == NULL)
        {
          g_printerr ("hashfleet-cli pools: %s\n", error->message);
          return 1;
        }
      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autoptr(HfMinerSettings) p = hf_store_load_pool_profile (store, names[i], NULL);

          g_print ("%s\t%s\t%s%s%s\n", names[i], p ? p->pool_url : "?",
                   p && p->pool_user ? p->pool_user : "",
                   p && p->fallback_pool_url ? "\tfallback " : "",
                   p && p->fallback_pool_url ? p->fallback_pool_url : "");
        }
      return 0;
    }
  if (g_str_equal (args[0], "add") && args[1] != NULL && args[2] == NULL)
    {
      if (!hf_store_save_pool_profile (store, args[1], cli->settings, &error))
        {
          g_printerr ("hashfleet-cli pools: %s\n", error->message);
          return error->domain == HF_ERROR && error->code == HF_ERROR_INVALID ? 2 : 1;
        }
      g_print ("saved pool profile %s\n", args[1]);
      return 0;
    }
  if (g_str_equal (args[0], "remove") && args[1] != NULL && args[2] == NULL)
    {
      if (!hf_store_delete_pool_profile (store, args[1], &error))
        {
          g_printerr ("hashfleet-cli pools: %s\n", error->message);
          return 1;
        }
      g_print ("removed pool profile %s\n", args[1]);
      return 0;
    }
  g_printerr ("hashfleet-cli pools: use 'pools', 'pools add NAME --pool URL …' or "
              "'pools remove NAME'\n");
  return 2;
}
