#!/usr/bin/env python3
"""hashfleet-cli budget against hostile API servers on loopback.

The command is a client of a running serve's API; here the "serve" is a
server that misbehaves:
- a redirect to another host is not followed (the answer there is not
  printed, that host is never asked);
- an answer holding terminal escapes and members of the wrong type is
  printed with the escapes made harmless and no GLib criticals, and --json
  writes it escaped, nothing raw;
- a server that trickles its answer a byte at a time is given up on after
  the command's deadline (15 s), not waited for forever.
Usage: check-cli-budget.py HASHFLEET-CLI
"""
import json
import socket
import subprocess
import sys
import threading
import time

from hftest import check, finish, free_port

cli_path = sys.argv[1]


class Server:
    """One HTTP/1.1 server on @host that answers every request with
    @handler(conn) and counts the requests."""

    def __init__(self, host, handler):
        self.requests = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.port = free_port()
        self.sock.bind((host, self.port))
        self.sock.listen(8)
        self.handler = handler
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.one, args=(conn,), daemon=True).start()

    def one(self, conn):
        data = b""
        conn.settimeout(20)
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            self.requests += 1
            self.handler(conn)
        except OSError:
            pass
        finally:
            conn.close()


def answer(body, status="200 OK", extra=""):
    def handler(conn):
        conn.sendall((f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                      f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n").encode()
                     + body)
    return handler


def budget(port, *extra, host="127.0.0.1"):
    start = time.monotonic()
    p = subprocess.run([cli_path, "budget", "--api", f"http://{host}:{port}", *extra],
                       capture_output=True, timeout=60)
    return p, time.monotonic() - start


good = json.dumps({"watts": 100, "power_w": 50, "power_estimated": False,
                   "curtailed": [], "left_alone": []}).encode()

# A redirect to another host on loopback: not followed.
elsewhere = Server("127.0.0.2", answer(good))
redirect = Server("127.0.0.1", answer(b"", "307 Temporary Redirect",
                                      f"Location: http://127.0.0.2:{elsewhere.port}/api/power-budget\r\n"))
p, _ = budget(redirect.port)
check(p.returncode == 1 and elsewhere.requests == 0,
      f"a redirect is not followed: exit {p.returncode}, {elsewhere.requests} requests elsewhere, "
      f"{p.stderr.decode().strip()}")

# Escapes and members of the wrong type.
hostile = json.dumps({"watts": 100, "power_w": 50,
                      "curtailed": [{"name": "\x1b]0;owned\x07\x1b[2J", "address": "127.0.0.9",
                                     "how": "paused", "power_w": 10, "why": "\u202eevil"}, 7],
                      "left_alone": "not a list"}).encode()
server = Server("127.0.0.1", answer(hostile))
p, _ = budget(server.port)
out = p.stdout.decode()
check(p.returncode == 0 and "\x1b" not in out and "\x07" not in out and "\u202e" not in out
      and "Curtailed:" in out, f"escapes made harmless in the table: {out!r}")
check(b"CRITICAL" not in p.stderr, f"no criticals on odd members: {p.stderr.decode().strip()!r}")
p, _ = budget(server.port, "--json")
out = p.stdout.decode()
check(p.returncode == 0 and "\x1b" not in out and json.loads(out)["curtailed"][0]["name"].startswith("\x1b"),
      f"--json escaped, the same values: {out!r}")


# A server that trickles its answer: given up on after the deadline.
def trickle(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(40):
        time.sleep(1)
        conn.sendall(b" ")


slow = Server("127.0.0.1", trickle)
p, elapsed = budget(slow.port)
check(p.returncode == 1 and 14 <= elapsed < 19 and b"within 15 s" in p.stderr,
      f"a trickling answer given up on after {elapsed:.1f} s: {p.stderr.decode().strip()}")

finish()
