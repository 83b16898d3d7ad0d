/* hf-add-miner-dialog.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "hf-add-miner-dialog.h"
#include "hf-miner-status.h"
#include "hf-window.h"

typedef struct
{
  HfApplication *app;
  GtkWindow     *parent;     /* weak */
  char          *address;
} AddJob;

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
  if (colon != NULL)
    {
      char *end = NULL;
      long port = strtol (colon + 1, &end, 10);

      if (end == colon + 1 || *end != '\0' || port < 1 || port > 65535)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID, _("“%s” is not a valid port"), colon + 1);
          return FALSE;
        }
      *http_port = (guint16) port;
      *colon = '\0';
    }
  if (!hf_ipv4_parse (copy, &ip))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   _("“%s” is not an IPv4 address such as 192.168.1.50"), copy);
      return FALSE;
    }
  *address = g_steal_pointer (&copy);
  return TRUE;
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AddJob *job = user_data;
  g_autoptr(GError) error = NULL;
  gboolean known = FALSE;
  g_autoptr(HfMiner) miner = hf_session_add_finish (HF_SESSION (source), result, &known, &error);
  g_autofree char *text = NULL;

  if (miner != NULL && known)
    text = g_strdup_printf (_("%s is already in your fleet"), hf_miner_display_name (miner));
  else if (miner != NULL)
    {
      const char *model = hf_miner_get_model (miner);

      text = g_strdup_printf (_("Added %s at %s"), model ? model : _("a miner"), job->address);
    }
  else if (g_error_matches (error, HF_ERROR, HF_ERROR_CONNECT)
           || g_error_matches (error, HF_ERROR, HF_ERROR_TIMEOUT))
    text = g_strdup_printf (_("No miner answered at %s"), job->address);
  else
    text = g_strdup_printf (_("Cannot add %s: %s"), job->address, error->message);

  if (job->parent != NULL && HF_IS_WINDOW (job->parent))
    hf_window_toast (HF_WINDOW (job->parent), text);
  g_clear_weak_pointer (&job->parent);
  g_object_unref (job->app);
  g_free (job->address);
  g_free (job);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             HfApplication    *app)
{
  GtkBox *box = GTK_BOX (adw_message_dialog_get_extra_child (dialog));
  GtkEditable *address_entry = GTK_EDITABLE (gtk_widget_get_first_child (GTK_WIDGET (box)));
  GtkSpinButton *port = GTK_SPIN_BUTTON (g_object_get_data (G_OBJECT (dialog), "hf-port"));
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint16 http_port;
  AddJob *job;

  if (g_strcmp0 (response, "add") != 0)
    return;
  if (!hf_add_miner_parse_address (gtk_editable_get_text (address_entry), &address, &http_port,
                                   &error))
    {
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
      if (HF_IS_WINDOW (parent))
        hf_window_toast (HF_WINDOW (parent), error->message);
      return;
    }
  job = g_new0 (AddJob, 1);
  job->app = g_object_ref (app);
  job->address = g_strdup (address);
  g_set_weak_pointer (&job->parent, gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  hf_session_add_async (hf_application_get_session (app), address, http_port,
                        (guint16) gtk_spin_button_get_value_as_int (port), NULL, added_cb, job);
}

static void
entry_changed_cb (GtkEditable      *entry,
                  AdwMessageDialog *dialog)
{
  g_autofree char *address = NULL;
  guint16 port;

  adw_message_dialog_set_response_enabled (dialog, "add",
    hf_add_miner_parse_address (gtk_editable_get_text (entry), &address, &port, NULL));
}

void
hf_add_miner_dialog_present (GtkWindow     *parent,
                             HfApplication *app)
{
  GtkWidget *dialog;
  GtkWidget *box, *entry, *port_box, *port_label, *port;

  dialog = adw_message_dialog_new (parent, _("Add Miner"),
                                   _("Hashfleet asks the address what it is: a Bitaxe or other "
                                     "AxeOS device over HTTP, or an Antminer, Whatsminer or Avalon "
                                     "on its API port."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("192.168.1.50 or 192.168.1.50:8080"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Address"), -1);
  gtk_box_append (GTK_BOX (box), entry);
  port_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  port_label = gtk_label_new_with_mnemonic (_("_API port (cgminer)"));
  gtk_widget_set_hexpand (port_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (port_label), 0);
  port = gtk_spin_button_new_with_range (1, 65535, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (port), 4028);
  gtk_label_set_mnemonic_widget (GTK_LABEL (port_label), port);
  gtk_box_append (GTK_BOX (port_box), port_label);
  gtk_box_append (GTK_BOX (port_box), port);
  gtk_box_append (GTK_BOX (box), port_box);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_object_set_data (G_OBJECT (dialog), "hf-port", port);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "add", _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (entry_changed_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (response_cb), g_object_ref (app),
                         (GClosureNotify) (void (*)(void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}
