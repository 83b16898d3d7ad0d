/* hf-guardian-group.c
 * SPDX-License-Identifier: MIT
 *
 * The thermal guardian of one miner (in its Details) or one group (from
 * the group menu): a switch, the chip and VR limits and how long it must
 * stay cool before a step back up.  A change is saved through the
 * session's guardian a moment after the last click (the guardian keeps
 * it in the store); turning the switch off removes the guard.  The rows
 * follow the guardian's ::changed, so a guard set from the CLI shows too,
 * and a miner's row says whether it is stepped down now or guarded
 * through a group.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-guardian-group.h"
#include "hf-window.h"

#define SAVE_DELAY_MS 400

struct _HfGuardianGroup
{
  AdwPreferencesGroup  parent_instance;

  HfSession           *session;
  HfThermalGuardian   *guardian;
  HfMiner             *miner;        /* or NULL for @group */
  char                *group;
  GCancellable        *cancellable;
  guint                save_id;
  guint                saving;       /* saves on their way */
  gboolean             syncing;      /* the rows follow the guardian */
  char                *error;

  AdwActionRow        *switch_row;
  GtkSwitch           *active;
  GtkSpinButton       *chip;
  GtkSpinButton       *vr;
  GtkSpinButton       *cool;
  GtkWidget           *limit_rows[3];
  GtkLabel            *error_label;
};

G_DEFINE_FINAL_TYPE (HfGuardianGroup, hf_guardian_group, ADW_TYPE_PREFERENCES_GROUP)

static gboolean
same_name (const char *a,
           const char *b)
{
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return g_str_equal (fa, fb);
}

static const char *
miner_key (HfMiner *miner)
{
  const char *key = hf_miner_get_identity_key (miner);

  return key != NULL ? key : hf_miner_get_address (miner);
}

/* The guard of this miner or group itself (not one it falls under). */
static const HfGuard *
own_guard (HfGuardianGroup *self)
{
  GPtrArray *guards = hf_thermal_guardian_get_guards (self->guardian);

  for (guint i = 0; guards != NULL && i < guards->len; i++)
    {
      const HfGuard *g = g_ptr_array_index (guards, i);

      if (self->miner != NULL && g->miner_key != NULL
          && (g_strcmp0 (g->miner_key, miner_key (self->miner)) == 0
              || g_strcmp0 (g->miner_key, hf_miner_get_address (self->miner)) == 0))
        return g;
      if (self->miner == NULL && g->group != NULL && same_name (g->group, self->group))
        return g;
    }
  return NULL;
}

static void
show_error (HfGuardianGroup *self,
            const char      *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* What the switch row says under its title. */
static char *
state_text (HfGuardianGroup *self,
            const HfGuard   *own)
{
  const HfGuard *in_force;
  guint steps;

  if (self->miner == NULL)
    return g_strdup (own != NULL ? _("Guards every miner of the group without a guard of its own")
                                 : _("Off for this group"));
  in_force = hf_thermal_guardian_get_guard (self->guardian, self->miner);
  steps = hf_thermal_guardian_get_steps (self->guardian, self->miner);
  if (in_force == NULL)
    return g_strdup (_("Off: the miner runs as it is set, however hot"));
  if (steps > 0)
    /* Translators: the miner is held below its own settings because it ran hot */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Stepped down %u option now (hot)",
                                         "Stepped down %u options now (hot)", steps), steps);
  if (own == NULL && in_force->group != NULL)
    return g_strdup_printf (_("On through group “%s”: chip %.0f °C, VR %.0f °C"),
                            in_force->group, in_force->chip_limit_c, in_force->vr_limit_c);
  return g_strdup (_("On: at its own settings"));
}

static void
sync_rows (HfGuardianGroup *self)
{
  const HfGuard *own = own_guard (self);
  const HfGuard *shown = own;
  g_autofree char *state = NULL;

  /* A save on its way, or one waiting: the rows say what the user set. */
  if (self->save_id != 0 || self->saving > 0)
    return;
  if (shown == NULL && self->miner != NULL)
    shown = hf_thermal_guardian_get_guard (self->guardian, self->miner);
  self->syncing = TRUE;
  gtk_switch_set_active (self->active, own != NULL);
  if (shown != NULL)
    {
      gtk_spin_button_set_value (self->chip, shown->chip_limit_c);
      gtk_spin_button_set_value (self->vr, shown->vr_limit_c);
      gtk_spin_button_set_value (self->cool, shown->cool_min);
    }
  self->syncing = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (self->limit_rows); i++)
    gtk_widget_set_sensitive (self->limit_rows[i], own != NULL);
  state = state_text (self, own);
  adw_action_row_set_subtitle (self->switch_row, state);
}

/* A save (or removal) answered: the rows show the guardian's again. */
static void
answered (HfGuardianGroup *self,
          gboolean         ok,
          GError          *error)
{
  self->saving--;
  if (!ok)
    {
      g_autofree char *text = g_strdup_printf (_("Not saved: %s"), error->message);
      show_error (self, text);
    }
  else
    show_error (self, NULL);
  sync_rows (self);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HfGuardianGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hf_thermal_guardian_set_finish (HF_THERMAL_GUARDIAN (source), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    answered (self, ok, error);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HfGuardianGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hf_thermal_guardian_remove_finish (HF_THERMAL_GUARDIAN (source), result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    answered (self, ok, error);
}

static gboolean
save_cb (gpointer user_data)
{
  HfGuardianGroup *self = user_data;
  const HfGuard *own = own_guard (self);

  self->save_id = 0;
  gtk_spin_button_update (self->chip);
  gtk_spin_button_update (self->vr);
  gtk_spin_button_update (self->cool);
  if (gtk_switch_get_active (self->active))
    {
      g_autoptr(HfGuard) guard = hf_guard_new ();

      guard->id = own != NULL ? own->id : 0;
      guard->miner_key = self->miner != NULL ? g_strdup (miner_key (self->miner)) : NULL;
      guard->address = self->miner != NULL ? g_strdup (hf_miner_get_address (self->miner)) : NULL;
      guard->group = self->miner == NULL ? g_strdup (self->group) : NULL;
      guard->chip_limit_c = gtk_spin_button_get_value (self->chip);
      guard->vr_limit_c = gtk_spin_button_get_value (self->vr);
      guard->cool_min = (guint) gtk_spin_button_get_value_as_int (self->cool);
      self->saving++;
      hf_thermal_guardian_set_async (self->guardian, guard, self->cancellable, saved_cb,
                                     g_object_ref (self));
    }
  else if (own != NULL)
    {
      self->saving++;
      hf_thermal_guardian_remove_async (self->guardian, own->id, self->cancellable, removed_cb,
                                        g_object_ref (self));
    }
  else
    sync_rows (self);
  return G_SOURCE_REMOVE;
}

static void
changed_cb (HfGuardianGroup *self)
{
  if (self->syncing)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->limit_rows); i++)
    gtk_widget_set_sensitive (self->limit_rows[i], gtk_switch_get_active (self->active));
  /* A click on a spin button's + is many changes: save the last one. */
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, save_cb, self);
}

static GtkSpinButton *
spin_row (HfGuardianGroup *self,
          guint            index,
          const char      *title,
          const char      *accessible,
          double           lower,
          double           upper,
          double           value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (changed_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
  self->limit_rows[index] = row;
  return GTK_SPIN_BUTTON (spin);
}

static void
hf_guardian_group_dispose (GObject *object)
{
  HfGuardianGroup *self = HF_GUARDIAN_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->guardian != NULL)
    g_signal_handlers_disconnect_by_data (self->guardian, self);
  g_clear_object (&self->guardian);
  g_clear_object (&self->session);
  g_clear_object (&self->miner);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->group, g_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (hf_guardian_group_parent_class)->dispose (object);
}

static void
hf_guardian_group_class_init (HfGuardianGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hf_guardian_group_dispose;
}

static void
hf_guardian_group_init (HfGuardianGroup *self)
{
  GtkWidget *sw = gtk_switch_new ();

  self->cancellable = g_cancellable_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Thermal Guardian"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("When the chip or the voltage regulator passes its "
                                           "limit, the frequency (or an Avalon's work mode) goes "
                                           "down one option; it goes back up once it has stayed "
                                           "cool. Every step is in the miner's history and raised "
                                           "as an alert."));
  self->switch_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->switch_row), _("Thermal _guardian"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->switch_row), TRUE);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Thermal guardian"), -1);
  adw_action_row_add_suffix (self->switch_row, sw);
  adw_action_row_set_activatable_widget (self->switch_row, sw);
  self->active = GTK_SWITCH (sw);
  g_signal_connect_swapped (sw, "notify::active", G_CALLBACK (changed_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->switch_row));
  self->chip = spin_row (self, 0, _("_Chip limit (°C)"),
                         _("Chip temperature limit in degrees Celsius"),
                         HF_GUARDIAN_MIN_LIMIT_C, HF_GUARDIAN_MAX_LIMIT_C,
                         HF_GUARDIAN_DEFAULT_CHIP_C);
  self->vr = spin_row (self, 1, _("_VR limit (°C)"),
                       _("Voltage regulator temperature limit in degrees Celsius"),
                       HF_GUARDIAN_MIN_LIMIT_C, HF_GUARDIAN_MAX_LIMIT_C,
                       HF_GUARDIAN_DEFAULT_VR_C);
  self->cool = spin_row (self, 2, _("C_ool period (minutes)"),
                         _("Minutes cool before a step back up"), 1, HF_GUARDIAN_MAX_COOL_MIN,
                         HF_GUARDIAN_DEFAULT_COOL_MIN);
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->error_label), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->error_label));
}

GtkWidget *
hf_guardian_group_new (HfSession  *session,
                       HfMiner    *miner,
                       const char *group)
{
  HfGuardianGroup *self;

  g_return_val_if_fail (HF_IS_SESSION (session), NULL);
  g_return_val_if_fail ((miner != NULL) != (group != NULL), NULL);

  self = g_object_new (HF_TYPE_GUARDIAN_GROUP, NULL);
  self->session = g_object_ref (session);
  self->guardian = g_object_ref (hf_session_get_guardian (session));
  self->miner = miner != NULL ? g_object_ref (miner) : NULL;
  self->group = g_strdup (group);
  g_signal_connect_swapped (self->guardian, "changed", G_CALLBACK (sync_rows), self);
  g_signal_connect_swapped (self->guardian, "stepped", G_CALLBACK (sync_rows), self);
  sync_rows (self);
  return GTK_WIDGET (self);
}

GtkWidget *
hf_guardian_group_window_new (GtkWindow  *parent,
                              HfSession  *session,
                              const char *group)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  g_autofree char *title = g_strdup_printf (_("Thermal Guardian of “%s”"), group);
  GtkShortcutController *shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());

  g_return_val_if_fail (group != NULL, NULL);

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 520, 520);
  gtk_box_append (GTK_BOX (box), header);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (hf_guardian_group_new (session, NULL, group)));
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, GTK_EVENT_CONTROLLER (shortcuts));
  return window;
}

void
hf_guardian_group_set (HfGuardianGroup *self,
                       gboolean         on,
                       double           chip_c,
                       double           vr_c,
                       guint            cool_min)
{
  g_return_if_fail (HF_IS_GUARDIAN_GROUP (self));

  gtk_spin_button_set_value (self->chip, chip_c);
  gtk_spin_button_set_value (self->vr, vr_c);
  gtk_spin_button_set_value (self->cool, cool_min);
  gtk_switch_set_active (self->active, on);
  /* Whatever changed or not, save what is shown. */
  changed_cb (self);
}

gboolean
hf_guardian_group_get_active (HfGuardianGroup *self)
{
  g_return_val_if_fail (HF_IS_GUARDIAN_GROUP (self), FALSE);
  return gtk_switch_get_active (self->active);
}

const char *
hf_guardian_group_get_error (HfGuardianGroup *self)
{
  g_return_val_if_fail (HF_IS_GUARDIAN_GROUP (self), NULL);
  return self->error;
}

gboolean
hf_guardian_group_get_idle (HfGuardianGroup *self)
{
  g_return_val_if_fail (HF_IS_GUARDIAN_GROUP (self), FALSE);
  return self->save_id == 0 && self->saving == 0;
}
