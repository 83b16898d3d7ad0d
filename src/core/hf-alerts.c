/* hf-alerts.c
 * SPDX-License-Identifier: MIT
 *
 * The app turns ::alert into desktop notifications; the rules live here,
 * without GTK, so that the tests drive them with a real fleet and simulator.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "hf-alerts.h"

typedef struct
{
  gint64 last[HF_ALERT_LOW_HASHRATE + 1];  /* monotonic µs of the last alert, per kind */
  gint64 low_since;                        /* 0 while the hashrate is fine */
  gboolean hot;                            /* above the threshold at the last reading */
} MinerAlerts;

struct _HfAlerts
{
  GObject     parent_instance;

  HfFleet    *fleet;
  GHashTable *miners;          /* HfMiner* (weak) → MinerAlerts* */
  double      hot_c;
  double      family_hot_c[HF_N_FAMILIES];  /* 0: hot_c applies */
  gint64      cooldown_us;
  gint64      low_for_us;
};

enum {
  SIGNAL_ALERT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfAlerts, hf_alerts, G_TYPE_OBJECT)

/* The name its card shows: one name everywhere. */
static const char *
miner_name (HfMiner *miner)
{
  return hf_miner_get_display_name (miner);
}

static MinerAlerts *
state_for (HfAlerts *self,
           HfMiner  *miner)
{
  MinerAlerts *st = g_hash_table_lookup (self->miners, miner);

  if (st == NULL)
    {
      st = g_new0 (MinerAlerts, 1);
      g_hash_table_insert (self->miners, miner, st);
    }
  return st;
}

static void
raise_alert (HfAlerts    *self,
             HfMiner     *miner,
             HfAlertKind  kind,
             const char  *title,
             const char  *body)
{
  MinerAlerts *st = state_for (self, miner);
  gint64 now = g_get_monotonic_time ();

  if (st->last[kind] != 0 && now - st->last[kind] < self->cooldown_us)
    {
      g_debug ("%s: alert %d held back (cool-down)", hf_miner_get_address (miner), kind);
      return;
    }
  st->last[kind] = now;
  g_signal_emit (self, signals[SIGNAL_ALERT], 0, miner, kind, title, body);
}

static void
offline_cb (HfFleet  *fleet,
            HfMiner  *miner,
            HfAlerts *self)
{
  g_autofree char *title = g_strdup_printf (_("%s is offline"), miner_name (miner));
  g_autofree char *body = g_strdup_printf (_("%s stopped answering: %s"),
                                           hf_miner_get_address (miner),
                                           hf_miner_get_error (miner) ? hf_miner_get_error (miner)
                                                                      : _("no reply"));
  raise_alert (self, miner, HF_ALERT_OFFLINE, title, body);
}

static void
online_cb (HfFleet  *fleet,
           HfMiner  *miner,
           HfAlerts *self)
{
  g_autofree char *title = g_strdup_printf (_("%s is back online"), miner_name (miner));
  g_autofree char *body = g_strdup_printf (_("%s answers again."), hf_miner_get_address (miner));

  raise_alert (self, miner, HF_ALERT_BACK_ONLINE, title, body);
}

static double
hot_c_of (HfAlerts *self,
          HfMiner  *miner)
{
  HfFamily family = hf_miner_get_family (miner);

  if ((guint) family < HF_N_FAMILIES && self->family_hot_c[family] > 0)
    return self->family_hot_c[family];
  return self->hot_c;
}

static void
reading_cb (HfFleet   *fleet,
            HfMiner   *miner,
            HfReading *reading,
            HfAlerts  *self)
{
  MinerAlerts *st = state_for (self, miner);
  double hot_c = hot_c_of (self, miner);
  gboolean hot = hf_reading_known (reading->temperature_c) && reading->temperature_c > hot_c;

  /* Alert on the way up, not on every hot reading. */
  if (hot && !st->hot)
    {
      g_autofree char *title = g_strdup_printf (_("%s is running hot"), miner_name (miner));
      g_autofree char *body = g_strdup_printf (_("%.1f °C, above the %.0f °C alert threshold."),
                                               reading->temperature_c, hot_c);
      raise_alert (self, miner, HF_ALERT_HOT, title, body);
    }
  st->hot = hot;

  if (hf_reading_known (reading->hashrate_ghs) && hf_reading_known (reading->expected_hashrate_ghs)
      && reading->expected_hashrate_ghs > 0
      && reading->hashrate_ghs < HF_ALERTS_LOW_FRACTION * reading->expected_hashrate_ghs)
    {
      gint64 now = g_get_monotonic_time ();

      if (st->low_since == 0)
        st->low_since = now;
      else if (now - st->low_since >= self->low_for_us)
        {
          g_autofree char *title = g_strdup_printf (_("%s is hashing slowly"), miner_name (miner));
          g_autofree char *body =
            g_strdup_printf (_("%.0f %% of its expected hashrate for %u minutes."),
                             100.0 * reading->hashrate_ghs / reading->expected_hashrate_ghs,
                             (guint) ((now - st->low_since) / (60 * G_USEC_PER_SEC)));
          raise_alert (self, miner, HF_ALERT_LOW_HASHRATE, title, body);
        }
    }
  else
    st->low_since = 0;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  HfAlerts   *self)
{
  GHashTableIter iter;
  gpointer miner;

  if (removed == 0)
    return;
  /* Forget removed miners (the fleet holds the only references we rely on). */
  g_hash_table_iter_init (&iter, self->miners);
  while (g_hash_table_iter_next (&iter, &miner, NULL))
    {
      gboolean present = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (model) && !present; i++)
        {
          g_autoptr(HfMiner) m = g_list_model_get_item (model, i);
          present = m == miner;
        }
      if (!present)
        g_hash_table_iter_remove (&iter);
    }
}

static void
hf_alerts_dispose (GObject *object)
{
  HfAlerts *self = HF_ALERTS (object);

  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  g_clear_object (&self->fleet);
  g_clear_pointer (&self->miners, g_hash_table_unref);

  G_OBJECT_CLASS (hf_alerts_parent_class)->dispose (object);
}

static void
hf_alerts_class_init (HfAlertsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_alerts_dispose;

  /**
   * HfAlerts::alert:
   * @miner: the miner
   * @kind: an #HfAlertKind
   * @title: one line for people
   * @body: the details
   */
  signals[SIGNAL_ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4, HF_TYPE_MINER, G_TYPE_INT,
                  G_TYPE_STRING, G_TYPE_STRING);
}

static void
hf_alerts_init (HfAlerts *self)
{
  self->miners = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->hot_c = HF_ALERTS_DEFAULT_HOT_C;
  self->cooldown_us = (gint64) HF_ALERTS_DEFAULT_COOLDOWN_S * G_USEC_PER_SEC;
  self->low_for_us = (gint64) HF_ALERTS_DEFAULT_LOW_FOR_S * G_USEC_PER_SEC;
}

HfAlerts *
hf_alerts_new (HfFleet *fleet)
{
  HfAlerts *self;

  g_return_val_if_fail (HF_IS_FLEET (fleet), NULL);

  self = g_object_new (HF_TYPE_ALERTS, NULL);
  self->fleet = g_object_ref (fleet);
  g_signal_connect (fleet, "miner-offline", G_CALLBACK (offline_cb), self);
  g_signal_connect (fleet, "miner-online", G_CALLBACK (online_cb), self);
  g_signal_connect (fleet, "reading", G_CALLBACK (reading_cb), self);
  g_signal_connect (fleet, "items-changed", G_CALLBACK (items_changed_cb), self);
  return self;
}

void
hf_alerts_restore (HfAlerts    *self,
                   HfMiner     *miner,
                   HfAlertKind  kind,
                   gint64       unix_s)
{
  gint64 ago_us;
  MinerAlerts *st;

  g_return_if_fail (HF_IS_ALERTS (self));
  g_return_if_fail (HF_IS_MINER (miner));
  g_return_if_fail ((guint) kind <= HF_ALERT_LOW_HASHRATE);

  /* The cool-down runs on the monotonic clock; the store keeps wall time. */
  ago_us = g_get_real_time () - unix_s * G_USEC_PER_SEC;
  if (ago_us < 0)
    ago_us = 0;
  if (ago_us >= self->cooldown_us)
    return;
  st = state_for (self, miner);
  st->last[kind] = MAX (g_get_monotonic_time () - ago_us, 1);
}

void
hf_alerts_set_hot_c (HfAlerts *self,
                     double    celsius)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  self->hot_c = celsius;
}

void
hf_alerts_set_family_hot_c (HfAlerts *self,
                            HfFamily  family,
                            double    celsius)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  g_return_if_fail ((guint) family < HF_N_FAMILIES);
  self->family_hot_c[family] = celsius;
}

void
hf_alerts_set_cooldown (HfAlerts *self,
                        guint     seconds)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  self->cooldown_us = (gint64) seconds * G_USEC_PER_SEC;
}

void
hf_alerts_set_low_for (HfAlerts *self,
                       guint     seconds)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  self->low_for_us = (gint64) seconds * G_USEC_PER_SEC;
}
