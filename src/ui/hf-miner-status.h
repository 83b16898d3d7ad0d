/* hf-miner-status.h — what the card and the table say about a miner
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-core.h"

G_BEGIN_DECLS

/* Above this a chip temperature is shown as hot when no settings say
 * otherwise (HfSettings:temperature-alert, the alert threshold). */
#define HF_HOT_DEFAULT_C 75.0
/* A voltage regulator runs hotter than the chips: the Bitaxe firmware
 * throttles at 105 °C, so it is shown as hot a little before that. */
#define HF_VR_HOT_C 95.0

/* The columns of the table, and the figures of a card. */
typedef enum
{
  HF_MINER_FIELD_NAME,
  HF_MINER_FIELD_MODEL,
  HF_MINER_FIELD_FAMILY,
  HF_MINER_FIELD_ADDRESS,
  HF_MINER_FIELD_HASHRATE,
  HF_MINER_FIELD_TEMPERATURE,
  HF_MINER_FIELD_POWER,
  HF_MINER_FIELD_FAN,
  HF_MINER_FIELD_UPTIME,
  HF_MINER_FIELD_BEST_DIFFICULTY,
  HF_MINER_FIELD_BEST_SESSION,
  HF_MINER_FIELD_ACCEPTED,
  HF_MINER_FIELD_REJECTED,
  HF_MINER_FIELD_POOL_DIFFICULTY,
  HF_MINER_FIELD_FIRMWARE,
  HF_MINER_FIELD_CHIP2_TEMPERATURE,
  HF_MINER_FIELD_VR_TEMPERATURE,
  HF_MINER_FIELD_FAN_PERCENT,
  HF_MINER_FIELD_STATUS,
  HF_N_MINER_FIELDS
} HfMinerField;

/* @field of @miner as text for people ("—" when unknown). */
char         *hf_miner_format_field     (HfMiner     *miner,
                                         HfMinerField field);
/* Order two miners by @field (unknown values last); for the sorters. */
int           hf_miner_compare_field    (HfMiner     *a,
                                         HfMiner     *b,
                                         HfMinerField field);
/* The column's title. */
const char   *hf_miner_field_title      (HfMinerField field);

/* Whether @miner's temperature is above @hot_c. */
gboolean      hf_miner_is_hot           (HfMiner     *miner,
                                         double       hot_c);
/* Whether @field of @miner (a temperature) is above its threshold:
 * @hot_c for the chips, HF_VR_HOT_C for the voltage regulator. */
gboolean      hf_miner_field_is_hot     (HfMiner     *miner,
                                         HfMinerField field,
                                         double       hot_c);

/* HfMiner:state; for a miner outside a fleet (which never sets it), what
 * its own online, restarting and reading say. */
HfState       hf_miner_state            (HfMiner     *miner);
/* The user's name for it, else hostname, else model, else address. */
const char   *hf_miner_display_name     (HfMiner     *miner);
/* The state's words: "Hashing", "Paused", "Not hashing", "Connecting…"
 * (nothing read yet), "Offline since 14:05 · not answering", "Waiting ·
 * last seen 5 min ago" (restored, not answered yet), "Restarting…" */
char         *hf_miner_status_text      (HfMiner     *miner,
                                         gint64       now_us);
/* Why an offline miner is, in a few words ("not answering", "refusing
 * connections"…), from its last error. */
const char   *hf_miner_offline_reason   (HfMiner     *miner);
/* Problems first: offline, power fault, overheated, not hashing,
 * restarting, waiting, updating, on the fallback pool, paused, unknown,
 * hashing (the Status column and the cards' "Problems First"). */
int           hf_miner_status_rank      (HfMiner     *miner);
/* The CSS class of the state's badge, "hf-state-hashing",
 * "hf-state-paused"… (style.css gives each its colours). */
const char   *hf_miner_state_css_class  (HfState      state);
/* "5 min ago", "3 h ago", "2 days ago", "just now". */
char         *hf_format_ago             (gint64       then_us,
                                         gint64       now_us);
/* A share difficulty as miners' own pages write it, three figures and an
 * SI prefix: "950", "12.3 k", "4.81 G"; "—" when unknown.  (The core's
 * hf_format_difficulty() writes "4.81G", as the CLI does.) */
char         *hf_format_difficulty_ui   (double       difficulty);
/* The text a search matches: name, address, model, family, firmware and
 * state. */
char         *hf_miner_search_text      (HfMiner     *miner);

G_END_DECLS
