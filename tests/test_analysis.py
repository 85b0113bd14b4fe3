"""Analyses of a real corpus (the bundled examples) and of planted series, on DuckDB and PostgreSQL:
dyad series, alerts, the network, the Istanbul negotiation agenda, and their CLI faces."""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.dom.minidom

import pandas as pd
import pytest

from parley import api
from parley.cli import EXIT_DATABASE, EXIT_OK, EXIT_USAGE, main
from parley.corpus.sources import ReadOptions
from parley.corpus.store import EVENT_COLUMNS, open_store
from parley.nlp.document import PLOVER_TYPES
from parley.nlp.vocab import country_names
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


def _plant(
    url: str,
    events: list[tuple[str, dt.date, int, str, str]],
    published: list[dt.date] | None = None,
    status: str = "factual",
) -> None:
    """Store synthetic events (key, date, quad class, actor country, recipient country) through the
    schema, and one document published on each event's day and on each day of `published`:
    the coverage."""
    rows, dyads, parties = [], [], []
    days = sorted({day for _, day, *_ in events} | set(published or ()))
    documents = [
        (f"doc-{day}", f"doc-{day}", "planted", day, f"doc-{day}", 100, 1, 1, "00", dt.datetime(2025, 4, 1))
        for day in days
    ]
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
            status=status,
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
        store.insert(
            "documents",
            (
                "doc_key",
                "doc_id",
                "source",
                "published",
                "story_id",
                "n_chars",
                "n_sentences",
                "n_events",
                "signature",
                "ingested_at",
            ),
            documents,
        )
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
            " WHERE NOT e.negated AND e.status = 'factual' AND y.actor_country = 'USA' AND y.recipient_country = 'RUS'"
        )
        first, last = store.query("SELECT min(published), max(published) FROM documents")[1][0]
    finally:
        store.close()
    series = api.dyad_series("USA", "RUS", by="day", db=corpus)
    # the example's factual USA-RUS acts: met, agreed (twice), demanded, proposed; what "was also
    # discussed" at the Istanbul meeting is that meeting told again (same parties, day, place, code)
    assert stored == 5 and series["events"].sum() == stored
    # the series covers the documents' coverage, day by day: no day left out, none added
    assert series["period"].tolist() == list(pd.date_range(first, last, freq="D"))
    covered = series[series["events"].notna()]
    assert covered[["quad1", "quad2", "quad3", "quad4"]].sum(axis=1).tolist() == covered["events"].tolist()
    assert series[["agree", "consult", "request"]].sum().sum() == stored
    assert series.loc[series["events"] > 0, "period"].tolist() == [pd.Timestamp("2025-02-27")]  # the talks' day
    gaps = series["events"].isna()  # a day without documents (or counted events) is a gap, not a zero
    assert (series.loc[gaps, "documents"] == 0).all() and (series.loc[~gaps, "documents"] > 0).sum() == 6
    assert api.dyad_series("USA", "RUS", directed=True, db=corpus)["events"].sum() == usa_to_rus
    week = api.dyad_series("Russia", "United States", since="2025-02-24", until="2025-03-02", db=corpus)
    assert len(week) == 1 and week.loc[0, "period"] == pd.Timestamp("2025-02-24")  # weeks start on Monday
    balance = (week.loc[0, "quad1"] + week.loc[0, "quad2"] - week.loc[0, "quad3"] - week.loc[0, "quad4"]) / stored
    assert week.loc[0, "balance"] == pytest.approx(balance)
    assert week.loc[0, "goldstein_mean"] == pytest.approx(week.loc[0, "goldstein_sum"] / stored)
    assert api.dyad_series("USA", "RUS", since="2025-03-01", db=corpus).empty


def test_chart_totals_and_table_count_the_same_events(corpus):
    """The events a series counts are the events `events` lists with the same (counted) filters."""
    from parley.corpus.analysis.series import series_filters
    from parley.corpus.query import Filters

    for a, b, extra in (
        ("USA", "RUS", Filters()),
        ("USA", "RUS", Filters(event_type="REQUEST")),
        ("ARM", "AZE", Filters(quad="3,4")),
        ("Japan", None, Filters(status="any")),
        ("USA", "RUS", Filters(negated="any", text="istanbul")),
    ):
        series = api.dyad_series(a, b, by="month", filters=extra, db=corpus)
        listed = api.events(series_filters(a, b, filters=extra), db=corpus)
        assert series["events"].sum() == len(listed) > 0, (a, b, extra)
        assert series["goldstein_sum"].sum() == pytest.approx(listed["goldstein"].sum())
    # a type filter counts that type's column alone: every event of the series is a request
    asked = Filters(event_type="REQUEST")
    request = api.dyad_series("USA", "RUS", filters=asked, db=corpus)
    listed = api.events(series_filters("USA", "RUS", filters=asked), db=corpus)
    assert request["events"].sum() == request["request"].sum() == len(listed) > 0
    assert "consult" not in request.columns


def test_dyad_series_gaps_zeros_and_exact_range(duckdb_url):
    # documents in weeks 0, 1 and 3; events in weeks 0 and 3: week 1 is zero, week 2 a gap
    _plant(duckdb_url, _weekly("x", [2, 0, 0, 1], [1, 1, 1, 4], "USA", "RUS"), [MONDAY + dt.timedelta(weeks=1)])
    series = api.dyad_series("USA", "RUS", db=duckdb_url)
    assert series["events"].tolist() == [2, 0, pd.NA, 1]
    assert series["documents"].tolist() == [2, 1, 0, 1]
    assert series["goldstein_mean"].tolist()[0] == 1.0 and series["goldstein_mean"].isna().tolist() == [
        False,
        True,
        True,
        False,
    ]  # no mean without events: never a Goldstein 0
    assert series["goldstein_sum"].tolist()[:2] == [2.0, 0.0] and pd.isna(series["goldstein_sum"][2])
    assert series["balance"].tolist()[0] == 1.0 and series["balance"].tolist()[3] == -1.0
    assert series["period"].diff().dropna().eq(pd.Timedelta(weeks=1)).all()
    assert api.dyad_series("RUS", "USA", directed=True, db=duckdb_url)["events"].sum() == 0
    assert api.dyad_series("USA", db=duckdb_url, by="month")["events"].tolist() == [3]
    # exactly since..until, even beyond the coverage (a gap there)
    asked = api.dyad_series("USA", "RUS", by="month", since="2024-11-15", until="2025-02-10", db=duckdb_url)
    assert asked["period"].dt.strftime("%Y-%m").tolist() == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert asked["events"].tolist() == [pd.NA, pd.NA, 3, pd.NA]
    quarters = api.dyad_series("USA", "RUS", by="quarter", since="2024-10-01", until="2025-06-30", db=duckdb_url)
    assert quarters["period"].dt.strftime("%Y-%m").tolist() == ["2024-10", "2025-01", "2025-04"]
    assert quarters["events"].tolist() == [pd.NA, 3, pd.NA]
    years = api.dyad_series("USA", "RUS", by="year", db=duckdb_url)
    assert years["period"].tolist() == [pd.Timestamp("2025-01-01")] and years["events"].tolist() == [3]


def test_a_historical_or_old_event_never_stretches_a_series(duckdb_url):
    """ "The embargo since 1962": an event dated long before the documents' coverage, historical or
    not, is not counted by default, so the series spans the coverage only."""
    _plant(duckdb_url, _weekly("x", [2, 1], [1, 4], "USA", "CUB"))
    _plant(duckdb_url, [("embargo", dt.date(1962, 2, 7), 4, "USA", "CUB")], status="historical")
    _plant(duckdb_url, [("old", dt.date(1962, 3, 7), 4, "USA", "CUB")])
    store = open_store(duckdb_url)
    try:
        store.execute("DELETE FROM documents WHERE published < ?", [dt.date(2000, 1, 1)])  # reported in 2025
    finally:
        store.close()
    series = api.dyad_series("USA", "CUB", db=duckdb_url)
    assert series["period"].min() == pd.Timestamp(MONDAY) and len(series) == 2 and series["events"].sum() == 3
    everything = api.dyad_series(
        "USA", "CUB", by="year", filters=api.Filters(coverage=False, status="any"), db=duckdb_url
    )
    assert everything["period"].min() == pd.Timestamp("1962-01-01") and everything["events"].sum() == 5
    assert everything["events"].iloc[1:-1].isna().all()  # the years between: gaps, not zeros


def test_several_dyads_on_one_axis(corpus):
    both = api.many_series(["USA-RUS", ("Armenia", "Azerbaijan")], by="month", db=corpus)
    assert both["dyad"].unique().tolist() == ["USA-RUS", "ARM-AZE"]
    one, other = (both[both["dyad"] == d].reset_index(drop=True) for d in ("USA-RUS", "ARM-AZE"))
    assert one["period"].tolist() == other["period"].tolist()  # one period axis
    assert one["events"].sum() == api.dyad_series("USA", "RUS", by="month", db=corpus)["events"].sum() == 5
    assert other["events"].sum() == api.dyad_series("ARM", "AZE", by="month", db=corpus)["events"].sum()
    # a type that only the other dyad has: zero where this one's period is no gap, missing where it is
    types = [t.lower() for t in PLOVER_TYPES if t.lower() in both.columns]
    assert set(types) - set(api.dyad_series("ARM", "AZE", by="month", db=corpus).columns)  # some ARM-AZE lacks
    for column in types:
        assert (both[column].isna() == both["events"].isna()).all()
    table = api.many_series(["USA-RUS", ("Armenia", "Azerbaijan")], by="month", db=corpus, as_frame=False)
    assert table.columns == list(both.columns) and len(table.rows) == len(both)


def test_country_month_panel(duckdb_url):
    events = _weekly("x", [2, 0, 0, 1], [1, 1, 1, 4], "USA", "RUS") + [
        ("y", dt.date(2025, 3, 3), 3, "CHN", "USA"),
    ]
    _plant(duckdb_url, events)
    panel = api.panel(db=duckdb_url)
    assert panel.columns.tolist()[:4] == ["country", "country_name", "period", "documents"]
    assert panel[["country", "period"]].astype(str).values.tolist() == [
        [c, p] for c in ("CHN", "RUS", "USA") for p in ("2025-01-01", "2025-02-01", "2025-03-01")
    ]  # balanced: every country, every month
    usa = panel[panel["country"] == "USA"].set_index(panel["period"].dt.strftime("%Y-%m")[panel["country"] == "USA"])
    assert usa.loc["2025-01", ["events", "quad1", "quad4"]].tolist() == [3, 2, 1]  # weeks 0 and 3 of January
    assert usa.loc["2025-01", "goldstein_sum"] == -8.0 and usa.loc["2025-01", "goldstein_mean"] == pytest.approx(-8 / 3)
    assert pd.isna(usa.loc["2025-02", "events"]) and usa.loc["2025-02", "documents"] == 0  # no documents: a gap
    assert usa.loc["2025-03", ["events", "quad3"]].tolist() == [1, 1]
    chn = panel[panel["country"] == "CHN"]
    assert chn["events"].sum() == 1 and pd.isna(chn["goldstein_mean"].iloc[0])  # zero events: no mean
    actors = api.panel(role="actor", db=duckdb_url)
    assert set(actors["country"]) == {"USA", "CHN"} and actors["events"].sum() == 4
    assert api.panel(by="quarter", filters=api.Filters(quad=4), db=duckdb_url)["events"].sum() == 2  # USA and RUS


def test_alerts_find_a_planted_spike_and_turn(db):
    quiet = [1, 2] * 5
    _plant(db, _weekly("s", quiet + [9], [1] * 11, "USA", "RUS") + _weekly("t", [3] * 11, [4] * 10 + [1], "PHL", "CHN"))
    found = api.alerts(db=db)
    assert found[["dyad", "kind"]].values.tolist() == [["RUS-USA", "spike"], ["CHN-PHL", "turn"]]
    assert found["dyad_name"].tolist() == ["Russia – United States", "China – Philippines"]
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
    assert capsys.readouterr().out.startswith("actor,actor_name,recipient,recipient_name,events,goldstein_sum")
    assert main(["panel", "--db", examples_db, "--by", "year", "--type", "ASSAULT", "--csv", "-"]) == EXIT_OK
    panel = pd.read_csv(io.StringIO(capsys.readouterr().out))
    listed = api.events(
        api.Filters(event_type="ASSAULT", status="factual", negated="no"), db=examples_db, as_frame=False
    )
    states = country_names()
    per_country = sum(
        len({p["country"] for p in e["actors"] + e["recipients"] if p["country"] in states}) for e in listed
    )
    assert panel["events"].sum() == per_country > 0  # an event counts once for each of its countries
    assert main(["alerts", "--db", examples_db]) == EXIT_OK
    assert capsys.readouterr().out.strip() == "(none)"
    several = tmp_path / "several.svg"
    argv = ["dyad", "USA-RUS", "Armenia-Azerbaijan", "--db", examples_db, "--by", "month", "--svg", str(several)]
    assert main([*argv, "--csv", "-"]) == EXIT_OK
    both = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(both["dyad"]) == {"USA-RUS", "ARM-AZE"} and both.loc[both["dyad"] == "USA-RUS", "events"].sum() == 5
    assert xml.dom.minidom.parse(str(several)).getElementsByTagName("polyline")
    assert main(["dyad", "USA", "RUS", "CHN", "--db", examples_db]) == EXIT_USAGE
    assert "give one or two parties" in capsys.readouterr().err

    for argv, status in (
        (["dyad", "USAX", "RUS", "--db", examples_db], EXIT_USAGE),
        (["agenda", "USA", "RUS", "--db", str(tmp_path / "missing.duckdb")], EXIT_DATABASE),
        (["network", "--db", examples_db, "--csv", str(tmp_path / "no" / "x.csv")], EXIT_USAGE),
    ):
        assert main(argv) == status
        err = capsys.readouterr().err
        assert err.startswith("parley: ") and len(err.strip().splitlines()) == 1
