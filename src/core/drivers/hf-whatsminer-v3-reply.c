/* hf-whatsminer-v3-reply.c
 * SPDX-License-Identifier: MIT
 *
 * Frames and reply codes of the Whatsminer API v3, apart from any socket,
 * so that the reader can be fuzzed and the simulator can frame its replies
 * the same way.
 */
#include <string.h>

#include "hf-error.h"
#include "hf-json.h"
#include "hf-limits.h"
#include "hf-whatsminer-v3-reply.h"

void
hf_whatsminer_v3_frame_init (HfWhatsminerV3Frame *frame,
                             gsize                max_bytes)
{
  memset (frame, 0, sizeof *frame);
  frame->max_bytes = max_bytes;
  frame->body = g_byte_array_new ();
}

void
hf_whatsminer_v3_frame_clear (HfWhatsminerV3Frame *frame)
{
  g_clear_pointer (&frame->body, g_byte_array_unref);
}

gsize
hf_whatsminer_v3_frame_want (HfWhatsminerV3Frame *frame,
                             gsize                chunk)
{
  if (frame->header_have < 4)
    return chunk;
  return MIN (chunk, (gsize) frame->length - frame->body->len);
}

gboolean
hf_whatsminer_v3_frame_feed (HfWhatsminerV3Frame *frame,
                             const guint8        *data,
                             gsize                len,
                             gboolean            *complete,
                             GError             **error)
{
  *complete = FALSE;
  while (len > 0)
    {
      if (frame->header_have < 4)
        {
          gsize n = MIN (len, 4 - frame->header_have);

          memcpy (frame->header + frame->header_have, data, n);
          frame->header_have += (guint) n;
          data += n;
          len -= n;
          if (frame->header_have < 4)
            return TRUE;
          frame->length = (guint32) frame->header[0] | (guint32) frame->header[1] << 8
                          | (guint32) frame->header[2] << 16 | (guint32) frame->header[3] << 24;
          if (frame->length == 0)
            {
              /* A heartbeat: the next frame starts here. */
              if (++frame->heartbeats > HF_WHATSMINER_V3_MAX_HEARTBEATS)
                {
                  g_set_error (error, HF_ERROR, HF_ERROR_PROTOCOL,
                               "too many heartbeats: more than %u empty frames before the reply",
                               HF_WHATSMINER_V3_MAX_HEARTBEATS);
                  return FALSE;
                }
              frame->header_have = 0;
              continue;
            }
          if (frame->length > frame->max_bytes)
            {
              g_set_error (error, HF_ERROR, HF_ERROR_TOO_LARGE,
                           "reply frame of %u bytes is larger than %" G_GSIZE_FORMAT " bytes",
                           frame->length, frame->max_bytes);
              return FALSE;
            }
          continue;
        }
      {
        gsize n = MIN (len, (gsize) frame->length - frame->body->len);

        g_byte_array_append (frame->body, data, (guint) n);
        data += n;
        len -= n;
        if (frame->body->len == frame->length)
          {
            /* Anything after the frame is the caller's mistake: _want()
             * never asks past it. */
            *complete = TRUE;
            return TRUE;
          }
      }
    }
  return TRUE;
}

GBytes *
hf_whatsminer_v3_frame_encode (const char *json,
                               gsize       len)
{
  guint8 *wire;

  g_return_val_if_fail (len <= G_MAXUINT32 - 4, NULL);
  wire = g_malloc (len + 4);
  wire[0] = (guint8) (len & 0xff);
  wire[1] = (guint8) ((len >> 8) & 0xff);
  wire[2] = (guint8) ((len >> 16) & 0xff);
  wire[3] = (guint8) ((len >> 24) & 0xff);
  memcpy (wire + 4, json, len);
  return g_bytes_new_take (wire, len + 4);
}

JsonObject *
hf_whatsminer_v3_msg (JsonObject *reply)
{
  JsonNode *node;

  if (reply == NULL || !json_object_has_member (reply, "msg"))
    return NULL;
  node = json_object_get_member (reply, "msg");
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The miner's words for an error: a string msg, else the code alone. */
static char *
reply_words (JsonObject *reply)
{
  g_autofree char *msg = hf_json_dup_string (reply, "msg");

  if (msg != NULL)
    {
      /* Keep it printable: it goes into a message for the user. */
      for (char *p = msg; *p != '\0'; p++)
        if (g_ascii_iscntrl (*p))
          *p = ' ';
      return g_steal_pointer (&msg);
    }
  return g_strdup ("no reason given");
}

JsonObject *
hf_whatsminer_v3_parse_reply (const char  *data,
                              gsize        len,
                              GError     **error)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *words = NULL;
  JsonNode *code_node;
  gint64 code;

  reply = hf_json_parse_object (data, len, error);
  if (reply == NULL)
    return NULL;
  code_node = json_object_get_member (reply, "code");
  if (code_node == NULL || !JSON_NODE_HOLDS_VALUE (code_node)
      || json_node_get_value_type (code_node) != G_TYPE_INT64)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_PROTOCOL,
                           "the reply has no integer \"code\": not the Whatsminer API v3");
      return NULL;
    }
  code = json_node_get_int (code_node);
  if (code == HF_WHATSMINER_V3_OK)
    return g_steal_pointer (&reply);

  words = reply_words (reply);
  switch (code)
    {
    case HF_WHATSMINER_V3_NO_PERMISSION:
      g_set_error (error, HF_ERROR, HF_ERROR_AUTH, HF_WHATSMINER_V3_PERMISSION_ADVICE
                   " (code -4: %s)", words);
      break;
    case HF_WHATSMINER_V3_INVALID_COMMAND:
      g_set_error (error, HF_ERROR, HF_ERROR_PROTOCOL,
                   "the miner does not know the command (code -2: %s)", words);
      break;
    case HF_WHATSMINER_V3_INVALID_JSON:
      g_set_error (error, HF_ERROR, HF_ERROR_PROTOCOL,
                   "the miner did not take the command's parameters (code -3: %s)", words);
      break;
    case HF_WHATSMINER_V3_OUT_OF_MEMORY:
      g_set_error (error, HF_ERROR, HF_ERROR_REJECTED,
                   "the miner is out of memory (code -5: %s)", words);
      break;
    case HF_WHATSMINER_V3_FAIL:
      g_set_error (error, HF_ERROR, HF_ERROR_REJECTED,
                   "the miner refused the command (code -1: %s)", words);
      break;
    default:
      g_set_error (error, HF_ERROR, HF_ERROR_PROTOCOL,
                   "the miner answered with unknown code %" G_GINT64_FORMAT " (%s)", code, words);
      break;
    }
  return NULL;
}
