#!/usr/bin/env python3
"""Every translation compiles (msgfmt --check), is complete (nothing
untranslated or fuzzy), and reaches the merged desktop file and metainfo.

Usage: check-translations.py SOURCE_ROOT DESKTOP_FILE METAINFO_FILE
"""
import os
import subprocess
import sys

root, desktop, metainfo = sys.argv[1:4]
with open(os.path.join(root, "po", "LINGUAS"), encoding="utf-8") as f:
    languages = [l.strip() for l in f if l.strip() and not l.startswith("#")]

problems = []
for lang in languages:
    po = os.path.join(root, "po", f"{lang}.po")
    p = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
                       capture_output=True, text=True)
    stats = (p.stdout + p.stderr).strip()
    print(f"{lang}: {stats}")
    if p.returncode != 0:
        problems.append(f"{lang}: msgfmt --check failed")
    if "untranslated" in stats or "fuzzy" in stats:
        problems.append(f"{lang}: incomplete ({stats})")
    with open(desktop, encoding="utf-8") as f:
        if f"Comment[{lang}]=" not in f.read():
            problems.append(f"{lang}: not merged into the desktop file")
    with open(metainfo, encoding="utf-8") as f:
        if f'xml:lang="{lang}"' not in f.read():
            problems.append(f"{lang}: not merged into the metainfo")

for p in problems:
    print(f"not ok: {p}")
sys.exit(1 if problems or not languages else 0)
