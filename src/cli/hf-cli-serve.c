/* hf-cli-serve.c — hashfleet-cli serve: the fleet, polled and recorded,
 * behind the HTTP API and Prometheus metrics, for machines without a desktop
 * SPDX-License-Identifier: MIT
 */
#include "hf-cli.h"

static void
cancelled_cb (GCancellable *cancellable,
              GMainLoop    *loop)
{
  g_main_loop_quit (loop);
}

typedef struct
{
  HfCliStats *stats;
  guint       cycles;
} Serve;

static void
cycle_finished_cb (HfFleet *fleet,
                   guint    polled,
                   guint    answered,
                   guint    elapsed_ms,
                   Serve   *serve)
{
  hf_cli_stats_print (serve->stats, ++serve->cycles, polled, answered, elapsed_ms);
}

static void
record_failed_cb (HfRecorder   *recorder,
                  const GError *error,
                  gpointer      data)
{
  g_printerr ("hashfleet-cli serve: history is not being recorded: %s\n", error->message);
}

int
hf_cli_serve (HfCli  *cli,
              char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfStore) store = hf_cli_open_store (cli, FALSE);
  g_autoptr(HfFleet) fleet = hf_fleet_new (cli->config);
  g_autoptr(HfRecorder) recorder = NULL;
  g_autoptr(HfApiServer) server = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  const char *listen = cli->listen ? cli->listen : "127.0.0.1:8080";
  Serve serve = { NULL, 0 };
  gulong cancelled;

  hf_fleet_set_poll_interval (fleet, cli->interval_s > 0 ? cli->interval_s
                                                         : HF_FLEET_DEFAULT_INTERVAL_S);
  if (cli->concurrency > 0)
    hf_fleet_set_max_in_flight (fleet, cli->concurrency);

  /* The stored fleet, then the addresses given (identified and saved). */
  stored = store ? hf_store_load_fleet (store, NULL) : NULL;
  for (guint i = 0; stored != NULL && i < stored->len; i++)
    hf_fleet_add (fleet, g_ptr_array_index (stored, i));
  if (args[0] != NULL)
    {
      hf_cli_run_jobs (cli, args, hf_cli_job_done_ok);
      for (guint i = 0; i < cli->jobs->len; i++)
        {
          HfCliJob *job = g_ptr_array_index (cli->jobs, i);

          if (job->miner == NULL)
            {
              g_printerr ("hashfleet-cli serve: %s: %s\n", job->address, job->error->message);
              continue;
            }
          if (store != NULL && !hf_store_save_miner (store, hf_fleet_add (fleet, job->miner), &error))
            {
              g_printerr ("hashfleet-cli serve: cannot save %s: %s\n", job->address, error->message);
              g_clear_error (&error);
            }
          else if (store == NULL)
            hf_fleet_add (fleet, job->miner);
        }
    }

  server = hf_api_server_new (fleet, store, cli->config);
  hf_api_server_set_token (server, cli->token);
  if (!hf_api_server_listen (server, listen, &error))
    {
      g_printerr ("hashfleet-cli serve: cannot listen on %s: %s\n", listen, error->message);
      return 2;
    }
  g_printerr ("hashfleet-cli serve: %u miners; serving http://%s/ (port %u)%s\n",
              hf_fleet_get_total_count (fleet), listen, hf_api_server_get_port (server),
              cli->token ? "" : "; no token: read-only");

  if (store != NULL)
    {
      recorder = hf_recorder_new (fleet, store);
      g_signal_connect (recorder, "failed", G_CALLBACK (record_failed_cb), NULL);
    }
  if (cli->stats)
    {
      serve.stats = hf_cli_stats_new (fleet);
      g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), &serve);
    }
  hf_fleet_poll_now (fleet);
  hf_fleet_start (fleet);

  g_clear_pointer (&cli->loop, g_main_loop_unref);
  cli->loop = g_main_loop_new (NULL, FALSE);
  cancelled = g_cancellable_connect (cli->cancellable, G_CALLBACK (cancelled_cb), cli->loop, NULL);
  g_main_loop_run (cli->loop);
  g_cancellable_disconnect (cli->cancellable, cancelled);
  if (serve.stats != NULL)
    g_signal_handlers_disconnect_by_data (fleet, &serve);
  g_clear_pointer (&serve.stats, hf_cli_stats_free);
  hf_fleet_stop (fleet);
  if (recorder != NULL)
    hf_recorder_wait_written (recorder, 10000);
  /* A DELETE through the API may still be removing rows. */
  if (store != NULL && !hf_store_wait_pending (store, 10000))
    g_printerr ("hashfleet-cli: the store's worker has not finished; its last change may be lost\n");
  hf_api_server_disconnect (server);
  return 0;
}
