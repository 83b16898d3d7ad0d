#!/usr/bin/env python3
"""Print "N passed, N failed[, N skipped]" from meson's JSON test log.

Each meson test counts once (a test with many subtests is one test), so
the line matches meson's own summary.  Exit status 1 when anything failed
or nothing ran.
"""
import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as log:
            for line in log:
                if not line.strip():
                    continue
                result = json.loads(line)["result"]
                if result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                else:  # FAIL ERROR TIMEOUT UNEXPECTEDPASS INTERRUPT
                    failed += 1
    except OSError as error:
        print(f"count-tests: {error}", file=sys.stderr)
        failed += 1

line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
