"""Reading the stored events back: `parley events` lists them, `parley export` writes them as
GDELT, ICEWS, PLOVER, Parquet or CSV; both take the same filters."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..corpus.exports import EXPORT_FORMATS
from .common import Subcommands, add_db_option, guarded

if TYPE_CHECKING:
    from ..corpus.query import Filters


def add_events(sub: Subcommands) -> None:
    """`parley events`"""
    p = sub.add_parser(
        "events",
        help="list stored events",
        description="List the stored events that match the filters, in date order, "
        "with their evidence (--format jsonl: every mention and its document).",
    )
    _filter_options(p)
    p.add_argument(
        "--format", choices=("table", "csv", "jsonl"), default="table", help="output format (default: table)"
    )
    p.set_defaults(func=cmd_events)


def add_export(sub: Subcommands) -> None:
    """`parley export --format FORMAT`"""
    p = sub.add_parser(
        "export",
        help="export stored events as GDELT, ICEWS, PLOVER, Parquet or CSV",
        description="Write the stored events that match the filters in a standard format: "
        "gdelt (GDELT 2.0 event table, no header), icews (ICEWS coded event data), "
        "plover (PLOVER JSON Lines), parquet, csv (the flat events table). GDELT, "
        "ICEWS and PLOVER carry only events reported as having happened.",
    )
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="export format")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (default, or -: standard output; parquet needs a file)"
    )
    _filter_options(p)
    p.set_defaults(func=cmd_export)


def _filter_options(p: argparse.ArgumentParser) -> None:
    """The options of `parley events` and `parley export`: the database and the filters."""
    add_db_option(p)
    p.add_argument("--actor", help="an actor's country or code prefix (USA, USAGOV, IGOUNO)")
    p.add_argument("--recipient", help="a recipient's country or code prefix")
    p.add_argument("--dyad", help="two countries, either way round (USA-RUS)")
    p.add_argument("--type", dest="event_type", help="PLOVER event type (CONSULT, ASSAULT ...)")
    p.add_argument("--cameo", help="CAMEO code or prefix (04, 044)")
    p.add_argument("--since", help="events on or after this date (YYYY-MM-DD)")
    p.add_argument("--until", help="events on or before this date (YYYY-MM-DD)")
    p.add_argument("--place", help="the event's country (TUR)")
    p.add_argument("--limit", type=int, help="at most this many events")
    p.add_argument("--offset", type=int, default=0, help="skip this many events first")


def _stored(args: argparse.Namespace, job: Callable[[Filters], object]) -> int:
    """Run `job(filters)` over the database; a bad filter or output, or a database error, is one line."""
    from ..corpus.query import Filters

    return guarded(
        lambda: job(
            Filters(
                actor=args.actor,
                recipient=args.recipient,
                dyad=args.dyad,
                event_type=args.event_type,
                cameo=args.cameo,
                since=args.since,
                until=args.until,
                place=args.place,
                limit=args.limit,
                offset=args.offset,
            )
        ),
        getattr(args, "output", None),
    )


def cmd_events(args: argparse.Namespace) -> int:
    import json

    from ..api import events, export
    from ..corpus.exports.table import write_table

    def job(filters: Filters) -> None:
        if args.format == "csv":
            export("csv", sys.stdout, filters, db=args.db)
        elif args.format == "jsonl":
            for record in events(filters, db=args.db):
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            write_table(events(filters, db=args.db), sys.stdout)

    return _stored(args, job)


def cmd_export(args: argparse.Namespace) -> int:
    from ..api import export

    out = None if args.output in (None, "-") else args.output
    return _stored(args, lambda filters: export(args.format, out, filters, db=args.db))
