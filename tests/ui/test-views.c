/* test-views.c — cards, table cells and the totals header show a miner's
 * values, follow its changes, and show an offline miner as offline
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <adwaita.h>
#include <gio/gsettingsbackend.h>

#include "hf-chart.h"
#include "hf-miner-card.h"
#include "hf-miner-cell.h"
#include "hf-miner-status.h"
#include "hf-test-utils.h"
#include "hf-totals-header.h"

/* Every label's text under @widget, joined by '|'. */
static void
collect_labels (GtkWidget *widget,
                GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s|", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_labels (c, out);
}

static char *
labels_of (GtkWidget *widget)
{
  GString *out = g_string_new ("|");

  collect_labels (widget, out);
  return g_string_free (out, FALSE);
}

static GtkLabel *
label_with_text (GtkWidget  *widget,
                 const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return GTK_LABEL (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *found = label_with_text (c, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static HfMiner *
make_miner (const char *address,
            const char *hostname,
            double      ghs,
            double      temp,
            double      watts)
{
  HfMiner *miner = hf_miner_new (address, HF_FAMILY_AXEOS);
  g_autoptr(HfReading) r = hf_reading_new ();

  hf_miner_set_hostname (miner, hostname);
  hf_miner_set_model (miner, "Bitaxe Gamma");
  r->hashrate_ghs = ghs;
  r->temperature_c = temp;
  r->power_w = watts;
  r->fan_rpm = 4100;
  r->uptime_s = 3 * 3600 + 5 * 60;
  r->accepted = 120;
  r->rejected = 3;
  r->best_difficulty = 4.81e9;
  r->vr_temp_c = 52;
  hf_miner_set_reading (miner, r);
  hf_miner_set_online (miner, TRUE);
  return miner;
}

static void
set_hashrate (HfMiner *miner,
              double   ghs)
{
  g_autoptr(HfReading) r = hf_reading_copy (hf_miner_get_reading (miner));

  r->hashrate_ghs = ghs;
  hf_miner_set_reading (miner, r);
}

static void
test_card (void)
{
  g_autoptr(HfMiner) miner = make_miner ("127.0.0.5", "bitaxe-desk", 1070, 81.5, 17.2);
  GtkWidget *card = g_object_ref_sink (hf_miner_card_new ());
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *offline = NULL;
  GtkLabel *temp;

  hf_miner_card_set_miner (HF_MINER_CARD (card), miner);
  before = labels_of (card);
  g_assert_true (strstr (before, "|bitaxe-desk|") != NULL);
  g_assert_true (strstr (before, "|Bitaxe Gamma · 127.0.0.5|") != NULL);
  g_assert_true (strstr (before, "|1.07 TH/s|") != NULL);
  g_assert_true (strstr (before, "|81.5 °C|") != NULL);
  g_assert_true (strstr (before, "|17 W|") != NULL);
  g_assert_true (strstr (before, "|4100 rpm|") != NULL);
  g_assert_true (strstr (before, "|Up 3h 5m|") != NULL);
  /* Hashing, in the hashing badge's colours; never "Online". */
  g_assert_true (strstr (before, "|Hashing|") != NULL);
  g_assert_null (strstr (before, "Online"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label_with_text (card, "Hashing")),
                                           "hf-state-hashing"));
  /* The family as it is written everywhere. */
  g_assert_true (strstr (before, "|AxeOS|") != NULL);
  /* The luck and detail numbers that fit. */
  g_assert_true (strstr (before, "|4.81 G|") != NULL);
  g_assert_true (strstr (before, "|120 / 3|") != NULL);
  g_assert_true (strstr (before, "|52.0 °C|") != NULL);
  /* Above the threshold (no settings given: 75 °C): coloured. */
  temp = label_with_text (card, "81.5 °C");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (temp), "error"));

  /* A new reading: the same card, new text. */
  set_hashrate (miner, 2000);
  after = labels_of (card);
  g_assert_true (strstr (after, "|2.00 TH/s|") != NULL);
  g_assert_null (strstr (after, "|1.07 TH/s|"));

  /* Paused: its own words and colours, and the hashrate dimmed. */
  {
    g_autoptr(HfReading) r = hf_reading_copy (hf_miner_get_reading (miner));
    GtkLabel *paused;

    r->hashrate_ghs = 0;
    r->paused = TRUE;
    hf_miner_set_reading (miner, r);
    paused = label_with_text (card, "Paused");
    g_assert_nonnull (paused);
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (paused), "hf-state-paused"));
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (paused), "hf-state-hashing"));
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label_with_text (card, "0 GH/s")),
                                             "dim-label"));
    r->hashrate_ghs = 2000;
    r->paused = FALSE;
    hf_miner_set_reading (miner, r);
  }

  /* Offline: said so, with since when (its fleet's state-since). */
  {
    /* Told by its code: the words are GIO's, in the user's language. */
    g_autoptr(GError) refused = g_error_new_literal (HF_ERROR, HF_ERROR_REFUSED,
                                                     "127.0.0.1:80: Verbindungsaufbau abgelehnt");

    hf_miner_set_failure (miner, refused);
  }
  hf_miner_set_online (miner, FALSE);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *hhmm = g_date_time_format (now, "%R");
    g_autofree char *expected = g_strdup_printf ("|Offline since %s · refusing connections|",
                                                 hhmm);

    hf_miner_set_state (miner, HF_STATE_OFFLINE, g_date_time_to_unix (now) * G_USEC_PER_SEC);
    offline = labels_of (card);
    g_assert_true (strstr (offline, expected) != NULL);
  }
  g_assert_true (gtk_widget_has_css_class (card, "hf-offline"));
  /* Its last numbers stay, dimmed, every one of them. */
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label_with_text (card, "81.5 °C")),
                                           "dim-label"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label_with_text (card, "17 W")),
                                           "dim-label"));

  /* Restarting wins over everything (its fleet says so). */
  hf_miner_set_restarting (miner, TRUE);
  hf_miner_set_state (miner, HF_STATE_RESTARTING, g_get_real_time ());
  g_assert_nonnull (label_with_text (card, "Restarting…"));

  /* Unbound, the card lets go of the miner. */
  hf_miner_card_set_miner (HF_MINER_CARD (card), NULL);
  g_assert_cmpint (G_OBJECT (miner)->ref_count, ==, 1);

  /* Nothing read yet: connecting, not "Online". */
  {
    g_autoptr(HfMiner) fresh = hf_miner_new ("127.0.0.15", HF_FAMILY_AVALON);
    g_autofree char *text = NULL;

    hf_miner_set_online (fresh, TRUE);
    hf_miner_card_set_miner (HF_MINER_CARD (card), fresh);
    text = labels_of (card);
    g_assert_true (strstr (text, "|Connecting…|") != NULL);
    g_assert_null (strstr (text, "|Online|"));
    g_assert_true (strstr (text, "|Avalon|") != NULL);
    hf_miner_card_set_miner (HF_MINER_CARD (card), NULL);
  }
  g_object_unref (card);
}

static void
test_cell (void)
{
  g_autoptr(HfMiner) miner = make_miner ("127.0.0.6", NULL, 950, 58.5, NAN);
  GtkWidget *hashrate = g_object_ref_sink (hf_miner_cell_new (HF_MINER_FIELD_HASHRATE));
  GtkWidget *name = g_object_ref_sink (hf_miner_cell_new (HF_MINER_FIELD_NAME));
  GtkWidget *power = g_object_ref_sink (hf_miner_cell_new (HF_MINER_FIELD_POWER));
  GtkWidget *status = g_object_ref_sink (hf_miner_cell_new (HF_MINER_FIELD_STATUS));
  g_autoptr(HfMiner) other = make_miner ("127.0.0.10", NULL, NAN, NAN, NAN);

  hf_miner_cell_set_miner (HF_MINER_CELL (hashrate), miner);
  hf_miner_cell_set_miner (HF_MINER_CELL (name), miner);
  hf_miner_cell_set_miner (HF_MINER_CELL (power), miner);
  hf_miner_cell_set_miner (HF_MINER_CELL (status), miner);
  g_assert_cmpstr (hf_miner_cell_get_text (HF_MINER_CELL (hashrate)), ==, "950 GH/s");
  /* No hostname: the model names it. */
  g_assert_cmpstr (hf_miner_cell_get_text (HF_MINER_CELL (name)), ==, "Bitaxe Gamma");
  /* Unknown is a dash, never 0. */
  g_assert_cmpstr (hf_miner_cell_get_text (HF_MINER_CELL (power)), ==, "—");

  set_hashrate (miner, 1234567);
  g_assert_cmpstr (hf_miner_cell_get_text (HF_MINER_CELL (hashrate)), ==, "1.23 PH/s");
  hf_miner_set_hostname (miner, "renamed");
  g_assert_cmpstr (hf_miner_cell_get_text (HF_MINER_CELL (name)), ==, "renamed");

  /* Estimated power is marked. */
  {
    g_autoptr(HfReading) r = hf_reading_copy (hf_miner_get_reading (miner));
    r->power_w = 3250;
    r->power_estimated = TRUE;
    hf_miner_set_reading (miner, r);
  }
  g_assert_cmpstr (hf_miner_cell_get_text (HF_MINER_CELL (power)), ==, "~3250 W");
  g_assert_false (gtk_widget_has_css_class (gtk_widget_get_first_child (power), "dim-label"));

  hf_miner_set_online (miner, FALSE);
  /* Not polled yet (no error): waiting, not offline. */
  g_assert_true (g_str_has_prefix (hf_miner_cell_get_text (HF_MINER_CELL (status)), "Waiting"));
  hf_miner_set_error (miner, "timed out");
  g_assert_true (g_str_has_prefix (hf_miner_cell_get_text (HF_MINER_CELL (status)), "Offline"));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_first_child (status), "hf-state-offline"));
  /* Its last numbers dimmed, as on its card; its name not. */
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_first_child (power), "dim-label"));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_first_child (hashrate), "dim-label"));
  g_assert_false (gtk_widget_has_css_class (gtk_widget_get_first_child (name), "dim-label"));
  hf_miner_set_error (miner, NULL);
  hf_miner_set_online (miner, TRUE);
  g_assert_false (gtk_widget_has_css_class (gtk_widget_get_first_child (power), "dim-label"));

  /* The sorters: numbers numerically, unknown last, addresses as numbers. */
  g_assert_cmpint (hf_miner_compare_field (other, miner, HF_MINER_FIELD_HASHRATE), >, 0);
  g_assert_cmpint (hf_miner_compare_field (miner, other, HF_MINER_FIELD_ADDRESS), <, 0);

  g_object_unref (hashrate);
  g_object_unref (name);
  g_object_unref (power);
  g_object_unref (status);
}

/* Cards and cells start and stop following a miner the same way: bound to
 * another, they let go of the first (no handler left on it, no reference
 * kept) and show the second. */
static void
test_binding (void)
{
  g_autoptr(HfMiner) first = make_miner ("127.0.0.7", "first", 1000, 60, 15);
  g_autoptr(HfMiner) second = make_miner ("127.0.0.8", "second", 2000, 61, 16);
  GtkWidget *card = g_object_ref_sink (hf_miner_card_new ());
  GtkWidget *cell = g_object_ref_sink (hf_miner_cell_new (HF_MINER_FIELD_NAME));
  guint notify_id = g_signal_lookup ("notify", G_TYPE_OBJECT);

  hf_miner_card_set_miner (HF_MINER_CARD (card), first);
  hf_miner_cell_set_miner (HF_MINER_CELL (cell), first);
  g_assert_true (g_signal_has_handler_pending (first, notify_id, 0, FALSE));
  g_assert_nonnull (label_with_text (card, "first"));

  hf_miner_card_set_miner (HF_MINER_CARD (card), second);
  hf_miner_cell_set_miner (HF_MINER_CELL (cell), second);
  g_assert_false (g_signal_has_handler_pending (first, notify_id, 0, FALSE));
  g_assert_cmpint (G_OBJECT (first)->ref_count, ==, 1);
  g_assert_nonnull (label_with_text (card, "second"));
  g_assert_cmpstr (hf_miner_cell_get_text (HF_MINER_CELL (cell)), ==, "second");

  /* The first one's changes no longer reach them. */
  hf_miner_set_hostname (first, "renamed");
  g_assert_null (label_with_text (card, "renamed"));
  g_assert_cmpstr (hf_miner_cell_get_text (HF_MINER_CELL (cell)), ==, "second");

  /* Disposed, they let go of the second too. */
  g_assert_finalize_object (card);
  g_assert_finalize_object (cell);
  g_assert_false (g_signal_has_handler_pending (second, notify_id, 0, FALSE));
  g_assert_cmpint (G_OBJECT (second)->ref_count, ==, 1);
}

static HfSettings *
settings_with_alert (double celsius)
{
  /* Each on its own backend: two independent sets of settings. */
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend ("io.github.hashfleet.Hashfleet",
                                                               backend);
  HfSettings *self = hf_settings_new (settings);

  hf_settings_set_temperature_alert (self, celsius);
  return self;
}

static gboolean
card_shows_hot (GtkWidget  *card,
                const char *temperature)
{
  GtkLabel *label = label_with_text (card, temperature);

  g_assert_nonnull (label);
  return gtk_widget_has_css_class (GTK_WIDGET (label), "error");
}

static gboolean
cell_shows_hot (GtkWidget *cell)
{
  return gtk_widget_has_css_class (gtk_widget_get_first_child (cell), "error");
}

/* A card and a cell colour a temperature from the settings they are
 * given, and follow them when the threshold changes. */
static void
test_hot_threshold (void)
{
  g_autoptr(HfMiner) miner = make_miner ("127.0.0.9", "warm", 1000, 81.5, 15);
  g_autoptr(HfSettings) strict = settings_with_alert (75);
  g_autoptr(HfSettings) lenient = settings_with_alert (85);
  GtkWidget *card_a = g_object_ref_sink (hf_miner_card_new ());
  GtkWidget *card_b = g_object_ref_sink (hf_miner_card_new ());
  GtkWidget *cell_a = g_object_ref_sink (hf_miner_cell_new (HF_MINER_FIELD_TEMPERATURE));
  GtkWidget *cell_b = g_object_ref_sink (hf_miner_cell_new (HF_MINER_FIELD_TEMPERATURE));

  hf_miner_card_set_settings (HF_MINER_CARD (card_a), strict);
  hf_miner_card_set_settings (HF_MINER_CARD (card_b), lenient);
  hf_miner_cell_set_settings (HF_MINER_CELL (cell_a), strict);
  hf_miner_cell_set_settings (HF_MINER_CELL (cell_b), lenient);
  g_assert_true (hf_miner_card_get_settings (HF_MINER_CARD (card_a)) == strict);
  hf_miner_card_set_miner (HF_MINER_CARD (card_a), miner);
  hf_miner_card_set_miner (HF_MINER_CARD (card_b), miner);
  hf_miner_cell_set_miner (HF_MINER_CELL (cell_a), miner);
  hf_miner_cell_set_miner (HF_MINER_CELL (cell_b), miner);

  /* 81.5 °C: hot above 75, not above 85. */
  g_assert_true (card_shows_hot (card_a, "81.5 °C"));
  g_assert_false (card_shows_hot (card_b, "81.5 °C"));
  g_assert_true (cell_shows_hot (cell_a));
  g_assert_false (cell_shows_hot (cell_b));

  /* The thresholds change: the views follow, each its own. */
  hf_settings_set_temperature_alert (lenient, 80);
  hf_settings_set_temperature_alert (strict, 90);
  g_assert_false (card_shows_hot (card_a, "81.5 °C"));
  g_assert_true (card_shows_hot (card_b, "81.5 °C"));
  g_assert_false (cell_shows_hot (cell_a));
  g_assert_true (cell_shows_hot (cell_b));

  /* Unbound, they let go of their settings. */
  g_assert_finalize_object (card_a);
  g_assert_finalize_object (card_b);
  g_assert_finalize_object (cell_a);
  g_assert_finalize_object (cell_b);
  g_assert_cmpint (G_OBJECT (strict)->ref_count, ==, 1);
  g_assert_cmpint (G_OBJECT (lenient)->ref_count, ==, 1);
}

/* Each family is hot above its own threshold: an Antminer at 81.5 °C is
 * normal (85 by default), a Bitaxe at the same temperature is not. */
static void
test_hot_threshold_family (void)
{
  g_autoptr(HfMiner) bitaxe = make_miner ("127.0.0.9", "warm", 1000, 81.5, 15);
  g_autoptr(HfMiner) s19 = hf_miner_new ("127.0.0.10", HF_FAMILY_ANTMINER);
  g_autoptr(HfReading) r = hf_reading_new ();
  g_autoptr(HfSettings) settings = settings_with_alert (75);
  GtkWidget *card_a = g_object_ref_sink (hf_miner_card_new ());
  GtkWidget *card_b = g_object_ref_sink (hf_miner_card_new ());
  GtkWidget *cell = g_object_ref_sink (hf_miner_cell_new (HF_MINER_FIELD_TEMPERATURE));

  r->hashrate_ghs = 95000;
  r->temperature_c = 81.5;
  hf_miner_set_model (s19, "Antminer S19");
  hf_miner_set_reading (s19, r);
  hf_miner_set_online (s19, TRUE);
  g_assert_cmpfloat (hf_settings_get_hot_c (settings, HF_FAMILY_ANTMINER), ==, 85);
  hf_miner_card_set_settings (HF_MINER_CARD (card_a), settings);
  hf_miner_card_set_settings (HF_MINER_CARD (card_b), settings);
  hf_miner_cell_set_settings (HF_MINER_CELL (cell), settings);
  hf_miner_card_set_miner (HF_MINER_CARD (card_a), bitaxe);
  hf_miner_card_set_miner (HF_MINER_CARD (card_b), s19);
  hf_miner_cell_set_miner (HF_MINER_CELL (cell), s19);
  g_assert_true (card_shows_hot (card_a, "81.5 °C"));
  g_assert_false (card_shows_hot (card_b, "81.5 °C"));
  g_assert_false (cell_shows_hot (cell));

  /* The Antminers' threshold changes: only they follow. */
  hf_settings_set_hot_c (settings, HF_FAMILY_ANTMINER, 80);
  g_assert_true (card_shows_hot (card_b, "81.5 °C"));
  g_assert_true (cell_shows_hot (cell));
  hf_settings_set_hot_c (settings, HF_FAMILY_AVALON, 90);
  g_assert_true (card_shows_hot (card_a, "81.5 °C"));
  g_assert_true (card_shows_hot (card_b, "81.5 °C"));

  /* A recycled cell now showing the Bitaxe takes the Bitaxe's threshold. */
  hf_settings_set_hot_c (settings, HF_FAMILY_ANTMINER, 90);
  g_assert_false (cell_shows_hot (cell));
  hf_miner_cell_set_miner (HF_MINER_CELL (cell), bitaxe);
  g_assert_true (cell_shows_hot (cell));

  g_assert_finalize_object (card_a);
  g_assert_finalize_object (card_b);
  g_assert_finalize_object (cell);
  g_assert_cmpint (G_OBJECT (settings)->ref_count, ==, 1);
}

/* Best difficulties read as miners' pages write them. */
static void
test_format_difficulty (void)
{
  const struct { double value; const char *text; } cases[] = {
    { 0, "0" }, { 950, "950" }, { 999.4, "999" }, { 999.6, "1.00 k" }, { 12345, "12.3 k" },
    { 123456, "123 k" }, { 999999, "1.00 M" }, { 4.81e9, "4.81 G" }, { 4812345678.0, "4.81 G" },
    { 2.5e12, "2.50 T" }, { 7.3e20, "730 E" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = hf_format_difficulty_ui (cases[i].value);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
  {
    g_autofree char *text = hf_format_difficulty_ui (NAN);
    g_assert_cmpstr (text, ==, "—");
  }
}

static void
test_totals_header (void)
{
  g_autoptr(HfConfig) config = hf_config_new ();
  g_autoptr(HfFleet) fleet = hf_fleet_new (config);
  g_autoptr(HfMiner) a = make_miner ("127.0.0.5", "a", 1000, 60, 15);
  g_autoptr(HfMiner) b = make_miner ("127.0.0.6", "b", 110000, 72.5, 3250);
  GtkWidget *header = g_object_ref_sink (hf_totals_header_new ());
  gint64 end;

  hf_totals_header_set_fleet (HF_TOTALS_HEADER (header), fleet);
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "miners"), ==,
                   "0 of 0 online");
  hf_fleet_add (fleet, a);
  hf_fleet_add (fleet, b);
  /* Totals are coalesced in an idle. */
  end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_strcmp0 (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "miners"),
                    "2 of 2 online") != 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "miners"), ==,
                   "2 of 2 online");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "hashrate"), ==,
                   "111.00 TH/s");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "power"), ==, "3265 W");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "hottest"), ==, "72.5 °C");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "offline"), ==,
                   "none offline");
  /* Both hash; the best share is the best of theirs; no network
   * difficulty read, so no odds (a dash, not "block in ~—"). */
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "hashing"), ==,
                   "2 hashing");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "best"), ==, "4.81 G");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "expected"), ==, "—");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "chance"), ==, "");
  /* The legend follows the miners added, a moment later. */
  end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_strcmp0 (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "legend"),
                    "2 × Bitaxe Gamma") != 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "legend"), ==,
                   "2 × Bitaxe Gamma");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "compact"), ==,
                   "111.00 TH/s · 3265 W · 2 of 2 online, 2 hashing · hottest 72.5 °C");

  /* Narrow (800 px, the Pi's touch display): one line; wide: the figures. */
  {
    GtkWidget *window = gtk_window_new ();
    int natural;

    gtk_window_set_child (GTK_WINDOW (window), header);
    gtk_widget_measure (header, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
    gtk_widget_measure (header, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
    gtk_widget_size_allocate (header, &(GtkAllocation) { 0, 0, 480, 200 }, -1);
    g_assert_true (hf_totals_header_get_compact (HF_TOTALS_HEADER (header)));
    {
      int height;

      /* As tall as its line, not as the figures it stands for. */
      gtk_widget_measure (header, GTK_ORIENTATION_VERTICAL, 480, &height, NULL, NULL, NULL);
      g_assert_cmpint (height, <, 60);
    }
    gtk_widget_size_allocate (header, &(GtkAllocation) { 0, 0, 2000, 200 }, -1);
    g_assert_false (hf_totals_header_get_compact (HF_TOTALS_HEADER (header)));
    g_object_ref (header);
    gtk_window_set_child (GTK_WINDOW (window), NULL);
    gtk_window_destroy (GTK_WINDOW (window));
  }

  /* One goes offline: its numbers leave the totals. */
  hf_miner_set_error (b, "timed out");
  hf_miner_set_online (b, FALSE);
  end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_strcmp0 (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "miners"),
                    "1 of 2 online") != 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "miners"), ==,
                   "1 of 2 online");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "offline"), ==,
                   "1 offline");
  g_assert_cmpstr (hf_totals_header_get_text (HF_TOTALS_HEADER (header), "hashrate"), ==,
                   "1.00 TH/s");
  g_object_unref (header);
}

static void
test_chart_gaps (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = hf_chart_new (HF_CHART_HASHRATE);
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (HfSeriesPoint));
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;

  /* 5-minute buckets with an hour missing in the middle: two segments. */
  for (gint64 t = 0; t < 6 * 3600; t += 300)
    {
      HfSeriesPoint p = { 1000000 + t, 1000 + t / 60.0, 60, 15 };
      if (t >= 2 * 3600 && t < 3 * 3600)
        continue;
      g_array_append_val (points, p);
    }
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 500, 200);
  gtk_window_present (GTK_WINDOW (window));
  hf_chart_set_series (HF_CHART (chart), points, 1000000, 1000000 + 6 * 3600);
  while (gtk_widget_get_width (chart) == 0)
    g_main_context_iteration (NULL, TRUE);
  paintable = gtk_widget_paintable_new (chart);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (chart),
                          gtk_widget_get_height (chart));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  g_assert_cmpuint (hf_chart_get_n_known (HF_CHART (chart)), ==, points->len);
  g_assert_cmpuint (hf_chart_get_n_segments (HF_CHART (chart)), ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Draw @chart once (in @window) with @points over since…until. */
static void
draw_chart (GtkWidget *chart,
            GArray    *points,
            gint64     since,
            gint64     until)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;

  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  hf_chart_set_series (HF_CHART (chart), points, since, until);
  paintable = gtk_widget_paintable_new (chart);
  /* Until the next frame has drawn it (a queued draw has no node yet). */
  while (node == NULL && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      if (gtk_widget_get_width (chart) == 0)
        continue;
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (chart),
                              gtk_widget_get_height (chart));
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
}

/* Readings at mixed intervals (the CLI's 1 s, then the app's 15 s, then
 * an interval set to 60 s) are one line; only a real hole breaks it. The
 * temperature axis never repeats a label, a day's axis has the date, and
 * the pointer shows the value under it. */
static void
test_chart_readings (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = hf_chart_new (HF_CHART_TEMPERATURE);
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (HfSeriesPoint));
  gint64 t0 = 1700000000, t = t0;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  for (guint i = 0; i < 60; i++, t += 1)
    g_array_append_val (points, ((HfSeriesPoint) { t, 1000, 70.0 + (i % 5) * 0.1, 15 }));
  for (guint i = 0; i < 120; i++, t += 15)
    g_array_append_val (points, ((HfSeriesPoint) { t, 1000, 70.2, 15 }));
  for (guint i = 0; i < 30; i++, t += 60)
    g_array_append_val (points, ((HfSeriesPoint) { t, 1000, 70.4, 15 }));
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 200);
  gtk_window_present (GTK_WINDOW (window));
  draw_chart (chart, points, t0, t);
  g_assert_cmpuint (hf_chart_get_n_known (HF_CHART (chart)), ==, points->len);
  g_assert_cmpuint (hf_chart_get_n_segments (HF_CHART (chart)), ==, 1);

  /* No two grid lines say the same. */
  for (guint i = 1; hf_chart_get_axis_label (HF_CHART (chart), i) != NULL; i++)
    g_assert_cmpstr (hf_chart_get_axis_label (HF_CHART (chart), i), !=,
                     hf_chart_get_axis_label (HF_CHART (chart), i - 1));
  g_assert_nonnull (hf_chart_get_axis_label (HF_CHART (chart), 1));

  /* Ten minutes without a 15 s reading: a real gap. */
  g_array_set_size (points, 0);
  t = t0;
  for (guint i = 0; i < 80; i++, t += 15)
    {
      if (i == 40)
        t += 600;
      g_array_append_val (points, ((HfSeriesPoint) { t, 1000, 65, 15 }));
    }
  draw_chart (chart, points, t0, t);
  g_assert_cmpuint (hf_chart_get_n_segments (HF_CHART (chart)), ==, 2);

  /* The pointer over the plot: that reading's time and value. */
  hf_chart_hover (HF_CHART (chart), gtk_widget_get_width (chart) / 2.0);
  draw_chart (chart, points, t0, t);
  g_assert_nonnull (hf_chart_get_hover_text (HF_CHART (chart)));
  g_assert_true (g_str_has_suffix (hf_chart_get_hover_text (HF_CHART (chart)), " · 65.0 °C"));
  hf_chart_hover (HF_CHART (chart), -1);
  draw_chart (chart, points, t0, t);
  g_assert_null (hf_chart_get_hover_text (HF_CHART (chart)));

  /* 24 hours from 00:05 to 00:05: the two ends differ (the date). */
  start = hf_chart_format_time (t0, 86400);
  end = hf_chart_format_time (t0 + 86400, 86400);
  g_assert_cmpstr (start, !=, end);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init_ui (&argc, &argv);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  g_test_add_func ("/ui/views/card", test_card);
  g_test_add_func ("/ui/views/cell", test_cell);
  g_test_add_func ("/ui/views/binding", test_binding);
  g_test_add_func ("/ui/views/hot-threshold", test_hot_threshold);
  g_test_add_func ("/ui/views/hot-threshold-family", test_hot_threshold_family);
  g_test_add_func ("/ui/views/format-difficulty", test_format_difficulty);
  g_test_add_func ("/ui/views/totals-header", test_totals_header);
  g_test_add_func ("/ui/views/chart-gaps", test_chart_gaps);
  g_test_add_func ("/ui/views/chart-readings", test_chart_readings);
  return g_test_run ();
}
