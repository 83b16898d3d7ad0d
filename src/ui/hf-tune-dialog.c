/* hf-tune-dialog.c
 * SPDX-License-Identifier: MIT
 *
 * The Tune dialog: the objective and limits on the left, and for each
 * miner it was opened for a view of its tune (hf-tune-view.c) side by
 * side.  Each view shows the miner's running tune when there is one,
 * else the last one kept in the store (hf_tuner_last_async()).  Start
 * starts a tune of every miner not tuning yet through the session's
 * tuner; overclocking asks first, as Settings does.  Stop and Restore
 * cancels them, which puts their original settings back.  The tunes are
 * the tuner's: closing the dialog leaves them running, and the cards
 * show their progress.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-miner-status.h"
#include "hf-tune-dialog.h"
#include "hf-window.h"

struct _HfTuneDialog
{
  AdwWindow         parent_instance;

  AdwWindowTitle   *window_title;
  GtkWidget        *start_button;
  GtkWidget        *cancel_button;
  AdwToastOverlay  *toast_overlay;
  GtkWidget        *form;
  AdwComboRow      *objective_row;
  GtkWidget        *target_row;
  GtkSpinButton    *target_watts;
  GtkSpinButton    *max_chip;
  GtkSpinButton    *max_vr;
  GtkSpinButton    *max_power;
  GtkSpinButton    *max_errors;
  GtkSpinButton    *settle;
  GtkSpinButton    *samples;
  GtkSwitch        *overclock;
  GtkBox           *views_box;

  HfApplication    *app;
  HfTuner          *tuner;
  GPtrArray        *views;         /* HfTuneView, one per miner */
  GCancellable     *cancellable;
  guint             loading;       /* last tunes still being read */
};

G_DEFINE_FINAL_TYPE (HfTuneDialog, hf_tune_dialog, ADW_TYPE_WINDOW)

gboolean
hf_tune_dialog_can_tune (HfMiner *miner)
{
  HfCapabilities caps;

  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  caps = hf_miner_get_capabilities (miner);
  switch (hf_miner_get_family (miner))
    {
    case HF_FAMILY_AXEOS: return (caps & HF_CAP_FREQUENCY) != 0;
    case HF_FAMILY_AVALON: return (caps & HF_CAP_WORK_MODE) != 0;
    default: return FALSE;
    }
}

/* The newest tune of @miner in this session (@running: only one that
 * runs), or NULL. */
static HfTune *
session_tune_of (HfTuneDialog *self,
                 HfMiner      *miner,
                 gboolean      running)
{
  GListModel *tunes = hf_tuner_get_tunes (self->tuner);

  for (guint i = g_list_model_get_n_items (tunes); i-- > 0; )
    {
      g_autoptr(HfTune) tune = g_list_model_get_item (tunes, i);

      if (hf_tune_get_miner (tune) == miner
          && (!running || hf_tune_get_state (tune) == HF_TUNE_RUNNING))
        return g_steal_pointer (&tune);
    }
  return NULL;
}

static gboolean
any_running (HfTuneDialog *self)
{
  for (guint i = 0; i < self->views->len; i++)
    {
      HfTune *tune = hf_tune_view_get_tune (g_ptr_array_index (self->views, i));

      if (tune != NULL && hf_tune_get_state (tune) == HF_TUNE_RUNNING)
        return TRUE;
    }
  return FALSE;
}

/* Start while nothing runs, Stop and Restore while something does; the
 * form says what the next tune will do, so it is fixed while one runs. */
static void
update_buttons (HfTuneDialog *self)
{
  gboolean running = any_running (self);

  gtk_widget_set_visible (self->start_button, !running);
  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tune.start",
                                 !running && self->tuner != NULL && self->views->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tune.cancel", running);
  gtk_widget_set_sensitive (self->form, !running);
}

static void
objective_changed_cb (HfTuneDialog *self)
{
  gtk_widget_set_visible (self->target_row,
                          adw_combo_row_get_selected (self->objective_row) == HF_TUNE_WATTS);
}

void
hf_tune_dialog_get_params (HfTuneDialog *self,
                           HfTuneParams *params)
{
  guint objective;

  g_return_if_fail (HF_IS_TUNE_DIALOG (self));
  g_return_if_fail (params != NULL);

  hf_tune_params_init (params);
  /* What is typed counts, even before the field is left. */
  gtk_spin_button_update (self->target_watts);
  gtk_spin_button_update (self->max_chip);
  gtk_spin_button_update (self->max_vr);
  gtk_spin_button_update (self->max_power);
  gtk_spin_button_update (self->max_errors);
  gtk_spin_button_update (self->settle);
  gtk_spin_button_update (self->samples);
  objective = adw_combo_row_get_selected (self->objective_row);
  params->objective = objective <= HF_TUNE_WATTS ? objective : HF_TUNE_EFFICIENCY;
  params->target_watts = params->objective == HF_TUNE_WATTS
                         ? gtk_spin_button_get_value (self->target_watts) : 0;
  params->max_chip_temp_c = gtk_spin_button_get_value (self->max_chip);
  params->max_vr_temp_c = gtk_spin_button_get_value (self->max_vr);
  params->max_power_w = gtk_spin_button_get_value (self->max_power);
  params->max_error_percent = gtk_spin_button_get_value (self->max_errors);
  params->settle_s = (guint) gtk_spin_button_get_value_as_int (self->settle);
  params->samples = (guint) gtk_spin_button_get_value_as_int (self->samples);
  params->allow_overclock = gtk_switch_get_active (self->overclock);
}

void
hf_tune_dialog_set_params (HfTuneDialog       *self,
                           const HfTuneParams *params)
{
  g_return_if_fail (HF_IS_TUNE_DIALOG (self));
  g_return_if_fail (params != NULL);

  adw_combo_row_set_selected (self->objective_row, params->objective);
  if (params->objective == HF_TUNE_WATTS)
    gtk_spin_button_set_value (self->target_watts, params->target_watts);
  gtk_spin_button_set_value (self->max_chip, params->max_chip_temp_c);
  gtk_spin_button_set_value (self->max_vr, params->max_vr_temp_c);
  gtk_spin_button_set_value (self->max_power, params->max_power_w);
  gtk_spin_button_set_value (self->max_errors, params->max_error_percent);
  gtk_spin_button_set_value (self->settle, params->settle_s);
  gtk_spin_button_set_value (self->samples, params->samples);
  gtk_switch_set_active (self->overclock, params->allow_overclock);
}

/* Starting */

static void
tune_finished_cb (HfTuneDialog *self)
{
  update_buttons (self);
}

static void
show_tune (HfTuneDialog *self,
           HfTuneView   *view,
           HfTune       *tune,
           gboolean      stored)
{
  hf_tune_view_set_tune (view, tune, stored);
  if (tune != NULL && hf_tune_get_state (tune) == HF_TUNE_RUNNING)
    g_signal_connect_object (tune, "finished", G_CALLBACK (tune_finished_cb), self,
                             G_CONNECT_SWAPPED);
}

static void
run (HfTuneDialog *self)
{
  HfTuneParams params;
  guint started = 0;

  hf_tune_dialog_get_params (self, &params);
  for (guint i = 0; i < self->views->len; i++)
    {
      HfTuneView *view = g_ptr_array_index (self->views, i);
      HfMiner *miner = hf_tune_view_get_miner (view);
      g_autoptr(GError) error = NULL;
      HfTune *tune;

      if (hf_tuner_is_tuning (self->tuner, miner))
        continue;
      tune = hf_tuner_start (self->tuner, miner, &params, &error);
      if (tune == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("Cannot tune: %s"), error->message);

          hf_tune_view_set_message (view, text);
          continue;
        }
      show_tune (self, view, tune, FALSE);
      started++;
    }
  g_debug ("started %u tunes", started);
  update_buttons (self);
}

static void
overclock_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       HfTuneDialog     *self)
{
  if (g_strcmp0 (response, "overclock") == 0)
    run (self);
}

static void
start_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HfTuneDialog *self = HF_TUNE_DIALOG (widget);
  GtkWidget *dialog;

  if (any_running (self) || self->tuner == NULL)
    return;
  if (!gtk_switch_get_active (self->overclock))
    {
      run (self);
      return;
    }
  /* The same question as Settings asks before an overclock. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   self->views->len == 1 ? _("Overclock this miner?")
                                                         : _("Overclock these miners?"),
                                   _("Above the model's default frequency and voltage it runs "
                                     "hotter and draws more power; it may become unstable. The "
                                     "tune still stops a step at any limit and never goes above "
                                     "the model's highest option."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "overclock", _("_Overclock"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "overclock",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (overclock_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HfTuneDialog *self = HF_TUNE_DIALOG (widget);

  for (guint i = 0; i < self->views->len; i++)
    {
      HfTune *tune = hf_tune_view_get_tune (g_ptr_array_index (self->views, i));

      if (tune != NULL && hf_tune_get_state (tune) == HF_TUNE_RUNNING)
        hf_tuner_cancel (self->tuner, tune);
    }
  adw_toast_overlay_add_toast (self->toast_overlay,
                               hf_toast_new (_("Stopping: the original settings go back")));
}

/* Enter starts, from any field of the form: a spin button does not pass
 * Enter on to the window's default widget in GTK 4.8. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HfTuneDialog          *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if ((keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
      || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;
  /* Enter on a button, a switch or a list still does what it does there. */
  if (focus != NULL && gtk_widget_get_ancestor (focus, GTK_TYPE_SPIN_BUTTON) == NULL
      && !GTK_IS_WINDOW (focus))
    return FALSE;
  if (focus != NULL && gtk_widget_get_ancestor (focus, GTK_TYPE_SPIN_BUTTON) != NULL)
    gtk_spin_button_update (GTK_SPIN_BUTTON (gtk_widget_get_ancestor (focus,
                                                                      GTK_TYPE_SPIN_BUTTON)));
  gtk_widget_activate_action (GTK_WIDGET (self), "tune.start", NULL);
  return TRUE;
}

/* The last tunes kept */

typedef struct
{
  HfTuneDialog *self;
  HfTuneView   *view;
} Last;

static void
last_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Last *last = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfTune) tune = hf_tuner_last_finish (HF_TUNER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (last);
      return;
    }
  last->self->loading--;
  if (error != NULL)
    g_debug ("cannot read the last tune: %s", error->message);
  /* A tune started meanwhile is newer than the one kept.  None kept: a
   * tune of this session that failed to put the settings back is not
   * over in the store yet, but it is what the user last saw. */
  if (hf_tune_view_get_tune (last->view) == NULL)
    {
      g_autoptr(HfTune) ours = NULL;

      if (tune != NULL)
        show_tune (last->self, last->view, tune, TRUE);
      else if ((ours = session_tune_of (last->self, hf_tune_view_get_miner (last->view), FALSE)))
        show_tune (last->self, last->view, ours, FALSE);
    }
  g_object_unref (last->self);
  g_free (last);
}

static void
hf_tune_dialog_dispose (GObject *object)
{
  HfTuneDialog *self = HF_TUNE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_TUNE_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->tuner);
  g_clear_pointer (&self->views, g_ptr_array_unref);

  G_OBJECT_CLASS (hf_tune_dialog_parent_class)->dispose (object);
}

static void
hf_tune_dialog_class_init (HfTuneDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_tune_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-tune-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HfTuneDialog, name)
  BIND (window_title);
  BIND (start_button);
  BIND (cancel_button);
  BIND (toast_overlay);
  BIND (form);
  BIND (objective_row);
  BIND (target_row);
  BIND (target_watts);
  BIND (max_chip);
  BIND (max_vr);
  BIND (max_power);
  BIND (max_errors);
  BIND (settle);
  BIND (samples);
  BIND (overclock);
  BIND (views_box);
#undef BIND
  gtk_widget_class_install_action (widget_class, "tune.start", NULL, start_activated);
  gtk_widget_class_install_action (widget_class, "tune.cancel", NULL, cancel_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hf_tune_dialog_init (HfTuneDialog *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->views = g_ptr_array_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect_swapped (self->objective_row, "notify::selected",
                            G_CALLBACK (objective_changed_cb), self);
}

GtkWidget *
hf_tune_dialog_new (GtkWindow     *parent,
                    HfApplication *app,
                    GPtrArray     *miners,
                    const char    *group)
{
  HfTuneDialog *self;
  HfSession *session;
  HfTuneParams defaults;
  g_autofree char *title = NULL;
  const char *subtitle = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HF_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (miners != NULL, NULL);

  self = g_object_new (HF_TYPE_TUNE_DIALOG, "transient-for", parent, NULL);
  self->app = app;
  session = hf_application_get_session (app);
  self->tuner = session != NULL ? g_object_ref (hf_session_get_tuner (session)) : NULL;
  hf_tune_params_init (&defaults);
  hf_tune_dialog_set_params (self, &defaults);

  for (guint i = 0; i < miners->len; i++)
    {
      HfMiner *miner = g_ptr_array_index (miners, i);
      GtkWidget *view;
      g_autoptr(HfTune) running = NULL;

      if (!hf_tune_dialog_can_tune (miner))
        continue;
      view = hf_tune_view_new (miner);
      gtk_box_append (self->views_box, view);
      g_ptr_array_add (self->views, view);
      if (self->tuner == NULL)
        continue;
      running = session_tune_of (self, miner, TRUE);
      if (running != NULL)
        show_tune (self, HF_TUNE_VIEW (view), running, FALSE);
      else
        {
          Last *last = g_new0 (Last, 1);

          last->self = g_object_ref (self);
          last->view = HF_TUNE_VIEW (view);
          self->loading++;
          hf_tuner_last_async (self->tuner, miner, self->cancellable, last_cb, last);
        }
    }

  if (self->views->len == 1)
    {
      HfMiner *miner = hf_tune_view_get_miner (g_ptr_array_index (self->views, 0));

      /* Translators: the Tune dialog's title, "Tune bitaxe-desk" */
      title = g_strdup_printf (_("Tune %s"), hf_miner_display_name (miner));
      subtitle = hf_miner_get_address (miner);
    }
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Tune %u Miner", "Tune %u Miners",
                                          self->views->len), self->views->len);
  if (group != NULL && self->views->len != 1)
    {
      g_autofree char *g = g_strdup_printf (_("Group “%s”"), group);
      adw_window_title_set_subtitle (self->window_title, g);
    }
  else
    adw_window_title_set_subtitle (self->window_title, subtitle);
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  /* Side by side, each as wide as one alone would be. */
  if (self->views->len > 1)
    gtk_window_set_default_size (GTK_WINDOW (self), MIN (1800, 380 + 640 * self->views->len),
                                 760);
  update_buttons (self);
  return GTK_WIDGET (self);
}

void
hf_tune_dialog_start (HfTuneDialog *self)
{
  g_return_if_fail (HF_IS_TUNE_DIALOG (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "tune.start", NULL);
}

void
hf_tune_dialog_cancel (HfTuneDialog *self)
{
  g_return_if_fail (HF_IS_TUNE_DIALOG (self));
  gtk_widget_activate_action (GTK_WIDGET (self), "tune.cancel", NULL);
}

HfTuneView *
hf_tune_dialog_get_view (HfTuneDialog *self,
                         guint         index)
{
  g_return_val_if_fail (HF_IS_TUNE_DIALOG (self), NULL);
  return index < self->views->len ? g_ptr_array_index (self->views, index) : NULL;
}

gboolean
hf_tune_dialog_get_loaded (HfTuneDialog *self)
{
  g_return_val_if_fail (HF_IS_TUNE_DIALOG (self), FALSE);
  return self->loading == 0;
}
