/* hf-cli-update.c — hashfleet-cli update: AxeOS firmware, one miner at a time
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include "hf-cli.h"

typedef struct
{
  HfCli           *cli;
  HfFirmwareImage *image;
  GError          *error;
  gboolean         ok;
  guint            last_step;
  HfMiner         *last_miner;
} Waiting;

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiting *w = user_data;

  w->image = hf_firmware_image_load_finish (result, &w->error);
  g_main_loop_quit (w->cli->loop);
}

static HfFirmwareImage *
load (HfCli           *cli,
      const char      *path,
      HfFirmwareKind   kind,
      GError         **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  Waiting w = { .cli = cli };

  hf_firmware_image_load_async (file, kind, cli->cancellable, loaded_cb, &w);
  g_main_loop_run (cli->loop);
  if (w.image == NULL)
    g_propagate_error (error, w.error);
  return w.image;
}

static void
print_image (HfFirmwareImage *image)
{
  g_print ("%s: %" G_GSIZE_FORMAT " bytes, SHA-256 %s\n", image->name, image->size,
           image->sha256);
  if (image->kind == HF_FIRMWARE_APP)
    g_print ("  firmware %s (%s for the %s, ESP-IDF %s%s%s%s)\n", image->version,
             image->project, hf_esp_chip_name (image->chip_id),
             image->idf_version ? image->idf_version : "?",
             image->built ? ", built " : "", image->built ? image->built : "",
             image->hash_appended ? ", its SHA-256 checked" : "");
  else
    g_print ("  web UI: a SPIFFS image of %u blocks (its files are not checked)\n",
             image->blocks);
}

static void
progress_cb (HfFirmwareUpdate *update,
             HfMiner          *miner,
             guint             index,
             guint             n,
             guint             step,
             guint64           sent,
             guint64           total,
             gpointer          user_data)
{
  Waiting *w = user_data;
  const char *address = hf_miner_get_address (miner);

  if (step == w->last_step && miner == w->last_miner)
    return;
  w->last_step = step;
  w->last_miner = miner;
  switch ((HfFirmwareStep) step)
    {
    case HF_FIRMWARE_STEP_CHECK:
      g_print ("%s [%u/%u]: checking\n", address, index + 1, n);
      break;
    case HF_FIRMWARE_STEP_FIRMWARE:
    case HF_FIRMWARE_STEP_WWW:
      g_print ("%s [%u/%u]: sending %s (%" G_GUINT64_FORMAT " bytes)\n", address, index + 1,
               n, step == HF_FIRMWARE_STEP_WWW ? "the web UI" : "the firmware", total);
      break;
    case HF_FIRMWARE_STEP_REBOOT:
      g_print ("%s [%u/%u]: accepted; waiting for it to come back\n", address, index + 1, n);
      break;
    case HF_FIRMWARE_STEP_WWW_REBOOT:
      g_print ("%s [%u/%u]: web UI accepted; waiting for it to answer again\n", address,
               index + 1, n);
      break;
    case HF_FIRMWARE_STEP_DONE:
    default:
      break;
    }
  fflush (stdout);
}

static void
ran_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Waiting *w = user_data;

  w->ok = hf_firmware_update_run_finish (HF_FIRMWARE_UPDATE (source), result, &w->error);
  g_main_loop_quit (w->cli->loop);
}

static void
flushed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HfCli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!hf_store_flush_finish (HF_STORE (source), result, &error))
    g_printerr ("hashfleet-cli update: the store: %s\n", error->message);
  g_main_loop_quit (cli->loop);
}

int
hf_cli_update (HfCli  *cli,
               char  **addresses)
{
  g_autoptr(HfFirmwareImage) app = NULL;
  g_autoptr(HfFirmwareImage) www = NULL;
  g_autoptr(HfFirmwareUpdate) update = NULL;
  g_autoptr(GPtrArray) miners = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *results;
  Waiting w = { .cli = cli, .last_step = G_MAXUINT };
  gboolean unreachable = FALSE;
  gboolean said = FALSE;

  if (cli->loop == NULL)
    cli->loop = g_main_loop_new (NULL, FALSE);
  /* The images first: a file that is not one is refused before any miner
   * is even asked. */
  app = load (cli, cli->firmware, HF_FIRMWARE_APP, &error);
  if (app == NULL)
    {
      g_printerr ("hashfleet-cli update: %s\n", error->message);
      return 1;
    }
  if (cli->www != NULL)
    {
      www = load (cli, cli->www, HF_FIRMWARE_WWW, &error);
      if (www == NULL)
        {
          g_printerr ("hashfleet-cli update: %s\n", error->message);
          return 1;
        }
    }
  print_image (app);
  if (www != NULL)
    print_image (www);
  fflush (stdout);

  /* Who they are (nothing sent but the usual reads), identified without
   * any password: only AxeOS miners are updated, and they need none, so a
   * Braiins OS, VNish, Whatsminer or Antminer on the list is not logged
   * in to (NULL: Braiins OS and the Antminer CGI then try no login; the
   * others' empty passwords are only for writes, never made here). */
  {
    g_autoptr(HfConfig) bare = hf_config_copy (cli->config);
    HfConfig *full = cli->config;

    g_clear_pointer (&bare->antminer_user, g_free);
    g_clear_pointer (&bare->antminer_password, g_free);
    g_clear_pointer (&bare->braiins_password, g_free);
    g_free (bare->vnish_password);
    bare->vnish_password = g_strdup ("");
    g_free (bare->whatsminer_password);
    bare->whatsminer_password = g_strdup ("");
    g_free (bare->whatsminer_super_password);
    bare->whatsminer_super_password = g_strdup ("");
    cli->config = bare;
    hf_cli_run_jobs (cli, addresses, hf_cli_job_done_ok);
    cli->config = full;
  }
  for (guint i = 0; i < cli->jobs->len; i++)
    {
      HfCliJob *job = g_ptr_array_index (cli->jobs, i);

      if (job->error != NULL)
        {
          unreachable = TRUE;
          g_printerr ("hashfleet-cli update: %s: check: %s\n", job->address,
                      job->error->message);
        }
      else
        g_ptr_array_add (miners, g_object_ref (job->miner));
    }
  if (unreachable && !cli->dry_run)
    {
      g_printerr ("hashfleet-cli update: nothing was sent\n");
      return 1;
    }
  if (g_cancellable_is_cancelled (cli->cancellable))
    return 1;

  update = hf_firmware_update_new (cli->config, app, www);
  hf_firmware_update_set_timing (update, cli->wait_s * 1000, 2000, 5000);
  if (!cli->dry_run)
    {
      store = hf_cli_open_store (cli, FALSE);
      if (store != NULL)
        hf_firmware_update_set_store (update, store);
    }
  g_signal_connect (update, "progress", G_CALLBACK (progress_cb), &w);
  hf_firmware_update_run_async (update, miners, cli->dry_run, cli->cancellable, ran_cb, &w);
  g_main_loop_run (cli->loop);

  results = hf_firmware_update_get_results (update);
  for (guint i = 0; i < results->len; i++)
    {
      HfFirmwareResult *r = g_ptr_array_index (results, i);
      const char *address = hf_miner_get_address (r->miner);

      switch (r->outcome)
        {
        case HF_FIRMWARE_UPDATED:
          if (r->partition_before != NULL && r->partition_after != NULL)
            g_print ("%s: updated %s → %s (%s → %s)\n", address, r->before, r->after,
                     r->partition_before, r->partition_after);
          else
            g_print ("%s: updated %s → %s\n", address, r->before, r->after);
          break;
        case HF_FIRMWARE_CURRENT:
          g_print ("%s: already runs %s; nothing sent\n", address, r->before);
          break;
        case HF_FIRMWARE_WOULD_UPDATE:
          g_print ("%s: would update %s → %s (%s%s)\n", address, r->before, app->version,
                   app->name, www ? ", then the web UI" : "");
          break;
        case HF_FIRMWARE_FAILED:
          g_print ("%s: failed at %s\n", address, hf_firmware_step_to_string (r->step));
          g_printerr ("hashfleet-cli update: %s\n", r->error->message);
          said = TRUE;
          break;
        case HF_FIRMWARE_UNTOUCHED:
        default:
          g_print ("%s: untouched (the run stopped before it)\n", address);
          break;
        }
    }
  /* A run refused as a whole (a miner another update holds) failed no
   * miner: its reason is said here. */
  if (w.error != NULL && !said)
    g_printerr ("hashfleet-cli update: %s\n", w.error->message);
  if (cli->dry_run)
    g_print ("dry run: nothing was sent\n");
  if (store != NULL)
    {
      hf_store_flush_async (store, flushed_cb, cli);
      g_main_loop_run (cli->loop);
    }
  g_clear_error (&w.error);
  return w.ok && !unreachable ? 0 : 1;
}
