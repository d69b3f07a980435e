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


async def test_newcomers_are_first_intros_since_and_those_sharing_interests_are_named(
    db: Database,
) -> None:
    place = await _place(db, ana={}, old={}, bob={}, cy={}, dee={}, gone={"left_at": START})
    writes = {
        "ana": [(0, ("oer", "maths"))],
        "old": [(0, ("oer",)), (5, ("oer", "maths"))],  # an update is not a newcomer
        "bob": [(5, ("maths", "oer", "art"))],
        "cy": [(6, ("art",))],
        "dee": [(7, ("oer",))],
        "gone": [(7, ("oer",))],
    }
    async with db.session() as session, session.begin():
        for name, versions in writes.items():
            for day, tags in versions:
                await intros.save(
                    session,
                    community_id=place.community_id,
                    member_id=place.ids[name],
                    draft=intros.IntroDraft("me", "g", tags),
                    now=START + timedelta(days=day),
                )
    async with db.session() as session:
        found = await intros.newcomers_since(
            session,
            community_id=place.community_id,
            member_id=place.ids["ana"],
            since=START + timedelta(days=1),
        )
        later = await intros.newcomers_since(
            session,
            community_id=place.community_id,
            member_id=place.ids["ana"],
            since=START + timedelta(days=8),
        )
    assert found == intros.Newcomers(3, [("bob", ["maths", "oer"]), ("dee", ["oer"])])
    assert later == intros.Newcomers(0, [])
