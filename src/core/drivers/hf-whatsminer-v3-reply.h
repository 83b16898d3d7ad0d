/* hf-whatsminer-v3-reply.h — Whatsminer API v3 frames and reply codes
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The v3 reply codes (MicroBT's documentation). */
#define HF_WHATSMINER_V3_OK               0
#define HF_WHATSMINER_V3_FAIL            -1
#define HF_WHATSMINER_V3_INVALID_COMMAND -2
#define HF_WHATSMINER_V3_INVALID_JSON    -3
#define HF_WHATSMINER_V3_NO_PERMISSION   -4
#define HF_WHATSMINER_V3_OUT_OF_MEMORY   -5

/* What the user must do about code -4. */
#define HF_WHATSMINER_V3_PERMISSION_ADVICE \
  "the miner refused the write (no permission): change its default password and switch " \
  "on API write access in WhatsMinerTool, and give Hashfleet that super password"

/* One frame being read: 4 bytes of little-endian length, then that many
 * bytes of JSON.  Frames of length 0 are heartbeats and are skipped, up to
 * this many before the reply: a peer sending nothing but empty frames is
 * refused (HF_ERROR_PROTOCOL), not read for ever. */
#define HF_WHATSMINER_V3_MAX_HEARTBEATS 16

typedef struct
{
  gsize       max_bytes;     /* a longer frame is refused from its header */
  guint8      header[4];
  guint       header_have;
  guint32     length;
  GByteArray *body;
  guint       heartbeats;    /* skipped so far */
} HfWhatsminerV3Frame;

void        hf_whatsminer_v3_frame_init   (HfWhatsminerV3Frame *frame,
                                           gsize                max_bytes);
void        hf_whatsminer_v3_frame_clear  (HfWhatsminerV3Frame *frame);
/* How many bytes the reader wants next, at most @chunk: while the header
 * is incomplete, all of @chunk (heartbeats, the header and the start of the
 * body may come in one read; bytes after the reply frame are dropped — one
 * request per connection); then never past the frame's end. */
gsize       hf_whatsminer_v3_frame_want   (HfWhatsminerV3Frame *frame,
                                           gsize                chunk);
/* Take @len bytes (at most what _want() said); TRUE once a whole non-empty
 * frame is in frame->body (anything after it is ignored).  FALSE with
 * HF_ERROR_TOO_LARGE as soon as a header announces more than max_bytes,
 * and with HF_ERROR_PROTOCOL after more than
 * HF_WHATSMINER_V3_MAX_HEARTBEATS empty frames. */
gboolean    hf_whatsminer_v3_frame_feed   (HfWhatsminerV3Frame *frame,
                                           const guint8        *data,
                                           gsize                len,
                                           gboolean            *complete,
                                           GError             **error);
/* @json with its 4-byte length in front. */
GBytes     *hf_whatsminer_v3_frame_encode (const char          *json,
                                           gsize                len);

/* A reply frame's JSON: an object with an integer "code".  Code 0 returns
 * the reply; another code is an error in words: -4 HF_ERROR_AUTH with the
 * advice above, -2/-3 HF_ERROR_PROTOCOL (we sent something the firmware
 * does not know), -1/-5 HF_ERROR_REJECTED with the miner's message. */
JsonObject *hf_whatsminer_v3_parse_reply  (const char          *data,
                                           gsize                len,
                                           GError             **error);
/* The reply's "msg" when it is an object, else NULL. */
JsonObject *hf_whatsminer_v3_msg          (JsonObject          *reply);

G_END_DECLS
