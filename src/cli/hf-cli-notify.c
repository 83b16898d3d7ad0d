/* hf-cli-notify.c — hashfleet-cli notify-test, and the notification
 * channels of serve and watch
 * SPDX-License-Identifier: MIT
 */
#include "hf-cli.h"

static void
delivered_cb (HfNotifier     *notifier,
              const char     *channel,
              HfNotification *notification,
              const char     *command)
{
  if (g_str_equal (command, "notify-test"))
    g_print ("%s: delivered\n", channel);
}

static void
failed_cb (HfNotifier     *notifier,
           const char     *channel,
           HfNotification *notification,
           const GError   *error,
           const char     *command)
{
  /* @channel is masked: no token reaches the terminal or the journal. */
  if (g_str_equal (command, "notify-test"))
    g_print ("%s: failed: %s\n", channel, error->message);
  else
    g_printerr ("hashfleet-cli %s: notification \"%s\" to %s failed: %s\n", command,
                notification->event, channel, error->message);
}

void
hf_cli_notify_setup (HfCli      *cli,
                     HfNotifier *notifier,
                     const char *command)
{
  for (guint i = 0; cli->notify_urls != NULL && i < cli->notify_urls->len; i++)
    hf_notifier_add_url (notifier, g_ptr_array_index (cli->notify_urls, i));
  g_signal_connect (notifier, "delivered", G_CALLBACK (delivered_cb), (gpointer) command);
  g_signal_connect (notifier, "failed", G_CALLBACK (failed_cb), (gpointer) command);
}

typedef struct
{
  HfCli    *cli;
  gboolean  done;
  GError   *error;
} Drain;

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Drain *drain = user_data;

  hf_notifier_drain_finish (HF_NOTIFIER (source), result, &drain->error);
  drain->done = TRUE;
  g_main_loop_quit (drain->cli->loop);
}

void
hf_cli_notify_finish (HfCli      *cli,
                      const char *command)
{
  HfNotifier *notifier;
  Drain drain = { cli, FALSE, NULL };
  guint pending;

  if (cli->session == NULL)
    return;
  /* No new alert while the last ones go. */
  hf_session_stop (cli->session);
  notifier = hf_session_get_notifier (cli->session);
  pending = hf_notifier_get_n_pending (notifier);
  if (pending == 0)
    return;
  g_printerr ("hashfleet-cli %s: sending %u notification%s before quitting (at most %u s; "
              "interrupt again to quit now)\n", command, pending, pending == 1 ? "" : "s",
              HF_CLI_NOTIFY_GRACE_MS / 1000);
  if (cli->loop == NULL)
    cli->loop = g_main_loop_new (NULL, FALSE);
  hf_notifier_drain_async (notifier, HF_CLI_NOTIFY_GRACE_MS, cli->hurry, drained_cb, &drain);
  while (!drain.done)
    g_main_loop_run (cli->loop);
  if (drain.error != NULL)
    {
      pending = hf_notifier_get_n_pending (notifier);
      g_printerr ("hashfleet-cli %s: %s; %u notification%s dropped\n", command,
                  g_error_matches (drain.error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                    ? "interrupted" : "out of time",
                  pending, pending == 1 ? "" : "s");
      g_clear_error (&drain.error);
    }
}

typedef struct
{
  HfCli    *cli;
  gboolean  ok;
} Test;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Test *test = user_data;
  g_autoptr(GError) error = NULL;

  test->ok = hf_notifier_send_test_finish (HF_NOTIFIER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_printerr ("hashfleet-cli notify-test: interrupted\n");
  g_main_loop_quit (test->cli->loop);
}

int
hf_cli_notify_test (HfCli  *cli,
                    char  **args)
{
  g_autoptr(HfNotifier) notifier = hf_notifier_new ();
  Test test = { cli, FALSE };

  if (args[0] != NULL)
    {
      g_printerr ("hashfleet-cli notify-test: takes no arguments (give --notify-file FILE)\n");
      return 2;
    }
  if (cli->notify_urls == NULL || cli->notify_urls->len == 0)
    {
      g_printerr ("hashfleet-cli notify-test: no notification URL (give --notify-file FILE)\n");
      return 2;
    }
  hf_cli_notify_setup (cli, notifier, "notify-test");
  /* Someone is waiting for the answer: one retry, not three. */
  hf_notifier_set_timing (notifier, 0, 2, 0);
  if (cli->loop == NULL)
    cli->loop = g_main_loop_new (NULL, FALSE);
  hf_notifier_send_test_async (notifier, cli->cancellable, sent_cb, &test);
  g_main_loop_run (cli->loop);
  return test.ok ? 0 : 1;
}
