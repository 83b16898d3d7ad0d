/* hf-cli-restart.c — hashfleet-cli restart: ask each miner to reboot
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include "hf-cli.h"

static void
restarted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HfCliJob *job = user_data;
  g_autoptr(GError) error = NULL;

  hf_session_restart_finish (HF_SESSION (source), result, &error);
  hf_cli_job_done (job, error);
}

static void
restart_step (HfCliJob *job)
{
  hf_session_restart_async (job->cli->session, job->miner, job->cli->cancellable,
                            restarted_cb, job);
}

int
hf_cli_restart (HfCli  *cli,
                char  **addresses)
{
  gboolean failed = FALSE;

  hf_cli_run_jobs (cli, addresses, restart_step);

  for (guint i = 0; i < cli->jobs->len; i++)
    {
      HfCliJob *job = g_ptr_array_index (cli->jobs, i);
      const char *model = job->miner ? hf_miner_get_model (job->miner) : NULL;

      if (job->error != NULL)
        {
          failed = TRUE;
          g_printerr ("hashfleet-cli: %s: restart failed: %s\n", job->address,
                      job->error->message);
          if (cli->json)
            {
              g_autofree char *line = hf_miner_to_json_line (job->miner, job->address,
                                                             job->error->message);
              g_print ("%s\n", line);
            }
        }
      else if (cli->json)
        {
          g_autofree char *line = hf_miner_to_json_line (job->miner, job->address, NULL);
          g_print ("%s\n", line);
        }
      else
        g_print ("%s: restart accepted (%s)\n", job->address, model ? model : "miner");
    }
  return failed ? 1 : 0;
}
