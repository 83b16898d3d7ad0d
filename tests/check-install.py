#!/usr/bin/env python3
"""`meson install --destdir` puts every file where a desktop expects it.

Usage: check-install.py BUILD_DIR PREFIX
"""
import os
import subprocess
import sys
import tempfile

build, prefix = sys.argv[1], sys.argv[2].lstrip("/")
app = "io.github.hashfleet.Hashfleet"
expected = [
    "bin/hashfleet",
    "bin/hashfleet-cli",
    "bin/hashfleet-sim",
    f"share/applications/{app}.desktop",
    f"share/metainfo/{app}.metainfo.xml",
    f"share/glib-2.0/schemas/{app}.gschema.xml",
    f"share/icons/hicolor/scalable/apps/{app}.svg",
    f"share/icons/hicolor/symbolic/apps/{app}-symbolic.svg",
    "lib/systemd/user/hashfleet-serve.service",
]

with tempfile.TemporaryDirectory() as dest:
    p = subprocess.run(["meson", "install", "-C", build, "--no-rebuild", "--destdir", dest],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        sys.exit(1)
    missing = [f for f in expected if not os.path.isfile(os.path.join(dest, prefix, f))]
    for f in missing:
        print(f"not installed: /{prefix}/{f}")
    # The unit runs the installed hashfleet-cli.
    unit = os.path.join(dest, prefix, "lib/systemd/user/hashfleet-serve.service")
    if os.path.isfile(unit):
        with open(unit) as f:
            exec_start = [l for l in f if l.startswith("ExecStart=")]
        if not exec_start or not exec_start[0].startswith(f"ExecStart=/{prefix}/bin/hashfleet-cli "):
            print(f"hashfleet-serve.service does not run /{prefix}/bin/hashfleet-cli: {exec_start}")
            missing.append("ExecStart")
    # No SVG inside a size folder (Flathub refuses it), no stray test programs.
    bad = []
    for dirpath, _, files in os.walk(dest):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), dest)
            if name.endswith(".svg") and "/hicolor/" in rel and "/scalable/" not in rel \
               and "/symbolic/" not in rel:
                bad.append(rel)
            if name.startswith("test-") or name in ("store-writer", "bench-store"):
                bad.append(rel)
    for f in bad:
        print(f"should not be installed like this: /{f}")
    print(f"{len(expected) - len(missing)}/{len(expected)} expected files installed")
    sys.exit(1 if missing or bad else 0)
