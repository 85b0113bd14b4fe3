"""The shipped classifier's passes in worker processes (`parley.nlp.classify_workers`) give
every event exactly as a pass in the coding process does."""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import signal
import time

import pytest

from parley.nlp.classify_workers import serve
from parley.nlp.document import Document
from parley.nlp.pipeline import FRONT, PROCESSES_AFTER, Pipeline, ramped

from .conftest import ROOT

BATCH = 8  # small batches: a stream of 40 documents passes PROCESSES_AFTER full ones and starts the workers


def _texts(n: int) -> list[str]:
    """n documents, each one of the labelled sentences and one of the example articles."""
    with open(ROOT / "tests" / "data" / "gold_events.csv", encoding="utf-8", newline="") as f:
        sentences = [row["text"] for row in csv.DictReader(f)]
    articles = [json.loads(line)["text"] for line in (ROOT / "examples" / "articles.jsonl").open(encoding="utf-8")]
    return [f"{sentences[i % len(sentences)]} {articles[i % len(articles)]}" for i in range(n)]


def _coded(coder: Pipeline, texts: list[str]) -> list[list]:
    return [doc.events for doc in coder(Document(f"d{i}", t) for i, t in enumerate(texts))]


@pytest.fixture(scope="module")
def in_threads(pipeline):
    return Pipeline(pipeline.nlp, batch_size=BATCH, processes=False)


@pytest.fixture(scope="module")
def in_processes(pipeline):
    coder = Pipeline(pipeline.nlp, batch_size=BATCH)
    yield coder
    coder._processes.close()


def test_ramped_batches_start_small():
    sizes = [len(b) for b in ramped((Document(str(i), "x") for i in range(300)), 64)]
    assert sizes == [8, 16, 32, 64, 64, 64, 52]
    assert [len(b) for b in ramped((Document(str(i), "x") for i in range(5)), 64)] == [5]
    assert [len(b) for b in ramped((Document(str(i), "x") for i in range(5)), 2)] == [2, 2, 1]


def test_the_workers_code_what_the_coding_process_codes(in_threads, in_processes):
    texts = _texts(40)
    expected = _coded(in_threads, texts)
    assert sum(map(len, expected)) > 20
    assert _coded(in_processes, texts) == expected
    assert len(in_processes._processes.pids) == 2  # a full batch started them


def test_a_short_stream_starts_no_worker(pipeline):
    coder = Pipeline(pipeline.nlp, batch_size=BATCH)
    assert _coded(coder, _texts(6 + PROCESSES_AFTER * BATCH))  # the ramp's 2 and 4, then full batches
    assert not coder._processes.started and coder._processes.pids == []


def test_a_worker_that_stops_is_replaced_by_its_thread(in_threads, in_processes):
    texts = _texts(40)
    expected = _coded(in_threads, texts)
    assert _coded(in_processes, texts) == expected
    for pid in in_processes._processes.pids:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while in_processes._processes.pids and time.monotonic() < deadline:
        time.sleep(0.05)
    assert in_processes._processes.pids == []
    assert _coded(in_processes, texts) == expected


def test_a_worker_replies_with_the_pass_or_the_error(pipeline):
    docs = list(pipeline.stage("parse").pipe([Document("d", _texts(1)[0])]))
    for doc in docs:
        pipeline.apply(doc, FRONT)
    classify = pipeline.stage("classify")
    batch = classify.prepare(docs).portable()
    requests = io.BytesIO(pickle.dumps(batch) + pickle.dumps("not a batch"))
    replies = io.BytesIO()
    serve(requests, replies)
    replies.seek(0)
    ok, (probs, spans, detected) = pickle.load(replies)
    expected = classify.predict(batch)
    assert ok and (probs == expected[0]).all() and spans == expected[1]
    assert all((a == b).all() for a, b in zip(detected, expected[2], strict=True))
    ok, error = pickle.load(replies)
    assert not ok and error.startswith("AttributeError:"), error


def test_a_single_threaded_thread_keeps_one_thread_whatever_others_set():
    """PyTorch gives a thread, at its first parallel operation, the count last set anywhere:
    `single_threaded` must fix its own first (a worker's fallback pass ran on two threads)."""
    import threading

    import torch

    from parley.nlp.models.threads import single_threaded

    ready, go, seen = threading.Event(), threading.Event(), []

    def work() -> None:
        single_threaded()
        ready.set()
        go.wait()
        x = torch.ones(512, 512)
        x @ x
        seen.append(torch.get_num_threads())

    before = torch.get_num_threads()
    thread = threading.Thread(target=work)
    thread.start()
    ready.wait()
    torch.set_num_threads(2)  # what `one_thread` does on leaving, in another thread
    go.set()
    thread.join()
    torch.set_num_threads(before)
    assert seen == [1]
