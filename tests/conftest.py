"""Shared fixtures: a fresh in-memory database and a runtime on a frozen clock per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor, Outcome, Place
from bot.reply import FormRequest, Outgoing, ToChannel, ToInvoker, ToMember
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage.db import Database

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


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    """A fresh in-memory database with every table."""
    database = Database("sqlite+aiosqlite:///:memory:")
    await database.create_all()
    yield database
    await database.close()


@pytest.fixture
async def runtime(clock: ManualClock) -> AsyncIterator[Runtime]:
    """The whole bot on a fresh in-memory database."""
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:")
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
