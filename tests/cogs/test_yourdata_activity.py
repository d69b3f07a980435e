"""Activity buffered before /forget-me, in this process or another, never brings a member back."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.activity import ActivityBuffer
from bot.clock import ManualClock
from bot.dispatch import Actor
from bot.runtime import Runtime
from storage import activity as activity_store
from storage.models import ActiveDayRow, MemberRow
from tests.cogs.polling import Polling, polling_on
from tests.cogs.yourdata import buttons
from tests.conftest import PLACE


async def _members(runtime: Runtime) -> list[MemberRow]:
    async with runtime.db.session() as session:
        return list((await session.exec(select(MemberRow).order_by(MemberRow.id))).all())  # type: ignore[arg-type]


async def _days(runtime: Runtime, member_id: int | None) -> int:
    async with runtime.db.session() as session:
        found = await session.exec(select(ActiveDayRow).where(ActiveDayRow.member_id == member_id))
        return len(found.all())


async def _ana_buffered_here_and_elsewhere(polling: Polling) -> tuple[int, ActivityBuffer]:
    """ana is known, then active in this process's buffer and another's; her row's id."""
    runtime = polling.runtime
    assert (await polling.run("ana", "/forget-me")).ok
    await runtime.activity.flush()
    (ana,) = [row for row in await _members(runtime) if row.external_id == "ana"]
    assert ana.id is not None
    polling.clock.advance(timedelta(days=1))
    await runtime.dispatcher.note_message(PLACE, Actor("ana", "ana"))
    elsewhere = ActivityBuffer(runtime.db)  # another copbot process on the same database
    now = polling.clock.now()
    elsewhere.record(community_id=ana.community_id, external_id="ana", name="ana", at=now)
    assert runtime.activity.pending == 1 and elsewhere.pending == 1
    return ana.id, elsewhere


async def test_a_flush_after_forget_me_writes_nothing_of_her(
    runtime: Runtime, clock: ManualClock
) -> None:
    polling = await polling_on(runtime, clock)
    ana_id, elsewhere = await _ana_buffered_here_and_elsewhere(polling)
    assert (await polling.driver.press("ana", buttons(polling)["Forget me"].custom_id)).ok
    await runtime.activity.flush()
    await elsewhere.flush()
    members = await _members(runtime)
    assert not [row for row in members if row.external_id == "ana" or row.name == "ana"]
    (tombstone,) = [row for row in members if row.id == ana_id]
    assert tombstone.name == "a former member" and tombstone.external_id == f"forgotten:{ana_id}"
    assert tombstone.active_days == 0 and tombstone.last_active_at is None
    assert await _days(runtime, ana_id) == 0


async def test_activity_after_the_erasure_counts_as_someone_new(
    runtime: Runtime, clock: ManualClock
) -> None:
    polling = await polling_on(runtime, clock)
    ana_id, elsewhere = await _ana_buffered_here_and_elsewhere(polling)
    assert (await polling.driver.press("ana", buttons(polling)["Forget me"].custom_id)).ok
    clock.advance(timedelta(minutes=1))
    (here,) = {row.community_id for row in await _members(runtime)}
    elsewhere.record(community_id=here, external_id="ana", name="ana", at=clock.now())
    elsewhere.record(community_id=here, external_id="bob", name="bob", at=clock.now())
    await runtime.activity.flush()
    assert await elsewhere.flush() == 2
    again = {row.name: row for row in await _members(runtime) if row.id != ana_id}
    assert again["ana"].active_days == 1 and again["ana"].last_active_at == clock.now()
    assert again["bob"].active_days == 1


# Postgres only: SQLite has one writer at a time: a flush and an erasure never interleave.
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_an_erasure_waits_for_a_flush_under_way_and_then_erases_what_it_wrote(
    runtime: Runtime, clock: ManualClock, backend: str
) -> None:
    polling = await polling_on(runtime, clock)
    ana_id, _ = await _ana_buffered_here_and_elsewhere(polling)
    (here,) = {row.community_id for row in await _members(runtime)}
    assert (await polling.run("ana", "/forget-me")).ok
    forget = buttons(polling)["Forget me"].custom_id
    now = clock.now()
    entry = activity_store.Activity(here, "ana", "ana", now, {activity_store.quarter(now)})
    # Another process's flush, its transaction still open, has written ana's new day.
    async with runtime.db.session() as session, session.begin():
        await activity_store.apply(session, entries=[entry], default_role="member")
        pressed = asyncio.create_task(polling.driver.press("ana", forget))
        await asyncio.sleep(0.5)
        assert not pressed.done()  # the erasure waits for the flush to commit
    assert (await pressed).ok
    assert await _days(runtime, ana_id) == 0
    (tombstone,) = [row for row in await _members(runtime) if row.id == ana_id]
    assert tombstone.active_days == 0 and tombstone.last_active_at is None
