/* hf-tune-view.c
 * SPDX-License-Identifier: MIT
 *
 * One miner's tune as it runs, or its last one: what it is doing or how
 * it ended, its progress, two charts of the steps (J/TH and hashrate, the
 * winner ringed, a step that was not clean crossed) and a table of every
 * step measured.  The view follows the tune's own signals; each change
 * shows the steps again from the tune (a tune has a few dozen at most).
 * The table uses one signal factory for all its columns: a cell is a
 * label whose text comes from the row's step and the column.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "hf-chart.h"
#include "hf-miner-binding.h"
#include "hf-miner-status.h"
#include "hf-tune-view.h"

/* A row of the table: a step (a copy), the winner, or the step running. */
#define HF_TYPE_TUNE_ROW (hf_tune_row_get_type ())
G_DECLARE_FINAL_TYPE (HfTuneRow, hf_tune_row, HF, TUNE_ROW, GObject)

struct _HfTuneRow
{
  GObject     parent_instance;
  HfTuneStep *step;
  gboolean    winner;
  gboolean    running;
};

G_DEFINE_FINAL_TYPE (HfTuneRow, hf_tune_row, G_TYPE_OBJECT)

static void
hf_tune_row_finalize (GObject *object)
{
  g_clear_pointer (&HF_TUNE_ROW (object)->step, hf_tune_step_free);
  G_OBJECT_CLASS (hf_tune_row_parent_class)->finalize (object);
}

static void
hf_tune_row_class_init (HfTuneRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hf_tune_row_finalize;
}

static void
hf_tune_row_init (HfTuneRow *self)
{
}

static HfTuneRow *
hf_tune_row_new (const HfTuneStep *step,
                 gboolean          winner,
                 gboolean          running)
{
  HfTuneRow *row = g_object_new (HF_TYPE_TUNE_ROW, NULL);

  row->step = hf_tune_step_copy (step);
  row->winner = winner;
  row->running = running;
  return row;
}

struct _HfTuneView
{
  AdwBin          parent_instance;

  GtkLabel       *name_label;
  GtkLabel       *status_label;
  GtkProgressBar *progress;
  GtkLabel       *empty_label;
  GtkWidget      *charts_box;
  GtkBox         *efficiency_box;
  GtkBox         *hashrate_box;
  GtkWidget      *table_scroller;
  GtkColumnView  *table;

  HfChart        *efficiency_chart;
  HfChart        *hashrate_chart;
  GListStore     *rows;            /* HfTuneRow */
  HfMiner        *miner;
  HfTune         *tune;
  gboolean        stored;
  char           *message;
};

G_DEFINE_FINAL_TYPE (HfTuneView, hf_tune_view, ADW_TYPE_BIN)

static const char *
work_mode_name (int mode)
{
  switch (mode)
    {
    case 0: return C_("work mode", "Eco");
    case 1: return C_("work mode", "Standard");
    case 2: return C_("work mode", "Super");
    default: return "—";
    }
}

char *
hf_tune_format_setting (guint frequency_mhz,
                        guint core_voltage_mv,
                        int   work_mode)
{
  if (work_mode >= 0)
    return g_strdup (work_mode_name (work_mode));
  if (frequency_mhz > 0 && core_voltage_mv > 0)
    /* Translators: a miner's setting, "525 MHz / 1150 mV" */
    return g_strdup_printf (_("%u MHz / %u mV"), frequency_mhz, core_voltage_mv);
  if (frequency_mhz > 0)
    return g_strdup_printf (_("%u MHz"), frequency_mhz);
  return g_strdup ("—");
}

static const char *
column_title (HfTuneColumn column)
{
  switch (column)
    {
    /* Translators: the table of a tune's steps; short column titles */
    case HF_TUNE_COLUMN_STEP: return C_("tune column", "Step");
    case HF_TUNE_COLUMN_FREQUENCY: return C_("tune column", "MHz");
    case HF_TUNE_COLUMN_VOLTAGE: return C_("tune column", "mV");
    case HF_TUNE_COLUMN_HASHRATE: return C_("tune column", "Hashrate");
    case HF_TUNE_COLUMN_POWER: return C_("tune column", "Power");
    case HF_TUNE_COLUMN_EFFICIENCY: return C_("tune column", "J/TH");
    case HF_TUNE_COLUMN_CHIP: return C_("tune column", "Chip");
    case HF_TUNE_COLUMN_VR: return C_("tune column", "VR");
    case HF_TUNE_COLUMN_ERRORS: return C_("tune column", "Errors");
    case HF_TUNE_COLUMN_OUTCOME:
    default: return C_("tune column", "Outcome");
    }
}

static char *
outcome_text (HfTuneRow *row)
{
  const HfTuneStep *s = row->step;

  if (row->running)
    return g_strdup (_("Running…"));
  if (row->winner)
    return g_strdup (_("Winner"));
  switch (s->outcome)
    {
    case HF_TUNE_STEP_CLEAN: return g_strdup (_("Clean"));
    case HF_TUNE_STEP_ERRORS:
      /* The tuner says which: "errors 54.42 % over 1.00 %", "hashrate 82 % of expected". */
      if (s->why != NULL && *s->why != '\0')
        {
          char *text = g_strdup (s->why);

          text[0] = g_ascii_toupper (text[0]);
          return text;
        }
      return g_strdup (_("Errors"));
    case HF_TUNE_STEP_LIMIT:
      return s->why != NULL ? g_strdup_printf (_("Limit: %s"), s->why) : g_strdup (_("Limit"));
    case HF_TUNE_STEP_FAILED:
    default:
      return s->why != NULL ? g_strdup_printf (_("Failed: %s"), s->why) : g_strdup (_("Failed"));
    }
}

static char *
number (double v,
        int    decimals)
{
  return isfinite (v) ? g_strdup_printf ("%.*f", decimals, v) : g_strdup ("—");
}

static char *
cell_text (HfTuneRow    *row,
           HfTuneColumn  column)
{
  const HfTuneStep *s = row->step;

  switch (column)
    {
    case HF_TUNE_COLUMN_STEP: return g_strdup_printf ("%u", s->n);
    case HF_TUNE_COLUMN_FREQUENCY:
      /* An Avalon's steps are its work modes. */
      if (s->work_mode >= 0)
        return g_strdup (work_mode_name (s->work_mode));
      return s->frequency_mhz > 0 ? g_strdup_printf ("%u", s->frequency_mhz) : g_strdup ("—");
    case HF_TUNE_COLUMN_VOLTAGE:
      return s->core_voltage_mv > 0 ? g_strdup_printf ("%u", s->core_voltage_mv) : g_strdup ("—");
    case HF_TUNE_COLUMN_HASHRATE:
      return isfinite (s->hashrate_ghs) ? hf_format_hashrate (s->hashrate_ghs) : g_strdup ("—");
    case HF_TUNE_COLUMN_POWER: return hf_format_value (s->power_w, 1, "W");
    case HF_TUNE_COLUMN_EFFICIENCY: return number (s->efficiency_jth, 1);
    /* Whole degrees, as the limits are: two tables side by side fit. */
    case HF_TUNE_COLUMN_CHIP: return hf_format_value (s->chip_temp_c, 0, "°C");
    case HF_TUNE_COLUMN_VR: return hf_format_value (s->vr_temp_c, 0, "°C");
    case HF_TUNE_COLUMN_ERRORS: return hf_format_value (s->error_percent, 2, "%");
    case HF_TUNE_COLUMN_OUTCOME:
    default: return outcome_text (row);
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  column)
{
  GtkWidget *label = gtk_label_new (NULL);

  if (GPOINTER_TO_UINT (column) == HF_TUNE_COLUMN_OUTCOME)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 14);
      gtk_widget_set_has_tooltip (label, TRUE);
    }
  else
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  column)
{
  HfTuneRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = cell_text (row, GPOINTER_TO_UINT (column));

  gtk_label_set_text (GTK_LABEL (label), text);
  if (GPOINTER_TO_UINT (column) == HF_TUNE_COLUMN_OUTCOME)
    gtk_widget_set_tooltip_text (label, text);
  hf_widget_set_css_class (label, "hf-tune-winner", row->winner);
  hf_widget_set_css_class (label, "dim-label", row->running);
  hf_widget_set_css_class (label, "error",
                           !row->running && !row->winner
                           && row->step->outcome != HF_TUNE_STEP_CLEAN
                           && GPOINTER_TO_UINT (column) == HF_TUNE_COLUMN_OUTCOME);
}

/* The status line */

static char *
step_setting (const HfTuneStep *s)
{
  return hf_tune_format_setting (s->frequency_mhz, s->core_voltage_mv, s->work_mode);
}

static char *
original_setting (HfTune *tune)
{
  guint f = 0, v = 0;
  int mode = -1;

  hf_tune_get_original (tune, &f, &v, &mode);
  return hf_tune_format_setting (f, v, mode);
}

static char *
status_text (HfTuneView *self)
{
  HfTune *tune = self->tune;
  g_autofree char *text = NULL;
  const char *message;

  if (tune == NULL)
    return g_strdup (self->message != NULL ? self->message : "");
  message = hf_tune_get_message (tune);
  switch (hf_tune_get_state (tune))
    {
    case HF_TUNE_RUNNING:
      {
        const HfTuneStep *current = hf_tune_get_current (tune);
        guint done = 0, total = 0;

        hf_tune_get_progress (tune, &done, &total);
        if (current != NULL)
          {
            g_autofree char *setting = step_setting (current);

            /* Translators: "Step 3 of 12: 525 MHz / 1150 mV" */
            return g_strdup_printf (_("Step %u of %u: %s"), MIN (done + 1, MAX (total, 1)),
                                    MAX (total, 1), setting);
          }
        return g_strdup_printf (_("Step %u of %u"), MIN (done + 1, MAX (total, 1)),
                                MAX (total, 1));
      }
    case HF_TUNE_DONE:
      {
        const HfTuneStep *w = hf_tune_get_winner (tune);
        g_autofree char *setting = w != NULL ? step_setting (w) : g_strdup ("—");
        g_autofree char *jth = w != NULL ? hf_format_value (w->efficiency_jth, 1, "J/TH")
                                         : g_strdup ("—");

        /* Translators: "Applied: 525 MHz / 1150 mV, 17.2 J/TH" */
        text = g_strdup_printf (_("Applied: %s, %s"), setting, jth);
        break;
      }
    case HF_TUNE_NO_WINNER:
      {
        g_autofree char *original = original_setting (tune);

        text = message != NULL
          ? g_strdup_printf (_("Not applied: %s. The original settings are back (%s)."),
                             message, original)
          : g_strdup_printf (_("Not applied: no step ran clean. The original settings are back "
                               "(%s)."), original);
        break;
      }
    case HF_TUNE_CANCELLED:
      {
        g_autofree char *original = original_setting (tune);

        text = g_strdup_printf (_("Cancelled: the original settings are back (%s)."), original);
        break;
      }
    case HF_TUNE_FAILED:
    default:
      text = g_strdup_printf (_("Failed: %s"), message != NULL ? message : _("unknown error"));
      break;
    }
  if (self->stored)
    {
      GPtrArray *steps = hf_tune_get_steps (tune);
      gint64 when = steps != NULL && steps->len > 0
                    ? ((HfTuneStep *) g_ptr_array_index (steps, steps->len - 1))->time : 0;
      g_autoptr(GDateTime) dt = when > 0 ? g_date_time_new_from_unix_local (when) : NULL;
      g_autofree char *date = dt != NULL ? g_date_time_format (dt, "%x %R") : NULL;

      if (date != NULL)
        /* Translators: the last tune kept, "Last tune, 12/04/26 20:15 · Applied: …" */
        return g_strdup_printf (_("Last tune, %s · %s"), date, text);
    }
  return g_steal_pointer (&text);
}

static void
append_chart_step (GArray           *efficiency,
                   GArray           *hashrate,
                   const HfTuneStep *s,
                   HfChartStepMark   mark)
{
  HfChartStep point = { .mark = mark };
  g_autofree char *setting = step_setting (s);

  if (s->work_mode >= 0)
    g_strlcpy (point.label, work_mode_name (s->work_mode), sizeof point.label);
  else
    g_snprintf (point.label, sizeof point.label, "%u", s->frequency_mhz);
  /* Translators: a step under the chart's pointer, "Step 3 · 525 MHz / 1150 mV" */
  g_snprintf (point.detail, sizeof point.detail, _("Step %u · %s"), s->n, setting);
  point.value = s->efficiency_jth;
  g_array_append_val (efficiency, point);
  point.value = s->hashrate_ghs;
  g_array_append_val (hashrate, point);
}

static void
refresh (HfTuneView *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) efficiency = g_array_new (FALSE, TRUE, sizeof (HfChartStep));
  g_autoptr(GArray) hashrate = g_array_new (FALSE, TRUE, sizeof (HfChartStep));
  g_autofree char *status = status_text (self);
  gboolean running = self->tune != NULL && hf_tune_get_state (self->tune) == HF_TUNE_RUNNING;
  GPtrArray *steps = self->tune != NULL ? hf_tune_get_steps (self->tune) : NULL;
  const HfTuneStep *winner = self->tune != NULL ? hf_tune_get_winner (self->tune) : NULL;
  const HfTuneStep *current = running ? hf_tune_get_current (self->tune) : NULL;

  for (guint i = 0; steps != NULL && i < steps->len; i++)
    {
      const HfTuneStep *s = g_ptr_array_index (steps, i);
      gboolean is_winner = winner != NULL && winner->n == s->n;

      g_ptr_array_add (items, hf_tune_row_new (s, is_winner, FALSE));
      append_chart_step (efficiency, hashrate, s,
                         is_winner ? HF_CHART_STEP_WINNER
                         : s->outcome == HF_TUNE_STEP_CLEAN ? HF_CHART_STEP_CLEAN
                         : HF_CHART_STEP_BAD);
    }
  if (current != NULL)
    g_ptr_array_add (items, hf_tune_row_new (current, FALSE, TRUE));
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);
  hf_chart_set_steps (self->efficiency_chart, efficiency, "J/TH");
  hf_chart_set_steps (self->hashrate_chart, hashrate, NULL);

  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), *status != '\0');
  hf_widget_set_css_class (GTK_WIDGET (self->status_label), "error",
                           self->tune == NULL && self->message != NULL);
  hf_widget_set_css_class (GTK_WIDGET (self->status_label), "success",
                           self->tune != NULL && hf_tune_get_state (self->tune) == HF_TUNE_DONE);
  hf_widget_set_css_class (GTK_WIDGET (self->status_label), "heading",
                           self->tune != NULL && !running);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), self->tune == NULL);
  gtk_widget_set_visible (self->charts_box, self->tune != NULL);
  gtk_widget_set_visible (self->table_scroller, items->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), running);
  if (running)
    {
      guint done = 0, total = 0;
      g_autofree char *text = NULL;

      hf_tune_get_progress (self->tune, &done, &total);
      gtk_progress_bar_set_fraction (self->progress, total > 0 ? (double) done / total : 0);
      /* Translators: a tune's progress, "3 of 12 steps" */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u step", "%u of %u steps",
                                           total), done, total);
      gtk_progress_bar_set_text (self->progress, text);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->efficiency_chart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Efficiency per step"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->hashrate_chart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Hashrate per step"), -1);
}

static void
tune_changed_cb (HfTuneView *self)
{
  refresh (self);
}

static void
hf_tune_view_dispose (GObject *object)
{
  HfTuneView *self = HF_TUNE_VIEW (object);

  if (self->tune != NULL)
    g_signal_handlers_disconnect_by_data (self->tune, self);
  g_clear_object (&self->tune);
  g_clear_object (&self->miner);
  g_clear_object (&self->rows);
  g_clear_pointer (&self->message, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_TUNE_VIEW);

  G_OBJECT_CLASS (hf_tune_view_parent_class)->dispose (object);
}

static void
hf_tune_view_class_init (HfTuneViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_tune_view_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-tune-view.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HfTuneView, name)
  BIND (name_label);
  BIND (status_label);
  BIND (progress);
  BIND (empty_label);
  BIND (charts_box);
  BIND (efficiency_box);
  BIND (hashrate_box);
  BIND (table_scroller);
  BIND (table);
#undef BIND
}

static void
hf_tune_view_init (HfTuneView *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_list_store_new (HF_TYPE_TUNE_ROW);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (selection));
  for (guint c = 0; c < HF_N_TUNE_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GUINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GUINT_TO_POINTER (c));
      column = gtk_column_view_column_new (column_title (c), factory);
      gtk_column_view_column_set_expand (column, c == HF_TUNE_COLUMN_OUTCOME);
      gtk_column_view_column_set_resizable (column, c == HF_TUNE_COLUMN_OUTCOME);
      gtk_column_view_append_column (self->table, column);
    }
  self->efficiency_chart = HF_CHART (hf_chart_new (HF_CHART_STEPS));
  self->hashrate_chart = HF_CHART (hf_chart_new (HF_CHART_STEPS));
  gtk_widget_set_hexpand (GTK_WIDGET (self->efficiency_chart), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->hashrate_chart), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->efficiency_chart), -1, 130);
  gtk_widget_set_size_request (GTK_WIDGET (self->hashrate_chart), -1, 130);
  gtk_box_append (self->efficiency_box, GTK_WIDGET (self->efficiency_chart));
  gtk_box_append (self->hashrate_box, GTK_WIDGET (self->hashrate_chart));
}

GtkWidget *
hf_tune_view_new (HfMiner *miner)
{
  HfTuneView *self;

  g_return_val_if_fail (HF_IS_MINER (miner), NULL);

  self = g_object_new (HF_TYPE_TUNE_VIEW, NULL);
  self->miner = g_object_ref (miner);
  gtk_label_set_text (self->name_label, hf_miner_display_name (miner));
  refresh (self);
  return GTK_WIDGET (self);
}

HfMiner *
hf_tune_view_get_miner (HfTuneView *self)
{
  g_return_val_if_fail (HF_IS_TUNE_VIEW (self), NULL);
  return self->miner;
}

void
hf_tune_view_set_tune (HfTuneView *self,
                       HfTune     *tune,
                       gboolean    stored)
{
  g_return_if_fail (HF_IS_TUNE_VIEW (self));
  g_return_if_fail (tune == NULL || HF_IS_TUNE (tune));

  if (self->tune != NULL)
    g_signal_handlers_disconnect_by_data (self->tune, self);
  g_set_object (&self->tune, tune);
  self->stored = stored;
  g_clear_pointer (&self->message, g_free);
  if (tune != NULL)
    {
      g_signal_connect_swapped (tune, "step-started", G_CALLBACK (tune_changed_cb), self);
      g_signal_connect_swapped (tune, "step-finished", G_CALLBACK (tune_changed_cb), self);
      g_signal_connect_swapped (tune, "finished", G_CALLBACK (tune_changed_cb), self);
    }
  refresh (self);
}

HfTune *
hf_tune_view_get_tune (HfTuneView *self)
{
  g_return_val_if_fail (HF_IS_TUNE_VIEW (self), NULL);
  return self->tune;
}

void
hf_tune_view_set_message (HfTuneView *self,
                          const char *message)
{
  g_return_if_fail (HF_IS_TUNE_VIEW (self));

  if (self->tune != NULL)
    g_signal_handlers_disconnect_by_data (self->tune, self);
  g_clear_object (&self->tune);
  g_free (self->message);
  self->message = g_strdup (message);
  refresh (self);
}

const char *
hf_tune_view_get_status (HfTuneView *self)
{
  g_return_val_if_fail (HF_IS_TUNE_VIEW (self), NULL);
  return gtk_label_get_text (self->status_label);
}

guint
hf_tune_view_get_n_rows (HfTuneView *self)
{
  g_return_val_if_fail (HF_IS_TUNE_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

char *
hf_tune_view_get_cell (HfTuneView   *self,
                       guint         row,
                       HfTuneColumn  column)
{
  g_autoptr(HfTuneRow) item = NULL;

  g_return_val_if_fail (HF_IS_TUNE_VIEW (self), NULL);
  g_return_val_if_fail (column < HF_N_TUNE_COLUMNS, NULL);

  item = g_list_model_get_item (G_LIST_MODEL (self->rows), row);
  return item != NULL ? cell_text (item, column) : NULL;
}

int
hf_tune_view_get_winner_row (HfTuneView *self)
{
  g_return_val_if_fail (HF_IS_TUNE_VIEW (self), -1);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(HfTuneRow) item = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      if (item->winner)
        return (int) i;
    }
  return -1;
}
