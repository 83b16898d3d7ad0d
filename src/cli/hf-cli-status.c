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

  reading = hf_driver_poll_finish (HF_DRIVER (source), result, &error);
  if (reading != NULL)
    {
      hf_miner_set_reading (job->miner, reading);
      hf_miner_set_online (job->miner, TRUE);
    }
  hf_cli_job_done (job, error);
}

static void
poll_step (HfCliJob *job)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (job->miner));

  hf_driver_poll_async (driver, job->miner, job->cli->config, job->cli->cancellable,
                        polled_cb, job);
}

int
hf_cli_status (HfCli  *cli,
               char  **addresses)
{
  gboolean failed = FALSE;

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
