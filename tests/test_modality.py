"""Negation and status (future, hypothetical) from the sentence."""

import pytest

from parley import code


@pytest.mark.parametrize(
    "sentence,negated,status",
    [
        ("Russia did not agree to the proposal.", True, "factual"),
        ("The two countries have not yet reached an agreement.", True, "factual"),
        ("Japan will meet South Korea next week.", False, "future"),
        ("The European Union could impose sanctions on Belarus.", False, "hypothetical"),
        ("Iran condemned the attack on the embassy.", False, "factual"),
        ("The two governments failed to reach an agreement on trade.", True, "factual"),
        ("Canada plans to impose tariffs on Chinese steel.", False, "future"),
    ],
)
def test_negation_and_status(pipeline, sentence, negated, status):
    events = code(sentence, date="2024-03-01", pipeline=pipeline)
    assert events, sentence
    first = events[0]  # the sentence's verb; a noun it governs ("impose sanctions") shares its modality
    assert all(e.status == first.status for e in events)
    assert first.negated is negated
    assert first.status == status


def test_intent_verb_gives_way_to_its_complement(patterns):
    [event] = code("Canada plans to impose tariffs on Chinese steel.", date="2024-03-01", pipeline=patterns)
    assert event.trigger_text == "impose" and event.cameo_root == "16"
    assert {a.country for a in event.actors} == {"CAN"} and {a.country for a in event.recipients} == {"CHN"}
