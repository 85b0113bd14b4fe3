"""Negation and status (future, hypothetical) from the sentence."""

import pytest

from parley import code


@pytest.mark.parametrize("sentence,negated,status", [
    ("Russia did not agree to the proposal.", True, "factual"),
    ("The two countries have not yet reached an agreement.", True, "factual"),
    ("Japan will meet South Korea next week.", False, "future"),
    ("The European Union could impose sanctions on Belarus.", False, "hypothetical"),
    ("Iran condemned the attack on the embassy.", False, "factual"),
])
def test_negation_and_status(pipeline, sentence, negated, status):
    events = code(sentence, date="2024-03-01", pipeline=pipeline)
    assert events, sentence
    assert events[0].negated is negated
    assert events[0].status == status
