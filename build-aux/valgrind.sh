#!/bin/sh
# hashfleet-cli's status, scan and watch under Valgrind (memcheck), against
# hashfleet-sim on loopback: no invalid reads or writes, no definite leaks.
# Uses the build in build/ (BUILD=dir to change it).  Writes one line per
# command to $BUILD/valgrind-results.json for build-aux/count-tests.py.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt install valgrind)"; exit 1; }

sim="$build/tests/sim/hashfleet-sim"
cli="$build/src/cli/hashfleet-cli"
results="$build/valgrind-results.json"
: > "$results"
db=$(mktemp -d)
# Two of each family, plus one hung miner and one sending garbage.
"$sim" --miners 12 --base 127.0.70.0 --http-port 18990 --cgminer-port 14990 \
    --fault hang:1 --fault garbage:1 --static --ttl 600 > "$db/sim.log" 2>&1 &
simpid=$!
trap 'kill $simpid 2>/dev/null; rm -rf "$db"' EXIT
sleep 1

ports="--http-port 18990 --cgminer-port 14990 --timeout 2000"
status=0
run () {
    name=$1; shift
    echo "== valgrind hashfleet-cli $name"
    if G_SLICE=always-malloc G_DEBUG=gc-friendly \
       valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
           --show-leak-kinds=definite --track-origins=yes --num-callers=30 \
           --suppressions=/usr/share/glib-2.0/valgrind/glib.supp \
           --log-file="$db/$name.vg" "$cli" "$@" > "$db/$name.out" 2>&1; then
        rc=0
    else
        rc=$?
    fi
    # The CLI's own exit status is 0 or 1 (a miner failed: expected here);
    # 99 is Valgrind's.
    if [ "$rc" -eq 99 ] || grep -q "Invalid \(read\|write\)\|definitely lost" "$db/$name.vg"; then
        cat "$db/$name.vg"
        echo "{\"name\": \"valgrind-$name\", \"result\": \"FAIL\"}" >> "$results"
        status=1
    else
        echo "valgrind-$name: clean ($(grep -c . "$db/$name.out") lines of output)"
        echo "{\"name\": \"valgrind-$name\", \"result\": \"OK\"}" >> "$results"
    fi
}
run status $ports status --json 127.0.70.1 127.0.70.2 127.0.70.3 127.0.70.4 127.0.70.5 127.0.70.6
run scan $ports --db "$db/fleet.db" scan 127.0.70.1-127.0.70.20
run watch $ports --db "$db/fleet.db" watch --count 3 --interval 2

# notify-test against a receiver on 127.0.0.1: json:// is taken, gotify://
# answers 500 (retried, then reported).
python3 - "$db/port" <<'PY' &
import http.server, sys
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(500 if self.path.startswith("/message") else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
PY
recvpid=$!
trap 'kill $simpid $recvpid 2>/dev/null; rm -rf "$db"' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -f "$db/port" ] && break; sleep 0.5; done
port=$(cat "$db/port")
( umask 077; printf 'json://127.0.0.1:%s/hook\ngotify://127.0.0.1:%s/AppToken\n' "$port" "$port" \
      > "$db/notify" )
run notify-test notify-test --notify-file "$db/notify"
exit $status
