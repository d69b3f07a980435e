"""Shared fixtures: a fresh database (SQLite and Postgres) and a runtime on a frozen clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor, Outcome, Place
from bot.reply import FormRequest, Outgoing, ToChannel, ToInvoker, ToMember
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage.db import Database
from tests.postgres import PostgresServer, PostgresUnavailable

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
PLACE = Place("test", "T1", "Testers", "general")


@dataclass
class RecordingTransport:
    """A transport that keeps what the bot sent; members in `closed_dms` refuse DMs."""

    sent: list[Outgoing] = field(default_factory=list)
    closed_dms: set[str] = field(default_factory=set)

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Keep the item; refuse a DM to a member whose DMs are closed."""
        if isinstance(item, ToMember) and item.member.external_id in self.closed_dms:
            return False
        self.sent.append(item)
        return True

    def texts(self) -> list[str]:
        """Every text sent, in order."""
        return [item.reply.text for item in self.sent if not isinstance(item, FormRequest)]

    def last(self) -> str:
        """The text of the last message."""
        return self.texts()[-1]

    def answer(self) -> str:
        """The text of the last answer to whoever acted (posts and DMs aside)."""
        return self.to_invoker()[-1].reply.text

    def to_invoker(self) -> list[ToInvoker]:
        """Answers to whoever acted."""
        return [item for item in self.sent if isinstance(item, ToInvoker)]

    def posts(self, channel: str | None = None) -> list[ToChannel]:
        """Public posts, optionally in one channel."""
        return [i for i in self.sent if isinstance(i, ToChannel) and i.channel == channel]

    def forms(self) -> list[FormRequest]:
        """Forms the bot asked for."""
        return [item for item in self.sent if isinstance(item, FormRequest)]

    def clear(self) -> None:
        """Forget what was sent so far."""
        self.sent.clear()


@pytest.fixture
def clock() -> ManualClock:
    """A frozen clock at a fixed Monday morning."""
    return ManualClock(START, frozen=True)


# Every test using `db`, `runtime`, `driver` or `database_url` runs once per database, named in
# its id (test_x[sqlite], test_x[postgres]); `-k sqlite` or `-k postgres` picks one. These
# folders stay on SQLite alone: they test the front-ends' stand-ins, not storage. The console
# subprocess and Discord/Slack end-to-end tests open their own SQLite files, so run there too.
SQLITE_ONLY = {
    "tests/bot/adapters/": "front-end tests (Discord/Slack stand-ins), not storage",
}
BACKENDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each storage-touching test on both databases, unless it or its folder says why not."""
    if "backend" not in metafunc.fixturenames:
        return
    if any(mark.args[0] == "backend" for mark in metafunc.definition.iter_markers("parametrize")):
        return  # the test names its own database (tests/storage/test_postgres*.py)
    path = metafunc.definition.path.relative_to(metafunc.config.rootpath).as_posix()
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") or any(
        path.startswith(folder) for folder in SQLITE_ONLY
    )
    backends = ("sqlite",) if only_sqlite else BACKENDS
    metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One Postgres server for the session (TEST_POSTGRES_URL's if set), stopped at the end."""
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database this run of the test uses."""
    return str(request.param)


async def _scratch(
    backend: str, request: pytest.FixtureRequest, sqlite: str, *, migrated: bool = True
) -> AsyncIterator[str]:
    """The SQLite URL given, or a fresh Postgres database (migrated or empty), dropped after."""
    if backend == "sqlite":
        yield sqlite
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    try:
        url = await server.create(migrated=migrated)
    except PostgresUnavailable as error:
        pytest.skip(str(error))
    yield url
    await server.drop(url)


@pytest.fixture
async def database_url(backend: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """In-memory SQLite, or a fresh Postgres database already migrated to head."""
    async for url in _scratch(backend, request, "sqlite+aiosqlite:///:memory:"):
        yield url


@pytest.fixture
async def file_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[str]:
    """A database many connections share: an SQLite file, or a fresh migrated Postgres one."""
    async for url in _scratch(backend, request, f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"):
        yield url


@pytest.fixture
async def empty_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[str]:
    """A database with no tables at all (migration tests): an SQLite file, or Postgres."""
    sqlite = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    async for url in _scratch(backend, request, sqlite, migrated=False):
        yield url


@pytest.fixture
async def db(database_url: str, backend: str) -> AsyncIterator[Database]:
    """A fresh database with every table."""
    database = Database(database_url)
    if backend == "sqlite":
        await database.create_all()  # Postgres copies a template that is migrated already
    yield database
    await database.close()


@pytest.fixture
async def runtime(clock: ManualClock, database_url: str) -> AsyncIterator[Runtime]:
    """The whole bot on a fresh database."""
    settings = Settings(database_url=database_url)
    built = await build_runtime(settings, clock=clock, migrate=False)
    yield built
    await built.close()


@dataclass
class Driver:
    """Runs lines and events through the real dispatcher, as an adapter would."""

    runtime: Runtime
    transport: RecordingTransport = field(default_factory=RecordingTransport)

    async def run(self, who: str, line: str, level: Level = Level.MEMBER) -> Outcome:
        """Run a command line as a member."""
        actor = Actor(who, who, level)
        return await self.runtime.dispatcher.run_line(PLACE, actor, line, self.transport)

    async def join(self, who: str) -> Outcome:
        """A member joins."""
        actor = Actor(who, who)
        return await self.runtime.dispatcher.emit(PLACE, actor, "member_joined", self.transport)

    async def press(self, who: str, custom_id: str) -> Outcome:
        """A member presses a button."""
        actor = Actor(who, who)
        return await self.runtime.dispatcher.press(PLACE, actor, custom_id, self.transport)

    async def submit(self, who: str, command: str, values: dict[str, str]) -> Outcome:
        """A member submits a form."""
        dispatcher = self.runtime.dispatcher
        return await dispatcher.submit_form(PLACE, Actor(who, who), command, values, self.transport)


@pytest.fixture
def driver(runtime: Runtime) -> Driver:
    """A driver over the runtime, recording what the bot sends."""
    return Driver(runtime)
