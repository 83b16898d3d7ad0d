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

typedef struct
{
  HfApplyOutcome  outcome;
  char           *text;
} SetState;

static void
set_state_free (gpointer data)
{
  SetState *st = data;

  g_free (st->text);
  g_free (st);
}

static SetState *
state_of (HfCliJob *job)
{
  return g_object_get_data (G_OBJECT (job->miner), "hf-cli-set");
}

/* An error without the address it already starts with. */
static const char *
reason (HfCliJob *job)
{
  const char *m = job->error->message;
  gsize n = strlen (job->address);

  return strncmp (m, job->address, n) == 0 && m[n] == ':' && m[n + 1] == ' ' ? m + n + 2 : m;
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HfCliJob *job = user_data;
  g_autofree char *detail = NULL;
  g_autoptr(GError) error = NULL;
  HfApplyOutcome outcome = hf_session_apply_finish (HF_SESSION (source), result, &detail, &error);
  SetState *st;

  if (error != NULL)
    {
      hf_cli_job_done (job, error);
      return;
    }
  st = g_new0 (SetState, 1);
  st->outcome = outcome;
  st->text = hf_apply_outcome_describe (outcome, detail);
  g_object_set_data_full (G_OBJECT (job->miner), "hf-cli-set", st, set_state_free);
  hf_cli_job_done (job, NULL);
}

/* Write, restart if asked, then check in a reading taken after: the
 * session does all of it. */
static void
set_step (HfCliJob *job)
{
  hf_session_apply_async (job->cli->session, job->miner, job->cli->settings,
                          job->cli->restart_after ? HF_APPLY_RESTART : HF_APPLY_NONE,
                          job->cli->cancellable, applied_cb, job);
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
          failed |= st == NULL || (st->outcome != HF_APPLY_APPLIED
                                   && st->outcome != HF_APPLY_APPLIED_AFTER_RESTART);
          g_print ("%s: %s\n", job->address, st ? st->text : "?");
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

  hf_session_act_finish (HF_SESSION (source), result, &error);
  hf_cli_job_done (job, error);
}

static void
action_step (HfCliJob *job)
{
  hf_session_act_async (job->cli->session, job->miner, job->cli->action,
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
