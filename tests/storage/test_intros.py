"""Intro queries: the history pages through every version, newest first, with a count."""

from __future__ import annotations

from datetime import timedelta

from storage import intros
from storage.db import Database
from tests.conftest import START
from tests.storage.test_badges import _place


async def test_history_counts_every_version_and_pages_newest_first(db: Database) -> None:
    place = await _place(db, ana={}, bob={})
    async with db.session() as session, session.begin():
        for n in range(30):
            draft = intros.IntroDraft("me", f"goal {n}", ("oer",))
            await intros.save(
                session,
                community_id=place.community_id,
                member_id=place.ids["ana"],
                draft=draft,
                now=START + timedelta(days=n),
            )
    async with db.session() as session:
        ids = {"community_id": place.community_id, "member_id": place.ids["ana"]}
        total, first = await intros.history(session, **ids, offset=0, limit=25)
        _, rest = await intros.history(session, **ids, offset=25, limit=25)
        none = await intros.history(
            session, community_id=place.community_id, member_id=place.ids["bob"]
        )
    assert total == 30 and len(first) == 25 and len(rest) == 5
    assert first[0].goals == "goal 29" and first[0].is_current
    assert [v.goals for v in rest] == [f"goal {n}" for n in (4, 3, 2, 1, 0)]
    assert none == (0, [])
