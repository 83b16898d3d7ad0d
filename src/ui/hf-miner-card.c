/* hf-miner-card.c
 * SPDX-License-Identifier: MIT
 *
 * A card follows its miner through notify signals and rewrites only the
 * labels whose text changed: the grid is recycled, never rebuilt, so a
 * poll cycle of a thousand readings moves no widget and flickers nothing.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-miner-card.h"
#include "hf-miner-status.h"

struct _HfMinerCard
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkLabel  *name_label;
  GtkLabel  *family_label;
  GtkLabel  *subtitle_label;
  GtkLabel  *hashrate_label;
  GtkLabel  *temperature_label;
  GtkLabel  *power_label;
  GtkLabel  *fan_label;
  GtkLabel  *status_label;
  GtkLabel  *uptime_label;

  HfMiner   *miner;
  const char *state_class;
  guint      age_timer;      /* "last seen … ago" moves on by itself */
};

/* How often a not-answering miner's "last seen … ago" is rewritten. */
#define AGE_REFRESH_S 30

enum {
  PROP_0,
  PROP_MINER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (HfMinerCard, hf_miner_card, GTK_TYPE_WIDGET)

static void
set_text (GtkLabel   *label,
          const char *text)
{
  /* GtkLabel relayouts on every set, even to the same text. */
  if (g_strcmp0 (gtk_label_get_text (label), text ? text : "") != 0)
    gtk_label_set_text (label, text ? text : "");
}

static void
set_class (GtkWidget  *widget,
           const char *name,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

static gboolean
age_cb (gpointer user_data)
{
  hf_miner_card_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

void
hf_miner_card_refresh (HfMinerCard *self)
{
  HfMiner *m = self->miner;
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

  g_return_if_fail (HF_IS_MINER_CARD (self));
  if (m == NULL)
    return;

  state = hf_miner_state (m);
  model = hf_miner_get_model (m);
  set_text (self->name_label, hf_miner_display_name (m));
  set_text (self->family_label, hf_family_to_string (hf_miner_get_family (m)));
  subtitle = model != NULL && g_strcmp0 (model, hf_miner_display_name (m)) != 0
    ? g_strdup_printf ("%s · %s", model, hf_miner_get_address (m))
    : g_strdup (hf_miner_get_address (m));
  set_text (self->subtitle_label, subtitle);

  hashrate = hf_miner_format_field (m, HF_MINER_FIELD_HASHRATE);
  temperature = hf_miner_format_field (m, HF_MINER_FIELD_TEMPERATURE);
  power = hf_miner_format_field (m, HF_MINER_FIELD_POWER);
  fan = hf_miner_format_field (m, HF_MINER_FIELD_FAN);
  uptime = hf_miner_format_field (m, HF_MINER_FIELD_UPTIME);
  status = hf_miner_status_text (m, g_get_real_time ());

  set_text (self->hashrate_label, hashrate);
  set_text (self->temperature_label, temperature);
  set_text (self->power_label, power);
  set_text (self->fan_label, fan);
  set_text (self->uptime_label, uptime);
  set_text (self->status_label, status);

  set_class (GTK_WIDGET (self->temperature_label), "error", hf_miner_is_hot (m));
  if (self->state_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), self->state_class);
  self->state_class = hf_miner_state_css_class (state);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), self->state_class);
  /* The numbers of a miner that is not answering are its last ones. */
  set_class (GTK_WIDGET (self->hashrate_label), "dim-label", state != HF_MINER_STATE_ONLINE);
  set_class (GTK_WIDGET (self), "hf-offline", state == HF_MINER_STATE_OFFLINE);
  if (state == HF_MINER_STATE_ONLINE)
    g_clear_handle_id (&self->age_timer, g_source_remove);
  else if (self->age_timer == 0)
    self->age_timer = g_timeout_add_seconds (AGE_REFRESH_S, age_cb, self);

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
  const HfReading *r;
  const char *text = NULL;

  if (self->miner == NULL)
    return FALSE;
  r = hf_miner_get_reading (self->miner);
  if (label == GTK_WIDGET (self->family_label))
    text = hf_family_display_name (hf_miner_get_family (self->miner));
  else if (label == GTK_WIDGET (self->power_label) && r != NULL && r->power_estimated)
    text = _("Estimated from the model's typical efficiency");
  else if (label == GTK_WIDGET (self->uptime_label))
    text = _("Uptime");
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
miner_notify_cb (HfMiner     *miner,
                 GParamSpec  *pspec,
                 HfMinerCard *self)
{
  /* hashrate-ghs & co. follow "reading", which already refreshed. */
  if (g_str_has_suffix (pspec->name, "-ghs") || g_str_has_suffix (pspec->name, "-c")
      || g_str_has_suffix (pspec->name, "-w"))
    return;
  hf_miner_card_refresh (self);
}

HfMiner *
hf_miner_card_get_miner (HfMinerCard *self)
{
  g_return_val_if_fail (HF_IS_MINER_CARD (self), NULL);
  return self->miner;
}

void
hf_miner_card_set_miner (HfMinerCard *self,
                         HfMiner     *miner)
{
  g_return_if_fail (HF_IS_MINER_CARD (self));

  if (self->miner == miner)
    return;
  if (self->miner != NULL)
    g_signal_handlers_disconnect_by_func (self->miner, miner_notify_cb, self);
  g_clear_handle_id (&self->age_timer, g_source_remove);
  g_set_object (&self->miner, miner);
  if (miner != NULL)
    {
      g_signal_connect_object (miner, "notify", G_CALLBACK (miner_notify_cb), self, 0);
      hf_miner_card_refresh (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MINER]);
}

static void
hf_miner_card_dispose (GObject *object)
{
  HfMinerCard *self = HF_MINER_CARD (object);

  hf_miner_card_set_miner (self, NULL);
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
    case PROP_MINER: g_value_set_object (value, self->miner); break;
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
}

GtkWidget *
hf_miner_card_new (void)
{
  return g_object_new (HF_TYPE_MINER_CARD, NULL);
}
