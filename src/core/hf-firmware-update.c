/* hf-firmware-update.c
 * SPDX-License-Identifier: MIT
 *
 * The AxeOS firmware's OTA handlers (http_server.c POST_OTA_update,
 * POST_WWW_update): the body is read Content-Length bytes at a time (a
 * chunked body writes nothing and fails), the app image goes to the next
 * OTA partition, esp_ota_end() verifies it, the firmware answers 200 and
 * restarts a second later.  www.bin erases the www partition and is written
 * unchecked; v2.15 reboots after it too, older versions do not.  So: one
 * miner at a time, and the next only once the last is back running the new
 * version — a bad image stops the run at its first miner.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "hf-error.h"
#include "hf-firmware-update.h"
#include "hf-http.h"
#include "hf-json.h"
#include "hf-reading.h"
#include "hf-store-events.h"

#define WORDS_MAX_CHARS 200

struct _HfFirmwareUpdate
{
  GObject           parent_instance;

  HfConfig         *config;
  HfFirmwareImage  *app;
  HfFirmwareImage  *www;
  HfStore          *store;
  guint             return_timeout_ms;
  guint             first_look_ms;
  guint             max_pause_ms;
  guint             upload_timeout_ms;
  GPtrArray        *results;     /* HfFirmwareResult* */
  gboolean          running;
};

enum
{
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfFirmwareUpdate, hf_firmware_update, G_TYPE_OBJECT)

/* The address of every miner an update of this process holds (by address,
 * not address and port: one device, whichever port an HfMiner says). */
static GHashTable *busy;

typedef struct
{
  HfFirmwareUpdate *self;
  GPtrArray        *miners;
  gboolean          dry_run;
  guint             index;
  GPtrArray        *claimed;      /* keys this run put in busy */
  GArray           *locks;        /* int: the fds of the miners' update locks */
  GError           *first_error;
  /* the miner being updated */
  gint64            wait_start;   /* monotonic µs: when the upload was answered */
  guint             pause_ms;
  guint             timer;
  GSource          *cancel_source; /* wakes a pause between looks on cancel */
  char             *last_seen;    /* what the last look saw */
  /* the device the check found at the address: every later answer must
   * be the same device */
  char             *mac;          /* normalised, NULL if it gave none */
  char             *asic;
  char             *board;
} Run;

static void next_miner (GTask *task);
static void send_image (GTask          *task,
                        HfFirmwareStep  step);

/* ---- helpers ------------------------------------------------------------ */

static char *
miner_key (HfMiner *miner)
{
  return g_strdup (hf_miner_get_address (miner));
}

/* The update lock of a miner across processes (two hashfleet-cli update,
 * or the CLI and the app): flock() on
 * $XDG_RUNTIME_DIR/hashfleet/update-<address>.lock, taken without waiting
 * and held (the fd open) for the whole run.  -1 with @error when another
 * process holds it or it cannot be taken. */
static int
lock_miner (const char  *key,
            GError     **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "hashfleet", NULL);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  GString *safe = g_string_new ("update-");
  int fd;

  for (const char *p = key; *p != '\0'; p++)
    g_string_append_c (safe, g_ascii_isalnum (*p) || *p == '.' || *p == '-' ? *p : '_');
  g_string_append (safe, ".lock");
  name = g_string_free (safe, FALSE);
  path = g_build_filename (dir, name, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot make %s for the update lock of %s: %s", dir, key,
                   g_strerror (saved));
      return -1;
    }
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot open the update lock of %s (%s): %s", key, path,
                   g_strerror (saved));
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      if (saved == EWOULDBLOCK)
        g_set_error (error, HF_ERROR, HF_ERROR_REJECTED,
                     "%s is already being updated by another process; one update of a "
                     "miner at a time", key);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     "cannot take the update lock of %s (%s): %s", key, path,
                     g_strerror (saved));
      return -1;
    }
  return fd;
}

static guint16
miner_port (HfFirmwareUpdate *self,
            HfMiner          *miner)
{
  guint16 port = hf_miner_get_http_port (miner);

  return port != 0 ? port : self->config->http_port;
}

static void
result_free (gpointer data)
{
  HfFirmwareResult *r = data;

  g_clear_object (&r->miner);
  g_free (r->before);
  g_free (r->after);
  g_free (r->partition_before);
  g_free (r->partition_after);
  g_clear_error (&r->error);
  g_free (r);
}

static void
run_free (gpointer data)
{
  Run *run = data;

  g_clear_handle_id (&run->timer, g_source_remove);
  if (run->cancel_source != NULL)
    {
      g_source_destroy (run->cancel_source);
      g_clear_pointer (&run->cancel_source, g_source_unref);
    }
  for (guint i = 0; run->claimed != NULL && i < run->claimed->len; i++)
    g_hash_table_remove (busy, g_ptr_array_index (run->claimed, i));
  g_clear_pointer (&run->claimed, g_ptr_array_unref);
  /* Closing an fd drops its flock(). */
  for (guint i = 0; run->locks != NULL && i < run->locks->len; i++)
    close (g_array_index (run->locks, int, i));
  g_clear_pointer (&run->locks, g_array_unref);
  g_clear_pointer (&run->miners, g_ptr_array_unref);
  g_clear_error (&run->first_error);
  g_free (run->last_seen);
  g_free (run->mac);
  g_free (run->asic);
  g_free (run->board);
  if (run->self != NULL)
    run->self->running = FALSE;
  g_clear_object (&run->self);
  g_free (run);
}

static HfFirmwareResult *
current (Run *run)
{
  return g_ptr_array_index (run->self->results, run->index);
}

static void
progress (GTask          *task,
          HfFirmwareStep  step,
          guint64         sent,
          guint64         total)
{
  Run *run = g_task_get_task_data (task);
  HfFirmwareResult *r = current (run);

  r->step = step;
  g_signal_emit (run->self, signals[SIGNAL_PROGRESS], 0, r->miner, run->index,
                 run->miners->len, (guint) step, sent, total);
}

/* The firmware's words in an answer: {"message": …} since v2.15, the
 * plain text of ESP-IDF's error page before; printable, shortened. */
static char *
miner_words (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  const char *text;
  gsize len = 0;

  if (body == NULL)
    return g_strdup ("");
  text = g_bytes_get_data (body, &len);
  if (len > 0 && len < 4096 && json_parser_load_from_data (parser, text, (gssize) len, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      const char *message = hf_json_string (o, "message");

      if (message == NULL)
        message = hf_json_string (o, "error");
      if (message != NULL)
        {
          text = message;
          len = strlen (message);
        }
    }
  for (gsize i = 0; i < len && out->len < WORDS_MAX_CHARS; i++)
    {
      guchar c = (guchar) text[i];

      if (c == '\n' || c == '\r' || c == '\t')
        c = ' ';
      if (c >= 0x20 && c < 0x7f)
        g_string_append_c (out, (char) c);
    }
  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

static void
set_updating (HfMiner  *miner,
              gboolean  updating)
{
  const HfReading *now = hf_miner_get_reading (miner);
  g_autoptr(HfReading) r = NULL;

  if (now == NULL || now->updating == updating)
    return;
  r = hf_reading_copy (now);
  r->updating = updating;
  hf_miner_set_reading (miner, r);
}

static void
event_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_store_add_event_finish (HF_STORE (source), result, &error))
    g_debug ("firmware update event not recorded: %s", error->message);
}

static void
record_event (Run *run)
{
  HfFirmwareUpdate *self = run->self;
  HfFirmwareResult *r = current (run);
  g_autoptr(HfStoreEvent) event = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (self->store == NULL)
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "result");
  json_builder_add_string_value (b, r->outcome == HF_FIRMWARE_UPDATED ? "updated" : "failed");
  json_builder_set_member_name (b, "step");
  json_builder_add_string_value (b, hf_firmware_step_to_string (r->step));
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, r->before);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, self->app->version);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, self->app->sha256);
  json_builder_set_member_name (b, "www_sha256");
  json_builder_add_string_value (b, self->www ? self->www->sha256 : NULL);
  if (r->error != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, r->error->message);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  event = hf_store_event_new (HF_EVENT_FIRMWARE_UPDATE);
  event->time = g_get_real_time () / G_USEC_PER_SEC;
  event->count = 1;
  event->counter = NAN;
  event->network_difficulty = NAN;
  event->detail = json_to_string (root, FALSE);
  hf_store_add_event_async (self->store, r->miner, event, event_saved_cb, NULL);
}

/* ---- the run ------------------------------------------------------------ */

static void
finish_run (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  if (run->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&run->first_error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* The miner failed at its current step: a real run stops here. */
static void
miner_failed (GTask  *task,
              GError *error)
{
  Run *run = g_task_get_task_data (task);
  HfFirmwareResult *r = current (run);
  gboolean sent = r->step != HF_FIRMWARE_STEP_CHECK;

  g_clear_handle_id (&run->timer, g_source_remove);
  g_prefix_error (&error, "%s: %s: ", hf_miner_get_address (r->miner),
                  hf_firmware_step_to_string (r->step));
  r->outcome = HF_FIRMWARE_FAILED;
  r->error = g_error_copy (error);
  g_debug ("%s", error->message);
  if (sent)
    {
      set_updating (r->miner, FALSE);
      record_event (run);
    }
  if (run->first_error == NULL)
    run->first_error = error;
  else
    g_error_free (error);
  if (run->dry_run && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      run->index++;
      next_miner (task);
      return;
    }
  finish_run (task);
}

static void
miner_done (GTask             *task,
            HfFirmwareOutcome  outcome)
{
  Run *run = g_task_get_task_data (task);
  HfFirmwareResult *r = current (run);

  r->outcome = outcome;
  if (outcome == HF_FIRMWARE_UPDATED)
    {
      set_updating (r->miner, FALSE);
      progress (task, HF_FIRMWARE_STEP_DONE, 0, 0);
      record_event (run);
    }
  run->index++;
  next_miner (task);
}

/* GET /api/system/info: the AxeOS object, or an error. */
static JsonObject *
parse_info (GBytes  *body,
            GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *text;
  gsize len;
  JsonObject *o;

  text = g_bytes_get_data (body, &len);
  if (!json_parser_load_from_data (parser, text, (gssize) len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_PARSE, "/api/system/info is not a JSON object");
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  if (hf_json_string (o, "ASICModel") == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_A_MINER,
                   "/api/system/info has no ASICModel: not AxeOS");
      return NULL;
    }
  if (hf_json_string (o, "version") == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_PROTOCOL, "/api/system/info has no version");
      return NULL;
    }
  return json_object_ref (o);
}

static void look_later (GTask *task);

/* Is the device answering now the one the check found?  An update must
 * not go on (or count as done) on another device that took the address
 * (DHCP, a swapped miner): NULL, or what differs. */
static char *
other_device (Run        *run,
              JsonObject *info)
{
  g_autofree char *mac = hf_normalize_mac (hf_json_string (info, "macAddr"));
  g_autofree char *asic = hf_json_dup_string (info, "ASICModel");
  g_autofree char *board = hf_json_dup_string (info, "boardVersion");

  if (run->mac != NULL && g_strcmp0 (mac, run->mac) != 0)
    return g_strdup_printf ("MAC %s, not %s", mac ? mac : "(none)", run->mac);
  if (run->asic != NULL && g_strcmp0 (asic, run->asic) != 0)
    return g_strdup_printf ("chip %s, not %s", asic ? asic : "(none)", run->asic);
  if (run->board != NULL && g_strcmp0 (board, run->board) != 0)
    return g_strdup_printf ("board %s, not %s", board ? board : "(none)", run->board);
  return NULL;
}

static void
look_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  HfFirmwareResult *r = current (run);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = hf_http_request_finish (result, NULL, &error);
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *version = NULL;
  double uptime;
  double waited_s = (double) (g_get_monotonic_time () - run->wait_start) / G_USEC_PER_SEC;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      miner_failed (task, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
      return;
    }
  if (body != NULL)
    info = parse_info (body, &error);
  if (info == NULL)
    {
      g_free (run->last_seen);
      run->last_seen = g_strdup (error->message);
      look_later (task);
      return;
    }
  /* The device's words go into errors, events and terminals: the cleaned
   * copy (no control or format characters). */
  {
    g_autofree char *differs = other_device (run, info);

    if (differs != NULL)
      {
        miner_failed (task, g_error_new (HF_ERROR, HF_ERROR_REJECTED,
                                         "another device answers at %s since the upload "
                                         "(%s): not counted as updated",
                                         hf_miner_get_address (r->miner), differs));
        return;
      }
  }
  version = hf_json_dup_string (info, "version");
  uptime = hf_json_number (info, "uptimeSeconds");
  g_free (r->after);
  r->after = g_strdup (version);
  g_free (r->partition_after);
  r->partition_after = hf_json_dup_string (info, "runningPartition");
  g_free (run->last_seen);
  run->last_seen = g_strdup_printf ("it answered running %s", version);
  if (g_str_equal (version, run->self->app->version))
    {
      /* The version string alone proves nothing: the new image boots from
       * the other OTA partition, and a restart resets the uptime. */
      if (r->step == HF_FIRMWARE_STEP_REBOOT)
        {
          gboolean restarted;

          if (r->partition_before != NULL && r->partition_after != NULL)
            restarted = !g_str_equal (r->partition_before, r->partition_after);
          else
            restarted = !isnan (uptime) && uptime < waited_s;
          if (!restarted)
            {
              g_autofree char *how = NULL;

              if (r->partition_before != NULL && r->partition_after != NULL)
                how = g_strdup_printf ("it says %s but still runs from %s", version,
                                       r->partition_after);
              else if (!isnan (uptime))
                how = g_strdup_printf ("it says %s but has been up %.0f s, since before "
                                       "the upload", version, uptime);
              else
                how = g_strdup_printf ("it says %s, but gives neither its partition nor "
                                       "its uptime", version);
              miner_failed (task, g_error_new (HF_ERROR, HF_ERROR_REJECTED,
                                               "the miner did not restart into the new "
                                               "image (%s)", how));
              return;
            }
        }
      if (r->step == HF_FIRMWARE_STEP_REBOOT && run->self->www != NULL)
        {
          send_image (task, HF_FIRMWARE_STEP_WWW);
          return;
        }
      miner_done (task, HF_FIRMWARE_UPDATED);
      return;
    }
  /* Up for less time than since the upload, on another version: it did
   * reboot, into something else (ESP-IDF's rollback, or another image). */
  if (!isnan (uptime) && uptime + 1 < waited_s)
    {
      miner_failed (task, g_error_new (HF_ERROR, HF_ERROR_REJECTED,
                                       "it restarted running %s, not %s", version,
                                       run->self->app->version));
      return;
    }
  look_later (task);
}

static gboolean
look_cb_timer (gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  HfFirmwareResult *r = current (run);
  HfFirmwareUpdate *self = run->self;

  run->timer = 0;
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      miner_failed (task, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
      return G_SOURCE_REMOVE;
    }
  hf_http_request_async ("GET", hf_miner_get_address (r->miner), miner_port (self, r->miner),
                         "/api/system/info", NULL, NULL, NULL, self->config,
                         hf_config_deadline (self->config), g_task_get_cancellable (task),
                         look_cb, task);
  return G_SOURCE_REMOVE;
}

/* Cancelled while pausing between looks (an HTTP request in flight ends
 * by itself): end now rather than when the pause is over. */
static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  if (run->timer != 0)
    miner_failed (task, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
  return G_SOURCE_REMOVE;
}

/* The next look at a rebooting miner, after a pause that doubles from
 * 500 ms up to max_pause_ms — or the end of the wait. */
static void
look_later (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  HfFirmwareUpdate *self = run->self;
  gint64 waited_ms = (g_get_monotonic_time () - run->wait_start) / 1000;
  guint pause;

  if (waited_ms >= self->return_timeout_ms)
    {
      miner_failed (task, g_error_new (HF_ERROR, HF_ERROR_TIMEOUT,
                                       "not back running %s after %u s (%s)",
                                       self->app->version, self->return_timeout_ms / 1000,
                                       run->last_seen ? run->last_seen : "no answer"));
      return;
    }
  pause = run->pause_ms;
  run->pause_ms = MIN (run->pause_ms * 2, self->max_pause_ms);
  pause = (guint) MIN ((gint64) pause, (gint64) self->return_timeout_ms - waited_ms);
  run->timer = g_timeout_add (MAX (pause, 1), look_cb_timer, task);
}

static void
wait_for_return (GTask          *task,
                 HfFirmwareStep  step)
{
  Run *run = g_task_get_task_data (task);

  progress (task, step, 0, 0);
  run->wait_start = g_get_monotonic_time ();
  run->pause_ms = MIN (500u, run->self->max_pause_ms);
  g_clear_pointer (&run->last_seen, g_free);
  run->timer = g_timeout_add (MAX (run->self->first_look_ms, 1), look_cb_timer, task);
}

static void
upload_progress (guint64  sent,
                 guint64  total,
                 gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  progress (task, current (run)->step, sent, total);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  HfFirmwareResult *r = current (run);
  g_autoptr(GError) error = NULL;
  guint status = 0;
  g_autoptr(GBytes) body = hf_http_upload_finish (result, &status, &error);
  const char *file = r->step == HF_FIRMWARE_STEP_WWW ? run->self->www->name
                                                     : run->self->app->name;

  if (body == NULL)
    {
      g_prefix_error (&error, "sending %s: ", file);
      miner_failed (task, g_steal_pointer (&error));
      return;
    }
  if (status != 200)
    {
      g_autofree char *words = miner_words (body);

      miner_failed (task, g_error_new (HF_ERROR, status == 401 ? HF_ERROR_AUTH
                                                                : HF_ERROR_REJECTED,
                                       "the miner refused %s: HTTP %u%s%s", file, status,
                                       words[0] ? ": " : "", words));
      return;
    }
  wait_for_return (task, r->step == HF_FIRMWARE_STEP_WWW ? HF_FIRMWARE_STEP_WWW_REBOOT
                                                         : HF_FIRMWARE_STEP_REBOOT);
}

static void
send_image (GTask          *task,
            HfFirmwareStep  step)
{
  Run *run = g_task_get_task_data (task);
  HfFirmwareUpdate *self = run->self;
  HfFirmwareResult *r = current (run);
  HfFirmwareImage *image = step == HF_FIRMWARE_STEP_WWW ? self->www : self->app;

  progress (task, step, 0, image->size);
  hf_http_upload_async (hf_miner_get_address (r->miner), miner_port (self, r->miner),
                        step == HF_FIRMWARE_STEP_WWW ? "/api/system/OTAWWW" : "/api/system/OTA",
                        image->data, "application/octet-stream", self->config,
                        g_get_monotonic_time () + (gint64) self->upload_timeout_ms * 1000,
                        upload_progress, task, g_task_get_cancellable (task), uploaded_cb,
                        task);
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  HfFirmwareResult *r = current (run);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = hf_http_request_finish (result, NULL, &error);
  g_autoptr(JsonObject) info = NULL;

  if (body != NULL)
    info = parse_info (body, &error);
  if (info == NULL)
    {
      miner_failed (task, g_steal_pointer (&error));
      return;
    }
  /* The device at the address must be the miner identified there: an
   * address that changed hands gets nothing. */
  {
    g_autofree char *known = hf_normalize_mac (hf_miner_get_mac (r->miner));
    g_autofree char *mac = hf_normalize_mac (hf_json_string (info, "macAddr"));

    if (known != NULL && g_strcmp0 (mac, known) != 0)
      {
        miner_failed (task, g_error_new (HF_ERROR, HF_ERROR_REJECTED,
                                         "another device answers at %s (MAC %s, not %s, "
                                         "the miner identified there); nothing sent",
                                         hf_miner_get_address (r->miner),
                                         mac ? mac : "(none)", known));
        return;
      }
    g_free (run->mac);
    run->mac = g_steal_pointer (&mac);
    g_free (run->asic);
    run->asic = hf_json_dup_string (info, "ASICModel");
    g_free (run->board);
    run->board = hf_json_dup_string (info, "boardVersion");
  }
  r->before = hf_json_dup_string (info, "version");
  r->partition_before = hf_json_dup_string (info, "runningPartition");
  if (g_str_equal (r->before, run->self->app->version))
    {
      r->after = g_strdup (r->before);
      miner_done (task, HF_FIRMWARE_CURRENT);
      return;
    }
  if (run->dry_run)
    {
      miner_done (task, HF_FIRMWARE_WOULD_UPDATE);
      return;
    }
  set_updating (r->miner, TRUE);
  send_image (task, HF_FIRMWARE_STEP_FIRMWARE);
}

static void
next_miner (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  HfFirmwareUpdate *self = run->self;
  HfFirmwareResult *r;

  if (run->index >= run->miners->len)
    {
      finish_run (task);
      return;
    }
  r = current (run);
  progress (task, HF_FIRMWARE_STEP_CHECK, 0, 0);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      miner_failed (task, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
      return;
    }
  if (hf_miner_get_family (r->miner) != HF_FAMILY_AXEOS)
    {
      miner_failed (task, g_error_new (HF_ERROR, HF_ERROR_UNSUPPORTED,
                                       "not an AxeOS miner (%s): firmware updates are for "
                                       "AxeOS and NerdOS only",
                                       hf_family_to_string (hf_miner_get_family (r->miner))));
      return;
    }
  hf_http_request_async ("GET", hf_miner_get_address (r->miner), miner_port (self, r->miner),
                         "/api/system/info", NULL, NULL, NULL, self->config,
                         hf_config_deadline (self->config), g_task_get_cancellable (task),
                         checked_cb, task);
}

/* ---- GObject ------------------------------------------------------------ */

static void
hf_firmware_update_finalize (GObject *object)
{
  HfFirmwareUpdate *self = HF_FIRMWARE_UPDATE (object);

  g_clear_pointer (&self->config, hf_config_unref);
  g_clear_pointer (&self->app, hf_firmware_image_unref);
  g_clear_pointer (&self->www, hf_firmware_image_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  G_OBJECT_CLASS (hf_firmware_update_parent_class)->finalize (object);
}

static void
hf_firmware_update_class_init (HfFirmwareUpdateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hf_firmware_update_finalize;

  /**
   * HfFirmwareUpdate::progress:
   * @miner: the miner at hand
   * @index: its place in the run, from 0
   * @n: the miners of the run
   * @step: the HfFirmwareStep it is at
   * @sent: body bytes sent of an upload (0 otherwise)
   * @total: the upload's size (0 otherwise)
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 6, HF_TYPE_MINER, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT,
                  G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
hf_firmware_update_init (HfFirmwareUpdate *self)
{
  self->return_timeout_ms = 120000;
  self->first_look_ms = 2000;
  self->max_pause_ms = 5000;
  self->upload_timeout_ms = 300000;
  self->results = g_ptr_array_new_with_free_func (result_free);
}

/* ---- public API --------------------------------------------------------- */

HfFirmwareUpdate *
hf_firmware_update_new (const HfConfig  *config,
                        HfFirmwareImage *app,
                        HfFirmwareImage *www)
{
  HfFirmwareUpdate *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (app != NULL && app->kind == HF_FIRMWARE_APP && app->version != NULL,
                        NULL);
  g_return_val_if_fail (www == NULL || www->kind == HF_FIRMWARE_WWW, NULL);

  self = g_object_new (HF_TYPE_FIRMWARE_UPDATE, NULL);
  self->config = hf_config_copy (config);
  self->app = hf_firmware_image_ref (app);
  self->www = www ? hf_firmware_image_ref (www) : NULL;
  return self;
}

void
hf_firmware_update_set_store (HfFirmwareUpdate *self,
                              HfStore          *store)
{
  g_return_if_fail (HF_IS_FIRMWARE_UPDATE (self));
  g_set_object (&self->store, store);
}

void
hf_firmware_update_set_timing (HfFirmwareUpdate *self,
                               guint             return_timeout_ms,
                               guint             first_look_ms,
                               guint             max_pause_ms)
{
  g_return_if_fail (HF_IS_FIRMWARE_UPDATE (self));
  g_return_if_fail (return_timeout_ms > 0 && max_pause_ms > 0);

  self->return_timeout_ms = return_timeout_ms;
  self->first_look_ms = first_look_ms;
  self->max_pause_ms = max_pause_ms;
}

void
hf_firmware_update_set_upload_timeout (HfFirmwareUpdate *self,
                                       guint             timeout_ms)
{
  g_return_if_fail (HF_IS_FIRMWARE_UPDATE (self));
  g_return_if_fail (timeout_ms > 0);
  self->upload_timeout_ms = timeout_ms;
}

gboolean
hf_firmware_update_is_busy (HfMiner *miner)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);
  if (busy == NULL)
    return FALSE;
  key = miner_key (miner);
  return g_hash_table_contains (busy, key);
}

void
hf_firmware_update_run_async (HfFirmwareUpdate    *self,
                              GPtrArray           *miners,
                              gboolean             dry_run,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (HF_IS_FIRMWARE_UPDATE (self));
  g_return_if_fail (miners != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_firmware_update_run_async);
  g_task_set_name (task, "hf_firmware_update_run");

  if (self->running)
    {
      g_task_return_new_error (task, HF_ERROR, HF_ERROR_REJECTED,
                               "this update is already running");
      g_object_unref (task);
      return;
    }

  run = g_new0 (Run, 1);
  run->self = g_object_ref (self);
  run->miners = g_ptr_array_ref (miners);
  run->dry_run = dry_run;
  run->claimed = g_ptr_array_new_with_free_func (g_free);
  run->locks = g_array_new (FALSE, FALSE, sizeof (int));
  g_task_set_task_data (task, run, run_free);
  self->running = TRUE;
  if (cancellable != NULL)
    {
      run->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (run->cancel_source, G_SOURCE_FUNC (cancelled_cb), task, NULL);
      g_source_attach (run->cancel_source, g_main_context_get_thread_default ());
    }

  g_ptr_array_set_size (self->results, 0);
  for (guint i = 0; i < miners->len; i++)
    {
      HfFirmwareResult *r = g_new0 (HfFirmwareResult, 1);

      r->miner = g_object_ref (g_ptr_array_index (miners, i));
      r->outcome = HF_FIRMWARE_UNTOUCHED;
      r->step = HF_FIRMWARE_STEP_CHECK;
      g_ptr_array_add (self->results, r);
    }

  /* Claim every miner before anything is sent: one another update holds,
   * or one given twice, refuses the whole run. */
  if (!dry_run)
    {
      if (busy == NULL)
        busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < miners->len; i++)
        {
          g_autofree char *key = miner_key (g_ptr_array_index (miners, i));

          if (g_hash_table_contains (busy, key))
            {
              gboolean ours = g_ptr_array_find_with_equal_func (run->claimed, key,
                                                                g_str_equal, NULL);

              g_task_return_new_error (task, HF_ERROR, HF_ERROR_REJECTED,
                                       ours ? "%s is given twice"
                                            : "%s is already being updated; one update of a "
                                              "miner at a time", key);
              g_object_unref (task);
              return;
            }
          {
            g_autoptr(GError) error = NULL;
            int fd = lock_miner (key, &error);

            if (fd < 0)
              {
                g_task_return_error (task, g_steal_pointer (&error));
                g_object_unref (task);
                return;
              }
            g_array_append_val (run->locks, fd);
          }
          g_hash_table_add (busy, g_strdup (key));
          g_ptr_array_add (run->claimed, g_steal_pointer (&key));
        }
    }
  next_miner (task);
}

gboolean
hf_firmware_update_run_finish (HfFirmwareUpdate  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GPtrArray *
hf_firmware_update_get_results (HfFirmwareUpdate *self)
{
  g_return_val_if_fail (HF_IS_FIRMWARE_UPDATE (self), NULL);
  return self->results;
}

const char *
hf_firmware_step_to_string (HfFirmwareStep step)
{
  switch (step)
    {
    case HF_FIRMWARE_STEP_CHECK: return "check";
    case HF_FIRMWARE_STEP_FIRMWARE: return "firmware";
    case HF_FIRMWARE_STEP_REBOOT: return "reboot";
    case HF_FIRMWARE_STEP_WWW: return "www";
    case HF_FIRMWARE_STEP_WWW_REBOOT: return "www-reboot";
    case HF_FIRMWARE_STEP_DONE: return "done";
    default: return "unknown";
    }
}

const char *
hf_firmware_outcome_to_string (HfFirmwareOutcome outcome)
{
  switch (outcome)
    {
    case HF_FIRMWARE_UNTOUCHED: return "untouched";
    case HF_FIRMWARE_WOULD_UPDATE: return "would-update";
    case HF_FIRMWARE_CURRENT: return "current";
    case HF_FIRMWARE_UPDATED: return "updated";
    case HF_FIRMWARE_FAILED: return "failed";
    default: return "unknown";
    }
}
