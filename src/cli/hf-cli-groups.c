/* hf-cli-groups.c — hashfleet-cli groups: named groups of miners, and
 * --group NAME for the commands that take addresses
 * SPDX-License-Identifier: MIT
 *
 *   groups [list]                 the groups and their miners
 *   groups create NAME
 *   groups rename OLD NEW
 *   groups delete NAME
 *   groups add NAME ADDRESS…      miners of the stored fleet join it
 *   groups remove NAME ADDRESS…
 */
#include <stdio.h>

#include "hf-cli.h"

static HfStoreGroup *
find_group (GPtrArray  *groups,
            const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  for (guint i = 0; i < groups->len; i++)
    {
      HfStoreGroup *g = groups->pdata[i];
      g_autofree char *other = g_utf8_casefold (g->name, -1);

      if (g_str_equal (folded, other))
        return g;
    }
  return NULL;
}

gboolean
hf_cli_expand_group (HfCli    *cli,
                     const char *command,
                     GStrv    *args)
{
  g_autoptr(HfStore) store = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) all = NULL;
  g_autoptr(GHashTable) seen = NULL;
  HfStoreGroup *group;

  if (cli->group == NULL)
    return TRUE;
  store = hf_cli_open_store (cli, TRUE);
  if (store == NULL)
    return FALSE;
  groups = hf_store_load_groups (store, &error);
  if (groups == NULL)
    {
      g_printerr ("hashfleet-cli %s: %s\n", command, error->message);
      return FALSE;
    }
  group = find_group (groups, cli->group);
  if (group == NULL)
    {
      g_printerr ("hashfleet-cli %s: no group “%s” (see hashfleet-cli groups)\n", command,
                  cli->group);
      return FALSE;
    }
  if (group->addresses[0] == NULL)
    {
      g_printerr ("hashfleet-cli %s: group “%s” has no miners\n", command, group->name);
      return FALSE;
    }
  /* The addresses given first, then the group's not among them. */
  all = g_strv_builder_new ();
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; (*args)[i] != NULL; i++)
    if (g_hash_table_add (seen, (*args)[i]))
      g_strv_builder_add (all, (*args)[i]);
  for (guint i = 0; group->addresses[i] != NULL; i++)
    if (g_hash_table_add (seen, group->addresses[i]))
      g_strv_builder_add (all, group->addresses[i]);
  g_strfreev (*args);
  *args = g_strv_builder_end (all);
  return TRUE;
}

static int
list_groups (HfCli *cli)
{
  g_autoptr(HfStore) store = hf_cli_open_store (cli, TRUE);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;

  if (store == NULL)
    return 1;
  groups = hf_store_load_groups (store, &error);
  if (groups == NULL)
    {
      g_printerr ("hashfleet-cli groups: %s\n", error->message);
      return 1;
    }
  if (!cli->json && groups->len == 0)
    g_printerr ("hashfleet-cli groups: no groups yet (groups create NAME)\n");
  for (guint i = 0; i < groups->len; i++)
    {
      HfStoreGroup *g = groups->pdata[i];

      if (cli->json)
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;
          g_autofree char *text = NULL;

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, g->name);
          json_builder_set_member_name (b, "miners");
          json_builder_begin_array (b);
          for (guint m = 0; g->addresses[m] != NULL; m++)
            json_builder_add_string_value (b, g->addresses[m]);
          json_builder_end_array (b);
          json_builder_end_object (b);
          root = json_builder_get_root (b);
          text = json_to_string (root, FALSE);
          g_print ("%s\n", text);
        }
      else
        {
          g_autofree char *members = g_strjoinv (" ", g->addresses);
          guint n = g_strv_length (g->addresses);

          g_print ("%s\t%u %s\t%s\n", g->name, n, n == 1 ? "miner" : "miners", members);
        }
    }
  return 0;
}

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

  c->ok = hf_session_change_group_finish (HF_SESSION (source), result, &c->error);
  g_main_loop_quit (c->cli->loop);
}

static int
usage (void)
{
  g_printerr ("hashfleet-cli groups: use 'groups [list]', 'groups create NAME', "
              "'groups rename OLD NEW', 'groups delete NAME', 'groups add NAME ADDRESS…' or "
              "'groups remove NAME ADDRESS…'\n");
  return 2;
}

int
hf_cli_groups (HfCli  *cli,
               char  **args)
{
  static const struct { const char *word; HfGroupChange change; guint min, max; } verbs[] = {
    { "create", HF_GROUP_CHANGE_CREATE, 1, 1 },
    { "rename", HF_GROUP_CHANGE_RENAME, 2, 2 },
    { "delete", HF_GROUP_CHANGE_DELETE, 1, 1 },
    { "add", HF_GROUP_CHANGE_ADD, 2, G_MAXUINT },
    { "remove", HF_GROUP_CHANGE_REMOVE, 2, G_MAXUINT },
  };
  g_autoptr(GPtrArray) miners = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  guint n = args[0] != NULL ? g_strv_length (args) - 1 : 0;
  HfSession *session;
  HfFleet *fleet;
  Changed c = { cli, FALSE, NULL };
  int verb = -1;

  if (args[0] == NULL || (g_str_equal (args[0], "list") && n == 0))
    return list_groups (cli);
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (args[0], verbs[i].word) && n >= verbs[i].min && n <= verbs[i].max)
      verb = (int) i;
  if (verb < 0)
    return usage ();
  if (!hf_groups_check_name (verbs[verb].change == HF_GROUP_CHANGE_RENAME ? args[2] : args[1],
                             &error))
    {
      g_printerr ("hashfleet-cli groups: %s\n", error->message);
      return 2;
    }

  /* Changes go through the session, in turn with its other writes; it has
   * the stored fleet and groups to find them in. */
  cli->restore = TRUE;
  session = hf_cli_session (cli, TRUE);
  if (hf_session_get_store (session) == NULL)
    return 1;
  fleet = hf_session_get_fleet (session);
  for (guint i = 2; verbs[verb].max > 2 && args[i] != NULL; i++)
    {
      HfMiner *miner = hf_fleet_lookup_address (fleet, args[i]);

      if (miner == NULL)
        {
          g_printerr ("hashfleet-cli groups: no miner at %s in the store (scan or add it "
                      "first)\n", args[i]);
          return 1;
        }
      g_ptr_array_add (miners, miner);
    }
  hf_session_change_group_async (session, verbs[verb].change, args[1],
                                 verbs[verb].change == HF_GROUP_CHANGE_RENAME ? args[2] : NULL,
                                 (HfMiner **) miners->pdata, miners->len, NULL, changed_cb, &c);
  g_main_loop_run (cli->loop);
  if (!c.ok)
    {
      g_printerr ("hashfleet-cli groups: %s\n", c.error->message);
      g_clear_error (&c.error);
      return 1;
    }
  switch (verbs[verb].change)
    {
    case HF_GROUP_CHANGE_CREATE:
      g_print ("created group %s\n", args[1]);
      break;
    case HF_GROUP_CHANGE_RENAME:
      g_print ("renamed group %s to %s\n", args[1], args[2]);
      break;
    case HF_GROUP_CHANGE_DELETE:
      g_print ("deleted group %s\n", args[1]);
      break;
    default:
      g_print ("%s %u %s %s group %s\n", verbs[verb].change == HF_GROUP_CHANGE_ADD ? "added"
                                                                                 : "removed",
               miners->len, miners->len == 1 ? "miner" : "miners",
               verbs[verb].change == HF_GROUP_CHANGE_ADD ? "to" : "from", args[1]);
      break;
    }
  return 0;
}
