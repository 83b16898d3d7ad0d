/* hf-miner-card.c
 * SPDX-License-Identifier: MIT
 *
 * A card follows its miner (HfMinerBinding) and rewrites only the labels
 * whose text changed: the grid is recycled, never rebuilt, so a poll cycle
 * of a thousand readings moves no widget and flickers nothing.
 *
 * While the pointer or the keyboard focus is on a card, its most used
 * actions take the uptime's place: flat buttons for the window's miner.*
 * actions, targeted at the card's miner, as the context menu's items are.
 * The card tells the window which miner that is (miner.point), so that
 * the actions are enabled for it (see HfMinerActions).
 *
 * A line under the state says what Hashfleet is doing to the miner: a
 * tune running ("Tuning… step 3/12", following the tune's signals) or the
 * thermal guardian holding it down ("Stepped down 1 option (hot)").
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-miner-binding.h"
#include "hf-miner-card.h"
#include "hf-thermal-guardian.h"
#include "hf-tuner.h"

struct _HfMinerCard
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *box;
  GtkLabel       *name_label;
  GtkLabel       *family_label;
  GtkLabel       *subtitle_label;
  GtkLabel       *hashrate_label;
  GtkLabel       *temperature_label;
  GtkLabel       *power_label;
  GtkLabel       *fan_label;
  GtkLabel       *status_label;
  GtkLabel       *uptime_label;
  GtkLabel       *best_label;
  GtkLabel       *shares_label;
  GtkLabel       *vr_label;
  GtkLabel       *schedule_label;
  GtkLabel       *note_label;
  GtkStack       *end_stack;
  /* The quick actions, NULL until they first show */
  GtkWidget      *actions_box;
  GtkWidget      *identify_button;
  GtkWidget      *pause_button;
  GtkWidget      *resume_button;
  GtkWidget      *restart_button;
  GtkWidget      *settings_button;

  HfMinerBinding  binding;
  HfPowerBudget  *budget;          /* says which miners it curtailed */
  HfScheduler    *scheduler;       /* what the schedule label says */
  HfTuner        *tuner;           /* a tune of the miner running */
  HfTune         *tune;            /* that tune, whose steps the note follows */
  HfThermalGuardian *guardian;     /* the miner held down */
  GtkWidget      *watched_parent;  /* the list item, whose focus counts */
  gboolean        actions_shown;
};

enum {
  PROP_0,
  PROP_MINER,
  PROP_SETTINGS,
  PROP_POWER_BUDGET,
  PROP_SCHEDULER,
  PROP_TUNER,
  PROP_GUARDIAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (HfMinerCard, hf_miner_card, GTK_TYPE_WIDGET)

/* "1,234 / 5": accepted and rejected shares. */
static char *
format_shares (const HfReading *r)
{
  g_autofree char *accepted = NULL;
  g_autofree char *rejected = NULL;

  if (r == NULL || (!hf_reading_known (r->accepted) && !hf_reading_known (r->rejected)))
    return g_strdup ("—");
  accepted = hf_format_value (r->accepted, 0, NULL);
  rejected = hf_format_value (r->rejected, 0, NULL);
  return g_strdup_printf ("%s / %s", accepted, rejected);
}

/* "14:05" today, "06:00 Mon" another day. */
static char *
format_switch (gint64 when,
               gint64 now)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (when);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);

  if (g_date_time_get_year (at) == g_date_time_get_year (today)
      && g_date_time_get_day_of_year (at) == g_date_time_get_day_of_year (today))
    return g_date_time_format (at, "%H:%M");
  /* Translators: a time and a weekday, "06:00 Mon" (see strftime) */
  return g_date_time_format (at, _("%H:%M %a"));
}

/* What the miner's schedule does next: "Pauses at 22:00", "Mines from
 * 06:00 Mon", or that it is left alone until then; NULL: no schedule. */
static char *
schedule_text (HfScheduler *scheduler,
               HfMiner     *miner)
{
  const HfScheduleState *after = NULL;
  gint64 when, until, now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *at = NULL;
  g_autofree char *what = NULL;

  if (scheduler == NULL || miner == NULL)
    return NULL;
  if (hf_scheduler_get_override (scheduler, miner, &until))
    {
      if (until == G_MAXINT64)
        return g_strdup (_("Schedule overridden"));
      at = format_switch (until, now);
      /* Translators: "Schedule overridden until 22:00" */
      return g_strdup_printf (_("Schedule overridden until %s"), at);
    }
  if (!hf_scheduler_get_next_change (scheduler, miner, &when, &after))
    return hf_scheduler_get_desired (scheduler, miner) != NULL ? g_strdup (_("Scheduled"))
                                                               : NULL;
  at = format_switch (when, now);
  if (after == NULL)
    /* Translators: the schedule leaves the miner as it is from then on */
    return g_strdup_printf (_("Schedule ends at %s"), at);
  switch (after->kind)
    {
    case HF_SCHEDULE_PAUSED:
      /* Translators: "Pauses at 22:00" */
      return g_strdup_printf (_("Pauses at %s"), at);
    case HF_SCHEDULE_MINING:
      /* Translators: "Mines from 06:00 Mon" */
      return g_strdup_printf (_("Mines from %s"), at);
    default:
      what = hf_schedule_state_describe (after);
      /* Translators: "Work mode eco at 22:00", "490 MHz / 1100 mV at 22:00" */
      return g_strdup_printf (_("%s at %s"), what, at);
    }
}

static void
update_schedule (HfMinerCard *self)
{
  g_autofree char *text = schedule_text (self->scheduler, self->binding.miner);

  gtk_widget_set_visible (GTK_WIDGET (self->schedule_label), text != NULL);
  hf_label_set_text_changed (self->schedule_label, text != NULL ? text : "");
}

static void
set_target (GtkWidget  *button,
            const char *address)
{
  GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button));

  if (target == NULL || g_strcmp0 (g_variant_get_string (target, NULL), address) != 0)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                            g_variant_new_string (address));
}

/* The quick actions' targets, and Pause or Resume as the miner says it
 * is. */
static void
update_actions (HfMinerCard *self)
{
  HfMiner *m = self->binding.miner;
  const HfReading *r;
  gboolean paused;

  if (self->actions_box == NULL || m == NULL)
    return;
  r = hf_miner_get_reading (m);
  paused = r != NULL && r->paused;
  gtk_widget_set_visible (self->pause_button, !paused);
  gtk_widget_set_visible (self->resume_button, paused);
  set_target (self->identify_button, hf_miner_get_address (m));
  set_target (self->pause_button, hf_miner_get_address (m));
  set_target (self->resume_button, hf_miner_get_address (m));
  set_target (self->restart_button, hf_miner_get_address (m));
  set_target (self->settings_button, hf_miner_get_address (m));
}

static gboolean query_tooltip_cb (HfMinerCard *self, int x, int y, gboolean keyboard,
                                  GtkTooltip *tooltip, GtkWidget *label);

static GtkWidget *
action_button (HfMinerCard *self,
               const char  *action,
               const char  *icon,
               const char  *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new_string (hf_miner_get_address (self->binding.miner)));
  gtk_widget_set_has_tooltip (button, TRUE);
  g_signal_connect_swapped (button, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_box_append (GTK_BOX (self->actions_box), button);
  return button;
}

static void
ensure_actions (HfMinerCard *self)
{
  if (self->actions_box != NULL)
    return;
  self->actions_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_halign (self->actions_box, GTK_ALIGN_END);
  gtk_widget_set_valign (self->actions_box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->actions_box, "hf-quick-actions");
  self->identify_button = action_button (self, "miner.identify", "find-location-symbolic",
                                         _("Identify"));
  self->pause_button = action_button (self, "miner.pause", "media-playback-pause-symbolic",
                                      _("Pause"));
  self->resume_button = action_button (self, "miner.resume", "media-playback-start-symbolic",
                                       _("Resume"));
  self->restart_button = action_button (self, "miner.restart", "view-refresh-symbolic",
                                        _("Restart…"));
  self->settings_button = action_button (self, "miner.settings", "emblem-system-symbolic",
                                         _("Settings…"));
  gtk_stack_add_named (self->end_stack, self->actions_box, "actions");
  update_actions (self);
}

/* "Tuning… step 3/12", "Stepped down 1 option (hot)", or nothing. */
static char *
note_text (HfMinerCard *self)
{
  HfMiner *m = self->binding.miner;
  guint steps;

  if (m == NULL)
    return NULL;
  if (self->tune != NULL && hf_tune_get_state (self->tune) == HF_TUNE_RUNNING)
    {
      guint done = 0, total = 0;

      hf_tune_get_progress (self->tune, &done, &total);
      total = MAX (total, 1);
      /* Translators: a card while its miner is tuned, "Tuning… step 3/12" */
      return g_strdup_printf (_("Tuning… step %u/%u"), MIN (done + 1, total), total);
    }
  steps = self->guardian != NULL ? hf_thermal_guardian_get_steps (self->guardian, m) : 0;
  if (steps > 0)
    /* Translators: the thermal guardian holds the miner below its settings */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Stepped down %u option (hot)",
                                         "Stepped down %u options (hot)", steps), steps);
  return NULL;
}

static void
update_note (HfMinerCard *self)
{
  g_autofree char *text = note_text (self);

  gtk_widget_set_visible (GTK_WIDGET (self->note_label), text != NULL);
  hf_label_set_text_changed (self->note_label, text != NULL ? text : "");
  hf_widget_set_css_class (GTK_WIDGET (self->note_label), "warning",
                           text != NULL && (self->tune == NULL
                                            || hf_tune_get_state (self->tune) != HF_TUNE_RUNNING));
  hf_widget_set_css_class (GTK_WIDGET (self->note_label), "accent",
                           self->tune != NULL && hf_tune_get_state (self->tune) == HF_TUNE_RUNNING);
}

/* Follow the tune of the miner running now, if any. */
static void
watch_tune (HfMinerCard *self)
{
  HfTune *running = NULL;

  if (self->tuner != NULL && self->binding.miner != NULL)
    {
      GListModel *tunes = hf_tuner_get_tunes (self->tuner);

      for (guint i = g_list_model_get_n_items (tunes); running == NULL && i-- > 0; )
        {
          g_autoptr(HfTune) tune = g_list_model_get_item (tunes, i);

          if (hf_tune_get_miner (tune) == self->binding.miner
              && hf_tune_get_state (tune) == HF_TUNE_RUNNING)
            running = tune;
        }
    }
  if (running != self->tune)
    {
      if (self->tune != NULL)
        g_signal_handlers_disconnect_by_data (self->tune, self);
      g_set_object (&self->tune, running);
      if (running != NULL)
        {
          g_signal_connect_swapped (running, "step-started", G_CALLBACK (update_note), self);
          g_signal_connect_swapped (running, "step-finished", G_CALLBACK (update_note), self);
          g_signal_connect_swapped (running, "finished", G_CALLBACK (update_note), self);
        }
    }
  update_note (self);
}

static void
refresh (GtkWidget *widget)
{
  HfMinerCard *self = HF_MINER_CARD (widget);
  HfMiner *m = self->binding.miner;
  const HfReading *r;
  HfState state;
  gboolean answering;
  g_autofree char *subtitle = NULL;
  g_autofree char *hashrate = NULL;
  g_autofree char *temperature = NULL;
  g_autofree char *power = NULL;
  g_autofree char *fan = NULL;
  g_autofree char *uptime = NULL;
  g_autofree char *status = NULL;
  g_autofree char *best = NULL;
  g_autofree char *shares = NULL;
  g_autofree char *vr = NULL;
  g_autofree char *a11y = NULL;
  const char *model;

  if (m == NULL)
    return;

  r = hf_miner_get_reading (m);
  state = hf_miner_state (m);
  answering = state != HF_STATE_OFFLINE && state != HF_STATE_RESTARTING;
  model = hf_miner_get_model (m);
  hf_label_set_text_changed (self->name_label, hf_miner_display_name (m));
  /* Written as everywhere else: "AxeOS", "Antminer". */
  hf_label_set_text_changed (self->family_label,
                             hf_family_display_name (hf_miner_get_family (m)));
  subtitle = model != NULL && g_strcmp0 (model, hf_miner_display_name (m)) != 0
    ? g_strdup_printf ("%s · %s", model, hf_miner_get_address (m))
    : g_strdup (hf_miner_get_address (m));
  hf_label_set_text_changed (self->subtitle_label, subtitle);

  hashrate = hf_miner_format_field (m, HF_MINER_FIELD_HASHRATE);
  temperature = hf_miner_format_field (m, HF_MINER_FIELD_TEMPERATURE);
  power = hf_miner_format_field (m, HF_MINER_FIELD_POWER);
  fan = hf_miner_format_field (m, HF_MINER_FIELD_FAN);
  {
    g_autofree char *up = hf_miner_format_field (m, HF_MINER_FIELD_UPTIME);
    /* Translators: a card's uptime, "Up 3h 5m" */
    uptime = g_strcmp0 (up, "—") == 0 ? g_strdup ("") : g_strdup_printf (_("Up %s"), up);
  }
  status = hf_miner_status_text (m, g_get_real_time ());
  if (self->budget != NULL && hf_power_budget_is_curtailed (self->budget, m))
    {
      /* Translators: a card's status when the power budget paused the
       * miner or set its lowest work mode; %s is its usual status */
      char *curtailed = g_strdup_printf (_("Curtailed: power budget · %s"), status);

      g_free (status);
      status = curtailed;
    }
  best = hf_miner_format_field (m, HF_MINER_FIELD_BEST_DIFFICULTY);
  shares = format_shares (r);
  vr = hf_miner_format_field (m, HF_MINER_FIELD_VR_TEMPERATURE);

  hf_label_set_text_changed (self->hashrate_label, hashrate);
  hf_label_set_text_changed (self->temperature_label, temperature);
  hf_label_set_text_changed (self->power_label, power);
  hf_label_set_text_changed (self->fan_label, fan);
  hf_label_set_text_changed (self->uptime_label, uptime);
  hf_label_set_text_changed (self->status_label, status);
  hf_label_set_text_changed (self->best_label, best);
  hf_label_set_text_changed (self->shares_label, shares);
  hf_label_set_text_changed (self->vr_label, vr);

  hf_widget_set_css_class (GTK_WIDGET (self->temperature_label), "error",
                           hf_miner_binding_is_hot (&self->binding));
  hf_widget_set_css_class (GTK_WIDGET (self->vr_label), "error",
                           hf_miner_field_is_hot (m, HF_MINER_FIELD_VR_TEMPERATURE,
                                                  hf_miner_binding_get_hot_c (&self->binding)));
  hf_miner_binding_show_state (&self->binding, GTK_WIDGET (self->status_label));
  /* The numbers of a miner that is not answering are its last ones:
   * dimmed, all of them; a hashrate that is not hashing is no hashrate to
   * read at a glance either. */
  {
    GtkWidget *values[] = { GTK_WIDGET (self->temperature_label), GTK_WIDGET (self->power_label),
                            GTK_WIDGET (self->fan_label), GTK_WIDGET (self->best_label),
                            GTK_WIDGET (self->shares_label), GTK_WIDGET (self->vr_label) };

    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
      hf_widget_set_css_class (values[i], "dim-label", !answering);
  }
  hf_widget_set_css_class (GTK_WIDGET (self->hashrate_label), "dim-label",
                           !answering || !hf_state_is_hashing (state));
  hf_widget_set_css_class (GTK_WIDGET (self), "hf-offline", state == HF_STATE_OFFLINE);
  update_note (self);

  update_actions (self);

  a11y = g_strdup_printf ("%s, %s, %s", hf_miner_display_name (m), hashrate, status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

/* Quick actions */

static void
update_actions_shown (HfMinerCard *self)
{
  GtkStateFlags own = gtk_widget_get_state_flags (GTK_WIDGET (self));
  GtkStateFlags item = self->watched_parent != NULL
                       ? gtk_widget_get_state_flags (self->watched_parent) : 0;
  gboolean shown = self->binding.miner != NULL
                   && ((own & (GTK_STATE_FLAG_PRELIGHT | GTK_STATE_FLAG_FOCUS_WITHIN)) != 0
                       || (item & GTK_STATE_FLAG_FOCUS_WITHIN) != 0);

  if (shown == self->actions_shown)
    return;
  self->actions_shown = shown;
  if (shown)
    ensure_actions (self);
  gtk_stack_set_visible_child_name (self->end_stack, shown ? "actions" : "uptime");
  /* The window enables the actions for the miner they are shown for. */
  gtk_widget_activate_action (GTK_WIDGET (self), "miner.point", "s",
                              shown ? hf_miner_get_address (self->binding.miner) : "");
}

static void
state_flags_changed_cb (HfMinerCard   *self,
                        GtkStateFlags  previous)
{
  update_actions_shown (self);
}

static void
watch_parent (HfMinerCard *self,
              GtkWidget   *parent)
{
  if (self->watched_parent != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_parent, state_flags_changed_cb, self);
  g_set_weak_pointer (&self->watched_parent, parent);
  if (parent != NULL)
    g_signal_connect_swapped (parent, "state-flags-changed",
                              G_CALLBACK (state_flags_changed_cb), self);
}

static void
parent_changed_cb (HfMinerCard *self)
{
  watch_parent (self, gtk_widget_get_parent (GTK_WIDGET (self)));
  update_actions_shown (self);
}

gboolean
hf_miner_card_get_actions_shown (HfMinerCard *self)
{
  g_return_val_if_fail (HF_IS_MINER_CARD (self), FALSE);
  return self->actions_shown;
}

/* Tooltips are asked for, not set: setting one makes GTK 4.8 look up the
 * pointer (an X round trip) at once, and a card is bound and refreshed a
 * thousand times a poll cycle. */
static gboolean
query_tooltip_cb (HfMinerCard *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip,
                  GtkWidget   *label)  /* or a button */
{
  HfMiner *miner = self->binding.miner;
  const HfReading *r;
  const char *text = NULL;

  if (miner == NULL)
    return FALSE;
  r = hf_miner_get_reading (miner);
  if (label == GTK_WIDGET (self->family_label))
    text = hf_miner_get_firmware (miner);
  else if (label == GTK_WIDGET (self->power_label) && r != NULL && r->power_estimated)
    text = _("Estimated from the model's typical efficiency");
  else if (label == GTK_WIDGET (self->uptime_label))
    text = _("Time since the miner last started");
  /* A long state ("Offline since 14:05 · not answering") is cut short
   * beside the uptime: whole in its tooltip. */
  else if (label == GTK_WIDGET (self->status_label)
           && pango_layout_is_ellipsized (gtk_label_get_layout (self->status_label)))
    text = gtk_label_get_text (self->status_label);
  else if (label == GTK_WIDGET (self->best_label))
    text = _("The best share it found, ever (where the firmware keeps it)");
  else if (label == GTK_WIDGET (self->shares_label))
    text = _("Shares accepted / rejected by the pool");
  else if (label == self->identify_button && label != NULL)
    text = _("Identify");
  else if (label == self->pause_button)
    text = _("Pause");
  else if (label == self->resume_button)
    text = _("Resume");
  else if (label == self->restart_button)
    text = _("Restart…");
  else if (label == self->settings_button)
    text = _("Settings…");
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
hf_miner_card_dispose (GObject *object)
{
  HfMinerCard *self = HF_MINER_CARD (object);

  hf_miner_binding_clear (&self->binding);
  hf_miner_card_set_power_budget (self, NULL);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_clear_object (&self->scheduler);
  hf_miner_card_set_tuner (self, NULL);
  hf_miner_card_set_guardian (self, NULL);
  watch_parent (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_MINER_CARD);

  G_OBJECT_CLASS (hf_miner_card_parent_class)->dispose (object);
}

static void
hf_miner_card_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HfMinerCard *self = HF_MINER_CARD (object);

  switch (prop_id)
    {
    case PROP_MINER: g_value_set_object (value, self->binding.miner); break;
    case PROP_SETTINGS: g_value_set_object (value, self->binding.settings); break;
    case PROP_POWER_BUDGET: g_value_set_object (value, self->budget); break;
    case PROP_SCHEDULER: g_value_set_object (value, self->scheduler); break;
    case PROP_TUNER: g_value_set_object (value, self->tuner); break;
    case PROP_GUARDIAN: g_value_set_object (value, self->guardian); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_miner_card_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HfMinerCard *self = HF_MINER_CARD (object);

  switch (prop_id)
    {
    case PROP_MINER: hf_miner_card_set_miner (self, g_value_get_object (value)); break;
    case PROP_SETTINGS: hf_miner_card_set_settings (self, g_value_get_object (value)); break;
    case PROP_POWER_BUDGET: hf_miner_card_set_power_budget (self, g_value_get_object (value)); break;
    case PROP_SCHEDULER: hf_miner_card_set_scheduler (self, g_value_get_object (value)); break;
    case PROP_TUNER: hf_miner_card_set_tuner (self, g_value_get_object (value)); break;
    case PROP_GUARDIAN: hf_miner_card_set_guardian (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_miner_card_class_init (HfMinerCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_miner_card_dispose;
  object_class->get_property = hf_miner_card_get_property;
  object_class->set_property = hf_miner_card_set_property;

  properties[PROP_MINER] =
    g_param_spec_object ("miner", NULL, NULL, HF_TYPE_MINER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Where the hot threshold comes from. */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, HF_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Whose curtailed miners say so on their card. */
  properties[PROP_POWER_BUDGET] =
    g_param_spec_object ("power-budget", NULL, NULL, HF_TYPE_POWER_BUDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Where the next switch of the miner's schedule comes from. */
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL, HF_TYPE_SCHEDULER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Whose running tune of the miner its note follows. */
  properties[PROP_TUNER] =
    g_param_spec_object ("tuner", NULL, NULL, HF_TYPE_TUNER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Whose steps down of the miner its note says. */
  properties[PROP_GUARDIAN] =
    g_param_spec_object ("guardian", NULL, NULL, HF_TYPE_THERMAL_GUARDIAN,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-miner-card.ui");
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, box);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, family_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, hashrate_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, temperature_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, power_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, fan_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, status_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, uptime_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, best_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, shares_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, vr_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, schedule_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, note_label);
  gtk_widget_class_bind_template_child (widget_class, HfMinerCard, end_stack);
  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hfminercard");
}

static void
hf_miner_card_init (HfMinerCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hf_miner_binding_init (&self->binding, GTK_WIDGET (self), refresh);
  g_signal_connect (self, "state-flags-changed", G_CALLBACK (state_flags_changed_cb), NULL);
  g_signal_connect (self, "notify::parent", G_CALLBACK (parent_changed_cb), NULL);
}

GtkWidget *
hf_miner_card_new (void)
{
  return g_object_new (HF_TYPE_MINER_CARD, NULL);
}

HfMiner *
hf_miner_card_get_miner (HfMinerCard *self)
{
  g_return_val_if_fail (HF_IS_MINER_CARD (self), NULL);
  return self->binding.miner;
}

void
hf_miner_card_set_miner (HfMinerCard *self,
                         HfMiner     *miner)
{
  g_return_if_fail (HF_IS_MINER_CARD (self));

  if (!hf_miner_binding_set_miner (&self->binding, miner))
    return;
  /* Recycled for another miner: the actions shown were for the last one. */
  if (self->actions_shown)
    {
      self->actions_shown = FALSE;
      gtk_stack_set_visible_child_name (self->end_stack, "uptime");
      gtk_widget_activate_action (GTK_WIDGET (self), "miner.point", "s", "");
    }
  update_actions_shown (self);
  update_schedule (self);
  watch_tune (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MINER]);
}

HfSettings *
hf_miner_card_get_settings (HfMinerCard *self)
{
  g_return_val_if_fail (HF_IS_MINER_CARD (self), NULL);
  return self->binding.settings;
}

void
hf_miner_card_set_settings (HfMinerCard *self,
                            HfSettings  *settings)
{
  g_return_if_fail (HF_IS_MINER_CARD (self));

  if (hf_miner_binding_set_settings (&self->binding, settings))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTINGS]);
}

void
hf_miner_card_set_power_budget (HfMinerCard   *self,
                                HfPowerBudget *budget)
{
  g_return_if_fail (HF_IS_MINER_CARD (self));
  g_return_if_fail (budget == NULL || HF_IS_POWER_BUDGET (budget));

  if (self->budget == budget)
    return;
  if (self->budget != NULL)
    g_signal_handlers_disconnect_by_data (self->budget, self);
  g_set_object (&self->budget, budget);
  if (budget != NULL)
    g_signal_connect_swapped (budget, "changed", G_CALLBACK (refresh), self);
  refresh (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POWER_BUDGET]);
}

HfScheduler *
hf_miner_card_get_scheduler (HfMinerCard *self)
{
  g_return_val_if_fail (HF_IS_MINER_CARD (self), NULL);
  return self->scheduler;
}

void
hf_miner_card_set_scheduler (HfMinerCard *self,
                             HfScheduler *scheduler)
{
  g_return_if_fail (HF_IS_MINER_CARD (self));

  if (self->scheduler == scheduler)
    return;
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_set_object (&self->scheduler, scheduler);
  /* Only when a switch passes or schedules change: not every reading. */
  if (scheduler != NULL)
    g_signal_connect_swapped (scheduler, "changed", G_CALLBACK (update_schedule), self);
  update_schedule (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCHEDULER]);
}

void
hf_miner_card_set_tuner (HfMinerCard *self,
                         HfTuner     *tuner)
{
  g_return_if_fail (HF_IS_MINER_CARD (self));
  g_return_if_fail (tuner == NULL || HF_IS_TUNER (tuner));

  if (self->tuner == tuner)
    return;
  if (self->tuner != NULL)
    g_signal_handlers_disconnect_by_data (hf_tuner_get_tunes (self->tuner), self);
  if (self->tune != NULL)
    g_signal_handlers_disconnect_by_data (self->tune, self);
  g_clear_object (&self->tune);
  g_set_object (&self->tuner, tuner);
  /* A tune started or ended: only then look for the miner's again. */
  if (tuner != NULL)
    g_signal_connect_swapped (hf_tuner_get_tunes (tuner), "items-changed",
                              G_CALLBACK (watch_tune), self);
  watch_tune (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TUNER]);
}

void
hf_miner_card_set_guardian (HfMinerCard       *self,
                            HfThermalGuardian *guardian)
{
  g_return_if_fail (HF_IS_MINER_CARD (self));
  g_return_if_fail (guardian == NULL || HF_IS_THERMAL_GUARDIAN (guardian));

  if (self->guardian == guardian)
    return;
  if (self->guardian != NULL)
    g_signal_handlers_disconnect_by_data (self->guardian, self);
  g_set_object (&self->guardian, guardian);
  if (guardian != NULL)
    {
      g_signal_connect_swapped (guardian, "stepped", G_CALLBACK (update_note), self);
      g_signal_connect_swapped (guardian, "changed", G_CALLBACK (update_note), self);
    }
  update_note (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUARDIAN]);
}

const char *
hf_miner_card_get_note (HfMinerCard *self)
{
  g_return_val_if_fail (HF_IS_MINER_CARD (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->note_label))
         ? gtk_label_get_text (self->note_label) : NULL;
}
