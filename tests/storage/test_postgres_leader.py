"""Leading and sending from several processes on Postgres, each test on an empty database."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import text

from bot.clock import ManualClock
from bot.leader import LOCK_KEY, PostgresLeader, lead
from bot.runtime import build_runtime
from bot.scheduler import Scheduler
from config.settings import Settings
from storage.db import Database
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
