"""`parley export`: every format read back (columns and values), on DuckDB and PostgreSQL,
and the exit codes and messages of `parley events` and `parley export`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import duckdb
import pytest

from parley.api import export
from parley.cli import EXIT_DATABASE, EXIT_OK, EXIT_USAGE, main
from parley.corpus.exports.common import event_id, split_code
from parley.corpus.exports.gdelt import GDELT_COLUMNS
from parley.corpus.exports.icews import ICEWS_COLUMNS
from parley.corpus.query import EVENT_COLUMNS, FLAT_COLUMNS, Filters

from .test_query import DOCUMENTS, EVENTS, KEYS, corpus_url

HAPPENED = {"consult", "request", "protest", "assault", "aid"}  # not the negated AGREE, not the future THREATEN
ID_TO_LABEL = {event_id(key): label for label, key in KEYS.items()}

# the PLOVER manual's JSON record fields, its entity object's and its location object's
PLOVER_FIELDS = {
    "id",
    "has_event",
    "date",
    "time",
    "enddate",
    "endtime",
    "actor",
    "recipient",
    "event",
    "event_loc",
    "event_text",
    "quad_code",
    "event_scale",
    "mode",
    "context",
    "link",
    "text",
    "text_info",
    "cite_info",
    "coder",
    "coded_date",
    "coded_time",
    "comment",
}
PLOVER_ENTITY = {
    "code",
    "sector",
    "entity_text",
    "identifier_id",
    "identifier_text",
    "religion",
    "ethnicity",
    "office",
    "gender",
    "age",
}
PLOVER_LOCATION = {
    "extracted_place",
    "resolved_place",
    "geonameid",
    "lat",
    "lon",
    "city",
    "district",
    "province",
    "country",
    "country_code",
    "feature_class",
    "feature_code",
    "resolution",
}
PLOVER_TEXT = {"sequence", "start", "end", "text_story"}
PLOVER_CITE = {
    "corpus",
    "citation",
    "url",
    "title",
    "language",
    "publication",
    "license",
    "copyright",
    "coder",
    "codebook",
    "version",
}


@pytest.fixture(params=["duckdb", "postgresql"])
def corpus(request, tmp_path) -> str:
    return corpus_url(request, tmp_path)


def exported(fmt: str, url: str, filters: Filters | None = None) -> str:
    out = io.StringIO()
    export(fmt, out, filters, db=url)
    return out.getvalue()


def test_gdelt(corpus):
    text = exported("gdelt", corpus)
    lines = text.split("\n")
    assert lines.pop() == "" and len(GDELT_COLUMNS) == 61
    rows = {}
    for line in lines:
        fields = line.split("\t")
        assert len(fields) == 61
        row = dict(zip(GDELT_COLUMNS, fields))
        rows[ID_TO_LABEL[int(row["GlobalEventID"])]] = row
    assert set(rows) == HAPPENED
    consult = rows["consult"]
    assert (consult["Day"], consult["MonthYear"], consult["Year"]) == ("20250227", "202502", "2025")
    assert float(consult["FractionDate"]) == pytest.approx(2025 + 57 / 365, abs=1e-4)
    assert (consult["Actor1Code"], consult["Actor1CountryCode"], consult["Actor1Type1Code"]) == ("USAGOV", "USA", "GOV")
    assert (consult["Actor2Code"], consult["Actor2CountryCode"], consult["Actor2Name"]) == ("RUSGOV", "RUS", "RUSSIA")
    assert (consult["EventCode"], consult["EventBaseCode"], consult["EventRootCode"]) == ("044", "044", "04")
    assert (consult["QuadClass"], float(consult["GoldsteinScale"]), consult["IsRootEvent"]) == ("1", 2.5, "1")
    assert (consult["NumMentions"], consult["NumSources"], consult["NumArticles"], consult["AvgTone"]) == (
        "2",
        "2",
        "2",
        "",
    )
    assert (consult["ActionGeo_Type"], consult["ActionGeo_CountryCode"], consult["ActionGeo_ADM1Code"]) == (
        "4",
        "TU",
        "TU34",
    )
    assert consult["ActionGeo_FullName"] == "Istanbul, Turkey" and consult["ActionGeo_FeatureID"] == "745044"
    assert float(consult["ActionGeo_Lat"]) == 41.01384 and float(consult["ActionGeo_Long"]) == 28.94966
    assert all(consult[f"Actor1Geo_{c}"] == consult[f"Actor2Geo_{c}"] == "" for c in ("Type", "CountryCode", "Lat"))
    assert consult["DATEADDED"] == "20250305123000" and consult["SOURCEURL"] == DOCUMENTS["ap"][2]
    assert rows["request"]["IsRootEvent"] == "0" and rows["request"]["EventBaseCode"] == "100"
    aid = rows["aid"]  # the UN: no country, type IGO, known group UNO; a country-level place
    assert (aid["Actor1Code"], aid["Actor1CountryCode"], aid["Actor1KnownGroupCode"], aid["Actor1Type1Code"]) == (
        "IGOUNO",
        "",
        "UNO",
        "IGO",
    )
    assert (aid["ActionGeo_Type"], aid["ActionGeo_CountryCode"], aid["ActionGeo_ADM1Code"]) == ("1", "UP", "UP")
    protest = rows["protest"]  # a US city
    assert (protest["ActionGeo_Type"], protest["ActionGeo_ADM1Code"]) == ("3", "USTX")
    assert protest["ActionGeo_FullName"] == "Austin, Texas, United States"
    assert rows["assault"]["SOURCEURL"] == "kharkiv-strike.txt"  # no URL: the document's id
    assert (rows["assault"]["ActionGeo_CountryCode"], rows["assault"]["Actor2CountryCode"]) == ("UP", "UKR")


def test_gdelt_follows_the_filters(corpus):
    lines = exported("gdelt", corpus, Filters(dyad="USA-RUS")).splitlines()
    assert {ID_TO_LABEL[int(line.split("\t")[0])] for line in lines} == {"consult", "request"}


@pytest.mark.parametrize(
    ("code", "country", "parts"),
    [
        ("USAGOV", "USA", ("USA", "", [], ["GOV"])),
        ("RUS", "RUS", ("RUS", "", [], [])),
        ("IGOUNO", "IGO", ("", "UNO", [], ["IGO"])),
        ("IGOWSTNAT", "IGO", ("", "NAT", [], ["IGO"])),
        ("IGOG7", "IGO", ("", "G7", [], ["IGO"])),
        ("NGOICRC", "NGO", ("", "ICRC", [], ["NGO"])),
        ("IRQREBMUSSHI", "IRQ", ("IRQ", "", ["MUS", "SHI"], ["REB"])),
        ("COP", None, ("", "", [], ["COP"])),
    ],
)
def test_actor_codes_split_as_gdelt_has_them(code, country, parts):
    got = split_code(code, country)
    assert (got["country"], got["group"], got["religions"], got["types"]) == parts


def test_icews(corpus):
    reader = csv.DictReader(io.StringIO(exported("icews", corpus)), delimiter="\t", quoting=csv.QUOTE_NONE)
    assert tuple(reader.fieldnames) == ICEWS_COLUMNS and len(ICEWS_COLUMNS) == 20
    rows = {ID_TO_LABEL[int(r["Event ID"])]: r for r in reader}
    assert set(rows) == HAPPENED
    consult = rows["consult"]
    assert consult["Event Date"] == "2025-02-27" and consult["CAMEO Code"] == "044"
    assert consult["Event Text"] == "Meet at a 'third' location" and float(consult["Intensity"]) == 2.5
    assert (consult["Source Name"], consult["Source Sectors"], consult["Source Country"]) == (
        "Government (United States)",
        "Government",
        "United States",
    )
    assert (consult["Target Country"], consult["Publisher"], consult["Sentence Number"]) == ("Russia", "AP", "1")
    assert (consult["City"], consult["Province"], consult["Country"]) == ("Istanbul", "", "Turkey")
    assert float(consult["Latitude"]) == 41.01384 and consult["Story ID"]
    aid = rows["aid"]
    assert (aid["Source Name"], aid["Source Country"], aid["Target Name"]) == ("United Nations", "", "Ukraine")
    assert (aid["City"], aid["Country"], aid["Sentence Number"]) == ("", "Ukraine", "3")
    assert (rows["protest"]["City"], rows["protest"]["Province"]) == ("Austin", "Texas")
    assert rows["protest"]["Source Name"] == "Civilian (United States)"


def test_plover(corpus):
    records = [json.loads(line) for line in exported("plover", corpus).splitlines()]
    by_label = {label: r for r in records for label, key in KEYS.items() if r["id"] == key}
    assert set(by_label) == HAPPENED
    for r in records:
        assert {"id", "date", "actor", "event"} <= set(r) <= PLOVER_FIELDS | {"parley"}
        for entity in r["actor"] + r["recipient"]:
            assert set(entity) <= PLOVER_ENTITY
        assert set(r["event_loc"]) <= PLOVER_LOCATION
        assert set(r["text_info"]) <= PLOVER_TEXT and set(r["cite_info"]) <= PLOVER_CITE
    consult = by_label["consult"]
    assert consult["event"] == ["CONSULT"] and consult["mode"] == ["third-party"]
    assert consult["context"] == ["diplomatic"] and consult["quad_code"] == 1 and consult["date"] == "2025-02-27"
    assert [(a["code"], a["sector"]) for a in consult["actor"]] == [("USA", "GOV"), ("RUS", "GOV")]
    assert consult["recipient"] == []  # reciprocal: every party is an actor, as PLOVER has it
    assert consult["event_loc"]["country_code"] == "TUR" and consult["event_loc"]["resolution"] == 4
    assert consult["event_text"] == [EVENTS["consult"][14][0][2]]
    assert consult["cite_info"]["url"] == DOCUMENTS["ap"][2] and consult["cite_info"]["publication"] == "AP"
    assert consult["parley"]["cameo"] == "044" and consult["parley"]["num_articles"] == 2
    request = by_label["request"]
    assert [a["code"] for a in request["actor"]] == ["USA"] and [a["code"] for a in request["recipient"]] == ["RUS"]
    assert request["mode"] == [] and request["parley"]["issues"] == ["embassy_staffing"]
    protest = by_label["protest"]  # CAMEO's root 14 is verbal conflict in GDELT's quads, PLOVER's PROTEST material
    assert (protest["quad_code"], protest["parley"]["cameo"][:2], protest["parley"]["quad_class"]) == (4, "14", 3)
    assert by_label["aid"]["actor"][0]["code"] == "UNO"  # the UN's own PLOVER code
    assert by_label["aid"]["event_loc"]["resolution"] == 1


def test_csv(corpus):
    reader = csv.DictReader(io.StringIO(exported("csv", corpus)))
    assert tuple(reader.fieldnames) == FLAT_COLUMNS and FLAT_COLUMNS[: len(EVENT_COLUMNS)] == EVENT_COLUMNS
    rows = {r["event_key"]: r for r in reader}
    assert set(rows) == set(KEYS.values())  # the flat table: every event, negated and future ones too
    not_agree, threat = rows[KEYS["not_agree"]], rows[KEYS["threat"]]
    assert (not_agree["negated"], not_agree["reciprocal"], not_agree["cameo"]) == ("true", "true", "032")
    assert (threat["status"], threat["date"], threat["place_country"]) == ("future", "", "")
    consult = rows[KEYS["consult"]]
    assert json.loads(consult["contexts"]) == ["diplomatic"] and consult["date"] == "2025-02-27"
    assert (consult["num_articles"], consult["place_geonameid"], consult["goldstein"]) == ("2", "745044", "2.5")
    # names beside codes, and the evidence of the first report: sentence, document, title, URL, publisher
    assert (consult["cameo_name"], consult["actor_party_name"], consult["place_country_name"]) == (
        "Meet at a 'third' location",
        "United States",
        "Turkey",
    )
    assert consult["sentence"] == EVENTS["consult"][14][0][2]
    assert (consult["title"], consult["url"], consult["source"], consult["published"]) == (
        DOCUMENTS["ap"][3],
        DOCUMENTS["ap"][2],
        "AP",
        "2025-02-28",
    )
    aid = rows[KEYS["aid"]]
    assert (aid["actor_party"], aid["actor_party_name"], aid["recipient_party"]) == ("UN", "United Nations", "UKR")


def test_parquet(corpus, tmp_path):
    path = tmp_path / "events.parquet"
    assert export("parquet", str(path), Filters(place="TUR"), db=corpus) == 3
    con = duckdb.connect()
    try:
        rel = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        columns = [d[0] for d in rel.description]
        rows = [dict(zip(columns, r)) for r in rel.fetchall()]
        types = dict(
            con.execute(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))", [str(path)]
            ).fetchall()
        )
    finally:
        con.close()
    assert tuple(columns) == FLAT_COLUMNS
    assert [r["event_key"] for r in rows] == [
        KEYS[k] for k in sorted(["consult", "request", "not_agree"], key=lambda k: (EVENTS[k][5], KEYS[k]))
    ]
    assert (types["date"], types["negated"], types["goldstein"]) == ("DATE", "BOOLEAN", "DOUBLE")
    assert (types["contexts"], types["issues"], types["published"]) == ("VARCHAR[]", "VARCHAR[]", "DATE")
    assert rows[0]["cameo"] == "044" and rows[0]["place_lat"] == 41.01384
    assert rows[0]["contexts"] == ["diplomatic"] and rows[0]["issues"] == ["diplomatic_mission_operations"]
    assert not (tmp_path / "events.parquet.part").exists()


def test_parquet_straight_into_pandas(corpus, tmp_path):
    """pandas reads parley's Parquet in parley's own environment (pyarrow), lists as lists."""
    import pandas as pd

    path = tmp_path / "events.parquet"
    assert export("parquet", str(path), db=corpus) == len(EVENTS)
    frame = pd.read_parquet(path).set_index("event_key")
    assert len(frame) == len(EVENTS) and list(frame.loc[KEYS["assault"], "contexts"]) == ["military"]
    assert frame.loc[KEYS["request"], "sentence"] == EVENTS["request"][14][0][2]
    assert frame.loc[KEYS["aid"], "actor_party"] == "UN"
    assert export("parquet", str(path), Filters(since="2030-01-01"), db=corpus) == 0
    assert pd.read_parquet(path).empty and tuple(pd.read_parquet(path).columns) == FLAT_COLUMNS


def test_parquet_needs_a_file(corpus):
    with pytest.raises(ValueError, match="-o FILE"):
        export("parquet", io.StringIO(), db=corpus)


def run(capsys, args: list[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_events_and_export(capsys, corpus, tmp_path):
    status, out, err = run(capsys, ["events", "--db", corpus, "--dyad", "RUS-USA", "--type", "consult"])
    assert status == EXIT_OK and err == ""
    assert "USAGOV+RUSGOV" in out and "Istanbul, Turkey" in out and "2/2" in out and out.endswith("1 event\n")
    assert "United States+Russia" in out and "044 Meet at a 'third' location" in out
    status, out, _ = run(capsys, ["events", "--db", corpus, "--actor", "Russia", "--quad", "4", "--text", "glide"])
    assert status == EXIT_OK and "RUSMIL -> UKR" in out and out.endswith("1 event\n")
    status, out, _ = run(capsys, ["events", "--db", corpus, "--format", "jsonl", "--place", "UKR"])
    assert status == EXIT_OK and [json.loads(line)["cameo"] for line in out.splitlines()] == ["195", "073"]
    status, out, _ = run(capsys, ["events", "--db", corpus, "--format", "csv", "--since", "2025-03-02"])
    assert status == EXIT_OK and len(list(csv.DictReader(io.StringIO(out)))) == 2
    target = tmp_path / "out.tsv"
    status, out, _ = run(capsys, ["export", "--db", corpus, "--format", "gdelt", "-o", str(target), "--actor", "RUS"])
    assert status == EXIT_OK and out == ""
    assert [len(line.split("\t")) for line in target.read_text(encoding="utf-8").splitlines()] == [61, 61]


def test_cli_missing_database(capsys, tmp_path):
    missing = tmp_path / "nowhere" / "parley.duckdb"
    for args in (["events"], ["export", "--format", "csv"]):
        status, out, err = run(capsys, [*args, "--db", str(missing)])
        assert status == EXIT_DATABASE and out == ""
        assert err == f"parley: no database at {missing}; run parley ingest first\n"
    assert not missing.exists() and not missing.parent.exists()


def test_cli_default_database_from_environment(capsys, monkeypatch, tmp_path):
    missing = tmp_path / "env.duckdb"
    monkeypatch.setenv("PARLEY_DB", str(missing))
    status, _, err = run(capsys, ["events"])
    assert status == EXIT_DATABASE and str(missing) in err and not missing.exists()


def test_cli_unreachable_postgresql(capsys):
    status, out, err = run(capsys, ["events", "--db", "postgresql://parley:secret@127.0.0.1:1/parley"])
    assert status == EXIT_DATABASE and out == ""
    assert err.startswith("parley: postgresql://parley:***@127.0.0.1:1/parley: cannot connect")
    assert err.count("\n") == 1 and "secret" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["events", "--actor", "USA' OR 1=1 --"], "parley: unknown actor"),
        (["events", "--actor", "Rusia"], "parley: unknown actor 'Rusia'; did you mean Russia (RUS)?"),
        (["events", "--place", "Istambul"], "parley: unknown place 'Istambul'; did you mean Istanbul?"),
        (["events", "--dyad", "USA-RUS'; DROP TABLE events; --"], "parley: bad dyad"),
        (["events", "--type", "MEET"], "parley: unknown event type 'MEET'"),
        (["export", "--format", "icews", "--since", "last week"], "parley: bad --since date"),
        (["export", "--format", "parquet"], "parley: parquet is binary: give an output file with -o FILE"),
    ],
)
def test_cli_bad_filters(capsys, corpus, args, message):
    status, out, err = run(capsys, [*args, "--db", corpus])
    assert status == EXIT_USAGE and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_cli_bad_filter_before_missing_database(capsys, tmp_path):
    status, _, err = run(capsys, ["events", "--cameo", "4", "--db", str(tmp_path / "none.duckdb")])
    assert status == EXIT_USAGE and "bad CAMEO code" in err


def test_cli_unwritable_output(capsys, corpus, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "out.csv"
    status, out, err = run(capsys, ["export", "--db", corpus, "--format", "csv", "-o", str(target)])
    assert status == EXIT_USAGE and out == "" and err == f"parley: {target}: No such file or directory\n"


def test_cli_runs_as_a_program(corpus):
    proc = subprocess.run(
        [sys.executable, "-m", "parley", "export", "--format", "plover", "--db", corpus, "--cameo", "19"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stderr == ""
    assert [json.loads(line)["event"] for line in proc.stdout.splitlines()] == [["ASSAULT"]]
