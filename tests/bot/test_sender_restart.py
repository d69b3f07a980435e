"""A restart sends what was pending; a process killed mid-batch sends nothing twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.context import Context
from bot.delivery import TransientError
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from tests.bot.conftest import Herald, as_job, outbox_rows, run
from tests.bot.fake_platform import FakePlatform


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """One SQLite file, shared by the runtimes a test starts one after the other."""
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}")


@asynccontextmanager
async def process(
    settings: Settings, clock: ManualClock, platform: FakePlatform
) -> AsyncIterator[Runtime]:
    """One copbot process on the file database, reaching `platform`."""
    runtime = await build_runtime(settings, clock=clock, migrate=False)
    runtime.registry.add_cog(Herald())
    runtime.dispatcher.transports["test"] = lambda place: platform
    await runtime.dispatcher.sender.take_over()  # as `copbot run` does, alone on SQLite
    try:
        yield runtime
    finally:
        await runtime.close()


async def test_rows_left_pending_are_sent_once_by_the_next_process(
    settings: Settings, clock: ManualClock
) -> None:
    down = FakePlatform(failures=[TransientError("503")] * 3)
    async with process(settings, clock, down) as first:
        for n in range(3):
            assert (await run(first, down, "ann", f"/herald n{n} Hello {n}")).ok
    assert down.outbox_items() == []

    clock.advance(timedelta(seconds=2))
    up = FakePlatform()
    async with process(settings, clock, up) as second:
        await second.dispatcher.sender.drain_all()
        await second.dispatcher.sender.drain_all()  # nothing is left to send again
        rows = await outbox_rows(second.db)
    assert up.texts() == ["Hello 0", "Hello 1", "Hello 2"]
    assert [(row.status, row.ref) for row in rows] == [
        ("sent", "chan/1"),
        ("sent", "chan/2"),
        ("sent", "chan/3"),
    ]


@pytest.mark.parametrize(
    ("dedupes", "expected"),
    [
        (True, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),  # nonces: the batch's resends are dropped
        (False, [0, 1, 2, 3, 4, 4, 5, 6, 7, 8, 9]),  # per message: only the one in flight
    ],
)
async def test_a_process_killed_mid_batch_sends_nothing_twice_but_the_one_in_flight(
    settings: Settings, clock: ManualClock, dedupes: bool, expected: list[int]
) -> None:
    down = FakePlatform(failures=[TransientError("503")] * 10)

    async def announce(ctx: Context) -> None:
        for n in range(10):
            ctx.post("news", str(n))

    async with process(settings, clock, down) as first:
        assert await as_job(first, announce, down)  # ten posts wait for the background sender
    clock.advance(timedelta(seconds=2))

    platform = FakePlatform(dedupes=dedupes, die_after=4)
    async with process(settings, clock, platform) as dying:
        with pytest.raises(asyncio.CancelledError):
            await dying.dispatcher.sender.drain()  # the fifth post arrives, then the end
    assert platform.texts() == ["0", "1", "2", "3", "4"]

    platform.die_after = None
    async with process(settings, clock, platform) as restarted:
        await restarted.dispatcher.sender.drain_all()
        rows = await outbox_rows(restarted.db)
    assert [int(text) for text in platform.texts()] == expected
    assert all(row.status == "sent" for row in rows)
    if dedupes:  # each row keeps the reference of the one message it made
        assert [row.ref for row in rows] == [f"chan/{n}" for n in range(1, 11)]
