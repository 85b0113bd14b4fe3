"""Coverage-guided fuzzing of the readers with atheris (libFuzzer): text, HTML, feeds and JSON Lines.

The first input byte picks the reader, the rest is its input. A crash is any exception other
than InputError, or an output that breaks the invariants of `benchmarks/fuzz.py`; libFuzzer
then writes the input to crash-<hash> and exits non-zero. Usage (libFuzzer flags pass through):

    python scripts/fuzz_atheris.py -runs=100000 [-max_len=65536] [corpus_dir ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["parley"]):
    from benchmarks.fuzz import READERS, run_reader

TARGETS = [read for read, _ in READERS.values()]


def one_input(data: bytes) -> None:
    """Run the reader the first byte names on the remaining bytes; exceptions propagate to libFuzzer."""
    if not data:
        return
    run_reader(TARGETS[data[0] % len(TARGETS)], data[1:])


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
