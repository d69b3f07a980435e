"""Caches where processes share Postgres: what one process changes, the others obey in 1 s."""

from __future__ import annotations

import asyncio

import pytest

from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor
from bot.runtime import build_runtime
from config.settings import Settings
from storage.db import SHARED_MAX_AGE
from tests.conftest import PLACE, START, RecordingTransport

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


async def test_a_setting_and_a_role_changed_in_one_process_are_obeyed_by_another(
    empty_database_url: str,
) -> None:
    clock = ManualClock(START, frozen=True)
    first = await build_runtime(Settings(database_url=empty_database_url), clock=clock)
    second = await build_runtime(
        Settings(database_url=empty_database_url), clock=clock, migrate=False
    )
    out = RecordingTransport()
    for runtime in (first, second):
        runtime.dispatcher.transports[PLACE.platform] = lambda place: out
    owner, ann = Actor("owner", "owner", Level.OWNER), Actor("ann", "ann")
    try:
        assert (await second.dispatcher.run_line(PLACE, ann, "/ping", out)).ok
        assert (await second.dispatcher.run_line(PLACE, ann, "/config show", out)).ok is False
        assert (await second.dispatcher.run_line(PLACE, owner, "/config show", out)).ok
        # The second process has cached the settings and ann; the first changes both.
        ok = await first.dispatcher.run_line(PLACE, owner, "/config set page_size 4", out)
        assert ok.ok
        assert (await first.dispatcher.run_line(PLACE, owner, "/role set @ann moderator", out)).ok
        await asyncio.sleep(SHARED_MAX_AGE + 0.1)  # cache freshness is wall time, not the clock
        async with second.db.session() as session:
            community = await second.dispatcher.community(PLACE)
            config = await second.dispatcher.configs.get(session, community.id)
        assert config.page_size == 4
        assert (await second.dispatcher.run_line(PLACE, ann, "/config show", out)).ok
    finally:
        await first.close()
        await second.close()
