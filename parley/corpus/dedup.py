"""Near-duplicate articles and repeated events.

Articles: MinHash signatures over word shingles, indexed by locality-sensitive hashing
(BANDS bands of ROWS rows), so that a new article is compared only with the few stored
ones that share a band with it. Two articles whose estimated Jaccard similarity reaches
SAME_STORY are one story: wire copies, updates and re-publications of a report.

Events: one key per event, from what identifies it (CAMEO code, parties, date, place,
negation and status), so that the same event reported by several articles or sentences
is one stored event with several mentions.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from functools import cache
from typing import TYPE_CHECKING

from ..nlp.document import Actor, Event

if TYPE_CHECKING:
    import numpy as np

SHINGLE = 4  # words
PERMUTATIONS = 128
BANDS, ROWS = 32, 4  # a pair at Jaccard 0.5 shares a band with probability 0.87, at 0.2 with 0.05
SAME_STORY = 0.5
CHUNK = 8192  # shingles hashed at a time
WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Whitespace collapsed: the form whose hash identifies a document."""
    return " ".join(text.split())


def doc_key(text: str) -> str:
    """A document's identity: the same text ingested again is the same document."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[int]:
    """Hashes of the text's overlapping SHINGLE-word sequences, case and punctuation ignored."""
    words = WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return {zlib.crc32(" ".join(words).encode("utf-8"))}
    return {zlib.crc32(" ".join(words[i : i + SHINGLE]).encode("utf-8")) for i in range(len(words) - SHINGLE + 1)}


@cache
def _hashes() -> tuple[np.ndarray, np.ndarray]:
    """Multiply-shift hashing: h -> the high 32 bits of (a*h + b) mod 2^64, a odd; one (a, b) per
    permutation. Made on first use: a query command never imports numpy."""
    import numpy as np

    rng = np.random.default_rng(20250227)
    a = rng.integers(0, 1 << 63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    return a, rng.integers(0, 1 << 63, PERMUTATIONS, dtype=np.uint64)


def signature(text: str) -> np.ndarray:
    """The MinHash signature: for each of PERMUTATIONS hash functions, the least shingle hash."""
    import numpy as np

    a, b = _hashes()
    h = np.fromiter(shingles(text), dtype=np.uint64)
    least = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(h), CHUNK):  # bounded memory for very long articles
        block = (np.outer(a, h[start : start + CHUNK]) + b[:, None]) >> np.uint64(32)  # wraps mod 2^64
        least = np.minimum(least, block.min(axis=1))
    return least.astype(np.uint32)


def to_hex(sig: np.ndarray) -> str:
    return sig.astype(">u4").tobytes().hex()


def from_hex(text: str) -> np.ndarray:
    import numpy as np

    return np.frombuffer(bytes.fromhex(text), dtype=">u4").astype(np.uint32)


def buckets(sig: np.ndarray) -> list[str]:
    """The signature's LSH buckets ("band:hash"): articles sharing one are compared."""
    raw = sig.astype(">u4").tobytes()
    step = ROWS * 4
    return [f"{b}:{hashlib.blake2b(raw[b * step : (b + 1) * step], digest_size=8).hexdigest()}" for b in range(BANDS)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two articles' shingle sets."""
    return float((a == b).mean())


def event_key(event: Event) -> str:
    """What makes two coded events the same event: code, parties, date, place, negation, status."""
    place = event.location
    parts = {
        "cameo": event.cameo,
        "actors": sorted(_party(a) for a in event.actors),
        "recipients": sorted(_party(a) for a in event.recipients),
        "date": event.date.isoformat() if event.date else None,
        "end": event.end_date.isoformat() if event.end_date else None,
        "place": (place.geonameid or place.name, place.country) if place else None,
        "negated": event.negated,
        "status": event.status,
    }
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()[:20]


def _party(actor: Actor) -> str:
    """An actor as events are matched: its code, or its words when it has none."""
    return actor.code or f"~{normalise(actor.text).lower()}"
