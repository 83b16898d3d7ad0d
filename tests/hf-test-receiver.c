/* hf-test-receiver.c
 * SPDX-License-Identifier: MIT
 */
#include "hf-test-receiver.h"

static void
request_free (gpointer data)
{
  HfTestRequest *r = data;

  g_free (r->method);
  g_free (r->path);
  g_free (r->query);
  g_hash_table_unref (r->headers);
  g_free (r->body);
  g_free (r);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  HfTestReceiver *self = user_data;
  HfTestRequest *r = g_new0 (HfTestRequest, 1);
  SoupMessageHeadersIter iter;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *name, *value;

  r->method = g_strdup (soup_server_message_get_method (msg));
  r->path = g_strdup (path);
  r->query = g_strdup (g_uri_get_query (uri));
  r->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_hash_table_insert (r->headers, g_ascii_strdown (name, -1), g_strdup (value));
  r->body = g_strndup (body->data, body->length);
  r->when = g_get_monotonic_time ();
  g_ptr_array_add (self->requests, r);

  if (self->hang)
    {
      g_ptr_array_add (self->hung, g_object_ref (msg));
      soup_server_message_pause (msg);
      return;
    }
  if (self->requests->len <= self->fail_first)
    {
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "no", 2);
      return;
    }
  soup_server_message_set_status (msg, self->status, NULL);
  if (self->status != 204)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

HfTestReceiver *
hf_test_receiver_new (void)
{
  HfTestReceiver *self = g_new0 (HfTestReceiver, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->status = 200;
  self->requests = g_ptr_array_new_with_free_func (request_free);
  self->hung = g_ptr_array_new_with_free_func (g_object_unref);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return self;
}

void
hf_test_receiver_release (HfTestReceiver *self,
                          guint           status)
{
  for (guint i = 0; i < self->hung->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (self->hung, i);

      soup_server_message_set_status (msg, status, NULL);
      if (status != 204)
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
      soup_server_message_unpause (msg);
    }
  g_ptr_array_set_size (self->hung, 0);
}

void
hf_test_receiver_free (HfTestReceiver *self)
{
  hf_test_receiver_release (self, 503);
  /* Let the answers go before the server goes. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_ptr_array_unref (self->hung);
  g_ptr_array_unref (self->requests);
  g_free (self);
}

gboolean
hf_test_receiver_wait (HfTestReceiver *self,
                       guint           n,
                       guint           ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (self->requests->len < n && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return self->requests->len >= n;
}

HfTestRequest *
hf_test_receiver_get (HfTestReceiver *self,
                      guint           i)
{
  g_assert_cmpuint (i, <, self->requests->len);
  return g_ptr_array_index (self->requests, i);
}

const char *
hf_test_request_header (HfTestRequest *request,
                        const char    *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_hash_table_lookup (request->headers, lower);
}
