"""A bounded memo for lookups that a long stream keeps meeting new keys for (words, phrases)."""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
_MISSING = object()


class Generations(Generic[K, V]):
    """Remembers at most two generations of `size` entries. When the young generation is
    full it becomes the old one and the oldest is dropped; an entry found in the old one
    moves back into the young one. So what a stream keeps using stays remembered, and
    memory stays bounded however many new keys pass."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.young: dict[K, V] = {}
        self.old: dict[K, V] = {}

    def get(self, key: K, default: V | None = None) -> V | None:
        """The value remembered for `key`, else `default` (pass a sentinel to remember None)."""
        value = self.young.get(key, _MISSING)
        if value is _MISSING:
            value = self.old.get(key, _MISSING)
            if value is _MISSING:
                return default
            self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        if len(self.young) >= self.size:
            self.old, self.young = self.young, {}
        self.young[key] = value

    def __len__(self) -> int:
        return len(self.young) + len(self.old)
