#!/bin/sh
# The AxeOS firmware's own web UI, built from its source, against
# hashfleet-sim in headless Chromium (tests/webui/axeos-ui.cjs says what is
# checked).  Everything runs on loopback in a network namespace of its own,
# where the simulated miners answer on port 80 as the firmware does.
#
#   tests/webui/check-axeos-ui.sh ESP_MINER_SOURCE [--record]
#
# ESP_MINER_SOURCE is a checkout of the firmware (bitaxeorg/ESP-Miner); its
# web UI is built there with npm (main/http_server/axe-os/dist), and
# playwright-core is installed in build/webui/driver.  It needs npm, node,
# Debian's chromium, unshare (util-linux) and ip (iproute2).  --record
# rewrites tests/webui/axeos-ui-replay.json, which test-webui-replay plays
# back in the normal suite, once every check passed.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 ESP_MINER_SOURCE [--record]" >&2; exit 2; }
src=$(cd "$1" && pwd)
shift
record=""
[ "${1:-}" = "--record" ] && record="$top/tests/webui/axeos-ui-replay.json"
work=${HF_WEBUI_WORK:-$top/build/webui}
ui=$src/main/http_server/axe-os
sim=${HF_SIM:-$top/build/tests/sim/hashfleet-sim}
export NG_CLI_ANALYTICS=false

mkdir -p "$work/out"
if [ ! -f "$ui/dist/axe-os/index.html" ]; then
    start=$(date +%s)
    (cd "$ui" && npm ci --no-audit --no-fund && npm run generate:api \
        && npx ng build --configuration=production)
    echo "# web UI built in $(( $(date +%s) - start )) s"
fi
if [ ! -d "$work/driver/node_modules/playwright-core" ]; then
    mkdir -p "$work/driver"
    (cd "$work/driver" && npm init -y >/dev/null && npm install --no-audit --no-fund playwright-core)
fi

start=$(date +%s)
rc=0
# The firmware commit the replay was recorded from (a copy that is not a
# git checkout says it with HF_AXEOS_UI_COMMIT).
commit=${HF_AXEOS_UI_COMMIT:-}
if [ -z "$commit" ] && [ -e "$src/.git" ]; then
    commit=$(git -C "$src" describe --tags --always --long 2>/dev/null || true)
fi
HF_AXEOS_UI_COMMIT=$commit \
NODE_PATH="$work/driver/node_modules" \
    unshare -rn sh -c 'ip link set lo up && exec node "$@"' node \
    "$top/tests/webui/axeos-ui.cjs" "$sim" "$ui/dist/axe-os" "$work/out" $record || rc=$?
echo "# browser run took $(( $(date +%s) - start )) s; screenshots in $work/out"
exit $rc
