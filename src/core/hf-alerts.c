/* hf-alerts.c
 * SPDX-License-Identifier: MIT
 *
 * The rules live here, without GTK: the session hands every ::alert to
 * the notification channels, the app to desktop notifications, and the
 * tests drive the rules with synthetic readings on their own clock and
 * with a real fleet polling the simulator.
 *
 * A miner's state is kept by its identity (MAC or serial, else address),
 * not by its object, so that what was said before a restart (the time of
 * each alert, the best difficulty seen, a pause Hashfleet asked for) is
 * found again for the same miner: ::remember hands each such value to
 * the session, which keeps it in the store's meta table under "alert:…"
 * and gives it back through hf_alerts_load().
 *
 * Edge-triggered rules (hot, board hot, not hashing, paused, pool
 * switched, fan stopped) speak on the way in, not on every reading; the
 * cool-down per miner and kind then keeps a flapping miner quiet.  "Back
 * online" follows only an "offline" that was said.  Alerts raised in the
 * quiet hours are held and said as one digest when the hours end.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "hf-alerts.h"
#include "hf-format.h"

#define STATE_PREFIX "alert:"
#define FLEET_WHO    "fleet"
#define SUMMARY_WHO  "summary"
/* A gap in the poll cycles longer than this (a sleep, a stopped session)
 * is not counted as time in the daily summary. */
#define SUMMARY_MAX_STEP_US  ((gint64) 5 * 60 * G_USEC_PER_SEC)
/* The summary's running sums are remembered this often. */
#define SUMMARY_SAVE_EVERY_US ((gint64) 5 * 60 * G_USEC_PER_SEC)
/* Less than this much observed time makes no summary. */
#define SUMMARY_MIN_SPAN_US  ((gint64) 60 * 60 * G_USEC_PER_SEC)

/* Conditions a miner is in, as of its last reading: an edge-triggered
 * rule speaks when its bit goes on.  Remembered ("alert:WHO:standing"), so
 * that a restart does not say again what still stands. */
enum
{
  STANDING_HOT        = 1 << 0,
  STANDING_BOARD_HOT  = 1 << 1,
  STANDING_STOPPED    = 1 << 2,   /* not hashing, overheated, power fault */
  STANDING_PAUSED     = 1 << 3,
  STANDING_FALLBACK   = 1 << 4,
  STANDING_FAN        = 1 << 5,
  STANDING_SLOW       = 1 << 6,   /* "hashing slowly" said for this episode */
  STANDING_NO_SHARES  = 1 << 7,   /* "no accepted shares" said for this stall */
};

typedef struct
{
  gint64   last[HF_N_ALERT_KINDS];  /* wall µs of the last alert raised, per kind */
  gint64   low_since;               /* 0 while the hashrate is fine */
  gint64   accepted_since;          /* the last time accepted moved (0: not counting) */
  double   accepted;
  double   best;                    /* highest best difficulty seen (NAN: none yet) */
  guint    standing;
  gboolean offline_said;
  gboolean expect_paused;
  gboolean seen_paused;             /* paused as expected, since the expectation */
} MinerAlerts;

/* An alert raised in the quiet hours, said in the digest.  Also
 * remembered ("alert:WHO:held-KIND"), so that a restart in the night does
 * not lose it. */
typedef struct
{
  char        *who;
  HfAlertKind  kind;
  char        *title;      /* NULL when restored: made from the kind and the miner */
} Held;

typedef struct
{
  double miner_s;        /* miners × seconds watched */
  double online_s;       /* of which answering */
  double hashrate_ghs_s; /* fleet hashrate × seconds */
  double energy_wh;
  double energy_estimated_wh;
  double watched_s;      /* seconds the fleet was watched (gaps left out) */
  guint  incidents[HF_N_ALERT_KINDS];
  guint  earlier;        /* incidents counted before a restart (by kind: not kept) */
} Summary;

struct _HfAlerts
{
  GObject        parent_instance;

  HfFleet       *fleet;
  GHashTable    *miners;          /* identity (owned) → MinerAlerts* */
  HfAlertRules   rules;
  HfAlertsClock  clock;
  gpointer       clock_data;
  GTimeZone     *tz;

  double         fleet_best;      /* NAN: none yet */
  GPtrArray     *held;            /* Held*, at most HF_ALERTS_HELD_MAX */
  guint          held_total;      /* held, counted past the cap too */
  Summary        summary;
  gint64         last_tick;
  gint64         summary_saved;
  gint64         summary_day;     /* yyyymmdd of the last summary said */
};

enum {
  SIGNAL_ALERT,
  SIGNAL_REMEMBER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfAlerts, hf_alerts, G_TYPE_OBJECT)

static const char *const kind_names[HF_N_ALERT_KINDS] = {
  [HF_ALERT_OFFLINE]               = "offline",
  [HF_ALERT_BACK_ONLINE]           = "back-online",
  [HF_ALERT_HOT]                   = "hot",
  [HF_ALERT_LOW_HASHRATE]          = "low-hashrate",
  [HF_ALERT_BOARD_HOT]             = "board-hot",
  [HF_ALERT_NOT_HASHING]           = "not-hashing",
  [HF_ALERT_PAUSED]                = "paused",
  [HF_ALERT_NO_SHARES]             = "no-shares",
  [HF_ALERT_POOL_SWITCHED]         = "pool-switched",
  [HF_ALERT_FAN_STOPPED]           = "fan-stopped",
  [HF_ALERT_BEST_DIFFICULTY]       = "best-difficulty",
  [HF_ALERT_FLEET_BEST_DIFFICULTY] = "fleet-best-difficulty",
  [HF_ALERT_QUIET_DIGEST]          = "quiet-digest",
  [HF_ALERT_DAILY_SUMMARY]         = "daily-summary",
  [HF_ALERT_THERMAL_STEP]          = "thermal-step",
};

const char *
hf_alert_kind_to_string (HfAlertKind kind)
{
  g_return_val_if_fail ((guint) kind < HF_N_ALERT_KINDS, "unknown");
  return kind_names[kind];
}

gboolean
hf_alert_kind_from_string (const char  *name,
                           HfAlertKind *kind)
{
  for (guint i = 0; name != NULL && i < HF_N_ALERT_KINDS; i++)
    if (g_str_equal (name, kind_names[i]))
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
hf_alert_kind_label (HfAlertKind kind)
{
  switch (kind)
    {
    case HF_ALERT_OFFLINE:               return _("Miner offline");
    case HF_ALERT_BACK_ONLINE:           return _("Miner back online");
    case HF_ALERT_HOT:                   return _("Chip too hot");
    case HF_ALERT_LOW_HASHRATE:          return _("Hashing slowly");
    case HF_ALERT_BOARD_HOT:             return _("Board or regulator too hot");
    case HF_ALERT_NOT_HASHING:           return _("Not hashing");
    case HF_ALERT_PAUSED:                return _("Paused unexpectedly");
    case HF_ALERT_NO_SHARES:             return _("No accepted shares");
    case HF_ALERT_POOL_SWITCHED:         return _("Switched to a fallback pool");
    case HF_ALERT_FAN_STOPPED:           return _("Fan stopped");
    case HF_ALERT_BEST_DIFFICULTY:       return _("New best difficulty");
    case HF_ALERT_FLEET_BEST_DIFFICULTY: return _("New best difficulty of the fleet");
    case HF_ALERT_QUIET_DIGEST:          return _("Quiet hours digest");
    case HF_ALERT_DAILY_SUMMARY:         return _("Daily summary");
    case HF_ALERT_THERMAL_STEP:          return _("Stepped for temperature");
    default:                             g_return_val_if_reached ("");
    }
}

/* ---- rules --------------------------------------------------------------- */

void
hf_alert_rules_init (HfAlertRules *rules)
{
  g_return_if_fail (rules != NULL);

  memset (rules, 0, sizeof *rules);
  rules->hot_c = HF_ALERTS_DEFAULT_HOT_C;
  rules->board_hot_c = HF_ALERTS_DEFAULT_BOARD_HOT_C;
  rules->low_percent = HF_ALERTS_DEFAULT_LOW_PERCENT;
  rules->low_for_s = HF_ALERTS_DEFAULT_LOW_FOR_S;
  rules->no_share_s = HF_ALERTS_DEFAULT_NO_SHARE_S;
  rules->cooldown_s = HF_ALERTS_DEFAULT_COOLDOWN_S;
  rules->summary_min = -1;
}

/* "HH:MM" → minutes after midnight. */
static gboolean
parse_clock (const char *text,
             const char *end,
             int        *minutes)
{
  guint h = 0, m = 0;
  gsize len = end - text;

  if (len != 5 || !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) || text[2] != ':'
      || !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;
  h = (text[0] - '0') * 10 + (text[1] - '0');
  m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59)
    return FALSE;
  *minutes = h * 60 + m;
  return TRUE;
}

gboolean
hf_alert_rules_parse_quiet (HfAlertRules *rules,
                            const char   *text,
                            GError      **error)
{
  const char *dash;
  int start, end;

  g_return_val_if_fail (rules != NULL, FALSE);

  if (text == NULL || text[0] == '\0')
    {
      rules->quiet_start_min = rules->quiet_end_min = 0;
      return TRUE;
    }
  dash = strchr (text, '-');
  if (dash == NULL || !parse_clock (text, dash, &start)
      || !parse_clock (dash + 1, dash + 1 + strlen (dash + 1), &end))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Quiet hours are two times of day, as in 22:00-07:00"));
      return FALSE;
    }
  rules->quiet_start_min = start;
  rules->quiet_end_min = end;
  return TRUE;
}

gboolean
hf_alert_rules_parse_summary (HfAlertRules *rules,
                              const char   *text,
                              GError      **error)
{
  int at;

  g_return_val_if_fail (rules != NULL, FALSE);

  if (text == NULL || text[0] == '\0')
    {
      rules->summary_min = -1;
      return TRUE;
    }
  if (!parse_clock (text, text + strlen (text), &at))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The daily summary's time is a time of day, as in 08:00"));
      return FALSE;
    }
  rules->summary_min = at;
  return TRUE;
}

gboolean
hf_alert_rules_set_off (HfAlertRules       *rules,
                        const char * const *names,
                        GError            **error)
{
  guint off = 0;

  g_return_val_if_fail (rules != NULL, FALSE);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      HfAlertKind kind;

      if (!hf_alert_kind_from_string (names[i], &kind))
        {
          g_autofree char *shown = g_strescape (names[i], NULL);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%.40s” names no alert rule"), shown);
          return FALSE;
        }
      off |= 1u << kind;
    }
  rules->off = off;
  return TRUE;
}

/* ---- state --------------------------------------------------------------- */

static gint64
now_us (HfAlerts *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();
}

static const char *
who_of (HfMiner *miner)
{
  const char *who = hf_miner_get_identity_key (miner);

  return who != NULL ? who : hf_miner_get_address (miner);
}

static MinerAlerts *
state_for_who (HfAlerts   *self,
               const char *who)
{
  MinerAlerts *st = g_hash_table_lookup (self->miners, who);

  if (st == NULL)
    {
      st = g_new0 (MinerAlerts, 1);
      st->best = NAN;
      g_hash_table_insert (self->miners, g_strdup (who), st);
    }
  return st;
}

/* A miner first known by its address that later says its MAC keeps
 * what was said about it: the state moves to the new key. */
static MinerAlerts *
state_for (HfAlerts *self,
           HfMiner  *miner)
{
  const char *who = who_of (miner);
  const char *address = hf_miner_get_address (miner);

  if (!g_str_equal (who, address) && !g_hash_table_contains (self->miners, who))
    {
      gpointer old_key, st;

      if (g_hash_table_steal_extended (self->miners, address, &old_key, &st))
        {
          g_free (old_key);
          g_hash_table_insert (self->miners, g_strdup (who), st);
        }
    }
  return state_for_who (self, who);
}

static void
remember (HfAlerts   *self,
          const char *who,
          const char *what,
          gint64      value)
{
  g_autofree char *key = g_strconcat (STATE_PREFIX, who, ":", what, NULL);

  g_signal_emit (self, signals[SIGNAL_REMEMBER], 0, key, value);
}

/* A reading's number as a remembered integer: rounded up (so that the
 * same value read again is not "higher"), 0 for nothing sane, and capped
 * far above any difficulty or sum a fleet reaches. */
#define REMEMBER_MAX ((gint64) 1 << 62)

static gint64
to_remembered (double value)
{
  if (!isfinite (value) || value <= 0)
    return 0;
  if (value >= (double) REMEMBER_MAX)
    return REMEMBER_MAX;
  return (gint64) ceil (value);
}

static void
held_free (gpointer data)
{
  Held *h = data;

  g_free (h->who);
  g_free (h->title);
  g_free (h);
}

static void
remember_held (HfAlerts    *self,
               const char  *who,
               HfAlertKind  kind,
               gint64       value)
{
  char what[24];

  g_snprintf (what, sizeof what, "held-%d", kind);
  remember (self, who, what, value);
}

static void
hold (HfAlerts    *self,
      const char  *who,
      HfAlertKind  kind,
      const char  *title,
      gint64       when)
{
  self->held_total++;
  if (self->held->len < HF_ALERTS_HELD_MAX)
    {
      Held *h = g_new0 (Held, 1);

      h->who = g_strdup (who);
      h->kind = kind;
      h->title = g_strdup (title);
      g_ptr_array_add (self->held, h);
    }
  if (when != 0)
    remember_held (self, who, kind, when / G_USEC_PER_SEC);
}

/* Turn @bit of @miner's conditions on or off; TRUE when it goes on. */
static gboolean
set_standing (HfAlerts    *self,
              HfMiner     *miner,
              MinerAlerts *st,
              guint        bit,
              gboolean     on)
{
  guint before = st->standing;

  if (on)
    st->standing |= bit;
  else
    st->standing &= ~bit;
  if (st->standing != before)
    remember (self, who_of (miner), "standing", st->standing);
  return on && !(before & bit);
}

static gboolean
in_quiet_hours (HfAlerts *self,
                gint64    now)
{
  int start = self->rules.quiet_start_min, end = self->rules.quiet_end_min;
  g_autoptr(GDateTime) local = NULL;
  int minute;

  if (start == end)
    return FALSE;
  local = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  if (local == NULL)
    return FALSE;
  {
    g_autoptr(GDateTime) in_tz = g_date_time_to_timezone (local, self->tz);
    minute = g_date_time_get_hour (in_tz) * 60 + g_date_time_get_minute (in_tz);
  }
  /* 22:00-07:00 runs over midnight; 01:00-05:00 does not. */
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/* Kinds that are a problem: the daily summary counts them. */
static gboolean
is_incident (HfAlertKind kind)
{
  switch (kind)
    {
    case HF_ALERT_BACK_ONLINE:
    case HF_ALERT_BEST_DIFFICULTY:
    case HF_ALERT_FLEET_BEST_DIFFICULTY:
    case HF_ALERT_QUIET_DIGEST:
    case HF_ALERT_DAILY_SUMMARY:
      return FALSE;
    default:
      return TRUE;
    }
}

/* Raise @kind for @miner unless its rule is off or it was raised within
 * the cool-down (@force: whatever the cool-down, for "back online" after
 * an "offline" that was said).  TRUE when raised: said, or held for the
 * quiet hours' end. */
static gboolean
raise_alert_full (HfAlerts    *self,
                  HfMiner     *miner,
                  HfAlertKind  kind,
                  gboolean     force,
                  const char  *title,
                  const char  *body)
{
  MinerAlerts *st = state_for (self, miner);
  gint64 now = now_us (self);
  gint64 cooldown_us = (gint64) self->rules.cooldown_s * G_USEC_PER_SEC;

  if (self->rules.off & (1u << kind))
    return FALSE;
  if (!force && st->last[kind] != 0 && now - st->last[kind] < cooldown_us && now >= st->last[kind])
    {
      g_debug ("%s: %s held back (cool-down)", hf_miner_get_address (miner), kind_names[kind]);
      return FALSE;
    }
  st->last[kind] = now;
  {
    char what[16];

    g_snprintf (what, sizeof what, "%d", kind);
    remember (self, who_of (miner), what, now / G_USEC_PER_SEC);
  }
  if (is_incident (kind))
    self->summary.incidents[kind]++;
  if (in_quiet_hours (self, now))
    {
      g_debug ("quiet hours: held “%s”", title);
      hold (self, who_of (miner), kind, title, now);
      return TRUE;
    }
  g_signal_emit (self, signals[SIGNAL_ALERT], 0, miner, kind, title, body);
  return TRUE;
}

static gboolean
raise_alert (HfAlerts    *self,
             HfMiner     *miner,
             HfAlertKind  kind,
             const char  *title,
             const char  *body)
{
  return raise_alert_full (self, miner, kind, FALSE, title, body);
}

/* ---- offline and back ---------------------------------------------------- */

/* @miner does not answer: say so once it has been silent long enough.
 * The fleet's own "offline" needs several missed polls; a miner restored
 * from the store that never answered in this run is offline too, once a
 * poll of it has failed (its error is set). */
static void
check_offline (HfAlerts *self,
               HfMiner  *miner,
               gint64    now)
{
  MinerAlerts *st = state_for (self, miner);
  gint64 since = hf_miner_get_state_since (miner);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  const char *error = hf_miner_get_error (miner);

  if (st->offline_said || hf_miner_get_state (miner) != HF_STATE_OFFLINE || error == NULL)
    return;
  if (self->rules.offline_after_s > 0 && since > 0
      && now - since < (gint64) self->rules.offline_after_s * G_USEC_PER_SEC)
    return;
  title = g_strdup_printf (_("%s is offline"), hf_miner_get_display_name (miner));
  if (self->rules.offline_after_s > 0 && since > 0)
    {
      g_autofree char *silent = hf_format_duration ((double) (now - since) / G_USEC_PER_SEC);
      body = g_strdup_printf (_("%s has not answered for %s: %s"),
                              hf_miner_get_address (miner), silent, error);
    }
  else
    body = g_strdup_printf (_("%s stopped answering: %s"), hf_miner_get_address (miner), error);
  if (raise_alert (self, miner, HF_ALERT_OFFLINE, title, body))
    st->offline_said = TRUE;
}

static void
offline_cb (HfFleet  *fleet,
            HfMiner  *miner,
            HfAlerts *self)
{
  check_offline (self, miner, now_us (self));
}

static void
online_cb (HfFleet  *fleet,
           HfMiner  *miner,
           HfAlerts *self)
{
  MinerAlerts *st = state_for (self, miner);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  /* Back from an outage nobody was told of is no news; the answer to an
   * "offline" that was said is, whatever the cool-down: else the last
   * word would be "offline" while the miner hashes for hours. */
  if (!st->offline_said)
    return;
  st->offline_said = FALSE;
  title = g_strdup_printf (_("%s is back online"), hf_miner_get_display_name (miner));
  body = g_strdup_printf (_("%s answers again."), hf_miner_get_address (miner));
  raise_alert_full (self, miner, HF_ALERT_BACK_ONLINE, TRUE, title, body);
}

/* ---- readings ------------------------------------------------------------ */

static double
hot_c_of (HfAlerts *self,
          HfMiner  *miner)
{
  HfFamily family = hf_miner_get_family (miner);

  if ((guint) family < HF_N_FAMILIES && self->rules.family_hot_c[family] > 0)
    return self->rules.family_hot_c[family];
  return self->rules.hot_c;
}

static void
check_temperatures (HfAlerts        *self,
                    HfMiner         *miner,
                    MinerAlerts     *st,
                    const HfReading *r)
{
  double hot_c = hot_c_of (self, miner);
  double chip = hf_reading_known (r->chip_temp_c) ? r->chip_temp_c : r->temperature_c;
  double board = hf_max_known (r->board_temp_c, r->vr_temp_c);
  gboolean hot = hf_reading_known (chip) && chip > hot_c;
  gboolean board_hot = hf_reading_known (board) && board > self->rules.board_hot_c;

  if (set_standing (self, miner, st, STANDING_HOT, hot))
    {
      g_autofree char *title = g_strdup_printf (_("%s is running hot"),
                                                hf_miner_get_display_name (miner));
      g_autofree char *body = g_strdup_printf (_("%.1f °C, above the %.0f °C alert threshold."),
                                               chip, hot_c);
      raise_alert (self, miner, HF_ALERT_HOT, title, body);
    }

  if (set_standing (self, miner, st, STANDING_BOARD_HOT, board_hot))
    {
      g_autofree char *title = g_strdup_printf (_("%s’s board is running hot"),
                                                hf_miner_get_display_name (miner));
      g_autofree char *body =
        g_strdup_printf (_("Board or voltage regulator at %.1f °C, above the %.0f °C alert threshold."),
                         board, self->rules.board_hot_c);
      raise_alert (self, miner, HF_ALERT_BOARD_HOT, title, body);
    }
}

static void
check_state (HfAlerts    *self,
             HfMiner     *miner,
             MinerAlerts *st)
{
  HfState state = hf_miner_get_state (miner);
  gboolean stopped = state == HF_STATE_NOT_HASHING || state == HF_STATE_OVERHEATED
                     || state == HF_STATE_POWER_FAULT;
  gboolean paused = state == HF_STATE_PAUSED;

  /* A pause Hashfleet asked for ends when the miner, seen paused, hashes
   * again (resumed from here, its own page or another program). */
  if (st->expect_paused && paused)
    st->seen_paused = TRUE;
  else if (st->expect_paused && st->seen_paused && hf_state_is_hashing (state))
    hf_alerts_expect_paused (self, miner, FALSE);

  if (set_standing (self, miner, st, STANDING_STOPPED, stopped))
    {
      g_autofree char *title = g_strdup_printf (_("%s is not hashing"),
                                                hf_miner_get_display_name (miner));
      g_autofree char *body = NULL;

      if (state == HF_STATE_NOT_HASHING)
        body = g_strdup_printf (_("%s answers, but does no work: no hashrate, or no share accepted for too long."),
                                hf_miner_get_address (miner));
      else
        body = g_strdup_printf (_("%s: %s."), hf_miner_get_address (miner), hf_state_label (state));
      raise_alert (self, miner, HF_ALERT_NOT_HASHING, title, body);
    }
  if (set_standing (self, miner, st, STANDING_PAUSED, paused) && !st->expect_paused)
    {
      g_autofree char *title = g_strdup_printf (_("%s is paused"), hf_miner_get_display_name (miner));
      g_autofree char *body =
        g_strdup_printf (_("%s stopped mining, and Hashfleet did not ask it to."),
                         hf_miner_get_address (miner));
      raise_alert (self, miner, HF_ALERT_PAUSED, title, body);
    }
}

static void
check_hashrate (HfAlerts        *self,
                HfMiner         *miner,
                MinerAlerts     *st,
                const HfReading *r,
                gint64           now)
{
  double fraction = self->rules.low_percent / 100.0;

  /* Not hashing and paused have their own rules. */
  if (hf_state_is_hashing (hf_miner_get_state (miner))
      && hf_reading_known (r->hashrate_ghs) && hf_reading_known (r->expected_hashrate_ghs)
      && r->expected_hashrate_ghs > 0 && r->hashrate_ghs < fraction * r->expected_hashrate_ghs)
    {
      if (st->low_since == 0)
        st->low_since = now;
      /* Once a slow spell: not again at every cool-down while it lasts. */
      if (now - st->low_since >= (gint64) self->rules.low_for_s * G_USEC_PER_SEC
          && !(st->standing & STANDING_SLOW))
        {
          g_autofree char *title = g_strdup_printf (_("%s is hashing slowly"),
                                                    hf_miner_get_display_name (miner));
          g_autofree char *body =
            g_strdup_printf (_("%.0f %% of its expected hashrate for %u minutes."),
                             100.0 * r->hashrate_ghs / r->expected_hashrate_ghs,
                             (guint) ((now - st->low_since) / (60 * G_USEC_PER_SEC)));
          raise_alert (self, miner, HF_ALERT_LOW_HASHRATE, title, body);
          set_standing (self, miner, st, STANDING_SLOW, TRUE);
        }
    }
  else
    {
      st->low_since = 0;
      set_standing (self, miner, st, STANDING_SLOW, FALSE);
    }
}

static void
check_shares (HfAlerts        *self,
              HfMiner         *miner,
              MinerAlerts     *st,
              const HfReading *r,
              gint64           now)
{
  /* Counted only while hashing: a pause, a stop or an outage is not a
   * stall, and the clock starts again when the work does. */
  if (!hf_reading_known (r->accepted) || !hf_state_is_hashing (hf_miner_get_state (miner)))
    {
      st->accepted_since = 0;
      return;
    }
  /* Any move counts, a counter reset by a reboot too. */
  if (st->accepted_since == 0 || r->accepted != st->accepted)
    {
      st->accepted = r->accepted;
      st->accepted_since = now;
      set_standing (self, miner, st, STANDING_NO_SHARES, FALSE);
      return;
    }
  if (self->rules.no_share_s == 0 || (st->standing & STANDING_NO_SHARES)
      || now - st->accepted_since < (gint64) self->rules.no_share_s * G_USEC_PER_SEC)
    return;
  {
    g_autofree char *title = g_strdup_printf (_("%s has no accepted shares"),
                                              hf_miner_get_display_name (miner));
    g_autofree char *body = g_strdup_printf (_("No share accepted by the pool for %u minutes."),
                                             (guint) ((now - st->accepted_since)
                                                      / (60 * G_USEC_PER_SEC)));
    raise_alert (self, miner, HF_ALERT_NO_SHARES, title, body);
    /* Once per stall, whether said or held back. */
    set_standing (self, miner, st, STANDING_NO_SHARES, TRUE);
  }
}

static void
check_pool_and_fan (HfAlerts        *self,
                    HfMiner         *miner,
                    MinerAlerts     *st,
                    const HfReading *r)
{
  gboolean fan_stopped = hf_reading_known (r->fan_rpm) && r->fan_rpm < 1
                         && hf_state_is_hashing (hf_miner_get_state (miner));

  if (set_standing (self, miner, st, STANDING_FALLBACK, r->fallback_pool))
    {
      g_autofree char *title = g_strdup_printf (_("%s switched to a fallback pool"),
                                                hf_miner_get_display_name (miner));
      g_autofree char *body = g_strdup_printf (_("%s now mines on %s, not on its first pool."),
                                               hf_miner_get_address (miner),
                                               r->pool_url != NULL ? r->pool_url : _("another pool"));
      raise_alert (self, miner, HF_ALERT_POOL_SWITCHED, title, body);
    }

  if (set_standing (self, miner, st, STANDING_FAN, fan_stopped))
    {
      g_autofree char *title = g_strdup_printf (_("%s’s fan stopped"),
                                                hf_miner_get_display_name (miner));
      g_autofree char *body = g_strdup_printf (_("%s hashes with its fan at 0 rpm."),
                                               hf_miner_get_address (miner));
      raise_alert (self, miner, HF_ALERT_FAN_STOPPED, title, body);
    }
}

/* A miner's first best difficulty is where it starts, not news: only a
 * higher one later is, and the fleet's best only from a miner already
 * known (a miner joining with a great past is no new record). */
static void
check_best (HfAlerts        *self,
            HfMiner         *miner,
            MinerAlerts     *st,
            const HfReading *r)
{
  double best = r->best_difficulty;
  gboolean known_before = hf_reading_known (st->best);
  gboolean fleet_record;
  g_autofree char *shown = NULL;

  if (!isfinite (best) || best <= 0 || (known_before && best <= st->best))
    return;
  fleet_record = known_before && hf_reading_known (self->fleet_best) && best > self->fleet_best;
  st->best = best;
  remember (self, who_of (miner), "best", to_remembered (best));
  if (!hf_reading_known (self->fleet_best) || best > self->fleet_best)
    {
      self->fleet_best = best;
      remember (self, FLEET_WHO, "best", to_remembered (best));
    }
  if (!known_before)
    return;
  shown = hf_format_difficulty (best);
  if (fleet_record)
    {
      g_autofree char *title = g_strdup_printf (_("New best difficulty of the fleet: %s"), shown);
      g_autofree char *body = g_strdup_printf (_("%s (%s) found a share of difficulty %s."),
                                               hf_miner_get_display_name (miner),
                                               hf_miner_get_address (miner), shown);
      raise_alert (self, miner, HF_ALERT_FLEET_BEST_DIFFICULTY, title, body);
    }
  else
    {
      g_autofree char *title = g_strdup_printf (_("%s: new best difficulty %s"),
                                                hf_miner_get_display_name (miner), shown);
      g_autofree char *body = g_strdup_printf (_("%s found its best share yet."),
                                               hf_miner_get_address (miner));
      raise_alert (self, miner, HF_ALERT_BEST_DIFFICULTY, title, body);
    }
}

static void
reading_cb (HfFleet   *fleet,
            HfMiner   *miner,
            HfReading *reading,
            HfAlerts  *self)
{
  MinerAlerts *st = state_for (self, miner);
  gint64 now = now_us (self);

  /* It answers: if its "offline" was said, its return is news, even when
   * the fleet does not call it a return (it came back while Hashfleet was
   * not running, and the first poll after the start found it). */
  if (st->offline_said)
    online_cb (fleet, miner, self);
  check_state (self, miner, st);
  check_temperatures (self, miner, st, reading);
  check_hashrate (self, miner, st, reading, now);
  check_shares (self, miner, st, reading, now);
  check_pool_and_fan (self, miner, st, reading);
  check_best (self, miner, st, reading);
}

/* ---- time: quiet hours, offline after N minutes, the daily summary ------- */

/* The line a held alert shows: its title, or, restored after a restart,
 * what it was about and whom. */
static char *
held_line (HfAlerts   *self,
           const Held *h)
{
  GListModel *model = G_LIST_MODEL (self->fleet);
  const char *name = h->who;

  if (h->title != NULL)
    return g_strdup (h->title);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (model, i);

      if (g_str_equal (who_of (miner), h->who))
        {
          return g_strdup_printf ("%s: %s", hf_alert_kind_label (h->kind),
                                  hf_miner_get_display_name (miner));
        }
    }
  return g_strdup_printf ("%s: %s", hf_alert_kind_label (h->kind), name);
}

static void
say_digest (HfAlerts *self)
{
  guint n = self->held_total;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *title = NULL;
  guint lines = 0;

  for (guint i = 0; i < self->held->len; i++)
    {
      Held *h = g_ptr_array_index (self->held, i);

      if (lines < HF_ALERTS_DIGEST_LINES)
        {
          g_autofree char *line = held_line (self, h);

          g_string_append_printf (body, "%s%s", lines > 0 ? "\n" : "", line);
          lines++;
        }
      remember_held (self, h->who, h->kind, 0);
    }
  g_ptr_array_set_size (self->held, 0);
  self->held_total = 0;
  /* Turned off: the quiet hours were silence. */
  if (self->rules.off & (1u << HF_ALERT_QUIET_DIGEST))
    return;
  if (n > lines)
    {
      guint more = n - lines;

      g_string_append_c (body, '\n');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more",
                                                 more), more);
    }
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u alert in the quiet hours",
                                        "%u alerts in the quiet hours", n), n);
  g_signal_emit (self, signals[SIGNAL_ALERT], 0, NULL, HF_ALERT_QUIET_DIGEST, title, body->str);
}

static void
remember_summary (HfAlerts *self)
{
  Summary *s = &self->summary;
  guint incidents = s->earlier;

  for (guint k = 0; k < HF_N_ALERT_KINDS; k++)
    incidents += s->incidents[k];
  remember (self, SUMMARY_WHO, "miner-s", to_remembered (s->miner_s));
  remember (self, SUMMARY_WHO, "online-s", to_remembered (s->online_s));
  remember (self, SUMMARY_WHO, "watched-s", to_remembered (s->watched_s));
  remember (self, SUMMARY_WHO, "hashrate-ghs-s", to_remembered (s->hashrate_ghs_s));
  remember (self, SUMMARY_WHO, "energy-wh", to_remembered (s->energy_wh));
  remember (self, SUMMARY_WHO, "energy-estimated-wh", to_remembered (s->energy_estimated_wh));
  remember (self, SUMMARY_WHO, "incidents", incidents);
  remember (self, SUMMARY_WHO, "day", self->summary_day);
}

/* Add the time since the last tick to the summary's sums. */
static void
accumulate (HfAlerts *self,
            gint64    now)
{
  Summary *s = &self->summary;
  GListModel *model = G_LIST_MODEL (self->fleet);
  double dt;

  if (self->last_tick == 0 || now <= self->last_tick || now - self->last_tick > SUMMARY_MAX_STEP_US)
    {
      self->last_tick = now;
      return;
    }
  dt = (double) (now - self->last_tick) / G_USEC_PER_SEC;
  self->last_tick = now;
  s->watched_s += dt;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (model, i);
      const HfReading *r = hf_miner_get_reading (miner);

      s->miner_s += dt;
      if (!hf_miner_get_online (miner) || r == NULL)
        continue;
      s->online_s += dt;
      /* Only what a miner can be: a hostile one's absurd numbers stay out
       * of the sums (1 EH/s, 100 kW). */
      if (isfinite (r->hashrate_ghs) && r->hashrate_ghs >= 0 && r->hashrate_ghs < 1e9)
        s->hashrate_ghs_s += r->hashrate_ghs * dt;
      if (isfinite (r->power_w) && r->power_w >= 0 && r->power_w < 1e5)
        {
          if (r->power_estimated)
            s->energy_estimated_wh += r->power_w * dt / 3600.0;
          else
            s->energy_wh += r->power_w * dt / 3600.0;
        }
    }
}

static void
say_summary (HfAlerts *self,
             gint64    now)
{
  Summary *s = &self->summary;
  /* Over the time watched: days the app was closed are not hours of 0 H/s. */
  g_autofree char *hashrate =
    hf_format_hashrate (s->watched_s > 0 ? s->hashrate_ghs_s / s->watched_s : 0);
  g_autoptr(GString) incidents = g_string_new (NULL);
  g_autofree char *body = NULL;
  guint total = 0;
  double energy_kwh = (s->energy_wh + s->energy_estimated_wh) / 1000.0;

  for (guint k = 0; k < HF_N_ALERT_KINDS; k++)
    if (s->incidents[k] > 0)
      {
        g_string_append_printf (incidents, "%s%u × %s", total > 0 ? ", " : "", s->incidents[k],
                                hf_alert_kind_label (k));
        total += s->incidents[k];
      }
  if (s->earlier > 0)
    {
      if (total > 0)
        g_string_append (incidents, ", ");
      g_string_append_printf (incidents, _("%u before a restart"), s->earlier);
    }
  body = g_strdup_printf (_("Average hashrate %s, uptime %.1f %%, energy %.2f kWh%s.\n%s"),
                          hashrate, s->miner_s > 0 ? 100.0 * s->online_s / s->miner_s : 0.0,
                          energy_kwh,
                          s->energy_estimated_wh > 0.5 ? _(" (partly estimated)") : "",
                          total + s->earlier == 0 ? _("No incidents.") : incidents->str);
  g_signal_emit (self, signals[SIGNAL_ALERT], 0, NULL, HF_ALERT_DAILY_SUMMARY,
                 _("Hashfleet daily summary"), body);
}

static void
check_summary (HfAlerts *self,
               gint64    now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;
  gint64 day;
  int minute;

  if (self->rules.summary_min < 0 || utc == NULL)
    return;
  local = g_date_time_to_timezone (utc, self->tz);
  day = (gint64) g_date_time_get_year (local) * 10000 + g_date_time_get_month (local) * 100
        + g_date_time_get_day_of_month (local);
  minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
  /* Said today already, or a clock set back to a day before it. */
  if (day <= self->summary_day || minute < self->rules.summary_min)
    return;
  /* Less than an hour watched (a first start at 08:30) says too little:
   * the sums go on to tomorrow's. */
  if (self->summary.watched_s * G_USEC_PER_SEC >= SUMMARY_MIN_SPAN_US)
    {
      if (!(self->rules.off & (1u << HF_ALERT_DAILY_SUMMARY)))
        say_summary (self, now);
      memset (&self->summary, 0, sizeof self->summary);
    }
  self->summary_day = day;
  remember_summary (self);
  self->summary_saved = now;
}

gboolean
hf_alerts_raise (HfAlerts    *self,
                 HfMiner     *miner,
                 HfAlertKind  kind,
                 const char  *title,
                 const char  *body)
{
  g_return_val_if_fail (HF_IS_ALERTS (self), FALSE);
  g_return_val_if_fail (HF_IS_MINER (miner), FALSE);
  g_return_val_if_fail ((guint) kind < HF_N_ALERT_KINDS, FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  return raise_alert_full (self, miner, kind, TRUE, title, body != NULL ? body : "");
}

void
hf_alerts_tick (HfAlerts *self)
{
  GListModel *model;
  gint64 now;

  g_return_if_fail (HF_IS_ALERTS (self));

  now = now_us (self);
  model = G_LIST_MODEL (self->fleet);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (model, i);
      check_offline (self, miner, now);
    }
  if (self->held_total > 0 && !in_quiet_hours (self, now))
    say_digest (self);
  accumulate (self, now);
  check_summary (self, now);
  /* The sums are kept only for a summary that will be said. */
  if (self->rules.summary_min >= 0 && now - self->summary_saved >= SUMMARY_SAVE_EVERY_US)
    {
      self->summary_saved = now;
      remember_summary (self);
    }
}

static void
cycle_finished_cb (HfFleet  *fleet,
                   guint     polled,
                   guint     answered,
                   guint     elapsed_ms,
                   HfAlerts *self)
{
  hf_alerts_tick (self);
}

/* ---- what survives a restart -------------------------------------------- */

void
hf_alerts_load (HfAlerts   *self,
                GHashTable *remembered)
{
  GHashTableIter iter;
  gpointer key, value;
  Summary *s = &self->summary;

  g_return_if_fail (HF_IS_ALERTS (self));

  if (remembered == NULL)
    return;
  g_hash_table_iter_init (&iter, remembered);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *name = key, *colon;
      gint64 v = *(gint64 *) value;
      g_autofree char *who = NULL;
      const char *what;
      HfAlertKind kind;
      guint64 number;

      if (!g_str_has_prefix (name, STATE_PREFIX) || (colon = strrchr (name, ':')) == NULL
          || colon < name + strlen (STATE_PREFIX))
        continue;
      who = g_strndup (name + strlen (STATE_PREFIX), colon - name - strlen (STATE_PREFIX));
      what = colon + 1;
      if (g_str_equal (who, SUMMARY_WHO))
        {
          if (g_str_equal (what, "miner-s")) s->miner_s = v;
          else if (g_str_equal (what, "online-s")) s->online_s = v;
          else if (g_str_equal (what, "hashrate-ghs-s")) s->hashrate_ghs_s = v;
          else if (g_str_equal (what, "energy-wh")) s->energy_wh = v;
          else if (g_str_equal (what, "energy-estimated-wh")) s->energy_estimated_wh = v;
          else if (g_str_equal (what, "watched-s")) s->watched_s = v;
          else if (g_str_equal (what, "incidents")) s->earlier = (guint) CLAMP (v, 0, G_MAXUINT);
          else if (g_str_equal (what, "day")) self->summary_day = v;
        }
      else if (g_str_equal (what, "best"))
        {
          double best = v >= REMEMBER_MAX ? INFINITY : (double) v;

          if (v <= 0)
            continue;
          if (g_str_equal (who, FLEET_WHO))
            self->fleet_best = best;
          else
            state_for_who (self, who)->best = best;
        }
      else if (g_str_equal (what, "standing"))
        state_for_who (self, who)->standing = (guint) CLAMP (v, 0, G_MAXUINT);
      else if (g_str_has_prefix (what, "held-")
               && g_ascii_string_to_unsigned (what + 5, 10, 0, HF_N_ALERT_KINDS - 1, &number, NULL))
        {
          if (v > 0)
            hold (self, who, number, NULL, 0);
        }
      else if (g_str_equal (what, "paused-by-hashfleet"))
        state_for_who (self, who)->expect_paused = v != 0;
      else if (g_ascii_string_to_unsigned (what, 10, 0, HF_N_ALERT_KINDS - 1, &number, NULL))
        {
          kind = number;
          state_for_who (self, who)->last[kind] = v * G_USEC_PER_SEC;
        }
    }
  /* An offline said after the last back-online: the miner's return is news. */
  g_hash_table_iter_init (&iter, self->miners);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MinerAlerts *st = value;
      st->offline_said = st->last[HF_ALERT_OFFLINE] > st->last[HF_ALERT_BACK_ONLINE];
    }
}

void
hf_alerts_expect_paused (HfAlerts *self,
                         HfMiner  *miner,
                         gboolean  paused)
{
  MinerAlerts *st;

  g_return_if_fail (HF_IS_ALERTS (self));
  g_return_if_fail (HF_IS_MINER (miner));

  st = state_for (self, miner);
  st->seen_paused = FALSE;
  if (st->expect_paused == !!paused)
    return;
  st->expect_paused = !!paused;
  remember (self, who_of (miner), "paused-by-hashfleet", paused ? 1 : 0);
}

/* ---- the object ---------------------------------------------------------- */

static void
hf_alerts_dispose (GObject *object)
{
  HfAlerts *self = HF_ALERTS (object);

  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  g_clear_object (&self->fleet);
  g_clear_pointer (&self->miners, g_hash_table_unref);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (hf_alerts_parent_class)->dispose (object);
}

static void
hf_alerts_class_init (HfAlertsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_alerts_dispose;

  /**
   * HfAlerts::alert:
   * @miner: (nullable): the miner; NULL for the quiet-hours digest and
   *   the daily summary
   * @kind: an #HfAlertKind
   * @title: one line for people
   * @body: the details
   */
  signals[SIGNAL_ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4, HF_TYPE_MINER, G_TYPE_INT,
                  G_TYPE_STRING, G_TYPE_STRING);
  /**
   * HfAlerts::remember:
   * @key: "alert:WHO:WHAT"
   * @value: what to give back to hf_alerts_load() after a restart
   */
  signals[SIGNAL_REMEMBER] =
    g_signal_new ("remember", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
}

static void
hf_alerts_init (HfAlerts *self)
{
  self->miners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->held = g_ptr_array_new_with_free_func (held_free);
  self->tz = g_time_zone_new_local ();
  self->fleet_best = NAN;
  hf_alert_rules_init (&self->rules);
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
  g_signal_connect (fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
  return self;
}

void
hf_alerts_set_rules (HfAlerts           *self,
                     const HfAlertRules *rules)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  g_return_if_fail (rules != NULL);
  self->rules = *rules;
}

const HfAlertRules *
hf_alerts_get_rules (HfAlerts *self)
{
  g_return_val_if_fail (HF_IS_ALERTS (self), NULL);
  return &self->rules;
}

void
hf_alerts_set_clock (HfAlerts      *self,
                     HfAlertsClock  clock,
                     gpointer       user_data,
                     GTimeZone     *tz)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  self->clock = clock;
  self->clock_data = user_data;
  g_clear_pointer (&self->tz, g_time_zone_unref);
  self->tz = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
}

void
hf_alerts_set_hot_c (HfAlerts *self,
                     double    celsius)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  self->rules.hot_c = celsius;
}

void
hf_alerts_set_family_hot_c (HfAlerts *self,
                            HfFamily  family,
                            double    celsius)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  g_return_if_fail ((guint) family < HF_N_FAMILIES);
  self->rules.family_hot_c[family] = celsius;
}

void
hf_alerts_set_cooldown (HfAlerts *self,
                        guint     seconds)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  self->rules.cooldown_s = seconds;
}

void
hf_alerts_set_low_for (HfAlerts *self,
                       guint     seconds)
{
  g_return_if_fail (HF_IS_ALERTS (self));
  self->rules.low_for_s = seconds;
}
