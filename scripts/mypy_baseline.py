"""mypy over parley/ against a baseline that may only shrink: `make lint` fails on an error
the baseline does not hold, and on a baseline entry that no longer occurs (run with
--update to write the smaller baseline). Entries are "file: [code] message", without line
numbers, so that moving code does not churn them."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
LINE = re.compile(r"^(?P<file>[^:]+):\d+(?::\d+)?: error: (?P<message>.*?)\s+\[(?P<code>[a-z-]+)\]$")


def current() -> Counter[str]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "parley",
            "--ignore-missing-imports",
            "--no-error-summary",
            "--no-pretty",
            "--show-error-codes",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        sys.exit(f"mypy failed to run: {done.stderr.strip() or done.stdout.strip()}")
    found: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        if m := LINE.match(line):
            found[f"{m['file']}: [{m['code']}] {m['message']}"] += 1
    return found


def main() -> int:
    found = current()
    if "--update" in sys.argv:
        BASELINE.write_text("".join(f"{k}\n" * n for k, n in sorted(found.items())), encoding="utf-8")
        print(f"mypy baseline: {sum(found.values())} errors written to {BASELINE.name}")
        return 0
    known = Counter(BASELINE.read_text(encoding="utf-8").splitlines()) if BASELINE.is_file() else Counter()
    new, gone = found - known, known - found
    for entry in sorted(new):
        print(f"new mypy error: {entry}")
    for entry in sorted(gone):
        print(f"fixed, take it out of {BASELINE.name} (scripts/mypy_baseline.py --update): {entry}")
    print(f"mypy: {sum(found.values())} errors, all in the baseline" if not (new or gone) else "")
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
