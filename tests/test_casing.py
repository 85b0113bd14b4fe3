"""Texts without capitals (lower-cased or badly scraped news): the capitals put back for the
parser, and what the coder then reads in them, with the evidence in the text's own letters."""

import datetime as dt

import pytest

from parley.api import actors, code
from parley.nlp.casing import calendar_cased, lower_cased, title_cased, truecased
from parley.nlp.dateline import find_dateline
from parley.nlp.document import Document
from parley.nlp.stages.parse import hard_wrapped

ARTICLE = (
    "vadodara: the city police on sunday arrested two men for the murder of a trader in makarpura. "
    "mumbai police detained 12 protesters outside the collector's office. "
    "the cbi arrested a businessman in a bank fraud case on may 5, officials said."
)


def test_the_capitals_an_edited_text_would_have(pipeline):
    text = (
        "the un and the eu met in new delhi on may 5. i said the car was near reading, in turkey's "
        "capital, and we may march in march. gujarat police and the bjp-led government of narendra modi."
    )
    cased = truecased(text, pipeline.nlp)
    assert len(cased) == len(text) and cased.lower() == text.lower()
    for word in ("The UN", "the EU", "New Delhi", "May 5", "I said", "Turkey's", "Gujarat", "Narendra Modi"):
        assert word in cased, word
    # English words stay words: "car" (the Central African Republic), "reading", "may", "march"
    assert "the car was near reading" in cased and "we may march in march" in cased


def test_us_is_the_united_states_where_the_words_around_it_say_so(pipeline):
    text = "the us and us-led forces struck, us officials said, but they told us nothing about it."
    cased = truecased(text, pipeline.nlp)
    assert cased.startswith("The US and US-led forces struck, US officials") and "told us nothing" in cased
    coded = [(r["text"], r["code"]) for r in actors(text, date="2019-03-05", pipeline=pipeline)]
    assert ("us officials", "USAGOV") in coded and ("the us", "USA") in coded


def test_the_tables_names_keep_their_particles_and_acronyms(pipeline):
    text = "the kremlin said us policy would change; let us hope. the us secretary of state met hezbollah in a valley."
    assert truecased(text, pipeline.nlp) == (
        "The Kremlin said US policy would change; let us hope. The US Secretary of State met Hezbollah in a valley."
    )


def test_a_surname_after_its_full_name_and_a_name_after_a_title(pipeline):
    text = "donald trump spoke first. then trump and mr hunt left, and theresa may said she may stay."
    cased = truecased(text, pipeline.nlp)
    assert cased == "Donald Trump spoke first. Then Trump and Mr Hunt left, and Theresa May said she may stay."


def test_days_and_months_for_the_date_grammar():
    assert calendar_cased("on sunday, 5 march and june, in march we may march") == (
        "on Sunday, 5 March and June, in march we may march"
    )


@pytest.mark.parametrize(
    "text,place",
    [
        ("vadodara: the city police arrested two men on monday and produced them in court.", "vadodara"),
        ("KARACHI: The police arrested two men on Monday.", "KARACHI"),
        ("KARACHI (Reuters) - The police arrested two men on Monday.", "KARACHI"),
    ],
)
def test_a_dateline_with_a_colon_or_without_capitals(text, place):
    assert find_dateline(text).place == place


def test_a_lower_cased_opening_that_names_no_place_is_no_dateline():
    assert find_dateline("police said: the two men were arrested on monday and produced in court.") is None


def test_a_text_without_capitals_is_coded_as_its_capitalised_form_would_be(pipeline):
    assert lower_cased(ARTICLE)
    events = code(ARTICLE, date="2019-03-05", pipeline=pipeline)
    arrest = next(e for e in events if e.trigger_text == "arrested" and e.sentence.startswith("the city police"))
    assert [a.code for a in arrest.actors] == ["INDCOP"]  # the police of the dateline's city
    assert str(arrest.date) == "2019-03-03"  # "on sunday"
    assert arrest.location is not None and arrest.location.country == "IND"
    detained = next(e for e in events if e.trigger_text == "detained")
    assert [a.code for a in detained.actors] == ["INDCOP"]  # "mumbai police"
    cbi = next(e for e in events if e.trigger_text == "arrested" and "cbi" in e.sentence)
    assert [a.code for a in cbi.actors] == ["INDCOP"] and str(cbi.date) == "2018-05-05"


def test_the_evidence_keeps_the_texts_own_letters(pipeline):
    for event in code(ARTICLE, date="2019-03-05", pipeline=pipeline):
        assert event.sentence in ARTICLE and event.sentence == event.sentence.lower()
        assert ARTICLE[event.trigger_start : event.trigger_end] == event.trigger_text
        for party in event.actors + event.recipients:
            assert ARTICLE[party.start : party.end] == party.text


def test_a_line_break_ends_a_sentence_unless_the_text_is_wrapped_at_a_width(pipeline):
    """A scraped page's lines (paragraphs, a caption, "read more") are sentences of their own,
    even without a full stop; a text wrapped at a fixed width goes on across its lines."""
    scraped = (
        "two men were arrested by the city police on monday for robbing a jeweller\n"
        "read more\n"
        "the accused were produced before a magistrate on tuesday"
    )
    (doc,) = pipeline([Document("scraped", scraped, dt.date(2019, 7, 16))])
    assert [s.text for s in doc.sentences] == scraped.split("\n")
    wrapped = (
        "The foreign ministers of the two countries met in Vienna on Monday and\n"
        "agreed to resume talks on the border dispute that has divided them for\n"
        "years, officials said after the meeting ended late in the evening there.\n"
    )
    assert hard_wrapped(wrapped) and not hard_wrapped(scraped)
    (doc,) = pipeline([Document("wrapped", wrapped, dt.date(2019, 7, 16))])
    assert len(doc.sentences) == 1


def test_a_headline_in_title_case_is_read_with_its_small_letters(pipeline):
    """spaCy takes a headline's capitals for names ("Releases", "Rejects"); the parse reads
    such a line with its small letters back, and the evidence keeps the headline's own."""
    nlp = pipeline.nlp
    assert title_cased("Poland Releases Three Jailed Labor Activists", nlp)
    assert title_cased("RUSSIA AND TURKEY AGREE TO HOLD TALKS ON SYRIA", nlp)
    assert not title_cased("Poland released three jailed activists on Monday, officials in Warsaw said.", nlp)
    # a short line of prose whose long words are all names, a day or a month is no headline
    assert not title_cased("He met Ahmed Shaheen in Tehran on Monday.", nlp)
    (met,) = code("He met Ahmed Shaheen in Tehran on Monday.", date="2024-05-01", pipeline=pipeline)
    assert [a.text for a in met.recipients] == ["Ahmed Shaheen"]
    (released,) = code("Poland Releases Three Jailed Labor Activists", date="2024-05-01", pipeline=pipeline)
    assert (released.event_type, released.trigger_text) == ("RETREAT", "Releases")
    assert {a.country for a in released.actors} == {"POL"}
    found = code("Kenya Government Rejects Request To Delay Elections", date="2024-05-01", pipeline=pipeline)
    assert [(e.event_type, [a.code for a in e.actors]) for e in found] == [("REJECT", ["KENGOV"])]
