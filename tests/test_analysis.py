"""Analyses of a real corpus (the bundled examples) and of planted series, on DuckDB and PostgreSQL:
dyad series, alerts, the network, the Istanbul negotiation agenda, and their CLI faces."""

from __future__ import annotations

import datetime as dt
import json
import xml.dom.minidom

import pandas as pd
import pytest

from parley import api
from parley.cli import EXIT_DATABASE, EXIT_OK, EXIT_USAGE, main
from parley.corpus.sources import ReadOptions
from parley.corpus.store import EVENT_COLUMNS, open_store
from parley.nlp.vocab.stances import stance

from .conftest import EXAMPLES

BACKENDS = ["duckdb_url", "pg_store_url"]
MONDAY = dt.date(2025, 1, 6)


@pytest.fixture(params=BACKENDS)
def db(request) -> str:
    return request.getfixturevalue(request.param)


@pytest.fixture
def corpus(db, pipeline) -> str:
    """The bundled examples ingested into a fresh database."""
    api.ingest([str(EXAMPLES)], db, read=ReadOptions(date=dt.date(2025, 2, 28)), pipeline=pipeline)
    return db


@pytest.fixture
def examples_db(duckdb_url, pipeline) -> str:
    api.ingest([str(EXAMPLES)], duckdb_url, read=ReadOptions(date=dt.date(2025, 2, 28)), pipeline=pipeline)
    return duckdb_url


def _plant(url: str, events: list[tuple[str, dt.date, int, str, str]]) -> None:
    """Store synthetic events (key, date, quad class, actor country, recipient country) through the schema."""
    rows, dyads, parties = [], [], []
    for key, day, quad, actor, recipient in events:
        row = dict.fromkeys(EVENT_COLUMNS)
        row.update(
            event_key=key,
            event_type="CONSULT" if quad <= 2 else "ASSAULT",
            cameo="040" if quad <= 2 else "190",
            cameo_root="04" if quad <= 2 else "19",
            quad_class=quad,
            goldstein=1.0 if quad <= 2 else -10.0,
            date=day,
            status="factual",
            negated=False,
            reciprocal=False,
            actor_country=actor,
            recipient_country=recipient,
            contexts="[]",
            issues="[]",
            confidence=1.0,
            num_mentions=1,
            num_sources=1,
            num_articles=1,
            first_doc_key="planted",
            added_at=dt.datetime(2025, 4, 1),
        )
        rows.append(tuple(row[c] for c in EVENT_COLUMNS))
        dyads.append((key, actor, recipient))
        parties += [(key, "actor", 0, actor, actor, actor), (key, "recipient", 0, recipient, recipient, recipient)]
    store = open_store(url)
    try:
        store.insert("events", EVENT_COLUMNS, rows)
        store.insert("event_dyads", ("event_key", "actor_country", "recipient_country"), dyads)
        store.insert("event_actors", ("event_key", "role", "position", "text", "code", "country"), parties)
    finally:
        store.close()


def _weekly(prefix: str, counts: list[int], quads: list[int], actor: str, recipient: str) -> list[tuple]:
    return [
        (f"{prefix}-{week}-{i}", MONDAY + dt.timedelta(weeks=week, days=i % 5), quads[week], actor, recipient)
        for week, n in enumerate(counts)
        for i in range(n)
    ]


def test_istanbul_agenda_follows_each_issue(corpus):
    agenda = api.agenda("usa", "RUS", db=corpus).set_index("issue")
    status = agenda["status"].to_dict()
    assert status["embassy_staffing"] == "open"  # demanded by the US
    assert status["direct_flights"] == "open"  # proposed by Russia
    assert status["banking_access_for_diplomats"] == "open"  # raised by the US
    assert status["diplomatic_property"] == "stalled"  # discussed, then no final agreement yet
    assert status["diplomatic_mission_operations"] == "agreed"
    assert agenda.loc["embassy_staffing", "raised_by"] == ["USA"]
    assert agenda.loc["direct_flights", "raised_by"] == ["RUS"]
    history = agenda.loc["diplomatic_property", "history"]
    assert history[-1]["stance"] == "not agreed" and history[-1]["negated"]  # "have not yet reached final agreements"
    assert all(not e["negated"] for e in history[:-1])
    flights = agenda.loc["direct_flights", "history"][0]
    assert (
        flights["by"] == ["RUS"] and flights["trigger"] == "proposed" and flights["date"] == "2025-02-27"
    )  # at the talks
    assert "direct flights" in flights["sentence"] and flights["doc_key"] and flights["event_key"]
    assert agenda.loc["embassy_staffing", "first_date"] == pd.Timestamp("2025-02-27")
    assert api.agenda("USA", "JPN", db=corpus).empty


def test_dyad_series_counts_each_stored_event_once(corpus):
    store = open_store(corpus)
    try:
        stored = store.scalar(
            "SELECT count(*) FROM events e WHERE NOT e.negated AND e.status = 'factual'"
            " AND e.event_key IN (SELECT event_key FROM event_dyads WHERE actor_country IN"
            " ('USA', 'RUS') AND recipient_country IN ('USA', 'RUS'))"
        )
        usa_to_rus = store.scalar(
            "SELECT count(*) FROM events e JOIN event_dyads y ON y.event_key = e.event_key"
            " WHERE NOT e.negated AND y.actor_country = 'USA' AND y.recipient_country = 'RUS'"
        )
    finally:
        store.close()
    series = api.dyad_series("USA", "RUS", by="day", db=corpus)
    assert stored == 5 and series["events"].sum() == stored
    assert series[["quad1", "quad2", "quad3", "quad4"]].sum(axis=1).tolist() == series["events"].tolist()
    assert series[["agree", "consult", "request"]].sum().sum() == stored
    assert series["period"].tolist() == [pd.Timestamp("2025-02-27")]  # every act of the talks, on their day
    assert api.dyad_series("USA", "RUS", directed=True, db=corpus)["events"].sum() == usa_to_rus
    week = api.dyad_series("RUS", "USA", db=corpus)
    assert len(week) == 1 and week.loc[0, "period"] == pd.Timestamp("2025-02-24")  # weeks start on Monday
    balance = (week.loc[0, "quad1"] + week.loc[0, "quad2"] - week.loc[0, "quad3"] - week.loc[0, "quad4"]) / stored
    assert week.loc[0, "balance"] == pytest.approx(balance)
    assert week.loc[0, "goldstein_mean"] == pytest.approx(week.loc[0, "goldstein_sum"] / stored)
    assert api.dyad_series("USA", "RUS", since="2025-03-01", db=corpus).empty


def test_dyad_series_fills_empty_periods(duckdb_url):
    _plant(duckdb_url, _weekly("x", [2, 0, 0, 1], [1, 1, 1, 4], "USA", "RUS"))
    series = api.dyad_series("USA", "RUS", db=duckdb_url)
    assert series["events"].tolist() == [2, 0, 0, 1]
    assert series["balance"].tolist() == [1.0, 0.0, 0.0, -1.0]
    assert series["period"].diff().dropna().eq(pd.Timedelta(weeks=1)).all()
    assert api.dyad_series("RUS", "USA", directed=True, db=duckdb_url).empty
    assert api.dyad_series("USA", db=duckdb_url, by="month")["events"].tolist() == [3]


def test_alerts_find_a_planted_spike_and_turn(db):
    quiet = [1, 2] * 5
    _plant(db, _weekly("s", quiet + [9], [1] * 11, "USA", "RUS") + _weekly("t", [3] * 11, [4] * 10 + [1], "PHL", "CHN"))
    found = api.alerts(db=db)
    assert found[["dyad", "kind"]].values.tolist() == [["RUS-USA", "spike"], ["CHN-PHL", "turn"]]
    spike, turn = found.iloc[0], found.iloc[1]
    assert spike["period"] == pd.Timestamp(MONDAY + dt.timedelta(weeks=10))
    assert spike["events"] == 9 and spike["baseline"] == pytest.approx(1.5) and spike["score"] == pytest.approx(7.5)
    assert sorted(spike["event_keys"]) == sorted(f"s-10-{i}" for i in range(9))
    assert turn["baseline"] == pytest.approx(-1.0) and turn["score"] == pytest.approx(2.0)
    assert api.alerts(threshold=10, db=db)["kind"].tolist() == ["turn"]
    assert len(api.alerts(since=MONDAY + dt.timedelta(weeks=10, days=3), db=db)) == 2
    assert api.alerts(until=MONDAY + dt.timedelta(weeks=10, days=-1), db=db).empty


def test_network_edges_and_signs(corpus):
    edges = api.network(db=corpus).set_index(["actor", "recipient"])
    assert edges.loc[("JPN", "SDN"), "sign"] == 1 and edges.loc[("AZE", "ARM"), "sign"] == -1
    assert edges.loc[("CHN", "PHL"), ["cooperation", "conflict"]].tolist() == [1, 1]
    assert (edges["cooperation"] + edges["conflict"] == edges["events"]).all()
    assert edges["goldstein_mean"].mul(edges["events"]).round(6).equals(edges["goldstein_sum"].round(6))
    busy = api.network(min_events=3, db=corpus)
    assert list(busy.index) == list(range(len(busy))) and (busy["events"] >= 3).all()
    assert len(busy) < len(edges)


def test_stances_from_trigger_lemma_then_type():
    assert [stance(w, "AGREE") for w in ("proposed", "demanding", "agreed", "refuses", "talks", "reached")] == [
        "proposed",
        "demanded",
        "agreed",
        "rejected",
        "discussed",
        "agreed",
    ]
    assert stance("met", "CONSULT") == "discussed" and stance("shelled", "ASSAULT") == "raised"
    assert stance("warned", "REQUEST") == "demanded"


def test_cli_prints_writes_and_fails_cleanly(examples_db, tmp_path, capsys):
    assert main(["agenda", "USA", "RUS", "--db", examples_db]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["issue", "status", "first", "last", "raised", "by"]
    assert any(line.split()[:2] == ["diplomatic_property", "stalled"] for line in out)
    assert "    2025-02-27 not agreed USA+RUS  reached" in out
    assert main(["agenda", "USA", "RUS", "--db", examples_db, "--json"]) == EXIT_OK
    issues = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {i["issue"]: i["status"] for i in issues}["direct_flights"] == "open"

    csv, svg, png = tmp_path / "dyad.csv", tmp_path / "dyad.svg", tmp_path / "dyad.png"
    assert (
        main(
            [
                "dyad",
                "USA",
                "RUS",
                "--db",
                examples_db,
                "--by",
                "day",
                "--csv",
                str(csv),
                "--svg",
                str(svg),
                "--png",
                str(png),
            ]
        )
        == 0
    )
    assert "2025-02-27" in capsys.readouterr().out
    assert pd.read_csv(csv)["events"].sum() == 5
    assert xml.dom.minidom.parse(str(svg)).documentElement.tagName == "svg"
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5_000
    assert main(["network", "--db", examples_db, "--csv", "-"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("actor,recipient,events,goldstein_sum")
    assert main(["alerts", "--db", examples_db]) == EXIT_OK
    assert capsys.readouterr().out.strip() == "(none)"

    for argv, status in (
        (["dyad", "USAX", "RUS", "--db", examples_db], EXIT_USAGE),
        (["agenda", "USA", "RUS", "--db", str(tmp_path / "missing.duckdb")], EXIT_DATABASE),
        (["network", "--db", examples_db, "--csv", str(tmp_path / "no" / "x.csv")], EXIT_USAGE),
    ):
        assert main(argv) == status
        err = capsys.readouterr().err
        assert err.startswith("parley: ") and len(err.strip().splitlines()) == 1
