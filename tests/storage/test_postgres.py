"""The same code on Postgres: the embedded server, or TEST_POSTGRES_URL's if set."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.dispatch import Actor
from bot.runtime import build_runtime
from config.settings import Settings
from storage.db import Database
from tests.conftest import PLACE, START, RecordingTransport

# The session's Postgres server (TEST_POSTGRES_URL's if set) gives each run an empty database.
pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


async def test_migrations_and_recognition_on_postgres(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    await database.downgrade("base")  # an empty database: a no-op kept as a guard
    await database.close()
    runtime = await build_runtime(
        Settings(database_url=empty_database_url), clock=ManualClock(START)
    )
    out = RecordingTransport()
    runtime.dispatcher.transports[PLACE.platform] = lambda place: out
    run = runtime.dispatcher.run_line
    try:
        assert (await run(PLACE, Actor("ann", "ann"), "/intro about=a goals=b interests=c", out)).ok
        assert (await run(PLACE, Actor("bob", "bob"), "/kudos @ann for the help", out)).ok
        assert (await run(PLACE, Actor("bob", "bob"), "/kudos top", out)).ok
        assert "1. **ann**: 1" in out.answer()
        assert (await run(PLACE, Actor("ann", "ann"), "/badges", out)).ok
        assert "Hello" in out.answer()
        # Everything earned was awarded with the commands: the daily re-check finds nothing new.
        assert await runtime.scheduler.run_now("badge_recheck") == 0
    finally:
        await runtime.close()
