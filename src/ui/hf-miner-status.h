/* hf-miner-status.h — what the card and the table say about a miner
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-core.h"

G_BEGIN_DECLS

typedef enum
{
  HF_MINER_STATE_ONLINE,
  HF_MINER_STATE_OFFLINE,
  HF_MINER_STATE_STALE,       /* restored from the store, not polled yet */
  HF_MINER_STATE_RESTARTING,
} HfMinerState;

/* Above this a chip temperature is shown as hot when no settings say
 * otherwise (HfSettings:temperature-alert, the alert threshold). */
#define HF_HOT_DEFAULT_C 75.0

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

HfMinerState  hf_miner_state            (HfMiner     *miner);
/* The user's name for it, else hostname, else model, else address. */
const char   *hf_miner_display_name     (HfMiner     *miner);
/* "Connecting…" (nothing read yet), "Online", "Offline · not answering ·
 * last seen 5 min ago", "Waiting · last seen …", "Restarting…" */
char         *hf_miner_status_text      (HfMiner     *miner,
                                         gint64       now_us);
/* Why an offline miner is, in a few words ("not answering", "refusing
 * connections"…), from its last error. */
const char   *hf_miner_offline_reason   (HfMiner     *miner);
/* The CSS class of the state: "success", "error", "dim-label", "warning". */
const char   *hf_miner_state_css_class  (HfMinerState state);
/* "5 min ago", "3 h ago", "2 days ago", "just now". */
char         *hf_format_ago             (gint64       then_us,
                                         gint64       now_us);
/* A share difficulty as miners' own pages write it, three figures and an
 * SI prefix: "950", "12.3 k", "4.81 G"; "—" when unknown. */
char         *hf_format_difficulty      (double       difficulty);
/* The text a search matches: name, address, model, family and status. */
char         *hf_miner_search_text      (HfMiner     *miner);

G_END_DECLS
