/* hf-cli-guard.c — hashfleet-cli guard: thermal guards kept in the store
 *
 *   guard [list] [--json]
 *   guard set (ADDRESS | --group NAME) [--chip-limit C] [--vr-limit C] [--cool-minutes N]
 *   guard remove (ADDRESS | --group NAME)
 *
 * SPDX-License-Identifier: MIT
 *
 * Changes go through a session (in turn with its other writes); a
 * running `serve` reads them again within HF_GUARDIAN_RELOAD_S.
 */
#include <math.h>
#include <stdio.h>

#include "hf-cli.h"
#include "hf-guard-json.h"
#include "hf-store-guardian.h"
#include "hf-thermal-guardian.h"

typedef struct
{
  HfCli    *cli;
  gboolean  ok;
  HfMiner  *miner;
  GError   *error;
} Step;

static int
fail (const GError *error)
{
  g_printerr ("hashfleet-cli guard: %s\n", error->message);
  return error->domain == HF_ERROR && error->code == HF_ERROR_INVALID ? 2 : 1;
}

/* The command's session with the stored fleet and its guards read. */
static HfSession *
session_with_guards (HfCli *cli)
{
  HfSession *session;
  HfThermalGuardian *guardian;

  cli->restore = TRUE;
  session = hf_cli_session (cli, TRUE);
  if (hf_session_get_store (session) == NULL)
    return NULL;
  guardian = hf_session_get_guardian (session);
  while (!hf_thermal_guardian_get_loaded (guardian))
    g_main_context_iteration (NULL, TRUE);
  return session;
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Step *step = user_data;
  gboolean known;

  step->miner = hf_session_add_finish (HF_SESSION (source), result, &known, &step->error);
  g_main_loop_quit (step->cli->loop);
}

static void
set_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Step *step = user_data;

  step->ok = hf_thermal_guardian_set_finish (HF_THERMAL_GUARDIAN (source), result, &step->error);
  g_main_loop_quit (step->cli->loop);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Step *step = user_data;

  step->ok = hf_thermal_guardian_remove_finish (HF_THERMAL_GUARDIAN (source), result,
                                                &step->error);
  g_main_loop_quit (step->cli->loop);
}

/* The fleet's miner at @address: the stored one, else identified now. */
static HfMiner *
find_miner (HfCli      *cli,
            HfSession  *session,
            const char *address,
            GError    **error)
{
  HfMiner *miner = hf_fleet_lookup_address (hf_session_get_fleet (session), address);
  Step step = { cli };

  if (miner != NULL)
    return g_object_ref (miner);
  hf_session_add_async (session, address, 0, 0, cli->cancellable, added_cb, &step);
  g_main_loop_run (cli->loop);
  if (step.miner == NULL)
    g_propagate_error (error, step.error);
  return step.miner;
}

static int
list (HfCli *cli)
{
  g_autoptr(HfStore) store = hf_cli_open_store (cli, TRUE);
  g_autoptr(GPtrArray) guards = NULL;
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GError) error = NULL;

  if (store == NULL)
    return 1;
  guards = hf_store_list_guards (store, &error);
  if (guards != NULL)
    states = hf_store_list_guardian_states (store, &error);
  if (states == NULL)
    return fail (error);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "guards");
      json_builder_add_value (b, hf_guards_to_json (guards));
      json_builder_set_member_name (b, "stepped_down");
      json_builder_begin_array (b);
      for (guint i = 0; i < states->len; i++)
        {
          HfGuardianState *s = g_ptr_array_index (states, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "address");
          json_builder_add_string_value (b, s->address);
          json_builder_set_member_name (b, "steps");
          json_builder_add_int_value (b, s->steps);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, FALSE);
      g_print ("%s\n", text);
      return 0;
    }
  g_print ("%-5s %-24s %-10s %-10s %s\n", "ID", "TARGET", "CHIP", "VR", "COOL");
  for (guint i = 0; i < guards->len; i++)
    {
      HfGuard *g = g_ptr_array_index (guards, i);
      g_autofree char *target = g->group != NULL ? g_strdup_printf ("group %s", g->group)
                                                 : g_strdup (g->address);

      g_autofree char *chip = g_strdup_printf ("%.0f °C", g->chip_limit_c);
      g_autofree char *vr = g_strdup_printf ("%.0f °C", g->vr_limit_c);

      g_print ("%-5" G_GINT64_FORMAT " %-24s %-10s %-10s %u min\n", g->id, target, chip, vr,
               g->cool_min);
    }
  for (guint i = 0; i < states->len; i++)
    {
      HfGuardianState *s = g_ptr_array_index (states, i);

      if (s->orig_frequency > 0)
        g_print ("%s: stepped down %u (was %u MHz)\n", s->address, s->steps, s->orig_frequency);
      else
        g_print ("%s: stepped down %u (was work mode %d)\n", s->address, s->steps,
                 s->orig_work_mode);
    }
  return 0;
}

/* The guard of the target given, or 0 (said). */
static gint64
find_guard (HfThermalGuardian *guardian,
            HfMiner           *miner,
            const char        *group)
{
  GPtrArray *guards = hf_thermal_guardian_get_guards (guardian);

  for (guint i = 0; i < guards->len; i++)
    {
      const HfGuard *g = g_ptr_array_index (guards, i);

      if (miner != NULL && g->miner_key != NULL
          && (g_strcmp0 (g->miner_key, hf_miner_get_identity_key (miner)) == 0
              || g_strcmp0 (g->miner_key, hf_miner_get_address (miner)) == 0
              || g_strcmp0 (g->address, hf_miner_get_address (miner)) == 0))
        return g->id;
      if (group != NULL && g->group != NULL && g_ascii_strcasecmp (g->group, group) == 0)
        return g->id;
    }
  return 0;
}

static int
set_or_remove (HfCli    *cli,
               char    **args,
               gboolean  remove)
{
  const char *verb = remove ? "remove" : "set";
  g_autoptr(HfGuard) guard = hf_guard_new ();
  g_autoptr(HfMiner) miner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = NULL;
  HfThermalGuardian *guardian;
  HfSession *session;
  Step step = { cli };

  if ((args[0] == NULL) == (cli->group == NULL) || (args[0] != NULL && args[1] != NULL))
    {
      g_printerr ("hashfleet-cli guard %s: give one ADDRESS or --group NAME\n", verb);
      return 2;
    }
  if (!isnan (cli->chip_limit_c))
    guard->chip_limit_c = cli->chip_limit_c;
  if (!isnan (cli->vr_limit_c))
    guard->vr_limit_c = cli->vr_limit_c;
  if (cli->cool_min >= 0)
    guard->cool_min = (guint) cli->cool_min;
  if (cli->cool_min == 0 || (bad = hf_guard_check (guard)) != NULL)
    {
      g_printerr ("hashfleet-cli guard %s: %s\n", verb,
                  bad != NULL ? bad : "the cool period is between 1 and 1440 minutes");
      return 2;
    }
  session = session_with_guards (cli);
  if (session == NULL)
    return 1;
  guardian = hf_session_get_guardian (session);
  if (args[0] != NULL)
    {
      if (remove)
        {
          HfMiner *known = hf_fleet_lookup_address (hf_session_get_fleet (session), args[0]);

          if (known == NULL)
            {
              g_printerr ("hashfleet-cli guard: %s is not in the stored fleet\n", args[0]);
              return 2;
            }
          miner = g_object_ref (known);
        }
      else if ((miner = find_miner (cli, session, args[0], &error)) == NULL)
        return fail (error);
    }
  if (remove)
    {
      gint64 id = find_guard (guardian, miner, cli->group);

      if (id == 0)
        {
          g_printerr ("hashfleet-cli guard: no guard for %s\n",
                      args[0] != NULL ? args[0] : cli->group);
          return 2;
        }
      hf_thermal_guardian_remove_async (guardian, id, cli->cancellable, removed_cb, &step);
    }
  else
    {
      if (miner != NULL)
        {
          const char *key = hf_miner_get_identity_key (miner);

          guard->miner_key = g_strdup (key != NULL ? key : hf_miner_get_address (miner));
          guard->address = g_strdup (hf_miner_get_address (miner));
        }
      guard->group = g_strdup (cli->group);
      hf_thermal_guardian_set_async (guardian, guard, cli->cancellable, set_cb, &step);
    }
  g_main_loop_run (cli->loop);
  if (!step.ok)
    {
      int status = fail (step.error);

      g_clear_error (&step.error);
      return status;
    }
  if (remove)
    g_print ("removed the guard of %s\n", args[0] != NULL ? args[0] : cli->group);
  else
    g_print ("guarding %s: chip %.0f °C, VR %.0f °C, back up after %u min cool\n",
             args[0] != NULL ? args[0] : cli->group, guard->chip_limit_c, guard->vr_limit_c,
             guard->cool_min);
  return 0;
}

int
hf_cli_guard (HfCli  *cli,
              char  **args)
{
  const char *word = args[0];

  if (word == NULL || g_str_equal (word, "list"))
    return word != NULL && args[1] != NULL ? 2 : list (cli);
  if (g_str_equal (word, "set"))
    return set_or_remove (cli, args + 1, FALSE);
  if (g_str_equal (word, "remove"))
    return set_or_remove (cli, args + 1, TRUE);
  g_printerr ("hashfleet-cli guard: use 'guard list', 'guard set (ADDRESS | --group NAME) "
              "[--chip-limit C] [--vr-limit C] [--cool-minutes N]' or 'guard remove (ADDRESS | "
              "--group NAME)'\n");
  return 2;
}
