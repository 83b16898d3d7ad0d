#!/bin/sh
# Build the libFuzzer harnesses with clang, ASan and UBSan, and run each for a
# bounded time on a corpus seeded from the project's own fixtures.
#   build-aux/fuzz.sh [SECONDS_PER_HARNESS [RUNS] [HARNESS...]]
# Each harness runs for SECONDS (default 60) or RUNS executions, whichever
# ends first (the long run: build-aux/fuzz.sh 1800 10000000).
# Any crash, leak or sanitizer report stops with a non-zero status; the
# reproducer is left in build-fuzz/findings/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
seconds=${1:-60}
runs=${2:--1}
[ $# -gt 2 ] && shift 2 || set --
harnesses=${*:-json cgminer-reply axeos avalon-mm targets whatsminer http api notify-url tariff vnish whatsminer-v3 braiins luxos firmware}

# b_asneeded=false: ASan exports its own crypt_r interceptor, so with
# --as-needed the linker drops libcrypt and the interceptor calls a null
# pointer (a toolchain trap, not a Hashfleet bug).
if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz -Dfuzzing=true -Dui=false \
        -Db_sanitize=address,undefined -Db_lundef=false -Db_asneeded=false \
        -Dbuildtype=debugoptimized
fi
meson compile -C build-fuzz

mkdir -p build-fuzz/findings
status=0
# One line per harness in meson's test-log form, for build-aux/count-tests.py.
results=build-fuzz/fuzz-results.json
: > "$results"
for name in $harnesses; do
    extra=
    asan=detect_leaks=1
    corpus="build-fuzz/corpus/$name"
    mkdir -p "$corpus"
    case "$name" in
        cgminer-reply) cp tests/fixtures/*.txt tests/fuzz/seeds/json/* "$corpus"/ ;;
        axeos) cp tests/fixtures/*.json tests/fuzz/seeds/json/* "$corpus"/ ;;
        json) cp tests/fixtures/*.json tests/fixtures/*.txt tests/fuzz/seeds/json/* "$corpus"/ ;;
        avalon-mm) grep -aho 'MM ID0[^"]*":"[^"]*' tests/fixtures/avalon-*.txt \
                       | sed 's/.*":"//' | split -l 1 - "$corpus/mm-" ;;
        targets) printf '127.0.2.0/24' > "$corpus/cidr"; printf '127.0.0.10-50, 127.1.0.7' > "$corpus/list" ;;
        http) for f in tests/fixtures/axeos-*.json; do
                  n=$(wc -c < "$f")
                  { printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n' "$n"; cat "$f"; } \
                      > "$corpus/$(basename "$f").http"
              done
              printf 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n' > "$corpus/chunked"
              printf 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="antMiner Configuration", nonce="abc", qop="auth"\r\nContent-Length: 0\r\n\r\n' > "$corpus/digest"
              printf 'HTTP/1.1 302 Found\r\nLocation: /api/system/info\r\nContent-Length: 0\r\n\r\n' > "$corpus/redirect" ;;
        notify-url) n=0
                    for u in 'ntfy://127.0.0.1:8090/topic' 'ntfys://alice:p%40ss@ntfy.example/t?priority=high&tags=a,b' \
                             'ntfys://tk_token@ntfy.example/t' 'json://[::1]:8123/hooks/x' 'jsons://u:v@ha.example' \
                             'discord://123456789/AbC-d_e' 'tgram://bot123456:AAbb_cc-d/-100200300' \
                             'tgram://42:Key/@channel' 'gotifys://gotify.example:8443/sub/Tok?priority=9'; do
                        n=$((n + 1)); printf '%s' "$u" > "$corpus/url-$n"
                    done ;;
        tariff) printf '0.25 EUR' > "$corpus/flat"
                printf 'EUR 0.30; mon-fri 07:00-22:00 0.32; sat,sun 0.21' > "$corpus/week"
                printf 'CHF 0.27; fri-mon 22:00-06:00,12:00-13:30 -0.19 CHF' > "$corpus/night"
                printf '{"currency":"EUR","price":0.3,"periods":[{"days":["sun"],"from":"02:00","to":"02:30","price":0.05}]}' > "$corpus/json" ;;
        vnish) cp tests/fuzz/seeds/vnish/* tests/fuzz/seeds/json/* "$corpus"/ ;;
        whatsminer-v3) cp tests/fuzz/seeds/whatsminer-v3/* "$corpus"/ ;;
        braiins|luxos) cp tests/fuzz/seeds/$name/* tests/fuzz/seeds/json/* "$corpus"/ ;;
        firmware) python3 tests/fuzz/make-firmware-seeds.py "$corpus" ;;
        whatsminer) printf 'eueoy6m7l/fNCJ0Xjzk3qskan2szWYJLY+2GnAi4plKS9BYjtZB9qQLnHsSRZMQ1AHplq5zYpvUof8m24K84GA==' > "$corpus/enc" ;;
        # A request per endpoint to each server: the first byte picks the
        # one without a token ("0") or the one with a token ("1").
        api) n=0
             for req in 'GET /api/miners' 'GET /api/stats' 'HEAD /metrics' 'GET /api/discover/1' \
                        'GET /api/miner/127.0.0.3/history' \
                        'GET /api/miner/127.0.0.2/energy?since=2026-11-01&tariff=EUR%200.3%3B%20sat%200.2' \
                        'GET /api/miner/127.0.0.2/history?since=2026-11-30&until=1796350280&resolution=auto' \
                        'POST /api/miner/127.0.0.2/restart' 'DELETE /api/miner/127.0.0.4?keep_history=false' \
                        'PUT /api/stats' 'GET http://localhost/api/stats'; do
                 n=$((n + 1))
                 printf '0%s HTTP/1.1\r\nHost: localhost:8080\r\n\r\n' "$req" > "$corpus/open-$n"
                 printf '1%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer not-the-token\r\n\r\n' "$req" > "$corpus/token-$n"
             done
             printf '0POST /api/discover HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 25\r\n\r\n{"subnet":"127.0.0.0/24"}' > "$corpus/discover"
             printf '1POST /api/discover HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n' > "$corpus/chunked"
             printf '1POST /api/discover HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 999999\r\n\r\n' > "$corpus/expect"
             printf '0GET /api/miners HTTP/1.1\r\nHost: any-site.example\r\n\r\n' > "$corpus/rebinding"
             printf '0GET /api/stats HTTP/1.0\r\n\r\n' > "$corpus/http10"
             printf '0GET /api/stats HTTP/1.1\r\nHost: [::1]\r\n\r\nGET /metrics HTTP/1.1\r\nHost: [::1]\r\n\r\n' > "$corpus/pipelined"
             extra="-dict=tests/fuzz/fuzz-api.dict"
             # Whole allocation stacks, for tests/lsan.supp to name a libsoup
             # 3.2 leak (GLib has no frame pointers for the fast unwinder).
             asan=detect_leaks=1:fast_unwind_on_malloc=0 ;;
    esac
    # Harnesses that feed hf_json_parse start from the tokens json-glib reads.
    dict=""
    case "$name" in
        json|cgminer-reply|axeos|http|vnish) dict="-dict=tests/fuzz/json.dict" ;;
    esac
    [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
    echo "== fuzz-$name for ${seconds}s"
    if ! ASAN_OPTIONS=$asan LSAN_OPTIONS=suppressions=$top/tests/lsan.supp \
         UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
         "build-fuzz/tests/fuzz/fuzz-$name" $dict -max_total_time="$seconds" -runs="$runs" -max_len=65536 \
         -timeout=10 -rss_limit_mb=1024 -artifact_prefix="build-fuzz/findings/$name-" \
         -print_final_stats=1 $extra "$corpus" 2> "build-fuzz/fuzz-$name.log"; then
        echo "fuzz-$name: FINDING (see build-fuzz/fuzz-$name.log and build-fuzz/findings/)"
        tail -40 "build-fuzz/fuzz-$name.log"
        status=1
        echo "{\"name\": \"fuzz-$name\", \"result\": \"FAIL\"}" >> "$results"
    else
        echo "{\"name\": \"fuzz-$name\", \"result\": \"OK\"}" >> "$results"
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build-fuzz/fuzz-$name.log" || true
done
exit $status
