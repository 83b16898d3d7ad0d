/* hf-miner-cell.c
 * SPDX-License-Identifier: MIT
 *
 * Like the card, a cell follows its miner (HfMinerBinding) and touches
 * its label only when the text changes; the column view recycles cells.
 */
#include "config.h"

#include "hf-miner-binding.h"
#include "hf-miner-cell.h"

struct _HfMinerCell
{
  GtkWidget       parent_instance;

  GtkLabel       *label;
  HfMinerField    field;
  HfMinerBinding  binding;
};

G_DEFINE_FINAL_TYPE (HfMinerCell, hf_miner_cell, GTK_TYPE_WIDGET)

static void
refresh (GtkWidget *widget)
{
  HfMinerCell *self = HF_MINER_CELL (widget);
  HfMiner *miner = self->binding.miner;
  g_autofree char *text = hf_miner_format_field (miner, self->field);

  hf_label_set_text_changed (self->label, text);
  if (self->field == HF_MINER_FIELD_TEMPERATURE || self->field == HF_MINER_FIELD_CHIP2_TEMPERATURE
      || self->field == HF_MINER_FIELD_VR_TEMPERATURE)
    hf_widget_set_css_class (GTK_WIDGET (self->label), "error",
                             hf_miner_field_is_hot (miner, self->field,
                                                    hf_miner_binding_get_hot_c (&self->binding)));
  else if (self->field == HF_MINER_FIELD_STATUS)
    hf_miner_binding_show_state (&self->binding, GTK_WIDGET (self->label));

  /* As on its card: the numbers of a miner that is not answering are its
   * last ones, dimmed (what it is and where stay as they are). */
  if (self->field > HF_MINER_FIELD_ADDRESS && self->field != HF_MINER_FIELD_STATUS
      && self->field != HF_MINER_FIELD_FIRMWARE)
    {
      HfState state = miner != NULL ? hf_miner_state (miner) : HF_STATE_UNKNOWN;

      hf_widget_set_css_class (GTK_WIDGET (self->label), "dim-label",
                               state == HF_STATE_OFFLINE || state == HF_STATE_RESTARTING);
    }
}

static void
hf_miner_cell_dispose (GObject *object)
{
  HfMinerCell *self = HF_MINER_CELL (object);

  hf_miner_binding_clear (&self->binding);
  if (self->label != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->label));
      self->label = NULL;
    }

  G_OBJECT_CLASS (hf_miner_cell_parent_class)->dispose (object);
}

static void
hf_miner_cell_class_init (HfMinerCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_miner_cell_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hfminercell");
}

static void
hf_miner_cell_init (HfMinerCell *self)
{
  hf_miner_binding_init (&self->binding, GTK_WIDGET (self), refresh);
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
}

static int
hf_miner_field_width_chars (HfMinerField field)
{
  switch (field)
    {
    case HF_MINER_FIELD_MODEL: return 14;
    case HF_MINER_FIELD_FAMILY: return 9;
    case HF_MINER_FIELD_ADDRESS: return 12;
    case HF_MINER_FIELD_HASHRATE: return 10;
    case HF_MINER_FIELD_FAN: return 9;
    case HF_MINER_FIELD_FIRMWARE: return 10;
    case HF_MINER_FIELD_FAN_PERCENT: return 5;
    case HF_MINER_FIELD_TEMPERATURE:
    case HF_MINER_FIELD_CHIP2_TEMPERATURE:
    case HF_MINER_FIELD_VR_TEMPERATURE:
    case HF_MINER_FIELD_POWER:
    case HF_MINER_FIELD_UPTIME:
      return 8;
    case HF_MINER_FIELD_BEST_DIFFICULTY:
    case HF_MINER_FIELD_BEST_SESSION:
    case HF_MINER_FIELD_ACCEPTED:
    case HF_MINER_FIELD_REJECTED:
    case HF_MINER_FIELD_POOL_DIFFICULTY:
      return 7;
    case HF_N_MINER_FIELDS:
    default:
      return -1;
    }
}

GtkWidget *
hf_miner_cell_new (HfMinerField field)
{
  HfMinerCell *self = g_object_new (HF_TYPE_MINER_CELL, NULL);

  self->field = field;
  /* A scrolled table gives its columns their minimum width: enough for
   * the usual text, or every label would be an ellipsis. */
  gtk_label_set_width_chars (self->label, hf_miner_field_width_chars (field));
  switch (field)
    {
    case HF_MINER_FIELD_HASHRATE:
    case HF_MINER_FIELD_TEMPERATURE:
    case HF_MINER_FIELD_POWER:
    case HF_MINER_FIELD_FAN:
    case HF_MINER_FIELD_UPTIME:
    case HF_MINER_FIELD_BEST_DIFFICULTY:
    case HF_MINER_FIELD_BEST_SESSION:
    case HF_MINER_FIELD_ACCEPTED:
    case HF_MINER_FIELD_REJECTED:
    case HF_MINER_FIELD_POOL_DIFFICULTY:
    case HF_MINER_FIELD_CHIP2_TEMPERATURE:
    case HF_MINER_FIELD_VR_TEMPERATURE:
    case HF_MINER_FIELD_FAN_PERCENT:
      gtk_label_set_xalign (self->label, 1);
      gtk_widget_add_css_class (GTK_WIDGET (self->label), "numeric");
      break;
    case HF_MINER_FIELD_NAME:
      gtk_widget_add_css_class (GTK_WIDGET (self->label), "heading");
      /* A name stays readable on a small screen; other columns give way. */
      gtk_label_set_width_chars (self->label, 14);
      break;
    case HF_MINER_FIELD_STATUS:
      /* "Not hashing", "Power fault" whole; longer words are ellipsized. */
      gtk_label_set_width_chars (self->label, 13);
      /* A badge as wide as its words, not the column. */
      gtk_widget_set_halign (GTK_WIDGET (self->label), GTK_ALIGN_START);
      gtk_widget_add_css_class (GTK_WIDGET (self->label), "caption-heading");
      break;
    default:
      break;
    }
  return GTK_WIDGET (self);
}

HfMiner *
hf_miner_cell_get_miner (HfMinerCell *self)
{
  g_return_val_if_fail (HF_IS_MINER_CELL (self), NULL);
  return self->binding.miner;
}

void
hf_miner_cell_set_miner (HfMinerCell *self,
                         HfMiner     *miner)
{
  g_return_if_fail (HF_IS_MINER_CELL (self));
  hf_miner_binding_set_miner (&self->binding, miner);
}

void
hf_miner_cell_set_settings (HfMinerCell *self,
                            HfSettings  *settings)
{
  g_return_if_fail (HF_IS_MINER_CELL (self));

  /* Only the chips' temperatures follow the threshold (the VR has its own). */
  if (self->field == HF_MINER_FIELD_TEMPERATURE || self->field == HF_MINER_FIELD_CHIP2_TEMPERATURE)
    hf_miner_binding_set_settings (&self->binding, settings);
}

const char *
hf_miner_cell_get_text (HfMinerCell *self)
{
  g_return_val_if_fail (HF_IS_MINER_CELL (self), NULL);
  return gtk_label_get_text (self->label);
}

/* Column factory and sorter. */

typedef struct
{
  HfMinerField  field;
  HfSettings   *settings;
} Column;

static void
column_free (gpointer  data,
             GClosure *closure)
{
  Column *column = data;

  g_clear_object (&column->settings);
  g_free (column);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          Column                   *column)
{
  GtkWidget *cell = hf_miner_cell_new (column->field);

  hf_miner_cell_set_settings (HF_MINER_CELL (cell), column->settings);
  gtk_list_item_set_child (item, cell);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  unused)
{
  hf_miner_cell_set_miner (HF_MINER_CELL (gtk_list_item_get_child (item)),
                           gtk_list_item_get_item (item));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  unused)
{
  hf_miner_cell_set_miner (HF_MINER_CELL (gtk_list_item_get_child (item)), NULL);
}

static int
compare_cb (gconstpointer a,
            gconstpointer b,
            gpointer      field)
{
  return hf_miner_compare_field (HF_MINER ((gpointer) a), HF_MINER ((gpointer) b),
                                 GPOINTER_TO_UINT (field));
}

GtkColumnViewColumn *
hf_miner_cell_column_new (HfMinerField  field,
                          HfSettings   *settings)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  gpointer data = GUINT_TO_POINTER (field);
  g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cb, data, NULL));
  Column *setup = g_new0 (Column, 1);

  setup->field = field;
  setup->settings = settings != NULL ? g_object_ref (settings) : NULL;
  g_signal_connect_data (factory, "setup", G_CALLBACK (setup_cb), setup, column_free, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  column = gtk_column_view_column_new (hf_miner_field_title (field), factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (field == HF_MINER_FIELD_NAME || field == HF_MINER_FIELD_STATUS)
    gtk_column_view_column_set_expand (column, TRUE);
  return column;
}
