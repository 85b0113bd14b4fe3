"""Reading the stored events back: `parley events` lists them, `parley export` writes them as
GDELT, ICEWS, PLOVER, Parquet or CSV; both take the same filters."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..corpus.exports import EXPORT_FORMATS
from .common import Subcommands, add_filter_options, filters_from, guarded

if TYPE_CHECKING:
    from ..corpus.query import Filters


def add_events(sub: Subcommands) -> None:
    """`parley events`"""
    p = sub.add_parser(
        "events",
        help="list stored events",
        description="List the stored events that match the filters, in date order (or --sort), "
        "with names beside codes and their evidence (--format jsonl: every mention and its "
        "document; csv: the flat table with the sentence, title and URL of each event's first report).",
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
        "plover (PLOVER JSON Lines), parquet and csv (the flat events table, names beside "
        "codes, the first report's sentence, title and URL; Parquet with list columns). GDELT, "
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
    add_filter_options(p)


def _stored(args: argparse.Namespace, job: Callable[[Filters], object]) -> int:
    """Run `job(filters)` over the database; a bad filter or output, or a database error, is one line."""
    return guarded(lambda: job(filters_from(args)), getattr(args, "output", None))


def cmd_events(args: argparse.Namespace) -> int:
    import json

    from ..api import events, export
    from ..corpus.exports.table import write_table

    def job(filters: Filters) -> None:
        if args.format == "csv":
            export("csv", sys.stdout, filters, db=args.db)
        elif args.format == "jsonl":
            for record in events(filters, db=args.db, as_frame=False):
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            write_table(events(filters, db=args.db, as_frame=False), sys.stdout)

    return _stored(args, job)


def cmd_export(args: argparse.Namespace) -> int:
    from ..api import export

    out = None if args.output in (None, "-") else args.output
    return _stored(args, lambda filters: export(args.format, out, filters, db=args.db))
