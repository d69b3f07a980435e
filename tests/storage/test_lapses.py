"""Lapse queries: the rule against each member's rhythm, who is excluded, chunks, returns."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import lapses
from storage.db import Database
from storage.lapses import LapseRule, Return
from storage.models import LapseRow, MemberRow
from tests.conftest import START
from tests.storage.test_badges import Place, _place

TODAY = date(2026, 11, 30)
NOW = START + timedelta(days=28)  # 2026-11-30 09:00 UTC
RULE = LapseRule(min_days=21, factor=3)


def quiet(days: int, gap: float = 1.0, active: int = 10, **extra: Any) -> dict[str, Any]:
    """A member last active `days` ago, usually every `gap` days."""
    when = START + timedelta(days=28 - days)
    return {
        "last_active_on": TODAY - timedelta(days=days),
        "last_active_at": when,
        "active_days": active,
        "usual_gap": gap,
        **extra,
    }


async def people(db: Database) -> Place:
    """Members quiet for a while, each a case of the rule."""
    return await _place(
        db,
        ana=quiet(22),  # daily member, 22 days: lapsed
        bea=quiet(21),  # exactly the minimum: not yet
        cal=quiet(25, gap=10),  # every 10 days: 25 is under 3 × 10
        dan=quiet(31, gap=10),  # and 31 is over it
        eve=quiet(40, active=2),  # a visitor is not chased
        fay=quiet(40, away_until=NOW + timedelta(days=1)),  # paused
        gus=quiet(40, dms_off=True),
        hal=quiet(40, left_at=NOW),
        robo=quiet(40, is_bot=True),
        ivy=quiet(40, away_until=NOW - timedelta(days=1)),  # the pause is over
        jon=quiet(10, gap=2),  # drifting: longer than usual, not a lapse
        kim=quiet(6, gap=1),  # under a week: not even drifting
        leo=quiet(0),  # here today
    )


async def _row(session: AsyncSession, name: str) -> MemberRow:
    return (await session.exec(select(MemberRow).where(MemberRow.name == name))).one()


async def _lapsed(place: Place, *, after: int = 0, limit: int = 100) -> list[str]:
    async with place.db.session() as session:
        found = await lapses.newly_lapsed(
            session,
            community_id=place.community_id,
            rule=RULE,
            today=TODAY,
            now=NOW,
            after_id=after,
            limit=limit,
        )
    return [row.name for row in found]


async def test_a_lapse_is_silence_beyond_both_the_minimum_and_the_rhythm(db: Database) -> None:
    place = await people(db)
    assert await _lapsed(place) == ["ana", "dan", "ivy"]


async def test_the_rule_reads_the_same_in_python_as_in_sql(db: Database) -> None:
    assert RULE.lapsed(22, 1.0) and not RULE.lapsed(21, 1.0)
    assert not RULE.lapsed(25, 10.0) and RULE.lapsed(31, 10.0)
    await people(db)
    async with db.session() as session:
        rows = (await session.exec(select(MemberRow).order_by(MemberRow.id))).all()
        in_sql = await session.exec(
            select(MemberRow.name).where(*lapses.watched(NOW)).order_by(MemberRow.id)
        )
        watched = list(in_sql)
    assert [row.name for row in rows if lapses.is_watched(row, NOW)] == watched
    assert watched == ["ana", "bea", "cal", "dan", "ivy", "jon", "kim", "leo"]


async def test_the_scan_goes_in_chunks_by_id_and_never_twice(db: Database) -> None:
    place = await people(db)
    assert await _lapsed(place, limit=2) == ["ana", "dan"]
    assert await _lapsed(place, after=place.ids["dan"], limit=2) == ["ivy"]
    async with db.session() as session, session.begin():
        names = ("ana", "dan")
        rows = (await session.exec(select(MemberRow).where(col(MemberRow.name).in_(names)))).all()
        await lapses.record(
            session,
            community_id=place.community_id,
            members=rows,
            now=NOW,
            nudged=True,
        )
        await lapses.record(  # again: still one row each
            session,
            community_id=place.community_id,
            members=rows,
            now=NOW,
            nudged=True,
        )
    assert await _lapsed(place) == ["ivy"]
    async with db.session() as session:
        noted = (await session.exec(select(LapseRow))).all()
    assert [(row.member_id, row.since_day, row.nudged_at) for row in noted] == [
        (place.ids["ana"], TODAY - timedelta(days=22), NOW),
        (place.ids["dan"], TODAY - timedelta(days=31), NOW),
    ]


async def test_lapsed_and_drifting_members_longest_silent_first(db: Database) -> None:
    place = await people(db)
    async with db.session() as session, session.begin():
        ana = await _row(session, "ana")
        await lapses.record(
            session,
            community_id=place.community_id,
            members=[ana],
            now=NOW,
            nudged=True,
        )

    async def page(offset: int, limit: int) -> tuple[int, list[tuple[str, bool, bool]]]:
        async with db.session() as session:
            total, rows = await lapses.quiet_page(
                session,
                community_id=place.community_id,
                rule=RULE,
                today=TODAY,
                now=NOW,
                offset=offset,
                limit=limit,
            )
        return total, [(q.member.name, q.lapsed, q.nudged_at is not None) for q in rows]

    assert await page(0, 10) == (
        6,
        [
            ("ivy", True, False),
            ("dan", True, False),
            ("ana", True, True),
            ("cal", False, False),
            ("bea", False, False),
            ("jon", False, False),
        ],
    )
    assert await page(4, 10) == (6, [("bea", False, False), ("jon", False, False)])


async def test_a_return_is_noted_once_and_welcomed_once(db: Database) -> None:
    place = await people(db)
    ana, bea = place.ids["ana"], place.ids["bea"]
    since = TODAY - timedelta(days=22)
    async with db.session() as session, session.begin():
        row = await _row(session, "ana")
        await lapses.record(
            session,
            community_id=place.community_id,
            members=[row],
            now=NOW,
            nudged=True,
        )
        silences = {ana: since, bea: TODAY - timedelta(days=21)}
        assert await lapses.open_among(
            session, community_id=place.community_id, silences=silences
        ) == {ana}
        back = [
            Return(ana, since, NOW - timedelta(days=22), NOW),
            Return(bea, date(2026, 11, 9), NOW, NOW),
        ]
        await lapses.mark_returned(session, community_id=place.community_id, returns=back)
        assert await lapses.any_welcome_due(session)
        due = await lapses.welcomes_due(session, community_id=place.community_id, limit=10)
        assert [(lapse.member_id, lapse.nudged_at) for lapse, _ in due] == [(ana, NOW), (bea, None)]
        await lapses.welcomed(session, lapse_ids=[lapse.id or 0 for lapse, _ in due], now=NOW)
        # Noted again (a flush replayed): no second welcome.
        await lapses.mark_returned(session, community_id=place.community_id, returns=back)
        assert not await lapses.any_welcome_due(session)
        assert (
            await lapses.open_among(session, community_id=place.community_id, silences=silences)
            == set()
        )
