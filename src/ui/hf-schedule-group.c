/* hf-schedule-group.c
 * SPDX-License-Identifier: MIT
 *
 * A row per schedule that applies to the miner ("Mon–Fri 22:00-06:00",
 * "Paused · this miner"), rebuilt whenever the scheduler says something
 * changed; the miner's own have a remove button.  Adding takes the CLI's
 * text forms (days, time, state), checked by the core as it keeps them.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-schedule-group.h"

struct _HfScheduleGroup
{
  AdwPreferencesGroup  parent_instance;

  /* Owned references */
  HfSession           *session;
  HfScheduler         *scheduler;
  HfMiner             *miner;
  GCancellable        *cancellable;
  GPtrArray           *rows;          /* the schedule rows shown */

  /* Widgets */
  AdwExpanderRow      *add_row;
  AdwEntryRow         *days_entry;
  AdwEntryRow         *time_entry;
  AdwEntryRow         *state_entry;
  GtkLabel            *error_label;
};

G_DEFINE_FINAL_TYPE (HfScheduleGroup, hf_schedule_group, ADW_TYPE_PREFERENCES_GROUP)

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HfScheduleGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hf_scheduler_remove_finish (HF_SCHEDULER (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (self->error_label, error->message);
}

static void
remove_clicked_cb (GtkButton       *button,
                   HfScheduleGroup *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (button), "hf-schedule-id");

  hf_scheduler_remove_async (self->scheduler, id, self->cancellable, removed_cb,
                             g_object_ref (self));
}

static gboolean
applies_to (HfScheduleGroup  *self,
            const HfSchedule *s,
            GStrv             groups)
{
  const char *key = hf_miner_get_identity_key (self->miner);

  if (s->miner != NULL)
    return g_strcmp0 (s->miner, key) == 0
           || g_strcmp0 (s->miner, hf_miner_get_address (self->miner)) == 0
           || g_strcmp0 (s->address, hf_miner_get_address (self->miner)) == 0;
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      g_autofree char *a = g_utf8_casefold (groups[i], -1);
      g_autofree char *b = g_utf8_casefold (s->group, -1);

      if (g_str_equal (a, b))
        return TRUE;
    }
  return FALSE;
}

static void
rebuild (HfScheduleGroup *self)
{
  GPtrArray *schedules = hf_scheduler_get_schedules (self->scheduler);
  g_auto(GStrv) groups = hf_groups_of_miner (hf_session_get_groups (self->session), self->miner);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < schedules->len; i++)
    {
      const HfSchedule *s = g_ptr_array_index (schedules, i);
      g_autofree char *days = NULL;
      g_autofree char *time = NULL;
      g_autofree char *state = NULL;
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (!applies_to (self, s, groups))
        continue;
      days = hf_schedule_days_to_string (s->days);
      time = hf_schedule_time_range_to_string (s->start_min, s->end_min);
      state = hf_schedule_state_describe (&s->state);
      title = g_strdup_printf ("%s  %s", days, time);
      /* Translators: "Paused · this miner", "Work mode eco · group garage" */
      subtitle = s->group != NULL ? g_strdup_printf (_("%s · group %s"), state, s->group)
                                  : g_strdup_printf (_("%s · this miner"), state);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (s->miner != NULL)
        {
          GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_tooltip_text (button, _("Remove Schedule"));
          g_object_set_data_full (G_OBJECT (button), "hf-schedule-id",
                                  g_memdup2 (&s->id, sizeof s->id), g_free);
          g_signal_connect (button, "clicked", G_CALLBACK (remove_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HfScheduleGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (hf_scheduler_add_finish (HF_SCHEDULER (source), result, &error) == 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->error_label, error->message);
      return;
    }
  gtk_label_set_text (self->error_label, "");
  adw_expander_row_set_expanded (self->add_row, FALSE);
}

static void
add_clicked_cb (HfScheduleGroup *self)
{
  g_autoptr(HfSchedule) s = hf_schedule_new ();
  g_autoptr(GError) error = NULL;

  if (!hf_schedule_parse_days (gtk_editable_get_text (GTK_EDITABLE (self->days_entry)), &s->days,
                               &error)
      || !hf_schedule_parse_time_range (gtk_editable_get_text (GTK_EDITABLE (self->time_entry)),
                                        &s->start_min, &s->end_min, &error)
      || !hf_schedule_parse_state (gtk_editable_get_text (GTK_EDITABLE (self->state_entry)),
                                   &s->state, &error))
    {
      gtk_label_set_text (self->error_label, error->message);
      return;
    }
  hf_scheduler_add_async (self->scheduler, s, self->miner, self->cancellable, added_cb,
                          g_object_ref (self));
}

static AdwEntryRow *
entry_row (AdwExpanderRow *parent,
           const char     *title,
           const char     *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (row), 80);
  adw_expander_row_add_row (parent, row);
  return ADW_ENTRY_ROW (row);
}

static void
hf_schedule_group_dispose (GObject *object)
{
  HfScheduleGroup *self = HF_SCHEDULE_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->session);
  g_clear_object (&self->miner);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (hf_schedule_group_parent_class)->dispose (object);
}

static void
hf_schedule_group_class_init (HfScheduleGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hf_schedule_group_dispose;
}

static void
hf_schedule_group_init (HfScheduleGroup *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Add"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Schedule"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("Kept in this state on these days, within this local "
                                           "time; left alone outside every range"));
  self->add_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->add_row), _("Add a Schedule"));
  self->days_entry = entry_row (self->add_row, _("Days (mon-fri, sat,sun, daily)"), "mon-fri");
  self->time_entry = entry_row (self->add_row, _("Time (an end before the start is the next day)"),
                                "22:00-06:00");
  self->state_entry = entry_row (self->add_row,
                                 _("State (mining, paused, mode:N, preset:MHZ/MV, pool:NAME)"),
                                 "paused");
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->error_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (add_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));
  gtk_box_append (GTK_BOX (box), button);
  adw_expander_row_add_row (self->add_row, box);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->add_row));
}

GtkWidget *
hf_schedule_group_new (HfSession *session,
                       HfMiner   *miner)
{
  HfScheduleGroup *self;
  HfScheduler *scheduler;

  g_return_val_if_fail (HF_IS_SESSION (session), NULL);
  g_return_val_if_fail (HF_IS_MINER (miner), NULL);

  self = g_object_new (HF_TYPE_SCHEDULE_GROUP, NULL);
  scheduler = hf_session_get_scheduler (session);
  self->session = g_object_ref (session);
  self->scheduler = g_object_ref (scheduler);
  self->miner = g_object_ref (miner);
  g_signal_connect_swapped (scheduler, "changed", G_CALLBACK (rebuild), self);
  rebuild (self);
  return GTK_WIDGET (self);
}
