"""Shared fixtures: one real pipeline per test session, and the example articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.api import default_pipeline

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def pipeline():
    """The whole coder: verb patterns and the event classifier."""
    return default_pipeline()


@pytest.fixture(scope="session")
def patterns(pipeline):
    """The dictionary coder alone (no classifier), sharing the loaded spaCy model."""
    from parley.pipeline import Pipeline

    return Pipeline(pipeline.parser.nlp, classifier=False)


@pytest.fixture(scope="session")
def scoring(pipeline):
    """The coder as `parley eval` runs it: every sentence's main verb typed."""
    from parley.pipeline import Pipeline

    return Pipeline(pipeline.parser.nlp, score_all_sentences=True)


@pytest.fixture(scope="session")
def examples() -> dict[str, dict]:
    """The bundled example corpus, by id."""
    lines = (EXAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


def countries(actors) -> set[str]:
    return {a.country for a in actors if a.country}
