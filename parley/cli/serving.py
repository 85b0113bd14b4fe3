"""Serving: `parley serve` runs the REST API and the dashboard over the database."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_DATABASE, EXIT_OK, Subcommands, add_db_option

DEFAULT_HOST = "127.0.0.1"


def add_serve(sub: Subcommands) -> None:
    """`parley serve`"""
    p = sub.add_parser(
        "serve",
        help="serve the REST API and the dashboard",
        description="Serve the REST API (/api, schema at /openapi.json) and the dashboard (/) over "
        "the database. Read-only unless a token is set: then POST /api/ingest accepts "
        "articles from clients that send it as a bearer token.",
    )
    add_db_option(p)
    p.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)"
    )
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--token", help="enable POST /api/ingest with this bearer token (default: $PARLEY_TOKEN)")
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this host name (the server answers to loopback names and the "
        "address it listens on; any other Host header gets 421). Repeatable",
    )
    p.set_defaults(func=cmd_serve)


def serve_config(args: argparse.Namespace) -> dict:
    """What `parley serve` runs: the database, the address, and the ingest token (else $PARLEY_TOKEN)."""
    import os

    return {
        "db": args.db,
        "host": args.host,
        "port": args.port,
        "token": args.token or os.environ.get("PARLEY_TOKEN") or None,
        "hosts": args.allow_host,
    }


def cmd_serve(args: argparse.Namespace) -> int:
    from ..corpus.query import open_existing
    from ..corpus.store import StoreError, open_store
    from ..web import create_app
    from ..web.server import serve, served_hosts

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
    hosts = served_hosts(config["host"], config["hosts"])
    serve(create_app(config["db"], config["token"], hosts), config["host"], config["port"])
    return EXIT_OK
