"""Hostile reads (issue 24): every read path bounded in memory while reading, non-regular files
never opened from a directory, signals heard while reading, and true reasons for refusals.

The readers run in real child processes over real files, FIFOs, devices and pipes, under an
address-space limit, so a reader that holds a whole endless line dies of it here instead of
taking the machine down."""

from __future__ import annotations

import json
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from parley.cli import main
from parley.corpus.store import open_store

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1 << 30  # bytes of address space a reading child may have (it needs about 200 MB)
WAIT_S = 60
# a child that reads its inputs as `parley` does and prints one line per document or failure
READER = (
    "import sys\n"
    "from parley.corpus.sources import ReadOptions, documents\n"
    "for item in documents(sys.argv[2:], ReadOptions(input_format=sys.argv[1])):\n"
    "    print(getattr(item, 'id', None) and f'document {item.id}' or item, flush=True)\n"
    "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM:')][0]\n"  # not ru_maxrss: it
    "print(peak.split()[1], file=sys.stderr)\n"  # keeps the parent's peak across fork and exec
)
ENGLISH = "Russia and Ukraine met in Istanbul on Monday and agreed to exchange prisoners."


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def read_in_child(*inputs: str, fmt: str = "auto", stdin=subprocess.DEVNULL) -> tuple[int, list[str], int]:
    """(exit status, lines printed, peak resident kB) of a child process reading the inputs."""
    child = subprocess.Popen(
        [sys.executable, "-c", READER, fmt, *inputs],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        preexec_fn=_capped,
    )
    try:
        out, err = child.communicate(timeout=WAIT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail(f"the reader still runs after {WAIT_S} s (inputs {inputs})")
    peak = err.decode(errors="replace").strip()
    assert child.returncode == 0 and peak.isdigit(), peak[-2000:]
    return child.returncode, out.decode().splitlines(), int(peak)


def test_devices_fifos_and_sockets_in_a_directory_are_skipped_with_one_line_each(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "x.jsonl").symlink_to("/dev/zero")  # once grew to 23 GB
    os.mkfifo(folder / "b.jsonl")  # once hung forever, waiting for a writer
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "s.txt"))
    (folder / "good.txt").write_text(ENGLISH)
    try:
        _, lines, _ = read_in_child(str(folder))
    finally:
        sock.close()
    assert lines == [
        f"{folder / 'b.jsonl'}: skipped: a named pipe (FIFO), not a regular file",
        f"document {folder / 'good.txt'}",
        f"{folder / 's.txt'}: skipped: a socket, not a regular file",
        f"{folder / 'x.jsonl'}: skipped: a character device, not a regular file",
    ]


def test_a_device_named_as_an_input_is_read_as_a_bounded_stream():
    _, lines, peak_kb = read_in_child("/dev/zero", fmt="jsonl")
    assert lines == [
        "/dev/zero:1: record too large (no line end in the first 80.0 MB; the limit is 5.0 MB, see --max-bytes);"
        " the rest of the input is skipped"
    ]
    _, lines, _ = read_in_child("/dev/zero")
    assert lines == ["/dev/zero: too large (over 5.0 MB; see --max-bytes)"]
    assert peak_kb < 400 * 1024


def test_an_endless_line_on_standard_input_is_bounded_in_memory():
    # 2 GB of zeros with no line end, as `head -c 2G /dev/zero | parley code - --input jsonl`
    feeder = subprocess.Popen(["head", "-c", str(2 << 30), "/dev/zero"], stdout=subprocess.PIPE)
    try:
        _, lines, peak_kb = read_in_child("-", fmt="jsonl", stdin=feeder.stdout)
    finally:
        feeder.kill()
        feeder.wait()
    assert len(lines) == 1 and lines[0].startswith("-:1: record too large (no line end in the first 80.0 MB;")
    assert peak_kb < 400 * 1024  # 5 MB lines held at most: the reader stays near its import size


def test_an_overlong_line_is_skipped_and_the_next_records_read(tmp_path):
    corpus = tmp_path / "big.jsonl"
    with open(corpus, "wb") as f:
        f.write(json.dumps({"id": "a", "text": ENGLISH}).encode() + b"\n")
        f.write(b'{"id": "huge", "text": "' + b"x" * (40 << 20) + b'"}\n')  # 40 MB: over the 5 MB limit
        f.write(json.dumps({"id": "b", "text": ENGLISH + " Talks go on."}).encode() + b"\n")
    _, lines, peak_kb = read_in_child(str(corpus))
    assert lines == [
        "document a",
        f"{corpus}:2: record too large (40.0 MB; the limit is 5.0 MB, see --max-bytes)",
        "document b",
    ]
    assert peak_kb < 400 * 1024


def _json_lines(tmp_path: Path, lines: dict[str, bytes]) -> Path:
    path = tmp_path / "reasons.jsonl"
    path.write_bytes(b"\n".join(lines.values()) + b"\n")
    return path


TEXT = ENGLISH.encode()
REASONS = {  # a JSON Lines line -> the reason it is refused
    "not UTF-8 text (byte 0xe9 at offset 29)": b'{"id": "latin1", "text": "Caf\xe9 talks: ' + TEXT + b'"}',
    "a NUL byte (at byte 23); a JSON Lines record is UTF-8 text": b'{"id": "nul", "text": "\x00' + TEXT + b'"}',
    "not UTF-8 text (UTF-16 or UTF-32, by its byte order mark)": '{"id": "u16"}'.encode("utf-16"),
    'an "id" must be a string or an integer, not a number with a fraction or exponent (Infinity)': (
        b'{"id": 1e400, "text": "' + TEXT + b'"}'
    ),
    'an "id" must be a string or an integer, not true or false (true)': (b'{"id": true, "text": "' + TEXT + b'"}'),
    'an "id" must be a string or an integer, not an array (["a"])': b'{"id": ["a"], "text": "' + TEXT + b'"}',
    "too short to be a document (0 words; at least 2 needed)": b'{"id": "one", "text": "x"}',
}


def test_json_lines_refusals_give_their_true_reason(tmp_path):
    path = _json_lines(tmp_path, REASONS)
    _, lines, _ = read_in_child(str(path))
    assert lines == [f"{path}:{n}: {reason}" for n, reason in enumerate(REASONS, 1)]
    # an integer id is the id, as text
    path.write_text(json.dumps({"id": 42, "text": ENGLISH}) + "\n")
    assert read_in_child(str(path))[1] == ["document 42"]


def test_binary_is_binary_and_text_with_a_few_control_characters_is_cleaned(tmp_path):
    rng = random.Random(24)
    for n in range(5):
        noise = bytes(rng.getrandbits(8) for _ in range(4096))
        (tmp_path / f"r{n}.bin").write_bytes(noise)
        (tmp_path / f"s{n}.bin").write_bytes(noise.replace(b"\0", b"\1"))  # no NUL byte to give it away
    # 6 control characters in 85: refused as "binary data" before
    text = "Russia\x01 and\x02 Ukraine met\x03 in Istanbul\x04 on Monday.\x1b[2J Talks\x07 resumed."
    (tmp_path / "controls.txt").write_text(text)
    _, lines, _ = read_in_child(str(tmp_path))
    binary = [line for line in lines if ".bin: binary data, not text (" in line]
    assert len(binary) == 10 and lines[0] == f"document {tmp_path / 'controls.txt'}"
    assert "cannot be decoded" not in " ".join(lines)


def test_cleaned_text_is_coded_with_offsets_of_the_file(tmp_path, pipeline):
    from parley.corpus.sources import documents

    path = tmp_path / "controls.txt"
    raw = "Russia\x01 and Ukraine met in Istanbul on Monday.\x1b]0;owned\x07 Talks resumed."
    path.write_text(raw)
    (doc,) = documents([str(path)])
    assert doc.text == raw.replace("\x01", " ").replace("\x1b", " ").replace("\x07", " ")
    (coded,) = pipeline([doc])
    assert coded.events and all(doc.text[e.trigger_start : e.trigger_end] == e.trigger_text for e in coded.events)


def test_a_reused_id_with_a_different_text_is_refused_not_doubled(tmp_path, capsys, pipeline):
    db = tmp_path / "corpus.duckdb"
    first, second = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first.write_text(json.dumps({"id": "story-1", "text": ENGLISH}) + "\n")
    edited = "Russia and Ukraine met in Geneva on Tuesday and agreed to a ceasefire."
    second.write_text(
        json.dumps({"id": "story-1", "text": edited})
        + "\n"
        + json.dumps({"id": "story-2", "text": edited + " Talks go on."})
        + "\n"
        + json.dumps({"id": "story-2", "text": ENGLISH + " Then more talks."})  # the same run: refused too
        + "\n"
    )
    assert main(["ingest", str(first), "--db", str(db), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["ingest", str(second), "--db", str(db), "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    reason = "refused: a document with this id and a different text is already stored; give a new version its own id"
    assert err == [f"parley: story-1: {reason}", f"parley: story-2: {reason}"]
    store = open_store(str(db))
    try:
        ids = [r[0] for r in store.query("SELECT doc_id FROM documents ORDER BY doc_id")[1]]
    finally:
        store.close()
    assert ids == ["story-1", "story-2"]


@pytest.mark.slow
def test_sigterm_is_heard_while_a_read_waits(tmp_path):
    """`parley code` blocked opening a FIFO that has no writer ends on SIGTERM, with one line."""
    fifo = tmp_path / "wait.txt"
    os.mkfifo(fifo)
    child = subprocess.Popen(
        [sys.executable, "-m", "parley", "code", str(fifo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 180  # the model loads first
    while Path(f"/proc/{child.pid}/wchan").read_text() not in ("wait_for_partner", "fifo_open"):
        assert child.poll() is None and time.monotonic() < deadline, "never reached the FIFO"
        time.sleep(0.2)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=20)
    assert child.returncode == 128 + signal.SIGTERM and err.strip().splitlines() == ["parley: terminated"]


def test_a_saved_feed_reads_local_pages_only_inside_its_folder(tmp_path, capsys, pipeline):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "page.html").write_text(f"<html><body><article><p>{ENGLISH} The secret plan.</p></article></body></html>")
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "feed.rss").write_text(
        '<rss version="2.0"><channel><title>t</title><item><title>x</title><guid isPermaLink="false">s1</guid>'
        "<link>../secret/page.html</link><description>Turkey and Greece held talks in Ankara.</description>"
        "</item></channel></rss>"
    )
    db = tmp_path / "corpus.duckdb"
    assert main(["ingest", str(feeds), "--db", str(db), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"parley: {feeds / 'feed.rss'}#item 1: refused: the linked page {secret / 'page.html'} is outside "
        f"the feed's folder {feeds} (see --links-root)\n"
    )
    assert main(["code", str(feeds), "--links-root", str(tmp_path), "--format", "jsonl"]) == 0
    assert '"trigger": {"text": "agreed"' in capsys.readouterr().out  # coded from the page, not the summary


def _trickling_server(head: bytes, every: float, line: bytes) -> tuple[str, threading.Event]:
    """A server on loopback that answers each connection with `head`, then `line` every `every` s
    until stopped: (its URL, the event that stops it)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(head)
                while not stop.wait(every):
                    conn.sendall(line)
            except OSError:
                pass

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
        listener.close()

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/page.html", stop


@pytest.mark.parametrize(
    "head, line",
    [
        (b"HTTP/1.1 200 OK\r\n", b"X-Slow: 1\r\n"),  # one header line at a time: never the end of the head
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n", b"<p>"),  # a slow body
    ],
    ids=["headers", "body"],
)
def test_one_deadline_covers_the_whole_fetch_and_says_the_real_time(head, line):
    from parley.corpus.readers import web
    from parley.corpus.sources import InputError

    url, stop = _trickling_server(head, 0.3, line)
    started = time.monotonic()
    try:
        with pytest.raises(InputError) as refused:
            web.fetch(url, 1_000_000, timeout=2, allow_net=["127.0.0.1"])
    finally:
        stop.set()
    took = time.monotonic() - started
    assert took < 3.5
    said = re.fullmatch(r"timed out after (\d+\.\d) s \(the limit is 2 s for the whole fetch\)", str(refused.value))
    assert said and abs(float(said.group(1)) - took) < 0.5, str(refused.value)
