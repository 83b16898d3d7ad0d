/* hf-cgminer-reply.h — turning what a port-4028 API sends into JSON
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Apply the known firmware clean-ups (trailing NUL/newline, "}{", "[,{",
 * ",}", raw newlines, inf/nan, a missing comma between strings, a leading
 * "," instead of "{", a list written with dict syntax, a truncated reply)
 * and return text that a JSON parser accepts, or NULL with an error:
 * HF_ERROR_DAEMON_DOWN for "Socket connect failed…", HF_ERROR_PARSE for
 * anything that is not JSON to begin with. */
char        *hf_cgminer_clean         (const char  *data,
                                       gsize        len,
                                       gsize       *out_len,
                                       GError     **error);

/* Clean, then parse; the root must be an object. */
JsonObject  *hf_cgminer_parse_reply   (const char  *data,
                                       gsize        len,
                                       GError     **error);

/* Check the reply's STATUS, in either shape: cgminer's
 * "STATUS":[{"STATUS":"S",…}] or btminer's top-level "STATUS":"S" with a
 * "Msg".  S, I, W and RESTART pass; E and F give HF_ERROR_REJECTED with the
 * miner's message. */
gboolean     hf_cgminer_check_status  (JsonObject  *reply,
                                       GError     **error);

/* The first object of a report section ("SUMMARY", "VERSION", …), looked
 * up without regard to case, or NULL. */
JsonObject  *hf_cgminer_section       (JsonObject  *reply,
                                       const char  *section,
                                       guint        index);

/* The sub-reply of @command in a multi-command reply ("summary+pools"),
 * accepting both the documented plain object and the one-element array
 * some firmwares send.  NULL when absent. */
JsonObject  *hf_cgminer_multi_part    (JsonObject  *reply,
                                       const char  *command);

G_END_DECLS
