"""parley: political event data from news articles.

    >>> from parley import code
    >>> events = code(text, date="2025-02-28")
"""

from .api import code, code_inputs
from .document import Actor, Document, Event, Location
from .pipeline import Pipeline

__all__ = ["code", "code_inputs", "Actor", "Document", "Event", "Location", "Pipeline"]
__version__ = "0.1.0"
