#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""hashfleet-serve.service, checked and run the way systemd runs it.

1. `systemd-analyze --user verify` has nothing to say about the unit (and
   does complain about a copy with a misspelt key: the check can fail).
2. Its ExecStart, with %h a scratch home and serve.env read as
   EnvironmentFile= reads it, serves the fleet as serve.conf says (the API
   on its address, with the token from serve.env), and SIGTERM (systemctl
   stop) ends it cleanly, exit 0, with its database written.
3. Without serve.conf it exits 2, which RestartPreventExitStatus= keeps
   from restarting in a loop.

The unit given is a copy configured with this build's hashfleet-cli.
Exit 77 (skip) only when systemd-analyze is missing.
Usage: check-serve-unit.py UNIT HASHFLEET-SIM
"""
import configparser
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from hftest import check, finish, free_port

unit_path, sim_path = sys.argv[1], sys.argv[2]
MINER = "127.0.81.2"


def fetch(url, token):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url)
    request.add_header("Authorization", f"Bearer {token}")
    with opener.open(request, timeout=5) as reply:
        return json.loads(reply.read())


def read_env_file(path):
    """KEY=VALUE lines as systemd's EnvironmentFile= takes them (the quoting
    this test writes: a value in double quotes)."""
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition("=")
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            env[key.strip()] = value
    return env


def exec_start(unit, home, env):
    """The unit's ExecStart as argv: %h expanded, $VAR split into words."""
    argv = []
    for word in shlex.split(unit["Service"]["ExecStart"]):
        word = word.replace("%h", home)
        if word.startswith("$") and not word.startswith("${"):
            argv += env.get(word[1:], "").split()
        else:
            argv.append(word)
    return argv


analyze = shutil.which("systemd-analyze")
if analyze is None:
    print("1..0 # SKIP systemd-analyze is not installed (apt-get install systemd)")
    sys.exit(77)

tmp = tempfile.TemporaryDirectory()
procs = []
try:
    home = os.path.join(tmp.name, "home")
    runtime = os.path.join(tmp.name, "run")
    os.makedirs(os.path.join(home, ".config", "hashfleet"))
    os.mkdir(runtime, 0o700)
    # A user manager's own directory, which verify --user needs.
    verify_env = dict(os.environ, HOME=home, XDG_RUNTIME_DIR=runtime)

    # ---- 1. systemd-analyze verify ----------------------------------------------
    name = os.path.basename(unit_path)
    p = subprocess.run([analyze, "--user", "verify", unit_path], env=verify_env,
                       capture_output=True, text=True)
    said = [l for l in (p.stdout + p.stderr).splitlines() if name in l or "hashfleet" in l]
    check(p.returncode == 0 and not said,
          f"systemd-analyze --user verify: exit {p.returncode}, {said or 'nothing to say'}")
    bad_dir = os.path.join(tmp.name, "bad")
    os.mkdir(bad_dir)
    with open(unit_path) as f:
        text = f.read()
    with open(os.path.join(bad_dir, name), "w") as f:
        f.write(text.replace("NoNewPrivileges=", "NoNewPrivilegez="))
    p = subprocess.run([analyze, "--user", "verify", os.path.join(bad_dir, name)],
                       env=verify_env, capture_output=True, text=True)
    check("NoNewPrivilegez" in p.stdout + p.stderr,
          "verify complains about a misspelt key (the check can fail)")

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(unit_path)
    service = unit["Service"]
    check(service.get("Restart") == "on-failure", "Restart=on-failure")
    check(service.get("RestartPreventExitStatus") == "2", "no restart after a settings error")
    check(service.get("NoNewPrivileges") == "yes", "NoNewPrivileges=yes")
    check(unit["Install"].get("WantedBy") == "default.target", "WantedBy=default.target")
    argv0 = shlex.split(service["ExecStart"])[0]
    check(os.access(argv0, os.X_OK) and argv0.endswith("/hashfleet-cli"),
          f"ExecStart runs {argv0}")

    # ---- 2. ExecStart as systemd runs it ------------------------------------------
    http_port, cgminer_port, api_port = free_port(), free_port(), free_port()
    with open(os.path.join(tmp.name, "sim.ini"), "w") as f:
        f.write(f"[fleet]\nhttp-port={http_port}\ncgminer-port={cgminer_port}\nstatic=true\n"
                f"[miner {MINER}]\nprofile=gamma\n")
    sim = subprocess.Popen([sim_path, "--config", os.path.join(tmp.name, "sim.ini"),
                            "--ttl", "60"], stdout=subprocess.PIPE, text=True)
    procs.append(sim)
    for line in sim.stdout:
        if '"event":"ready"' in line:
            break

    conf = os.path.join(home, ".config", "hashfleet", "serve.conf")
    with open(conf, "w") as f:
        f.write("# the app's settings, for hashfleet-cli serve\n[hashfleet]\n"
                f"api-enabled=true\napi-listen='127.0.0.1:{api_port}'\npoll-interval=5\n")
    env_file = os.path.join(home, ".config", "hashfleet", "serve.env")
    with open(env_file, "w") as f:
        f.write("HASHFLEET_API_TOKEN=unit-token\n"
                f'HASHFLEET_SERVE_OPTIONS="--http-port {http_port} --cgminer-port '
                f'{cgminer_port} {MINER}"\n')
    os.chmod(env_file, 0o600)
    env = dict(os.environ, HOME=home)
    env.pop("XDG_DATA_HOME", None)
    env.pop("XDG_CONFIG_HOME", None)
    unit_env = read_env_file(env_file)
    env.update(unit_env)
    argv = exec_start(unit, home, unit_env)
    check(argv[1:4] == ["serve", "--config", conf] and MINER in argv,
          f"ExecStart: {' '.join(argv[1:])}")
    serve = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    procs.append(serve)
    miners = None
    end = time.monotonic() + 20
    while time.monotonic() < end:
        try:
            miners = fetch(f"http://127.0.0.1:{api_port}/api/miners", "unit-token")
            if miners and miners[0].get("online"):
                break
        except OSError:
            pass
        time.sleep(0.2)
    check(bool(miners) and miners[0].get("ip") == MINER and miners[0].get("online"),
          f"the API serves on serve.conf's address, with serve.env's token: {miners}")
    # The token came from serve.env: another one is refused.
    try:
        fetch(f"http://127.0.0.1:{api_port}/api/miners", "another-token")
        refused = False
    except urllib.error.HTTPError as e:
        refused = e.code == 401
    check(refused, "a request with another token is refused (401)")
    serve.send_signal(signal.SIGTERM)
    try:
        serve.wait(timeout=20)
    except subprocess.TimeoutExpired:
        serve.kill()
        serve.wait()
    err = serve.stderr.read()
    check(serve.returncode == 0 and "Sanitizer" not in err,
          f"SIGTERM (systemctl stop) ends it cleanly (exit {serve.returncode})")
    db = os.path.join(home, ".local", "share", "hashfleet", "hashfleet.db")
    check(os.path.isfile(db), f"its database is in the user's home ({db})")

    # ---- 3. no serve.conf ---------------------------------------------------------
    os.unlink(conf)
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=20)
    check(p.returncode == 2 and "--config: cannot open" in p.stderr,
          f"no serve.conf: exit {p.returncode} (no restart), {p.stderr.strip()}")
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
