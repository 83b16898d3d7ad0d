/* hf-test-broker.c
 * SPDX-License-Identifier: MIT
 */
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>
#include <mosquitto.h>

#include "hf-test-broker.h"

struct _HfTestBroker
{
  GSubprocess *process;
  char        *dir;
  char        *conf;
  guint16      port;
};

typedef struct
{
  char *topic;
  char *payload;
} Message;

struct _HfTestSubscriber
{
  struct mosquitto *mosq;
  GMutex            lock;
  GPtrArray        *messages;   /* Message* */
  gboolean          subscribed;
};

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, 1);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

HfTestBroker *
hf_test_broker_start (void)
{
  HfTestBroker *broker = g_new0 (HfTestBroker, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *binary = g_find_program_in_path ("mosquitto");
  g_autofree char *text = NULL;
  struct passwd *me = getpwuid (getuid ());

  if (binary == NULL && g_file_test ("/usr/sbin/mosquitto", G_FILE_TEST_IS_EXECUTABLE))
    binary = g_strdup ("/usr/sbin/mosquitto");
  if (binary == NULL)
    g_error ("mosquitto is not installed (apt-get install mosquitto)");
  broker->port = free_port ();
  broker->dir = g_dir_make_tmp ("hf-broker-XXXXXX", &error);
  g_assert_no_error (error);
  broker->conf = g_build_filename (broker->dir, "mosquitto.conf", NULL);
  /* Started as root, mosquitto would become its own user: it stays us. */
  text = g_strdup_printf ("listener %u 127.0.0.1\nallow_anonymous true\npersistence false\n"
                          "user %s\n", broker->port, me->pw_name);
  g_assert_true (g_file_set_contents (broker->conf, text, -1, &error));
  {
    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                 | G_SUBPROCESS_FLAGS_STDERR_SILENCE);

    /* A test that dies (an assertion, a timeout) takes its broker along. */
    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    broker->process = g_subprocess_launcher_spawn (launcher, &error, binary, "-c", broker->conf,
                                                   NULL);
  }
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && !accepts (broker->port); i++)
    g_usleep (50000);
  g_assert_true (accepts (broker->port));
  return broker;
}

guint16
hf_test_broker_get_port (HfTestBroker *broker)
{
  return broker->port;
}

void
hf_test_broker_stop (HfTestBroker *broker)
{
  g_subprocess_send_signal (broker->process, SIGTERM);
  g_subprocess_wait (broker->process, NULL, NULL);
  g_object_unref (broker->process);
  g_unlink (broker->conf);
  g_rmdir (broker->dir);
  g_free (broker->conf);
  g_free (broker->dir);
  g_free (broker);
}

/* ---- the subscriber (callbacks on libmosquitto's thread) ------------------- */

static void
on_connect (struct mosquitto *mosq,
            void             *obj,
            int               rc)
{
  if (rc == 0)
    mosquitto_subscribe (mosq, NULL, "#", 0);
}

static void
on_subscribe (struct mosquitto *mosq,
              void             *obj,
              int               mid,
              int               qos_count,
              const int        *granted)
{
  HfTestSubscriber *sub = obj;

  g_mutex_lock (&sub->lock);
  sub->subscribed = TRUE;
  g_mutex_unlock (&sub->lock);
}

static void
on_message (struct mosquitto               *mosq,
            void                           *obj,
            const struct mosquitto_message *msg)
{
  HfTestSubscriber *sub = obj;
  Message *m = g_new0 (Message, 1);

  m->topic = g_strdup (msg->topic);
  /* An empty payload comes as NULL. */
  m->payload = msg->payload != NULL ? g_strndup (msg->payload, msg->payloadlen) : g_strdup ("");
  g_mutex_lock (&sub->lock);
  g_ptr_array_add (sub->messages, m);
  g_mutex_unlock (&sub->lock);
}

static void
message_free (Message *m)
{
  g_free (m->topic);
  g_free (m->payload);
  g_free (m);
}

HfTestSubscriber *
hf_test_subscriber_new (guint16 port)
{
  HfTestSubscriber *sub = g_new0 (HfTestSubscriber, 1);
  gboolean subscribed = FALSE;

  mosquitto_lib_init ();
  g_mutex_init (&sub->lock);
  sub->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) message_free);
  sub->mosq = mosquitto_new (NULL, TRUE, sub);
  g_assert_nonnull (sub->mosq);
  mosquitto_connect_callback_set (sub->mosq, on_connect);
  mosquitto_subscribe_callback_set (sub->mosq, on_subscribe);
  mosquitto_message_callback_set (sub->mosq, on_message);
  g_assert_cmpint (mosquitto_connect (sub->mosq, "127.0.0.1", port, 30), ==, MOSQ_ERR_SUCCESS);
  g_assert_cmpint (mosquitto_loop_start (sub->mosq), ==, MOSQ_ERR_SUCCESS);
  /* Subscribed before anything is published that the test waits for. */
  for (guint i = 0; i < 100 && !subscribed; i++)
    {
      g_usleep (20000);
      g_mutex_lock (&sub->lock);
      subscribed = sub->subscribed;
      g_mutex_unlock (&sub->lock);
    }
  g_assert_true (subscribed);
  return sub;
}

void
hf_test_subscriber_free (HfTestSubscriber *sub)
{
  mosquitto_disconnect (sub->mosq);
  mosquitto_loop_stop (sub->mosq, FALSE);
  mosquitto_destroy (sub->mosq);
  g_ptr_array_unref (sub->messages);
  g_mutex_clear (&sub->lock);
  g_free (sub);
}

guint
hf_test_subscriber_count (HfTestSubscriber *sub)
{
  guint n;

  g_mutex_lock (&sub->lock);
  n = sub->messages->len;
  g_mutex_unlock (&sub->lock);
  return n;
}

guint
hf_test_subscriber_matches (HfTestSubscriber *sub,
                            guint             since,
                            const char       *prefix,
                            const char       *payload)
{
  guint n = 0;

  g_mutex_lock (&sub->lock);
  for (guint i = since; i < sub->messages->len; i++)
    {
      Message *m = g_ptr_array_index (sub->messages, i);

      if (g_str_has_prefix (m->topic, prefix)
          && (payload == NULL ? *m->payload != '\0' : g_str_equal (m->payload, payload)))
        n++;
    }
  g_mutex_unlock (&sub->lock);
  return n;
}

gboolean
hf_test_subscriber_wait (HfTestSubscriber *sub,
                         guint             since,
                         const char       *prefix,
                         const char       *payload,
                         guint             at_least,
                         guint             timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (hf_test_subscriber_matches (sub, since, prefix, payload) < at_least)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}
