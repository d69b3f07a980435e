"""Needs and offers queries: numbering, boards by tag, fits ranked, check-ins due, history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from storage import intros, needs
from storage.db import Database
from storage.models import CommunityRow, MemberRow
from tests.conftest import START


async def _people(db: Database, **people: dict[str, Any]) -> tuple[int, dict[str, int]]:
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
        return community.id, {name: row.id or 0 for name, row in rows.items()}


async def test_numbers_are_shared_and_boards_filter_by_tag_newest_first(db: Database) -> None:
    cid, ids = await _people(db, ana={}, bob={}, cy={"left_at": START})
    async with db.session() as session, session.begin():
        for day, (who, kind, tags) in enumerate(
            [
                ("ana", needs.NEED, ("grants", "funding")),
                ("bob", needs.OFFER, ("grants",)),
                ("bob", needs.NEED, ("python",)),
                ("cy", needs.NEED, ("grants",)),
            ]
        ):
            row = await needs.add(
                session,
                community_id=cid,
                member_id=ids[who],
                kind=kind,
                what=f"{who} {kind}",
                tags=tags,
                now=START + timedelta(days=day),
            )
        assert row.number == 4
    async with db.session() as session:
        total, rows = await needs.board(
            session, community_id=cid, kind=needs.NEED, tag=None, offset=0, limit=10
        )
        assert total == 2  # cy left: their need is off the board
        assert [r.number for r, _ in rows] == [3, 1]
        _, tagged = await needs.board(
            session, community_id=cid, kind=needs.NEED, tag="grants", offset=0, limit=10
        )
        assert [r.number for r, _ in tagged] == [1]
        assert await needs.tags_in_use(session, community_id=cid) == [
            "grants",
            "funding",
            "python",
        ]


async def test_helpers_rank_by_shared_tags_then_recency_without_asker_left_or_bots(
    db: Database,
) -> None:
    cid, ids = await _people(
        db, ana={}, bob={}, cy={}, dee={}, eve={"left_at": START}, robo={"is_bot": True}
    )
    async with db.session() as session, session.begin():
        for n, (who, tags) in enumerate(
            [("bob", ("grants",)), ("eve", ("grants", "funding")), ("robo", ("grants",))]
        ):
            await needs.add(
                session,
                community_id=cid,
                member_id=ids[who],
                kind=needs.OFFER,
                what="I can help",
                tags=tags,
                now=START + timedelta(hours=n),
            )
        for who, interests, can_help in [
            ("cy", ("funding", "grants"), ""),
            ("dee", ("chemistry",), "Reviewing GRANTS, mostly"),
            ("ana", ("grants",), ""),
        ]:
            draft = intros.IntroDraft("me", "g", interests, can_help)
            await intros.save(session, community_id=cid, member_id=ids[who], draft=draft, now=START)
    async with db.session() as session:
        fits = await needs.helpers_for(
            session, community_id=cid, asker_id=ids["ana"], tags=("grants", "funding")
        )
    assert [(f.member.name, sorted(f.shared)) for f in fits] == [
        ("cy", ["funding", "grants"]),
        ("bob", ["grants"]),  # its offer is newer than dee's intro
        ("dee", ["grants"]),
    ]


async def test_checkins_come_due_once_per_round_and_history_keeps_met_needs(
    db: Database,
) -> None:
    cid, ids = await _people(db, ana={}, bob={})
    async with db.session() as session, session.begin():
        row = await needs.add(
            session,
            community_id=cid,
            member_id=ids["ana"],
            kind=needs.NEED,
            what="a grant",
            tags=("grants",),
            now=START,
        )
        due = await needs.checkins_due(
            session, community_id=cid, before=START + timedelta(days=1), after_id=0, limit=10
        )
        assert [n.number for n, _ in due] == [1]
        row.checked_in_at = START + timedelta(days=1)
        assert not await needs.checkins_due(
            session, community_id=cid, before=START + timedelta(days=2), after_id=0, limit=10
        )
        await needs.renew(session, row=row, now=START + timedelta(days=2))
        assert await needs.checkins_due(
            session, community_id=cid, before=START + timedelta(days=3), after_id=0, limit=10
        )
        await needs.close(
            session, row=row, status=needs.MET, helper_id=ids["bob"], now=START + timedelta(3)
        )
    async with db.session() as session:
        assert (await needs.met_needs(session, community_id=cid, member_id=ids["ana"]))[0] == 1
        count, helped = await needs.helped_by(session, community_id=cid, member_id=ids["bob"])
        assert count == 1 and helped[0][1] == "ana"
