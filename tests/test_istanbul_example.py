"""The canonical example: parley's own article with the facts of the Istanbul talks."""

import pytest

from parley.api import ReadOptions, code_inputs

from .conftest import EXAMPLES, countries

PAIR = {"USA", "RUS"}


@pytest.fixture(scope="module")
def events(pipeline):
    docs = list(
        code_inputs([str(EXAMPLES / "istanbul-talks.txt")], read=ReadOptions(date="2025-02-28"), pipeline=pipeline)
    )
    assert len(docs) == 1
    return docs[0].events


def both(event) -> bool:
    return PAIR <= countries(event.actors) | countries(event.recipients)


def test_meeting_in_istanbul_is_a_third_location_consultation(events):
    # "the return of six properties ... was also discussed" is a consultation of the two too, as
    # the hand reading of the seed article codes it; the meeting is the one of "met"
    [meeting] = [e for e in events if e.event_type == "CONSULT" and not e.negated and e.trigger_text == "met"]
    assert both(meeting) and meeting.reciprocal
    assert meeting.cameo == "044"
    assert meeting.date.isoformat() == "2025-02-27" and meeting.date_source == "text"
    loc = meeting.location
    assert loc.name == "Istanbul" and loc.country == "TUR"
    assert abs(loc.lat - 41.01) < 0.5 and abs(loc.lon - 28.95) < 0.5


def test_agreement_on_first_steps(events):
    agreements = [e for e in events if e.event_type == "AGREE" and not e.negated and both(e)]
    assert any(e.date.isoformat() == "2025-02-27" for e in agreements)
    assert any(e.cameo == "036" for e in agreements)  # agreed to hold further talks


def test_us_demand_and_russian_proposal(events):
    demands = [e for e in events if e.event_type == "REQUEST" and e.cameo_root == "10"]
    assert any(countries(e.actors) == {"USA"} and "RUS" in countries(e.recipients) for e in demands)
    proposal = [e for e in events if e.trigger_text == "proposed"]
    assert proposal and proposal[0].event_type in {"AGREE", "REQUEST"}
    assert countries(proposal[0].actors) == {"RUS"} and countries(proposal[0].recipients) == {"USA"}


def test_unreached_agreement_is_negated(events):
    final = [e for e in events if "not yet reached" in e.sentence]
    assert final and all(e.negated for e in final)


def test_every_event_carries_its_evidence(events):
    text = (EXAMPLES / "istanbul-talks.txt").read_text(encoding="utf-8")
    for e in events:
        assert e.sentence in text
        assert text[e.trigger_start : e.trigger_end] == e.trigger_text
        for a in e.actors + e.recipients:
            assert text[a.start : a.end] == a.text
