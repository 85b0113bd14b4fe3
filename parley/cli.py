"""The `parley` command. Exit status: 0 all inputs coded, 1 some input failed, 2 usage error,
3 the database could not be opened or written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .exports import FORMATS as EXPORT_FORMATS
from .output import FORMATS, Writer
from .sources import DEFAULT_MAX_BYTES, Failure, InputError, parse_date
from .sources import FORMATS as SOURCE_FORMATS

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE, EXIT_DATABASE = 0, 1, 2, 3


def _date(value: str):
    try:
        return parse_date(value)
    except InputError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"not a positive number of bytes: {value!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley", description="Political event data from news articles.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = sub.add_parser("code", help="code articles and print their events",
                       description="Code news articles (files, directories, URLs, HTML pages, RSS/Atom feeds, "
                                   "JSON Lines corpora, '-' for standard input) and print the events in them.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file, a directory, a URL, or - for standard input")
    p.add_argument("--date", type=_date, help="publication date (YYYY-MM-DD) of text inputs; "
                                              "the default for JSON Lines records without one")
    p.add_argument("--input", dest="input_format", choices=SOURCE_FORMATS, default="auto",
                   help="input format (auto: by suffix, else by content)")
    p.add_argument("--fetch", action="store_true", help="also fetch the http(s) pages that feed items link to")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES,
                   help=f"refuse inputs larger than this (default: {DEFAULT_MAX_BYTES})")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("ingest", help="code articles and store them, their events and evidence",
                       description="Code news articles (files, directories, URLs, HTML pages, RSS/Atom feeds, "
                                   "JSON Lines corpora) and store documents, events and every mention in the "
                                   "database. Documents already stored are skipped.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file, a directory, a URL, or - for standard input")
    p.add_argument("--db", help="database: a DuckDB file path or a postgresql:// URL "
                                "(default: $PARLEY_DB, else ~/.local/share/parley/parley.duckdb)")
    p.add_argument("--date", type=_date, help="publication date (YYYY-MM-DD) of inputs that carry none")
    p.add_argument("--input", dest="input_format", choices=SOURCE_FORMATS, default="auto",
                   help="input format (auto: by suffix, else by content)")
    p.add_argument("--fetch", action="store_true", help="also fetch the http(s) pages that feed items link to")
    p.add_argument("--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES,
                   help=f"refuse inputs larger than this (default: {DEFAULT_MAX_BYTES})")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("events", help="list stored events",
                       description="List the stored events that match the filters, in date order, "
                                   "with their evidence (--format jsonl: every mention and its document).")
    _filter_options(p)
    p.add_argument("--format", choices=("table", "csv", "jsonl"), default="table",
                   help="output format (default: table)")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("export", help="export stored events as GDELT, ICEWS, PLOVER, Parquet or CSV",
                       description="Write the stored events that match the filters in a standard format: "
                                   "gdelt (GDELT 2.0 event table, no header), icews (ICEWS coded event data), "
                                   "plover (PLOVER JSON Lines), parquet, csv (the flat events table). GDELT, "
                                   "ICEWS and PLOVER carry only events reported as having happened.")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS,
                   help="export format")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default, or -: standard output; "
                                                          "parquet needs a file)")
    _filter_options(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("actors", help="show how the actors of a text are coded, and why",
                       description="Code the actor phrases of a text and show, for each, the code "
                                   "it gets and the table entry that gave it.")
    p.add_argument("text", help="the text (or - to read standard input)")
    p.add_argument("--date", type=_date, help="the article's date (YYYY-MM-DD): who held an office then")
    p.add_argument("--json", action="store_true", help="print JSON Lines")
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser("eval", help="score the coder on labelled sentences",
                       description="Score the coder on labelled files: PLOVER CSV (text, event_type, "
                                   "source_text, target_text), quad TSV (text, quad) or BIO actor spans "
                                   "(*.bio: token and S/T tag a line).")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p.add_argument("--folds", type=int, default=0, help="K>1: retrain the classifier and span tagger on "
                                                        "K-1 folds of the files given for each held-out fold")
    p.add_argument("--device", default="cpu", help="torch device for --folds training (cpu, cuda)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("train", help="train the event classifier",
                       description="Train the event classifier's adapters and head on "
                                   "plover_events_train.csv and write the weights and their card.")
    p.add_argument("--data", type=Path, default=Path("../shared/data"), help="directory of the training data")
    p.add_argument("--out", type=Path, default=None, help="output directory (default: the package's weights)")
    p.add_argument("--folds", type=int, default=5, help="cross-validate first (scores and calibration); "
                                                        "0 to skip")
    p.add_argument("--device", default="cpu", help="torch device (cpu, cuda)")
    p.add_argument("--spans", action="store_true", help="train the span tagger (source and target) on the "
                                                        "classifier's encoder instead; also reads "
                                                        "actor_spans_train.bio")
    p.set_defaults(func=cmd_train)
    return parser


def cmd_code(args: argparse.Namespace) -> int:
    from .api import code_inputs  # heavy imports only once the arguments are valid

    failures: list[Failure] = []

    def report(failure: Failure) -> None:
        failures.append(failure)
        print(f"parley: {failure}", file=sys.stderr, flush=True)

    writer = Writer(sys.stdout, args.format)
    for doc in code_inputs(args.inputs, input_format=args.input_format, date=args.date,
                           max_bytes=args.max_bytes, on_error=report, fetch=args.fetch):
        writer.write(doc)
    writer.close()
    return EXIT_INPUT_FAILED if failures else EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from .api import ingest
    from .ingest import busiest_dyads, expected_documents, totals
    from .store import StoreError, describe, open_store

    try:
        store = open_store(args.db)
    except StoreError as e:
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_DATABASE
    progress = _progress(args.quiet, expected_documents(args.inputs, args.input_format))
    try:
        summary = ingest(args.inputs, store=store, date=args.date, input_format=args.input_format,
                         max_bytes=args.max_bytes, fetch=args.fetch, on_document=progress.update,
                         on_error=lambda f: progress.write(f"parley: {f}", file=sys.stderr))
        progress.close()
        if not args.quiet:
            print(f"database: {describe(store.url)}")
            print("\n".join(summary.lines()))
            print("stored in all: " + ", ".join(f"{n} {what}" for what, n in totals(store).items()))
            dyads = busiest_dyads(store)
            if dyads:
                print("busiest dyads: " + ", ".join(f"{a}->{r} {n}" for a, r, n in dyads))
    except StoreError as e:
        progress.close()
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_DATABASE
    finally:
        store.close()
    return EXIT_INPUT_FAILED if summary.failed else EXIT_OK


def _filter_options(p: argparse.ArgumentParser) -> None:
    """The options of `parley events` and `parley export`: the database and the filters."""
    p.add_argument("--db", help="database: a DuckDB file path or a postgresql:// URL "
                                "(default: $PARLEY_DB, else ~/.local/share/parley/parley.duckdb)")
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


def _stored(args: argparse.Namespace, job) -> int:
    """Run `job(filters)` over the database; a bad filter or output, or a database error, is one line."""
    from .query import Filters
    from .store import StoreError

    try:
        job(Filters(actor=args.actor, recipient=args.recipient, dyad=args.dyad, event_type=args.event_type,
                    cameo=args.cameo, since=args.since, until=args.until, place=args.place, limit=args.limit,
                    offset=args.offset))
    except ValueError as e:
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as e:
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_DATABASE
    except BrokenPipeError:
        raise
    except OSError as e:
        print(f"parley: {e.filename or getattr(args, 'output', None) or '-'}: {e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    import json

    from .api import events, export
    from .exports import write_table

    def job(filters) -> None:
        if args.format == "csv":
            export("csv", sys.stdout, filters, db=args.db)
        elif args.format == "jsonl":
            for record in events(filters, db=args.db):
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            write_table(events(filters, db=args.db), sys.stdout)

    return _stored(args, job)


def cmd_export(args: argparse.Namespace) -> int:
    from .api import export

    out = None if args.output in (None, "-") else args.output
    return _stored(args, lambda filters: export(args.format, out, filters, db=args.db))


def _progress(quiet: bool, total: int | None):
    """A progress bar with rate (and ETA when the number of documents is known) on a terminal; silent otherwise."""
    from tqdm import tqdm

    return tqdm(total=total, unit=" docs", disable=quiet or not sys.stderr.isatty(), file=sys.stderr,
                dynamic_ncols=True)


def cmd_actors(args: argparse.Namespace) -> int:
    import json

    from .api import actors

    try:
        text = sys.stdin.buffer.read().decode("utf-8") if args.text == "-" else args.text
    except UnicodeDecodeError as e:
        print(f"parley: -: not UTF-8 text ({e.reason} at byte {e.start})", file=sys.stderr)
        return EXIT_INPUT_FAILED
    rows = actors(text, date=args.date)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return EXIT_OK
    width = min(max((len(r["text"]) for r in rows), default=6), 48)
    print(f"{'phrase':<{width}}  {'code':<9} {'name':<24} why")
    for r in rows:
        phrase = r["text"] if len(r["text"]) <= width else r["text"][:width - 1] + "…"
        print(f"{phrase:<{width}}  {r['code'] or '-':<9} {(r['name'] or '-')[:24]:<24} {r['why']}")
    return EXIT_OK


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    from .evaluate import evaluate_all

    missing = [p for p in args.files if not p.is_file()]
    for path in missing:
        print(f"parley: {path}: no such file", file=sys.stderr)
    files = [p for p in args.files if p.is_file()]
    for report in evaluate_all(files, folds=args.folds, device=args.device, log=_log) if files else []:
        print(json.dumps(report.summary()) if args.json else report.text() + "\n")
    return EXIT_INPUT_FAILED if missing else EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from .learn.model import WEIGHTS
    from .learn.train import train_and_save

    if not (args.data / "plover_events_train.csv").is_file():
        print(f"parley: {args.data}: no plover_events_train.csv there", file=sys.stderr)
        return EXIT_INPUT_FAILED
    if args.spans:
        from .learn.spans import train_and_save_tagger

        if not (args.data / "actor_spans_train.bio").is_file():
            print(f"parley: {args.data}: no actor_spans_train.bio there", file=sys.stderr)
            return EXIT_INPUT_FAILED
        train_and_save_tagger(args.data, args.out or WEIGHTS, folds=args.folds, log=_log)
        return EXIT_OK
    train_and_save(args.data, args.out or WEIGHTS, folds=args.folds, device=args.device, log=_log)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("parley: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`): not an error of ours
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
