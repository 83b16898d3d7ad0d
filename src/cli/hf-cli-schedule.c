/* hf-cli-schedule.c — hashfleet-cli schedule: schedules kept in the store
 *
 *   schedule [list] [--json]
 *   schedule add (ADDRESS | --group NAME) --days DAYS --time HH:MM-HH:MM --state STATE
 *   schedule remove ID
 *   schedule override ADDRESS     (until its next switch)
 *   schedule resume ADDRESS       (end an override)
 *
 * SPDX-License-Identifier: MIT
 *
 * Changes go through a session (in turn with its other writes); a
 * running `serve` reads them again within HF_SCHEDULER_RELOAD_S.
 */
#include <stdio.h>

#include "hf-cli.h"

typedef struct
{
  HfCli    *cli;
  gboolean  done;
  gint64    id;
  gboolean  ok;
  HfMiner  *miner;
  GError   *error;
} Step;

static int
fail (const GError *error)
{
  g_printerr ("hashfleet-cli schedule: %s\n", error->message);
  return error->domain == HF_ERROR && error->code == HF_ERROR_INVALID ? 2 : 1;
}

/* The command's session with the stored fleet and its schedules read. */
static HfSession *
session_with_schedules (HfCli *cli)
{
  HfSession *session;
  HfScheduler *scheduler;

  cli->restore = TRUE;
  session = hf_cli_session (cli, TRUE);
  if (hf_session_get_store (session) == NULL)
    return NULL;
  scheduler = hf_session_get_scheduler (session);
  while (!hf_scheduler_get_loaded (scheduler))
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
kept_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Step *step = user_data;

  step->id = hf_scheduler_add_finish (HF_SCHEDULER (source), result, &step->error);
  g_main_loop_quit (step->cli->loop);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Step *step = user_data;

  step->ok = hf_scheduler_remove_finish (HF_SCHEDULER (source), result, &step->error);
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
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GError) error = NULL;

  if (store == NULL)
    return 1;
  schedules = hf_store_list_schedules (store, &error);
  if (schedules == NULL)
    return fail (error);
  if (cli->json)
    {
      g_autoptr(JsonNode) node = hf_schedules_to_json (schedules);
      g_autofree char *text = json_to_string (node, FALSE);

      g_print ("%s\n", text);
      return 0;
    }
  g_print ("%-5s %-24s %-14s %-12s %s\n", "ID", "TARGET", "DAYS", "TIME", "STATE");
  for (guint i = 0; i < schedules->len; i++)
    {
      HfSchedule *s = g_ptr_array_index (schedules, i);
      g_autofree char *days = hf_schedule_days_to_string (s->days);
      g_autofree char *time = hf_schedule_time_range_to_string (s->start_min, s->end_min);
      g_autofree char *state = hf_schedule_state_to_string (&s->state);
      g_autofree char *target = s->group != NULL ? g_strdup_printf ("group %s", s->group)
                                                 : g_strdup (s->address);

      g_print ("%-5" G_GINT64_FORMAT " %-24s %-14s %-12s %s\n", s->id, target, days, time, state);
    }
  return 0;
}

static int
add (HfCli  *cli,
     char  **args)
{
  g_autoptr(HfSchedule) s = hf_schedule_new ();
  g_autoptr(HfMiner) miner = NULL;
  g_autoptr(GError) error = NULL;
  HfSession *session;
  Step step = { cli };

  if ((args[0] == NULL) == (cli->group == NULL) || (args[0] != NULL && args[1] != NULL))
    {
      g_printerr ("hashfleet-cli schedule add: give one ADDRESS or --group NAME\n");
      return 2;
    }
  if (cli->days == NULL || cli->time == NULL || cli->state == NULL)
    {
      g_printerr ("hashfleet-cli schedule add: --days, --time and --state are needed\n");
      return 2;
    }
  if (!hf_schedule_parse_days (cli->days, &s->days, &error)
      || !hf_schedule_parse_time_range (cli->time, &s->start_min, &s->end_min, &error)
      || !hf_schedule_parse_state (cli->state, &s->state, &error))
    return fail (error);
  session = session_with_schedules (cli);
  if (session == NULL)
    return 1;
  if (args[0] != NULL && (miner = find_miner (cli, session, args[0], &error)) == NULL)
    return fail (error);
  s->group = g_strdup (cli->group);
  hf_scheduler_add_async (hf_session_get_scheduler (session), s, miner, cli->cancellable,
                          kept_cb, &step);
  g_main_loop_run (cli->loop);
  if (step.id == 0)
    {
      int status = fail (step.error);

      g_clear_error (&step.error);
      return status;
    }
  g_print ("added schedule %" G_GINT64_FORMAT "\n", step.id);
  return 0;
}

static int
remove_one (HfCli      *cli,
            const char *word)
{
  guint64 id;
  HfSession *session;
  Step step = { cli };

  if (!g_ascii_string_to_unsigned (word, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_printerr ("hashfleet-cli schedule remove: “%s” is not a schedule id\n", word);
      return 2;
    }
  cli->restore = FALSE;
  session = hf_cli_session (cli, TRUE);
  if (hf_session_get_store (session) == NULL)
    return 1;
  hf_scheduler_remove_async (hf_session_get_scheduler (session), (gint64) id, cli->cancellable,
                             removed_cb, &step);
  g_main_loop_run (cli->loop);
  if (!step.ok)
    {
      int status = fail (step.error);

      g_clear_error (&step.error);
      return status;
    }
  g_print ("removed schedule %" G_GUINT64_FORMAT "\n", id);
  return 0;
}

static int
override (HfCli      *cli,
          const char *address,
          gboolean    resume)
{
  HfSession *session = session_with_schedules (cli);
  HfScheduler *scheduler;
  HfMiner *miner;
  gint64 until = 0;

  if (session == NULL)
    return 1;
  scheduler = hf_session_get_scheduler (session);
  miner = hf_fleet_lookup_address (hf_session_get_fleet (session), address);
  if (miner == NULL)
    {
      g_printerr ("hashfleet-cli schedule: %s is not in the stored fleet\n", address);
      return 2;
    }
  if (resume)
    {
      hf_scheduler_resume (scheduler, miner);
      g_print ("%s follows its schedule again\n", address);
      return 0;
    }
  if (!hf_scheduler_override (scheduler, miner))
    {
      g_printerr ("hashfleet-cli schedule: no schedule applies to %s\n", address);
      return 2;
    }
  hf_scheduler_get_override (scheduler, miner, &until);
  if (until == G_MAXINT64)
    g_print ("%s is left alone until its schedule is resumed\n", address);
  else
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (until);
      g_autofree char *when = g_date_time_format (dt, "%a %F %H:%M");

      g_print ("%s is left alone until %s\n", address, when);
    }
  return 0;
}

int
hf_cli_schedule (HfCli  *cli,
                 char  **args)
{
  const char *word = args[0];

  if (word == NULL || g_str_equal (word, "list"))
    return word != NULL && args[1] != NULL ? 2 : list (cli);
  if (g_str_equal (word, "add"))
    return add (cli, args + 1);
  if (g_str_equal (word, "remove") && args[1] != NULL && args[2] == NULL)
    return remove_one (cli, args[1]);
  if ((g_str_equal (word, "override") || g_str_equal (word, "resume")) && args[1] != NULL
      && args[2] == NULL)
    return override (cli, args[1], g_str_equal (word, "resume"));
  g_printerr ("hashfleet-cli schedule: use 'schedule list', 'schedule add (ADDRESS | --group NAME) "
              "--days D --time HH:MM-HH:MM --state S', 'schedule remove ID', "
              "'schedule override ADDRESS' or 'schedule resume ADDRESS'\n");
  return 2;
}
