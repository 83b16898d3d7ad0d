/* test-notify-e2e.c — `hashfleet-cli serve --notify-file` against the simulator
 * SPDX-License-Identifier: MIT
 *
 * A served fleet of two simulated Bitaxes, polled every second, with three
 * channels on loopback: an Apprise json:// receiver that answers, an ntfy
 * one that never answers and a gotify one that answers 500.  A miner that
 * restarts (stops answering for a while) must bring exactly one offline
 * alert within interval × misses + 5 s and one back-online alert later; a
 * second restart within the cool-down brings none; the hanging and the
 * failing channels delay neither the good one nor the polling.  A miner
 * that finds a block every second feeds the channels steadily: stopping
 * serve (SIGTERM, as systemctl does) gives what is still queued 3 s to go
 * out, a second signal cuts that short; watch sends to its channels too.
 */
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <sys/stat.h>
#include <unistd.h>

#include "hf-test-receiver.h"
#include "hf-test-utils.h"

#define HTTP_PORT     18951
#define CGMINER_PORT  14951
#define RESTART_S     10
#define INTERVAL_S    1
#define MISSES        3      /* the fleet's offline-after */
#define BACKOFF_CYCLES 8     /* an offline miner is tried at most this many cycles apart */

static const char fleet_config[] =
  "[fleet]\nhttp-port=18951\ncgminer-port=14951\nstatic=true\nrestart-seconds=10\n"
  "[miner 127.0.56.2]\nprofile=gamma\nhostname=desk\n"
  "[miner 127.0.56.3]\nprofile=gamma\nhostname=shelf\n";

/* A block a second: a notification a cycle, without waiting for restarts. */
#define LUCKY_HTTP_PORT    18952
#define LUCKY_CGMINER_PORT 14952
static const char lucky_config[] =
  "[fleet]\nhttp-port=18952\ncgminer-port=14952\nstatic=true\n"
  "[miner 127.0.56.20]\nprofile=gamma\nhostname=lucky\nblock-every=1\n";

/* serve goes when the test goes, even when it fails half-way. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

typedef struct
{
  GDataInputStream *err;
  GPtrArray        *cycles;     /* gint64* monotonic µs of each --stats line */
  GString          *log;
  gboolean          eof;
} Serve;

static void read_line (Serve *serve);

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Serve *serve = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                    result, NULL, NULL);

  if (line == NULL)
    {
      serve->eof = TRUE;
      return;
    }
  if (line[0] == '{')
    {
      gint64 *when = g_new (gint64, 1);
      *when = g_get_monotonic_time ();
      g_ptr_array_add (serve->cycles, when);
    }
  else
    g_string_append_printf (serve->log, "%s\n", line);
  read_line (serve);
}

static void
read_line (Serve *serve)
{
  g_data_input_stream_read_line_async (serve->err, G_PRIORITY_DEFAULT, NULL, line_cb, serve);
}

/* The "hashfleet" object of each json:// request, with the request's time. */
static guint
count_events (HfTestReceiver *r,
              const char     *event,
              const char     *address,
              gint64          after,
              gint64         *first)
{
  guint n = 0;

  for (guint i = 0; i < r->requests->len; i++)
    {
      HfTestRequest *q = hf_test_receiver_get (r, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *hf, *miner;

      g_assert_true (json_parser_load_from_data (parser, q->body, -1, NULL));
      hf = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                          "hashfleet");
      miner = json_object_get_object_member (hf, "miner");
      if (q->when < after || !g_str_equal (json_object_get_string_member (hf, "event"), event)
          || miner == NULL
          || !g_str_equal (json_object_get_string_member (miner, "address"), address))
        continue;
      if (n++ == 0 && first != NULL)
        *first = q->when;
    }
  return n;
}

static gboolean
wait_event (HfTestReceiver *r,
            const char     *event,
            const char     *address,
            gint64          after,
            gint64          deadline,
            gint64         *when)
{
  while (count_events (r, event, address, after, when) == 0 && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return count_events (r, event, address, after, when) > 0;
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

typedef struct { gboolean done; guint status; } Restart;

static void
restart_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Restart *r = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  r->done = TRUE;
}

/* Restart @address the way the app would, without blocking the loop that
 * the receivers run on; returns when the miner accepted it. */
static gint64
restart (SoupSession *session,
         const char  *address)
{
  g_autofree char *uri = g_strdup_printf ("http://%s:%u/api/system/restart", address, HTTP_PORT);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  Restart r = { 0 };

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, restart_cb, &r);
  hf_test_wait_for (&r.done, 5000);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  return g_get_monotonic_time ();
}

/* Polling went on: a --stats line at least every 3 s between @from and now. */
static void
assert_polling (Serve  *serve,
                gint64  from)
{
  gint64 last = from, now = g_get_monotonic_time ();
  guint seen = 0;

  for (guint i = 0; i < serve->cycles->len; i++)
    {
      gint64 when = *(gint64 *) g_ptr_array_index (serve->cycles, i);

      if (when < from)
        continue;
      g_assert_cmpint (when - last, <, 3 * G_USEC_PER_SEC);
      last = when;
      seen++;
    }
  g_assert_cmpint (now - last, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (seen, >=, (now - from) / G_USEC_PER_SEC / 3);
}

static void
test_serve_notify (void)
{
  HfTestSim *sim = hf_test_sim_start (fleet_config);
  g_autoptr(HfTestReceiver) good = hf_test_receiver_new ();
  g_autoptr(HfTestReceiver) hang = hf_test_receiver_new ();
  g_autoptr(HfTestReceiver) fail = hf_test_receiver_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-notify-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "notify", NULL);
  g_autofree char *db = g_build_filename (dir, "hf.db", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) serve_proc = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  Serve serve = { 0 };
  gint64 t0, t1, when = 0, deadline;
  const char *cli = g_getenv ("HF_CLI");

  g_assert_no_error (error);
  g_assert_nonnull (cli);
  hang->hang = TRUE;
  fail->fail_first = G_MAXUINT;
  text = g_strdup_printf ("# Hashfleet's channels\n"
                          "ntfy://127.0.0.1:%u/never-answers\n"
                          "\n"
                          "  gotify://127.0.0.1:%u/FailingToken   \n"
                          "json://127.0.0.1:%u/hooks/hashfleet\n",
                          hang->port, fail->port, good->port);
  g_assert_true (g_file_set_contents_full (file, text, -1, G_FILE_SET_CONTENTS_NONE, 0600,
                                           &error));
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  serve_proc = g_subprocess_launcher_spawn (launcher, &error, cli, "serve", "--db", db,
                                            "--listen", "127.0.0.1:0", "--interval", "1",
                                            "--timeout", "800", "--stats",
                                            "--http-port", G_STRINGIFY (HTTP_PORT),
                                            "--cgminer-port", G_STRINGIFY (CGMINER_PORT),
                                            "--notify-file", file, "127.0.56.2", "127.0.56.3",
                                            NULL);
  g_assert_no_error (error);
  serve.err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (serve_proc));
  serve.cycles = g_ptr_array_new_with_free_func (g_free);
  serve.log = g_string_new (NULL);
  read_line (&serve);

  /* Polling: a few cycles with both miners answering. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (serve.cycles->len < 3 && g_get_monotonic_time () < deadline && !serve.eof)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("serve said: %s", serve.log->str);
  g_assert_cmpuint (serve.cycles->len, >=, 3);
  g_assert_nonnull (strstr (serve.log->str, "3 notification channels"));

  /* The first restart: offline within interval × misses + 5 s. */
  t0 = restart (session, "127.0.56.2");
  g_assert_true (wait_event (good, "offline", "127.0.56.2", 0,
                             t0 + (INTERVAL_S * MISSES + 5) * G_USEC_PER_SEC, &when));
  g_test_message ("offline said %.1f s after the restart", (when - t0) / 1e6);
  /* Both other channels were asked too, and held up nothing. */
  g_assert_true (hf_test_receiver_wait (hang, 1, 2000));
  g_assert_true (hf_test_receiver_wait (fail, 1, 2000));

  /* Back online once the miner is: after the restart time, and within the
   * fleet's retry of an offline miner (every 2, 4, up to 8 cycles). */
  g_assert_true (wait_event (good, "back-online", "127.0.56.2", t0,
                             t0 + (RESTART_S + INTERVAL_S * (MISSES + BACKOFF_CYCLES) + 5)
                                  * G_USEC_PER_SEC, &when));
  g_test_message ("back online said %.1f s after the restart", (when - t0) / 1e6);
  g_assert_cmpint (when - t0, >=, (RESTART_S - 1) * G_USEC_PER_SEC);
  assert_polling (&serve, t0);

  /* The second restart, within the 30 min cool-down: nothing new. */
  t1 = restart (session, "127.0.56.2");
  run_for ((RESTART_S + INTERVAL_S * (MISSES + BACKOFF_CYCLES) + 5) * 1000);
  g_assert_cmpuint (count_events (good, "offline", "127.0.56.2", 0, NULL), ==, 1);
  g_assert_cmpuint (count_events (good, "back-online", "127.0.56.2", t0, NULL), ==, 1);
  /* The other miner never left. */
  g_assert_cmpuint (count_events (good, "offline", "127.0.56.3", 0, NULL), ==, 0);
  assert_polling (&serve, t1);
  /* The failing channel was retried; the hanging one kept being tried
   * (its deadline is 10 s an attempt). */
  g_assert_cmpuint (fail->requests->len, >=, 2);
  g_assert_cmpuint (hang->requests->len, >=, 2);
  /* serve said what failed, masked: never the token. */
  g_assert_nonnull (strstr (serve.log->str, "failed"));
  g_assert_null (strstr (serve.log->str, "FailingToken"));
  g_assert_null (strstr (serve.log->str, "never-answers"));

  g_subprocess_send_signal (serve_proc, SIGINT);
  g_assert_true (g_subprocess_wait (serve_proc, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("serve said: %s", serve.log->str);
  g_assert_true (g_subprocess_get_if_exited (serve_proc));
  g_assert_cmpint (g_subprocess_get_exit_status (serve_proc), ==, 0);

  while (!serve.eof)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&serve.err);
  g_ptr_array_unref (serve.cycles);
  g_string_free (serve.log, TRUE);
  g_unlink (file);
  g_unlink (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
  hf_test_sim_stop (sim);
}

/* ---- the end of serve, the channels of watch ------------------------------- */

typedef struct { gboolean done; } Exited;

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  ((Exited *) user_data)->done = TRUE;
}

/* Wait for @proc to end while this thread's loop serves the receivers;
 * when it ended, monotonic µs. */
static gint64
wait_exit (GSubprocess *proc,
           guint        ms)
{
  Exited e = { FALSE };

  g_subprocess_wait_async (proc, NULL, exited_cb, &e);
  hf_test_wait_for (&e.done, ms);
  return g_get_monotonic_time ();
}

static char *
write_channels (const char *dir,
                const char *text)
{
  g_autoptr(GError) error = NULL;
  char *file = g_build_filename (dir, "notify", NULL);

  g_assert_true (g_file_set_contents_full (file, text, -1, G_FILE_SET_CONTENTS_NONE, 0600,
                                           &error));
  g_assert_no_error (error);
  return file;
}

static GSubprocess *
spawn_cli (Serve              *serve,
           const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  serve->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  serve->cycles = g_ptr_array_new_with_free_func (g_free);
  serve->log = g_string_new (NULL);
  read_line (serve);
  return proc;
}

/* Read what @serve's process said to its end; free it. */
static void
serve_clear (Serve *serve)
{
  while (!serve->eof)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&serve->err);
  g_ptr_array_unref (serve->cycles);
  g_string_free (serve->log, TRUE);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

typedef enum { ANSWERED, NEVER_ANSWERED, SIGNALLED_TWICE } Ending;

/* serve with one json:// channel whose receiver holds its answers: the
 * first block's notification in flight, the next ones queued behind it;
 * then SIGTERM. */
static void
serve_until_term (const char *dir,
                  Ending      ending)
{
  g_autoptr(HfTestReceiver) r = hf_test_receiver_new ();
  g_autofree char *text = g_strdup_printf ("json://127.0.0.1:%u/grace\n", r->port);
  g_autofree char *file = write_channels (dir, text);
  g_autofree char *db = g_build_filename (dir, "grace.db", NULL);
  const char *argv[] = { g_getenv ("HF_CLI"), "serve", "--db", db, "--listen", "127.0.0.1:0",
                         "--interval", "1", "--timeout", "800", "--stats",
                         "--http-port", G_STRINGIFY (LUCKY_HTTP_PORT),
                         "--cgminer-port", G_STRINGIFY (LUCKY_CGMINER_PORT),
                         "--notify-file", file, "127.0.56.20", NULL };
  g_autoptr(GSubprocess) proc = NULL;
  Serve serve = { 0 };
  gint64 term, end;
  guint at_term;

  r->hang = TRUE;
  proc = spawn_cli (&serve, argv);
  g_assert_true (hf_test_receiver_wait (r, 1, 20000));
  /* A few more blocks, queued behind the one held. */
  run_for (2500);
  at_term = r->requests->len;
  g_assert_cmpuint (at_term, ==, 1);
  g_subprocess_send_signal (proc, SIGTERM);
  term = g_get_monotonic_time ();

  switch (ending)
    {
    case ANSWERED:
      /* The receiver answers 300 ms later: the queued ones go out, and
       * serve ends as soon as they did. */
      run_for (300);
      r->hang = FALSE;
      hf_test_receiver_release (r, 200);
      end = wait_exit (proc, 10000);
      g_test_message ("serve said: %s", serve.log->str);
      g_test_message ("%u notifications after SIGTERM; ended %.2f s after it",
                      r->requests->len - at_term, (end - term) / 1e6);
      g_assert_cmpuint (r->requests->len, >=, at_term + 2);
      for (guint i = 0; i < r->requests->len; i++)
        g_assert_nonnull (strstr (hf_test_receiver_get (r, i)->body, "\"block-found\""));
      g_assert_cmpint (end - term, <, 3 * G_USEC_PER_SEC);
      break;
    case NEVER_ANSWERED:
      /* Nothing more goes: 3 s, then serve says what it dropped. */
      end = wait_exit (proc, 15000);
      g_test_message ("ended %.2f s after SIGTERM", (end - term) / 1e6);
      g_assert_cmpint (end - term, >=, 2900 * 1000);
      g_assert_cmpint (end - term, <, 8 * G_USEC_PER_SEC);
      break;
    case SIGNALLED_TWICE:
      run_for (300);
      g_subprocess_send_signal (proc, SIGINT);
      term = g_get_monotonic_time ();
      end = wait_exit (proc, 10000);
      g_test_message ("ended %.2f s after the second signal", (end - term) / 1e6);
      g_assert_cmpint (end - term, <, 1500 * 1000);
      break;
    }

  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  while (!serve.eof)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("serve said: %s", serve.log->str);
  g_assert_nonnull (strstr (serve.log->str, "notifications before quitting (at most 3 s"));
  switch (ending)
    {
    case ANSWERED:
      g_assert_null (strstr (serve.log->str, "dropped"));
      break;
    case NEVER_ANSWERED:
      g_assert_nonnull (strstr (serve.log->str, "serve: out of time; "));
      g_assert_nonnull (strstr (serve.log->str, " notifications dropped"));
      break;
    case SIGNALLED_TWICE:
      g_assert_nonnull (strstr (serve.log->str, "serve: interrupted; "));
      g_assert_nonnull (strstr (serve.log->str, " notifications dropped"));
      break;
    }
  serve_clear (&serve);
}

static void
test_serve_grace (void)
{
  HfTestSim *sim = hf_test_sim_start (lucky_config);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-notify-XXXXXX", &error);

  g_assert_no_error (error);
  serve_until_term (dir, ANSWERED);
  serve_until_term (dir, NEVER_ANSWERED);
  serve_until_term (dir, SIGNALLED_TWICE);
  remove_dir (dir);
  hf_test_sim_stop (sim);
}

static gboolean
block_found_at (HfTestReceiver *r,
                gboolean        ntfy)
{
  for (guint i = 0; i < r->requests->len; i++)
    {
      HfTestRequest *q = hf_test_receiver_get (r, i);

      if (ntfy ? g_strcmp0 (hf_test_request_header (q, "Tags"), "tada") == 0
               : strstr (q->body, "\"event\":\"block-found\"") != NULL)
        return TRUE;
    }
  return FALSE;
}

/* watch --notify-file FILE --notify URL: the same channels as serve, the
 * same code; an interrupt ends it. */
static void
test_watch_notify (void)
{
  HfTestSim *sim = hf_test_sim_start (lucky_config);
  g_autoptr(HfTestReceiver) json = hf_test_receiver_new ();
  g_autoptr(HfTestReceiver) ntfy = hf_test_receiver_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-notify-XXXXXX", &error);
  g_autofree char *text = g_strdup_printf ("json://127.0.0.1:%u/watch\n", json->port);
  g_autofree char *file = write_channels (dir, text);
  g_autofree char *url = g_strdup_printf ("ntfy://127.0.0.1:%u/watchtopic", ntfy->port);
  const char *argv[] = { g_getenv ("HF_CLI"), "watch", "--no-store", "--interval", "1",
                         "--timeout", "800", "--stats",
                         "--http-port", G_STRINGIFY (LUCKY_HTTP_PORT),
                         "--cgminer-port", G_STRINGIFY (LUCKY_CGMINER_PORT),
                         "--notify-file", file, "--notify", url, "127.0.56.20", NULL };
  g_autoptr(GSubprocess) proc = NULL;
  Serve watch = { 0 };
  gint64 deadline, interrupt, end;

  g_assert_no_error (error);
  proc = spawn_cli (&watch, argv);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((!block_found_at (json, FALSE) || !block_found_at (ntfy, TRUE))
         && g_get_monotonic_time () < deadline && !watch.eof)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  g_test_message ("watch said: %s", watch.log->str);
  g_assert_true (block_found_at (json, FALSE));
  g_assert_true (block_found_at (ntfy, TRUE));
  g_assert_cmpstr (hf_test_receiver_get (ntfy, 0)->path, ==, "/watchtopic");

  /* Ctrl-C: it ends, at once (every channel answers). */
  g_subprocess_send_signal (proc, SIGINT);
  interrupt = g_get_monotonic_time ();
  end = wait_exit (proc, 10000);
  g_assert_cmpint (end - interrupt, <, 3 * G_USEC_PER_SEC);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  while (!watch.eof)
    g_main_context_iteration (NULL, TRUE);
  /* --notify is on the command line, which others can read: said. */
  g_assert_nonnull (strstr (watch.log->str, "hashfleet-cli watch: warning: --notify:"));
  g_assert_null (strstr (watch.log->str, "watchtopic"));
  serve_clear (&watch);
  remove_dir (dir);
  hf_test_sim_stop (sim);
}

typedef struct
{
  char     *out;
  char     *err;
  gboolean  done;
} Cli;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Cli *c = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &c->out, &c->err, NULL);
  c->done = TRUE;
}

/* hashfleet-cli notify-test --notify-file @file, run while this thread's
 * loop serves the receivers; its exit status. */
static int
notify_test (const char  *file,
             char       **out,
             char       **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  Cli c = { 0 };

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           g_getenv ("HF_CLI"), "notify-test", "--notify-file", file, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, communicate_cb, &c);
  hf_test_wait_for (&c.done, 60000);
  g_assert_true (g_subprocess_get_if_exited (proc));
  *out = c.out;
  *err = c.err;
  return g_subprocess_get_exit_status (proc);
}

/* notify-test: each channel's outcome, and the file's permissions. */
static void
test_notify_test_command (void)
{
  g_autoptr(HfTestReceiver) good = hf_test_receiver_new ();
  g_autoptr(HfTestReceiver) fail = hf_test_receiver_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-notify-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "notify", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *said_good = NULL;
  g_autofree char *said_fail = NULL;
  int status;

  g_assert_no_error (error);
  fail->fail_first = G_MAXUINT;
  text = g_strdup_printf ("ntfy://127.0.0.1:%u/topic42\ngotify://127.0.0.1:%u/Tok3n\n",
                          good->port, fail->port);
  g_assert_true (g_file_set_contents_full (file, text, -1, G_FILE_SET_CONTENTS_NONE, 0640,
                                           &error));
  g_assert_no_error (error);

  /* Readable by others: refused, nothing sent. */
  status = notify_test (file, &out, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "chmod 600"));
  g_assert_cmpuint (good->requests->len + fail->requests->len, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A FIFO in its place (nothing writes to it): refused at once, not
   * waited on. */
  {
    g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
    gint64 start = g_get_monotonic_time ();

    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    status = notify_test (fifo, &out, &err);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (err, "not a regular file"));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_unlink (fifo);
  }

  /* Another user's, however private (only root can make one here). */
  if (geteuid () == 0)
    {
      g_assert_cmpint (g_chmod (file, 0600), ==, 0);
      g_assert_cmpint (chown (file, 65534, 65534), ==, 0);
      status = notify_test (file, &out, &err);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (err, "belongs to another user"));
      g_assert_cmpuint (good->requests->len + fail->requests->len, ==, 0);
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (chown (file, 0, 0), ==, 0);
    }

  /* Owner only: one delivered, one failed (tried twice), exit 1; each said
   * with its URL masked. */
  g_assert_cmpint (g_chmod (file, 0600), ==, 0);
  status = notify_test (file, &out, &err);
  g_test_message ("out: %s\nerr: %s", out, err);
  g_assert_cmpint (status, ==, 1);
  said_good = g_strdup_printf ("ntfy://127.0.0.1:%u/to****: delivered\n", good->port);
  said_fail = g_strdup_printf ("gotify://127.0.0.1:%u/****: failed: HTTP 500", fail->port);
  g_assert_nonnull (strstr (out, said_good));
  g_assert_nonnull (strstr (out, said_fail));
  g_assert_null (strstr (out, "topic42"));
  g_assert_null (strstr (out, "Tok3n"));
  g_assert_null (strstr (err, "Tok3n"));
  g_assert_cmpuint (good->requests->len, ==, 1);
  g_assert_cmpuint (fail->requests->len, ==, 2);
  g_assert_cmpstr (hf_test_request_header (hf_test_receiver_get (good, 0), "Title"), ==,
                   "Hashfleet test notification");

  g_unlink (file);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/notify-e2e/serve", test_serve_notify);
  g_test_add_func ("/notify-e2e/notify-test", test_notify_test_command);
  g_test_add_func ("/notify-e2e/serve-grace", test_serve_grace);
  g_test_add_func ("/notify-e2e/watch", test_watch_notify);
  return g_test_run ();
}
