"""The activity buffer and its batched writes: local days, rhythm, returns from a lapse."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.activity import ActivityBuffer
from bot.configstore import ConfigStore
from storage import communities
from storage.db import Database
from storage.models import ActiveDayRow, LapseRow, MemberRow, SettingRow
from storage.rhythm import WINDOW
from tests.conftest import START


async def _community(db: Database) -> int:
    async with db.session() as session, session.begin():
        row = await communities.get_or_create(
            session, platform="test", external_id="T", name="T", now=START
        )
        assert row.id is not None
        return row.id


async def test_many_events_are_one_commit_with_days_counted(db: Database) -> None:
    community_id = await _community(db)
    buffer = ActivityBuffer(db)
    for day in range(3):
        for _ in range(50):
            buffer.record(
                community_id=community_id,
                external_id="ann",
                name="ann",
                at=START + timedelta(days=day),
            )
    buffer.record(community_id=community_id, external_id="bob", name="bob", at=START)
    assert await buffer.flush() == 2
    assert buffer.commits == 1 and buffer.events == 151
    async with db.session() as session:
        rows = {r.name: r for r in (await session.exec(select(MemberRow))).all()}
    assert rows["ann"].active_days == 3
    assert rows["ann"].last_active_at == START + timedelta(days=2)
    assert rows["bob"].active_days == 1


async def test_a_day_already_counted_is_not_counted_again(db: Database) -> None:
    community_id = await _community(db)
    buffer = ActivityBuffer(db)
    buffer.record(community_id=community_id, external_id="ann", name="ann", at=START)
    await buffer.flush()
    buffer.record(
        community_id=community_id, external_id="ann", name="ann", at=START + timedelta(hours=2)
    )
    buffer.record(
        community_id=community_id, external_id="ann", name="ann", at=START + timedelta(days=1)
    )
    await buffer.flush()
    assert await buffer.flush() == 0  # nothing pending: no transaction at all
    async with db.session() as session:
        ann = (await session.exec(select(MemberRow))).one()
    assert ann.active_days == 2 and buffer.commits == 2


async def test_a_failed_flush_keeps_the_batch(db: Database) -> None:
    buffer = ActivityBuffer(db)
    buffer.record(community_id=999, external_id="ann", name="ann", at=START)  # no such community
    with pytest.raises(IntegrityError):
        await buffer.flush()
    assert buffer.pending == 1


async def _set(db: Database, community_id: int, key: str, value: object) -> None:
    async with db.session() as session, session.begin():
        session.add(
            SettingRow(
                community_id=community_id, key=key, value=json.dumps(value), updated_at=START
            )
        )


async def _active(buffer: ActivityBuffer, community_id: int, name: str, *days: int) -> None:
    """The member is active at START on each of these days, one flush a day."""
    for day in days:
        at = START + timedelta(days=day)
        buffer.record(community_id=community_id, external_id=name, name=name, at=at)
        await buffer.flush()


async def _member(db: Database, name: str) -> MemberRow:
    async with db.session() as session:
        return (await session.exec(select(MemberRow).where(MemberRow.name == name))).one()


async def _days(db: Database) -> list[date]:
    async with db.session() as session:
        found = await session.exec(select(ActiveDayRow.day).order_by(ActiveDayRow.day))
        return list(found)


async def test_days_are_the_communitys_local_days(db: Database) -> None:
    community_id = await _community(db)
    await _set(db, community_id, "timezone", "Asia/Kathmandu")  # UTC+05:45
    buffer = ActivityBuffer(db, configs=ConfigStore())
    evening = datetime(2026, 11, 2, 18, 14, tzinfo=UTC)  # 23:59 there
    for at in (evening, evening + timedelta(minutes=2)):  # 00:01 the next day there
        buffer.record(community_id=community_id, external_id="ann", name="ann", at=at)
    await buffer.flush()
    ann = await _member(db, "ann")
    assert (ann.active_days, ann.last_active_on) == (2, date(2026, 11, 3))
    assert await _days(db) == [date(2026, 11, 2), date(2026, 11, 3)]


async def test_the_usual_gap_follows_the_recent_days_and_the_history_stays_small(
    db: Database,
) -> None:
    community_id = await _community(db)
    buffer = ActivityBuffer(db, configs=ConfigStore())
    await _active(buffer, community_id, "ann", 0, 2, 4, 6)
    ann = await _member(db, "ann")
    assert (ann.active_days, ann.usual_gap) == (4, 2.0)
    # Much later, every day: only the last WINDOW days count, and only they are kept.
    await _active(buffer, community_id, "ann", *range(100, 100 + WINDOW + 5))
    ann = await _member(db, "ann")
    assert (ann.active_days, ann.usual_gap) == (4 + WINDOW + 5, 1.0)
    kept = await _days(db)
    assert len(kept) == WINDOW and kept[0] == START.date() + timedelta(days=105)


async def _lapses(db: Database) -> list[tuple[date, bool, bool]]:
    async with db.session() as session:
        rows = (await session.exec(select(LapseRow).order_by(LapseRow.id))).all()
    return [(row.since_day, row.returned_at is not None, row.welcome_due) for row in rows]


async def test_a_return_after_a_lapse_is_noted_for_a_welcome(db: Database) -> None:
    community_id = await _community(db)
    buffer = ActivityBuffer(db, configs=ConfigStore())
    await _active(buffer, community_id, "ann", 0, 1, 2)
    await _active(buffer, community_id, "bob", 0, 1)  # a visitor
    await _active(buffer, community_id, "ann", 20)  # 18 days: not a lapse
    await _active(buffer, community_id, "bob", 40)
    assert await _lapses(db) == []
    await _active(buffer, community_id, "ann", 42)  # 22 days: a lapse, never noticed
    assert await _lapses(db) == [(START.date() + timedelta(days=20), True, True)]


async def test_a_noticed_lapse_ends_even_for_a_paused_member(db: Database) -> None:
    community_id = await _community(db)
    buffer = ActivityBuffer(db, configs=ConfigStore())
    await _active(buffer, community_id, "ann", 0, 1, 2)
    await _active(buffer, community_id, "bob", 0, 1, 2)
    ann, bob = await _member(db, "ann"), await _member(db, "bob")
    paused = START + timedelta(days=60)
    async with db.session() as session, session.begin():
        for row in (ann, bob):
            row.away_until = paused
            session.add(row)
        noticed = LapseRow(
            community_id=community_id,
            member_id=ann.id or 0,
            since_day=START.date() + timedelta(days=2),
            since_at=START,
            noticed_at=START,
        )
        session.add(noticed)
    # Both come back while paused: ann's noticed lapse ends; bob, paused, never lapsed.
    await _active(buffer, community_id, "ann", 30)
    await _active(buffer, community_id, "bob", 30)
    assert await _lapses(db) == [(START.date() + timedelta(days=2), True, True)]


async def test_with_welcome_back_off_no_lapse_is_noted(db: Database) -> None:
    community_id = await _community(db)
    await _set(db, community_id, "welcome_back", False)
    buffer = ActivityBuffer(db, configs=ConfigStore())
    await _active(buffer, community_id, "ann", 0, 1, 2, 40)
    assert await _lapses(db) == []
