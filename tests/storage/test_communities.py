"""Communities and their setting overrides: stored, replaced, and dropped again."""

from __future__ import annotations

from storage import communities
from storage.db import Database
from tests.conftest import START


async def test_an_override_is_replaced_then_deleted_for_its_community_only(db: Database) -> None:
    async with db.session() as session, session.begin():
        ours = await communities.get_or_create(
            session, platform="test", external_id="T1", name="Ours", now=START
        )
        theirs = await communities.get_or_create(
            session, platform="test", external_id="T2", name="Theirs", now=START
        )
        assert ours.id is not None and theirs.id is not None
        for community_id, value in ((ours.id, "5"), (ours.id, "7"), (theirs.id, "9")):
            await communities.set_override(
                session,
                community_id=community_id,
                key="page_size",
                value=value,
                member_id=None,
                now=START,
            )
    async with db.session() as session, session.begin():
        assert await communities.overrides(session, community_id=ours.id) == {"page_size": "7"}
        assert await communities.delete_override(session, community_id=ours.id, key="page_size")
        assert not await communities.delete_override(session, community_id=ours.id, key="page_size")
    async with db.session() as session:
        assert await communities.overrides(session, community_id=ours.id) == {}
        assert await communities.overrides(session, community_id=theirs.id) == {"page_size": "9"}
