"""The real acceptance article in ../shared/acceptance, run exactly as the issue states, and
scored against a careful reading of it under ANNOTATION_GUIDE.md
(data/annotations/istanbul_seed.jsonl: 13 events, read by hand, offsets only).

Skipped when ../shared is not beside the checkout (its text may not ship with parley).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parley.nlp.ontology import plover_contexts

from .conftest import SHARED

ARTICLE = SHARED / "acceptance" / "istanbul-talks.txt"
READING = Path(__file__).resolve().parent.parent / "data" / "annotations" / "istanbul_seed.jsonl"
pytestmark = pytest.mark.skipif(not ARTICLE.is_file(), reason="../shared/acceptance not present")


@pytest.fixture(scope="module")
def records():
    result = subprocess.run(
        [sys.executable, "-m", "parley", "code", str(ARTICLE), "--date", "2025-02-28", "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def parties(r):
    return {a["country"] for a in r["actors"] + r["recipients"]}


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """`parley eval --articles` on the article as a one-record corpus, against the reading."""
    corpus = tmp_path_factory.mktemp("seed") / "istanbul.jsonl"
    record = {"id": "istanbul-talks", "date": "2025-02-28", "text": ARTICLE.read_text(encoding="utf-8")}
    corpus.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "parley", "eval", "--articles", str(corpus), "--gold", str(READING), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_reading_scores_what_parley_code_emits(records, scored):
    assert scored["gold_events"] == 13
    assert scored["emitted_events"] == len(records)


def test_most_of_what_a_reader_codes_and_little_else(scored):
    """A floor under today's figures on the reading (11 of 13 matched, 14 emitted, every
    matched date right): the coder may not slide back."""
    assert scored["recall"] >= 0.84 and scored["precision"] >= 0.75
    assert scored["agreement"]["date"] == 1.0 and scored["agreement"]["source_country"] >= 0.75


@pytest.mark.xfail(strict=True, reason="issue 22: the coder still misses and adds events the reader does not")
def test_every_event_a_reader_codes_and_nothing_else(scored):
    assert scored["matched"] == scored["gold_events"] == scored["emitted_events"]


def test_istanbul_meeting(records):
    [meeting] = [r for r in records if r["trigger"]["text"] == "met"]
    assert meeting["event_type"] == "CONSULT"
    assert {"USA", "RUS"} <= parties(meeting)
    assert meeting["date"] == "2025-02-27"
    assert meeting["location"]["country"] == "TUR"
    assert abs(meeting["location"]["lat"] - 41.01) < 0.5 and abs(meeting["location"]["lon"] - 28.98) < 0.5


def test_agreements_demand_and_proposal(records):
    assert any(
        r["event_type"] == "AGREE" and r["date"] == "2025-02-27" and {"USA", "RUS"} <= parties(r) for r in records
    )
    assert any(r["cameo"] == "036" and {"USA", "RUS"} <= parties(r) for r in records)
    assert any(
        r["event_type"] == "REQUEST"
        and r["cameo_root"] == "10"
        and [a["country"] for a in r["actors"]] == ["USA"]
        and "RUS" in parties(r)
        for r in records
    )
    assert any(
        r["event_type"] in {"AGREE", "REQUEST"}
        and r["trigger"]["text"] == "proposed"
        and [a["country"] for a in r["actors"]] == ["RUS"]
        and [a["country"] for a in r["recipients"]] == ["USA"]
        for r in records
    )


def test_nothing_factual_from_unreached_agreement(records):
    assert all(r["negated"] for r in records if "have not yet reached final agreements" in r["sentence"])


def test_evidence(records):
    text = ARTICLE.read_text(encoding="utf-8")
    for r in records:
        assert r["sentence"] in text
        assert text[r["trigger"]["start"] : r["trigger"]["end"]] == r["trigger"]["text"]


def test_issues_on_the_right_events(records):
    opening = [r for r in records if r["sentence_index"] == 0]
    assert {r["event_type"] for r in opening} >= {"CONSULT", "AGREE"}
    assert all(r["issues"] == ["diplomatic_mission_operations"] for r in opening)
    [staffing] = [r for r in records if r["trigger"]["text"] == "insists"]
    assert staffing["issues"] == ["embassy_staffing"]
    [flights] = [r for r in records if r["trigger"]["text"] == "proposed"]
    assert flights["issues"][0] == "direct_flights"
    # each event takes the issues of its own part of the sentence: where a sentence names an
    # issue and has events, the event whose words hold the phrase carries it
    for phrase, issue in (
        ("banking services", "banking_access_for_diplomats"),
        ("six properties", "diplomatic_property"),
        ("Russian real estate", "diplomatic_property"),
        ("financing of diplomatic missions", "diplomatic_mission_financing"),
    ):
        same = [r for r in records if phrase in r["sentence"]]
        assert not same or any(issue in r["issues"] for r in same), phrase


def test_contexts_are_plover_names(records):
    names = set(plover_contexts().values())
    assert all(set(r["contexts"]) <= names for r in records)
    # an unspecified consultation (040) has a context only from the issues it raises
    assert all(
        "diplomatic" in r["contexts"] for r in records if r["event_type"] in {"CONSULT", "AGREE"} and r["issues"]
    )
