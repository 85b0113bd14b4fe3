"""The negotiation agenda of two countries, as plain rows: every issue their events name, its
history and where it stands (`parley.corpus.analysis.agenda` makes a DataFrame of it; `parley
agenda` prints it without pandas)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..nlp.vocab.stances import stance
from .query import country_code
from .store import Store
from .table import Table

COLUMNS = ("issue", "status", "first_date", "last_date", "raised_by", "history")
KINDS = dict(zip(COLUMNS, ("text", "text", "date", "date", "list", "list")))
STATUS = {"agreed": "agreed", "rejected": "rejected", "not agreed": "stalled"}  # else open
PUTS = ("raised", "proposed", "demanded")  # stances that put an issue on the table


def agenda_rows(store: Store, a: str, b: str) -> Table:
    """One row per issue that the events between `a` and `b` name, to follow a negotiation.

    An event belongs to the dyad through `event_dyads` (either way), or when all its parties'
    known countries are `a` or `b`: both named ("the US and Russia discussed X", no recipient),
    or one of them with the place, if any, in `a` or `b` ("Washington raised concerns about X in
    Moscow"). Factual and historical events count, negated ones too ("have not yet reached an
    agreement"). Each event's `stance` comes from its trigger's lemma, else its PLOVER type
    (`vocab/data/stances.tsv`); a negated agreement is "not agreed", another negated stance
    "discussed". `status`: the latest stance decides (agreed -> agreed, rejected ->
    rejected, not agreed -> stalled, raised, proposed or demanded -> open), except that a
    discussion does not undo an agreement, rejection or stall: so an agreement followed by a
    new demand is open again. `raised_by`: the countries that raised, proposed or demanded it
    (else those of its first event). `history`: JSON-ready dicts in date and text order.
    """
    a, b = country_code(a), country_code(b)
    pair = "(actor_country = ? AND recipient_country = ?)"
    named = (
        "(SELECT count(DISTINCT p.country) FROM event_actors p WHERE p.event_key = e.event_key AND p.country IN (?, ?))"
    )
    belongs = (
        f"(e.event_key IN (SELECT event_key FROM event_dyads WHERE {pair} OR {pair})"
        " OR (NOT EXISTS (SELECT 1 FROM event_actors p WHERE p.event_key = e.event_key"
        f" AND p.country NOT IN (?, ?)) AND ({named} = 2 OR ({named} = 1"
        " AND (e.place_country IS NULL OR e.place_country IN (?, ?))))))"
        " AND e.issues <> '[]' AND e.status IN ('factual', 'historical')"
    )
    params = [a, b, b, a] + [a, b] * 4
    names, rows = store.query(
        "SELECT e.event_key, COALESCE(e.date, d.published) AS day, e.event_type, e.cameo, e.negated, e.issues,"
        " m.trigger_text, m.sentence, m.doc_key, d.url, d.ingested_at, m.sentence_index, m.trigger_start"
        " FROM events e JOIN mentions m ON m.event_key = e.event_key JOIN documents d ON d.doc_key = m.doc_key"
        f" WHERE {belongs} ORDER BY e.event_key, d.ingested_at, m.doc_key, m.sentence_index, m.trigger_start",
        params,
    )
    _, parties = store.query(
        "SELECT p.event_key, p.country FROM event_actors p JOIN events e"
        " ON e.event_key = p.event_key WHERE p.role = 'actor' AND p.country IS NOT NULL"
        f" AND {belongs} ORDER BY p.event_key, p.position",
        params,
    )
    by: dict[str, list[str]] = {}
    for key, code in parties:
        if code not in by.setdefault(key, []):
            by[key].append(code)
    first: dict[str, dict[str, Any]] = {}  # the first mention of each event
    for row in (dict(zip(names, r)) for r in rows):
        first.setdefault(row["event_key"], row)
    order = sorted(
        first.values(),
        key=lambda r: (
            r["day"] or dt.date.min,
            r["ingested_at"],
            r["doc_key"],
            r["sentence_index"],
            r["trigger_start"],
        ),
    )
    issues: dict[str, list[dict[str, Any]]] = {}
    for r in order:
        for issue in dict.fromkeys(json.loads(r["issues"])):
            issues.setdefault(issue, []).append(_entry(r, by.get(r["event_key"], [])))
    issue_rows = [_issue(issue, history) for issue, history in issues.items()]
    issue_rows.sort(key=lambda r: (r[2] is not None, r[2] or dt.date.min, r[0]))  # undated issues first
    return Table(list(COLUMNS), issue_rows, KINDS)


def _entry(r: dict[str, Any], by: list[str]) -> dict[str, Any]:
    """One event in an issue's history."""
    taken = stance(r["trigger_text"], r["event_type"])
    if r["negated"]:
        taken = "not agreed" if taken == "agreed" else "discussed"
    return {
        "date": r["day"].isoformat() if r["day"] else None,
        "stance": taken,
        "by": by,
        "event_type": r["event_type"],
        "cameo": r["cameo"],
        "negated": bool(r["negated"]),
        "trigger": r["trigger_text"],
        "sentence": r["sentence"],
        "event_key": r["event_key"],
        "doc_key": r["doc_key"],
        "url": r["url"],
    }


def _issue(issue: str, history: list[dict[str, Any]]) -> list[Any]:
    """An agenda row: the issue's status by the rule of `agenda`, its dates and who raised it."""
    status = "open"
    for entry in history:
        if entry["stance"] != "discussed" or status == "open":
            status = STATUS.get(entry["stance"], "open")
    raisers = [c for e in history if e["stance"] in PUTS for c in e["by"]] or history[0]["by"]
    days = [e["date"] for e in history if e["date"]]
    first, last = (dt.date.fromisoformat(d) if d else None for d in (min(days, default=None), max(days, default=None)))
    return [issue, status, first, last, list(dict.fromkeys(raisers)), history]
