/* hf-cgminer-client.h — one request over the cgminer JSON-over-TCP API
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hf-config.h"

G_BEGIN_DECLS

typedef enum
{
  HF_CGMINER_NONE            = 0,
  /* Never more than one connection at a time to this host:port (Avalon). */
  HF_CGMINER_EXCLUSIVE       = 1 << 0,
  /* Return the reply even when its STATUS is an error. */
  HF_CGMINER_NO_STATUS_CHECK = 1 << 1,
} HfCgminerFlags;

/* Send @request (a JSON text) to @host:@port, read the reply to EOF or NUL
 * within config->max_reply_bytes, clean it up and parse it.  Each phase
 * (connect, write, read) has a deadline; the whole request ends by
 * @deadline_us (monotonic). */
void        hf_cgminer_request_async   (const char          *host,
                                        guint16              port,
                                        const char          *request,
                                        HfCgminerFlags       flags,
                                        const HfConfig      *config,
                                        gint64               deadline_us,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
JsonObject *hf_cgminer_request_finish  (GAsyncResult        *result,
                                        GError             **error);

/* {"command":@command[,"parameter":@parameter]} */
void        hf_cgminer_command_async   (const char          *host,
                                        guint16              port,
                                        const char          *command,
                                        const char          *parameter,
                                        HfCgminerFlags       flags,
                                        const HfConfig      *config,
                                        gint64               deadline_us,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
#define     hf_cgminer_command_finish  hf_cgminer_request_finish

/* Build the request text for @command; @parameter may be NULL. */
char       *hf_cgminer_build_request   (const char          *command,
                                        const char          *parameter);

G_END_DECLS

G_BEGIN_DECLS

/* Run @commands one after the other on one host (one connection each, so
 * a miner never sees two at once from us).  An entry "cmd|param" carries a
 * parameter; "@cmd" is sent in btminer's {"cmd":…} form; a leading '?' marks a command whose failure is tolerated (its
 * slot in the result is NULL).  The result is a GPtrArray of JsonObject*,
 * one slot per command. */
void       hf_cgminer_commands_async  (const char          *host,
                                       guint16              port,
                                       const char * const  *commands,
                                       HfCgminerFlags       flags,
                                       const HfConfig      *config,
                                       gint64               deadline_us,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
GPtrArray *hf_cgminer_commands_finish (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
