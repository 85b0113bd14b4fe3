"""The pipeline: parse -> actors -> events -> classify -> time -> place, over batches of Documents."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from .document import Document
from .stages.actors import ActorCoder
from .stages.events import EventCoder
from .stages.parse import Parser
from .stages.place import Placer
from .stages.time import EventDater


class Pipeline:
    """Builds every stage once and streams Documents through them in batches."""

    def __init__(self, nlp=None, batch_size: int = 64, classifier=True, score_all_sentences: bool = False) -> None:
        """`classifier`: True for the shipped event classifier, False for verb patterns
        alone, or a trained `parley.learn.model.EventClassifier` to use instead.
        `score_all_sentences`: type every sentence's main verb, for `parley eval`."""
        self.parser = Parser(nlp, batch_size=batch_size)
        self.stages = [ActorCoder(self.parser.nlp), EventCoder(self.parser.nlp, score_all_sentences)]
        if classifier is not False:
            from .stages.classify import EventClassifierStage

            self.stages.append(EventClassifierStage(None if classifier is True else classifier))
        self.stages += [EventDater(), Placer()]
        self.batch_size = batch_size

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Code each document; yields them in input order, their `events` filled in."""
        it = iter(docs)
        while batch := list(islice(it, self.batch_size)):
            docs = list(self.parser.pipe(batch))
            for stage in self.stages:
                if hasattr(stage, "pipe"):
                    stage.pipe(docs)  # a stage that batches across documents
                else:
                    for doc in docs:
                        stage(doc)
            for doc in docs:
                yield doc
                doc.release()  # the consumer is done with it: memory stays flat
