"""Storing: `parley ingest` codes articles into the database (or Parquet files), here or on a
Dask cluster, and `parley recode` codes stored articles again with the current coder; both with
progress (`progress.py`) and a summary."""

from __future__ import annotations

import argparse
import sys

from ..corpus.printable import printable
from .common import (
    EXIT_CLUSTER,
    EXIT_DATABASE,
    EXIT_INPUT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Subcommands,
    add_db_option,
    add_input_options,
    add_max_bytes_option,
    count_arg,
    date_arg,
    guarded,
    read_options,
)
from .progress import Progress

PROGRESS_EVERY = 10.0  # seconds between progress lines when standard error is not a terminal


def add_ingest(sub: Subcommands) -> None:
    """`parley ingest INPUT...`"""
    p = sub.add_parser(
        "ingest",
        help="code articles and store them, their events and evidence",
        description="Code news articles (files, directories, URLs, HTML pages, RSS/Atom feeds, "
        "JSON Lines corpora) and store documents, events and every mention in the "
        "database. Documents already stored are skipped.",
    )
    add_db_option(p)
    add_input_options(p, "publication date (YYYY-MM-DD) of inputs that carry none")
    add_max_bytes_option(p)
    p.add_argument(
        "--workers",
        type=count_arg,
        metavar="N",
        help="code on a local Dask cluster of N worker processes (one per core)",
    )
    p.add_argument(
        "--scheduler", metavar="ADDRESS", help="code on the Dask cluster at this scheduler address (tcp://host:8786)"
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write Parquet files partitioned by publication date to DIR instead of the database",
    )
    p.add_argument(
        "--no-text",
        dest="keep_text",
        action="store_false",
        help="do not store the articles' text (stored compressed by default, so that parley recode can code it again)",
    )
    add_progress_options(p)
    p.set_defaults(func=cmd_ingest)


def add_progress_options(p: argparse.ArgumentParser) -> None:
    """--quiet and --progress-every, of the commands that code many documents."""
    p.add_argument("--quiet", action="store_true", help="no progress, no summary and no warnings (errors still)")
    p.add_argument(
        "--progress-every",
        type=float,
        default=PROGRESS_EVERY,
        metavar="SECONDS",
        help=f"when standard error is not a terminal, a progress line this often (default: {PROGRESS_EVERY:g})",
    )


def add_recode(sub: Subcommands) -> None:
    """`parley recode [filters]`"""
    p = sub.add_parser(
        "recode",
        help="code stored articles again with the current coder, in place",
        description="Code the stored articles again with the current coder and replace their events, "
        "one transaction per article, keeping stories and merged events right. Without filters, every "
        "stored article; articles ingested with --no-text (or before texts were kept) are listed and left.",
    )
    add_db_option(p)
    p.add_argument("--date", type=date_arg, help="publication date (YYYY-MM-DD) for the articles stored without one")
    p.add_argument("--undated", action="store_true", help="only the articles stored without a publication date")
    p.add_argument(
        "--outdated", action="store_true", help="only the articles an older (or any other) coder version coded"
    )
    p.add_argument("--since", type=date_arg, help="only articles published on or after this date")
    p.add_argument("--until", type=date_arg, help="only articles published on or before this date")
    p.add_argument("--source", help="only the articles of this publisher")
    p.add_argument(
        "--doc-id", dest="doc_ids", action="append", default=[], metavar="ID", help="only this article (repeatable)"
    )
    add_progress_options(p)
    p.set_defaults(func=cmd_recode)


def cmd_ingest(args: argparse.Namespace) -> int:
    from ..api import ingest
    from ..corpus.cluster import ClusterError
    from ..corpus.ingest import busiest_dyads, expected_documents, totals
    from ..corpus.store import StoreError, describe, open_store

    if args.out and args.db:
        print("parley: give either --db or --out, not both", file=sys.stderr)
        return EXIT_USAGE
    try:
        store = None if args.out else open_store(args.db)
    except StoreError as e:
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_DATABASE
    progress = Progress(expected_documents(args.inputs, args.input_format), quiet=args.quiet, every=args.progress_every)
    try:
        summary = ingest(
            args.inputs,
            store=store,
            out=args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            read=read_options(args),
            on_document=progress.update,
            on_error=lambda f: progress.write(f"parley: {printable(str(f))}"),
            on_phase=progress.phase,
            keep_text=args.keep_text,
        )
        progress.close()
        if summary.undated and not args.quiet:
            print(
                f"parley: warning: {summary.undated} document{'s' * (summary.undated != 1)} stored without a"
                " publication date, so their events are undated; give --date next time, and date them with"
                " `parley recode --undated --date YYYY-MM-DD`",
                file=sys.stderr,
            )
        if not args.quiet:
            print(f"database: {describe(store.url)}" if store else f"parquet: {args.out}")
            print("\n".join(summary.lines()))
            if store:
                print("stored in all: " + ", ".join(f"{n} {what}" for what, n in totals(store).items()))
                dyads = busiest_dyads(store)
                if dyads:
                    print("busiest dyads: " + ", ".join(f"{a}->{r} {n}" for a, r, n in dyads))
    except (StoreError, ClusterError) as e:
        progress.close()
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_DATABASE if isinstance(e, StoreError) else EXIT_CLUSTER
    finally:
        if store:
            store.close()
    return EXIT_INPUT_FAILED if summary.failed else EXIT_OK


def cmd_recode(args: argparse.Namespace) -> int:
    from ..api import Selection, recode

    selection = Selection(args.since, args.until, args.source, args.doc_ids, args.undated, args.outdated)
    progress = Progress(None, quiet=args.quiet, every=args.progress_every)

    def job() -> None:
        try:
            summary = recode(
                selection, date=args.date, db=args.db, on_document=progress.update, on_phase=progress.phase
            )
        finally:
            progress.close()
        for doc_id in summary.no_text[:10]:
            print(
                f"parley: {doc_id}: no stored text to code again (ingested with --no-text or before texts were kept)",
                file=sys.stderr,
            )
        if len(summary.no_text) > 10:
            print(f"parley: ... and {len(summary.no_text) - 10} more without stored text", file=sys.stderr)
        if not args.quiet:
            print("\n".join(summary.lines()))

    return guarded(job, None)
