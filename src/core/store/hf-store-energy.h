/* hf-store-energy.h — the stored power history, as energy reads it
 * SPDX-License-Identifier: MIT
 *
 * For hf-energy.c and the history upkeep only: what each resolution
 * holds and up to when, and the rows of one miner, read inside one
 * transaction (a snapshot the upkeep cannot change half-way).
 */
#pragma once

#include <sqlite3.h>

#include "hf-store.h"

G_BEGIN_DECLS

/* energy_days.hours: the 24 hours from the row's UTC midnight, each as
 * three little-endian IEEE 754 doubles — energy (Wh), the part of it from
 * estimated power (Wh; NaN when not known), seconds with power known.  An
 * hour without a roll-up is 0, 0, 0. */
#define HF_STORE_DAY_VALUES 3
#define HF_STORE_DAY_BYTES  (24 * HF_STORE_DAY_VALUES * 8)

/* The gap beyond which two readings are no data between them: three poll
 * intervals, at least a minute (a slow miner's readings come late). */
#define HF_STORE_GAP_FACTOR  3
#define HF_STORE_GAP_MIN_S   60
gint64   hf_store_gap_limit (guint poll_interval_s);
/* The gap limit of @store's history: from the poll interval the recording
 * session noted in it, else the store's own. */
gint64   hf_store_energy_gap (HfStore *store);

/* One reading with power known. */
typedef struct
{
  gint64   time;
  double   power_w;
  gboolean estimated;
} HfPowerSample;

/* One roll-up bucket (an hour of an energy_days row is one too). */
typedef struct
{
  gint64 time;           /* its start */
  double wh;
  double estimated_wh;   /* NaN: not known (written before schema 5) */
  double seconds;        /* with power known */
} HfEnergyBucket;

/* What the store holds: the oldest row of each table (G_MAXINT64 when
 * empty), how far each roll-up level is complete (unix seconds, bucket
 * aligned: every bucket before it is rolled, data or not), and the poll
 * interval the recording session last noted (0: never noted). */
typedef struct
{
  gint64 raw_from;
  gint64 five_from;
  gint64 hour_from;
  gint64 five_until;
  gint64 hour_until;
  gint64 days_until;
  guint  poll_interval_s;
} HfStoreEnergyBounds;

/* A miner of the store. */
typedef struct
{
  gint64   id;
  char    *address;
  char    *mac;
  char    *model;
  char    *hostname;
  char    *label;
  gboolean removed;    /* forgotten with its history kept */
} HfStoreMinerRow;

void     hf_store_miner_row_free (HfStoreMinerRow *row);

typedef struct _HfStoreEnergyReader HfStoreEnergyReader;

/* Start reading @store's connection (one read transaction, until freed)
 * and learn its bounds. */
HfStoreEnergyReader *hf_store_energy_reader_new (HfStore               *store,
                                                 GError               **error);
void     hf_store_energy_reader_free    (HfStoreEnergyReader   *reader);
const HfStoreEnergyBounds *
         hf_store_energy_reader_bounds  (HfStoreEnergyReader   *reader);
/* The miners whose address is @address (NULL: every one, removed ones
 * too), by id: HfStoreMinerRow. */
GPtrArray *hf_store_energy_reader_miners (HfStoreEnergyReader  *reader,
                                          const char           *address,
                                          GError              **error);
/* Miner @id's readings with power known, @from <= time < @to, appended to
 * @out (HfPowerSample) in order. */
gboolean hf_store_energy_reader_samples (HfStoreEnergyReader   *reader,
                                         gint64                 id,
                                         gint64                 from,
                                         gint64                 to,
                                         GArray                *out,
                                         GError               **error);
/* Its 5-minute (@bucket_s 300) or hourly (3600) roll-ups starting in
 * [@from, @to), appended to @out (HfEnergyBucket).  Hourly ones come from
 * energy_days where those are packed. */
gboolean hf_store_energy_reader_buckets (HfStoreEnergyReader   *reader,
                                         gint64                 id,
                                         gint64                 bucket_s,
                                         gint64                 from,
                                         gint64                 to,
                                         GArray                *out,
                                         GError               **error);

/* The upkeep's step: pack the UTC day from @day of every miner's hourly
 * roll-ups into energy_days (inside the caller's transaction). */
gboolean hf_store_energy_pack_day       (sqlite3               *db,
                                         gint64                 day,
                                         GError               **error);

G_END_DECLS
