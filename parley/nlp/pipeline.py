"""The pipeline: parse -> actors -> events -> classify -> time -> place -> issues, over batches of Documents.

By default the classifier's forward pass for one batch runs in a worker thread while the
next batch is parsed: PyTorch and spaCy's matrix products both release the GIL, so on two
cores the two largest costs overlap. A process that has one core to itself (a Dask worker)
runs them in turn (`overlap=False`). Everything that reads or writes documents stays in
the calling thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from functools import lru_cache
from itertools import chain, islice

from .document import Document, batched
from .heap import return_freed_memory
from .stages.actors import ActorCoder
from .stages.events import EventCoder
from .stages.issues import IssueFinder
from .stages.parse import Parser
from .stages.place import Placer
from .stages.time import EventDater

ZONE_BATCHES = 16  # batches coded in one spaCy memory zone (see `__call__`)


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
    ) -> None:
        """`classifier`: True for the shipped event classifier, False for verb patterns
        alone, or a trained `parley.nlp.models.classifier.EventClassifier` to use instead.
        `tagger`: True for the shipped span tagger (it reads the classifier's encoder), a
        trained `parley.nlp.models.tagger.SpanTagger`, or None for the verb rules' actors alone.
        `score_all_sentences`: type every sentence's main verb, for `parley eval`.
        `overlap`: classify one batch in a thread while the next is parsed."""
        self.parser = Parser(nlp, batch_size=batch_size)
        self.actor_coder = ActorCoder(self.parser.nlp)
        self.front = [self.actor_coder, EventCoder(self.parser.nlp, score_all_sentences)]
        self.classifier = None
        if classifier is not False:
            from .stages.classify import EventClassifierStage

            self.classifier = EventClassifierStage(None if classifier is True else classifier, tagger, self.actor_coder)
        self.back = [EventDater(), Placer(), IssueFinder(self.parser.nlp)]
        self.batch_size = batch_size
        self.overlap = overlap
        self._batches = self._trimmed_at = 0  # batches coded, and when freed heap pages were last given back

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
        with ThreadPoolExecutor(1, thread_name_prefix="parley-classify") if self.overlap else nullcontext() as pool:
            for first in batches:
                with self.parser.nlp.memory_zone() if free_memory else nullcontext():
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
        pending: tuple[list[Document], object, Future | None] | None = None
        for batch in batches:
            docs = list(self.parser.pipe(batch))
            for stage in self.front:
                for doc in docs:
                    stage(doc)
            if pending is not None:
                yield from self._finish(*pending)
            prepared = self.classifier.prepare(docs) if self.classifier else None
            pending = (docs, prepared, self._predict(prepared, pool) if self.classifier else None)
        if pending is not None:
            yield from self._finish(*pending)

    def _predict(self, prepared, pool: ThreadPoolExecutor | None) -> Future:
        if pool is not None:
            return pool.submit(self.classifier.predict, prepared)
        done: Future = Future()
        done.set_result(self.classifier.predict(prepared))
        return done

    def _finish(self, docs: list[Document], prepared, future: Future | None) -> Iterator[Document]:
        if future is not None:
            self.classifier.apply(prepared, future.result())
        for stage in self.back:
            for doc in docs:
                stage(doc)
        for doc in docs:
            yield doc
            doc.release()  # the consumer is done with it: memory stays flat


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """One pipeline per process, with the shipped models: they and the tables load once."""
    return Pipeline()
