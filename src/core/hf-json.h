/* hf-json.h — reading JSON from miners without trusting it
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Parse @len bytes as JSON: invalid UTF-8 is repaired; anything that is not
 * strict RFC 8259 JSON (json-glib also reads single quotes and comments), or
 * is nested deeper than HF_MAX_JSON_DEPTH, is refused before json-glib sees
 * it.  Errors are in HF_ERROR (HF_ERROR_PARSE) with a message that says what
 * was wrong and where. */
JsonNode    *hf_json_parse          (const char  *data,
                                     gsize        len,
                                     GError     **error);
/* Like hf_json_parse(), but the root must be an object. */
JsonObject  *hf_json_parse_object   (const char  *data,
                                     gsize        len,
                                     GError     **error);

/* A member's number: JSON numbers, booleans and numeric strings ("73",
 * " 5904.657", "43%") are accepted; anything else, and NaN/Inf, is NAN. */
double       hf_json_number         (JsonObject  *obj,
                                     const char  *key);
/* The number in a string, with the same rules; NAN if it is none. */
double       hf_parse_number        (const char  *text);
/* A number with an optional SI suffix ("483k", "270M", "1.2G"). */
double       hf_parse_si_number     (const char  *text);
/* A member as number or suffixed string (AxeOS bestDiff). */
double       hf_json_si_number      (JsonObject  *obj,
                                     const char  *key);

/* A string member, or NULL when absent or not a string. */
const char  *hf_json_string         (JsonObject  *obj,
                                     const char  *key);
/* A copy of a string member trimmed and capped at HF_MAX_FIELD_CHARS,
 * each control or format character (escape sequences, line breaks, bidi
 * overrides) made a space; NULL when absent, not a string, or empty. */
char        *hf_json_dup_string     (JsonObject  *obj,
                                     const char  *key);
/* @text (a device's, any bytes) cleaned as hf_json_dup_string() does,
 * capped at @max_chars characters; NULL when NULL or nothing is left. */
char        *hf_json_clean_text     (const char  *text,
                                     glong        max_chars);
JsonObject  *hf_json_object         (JsonObject  *obj,
                                     const char  *key);
JsonArray   *hf_json_array          (JsonObject  *obj,
                                     const char  *key);
/* The object at @index of array member @key, or NULL. */
JsonObject  *hf_json_array_object   (JsonObject  *obj,
                                     const char  *key,
                                     guint        index);
/* Member lookup ignoring ASCII case (cgminer section names vary). */
JsonNode    *hf_json_member_nocase  (JsonObject  *obj,
                                     const char  *key);

/* json_object_unref() for a GDestroyNotify that may be given NULL. */
void        hf_json_object_unref0   (gpointer object);

/* A member @name of the object being built: @value, or null where it is
 * not a number (a value the miner did not report is NAN). */
void        hf_json_builder_add_number (JsonBuilder *builder,
                                        const char  *name,
                                        double       value);

G_END_DECLS
