"""The bounded two-generation memo behind the per-word and per-phrase caches."""

from __future__ import annotations

from parley.nlp.memo import Generations
from parley.nlp.vocab import AgentTable

MISSING = object()


def test_memory_stays_bounded_however_many_keys_pass():
    memo = Generations(100)
    for n in range(10_000):
        memo.put(n, str(n))
        assert len(memo.young) <= 100 and len(memo.old) <= 100
    assert memo.get(9_999) == "9999" and memo.get(0) is None  # the newest stay, the oldest went


def test_what_is_still_in_use_survives_a_new_generation():
    memo = Generations(3)
    memo.put("talks", 1)
    for key in ("a", "b", "c"):  # fills the young generation: "talks" is now old
        memo.put(key, 0)
    assert "talks" in memo.old and memo.get("talks") == 1
    assert "talks" in memo.young  # found in the old one, it moved back
    for key in ("d", "e"):
        memo.put(key, 0)
    assert memo.get("talks") == 1 and memo.get("a") is None


def test_none_is_a_remembered_answer_with_a_sentinel():
    memo = Generations(10)
    memo.put("no sector", None)
    assert memo.get("no sector", MISSING) is None
    assert memo.get("never asked", MISSING) is MISSING


def test_the_agent_table_remembers_misses_and_stays_bounded():
    table = AgentTable()
    assert table.code("foreign minister") == table.code("foreign minister") is not None
    assert table.code("zzz qqq") is None and table._cache.get("zzz qqq", MISSING) is None
    for n in range(2 * table.CACHE_SIZE + 10):
        table.code(f"word{n}")
    assert len(table._cache) <= 2 * table.CACHE_SIZE
