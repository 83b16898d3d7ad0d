/* hf-add-miner-dialog.c
 * SPDX-License-Identifier: MIT
 *
 * A small dialog that stays open while the address is asked what it is
 * (up to the identify deadline, with a spinner), says in words why an
 * address is not valid or why nothing was added, and closes only once a
 * miner joined the fleet.  Its API port starts at the one the app was
 * started with (--cgminer-port), so Add Miner tries what Discover tries.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "hf-add-miner-dialog.h"
#include "hf-miner-status.h"
#include "hf-window.h"

struct _HfAddMinerDialog
{
  AdwWindow       parent_instance;

  GtkWidget      *add_button;
  GtkWidget      *spinner;
  AdwEntryRow    *address_row;
  GtkSpinButton  *port;
  GtkLabel       *message;

  HfApplication  *app;
  GCancellable   *cancellable;   /* the identify in flight */
  guint16         default_port;
  char           *address;       /* being added */
};

G_DEFINE_FINAL_TYPE (HfAddMinerDialog, hf_add_miner_dialog, ADW_TYPE_WINDOW)

gboolean
hf_add_miner_parse_address (const char  *text,
                            char       **address,
                            guint16     *http_port,
                            GError     **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text ? text : ""));
  char *colon = strrchr (copy, ':');
  guint32 ip;

  *http_port = 0;
  if (*copy == '\0')
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID, _("Type the miner’s IPv4 address"));
      return FALSE;
    }
  if (colon != NULL)
    {
      char *end = NULL;
      long port = strtol (colon + 1, &end, 10);

      if (end == colon + 1 || *end != '\0' || port < 1 || port > 65535)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                       _("“%s” is not a port: after the colon comes a number from 1 to 65535"),
                       colon + 1);
          return FALSE;
        }
      *http_port = (guint16) port;
      *colon = '\0';
    }
  if (!hf_ipv4_parse (copy, &ip))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   _("“%s” is not an IPv4 address: four numbers from 0 to 255 with dots "
                     "between them, such as 192.168.1.50"), copy);
      return FALSE;
    }
  *address = g_steal_pointer (&copy);
  return TRUE;
}

static void
say (HfAddMinerDialog *self,
     const char       *text)
{
  gtk_label_set_text (self->message, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), text != NULL);
}

static void
set_busy (HfAddMinerDialog *self,
          gboolean          busy)
{
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->address_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->port), !busy);
  gtk_widget_set_sensitive (self->add_button, !busy);
}

/* Why nothing was added, in words (the core's messages name sockets). */
static char *
describe_failure (const char   *address,
                  const GError *error)
{
  if (hf_error_is_connect (error))
    return g_strdup_printf (_("No miner answered at %s. Check the address, and that the miner "
                              "is switched on and on this network."), address);
  if (g_error_matches (error, HF_ERROR, HF_ERROR_TIMEOUT))
    return g_strdup_printf (_("Nothing answered at %s in time. Check the address, and that the "
                              "miner is switched on and on this network."), address);
  if (g_error_matches (error, HF_ERROR, HF_ERROR_NOT_A_MINER)
      || g_error_matches (error, HF_ERROR, HF_ERROR_PARSE)
      || g_error_matches (error, HF_ERROR, HF_ERROR_PROTOCOL))
    return g_strdup_printf (_("Something answered at %s, but not as a miner Hashfleet knows "
                              "(AxeOS, Antminer, Whatsminer or Avalon). If its API listens on "
                              "another port, set the API port."), address);
  if (g_error_matches (error, HF_ERROR, HF_ERROR_AUTH))
    return g_strdup_printf (_("The miner at %s refused the password. Set it in Preferences → "
                              "Credentials."), address);
  return g_strdup_printf (_("Cannot add %s: %s"), address, error->message);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HfAddMinerDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean known = FALSE;
  g_autoptr(HfMiner) miner = hf_session_add_finish (HF_SESSION (source), result, &known, &error);
  GtkWindow *parent;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  g_clear_object (&self->cancellable);
  if (miner == NULL)
    {
      text = describe_failure (self->address, error);
      say (self, text);
      gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
      return;
    }
  if (known)
    {
      text = g_strdup_printf (_("Already in your fleet as “%s”"), hf_miner_display_name (miner));
      say (self, text);
      return;
    }
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  text = g_strdup_printf (_("Added %s at %s"),
                          hf_miner_get_model (miner) ? hf_miner_get_model (miner) : _("a miner"),
                          self->address);
  if (HF_IS_WINDOW (parent))
    hf_window_toast (HF_WINDOW (parent), text);
  gtk_window_close (GTK_WINDOW (self));
}

static void
add_clicked_cb (HfAddMinerDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint16 http_port, port;

  if (self->cancellable != NULL)
    return;
  if (!hf_add_miner_parse_address (gtk_editable_get_text (GTK_EDITABLE (self->address_row)),
                                   &address, &http_port, &error))
    {
      say (self, error->message);
      return;
    }
  g_free (self->address);
  self->address = g_steal_pointer (&address);
  /* Unchanged, the port is the session's own (0): what Discover tries. */
  port = (guint16) gtk_spin_button_get_value_as_int (self->port);
  say (self, NULL);
  set_busy (self, TRUE);
  self->cancellable = g_cancellable_new ();
  hf_session_add_async (hf_application_get_session (self->app), self->address, http_port,
                        port == self->default_port ? 0 : port, self->cancellable, added_cb,
                        g_object_ref (self));
}

static void
address_changed_cb (HfAddMinerDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint16 port;
  gboolean valid = hf_add_miner_parse_address (text, &address, &port, &error);

  gtk_widget_set_sensitive (self->add_button, valid);
  /* Red only once there is something to be wrong; why, in words. */
  if (valid || *text == '\0')
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->address_row), "error");
      say (self, NULL);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->address_row), "error");
      say (self, error->message);
    }
}

static gboolean
close_request_cb (HfAddMinerDialog *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return FALSE;
}

static void
hf_add_miner_dialog_dispose (GObject *object)
{
  HfAddMinerDialog *self = HF_ADD_MINER_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->app);
  g_clear_pointer (&self->address, g_free);

  G_OBJECT_CLASS (hf_add_miner_dialog_parent_class)->dispose (object);
}

static void
hf_add_miner_dialog_class_init (HfAddMinerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_add_miner_dialog_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hf_add_miner_dialog_init (HfAddMinerDialog *self)
{
  GtkWidget *box, *header, *cancel, *page, *group, *intro, *port_row, *content;

  gtk_window_set_title (GTK_WINDOW (self), _("Add Miner"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 440, -1);
  gtk_window_set_resizable (GTK_WINDOW (self), FALSE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->add_button = gtk_button_new_with_mnemonic (_("_Add"));
  gtk_widget_add_css_class (self->add_button, "suggested-action");
  gtk_widget_set_sensitive (self->add_button, FALSE);
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (add_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->add_button);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Asking the address what it is"), -1);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->spinner);
  gtk_box_append (GTK_BOX (box), header);

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (content, 18);
  gtk_widget_set_margin_end (content, 18);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 18);
  intro = gtk_label_new (_("Hashfleet asks the address what it is: a Bitaxe or other AxeOS "
                           "device over HTTP, or an Antminer, Whatsminer or Avalon on its API "
                           "port."));
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (intro), 44);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_box_append (GTK_BOX (content), intro);

  page = adw_preferences_group_new ();
  group = page;
  self->address_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->address_row),
                                 _("Address, such as 192.168.1.50 or 192.168.1.50:8080"));
  g_signal_connect_swapped (self->address_row, "changed", G_CALLBACK (address_changed_cb), self);
  g_signal_connect_swapped (self->address_row, "entry-activated", G_CALLBACK (add_clicked_cb),
                            self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->address_row));
  port_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (port_row), _("_API port (cgminer)"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (port_row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (port_row),
                               _("Antminer, Whatsminer and Avalon answer on it"));
  self->port = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 65535, 1));
  gtk_widget_set_valign (GTK_WIDGET (self->port), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (port_row), GTK_WIDGET (self->port));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (port_row), GTK_WIDGET (self->port));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), port_row);
  gtk_box_append (GTK_BOX (content), group);

  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (GTK_LABEL (self->message), TRUE);
  gtk_label_set_max_width_chars (self->message, 44);
  gtk_label_set_xalign (self->message, 0);
  gtk_label_set_selectable (self->message, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->message));
  gtk_box_append (GTK_BOX (box), content);
  adw_window_set_content (ADW_WINDOW (self), box);

  gtk_window_set_default_widget (GTK_WINDOW (self), self->add_button);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
}

GtkWidget *
hf_add_miner_dialog_new (GtkWindow     *parent,
                         HfApplication *app)
{
  HfAddMinerDialog *self;

  g_return_val_if_fail (HF_IS_APPLICATION (app), NULL);

  self = g_object_new (HF_TYPE_ADD_MINER_DIALOG, "transient-for", parent, NULL);
  self->app = g_object_ref (app);
  self->default_port = hf_session_get_config (hf_application_get_session (app))->cgminer_port;
  gtk_spin_button_set_value (self->port, self->default_port);
  return GTK_WIDGET (self);
}

void
hf_add_miner_dialog_present (GtkWindow     *parent,
                             HfApplication *app)
{
  GtkWidget *dialog = hf_add_miner_dialog_new (parent, app);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (HF_ADD_MINER_DIALOG (dialog)->address_row));
}

void
hf_add_miner_dialog_set_address (HfAddMinerDialog *self,
                                 const char       *text)
{
  g_return_if_fail (HF_IS_ADD_MINER_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), text);
}

guint
hf_add_miner_dialog_get_port (HfAddMinerDialog *self)
{
  g_return_val_if_fail (HF_IS_ADD_MINER_DIALOG (self), 0);
  return (guint) gtk_spin_button_get_value_as_int (self->port);
}

gboolean
hf_add_miner_dialog_get_busy (HfAddMinerDialog *self)
{
  g_return_val_if_fail (HF_IS_ADD_MINER_DIALOG (self), FALSE);
  return self->cancellable != NULL;
}

gboolean
hf_add_miner_dialog_get_can_add (HfAddMinerDialog *self)
{
  g_return_val_if_fail (HF_IS_ADD_MINER_DIALOG (self), FALSE);
  return gtk_widget_get_sensitive (self->add_button);
}

const char *
hf_add_miner_dialog_get_message (HfAddMinerDialog *self)
{
  g_return_val_if_fail (HF_IS_ADD_MINER_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->message)) ? gtk_label_get_text (self->message)
                                                              : NULL;
}

void
hf_add_miner_dialog_add (HfAddMinerDialog *self)
{
  g_return_if_fail (HF_IS_ADD_MINER_DIALOG (self));
  add_clicked_cb (self);
}
