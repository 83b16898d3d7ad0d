#!/bin/sh
# Quick start, command 2: install what is missing, build, run every test
# (the UI tests in a virtual X server with a private D-Bus session).
# The last line is "N passed, N failed", counted from meson's test log.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/build-aux/deps.sh" --tests || exit 1
[ -f build/build.ninja ] || meson setup build || exit 1
meson compile -C build || exit 1

rc=0
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
    meson test -C build --print-errorlogs "$@" || rc=$?

python3 "$top/build-aux/count-tests.py" build/meson-logs/testlog.json || rc=1
exit $rc
