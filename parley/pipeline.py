"""The pipeline: parse -> actors -> events -> time -> place, over batches of Documents."""

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

    def __init__(self, nlp=None, batch_size: int = 64) -> None:
        self.parser = Parser(nlp, batch_size=batch_size)
        self.stages = [ActorCoder(self.parser.nlp), EventCoder(self.parser.nlp), EventDater(), Placer()]
        self.batch_size = batch_size

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Code each document; yields them in input order, their `events` filled in."""
        it = iter(docs)
        while batch := list(islice(it, self.batch_size)):
            for doc in self.parser.pipe(batch):
                for stage in self.stages:
                    stage(doc)
                yield doc
                doc.release()  # the consumer is done with it: memory stays flat
