#!/bin/sh
# Render the screenshots (data/screenshots/*.png) from the real window and a
# simulated fleet on loopback: cards and table, light and dark, and details;
# then the Update Firmware… dialog after a run.
#   build-aux/screenshots.sh [OUTDIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/data/screenshots}
cd "$top"
[ -f build/build.ninja ] || meson setup build
meson compile -C build

export HF_SIM="$top/build/tests/sim/hashfleet-sim"
export GSETTINGS_SCHEMA_DIR="$top/build/data"
export GSETTINGS_BACKEND=memory
export GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none
# A fresh HOME: no theme or font settings of the machine's user leak in.
HOME=$(mktemp -d) XDG_CONFIG_HOME= XDG_DATA_HOME= \
dbus-run-session -- xvfb-run -a -s "-screen 0 1400x900x24" \
    build/tests/hf-screenshot "$out"
# Update Firmware… of three miners of a fleet of its own (127.0.117.x),
# once a run is over.
HOME=$(mktemp -d) XDG_CONFIG_HOME= XDG_DATA_HOME= \
dbus-run-session -- xvfb-run -a -s "-screen 0 1400x900x24" \
    build/tests/hf-screenshot "$out" firmware
