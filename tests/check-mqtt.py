#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""hashfleet-cli serve --mqtt against a real mosquitto broker, end to end.

Starts mosquitto on a free 127.0.0.1 port (its own config: that listener
only, anonymous), hashfleet-sim on 127.0.24.x and serve, subscribes with
mosquitto_sub, and checks: the Home Assistant discovery configs (documented
keys, unique ids, device block, units and device classes), states that
follow the simulator's readings, a command refused without
--mqtt-allow-control, a removed miner's configs cleared, the last will when
serve is killed, and commands carried out when control is allowed.

mosquitto missing is a failure, not a skip: CI installs it.
Usage: check-mqtt.py HASHFLEET-SIM HASHFLEET-CLI
"""
import json
import os
import pwd
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from hftest import check, find, finish, free_port, Lines, wait_port

sim_path, cli_path = sys.argv[1], sys.argv[2]
MINERS = ("127.0.24.2", "127.0.24.3")
# Started as root, mosquitto would become the "mosquitto" user, who cannot
# read the test's private directory: it stays whoever runs the test.
ME = pwd.getpwuid(os.getuid()).pw_name


def messages(sub, start=0):
    """(retained, topic, payload) of what the subscriber saw from @start."""
    out = []
    for line in sub.snapshot()[start:]:
        parts = line.split("\t", 2)
        if len(parts) == 3:
            out.append((parts[0] == "1", parts[1], parts[2]))
    return out


# What Home Assistant documents for the MQTT sensor, binary_sensor, button
# and switch discovery payloads (the keys used by this integration).
COMMON_KEYS = {"name", "unique_id", "object_id", "availability_topic", "device", "icon",
               "device_class", "state_class", "unit_of_measurement", "state_topic",
               "value_template", "json_attributes_topic", "json_attributes_template",
               "command_topic", "payload_press", "payload_on", "payload_off", "state_on",
               "state_off", "min", "max", "step", "mode"}
DEVICE_KEYS = {"identifiers", "connections", "name", "model", "manufacturer", "sw_version",
               "configuration_url", "via_device"}
SENSOR_UNITS = {"temperature": {"°C", "°F", "K"}, "power": {"W", "kW"},
                "duration": {"s", "min", "h", "d", "ms"}}
BINARY_CLASSES = {"connectivity", "problem", "running", "power"}
BUTTON_CLASSES = {"identify", "restart", "update"}
SWITCH_CLASSES = {"outlet", "switch"}
STATE_CLASSES = {"measurement", "total", "total_increasing"}


def check_configs(configs):
    """configs: topic → parsed payload (non-empty retained configs)."""
    unique = {}
    for topic, c in configs.items():
        component = topic.split("/")[1]
        bad = set(c) - COMMON_KEYS
        check(not bad, f"{topic}: only documented keys {sorted(bad) if bad else ''}")
        check(c.get("unique_id") and c["unique_id"] not in unique,
              f"{topic}: unique_id {c.get('unique_id')} unique")
        unique[c.get("unique_id")] = topic
        device = c.get("device", {})
        check(isinstance(device.get("identifiers"), list) and device["identifiers"]
              and not set(device) - DEVICE_KEYS, f"{topic}: device block")
        dc, unit = c.get("device_class"), c.get("unit_of_measurement")
        if component == "sensor":
            if dc is not None:
                check(dc in SENSOR_UNITS and unit in SENSOR_UNITS[dc],
                      f"{topic}: unit {unit} valid for device class {dc}")
            check(c.get("state_class") in STATE_CLASSES, f"{topic}: state_class")
            check(c.get("state_topic", "").startswith("hashfleet/"), f"{topic}: state_topic")
        elif component == "binary_sensor":
            check(dc in BINARY_CLASSES, f"{topic}: binary device class {dc}")
        elif component == "button":
            check(dc in BUTTON_CLASSES and c.get("command_topic"), f"{topic}: button")
        elif component == "switch":
            check(dc in SWITCH_CLASSES and c.get("command_topic"), f"{topic}: switch")
        elif component == "number":
            check(dc == "power" and unit == "W" and c.get("command_topic")
                  and c.get("state_topic") and c.get("mode") in ("auto", "box", "slider"),
                  f"{topic}: number")
        else:
            check(False, f"{topic}: unexpected component {component}")


def fetch(url, method="GET", token=None):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with opener.open(request, timeout=5) as reply:
        body = reply.read()
        return json.loads(body) if body else None


def latest_state(sub, device):
    state = None
    for _, topic, payload in messages(sub):
        if topic == f"hashfleet/{device}/state" and payload:
            state = json.loads(payload)
    return state


broker = find("mosquitto")
if not check(broker is not None, "mosquitto is installed (apt-get install mosquitto)"):
    sys.exit(1)
if not check(find("mosquitto_sub") is not None, "mosquitto_sub is installed (mosquitto-clients)"):
    sys.exit(1)

procs = []
tmp = tempfile.TemporaryDirectory()
try:
    port, http_port, api_port = free_port(), free_port(), free_port()
    cgminer_port = free_port()
    with open(os.path.join(tmp.name, "mosquitto.conf"), "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                f"user {ME}\n")
    with open(os.path.join(tmp.name, "sim.ini"), "w") as f:
        f.write(f"[fleet]\nhttp-port={http_port}\ncgminer-port={cgminer_port}\nstatic=true\n")
        f.write(f"[miner {MINERS[0]}]\nprofile=gamma\n[miner {MINERS[1]}]\nprofile=ultra\n")
    token_file = os.path.join(tmp.name, "token")
    with open(token_file, "w") as f:
        f.write("mqtt-test-token\n")
    db = os.path.join(tmp.name, "fleet.db")

    mosq = subprocess.Popen([broker, "-c", os.path.join(tmp.name, "mosquitto.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(mosq)
    sim = subprocess.Popen([sim_path, "--config", os.path.join(tmp.name, "sim.ini"),
                            "--ttl", "150"], stdout=subprocess.PIPE, text=True)
    procs.append(sim)
    sim_out = Lines(sim.stdout)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    check(sim_out.wait(lambda l: '"event":"ready"' in l, 10), "simulator ready")

    sub = subprocess.Popen([find("mosquitto_sub"), "-h", "127.0.0.1", "-p", str(port),
                            "-t", "homeassistant/#", "-t", "hashfleet/#", "-v",
                            "-F", "%r\t%t\t%p"], stdout=subprocess.PIPE, text=True)
    procs.append(sub)
    sub_out = Lines(sub.stdout)

    def serve(*extra):
        p = subprocess.Popen([cli_path, "--http-port", str(http_port), "--cgminer-port",
                              str(cgminer_port), "serve", "--db", db, "--interval", "2",
                              "--listen", f"127.0.0.1:{api_port}", "--token-file", token_file,
                              "--mqtt", f"mqtt://127.0.0.1:{port}", *extra, *MINERS],
                             stderr=subprocess.PIPE, text=True)
        procs.append(p)
        return p, Lines(p.stderr)

    # ---- without control ------------------------------------------------------
    serve1, serve1_err = serve()
    check(sub_out.wait(lambda l: l.endswith("\thashfleet/status\tonline"), 20),
          "availability online")
    infos = {ip: fetch(f"http://{ip}:{http_port}/api/system/info") for ip in MINERS}
    ids = {ip: infos[ip]["macAddr"].replace(":", "").lower() for ip in MINERS}
    # Two readings of each, so that states from a reading after the first are there.
    time.sleep(5)
    configs = {}
    for retained, topic, payload in messages(sub_out):
        if topic.startswith("homeassistant/") and topic.endswith("/config"):
            if payload:
                configs[topic] = json.loads(payload)
            else:
                configs.pop(topic, None)
    check(len(configs) >= 2 * 13 + 7, f"discovery configs published ({len(configs)})")
    check_configs(configs)
    check(not any(t.split("/")[1] in ("button", "switch") for t in configs),
          "no buttons or switch without --mqtt-allow-control")
    ip0 = MINERS[0]
    online = configs.get(f"homeassistant/binary_sensor/hashfleet_{ids[ip0]}/online/config", {})
    dev = online.get("device", {})
    check(dev.get("connections") == [["mac", infos[ip0]["macAddr"]]], "device connections: MAC")
    check(dev.get("identifiers") == [f"hashfleet_{ids[ip0]}"], "device identifiers from MAC")
    check(dev.get("model") and dev.get("manufacturer") and
          dev.get("sw_version") == infos[ip0].get("version"),
          f"device model, manufacturer, firmware ({dev.get('sw_version')})")
    check(dev.get("configuration_url") == f"http://{ip0}:{http_port}/", "configuration_url")
    check(online.get("device_class") == "connectivity", "online is a connectivity sensor")
    power = configs.get(f"homeassistant/sensor/hashfleet_{ids[ip0]}/power/config", {})
    check("estimated" in power.get("json_attributes_template", ""),
          "power has an estimated attribute")

    # States follow the simulator's readings.
    for ip in MINERS:
        state = latest_state(sub_out, ids[ip])
        info = fetch(f"http://{ip}:{http_port}/api/system/info")
        check(state is not None and state["online"] is True, f"{ip}: state online")
        if state:
            check(abs(state["hashrate"] - info["hashRate"]) < 0.01 * info["hashRate"] + 0.01,
                  f"{ip}: hashrate {state['hashrate']} = simulator {info['hashRate']}")
            check(abs(state["temperature"] - info["temp"]) < 0.51,
                  f"{ip}: temperature {state['temperature']} = simulator {info['temp']}")
            check(abs(state["power"] - info["power"]) < 0.1,
                  f"{ip}: power {state['power']} = simulator {info['power']}")
            check(state["power_estimated"] is False, f"{ip}: power measured, not estimated")
    fleet = latest_state(sub_out, "fleet")
    check(fleet is not None and fleet["online"] == 2, "fleet state: 2 online")
    # One state per miner per reading: never more miner states than cycles allow.
    n_states = sum(1 for _, t, _ in messages(sub_out) if t == f"hashfleet/{ids[ip0]}/state")
    n_fleet = sum(1 for _, t, _ in messages(sub_out) if t == "hashfleet/fleet/state")
    check(0 < n_states <= n_fleet + 1, f"one state per reading ({n_states} / {n_fleet} cycles)")

    # A command without --mqtt-allow-control is refused.
    subprocess.run([find("mosquitto_pub"), "-h", "127.0.0.1", "-p", str(port), "-t",
                    f"hashfleet/{ids[ip0]}/command", "-m", "pause"], check=True)
    check(serve1_err.wait(lambda l: "refused" in l, 5), "serve says the command is refused")
    time.sleep(1)
    check(not any('"event":"pause"' in l for l in sim_out.snapshot()),
          "the simulator was not paused")

    # A removed miner's configs are cleared (empty retained payloads).
    mark = len(sub_out.snapshot())
    ip1 = MINERS[1]
    fetch(f"http://127.0.0.1:{api_port}/api/miner/{ip1}", "DELETE", "mqtt-test-token")
    prefix = f"hashfleet_{ids[ip1]}/"
    cleared = lambda: {t for r, t, p in messages(sub_out, mark) if prefix in t and not p}
    end = time.monotonic() + 5
    while len(cleared()) < 13 and time.monotonic() < end:
        time.sleep(0.1)
    check(len(cleared()) >= 13, f"removed miner's configs cleared ({len(cleared())})")

    # Killed, the broker says offline for it (the last will).
    mark = len(sub_out.snapshot())
    serve1.send_signal(signal.SIGKILL)
    serve1.wait()
    end = time.monotonic() + 5
    while time.monotonic() < end and not any(
            t == "hashfleet/status" and p == "offline" for _, t, p in messages(sub_out, mark)):
        time.sleep(0.1)
    check(any(t == "hashfleet/status" and p == "offline" for _, t, p in messages(sub_out, mark)),
          "killed serve: availability offline (last will)")

    # ---- with control ----------------------------------------------------------
    mark = len(sub_out.snapshot())
    serve2, serve2_err = serve("--mqtt-allow-control")
    end = time.monotonic() + 20
    while time.monotonic() < end and not any(
            t == "hashfleet/status" and p == "online" for _, t, p in messages(sub_out, mark)):
        time.sleep(0.1)
    check(any(t == "hashfleet/status" and p == "online" for _, t, p in messages(sub_out, mark)),
          "online again")
    end = time.monotonic() + 10
    button = f"homeassistant/button/hashfleet_{ids[ip0]}/restart/config"
    while time.monotonic() < end and not any(t == button and p
                                             for _, t, p in messages(sub_out, mark)):
        time.sleep(0.1)
    check(any(t == button and p for _, t, p in messages(sub_out, mark)),
          "restart button offered with --mqtt-allow-control")
    subprocess.run([find("mosquitto_pub"), "-h", "127.0.0.1", "-p", str(port), "-t",
                    f"hashfleet/{ids[ip0]}/command", "-m", "pause"], check=True)
    check(sim_out.wait(lambda l: '"event":"pause"' in l and ip0 in l, 10),
          "pause from MQTT reached the simulator")
    end = time.monotonic() + 10
    while time.monotonic() < end and not (latest_state(sub_out, ids[ip0]) or {}).get("paused"):
        time.sleep(0.2)
    check((latest_state(sub_out, ids[ip0]) or {}).get("paused") is True, "state says paused")
    subprocess.run([find("mosquitto_pub"), "-h", "127.0.0.1", "-p", str(port), "-t",
                    f"hashfleet/{ids[ip0]}/command", "-m", "restart"], check=True)
    check(sim_out.wait(lambda l: '"event":"restart-requested"' in l and ip0 in l, 10),
          "restart from MQTT reached the simulator")

    # The broker goes away and comes back: serve reconnects (with backoff)
    # and publishes everything again.
    mosq.terminate()
    mosq.wait()
    time.sleep(1)
    mosq = subprocess.Popen([broker, "-c", os.path.join(tmp.name, "mosquitto.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(mosq)
    check(wait_port(port), "the broker is up again")
    sub2 = subprocess.Popen([find("mosquitto_sub"), "-h", "127.0.0.1", "-p", str(port),
                             "-t", "homeassistant/#", "-t", "hashfleet/#", "-v",
                             "-F", "%r\t%t\t%p"], stdout=subprocess.PIPE, text=True)
    procs.append(sub2)
    sub2_out = Lines(sub2.stdout)
    check(sub2_out.wait(lambda l: l.endswith("\thashfleet/status\tonline"), 20)
          and sub2_out.wait(lambda l: f"hashfleet_{ids[ip0]}/online/config" in l, 5),
          "reconnected to a restarted broker, configs published again")
    sub_out = sub2_out

    # A clean stop says offline too.
    mark = len(sub_out.snapshot())
    serve2.send_signal(signal.SIGINT)
    serve2.wait(timeout=20)
    # Under build-aux/sanitize.sh a leak or an error report fails serve's exit.
    check(serve2.returncode == 0 and not any("Sanitizer" in l for l in serve2_err.snapshot()),
          f"serve stopped cleanly (exit {serve2.returncode})")
    time.sleep(0.5)
    check(any(t == "hashfleet/status" and p == "offline" for _, t, p in messages(sub_out, mark)),
          "stopped serve: availability offline")

    # ---- a broker that wants a password: read from --mqtt-password-file ----------
    auth_port = free_port()
    passwd = os.path.join(tmp.name, "passwd")
    subprocess.run([find("mosquitto_passwd"), "-b", "-c", passwd, "hfuser", "s3cret pass"],
                   check=True, capture_output=True)
    with open(os.path.join(tmp.name, "auth.conf"), "w") as f:
        f.write(f"listener {auth_port} 127.0.0.1\nallow_anonymous false\n"
                f"password_file {passwd}\npersistence false\nuser {ME}\n")
    auth = subprocess.Popen([broker, "-c", os.path.join(tmp.name, "auth.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(auth)
    check(wait_port(auth_port), "the broker with passwords is up")
    sub3 = subprocess.Popen([find("mosquitto_sub"), "-h", "127.0.0.1", "-p", str(auth_port),
                             "-u", "hfuser", "-P", "s3cret pass", "-t", "hashfleet/status",
                             "-v", "-F", "%r\t%t\t%p"], stdout=subprocess.PIPE, text=True)
    procs.append(sub3)
    sub3_out = Lines(sub3.stdout)
    for secret, expect in (("wrong\n", False), ("s3cret pass\n", True)):
        pw_file = os.path.join(tmp.name, "mqtt-password")
        with open(pw_file, "w") as f:
            f.write(secret)
        p = subprocess.Popen([cli_path, "--http-port", str(http_port), "--cgminer-port",
                              str(cgminer_port), "serve", "--no-store", "--interval", "2",
                              "--listen", f"127.0.0.1:{free_port()}",
                              "--mqtt", f"mqtt://hfuser@127.0.0.1:{auth_port}",
                              "--mqtt-password-file", pw_file, MINERS[0]],
                             stderr=subprocess.PIPE, text=True)
        procs.append(p)
        err = Lines(p.stderr)
        online = sub3_out.wait(lambda l: l.endswith("\thashfleet/status\tonline"), 8)
        check(online == expect, "password from the file: " +
              ("accepted" if expect else "a wrong one is refused by the broker"))
        if not expect:
            check(err.wait(lambda l: "refused the connection" in l, 2),
                  "serve says the broker refused it")
        p.send_signal(signal.SIGINT)
        p.wait(timeout=20)
        check(p.returncode == 0 and not any("Sanitizer" in l for l in err.snapshot()),
              f"serve stopped cleanly (exit {p.returncode})")
finally:
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    tmp.cleanup()

finish()
