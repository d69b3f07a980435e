"""Cached members and settings go stale after max_age where processes share the database."""

from __future__ import annotations

from bot.configstore import ConfigStore
from storage import communities
from storage.db import Database
from storage.known import KnownMembers
from storage.models import MemberRow
from tests.conftest import START


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_member_is_trusted_for_max_age_then_read_again() -> None:
    ticks = Ticks()
    known = KnownMembers(max_age=1.0, monotonic=ticks)
    known.remember(MemberRow(id=1, community_id=1, external_id="ann", name="ann"))
    ticks.now = 0.9
    assert known.get(1, "ann") is not None
    ticks.now = 1.0
    assert known.get(1, "ann") is None  # another process may have changed her role
    alone = KnownMembers()  # one process: good until this process changes the row
    alone.remember(MemberRow(id=1, community_id=1, external_id="ann", name="ann"))
    assert alone.get(1, "ann") is not None


async def test_settings_are_read_again_after_max_age(db: Database) -> None:
    ticks = Ticks()
    store = ConfigStore(max_age=1.0, monotonic=ticks)
    async with db.session() as session, session.begin():
        row = await communities.get_or_create(
            session, platform="console", external_id="x", name="x", now=START
        )
        assert (await store.get(session, row.id or 0)).page_size == 10
        # Another process sets page_size; this one's copy stands until max_age has passed.
        await communities.set_override(
            session, community_id=row.id or 0, key="page_size", value="4", member_id=None, now=START
        )
        assert (await store.get(session, row.id or 0)).page_size == 10
        ticks.now = 1.0
        assert (await store.get(session, row.id or 0)).page_size == 4
