/* hf-test-utils.c
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <string.h>

#include <libsoup/soup.h>

#include "hf-cgminer-reply.h"
#include "hf-recorder.h"
#include "hf-store.h"
#include "hf-test-utils.h"

void
hf_test_init (int    *argc,
              char ***argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

void
hf_test_init_ui (int    *argc,
                 char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("hf-ui-test-XXXXXX", &error);
  const char *dirs[] = { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };

  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = g_build_filename (home, dirs[i], NULL);
      g_mkdir_with_parents (dir, 0700);
      g_setenv (dirs[i], dir, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* No cursor blink: the UI tests share one Xvfb and run side by side, and
   * a GtkText's blink timer that fires while another test's window holds
   * the X focus warns that it "did not receive a focus-out event" (fatal
   * in a test). */
  {
    g_autofree char *gtk_dir = g_build_filename (home, "XDG_CONFIG_HOME", "gtk-4.0", NULL);
    g_autofree char *ini = g_build_filename (gtk_dir, "settings.ini", NULL);

    g_mkdir_with_parents (gtk_dir, 0700);
    g_file_set_contents (ini, "[Settings]\ngtk-cursor-blink=false\n", -1, &error);
    g_assert_no_error (error);
  }
  g_test_init (argc, argv, NULL);
}

char *
hf_test_fixture (const char *name,
                 gsize      *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

JsonObject *
hf_test_fixture_object (const char *name)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *text = hf_test_fixture (name, &len);
  JsonObject *obj = hf_cgminer_parse_reply (text, len, &error);

  g_assert_no_error (error);
  g_assert_nonnull (obj);
  return obj;
}

static gboolean
watchdog_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
hf_test_wait_for (gboolean *flag,
                  guint     timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, watchdog_cb, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  if (!*flag)
    g_error ("timed out after %u ms waiting for the operation", timeout_ms);
}

struct _HfTestSim
{
  GSubprocess      *process;
  GDataInputStream *out;
  GPtrArray        *lines;
  char             *config_path;
  gboolean          ready;
  gboolean          eof;
};

static void read_line (HfTestSim *sim);

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  HfTestSim *sim = user_data;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                          NULL, NULL);

  if (line == NULL)
    {
      sim->eof = TRUE;
      return;
    }
  if (strstr (line, "\"event\":\"ready\"") != NULL)
    sim->ready = TRUE;
  g_ptr_array_add (sim->lines, line);
  read_line (sim);
}

static void
read_line (HfTestSim *sim)
{
  g_data_input_stream_read_line_async (sim->out, G_PRIORITY_DEFAULT, NULL, line_cb, sim);
}

HfTestSim *
hf_test_sim_start (const char *config)
{
  return hf_test_sim_start_for (config, 120);
}

HfTestSim *
hf_test_sim_start_for (const char *config,
                       guint       ttl_s)
{
  HfTestSim *sim = g_new0 (HfTestSim, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *ttl = g_strdup_printf ("%u", ttl_s);
  const char *binary = g_getenv ("HF_SIM");
  int fd;

  g_assert_nonnull (binary);
  fd = g_file_open_tmp ("hf-sim-XXXXXX.ini", &sim->config_path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (sim->config_path, config, -1, &error));
  close (fd);

  sim->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, binary,
                                   "--config", sim->config_path, "--ttl", ttl, NULL);
  g_assert_no_error (error);
  sim->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim->process));
  sim->lines = g_ptr_array_new_with_free_func (g_free);
  read_line (sim);

  while (!sim->ready && !sim->eof)
    g_main_context_iteration (NULL, TRUE);
  if (!sim->ready)
    g_error ("hashfleet-sim did not start (see its stderr)");
  return sim;
}

void
hf_test_sim_stop (HfTestSim *sim)
{
  g_subprocess_send_signal (sim->process, SIGTERM);
  g_subprocess_wait (sim->process, NULL, NULL);
  while (!sim->eof)
    g_main_context_iteration (NULL, TRUE);
  g_unlink (sim->config_path);
  g_free (sim->config_path);
  g_object_unref (sim->out);
  g_object_unref (sim->process);
  g_ptr_array_unref (sim->lines);
  g_free (sim);
}

static guint
count_events (HfTestSim  *sim,
              const char *event,
              const char *ip)
{
  g_autofree char *want_event = g_strdup_printf ("\"event\":\"%s\"", event);
  g_autofree char *want_ip = ip ? g_strdup_printf ("\"ip\":\"%s\"", ip) : NULL;
  guint n = 0;

  for (guint i = 0; i < sim->lines->len; i++)
    {
      const char *line = g_ptr_array_index (sim->lines, i);
      if (strstr (line, want_event) && (want_ip == NULL || strstr (line, want_ip)))
        n++;
    }
  return n;
}

guint
hf_test_sim_events (HfTestSim  *sim,
                    const char *event,
                    const char *ip,
                    guint       at_least,
                    guint       wait_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) wait_ms * 1000;

  while (count_events (sim, event, ip) < at_least && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  return count_events (sim, event, ip);
}

const char *
hf_test_sim_last_event (HfTestSim  *sim,
                        const char *event,
                        const char *ip)
{
  g_autofree char *want_event = g_strdup_printf ("\"event\":\"%s\"", event);
  g_autofree char *want_ip = g_strdup_printf ("\"ip\":\"%s\"", ip);

  for (guint i = sim->lines->len; i > 0; i--)
    {
      const char *line = g_ptr_array_index (sim->lines, i - 1);
      if (strstr (line, want_event) && strstr (line, want_ip))
        return line;
    }
  return NULL;
}

guint16
hf_test_sim_http_port (HfTestSim *sim)
{
  for (guint i = 0; i < sim->lines->len; i++)
    {
      const char *line = g_ptr_array_index (sim->lines, i);
      const char *at = strstr (line, "\"http_port\":");

      if (strstr (line, "\"event\":\"ready\"") != NULL && at != NULL)
        return (guint16) g_ascii_strtoull (at + strlen ("\"http_port\":"), NULL, 10);
    }
  g_error ("hashfleet-sim printed no ready line with its HTTP port");
  return 0;
}

gboolean
hf_test_sim_control (HfTestSim  *sim,
                     const char *ip,
                     const char *json)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (ip);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  guint before = count_events (sim, "control", ip);
  gboolean ok;

  /* The network rule: only ever loopback. */
  g_assert_nonnull (inet);
  g_assert_true (g_inet_address_get_is_loopback (inet));
  session = soup_session_new_with_options ("timeout", 5, "idle-timeout", 5,
                                           "proxy-resolver", NULL, NULL);
  uri = g_strdup_printf ("http://%s:%u/sim/control", ip, hf_test_sim_http_port (sim));
  msg = soup_message_new ("POST", uri);
  body = g_bytes_new (json, strlen (json));
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  if (reply == NULL)
    {
      g_test_message ("sim control %s: %s", ip, error->message);
      return FALSE;
    }
  ok = soup_message_get_status (msg) == 200
       && g_bytes_get_size (reply) == strlen ("{\"ok\":true}")
       && memcmp (g_bytes_get_data (reply, NULL), "{\"ok\":true}", g_bytes_get_size (reply)) == 0;
  if (!ok)
    g_test_message ("sim control %s: %u %.*s", ip, soup_message_get_status (msg),
                    (int) MIN (g_bytes_get_size (reply), 500),
                    (const char *) g_bytes_get_data (reply, NULL));
  /* Its "control" event line, so that a test that waits for it sees it. */
  if (ok)
    hf_test_sim_events (sim, "control", ip, before + 1, 2000);
  return ok;
}

int
hf_test_run_cli (const char * const  *args,
                 char               **out,
                 char               **err)
{
  return hf_test_run_cli_env (args, NULL, out, err);
}

int
hf_test_run_cli_env (const char * const  *args,
                     const char * const  *env,
                     char               **out,
                     char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("HF_CLI");

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (gpointer) binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_assert_nonnull (pair[1]);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static void
flushed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (HF_IS_RECORDER (source))
    hf_recorder_flush_finish (HF_RECORDER (source), result, &error);
  else
    hf_store_flush_finish (HF_STORE (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

void
hf_test_flush_store (gpointer recorder,
                     gpointer store)
{
  gboolean done = FALSE;

  if (recorder != NULL)
    {
      hf_recorder_flush_async (recorder, flushed_cb, &done);
      hf_test_wait_for (&done, 5000);
      done = FALSE;
    }
  hf_store_flush_async (store, flushed_cb, &done);
  hf_test_wait_for (&done, 5000);
}
