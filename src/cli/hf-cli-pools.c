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

typedef struct
{
  HfCli    *cli;
  gboolean  ok;
  GError   *error;
} Changed;

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Changed *c = user_data;

  c->ok = hf_session_pool_profile_finish (HF_SESSION (source), result, &c->error);
  g_main_loop_quit (c->cli->loop);
}

int
hf_cli_pools (HfCli  *cli,
              char  **args)
{
  g_autoptr(GError) error = NULL;

  if (args[0] == NULL || g_str_equal (args[0], "list"))
    {
      g_autoptr(HfStore) store = hf_cli_open_store (cli, TRUE);
      g_auto(GStrv) names = NULL;

      if (store == NULL)
        return 1;
      names = hf_store_list_pool_profiles (store, &error);

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
  if ((g_str_equal (args[0], "add") || g_str_equal (args[0], "remove")) && args[1] != NULL
      && args[2] == NULL)
    {
      gboolean add = g_str_equal (args[0], "add");
      HfSession *session;
      Changed c = { cli, FALSE, NULL };

      /* Changes go through the session, in turn with its other writes. */
      cli->restore = FALSE;
      session = hf_cli_session (cli, TRUE);
      if (hf_session_get_store (session) == NULL)
        return 1;
      if (add)
        hf_session_save_pool_profile_async (session, args[1], cli->settings, changed_cb, &c);
      else
        hf_session_delete_pool_profile_async (session, args[1], changed_cb, &c);
      g_main_loop_run (cli->loop);
      if (!c.ok)
        {
          int status = c.error->domain == HF_ERROR && c.error->code == HF_ERROR_INVALID ? 2 : 1;

          g_printerr ("hashfleet-cli pools: %s\n", c.error->message);
          g_clear_error (&c.error);
          return add ? status : 1;
        }
      g_print ("%s pool profile %s\n", add ? "saved" : "removed", args[1]);
      return 0;
    }
  g_printerr ("hashfleet-cli pools: use 'pools', 'pools add NAME --pool URL …' or "
              "'pools remove NAME'\n");
  return 2;
}
