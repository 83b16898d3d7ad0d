/* hf-power-budget.c
 * SPDX-License-Identifier: MIT
 *
 * The budget keeps one Entry per miner it ever changed, by the miner's
 * identity (MAC, serial, else address): whether it is curtailed now, how,
 * what it drew and its J/TH before, and when it was last changed.  Each
 * entry is remembered in the store's meta table ("power_budget:…" keys,
 * integers), so that a restart neither forgets what to bring back nor
 * changes a miner again within the hold time.
 *
 * Projection: a miner whose change has not shown in a reading yet counts
 * with what it is expected to draw after it (0 W paused; its power scaled
 * by the assumed ratio of the work modes' power, MODE_POWER); every other
 * online miner counts with its reading.  The next reading corrects the
 * projection, and the next cycle acts on what was measured.
 */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-json.h"
#include "hf-power-budget.h"
#include "hf-session.h"

#define META_PREFIX     "power_budget:"
#define META_WATTS      META_PREFIX "watts"          /* mW */
#define META_HOW        META_PREFIX "how:"           /* HfCurtailment */
#define META_MODE       META_PREFIX "mode:"          /* previous work mode + 1 */
#define META_POWER      META_PREFIX "power:"         /* mW before */
#define META_JTH        META_PREFIX "jth:"           /* mJ/TH before; -1 unknown */
#define META_CHANGED    META_PREFIX "changed:"       /* clock µs of the last change */

/* What a work mode draws relative to standard, assumed until a reading
 * says (eco, standard, super). */
static const double MODE_POWER[] = { 0.8, 1.0, 1.15 };

typedef struct
{
  char          *key;
  HfCurtailment  how;
  int            previous_mode;
  double         power_w;
  double         j_th;
  gint64         changed;        /* clock µs of the last change; 0 never */
  gint64         written_real;   /* wall µs of the last write: readings before it predate it */
  double         expected_w;     /* what it should draw once the change shows */
  gboolean       in_flight;
  gboolean       distrusted;     /* paused, it says it draws as before: said once */
  char          *why;
} Entry;

struct _HfPowerBudget
{
  GObject             parent_instance;

  HfSession          *session;        /* not owned: it owns us */
  GCancellable       *cancellable;
  GHashTable         *entries;        /* key → Entry* */
  GHashTable         *notes;          /* key → char* why it could not be curtailed */
  double              watts;          /* 0: no budget */
  gboolean            watts_set;      /* set in this run: a stored one does not replace it */
  HfCapabilities      unused;
  HfPowerBudgetClock  clock;
  gpointer            clock_data;
  HfMinerVetoFunc     skip;
  gpointer            skip_data;
  GDestroyNotify      skip_destroy;
};

enum { SIGNAL_CHANGED, SIGNAL_REMEMBER, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfPowerBudget, hf_power_budget, G_TYPE_OBJECT)

const char *
hf_curtailment_to_string (HfCurtailment how)
{
  switch (how)
    {
    case HF_CURTAIL_PAUSE:
      return "paused";
    case HF_CURTAIL_WORK_MODE:
      return "work-mode";
    case HF_CURTAIL_NONE:
    default:
      return "none";
    }
}

void
hf_curtailed_free (HfCurtailed *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->miner);
  g_free (self->key);
  g_free (self->why);
  g_free (self);
}

static void
entry_free (Entry *e)
{
  g_free (e->key);
  g_free (e->why);
  g_free (e);
}

static const char *
key_of (HfMiner *miner)
{
  const char *key = hf_miner_get_identity_key (miner);

  return key != NULL ? key : hf_miner_get_address (miner);
}

static Entry *
entry_for (HfPowerBudget *self,
           const char    *key,
           gboolean       create)
{
  Entry *e = g_hash_table_lookup (self->entries, key);

  if (e == NULL && create)
    {
      e = g_new0 (Entry, 1);
      e->key = g_strdup (key);
      e->previous_mode = -1;
      e->power_w = NAN;
      e->j_th = NAN;
      g_hash_table_insert (self->entries, e->key, e);
    }
  return e;
}

static gint64
now (HfPowerBudget *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();
}

static gint64
to_milli (double value)
{
  return isfinite (value) ? (gint64) llround (value * 1000.0) : -1;
}

static void
remember (HfPowerBudget *self,
          const char    *prefix,
          const char    *key,
          gint64         value)
{
  g_autofree char *name = g_strconcat (prefix, key, NULL);

  g_signal_emit (self, signals[SIGNAL_REMEMBER], 0, name, value);
}

static void
remember_entry (HfPowerBudget *self,
                Entry         *e)
{
  remember (self, META_HOW, e->key, e->how);
  remember (self, META_MODE, e->key, e->previous_mode + 1);
  remember (self, META_POWER, e->key, to_milli (e->power_w));
  remember (self, META_JTH, e->key, to_milli (e->j_th));
  remember (self, META_CHANGED, e->key, e->changed);
}

static void
emit_changed (HfPowerBudget *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* ---- what the fleet draws ----------------------------------------------- */

static double
efficiency (const HfReading *r)
{
  if (r == NULL || !hf_reading_known (r->power_w) || !hf_reading_known (r->hashrate_ghs)
      || r->hashrate_ghs <= 0 || r->power_w <= 0)
    return NAN;
  /* Better than any chip made: not believed, so it goes first. */
  if (r->power_w / (r->hashrate_ghs / 1000.0) < HF_POWER_BUDGET_MIN_J_TH)
    return INFINITY;
  return r->power_w / (r->hashrate_ghs / 1000.0);
}

/* Whether @e's change is still to show in @miner's readings. */
static gboolean
pending (Entry   *e,
         HfMiner *miner)
{
  const HfReading *r = hf_miner_get_reading (miner);

  return e != NULL && e->written_real != 0
         && (e->in_flight || r == NULL || r->timestamp <= e->written_real);
}

/* Whether @r's power can be believed at all: one miner drawing 20 kW is a
 * broken or lying one, and must not make the budget pause the others. */
static gboolean
power_believable (const HfReading *r)
{
  return r != NULL && hf_reading_known (r->power_w) && r->power_w >= 0
         && r->power_w <= HF_POWER_BUDGET_MAX_MINER_W;
}

/* What @miner counts for in the projection. */
static double
projected (HfPowerBudget *self,
           HfMiner       *miner)
{
  const HfReading *r = hf_miner_get_reading (miner);
  Entry *e = entry_for (self, key_of (miner), FALSE);

  if (!hf_miner_get_online (miner) || r == NULL)
    return 0;
  if (pending (e, miner))
    return e->expected_w;
  if (!power_believable (r))
    return 0;
  /* Paused by the budget and saying so, yet drawing more than half of what
   * it did: a pause draws a few watts, so the reading is not believed (a
   * miner that lies would otherwise have every other one paused). */
  if (e != NULL && e->how == HF_CURTAIL_PAUSE && isfinite (e->power_w)
      && (r->paused || !hf_state_is_hashing (hf_miner_get_state (miner)))
      && r->power_w > e->power_w * 0.5)
    {
      if (!e->distrusted)
        g_message ("power budget: %s is paused but reports %.0f W (%.0f W before): counted "
                   "as paused", hf_miner_get_display_name (miner), r->power_w, e->power_w);
      e->distrusted = TRUE;
      return e->expected_w;
    }
  if (e != NULL)
    e->distrusted = FALSE;
  return r->power_w;
}

double
hf_power_budget_get_power (HfPowerBudget *self,
                           gboolean      *estimated)
{
  GListModel *model;
  double sum = 0;
  gboolean any = FALSE, guessed = FALSE;

  g_return_val_if_fail (HF_IS_POWER_BUDGET (self), NAN);

  model = G_LIST_MODEL (hf_session_get_fleet (self->session));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (model, i);
      const HfReading *r = hf_miner_get_reading (miner);

      if (!hf_miner_get_online (miner) || !power_believable (r))
        continue;
      sum += r->power_w;
      any = TRUE;
      guessed |= r->power_estimated;
    }
  if (estimated != NULL)
    *estimated = guessed;
  return any ? sum : NAN;
}

/* ---- acting --------------------------------------------------------------- */

typedef struct
{
  HfPowerBudget *self;
  HfMiner       *miner;
  char          *key;
  gboolean       curtail;
} Act;

static void
act_free (Act *a)
{
  g_object_unref (a->self);
  g_object_unref (a->miner);
  g_free (a->key);
  g_free (a);
}

static void
act_done (Act      *a,
          gboolean  ok,
          GError   *error)
{
  HfPowerBudget *self = a->self;
  Entry *e = entry_for (self, a->key, FALSE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || e == NULL)
    return;
  e->in_flight = FALSE;
  if (!ok)
    {
      g_message ("power budget: %s %s failed: %s", a->curtail ? "curtailing" : "bringing back",
                 hf_miner_get_display_name (a->miner), error ? error->message : "not applied");
      /* As it was: tried again once the hold time has passed. */
      if (a->curtail)
        e->how = HF_CURTAIL_NONE;
      e->written_real = 0;
    }
  else if (!a->curtail)
    {
      e->how = HF_CURTAIL_NONE;
      e->previous_mode = -1;
      g_clear_pointer (&e->why, g_free);
    }
  remember_entry (self, e);
  emit_changed (self);
}

static void
acted_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Act *a = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hf_session_act_finish (HF_SESSION (source), result, &error);

  act_done (a, ok, error);
  act_free (a);
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Act *a = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  HfApplyOutcome outcome = hf_session_apply_finish (HF_SESSION (source), result, &detail, &error);

  if (error == NULL && outcome == HF_APPLY_NOT_APPLIED)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                         detail ? detail : "the miner reads another work mode");
  act_done (a, error == NULL, error);
  act_free (a);
}

static void
write_change (HfPowerBudget *self,
              HfMiner       *miner,
              Entry         *e,
              gboolean       curtail)
{
  Act *a = g_new0 (Act, 1);

  a->self = g_object_ref (self);
  a->miner = g_object_ref (miner);
  a->key = g_strdup (e->key);
  a->curtail = curtail;
  e->in_flight = TRUE;
  e->changed = now (self);
  e->written_real = g_get_real_time ();
  remember_entry (self, e);
  if (e->how == HF_CURTAIL_PAUSE)
    hf_session_act_async (self->session, miner, curtail ? HF_ACTION_PAUSE : HF_ACTION_RESUME,
                          self->cancellable, acted_cb, a);
  else
    {
      g_autoptr(HfMinerSettings) settings = hf_miner_settings_new ();

      settings->work_mode = curtail ? 0 : e->previous_mode;
      hf_session_apply_async (self->session, miner, settings, HF_APPLY_NONE, self->cancellable,
                              applied_cb, a);
    }
}

/* How @miner can be curtailed now, or why not (*@why). */
static HfCurtailment
method_for (HfPowerBudget  *self,
            HfMiner        *miner,
            const char    **why)
{
  HfCapabilities caps = hf_miner_get_capabilities (miner) & ~self->unused;
  const HfReading *r = hf_miner_get_reading (miner);

  if (caps & HF_CAP_PAUSE)
    return HF_CURTAIL_PAUSE;
  if (caps & HF_CAP_WORK_MODE)
    {
      if (r != NULL && r->work_mode > 0)
        return HF_CURTAIL_WORK_MODE;
      *why = r != NULL && r->work_mode == 0 ? "already in its lowest work mode"
                                            : "its work mode is not known";
      return HF_CURTAIL_NONE;
    }
  *why = "it can neither pause nor change its work mode";
  return HF_CURTAIL_NONE;
}

/* Say once (until it changes) why a miner the budget wanted is left as it is. */
static void
note (HfPowerBudget *self,
      HfMiner       *miner,
      const char    *why)
{
  const char *said = g_hash_table_lookup (self->notes, key_of (miner));

  if (g_strcmp0 (said, why) == 0)
    return;
  g_message ("power budget: cannot curtail %s: %s", hf_miner_get_display_name (miner), why);
  g_hash_table_replace (self->notes, g_strdup (key_of (miner)), g_strdup (why));
}

static gboolean
held (HfPowerBudget *self,
      Entry         *e,
      gint64         t)
{
  return e != NULL && e->changed != 0 && t - e->changed < (gint64) HF_POWER_BUDGET_HOLD_S * G_USEC_PER_SEC;
}

static gboolean
skipped (HfPowerBudget *self,
         HfMiner       *miner)
{
  return self->skip != NULL && self->skip (miner, self->skip_data);
}

typedef struct
{
  HfMiner *miner;
  double   j_th;                /* NAN last */
  double   power_w;
} Candidate;

static int
by_worst_first (gconstpointer a,
                gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (isnan (x->j_th) != isnan (y->j_th))
    return isnan (x->j_th) ? 1 : -1;
  if (!isnan (x->j_th) && x->j_th != y->j_th)
    return x->j_th > y->j_th ? -1 : 1;
  return g_strcmp0 (hf_miner_get_address (x->miner), hf_miner_get_address (y->miner));
}

static int
by_best_first (gconstpointer a,
               gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (isnan (x->j_th) != isnan (y->j_th))
    return isnan (x->j_th) ? 1 : -1;
  if (!isnan (x->j_th) && x->j_th != y->j_th)
    return x->j_th < y->j_th ? -1 : 1;
  return g_strcmp0 (hf_miner_get_address (x->miner), hf_miner_get_address (y->miner));
}

/* A miner it curtailed that mines again (someone resumed it, or set its
 * work mode) is no longer the budget's to bring back. */
static gboolean
taken_back (Entry   *e,
            HfMiner *miner)
{
  const HfReading *r = hf_miner_get_reading (miner);

  if (e->how == HF_CURTAIL_NONE || pending (e, miner) || !hf_miner_get_online (miner) || r == NULL)
    return FALSE;
  if (e->how == HF_CURTAIL_PAUSE)
    return !r->paused && hf_state_is_hashing (hf_miner_get_state (miner));
  return r->work_mode > 0;
}

static void
curtail (HfPowerBudget *self,
         GArray        *candidates,
         double        *total)
{
  g_array_sort (candidates, by_worst_first);
  for (guint i = 0; i < candidates->len && *total > self->watts; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);
      const HfReading *r = hf_miner_get_reading (c->miner);
      const char *why = NULL;
      HfCurtailment how = method_for (self, c->miner, &why);
      Entry *e;

      if (how == HF_CURTAIL_NONE)
        {
          note (self, c->miner, why);
          continue;
        }
      e = entry_for (self, key_of (c->miner), TRUE);
      e->how = how;
      e->previous_mode = how == HF_CURTAIL_WORK_MODE ? r->work_mode : -1;
      e->power_w = c->power_w;
      e->j_th = c->j_th;
      e->expected_w = how == HF_CURTAIL_PAUSE
                      ? 0 : c->power_w * MODE_POWER[0] / MODE_POWER[CLAMP (r->work_mode, 0, 2)];
      g_free (e->why);
      if (isinf (c->j_th))
        e->why = g_strdup_printf ("fleet over the power budget (%.0f W); it reports an "
                                  "efficiency better than any chip made, so it went first",
                                  self->watts);
      else if (isnan (c->j_th))
        e->why = g_strdup_printf ("fleet over the power budget (%.0f W); its J/TH is not known, "
                                  "so it came last", self->watts);
      else
        e->why = g_strdup_printf ("fleet over the power budget (%.0f W); %.1f J/TH, the least "
                                  "efficient left", self->watts, c->j_th);
      *total -= c->power_w - e->expected_w;
      g_message ("power budget: curtailing %s (%s, %.1f W%s%s): %s",
                 hf_miner_get_display_name (c->miner),
                 how == HF_CURTAIL_PAUSE ? "pause" : "lowest work mode", c->power_w,
                 r->power_estimated ? " estimated" : "", isnan (c->j_th) ? ", J/TH unknown" : "",
                 e->why);
      g_hash_table_remove (self->notes, e->key);
      write_change (self, c->miner, e, TRUE);
    }
}

static void
bring_back (HfPowerBudget *self,
            GArray        *candidates,
            double        *total)
{
  g_array_sort (candidates, by_best_first);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);
      Entry *e = entry_for (self, key_of (c->miner), FALSE);
      double gain = (isfinite (e->power_w) ? e->power_w : 0) - projected (self, c->miner);

      if (self->watts > 0 && *total + gain > self->watts * (1.0 - HF_POWER_BUDGET_MARGIN))
        continue;
      *total += gain;
      g_message ("power budget: bringing back %s (%s)", hf_miner_get_display_name (c->miner),
                 e->how == HF_CURTAIL_PAUSE ? "resume" : "its work mode again");
      write_change (self, c->miner, e, FALSE);
    }
}

void
hf_power_budget_evaluate (HfPowerBudget *self)
{
  g_autoptr(GArray) over = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GArray) back = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GArray) unknown = g_array_new (FALSE, FALSE, sizeof (Candidate));
  GListModel *model;
  double total = 0;
  gint64 t;
  gboolean changed = FALSE;

  g_return_if_fail (HF_IS_POWER_BUDGET (self));

  t = now (self);
  model = G_LIST_MODEL (hf_session_get_fleet (self->session));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (model, i);
      const HfReading *r = hf_miner_get_reading (miner);
      Entry *e = entry_for (self, key_of (miner), FALSE);
      Candidate c = { miner, efficiency (r), r != NULL ? r->power_w : NAN };

      total += projected (self, miner);
      if (e != NULL && taken_back (e, miner))
        {
          g_message ("power budget: %s mines again without it; no longer curtailed",
                     hf_miner_get_display_name (miner));
          e->how = HF_CURTAIL_NONE;
          e->previous_mode = -1;
          remember_entry (self, e);
          changed = TRUE;
        }
      if (!hf_miner_get_online (miner) || r == NULL || (e != NULL && e->in_flight)
          || held (self, e, t) || skipped (self, miner))
        continue;
      if (e != NULL && e->how != HF_CURTAIL_NONE)
        {
          /* Curtailed, it hashes little or nothing: its J/TH from before. */
          c.j_th = e->j_th;
          g_array_append_val (back, c);
        }
      else if (!r->paused && hf_state_is_hashing (hf_miner_get_state (miner)))
        g_array_append_val ((power_believable (r) && r->power_w > 0) ? over : unknown, c);
    }

  if (self->watts > 0 && total > self->watts * (1.0 + HF_POWER_BUDGET_MARGIN))
    {
      g_debug ("power budget: %.1f W projected, over %.1f W", total, self->watts);
      /* Without its power a miner's curtailing cannot be projected. */
      for (guint i = 0; i < unknown->len; i++)
        {
          const HfReading *r = hf_miner_get_reading (g_array_index (unknown, Candidate, i).miner);

          note (self, g_array_index (unknown, Candidate, i).miner,
                hf_reading_known (r->power_w) && r->power_w > HF_POWER_BUDGET_MAX_MINER_W
                ? "it reports more power than any miner draws; not believed"
                : "its power is not known");
        }
      curtail (self, over, &total);
      changed = TRUE;
    }
  else
    {
      /* Under the budget (or within its margin): nothing is wanted of the
       * miners it could not curtail; said again if it is exceeded again. */
      if (g_hash_table_size (self->notes) > 0)
        {
          g_hash_table_remove_all (self->notes);
          changed = TRUE;
        }
      if (back->len > 0 && (self->watts <= 0 || total < self->watts))
        {
          bring_back (self, back, &total);
          changed = TRUE;
        }
    }
  if (changed)
    emit_changed (self);
}

/* ---- the budget ------------------------------------------------------------ */

void
hf_power_budget_set_watts (HfPowerBudget *self,
                           double         watts)
{
  g_return_if_fail (HF_IS_POWER_BUDGET (self));

  /* Under a watt no fleet can be: that is no budget, not "pause everything". */
  if (!isfinite (watts) || watts < 1)
    watts = 0;
  watts = MIN (watts, HF_POWER_BUDGET_MAX_W);
  self->watts_set = TRUE;
  if (watts == self->watts)
    return;
  self->watts = watts;
  if (watts > 0)
    g_message ("power budget: %.0f W", watts);
  else
    g_message ("power budget: off");
  remember (self, META_WATTS, "", to_milli (watts));
  emit_changed (self);
  hf_power_budget_evaluate (self);
}

double
hf_power_budget_get_watts (HfPowerBudget *self)
{
  g_return_val_if_fail (HF_IS_POWER_BUDGET (self), 0);
  return self->watts;
}

gboolean
hf_power_budget_is_curtailed (HfPowerBudget *self,
                              HfMiner       *miner)
{
  Entry *e;

  g_return_val_if_fail (HF_IS_POWER_BUDGET (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);

  e = entry_for (self, key_of (miner), FALSE);
  return e != NULL && e->how != HF_CURTAIL_NONE;
}

void
hf_power_budget_forget_miner (HfPowerBudget *self,
                              HfMiner       *miner)
{
  Entry *e;

  g_return_if_fail (HF_IS_POWER_BUDGET (self));
  g_return_if_fail (HF_IS_MINER (miner));

  e = entry_for (self, key_of (miner), FALSE);
  if (e == NULL)
    return;
  /* Kept as not curtailed, so that a restart does not bring it back. */
  e->how = HF_CURTAIL_NONE;
  remember_entry (self, e);
  g_hash_table_remove (self->entries, key_of (miner));
  emit_changed (self);
}

static int
curtailed_order (gconstpointer a,
                 gconstpointer b)
{
  const HfCurtailed *x = *(HfCurtailed * const *) a, *y = *(HfCurtailed * const *) b;

  if (isnan (x->j_th) != isnan (y->j_th))
    return isnan (x->j_th) ? 1 : -1;
  if (!isnan (x->j_th) && x->j_th != y->j_th)
    return x->j_th > y->j_th ? -1 : 1;
  return g_strcmp0 (x->key, y->key);
}

GPtrArray *
hf_power_budget_list_curtailed (HfPowerBudget *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_curtailed_free);
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *model;
  GHashTableIter iter;
  Entry *e;

  g_return_val_if_fail (HF_IS_POWER_BUDGET (self), list);

  model = G_LIST_MODEL (hf_session_get_fleet (self->session));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      HfMiner *miner = g_list_model_get_item (model, i);

      g_hash_table_insert (by_key, (gpointer) key_of (miner), miner);
      g_object_unref (miner);   /* the fleet keeps it */
    }
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
    {
      HfCurtailed *c;
      HfMiner *miner;

      if (e->how == HF_CURTAIL_NONE)
        continue;
      c = g_new0 (HfCurtailed, 1);
      miner = g_hash_table_lookup (by_key, e->key);
      c->miner = miner != NULL ? g_object_ref (miner) : NULL;
      c->key = g_strdup (e->key);
      c->how = e->how;
      c->previous_mode = e->previous_mode;
      c->power_w = e->power_w;
      c->j_th = e->j_th;
      c->since = e->changed;
      c->why = g_strdup (e->why != NULL ? e->why : "fleet over the power budget");
      g_ptr_array_add (list, c);
    }
  g_ptr_array_sort (list, curtailed_order);
  return list;
}

const char *
hf_power_budget_get_note (HfPowerBudget *self,
                          HfMiner       *miner)
{
  g_return_val_if_fail (HF_IS_POWER_BUDGET (self), NULL);
  return g_hash_table_lookup (self->notes, key_of (miner));
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

char *
hf_power_budget_to_json (HfPowerBudget *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) curtailed = NULL;
  gboolean estimated = FALSE;
  double power;
  GListModel *model;

  g_return_val_if_fail (HF_IS_POWER_BUDGET (self), NULL);

  power = hf_power_budget_get_power (self, &estimated);
  curtailed = hf_power_budget_list_curtailed (self);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "watts");
  json_builder_add_double_value (b, self->watts);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, self->watts > 0);
  hf_json_builder_add_number (b, "power_w", power);
  json_builder_set_member_name (b, "power_estimated");
  json_builder_add_boolean_value (b, estimated);
  json_builder_set_member_name (b, "curtailed");
  json_builder_begin_array (b);
  for (guint i = 0; i < curtailed->len; i++)
    {
      HfCurtailed *c = g_ptr_array_index (curtailed, i);

      json_builder_begin_object (b);
      add_string (b, "address", c->miner ? hf_miner_get_address (c->miner) : NULL);
      add_string (b, "name", c->miner ? hf_miner_get_display_name (c->miner) : c->key);
      add_string (b, "how", hf_curtailment_to_string (c->how));
      json_builder_set_member_name (b, "previous_work_mode");
      if (c->previous_mode >= 0)
        json_builder_add_int_value (b, c->previous_mode);
      else
        json_builder_add_null_value (b);
      hf_json_builder_add_number (b, "power_w", c->power_w);
      hf_json_builder_add_number (b, "efficiency_j_th", c->j_th);
      json_builder_set_member_name (b, "since");
      json_builder_add_int_value (b, c->since / G_USEC_PER_SEC);
      add_string (b, "why", c->why);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "left_alone");
  json_builder_begin_array (b);
  model = G_LIST_MODEL (hf_session_get_fleet (self->session));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (model, i);
      const char *why = hf_power_budget_get_note (self, miner);

      if (why == NULL)
        continue;
      json_builder_begin_object (b);
      add_string (b, "address", hf_miner_get_address (miner));
      add_string (b, "name", hf_miner_get_display_name (miner));
      add_string (b, "why", why);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

void
hf_power_budget_set_skip_func (HfPowerBudget   *self,
                               HfMinerVetoFunc  func,
                               gpointer         user_data,
                               GDestroyNotify   destroy)
{
  g_return_if_fail (HF_IS_POWER_BUDGET (self));

  if (self->skip_destroy != NULL)
    self->skip_destroy (self->skip_data);
  self->skip = func;
  self->skip_data = user_data;
  self->skip_destroy = destroy;
}

void
hf_power_budget_set_clock (HfPowerBudget      *self,
                           HfPowerBudgetClock  clock,
                           gpointer            user_data)
{
  g_return_if_fail (HF_IS_POWER_BUDGET (self));
  self->clock = clock;
  self->clock_data = user_data;
}

void
hf_power_budget_set_unused_capabilities (HfPowerBudget  *self,
                                         HfCapabilities  caps)
{
  g_return_if_fail (HF_IS_POWER_BUDGET (self));
  self->unused = caps;
}

static double
from_milli (gint64 value)
{
  return value < 0 ? NAN : value / 1000.0;
}

void
hf_power_budget_load (HfPowerBudget *self,
                      GHashTable    *remembered)
{
  GHashTableIter iter;
  const char *name;
  gint64 *value;

  g_return_if_fail (HF_IS_POWER_BUDGET (self));

  if (remembered == NULL)
    return;
  g_hash_table_iter_init (&iter, remembered);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &value))
    {
      Entry *e;

      if (g_str_equal (name, META_WATTS))
        {
          if (!self->watts_set)
            self->watts = MIN (MAX (from_milli (*value), 0), HF_POWER_BUDGET_MAX_W);
          continue;
        }
#define FIELD(prefix) (g_str_has_prefix (name, prefix) && name[strlen (prefix)] != '\0' \
                       ? (e = entry_for (self, name + strlen (prefix), TRUE)) : NULL)
      if (FIELD (META_HOW) != NULL)
        e->how = *value == HF_CURTAIL_PAUSE || *value == HF_CURTAIL_WORK_MODE ? *value
                                                                              : HF_CURTAIL_NONE;
      else if (FIELD (META_MODE) != NULL)
        e->previous_mode = CLAMP (*value, 0, 3) - 1;
      else if (FIELD (META_POWER) != NULL)
        e->power_w = from_milli (*value);
      else if (FIELD (META_JTH) != NULL)
        e->j_th = from_milli (*value);
      else if (FIELD (META_CHANGED) != NULL)
        e->changed = *value;
#undef FIELD
    }
  {
    GHashTableIter entries;
    Entry *e;
    guint curtailed = 0;

    g_hash_table_iter_init (&entries, self->entries);
    while (g_hash_table_iter_next (&entries, NULL, (gpointer *) &e))
      {
        /* A work mode to go back to that was never known cannot be restored. */
        if (e->how == HF_CURTAIL_WORK_MODE && e->previous_mode < 0)
          e->how = HF_CURTAIL_NONE;
        if (e->how != HF_CURTAIL_NONE)
          {
            curtailed++;
            if (e->why == NULL)
              e->why = g_strdup ("curtailed by the power budget before a restart");
          }
      }
    g_debug ("power budget: %.0f W, %u miners curtailed (restored)", self->watts, curtailed);
  }
  emit_changed (self);
}

/* ---- GObject ----------------------------------------------------------------- */

static void
hf_power_budget_dispose (GObject *object)
{
  HfPowerBudget *self = HF_POWER_BUDGET (object);

  g_cancellable_cancel (self->cancellable);
  hf_power_budget_set_skip_func (self, NULL, NULL, NULL);
  G_OBJECT_CLASS (hf_power_budget_parent_class)->dispose (object);
}

static void
hf_power_budget_finalize (GObject *object)
{
  HfPowerBudget *self = HF_POWER_BUDGET (object);

  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->entries);
  g_hash_table_unref (self->notes);
  G_OBJECT_CLASS (hf_power_budget_parent_class)->finalize (object);
}

static void
hf_power_budget_class_init (HfPowerBudgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_power_budget_dispose;
  object_class->finalize = hf_power_budget_finalize;

  /**
   * HfPowerBudget::changed:
   *
   * The budget, or what it curtailed, changed.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HfPowerBudget::remember:
   * @key: a "power_budget:…" key
   * @value: what to keep under it
   *
   * Something to keep across a restart (hf_power_budget_load() gives it back).
   */
  signals[SIGNAL_REMEMBER] =
    g_signal_new ("remember", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
}

static void
hf_power_budget_init (HfPowerBudget *self)
{
  self->cancellable = g_cancellable_new ();
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  self->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

HfPowerBudget *
hf_power_budget_new (HfSession *session)
{
  HfPowerBudget *self;

  g_return_val_if_fail (HF_IS_SESSION (session), NULL);

  self = g_object_new (HF_TYPE_POWER_BUDGET, NULL);
  self->session = session;
  return self;
}
