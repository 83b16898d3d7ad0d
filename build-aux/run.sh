#!/bin/sh
# Quick start, command 1: install what is missing, build, start Hashfleet.
# Runs uninstalled from ./build (its settings schema included).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/build-aux/deps.sh"
[ -f build/build.ninja ] || meson setup build
meson compile -C build

GSETTINGS_SCHEMA_DIR="$top/build/data" exec "$top/build/src/ui/hashfleet" "$@"
