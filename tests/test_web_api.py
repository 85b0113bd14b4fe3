"""The REST API through FastAPI's TestClient: filters, pagination, errors, documents, analysis
endpoints, the token-guarded ingest endpoint, and `parley serve`'s defaults."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from parley.api import events
from parley.cli import EXIT_DATABASE, build_parser, main, serve_config
from parley.corpus.query import Filters
from parley.web import create_app


@pytest.fixture(scope="module")
def client(web_db) -> TestClient:
    return TestClient(create_app(web_db), base_url="http://localhost")


def test_events_match_the_cli_filters(client, web_db):
    for params, filters in (
        ({"dyad": "USA-RUS"}, Filters(dyad="USA-RUS")),
        ({"type": "assault"}, Filters(event_type="ASSAULT")),
        ({"actor": "RUS", "since": "2025-02-20"}, Filters(actor="RUS", since="2025-02-20")),
        ({"a": "ignored", "actor": "Russia", "quad": "1,2"}, Filters(actor="RUS", quad=[1, 2])),
        ({"place": "Istanbul", "sort": "goldstein:desc"}, Filters(place="Istanbul", sort="-goldstein")),
        (
            {"text": "istanbul", "status": "factual", "negated": "no"},
            Filters(text="Istanbul", status="factual", negated="no"),
        ),
        ({"goldstein_max": -5, "complete": "true"}, Filters(goldstein_max=-5, complete=True)),
        (
            {"country": "Turkey", "coverage": "true", "min_confidence": 0.5},
            Filters(country="TUR", coverage=True, min_confidence=0.5),
        ),
    ):
        body = client.get("/api/events", params=params).json()
        expected = list(events(filters, db=web_db, as_frame=False))
        assert body["total"] == len(expected) > 0
        assert [e["event_key"] for e in body["events"]] == [e["event_key"] for e in expected]
        assert body["events"][0]["mentions"][0]["sentence"]


def test_pagination(client):
    whole = client.get("/api/events", params={"limit": 1000}).json()
    assert whole["total"] == len(whole["events"]) > 6
    first = client.get("/api/events", params={"limit": 3}).json()
    second = client.get("/api/events", params={"limit": 3, "offset": 3}).json()
    assert (first["limit"], first["offset"], second["offset"]) == (3, 0, 3)
    assert first["total"] == second["total"] == whole["total"]
    keys = [e["event_key"] for e in first["events"] + second["events"]]
    assert keys == [e["event_key"] for e in whole["events"][:6]]
    assert client.get("/api/events", params={"offset": whole["total"]}).json()["events"] == []


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"dyad": "USA"}, 400, "bad dyad"),
        ({"type": "HUG"}, 400, "unknown event type"),
        ({"since": "yesterday"}, 400, "bad --since date"),
        ({"since": "2025-03-01", "until": "2025-01-01"}, 400, "is after"),
        ({"actor": "u$a"}, 400, "unknown actor"),
        ({"actor": "Rusia"}, 400, "unknown actor 'Rusia'; did you mean Russia (RUS)?"),
        ({"place": "Istambul"}, 400, "unknown place 'Istambul'; did you mean Istanbul?"),
        ({"quad": "7"}, 400, "bad quad class"),
        ({"goldstein_min": 20}, 422, "goldstein_min"),
        ({"sort": "nothing"}, 400, "cannot sort by"),
        ({"limit": 0}, 422, "limit"),
        ({"limit": 1001}, 422, "limit"),
        ({"offset": "x"}, 422, "offset"),
    ],
)
def test_bad_filters_are_4xx_with_one_line(client, params, status, says):
    response = client.get("/api/events", params=params)
    assert response.status_code == status
    detail = response.json()["detail"]
    assert isinstance(detail, str) and says in detail and "\n" not in detail


def test_documents_carry_their_evidence(client):
    event = client.get("/api/events", params={"dyad": "USA-RUS", "limit": 1}).json()["events"][0]
    doc = client.get(f"/api/documents/{event['mentions'][0]['doc_key']}").json()
    assert doc["doc_id"] == event["mentions"][0]["doc_id"] and len(doc["mentions"]) == doc["n_events"]
    for m in doc["mentions"]:
        offset = m["sentence_start"]
        assert m["sentence"][m["trigger"]["start"] - offset : m["trigger"]["end"] - offset] == m["trigger"]["text"]
        for party in m["actors"] + m["recipients"]:
            if party["start"] is not None:
                assert m["sentence"][party["start"] - offset : party["end"] - offset] == party["text"]
    missing = client.get("/api/documents/no-such-document")
    assert missing.status_code == 404 and "no document" in missing.json()["detail"]


def test_actors_count_events(client):
    body = client.get("/api/actors").json()
    counts = {r["country"]: r["events"] for r in body["countries"]}
    for country in ("USA", "RUS"):
        keys = {
            e["event_key"]
            for role in ("actor", "recipient")
            for e in client.get("/api/events", params={role: country, "limit": 1000}).json()["events"]
        }
        assert counts[country] == len(keys) > 0
    assert all(r["code"] for r in body["actors"])
    names = {r["country"]: r["name"] for r in body["countries"]}
    assert names["USA"] == "United States" and names["RUS"] == "Russia" and "IGO" not in names


def test_analysis_endpoints(client):
    series = client.get("/api/dyads/usa/RUS/series", params={"by": "month"}).json()
    assert (series["a"], series["b"], series["by"]) == ("USA", "RUS", "month")
    assert (series["a_name"], series["b_name"]) == ("United States", "Russia")
    assert sum(r["events"] or 0 for r in series["series"]) == series["total"] > 0
    assert {"period", "documents", "events", "quad1", "quad4", "goldstein_sum", "goldstein_mean"} <= set(
        series["series"][0]
    )
    named = client.get("/api/dyads/United States/Russia/series", params={"by": "month"}).json()
    assert named["series"] == series["series"]
    assert client.get("/api/dyads/USA/RUS/series", params={"by": "year"}).json()["series"][-1]["events"] == 5
    assert client.get("/api/dyads/USA/RUS/series", params={"by": "decade"}).status_code == 422
    too_long = client.get("/api/dyads/USA/RUS/series", params={"by": "day", "since": "1900-01-01"})
    assert too_long.status_code == 400 and "more than 10,000 days" in too_long.json()["detail"]
    unknown = client.get("/api/dyads/USA/XXX/series")
    assert unknown.status_code == 400 and "unknown country 'XXX'; did you mean" in unknown.json()["detail"]
    assert "issues" in client.get("/api/agenda/USA/RUS").json()
    assert "alerts" in client.get("/api/alerts", params={"min_events": 1}).json()
    edges = client.get("/api/network").json()["edges"]
    assert edges and {"actor", "actor_name", "recipient", "recipient_name", "events"} <= set(edges[0])
    several = client.get("/api/series", params={"dyads": "USA-RUS,Armenia-Azerbaijan", "by": "month"}).json()
    assert several["dyads"] == ["USA-RUS", "ARM-AZE"] and {r["dyad"] for r in several["series"]} == set(
        several["dyads"]
    )
    panel = client.get("/api/panel", params={"by": "year", "type": "ASSAULT"}).json()["panel"]
    assert panel and {"country", "country_name", "period", "events", "quad4", "goldstein_mean"} <= set(panel[0])
    types = client.get("/api/types").json()
    assert types["descriptions"]["CONSULT"].startswith("meet")


def test_chart_and_table_count_the_same_events(client):
    """The dashboard's series (chart and header) and its event table, asked with the same filters,
    count the same events: the series' defaults are what the table is asked for explicitly."""
    for params in ({}, {"type": "REQUEST"}, {"quad": "3,4"}, {"status": "any", "negated": "any"}):
        series = client.get("/api/dyads/USA/RUS/series", params={"by": "week", **params}).json()
        counted = {k: v for k, v in series["counted"].items()}
        table = client.get(
            "/api/events",
            params={
                "dyad": "USA-RUS",
                "status": ",".join(counted["status"]),
                "negated": counted["negated"],
                "coverage": str(counted["coverage"]).lower(),
                "limit": 1000,
                **params,
            },
        ).json()
        assert series["total"] == table["total"] == len(table["events"]), params


def test_downloads_of_any_filtered_view(client, tmp_path):
    import csv
    import io

    import pandas as pd

    params = {"dyad": "USA-RUS", "type": "REQUEST,CONSULT"}
    listed = client.get("/api/events", params={**params, "limit": 1000}).json()
    got = client.get("/api/events.csv", params=params)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert 'filename="events.csv"' in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["event_key"] for r in rows] == [e["event_key"] for e in listed["events"]] and rows
    assert all(r["sentence"] and r["cameo_name"] and r["actor_party_name"] for r in rows)
    got = client.get("/api/events.parquet", params=params)
    assert got.status_code == 200 and got.content[:4] == b"PAR1"
    path = tmp_path / "events.parquet"
    path.write_bytes(got.content)
    frame = pd.read_parquet(path)
    assert frame["event_key"].tolist() == [e["event_key"] for e in listed["events"]]
    assert all(isinstance(list(v), list) for v in frame["contexts"])
    assert client.get("/api/events.xlsx").status_code == 422
    assert client.get("/api/events.csv", params={"actor": "Rusia"}).status_code == 400
    series = client.get("/api/dyads/USA/RUS/series.csv", params={"by": "month"})
    assert series.status_code == 200 and series.text.startswith("period,documents,events,quad1")
    panel = client.get("/api/panel", params={"format": "parquet"})
    assert panel.status_code == 200 and panel.content[:4] == b"PAR1"


def test_schema_served_and_nothing_from_a_cdn(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/events", "/api/dyads/{a}/{b}/series", "/api/documents/{doc_key}"} <= set(schema["paths"])
    assert "/api/ingest" not in schema["paths"]
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace("http-equiv", "")


def test_ingest_needs_a_configured_token(duckdb_url, pipeline):
    article = {"id": "a1", "text": "Russia and Ukraine met in Istanbul on Monday.", "date": "2025-05-20"}
    assert TestClient(create_app(duckdb_url), base_url="http://localhost").post(
        "/api/ingest", json=article
    ).status_code in (404, 405)
    client = TestClient(create_app(duckdb_url, token="s3cret"), base_url="http://localhost")
    assert client.post("/api/ingest", json=article).status_code == 401
    wrong = client.post("/api/ingest", json=article, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["detail"]
    done = client.post("/api/ingest", json=[article], headers={"Authorization": "Bearer s3cret"})
    assert done.status_code == 200 and done.json()["new"] == 1 and done.json()["mentions"] >= 1
    again = client.post("/api/ingest", json=article, headers={"Authorization": "Bearer s3cret"}).json()
    assert (again["new"], again["present"]) == (0, 1)
    assert client.get("/api/events").json()["total"] >= 1
    bad = client.post("/api/ingest", json={"text": "no id"}, headers={"Authorization": "Bearer s3cret"})
    assert bad.status_code == 422 and "id" in bad.json()["detail"]


def test_serve_binds_loopback_unless_told(monkeypatch):
    monkeypatch.delenv("PARLEY_TOKEN", raising=False)
    config = serve_config(build_parser().parse_args(["serve"]))
    assert (config["host"], config["port"], config["token"]) == ("127.0.0.1", 8000, None)
    monkeypatch.setenv("PARLEY_TOKEN", "from-env")
    config = serve_config(build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"]))
    assert (config["host"], config["port"], config["token"]) == ("0.0.0.0", 9000, "from-env")


def test_serve_refuses_a_missing_database(tmp_path, capsys):
    assert main(["serve", "--db", str(tmp_path / "none.duckdb")]) == EXIT_DATABASE
    assert "no database" in capsys.readouterr().err
