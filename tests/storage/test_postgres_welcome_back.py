"""Welcome back on Postgres: local days, the scan, a return, /lapsed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor
from bot.reply import ToMember
from bot.runtime import build_runtime
from config.settings import Settings
from storage.db import Database
from tests.conftest import PLACE, START, RecordingTransport

# The session's Postgres server (TEST_POSTGRES_URL's if set) gives each run an empty database.
pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


async def test_a_lapse_and_a_return_on_postgres(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    await database.downgrade("base")  # an empty database: a no-op kept as a guard
    await database.close()
    clock = ManualClock(START, frozen=True)
    runtime = await build_runtime(Settings(database_url=empty_database_url), clock=clock)
    out = RecordingTransport()
    runtime.dispatcher.transports[PLACE.platform] = lambda place: out
    run = runtime.dispatcher.run_line
    try:
        for day in range(4):
            clock.set(START + timedelta(days=day))
            assert (await run(PLACE, Actor("ann", "ann"), "/ping", out)).ok
        await runtime.activity.flush()
        await runtime.scheduler.advance(clock, clock.now() + timedelta(days=25))
        [nudge] = [item for item in out.sent if isinstance(item, ToMember)]
        assert nudge.reply.text.startswith("**We miss you, ann!**")
        assert (await run(PLACE, Actor("mod", "mod", Level.MODERATOR), "/lapsed", out)).ok
        assert "- **ann**: lapsed, last active 5 November" in out.answer()
        assert (await run(PLACE, Actor("ann", "ann"), "/ping", out)).ok
        await runtime.scheduler.advance(clock, clock.now() + timedelta(seconds=10))
        welcome = [item for item in out.sent if isinstance(item, ToMember)][-1]
        assert welcome.reply.text.startswith("**Welcome back, ann!** Since 5 November")
    finally:
        await runtime.close()
