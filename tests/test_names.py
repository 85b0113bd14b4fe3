"""Names beside codes and codes from names (`parley.corpus.names`): the organisations' own keys,
names and aliases of countries and organisations, suggestions for unknown names, regions, CAMEO."""

from __future__ import annotations

import pytest

from parley.corpus import names
from parley.nlp.vocab import country_names, read_table


def test_organisation_keys_are_their_own():
    keys = [o.key for o in names.organisations().values()]
    assert len(keys) == len(set(keys)), "two organisations share a key"
    assert not set(keys) & set(country_names()), "an organisation's key is a country's code"
    assert not set(keys) & {"IGO", "NGO"}
    assert all(r.get("key") for r in read_table("organisations.tsv")), "organisations.tsv: a row without a key"
    assert {names.party("IGOUNO", "IGO"), names.party("IGOEUREEC", "IGO"), names.party("IGOWSTNAT", "IGO")} == {
        "UN",
        "EU",
        "NATO",
    }
    assert names.party("IGOUNOIAE", "IGO") == "IGOUNOIAE"  # an organisation only PETRARCH's table knows
    assert names.party("RUSGOV", "RUS") == "RUS" and names.party("COP", None) is None


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ("Russia", "RUS"),
        ("rus", "RUS"),
        ("the United States", "USA"),
        ("U.S.", "USA"),
        ("Russian", "RUS"),
        ("UN", "UN"),
        ("the United Nations", "UN"),
        ("North Atlantic Treaty Organization", "NATO"),
        ("European  Union", "EU"),
    ],
)
def test_parties_by_code_or_name(given, key):
    assert names.party_from(given, "actor") == key


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("Rusia", "unknown actor 'Rusia'; did you mean Russia (RUS)?"),
        ("Untied States", "did you mean United States (USA)?"),
        ("Europan Union", "did you mean European Union (EU)?"),
        ("Zqxw", "unknown actor 'Zqxw'"),
    ],
)
def test_unknown_names_suggest_the_nearest(given, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        names.party_from(given, "actor")


def test_names_of_codes():
    assert names.party_name("TUR") == "Turkey" and names.party_name("NATO") == "NATO"
    assert names.party_name("EU") == "European Union" and names.party_name("XXX") is None
    assert names.region_from("Texas") == ("USA", "TX") and names.region_name("USA", "TX") == "Texas"
    assert names.cameo_name("044") == "Meet at a 'third' location" and names.cameo_name("999") is None
    assert names.type_descriptions()["CONSULT"].startswith("meet")
