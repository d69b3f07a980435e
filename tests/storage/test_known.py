"""The known-members cache: filled after commits, emptied by any change to a member row."""

from __future__ import annotations

from sqlmodel import select

from bot.dispatch import Actor
from bot.runtime import Runtime
from storage.models import MemberRow
from tests.conftest import PLACE, Driver, RecordingTransport


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
