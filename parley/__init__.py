"""parley: political event data from news articles.

    >>> from parley import code
    >>> events = code(text, date="2025-02-28")

Names are imported on first use, so that `parley.training` and the CLI's argument parsing
do not pay for loading spaCy.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
_EXPORTS = {
    "code": "parley.api",
    "code_inputs": "parley.api",
    "Pipeline": "parley.nlp.pipeline",
    "Actor": "parley.nlp.document",
    "Document": "parley.nlp.document",
    "Event": "parley.nlp.document",
    "Location": "parley.nlp.document",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'parley' has no attribute {name!r}")
