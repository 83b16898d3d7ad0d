"""What the Python end-to-end tests share: a check that counts, the end
line and exit status, loopback ports, finding a program, and a process's
output read on a thread."""
import shutil
import socket
import sys
import threading
import time

_failures = 0


def check(ok, what):
    """Say "ok: WHAT" or "not ok: WHAT" and count the second."""
    global _failures
    print(("ok: " if ok else "not ok: ") + what, flush=True)
    _failures += not ok
    return ok


def finish():
    """The last line, and the exit status: 1 if any check failed."""
    print(f"{_failures} failed")
    sys.exit(1 if _failures else 0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, host="127.0.0.1"):
    for _ in range(100):
        try:
            socket.create_connection((host, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def find(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


class Lines:
    """A process's output lines, collected on a thread."""

    def __init__(self, stream):
        self.lines, self.lock = [], threading.Lock()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def snapshot(self):
        with self.lock:
            return list(self.lines)

    def wait(self, predicate, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(predicate(line) for line in self.snapshot()):
                return True
            time.sleep(0.1)
        return False
