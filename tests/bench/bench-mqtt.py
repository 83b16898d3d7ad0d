#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench-mqtt: what publishing to MQTT adds to a 1000-miner poll cycle.

Usage (as root): tests/bench/bench-mqtt.py [BUILD_DIR] [CYCLES]

Inside a network namespace of its own (`unshare --net`, loopback only), it
starts hashfleet-sim with 1000 miners of every family (50–150 ms answers)
and a mosquitto broker on 127.0.0.1, then runs `hashfleet-cli serve
--stats` on them twice: without MQTT and with `--mqtt` (control allowed, so
every entity is offered).  It reports the median CPU per cycle of each
(the first cycle, which identifies the fleet and publishes the discovery
configs, is left out) and the broker messages per steady cycle, counted by
a subscriber to everything.
"""
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build"))
CYCLES = int(sys.argv[2]) if len(sys.argv) > 2 else 6
SIM = os.path.join(BUILD, "tests", "sim", "hashfleet-sim")
CLI = os.path.join(BUILD, "src", "cli", "hashfleet-cli")
BROKER_PORT = 1883


def enter_namespace():
    if os.environ.get("HF_BENCH_NETNS") == "1":
        return
    if os.geteuid() != 0:
        sys.exit("bench-mqtt: needs root (a network namespace)")
    env = dict(os.environ, HF_BENCH_NETNS="1")
    os.execvpe("unshare", ["unshare", "--net", sys.executable] + sys.argv, env)


def check_isolated():
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    if any(": lo:" not in line for line in links.splitlines()):
        sys.exit("bench-mqtt: this namespace has an interface besides lo; refusing")


def run(ips, mqtt):
    """Per-cycle stats of serve, and the times its cycles ended."""
    scratch = tempfile.mkdtemp(prefix="hf-bench-mqtt-")
    args = [CLI, "serve", "--stats", "--interval", "4", "--concurrency", "128",
            "--db", os.path.join(scratch, "bench.db"), "--listen", "127.0.0.1:18080"]
    if mqtt:
        args += ["--mqtt", f"mqtt://127.0.0.1:{BROKER_PORT}", "--mqtt-allow-control"]
    serve = subprocess.Popen(args + ips, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
    stats, ends = [], []
    try:
        for line in serve.stderr:
            if line.startswith('{"cycle"'):
                stats.append(json.loads(line))
                ends.append(time.monotonic())
                if len(stats) >= CYCLES:
                    break
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=60)
        shutil.rmtree(scratch, ignore_errors=True)
    return stats, ends


def main():
    enter_namespace()
    check_isolated()
    broker = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    conf = tempfile.NamedTemporaryFile("w", suffix=".conf")
    conf.write(f"listener {BROKER_PORT} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    conf.flush()
    mosq = subprocess.Popen([broker, "-c", conf.name], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    sim = subprocess.Popen([SIM, "--miners", "1000", "--base", "127.0.1.0", "--http-port", "80",
                            "--cgminer-port", "4028", "--latency", "50-150", "--list",
                            "--ttl", "900"], stdout=subprocess.PIPE, text=True)
    ips = []
    for line in sim.stdout:
        event = json.loads(line)
        if event["event"] == "miner":
            ips.append(event["ip"])
        elif event["event"] == "ready":
            break
    time.sleep(0.5)
    received = []
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(BROKER_PORT),
                            "-t", "#", "-F", "%t"], stdout=subprocess.PIPE, text=True)

    def count():
        for _ in sub.stdout:
            received.append(time.monotonic())
    threading.Thread(target=count, daemon=True).start()

    try:
        off, _ = run(ips, False)
        on, ends = run(ips, True)
    finally:
        for p in (sub, sim, mosq):
            p.terminate()
            p.wait()
    cpu_off = statistics.median(s["cpu_ms"] for s in off[1:])
    cpu_on = statistics.median(s["cpu_ms"] for s in on[1:])
    steady = [t for t in received if ends[0] < t <= ends[-1]]
    first = [t for t in received if t <= ends[0]]
    per_cycle = len(steady) / (len(ends) - 1)
    print(f"1000 simulated miners, 50–150 ms answers, 128 in flight, {CYCLES} cycles of 4 s "
          "(median of cycles 2 on)")
    print("| MQTT | cycle CPU ms | broker messages per cycle |")
    print("|---|---|---|")
    print(f"| off | {cpu_off:.0f} | 0 |")
    print(f"| on (control allowed) | {cpu_on:.0f} | {per_cycle:.0f} "
          f"(first cycle: {len(first)}, with the discovery configs) |")
    print(f"MQTT adds {100 * (cpu_on - cpu_off) / cpu_off:+.1f} % CPU per cycle (target ≤ 20 %)")


main()
