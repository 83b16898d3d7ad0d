/* hf-miner-settings.h — what can be changed on a miner, and a change to make
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

#include "hf-reading.h"

G_BEGIN_DECLS


typedef enum
{
  HF_ACTION_IDENTIFY,
  HF_ACTION_PAUSE,
  HF_ACTION_RESUME,
} HfMinerAction;

/* A change: only the fields set (non-zero / non-NULL) are written. */
typedef struct
{
  guint  frequency_mhz;
  guint  core_voltage_mv;
  int    fan_percent;          /* -1: leave; 0–100 fixed */
  gboolean fan_auto;           /* automatic fan (with target_temp_c if set) */
  guint  target_temp_c;
  int    work_mode;            /* -1: leave; 0 eco, 1 standard, 2 super */
  char  *hostname;
  char  *pool_url;             /* stratum+tcp://host:port */
  char  *pool_user;
  char  *pool_password;
  char  *fallback_pool_url;
  char  *fallback_pool_user;
  char  *fallback_pool_password;
  /* Allow frequency or voltage above the model's defaults. */
  gboolean allow_overclock;
  /* A power target / limit in watts (0: leave). */
  guint  power_limit_w;
  /* The firmware's named profile or preset (NULL: leave). */
  char  *preset;
} HfMinerSettings;

/* What a model takes (from the miner itself): frequencies (MHz) and core
 * voltages (mV) it lists, and its defaults (0: unknown).  Empty arrays: the
 * firmware does not say. */
typedef struct
{
  GArray *frequencies;        /* guint */
  GArray *voltages;           /* guint */
  guint   default_frequency;
  guint   default_voltage;
} HfMinerOptions;

HfMinerOptions  *hf_miner_options_new    (void);
void             hf_miner_options_free   (HfMinerOptions *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfMinerOptions, hf_miner_options_free)

HfMinerSettings *hf_miner_settings_new   (void);
HfMinerSettings *hf_miner_settings_copy  (const HfMinerSettings *self);
void             hf_miner_settings_free  (HfMinerSettings *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfMinerSettings, hf_miner_settings_free)

/* Whether @self changes anything, and whether it needs a restart to take
 * effect (frequency, voltage, pools and hostname do on AxeOS). */
gboolean         hf_miner_settings_is_empty      (const HfMinerSettings *self);
gboolean         hf_miner_settings_needs_restart (const HfMinerSettings *self);

/* What of @want @reading does not show ("frequency reads 525 MHz, not
 * 550"), or NULL when it shows all of it: how a change is verified. */
char            *hf_miner_settings_mismatch (const HfMinerSettings *want,
                                             const HfReading       *reading);

/* Split "stratum+tcp://host:port" (or "host:port") into host and port. */
gboolean         hf_pool_url_parse (const char  *url,
                                    char       **host,
                                    guint16     *port,
                                    GError     **error);

G_END_DECLS
