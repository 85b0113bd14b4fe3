"""The pattern coder's view of labelled sentences: its PLOVER type and trigger per sentence."""

from __future__ import annotations

from dataclasses import dataclass

from ..nlp.models.labels import to_label


@dataclass
class View:
    """What the pattern coder says about a sentence, the classifier's second input."""

    pattern: str  # one of LABELS or NONE
    start: int | None  # trigger offsets within the sentence
    end: int | None


def pattern_views(texts: list[str], pipeline=None) -> list[View]:
    """One View per text from the dictionary coder alone (no classifier).

    The main event is the most confident non-negated one; with no event, the trigger is
    the first sentence's root verb and the type NONE.
    """
    from ..nlp.document import Document
    from ..nlp.pipeline import Pipeline

    pipeline = pipeline or Pipeline(classifier=False)
    views = []
    for doc in pipeline(Document(str(i), t) for i, t in enumerate(texts)):
        events = [e for e in doc.events if not e.negated] or doc.events
        if events:
            main = max(events, key=lambda e: e.confidence)
            views.append(View(to_label(main.event_type), main.trigger_start, main.trigger_end))
        elif doc.sentences:
            sent = doc.sentences[0]
            root = sent.span.root
            start = sent.offset + root.idx
            views.append(View("NONE", start, start + len(root)))
        else:
            views.append(View("NONE", None, None))
    return views
