#!/usr/bin/env python3
"""bench-poll: what one poll cycle of a 1000-miner fleet costs.

Usage (as root): tests/bench/bench-poll.py [BUILD_DIR] [CYCLES]

Inside a network namespace of its own (`unshare --net`, loopback only), it
starts hashfleet-sim with 1000 miners of every family answering after
50–150 ms, and runs `hashfleet-cli watch --stats` on them: after each cycle
the CLI reports the cycle's wall time, the CPU it used, its RSS and the
longest main-loop stall.  The first cycle is left out of the medians
(warm-up); the worst cycle and the maxima of RSS and stall cover all.
Then fleets of one family each (an AxeOS one and an Antminer one), for
what each kind of poll costs.  Then the same mixed fleet with 100 of the miners going hung (accept, never answer)
after the fleet was identified, with a 3000 ms per-miner deadline: the
worst cycle is one that waits for them.
"""
import json
import os
import statistics
import subprocess
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build"))
CYCLES = int(sys.argv[2]) if len(sys.argv) > 2 else 5
SIM = os.path.join(BUILD, "tests", "sim", "hashfleet-sim")
CLI = os.path.join(BUILD, "src", "cli", "hashfleet-cli")


def enter_namespace():
    if os.environ.get("HF_BENCH_NETNS") == "1":
        return
    if os.geteuid() != 0:
        sys.exit("bench-poll: needs root (a network namespace)")
    env = dict(os.environ, HF_BENCH_NETNS="1")
    os.execvpe("unshare", ["unshare", "--net", sys.executable] + sys.argv, env)


def check_isolated():
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    if any(": lo:" not in line for line in links.splitlines()):
        sys.exit("bench-poll: this namespace has an interface besides lo; refusing")


def scenario(title, sim_args, cli_args, deadline_ms, cycles=None):
    cycles = cycles or CYCLES
    sim = subprocess.Popen([SIM, "--miners", "1000", "--base", "127.0.1.0", "--http-port", "80",
                            "--cgminer-port", "4028", "--latency", "50-150", "--list",
                            "--ttl", "600"] + sim_args, stdout=subprocess.PIPE, text=True)
    ips = []
    for line in sim.stdout:
        event = json.loads(line)
        if event["event"] == "miner":
            ips.append(event["ip"])
        elif event["event"] == "ready":
            break
    # Recorded as `watch` does by default, into a database of its own (not
    # the user's).
    scratch = tempfile.mkdtemp(prefix="hf-bench-poll-")
    db = os.path.join(scratch, "bench.db")
    try:
        p = subprocess.run([CLI, "watch", "--json", "--stats", "--count", str(cycles),
                            "--interval", "4", "--db", db] + cli_args + ips,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           timeout=600)
    finally:
        sim.terminate()
        sim.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    stats = [json.loads(l) for l in p.stderr.splitlines() if l.startswith('{"cycle"')]
    steady = stats[1:] or stats
    wall = statistics.median(s["wall_ms"] for s in steady) / 1000
    # The worst cycle: with hung miners, those before they go offline.
    worst = max(s["wall_ms"] for s in stats) / 1000
    cpu = statistics.median(s["cpu_ms"] for s in steady) / 1000
    rss = max(s["rss_kib"] for s in stats) / 1024
    stall = max(s["max_stall_ms"] for s in stats)
    answered = min(s["answered"] for s in stats)
    polled = max(s["polled"] for s in stats)
    print(f"| {title} | {wall:.2f} | {worst:.2f} | {cpu:.2f} | {rss:.1f} | {stall:.1f} | "
          f"{answered}/{polled} | {deadline_ms} |")
    sys.stdout.flush()


def main():
    enter_namespace()
    check_isolated()
    print(f"1000 simulated miners, 50–150 ms answers; cycles 2–{CYCLES} "
          "(median wall and CPU, maxima of RSS and stall)")
    print("| fleet | cycle wall s | worst cycle s | cycle CPU s | RSS MB | max stall ms | "
          "answered | per-miner deadline ms |")
    print("|---|---|---|---|---|---|---|---|")
    # 64 in flight (the default) bounds a cycle at ~1000/64 answers of ~100 ms:
    # about 1.6 s.  128 in flight is what a 1 s cycle needs.
    scenario("1000 miners, 64 in flight (default)", [], [], 5000)
    scenario("1000 miners, 128 in flight", [], ["--concurrency", "128"], 5000)
    # What each kind of request costs: one HTTP GET through libsoup per AxeOS
    # poll, one cgminer-API connection (summary+stats+pools) per Antminer poll.
    scenario("1000 AxeOS (Bitaxe Gamma), 128 in flight", ["--profiles", "gamma"],
             ["--concurrency", "128"], 5000)
    scenario("1000 Antminer S19 Pro, 128 in flight", ["--profiles", "s19pro"],
             ["--concurrency", "128"], 5000)
    # The 100 go bad 25 s after start-up, once the fleet was identified
    # healthy: their polls then wait out the deadline until they are offline.
    scenario("1000 miners, 100 hung, 128 in flight", ["--fault", "hang:100",
                                                      "--fault-delay", "25"],
             ["--concurrency", "128", "--timeout", "3000"], 3000, cycles=8)
    # 100 slots held 3 s by hung miners leave 28 for the other 900: the first
    # bad cycle needs more room to end near the deadline.
    scenario("1000 miners, 100 hung, 384 in flight", ["--fault", "hang:100",
                                                      "--fault-delay", "25"],
             ["--concurrency", "384", "--timeout", "3000"], 3000, cycles=8)


main()
