"""People and titles: dated codes for named leaders, titles that name a country, later
mentions of a person, "the president" resolved through the article's one state, user
additions to the leaders table, and `parley actors` explaining each coding."""

import datetime as dt
import json

import pytest

from parley.api import actors
from parley.cli import main
from parley.nlp.vocab import leader_on, leaders, people


def coded(text, pipeline, date="2025-02-27"):
    return {r["text"]: r for r in actors(text, date=date, pipeline=pipeline)}


@pytest.mark.parametrize(
    "text,date,code",
    [
        ("Donald Trump", "2025-02-27", "USAGOV"),
        ("Donald Trump", "2022-06-01", "USAOPP"),  # between his terms, the opposition's leader (people_own.tsv)
        ("Angela Merkel", "2019-01-01", "DEUGOV"),
        ("Angela Merkel", "2025-01-01", "DEUELI"),
    ],
)
def test_a_leaders_code_depends_on_the_date(pipeline, text, date, code):
    row = coded(f"{text} criticised the plan.", pipeline, date)[text]
    assert row["code"] == code
    assert "leaders table" in row["why"]


@pytest.mark.parametrize(
    "text,code",
    [
        ("Chancellor Merz", "DEUGOV"),  # the text's leader title, over the table's opposition leader
        ("Friedrich Merz", "DEUOPP"),
        ("Opposition leader Merz", "DEUOPP"),
    ],
)
def test_a_leaders_title_in_the_text_outranks_the_tables_opposition(pipeline, text, code):
    assert coded(f"{text} criticised the plan.", pipeline, "2025-02-27")[text]["code"] == code


def test_a_person_petrarch_knows_is_coded_by_name(pipeline):
    rows = coded("Sergey Lavrov met Chinese diplomats.", pipeline)
    assert rows["Sergey Lavrov"]["code"] == "RUSGOV"


def test_a_title_codes_an_unknown_person_and_later_mentions_of_them(pipeline):
    rows = coded(
        "Deputy Assistant Secretary of State Sonata Coulter met the Russian delegation. "
        "Coulter said the talks were useful.",
        pipeline,
    )
    first = rows["Deputy Assistant Secretary of State Sonata Coulter"]
    assert (first["code"], first["name"]) == ("USAGOV", "Sonata Coulter")
    assert rows["Coulter"]["code"] == "USAGOV"
    assert "named earlier" in rows["Coulter"]["why"]


def test_a_name_put_beside_a_coded_title_is_that_actor_when_named_again(pipeline):
    rows = coded(
        "Russia's ambassador to Britain, Alexander Yakovenko, spoke in Manchester. "
        "Ambassador Yakovenko demanded an answer. Yakovenko left.",
        pipeline,
    )
    assert rows["Russia's ambassador to Britain, Alexander Yakovenko"]["code"] == "RUSGOV"
    assert rows["Ambassador Yakovenko"]["code"] == "RUSGOV"  # not the state named most (Britain)
    assert rows["Yakovenko"]["code"] == "RUSGOV"
    assert "named earlier" in rows["Ambassador Yakovenko"]["why"]


def test_a_long_title_with_a_ministry_gives_country_and_sector(pipeline):
    rows = coded(
        "Director of the North Atlantic Department of the Russian Foreign Ministry "
        "Alexander Darchiev arrived in Istanbul.",
        pipeline,
    )
    assert any(r["code"] == "RUSGOV" and "Darchiev" in t for t, r in rows.items())


def test_the_president_is_the_president_of_the_one_state_named(pipeline):
    rows = coded("Russia said on Monday that the president would travel to Minsk.", pipeline)
    row = rows["the president"]
    assert (row["code"], row["name"]) == ("RUSGOV", "Vladimir Putin")


def test_the_president_stays_uncoded_when_two_states_are_named(pipeline):
    rows = coded("Russia and Ukraine traded blame. The president said talks were over.", pipeline)
    assert rows["The president"]["country"] is None


def test_lowercase_words_are_not_taken_for_names(pipeline):
    # "may" the verb and "rice" the grain are aliases of people in PETRARCH's tables
    rows = coded("Farmers may export rice to Japan.", pipeline)
    assert all(r["name"] not in {"Theresa May", "Condoleezza Rice"} for r in rows.values())


def test_user_rows_extend_the_leaders_table(tmp_path, monkeypatch):
    (tmp_path / "leaders.tsv").write_text(
        "country\trole\tname\taliases\tstart\tend\nFRA\tpresident\tJeanne Exemple\tExemple\t2030-05-14\t\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PARLEY_VOCAB_DIR", str(tmp_path))
    for table in (leaders, people):
        table.cache_clear()
    try:
        assert leader_on("FRA", "president", dt.date(2031, 1, 1)).name == "Jeanne Exemple"
        assert leader_on("FRA", "president", dt.date(2025, 1, 1)).name == "Emmanuel Macron"
        assert people()["exemple"].code_on(dt.date(2031, 1, 1))[0] == "FRAGOV"
    finally:
        monkeypatch.delenv("PARLEY_VOCAB_DIR")
        for table in (leaders, people):
            table.cache_clear()


def test_parley_actors_prints_each_phrase_with_its_reason(capsys):
    assert main(["actors", "The Kremlin rejected the proposal by Downing Street.", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_text = {r["text"]: r for r in rows}
    assert by_text["The Kremlin"]["code"] == "RUSGOV"
    assert by_text["Downing Street"]["code"] == "GBRGOV"
    assert all(r["why"] for r in rows)


def test_country_and_sector_of_the_gold_actor_phrases(pipeline):
    """tests/data/actor_codes.tsv: 85 phrases in sentences, with the country and sector an
    analyst would give (CAMEO conventions); the issue asks 95% and 85%."""
    from pathlib import Path

    from parley.evaluation.sentences import evaluate_codes

    report = evaluate_codes(Path(__file__).parent / "data" / "actor_codes.tsv", pipeline)
    summary = report.summary()
    assert summary["actor_country_accuracy"] >= 0.95, report.code_misses
    assert summary["actor_sector_accuracy"] >= 0.85, report.code_misses


@pytest.mark.parametrize(
    "text,phrase,code",
    [
        ("Boko Haram fighters attacked a village.", "Boko Haram fighters", "NGAREB"),
        ("The Taliban rejected the offer.", "The Taliban", "AFGREB"),
        ("Hezbollah fired rockets.", "Hezbollah", "LBNREB"),
    ],
)
def test_petrarchs_organisations_and_armed_groups_are_coded(pipeline, text, phrase, code):
    assert coded(text, pipeline)[phrase]["code"] == code


def test_a_hyphenated_name_is_a_capitalised_name(pipeline):
    assert coded("Ban Ki-moon met the delegates.", pipeline, "2010-05-01")["Ban Ki-moon"]["code"] == "IGOUNO"


def test_parley_actors_refuses_bytes_that_are_not_utf8(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe Kremlin")))
    assert main(["actors", "-"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("parley: -: not UTF-8") and "Traceback" not in err
