/* hf-tariff-group.c
 * SPDX-License-Identifier: MIT
 *
 * The editor writes the tariff's text form (hf-tariff.h) from its fields
 * and parses it as serve --tariff would: what parses is saved (as its
 * canonical text) at once, what does not is said under the group and
 * left unsaved.  Each field is checked on its own first, so that the red
 * is on the field at fault; what only the whole tariff can say (two
 * periods overlap) is said in words.  The key changed elsewhere (dconf,
 * another window) fills the fields again.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "hf-tariff-group.h"

typedef struct
{
  GtkWidget       *row;
  GtkToggleButton *days[7];
  GtkEditable     *from;
  GtkEditable     *to;
  GtkEditable     *price;
} Period;

struct _HfTariffGroup
{
  AdwPreferencesGroup  parent_instance;

  /* Template Widgets */
  GtkButton           *add_button;
  AdwEntryRow         *currency_row;
  AdwEntryRow         *price_row;
  GtkLabel            *error_label;

  /* Owned References */
  HfSettings          *settings;
  GPtrArray           *periods;     /* Period */
  char                *error;
  gboolean             syncing;     /* filling the fields: no saving */
};

G_DEFINE_FINAL_TYPE (HfTariffGroup, hf_tariff_group, ADW_TYPE_PREFERENCES_GROUP)

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static void fields_changed_cb (HfTariffGroup *self);

static void
period_free (gpointer data)
{
  g_free (data);
}

static void
mark (gpointer  widget,
      gboolean  bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (widget), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (widget), "error");
}

/* A time of day as the tariff takes it: H:MM or HH:MM, 00:00 to 24:00. */
static gboolean
time_ok (const char *text)
{
  guint h, m;
  char end;

  if (sscanf (text, "%2u:%2u%c", &h, &m, &end) != 2 || strlen (text) < 4)
    return FALSE;
  return (h < 24 && m < 60) || (h == 24 && m == 0);
}

/* A price as the tariff takes it: a decimal with '.', either sign. */
static gboolean
price_ok (const char *text)
{
  const char *p = text;
  gboolean digits = FALSE;

  if (*p == '-' || *p == '+')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    digits = TRUE;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      digits = TRUE;
  return digits && *p == '\0';
}

static char *
stripped (GtkEditable *editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (editable)));
}

static void
show_error (HfTariffGroup *self,
            const char    *error)
{
  g_free (self->error);
  self->error = g_strdup (error);
  gtk_label_set_text (self->error_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
}

/* The text form of the fields, or NULL with *@error saying what is wrong
 * (the fields at fault marked).  "" for no tariff at all. */
static char *
compose (HfTariffGroup  *self,
         char          **error)
{
  g_autofree char *currency = stripped (GTK_EDITABLE (self->currency_row));
  g_autofree char *price = stripped (GTK_EDITABLE (self->price_row));
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean bad_currency, bad_price;

  *error = NULL;
  if (*currency == '\0' && *price == '\0' && self->periods->len == 0)
    {
      mark (self->currency_row, FALSE);
      mark (self->price_row, FALSE);
      return g_strdup ("");
    }
  bad_currency = *currency == '\0' || strpbrk (currency, " \t;") != NULL;
  bad_price = !price_ok (price);
  mark (self->currency_row, bad_currency);
  mark (self->price_row, bad_price);
  if (bad_currency)
    *error = g_strdup (_("Name the currency, in one word or sign (EUR, $, sats)"));
  else if (bad_price)
    *error = g_strdup (*price == '\0'
                       ? _("Give the price per kWh (at the times no period covers)")
                       : _("The price per kWh is a number with a '.' for decimals, such as 0.30"));
  g_string_append_printf (text, "%s %s", currency, price);

  for (guint i = 0; i < self->periods->len; i++)
    {
      Period *p = g_ptr_array_index (self->periods, i);
      g_autofree char *from = stripped (p->from);
      g_autofree char *to = stripped (p->to);
      g_autofree char *period_price = stripped (p->price);
      g_autoptr(GString) days = g_string_new (NULL);
      guint n_days = 0;
      gboolean bad_from, bad_to, bad_period_price, no_days;

      for (guint d = 0; d < 7; d++)
        if (gtk_toggle_button_get_active (p->days[d]))
          {
            g_string_append_printf (days, "%s%s", n_days > 0 ? "," : "", day_names[d]);
            n_days++;
          }
      /* Both times empty: all day. */
      bad_from = (*from != '\0' || *to != '\0') && !time_ok (from);
      bad_to = (*from != '\0' || *to != '\0') && !time_ok (to);
      bad_period_price = !price_ok (period_price);
      no_days = n_days == 0;
      mark (p->from, bad_from);
      mark (p->to, bad_to);
      mark (p->price, bad_period_price);
      for (guint d = 0; d < 7; d++)
        mark (p->days[d], no_days);
      if (*error == NULL && no_days)
        /* Translators: %u is the period's number, from 1 */
        *error = g_strdup_printf (_("Period %u: choose its days"), i + 1);
      else if (*error == NULL && (bad_from || bad_to))
        *error = g_strdup_printf (_("Period %u: times of day are written 07:00 or 22:30 (24:00 "
                                    "may end one); leave both empty for all day"), i + 1);
      else if (*error == NULL && bad_period_price)
        *error = g_strdup_printf (_("Period %u: its price is a number with a '.' for decimals"),
                                  i + 1);
      else if (*error == NULL && n_days == 7 && *from == '\0')
        *error = g_strdup_printf (_("Period %u covers every day, all day: give it days or "
                                    "times"), i + 1);
      g_string_append (text, "; ");
      if (n_days < 7)
        g_string_append_printf (text, "%s ", days->str);
      if (*from != '\0' || *to != '\0')
        g_string_append_printf (text, "%s-%s ", from, to);
      g_string_append (text, period_price);
    }
  if (*error != NULL)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Save what the fields say if it is a tariff. */
static void
fields_changed_cb (HfTariffGroup *self)
{
  g_autofree char *text = NULL;
  g_autofree char *field_error = NULL;
  g_autoptr(HfTariff) tariff = NULL;
  g_autoptr(GError) error = NULL;

  if (self->syncing || self->settings == NULL)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->price_row),
                                 self->periods->len > 0 ? _("Price per _kWh at other times")
                                                        : _("Price per _kWh"));
  text = compose (self, &field_error);
  if (text == NULL)
    {
      show_error (self, field_error);
      return;
    }
  if (*text == '\0')
    {
      show_error (self, NULL);
      hf_settings_set_tariff (self->settings, NULL);
      return;
    }
  tariff = hf_tariff_parse (text, &error);
  if (tariff == NULL)
    {
      /* What only the whole can say (periods that overlap). */
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  hf_settings_set_tariff (self->settings, tariff);
}

static void
remove_clicked_cb (GtkButton     *button,
                   HfTariffGroup *self)
{
  for (guint i = 0; i < self->periods->len; i++)
    if (gtk_widget_is_ancestor (GTK_WIDGET (button),
                                ((Period *) g_ptr_array_index (self->periods, i))->row))
      {
        hf_tariff_group_remove_period (self, i);
        return;
      }
}

static GtkEditable *
period_entry (const char *placeholder,
              int         width,
              const char *accessible)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), width);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return GTK_EDITABLE (entry);
}

/* A row: Mon … Sun as toggles, from, to, price, remove. */
static Period *
new_period (HfTariffGroup *self)
{
  /* Translators: one-letter weekdays on the period's toggles, Monday first */
  const char *letters[7] = { C_("weekday", "M"), C_("weekday", "T"), C_("weekday", "W"),
                             C_("weekday", "T"), C_("weekday", "F"), C_("weekday", "S"),
                             C_("weekday", "S") };
  const char *names[7] = { _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"),
                           _("Friday"), _("Saturday"), _("Sunday") };
  Period *p = g_new0 (Period, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *days = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *dash = gtk_label_new ("–");
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (days, "linked");
  gtk_widget_set_valign (days, GTK_ALIGN_CENTER);
  for (guint d = 0; d < 7; d++)
    {
      GtkWidget *toggle = gtk_toggle_button_new_with_label (letters[d]);

      gtk_widget_set_tooltip_text (toggle, names[d]);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      names[d], -1);
      gtk_widget_add_css_class (toggle, "hf-day");
      gtk_box_append (GTK_BOX (days), toggle);
      p->days[d] = GTK_TOGGLE_BUTTON (toggle);
      g_signal_connect_swapped (toggle, "toggled", G_CALLBACK (fields_changed_cb), self);
    }
  /* Empty times are all day: the placeholders say what goes there. */
  p->from = period_entry (_("From"), 5, _("From"));
  p->to = period_entry (_("To"), 5, _("To"));
  p->price = period_entry (_("Price"), 6, _("Price per kWh"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (p->from),
                               _("From this time of day (empty, with To empty: all day)"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (p->to),
                               _("Until this time; before From: past midnight, into the next day"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (p->price), _("Price per kWh in this period"));
  gtk_widget_add_css_class (dash, "dim-label");
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove this period"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove this period"), -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  g_signal_connect_swapped (p->from, "changed", G_CALLBACK (fields_changed_cb), self);
  g_signal_connect_swapped (p->to, "changed", G_CALLBACK (fields_changed_cb), self);
  g_signal_connect_swapped (p->price, "changed", G_CALLBACK (fields_changed_cb), self);

  gtk_box_append (GTK_BOX (box), days);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->from));
  gtk_box_append (GTK_BOX (box), dash);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->to));
  gtk_box_append (GTK_BOX (box), spacer);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->price));
  gtk_box_append (GTK_BOX (box), remove);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  p->row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (p->row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (p->row), box);
  gtk_widget_add_css_class (p->row, "hf-period");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), p->row);
  g_ptr_array_add (self->periods, p);
  return p;
}

static void
clear_periods (HfTariffGroup *self)
{
  while (self->periods->len > 0)
    {
      Period *p = g_ptr_array_index (self->periods, self->periods->len - 1);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), p->row);
      g_ptr_array_remove_index (self->periods, self->periods->len - 1);
    }
}

static char *
format_price (double price)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* The tariff keeps at most 10 decimals. */
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.10g", price));
}

/* The fields from the key (the tariff's JSON form holds each period's
 * days, times and price apart). */
static void
fill (HfTariffGroup *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfTariff) tariff = hf_settings_get_tariff (self->settings, &error);
  g_autoptr(JsonNode) json = NULL;
  JsonArray *periods = NULL;
  JsonObject *root;

  self->syncing = TRUE;
  clear_periods (self);
  if (tariff == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->currency_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->price_row), "");
      self->syncing = FALSE;
      show_error (self, error != NULL ? error->message : NULL);
      return;
    }
  json = hf_tariff_to_json (tariff);
  root = json_node_get_object (json);
  gtk_editable_set_text (GTK_EDITABLE (self->currency_row), hf_tariff_get_currency (tariff));
  {
    g_autofree char *price = format_price (hf_tariff_get_default_price (tariff));
    gtk_editable_set_text (GTK_EDITABLE (self->price_row), price);
  }
  if (json_object_has_member (root, "periods"))
    periods = json_object_get_array_member (root, "periods");
  for (guint i = 0; periods != NULL && i < json_array_get_length (periods); i++)
    {
      JsonObject *o = json_array_get_object_element (periods, i);
      Period *p = new_period (self);
      g_autofree char *price = format_price (json_object_get_double_member (o, "price"));

      JsonArray *days = json_object_has_member (o, "days")
                        ? json_object_get_array_member (o, "days") : NULL;

      /* No days: every day. */
      for (guint d = 0; d < 7; d++)
        {
          gboolean on = days == NULL;

          for (guint k = 0; !on && k < json_array_get_length (days); k++)
            on = g_strcmp0 (json_array_get_string_element (days, k), day_names[d]) == 0;
          gtk_toggle_button_set_active (p->days[d], on);
        }
      {
        const char *from = json_object_get_string_member_with_default (o, "from", "");
        const char *to = json_object_get_string_member_with_default (o, "to", "");

        /* All day is the times left empty. */
        if (g_str_equal (from, "00:00") && g_str_equal (to, "24:00"))
          from = to = "";
        gtk_editable_set_text (p->from, from);
        gtk_editable_set_text (p->to, to);
      }
      gtk_editable_set_text (p->price, price);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->price_row),
                                 self->periods->len > 0 ? _("Price per _kWh at other times")
                                                        : _("Price per _kWh"));
  self->syncing = FALSE;
  show_error (self, NULL);
  mark (self->currency_row, FALSE);
  mark (self->price_row, FALSE);
}

/* The key changed: by this group (the fields already say it) or by
 * someone else (they are filled again). */
static void
tariff_notify_cb (HfTariffGroup *self)
{
  g_autofree char *mine = NULL;
  g_autofree char *field_error = NULL;
  g_autoptr(HfTariff) theirs = hf_settings_get_tariff (self->settings, NULL);
  g_autoptr(HfTariff) ours = NULL;

  mine = compose (self, &field_error);
  if (mine != NULL && *mine != '\0')
    ours = hf_tariff_parse (mine, NULL);
  if (mine != NULL && (ours != NULL || *mine == '\0') && hf_tariff_equal (ours, theirs))
    return;
  fill (self);
}

static void
add_clicked_cb (HfTariffGroup *self)
{
  hf_tariff_group_add_period (self);
}

static void
hf_tariff_group_dispose (GObject *object)
{
  HfTariffGroup *self = HF_TARIFF_GROUP (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->periods, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_TARIFF_GROUP);

  G_OBJECT_CLASS (hf_tariff_group_parent_class)->dispose (object);
}

static void
hf_tariff_group_finalize (GObject *object)
{
  HfTariffGroup *self = HF_TARIFF_GROUP (object);

  g_free (self->error);

  G_OBJECT_CLASS (hf_tariff_group_parent_class)->finalize (object);
}

static void
hf_tariff_group_class_init (HfTariffGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_tariff_group_dispose;
  object_class->finalize = hf_tariff_group_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-tariff-group.ui");
  gtk_widget_class_bind_template_child (widget_class, HfTariffGroup, add_button);
  gtk_widget_class_bind_template_child (widget_class, HfTariffGroup, currency_row);
  gtk_widget_class_bind_template_child (widget_class, HfTariffGroup, error_label);
  gtk_widget_class_bind_template_child (widget_class, HfTariffGroup, price_row);
}

static void
hf_tariff_group_init (HfTariffGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->periods = g_ptr_array_new_with_free_func (period_free);
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (add_clicked_cb), self);
  g_signal_connect_swapped (self->currency_row, "changed", G_CALLBACK (fields_changed_cb), self);
  g_signal_connect_swapped (self->price_row, "changed", G_CALLBACK (fields_changed_cb), self);
}

void
hf_tariff_group_set_settings (HfTariffGroup *self,
                              HfSettings    *settings)
{
  g_return_if_fail (HF_IS_TARIFF_GROUP (self));
  g_return_if_fail (HF_IS_SETTINGS (settings));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  g_signal_connect_swapped (settings, "notify::" HF_SETTINGS_KEY_TARIFF,
                            G_CALLBACK (tariff_notify_cb), self);
  fill (self);
}

void
hf_tariff_group_add_period (HfTariffGroup *self)
{
  Period *p;

  g_return_if_fail (HF_IS_TARIFF_GROUP (self));

  self->syncing = TRUE;
  p = new_period (self);
  /* A start most tariffs have: weekdays. */
  for (guint d = 0; d < 5; d++)
    gtk_toggle_button_set_active (p->days[d], TRUE);
  self->syncing = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (p->from));
  fields_changed_cb (self);
}

void
hf_tariff_group_remove_period (HfTariffGroup *self,
                               guint          index)
{
  Period *p;

  g_return_if_fail (HF_IS_TARIFF_GROUP (self));
  g_return_if_fail (index < self->periods->len);

  p = g_ptr_array_index (self->periods, index);
  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), p->row);
  g_ptr_array_remove_index (self->periods, index);
  fields_changed_cb (self);
}

guint
hf_tariff_group_get_n_periods (HfTariffGroup *self)
{
  g_return_val_if_fail (HF_IS_TARIFF_GROUP (self), 0);
  return self->periods->len;
}

GtkEditable *
hf_tariff_group_get_field (HfTariffGroup *self,
                           int            period,
                           const char    *name)
{
  Period *p;

  g_return_val_if_fail (HF_IS_TARIFF_GROUP (self), NULL);

  if (period < 0)
    return GTK_EDITABLE (g_str_equal (name, "currency") ? self->currency_row : self->price_row);
  g_return_val_if_fail ((guint) period < self->periods->len, NULL);
  p = g_ptr_array_index (self->periods, period);
  if (g_str_equal (name, "from"))
    return p->from;
  if (g_str_equal (name, "to"))
    return p->to;
  return p->price;
}

GtkToggleButton *
hf_tariff_group_get_day (HfTariffGroup *self,
                         guint          period,
                         guint          day)
{
  g_return_val_if_fail (HF_IS_TARIFF_GROUP (self), NULL);
  g_return_val_if_fail (period < self->periods->len && day < 7, NULL);
  return ((Period *) g_ptr_array_index (self->periods, period))->days[day];
}

const char *
hf_tariff_group_get_error (HfTariffGroup *self)
{
  g_return_val_if_fail (HF_IS_TARIFF_GROUP (self), NULL);
  return self->error;
}
