/* hf-miner-actions.c
 * SPDX-License-Identifier: MIT
 *
 * The miner.* actions, inserted on the window: one GMenu in the window's
 * .ui serves every card and row, each item targeted at the miner the menu
 * was opened on.  An action is enabled while the selection holds a miner
 * that can do it (HfMiner:capabilities), and acts only on those that can;
 * Pause while one is not paused, Resume while one is.  A card showing its
 * quick actions names its miner (miner.point): the actions are then
 * enabled for the miners an action targeted at it acts on.
 * Everything goes through the app's HfSession.  Destructive actions ask
 * first (AdwMessageDialog); each reports one toast once every miner has
 * answered.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-details-window.h"
#include "hf-firmware-dialog.h"
#include "hf-miner-actions.h"
#include "hf-miner-settings-dialog.h"
#include "hf-miner-status.h"
#include "hf-tune-dialog.h"
#include "hf-window.h"

struct _HfMinerActions
{
  GSimpleActionGroup  parent_instance;

  /* Borrowed references */
  GtkWindow          *window;        /* weak */

  /* Owned references */
  HfApplication      *app;
  GtkSelectionModel  *selection;
  GPtrArray          *watched;       /* the miners the actions are for, for their capabilities */
  char               *pointed;       /* the miner whose card shows its actions, or NULL */
  HfMiner            *only;          /* while hf_miner_actions_activate_on() runs */
  GPtrArray          *many;          /* while hf_miner_actions_activate_on_many() runs */
};

G_DEFINE_FINAL_TYPE (HfMinerActions, hf_miner_actions, G_TYPE_SIMPLE_ACTION_GROUP)

static void details_activated      (GSimpleAction *action, GVariant *target, gpointer user_data);
static void open_web_activated     (GSimpleAction *action, GVariant *target, gpointer user_data);
static void copy_address_activated (GSimpleAction *action, GVariant *target, gpointer user_data);
static void rename_activated       (GSimpleAction *action, GVariant *target, gpointer user_data);
static void settings_activated     (GSimpleAction *action, GVariant *target, gpointer user_data);
static void identify_activated     (GSimpleAction *action, GVariant *target, gpointer user_data);
static void pause_activated        (GSimpleAction *action, GVariant *target, gpointer user_data);
static void resume_activated       (GSimpleAction *action, GVariant *target, gpointer user_data);
static void restart_activated      (GSimpleAction *action, GVariant *target, gpointer user_data);
static void remove_activated       (GSimpleAction *action, GVariant *target, gpointer user_data);
static void point_activated        (GSimpleAction *action, GVariant *target, gpointer user_data);
static void override_activated     (GSimpleAction *action, GVariant *target, gpointer user_data);
static void follow_activated       (GSimpleAction *action, GVariant *target, gpointer user_data);
static void tune_activated         (GSimpleAction *action, GVariant *target, gpointer user_data);
static void firmware_activated     (GSimpleAction *action, GVariant *target, gpointer user_data);

/* What each action needs a miner to be able to do (0: any miner). */
static const struct
{
  GActionEntry   entry;
  HfCapabilities needs;
} miner_actions[] = {
  { { .name = "details", .activate = details_activated, .parameter_type = "s" }, 0 },
  { { .name = "open-web", .activate = open_web_activated, .parameter_type = "s" }, 0 },
  { { .name = "copy-address", .activate = copy_address_activated, .parameter_type = "s" }, 0 },
  { { .name = "rename", .activate = rename_activated, .parameter_type = "s" }, 0 },
  { { .name = "settings", .activate = settings_activated, .parameter_type = "s" },
    HF_CAP_ANY_SETTING },
  /* AxeOS and NerdOS by their frequencies, Avalon by its work modes
   * (hf_tune_dialog_can_tune() says which). */
  { { .name = "tune", .activate = tune_activated, .parameter_type = "s" },
    HF_CAP_FREQUENCY | HF_CAP_WORK_MODE },
  /* AxeOS and NerdOS only (hf_firmware_dialog_can_update()): enabled while
   * the selection holds one, and for a mixed selection it acts on those
   * alone, the dialog naming how many were left out. */
  { { .name = "update-firmware", .activate = firmware_activated, .parameter_type = "s" }, 0 },
  { { .name = "identify", .activate = identify_activated, .parameter_type = "s" },
    HF_CAP_IDENTIFY },
  { { .name = "pause", .activate = pause_activated, .parameter_type = "s" }, HF_CAP_PAUSE },
  { { .name = "resume", .activate = resume_activated, .parameter_type = "s" }, HF_CAP_PAUSE },
  { { .name = "restart", .activate = restart_activated, .parameter_type = "s" }, HF_CAP_RESTART },
  { { .name = "remove", .activate = remove_activated, .parameter_type = "s" }, 0 },
  /* Enabled for a scheduled miner (override) or an overridden one (follow). */
  { { .name = "override-schedule", .activate = override_activated, .parameter_type = "s" }, 0 },
  { { .name = "resume-schedule", .activate = follow_activated, .parameter_type = "s" }, 0 },
};

/* Not in any menu: a card says which miner its quick actions are for
 * ("": none). */
static const GActionEntry point_entry = {
  .name = "point", .activate = point_activated, .parameter_type = "s"
};

static gboolean
action_is (GSimpleAction *action,
           const char    *name)
{
  return g_str_equal (g_action_get_name (G_ACTION (action)), name);
}

static HfCapabilities
needs_of (GSimpleAction *action)
{
  const char *name = g_action_get_name (G_ACTION (action));

  for (guint i = 0; i < G_N_ELEMENTS (miner_actions); i++)
    if (g_str_equal (miner_actions[i].entry.name, name))
      return miner_actions[i].needs;
  g_return_val_if_reached (0);
}

static void
toast (GtkWindow  *window,
       const char *text)
{
  if (HF_IS_WINDOW (window))
    hf_window_toast (HF_WINDOW (window), text);
  else
    g_message ("%s", text);
}

/* The miners by name, as a question about them should: "bitaxe-a",
 * "bitaxe-a and avalon-nano", "bitaxe-a, bitaxe-b and avalon-nano", or
 * past four, the first three "and 5 other miners". */
#define NAMED_AT_MOST 4

static char *
describe (GPtrArray *miners)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint named = miners->len <= NAMED_AT_MOST ? miners->len : NAMED_AT_MOST - 1;

  if (miners->len == 1)
    return g_strdup (hf_miner_display_name (g_ptr_array_index (miners, 0)));
  for (guint i = 0; i + 1 < named; i++)
    {
      if (i > 0)
        g_string_append (names, _(", "));
      g_string_append (names, hf_miner_display_name (g_ptr_array_index (miners, i)));
    }
  if (named == miners->len)
    /* Translators: the last of a list of miners: "bitaxe-a, bitaxe-b and avalon-nano" */
    return g_strdup_printf (_("%s and %s"), names->str,
                            hf_miner_display_name (g_ptr_array_index (miners, named - 1)));
  g_string_append (names, _(", "));
  g_string_append (names, hf_miner_display_name (g_ptr_array_index (miners, named - 1)));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s and %u other miner",
                                       "%s and %u other miners", miners->len - named),
                          names->str, miners->len - named);
}

/* The miners @action targeted at @target acts on: only those that can. */
static GPtrArray *
miners_for (HfMinerActions *self,
            GSimpleAction  *action,
            GVariant       *target)
{
  GPtrArray *miners;
  HfCapabilities needs = needs_of (action);

  if (self->only != NULL)
    {
      miners = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (miners, g_object_ref (self->only));
    }
  else if (self->many != NULL)
    {
      miners = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < self->many->len; i++)
        g_ptr_array_add (miners, g_object_ref (g_ptr_array_index (self->many, i)));
    }
  else
    miners = hf_miner_actions_get_miners (self, g_variant_get_string (target, NULL));

  for (guint i = miners->len; needs != 0 && i-- > 0; )
    if ((hf_miner_get_capabilities (g_ptr_array_index (miners, i)) & needs) == 0
        || (action_is (action, "tune") && !hf_tune_dialog_can_tune (g_ptr_array_index (miners, i))))
      g_ptr_array_remove_index (miners, i);
  for (guint i = miners->len; action_is (action, "update-firmware") && i-- > 0; )
    if (!hf_firmware_dialog_can_update (g_ptr_array_index (miners, i)))
      g_ptr_array_remove_index (miners, i);
  return miners;
}

/* Enabled states */

static void
unwatch (HfMinerActions *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

/* Whether @miner says it is paused (and answers, so that it can resume). */
static gboolean
is_paused (HfMiner *miner)
{
  const HfReading *r = hf_miner_get_reading (miner);

  return hf_miner_get_online (miner) && r != NULL && r->paused;
}

/* Whether Pause would do something: it answers and is not paused. */
static gboolean
can_pause_now (HfMiner *miner)
{
  HfState state = hf_miner_state (miner);

  return state != HF_STATE_OFFLINE && state != HF_STATE_RESTARTING && !is_paused (miner);
}

/* The miners the actions are for: those an action targeted at the pointed
 * miner acts on, else the selection. */
static void
collect_targets (HfMinerActions *self)
{
  g_autoptr(GtkBitset) set = NULL;
  GtkBitsetIter iter;
  guint position;

  if (self->pointed != NULL)
    {
      g_autoptr(GPtrArray) miners = hf_miner_actions_get_miners (self, self->pointed);

      for (guint i = 0; i < miners->len; i++)
        g_ptr_array_add (self->watched, g_object_ref (g_ptr_array_index (miners, i)));
      return;
    }
  set = gtk_selection_model_get_selection (self->selection);
  for (gboolean more = gtk_bitset_iter_init_first (&iter, set, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (self->watched, g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                           position));
}

/* The session's scheduler (NULL before the app has a session). */
static HfScheduler *
scheduler_of (HfMinerActions *self)
{
  HfSession *session = self->app != NULL ? hf_application_get_session (self->app) : NULL;

  return session != NULL ? hf_session_get_scheduler (session) : NULL;
}

/* What the selected miners can do, which can change while they are
 * selected (a poll finds other firmware, a miner pauses). */
static void
update_enabled (HfMinerActions *self)
{
  HfCapabilities can = 0;
  gboolean pausable = FALSE, resumable = FALSE;
  gboolean overridable = FALSE, overridden = FALSE, tunable = FALSE, updatable = FALSE;
  HfScheduler *scheduler = scheduler_of (self);

  unwatch (self);
  collect_targets (self);
  for (guint i = 0; i < self->watched->len; i++)
    {
      HfMiner *miner = g_ptr_array_index (self->watched, i);
      HfCapabilities caps = hf_miner_get_capabilities (miner);

      can |= caps;
      tunable |= hf_tune_dialog_can_tune (miner);
      updatable |= hf_firmware_dialog_can_update (miner);
      if ((caps & HF_CAP_PAUSE) != 0)
        {
          pausable |= can_pause_now (miner);
          resumable |= is_paused (miner);
        }
      if (scheduler != NULL && hf_scheduler_get_override (scheduler, miner, NULL))
        overridden = TRUE;
      else if (scheduler != NULL && (hf_scheduler_get_desired (scheduler, miner) != NULL
                                     || hf_scheduler_get_next_change (scheduler, miner, NULL, NULL)))
        overridable = TRUE;
      g_signal_connect_swapped (miner, "notify::capabilities", G_CALLBACK (update_enabled), self);
      g_signal_connect_swapped (miner, "notify::state", G_CALLBACK (update_enabled), self);
    }
  for (guint i = 0; i < G_N_ELEMENTS (miner_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self),
                                                    miner_actions[i].entry.name);
      gboolean enabled = self->watched->len > 0
                         && (miner_actions[i].needs == 0 || (can & miner_actions[i].needs) != 0);

      if (miner_actions[i].entry.activate == pause_activated)
        enabled = enabled && pausable;
      else if (miner_actions[i].entry.activate == resume_activated)
        enabled = enabled && resumable;
      else if (miner_actions[i].entry.activate == override_activated)
        enabled = enabled && overridable;
      else if (miner_actions[i].entry.activate == follow_activated)
        enabled = enabled && overridden;
      else if (miner_actions[i].entry.activate == tune_activated)
        enabled = enabled && tunable;
      else if (miner_actions[i].entry.activate == firmware_activated)
        enabled = enabled && updatable;
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
    }
}

static void
selection_changed_cb (HfMinerActions *self)
{
  update_enabled (self);
}

static void
items_changed_cb (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  HfMinerActions *self)
{
  /* A removal (or a search) can take selected miners away; new ones
   * come unselected. */
  if (removed > 0)
    update_enabled (self);
}

/* Restart, identify, pause, resume: one request to each miner, one toast
 * once all have answered. */

typedef struct
{
  GtkWindow     *window;      /* weak */
  gboolean       restart;     /* else @action */
  HfMinerAction  action;
  guint          pending;
  guint          ok;
  GString       *failures;
  char          *first;       /* the first miner's name */
} Job;

static char *
job_outcome (Job *job)
{
  if (job->restart && job->failures->len > 0)
    return g_strdup_printf (_("Restart failed: %s"), job->failures->str);
  if (job->failures->len > 0)
    return g_strdup_printf (_("Failed: %s"), job->failures->str);
  if (job->restart && job->ok == 1)
    return g_strdup_printf (_("%s is restarting"), job->first);
  if (job->restart)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u miner is restarting",
                                         "%u miners are restarting", job->ok), job->ok);
  switch (job->action)
    {
    case HF_ACTION_IDENTIFY:
      /* Translators: the miners blink or show a message so they can be found */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Identifying %u miner",
                                           "Identifying %u miners", job->ok), job->ok);
    case HF_ACTION_PAUSE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u miner paused",
                                           "%u miners paused", job->ok), job->ok);
    case HF_ACTION_RESUME:
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u miner resumed",
                                           "%u miners resumed", job->ok), job->ok);
    }
}

static void
job_answered_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = job->restart ? hf_session_restart_finish (HF_SESSION (source), result, &error)
                             : hf_session_act_finish (HF_SESSION (source), result, &error);

  if (ok)
    job->ok++;
  else
    g_string_append_printf (job->failures, "%s%s", job->failures->len > 0 ? "; " : "",
                            error->message);
  if (--job->pending > 0)
    return;

  if (job->window != NULL)
    {
      g_autofree char *outcome = job_outcome (job);
      toast (job->window, outcome);
    }
  g_clear_weak_pointer (&job->window);
  g_string_free (job->failures, TRUE);
  g_free (job->first);
  g_free (job);
}

static void
job_start (HfMinerActions *self,
           GPtrArray      *miners,
           gboolean        restart,
           HfMinerAction   action)
{
  HfSession *session = hf_application_get_session (self->app);
  Job *job;

  g_assert (miners->len > 0);

  job = g_new0 (Job, 1);
  g_set_weak_pointer (&job->window, self->window);
  job->restart = restart;
  job->action = action;
  job->pending = miners->len;
  job->failures = g_string_new (NULL);
  job->first = g_strdup (hf_miner_display_name (g_ptr_array_index (miners, 0)));
  for (guint i = 0; i < miners->len; i++)
    {
      if (restart)
        hf_session_restart_async (session, g_ptr_array_index (miners, i), NULL,
                                  job_answered_cb, job);
      else
        hf_session_act_async (session, g_ptr_array_index (miners, i), action, NULL,
                              job_answered_cb, job);
    }
}

/* Asking first */

typedef struct
{
  HfMinerActions *self;
  GPtrArray      *miners;
} Confirm;

static void
confirm_free (gpointer  data,
              GClosure *closure)
{
  Confirm *confirm = data;

  g_object_unref (confirm->self);
  g_ptr_array_unref (confirm->miners);
  g_free (confirm);
}

/* "Cancel" or the destructive @response; Cancel is the default. */
static AdwMessageDialog *
confirm_new (HfMinerActions *self,
             GPtrArray      *miners,
             const char     *heading,
             const char     *body,
             const char     *response,
             const char     *label,
             GCallback       response_cb)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (self->window, heading,
                                                                         body));
  Confirm *confirm = g_new0 (Confirm, 1);

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  confirm->self = g_object_ref (self);
  confirm->miners = g_ptr_array_ref (miners);
  g_signal_connect_data (dialog, "response", response_cb, confirm, confirm_free, 0);
  return dialog;
}

static void
restart_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Confirm          *confirm)
{
  if (g_strcmp0 (response, "restart") == 0)
    job_start (confirm->self, confirm->miners, TRUE, 0);
}

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
                    Confirm          *confirm)
{
  GtkCheckButton *keep = GTK_CHECK_BUTTON (adw_message_dialog_get_extra_child (dialog));
  HfSession *session = hf_application_get_session (confirm->self->app);
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "remove") != 0)
    return;
  what = describe (confirm->miners);
  for (guint i = 0; i < confirm->miners->len; i++)
    hf_session_remove_async (session, g_ptr_array_index (confirm->miners, i),
                             gtk_check_button_get_active (keep), NULL, removed_cb, NULL);
  text = g_strdup_printf (_("Removed %s"), what);
  toast (confirm->self->window, text);
}

/* Activations */

static void
details_activated (GSimpleAction *action,
                   GVariant      *target,
                   gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  GtkWidget *details;

  if (miners->len == 0)
    return;
  details = hf_details_window_new (g_ptr_array_index (miners, 0),
                                   hf_application_get_store (self->app));
  if (hf_application_get_store (self->app) != NULL)
    {
      HfSession *session = hf_application_get_session (self->app);

      hf_details_window_set_energy_meter (HF_DETAILS_WINDOW (details),
                                          hf_session_get_energy_meter (session));
    }
  if (hf_application_get_session (self->app) != NULL)
    hf_details_window_set_session (HF_DETAILS_WINDOW (details),
                                   hf_application_get_session (self->app));
  gtk_window_set_transient_for (GTK_WINDOW (details), self->window);
  hf_window_fit_to_parent (GTK_WINDOW (details));
  gtk_window_present (GTK_WINDOW (details));
}

static void
open_web_activated (GSimpleAction *action,
                    GVariant      *target,
                    gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  g_autofree char *uri = NULL;

  if (miners->len == 0)
    return;
  uri = hf_miner_web_uri (g_ptr_array_index (miners, 0));
  /* gtk_show_uri goes through the OpenURI portal inside Flatpak. */
  gtk_show_uri (self->window, uri, GDK_CURRENT_TIME);
}

static void
copy_address_activated (GSimpleAction *action,
                        GVariant      *target,
                        gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *toast_text = NULL;

  if (miners->len == 0)
    return;
  for (guint i = 0; i < miners->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "",
                            hf_miner_get_address (g_ptr_array_index (miners, i)));
  gdk_clipboard_set_text (gdk_display_get_clipboard (gdk_display_get_default ()), text->str);
  if (miners->len == 1)
    toast_text = g_strdup_printf (_("Copied %s"), text->str);
  else
    toast_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied %u address",
                                               "Copied %u addresses", miners->len), miners->len);
  toast (self->window, toast_text);
}

static void
settings_activated (GSimpleAction *action,
                    GVariant      *target,
                    gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);

  /* Shown with the targeted miner's values; the same change goes to the
   * others after it. */
  if (miners->len > 0)
    {
      GtkWidget *dialog = hf_miner_settings_dialog_new_for_miners (self->window, self->app, miners);

      hf_window_fit_to_parent (GTK_WINDOW (dialog));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

/* One tune per miner, side by side when several are selected. */
static void
tune_activated (GSimpleAction *action,
                GVariant      *target,
                gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  GtkWidget *dialog;

  if (miners->len == 0)
    return;
  dialog = hf_tune_dialog_new (self->window, self->app, miners, NULL);
  hf_window_fit_to_parent (GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Update Firmware…: one dialog for the AxeOS miners of the selection (the
 * others are named as left out); it asks before it sends anything. */
static void
firmware_activated (GSimpleAction *action,
                    GVariant      *target,
                    gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  g_autoptr(GPtrArray) all = NULL;
  guint left_out = 0;
  GtkWidget *dialog;

  if (miners->len == 0)
    return;
  if (self->only == NULL && self->many == NULL)
    {
      all = hf_miner_actions_get_miners (self, g_variant_get_string (target, NULL));
      left_out = all->len - miners->len;
    }
  dialog = hf_firmware_dialog_new (self->window, self->app, miners, left_out);
  hf_window_fit_to_parent (GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Identify, pause, resume: no question asked (nothing is lost). */
static void
act (HfMinerActions *self,
     GSimpleAction  *action,
     GVariant       *target,
     HfMinerAction   what)
{
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);

  if (miners->len > 0)
    job_start (self, miners, FALSE, what);
}

static void
identify_activated (GSimpleAction *action,
                    GVariant      *target,
                    gpointer       user_data)
{
  act (HF_MINER_ACTIONS (user_data), action, target, HF_ACTION_IDENTIFY);
}

static void
pause_activated (GSimpleAction *action,
                 GVariant      *target,
                 gpointer       user_data)
{
  act (HF_MINER_ACTIONS (user_data), action, target, HF_ACTION_PAUSE);
}

static void
resume_activated (GSimpleAction *action,
                  GVariant      *target,
                  gpointer       user_data)
{
  act (HF_MINER_ACTIONS (user_data), action, target, HF_ACTION_RESUME);
}

/* Leave the miners alone until their schedules next switch. */
static void
override_activated (GSimpleAction *action,
                    GVariant      *target,
                    gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  HfScheduler *scheduler = scheduler_of (self);
  guint n = 0;

  for (guint i = 0; scheduler != NULL && i < miners->len; i++)
    n += hf_scheduler_override (scheduler, g_ptr_array_index (miners, i));
  if (n > 0)
    {
      g_autofree char *what = describe (miners);
      g_autofree char *text = g_strdup_printf (_("%s left alone until the next switch"), what);

      toast (self->window, text);
    }
  update_enabled (self);
}

static void
follow_activated (GSimpleAction *action,
                  GVariant      *target,
                  gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  HfScheduler *scheduler = scheduler_of (self);

  for (guint i = 0; scheduler != NULL && i < miners->len; i++)
    hf_scheduler_resume (scheduler, g_ptr_array_index (miners, i));
  update_enabled (self);
}

static void
restart_activated (GSimpleAction *action,
                   GVariant      *target,
                   gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  g_autofree char *what = NULL;
  g_autofree char *heading = NULL;

  if (miners->len == 0)
    return;
  what = describe (miners);
  heading = g_strdup_printf (_("Restart %s?"), what);
  gtk_window_present (GTK_WINDOW (confirm_new (self, miners, heading,
                                               _("Mining stops while the miner reboots, usually "
                                                 "for a minute or two."),
                                               "restart", _("_Restart"),
                                               G_CALLBACK (restart_response_cb))));
}

static void
remove_activated (GSimpleAction *action,
                  GVariant      *target,
                  gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  g_autofree char *what = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *keep;

  if (miners->len == 0)
    return;
  what = describe (miners);
  heading = g_strdup_printf (_("Remove %s?"), what);
  dialog = confirm_new (self, miners, heading,
                        _("Hashfleet stops watching it. If it is found again by Discover it "
                          "comes back."),
                        "remove", _("_Remove"), G_CALLBACK (remove_response_cb));
  keep = gtk_check_button_new_with_mnemonic (_("_Keep its history"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (keep), TRUE);
  gtk_widget_set_halign (keep, GTK_ALIGN_CENTER);
  adw_message_dialog_set_extra_child (dialog, keep);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
point_activated (GSimpleAction *action,
                 GVariant      *target,
                 gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  const char *address = g_variant_get_string (target, NULL);

  if (g_strcmp0 (self->pointed, *address != '\0' ? address : NULL) == 0)
    return;
  g_free (self->pointed);
  self->pointed = *address != '\0' ? g_strdup (address) : NULL;
  update_enabled (self);
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    Confirm          *confirm)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (g_strcmp0 (response, "rename") != 0)
    return;
  hf_session_set_label (hf_application_get_session (confirm->self->app),
                        g_ptr_array_index (confirm->miners, 0), gtk_editable_get_text (entry));
}

/* A name of the user's own (two identical Avalons told apart), for the
 * miner the menu was opened on only: one name for several would make
 * them alike again. */
static void
rename_activated (GSimpleAction *action,
                  GVariant      *target,
                  gpointer       user_data)
{
  HfMinerActions *self = HF_MINER_ACTIONS (user_data);
  g_autoptr(GPtrArray) miners = miners_for (self, action, target);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  HfMiner *miner;

  if (miners->len == 0)
    return;
  g_ptr_array_set_size (miners, 1);
  miner = g_ptr_array_index (miners, 0);
  heading = g_strdup_printf (_("Rename %s"), hf_miner_display_name (miner));
  dialog = confirm_new (self, miners, heading,
                        _("The name is shown everywhere in Hashfleet. Leave it empty to use the "
                          "miner's own."),
                        "rename", _("_Rename"), G_CALLBACK (rename_response_cb));
  /* Not destructive: renaming is what Enter does. */
  adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "rename");
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry),
                         hf_miner_get_label (miner) != NULL ? hf_miner_get_label (miner) : "");
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry),
                                  hf_miner_get_hostname (miner) != NULL
                                  ? hf_miner_get_hostname (miner) : hf_miner_get_address (miner));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (dialog, entry);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
hf_miner_actions_dispose (GObject *object)
{
  HfMinerActions *self = HF_MINER_ACTIONS (object);

  if (self->watched != NULL)
    unwatch (self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->app);
  g_clear_weak_pointer (&self->window);
  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer (&self->pointed, g_free);

  G_OBJECT_CLASS (hf_miner_actions_parent_class)->dispose (object);
}

static void
hf_miner_actions_class_init (HfMinerActionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_miner_actions_dispose;
}

static void
hf_miner_actions_init (HfMinerActions *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (miner_actions); i++)
    g_action_map_add_action_entries (G_ACTION_MAP (self), &miner_actions[i].entry, 1, self);
  g_action_map_add_action_entries (G_ACTION_MAP (self), &point_entry, 1, self);
}

HfMinerActions *
hf_miner_actions_new (GtkWindow         *window,
                      HfApplication     *app,
                      GtkSelectionModel *selection)
{
  HfMinerActions *self;

  g_return_val_if_fail (window == NULL || GTK_IS_WINDOW (window), NULL);
  g_return_val_if_fail (HF_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (GTK_IS_SELECTION_MODEL (selection), NULL);

  self = g_object_new (HF_TYPE_MINER_ACTIONS, NULL);
  g_set_weak_pointer (&self->window, window);
  self->app = g_object_ref (app);
  self->selection = g_object_ref (selection);
  g_signal_connect_swapped (selection, "selection-changed", G_CALLBACK (selection_changed_cb),
                            self);
  g_signal_connect (selection, "items-changed", G_CALLBACK (items_changed_cb), self);
  /* A switch passed, an override set or ended: what the menu offers changes. */
  if (scheduler_of (self) != NULL)
    g_signal_connect_object (scheduler_of (self), "changed", G_CALLBACK (update_enabled), self,
                             G_CONNECT_SWAPPED);
  update_enabled (self);
  return self;
}

/* As in Files (nautilus): the menu is for the selection, and a right-click
 * outside it first makes the clicked item the selection.  So the target
 * names the miner the menu (or a key) was for, and the action takes the
 * whole selection when that miner is in it.  A miner outside it (a
 * caller naming one the user did not select) is acted on alone: an action
 * never reaches miners the user did not pick. */
GPtrArray *
hf_miner_actions_get_miners (HfMinerActions *self,
                             const char     *address)
{
  GListModel *model;
  g_autoptr(GtkBitset) set = NULL;
  GPtrArray *miners;
  gboolean in_selection = FALSE;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (HF_IS_MINER_ACTIONS (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  model = G_LIST_MODEL (self->selection);
  set = gtk_selection_model_get_selection (self->selection);
  miners = g_ptr_array_new_with_free_func (g_object_unref);
  for (gboolean more = gtk_bitset_iter_init_first (&iter, set, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      HfMiner *miner = g_list_model_get_item (model, position);

      if (!in_selection && g_strcmp0 (hf_miner_get_address (miner), address) == 0)
        {
          in_selection = TRUE;
          g_ptr_array_insert (miners, 0, miner);
        }
      else
        g_ptr_array_add (miners, miner);
    }
  if (in_selection)
    return miners;

  g_ptr_array_set_size (miners, 0);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (model, i);

      if (g_strcmp0 (hf_miner_get_address (miner), address) == 0)
        {
          g_ptr_array_add (miners, g_steal_pointer (&miner));
          break;
        }
    }
  return miners;
}

GMenuModel *
hf_miner_actions_menu_for (GMenuModel *menu,
                           const char *address)
{
  GMenu *targeted;

  g_return_val_if_fail (G_IS_MENU_MODEL (menu), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  targeted = g_menu_new ();
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new_from_model (menu, i);
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *action = NULL;

      if (section != NULL)
        {
          g_autoptr(GMenuModel) inner = hf_miner_actions_menu_for (section, address);
          g_menu_item_set_section (item, inner);
        }
      else if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (address));
      g_menu_append_item (targeted, item);
    }
  return G_MENU_MODEL (targeted);
}

gboolean
hf_miner_actions_activate_on (HfMinerActions *self,
                              const char     *name,
                              HfMiner        *miner)
{
  g_autoptr(GVariant) target = NULL;
  GAction *action;

  g_return_val_if_fail (HF_IS_MINER_ACTIONS (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), name);
  for (guint i = 0; action != NULL && i < G_N_ELEMENTS (miner_actions); i++)
    if (g_str_equal (miner_actions[i].entry.name, name))
      {
        if (miner_actions[i].needs != 0
            && (hf_miner_get_capabilities (miner) & miner_actions[i].needs) == 0)
          return FALSE;
        /* Called as GAction would, but past its enabled state, which is
         * the selection's. */
        target = g_variant_ref_sink (g_variant_new_string (hf_miner_get_address (miner)));
        self->only = miner;
        miner_actions[i].entry.activate (G_SIMPLE_ACTION (action), target, self);
        self->only = NULL;
        return TRUE;
      }
  return FALSE;
}

gboolean
hf_miner_actions_activate_on_many (HfMinerActions *self,
                                   const char     *name,
                                   GPtrArray      *miners)
{
  g_autoptr(GVariant) target = NULL;
  GAction *action;

  g_return_val_if_fail (HF_IS_MINER_ACTIONS (self), FALSE);
  g_return_val_if_fail (miners != NULL, FALSE);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), name);
  if (action == NULL || miners->len == 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (miner_actions); i++)
    if (g_str_equal (miner_actions[i].entry.name, name))
      {
        target = g_variant_ref_sink (g_variant_new_string
                                     (hf_miner_get_address (g_ptr_array_index (miners, 0))));
        self->many = miners;
        miner_actions[i].entry.activate (G_SIMPLE_ACTION (action), target, self);
        self->many = NULL;
        return TRUE;
      }
  return FALSE;
}

char *
hf_miner_web_uri (HfMiner *miner)
{
  guint port;

  g_return_val_if_fail (HF_IS_MINER (miner), NULL);

  port = hf_miner_get_http_port (miner);
  if (port == 0 || port == 80)
    return g_strdup_printf ("http://%s/", hf_miner_get_address (miner));
  return g_strdup_printf ("http://%s:%u/", hf_miner_get_address (miner), port);
}
