"""Kudos queries: what the daily limits count, and members who left marked in lists."""

from __future__ import annotations

from datetime import timedelta

from storage import kudos
from storage.db import Database
from storage.models import MemberRow
from tests.conftest import START
from tests.storage.test_badges import _place


async def test_given_since_splits_ordinary_thanks_from_spotlights(db: Database) -> None:
    place = await _place(db, mod={}, ana={}, bob={})
    await place.give("mod", "ana")
    await place.give("mod", "ana", spotlight=True)
    await place.give("mod", "bob", spotlight=True, times=2)
    await place.give("mod", "bob", days_ago=1)  # yesterday: not counted
    async with db.session() as session:
        given = await kudos.given_since(
            session,
            community_id=place.community_id,
            giver_id=place.ids["mod"],
            since=START - timedelta(hours=1),
        )
    assert given == kudos.Given(plain=1, by_receiver={place.ids["ana"]: 1}, spotlights=3)


async def test_leaderboard_and_history_mark_members_who_left(db: Database) -> None:
    place = await _place(db, ana={}, bob={}, cy={})
    async with db.session() as session, session.begin():
        for giver, receivers in (("ana", ["bob", "cy"]), ("cy", ["bob"])):
            await kudos.give(
                session,
                community_id=place.community_id,
                giver_id=place.ids[giver],
                receiver_ids=[place.ids[r] for r in receivers],
                reason="thanks",
                spotlight=False,
                now=START,
                local_day=START.date(),
            )
        bob = await session.get(MemberRow, place.ids["bob"])
        assert bob is not None
        bob.left_at = START
    async with db.session() as session:
        total, board = await kudos.leaderboard(
            session,
            community_id=place.community_id,
            period="all",
            start=kudos.EVER,
            by="received",
            offset=0,
            limit=10,
        )
        _, entries = await kudos.history(
            session, community_id=place.community_id, member_id=place.ids["cy"], offset=0, limit=9
        )
    assert total == 2
    assert [(s.name, s.count, s.left) for s in board] == [("bob", 2, True), ("cy", 1, False)]
    assert [(e.other, e.other_left) for e in entries] == [("bob", True), ("ana", False)]


async def test_thanks_received_since_count_givers_and_name_the_first(db: Database) -> None:
    place = await _place(db, ana={}, bob={}, cy={}, dee={})
    await place.give("bob", "ana", days_ago=3)  # before: not counted
    await place.give("cy", "ana", times=2)
    await place.give("dee", "ana")
    await place.give("ana", "bob")  # given, not received
    async with db.session() as session:
        found = await kudos.received_since(
            session,
            community_id=place.community_id,
            member_id=place.ids["ana"],
            since=START - timedelta(days=1),
            limit=1,
        )
    assert found == (3, 2, ["cy"])
