/* test-settings.c — HfSettings owns every key of the schema: one property
 * each, of the key's type, default and range, that follows the key both ways
 * SPDX-License-Identifier: MIT
 */
#define G_SETTINGS_ENABLE_BACKEND
#include <string.h>

#include <gio/gio.h>
#include <gio/gsettingsbackend.h>

#include "hf-alert-rules-group.h"
#include "hf-error.h"
#include "hf-settings.h"
#include "hf-tariff-group.h"
#include "hf-test-utils.h"

#define SCHEMA_ID "io.github.hashfleet.Hashfleet"

static GSettingsSchema *
app_schema (void)
{
  GSettingsSchema *schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), SCHEMA_ID, TRUE);

  g_assert_nonnull (schema);
  return schema;
}

static GType
type_for_key (GSettingsSchemaKey *key)
{
  const GVariantType *type = g_settings_schema_key_get_value_type (key);

  if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    return G_TYPE_BOOLEAN;
  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT32))
    return G_TYPE_INT;
  if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT32))
    return G_TYPE_UINT;
  if (g_variant_type_equal (type, G_VARIANT_TYPE_DOUBLE))
    return G_TYPE_DOUBLE;
  if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING))
    return G_TYPE_STRING;
  if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING_ARRAY))
    return G_TYPE_STRV;
  g_assert_not_reached ();
}

/* A property's value as the GVariant its key would hold. */
static GVariant *
value_to_variant (const GValue *value)
{
  switch (G_VALUE_TYPE (value))
    {
    case G_TYPE_BOOLEAN: return g_variant_new_boolean (g_value_get_boolean (value));
    case G_TYPE_INT: return g_variant_new_int32 (g_value_get_int (value));
    case G_TYPE_UINT: return g_variant_new_uint32 (g_value_get_uint (value));
    case G_TYPE_DOUBLE: return g_variant_new_double (g_value_get_double (value));
    case G_TYPE_STRING: return g_variant_new_string (g_value_get_string (value));
    default:
      g_assert_true (G_VALUE_HOLDS (value, G_TYPE_STRV));
      return g_variant_new_strv (g_value_get_boxed (value), -1);
    }
}

static void
variant_to_value (GVariant *variant,
                  GValue   *value)
{
  if (g_variant_is_of_type (variant, G_VARIANT_TYPE_BOOLEAN))
    g_value_set_boolean (value, g_variant_get_boolean (variant));
  else if (g_variant_is_of_type (variant, G_VARIANT_TYPE_INT32))
    g_value_set_int (value, g_variant_get_int32 (variant));
  else if (g_variant_is_of_type (variant, G_VARIANT_TYPE_UINT32))
    g_value_set_uint (value, g_variant_get_uint32 (variant));
  else if (g_variant_is_of_type (variant, G_VARIANT_TYPE_DOUBLE))
    g_value_set_double (value, g_variant_get_double (variant));
  else if (g_variant_is_of_type (variant, G_VARIANT_TYPE_STRING))
    g_value_set_string (value, g_variant_get_string (variant, NULL));
  else
    g_value_take_boxed (value, g_variant_dup_strv (variant, NULL));
}

/* Every key has a property of the same name, type, default and range;
 * every property is a key. */
static void
test_every_key (void)
{
  g_autoptr(GSettingsSchema) schema = app_schema ();
  g_auto(GStrv) keys = g_settings_schema_list_keys (schema);
  g_autoptr(GTypeClass) klass = g_type_class_ref (HF_TYPE_SETTINGS);
  guint n_props = 0;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass),
                                                                   &n_props);

  g_assert_cmpuint (n_props, ==, g_strv_length (keys));
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, keys[i]);
      g_autoptr(GVariant) def = g_settings_schema_key_get_default_value (key);
      g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
      g_autoptr(GVariant) pspec_default = NULL;
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), keys[i]);
      const char *kind = NULL;
      g_autoptr(GVariant) bounds = NULL;
      GValue value = G_VALUE_INIT;

      g_test_message ("key %s", keys[i]);
      g_assert_nonnull (pspec);
      g_assert_true (pspec->value_type == type_for_key (key));
      g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);

      g_value_init (&value, pspec->value_type);
      g_param_value_set_default (pspec, &value);
      if (pspec->value_type == G_TYPE_STRV && g_value_get_boxed (&value) == NULL)
        pspec_default = g_variant_ref_sink (g_variant_new_strv (NULL, 0));
      else
        pspec_default = g_variant_ref_sink (value_to_variant (&value));
      g_value_unset (&value);
      g_assert_true (g_variant_equal (pspec_default, def));

      g_variant_get (range, "(&sv)", &kind, &bounds);
      if (g_str_equal (kind, "range"))
        {
          if (pspec->value_type == G_TYPE_UINT)
            {
              guint lo, hi;
              g_variant_get (bounds, "(uu)", &lo, &hi);
              g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->minimum, ==, lo);
              g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->maximum, ==, hi);
            }
          else
            {
              double lo, hi;
              g_assert_true (pspec->value_type == G_TYPE_DOUBLE);
              g_variant_get (bounds, "(dd)", &lo, &hi);
              g_assert_cmpfloat (G_PARAM_SPEC_DOUBLE (pspec)->minimum, ==, lo);
              g_assert_cmpfloat (G_PARAM_SPEC_DOUBLE (pspec)->maximum, ==, hi);
            }
        }
    }
}

/* A valid value of @key other than @current. */
static GVariant *
other_value (GSettingsSchemaKey *key,
             GVariant           *current)
{
  g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
  g_autoptr(GVariant) bounds = NULL;
  const char *kind = NULL;

  g_variant_get (range, "(&sv)", &kind, &bounds);
  if (g_str_equal (kind, "enum"))
    {
      /* Choices: the first one that is not the current one. */
      GVariantIter iter;
      const char *choice;

      g_variant_iter_init (&iter, bounds);
      while (g_variant_iter_next (&iter, "&s", &choice))
        if (!g_str_equal (choice, g_variant_get_string (current, NULL)))
          return g_variant_new_string (choice);
      g_assert_not_reached ();
    }
  if (g_variant_is_of_type (current, G_VARIANT_TYPE_BOOLEAN))
    return g_variant_new_boolean (!g_variant_get_boolean (current));
  if (g_variant_is_of_type (current, G_VARIANT_TYPE_INT32))
    return g_variant_new_int32 (g_variant_get_int32 (current) + 1);
  if (g_variant_is_of_type (current, G_VARIANT_TYPE_UINT32))
    {
      guint v = g_variant_get_uint32 (current) + 1;
      g_autoptr(GVariant) candidate = g_variant_ref_sink (g_variant_new_uint32 (v));

      return g_settings_schema_key_range_check (key, candidate)
        ? g_variant_new_uint32 (v) : g_variant_new_uint32 (v - 2);
    }
  if (g_variant_is_of_type (current, G_VARIANT_TYPE_DOUBLE))
    {
      double v = g_variant_get_double (current) + 1;
      g_autoptr(GVariant) candidate = g_variant_ref_sink (g_variant_new_double (v));

      return g_settings_schema_key_range_check (key, candidate)
        ? g_variant_new_double (v) : g_variant_new_double (v - 2);
    }
  if (g_variant_is_of_type (current, G_VARIANT_TYPE_STRING))
    return g_variant_new_take_string (g_strconcat (g_variant_get_string (current, NULL), "-other",
                                                   NULL));
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) strv = NULL;
    g_autofree const char **old = g_variant_get_strv (current, NULL);

    g_strv_builder_addv (builder, old);
    g_strv_builder_add (builder, "127.0.9.0/24");
    strv = g_strv_builder_end (builder);
    return g_variant_new_strv ((const char * const *) strv, -1);
  }
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

/* A key written by someone else (another GSettings on the same backend:
 * Preferences, dconf) notifies its property, which then reads the new
 * value; the property written goes back to the key; writing the same value
 * again notifies nothing. */
static void
test_follows_keys (void)
{
  g_autoptr(GSettingsSchema) schema = app_schema ();
  g_auto(GStrv) keys = g_settings_schema_list_keys (schema);
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) mine = g_settings_new_with_backend (SCHEMA_ID, backend);
  g_autoptr(GSettings) other = g_settings_new_with_backend (SCHEMA_ID, backend);
  g_autoptr(HfSettings) settings = hf_settings_new (mine);

  g_assert_true (hf_settings_get_gsettings (settings) == mine);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, keys[i]);
      g_autoptr(GVariant) before = g_settings_get_value (other, keys[i]);
      g_autoptr(GVariant) changed = g_variant_ref_sink (other_value (key, before));
      g_autoptr(GVariant) read = NULL;
      g_autoptr(GVariant) written = NULL;
      g_autofree char *signal = g_strconcat ("notify::", keys[i], NULL);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (settings), keys[i]);
      g_autofree char *from = g_variant_print (before, FALSE);
      g_autofree char *to = g_variant_print (changed, FALSE);
      GValue value = G_VALUE_INIT;
      guint notified = 0;
      gulong id = g_signal_connect (settings, signal, G_CALLBACK (count_cb), &notified);

      g_test_message ("key %s: %s → %s", keys[i], from, to);

      /* The key changes: the property says so, once, with the new value. */
      g_assert_true (g_settings_set_value (other, keys[i], changed));
      g_assert_cmpuint (notified, ==, 1);
      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (settings), keys[i], &value);
      read = g_variant_ref_sink (value_to_variant (&value));
      g_assert_true (g_variant_equal (read, changed));

      /* And back, through the property. */
      g_value_reset (&value);
      variant_to_value (before, &value);
      g_object_set_property (G_OBJECT (settings), keys[i], &value);
      written = g_settings_get_value (other, keys[i]);
      g_assert_true (g_variant_equal (written, before));
      g_assert_cmpuint (notified, ==, 2);

      /* The same value again is no change. */
      g_object_set_property (G_OBJECT (settings), keys[i], &value);
      g_assert_cmpuint (notified, ==, 2);

      g_value_unset (&value);
      g_signal_handler_disconnect (settings, id);
    }
}

/* The typed accessors read and write their own key. */
static void
test_accessors (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) gsettings = g_settings_new_with_backend (SCHEMA_ID, backend);
  g_autoptr(HfSettings) settings = hf_settings_new (gsettings);
  const char *subnets[] = { "127.0.42.0/24", "127.0.43.1-127.0.43.9", NULL };
  g_auto(GStrv) got = NULL;
  g_autofree char *mode = NULL;

  hf_settings_set_temperature_alert (settings, 82.5);
  g_assert_cmpfloat (g_settings_get_double (gsettings, "temperature-alert"), ==, 82.5);
  g_settings_set_double (gsettings, "temperature-alert", 64);
  g_assert_cmpfloat (hf_settings_get_temperature_alert (settings), ==, 64);

  hf_settings_set_view_mode (settings, "table");
  mode = g_settings_get_string (gsettings, "view-mode");
  g_assert_cmpstr (mode, ==, "table");

  hf_settings_set_subnets (settings, subnets);
  got = hf_settings_get_subnets (settings);
  g_assert_true (g_strv_equal ((const char * const *) got, subnets));
  hf_settings_set_subnets (settings, NULL);
  g_clear_pointer (&got, g_strfreev);
  got = g_settings_get_strv (gsettings, "subnets");
  g_assert_cmpuint (g_strv_length (got), ==, 0);

  hf_settings_set_poll_interval (settings, 60);
  g_assert_cmpuint (g_settings_get_uint (gsettings, "poll-interval"), ==, 60);
  hf_settings_set_window_width (settings, 800);
  g_assert_cmpint (hf_settings_get_window_width (settings), ==, 800);
  hf_settings_set_api_enabled (settings, TRUE);
  g_assert_true (g_settings_get_boolean (gsettings, "api-enabled"));

  /* The tariff: kept as its canonical text, read back as the same tariff;
   * a notify only on a change; empty is none, a bad text an error. */
  {
    g_autoptr(HfTariff) tou = hf_tariff_parse ("0.30 EUR; Mon-Fri 07:00-22:00 0.32", NULL);
    g_autoptr(HfTariff) back = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    guint notified = 0;

    g_signal_connect (settings, "notify::tariff", G_CALLBACK (count_cb), &notified);
    g_assert_null (hf_settings_get_tariff (settings, &error));
    g_assert_no_error (error);
    hf_settings_set_tariff (settings, tou);
    text = g_settings_get_string (gsettings, "tariff");
    g_assert_cmpstr (text, ==, "EUR 0.3; mon-fri 07:00-22:00 0.32");
    back = hf_settings_get_tariff (settings, &error);
    g_assert_no_error (error);
    g_assert_true (hf_tariff_equal (back, tou));
    g_assert_cmpuint (notified, ==, 1);
    hf_settings_set_tariff (settings, back);
    g_assert_cmpuint (notified, ==, 1);
    g_settings_set_string (gsettings, "tariff", "EUR 0.30; mon-fri 07:00-25:00 0.32");
    g_assert_cmpuint (notified, ==, 2);
    g_assert_null (hf_settings_get_tariff (settings, &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
    hf_settings_set_tariff (settings, NULL);
    g_clear_pointer (&text, g_free);
    text = g_settings_get_string (gsettings, "tariff");
    g_assert_cmpstr (text, ==, "");
    g_signal_handlers_disconnect_by_data (settings, &notified);
  }
}

/* The alert rules come from their keys: minutes become seconds, names
 * turn rules off, and one bad text (a hand-edited file) is an error that
 * leaves only its own part off. */
static void
test_alert_rules (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) gsettings = g_settings_new_with_backend (SCHEMA_ID, backend);
  g_autoptr(HfSettings) settings = hf_settings_new (gsettings);
  const char *off[] = { "fan-stopped", "best-difficulty", NULL };
  g_autoptr(GError) error = NULL;
  HfAlertRules rules;

  g_assert_true (hf_settings_get_alert_rules (settings, &rules, NULL));
  g_assert_cmpfloat (rules.hot_c, ==, 75);
  g_assert_cmpfloat (rules.family_hot_c[HF_FAMILY_ANTMINER], ==, 85);
  g_assert_cmpfloat (rules.board_hot_c, ==, 90);
  g_assert_cmpuint (rules.off, ==, 0);
  g_assert_cmpuint (rules.cooldown_s, ==, 30 * 60);
  g_assert_cmpuint (rules.no_share_s, ==, 30 * 60);
  g_assert_cmpint (rules.summary_min, ==, -1);
  g_assert_cmpint (rules.quiet_start_min, ==, rules.quiet_end_min);

  g_settings_set_strv (gsettings, "alerts-off", off);
  g_settings_set_uint (gsettings, "alert-offline-minutes", 5);
  g_settings_set_uint (gsettings, "alert-low-hashrate-percent", 60);
  g_settings_set_string (gsettings, "quiet-hours", "22:30-06:45");
  g_settings_set_string (gsettings, "daily-summary", "08:15");
  g_assert_true (hf_settings_get_alert_rules (settings, &rules, NULL));
  g_assert_cmpuint (rules.off, ==, (1u << HF_ALERT_FAN_STOPPED) | (1u << HF_ALERT_BEST_DIFFICULTY));
  g_assert_cmpuint (rules.offline_after_s, ==, 300);
  g_assert_cmpuint (rules.low_percent, ==, 60);
  g_assert_cmpint (rules.quiet_start_min, ==, 22 * 60 + 30);
  g_assert_cmpint (rules.quiet_end_min, ==, 6 * 60 + 45);
  g_assert_cmpint (rules.summary_min, ==, 8 * 60 + 15);

  g_settings_set_string (gsettings, "quiet-hours", "late");
  g_assert_false (hf_settings_get_alert_rules (settings, &rules, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (rules.quiet_start_min, ==, rules.quiet_end_min);
  g_assert_cmpint (rules.summary_min, ==, 8 * 60 + 15);
  g_assert_cmpuint (rules.offline_after_s, ==, 300);
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Preferences' alert rules: a switch off lists its rule in "alerts-off"
 * (and follows the key when someone else changes it), the thresholds
 * follow their keys, and a quiet-hours text that does not parse is shown
 * as an error and not saved. */
static void
test_alert_rules_group (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) gsettings = g_settings_new_with_backend (SCHEMA_ID, backend);
  g_autoptr(HfSettings) settings = hf_settings_new (gsettings);
  HfAlertRulesGroup *group;
  GtkWidget *fan, *quiet, *board;
  g_auto(GStrv) off = NULL;
  g_autofree char *text = NULL;

  adw_init ();
  group = g_object_ref_sink (g_object_new (HF_TYPE_ALERT_RULES_GROUP, NULL));
  hf_alert_rules_group_set_settings (group, settings);
  fan = find_named (GTK_WIDGET (group), "fan-stopped");
  quiet = find_named (GTK_WIDGET (group), "quiet-hours");
  board = find_named (GTK_WIDGET (group), "board-temperature-alert");
  g_assert_true (GTK_IS_SWITCH (fan));
  g_assert_true (ADW_IS_ENTRY_ROW (quiet));
  g_assert_true (GTK_IS_SPIN_BUTTON (board));

  g_assert_true (gtk_switch_get_active (GTK_SWITCH (fan)));
  gtk_switch_set_active (GTK_SWITCH (fan), FALSE);
  off = g_settings_get_strv (gsettings, "alerts-off");
  g_assert_cmpstrv (off, ((const char *[]) { "fan-stopped", NULL }));
  g_settings_set_strv (gsettings, "alerts-off", NULL);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (fan)));

  g_settings_set_double (gsettings, "board-temperature-alert", 95);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (board)), ==, 95);

  gtk_editable_set_text (GTK_EDITABLE (quiet), "late");
  g_signal_emit_by_name (quiet, "apply");
  text = g_settings_get_string (gsettings, "quiet-hours");
  g_assert_cmpstr (text, ==, "");
  g_assert_true (gtk_widget_has_css_class (quiet, "error"));
  g_clear_pointer (&text, g_free);
  gtk_editable_set_text (GTK_EDITABLE (quiet), " 23:00-06:00 ");
  g_signal_emit_by_name (quiet, "apply");
  text = g_settings_get_string (gsettings, "quiet-hours");
  g_assert_cmpstr (text, ==, "23:00-06:00");
  g_assert_false (gtk_widget_has_css_class (quiet, "error"));
  g_object_unref (group);
}

static char *
stored_tariff (GSettings *gsettings)
{
  return g_settings_get_string (gsettings, "tariff");
}

#define assert_stored(gsettings, expected) \
  G_STMT_START { \
    g_autofree char *stored_ = stored_tariff (gsettings); \
    g_assert_cmpstr (stored_, ==, (expected)); \
  } G_STMT_END

/* Preferences' Energy group: a flat price, a time-of-use period added,
 * bad input shown and never saved, the key changed elsewhere filling the
 * fields, and everything emptied for no tariff. */
static void
test_tariff_group (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) gsettings = g_settings_new_with_backend (SCHEMA_ID, backend);
  g_autoptr(HfSettings) settings = hf_settings_new (gsettings);
  HfTariffGroup *group;
  GtkEditable *currency, *price, *from, *to, *period_price;

  adw_init ();
  group = g_object_ref_sink (g_object_new (HF_TYPE_TARIFF_GROUP, NULL));
  hf_tariff_group_set_settings (group, settings);
  currency = hf_tariff_group_get_field (group, -1, "currency");
  price = hf_tariff_group_get_field (group, -1, "price");
  g_assert_cmpstr (gtk_editable_get_text (currency), ==, "");
  g_assert_null (hf_tariff_group_get_error (group));

  /* A currency without its price is not saved, and says so. */
  gtk_editable_set_text (currency, "EUR");
  assert_stored (gsettings, "");
  g_assert_nonnull (strstr (hf_tariff_group_get_error (group), "price per kWh"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (price), "error"));
  gtk_editable_set_text (price, "0,30");
  assert_stored (gsettings, "");
  g_assert_nonnull (strstr (hf_tariff_group_get_error (group), "'.'"));
  gtk_editable_set_text (price, "0.30");
  assert_stored (gsettings, "EUR 0.3");
  g_assert_null (hf_tariff_group_get_error (group));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (price), "error"));

  /* A period: weekdays to start with, its times and price to give. */
  hf_tariff_group_add_period (group);
  g_assert_cmpuint (hf_tariff_group_get_n_periods (group), ==, 1);
  g_assert_true (gtk_toggle_button_get_active (hf_tariff_group_get_day (group, 0, 0)));
  g_assert_false (gtk_toggle_button_get_active (hf_tariff_group_get_day (group, 0, 5)));
  from = hf_tariff_group_get_field (group, 0, "from");
  to = hf_tariff_group_get_field (group, 0, "to");
  period_price = hf_tariff_group_get_field (group, 0, "price");
  assert_stored (gsettings, "EUR 0.3");
  gtk_editable_set_text (from, "07:00");
  gtk_editable_set_text (to, "22:00");
  gtk_editable_set_text (period_price, "0.32");
  assert_stored (gsettings, "EUR 0.3; mon-fri 07:00-22:00 0.32");
  /* An hour that is none: red, said, the key as it was. */
  gtk_editable_set_text (to, "25:00");
  assert_stored (gsettings, "EUR 0.3; mon-fri 07:00-22:00 0.32");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (to), "error"));
  g_assert_nonnull (strstr (hf_tariff_group_get_error (group), "Period 1"));
  gtk_editable_set_text (to, "22:00");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (to), "error"));
  /* No day at all (each valid step on the way was saved). */
  for (guint d = 0; d < 5; d++)
    gtk_toggle_button_set_active (hf_tariff_group_get_day (group, 0, d), FALSE);
  g_assert_nonnull (strstr (hf_tariff_group_get_error (group), "choose its days"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (hf_tariff_group_get_day (group, 0, 0)),
                                           "error"));
  assert_stored (gsettings, "EUR 0.3; fri 07:00-22:00 0.32");
  gtk_toggle_button_set_active (hf_tariff_group_get_day (group, 0, 5), TRUE);
  gtk_toggle_button_set_active (hf_tariff_group_get_day (group, 0, 6), TRUE);
  assert_stored (gsettings, "EUR 0.3; sat,sun 07:00-22:00 0.32");

  /* Two periods that overlap: the tariff's own words, not saved. */
  hf_tariff_group_add_period (group);
  gtk_toggle_button_set_active (hf_tariff_group_get_day (group, 1, 5), TRUE);
  gtk_editable_set_text (hf_tariff_group_get_field (group, 1, "from"), "08:00");
  gtk_editable_set_text (hf_tariff_group_get_field (group, 1, "to"), "09:00");
  gtk_editable_set_text (hf_tariff_group_get_field (group, 1, "price"), "0.1");
  g_assert_nonnull (strstr (hf_tariff_group_get_error (group), "overlap"));
  assert_stored (gsettings, "EUR 0.3; sat,sun 07:00-22:00 0.32");
  gtk_toggle_button_set_active (hf_tariff_group_get_day (group, 1, 5), FALSE);
  assert_stored (gsettings, "EUR 0.3; sat,sun 07:00-22:00 0.32; mon-fri 08:00-09:00 0.1");
  hf_tariff_group_remove_period (group, 0);
  assert_stored (gsettings, "EUR 0.3; mon-fri 08:00-09:00 0.1");

  /* Written elsewhere: the fields follow. */
  g_settings_set_string (gsettings, "tariff", "CHF 0.27; 22:00-06:00 0.19");
  g_assert_cmpstr (gtk_editable_get_text (currency), ==, "CHF");
  g_assert_cmpstr (gtk_editable_get_text (price), ==, "0.27");
  g_assert_cmpuint (hf_tariff_group_get_n_periods (group), ==, 1);
  for (guint d = 0; d < 7; d++)
    g_assert_true (gtk_toggle_button_get_active (hf_tariff_group_get_day (group, 0, d)));
  g_assert_cmpstr (gtk_editable_get_text (hf_tariff_group_get_field (group, 0, "from")), ==,
                   "22:00");
  g_assert_cmpstr (gtk_editable_get_text (hf_tariff_group_get_field (group, 0, "to")), ==,
                   "06:00");
  g_assert_cmpstr (gtk_editable_get_text (hf_tariff_group_get_field (group, 0, "price")), ==,
                   "0.19");
  assert_stored (gsettings, "CHF 0.27; 22:00-06:00 0.19");

  /* All emptied: no tariff. */
  hf_tariff_group_remove_period (group, 0);
  assert_stored (gsettings, "CHF 0.27");
  gtk_editable_set_text (price, "");
  gtk_editable_set_text (currency, "");
  assert_stored (gsettings, "");
  g_assert_null (hf_tariff_group_get_error (group));
  g_assert_finalize_object (group);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init_ui (&argc, &argv);

  g_test_add_func ("/ui/settings/every-key", test_every_key);
  g_test_add_func ("/ui/settings/follows-keys", test_follows_keys);
  g_test_add_func ("/ui/settings/alert-rules", test_alert_rules);
  g_test_add_func ("/ui/settings/alert-rules-group", test_alert_rules_group);
  g_test_add_func ("/ui/settings/tariff-group", test_tariff_group);
  g_test_add_func ("/ui/settings/accessors", test_accessors);
  return g_test_run ();
}
