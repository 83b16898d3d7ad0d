#!/usr/bin/env python3
"""bench-soak: `hashfleet-cli serve` for half an hour under a hostile fleet
and busy API clients; nothing may grow.

Usage: tests/bench/bench-soak.py [BUILD_DIR] [MINUTES]   (default 30)

Everything is on loopback with unprivileged ports (no root needed):
hashfleet-sim serves 200 miners of every family on 127.0.60.1-200; 30 of
them turn bad 40 s after start-up (hang, slow past the deadline, garbage,
truncated replies, TCP resets, hidden nesting), once `scan` has put all 200
in a scratch database.  `serve` then polls that fleet every second (600 ms
per-miner deadline, so that a cycle fits in its second) with --stats, while
API clients keep asking:
  - one keep-alive client: /api/miners, /api/stats, /metrics in turn;
  - one client opening a new connection per request (as curl does), the
    same three plus a miner's history;
  - every 15 s a client that opens a connection, sends half a request
    line and leaves it (the server must drop it);
  - every 20 s a chunked POST without a token (must be refused unread).
Every 10 s the server's RSS and open descriptors are read from /proc;
the longest main-loop stall comes from serve's per-cycle --stats lines.

Printed: one row per 5 minutes (RSS; the heap in use, as malloc counts it,
and the memory SQLite holds, both from serve's --stats), then RSS, descriptors
and stall at minute 5 against the last minute (the bound: at most 5 % growth),
and the cycles run against the seconds elapsed (a skipped cycle shows as
fewer).
"""
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build"))
MINUTES = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
SIM = os.path.join(BUILD, "tests", "sim", "hashfleet-sim")
CLI = os.path.join(BUILD, "src", "cli", "hashfleet-cli")
# HF_SOAK_MINERS / HF_SOAK_CLIENTS=0 / HF_SOAK_BASE (127.0.x.0) narrow a run
# down when looking for what grows; the figures in the README use neither.
MINERS = int(os.environ.get("HF_SOAK_MINERS", "200"))
# The last ten minutes, as a dashboard panel asks: the same work every
# time (all history since start-up would make each answer, and the
# buffers that carry it, grow with the run).
HISTORY_QUERY = os.environ.get("HF_SOAK_HISTORY", "?since=-600")
CLIENTS = os.environ.get("HF_SOAK_CLIENTS", "1") != "0"
BASE = os.environ.get("HF_SOAK_BASE", "127.0.60.0")
_shift = int(BASE.split(".")[2]) - 60
HTTP_PORT, CGMINER_PORT, API_PORT = 18190 + _shift, 14190 + _shift, 18199 + _shift
TOKEN = "soak-benchmark-token-0123456789"


def start_sim():
    faults = ["hang:6", "slow:4", "garbage:4", "truncated:4", "reset:4",
              "deep-comment:4", "bad-numbers:4"] if MINERS >= 100 else []
    args = [SIM, "--miners", str(MINERS), "--base", BASE, "--http-port", str(HTTP_PORT),
            "--cgminer-port", str(CGMINER_PORT), "--latency", "5-30", "--slow-ms", "2000",
            "--fault-delay", "40", "--list"]
    for f in faults:
        args += ["--fault", f]
    sim = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    ips = []
    for line in sim.stdout:
        event = json.loads(line)
        if event["event"] == "miner":
            ips.append(event["ip"])
        elif event["event"] == "ready":
            break
    threading.Thread(target=lambda: [None for _ in sim.stdout], daemon=True).start()
    return sim, ips


class Clients:
    def __init__(self, ips):
        self.ips = ips
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answered = 0
        self.errors = 0
        self.refused_chunked = 0
        self.threads = [threading.Thread(target=f, daemon=True)
                        for f in (self.keep_alive, self.fresh, self.half_open, self.chunked)]

    def count(self, ok):
        with self.lock:
            if ok:
                self.answered += 1
            else:
                self.errors += 1

    def keep_alive(self):
        conn = None
        paths = ["/api/miners", "/api/stats", "/metrics"]
        i = 0
        while not self.stop.is_set():
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", API_PORT, timeout=5)
                conn.request("GET", paths[i % 3], headers={"Authorization": "Bearer " + TOKEN})
                r = conn.getresponse()
                r.read()
                self.count(r.status == 200)
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                self.count(False)
                conn = None
            i += 1
            time.sleep(0.1)

    def fresh(self):
        i = 0
        while not self.stop.is_set():
            if HISTORY_QUERY == "?since=-600":
                query = f"?since={int(time.time()) - 600}"
            else:
                query = HISTORY_QUERY
            path = ["/api/miners", "/api/stats", "/metrics",
                    f"/api/miner/{self.ips[i % len(self.ips)]}/history{query}"][i % 4]
            try:
                conn = http.client.HTTPConnection("127.0.0.1", API_PORT, timeout=5)
                conn.request("GET", path, headers={"Authorization": "Bearer " + TOKEN})
                r = conn.getresponse()
                r.read()
                self.count(r.status == 200)
                # As curl does when it exits: the client end closes, whatever
                # the server meant to do with the connection.
                conn.close()
            except (OSError, http.client.HTTPException):
                self.count(False)
            i += 1
            time.sleep(0.1)

    def half_open(self):
        held = []
        while not self.stop.wait(15):
            try:
                s = socket.create_connection(("127.0.0.1", API_PORT), timeout=5)
                s.sendall(b"GET /api/miners HT")
                held.append(s)
            except OSError:
                pass
            # Our end stays open for a minute: only the server can free its side.
            while len(held) > 4:
                held.pop(0).close()
        for s in held:
            s.close()

    def chunked(self):
        while not self.stop.wait(20):
            try:
                s = socket.create_connection(("127.0.0.1", API_PORT), timeout=5)
                s.sendall(b"POST /api/discover HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n")
                s.sendall(b"100000\r\n" + b"x" * 65536)
                reply = s.recv(200)
                if reply.startswith(b"HTTP/1.1 4"):
                    with self.lock:
                        self.refused_chunked += 1
                s.close()
            except OSError:
                pass

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            if t.is_alive():
                t.join(timeout=10)


def proc_sample(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds


def main():
    if not os.path.exists(CLI) or not os.path.exists(SIM):
        sys.exit(f"bench-soak: build first (no {CLI} or {SIM})")
    scratch = tempfile.mkdtemp(prefix="hf-bench-soak-")
    db = os.path.join(scratch, "soak.db")
    token_file = os.path.join(scratch, "token")
    with open(token_file, "w") as f:
        f.write(TOKEN + "\n")
    os.chmod(token_file, 0o600)
    sim, ips = start_sim()
    serve = None
    clients = None
    try:
        ports = ["--http-port", str(HTTP_PORT), "--cgminer-port", str(CGMINER_PORT)]
        subprocess.run([CLI, "scan", "--db", db, "--json"] + ports + [f"{ips[0]}-{ips[-1]}"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                       timeout=120)
        serve = subprocess.Popen([CLI, "serve", "--db", db, "--interval", "1", "--timeout", "600",
                                  "--stats", "--listen", f"127.0.0.1:{API_PORT}",
                                  "--token-file", token_file] + ports,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stats = []
        stats_lock = threading.Lock()

        def read_stats():
            for line in serve.stderr:
                if line.startswith('{"cycle"'):
                    with stats_lock:
                        stats.append((time.monotonic(), json.loads(line)))

        threading.Thread(target=read_stats, daemon=True).start()
        time.sleep(2)
        clients = Clients(ips)
        if CLIENTS:
            clients.start()

        start = time.monotonic()
        end = start + MINUTES * 60
        samples = []            # (minute, rss KiB, fds)
        while time.monotonic() < end:
            time.sleep(10)
            if serve.poll() is not None:
                sys.exit(f"bench-soak: serve exited with {serve.returncode}")
            rss, fds = proc_sample(serve.pid)
            samples.append(((time.monotonic() - start) / 60, rss, fds))
        clients.finish()
    finally:
        if clients is not None:
            clients.stop.set()
        if serve is not None and serve.poll() is None:
            serve.send_signal(signal.SIGINT)
            try:
                serve.wait(timeout=20)
            except subprocess.TimeoutExpired:
                serve.kill()
        sim.terminate()
        sim.wait()
        shutil.rmtree(scratch, ignore_errors=True)

    with stats_lock:
        cycles = [(t - start, s) for t, s in stats]
    polled = [s for t, s in cycles if t >= 0]
    print(f"serve over {MINERS} simulated miners (30 turning bad at 40 s), polled every 1 s, "
          f"{MINUTES:g} minutes, {'with' if CLIENTS else 'without'} API clients")
    print("| minute | RSS MB | heap in use MB | SQLite MB | open fds | longest stall ms | cycles "
          "| answered (min) |")
    print("|---|---|---|---|---|---|---|---|")
    step = 5 if MINUTES >= 10 else 1
    m = step
    while m <= MINUTES + 1e-9:
        win = [x for x in samples if m - step < x[0] <= m]
        cyc = [s for t, s in cycles if (m - step) * 60 < t <= m * 60]
        if win and cyc:
            print(f"| {m:g} | {max(x[1] for x in win) / 1024:.1f} | "
                  f"{max(s.get('heap_kib', 0) for s in cyc) / 1024:.1f} | "
                  f"{max(s.get('sqlite_kib', 0) for s in cyc) / 1024:.1f} | {max(x[2] for x in win)} | "
                  f"{max(s['max_stall_ms'] for s in cyc):.1f} | {len(cyc)} | "
                  f"{min(s['answered'] for s in cyc)}/{max(s['polled'] for s in cyc)} |")
        m += step

    def window(lo, hi):
        return [x for x in samples if lo < x[0] <= hi]

    early = window(4, 5) if MINUTES >= 10 else window(1, 2)
    late = window(MINUTES - 1, MINUTES)
    rss5 = statistics.median(x[1] for x in early)
    rss_end = statistics.median(x[1] for x in late)
    fds5 = statistics.median(x[2] for x in early)
    fds_end = statistics.median(x[2] for x in late)
    stall5 = max((s["max_stall_ms"] for t, s in cycles if 240 < t <= 300), default=0)
    stall_end = max((s["max_stall_ms"] for t, s in cycles if t > (MINUTES - 1) * 60), default=0)
    elapsed = cycles[-1][0] - cycles[0][0] if len(cycles) > 1 else 0
    expected = int(elapsed) + 1
    print()
    print(f"RSS: {rss5 / 1024:.1f} MB at minute 5, {rss_end / 1024:.1f} MB in the last minute "
          f"({(rss_end - rss5) / rss5 * 100:+.1f} %)")
    for key, name in (("heap_kib", "heap in use"), ("sqlite_kib", "SQLite")):
        a = [s.get(key, 0) for t, s in cycles if 240 < t <= 300]
        b = [s.get(key, 0) for t, s in cycles if t > (MINUTES - 1) * 60]
        if a and b and statistics.median(a) > 0:
            print(f"{name}: {statistics.median(a) / 1024:.1f} MB at minute 5, "
                  f"{statistics.median(b) / 1024:.1f} MB in the last minute")
    print(f"open fds: {fds5:g} at minute 5, {fds_end:g} in the last minute "
          f"({(fds_end - fds5) / fds5 * 100:+.1f} %)")
    print(f"longest stall: {stall5:.1f} ms in minute 5, {stall_end:.1f} ms in the last minute")
    print(f"cycles: {len(cycles)} in {elapsed:.0f} s (one per second: {expected}); "
          f"longest cycle {max(s['wall_ms'] for t, s in cycles)} ms")
    print(f"API: {clients.answered} answered, {clients.errors} failed; "
          f"{clients.refused_chunked} chunked POSTs refused unread")
    ok = (rss_end <= rss5 * 1.05 and fds_end <= fds5 * 1.05 and len(cycles) >= expected - 1
          and clients.errors == 0)
    print("flat" if ok else "NOT FLAT")
    sys.exit(0 if ok else 1)


main()
