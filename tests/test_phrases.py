"""The start-up cache: phrase patterns made from cached tokens build the same matchers as Docs
of the phrases do; the gazetteer read back is the one built; entries follow their sources."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from spacy.matcher import PhraseMatcher

from parley.nlp import cache, phrases
from parley.nlp.gazetteer import Gazetteer, gazetteer
from parley.nlp.vocab import actor_phrases, group_nouns, named_actors, people


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARLEY_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _keywords(matcher: PhraseMatcher, key: str) -> set[tuple[int, ...]]:
    """The patterns the matcher holds for a key, as the hashes it compares (what it pickles)."""
    docs = matcher.__reduce__()[1][1]
    return set(docs[key])


@pytest.mark.parametrize(
    ("table", "attr"),
    [(actor_phrases, "ORTH"), (lambda: {**named_actors(), **people()}, "LOWER"), (group_nouns, "LOWER")],
    ids=["actors", "names", "groups"],
)
def test_patterns_match_what_docs_of_the_phrases_match(pipeline, folder, table, attr) -> None:
    nlp, listed = pipeline.nlp, list(table())
    from_docs, from_cache = PhraseMatcher(nlp.vocab, attr=attr), PhraseMatcher(nlp.vocab, attr=attr)
    docs = list(nlp.tokenizer.pipe(listed))
    from_docs.add("K", docs)
    for _ in range(2):  # built, then read back from the cache
        from_cache = PhraseMatcher(nlp.vocab, attr=attr)
        from_cache.add("K", phrases.patterns(nlp, listed, "test", attr))
        assert _keywords(from_cache, "K") == _keywords(from_docs, "K")
    split = phrases.tokens(nlp, listed, "test")
    lowered = [" ".join(phrases.lower(nlp, w) for w in words) for words in split]
    assert lowered == [" ".join(t.lower_ for t in doc) for doc in docs]
    assert [" ".join(words) for words in phrases.lowered(nlp, split)] == lowered
    assert phrases.keywords(nlp, phrases.lowered(nlp, split), "ORTH") == phrases.keywords(nlp, split, "LOWER")
    # (the people table may have been read into the same folder: its own entry)
    assert [p.name for p in folder.glob("tokens-*")] == [f"tokens-test-{cache.digest(_parts(nlp, listed))}.pickle"]


def _parts(nlp, listed: list[str]) -> list[str]:
    import spacy

    meta = nlp.meta
    return [f"spacy {spacy.__version__}", f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}", *listed]


def test_an_entry_follows_its_sources_and_survives_damage(folder) -> None:
    built: list[int] = []

    def build(n: int):
        built.append(n)
        return {"n": n}

    assert cache.cached("x", ["a"], lambda: build(1)) == {"n": 1}
    assert cache.cached("x", ["a"], lambda: build(2)) == {"n": 1} and built == [1]  # read back
    assert cache.cached("x", ["b"], lambda: build(3)) == {"n": 3}  # another source: built again
    (entry,) = folder.glob("x-*.pickle")  # ... and the old entry is gone
    entry.write_bytes(b"not a pickle")
    assert cache.cached("x", ["b"], lambda: build(4)) == {"n": 4} and built == [1, 3, 4]
    assert pickle.loads(entry.read_bytes()) == {"n": 4}


def test_what_is_read_back_is_frozen_out_of_the_collectors_sight(folder) -> None:
    import gc

    cache.cached("x", ["a"], lambda: {"n": [1, 2]})
    gc.unfreeze()
    try:
        entry = cache.cached("x", ["a"], lambda: {"n": [3]})  # read back
        assert entry == {"n": [1, 2]} and gc.get_freeze_count() > 0
        assert not any(o is entry for o in gc.get_objects())  # no collection walks it again
    finally:
        gc.unfreeze()


def test_an_unwritable_cache_is_not_used(tmp_path, monkeypatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    monkeypatch.setenv("PARLEY_CACHE_DIR", str(blocked / "cache"))
    assert cache.cached("x", ["a"], lambda: 7) == 7 and cache.cached("x", ["a"], lambda: 8) == 8


def test_the_gazetteer_read_back_is_the_one_built(folder) -> None:
    gazetteer.cache_clear()
    try:
        first, built = gazetteer(), Gazetteer()
        gazetteer.cache_clear()
        again = gazetteer()  # from the disk cache
        assert again is not first and [p.name.split("-")[0] for p in folder.iterdir()] == ["gazetteer"]
        for g in (first, again):
            assert g.cities == built.cities and g.countries == built.countries and g.regions == built.regions
            assert g.adjectives == built.adjectives
    finally:
        gazetteer.cache_clear()


def test_the_people_read_back_are_those_read_from_the_tables(folder, tmp_path, monkeypatch) -> None:
    from parley.nlp.vocab import _read_people

    people.cache_clear()
    try:
        first = people()
        people.cache_clear()
        again = people()  # from the disk cache
        assert again is not first and again == first == _read_people() and len(again) > 20_000
        assert [p.name.split("-")[0] for p in folder.iterdir()] == ["people"]
        assert again["putin"] is again["vladimir putin"]  # one person behind each of its names
        users = tmp_path / "vocab"
        users.mkdir()
        (users / "people_own.tsv").write_text("name\taliases\tcodes\nJeanne Exemple\tExemple\tFRAGOV\n", "utf-8")
        monkeypatch.setenv("PARLEY_VOCAB_DIR", str(users))
        people.cache_clear()
        assert people()["exemple"].default == "FRAGOV"  # a changed table: the entry is built again
        assert len(list(folder.iterdir())) == 1
    finally:
        people.cache_clear()
