"""parley: political event data from news articles.

    >>> from parley import code
    >>> events = code(text, date="2025-02-28")

Names are imported on first use, so that `parley.learn` and the CLI's argument parsing
do not pay for loading spaCy.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
_EXPORTS = {
    "code": "parley.api", "code_inputs": "parley.api", "Pipeline": "parley.pipeline",
    "Actor": "parley.document", "Document": "parley.document", "Event": "parley.document",
    "Location": "parley.document",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'parley' has no attribute {name!r}")
