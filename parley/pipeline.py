"""The pipeline: parse -> actors -> events -> classify -> time -> place -> issues, over batches of Documents.

The classifier's forward pass for one batch runs in a worker thread while the next batch
is parsed: PyTorch and spaCy's matrix products both release the GIL, so on two cores the
two largest costs overlap. Everything that reads or writes documents stays in the main
thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice

from .document import Document
from .stages.actors import ActorCoder
from .stages.events import EventCoder
from .stages.issues import IssueFinder
from .stages.parse import Parser
from .stages.place import Placer
from .stages.time import EventDater


class Pipeline:
    """Builds every stage once and streams Documents through them in batches."""

    def __init__(self, nlp=None, batch_size: int = 64, classifier=True, score_all_sentences: bool = False,
                 tagger=True) -> None:
        """`classifier`: True for the shipped event classifier, False for verb patterns
        alone, or a trained `parley.learn.model.EventClassifier` to use instead.
        `tagger`: True for the shipped span tagger (it reads the classifier's encoder), a
        trained `parley.learn.spans.SpanTagger`, or None for the verb rules' actors alone.
        `score_all_sentences`: type every sentence's main verb, for `parley eval`."""
        self.parser = Parser(nlp, batch_size=batch_size)
        self.actor_coder = ActorCoder(self.parser.nlp)
        self.front = [self.actor_coder, EventCoder(self.parser.nlp, score_all_sentences)]
        self.classifier = None
        if classifier is not False:
            from .stages.classify import EventClassifierStage

            self.classifier = EventClassifierStage(None if classifier is True else classifier, tagger,
                                                   self.actor_coder)
        self.back = [EventDater(), Placer(), IssueFinder(self.parser.nlp)]
        self.batch_size = batch_size

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Code each document; yields them in input order, their `events` filled in."""
        it = iter(docs)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parley-classify") as pool:
            pending: tuple[list[Document], object, Future] | None = None
            while True:
                batch = list(islice(it, self.batch_size))
                ready = None
                if batch:
                    docs_ = list(self.parser.pipe(batch))
                    for stage in self.front:
                        for doc in docs_:
                            stage(doc)
                    ready = docs_
                if pending is not None:
                    yield from self._finish(*pending)
                    pending = None
                if ready is None:
                    return
                prepared = self.classifier.prepare(ready) if self.classifier else None
                future = pool.submit(self.classifier.predict, prepared) if self.classifier else None
                pending = (ready, prepared, future)

    def _finish(self, docs: list[Document], prepared, future: Future | None) -> Iterator[Document]:
        if future is not None:
            self.classifier.apply(prepared, future.result())
        for stage in self.back:
            for doc in docs:
                stage(doc)
        for doc in docs:
            yield doc
            doc.release()  # the consumer is done with it: memory stays flat
