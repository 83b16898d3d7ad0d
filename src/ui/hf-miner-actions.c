/* hf-miner-actions.c
 * SPDX-License-Identifier: MIT
 *
 * Destructive actions ask first (AdwMessageDialog), act on every selected
 * miner, and report one toast when all have answered.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-miner-actions.h"
#include "hf-miner-status.h"
#include "hf-window.h"

static void
toast (GtkWindow  *parent,
       const char *text)
{
  if (HF_IS_WINDOW (parent))
    hf_window_toast (HF_WINDOW (parent), text);
  else
    g_message ("%s", text);
}

static char *
describe (GPtrArray *miners)
{
  if (miners->len == 1)
    return g_strdup (hf_miner_display_name (g_ptr_array_index (miners, 0)));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u miner", "%u miners", miners->len),
                          miners->len);
}

/* Restart */

typedef struct
{
  GtkWindow *parent;      /* weak */
  guint      pending;
  guint      ok;
  GString   *failures;
  char      *first_ok;
} RestartJob;

static void
restart_job_finish (RestartJob *job)
{
  g_autofree char *text = NULL;

  if (job->failures->len > 0)
    text = g_strdup_printf (_("Restart failed: %s"), job->failures->str);
  else if (job->ok == 1)
    text = g_strdup_printf (_("%s is restarting"), job->first_ok);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u miner is restarting",
                                         "%u miners are restarting", job->ok), job->ok);
  if (job->parent != NULL)
    toast (job->parent, text);
  g_clear_weak_pointer (&job->parent);
  g_string_free (job->failures, TRUE);
  g_free (job->first_ok);
  g_free (job);
}

static void
restarted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RestartJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (hf_session_restart_finish (HF_SESSION (source), result, &error))
    {
      job->ok++;
    }
  else
    {
      if (job->failures->len > 0)
        g_string_append (job->failures, "; ");
      g_string_append (job->failures, error->message);
    }
  if (--job->pending == 0)
    restart_job_finish (job);
}

static void
restart_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  GPtrArray *miners = g_object_get_data (G_OBJECT (dialog), "hf-miners");
  HfApplication *app = g_object_get_data (G_OBJECT (dialog), "hf-app");
  RestartJob *job;

  if (g_strcmp0 (response, "restart") != 0)
    return;
  job = g_new0 (RestartJob, 1);
  g_set_weak_pointer (&job->parent, gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  job->failures = g_string_new (NULL);
  job->pending = miners->len;
  job->first_ok = g_strdup (hf_miner_display_name (g_ptr_array_index (miners, 0)));
  for (guint i = 0; i < miners->len; i++)
    hf_session_restart_async (hf_application_get_session (app), g_ptr_array_index (miners, i),
                              NULL, restarted_cb, job);
}

void
hf_miner_actions_restart (GtkWindow     *parent,
                          HfApplication *app,
                          GPtrArray     *miners)
{
  g_autofree char *what = describe (miners);
  g_autofree char *heading = g_strdup_printf (_("Restart %s?"), what);
  GtkWidget *dialog;

  g_return_if_fail (miners->len > 0);
  dialog = adw_message_dialog_new (parent, heading,
                                   _("Mining stops while the miner reboots, usually for a minute or two."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "restart", _("_Restart"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restart",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "hf-miners", g_ptr_array_ref (miners),
                          (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (dialog), "hf-app", g_object_ref (app), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (restart_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Remove */

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The miner left the fleet at once; only its rows could fail to go. */
  if (!hf_session_remove_finish (HF_SESSION (source), result, &error))
    g_warning ("cannot forget a removed miner's history: %s", error->message);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  GPtrArray *miners = g_object_get_data (G_OBJECT (dialog), "hf-miners");
  HfApplication *app = g_object_get_data (G_OBJECT (dialog), "hf-app");
  GtkCheckButton *keep = GTK_CHECK_BUTTON (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "remove") != 0)
    return;
  what = describe (miners);
  for (guint i = 0; i < miners->len; i++)
    hf_session_remove_async (hf_application_get_session (app), g_ptr_array_index (miners, i),
                             gtk_check_button_get_active (keep), NULL, removed_cb, NULL);
  text = g_strdup_printf (_("Removed %s"), what);
  toast (gtk_window_get_transient_for (GTK_WINDOW (dialog)), text);
}

void
hf_miner_actions_remove (GtkWindow     *parent,
                         HfApplication *app,
                         GPtrArray     *miners)
{
  g_autofree char *what = describe (miners);
  g_autofree char *heading = g_strdup_printf (_("Remove %s?"), what);
  GtkWidget *dialog;
  GtkWidget *keep;

  g_return_if_fail (miners->len > 0);
  dialog = adw_message_dialog_new (parent, heading,
                                   _("Hashfleet stops watching it. If it is found again by "
                                     "Discover it comes back."));
  keep = gtk_check_button_new_with_mnemonic (_("_Keep its history"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (keep), TRUE);
  gtk_widget_set_halign (keep, GTK_ALIGN_CENTER);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), keep);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "hf-miners", g_ptr_array_ref (miners),
                          (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (dialog), "hf-app", g_object_ref (app), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (remove_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Open, copy */

char *
hf_miner_web_uri (HfMiner *miner)
{
  guint port = hf_miner_get_http_port (miner);

  if (port == 0 || port == 80)
    return g_strdup_printf ("http://%s/", hf_miner_get_address (miner));
  return g_strdup_printf ("http://%s:%u/", hf_miner_get_address (miner), port);
}

void
hf_miner_actions_open_web (GtkWindow *parent,
                           GPtrArray *miners)
{
  g_autofree char *uri = NULL;

  g_return_if_fail (miners->len > 0);
  uri = hf_miner_web_uri (g_ptr_array_index (miners, 0));
  /* gtk_show_uri goes through the OpenURI portal inside Flatpak. */
  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
}

void
hf_miner_actions_copy_address (GtkWidget *widget,
                               GPtrArray *miners)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *toast_text = NULL;

  for (guint i = 0; i < miners->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, hf_miner_get_address (g_ptr_array_index (miners, i)));
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text->str);
  toast_text = miners->len == 1 ? g_strdup_printf (_("Copied %s"), text->str)
                                : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied %u address",
                                                                "Copied %u addresses", miners->len),
                                                   miners->len);
  if (GTK_IS_WINDOW (widget))
    toast (GTK_WINDOW (widget), toast_text);
}

/* Identify, pause, resume: no question asked (nothing is lost), every
 * selected miner that can, one toast. */

typedef struct
{
  GtkWindow     *parent;      /* weak */
  HfMinerAction  action;
  guint          pending;
  guint          ok;
  GString       *failures;
} ActJob;

static void
acted_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  ActJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (hf_session_act_finish (HF_SESSION (source), result, &error))
    job->ok++;
  else
    g_string_append_printf (job->failures, "%s%s", job->failures->len ? "; " : "", error->message);
  if (--job->pending > 0)
    return;

  if (job->failures->len > 0)
    text = g_strdup_printf (_("Failed: %s"), job->failures->str);
  else if (job->action == HF_ACTION_IDENTIFY)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u miner is showing itself",
                                         "%u miners are showing themselves", job->ok), job->ok);
  else if (job->action == HF_ACTION_PAUSE)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u miner paused",
                                         "%u miners paused", job->ok), job->ok);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u miner resumed",
                                         "%u miners resumed", job->ok), job->ok);
  if (job->parent != NULL)
    toast (job->parent, text);
  g_clear_weak_pointer (&job->parent);
  g_string_free (job->failures, TRUE);
  g_free (job);
}

void
hf_miner_actions_act (GtkWindow     *parent,
                      HfApplication *app,
                      GPtrArray     *miners,
                      HfMinerAction  action)
{
  ActJob *job = g_new0 (ActJob, 1);

  g_set_weak_pointer (&job->parent, parent);
  job->action = action;
  job->failures = g_string_new (NULL);
  job->pending = miners->len;
  for (guint i = 0; i < miners->len; i++)
    {
      hf_session_act_async (hf_application_get_session (app), g_ptr_array_index (miners, i),
                            action, NULL, acted_cb, job);
    }
  if (miners->len == 0)
    {
      g_string_free (job->failures, TRUE);
      g_clear_weak_pointer (&job->parent);
      g_free (job);
    }
}
