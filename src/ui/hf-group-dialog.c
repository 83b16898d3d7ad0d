/* hf-group-dialog.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-group-dialog.h"

typedef struct
{
  HfGroups        *groups;
  char            *current;
  GtkEntry        *entry;
  GtkLabel        *problem;
  HfGroupNameFunc  func;
  gpointer         user_data;
  GDestroyNotify   destroy;
} Asking;

static void
asking_free (gpointer data)
{
  Asking *a = data;

  if (a->destroy != NULL)
    a->destroy (a->user_data);
  g_object_unref (a->groups);
  g_free (a->current);
  g_free (a);
}

/* The name typed, without the spaces around it; NULL with the reason in
 * *@problem when it cannot be used. */
static char *
chosen_name (Asking  *a,
             char   **problem)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (a->entry))));
  g_autoptr(GError) error = NULL;
  const char *taken;

  *problem = NULL;
  if (*name == '\0')
    return NULL;
  if (!hf_groups_check_name (name, &error))
    {
      *problem = g_utf8_strlen (name, -1) > HF_GROUP_NAME_MAX
                 ? g_strdup_printf (_("At most %d characters"), HF_GROUP_NAME_MAX)
                 : g_strdup (_("A name cannot hold control characters"));
      return NULL;
    }
  taken = hf_groups_lookup (a->groups, name);
  /* Renaming a group to itself in another case is fine. */
  if (taken != NULL && (a->current == NULL || hf_groups_lookup (a->groups, a->current) != taken))
    {
      *problem = g_strdup_printf (_("There is a group “%s” already"), taken);
      return NULL;
    }
  return g_steal_pointer (&name);
}

static void
changed_cb (GtkEditable      *entry,
            AdwMessageDialog *dialog)
{
  Asking *a = g_object_get_data (G_OBJECT (dialog), "asking");
  g_autofree char *problem = NULL;
  g_autofree char *name = chosen_name (a, &problem);

  adw_message_dialog_set_response_enabled (dialog, "apply", name != NULL);
  gtk_label_set_text (a->problem, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (a->problem), problem != NULL);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  Asking *a = g_object_get_data (G_OBJECT (dialog), "asking");
  g_autofree char *problem = NULL;
  g_autofree char *name = NULL;

  if (g_strcmp0 (response, "apply") != 0)
    return;
  name = chosen_name (a, &problem);
  if (name != NULL)
    a->func (name, a->user_data);
}

static void
activate_cb (GtkEntry         *entry,
             AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "apply"))
    {
      adw_message_dialog_response (dialog, "apply");
      gtk_window_close (GTK_WINDOW (dialog));
    }
}

GtkWidget *
hf_group_name_dialog_new (GtkWindow      *parent,
                          HfGroups       *groups,
                          const char     *heading,
                          const char     *current,
                          const char     *apply_label,
                          HfGroupNameFunc func,
                          gpointer        user_data,
                          GDestroyNotify  destroy)
{
  AdwMessageDialog *dialog;
  GtkWidget *box;
  Asking *a;

  g_return_val_if_fail (HF_IS_GROUPS (groups), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, NULL));
  a = g_new0 (Asking, 1);
  a->groups = g_object_ref (groups);
  a->current = g_strdup (current);
  a->func = func;
  a->user_data = user_data;
  a->destroy = destroy;
  g_object_set_data_full (G_OBJECT (dialog), "asking", a, asking_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  a->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_max_length (a->entry, HF_GROUP_NAME_MAX);
  gtk_accessible_update_property (GTK_ACCESSIBLE (a->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Group name"), -1);
  gtk_entry_set_placeholder_text (a->entry, _("Group name, such as “Garage”"));
  if (current != NULL)
    gtk_editable_set_text (GTK_EDITABLE (a->entry), current);
  a->problem = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (a->problem, 0);
  gtk_label_set_wrap (a->problem, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (a->problem), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (a->problem), "error");
  gtk_widget_set_visible (GTK_WIDGET (a->problem), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (a->entry));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (a->problem));
  adw_message_dialog_set_extra_child (dialog, box);

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "apply", apply_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "apply");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (a->entry, "changed", G_CALLBACK (changed_cb), dialog);
  g_signal_connect (a->entry, "activate", G_CALLBACK (activate_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), NULL);
  changed_cb (GTK_EDITABLE (a->entry), dialog);
  gtk_widget_grab_focus (GTK_WIDGET (a->entry));
  return GTK_WIDGET (dialog);
}
