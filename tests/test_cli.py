"""The `parley code` command: inputs, formats, bad input and exit status."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.cli import main

from .conftest import EXAMPLES

ARTICLE = "Russia and China held talks in Beijing on Monday. Russia condemned the sanctions imposed by Britain."


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run(capsys, monkeypatch, args, stdin: bytes = b""):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_table_output(capsys, monkeypatch, article, pipeline):
    status, out, err = run(capsys, monkeypatch, ["code", str(article), "--date", "2025-03-05"])
    assert status == 0 and err == ""
    assert "TYPE" in out and "CAMEO" in out and "ACTOR -> RECIPIENT" in out
    assert "CONSULT" in out and "Beijing, CHN" in out and "2025-03-03" in out


def test_jsonl_records_and_stable_ids(capsys, monkeypatch, article, pipeline):
    _, out1, _ = run(capsys, monkeypatch, ["code", str(article), "--date", "2025-03-05", "--format", "jsonl"])
    _, out2, _ = run(capsys, monkeypatch, ["code", str(article), "--date", "2025-03-05", "--format", "jsonl"])
    records = [json.loads(line) for line in out1.splitlines()]
    assert records and out1 == out2
    required = {
        "doc_id",
        "event_id",
        "event_type",
        "mode",
        "contexts",
        "cameo",
        "cameo_root",
        "quad_class",
        "goldstein",
        "actors",
        "recipients",
        "date",
        "date_precision",
        "location",
        "negated",
        "status",
        "issues",
        "sentence",
        "sentence_index",
        "trigger",
        "confidence",
    }
    for r in records:
        assert required <= set(r)
        assert r["doc_id"] == str(article)
        assert r["cameo"].startswith(r["cameo_root"])
        assert ARTICLE[r["trigger"]["start"] : r["trigger"]["end"]] == r["trigger"]["text"]
        assert 0 <= r["confidence"] <= 1
    assert len({r["event_id"] for r in records}) == len(records)


def test_json_array(capsys, monkeypatch, article, pipeline):
    status, out, _ = run(capsys, monkeypatch, ["code", str(article), "--format", "json"])
    assert status == 0 and isinstance(json.loads(out), list)


def test_several_files_a_directory_and_stdin(capsys, monkeypatch, tmp_path, article, pipeline):
    folder = tmp_path / "dir"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "b.txt").write_text("Israel released twenty prisoners to Egypt.", encoding="utf-8")
    stdin = b"Japan provided aid to the Philippines after the storm."
    status, out, err = run(capsys, monkeypatch, ["code", str(article), str(folder), "-", "--format", "jsonl"], stdin)
    assert status == 0, err
    ids = {json.loads(line)["doc_id"] for line in out.splitlines()}
    assert ids == {str(article), str(folder / "sub" / "b.txt"), "-"}


def test_jsonl_input(capsys, monkeypatch, pipeline):
    status, out, err = run(
        capsys, monkeypatch, ["code", "--input", "jsonl", str(EXAMPLES / "articles.jsonl"), "--format", "jsonl"]
    )
    assert status == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert {r["doc_id"] for r in records} >= {"tbilisi-protest", "sudan-aid"}
    # each record's own publication date is used
    assert all(r["date"].startswith("2024-06") for r in records if r["doc_id"] == "sudan-aid")


BAD_INPUTS = {
    "empty.txt": (b"   \n", "empty"),
    "binary.bin": (bytes(range(256)) * 8, "binary"),
    "latin1.txt": ("Le président a rencontré le ministre à Genève.".encode("latin-1"), "not UTF-8"),
    "french.txt": (
        "Le président de la République a rencontré hier à Genève le ministre russe des Affaires "
        "étrangères pour discuter de la guerre en Ukraine et des sanctions.".encode(),
        "not English",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_one_line_and_the_rest_goes_on(capsys, monkeypatch, tmp_path, article, pipeline, name):
    data, reason = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    status, out, err = run(capsys, monkeypatch, ["code", str(bad), str(article), "--format", "jsonl"])
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and reason in lines[0]
    assert "Traceback" not in err
    assert {json.loads(line)["doc_id"] for line in out.splitlines()} == {str(article)}


def test_large_and_missing_inputs(capsys, monkeypatch, tmp_path, article, pipeline):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.write(b"The minister met the envoy. " * (20 * 1024 * 1024 // 28 + 1))
    missing = tmp_path / "nope.txt"
    status, out, err = run(capsys, monkeypatch, ["code", str(big), str(missing), str(article)])
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert str(big) in lines[0] and "too large" in lines[0]
    assert str(missing) in lines[1] and "no such file" in lines[1]
    assert "CONSULT" in out


def test_bad_jsonl_lines_are_reported_by_line(capsys, monkeypatch, tmp_path, pipeline):
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text(
        '{"id": "a", "text": "Iran condemned the attack on the embassy."}\n'
        "not json\n"
        '{"id": "c"}\n'
        '{"id": "d", "text": "Peru recalled its ambassador.", "date": "yesterday"}\n',
        encoding="utf-8",
    )
    status, out, err = run(capsys, monkeypatch, ["code", str(corpus), "--format", "jsonl"])
    assert status == 1
    assert [line.split(":")[2] for line in err.strip().splitlines()] == ["2", "3", "4"]
    assert {json.loads(line)["doc_id"] for line in out.splitlines()} == {"a"}


def test_usage_errors_exit_2_without_traceback():
    for args in (["code"], ["code", "x.txt", "--date", "28/02/2025"], ["frobnicate"], ["code", "x", "--format", "xml"]):
        result = subprocess.run([sys.executable, "-m", "parley", *args], capture_output=True, text=True)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr and "usage:" in result.stderr


def test_a_share_of_the_tuned_layers_needs_the_encoder_and_a_share(capsys, tmp_path):
    for args in (["--mix", "0.5"], ["--encoder", "a.jsonl", "b.jsonl", "--mix", "0"], ["--mix", "1.5"]):
        assert main(["train", "--out", str(tmp_path), *args]) == 2, args
        assert "--mix" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_bad_row_of_the_users_own_tables_is_one_line(tmp_path, article):
    (tmp_path / "places_own.tsv").write_text(
        "name\tcountry\tkind\tlat\tlon\tpopulation\taliases\nNowhereville\tSYR\ttown\t\t\t0\t\n", encoding="utf-8"
    )
    env = {**os.environ, "PARLEY_VOCAB_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "parley", "code", str(article)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "parley: places_own.tsv: Nowhereville (SYR) has no coordinates and is no GeoNames city"
    )
    assert "Traceback" not in result.stderr


def test_installed_command_runs(article):
    command = Path(sys.executable).parent / "parley"  # the console script installed beside this Python
    result = subprocess.run(
        [str(command), "code", str(article), "--date", "2025-03-05", "--format", "jsonl"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert any(json.loads(line)["event_type"] == "CONSULT" for line in result.stdout.splitlines())
