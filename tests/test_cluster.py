"""Coding at scale: spaCy memory zones keep a long stream's memory flat, a run on a Dask
LocalCluster stores exactly what a single process stores, and `--out` writes Parquet files
partitioned by date, idempotently and safe against a crash."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from parley.api import ingest
from parley.cli import EXIT_CLUSTER, EXIT_OK, main
from parley.corpus.cluster import ClusterPipeline, peak_memory, warm
from parley.corpus.store import open_store
from parley.nlp.document import Document

from .conftest import EXAMPLES

TABLES = ("documents", "doc_bands", "events", "event_actors", "event_dyads", "mentions")
STAMPS = {"documents": "ingested_at", "events": "added_at"}


@pytest.fixture(scope="module")
def cluster() -> Iterator:
    """A local Dask cluster of two worker processes with their pipelines loaded."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as local, Client(local) as client:
        assert len(set(client.run(warm).values())) == 2
        yield local, client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The examples and 24 variants of them (near-duplicates: stories span tasks) as JSON Lines."""
    records = [json.loads(line) for line in (EXAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    records += [dict(r, id=f"{r['id']}-{i}", text=f"{r['text']} (update {i})") for i in range(6) for r in records[:4]]
    path = tmp_path_factory.mktemp("cluster") / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _rows(url: str) -> dict[str, list[tuple]]:
    """Every stored row of every table, less ingestion times, in a fixed order."""
    store = open_store(url)
    try:
        return {
            t: sorted(
                store.query(f"SELECT * EXCLUDE ({STAMPS[t]}) FROM {t}" if t in STAMPS else f"SELECT * FROM {t}")[1],
                key=repr,
            )
            for t in TABLES
        }
    finally:
        store.close()


def test_memory_zones_free_a_streams_strings_and_change_nothing(patterns):
    texts = [f"The Zorblatt{i} ministry of Quenvia{i} condemned the Vexmoor{i} militia on Tuesday." for i in range(40)]
    strings = patterns.nlp.vocab.strings
    before = len(strings)
    zoned = [
        e.to_dict()
        for d in patterns((Document(str(i), t) for i, t in enumerate(texts)), free_memory=True)
        for e in d.events
    ]
    assert len(strings) == before  # the new words were freed with their zone
    plain = [e.to_dict() for d in patterns(Document(str(i), t) for i, t in enumerate(texts)) for e in d.events]
    assert zoned == plain and len(zoned) == len(texts)


def test_a_cluster_run_stores_what_a_single_process_stores(cluster, corpus, pipeline, tmp_path):
    _, client = cluster
    single, clustered = str(tmp_path / "single.duckdb"), str(tmp_path / "cluster.duckdb")
    ingest([str(corpus)], single, pipeline=pipeline)
    summary = ingest([str(corpus)], clustered, pipeline=ClusterPipeline(client, task_docs=3))
    assert summary.new == 29 and summary.failed == 0
    expected = _rows(single)
    assert _rows(clustered) == expected and len(expected["events"]) > 20
    again = ingest([str(corpus)], clustered, pipeline=ClusterPipeline(client, task_docs=3))
    assert again.new == 0 and again.present == 29 and _rows(clustered) == expected
    assert all(0 < peak < 4 * 2**30 for peak in client.run(peak_memory).values())


def test_parley_ingest_on_a_running_scheduler(cluster, corpus, pg_store_url, pipeline, tmp_path):
    local, _ = cluster
    reference = str(tmp_path / "single.duckdb")
    ingest([str(corpus)], reference, pipeline=pipeline)
    assert (
        main(["ingest", str(corpus), "--db", pg_store_url, "--scheduler", local.scheduler_address, "--quiet"])
        == EXIT_OK
    )
    assert _mentions(pg_store_url) == _mentions(reference) and len(_mentions(reference)) > 20


def _mentions(url: str) -> list[tuple]:
    store = open_store(url)
    try:
        return sorted(store.query("SELECT mention_id, event_key, doc_key, trigger_start, actors FROM mentions")[1])
    finally:
        store.close()


def test_an_unreachable_scheduler_is_a_clear_error(corpus, tmp_path, capsys):
    code = main(
        ["ingest", str(corpus), "--db", str(tmp_path / "x.duckdb"), "--scheduler", "tcp://127.0.0.1:9", "--quiet"]
    )
    err = capsys.readouterr().err.strip()
    assert code == EXIT_CLUSTER
    assert err.startswith("parley: cannot reach the Dask scheduler tcp://127.0.0.1:9") and "\n" not in err


def _parquet(root: Path, table: str) -> list[tuple]:
    files = list((root / table).glob("*/*.parquet"))
    return (
        sorted(
            duckdb.sql(f"SELECT * EXCLUDE (published_date) FROM read_parquet({[str(f) for f in files]})").fetchall(),
            key=repr,
        )
        if files
        else []
    )


def test_parquet_output_is_partitioned_by_date_idempotent_and_crash_safe(corpus, pipeline, tmp_path):
    out, reference = tmp_path / "out", str(tmp_path / "single.duckdb")
    ingest([str(corpus)], reference, pipeline=pipeline)
    first = ingest([str(corpus)], out=str(out), pipeline=pipeline)
    assert first.new == 29
    stored = _rows(reference)
    assert {p.name for p in (out / "documents").iterdir()} == {
        f"published_date={r[5].isoformat() if r[5] else 'unknown'}" for r in stored["documents"]
    }
    mentions = _parquet(out, "mentions")
    assert mentions == stored["mentions"]
    assert {r[0] for r in _parquet(out, "events")} == {r[0] for r in stored["events"]}
    # a crash while a batch was written leaves files without the batch's marker: they go
    orphan = out / "mentions" / "published_date=2025-01-01" / f"part-{uuid.uuid4().hex[:20]}.parquet"
    orphan.parent.mkdir()
    orphan.write_bytes((next((out / "mentions").glob("*/*.parquet"))).read_bytes())
    again = ingest([str(corpus)], out=str(out), pipeline=pipeline)
    assert again.new == 0 and again.present == 29
    assert not orphan.exists() and _parquet(out, "mentions") == mentions


def test_ingest_refuses_db_and_out_together(corpus, tmp_path, capsys):
    assert main(["ingest", str(corpus), "--db", str(tmp_path / "x.duckdb"), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "parley: give either --db or --out, not both"
