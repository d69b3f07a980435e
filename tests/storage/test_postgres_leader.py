"""Leading and sending from several processes on Postgres, each test on an empty database."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import text, update
from sqlmodel import col

from bot.clock import ManualClock
from bot.leader import LOCK_KEY, PostgresLeader, lead
from bot.runtime import build_runtime
from bot.scheduler import Scheduler
from config.settings import Settings
from storage.db import Database, process_name
from storage.models import OutboxRow
from tests.bot.fake_platform import FakePlatform
from tests.bot.senders import deliveries, drain_together, queue_posts, reach
from tests.conftest import START

# Each test gets an empty database of its own on the session's Postgres server.
pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


async def holders(db: Database) -> list[int]:
    """The backends holding copbot's advisory lock."""
    query = text(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND objid = :low AND classid = :high"
    )
    async with db.engine.connect() as connection:
        found = await connection.execute(
            query, {"low": LOCK_KEY & 0xFFFFFFFF, "high": LOCK_KEY >> 32}
        )
        return [pid for (pid,) in found]


async def test_two_leaders_one_wins_and_asking_again_does_not_stack(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    first, second = PostgresLeader(url), PostgresLeader(url)
    try:
        assert await first.acquire() and await first.acquire()
        assert not await second.acquire()
        assert await first.keep()
        await first.release()
        assert await second.acquire()
    finally:
        await first.release()
        await second.release()


async def test_a_leader_whose_connection_dies_stops_and_another_takes_over(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    db = Database(url)
    first, second = PostgresLeader(url), PostgresLeader(url)
    schedulers = Scheduler(ManualClock()), Scheduler(ManualClock())
    for scheduler in schedulers:
        scheduler.pause()
    tasks = [
        asyncio.create_task(lead(leader, scheduler, check=0.05, retry=(0.05, 0.1)))
        for leader, scheduler in zip((first, second), schedulers, strict=True)
    ]
    try:
        async with asyncio.timeout(10):
            while not any(s.leading for s in schedulers):
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)
        assert [s.leading for s in schedulers].count(True) == 1
        winner = 0 if schedulers[0].leading else 1
        [pid] = await holders(db)
        async with db.engine.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        async with asyncio.timeout(10):
            while not schedulers[1 - winner].leading:
                await asyncio.sleep(0.02)
        # The old leader learns of its lost connection at its next check (every 0.05 s here),
        # which may come just after the other took the freed lock: it stops within a second.
        async with asyncio.timeout(1):
            while schedulers[winner].leading:
                await asyncio.sleep(0.02)
        assert not schedulers[winner].leading and schedulers[1 - winner].leading
        assert len(await holders(db)) == 1
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await db.close()


async def test_two_senders_on_postgres_deliver_2000_rows_once_each(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    database = Database(url)
    await database.downgrade("base")  # a scratch database: start from nothing
    await database.close()
    clock = ManualClock(START, frozen=True)
    first = await build_runtime(Settings(database_url=url), clock=clock)
    second = await build_runtime(Settings(database_url=url), clock=clock, migrate=False)
    one, two = FakePlatform(), FakePlatform()
    reach(first, one)
    reach(second, two)
    try:
        await queue_posts(first, 2000)
        await drain_together(first, second)
    finally:
        await first.close()
        await second.close()
    assert deliveries(one, two) == {str(n): 1 for n in range(2000)}
    assert one.texts() and two.texts()


async def test_the_leader_lets_go_a_dead_processs_claims_and_keeps_a_live_ones(
    database_url: str,
) -> None:
    runtime = await build_runtime(
        Settings(database_url=database_url), clock=ManualClock(START, frozen=True), migrate=False
    )
    platform = FakePlatform()
    reach(runtime, platform)
    sender = runtime.dispatcher.sender
    try:
        await queue_posts(runtime, 3)
        # Post 0 was being sent by a process that died (no session of its name is left), post 1
        # by another sender of this live process; both claims still have minutes to run.
        claimed = {"p0": "gone-host:4242:dead", "p1": f"{process_name()}:0000"}
        async with runtime.db.session() as session, session.begin():
            for handle, by in claimed.items():
                await session.exec(
                    update(OutboxRow)  # type: ignore[call-overload]
                    .where(col(OutboxRow.handle) == handle)
                    .values(claimed_by=by, claimed_until=START + timedelta(minutes=4))
                )
        assert await sender.release_gone() == 1
        await sender.drain()
        assert sorted(platform.texts()) == ["0", "2"]
    finally:
        await runtime.close()
