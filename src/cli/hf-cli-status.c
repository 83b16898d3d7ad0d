/* hf-cli-status.c — hashfleet-cli status: identify and poll each address
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include "hf-cli.h"

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HfCliJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) reading = NULL;

  /* The session's fleet has put the reading on the miner. */
  reading = hf_session_poll_finish (HF_SESSION (source), result, &error);
  hf_cli_job_done (job, error);
}

static void
poll_step (HfCliJob *job)
{
  hf_session_poll_async (job->cli->session, job->miner, job->cli->cancellable, polled_cb, job);
}

int
hf_cli_status (HfCli  *cli,
               char  **addresses)
{
  gboolean failed = FALSE;

  /* With --db, the store is loaded: a tune a crash cut short there has its
   * miner's original settings put back once the miner answers. */
  if (cli->db_path != NULL)
    hf_cli_session (cli, TRUE);
  hf_cli_run_jobs (cli, addresses, poll_step);
  hf_cli_print_status (cli);

  for (guint i = 0; i < cli->jobs->len; i++)
    {
      HfCliJob *job = g_ptr_array_index (cli->jobs, i);

      if (job->error != NULL)
        {
          g_printerr ("hashfleet-cli: %s: %s\n", job->address, job->error->message);
          failed = TRUE;
        }
    }
  return failed ? 1 : 0;
}
