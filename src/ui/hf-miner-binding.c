/* hf-miner-binding.c
 * SPDX-License-Identifier: MIT
 *
 * Cards and table cells are recycled by their views and follow their
 * miner through notify signals: a poll cycle rewrites the labels whose
 * text changed, and never rebuilds a list.  This is where a widget starts
 * and stops following one.
 */
#include "config.h"

#include "hf-miner-binding.h"

/* How often a not-answering miner's "last seen … ago" is rewritten. */
#define AGE_REFRESH_S 30

static gboolean
age_cb (gpointer user_data)
{
  HfMinerBinding *binding = user_data;

  binding->refresh (binding->widget);
  return G_SOURCE_CONTINUE;
}

/* The threshold of @family, the only one this widget's miner needs. */
static double
hot_c_of (HfSettings *settings,
          HfFamily    family)
{
  return settings != NULL ? hf_settings_get_hot_c (settings, family) : HF_HOT_DEFAULT_C;
}

static void
hot_changed_cb (HfSettings     *settings,
                GParamSpec     *pspec,
                HfMinerBinding *binding)
{
  if (g_strcmp0 (pspec->name, hf_settings_hot_key (binding->hot_family)) != 0)
    return;
  binding->hot_c = hot_c_of (settings, binding->hot_family);
  if (binding->miner != NULL)
    binding->refresh (binding->widget);
}

static void
miner_notify_cb (HfMiner        *miner,
                 GParamSpec     *pspec,
                 HfMinerBinding *binding)
{
  g_assert (binding->miner == miner);

  /* hashrate-ghs & co. follow "reading", which refreshed already. */
  if (g_str_has_suffix (pspec->name, "-ghs") || g_str_has_suffix (pspec->name, "-c")
      || g_str_has_suffix (pspec->name, "-w"))
    return;
  binding->refresh (binding->widget);
}

void
hf_miner_binding_init (HfMinerBinding     *binding,
                       GtkWidget          *widget,
                       HfMinerRefreshFunc  refresh)
{
  g_return_if_fail (binding != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (refresh != NULL);

  *binding = (HfMinerBinding) { .widget = widget, .refresh = refresh, .hot_c = HF_HOT_DEFAULT_C };
}

gboolean
hf_miner_binding_set_miner (HfMinerBinding *binding,
                            HfMiner        *miner)
{
  g_return_val_if_fail (binding != NULL, FALSE);
  g_return_val_if_fail (miner == NULL || HF_IS_MINER (miner), FALSE);

  if (binding->miner == miner)
    return FALSE;
  if (binding->miner != NULL)
    g_signal_handlers_disconnect_by_func (binding->miner, miner_notify_cb, binding);
  g_clear_handle_id (&binding->age_timer, g_source_remove);
  g_set_object (&binding->miner, miner);
  if (miner != NULL)
    {
      g_signal_connect (miner, "notify", G_CALLBACK (miner_notify_cb), binding);
      binding->refresh (binding->widget);
    }
  return TRUE;
}

gboolean
hf_miner_binding_set_settings (HfMinerBinding *binding,
                               HfSettings     *settings)
{
  double hot_c;

  g_return_val_if_fail (binding != NULL, FALSE);
  g_return_val_if_fail (settings == NULL || HF_IS_SETTINGS (settings), FALSE);

  if (binding->settings == settings)
    return FALSE;
  if (binding->settings != NULL)
    g_signal_handlers_disconnect_by_func (binding->settings, hot_changed_cb, binding);
  g_set_object (&binding->settings, settings);
  /* Read once here and on change, not on each of a cycle's refreshes. */
  hot_c = hot_c_of (settings, binding->hot_family);
  if (settings != NULL)
    g_signal_connect (settings, "notify", G_CALLBACK (hot_changed_cb), binding);
  /* A grid's card gets its settings once it is in the window, after its
   * miner: refresh it again only if that changes what it shows. */
  if (hot_c != binding->hot_c)
    {
      binding->hot_c = hot_c;
      if (binding->miner != NULL)
        binding->refresh (binding->widget);
    }
  return TRUE;
}

double
hf_miner_binding_get_hot_c (HfMinerBinding *binding)
{
  g_return_val_if_fail (binding != NULL && binding->miner != NULL, HF_HOT_DEFAULT_C);
  /* A recycled widget may now show a miner of another family. */
  if (hf_miner_get_family (binding->miner) != binding->hot_family)
    {
      binding->hot_family = hf_miner_get_family (binding->miner);
      binding->hot_c = hot_c_of (binding->settings, binding->hot_family);
    }
  return binding->hot_c;
}

gboolean
hf_miner_binding_is_hot (HfMinerBinding *binding)
{
  g_return_val_if_fail (binding != NULL && binding->miner != NULL, FALSE);
  return hf_miner_is_hot (binding->miner, hf_miner_binding_get_hot_c (binding));
}

void
hf_miner_binding_show_state (HfMinerBinding *binding,
                             GtkWidget      *label)
{
  HfState state;
  const char *css_class;

  g_return_if_fail (binding != NULL && binding->miner != NULL);

  state = hf_miner_state (binding->miner);
  css_class = hf_miner_state_css_class (state);
  if (binding->state_class != css_class)
    {
      if (binding->state_class != NULL)
        gtk_widget_remove_css_class (label, binding->state_class);
      binding->state_class = css_class;
      gtk_widget_add_css_class (label, css_class);
    }
  gtk_widget_add_css_class (label, "hf-state");
  /* Only a miner that is not answering has words that age ("last seen
   * 5 min ago"). */
  if (state != HF_STATE_OFFLINE)
    g_clear_handle_id (&binding->age_timer, g_source_remove);
  else if (binding->age_timer == 0)
    binding->age_timer = g_timeout_add_seconds (AGE_REFRESH_S, age_cb, binding);
}

void
hf_miner_binding_clear (HfMinerBinding *binding)
{
  g_return_if_fail (binding != NULL);

  hf_miner_binding_set_miner (binding, NULL);
  hf_miner_binding_set_settings (binding, NULL);
}

void
hf_label_set_text_changed (GtkLabel   *label,
                           const char *text)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

void
hf_widget_set_css_class (GtkWidget  *widget,
                         const char *name,
                         gboolean    on)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}
