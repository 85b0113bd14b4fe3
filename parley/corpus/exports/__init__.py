"""Stored events written out: GDELT 2.0 and ICEWS tables, PLOVER JSON Lines, CSV, Parquet,
and the readable table of `parley events`. Every writer streams: rows are never all in memory.

GDELT, ICEWS and PLOVER records cannot say "did not" or "will": those three formats carry
only events reported as having happened (not negated; status factual or historical).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..query import Filters, verify
from ..store import Store
from .flat import write_csv, write_parquet
from .gdelt import write_gdelt
from .icews import write_icews
from .plover import write_plover

EXPORT_FORMATS = ("gdelt", "icews", "plover", "parquet", "csv")


def export(store: Store, fmt: str, out: str | Path | TextIO, filters: Filters) -> int:
    """Write the selected events to `out` (a path or a text stream) in `fmt`; returns how many."""
    check(fmt, out)
    verify(store, filters)  # an unknown place or source is an error before a file is begun
    if fmt == "parquet":
        with _replacing(Path(out)) as tmp:
            return write_parquet(store, filters, tmp)
    write = {"gdelt": write_gdelt, "icews": write_icews, "plover": write_plover, "csv": write_csv}[fmt]
    if not isinstance(out, (str, Path)):
        return write(store, filters, out)
    with _replacing(Path(out)) as tmp, tmp.open("w", encoding="utf-8", newline="") as stream:
        return write(store, filters, stream)


def check(fmt: str, out: str | Path | TextIO) -> None:
    """Refuse an unknown format, and Parquet (binary) to a text stream, with a ValueError."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet" and not isinstance(out, (str, Path)):
        raise ValueError("parquet is binary: give an output file with -o FILE")


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` that replaces it once written: never half a file."""
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.touch()
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path)) from None
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
