"""Which copbot process runs the scheduled jobs: a Postgres advisory lock, or a lock file."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import random
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.db import postgres_connect_args

log = logging.getLogger(__name__)

LOCK_KEY = 0x636F70626F74  # "copbot": the one advisory lock every copbot process asks for
CHECK_SECONDS = 5.0  # how often the leader makes sure its connection (and so its lock) lives
RETRY_SECONDS = (5.0, 10.0)  # how often, at random in this span, the others ask to lead
QUERY_SECONDS = 5.0  # a check that takes longer than this counts as a lost connection


class Leader(Protocol):
    """Leadership of one database's scheduled jobs."""

    alone: bool  # holding it means no other process uses the database at all

    async def acquire(self) -> bool:
        """Try to lead, without waiting; True if this process leads now."""

    async def keep(self) -> bool:
        """Whether this process still leads (a cheap check)."""

    async def release(self) -> None:
        """Stop leading, so another may."""


def leader_for(url: str) -> Leader:
    """The leadership that fits the database: Postgres's advisory lock, or SQLite's lock file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return PostgresLeader(url)
    if parsed.database in (None, "", ":memory:"):
        return AlwaysLeader()
    return FileLeader(lock_path(parsed.database))


def lock_path(database: str) -> Path:
    """The lock file beside an SQLite database file."""
    path = Path(database).resolve()
    return path.with_name(path.name + ".lock")


class AlwaysLeader:
    """An in-memory database: nobody else can see it, so this process leads."""

    alone = True

    async def acquire(self) -> bool:
        """Lead at once."""
        return True

    async def keep(self) -> bool:
        """Always still leading."""
        return True

    async def release(self) -> None:
        """Nothing to let go."""


class FileLeader:
    """An exclusive OS lock on a file beside the SQLite database: one process uses it."""

    alone = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    async def acquire(self) -> bool:
        """Take the lock if nobody holds it; the OS lets it go when the process dies."""
        if self._file is not None:
            return True
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")  # who holds it, for the message a second process gives
        handle.flush()
        self._file = handle
        return True

    def holder(self) -> str:
        """The process id written by whoever holds the lock, or '' if unknown."""
        with contextlib.suppress(OSError):
            return self.path.read_text().strip()
        return ""

    async def keep(self) -> bool:
        """A held flock is not taken away."""
        return self._file is not None

    async def release(self) -> None:
        """Let the lock go."""
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class PostgresLeader:
    """A session-level advisory lock, held on a connection of its own for as long as it lives."""

    alone = False

    def __init__(self, url: str) -> None:
        # No pool: the lock belongs to this one connection, and dies with it.
        # Named like the process's other sessions: while this one lives, its claims are honoured.
        self._engine: AsyncEngine = create_async_engine(
            url, poolclass=NullPool, connect_args=postgres_connect_args(url)
        )
        self._connection: AsyncConnection | None = None
        self._leading = False

    async def acquire(self) -> bool:
        """Ask for the lock once; it is never asked for twice on a session (locks stack)."""
        if self._leading:
            return True
        try:
            if self._connection is None:
                connection = await self._engine.connect()
                # Autocommit: the session holds the lock, not a transaction left open.
                self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            query = text("SELECT pg_try_advisory_lock(:key)")
            got = await self._query(query.bindparams(key=LOCK_KEY))
        except Exception as error:
            log.warning("could not ask to lead the scheduled jobs (%s); trying again soon", error)
            await self._drop()
            return False
        self._leading = bool(got)
        return self._leading

    async def keep(self) -> bool:
        """A cheap query: the lock lives as long as its session, and a dead one shows here."""
        if not self._leading:
            return False
        try:
            await self._query(text("SELECT 1"))
        except Exception as error:
            log.warning("lost the connection that holds the leader's lock (%s)", error)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        """Closing the session lets the lock go, however many times it was taken."""
        await self._drop()
        await self._engine.dispose()

    async def _query(self, statement: object) -> object:
        assert self._connection is not None
        result = await asyncio.wait_for(
            self._connection.execute(statement),  # type: ignore[call-overload]
            QUERY_SECONDS,
        )
        return result.scalar()

    async def _drop(self) -> None:
        self._leading = False
        connection, self._connection = self._connection, None
        if connection is not None:
            # Invalidated, not returned: a hung connection must close for the lock to go.
            with contextlib.suppress(Exception):
                await connection.invalidate()
            with contextlib.suppress(Exception):
                await connection.close()


class Scheduled(Protocol):
    """What leadership switches on and off: the scheduler's community jobs."""

    def resume(self) -> None:
        """Start running the leader's jobs."""

    def pause(self) -> None:
        """Stop running the leader's jobs."""


async def lead(
    leader: Leader,
    scheduler: Scheduled,
    *,
    check: float = CHECK_SECONDS,
    retry: tuple[float, float] = RETRY_SECONDS,
    tend: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Lead when this process may, and stop at once when it may not; for ever.

    While leading, `tend` runs at each check (the sender takes over a dead process's messages).
    """
    leading = False
    try:
        while True:
            if leading and not await leader.keep():
                leading = False
                scheduler.pause()
                log.warning("this process no longer leads; it stops running scheduled jobs")
            elif not leading and await leader.acquire():
                leading = True
                scheduler.resume()
                log.info("this process leads: it runs the scheduled jobs")
            if leading and tend is not None:
                try:
                    await tend()
                except Exception:
                    log.exception("the leader's upkeep failed; it tries again at the next check")
            await asyncio.sleep(check if leading else random.uniform(*retry))
    finally:
        if leading:
            scheduler.pause()
        await leader.release()
