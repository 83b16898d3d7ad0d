/* hf-notify-channels.c
 * SPDX-License-Identifier: MIT
 *
 * Each edit is kept, in order, until a store that includes it succeeded.
 * The list in use is always the keyring's last answer with those edits
 * applied on top: a lookup that answers late (or again) merges them, and
 * nothing is stored before the keyring's list came.
 */
#include "config.h"

#include <string.h>

#include "hf-core.h"
#include "hf-credentials.h"
#include "hf-notify-channels.h"

typedef struct
{
  guint     seq;
  gboolean  add;
  char     *url;
  GTask    *task;      /* NULL once told */
} Edit;

struct _HfNotifyChannels
{
  GObject       parent_instance;

  GCancellable *cancellable;
  char         *urls;
  gboolean      loaded;
  guint         lookups;     /* in flight */
  GQueue        edits;       /* Edit*, oldest first, not known to be kept */
  guint         seq;         /* of the last edit */
};

typedef struct
{
  HfNotifyChannels *self;
  guint             seq;     /* the last edit this store holds */
} Store;

enum { PROP_0, PROP_URLS, PROP_LOADED, N_PROPS };

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (HfNotifyChannels, hf_notify_channels, G_TYPE_OBJECT)

static void
free_secret (char *text)
{
  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_free (text);
}

static void
edit_free (Edit *edit)
{
  g_assert (edit->task == NULL);
  free_secret (edit->url);
  g_free (edit);
}

/* The same channel: the same text, or the same once parsed. */
static gboolean
same_channel (const char *a,
              const char *b)
{
  g_autoptr(HfNotifyUrl) ua = NULL;
  g_autoptr(HfNotifyUrl) ub = NULL;

  if (g_strcmp0 (a, b) == 0)
    return TRUE;
  ua = hf_notify_url_parse (a, NULL);
  ub = hf_notify_url_parse (b, NULL);
  return ua != NULL && ub != NULL && hf_notify_url_equal (ua, ub);
}

/* @urls with @edit applied (a new string, NULL for none). */
static char *
apply_edit (const char *urls,
            Edit       *edit)
{
  g_auto(GStrv) lines = g_strsplit (urls ? urls : "", "\n", -1);
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  gboolean found = FALSE;
  char *joined;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (*g_strstrip (lines[i]) == '\0')
        continue;
      if (same_channel (lines[i], edit->url))
        {
          found = TRUE;
          if (!edit->add)
            continue;
        }
      g_strv_builder_add (kept, lines[i]);
    }
  if (edit->add && !found)
    g_strv_builder_add (kept, edit->url);
  list = g_strv_builder_end (kept);
  for (guint i = 0; lines[i] != NULL; i++)
    explicit_bzero (lines[i], strlen (lines[i]));
  if (list[0] == NULL)
    return NULL;
  joined = g_strjoinv ("\n", list);
  for (guint i = 0; list[i] != NULL; i++)
    explicit_bzero (list[i], strlen (list[i]));
  return joined;
}

static void
set_urls (HfNotifyChannels *self,
          char             *urls)   /* taken */
{
  if (g_strcmp0 (self->urls, urls) == 0)
    {
      free_secret (urls);
      return;
    }
  free_secret (self->urls);
  self->urls = urls;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URLS]);
}

/* Tell the edits up to @seq how the keyring took them: kept (@error
 * NULL: they are done) or not (they stay, to be merged and saved later). */
static void
tell_edits (HfNotifyChannels *self,
            guint             seq,
            const GError     *error)
{
  GList *l = self->edits.head;

  while (l != NULL)
    {
      Edit *edit = l->data;
      GList *next = l->next;

      if (edit->seq > seq)
        break;
      if (edit->task != NULL)
        {
          g_autoptr(GTask) task = g_steal_pointer (&edit->task);

          if (error == NULL)
            g_task_return_boolean (task, TRUE);
          else
            g_task_return_error (task, g_error_copy (error));
        }
      if (error == NULL)
        {
          g_queue_delete_link (&self->edits, l);
          edit_free (edit);
        }
      l = next;
    }
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree Store *store = user_data;
  g_autoptr(HfNotifyChannels) self = store->self;
  g_autoptr(GError) error = NULL;

  if (!hf_credentials_store_finish (result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("the notification channels are not kept in the keyring: %s", error->message);
  tell_edits (self, store->seq, error);
}

/* The list as it is now into the keyring (the keyring's list came). */
static void
store_urls (HfNotifyChannels *self)
{
  Store *store = g_new0 (Store, 1);

  store->self = g_object_ref (self);
  store->seq = self->seq;
  hf_credentials_store_async (HF_CREDENTIAL_NOTIFY_URLS, self->urls, self->cancellable,
                              stored_cb, store);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HfNotifyChannels) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = hf_credentials_lookup_finish (result, &error);
  char *merged;

  self->lookups--;
  if (error != NULL)
    {
      /* Cancelled (the app ends), or no keyring: the edits work until the
       * app ends; those waiting say so, and are merged if a later lookup
       * succeeds. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("keyring: the notification channels: %s", error->message);
      if (!self->loaded || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tell_edits (self, self->seq, error);
      return;
    }

  /* The keyring's list (NULL: none), with every edit not yet kept. */
  merged = g_strdup (stored);
  for (GList *l = self->edits.head; l != NULL; l = l->next)
    {
      char *next = apply_edit (merged, l->data);

      free_secret (merged);
      merged = next;
    }
  if (stored != NULL)
    explicit_bzero (stored, strlen (stored));
  set_urls (self, merged);
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  if (!g_queue_is_empty (&self->edits))
    store_urls (self);
}

static void
edit (HfNotifyChannels    *self,
      gboolean             add,
      const char          *url,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  Edit *e = g_new0 (Edit, 1);

  e->seq = ++self->seq;
  e->add = add;
  e->url = g_strstrip (g_strdup (url));
  e->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (e->task, edit);
  g_task_set_name (e->task, add ? "hf_notify_channels_add_async"
                                : "hf_notify_channels_remove_async");
  g_queue_push_tail (&self->edits, e);
  set_urls (self, apply_edit (self->urls, e));
  /* Never stored before the keyring's list came: it would replace it. */
  if (self->loaded)
    store_urls (self);
  else if (self->lookups == 0)
    hf_notify_channels_load (self);
}

/* ---- GObject ------------------------------------------------------------- */

static void
hf_notify_channels_dispose (GObject *object)
{
  HfNotifyChannels *self = HF_NOTIFY_CHANNELS (object);

  /* (An edit's task holds this object: none is left by now.) */
  g_queue_clear_full (&self->edits, (GDestroyNotify) edit_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hf_notify_channels_parent_class)->dispose (object);
}

static void
hf_notify_channels_finalize (GObject *object)
{
  HfNotifyChannels *self = HF_NOTIFY_CHANNELS (object);

  free_secret (self->urls);

  G_OBJECT_CLASS (hf_notify_channels_parent_class)->finalize (object);
}

static void
hf_notify_channels_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HfNotifyChannels *self = HF_NOTIFY_CHANNELS (object);

  switch (prop_id)
    {
    case PROP_URLS: g_value_set_string (value, self->urls); break;
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_notify_channels_class_init (HfNotifyChannelsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_notify_channels_dispose;
  object_class->finalize = hf_notify_channels_finalize;
  object_class->get_property = hf_notify_channels_get_property;

  properties[PROP_URLS] =
    g_param_spec_string ("urls", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hf_notify_channels_init (HfNotifyChannels *self)
{
  g_queue_init (&self->edits);
}

/* ---- public API ---------------------------------------------------------- */

HfNotifyChannels *
hf_notify_channels_new (GCancellable *cancellable)
{
  HfNotifyChannels *self = g_object_new (HF_TYPE_NOTIFY_CHANNELS, NULL);

  self->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  return self;
}

const char *
hf_notify_channels_get_urls (HfNotifyChannels *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_CHANNELS (self), NULL);
  return self->urls;
}

gboolean
hf_notify_channels_get_loaded (HfNotifyChannels *self)
{
  g_return_val_if_fail (HF_IS_NOTIFY_CHANNELS (self), FALSE);
  return self->loaded;
}

void
hf_notify_channels_load (HfNotifyChannels *self)
{
  g_return_if_fail (HF_IS_NOTIFY_CHANNELS (self));

  self->lookups++;
  hf_credentials_lookup_async (HF_CREDENTIAL_NOTIFY_URLS, self->cancellable, looked_up_cb,
                               g_object_ref (self));
}

void
hf_notify_channels_add_async (HfNotifyChannels    *self,
                              const char          *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HF_IS_NOTIFY_CHANNELS (self));
  g_return_if_fail (url != NULL);
  edit (self, TRUE, url, cancellable, callback, user_data);
}

void
hf_notify_channels_remove_async (HfNotifyChannels    *self,
                                 const char          *url,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (HF_IS_NOTIFY_CHANNELS (self));
  g_return_if_fail (url != NULL);
  edit (self, FALSE, url, cancellable, callback, user_data);
}

gboolean
hf_notify_channels_edit_finish (HfNotifyChannels  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (HF_IS_NOTIFY_CHANNELS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
hf_notify_channels_has (HfNotifyChannels *self,
                        const char       *url)
{
  g_auto(GStrv) lines = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (HF_IS_NOTIFY_CHANNELS (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);

  lines = g_strsplit (self->urls ? self->urls : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (!found && *g_strstrip (lines[i]) != '\0' && same_channel (lines[i], url))
        found = TRUE;
      explicit_bzero (lines[i], strlen (lines[i]));
    }
  return found;
}
