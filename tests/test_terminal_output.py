"""Nothing from a document reaches a terminal as a control sequence (issue 24): tables and
messages show escape, bell and direction-override characters as visible symbols; JSON output
keeps them exactly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from parley.cli import main

ROOT = Path(__file__).resolve().parent.parent
CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"  # writes the clipboard
TITLE = "\x1b]0;owned\x07"  # sets the window title
CLEAR = "\x1b[2J"  # clears the screen
OVERRIDE = "\u202e"  # shows what follows right to left
UNSAFE = ("\x1b", "\x07", "\x9b", OVERRIDE)


def _visible(text: str) -> None:
    assert not any(c in text for c in UNSAFE), repr(text)


def test_stored_escape_sequences_are_shown_not_obeyed_by_parley_events(web_db, tmp_path):
    db = tmp_path / "corpus.duckdb"
    shutil.copy(web_db, db)
    with duckdb.connect(str(db)) as conn:  # as a database written before texts were cleaned would hold
        conn.execute(
            "UPDATE mentions SET sentence = ? || sentence || ?", [CLIPBOARD + TITLE, CLEAR + OVERRIDE + "\x9b"]
        )
        conn.execute("UPDATE event_actors SET code = NULL, text = ? || coalesce(text, '')", [TITLE])
    table = subprocess.run(
        [sys.executable, "-m", "parley", "events", "--db", str(db)], cwd=ROOT, capture_output=True, timeout=120
    )
    out = table.stdout.decode()
    assert table.returncode == 0 and "events\n" in out.splitlines(keepends=True)[-1]
    _visible(out)
    assert "␛]52;c;cHduZWQ=␇␛]0;owned␇" in out and "␛[2J" in out
    jsonl = subprocess.run(
        [sys.executable, "-m", "parley", "events", "--db", str(db), "--format", "jsonl"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    records = [json.loads(line) for line in jsonl.stdout.decode().splitlines()]
    assert records and all(r["mentions"][0]["sentence"].startswith(CLIPBOARD + TITLE) for r in records)


def test_ids_and_failures_from_documents_are_shown_not_obeyed(tmp_path, capsys, pipeline):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": f"a{TITLE}", "text": "Russia and Ukraine met in Istanbul on Monday."}) + "\n")
    bad = tmp_path / f"b{CLEAR}.txt"  # a file name is shown in its failure
    bad.write_text("x")
    assert main(["code", str(corpus), str(bad)]) == 1
    out, err = capsys.readouterr()
    _visible(out + err)
    assert (
        "== a␛]0;owned␇" in out
        and err.strip() == f"parley: {tmp_path}/b␛[2J.txt: too short to be a document (0 words; at least 2 needed)"
    )
    assert main(["code", str(corpus), "--format", "jsonl"]) == 0
    out, _ = capsys.readouterr()
    assert {json.loads(line)["doc_id"] for line in out.splitlines()} == {f"a{TITLE}"}  # JSON: exact


def test_parley_actors_shows_escapes(capsys, pipeline):
    assert main(["actors", f"The Kremlin{TITLE} rejected the proposal{CLEAR}."]) == 0
    out, _ = capsys.readouterr()
    _visible(out)
    assert "The Kremlin␛]0;owned␇" in out
