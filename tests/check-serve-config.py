#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""hashfleet-cli serve --config FILE: the app's settings from a key file.

Against hashfleet-sim on 127.0.82.x and a real mosquitto broker that wants
a password (started here on a free 127.0.0.1 port):
- files the schema does not allow are refused (exit 2), naming the problem;
- a file's settings are what serve runs with: MQTT from mqtt-* (password
  from HASHFLEET_MQTT_PASSWORD, configs under mqtt-prefix), no API when
  api-enabled is false, discovery of subnets (POST /api/discover with no
  subnet finds the miner there), a temperature-alert that makes the
  simulated miner hot (its alert reaches a json:// receiver), the poll
  interval;
- the options given override the file: --listen serves the API,
  --mqtt-prefix moves the configs, --interval beats poll-interval.

mosquitto missing is a failure, not a skip: CI installs it.
Usage: check-serve-config.py HASHFLEET-SIM HASHFLEET-CLI
"""
import http.server
import json
import os
import pwd
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from hftest import check, find, finish, free_port, Lines, wait_port

sim_path, cli_path = sys.argv[1], sys.argv[2]
MINER = "127.0.82.2"
ME = pwd.getpwuid(os.getuid()).pw_name


def request(url, method="GET", token=None, body=None):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    r = urllib.request.Request(url, method=method, data=body)
    if token:
        r.add_header("Authorization", f"Bearer {token}")
    with opener.open(r, timeout=5) as reply:
        data = reply.read()
        return json.loads(data) if data else None


received = []


class Receiver(http.server.BaseHTTPRequestHandler):
    """A json:// notification channel."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


broker = find("mosquitto")
if not check(broker is not None and find("mosquitto_sub") and find("mosquitto_passwd"),
             "mosquitto, mosquitto_sub and mosquitto_passwd are installed"):
    sys.exit(1)

procs = []
tmp = tempfile.TemporaryDirectory()
receiver = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
try:
    port, http_port, cgminer_port = free_port(), free_port(), free_port()
    token_file = os.path.join(tmp.name, "token")
    with open(token_file, "w") as f:
        f.write("config-test-token\n")
    conf = os.path.join(tmp.name, "serve.conf")

    def run(*args, env=None, timeout=20):
        return subprocess.run([cli_path, *args], capture_output=True, text=True,
                              timeout=timeout, env=env)

    # ---- refused files ----------------------------------------------------------
    for text, said in (("[hashfleet]\npoll-interval=2\n", "poll-interval=2: must be from 5 to 3600"),
                       ("[hashfleet]\npoll-interval=often\n", "poll-interval=often: not a whole"),
                       ("[hashfleet]\nview-mode='grid'\n", "must be one of cards, table"),
                       ("[hashfleet]\npoll-intervall=30\n", "unknown key poll-intervall"),
                       ("[serve]\npoll-interval=30\n", "unknown group [serve]"),
                       ("poll-interval=30\n", "does not start with a group"),
                       ("[hashfleet]\nsubnets=192.168.1.0/24\n", "not a list of strings"),
                       ("[hashfleet]\nsubnets=['192.168.1.0/33']\n", "--config: subnets:"),
                       ("[hashfleet]\nmqtt-enabled=true\n", "mqtt-url is empty"),
                       ("[hashfleet]\nquiet-hours='late'\n", "Quiet hours are two times of day"),
                       ("[hashfleet]\ndaily-summary='8am'\n", "summary's time is a time of day"),
                       ("[hashfleet]\nalerts-off=['hot', 'lava']\n", "“lava” names no alert rule"),
                       ("[hashfleet]\ntariff='EUR 0.30; mon-fri 07:00-25:00 0.32'\n",
                        "tariff: clause 2 (“mon-fri 07:00-25:00 0.32”): “25:00” is not a time"),
                       ("[hashfleet]\nmqtt-enabled=true\nmqtt-url='http://x'\n",
                        "not an MQTT broker URL")):
        with open(conf, "w") as f:
            f.write(text)
        p = run("serve", "--no-store", "--config", conf)
        check(p.returncode == 2 and said in p.stderr,
              f"refused ({p.returncode}): {text.strip()!r}: {p.stderr.strip()}")
    p = run("serve", "--no-store", "--config", os.path.join(tmp.name, "none.conf"))
    check(p.returncode == 2 and "cannot open" in p.stderr, f"missing file: {p.stderr.strip()}")
    p = run("serve", "--no-store", "--config", tmp.name)
    check(p.returncode == 2 and "not a regular file" in p.stderr, f"a directory: {p.stderr.strip()}")

    # ---- a broker with a password, a simulator ---------------------------------------
    passwd = os.path.join(tmp.name, "passwd")
    subprocess.run([find("mosquitto_passwd"), "-b", "-c", passwd, "hfuser", "s3cret"],
                   check=True, capture_output=True)
    with open(os.path.join(tmp.name, "mosquitto.conf"), "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {passwd}\n"
                f"persistence false\nuser {ME}\n")
    procs.append(subprocess.Popen([broker, "-c", os.path.join(tmp.name, "mosquitto.conf")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    check(wait_port(port), "broker up")
    with open(os.path.join(tmp.name, "sim.ini"), "w") as f:
        f.write(f"[fleet]\nhttp-port={http_port}\ncgminer-port={cgminer_port}\nstatic=true\n"
                f"[miner {MINER}]\nprofile=gamma\n")
    sim = subprocess.Popen([sim_path, "--config", os.path.join(tmp.name, "sim.ini"),
                            "--ttl", "150"], stdout=subprocess.PIPE, text=True)
    procs.append(sim)
    check(Lines(sim.stdout).wait(lambda l: '"event":"ready"' in l, 10), "simulator ready")
    sub = subprocess.Popen([find("mosquitto_sub"), "-h", "127.0.0.1", "-p", str(port),
                            "-u", "hfuser", "-P", "s3cret", "-t", "#", "-v",
                            "-F", "%t\t%p"], stdout=subprocess.PIPE, text=True)
    procs.append(sub)
    sub_out = Lines(sub.stdout)

    # The simulated Bitaxe runs at 58.5 °C: hot above 45.
    with open(conf, "w") as f:
        f.write("# hashfleet-cli serve --config: the app's keys\n[hashfleet]\n"
                "subnets=['127.0.82.0/29']\n"
                "poll-interval=5\n"
                "temperature-alert=45\n"
                "notifications=false\n"
                "api-enabled=false\n"
                "mqtt-enabled=true\n"
                f"mqtt-url=mqtt://hfuser@127.0.0.1:{port}\n"
                "mqtt-prefix='hf-test-ha'\n"
                "tariff=CHF 0.27; 22:00-06:00 0.19\n")
    env = dict(os.environ, HASHFLEET_MQTT_PASSWORD="s3cret")

    def serve(*extra):
        p = subprocess.Popen([cli_path, "--http-port", str(http_port), "--cgminer-port",
                              str(cgminer_port), "serve", "--db", os.path.join(tmp.name, "f.db"),
                              "--config", conf, "--token-file", token_file, "--stats",
                              "--notify", f"json://127.0.0.1:{receiver.server_port}/hook",
                              *extra], stderr=subprocess.PIPE, text=True, env=env)
        procs.append(p)
        return p, Lines(p.stderr)

    def stop(p, err):
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=20)
        check(p.returncode == 0 and not any("Sanitizer" in l for l in err.snapshot()),
              f"serve stopped cleanly on SIGTERM (exit {p.returncode})")

    def cycles(err):
        return sum(1 for l in err.snapshot() if l.startswith("{") and '"cycle"' in l)

    # ---- the file alone ------------------------------------------------------------
    mark = len(sub_out.snapshot())
    s1, s1_err = serve(MINER)
    check(s1_err.wait(lambda l: "no HTTP API (api-enabled is false" in l, 15),
          "api-enabled=false: no API")
    check(s1_err.wait(lambda l: f"publishing to mqtt://hfuser@127.0.0.1:{port}" in l, 5),
          "MQTT from the file")
    check(sub_out.wait(lambda l: l == "hashfleet/status\tonline", 15),
          "the broker took HASHFLEET_MQTT_PASSWORD: online")
    check(sub_out.wait(lambda l: l.startswith("hf-test-ha/binary_sensor/hashfleet_"), 10),
          "discovery configs under mqtt-prefix hf-test-ha/")
    check(not any(l.startswith("homeassistant/") for l in sub_out.snapshot()[mark:]),
          "nothing under the default prefix")
    end = time.monotonic() + 15
    while time.monotonic() < end and not any(r.get("hashfleet", {}).get("event") == "hot"
                                             for r in received):
        time.sleep(0.2)
    check(any(r.get("hashfleet", {}).get("event") == "hot" for r in received),
          f"temperature-alert=45: the 58.5 °C miner is hot ({len(received)} notifications)")
    time.sleep(6)
    n = cycles(s1_err)
    check(1 <= n <= 3, f"poll-interval=5: {n} cycles in about 7 s")
    stop(s1, s1_err)

    def currency(api_port):
        """/api/stats' currency once the meter has computed today."""
        end = time.monotonic() + 10
        stats = {}
        while time.monotonic() < end:
            stats = request(f"http://127.0.0.1:{api_port}/api/stats",
                            token="config-test-token") or {}
            if stats.get("energy_today_kwh") is not None:
                break
            time.sleep(0.3)
        return stats.get("currency")

    # ---- the file's tariff ---------------------------------------------------------
    api_port = free_port()
    s3, s3_err = serve("--listen", f"127.0.0.1:{api_port}")
    check(s3_err.wait(lambda l: f"serving http://127.0.0.1:{api_port}/" in l, 15), "API for the tariff")
    got = currency(api_port)
    check(got == "CHF", f"tariff= from the file: today's cost in CHF ({got})")
    stop(s3, s3_err)

    # ---- options over the file -------------------------------------------------------
    api_port = free_port()
    mark = len(sub_out.snapshot())
    s2, s2_err = serve("--listen", f"127.0.0.1:{api_port}", "--mqtt-prefix", "hf-other",
                       "--interval", "1", "--tariff", "EUR 0.25")
    check(s2_err.wait(lambda l: f"serving http://127.0.0.1:{api_port}/" in l, 15),
          "--listen over api-enabled=false serves the API")
    got = currency(api_port)
    check(got == "EUR", f"--tariff over tariff=: today's cost in EUR ({got})")
    check(sub_out.wait(lambda l: l.startswith("hf-other/sensor/hashfleet_"), 15)
          and not any(l.startswith("hf-test-ha/sensor/") for l in sub_out.snapshot()[mark:]),
          "--mqtt-prefix over mqtt-prefix")
    start = cycles(s2_err)
    time.sleep(5)
    n = cycles(s2_err) - start
    check(n >= 3, f"--interval 1 over poll-interval=5: {n} cycles in 5 s")
    # Discovery with no subnet scans the file's subnets (the simulator's
    # miner is the only one there, on --http-port; a /29 has six hosts).
    request(f"http://127.0.0.1:{api_port}/api/miner/{MINER}", "DELETE", "config-test-token")
    job = request(f"http://127.0.0.1:{api_port}/api/discover", "POST", "config-test-token", b"")
    end = time.monotonic() + 20
    while time.monotonic() < end and job and job.get("running"):
        time.sleep(0.3)
        job = request(f"http://127.0.0.1:{api_port}/api/discover/{job['id']}",
                      token="config-test-token")
    check(job is not None and job.get("total") == 6 and MINER in job.get("found", []),
          f"POST /api/discover scans subnets=['127.0.82.0/29']: {job}")
    stop(s2, s2_err)
finally:
    receiver.shutdown()
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    tmp.cleanup()

finish()
