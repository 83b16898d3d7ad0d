/* hf-sim-hostile.h — replies no firmware should send, for the hostile fleet
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "hf-sim-fleet.h"

G_BEGIN_DECLS

/* Whether @fault rewrites a miner's reply body (sim_hostile_body). */
gboolean  sim_hostile_rewrites (SimFault    fault);
/* @json, the reply the miner would send, as @fault has it: invalid UTF-8 in
 * every string, absurd numbers, every field of the wrong type, nesting far
 * past any parser's limit, or 10 MB of valid JSON. */
GBytes   *sim_hostile_body     (SimFault    fault,
                                const char *json);
/* Close @socket with a TCP reset (SO_LINGER 0) instead of a FIN. */
void      sim_hostile_reset    (GSocket    *socket);
/* Write @data to @stream one byte a second (slowloris), then close it;
 * stops when the peer goes away. Takes @stream. */
void      sim_hostile_trickle  (GIOStream  *stream,
                                GBytes     *data);

G_END_DECLS
