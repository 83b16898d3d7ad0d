#!/usr/bin/env python3
"""bench-scan: how fast `hashfleet-cli scan` finds every miner.

Usage (as root): tests/bench/bench-scan.py [BUILD_DIR] [RUNS]

Everything happens inside a network namespace this program creates
(`unshare --net`): only its loopback exists there, so no packet can leave.
The simulated LAN is 127.0.0.0/24 (and /22):

  a) a /24 with 20 miners, 150 silent addresses (nftables drops their SYNs,
     as for powered-off hosts on a real LAN) and the rest refusing;
  b) a /22 with 200 miners and 600 silent addresses.

Miners answer after 50–150 ms, on ports 80 and 4028.  For each scenario it
prints, per tool, the median wall time of RUNS runs, miners found against
expected (and any false positive), the most sockets open at once, the
longest main-loop stall, and the most CPU the main thread used within one
gap of the stall monitor (a stall well above that was waiting for a CPU).
The floor is tests/bench/floor-scan.py, which
opens every connection at once.
"""
import ipaddress
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build"))
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SIM = os.path.join(BUILD, "tests", "sim", "hashfleet-sim")
CLI = os.path.join(BUILD, "src", "cli", "hashfleet-cli")
PROFILES = ["gamma", "s19pro", "supra", "m30s", "nano3s", "nerdqaxe", "s9", "ultra", "q",
            "m50s", "nano3", "s21", "mini3", "cgminer"]


def enter_namespace():
    if os.environ.get("HF_BENCH_NETNS") == "1":
        return
    if os.geteuid() != 0:
        sys.exit("bench-scan: needs root (a network namespace and nftables)")
    if shutil.which("nft") is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "nftables"], check=True)
    env = dict(os.environ, HF_BENCH_NETNS="1")
    os.execvpe("unshare", ["unshare", "--net", sys.executable] + sys.argv, env)


def check_isolated():
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    if any(": lo:" not in line for line in links.splitlines()):
        sys.exit("bench-scan: this namespace has an interface besides lo; refusing")


def plan(cidr, miners, silent, seed=1):
    net = ipaddress.ip_network(cidr)
    hosts = [h for h in net.hosts() if int(h) & 0xff not in (0, 1, 255)]
    rng = random.Random(seed)
    picked = rng.sample(hosts, miners + silent)
    return [str(h) for h in picked[:miners]], [str(h) for h in picked[miners:]]


def start_sim(miners, config_dir):
    path = os.path.join(config_dir, "fleet.ini")
    with open(path, "w") as f:
        f.write("[fleet]\nhttp-port=80\ncgminer-port=4028\nlatency=50-150\n")
        for i, ip in enumerate(miners):
            f.write(f"[miner {ip}]\nprofile={PROFILES[i % len(PROFILES)]}\n")
    sim = subprocess.Popen([SIM, "--config", path, "--ttl", "280"], stdout=subprocess.PIPE,
                           text=True)
    for line in sim.stdout:
        if '"ready"' in line:
            break
    return sim


def drop(silent):
    rules = "table ip hfbench {\n chain input {\n  type filter hook input priority 0;\n"
    rules += "  ip daddr { " + ", ".join(silent) + " } drop\n }\n}\n"
    subprocess.run(["nft", "-f", "-"], input=rules, text=True, check=True)


def run(cmd):
    start = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - start
    found = set()
    for line in p.stdout.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("ip") and o.get("family", "x") is not None:
            found.add(o["ip"])
    summary = {}
    for line in p.stderr.splitlines():
        if line.startswith("{"):
            summary = json.loads(line)
    return wall, found, summary


def scenario(name, cidr, n_miners, n_silent):
    miners, silent = plan(cidr, n_miners, n_silent)
    with tempfile.TemporaryDirectory() as tmp:
        sim = start_sim(miners, tmp)
        drop(silent)
        try:
            rows = []
            for tool, cmd in (
                ("hashfleet-cli scan", [CLI, "scan", "--json", cidr]),
                ("floor-scan.py (all at once)",
                 [sys.executable, os.path.join(HERE, "floor-scan.py"), cidr, "80", "4028"]),
            ):
                walls, peaks, stalls, busy, result = [], [], [], [], None
                for _ in range(RUNS):
                    wall, found, summary = run(cmd)
                    walls.append(wall)
                    peaks.append(summary.get("sockets_peak"))
                    stalls.append(summary.get("max_stall_ms"))
                    busy.append(summary.get("max_busy_ms"))
                    result = found
                expected = set(miners)
                rows.append((tool, statistics.median(walls), min(walls), max(walls),
                             len(result & expected), len(expected), len(result - expected),
                             max(p for p in peaks if p is not None) if any(peaks) else "—",
                             max(s for s in stalls if s is not None) if any(stalls) else "—",
                             max(b for b in busy if b is not None) if any(busy) else "—"))
        finally:
            subprocess.run(["nft", "flush", "ruleset"])
            sim.terminate()
            sim.wait()
    print(f"\n{name}: {cidr}, {n_miners} miners, {n_silent} silent, the rest refusing; "
          f"median of {RUNS}")
    print("| tool | wall s (min–max) | found | false positives | sockets peak | max stall ms | "
          "max busy ms |")
    print("|---|---|---|---|---|---|---|")
    for tool, med, lo, hi, ok, exp, fp, peak, stall, most in rows:
        print(f"| {tool} | {med:.2f} ({lo:.2f}–{hi:.2f}) | {ok}/{exp} | {fp} | {peak} | {stall} "
              f"| {most} |")
    sys.stdout.flush()


def main():
    enter_namespace()
    check_isolated()
    for binary in (SIM, CLI):
        if not os.access(binary, os.X_OK):
            sys.exit(f"bench-scan: build first ({binary} missing)")
    scenario("a", "127.0.0.0/24", 20, 150)
    scenario("b", "127.0.0.0/22", 200, 600)


main()
