#!/usr/bin/env python3
"""The simulator's AxeOS replies validate against the firmware's own schema.

Usage: axeos-schema.py HASHFLEET_SIM OPENAPI_YAML [HASHFLEET_CLI]

With HASHFLEET_CLI, also: the PATCH /api/system bodies Hashfleet's driver
writes (`hashfleet-cli set`, captured by the simulator) validate against
the firmware's Settings schema.

Starts hashfleet-sim on 127.0.22.x, fetches /api/system/info and
/api/system/asic from each current-firmware profile and validates them
against SystemInfo and SystemASIC in the AxeOS OpenAPI document (kept
outside this repository).  Exit 77 (skip) without the document or the
Python modules.
"""
import json
import subprocess
import sys
import tempfile
import urllib.request

try:
    import jsonschema
    import yaml
except ImportError as error:
    print(f"skip: {error}")
    sys.exit(77)

sim_path, spec_path = sys.argv[1], sys.argv[2]
cli_path = sys.argv[3] if len(sys.argv) > 3 else None
try:
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
except OSError as error:
    print(f"skip: {error}")
    sys.exit(77)

PORT = 18280
CONFIG = f"""[fleet]
http-port={PORT}
cgminer-port={PORT + 1}
static=true
[miner 127.0.22.2]
profile=gamma
[miner 127.0.22.3]
profile=ultra
"""


def validator(name):
    # "#/components/…" references resolve against the root document.
    return jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


def fetch(url):
    # No proxy: the request goes to loopback only.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as reply:
        return json.loads(reply.read())


failures = 0
with tempfile.NamedTemporaryFile("w", suffix=".ini") as config:
    config.write(CONFIG)
    config.flush()
    sim = subprocess.Popen([sim_path, "--config", config.name, "--ttl", "60"],
                           stdout=subprocess.PIPE, text=True)
    try:
        for line in sim.stdout:
            if '"event":"ready"' in line:
                break
        info_schema, asic_schema = validator("SystemInfo"), validator("SystemASIC")
        for ip in ("127.0.22.2", "127.0.22.3"):
            for path, schema in (("/api/system/info", info_schema),
                                 ("/api/system/asic", asic_schema)):
                reply = fetch(f"http://{ip}:{PORT}{path}")
                errors = list(schema.iter_errors(reply))
                for error in errors[:10]:
                    print(f"not ok: {ip}{path}: {error.message}")
                failures += bool(errors)
                if not errors:
                    print(f"ok: {ip}{path} ({len(reply)} fields)")
                    # The check can fail: the same reply without ASICModel must not pass.
                    broken = dict(reply)
                    del broken["ASICModel"]
                    if schema.is_valid(broken):
                        print(f"not ok: {ip}{path}: a reply without ASICModel validated")
                        failures += 1
        if cli_path:
            # The driver's writes, as the simulator received them.
            settings = validator("Settings")
            writes = [
                ["--frequency", "490", "--core-voltage", "1150"],
                ["--fan", "55", "--hostname", "bench-gamma"],
                ["--fan", "auto", "--target-temp", "60"],
                ["--pool", "stratum+tcp://solo.example.org:3333", "--pool-user", "bc1q.w1",
                 "--pool-password", "x"],
                ["--frequency", "600", "--overclock"],
            ]
            for args in writes:
                subprocess.run([cli_path, "--http-port", str(PORT), "--cgminer-port",
                                str(PORT + 1), "set", "127.0.22.2"] + args,
                               check=True, capture_output=True)
                for line in sim.stdout:
                    if '"event":"patch"' in line:
                        break
                body = json.loads(json.loads(line)["detail"])
                errors = list(settings.iter_errors(body))
                for error in errors[:10]:
                    print(f"not ok: PATCH {body}: {error.message}")
                failures += bool(errors)
                if not errors:
                    print(f"ok: PATCH /api/system {json.dumps(body)}")
            # The physical model's replies: after the last write (600 MHz at
            # the default voltage: too little for it, so errors) and in a
            # heat wave (POST /sim/control), still the firmware's schema.
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            control = urllib.request.Request(
                f"http://127.0.22.2:{PORT}/sim/control", data=b'{"ambient_c":45}',
                method="POST")
            with opener.open(control, timeout=5) as reply:
                assert json.loads(reply.read()) == {"ok": True}
            for ip in ("127.0.22.2", "127.0.22.3"):
                reply = fetch(f"http://{ip}:{PORT}/api/system/info")
                errors = list(info_schema.iter_errors(reply))
                for error in errors[:10]:
                    print(f"not ok: {ip}/api/system/info (model): {error.message}")
                failures += bool(errors)
                if not errors:
                    print(f"ok: {ip}/api/system/info after writes and a heat wave "
                          f"(errorPercentage {reply['errorPercentage']}, temp {reply['temp']})")
            # The check can fail: a frequency as a string must not pass.
            if settings.is_valid({"frequency": "490"}):
                print("not ok: a string frequency validated")
                failures += 1
    finally:
        sim.terminate()
        sim.wait()

print(f"{failures} schema failure(s)")
sys.exit(1 if failures else 0)
