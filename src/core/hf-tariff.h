/* hf-tariff.h — what a kWh costs, and when
 * SPDX-License-Identifier: MIT
 *
 * A tariff is a currency the user names and a price per kWh: one flat
 * price, or time-of-use periods (a set of weekdays and a range of the
 * local clock, each with its price) over a default price that holds
 * outside them.  Users write it as text (the form settings, key files and
 * the command line keep), scripts as JSON:
 *
 *   0.25 EUR
 *   EUR 0.30; mon-fri 07:00-22:00 0.32; sat,sun 0.21
 *   CHF 0.27; 22:00-06:00 0.19
 *
 * The first clause is the currency and the default price, in either
 * order.  Each further clause is a period: weekdays (mon…sun, lists with
 * ',' and ranges with '-', fri-mon wrapping), time ranges HH:MM-HH:MM
 * (lists with ','; 24:00 may end one; a range whose end is before its
 * start runs past midnight into the next day, and belongs to the day it
 * starts on), then the price; weekdays or times may be left out (every
 * day, all day).  Periods may not overlap.  Prices are decimal numbers
 * with a '.' (negative ones too: spot prices go below zero).
 *
 * A tariff is immutable once made, and may be shared between threads.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The most periods one tariff holds (each time range of a clause is one). */
#define HF_TARIFF_MAX_PERIODS  64
/* The longest tariff text accepted, and the longest currency name. */
#define HF_TARIFF_MAX_TEXT     4096
#define HF_TARIFF_MAX_CURRENCY 16
/* The largest price per kWh (either sign) taken as one. */
#define HF_TARIFF_MAX_PRICE    1e6

typedef struct _HfTariff HfTariff;

/**
 * HfTariffSpan:
 * @start: unix seconds, inclusive
 * @end: unix seconds, exclusive
 * @price: per kWh, in the tariff's currency
 *
 * A stretch of time at one price.
 */
typedef struct
{
  gint64 start;
  gint64 end;
  double price;
} HfTariffSpan;

#define HF_TYPE_TARIFF (hf_tariff_get_type ())

GType       hf_tariff_get_type         (void);

/* A flat price per kWh. */
HfTariff   *hf_tariff_new_flat         (const char        *currency,
                                        double             price);
/* The text form above.  Errors (HF_ERROR_INVALID) name the clause and
 * what is wrong with it. */
HfTariff   *hf_tariff_parse            (const char        *text,
                                        GError           **error);
/* The JSON form: {"currency": "EUR", "price": 0.30, "periods": [{"days":
 * ["mon", …], "from": "07:00", "to": "22:00", "price": 0.32}, …]}
 * ("days" left out: every day; "from"/"to" left out: all day).  Unknown
 * members are refused. */
HfTariff   *hf_tariff_new_from_json    (JsonNode          *node,
                                        GError           **error);
/* The text form kept under @key of @group (a key file's string). */
HfTariff   *hf_tariff_new_from_key_file (GKeyFile         *key_file,
                                         const char       *group,
                                         const char       *key,
                                         GError          **error);

HfTariff   *hf_tariff_ref              (HfTariff          *self);
void        hf_tariff_unref            (HfTariff          *self);

/* The text form, canonical: parsing it gives the same tariff. */
char       *hf_tariff_to_string        (const HfTariff    *self);
JsonNode   *hf_tariff_to_json          (const HfTariff    *self);
gboolean    hf_tariff_equal            (const HfTariff    *a,
                                        const HfTariff    *b);

const char *hf_tariff_get_currency     (const HfTariff    *self);
/* The price outside every period (the only one of a flat tariff). */
double      hf_tariff_get_default_price (const HfTariff   *self);
gboolean    hf_tariff_is_flat          (const HfTariff    *self);

/* The price per kWh at @time (unix seconds) on the clock of @zone (NULL:
 * the local time zone). */
double      hf_tariff_price_at         (const HfTariff    *self,
                                        GTimeZone         *zone,
                                        gint64             time);
/* [@from, @to) cut where the price changes (HfTariffSpan, in order,
 * adjacent spans at different prices).  A period follows the wall clock:
 * on the day clocks go forward an hour that does not exist is not
 * charged, and on the day they go back the repeated hour is charged at
 * the price of the clock, twice. */
GArray     *hf_tariff_split            (const HfTariff    *self,
                                        GTimeZone         *zone,
                                        gint64             from,
                                        gint64             to);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfTariff, hf_tariff_unref)

G_END_DECLS
