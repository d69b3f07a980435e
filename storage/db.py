"""The async engine, sessions, and schema upgrades at start-up."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.models  # noqa: F401  (registers every table on SQLModel.metadata)
from config.errors import ConfigError
from storage import sqlite_driver
from storage.known import KnownMembers

MIGRATIONS = Path(__file__).parent / "migrations"
SHARED_MAX_AGE = 1.0  # seconds a cached setting or member is trusted where processes share


def process_name() -> str:
    """This process on this machine, as its outbox claims and its Postgres sessions name it."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def postgres_connect_args(url: str) -> dict[str, Any]:
    """Each session carries its process's name, so others can tell its claims from a dead one's."""
    if make_url(url).get_driver_name() != "asyncpg":
        return {}  # SQLite, or a driver that names sessions otherwise
    return {"server_settings": {"application_name": process_name()}}


class Database:
    """One engine and its sessions; a session is one transaction, opened by the caller."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = _make_engine(url, echo=echo)
        # A session class of this database's own, so its listeners see only its sessions.
        session_class = type("CopbotSession", (Session,), {})
        self.known_members = KnownMembers(max_age=self.shared_max_age)
        self.known_members.watch(session_class)
        self.sessions = async_sessionmaker(
            self.engine,
            class_=AsyncSession,
            sync_session_class=session_class,
            expire_on_commit=False,
        )

    @property
    def shared_max_age(self) -> float | None:
        """How long a cached row stays good: forever alone on SQLite, 1 s where processes share."""
        # Several copbot processes may share Postgres (one leader, all answering commands):
        # what one changes, the others must see within a second.
        return None if self.engine.dialect.name == "sqlite" else SHARED_MAX_AGE

    def session(self) -> AsyncSession:
        """A new session; use `async with db.session() as s, s.begin():`."""
        return self.sessions()

    async def check(self) -> None:
        """Connect once so an unreachable database is reported at start-up, not mid-command."""
        self._check_sqlite_folder()
        try:
            async with self.engine.connect() as connection:
                await connection.exec_driver_sql("SELECT 1")
        except Exception as error:  # any driver's failure to connect means the same to a user
            reason = getattr(error, "orig", None) or error
            raise ConfigError(
                f"copbot can't open its database at {make_url(self.url).render_as_string()} "
                f"({reason}). Check COPBOT_DATABASE_URL, and that its folder exists and is "
                "writable."
            ) from None

    def _check_sqlite_folder(self) -> None:
        # Checked before connecting: a failed aiosqlite connect leaves its worker thread
        # calling back into a closed event loop at exit, which prints a traceback.
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return
        folder = Path(parsed.database).resolve().parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise ConfigError(
                f"copbot can't open its database {parsed.database}: the folder {folder} does "
                "not exist or is not writable. Create it, or point COPBOT_DATABASE_URL "
                "(or --db) elsewhere."
            )

    async def upgrade(self, revision: str = "head") -> None:
        """Bring the schema up to date with Alembic (the bot does this at start-up)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_run_alembic, "upgrade", revision)

    async def downgrade(self, revision: str) -> None:
        """Step the schema back (tests use it to prove upgrades keep rows)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_run_alembic, "downgrade", revision)

    async def create_all(self) -> None:
        """Create every table straight from the models (fresh test databases)."""
        async with self.engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)

    async def close(self) -> None:
        """Release every connection."""
        await self.engine.dispose()


def _make_engine(url: str, *, echo: bool) -> AsyncEngine:
    parsed = make_url(url)
    options: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": 30}
        if parsed.database in (None, "", ":memory:"):
            # One shared connection, or each session would see its own empty database.
            options["poolclass"] = StaticPool
    elif named := postgres_connect_args(url):
        options["connect_args"] = named
    if parsed.drivername == "sqlite+aiosqlite":
        parsed = parsed.set(drivername=sqlite_driver.DRIVERNAME)  # the same, in fewer trips
    engine = create_async_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # WAL lets readers run during a write; foreign keys are off in SQLite unless asked for.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # as long as the driver's own timeout
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(connection: Any = None) -> Any:
    """An Alembic config pointing at storage/migrations, sharing a connection if given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _run_alembic(connection: Any, verb: str, revision: str) -> None:
    from alembic import command

    getattr(command, verb)(alembic_config(connection), revision)
