/* hf-cli-tune.c — hashfleet-cli tune: the guarded auto-tune of each miner
 * SPDX-License-Identifier: MIT
 *
 * Each miner is tuned by the session's tuner, side by side; a line per
 * step as it ends (a table, or JSON Lines with --json), the winner last.
 * The store (--db) keeps the settings each miner started from: a tune cut
 * short by a kill is undone at the next start of any command that loads
 * the store (tune, watch, serve, the app).  Ctrl-C cancels every tune and
 * puts those settings back before the command exits.
 */
#include <math.h>
#include <stdio.h>

#include <json-glib/json-glib.h>

#include "hf-cli.h"

typedef struct
{
  HfCliJob *job;
  HfTune   *tune;
} TuneJob;

static char *
quote (const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return json_to_string (node, FALSE);
}

static void
print_header (void)
{
  g_print ("%-15s %4s %5s %5s %4s %9s %7s %6s %6s %6s %6s  %s\n", "ADDRESS", "STEP", "MHZ",
           "MV", "MODE", "GH/S", "W", "J/TH", "CHIP", "VR", "ERR%", "OUTCOME");
}

static char *
number (double value,
        int    decimals)
{
  if (isnan (value))
    return g_strdup ("-");
  return g_strdup_printf ("%.*f", decimals, value);
}

static const char *
outcome_name (HfTuneStepOutcome outcome)
{
  switch (outcome)
    {
    case HF_TUNE_STEP_CLEAN: return "clean";
    case HF_TUNE_STEP_ERRORS: return "errors";
    case HF_TUNE_STEP_LIMIT: return "limit";
    case HF_TUNE_STEP_FAILED:
    default: return "failed";
    }
}

static const char *
state_name (HfTuneState state)
{
  switch (state)
    {
    case HF_TUNE_RUNNING: return "running";
    case HF_TUNE_DONE: return "done";
    case HF_TUNE_NO_WINNER: return "no-winner";
    case HF_TUNE_CANCELLED: return "cancelled";
    case HF_TUNE_FAILED:
    default: return "failed";
    }
}

static void
json_number (GString    *out,
             const char *key,
             double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value) || isinf (value))
    g_string_append_printf (out, ",\"%s\":null", key);
  else
    g_string_append_printf (out, ",\"%s\":%s", key,
                            g_ascii_formatd (buf, sizeof buf, "%.4g", value));
}

static void
json_step (GString          *out,
           const HfTuneStep *s)
{
  g_autofree char *why = s->why ? quote (s->why) : g_strdup ("null");

  g_string_append_printf (out, "{\"n\":%u", s->n);
  if (s->frequency_mhz > 0)
    g_string_append_printf (out, ",\"frequency_mhz\":%u,\"core_voltage_mv\":%u",
                            s->frequency_mhz, s->core_voltage_mv);
  else
    g_string_append (out, ",\"frequency_mhz\":null,\"core_voltage_mv\":null");
  if (s->work_mode >= 0)
    g_string_append_printf (out, ",\"work_mode\":%d", s->work_mode);
  else
    g_string_append (out, ",\"work_mode\":null");
  json_number (out, "hashrate_ghs", s->hashrate_ghs);
  json_number (out, "expected_ghs", s->expected_ghs);
  json_number (out, "power_w", s->power_w);
  json_number (out, "efficiency_jth", s->efficiency_jth);
  json_number (out, "chip_temp_c", s->chip_temp_c);
  json_number (out, "vr_temp_c", s->vr_temp_c);
  json_number (out, "error_percent", s->error_percent);
  g_string_append_printf (out, ",\"outcome\":\"%s\",\"why\":%s}", outcome_name (s->outcome), why);
}

static void
print_step (HfCli            *cli,
            const char       *address,
            const HfTuneStep *s)
{
  if (cli->json)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autofree char *ip = quote (address);

      g_string_append_printf (out, "{\"ip\":%s,\"step\":", ip);
      json_step (out, s);
      g_string_append (out, "}\n");
      g_print ("%s", out->str);
    }
  else
    {
      g_autofree char *f = s->frequency_mhz ? g_strdup_printf ("%u", s->frequency_mhz) : g_strdup ("-");
      g_autofree char *v = s->core_voltage_mv ? g_strdup_printf ("%u", s->core_voltage_mv) : g_strdup ("-");
      g_autofree char *m = s->work_mode >= 0 ? g_strdup_printf ("%d", s->work_mode) : g_strdup ("-");
      g_autofree char *h = number (s->hashrate_ghs, 1);
      g_autofree char *w = number (s->power_w, 2);
      g_autofree char *e = number (s->efficiency_jth, 2);
      g_autofree char *c = number (s->chip_temp_c, 1);
      g_autofree char *r = number (s->vr_temp_c, 1);
      g_autofree char *x = number (s->error_percent, 2);

      g_print ("%-15s %4u %5s %5s %4s %9s %7s %6s %6s %6s %6s  %s%s%s\n", address, s->n, f, v,
               m, h, w, e, c, r, x, outcome_name (s->outcome), s->why ? ": " : "",
               s->why ? s->why : "");
    }
  fflush (stdout);
}

static void
step_finished_cb (HfTune           *tune,
                  const HfTuneStep *step,
                  TuneJob          *tj)
{
  print_step (tj->job->cli, tj->job->address, step);
}

static void
tune_finished_cb (HfTune  *tune,
                  TuneJob *tj)
{
  HfCli *cli = tj->job->cli;
  const HfTuneStep *w = hf_tune_get_winner (tune);
  const char *message = hf_tune_get_message (tune);

  if (cli->json)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autofree char *ip = quote (tj->job->address);
      g_autofree char *msg = message ? quote (message) : g_strdup ("null");

      g_string_append_printf (out, "{\"ip\":%s,\"id\":%" G_GINT64_FORMAT ",\"state\":\"%s\","
                              "\"winner\":", ip, hf_tune_get_id (tune),
                              state_name (hf_tune_get_state (tune)));
      if (w != NULL)
        json_step (out, w);
      else
        g_string_append (out, "null");
      g_string_append_printf (out, ",\"message\":%s}\n", msg);
      g_print ("%s", out->str);
    }
  else if (w != NULL)
    {
      g_autofree char *h = number (w->hashrate_ghs, 1);
      g_autofree char *p = number (w->power_w, 2);
      g_autofree char *e = number (w->efficiency_jth, 2);

      if (w->work_mode >= 0)
        g_print ("%-15s winner: work mode %d, %s GH/s, %s W, %s J/TH (step %u, applied)\n",
                 tj->job->address, w->work_mode, h, p, e, w->n);
      else
        g_print ("%-15s winner: %u MHz %u mV, %s GH/s, %s W, %s J/TH (step %u, applied)\n",
                 tj->job->address, w->frequency_mhz, w->core_voltage_mv, h, p, e, w->n);
    }
  else
    g_print ("%-15s no winner (%s): %s\n", tj->job->address,
             state_name (hf_tune_get_state (tune)), message ? message : "");
  fflush (stdout);
  g_signal_handlers_disconnect_by_data (tune, tj);
  hf_cli_job_done (tj->job, NULL);
}

static void
tune_job_free (gpointer data)
{
  TuneJob *tj = data;

  if (tj->tune != NULL)
    g_signal_handlers_disconnect_by_data (tj->tune, tj);
  g_clear_object (&tj->tune);
  g_free (tj);
}

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HfCliJob *job = user_data;
  HfCli *cli = job->cli;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfReading) reading = hf_session_poll_finish (HF_SESSION (source), result, &error);
  HfTuner *tuner = hf_session_get_tuner (cli->session);
  TuneJob *tj;
  HfTune *tune;

  if (reading == NULL)
    {
      hf_cli_job_done (job, error);
      return;
    }
  if (g_cancellable_is_cancelled (cli->cancellable))
    {
      g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                         "cancelled");

      hf_cli_job_done (job, cancelled);
      return;
    }
  tune = hf_tuner_start (tuner, job->miner, &cli->tune, &error);
  if (tune == NULL)
    {
      hf_cli_job_done (job, error);
      return;
    }
  tj = g_new0 (TuneJob, 1);
  tj->job = job;
  tj->tune = g_object_ref (tune);
  g_object_set_data_full (G_OBJECT (job->miner), "hf-cli-tune", tj, tune_job_free);
  g_signal_connect (tune, "step-finished", G_CALLBACK (step_finished_cb), tj);
  g_signal_connect (tune, "finished", G_CALLBACK (tune_finished_cb), tj);
}

/* A fresh reading first: the tune starts from what the miner runs now. */
static void
tune_step (HfCliJob *job)
{
  hf_session_poll_async (job->cli->session, job->miner, job->cli->cancellable, polled_cb, job);
}

static void
interrupted_cb (GCancellable *cancellable,
                HfCli        *cli)
{
  /* Every tune stops and puts its miner's settings back. */
  if (cli->session != NULL)
    hf_tuner_stop (hf_session_get_tuner (cli->session));
}

int
hf_cli_tune (HfCli  *cli,
             char  **addresses)
{
  gboolean failed = FALSE;
  gulong handler;

  /* The store keeps the original settings from before the first write. */
  hf_cli_session (cli, TRUE);
  if (hf_session_get_store (cli->session) == NULL)
    g_printerr ("hashfleet-cli tune: without a store, a tune cut short by a crash cannot be "
                "undone at the next start\n");
  if (!cli->json)
    print_header ();
  handler = g_cancellable_connect (cli->cancellable, G_CALLBACK (interrupted_cb), cli, NULL);
  hf_cli_run_jobs (cli, addresses, tune_step);
  g_cancellable_disconnect (cli->cancellable, handler);

  for (guint i = 0; i < cli->jobs->len; i++)
    {
      HfCliJob *job = g_ptr_array_index (cli->jobs, i);
      TuneJob *tj = job->miner ? g_object_get_data (G_OBJECT (job->miner), "hf-cli-tune") : NULL;

      if (job->error != NULL)
        {
          failed = TRUE;
          g_printerr ("hashfleet-cli tune: %s: %s\n", job->address, job->error->message);
        }
      else if (tj == NULL || hf_tune_get_state (tj->tune) != HF_TUNE_DONE)
        failed = TRUE;
    }
  return failed ? 1 : 0;
}
