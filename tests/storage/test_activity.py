"""The activity buffer and its batched writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.activity import ActivityBuffer
from storage import communities
from storage.db import Database
from storage.models import MemberRow
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
