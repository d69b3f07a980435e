"""A round's record: its groups and seats, the answers, and the one follow-up each round gets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MatchGroupRow, MatchRoundRow, MatchSeatRow, MemberRow
from storage.models.matching import MET


@dataclass(frozen=True)
class Formed:
    """A group the matcher made, as the round's record keeps it."""

    members: tuple[int, ...]
    score: int
    why: str  # JSON
    needs_met: int


@dataclass
class Placed:
    """A member's seat in a round, with the round, the group and the others in it."""

    round: MatchRoundRow
    group: MatchGroupRow
    seat: MatchSeatRow
    others: list[MemberRow]


async def round_of(
    session: AsyncSession, *, community_id: int, period: str
) -> MatchRoundRow | None:
    """The round already run for a job period, if any."""
    found = await session.exec(
        select(MatchRoundRow).where(
            MatchRoundRow.community_id == community_id, MatchRoundRow.period == period
        )
    )
    return found.first()


async def latest_round(session: AsyncSession, *, community_id: int) -> MatchRoundRow | None:
    """The community's newest round."""
    found = await session.exec(
        select(MatchRoundRow)
        .where(MatchRoundRow.community_id == community_id)
        .order_by(col(MatchRoundRow.number).desc())
        .limit(1)
    )
    return found.first()


async def record_round(
    session: AsyncSession,
    *,
    community_id: int,
    period: str,
    now: datetime,
    follow_up_at: datetime,
    pool: int,
    unpaired: int,
    groups: Sequence[Formed],
) -> tuple[MatchRoundRow, list[int]]:
    """Write a round with its groups and a seat per member; the groups' ids, in order given."""
    highest = await session.exec(
        select(func.max(MatchRoundRow.number)).where(MatchRoundRow.community_id == community_id)
    )
    number = (highest.one() or 0) + 1
    row = MatchRoundRow(
        community_id=community_id,
        number=number,
        period=period,
        started_at=now,
        follow_up_at=follow_up_at,
        pool=pool,
        unpaired=unpaired,
    )
    session.add(row)
    await session.flush()
    if not groups:
        return row, []
    # A round of 10,000 members writes 5,000 groups and 10,000 seats: two executemany INSERTs,
    # not an ORM object (validated, then flushed) per row; the groups' ids are read back by
    # position, since RETURNING in order would fall back to an INSERT per row on SQLite.
    await session.exec(
        insert(MatchGroupRow),  # type: ignore[call-overload]
        params=[
            {
                "round_id": row.id,
                "position": position,
                "community_id": community_id,
                "score": formed.score,
                "why": formed.why,
                "needs_met": formed.needs_met,
            }
            for position, formed in enumerate(groups)
        ],
    )
    found = await session.exec(
        select(MatchGroupRow.id)
        .where(MatchGroupRow.round_id == row.id)
        .order_by(col(MatchGroupRow.position))
    )
    ids = [group_id or 0 for group_id in found.all()]
    await session.exec(
        insert(MatchSeatRow),  # type: ignore[call-overload]
        params=[
            {
                "group_id": group_id,
                "member_id": member_id,
                "answer": None,
                "answered_at": None,
                "came_of_it": None,
                "followed_up": False,
            }
            for group_id, formed in zip(ids, groups, strict=True)
            for member_id in formed.members
        ],
    )
    return row, ids


async def seat_of(session: AsyncSession, *, group_id: int, member_id: int) -> Placed | None:
    """A member's seat in a group, with its round and the others seated with them."""
    seat = await session.get(MatchSeatRow, (group_id, member_id))
    group = seat and await session.get(MatchGroupRow, group_id)
    found = group and await session.get(MatchRoundRow, group.round_id)
    if seat is None or group is None or not found:
        return None
    return Placed(found, group, seat, await _others(session, group_id, member_id))


async def group_of(session: AsyncSession, *, group_id: int) -> Sequence[MatchSeatRow]:
    """Every seat of a group."""
    found = await session.exec(select(MatchSeatRow).where(MatchSeatRow.group_id == group_id))
    return found.all()


async def _others(session: AsyncSession, group_id: int, member_id: int) -> list[MemberRow]:
    found = await session.exec(
        select(MemberRow)
        .join(MatchSeatRow, col(MatchSeatRow.member_id) == col(MemberRow.id))
        .where(MatchSeatRow.group_id == group_id, MatchSeatRow.member_id != member_id)
        .order_by(MemberRow.id)
    )
    return list(found.all())


async def answer(session: AsyncSession, *, seat: MatchSeatRow, said: str, now: datetime) -> None:
    """Record whether the member met their group."""
    seat.answer, seat.answered_at = said, now
    if said != MET:
        seat.came_of_it = None
    session.add(seat)


async def came_of_it(session: AsyncSession, *, seat: MatchSeatRow, what: str) -> None:
    """Record what came of a meeting."""
    seat.came_of_it = what
    session.add(seat)


async def next_follow_up(session: AsyncSession) -> datetime | None:
    """When the next round anywhere is due its follow-up."""
    found = await session.exec(
        select(func.min(MatchRoundRow.follow_up_at)).where(
            col(MatchRoundRow.followed_up_at).is_(None)
        )
    )
    return found.one()


async def followups_due(
    session: AsyncSession, *, community_id: int, now: datetime
) -> list[tuple[MatchRoundRow, list[MatchSeatRow]]]:
    """Rounds due their follow-up by now, each with the seats to ask."""
    found = await session.exec(
        select(MatchRoundRow)
        .where(
            MatchRoundRow.community_id == community_id,
            col(MatchRoundRow.followed_up_at).is_(None),
            col(MatchRoundRow.follow_up_at) <= now,
        )
        .order_by(MatchRoundRow.number)
    )
    due = []
    for row in found.all():
        seats = await session.exec(
            select(MatchSeatRow)
            .join(MatchGroupRow, col(MatchGroupRow.id) == col(MatchSeatRow.group_id))
            .where(MatchGroupRow.round_id == row.id)
        )
        groups: dict[int, list[MatchSeatRow]] = defaultdict(list)
        for seat in seats.all():
            groups[seat.group_id].append(seat)
        # A group someone said met is not asked again: they told us for the group.
        ask = [
            seat
            for members in groups.values()
            if not any(seat.answer == MET for seat in members)
            for seat in members
            if seat.answer is None
        ]
        due.append((row, sorted(ask, key=lambda s: (s.group_id, s.member_id))))
    return due


async def members_of_groups(
    session: AsyncSession, *, group_ids: Sequence[int]
) -> dict[int, list[MemberRow]]:
    """Each group's members, by id order, in a query per thousand groups (not one per seat)."""
    found: dict[int, list[MemberRow]] = defaultdict(list)
    unique = sorted(set(group_ids))
    for start in range(0, len(unique), 1_000):
        rows = await session.exec(
            select(MatchSeatRow.group_id, MemberRow)
            .join(MemberRow, col(MemberRow.id) == col(MatchSeatRow.member_id))
            .where(col(MatchSeatRow.group_id).in_(unique[start : start + 1_000]))
            .order_by(MatchSeatRow.group_id, MemberRow.id)
        )
        for group_id, member in rows.all():
            found[group_id].append(member)
    return found


async def followed_up(session: AsyncSession, *, round_ids: Sequence[int], now: datetime) -> None:
    """Mark rounds followed up, so each is asked about once."""
    await session.exec(
        update(MatchRoundRow).where(col(MatchRoundRow.id).in_(round_ids)).values(followed_up_at=now)
    )


async def recent_for(session: AsyncSession, *, member_id: int, limit: int = 3) -> list[Placed]:
    """The member's latest seats, newest first."""
    found = await session.exec(
        select(MatchSeatRow, MatchGroupRow, MatchRoundRow)
        .join(MatchGroupRow, col(MatchGroupRow.id) == col(MatchSeatRow.group_id))
        .join(MatchRoundRow, col(MatchRoundRow.id) == col(MatchGroupRow.round_id))
        .where(MatchSeatRow.member_id == member_id)
        .order_by(col(MatchRoundRow.number).desc())
        .limit(limit)
    )
    return [
        Placed(found_round, group, seat, await _others(session, group.id or 0, member_id))
        for seat, group, found_round in found.all()
    ]
