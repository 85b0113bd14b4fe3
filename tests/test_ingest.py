"""`parley ingest` into a real DuckDB file and a real PostgreSQL server: idempotence,
provenance, story clusters and merged events, bad items, and a run killed with SIGKILL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.api import ingest
from parley.cli import EXIT_DATABASE, EXIT_INPUT_FAILED, main
from parley.corpus.store import open_store

from .conftest import EXAMPLES, ROOT

BACKENDS = ["duckdb_url", "pg_store_url"]
WIRE = (EXAMPLES / "istanbul-talks.txt").read_text(encoding="utf-8")


def _corpus(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _content(url: str) -> dict[str, set]:
    """Everything a run stored, less ingestion times: what two runs must agree on."""
    store = open_store(url)
    try:
        return {
            "documents": set(store.query("SELECT doc_key, doc_id, source, story_id, n_events FROM documents")[1]),
            "events": set(
                store.query("SELECT event_key, event_type, cameo, num_mentions, num_sources, num_articles FROM events")[
                    1
                ]
            ),
            "actors": set(store.query("SELECT event_key, role, position, code FROM event_actors")[1]),
            "dyads": set(store.query("SELECT * FROM event_dyads")[1]),
            "mentions": set(store.query("SELECT mention_id, event_key, doc_key, trigger_start FROM mentions")[1]),
        }
    finally:
        store.close()


@pytest.fixture(params=BACKENDS)
def db(request) -> str:
    return request.getfixturevalue(request.param)


def test_ingest_twice_adds_nothing(db, pipeline):
    first = ingest([str(EXAMPLES)], db, pipeline=pipeline)
    stored = _content(db)
    second = ingest([str(EXAMPLES)], db, pipeline=pipeline)
    assert first.new == 6 and first.failed == 0 and first.mentions > 20
    assert second.new == 0 and second.present == 6 and second.mentions == 0
    assert _content(db) == stored


def test_every_mention_keeps_its_evidence(db, pipeline):
    ingest([str(EXAMPLES)], db, pipeline=pipeline)
    store = open_store(db)
    try:
        _, rows = store.query(
            "SELECT m.sentence, m.sentence_start, m.trigger_text, m.trigger_start, m.trigger_end,"
            " m.actors, d.n_events FROM mentions m JOIN documents d ON d.doc_key = m.doc_key"
        )
        n_events = store.scalar("SELECT sum(n_events) FROM documents")
    finally:
        store.close()
    assert len(rows) == n_events
    for sentence, start, trigger, t_start, t_end, actors, _ in rows:
        assert sentence[t_start - start : t_end - start] == trigger
        parties = json.loads(actors)  # an act the text gives no agent for ("was attacked") has none
        assert set(parties) == {"actors", "recipients"}
    assert sum(bool(json.loads(r[5])["actors"]) for r in rows) > len(rows) / 2


def test_wire_copies_form_one_story_and_one_event(db, pipeline, tmp_path):
    copy = WIRE.replace("the US State Department said on Friday", "a State Department spokesman told reporters")
    corpus = _corpus(
        tmp_path / "wire.jsonl",
        [
            {"id": "ap", "text": WIRE, "date": "2025-02-28", "source": "AP"},
            {"id": "reuters", "text": copy, "date": "2025-02-28", "source": "Reuters"},
            {
                "id": "other",
                "text": "Kenyan police arrested dozens of protesters in Nairobi on Tuesday.",
                "date": "2025-02-28",
                "source": "AP",
            },
        ],
    )
    ingest([str(corpus)], db, pipeline=pipeline)
    store = open_store(db)
    try:
        stories = dict(store.query("SELECT doc_id, story_id FROM documents")[1])
        _, meetings = store.query(
            "SELECT num_mentions, num_sources, num_articles FROM events"
            " WHERE cameo_root = '04' AND place_name = 'Istanbul'"
        )
    finally:
        store.close()
    assert stories["ap"] == stories["reuters"] != stories["other"]
    # each copy tells the meeting twice: "met in Istanbul" and, at it, what "was also discussed"
    assert meetings and all(m == (4, 2, 2) for m in meetings)


def test_bad_items_are_reported_and_skipped(db, pipeline, tmp_path, capsys):
    corpus = tmp_path / "mixed.jsonl"
    corpus.write_text(
        json.dumps({"id": "ok", "text": "Russian troops attacked Kharkiv on Monday."})
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "empty", "text": "  "})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    status = main(["ingest", str(corpus), str(tmp_path / "empty.txt"), "--db", db, "--date", "2025-02-28"])
    out, err = capsys.readouterr()
    assert status == EXIT_INPUT_FAILED
    assert "documents: 1 new, 0 already present, 3 failed" in out
    assert len([line for line in err.splitlines() if line.startswith("parley: ")]) == 3


def test_a_database_that_cannot_be_opened_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    status = main(["ingest", str(EXAMPLES), "--db", str(blocker / "sub" / "parley.duckdb")])
    err = capsys.readouterr().err
    assert status == EXIT_DATABASE and err.startswith("parley: ") and len(err.strip().splitlines()) == 1


def _killed_midway(corpus: Path, db: str) -> None:
    """Run `parley ingest` in a child process and SIGKILL it soon after its first batch is stored."""
    open_store(db).close()  # migrated (and, for DuckDB, checkpointed) before the child starts
    child = subprocess.Popen([sys.executable, "-m", "parley", "ingest", str(corpus), "--db", db, "--quiet"], cwd=ROOT)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and child.poll() is None and not _written(db):
            time.sleep(0.1)
        time.sleep(0.5)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()


def _written(db: str) -> bool:
    """Whether a batch has been committed; DuckDB locks its file, so its write-ahead log is watched."""
    if not db.startswith("postgresql"):
        return Path(db + ".wal").exists()
    store = open_store(db)
    try:
        return store.scalar("SELECT count(*) FROM documents") > 0
    finally:
        store.close()


def test_a_killed_run_resumes_to_the_same_content(db, pipeline, tmp_path, request):
    texts = [line for line in (EXAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    records = [
        dict(json.loads(t), id=f"{json.loads(t)['id']}-{i}", text=json.loads(t)["text"] + f" (item {i})")
        for i in range(40)
        for t in texts
    ]
    corpus = _corpus(tmp_path / "corpus.jsonl", records)
    reference = request.getfixturevalue("duckdb_url").replace(".duckdb", "-reference.duckdb")
    ingest([str(corpus)], reference, pipeline=pipeline)
    _killed_midway(corpus, db)
    partial = _content(db)["documents"]
    assert 0 < len(partial) < len(records)  # it was killed in the middle
    subprocess.run([sys.executable, "-m", "parley", "ingest", str(corpus), "--db", db, "--quiet"], cwd=ROOT, check=True)
    assert _content(db) == _content(reference)


def test_organisations_keep_their_own_codes_in_dyads(db, pipeline, tmp_path):
    """The UN, the EU, NATO and the AU are parties of their own in dyads (and so in the network
    and in dyad filters), never one "IGO" node."""
    from parley.api import Filters, events, network

    corpus = _corpus(
        tmp_path / "igos.jsonl",
        [
            {"id": "nato", "date": "2025-03-01", "text": "NATO condemned Russia on Monday."},
            {"id": "eu", "date": "2025-03-01", "text": "The European Union imposed sanctions on Russia."},
            {"id": "un", "date": "2025-03-01", "text": "The United Nations criticised the United States."},
            {"id": "au", "date": "2025-03-01", "text": "The African Union urged Sudan to talk."},
        ],
    )
    ingest([str(corpus)], db, pipeline=pipeline)
    store = open_store(db)
    try:
        pairs = set(store.query("SELECT actor_country, recipient_country FROM event_dyads")[1])
    finally:
        store.close()
    assert {("NATO", "RUS"), ("EU", "RUS"), ("UN", "USA"), ("AU", "SDN")} <= pairs
    assert not any("IGO" in pair for pair in pairs)
    edges = network(db=db).set_index(["actor", "recipient"])
    assert edges.loc[("EU", "RUS"), "actor_name"] == "European Union" and ("IGO", "RUS") not in edges.index
    assert set(events(Filters(dyad="NATO-Russia"), db=db)["actor_party"]) == {"NATO"}
    assert set(events(Filters(actor="the African Union"), db=db)["recipient_party_name"]) == {"Sudan"}
