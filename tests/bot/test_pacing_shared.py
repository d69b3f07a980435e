"""Pacing shared through the database: two processes' senders keep one community's DM pace."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.commands import Member
from bot.context import Context
from bot.dispatch import Place
from bot.pacing import Pacing
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage import pacing
from storage.db import Database
from storage.pacing import Need
from tests.bot.conftest import as_job, member, run
from tests.bot.fake_platform import FakePlatform
from tests.conftest import START

DISCORD = Place("discord", "G1", "Guild one", "general")
NAMES = ("ann", "bea", "cy", "dee", "eve", "fay")


async def test_a_shared_bucket_gives_its_burst_then_one_per_interval(db: Database) -> None:
    needs = [Need("b", None, per_second=0.5, burst=2)]
    turns = []
    for after in (0, 0, 0, 1.5, 2.0):
        async with db.session() as session, session.begin():
            turns.append(
                await pacing.reserve(session, needs=needs, now=START + timedelta(seconds=after))
            )
    assert turns == [0, 0, 2.0, 0.5, 0]


async def test_a_shared_reserve_takes_from_every_bucket_or_from_none(db: Database) -> None:
    slow, fast = Need("slow", None, 0.25), Need("fast", None, 10, burst=10)
    async with db.session() as session, session.begin():
        assert await pacing.reserve(session, needs=[slow, fast], now=START) == 0
        assert await pacing.reserve(session, needs=[slow, fast], now=START) == 4.0
        waits = [await pacing.reserve(session, needs=[fast], now=START) for _ in range(10)]
    assert waits[:9] == [0] * 9 and waits[9] == pytest.approx(0.1)


# Postgres only: on SQLite one process sends: its buckets are its own, in memory.
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_senders_on_one_database_keep_one_dm_pace_together(
    runtime: Runtime, clock: ManualClock, database_url: str, backend: str
) -> None:
    second = await build_runtime(Settings(database_url=database_url), clock=clock, migrate=False)
    one, two = FakePlatform(clock=clock), FakePlatform(clock=clock)
    try:
        senders = []
        for built, platform in ((runtime, one), (second, two)):
            built.dispatcher.sender.pacing = Pacing(discord_dms_per_minute=600)
            built.dispatcher.transports["discord"] = lambda place, p=platform: p  # type: ignore[misc]
            senders.append(built.dispatcher.sender)
        for name in NAMES:
            await run(runtime, FakePlatform(), name, "/ping", place=DISCORD)
        people = [await member(runtime.db, name) for name in NAMES]

        def inviting(some: list[Member]) -> Callable[[Context], Awaitable[None]]:
            async def invite(ctx: Context) -> None:
                for person in some:
                    ctx.dm(person, f"Coffee, {person.name}?")

            return invite

        # Each process queues three DMs to the one community, and holds them to send.
        assert await as_job(runtime, inviting(people[:3]), one, DISCORD)
        assert await as_job(second, inviting(people[3:]), two, DISCORD)
        step = 0
        while (clock.now() - START).total_seconds() < 12:
            clock.advance(timedelta(seconds=0.5))
            step += 1
            # Each in turn goes first: neither has the bucket to itself.
            for sender in senders if step % 2 else senders[::-1]:
                await sender.drain_all()
    finally:
        await second.close()
    when = sorted((at - START).total_seconds() for at in one.times + two.times)
    assert when == [0, 2, 4, 6, 8, 10]  # the community's one DM every 2 s, whoever sends
    assert one.dms() and two.dms()
    assert sorted(dm.member.name for dm in one.dms() + two.dms()) == sorted(NAMES)
