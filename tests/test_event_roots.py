"""Verb patterns (without the classifier) cover every CAMEO root that yields a PLOVER event (02-20).

tests/data/roots.tsv holds sentences written for these tests, with the root, PLOVER
type and actor/recipient countries a careful human coder would give.
"""

from pathlib import Path

import pytest

from parley import code

from .conftest import countries

ROWS = [
    line.rstrip("\n").split("\t")
    for line in (Path(__file__).parent / "data" / "roots.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def test_every_root_from_02_to_20_is_covered():
    assert {r[0] for r in ROWS} == {f"{n:02d}" for n in range(2, 21)}


@pytest.mark.parametrize("root,etype,actor,recipient,sentence", ROWS, ids=[r[4][:40] for r in ROWS])
def test_sentence_codes_to_its_root(patterns, root, etype, actor, recipient, sentence):
    events = code(sentence, date="2024-05-01", pipeline=patterns)
    hits = [e for e in events if e.cameo_root == root]
    assert hits, f"expected a {root} event, got {[(e.cameo, e.trigger_text) for e in events]}"
    event = hits[0]
    assert event.event_type == etype
    assert event.actors
    if actor != "-":  # "-": the sentence names no country for it, and parley must not guess one
        assert actor in countries(event.actors)
    if recipient != "-":
        assert recipient in countries(event.recipients)
    assert event.sentence == sentence
    assert sentence[event.trigger_start : event.trigger_end] == event.trigger_text


@pytest.mark.parametrize(
    "sentence",
    [
        "Manchester United beat Chelsea 3-1 on Saturday.",
        "Oil prices rose 2 percent on Monday.",
        "The minister said the weather would be sunny.",
        "Heavy rain fell across the region overnight.",
    ],
)
def test_no_event_without_political_action(pipeline, sentence):
    assert code(sentence, date="2024-05-01", pipeline=pipeline) == []


def test_giving_back_what_was_held_is_a_return_and_going_back_is_none(patterns):
    """ "return" with an object gives back what was held (CAMEO 0842, PLOVER RETREAT), in the
    active and the passive; "returned to Rome" is travel, no act; "returned fire" fights back."""
    (given,) = code("Italy returned the stolen paintings to Greece on Monday.", date="2024-05-01", pipeline=patterns)
    assert countries(given.recipients) == {"GRC"}
    for sentence in (
        "Italy returned the stolen paintings to Greece on Monday.",
        "The stolen paintings were returned by Italy to Greece on Monday.",
    ):
        (event,) = code(sentence, date="2024-05-01", pipeline=patterns)
        assert (event.cameo, event.event_type) == ("0842", "RETREAT"), sentence
        assert countries(event.actors) == {"ITA"}, sentence
    assert code("The Italian ambassador returned to Rome on Monday.", date="2024-05-01", pipeline=patterns) == []
    (fire,) = code("Turkish troops returned fire on Monday.", date="2024-05-01", pipeline=patterns)
    assert fire.event_type == "ASSAULT"
