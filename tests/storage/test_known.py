"""Who members are: cached after commits, forgotten on change, created once under races."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.clock import ManualClock
from bot.dispatch import Actor
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage.models import MemberRow
from tests.conftest import PLACE, START, Driver, RecordingTransport


async def _community_id(runtime: Runtime) -> int:
    async with runtime.db.session() as session:
        return (await session.exec(select(MemberRow.community_id))).first() or 0


async def test_an_author_is_cached_after_the_commit_and_forgotten_when_changed(
    driver: Driver, runtime: Runtime
) -> None:
    await driver.run("ann", "/ping")
    known = runtime.db.known_members
    community = await _community_id(runtime)
    assert known.get(community, "ann") is not None
    async with runtime.db.session() as session, session.begin():
        row = (await session.exec(select(MemberRow).where(MemberRow.name == "ann"))).one()
        row.role = "leader"
    assert known.get(community, "ann") is None
    await driver.run("ann", "/ping")
    cached = known.get(community, "ann")
    assert cached is not None and cached.role == "leader"


async def test_a_failed_command_caches_nothing(driver: Driver, runtime: Runtime) -> None:
    await driver.run("bob", "/role set @nobody leader")  # refused: not a moderator
    assert runtime.db.known_members.get(await _community_id(runtime), "bob") is None


async def test_a_renamed_member_is_read_again(driver: Driver, runtime: Runtime) -> None:
    await driver.run("cy", "/ping")
    await runtime.dispatcher.run_line(PLACE, Actor("cy", "Cyrus"), "/ping", RecordingTransport())
    cached = runtime.db.known_members.get(await _community_id(runtime), "cy")
    assert cached is not None and cached.name == "Cyrus"


async def test_a_newcomer_racing_themself_is_created_once(file_database_url: str) -> None:
    settings = Settings(database_url=file_database_url)
    runtime = await build_runtime(settings, clock=ManualClock(START, frozen=True))
    try:
        actor = Actor("new", "new")
        runs = [
            runtime.dispatcher.run_line(PLACE, actor, "/intro show @new", RecordingTransport())
            for _ in range(20)
        ]
        outcomes = await asyncio.gather(*runs)
        assert all(outcome.ok for outcome in outcomes)
        async with runtime.db.session() as session:
            rows = (await session.exec(select(MemberRow).where(MemberRow.name == "new"))).all()
        assert len(rows) == 1
    finally:
        await runtime.close()
