/* hf-miner-card.c
 * SPDX-License-Identifier: MIT
 *
 * A card follows its miner (HfMinerBinding) and rewrites only the labels
 * whose text changed: the grid is recycled, never rebuilt, so a poll cycle
 * of a thousand readings moves no widget and flickers nothing.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-miner-binding.h"
#include "hf-miner-card.h"

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

  HfMinerBinding  binding;
};

enum {
  PROP_0,
  PROP_MINER,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (HfMinerCard, hf_miner_card, GTK_TYPE_WIDGET)

static void
refresh (GtkWidget *widget)
{
  HfMinerCard *self = HF_MINER_CARD (widget);
  HfMiner *m = self->binding.miner;
  HfMinerState state;
  g_autofree char *subtitle = NULL;
  g_autofree char *hashrate = NULL;
  g_autofree char *temperature = NULL;
  g_autofree char *power = NULL;
  g_autofree char *fan = NULL;
  g_autofree char *uptime = NULL;
  g_autofree char *status = NULL;
  g_autofree char *a11y = NULL;
  const char *model;

  if (m == NULL)
    return;

  state = hf_miner_state (m);
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

  hf_label_set_text_changed (self->hashrate_label, hashrate);
  hf_label_set_text_changed (self->temperature_label, temperature);
  hf_label_set_text_changed (self->power_label, power);
  hf_label_set_text_changed (self->fan_label, fan);
  hf_label_set_text_changed (self->uptime_label, uptime);
  hf_label_set_text_changed (self->status_label, status);

  hf_widget_set_css_class (GTK_WIDGET (self->temperature_label), "error",
                           hf_miner_binding_is_hot (&self->binding));
  hf_miner_binding_show_state (&self->binding, GTK_WIDGET (self->status_label));
  /* The numbers of a miner that is not answering are its last ones:
   * dimmed, all of them. */
  {
    GtkWidget *values[] = { GTK_WIDGET (self->hashrate_label), GTK_WIDGET (self->temperature_label),
                            GTK_WIDGET (self->power_label), GTK_WIDGET (self->fan_label) };

    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
      hf_widget_set_css_class (values[i], "dim-label", state != HF_MINER_STATE_ONLINE);
  }
  hf_widget_set_css_class (GTK_WIDGET (self), "hf-offline", state == HF_MINER_STATE_OFFLINE);

  a11y = g_strdup_printf ("%s, %s, %s", hf_miner_display_name (m), hashrate, status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
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
                  GtkWidget   *label)
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
  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hfminercard");
}

static void
hf_miner_card_init (HfMinerCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hf_miner_binding_init (&self->binding, GTK_WIDGET (self), refresh);
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

  if (hf_miner_binding_set_miner (&self->binding, miner))
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
