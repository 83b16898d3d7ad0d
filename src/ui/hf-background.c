/* hf-background.c
 * SPDX-License-Identifier: MIT
 *
 * The portal's request/response dance over GDBus (GTK 4.8 has no API for
 * it, and libportal would be a dependency for this one call): subscribe
 * to Response on the request object the handle_token names, call
 * RequestBackground, and wait for the answer, which may take as long as
 * the user takes to read a dialog.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-background.h"

#define PORTAL_BUS_NAME   "org.freedesktop.portal.Desktop"
#define PORTAL_PATH       "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND "org.freedesktop.portal.Background"
#define PORTAL_REQUEST    "org.freedesktop.portal.Request"
/* Only the call: its answer (the handle) comes at once, the user's later. */
#define CALL_TIMEOUT_MS   10000

typedef struct
{
  GDBusConnection *connection;
  char            *path;          /* the request object Response comes from */
  char            *reason;
  guint            signal_id;
  gulong           cancelled_id;
  gboolean         returned;
} Request;

static void
request_free (Request *request)
{
  if (request->signal_id != 0)
    g_dbus_connection_signal_unsubscribe (request->connection, request->signal_id);
  g_clear_object (&request->connection);
  g_free (request->path);
  g_free (request->reason);
  g_free (request);
}

/* Return once (the answer, a cancel and an error may race), and stop
 * listening. */
static void
finish (GTask  *task,
        GError *error)
{
  g_autoptr(GTask) keep = g_object_ref (task);   /* the subscription may hold the last ref */
  Request *request = g_task_get_task_data (task);

  if (request->returned)
    {
      g_clear_error (&error);
      return;
    }
  request->returned = TRUE;
  if (request->signal_id != 0)
    g_dbus_connection_signal_unsubscribe (request->connection, request->signal_id);
  request->signal_id = 0;
  if (request->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), request->cancelled_id);
  request->cancelled_id = 0;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
response_cb (GDBusConnection *connection,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  GTask *task = user_data;
  g_autoptr(GVariant) results = NULL;
  gboolean background = TRUE;
  guint32 response;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;
  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "background", "b", &background);
  g_debug ("Background portal: response %u, background %s", response,
           background ? "true" : "false");
  /* 0: answered; 1: the user cancelled; 2: the portal failed otherwise,
   * which is no "no" (the app proceeds, as without a portal). */
  if ((response == 0 && !background) || response == 1)
    finish (task, g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("The system does not let Hashfleet run in the background")));
  else
    finish (task, NULL);
}

static void
subscribe (GTask      *task,
           const char *path)
{
  Request *request = g_task_get_task_data (task);

  if (request->signal_id != 0)
    g_dbus_connection_signal_unsubscribe (request->connection, request->signal_id);
  g_free (request->path);
  request->path = g_strdup (path);
  /* The task is kept alive by the subscription until it is dropped. */
  request->signal_id =
    g_dbus_connection_signal_subscribe (request->connection, PORTAL_BUS_NAME, PORTAL_REQUEST,
                                        "Response", path, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        response_cb, g_object_ref (task), g_object_unref);
}

static void
called_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  const char *handle = NULL;

  if (request->returned)
    return;
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          finish (task, g_steal_pointer (&error));
          return;
        }
      /* No portal (ServiceUnknown), or one without Background: a plain
       * desktop, where nothing stops a windowless app. */
      g_debug ("no Background portal to ask: %s", error->message);
      finish (task, NULL);
      return;
    }
  g_variant_get (reply, "(&o)", &handle);
  /* Portals older than handle_token answer on another object. */
  if (g_strcmp0 (handle, request->path) != 0)
    subscribe (task, handle);
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;

  finish (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  /* Not from inside the cancel: finish() disconnects this handler. */
  g_idle_add_full (G_PRIORITY_DEFAULT, cancelled_idle_cb, g_object_ref (task), g_object_unref);
}

static void
got_bus_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *path = NULL;
  GVariantBuilder options;

  request->connection = g_bus_get_finish (result, &error);
  if (request->connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish (task, g_steal_pointer (&error));
      else
        {
          g_debug ("no session bus to ask for the background: %s", error->message);
          finish (task, NULL);
        }
      return;
    }
  if (request->returned)
    return;

  /* The request object is named after our unique name and the token. */
  token = g_strdup_printf ("hashfleet%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (request->connection) + 1);
  g_strdelimit (sender, ".", '_');
  path = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  subscribe (task, path);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (request->reason));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (request->connection, PORTAL_BUS_NAME, PORTAL_PATH, PORTAL_BACKGROUND,
                          "RequestBackground", g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS,
                          g_task_get_cancellable (task), called_cb, g_object_ref (task));
}

void
hf_background_request_async (const char          *reason,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  g_task_set_source_tag (task, hf_background_request_async);
  g_task_set_name (task, "hf_background_request_async");
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request->reason = g_strdup (reason ? reason : "");
  if (cancellable != NULL)
    request->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                   task, NULL);
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, got_bus_cb, task);
}

gboolean
hf_background_request_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
