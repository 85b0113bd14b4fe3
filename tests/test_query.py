"""`parley events`: filters alone and combined, validation, injection attempts, event records,
on a small corpus written into real DuckDB and PostgreSQL databases."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest

from parley.api import events
from parley.corpus.names import party
from parley.corpus.query import FLAT_COLUMNS, Filters, counted, records, select
from parley.corpus.store import open_store

ADDED = dt.datetime(2025, 3, 5, 12, 30, 0)
ISTANBUL = ("Istanbul", "TUR", "34", 41.01384, 28.94966, 745044, "city")
KHARKIV = ("Kharkiv", "UKR", "07", 49.98177, 36.25475, 706483, "city")
UKRAINE = ("Ukraine", "UKR", None, 48.9, 31.2, 690791, "country")
AUSTIN = ("Austin", "USA", "TX", 30.26715, -97.74306, 4671654, "city")
NOWHERE = (None,) * 7

# doc label: doc_id, source, url, title, published
DOCUMENTS = {
    "ap": (
        "https://apnews.com/article/us-russia-istanbul-talks",
        "AP",
        "https://apnews.com/article/us-russia-istanbul-talks",
        "US and Russian diplomats meet in Istanbul",
        dt.date(2025, 2, 28),
    ),
    "reuters": (
        "reuters-20250228-istanbul",
        "Reuters",
        "https://www.reuters.com/world/us-russia-talks-istanbul",
        "U.S., Russia hold talks on embassies",
        dt.date(2025, 2, 28),
    ),
    "kyiv": ("kharkiv-strike.txt", "local", None, None, dt.date(2025, 3, 3)),
    "statesman": ("austin-rally.txt", "local", None, None, dt.date(2025, 3, 2)),
}
US = ("US delegation", "USAGOV", "USA", "GOV", "United States")
RU = ("Russian delegation", "RUSGOV", "RUS", "GOV", "Russia")
RU_MIL = ("Russian forces", "RUSMIL", "RUS", "MIL", "Russia")
UA = ("Ukraine", "UKR", "UKR", None, "Ukraine")
UN = ("the United Nations", "IGOUNO", "IGO", None, "United Nations")
PROTESTERS = ("protesters", "USACVL", "USA", "CVL", None)
TEXAS_GOV = ("the governor", "USAGOV", "USA", "GOV", None)

# event label: type, cameo, goldstein, quad, mode, date, status, negated, reciprocal, actors, recipients, place,
#              contexts, issues, mentions (doc, sentence index, sentence, trigger)
EVENTS = {
    "consult": (
        "CONSULT",
        "044",
        2.5,
        1,
        "third-party",
        dt.date(2025, 2, 27),
        "factual",
        False,
        True,
        [US, RU],
        [RU, US],
        ISTANBUL,
        ["diplomatic"],
        ["diplomatic_mission_operations"],
        [
            ("ap", 0, "US and Russian diplomats met in Istanbul on Thursday for six hours of talks.", "met"),
            ("reuters", 1, "The two delegations met at the residence of the US consul in Istanbul.", "met"),
        ],
    ),
    "request": (
        "REQUEST",
        "100",
        -5.0,
        3,
        None,
        dt.date(2025, 2, 28),
        "factual",
        False,
        False,
        [US],
        [RU],
        ISTANBUL,
        [],
        ["embassy_staffing"],
        [("ap", 3, "The US side demanded that Moscow lift limits on embassy staffing.", "demanded")],
    ),
    "not_agree": (
        "AGREE",
        "032",
        4.5,
        1,
        None,
        dt.date(2025, 2, 28),
        "factual",
        True,
        True,
        [US, RU],
        [RU, US],
        ISTANBUL,
        ["diplomatic"],
        [],
        [("reuters", 4, "The sides have not yet reached an agreement on the properties.", "reached")],
    ),
    "assault": (
        "ASSAULT",
        "195",
        -10.0,
        4,
        "heavy-weapons",
        dt.date(2025, 3, 2),
        "factual",
        False,
        False,
        [RU_MIL],
        [UA],
        KHARKIV,
        ["military"],
        [],
        [("kyiv", 0, "Russian forces struck Kharkiv with glide bombs on Sunday.", "struck")],
    ),
    "aid": (
        "AID",
        "073",
        7.4,
        2,
        None,
        dt.date(2025, 3, 3),
        "factual",
        False,
        False,
        [UN],
        [UA],
        UKRAINE,
        ["human_security"],
        [],
        [("kyiv", 2, "The United Nations delivered humanitarian aid to Ukraine.", "delivered")],
    ),
    "protest": (
        "PROTEST",
        "141",
        -6.5,
        3,
        "demo",
        dt.date(2025, 3, 1),
        "factual",
        False,
        False,
        [PROTESTERS],
        [TEXAS_GOV],
        AUSTIN,
        [],
        [],
        [("statesman", 1, "Thousands of protesters rallied against the governor in Austin, Texas.", "rallied")],
    ),
    "threat": (
        "THREATEN",
        "138",
        -7.0,
        3,
        "violence",
        None,
        "future",
        False,
        False,
        [RU_MIL],
        [UA],
        NOWHERE,
        ["military"],
        [],
        [("kyiv", 5, "Russian forces will threaten Ukraine with a new offensive.", "threaten")],
    ),
}
KEYS = {label: hashlib.sha256(label.encode()).hexdigest()[:32] for label in EVENTS}
DOC_KEYS = {label: hashlib.sha256(label.encode() + b"-doc").hexdigest() for label in DOCUMENTS}


def build_corpus(url: str) -> None:
    """Write the corpus above into the database at `url`, row by row as the schema has it."""
    store = open_store(url)
    try:
        with store.transaction():
            for label, (doc_id, source, doc_url, title, published) in DOCUMENTS.items():
                store.execute(
                    "INSERT INTO documents (doc_key, doc_id, source, url, title, published, story_id,"
                    " n_chars, n_sentences, n_events, signature, ingested_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        DOC_KEYS[label],
                        doc_id,
                        source,
                        doc_url,
                        title,
                        published,
                        DOC_KEYS[label],
                        1200,
                        8,
                        0,
                        "00" * 16,
                        ADDED,
                    ],
                )
            for label, event in EVENTS.items():
                _insert_event(store, KEYS[label], *event)
    finally:
        store.close()


def _insert_event(
    store,
    key,
    etype,
    cameo,
    goldstein,
    quad,
    mode,
    date,
    status,
    negated,
    reciprocal,
    actors,
    recipients,
    place,
    contexts,
    issues,
    mentions,
) -> None:
    docs = [m[0] for m in mentions]
    first = docs[0]
    flat = [x for party in (actors[0], recipients[0]) for x in party[1:]]
    store.execute(
        "INSERT INTO events (event_key, event_type, mode, cameo, cameo_root, quad_class, goldstein, date, end_date,"
        " date_precision, status, negated, reciprocal, actor_code, actor_country, actor_sector, actor_name,"
        " recipient_code, recipient_country, recipient_sector, recipient_name, place_name, place_country,"
        " place_admin1, place_lat, place_lon, place_geonameid, place_precision, contexts, issues, confidence,"
        " num_mentions, num_sources, num_articles, first_doc_key, first_url, added_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?)",
        [
            key,
            etype,
            mode,
            cameo,
            cameo[:2],
            quad,
            goldstein,
            date,
            None,
            "day" if date else None,
            status,
            negated,
            reciprocal,
            *flat,
            *place,
            json.dumps(contexts),
            json.dumps(issues),
            0.9,
            len(mentions),
            len({DOCUMENTS[d][1] for d in docs}),
            len(set(docs)),
            DOC_KEYS[first],
            DOCUMENTS[first][2],
            ADDED,
        ],
    )
    store.insert(
        "event_actors",
        ("event_key", "role", "position", "text", "code", "country", "sector", "name"),
        [
            (key, role, i, *party)
            for role, group in (("actor", actors), ("recipient", recipients))
            for i, party in enumerate(group)
        ],
    )
    keys = [(party(a[1], a[2]), party(r[1], r[2])) for a in actors for r in recipients]  # the UN keyed "UN"
    pairs = sorted({(a, r) for a, r in keys if a and r and a != r})
    store.insert("event_dyads", ("event_key", "actor_country", "recipient_country"), [(key, a, r) for a, r in pairs])
    for n, (doc, index, sentence, trigger) in enumerate(mentions):
        start = 100 * index
        at = start + sentence.index(trigger)
        parties = {
            "actors": [{"text": p[0], "code": p[1]} for p in actors],
            "recipients": [{"text": p[0], "code": p[1]} for p in recipients],
        }
        store.execute(
            "INSERT INTO mentions (mention_id, event_key, doc_key, sentence_index, sentence, sentence_start,"
            " trigger_text, trigger_start, trigger_end, actors, date_source, confidence, pattern)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                f"{key[:24]}{n:08d}",
                key,
                DOC_KEYS[doc],
                index,
                sentence,
                start,
                trigger,
                at,
                at + len(trigger),
                json.dumps(parties),
                "text",
                0.9,
                "verb rule",
            ],
        )


def corpus_url(request, tmp_path) -> str:
    """The URL of a new database holding the corpus: a DuckDB file, or a PostgreSQL database."""
    url = str(tmp_path / "corpus.duckdb") if request.param == "duckdb" else request.getfixturevalue("pg_store_url")
    build_corpus(url)
    return url


@pytest.fixture(params=["duckdb", "postgresql"])
def corpus(request, tmp_path) -> str:
    return corpus_url(request, tmp_path)


def labels(found) -> list[str]:
    """The labels of the events found: a DataFrame's rows or records, in their order."""
    by_key = {v: k for k, v in KEYS.items()}
    keys = list(found["event_key"]) if hasattr(found, "columns") else [r["event_key"] for r in found]
    return [by_key[k] for k in keys]


def in_order(*names: str) -> list[str]:
    """The events named, in the order the query gives: date (undated last), then key."""

    def key(name):
        date = EVENTS[name][5]
        return (date is None, date or dt.date.min, KEYS[name])

    return sorted(names, key=key)


CASES = [
    ({}, list(EVENTS)),
    ({"actor": "USA"}, ["consult", "request", "not_agree", "protest"]),
    ({"actor": "usagov"}, ["consult", "request", "not_agree"]),
    ({"actor": "RUS"}, ["consult", "not_agree", "assault", "threat"]),
    ({"actor": "IGOUNO"}, ["aid"]),
    ({"actor": "IGO"}, ["aid"]),
    ({"recipient": "RUS"}, ["consult", "request", "not_agree"]),
    ({"recipient": "UKR"}, ["assault", "aid", "threat"]),
    ({"recipient": "USAGOV"}, ["consult", "not_agree", "protest"]),
    ({"dyad": "USA-RUS"}, ["consult", "request", "not_agree"]),
    ({"dyad": "RUS-USA"}, ["consult", "request", "not_agree"]),
    ({"dyad": "ukr-rus"}, ["assault", "threat"]),
    ({"dyad": "USA-UKR"}, []),
    ({"event_type": "consult"}, ["consult"]),
    ({"event_type": "ASSAULT"}, ["assault"]),
    ({"cameo": "04"}, ["consult"]),
    ({"cameo": "044"}, ["consult"]),
    ({"cameo": "0441"}, []),
    ({"cameo": "14"}, ["protest"]),
    ({"since": "2025-03-01"}, ["protest", "assault", "aid"]),
    ({"until": "2025-02-28"}, ["consult", "request", "not_agree"]),
    ({"since": "2025-02-28", "until": "2025-02-28"}, ["request", "not_agree"]),
    ({"place": "TUR"}, ["consult", "request", "not_agree"]),
    ({"place": "UKR"}, ["assault", "aid"]),
    ({"actor": "USA", "event_type": "REQUEST"}, ["request"]),
    ({"dyad": "USA-RUS", "until": "2025-02-27"}, ["consult"]),
    ({"place": "UKR", "actor": "RUS"}, ["assault"]),
    ({"actor": "RUS", "recipient": "UKR", "since": "2025-01-01"}, ["assault"]),
    (
        {
            "actor": "USA",
            "recipient": "RUS",
            "cameo": "10",
            "place": "TUR",
            "dyad": "RUS-USA",
            "since": "2025-02-28",
            "until": "2025-02-28",
            "event_type": "request",
        },
        ["request"],
    ),
    # names beside codes: countries and organisations by name, places by name, regions
    ({"actor": "Russia"}, ["consult", "not_agree", "assault", "threat"]),
    ({"actor": "the United States"}, ["consult", "request", "not_agree", "protest"]),
    ({"actor": "UN"}, ["aid"]),
    ({"actor": "United Nations"}, ["aid"]),
    ({"recipient": "ukraine"}, ["assault", "aid", "threat"]),
    ({"party": "UKR"}, ["assault", "aid", "threat"]),
    ({"dyad": "UN-UKR"}, ["aid"]),
    ({"dyad": "Ukraine-United Nations"}, ["aid"]),
    ({"dyad": "United States-Russia"}, ["consult", "request", "not_agree"]),
    ({"dyad": ("Russia", "USA"), "directed": True}, ["consult", "not_agree"]),
    ({"dyad": "USA-RUS", "directed": True}, ["consult", "request", "not_agree"]),
    ({"place": "Turkey"}, ["consult", "request", "not_agree"]),
    ({"place": "Istanbul"}, ["consult", "request", "not_agree"]),
    ({"place": "kharkiv"}, ["assault"]),
    ({"place": "Texas"}, ["protest"]),
    ({"admin1": "TX"}, ["protest"]),
    ({"admin1": "Texas", "country": "United States"}, ["protest"]),
    ({"country": "Ukraine"}, ["assault", "aid"]),
    # the other filters
    ({"quad": 3}, ["request", "protest", "threat"]),
    ({"quad": "1,2"}, ["consult", "not_agree", "aid"]),
    ({"quad": ["material conflict"]}, ["assault"]),
    ({"event_type": "consult,assault"}, ["consult", "assault"]),
    ({"goldstein_min": 0}, ["consult", "not_agree", "aid"]),
    ({"goldstein_max": "-6.5"}, ["assault", "protest", "threat"]),
    ({"goldstein_min": -7, "goldstein_max": -6.5}, ["protest", "threat"]),
    ({"status": "future"}, ["threat"]),
    ({"status": "factual"}, ["consult", "request", "not_agree", "assault", "aid", "protest"]),
    ({"status": "any"}, list(EVENTS)),
    ({"negated": True}, ["not_agree"]),
    ({"negated": "no"}, ["consult", "request", "assault", "aid", "protest", "threat"]),
    ({"negated": "any"}, list(EVENTS)),
    ({"min_confidence": 0.9}, list(EVENTS)),
    ({"min_confidence": "0.95"}, []),
    ({"issue": "embassy_staffing"}, ["request"]),
    ({"context": "military"}, ["assault", "threat"]),
    ({"source": "reuters"}, ["consult", "not_agree"]),
    ({"source": "AP"}, ["consult", "request"]),
    ({"text": "GLIDE bombs"}, ["assault"]),
    ({"text": "met"}, ["consult"]),
    ({"complete": True}, ["consult", "request", "not_agree", "assault", "aid", "threat"]),  # not USA -> USA
    ({"coverage": True}, ["consult", "request", "not_agree", "assault", "aid", "protest"]),  # undated: out
    ({"coverage": True, "since": "2025-03-02"}, ["assault", "aid"]),
]


@pytest.mark.parametrize(("kwargs", "expected"), CASES, ids=[str(c[0]) for c in CASES])
def test_filters(corpus, kwargs, expected):
    assert labels(events(Filters(**kwargs), db=corpus)) == in_order(*expected)
    assert labels(events(Filters(**kwargs), db=corpus, as_frame=False)) == in_order(*expected)


def test_limit_offset_and_order(corpus):
    everything = labels(events(db=corpus))
    assert everything == in_order(*EVENTS) and everything[-1] == "threat"  # undated last
    assert labels(events(Filters(limit=2), db=corpus)) == everything[:2]
    assert labels(events(Filters(limit=3, offset=2), db=corpus)) == everything[2:5]
    assert labels(events(Filters(offset=6), db=corpus)) == everything[6:]


def test_sort_by_any_column(corpus):
    by_goldstein = labels(events(Filters(sort="goldstein:desc"), db=corpus))
    assert by_goldstein == sorted(EVENTS, key=lambda k: -EVENTS[k][2])  # no two share a score
    assert labels(events(Filters(sort="-goldstein", limit=2), db=corpus, as_frame=False)) == by_goldstein[:2]
    assert labels(events(Filters(sort="cameo"), db=corpus)) == sorted(EVENTS, key=lambda k: EVENTS[k][1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"actor": "Rusia"}, "unknown actor 'Rusia'; did you mean Russia (RUS)?"),
        ({"actor": "USA GOV"}, "unknown actor"),
        ({"recipient": "R%"}, "unknown recipient"),
        ({"country": "Turky"}, "unknown country 'Turky'; did you mean Turkey (TUR)?"),
        ({"country": "NATO"}, "is an organisation, not a country"),
        ({"dyad": "USA"}, "bad dyad"),
        ({"dyad": "USA-XXX"}, "unknown dyad party 'XXX'; did you mean"),
        ({"dyad": "USAGOV-RUS"}, "unknown dyad party 'USAGOV'"),
        ({"dyad": ["USA"]}, "bad dyad"),
        ({"event_type": "MEET"}, "unknown event type"),
        ({"event_type": "CONSLT"}, "did you mean CONSULT"),
        ({"cameo": "4"}, "bad CAMEO code"),
        ({"cameo": "04a"}, "bad CAMEO code"),
        ({"cameo": "12345"}, "bad CAMEO code"),
        ({"quad": 5}, "bad quad class"),
        ({"goldstein_min": 11}, "bad goldstein_min"),
        ({"goldstein_max": "nan"}, "bad goldstein_max"),
        ({"goldstein_min": 2, "goldstein_max": 1}, "is above"),
        ({"status": "done"}, "unknown status"),
        ({"negated": "maybe"}, "bad negated"),
        ({"min_confidence": "high"}, "bad min_confidence"),
        ({"issue": "embasy_staffing"}, "unknown issue 'embasy_staffing'; did you mean embassy_staffing?"),
        ({"context": "militari"}, "did you mean military?"),
        ({"admin1": "T-X"}, "bad admin1"),
        ({"text": " "}, "bad text"),
        ({"text": "x" * 201}, "bad text"),
        ({"sort": "colour"}, "cannot sort by"),
        ({"sort": "date:sideways"}, "cannot sort by"),
        ({"coverage": "perhaps"}, "bad coverage"),
        ({"since": "yesterday"}, "bad --since date"),
        ({"until": "2025-02-30"}, "bad --until date"),
        ({"since": "2025-03-01", "until": "2025-02-01"}, "is after"),
        ({"limit": 0}, "bad limit"),
        ({"offset": -1}, "bad offset"),
    ],
)
def test_bad_filters_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        Filters(**kwargs)
    assert "\n" not in str(caught.value)


def test_unknown_place_and_source_name_the_nearest_stored(corpus):
    with pytest.raises(ValueError, match=re.escape("unknown place 'Istambul'; did you mean Istanbul?")):
        events(Filters(place="Istambul"), db=corpus)
    with pytest.raises(ValueError, match=re.escape("unknown source 'Reuter'; did you mean Reuters?")):
        list(events(Filters(source="Reuter"), db=corpus, as_frame=False))


def test_counted_fills_what_is_unset():
    assert counted().status == ("factual",) and counted().negated == "no" and counted().coverage is True
    chosen = counted(Filters(status="any", negated="any", coverage=False, limit=3), dyad="USA-RUS")
    assert (chosen.status, chosen.negated, chosen.coverage, chosen.limit, chosen.dyad) == (
        ("factual", "future", "hypothetical", "historical"),
        "any",
        False,
        None,
        "USA-RUS",
    )


INJECTIONS = ["USA' OR 1=1 --", "USA'; DROP TABLE events; --", "x') OR ('1'='1", "RUS\\' OR true --"]


@pytest.mark.parametrize("attack", [*INJECTIONS, "USA%", "RUS_"])  # LIKE wildcards are refused too
@pytest.mark.parametrize(
    "field",
    ["actor", "recipient", "party", "dyad", "event_type", "cameo", "since", "until", "country", "issue", "sort"],
)
def test_injection_is_refused(field, attack):
    with pytest.raises(ValueError):
        Filters(**{field: attack if field != "dyad" else f"USA-RUS{attack}"})


@pytest.mark.parametrize("attack", INJECTIONS)
def test_free_text_filters_are_only_data(corpus, attack):
    """A place name, a source and a text search are free text: they reach the database as
    parameters, and an unknown place or source is refused by name."""
    before = _counts(corpus)
    assert labels(events(Filters(text=attack), db=corpus)) == []
    for field in ("place", "source"):
        with pytest.raises(ValueError, match=f"unknown {field}"):
            events(Filters(**{field: attack}), db=corpus)
    assert _counts(corpus) == before


def _counts(url: str) -> dict[str, int]:
    store = open_store(url)
    try:
        return {
            t: store.scalar(f"SELECT count(*) FROM {t}")
            for t in ("documents", "events", "event_actors", "event_dyads", "mentions")
        }
    finally:
        store.close()


def test_unchecked_values_are_only_parameters(corpus):
    """Values that slip past validation (set after it) still reach the database as data only."""
    before = _counts(corpus)
    store = open_store(corpus)
    try:
        for field in ("actor", "recipient", "event_type", "cameo", "place"):
            for attack in INJECTIONS:
                filters = Filters()
                setattr(filters, field, attack)
                sql, params = select(filters)
                assert attack not in sql and {attack, attack + "%"} & set(params)
                assert list(records(store, filters)) == []
    finally:
        store.close()
    assert (
        _counts(corpus) == before == {"documents": 4, "events": 7, "event_actors": 18, "event_dyads": 8, "mentions": 8}
    )


def test_event_record_keeps_its_provenance(corpus):
    [record] = events(Filters(event_type="CONSULT"), db=corpus, as_frame=False)
    assert record["event_key"] == KEYS["consult"] and record["cameo"] == "044" and record["date"] == "2025-02-27"
    assert record["contexts"] == ["diplomatic"] and record["issues"] == ["diplomatic_mission_operations"]
    assert record["reciprocal"] is True and record["negated"] is False
    assert [a["code"] for a in record["actors"]] == ["USAGOV", "RUSGOV"]
    assert [a["code"] for a in record["recipients"]] == ["RUSGOV", "USAGOV"]
    assert record["actors"][0] == {
        "text": "US delegation",
        "code": "USAGOV",
        "country": "USA",
        "sector": "GOV",
        "name": "United States",
        "party": "USA",
        "party_name": "United States",
    }
    assert (record["cameo_name"], record["place_country_name"]) == ("Meet at a 'third' location", "Turkey")
    assert (record["actor_party"], record["actor_party_name"]) == ("USA", "United States")
    assert (record["num_mentions"], record["num_sources"], record["num_articles"]) == (2, 2, 2)
    assert [m["doc_id"] for m in record["mentions"]] == [DOCUMENTS["ap"][0], DOCUMENTS["reuters"][0]]
    for m in record["mentions"]:
        assert (
            m["sentence"][m["trigger"]["start"] - m["sentence_start"] : m["trigger"]["end"] - m["sentence_start"]]
            == m["trigger"]["text"]
            == "met"
        )
        assert m["actors"][0]["code"] == "USAGOV"
    assert record["mentions"][1]["url"] == DOCUMENTS["reuters"][2] and record["mentions"][1]["source"] == "Reuters"
    json.dumps(record)  # JSON-ready as it is


def test_organisations_keep_their_own_names_and_codes(corpus):
    [aid] = events(Filters(actor="UN"), db=corpus, as_frame=False)
    assert (aid["actor_party"], aid["actor_party_name"]) == ("UN", "United Nations")
    assert aid["actors"][0]["party"] == "UN" and aid["recipients"][0]["party_name"] == "Ukraine"
    store = open_store(corpus)
    try:
        assert store.query(
            "SELECT actor_country, recipient_country FROM event_dyads WHERE event_key = ?", [KEYS["aid"]]
        )[1] == [("UN", "UKR")]
    finally:
        store.close()


def test_events_as_a_dataframe(corpus):
    frame = events(Filters(place="TUR"), db=corpus)
    assert tuple(frame.columns) == FLAT_COLUMNS and len(frame) == 3
    assert str(frame["date"].dtype).startswith("datetime64") and frame["negated"].dtype == bool
    assert frame["quad_class"].dtype == "int64" and frame["num_mentions"].dtype == "int64"
    row = frame.set_index("event_key").loc[KEYS["consult"]]
    assert list(row["contexts"]) == ["diplomatic"] and list(row["issues"]) == ["diplomatic_mission_operations"]
    assert row["sentence"] == EVENTS["consult"][14][0][2]  # the first report's sentence, title and URL
    assert (row["title"], row["url"], row["source"]) == (DOCUMENTS["ap"][3], DOCUMENTS["ap"][2], "AP")
    assert (row["cameo_name"], row["recipient_party_name"], row["place_country_name"]) == (
        "Meet at a 'third' location",
        "Russia",
        "Turkey",
    )
    empty = events(Filters(place="TUR", since="2030-01-01"), db=corpus)
    assert empty.empty and tuple(empty.columns) == FLAT_COLUMNS
