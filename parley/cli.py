"""The `parley` command. Exit status: 0 all inputs coded, 1 some input failed, 2 usage error,
3 the database could not be opened or written."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .corpus.exports import EXPORT_FORMATS
from .corpus.sources import DEFAULT_MAX_BYTES, INPUT_FORMATS, Failure, InputError, parse_date
from .output import OUTPUT_FORMATS, Writer

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE, EXIT_DATABASE, EXIT_CLUSTER = 0, 1, 2, 3, 4
DB_HELP = (
    "database: a DuckDB file path or a postgresql:// URL"
    " (default: $PARLEY_DB, else ~/.local/share/parley/parley.duckdb)"
)
DEFAULT_HOST = "127.0.0.1"


def _date(value: str):
    try:
        return parse_date(value)
    except InputError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _count(value: str, what: str = "number") -> int:
    """A positive whole number from the command line, else a usage error naming it."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"not a positive {what}: {value!r}")
    return n


def _bytes(value: str) -> int:
    return _count(value, "number of bytes")


def _network(value: str) -> str:
    """An IP network or address from the command line (10.0.0.0/8, ::1), else a usage error."""
    import ipaddress

    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an IP network or address: {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley", description="Political event data from news articles.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = sub.add_parser(
        "code",
        help="code articles and print their events",
        description="Code news articles (files, directories, URLs, HTML pages, RSS/Atom feeds, "
        "JSON Lines corpora, '-' for standard input) and print the events in them.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file, a directory, a URL, or - for standard input")
    p.add_argument(
        "--date",
        type=_date,
        help="publication date (YYYY-MM-DD) of text inputs; the default for JSON Lines records without one",
    )
    p.add_argument(
        "--input",
        dest="input_format",
        choices=INPUT_FORMATS,
        default="auto",
        help="input format (auto: by suffix, else by content)",
    )
    p.add_argument("--fetch", action="store_true", help="also fetch the http(s) pages that feed items link to")
    p.add_argument(
        "--allow-net",
        action="append",
        type=_network,
        default=[],
        metavar="CIDR",
        help="let URLs point into this network (10.0.0.0/8, 127.0.0.1); by default only public "
        "addresses are fetched. Repeatable",
    )
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="table", help="output format (default: table)")
    p.add_argument(
        "--max-bytes",
        type=_bytes,
        default=DEFAULT_MAX_BYTES,
        help=f"refuse inputs larger than this (default: {DEFAULT_MAX_BYTES})",
    )
    p.set_defaults(func=cmd_code)

    p = sub.add_parser(
        "ingest",
        help="code articles and store them, their events and evidence",
        description="Code news articles (files, directories, URLs, HTML pages, RSS/Atom feeds, "
        "JSON Lines corpora) and store documents, events and every mention in the "
        "database. Documents already stored are skipped.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file, a directory, a URL, or - for standard input")
    p.add_argument(
        "--db",
        help="database: a DuckDB file path or a postgresql:// URL "
        "(default: $PARLEY_DB, else ~/.local/share/parley/parley.duckdb)",
    )
    p.add_argument("--date", type=_date, help="publication date (YYYY-MM-DD) of inputs that carry none")
    p.add_argument(
        "--input",
        dest="input_format",
        choices=INPUT_FORMATS,
        default="auto",
        help="input format (auto: by suffix, else by content)",
    )
    p.add_argument("--fetch", action="store_true", help="also fetch the http(s) pages that feed items link to")
    p.add_argument(
        "--allow-net",
        action="append",
        type=_network,
        default=[],
        metavar="CIDR",
        help="let URLs point into this network (10.0.0.0/8, 127.0.0.1); by default only public "
        "addresses are fetched. Repeatable",
    )
    p.add_argument(
        "--max-bytes",
        type=_bytes,
        default=DEFAULT_MAX_BYTES,
        help=f"refuse inputs larger than this (default: {DEFAULT_MAX_BYTES})",
    )
    p.add_argument(
        "--workers", type=_count, metavar="N", help="code on a local Dask cluster of N worker processes (one per core)"
    )
    p.add_argument(
        "--scheduler", metavar="ADDRESS", help="code on the Dask cluster at this scheduler address (tcp://host:8786)"
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write Parquet files partitioned by publication date to DIR instead of the database",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    p.set_defaults(func=cmd_ingest)

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

    p = sub.add_parser(
        "dyad",
        help="events between two countries per period",
        description="Count the events between two countries (or of one country with anyone) "
        "per day, week or month: by quad class and PLOVER type, with Goldstein "
        "sums and means and the cooperation balance. Only events reported as "
        "having happened count.",
    )
    p.add_argument("a", metavar="COUNTRY", help="a country code such as USA")
    p.add_argument("b", metavar="OTHER", nargs="?", help="the other country (default: anyone)")
    p.add_argument("--by", choices=("day", "week", "month"), default="week", help="period (default: week)")
    p.add_argument("--directed", action="store_true", help="only events of COUNTRY towards OTHER")
    _window_options(p)
    p.add_argument("--svg", metavar="FILE", help="also draw the series as an SVG chart in FILE")
    p.add_argument("--png", metavar="FILE", help="also draw the series as a PNG chart in FILE")
    p.set_defaults(func=cmd_dyad)

    p = sub.add_parser(
        "alerts",
        help="spikes and turns in the relations of every pair of countries",
        description="Find the periods in which a pair of countries had far more events than "
        "in its trailing window (spike), or turned from cooperation to conflict "
        "or back (turn).",
    )
    p.add_argument("--by", choices=("day", "week", "month"), default="week", help="period (default: week)")
    p.add_argument("--window", type=_count, default=8, help="trailing periods compared with (default: 8)")
    p.add_argument(
        "--threshold",
        type=float,
        default=3.0,
        help="standard deviations above the trailing mean that make a spike (default: 3)",
    )
    p.add_argument("--min-events", type=_count, default=3, help="events a period needs (default: 3)")
    _window_options(p)
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser(
        "network",
        help="who acts towards whom: directed, signed edges between countries",
        description="One edge per directed pair of countries: events, Goldstein sum and "
        "mean, sign (+1 cooperative, -1 conflictual), cooperation and conflict "
        "counts.",
    )
    p.add_argument("--min-events", type=_count, default=1, help="leave out edges with fewer events")
    _window_options(p)
    p.set_defaults(func=cmd_network)

    p = sub.add_parser(
        "agenda",
        help="the issues between two countries and where each stands",
        description="List every issue named by the events between two countries, with its "
        "status (open, agreed, rejected, stalled) and its history: who raised, "
        "proposed, demanded, agreed or rejected what, when, and the evidence.",
    )
    p.add_argument("a", metavar="COUNTRY", help="a country code such as USA")
    p.add_argument("b", metavar="OTHER", help="the other country")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--csv", metavar="FILE", help="write the issues as CSV to FILE (- for standard output)")
    p.add_argument("--json", action="store_true", help="print JSON Lines, one issue a line")
    p.set_defaults(func=cmd_agenda)

    p = sub.add_parser(
        "actors",
        help="show how the actors of a text are coded, and why",
        description="Code the actor phrases of a text and show, for each, the code "
        "it gets and the table entry that gave it.",
    )
    p.add_argument("text", help="the text (or - to read standard input)")
    p.add_argument("--date", type=_date, help="the article's date (YYYY-MM-DD): who held an office then")
    p.add_argument("--json", action="store_true", help="print JSON Lines")
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser(
        "eval",
        help="score the coder on labelled sentences or whole articles",
        description="Score the events `parley code` emits. Labelled sentence files: PLOVER "
        "CSV (text, event_type, source_text, target_text), quad TSV (text, quad) or "
        "BIO actor spans (*.bio: token and S/T tag a line). Whole articles: "
        "--articles ARTICLES.jsonl --gold LABELS.jsonl; two readings of the same "
        "articles against each other: --articles ARTICLES.jsonl --agree A.jsonl B.jsonl.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", type=Path)
    p.add_argument(
        "--articles",
        type=Path,
        metavar="ARTICLES.jsonl",
        help="the articles the labels were read on (JSON Lines: id, text, date)",
    )
    p.add_argument("--gold", type=Path, metavar="LABELS.jsonl", help="hand-read labels of --articles to score against")
    p.add_argument(
        "--agree",
        type=Path,
        nargs=2,
        metavar=("A.jsonl", "B.jsonl"),
        help="score two readings of --articles against each other",
    )
    p.add_argument(
        "--errors",
        type=int,
        default=0,
        metavar="N",
        help="with --gold or --agree: print the N sentences with the most misses and extras",
    )
    p.add_argument(
        "--folds",
        type=int,
        default=0,
        help="K>1: sentence files: retrain the classifier and span "
        "tagger on K-1 folds of the files given for each held-out "
        "fold; --gold: split the articles by article",
    )
    p.add_argument(
        "--diagnostic",
        action="store_true",
        help="sentence files: also print the classifier's type for every sentence's main verb "
        "(diagnostic figures, beside the product's)",
    )
    p.add_argument("--device", default="cpu", help="torch device for --folds training (cpu, cuda)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "labels",
        help="convert and check hand-read labels of whole articles",
        description="convert: readings in the annotation guide's format (sentences and "
        "texts copied from the articles) to the stored format (offsets, no article "
        "text), printed as JSON Lines; check: load stored labels against the articles.",
    )
    p.add_argument("action", choices=["convert", "check"])
    p.add_argument("files", nargs="+", metavar="FILE", type=Path, help="readings (convert) or stored labels (check)")
    p.add_argument(
        "--articles", type=Path, required=True, metavar="ARTICLES.jsonl", help="the articles the labels were read on"
    )
    p.set_defaults(func=cmd_labels)

    p = sub.add_parser(
        "train",
        help="train the event classifier",
        description="Train the event classifier's adapters and head on "
        "plover_events_train.csv and write the weights and their card.",
    )
    p.add_argument("--data", type=Path, default=Path("../shared/data"), help="directory of the training data")
    p.add_argument("--out", type=Path, default=None, help="output directory (default: the package's weights)")
    p.add_argument("--folds", type=int, default=5, help="cross-validate first (scores and calibration); 0 to skip")
    p.add_argument("--device", default="cpu", help="torch device (cpu, cuda)")
    p.add_argument(
        "--spans",
        action="store_true",
        help="train the span tagger (source and target) on the "
        "classifier's encoder instead; also reads "
        "actor_spans_train.bio",
    )
    p.set_defaults(func=cmd_train)
    p = sub.add_parser(
        "serve",
        help="serve the REST API and the dashboard",
        description="Serve the REST API (/api, schema at /openapi.json) and the dashboard (/) over "
        "the database. Read-only unless a token is set: then POST /api/ingest accepts "
        "articles from clients that send it as a bearer token.",
    )
    p.add_argument(
        "--db",
        help="database: a DuckDB file path or a postgresql:// URL "
        "(default: $PARLEY_DB, else ~/.local/share/parley/parley.duckdb)",
    )
    p.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)"
    )
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--token", help="enable POST /api/ingest with this bearer token (default: $PARLEY_TOKEN)")
    p.set_defaults(func=cmd_serve)
    return parser


def cmd_code(args: argparse.Namespace) -> int:
    from .api import code_inputs  # heavy imports only once the arguments are valid

    failures: list[Failure] = []

    def report(failure: Failure) -> None:
        failures.append(failure)
        print(f"parley: {failure}", file=sys.stderr, flush=True)

    writer = Writer(sys.stdout, args.format)
    for doc in code_inputs(args.inputs, read=_read_options(args), on_error=report):
        writer.write(doc)
    writer.close()
    return EXIT_INPUT_FAILED if failures else EXIT_OK


def _read_options(args: argparse.Namespace):
    from .corpus.sources import ReadOptions

    return ReadOptions(args.input_format, args.date, args.max_bytes, args.fetch, args.allow_net)


def cmd_ingest(args: argparse.Namespace) -> int:
    from .api import ingest
    from .corpus.cluster import ClusterError
    from .corpus.ingest import busiest_dyads, expected_documents, totals
    from .corpus.store import StoreError, describe, open_store

    if args.out and args.db:
        print("parley: give either --db or --out, not both", file=sys.stderr)
        return EXIT_USAGE
    try:
        store = None if args.out else open_store(args.db)
    except StoreError as e:
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_DATABASE
    progress = _progress(args.quiet, expected_documents(args.inputs, args.input_format))
    try:
        summary = ingest(
            args.inputs,
            store=store,
            out=args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            read=_read_options(args),
            on_document=progress.update,
            on_error=lambda f: progress.write(f"parley: {f}", file=sys.stderr),
        )
        progress.close()
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


def _filter_options(p: argparse.ArgumentParser) -> None:
    """The options of `parley events` and `parley export`: the database and the filters."""
    p.add_argument(
        "--db",
        help="database: a DuckDB file path or a postgresql:// URL "
        "(default: $PARLEY_DB, else ~/.local/share/parley/parley.duckdb)",
    )
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
    from .corpus.query import Filters

    return _guarded(
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


def _guarded(job: Callable[[], None], output: str | None) -> int:
    """Run a job; a bad value, a database error or an unwritable output is one line on stderr."""
    from .corpus.store import StoreError

    try:
        job()
    except ValueError as e:
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as e:
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_DATABASE
    except BrokenPipeError:
        raise
    except OSError as e:
        print(f"parley: {e.filename or output or '-'}: {e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    import json

    from .api import events, export
    from .corpus.exports.table import write_table

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


def _window_options(p: argparse.ArgumentParser) -> None:
    """The options the analyses share: the database, the dates and a CSV file."""
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--since", type=_date, help="from this date (YYYY-MM-DD, inclusive)")
    p.add_argument("--until", type=_date, help="to this date (YYYY-MM-DD, inclusive)")
    p.add_argument("--csv", metavar="FILE", help="write the table as CSV to FILE (- for standard output)")


def _analysed(args: argparse.Namespace, job) -> int:
    """Run `job()`, which returns a DataFrame, then print it (or write --csv); errors are one line."""

    def run() -> None:
        frame = job()
        if args.csv:
            _write_csv(frame, args.csv)
        if args.csv != "-":
            (getattr(args, "show", None) or _table)(frame)

    return _guarded(run, args.csv)


def _table(frame) -> None:
    print(frame.to_string(index=False, float_format="{:.3f}".format) if len(frame) else "(none)")


def _write_csv(frame, path: str) -> None:
    """The frame as CSV, lists and dicts as JSON text, to a file or (for -) standard output."""
    import json

    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, (list, dict))).any():
            out[column] = out[column].map(lambda v: json.dumps(v, ensure_ascii=False))
    out.to_csv(sys.stdout if path == "-" else path, index=False, date_format="%Y-%m-%d")


def cmd_dyad(args: argparse.Namespace) -> int:
    from .api import dyad_series

    def job():
        frame = dyad_series(
            args.a, args.b, by=args.by, directed=args.directed, since=args.since, until=args.until, db=args.db
        )
        arrow = "->" if args.directed else "-"
        title = f"{args.a.upper()}{arrow}{(args.b or 'all').upper()} events per {args.by}"
        if args.svg:
            from .corpus.analysis.svg import series_svg

            Path(args.svg).write_text(series_svg(frame, title), encoding="utf-8")
        if args.png:
            from .corpus.analysis.png import series_png

            series_png(frame, title, args.png)
        return frame

    return _analysed(args, job)


def cmd_alerts(args: argparse.Namespace) -> int:
    from .api import alerts

    return _analysed(
        args,
        lambda: alerts(
            by=args.by,
            window=args.window,
            threshold=args.threshold,
            min_events=args.min_events,
            since=args.since,
            until=args.until,
            db=args.db,
        ),
    )


def cmd_network(args: argparse.Namespace) -> int:
    from .api import network

    return _analysed(args, lambda: network(since=args.since, until=args.until, min_events=args.min_events, db=args.db))


def cmd_agenda(args: argparse.Namespace) -> int:
    from .api import agenda

    args.show = _agenda_json if args.json else _agenda_table
    return _analysed(args, lambda: agenda(args.a, args.b, db=args.db))


def _day(value) -> str:
    """A date column's value as YYYY-MM-DD, or - when missing."""
    import pandas as pd

    return "-" if pd.isna(value) else f"{value:%Y-%m-%d}"


def _agenda_table(frame) -> None:
    """One line per issue, then its history indented: date, stance, by whom, trigger."""
    if not len(frame):
        print("(none)")
        return
    width = max(len("issue"), *(len(i) for i in frame["issue"]))
    print(f"{'issue':<{width}}  {'status':<8} {'first':<10} {'last':<10} raised by")
    for row in frame.itertuples(index=False):
        print(
            f"{row.issue:<{width}}  {row.status:<8} {_day(row.first_date):<10} {_day(row.last_date):<10} "
            f"{', '.join(row.raised_by) or '-'}"
        )
        for e in row.history:
            print(f"    {e['date'] or '-':<10} {e['stance']:<10} {'+'.join(e['by']) or '-':<8} {e['trigger']}")


def _agenda_json(frame) -> None:
    import json

    for row in frame.to_dict("records"):
        row["first_date"], row["last_date"] = _day(row["first_date"]), _day(row["last_date"])
        print(json.dumps(row, ensure_ascii=False))


def _progress(quiet: bool, total: int | None):
    """A progress bar with rate (and ETA when the number of documents is known) on a terminal; silent otherwise."""
    from tqdm import tqdm

    return tqdm(
        total=total, unit=" docs", disable=quiet or not sys.stderr.isatty(), file=sys.stderr, dynamic_ncols=True
    )


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
        phrase = r["text"] if len(r["text"]) <= width else r["text"][: width - 1] + "…"
        print(f"{phrase:<{width}}  {r['code'] or '-':<9} {(r['name'] or '-')[:24]:<24} {r['why']}")
    return EXIT_OK


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    articles_mode = bool(args.gold or args.agree)
    if articles_mode == bool(args.files) or articles_mode != bool(args.articles):
        print("parley: eval takes labelled sentence files, or --articles with --gold or --agree", file=sys.stderr)
        return EXIT_USAGE
    if articles_mode:
        return _eval_articles(args)
    from .evaluation.sentences import evaluate_all

    missing = [p for p in args.files if not p.is_file()]
    for path in missing:
        print(f"parley: {path}: no such file", file=sys.stderr)
    files = [p for p in args.files if p.is_file()]
    for report in (
        evaluate_all(files, folds=args.folds, device=args.device, log=_log, diagnostic=args.diagnostic) if files else []
    ):
        print(json.dumps(report.summary()) if args.json else report.text() + "\n")
    return EXIT_INPUT_FAILED if missing else EXIT_OK


def _eval_articles(args: argparse.Namespace) -> int:
    """`parley eval --articles A --gold L` (or `--agree A B`): whole-article scores."""
    import json

    from .evaluation.annotations import LabelError
    from .evaluation.articles import agreement, evaluate_articles

    paths = [args.articles, *(args.agree or [args.gold])]
    missing = [p for p in paths if not p.is_file()]
    for path in missing:
        print(f"parley: {path}: no such file", file=sys.stderr)
    if missing:
        return EXIT_INPUT_FAILED
    try:
        report = (
            agreement(args.agree[0], args.agree[1], args.articles)
            if args.agree
            else evaluate_articles(args.articles, args.gold, folds=args.folds)
        )
    except (LabelError, OSError) as e:
        print(f"parley: {_reason(e)}", file=sys.stderr)
        return EXIT_INPUT_FAILED
    print(json.dumps(report.summary()) if args.json else report.text())
    if args.errors:
        print("\n" + report.errors(args.errors), file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def cmd_labels(args: argparse.Namespace) -> int:
    import json

    from .evaluation.annotations import LabelError, convert, load

    try:
        if args.action == "check":
            for path in args.files:
                labelled = load(path, args.articles)
                events = sum(len(a.events) for a in labelled.values())
                print(f"{path}: {len(labelled)} articles, {events} events; every offset checks")
            return EXIT_OK
        seen: set[str] = set()
        for path in args.files:
            for line in convert(path, args.articles):
                if line["id"] in seen:
                    raise LabelError(f"{path}: article {line['id']!r} is read twice")
                seen.add(line["id"])
                print(json.dumps(line, ensure_ascii=False))
    except (LabelError, OSError) as e:
        print(f"parley: {_reason(e)}", file=sys.stderr)
        return EXIT_INPUT_FAILED
    return EXIT_OK


def _reason(e: Exception) -> str:
    """One line for a label error, or for a file that could not be read."""
    if isinstance(e, OSError):
        return f"{e.filename}: {e.strerror}" if e.filename else str(e)
    return str(e)


def cmd_train(args: argparse.Namespace) -> int:
    from .nlp.models.classifier import WEIGHTS
    from .training.train import train_and_save

    if not (args.data / "plover_events_train.csv").is_file():
        print(f"parley: {args.data}: no plover_events_train.csv there", file=sys.stderr)
        return EXIT_INPUT_FAILED
    if args.spans:
        from .training.spans import train_and_save_tagger

        if not (args.data / "actor_spans_train.bio").is_file():
            print(f"parley: {args.data}: no actor_spans_train.bio there", file=sys.stderr)
            return EXIT_INPUT_FAILED
        train_and_save_tagger(args.data, args.out or WEIGHTS, folds=args.folds, log=_log)
        return EXIT_OK
    train_and_save(args.data, args.out or WEIGHTS, folds=args.folds, device=args.device, log=_log)
    return EXIT_OK


def serve_config(args: argparse.Namespace) -> dict:
    """What `parley serve` runs: the database, the address, and the ingest token (else $PARLEY_TOKEN)."""
    import os

    return {
        "db": args.db,
        "host": args.host,
        "port": args.port,
        "token": args.token or os.environ.get("PARLEY_TOKEN") or None,
    }


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .corpus.query import open_existing
    from .corpus.store import StoreError, open_store
    from .web import create_app

    config = serve_config(args)
    try:  # with a token a new database may be made, to ingest into; else it must exist
        (open_store if config["token"] else open_existing)(config["db"]).close()
    except StoreError as e:
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_DATABASE
    host = f"[{config['host']}]" if ":" in config["host"] else config["host"]
    print(
        f"parley: serving http://{host}:{config['port']}/ (API under /api, schema at /openapi.json; "
        f"ingest {'enabled' if config['token'] else 'disabled'})",
        flush=True,
    )
    uvicorn.run(
        create_app(config["db"], config["token"]), host=config["host"], port=config["port"], log_level="warning"
    )
    return EXIT_OK


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so it unwinds as on Ctrl-C: open transactions roll back."""


@contextmanager
def _terminable() -> Iterator[list[int]]:
    """While a command runs in the main thread, SIGTERM raises Terminated and is noted in the list
    yielded (a database may report it as a plain interrupt); the old handler comes back after."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def terminate(signum, frame):
        received.append(signum)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    received: list[int] = []
    try:
        with _terminable() as received:
            return args.func(args)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (Terminated, or a statement DuckDB stopped for it)
        if received:
            print("parley: terminated", file=sys.stderr)
            return 128 + signal.SIGTERM
        print("parley: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`): not an error of ours
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
