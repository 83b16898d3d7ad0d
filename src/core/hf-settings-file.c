/* hf-settings-file.c
 * SPDX-License-Identifier: MIT
 *
 * The file is read and checked here, key by key against the schema, and
 * its values written into a GSettings over a memory backend.  GLib's
 * keyfile backend would read the same file, but takes a value it cannot
 * parse (or a key it does not know) as "unset" without a word, and writes
 * back to the file whatever is set; a service's configuration should do
 * neither.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>

#include "hf-error.h"
#include "hf-settings-file.h"

/* What a value of @type looks like, in words for the error. */
static const char *
describe_type (const GVariantType *type)
{
  if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    return "true or false";
  if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT32))
    return "a whole number, 0 or more";
  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT32))
    return "a whole number";
  if (g_variant_type_equal (type, G_VARIANT_TYPE_DOUBLE))
    return "a number";
  if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING))
    return "a string, such as 'text'";
  if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING_ARRAY))
    return "a list of strings, such as ['a', 'b'] or []";
  return g_variant_type_peek_string (type);
}

/* "5–3600" or "cards, table": what @key allows. */
static char *
describe_range (GSettingsSchemaKey *key)
{
  g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
  g_autoptr(GVariant) detail = NULL;
  const char *kind;

  g_variant_get (range, "(&sv)", &kind, &detail);
  if (g_str_equal (kind, "range"))
    {
      g_autoptr(GVariant) min = g_variant_get_child_value (detail, 0);
      g_autoptr(GVariant) max = g_variant_get_child_value (detail, 1);
      g_autofree char *lo = g_variant_print (min, FALSE);
      g_autofree char *hi = g_variant_print (max, FALSE);

      return g_strdup_printf ("from %s to %s", lo, hi);
    }
  if (g_str_equal (kind, "enum") || g_str_equal (kind, "flags"))
    {
      g_autofree const char **values = g_variant_get_strv (detail, NULL);
      g_autofree char *list = g_strjoinv (", ", (char **) values);

      return g_strdup_printf ("one of %s", list);
    }
  return g_strdup ("another value");
}

/* @text as a value of @key: GVariant text, or for a string the bare text
 * (as GLib's keyfile backend also takes it). */
static GVariant *
parse_value (GSettingsSchemaKey  *key,
             const char          *text,
             GError             **error)
{
  const GVariantType *type = g_settings_schema_key_get_value_type (key);
  g_autoptr(GError) local = NULL;
  GVariant *value = g_variant_parse (type, text, NULL, NULL, &local);

  if (value == NULL && g_variant_type_equal (type, G_VARIANT_TYPE_STRING)
      && text[0] != '\'' && text[0] != '"')
    value = g_variant_new_string (text);
  if (value == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s=%s: not %s",
                   g_settings_schema_key_get_name (key), text, describe_type (type));
      return NULL;
    }
  g_variant_ref_sink (value);
  if (!g_settings_schema_key_range_check (key, value))
    {
      g_autofree char *allowed = describe_range (key);

      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s=%s: must be %s",
                   g_settings_schema_key_get_name (key), text, allowed);
      g_variant_unref (value);
      return NULL;
    }
  return value;
}

/* The text of @path: a regular file (a FIFO in its place is refused
 * without waiting on it), at most HF_SETTINGS_FILE_MAX bytes. */
static char *
read_file (const char  *path,
           GError     **error)
{
  g_autofree char *text = NULL;
  struct stat st;
  gsize len = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot open %s: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s is not a regular file", path);
      return NULL;
    }
  if (st.st_size > HF_SETTINGS_FILE_MAX)
    {
      g_close (fd, NULL);
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s is larger than %u bytes", path,
                   (guint) HF_SETTINGS_FILE_MAX);
      return NULL;
    }
  text = g_malloc (HF_SETTINGS_FILE_MAX + 1);
  while (len < HF_SETTINGS_FILE_MAX)
    {
      ssize_t n = read (fd, text + len, HF_SETTINGS_FILE_MAX - len);

      if (n == 0)
        break;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_close (fd, NULL);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "cannot read %s: %s", path, g_strerror (saved));
          return NULL;
        }
      len += (gsize) n;
    }
  g_close (fd, NULL);
  text[len] = '\0';
  if (!g_utf8_validate (text, (gssize) len, NULL))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s is not UTF-8 text", path);
      return NULL;
    }
  return g_steal_pointer (&text);
}

HfSettings *
hf_settings_file_load (const char  *path,
                       GError     **error)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GKeyFile) file = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) groups = NULL;
  g_auto(GStrv) keys = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();

  g_return_val_if_fail (path != NULL, NULL);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   "the settings schema %s is not installed (an uninstalled build needs "
                   "GSETTINGS_SCHEMA_DIR=BUILDDIR/data)", APP_ID);
      return NULL;
    }

  text = read_file (path, error);
  if (text == NULL)
    return NULL;
  file = g_key_file_new ();
  if (!g_key_file_load_from_data (file, text, (gsize) -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s: %s", path, local->message);
      return NULL;
    }
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!g_str_equal (groups[i], HF_SETTINGS_FILE_GROUP))
      {
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                     "%s: unknown group [%s]: the settings go under [" HF_SETTINGS_FILE_GROUP "]",
                     path, groups[i]);
        return NULL;
      }

  backend = g_memory_settings_backend_new ();
  settings = g_settings_new_full (schema, backend, NULL);
  if (g_key_file_has_group (file, HF_SETTINGS_FILE_GROUP))
    keys = g_key_file_get_keys (file, HF_SETTINGS_FILE_GROUP, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autoptr(GSettingsSchemaKey) key = NULL;
      g_autoptr(GVariant) value = NULL;
      g_autofree char *raw = NULL;

      if (!g_settings_schema_has_key (schema, keys[i]))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                       "%s: unknown key %s (the keys are those of `gsettings list-keys %s`)",
                       path, keys[i], APP_ID);
          return NULL;
        }
      key = g_settings_schema_get_key (schema, keys[i]);
      raw = g_key_file_get_value (file, HF_SETTINGS_FILE_GROUP, keys[i], NULL);
      value = parse_value (key, g_strstrip (raw), &local);
      if (value == NULL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s: %s", path, local->message);
          return NULL;
        }
      g_settings_set_value (settings, keys[i], value);
    }
  /* Texts the schema takes but the alert rules or the tariff do not (quiet
   * hours, the summary's time, a rule's name, a price) are refused here,
   * not half-applied. */
  {
    g_autoptr(HfSettings) checked = hf_settings_new (settings);
    HfAlertRules rules;

    g_autoptr(HfTariff) tariff = NULL;

    if (!hf_settings_get_alert_rules (checked, &rules, &local))
      {
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s: %s", path, local->message);
        return NULL;
      }
    /* Its errors begin with "tariff: ", the key's name. */
    tariff = hf_settings_get_tariff (checked, &local);
    if (local != NULL)
      {
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID, "%s: %s", path, local->message);
        return NULL;
      }
    return g_steal_pointer (&checked);
  }
}
