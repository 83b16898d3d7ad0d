/* fuzz-api.c — any bytes as a request to Hashfleet's HTTP API: a real
 * HfApiServer in this process, on loopback, serving a fleet and a store
 * SPDX-License-Identifier: MIT
 *
 * Each execution opens a connection to the server, sends the input after
 * its first byte (method, path, query, headers, body: all of it), ends its
 * side and reads the answer until the server closes, on this thread's
 * main loop, so that the server serves meanwhile.
 *
 * The first byte picks one of two servers: one without a token (reads,
 * the Host rule, write endpoints refused) and one with a token no input
 * carries (Authorization, the wrong-token limit, refusals before the
 * body).  Writes thus stop at authorization on purpose: a discover job
 * would scan whatever subnet an input names, and restarts reach miners.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "hf-api-server.h"
#include "hf-fleet.h"
#include "hf-store.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static HfApiServer *servers[2];
static guint16 ports[2];
static char *scratch;

/* An answer, whatever it is, within this; the harness's own deadline. */
#define EXCHANGE_MS 3000

static void
remove_scratch (void)
{
  const char *names[] = { "fleet.db", "fleet.db-wal", "fleet.db-shm", "fleet.db-journal" };

  g_clear_object (&servers[0]);
  g_clear_object (&servers[1]);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (scratch, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (scratch);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hf_session_load_finish (HF_SESSION (source), result, &error))
    g_error ("cannot open the scratch database: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfSession) session = NULL;
  HfFleet *fleet;
  HfStore *store;
  gboolean loaded = FALSE;
  g_autofree char *db = NULL;
  g_autofree char *token = hf_api_token_generate ();
  const char *addresses[] = { "127.0.0.2", "127.0.0.3", "127.0.0.4" };
  const HfFamily families[] = { HF_FAMILY_AXEOS, HF_FAMILY_ANTMINER, HF_FAMILY_AVALON };
  HfMiner *known[G_N_ELEMENTS (addresses)];

  scratch = g_dir_make_tmp ("hf-fuzz-api-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (scratch, "fleet.db", NULL);
  session = hf_session_new (db, config);
  hf_session_load_async (session, NULL, loaded_cb, &loaded);
  while (!loaded)
    g_main_context_iteration (NULL, TRUE);
  store = hf_session_get_store (session);
  g_assert_nonnull (store);

  /* Three miners with a reading each, recorded twice; the fleet is never
   * polled. */
  fleet = hf_session_get_fleet (session);
  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autoptr(HfMiner) miner = hf_miner_new (addresses[i], families[i]);
      g_autoptr(HfReading) reading = hf_reading_new ();

      reading->timestamp = g_get_real_time () - G_USEC_PER_SEC * 60 * (i + 1);
      reading->hashrate_ghs = 1000.5 * (i + 1);
      reading->temperature_c = 60 + i;
      reading->power_w = 3000;
      reading->pool_url = g_strdup ("stratum+tcp://pool.example.org:3333");
      hf_miner_set_hostname (miner, "miner-\"quoted\"\\name");
      hf_miner_set_reading (miner, reading);
      hf_miner_set_online (miner, TRUE);
      known[i] = hf_fleet_add (fleet, miner);
    }
  g_assert_true (hf_store_add_readings (store, known, G_N_ELEMENTS (known), &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      servers[i] = hf_api_server_new (session);
      if (i == 1)
        hf_api_server_set_token (servers[i], token);
      /* Short limits, so that executions reach them. */
      hf_api_server_set_idle_timeout (servers[i], 1000);
      hf_api_server_set_auth_window (servers[i], 200);
      if (!hf_api_server_listen (servers[i], "127.0.0.1:0", &error))
        g_error ("cannot listen on loopback: %s", error->message);
      ports[i] = hf_api_server_get_port (servers[i]);
    }
  atexit (remove_scratch);
  return 0;
}

typedef struct
{
  GSocketConnection *connection;
  GCancellable      *cancellable;
  gboolean           done;
  guint8             buffer[16384];
} Exchange;

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exchange *x = user_data;

  if (g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL) > 0)
    g_input_stream_read_async (G_INPUT_STREAM (source), x->buffer, sizeof x->buffer,
                               G_PRIORITY_DEFAULT, x->cancellable, read_cb, x);
  else
    x->done = TRUE;
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Exchange *x = user_data;

  /* Whatever came of the write (the server may refuse before the body and
   * close), the answer is read to its end. */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_socket_shutdown (g_socket_connection_get_socket (x->connection), FALSE, TRUE, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (x->connection)),
                             x->buffer, sizeof x->buffer, G_PRIORITY_DEFAULT, x->cancellable,
                             read_cb, x);
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  Exchange x = { 0 };
  guint timeout;

  if (size == 0)
    return 0;
  client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (client, FALSE);
  host = g_strdup_printf ("127.0.0.1:%u", ports[data[0] & 1]);
  /* A connect on loopback completes at once (the listener's backlog). */
  x.connection = g_socket_client_connect_to_host (client, host, 0, NULL, &error);
  if (x.connection == NULL)
    g_error ("cannot connect to the API: %s", error->message);
  x.cancellable = g_cancellable_new ();
  timeout = g_timeout_add (EXCHANGE_MS, timeout_cb, x.cancellable);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (x.connection)),
                                   data + 1, size - 1, G_PRIORITY_DEFAULT, x.cancellable,
                                   written_cb, &x);
  while (!x.done)
    g_main_context_iteration (NULL, TRUE);
  if (!g_cancellable_is_cancelled (x.cancellable))
    g_source_remove (timeout);
  g_io_stream_close (G_IO_STREAM (x.connection), NULL, NULL);
  g_object_unref (x.connection);
  g_object_unref (x.cancellable);
  /* What the server still has to do for this connection (its close). */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
