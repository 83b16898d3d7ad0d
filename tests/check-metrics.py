#!/usr/bin/env python3
"""A strict checker of the Prometheus text exposition format (0.0.4).

Reads the exposition on stdin; prints every problem and exits 1 if there is
any.  Checks metric and label names, label-value escaping, HELP and TYPE
lines (at most one each, before the family's samples), that a family's
samples are contiguous, that counters end in _total, that values are
numbers, that no series repeats, and that the text ends with a newline.
"""
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}

text = sys.stdin.read()
problems = []
if not text.endswith("\n"):
    problems.append("does not end with a newline")

helps, types, seen_samples, series = set(), {}, set(), set()
current = None
done_families = set()


def family_of(name):
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)] if name.endswith(suffix) else None
        if base and types.get(base) in ("histogram", "summary"):
            return base
    return name


def parse_labels(s, lineno):
    labels, i = [], 0
    while i < len(s):
        m = re.match(r"([^=]*)=\"", s[i:])
        if not m:
            problems.append(f"line {lineno}: bad label syntax at {s[i:]!r}")
            return None
        name = m.group(1)
        if not LABEL.match(name) or name.startswith("__"):
            problems.append(f"line {lineno}: bad label name {name!r}")
        i += m.end()
        value = []
        while True:
            if i >= len(s):
                problems.append(f"line {lineno}: unterminated label value")
                return None
            c = s[i]
            if c == "\\":
                if i + 1 >= len(s) or s[i + 1] not in '\\"n':
                    problems.append(f"line {lineno}: bad escape in label value")
                    return None
                value.append(s[i : i + 2])
                i += 2
                continue
            if c == '"':
                i += 1
                break
            if c == "\n":
                problems.append(f"line {lineno}: raw newline in label value")
            value.append(c)
            i += 1
        labels.append((name, "".join(value)))
        if i < len(s):
            if s[i] != ",":
                problems.append(f"line {lineno}: expected ',' between labels")
                return None
            i += 1
    names = [n for n, _ in labels]
    if len(names) != len(set(names)):
        problems.append(f"line {lineno}: a label repeats")
    return tuple(sorted(labels))


for lineno, line in enumerate(text.split("\n")[:-1], 1):
    if line.startswith("#"):
        parts = line.split(" ", 3)
        if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
            name = parts[2]
            if not NAME.match(name):
                problems.append(f"line {lineno}: bad metric name {name!r}")
            if name in seen_samples:
                problems.append(f"line {lineno}: {parts[1]} for {name} after its samples")
            if parts[1] == "HELP":
                if name in helps:
                    problems.append(f"line {lineno}: second HELP for {name}")
                helps.add(name)
                if len(parts) < 4 or not parts[3].strip():
                    problems.append(f"line {lineno}: empty HELP for {name}")
                elif re.search(r"\\[^\\n]", parts[3]):
                    problems.append(f"line {lineno}: bad escape in HELP")
            else:
                if name in types:
                    problems.append(f"line {lineno}: second TYPE for {name}")
                if len(parts) < 4 or parts[3] not in TYPES:
                    problems.append(f"line {lineno}: bad TYPE line")
                else:
                    types[name] = parts[3]
                    if parts[3] == "counter" and not name.endswith("_total"):
                        problems.append(f"line {lineno}: counter {name} does not end in _total")
        continue
    if not line.strip():
        problems.append(f"line {lineno}: blank line")
        continue
    m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?\Z", line)
    if not m:
        problems.append(f"line {lineno}: not a sample: {line!r}")
        continue
    name, labels_text, value = m.group(1), m.group(3), m.group(4)
    family = family_of(name)
    if family != current:
        if family in done_families:
            problems.append(f"line {lineno}: samples of {family} are not contiguous")
        if current is not None:
            done_families.add(current)
        current = family
    if family not in types:
        problems.append(f"line {lineno}: {name} has no TYPE")
    seen_samples.add(family)
    labels = parse_labels(labels_text, lineno) if labels_text else ()
    if labels is not None:
        if (name, labels) in series:
            problems.append(f"line {lineno}: series repeats: {name}{labels}")
        series.add((name, labels))
    try:
        if value not in ("NaN", "+Inf", "-Inf"):
            float(value)
    except ValueError:
        problems.append(f"line {lineno}: bad value {value!r}")

for p in problems:
    print(p)
print(f"{len(series)} series in {len(types)} families, {len(problems)} problems")
sys.exit(1 if problems else 0)
