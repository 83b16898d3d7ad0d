/* hf-miner.h — one miner: identity and latest reading, as properties
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib-object.h>

#include "hf-state.h"
#include "hf-reading.h"
#include "hf-types.h"

G_BEGIN_DECLS

#define HF_TYPE_MINER (hf_miner_get_type ())

G_DECLARE_FINAL_TYPE (HfMiner, hf_miner, HF, MINER, GObject)

HfMiner         *hf_miner_new                (const char      *address,
                                              HfFamily         family);

const char      *hf_miner_get_address        (HfMiner         *self);
void             hf_miner_set_address        (HfMiner         *self,
                                              const char      *address);
guint16          hf_miner_get_http_port      (HfMiner         *self);
void             hf_miner_set_http_port      (HfMiner         *self,
                                              guint16          port);
guint16          hf_miner_get_cgminer_port   (HfMiner         *self);
void             hf_miner_set_cgminer_port   (HfMiner         *self,
                                              guint16          port);
/* Which API of its family the miner answers on hf_miner_get_cgminer_port():
 * 0 the family's usual one, 3 the Whatsminer API v3. */
guint            hf_miner_get_api_version    (HfMiner         *self);
void             hf_miner_set_api_version    (HfMiner         *self,
                                              guint            version);
/* Set by identify when the API version is a definitive answer (the v3 port
 * answered and is not v3, or was not to be asked); not stored.  Only then
 * does hf_miner_update_identity() lower a known miner's API version. */
gboolean         hf_miner_get_api_version_confirmed (HfMiner  *self);
void             hf_miner_set_api_version_confirmed (HfMiner  *self,
                                                     gboolean  confirmed);
HfFamily         hf_miner_get_family         (HfMiner         *self);
void             hf_miner_set_family         (HfMiner         *self,
                                              HfFamily         family);
const char      *hf_miner_get_model          (HfMiner         *self);
void             hf_miner_set_model          (HfMiner         *self,
                                              const char      *model);
const char      *hf_miner_get_firmware       (HfMiner         *self);
void             hf_miner_set_firmware       (HfMiner         *self,
                                              const char      *firmware);
const char      *hf_miner_get_hostname       (HfMiner         *self);
void             hf_miner_set_hostname       (HfMiner         *self,
                                              const char      *hostname);
const char      *hf_miner_get_mac            (HfMiner         *self);
void             hf_miner_set_mac            (HfMiner         *self,
                                              const char      *mac);
const char      *hf_miner_get_serial         (HfMiner         *self);
void             hf_miner_set_serial         (HfMiner         *self,
                                              const char      *serial);
/* The name the user gave it (NULL: none), kept in the store. */
const char      *hf_miner_get_label          (HfMiner         *self);
void             hf_miner_set_label          (HfMiner         *self,
                                              const char      *label);
/* The one name it goes by everywhere (cards, table, notifications, the
 * API): its label, else its hostname, else its model, else its address. */
const char      *hf_miner_get_display_name   (HfMiner         *self);

/* The latest reading; NULL before the first successful poll. */
const HfReading *hf_miner_get_reading        (HfMiner         *self);
void             hf_miner_set_reading        (HfMiner         *self,
                                              const HfReading *reading);
gboolean         hf_miner_get_online         (HfMiner         *self);
void             hf_miner_set_online         (HfMiner         *self,
                                              gboolean         online);
/* TRUE from an accepted restart until the miner answers again. */
gboolean         hf_miner_get_restarting     (HfMiner         *self);
void             hf_miner_set_restarting     (HfMiner         *self,
                                              gboolean         restarting);
/* Wall-clock µs of the last successful poll, 0 if never. */
gint64           hf_miner_get_last_seen      (HfMiner         *self);
/* The last error message, NULL after a successful poll. */
/* What it can do beyond being polled (kept up to date by its fleet). */
HfCapabilities   hf_miner_get_capabilities   (HfMiner         *self);
void             hf_miner_set_capabilities   (HfMiner         *self,
                                              HfCapabilities   capabilities);
const char      *hf_miner_get_error          (HfMiner         *self);
void             hf_miner_set_error          (HfMiner         *self,
                                              const char      *error);
/* The last poll failed with @error: its message, and its HfError code. */
void             hf_miner_set_failure        (HfMiner         *self,
                                              const GError    *error);
/* The HfError of the last failure (what happened, in no language), or -1
 * when the last poll worked or the error was of another domain. */
int              hf_miner_get_error_code     (HfMiner         *self);

/* What it is doing, put in order by its fleet from its reading, whether
 * it answers and is restarting, and how long since its last share (see
 * HfState for the words and their precedence).  A miner outside a
 * fleet stays HF_STATE_UNKNOWN.  notify::state is emitted when the
 * state changes, and notify::state-since with it. */
HfState     hf_miner_get_state          (HfMiner         *self);
/* Wall-clock µs since when it is in its state; for "offline" the time of
 * its last answer (0: it never answered, or not known). */
gint64           hf_miner_get_state_since    (HfMiner         *self);
/* For its fleet: a new state (@since is kept only when the state changes,
 * except for "offline", whose @since is always taken). */
void             hf_miner_set_state          (HfMiner         *self,
                                              HfState     state,
                                              gint64           since);
/* Blocks Hashfleet has recorded for this miner (its store's block-found
 * events, plus those seen since): unlike the firmware's counter, never
 * back to 0 at a reboot. */
guint            hf_miner_get_blocks_found   (HfMiner         *self);
void             hf_miner_set_blocks_found   (HfMiner         *self,
                                              guint            blocks);

/* Convenience for bindings: the reading's values (NAN when unknown). */
double           hf_miner_get_hashrate_ghs   (HfMiner         *self);
double           hf_miner_get_temperature_c  (HfMiner         *self);
double           hf_miner_get_power_w        (HfMiner         *self);

/* The miner's stable identity: MAC, else serial, else NULL. */
const char      *hf_miner_get_identity_key   (HfMiner         *self);

/* Copy identity fields from @other that @other knows (after an identify).
 * The API version and its port are not lowered (3 → 0) for the same
 * family unless @other's is confirmed. */
void             hf_miner_update_identity    (HfMiner         *self,
                                              HfMiner         *other);

/* Normalise a MAC to upper-case colon form; NULL if it is not 6 hex octets. */
char            *hf_normalize_mac            (const char      *mac);

G_END_DECLS
