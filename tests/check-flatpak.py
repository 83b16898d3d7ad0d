#!/usr/bin/env python3
"""The Flatpak manifest parses and asks for no more than the app needs.

Usage: check-flatpak.py MANIFEST METAINFO DESKTOP_FILE

Offline stand-in for Flathub's linter (not packaged for Debian): the ids
agree, the runtime is GNOME's (GTK 4, libsoup 3, json-glib, SQLite and
libsecret are in it; libmosquitto is not, so it is the one extra module,
pinned by checksum), the permissions are exactly
network, IPC, Wayland with X11 fallback and DRI.  flatpak-builder
--show-manifest parses it too where installed.
"""
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

manifest_path, metainfo_path, desktop_path = sys.argv[1:4]
with open(manifest_path, encoding="utf-8") as f:
    manifest = json.load(f)

problems = []
app = manifest.get("id")
if os.path.basename(manifest_path) != f"{app}.json":
    problems.append(f"file name does not match id {app}")
if ET.parse(metainfo_path).getroot().findtext("id") != app:
    problems.append("metainfo <id> differs from the manifest id")
if os.path.basename(desktop_path) != f"{app}.desktop":
    problems.append("desktop file name differs from the manifest id")
if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
    problems.append("runtime should be org.gnome.Platform / org.gnome.Sdk")
if manifest.get("command") != "hashfleet":
    problems.append("command should be hashfleet")
allowed = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
           "--device=dri"}
args = set(manifest.get("finish-args", []))
if args != allowed:
    problems.append(f"finish-args {sorted(args)} should be exactly {sorted(allowed)}")
modules = manifest.get("modules", [])
if len(modules) != 2 or modules[-1].get("buildsystem") != "meson":
    problems.append("two modules, the app last, built by meson")
elif modules[0].get("name") != "libmosquitto" or not all(
        s.get("sha256") for s in modules[0].get("sources", [])):
    problems.append("the first module is libmosquitto, its sources pinned by sha256")

flatpak_builder = shutil.which("flatpak-builder")
if flatpak_builder:
    p = subprocess.run([flatpak_builder, "--show-manifest", manifest_path],
                       capture_output=True, text=True)
    if p.returncode != 0 or "Unknown property" in p.stderr:
        problems.append(f"flatpak-builder --show-manifest: {p.stderr.strip()}")
else:
    print("flatpak-builder not installed: checked without it")

for p in problems:
    print(f"not ok: {p}")
print(f"{len(problems)} problem(s)")
sys.exit(1 if problems else 0)
