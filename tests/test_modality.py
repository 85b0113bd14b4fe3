"""Negation and status (future, hypothetical) from the sentence."""

from datetime import date

import pytest

from parley import code
from parley.nlp.document import Document


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


@pytest.mark.parametrize(
    "sentence,trigger,status",
    [
        ("Turkey is going to withdraw its troops from Syria.", "withdraw", "future"),
        ("Russia needs to withdraw its troops from Syria.", "withdraw", "factual"),
    ],
)
def test_going_and_needing_to_act_give_way_to_the_act(patterns, sentence, trigger, status):
    """ "Going to" is the future's auxiliary, no journey; "needs to" asks no one: the act is
    the infinitive's, and neither word is a candidate for the detector."""
    events = code(sentence, date="2024-03-01", pipeline=patterns)
    assert [(e.trigger_text, e.status) for e in events] == [(trigger, status)]
    [doc] = patterns.partial([Document("d", sentence, date(2024, 3, 1))], through="events")
    assert {c.trigger_text for c in doc.scratch.candidates} & {"going", "needs"} == set()


@pytest.mark.parametrize(
    "sentence,conditional,kept",
    [
        ("Turkey warned it would strike Syria if Kurdish fighters attacked its border posts.", "attacked", "warned"),
        ("If these people try to escape they often get shot by the guards.", "escape", "shot"),
        ("Reporters asked whether Labour would back military action against Syria.", "back", "asked"),
    ],
)
def test_an_act_in_a_condition_or_question_is_no_candidate(patterns, sentence, conditional, kept):
    """A verb whose clause "if", "unless" or "whether" opens states a condition or a question
    (readers coded none of the 23 such events parley emitted on 5 folds by article): neither
    the rules nor the detector take it; the sentence's other words stay."""
    words = _triggers_offered(patterns, sentence)
    assert conditional not in words and kept in words


def test_even_if_concedes_and_stays_an_act(patterns):
    sentence = "The EU backs the deal, even if it criticises Iran's missile programme."
    assert "criticises" in _triggers_offered(patterns, sentence)


def _triggers_offered(patterns, sentence: str) -> set[str]:
    """The words of a sentence that the rules code or offer the detector as candidates."""
    [doc] = patterns.partial([Document("d", sentence, date(2024, 3, 1))], through="events")
    return {e.trigger_text for e in doc.events} | {c.trigger_text for c in doc.scratch.candidates}
