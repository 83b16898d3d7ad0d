/* hf-cli-set.c — hashfleet-cli set, identify, pause, resume
 * SPDX-License-Identifier: MIT
 *
 * set writes the settings, optionally restarts, then reads the miner again
 * and says per miner whether the change shows: "applied", "applied after
 * restart", or "not applied" with what it reads instead.  Values the model
 * does not take are refused before anything is sent.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hf-cli.h"

/* How long a restarted miner has to come back. */
#define BACK_TIMEOUT_S 180

typedef struct
{
  HfCliJob *job;
  guint     polls;
  gboolean  went_down;
  double    uptime_before;
  char     *outcome;
} SetState;

static void
set_state_free (gpointer data)
{
  SetState *st = data;

  g_free (st->outcome);
  g_free (st);
}

static SetState *
state_of (HfCliJob *job)
{
  return g_object_get_data (G_OBJECT (job->miner), "hf-cli-set");
}

static void verify (HfCliJob *job);

/* An error without the address it already starts with. */
static const char *
reason (HfCliJob *job)
{
  const char *m = job->error->message;
  gsize n = strlen (job->address);

  return strncmp (m, job->address, n) == 0 && m[n] == ':' && m[n + 1] == ' ' ? m + n + 2 : m;
}

static gboolean
verify_later_cb (gpointer data)
{
  verify (data);
  return G_SOURCE_REMOVE;
}

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HfCliJob *job = user_data;
  SetState *st = state_of (job);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) r = hf_driver_poll_finish (HF_DRIVER (source), result, &error);
  g_autofree char *wrong = NULL;

  if (job->cli->restart_after)
    {
      /* Back when a poll works again after failing, or the uptime restarted. */
      gboolean back = r != NULL && (st->went_down || (!isnan (r->uptime_s)
                                                      && !isnan (st->uptime_before)
                                                      && r->uptime_s < st->uptime_before));
      if (r == NULL)
        st->went_down = TRUE;
      if (!back)
        {
          if (st->polls * 2 >= BACK_TIMEOUT_S)
            {
              g_autoptr(GError) late = g_error_new (HF_ERROR, HF_ERROR_TIMEOUT,
                                                    "did not come back within %d s of the "
                                                    "restart", BACK_TIMEOUT_S);
              hf_cli_job_done (job, late);
              return;
            }
          g_timeout_add_seconds (2, verify_later_cb, job);
          return;
        }
    }
  else if (r == NULL)
    {
      g_prefix_error (&error, "applied, but the miner did not answer after: ");
      hf_cli_job_done (job, error);
      return;
    }

  wrong = hf_miner_settings_mismatch (job->cli->settings, r);
  if (wrong != NULL)
    st->outcome = g_strdup_printf ("not applied (%s)", wrong);
  else
    st->outcome = g_strdup (job->cli->restart_after ? "applied after restart" : "applied");
  hf_cli_job_done (job, NULL);
}

static void
verify (HfCliJob *job)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (job->miner));

  state_of (job)->polls++;
  hf_driver_poll_async (driver, job->miner, job->cli->config, job->cli->cancellable, polled_cb,
                        job);
}

static void
restarted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HfCliJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!hf_driver_restart_finish (HF_DRIVER (source), result, &error))
    {
      g_prefix_error (&error, "applied, but the restart failed: ");
      hf_cli_job_done (job, error);
      return;
    }
  g_timeout_add_seconds (2, verify_later_cb, job);
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HfCliJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!hf_driver_apply_finish (HF_DRIVER (source), result, &error))
    {
      hf_cli_job_done (job, error);
      return;
    }
  if (job->cli->restart_after)
    hf_driver_restart_async (HF_DRIVER (source), job->miner, job->cli->config,
                             job->cli->cancellable, restarted_cb, job);
  else
    g_timeout_add (500, verify_later_cb, job);
}

static void
baseline_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  HfCliJob *job = user_data;
  g_autoptr(HfReading) r = hf_driver_poll_finish (HF_DRIVER (source), result, NULL);

  state_of (job)->uptime_before = r ? r->uptime_s : NAN;
  hf_driver_apply_async (HF_DRIVER (source), job->miner, job->cli->settings, job->cli->config,
                         job->cli->cancellable, applied_cb, job);
}

static void
set_step (HfCliJob *job)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (job->miner));
  SetState *st = g_new0 (SetState, 1);

  st->job = job;
  st->uptime_before = NAN;
  g_object_set_data_full (G_OBJECT (job->miner), "hf-cli-set", st, set_state_free);
  /* The uptime before, to know the restart happened. */
  hf_driver_poll_async (driver, job->miner, job->cli->config, job->cli->cancellable,
                        baseline_cb, job);
}

int
hf_cli_set (HfCli  *cli,
            char  **addresses)
{
  gboolean failed = FALSE;

  if (cli->profile != NULL && cli->settings->pool_url == NULL)
    {
      g_autoptr(HfStore) store = hf_cli_open_store (cli, TRUE);
      g_autoptr(HfMinerSettings) pools = NULL;
      g_autoptr(GError) error = NULL;
      HfMinerSettings *st = cli->settings;

      if (store == NULL)
        return 2;
      pools = hf_store_load_pool_profile (store, cli->profile, &error);
      if (pools == NULL)
        {
          g_printerr ("hashfleet-cli set: %s\n", error->message);
          return 2;
        }
      st->pool_url = g_steal_pointer (&pools->pool_url);
      st->pool_user = g_steal_pointer (&pools->pool_user);
      st->pool_password = g_steal_pointer (&pools->pool_password);
      st->fallback_pool_url = g_steal_pointer (&pools->fallback_pool_url);
      st->fallback_pool_user = g_steal_pointer (&pools->fallback_pool_user);
      st->fallback_pool_password = g_steal_pointer (&pools->fallback_pool_password);
    }
  if (hf_miner_settings_is_empty (cli->settings))
    {
      g_printerr ("hashfleet-cli set: nothing to set (see --help)\n");
      return 2;
    }
  hf_cli_run_jobs (cli, addresses, set_step);
  for (guint i = 0; i < cli->jobs->len; i++)
    {
      HfCliJob *job = g_ptr_array_index (cli->jobs, i);
      SetState *st = job->miner ? state_of (job) : NULL;

      if (job->error != NULL)
        {
          failed = TRUE;
          g_print ("%s: not applied: %s\n", job->address, reason (job));
        }
      else
        {
          failed |= st == NULL || g_str_has_prefix (st->outcome, "not");
          g_print ("%s: %s\n", job->address, st ? st->outcome : "?");
        }
    }
  return failed ? 1 : 0;
}

/* identify, pause, resume */

static void
acted_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  HfCliJob *job = user_data;
  g_autoptr(GError) error = NULL;

  hf_driver_action_finish (HF_DRIVER (source), result, &error);
  hf_cli_job_done (job, error);
}

static void
action_step (HfCliJob *job)
{
  HfDriver *driver = hf_driver_for_family (hf_miner_get_family (job->miner));

  hf_driver_action_async (driver, job->miner, job->cli->action, job->cli->config,
                          job->cli->cancellable, acted_cb, job);
}

int
hf_cli_action (HfCli  *cli,
               char  **addresses)
{
  static const char *done[] = {
    [HF_ACTION_IDENTIFY] = "identifying (blinking)",
    [HF_ACTION_PAUSE] = "paused",
    [HF_ACTION_RESUME] = "resumed",
  };
  gboolean failed = FALSE;

  hf_cli_run_jobs (cli, addresses, action_step);
  for (guint i = 0; i < cli->jobs->len; i++)
    {
      HfCliJob *job = g_ptr_array_index (cli->jobs, i);

      if (job->error != NULL)
        {
          failed = TRUE;
          g_print ("%s: failed: %s\n", job->address, reason (job));
        }
      else
        g_print ("%s: %s\n", job->address, done[cli->action]);
    }
  return failed ? 1 : 0;
}
