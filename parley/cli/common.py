"""What the command groups share: the exit codes, argument types that make a bad value a usage
error, the options several commands take, and running a job so that its errors are one line."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO, TypeAlias

from ..corpus.printable import printable

# the readers' light modules only: a query command never loads the HTML and feed readers
from ..corpus.readers.base import DEFAULT_MAX_BYTES, InputError, parse_date
from ..corpus.readers.kinds import INPUT_FORMATS

if TYPE_CHECKING:
    from ..corpus.query import Filters
    from ..corpus.sources import ReadOptions

# what add_subparsers returns: each group adds its commands to it
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE, EXIT_DATABASE, EXIT_CLUSTER = 0, 1, 2, 3, 4
DB_HELP = (
    "database: a DuckDB file path or a postgresql:// URL"
    " (default: $PARLEY_DB, else ~/.local/share/parley/parley.duckdb)"
)


def date_arg(value: str) -> dt.date:
    """A date (YYYY-MM-DD) from the command line, else a usage error."""
    try:
        return parse_date(value)
    except InputError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def count_arg(value: str, what: str = "number") -> int:
    """A positive whole number from the command line, else a usage error naming it."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"not a positive {what}: {value!r}")
    return n


def bytes_arg(value: str) -> int:
    """A positive number of bytes from the command line, else a usage error."""
    return count_arg(value, "number of bytes")


def network_arg(value: str) -> str:
    """An IP network or address from the command line (10.0.0.0/8, ::1), else a usage error."""
    import ipaddress

    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an IP network or address: {value!r}") from None


def add_db_option(p: argparse.ArgumentParser) -> None:
    """--db, which every command over the database takes."""
    p.add_argument("--db", help=DB_HELP)


def add_input_options(p: argparse.ArgumentParser, date_help: str) -> None:
    """The inputs of `parley code` and `parley ingest` and how they are read (but --max-bytes,
    which comes later in their help)."""
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file, a directory, a URL, or - for standard input")
    p.add_argument("--date", type=date_arg, help=date_help)
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
        type=network_arg,
        default=[],
        metavar="CIDR",
        help="let URLs point into this network (10.0.0.0/8, 127.0.0.1); by default only public "
        "addresses are fetched. Repeatable",
    )
    p.add_argument(
        "--links-root",
        metavar="DIR",
        help="a saved feed's items may link to local pages inside this folder (default: the feed's own folder)",
    )


def add_max_bytes_option(p: argparse.ArgumentParser) -> None:
    """--max-bytes, the bound on any one input or record."""
    p.add_argument(
        "--max-bytes",
        type=bytes_arg,
        default=DEFAULT_MAX_BYTES,
        help=f"refuse inputs larger than this (default: {DEFAULT_MAX_BYTES})",
    )


def read_options(args: argparse.Namespace) -> ReadOptions:
    """How to read the inputs, from the options add_input_options and add_max_bytes_option added."""
    from ..corpus.sources import ReadOptions

    return ReadOptions(args.input_format, args.date, args.max_bytes, args.fetch, args.allow_net, args.links_root)


def say(message: object, file: TextIO | None = None) -> None:
    """A one-line message on standard error, "parley: ...", with any control character made visible:
    messages quote ids, titles and filter values, which could carry escape sequences."""
    print(f"parley: {printable(str(message))}", file=file or sys.stderr, flush=True)


def guarded(job: Callable[[], object], output: str | None) -> int:
    """Run a job; a bad value, a database error or an unwritable output is one line on stderr."""
    from ..corpus.store import StoreError

    try:
        job()
    except ValueError as e:
        say(e)
        return EXIT_USAGE
    except StoreError as e:
        say(e)
        return EXIT_DATABASE
    except BrokenPipeError:
        raise
    except OSError as e:
        say(f"{e.filename or output or '-'}: {e.strerror or e}")
        return EXIT_USAGE
    return EXIT_OK


def add_filter_options(p: argparse.ArgumentParser, *, paging: bool = True, parties: bool = True) -> None:
    """The filters of every command over stored events (the fields of `parley.corpus.query.Filters`):
    the same in `events`, `export`, `dyad`, `panel`, `alerts` and `network`."""
    add_db_option(p)
    g = p.add_argument_group("filters (codes or names; lists comma-separated)")
    if parties:
        g.add_argument("--actor", help="an actor's country or organisation (USA, Russia, UN) or code prefix (USAGOV)")
        g.add_argument("--recipient", help="a recipient's country, organisation or code prefix")
        g.add_argument("--party", help="an actor or a recipient")
        g.add_argument("--dyad", help="two parties, either way round (USA-RUS, Russia-Ukraine)")
        g.add_argument("--directed", action="store_true", help="--dyad only from its first party to its second")
    g.add_argument("--type", dest="event_type", help="PLOVER event types (CONSULT, ASSAULT ...)")
    g.add_argument("--cameo", help="CAMEO code or prefix (04, 044)")
    g.add_argument("--quad", help="quad classes: 1 verbal cooperation, 2 material cooperation, 3, 4 conflict")
    g.add_argument("--goldstein-min", help="Goldstein score at least (-10 to 10)")
    g.add_argument("--goldstein-max", help="Goldstein score at most")
    g.add_argument("--status", help="factual, future, hypothetical, historical or any")
    g.add_argument("--negated", choices=("no", "only", "any"), help="negated events: leave out, only, or either")
    g.add_argument("--min-confidence", help="confidence at least (0 to 1)")
    g.add_argument("--issue", help="an issue id (embassy_staffing)")
    g.add_argument("--context", help="a PLOVER context (diplomatic, military ...)")
    g.add_argument("--source", help="reported by this publisher (Reuters, apnews.com)")
    g.add_argument("--country", help="took place in this country (TUR, Turkey)")
    g.add_argument("--admin1", help="took place in this region (TX, Texas)")
    g.add_argument("--place", help="took place in this country, region or place (TUR, Texas, Istanbul)")
    g.add_argument("--since", help="on or after this date (YYYY-MM-DD)")
    g.add_argument("--until", help="on or before this date (YYYY-MM-DD)")
    g.add_argument("--text", help="words in the evidence sentence (case-insensitive)")
    g.add_argument("--complete", action="store_true", help="complete dyads only: a known actor and recipient party")
    g.add_argument(
        "--coverage",
        choices=("yes", "no"),
        help="only events dated within the documents' coverage (analyses: yes; events and export: no)",
    )
    if paging:
        g.add_argument("--sort", help="sort by a column of the events table; COLUMN:desc descending (goldstein:desc)")
        g.add_argument("--limit", type=int, help="at most this many events")
        g.add_argument("--offset", type=int, default=0, help="skip this many events first")


def filters_from(args: argparse.Namespace) -> Filters:
    """The Filters the options of add_filter_options gave (a bad value raises ValueError)."""
    from ..corpus.query import Filters

    given = {
        name: getattr(args, name, None)
        for name in (
            "actor", "recipient", "party", "dyad", "event_type", "cameo", "quad", "goldstein_min", "goldstein_max",
            "status", "negated", "min_confidence", "issue", "context", "source", "country", "admin1", "place",
            "since", "until", "text", "coverage", "sort", "limit",
        )
    }  # fmt: skip
    return Filters(
        **given,
        directed=bool(getattr(args, "directed", False)),
        complete=bool(getattr(args, "complete", False)),
        offset=getattr(args, "offset", 0) or 0,
    )
