#!/bin/sh
# The test suite again in an AddressSanitizer + UndefinedBehaviorSanitizer
# build (build-asan/).  LeakSanitizer is on for the core and CLI tests (GLib's
# process-lifetime allocations are in tests/lsan.supp); the UI tests run
# without it, since GTK, fontconfig and Mesa keep caches for the process's
# life.  Any sanitizer report fails its test.  Instrumented code runs two
# to three times slower, so each test gets three times its timeout (the
# api test ran past its 120 s on a busy two-core machine).  Writes
# build-asan/meson-logs/testlog.json.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# b_asneeded=false: ASan's crypt_r interceptor needs libcrypt kept (see
# build-aux/fuzz.sh).  -fno-sanitize-recover: UBSan findings abort.
if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
        -Db_asneeded=false -Dc_args=-fno-sanitize-recover=all || exit 1
fi
meson compile -C build-asan || exit 1

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$top/tests/lsan.supp
rc=0
ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 \
    meson test -C build-asan --timeout-multiplier 3 --print-errorlogs --no-suite ui --logbase testlog-core "$@" || rc=1
ASAN_OPTIONS=detect_leaks=0 dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
    meson test -C build-asan --timeout-multiplier 3 --print-errorlogs --suite ui --logbase testlog-ui "$@" || rc=1
exit $rc
