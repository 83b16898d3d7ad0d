/* hf-settings-rollout.c
 * SPDX-License-Identifier: MIT
 *
 * A change goes to the first miner alone; only when its next reading shows
 * the change does it go to the others (all at once), so a value a model
 * takes badly stops at one device.  Writing and checking are the
 * session's (hf_session_apply_async); this is the order and the words:
 * every miner ends with one line of outcome.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-miner-status.h"
#include "hf-settings-rollout.h"
#include "hf-window.h"

typedef struct _Rollout Rollout;

typedef struct
{
  Rollout  *rollout;
  HfMiner  *miner;
  gulong    handler;          /* HfSession::settings-written */
  gboolean  written;
  gboolean  done;
  gboolean  ok;
  char     *outcome;
} Step;

struct _Rollout
{
  HfApplication      *app;
  GtkWindow          *window;       /* weak */
  HfMinerSettings    *settings;
  gboolean            restart;
  GPtrArray          *steps;        /* Step* */
  guint               pending;
  HfRolloutFirstFunc  first;
  gpointer            first_data;
};

static GtkWindow *last_results;

static void
step_free (gpointer data)
{
  Step *s = data;

  g_clear_signal_handler (&s->handler, hf_application_get_session (s->rollout->app));
  g_object_unref (s->miner);
  g_free (s->outcome);
  g_free (s);
}

static void
rollout_free (Rollout *r)
{
  g_clear_weak_pointer (&r->window);
  hf_miner_settings_free (r->settings);
  g_ptr_array_unref (r->steps);
  g_free (r);
}

/* Results */

static void
show_results (Rollout *r)
{
  GtkWidget *window, *page, *group, *box, *header;
  guint ok = 0;
  g_autofree char *summary = NULL;

  for (guint i = 0; i < r->steps->len; i++)
    ok += ((Step *) g_ptr_array_index (r->steps, i))->ok;

  if (r->steps->len == 1)
    {
      Step *s = g_ptr_array_index (r->steps, 0);
      summary = g_strdup_printf ("%s: %s", hf_miner_display_name (s->miner), s->outcome);
      if (r->window != NULL && HF_IS_WINDOW (r->window))
        hf_window_toast (HF_WINDOW (r->window), summary);
      return;
    }

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Applied to %u of %u miner",
                                          "Applied to %u of %u miners", r->steps->len),
                             ok, r->steps->len);
  if (r->window != NULL && HF_IS_WINDOW (r->window))
    hf_window_toast (HF_WINDOW (r->window), summary);

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), summary);
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 420);
  gtk_window_set_transient_for (GTK_WINDOW (window), r->window);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);
  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), summary);
  for (guint i = 0; i < r->steps->len; i++)
    {
      Step *s = g_ptr_array_index (r->steps, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (s->ok ? "emblem-ok-symbolic"
                                                            : "dialog-warning-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), hf_miner_display_name (s->miner));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), s->outcome);
      gtk_widget_add_css_class (icon, s->ok ? "success" : "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (window), box);
  g_set_weak_pointer (&last_results, GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

/* Steps */

static void start_step (Rollout *r, Step *s);

static void
step_finish (Step       *s,
             gboolean    ok,
             const char *outcome)
{
  Rollout *r = s->rollout;

  if (s->done)
    return;
  s->done = TRUE;
  s->ok = ok;
  s->outcome = g_strdup (outcome);
  g_clear_signal_handler (&s->handler, hf_application_get_session (r->app));

  /* The first decides for the rest. */
  if (s == g_ptr_array_index (r->steps, 0) && r->steps->len > 1)
    {
      for (guint i = 1; i < r->steps->len; i++)
        {
          Step *next = g_ptr_array_index (r->steps, i);
          if (ok)
            start_step (r, next);
          else
            {
              next->done = TRUE;
              next->outcome = g_strdup (_("left alone: the first miner did not take the change"));
              r->pending--;
            }
        }
    }
  if (--r->pending == 0)
    {
      show_results (r);
      rollout_free (r);
    }
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Step *s = user_data;
  Rollout *r = s->rollout;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *text = NULL;
  HfApplyOutcome outcome = hf_session_apply_finish (HF_SESSION (source), result, &detail, &error);
  gboolean first = s == g_ptr_array_index (r->steps, 0);

  if (error != NULL)
    {
      text = g_strdup_printf (_("not applied: %s"), error->message);
      if (first && r->first != NULL && !s->written)
        {
          r->first (error, r->first_data);
          /* One miner: the dialog shows the refusal; no second word. */
          if (r->steps->len == 1)
            {
              rollout_free (r);
              return;
            }
        }
      step_finish (s, FALSE, text);
      return;
    }
  switch (outcome)
    {
    case HF_APPLY_APPLIED:
      step_finish (s, TRUE, _("applied"));
      break;
    case HF_APPLY_APPLIED_AFTER_RESTART:
      step_finish (s, TRUE, _("applied after restart"));
      break;
    case HF_APPLY_NOT_APPLIED:
      text = g_strdup_printf (_("not applied (%s)"), detail);
      step_finish (s, FALSE, text);
      break;
    case HF_APPLY_UNCHECKED:
    default:
      step_finish (s, FALSE, _("accepted, but no reading came to check it"));
      break;
    }
}

/* The miner accepted the write: the dialog may close; the check goes on. */
static void
written_cb (HfSession *session,
            HfMiner   *miner,
            Step      *s)
{
  Rollout *r = s->rollout;

  if (miner != s->miner || s->written)
    return;
  s->written = TRUE;
  if (s == g_ptr_array_index (r->steps, 0) && r->first != NULL)
    r->first (NULL, r->first_data);
}

static void
start_step (Rollout *r,
            Step    *s)
{
  HfSession *session = hf_application_get_session (r->app);

  s->handler = g_signal_connect (session, "settings-written", G_CALLBACK (written_cb), s);
  hf_session_apply_async (session, s->miner, r->settings,
                          r->restart ? HF_APPLY_RESTART : HF_APPLY_NONE, NULL, applied_cb, s);
}

void
hf_settings_rollout_start (HfApplication         *app,
                           GtkWindow             *window,
                           GPtrArray             *miners,
                           const HfMinerSettings *settings,
                           gboolean               restart,
                           HfRolloutFirstFunc     first,
                           gpointer               user_data)
{
  Rollout *r;

  g_return_if_fail (HF_IS_APPLICATION (app));
  g_return_if_fail (miners != NULL && miners->len > 0);

  r = g_new0 (Rollout, 1);
  r->app = app;
  g_set_weak_pointer (&r->window, window);
  r->settings = hf_miner_settings_copy (settings);
  r->restart = restart;
  r->first = first;
  r->first_data = user_data;
  r->steps = g_ptr_array_new_with_free_func (step_free);
  for (guint i = 0; i < miners->len; i++)
    {
      Step *s = g_new0 (Step, 1);

      s->rollout = r;
      s->miner = g_object_ref (g_ptr_array_index (miners, i));
      g_ptr_array_add (r->steps, s);
    }
  r->pending = miners->len;
  start_step (r, g_ptr_array_index (r->steps, 0));
}

GtkWindow *
hf_settings_rollout_get_last_results (void)
{
  return last_results;
}
