/* hf-cli-serve.c — hashfleet-cli serve: the fleet, polled and recorded,
 * behind the HTTP API and Prometheus metrics, for machines without a desktop
 * SPDX-License-Identifier: MIT
 */
#include "hf-cli.h"
#include "hf-api-server.h"

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

int
hf_cli_serve (HfCli  *cli,
              char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfApiServer) server = NULL;
  g_autoptr(HfMqtt) mqtt = NULL;
  const char *listen = cli->listen ? cli->listen : "127.0.0.1:8080";
  Serve serve = { NULL, 0 };
  HfSession *session;
  HfFleet *fleet;
  gulong cancelled;

  /* The stored fleet, then the addresses given (identified and saved). */
  cli->restore = TRUE;
  session = hf_cli_session (cli, TRUE);
  fleet = hf_session_get_fleet (session);
  hf_session_set_tariff (session, cli->tariff);
  if (args[0] != NULL)
    {
      hf_cli_run_jobs (cli, args, hf_cli_job_done_ok);
      for (guint i = 0; i < cli->jobs->len; i++)
        {
          HfCliJob *job = g_ptr_array_index (cli->jobs, i);

          if (job->miner == NULL)
            g_printerr ("hashfleet-cli serve: %s: %s\n", job->address, job->error->message);
        }
    }

  server = hf_api_server_new (session);
  hf_api_server_set_token (server, cli->token);
  if (!hf_api_server_listen (server, listen, &error))
    {
      g_printerr ("hashfleet-cli serve: cannot listen on %s: %s\n", listen, error->message);
      return 2;
    }
  hf_cli_notify_setup (cli, hf_session_get_notifier (session), "serve");
  g_printerr ("hashfleet-cli serve: %u miners; serving http://%s/ (port %u)%s; %u notification "
              "channel%s\n",
              hf_fleet_get_total_count (fleet), listen, hf_api_server_get_port (server),
              cli->token ? "" : "; no token: read-only", cli->notify_urls->len,
              cli->notify_urls->len == 1 ? "" : "s");

  if (cli->mqtt != NULL)
    {
      mqtt = hf_mqtt_new (session, cli->mqtt, &error);
      if (mqtt != NULL)
        {
          hf_mqtt_set_password (mqtt, cli->mqtt_password);
          hf_mqtt_set_allow_control (mqtt, cli->mqtt_allow_control);
          if (cli->mqtt_prefix != NULL)
            hf_mqtt_set_discovery_prefix (mqtt, cli->mqtt_prefix);
        }
      if (mqtt == NULL || !hf_mqtt_start (mqtt, &error))
        {
          g_printerr ("hashfleet-cli serve: MQTT: %s\n", error->message);
          return 2;
        }
      hf_session_set_mqtt (session, mqtt);
      g_printerr ("hashfleet-cli serve: publishing to %s%s\n", cli->mqtt,
                  cli->mqtt_allow_control ? "; control from MQTT allowed" : "");
    }

  if (cli->stats)
    {
      serve.stats = hf_cli_stats_new (fleet);
      g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), &serve);
    }
  hf_session_start (session);

  cancelled = g_cancellable_connect (cli->cancellable, G_CALLBACK (cancelled_cb), cli->loop, NULL);
  g_main_loop_run (cli->loop);
  g_cancellable_disconnect (cli->cancellable, cancelled);
  if (serve.stats != NULL)
    g_signal_handlers_disconnect_by_data (fleet, &serve);
  g_clear_pointer (&serve.stats, hf_cli_stats_free);
  /* Requests still paused (a DELETE waiting for its rows) are answered by
   * the session's end; the listener goes first. */
  hf_api_server_disconnect (server);
  /* MQTT says "offline" when the session shuts down. */
  return 0;
}
