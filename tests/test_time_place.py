"""Event dates against the publication date, and places from a sentence or a dateline."""

import datetime as dt

import pytest

from parley import code
from parley.gazetteer import gazetteer
from parley.stages.time import resolve

PUB = dt.date(2025, 2, 28)  # a Friday


@pytest.mark.parametrize("expression,expected,precision", [
    ("27 February", "2025-02-27", "day"),
    ("on 27 February", "2025-02-27", "day"),
    ("March 3, 2024", "2024-03-03", "day"),
    ("yesterday", "2025-02-27", "day"),
    ("Friday", "2025-02-28", "day"),
    ("on Tuesday", "2025-02-25", "day"),
    ("last Friday", "2025-02-21", "day"),
    ("in 2016", "2016-01-01", "year"),
    ("January 2025", "2025-01-01", "month"),
])
def test_resolve_against_publication_date(expression, expected, precision):
    date, end, prec = resolve(expression, PUB)
    assert date.isoformat() == expected and prec == precision


def test_year_range():
    date, end, prec = resolve("2016-2018", PUB)
    assert (date, end, prec) == (dt.date(2016, 1, 1), dt.date(2018, 12, 31), "year")


def test_no_publication_date_never_means_today():
    assert resolve("yesterday", None) is None
    assert resolve("March 3, 2024", None)[0] == dt.date(2024, 3, 3)
    [event] = code("Russia condemned the attack on the convoy.", date=None)
    assert event.date is None and event.date_source is None


def test_sentence_without_date_takes_publication_date(pipeline):
    [event] = code("Russia condemned the attack on the convoy.", date=PUB, pipeline=pipeline)
    assert event.date == PUB and event.date_source == "publication"


def test_old_event_is_historical(pipeline):
    events = code("Iraqi forces attacked the town in 2016.", date=PUB, pipeline=pipeline)
    assert events[0].status == "historical" and events[0].date_precision == "year"


def test_place_from_sentence(pipeline):
    [event] = code("Russian troops attacked the village near Donetsk.", date=PUB, pipeline=pipeline)
    assert event.location.name == "Donetsk" and event.location.country == "UKR"


def test_place_from_dateline(pipeline):
    events = code("GENEVA (Reuters) - Iran accused Israel of sabotage.", date=PUB, pipeline=pipeline)
    assert events[0].location.name == "Geneva" and events[0].location.country == "CHE"


def test_meeting_at_home_is_not_a_third_location(pipeline):
    events = code("The Turkish president met the Russian president in Ankara.", date=PUB, pipeline=pipeline)
    assert events[0].cameo == "040" and events[0].location.country == "TUR"


def test_gazetteer_qualifier_and_population():
    g = gazetteer()
    assert g.lookup("Paris").country == "FRA"
    assert g.lookup("Paris", qualifier="Texas").country == "USA"
    assert g.lookup("Georgia").country == "GEO"
    assert g.lookup("Russia").precision == "country"
