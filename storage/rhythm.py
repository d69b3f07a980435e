"""A member's rhythm: the usual gap between their recent active days, from a small history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ActiveDayRow

WINDOW = 60  # active days kept per member: the rhythm is their recent one, and the table small
_CHUNK = 500  # stays under SQLite's bound-parameter limit in the IN (...) lookups


def gap_of(days: int, first: date, last: date) -> float:
    """The mean gap between `days` active days from `first` to `last` (0: fewer than two)."""
    return (last - first).days / (days - 1) if days > 1 else 0.0


async def recent_gaps(
    session: AsyncSession, *, community_id: int, member_ids: list[int]
) -> dict[int, float]:
    """Each member's usual gap over their last WINDOW active days, forgetting older ones.

    Members with fewer than two days in the history are left out (their gap isn't known).
    """
    gaps: dict[int, float] = {}
    older: dict[int, date] = {}
    for start in range(0, len(member_ids), _CHUNK):
        chunk = member_ids[start : start + _CHUNK]
        windows = await _windows(session, community_id, chunk)
        for member_id, (days, first, last) in windows.items():
            if days > 1:
                gaps[member_id] = gap_of(days, first, last)
            if days == WINDOW:
                older[member_id] = first
    await _forget_before(session, community_id, older)
    return gaps


async def _windows(
    session: AsyncSession, community_id: int, member_ids: list[int]
) -> dict[int, tuple[int, date, date]]:
    """Per member: how many of their latest WINDOW days are kept, the first and the last."""
    # One query per chunk; each member's history is at most WINDOW rows (and today's new ones).
    rank = func.row_number().over(
        partition_by=col(ActiveDayRow.member_id), order_by=col(ActiveDayRow.day).desc()
    )
    ranked = (
        select(col(ActiveDayRow.member_id), col(ActiveDayRow.day), rank.label("rank"))
        .where(
            ActiveDayRow.community_id == community_id,
            col(ActiveDayRow.member_id).in_(member_ids),
        )
        .subquery()
    )
    found = await session.exec(
        select(ranked.c.member_id, func.count(), func.min(ranked.c.day), func.max(ranked.c.day))
        .where(ranked.c.rank <= WINDOW)
        .group_by(ranked.c.member_id)
    )
    return {member_id: (days, first, last) for member_id, days, first, last in found}


async def _forget_before(session: AsyncSession, community_id: int, before: dict[int, date]) -> None:
    if not before:
        return
    statement = delete(ActiveDayRow).where(
        col(ActiveDayRow.community_id) == community_id,
        col(ActiveDayRow.member_id) == bindparam("member_id"),
        col(ActiveDayRow.day) < bindparam("before"),
    )
    connection = await session.connection()
    await connection.execute(statement, [{"member_id": m, "before": d} for m, d in before.items()])
