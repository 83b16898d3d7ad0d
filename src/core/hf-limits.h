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
/* Largest hashrate (GH/s) and power (W) one device can report: ten times
 * the biggest hydro rigs.  Anything above is a broken or hostile reply and
 * must not reach the fleet's totals. */
#define HF_MAX_DEVICE_HASHRATE_GHS 1e7
#define HF_MAX_DEVICE_POWER_W      1e5
/* A miner's found-blocks counter beyond this is not one (a hostile reply
 * must not pass for a million found blocks). */
#define HF_MAX_FOUND_BLOCKS        1e6
/* Discovery: connect deadline of one probe (ms), probes in flight (never
 * above what RLIMIT_NOFILE allows), identifications in flight. */
#define HF_SCAN_CONNECT_MS         1000
#define HF_SCAN_IN_FLIGHT          512
#define HF_SCAN_IDENTIFY_IN_FLIGHT 32
/* Polling: miners in flight (one request at a time per miner). */
#define HF_POLL_IN_FLIGHT          64
