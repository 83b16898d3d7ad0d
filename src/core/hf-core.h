/* hf-core.h — libhashfleet-core, everything in one include (the HTTP API,
 * a library of its own, has hf-api-server.h)
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "hf-alerts.h"
#include "hf-config.h"
#include "hf-driver.h"
#include "hf-error.h"
#include "hf-fleet.h"
#include "hf-format.h"
#include "hf-identify.h"
#include "hf-limits.h"
#include "hf-loop-monitor.h"
#include "hf-miner.h"
#include "hf-mqtt.h"
#include "hf-miner-json.h"
#include "hf-state.h"
#include "hf-process.h"
#include "hf-reading.h"
#include "hf-recorder.h"
#include "hf-scanner.h"
#include "hf-session.h"
#include "hf-store.h"
#include "hf-store-events.h"
#include "hf-store-export.h"
#include "hf-store-profiles.h"
#include "hf-store-upkeep.h"
#include "hf-targets.h"
#include "hf-types.h"
