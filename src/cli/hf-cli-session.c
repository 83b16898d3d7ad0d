/* hf-cli-session.c — the one HfSession a command drives
 * SPDX-License-Identifier: MIT
 *
 * A command builds its session here, loads it (with the store when it
 * records), and ends it through hf_session_shutdown_async(), which leaves
 * every queued write in the store before the process exits.  The CLI's
 * main loop runs while a step is in flight; no command nests another.
 */
#include "hf-cli.h"

typedef struct
{
  HfCli    *cli;
  gboolean  ok;
  GError   *error;
} Step;

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Step *step = user_data;

  step->ok = hf_session_load_finish (HF_SESSION (source), result, &step->error);
  g_main_loop_quit (step->cli->loop);
}

static HfSession *
load (HfCli       *cli,
      const char  *path,
      GError     **error)
{
  g_autoptr(HfSession) session = hf_session_new (path, cli->config);
  Step step = { cli, FALSE, NULL };

  hf_session_set_restore (session, cli->restore);
  if (cli->loop == NULL)
    cli->loop = g_main_loop_new (NULL, FALSE);
  hf_session_load_async (session, cli->cancellable, loaded_cb, &step);
  g_main_loop_run (cli->loop);
  if (!step.ok)
    {
      g_propagate_error (error, step.error);
      return NULL;
    }
  return g_steal_pointer (&session);
}

static void
history_failed_cb (HfSession    *session,
                   const GError *error,
                   HfCli        *cli)
{
  /* Disk full, read-only…: said once; polling goes on, writing is retried. */
  g_printerr ("hashfleet-cli: cannot record readings: %s\n", error->message);
}

static void
history_recovered_cb (HfSession *session,
                      HfCli     *cli)
{
  g_printerr ("hashfleet-cli: recording again\n");
}

HfSession *
hf_cli_session (HfCli    *cli,
                gboolean  record)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (cli->session != NULL)
    return cli->session;
  if (record && !cli->no_store)
    {
      path = cli->db_path ? g_strdup (cli->db_path) : hf_store_default_path ();
      cli->session = load (cli, path, &error);
      if (cli->session == NULL)
        {
          /* Recording is a side job of scan, watch and serve: say so once
           * and go on. */
          g_printerr ("hashfleet-cli: %s (going on without recording)\n", error->message);
          g_clear_error (&error);
        }
      else if (hf_store_get_moved_aside (hf_session_get_store (cli->session)) != NULL)
        g_printerr ("hashfleet-cli: %s was not a usable database; it was moved to %s and a new "
                    "one started\n", path,
                    hf_store_get_moved_aside (hf_session_get_store (cli->session)));
    }
  if (cli->session == NULL)
    cli->session = load (cli, NULL, NULL);
  g_signal_connect (cli->session, "history-failed", G_CALLBACK (history_failed_cb), cli);
  g_signal_connect (cli->session, "history-recovered", G_CALLBACK (history_recovered_cb), cli);
  if (cli->interval_s > 0)
    hf_session_set_poll_interval (cli->session, cli->interval_s);
  if (cli->concurrency > 0)
    hf_fleet_set_max_in_flight (hf_session_get_fleet (cli->session), cli->concurrency);
  if (cli->not_hashing_after_s > 0)
    hf_session_set_not_hashing_after (cli->session, cli->not_hashing_after_s);
  return cli->session;
}

static void
shut_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Step *step = user_data;

  step->ok = hf_session_shutdown_finish (HF_SESSION (source), result, &step->error);
  g_main_loop_quit (step->cli->loop);
}

gboolean
hf_cli_end_session (HfCli *cli)
{
  Step step = { cli, FALSE, NULL };

  if (cli->session == NULL)
    return TRUE;
  if (cli->loop == NULL)
    cli->loop = g_main_loop_new (NULL, FALSE);
  hf_session_shutdown_async (cli->session, 10000, shut_cb, &step);
  g_main_loop_run (cli->loop);
  if (!step.ok)
    {
      g_printerr ("hashfleet-cli: %s\n", step.error->message);
      g_clear_error (&step.error);
    }
  g_signal_handlers_disconnect_by_data (cli->session, cli);
  g_clear_object (&cli->session);
  return step.ok;
}
