/* hf-window.c
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hf-window.h"

struct _HfWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwStatusPage        *empty_page;

  /* Owned references */
  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (HfWindow, hf_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
hf_window_close_request (GtkWindow *window)
{
  HfWindow *self = HF_WINDOW (window);
  int width, height;

  /* The unmaximized size, so that un-maximizing next time looks right. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (hf_window_parent_class)->close_request (window);
}

static void
hf_window_dispose (GObject *object)
{
  HfWindow *self = HF_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hf_window_parent_class)->dispose (object);
}

static void
hf_window_class_init (HfWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hf_window_dispose;
  window_class->close_request = hf_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hashfleet/Hashfleet/hf-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HfWindow, empty_page);
}

static void
hf_window_init (HfWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

HfWindow *
hf_window_new (HfApplication *application)
{
  return g_object_new (HF_TYPE_WINDOW, "application", application, NULL);
}
