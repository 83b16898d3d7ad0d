/* hf-credentials.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "hf-credentials.h"

static const SecretSchema *
schema (void)
{
  static const SecretSchema s = {
    APP_ID ".Credential", SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &s;
}

static const char *
kind_name (HfCredential which)
{
  switch (which)
    {
    case HF_CREDENTIAL_ANTMINER: return "antminer";
    case HF_CREDENTIAL_WHATSMINER: return "whatsminer";
    case HF_CREDENTIAL_NOTIFY_URLS: return "notify-urls";
    case HF_CREDENTIAL_MQTT: return "mqtt-password";
    case HF_CREDENTIAL_WHATSMINER_SUPER: return "whatsminer-super";
    case HF_CREDENTIAL_BRAIINS: return "braiins";
    case HF_CREDENTIAL_VNISH: return "vnish";
    default: return "api-token";
    }
}

static void
searched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GList *found = secret_password_search_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else if (found != NULL)
    g_task_return_new_error (task, SECRET_ERROR, SECRET_ERROR_IS_LOCKED,
                             "the keyring stayed locked");
  else
    g_task_return_pointer (task, NULL, NULL);
  g_list_free_full (found, g_object_unref);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else if (password != NULL)
    g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
  else
    {
      /* Nothing, or something the keyring would not unlock (its prompt
       * dismissed): libsecret says NULL for both.  Only the first is
       * "none" (a list saved over a locked one would replace it). */
      const char *kind = g_task_get_task_data (task);
      GCancellable *cancellable = g_task_get_cancellable (task);

      secret_password_search (schema (), SECRET_SEARCH_ALL, cancellable, searched_cb,
                              g_steal_pointer (&task), "kind", kind, NULL);
    }
}

void
hf_credentials_lookup_async (HfCredential         which,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, (gpointer) kind_name (which), NULL);
  secret_password_lookup (schema (), cancellable, looked_up_cb, task,
                          "kind", kind_name (which), NULL);
}

char *
hf_credentials_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_get_task_data (task) != NULL)
    secret_password_clear_finish (result, &error);
  else
    secret_password_store_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
hf_credentials_store_async (HfCredential         which,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = which == HF_CREDENTIAL_API_TOKEN
    ? g_strdup (_("Hashfleet: API token"))
    : which == HF_CREDENTIAL_NOTIFY_URLS
    ? g_strdup (_("Hashfleet: notification channels"))
    : which == HF_CREDENTIAL_MQTT
    ? g_strdup (_("Hashfleet: MQTT broker password"))
    : g_strdup_printf (_("Hashfleet: %s password"),
                       which == HF_CREDENTIAL_ANTMINER ? "Antminer" : "Whatsminer");

  if (password == NULL || *password == '\0')
    {
      /* Marks "clear" for stored_cb. */
      g_task_set_task_data (task, GINT_TO_POINTER (1), NULL);
      secret_password_clear (schema (), cancellable, stored_cb, task,
                             "kind", kind_name (which), NULL);
      return;
    }
  secret_password_store (schema (), SECRET_COLLECTION_DEFAULT, label, password, cancellable,
                         stored_cb, task, "kind", kind_name (which), NULL);
}

gboolean
hf_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
hf_credentials_describe_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_strdup (_("the keyring is locked"));
  /* No Secret Service on the bus (a bare Pi, a session without GNOME
   * Keyring or KWallet): D-Bus says "ServiceUnknown". */
  if (error->domain == G_DBUS_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR))
    return g_strdup (_("this computer has no keyring (such as GNOME Keyring) to keep it in"));
  return g_strdup (_("the keyring refused it"));
}
