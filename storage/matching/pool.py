"""Who a round draws from, with their tags, and which pairs met lately or must never meet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    InterestRow,
    MatchAvoidRow,
    MatchGroupRow,
    MatchMemberRow,
    MatchRoundRow,
    MatchSeatRow,
    MemberRow,
    NeedRow,
    NeedTagRow,
)
from storage.models.matching import CANT, IN, MET, NOT_YET
from storage.models.needs import NEED, OPEN

ACTIVE_DAYS = 60  # only members active this lately are paired


@dataclass
class Entrant:
    """A member a round may pair, with what they need, offer and are interested in."""

    id: int
    external_id: str
    name: str
    role: str
    joined_at: datetime | None
    needs: set[str] = field(default_factory=set)
    offers: set[str] = field(default_factory=set)
    interests: set[str] = field(default_factory=set)


async def pool(
    session: AsyncSession, *, community_id: int, now: datetime, default_in: bool
) -> list[Entrant]:
    """Members in the round: opted in, not paused, away or unreachable, and active lately."""
    taking_part = col(MatchMemberRow.status) == IN
    if default_in:
        taking_part = or_(col(MatchMemberRow.status).is_(None), taking_part)
    found = await session.exec(
        select(
            MemberRow.id,
            MemberRow.external_id,
            MemberRow.name,
            MemberRow.role,
            MemberRow.joined_at,
        )
        .outerjoin(MatchMemberRow, col(MatchMemberRow.member_id) == col(MemberRow.id))
        .where(
            MemberRow.community_id == community_id,
            col(MemberRow.left_at).is_(None),
            col(MemberRow.is_bot).is_(False),
            col(MemberRow.dms_off).is_(False),  # the round is told by DM
            or_(col(MemberRow.away_until).is_(None), col(MemberRow.away_until) <= now),
            col(MemberRow.last_active_at) >= now - timedelta(days=ACTIVE_DAYS),
            taking_part,
            or_(
                col(MatchMemberRow.paused_until).is_(None), col(MatchMemberRow.paused_until) <= now
            ),
        )
        .order_by(MemberRow.id)
    )
    entrants = {row.id: Entrant(*row) for row in found.all()}
    tags = await session.exec(
        select(NeedRow.member_id, NeedRow.kind, NeedTagRow.tag)
        .join(NeedTagRow, col(NeedTagRow.need_id) == col(NeedRow.id))
        .where(NeedRow.community_id == community_id, NeedRow.status == OPEN)
    )
    for member_id, kind, tag in tags.all():
        if member_id in entrants:
            entry = entrants[member_id]
            (entry.needs if kind == NEED else entry.offers).add(tag)
    interests = await session.exec(
        select(InterestRow.member_id, InterestRow.tag).where(
            InterestRow.community_id == community_id
        )
    )
    for member_id, tag in interests.all():
        if member_id in entrants:
            entrants[member_id].interests.add(tag)
    return list(entrants.values())


async def history(
    session: AsyncSession, *, community_id: int, now: datetime, weeks: int
) -> dict[frozenset[int], int]:
    """Pairs that met in the last `weeks` weeks, with how many weeks ago they last did."""
    found = await session.exec(
        select(MatchSeatRow.group_id, MatchSeatRow.member_id, MatchSeatRow.answer)
        .join(MatchGroupRow, col(MatchGroupRow.id) == col(MatchSeatRow.group_id))
        .join(MatchRoundRow, col(MatchRoundRow.id) == col(MatchGroupRow.round_id))
        .add_columns(MatchRoundRow.started_at)
        .where(
            MatchRoundRow.community_id == community_id,
            col(MatchRoundRow.started_at) > now - timedelta(weeks=weeks),
        )
    )
    groups: dict[int, list[tuple[int, str | None, datetime]]] = defaultdict(list)
    for group_id, member_id, said, started in found.all():
        groups[group_id].append((member_id, said, started))
    met: dict[frozenset[int], int] = {}
    for seats in groups.values():
        if not happened([said for _, said, _ in seats]):
            continue
        ago = max((now - seats[0][2]).days // 7, 0)
        for (a, _, _), (b, _, _) in combinations(seats, 2):
            pair = frozenset((a, b))
            met[pair] = min(met.get(pair, ago), ago)
    return met


def happened(answers: list[str | None]) -> bool:
    """Whether a group counts as a meeting: unless nobody said met and someone said it didn't."""
    # Silence counts as a meeting: pairing the same people again right after would feel odd.
    return MET in answers or not any(said in (NOT_YET, CANT) for said in answers)


async def avoid_pairs(session: AsyncSession, *, community_id: int) -> set[frozenset[int]]:
    """Every pair on either member's avoid list."""
    found = await session.exec(
        select(MatchAvoidRow.member_id, MatchAvoidRow.avoided_id).where(
            MatchAvoidRow.community_id == community_id
        )
    )
    return {frozenset(pair) for pair in found.all()}
