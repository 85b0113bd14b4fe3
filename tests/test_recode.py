"""A corpus that can be re-coded, on a real DuckDB file and a real PostgreSQL server: stored text,
the coder version of every row, `parley recode` in place (dating undated documents, keeping
merged events and their counts right, one transaction per document), and the migration of a
database written before texts were kept."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from parley.api import ReadOptions, Selection, ingest, recode
from parley.cli import main
from parley.corpus.store import open_store
from parley.corpus.store.rows import decompress
from parley.nlp.version import coder_version

from .conftest import EXAMPLES
from .test_ingest import WIRE, _content, _corpus

DATE = dt.date(2025, 2, 28)


@pytest.fixture(params=["duckdb_url", "pg_store_url"], ids=["duckdb", "postgresql"])
def db(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(request.param)


def _rows(url: str, sql: str, params: list | None = None) -> list[tuple]:
    store = open_store(url)
    try:
        return store.query(sql, params or [])[1]
    finally:
        store.close()


def _consistent(url: str) -> None:
    """Every event has mentions and its counts are theirs; every mention's event exists."""
    assert not _rows(
        url,
        "SELECT event_key FROM events e WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.event_key = e.event_key)",
    )
    assert not _rows(
        url,
        "SELECT mention_id FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_key = m.event_key)",
    )
    for table in ("event_actors", "event_dyads"):
        assert not _rows(
            url,
            f"SELECT event_key FROM {table} t"
            " WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_key = t.event_key)",
        )
    counted = _rows(
        url,
        "SELECT e.event_key FROM events e JOIN (SELECT event_key, count(*) AS n, count(DISTINCT doc_key) AS docs"
        " FROM mentions GROUP BY event_key) c ON c.event_key = e.event_key"
        " WHERE c.n <> e.num_mentions OR c.docs <> e.num_articles",
    )
    assert not counted


def test_text_and_coder_version_are_stored(db: str, pipeline) -> None:
    ingest([str(EXAMPLES / "istanbul-talks.txt")], db, read=ReadOptions(date=DATE), pipeline=pipeline)
    ((text_z, version),) = _rows(db, "SELECT text_z, coder_version FROM documents")
    text = (EXAMPLES / "istanbul-talks.txt").read_text(encoding="utf-8")
    assert decompress(text_z).split() == text.split()
    assert len(bytes(text_z)) < len(text.encode()) / 1.5  # compressed
    assert version == coder_version() and version.startswith("0.")
    assert {v for (v,) in _rows(db, "SELECT coder_version FROM events")} == {version}
    assert {v for (v,) in _rows(db, "SELECT coder_version FROM mentions")} == {version}


def test_no_text_stores_none_and_recode_leaves_those_documents(db: str, pipeline) -> None:
    ingest([str(EXAMPLES)], db, pipeline=pipeline, keep_text=False)
    stored = _content(db)
    summary = recode(Selection(), db=db, pipeline=pipeline)
    assert summary.recoded == 0 and len(summary.no_text) == 6
    assert _content(db) == stored


def test_an_undated_ingest_is_dated_by_recode_as_a_dated_ingest_stores_it(
    db: str, pipeline, duckdb_url: str, tmp_path: Path
) -> None:
    undated = ingest([str(EXAMPLES)], db, pipeline=pipeline)
    assert undated.undated == 1  # istanbul-talks.txt carries no date of its own
    assert _rows(db, "SELECT count(*) FROM events WHERE date IS NULL")[0][0] > 0
    again = ingest([str(EXAMPLES)], db, read=ReadOptions(date=DATE), pipeline=pipeline)
    assert again.present == 6 and again.new == 0  # ingest cannot date it ...
    summary = recode(Selection(undated=True), date=DATE, db=db, pipeline=pipeline)  # ... recode can
    assert summary.recoded == 1 and summary.dated == 1
    assert summary.before["undated documents"] == 1 and summary.after["undated documents"] == 0
    assert _rows(db, "SELECT count(*) FROM events WHERE date IS NULL")[0][0] == 0
    reference = str(tmp_path / "dated.duckdb")
    ingest([str(EXAMPLES)], reference, read=ReadOptions(date=DATE), pipeline=pipeline)
    assert _content(db) == _content(reference)
    _consistent(db)


def test_recoding_everything_with_the_same_coder_changes_nothing(db: str, pipeline) -> None:
    ingest([str(EXAMPLES)], db, read=ReadOptions(date=DATE), pipeline=pipeline)
    stored = _content(db)
    summary = recode(db=db, pipeline=pipeline)
    assert summary.recoded == 6 and summary.before == summary.after
    assert _content(db) == stored
    _consistent(db)


def test_recoding_one_copy_keeps_the_merged_event_of_the_other(db: str, pipeline, tmp_path: Path) -> None:
    """Two wire copies report the same meeting: one event, two articles. Dating the undated copy
    and re-coding it moves its reports onto the dated copy's events: counts and first reports right."""
    copy = WIRE.replace("the US State Department said on Friday", "a State Department spokesman told reporters")
    corpus = _corpus(
        tmp_path / "wire.jsonl",
        [
            {"id": "ap", "text": WIRE, "date": "2025-02-28", "source": "AP"},
            {"id": "reuters", "text": copy, "source": "Reuters"},
        ],
    )
    ingest([str(corpus)], db, pipeline=pipeline)
    meeting = (
        "SELECT num_mentions, num_sources, num_articles, first_doc_key FROM events"
        " WHERE cameo_root = '04' AND place_name = 'Istanbul'"
    )
    before = _rows(db, meeting)
    # dated and undated: two events, each told twice ("met in Istanbul", what "was also discussed" there)
    assert before and all(row[:3] == (2, 1, 1) for row in before)
    recode(Selection(doc_ids=["reuters"]), date=DATE, db=db, pipeline=pipeline)
    after = _rows(db, meeting)
    assert after and all(row[:3] == (4, 2, 2) for row in after)
    ap = _rows(db, "SELECT doc_key FROM documents WHERE doc_id = 'ap'")[0][0]
    assert {first for *_, first in after} == {ap}
    assert len(set(_rows(db, "SELECT story_id FROM documents"))) == 1  # still one story
    _consistent(db)


def test_outdated_selects_what_another_coder_version_made(db: str, pipeline) -> None:
    ingest([str(EXAMPLES)], db, read=ReadOptions(date=DATE), pipeline=pipeline)
    store = open_store(db)
    store.execute("UPDATE documents SET coder_version = '0.0.1+old' WHERE doc_id LIKE '%istanbul-talks.txt'")
    store.execute("UPDATE mentions SET coder_version = '0.0.1+old'")
    store.close()
    summary = recode(Selection(outdated=True), db=db, pipeline=pipeline)
    assert summary.recoded == 1
    assert {v for (v,) in _rows(db, "SELECT DISTINCT coder_version FROM documents")} == {coder_version()}
    # events only the re-coded article reports carry the current version; others still those of their mentions
    versions = dict(_rows(db, "SELECT coder_version, count(*) FROM events GROUP BY coder_version"))
    assert set(versions) <= {coder_version(), "0.0.1+old", "mixed"} and versions.get(coder_version())
    _consistent(db)


def test_a_stopped_recode_leaves_each_document_whole(db: str, pipeline) -> None:
    ingest([str(EXAMPLES)], db, pipeline=pipeline)
    seen: list[int] = []

    def stop_after_one() -> None:
        seen.append(1)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        recode(Selection(), date=DATE, db=db, pipeline=pipeline, on_document=stop_after_one)
    assert seen == [1]
    versions = _rows(db, "SELECT count(*) FROM documents WHERE coder_version IS NOT NULL")[0][0]
    assert versions == 6  # all stored by this coder; one of them re-coded
    _consistent(db)
    recode(Selection(undated=True), date=DATE, db=db, pipeline=pipeline)
    _consistent(db)


def test_a_database_from_before_texts_were_kept_is_migrated(db: str, pipeline, monkeypatch) -> None:
    import parley.corpus.store

    shipped = parley.corpus.store.migrations
    monkeypatch.setattr(parley.corpus.store, "migrations", lambda dialect="": shipped(dialect)[:2])
    store = open_store(db)
    store.execute(
        "INSERT INTO documents (doc_key, doc_id, source, story_id, n_chars, n_sentences, n_events, signature,"
        " ingested_at) VALUES ('k', 'old.txt', 'local', 'k', 1, 1, 0, 'ab', CURRENT_TIMESTAMP)"
    )
    store.close()
    monkeypatch.setattr(parley.corpus.store, "migrations", shipped)
    assert _rows(db, "SELECT doc_id, text_z, coder_version FROM documents") == [("old.txt", None, None)]
    assert _rows(db, "SELECT max(version) FROM schema_migrations")[0][0] == shipped()[-1][0]
    summary = recode(Selection(outdated=True), db=db, pipeline=pipeline)
    assert summary.no_text == ["old.txt"] and summary.recoded == 0


def test_the_cli_warns_of_undated_ingests_and_recode_dates_them(duckdb_url: str, pipeline, capsys) -> None:
    assert main(["ingest", str(EXAMPLES), "--db", duckdb_url]) == 0
    err = capsys.readouterr().err
    assert "warning: 1 document stored without a publication date" in err and "parley recode --undated --date" in err
    assert main(["recode", "--undated", "--date", "2025-02-28", "--db", duckdb_url]) == 0
    out = capsys.readouterr().out
    assert "documents: 1 re-coded (1 newly dated), 0 without stored text" in out
    assert "undated documents 1 -> 0" in out
    assert main(["recode", "--db", str(Path(duckdb_url).with_name("missing.duckdb"))]) == 3
    assert "no database at" in capsys.readouterr().err


def test_recode_events_carry_the_version_in_exports(duckdb_url: str, pipeline, capsys) -> None:
    ingest([str(EXAMPLES / "istanbul-talks.txt")], duckdb_url, read=ReadOptions(date=DATE), pipeline=pipeline)
    assert main(["events", "--format", "jsonl", "--db", duckdb_url]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records and all(r["coder_version"] == coder_version() for r in records)


def test_the_http_api_gives_the_stored_text_and_counts_undated_posts(duckdb_url: str, pipeline) -> None:
    from fastapi.testclient import TestClient

    from parley.corpus.dedup import doc_key
    from parley.web import create_app

    client = TestClient(create_app(duckdb_url, token="s3cret"), base_url="http://localhost")
    done = client.post("/api/ingest", json={"id": "wire", "text": WIRE}, headers={"Authorization": "Bearer s3cret"})
    assert done.status_code == 200 and done.json()["new"] == 1 and done.json()["undated"] == 1
    doc = client.get(f"/api/documents/{doc_key(WIRE)}").json()
    assert doc["coder_version"] == coder_version() and doc["text"].split() == WIRE.split()
    assert doc["mentions"]
    for m in doc["mentions"]:  # the evidence's offsets point into the stored text
        assert doc["text"][m["sentence_start"] : m["sentence_start"] + len(m["sentence"])] == m["sentence"]
        assert doc["text"][m["trigger"]["start"] : m["trigger"]["end"]] == m["trigger"]["text"]
