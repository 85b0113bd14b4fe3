"""A disk cache for what the coder builds at every start from its tables and packages (the
gazetteer's index, the tokens of the actor and issue phrases): built once, then read back in a
fraction of the time. Each entry's name carries a digest of everything it was built from, so a
changed table, package or parley makes a new entry (and the old one is deleted); an entry that
cannot be read is built again, and where nothing can be written the cache is simply not used.
The folder: PARLEY_CACHE_DIR, else $XDG_CACHE_HOME/parley, else ~/.cache/parley."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import IO, Any, TypeVar, cast

T = TypeVar("T")


def cache_dir() -> Path:
    """Where entries are kept."""
    if os.environ.get("PARLEY_CACHE_DIR"):
        return Path(os.environ["PARLEY_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "parley"


def digest(parts: Iterable[bytes | str]) -> str:
    """A digest of the parts an entry is built from (with the Python version: pickles' format)."""
    h = hashlib.sha256(f"python {sys.version_info[:2]}\0".encode())
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:16]


def cached(name: str, parts: Iterable[bytes | str], build: Callable[[], T]) -> T:
    """The entry `name` for these parts: read back if there, else built and kept."""
    folder = cache_dir()
    path = folder / f"{name}-{digest(parts)}.pickle"
    with suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError):
        with open(path, "rb") as entry:
            return cast(T, _load(entry))
    value = build()
    with suppress(OSError, pickle.PicklingError):
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}-", delete=False) as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out.name, path)  # whole or not at all: a reader never sees half an entry
        for old in folder.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    return value


def _load(f: IO[bytes]) -> Any:
    """Unpickle with the collector paused: it would walk the many new objects again and again.
    Then `gc.freeze()` takes them (and what else lives) out of the collector's sight: tables
    kept for the life of the process, which its next collections walked all over again (half a
    second of the coder's start, measured); unreferenced objects are still freed at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(f)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
