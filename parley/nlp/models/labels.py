"""The event-type labels the models read and write: the development data's 15-type scheme
(YIELD = CONCEDE + RETREAT), its quad classes, and parley's 16 PLOVER types mapped onto it."""

from __future__ import annotations

from ..ontology import plover_types

# the 15 labels the development data uses; parley's 16 output types map onto them
LABELS = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "COOPERATE",
    "AID",
    "YIELD",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
QUAD_OF = {t: quad for t, (_, quad) in plover_types().items()} | {"YIELD": 2}
# CONCEDE is verbal cooperation and RETREAT material cooperation; merged as YIELD the
# dataset's quad for YIELD follows its more frequent member (RETREAT: releases, withdrawals)


def to_label(event_type: str) -> str:
    """parley's 16-type PLOVER -> the 15-type scheme of the development data."""
    return "YIELD" if event_type in {"CONCEDE", "RETREAT", "YIELD"} else event_type
