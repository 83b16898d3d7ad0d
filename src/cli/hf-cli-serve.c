/* hf-cli-serve.c — hashfleet-cli serve: the fleet, polled and recorded,
 * behind the HTTP API and Prometheus metrics, for machines without a desktop
 * SPDX-License-Identifier: MIT
 *
 * With --config, the session runs as the app's does: one
 * HfSettingsApplier applies the file's settings (with the options given
 * over them) to it, MQTT included, and the API is served when api-enabled
 * (or --listen) says so.  Without, the options alone say everything and
 * the API is always served.
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

static void
mqtt_problem_cb (HfMqtt     *mqtt,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  if (g_str_equal (pspec->name, "connected"))
    {
      if (hf_mqtt_get_connected (mqtt))
        g_printerr ("hashfleet-cli serve: MQTT: connected\n");
      return;
    }
  if (hf_mqtt_get_problem (mqtt) != NULL)
    g_printerr ("hashfleet-cli serve: MQTT: %s (trying again)\n", hf_mqtt_get_problem (mqtt));
}

int
hf_cli_serve (HfCli  *cli,
              char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfApiServer) server = NULL;
  g_autoptr(HfSettingsApplier) applier = NULL;
  g_autofree char *listen = NULL;
  HfMqtt *mqtt = NULL;
  Serve serve = { NULL, 0 };
  HfSession *session;
  HfFleet *fleet;
  gulong cancelled;

  /* The stored fleet, then the addresses given (identified and saved). */
  cli->restore = TRUE;
  session = hf_cli_session (cli, TRUE);
  fleet = hf_session_get_fleet (session);
  /* Over the one kept in the store. */
  if (cli->power_budget >= 0)
    hf_session_set_power_budget (session, cli->power_budget);
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

  if (cli->serve_settings != NULL)
    {
      applier = hf_settings_applier_new (cli->serve_settings, session);
      /* The command line over the file (its range is wider than the key's). */
      if (cli->interval_s > 0)
        hf_session_set_poll_interval (session, cli->interval_s);
      if (cli->tariff != NULL)
        hf_session_set_tariff (session, cli->tariff);
      if (hf_settings_get_api_enabled (cli->serve_settings))
        listen = hf_settings_get_api_listen (cli->serve_settings);
    }
  else
    {
      hf_session_set_tariff (session, cli->tariff);
      listen = g_strdup (cli->listen ? cli->listen : "127.0.0.1:8080");
    }

  if (listen != NULL)
    {
      server = hf_api_server_new (session);
      hf_api_server_set_token (server, cli->token);
      if (!hf_api_server_listen (server, listen, &error))
        {
          g_printerr ("hashfleet-cli serve: cannot listen on %s: %s\n", listen, error->message);
          return 2;
        }
    }
  hf_cli_notify_setup (cli, hf_session_get_notifier (session), "serve");
  if (server != NULL)
    g_printerr ("hashfleet-cli serve: %u miners; serving http://%s/ (port %u)%s; %u notification "
                "channel%s\n",
                hf_fleet_get_total_count (fleet), listen, hf_api_server_get_port (server),
                cli->token ? "" : "; no token: read-only", cli->notify_urls->len,
                cli->notify_urls->len == 1 ? "" : "s");
  else
    g_printerr ("hashfleet-cli serve: %u miners; no HTTP API (api-enabled is false in %s); %u "
                "notification channel%s\n",
                hf_fleet_get_total_count (fleet), cli->config_path, cli->notify_urls->len,
                cli->notify_urls->len == 1 ? "" : "s");

  if (applier != NULL)
    {
      /* MQTT, if the settings say so, starts once it has its password. */
      hf_settings_applier_set_mqtt_password (applier, cli->mqtt_password);
      if (hf_settings_applier_get_mqtt_error (applier) != NULL)
        {
          g_printerr ("hashfleet-cli serve: MQTT: %s\n",
                      hf_settings_applier_get_mqtt_error (applier));
          return 2;
        }
      mqtt = hf_settings_applier_get_mqtt (applier);
    }
  else if (cli->mqtt != NULL)
    {
      mqtt = hf_mqtt_start_for_session (session, cli->mqtt, cli->mqtt_password,
                                        cli->mqtt_allow_control, cli->mqtt_prefix, &error);
      if (mqtt == NULL)
        {
          g_printerr ("hashfleet-cli serve: MQTT: %s\n", error->message);
          return 2;
        }
    }
  if (mqtt != NULL)
    {
      g_autofree char *url = cli->serve_settings ? hf_settings_get_mqtt_url (cli->serve_settings)
                                                 : g_strdup (cli->mqtt);
      gboolean control = cli->serve_settings
                         ? hf_settings_get_mqtt_allow_control (cli->serve_settings)
                         : cli->mqtt_allow_control;

      g_printerr ("hashfleet-cli serve: publishing to %s%s\n", url,
                  control ? "; control from MQTT allowed" : "");
      /* A broker that refuses (a certificate not trusted, a wrong
       * password) is said once per change, not at every retry. */
      g_signal_connect (mqtt, "notify::problem", G_CALLBACK (mqtt_problem_cb), NULL);
      g_signal_connect (mqtt, "notify::connected", G_CALLBACK (mqtt_problem_cb), NULL);
    }

  if (cli->stats)
    {
      serve.stats = hf_cli_stats_new (fleet);
      g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), &serve);
    }
  hf_session_start (session);

  cancelled = g_cancellable_connect (cli->cancellable, G_CALLBACK (cancelled_cb), cli->loop, NULL);
  /* (Interrupted while starting: the quit came before the loop ran.) */
  if (!g_cancellable_is_cancelled (cli->cancellable))
    g_main_loop_run (cli->loop);
  g_cancellable_disconnect (cli->cancellable, cancelled);
  if (serve.stats != NULL)
    g_signal_handlers_disconnect_by_data (fleet, &serve);
  g_clear_pointer (&serve.stats, hf_cli_stats_free);
  /* Requests still paused (a DELETE waiting for its rows) are answered by
   * the session's end; the listener goes first. */
  if (server != NULL)
    hf_api_server_disconnect (server);
  /* An alert raised just before the signal still goes out (a moment). */
  hf_cli_notify_finish (cli, "serve");
  /* MQTT says "offline" when the session shuts down. */
  return 0;
}
