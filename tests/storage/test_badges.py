"""Badge queries: every metric, awards once even under races, grants, revocations, lists."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import func, select

from bot.configstore import ConfigStore
from cogs import build_registry
from storage import badges
from storage.db import Database
from storage.models import (
    BadgeAwardRow,
    BadgeEventRow,
    CommunityRow,
    IntroRow,
    KudosGroupRow,
    KudosRow,
    MemberRow,
)
from tests.conftest import START

# Every metric copbot's features register, as the badges cog passes them.
SHIPPED = tuple(build_registry(ConfigStore()).metrics.values())


@dataclass
class Place:
    """A community with named members, on one database."""

    db: Database
    community_id: int
    ids: dict[str, int]

    async def give(
        self,
        giver: str,
        receiver: str,
        *,
        times: int = 1,
        spotlight: bool = False,
        days_ago: int = 0,
    ) -> None:
        """Record kudos as the kudos cog would: a group and one row per recipient."""
        at = START - timedelta(days=days_ago)
        async with self.db.session() as session, session.begin():
            for _ in range(times):
                group = KudosGroupRow(
                    community_id=self.community_id,
                    giver_id=self.ids[giver],
                    reason="thanks",
                    spotlight=spotlight,
                    created_at=at,
                )
                session.add(group)
                await session.flush()
                assert group.id is not None
                session.add(
                    KudosRow(
                        community_id=self.community_id,
                        group_id=group.id,
                        giver_id=self.ids[giver],
                        receiver_id=self.ids[receiver],
                        spotlight=spotlight,
                        created_at=at,
                    )
                )


async def _place(db: Database, **people: dict[str, Any]) -> Place:
    async with db.session() as session, session.begin():
        community = CommunityRow(platform="test", external_id="T", name="T", created_at=START)
        session.add(community)
        await session.flush()
        assert community.id is not None
        rows = {
            name: MemberRow(community_id=community.id, external_id=name, name=name, **extra)
            for name, extra in people.items()
        }
        session.add_all(rows.values())
        await session.flush()
        return Place(db, community.id, {name: row.id or 0 for name, row in rows.items()})


@pytest.fixture
async def place(db: Database) -> AsyncIterator[Place]:
    """Four members: ana joined 40 days ago, bob is a leader, cy left, and a bot."""
    yield await _place(
        db,
        ana={"joined_at": START - timedelta(days=40, hours=1), "active_days": 12},
        bob={"role": "leader"},
        cy={"left_at": START},
        robo={"is_bot": True},
    )


async def test_every_metric_is_computed_per_member(place: Place) -> None:
    await place.give("bob", "ana", times=3)
    await place.give("cy", "ana", spotlight=True)
    await place.give("ana", "bob")
    await place.give("ana", "cy", times=2)
    async with place.db.session() as session, session.begin():
        for n in range(2):
            session.add(
                IntroRow(
                    community_id=place.community_id,
                    member_id=place.ids["ana"],
                    about="a",
                    goals="g",
                    is_current=n == 1,
                    created_at=START,
                )
            )
    async with place.db.session() as session:
        found = await badges.metrics(
            session,
            community_id=place.community_id,
            member_ids=[place.ids["ana"], place.ids["bob"], 999],
            now=START,
            metrics=SHIPPED,
        )
    assert found[place.ids["ana"]] == {
        "intros": 2,
        "kudos_received": 4,
        "kudos_given": 3,
        "distinct_givers": 2,
        "distinct_receivers": 2,
        "spotlights": 1,
        "needs_met": 0,
        "needs_helped": 0,
        "outcomes_contributed": 0,
        "active_days": 12,
        "days_since_join": 40,
        "role": "member",
    }
    bob = found[place.ids["bob"]]
    assert (bob["kudos_received"], bob["kudos_given"], bob["role"]) == (1, 3, "leader")
    assert bob["days_since_join"] == 0  # never seen joining: counted from zero
    assert 999 not in found


async def test_all_members_variant_agrees_and_skips_leavers_and_bots(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    await place.give("bob", "ana", times=2)
    await place.give("ana", "cy")
    monkeypatch.setattr(badges, "CHUNK", 1)  # every id in its own IN list
    async with place.db.session() as session:
        everyone = await badges.metrics(
            session, community_id=place.community_id, member_ids=None, now=START, metrics=SHIPPED
        )
        chunked = await badges.metrics(
            session,
            community_id=place.community_id,
            member_ids=place.ids.values(),
            now=START,
            metrics=SHIPPED,
        )
    assert set(everyone) == {place.ids["ana"], place.ids["bob"]}
    assert everyone[place.ids["ana"]] == chunked[place.ids["ana"]]
    assert chunked[place.ids["cy"]]["kudos_received"] == 1  # asked for by id: still counted


async def test_award_once_then_revoke_and_grant_with_records(place: Place) -> None:
    ana, bob = place.ids["ana"], place.ids["bob"]
    where = {"community_id": place.community_id, "member_id": ana}
    async with place.db.session() as session, session.begin():
        assert await badges.award(session, **where, badge="hello", now=START, reason="rule")
        assert not await badges.award(session, **where, badge="hello", now=START)
        assert await badges.revoke(
            session, **where, badge="hello", by_id=bob, reason="oops", now=START
        )
        assert not await badges.revoke(
            session, **where, badge="hello", by_id=bob, reason="x", now=START
        )
        assert await badges.grant(
            session, **where, badge="mentor", by_id=bob, reason="helps", now=START
        )
        assert not await badges.grant(
            session, **where, badge="mentor", by_id=bob, reason="x", now=START
        )
    async with place.db.session() as session:
        held = await badges.awards_of(session, **where)
        events = await badges.events_of(session, **where)
        found = await badges.standings(
            session, community_id=place.community_id, member_ids=None, now=START, metrics=SHIPPED
        )
    assert [(row.badge, row.granted_by, row.reason) for row in held] == [("mentor", bob, "helps")]
    assert [(e.action, e.badge, e.by_id, e.reason) for e in events] == [
        ("award", "hello", None, "rule"),
        ("revoke", "hello", bob, "oops"),
        ("grant", "mentor", bob, "helps"),
    ]
    assert found[ana].settled == {"hello", "mentor"}  # a revoked badge is not awarded again
    assert found[bob].settled == set()


async def test_counts_holders_and_top_givers(place: Place) -> None:
    ana, bob, cy = place.ids["ana"], place.ids["bob"], place.ids["cy"]
    async with place.db.session() as session, session.begin():
        for member_id in (ana, bob, cy):
            await badges.award(
                session,
                community_id=place.community_id,
                member_id=member_id,
                badge="mentor",
                now=START,
            )
    await place.give("bob", "ana", times=3)
    await place.give("ana", "bob", times=2)
    await place.give("ana", "bob", times=5, days_ago=91)  # too long ago to count
    await place.give("cy", "ana", times=9)  # cy left: not listed
    async with place.db.session() as session:
        counts = await badges.counts(session, community_id=place.community_id)
        holders = await badges.holders(session, community_id=place.community_id, badges=["mentor"])
        top = await badges.top_givers(
            session, community_id=place.community_id, since=START - timedelta(days=90)
        )
    assert counts == {"mentor": 2}
    assert [row.name for _, row in holders] == ["ana", "bob"]
    assert [(row.name, given) for row, given in top] == [("bob", 3), ("ana", 2)]


async def test_concurrent_awards_happen_exactly_once(file_database_url: str) -> None:
    # A file database: an in-memory one shares a single connection, so nothing would race.
    database = Database(file_database_url)
    await database.upgrade()  # Postgres's copy is migrated already; this makes SQLite's file
    try:
        place = await _place(database, ana={})

        async def once() -> bool:
            async with database.session() as session, session.begin():
                return await badges.award(
                    session,
                    community_id=place.community_id,
                    member_id=place.ids["ana"],
                    badge="hello",
                    now=START,
                )

        results = await asyncio.gather(*(once() for _ in range(50)))
        async with database.session() as session:
            awards = (await session.exec(select(func.count()).select_from(BadgeAwardRow))).one()
            events = (await session.exec(select(func.count()).select_from(BadgeEventRow))).one()
    finally:
        await database.close()
    assert results.count(True) == 1
    assert (awards, events) == (1, 1)


async def test_holders_page_keeps_the_callers_badge_order(place: Place) -> None:
    async with place.db.session() as session, session.begin():
        for name, badge in (("ana", "mentor"), ("bob", "advocate"), ("cy", "advocate")):
            await badges.grant(
                session,
                community_id=place.community_id,
                member_id=place.ids[name],
                badge=badge,
                by_id=place.ids["bob"],
                reason="thanks",
                now=START,
            )
    async with place.db.session() as session:
        total, rows = await badges.holders_page(
            session,
            community_id=place.community_id,
            badges=["mentor", "advocate"],
            offset=0,
            limit=10,
        )
        _, second = await badges.holders_page(
            session,
            community_id=place.community_id,
            badges=["mentor", "advocate"],
            offset=1,
            limit=1,
        )
        empty = await badges.holders_page(
            session, community_id=place.community_id, badges=[], offset=0, limit=10
        )
    assert total == 2  # cy left
    assert [(badge, row.name) for badge, row in rows] == [("mentor", "ana"), ("advocate", "bob")]
    assert [(badge, row.name) for badge, row in second] == [("advocate", "bob")]
    assert empty == (0, [])
