/* hf-test-keyring.c
 * SPDX-License-Identifier: MIT
 *
 * The calls libsecret 0.20 makes for secret_password_lookup/store/clear:
 * Service.OpenSession (a "dh-…" one is refused, so it asks for "plain"),
 * Service.SearchItems, Service.GetSecrets, Service.Unlock,
 * Collection.CreateItem on the "default" alias, Item.Delete.
 */
#include <string.h>

#include "hf-test-keyring.h"

#define SERVICE_PATH    "/org/freedesktop/secrets"
#define DEFAULT_PATH    "/org/freedesktop/secrets/aliases/default"
#define ITEM_PREFIX     "/org/freedesktop/secrets/collection/login/"
#define SESSION_PREFIX  "/org/freedesktop/secrets/session/"

static const char introspection[] =
  "<node>"
  " <interface name='org.freedesktop.Secret.Service'>"
  "  <method name='OpenSession'>"
  "   <arg name='algorithm' type='s' direction='in'/>"
  "   <arg name='input' type='v' direction='in'/>"
  "   <arg name='output' type='v' direction='out'/>"
  "   <arg name='result' type='o' direction='out'/>"
  "  </method>"
  "  <method name='SearchItems'>"
  "   <arg name='attributes' type='a{ss}' direction='in'/>"
  "   <arg name='unlocked' type='ao' direction='out'/>"
  "   <arg name='locked' type='ao' direction='out'/>"
  "  </method>"
  "  <method name='GetSecrets'>"
  "   <arg name='items' type='ao' direction='in'/>"
  "   <arg name='session' type='o' direction='in'/>"
  "   <arg name='secrets' type='a{o(oayays)}' direction='out'/>"
  "  </method>"
  "  <method name='Unlock'>"
  "   <arg name='objects' type='ao' direction='in'/>"
  "   <arg name='unlocked' type='ao' direction='out'/>"
  "   <arg name='prompt' type='o' direction='out'/>"
  "  </method>"
  "  <method name='ReadAlias'>"
  "   <arg name='name' type='s' direction='in'/>"
  "   <arg name='collection' type='o' direction='out'/>"
  "  </method>"
  " </interface>"
  " <interface name='org.freedesktop.Secret.Collection'>"
  "  <method name='CreateItem'>"
  "   <arg name='properties' type='a{sv}' direction='in'/>"
  "   <arg name='secret' type='(oayays)' direction='in'/>"
  "   <arg name='replace' type='b' direction='in'/>"
  "   <arg name='item' type='o' direction='out'/>"
  "   <arg name='prompt' type='o' direction='out'/>"
  "  </method>"
  " </interface>"
  " <interface name='org.freedesktop.Secret.Item'>"
  "  <method name='Delete'>"
  "   <arg name='prompt' type='o' direction='out'/>"
  "  </method>"
  "  <property name='Locked' type='b' access='read'/>"
  "  <property name='Attributes' type='a{ss}' access='read'/>"
  "  <property name='Label' type='s' access='read'/>"
  "  <property name='Created' type='t' access='read'/>"
  "  <property name='Modified' type='t' access='read'/>"
  " </interface>"
  "</node>";

typedef struct
{
  char       *path;
  GHashTable *attributes;   /* key → value */
  char       *secret;
  guint       registration;
} Item;

struct _HfTestKeyring
{
  GDBusConnection *connection;
  GDBusNodeInfo   *info;
  guint            service_id;
  guint            collection_id;
  GPtrArray       *items;         /* Item* */
  GPtrArray       *held;          /* GDBusMethodInvocation*, searches */
  gboolean         hold;
  gboolean         locked;
  guint            next_item;
  guint            next_session;
  guint            writes;
};

static void
item_free (Item *item)
{
  g_free (item->path);
  g_hash_table_unref (item->attributes);
  g_free (item->secret);
  g_free (item);
}

static gboolean
item_matches (Item     *item,
              GVariant *attributes)   /* a{ss} */
{
  GVariantIter iter;
  const char *key, *value;

  g_variant_iter_init (&iter, attributes);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (g_strcmp0 (g_hash_table_lookup (item->attributes, key), value) != 0)
      return FALSE;
  return TRUE;
}

static Item *
find_path (HfTestKeyring *self,
           const char    *path)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (g_str_equal (item->path, path))
        return item;
    }
  return NULL;
}

static void item_method_cb (GDBusConnection       *connection,
                            const char            *sender,
                            const char            *path,
                            const char            *interface,
                            const char            *method,
                            GVariant              *parameters,
                            GDBusMethodInvocation *invocation,
                            gpointer               user_data);

static GVariant *item_property_cb (GDBusConnection  *connection,
                                   const char       *sender,
                                   const char       *path,
                                   const char       *interface,
                                   const char       *property,
                                   GError          **error,
                                   gpointer          user_data);

static const GDBusInterfaceVTable item_vtable = { item_method_cb, item_property_cb, NULL, { 0 } };

static Item *
add_item (HfTestKeyring *self,
          GHashTable    *attributes,   /* taken */
          const char    *secret)
{
  Item *item = g_new0 (Item, 1);
  g_autoptr(GError) error = NULL;

  item->path = g_strdup_printf (ITEM_PREFIX "%u", ++self->next_item);
  item->attributes = attributes;
  item->secret = g_strdup (secret);
  item->registration = g_dbus_connection_register_object (self->connection, item->path,
                                                          self->info->interfaces[2],
                                                          &item_vtable, self, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (self->items, item);
  return item;
}

static void
remove_item (HfTestKeyring *self,
             Item          *item)
{
  g_dbus_connection_unregister_object (self->connection, item->registration);
  g_ptr_array_remove (self->items, item);
}

static void
answer_search (HfTestKeyring         *self,
               GDBusMethodInvocation *invocation)
{
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(GVariant) attributes = g_variant_get_child_value (parameters, 0);
  GVariantBuilder unlocked, locked;

  g_variant_builder_init (&unlocked, G_VARIANT_TYPE ("ao"));
  g_variant_builder_init (&locked, G_VARIANT_TYPE ("ao"));
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (item_matches (item, attributes))
        g_variant_builder_add (self->locked ? &locked : &unlocked, "o", item->path);
    }
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(aoao)", &unlocked, &locked));
}

static void
service_method_cb (GDBusConnection       *connection,
                   const char            *sender,
                   const char            *path,
                   const char            *interface,
                   const char            *method,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  HfTestKeyring *self = user_data;

  if (g_str_equal (method, "OpenSession"))
    {
      const char *algorithm;
      g_autofree char *session = NULL;

      g_variant_get_child (parameters, 0, "&s", &algorithm);
      if (!g_str_equal (algorithm, "plain"))
        {
          g_dbus_method_invocation_return_dbus_error (invocation,
                                                      "org.freedesktop.DBus.Error.NotSupported",
                                                      "only plain sessions here");
          return;
        }
      session = g_strdup_printf (SESSION_PREFIX "%u", ++self->next_session);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(vo)", g_variant_new_string (""),
                                                            session));
    }
  else if (g_str_equal (method, "SearchItems"))
    {
      if (self->hold)
        g_ptr_array_add (self->held, g_object_ref (invocation));
      else
        answer_search (self, invocation);
    }
  else if (g_str_equal (method, "GetSecrets"))
    {
      g_autoptr(GVariantIter) paths = NULL;
      const char *session, *item_path;
      GVariantBuilder secrets;

      g_variant_get (parameters, "(ao&o)", &paths, &session);
      g_variant_builder_init (&secrets, G_VARIANT_TYPE ("a{o(oayays)}"));
      while (g_variant_iter_next (paths, "&o", &item_path))
        {
          Item *item = find_path (self, item_path);

          if (item == NULL)
            continue;
          g_variant_builder_add (&secrets, "{o(o@ay@ays)}", item->path, session,
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, item->secret,
                                                            strlen (item->secret), 1),
                                 "text/plain");
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{o(oayays)})",
                                                                        &secrets));
    }
  else if (g_str_equal (method, "Unlock"))
    {
      g_autoptr(GVariant) objects = g_variant_get_child_value (parameters, 0);

      if (self->locked)
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(@aoo)",
                                                                          g_variant_new_array (G_VARIANT_TYPE_OBJECT_PATH, NULL, 0),
                                                                          "/"));
      else
        g_dbus_method_invocation_return_value (invocation,
                                               g_variant_new ("(@aoo)", g_steal_pointer (&objects),
                                                              "/"));
    }
  else if (g_str_equal (method, "ReadAlias"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", DEFAULT_PATH));
  else
    g_dbus_method_invocation_return_dbus_error (invocation,
                                                "org.freedesktop.DBus.Error.UnknownMethod",
                                                method);
}

static void
collection_method_cb (GDBusConnection       *connection,
                      const char            *sender,
                      const char            *path,
                      const char            *interface,
                      const char            *method,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  HfTestKeyring *self = user_data;
  g_autoptr(GVariant) properties = g_variant_get_child_value (parameters, 0);
  g_autoptr(GVariant) secret = g_variant_get_child_value (parameters, 1);
  g_autoptr(GVariant) attributes = g_variant_lookup_value (properties,
                                                           "org.freedesktop.Secret.Item.Attributes",
                                                           G_VARIANT_TYPE ("a{ss}"));
  g_autoptr(GVariant) value = g_variant_get_child_value (secret, 2);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *text = NULL;
  GVariantIter iter;
  const char *key, *v;
  gsize n;
  const char *bytes;
  Item *item;

  g_assert (g_str_equal (method, "CreateItem"));
  g_assert_nonnull (attributes);
  if (self->locked)
    {
      g_dbus_method_invocation_return_dbus_error (invocation,
                                                  "org.freedesktop.Secret.Error.IsLocked",
                                                  "the collection is locked");
      g_hash_table_unref (table);
      return;
    }
  /* replace: whatever had these attributes goes. */
  for (guint i = self->items->len; i > 0; i--)
    {
      Item *old = g_ptr_array_index (self->items, i - 1);

      if (item_matches (old, attributes) && g_hash_table_size (old->attributes)
                                            == g_variant_n_children (attributes))
        remove_item (self, old);
    }
  g_variant_iter_init (&iter, attributes);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &v))
    g_hash_table_insert (table, g_strdup (key), g_strdup (v));
  bytes = g_variant_get_fixed_array (value, &n, 1);
  text = g_strndup (bytes, n);
  item = add_item (self, table, text);
  self->writes++;
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(oo)", item->path, "/"));
}

static void
item_method_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *path,
                const char            *interface,
                const char            *method,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  HfTestKeyring *self = user_data;
  Item *item = find_path (self, path);

  g_assert (g_str_equal (method, "Delete"));
  if (self->locked)
    {
      g_dbus_method_invocation_return_dbus_error (invocation,
                                                  "org.freedesktop.Secret.Error.IsLocked",
                                                  "the item is locked");
      return;
    }
  if (item != NULL)
    {
      remove_item (self, item);
      self->writes++;
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", "/"));
}

/* What libsecret reads of an item it found (a search without its secret). */
static GVariant *
item_property_cb (GDBusConnection  *connection,
                  const char       *sender,
                  const char       *path,
                  const char       *interface,
                  const char       *property,
                  GError          **error,
                  gpointer          user_data)
{
  HfTestKeyring *self = user_data;
  Item *item = find_path (self, path);

  if (item == NULL)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT, "no such item");
      return NULL;
    }
  if (g_str_equal (property, "Locked"))
    return g_variant_new_boolean (self->locked);
  if (g_str_equal (property, "Attributes"))
    {
      GVariantBuilder attributes;
      GHashTableIter iter;
      gpointer key, value;

      g_variant_builder_init (&attributes, G_VARIANT_TYPE ("a{ss}"));
      g_hash_table_iter_init (&iter, item->attributes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_variant_builder_add (&attributes, "{ss}", key, value);
      return g_variant_builder_end (&attributes);
    }
  if (g_str_equal (property, "Label"))
    return g_variant_new_string ("Hashfleet test item");
  return g_variant_new_uint64 (0);
}

static const GDBusInterfaceVTable service_vtable = { service_method_cb, NULL, NULL, { 0 } };
static const GDBusInterfaceVTable collection_vtable = { collection_method_cb, NULL, NULL, { 0 } };

HfTestKeyring *
hf_test_keyring_new (const char *bus_name)
{
  HfTestKeyring *self = g_new0 (HfTestKeyring, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;
  guint32 owned = 0;

  g_assert_no_error (error);
  self->connection = g_dbus_connection_new_for_address_sync (
    address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
             | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  g_assert_no_error (error);
  self->info = g_dbus_node_info_new_for_xml (introspection, &error);
  g_assert_no_error (error);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->service_id = g_dbus_connection_register_object (self->connection, SERVICE_PATH,
                                                        self->info->interfaces[0],
                                                        &service_vtable, self, NULL, &error);
  g_assert_no_error (error);
  self->collection_id = g_dbus_connection_register_object (self->connection, DEFAULT_PATH,
                                                           self->info->interfaces[1],
                                                           &collection_vtable, self, NULL,
                                                           &error);
  g_assert_no_error (error);
  /* DBUS_NAME_FLAG_DO_NOT_QUEUE; 1: the primary owner. */
  reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName", g_variant_new ("(su)", bus_name, 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &owned);
  g_assert_cmpuint (owned, ==, 1);
  return self;
}

void
hf_test_keyring_free (HfTestKeyring *self)
{
  hf_test_keyring_release (self);
  while (self->items->len > 0)
    remove_item (self, g_ptr_array_index (self->items, 0));
  g_dbus_connection_unregister_object (self->connection, self->service_id);
  g_dbus_connection_unregister_object (self->connection, self->collection_id);
  g_dbus_connection_close_sync (self->connection, NULL, NULL);
  g_object_unref (self->connection);
  g_dbus_node_info_unref (self->info);
  g_ptr_array_unref (self->items);
  g_ptr_array_unref (self->held);
  g_free (self);
}

void
hf_test_keyring_set (HfTestKeyring *self,
                     const char    *secret,
                     ...)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *key;
  va_list args;

  va_start (args, secret);
  while ((key = va_arg (args, const char *)) != NULL)
    g_hash_table_insert (table, g_strdup (key), g_strdup (va_arg (args, const char *)));
  va_end (args);
  add_item (self, table, secret);
}

const char *
hf_test_keyring_get (HfTestKeyring *self,
                     const char    *key,
                     const char    *value)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (g_hash_table_lookup (item->attributes, key), value) == 0)
        return item->secret;
    }
  return NULL;
}

guint
hf_test_keyring_get_n_writes (HfTestKeyring *self)
{
  return self->writes;
}

void
hf_test_keyring_clear (HfTestKeyring *self)
{
  while (self->items->len > 0)
    remove_item (self, g_ptr_array_index (self->items, 0));
  self->locked = FALSE;
  self->writes = 0;
}

void
hf_test_keyring_set_locked (HfTestKeyring *self,
                            gboolean       locked)
{
  self->locked = locked;
}

void
hf_test_keyring_hold (HfTestKeyring *self)
{
  self->hold = TRUE;
}

void
hf_test_keyring_release (HfTestKeyring *self)
{
  self->hold = FALSE;
  for (guint i = 0; i < self->held->len; i++)
    answer_search (self, g_ptr_array_index (self->held, i));
  g_ptr_array_set_size (self->held, 0);
}

guint
hf_test_keyring_get_n_held (HfTestKeyring *self)
{
  return self->held->len;
}
