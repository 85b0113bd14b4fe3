"""The pipeline: parse -> actors -> events -> classify -> time -> place -> issues, over batches of Documents.

Each stage has a name and declares what it reads and writes on the document (`reads`,
`writes`: Document attributes, `event.X` for an attribute of its events, `scratch.X` for
the stages' working state), the way spaCy components declare what they assign; the
pipeline checks when it is built that every stage reads only what the document brings or
an earlier stage wrote. `stage(name)` finds one; `apply` runs per-document stages by name.

By default the classifier's forward pass for one batch runs in worker threads while the
next batch is parsed: PyTorch and spaCy's matrix products both release the GIL, so on two
cores the two largest costs overlap. The pass is cut in two halves, each on a worker with
PyTorch on one thread, so that both cores keep reading while the parse waits (on 200
stories 12 s against 15 s for one worker on two PyTorch threads). A process that has one
core to itself (a Dask worker) runs them in turn (`overlap=False`). Everything that reads
or writes documents stays in the calling thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from functools import lru_cache
from itertools import chain, islice
from typing import Any

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
    ) -> None:
        """`classifier`: True for the shipped event classifier, False for verb patterns
        alone, or a trained `parley.nlp.models.classifier.EventClassifier` to use instead.
        `tagger`: True for the shipped span tagger (it reads the classifier's encoder), a
        trained `parley.nlp.models.tagger.SpanTagger`, or None for the verb rules' actors alone.
        `score_all_sentences`: type every sentence's main verb, for `parley eval`'s diagnostic
        figures and the stage scores (dates, places): the classifier's path, without a detector.
        `detector`: True for the shipped event detector (with the shipped classifier only: it
        reads that encoder), a trained `parley.nlp.models.detector.EventDetector`, or None.
        `overlap`: classify one batch in a thread while the next is parsed."""
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
        self._batches = self._trimmed_at = 0  # batches coded, and when freed heap pages were last given back

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
        batches = batched(docs, self.batch_size)
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
        classify = self.stages.get("classify")
        for batch in batches:
            docs = list(self.stage("parse").pipe(batch))
            for doc in docs:
                self.apply(doc, FRONT)
            if pending is not None:
                yield from self._finish(*pending)
            prepared = classify.prepare(docs) if classify else None
            pending = (docs, prepared, self._predict(classify, prepared, pool) if classify else [])
        if pending is not None:
            yield from self._finish(*pending)

    @staticmethod
    def _predict(classify, prepared, pool: ThreadPoolExecutor | None) -> list[Future]:
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


def _single_threaded() -> None:
    from .models.threads import single_threaded  # PyTorch, imported only by a pipeline that classifies

    single_threaded()


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """One pipeline per process, with the shipped models: they and the tables load once."""
    return Pipeline()
