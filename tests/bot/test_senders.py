"""Two processes' senders on one SQLite file: each row is sent once; a dead one's rows go later."""

from __future__ import annotations

from pathlib import Path

from bot.claims import CLAIM
from bot.clock import ManualClock
from bot.runtime import build_runtime
from config.settings import Settings
from storage import outbox
from tests.bot.conftest import outbox_rows
from tests.bot.fake_platform import FakePlatform
from tests.bot.senders import deliveries, drain_together, queue_posts, reach
from tests.conftest import PLACE


async def test_two_senders_draining_2000_rows_deliver_each_exactly_once(
    tmp_path: Path, clock: ManualClock
) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}")
    first = await build_runtime(settings, clock=clock)
    second = await build_runtime(settings, clock=clock, migrate=False)
    one, two = FakePlatform(), FakePlatform()
    reach(first, one)
    reach(second, two)
    try:
        await queue_posts(first, 2000)
        await drain_together(first, second)
        rows = await outbox_rows(first.db)
    finally:
        await first.close()
        await second.close()
    assert deliveries(one, two) == {str(n): 1 for n in range(2000)}
    assert one.texts() and two.texts()  # both took a share
    assert all(row.status == "sent" and row.claimed_by is None for row in rows)


async def test_a_dead_senders_claim_is_taken_over_once_it_runs_out(
    tmp_path: Path, clock: ManualClock
) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}")
    runtime = await build_runtime(settings, clock=clock)
    platform = FakePlatform()
    reach(runtime, platform)
    try:
        await queue_posts(runtime, 3)
        async with runtime.db.session() as session, session.begin():
            # A sender in a process that died right after claiming them.
            claimed = await outbox.claim(
                session,
                now=clock.now(),
                until=clock.now() + CLAIM,
                by="dead",
                limit=10,
                platforms=[PLACE.platform],
            )
        assert len(claimed) == 3
        await runtime.dispatcher.sender.drain_all()
        assert platform.texts() == []  # still the dead one's
        clock.advance(CLAIM)
        await runtime.dispatcher.sender.drain_all()
    finally:
        await runtime.close()
    assert platform.texts() == ["0", "1", "2"]
