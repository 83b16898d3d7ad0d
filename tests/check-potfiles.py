#!/usr/bin/env python3
"""Every source file with translatable strings is in po/POTFILES.in, and
every file listed there exists.

Usage: check-potfiles.py SOURCE_ROOT
"""
import os
import re
import sys

root = sys.argv[1]
with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
    listed = {line.strip() for line in f if line.strip() and not line.startswith("#")}

marker = re.compile(r'(?<![A-Za-z0-9_])(?:N?_|C_|NC_|g_dngettext|ngettext)\s*\(|translatable="yes"')
needed = set()
for top in ("src/ui", "data"):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for name in files:
            if not name.endswith((".c", ".ui", ".in", ".gschema.xml")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if marker.search(text) or name.endswith((".desktop.in", ".metainfo.xml.in")) \
               or name.endswith(".gschema.xml"):
                needed.add(rel)

missing = sorted(needed - listed)
stale = sorted(p for p in listed if not os.path.exists(os.path.join(root, p)))
for p in missing:
    print(f"not in po/POTFILES.in: {p}")
for p in stale:
    print(f"listed in po/POTFILES.in but missing: {p}")
print(f"{len(needed)} files with translatable strings, {len(listed)} listed")
sys.exit(1 if missing or stale else 0)
