"""How rounds went, round by round: groups, meetings, and what came of them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MatchGroupRow, MatchRoundRow, MatchSeatRow
from storage.models.matching import MADE, MET, NEED_MET


@dataclass
class RoundStats:
    """One round's figures."""

    number: int
    started_at: datetime
    pool: int
    groups: int = 0
    answered: int = 0  # groups where someone answered
    met: int = 0  # groups where someone said they met
    needs_met: int = 0  # meetings where a need was met
    made: int = 0  # meetings that made something
    paired_on_needs: int = 0  # groups paired on a need↔offer


async def stats(session: AsyncSession, *, community_id: int, rounds: int = 12) -> list[RoundStats]:
    """The latest rounds' figures, newest first."""
    found = await session.exec(
        select(MatchRoundRow)
        .where(MatchRoundRow.community_id == community_id)
        .order_by(col(MatchRoundRow.number).desc())
        .limit(rounds)
    )
    by_id = {row.id or 0: RoundStats(row.number, row.started_at, row.pool) for row in found.all()}
    if not by_id:
        return []
    seats = await session.exec(
        select(MatchGroupRow.round_id, MatchGroupRow.id, MatchGroupRow.needs_met)
        .add_columns(MatchSeatRow.answer, MatchSeatRow.came_of_it)
        .join(MatchSeatRow, col(MatchSeatRow.group_id) == col(MatchGroupRow.id))
        .where(col(MatchGroupRow.round_id).in_(by_id))
    )
    groups: dict[tuple[int, int], list[tuple[str | None, str | None]]] = defaultdict(list)
    on_needs: set[tuple[int, int]] = set()
    for round_id, group_id, needs_met, said, came in seats.all():
        groups[(round_id, group_id)].append((said, came))
        if needs_met:
            on_needs.add((round_id, group_id))
    for (round_id, group_id), answers in groups.items():
        figures = by_id[round_id]
        figures.groups += 1
        figures.paired_on_needs += (round_id, group_id) in on_needs
        figures.answered += any(said is not None for said, _ in answers)
        if any(said == MET for said, _ in answers):
            figures.met += 1
            figures.needs_met += any(came == NEED_MET for _, came in answers)
            figures.made += any(came == MADE for _, came in answers)
    return list(by_id.values())


@dataclass(frozen=True)
class Meetings:
    """Meetings first reported in a period, counted: no names, no groups."""

    met: int
    needs_met: int  # of those, meetings where a need was met
    made: int  # of those, meetings that made something


async def meetings_between(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime
) -> Meetings:
    """Groups whose first "we met" came in [since, until), and what came of them."""
    seat = MatchSeatRow
    # A group is counted in the period its first "we met" arrived, so no week counts it twice.
    groups = (
        select(
            col(seat.group_id),
            func.min(seat.answered_at).label("first"),
            func.max(case((col(seat.came_of_it) == NEED_MET, 1), else_=0)).label("need"),
            func.max(case((col(seat.came_of_it) == MADE, 1), else_=0)).label("made"),
        )
        .join(MatchGroupRow, col(MatchGroupRow.id) == col(seat.group_id))
        .where(MatchGroupRow.community_id == community_id, seat.answer == MET)
        .group_by(col(seat.group_id))
        .subquery()
    )
    met, needs_met, made = (
        await session.exec(
            select(func.count(), func.sum(groups.c.need), func.sum(groups.c.made)).where(
                groups.c.first >= since, groups.c.first < until
            )
        )
    ).one()
    return Meetings(met, needs_met or 0, made or 0)
