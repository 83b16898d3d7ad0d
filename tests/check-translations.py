#!/usr/bin/env python3
"""Every translation compiles (msgfmt --check), is complete (nothing
untranslated or fuzzy) against the strings in the sources as they are now
(xgettext over po/POTFILES.in, as meson's glib preset runs it), and reaches
the merged desktop file and metainfo.

Usage: check-translations.py SOURCE_ROOT DESKTOP_FILE METAINFO_FILE
"""
import os
import subprocess
import sys
import tempfile

root, desktop, metainfo = sys.argv[1:4]
with open(os.path.join(root, "po", "LINGUAS"), encoding="utf-8") as f:
    languages = [l.strip() for l in f if l.strip() and not l.startswith("#")]

XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2",
    "--keyword=NC_:1c,2", "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3",
    "--keyword=g_dpgettext2:2c,3",
]
tmp = tempfile.mkdtemp(prefix="hf-po-")
pot = os.path.join(tmp, "current.pot")
subprocess.run(["xgettext", "--package-name=hashfleet", "-o", pot, "-D", root,
                "-f", os.path.join(root, "po", "POTFILES.in")] + XGETTEXT_ARGS, check=True)

problems = []
for lang in languages:
    source = os.path.join(root, "po", f"{lang}.po")
    po = os.path.join(tmp, f"{lang}.po")
    # The translation as the current sources would have it: a string added
    # since it was last updated shows up as untranslated.
    subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", po, source, pot],
                   check=True)
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
