#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Groups of miners through hashfleet-cli and the HTTP API.

Against hashfleet-sim on 127.0.86.x (three static Bitaxe Gammas), a real
SQLite file:
- `groups create/rename/delete/add/remove/list [--json]`: names compared
  ignoring case, bad names refused (exit 2), unknown groups and miners
  said (exit 1);
- `--group NAME` on status (only the group's miners), on pause and resume
  (the simulator sees exactly the group's miners paused) and on energy;
  an unknown group is a clear error, exit 1;
- `serve`: GET /api/groups, PUT and DELETE /api/groups/<name> (refused
  without the token, 400 for bad names, bodies and miners),
  /api/miners?group= and /api/stats?group= (the group's totals);
- what serve changed is in the file afterwards.
Usage: check-groups.py HASHFLEET-SIM HASHFLEET-CLI
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from hftest import check, finish, free_port, Lines, wait_port

sim_path, cli_path = sys.argv[1], sys.argv[2]
A, B, C = "127.0.86.2", "127.0.86.3", "127.0.86.4"
TOKEN = "groups-test-token-0123456789"


def unordered(groups):
    """Groups as (name, sorted members): members come in the fleet's
    order, which is the order they were identified in."""
    return [(g["name"], sorted(g["miners"])) for g in groups]

def request(url, method="GET", token=TOKEN, body=None):
    """(status, JSON reply or None)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    r = urllib.request.Request(url, method=method, data=body)
    if token:
        r.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        r.add_header("Content-Type", "application/json")
    try:
        with opener.open(r, timeout=10) as reply:
            data = reply.read()
            return reply.status, json.loads(data) if data else None
    except urllib.error.HTTPError as e:
        data = e.read()
        try:
            return e.code, json.loads(data) if data else None
        except ValueError:
            return e.code, None


procs = []
tmp = tempfile.TemporaryDirectory()
try:
    http_port, cgminer_port = free_port(), free_port()
    db = os.path.join(tmp.name, "hashfleet.db")
    with open(os.path.join(tmp.name, "sim.ini"), "w") as f:
        f.write(f"[fleet]\nhttp-port={http_port}\ncgminer-port={cgminer_port}\nstatic=true\n")
        for ip in (A, B, C):
            f.write(f"[miner {ip}]\nprofile=gamma\n")
    sim = subprocess.Popen([sim_path, "--config", os.path.join(tmp.name, "sim.ini"),
                            "--ttl", "150"], stdout=subprocess.PIPE, text=True)
    procs.append(sim)
    sim_out = Lines(sim.stdout)
    check(sim_out.wait(lambda l: '"event":"ready"' in l, 10), "simulator ready")

    def cli(*args, timeout=30):
        return subprocess.run([cli_path, "--http-port", str(http_port), "--cgminer-port",
                               str(cgminer_port), "--db", db, *args], capture_output=True,
                              text=True, timeout=timeout)

    def events(kind):
        return sorted(json.loads(l)["ip"] for l in sim_out.snapshot()
                      if l.startswith("{") and f'"event":"{kind}"' in l)

    # The fleet in the store: one cycle of watch records the three.
    p = cli("watch", "--count", "1", "--interval", "1", A, B, C)
    check(p.returncode == 0, f"watch records the fleet (exit {p.returncode}) {p.stderr.strip()}")

    # ---- groups ------------------------------------------------------------------
    p = cli("groups", "create", "garage")
    check(p.returncode == 0 and "created group garage" in p.stdout, f"create: {p.stdout.strip()}")
    p = cli("groups", "create", "GARAGE")
    check(p.returncode == 1 and "already" in p.stderr, f"the same name in capitals: {p.stderr.strip()}")
    for bad in ("", " x", "a\tb", "x" * 65):
        p = cli("groups", "create", bad)
        check(p.returncode == 2 and "group" in p.stderr, f"bad name {bad!r} refused: {p.stderr.strip()}")
    p = cli("groups", "add", "Garage", A, B)
    check(p.returncode == 0 and "added 2 miners to group Garage" in p.stdout, f"add: {p.stdout.strip()}")
    p = cli("groups", "add", "garage", "127.0.86.99")
    check(p.returncode == 1 and "no miner at 127.0.86.99" in p.stderr, f"unknown miner: {p.stderr.strip()}")
    p = cli("groups", "add", "nowhere", A)
    check(p.returncode == 1 and "no group “nowhere”" in p.stderr, f"unknown group: {p.stderr.strip()}")
    p = cli("groups", "create", "heaters")
    p = cli("groups", "add", "heaters", C)
    p = cli("groups", "rename", "garage", "Shed")
    check(p.returncode == 0, f"rename: {p.stdout.strip()} {p.stderr.strip()}")
    p = cli("groups", "rename", "shed", "HEATERS")
    check(p.returncode == 1 and "already" in p.stderr, f"rename onto another: {p.stderr.strip()}")
    p = cli("groups", "list", "--json")
    listed = [json.loads(l) for l in p.stdout.splitlines()]
    check(unordered(listed) == [("heaters", [C]), ("Shed", sorted([A, B]))],
          f"list --json: {listed}")
    p = cli("groups")
    check(p.returncode == 0 and "Shed\t2 miners\t" + A + " " + B in p.stdout,
          f"list: {p.stdout.strip()!r}")

    # ---- --group -------------------------------------------------------------------
    p = cli("status", "--json", "--group", "shed")
    got = sorted(json.loads(l)["ip"] for l in p.stdout.splitlines())
    check(p.returncode == 0 and got == [A, B], f"status --group shed: {got}")
    p = cli("status", "--group", "nope")
    check(p.returncode == 1 and "no group “nope”" in p.stderr, f"unknown --group: {p.stderr.strip()}")
    before = len(events("pause"))
    p = cli("pause", "--group", "Shed")
    check(p.returncode == 0, f"pause --group Shed (exit {p.returncode}) {p.stderr.strip()}")
    check(events("pause") == [A, B], f"the simulator paused exactly the group: {events('pause')}")
    p = cli("resume", "-g", "shed", C)
    check(p.returncode == 0 and events("resume") == [A, B, C],
          f"resume --group plus an address: {events('resume')}")
    p = cli("energy", "--json", "--group", "heaters")
    e = json.loads(p.stdout) if p.returncode == 0 else {}
    check(e.get("group") == "heaters" and [m["address"] for m in e.get("miners", [])] == [C],
          f"energy --group heaters: {p.stdout.strip()[:200]} {p.stderr.strip()}")
    p = cli("energy", "--group", "nope")
    check(p.returncode == 1 and "no group" in p.stderr, f"energy --group nope: {p.stderr.strip()}")

    # ---- the API -------------------------------------------------------------------
    api_port = free_port()
    base = f"http://127.0.0.1:{api_port}"
    serve = subprocess.Popen([cli_path, "--http-port", str(http_port), "--cgminer-port",
                              str(cgminer_port), "serve", "--db", db, "--interval", "2",
                              "--listen", f"127.0.0.1:{api_port}"],
                             stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, HASHFLEET_API_TOKEN=TOKEN))
    procs.append(serve)
    serve_err = Lines(serve.stderr)
    check(wait_port(api_port), "serve listens")
    # Until the first cycle has read all three.
    end = time.monotonic() + 15
    while time.monotonic() < end:
        st, stats = request(base + "/api/stats")
        if st == 200 and stats.get("online") == 3 and stats.get("hashrate_ghs"):
            break
        time.sleep(0.3)
    st, groups = request(base + "/api/groups")
    # The members in the fleet's order, which is the order they were
    # identified in: compared as sets.
    check(st == 200 and unordered(groups) == [("heaters", [C]), ("Shed", sorted([A, B]))],
          f"GET /api/groups: {st} {groups}")
    st, miners = request(base + "/api/miners?group=SHED")
    check(st == 200 and sorted(m["ip"] for m in miners) == [A, B],
          f"/api/miners?group=SHED: {st} {[m.get('ip') for m in miners or []]}")
    st, all_miners = request(base + "/api/miners")
    st, gstats = request(base + "/api/stats?group=shed")
    want = sum(m["hashrate_ghs"] for m in all_miners if m["ip"] in (A, B))
    check(st == 200 and gstats["group"] == "Shed" and gstats["total"] == 2
          and abs(gstats["hashrate_ghs"] - want) < 0.01 and gstats["power_w"] > 0
          and gstats["power_w"] < stats["power_w"],
          f"/api/stats?group=shed: {st} total {gstats.get('total')} hashrate "
          f"{gstats.get('hashrate_ghs')} (want {want:.2f}), power {gstats.get('power_w')} "
          f"of {stats.get('power_w')}")
    st, r = request(base + "/api/stats?group=nope")
    check(st == 404 and "no group" in r["error"], f"/api/stats?group=nope: {st} {r}")
    st, r = request(base + "/api/miners?group=" + "x" * 8000)
    check(st == 400 and len(r["error"]) < 200, f"/api/miners?group= of 8000 characters: {st}")
    st, r = request(base + "/api/stats?group=%FF%FE")
    check(st == 400, f"/api/stats?group= not UTF-8: {st} {r}")

    body = json.dumps({"miners": [A, C]}).encode()
    st, r = request(base + "/api/groups/roof", "PUT", None, body)
    check(st == 401, f"PUT without the token: {st}")
    st, r = request(base + "/api/groups/roof", "PUT", "wrong-token-wrong-token", body)
    check(st == 401, f"PUT with a wrong token: {st}")
    st, r = request(base + "/api/groups/Shed", "DELETE", None)
    check(st == 401, f"DELETE without the token: {st}")
    for name, what in (("%0Aroof", "a newline"), ("%ZZ", "a bad escape"), ("%00x", "a NUL"),
                       ("x" * 65, "65 characters"), ("%20roof", "a leading space"),
                       ("%FF%FE", "not UTF-8")):
        st, r = request(base + "/api/groups/" + name, "PUT", TOKEN, body)
        check(st == 400, f"PUT of a name with {what}: {st} {r}")
    for bad, what in ((b"{", "not JSON"), (b'{"miners": "127.0.86.2"}', "not a list"),
                      (b'{"miners": [2]}', "not strings"), (b"[]", "not an object"),
                      (b'{"miners": ["127.0.86.99"]}', "a miner not in the fleet")):
        st, r = request(base + "/api/groups/roof", "PUT", TOKEN, bad)
        check(st == 400, f"PUT body {what}: {st} {r}")
    st, r = request(base + "/api/groups/roof", "PUT", TOKEN, b"x" * 20000)
    check(st == 413, f"PUT of a 20 kB body: {st}")
    st, r = request(base + "/api/groups/Dach%20S%C3%BCd", "PUT", TOKEN, body)
    check(st == 200 and unordered([r]) == [("Dach Süd", sorted([A, C]))], f"PUT Dach Süd: {st} {r}")
    st, r = request(base + "/api/groups/HEATERS", "PUT", TOKEN, json.dumps({"miners": [B]}).encode())
    check(st == 200 and r == {"name": "heaters", "miners": [B]}, f"PUT replaces heaters: {st} {r}")
    st, r = request(base + "/api/groups/heaters", "DELETE", TOKEN)
    check(st == 200 and r == {"deleted": "heaters"}, f"DELETE heaters: {st} {r}")
    st, r = request(base + "/api/groups/heaters", "DELETE", TOKEN)
    check(st == 404, f"DELETE heaters again: {st} {r}")
    st, groups = request(base + "/api/groups")
    check([g["name"] for g in groups] == ["Dach Süd", "Shed"], f"groups now: {groups}")
    serve.send_signal(signal.SIGTERM)
    serve.wait(timeout=20)
    check(serve.returncode == 0, f"serve stopped (exit {serve.returncode})")

    p = cli("groups", "list", "--json")
    listed = [json.loads(l) for l in p.stdout.splitlines()]
    check(unordered(listed) == [("Dach Süd", sorted([A, C])), ("Shed", sorted([A, B]))],
          f"what serve changed is in the file: {listed}")
    p = cli("groups", "delete", "dach süd")
    check(p.returncode == 0, f"delete by another case: {p.stdout.strip()} {p.stderr.strip()}")
    p = cli("groups", "delete", "dach süd")
    check(p.returncode == 1 and "no group" in p.stderr, f"delete again: {p.stderr.strip()}")
finally:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
finish()
