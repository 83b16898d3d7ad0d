#!/bin/sh
# Install what Hashfleet needs to build and test on Debian 12 / Raspberry Pi
# OS (bookworm), and nothing that is already there.  Idempotent; uses sudo
# when not run as root.
#   build-aux/deps.sh          build and run the app
#   build-aux/deps.sh --tests  also what the test suite needs (Xvfb, D-Bus)
#   build-aux/deps.sh --ci     and what CI adds: clang (fuzzing), valgrind
set -eu

packages="build-essential meson ninja-build pkg-config gettext
libglib2.0-dev libglib2.0-bin libglib2.0-dev-bin
libgtk-4-dev libadwaita-1-dev librsvg2-common
libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsecret-1-dev
nettle-dev libcrypt-dev libmosquitto-dev
desktop-file-utils appstream python3"

case "${1:-}" in
    --tests|--ci)
        packages="$packages xvfb xauth dbus python3-yaml python3-jsonschema flatpak-builder
                  mosquitto mosquitto-clients systemd openssl" ;;
esac
# CI also fuzzes (libFuzzer comes with clang) and runs the CLI under Valgrind.
[ "${1:-}" = "--ci" ] && packages="$packages clang valgrind"


missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "deps: everything is installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "deps: missing:$missing" >&2
    echo "deps: run this as root, or install sudo" >&2
    exit 1
fi

echo "deps: installing$missing"
$sudo apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
