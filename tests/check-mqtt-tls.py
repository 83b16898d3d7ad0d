#!/usr/bin/env python3
"""hashfleet-cli serve --mqtt mqtts://… against a real mosquitto with TLS.

The test makes its own CA and a broker certificate for "localhost", and
starts mosquitto with them on a free 127.0.0.1 port.  Checked:
- trusted through SSL_CERT_FILE (the system's way to add a CA), serve
  connects by name (libmosquitto's own lookup runs on a worker) and the
  broker gets its availability and a miner's state;
- with the system's CAs only, the broker's certificate is not trusted:
  nothing is published;
- by address (127.0.0.1) the certificate, made for "localhost", does not
  match: nothing is published.
Only loopback is used; where "localhost" names anything but 127.x here,
the by-name check is skipped and says so.
"""
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from hftest import check, finish, free_port

sim_path, cli_path = sys.argv[1], sys.argv[2]
MINER = "127.0.25.2"
ME = pwd.getpwuid(os.getuid()).pw_name


def run(*args, **kw):
    return subprocess.run(list(args), check=True, capture_output=True, text=True, **kw)


for tool in ("mosquitto", "mosquitto_sub", "openssl"):
    if not check(shutil.which(tool) is not None, f"{tool} is installed"):
        sys.exit(1)

procs = []
tmp = tempfile.TemporaryDirectory()
d = tmp.name
try:
    port, http_port, cgminer_port = free_port(), free_port(), free_port()
    # A CA of the test's own, and the broker's certificate for "localhost".
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=hashfleet test CA",
        "-days", "2", "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", f"{d}/broker.key", "-out", f"{d}/broker.csr")
    with open(f"{d}/san.cnf", "w") as f:
        f.write("subjectAltName=DNS:localhost\n")
    run("openssl", "x509", "-req", "-in", f"{d}/broker.csr", "-CA", f"{d}/ca.pem",
        "-CAkey", f"{d}/ca.key", "-CAcreateserial", "-days", "2", "-extfile", f"{d}/san.cnf",
        "-out", f"{d}/broker.pem")
    with open(f"{d}/mosquitto.conf", "w") as f:
        f.write(f"listener {port} 127.0.0.1\ncafile {d}/ca.pem\ncertfile {d}/broker.pem\n"
                f"keyfile {d}/broker.key\nallow_anonymous true\npersistence false\nuser {ME}\n")
    with open(f"{d}/sim.ini", "w") as f:
        f.write(f"[fleet]\nhttp-port={http_port}\ncgminer-port={cgminer_port}\nstatic=true\n"
                f"[miner {MINER}]\nprofile=gamma\n")
    procs.append(subprocess.Popen(["mosquitto", "-c", f"{d}/mosquitto.conf"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    procs.append(subprocess.Popen([sim_path, "--config", f"{d}/sim.ini", "--ttl", "120"],
                                  stdout=subprocess.DEVNULL))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            socket.create_connection((MINER, http_port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)

    def serve(url, env_extra):
        env = dict(os.environ)
        env.pop("SSL_CERT_FILE", None)
        env.pop("SSL_CERT_DIR", None)
        env.update(env_extra)
        p = subprocess.Popen([cli_path, "--http-port", str(http_port), "--cgminer-port",
                              str(cgminer_port), "serve", "--no-store", "--interval", "2",
                              "--listen", "127.0.0.1:0", "--mqtt", url, MINER],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        procs.append(p)
        return p

    def stop(p):
        p.terminate()
        try:
            _, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        return err

    def subscribe(topic, count, wait_s):
        """What the broker has on @topic (the test's own trusted client)."""
        p = subprocess.run(["mosquitto_sub", "-h", "localhost", "-p", str(port), "--cafile",
                            f"{d}/ca.pem", "-t", topic, "-C", str(count), "-W", str(wait_s), "-v"],
                           capture_output=True, text=True)
        return p.stdout.strip().splitlines()

    # Untrusted: the system's CAs do not know the test's.
    p = serve(f"mqtts://localhost:{port}", {})
    time.sleep(6)
    got = subscribe("hashfleet/status", 1, 2)
    err = stop(p)
    check(got == [] and "MQTT: A TLS error occurred. (trying again)" in err,
          f"an untrusted broker certificate: nothing published ({got}), and serve says why: "
          f"{err.strip()[-200:]!r}")

    # By address: the certificate names "localhost", not 127.0.0.1.
    p = serve(f"mqtts://127.0.0.1:{port}", {"SSL_CERT_FILE": f"{d}/ca.pem"})
    time.sleep(6)
    got = subscribe("hashfleet/status", 1, 2)
    stop(p)
    check(got == [], f"a certificate for another name: nothing published ({got})")

    names = {a[4][0] for a in socket.getaddrinfo("localhost", port, type=socket.SOCK_STREAM)}
    if all(n.startswith("127.") for n in names):
        # Trusted, by name: availability and a state arrive.
        p = serve(f"mqtts://localhost:{port}", {"SSL_CERT_FILE": f"{d}/ca.pem"})
        got = subscribe("hashfleet/status", 1, 20)
        check(got == ["hashfleet/status online"], f"trusted, by name: online ({got})")
        got = subscribe("hashfleet/+/state", 1, 20)
        state = json.loads(got[0].split(" ", 1)[1]) if len(got) == 1 else {}
        check((state.get("hashrate") or 0) > 0, f"trusted, by name: a miner's state ({got})")
        err = stop(p)
        check("MQTT: connected" in err, f"serve said it connected: {err.strip()[-300:]!r}")
        got = subscribe("hashfleet/status", 1, 5)
        check(got == ["hashfleet/status offline"], f"stopped: offline ({got})")
    else:
        print(f"# skipped the by-name check: localhost is {sorted(names)} here, not only 127.x")
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    tmp.cleanup()

finish()
