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
  gboolean  checkable;        /* its reading can show every field changed */
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

/* Whether @r (the miner's reading before the change) reports every field
 * @want changes, so that the next one can show whether it took.  A target
 * temperature or a hostname is never read back; a fan % or a work mode
 * only where the firmware reports them. */
static gboolean
change_checkable (const HfMinerSettings *want,
                  const HfReading       *r)
{
  if (r == NULL)
    return FALSE;
  if (want->target_temp_c != 0 || want->hostname != NULL)
    return FALSE;
  if (want->fan_percent >= 0 && !want->fan_auto && !hf_reading_known (r->fan_percent))
    return FALSE;
  if (want->fan_auto && r->fan_auto < 0)
    return FALSE;
  if (want->core_voltage_mv != 0 && !hf_reading_known (r->core_voltage_set_mv))
    return FALSE;
  if (want->work_mode >= 0 && r->work_mode < 0)
    return FALSE;
  return TRUE;
}

/* Outcomes stay long enough to read a miner's name and what happened. */
#define OUTCOME_TOAST_S 10

static void
toast_outcome (GtkWindow  *window,
               const char *text)
{
  AdwToast *toast;

  if (window == NULL || !HF_IS_WINDOW (window))
    return;
  toast = hf_toast_new (text);
  adw_toast_set_timeout (toast, OUTCOME_TOAST_S);
  hf_window_add_toast (HF_WINDOW (window), toast);
  g_object_unref (toast);
}

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
      toast_outcome (r->window, summary);
      return;
    }

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Applied to %u of %u miner",
                                          "Applied to %u of %u miners", r->steps->len),
                             ok, r->steps->len);
  toast_outcome (r->window, summary);

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
  /* A list to read, then Escape, as every dialog of the app. */
  {
    GtkEventController *keys = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
      gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                        gtk_named_action_new ("window.close")));
    gtk_widget_add_controller (window, keys);
  }
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
      /* Nothing contradicted it, but its reading cannot show it took. */
      step_finish (s, TRUE, s->checkable ? _("applied") : _("sent (cannot be checked)"));
      break;
    case HF_APPLY_APPLIED_AFTER_RESTART:
      step_finish (s, TRUE, s->checkable ? _("applied after restart")
                                         : _("sent, restarted (cannot be checked)"));
      break;
    case HF_APPLY_NOT_APPLIED:
      text = g_strdup_printf (_("not applied (%s)"), detail);
      step_finish (s, FALSE, text);
      break;
    case HF_APPLY_UNCHECKED:
    default:
      step_finish (s, FALSE, _("sent, but no reading came to check it"));
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

  s->checkable = change_checkable (r->settings, hf_miner_get_reading (s->miner));
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
