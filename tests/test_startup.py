"""Start fast: commands that code nothing load no model, and no heavy library they do not use.

Each command runs in a fresh process of its own (as from the shell), which then reports which
of the heavy modules it imported. The wall times are measured in benchmarks/startup.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES

MODELS = ("spacy", "torch", "transformers", "thinc", "parley.nlp.pipeline")
READERS = ("trafilatura", "feedparser", "psycopg")
HEAVY = (*MODELS, *READERS, "numpy", "pandas")
PROBE = f"""
import contextlib, io, json, sys
from parley.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(sys.argv[1:])
print(json.dumps({{"status": status, "modules": sorted(m for m in sys.modules if m in {HEAVY!r})}}))
"""


def loaded(*argv: str) -> tuple[int, set[str]]:
    """Run `parley ARGV` in a fresh process: its exit status and the heavy modules it imported."""
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=False)
    assert done.stdout, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["status"], set(report["modules"])


@pytest.fixture
def corpus(web_db: str, tmp_path: Path) -> str:
    """A copy of the examples' corpus, for commands that open it for writing."""
    return str(shutil.copy(web_db, tmp_path / "corpus.duckdb"))


@pytest.mark.parametrize(
    "argv",
    [
        ["events", "--limit", "3"],
        ["events", "--dyad", "USA-RUS", "--format", "jsonl"],
        ["export", "--format", "gdelt"],
        ["export", "--format", "csv"],
        ["dyad", "USA", "RUS"],
        ["network"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_query_commands_load_no_model_nor_readers(corpus: str, argv: list[str]) -> None:
    status, modules = loaded(*argv, "--db", corpus)
    assert status == 0
    assert modules.isdisjoint(MODELS + READERS), modules


def test_events_imports_not_even_numpy(corpus: str) -> None:
    assert loaded("events", "--db", corpus) == (0, set())


@pytest.mark.parametrize(
    "argv",
    [
        ["dyad", "USA", "RUS"],
        ["dyad", "USA-RUS", "Armenia-Azerbaijan", "--by", "month", "--csv", "-"],
        ["network"],
        ["agenda", "USA", "RUS"],
        ["agenda", "USA", "RUS", "--json"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_dyad_network_and_agenda_print_without_pandas(corpus: str, argv: list[str]) -> None:
    assert loaded(*argv, "--db", corpus) == (0, set())


def test_ingest_of_documents_already_stored_loads_no_model(corpus: str) -> None:
    status, modules = loaded("ingest", str(EXAMPLES), "--date", "2025-02-28", "--db", corpus, "--quiet")
    assert status == 0
    assert modules.isdisjoint(MODELS), modules


def test_code_of_only_bad_inputs_loads_no_model(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    status, modules = loaded("code", str(empty), str(tmp_path / "missing.txt"))
    assert status == 1
    assert modules.isdisjoint(MODELS), modules


def test_the_web_app_loads_no_model_until_an_article_is_posted(corpus: str) -> None:
    probe = (
        "import sys; from fastapi.testclient import TestClient; from parley.web.app import create_app\n"
        f"client = TestClient(create_app({corpus!r}), base_url='http://localhost')\n"
        "assert client.get('/api/events').status_code == 200\n"
        f"print(sorted(m for m in sys.modules if m in {MODELS!r}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
