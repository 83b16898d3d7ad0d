/* hf-limits.h — every limit on what the network may make us do, in one place
 * SPDX-License-Identifier: MIT
 *
 * Everything that arrives from a miner is hostile until parsed.  These caps
 * and deadlines are the defaults; HfConfig carries the values actually used.
 */
#pragma once

/* Largest reply accepted from one request (cgminer reply or HTTP body). */
#define HF_MAX_REPLY_BYTES        (1024 * 1024)
/* Largest request the simulator accepts from a client. */
#define HF_MAX_REQUEST_BYTES      (64 * 1024)
/* Deepest JSON nesting accepted before parsing (json-glib recurses). */
#define HF_MAX_JSON_DEPTH         64
/* Default deadline for one whole operation (identify, poll, restart), ms. */
#define HF_DEFAULT_TIMEOUT_MS     5000
/* Default cap on the connect phase alone, ms. */
#define HF_DEFAULT_CONNECT_MS     3000
/* Read buffer for one socket read. */
#define HF_READ_CHUNK_BYTES       (16 * 1024)
/* Longest string field kept from a reply (hostnames, pool URLs, models). */
#define HF_MAX_FIELD_CHARS        256
