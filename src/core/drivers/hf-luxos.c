/* hf-luxos.c — LuxOS (Luxor firmware on Antminers), LUXminer API on 4028
 * SPDX-License-Identifier: MIT
 *
 * Reads need no login.  A write is one session: `logon` gives a session
 * id, the command carries it as its first parameter ("<sid>,sleep"), and
 * `logoff` ends it — always, also when the command failed, because LuxOS
 * allows one session at a time and a session left open locks out the
 * Luxor web UI and every other tool until it times out.
 *
 * A logon refused with code 402 ("Another session is active") means
 * another tool holds the session: Hashfleet says so and never ends it
 * (`kill`), nor borrows it (`session` tells its id, but not whose it is,
 * and logging off someone else's session would cut them off).
 * Hashfleet's own writes to one miner take turns (one session after the
 * other), so two of them at once do not refuse each other.
 */

#include <string.h>

#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-luxos.h"
#include "hf-luxos-parse.h"

static gboolean
parse_identity (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_luxos_parse_identity (g_ptr_array_index (replies, 0),
                                  g_ptr_array_index (replies, 1), miner, error);
}

static HfReading *
parse_reading (GPtrArray *replies, HfMiner *miner, GError **error)
{
  return hf_luxos_parse_reading (g_ptr_array_index (replies, 0),
                                 g_ptr_array_index (replies, 1),
                                 g_ptr_array_index (replies, 2),
                                 g_ptr_array_index (replies, 3),
                                 g_ptr_array_index (replies, 4),
                                 g_ptr_array_index (replies, 5),
                                 g_ptr_array_index (replies, 6),
                                 g_ptr_array_index (replies, 7),
                                 g_ptr_array_index (replies, 8), error);
}

typedef enum
{
  WRITE_PLAIN,
  WRITE_REBOOT,      /* the miner may drop the connection before answering */
  WRITE_PRESET,      /* check the profile against `profiles` first */
  WRITE_LED,         /* toggle: blink, or back to auto when it blinks */
} WriteKind;

typedef struct
{
  HfMiner   *miner;
  HfConfig  *config;
  WriteKind  kind;
  char      *command;
  char      *args;       /* after "<sid>,", or NULL */
  char      *sid;
  GError    *error;      /* the command's, kept while logging off */
} Session;

static void
session_free (gpointer data)
{
  Session *s = data;

  g_clear_object (&s->miner);
  hf_config_unref (s->config);
  g_free (s->command);
  g_free (s->args);
  g_free (s->sid);
  g_clear_error (&s->error);
  g_free (s);
}

static void
session_send (GTask               *task,
      const char          *command,
      const char          *parameter,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback)
{
  Session *s = g_task_get_task_data (task);

  /* Each step its own deadline: a logoff must still go out after a
   * command that used up its time. */
  hf_cgminer_command_async (hf_miner_get_address (s->miner),
                            hf_cgminer_port_of (s->miner, s->config), command, parameter,
                            HF_CGMINER_NO_STATUS_CHECK, s->config,
                            hf_config_deadline (s->config), cancellable, callback, task);
}

/* One session at a time per miner, also among Hashfleet's own writes
 * (LuxOS would refuse the second logon with 402 while the first is
 * open): "address:port" → GQueue of the sessions waiting for their turn.
 * The core runs on one main context, so a plain table is enough. */
static GHashTable *busy_miners;

static void session_begin (GTask *task);

static char *
miner_key (Session *s)
{
  return g_strdup_printf ("%s:%u", hf_miner_get_address (s->miner),
                          hf_cgminer_port_of (s->miner, s->config));
}

/* TRUE: @task may start now; FALSE: it waits in the miner's queue
 * (ref taken), started when the session before it ends. */
static gboolean
take_turn (GTask *task)
{
  g_autofree char *key = miner_key (g_task_get_task_data (task));
  GQueue *queue;

  if (busy_miners == NULL)
    busy_miners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_queue_free);
  queue = g_hash_table_lookup (busy_miners, key);
  if (queue != NULL)
    {
      g_debug ("%s: a LuxOS session is under way; this write waits for it", key);
      g_queue_push_tail (queue, task);
      return FALSE;
    }
  g_hash_table_insert (busy_miners, g_steal_pointer (&key), g_queue_new ());
  return TRUE;
}

/* @s's session has ended: the next one waiting for the miner starts. */
static void
next_turn (Session *s)
{
  g_autofree char *key = miner_key (s);
  GQueue *queue = busy_miners != NULL ? g_hash_table_lookup (busy_miners, key) : NULL;
  GTask *next;

  if (queue == NULL)
    return;
  next = g_queue_pop_head (queue);
  if (next == NULL)
    g_hash_table_remove (busy_miners, key);
  else
    session_begin (next);
}

static void
finish (GTask *task)    /* taken */
{
  Session *s = g_task_get_task_data (task);

  next_turn (s);
  if (s->error != NULL)
    g_task_return_error (task, g_steal_pointer (&s->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
logoff_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Session *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hf_cgminer_request_finish (result, &error);

  if ((reply == NULL || !hf_cgminer_check_status (reply, &error)) && s->kind != WRITE_REBOOT)
    {
      /* The write stands; the session times out on the miner. */
      g_message ("%s: LuxOS logoff failed, the session stays open until it times out: %s",
                 hf_miner_get_address (s->miner), error->message);
    }
  finish (task);
}

static void
logoff (GTask *task)    /* taken */
{
  Session *s = g_task_get_task_data (task);

  /* Not cancellable: a session once opened is closed. */
  session_send (task, "logoff", s->sid, NULL, logoff_cb);
}

static void
command_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Session *s = g_task_get_task_data (task);
  const char *address = hf_miner_get_address (s->miner);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hf_cgminer_request_finish (result, &error);

  if (reply != NULL && hf_cgminer_check_status (reply, &error))
    {
      logoff (task);
      return;
    }
  if (s->kind == WRITE_REBOOT
      && (g_error_matches (error, HF_ERROR, HF_ERROR_CONNECT)
          || g_error_matches (error, HF_ERROR, HF_ERROR_TIMEOUT)))
    {
      /* The request went out and the miner dropped the connection: it
       * reboots (LuxOS may go down before it answers). */
      g_debug ("%s: rebootdevice: no answer (%s); taken as rebooting", address, error->message);
      finish (task);
      return;
    }
  s->error = g_error_copy (error);
  g_prefix_error (&s->error, "%s: LuxOS %s: ", address, s->command);
  if (hf_error_is_connect (error) && !g_error_matches (error, HF_ERROR, HF_ERROR_CONNECT))
    {
      /* Nothing to log off from. */
      finish (task);
      return;
    }
  logoff (task);
}

static void
logon_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Session *s = g_task_get_task_data (task);
  const char *address = hf_miner_get_address (s->miner);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hf_cgminer_request_finish (result, &error);
  g_autofree char *parameter = NULL;

  if (reply == NULL)
    {
      /* Without its answer there is no id to log off with. */
      if (g_error_matches (error, HF_ERROR, HF_ERROR_TIMEOUT))
        g_prefix_error (&error, "%s: LuxOS logon (a session it may have opened stays open on "
                        "the miner until it times out): ", address);
      else
        g_prefix_error (&error, "%s: LuxOS logon: ", address);
      s->error = g_steal_pointer (&error);
      finish (task);
      return;
    }
  if (hf_luxos_status_code (reply) == 402)
    {
      s->error = g_error_new (HF_ERROR, HF_ERROR_REJECTED,
                              "%s: another tool holds the LuxOS session (the Luxor web UI or "
                              "another program): LuxOS allows one at a time; log it off there "
                              "or wait until it times out, then try again", address);
      finish (task);
      return;
    }
  if (!hf_cgminer_check_status (reply, &error))
    {
      g_prefix_error (&error, "%s: LuxOS logon: ", address);
      s->error = g_steal_pointer (&error);
      finish (task);
      return;
    }
  s->sid = hf_luxos_session_id (reply);
  if (s->sid == NULL)
    {
      s->sid = hf_luxos_session_id_number (reply);
      if (s->sid != NULL)
        {
          /* A number where LuxOS gives a string: no command goes out
           * with it, but the session it opened is closed. */
          s->error = g_error_new (HF_ERROR, HF_ERROR_PROTOCOL, "%s: LuxOS logon answered with "
                                  "a session id that is a number, not a string: nothing "
                                  "written (the session was logged off)", address);
          logoff (task);
          return;
        }
      if (hf_luxos_has_session_id (reply))
        s->error = g_error_new (HF_ERROR, HF_ERROR_PROTOCOL,
                                "%s: LuxOS logon answered with a session id Hashfleet cannot "
                                "send back (empty, over 128 characters or not letters, digits, "
                                "'-' and '_'): nothing written; the session it opened stays "
                                "open until it times out, or log it off in the Luxor web UI",
                                address);
      else
        s->error = g_error_new (HF_ERROR, HF_ERROR_PROTOCOL,
                                "%s: LuxOS logon answered without a session id", address);
      finish (task);
      return;
    }
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      /* Cancelled while logging on: the session is closed, the command
       * not sent. */
      g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &s->error);
      logoff (task);
      return;
    }
  parameter = s->args != NULL ? g_strdup_printf ("%s,%s", s->sid, s->args) : g_strdup (s->sid);
  session_send (task, s->command, parameter, g_task_get_cancellable (task), command_cb);
}

static void
logon (GTask *task)    /* taken */
{
  Session *s = g_task_get_task_data (task);

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &s->error))
    {
      finish (task);
      return;
    }
  /* Not cancellable: a logon the miner took is answered with the id its
   * logoff needs (the step's deadline bounds it); a cancel that comes
   * meanwhile is seen in logon_cb. */
  session_send (task, "logon", NULL, NULL, logon_cb);
}

/* The reply of a read before the session (`profiles`, `config`). */
static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Session *s = g_task_get_task_data (task);
  const char *address = hf_miner_get_address (s->miner);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hf_cgminer_request_finish (result, &error);

  if (reply == NULL || !hf_cgminer_check_status (reply, &error))
    {
      g_prefix_error (&error, "%s: LuxOS %s: ", address,
                      s->kind == WRITE_PRESET ? "profiles" : "config");
      s->error = g_steal_pointer (&error);
      finish (task);
      return;
    }
  if (s->kind == WRITE_PRESET)
    {
      g_auto(GStrv) names = hf_luxos_profile_names (reply);

      if (!g_strv_contains ((const char * const *) names, s->args))
        {
          g_autofree char *list = g_strjoinv (", ", names);

          s->error = g_error_new (HF_ERROR, HF_ERROR_INVALID,
                                  "%s: LuxOS has no profile \"%s\" (it has: %s)", address,
                                  s->args, names[0] != NULL ? list : "none");
          finish (task);
          return;
        }
    }
  else
    {
      JsonObject *config = hf_cgminer_section (reply, "CONFIG", 0);
      const char *red = hf_json_string (config, "RedLed");

      /* Blinking already (our identify before): back to normal. */
      g_free (s->args);
      s->args = g_strdup (g_strcmp0 (red, "blink") == 0 ? "red,auto" : "red,blink");
    }
  logon (task);
}

static void
session_async (HfCgminerDriver     *driver,
               HfMiner             *miner,
               WriteKind            kind,
               const char          *command,
               const char          *args,
               const HfConfig      *config,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (driver, cancellable, callback, user_data);
  Session *s = g_new0 (Session, 1);

  g_task_set_source_tag (task, session_async);
  g_task_set_name (task, "hf_luxos_session");
  s->miner = g_object_ref (miner);
  s->config = hf_config_copy (config);
  s->kind = kind;
  s->command = g_strdup (command);
  s->args = g_strdup (args);
  g_task_set_task_data (task, s, session_free);

  if (take_turn (task))
    session_begin (task);
}

/* Its turn: the read it needs first, or the logon. */
static void
session_begin (GTask *task)    /* taken */
{
  Session *s = g_task_get_task_data (task);

  if (s->kind == WRITE_PRESET || s->kind == WRITE_LED)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      if (g_cancellable_set_error_if_cancelled (cancellable, &s->error))
        {
          finish (task);
          return;
        }
      session_send (task, s->kind == WRITE_PRESET ? "profiles" : "config", NULL, cancellable,
                    prepared_cb);
    }
  else
    logon (task);
}

static void
restart_async (HfCgminerDriver *driver, HfMiner *miner, const HfConfig *config,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  session_async (driver, miner, WRITE_REBOOT, "rebootdevice", NULL, config, cancellable,
                 callback, user_data);
}

static void
action_async (HfCgminerDriver *driver, HfMiner *miner, HfMinerAction action,
              const HfConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  if (action == HF_ACTION_IDENTIFY)
    session_async (driver, miner, WRITE_LED, "ledset", NULL, config, cancellable, callback,
                   user_data);
  else
    session_async (driver, miner, WRITE_PLAIN, "curtail",
                   action == HF_ACTION_PAUSE ? "sleep" : "wakeup", config, cancellable,
                   callback, user_data);
}

static void
apply_async (HfCgminerDriver *driver, HfMiner *miner, const HfMinerSettings *st,
             const HfConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
             gpointer user_data)
{
  const char *address = hf_miner_get_address (miner);

  if (st->preset == NULL || st->frequency_mhz || st->core_voltage_mv || st->fan_auto
      || st->fan_percent >= 0 || st->target_temp_c || st->work_mode >= 0 || st->hostname
      || st->pool_url || st->fallback_pool_url || st->power_limit_w)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_UNSUPPORTED, "%s: LuxOS: only the profile (preset) can "
                               "be changed here; a profile's watts are its power", address);
      return;
    }
  /* It goes out as a comma-separated parameter. */
  if (*st->preset == '\0' || strpbrk (st->preset, ",\"\\") != NULL || strlen (st->preset) > 64)
    {
      g_task_report_new_error (driver, callback, user_data, apply_async, HF_ERROR,
                               HF_ERROR_INVALID, "%s: \"%s\" is not a LuxOS profile name",
                               address, st->preset);
      return;
    }
  session_async (driver, miner, WRITE_PRESET, "profileset", st->preset, config, cancellable,
                 callback, user_data);
}

static const char *const identify_commands[] = { "version", "?config", NULL };
static const char *const poll_commands[] = {
  "summary", "?stats", "?devs", "?pools", "?fans", "?temps", "?power", "?config", "?profiles",
  NULL
};

const HfCgminerFamily hf_luxos_family = {
  .family = HF_FAMILY_LUXOS,
  .flags = HF_CGMINER_NONE,
  .identify_commands = identify_commands,
  .parse_identity = parse_identity,
  .poll_commands = poll_commands,
  .parse_reading = parse_reading,
  .restart_async = restart_async,
  .capabilities = HF_CAP_RESTART | HF_CAP_PAUSE | HF_CAP_IDENTIFY | HF_CAP_PRESET,
  .apply_async = apply_async,
  .action_async = action_async,
};
