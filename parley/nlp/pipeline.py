"""The pipeline: parse -> actors -> events -> classify -> time -> place -> issues, over batches of Documents.

Each stage has a name and declares what it reads and writes on the document (`reads`,
`writes`: Document attributes, `event.X` for an attribute of its events, `scratch.X` for
the stages' working state), the way spaCy components declare what they assign; the
pipeline checks when it is built that every stage reads only what the document brings or
an earlier stage wrote. `stage(name)` finds one; `apply` runs per-document stages by name.

By default the classifier's pass over one batch runs while the next batch is parsed, cut
in two halves, each on PyTorch's one thread, so that both cores keep working while the parse
waits. With the shipped models the halves go to two worker processes
(`classify_workers`): in threads of this process their tensor operations waited on the GIL
for the parse's and the rules' Python (throughput 0.42 of bare spaCy in threads, 0.53 in
processes, in one run on 2 cores). A stream's first batches are smaller (`ramped`), so the
workers start early, and go to threads, as do the first full batches: a stream of fewer
than about 250 documents starts no process. A batch's pass is queued before the previous
batch is finished, so the workers never wait for the parse's thread. A process that has
one core to itself (a Dask worker) runs them in turn (`overlap=False`). Everything that
reads or writes documents stays in the calling thread; a document's events are the same
whichever way its batch was passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from functools import lru_cache
from itertools import chain, islice
from typing import Any

from .classify_workers import ClassifierProcesses
from .document import Document, batched
from .heap import return_freed_memory
from .stages.actors import ActorCoder
from .stages.dyads import DyadSplitter
from .stages.events import EventCoder
from .stages.issues import IssueFinder
from .stages.parse import Parser
from .stages.place import Placer
from .stages.time import EventDater

ZONE_BATCHES = 16  # batches coded in one spaCy memory zone (see `__call__`)
WORKERS = 2  # classifier threads, each predicting a part of the batch (see the module's docstring)
# full batches passed in threads before the worker processes start: starting them costs about
# 5 s of CPU, which a 200-story run does not win back (19.2 s against 18.0 s in threads)
PROCESSES_AFTER = 2
FRONT = ("actors", "events")  # per-document stages between the parse and the classifier
BACK = ("time", "place", "dyads", "issues")  # per-document stages after the classifier
INPUTS = ("text", "date", "title", "url", "source")  # what a Document brings


def check_order(stages: dict[str, Any]) -> None:
    """Every stage reads only what the document brings or an earlier stage writes."""
    available = set(INPUTS)

    def base(attribute: str) -> str:
        return "events" if attribute.startswith("event.") else attribute

    for name, stage in stages.items():
        missing = [r for r in stage.reads if base(r) not in available]
        if missing:
            raise ValueError(f"stage {name!r} reads {', '.join(missing)}, which no earlier stage writes")
        available |= {base(w) for w in stage.writes}


class Pipeline:
    """Builds every stage once and streams Documents through them in batches."""

    def __init__(
        self,
        nlp=None,
        batch_size: int = 64,
        classifier=True,
        score_all_sentences: bool = False,
        tagger=True,
        overlap: bool = True,
        detector=True,
        processes: bool = True,
    ) -> None:
        """`classifier`: True for the shipped event classifier, False for verb patterns
        alone, or a trained `parley.nlp.models.classifier.EventClassifier` to use instead.
        `tagger`: True for the shipped span tagger (it reads the classifier's encoder), a
        trained `parley.nlp.models.tagger.SpanTagger`, or None for the verb rules' actors alone.
        `score_all_sentences`: type every sentence's main verb, for `parley eval`'s diagnostic
        figures and the stage scores (dates, places): the classifier's path, without a detector.
        `detector`: True for the shipped event detector (with the shipped classifier only: it
        reads that encoder), a trained `parley.nlp.models.detector.EventDetector`, or None.
        `overlap`: classify one batch in worker processes or threads while the next is parsed.
        `processes`: with `overlap` and the shipped models, the passes over a long stream's full
        batches in two worker processes (faster; each holds the models, about 0.5 GB), else in
        threads of this process. The events are the same either way."""
        parser = Parser(nlp, batch_size=batch_size)
        self.stages: dict[str, Any] = {
            "parse": parser,
            "actors": ActorCoder(parser.nlp),
            "events": EventCoder(parser.nlp, score_all_sentences),
        }
        if classifier is not False:
            from .stages.classify import EventClassifierStage

            # the classifier's span tagger finds parties that the actor tables then code
            self.stages["classify"] = EventClassifierStage(
                None if classifier is True else classifier, tagger, None if score_all_sentences else detector
            )
        self.stages |= {
            "time": EventDater(),
            "place": Placer(),
            "dyads": DyadSplitter(),
            "issues": IssueFinder(parser.nlp),
        }
        check_order(self.stages)
        self.batch_size = batch_size
        self.overlap = overlap
        shipped = classifier is True and tagger is True and detector is True and not score_all_sentences
        # the shipped models' passes over full batches run in worker processes (see the module's docstring)
        in_processes = overlap and processes and shipped
        self._processes = ClassifierProcesses(WORKERS, self.stages["classify"].predict) if in_processes else None
        self._batches = self._trimmed_at = 0  # batches coded, and when freed heap pages were last given back
        self._full_batches = 0  # full batches passed, counted over calls (`_predict`)

    @property
    def nlp(self):
        """The spaCy model the parse stage runs (and other stages tokenise with)."""
        return self.stages["parse"].nlp

    def stage(self, name: str) -> Any:
        """The stage of that name."""
        try:
            return self.stages[name]
        except KeyError:
            raise KeyError(f"no stage {name!r}: this pipeline has {', '.join(self.stages)}") from None

    def apply(self, doc: Document, names: Sequence[str]) -> None:
        """Run per-document stages, by name, on a document whose earlier stages have run."""
        for name in names:
            self.stage(name)(doc)

    def partial(self, docs: Iterable[Document], through: str) -> Iterator[Document]:
        """Parse documents and run the per-document stages up to and including `through`
        (one of FRONT); the documents keep their parse until the caller releases them."""
        names = FRONT[: FRONT.index(through) + 1]
        for doc in self.stage("parse").pipe(docs):
            self.apply(doc, names)
            yield doc

    def __call__(self, docs: Iterable[Document], *, free_memory: bool = False) -> Iterator[Document]:
        """Code each document; yields them in input order, their `events` filled in and
        their parse released once the consumer moves on.

        `free_memory`: parse in spaCy memory zones, so that the strings and vocabulary
        entries of a long stream's texts are freed every ZONE_BATCHES batches and spaCy's
        vocabulary does not grow; and after every ZONE_BATCHES batches, counted over calls
        (a Dask worker codes one batch a call), give the freed heap pages back to the system
        (`heap.return_freed_memory`). Only for a consumer that uses this model alone while it
        iterates (ingestion does): a zone frees what any user of the model added during it.
        """
        batches = ramped(docs, self.batch_size) if self.overlap else batched(docs, self.batch_size)
        workers = ThreadPoolExecutor(WORKERS, "parley-classify", _single_threaded) if self.overlap else nullcontext()
        with workers as pool:
            for first in batches:
                with self.nlp.memory_zone() if free_memory else nullcontext():
                    yield from self._run(self._counted(chain([first], islice(batches, ZONE_BATCHES - 1))), pool)
                if free_memory and self._batches - self._trimmed_at >= ZONE_BATCHES:
                    return_freed_memory()
                    self._trimmed_at = self._batches

    def _counted(self, batches: Iterable[list[Document]]) -> Iterator[list[Document]]:
        for batch in batches:
            self._batches += 1
            yield batch

    def _run(self, batches: Iterable[list[Document]], pool: ThreadPoolExecutor | None) -> Iterator[Document]:
        """Code batches; each one's classifier pass overlaps the next one's parse when `pool` is given."""
        pending: tuple[list[Document], object, list[Future]] | None = None
        predicted: list[Future] = []
        classify = self.stages.get("classify")
        try:
            for batch in batches:
                docs = list(self.stage("parse").pipe(batch))
                for doc in docs:
                    self.apply(doc, FRONT)
                prepared = classify.prepare(docs) if classify else None
                # queued before the previous batch is finished: the workers go on to it at once
                predicted = self._predict(classify, prepared, pool, len(batch) == self.batch_size) if classify else []
                if pending is not None:
                    yield from self._finish(*pending)
                pending = (docs, prepared, predicted)
            if pending is not None:
                yield from self._finish(*pending)
        finally:
            for future in predicted:  # a run stopped early (interrupted, or its consumer done) wants none
                future.cancel()

    def _predict(self, classify, prepared, pool: ThreadPoolExecutor | None, full: bool) -> list[Future]:
        """The classifier's pass over a batch, in WORKERS parts: in the worker processes once
        the stream has gone past PROCESSES_AFTER full batches (a short one starts none), else in
        `pool`'s threads, or here, in turn, without a pool."""
        self._full_batches += full
        if self._processes is not None and (self._processes.started or self._full_batches > PROCESSES_AFTER):
            return [self._processes.submit(part.portable()) for part in classify.split(prepared, WORKERS)]
        if pool is not None:
            return [pool.submit(classify.predict, part) for part in classify.split(prepared, WORKERS)]
        done: Future = Future()
        done.set_result(classify.predict(prepared))
        return [done]

    def _finish(self, docs: list[Document], prepared, futures: list[Future]) -> Iterator[Document]:
        if futures:
            classify = self.stage("classify")
            classify.apply(prepared, classify.joined([future.result() for future in futures]))
        for doc in docs:
            self.apply(doc, BACK)
        for doc in docs:
            yield doc
            doc.release()  # the consumer is done with it: memory stays flat


def ramped(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Documents in lists of `size`, the first ones smaller (an eighth, a quarter, a half): the
    first batch is parsed while no classifier worker has anything to do, so the sooner it is
    done the sooner both cores work. A document's events do not depend on its batch."""
    it = iter(docs)
    for part in (8, 4, 2):
        if size // part > 1 and (batch := list(islice(it, size // part))):
            yield batch
    yield from batched(it, size)


def _single_threaded() -> None:
    from .models.threads import single_threaded  # PyTorch, imported only by a pipeline that classifies

    single_threaded()


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """One pipeline per process, with the shipped models: they and the tables load once."""
    return Pipeline()
