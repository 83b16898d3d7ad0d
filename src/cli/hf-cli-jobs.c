/* hf-cli-jobs.c — add a list of addresses to the command's session, a
 * bounded number at a time, and run a step on each miner
 * SPDX-License-Identifier: MIT
 */
#include "hf-cli.h"

static void start_more (HfCli *cli);

static void
job_free (gpointer data)
{
  HfCliJob *job = data;

  g_free (job->address);
  g_clear_object (&job->miner);
  g_clear_error (&job->error);
  g_free (job);
}

void
hf_cli_job_done (HfCliJob     *job,
                 const GError *error)
{
  HfCli *cli = job->cli;

  g_assert (!job->finished);
  job->finished = TRUE;
  if (error != NULL)
    job->error = g_error_copy (error);
  cli->running--;
  start_more (cli);
}

static void
identified_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  HfCliJob *job = user_data;
  HfCliStep step = g_object_get_data (G_OBJECT (job->cli->cancellable), "hf-cli-step");
  g_autoptr(GError) error = NULL;

  job->miner = hf_session_add_finish (HF_SESSION (source), result, NULL, &error);
  if (job->miner == NULL)
    {
      hf_cli_job_done (job, error);
      return;
    }
  step (job);
}

static void
start_more (HfCli *cli)
{
  while (cli->running < cli->max_in_flight && cli->next < cli->jobs->len)
    {
      HfCliJob *job = g_ptr_array_index (cli->jobs, cli->next++);

      cli->running++;
      hf_session_add_async (cli->session, job->address, 0, 0, cli->cancellable, identified_cb,
                            job);
    }
  if (cli->running == 0 && cli->next == cli->jobs->len)
    g_main_loop_quit (cli->loop);
}

void
hf_cli_run_jobs (HfCli     *cli,
                 char     **addresses,
                 HfCliStep  step)
{
  cli->jobs = g_ptr_array_new_with_free_func (job_free);
  for (guint i = 0; addresses[i] != NULL; i++)
    {
      HfCliJob *job = g_new0 (HfCliJob, 1);

      job->cli = cli;
      job->address = g_strdup (addresses[i]);
      g_ptr_array_add (cli->jobs, job);
    }
  g_object_set_data (G_OBJECT (cli->cancellable), "hf-cli-step", step);
  hf_cli_session (cli, FALSE);
  start_more (cli);
  if (cli->running > 0)
    g_main_loop_run (cli->loop);
}

void
hf_cli_job_done_ok (HfCliJob *job)
{
  hf_cli_job_done (job, NULL);
}
